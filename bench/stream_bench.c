/*
 * stream_bench.c - the relocation transport alone: a stream written into
 * a pipe, carried by the sending pump (relocation/stream.c) over a TCP
 * connection on 127.0.0.1, in TLS 1.3 or in the clear, and written by the
 * receiving pump into a pipe that is read to the end: what a migration
 * does between the two backends.  Prints one line:
 *   MODE MIB wall_s user_s sys_s
 * with the process's CPU time over the transfer (both ends, every
 * thread).  bench/stream runs it; nothing here asserts a timing.
 *   usage: stream_bench tls|plain MIB PKI_DIR
 * PKI_DIR holds ca.pem, src.pem, src.key, dst.pem and dst.key, each
 * certificate naming IP 127.0.0.1.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include "client.h"
#include "proto.h"
#include "reloc.h"

#define CHUNK (1024 * 1024)

struct end {
    struct reloc_conf conf;
    struct reloc_tls *tls;
    struct reloc_conn conn;
    int rc;
    char err[XT_ERRLEN];
};

struct feed {
    int fd;
    uint64_t len;
    uint64_t got;
};

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Memory that does not compress or repeat within a record. */
static void fill(uint8_t *p, size_t n)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    size_t i;

    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)x;
    }
}

static void *writer_main(void *arg)
{
    struct feed *f = arg;
    uint8_t *buf = malloc(CHUNK);
    char err[XT_ERRLEN];
    uint64_t done = 0;

    if (buf) {
        fill(buf, CHUNK);
        while (done < f->len &&
               reloc_net_write(f->fd, buf, CHUNK, "stream", err) == 0)
            done += CHUNK;
    }
    free(buf);
    close(f->fd);
    return NULL;
}

static void *reader_main(void *arg)
{
    struct feed *f = arg;
    uint8_t *buf = malloc(CHUNK);
    ssize_t r;

    while (buf && (r = read(f->fd, buf, CHUNK)) > 0)
        f->got += (uint64_t)r;
    free(buf);
    return NULL;
}

static void *accept_main(void *arg)
{
    struct end *e = arg;

    e->rc = reloc_tls_accept(e->tls, &e->conn, e->err);
    return NULL;
}

static int end_conf(struct end *e, const char *dir, const char *who,
                    int server)
{
    reloc_conf_init(&e->conf);
    e->conn.fd = -1;
    snprintf(e->conn.peer, sizeof(e->conn.peer), "%s", server ? "source"
             : "127.0.0.1");
    if (asprintf(&e->conf.cert, "%s/%s.pem", dir, who) < 0 ||
        asprintf(&e->conf.key, "%s/%s.key", dir, who) < 0 ||
        asprintf(&e->conf.ca, "%s/ca.pem", dir) < 0)
        return -1;
    return reloc_tls_new(&e->conf, server, &e->tls, e->err);
}

/* A TCP connection on 127.0.0.1: dst accepts what src connects. */
static int connect_pair(struct end *dst, struct end *src, char *err)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    char name[256];
    int lfd, rc = -1;

    if (reloc_net_listen("127.0.0.1", 0, 1, &lfd, err))
        return -1;
    if (getsockname(lfd, (struct sockaddr *)&sa, &sl) == 0 &&
        reloc_net_connect("127.0.0.1", ntohs(sa.sin_port), 5,
                          &src->conn.fd, err) == 0) {
        dst->conn.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        rc = dst->conn.fd < 0 ? -1 : 0;
        if (rc == 0)
            reloc_net_peer(dst->conn.fd, dst->conn.peer,
                           sizeof(dst->conn.peer), name, sizeof(name));
    }
    close(lfd);
    return rc;
}

static int handshake(struct end *dst, struct end *src)
{
    pthread_t th;

    if (pthread_create(&th, NULL, accept_main, dst))
        return -1;
    src->rc = reloc_tls_connect(src->tls, &src->conn, "127.0.0.1",
                                src->err);
    pthread_join(th, NULL);
    return src->rc || dst->rc ? -1 : 0;
}

/* Carries mib MiB from src to dst; prints the line. */
static int transfer(struct end *dst, struct end *src, const char *mode,
                    uint64_t mib)
{
    struct reloc_pump tx = { .conn = &src->conn, .end_with_data_end = 1 };
    struct reloc_pump rx = { .conn = &dst->conn };
    struct feed in = { .len = mib << 20 }, out = { 0 };
    struct rusage r0, r1;
    pthread_t tw, tr;
    int a[2], b[2];
    double t0, t1;

    if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
        return -1;
    reloc_pipe_grow(a[1]);
    reloc_pipe_grow(b[1]);
    in.fd = a[1];
    tx.fd = a[0];
    rx.fd = b[1];
    out.fd = b[0];
    getrusage(RUSAGE_SELF, &r0);
    t0 = reloc_now();
    if (pthread_create(&tw, NULL, writer_main, &in) ||
        pthread_create(&tr, NULL, reader_main, &out) ||
        reloc_pump_start(&tx, 1, src->err) ||
        reloc_pump_start(&rx, 0, dst->err))
        abort();    /* a benchmark that cannot start its threads */
    pthread_join(tw, NULL);
    tx.status = reloc_pump_join(&tx);
    rx.status = reloc_pump_join(&rx);
    pthread_join(tr, NULL);
    t1 = reloc_now();
    getrusage(RUSAGE_SELF, &r1);
    close(b[0]);
    if (tx.status || rx.status || out.got != in.len) {
        fprintf(stderr, "stream_bench: %s / %s (%llu of %llu bytes)\n",
                tx.err, rx.err, (unsigned long long)out.got,
                (unsigned long long)in.len);
        return -1;
    }
    printf("%s %llu %.3f %.3f %.3f\n", mode, (unsigned long long)mib,
           t1 - t0, tv_s(r1.ru_utime) - tv_s(r0.ru_utime),
           tv_s(r1.ru_stime) - tv_s(r0.ru_stime));
    return 0;
}

int main(int argc, char **argv)
{
    struct end dst = { .conn.fd = -1 }, src = { .conn.fd = -1 };
    char err[XT_ERRLEN] = "";
    int tls, rc = 1;
    long mib;

    if (argc != 4 || (strcmp(argv[1], "tls") && strcmp(argv[1], "plain")) ||
        (mib = strtol(argv[2], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: stream_bench tls|plain MIB PKI_DIR\n");
        return 2;
    }
    tls = !strcmp(argv[1], "tls");
    if (end_conf(&dst, argv[3], "dst", 1) ||
        end_conf(&src, argv[3], "src", 0) ||
        connect_pair(&dst, &src, err) ||
        (tls && handshake(&dst, &src))) {
        fprintf(stderr, "stream_bench: %s%s%s\n", err, dst.err, src.err);
        goto out;
    }
    if (transfer(&dst, &src, argv[1], (uint64_t)mib) == 0)
        rc = 0;
out:
    reloc_conn_close(&src.conn);
    reloc_conn_close(&dst.conn);
    reloc_tls_free(src.tls);
    reloc_tls_free(dst.tls);
    reloc_conf_dispose(&src.conf);
    reloc_conf_dispose(&dst.conf);
    return rc;
}
