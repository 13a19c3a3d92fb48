/*
 * sim_sched.c - the simulated hypervisor's cpupools and schedulers.
 *
 * The pools live in DIR/cpupools, one line a pool:
 *
 *   ID NAME SCHED TSLICE_MS RATELIMIT_US MIGR_DELAY_US CREDIT2_RATELIMIT_US
 *   CPUS
 *
 * (on one line; SCHED is libxl's name of the scheduler, CPUS a comma
 * list or "-").  Without the file the host has Pool-0 alone, with every
 * cpu, under credit2, as Xen 4.17 boots.  A domain's pool, weight and cap
 * are in its record.  Every change is made under the state dir's lock and
 * checked the way Xen and libxl check it, so that a refused change leaves
 * everything as it was.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "sim.h"
#include "sim_ops.h"

#define POOL_MAX        64
#define RT_PERIOD       10000       /* RTDS's defaults, microseconds */
#define RT_BUDGET       4000
#define RT_MIN          10          /* Xen's least period and budget */
#define POOL_NAME_MAX   64
#define POOL_CPUS_MAX   1024

struct pool {
    uint32_t id;
    char name[POOL_NAME_MAX];
    libxl_scheduler sched;
    int tslice_ms, ratelimit_us, migr_delay_us;   /* credit */
    int c2_ratelimit_us;                          /* credit2 */
    uint64_t cpus[POOL_CPUS_MAX / 64];
};

struct pools {
    struct pool p[POOL_MAX];
    int n;
};

static unsigned int host_cpus(void)
{
    unsigned int n = sim_host_cpus();

    return n > POOL_CPUS_MAX ? POOL_CPUS_MAX : n;
}

static int cpu_test(const uint64_t *m, unsigned int c)
{
    return (m[c / 64] >> (c % 64)) & 1;
}

static void cpu_set(uint64_t *m, unsigned int c, int on)
{
    if (on)
        m[c / 64] |= 1ull << (c % 64);
    else
        m[c / 64] &= ~(1ull << (c % 64));
}

static void pool_defaults(struct pool *p)
{
    p->tslice_ms = 30;
    p->ratelimit_us = 1000;
    p->migr_delay_us = 0;
    p->c2_ratelimit_us = 1000;
}

static int pools_path(const struct sim *s, char *buf, size_t len, char *err)
{
    if (snprintf(buf, len, "%s/cpupools", s->dir) >= (int)len)
        return sim_err(err, "state dir path too long"), -1;
    return 0;
}

/* "0,2,5" or "-" into p->cpus. */
static int cpus_parse(char *list, struct pool *p)
{
    char *tok, *save = NULL, *end;
    unsigned long c;

    if (!strcmp(list, "-"))
        return 0;
    for (tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        errno = 0;
        c = strtoul(tok, &end, 10);
        if (errno || end == tok || *end || c >= POOL_CPUS_MAX)
            return -1;
        cpu_set(p->cpus, c, 1);
    }
    return 0;
}

static int pool_parse(char *line, struct pool *p)
{
    char name[POOL_NAME_MAX + 1], sched[32], cpus[8192];
    int n;

    memset(p, 0, sizeof(*p));
    if (sscanf(line, "%" SCNu32 " %64s %31s %d %d %d %d %8191s%n", &p->id,
               name, sched, &p->tslice_ms, &p->ratelimit_us,
               &p->migr_delay_us, &p->c2_ratelimit_us, cpus, &n) != 8 ||
        strlen(name) >= POOL_NAME_MAX ||
        libxl_scheduler_from_string(sched, &p->sched))
        return -1;
    memcpy(p->name, name, strlen(name) + 1);
    return cpus_parse(cpus, p);
}

static int pools_load(const struct sim *s, struct pools *ps, char *err)
{
    char path[PATH_MAX], line[9000];
    unsigned int c, ncpus = host_cpus();
    FILE *f;
    int rc = 0;

    memset(ps, 0, sizeof(*ps));
    if (pools_path(s, path, sizeof(path), err))
        return -1;
    f = fopen(path, "re");
    if (!f && errno != ENOENT)
        return sim_err(err, "cannot read %s: %s", path, strerror(errno)),
               -1;
    if (!f) {
        strcpy(ps->p[0].name, "Pool-0");
        ps->p[0].sched = LIBXL_SCHEDULER_CREDIT2;
        pool_defaults(&ps->p[0]);
        for (c = 0; c < ncpus; c++)
            cpu_set(ps->p[0].cpus, c, 1);
        ps->n = 1;
        return 0;
    }
    while (!rc && fgets(line, sizeof(line), f))
        if (ps->n >= POOL_MAX || pool_parse(line, &ps->p[ps->n++]))
            rc = -1;
    fclose(f);
    if (rc || !ps->n)
        return sim_err(err, "damaged cpupool record %s", path), -1;
    return 0;
}

