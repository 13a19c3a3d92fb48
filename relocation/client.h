/*
 * client.h - internal to the relocation module: the state of one outgoing
 * migration, shared by the framed client (client.c), the xl-protocol
 * client and the guardian process (guard.c).
 */
#ifndef XLTOOL_RELOC_CLIENT_H
#define XLTOOL_RELOC_CLIENT_H

#include <sys/types.h>

#include "proto.h"
#include "reloc.h"

struct mig {
    struct be *be;
    const struct reloc_conf *c;
    const struct reloc_migrate_args *a;
    struct reloc_result *r;
    uint32_t domid;
    libxl_domain_type type;
    char name[RELOC_MAX_NAME + 1];
    char away[RELOC_MAX_NAME + 32];
    char uuid[40];
    char *json;
    struct reloc_tls *tls;
    struct reloc_conn conn;
    double t0, t_suspend, t_sent, t_ready;
    int suspended;
    int rounds;
    int paused_once;
    int conn_failed;
    uint64_t sent, bytes;
    int managed, autostart;      /* in this host's managed store */
    int probe;                   /* the preflight alone (reloc_probe) */
    int keep_hidden;             /* xl's protocol: the destination keeps
                                    no store, the hidden entry stays */
    uint64_t free_kb;            /* what the probe's PROBED said */
    int guard_fd;                /* pipe to the guardian */
    pid_t guard_pid;
    char err2[XT_ERRLEN];
};

double reloc_now(void);
int reloc_client_connect(const struct reloc_conf *c, const char *host,
                         int port, int plain, struct reloc_tls *tls,
                         struct reloc_conn *conn, char *err);
int reloc_client_send(struct mig *m, int fd, char *err);
/* renamed: the domain had become NAME--migratedaway (and its managed
 * entry, if any, hidden); both are undone. */
int reloc_client_undo(struct mig *m, int renamed);
/* The destination runs the domain: this host's hidden entry goes. */
void reloc_client_drop_managed(struct mig *m);
/* where: 1 the destination runs the domain, 0 it does not. */
int reloc_client_finish(struct mig *m, int where, char *err);
/* Asks host, until resolve_timeout, whether name runs there: 1 yes, 0 no
 * (no copy is left there), -1 no answer. */
int reloc_resolve(const struct reloc_conf *c, const char *host, int port,
                  int plain, struct reloc_tls *tls, const char *name,
                  const char *uuid, char *err);
/* xl's protocol through the command a->rune, or over a TCP connection
 * to a->host and a->port. */
int reloc_migrate_xl(struct mig *m, char *err);
int reloc_migrate_xl_tcp(struct mig *m, char *err);

/* The guardian: a process that undoes the migration if this one dies.
 * Phases told to it: 'S' sending, 'G' permission given, 'D' done. */
int reloc_guard_start(struct mig *m, char *err);
void reloc_guard_tell(struct mig *m, char phase);
void reloc_guard_stop(struct mig *m);

#endif
