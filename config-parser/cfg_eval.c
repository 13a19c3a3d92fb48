/*
 * cfg_eval.c - parses and evaluates an xm-style config without running
 * it: assignments (= and +=) of literals, lists and tuples, arithmetic on
 * integers, + on strings and sequences, "fmt" % args, and references to
 * names assigned earlier.  Everything Python can do beyond that (def,
 * import, if, calls, attributes...) is an error.  After an error the
 * reader resumes at the next statement, so one run reports them all.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

struct parser {
    struct cfg_lexer lx;
    struct cfg_token tok;
    struct cfg_env *env;
    const struct cfg_src *src;
    struct cfg_diags *diags;
    int failed;          /* syntax error: skip to the end of statement */
    int skip_col;        /* skipping the body of a rejected block */
    int literal_only;    /* command-line values: literals only */
};

static void advance(struct parser *p)
{
    cfg_token_dispose(&p->tok);
    cfg_lex_next(&p->lx, &p->tok);
}

static int is_op(const struct parser *p, const char *op)
{
    return p->tok.kind == CFG_T_OP && !strcmp(p->tok.op, op);
}

static int at_stmt_end(const struct parser *p)
{
    return p->tok.kind == CFG_T_NEWLINE || p->tok.kind == CFG_T_EOF ||
           is_op(p, ";");
}

static void verr(struct parser *p, int line, int col, int len,
                 const char *fmt, va_list ap)
{
    if (!p->literal_only)
        cfg_diag_vadd(p->diags, CFG_ERROR, p->src, line, col, len, fmt, ap);
    else
        p->diags->nerrors++;
}

/* A syntax error at the current token: the statement is abandoned. */
static void syntax_error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void syntax_error(struct parser *p, const char *fmt, ...)
{
    va_list ap;

    if (p->failed)
        return;
    if (p->tok.kind != CFG_T_ERROR) {
        va_start(ap, fmt);
        verr(p, p->tok.line, p->tok.col, p->tok.len, fmt, ap);
        va_end(ap);
    }
    p->failed = 1;
}

/* An error in a value (type, name, arithmetic): the statement is parsed
 * to its end but assigns nothing. */