static int cpus_print(char *buf, size_t len, const struct pool *p)
{
    size_t used = 0;
    unsigned int c;
    int n;

    buf[0] = '\0';
    for (c = 0; c < POOL_CPUS_MAX; c++) {
        if (!cpu_test(p->cpus, c))
            continue;
        n = snprintf(buf + used, len - used, "%s%u", used ? "," : "", c);
        if (n < 0 || (size_t)n >= len - used)
            return -1;
        used += n;
    }
    if (!used)
        snprintf(buf, len, "-");
    return 0;
}

static int pools_store(const struct sim *s, const struct pools *ps,
                       char *err)
{
    char path[PATH_MAX], cpus[8192], *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int i, rc = -1;

    if (!f)
        return sim_err(err, "out of memory"), -1;
    for (i = 0; i < ps->n; i++) {
        const struct pool *p = &ps->p[i];
        if (cpus_print(cpus, sizeof(cpus), p))
            break;
        fprintf(f, "%u %s %s %d %d %d %d %s\n", p->id, p->name,
                libxl_scheduler_to_string(p->sched), p->tslice_ms,
                p->ratelimit_us, p->migr_delay_us, p->c2_ratelimit_us, cpus);
    }
    if (fclose(f) || i < ps->n)
        sim_err(err, "out of memory");
    else if (!pools_path(s, path, sizeof(path), err))
        rc = sim_write_text(path, text, err);
    free(text);
    return rc;
}

static struct pool *pool_find(struct pools *ps, uint32_t id, char *err)
{
    int i;

    for (i = 0; i < ps->n; i++)
        if (ps->p[i].id == id)
            return &ps->p[i];
    sim_err(err, "cpupool %u does not exist", id);
    return NULL;
}

/* How many domains run in pool id; Domain-0 stays in Pool-0. */
static int pool_ndom(const struct sim *s, uint32_t id)
{
    char err[XT_ERRLEN];
    uint32_t *ids = NULL;
    struct sim_dom d;
    int n = 0, i, count = id == 0;

    if (sim_domids(s, &ids, &n, err))
        return count;
    for (i = 0; i < n; i++)
        if (sim_info_read(s, ids[i], &d, err) == 0 && d.pool == id)
            count++;
    free(ids);
    return count;
}

static int cpus_count(const uint64_t *m)
{
    unsigned int c;
    int n = 0;

    for (c = 0; c < POOL_CPUS_MAX; c++)
        n += cpu_test(m, c);
    return n;
}

static int to_cpupoolinfo(const struct sim *s, const struct pool *p,
                          libxl_cpupoolinfo *info)
{
    unsigned int c, ncpus = host_cpus();

    info->poolid = p->id;
    info->sched = p->sched;
    info->n_dom = pool_ndom(s, p->id);
    info->pool_name = strdup(p->name);
    info->cpumap.size = (ncpus + 7) / 8;
    info->cpumap.map = calloc(info->cpumap.size, 1);
    if (!info->pool_name || !info->cpumap.map)
        return -1;
    for (c = 0; c < ncpus; c++)
        if (cpu_test(p->cpus, c))
            libxl_bitmap_set(&info->cpumap, c);
    return 0;
}

int sim_pool_list(struct be *be, libxl_cpupoolinfo **list_r, int *n_r,
                  char *err)
{
    struct sim *s = (struct sim *)be;
    libxl_cpupoolinfo *l = NULL;
    struct pools ps;
    int i;

    if (pools_load(s, &ps, err))
        return -1;
    l = calloc(ps.n, sizeof(*l));
    if (!l)
        return sim_err(err, "out of memory"), -1;
    for (i = 0; i < ps.n; i++) {
        libxl_cpupoolinfo_init(&l[i]);
        if (to_cpupoolinfo(s, &ps.p[i], &l[i])) {
            libxl_cpupoolinfo_list_free(l, i + 1);
            return sim_err(err, "out of memory"), -1;
        }
    }
    *list_r = l;
    *n_r = ps.n;
    return 0;
}

