/*
 * sched.c - sched-credit, sched-credit2 and sched-rtds: the credit
 * schedulers' per-domain weight and cap and their per-pool parameters,
 * and RTDS's period, budget and extratime per domain or per vcpu, listed
 * and set in xl's formats ("Cpupool NAME: ..." then a table for each
 * pool that runs the scheduler).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "xltool.h"

/* What a command line asked of sched-credit or sched-credit2. */
struct sched_req {
    const char *cmd;
    libxl_scheduler sched;
    const char *dom, *pool;
    int opt_s;
    long weight, cap;               /* -1: not given */
    long tslice, ratelimit, delay;  /* -1: not given */
};

static void pool_line(struct be *be, const struct sched_req *r,
                      uint32_t poolid, const char *name)
{
    libxl_sched_credit_params c;
    libxl_sched_credit2_params c2;
    char err[XT_ERRLEN];

    if (r->sched == LIBXL_SCHEDULER_CREDIT &&
        !be->ops->credit_get(be, poolid, &c, err))
        printf("Cpupool %s: tslice=%dms ratelimit=%dus "
               "migration-delay=%dus\n", name, c.tslice_ms, c.ratelimit_us,
               c.vcpu_migr_delay_us);
    else if (r->sched == LIBXL_SCHEDULER_CREDIT2 &&
             !be->ops->credit2_get(be, poolid, &c2, err))
        printf("Cpupool %s: ratelimit=%dus\n", name, c2.ratelimit_us);
    else
        printf("Cpupool %s: [sched params unavailable]\n", name);
}

