/*
 * test_reloc_net.c - the relocation module's sockets and framed I/O over
 * real loopback TCP connections (relocation/net.c, relocation/tls.c in
 * plain mode): messages pass intact, and a hostile, truncated or silent
 * peer fails only the read that meets it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "proto.h"
#include "reloc.h"

/* A connected pair over 127.0.0.1: *a is the client end. */
static void tcp_pair(int *a, int *b)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    char err[XT_ERRLEN];
    int lfd;

    assert_int_equal(reloc_net_listen("127.0.0.1", 0, 4, &lfd, err), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
    assert_int_equal(reloc_net_connect("127.0.0.1", ntohs(sin.sin_port), 5,
                                       a, err), 0);
    *b = accept(lfd, NULL, NULL);
    assert_true(*b >= 0);
    close(lfd);
}

static void test_message_roundtrip(void **state)
{
    struct reloc_conn ca = { .peer = "a" }, cb = { .peer = "b" };
    struct reloc_msg m = { 0 };
    char err[XT_ERRLEN], *s = NULL, addr[64], name[256];

    (void)state;
    tcp_pair(&ca.fd, &cb.fd);
    assert_int_equal(reloc_net_peer(cb.fd, addr, sizeof(addr), name,
                                    sizeof(name)), 0);
    assert_string_equal(addr, "127.0.0.1");
    assert_int_equal(reloc_send_str(&ca, RELOC_REFUSE, "name taken", err),
                     0);
    assert_int_equal(reloc_send_empty(&ca, RELOC_GO, err), 0);
    assert_int_equal(reloc_msg_recv(&cb, &m, err), 0);
    assert_int_equal(m.type, RELOC_REFUSE);
    assert_int_equal(reloc_str_decode(m.data, m.len, &s, err), 0);
    assert_string_equal(s, "name taken");
    free(s);
    reloc_msg_dispose(&m);
    assert_int_equal(reloc_msg_recv(&cb, &m, err), 0);
    assert_int_equal(m.type, RELOC_GO);
    assert_null(m.data);
    reloc_conn_close(&ca);
    /* The peer is gone: the next read says so. */
    assert_int_equal(reloc_msg_recv(&cb, &m, err), -1);
    assert_non_null(strstr(err, "connection closed"));
    reloc_conn_close(&cb);
}

/* Into a caller's buffer when the payload fits; malloc'd otherwise. */
static void test_recv_into(void **state)
{
    struct reloc_conn ca = { .peer = "a" }, cb = { .peer = "b" };
    struct reloc_msg m = { 0 };
    char err[XT_ERRLEN], *s = NULL;
    uint8_t buf[64];

    (void)state;
    tcp_pair(&ca.fd, &cb.fd);
    assert_int_equal(reloc_send_str(&ca, RELOC_ABORT, "short", err), 0);
    assert_int_equal(reloc_send_str(&ca, RELOC_ABORT,
                                    "a reason longer than the buffer given "
                                    "to reloc_msg_recv_into, by a margin",
                                    err), 0);
    assert_int_equal(reloc_msg_recv_into(&cb, &m, buf, sizeof(buf), err),
                     0);
    assert_ptr_equal(m.data, buf);
    assert_int_equal(reloc_str_decode(m.data, m.len, &s, err), 0);
    assert_string_equal(s, "short");
    free(s);
    reloc_msg_dispose(&m);
    assert_int_equal(reloc_msg_recv_into(&cb, &m, buf, 16, err), 0);
    assert_ptr_not_equal(m.data, buf);
    assert_int_equal(m.owned, 1);
    reloc_msg_dispose(&m);
    reloc_conn_close(&ca);
    reloc_conn_close(&cb);
}

