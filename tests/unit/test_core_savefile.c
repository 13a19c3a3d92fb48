/*
 * test_core_savefile.c - the xl save-file header: what is written reads
 * back, and every damaged, truncated or oversized header is refused with
 * a message before anything is allocated for it.
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

#include "savefile.h"

#define KNOWN (XT_MANDATORY_FLAG_SIMSTREAM)

/* A temporary file holding len bytes of buf, positioned at its start. */
static int file_with(const void *buf, size_t len)
{
    char path[] = "/tmp/xltool-savefile-XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static int written(const char *json, uint32_t flags, unsigned char *buf,
                   size_t cap, size_t *len_r)
{
    char err[512];
    int fd = file_with("", 0);
    ssize_t n;

    assert_int_equal(core_savefile_write(fd, json, flags, err, sizeof(err)),
                     0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    n = read(fd, buf, cap);
    assert_true(n > 0);
    *len_r = (size_t)n;
    close(fd);
    return 0;
}

static int read_back(const unsigned char *buf, size_t len, char **json_r,
                     uint32_t *flags_r, char *err)
{
    int fd = file_with(buf, len), rc;

    rc = core_savefile_read(fd, KNOWN, json_r, flags_r, err, 512);
    close(fd);
    return rc;
}

static void test_roundtrip(void **state)
{
    unsigned char buf[256];
    char err[512], *json = NULL;
    uint32_t flags = 0, u;
    size_t len;

    (void)state;
    written("{\"a\": 1}", KNOWN, buf, sizeof(buf), &len);
    assert_int_equal(len, 48 + 4 + 9);
    assert_memory_equal(buf, XT_SAVEFILE_MAGIC, 32);
    memcpy(&u, buf + 32, 4);
    assert_int_equal(u, 0x01020304);
    memcpy(&u, buf + 36, 4);
    assert_int_equal(u, KNOWN | XL_MANDATORY_FLAG_JSON);
    memcpy(&u, buf + 44, 4);
    assert_int_equal(u, 4 + 9);
    assert_int_equal(read_back(buf, len, &json, &flags, err), 0);
    assert_string_equal(json, "{\"a\": 1}");
    assert_int_equal(flags, KNOWN | XL_MANDATORY_FLAG_JSON);
    free(json);
}

static void test_no_config(void **state)
{
    unsigned char buf[256];
    char err[512], *json = (char *)1;
    uint32_t flags;
    size_t len;

    (void)state;
    written(NULL, KNOWN, buf, sizeof(buf), &len);
    assert_int_equal(len, 48);
    assert_int_equal(read_back(buf, len, &json, &flags, err), 0);
    assert_null(json);
}

static void expect_refused(const unsigned char *buf, size_t len,
                           const char *needle)
{
    char err[512] = "", *json = NULL;
    uint32_t flags;

    assert_int_equal(read_back(buf, len, &json, &flags, err), -1);
    assert_null(json);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
}

static void test_bad_magic(void **state)
{
    unsigned char buf[256];
    size_t len;

    (void)state;
    written("{}", KNOWN, buf, sizeof(buf), &len);
    buf[5] ^= 1;
    expect_refused(buf, len, "bad magic");
}

static void test_byte_order(void **state)
{
    unsigned char buf[256];
    uint32_t swapped = 0x04030201;
    size_t len;

    (void)state;
    written("{}", KNOWN, buf, sizeof(buf), &len);
    memcpy(buf + 32, &swapped, 4);
    expect_refused(buf, len, "byte order");
}

static void test_unknown_flag(void **state)
{
    unsigned char buf[256];
    size_t len;

    (void)state;
    /* A libxl (xc stream v2) file given to the simulated backend. */
    written("{}", XL_MANDATORY_FLAG_STREAMv2, buf, sizeof(buf), &len);
    expect_refused(buf, len, "mandatory flags");
}

static void test_truncated(void **state)
{
    unsigned char buf[256];
    size_t len, cut;

    (void)state;
    written("{\"name\": \"x\"}", KNOWN, buf, sizeof(buf), &len);
    for (cut = 0; cut < 48; cut += 7)
        expect_refused(buf, cut, "truncated in its header");
    for (cut = 48; cut < len; cut++)
        expect_refused(buf, cut, "truncated in its optional data");
}

static void test_oversized(void **state)
{
    unsigned char buf[256];
    uint32_t big = XT_SAVEFILE_MAX_OPTDATA + 1;
    size_t len;

    (void)state;
    written("{}", KNOWN, buf, sizeof(buf), &len);
    memcpy(buf + 44, &big, 4);
    expect_refused(buf, len, "too large");
    big = 0xffffffffu;
    memcpy(buf + 44, &big, 4);
    expect_refused(buf, len, "too large");
}

static void test_bad_config_length(void **state)
{
    unsigned char buf[256];
    uint32_t v;
    size_t len;

    (void)state;
    written("{\"a\":1}", KNOWN, buf, sizeof(buf), &len);
    v = 100;                       /* longer than the optional data */
    memcpy(buf + 48, &v, 4);
    expect_refused(buf, len, "does not fit");
    v = 0;
    memcpy(buf + 48, &v, 4);
    expect_refused(buf, len, "does not fit");
    v = 3;                         /* inside, but not NUL-terminated */
    memcpy(buf + 48, &v, 4);
    expect_refused(buf, len, "not a terminated string");
    v = 2;                         /* optional data too short for it */
    memcpy(buf + 44, &v, 4);
    expect_refused(buf, 50, "too short");
}

static void test_embedded_nul(void **state)
{
    unsigned char buf[256];
    size_t len;

    (void)state;
    written("{\"a\":1}", KNOWN, buf, sizeof(buf), &len);
    buf[48 + 4 + 2] = '\0';
    expect_refused(buf, len, "not a terminated string");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_no_config),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_byte_order),
        cmocka_unit_test(test_unknown_flag),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_bad_config_length),
        cmocka_unit_test(test_embedded_nul),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
