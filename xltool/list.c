/*
 * list.c - list, domid, domname, uptime: what runs and since when, in
 * xl's formats, or in xm's when invoked as xm (scripts parse these lines,
 * so they match the originals column for column).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xltool.h"

#include <libxl_json.h>

/* xl: r b p s, the shutdown reason letter, d. */
void xt_state_xl(const struct be_dominfo *d, char out[7])
{
    static const char reasons[] = "-rscwS";
    int r = d->state & BE_ST_SHUTDOWN ? d->shutdown_reason : 0;

    out[0] = d->state & BE_ST_RUNNING ? 'r' : '-';
    out[1] = d->state & BE_ST_BLOCKED ? 'b' : '-';
    out[2] = d->state & BE_ST_PAUSED ? 'p' : '-';
    out[3] = d->state & BE_ST_SHUTDOWN ? 's' : '-';
    out[4] = r >= 0 && r < (int)sizeof(reasons) - 1 ? reasons[r] : '?';
    out[5] = d->state & BE_ST_DYING ? 'd' : '-';
    out[6] = '\0';
}

/* xm: running, blocked, paused, shutdown, crashed, dying. */
void xt_state_xm(const struct be_dominfo *d, char out[7])
{
    static const char letters[] = "rbpscd";
    static const unsigned int bits[] = {BE_ST_RUNNING, BE_ST_BLOCKED,
        BE_ST_PAUSED, BE_ST_SHUTDOWN, BE_ST_CRASHED, BE_ST_DYING};
    int i;

    for (i = 0; i < 6; i++)
        out[i] = d->state & bits[i] ? letters[i] : '-';
    out[6] = '\0';
}

/* The extra columns of xl's list: -v, -Z, -c, -n, and claims'. */
struct list_cols {
    int verbose, context, claim, cpupool, numa;
    libxl_cpupoolinfo *pools;      /* for cpupool */
    int npools;
    int nr_nodes;                  /* for numa */
};

static void header_xl(const struct list_cols *c)
{
    printf("Name                                        ID   Mem VCPUs\t"
           "State\tTime(s)");
    if (c->verbose)
        printf("   UUID                            Reason-Code\t"
               "Security Label");
    if (c->context && !c->verbose)
        printf("   Security Label");
    if (c->claim)
        printf("  Claimed");
    if (c->cpupool)
        printf("         Cpupool");
    if (c->numa)
        printf(" NODE Affinity");
    printf("\n");
}

static const char *pool_name(const struct list_cols *c, uint32_t poolid)
{
    int i;

    for (i = 0; i < c->npools; i++)
        if (c->pools[i].poolid == poolid)
            return c->pools[i].pool_name;
    return "-";
}

static void numa_col(struct be *be, const struct list_cols *c, uint32_t domid)
{
    libxl_bitmap nodes;
    char err[XT_ERRLEN];

    putchar(' ');
    if (be->ops->node_affinity(be, domid, &nodes, err) == 0)
        xt_print_bitmap(&nodes, c->nr_nodes);
    else
        fputs("-", stdout);
    libxl_bitmap_dispose(&nodes);
}

static void row_xl(struct be *be, const struct be_dominfo *d,
                   const struct list_cols *c)
{
    char st[7], uuid[40], id[16];

    xt_state_xl(d, st);
    /* "-" for a managed domain that does not run. */
    if (d->domid == XT_DOMID_HALTED)
        snprintf(id, sizeof(id), "-");
    else
        snprintf(id, sizeof(id), "%d", (int)d->domid);
    printf("%-40s %5s %5lu %5d     %s  %8.1f", d->name, id,
           (unsigned long)((d->current_memkb + d->outstanding_memkb) / 1024),
           (int)d->vcpu_online, st, (float)d->cpu_time_ns / 1e9);
    if (c->verbose) {
        snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT,
                 LIBXL_UUID_BYTES(d->uuid));
        printf(" %s", uuid);
        if (d->state & BE_ST_SHUTDOWN)
            printf(" %8x", d->shutdown_reason);
        else
            printf(" %8s", "-");
    }
    if (c->claim)
        printf(" %5lu", (unsigned long)(d->outstanding_memkb / 1024));
    if (c->verbose || c->context)
        printf(" %16s", d->ssid_label ? d->ssid_label : "-");
    if (c->cpupool)
        printf("%16s", pool_name(c, d->cpupool));
    if (c->numa && d->domid == XT_DOMID_HALTED)
        fputs(" -", stdout);
    else if (c->numa)
        numa_col(be, c, d->domid);
    printf("\n");
}

