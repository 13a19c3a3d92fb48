/*
 * guard.c - what keeps a migration safe when the source's process dies,
 * and the source side of xl's protocol (through a command, as xl runs
 * ssh, or over a plain TCP connection).
 *
 * The guardian is a small process forked once the destination has
 * accepted the domain.  The migrating process tells it through a pipe
 * how far it got; if the pipe closes before "done", the migrating
 * process died, and the guardian finishes its job: before permission was
 * given it resumes the domain here; after, it asks the destination
 * (RESOLVE) and either destroys the old copy or resumes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "managed.h"
#include "proto.h"
#include "reloc.h"

static int resolve_once(const struct reloc_conf *c, const char *host,
                        int port, int plain, struct reloc_tls *tls,
                        const char *name, const char *uuid, char *err)
{
    struct reloc_conn conn = { .fd = -1 };
    struct reloc_buf b = { 0 };
    struct reloc_msg msg = { 0 };
    uint32_t where;
    int rc = -1;

    if (reloc_client_connect(c, host, port, plain, tls, &conn, err))
        goto out;
    reloc_buf_start(&b, RELOC_RESOLVE);
    reloc_buf_u32(&b, RELOC_MAGIC);
    reloc_buf_u32(&b, RELOC_VERSION);
    reloc_buf_str(&b, name);
    reloc_buf_str(&b, uuid);
    if (reloc_buf_finish(&b, err) || reloc_msg_send(&conn, &b, err) ||
        reloc_msg_recv(&conn, &msg, err))
        goto out;
    if (msg.type != RELOC_RESOLVED ||
        reloc_u32_decode(msg.data, msg.len, &where, err) || where > 1) {
        snprintf(err, XT_ERRLEN, "%s: bad answer to RESOLVE", host);
        goto out;
    }
    rc = (int)where;
out:
    reloc_msg_dispose(&msg);
    reloc_buf_dispose(&b);
    reloc_conn_close(&conn);
    return rc;
}

int reloc_resolve(const struct reloc_conf *c, const char *host, int port,
                  int plain, struct reloc_tls *tls, const char *name,
                  const char *uuid, char *err)
{
    double deadline = reloc_now() + c->resolve_timeout;
    int where;

    for (;;) {
        where = resolve_once(c, host, port, plain, tls, name, uuid, err);
        if (where >= 0 || reloc_now() >= deadline)
            return where;
        sleep(1);
    }
}

/* The migrating process died: finish what it started. */
static void guard_act(struct mig *m, char phase)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int fallback, where = 0;

    if (core_open(&be, &fallback, err))
        return;
    m->be = be;
    if (phase == 'G')
        where = reloc_resolve(m->c, m->a->host, m->a->port, m->a->plain,
                              m->tls, m->name, m->uuid, err);
    if (where == 1) {
        reloc_client_drop_managed(m);
        be->ops->destroy(be, m->domid, err);
    }
    else if (where == 0)
        reloc_client_undo(m, 1);
    /* where < 0: nobody can tell; the domain stays paused here as
     * NAME--migratedaway, never running twice. */
    core_close(be);
}

static void guard_main(struct mig *m, int rfd)
{
    char phase = 0, ch;
    ssize_t r;
    int nul, fd;

    setsid();
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    /* Hold nothing of the migration's: a transport left open here would
     * keep the destination waiting. */
    for (fd = 3; fd < 1024; fd++)
        if (fd != rfd)
            close(fd);
    nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        close(nul);
    }
    for (;;) {
        r = read(rfd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        phase = ch;
    }
    if (phase == 'S' || phase == 'G')
        guard_act(m, phase);
    _exit(0);
}

int reloc_guard_start(struct mig *m, char *err)
{
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC)) {
        snprintf(err, XT_ERRLEN, "pipe: %s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, XT_ERRLEN, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        guard_main(m, p[0]);
    }
    close(p[0]);
    m->guard_fd = p[1];
    m->guard_pid = pid;
    return 0;
}

void reloc_guard_tell(struct mig *m, char phase)
{
    if (m->guard_fd >= 0)
        (void)!write(m->guard_fd, &phase, 1);
}

