/*
 * server.c - the relocation server: accepts connections, checks
 * hosts_allow, and serves each connection in a process of its own (as
 * tinysshd does), so that a malformed, hostile, truncated or slow client
 * costs only its own connection.  At most max_concurrent connections are
 * served at once; each has a deadline to reach the transfer and an I/O
 * timeout after.  When a connection's process dies in the middle of a
 * transfer, the server removes the half-restored domain it left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "proto.h"
#include "reloc.h"
#include "session.h"

struct child {
    pid_t pid;
    int fd;                      /* status pipe, read end */
    struct reloc_watch w;
};

struct reloc_server {
    const struct reloc_conf *conf;
    struct reloc_tls *tls;
    reloc_log_fn *log;
    void *opaque;
    int lfd;
    struct child *kids;
    int nkids;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void srv_log(struct reloc_server *srv, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void srv_log(struct reloc_server *srv, int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    reloc_vlogf(srv->log, srv->opaque, prio, fmt, ap);
    va_end(ap);
}

int reloc_server_new(const struct reloc_conf *c, reloc_log_fn *log,
                     void *opaque, struct reloc_server **srv_r, char *err)
{
    struct reloc_server *srv = calloc(1, sizeof(*srv));
    int rc = -1;

    if (!srv) {
        snprintf(err, XT_ERRLEN, "out of memory");
        return -1;
    }
    srv->conf = c;
    srv->log = log;
    srv->opaque = opaque;
    srv->lfd = -1;
    srv->kids = calloc(c->max_concurrent, sizeof(*srv->kids));
    if (!srv->kids) {
        snprintf(err, XT_ERRLEN, "out of memory");
        goto out;
    }
    if (reloc_tls_configured(c) && reloc_tls_new(c, 1, &srv->tls, err))
        goto out;
    if (!srv->tls && !c->allow_plain) {
        snprintf(err, XT_ERRLEN, "%s: the relocation group needs tls { "
                 "cert, key, ca }, psk_file or allow_plain = true",
                 c->file ? c->file : RELOC_DEFAULT_CONF);
        goto out;
    }
    if (reloc_net_listen(c->address, c->port, 64, &srv->lfd, err))
        goto out;
    *srv_r = srv;
    srv = NULL;
    rc = 0;
out:
    reloc_server_free(srv);
    return rc;
}

void reloc_server_free(struct reloc_server *srv)
{
    int i;

    if (!srv)
        return;
    for (i = 0; i < srv->nkids; i++)
        if (srv->kids[i].fd >= 0)
            close(srv->kids[i].fd);
    free(srv->kids);
    if (srv->lfd >= 0)
        close(srv->lfd);
    reloc_tls_free(srv->tls);
    free(srv);
}

/* ---- the framed dialect ---- */

static int refuse(struct reloc_session *s, const char *why)
{
    char err[XT_ERRLEN];

    reloc_slog(s, LOG_NOTICE, "refused %s from %s: %s", s->name,
               s->conn.peer, why);
    reloc_send_str(&s->conn, RELOC_REFUSE, why, err);
    return -1;
}

static int open_be(struct reloc_session *s, char *err)
{
    int fallback;

    return core_open(&s->be, &fallback, err);
}

/* HELLO: the preflight, under the domain's lock. */
static int accept_hello(struct reloc_session *s, struct reloc_hello *h)
{
    char err[XT_ERRLEN];

    snprintf(s->name, sizeof(s->name), "%s", h->name);
    if (open_be(s, err) ||
        reloc_lock_domain(s->conf->state_dir, s->name, 0, &s->lock_fd, err) ||
        reloc_preflight(s->be, h->backend, h->name, h->config_json,
                        s->self, err))
        return refuse(s, err);
    if (reloc_send_empty(&s->conn, RELOC_ACCEPT, err)) {
        reloc_slog(s, LOG_ERR, "%s: %s", s->name, err);
        return -1;
    }
    return 0;
}

/* DATA... DATA_END into the backend's receive, through a pump thread. */
static int receive_framed(struct reloc_session *s, uint32_t *domid_r,
                          char *err)
{
    struct reloc_pump p = { .conn = &s->conn, .fd = -1 };
    int fds[2] = { -1, -1 }, rc = -1, prc;

    if (pipe2(fds, O_CLOEXEC)) {
        snprintf(err, XT_ERRLEN, "pipe: %s", strerror(errno));
        return -1;
    }
    reloc_pipe_grow(fds[1]);
    p.fd = fds[1];
    if (reloc_pump_start(&p, 0, err)) {
        close(fds[1]);
        goto out;
    }
    rc = reloc_receive_domain(s, fds[0], NULL, domid_r, err);
    close(fds[0]);
    fds[0] = -1;
    prc = reloc_pump_join(&p);
    if (prc && (rc == 0 || !p.fd_failed)) {
        /* The stream's own failure explains the receive's, unless it
         * only failed because the receive had stopped reading. */
        snprintf(err, XT_ERRLEN, "%s", p.err);
        if (rc == 0)
            reloc_drop_copy(s, *domid_r);
        rc = -1;
    }
out:
    if (fds[0] >= 0)
        close(fds[0]);
    return rc;
}

/* READY, then GO (or anything else, which removes the copy). */
static int await_go(struct reloc_session *s, uint32_t domid, char *err)
{
    struct reloc_msg m = { 0 };
    char *reason = NULL;
    int rc = -1;

    reloc_test_pause("server-ready");
    if (reloc_send_u32(&s->conn, RELOC_READY, domid, err) ||
        reloc_msg_recv(&s->conn, &m, err))
        goto out;
    if (m.type == RELOC_GO && m.len == 0) {
        rc = 0;
    } else if (m.type == RELOC_ABORT &&
               !reloc_str_decode(m.data, m.len, &reason, err)) {
        snprintf(err, XT_ERRLEN, "the source gave up: %.400s", reason);
    } else {
        snprintf(err, XT_ERRLEN, "expected GO, got %s",
                 reloc_msg_name(m.type));
    }
out:
    free(reason);
    reloc_msg_dispose(&m);
    return rc;
}

static int report(struct reloc_session *s, uint32_t status, const char *msg,
                  char *err)
{
    struct reloc_buf b = { 0 };
    int rc = -1;

    reloc_buf_start(&b, RELOC_REPORT);
    reloc_buf_u32(&b, status);
    reloc_buf_str(&b, msg);
    if (!reloc_buf_finish(&b, err))
        rc = reloc_msg_send(&s->conn, &b, err);
    reloc_buf_dispose(&b);
    return rc;
}

static int finish_transfer(struct reloc_session *s, uint32_t domid)
{
    char err[XT_ERRLEN], e2[XT_ERRLEN], msg[XT_ERRLEN + 64];

    reloc_test_pause("server-go");
    if (reloc_start_domain(s, domid, err) == 0) {
        reloc_test_pause("server-started");
        reloc_session_mark(s, "C");
        reloc_slog(s, LOG_INFO, "%s from %s runs as domain %u", s->name,
                   s->conn.peer, domid);
        snprintf(msg, sizeof(msg), "%s runs as domain %u", s->name, domid);
        /* The domain runs whatever the store says; a failure to register
         * it leaves it unmanaged (never managed twice), and is said. */
        if ((s->flags & RELOC_F_MANAGED) &&
            reloc_register_managed(s, domid, e2)) {
            reloc_slog(s, LOG_ERR, "%s: not entered as a managed domain: "
                       "%s", s->name, e2);
            snprintf(msg, sizeof(msg), "%s runs as domain %u, but is not "
                     "managed there: %.300s", s->name, domid, e2);
        }
        if (report(s, 0, msg, e2))
            reloc_slog(s, LOG_WARNING, "%s: %s", s->name, e2);
        return 0;
    }
    reloc_slog(s, LOG_ERR, "%s: cannot start: %s", s->name, err);
    reloc_drop_copy(s, domid);
    reloc_session_mark(s, "C");
    if (!report(s, 1, err, e2))
        reloc_send_empty(&s->conn, RELOC_HANDBACK, e2);
    return -1;
}

/* A probe passed the preflight: this host's free memory, and done. */
static int answer_probe(struct reloc_session *s)
{
    libxl_physinfo phys;
    libxl_version_info ver;
    struct reloc_buf b = { 0 };
    char err[XT_ERRLEN];
    int rc = -1;

    libxl_physinfo_init(&phys);
    libxl_version_info_init(&ver);
    if (s->be->ops->host_info(s->be, &phys, &ver, err) == 0) {
        reloc_buf_start(&b, RELOC_PROBED);
        reloc_buf_u64(&b, (uint64_t)phys.free_pages * 4);
        if (!reloc_buf_finish(&b, err))
            rc = reloc_msg_send(&s->conn, &b, err);
    }
    if (rc)
        reloc_slog(s, LOG_ERR, "%s: probe: %s", s->name, err);
    else
        reloc_slog(s, LOG_INFO, "%s: probed by %s: it would be accepted",
                   s->name, s->conn.peer);
    reloc_buf_dispose(&b);
    libxl_version_info_dispose(&ver);
    libxl_physinfo_dispose(&phys);
    return rc;
}

static int serve_transfer(struct reloc_session *s, struct reloc_hello *h)
{
    char err[XT_ERRLEN], e2[XT_ERRLEN];
    uint32_t domid;

    if (accept_hello(s, h))
        return -1;
    if (h->flags & RELOC_F_PROBE)
        return answer_probe(s);
    s->paused = !!(h->flags & RELOC_F_PAUSED);
    s->flags = h->flags;
    snprintf(s->uuid, sizeof(s->uuid), "%s", h->uuid ? h->uuid : "");
    alarm(0);
    reloc_slog(s, LOG_INFO, "receiving %s from %s (%s%s)", s->name,
               s->conn.peer, h->flags & RELOC_F_LIVE ? "live, " : "",
               reloc_conn_cipher(&s->conn));
    reloc_session_mark(s, "I");
    reloc_test_pause("server-receive");
    if (receive_framed(s, &domid, err)) {
        reloc_slog(s, LOG_ERR, "%s: %s", s->name, err);
        reloc_send_str(&s->conn, RELOC_ABORT, err, e2);
        reloc_session_mark(s, "C");
        return -1;
    }
    if (await_go(s, domid, err)) {
        reloc_slog(s, LOG_ERR, "%s: %s", s->name, err);
        reloc_drop_copy(s, domid);
        reloc_session_mark(s, "C");
        return -1;
    }
    return finish_transfer(s, domid);
}

static int serve_resolve(struct reloc_session *s, struct reloc_msg *m)
{
    char err[XT_ERRLEN], *name = NULL, *uuid = NULL;
    int where = -1;

    if (reloc_resolve_decode(m->data, m->len, &name, &uuid, err))
        goto out;
    snprintf(s->name, sizeof(s->name), "%s", name);
    /* The transfer may hold the lock until its own I/O timeout. */
    alarm((unsigned int)(s->conf->io_timeout + s->conf->handshake_timeout));
    if (open_be(s, err) ||
        reloc_lock_domain(s->conf->state_dir, name, 1, &s->lock_fd, err))
        goto out;
    where = reloc_settle(s->be, name, err);
    if (where >= 0) {
        reloc_slog(s, LOG_INFO, "%s: asked by %s where it runs: %s", name,
                   s->conn.peer, where ? "here" : "not here");
        reloc_send_u32(&s->conn, RELOC_RESOLVED, (uint32_t)where, err);
    }
out:
    if (where < 0)
        reloc_slog(s, LOG_ERR, "resolve from %s: %s", s->conn.peer, err);
    free(name);
    free(uuid);
    return where < 0 ? -1 : 0;
}

static int serve_framed(struct reloc_session *s)
{
    struct reloc_msg m = { 0 };
    struct reloc_hello h = { 0 };
    char err[XT_ERRLEN];
    int rc = -1;

    if (reloc_msg_recv(&s->conn, &m, err)) {
        reloc_slog(s, LOG_NOTICE, "%s: %s", s->conn.peer, err);
        return -1;
    }
    if (m.type == RELOC_RESOLVE) {
        rc = serve_resolve(s, &m);
    } else if (m.type != RELOC_HELLO) {
        snprintf(s->name, sizeof(s->name), "?");
        refuse(s, "expected HELLO");
    } else if (reloc_hello_decode(m.data, m.len, &h, err)) {
        snprintf(s->name, sizeof(s->name), "?");
        refuse(s, err);
    } else {
        rc = serve_transfer(s, &h);
    }
    reloc_hello_dispose(&h);
    reloc_msg_dispose(&m);
    return rc;
}

/* ---- one connection, in its own process ---- */

static int pick_dialect(struct reloc_server *srv, struct reloc_session *s)
{
    unsigned char first;
    char err[XT_ERRLEN];
    ssize_t r;

    do
        r = recv(s->conn.fd, &first, 1, MSG_PEEK);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return -1;
    if (first == RELOC_DIALECT_TLS && srv->tls) {
        if (reloc_tls_accept(srv->tls, &s->conn, err)) {
            reloc_slog(s, LOG_NOTICE, "%s", err);
            return -1;
        }
        return serve_framed(s);
    }
    if (first == RELOC_DIALECT_FRAMED && srv->conf->allow_plain)
        return serve_framed(s);
    if (first == RELOC_DIALECT_XL && srv->conf->allow_plain)
        return reloc_xl_session(s, s->conn.fd, s->conn.fd, 0);
    reloc_slog(s, LOG_NOTICE, "%s: %s", s->conn.peer,
               first == RELOC_DIALECT_TLS ? "TLS is not configured here"
               : first == RELOC_DIALECT_FRAMED ||
                         first == RELOC_DIALECT_XL
                   ? "plain transfers are not allowed (allow_plain)"
                   : "not a migration stream");
    if (first == RELOC_DIALECT_FRAMED)
        reloc_send_str(&s->conn, RELOC_REFUSE, "plain transfers are not "
                       "allowed (allow_plain is off)", err);
    return -1;
}

static int serve_conn(struct reloc_server *srv, struct reloc_session *s)
{
    char addr[128], name[256], err[XT_ERRLEN], msg[512];

    reloc_net_peer(s->conn.fd, addr, sizeof(addr), name, sizeof(name));
    snprintf(s->conn.peer, sizeof(s->conn.peer), "%s", addr);
    if (!reloc_host_allowed(srv->conf, addr, name)) {
        reloc_slog(s, LOG_NOTICE, "connection from %s%s%s%s refused by "
                   "hosts_allow", addr, *name ? " (" : "", name,
                   *name ? ")" : "");
        snprintf(msg, sizeof(msg), "xltool relocation: host %s is not "
                 "allowed\n", addr);
        reloc_net_write(s->conn.fd, msg, strlen(msg), "refusal", err);
        return -1;
    }
    alarm((unsigned int)srv->conf->handshake_timeout);
    if (reloc_net_set_timeouts(s->conn.fd, srv->conf->io_timeout, err) ||
        reloc_net_write(s->conn.fd, RELOC_XL_BANNER,
                        sizeof(RELOC_XL_BANNER) - 1, "banner", err)) {
        reloc_slog(s, LOG_NOTICE, "%s: %s", addr, err);
        return -1;
    }
    return pick_dialect(srv, s);
}

static void child_main(struct reloc_server *srv, int cfd, int status_fd)
{
    struct reloc_session s;
    int i, rc;

    for (i = 0; i < srv->nkids; i++) {
        close(srv->kids[i].fd);
        srv->kids[i].fd = -1;
    }
    close(srv->lfd);
    srv->lfd = -1;
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    memset(&s, 0, sizeof(s));
    s.conf = srv->conf;
    s.conn.fd = cfd;
    s.self = reloc_net_peer_is_self(cfd);
    s.status_fd = status_fd;
    s.lock_fd = -1;
    s.log = srv->log;
    s.opaque = srv->opaque;
    rc = serve_conn(srv, &s);
    reloc_conn_close(&s.conn);
    if (s.be)
        core_close(s.be);
    if (s.lock_fd >= 0)
        close(s.lock_fd);
    close(status_fd);
    reloc_server_free(srv);
    /* exit, not _exit: under the sanitizers this checks that a
     * connection's process frees everything it took. */
    exit(rc ? 1 : 0);
}

/* ---- the parent: accepting, reaping, cleaning up after the dead ---- */

static void reap(struct reloc_server *srv)
{
    int status, i;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (i = 0; i < srv->nkids && srv->kids[i].pid != pid; i++)
            ;
        if (i == srv->nkids)
            continue;
        reloc_watch_read(&srv->kids[i].w, srv->kids[i].fd);
        if (WIFSIGNALED(status))
            srv_log(srv, LOG_WARNING, "connection process %ld killed by "
                    "signal %d", (long)pid, WTERMSIG(status));
        else if (WEXITSTATUS(status) > 1)
            srv_log(srv, LOG_WARNING, "connection process %ld exited with "
                    "status %d", (long)pid, WEXITSTATUS(status));
        reloc_watch_reap(&srv->kids[i].w, srv->conf, (long)pid, srv->log,
                         srv->opaque);
        close(srv->kids[i].fd);
        srv->kids[i] = srv->kids[--srv->nkids];
    }
}

static void spawn(struct reloc_server *srv, int cfd)
{
    int sp[2];
    pid_t pid;
    struct child *k;

    if (pipe2(sp, O_CLOEXEC)) {
        srv_log(srv, LOG_ERR, "pipe: %s", strerror(errno));
        return;
    }
    pid = fork();
    if (pid < 0) {
        srv_log(srv, LOG_ERR, "fork: %s", strerror(errno));
        close(sp[0]);
        close(sp[1]);
        return;
    }
    if (pid == 0) {
        close(sp[0]);
        child_main(srv, cfd, sp[1]);
    }
    close(sp[1]);
    fcntl(sp[0], F_SETFL, O_NONBLOCK);
    k = &srv->kids[srv->nkids++];
    memset(k, 0, sizeof(*k));
    k->pid = pid;
    k->fd = sp[0];
}

static void accept_one(struct reloc_server *srv)
{
    static const char busy[] = "xltool relocation: busy, try again later\n";
    char err[XT_ERRLEN];
    int cfd;

    cfd = accept4(srv->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (cfd < 0) {
        if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
            srv_log(srv, LOG_ERR, "accept: %s", strerror(errno));
        return;
    }
    if (srv->nkids >= srv->conf->max_concurrent) {
        srv_log(srv, LOG_WARNING, "max_concurrent (%d) reached: "
                "connection refused", srv->conf->max_concurrent);
        reloc_net_set_timeouts(cfd, 1, err);
        reloc_net_write(cfd, busy, sizeof(busy) - 1, "refusal", err);
    } else {
        spawn(srv, cfd);
    }
    close(cfd);
}

int reloc_server_run(struct reloc_server *srv, char *err)
{
    struct pollfd pfd[1 + 1024];
    struct sigaction sa;
    int i, n;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    srv_log(srv, LOG_INFO, "listening on %s port %d (%s%s)",
            srv->conf->address ? srv->conf->address : "*", srv->conf->port,
            srv->tls ? "TLS" : "", srv->conf->allow_plain
                ? (srv->tls ? ", plain allowed" : "plain") : "");
    while (!stop_requested) {
        pfd[0].fd = srv->lfd;
        pfd[0].events = POLLIN;
        for (i = 0; i < srv->nkids; i++) {
            pfd[1 + i].fd = srv->kids[i].fd;
            pfd[1 + i].events = POLLIN;
        }
        n = poll(pfd, 1 + srv->nkids, 1000);
        if (n < 0 && errno != EINTR) {
            snprintf(err, XT_ERRLEN, "poll: %s", strerror(errno));
            return -1;
        }
        for (i = 0; n > 0 && i < srv->nkids; i++)
            if (pfd[1 + i].revents)
                reloc_watch_read(&srv->kids[i].w, srv->kids[i].fd);
        reap(srv);
        if (n > 0 && (pfd[0].revents & POLLIN) && !stop_requested)
            accept_one(srv);
    }
    srv_log(srv, LOG_INFO, "stopping");
    return 0;
}
