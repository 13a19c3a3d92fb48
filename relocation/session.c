/*
 * session.c - the destination's side of one migration, in either dialect:
 * the framed protocol (plain or inside TLS) and xl's own protocol.  Runs
 * in a process of its own (one per connection), holding the domain's lock
 * for the whole transfer, and reports its progress to the parent server
 * through a status pipe ("I NAME" receiving, "R" renamed, "C" clean), so
 * that the parent can remove a half-restored domain if this process dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cfg.h"
#include "managed.h"
#include "proto.h"
#include "reloc.h"
#include "session.h"

void reloc_vlogf(reloc_log_fn *log, void *opaque, int prio, const char *fmt,
                 va_list ap)
{
    char msg[1024];

    if (!log)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    log(prio, msg, opaque);
}

void reloc_slog(struct reloc_session *s, int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    reloc_vlogf(s->log, s->opaque, prio, fmt, ap);
    va_end(ap);
}

static void set_status(struct reloc_session *s, const char *line)
{
    if (s->status_fd >= 0)
        (void)!write(s->status_fd, line, strlen(line));
}

int reloc_lock_domain(const char *state_dir, const char *name, int wait,
                      int *fd_r, char *err)
{
    char path[4096];
    int fd;

    if (mkdir(state_dir, 0700) && errno != EEXIST) {
        snprintf(err, XT_ERRLEN, "%s: %s", state_dir, strerror(errno));
        return -1;
    }
    if (snprintf(path, sizeof(path), "%s/%s.lock", state_dir, name) >=
        (int)sizeof(path)) {
        snprintf(err, XT_ERRLEN, "%s: path too long", state_dir);
        return -1;
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, XT_ERRLEN, "%.300s: %s", path, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
        if (errno == EINTR && wait)
            continue;
        snprintf(err, XT_ERRLEN, errno == EWOULDBLOCK
                 ? "a migration of %s is already in progress"
                 : "cannot lock %s", name);
        close(fd);
        return -1;
    }
    *fd_r = fd;
    return 0;
}

/* Finds a domain by exact name; returns 1 and its state if it exists. */
static int find_dom(struct be *be, const char *name, uint32_t *domid_r,
                    unsigned int *state_r)
{
    struct be_dominfo *list = NULL;
    char err[XT_ERRLEN];
    int n = 0, i, found = 0;

    if (be->ops->list(be, &list, &n, err))
        return 0;
    for (i = 0; i < n && !found; i++) {
        if (list[i].name && !strcmp(list[i].name, name)) {
            *domid_r = list[i].domid;
            *state_r = list[i].state;
            found = 1;
        }
    }
    core_dominfo_list_free(list, n);
    return found;
}

int reloc_settle(struct be *be, const char *name, char *err)
{
    char incoming[RELOC_MAX_NAME + 32];
    unsigned int state;
    uint32_t domid;
    int where = 0;

    snprintf(incoming, sizeof(incoming), "%s%s", name,
             RELOC_INCOMING_SUFFIX);
    if (find_dom(be, incoming, &domid, &state) &&
        be->ops->destroy(be, domid, err))
        return -1;
    if (find_dom(be, name, &domid, &state)) {
        if (!(state & BE_ST_PAUSED))
            where = 1;
        else if (be->ops->destroy(be, domid, err))
            return -1;
    }
    return where;
}

static int config_for(struct be *be, const char *json, const char *new_name,
                      libxl_domain_config *dc, char *err)
{
    char msg[XT_ERRLEN];

    if (core_config_from_json(be, json, dc, msg)) {
        snprintf(err, XT_ERRLEN, "the stream's config is not usable: %.400s",
                 msg);
        return -1;
    }
    free(dc->c_info.name);
    dc->c_info.name = strdup(new_name);
    if (!dc->c_info.name) {
        snprintf(err, XT_ERRLEN, "out of memory");
        return -1;
    }
    return 0;
}

/* Reads the save-file header from fd and restores the domain, paused, as
 * NAME--incoming.  A failed receive leaves nothing behind. */
int reloc_receive_domain(struct reloc_session *s, int fd, const char *json,
                         uint32_t *domid_r, char *err)
{
    libxl_domain_config dc;
    char incoming[RELOC_MAX_NAME + 32], *hjson = NULL;
    int rc = -1;

    libxl_domain_config_init(&dc);
    snprintf(incoming, sizeof(incoming), "%s%s", s->name,
             RELOC_INCOMING_SUFFIX);
    if (!json) {
        if (reloc_header_read(s->be, fd, &hjson, err))
            goto out;
        json = hjson;
    }
    if (config_for(s->be, json, incoming, &dc, err))
        goto out;
    /* The source may still hold the disk locks: the new domain takes
     * them over when the source lets go. */
    if (s->be->ops->receive(s->be, &dc, fd,
                            BE_CREATE_PAUSED | BE_RECEIVE_MIGRATING,
                            domid_r, err)) {
        char e2[XT_ERRLEN];
        reloc_settle(s->be, s->name, e2);
        goto out;
    }
    rc = 0;
out:
    free(hjson);
    libxl_domain_config_dispose(&dc);
    return rc;
}