static void test_hostile_length(void **state)
{
    struct reloc_conn cb = { .peer = "evil" };
    struct reloc_msg m = { 0 };
    uint8_t hdr[RELOC_HDR_LEN];
    char err[XT_ERRLEN];
    int a;

    (void)state;
    tcp_pair(&a, &cb.fd);
    /* 4 GiB announced: refused from the header alone. */
    reloc_hdr_pack(hdr, RELOC_HELLO, 0xfffffff0u);
    assert_int_equal(write(a, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
    assert_int_equal(reloc_msg_recv(&cb, &m, err), -1);
    assert_non_null(strstr(err, "exceeds the limit"));
    assert_null(m.data);
    close(a);
    reloc_conn_close(&cb);
}

static void test_truncated_payload(void **state)
{
    struct reloc_conn cb = { .peer = "short" };
    struct reloc_msg m = { 0 };
    uint8_t buf[RELOC_HDR_LEN + 3];
    char err[XT_ERRLEN];
    int a;

    (void)state;
    tcp_pair(&a, &cb.fd);
    reloc_hdr_pack(buf, RELOC_ABORT, 100);
    memcpy(buf + RELOC_HDR_LEN, "abc", 3);
    assert_int_equal(write(a, buf, sizeof(buf)), (ssize_t)sizeof(buf));
    close(a);
    assert_int_equal(reloc_msg_recv(&cb, &m, err), -1);
    assert_non_null(strstr(err, "connection closed"));
    assert_null(m.data);
    reloc_conn_close(&cb);
}

static void test_silent_peer(void **state)
{
    struct reloc_conn cb = { .peer = "slow" };
    struct reloc_msg m = { 0 };
    char err[XT_ERRLEN];
    int a;

    (void)state;
    tcp_pair(&a, &cb.fd);
    assert_int_equal(reloc_net_set_timeouts(cb.fd, 1, err), 0);
    assert_int_equal(write(a, "\0", 1), 1);
    assert_int_equal(reloc_msg_recv(&cb, &m, err), -1);
    assert_non_null(strstr(err, "timed out"));
    close(a);
    reloc_conn_close(&cb);
}

/* How a --plain client tells xl migrate-receive, which exits on the
 * preflight's HELLO without a word, from a server that answers. */
static void test_hung_up(void **state)
{
    char err[XT_ERRLEN], c;
    int a, b;

    (void)state;
    tcp_pair(&a, &b);
    assert_int_equal(reloc_net_set_timeouts(b, 1, err), 0);
    /* Silence is not hanging up: it times out. */
    assert_int_equal(reloc_net_hung_up(b, "answer", err), -1);
    assert_non_null(strstr(err, "timed out"));
    /* An answer is there, and still there to be read. */
    assert_int_equal(write(a, "A", 1), 1);
    assert_int_equal(reloc_net_hung_up(b, "answer", err), 0);
    assert_int_equal(read(b, &c, 1), 1);
    assert_int_equal(c, 'A');
    /* End of file before any byte. */
    close(a);
    assert_int_equal(reloc_net_hung_up(b, "answer", err), 1);
    close(b);

    /* The peer exits leaving our bytes unread: its kernel resets. */
    tcp_pair(&a, &b);
    assert_int_equal(reloc_net_set_timeouts(b, 1, err), 0);
    assert_int_equal(write(b, "HELLO", 5), 5);
    usleep(100000);
    close(a);
    assert_int_equal(reloc_net_hung_up(b, "answer", err), 1);
    close(b);
}

static void test_connect_refused(void **state)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    char err[XT_ERRLEN];
    int lfd, fd = -1, port;

    (void)state;
    /* A port that was just free: nothing listens there any more. */
    assert_int_equal(reloc_net_listen("127.0.0.1", 0, 1, &lfd, err), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
    port = ntohs(sin.sin_port);
    close(lfd);
    assert_int_equal(reloc_net_connect("127.0.0.1", port, 2, &fd, err), -1);
    assert_non_null(strstr(err, "Connection refused"));
    assert_int_equal(fd, -1);
    assert_int_equal(reloc_net_connect("no such host.invalid", port, 2, &fd,
                                       err), -1);
}

/* A connection on loopback comes from this host; so does one whose
 * peer is the address it arrived on. */
static void test_peer_is_self(void **state)
{
    int a, b;

    (void)state;
    tcp_pair(&a, &b);
    assert_int_equal(reloc_net_peer_is_self(a), 1);
    assert_int_equal(reloc_net_peer_is_self(b), 1);
    close(a);
    close(b);
    /* Not a socket at all: not this host. */
    assert_int_equal(reloc_net_peer_is_self(STDIN_FILENO), 0);
}

/* What ssh and socat tell a receiver on standard input. */
static void test_env_peer_is_self(void **state)
{
    static const struct {
        const char *ssh, *speer, *ssock;
        int self;
    } cases[] = {
        { "127.0.0.1 50022 127.0.0.1 22", NULL, NULL, 1 },
        { "10.0.0.5 50022 10.0.0.5 22", NULL, NULL, 1 },
        { "::1 50022 ::1 22", NULL, NULL, 1 },
        { "10.0.0.1 50022 10.0.0.2 22", NULL, NULL, 0 },
        { "10.0.0.1", NULL, NULL, 0 },
        { "not-an-address 1 10.0.0.2 22", NULL, NULL, 0 },
        { "", NULL, NULL, 0 },
        { NULL, "10.77.0.2", "10.77.0.2", 1 },
        { NULL, "127.0.0.7", "10.77.0.2", 1 },
        { NULL, "10.77.0.1", "10.77.0.2", 0 },
        { NULL, "10.77.0.1", NULL, 0 },
        { NULL, NULL, NULL, 0 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsetenv("SSH_CONNECTION");
        unsetenv("SOCAT_PEERADDR");
        unsetenv("SOCAT_SOCKADDR");
        if (cases[i].ssh)
            setenv("SSH_CONNECTION", cases[i].ssh, 1);
        if (cases[i].speer)
            setenv("SOCAT_PEERADDR", cases[i].speer, 1);
        if (cases[i].ssock)
            setenv("SOCAT_SOCKADDR", cases[i].ssock, 1);
        if (reloc_net_env_peer_is_self() != cases[i].self)
            fail_msg("case %zu: expected %d", i, cases[i].self);
    }
    unsetenv("SSH_CONNECTION");
    unsetenv("SOCAT_PEERADDR");
    unsetenv("SOCAT_SOCKADDR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_roundtrip),
        cmocka_unit_test(test_recv_into),
        cmocka_unit_test(test_hostile_length),
        cmocka_unit_test(test_truncated_payload),
        cmocka_unit_test(test_silent_peer),
        cmocka_unit_test(test_hung_up),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_peer_is_self),
        cmocka_unit_test(test_env_peer_is_self),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
