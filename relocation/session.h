/*
 * session.h - internal to the relocation module: the state of one
 * incoming migration, shared by the server's dialects (server.c) and the
 * restore steps (session.c).
 */
#ifndef XLTOOL_RELOC_SESSION_H
#define XLTOOL_RELOC_SESSION_H

#include <stdarg.h>

#include "proto.h"
#include "reloc.h"

struct reloc_session {
    const struct reloc_conf *conf;
    struct be *be;
    struct reloc_conn conn;
    int status_fd;               /* to the parent server, or -1 */
    int lock_fd;
    int self;                    /* the source is this host */
    int paused;                  /* leave the domain paused (migrate -p) */
    unsigned int flags;          /* the HELLO's RELOC_F_* */
    char uuid[40];               /* the HELLO's */
    char name[RELOC_MAX_NAME + 1];
    reloc_log_fn *log;
    void *opaque;
};

/* Formats one message for a reloc_log_fn (none if log is NULL). */
void reloc_vlogf(reloc_log_fn *log, void *opaque, int prio, const char *fmt,
                 va_list ap) __attribute__((format(printf, 4, 0)));
void reloc_slog(struct reloc_session *s, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int reloc_lock_domain(const char *state_dir, const char *name, int wait,
                      int *fd_r, char *err);
/* Leaves no half-started copy of name: removes NAME--incoming and a
 * paused NAME.  Returns 1 if NAME runs here, 0 if not, -1 on error. */
int reloc_settle(struct be *be, const char *name, char *err);
/* json NULL: read the save-file header from fd first. */
int reloc_receive_domain(struct reloc_session *s, int fd, const char *json,
                         uint32_t *domid_r, char *err);
int reloc_start_domain(struct reloc_session *s, uint32_t domid, char *err);
void reloc_drop_copy(struct reloc_session *s, uint32_t domid);
/* RELOC_F_MANAGED: enters the running domain in this host's store. */
int reloc_register_managed(struct reloc_session *s, uint32_t domid,
                           char *err);
/* "I" (receiving), "C" (clean) for the parent server. */
void reloc_session_mark(struct reloc_session *s, const char *state);

/* xl's protocol on rfd/wfd (one socket, or stdin and stdout). */
int reloc_xl_session(struct reloc_session *s, int rfd, int wfd,
                     int send_banner);

#endif
