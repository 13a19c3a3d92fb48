/*
 * vcpu.c - vcpu-list, vcpu-set and vcpu-pin, in xl's formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "cfg.h"
#include "xltool.h"

/* "all", or ranges like "0-3,6". */
void xt_print_bitmap(const libxl_bitmap *map, int ncpus)
{
    int i, first = 1, start = -1, all = 1;

    for (i = 0; i < ncpus; i++)
        all &= libxl_bitmap_test(map, i);
    if (all) {
        fputs("all", stdout);
        return;
    }
    for (i = 0; i <= ncpus; i++) {
        int set = i < ncpus && libxl_bitmap_test(map, i);
        if (set && start < 0)
            start = i;
        if (!set && start >= 0) {
            printf("%s%d", first ? "" : ",", start);
            if (i - 1 > start)
                printf("-%d", i - 1);
            first = 0;
            start = -1;
        }
    }
    if (first)
        fputs("none", stdout);
}

/* xm's affinity: "any cpu", or ranges like "0-3,6". */
static void print_cpumap_xm(const libxl_bitmap *map, int ncpus)
{
    int i, all = 1;

    for (i = 0; i < ncpus; i++)
        all &= libxl_bitmap_test(map, i);
    if (all)
        fputs("any cpu", stdout);
    else
        xt_print_bitmap(map, ncpus);
}

static void row_xl(const struct be_dominfo *d, const struct be_vcpuinfo *v,
                   int ncpus)
{
    printf("%-32s %5u %5u", d->name, d->domid, v->vcpuid);
    if (!v->online)
        printf("%5c %3c%cp ", '-', '-', '-');
    else
        printf("%5u %3c%c- ", v->cpu, v->running ? 'r' : '-',
               v->blocked ? 'b' : '-');
    printf("%9.1f  ", (float)v->cpu_time_ns / 1e9);
    xt_print_bitmap(&v->cpumap, ncpus);
    printf(" / ");
    if (v->cpumap_soft.size)
        xt_print_bitmap(&v->cpumap_soft, ncpus);
    else
        printf("all");
    printf("\n");
}

static void row_xm(const struct be_dominfo *d, const struct be_vcpuinfo *v,
                   int ncpus)
{
    char cpu[16], st[4];

    if (v->online) {
        snprintf(cpu, sizeof(cpu), "%u", v->cpu);
        snprintf(st, sizeof(st), "%c%c-", v->running ? 'r' : '-',
                 v->blocked ? 'b' : '-');
    } else {
        snprintf(cpu, sizeof(cpu), "-");
        snprintf(st, sizeof(st), "--p");
    }
    printf("%-32s %5u %5u %5s %5s  %8.1f ", d->name, d->domid, v->vcpuid,
           cpu, st, (double)v->cpu_time_ns / 1e9);
    print_cpumap_xm(&v->cpumap, ncpus);
    printf("\n");
}

static int list_one(struct be *be, const struct be_dominfo *d, int ncpus)
{
    struct be_vcpuinfo *l = NULL;
    char err[XT_ERRLEN];
    int n = 0, i;

    if (be->ops->vcpu_list(be, d->domid, &l, &n, err)) {
        xt_err("vcpu-list: %s", err);
        return -1;
    }
    for (i = 0; i < n; i++)
        (xt_xm_mode ? row_xm : row_xl)(d, &l[i], ncpus);
    core_vcpuinfo_list_free(l, n);
    return 0;
}

int xt_vcpu_list(struct be *be, const struct be_dominfo *doms, int n)
{
    libxl_physinfo phys;
    char err[XT_ERRLEN];
    int i, rc = EXIT_FAIL;

    libxl_physinfo_init(&phys);
    if (be->ops->host_info(be, &phys, NULL, err)) {
        xt_err("vcpu-list: %s", err);
        goto out;
    }
    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU",
           "State", "Time(s)", xt_xm_mode ? "CPU Affinity"
                                          : "Affinity (Hard / Soft)");
    for (i = 0; i < n; i++)
        if (list_one(be, &doms[i], phys.nr_cpus))
            goto out;
    rc = EXIT_OK;
out:
    libxl_physinfo_dispose(&phys);
    return rc;
}

int main_vcpulist(int argc, char **argv)
{
    struct be_dominfo *l = NULL, *sel = NULL;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, n = 0, nsel = 0, i, j, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "vcpu-list", 0) {
    }
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("vcpu-list: %s", err);
        goto out;
    }
    sel = optind < argc ? calloc(argc - optind, sizeof(*sel)) : l;
    if (!sel)
        goto out;
    for (i = optind; sel != l && i < argc; i++) {
        if (xt_find_domain(be, argv[i], &domid))
            goto out;
        for (j = 0; j < n; j++)
            if (l[j].domid == domid)
                sel[nsel++] = l[j];
    }
    rc = xt_vcpu_list(be, sel, sel == l ? n : nsel);
out:
    if (sel != l)
        free(sel);
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}

/* xl refuses to give a domain more vcpus than the host has cpus, unless
 * asked to (-i), when it would also have more than it has online. */
