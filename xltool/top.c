/*
 * top.c - top: the domains' resource use as xentop shows it, in batch
 * (-b: the table only, every -d seconds, -i times; xentop's columns byte
 * for byte, for the scripts that parse them) or on a terminal (the
 * summary and the table, redrawn until 'q'; 'v', 'n' and 'b' show vcpus,
 * networks and disks, 'r' repeats the header, 'd' asks for the delay).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xltool.h"

/* What to show, from the options and (on a terminal) the keys. */
struct top_opts {
    int batch, vcpus, nets, vbds, repeat, full_name, dom0_first;
    long delay, iterations;      /* iterations 0: until stopped */
};

/* One sample of the host and its domains, with their statistics. */
struct sample {
    struct timeval when;
    struct be_dominfo *doms;
    int n;
    struct be_domstats *stats;   /* n of them */
    uint64_t tot_kb, free_kb;
    unsigned int ncpus;
    uint32_t cpu_khz;
    char version[64];
};

/* The numeric columns whose width grows with their values. */
struct widths {
    int name, net_tx, net_rx, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
};

static volatile sig_atomic_t top_stop;

static void on_signal(int sig)
{
    (void)sig;
    top_stop = 1;
}

static void sample_free(struct sample *s)
{
    int i;

    for (i = 0; s->stats && i < s->n; i++)
        core_domstats_dispose(&s->stats[i]);
    free(s->stats);
    core_dominfo_list_free(s->doms, s->n);
    memset(s, 0, sizeof(*s));
}

static int host_sample(struct be *be, struct sample *s, char *err)
{
    libxl_physinfo phys;
    libxl_version_info ver;
    int rc;

    libxl_physinfo_init(&phys);
    libxl_version_info_init(&ver);
    rc = be->ops->host_info(be, &phys, &ver, err);
    if (!rc) {
        s->tot_kb = phys.total_pages * 4;
        s->free_kb = phys.free_pages * 4;
        s->ncpus = phys.nr_cpus;
        s->cpu_khz = phys.cpu_khz;
        snprintf(s->version, sizeof(s->version), "%d.%d%s",
                 ver.xen_version_major, ver.xen_version_minor,
                 ver.xen_version_extra ? ver.xen_version_extra : "");
    }
    libxl_version_info_dispose(&ver);
    libxl_physinfo_dispose(&phys);
    return rc;
}

static int take_sample(struct be *be, struct sample *s, char *err)
{
    int i;

    memset(s, 0, sizeof(*s));
    gettimeofday(&s->when, NULL);
    if (host_sample(be, s, err) || be->ops->list(be, &s->doms, &s->n, err))
        return -1;
    s->stats = calloc(s->n ? s->n : 1, sizeof(*s->stats));
    if (!s->stats)
        return snprintf(err, XT_ERRLEN, "out of memory"), -1;
    for (i = 0; i < s->n; i++)
        /* A domain gone meanwhile shows without statistics. */
        core_dom_stats(be, s->doms[i].domid, &s->stats[i], err);
    return 0;
}

static uint64_t net_total(const struct be_domstats *st, int rx)
{
    uint64_t t = 0;
    int i;

    for (i = 0; i < st->nnets; i++)
        t += rx ? st->nets[i].rbytes : st->nets[i].tbytes;
    return t;
}

/* xentop's sum over the disks with statistics: 0 shown when there is no
 * disk, '-' when none of them has statistics. */
static int vbd_total(const struct be_domstats *st, int what, uint64_t *t_r)
{
    int i, any = st->nvbds == 0;
    uint64_t t = 0;

    for (i = 0; i < st->nvbds; i++) {
        const struct be_vbdstat *v = &st->vbds[i];
        if (v->error)
            continue;
        any = 1;
        t += what == 0 ? v->oo : what == 1 ? v->rd : what == 2 ? v->wr
             : what == 3 ? v->rsect : v->wsect;
    }
    *t_r = t;
    return any;
}

static int digits(uint64_t v)
{
    return (int)log10((double)v) + 1;
}

static void grow(int *w, uint64_t v)
{
    if (digits(v) > *w)
        *w = digits(v);
}

static void compute_widths(const struct sample *s, const struct top_opts *o,
                           struct widths *w)
{
    uint64_t t;
    int i;

