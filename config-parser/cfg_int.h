/*
 * cfg_int.h - internals of the config reader shared by its files and its
 * unit tests: source buffers, diagnostics helpers, the lexer, values and
 * the evaluated environment of a config file.
 */
#ifndef XLTOOL_CFG_INT_H
#define XLTOOL_CFG_INT_H

#include <stdarg.h>
#include <stdint.h>

#include <libxlutil.h>

#include "cfg.h"

/* A config text with its name, for diagnostics. */
struct cfg_src {
    const char *name;
    const char *data;
    size_t len;
};

void cfg_diag_add(struct cfg_diags *d, enum cfg_severity sev,
                  const struct cfg_src *src, int line, int col, int len,
                  const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void cfg_diag_vadd(struct cfg_diags *d, enum cfg_severity sev,
                   const struct cfg_src *src, int line, int col, int len,
                   const char *fmt, va_list ap);
/* Orders the diagnostics from index `from` on by position, keeping the
 * order of equal ones. */
void cfg_diags_sort(struct cfg_diags *d, int from);

/* ---- lexer ---- */

enum cfg_tok {
    CFG_T_EOF,
    CFG_T_NEWLINE,
    CFG_T_NAME,
    CFG_T_INT,
    CFG_T_STR,
    CFG_T_OP,
    CFG_T_ERROR,    /* already reported */
};

struct cfg_token {
    enum cfg_tok kind;
    int line, col, len;   /* len: columns on the first line */
    int64_t ival;         /* CFG_T_INT */
    char *sval;           /* CFG_T_STR (owned), CFG_T_NAME (owned) */
    char op[4];           /* CFG_T_OP */
    int exact;            /* string text maps column for column */
    int text_col;         /* column of the first character of a string */
};

#define CFG_MAX_DEPTH 64

struct cfg_lexer {
    const struct cfg_src *src;
    struct cfg_diags *diags;
    size_t pos;
    int line;
    size_t line_start;
    int depth;                  /* open brackets */
    int open_line[CFG_MAX_DEPTH], open_col[CFG_MAX_DEPTH];
    char open_ch[CFG_MAX_DEPTH];
    int pending_newline;
    int at_line_start;
};

void cfg_lex_init(struct cfg_lexer *lx, const struct cfg_src *src,
                  struct cfg_diags *diags);
/* Fills tok with the next token; the caller frees it with
 * cfg_token_dispose.  Lexical errors are reported to diags and come back
 * as CFG_T_ERROR. */
void cfg_lex_next(struct cfg_lexer *lx, struct cfg_token *tok);
void cfg_token_dispose(struct cfg_token *tok);
/* 1 when s is well-formed UTF-8 (JSON and xenstore need it). */
int cfg_utf8_valid(const char *s);

/* ---- values ---- */

enum cfg_vtype {
    CFG_V_INT,
    CFG_V_STR,
    CFG_V_BOOL,
    CFG_V_NONE,
    CFG_V_LIST,
    CFG_V_TUPLE,
};

struct cfg_value {
    enum cfg_vtype type;
    int64_t i;                  /* CFG_V_INT, CFG_V_BOOL */
    char *s;                    /* CFG_V_STR */
    struct cfg_value **items;   /* CFG_V_LIST, CFG_V_TUPLE */
    int n;
    int line, col, len;         /* where the expression is written */
    int exact;                  /* a plain string literal: s[k] is at
                                 * column text_col + k of line */
    int text_col;
};

struct cfg_value *cfg_value_new(enum cfg_vtype type);
struct cfg_value *cfg_value_int(int64_t i);
struct cfg_value *cfg_value_str(const char *s);   /* copies s */
struct cfg_value *cfg_value_copy(const struct cfg_value *v);
int cfg_value_append(struct cfg_value *seq, struct cfg_value *item);
void cfg_value_free(struct cfg_value *v);
const char *cfg_value_kind(const struct cfg_value *v);
/* a OP b for OP in + - * / // %; "fmt" % args formats.  Returns 0 with a
 * new value in *r, or -1 with a message. */
int cfg_value_binop(const char *op, const struct cfg_value *a,
                    const struct cfg_value *b, struct cfg_value **r,
                    char *err, size_t errlen);
/* Python's %-formatting with %d %i %u %x %X %o %s %c %%, flags and
 * width; args is one value or a tuple. */
int cfg_value_format(const char *fmt, const struct cfg_value *args,
                     char **out_r, char *err, size_t errlen);

/* ---- evaluated config ---- */

struct cfg_var {
    char *name;
    struct cfg_value *val;  /* NULL when the assignment failed */
    int line, col, len;     /* the name in the assignment that set it */
    int from_cmdline;
    int referenced;         /* used in another assignment */
    int consumed;           /* taken by the conversion */
};

struct cfg_env {
    struct cfg_var *v;
    int n, cap;
};

void cfg_env_init(struct cfg_env *env);
void cfg_env_dispose(struct cfg_env *env);
struct cfg_var *cfg_env_find(struct cfg_env *env, const char *name);

/*
 * Reads command-line variables "key=value" into env; a value that reads
 * as a literal is that literal, anything else a string.  Returns the
 * number of errors.
 */
int cfg_eval_cmdline(struct cfg_env *env, int nvars, char *const *vars,
                     struct cfg_diags *diags);
/* Evaluates a config text into env; returns the number of errors. */
int cfg_eval(struct cfg_env *env, const struct cfg_src *src,
             struct cfg_diags *diags);

/* ---- conversion ---- */

struct cfg_conv {
    struct cfg_env *env;
    const struct cfg_src *src;
    struct cfg_diags *diags;
    const struct cfg_globals *g;
    libxl_domain_config *dc;
    struct cfg_extra *extra;       /* NULL when the caller wants none */
};

int cfg_convert(struct cfg_conv *cv);
/* Device families (cfg_devices.c). */
void cfg_conv_disks(struct cfg_conv *cv);
void cfg_conv_nics(struct cfg_conv *cv);
void cfg_conv_pcis(struct cfg_conv *cv);
void cfg_conv_vfbs(struct cfg_conv *cv);
/* Labels, passthrough, cpuid and the USB and channel lists (cfg_keys.c,
 * cfg_usb.c). */
void cfg_conv_keys(struct cfg_conv *cv);
void cfg_conv_channels(struct cfg_conv *cv);
void cfg_conv_usbctrls(struct cfg_conv *cv);
void cfg_conv_usbdevs(struct cfg_conv *cv);
/* vnuma, checked against the host (cfg_vnuma.c). */
void cfg_conv_vnuma(struct cfg_conv *cv);
/* Appends a framebuffer and its keyboard, as xl pairs them. */
int cfg_conv_add_vfb(struct cfg_conv *cv);
/* One disk or vif spec, outside of a config (for tests and hot-plug).
 * *shared_r is set for a disk whose access is xm's "w!".  On error,
 * returns -1 with the message in err and the 0-based offset of the bad
 * field in *at_r (or -1). */
int cfg_disk_from_spec(const char *spec, libxl_device_disk *disk,
                       int *shared_r, char *err, size_t errlen, int *at_r);
int cfg_nic_from_spec(const char *spec, const struct cfg_globals *g,
                      libxl_device_nic *nic, char *err, size_t errlen,
                      int *at_r);

/* Helpers for the conversion (cfg_convert.c). */
struct cfg_var *cfg_conv_get(struct cfg_conv *cv, const char *key);
void cfg_conv_error(struct cfg_conv *cv, const struct cfg_var *var,
                    const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfg_conv_warn(struct cfg_conv *cv, const struct cfg_var *var,
                   const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfg_conv_error_at(struct cfg_conv *cv, const struct cfg_value *v,
                       int off, int len, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cfg_conv_warn_at(struct cfg_conv *cv, const struct cfg_value *v,
                      int off, int len, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Typed reads: 1 when the key is set and valid, 0 when absent, -1 after
 * an error was reported. */
int cfg_conv_string(struct cfg_conv *cv, const char *key, const char **s_r);
int cfg_conv_long(struct cfg_conv *cv, const char *key, long min, long max,
                  long *l_r);
int cfg_conv_list(struct cfg_conv *cv, const char *key,
                  struct cfg_var **var_r);
int cfg_conv_strlist_key(struct cfg_conv *cv, const char *key,
                         libxl_string_list *sl);
/* The keys that map onto one field each. */
void cfg_conv_simple(struct cfg_conv *cv);

/* A fresh libxlutil config used only to call its spec parsers, with its
 * report stream captured in memory. */
struct cfg_xlu {
    XLU_Config *cfg;
    FILE *report;
    char *buf;
    size_t size;
};
int cfg_xlu_open(struct cfg_xlu *x);
/* The captured report text, trimmed; "" when none.  Clears it. */
const char *cfg_xlu_report(struct cfg_xlu *x);
void cfg_xlu_close(struct cfg_xlu *x);

#endif
