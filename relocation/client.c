/*
 * client.c - the source's side of a migration.
 *
 * Order of events, and who owns the domain at each instant:
 *   preflight (HELLO/ACCEPT)       the source; nothing touched yet
 *   send (pre-copy rounds, suspend) the source; any failure resumes it
 *   READY                          the source; the destination holds a
 *                                  paused NAME--incoming
 *   rename to NAME--migratedaway, GO   from here the destination decides
 *   REPORT 0                       the destination; the source destroys
 *   REPORT !0, HANDBACK            the source renames back and resumes
 * If the connection is lost after GO, RESOLVE asks the destination which
 * way it went.  A guardian process (guard.c) does the same undo if this
 * process dies on the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "client.h"
#include "managed.h"
#include "proto.h"
#include "reloc.h"

double reloc_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the server's first line: xl's banner, or why it will not talk. */
static int read_banner(int fd, const char *host, char *err)
{
    char line[160], e2[XT_ERRLEN];
    size_t n = 0;

    while (n < sizeof(line) - 1) {
        if (reloc_net_read(fd, line + n, 1, "banner", e2)) {
            if (n == 0) {
                snprintf(err, XT_ERRLEN, "%.200s: %.300s", host, e2);
                return -1;
            }
            break;
        }
        if (line[n++] == '\n')
            break;
    }
    line[n] = '\0';
    if (!strcmp(line, RELOC_XL_BANNER))
        return 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (n = 0; line[n]; n++)
        if ((unsigned char)line[n] < 32 || (unsigned char)line[n] > 126)
            line[n] = '?';
    snprintf(err, XT_ERRLEN, "%s did not answer as a relocation server: "
             "%s", host, *line ? line : "connection closed");
    return -1;
}

int reloc_client_connect(const struct reloc_conf *c, const char *host,
                         int port, int plain, struct reloc_tls *tls,
                         struct reloc_conn *conn, char *err)
{
    conn->fd = -1;
    conn->ssl = NULL;
    snprintf(conn->peer, sizeof(conn->peer), "%s", host);
    if (reloc_net_connect(host, port, c->io_timeout, &conn->fd, err) ||
        reloc_net_set_timeouts(conn->fd, c->io_timeout, err) ||
        read_banner(conn->fd, host, err))
        goto fail;
    if (!plain && reloc_tls_connect(tls, conn, host, err))
        goto fail;
    return 0;
fail:
    reloc_conn_close(conn);
    return -1;
}

/* A config given for the destination (xl's -C) must describe the domain
 * that moves: its name.  The domain keeps its UUID (a config without one
 * gets a random one when it is read), as a migration never changes
 * which domain it is. */
static int check_override(struct mig *m, libxl_domain_config *o,
                          const libxl_uuid *uuid, char *err)
{
    const char *name = o->c_info.name;

    if (!name || strcmp(name, m->name)) {
        snprintf(err, XT_ERRLEN, "the config given for the destination "
                 "names domain '%s', not %s", name ? name : "", m->name);
        return -1;
    }
    libxl_uuid_copy(NULL, &o->c_info.uuid, uuid);
    return 0;
}

/* Whether the domain is managed here, and its autostart flag. */
static int managed_facts(struct mig *m, char *err)
{
    struct managed_dom md = { 0 };

    if (!managed_exists(m->uuid))
        return 0;
    if (managed_find(m->uuid, &md, err) != 1)
        return -1;
    m->managed = 1;
    m->autostart = md.autostart;
    managed_dom_dispose(&md);
    return 0;
}

