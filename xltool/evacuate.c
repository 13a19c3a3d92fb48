/*
 * evacuate.c - evacuate HOST...: moves every domain of this host live to
 * the given hosts, as XAPI's host-evacuate does.
 *
 * First every domain is probed on every candidate (the destination's own
 * preflight, touching nothing), and placed on the accepting host with the
 * most free memory left once the larger domains before it are counted; a
 * domain no host takes is refused, with each host's reason, before
 * anything moves, and stays here.  Then up to N migrations run at once,
 * each in a process of its own, each domain reporting its progress; a
 * domain whose migration fails runs on here, as the migration client
 * leaves it.  A table (or JSON) ends the run, and the exit status says
 * whether the host is empty.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reloc.h"
#include "xltool.h"

#include <libxl_json.h>

#define EVAC_MAX_HOSTS 16
#define EVAC_REASON 1024

enum evac_state { EV_PENDING, EV_MIGRATED, EV_FAILED, EV_REFUSED };

/* One domain; the results part is written by its migrating child into
 * memory shared with the parent. */
struct evac_dom {
    uint32_t domid;
    char name[RELOC_MAX_NAME + 1];
    uint64_t need_kb;
    int host;                    /* index into hosts; -1 when refused */
    int accepted[EVAC_MAX_HOSTS];
    char reason[EVAC_REASON];    /* refusals, or the migration's error */
    enum evac_state state;
    double total_s, downtime_s;
    uint64_t bytes;
};

struct evac {
    const char **hosts;
    int nhosts;
    uint64_t free_kb[EVAC_MAX_HOSTS];    /* UINT64_MAX: not said */
    int known[EVAC_MAX_HOSTS];           /* a probe told the free memory */
    struct evac_dom *doms;               /* shared mapping */
    size_t doms_len;                     /* its length */
    int ndoms;
    int *order;                          /* placed domains, in order */
    int nplaced;
    struct reloc_conf conf;
    int port, plain, json;
    FILE *out;                           /* progress: stdout, or stderr
                                            with --json */
};

