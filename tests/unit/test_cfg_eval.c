/*
 * test_cfg_eval.c - evaluation of xm-style configs: expressions and
 * their Python results, assignments, command-line variables, and every
 * rejected construct with the place it is reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_int.h"

struct run {
    struct cfg_src src;
    struct cfg_diags d;
    struct cfg_env env;
};

static int eval_text(struct run *r, const char *text, int nvars,
                     char *const *vars)
{
    r->src.name = "t.cfg";
    r->src.data = text;
    r->src.len = strlen(text);
    cfg_diags_init(&r->d);
    cfg_env_init(&r->env);
    cfg_eval_cmdline(&r->env, nvars, vars, &r->d);
    return cfg_eval(&r->env, &r->src, &r->d);
}

static void run_done(struct run *r)
{
    cfg_env_dispose(&r->env);
    cfg_diags_dispose(&r->d);
}

static const struct cfg_value *get(struct run *r, const char *name)
{
    struct cfg_var *v = cfg_env_find(&r->env, name);

    if (!v || !v->val)
        fail_msg("%s is not set", name);
    return v->val;
}

static void int_is(const char *text, int64_t want)
{
    struct run r;

    if (eval_text(&r, text, 0, NULL))
        fail_msg("<%s>: %s", text, r.d.v[0].msg);
    assert_int_equal(get(&r, "x")->type, CFG_V_INT);
    if (get(&r, "x")->i != want)
        fail_msg("<%s> gave %lld, expected %lld", text,
                 (long long)get(&r, "x")->i, (long long)want);
    run_done(&r);
}

static void str_is(const char *text, const char *want)
{
    struct run r;

    if (eval_text(&r, text, 0, NULL))
        fail_msg("<%s>: %s", text, r.d.v[0].msg);
    assert_int_equal(get(&r, "x")->type, CFG_V_STR);
    assert_string_equal(get(&r, "x")->s, want);
    run_done(&r);
}

static void test_arithmetic(void **state)
{
    (void)state;
    int_is("x = 1 + 2 * 3", 7);
    int_is("x = (1 + 2) * 3", 9);
    int_is("x = 7 / 2", 3);
    int_is("x = -7 / 2", -4);              /* floors, as Python 2 */
    int_is("x = -7 // 2", -4);
    int_is("x = -7 % 3", 2);               /* sign of the divisor */
    int_is("x = 7 % -3", -2);
    int_is("x = - - 5", 5);
    int_is("x = 0x10 - 0b1", 15);
    int_is("x = True + True", 2);
    int_is("a = 5\nx = a * a", 25);
}

static void test_strings_and_format(void **state)
{
    (void)state;
    str_is("x = 'a' + \"b\"", "ab");
    str_is("x = 'a' 'b'", "ab");
    str_is("x = '%d-%s' % (3, 'x')", "3-x");
    str_is("x = '%05d|%-3s|%3s' % (42, 'a', 'b')", "00042|a  |  b");
    str_is("x = '%x %X %o %i %%' % (255, 255, 8, 7)", "ff FF 10 7 %");
    str_is("x = '%s %s %s' % (True, None, 5)", "True None 5");
    str_is("x = 'v%d' % 9", "v9");
    str_is("x = '%.2s' % 'abc'", "ab");
}

static void test_sequences(void **state)
{
    struct run r;
    const struct cfg_value *v;

    (void)state;
    assert_int_equal(eval_text(&r, "x = [1, (2, 'a',), [],]\n"
                                   "x += [3]\ny = ()\nz = (4)", 0, NULL), 0);
    v = get(&r, "x");
    assert_int_equal(v->type, CFG_V_LIST);
    assert_int_equal(v->n, 4);
    assert_int_equal(v->items[1]->type, CFG_V_TUPLE);
    assert_int_equal(v->items[1]->n, 2);
    assert_int_equal(v->items[2]->n, 0);
    assert_int_equal(v->items[3]->i, 3);
    assert_int_equal(get(&r, "y")->type, CFG_V_TUPLE);
    assert_int_equal(get(&r, "z")->type, CFG_V_INT);     /* (4) is 4 */
    run_done(&r);
}

static void test_cmdline(void **state)
{
    char *vars[] = { "vmid=3", "name=web", "q=\"x y\"", "l=[1,'a']",
                     "path=/srv/img", "neg=-2", "e=" };
    struct run r;

    (void)state;
    assert_int_equal(eval_text(&r, "vmid = 1\nname = 'file'\nn = vmid * 2",
                               7, vars), 0);
    assert_int_equal(get(&r, "vmid")->i, 3);          /* the command line
                                                       * wins */
    assert_string_equal(get(&r, "name")->s, "web");   /* not a literal */
    assert_string_equal(get(&r, "q")->s, "x y");      /* xl's quoting */
    assert_int_equal(get(&r, "l")->type, CFG_V_LIST);
    assert_string_equal(get(&r, "path")->s, "/srv/img");
    assert_int_equal(get(&r, "neg")->i, -2);
    assert_string_equal(get(&r, "e")->s, "");
    assert_int_equal(get(&r, "n")->i, 6);
    run_done(&r);
}