static int domain_facts(struct mig *m, char *err)
{
    struct be_dominfo *list = NULL;
    libxl_domain_config dc;
    int n = 0, i, rc = -1;

    libxl_domain_config_init(&dc);
    if (core_lookup(m->be, m->a->domain, &m->domid, err) ||
        m->be->ops->list(m->be, &list, &n, err))
        goto out;
    for (i = 0; i < n && list[i].domid != m->domid; i++)
        ;
    if (i == n || !list[i].name || !reloc_name_valid(list[i].name)) {
        snprintf(err, XT_ERRLEN, "domain %s: no usable name to migrate",
                 m->a->domain);
        goto out;
    }
    snprintf(m->name, sizeof(m->name), "%s", list[i].name);
    m->type = list[i].type;
    snprintf(m->away, sizeof(m->away), "%s%s", m->name, RELOC_AWAY_SUFFIX);
    snprintf(m->uuid, sizeof(m->uuid), LIBXL_UUID_FMT,
             LIBXL_UUID_BYTES(list[i].uuid));
    if (managed_facts(m, err))
        goto out;
    if (m->be->ops->get_config(m->be, m->domid, &dc, err) ||
        (m->a->config && check_override(m, m->a->config, &list[i].uuid, err)))
        goto out;
    if (m->a->keep_domid)
        (m->a->config ? m->a->config : &dc)->c_info.domid = m->domid;
    m->json = cfg_config_to_json(m->a->config ? m->a->config : &dc);
    if (!m->json) {
        snprintf(err, XT_ERRLEN, "%s: cannot write its config as JSON",
                 m->name);
        goto out;
    }
    rc = 0;
out:
    core_dominfo_list_free(list, n);
    libxl_domain_config_dispose(&dc);
    return rc;
}

int reloc_live_check(const char *name, libxl_domain_type type,
                     const libxl_physinfo *phys, char *err)
{
    if (type == LIBXL_DOMAIN_TYPE_PV) {
        if (phys->cap_shadow)
            return 0;
        snprintf(err, XT_ERRLEN, "live migration of PV guests needs shadow "
                 "paging, which this hypervisor lacks; %s is untouched: "
                 "migrate it stop-and-copy (xm migrate without -l, xl "
                 "migrate --non-live)", name);
        return -1;
    }
    if (phys->cap_hap || phys->cap_shadow)
        return 0;
    snprintf(err, XT_ERRLEN, "live migration needs HAP or shadow paging, "
             "which this hypervisor lacks; %s is untouched: migrate it "
             "stop-and-copy (xm migrate without -l, xl migrate --non-live)",
             name);
    return -1;
}

/* Before anything is suspended: can this host send the domain live? */
static int live_possible(struct mig *m, char *err)
{
    libxl_physinfo phys;
    libxl_version_info ver;
    int rc = -1;

    libxl_physinfo_init(&phys);
    libxl_version_info_init(&ver);
    if (m->be->ops->host_info(m->be, &phys, &ver, err) == 0)
        rc = reloc_live_check(m->name, m->type, &phys, err);
    libxl_version_info_dispose(&ver);
    libxl_physinfo_dispose(&phys);
    return rc;
}

/* After a probe's ACCEPT: the destination's free memory (UINT64_MAX from
 * a server that does not know probes, and so ends the connection). */
static int read_probed(struct mig *m, char *err)
{
    struct reloc_msg msg = { 0 };
    int rc = -1;

    if (reloc_msg_recv(&m->conn, &msg, err)) {
        m->free_kb = UINT64_MAX;
        rc = 0;
    } else if (msg.type == RELOC_PROBED &&
               !reloc_u64_decode(msg.data, msg.len, &m->free_kb, err)) {
        rc = 0;
    } else if (msg.type != RELOC_PROBED) {
        snprintf(err, XT_ERRLEN, "%s: expected PROBED, got %s", m->a->host,
                 reloc_msg_name(msg.type));
    }
    reloc_msg_dispose(&msg);
    return rc;
}

/* 0: accepted; -1: refused or failed; 1: a --plain peer hung up on the
 * HELLO without answering. */
static int preflight(struct mig *m, char *err)
{
    struct reloc_hello h = {
        .version = RELOC_VERSION,
        .flags = (m->a->live ? RELOC_F_LIVE : 0) |
                 (m->a->paused ? RELOC_F_PAUSED : 0) |
                 (m->managed ? RELOC_F_MANAGED : 0) |
                 (m->autostart ? RELOC_F_AUTOSTART : 0) |
                 (m->probe ? RELOC_F_PROBE : 0),
        .backend = (char *)m->be->ops->name,
        .name = m->name,
        .uuid = m->uuid,
        .config_json = m->json,
    };
    struct reloc_buf b = { 0 };
    struct reloc_msg msg = { 0 };
    char *reason = NULL;
    int rc = -1;

    if (reloc_hello_encode(&b, &h, err) ||
        reloc_msg_send(&m->conn, &b, err))
        goto out;
    /* A relocation server answers HELLO, if only to refuse it. */
    if (m->a->plain) {
        rc = reloc_net_hung_up(m->conn.fd, "the answer to HELLO", err);
        if (rc)
            goto out;
        rc = -1;
    }
    if (reloc_msg_recv(&m->conn, &msg, err))
        goto out;
    if (msg.type == RELOC_ACCEPT && msg.len == 0) {
        rc = m->probe ? read_probed(m, err) : 0;
    } else if (msg.type == RELOC_REFUSE &&
               !reloc_str_decode(msg.data, msg.len, &reason, err)) {
        snprintf(err, XT_ERRLEN, "%.400s on %s", reason, m->a->host);
    } else if (msg.type != RELOC_REFUSE) {
        snprintf(err, XT_ERRLEN, "%s: expected ACCEPT, got %s", m->a->host,
                 reloc_msg_name(msg.type));
    }
out:
    free(reason);
    reloc_msg_dispose(&msg);
    reloc_buf_dispose(&b);
    return rc;
}

