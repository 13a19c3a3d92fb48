/*
 * migrate.c - migration commands: migrate (the source), relocation-server
 * (the destination, in the foreground or as a daemon) and migrate-receive
 * (xl's receiver on standard input and output).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reloc.h"
#include "xltool.h"

static int load_conf(struct reloc_conf *c)
{
    char err[XT_ERRLEN];

    reloc_conf_init(c);
    if (reloc_conf_load(c, NULL, err)) {
        xt_err("%s", err);
        return -1;
    }
    return 0;
}

/* ---- relocation-server ---- */

static int log_stderr = 1;

/* opaque: the command that logs (relocation-server by default). */
static void server_log(int prio, const char *msg, void *opaque)
{
    syslog(prio, "%s", msg);
    if (log_stderr)
        fprintf(stderr, "%s: %s[%ld]: %s\n", xt_progname,
                opaque ? (const char *)opaque : "relocation-server",
                (long)getpid(), msg);
}

int main_relocation_server(int argc, char **argv)
{
    struct reloc_server *srv = NULL;
    struct reloc_conf c;
    char err[XT_ERRLEN];
    int opt, foreground = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "F", NULL, "relocation-server", 0) {
    case 'F': foreground = 1; break;
    }
    xt_check_max_args(argc, argv, 0, "relocation-server");
    if (load_conf(&c))
        goto out;
    openlog("xltool-relocation", LOG_PID, LOG_DAEMON);
    if (reloc_server_new(&c, server_log, NULL, &srv, err)) {
        xt_err("%s", err);
        goto out;
    }
    if (!foreground) {
        if (daemon(0, 0)) {
            xt_err("cannot become a daemon: %m");
            goto out;
        }
        log_stderr = 0;
    }
    if (reloc_server_run(srv, err)) {
        server_log(LOG_ERR, err, NULL);
        goto out;
    }
    rc = EXIT_OK;
out:
    reloc_server_free(srv);
    reloc_conf_dispose(&c);
    return rc;
}

/* ---- migrate-receive ---- */

/*
 * The transfer runs in a child process that this one watches: if the
 * child dies in the middle of it (killed, say), this one removes the
 * half-restored copy it left, as the relocation server does for its
 * connections, so that the source, which resumes the domain when the
 * stream breaks, keeps the only copy.
 */
static int receive_watched(const struct reloc_conf *c, int paused)
{
    static char role[] = "migrate-receive";
    struct reloc_watch w = { 0 };
    int sp[2], status = 0, rc;
    pid_t pid;

    if (pipe2(sp, O_CLOEXEC)) {
        xt_err("migrate-receive: pipe: %s", strerror(errno));
        return EXIT_FAIL;
    }
    pid = fork();
    if (pid < 0) {
        xt_err("migrate-receive: fork: %s", strerror(errno));
        close(sp[0]);
        close(sp[1]);
        return EXIT_FAIL;
    }
    if (pid == 0) {
        close(sp[0]);
        rc = reloc_xl_receive(c, STDIN_FILENO, STDOUT_FILENO, sp[1],
                              paused, server_log, role);
        close(sp[1]);
        return rc ? EXIT_FAIL : EXIT_OK;
    }
    close(sp[1]);
    /* Waiting on the process, not on the pipe: a guest the child
     * started must not keep this one waiting. */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    fcntl(sp[0], F_SETFL, O_NONBLOCK);
    reloc_watch_read(&w, sp[0]);
    close(sp[0]);
    if (WIFSIGNALED(status)) {
        char msg[128];
        snprintf(msg, sizeof(msg), "receiving process %ld killed by "
                 "signal %d", (long)pid, WTERMSIG(status));
        server_log(LOG_WARNING, msg, role);
    }
    reloc_watch_reap(&w, c, (long)pid, server_log, role);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? EXIT_OK
                                                         : EXIT_FAIL;
}

int main_migrate_receive(int argc, char **argv)
{
    struct reloc_conf c;
    int opt, rc, paused = 0;

    /* xl's -F, -e and -d are accepted; they change nothing here. */
    SWITCH_FOREACH_OPT(opt, "Fedp", NULL, "migrate-receive", 0) {
    case 'F': case 'e': case 'd': break;
    case 'p': paused = 1; break;
    }
    xt_check_max_args(argc, argv, 0, "migrate-receive");
    if (load_conf(&c))
        return EXIT_FAIL;
    signal(SIGPIPE, SIG_IGN);
    openlog("xltool-migrate-receive", LOG_PID, LOG_DAEMON);
    rc = receive_watched(&c, paused);
    reloc_conf_dispose(&c);
    return rc;
}

/* ---- migrate ---- */

