/*
 * be_libxl_dev.c - the libxl backend's memory, vcpu and device
 * operations: mem-set, mem-max, vcpu-set, vcpu-list, vcpu-pin and the
 * block and network attach, detach and list commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "be_libxl.h"

int be_lx_set_memory(struct be *be, uint32_t domid, uint64_t target_kb,
                     char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    if (target_kb > INT64_MAX) {
        snprintf(err, XT_ERRLEN, "domain %u: memory target too large",
                 domid);
        return -1;
    }
    /* Absolute target, enforced (the maximum follows), as xl mem-set. */
    rc = libxl_set_memory_target(lx->ctx, domid, (int64_t)target_kb, 0, 1);
    return rc ? be_lx_fail(lx, err, domid, "setting the memory target", rc)
              : 0;
}

int be_lx_set_maxmem(struct be *be, uint32_t domid, uint64_t max_kb,
                     char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_setmaxmem(lx->ctx, domid, max_kb);

    return rc ? be_lx_fail(lx, err, domid, "setting the maximum memory", rc)
              : 0;
}

int be_lx_set_vcpus(struct be *be, uint32_t domid, unsigned int count,
                    char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_dominfo info;
    libxl_bitmap map;
    unsigned int i, max;
    int rc = -1, lrc;

    libxl_dominfo_init(&info);
    libxl_bitmap_init(&map);
    lrc = libxl_domain_info(lx->ctx, &info, domid);
    if (lrc) {
        be_lx_fail(lx, err, domid, "vcpu-set", lrc);
        goto out;
    }
    max = info.vcpu_max_id + 1;
    if (count < 1 || count > max) {
        snprintf(err, XT_ERRLEN, "domain %u: cannot set %u vcpus online: "
                 "the domain has %u (maxvcpus)", domid, count, max);
        goto out;
    }
    if (libxl_bitmap_alloc(lx->ctx, &map, max)) {
        snprintf(err, XT_ERRLEN, "domain %u: vcpu-set: out of memory",
                 domid);
        goto out;
    }
    for (i = 0; i < count; i++)
        libxl_bitmap_set(&map, i);
    lrc = libxl_set_vcpuonline(lx->ctx, domid, &map, NULL);
    if (lrc) {
        be_lx_fail(lx, err, domid, "vcpu-set", lrc);
        goto out;
    }
    rc = 0;
out:
    libxl_bitmap_dispose(&map);
    libxl_dominfo_dispose(&info);
    return rc;
}

int be_lx_vcpu_list(struct be *be, uint32_t domid,
                    struct be_vcpuinfo **list_r, int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_vcpuinfo *v;
    struct be_vcpuinfo *list = NULL;
    int n = 0, ncpus = 0, i;

    v = libxl_list_vcpu(lx->ctx, domid, &n, &ncpus);
    if (!v)
        return be_lx_fail(lx, err, domid, "listing vcpus", ERROR_FAIL);
    list = calloc(n ? n : 1, sizeof(*list));
    if (!list) {
        libxl_vcpuinfo_list_free(v, n);
        snprintf(err, XT_ERRLEN, "domain %u: vcpu-list: out of memory",
                 domid);
        return -1;
    }
    for (i = 0; i < n; i++) {
        list[i].vcpuid = v[i].vcpuid;
        list[i].cpu = v[i].cpu;
        list[i].online = v[i].online;
        list[i].blocked = v[i].blocked;
        list[i].running = v[i].running;
        list[i].cpu_time_ns = v[i].vcpu_time;
        libxl_bitmap_init(&list[i].cpumap);
        libxl_bitmap_copy_alloc(lx->ctx, &list[i].cpumap, &v[i].cpumap);
        libxl_bitmap_init(&list[i].cpumap_soft);
        libxl_bitmap_copy_alloc(lx->ctx, &list[i].cpumap_soft,
                                &v[i].cpumap_soft);
    }
    libxl_vcpuinfo_list_free(v, n);
    *list_r = list;
    *n_r = n;
    return 0;
}