static void on_progress(const struct be_progress *p, void *opaque)
{
    struct mig *m = opaque;
    struct reloc_progress rp;

    if (p->suspended && !m->suspended) {
        m->suspended = 1;
        m->t_suspend = reloc_now();
    }
    if (p->round + 1 > m->rounds)
        m->rounds = p->round + 1;
    if (p->round >= 1 && !m->paused_once) {
        m->paused_once = 1;
        reloc_test_pause("client-precopy");
    }
    m->sent = p->sent_bytes;
    if (!m->a->progress)
        return;
    rp.total_bytes = p->total_bytes;
    rp.sent_bytes = p->sent_bytes;
    rp.round = p->round;
    rp.dirty_pages = p->dirty_pages;
    rp.suspended = p->suspended;
    rp.elapsed_s = reloc_now() - m->t0;
    m->a->progress(&rp, m->a->opaque);
}

/* The save-file header and the backend's stream, into fd. */
int reloc_client_send(struct mig *m, int fd, char *err)
{
    unsigned int flags = m->a->live ? BE_SEND_LIVE : 0;

    if (reloc_header_write(m->be, fd, m->json, err))
        return -1;
    if (!m->a->live) {
        m->suspended = 1;
        m->t_suspend = reloc_now();
    }
    reloc_guard_tell(m, 'S');
    if (m->be->ops->send(m->be, m->domid, fd, flags, on_progress, m, err))
        return -1;
    if (!m->suspended) {
        m->suspended = 1;
        m->t_suspend = reloc_now();
    }
    return 0;
}

static int transfer(struct mig *m, char *err)
{
    struct reloc_pump p = { .conn = &m->conn, .end_with_data_end = 1 };
    int fds[2] = { -1, -1 }, rc;

    /* A large pipe lets the backend run ahead while the pump encrypts. */
    if (pipe2(fds, O_CLOEXEC)) {
        snprintf(err, XT_ERRLEN, "pipe: %s", strerror(errno));
        return -1;
    }
    reloc_pipe_grow(fds[1]);
    p.fd = fds[0];
    if (reloc_pump_start(&p, 1, err)) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    rc = reloc_client_send(m, fds[1], err);
    close(fds[1]);
    if (reloc_pump_join(&p)) {
        /* The network's failure explains the backend's. */
        snprintf(err, XT_ERRLEN, "%s", p.err);
        rc = -1;
    }
    m->conn_failed = p.conn_failed;
    m->bytes = p.bytes;
    return rc;
}

static int expect_ready(struct mig *m, char *err)
{
    struct reloc_msg msg = { 0 };
    char *reason = NULL;
    int rc = -1;

    if (reloc_msg_recv(&m->conn, &msg, err))
        goto out;
    if (msg.type == RELOC_READY &&
        !reloc_u32_decode(msg.data, msg.len, &m->r->dest_domid, err)) {
        rc = 0;
    } else if (msg.type == RELOC_ABORT &&
               !reloc_str_decode(msg.data, msg.len, &reason, err)) {
        snprintf(err, XT_ERRLEN, "%s could not receive %s: %.400s",
                 m->a->host, m->name, reason);
    } else if (msg.type != RELOC_ABORT && msg.type != RELOC_READY) {
        snprintf(err, XT_ERRLEN, "%s: expected READY, got %s", m->a->host,
                 reloc_msg_name(msg.type));
    }
out:
    free(reason);
    reloc_msg_dispose(&msg);
    return rc;
}

/* 1: the destination runs the domain; 0: it failed and handed it back;
 * -1: nobody said (the connection was lost). */