static int overcommits(struct be *be, uint32_t domid, long count)
{
    struct be_dominfo *l = NULL;
    const struct be_dominfo *d;
    libxl_physinfo phys;
    char err[XT_ERRLEN];
    int n = 0, rc = 1;

    libxl_physinfo_init(&phys);
    if (be->ops->host_info(be, &phys, NULL, err) ||
        be->ops->list(be, &l, &n, err)) {
        xt_err("vcpu-set: %s", err);
        goto out;
    }
    d = core_dominfo_find(l, n, domid);
    rc = d && count > (long)d->vcpu_online && count > (long)phys.nr_cpus;
    if (rc)
        xt_err("vcpu-set: %ld vcpus are more than the host's %u cpus; -i "
               "(--ignore-host) to set them anyway", count, phys.nr_cpus);
out:
    core_dominfo_list_free(l, n);
    libxl_physinfo_dispose(&phys);
    return rc;
}

int main_vcpuset(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ignore-host", no_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    long count;
    int opt, check_host = 1, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "i", longopts, "vcpu-set", 2) {
    case 'i': check_host = 0; break;
    }
    xt_check_max_args(argc, argv, 2, "vcpu-set");
    if (xt_parse_long(argv[optind + 1], 1, 4096, &count)) {
        xt_err("vcpu-set: invalid vcpu count '%s'", argv[optind + 1]);
        return EXIT_USAGE;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (check_host && overcommits(be, domid, count))
        goto out;
    if (be->ops->set_vcpus(be, domid, (unsigned int)count, err)) {
        xt_err("vcpu-set: %s", err);
        goto out;
    }
    if (xt_managed_sync(be, domid))
        goto out;
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

/* "all", or a list of cpus and ranges: "0-2,5". */
int xt_parse_cpus(const char *s, libxl_bitmap *map, int ncpus)
{
    char *copy = strdup(s), *tok, *save = NULL, *dash;
    long a, b, i;
    int rc = -1;

    if (!copy)
        return -1;
    if (!strcmp(s, "all")) {
        for (i = 0; i < ncpus; i++)
            libxl_bitmap_set(map, i);
        rc = 0;
        goto out;
    }
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        dash = strchr(tok, '-');
        if (dash)
            *dash = '\0';
        if (xt_parse_long(tok, 0, ncpus - 1, &a) ||
            xt_parse_long(dash ? dash + 1 : tok, a, ncpus - 1, &b))
            goto out;
        for (i = a; i <= b; i++)
            libxl_bitmap_set(map, i);
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

/* One affinity argument: "-" (leave it: *map_r NULL), or a CPU list
 * read as a config's cpus= is (xl's syntax: all, ^N, nodes:N), sized for
 * the host.  A hard affinity must leave the vcpu some CPU. */
static int pin_arg(const char *s, const struct cfg_host *h, int hard,
                   libxl_bitmap *map, libxl_bitmap **map_r)
{
    char err[XT_ERRLEN];

    *map_r = NULL;
    if (!strcmp(s, "-"))
        return 0;
    if (cfg_cpumap_parse(s, h, map, err, sizeof(err))) {
        xt_err("vcpu-pin: %s", err);
        return -1;
    }
    if (hard && libxl_bitmap_is_empty(map)) {
        xt_err("vcpu-pin: '%s' selects no CPU of this host (%d CPUs)", s,
               h->nr_cpus);
        return -1;
    }
    *map_r = map;
    return 0;
}

/* -N: what would be set, as xl prints it. */
static void pin_dryrun(const libxl_bitmap *hard, const libxl_bitmap *soft,
                       int ncpus)
{
    printf("cpumap: ");
    if (hard)
        xt_print_bitmap(hard, ncpus);
    else
        printf("-");
    if (soft) {
        printf(" ");
        xt_print_bitmap(soft, ncpus);
    }
    printf("\n");
}

int main_vcpupin(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    libxl_bitmap hmap, smap, *hard = NULL, *soft = NULL;
    struct cfg_host host = { 0, 0, NULL };
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    long vcpu = -1;
    int opt, force = 0, rc = EXIT_FAIL;

    libxl_bitmap_init(&hmap);
    libxl_bitmap_init(&smap);
    SWITCH_FOREACH_OPT(opt, "f", longopts, "vcpu-pin", 3) {
    case 'f': force = 1; break;
    }
    xt_check_max_args(argc, argv, 4, "vcpu-pin");
    if (strcmp(argv[optind + 1], "all") &&
        xt_parse_long(argv[optind + 1], 0, 4095, &vcpu)) {
        xt_err("vcpu-pin: invalid vcpu '%s'", argv[optind + 1]);
        return EXIT_USAGE;
    }
    if (force && vcpu < 0) {
        xt_err("vcpu-pin: --force is for one vcpu, not all");
        return EXIT_USAGE;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (core_host_facts(be, &host, err)) {
        xt_err("vcpu-pin: %s", err);
        goto out;
    }
    if (pin_arg(argv[optind + 2], &host, 1, &hmap, &hard) ||
        (optind + 3 < argc &&
         pin_arg(argv[optind + 3], &host, 0, &smap, &soft)))
        goto out;
    if (xt_dryrun) {
        pin_dryrun(hard, soft, host.nr_cpus);
    } else if (be->ops->vcpu_pin(be, domid, (int)vcpu, hard, soft,
                                 force ? BE_PIN_FORCE : 0, err)) {
        xt_err("vcpu-pin: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    libxl_bitmap_dispose(&hmap);
    libxl_bitmap_dispose(&smap);
    free(host.cpu_node);
    core_close(be);
    return rc;
}