struct progress_state {
    int tty;
    int shown;
    double last;
};

/* What is left: the rest of the first pass over memory, then the pages
 * dirtied during the last round.  The percentage is of what has been
 * sent plus what is left, so it reaches 100 as the rounds converge. */
static void show_progress(const struct reloc_progress *p, void *opaque)
{
    struct progress_state *ps = opaque;
    uint64_t left;
    double pct, mbs, eta;

    if (!ps->tty || (ps->shown && !p->suspended &&
                     p->elapsed_s - ps->last < 0.2))
        return;
    ps->last = p->elapsed_s;
    if (p->round == 0)
        left = p->total_bytes > p->sent_bytes
                   ? p->total_bytes - p->sent_bytes : 0;
    else
        left = p->dirty_pages * 4096;
    pct = p->sent_bytes + left
              ? 100.0 * (double)p->sent_bytes /
                    (double)(p->sent_bytes + left)
              : 100.0;
    mbs = p->elapsed_s > 0 ? (double)p->sent_bytes / 1e6 / p->elapsed_s : 0;
    eta = mbs > 0 ? (double)left / 1e6 / mbs : 0;
    fprintf(stderr, "\r%5.1f%%  %8.1f MB/s  round %d  dirty %llu pages  "
            "ETA %.1fs%s   ", pct, mbs, p->round,
            (unsigned long long)p->dirty_pages, eta,
            p->suspended ? "  (suspended)" : "");
    ps->shown = 1;
}

static void show_notice(const char *msg, void *opaque)
{
    struct progress_state *ps = opaque;

    if (ps->shown) {
        fputc('\n', stderr);
        ps->shown = 0;
    }
    fprintf(stderr, "%s: %s\n", xt_progname, msg);
}

static void print_result(const char *dom, const char *host,
                         const struct reloc_result *r, int json)
{
    if (json) {
        printf("{\"domain\": \"%s\", \"host\": \"%s\", \"total_s\": %.3f, "
               "\"downtime_ms\": %.1f, \"bytes\": %llu, \"rounds\": %d, "
               "\"throughput_mbs\": %.1f, \"last_round_ms\": %.1f, "
               "\"restore_ms\": %.1f, \"handover_ms\": %.1f}\n", dom, host,
               r->total_s, r->downtime_s * 1000,
               (unsigned long long)r->bytes, r->rounds,
               r->total_s > 0 ? (double)r->bytes / 1e6 / r->total_s : 0,
               r->last_round_s * 1000, r->restore_s * 1000,
               r->handover_s * 1000);
        return;
    }
    printf("Migrated %s to %s: total %.2f s, downtime %.1f ms, %llu bytes "
           "sent, %d round%s\n", dom, host, r->total_s,
           r->downtime_s * 1000, (unsigned long long)r->bytes, r->rounds,
           r->rounds == 1 ? "" : "s");
}

/* The command that receives on the other side, as xl builds it: the
 * destination's tool of the name this one runs as. */
static int build_rune(const char *ssh, const char *host, int paused,
                      char **rune_r)
{
    if (!*ssh)
        return (*rune_r = strdup(host)) ? 0 : -1;
    return asprintf(rune_r, "exec %s %s %s migrate-receive%s", ssh, host,
                    xt_progname, paused ? " -p" : "") < 0 ? -1 : 0;
}

/* What the command line asked for, in either grammar. */
struct migrate_opts {
    struct reloc_migrate_args a;
    const char *ssh;             /* -s SSHCMD (xl), or NULL */
    const char *config;          /* -C CONFIG (xl), or NULL */
    int json;
};

static int parse_port(const char *s, int *port_r)
{
    long port;

    if (xt_parse_long(s, 1, 65535, &port)) {
        xt_err("migrate: invalid port '%s'", s);
        return -1;
    }
    *port_r = (int)port;
    return 0;
}

enum {
    OPT_PLAIN = 0x100, OPT_JSON, OPT_PORT, OPT_DEBUG, OPT_LIVE,
    OPT_NONLIVE, OPT_XM_IGNORED,
};

