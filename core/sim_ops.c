/*
 * sim_ops.c - the simulated backend's operations on a domain's memory,
 * vcpus and devices, its console, and on the host: host facts come from
 * the real machine (sysconf, /proc), marked as simulated.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "savefile.h"
#include "sim_ops.h"

typedef int config_fn(struct sim *s, libxl_domain_config *c,
                      struct sim_dom *d, void *arg, char *err);

/* Changes a domain's record and stored config together, under the lock. */
static int with_config(struct sim *s, uint32_t domid, config_fn *fn,
                       void *arg, char *err)
{
    libxl_domain_config c;
    struct sim_dom d;
    int lk = -1, rc = -1;

    libxl_domain_config_init(&c);
    if (domid == 0) {
        sim_err(err, "not supported for Domain-0 on the "
                 "simulated backend");
        goto out;
    }
    if (sim_lock(s, &lk, err) || sim_info_read(s, domid, &d, err) ||
        sim_config_load(s, domid, &c, err) || fn(s, &c, &d, arg, err) ||
        sim_config_store(s, domid, &c, err) || sim_info_write(s, &d, err))
        goto out;
    rc = 0;
out:
    sim_unlock(lk);
    libxl_domain_config_dispose(&c);
    return rc;
}

int sim_with_config(struct sim *s, uint32_t domid, sim_config_fn *fn,
                    void *arg, char *err)
{
    return with_config(s, domid, fn, arg, err);
}

static int mem_fn(struct sim *s, libxl_domain_config *c,
                  struct sim_dom *d, void *arg, char *err)
{
    uint64_t kb = *(uint64_t *)arg;

    (void)s;
    if (kb > d->max_kb) {
        sim_err(err, "domain %s: cannot set memory to %" PRIu64
                 " KiB: above its maximum of %" PRIu64 " KiB", d->name, kb,
                 d->max_kb);
        return -1;
    }
    d->target_kb = kb;
    c->b_info.target_memkb = kb;
    return 0;
}

/* The target is recorded, then the guest's balloon driver is told:
 * it gives the memory above the target back, or takes it again.  A
 * guest that is not running picks the target up from its config when
 * it next boots. */
int sim_set_memory(struct be *be, uint32_t domid, uint64_t kb, char *err)
{
    struct sim *s = (struct sim *)be;
    char req[64], ignored[XT_ERRLEN];

    if (with_config(s, domid, mem_fn, &kb, err))
        return -1;
    snprintf(req, sizeof(req), "balloon %" PRIu64, kb);
    sim_ctl(s, domid, req, ignored);
    return 0;
}

static int maxmem_fn(struct sim *s, libxl_domain_config *c,
                     struct sim_dom *d, void *arg, char *err)
{
    uint64_t kb = *(uint64_t *)arg;

    (void)s;
    if (kb < d->target_kb) {
        sim_err(err, "domain %s: maximum %" PRIu64 " KiB is "
                 "below its current memory of %" PRIu64 " KiB", d->name, kb,
                 d->target_kb);
        return -1;
    }
    d->max_kb = kb;
    c->b_info.max_memkb = kb;
    return 0;
}

int sim_set_maxmem(struct be *be, uint32_t domid, uint64_t kb, char *err)
{
    return with_config((struct sim *)be, domid, maxmem_fn, &kb, err);
}

static int vcpus_fn(struct sim *s, libxl_domain_config *c,
                    struct sim_dom *d, void *arg, char *err)
{
    unsigned int n = *(unsigned int *)arg, i;

    (void)s;
    (void)c;
    if (n < 1 || n > d->vcpus_max) {
        sim_err(err, "domain %s: cannot bring %u vcpus online:"
                 " it has at most %u", d->name, n, d->vcpus_max);
        return -1;
    }
    d->vcpus_online = n;
    if (c->b_info.avail_vcpus.size)
        for (i = 0; i < c->b_info.avail_vcpus.size * 8; i++) {
            if (i < n)
                libxl_bitmap_set(&c->b_info.avail_vcpus, i);
            else
                libxl_bitmap_reset(&c->b_info.avail_vcpus, i);
        }
    return 0;
}

