/*
 * cfg_diag.c - diagnostics of the config reader: collected with their
 * position and source line, sorted, and formatted as
 * "FILE:LINE:COL: error: MSG" with a caret line, for the CLI to print.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

void cfg_diags_init(struct cfg_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void cfg_diags_dispose(struct cfg_diags *d)
{
    int i;

    for (i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
        free(d->v[i].source);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

/* The text of line number `line` (1-based) of src, malloc'd. */
static char *source_line(const struct cfg_src *src, int line)
{
    const char *p = src->data, *end = src->data + src->len, *nl;
    int l = 1;

    while (l < line && p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
        l++;
    }
    if (l != line)
        return NULL;
    nl = memchr(p, '\n', (size_t)(end - p));
    return strndup(p, (size_t)((nl ? nl : end) - p));
}

void cfg_diag_vadd(struct cfg_diags *d, enum cfg_severity sev,
                   const struct cfg_src *src, int line, int col, int len,
                   const char *fmt, va_list ap)
{
    struct cfg_diag *nv, *dg;
    char *msg = NULL;

    nv = realloc(d->v, sizeof(*d->v) * (size_t)(d->n + 1));
    if (!nv)
        return;
    d->v = nv;
    if (vasprintf(&msg, fmt, ap) < 0)
        return;
    dg = &d->v[d->n++];
    memset(dg, 0, sizeof(*dg));
    dg->severity = sev;
    dg->file = strdup(src && src->name ? src->name : "<config>");
    dg->line = line;
    dg->col = col > 0 ? col : 1;
    dg->len = len > 0 ? len : 1;
    dg->msg = msg;
    dg->source = (src && src->data && line > 0) ? source_line(src, line)
                                                 : NULL;
    if (sev == CFG_ERROR)
        d->nerrors++;
}

void cfg_diag_add(struct cfg_diags *d, enum cfg_severity sev,
                  const struct cfg_src *src, int line, int col, int len,
                  const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cfg_diag_vadd(d, sev, src, line, col, len, fmt, ap);
    va_end(ap);
}

static int diag_cmp(const void *a, const void *b)
{
    const struct cfg_diag *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return 0;
}

void cfg_diags_sort(struct cfg_diags *d, int from)
{
    struct cfg_diag tmp;
    int i, j;

    /* Insertion sort: stable, and the lists are short. */
    for (i = from + 1; i < d->n; i++) {
        tmp = d->v[i];
        for (j = i; j > from && diag_cmp(&d->v[j - 1], &tmp) > 0; j--)
            d->v[j] = d->v[j - 1];
        d->v[j] = tmp;
    }
}

/* Prints the caret line: the source's tabs are kept so the caret lines up
 * in a terminal. */
static void format_caret(const struct cfg_diag *dg, FILE *f)
{
    int i, n = (int)strlen(dg->source);

    fprintf(f, "%s\n", dg->source);
    for (i = 0; i < dg->col - 1; i++)
        fputc(i < n && dg->source[i] == '\t' ? '\t' : ' ', f);
    fputc('^', f);
    for (i = 1; i < dg->len; i++)
        fputc('~', f);
    fputc('\n', f);
}

void cfg_diags_format(const struct cfg_diags *d, FILE *f)
{
    const struct cfg_diag *dg;
    const char *sev;
    int i;

    for (i = 0; i < d->n; i++) {
        dg = &d->v[i];
        sev = dg->severity == CFG_ERROR ? "error" : "warning";
        if (dg->line > 0)
            fprintf(f, "%s:%d:%d: %s: %s\n", dg->file, dg->line, dg->col,
                    sev, dg->msg);
        else
            fprintf(f, "%s: %s: %s\n", dg->file, sev, dg->msg);
        if (dg->line > 0 && dg->source)
            format_caret(dg, f);
    }
}
