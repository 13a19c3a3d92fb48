/*
 * cfg_lex.c - the lexer of xm-style configs: Python's literal syntax
 * (numbers, the four string quotings with escapes, names, operators),
 * comments, line joining inside brackets and after a backslash.  Every
 * lexical error is reported with its position and comes back as an
 * error token, so the parser can carry on at the next statement.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

void cfg_lex_init(struct cfg_lexer *lx, const struct cfg_src *src,
                  struct cfg_diags *diags)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->diags = diags;
    lx->line = 1;
    lx->at_line_start = 1;
}

void cfg_token_dispose(struct cfg_token *tok)
{
    free(tok->sval);
    tok->sval = NULL;
}

static int peekc(const struct cfg_lexer *lx, size_t off)
{
    size_t p = lx->pos + off;

    return p < lx->src->len ? (unsigned char)lx->src->data[p] : -1;
}

static int colof(const struct cfg_lexer *lx, size_t pos)
{
    return (int)(pos - lx->line_start) + 1;
}

static void newline_at(struct cfg_lexer *lx, size_t nl_pos)
{
    lx->line++;
    lx->line_start = nl_pos + 1;
}

static void lex_error(struct cfg_lexer *lx, int line, int col, int len,
                      const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void lex_error(struct cfg_lexer *lx, int line, int col, int len,
                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cfg_diag_vadd(lx->diags, CFG_ERROR, lx->src, line, col, len, fmt, ap);
    va_end(ap);
}

/* Columns from pos to the end of its line (at least 1). */
static int rest_of_line(const struct cfg_lexer *lx, size_t pos)
{
    size_t p = pos;

    while (p < lx->src->len && lx->src->data[p] != '\n' &&
           lx->src->data[p] != '\r')
        p++;
    return p > pos ? (int)(p - pos) : 1;
}

/*
 * Inside brackets, a line that starts in column 1 with "name =" is taken
 * as the next statement: the bracket before it was never closed.  This
 * lets one missing ']' cost one error instead of the rest of the file.
 */
static int looks_like_statement(const struct cfg_lexer *lx, size_t p)
{
    const char *d = lx->src->data;
    size_t n = lx->src->len;

    if (p >= n || !(isalpha((unsigned char)d[p]) || d[p] == '_'))
        return 0;
    while (p < n && (isalnum((unsigned char)d[p]) || d[p] == '_'))
        p++;
    while (p < n && (d[p] == ' ' || d[p] == '\t'))
        p++;
    if (p < n && d[p] == '+')
        p++;
    return p + 1 < n && d[p] == '=' && d[p + 1] != '=';
}

static void report_unclosed(struct cfg_lexer *lx)
{
    int k = lx->depth - 1;

    lex_error(lx, lx->open_line[k], lx->open_col[k], 1,
              "'%c' was never closed", lx->open_ch[k]);
    lx->depth = 0;
}

/* Skips blanks, comments and joined lines.  Returns 1 when a logical
 * newline token must be produced (tok filled), 0 otherwise. */