int sim_set_vcpus(struct be *be, uint32_t domid, unsigned int n, char *err)
{
    return with_config((struct sim *)be, domid, vcpus_fn, &n, err);
}

static int cpumap_alloc(libxl_bitmap *map, unsigned int ncpus)
{
    libxl_bitmap_init(map);
    map->size = (ncpus + 7) / 8;
    map->map = calloc(map->size, 1);
    return map->map ? 0 : -1;
}

static void cpumap_from_mask(libxl_bitmap *map, uint64_t mask,
                             unsigned int ncpus)
{
    unsigned int i;

    for (i = 0; i < ncpus; i++)
        if (!mask || (i < 64 && (mask >> i) & 1))
            libxl_bitmap_set(map, i);
}

static int dom0_vcpus(struct be_vcpuinfo *l, unsigned int ncpus)
{
    unsigned long long v[8];
    char buf[512];
    unsigned int i = 0, id;
    FILE *f = fopen("/proc/stat", "re");

    if (!f)
        return -1;
    while (fgets(buf, sizeof(buf), f) && i < ncpus) {
        /* "cpu%u" alone would also take the total line "cpu  N ...",
         * whose first figure %u reads after skipping the blanks. */
        if (strncmp(buf, "cpu", 3) || !isdigit((unsigned char)buf[3]))
            continue;
        if (sscanf(buf, "cpu%u %llu %llu %llu %llu %llu %llu %llu", &id,
                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) != 8)
            continue;
        l[i].cpu_time_ns = (v[0] + v[1] + v[2] + v[5] + v[6]) *
                           (1000000000ull / sysconf(_SC_CLK_TCK));
        l[i].cpu = id;
        i++;
    }
    fclose(f);
    for (i = 0; i < ncpus; i++) {
        l[i].vcpuid = i;
        l[i].online = 1;
        l[i].running = 1;
    }
    return 0;
}

int sim_vcpu_list(struct be *be, uint32_t domid, struct be_vcpuinfo **l_r,
                  int *n_r, char *err)
{
    struct sim *s = (struct sim *)be;
    unsigned int ncpus = sim_host_cpus(), n, i;
    struct be_vcpuinfo *l = NULL;
    struct sim_proc p = {0};
    struct sim_dom d;

    memset(&d, 0, sizeof(d));
    if (domid != 0 && sim_info_read(s, domid, &d, err))
        return -1;
    n = domid ? d.vcpus_max : ncpus;
    l = calloc(n ? n : 1, sizeof(*l));
    if (!l)
        return sim_err(err, "out of memory"), -1;
    if (domid == 0)
        dom0_vcpus(l, ncpus);
    else if (d.life == SIM_RUNNING && sim_proc_alive(d.pid, d.pid_start))
        sim_proc_read(d.pid, &p);
    for (i = 0; i < n; i++) {
        if (cpumap_alloc(&l[i].cpumap, ncpus)) {
            core_vcpuinfo_list_free(l, n);
            return sim_err(err, "out of memory"), -1;
        }
        if (cpumap_alloc(&l[i].cpumap_soft, ncpus)) {
            core_vcpuinfo_list_free(l, n);
            return sim_err(err, "out of memory"), -1;
        }
        cpumap_from_mask(&l[i].cpumap, domid ? d.affinity[i] : 0, ncpus);
        cpumap_from_mask(&l[i].cpumap_soft, domid ? d.soft[i] : 0, ncpus);
        if (domid == 0)
            continue;
        /* The guest is one process: vcpu 0 carries its CPU time. */
        l[i].vcpuid = i;
        l[i].online = i < d.vcpus_online && p.state;
        l[i].cpu = (p.cpu + i) % ncpus;
        l[i].running = l[i].online && i == 0 && p.state == 'R' &&
                       !d.paused;
        l[i].blocked = l[i].online && !l[i].running && !d.paused;
        l[i].cpu_time_ns = i == 0 ? p.cpu_ns : 0;
    }
    *l_r = l;
    *n_r = n;
    return 0;
}

