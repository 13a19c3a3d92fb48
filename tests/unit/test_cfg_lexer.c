/*
 * test_cfg_lexer.c - the lexer of xm-style configs: every token kind,
 * string quotings and escapes, numbers, line joining, and the lexical
 * errors with their positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_int.h"

struct lexrun {
    struct cfg_src src;
    struct cfg_diags d;
    struct cfg_lexer lx;
};

static void lex_start(struct lexrun *r, const char *text)
{
    r->src.name = "t.cfg";
    r->src.data = text;
    r->src.len = strlen(text);
    cfg_diags_init(&r->d);
    cfg_lex_init(&r->lx, &r->src, &r->d);
}

static void next(struct lexrun *r, struct cfg_token *t, enum cfg_tok kind)
{
    cfg_lex_next(&r->lx, t);
    if (t->kind != kind)
        fail_msg("token kind %d, expected %d (line %d col %d)", t->kind,
                 kind, t->line, t->col);
}

static void string_ok(const char *text, const char *value, int exact)
{
    struct lexrun r;
    struct cfg_token t;

    lex_start(&r, text);
    next(&r, &t, CFG_T_STR);
    assert_string_equal(t.sval, value);
    assert_int_equal(t.exact, exact);
    cfg_token_dispose(&t);
    next(&r, &t, CFG_T_EOF);
    assert_int_equal(r.d.n, 0);
    cfg_diags_dispose(&r.d);
}

static void test_strings(void **state)
{
    (void)state;
    string_ok("'abc'", "abc", 1);
    string_ok("\"a'b\"", "a'b", 1);
    string_ok("'''x\ny'''", "x\ny", 0);
    string_ok("\"\"\"q\"q\"\"\"", "q\"q", 1);
    string_ok("'\\t\\n\\\\\\'\\x41\\101'", "\t\n\\'AA", 0);
    string_ok("r'\\d\\n'", "\\d\\n", 0);
    string_ok("u'x'", "x", 1);
    string_ok("'\\q'", "\\q", 0);            /* Python keeps it */
    string_ok("'a\\\nb'", "ab", 0);          /* joined line */
    string_ok("''", "", 1);
}

static void test_numbers(void **state)
{
    static const struct { const char *text; int64_t v; } ok[] = {
        { "0", 0 }, { "42", 42 }, { "0x1F", 31 }, { "0o17", 15 },
        { "0b101", 5 }, { "9223372036854775807", INT64_MAX }, { "7L", 7 },
    };
    struct lexrun r;
    struct cfg_token t;
    size_t k;

    (void)state;
    for (k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
        lex_start(&r, ok[k].text);
        next(&r, &t, CFG_T_INT);
        assert_int_equal(t.ival, ok[k].v);
        assert_int_equal(r.d.n, 0);
        cfg_diags_dispose(&r.d);
    }
}

static void error_case(const char *text, int line, int col, int len,
                         const char *msg)
{
    struct lexrun r;
    struct cfg_token t;
    int guard = 0;

    lex_start(&r, text);
    do {
        cfg_lex_next(&r.lx, &t);
        cfg_token_dispose(&t);
    } while (t.kind != CFG_T_EOF && ++guard < 100);
    if (r.d.nerrors < 1)
        fail_msg("no error for <%s>", text);
    assert_int_equal(r.d.v[0].severity, CFG_ERROR);
    assert_int_equal(r.d.v[0].line, line);
    assert_int_equal(r.d.v[0].col, col);
    assert_int_equal(r.d.v[0].len, len);
    if (!strstr(r.d.v[0].msg, msg))
        fail_msg("<%s>: message \"%s\" lacks \"%s\"", text, r.d.v[0].msg,
                 msg);
    cfg_diags_dispose(&r.d);
}

