/*
 * cfg_ops.c - the operators a config expression may use: integer
 * arithmetic with Python's (floor) semantics and overflow checks, + on
 * strings, lists and tuples, and "fmt" % args formatting.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

static int is_num(const struct cfg_value *v)
{
    return v->type == CFG_V_INT || v->type == CFG_V_BOOL;
}

static int int_op(char op, int64_t a, int64_t b, int64_t *r, char *err,
                  size_t errlen)
{
    switch (op) {
    case '+':
        if (__builtin_add_overflow(a, b, r))
            goto overflow;
        return 0;
    case '-':
        if (__builtin_sub_overflow(a, b, r))
            goto overflow;
        return 0;
    case '*':
        if (__builtin_mul_overflow(a, b, r))
            goto overflow;
        return 0;
    default:
        break;
    }
    if (b == 0) {
        snprintf(err, errlen, "division by zero");
        return -1;
    }
    if (a == INT64_MIN && b == -1)
        goto overflow;
    if (op == '%') {
        *r = a % b;
        if (*r != 0 && ((*r < 0) != (b < 0)))
            *r += b;                       /* Python: sign of the divisor */
    } else {
        *r = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0)))
            (*r)--;                        /* Python floors */
    }
    return 0;
overflow:
    snprintf(err, errlen, "integer overflow");
    return -1;
}

static int concat(const struct cfg_value *a, const struct cfg_value *b,
                  struct cfg_value **r)
{
    struct cfg_value *v;
    int k;

    if (a->type == CFG_V_STR) {
        v = cfg_value_new(CFG_V_STR);
        if (!v || asprintf(&v->s, "%s%s", a->s, b->s) < 0) {
            free(v);
            return -1;
        }
        *r = v;
        return 0;
    }
    v = cfg_value_new(a->type);
    if (!v)
        return -1;
    for (k = 0; k < a->n + b->n; k++) {
        if (cfg_value_append(v, cfg_value_copy(k < a->n ? a->items[k]
                                                : b->items[k - a->n]))) {
            cfg_value_free(v);
            return -1;
        }
    }
    *r = v;
    return 0;
}

int cfg_value_binop(const char *op, const struct cfg_value *a,
                    const struct cfg_value *b, struct cfg_value **r,
                    char *err, size_t errlen)
{
    char o = strcmp(op, "//") ? op[0] : '/';
    int64_t i;

    *r = NULL;
    if (o == '%' && a->type == CFG_V_STR) {
        struct cfg_value *v = cfg_value_new(CFG_V_STR);

        if (!v)
            return snprintf(err, errlen, "out of memory"), -1;
        if (cfg_value_format(a->s, b, &v->s, err, errlen)) {
            free(v);
            return -1;
        }
        *r = v;
        return 0;
    }
    if (is_num(a) && is_num(b)) {
        if (int_op(o, a->i, b->i, &i, err, errlen))
            return -1;
        *r = cfg_value_int(i);
        return *r ? 0 : -1;
    }
    if (o == '+' && a->type == b->type &&
        (a->type == CFG_V_STR || a->type == CFG_V_LIST ||
         a->type == CFG_V_TUPLE)) {
        if (concat(a, b, r))
            return snprintf(err, errlen, "out of memory"), -1;
        return 0;
    }
    snprintf(err, errlen, "unsupported operand types for %s: %s and %s%s",
             op, cfg_value_kind(a), cfg_value_kind(b),
             (o == '+' && (a->type == CFG_V_STR || b->type == CFG_V_STR))
                 ? " (use \"%s%d\" % (a, b) to join text and numbers)" : "");
    return -1;
}

/* ---- formatting ---- */

struct fmtspec {
    char flags[8];
    int width, prec;
    char conv;
};

/* Reads "[flags][width][.prec]conv" after a '%'; returns its length or
 * -1. */
static int parse_spec(const char *s, struct fmtspec *sp)
{
    const char *p = s;
    int nf = 0;

    memset(sp, 0, sizeof(*sp));
    sp->prec = -1;
    while (*p && strchr("-+ 0#", *p) && nf < 6)
        sp->flags[nf++] = *p++;
    while (*p >= '0' && *p <= '9' && sp->width < 1000)
        sp->width = sp->width * 10 + (*p++ - '0');
    if (*p == '.') {
        p++;
        sp->prec = 0;
        while (*p >= '0' && *p <= '9' && sp->prec < 1000)
            sp->prec = sp->prec * 10 + (*p++ - '0');
    }
    if (!*p)
        return -1;
    sp->conv = *p++;
    return (int)(p - s);
}

