/*
 * test_reloc_proto.c - the relocation protocol's message building and
 * bounds-checked parsing (relocation/proto.c): every accepted form and,
 * as carefully, every rejected one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"
#include "proto.h"

static void test_header_roundtrip(void **state)
{
    uint8_t hdr[RELOC_HDR_LEN];
    char err[XT_ERRLEN];
    uint16_t type;
    uint32_t len;

    (void)state;
    reloc_hdr_pack(hdr, RELOC_DATA, 1234);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), 0);
    assert_int_equal(type, RELOC_DATA);
    assert_int_equal(len, 1234);
    reloc_hdr_pack(hdr, RELOC_HELLO, RELOC_MAX_CTRL);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), 0);
}

static void test_header_rejects(void **state)
{
    uint8_t hdr[RELOC_HDR_LEN];
    char err[XT_ERRLEN];
    uint16_t type;
    uint32_t len;

    (void)state;
    /* Unknown types, both ends of the range. */
    reloc_hdr_pack(hdr, 0, 0);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), -1);
    reloc_hdr_pack(hdr, RELOC_MSG_MAX + 1, 0);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), -1);
    /* A length over the type's maximum is refused before any read. */
    reloc_hdr_pack(hdr, RELOC_DATA, RELOC_MAX_DATA + 1);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), -1);
    assert_non_null(strstr(err, "exceeds"));
    reloc_hdr_pack(hdr, RELOC_GO, 1);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), -1);
    reloc_hdr_pack(hdr, RELOC_HELLO, 0xffffffffu);
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), -1);
    /* The reserved bytes must be zero. */
    reloc_hdr_pack(hdr, RELOC_GO, 0);
    hdr[3] = 1;
    assert_int_equal(reloc_hdr_parse(hdr, &type, &len, err), -1);
}

static void test_cursor_overrun(void **state)
{
    const uint8_t two[] = { 0, 0 };
    const uint8_t str_long[] = { 0, 0, 0, 9, 'a', 'b' };
    const uint8_t str_nul[] = { 0, 0, 0, 2, 'a', 0 };
    struct reloc_cur c;
    uint32_t v;
    uint64_t w;
    char *s = NULL;

    (void)state;
    reloc_cur_init(&c, two, sizeof(two));
    assert_int_equal(reloc_cur_u32(&c, &v), -1);
    assert_int_equal(reloc_cur_u64(&c, &w), -1);
    assert_int_equal(reloc_cur_end(&c), -1);
    reloc_cur_init(&c, str_long, sizeof(str_long));
    assert_int_equal(reloc_cur_str(&c, 100, &s), -1);
    reloc_cur_init(&c, str_nul, sizeof(str_nul));
    assert_int_equal(reloc_cur_str(&c, 100, &s), -1);
    /* Over the caller's maximum, even though the bytes are there. */
    reloc_cur_init(&c, str_nul, sizeof(str_nul));
    assert_int_equal(reloc_cur_str(&c, 1, &s), -1);
    assert_null(s);
}

static struct reloc_hello sample = {
    .version = RELOC_VERSION,
    .flags = RELOC_F_LIVE,
    .backend = "sim",
    .name = "busybox",
    .uuid = "e98278ae-b80e-4fcc-ae4e-3b76d5df2a85",
    .config_json = "{\"c_info\": {\"name\": \"busybox\"}}",
};

static void test_hello_roundtrip(void **state)
{
    struct reloc_buf b = { 0 };
    struct reloc_hello h;
    char err[XT_ERRLEN];
    uint16_t type;
    uint32_t len;

    (void)state;
    assert_int_equal(reloc_hello_encode(&b, &sample, err), 0);
    assert_int_equal(reloc_hdr_parse(b.p, &type, &len, err), 0);
    assert_int_equal(type, RELOC_HELLO);
    assert_int_equal(len, b.len - RELOC_HDR_LEN);
    assert_int_equal(reloc_hello_decode(b.p + RELOC_HDR_LEN, len, &h, err),
                     0);
    assert_string_equal(h.backend, "sim");
    assert_string_equal(h.name, "busybox");
    assert_string_equal(h.uuid, sample.uuid);
    assert_string_equal(h.config_json, sample.config_json);
    assert_int_equal(h.flags, RELOC_F_LIVE);
    reloc_hello_dispose(&h);
    reloc_buf_dispose(&b);
}