void reloc_guard_stop(struct mig *m)
{
    if (m->guard_fd < 0)
        return;
    reloc_guard_tell(m, 'D');
    close(m->guard_fd);
    m->guard_fd = -1;
    while (waitpid(m->guard_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    m->guard_pid = -1;
}

/* ---- the source side of xl's protocol, over a command's stdin/out ---- */

static pid_t spawn_rune(const char *rune, int *send_fd, int *recv_fd,
                        char *err)
{
    int to[2] = { -1, -1 }, from[2] = { -1, -1 };
    pid_t pid;

    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) {
        snprintf(err, XT_ERRLEN, "pipe: %s", strerror(errno));
        goto fail;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, XT_ERRLEN, "fork: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execlp("sh", "sh", "-c", rune, (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    reloc_pipe_grow(to[1]);
    *send_fd = to[1];
    *recv_fd = from[0];
    return pid;
fail:
    if (to[0] >= 0) { close(to[0]); close(to[1]); }
    if (from[0] >= 0) { close(from[0]); close(from[1]); }
    return -1;
}

static int xl_expect(struct mig *m, int fd, const char *msg, size_t n,
                     const char *what, char *err)
{
    char buf[128];

    if (reloc_net_read_timed(fd, buf, n, m->c->io_timeout, what, err))
        return -1;
    if (memcmp(buf, msg, n)) {
        snprintf(err, XT_ERRLEN, "unexpected data instead of the %s", what);
        return -1;
    }
    return 0;
}

/* After READY: permission, then the report. */
static int xl_handover(struct mig *m, int sfd, int rfd, char *err)
{
    char code;

    if (m->be->ops->rename(m->be, m->domid, m->away, err)) {
        reloc_client_undo(m, 0);
        return -1;
    }
    /* An xl receiver keeps no managed store: the entry is hidden here as
     * for a relocation server, and stays hidden (UUID.away, for the
     * admin) once the domain runs there, so that it is never started
     * here again beside the running one. */
    if (m->managed && managed_hide(m->uuid, err)) {
        reloc_client_undo(m, 1);
        return -1;
    }
    reloc_guard_tell(m, 'G');
    if (reloc_net_write(sfd, RELOC_XL_GO, sizeof(RELOC_XL_GO), "GO", err) ||
        xl_expect(m, rfd, RELOC_XL_REPORT, sizeof(RELOC_XL_REPORT), "report",
                  err) ||
        reloc_net_read_timed(rfd, &code, 1, m->c->io_timeout, "report",
                             err)) {
        snprintf(m->err2, XT_ERRLEN, "%s", err);
        snprintf(err, XT_ERRLEN, "lost the destination during the "
                 "handover (%.200s); %s stays paused here as %s until you "
                 "check %.60s", m->err2, m->name, m->away, m->a->host);
        return -1;
    }
    if (code == 0)
        return reloc_client_finish(m, 1, err);
    snprintf(err, XT_ERRLEN, "%s could not start %s (status %d)",
             m->a->host, m->name, code);
    if (xl_expect(m, rfd, RELOC_XL_GO, sizeof(RELOC_XL_GO), "permission to "
                  "resume", m->err2))
        return -1;
    return reloc_client_finish(m, 0, err);
}

/* Banner, stream, ready, permission and report over sfd and rfd. */
static int xl_transfer(struct mig *m, int sfd, int rfd, char *err)
{
    m->keep_hidden = 1;          /* before the guardian copies m */
    if (xl_expect(m, rfd, RELOC_XL_BANNER, sizeof(RELOC_XL_BANNER) - 1,
                  "banner", err) ||
        reloc_guard_start(m, err))
        return -1;
    if (reloc_client_send(m, sfd, err)) {
        reloc_client_undo(m, 0);
        return -1;
    }
    m->t_sent = reloc_now();
    if (xl_expect(m, rfd, RELOC_XL_READY, sizeof(RELOC_XL_READY),
                  "ready message", err)) {
        reloc_client_undo(m, 0);
        return -1;
    }
    m->t_ready = reloc_now();
    return xl_handover(m, sfd, rfd, err);
}

/* A failure says how the receiving command ended, if it failed too
 * (ssh's 255 for a refused login, say). */
static void rune_status(char *err, int status)
{
    char e[XT_ERRLEN];

    snprintf(e, sizeof(e), "%s", err);
    if (WIFSIGNALED(status))
        snprintf(err, XT_ERRLEN, "%.400s (the receiving command was "
                 "killed by signal %d)", e, WTERMSIG(status));
    else if (WIFEXITED(status) && WEXITSTATUS(status))
        snprintf(err, XT_ERRLEN, "%.400s (the receiving command failed "
                 "with exit code %d)", e, WEXITSTATUS(status));
}

int reloc_migrate_xl(struct mig *m, char *err)
{
    int sfd = -1, rfd = -1, rc, status = 0;
    pid_t pid;

    pid = spawn_rune(m->a->rune, &sfd, &rfd, err);
    if (pid < 0)
        return -1;
    rc = xl_transfer(m, sfd, rfd, err);
    close(sfd);
    close(rfd);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc)
        rune_status(err, status);
    return rc;
}

int reloc_migrate_xl_tcp(struct mig *m, char *err)
{
    int fd = -1, rc = -1;

    if (reloc_net_connect(m->a->host, m->a->port, m->c->io_timeout, &fd,
                          err) ||
        reloc_net_set_timeouts(fd, m->c->io_timeout, err))
        goto out;
    rc = xl_transfer(m, fd, fd, err);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}
