/*
 * lab-drive.c - drives the libxl backend's operations one by one from
 * the shell, inside the lab's dom0, so that the backend is tested against
 * the real hypervisor on its own, whatever the command line offers.
 * Configs come as libxl JSON (what `xl create -n` prints), so that the
 * backend is tested without the config reader.  Built by run-lab.
 *
 * usage: lab-drive OP [ARGS]   (see usage() below)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "be_libxl.h"

static struct be *be;
static char err[XT_ERRLEN];

static int die(const char *what)
{
    fprintf(stderr, "lab-drive: %s: %s\n", what, err);
    return 1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!f)
        return NULL;
    n = getdelim(&buf, &cap, '\0', f);
    fclose(f);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int load_json(const char *path, libxl_domain_config *c)
{
    char *json = slurp(path);
    int rc;

    if (!json) {
        if (snprintf(err, sizeof(err), "%s: %s", path, strerror(errno)) < 0)
            err[0] = 0;
        return -1;
    }
    /* The backend's own reader, as restore uses it. */
    rc = be->ops->config_from_json(be, json, c, err);
    free(json);
    return rc ? -1 : 0;
}

static int op_create(int argc, char **argv, int restore)
{
    libxl_domain_config c;
    uint32_t domid;
    int fd = -1, rc = 1;
    char path[256];

    libxl_domain_config_init(&c);
    if (argc < 3)
        goto out;
    if (snprintf(path, sizeof(path), restore ? "%s.json" : "%s", argv[2]) >=
        (int)sizeof(path))
        goto out;
    if (load_json(path, &c)) {
        rc = die("config");
        goto out;
    }
    if (restore) {
        fd = open(argv[2], O_RDONLY);
        if (fd < 0 || be->ops->receive(be, &c, fd, 0, &domid, err)) {
            rc = die("receive");
            goto out;
        }
    } else if (be->ops->create(be, &c, NULL,
                               argc > 3 ? BE_CREATE_PAUSED : 0, &domid,
                               err)) {
        rc = die("create");
        goto out;
    }
    printf("%u\n", domid);
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    libxl_domain_config_dispose(&c);
    return rc;
}

static int op_save(uint32_t domid, const char *file, int live)
{
    libxl_domain_config c;
    char path[256], *json = NULL;
    FILE *f = NULL;
    int fd = -1, rc = 1;

    libxl_domain_config_init(&c);
    if (be->ops->get_config(be, domid, &c, err)) {
        rc = die("get_config");
        goto out;
    }
    json = libxl_domain_config_to_json(be_lx_of(be)->ctx, &c);
    if (snprintf(path, sizeof(path), "%s.json", file) >= (int)sizeof(path))
        goto out;
    f = fopen(path, "w");
    if (!json || !f || fputs(json, f) < 0)
        goto out;
    fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || be->ops->send(be, domid, fd, live ? BE_SEND_LIVE : 0,
                                NULL, NULL, err)) {
        rc = die("send");
        goto out;
    }
    if (be->ops->destroy(be, domid, err)) {
        rc = die("destroy after send");
        goto out;
    }
    rc = 0;
out:
    if (f)
        fclose(f);
    if (fd >= 0)
        close(fd);
    free(json);
    libxl_domain_config_dispose(&c);
    return rc;
}

/* Relays stdin to the console and the console to stdout for at most
 * secs seconds, or until Ctrl-] comes on stdin. */
static int op_console(uint32_t domid, int secs)
{
    struct pollfd p[2];
    time_t end = time(NULL) + secs;
    char buf[512];
    ssize_t n, i;
    int fd, in_open = 1;

    if (be->ops->console_open(be, domid, BE_CONSOLE_DEFAULT, 0, &fd, err))
        return die("console_open");
    while (time(NULL) < end) {
        p[0].fd = fd; p[0].events = POLLIN;
        p[1].fd = in_open ? 0 : -1; p[1].events = POLLIN;
        if (poll(p, 2, 500) < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            n = read(fd, buf, sizeof(buf));
            if (n <= 0)
                break;
            fwrite(buf, 1, n, stdout);
            fflush(stdout);
        }
        if (p[1].revents & (POLLIN | POLLHUP)) {
            n = read(0, buf, sizeof(buf));
            if (n <= 0) {
                in_open = 0;
                continue;
            }
            for (i = 0; i < n; i++)
                if (buf[i] == 0x1d) {
                    close(fd);
                    return 0;
                }
            if (write(fd, buf, n) != n)
                break;
        }
    }
    close(fd);
    return 2;
}

static int op_list(void)
{
    struct be_dominfo *l = NULL;
    int n = 0, i;

    if (be->ops->list(be, &l, &n, err))
        return die("list");
    for (i = 0; i < n; i++)
        printf("%s %u %lu %u %u %#x\n", l[i].name, l[i].domid,
               (unsigned long)(l[i].current_memkb / 1024), l[i].vcpu_online,
               l[i].vcpu_max, l[i].state);
    core_dominfo_list_free(l, n);
    return 0;
}

