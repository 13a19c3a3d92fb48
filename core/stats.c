/*
 * stats.c - a domain's network and block statistics as xentop shows them,
 * read where libxenstat reads them: each vif vifDOMID.N of this host's
 * network devices (its counters seen from the domain: what the host's
 * side receives the domain sent), and each virtual disk's backend
 * statistics in sysfs.  A disk without readable statistics (the simulated
 * backend's, or a backend in another domain) is marked as such.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* A counter from a sysfs file; -1 when it cannot be read. */
static int read_counter(const char *dir, const char *name, uint64_t *v)
{
    char path[512];
    unsigned long long x;
    FILE *f;
    int rc;

    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        (int)sizeof(path))
        return -1;
    f = fopen(path, "re");
    if (!f)
        return -1;
    rc = fscanf(f, "%llu", &x) == 1 ? 0 : -1;
    fclose(f);
    *v = x;
    return rc;
}

static int net_read(const char *ifname, struct be_netstat *n)
{
    char dir[300];

    snprintf(dir, sizeof(dir), "/sys/class/net/%s/statistics", ifname);
    /* The host's tx is the domain's rx. */
    return read_counter(dir, "tx_bytes", &n->rbytes) |
           read_counter(dir, "tx_packets", &n->rpkts) |
           read_counter(dir, "tx_errors", &n->rerrs) |
           read_counter(dir, "tx_dropped", &n->rdrop) |
           read_counter(dir, "rx_bytes", &n->tbytes) |
           read_counter(dir, "rx_packets", &n->tpkts) |
           read_counter(dir, "rx_errors", &n->terrs) |
           read_counter(dir, "rx_dropped", &n->tdrop);
}

static int cmp_net(const void *a, const void *b)
{
    const struct be_netstat *x = a, *y = b;

    return x->devid - y->devid;
}

static int nets_read(uint32_t domid, struct be_domstats *s)
{
    struct dirent *de;
    DIR *d = opendir("/sys/class/net");
    unsigned int id;
    int devid, cap = 0, end;
    struct be_netstat *n;

    if (!d)
        return 0;
    while ((de = readdir(d))) {
        end = 0;
        if (sscanf(de->d_name, "vif%u.%d%n", &id, &devid, &end) != 2 ||
            de->d_name[end] || id != domid)
            continue;
        if (s->nnets == cap) {
            cap = cap ? cap * 2 : 4;
            n = realloc(s->nets, cap * sizeof(*n));
            if (!n) {
                closedir(d);
                return -1;
            }
            s->nets = n;
        }
        n = &s->nets[s->nnets];
        memset(n, 0, sizeof(*n));
        n->devid = devid;
        if (net_read(de->d_name, n) == 0)
            s->nnets++;
    }
    closedir(d);
    if (s->nnets)
        qsort(s->nets, s->nnets, sizeof(*s->nets), cmp_net);
    return 0;
}

static void vbd_read(uint32_t domid, struct be_vbdstat *v)
{
    char dir[128];

    snprintf(dir, sizeof(dir),
             "/sys/bus/xen-backend/devices/vbd-%u-%d/statistics", domid,
             v->dev);
    v->error = read_counter(dir, "oo_req", &v->oo) |
               read_counter(dir, "rd_req", &v->rd) |
               read_counter(dir, "wr_req", &v->wr) |
               read_counter(dir, "rd_sect", &v->rsect) |
               read_counter(dir, "wr_sect", &v->wsect);
}

int core_dom_stats(struct be *be, uint32_t domid, struct be_domstats *s,
                   char *err)
{
    struct be_devinfo *disks = NULL;
    int n = 0, i;

    memset(s, 0, sizeof(*s));
    if (nets_read(domid, s))
        goto oom;
    /* Domain-0 has no virtual disks of its own. */
    if (domid && be->ops->disk_list(be, domid, &disks, &n, err))
        return -1;
    s->vbds = calloc(n ? n : 1, sizeof(*s->vbds));
    if (!s->vbds)
        goto oom;
    for (i = 0; i < n; i++) {
        s->vbds[i].dev = disks[i].devid;
        vbd_read(domid, &s->vbds[i]);
    }
    s->nvbds = n;
    core_devinfo_list_free(disks, n);
    return 0;
oom:
    core_devinfo_list_free(disks, n);
    core_domstats_dispose(s);
    snprintf(err, XT_ERRLEN, "domain %u: statistics: out of memory", domid);
    return -1;
}

void core_domstats_dispose(struct be_domstats *s)
{
    free(s->nets);
    free(s->vbds);
    memset(s, 0, sizeof(*s));
}