/* The cpu that cpus sets and that no pool of ps has, or -1 when each
 * is free; a cpu the host lacks is never free. */
static int first_busy(const struct pools *ps, const libxl_bitmap *cpus)
{
    unsigned int c, ncpus = host_cpus();
    int i;

    for (c = 0; c < cpus->size * 8u; c++) {
        if (!libxl_bitmap_test(cpus, c))
            continue;
        if (c >= ncpus)
            return c;
        for (i = 0; i < ps->n; i++)
            if (cpu_test(ps->p[i].cpus, c))
                return c;
    }
    return -1;
}

static int name_ok(const struct pools *ps, const char *name, char *err)
{
    int i;

    if (!*name || strlen(name) >= POOL_NAME_MAX || strpbrk(name, " \t\n"))
        return sim_err(err, "bad cpupool name \"%s\"", name), -1;
    for (i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i].name, name))
            return sim_err(err, "Pool name \"%s\" already exists", name),
                   -1;
    return 0;
}

static uint32_t pool_new_id(const struct pools *ps)
{
    uint32_t id = 1;
    int i;

again:
    for (i = 0; i < ps->n; i++)
        if (ps->p[i].id == id) {
            id++;
            goto again;
        }
    return id;
}

int sim_pool_create(struct be *be, const char *name, libxl_scheduler sched,
                    const libxl_bitmap *cpus, uint32_t *poolid_r, char *err)
{
    struct sim *s = (struct sim *)be;
    struct pools ps;
    struct pool *p;
    unsigned int c;
    int lk = -1, rc = -1, busy;

    if (sched != LIBXL_SCHEDULER_CREDIT && sched != LIBXL_SCHEDULER_CREDIT2 &&
        sched != LIBXL_SCHEDULER_RTDS && sched != LIBXL_SCHEDULER_NULL)
        return sim_err(err, "scheduler %s is not available",
                       libxl_scheduler_to_string(sched)), -1;
    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        name_ok(&ps, name, err))
        goto out;
    if ((busy = first_busy(&ps, cpus)) >= 0) {
        sim_err(err, "cpu %d illegal or not free", busy);
        goto out;
    }
    if (ps.n >= POOL_MAX) {
        sim_err(err, "no room for another cpupool");
        goto out;
    }
    p = &ps.p[ps.n];
    memset(p, 0, sizeof(*p));
    p->id = pool_new_id(&ps);
    ps.n++;
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->sched = sched;
    pool_defaults(p);
    for (c = 0; c < cpus->size * 8u && c < POOL_CPUS_MAX; c++)
        if (libxl_bitmap_test(cpus, c))
            cpu_set(p->cpus, c, 1);
    if (pools_store(s, &ps, err))
        goto out;
    *poolid_r = p->id;
    sim_log(s, "cpupool %u (%s) created", p->id, p->name);
    rc = 0;
out:
    sim_unlock(lk);
    return rc;
}

int sim_pool_destroy(struct be *be, uint32_t poolid, char *err)
{
    struct sim *s = (struct sim *)be;
    struct pools ps;
    struct pool *p;
    int lk = -1, rc = -1;

    if (poolid == 0)
        return sim_err(err, "Pool-0 cannot be destroyed"), -1;
    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        !(p = pool_find(&ps, poolid, err)))
        goto out;
    if (pool_ndom(s, poolid)) {
        sim_err(err, "cpupool %s still has domains", p->name);
        goto out;
    }
    memmove(p, p + 1, (ps.p + --ps.n - p) * sizeof(*p));
    rc = pools_store(s, &ps, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_pool_rename(struct be *be, uint32_t poolid, const char *name,
                    char *err)
{
    struct sim *s = (struct sim *)be;
    struct pools ps;
    struct pool *p;
    int lk = -1, rc = -1;

    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        !(p = pool_find(&ps, poolid, err)) || name_ok(&ps, name, err))
        goto out;
    snprintf(p->name, sizeof(p->name), "%s", name);
    rc = pools_store(s, &ps, err);
out:
    sim_unlock(lk);
    return rc;
}