/* Every domain but Domain-0 and the halves of migrations in flight. */
static int evac_list(struct be *be, struct evac *e)
{
    struct be_dominfo *list = NULL;
    char err[XT_ERRLEN];
    int n = 0, i, k = 0;

    if (be->ops->list(be, &list, &n, err)) {
        xt_err("evacuate: %s", err);
        return -1;
    }
    e->doms_len = (size_t)(n ? n : 1) * sizeof(*e->doms);
    e->doms = mmap(NULL, e->doms_len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (e->doms == MAP_FAILED) {
        e->doms = NULL;
        core_dominfo_list_free(list, n);
        xt_err("evacuate: %s", strerror(errno));
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (list[i].domid == 0 || !list[i].name ||
            strlen(list[i].name) > RELOC_MAX_NAME ||
            strstr(list[i].name, RELOC_INCOMING_SUFFIX) ||
            strstr(list[i].name, RELOC_AWAY_SUFFIX))
            continue;
        memset(&e->doms[k], 0, sizeof(e->doms[k]));
        e->doms[k].domid = list[i].domid;
        snprintf(e->doms[k].name, sizeof(e->doms[k].name), "%s",
                 list[i].name);
        e->doms[k].need_kb = list[i].max_memkb > list[i].current_memkb ?
                             list[i].max_memkb : list[i].current_memkb;
        e->doms[k].host = -1;
        k++;
    }
    e->ndoms = k;
    core_dominfo_list_free(list, n);
    return 0;
}

static void add_reason(struct evac_dom *d, const char *host,
                       const char *why)
{
    size_t l = strlen(d->reason);

    snprintf(d->reason + l, sizeof(d->reason) - l, "%s%s: %s",
             l ? "; " : "", host, why);
}

/*
 * A relocation server at its max_concurrent answers with its busy
 * message before anything is sent, and nothing has moved: evacuate's own
 * migrations (and the connection processes of those just finished) can
 * fill it, so such a refusal is retried for a while, twice a second.
 */
#define EVAC_BUSY_TRIES 40
static int server_busy(const char *err)
{
    return strstr(err, "busy, try again later") != NULL;
}

/* Every domain on every candidate: the destination's preflight. */
static void evac_preflight(struct be *be, struct evac *e)
{
    struct reloc_migrate_args a;
    char err[XT_ERRLEN];
    uint64_t free_kb;
    int i, h;

    for (i = 0; i < e->ndoms; i++)
        for (h = 0; h < e->nhosts; h++) {
            memset(&a, 0, sizeof(a));
            a.domain = e->doms[i].name;
            a.host = e->hosts[h];
            a.port = e->port;
            a.plain = e->plain;
            a.live = 1;
            int rc, tries = 0;
            while ((rc = reloc_probe(be, &e->conf, &a, &free_kb, err)) &&
                   server_busy(err) && ++tries < EVAC_BUSY_TRIES)
                usleep(500 * 1000);
            if (rc == 0) {
                e->doms[i].accepted[h] = 1;
                e->free_kb[h] = free_kb;
                e->known[h] = 1;
                fprintf(e->out, "preflight: %s on %s: accepted\n",
                        e->doms[i].name, e->hosts[h]);
            } else {
                add_reason(&e->doms[i], e->hosts[h], err);
                fprintf(e->out, "preflight: %s on %s: refused: %s\n",
                        e->doms[i].name, e->hosts[h], err);
            }
        }
}

static int by_need(const void *a, const void *b, void *arg)
{
    const struct evac_dom *d = arg;
    uint64_t x = d[*(const int *)a].need_kb, y = d[*(const int *)b].need_kb;

    return x < y ? 1 : x > y ? -1 : *(const int *)a - *(const int *)b;
}

/* The accepting host with the most free memory left that d fits in. */
static int best_host(struct evac *e, struct evac_dom *d, uint64_t *left)
{
    char why[160];
    int h, best = -1;

    for (h = 0; h < e->nhosts; h++) {
        if (!d->accepted[h])
            continue;
        if (left[h] < d->need_kb) {
            snprintf(why, sizeof(why), "not enough free memory left for it "
                     "after the others (%llu MiB needed, %llu MiB left)",
                     (unsigned long long)(d->need_kb >> 10),
                     (unsigned long long)(left[h] >> 10));
            add_reason(d, e->hosts[h], why);
            continue;
        }
        if (best < 0 || left[h] > left[best])
            best = h;
    }
    return best;
}

/* Largest first, each on the host with the most room left. */
static int evac_place(struct evac *e)
{
    uint64_t left[EVAC_MAX_HOSTS];
    int *idx, i, h;

    idx = calloc(e->ndoms ? e->ndoms : 1, sizeof(*idx));
    e->order = calloc(e->ndoms ? e->ndoms : 1, sizeof(*e->order));
    if (!idx || !e->order) {
        free(idx);
        return -1;
    }
    for (h = 0; h < e->nhosts; h++)
        left[h] = e->known[h] ? e->free_kb[h] : UINT64_MAX;
    for (i = 0; i < e->ndoms; i++)
        idx[i] = i;
    qsort_r(idx, e->ndoms, sizeof(*idx), by_need, e->doms);
    for (i = 0; i < e->ndoms; i++) {
        struct evac_dom *d = &e->doms[idx[i]];
        h = best_host(e, d, left);
        if (h < 0) {
            d->state = EV_REFUSED;
            continue;
        }
        d->host = h;
        if (left[h] != UINT64_MAX)
            left[h] -= d->need_kb;
        e->order[e->nplaced++] = idx[i];
    }
    free(idx);
    return 0;
}

static void evac_plan(const struct evac *e)
{
    int i;

    for (i = 0; i < e->ndoms; i++) {
        const struct evac_dom *d = &e->doms[i];
        if (d->host >= 0)
            fprintf(e->out, "plan: %s (%llu MiB) -> %s\n", d->name,
                    (unsigned long long)(d->need_kb >> 10),
                    e->hosts[d->host]);
        else
            fprintf(e->out, "plan: %s stays: no host takes it (%s)\n",
                    d->name, d->reason);
    }
    fflush(e->out);
}

struct evac_progress {
    FILE *out;
    const char *name;
    double next;
};

/* A line a second at most per domain, and never from a quiet one. */
static void on_progress(const struct reloc_progress *p, void *opaque)
{
    struct evac_progress *ep = opaque;
    char line[256];

    if (p->elapsed_s < ep->next || !p->total_bytes)
        return;
    ep->next = p->elapsed_s + 1.0;
    snprintf(line, sizeof(line), "%s: %.0f%% sent, round %d\n", ep->name,
             100.0 * (double)p->sent_bytes / (double)p->total_bytes,
             p->round + 1);
    (void)!write(fileno(ep->out), line, strlen(line));
}

static int evac_one(int i, void *opaque)
{
    struct evac *e = opaque;
    struct evac_dom *d = &e->doms[e->order[i]];
    struct evac_progress ep = { .out = e->out, .name = d->name };
    struct reloc_migrate_args a = { 0 };
    struct reloc_result r;
    char err[XT_ERRLEN], line[XT_ERRLEN + 256];
    struct be *be = xt_backend();
    int rc, tries = 0;

    if (!be)
        return 1;
    a.domain = d->name;
    a.host = e->hosts[d->host];
    a.port = e->port;
    a.plain = e->plain;
    a.live = 1;
    a.progress = on_progress;
    a.opaque = &ep;
    snprintf(line, sizeof(line), "%s: migrating to %s\n", d->name, a.host);
    (void)!write(fileno(e->out), line, strlen(line));
    while ((rc = reloc_migrate(be, &e->conf, &a, &r, err)) &&
           server_busy(err) && ++tries < EVAC_BUSY_TRIES)
        usleep(500 * 1000);
    if (rc) {
        d->state = EV_FAILED;
        snprintf(d->reason, sizeof(d->reason), "%s", err);
        snprintf(line, sizeof(line), "%s: migration to %s failed, it stays "
                 "here: %s\n", d->name, a.host, err);
    } else {
        d->state = EV_MIGRATED;
        d->total_s = r.total_s;
        d->downtime_s = r.downtime_s;
        d->bytes = r.bytes;
        snprintf(line, sizeof(line), "%s: migrated to %s in %.2f s "
                 "(downtime %.1f ms)\n", d->name, a.host, r.total_s,
                 r.downtime_s * 1e3);
    }
    (void)!write(fileno(e->out), line, strlen(line));
    core_close(be);
    return d->state == EV_MIGRATED ? 0 : 1;
}

static const char *state_name(enum evac_state s)
{
    switch (s) {
    case EV_MIGRATED: return "migrated";
    case EV_FAILED: return "failed";
    case EV_REFUSED: return "refused";
    default: return "not run";
    }
}

static void evac_table(const struct evac *e, int empty)
{
    int i;

    printf("%-24s %-16s %-9s %8s %12s  %s\n", "Domain", "To", "Result",
           "Time(s)", "Downtime(ms)", "Reason");
    for (i = 0; i < e->ndoms; i++) {
        const struct evac_dom *d = &e->doms[i];
        printf("%-24s %-16s %-9s ", d->name,
               d->host >= 0 ? e->hosts[d->host] : "-", state_name(d->state));
        if (d->state == EV_MIGRATED)
            printf("%8.2f %12.1f\n", d->total_s, d->downtime_s * 1e3);
        else
            printf("%8s %12s  %s\n", "-", "-", d->reason);
    }
    printf("The host is %s.\n", empty ? "empty" : "not empty");
}

#define GS(g, s) yajl_gen_string((g), (const unsigned char *)(s), strlen(s))

static int json_dom(yajl_gen g, const struct evac *e,
                    const struct evac_dom *d)
{
    int bad = yajl_gen_map_open(g) || GS(g, "name") || GS(g, d->name) ||
              GS(g, "to") || (d->host >= 0 ? GS(g, e->hosts[d->host])
                                           : yajl_gen_null(g)) ||
              GS(g, "result") || GS(g, state_name(d->state)) ||
              GS(g, "memory_kb") || yajl_gen_integer(g, (long long)d->need_kb);

    if (!bad && d->state == EV_MIGRATED)
        bad = GS(g, "total_s") || yajl_gen_double(g, d->total_s) ||
              GS(g, "downtime_ms") ||
              yajl_gen_double(g, d->downtime_s * 1e3) ||
              GS(g, "bytes") || yajl_gen_integer(g, (long long)d->bytes);
    else if (!bad)
        bad = GS(g, "reason") || GS(g, d->reason);
    return bad || yajl_gen_map_close(g);
}

static int evac_json(const struct evac *e, int empty)
{
    yajl_gen g = libxl_yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    int i, bad;

    if (!g)
        return -1;
    bad = yajl_gen_map_open(g) || GS(g, "host_empty") ||
          yajl_gen_bool(g, empty) || GS(g, "domains") ||
          yajl_gen_array_open(g);
    for (i = 0; !bad && i < e->ndoms; i++)
        bad = json_dom(g, e, &e->doms[i]);
    bad = bad || yajl_gen_array_close(g) || yajl_gen_map_close(g) ||
          yajl_gen_get_buf(g, &buf, &len);
    if (!bad)
        printf("%s\n", buf);
    yajl_gen_free(g);
    return bad ? -1 : 0;
}

/* Whether any domain but Domain-0 is left here. */
static int host_empty(struct be *be)
{
    struct be_dominfo *list = NULL;
    char err[XT_ERRLEN];
    int n = 0, i, empty = 1;

    if (be->ops->list(be, &list, &n, err))
        return 0;
    for (i = 0; i < n; i++)
        if (list[i].domid != 0)
            empty = 0;
    core_dominfo_list_free(list, n);
    return empty;
}

enum { EVAC_PORT = 0x100, EVAC_PLAIN, EVAC_JSON };

static int evac_options(int argc, char **argv, struct evac *e, int *par)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, EVAC_PORT},
        {"plain", no_argument, NULL, EVAC_PLAIN},
        {"json", no_argument, NULL, EVAC_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long v;
    int opt;

    SWITCH_FOREACH_OPT(opt, "j:", longopts, "evacuate", 1) {
    case 'j':
        if (xt_parse_long(optarg, 1, 256, &v))
            goto bad;
        *par = (int)v;
        break;
    case EVAC_PORT:
        if (xt_parse_long(optarg, 1, 65535, &v))
            goto bad;
        e->port = (int)v;
        break;
    case EVAC_PLAIN: e->plain = 1; break;
    case EVAC_JSON: e->json = 1; break;
    }
    if (argc - optind > EVAC_MAX_HOSTS) {
        xt_err("evacuate: at most %d hosts", EVAC_MAX_HOSTS);
        return -1;
    }
    e->hosts = (const char **)argv + optind;
    e->nhosts = argc - optind;
    return 0;
bad:
    xt_err("evacuate: invalid number '%s'", optarg);
    cmd_print_usage(stderr, cmd_lookup("evacuate"));
    return -1;
}