/* What the columns need from the host: the pools' names, the nodes. */
static int cols_load(struct be *be, struct list_cols *c)
{
    libxl_physinfo phys;
    char err[XT_ERRLEN];
    int rc = 0;

    if (c->cpupool && xt_pool_list(be, &c->pools, &c->npools))
        return -1;
    if (!c->numa)
        return 0;
    libxl_physinfo_init(&phys);
    if (be->ops->host_info(be, &phys, NULL, err)) {
        xt_err("list: %s", err);
        rc = -1;
    }
    c->nr_nodes = phys.nr_nodes;
    libxl_physinfo_dispose(&phys);
    return rc;
}

static int list_brief_xl(struct be *be, const struct be_dominfo *l, int n,
                         struct list_cols *c)
{
    int i;

    if (cols_load(be, c))
        return EXIT_FAIL;
    header_xl(c);
    for (i = 0; i < n; i++)
        row_xl(be, &l[i], c);
    return EXIT_OK;
}

static void list_brief_xm(const struct be_dominfo *l, int n)
{
    char st[7], id[16];
    int i;

    printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs",
           "State", "Time(s)");
    for (i = 0; i < n; i++) {
        xt_state_xm(&l[i], st);
        /* xm's "-" for a managed domain that does not run. */
        if (l[i].domid == XT_DOMID_HALTED)
            snprintf(id, sizeof(id), "-");
        else
            snprintf(id, sizeof(id), "%u", l[i].domid);
        printf("%-40s %5s %5d %5d %10s %8.1f\n", l[i].name, id,
               (int)(l[i].current_memkb / 1024), (int)l[i].vcpu_online, st,
               (double)l[i].cpu_time_ns / 1e9);
    }
}

static int list_long_json(struct be *be, const struct be_dominfo *l, int n)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];
    const unsigned char *buf;
    size_t len;
    yajl_gen g = libxl_yajl_gen_alloc(NULL);
    int i, rc = EXIT_FAIL;

    if (!g || yajl_gen_array_open(g) != yajl_gen_status_ok)
        goto out;
    for (i = 0; i < n; i++) {
        libxl_domain_config_init(&c);
        if (be->ops->get_config(be, l[i].domid, &c, err)) {
            libxl_domain_config_dispose(&c);
            continue;      /* as xl: a domain without config is skipped */
        }
        if (yajl_gen_map_open(g) ||
            yajl_gen_string(g, (const unsigned char *)"domid", 5) ||
            yajl_gen_integer(g, l[i].domid) ||
            yajl_gen_string(g, (const unsigned char *)"config", 6) ||
            libxl_domain_config_gen_json(g, &c) || yajl_gen_map_close(g)) {
            libxl_domain_config_dispose(&c);
            goto out;
        }
        libxl_domain_config_dispose(&c);
    }
    if (yajl_gen_array_close(g) || yajl_gen_get_buf(g, &buf, &len))
        goto out;
    printf("%s\n", buf);
    rc = EXIT_OK;
out:
    if (rc)
        xt_err("list: cannot format the domain configs as JSON");
    if (g)
        yajl_gen_free(g);
    return rc;
}

/* xl.conf's output_format="sxp": each domain's S-expression in turn. */
static int list_long_xl_sxp(struct be *be, const struct be_dominfo *l,
                            int n)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];
    int i;

    for (i = 0; i < n; i++) {
        libxl_domain_config_init(&c);
        if (be->ops->get_config(be, l[i].domid, &c, err) == 0)
            xt_print_xl_sxp((int)l[i].domid, &l[i].uuid, &c);
        libxl_domain_config_dispose(&c);
    }
    return EXIT_OK;
}

/* xm's --state: xend's names for the state letters. */
static const struct {
    const char *name;
    unsigned int bits;
} list_states[] = {
    {"running", BE_ST_RUNNING},
    {"blocked", BE_ST_BLOCKED},
    {"paused", BE_ST_PAUSED},
    {"shutdown", BE_ST_SHUTDOWN},
    {"crashed", BE_ST_CRASHED},
    {"dying", BE_ST_DYING},
    {"halted", XT_ST_HALTED},
    {"suspended", XT_ST_SUSPENDED},
};