static int await_report(struct mig *m, char *err)
{
    struct reloc_msg msg = { 0 };
    uint32_t status;
    char *text = NULL;
    int rc = -1;

    if (reloc_msg_recv(&m->conn, &msg, err) || msg.type != RELOC_REPORT ||
        reloc_report_decode(msg.data, msg.len, &status, &text, err))
        goto out;
    if (status == 0) {
        rc = 1;
        goto out;
    }
    snprintf(err, XT_ERRLEN, "%s could not start %s: %.400s", m->a->host,
             m->name, text);
    reloc_msg_dispose(&msg);
    if (reloc_msg_recv(&m->conn, &msg, m->err2) ||
        msg.type != RELOC_HANDBACK)
        goto out;
    rc = 0;
out:
    free(text);
    reloc_msg_dispose(&msg);
    return rc;
}

/* Before permission: the domain is ours again, as it was.  The resume
 * is retried for a while: the destination may still be letting go of
 * what the domain needs (its disks' locks) when we get here. */
int reloc_client_undo(struct mig *m, int renamed)
{
    double deadline = reloc_now() + m->c->io_timeout;
    char e2[XT_ERRLEN];
    int rc = 0;

    if (renamed && m->be->ops->rename(m->be, m->domid, m->name, e2))
        rc = -1;
    /* Managed here again, now that it is clear it stays. */
    if (renamed && m->managed && managed_unhide(m->uuid, e2))
        rc = -1;
    while (m->be->ops->resume(m->be, m->domid, e2)) {
        if (reloc_now() >= deadline)
            return -1;
        usleep(200000);
    }
    return rc;
}

void reloc_client_drop_managed(struct mig *m)
{
    char e2[XT_ERRLEN];

    if (m->managed && !m->keep_hidden)
        managed_drop_hidden(m->uuid, e2);
}

int reloc_client_finish(struct mig *m, int where, char *err)
{
    char e2[XT_ERRLEN];

    if (where == 1) {
        double now = reloc_now();
        m->r->downtime_s = now - m->t_suspend;
        if (m->t_sent > 0 && m->t_ready > 0) {
            m->r->last_round_s = m->t_sent - m->t_suspend;
            m->r->restore_s = m->t_ready - m->t_sent;
            m->r->handover_s = now - m->t_ready;
        }
        reloc_client_drop_managed(m);
        if (m->be->ops->destroy(m->be, m->domid, e2)) {
            snprintf(err, XT_ERRLEN, "%s runs on %.100s, but its old copy "
                     "here could not be destroyed: %.250s", m->name,
                     m->a->host, e2);
            return -1;
        }
        return 0;
    }
    if (reloc_client_undo(m, 1))
        snprintf(err + strlen(err), XT_ERRLEN - strlen(err),
                 "; resuming it here failed too");
    return -1;
}

static int handover(struct mig *m, char *err)
{
    char e2[XT_ERRLEN];
    int where;

    reloc_test_pause("client-ready");
    if (m->be->ops->rename(m->be, m->domid, m->away, err)) {
        reloc_send_str(&m->conn, RELOC_ABORT, err, e2);
        reloc_client_undo(m, 0);
        return -1;
    }
    /* Before GO: from here on the destination may register the domain in
     * its store, so this host's entry leaves the listing first. */
    if (m->managed && managed_hide(m->uuid, err)) {
        reloc_send_str(&m->conn, RELOC_ABORT, err, e2);
        reloc_client_undo(m, 1);
        return -1;
    }
    reloc_guard_tell(m, 'G');
    if (reloc_send_empty(&m->conn, RELOC_GO, e2) == 0) {
        reloc_test_pause("client-go");
        where = await_report(m, err);
    }
    else
        where = -1;
    if (where < 0) {
        where = reloc_resolve(m->c, m->a->host, m->a->port, m->a->plain,
                              m->tls, m->name, m->uuid, err);
        if (where < 0) {
            snprintf(err, XT_ERRLEN, "lost %s during the handover; it "
                     "stays paused here as %s until you check %s",
                     m->a->host, m->away, m->a->host);
            return -1;
        }
        if (where == 0)
            snprintf(err, XT_ERRLEN, "%s did not start %s", m->a->host,
                     m->name);
    }
    return reloc_client_finish(m, where, err);
}

