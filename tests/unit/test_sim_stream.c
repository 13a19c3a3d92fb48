/*
 * test_sim_stream.c - the simulated backend's page stream: pages written
 * come back at their pfns, the config's extra text in a version 2
 * header comes back as written, and the reader refuses every record
 * whose count, length or pfn is out of bounds, every bad extra, and
 * every truncated stream.
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

#define EXTRA "disk-shared xvda\n"

/* A stream of pages 3 and 7 (filled with their numbers) then END, with
 * the extra text given (NULL: a version 1 header). */
static int stream_with(const char *extra)
{
    static unsigned char mem[NPAGES * SIM_PAGE];
    uint64_t pfns[2] = {3, 7};
    char err[XT_ERRLEN];
    int fd = tmpfd();

    memset(mem + 3 * SIM_PAGE, 3, SIM_PAGE);
    memset(mem + 7 * SIM_PAGE, 7, SIM_PAGE);
    assert_int_equal(sim_stream_write_header(fd, NPAGES, extra, err), 0);
    assert_int_equal(sim_stream_write_pages(fd, pfns, 2, mem, err), 0);
    assert_int_equal(sim_stream_write_end(fd, err), 0);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static int good_stream(void)
{
    return stream_with(NULL);
}

/* Reads a whole stream; the extra text it carried goes to extra_r when
 * not NULL. */
static int read_extra(int fd, struct sink *s, char **extra_r, char *err)
{
    uint64_t n;
    char *extra = NULL;
    int rc;

    if (sim_stream_read_header(fd, &n, &extra, err))
        return -1;
    assert_non_null(extra);
    assert_int_equal(n, NPAGES);
    rc = sim_stream_read_body(fd, n, put, s, err);
    if (extra_r)
        *extra_r = extra;
    else
        free(extra);
    return rc;
}

static int read_all(int fd, struct sink *s, char *err)
{
    return read_extra(fd, s, NULL, err);
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

/* An empty extra writes a version 1 header; a real one comes back. */
static void test_extra(void **state)
{
    static struct sink s;
    char err[XT_ERRLEN], *extra = NULL;
    uint32_t version = 0;
    int fd;

    (void)state;
    fd = stream_with("");
    assert_int_equal(pread(fd, &version, 4, 8), 4);
    assert_int_equal(version, 1);
    assert_int_equal(read_extra(fd, &s, &extra, err), 0);
    assert_string_equal(extra, "");
    free(extra);
    close(fd);
    fd = stream_with(EXTRA);
    assert_int_equal(pread(fd, &version, 4, 8), 4);
    assert_int_equal(version, 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(read_extra(fd, &s, &extra, err), 0);
    assert_string_equal(extra, EXTRA);
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.mem[7][0], 7);
    free(extra);
    close(fd);
}

/* Rewrites 4 bytes at off of a stream, then expects refusal. */
static void patched_stream(const char *extra, size_t off, uint32_t v,
                           const char *needle)
{
    static struct sink s;
    char err[XT_ERRLEN] = "";
    int fd = stream_with(extra);

    assert_int_equal(pwrite(fd, &v, 4, (off_t)off), 4);
    assert_int_equal(read_all(fd, &s, err), -1);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
    close(fd);
}

static void patched(size_t off, uint32_t v, const char *needle)
{
    patched_stream(NULL, off, v, needle);
}

/* Layout: header 24 bytes; record {type 24, len 28}; count 32; pad 36;
 * pfns 40 and 48; pages from 56. */
static void test_bad_header(void **state)
{
    (void)state;
    patched(0, 0x41414141, "bad magic");
    patched(8, 3, "not supported");
    patched(8, 0, "not supported");
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

/* Version 2: the extra's length at 24, its text from 28. */
static void test_bad_extra(void **state)
{
    (void)state;
    patched_stream(EXTRA, 24, 0, "config extra of 0 bytes");
    patched_stream(EXTRA, 24, SIM_STREAM_MAX_EXTRA + 1, "config extra of");
    patched_stream(EXTRA, 28, 0x00736964, "holds a NUL");
    /* A length past the text takes in the first record's NULs; one
     * short of it leaves text where a record should be. */
    patched_stream(EXTRA, 24, sizeof(EXTRA) + 3, "holds a NUL");
    patched_stream(EXTRA, 24, sizeof(EXTRA) - 3, "unknown record type");
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
    /* Every cut in a version 2 header and its extra. */
    for (cut = 24; cut < 28 + (off_t)strlen(EXTRA); cut++) {
        fd = stream_with(EXTRA);
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
        cmocka_unit_test(test_extra),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_bad_extra),
        cmocka_unit_test(test_end_with_payload),
        cmocka_unit_test(test_truncated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