static int state_bits(const char *name, unsigned int *bits_r)
{
    size_t i;

    for (i = 0; i < sizeof(list_states) / sizeof(*list_states); i++)
        if (!strcmp(name, list_states[i].name)) {
            *bits_r = list_states[i].bits;
            return 0;
        }
    xt_err("list: unknown state '%s' (running, blocked, paused, shutdown, "
           "crashed, dying, halted or suspended)", name);
    cmd_print_usage(stderr, cmd_lookup("list"));
    return -1;
}

/* The row of a managed domain that does not run, named (or of the UUID)
 * spec, or NULL. */
static const struct be_dominfo *halted_named(const struct be_dominfo *all,
                                             int n, const char *spec)
{
    char u[40];
    int i;

    for (i = 0; i < n; i++) {
        if (all[i].domid != XT_DOMID_HALTED)
            continue;
        snprintf(u, sizeof(u), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(all[i].uuid));
        if (!strcmp(all[i].name, spec) || !strcasecmp(u, spec))
            return &all[i];
    }
    return NULL;
}

/* The domains named on the command line, or those in a state; NULL
 * (with the error printed) if one is not found. */
static struct be_dominfo *select_domains(struct be *be, struct be_dominfo *all,
                                         int n, int argc, char **argv,
                                         unsigned int state, int *nsel_r)
{
    const struct be_dominfo *di;
    struct be_dominfo *sel;
    char err[XT_ERRLEN];
    uint32_t domid;
    int i, k = 0;

    sel = calloc(argc > n ? argc : n, sizeof(*sel));
    for (i = 0; sel && !state && i < argc; i++) {
        if ((di = halted_named(all, n, argv[i]))) {
            sel[k++] = *di;
            continue;
        }
        if (core_lookup(be, argv[i], &domid, err) ||
            !(di = core_dominfo_find(all, n, domid))) {
            xt_err("%s", err);
            free(sel);
            return NULL;
        }
        sel[k++] = *di;
    }
    for (i = 0; sel && state && i < n; i++)
        if (all[i].state & state)
            sel[k++] = all[i];
    *nsel_r = k;
    return sel;
}

enum { LIST_STATE = 0x100, LIST_LABEL };

/* Appends the rows of managed domains that do not run to *all. */
static int add_halted(struct be *be, struct be_dominfo **all, int *n)
{
    struct be_dominfo *rows = NULL, *grown;
    int k = 0, rc = -1;

    if (xt_managed_halted(be, *all, *n, &rows, &k))
        return -1;
    if (k == 0) {
        rc = 0;
        goto out;
    }
    grown = realloc(*all, (size_t)(*n + k) * sizeof(**all));
    if (!grown) {
        xt_err("list: out of memory");
        core_dominfo_list_free(rows, k);
        return -1;
    }
    memcpy(grown + *n, rows, (size_t)k * sizeof(*rows));
    *all = grown;
    *n += k;
    rc = 0;
out:
    free(rows);
    return rc;
}

static int print_list(struct be *be, const struct be_dominfo *sel, int n,
                      int lng, struct list_cols *c)
{
    int verbose = c->verbose;

    if (lng && xt_xm_mode)
        return xt_list_sxp(be, sel, n);
    if (lng)
        return xt_output_sxp ? list_long_xl_sxp(be, sel, n)
                             : list_long_json(be, sel, n);
    if (xt_xm_mode && verbose)
        return xt_vcpu_list(be, sel, n);
    if (xt_xm_mode) {
        list_brief_xm(sel, n);
        return EXIT_OK;
    }
    return list_brief_xl(be, sel, n, c);
}