/* Removing cpus: each must be the pool's, and a pool with domains keeps
 * one at least (Xen refuses with EBUSY). */
static int cpus_remove(const struct sim *s, struct pool *p,
                       const libxl_bitmap *cpus, char *err)
{
    unsigned int c;

    for (c = 0; c < cpus->size * 8u; c++) {
        if (!libxl_bitmap_test(cpus, c))
            continue;
        if (c >= POOL_CPUS_MAX || !cpu_test(p->cpus, c))
            return sim_err(err, "cpu %u is not in cpupool %s", c, p->name),
                   -1;
        cpu_set(p->cpus, c, 0);
    }
    if (!cpus_count(p->cpus) && pool_ndom(s, p->id))
        return sim_err(err, "cpupool %s has domains and would be left "
                       "without a cpu", p->name), -1;
    return 0;
}

int sim_pool_cpus(struct be *be, uint32_t poolid, const libxl_bitmap *cpus,
                  int add, char *err)
{
    struct sim *s = (struct sim *)be;
    struct pools ps;
    struct pool *p;
    unsigned int c;
    int lk = -1, rc = -1, busy;

    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        !(p = pool_find(&ps, poolid, err)))
        goto out;
    if (!add && cpus_remove(s, p, cpus, err))
        goto out;
    if (add && (busy = first_busy(&ps, cpus)) >= 0) {
        sim_err(err, "cpu %d illegal or not free", busy);
        goto out;
    }
    for (c = 0; add && c < cpus->size * 8u; c++)
        if (libxl_bitmap_test(cpus, c))
            cpu_set(p->cpus, c, 1);
    rc = pools_store(s, &ps, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_pool_move(struct be *be, uint32_t poolid, uint32_t domid, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    struct pools ps;
    struct pool *p;
    int lk = -1, rc = -1;

    if (domid == 0)
        return sim_err(err, "Domain-0 cannot leave Pool-0"), -1;
    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        !(p = pool_find(&ps, poolid, err)) ||
        sim_info_read(s, domid, &d, err))
        goto out;
    if (!cpus_count(p->cpus)) {
        sim_err(err, "cpupool %s has no cpus", p->name);
        goto out;
    }
    /* A new scheduler starts the domain with its defaults. */
    d.pool = poolid;
    d.weight = d.cap = 0;
    rc = sim_info_write(s, &d, err);
out:
    sim_unlock(lk);
    return rc;
}

/* The pool of a domain (Domain-0's is Pool-0), with the pools loaded. */
/* Domain-0 has no record: its weight and cap are in DIR/dom0-sched. */
static void dom0_load(const struct sim *s, struct sim_dom *d)
{
    char path[PATH_MAX];
    FILE *f;

    d->vcpus_max = sim_host_cpus();
    snprintf(d->name, sizeof(d->name), "Domain-0");
    snprintf(path, sizeof(path), "%s/dom0-sched", s->dir);
    f = fopen(path, "re");
    if (!f)
        return;
    if (fscanf(f, "weight %d cap %d", &d->weight, &d->cap) != 2)
        d->weight = d->cap = 0;
    fclose(f);
}

static int dom0_store(const struct sim *s, const struct sim_dom *d,
                      char *err)
{
    char path[PATH_MAX], text[64];

    snprintf(path, sizeof(path), "%s/dom0-sched", s->dir);
    snprintf(text, sizeof(text), "weight %d cap %d\n", d->weight, d->cap);
    return sim_write_text(path, text, err);
}

static int dom_pool(const struct sim *s, uint32_t domid, struct pools *ps,
                    struct sim_dom *d, struct pool **p_r, char *err)
{
    memset(d, 0, sizeof(*d));
    if (pools_load(s, ps, err) ||
        (domid && sim_info_read(s, domid, d, err)))
        return -1;
    if (!domid)
        dom0_load(s, d);
    *p_r = pool_find(ps, d->pool, err);
    return *p_r ? 0 : -1;
}