/* xl 4.17: always live; -p paused at the destination; -s SSHCMD; -C. */
static int parse_migrate_xl(int argc, char **argv, struct migrate_opts *o)
{
    static const struct option longopts[] = {
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"live", no_argument, NULL, OPT_LIVE},
        {"non-live", no_argument, NULL, OPT_NONLIVE},
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"json", no_argument, NULL, OPT_JSON},
        {"port", required_argument, NULL, OPT_PORT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    o->a.live = 1;
    /* -l is not xl's, but harmless: earlier xltool scripts use it. */
    SWITCH_FOREACH_OPT(opt, "FC:s:epDl", longopts, "migrate", 2) {
    case 'C': o->config = optarg; break;
    case 's': o->ssh = optarg; break;
    case 'p': o->a.paused = 1; break;
    case 'D': o->a.keep_domid = 1; break;
    case 'F': case 'e': case 'l': case OPT_DEBUG: case OPT_LIVE: break;
    case OPT_NONLIVE: o->a.live = 0; break;
    case OPT_PLAIN: o->a.plain = 1; break;
    case OPT_JSON: o->json = 1; break;
    case OPT_PORT:
        if (parse_port(optarg, &o->a.port))
            return -1;
        break;
    }
    return 0;
}

/* xm 4.4: -l live, -p PORT, -s (SSL: always on here), and xend's tuning
 * options, which are accepted. */
static int parse_migrate_xm(int argc, char **argv, struct migrate_opts *o)
{
    static const struct option longopts[] = {
        {"live", no_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"node", required_argument, NULL, 'n'},
        {"ssl", no_argument, NULL, 's'},
        {"change_home_server", no_argument, NULL, 'c'},
        {"max_iters", required_argument, NULL, OPT_XM_IGNORED},
        {"max_factor", required_argument, NULL, OPT_XM_IGNORED},
        {"min_remaining", required_argument, NULL, OPT_XM_IGNORED},
        {"abort_if_busy", no_argument, NULL, OPT_XM_IGNORED},
        {"log_progress", no_argument, NULL, OPT_XM_IGNORED},
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long v;
    int opt;

    SWITCH_FOREACH_OPT(opt, "lp:n:sc", longopts, "migrate", 2) {
    case 'l': o->a.live = 1; break;
    case 's': case 'c': break;
    case 'n': case OPT_XM_IGNORED:
        if (optarg && xt_parse_long(optarg, -1, INT32_MAX, &v)) {
            xt_err("migrate: invalid number '%s'", optarg);
            return -1;
        }
        break;
    case OPT_PLAIN: o->a.plain = 1; break;
    case OPT_JSON: o->json = 1; break;
    case 'p':
        if (parse_port(optarg, &o->a.port))
            return -1;
        break;
    }
    return 0;
}

/* -C CONFIG: the config the destination builds the domain from.  It must
 * name the domain that moves, so that no second domain of another name
 * appears there. */
static int load_override(const char *file, libxl_domain_config *dc)
{
    struct cfg_extra extra;
    int rc;

    cfg_extra_init(&extra);
    rc = xt_load_config(NULL, file, 0, NULL, dc, &extra);
    cfg_extra_dispose(&extra);
    return rc;
}

static int run_migrate(struct migrate_opts *o)
{
    struct progress_state ps = { .tty = isatty(STDERR_FILENO) };
    libxl_domain_config override;
    struct reloc_result r;
    struct reloc_conf c;
    struct be *be = NULL;
    char err[XT_ERRLEN], *rune = NULL;
    int rc = EXIT_FAIL;

    reloc_conf_init(&c);
    libxl_domain_config_init(&override);
    if (o->config) {
        if (load_override(o->config, &override))
            goto out;
        o->a.config = &override;
    }
    if (load_conf(&c))
        goto out;
    if (!o->a.port)
        o->a.port = c.port;
    if (o->ssh && build_rune(o->ssh, o->a.host, o->a.paused, &rune)) {
        xt_err("out of memory");
        goto out;
    }
    o->a.rune = rune;
    o->a.progress = show_progress;
    o->a.notice = show_notice;
    o->a.opaque = &ps;
    signal(SIGPIPE, SIG_IGN);
    be = xt_backend();
    if (!be)
        goto out;
    if (reloc_migrate(be, &c, &o->a, &r, err)) {
        if (ps.shown)
            fputc('\n', stderr);
        xt_err("migrate %s: %s", o->a.domain, err);
        goto out;
    }
    if (ps.shown)
        fputc('\n', stderr);
    print_result(o->a.domain, o->a.host, &r, o->json);
    rc = EXIT_OK;
out:
    free(rune);
    if (be)
        core_close(be);
    libxl_domain_config_dispose(&override);
    reloc_conf_dispose(&c);
    return rc;
}

int main_migrate(int argc, char **argv)
{
    struct migrate_opts o;

    memset(&o, 0, sizeof(o));
    if (xt_xm_mode ? parse_migrate_xm(argc, argv, &o)
                   : parse_migrate_xl(argc, argv, &o))
        return EXIT_USAGE;
    xt_check_max_args(argc, argv, 2, "migrate");
    o.a.domain = argv[optind];
    o.a.host = argv[optind + 1];
    return run_migrate(&o);
}