/* The text must give exactly the errors listed, at those positions. */
struct want {
    int line, col;
    const char *msg;
};

static void errors_are(const char *text, const struct want *w, int nw)
{
    struct run r;
    int k;

    eval_text(&r, text, 0, NULL);
    cfg_diags_sort(&r.d, 0);
    if (r.d.n != nw) {
        for (k = 0; k < r.d.n; k++)
            print_message("  %d:%d %s\n", r.d.v[k].line, r.d.v[k].col,
                          r.d.v[k].msg);
        fail_msg("<%s>: %d diagnostics, expected %d", text, r.d.n, nw);
    }
    for (k = 0; k < nw; k++) {
        assert_int_equal(r.d.v[k].severity, CFG_ERROR);
        assert_int_equal(r.d.v[k].line, w[k].line);
        assert_int_equal(r.d.v[k].col, w[k].col);
        if (!strstr(r.d.v[k].msg, w[k].msg))
            fail_msg("\"%s\" lacks \"%s\"", r.d.v[k].msg, w[k].msg);
    }
    run_done(&r);
}

#define ERRS(text, ...)                                                     \
    do {                                                                    \
        const struct want w_[] = { __VA_ARGS__ };                           \
        errors_are(text, w_, (int)(sizeof(w_) / sizeof(w_[0])));           \
    } while (0)

static void test_forbidden(void **state)
{
    (void)state;
    ERRS("import os", { 1, 1, "'import' is not allowed" });
    ERRS("def f():\n    return 1\nx = 1", { 1, 1, "'def' is not allowed" });
    ERRS("if a:\n  x = 1\nelse:\n  x = 2\ny = z",
         { 1, 1, "'if' is not allowed" }, { 5, 5, "'z' is not defined" });
    ERRS("x = f(1)", { 1, 5, "function calls are not allowed" });
    ERRS("x = os.sep", { 1, 5, "attribute access is not allowed" });
    ERRS("x = a[0]", { 1, 5, "indexing is not supported" });
    ERRS("x = 'a'.upper()", { 1, 8, "attribute access" });
    ERRS("x = 1 if 2 else 3", { 1, 7, "'if' is not supported" });
    ERRS("x = 1 == 1", { 1, 7, "operator '==' is not supported" });
    ERRS("x = {1: 2}", { 1, 5, "dictionaries are not supported" });
    ERRS("x = lambda: 1", { 1, 5, "'lambda' is not supported" });
    ERRS("print 'x'", { 1, 1, "'print' is not allowed" });
}

static void test_value_errors(void **state)
{
    (void)state;
    ERRS("x = 1 / 0", { 1, 7, "division by zero" });
    ERRS("x = 5 % (2 - 2)", { 1, 7, "division by zero" });
    ERRS("x = 9223372036854775807 * 2", { 1, 25, "integer overflow" });
    ERRS("x = 'a' + 1", { 1, 9, "unsupported operand types for +" });
    ERRS("x = [1] + (2,)", { 1, 9, "a list and a tuple" });
    ERRS("x = -'a'", { 1, 5, "bad operand for unary -" });
    ERRS("x = y", { 1, 5, "name 'y' is not defined" });
    ERRS("x += 1", { 1, 1, "'+=' needs an earlier value" });
    ERRS("x = '%d' % 'a'", { 1, 10, "a number is required" });
    ERRS("x = '%s %s' % ('a',)", { 1, 13, "not enough arguments" });
    ERRS("x = '%s' % (1, 2)", { 1, 10, "not all arguments converted" });
    ERRS("x = '%q' % 1", { 1, 10, "unsupported format character 'q'" });
}

static void test_recovery_reports_all(void **state)
{
    (void)state;
    /* A failed name stays quiet afterwards; other errors still show. */
    ERRS("a = 1 +\nb = a * 2\nc = q\nd = c + 1\ne = 1 / 0",
         { 1, 8, "expected a value" }, { 3, 5, "'q' is not defined" },
         { 5, 7, "division by zero" });
    ERRS("x = 1 2; y = = 3\nz = 4", { 1, 7, "end of the statement" },
         { 1, 14, "expected a value" });
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_strings_and_format),
        cmocka_unit_test(test_sequences),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_forbidden),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_recovery_reports_all),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