/*
 * xl migrate-receive behind a plain TCP listener sends the same banner as
 * a relocation server, reads the HELLO as a save file with a bad magic
 * number and exits without a word.  A --plain peer that hangs up on the
 * HELLO is taken for one: nothing has been done to the domain yet, so the
 * client says so and starts again in xl's protocol, which has no
 * preflight.  A relocation server always answers HELLO (with REFUSE when
 * plain transfers are not allowed), so it never gets here.
 */
static int xl_fallback(struct mig *m, char *err)
{
    char msg[XT_ERRLEN];

    reloc_conn_close(&m->conn);
    if (m->a->notice) {
        snprintf(msg, sizeof(msg), "%.200s port %d hung up on the "
                 "preflight without an answer: taking it for xl "
                 "migrate-receive and sending %s in xl's protocol (no "
                 "preflight)", m->a->host, m->a->port, m->name);
        m->a->notice(msg, m->a->opaque);
    }
    return reloc_migrate_xl_tcp(m, err);
}

static int migrate_framed(struct mig *m, char *err)
{
    char e2[XT_ERRLEN];
    int rc;

    if (!m->a->plain && reloc_tls_new(m->c, 0, &m->tls, err))
        return -1;
    if (reloc_client_connect(m->c, m->a->host, m->a->port, m->a->plain,
                             m->tls, &m->conn, err))
        return -1;
    rc = preflight(m, err);
    if (rc > 0)
        return xl_fallback(m, err);
    if (rc < 0)
        return -1;
    if (reloc_guard_start(m, err))
        return -1;
    if (transfer(m, err)) {
        /* The destination may have said why it stopped reading. */
        if (m->conn_failed)
            expect_ready(m, err);
        reloc_send_str(&m->conn, RELOC_ABORT, err, e2);
        reloc_client_undo(m, 0);
        return -1;
    }
    m->t_sent = reloc_now();
    if (expect_ready(m, err)) {
        reloc_send_str(&m->conn, RELOC_ABORT, err, e2);
        reloc_client_undo(m, 0);
        return -1;
    }
    m->t_ready = reloc_now();
    return handover(m, err);
}

int reloc_migrate(struct be *be, const struct reloc_conf *c,
                  const struct reloc_migrate_args *a, struct reloc_result *r,
                  char *err)
{
    struct mig m;
    int rc;

    memset(&m, 0, sizeof(m));
    memset(r, 0, sizeof(*r));
    m.be = be;
    m.c = c;
    m.a = a;
    m.r = r;
    m.conn.fd = -1;
    m.guard_fd = -1;
    m.guard_pid = -1;
    m.t0 = reloc_now();
    rc = domain_facts(&m, err);
    if (!rc && a->live)
        rc = live_possible(&m, err);
    if (!rc)
        rc = a->rune ? reloc_migrate_xl(&m, err) : migrate_framed(&m, err);
    reloc_guard_stop(&m);
    reloc_conn_close(&m.conn);
    reloc_tls_free(m.tls);
    free(m.json);
    r->total_s = reloc_now() - m.t0;
    r->bytes = m.bytes ? m.bytes : m.sent;
    r->rounds = m.rounds;
    return rc;
}

int reloc_probe(struct be *be, const struct reloc_conf *c,
                const struct reloc_migrate_args *a, uint64_t *free_kb_r,
                char *err)
{
    struct reloc_result r;
    struct mig m;
    int rc;

    memset(&m, 0, sizeof(m));
    m.be = be;
    m.c = c;
    m.a = a;
    m.r = &r;
    m.conn.fd = -1;
    m.guard_fd = -1;
    m.guard_pid = -1;
    m.probe = 1;
    m.t0 = reloc_now();
    rc = domain_facts(&m, err);
    if (!rc && a->live)
        rc = live_possible(&m, err);
    if (!rc && !a->plain)
        rc = reloc_tls_new(c, 0, &m.tls, err);
    if (!rc)
        rc = reloc_client_connect(c, a->host, a->port, a->plain, m.tls,
                                  &m.conn, err);
    if (!rc && (rc = preflight(&m, err)) > 0) {
        snprintf(err, XT_ERRLEN, "%.200s port %d hung up on the preflight "
                 "(not a relocation server)", a->host, a->port);
        rc = -1;
    }
    if (!rc)
        *free_kb_r = m.free_kb;
    reloc_conn_close(&m.conn);
    reloc_tls_free(m.tls);
    free(m.json);
    return rc;
}
