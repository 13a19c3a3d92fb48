/*
 * cpupool.c - the cpupool commands (cpupool-create, -list, -destroy,
 * -rename, -cpu-add, -cpu-remove, -migrate, -numa-split), in xl's
 * formats.  A pool
 * config is read with libxlutil's reader, as xl reads it
 * (xlcpupool.cfg(5): name, sched, cpus).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>
#include <libxlutil.h>

#include "xltool.h"

int xt_find_pool(struct be *be, const char *spec, libxl_cpupoolinfo **list_r,
                 int *n_r, uint32_t *poolid_r)
{
    char err[XT_ERRLEN];
    long id = -1;
    int i;

    *list_r = NULL;
    *n_r = 0;
    if (be->ops->pool_list(be, list_r, n_r, err)) {
        xt_err("%s", err);
        return -1;
    }
    /* A number is a pool id, as libxl's qualifier reads it. */
    if (xt_parse_long(spec, 0, UINT32_MAX, &id))
        id = -1;
    for (i = 0; i < *n_r; i++)
        if ((id >= 0 && (*list_r)[i].poolid == (uint32_t)id) ||
            (id < 0 && !strcmp((*list_r)[i].pool_name, spec))) {
            *poolid_r = (*list_r)[i].poolid;
            return 0;
        }
    fprintf(stderr, "unknown cpupool '%s'\n", spec);
    return -1;
}

/* The host's cpu count and its free cpus (in no pool). */
static int host_free_cpus(struct be *be, const libxl_cpupoolinfo *pools,
                          int n, libxl_bitmap *free_r, int *ncpus_r)
{
    libxl_physinfo phys;
    char err[XT_ERRLEN];
    int i, c, rc = -1;

    libxl_physinfo_init(&phys);
    if (be->ops->host_info(be, &phys, NULL, err)) {
        xt_err("%s", err);
        goto out;
    }
    *ncpus_r = phys.nr_cpus;
    if (xt_cpumap_alloc(free_r, phys.nr_cpus))
        goto out;
    for (c = 0; c < (int)phys.nr_cpus; c++)
        libxl_bitmap_set(free_r, c);
    for (i = 0; i < n; i++)
        libxl_for_each_set_bit(c, pools[i].cpumap)
            if (c < (int)phys.nr_cpus)
                libxl_bitmap_reset(free_r, c);
    rc = 0;
out:
    libxl_physinfo_dispose(&phys);
    return rc;
}

/* The config's text and its Variable=value lines, as one buffer. */
static char *pool_config_text(const char *file, int nvars, char **vars)
{
    int open_errno;
    char *text = xt_config_text(file, nvars, vars, NULL, &open_errno);

    if (!text && open_errno)
        fprintf(stderr, "Failed to read config file: %s: %s\n", file,
                strerror(open_errno));
    return text;
}

/* "nodes": the free cpus of the nodes listed, as xl takes them; none is
 * an error. */
static int pool_config_nodes(struct be *be, XLU_ConfigList *list,
                             const libxl_bitmap *freemap, libxl_bitmap *cpus,
                             int *n_r)
{
    struct be_topology t;
    char err[XT_ERRLEN];
    const char *s;
    long node;
    int i, c;

    memset(&t, 0, sizeof(t));
    if (be->ops->topology(be, &t, err)) {
        xt_err("cpupool-create: %s", err);
        return -1;
    }
    for (i = 0; (s = xlu_cfg_get_listitem(list, i)); i++) {
        if (xt_parse_long(s, 0, 255, &node)) {
            xt_err("cpupool-create: invalid node \"%s\"", s);
            core_topology_dispose(&t);
            return -1;
        }
        for (c = 0; c < t.ncpus && c < (int)cpus->size * 8; c++)
            if (t.cpus[c].node == (uint32_t)node &&
                libxl_bitmap_test(freemap, c) &&
                !libxl_bitmap_test(cpus, c)) {
                libxl_bitmap_set(cpus, c);
                (*n_r)++;
            }
    }
    core_topology_dispose(&t);
    if (!*n_r)
        fprintf(stderr, "no free cpu found\n");
    return *n_r ? 0 : -1;
}

