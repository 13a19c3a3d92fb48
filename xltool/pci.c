/*
 * pci.c - PCI passthrough (pci-attach, pci-detach, pci-list and the
 * pci-assignable-* commands) and CD-ROM media (cd-insert, cd-eject), in
 * xl's forms: a device is named by its BDF (SSSS:BB:DD.F, or BB:DD.F),
 * read with libxlutil as xl reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "cfg.h"
#include "xltool.h"

/* The BDF in s into pci; prints xl's message and exits 2 on a bad one. */
static void parse_bdf(const char *cmd, const char *s, libxl_device_pci *pci)
{
    XLU_Config *cfg = xlu_cfg_init(stderr, "command line");

    if (!cfg || xlu_pci_parse_bdf(cfg, pci, s)) {
        xt_err("%s: malformed BDF specification \"%s\"", cmd, s);
        exit(EXIT_USAGE);
    }
    xlu_cfg_destroy(cfg);
}

typedef int pci_op(struct be *be, uint32_t domid, libxl_device_pci *pci,
                   int flag, char *err);

static int op_assignable_add(struct be *be, uint32_t domid,
                             libxl_device_pci *pci, int flag, char *err)
{
    (void)domid;
    return be->ops->pci_assignable_add(be, pci, flag, err);
}

static int op_assignable_remove(struct be *be, uint32_t domid,
                                libxl_device_pci *pci, int flag, char *err)
{
    (void)domid;
    return be->ops->pci_assignable_remove(be, pci, flag, err);
}

static int op_attach(struct be *be, uint32_t domid, libxl_device_pci *pci,
                     int flag, char *err)
{
    (void)flag;
    return be->ops->pci_add(be, domid, pci, err);
}

static int op_detach(struct be *be, uint32_t domid, libxl_device_pci *pci,
                     int flag, char *err)
{
    return be->ops->pci_remove(be, domid, pci, flag, err);
}

/* One device operation: on a domain when dom is given. */
static int pci_run(const char *cmd, const char *dom, const char *bdf,
                   uint32_t vdevfn, pci_op *op, int flag)
{
    libxl_device_pci pci;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid = 0;
    int rc = EXIT_FAIL;

    libxl_device_pci_init(&pci);
    parse_bdf(cmd, bdf, &pci);
    pci.vdevfn = vdevfn;
    be = xt_backend();
    if (!be || (dom && xt_find_domain(be, dom, &domid)))
        goto out;
    if (xt_dryrun) {
        rc = EXIT_OK;
        goto out;
    }
    if (op(be, domid, &pci, flag, err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    rc = EXIT_OK;
out:
    libxl_device_pci_dispose(&pci);
    core_close(be);
    return rc;
}

int main_pci_assignable_add(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "pci-assignable-add", 1) {
    }
    xt_check_max_args(argc, argv, 1, "pci-assignable-add");
    return pci_run("pci-assignable-add", NULL, argv[optind], 0,
                   op_assignable_add, 1);
}

int main_pci_assignable_remove(int argc, char **argv)
{
    int opt, rebind = 0;

    SWITCH_FOREACH_OPT(opt, "r", NULL, "pci-assignable-remove", 1) {
    case 'r': rebind = 1; break;
    }
    xt_check_max_args(argc, argv, 1, "pci-assignable-remove");
    return pci_run("pci-assignable-remove", NULL, argv[optind], 0,
                   op_assignable_remove, rebind);
}

int main_pci_attach(int argc, char **argv)
{
    long slot = -1;
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "pci-attach", 2) {
    }
    xt_check_max_args(argc, argv, 3, "pci-attach");
    if (optind + 2 < argc && xt_parse_long(argv[optind + 2], 0, 31, &slot)) {
        xt_err("pci-attach: invalid virtual slot '%s' (0 to 31)",
               argv[optind + 2]);
        return EXIT_USAGE;
    }
    return pci_run("pci-attach", argv[optind], argv[optind + 1],
                   slot < 0 ? 0 : (uint32_t)slot << 3, op_attach, 0);
}

int main_pci_detach(int argc, char **argv)
{
    int opt, force = 0;

    SWITCH_FOREACH_OPT(opt, "f", NULL, "pci-detach", 2) {
    case 'f': force = 1; break;
    }
    xt_check_max_args(argc, argv, 2, "pci-detach");
    return pci_run("pci-detach", argv[optind], argv[optind + 1], 0,
                   op_detach, force);
}

/* pci-list (a domain's, with its virtual slots) or pci-assignable-list. */
static int pci_print(const char *cmd, const char *dom)
{
    libxl_device_pci *l = NULL;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int n = 0, i, rc = EXIT_FAIL;

    be = xt_backend();
    if (!be || (dom && xt_find_domain(be, dom, &domid)))
        goto out;
    if (dom ? be->ops->pci_list(be, domid, &l, &n, err)
            : be->ops->pci_assignable_list(be, &l, &n, err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    if (dom && n)
        printf("Vdev Device\n");
    for (i = 0; i < n; i++) {
        if (dom)
            printf("%02x.%01x ", (l[i].vdevfn >> 3) & 0x1f,
                   l[i].vdevfn & 7);
        printf("%04x:%02x:%02x.%01x\n", l[i].domain, l[i].bus, l[i].dev,
               l[i].func);
    }
    rc = EXIT_OK;
out:
    if (l)
        libxl_device_pci_list_free(l, n);
    core_close(be);
    return rc;
}

int main_pci_list(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "pci-list", 1) {
    }
    xt_check_max_args(argc, argv, 1, "pci-list");
    return pci_print("pci-list", argv[optind]);
}

int main_pci_assignable_list(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "pci-assignable-list", 0) {
    }
    xt_check_max_args(argc, argv, 0, "pci-assignable-list");
    return pci_print("pci-assignable-list", NULL);
}

/* cd-insert and cd-eject: the drive as xl describes it, with the image
 * or with no target (empty). */
static int cdrom(const char *cmd, const char *dom, const char *vdev,
                 const char *path)
{
    libxl_device_disk disk;
    char err[XT_ERRLEN], spec[4096];
    const char *specs[1] = {spec};
    struct be *be = NULL;
    uint32_t domid;
    int shared = 0, rc = EXIT_FAIL;

    libxl_device_disk_init(&disk);
    if (snprintf(spec, sizeof(spec), "vdev=%s,access=r,devtype=cdrom,"
                 "target=%s", vdev, path ? path : "") >= (int)sizeof(spec) ||
        cfg_disk_parse(1, specs, &disk, &shared, err, sizeof(err))) {
        xt_err("%s: invalid drive or image: %s", cmd, err);
        rc = EXIT_USAGE;
        goto out;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, dom, &domid))
        goto out;
    if (be->ops->cdrom_insert(be, domid, &disk, err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    rc = EXIT_OK;
out:
    libxl_device_disk_dispose(&disk);
    core_close(be);
    return rc;
}

int main_cd_insert(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "cd-insert", 3) {
    }
    xt_check_max_args(argc, argv, 3, "cd-insert");
    return cdrom("cd-insert", argv[optind], argv[optind + 1],
                 argv[optind + 2]);
}

int main_cd_eject(int argc, char **argv)
{
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, "cd-eject", 2) {
    }
    xt_check_max_args(argc, argv, 2, "cd-eject");
    return cdrom("cd-eject", argv[optind], argv[optind + 1], NULL);
}
