/*
 * tls.c - TLS 1.3 for the relocation protocol, through OpenSSL, in one of
 * two modes: mutual certificates (both sides present a certificate signed
 * by the configured CA and verify the other's) or an external pre-shared
 * key read from psk_file ("identity:hexkey").  Also the connection object
 * shared by the plain and TLS dialects, and framed message I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "proto.h"
#include "reloc.h"

#define PSK_MAX 64
#define PSK_ID_MAX 128
/* Bytes a TLS 1.3 record adds to its payload with an AEAD suite: the
 * 5-byte header, the content type byte and the 16-byte tag. */
#define TLS_RECORD_OVERHEAD 22
/* The write buffer holds one whole DATA message as records, so that a
 * message leaves in one system call (see RELOC_STREAM_CHUNK). */
#define TLS_WBUF (RELOC_STREAM_RECORDS * (RELOC_TLS_RECORD + \
                                          TLS_RECORD_OVERHEAD))
#define TLS_RBUF (256 * 1024)

struct reloc_tls {
    SSL_CTX *ctx;
    int psk_mode;
    char psk_id[PSK_ID_MAX + 1];
    unsigned char psk[PSK_MAX];
    size_t psk_len;
};

static void ssl_err(char *err, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256];

    if (e) {
        ERR_error_string_n(e, buf, sizeof(buf));
        snprintf(err, XT_ERRLEN, "%s: %s", what, buf);
    } else {
        snprintf(err, XT_ERRLEN, "%s", what);
    }
    ERR_clear_error();
}

int reloc_tls_configured(const struct reloc_conf *c)
{
    return (c->cert && c->key && c->ca) || c->psk_file;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* Parses "identity:hexkey" (one line, at least 16 key bytes). */
static int psk_parse(struct reloc_tls *t, char *line, const char *file,
                     char *err)
{
    char *colon = strchr(line, ':'), *hex;
    size_t idlen, i, n;

    line[strcspn(line, "\r\n")] = '\0';
    idlen = colon ? (size_t)(colon - line) : 0;
    if (!colon || idlen == 0 || idlen > PSK_ID_MAX) {
        snprintf(err, XT_ERRLEN, "%s:1: expected identity:hexkey", file);
        return -1;
    }
    hex = colon + 1;
    n = strlen(hex);
    if (n % 2 || n / 2 < 16 || n / 2 > PSK_MAX) {
        snprintf(err, XT_ERRLEN, "%s:1: the key must be 32 to 128 hex "
                 "digits", file);
        return -1;
    }
    for (i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)hex[2 * i]);
        int lo = hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            snprintf(err, XT_ERRLEN, "%s:1: the key is not hexadecimal",
                     file);
            return -1;
        }
        t->psk[i] = (unsigned char)(hi << 4 | lo);
    }
    t->psk_len = n / 2;
    memcpy(t->psk_id, line, idlen);
    t->psk_id[idlen] = '\0';
    return 0;
}

static int psk_load(struct reloc_tls *t, const char *file, char *err)
{
    char line[PSK_ID_MAX + 2 * PSK_MAX + 8];
    FILE *f = fopen(file, "r");
    int rc = -1;

    if (!f) {
        snprintf(err, XT_ERRLEN, "psk_file %s: %s", file, strerror(errno));
        return -1;
    }
    if (!fgets(line, sizeof(line), f)) {
        snprintf(err, XT_ERRLEN, "%s: empty or unreadable", file);
        goto out;
    }
    rc = psk_parse(t, line, file, err);
out:
    OPENSSL_cleanse(line, sizeof(line));
    fclose(f);
    return rc;
}

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *id,
                                  unsigned int max_id, unsigned char *psk,
                                  unsigned int max_psk)
{
    struct reloc_tls *t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

    (void)hint;
    if (strlen(t->psk_id) + 1 > max_id || t->psk_len > max_psk)
        return 0;
    memcpy(id, t->psk_id, strlen(t->psk_id) + 1);
    memcpy(psk, t->psk, t->psk_len);
    return (unsigned int)t->psk_len;
}

static unsigned int psk_server_cb(SSL *ssl, const char *id,
                                  unsigned char *psk, unsigned int max_psk)
{
    struct reloc_tls *t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    size_t n = strlen(id);

    if (n != strlen(t->psk_id) || CRYPTO_memcmp(id, t->psk_id, n) ||
        t->psk_len > max_psk)
        return 0;
    memcpy(psk, t->psk, t->psk_len);
    return (unsigned int)t->psk_len;
}