static int op_devs(uint32_t domid, int nics)
{
    struct be_devinfo *l = NULL;
    int n = 0, i;

    if ((nics ? be->ops->nic_list : be->ops->disk_list)(be, domid, &l, &n,
                                                         err))
        return die("device list");
    for (i = 0; i < n; i++)
        printf("%d %d %d %s %s\n", l[i].devid, l[i].backend_id, l[i].state,
               l[i].mac ? l[i].mac : "-", l[i].be_path ? l[i].be_path : "-");
    core_devinfo_list_free(l, n);
    return 0;
}

static int op_vcpus(uint32_t domid)
{
    struct be_vcpuinfo *l = NULL;
    int n = 0, i;

    if (be->ops->vcpu_list(be, domid, &l, &n, err))
        return die("vcpu_list");
    for (i = 0; i < n; i++)
        printf("%u %u %d\n", l[i].vcpuid, l[i].cpu, l[i].online);
    core_vcpuinfo_list_free(l, n);
    return 0;
}

static int op_info(void)
{
    libxl_physinfo phys;
    libxl_version_info ver;
    char *msg = NULL;
    int rc = 0;

    libxl_physinfo_init(&phys);
    libxl_version_info_init(&ver);
    if (be->ops->host_info(be, &phys, &ver, err))
        rc = die("host_info");
    else
        printf("xen %d.%d%s cpus %u total_mb %lu\n", ver.xen_version_major,
               ver.xen_version_minor, ver.xen_version_extra, phys.nr_cpus,
               (unsigned long)(phys.total_pages / 256));
    if (!rc && be->ops->dmesg(be, 0, &msg, err))
        rc = die("dmesg");
    if (!rc)
        printf("dmesg %zu bytes, %s\n", strlen(msg),
               strstr(msg, "Xen version") ? "has version line" : "odd");
    free(msg);
    libxl_physinfo_dispose(&phys);
    libxl_version_info_dispose(&ver);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: lab-drive create JSON [paused] | restore FILE |"
            " list | info\n"
            "       lab-drive DOM (destroy|shutdown|reboot|pause|unpause|"
            "resume|vcpus|disks|nics)\n"
            "       lab-drive DOM (save|migrate-save FILE|mem-set KB|"
            "maxmem KB|vcpu-set N|rename NAME|console SECS|sysrq K)\n");
    return 2;
}

static int dom_op(uint32_t d, const char *op, const char *arg)
{
    unsigned long long v = arg ? strtoull(arg, NULL, 0) : 0;
    int rc = 0;

#define OP(name, call) else if (!strcmp(op, name)) rc = (call)
    if (0) {}
    OP("destroy", be->ops->destroy(be, d, err));
    OP("shutdown", be->ops->shutdown(be, d, BE_POWEROFF, err));
    OP("reboot", be->ops->shutdown(be, d, BE_REBOOT, err));
    OP("pause", be->ops->pause(be, d, err));
    OP("unpause", be->ops->unpause(be, d, err));
    OP("resume", be->ops->resume(be, d, err));
    OP("vcpus", op_vcpus(d) ? -2 : 0);
    OP("disks", op_devs(d, 0) ? -2 : 0);
    OP("nics", op_devs(d, 1) ? -2 : 0);
    OP("save", arg ? (op_save(d, arg, 0) ? -2 : 0) : -3);
    OP("migrate-save", arg ? (op_save(d, arg, 1) ? -2 : 0) : -3);
    OP("mem-set", arg ? be->ops->set_memory(be, d, v, err) : -3);
    OP("maxmem", arg ? be->ops->set_maxmem(be, d, v, err) : -3);
    OP("vcpu-set", arg ? be->ops->set_vcpus(be, d, v, err) : -3);
    OP("rename", arg ? be->ops->rename(be, d, arg, err) : -3);
    OP("console", arg ? op_console(d, v) : -3);
    OP("sysrq", arg ? be->ops->sysrq(be, d, arg[0], err) : -3);
    else rc = -3;
#undef OP
    if (rc == -3)
        return usage();
    if (rc == -1)
        return die(op);
    return rc == -2 ? 1 : rc;
}

int main(int argc, char **argv)
{
    uint32_t domid;
    int rc;

    if (argc < 2)
        return usage();
    if (be_libxl_open(&be, err))
        return die("open");
    if (!strcmp(argv[1], "create"))
        rc = op_create(argc, argv, 0);
    else if (!strcmp(argv[1], "restore"))
        rc = op_create(argc, argv, 1);
    else if (!strcmp(argv[1], "list"))
        rc = op_list();
    else if (!strcmp(argv[1], "info"))
        rc = op_info();
    else if (argc < 3)
        rc = usage();
    else if (core_lookup(be, argv[1], &domid, err))
        rc = die("lookup");
    else
        rc = dom_op(domid, argv[2], argc > 3 ? argv[3] : NULL);
    core_close(be);
    return rc;
}
