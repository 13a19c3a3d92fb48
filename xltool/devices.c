/*
 * devices.c - block-attach, block-detach, block-list, network-attach,
 * network-detach, network-list: virtual disks and nics of a running
 * domain, listed in xl's formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "xltool.h"

int main_blockattach(int argc, char **argv)
{
    libxl_device_disk disk;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, shared = 0, rc = EXIT_FAIL;

    libxl_device_disk_init(&disk);
    SWITCH_FOREACH_OPT(opt, "", NULL, "block-attach", 2) {
    }
    /* xm's form "file:/img xvdb w" and xl's "file:/img,xvdb,w" both, and
     * xm's access "w!". */
    if (cfg_disk_parse(argc - optind - 1,
                       (const char *const *)argv + optind + 1, &disk,
                       &shared, err, sizeof(err))) {
        xt_err("block-attach: invalid disk specification: %s", err);
        rc = EXIT_USAGE;
        goto out;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (shared && !(be->ops->caps & BE_CAP_SHARED_DISKS))
        xt_warn("disk %s: mode w! (writable, sharing allowed) is not "
                "honoured by the %s backend: it is attached as w",
                disk.vdev, be->ops->name);
    if (be->ops->disk_add(be, domid, &disk, shared ? BE_DISK_SHARED : 0,
                          err)) {
        xt_err("block-attach: %s", err);
        goto out;
    }
    if (xt_managed_sync(be, domid))
        goto out;
    rc = EXIT_OK;
out:
    libxl_device_disk_dispose(&disk);
    core_close(be);
    return rc;
}

int main_blockdetach(int argc, char **argv)
{
    libxl_device_disk disk;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, rc = EXIT_FAIL;

    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int force = 0;

    libxl_device_disk_init(&disk);
    SWITCH_FOREACH_OPT(opt, "f", longopts, "block-detach", 2) {
    case 'f': force = 1; break;
    }
    xt_check_max_args(argc, argv, 2, "block-detach");
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    disk.vdev = strdup(argv[optind + 1]);
    if (!disk.vdev)
        goto out;
    if ((force ? be->ops->disk_destroy : be->ops->disk_remove)(be, domid,
                                                               &disk, err)) {
        xt_err("block-detach: %s", err);
        goto out;
    }
    if (xt_managed_sync(be, domid))
        goto out;
    rc = EXIT_OK;
out:
    libxl_device_disk_dispose(&disk);
    core_close(be);
    return rc;
}

static int list_devices(int argc, char **argv, const char *cmd, int nics)
{
    struct be_devinfo *l = NULL;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, n = 0, i, j, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 1) {
    }
    be = xt_backend();
    if (!be)
        goto out;
    if (nics)
        printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx",
               "BE", "Mac Addr.", "handle", "state", "evt-ch", "tx-",
               "rx-ring-ref", "BE-path");
    else
        printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE",
               "handle", "state", "evt-ch", "ring-ref", "BE-path");
    for (i = optind; i < argc; i++) {
        if (xt_find_domain(be, argv[i], &domid))
            goto out;
        if ((nics ? be->ops->nic_list : be->ops->disk_list)(be, domid, &l,
                                                            &n, err)) {
            xt_err("%s: %s", cmd, err);
            goto out;
        }
        for (j = 0; j < n; j++) {
            if (nics)
                printf("%-3d %-2d %-17s %6d %5d %6d %5d/%-11d %-30s\n",
                       l[j].devid, l[j].backend_id, l[j].mac ? l[j].mac : "",
                       l[j].devid, l[j].state, l[j].evtch, l[j].rref_tx,
                       l[j].rref_rx, l[j].be_path ? l[j].be_path : "");
            else
                printf("%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", l[j].devid,
                       l[j].backend_id, (int)domid, l[j].state, l[j].evtch,
                       l[j].rref_tx, l[j].be_path ? l[j].be_path : "");
        }
        core_devinfo_list_free(l, n);
        l = NULL;
        n = 0;
    }
    rc = EXIT_OK;
out:
    core_devinfo_list_free(l, n);
    core_close(be);
    return rc;
}

int main_blocklist(int argc, char **argv)
{
    return list_devices(argc, argv, "block-list", 0);
}

int main_networklist(int argc, char **argv)
{
    return list_devices(argc, argv, "network-list", 1);
}

static int parse_mac(const char *s, libxl_mac mac)
{
    unsigned int b[6];
    char end;
    int i;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &end) != 6)
        return -1;
    for (i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

int main_networkattach(int argc, char **argv)
{
    libxl_device_nic nic;
    struct cfg_globals g;
    struct cfg_diags d;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, rc = EXIT_FAIL;

    libxl_device_nic_init(&nic);
    cfg_globals_init(&g);
    cfg_diags_init(&d);
    SWITCH_FOREACH_OPT(opt, "", NULL, "network-attach", 1) {
    }
    /* xl.conf's vif defaults first, as xl applies them; a broken xl.conf
     * is create's to report. */
    cfg_globals_load(&g, NULL, &d);
    if (cfg_nic_parse(argc - optind - 1,
                      (const char *const *)argv + optind + 1, &g, &nic, err,
                      sizeof(err))) {
        xt_err("network-attach: %s", err);
        rc = EXIT_USAGE;
        goto out;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (be->ops->nic_add(be, domid, &nic, err)) {
        xt_err("network-attach: %s", err);
        goto out;
    }
    if (xt_managed_sync(be, domid))
        goto out;
    rc = EXIT_OK;
out:
    cfg_globals_dispose(&g);
    cfg_diags_dispose(&d);
    libxl_device_nic_dispose(&nic);
    core_close(be);
    return rc;
}

int main_networkdetach(int argc, char **argv)
{
    libxl_device_nic nic;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    long devid;
    int opt, rc = EXIT_FAIL;

    libxl_device_nic_init(&nic);
    SWITCH_FOREACH_OPT(opt, "", NULL, "network-detach", 2) {
    }
    xt_check_max_args(argc, argv, 2, "network-detach");
    if (strchr(argv[optind + 1], ':')) {
        nic.devid = -1;
        if (parse_mac(argv[optind + 1], nic.mac))
            goto bad;
    } else if (xt_parse_long(argv[optind + 1], 0, 65535, &devid) == 0) {
        nic.devid = (int)devid;
    } else {
        goto bad;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (be->ops->nic_remove(be, domid, &nic, err)) {
        xt_err("network-detach: %s", err);
        goto out;
    }
    if (xt_managed_sync(be, domid))
        goto out;
    rc = EXIT_OK;
    goto out;
bad:
    xt_err("network-detach: '%s' is neither a device number nor a MAC",
           argv[optind + 1]);
    rc = EXIT_USAGE;
out:
    libxl_device_nic_dispose(&nic);
    core_close(be);
    return rc;
}