/* A cpumap as the record keeps it: a mask of the first 64 cpus, 0 for
 * every cpu; -1 when it names none the host has. */
static int mask_of(const libxl_bitmap *map, unsigned int ncpus,
                   uint64_t *mask_r, cpu_set_t *set)
{
    uint64_t mask = 0;
    unsigned int i;

    CPU_ZERO(set);
    for (i = 0; i < ncpus && i < 64; i++)
        if (libxl_bitmap_test(map, i)) {
            mask |= 1ull << i;
            CPU_SET(i, set);
        }
    if (!mask)
        return -1;
    *mask_r = mask == (ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1) ? 0 : mask;
    return 0;
}

/* The guest is one process: its affinity is vcpu 0's hard affinity.
 * Soft affinity is a preference the scheduler keeps: recorded, shown. */
int sim_vcpu_pin(struct be *be, uint32_t domid, int vcpu,
                 const libxl_bitmap *hard, const libxl_bitmap *soft,
                 unsigned int flags, char *err)
{
    struct sim *s = (struct sim *)be;
    unsigned int ncpus = sim_host_cpus();
    uint64_t hmask = 0, smask = 0;
    cpu_set_t set, sset;
    struct sim_dom d;
    int lk = -1, rc = -1, v;

    if ((hard && mask_of(hard, ncpus, &hmask, &set)) ||
        (soft && mask_of(soft, ncpus, &smask, &sset)))
        return sim_err(err, "no usable cpu in the affinity "
                        "(host has %u)", ncpus), -1;
    if ((flags & BE_PIN_FORCE) && vcpu < 0)
        return sim_err(err, "a forced pinning is for one vcpu"), -1;
    if (sim_lock(s, &lk, err))
        return -1;
    if (sim_running(s, domid, &d, err))
        goto out;
    if (vcpu >= (int)d.vcpus_max) {
        sim_err(err, "domain %s has no vcpu %d", d.name, vcpu);
        goto out;
    }
    for (v = 0; v < (int)d.vcpus_max; v++) {
        if (vcpu >= 0 && v != vcpu)
            continue;
        if (hard)
            d.affinity[v] = hmask;
        if (soft)
            d.soft[v] = smask;
    }
    if (hard && vcpu <= 0 &&
        sched_setaffinity(d.pid, sizeof(set), &set) < 0) {
        sim_err(err, "domain %s: %s", d.name, strerror(errno));
        goto out;
    }
    rc = sim_info_write(s, &d, err);
out:
    sim_unlock(lk);
    return rc;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct disk_add_arg {
    const libxl_device_disk *disk;
    int shared;
};

static int disk_add_fn(struct sim *s, libxl_domain_config *c,
                       struct sim_dom *d, void *arg, char *err)
{
    const struct disk_add_arg *a = arg;
    const libxl_device_disk *src = a->disk;
    libxl_device_disk *nd, *dst;
    int i;

    for (i = 0; i < c->num_disks; i++)
        if (c->disks[i].vdev && !strcmp(c->disks[i].vdev, src->vdev))
            return sim_err(err, "domain %s already has a disk "
                            "%s", d->name, src->vdev), -1;
    if (sim_extra_mark(s, d->domid, src->vdev, a->shared, err))
        return -1;
    nd = realloc(c->disks, (c->num_disks + 1) * sizeof(*nd));
    if (!nd)
        return sim_err(err, "out of memory"), -1;
    c->disks = nd;
    dst = &nd[c->num_disks++];
    libxl_device_disk_init(dst);
    dst->backend_domid = src->backend_domid;
    dst->pdev_path = dup_or_null(src->pdev_path);
    dst->vdev = dup_or_null(src->vdev);
    dst->script = dup_or_null(src->script);
    dst->backend = src->backend;
    dst->format = src->format;
    dst->removable = src->removable;
    dst->readwrite = src->readwrite;
    dst->is_cdrom = src->is_cdrom;
    return 0;
}

int sim_disk_add(struct be *be, uint32_t domid, libxl_device_disk *disk,
                 unsigned int flags, char *err)
{
    struct sim *s = (struct sim *)be;
    struct disk_add_arg a = {disk, !!(flags & BE_DISK_SHARED)};
    struct sim_dom d;
    char note[128];
    int fd = -1, rc = -1;

    if (!disk->vdev || sim_vdev_devid(disk->vdev) < 0)
        return sim_err(err, "invalid virtual device '%s'",
                        disk->vdev ? disk->vdev : ""), -1;
    /* The image is opened and locked here, and the open file handed to
     * the guest, which holds it (and the lock) until detached. */
    if (sim_running(s, domid, &d, err) ||
        sim_disk_open(disk, a.shared, d.name, &fd, err) ||
        with_config(s, domid, disk_add_fn, &a, err))
        goto out;
    snprintf(note, sizeof(note), "disk-add %.100s", disk->vdev);
    rc = sim_ctl_fd(s, domid, note, fd, err);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

static int disk_rm_fn(struct sim *s, libxl_domain_config *c,
                      struct sim_dom *d, void *arg, char *err)
{
    const char *vdev = arg;
    int i;

    for (i = 0; i < c->num_disks; i++)
        if (c->disks[i].vdev && !strcmp(c->disks[i].vdev, vdev))
            break;
    if (i == c->num_disks)
        return sim_err(err, "domain %s has no device %s",
                        d->name, vdev), -1;
    if (sim_extra_mark(s, d->domid, vdev, 0, err))
        return -1;
    libxl_device_disk_dispose(&c->disks[i]);
    memmove(&c->disks[i], &c->disks[i + 1],
            (c->num_disks - i - 1) * sizeof(c->disks[0]));
    c->num_disks--;
    return 0;
}

int sim_disk_remove(struct be *be, uint32_t domid, libxl_device_disk *disk,
                    char *err)
{
    struct sim *s = (struct sim *)be;
    char req[128], ignored[XT_ERRLEN];

    if (!disk->vdev)
        return sim_err(err, "no virtual device given"), -1;
    if (with_config(s, domid, disk_rm_fn, disk->vdev, err))
        return -1;
    /* A hot-plugged disk's image is released by the guest. */
    snprintf(req, sizeof(req), "disk-del %.100s", disk->vdev);
    sim_ctl(s, domid, req, ignored);
    return 0;
}

static int devinfo_path(struct be_devinfo *di, const char *kind,
                        uint32_t domid)
{
    if (asprintf(&di->be_path, "/local/domain/%d/backend/%s/%u/%d",
                 di->backend_id, kind, domid, di->devid) < 0) {
        di->be_path = NULL;
        return -1;
    }
    return 0;
}

/* One disk of C as `block-list` shows it; -1 when out of memory. */
static int disk_info(const libxl_domain_config *c, int i, uint32_t domid,
                     struct be_devinfo *di)
{
    di->devid = sim_vdev_devid(c->disks[i].vdev);
    di->state = 4;
    di->evtch = 10 + i;
    di->rref_tx = 8 + i;
    di->rref_rx = -1;
    return devinfo_path(di, "vbd", domid);
}

/* One nic of C as `network-list` shows it; -1 when out of memory. */
static int nic_info(const libxl_domain_config *c, int i, uint32_t domid,
                    struct be_devinfo *di)
{
    di->devid = c->nics[i].devid;
    di->backend_id = (int)c->nics[i].backend_domid;
    di->state = 4;
    di->evtch = 20 + i;
    di->rref_tx = 768 + 2 * i;
    di->rref_rx = 769 + 2 * i;
    if (asprintf(&di->mac, LIBXL_MAC_FMT,
                 LIBXL_MAC_BYTES(c->nics[i].mac)) < 0) {
        di->mac = NULL;
        return -1;
    }
    return devinfo_path(di, "vif", domid);
}

/* The disks (NICS == 0) or the nics of a domain, from its config. */
static int dev_list(struct be *be, uint32_t domid, int nics,
                    struct be_devinfo **l_r, int *n_r, char *err)
{
    libxl_domain_config c;
    struct be_devinfo *l = NULL;
    int i, n = 0, rc = -1;

    libxl_domain_config_init(&c);
    if (domid == 0 || sim_config_load((struct sim *)be, domid, &c, err)) {
        if (domid == 0)
            sim_err(err, "Domain-0 has no virtual %s",
                    nics ? "nics" : "disks");
        goto out;
    }
    n = nics ? c.num_nics : c.num_disks;
    l = calloc(n + 1, sizeof(*l));
    if (!l)
        goto oom;
    for (i = 0; i < n; i++)
        if ((nics ? nic_info : disk_info)(&c, i, domid, &l[i]))
            goto oom;
    *l_r = l;
    *n_r = n;
    l = NULL;
    rc = 0;
    goto out;
oom:
    sim_err(err, "out of memory");
out:
    if (l)
        core_devinfo_list_free(l, n);
    libxl_domain_config_dispose(&c);
    return rc;
}

int sim_disk_list(struct be *be, uint32_t domid, struct be_devinfo **l_r,
                  int *n_r, char *err)
{
    return dev_list(be, domid, 0, l_r, n_r, err);
}

/* The nic as network-attach gave it, and as it was added. */
struct nic_arg {
    const libxl_device_nic *nic;
    int devid;
    libxl_mac mac;
};

static int nic_add_fn(struct sim *s, libxl_domain_config *c,
                      struct sim_dom *d, void *arg, char *err)
{
    struct nic_arg *a = arg;
    const libxl_device_nic *src = a->nic;
    libxl_device_nic *nn, *dst;
    int i, devid = 0;

    uint32_t be_id = 0;

    (void)d;
    /* The backend runs in Domain-0 or in another domain of this host (a
     * driver domain), which must exist. */
    if (src->backend_domname && strcmp(src->backend_domname, "Domain-0") &&
        sim_find_name(s, src->backend_domname, &be_id))
        return sim_err(err, "backend domain %s does not exist",
                       src->backend_domname), -1;
    for (i = 0; i < c->num_nics; i++)
        if (c->nics[i].devid >= devid)
            devid = c->nics[i].devid + 1;
    nn = realloc(c->nics, (c->num_nics + 1) * sizeof(*nn));
    if (!nn)
        return sim_err(err, "out of memory"), -1;
    c->nics = nn;
    dst = &nn[c->num_nics++];
    libxl_device_nic_init(dst);
    dst->devid = devid;
    memcpy(dst->mac, src->mac, sizeof(dst->mac));
    sim_nic_fill(dst, devid);
    dst->ip = dup_or_null(src->ip);
    dst->bridge = dup_or_null(src->bridge);
    dst->ifname = dup_or_null(src->ifname);
    dst->script = dup_or_null(src->script);
    dst->model = dup_or_null(src->model);
    dst->gatewaydev = dup_or_null(src->gatewaydev);
    dst->backend_domname = dup_or_null(src->backend_domname);
    dst->backend_domid = be_id;
    dst->mtu = src->mtu;
    dst->rate_bytes_per_interval = src->rate_bytes_per_interval;
    dst->rate_interval_usecs = src->rate_interval_usecs;
    dst->nictype = src->nictype;
    a->devid = devid;
    memcpy(a->mac, dst->mac, sizeof(a->mac));
    return 0;
}

/*
 * The nic is recorded, then connected as create connects a vif: a tap
 * on its bridge when the host allows it, opened here and handed to the
 * guest, which holds it until the nic is detached.
 */
int sim_nic_add(struct be *be, uint32_t domid, libxl_device_nic *nic,
                char *err)
{
    struct sim *s = (struct sim *)be;
    struct nic_arg a = {nic, -1, {0}};
    libxl_device_nic added;
    char msg[200], req[256];
    struct sim_dom d;
    int fd = -1, rc;

    if (sim_running(s, domid, &d, err) ||
        with_config(s, domid, nic_add_fn, &a, err))
        return -1;
    added = *nic;                  /* a view: never disposed */
    added.devid = a.devid;
    memcpy(added.mac, a.mac, sizeof(added.mac));
    if (sim_vif_connect(&added, domid, &fd, msg, sizeof(msg)))
        sim_log(s, "warning: domain %u (%s) vif%d %s", domid, d.name,
                a.devid, msg);
    snprintf(req, sizeof(req), "nic-add %d %s", a.devid, msg);
    rc = sim_ctl_fd(s, domid, req, fd, err);
    if (fd >= 0)
        close(fd);
    return rc;
}

static int nic_rm_fn(struct sim *s, libxl_domain_config *c,
                     struct sim_dom *d, void *arg, char *err)
{
    struct nic_arg *a = arg;
    const libxl_device_nic *nic = a->nic;
    static const libxl_mac zero;
    int i, by_mac = memcmp(nic->mac, zero, sizeof(zero)) != 0;

    (void)s;
    for (i = 0; i < c->num_nics; i++)
        if (by_mac ? !memcmp(c->nics[i].mac, nic->mac, sizeof(nic->mac))
                   : c->nics[i].devid == nic->devid)
            break;
    if (i == c->num_nics)
        return sim_err(err, "domain %s has no such network "
                        "device", d->name), -1;
    a->devid = c->nics[i].devid;
    libxl_device_nic_dispose(&c->nics[i]);
    memmove(&c->nics[i], &c->nics[i + 1],
            (c->num_nics - i - 1) * sizeof(c->nics[0]));
    c->num_nics--;
    return 0;
}

/* The guest lets go of the vif's tap, which then goes away. */
int sim_nic_remove(struct be *be, uint32_t domid, libxl_device_nic *nic,
                   char *err)
{
    struct sim *s = (struct sim *)be;
    struct nic_arg a = {nic, -1, {0}};
    char req[64], ignored[XT_ERRLEN];

    if (with_config(s, domid, nic_rm_fn, &a, err))
        return -1;
    snprintf(req, sizeof(req), "nic-del %d", a.devid);
    sim_ctl(s, domid, req, ignored);
    return 0;
}

int sim_nic_list(struct be *be, uint32_t domid, struct be_devinfo **l_r,
                 int *n_r, char *err)
{
    return dev_list(be, domid, 1, l_r, n_r, err);
}

int sim_console_open(struct be *be, uint32_t domid, enum be_console_kind k,
                     int num, int *fd_r, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char path[PATH_MAX];
    struct sim_dom d;
    int fd;

    (void)k;   /* one console: pv and serial are the same line */
    if (sim_running(s, domid, &d, err) ||
        sim_path(s, domid, "sock", path, sizeof(path), err))
        return -1;
    if (num != 0)
        return sim_err(err, "domain %s has no console %d (it has one: 0)",
                       d.name, num), -1;
    if (strlen(path) >= sizeof(sa.sun_path))
        return sim_err(err, "socket path too long"), -1;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        core_write_full(fd, "console\n", 8)) {
        sim_err(err, "domain %s: cannot connect to its console:"
                 " %s", d.name, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *fd_r = fd;
    return 0;
}

static uint32_t cpu_khz(void)
{
    char buf[256];
    double mhz = 0;
    FILE *f = fopen("/proc/cpuinfo", "re");

    if (!f)
        return 0;
    while (fgets(buf, sizeof(buf), f))
        if (sscanf(buf, "cpu MHz : %lf", &mhz) == 1)
            break;
    fclose(f);
    return (uint32_t)(mhz * 1000);
}

static int host_nodes(unsigned int n)
{
    int *nodes = calloc(n, sizeof(*nodes)), nr = 1;

    if (nodes)
        nr = sim_cpu_nodes(nodes, n);
    free(nodes);
    return nr;
}

/* A figure of the machine's CPU cpu from sysfs's topology, or def. */
static long cpu_sysfs(unsigned int cpu, const char *what, long def)
{
    char path[128];
    long v = def;
    FILE *f;

    snprintf(path, sizeof(path),
             "/sys/devices/system/cpu/cpu%u/topology/%s", cpu, what);
    f = fopen(path, "re");
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = def;
        fclose(f);
    }
    return v;
}

int sim_cpu_topology(struct be *be, libxl_cputopology **topo_r, int *n_r,
                     char *err)
{
    unsigned int n = sim_host_cpus(), k;
    libxl_cputopology *t = calloc(n, sizeof(*t));
    int *nodes = calloc(n, sizeof(*nodes));

    (void)be;
    if (!t || !nodes) {
        free(t);
        free(nodes);
        return sim_err(err, "out of memory"), -1;
    }
    sim_cpu_nodes(nodes, n);
    for (k = 0; k < n; k++) {
        libxl_cputopology_init(&t[k]);
        t[k].core = (uint32_t)cpu_sysfs(k, "core_id", k);
        t[k].socket = (uint32_t)cpu_sysfs(k, "physical_package_id", 0);
        t[k].node = nodes[k] < 0 ? LIBXL_CPUTOPOLOGY_INVALID_ENTRY
                                 : (uint32_t)nodes[k];
    }
    free(nodes);
    *topo_r = t;
    *n_r = (int)n;
    return 0;
}

int sim_host_info(struct be *be, libxl_physinfo *phys,
                  libxl_version_info *ver, char *err)
{
    struct sim *s = (struct sim *)be;
    uint64_t total, avail;
    unsigned int n = sim_host_cpus();

    sim_host_mem(&total, &avail);
    if (phys) {
        phys->threads_per_core = 1;
        phys->cores_per_socket = n;
        phys->max_cpu_id = n - 1;
        phys->nr_cpus = n;
        phys->cpu_khz = cpu_khz();
        phys->total_pages = total / 4;
        phys->free_pages = sim_free_kb(s) / 4;
        phys->nr_nodes = (uint32_t)host_nodes(n);
        phys->cap_hvm = 1;
        phys->cap_pv = 1;
        /* Every simulated domain can be sent live. */
        phys->cap_hap = 1;
        phys->cap_shadow = 1;
    }
    if (ver) {
        ver->xen_version_major = 4;
        ver->xen_version_minor = 17;
        ver->xen_version_extra = strdup("-simulated");
        ver->compiler = strdup("gcc (" __VERSION__ ")");
        ver->compile_by = strdup("xltool");
        ver->compile_domain = strdup("simulated");
        ver->compile_date = strdup(XLTOOL_BUILD_DATE);
        ver->capabilities = strdup("xen-3.0-x86_64 hvm-3.0-x86_64 "
                                   "(simulated)");
        ver->changeset = strdup("simulated by xltool " XLTOOL_VERSION);
        ver->virt_start = 0;
        ver->pagesize = SIM_PAGE;
        ver->commandline = strdup("");
        ver->build_id = strdup("");
        if (!ver->xen_version_extra || !ver->compiler || !ver->compile_by ||
            !ver->compile_domain || !ver->compile_date ||
            !ver->capabilities || !ver->changeset || !ver->commandline ||
            !ver->build_id)
            return sim_err(err, "out of memory"), -1;
    }
    return 0;
}

int sim_dmesg(struct be *be, int clear, char **buf_r, char *err)
{
    struct sim *s = (struct sim *)be;
    char path[PATH_MAX], *buf = NULL;
    struct stat st;
    int fd, rc = -1;

    snprintf(path, sizeof(path), "%s/xen.log", s->dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > (64 << 20)) {
        sim_err(err, "cannot read %s: %s", path,
                 strerror(errno));
        goto out;
    }
    buf = calloc(1, st.st_size + 1);
    if (!buf || (st.st_size && core_read_full(fd, buf, st.st_size))) {
        sim_err(err, "cannot read %s", path);
        goto out;
    }
    if (clear && ftruncate(fd, 0) < 0) {
        sim_err(err, "cannot clear %s: %s", path,
                 strerror(errno));
        goto out;
    }
    *buf_r = buf;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* As Xen takes them: a vcpu the domain has; INIT, the sleep button and
 * the wake from S3 only for an HVM guest (they are ACPI and local APIC
 * events).  The guest acts on them (sim_guest.c). */
int sim_trigger(struct be *be, uint32_t domid, enum be_trigger t, int vcpu,
                char *err)
{
    static const char *const names[] = {
        [BE_TRIGGER_POWER] = "power", [BE_TRIGGER_RESET] = "reset",
        [BE_TRIGGER_NMI] = "nmi", [BE_TRIGGER_INIT] = "init",
        [BE_TRIGGER_SLEEP] = "sleep", [BE_TRIGGER_S3RESUME] = "s3resume",
    };
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    char req[64];

    if ((unsigned)t >= sizeof(names) / sizeof(*names) || !names[t])
        return sim_err(err, "domain %u: unknown trigger %d", domid, (int)t),
               -1;
    if (sim_running(s, domid, &d, err))
        return -1;
    if (vcpu < 0 || (unsigned)vcpu >= d.vcpus_max)
        return sim_err(err, "domain %s has no vcpu %d", d.name, vcpu), -1;
    if ((t == BE_TRIGGER_INIT || t == BE_TRIGGER_SLEEP ||
         t == BE_TRIGGER_S3RESUME) && d.type != LIBXL_DOMAIN_TYPE_HVM)
        return sim_err(err, "domain %s: trigger %s needs an HVM guest",
                       d.name, names[t]), -1;
    snprintf(req, sizeof(req), "trigger %s %d", names[t], vcpu);
    return sim_ctl(s, domid, req, err);
}

int sim_sysrq(struct be *be, uint32_t domid, char key, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    char req[16];

    if (sim_running(s, domid, &d, err))
        return -1;
    snprintf(req, sizeof(req), "sysrq %c", key);
    return sim_ctl(s, domid, req, err);
}

/* A core file: one page of text header, then the memory at its offsets
 * (holes stay holes). */
int sim_dump_core(const struct sim *s, uint32_t domid, const char *path,
                  char *err)
{
    char hdr[SIM_PAGE];
    struct sim_mem m;
    uint64_t pfn;
    int fd = -1, rc = -1;

    if (sim_mem_open(s, domid, &m, err))
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        sim_err(err, "cannot create %s: %s", path,
                 strerror(errno));
        goto out;
    }
    memset(hdr, 0, sizeof(hdr));
    snprintf(hdr, sizeof(hdr), "XLTOOL-SIM-CORE 1\ndomid %u\npages %" PRIu64
             "\npage_size %u\n", domid, m.nr_pages, SIM_PAGE);
    if (core_write_full(fd, hdr, sizeof(hdr)))
        goto werr;
    for (pfn = 0; pfn < m.nr_pages; pfn++)
        if (!sim_mem_page_is_zero(&m, pfn) &&
            pwrite(fd, m.mem + pfn * SIM_PAGE, SIM_PAGE,
                   (off_t)((pfn + 1) * SIM_PAGE)) != SIM_PAGE)
            goto werr;
    if (ftruncate(fd, (off_t)((m.nr_pages + 1) * SIM_PAGE)) < 0)
        goto werr;
    rc = 0;
    goto out;
werr:
    sim_err(err, "cannot write %s: %s", path, strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    sim_mem_close(&m);
    return rc;
}

int sim_dump_core_op(struct be *be, uint32_t domid, const char *path,
                     char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;

    if (domid == 0)
        return sim_err(err, "cannot dump the core of Domain-0 "
                        "on the simulated backend"), -1;
    if (sim_info_read(s, domid, &d, err))
        return -1;
    return sim_dump_core(s, domid, path, err);
}