/* After permission: the domain takes its name and runs (or, when the
 * source asked for it, stays paused). */
int reloc_start_domain(struct reloc_session *s, uint32_t domid, char *err)
{
    set_status(s, "R\n");
    if (s->be->ops->rename(s->be, domid, s->name, err))
        return -1;
    if (!s->paused && s->be->ops->unpause(s->be, domid, err))
        return -1;
    return 0;
}

void reloc_session_mark(struct reloc_session *s, const char *state)
{
    char line[RELOC_MAX_NAME + 8];

    if (!strcmp(state, "I"))
        snprintf(line, sizeof(line), "I %s\n", s->name);
    else
        snprintf(line, sizeof(line), "%s\n", state);
    set_status(s, line);
}

void reloc_drop_copy(struct reloc_session *s, uint32_t domid)
{
    char err[XT_ERRLEN];

    if (s->be->ops->destroy(s->be, domid, err))
        reloc_slog(s, LOG_ERR, "%s: cannot remove the incoming copy: %s",
                   s->name, err);
    reloc_settle(s->be, s->name, err);
}

int reloc_register_managed(struct reloc_session *s, uint32_t domid,
                           char *err)
{
    struct managed_dom md = { 0 };
    libxl_domain_config c;
    struct cfg_extra x;
    int rc = -1;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    if (s->be->ops->get_config(s->be, domid, &c, err) ||
        (s->be->ops->get_extra && s->be->ops->get_extra(s->be, domid, &x,
                                                        err)))
        goto out;
    snprintf(md.uuid, sizeof(md.uuid), "%.36s", s->uuid);
    md.autostart = !!(s->flags & RELOC_F_AUTOSTART);
    md.name = strdup(s->name);
    md.json = cfg_config_to_json(&c);
    md.extra = cfg_extra_to_text(&x);
    if (!md.name || !md.json || !md.extra) {
        snprintf(err, XT_ERRLEN, "out of memory");
        goto out;
    }
    rc = managed_store(&md, err);
out:
    managed_dom_dispose(&md);
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&c);
    return rc;
}

/* ---- xl's dialect ---- */

static int xl_expect(int fd, const char *msg, const char *what, char *err)
{
    size_t n = strlen(msg) + 1;
    char buf[64];

    if (reloc_net_read(fd, buf, n, what, err))
        return -1;
    if (memcmp(buf, msg, n)) {
        snprintf(err, XT_ERRLEN, "unexpected data instead of the %s", what);
        return -1;
    }
    return 0;
}

static int xl_say(int fd, const char *msg, const char *what, char *err)
{
    return reloc_net_write(fd, msg, strlen(msg) + 1, what, err);
}

/* The header tells the name; the preflight runs on its config. */
static int xl_prepare(struct reloc_session *s, int rfd, char **json_r,
                      char *err)
{
    libxl_domain_config dc;
    int rc = -1;

    libxl_domain_config_init(&dc);
    if (reloc_header_read(s->be, rfd, json_r, err))
        goto out;
    if (core_config_from_json(s->be, *json_r, &dc, err))
        goto out;
    if (!dc.c_info.name || !reloc_name_valid(dc.c_info.name)) {
        snprintf(err, XT_ERRLEN, "the stream names no valid domain");
        goto out;
    }
    snprintf(s->name, sizeof(s->name), "%s", dc.c_info.name);
    if (reloc_lock_domain(s->conf->state_dir, s->name, 0, &s->lock_fd,
                          err) ||
        reloc_preflight(s->be, s->be->ops->name, s->name, *json_r, s->self,
                        err))
        goto out;
    rc = 0;
out:
    libxl_domain_config_dispose(&dc);
    return rc;
}

static int xl_finish(struct reloc_session *s, int rfd, int wfd,
                     uint32_t domid, char *err)
{
    char e2[XT_ERRLEN];
    char code;

    if (xl_say(wfd, RELOC_XL_READY, "ready message", err) ||
        xl_expect(rfd, RELOC_XL_GO, "permission to start", err)) {
        reloc_drop_copy(s, domid);
        return -1;
    }
    if (reloc_start_domain(s, domid, err) == 0) {
        code = 0;
        if (xl_say(wfd, RELOC_XL_REPORT, "report", e2) == 0)
            reloc_net_write(wfd, &code, 1, "report", e2);
        return 0;
    }
    reloc_drop_copy(s, domid);
    code = 1;
    if (xl_say(wfd, RELOC_XL_REPORT, "report", e2) == 0 &&
        reloc_net_write(wfd, &code, 1, "report", e2) == 0)
        xl_say(wfd, RELOC_XL_GO, "permission to resume", e2);
    return -1;
}

