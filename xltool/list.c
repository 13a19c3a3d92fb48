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

static void list_brief_xl(const struct be_dominfo *l, int n, int verbose)
{
    char st[7], uuid[40], id[16];
    int i;

    printf("Name                                        ID   Mem VCPUs\t"
           "State\tTime(s)");
    if (verbose)
        printf("   UUID                            Reason-Code\t"
               "Security Label");
    printf("\n");
    for (i = 0; i < n; i++) {
        xt_state_xl(&l[i], st);
        if (l[i].domid == XT_DOMID_HALTED)
            snprintf(id, sizeof(id), "-");
        else
            snprintf(id, sizeof(id), "%d", (int)l[i].domid);
        printf("%-40s %5s %5lu %5d     %s  %8.1f", l[i].name,
               id, (unsigned long)(l[i].current_memkb / 1024),
               (int)l[i].vcpu_online, st,
               (float)l[i].cpu_time_ns / 1e9);
        if (verbose) {
            snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT,
                     LIBXL_UUID_BYTES(l[i].uuid));
            printf(" %s", uuid);
            if (l[i].state & BE_ST_SHUTDOWN)
                printf(" %8x", l[i].shutdown_reason);
            else
                printf(" %8s", "-");
            printf(" %16s", "-");
        }
        printf("\n");
    }
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
                      int lng, int verbose)
{
    if (lng && xt_xm_mode)
        return xt_list_sxp(be, sel, n);
    if (lng)
        return xt_output_sxp ? list_long_xl_sxp(be, sel, n)
                             : list_long_json(be, sel, n);
    if (xt_xm_mode && verbose)
        return xt_vcpu_list(be, sel, n);
    if (xt_xm_mode)
        list_brief_xm(sel, n);
    else
        list_brief_xl(sel, n, verbose);
    return EXIT_OK;
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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct be_dominfo *all = NULL, *sel = NULL;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    unsigned int state = 0;
    int opt, n = 0, nsel = 0, lng = 0, verbose = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "lv", longopts, "list", 0) {
    case 'l': lng = 1; break;
    case 'v': verbose = 1; break;
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
    if (!lng && !(xt_xm_mode && verbose) && strcmp(xt_progname, "xl") &&
        add_halted(be, &all, &n))
        goto out;
    if (optind < argc || state)
        sel = select_domains(be, all, n, argc - optind, argv + optind,
                             state, &nsel);
    else
        sel = all, nsel = n;
    if (sel)
        rc = print_list(be, sel, nsel, lng, verbose);
out:
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
