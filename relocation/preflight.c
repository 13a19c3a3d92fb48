/*
 * preflight.c - can this host take a domain?  Run by the relocation
 * server before the source suspends anything: the name must be free, the
 * memory available, every disk image visible here, every bridge present
 * and the backend the same as the source's.  The reason for a refusal is
 * a phrase that reads well followed by " on HOST".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "proto.h"
#include "reloc.h"

/* The domain's own UUID under its name here is the source itself when
 * the source is this host. */
static int is_source(struct be *be, const libxl_domain_config *dc,
                     uint32_t domid, int self)
{
    struct be_dominfo *list = NULL;
    const struct be_dominfo *d;
    char e2[XT_ERRLEN];
    int n = 0, same = 0;

    if (!self || be->ops->list(be, &list, &n, e2))
        return 0;
    d = core_dominfo_find(list, n, domid);
    same = d && !libxl_uuid_compare(&d->uuid, &dc->c_info.uuid);
    core_dominfo_list_free(list, n);
    return same;
}

static int check_name(struct be *be, const libxl_domain_config *dc,
                      const char *name, int self, char *err)
{
    char incoming[RELOC_MAX_NAME + 32], e2[XT_ERRLEN];
    uint32_t domid;

    if (core_lookup(be, name, &domid, e2) == 0 &&
        !is_source(be, dc, domid, self)) {
        snprintf(err, XT_ERRLEN, "domain name %s is taken", name);
        return -1;
    }
    snprintf(incoming, sizeof(incoming), "%s%s", name,
             RELOC_INCOMING_SUFFIX);
    if (core_lookup(be, incoming, &domid, e2) == 0) {
        /* Under the domain's lock no xltool receiver is at work, but
         * xl's own migrate-receive may be: say it, remove nothing. */
        snprintf(err, XT_ERRLEN, "a migration of %s is arriving, or one "
                 "that died left %s", name, incoming);
        return -1;
    }
    return 0;
}

static int check_memory(struct be *be, const libxl_domain_config *dc,
                        char *err)
{
    libxl_physinfo phys;
    libxl_version_info ver;
    uint64_t free_kb, need_kb;
    int rc = -1;

    libxl_physinfo_init(&phys);
    libxl_version_info_init(&ver);
    if (be->ops->host_info(be, &phys, &ver, err))
        goto out;
    free_kb = phys.free_pages * 4;
    need_kb = dc->b_info.max_memkb;
    if (dc->b_info.target_memkb > need_kb &&
        dc->b_info.target_memkb != LIBXL_MEMKB_DEFAULT)
        need_kb = dc->b_info.target_memkb;
    if (need_kb == LIBXL_MEMKB_DEFAULT)
        need_kb = 0;
    if (need_kb > free_kb) {
        snprintf(err, XT_ERRLEN, "not enough memory: %llu MiB needed, "
                 "%llu MiB free", (unsigned long long)(need_kb >> 10),
                 (unsigned long long)(free_kb >> 10));
        goto out;
    }
    rc = 0;
out:
    libxl_version_info_dispose(&ver);
    libxl_physinfo_dispose(&phys);
    return rc;
}

static int check_disks(const libxl_domain_config *dc, char *err)
{
    struct stat st;
    int i;

    for (i = 0; i < dc->num_disks; i++) {
        const char *p = dc->disks[i].pdev_path;
        /* Empty CD-ROM drives and network block devices have no path. */
        if (!p || !*p || p[0] != '/')
            continue;
        if (stat(p, &st)) {
            snprintf(err, XT_ERRLEN, "disk %s not found", p);
            return -1;
        }
    }
    return 0;
}

static int check_bridges(const libxl_domain_config *dc, char *err)
{
    char path[512];
    int i;

    for (i = 0; i < dc->num_nics; i++) {
        const char *br = dc->nics[i].bridge;
        if (!br || !*br)
            continue;
        if (strchr(br, '/') || snprintf(path, sizeof(path),
                                        "/sys/class/net/%s/bridge", br) >=
                                   (int)sizeof(path) ||
            access(path, F_OK)) {
            snprintf(err, XT_ERRLEN, "bridge %s not present", br);
            return -1;
        }
    }
    return 0;
}

int reloc_preflight(struct be *be, const char *backend, const char *name,
                    const char *config_json, int self, char *err)
{
    libxl_domain_config dc;
    char msg[XT_ERRLEN];
    int rc = -1;

    libxl_domain_config_init(&dc);
    if (strcmp(backend, be->ops->name)) {
        snprintf(err, XT_ERRLEN, "backend %s cannot take a domain from "
                 "backend %s", be->ops->name, backend);
        goto out;
    }
    if (core_config_from_json(be, config_json, &dc, msg)) {
        snprintf(err, XT_ERRLEN, "the config of %s is not usable: %.400s", name,
                 msg);
        goto out;
    }
    if (check_name(be, &dc, name, self, err) || check_memory(be, &dc, err) ||
        check_disks(&dc, err) || check_bridges(&dc, err))
        goto out;
    rc = 0;
out:
    libxl_domain_config_dispose(&dc);
    return rc;
}