/* The cpus the config names ("nodes", or "cpus" as a list or a range
 * string), each of which must be free. */
static int pool_config_cpus(struct be *be, XLU_Config *cfg,
                            const libxl_bitmap *freemap, int ncpus,
                            libxl_bitmap *cpus, int *n_r)
{
    XLU_ConfigList *list;
    const char *s;
    long c;
    int i;

    *n_r = 0;
    if (!xlu_cfg_get_list(cfg, "nodes", &list, 0, 0))
        return pool_config_nodes(be, list, freemap, cpus, n_r);
    if (!xlu_cfg_get_list(cfg, "cpus", &list, 0, 1)) {
        for (i = 0; (s = xlu_cfg_get_listitem(list, i)); i++) {
            if (xt_parse_long(s, 0, ncpus - 1, &c)) {
                fprintf(stderr, "cpu %s illegal or not free\n", s);
                return -1;
            }
            libxl_bitmap_set(cpus, c);
        }
    } else if (!xlu_cfg_get_string(cfg, "cpus", &s, 0) &&
               xt_parse_cpus(s, cpus, ncpus)) {
        xt_err("cpupool-create: invalid cpus \"%s\"", s);
        return -1;
    }
    libxl_for_each_set_bit(i, *cpus) {
        if (!libxl_bitmap_test(freemap, i)) {
            fprintf(stderr, "cpu %d illegal or not free\n", i);
            return -1;
        }
        (*n_r)++;
    }
    return 0;
}

/* Everything xl prints and checks before it creates the pool. */
struct pool_spec {
    char *name;
    libxl_scheduler sched;
    libxl_bitmap cpus;
    int ncpus;
};

static int pool_config_read(struct be *be, XLU_Config *cfg, const char *file,
                            struct pool_spec *ps)
{
    libxl_cpupoolinfo *pools = NULL;
    libxl_bitmap freemap;
    const char *s;
    int n = 0, i, host_cpus, rc = -1;

    libxl_bitmap_init(&freemap);
    if (!xlu_cfg_get_string(cfg, "name", &s, 0))
        ps->name = strdup(s);
    else if (file)
        ps->name = strdup(strrchr(file, '/') ? strrchr(file, '/') + 1
                                              : file);
    else {
        fprintf(stderr, "Missing cpupool name!\n");
        goto out;
    }
    if (!ps->name || xt_pool_list(be, &pools, &n))
        goto out;
    for (i = 0; i < n; i++)
        if (!strcmp(pools[i].pool_name, ps->name)) {
            fprintf(stderr, "Pool name \"%s\" already exists\n", ps->name);
            goto out;
        }
    ps->sched = n ? pools[0].sched : LIBXL_SCHEDULER_CREDIT2;
    if (!xlu_cfg_get_string(cfg, "sched", &s, 0) &&
        libxl_scheduler_from_string(s, &ps->sched)) {
        fprintf(stderr, "Unknown scheduler\n");
        goto out;
    }
    if (host_free_cpus(be, pools, n, &freemap, &host_cpus) ||
        xt_cpumap_alloc(&ps->cpus, host_cpus) ||
        pool_config_cpus(be, cfg, &freemap, host_cpus, &ps->cpus,
                         &ps->ncpus))
        goto out;
    rc = 0;
out:
    libxl_bitmap_dispose(&freemap);
    if (pools)
        libxl_cpupoolinfo_list_free(pools, n);
    return rc;
}

