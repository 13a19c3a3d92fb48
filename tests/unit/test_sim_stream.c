/*
 * test_sim_stream.c - the simulated backend's page stream: pages written
 * come back at their pfns, and the reader refuses every record whose
 * count, length or pfn is out of bounds, and every truncated stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sim.h"

#define NPAGES 16

struct sink {
    unsigned char mem[NPAGES][SIM_PAGE];
    int calls;
};

static int put(uint64_t pfn, uint64_t count, const void *pages,
               void *opaque)
{
    struct sink *s = opaque;

    memcpy(s->mem[pfn], pages, count * SIM_PAGE);
    s->calls++;
    return 0;
}

static int tmpfd(void)
{
    char path[] = "/tmp/xltool-stream-XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    unlink(path);
    return fd;
}

/* A stream of pages 3 and 7 (filled with their numbers) then END. */
static int good_stream(void)
{
    static unsigned char mem[NPAGES * SIM_PAGE];
    uint64_t pfns[2] = {3, 7};
    char err[XT_ERRLEN];
    int fd = tmpfd();

    memset(mem + 3 * SIM_PAGE, 3, SIM_PAGE);
    memset(mem + 7 * SIM_PAGE, 7, SIM_PAGE);
    assert_int_equal(sim_stream_write_header(fd, NPAGES, err), 0);
    assert_int_equal(sim_stream_write_pages(fd, pfns, 2, mem, err), 0);
    assert_int_equal(sim_stream_write_end(fd, err), 0);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static int read_all(int fd, struct sink *s, char *err)
{
    uint64_t n;

    if (sim_stream_read_header(fd, &n, err))
        return -1;
    assert_int_equal(n, NPAGES);
    return sim_stream_read_body(fd, n, put, s, err);
}

static void test_roundtrip(void **state)
{
    static struct sink s;
    char err[XT_ERRLEN];
    int fd = good_stream();

    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(read_all(fd, &s, err), 0);
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.mem[3][0], 3);
    assert_int_equal(s.mem[7][SIM_PAGE - 1], 7);
    assert_int_equal(s.mem[4][0], 0);
    close(fd);
}

/* Rewrites 4 bytes at off of the good stream, then expects refusal. */
static void patched(size_t off, uint32_t v, const char *needle)
{
    static struct sink s;
    char err[XT_ERRLEN] = "";
    int fd = good_stream();

    assert_int_equal(pwrite(fd, &v, 4, (off_t)off), 4);
    assert_int_equal(read_all(fd, &s, err), -1);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
    close(fd);
}

/* Layout: header 24 bytes; record {type 24, len 28}; count 32; pad 36;
 * pfns 40 and 48; pages from 56. */
static void test_bad_header(void **state)
{
    (void)state;
    patched(0, 0x41414141, "bad magic");
    patched(8, 2, "not supported");
    patched(12, 8192, "not supported");
    patched(16, 0, "claims 0 pages");
}

static void test_bad_records(void **state)
{
    (void)state;
    patched(24, 99, "unknown record type");
    patched(28, 8 + 2 * 8 + 2 * SIM_PAGE + 1, "bad page record");
    patched(28, 4, "page record of 4 bytes");
    patched(32, 0, "bad page record");
    patched(32, SIM_STREAM_BATCH + 1, "bad page record");
    patched(32, 0xffffffffu, "bad page record");
    patched(36, 1, "bad page record");
    patched(48, NPAGES, "beyond the domain");
    patched(52, 1, "beyond the domain");
}

static void test_end_with_payload(void **state)
{
    (void)state;
    patched(56 + 2 * SIM_PAGE + 4, 8, "end record of 8 bytes");
}

static void test_truncated(void **state)
{
    static struct sink s;
    char err[XT_ERRLEN];
    off_t full, cut;
    int fd;

    (void)state;
    fd = good_stream();
    full = lseek(fd, 0, SEEK_END);
    close(fd);
    for (cut = 0; cut < full; cut += 509) {
        fd = good_stream();
        assert_int_equal(ftruncate(fd, cut), 0);
        err[0] = '\0';
        assert_int_equal(read_all(fd, &s, err), -1);
        assert_non_null(strstr(err, "truncated"));
        close(fd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_end_with_payload),
        cmocka_unit_test(test_truncated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
