/*
 * cfg_vnuma.c - the guest's virtual NUMA topology (`vnuma`, a list of
 * nodes, each a list of "pnode=", "size=", "vcpus=" and "vdistances="
 * strings) into b_info.vnuma_nodes, as xl reads it: pnodes are checked
 * against the host's nodes, the nodes' VCPUs and memory add up to
 * max_vcpus and max_memkb (or must equal maxvcpus and maxmem when those
 * are given), and an option xl does not know is ignored.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "cfg_int.h"

struct vnuma_sum {
    uint64_t memkb;
    long vcpus;
};

/* A whole decimal number the way xl's parse_ulong takes it: strtoul,
 * refused only when nothing is read or it overflows. */
static int xl_ulong(const char *s, unsigned long *v)
{
    char *end;

    errno = 0;
    *v = strtoul(s, &end, 10);
    return end == s || *v == ULONG_MAX ? -1 : 0;
}

/* xl's parse_range: sets *a and *b as far as it got; -1 when bad. */
static int xl_range(const char *s, unsigned long *a, unsigned long *b)
{
    char *end;
    const char *n;

    *a = *b = strtoul(s, &end, 10);
    if (end == s || *a == ULONG_MAX)
        return -1;
    if (*end == '-') {
        n = end + 1;
        *b = strtoul(n, &end, 10);
        if (end == n || *b == ULONG_MAX || *b < *a)
            return -1;
    }
    return *end ? -1 : 0;
}

static char *trim_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return strndup(s, n);
}

/*
 * "vcpus=0-1,4": every number of every range counts as one VCPU of the
 * node, even a repeated one or one past the map, as xl counts them; a
 * bad range adds what xl's parse_range left in its bounds.
 */
static void vnode_vcpus(const char *val, libxl_bitmap *map,
                        struct vnuma_sum *sum)
{
    char *dup = strdup(val), *tok, *save = NULL;
    unsigned long a, b;

    for (tok = dup ? strtok_r(dup, ",", &save) : NULL; tok;
         tok = strtok_r(NULL, ",", &save)) {
        xl_range(tok, &a, &b);
        for (; a <= b && sum->vcpus < INT_MAX; a++) {
            if (a < (unsigned long)map->size * 8)
                libxl_bitmap_set(map, (int)a);
            sum->vcpus++;
            if (a == ULONG_MAX)
                break;
        }
    }
    free(dup);
}

static int vnode_distances(struct cfg_conv *cv, const struct cfg_value *it,
                           const char *val, libxl_vnode_info *p)
{
    char *dup = strdup(val), *tok, *save = NULL;
    unsigned long d;
    int j = 0, rc = 0;

    for (tok = dup ? strtok_r(dup, ",", &save) : NULL; tok && !rc;
         tok = strtok_r(NULL, ",", &save), j++) {
        if (j >= p->num_distances) {
            cfg_conv_error_at(cv, it, -1, 0, "more vdistances than vnuma "
                              "nodes (%d)", p->num_distances);
            rc = -1;
        } else if (xl_ulong(tok, &d) || d > UINT32_MAX) {
            cfg_conv_error_at(cv, it, -1, 0, "invalid vdistance \"%s\"",
                              tok);
            rc = -1;
        } else {
            p->distances[j] = (uint32_t)d;
        }
    }
    free(dup);
    return rc;
}

/* One "option=value" of a vnode. */
static int vnode_option(struct cfg_conv *cv, const struct cfg_value *it,
                        const char *opt, const char *val,
                        libxl_vnode_info *p, libxl_bitmap *vcpus,
                        struct vnuma_sum *sum)
{
    const struct cfg_host *h = &cv->g->host;
    unsigned long v;

    if (!strcmp(opt, "pnode")) {
        if (xl_ulong(val, &v))
            return cfg_conv_error_at(cv, it, -1, 0, "invalid pnode \"%s\"",
                                     val), -1;
        if (h->nr_cpus <= 0)
            return cfg_conv_error_at(cv, it, -1, 0, "pnode %lu: the host's "
                                     "NUMA nodes are not known here", v), -1;
        if (v >= (unsigned long)h->nr_nodes)
            return cfg_conv_error_at(cv, it, -1, 0, "invalid pnode number "
                                     "%lu: the host has %d NUMA node%s", v,
                                     h->nr_nodes, h->nr_nodes == 1 ? ""
                                                                   : "s"),
                   -1;
        p->pnode = (uint32_t)v;
        libxl_defbool_set(&cv->dc->b_info.numa_placement, false);
    } else if (!strcmp(opt, "size")) {
        if (xl_ulong(val, &v) || v > UINT64_MAX >> 10)
            return cfg_conv_error_at(cv, it, -1, 0, "invalid vnode size "
                                     "\"%s\" (MiB)", val), -1;
        p->memkb = (uint64_t)v << 10;
        sum->memkb += p->memkb;
    } else if (!strcmp(opt, "vcpus")) {
        vnode_vcpus(val, vcpus, sum);
    } else if (!strcmp(opt, "vdistances")) {
        return vnode_distances(cv, it, val, p);
    }
    return 0;
}

