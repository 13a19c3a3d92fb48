/*
 * cfg_cpumap.c - CPU lists ("0-3,^2", "all,^1", "nodes:0-1") into a
 * libxl_bitmap sized for the host, with xl's meaning: the items apply in
 * order, a CPU beyond the host's bitmap is dropped (libxl_bitmap_set
 * ignores it), "all" sets every bit of the host-sized map, and a node
 * stands for the CPUs the host puts in it (none for a node the host does
 * not have, as libxl_node_to_cpumap answers; see apply_nodes for the
 * CPUs xl loses on big hosts).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "cfg_int.h"

/* Without a known host a map grows to the highest CPU named, up to this. */
#define CPUMAP_UNKNOWN_MAX 4096

/*
 * The map for host h, sized as libxl_cpu_bitmap_alloc sizes it (one bit
 * per CPU, whole bytes).  libxl's allocators need a libxl context, which
 * needs a running hypervisor, and the reader runs without one.
 */
static int cpumap_alloc(libxl_bitmap *map, const struct cfg_host *h)
{
    uint32_t bytes = h && h->nr_cpus > 0 ? (uint32_t)(h->nr_cpus + 7) / 8
                                         : 1;

    libxl_bitmap_dispose(map);
    libxl_bitmap_init(map);
    map->map = calloc(bytes, 1);
    map->size = bytes;
    return map->map ? 0 : -1;
}

/* Makes room for bit in a map of an unknown host. */
static int cpumap_grow(libxl_bitmap *map, unsigned long bit)
{
    uint32_t need = (uint32_t)(bit / 8 + 1);
    uint8_t *nm;

    if (need <= map->size)
        return 0;
    nm = realloc(map->map, need);
    if (!nm)
        return -1;
    memset(nm + map->size, 0, need - map->size);
    map->map = nm;
    map->size = need;
    return 0;
}

/* "N" or "N-M" (N <= M), decimal, nothing after. */
static int parse_range(const char *s, unsigned long *a, unsigned long *b)
{
    char *end;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    *a = *b = strtoul(s, &end, 10);
    if (errno)
        return -1;
    if (*end == '-') {
        if (!isdigit((unsigned char)end[1]))
            return -1;
        *b = strtoul(end + 1, &end, 10);
        if (errno || *b < *a)
            return -1;
    }
    return *end ? -1 : 0;
}

static int node_of(const struct cfg_host *h, int cpu)
{
    return h->cpu_node ? h->cpu_node[cpu] : 0;
}

static void set_or_reset(libxl_bitmap *map, unsigned long cpu, int neg)
{
    if (cpu > INT_MAX)
        return;
    if (neg)
        libxl_bitmap_reset(map, (int)cpu);
    else
        libxl_bitmap_set(map, (int)cpu);
}

/*
 * The CPUs of nodes a..b.  xl collects them in a bitmap allocated for
 * nodes (libxl_node_bitmap_alloc: one bit per node, whole bytes) before
 * it copies them, so a CPU whose number does not fit in that bitmap is
 * lost: on a 16-CPU host with 4 nodes, "nodes:3" (CPUs 12-15) selects
 * nothing.  The same happens here, so that the maps are xl's.
 */
static void apply_nodes(libxl_bitmap *map, const struct cfg_host *h,
                        unsigned long a, unsigned long b, int neg)
{
    int cpu, fits = (h->nr_nodes > 0 ? (h->nr_nodes + 7) / 8 : 1) * 8;

    for (cpu = 0; cpu < h->nr_cpus && cpu < fits; cpu++) {
        int n = node_of(h, cpu);

        if (n >= 0 && (unsigned long)n >= a && (unsigned long)n <= b)
            set_or_reset(map, (unsigned long)cpu, neg);
    }
}

static int apply_cpus(libxl_bitmap *map, const struct cfg_host *h,
                      unsigned long a, unsigned long b, int neg)
{
    unsigned long k, last;

    if (h->nr_cpus <= 0) {
        if (b >= CPUMAP_UNKNOWN_MAX)
            return -1;
        if (!neg && cpumap_grow(map, b))
            return -1;
    }
    /* Bits past the map are dropped one by one in xl; skip them here. */
    last = (unsigned long)map->size * 8 - 1;
    for (k = a; k <= b && k <= last; k++)
        set_or_reset(map, k, neg);
    return 0;
}

/* One item of the list. */
static int cpumap_item(const char *item, const struct cfg_host *h,
                       libxl_bitmap *map, char *err, size_t errlen)
{
    const char *s = item;
    unsigned long a, b;
    int neg = 0, nodes = 0;

    if (*s == '^') {
        neg = 1;
        s++;
    }
    if (!strncmp(s, "node:", 5) || !strncmp(s, "nodes:", 6)) {
        nodes = 1;
        s = strchr(s, ':') + 1;
    }
    if ((!strcmp(s, "all") || nodes) && h->nr_cpus <= 0)
        return snprintf(err, errlen, "\"%s\" depends on the host's CPUs, "
                        "which are not known here", item), -1;
    if (!strcmp(s, "all")) {
        if (neg)
            return snprintf(err, errlen, "\"%s\": \"^\" cannot be combined "
                            "with \"all\"", item), -1;
        libxl_bitmap_set_any(map);
        return 0;
    }
    if (parse_range(s, &a, &b))
        return snprintf(err, errlen, "invalid CPU range \"%s\"", item), -1;
    if (nodes) {
        apply_nodes(map, h, a, b, neg);
        return 0;
    }
    if (apply_cpus(map, h, a, b, neg))
        return snprintf(err, errlen, "invalid CPU range \"%s\" (CPUs go up "
                        "to %d)", item, CPUMAP_UNKNOWN_MAX - 1), -1;
    return 0;
}

int cfg_cpumap_parse(const char *s, const struct cfg_host *h,
                     libxl_bitmap *map, char *err, size_t errlen)
{
    static const struct cfg_host unknown = { 0, 0, NULL };
    char *dup = strdup(s), *tok, *save = NULL;
    int rc = -1;

    if (!h)
        h = &unknown;
    if (!dup || cpumap_alloc(map, h)) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (tok = strtok_r(dup, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save))
        if (cpumap_item(tok, h, map, err, errlen))
            goto out;
    rc = 0;
out:
    free(dup);
    return rc;
}
