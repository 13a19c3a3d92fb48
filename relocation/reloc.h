/*
 * reloc.h - the relocation module: xltool.conf's relocation group, the
 * socket and TLS layers, the relocation server and the migration client.
 *
 * Like every library of xltool, nothing here prints or exits: functions
 * return -1 with a message in err (XT_ERRLEN bytes) naming the file, peer
 * or domain at fault.  The server reports what it does through a log
 * callback that the caller routes to syslog and stderr.
 */
#ifndef XLTOOL_RELOC_H
#define XLTOOL_RELOC_H

#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <sys/types.h>

#include "core.h"
#include "proto.h"

#define RELOC_DEFAULT_CONF "/etc/xen/xltool.conf"
#define RELOC_DEFAULT_STATE_DIR "/run/xltool"

/* The "relocation" group of xltool.conf. */
struct reloc_conf {
    char *file;                  /* the file read, NULL if there was none */
    char *address;               /* listen address; NULL means any */
    int port;
    int n_allow;
    char **allow_src;            /* hosts_allow as written */
    regex_t *allow_re;           /* compiled, extended, anchored */
    char *cert, *key, *ca;       /* mutual TLS */
    char *psk_file;              /* TLS with an external PSK */
    int allow_plain;
    int max_concurrent;
    int handshake_timeout;       /* seconds to reach the transfer */
    int io_timeout;              /* seconds any read or write may stall */
    int resolve_timeout;         /* seconds the client retries RESOLVE */
    char *state_dir;             /* per-domain lock files */
};

void reloc_conf_init(struct reloc_conf *c);
void reloc_conf_dispose(struct reloc_conf *c);
/*
 * Reads path, or $XLTOOL_CONF, or /etc/xen/xltool.conf.  A missing
 * /etc/xen/xltool.conf leaves the defaults; a file named by path or
 * $XLTOOL_CONF must exist.  Any problem fails with "FILE:LINE: message"
 * in err.
 */
int reloc_conf_load(struct reloc_conf *c, const char *path, char *err);
/*
 * The "domains" group of xltool.conf: what host-start, host-stop and
 * evacuate do with the host's domains.  Read from the same file as the
 * relocation group, as strictly.
 */
enum reloc_stop_action {
    RELOC_STOP_SAVE,             /* save each domain (the default) */
    RELOC_STOP_MIGRATE,          /* migrate live to migrate_to */
    RELOC_STOP_SHUTDOWN,         /* shut down, destroy after the timeout */
};
struct reloc_domains_conf {
    int parallel;                /* domains handled at once */
    char *auto_dir;              /* configs host-start creates */
    char *save_dir;              /* host-stop's save files */
    enum reloc_stop_action stop;
    char *migrate_to;            /* stop = "migrate" */
    int shutdown_timeout;        /* seconds */
};
#define RELOC_DEFAULT_AUTO_DIR "/etc/xen/auto"
#define RELOC_DEFAULT_SAVE_DIR "/var/lib/xltool/save"
void reloc_domains_conf_init(struct reloc_domains_conf *d);
void reloc_domains_conf_dispose(struct reloc_domains_conf *d);
/* The file as reloc_conf_load finds it. */
int reloc_domains_conf_load(struct reloc_domains_conf *d, const char *path,
                            char *err);

/* 1 if the peer's address or name matches hosts_allow (or the list is
 * empty), else 0. */
int reloc_host_allowed(const struct reloc_conf *c, const char *addr,
                       const char *name);

/* net.c: sockets, in the manner of Redis' anet. */
int reloc_net_listen(const char *addr, int port, int backlog, int *fd_r,
                     char *err);
int reloc_net_connect(const char *host, int port, int timeout_s, int *fd_r,
                      char *err);
int reloc_net_set_timeouts(int fd, int seconds, char *err);
int reloc_net_peer(int fd, char *addr, size_t addrlen, char *name,
                   size_t namelen);
/* 1 if the peer of a connected socket is this host: a loopback address,
 * or the very address the connection arrived on. */
int reloc_net_peer_is_self(int fd);
/* The same for a receiver on standard input, from what ssh
 * (SSH_CONNECTION) or socat (SOCAT_PEERADDR, SOCAT_SOCKADDR) put in its
 * environment; 0 when neither did. */
int reloc_net_env_peer_is_self(void);
/* Reads or writes exactly n bytes of a plain fd, retrying EINTR.  A read
 * that meets end of file after some or no bytes fails with "closed". */
int reloc_net_read(int fd, void *buf, size_t n, const char *what,
                   char *err);