static void test_errors(void **state)
{
    (void)state;
    error_case("x = 'abc", 1, 5, 4, "unterminated string");
    error_case("x = 1\ny = '''abc\n", 2, 5, 6,
                 "unterminated triple-quoted string");
    error_case("x = '\\x4g'", 1, 6, 3, "invalid \\x escape");
    error_case("x = '\\0'", 1, 6, 2, "NUL");
    error_case("x = 12ab", 1, 5, 4, "invalid number '12ab'");
    error_case("x = 0x", 1, 5, 2, "invalid number '0x'");
    error_case("x = 010", 1, 5, 3, "leading zeros");
    error_case("x = 1.5", 1, 5, 3, "floating-point");
    error_case("x = 99999999999999999999", 1, 5, 20, "too large");
    error_case("x = [1, 2", 1, 5, 1, "'[' was never closed");
    error_case("x = (1]", 1, 7, 1, "does not match '('");
    error_case("x = 1)", 1, 6, 1, "unmatched ')'");
    error_case("x = $", 1, 5, 1, "unexpected character '$'");
    error_case("x = \x01", 1, 5, 1, "byte 0x01");
}

static void test_joining_and_newlines(void **state)
{
    struct lexrun r;
    struct cfg_token t;

    (void)state;
    /* Inside brackets newlines vanish; outside they end statements. */
    lex_start(&r, "a = [1,\n  2] # c\nb \\\n = 3\n");
    next(&r, &t, CFG_T_NAME);
    cfg_token_dispose(&t);
    next(&r, &t, CFG_T_OP);
    next(&r, &t, CFG_T_OP);
    assert_string_equal(t.op, "[");
    next(&r, &t, CFG_T_INT);
    next(&r, &t, CFG_T_OP);
    next(&r, &t, CFG_T_INT);
    assert_int_equal(t.line, 2);
    assert_int_equal(t.col, 3);
    next(&r, &t, CFG_T_OP);
    next(&r, &t, CFG_T_NEWLINE);
    next(&r, &t, CFG_T_NAME);
    assert_string_equal(t.sval, "b");
    cfg_token_dispose(&t);
    next(&r, &t, CFG_T_OP);
    assert_int_equal(t.line, 4);
    next(&r, &t, CFG_T_INT);
    next(&r, &t, CFG_T_NEWLINE);
    next(&r, &t, CFG_T_EOF);
    assert_int_equal(r.d.n, 0);
    cfg_diags_dispose(&r.d);
}

static void test_operators(void **state)
{
    static const char *const ops[] = { "+=", "//", "+", "%", "==", "**" };
    struct lexrun r;
    struct cfg_token t;
    size_t k;

    (void)state;
    lex_start(&r, "+= // + % == **");
    for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        next(&r, &t, CFG_T_OP);
        assert_string_equal(t.op, ops[k]);
    }
    next(&r, &t, CFG_T_EOF);
    cfg_diags_dispose(&r.d);
}

static void test_unclosed_recovers_at_next_statement(void **state)
{
    struct lexrun r;
    struct cfg_token t;

    (void)state;
    lex_start(&r, "disk = ['a',\nmemory = 5\n");
    next(&r, &t, CFG_T_NAME);
    cfg_token_dispose(&t);
    next(&r, &t, CFG_T_OP);
    next(&r, &t, CFG_T_OP);
    next(&r, &t, CFG_T_STR);
    cfg_token_dispose(&t);
    next(&r, &t, CFG_T_OP);
    next(&r, &t, CFG_T_ERROR);
    next(&r, &t, CFG_T_NEWLINE);
    next(&r, &t, CFG_T_NAME);
    assert_string_equal(t.sval, "memory");
    cfg_token_dispose(&t);
    assert_int_equal(r.d.nerrors, 1);
    assert_int_equal(r.d.v[0].line, 1);
    assert_int_equal(r.d.v[0].col, 8);
    cfg_diags_dispose(&r.d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_joining_and_newlines),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_unclosed_recovers_at_next_statement),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
