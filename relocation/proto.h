/*
 * proto.h - the relocation wire protocol, shared by the relocation server
 * and the migration client.
 *
 * A connection starts with the server writing xl's receiver banner, so
 * that an xl sender ("xl migrate -s 'socat - TCP:host:8002 #'") can talk
 * to the server unchanged.  The client's first byte then selects one of
 * three dialects:
 *
 *   0x16  a TLS 1.3 ClientHello (mutual certificates or an external PSK);
 *         the framed protocol below runs inside TLS.
 *   0x00  the framed protocol in the clear (only with allow_plain).
 *   'X'   xl's save-file magic: xl's own migration protocol in the clear
 *         (only with allow_plain).
 *
 * Every framed message is an 8-byte header {u16 type, u16 zero, u32
 * length}, big-endian, followed by length bytes of payload.  The length is
 * checked against the maximum for the type before anything is read or
 * allocated.  Payload fields are u32, u64 (big-endian) and strings (u32
 * length, then bytes, no NUL); a reader consumes them through a cursor
 * that fails on overrun and must end with every byte consumed.
 *
 * Handshake, source (client) C and destination (server) S:
 *
 *   S: banner
 *   C: HELLO {magic, version, flags, backend, name, uuid, config JSON}
 *   S: ACCEPT {}                         the preflight passed, or
 *      REFUSE {reason}                   and the connection ends; the
 *                                        domain was never touched.
 *   C: DATA {bytes}...  DATA_END {total} the xl save-file header and the
 *                                        backend's stream, or
 *      ABORT {reason}                    the source resumed its domain.
 *   S: READY {domid}                     NAME--incoming exists, paused, or
 *      ABORT {reason}                    the receive failed, copy removed.
 *   C: GO {}                             the source is NAME--migratedaway:
 *                                        permission to start, or
 *      ABORT {reason}                    S removes the incoming copy.
 *   S: REPORT {status, message}          0: the domain runs at S (and,
 *                                        with RELOC_F_MANAGED, is in its
 *                                        managed store) and C
 *                                        destroys its copy; otherwise S
 *                                        destroys its copy, then sends
 *      HANDBACK {}                       and C resumes the domain.
 *
 * When the connection is lost after GO, the client does not know whether
 * the domain started at S.  It reconnects and asks:
 *
 *   C: RESOLVE {magic, version, name, uuid}
 *   S: RESOLVED {where}                  1: the domain runs at S; 0: S
 *                                        holds no copy (any half-started
 *                                        copy has been destroyed).
 *
 * A HELLO with RELOC_F_PROBE asks for the preflight alone:
 *
 *   S: ACCEPT {}  PROBED {free_kb}       or REFUSE {reason}; then the end.
 *
 * S answers RESOLVE only while holding the per-domain lock that the
 * transfer holds, so the answer can never race with the transfer.
 *
 * xl migrate-receive behind a plain TCP listener sends the same banner,
 * but reads a plain HELLO as a save file with a bad magic number and
 * exits without a word, where S always answers HELLO.  A plain client
 * whose HELLO meets a closed connection (end of file or reset, before
 * any byte of answer) has touched nothing yet: it connects again and
 * speaks xl's protocol (client.c).
 */
#ifndef XLTOOL_RELOC_PROTO_H
#define XLTOOL_RELOC_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define RELOC_DEFAULT_PORT 8002
#define RELOC_MAGIC 0x584c5452u           /* "XLTR" */
#define RELOC_VERSION 1u

#define RELOC_HDR_LEN 8
#define RELOC_MAX_DATA (256u * 1024u)     /* one DATA message */
/* What a sender puts in one DATA message: with its header, exactly
 * RELOC_STREAM_RECORDS full TLS records, so that no message ends in a
 * short record of its own. */
#define RELOC_TLS_RECORD 16384u           /* a full TLS record's payload */
#define RELOC_STREAM_RECORDS 16u
#define RELOC_STREAM_CHUNK \
    (RELOC_STREAM_RECORDS * RELOC_TLS_RECORD - RELOC_HDR_LEN)
#define RELOC_MAX_CTRL (1024u * 1024u)    /* HELLO carries the config */
#define RELOC_MAX_STR 4096u               /* any string but the config */
#define RELOC_MAX_NAME 64u                /* domain names */

/* The first byte a client sends, after reading the banner. */
#define RELOC_DIALECT_FRAMED 0x00
#define RELOC_DIALECT_TLS 0x16
#define RELOC_DIALECT_XL 'X'

/* xl's migration byte strings (tools/xl/xl.h).  The banner is sent
 * without its NUL; the three others are sent with it, as xl does. */
#define RELOC_XL_BANNER \
    "xl migration receiver ready, send binary domain data.\n"