int reloc_net_write(int fd, const void *buf, size_t n, const char *what,
                    char *err);
/* Waits (within the socket's timeout) for the first byte of an answer
 * without taking it: 0 when it is there, 1 when the peer closed or reset
 * the connection before sending any, -1 on any other failure. */
int reloc_net_hung_up(int fd, const char *what, char *err);
/* The same, for fds without socket timeouts (pipes): gives up after
 * timeout_s seconds without data. */
int reloc_net_read_timed(int fd, void *buf, size_t n, int timeout_s,
                         const char *what, char *err);

/* tls.c: TLS 1.3 with mutual certificates or an external PSK, and the
 * connection object that both the plain and the TLS dialects use. */
struct reloc_tls;
struct reloc_conn {
    int fd;
    void *ssl;                   /* SSL *, NULL for plain connections */
    char peer[256];              /* for messages */
};

/* Fails unless c names a usable certificate set or PSK file. */
int reloc_tls_new(const struct reloc_conf *c, int server,
                  struct reloc_tls **tls_r, char *err);
void reloc_tls_free(struct reloc_tls *tls);
int reloc_tls_configured(const struct reloc_conf *c);
/* Runs the handshake on conn->fd.  host (client side) is the name or
 * address the certificate must carry; NULL skips the name check. */
int reloc_tls_accept(struct reloc_tls *tls, struct reloc_conn *conn,
                     char *err);
int reloc_tls_connect(struct reloc_tls *tls, struct reloc_conn *conn,
                      const char *host, char *err);
/* "TLS_AES_128_GCM_SHA256", or "plain", for the logs. */
const char *reloc_conn_cipher(const struct reloc_conn *conn);
/* Closes conn (TLS close_notify if it can), leaving fd = -1. */
void reloc_conn_close(struct reloc_conn *conn);
int reloc_conn_read(struct reloc_conn *conn, void *buf, size_t n,
                    const char *what, char *err);
int reloc_conn_write(struct reloc_conn *conn, const void *buf, size_t n,
                     const char *what, char *err);

/* One framed message, read with every bound checked. */
struct reloc_msg {
    uint16_t type;
    uint32_t len;
    uint8_t *data;               /* len bytes; NULL if len is 0 */
    int owned;                   /* data is malloc'd (dispose frees it) */
};
int reloc_msg_recv(struct reloc_conn *conn, struct reloc_msg *m, char *err);
/* The same, into buf when the payload fits in cap bytes. */
int reloc_msg_recv_into(struct reloc_conn *conn, struct reloc_msg *m,
                        uint8_t *buf, size_t cap, char *err);
void reloc_msg_dispose(struct reloc_msg *m);
/* Sends a message built with reloc_buf_* (proto.h). */
struct reloc_buf;
int reloc_msg_send(struct reloc_conn *conn, struct reloc_buf *b, char *err);
/* Shorthands for messages with no payload or one string. */
int reloc_send_empty(struct reloc_conn *conn, uint16_t type, char *err);
int reloc_send_str(struct reloc_conn *conn, uint16_t type, const char *s,
                   char *err);
int reloc_send_u32(struct reloc_conn *conn, uint16_t type, uint32_t v,
                   char *err);

/* stream.c: pump threads between a backend fd and a connection. */
struct reloc_pump {
    struct reloc_conn *conn;
    int fd;                      /* owned by the pump once started */
    int end_with_data_end;       /* sending: finish with DATA_END */
    int status;                  /* 0 once the stream ended properly */
    int aborted;                 /* receiving: the source sent ABORT */
    int fd_failed;               /* the backend stopped reading */
    int conn_failed;             /* the peer stopped reading */
    int started;
    uint64_t bytes;
    uint8_t *buf;                /* receiving: one DATA payload */
    pthread_t thread;
    char err[XT_ERRLEN];
};
int reloc_pump_start(struct reloc_pump *p, int sending, char *err);
/* Waits for the pump; returns its status. */
int reloc_pump_join(struct reloc_pump *p);
void reloc_pipe_grow(int fd);

/* The xl save-file header that opens every stream (core/savefile.c). */
int reloc_header_write(struct be *be, int fd, const char *config_json,
                       char *err);
/* Fails unless the stream is this backend's and carries a config. */
int reloc_header_read(struct be *be, int fd, char **config_json_r,
                      char *err);