int sim_sched_get(struct be *be, uint32_t domid,
                  libxl_domain_sched_params *sp, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    struct pools ps;
    struct pool *p;

    if (dom_pool(s, domid, &ps, &d, &p, err))
        return -1;
    sp->sched = p->sched;
    if (p->sched == LIBXL_SCHEDULER_RTDS) {
        /* As Xen answers for a domain: its first vcpu's. */
        sp->period = d.rt_period[0] ? d.rt_period[0] : RT_PERIOD;
        sp->budget = d.rt_budget[0] ? d.rt_budget[0] : RT_BUDGET;
        sp->extratime = d.rt_extra[0] != 1;
        return 0;
    }
    sp->weight = d.weight ? d.weight : 256;
    sp->cap = d.cap;
    return 0;
}

/* libxl's ranges for credit and credit2: weight 1..65535, cap up to 100
 * per vcpu. */
static int weight_cap_check(const struct sim_dom *d,
                            const libxl_domain_sched_params *sp, char *err)
{
    int max_cap = 100 * (int)(d->vcpus_max ? d->vcpus_max : 1);

    if (sp->weight != LIBXL_DOMAIN_SCHED_PARAM_WEIGHT_DEFAULT &&
        (sp->weight < 1 || sp->weight > 65535))
        return sim_err(err, "domain %s: weight %d out of range (1 to "
                       "65535)", d->name, sp->weight), -1;
    if (sp->cap != LIBXL_DOMAIN_SCHED_PARAM_CAP_DEFAULT &&
        (sp->cap < 0 || sp->cap > max_cap))
        return sim_err(err, "domain %s: cap %d out of range (0 to %d for "
                       "%u vcpus)", d->name, sp->cap, max_cap,
                       d->vcpus_max), -1;
    return 0;
}

/* One vcpu's RTDS parameters, given (-1: keep) and checked as Xen
 * checks them: at least 10 us each, the budget within the period. */
static int rt_set(struct sim_dom *d, int v, int period, int budget,
                  int extratime, char *err)
{
    int p = period >= 0 ? period
            : (d->rt_period[v] ? (int)d->rt_period[v] : RT_PERIOD);
    int b = budget >= 0 ? budget
            : (d->rt_budget[v] ? (int)d->rt_budget[v] : RT_BUDGET);

    if (v < 0 || (unsigned)v >= d->vcpus_max)
        return sim_err(err, "domain %s has no vcpu %d", d->name, v), -1;
    if (p < RT_MIN || b < RT_MIN || b > p)
        return sim_err(err, "domain %s vcpu %d: period %d us and budget "
                       "%d us: each at least %d, the budget at most the "
                       "period", d->name, v, p, b, RT_MIN), -1;
    d->rt_period[v] = p;
    d->rt_budget[v] = b;
    if (extratime >= 0)
        d->rt_extra[v] = extratime ? 2 : 1;
    return 0;
}

/* A domain-wide setting: every vcpu, or none when one is refused. */
static int rt_set_all(struct sim_dom *d, const libxl_domain_sched_params *sp,
                      char *err)
{
    struct sim_dom copy = *d;
    unsigned int v;

    for (v = 0; v < d->vcpus_max; v++)
        if (rt_set(&copy, v,
                   sp->period == LIBXL_DOMAIN_SCHED_PARAM_PERIOD_DEFAULT
                       ? -1 : sp->period,
                   sp->budget == LIBXL_DOMAIN_SCHED_PARAM_BUDGET_DEFAULT
                       ? -1 : sp->budget,
                   sp->extratime == LIBXL_DOMAIN_SCHED_PARAM_EXTRATIME_DEFAULT
                       ? -1 : sp->extratime, err))
            return -1;
    *d = copy;
    return 0;
}

int sim_sched_set(struct be *be, uint32_t domid,
                  const libxl_domain_sched_params *sp, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    struct pools ps;
    struct pool *p;
    int lk = -1, rc = -1;

    if (sim_lock(s, &lk, err) || dom_pool(s, domid, &ps, &d, &p, err))
        goto out;
    if (sp->sched != LIBXL_SCHEDULER_UNKNOWN && sp->sched != p->sched) {
        sim_err(err, "domain %s runs under %s, not %s", d.name,
                libxl_scheduler_to_string(p->sched),
                libxl_scheduler_to_string(sp->sched));
        goto out;
    }
    if (p->sched == LIBXL_SCHEDULER_RTDS) {
        if (!domid)
            sim_err(err, "Domain-0 stays in Pool-0");
        else if (!rt_set_all(&d, sp, err))
            rc = sim_info_write(s, &d, err);
        goto out;
    }
    if (p->sched != LIBXL_SCHEDULER_CREDIT &&
        p->sched != LIBXL_SCHEDULER_CREDIT2) {
        sim_err(err, "domain %s: %s has no weight or cap", d.name,
                libxl_scheduler_to_string(p->sched));
        goto out;
    }
    if (weight_cap_check(&d, sp, err))
        goto out;
    if (sp->weight != LIBXL_DOMAIN_SCHED_PARAM_WEIGHT_DEFAULT)
        d.weight = sp->weight;
    if (sp->cap != LIBXL_DOMAIN_SCHED_PARAM_CAP_DEFAULT)
        d.cap = sp->cap;
    rc = domid ? sim_info_write(s, &d, err) : dom0_store(s, &d, err);
out:
    sim_unlock(lk);
    return rc;
}