static int pool_create(struct be *be, const char *file, int nvars,
                       char **vars, int dryrun)
{
    struct pool_spec ps = {NULL, 0, {0, NULL}, 0};
    XLU_Config *cfg = NULL;
    char err[XT_ERRLEN], *text = NULL;
    const char *src = file ? file : "command line";
    uint32_t poolid;
    int rc = EXIT_FAIL;

    libxl_bitmap_init(&ps.cpus);
    text = pool_config_text(file, nvars, vars);
    if (!text || !(cfg = xlu_cfg_init(stderr, src)))
        goto out;
    if (xlu_cfg_readdata(cfg, text, strlen(text))) {
        fprintf(stderr, "Failed to parse config file: %s\n", src);
        goto out;
    }
    if (pool_config_read(be, cfg, file, &ps))
        goto out;
    printf("Using config file \"%s\"\n", src);
    printf("cpupool name:   %s\n", ps.name);
    printf("scheduler:      %s\n", libxl_scheduler_to_string(ps.sched));
    printf("number of cpus: %d\n", ps.ncpus);
    fflush(stdout);
    if (!dryrun &&
        be->ops->pool_create(be, ps.name, ps.sched, &ps.cpus, &poolid, err)) {
        fprintf(stderr, "error on creating cpupool: %s\n", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    if (cfg)
        xlu_cfg_destroy(cfg);
    libxl_bitmap_dispose(&ps.cpus);
    free(ps.name);
    free(text);
    return rc;
}

int main_cpupool_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"defconfig", required_argument, NULL, 'f'},
        {"dryrun", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = NULL;
    char **vars = NULL;
    struct be *be = NULL;
    int opt, nvars = 0, i, dryrun = xt_dryrun, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "f:n", longopts, "cpupool-create", 0) {
    case 'f': file = optarg; break;
    case 'n': dryrun = 1; break;
    }
    vars = calloc(argc, sizeof(*vars));
    if (!vars)
        return EXIT_FAIL;
    for (i = optind; i < argc; i++) {
        if (strchr(argv[i], '=')) {
            vars[nvars++] = argv[i];
        } else if (!file) {
            file = argv[i];
        } else {
            xt_err("cpupool-create: unexpected argument '%s'", argv[i]);
            free(vars);
            return EXIT_USAGE;
        }
    }
    be = xt_backend();
    if (be)
        rc = pool_create(be, file, nvars, vars, dryrun);
    free(vars);
    core_close(be);
    return rc;
}

static void pool_row(const libxl_cpupoolinfo *p, int cpus)
{
    int c, n = 0;

    printf("%-19s", p->pool_name);
    libxl_for_each_set_bit(c, p->cpumap) {
        if (cpus)
            printf(n ? ",%d" : "%d", c);
        n++;
    }
    if (!cpus)
        printf("%3d %9s       y       %4d", n,
               libxl_scheduler_to_string(p->sched), p->n_dom);
    putchar('\n');
}

int main_cpupool_list(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"cpus", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    libxl_cpupoolinfo *pools = NULL;
    const char *only = NULL;
    struct be *be = NULL;
    int opt, cpus = 0, n = 0, i, found = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "c", longopts, "cpupool-list", 0) {
    case 'c': cpus = 1; break;
    }
    xt_check_max_args(argc, argv, 1, "cpupool-list");
    if (optind < argc)
        only = argv[optind];
    be = xt_backend();
    if (!be || xt_pool_list(be, &pools, &n))
        goto out;
    for (i = 0; only && i < n; i++)
        found |= !strcmp(pools[i].pool_name, only);
    if (only && !found) {
        fprintf(stderr, "Pool '%s' does not exist\n", only);
        goto out;
    }
    printf("%-19s%s\n", "Name",
           cpus ? "CPU list" : "CPUs   Sched     Active   Domain count");
    for (i = 0; i < n; i++)
        if (!only || !strcmp(pools[i].pool_name, only))
            pool_row(&pools[i], cpus);
    rc = EXIT_OK;
out:
    if (pools)
        libxl_cpupoolinfo_list_free(pools, n);
    core_close(be);
    return rc;
}

/* Resolves the pool named by spec; the list is not kept. */
static int find_pool(struct be *be, const char *spec, uint32_t *poolid_r)
{
    libxl_cpupoolinfo *pools = NULL;
    int n = 0, rc = xt_find_pool(be, spec, &pools, &n, poolid_r);

    if (pools)
        libxl_cpupoolinfo_list_free(pools, n);
    return rc;
}