int main_list(int argc, char **argv)
{
    /* -v is xl's --verbose, xm's --vcpus. */
    static const struct option longopts[] = {
        {"long", no_argument, NULL, 'l'},
        {"verbose", no_argument, NULL, 'v'},
        {"vcpus", no_argument, NULL, 'v'},
        {"state", required_argument, NULL, LIST_STATE},
        {"label", no_argument, NULL, LIST_LABEL},
        {"context", no_argument, NULL, 'Z'},
        {"cpupool", no_argument, NULL, 'c'},
        {"numa", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct be_dominfo *all = NULL, *sel = NULL;
    struct list_cols c = {0, 0, 0, 0, 0, NULL, 0, 0};
    char err[XT_ERRLEN];
    struct be *be = NULL;
    unsigned int state = 0;
    int opt, n = 0, nsel = 0, lng = 0, rc = EXIT_FAIL;

    /* -Z, -c and -n are xl's; xm has none of them. */
    SWITCH_FOREACH_OPT(opt, xt_xm_mode ? "lv" : "lvZcn", longopts, "list",
                       0) {
    case 'l': lng = 1; break;
    case 'v': c.verbose = 1; break;
    case 'Z': c.context = 1; break;
    case 'c': c.cpupool = 1; break;
    case 'n': c.numa = 1; break;
    case LIST_LABEL: break;
    case LIST_STATE:
        if (state_bits(optarg, &state))
            return EXIT_USAGE;
        break;
    }
    if (state && optind < argc) {
        xt_err("list: give either --state or domains, not both");
        cmd_print_usage(stderr, cmd_lookup("list"));
        return EXIT_USAGE;
    }
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &all, &n, err)) {
        xt_err("list: %s", err);
        goto out;
    }
    /* Managed domains that do not run, as xm listed them; not as xl, whose
     * list scripts (xendomains) read for running domains only. */
    if (!lng && !(xt_xm_mode && c.verbose) && strcmp(xt_progname, "xl") &&
        add_halted(be, &all, &n))
        goto out;
    if (optind < argc || state)
        sel = select_domains(be, all, n, argc - optind, argv + optind,
                             state, &nsel);
    else
        sel = all, nsel = n;
    if (sel)
        rc = print_list(be, sel, nsel, lng, &c);
out:
    if (c.pools)
        libxl_cpupoolinfo_list_free(c.pools, c.npools);
    if (sel != all)
        free(sel);
    core_dominfo_list_free(all, n);
    core_close(be);
    return rc;
}

int main_domid(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    struct be_dominfo *l = NULL;
    int opt, n = 0, i, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "domid", 1) {
    }
    xt_check_max_args(argc, argv, 1, "domid");
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("domid: %s", err);
        goto out;
    }
    for (i = 0; i < n; i++)
        if (!strcmp(l[i].name, argv[optind])) {
            printf("%u\n", l[i].domid);
            rc = EXIT_OK;
            goto out;
        }
    xt_err("domain '%s' does not exist", argv[optind]);
out:
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}

int main_domname(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    struct be_dominfo *l = NULL;
    const struct be_dominfo *di;
    int opt, n = 0, rc = EXIT_FAIL;
    long id;

    SWITCH_FOREACH_OPT(opt, "", NULL, "domname", 1) {
    }
    xt_check_max_args(argc, argv, 1, "domname");
    if (xt_parse_long(argv[optind], 0, UINT32_MAX, &id)) {
        xt_err("domname: '%s' is not a domain id", argv[optind]);
        return EXIT_USAGE;
    }
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("domname: %s", err);
        goto out;
    }
    di = core_dominfo_find(l, n, (uint32_t)id);
    if (!di) {
        xt_err("domain %ld does not exist", id);
        goto out;
    }
    printf("%s\n", di->name);
    rc = EXIT_OK;
out:
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}

static void uptime_string(unsigned long up, int shrt, char *buf, size_t len)
{
    int day = up / 86400, hour = up % 86400 / 3600, min = up % 3600 / 60;
    int sec = up % 60;
    const char *days = day > 1 ? " days, " : " day, ";

    if (day == 0 && shrt)
        snprintf(buf, len, "%2d:%02d", hour, min);
    else if (day == 0)
        snprintf(buf, len, "%2d:%02d:%02d", hour, min, sec);
    else if (shrt)
        snprintf(buf, len, "%d%s%2d:%02d", day, days, hour, min);
    else
        snprintf(buf, len, "%d%s%2d:%02d:%02d", day, days, hour, min, sec);
}

static unsigned long host_uptime(void)
{
    double up = 0;
    FILE *f = fopen("/proc/uptime", "re");

    if (f) {
        if (fscanf(f, "%lf", &up) != 1)
            up = 0;
        fclose(f);
    }
    return (unsigned long)up;
}

static void print_uptime(struct be *be, const struct be_dominfo *d,
                         int shrt, time_t now)
{
    char up[64], clock[16];
    unsigned long secs;
    uint64_t start;
    struct tm tm;

    if (d->domid == 0) {
        secs = host_uptime();
    } else {
        start = core_start_time(be, d);
        secs = start && (uint64_t)now > start ?
               (unsigned long)(now - start) : 0;
    }
    uptime_string(secs, shrt, up, sizeof(up));
    if (shrt) {
        localtime_r(&now, &tm);
        strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
        printf(" %s up %s, %s (%u)\n", clock, up, d->name, d->domid);
    } else {
        printf("%-33s %4u %s\n", d->name, d->domid, up);
    }
}