/* Empties the error queue; 1 if it said the key is not the cert's. */
static int key_mismatch(void)
{
    unsigned long e;
    int found = 0;

    while ((e = ERR_get_error()))
        if (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
            found = 1;
    return found;
}

static int cert_setup(struct reloc_tls *t, const struct reloc_conf *c,
                      char *err)
{
    char what[XT_ERRLEN];

    snprintf(what, sizeof(what), "certificate %s", c->cert);
    if (SSL_CTX_use_certificate_chain_file(t->ctx, c->cert) != 1)
        goto fail;
    snprintf(what, sizeof(what), "key %s", c->key);
    if (SSL_CTX_use_PrivateKey_file(t->ctx, c->key, SSL_FILETYPE_PEM) != 1) {
        if (key_mismatch()) {
            snprintf(err, XT_ERRLEN, "key %.200s does not match "
                     "certificate %.200s", c->key, c->cert);
            return -1;
        }
        goto fail;
    }
    snprintf(what, sizeof(what), "key %s does not match certificate %s",
             c->key, c->cert);
    if (SSL_CTX_check_private_key(t->ctx) != 1)
        goto fail;
    snprintf(what, sizeof(what), "CA %s", c->ca);
    if (SSL_CTX_load_verify_locations(t->ctx, c->ca, NULL) != 1)
        goto fail;
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER |
                       SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    return 0;
fail:
    ssl_err(err, what);
    return -1;
}

int reloc_tls_new(const struct reloc_conf *c, int server,
                  struct reloc_tls **tls_r, char *err)
{
    struct reloc_tls *t = NULL;
    int rc = -1;

    if (!reloc_tls_configured(c)) {
        snprintf(err, XT_ERRLEN, "%s: relocation needs tls { cert, key, "
                 "ca } or psk_file (or allow_plain)",
                 c->file ? c->file : RELOC_DEFAULT_CONF);
        return -1;
    }
    t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, XT_ERRLEN, "out of memory");
        return -1;
    }
    t->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!t->ctx) {
        ssl_err(err, "SSL_CTX_new");
        goto out;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(t->ctx, TLS1_3_VERSION);
    SSL_CTX_set_app_data(t->ctx, t);
    /* Session tickets are useless for one-shot connections. */
    SSL_CTX_set_num_tickets(t->ctx, 0);
    /* No read_ahead: OpenSSL 3.0 moves whatever is left in its read
     * buffer to the buffer's start before each record, so a buffer of
     * many records is copied over and over (8 times the stream with
     * 256 KiB).  A buffering BIO does the large reads instead (set_bios).
     * AES-128-GCM first: the cheapest with AES-NI, still 128-bit. */
    SSL_CTX_set_ciphersuites(t->ctx, "TLS_AES_128_GCM_SHA256:"
                             "TLS_AES_256_GCM_SHA384:"
                             "TLS_CHACHA20_POLY1305_SHA256");
    if (c->psk_file) {
        t->psk_mode = 1;
        if (psk_load(t, c->psk_file, err))
            goto out;
        /* A TLS 1.3 external PSK is bound to SHA-256 suites. */
        if (SSL_CTX_set_ciphersuites(t->ctx, "TLS_AES_128_GCM_SHA256:"
                                     "TLS_CHACHA20_POLY1305_SHA256") != 1) {
            ssl_err(err, "TLS ciphersuites");
            goto out;
        }
        if (server)
            SSL_CTX_set_psk_server_callback(t->ctx, psk_server_cb);
        else
            SSL_CTX_set_psk_client_callback(t->ctx, psk_client_cb);
    } else if (cert_setup(t, c, err)) {
        goto out;
    }
    *tls_r = t;
    t = NULL;
    rc = 0;
out:
    reloc_tls_free(t);
    return rc;
}

void reloc_tls_free(struct reloc_tls *t)
{
    if (!t)
        return;
    SSL_CTX_free(t->ctx);
    OPENSSL_cleanse(t->psk, sizeof(t->psk));
    free(t);
}

static void handshake_err(SSL *ssl, int r, const char *peer, char *err)
{
    long vr = SSL_get_verify_result(ssl);
    int e = SSL_get_error(ssl, r);
    char what[300];

    if (vr != X509_V_OK) {
        snprintf(err, XT_ERRLEN, "TLS with %s: certificate rejected: %s",
                 peer, X509_verify_cert_error_string(vr));
        ERR_clear_error();
        return;
    }
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        snprintf(err, XT_ERRLEN, "TLS with %s: %s", peer,
                 errno == EAGAIN ? "timed out"
                 : errno ? strerror(errno) : "connection closed");
        return;
    }
    snprintf(what, sizeof(what), "TLS with %s", peer);
    ssl_err(err, what);
}

