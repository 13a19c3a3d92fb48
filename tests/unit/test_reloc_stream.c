/*
 * test_reloc_stream.c - the stream pumps (relocation/stream.c) over a real
 * socket pair, in the clear and in TLS 1.3 (external PSK): a stream
 * written to the sending pump's pipe in uneven pieces comes out of the
 * receiving pump's pipe byte for byte; the sender cuts it into DATA
 * messages of RELOC_STREAM_CHUNK bytes (whole TLS records with their
 * header) and ends it with DATA_END {total}.  The receiving pump rejects
 * a total that does not match, an ABORT and a message out of place.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "proto.h"
#include "reloc.h"

#define PSK_LINE "xltool:00112233445566778899aabbccddeeff" \
                 "00112233445566778899aabbccddeeff\n"
/* Not a multiple of anything the pumps use. */
#define STREAM_LEN (3u * 1024u * 1024u + 12345u)

static uint8_t byte_at(size_t i)
{
    return (uint8_t)((i * 2654435761u) >> 11);
}

struct feeder {
    int fd;
    size_t len;
    int rc;
};

/* Writes the pattern in pieces of uneven sizes, then closes. */
static void *feed_main(void *arg)
{
    static const size_t sizes[] = { 1, 777, 100000, 4096, 300000 };
    struct feeder *f = arg;
    uint8_t *buf = malloc(300000);
    size_t off = 0, n, i, k = 0;
    char err[XT_ERRLEN];

    f->rc = buf ? 0 : -1;
    while (f->rc == 0 && off < f->len) {
        n = sizes[k++ % 5];
        if (n > f->len - off)
            n = f->len - off;
        for (i = 0; i < n; i++)
            buf[i] = byte_at(off + i);
        f->rc = reloc_net_write(f->fd, buf, n, "feed", err);
        off += n;
    }
    close(f->fd);
    free(buf);
    return NULL;
}

struct side {
    struct reloc_conf conf;
    struct reloc_tls *tls;
    struct reloc_conn conn;
    char psk[64];
    int rc;
    char err[XT_ERRLEN];
};

static void *accept_main(void *arg)
{
    struct side *s = arg;

    s->rc = reloc_tls_accept(s->tls, &s->conn, s->err);
    return NULL;
}

static void psk_side(struct side *s, int server)
{
    FILE *f;
    int fd;

    reloc_conf_init(&s->conf);
    strcpy(s->psk, "/tmp/test_reloc_stream.XXXXXX");
    fd = mkstemp(s->psk);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(PSK_LINE, f);
    fclose(f);
    s->conf.psk_file = strdup(s->psk);
    assert_int_equal(reloc_tls_new(&s->conf, server, &s->tls, s->err), 0);
}

/* A connected pair: [0] receives, [1] sends; TLS if tls. */
static void pair_open(struct side sd[2], int tls)
{
    pthread_t th;
    int sp[2];

    memset(sd, 0, 2 * sizeof(*sd));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    sd[0].conn.fd = sp[0];
    sd[1].conn.fd = sp[1];
    snprintf(sd[0].conn.peer, sizeof(sd[0].conn.peer), "sender");
    snprintf(sd[1].conn.peer, sizeof(sd[1].conn.peer), "receiver");
    if (!tls)
        return;
    psk_side(&sd[0], 1);
    psk_side(&sd[1], 0);
    assert_int_equal(pthread_create(&th, NULL, accept_main, &sd[0]), 0);
    assert_int_equal(reloc_tls_connect(sd[1].tls, &sd[1].conn, NULL,
                                       sd[1].err), 0);
    pthread_join(th, NULL);
    assert_int_equal(sd[0].rc, 0);
}

static void pair_close(struct side sd[2])
{
    int i;

    for (i = 0; i < 2; i++) {
        reloc_conn_close(&sd[i].conn);
        reloc_tls_free(sd[i].tls);
        if (sd[i].conf.psk_file)
            unlink(sd[i].psk);
        reloc_conf_dispose(&sd[i].conf);
    }
}

/* Reads the receiving pump's output and checks it against the pattern. */
static size_t drain_and_check(int fd)
{
    uint8_t buf[65536];
    size_t off = 0, i;
    ssize_t r;

    while ((r = read(fd, buf, sizeof(buf))) > 0) {
        for (i = 0; i < (size_t)r; i++)
            if (buf[i] != byte_at(off + i))
                fail_msg("byte %zu differs", off + i);
        off += (size_t)r;
    }
    return off;
}

static void run_stream(int tls)
{
    struct reloc_pump tx = { .end_with_data_end = 1 }, rx = { 0 };
    struct feeder f = { .len = STREAM_LEN };
    struct side sd[2];
    int in[2], out[2];
    char err[XT_ERRLEN];
    pthread_t th;

    pair_open(sd, tls);
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    f.fd = in[1];
    tx.conn = &sd[1].conn;
    tx.fd = in[0];
    rx.conn = &sd[0].conn;
    rx.fd = out[1];
    assert_int_equal(pthread_create(&th, NULL, feed_main, &f), 0);
    assert_int_equal(reloc_pump_start(&tx, 1, err), 0);
    assert_int_equal(reloc_pump_start(&rx, 0, err), 0);
    assert_int_equal(drain_and_check(out[0]), STREAM_LEN);
    pthread_join(th, NULL);
    assert_int_equal(f.rc, 0);
    assert_int_equal(reloc_pump_join(&tx), 0);
    assert_int_equal(reloc_pump_join(&rx), 0);
    assert_int_equal(tx.bytes, STREAM_LEN);
    assert_int_equal(rx.bytes, STREAM_LEN);
    close(out[0]);
    pair_close(sd);
}