static void dom_header(void)
{
    printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

/* One row of the table; fails when the domain runs another scheduler. */
static int dom_row(struct be *be, const struct sched_req *r,
                   const struct be_dominfo *d)
{
    libxl_domain_sched_params p;
    char err[XT_ERRLEN];
    int rc = -1;

    libxl_domain_sched_params_init(&p);
    if (be->ops->sched_get(be, d->domid, &p, err)) {
        xt_err("%s: %s", r->cmd, err);
        goto out;
    }
    if (p.sched != r->sched) {
        xt_err("%s: domain %s runs under %s, not %s", r->cmd, d->name,
               libxl_scheduler_to_string(p.sched),
               libxl_scheduler_to_string(r->sched));
        goto out;
    }
    printf("%-33s %4u %6d %4d\n", d->name, d->domid, p.weight, p.cap);
    rc = 0;
out:
    libxl_domain_sched_params_dispose(&p);
    return rc;
}

/* What a pool listing prints: a pool's heading, and one domain's rows. */
typedef void (*pool_head_fn)(struct be *be, const void *r,
                             const libxl_cpupoolinfo *pool);
typedef int (*dom_rows_fn)(struct be *be, const void *r,
                           const struct be_dominfo *d);

/*
 * Every pool that runs sched (or only the pool named pool), its heading
 * and then the rows of each of its domains; cmd prefixes the errors.
 */
static int list_pools(struct be *be, const char *cmd, libxl_scheduler sched,
                      const char *pool, pool_head_fn head, dom_rows_fn rows,
                      const void *r)
{
    libxl_cpupoolinfo *pools = NULL;
    struct be_dominfo *doms = NULL;
    char err[XT_ERRLEN];
    uint32_t only = 0;
    int np = 0, nd = 0, p, i, rc = EXIT_FAIL;

    if (pool ? xt_find_pool(be, pool, &pools, &np, &only)
             : xt_pool_list(be, &pools, &np))
        goto out;
    if (be->ops->list(be, &doms, &nd, err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    for (p = 0; p < np; p++) {
        if (pools[p].sched != sched || (pool && pools[p].poolid != only))
            continue;
        head(be, r, &pools[p]);
        for (i = 0; i < nd; i++)
            if (doms[i].cpupool == pools[p].poolid && rows(be, r, &doms[i]))
                goto out;
    }
    rc = EXIT_OK;
out:
    core_dominfo_list_free(doms, nd);
    if (pools)
        libxl_cpupoolinfo_list_free(pools, np);
    return rc;
}

static void credit_pool_head(struct be *be, const void *r,
                             const libxl_cpupoolinfo *pool)
{
    pool_line(be, r, pool->poolid, pool->pool_name);
    dom_header();
}

static int credit_dom_rows(struct be *be, const void *r,
                           const struct be_dominfo *d)
{
    return dom_row(be, r, d);
}

/* Every pool that runs the scheduler (or only r->pool), with its
 * domains. */
static int list_all(struct be *be, const struct sched_req *r)
{
    return list_pools(be, r->cmd, r->sched, r->pool, credit_pool_head,
                      credit_dom_rows, r);
}

static int one_domain(struct be *be, const struct sched_req *r)
{
    libxl_domain_sched_params p;
    struct be_dominfo *doms = NULL;
    char err[XT_ERRLEN];
    uint32_t domid;
    int nd = 0, rc = EXIT_FAIL;

    libxl_domain_sched_params_init(&p);
    if (xt_find_domain(be, r->dom, &domid))
        goto out;
    if (r->weight < 0 && r->cap < 0) {
        if (be->ops->list(be, &doms, &nd, err)) {
            xt_err("%s: %s", r->cmd, err);
            goto out;
        }
        dom_header();
        if (dom_row(be, r, core_dominfo_find(doms, nd, domid)))
            goto out;
        rc = EXIT_OK;
        goto out;
    }
    p.sched = r->sched;
    if (r->weight >= 0)
        p.weight = r->weight;
    if (r->cap >= 0)
        p.cap = r->cap;
    if (!xt_dryrun && be->ops->sched_set(be, domid, &p, err)) {
        xt_err("%s: %s", r->cmd, err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_dominfo_list_free(doms, nd);
    libxl_domain_sched_params_dispose(&p);
    return rc;
}

static int set_params(struct be *be, const struct sched_req *r,
                      uint32_t poolid, char *err)
{
    libxl_sched_credit_params c;
    libxl_sched_credit2_params c2;

    if (r->sched == LIBXL_SCHEDULER_CREDIT2) {
        c2.ratelimit_us = r->ratelimit;
        return xt_dryrun ? 0 : be->ops->credit2_set(be, poolid, &c2, err);
    }
    if (be->ops->credit_get(be, poolid, &c, err))
        return -1;
    if (r->tslice >= 0)
        c.tslice_ms = r->tslice;
    if (r->ratelimit >= 0)
        c.ratelimit_us = r->ratelimit;
    if (r->delay >= 0)
        c.vcpu_migr_delay_us = r->delay;
    return xt_dryrun ? 0 : be->ops->credit_set(be, poolid, &c, err);
}

/* -s: the pool's parameters (Pool-0's unless -p), shown or set. */
static int pool_params(struct be *be, const struct sched_req *r)
{
    libxl_cpupoolinfo *pools = NULL;
    char err[XT_ERRLEN];
    uint32_t poolid = 0;
    int np = 0, i, rc = EXIT_FAIL;

    if (r->pool ? xt_find_pool(be, r->pool, &pools, &np, &poolid)
                : xt_pool_list(be, &pools, &np))
        goto out;
    if (r->tslice < 0 && r->ratelimit < 0 && r->delay < 0) {
        for (i = 0; i < np; i++)
            if (pools[i].poolid == poolid)
                pool_line(be, r, poolid, pools[i].pool_name);
        rc = EXIT_OK;
        goto out;
    }
    if (set_params(be, r, poolid, err)) {
        xt_err("%s: %s", r->cmd, err);
        goto out;
    }
    rc = EXIT_OK;
out:
    if (pools)
        libxl_cpupoolinfo_list_free(pools, np);
    return rc;
}

/* xl's combinations of options, with xl's words for the wrong ones. */
static int check_request(const struct sched_req *r)
{
    if ((r->pool || r->opt_s) && (r->dom || r->weight >= 0 || r->cap >= 0)) {
        fprintf(stderr, "Specifying a cpupool or schedparam is not "
                "allowed with domain options.\n");
        return -1;
    }
    if (!r->dom && (r->weight >= 0 || r->cap >= 0)) {
        fprintf(stderr, "Must specify a domain.\n");
        return -1;
    }
    if (!r->opt_s && (r->tslice >= 0 || r->ratelimit >= 0 || r->delay >= 0)) {
        fprintf(stderr, "Must specify schedparam to set schedule "
                "parameter values.\n");
        return -1;
    }
    return 0;
}

static int parse_num(const struct sched_req *r, const char *what,
                     const char *s, long *v)
{
    if (xt_parse_long(s, 0, 0x7fffffff, v)) {
        xt_err("%s: invalid %s '%s'", r->cmd, what, s);
        return -1;
    }
    return 0;
}

static int sched_main(int argc, char **argv, struct sched_req *r,
                      const char *opts)
{
    static const struct option longopts[] = {
        {"domain", required_argument, NULL, 'd'},
        {"weight", required_argument, NULL, 'w'},
        {"cap", required_argument, NULL, 'c'},
        {"schedparam", no_argument, NULL, 's'},
        {"tslice_ms", required_argument, NULL, 't'},
        {"ratelimit_us", required_argument, NULL, 'r'},
        {"migration_delay_us", required_argument, NULL, 'm'},
        {"cpupool", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct be *be = NULL;
    int opt, bad = 0, rc = EXIT_FAIL;

    r->weight = r->cap = r->tslice = r->ratelimit = r->delay = -1;
    SWITCH_FOREACH_OPT(opt, opts, longopts, r->cmd, 0) {
    case 'd': r->dom = optarg; break;
    case 'p': r->pool = optarg; break;
    case 's': r->opt_s = 1; break;
    case 'w': bad |= parse_num(r, "weight", optarg, &r->weight); break;
    case 'c': bad |= parse_num(r, "cap", optarg, &r->cap); break;
    case 't': bad |= parse_num(r, "tslice", optarg, &r->tslice); break;
    case 'r': bad |= parse_num(r, "ratelimit", optarg, &r->ratelimit); break;
    case 'm': bad |= parse_num(r, "delay", optarg, &r->delay); break;
    }
    xt_check_max_args(argc, argv, 0, r->cmd);
    /* The long options are shared: credit2 has no time slice and no
     * migration delay. */
    if (r->sched == LIBXL_SCHEDULER_CREDIT2 &&
        (r->tslice >= 0 || r->delay >= 0)) {
        xt_err("%s: credit2 has no time slice or migration delay", r->cmd);
        return EXIT_USAGE;
    }
    if (bad)
        return EXIT_USAGE;
    if (check_request(r))
        return EXIT_FAIL;
    be = xt_backend();
    if (!be)
        return EXIT_FAIL;
    if (r->opt_s)
        rc = pool_params(be, r);
    else if (!r->dom)
        rc = list_all(be, r);
    else
        rc = one_domain(be, r);
    core_close(be);
    return rc;
}

int main_sched_credit(int argc, char **argv)
{
    struct sched_req r = {.cmd = "sched-credit",
                          .sched = LIBXL_SCHEDULER_CREDIT};

    return sched_main(argc, argv, &r, "d:w:c:p:t:r:m:s");
}

int main_sched_credit2(int argc, char **argv)
{
    struct sched_req r = {.cmd = "sched-credit2",
                          .sched = LIBXL_SCHEDULER_CREDIT2};

    return sched_main(argc, argv, &r, "d:w:c:p:r:s");
}

/* ---- sched-rtds ------------------------------------------------------ */

#define RT_ARGS 64

/* What sched-rtds was asked: -v vcpus, and as many -p, -b, -e. */
struct rt_req {
    const char *dom, *pool;
    int all;
    int nv, np, nb, ne;
    int v[RT_ARGS], p[RT_ARGS], b[RT_ARGS], e[RT_ARGS];
};

static void rt_dom_header(void)
{
    printf("%-33s %4s %9s %9s %10s\n", "Name", "ID", "Period", "Budget",
           "Extratime");
}

static void rt_vcpu_header(void)
{
    printf("%-33s %4s %4s %9s %9s %10s\n", "Name", "ID", "VCPU", "Period",
           "Budget", "Extratime");
}

static int rt_dom_row(struct be *be, const struct be_dominfo *d)
{
    libxl_domain_sched_params p;
    char err[XT_ERRLEN];
    int rc = -1;

    libxl_domain_sched_params_init(&p);
    if (be->ops->sched_get(be, d->domid, &p, err))
        xt_err("sched-rtds: %s", err);
    else if (p.sched != LIBXL_SCHEDULER_RTDS)
        xt_err("sched-rtds: domain %s runs under %s, not rtds", d->name,
               libxl_scheduler_to_string(p.sched));
    else {
        printf("%-33s %4u %9d %9d %10s\n", d->name, d->domid, p.period,
               p.budget, p.extratime ? "yes" : "no");
        rc = 0;
    }
    libxl_domain_sched_params_dispose(&p);
    return rc;
}

/* The vcpus r names (all when none) of one domain. */
static int rt_vcpu_rows(struct be *be, const struct be_dominfo *d,
                        const struct rt_req *r)
{
    libxl_vcpu_sched_params vp;
    char err[XT_ERRLEN];
    int i, rc = -1;

    libxl_vcpu_sched_params_init(&vp);
    if (r && r->nv) {
        vp.vcpus = calloc(r->nv, sizeof(*vp.vcpus));
        if (!vp.vcpus)
            goto out;
        vp.num_vcpus = r->nv;
        for (i = 0; i < r->nv; i++)
            vp.vcpus[i].vcpuid = r->v[i];
    }
    if (be->ops->vcpu_sched_get(be, d->domid, &vp, err)) {
        xt_err("sched-rtds: %s", err);
        goto out;
    }
    for (i = 0; i < vp.num_vcpus; i++)
        printf("%-33s %4u %4d %9u %9u %10s\n", d->name, d->domid,
               vp.vcpus[i].vcpuid, (unsigned)vp.vcpus[i].period,
               (unsigned)vp.vcpus[i].budget,
               vp.vcpus[i].extratime ? "yes" : "no");
    rc = 0;
out:
    libxl_vcpu_sched_params_dispose(&vp);
    return rc;
}

static void rt_pool_head(struct be *be, const void *arg,
                         const libxl_cpupoolinfo *pool)
{
    const struct rt_req *r = arg;

    (void)be;
    printf("Cpupool %s: sched=RTDS\n", pool->pool_name);
    r->all ? rt_vcpu_header() : rt_dom_header();
}

static int rt_pool_rows(struct be *be, const void *arg,
                        const struct be_dominfo *d)
{
    const struct rt_req *r = arg;

    return r->all ? rt_vcpu_rows(be, d, NULL) : rt_dom_row(be, d);
}

/* Every RTDS pool (or r->pool) with its domains or their vcpus. */
static int rt_list_all(struct be *be, const struct rt_req *r)
{
    return list_pools(be, "sched-rtds", LIBXL_SCHEDULER_RTDS, r->pool,
                      rt_pool_head, rt_pool_rows, r);
}

static int rt_set(struct be *be, uint32_t domid, const struct rt_req *r)
{
    libxl_vcpu_sched_params vp;
    char err[XT_ERRLEN];
    int i, n = r->all ? 1 : r->nv, rc = EXIT_FAIL;

    libxl_vcpu_sched_params_init(&vp);
    vp.sched = LIBXL_SCHEDULER_RTDS;
    vp.vcpus = calloc(n, sizeof(*vp.vcpus));
    if (!vp.vcpus)
        goto out;
    vp.num_vcpus = n;
    for (i = 0; i < n; i++) {
        libxl_sched_params_init(&vp.vcpus[i]);
        vp.vcpus[i].vcpuid = r->all ? 0 : r->v[i];
        vp.vcpus[i].period = r->p[i];
        vp.vcpus[i].budget = r->b[i];
        vp.vcpus[i].extratime = r->e[i];
    }
    if (!xt_dryrun && be->ops->vcpu_sched_set(be, domid, &vp, r->all, err)) {
        xt_err("sched-rtds: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    libxl_vcpu_sched_params_dispose(&vp);
    return rc;
}

/* xl's combinations, with xl's words for the wrong ones. */
static int rt_check(const struct rt_req *r)
{
    const char *why = NULL;
    int given = r->np || r->nb || r->ne;

    if (r->pool && (r->dom || given || r->nv || r->all))
        why = "Specifying a cpupool is not allowed with other options.";
    else if (!r->dom && (given || r->nv))
        why = "Missing parameters.";
    else if (r->dom && !r->nv && !r->all && given)
        why = "Must specify VCPU.";
    else if (r->nv && r->all)
        why = "Incorrect VCPU IDs.";
    else if (r->np != r->nb || r->np != r->ne ||
             (given && !r->all && r->nv != r->np))
        why = "Incorrect number of period, budget and extratime";
    if (why)
        fprintf(stderr, "%s\n", why);
    return why ? -1 : 0;
}

static int rt_num(const char *what, const char *s, long max, int *list,
                  int *n)
{
    long v;

    if (*n >= RT_ARGS || xt_parse_long(s, 0, max, &v)) {
        xt_err("sched-rtds: invalid %s '%s'", what, s);
        return -1;
    }
    list[(*n)++] = (int)v;
    return 0;
}

static int rt_run(struct be *be, const struct rt_req *r)
{
    struct be_dominfo *doms = NULL;
    char err[XT_ERRLEN];
    uint32_t domid;
    int nd = 0, rc = EXIT_FAIL;

    if (!r->dom)
        return rt_list_all(be, r);
    if (xt_find_domain(be, r->dom, &domid))
        return EXIT_FAIL;
    if (r->np)
        return rt_set(be, domid, r);
    if (be->ops->list(be, &doms, &nd, err)) {
        xt_err("sched-rtds: %s", err);
        return EXIT_FAIL;
    }
    if (!r->nv && !r->all) {
        rt_dom_header();
        rc = rt_dom_row(be, core_dominfo_find(doms, nd, domid)) ? EXIT_FAIL
                                                               : EXIT_OK;
    } else {
        rt_vcpu_header();
        rc = rt_vcpu_rows(be, core_dominfo_find(doms, nd, domid), r)
             ? EXIT_FAIL : EXIT_OK;
    }
    core_dominfo_list_free(doms, nd);
    return rc;
}

int main_sched_rtds(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"domain", required_argument, NULL, 'd'},
        {"period", required_argument, NULL, 'p'},
        {"budget", required_argument, NULL, 'b'},
        {"extratime", required_argument, NULL, 'e'},
        {"vcpuid", required_argument, NULL, 'v'},
        {"cpupool", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct rt_req *r = calloc(1, sizeof(*r));
    struct be *be = NULL;
    int opt, bad = 0, rc = EXIT_FAIL;

    if (!r)
        return EXIT_FAIL;
    SWITCH_FOREACH_OPT(opt, "d:p:b:e:v:c:", longopts, "sched-rtds", 0) {
    case 'd': r->dom = optarg; break;
    case 'c': r->pool = optarg; break;
    case 'p': bad |= rt_num("period", optarg, 0x7fffffff, r->p, &r->np);
              break;
    case 'b': bad |= rt_num("budget", optarg, 0x7fffffff, r->b, &r->nb);
              break;
    case 'e': bad |= rt_num("extratime", optarg, 1, r->e, &r->ne); break;
    case 'v':
        if (!strcmp(optarg, "all"))
            r->all = 1;
        else
            bad |= rt_num("vcpu", optarg, 4095, r->v, &r->nv);
        break;
    }
    xt_check_max_args(argc, argv, 0, "sched-rtds");
    if (bad) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (rt_check(r))
        goto out;
    be = xt_backend();
    if (be)
        rc = rt_run(be, r);
out:
    core_close(be);
    free(r);
    return rc;
}