static int evac_conf(struct evac *e, int *par)
{
    struct reloc_domains_conf d;
    char err[XT_ERRLEN];

    reloc_domains_conf_init(&d);
    if (reloc_conf_load(&e->conf, NULL, err) ||
        reloc_domains_conf_load(&d, NULL, err)) {
        xt_err("%s", err);
        reloc_domains_conf_dispose(&d);
        return -1;
    }
    if (!*par)
        *par = d.parallel;
    if (!e->port)
        e->port = e->conf.port;
    reloc_domains_conf_dispose(&d);
    return 0;
}

int main_evacuate(int argc, char **argv)
{
    struct evac e;
    struct be *be = NULL;
    int par = 0, *st = NULL, empty = 0, rc = EXIT_FAIL;

    memset(&e, 0, sizeof(e));
    reloc_conf_init(&e.conf);
    if (evac_options(argc, argv, &e, &par)) {
        reloc_conf_dispose(&e.conf);
        return EXIT_USAGE;
    }
    e.out = e.json ? stderr : stdout;
    signal(SIGPIPE, SIG_IGN);
    be = xt_backend();
    if (evac_conf(&e, &par) || !be || evac_list(be, &e))
        goto out;
    evac_preflight(be, &e);
    if (evac_place(&e))
        goto out;
    evac_plan(&e);
    st = calloc(e.nplaced ? e.nplaced : 1, sizeof(*st));
    fflush(stdout);
    if (!st || xt_run_parallel(e.nplaced, par, evac_one, &e, st))
        goto out;
    empty = host_empty(be);
    if (e.json ? evac_json(&e, empty) : (evac_table(&e, empty), 0))
        goto out;
    rc = empty ? EXIT_OK : EXIT_FAIL;
out:
    free(st);
    free(e.order);
    if (e.doms)
        munmap(e.doms, e.doms_len);
    core_close(be);
    reloc_conf_dispose(&e.conf);
    return rc;
}