/* One string of a vnode's list; xl splits it at "=" with strtok. */
static int vnode_item(struct cfg_conv *cv, const struct cfg_value *it,
                      libxl_vnode_info *p, libxl_bitmap *vcpus,
                      struct vnuma_sum *sum)
{
    const char *s = it->s, *k, *v;
    size_t kl, vl;
    char *opt = NULL, *val = NULL;
    int rc;

    k = s + strspn(s, "=");
    kl = strcspn(k, "=");
    v = k + kl + strspn(k + kl, "=");
    vl = strcspn(v, "=");
    if (!kl || !vl)
        return cfg_conv_error_at(cv, it, -1, 0, "vnuma option \"%s\" is not "
                                 "option=value", s), -1;
    opt = trim_dup(k, kl);
    val = trim_dup(v, vl);
    rc = opt && val ? vnode_option(cv, it, opt, val, p, vcpus, sum) : -1;
    free(opt);
    free(val);
    return rc;
}

static int vnode(struct cfg_conv *cv, const struct cfg_value *spec,
                 libxl_vnode_info *p, libxl_bitmap *vcpus,
                 struct vnuma_sum *sum)
{
    int k;

    if (spec->type != CFG_V_LIST && spec->type != CFG_V_TUPLE)
        return cfg_conv_error_at(cv, spec, -1, 0, "a vnuma node must be a "
                                 "list of option=value strings, not %s",
                                 cfg_value_kind(spec)), -1;
    for (k = 0; k < spec->n; k++)
        if (spec->items[k]->type == CFG_V_STR &&
            vnode_item(cv, spec->items[k], p, vcpus, sum))
            return -1;
    return 0;
}

/* What the nodes add up to against maxvcpus, maxmem and the host. */
static int vnuma_totals(struct cfg_conv *cv, struct cfg_var *var,
                        const struct vnuma_sum *sum)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    int online = cv->g->host.nr_cpus;

    if (b->max_vcpus && b->max_vcpus != sum->vcpus)
        return cfg_conv_error(cv, var, "the vnuma nodes have %ld VCPUs, "
                              "'maxvcpus' says %d", sum->vcpus,
                              b->max_vcpus), -1;
    if (!b->max_vcpus && online > 0 && sum->vcpus > online)
        return cfg_conv_error(cv, var, "the vnuma nodes have %ld VCPUs, "
                              "more than the host's %d CPUs (give "
                              "'maxvcpus' to allow it)", sum->vcpus, online),
               -1;
    if (!b->max_vcpus)
        b->max_vcpus = (int)sum->vcpus;
    if (b->max_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb != sum->memkb)
        return cfg_conv_error(cv, var, "the vnuma nodes have %llu MiB, "
                              "'maxmem' says %llu",
                              (unsigned long long)(sum->memkb >> 10),
                              (unsigned long long)(b->max_memkb >> 10)), -1;
    b->max_memkb = sum->memkb;
    return 0;
}

/* Every node's maps and distances, before any is read (as xl does). */
static int vnuma_alloc(struct cfg_conv *cv, int n)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    const struct cfg_host *h = &cv->g->host;
    int k, bits = b->max_vcpus ? b->max_vcpus
                : h->nr_cpus > 0 ? h->nr_cpus : 4096;

    b->vnuma_nodes = calloc((size_t)n, sizeof(*b->vnuma_nodes));
    if (!b->vnuma_nodes)
        return -1;
    b->num_vnuma_nodes = n;
    for (k = 0; k < n; k++) {
        libxl_vnode_info *p = &b->vnuma_nodes[k];

        libxl_vnode_info_init(p);
        p->distances = calloc((size_t)n, sizeof(*p->distances));
        p->num_distances = n;
        p->vcpus.size = (uint32_t)(bits + 7) / 8;
        p->vcpus.map = calloc(p->vcpus.size, 1);
        if (!p->distances || !p->vcpus.map)
            return -1;
    }
    return 0;
}

void cfg_conv_vnuma(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    struct vnuma_sum sum = { 0, 0 };
    struct cfg_var *var;
    int k;

    if (cfg_conv_list(cv, "vnuma", &var) <= 0 || !var->val->n)
        return;
    if (vnuma_alloc(cv, var->val->n)) {
        cfg_conv_error(cv, var, "out of memory");
        return;
    }
    for (k = 0; k < var->val->n; k++)
        if (vnode(cv, var->val->items[k], &b->vnuma_nodes[k],
                  &b->vnuma_nodes[k].vcpus, &sum))
            return;
    vnuma_totals(cv, var, &sum);
}