int be_lx_vcpu_pin(struct be *be, uint32_t domid, int vcpu,
                   const libxl_bitmap *hard, const libxl_bitmap *soft,
                   unsigned int flags, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_dominfo info;
    int rc;

    if (vcpu >= 0) {
        if (flags & BE_PIN_FORCE)
            rc = libxl_set_vcpuaffinity_force(lx->ctx, domid, vcpu, hard,
                                              soft);
        else
            rc = libxl_set_vcpuaffinity(lx->ctx, domid, vcpu, hard, soft);
        return rc ? be_lx_fail(lx, err, domid, "vcpu-pin", rc) : 0;
    }
    libxl_dominfo_init(&info);
    rc = libxl_domain_info(lx->ctx, &info, domid);
    if (!rc)
        rc = libxl_set_vcpuaffinity_all(lx->ctx, domid,
                                        info.vcpu_max_id + 1, hard, soft);
    libxl_dominfo_dispose(&info);
    return rc ? be_lx_fail(lx, err, domid, "vcpu-pin", rc) : 0;
}

/* ---- disks ------------------------------------------------------------ */

/* BE_DISK_SHARED is not honoured (see be_lx_create). */
int be_lx_disk_add(struct be *be, uint32_t domid, libxl_device_disk *disk,
                   unsigned int flags, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    char what[96];
    int rc;

    (void)flags;
    rc = libxl_device_disk_add(lx->ctx, domid, disk, NULL);
    if (!rc)
        return 0;
    snprintf(what, sizeof(what), "attaching disk %s",
             disk->vdev ? disk->vdev : "(no vdev)");
    return be_lx_fail(lx, err, domid, what, rc);
}

/* Detaches the disk named by its vdev; force: libxl's destroy, which
 * does not wait for the guest. */
static int disk_detach(struct be *be, uint32_t domid, libxl_device_disk *disk,
                       int force, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_disk found;
    char what[96];
    int rc;

    libxl_device_disk_init(&found);
    snprintf(what, sizeof(what), "detaching disk %s",
             disk->vdev ? disk->vdev : "(no vdev)");
    /* block-detach names the disk only by its vdev: find the rest. */
    rc = disk->vdev ? libxl_vdev_to_device_disk(lx->ctx, domid, disk->vdev,
                                                &found)
                    : ERROR_INVAL;
    if (rc) {
        libxl_device_disk_dispose(&found);
        snprintf(err, XT_ERRLEN, "domain %u: %s failed: no such disk",
                 domid, what);
        be_lx_logger_clear(&lx->log);
        return -1;
    }
    if (force)
        rc = libxl_device_disk_destroy(lx->ctx, domid, &found, NULL);
    else
        rc = libxl_device_disk_remove(lx->ctx, domid, &found, NULL);
    libxl_device_disk_dispose(&found);
    return rc ? be_lx_fail(lx, err, domid, what, rc) : 0;
}

int be_lx_disk_remove(struct be *be, uint32_t domid, libxl_device_disk *disk,
                      char *err)
{
    return disk_detach(be, domid, disk, 0, err);
}

int be_lx_disk_destroy(struct be *be, uint32_t domid,
                       libxl_device_disk *disk, char *err)
{
    return disk_detach(be, domid, disk, 1, err);
}

int be_lx_disk_list(struct be *be, uint32_t domid,
                    struct be_devinfo **list_r, int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_disk *disks;
    struct be_devinfo *list;
    libxl_diskinfo di;
    int n = 0, i, k = 0;

    disks = libxl_device_disk_list(lx->ctx, domid, &n);
    list = calloc(n ? n : 1, sizeof(*list));
    if (!list) {
        libxl_device_disk_list_free(disks, n);
        snprintf(err, XT_ERRLEN, "domain %u: block-list: out of memory",
                 domid);
        return -1;
    }
    for (i = 0; i < n; i++) {
        libxl_diskinfo_init(&di);
        if (!libxl_device_disk_getinfo(lx->ctx, domid, &disks[i], &di)) {
            list[k].devid = di.devid;
            list[k].backend_id = di.backend_id;
            list[k].state = di.state;
            list[k].evtch = di.evtch;
            list[k].rref_tx = di.rref;
            list[k].rref_rx = -1;
            list[k].be_path = di.backend ? strdup(di.backend) : NULL;
            k++;
        }
        libxl_diskinfo_dispose(&di);
    }
    libxl_device_disk_list_free(disks, n);
    be_lx_logger_clear(&lx->log);
    *list_r = list;
    *n_r = k;
    return 0;
}