int reloc_xl_session(struct reloc_session *s, int rfd, int wfd,
                     int send_banner)
{
    char err[XT_ERRLEN], *json = NULL;
    uint32_t domid;
    int rc = -1, fallback;

    if (send_banner &&
        reloc_net_write(wfd, RELOC_XL_BANNER, sizeof(RELOC_XL_BANNER) - 1,
                        "banner", err))
        goto out;
    if (!s->be && core_open(&s->be, &fallback, err))
        goto out;
    if (xl_prepare(s, rfd, &json, err))
        goto out;
    alarm(0);
    reloc_slog(s, LOG_INFO, "receiving %s from %s (xl protocol)", s->name,
               s->conn.peer);
    reloc_session_mark(s, "I");
    if (reloc_receive_domain(s, rfd, json, &domid, err) == 0) {
        rc = xl_finish(s, rfd, wfd, domid, err);
        if (rc == 0)
            reloc_slog(s, LOG_INFO, "%s runs as domain %u", s->name, domid);
    }
    reloc_session_mark(s, "C");
out:
    if (rc)
        reloc_slog(s, LOG_ERR, "%s%s%s", *s->name ? s->name : "",
                   *s->name ? ": " : "", err);
    free(json);
    return rc;
}

/* ---- watching a receiving process ---- */

void reloc_watch_read(struct reloc_watch *w, int fd)
{
    char buf[128];
    ssize_t r;
    size_t i;

    while ((r = read(fd, buf, sizeof(buf))) > 0) {
        for (i = 0; i < (size_t)r; i++) {
            if (buf[i] != '\n') {
                if (w->len < sizeof(w->line) - 1)
                    w->line[w->len++] = buf[i];
                continue;
            }
            w->line[w->len] = '\0';
            if (w->line[0] == 'I' && w->line[1] == ' ' &&
                reloc_name_valid(w->line + 2)) {
                snprintf(w->name, sizeof(w->name), "%s", w->line + 2);
                w->state = 'I';
            } else if (w->line[0] == 'R' || w->line[0] == 'C') {
                w->state = w->line[0];
            }
            w->len = 0;
        }
    }
}

static void wlog(reloc_log_fn *log, void *opaque, int prio,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void wlog(reloc_log_fn *log, void *opaque, int prio,
                 const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    reloc_vlogf(log, opaque, prio, fmt, ap);
    va_end(ap);
}

void reloc_watch_reap(struct reloc_watch *w, const struct reloc_conf *c,
                      long pid, reloc_log_fn *log, void *opaque)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int lock = -1, fallback, where;

    if (w->state != 'I' && w->state != 'R')
        return;
    wlog(log, opaque, LOG_WARNING, "the transfer of %s (process %ld) "
         "died; cleaning up", w->name, pid);
    if (core_open(&be, &fallback, err) ||
        reloc_lock_domain(c->state_dir, w->name, 1, &lock, err)) {
        wlog(log, opaque, LOG_ERR, "%s: %s", w->name, err);
        goto out;
    }
    where = reloc_settle(be, w->name, err);
    if (where < 0)
        wlog(log, opaque, LOG_ERR, "%s: %s", w->name, err);
    else
        wlog(log, opaque, LOG_INFO, "%s: %s", w->name,
             where ? "the domain runs here" : "no copy left here");
    w->state = 'C';
out:
    if (lock >= 0)
        close(lock);
    if (be)
        core_close(be);
}

/* ---- xl's receiver on a pipe or socket pair ---- */

int reloc_xl_receive(const struct reloc_conf *c, int recv_fd, int send_fd,
                     int status_fd, int paused, reloc_log_fn *log,
                     void *opaque)
{
    struct reloc_session s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.conf = c;
    s.conn.fd = -1;
    s.status_fd = status_fd;
    s.lock_fd = -1;
    s.paused = paused;
    s.log = log;
    s.opaque = opaque;
    s.self = reloc_net_env_peer_is_self();
    snprintf(s.conn.peer, sizeof(s.conn.peer), "standard input");
    rc = reloc_xl_session(&s, recv_fd, send_fd, 1);
    if (s.be)
        core_close(s.be);
    if (s.lock_fd >= 0)
        close(s.lock_fd);
    return rc;
}