/* The pool poolid, which must run sched. */
static struct pool *sched_pool(struct pools *ps, uint32_t poolid,
                               libxl_scheduler sched, char *err)
{
    struct pool *p = pool_find(ps, poolid, err);

    if (p && p->sched != sched) {
        sim_err(err, "cpupool %s runs %s, not %s", p->name,
                libxl_scheduler_to_string(p->sched),
                libxl_scheduler_to_string(sched));
        return NULL;
    }
    return p;
}

int sim_credit_get(struct be *be, uint32_t poolid,
                   libxl_sched_credit_params *cp, char *err)
{
    struct pools ps;
    struct pool *p;

    if (pools_load((struct sim *)be, &ps, err) ||
        !(p = sched_pool(&ps, poolid, LIBXL_SCHEDULER_CREDIT, err)))
        return -1;
    cp->tslice_ms = p->tslice_ms;
    cp->ratelimit_us = p->ratelimit_us;
    cp->vcpu_migr_delay_us = p->migr_delay_us;
    return 0;
}

/* Xen's limits (XEN_SYSCTL_CSCHED_*, XEN_SYSCTL_SCHED_RATELIMIT_*), as
 * libxl checks them before asking. */
static int ratelimit_check(int us, char *err)
{
    if (us != 0 && (us < 100 || us > 500000))
        return sim_err(err, "ratelimit_us %d out of range (0, or 100 to "
                       "500000)", us), -1;
    return 0;
}

static int credit_check(const libxl_sched_credit_params *cp, char *err)
{
    if (cp->tslice_ms < 1 || cp->tslice_ms > 1000)
        return sim_err(err, "tslice_ms %d out of range (1 to 1000)",
                       cp->tslice_ms), -1;
    if (ratelimit_check(cp->ratelimit_us, err))
        return -1;
    if (cp->ratelimit_us > cp->tslice_ms * 1000)
        return sim_err(err, "ratelimit_us %d must not exceed tslice_ms "
                       "(%d ms)", cp->ratelimit_us, cp->tslice_ms), -1;
    if (cp->vcpu_migr_delay_us < 0 || cp->vcpu_migr_delay_us > 100000)
        return sim_err(err, "migration_delay_us %d out of range (0 to "
                       "100000)", cp->vcpu_migr_delay_us), -1;
    return 0;
}