/* ---- nics ------------------------------------------------------------- */

int be_lx_nic_add(struct be *be, uint32_t domid, libxl_device_nic *nic,
                  char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_domain_config one;
    int rc;

    /* The same bridge check as create, for this one vif. */
    libxl_domain_config_init(&one);
    one.nics = nic;
    one.num_nics = 1;
    rc = be_lx_check_bridges(&one, err);
    one.nics = NULL;
    one.num_nics = 0;
    libxl_domain_config_dispose(&one);
    if (rc)
        return -1;
    rc = libxl_device_nic_add(lx->ctx, domid, nic, NULL);
    return rc ? be_lx_fail(lx, err, domid, "attaching the vif", rc) : 0;
}

static int mac_is_zero(const libxl_mac *mac)
{
    int i;

    for (i = 0; i < 6; i++)
        if ((*mac)[i])
            return 0;
    return 1;
}

int be_lx_nic_remove(struct be *be, uint32_t domid, libxl_device_nic *nic,
                     char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_nic found;
    char mac[LIBXL_MAC_FMTLEN + 1];
    int rc;

    libxl_device_nic_init(&found);
    /* network-detach names the vif by devid or MAC: find the rest. */
    if (!mac_is_zero(&nic->mac)) {
        snprintf(mac, sizeof(mac), LIBXL_MAC_FMT, LIBXL_MAC_BYTES(nic->mac));
        rc = libxl_mac_to_device_nic(lx->ctx, domid, mac, &found);
    } else {
        rc = libxl_devid_to_device_nic(lx->ctx, domid, nic->devid, &found);
    }
    if (rc) {
        libxl_device_nic_dispose(&found);
        snprintf(err, XT_ERRLEN, "domain %u: detaching the vif failed: no "
                 "such vif", domid);
        be_lx_logger_clear(&lx->log);
        return -1;
    }
    rc = libxl_device_nic_remove(lx->ctx, domid, &found, NULL);
    libxl_device_nic_dispose(&found);
    return rc ? be_lx_fail(lx, err, domid, "detaching the vif", rc) : 0;
}

static int nic_fill(struct be_devinfo *out, const libxl_device_nic *nic,
                    const libxl_nicinfo *ni)
{
    char mac[LIBXL_MAC_FMTLEN + 1];

    snprintf(mac, sizeof(mac), LIBXL_MAC_FMT, LIBXL_MAC_BYTES(nic->mac));
    out->devid = ni->devid;
    out->backend_id = ni->backend_id;
    out->state = ni->state;
    out->evtch = ni->evtch;
    out->rref_tx = ni->rref_tx;
    out->rref_rx = ni->rref_rx;
    out->mac = strdup(mac);
    out->be_path = ni->backend ? strdup(ni->backend) : NULL;
    return out->mac ? 0 : -1;
}

int be_lx_nic_list(struct be *be, uint32_t domid,
                   struct be_devinfo **list_r, int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_nic *nics;
    struct be_devinfo *list;
    libxl_nicinfo ni;
    int n = 0, i, k = 0;

    nics = libxl_device_nic_list(lx->ctx, domid, &n);
    list = calloc(n ? n : 1, sizeof(*list));
    if (!list) {
        libxl_device_nic_list_free(nics, n);
        snprintf(err, XT_ERRLEN, "domain %u: network-list: out of memory",
                 domid);
        return -1;
    }
    for (i = 0; i < n; i++) {
        libxl_nicinfo_init(&ni);
        if (!libxl_device_nic_getinfo(lx->ctx, domid, &nics[i], &ni))
            k += nic_fill(&list[k], &nics[i], &ni) == 0;
        libxl_nicinfo_dispose(&ni);
    }
    libxl_device_nic_list_free(nics, n);
    be_lx_logger_clear(&lx->log);
    *list_r = list;
    *n_r = k;
    return 0;
}