/* server.c */
typedef void reloc_log_fn(int priority, const char *msg, void *opaque);
struct reloc_server;
/* Binds the listening socket and checks the TLS setup. */
int reloc_server_new(const struct reloc_conf *c, reloc_log_fn *log,
                     void *opaque,
                     struct reloc_server **srv_r, char *err);
/* Serves until SIGTERM or SIGINT; returns 0 then. */
int reloc_server_run(struct reloc_server *srv, char *err);
void reloc_server_free(struct reloc_server *srv);
/* The preflight check: 0 if this host can take the domain described by
 * the config JSON, else -1 with the reason in err ("disk X not found").
 * self: the source is this host, so that the domain of that name and
 * UUID here is the one that moves (a migration to localhost). */
int reloc_preflight(struct be *be, const char *backend, const char *name,
                    const char *config_json, int self, char *err);
/* Serves one migration in xl's protocol on fds, as "xl migrate-receive"
 * does on stdin and stdout, banner first.  status_fd, if not -1, gets
 * the status lines that a watching process reads (reloc_watch_read). */
int reloc_xl_receive(const struct reloc_conf *c, int recv_fd, int send_fd,
                     int status_fd, int paused, reloc_log_fn *log,
                     void *opaque);

/* What a watching process knows of a receiving one from its status pipe:
 * "I NAME" while it receives NAME, "R" once renamed, "C" when clean. */
struct reloc_watch {
    char state;                  /* 0, 'I', 'R' or 'C' */
    char name[RELOC_MAX_NAME + 1];
    char line[RELOC_MAX_NAME + 8];
    size_t len;
};

/* Takes what the non-blocking status pipe fd holds. */
void reloc_watch_read(struct reloc_watch *w, int fd);
/* After the receiving process died: if it was in the middle of a
 * transfer, removes the copy it left, under the domain's lock, and
 * logs what it did.  pid is only for the log. */
void reloc_watch_reap(struct reloc_watch *w, const struct reloc_conf *c,
                      long pid, reloc_log_fn *log, void *opaque);

/* testpause.c: XLTOOL_RELOC_PAUSE=PHASE:FILE stops here (tests only). */
void reloc_test_pause(const char *phase);

/* client.c */
struct reloc_progress {
    uint64_t total_bytes;
    uint64_t sent_bytes;
    int round;
    uint64_t dirty_pages;
    int suspended;
    double elapsed_s;
};
typedef void reloc_progress_fn(const struct reloc_progress *p, void *opaque);
/* Something the user should know that is not an error, told once. */
typedef void reloc_notice_fn(const char *msg, void *opaque);

struct reloc_migrate_args {
    const char *domain;          /* name, domid or UUID */
    const char *host;
    int port;
    int live;
    int plain;                   /* no TLS: the framed protocol, or xl's
                                    with a peer that is not a relocation
                                    server (see client.c) */
    int paused;                  /* the domain stays paused there */
    int keep_domid;              /* ask for the same domid there */
    /* Non-NULL: the config the destination builds the domain from,
     * instead of the one the domain runs with (xl's -C); it must name
     * the same domain. */
    libxl_domain_config *config;
    const char *rune;            /* non-NULL: xl dialect over this command */
    reloc_progress_fn *progress;
    reloc_notice_fn *notice;
    void *opaque;                /* for progress and notice */
};

struct reloc_result {
    double total_s;
    double downtime_s;           /* source paused to destination running */
    /* The downtime's parts: the last round, the destination restoring
     * (stream end to READY), and the handover (READY to REPORT). */
    double last_round_s, restore_s, handover_s;
    uint64_t bytes;
    int rounds;
    uint32_t dest_domid;
};

/*
 * Whether a domain of this type can be sent live from a host with these
 * capabilities: a live send tracks the pages the guest dirties
 * (log-dirty mode), which Xen does with shadow paging for PV guests and
 * with HAP or shadow paging for HVM and PVH ones.  -1 with a message
 * naming the domain when it cannot.
 */
int reloc_live_check(const char *name, libxl_domain_type type,
                     const libxl_physinfo *phys, char *err);

int reloc_migrate(struct be *be, const struct reloc_conf *c,
                  const struct reloc_migrate_args *a, struct reloc_result *r,
                  char *err);
/* The destination's preflight of a->domain alone, as a migration would
 * run it, touching nothing: 0 when the domain would be accepted (with
 * the destination's free memory in *free_kb_r, UINT64_MAX when it does
 * not say), -1 with the refusal or the failure in err. */
int reloc_probe(struct be *be, const struct reloc_conf *c,
                const struct reloc_migrate_args *a, uint64_t *free_kb_r,
                char *err);

#endif