static int append(char **out, size_t *n, const char *s)
{
    size_t l = strlen(s);
    char *no = realloc(*out, *n + l + 1);

    if (!no)
        return -1;
    memcpy(no + *n, s, l + 1);
    *out = no;
    *n += l;
    return 0;
}

static const char *num_format(const struct fmtspec *sp, char *f, size_t fl)
{
    const char *len = "ll";

    switch (sp->conv) {
    case 'd': case 'i': case 'u':
        snprintf(f, fl, "%%%s*%s%c", sp->flags, len, 'd');
        break;
    default:
        snprintf(f, fl, "%%%s*%s%c", sp->flags, len, sp->conv);
        break;
    }
    return f;
}

/* Formats one value under one conversion into buf. */
static int format_one(const struct fmtspec *sp, const struct cfg_value *v,
                      char **buf, char *err, size_t errlen)
{
    char f[32];
    const char *s;
    int rc;

    if (strchr("diuxXo", sp->conv)) {
        if (!is_num(v)) {
            snprintf(err, errlen, "%%%c format: a number is required, not "
                     "%s", sp->conv, cfg_value_kind(v));
            return -1;
        }
        if (v->i < 0 && strchr("xXo", sp->conv)) {
            snprintf(err, errlen, "%%%c of a negative number is not "
                     "supported", sp->conv);
            return -1;
        }
        rc = asprintf(buf, num_format(sp, f, sizeof(f)), sp->width,
                      (long long)v->i);
        return rc < 0 ? -1 : 0;
    }
    if (sp->conv == 's' || sp->conv == 'r') {
        char num[32];

        if (v->type == CFG_V_STR)
            s = v->s;
        else if (v->type == CFG_V_INT)
            snprintf(num, sizeof(num), "%" PRId64, v->i), s = num;
        else if (v->type == CFG_V_BOOL)
            s = v->i ? "True" : "False";
        else if (v->type == CFG_V_NONE)
            s = "None";
        else {
            snprintf(err, errlen, "%%%c of %s is not supported", sp->conv,
                     cfg_value_kind(v));
            return -1;
        }
        snprintf(f, sizeof(f), "%%%s*.*s", strchr(sp->flags, '-') ? "-" : "");
        rc = asprintf(buf, f, sp->width, sp->prec < 0 ? (int)strlen(s)
                                                      : sp->prec, s);
        return rc < 0 ? -1 : 0;
    }
    snprintf(err, errlen, "unsupported format character '%c'", sp->conv);
    return -1;
}

int cfg_value_format(const char *fmt, const struct cfg_value *args,
                     char **out_r, char *err, size_t errlen)
{
    const struct cfg_value *const *av = (const struct cfg_value *const *)&args;
    struct fmtspec sp;
    char *out = calloc(1, 1), *piece = NULL, lit[2] = { 0, 0 };
    size_t n = 0;
    int na = 1, used = 0, k;

    if (args->type == CFG_V_TUPLE) {
        av = (const struct cfg_value *const *)args->items;
        na = args->n;
    }
    for (; out && *fmt; fmt++) {
        if (*fmt != '%' || fmt[1] == '%') {
            lit[0] = *fmt;
            fmt += *fmt == '%';
            if (append(&out, &n, lit))
                goto fail;
            continue;
        }
        k = parse_spec(fmt + 1, &sp);
        if (k < 0) {
            snprintf(err, errlen, "incomplete format");
            goto fail;
        }
        fmt += k;
        if (used >= na) {
            snprintf(err, errlen, "not enough arguments for format string");
            goto fail;
        }
        if (format_one(&sp, av[used++], &piece, err, errlen) ||
            append(&out, &n, piece))
            goto fail;
        free(piece);
        piece = NULL;
    }
    if (out && used < na) {
        snprintf(err, errlen, "not all arguments converted during string "
                 "formatting");
        goto fail;
    }
    *out_r = out;
    return out ? 0 : -1;
fail:
    free(piece);
    free(out);
    return -1;
}