static int skip_space(struct cfg_lexer *lx, struct cfg_token *tok)
{
    int c;

    for (;;) {
        c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\f' ||
            (c == '\r' && peekc(lx, 1) != '\n')) {
            lx->pos++;
        } else if (c == '#') {
            while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n')
                lx->pos++;
        } else if (c == '\\' && (peekc(lx, 1) == '\n' ||
                                 (peekc(lx, 1) == '\r' &&
                                  peekc(lx, 2) == '\n'))) {
            lx->pos += peekc(lx, 1) == '\r' ? 2 : 1;
            newline_at(lx, lx->pos);
            lx->pos++;
        } else if (c == '\n' || c == '\r') {
            size_t nl = lx->pos + (c == '\r' ? 1 : 0);

            tok->line = lx->line;
            tok->col = colof(lx, lx->pos);
            newline_at(lx, nl);
            lx->pos = nl + 1;
            if (lx->depth == 0) {
                tok->kind = CFG_T_NEWLINE;
                return 1;
            }
            if (looks_like_statement(lx, lx->pos)) {
                report_unclosed(lx);
                tok->kind = CFG_T_ERROR;
                lx->pending_newline = 1;
                return 1;
            }
        } else {
            return 0;
        }
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int digit_ok(int c, int base)
{
    int v = hexval(c);

    return v >= 0 && v < base;
}

static void lex_number(struct cfg_lexer *lx, struct cfg_token *tok)
{
    const char *d = lx->src->data;
    size_t start = lx->pos, p = lx->pos, ds;
    int base = 10, bad = 0, overflow = 0;
    uint64_t v = 0;

    if (d[p] == '0' && p + 1 < lx->src->len &&
        strchr("xXoObB", d[p + 1])) {
        base = strchr("xX", d[p + 1]) ? 16 : strchr("oO", d[p + 1]) ? 8 : 2;
        p += 2;
    }
    ds = p;
    while (p < lx->src->len && digit_ok((unsigned char)d[p], base)) {
        if (v > (UINT64_C(1) << 63) / (uint64_t)base)
            overflow = 1;
        v = v * (uint64_t)base + (uint64_t)hexval((unsigned char)d[p]);
        p++;
    }
    if (p == ds)
        bad = 1;
    if (p < lx->src->len && (d[p] == 'L' || d[p] == 'l'))
        p++;                       /* Python 2 long suffix */
    if (p < lx->src->len && (d[p] == '.' || d[p] == 'e' || d[p] == 'E') &&
        base == 10 && !bad) {
        while (p < lx->src->len &&
               (isalnum((unsigned char)d[p]) || d[p] == '.'))
            p++;
        lx->pos = p;
        lex_error(lx, tok->line, tok->col, (int)(p - start),
                  "floating-point numbers are not supported: '%.*s'",
                  (int)(p - start), d + start);
        tok->kind = CFG_T_ERROR;
        return;
    }
    while (p < lx->src->len && (isalnum((unsigned char)d[p]) || d[p] == '_'))
        p++, bad = 1;
    lx->pos = p;
    tok->len = (int)(p - start);
    tok->kind = CFG_T_ERROR;
    if (bad)
        lex_error(lx, tok->line, tok->col, tok->len,
                  "invalid number '%.*s'", tok->len, d + start);
    else if (base == 10 && d[start] == '0' && v != 0)
        lex_error(lx, tok->line, tok->col, tok->len,
                  "invalid number '%.*s': leading zeros are ambiguous "
                  "(octal in xm); write %" PRIu64 " or 0o%.*s",
                  tok->len, d + start, v, tok->len - 1, d + start + 1);
    else if (overflow || v > (uint64_t)INT64_MAX)
        lex_error(lx, tok->line, tok->col, tok->len,
                  "number '%.*s' is too large", tok->len, d + start);
    else {
        tok->kind = CFG_T_INT;
        tok->ival = (int64_t)v;
    }
}

/* Appends c to a growing buffer. */
static int buf_put(char **b, size_t *n, size_t *cap, char c)
{
    char *nb;

    if (*n + 2 > *cap) {
        *cap = *cap ? *cap * 2 : 32;
        nb = realloc(*b, *cap);
        if (!nb)
            return -1;
        *b = nb;
    }
    (*b)[(*n)++] = c;
    (*b)[*n] = '\0';
    return 0;
}

/* Reads one escape after a backslash at lx->pos - 1.  Returns the byte
 * value, -2 for an escape that produces nothing (line joining), -3 for a
 * backslash kept as written, -1 after reporting an error. */
static int lex_escape(struct cfg_lexer *lx)
{
    int c = peekc(lx, 0), v = 0, k, col = colof(lx, lx->pos - 1);

    lx->pos++;
    switch (c) {
    case '\\': return '\\';
    case '\'': return '\'';
    case '"': return '"';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    case '\n':
        newline_at(lx, lx->pos - 1);
        return -2;
    case 'x':
        for (k = 0; k < 2 && hexval(peekc(lx, 0)) >= 0; k++)
            v = v * 16 + hexval(peekc(lx, 0)), lx->pos++;
        if (k < 2) {
            lex_error(lx, lx->line, col, 2 + k,
                      "invalid \\x escape: two hex digits must follow");
            return -1;
        }
        return v;
    default:
        if (c >= '0' && c <= '7') {
            v = c - '0';
            for (k = 1; k < 3 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7';
                 k++)
                v = v * 8 + peekc(lx, 0) - '0', lx->pos++;
            if (v > 255) {
                lex_error(lx, lx->line, col, k + 1,
                          "octal escape out of range");
                return -1;
            }
            return v;
        }
        lx->pos--;                /* Python keeps unknown escapes */
        return -3;
    }
}

struct strstate {
    char *b;
    size_t n, cap;
    int failed, exact;
};

/* Handles one character of a string body at lx->pos.  Returns 1 when the
 * closing quote was consumed, -1 on an unterminated string, else 0. */
static int lex_string_char(struct cfg_lexer *lx, struct strstate *st,
                           int q, int triple, int raw)
{
    int c = peekc(lx, 0), e;

    if (c == -1)
        return -1;
    if (c == q && (!triple || (peekc(lx, 1) == q && peekc(lx, 2) == q))) {
        lx->pos += triple ? 3 : 1;
        return 1;
    }
    if (c == '\n' && !triple)
        return -1;
    lx->pos++;
    if (c == '\n') {
        newline_at(lx, lx->pos - 1);
        st->exact = 0;
    } else if (c == '\\' && !raw) {
        st->exact = 0;
        e = lex_escape(lx);
        if (e == -1)
            st->failed = 1;
        if (e == -2 || e == -1)
            return 0;
        if (e == -3)
            e = '\\';
        if (e == 0) {
            lex_error(lx, lx->line, colof(lx, lx->pos) - 2, 2,
                      "strings cannot contain a NUL character");
            st->failed = 1;
            return 0;
        }
        c = e;
    } else if (c == '\\' && raw && peekc(lx, 0) != -1) {
        buf_put(&st->b, &st->n, &st->cap, '\\');
        c = peekc(lx, 0);
        lx->pos++;
        st->exact = 0;
        if (c == '\n')
            newline_at(lx, lx->pos - 1);
    } else if (c == 0) {
        lex_error(lx, lx->line, colof(lx, lx->pos - 1), 1,
                  "strings cannot contain a NUL character");
        st->failed = 1;
        return 0;
    }
    if (buf_put(&st->b, &st->n, &st->cap, (char)c))
        st->failed = 1;
    return 0;
}

static void lex_string(struct cfg_lexer *lx, struct cfg_token *tok, int raw)
{
    struct strstate st = { NULL, 0, 0, 0, 1 };
    int q = peekc(lx, 0), triple, r, line0 = lx->line;
    size_t qpos = lx->pos;
    int qcol = colof(lx, qpos);

    triple = peekc(lx, 1) == q && peekc(lx, 2) == q;
    lx->pos += triple ? 3 : 1;
    tok->text_col = colof(lx, lx->pos);
    while ((r = lex_string_char(lx, &st, q, triple, raw)) == 0)
        ;
    if (r < 0) {
        lex_error(lx, tok->line, qcol, rest_of_line(lx, qpos),
                  triple ? "unterminated triple-quoted string"
                         : "unterminated string");
        free(st.b);
        tok->kind = CFG_T_ERROR;
        return;
    }
    tok->len = lx->line == line0 ? colof(lx, lx->pos) - tok->col
                                 : rest_of_line(lx, qpos);
    if (!st.failed && st.b && !cfg_utf8_valid(st.b)) {
        lex_error(lx, tok->line, tok->col, tok->len,
                  "string is not valid UTF-8");
        st.failed = 1;
    }
    if (st.failed) {
        free(st.b);
        tok->kind = CFG_T_ERROR;
        return;
    }
    tok->kind = CFG_T_STR;
    tok->sval = st.b ? st.b : strdup("");
    tok->exact = st.exact && lx->line == line0;
}

int cfg_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int n, k;
    uint32_t c;

    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        if ((*p & 0xe0) == 0xc0)
            n = 1, c = *p & 0x1f;
        else if ((*p & 0xf0) == 0xe0)
            n = 2, c = *p & 0x0f;
        else if ((*p & 0xf8) == 0xf0)
            n = 3, c = *p & 0x07;
        else
            return 0;
        for (k = 1; k <= n; k++) {
            if ((p[k] & 0xc0) != 0x80)
                return 0;
            c = (c << 6) | (p[k] & 0x3f);
        }
        if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
            (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

static const char *const ops2[] = {
    "//", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "**",
    "<<", ">>", "->", NULL,
};

static int lex_bracket(struct cfg_lexer *lx, struct cfg_token *tok, int c)
{
    static const char open[] = "([{", close[] = ")]}";
    int k;

    if (strchr(open, c)) {
        if (lx->depth >= CFG_MAX_DEPTH) {
            lex_error(lx, tok->line, tok->col, 1, "brackets nested too deeply");
            return -1;
        }
        lx->open_line[lx->depth] = tok->line;
        lx->open_col[lx->depth] = tok->col;
        lx->open_ch[lx->depth++] = (char)c;
        return 0;
    }
    if (lx->depth == 0) {
        lex_error(lx, tok->line, tok->col, 1, "unmatched '%c'", c);
        return -1;
    }
    k = lx->depth - 1;
    if (open[strchr(close, c) - close] != lx->open_ch[k]) {
        lex_error(lx, tok->line, tok->col, 1,
                  "'%c' does not match '%c' opened at line %d, column %d", c,
                  lx->open_ch[k], lx->open_line[k], lx->open_col[k]);
        lx->depth--;
        return -1;
    }
    lx->depth--;
    return 0;
}

static void lex_op(struct cfg_lexer *lx, struct cfg_token *tok)
{
    const char *d = lx->src->data + lx->pos;
    int c = (unsigned char)d[0], i;

    for (i = 0; ops2[i]; i++) {
        if (lx->pos + 1 < lx->src->len && d[0] == ops2[i][0] &&
            d[1] == ops2[i][1]) {
            memcpy(tok->op, ops2[i], 3);
            tok->len = 2;
            lx->pos += 2;
            tok->kind = CFG_T_OP;
            return;
        }
    }
    lx->pos++;
    tok->len = 1;
    if (!strchr("+-*/%=()[]{},:;.<>&|^~@!", c) || c == 0) {
        if (c >= 0x20 && c < 0x7f)
            lex_error(lx, tok->line, tok->col, 1,
                      "unexpected character '%c'", c);
        else
            lex_error(lx, tok->line, tok->col, 1,
                      "unexpected character (byte 0x%02x)", c);
        tok->kind = CFG_T_ERROR;
        return;
    }
    tok->op[0] = (char)c;
    tok->kind = CFG_T_OP;
    if (strchr("()[]{}", c) && lex_bracket(lx, tok, c))
        tok->kind = CFG_T_ERROR;
}

/* A string prefix (r, u, b and their pairs) directly before a quote. */
static int string_prefix(const struct cfg_lexer *lx, int *raw_r)
{
    int k = 0, raw = 0, c;

    while (k < 2) {
        c = peekc(lx, (size_t)k);
        if (c == 'r' || c == 'R')
            raw = 1;
        else if (!(c == 'u' || c == 'U' || c == 'b' || c == 'B'))
            break;
        k++;
    }
    c = peekc(lx, (size_t)k);
    if (k == 0 || (c != '\'' && c != '"'))
        return 0;
    *raw_r = raw;
    return k;
}

void cfg_lex_next(struct cfg_lexer *lx, struct cfg_token *tok)
{
    const char *d = lx->src->data;
    size_t start;
    int c, raw = 0, k;

    memset(tok, 0, sizeof(*tok));
    tok->line = lx->line;
    tok->col = colof(lx, lx->pos);
    if (lx->pending_newline) {
        lx->pending_newline = 0;
        tok->kind = CFG_T_NEWLINE;
        return;
    }
    if (skip_space(lx, tok))
        return;
    tok->line = lx->line;
    tok->col = colof(lx, lx->pos);
    tok->len = 1;
    c = peekc(lx, 0);
    if (c == -1) {
        tok->kind = CFG_T_EOF;
        if (lx->depth > 0) {
            report_unclosed(lx);
            tok->kind = CFG_T_ERROR;
            lx->pending_newline = 1;
        }
        return;
    }
    if ((k = string_prefix(lx, &raw)) > 0) {
        lx->pos += (size_t)k;
        lex_string(lx, tok, raw);
    } else if (c == '\'' || c == '"') {
        lex_string(lx, tok, 0);
    } else if (isdigit(c)) {
        lex_number(lx, tok);
    } else if (isalpha(c) || c == '_') {
        start = lx->pos;
        while (lx->pos < lx->src->len &&
               (isalnum((unsigned char)d[lx->pos]) || d[lx->pos] == '_'))
            lx->pos++;
        tok->kind = CFG_T_NAME;
        tok->len = (int)(lx->pos - start);
        tok->sval = strndup(d + start, lx->pos - start);
    } else {
        lex_op(lx, tok);
    }
}