int main_uptime(int argc, char **argv)
{
    struct be_dominfo *l = NULL;
    const struct be_dominfo *di;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    time_t now = time(NULL);
    int opt, n = 0, i, shrt = 0, rc = EXIT_FAIL;
    uint32_t domid;

    SWITCH_FOREACH_OPT(opt, "s", NULL, "uptime", 0) {
    case 's': shrt = 1; break;
    }
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("uptime: %s", err);
        goto out;
    }
    if (!shrt)
        printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (i = 0; optind == argc && i < n; i++)
        print_uptime(be, &l[i], shrt, now);
    for (i = optind; i < argc; i++) {
        if (core_lookup(be, argv[i], &domid, err) ||
            !(di = core_dominfo_find(l, n, domid))) {
            xt_err("%s", err);
            goto out;
        }
        print_uptime(be, di, shrt, now);
    }
    rc = EXIT_OK;
out:
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}

/* claims: list's table with the memory each domain has claimed and not
 * yet been given (xl.conf's claim_mode). */
int main_claims(int argc, char **argv)
{
    struct list_cols c = {0, 0, 1, 0, 0, NULL, 0, 0};
    struct be_dominfo *l = NULL;
    struct cfg_globals g;
    struct cfg_diags d;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int opt, n = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "claims", 0) {
    }
    xt_check_max_args(argc, argv, 0, "claims");
    cfg_globals_init(&g);
    cfg_diags_init(&d);
    if (cfg_globals_load(&g, NULL, &d) || g.claim_mode != 1)
        fprintf(stderr, "claim_mode not enabled (see man xl.conf).\n");
    cfg_globals_dispose(&g);
    cfg_diags_dispose(&d);
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("claims: %s", err);
        goto out;
    }
    rc = list_brief_xl(be, l, n, &c);
out:
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}

/* vm-list: the domains by UUID, as xl 4.17 prints them: its help says
 * "excluding dom0", but libxl_list_vm lists Domain-0 too (the lab shows
 * it on real Xen), and scripts read what it prints. */
int main_vm_list(int argc, char **argv)
{
    struct be_dominfo *l = NULL;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int opt, n = 0, i, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "vm-list", 0) {
    }
    xt_check_max_args(argc, argv, 0, "vm-list");
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("vm-list: %s", err);
        goto out;
    }
    printf("UUID                                  ID    name\n");
    for (i = 0; i < n; i++)
        printf(LIBXL_UUID_FMT "  %u    %-30s\n",
               LIBXL_UUID_BYTES(l[i].uuid), l[i].domid, l[i].name);
    rc = EXIT_OK;
out:
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}

/* xm domstate: one word for the domain's state, from xm's state letters
 * in xm's order of precedence (shut down, blocked, dying, running,
 * crashed, paused). */
int main_domstate(int argc, char **argv)
{
    static const struct {
        int letter;
        const char *word;
    } words[] = {
        {3, "shutoff"}, {1, "idle"}, {5, "shutdown"}, {0, "running"},
        {4, "crashed"}, {2, "paused"},
    };
    struct be_dominfo *l = NULL;
    const struct be_dominfo *d;
    char err[XT_ERRLEN], st[7];
    struct be *be = NULL;
    uint32_t domid;
    int opt, n = 0, rc = EXIT_FAIL;
    size_t i;

    SWITCH_FOREACH_OPT(opt, "", NULL, "domstate", 1) {
    }
    xt_check_max_args(argc, argv, 1, "domstate");
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (be->ops->list(be, &l, &n, err)) {
        xt_err("domstate: %s", err);
        goto out;
    }
    d = core_dominfo_find(l, n, domid);
    if (!d) {
        xt_err("domain '%s' does not exist", argv[optind]);
        goto out;
    }
    xt_state_xm(d, st);
    for (i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (st[words[i].letter] != '-')
            break;
    /* No letter at all: runnable, between two turns on a CPU. */
    printf("%s\n", i < sizeof(words) / sizeof(*words) ? words[i].word
                                                       : "running");
    rc = EXIT_OK;
out:
    core_dominfo_list_free(l, n);
    core_close(be);
    return rc;
}
