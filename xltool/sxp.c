/*
 * sxp.c - `xm list --long`: xend's S-expression domain records, laid out
 * as xm printed them, one "(key value)" per line so that scripts that
 * grep a single line keep working.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "xltool.h"

/* Quotes a value the way xend's printer did when it holds blanks or
 * parentheses. */
static void value(const char *v)
{
    if (!*v || strpbrk(v, " \t()'\"")) {
        putchar('\'');
        for (; *v; v++) {
            if (*v == '\'' || *v == '\\')
                putchar('\\');
            putchar(*v);
        }
        putchar('\'');
    } else {
        fputs(v, stdout);
    }
}

static void kv(int depth, const char *k, const char *v)
{
    printf("%*s(%s ", depth * 4, "", k);
    value(v ? v : "");
    printf(")\n");
}

static void kvu(int depth, const char *k, uint64_t v)
{
    printf("%*s(%s %" PRIu64 ")\n", depth * 4, "", k, v);
}

/* xend's power states: 0 halted, 1 paused, 2 running, 3 suspended,
 * 4 shutting down, 5 crashed. */
static int xend_status(const struct be_dominfo *d)
{
    if (d->state & BE_ST_CRASHED)
        return 5;
    if (d->state & BE_ST_DYING)
        return 4;
    if (d->state & BE_ST_SHUTDOWN)
        return d->shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND ? 3 : 0;
    if (d->state & BE_ST_PAUSED)
        return 1;
    return 2;
}

static const char *action(libxl_action_on_shutdown a, const char *def)
{
    return a ? libxl_action_on_shutdown_to_string(a) : def;
}

static void image(libxl_domain_config *c)
{
    libxl_domain_build_info *b = &c->b_info;
    int hvm = c->c_info.type == LIBXL_DOMAIN_TYPE_HVM;

    printf("    (image\n        (%s\n", hvm ? "hvm" : "linux");
    if (b->kernel)
        kv(3, "kernel", b->kernel);
    if (b->ramdisk)
        kv(3, "ramdisk", b->ramdisk);
    if (b->cmdline)
        kv(3, "args", b->cmdline);
    printf("        )\n    )\n");
}

/* A disk's mode as xm showed it: "w!" for a shared writable one. */
static const char *disk_mode(const libxl_device_disk *d,
                             const struct cfg_extra *x)
{
    if (!d->readwrite)
        return "r";
    return cfg_extra_is_shared(x, d->vdev) ? "w!" : "w";
}

static void devices(libxl_domain_config *c, const struct cfg_extra *x)
{
    char buf[64], uname[4200];
    int i;

    for (i = 0; i < c->num_disks; i++) {
        libxl_device_disk *d = &c->disks[i];
        snprintf(uname, sizeof(uname), "%s:%s",
                 d->format == LIBXL_DISK_FORMAT_RAW &&
                 d->backend == LIBXL_DISK_BACKEND_PHY ? "phy" : "file",
                 d->pdev_path ? d->pdev_path : "");
        printf("    (device\n        (vbd\n");
        kv(3, "uname", uname);
        kv(3, "dev", d->vdev ? d->vdev : "");
        kv(3, "mode", disk_mode(d, x));
        printf("        )\n    )\n");
    }
    for (i = 0; i < c->num_nics; i++) {
        libxl_device_nic *n = &c->nics[i];
        snprintf(buf, sizeof(buf), LIBXL_MAC_FMT, LIBXL_MAC_BYTES(n->mac));
        printf("    (device\n        (vif\n");
        kv(3, "mac", buf);
        kv(3, "bridge", n->bridge ? n->bridge : "xenbr0");
        if (n->ip)
            kv(3, "ip", n->ip);
        if (n->ifname)
            kv(3, "vifname", n->ifname);
        printf("        )\n    )\n");
    }
}

static void one(struct be *be, const struct be_dominfo *d)
{
    libxl_domain_config c;
    struct cfg_extra x;
    char err[XT_ERRLEN], st[7], uuid[40], t[32];
    uint64_t start;
    int have;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    have = d->domid != 0 && be->ops->get_config(be, d->domid, &c, err) == 0;
    /* Without its extra (x is left empty), a "w!" disk shows as "w". */
    if (have && be->ops->get_extra)
        be->ops->get_extra(be, d->domid, &x, err);
    xt_state_xm(d, st);
    snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(d->uuid));
    printf("(domain\n");
    kvu(1, "domid", d->domid);
    kv(1, "uuid", uuid);
    kv(1, "name", d->name);
    kvu(1, "memory", d->current_memkb / 1024);
    kvu(1, "maxmem", d->max_memkb / 1024);
    kvu(1, "vcpus", d->vcpu_max);
    kvu(1, "online_vcpus", d->vcpu_online);
    kv(1, "state", st);
    kvu(1, "status", xend_status(d));
    snprintf(t, sizeof(t), "%.3f", (double)d->cpu_time_ns / 1e9);
    kv(1, "cpu_time", t);
    start = core_start_time(be, d);
    if (start) {
        snprintf(t, sizeof(t), "%" PRIu64 ".0", start);
        kv(1, "start_time", t);
    }
    if (have) {
        kv(1, "on_poweroff", action(c.on_poweroff, "destroy"));
        kv(1, "on_reboot", action(c.on_reboot, "restart"));
        kv(1, "on_crash", action(c.on_crash, "destroy"));
        image(&c);
        devices(&c, &x);
    }
    printf(")\n");
    libxl_domain_config_dispose(&c);
    cfg_extra_dispose(&x);
}

int xt_list_sxp(struct be *be, const struct be_dominfo *l, int n)
{
    int i;

    for (i = 0; i < n; i++)
        one(be, &l[i]);
    return EXIT_OK;
}