/* Every truncation of a valid HELLO is refused, as is one extra byte. */
static void test_hello_truncated(void **state)
{
    struct reloc_buf b = { 0 };
    struct reloc_hello h;
    char err[XT_ERRLEN];
    uint8_t *longer;
    size_t n, plen;

    (void)state;
    assert_int_equal(reloc_hello_encode(&b, &sample, err), 0);
    plen = b.len - RELOC_HDR_LEN;
    for (n = 0; n < plen; n++)
        assert_int_equal(reloc_hello_decode(b.p + RELOC_HDR_LEN, n, &h,
                                            err), -1);
    longer = calloc(1, plen + 1);
    assert_non_null(longer);
    memcpy(longer, b.p + RELOC_HDR_LEN, plen);
    assert_int_equal(reloc_hello_decode(longer, plen + 1, &h, err), -1);
    free(longer);
    reloc_buf_dispose(&b);
}

static void expect_hello_refused(const struct reloc_hello *in,
                                 const char *want)
{
    struct reloc_buf b = { 0 };
    struct reloc_hello h;
    char err[XT_ERRLEN];

    assert_int_equal(reloc_hello_encode(&b, in, err), 0);
    assert_int_equal(reloc_hello_decode(b.p + RELOC_HDR_LEN,
                                        b.len - RELOC_HDR_LEN, &h, err), -1);
    assert_non_null(strstr(err, want));
    assert_null(h.name);
    reloc_buf_dispose(&b);
}

static void test_hello_rejects(void **state)
{
    struct reloc_hello h = sample;

    (void)state;
    h.version = 2;
    expect_hello_refused(&h, "version 2");
    h = sample;
    h.name = "../../etc/passwd";
    expect_hello_refused(&h, "invalid domain name");
    h.name = "";
    expect_hello_refused(&h, "invalid domain name");
    h.name = "a name";
    expect_hello_refused(&h, "invalid domain name");
}

static void test_hello_bad_magic(void **state)
{
    struct reloc_buf b = { 0 };
    struct reloc_hello h;
    char err[XT_ERRLEN];

    (void)state;
    assert_int_equal(reloc_hello_encode(&b, &sample, err), 0);
    b.p[RELOC_HDR_LEN] ^= 0xff;
    assert_int_equal(reloc_hello_decode(b.p + RELOC_HDR_LEN,
                                        b.len - RELOC_HDR_LEN, &h, err), -1);
    assert_non_null(strstr(err, "magic"));
    reloc_buf_dispose(&b);
}

static void test_small_messages(void **state)
{
    struct reloc_buf b = { 0 };
    char err[XT_ERRLEN], *s = NULL, *name = NULL, *uuid = NULL;
    uint32_t v;
    uint64_t w;
    const uint8_t five[] = { 0, 0, 0, 7, 1 };

    (void)state;
    reloc_buf_start(&b, RELOC_REFUSE);
    reloc_buf_str(&b, "disk /x not found");
    assert_int_equal(reloc_buf_finish(&b, err), 0);
    assert_int_equal(reloc_str_decode(b.p + RELOC_HDR_LEN,
                                      b.len - RELOC_HDR_LEN, &s, err), 0);
    assert_string_equal(s, "disk /x not found");
    free(s);
    assert_int_equal(reloc_u32_decode(five, 4, &v, err), 0);
    assert_int_equal(v, 7);
    assert_int_equal(reloc_u32_decode(five, 5, &v, err), -1);
    assert_int_equal(reloc_u64_decode(five, 5, &w, err), -1);

    reloc_buf_start(&b, RELOC_RESOLVE);
    reloc_buf_u32(&b, RELOC_MAGIC);
    reloc_buf_u32(&b, RELOC_VERSION);
    reloc_buf_str(&b, "busybox");
    reloc_buf_str(&b, "u");
    assert_int_equal(reloc_buf_finish(&b, err), 0);
    assert_int_equal(reloc_resolve_decode(b.p + RELOC_HDR_LEN,
                                          b.len - RELOC_HDR_LEN, &name,
                                          &uuid, err), 0);
    assert_string_equal(name, "busybox");
    free(name);
    free(uuid);
    /* A message over its type's maximum is never built. */
    reloc_buf_start(&b, RELOC_GO);
    reloc_buf_u32(&b, 1);
    assert_int_equal(reloc_buf_finish(&b, err), -1);
    reloc_buf_dispose(&b);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(reloc_name_valid("busybox"));
    assert_true(reloc_name_valid("web-01.example_2"));
    assert_false(reloc_name_valid(""));
    assert_false(reloc_name_valid(".hidden"));
    assert_false(reloc_name_valid("-x"));
    assert_false(reloc_name_valid("a/b"));
    assert_false(reloc_name_valid("a\nb"));
    assert_false(reloc_name_valid(
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_roundtrip),
        cmocka_unit_test(test_header_rejects),
        cmocka_unit_test(test_cursor_overrun),
        cmocka_unit_test(test_hello_roundtrip),
        cmocka_unit_test(test_hello_truncated),
        cmocka_unit_test(test_hello_rejects),
        cmocka_unit_test(test_hello_bad_magic),
        cmocka_unit_test(test_small_messages),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
