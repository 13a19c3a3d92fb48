/*
 * test_reloc_tls.c - TLS 1.3 with an external pre-shared key
 * (relocation/tls.c) over a real socket pair: the same key connects and
 * carries framed messages; a different key or identity, a malformed key
 * file or a missing one is refused.  Certificate mode is exercised with
 * real certificates by tests/integration/migrate-tls.sh.
 */
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
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

struct side {
    struct reloc_conf conf;
    struct reloc_tls *tls;
    struct reloc_conn conn;
    int rc;
    char err[XT_ERRLEN];
};

static void psk_conf(struct side *s, const char *text, char *file)
{
    FILE *f;
    int fd;

    reloc_conf_init(&s->conf);
    strcpy(file, "/tmp/test_reloc_psk.XXXXXX");
    fd = mkstemp(file);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    s->conf.psk_file = strdup(file);
}

static void *server_main(void *arg)
{
    struct side *s = arg;
    struct reloc_msg m = { 0 };

    s->rc = reloc_tls_accept(s->tls, &s->conn, s->err);
    if (s->rc == 0) {
        s->rc = reloc_msg_recv(&s->conn, &m, s->err);
        if (s->rc == 0 && m.type != RELOC_GO)
            s->rc = -1;
        reloc_msg_dispose(&m);
        if (s->rc == 0)
            s->rc = reloc_send_u32(&s->conn, RELOC_READY, 42, s->err);
    }
    reloc_conn_close(&s->conn);
    return NULL;
}

/* Runs one handshake and one exchange; returns the client's status. */
static int run_pair(const char *server_psk, const char *client_psk,
                    int *server_rc)
{
    struct side srv, cli;
    struct reloc_msg m = { 0 };
    char fs[64], fc[64];
    pthread_t th;
    int sp[2], rc;
    uint32_t v = 0;

    memset(&srv, 0, sizeof(srv));
    memset(&cli, 0, sizeof(cli));
    psk_conf(&srv, server_psk, fs);
    psk_conf(&cli, client_psk, fc);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
    srv.conn.fd = sp[0];
    cli.conn.fd = sp[1];
    snprintf(srv.conn.peer, sizeof(srv.conn.peer), "client");
    snprintf(cli.conn.peer, sizeof(cli.conn.peer), "server");
    assert_int_equal(reloc_tls_new(&srv.conf, 1, &srv.tls, srv.err), 0);
    assert_int_equal(reloc_tls_new(&cli.conf, 0, &cli.tls, cli.err), 0);
    assert_int_equal(pthread_create(&th, NULL, server_main, &srv), 0);
    rc = reloc_tls_connect(cli.tls, &cli.conn, "localhost", cli.err);
    if (rc == 0)
        rc = reloc_send_empty(&cli.conn, RELOC_GO, cli.err);
    if (rc == 0)
        rc = reloc_msg_recv(&cli.conn, &m, cli.err);
    if (rc == 0)
        rc = reloc_u32_decode(m.data, m.len, &v, cli.err);
    if (rc == 0 && v != 42)
        rc = -1;
    reloc_msg_dispose(&m);
    reloc_conn_close(&cli.conn);
    pthread_join(th, NULL);
    *server_rc = srv.rc;
    if (rc || srv.rc)
        print_message("client: %s\nserver: %s\n", rc ? cli.err : "ok",
                      srv.rc ? srv.err : "ok");
    reloc_tls_free(srv.tls);
    reloc_tls_free(cli.tls);
    reloc_conf_dispose(&srv.conf);
    reloc_conf_dispose(&cli.conf);
    unlink(fs);
    unlink(fc);
    return rc;
}

#define KEY1 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY2 "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_psk_same_key(void **state)
{
    int src;

    (void)state;
    assert_int_equal(run_pair("xltool:" KEY1 "\n", "xltool:" KEY1 "\n",
                              &src), 0);
    assert_int_equal(src, 0);
}

static void test_psk_wrong_key(void **state)
{
    int src;

    (void)state;
    assert_int_equal(run_pair("xltool:" KEY1 "\n", "xltool:" KEY2 "\n",
                              &src), -1);
    assert_int_equal(src, -1);
}

static void test_psk_wrong_identity(void **state)
{
    int src;

    (void)state;
    assert_int_equal(run_pair("xltool:" KEY1 "\n", "other:" KEY1 "\n",
                              &src), -1);
    assert_int_equal(src, -1);
}

static void expect_bad_file(const char *text, const char *want)
{
    struct side s;
    char f[64];

    memset(&s, 0, sizeof(s));
    psk_conf(&s, text, f);
    assert_int_equal(reloc_tls_new(&s.conf, 1, &s.tls, s.err), -1);
    if (!strstr(s.err, want)) {
        print_error("got '%s', want '%s'\n", s.err, want);
        fail();
    }
    reloc_conf_dispose(&s.conf);
    unlink(f);
}

static void test_psk_bad_files(void **state)
{
    struct reloc_conf c;
    struct reloc_tls *t = NULL;
    char err[XT_ERRLEN];

    (void)state;
    expect_bad_file("", "empty or unreadable");
    expect_bad_file(KEY1 "\n", "expected identity:hexkey");
    expect_bad_file("id:0011\n", "32 to 128 hex digits");
    expect_bad_file("id:zz112233445566778899aabbccddeeff\n",
                    "not hexadecimal");
    reloc_conf_init(&c);
    c.psk_file = strdup("/nonexistent/psk");
    assert_int_equal(reloc_tls_new(&c, 0, &t, err), -1);
    assert_non_null(strstr(err, "/nonexistent/psk"));
    reloc_conf_dispose(&c);
    /* Nothing configured at all. */
    assert_int_equal(reloc_tls_new(&c, 0, &t, err), -1);
    assert_non_null(strstr(err, "psk_file"));
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psk_same_key),
        cmocka_unit_test(test_psk_wrong_key),
        cmocka_unit_test(test_psk_wrong_identity),
        cmocka_unit_test(test_psk_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