int sim_credit_set(struct be *be, uint32_t poolid,
                   const libxl_sched_credit_params *cp, char *err)
{
    struct sim *s = (struct sim *)be;
    struct pools ps;
    struct pool *p;
    int lk = -1, rc = -1;

    if (credit_check(cp, err))
        return -1;
    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        !(p = sched_pool(&ps, poolid, LIBXL_SCHEDULER_CREDIT, err)))
        goto out;
    p->tslice_ms = cp->tslice_ms;
    p->ratelimit_us = cp->ratelimit_us;
    p->migr_delay_us = cp->vcpu_migr_delay_us;
    rc = pools_store(s, &ps, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_credit2_get(struct be *be, uint32_t poolid,
                    libxl_sched_credit2_params *cp, char *err)
{
    struct pools ps;
    struct pool *p;

    if (pools_load((struct sim *)be, &ps, err) ||
        !(p = sched_pool(&ps, poolid, LIBXL_SCHEDULER_CREDIT2, err)))
        return -1;
    cp->ratelimit_us = p->c2_ratelimit_us;
    return 0;
}

int sim_credit2_set(struct be *be, uint32_t poolid,
                    const libxl_sched_credit2_params *cp, char *err)
{
    struct sim *s = (struct sim *)be;
    struct pools ps;
    struct pool *p;
    int lk = -1, rc = -1;

    if (ratelimit_check(cp->ratelimit_us, err))
        return -1;
    if (sim_lock(s, &lk, err) || pools_load(s, &ps, err) ||
        !(p = sched_pool(&ps, poolid, LIBXL_SCHEDULER_CREDIT2, err)))
        goto out;
    p->c2_ratelimit_us = cp->ratelimit_us;
    rc = pools_store(s, &ps, err);
out:
    sim_unlock(lk);
    return rc;
}

/* The simulated host is one NUMA node: every domain's memory is on it. */
int sim_node_affinity(struct be *be, uint32_t domid, libxl_bitmap *nodemap,
                      char *err)
{
    struct sim_dom d;

    if (domid && sim_info_read((struct sim *)be, domid, &d, err))
        return -1;
    libxl_bitmap_init(nodemap);
    nodemap->size = 1;
    nodemap->map = calloc(1, 1);
    if (!nodemap->map)
        return sim_err(err, "out of memory"), -1;
    libxl_bitmap_set(nodemap, 0);
    return 0;
}

/* The domain, which must run under RTDS. */
static int rt_dom(struct sim *s, uint32_t domid, struct sim_dom *d,
                  char *err)
{
    struct pools ps;
    struct pool *p;

    if (domid == 0)
        return sim_err(err, "Domain-0's scheduler parameters are the "
                       "host's own here"), -1;
    if (dom_pool(s, domid, &ps, d, &p, err))
        return -1;
    if (p->sched != LIBXL_SCHEDULER_RTDS)
        return sim_err(err, "domain %s runs under %s, not rtds", d->name,
                       libxl_scheduler_to_string(p->sched)), -1;
    return 0;
}

int sim_vcpu_sched_get(struct be *be, uint32_t domid,
                       libxl_vcpu_sched_params *vp, char *err)
{
    struct sim_dom d;
    int i, v;

    if (rt_dom((struct sim *)be, domid, &d, err))
        return -1;
    if (!vp->num_vcpus) {
        vp->vcpus = calloc(d.vcpus_max, sizeof(*vp->vcpus));
        if (!vp->vcpus)
            return sim_err(err, "out of memory"), -1;
        vp->num_vcpus = d.vcpus_max;
        for (i = 0; i < vp->num_vcpus; i++)
            vp->vcpus[i].vcpuid = i;
    }
    vp->sched = LIBXL_SCHEDULER_RTDS;
    for (i = 0; i < vp->num_vcpus; i++) {
        v = vp->vcpus[i].vcpuid;
        if (v < 0 || (unsigned)v >= d.vcpus_max)
            return sim_err(err, "domain %s has no vcpu %d", d.name, v), -1;
        vp->vcpus[i].period = d.rt_period[v] ? (int)d.rt_period[v]
                                             : RT_PERIOD;
        vp->vcpus[i].budget = d.rt_budget[v] ? (int)d.rt_budget[v]
                                             : RT_BUDGET;
        vp->vcpus[i].extratime = d.rt_extra[v] != 1;
    }
    return 0;
}

int sim_vcpu_sched_set(struct be *be, uint32_t domid,
                       const libxl_vcpu_sched_params *vp, int all, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    const libxl_sched_params *x;
    int lk = -1, rc = -1, i;
    unsigned int v;

    if (sim_lock(s, &lk, err) || rt_dom(s, domid, &d, err))
        goto out;
    if (!vp->num_vcpus) {
        sim_err(err, "no vcpu given");
        goto out;
    }
    for (i = 0; i < (all ? 1 : vp->num_vcpus); i++) {
        x = &vp->vcpus[i];
        for (v = 0; v < d.vcpus_max; v++)
            if ((all || (int)v == x->vcpuid) &&
                rt_set(&d, v, x->period, x->budget, x->extratime, err))
                goto out;
        if (!all && (x->vcpuid < 0 || (unsigned)x->vcpuid >= d.vcpus_max)) {
            sim_err(err, "domain %s has no vcpu %d", d.name, x->vcpuid);
            goto out;
        }
    }
    rc = sim_info_write(s, &d, err);
out:
    sim_unlock(lk);
    return rc;
}