    *w = (struct widths){10, 8, 8, 8, 8, 10, 10};
    for (i = 0; i < s->n; i++) {
        const struct be_domstats *st = &s->stats[i];
        if (o->full_name && (int)strlen(s->doms[i].name) > w->name)
            w->name = strlen(s->doms[i].name);
        grow(&w->net_tx, net_total(st, 0) / 1024 + 1);
        grow(&w->net_rx, net_total(st, 1) / 1024 + 1);
        vbd_total(st, 1, &t);
        grow(&w->vbd_rd, t + 1);
        vbd_total(st, 2, &t);
        grow(&w->vbd_wr, t + 1);
        vbd_total(st, 3, &t);
        grow(&w->vbd_rsect, t + 1);
        vbd_total(st, 4, &t);
        grow(&w->vbd_wsect, t + 1);
    }
}

static void header(const struct widths *w)
{
    printf("%*s %6s %10s %6s %10s %6s %10s %9s %5s %4s %*s %*s %4s %8s "
           "%*s %*s %*s %*s %4s\n", w->name, "NAME", "STATE", "CPU(sec)",
           "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS",
           "NETS", w->net_tx, "NETTX(k)", w->net_rx, "NETRX(k)", "VBDS",
           "VBD_OO", w->vbd_rd, "VBD_RD", w->vbd_wr, "VBD_WR",
           w->vbd_rsect, "VBD_RSECT", w->vbd_wsect, "VBD_WSECT", "SSID");
}

/* xentop's state letters: d s b c p r. */
static void state_letters(const struct be_dominfo *d, char out[7])
{
    static const unsigned int bits[] = {BE_ST_DYING, BE_ST_SHUTDOWN,
        BE_ST_BLOCKED, BE_ST_CRASHED, BE_ST_PAUSED, BE_ST_RUNNING};
    int i;

    for (i = 0; i < 6; i++)
        out[i] = d->state & bits[i] ? "dsbcpr"[i] : '-';
    out[6] = '\0';
}

static double cpu_pct(const struct sample *cur, const struct sample *prev,
                      const struct be_dominfo *d)
{
    const struct be_dominfo *old;
    double us;

    if (!prev || !(old = core_dominfo_find(prev->doms, prev->n, d->domid)))
        return 0.0;
    us = (cur->when.tv_sec - prev->when.tv_sec) * 1e6 +
         (cur->when.tv_usec - prev->when.tv_usec);
    if (us <= 0 || d->cpu_time_ns < old->cpu_time_ns)
        return 0.0;
    return (double)(d->cpu_time_ns - old->cpu_time_ns) / 10.0 / us;
}

static void vbd_col(const struct be_domstats *st, int what, int width)
{
    uint64_t t;

    if (vbd_total(st, what, &t))
        printf(" %*" PRIu64, width, t);
    else
        printf(" %*c", width, '-');
}

static void row(const struct sample *cur, const struct sample *prev, int i,
                const struct widths *w, const struct top_opts *o)
{
    const struct be_dominfo *d = &cur->doms[i];
    const struct be_domstats *st = &cur->stats[i];
    double tot = (double)cur->tot_kb * 1024;
    char st6[7];

    state_letters(d, st6);
    if (o->full_name)
        printf("%*s", w->name, d->name);
    else
        printf("%10.10s", d->name);
    printf(" %s %10" PRIu64 " %6.1f %10" PRIu64 " %6.1f", st6,
           d->cpu_time_ns / 1000000000, cpu_pct(cur, prev, d),
           d->current_memkb, tot ? d->current_memkb * 1024.0 / tot * 100
                                 : 0.0);
    printf(" %10" PRIu64 " %9.1f %5u %4d %*" PRIu64 " %*" PRIu64 " %4d",
           d->max_memkb, tot ? d->max_memkb * 1024.0 / tot * 100 : 0.0,
           d->vcpu_max, st->nnets, w->net_tx, net_total(st, 0) / 1024,
           w->net_rx, net_total(st, 1) / 1024, st->nvbds);
    vbd_col(st, 0, 8);
    vbd_col(st, 1, w->vbd_rd);
    vbd_col(st, 2, w->vbd_wr);
    vbd_col(st, 3, w->vbd_rsect);
    vbd_col(st, 4, w->vbd_wsect);
    printf(" %4u\n", 0u);
}

static void vcpu_lines(struct be *be, const struct be_dominfo *d)
{
    struct be_vcpuinfo *v = NULL;
    char err[XT_ERRLEN];
    int n = 0, i;

    printf("VCPUs(sec): ");
    if (be->ops->vcpu_list(be, d->domid, &v, &n, err) == 0)
        for (i = 0; i < n; i++) {
            if (!v[i].online)
                continue;
            if (i != 0 && i % 5 == 0)
                printf("\n        ");
            printf(" %2d: %10" PRIu64 "s", i, v[i].cpu_time_ns / 1000000000);
        }
    printf("\n");
    core_vcpuinfo_list_free(v, n);
}