#define RELOC_XL_READY "domain received, ready to unpause"
#define RELOC_XL_GO "domain is yours, you are cleared to unpause"
#define RELOC_XL_REPORT "my copy unpause results are as follows"

#define RELOC_INCOMING_SUFFIX "--incoming"
#define RELOC_AWAY_SUFFIX "--migratedaway"

/* HELLO flags.  A server that does not know a flag ignores it. */
#define RELOC_F_LIVE (1u << 0)
#define RELOC_F_PAUSED (1u << 1)     /* leave the domain paused there */
/* The domain is managed at the source (core/managed.h): the destination
 * registers it in its own store once it runs there, with its autostart
 * flag; the source removed its entry from view before GO and deletes it
 * once the destination runs the domain. */
#define RELOC_F_MANAGED (1u << 2)
#define RELOC_F_AUTOSTART (1u << 3)
/* Only the preflight (evacuate's): after ACCEPT the server sends PROBED
 * {u64 free_kb}, its free memory, and the connection ends.  A server that
 * does not know the flag answers ACCEPT alone and sees the connection
 * close before any DATA, which touches nothing. */
#define RELOC_F_PROBE (1u << 4)

enum reloc_msg_type {
    RELOC_HELLO = 1,
    RELOC_ACCEPT = 2,
    RELOC_REFUSE = 3,
    RELOC_DATA = 4,
    RELOC_DATA_END = 5,
    RELOC_READY = 6,
    RELOC_GO = 7,
    RELOC_REPORT = 8,
    RELOC_HANDBACK = 9,
    RELOC_ABORT = 10,
    RELOC_RESOLVE = 11,
    RELOC_RESOLVED = 12,
    RELOC_PROBED = 13,
    RELOC_MSG_MAX = 13,
};

/* A growing output buffer; a message under construction. */
struct reloc_buf {
    uint8_t *p;
    size_t len, cap;
    int failed;                 /* an allocation failed; the buffer is void */
};

/* A read cursor over one received payload. */
struct reloc_cur {
    const uint8_t *p;
    size_t len, off;
};

struct reloc_hello {
    uint32_t version;
    uint32_t flags;
    char *backend;
    char *name;
    char *uuid;
    char *config_json;
};

const char *reloc_msg_name(unsigned int type);
/* Largest payload a message of this type may carry; 0 for unknown types. */
size_t reloc_msg_max(unsigned int type);

/* Header: the type must be known and the length within its maximum. */
void reloc_hdr_pack(uint8_t hdr[RELOC_HDR_LEN], uint16_t type, uint32_t len);
int reloc_hdr_parse(const uint8_t hdr[RELOC_HDR_LEN], uint16_t *type_r,
                    uint32_t *len_r, char *err);

/* Message building: a header is reserved by reloc_buf_start. */
void reloc_buf_start(struct reloc_buf *b, uint16_t type);
void reloc_buf_u32(struct reloc_buf *b, uint32_t v);
void reloc_buf_u64(struct reloc_buf *b, uint64_t v);
void reloc_buf_str(struct reloc_buf *b, const char *s);
/* Fills in the header's length; -1 if the message failed or is too big. */
int reloc_buf_finish(struct reloc_buf *b, char *err);
void reloc_buf_dispose(struct reloc_buf *b);

void reloc_cur_init(struct reloc_cur *c, const void *p, size_t len);
int reloc_cur_u32(struct reloc_cur *c, uint32_t *v_r);
int reloc_cur_u64(struct reloc_cur *c, uint64_t *v_r);
/* A string of at most max bytes, without NUL bytes, malloc'd. */
int reloc_cur_str(struct reloc_cur *c, size_t max, char **s_r);
/* 0 only if every byte has been consumed. */
int reloc_cur_end(const struct reloc_cur *c);

int reloc_hello_encode(struct reloc_buf *b, const struct reloc_hello *h,
                       char *err);
int reloc_hello_decode(const void *p, size_t len, struct reloc_hello *h,
                       char *err);
void reloc_hello_dispose(struct reloc_hello *h);

/* Messages holding one string (REFUSE, ABORT) or nothing but numbers. */
int reloc_str_decode(const void *p, size_t len, char **s_r, char *err);
int reloc_u32_decode(const void *p, size_t len, uint32_t *v_r, char *err);
int reloc_u64_decode(const void *p, size_t len, uint64_t *v_r, char *err);
int reloc_report_decode(const void *p, size_t len, uint32_t *status_r,
                        char **msg_r, char *err);
int reloc_resolve_decode(const void *p, size_t len, char **name_r,
                         char **uuid_r, char *err);
/* A domain name fit to be used on the far side and in a file name. */
int reloc_name_valid(const char *name);

#endif
