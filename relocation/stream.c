/*
 * stream.c - moving a migration stream through the framed protocol.
 *
 * The backend's send and receive operations work on a plain fd, so each
 * side runs a pump thread between that fd (a socketpair or pipe) and the
 * connection, which may be TLS: the sending pump cuts the stream into
 * DATA messages and ends it with DATA_END {total}; the receiving pump
 * checks every message and writes the payload to the fd.  Either pump
 * closes its fd when it stops, so that the backend never blocks on a
 * stream that has died.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"
#include "reloc.h"
#include "savefile.h"

void reloc_pipe_grow(int fd)
{
    /* A larger pipe lets the backend run ahead of the network; failure
     * only costs speed. */
    (void)fcntl(fd, F_SETPIPE_SZ, 1024 * 1024);
}

static void *send_pump_main(void *arg)
{
    struct reloc_pump *p = arg;
    uint8_t *buf = malloc(RELOC_HDR_LEN + RELOC_STREAM_CHUNK);
    ssize_t r;

    p->status = -1;
    if (!buf) {
        snprintf(p->err, XT_ERRLEN, "out of memory");
        goto out;
    }
    for (;;) {
        r = read(p->fd, buf + RELOC_HDR_LEN, RELOC_STREAM_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(p->err, XT_ERRLEN, "reading the stream: %s",
                     strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        reloc_hdr_pack(buf, RELOC_DATA, (uint32_t)r);
        if (reloc_conn_write(p->conn, buf, RELOC_HDR_LEN + (size_t)r,
                             "DATA", p->err)) {
            p->conn_failed = 1;
            goto out;
        }
        p->bytes += (uint64_t)r;
    }
    if (p->end_with_data_end) {
        struct reloc_buf b = { 0 };
        reloc_buf_start(&b, RELOC_DATA_END);
        reloc_buf_u64(&b, p->bytes);
        if (reloc_buf_finish(&b, p->err) ||
            reloc_msg_send(p->conn, &b, p->err)) {
            reloc_buf_dispose(&b);
            goto out;
        }
        reloc_buf_dispose(&b);
    }
    p->status = 0;
out:
    free(buf);
    close(p->fd);
    p->fd = -1;
    return NULL;
}

static int recv_one(struct reloc_pump *p, int *done_r)
{
    struct reloc_msg m = { 0 };
    char *reason = NULL;
    uint64_t total;
    int rc = -1;

    if (reloc_msg_recv_into(p->conn, &m, p->buf, RELOC_MAX_DATA, p->err))
        return -1;
    switch (m.type) {
    case RELOC_DATA:
        if (p->fd < 0 ||
            reloc_net_write(p->fd, m.data, m.len, "the stream", p->err)) {
            p->fd_failed = 1;
            goto out;
        }
        p->bytes += m.len;
        break;
    case RELOC_DATA_END:
        if (reloc_u64_decode(m.data, m.len, &total, p->err))
            goto out;
        if (total != p->bytes) {
            snprintf(p->err, XT_ERRLEN, "stream of %llu bytes announced "
                     "as %llu", (unsigned long long)p->bytes,
                     (unsigned long long)total);
            goto out;
        }
        *done_r = 1;
        break;
    case RELOC_ABORT:
        if (reloc_str_decode(m.data, m.len, &reason, p->err) == 0)
            snprintf(p->err, XT_ERRLEN, "the source gave up: %.400s",
                     reason);
        p->aborted = 1;
        goto out;
    default:
        snprintf(p->err, XT_ERRLEN, "unexpected %s during the stream",
                 reloc_msg_name(m.type));
        goto out;
    }
    rc = 0;
out:
    free(reason);
    reloc_msg_dispose(&m);
    return rc;
}

static void *recv_pump_main(void *arg)
{
    struct reloc_pump *p = arg;
    int done = 0;

    p->status = -1;
    p->buf = malloc(RELOC_MAX_DATA);
    if (!p->buf)
        snprintf(p->err, XT_ERRLEN, "out of memory");
    while (!done && p->buf) {
        if (recv_one(p, &done))
            break;
        /* The stream is over for the backend: let it see the end. */
        if (done && p->fd >= 0) {
            close(p->fd);
            p->fd = -1;
        }
    }
    if (done)
        p->status = 0;
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    free(p->buf);
    p->buf = NULL;
    return NULL;
}

int reloc_pump_start(struct reloc_pump *p, int sending, char *err)
{
    int e;

    p->status = -1;
    p->bytes = 0;
    p->aborted = 0;
    p->fd_failed = 0;
    p->conn_failed = 0;
    p->err[0] = '\0';
    e = pthread_create(&p->thread, NULL,
                       sending ? send_pump_main : recv_pump_main, p);
    if (e) {
        snprintf(err, XT_ERRLEN, "cannot start the stream thread: %s",
                 strerror(e));
        return -1;
    }
    p->started = 1;
    return 0;
}

int reloc_pump_join(struct reloc_pump *p)
{
    if (p->started) {
        pthread_join(p->thread, NULL);
        p->started = 0;
    }
    return p->status;
}

static uint32_t stream_flag(const struct be *be)
{
    return be->ops->save_flags ? be->ops->save_flags
                               : XL_MANDATORY_FLAG_STREAMv2;
}

int reloc_header_write(struct be *be, int fd, const char *config_json,
                       char *err)
{
    return core_savefile_write(fd, config_json, stream_flag(be), err,
                               XT_ERRLEN);
}

int reloc_header_read(struct be *be, int fd, char **config_json_r,
                      char *err)
{
    uint32_t want = stream_flag(be), mflags = 0;

    *config_json_r = NULL;
    if (core_savefile_read(fd, XL_MANDATORY_FLAG_JSON | want, config_json_r,
                           &mflags, err, XT_ERRLEN))
        return -1;
    if (!(mflags & want) || !*config_json_r) {
        snprintf(err, XT_ERRLEN, "the stream is not a %s backend stream "
                 "with a config", be->ops->name);
        free(*config_json_r);
        *config_json_r = NULL;
        return -1;
    }
    return 0;
}