static void net_lines(const struct be_domstats *st)
{
    int i;

    for (i = 0; i < st->nnets; i++) {
        const struct be_netstat *n = &st->nets[i];
        printf("Net%d RX: %8" PRIu64 "bytes %8" PRIu64 "pkts %8" PRIu64
               "err %8" PRIu64 "drop  ", i, n->rbytes, n->rpkts, n->rerrs,
               n->rdrop);
        printf("TX: %8" PRIu64 "bytes %8" PRIu64 "pkts %8" PRIu64 "err %8"
               PRIu64 "drop\n", n->tbytes, n->tpkts, n->terrs, n->tdrop);
    }
}

/* xentop's VBD lines; [major:minor] is the Xen virtual device's. */
static void vbd_lines(const struct be_domstats *st)
{
    int i;

    for (i = 0; i < st->nvbds; i++) {
        const struct be_vbdstat *v = &st->vbds[i];
        printf("VBD BlkBack %4d [%2x:%2x]  ", v->dev, (v->dev >> 8) & 0xfff,
               v->dev & 0xff);
        if (v->error)
            printf("OO: %8c   RD: %8c   WR: %8c   RSECT: %10c   WSECT: "
                   "%10c\n", '-', '-', '-', '-', '-');
        else
            printf("OO: %8" PRIu64 "   RD: %8" PRIu64 "   WR: %8" PRIu64
                   "   RSECT: %10" PRIu64 "   WSECT: %10" PRIu64 "\n",
                   v->oo, v->rd, v->wr, v->rsect, v->wsect);
    }
}

static void summary(const struct sample *s)
{
    unsigned int run = 0, blk = 0, pau = 0, shut = 0, crash = 0, dying = 0;
    time_t t = s->when.tv_sec;
    char hms[16];
    int i;

    strftime(hms, sizeof(hms), "%H:%M:%S", localtime(&t));
    printf("xentop - %s   Xen %s\n", hms, s->version);
    for (i = 0; i < s->n; i++) {
        unsigned int st = s->doms[i].state;
        if (st & BE_ST_RUNNING) run++;
        else if (st & BE_ST_BLOCKED) blk++;
        else if (st & BE_ST_PAUSED) pau++;
        else if (st & BE_ST_SHUTDOWN) shut++;
        else if (st & BE_ST_CRASHED) crash++;
        else if (st & BE_ST_DYING) dying++;
    }
    printf("%d domains: %u running, %u blocked, %u paused, %u crashed, "
           "%u dying, %u shutdown \n", s->n, run, blk, pau, crash, dying,
           shut);
    printf("Mem: %" PRIu64 "k total, %" PRIu64 "k used, %" PRIu64 "k free"
           "    CPUs: %u @ %uMHz\n", s->tot_kb, s->tot_kb - s->free_kb,
           s->free_kb, s->ncpus, s->cpu_khz / 1000);
}

/* The table: by domid (the order the backend lists them in), Domain-0
 * first with -z (it is first already). */
static void table(struct be *be, const struct sample *cur,
                  const struct sample *prev, const struct top_opts *o)
{
    struct widths w;
    int i;

    compute_widths(cur, o, &w);
    for (i = 0; i < cur->n; i++) {
        if (i == 0 || o->repeat)
            header(&w);
        row(cur, prev, i, &w, o);
        if (o->vcpus)
            vcpu_lines(be, &cur->doms[i]);
        if (o->nets)
            net_lines(&cur->stats[i]);
        if (o->vbds)
            vbd_lines(&cur->stats[i]);
    }
}

static int batch_loop(struct be *be, const struct top_opts *o)
{
    struct sample cur, prev;
    char err[XT_ERRLEN];
    long i;

    memset(&prev, 0, sizeof(prev));
    for (i = 0; !o->iterations || i < o->iterations; i++) {
        if (take_sample(be, &cur, err)) {
            sample_free(&cur);
            sample_free(&prev);
            xt_err("top: %s", err);
            return EXIT_FAIL;
        }
        table(be, &cur, prev.n ? &prev : NULL, o);
        fflush(stdout);
        sample_free(&prev);
        prev = cur;
        if (top_stop || (o->iterations && i + 1 >= o->iterations))
            break;
        sleep((unsigned int)o->delay);
        if (top_stop)
            break;
    }
    sample_free(&prev);
    return EXIT_OK;
}