/* cpupool-destroy POOL and cpupool-rename POOL NEWNAME. */
static int pool_change(int argc, char **argv, const char *cmd, int rename)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t poolid;
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 1 + rename) {
    }
    xt_check_max_args(argc, argv, 1 + rename, cmd);
    be = xt_backend();
    if (!be || find_pool(be, argv[optind], &poolid))
        goto out;
    if (!xt_dryrun &&
        (rename ? be->ops->pool_rename(be, poolid, argv[optind + 1], err)
                : be->ops->pool_destroy(be, poolid, err))) {
        fprintf(stderr, "Can't %s cpupool '%s': %s\n",
                rename ? "rename" : "destroy", argv[optind], err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

int main_cpupool_destroy(int argc, char **argv)
{
    return pool_change(argc, argv, "cpupool-destroy", 0);
}

int main_cpupool_rename(int argc, char **argv)
{
    return pool_change(argc, argv, "cpupool-rename", 1);
}

/* "node:N": the cpus of NUMA node N that are free (add) or the pool's
 * (remove), as libxl_cpupool_cpuadd_node and _cpuremove_node take them. */
static int node_select(struct be *be, const char *cmd, const char *spec,
                       uint32_t poolid, int add, libxl_bitmap *cpus)
{
    libxl_cpupoolinfo *pools = NULL;
    struct be_topology t;
    char err[XT_ERRLEN];
    long node;
    int n = 0, i, c, in, found = 0, rc = -1;

    memset(&t, 0, sizeof(t));
    if (xt_parse_long(spec, 0, 255, &node)) {
        xt_err("%s: invalid node 'node:%s'", cmd, spec);
        return -1;
    }
    if (be->ops->topology(be, &t, err) || xt_pool_list(be, &pools, &n)) {
        if (!pools)
            xt_err("%s: %s", cmd, err);
        goto out;
    }
    for (c = 0; c < t.ncpus && c < (int)cpus->size * 8; c++) {
        if (t.cpus[c].node != (uint32_t)node)
            continue;
        for (in = -1, i = 0; i < n; i++)
            if (libxl_bitmap_test(&pools[i].cpumap, c))
                in = i;
        if (add ? in < 0 : in >= 0 && pools[in].poolid == poolid) {
            libxl_bitmap_set(cpus, c);
            found++;
        }
    }
    if (!found)
        xt_err("%s: node %ld has no cpu %s", cmd, node,
               add ? "that is free" : "in this pool");
    rc = found ? 0 : -1;
out:
    core_topology_dispose(&t);
    if (pools)
        libxl_cpupoolinfo_list_free(pools, n);
    return rc;
}

/* cpupool-cpu-add and -remove: "<CPU Pool> <CPU nr>|node:<node nr>",
 * where the cpus may be a range list as vcpu-pin takes. */
static int pool_cpus(int argc, char **argv, const char *cmd, int add)
{
    libxl_physinfo phys;
    libxl_bitmap cpus;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t poolid;
    int opt, rc = EXIT_FAIL;

    libxl_physinfo_init(&phys);
    libxl_bitmap_init(&cpus);
    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 2) {
    }
    xt_check_max_args(argc, argv, 2, cmd);
    be = xt_backend();
    if (!be || be->ops->host_info(be, &phys, NULL, err) ||
        xt_cpumap_alloc(&cpus, phys.nr_cpus))
        goto fail;
    if (find_pool(be, argv[optind], &poolid))
        goto out;
    if (!strncmp(argv[optind + 1], "node:", 5)) {
        if (node_select(be, cmd, argv[optind + 1] + 5, poolid, add, &cpus))
            goto out;
    } else if (xt_parse_cpus(argv[optind + 1], &cpus, phys.nr_cpus)) {
        xt_err("%s: invalid cpu list '%s' (host has %d cpus)", cmd,
               argv[optind + 1], phys.nr_cpus);
        goto out;
    }
    if (!xt_dryrun && be->ops->pool_cpus(be, poolid, &cpus, add, err))
        goto fail;
    rc = EXIT_OK;
    goto out;
fail:
    if (be)
        xt_err("%s: %s", cmd, err);
out:
    libxl_bitmap_dispose(&cpus);
    libxl_physinfo_dispose(&phys);
    core_close(be);
    return rc;
}

int main_cpupool_cpu_add(int argc, char **argv)
{
    return pool_cpus(argc, argv, "cpupool-cpu-add", 1);
}

int main_cpupool_cpu_remove(int argc, char **argv)
{
    return pool_cpus(argc, argv, "cpupool-cpu-remove", 0);
}

int main_cpupool_migrate(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t poolid, domid;
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "cpupool-migrate", 2) {
    }
    xt_check_max_args(argc, argv, 2, "cpupool-migrate");
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid) ||
        find_pool(be, argv[optind + 1], &poolid))
        goto out;
    if (!xt_dryrun && be->ops->pool_move(be, poolid, domid, err)) {
        xt_err("cpupool-migrate: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

int xt_pool_list(struct be *be, libxl_cpupoolinfo **list_r, int *n_r)
{
    char err[XT_ERRLEN];

    *list_r = NULL;
    *n_r = 0;
    if (be->ops->pool_list(be, list_r, n_r, err)) {
        xt_err("%s", err);
        return -1;
    }
    return 0;
}

int xt_cpumap_alloc(libxl_bitmap *map, int ncpus)
{
    libxl_bitmap_init(map);
    map->size = (ncpus + 7) / 8;
    map->map = calloc(map->size ? map->size : 1, 1);
    if (!map->map) {
        xt_err("out of memory");
        return -1;
    }
    return 0;
}

/* The cpus of node in the topology, into map (allocated for ncpus). */
static int node_cpus(const struct be_topology *t, uint32_t node,
                     libxl_bitmap *map)
{
    int c, n = 0;

    for (c = 0; c < t->ncpus; c++)
        if (t->cpus[c].node == node) {
            libxl_bitmap_set(map, c);
            n++;
        }
    return n;
}

/* Moves the cpus of every node but the first out of Pool-0 into a pool
 * Pool-nodeN of the same scheduler, and renames Pool-0 Pool-nodeM after
 * its node, as xl does; a host with pools besides Pool-0 is refused. */
static int numa_split(struct be *be, const libxl_cpupoolinfo *pool0,
                      const struct be_topology *t)
{
    libxl_bitmap cpus;
    char err[XT_ERRLEN], name[32];
    uint32_t first = t->cpus[0].node, node, poolid;
    int done, rc = -1;

    libxl_bitmap_init(&cpus);
    for (node = 0; node <= 255; node++) {
        if (node == first)
            continue;
        libxl_bitmap_dispose(&cpus);
        if (xt_cpumap_alloc(&cpus, t->ncpus))
            goto out;
        if (!node_cpus(t, node, &cpus))
            continue;
        snprintf(name, sizeof(name), "Pool-node%u", node);
        if (be->ops->pool_cpus(be, pool0->poolid, &cpus, 0, err) ||
            be->ops->pool_create(be, name, pool0->sched, &cpus, &poolid,
                                 err)) {
            xt_err("cpupool-numa-split: %s", err);
            goto out;
        }
    }
    snprintf(name, sizeof(name), "Pool-node%u", first);
    done = strcmp(pool0->pool_name, name) == 0;
    if (!done && be->ops->pool_rename(be, pool0->poolid, name, err)) {
        xt_err("cpupool-numa-split: %s", err);
        goto out;
    }
    rc = 0;
out:
    libxl_bitmap_dispose(&cpus);
    return rc;
}

int main_cpupool_numa_split(int argc, char **argv)
{
    libxl_cpupoolinfo *pools = NULL;
    struct be_topology t;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int opt, n = 0, rc = EXIT_FAIL;

    memset(&t, 0, sizeof(t));
    SWITCH_FOREACH_OPT(opt, "", NULL, "cpupool-numa-split", 0) {
    }
    xt_check_max_args(argc, argv, 0, "cpupool-numa-split");
    be = xt_backend();
    if (!be || xt_pool_list(be, &pools, &n))
        goto out;
    if (n > 1) {
        fprintf(stderr, "splitting not possible, already cpupools in use\n");
        goto out;
    }
    if (be->ops->topology(be, &t, err) || !t.ncpus) {
        xt_err("cpupool-numa-split: %s", t.ncpus ? err : "no cpu topology");
        goto out;
    }
    if (!xt_dryrun && numa_split(be, &pools[0], &t))
        goto out;
    rc = EXIT_OK;
out:
    core_topology_dispose(&t);
    if (pools)
        libxl_cpupoolinfo_list_free(pools, n);
    core_close(be);
    return rc;
}
