/*
 * xlshim.c - lets the real xl 4.17 run `xl create -n` on a machine
 * without Xen, to produce the expected JSON of the golden tests.  It
 * stands in for the few hypervisor and xenstore calls that xl makes
 * before it parses a config (LD_PRELOAD), reporting a fixed 8-CPU host.
 * Nothing here is linked into xltool.
 */
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

int xc_get_max_cpus(xc_interface *x) { (void)x; return 8; }
int xc_get_max_nodes(xc_interface *x) { (void)x; return 1; }
int xc_get_online_cpus(xc_interface *x) { (void)x; return 8; }
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
    p->cores_per_socket = 8;
    p->nr_cpus = 8;
    p->max_cpu_id = 7;
    p->nr_nodes = 1;
    p->total_pages = 1u << 20;
    p->free_pages = 1u << 19;
    p->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv |
                      XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow |
                      XEN_SYSCTL_PHYSCAP_directio;
    return 0;
}