static void keys_line(const struct top_opts *o)
{
    printf("\n  D:Delay %lds  N:Networks %s  B:vBds %s  V:VCPUs %s  "
           "R:Repeat header %s  Q:Quit", o->delay, o->nets ? "on" : "off",
           o->vbds ? "on" : "off", o->vcpus ? "on" : "off",
           o->repeat ? "on" : "off");
    fflush(stdout);
}

/* 'd': the new delay, read as a line with the terminal's own editing. */
static void ask_delay(struct top_opts *o, const struct termios *cooked)
{
    struct termios raw;
    char line[32];
    long v;

    tcgetattr(STDIN_FILENO, &raw);
    tcsetattr(STDIN_FILENO, TCSANOW, cooked);
    printf("\r\033[KDelay(sec): ");
    fflush(stdout);
    if (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (xt_parse_long(line, 1, 3600, &v) == 0)
            o->delay = v;
    }
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

/* Returns 0 to quit. */
static int key(int ch, struct top_opts *o, const struct termios *cooked)
{
    switch (ch) {
    case 'q': case 'Q': case 0x1b: return 0;
    case 'n': case 'N': o->nets ^= 1; break;
    case 'b': case 'B': o->vbds ^= 1; break;
    case 'v': case 'V': o->vcpus ^= 1; break;
    case 'r': case 'R': o->repeat ^= 1; break;
    case 'd': case 'D': ask_delay(o, cooked); break;
    }
    return 1;
}

static int screen_loop(struct be *be, struct top_opts *o)
{
    struct termios cooked, raw;
    struct sample cur, prev;
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    char err[XT_ERRLEN], ch;
    long shown = 0;
    int go = 1, rc = EXIT_OK;

    if (tcgetattr(STDIN_FILENO, &cooked) || !isatty(STDOUT_FILENO)) {
        xt_err("top: not on a terminal: -b prints the table in batch");
        return EXIT_FAIL;
    }
    raw = cooked;
    raw.c_lflag &= ~(ICANON | ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    memset(&prev, 0, sizeof(prev));
    while (go && !top_stop) {
        if (take_sample(be, &cur, err)) {
            sample_free(&cur);
            xt_err("top: %s", err);
            rc = EXIT_FAIL;
            break;
        }
        printf("\033[H\033[2J");
        summary(&cur);
        table(be, &cur, prev.n ? &prev : NULL, o);
        keys_line(o);
        sample_free(&prev);
        prev = cur;
        if (o->iterations && ++shown >= o->iterations)
            break;
        if (poll(&p, 1, (int)o->delay * 1000) > 0 &&
            read(STDIN_FILENO, &ch, 1) == 1)
            go = key(ch, o, &cooked);
    }
    sample_free(&prev);
    tcsetattr(STDIN_FILENO, TCSANOW, &cooked);
    printf("\n");
    return rc;
}

int main_top(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"batch", no_argument, NULL, 'b'},
        {"delay", required_argument, NULL, 'd'},
        {"iterations", required_argument, NULL, 'i'},
        {"networks", no_argument, NULL, 'n'},
        {"vbds", no_argument, NULL, 'x'},
        {"vcpus", no_argument, NULL, 'v'},
        {"repeat-header", no_argument, NULL, 'r'},
        {"full-name", no_argument, NULL, 'f'},
        {"dom0-first", no_argument, NULL, 'z'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct top_opts o = {0, 0, 0, 0, 0, 0, 0, 3, 0};
    struct sigaction sa;
    struct be *be = NULL;
    int opt, rc;

    SWITCH_FOREACH_OPT(opt, "bd:i:nxvrfz", longopts, "top", 0) {
    case 'b': o.batch = 1; break;
    case 'n': o.nets = 1; break;
    case 'x': o.vbds = 1; break;
    case 'v': o.vcpus = 1; break;
    case 'r': o.repeat = 1; break;
    case 'f': o.full_name = 1; break;
    case 'z': o.dom0_first = 1; break;
    case 'd':
    case 'i':
        if (xt_parse_long(optarg, 1, opt == 'd' ? 3600 : 1000000,
                          opt == 'd' ? &o.delay : &o.iterations)) {
            xt_err("top: invalid %s '%s'", opt == 'd' ? "delay"
                   : "iteration count", optarg);
            return EXIT_USAGE;
        }
        break;
    }
    xt_check_max_args(argc, argv, 0, "top");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    be = xt_backend();
    if (!be)
        return EXIT_FAIL;
    rc = o.batch ? batch_loop(be, &o) : screen_loop(be, &o);
    core_close(be);
    return rc;
}
