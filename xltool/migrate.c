/*
 * migrate.c - migration commands: migrate (the source), relocation-server
 * (the destination, in the foreground or as a daemon) and migrate-receive
 * (xl's receiver on standard input and output).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
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
static int receive_watched(const struct reloc_conf *c)
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
                              server_log, role);
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
    int opt, rc;

    /* xl's -F, -e, -d and -p are accepted; they change nothing here. */
    SWITCH_FOREACH_OPT(opt, "Fedp", NULL, "migrate-receive", 0) {
    case 'F': case 'e': case 'd': case 'p': break;
    }
    xt_check_max_args(argc, argv, 0, "migrate-receive");
    if (load_conf(&c))
        return EXIT_FAIL;
    signal(SIGPIPE, SIG_IGN);
    openlog("xltool-migrate-receive", LOG_PID, LOG_DAEMON);
    rc = receive_watched(&c);
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

static int build_rune(const char *ssh, const char *host, char **rune_r)
{
    if (!*ssh)
        return (*rune_r = strdup(host)) ? 0 : -1;
    return asprintf(rune_r, "exec %s %s xltool migrate-receive", ssh,
                    host) < 0 ? -1 : 0;
}

int main_migrate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"live", no_argument, NULL, 'l'},
        {"plain", no_argument, NULL, 0x100},
        {"json", no_argument, NULL, 0x101},
        {"port", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct reloc_migrate_args a = { .port = 0 };
    struct progress_state ps = { .tty = isatty(STDERR_FILENO) };
    struct reloc_result r;
    struct reloc_conf c;
    struct be *be = NULL;
    const char *ssh = NULL;
    char err[XT_ERRLEN], *rune = NULL;
    int opt, json = 0, rc = EXIT_FAIL;
    long port;

    reloc_conf_init(&c);
    SWITCH_FOREACH_OPT(opt, "lp:es:", longopts, "migrate", 2) {
    case 'l': a.live = 1; break;
    case 'e': break;  /* xl: do not wait for the domain's death; never do */
    case 's': ssh = optarg; break;
    case 0x100: a.plain = 1; break;
    case 0x101: json = 1; break;
    case 'p':
        if (xt_parse_long(optarg, 1, 65535, &port)) {
            xt_err("migrate: invalid port '%s'", optarg);
            return EXIT_USAGE;
        }
        a.port = (int)port;
        break;
    }
    xt_check_max_args(argc, argv, 2, "migrate");
    a.domain = argv[optind];
    a.host = argv[optind + 1];
    if (load_conf(&c))
        goto out;
    if (!a.port)
        a.port = c.port;
    if (ssh && build_rune(ssh, a.host, &rune)) {
        xt_err("out of memory");
        goto out;
    }
    a.rune = rune;
    a.progress = show_progress;
    a.notice = show_notice;
    a.opaque = &ps;
    signal(SIGPIPE, SIG_IGN);
    be = xt_backend();
    if (!be)
        goto out;
    if (reloc_migrate(be, &c, &a, &r, err)) {
        if (ps.shown)
            fputc('\n', stderr);
        xt_err("migrate %s: %s", a.domain, err);
        goto out;
    }
    if (ps.shown)
        fputc('\n', stderr);
    print_result(a.domain, a.host, &r, json);
    rc = EXIT_OK;
out:
    free(rune);
    if (be)
        core_close(be);
    reloc_conf_dispose(&c);
    return rc;
}