static void value_error(struct parser *p, int line, int col, int len,
                        const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void value_error(struct parser *p, int line, int col, int len,
                        const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verr(p, line, col, len, fmt, ap);
    va_end(ap);
}

/* How a token is named in messages, quoted where it is text. */
static const char *tok_desc(const struct cfg_token *t)
{
    static char buf[80];

    switch (t->kind) {
    case CFG_T_EOF: return "end of file";
    case CFG_T_NEWLINE: return "end of line";
    case CFG_T_INT: return "a number";
    case CFG_T_STR: return "a string";
    case CFG_T_NAME:
        snprintf(buf, sizeof(buf), "'%.60s'", t->sval);
        return buf;
    case CFG_T_OP:
        snprintf(buf, sizeof(buf), "'%s'", t->op);
        return buf;
    default: return "an error";
    }
}

static void set_pos(struct cfg_value *v, const struct cfg_token *t)
{
    v->line = t->line;
    v->col = t->col;
    v->len = t->len;
}

/* Widens v's position to end where `end` ends (same line only). */
static void span_to(struct cfg_value *v, const struct cfg_value *end)
{
    if (end && end->line == v->line && end->col + end->len > v->col)
        v->len = end->col + end->len - v->col;
    v->exact = 0;
}

static struct cfg_value *expr(struct parser *p);

/* Applies a binary operator; reports a failure at the operator.  Takes
 * ownership of a and b, either of which may be NULL after an earlier
 * error (the result is then NULL, with nothing more reported). */
static struct cfg_value *binop(struct parser *p, const struct cfg_token *op,
                               struct cfg_value *a, struct cfg_value *b)
{
    struct cfg_value *r = NULL;
    char err[256];

    if (a && b) {
        if (cfg_value_binop(op->op, a, b, &r, err, sizeof(err)))
            value_error(p, op->line, op->col, op->len, "%s", err);
        else {
            r->line = a->line;
            r->col = a->col;
            r->len = a->len;
            span_to(r, b);
        }
    }
    cfg_value_free(a);
    cfg_value_free(b);
    return r;
}

/* Statements and expressions of Python that a config may not use. */
static const char *const stmt_keywords[] = {
    "def", "class", "import", "from", "if", "elif", "else", "for",
    "while", "try", "except", "finally", "with", "return", "lambda",
    "global", "nonlocal", "del", "pass", "assert", "yield", "raise",
    "print", "exec", "break", "continue", "async", "await", NULL,
};
static const char *const expr_keywords[] = {
    "and", "or", "not", "in", "is", "if", "else", "lambda", "for",
    "yield", "await", NULL,
};

static int in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

static struct cfg_value *name_ref(struct parser *p,
                                  const struct cfg_token *name)
{
    struct cfg_var *var;
    struct cfg_value *v = NULL;

    var = cfg_env_find(p->env, name->sval);
    if (!var)
        value_error(p, name->line, name->col, name->len,
                    "name '%s' is not defined", name->sval);
    else if (var->val) {
        var->referenced = 1;
        v = cfg_value_copy(var->val);
        if (v) {
            set_pos(v, name);
            v->exact = 0;
        }
    }
    return v;
}

/* Rejects the Python forms that follow a name: calls, attributes and
 * subscripts. */
static int reject_postfix(struct parser *p, const struct cfg_token *name)
{
    const char *what = NULL;

    if (is_op(p, "("))
        what = "function calls are not allowed: '%s(...)'";
    else if (is_op(p, "."))
        what = "attribute access is not allowed: '%s.'";
    else if (is_op(p, "["))
        what = "indexing is not supported: '%s[...]'";
    if (!what)
        return 0;
    if (!p->failed)
        value_error(p, name->line, name->col, name->len + 1, what,
                    name->sval);
    p->failed = 1;
    return 1;
}

static struct cfg_value *primary_name(struct parser *p)
{
    struct cfg_token name = p->tok;
    struct cfg_value *v = NULL;
    const char *s = p->tok.sval;

    if (in_list(expr_keywords, s) || in_list(stmt_keywords, s)) {
        syntax_error(p, "'%s' is not supported: xltool evaluates no Python "
                     "logic", s);
        return NULL;
    }
    if (p->literal_only && strcmp(s, "True") && strcmp(s, "False") &&
        strcmp(s, "None")) {
        syntax_error(p, "not a literal");
        return NULL;
    }
    p->tok.sval = NULL;                      /* name owns it now */
    advance(p);
    if (!reject_postfix(p, &name)) {
        if (!strcmp(s, "True") || !strcmp(s, "False")) {
            v = cfg_value_new(CFG_V_BOOL);
            if (v)
                v->i = s[0] == 'T';
        } else if (!strcmp(s, "None")) {
            v = cfg_value_new(CFG_V_NONE);
        } else {
            v = name_ref(p, &name);
        }
        if (v)
            set_pos(v, &name);
    }
    free(name.sval);
    return v;
}

static struct cfg_value *primary_string(struct parser *p)
{
    struct cfg_value *v = cfg_value_new(CFG_V_STR);
    char *cat;

    if (!v)
        return NULL;
    set_pos(v, &p->tok);
    v->s = p->tok.sval;
    p->tok.sval = NULL;
    v->exact = p->tok.exact;
    v->text_col = p->tok.text_col;
    advance(p);
    while (p->tok.kind == CFG_T_STR) {        /* "a" "b" is "ab" */
        if (asprintf(&cat, "%s%s", v->s, p->tok.sval) < 0)
            break;
        free(v->s);
        v->s = cat;
        v->exact = 0;
        if (p->tok.line == v->line)
            v->len = p->tok.col + p->tok.len - v->col;
        advance(p);
    }
    return v;
}

/* Parses "item, item, ... close" after the opening bracket into seq. */
static struct cfg_value *sequence(struct parser *p, struct cfg_value *seq,
                                  const char *close, struct cfg_value *first)
{
    int ok = seq != NULL;
    struct cfg_value *item;

    if (first && cfg_value_append(seq, first))
        ok = 0;
    while (!p->failed && !is_op(p, close)) {
        item = expr(p);
        if (!item || !seq) {
            cfg_value_free(item);              /* an earlier item failed */
            ok = 0;
        } else if (cfg_value_append(seq, item)) {
            ok = 0;
        }
        if (p->failed)
            break;
        if (is_op(p, ","))
            advance(p);
        else if (!is_op(p, close))
            syntax_error(p, "expected ',' or '%s', found %s", close,
                         tok_desc(&p->tok));
    }
    if (p->failed || !ok) {
        cfg_value_free(seq);
        return NULL;
    }
    span_to(seq, &(struct cfg_value){ .line = p->tok.line,
                                      .col = p->tok.col, .len = 1 });
    advance(p);
    return seq;
}

static struct cfg_value *paren(struct parser *p)
{
    struct cfg_token open = p->tok;
    struct cfg_value *first, *t;

    advance(p);
    if (is_op(p, ")")) {
        t = cfg_value_new(CFG_V_TUPLE);
        if (t)
            set_pos(t, &open);
        return sequence(p, t, ")", NULL);
    }
    first = expr(p);
    if (p->failed) {
        cfg_value_free(first);
        return NULL;
    }
    if (is_op(p, ")")) {                       /* (x) is x */
        advance(p);
        return first;
    }
    if (!is_op(p, ",")) {
        cfg_value_free(first);
        syntax_error(p, "expected ',' or ')', found %s", tok_desc(&p->tok));
        return NULL;
    }
    advance(p);
    t = first ? cfg_value_new(CFG_V_TUPLE) : NULL;
    if (t)
        set_pos(t, &open);
    else
        cfg_value_free(first), first = NULL;
    return sequence(p, t, ")", first);
}

static struct cfg_value *primary(struct parser *p)
{
    struct cfg_value *v;

    switch (p->tok.kind) {
    case CFG_T_INT:
        v = cfg_value_int(p->tok.ival);
        if (v)
            set_pos(v, &p->tok);
        advance(p);
        return v;
    case CFG_T_STR:
        return primary_string(p);
    case CFG_T_NAME:
        return primary_name(p);
    case CFG_T_OP:
        if (is_op(p, "("))
            return paren(p);
        if (is_op(p, "[")) {
            v = cfg_value_new(CFG_V_LIST);
            if (v)
                set_pos(v, &p->tok);
            advance(p);
            return sequence(p, v, "]", NULL);
        }
        if (is_op(p, "{")) {
            syntax_error(p, "dictionaries are not supported");
            return NULL;
        }
        break;
    default:
        break;
    }
    syntax_error(p, "expected a value, found %s", tok_desc(&p->tok));
    return NULL;
}

static struct cfg_value *unary(struct parser *p)
{
    struct cfg_token op = p->tok;
    struct cfg_value *v, *zero;

    if (!is_op(p, "-") && !is_op(p, "+"))
        return primary(p);
    advance(p);
    v = unary(p);
    if (!v || op.op[0] == '+')
        return v;
    if (v->type != CFG_V_INT && v->type != CFG_V_BOOL) {
        if (p->literal_only)
            syntax_error(p, "not a literal");
        else
            value_error(p, op.line, op.col, 1, "bad operand for unary -: %s",
                        cfg_value_kind(v));
        cfg_value_free(v);
        return NULL;
    }
    zero = cfg_value_int(0);
    if (zero)
        set_pos(zero, &op);
    return binop(p, &op, zero, v);
}

static int is_mul_op(const struct parser *p)
{
    return is_op(p, "*") || is_op(p, "/") || is_op(p, "//") || is_op(p, "%");
}

static int unsupported_op(struct parser *p)
{
    static const char *const ops[] = {
        "==", "!=", "<", ">", "<=", ">=", "**", "<<", ">>", "&", "|", "^",
        "~", "@", "-=", "*=", "/=", "%=", "!", "->", NULL,
    };

    if (p->tok.kind != CFG_T_OP || !in_list(ops, p->tok.op))
        return 0;
    syntax_error(p, "operator '%s' is not supported", p->tok.op);
    return 1;
}

static struct cfg_value *term(struct parser *p)
{
    struct cfg_value *left = unary(p), *right;
    struct cfg_token op;

    while (!p->failed && is_mul_op(p)) {
        op = p->tok;
        op.sval = NULL;
        if (p->literal_only)
            syntax_error(p, "not a literal");
        advance(p);
        right = unary(p);
        left = binop(p, &op, left, right);
    }
    return left;
}

static struct cfg_value *expr(struct parser *p)
{
    struct cfg_value *left, *right;
    struct cfg_token op;

    if (p->failed)
        return NULL;
    left = term(p);
    while (!p->failed && (is_op(p, "+") || is_op(p, "-"))) {
        op = p->tok;
        op.sval = NULL;
        if (p->literal_only)
            syntax_error(p, "not a literal");
        advance(p);
        right = term(p);
        left = binop(p, &op, left, right);
    }
    if (!p->failed && unsupported_op(p)) {
        cfg_value_free(left);
        return NULL;
    }
    return left;
}

/* ---- statements ---- */

static struct cfg_var *env_add(struct cfg_env *env, const char *name)
{
    struct cfg_var *nv;

    if (env->n == env->cap) {
        env->cap = env->cap ? env->cap * 2 : 32;
        nv = realloc(env->v, sizeof(*nv) * (size_t)env->cap);
        if (!nv)
            return NULL;
        env->v = nv;
    }
    nv = &env->v[env->n];
    memset(nv, 0, sizeof(*nv));
    nv->name = strdup(name);
    if (!nv->name)
        return NULL;
    env->n++;
    return nv;
}

/* Stores the result of an assignment; v NULL marks the name as failed so
 * later uses of it stay quiet. */
static void assign(struct parser *p, const struct cfg_token *name,
                   const struct cfg_token *op, struct cfg_value *v)
{
    struct cfg_var *var = cfg_env_find(p->env, name->sval);

    if (var && var->from_cmdline) {
        cfg_value_free(v);                 /* the command line wins */
        return;
    }
    if (op->op[0] == '+' && v) {
        if (!var) {
            value_error(p, name->line, name->col, name->len,
                        "name '%s' is not defined ('+=' needs an earlier "
                        "value)", name->sval);
            cfg_value_free(v);
            v = NULL;
        } else {
            v = binop(p, op, var->val ? cfg_value_copy(var->val) : NULL,
                          v);
        }
    }
    if (!var && !(var = env_add(p->env, name->sval))) {
        cfg_value_free(v);
        return;
    }
    cfg_value_free(var->val);
    var->val = v;
    var->line = name->line;
    var->col = name->col;
    var->len = name->len;
}

static void reject_statement(struct parser *p)
{
    const char *kw = p->tok.sval;

    if (!strcmp(kw, "def") || !strcmp(kw, "class"))
        syntax_error(p, "'%s' is not allowed: a config cannot define "
                     "functions or classes", kw);
    else if (!strcmp(kw, "import") || !strcmp(kw, "from"))
        syntax_error(p, "'%s' is not allowed: a config cannot load modules",
                     kw);
    else
        syntax_error(p, "'%s' is not allowed: xltool reads configs without "
                     "running them", kw);
    p->skip_col = p->tok.col;
}

/* Something follows a complete value: name Python's constructs. */
static void trailing_error(struct parser *p)
{
    if (p->tok.kind == CFG_T_NAME && (in_list(expr_keywords, p->tok.sval) ||
                                      in_list(stmt_keywords, p->tok.sval)))
        syntax_error(p, "'%s' is not supported: xltool evaluates no Python "
                     "logic", p->tok.sval);
    else if (is_op(p, "."))
        syntax_error(p, "attribute access is not allowed");
    else if (is_op(p, "("))
        syntax_error(p, "calling a value is not allowed");
    else if (is_op(p, "["))
        syntax_error(p, "indexing is not supported");
    else
        syntax_error(p, "expected the end of the statement, found %s",
                     tok_desc(&p->tok));
}

static void assignment(struct parser *p)
{
    struct cfg_token name = p->tok, op;
    struct cfg_value *v;

    p->tok.sval = NULL;
    advance(p);
    if (reject_postfix(p, &name))
        goto out;
    if (!is_op(p, "=") && !is_op(p, "+=")) {
        if (!unsupported_op(p))
            syntax_error(p, "expected '=' after '%s', found %s",
                         name.sval, tok_desc(&p->tok));
        goto out;
    }
    op = p->tok;
    advance(p);
    v = expr(p);
    if (!p->failed && !at_stmt_end(p))
        trailing_error(p);
    if (p->failed) {
        cfg_value_free(v);
        v = NULL;
    }
    assign(p, &name, &op, v);
out:
    free(name.sval);
}

/* Skips to the end of the current statement. */
static void skip_statement(struct parser *p)
{
    while (p->tok.kind != CFG_T_NEWLINE && p->tok.kind != CFG_T_EOF &&
           !is_op(p, ";"))
        advance(p);
}

static void statement(struct parser *p)
{
    p->failed = 0;
    if (p->skip_col) {
        if (p->tok.col > p->skip_col ||
            (p->tok.kind == CFG_T_NAME && p->tok.col == p->skip_col &&
             in_list((const char *const[]){ "elif", "else", "except",
                                            "finally", NULL },
                     p->tok.sval))) {
            skip_statement(p);
            return;
        }
        p->skip_col = 0;
    }
    if (p->tok.kind == CFG_T_NAME && in_list(stmt_keywords, p->tok.sval))
        reject_statement(p);
    else if (p->tok.kind == CFG_T_NAME)
        assignment(p);
    else if (p->tok.kind != CFG_T_NEWLINE && !is_op(p, ";"))
        syntax_error(p, "expected an assignment, found %s",
                     tok_desc(&p->tok));
    skip_statement(p);
}

static void parser_init(struct parser *p, struct cfg_env *env,
                        const struct cfg_src *src, struct cfg_diags *diags)
{
    memset(p, 0, sizeof(*p));
    p->env = env;
    p->src = src;
    p->diags = diags;
    cfg_lex_init(&p->lx, src, diags);
    cfg_lex_next(&p->lx, &p->tok);
}

int cfg_eval(struct cfg_env *env, const struct cfg_src *src,
             struct cfg_diags *diags)
{
    struct parser p;
    int nerr0 = diags->nerrors;

    parser_init(&p, env, src, diags);
    while (p.tok.kind != CFG_T_EOF) {
        statement(&p);
        if (p.tok.kind != CFG_T_EOF)
            advance(&p);
    }
    cfg_token_dispose(&p.tok);
    return diags->nerrors - nerr0;
}

/* ---- command-line variables ---- */

static int valid_name(const char *s, size_t n)
{
    size_t k;

    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') ||
                    (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (k = 1; k < n; k++)
        if (!(s[k] == '_' || (s[k] >= 'a' && s[k] <= 'z') ||
              (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9')))
            return 0;
    return 1;
}

/* The value of one command-line variable: the literal it spells, or the
 * text itself as a string. */
static struct cfg_value *cmdline_value(const char *text)
{
    struct cfg_src src = { "<command line>", text, strlen(text) };
    struct cfg_diags scratch;
    struct cfg_env env;
    struct parser p;
    struct cfg_value *v;

    cfg_diags_init(&scratch);
    cfg_env_init(&env);
    parser_init(&p, &env, &src, &scratch);
    p.literal_only = 1;
    v = expr(&p);
    if (p.failed || scratch.n || scratch.nerrors ||
        p.tok.kind != CFG_T_EOF) {
        cfg_value_free(v);
        v = cfg_value_str(text);
    }
    cfg_token_dispose(&p.tok);
    cfg_diags_dispose(&scratch);
    cfg_env_dispose(&env);
    return v;
}

int cfg_eval_cmdline(struct cfg_env *env, int nvars, char *const *vars,
                     struct cfg_diags *diags)
{
    struct cfg_src src = { "<command line>", NULL, 0 };
    struct cfg_var *var;
    const char *eq;
    char *name;
    int k, nerr = 0;

    for (k = 0; k < nvars; k++) {
        eq = strchr(vars[k], '=');
        if (!cfg_utf8_valid(vars[k])) {
            cfg_diag_add(diags, CFG_ERROR, &src, 0, 0, 0,
                         "a command-line variable is not valid UTF-8");
            nerr++;
            continue;
        }
        if (!eq || !valid_name(vars[k], (size_t)(eq - vars[k]))) {
            cfg_diag_add(diags, CFG_ERROR, &src, 0, 0, 0,
                         "'%s' is not a variable assignment NAME=VALUE",
                         vars[k]);
            nerr++;
            continue;
        }
        name = strndup(vars[k], (size_t)(eq - vars[k]));
        var = name ? cfg_env_find(env, name) : NULL;
        if (name && !var)
            var = env_add(env, name);
        free(name);
        if (!var)
            return nerr + 1;
        cfg_value_free(var->val);
        var->val = cmdline_value(eq + 1);
        var->from_cmdline = 1;
    }
    return nerr;
}