static void test_stream_plain(void **state)
{
    (void)state;
    run_stream(0);
}

static void test_stream_tls(void **state)
{
    (void)state;
    run_stream(1);
}

/* In the clear, the messages themselves: full chunks while the pipe
 * holds enough, then the rest, then DATA_END with the total. */
static void test_stream_chunks(void **state)
{
    struct reloc_pump tx = { .end_with_data_end = 1 };
    struct reloc_msg m = { 0 };
    struct side sd[2];
    char err[XT_ERRLEN];
    uint8_t *data;
    uint64_t total = 0, announced;
    size_t len = 2 * RELOC_STREAM_CHUNK + 100;
    int in[2];

    (void)state;
    pair_open(sd, 0);
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_true(fcntl(in[1], F_SETPIPE_SZ, 1024 * 1024) >= (int)len);
    data = calloc(1, len);
    assert_non_null(data);
    assert_int_equal(reloc_net_write(in[1], data, len, "feed", err), 0);
    close(in[1]);
    tx.conn = &sd[1].conn;
    tx.fd = in[0];
    assert_int_equal(reloc_pump_start(&tx, 1, err), 0);
    for (;;) {
        assert_int_equal(reloc_msg_recv(&sd[0].conn, &m, err), 0);
        if (m.type != RELOC_DATA)
            break;
        assert_int_equal(m.len, total < 2 * RELOC_STREAM_CHUNK
                                    ? RELOC_STREAM_CHUNK : 100);
        total += m.len;
        reloc_msg_dispose(&m);
    }
    assert_int_equal(m.type, RELOC_DATA_END);
    assert_int_equal(reloc_u64_decode(m.data, m.len, &announced, err), 0);
    assert_int_equal(announced, len);
    assert_int_equal(total, len);
    assert_int_equal((RELOC_HDR_LEN + RELOC_STREAM_CHUNK) % RELOC_TLS_RECORD,
                     0);
    reloc_msg_dispose(&m);
    assert_int_equal(reloc_pump_join(&tx), 0);
    free(data);
    pair_close(sd);
}

/* Feeds the receiving pump raw messages; returns its status. */
static int receive_raw(const uint8_t *msgs, size_t len,
                       struct reloc_pump *rx)
{
    struct side sd[2];
    char err[XT_ERRLEN];
    int out[2];

    pair_open(sd, 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    rx->conn = &sd[0].conn;
    rx->fd = out[1];
    assert_int_equal(reloc_net_write(sd[1].conn.fd, msgs, len, "raw", err),
                     0);
    shutdown(sd[1].conn.fd, SHUT_WR);
    assert_int_equal(reloc_pump_start(rx, 0, err), 0);
    drain_and_check(out[0]);
    close(out[0]);
    pair_close(sd);
    return reloc_pump_join(rx);
}

static size_t put_msg(uint8_t *p, uint16_t type, const void *data,
                      uint32_t len)
{
    reloc_hdr_pack(p, type, len);
    if (len)
        memcpy(p + RELOC_HDR_LEN, data, len);
    return RELOC_HDR_LEN + len;
}

static void test_stream_rejects(void **state)
{
    static const uint8_t five[8] = { 0, 0, 0, 0, 0, 0, 0, 5 };
    static const uint8_t why[8] = { 0, 0, 0, 4, 'n', 'o', 'p', 'e' };
    struct reloc_pump rx;
    uint8_t msgs[256], four[4];
    size_t n;

    (void)state;
    for (n = 0; n < sizeof(four); n++)
        four[n] = byte_at(n);
    /* Four bytes announced as five. */
    memset(&rx, 0, sizeof(rx));
    n = put_msg(msgs, RELOC_DATA, four, 4);
    n += put_msg(msgs + n, RELOC_DATA_END, five, 8);
    assert_int_equal(receive_raw(msgs, n, &rx), -1);
    assert_non_null(strstr(rx.err, "stream of 4 bytes announced as 5"));
    /* The source gives up. */
    memset(&rx, 0, sizeof(rx));
    n = put_msg(msgs, RELOC_DATA, four, 4);
    n += put_msg(msgs + n, RELOC_ABORT, why, 8);
    assert_int_equal(receive_raw(msgs, n, &rx), -1);
    assert_true(rx.aborted);
    assert_non_null(strstr(rx.err, "the source gave up: nope"));
    /* GO has no place in a stream. */
    memset(&rx, 0, sizeof(rx));
    n = put_msg(msgs, RELOC_GO, NULL, 0);
    assert_int_equal(receive_raw(msgs, n, &rx), -1);
    assert_non_null(strstr(rx.err, "unexpected GO during the stream"));
    /* The connection ends before DATA_END. */
    memset(&rx, 0, sizeof(rx));
    n = put_msg(msgs, RELOC_DATA, four, 4);
    assert_int_equal(receive_raw(msgs, n, &rx), -1);
    assert_int_equal(rx.bytes, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_plain),
        cmocka_unit_test(test_stream_tls),
        cmocka_unit_test(test_stream_chunks),
        cmocka_unit_test(test_stream_rejects),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