static int set_peer_name(SSL *ssl, const char *host)
{
    X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
    unsigned char ip[16];

    if (inet_pton(AF_INET, host, ip) == 1 ||
        inet_pton(AF_INET6, host, ip) == 1)
        return X509_VERIFY_PARAM_set1_ip_asc(vp, host) == 1 ? 0 : -1;
    if (SSL_set_tlsext_host_name(ssl, host) != 1)
        return -1;
    return X509_VERIFY_PARAM_set1_host(vp, host, 0) == 1 ? 0 : -1;
}

/*
 * After a refused handshake, the client may already have sent its first
 * message; closing with it unread would reset the connection and lose
 * the alert that says why.  So: end our side, drain theirs briefly.
 */
static void linger_close(struct reloc_conn *conn)
{
    char buf[4096];
    struct timeval tv = { .tv_sec = 1, .tv_usec = 0 };

    shutdown(conn->fd, SHUT_WR);
    setsockopt(conn->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (read(conn->fd, buf, sizeof(buf)) > 0)
        ;
}

/* A buffer in front of the socket each way.  Reading: one system call
 * brings many records, which OpenSSL then takes a header and a body at
 * a time.  Writing: the records of one message leave in one system call;
 * writers flush after each message (reloc_conn_write). */
static BIO *buffered_socket(int fd, int writing)
{
    BIO *sock = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO *buf = BIO_new(BIO_f_buffer());
    long ok;

    if (!sock || !buf)
        goto fail;
    ok = writing ? BIO_set_write_buffer_size(buf, TLS_WBUF)
                 : BIO_set_read_buffer_size(buf, TLS_RBUF);
    if (ok != 1)
        goto fail;
    return BIO_push(buf, sock);
fail:
    BIO_free(sock);
    BIO_free(buf);
    return NULL;
}

static int set_bios(SSL *ssl, int fd)
{
    BIO *rb = buffered_socket(fd, 0), *wb = buffered_socket(fd, 1);

    if (!rb || !wb) {
        BIO_free_all(rb);
        BIO_free_all(wb);
        return -1;
    }
    SSL_set_bio(ssl, rb, wb);
    return 0;
}

static int tls_start(struct reloc_tls *t, struct reloc_conn *conn,
                     const char *host, int server, char *err)
{
    SSL *ssl = SSL_new(t->ctx);
    int r;

    if (!ssl) {
        ssl_err(err, "SSL_new");
        return -1;
    }
    if (set_bios(ssl, conn->fd) ||
        (!server && host && !t->psk_mode && set_peer_name(ssl, host))) {
        ssl_err(err, "TLS setup");
        SSL_free(ssl);
        return -1;
    }
    errno = 0;
    r = server ? SSL_accept(ssl) : SSL_connect(ssl);
    if (r != 1) {
        handshake_err(ssl, r, conn->peer, err);
        SSL_free(ssl);
        if (server)
            linger_close(conn);
        return -1;
    }
    conn->ssl = ssl;
    return 0;
}

int reloc_tls_accept(struct reloc_tls *t, struct reloc_conn *conn, char *err)
{
    return tls_start(t, conn, NULL, 1, err);
}

int reloc_tls_connect(struct reloc_tls *t, struct reloc_conn *conn,
                      const char *host, char *err)
{
    return tls_start(t, conn, host, 0, err);
}

void reloc_conn_close(struct reloc_conn *conn)
{
    if (conn->ssl) {
        /* One close_notify, without waiting for the peer's. */
        SSL_shutdown(conn->ssl);
        BIO_flush(SSL_get_wbio(conn->ssl));
        SSL_free(conn->ssl);
        conn->ssl = NULL;
        ERR_clear_error();
    }
    if (conn->fd >= 0)
        close(conn->fd);
    conn->fd = -1;
}

static int ssl_io_err(struct reloc_conn *conn, int r, const char *op,
                      const char *what, char *err)
{
    int e = SSL_get_error(conn->ssl, r);
    char buf[256] = "";

    if (e == SSL_ERROR_ZERO_RETURN ||
        (e == SSL_ERROR_SYSCALL && errno == 0))
        snprintf(buf, sizeof(buf), "connection closed");
    else if (e == SSL_ERROR_SYSCALL)
        snprintf(buf, sizeof(buf), "%s",
                 errno == EAGAIN ? "timed out" : strerror(errno));
    else
        ERR_error_string_n(ERR_peek_error(), buf, sizeof(buf));
    ERR_clear_error();
    snprintf(err, XT_ERRLEN, "%s %s from %s: %s", op, what, conn->peer, buf);
    return -1;
}

int reloc_conn_read(struct reloc_conn *conn, void *buf, size_t n,
                    const char *what, char *err)
{
    size_t got = 0, r;
    int ok;

    if (!conn->ssl)
        return reloc_net_read(conn->fd, buf, n, what, err);
    while (got < n) {
        errno = 0;
        ok = SSL_read_ex(conn->ssl, (char *)buf + got, n - got, &r);
        if (!ok)
            return ssl_io_err(conn, 0, "reading", what, err);
        got += r;
    }
    return 0;
}

int reloc_conn_write(struct reloc_conn *conn, const void *buf, size_t n,
                     const char *what, char *err)
{
    size_t done = 0, r;
    int ok;

    if (!conn->ssl)
        return reloc_net_write(conn->fd, buf, n, what, err);
    while (done < n) {
        errno = 0;
        ok = SSL_write_ex(conn->ssl, (const char *)buf + done, n - done, &r);
        if (!ok)
            return ssl_io_err(conn, 0, "writing", what, err);
        done += r;
    }
    errno = 0;
    if (BIO_flush(SSL_get_wbio(conn->ssl)) != 1) {
        snprintf(err, XT_ERRLEN, "writing %s to %s: %s", what, conn->peer,
                 errno == EAGAIN ? "timed out"
                 : errno ? strerror(errno) : "connection closed");
        return -1;
    }
    return 0;
}

int reloc_msg_recv_into(struct reloc_conn *conn, struct reloc_msg *m,
                        uint8_t *buf, size_t cap, char *err)
{
    uint8_t hdr[RELOC_HDR_LEN];
    char msg[XT_ERRLEN];
    uint8_t *data = buf;

    m->data = NULL;
    if (reloc_conn_read(conn, hdr, sizeof(hdr), "message header", err))
        return -1;
    if (reloc_hdr_parse(hdr, &m->type, &m->len, msg)) {
        snprintf(err, XT_ERRLEN, "%.100s: %.400s", conn->peer, msg);
        return -1;
    }
    if (m->len == 0)
        return 0;
    if (!buf || m->len > cap) {
        data = malloc(m->len);
        if (!data) {
            snprintf(err, XT_ERRLEN, "out of memory");
            return -1;
        }
    }
    if (reloc_conn_read(conn, data, m->len, reloc_msg_name(m->type), err)) {
        if (data != buf)
            free(data);
        return -1;
    }
    /* Only a malloc'd payload is the message's to free. */
    m->data = data;
    m->owned = data != buf;
    return 0;
}

int reloc_msg_recv(struct reloc_conn *conn, struct reloc_msg *m, char *err)
{
    return reloc_msg_recv_into(conn, m, NULL, 0, err);
}

void reloc_msg_dispose(struct reloc_msg *m)
{
    if (m->owned)
        free(m->data);
    m->owned = 0;
    m->data = NULL;
    m->len = 0;
}

int reloc_msg_send(struct reloc_conn *conn, struct reloc_buf *b, char *err)
{
    uint16_t type = (uint16_t)(b->p[0] << 8 | b->p[1]);

    return reloc_conn_write(conn, b->p, b->len, reloc_msg_name(type), err);
}

int reloc_send_empty(struct reloc_conn *conn, uint16_t type, char *err)
{
    uint8_t hdr[RELOC_HDR_LEN];

    reloc_hdr_pack(hdr, type, 0);
    return reloc_conn_write(conn, hdr, sizeof(hdr), reloc_msg_name(type),
                            err);
}

int reloc_send_str(struct reloc_conn *conn, uint16_t type, const char *s,
                   char *err)
{
    struct reloc_buf b = { 0 };
    int rc = -1;

    reloc_buf_start(&b, type);
    reloc_buf_str(&b, s);
    if (!reloc_buf_finish(&b, err))
        rc = reloc_msg_send(conn, &b, err);
    reloc_buf_dispose(&b);
    return rc;
}

int reloc_send_u32(struct reloc_conn *conn, uint16_t type, uint32_t v,
                   char *err)
{
    struct reloc_buf b = { 0 };
    int rc = -1;

    reloc_buf_start(&b, type);
    reloc_buf_u32(&b, v);
    if (!reloc_buf_finish(&b, err))
        rc = reloc_msg_send(conn, &b, err);
    reloc_buf_dispose(&b);
    return rc;
}

const char *reloc_conn_cipher(const struct reloc_conn *conn)
{
    return conn->ssl ? SSL_get_cipher_name(conn->ssl) : "plain";
}
