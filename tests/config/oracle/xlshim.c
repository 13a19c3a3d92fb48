/*
 * xlshim.c - lets the real xl 4.17 run `xl create -n` on a machine
 * without Xen, to produce the expected JSON of the golden tests.  It
 * stands in for the few hypervisor and xenstore calls that xl makes
 * before it parses a config (LD_PRELOAD), reporting an 8-CPU host with
 * one NUMA node, or XLSHIM_CPUS CPUs in XLSHIM_NODES nodes (equal
 * consecutive blocks, as XLTOOL_SIM_CPUS / XLTOOL_SIM_NODES make the
 * simulated backend report).  Nothing here is linked into xltool.
 */
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include <xenstore.h>

static char handle[64];

xc_interface *xc_interface_open(xentoollog_logger *l, xentoollog_logger *d,
                                unsigned f)
{
    (void)l; (void)d; (void)f;
    return (xc_interface *)handle;
}

int xc_interface_close(xc_interface *x)
{
    (void)x;
    return 0;
}

struct xs_handle *xs_open(unsigned long flags)
{
    (void)flags;
    return (struct xs_handle *)handle;
}

void xs_close(struct xs_handle *h)
{
    (void)h;
}

static int env_count(const char *name, int dflt)
{
    const char *v = getenv(name);
    int n = v ? atoi(v) : 0;

    return n > 0 ? n : dflt;
}

static int ncpus(void) { return env_count("XLSHIM_CPUS", 8); }
static int nnodes(void) { return env_count("XLSHIM_NODES", 1); }

int xc_get_max_cpus(xc_interface *x) { (void)x; return ncpus(); }
int xc_get_max_nodes(xc_interface *x) { (void)x; return nnodes(); }
int xc_get_online_cpus(xc_interface *x) { (void)x; return ncpus(); }

int xc_cputopoinfo(xc_interface *x, unsigned *max_cpus, xc_cputopo_t *t)
{
    unsigned k, n = (unsigned)ncpus(), per;

    (void)x;
    per = (n + (unsigned)nnodes() - 1) / (unsigned)nnodes();
    if (t)
        for (k = 0; k < n && k < *max_cpus; k++) {
            t[k].core = k;
            t[k].socket = 0;
            t[k].node = k / per;
        }
    *max_cpus = n;
    return 0;
}
long xc_sharing_freed_pages(xc_interface *x) { (void)x; return 0; }
long xc_sharing_used_frames(xc_interface *x) { (void)x; return 0; }

int xc_version(xc_interface *x, int cmd, void *arg)
{
    static const size_t sizes[] = { 0, 16, 144, 1024, 64, 8, 0, 0, 0, 1024 };

    (void)x;
    if (cmd == XENVER_version)
        return (4 << 16) | 17;
    if (cmd == XENVER_pagesize)
        return 4096;
    if (cmd >= 0 && cmd < (int)(sizeof(sizes) / sizeof(sizes[0])) &&
        sizes[cmd]) {
        memset(arg, 0, sizes[cmd]);
        return 0;
    }
    return 0;
}

int xc_physinfo(xc_interface *x, xc_physinfo_t *p)
{
    (void)x;
    memset(p, 0, sizeof(*p));
    p->threads_per_core = 1;
    p->cores_per_socket = (unsigned)ncpus();
    p->nr_cpus = (unsigned)ncpus();
    p->max_cpu_id = (unsigned)ncpus() - 1;
    p->nr_nodes = (unsigned)nnodes();
    p->total_pages = 1u << 20;
    p->free_pages = 1u << 19;
    p->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv |
                      XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow |
                      XEN_SYSCTL_PHYSCAP_directio;
    return 0;
}
