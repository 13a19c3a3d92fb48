/*
 * cfg.h - the xm-style domain configuration reader.
 *
 * Reads the Python-like domain config files that xend accepted (and the
 * literal subset that xl accepts) without executing anything, and fills
 * libxl's own libxl_domain_config the way xl does.  Every problem is
 * reported as a diagnostic with file, line and column; the library never
 * prints and never exits.
 */
#ifndef XLTOOL_CFG_H
#define XLTOOL_CFG_H

#include <stddef.h>
#include <stdio.h>
#include <libxl.h>

enum cfg_severity {
    CFG_WARNING,
    CFG_ERROR,
};

struct cfg_diag {
    enum cfg_severity severity;
    char *file;     /* the file name as the user gave it */
    int line;       /* 1-based; 0 when the problem has no position */
    int col;        /* 1-based column of the offending text */
    int len;        /* how many columns the caret line underlines (>= 1) */
    char *msg;      /* the message, without position or severity */
    char *source;   /* the source line, for the caret display; may be NULL */
};

struct cfg_diags {
    struct cfg_diag *v;
    int n;
    int nerrors;
};

/* Defaults that xl takes from its global /etc/xen/xl.conf. */
struct cfg_globals {
    int claim_mode;            /* -1 when not set */
    int run_hotplug_scripts;   /* 1 by default */
    char *default_bridge;      /* NULL means "xenbr0" */
    char *default_vifscript;   /* NULL means no script */
    char *default_gatewaydev;
    char *default_vifbackend;
    char *lockfile;
};

void cfg_globals_init(struct cfg_globals *g);
void cfg_globals_dispose(struct cfg_globals *g);
/* Reads xl.conf (path NULL means $XLTOOL_XL_CONF or /etc/xen/xl.conf).
 * A missing file is not an error. */
int cfg_globals_load(struct cfg_globals *g, const char *path,
                     struct cfg_diags *diags);

void cfg_diags_init(struct cfg_diags *d);
void cfg_diags_dispose(struct cfg_diags *d);
/* Formats every diagnostic as "FILE:LINE:COL: error: MSG", followed by the
 * source line and a caret line, into stream f.  The caller decides where
 * the text goes; the library itself never writes to stderr. */
void cfg_diags_format(const struct cfg_diags *d, FILE *f);

/*
 * Finds a config file as xm did: a name containing '/' or an existing path
 * is used as it is; otherwise the name is looked up in $XLTOOL_CONFIG_DIR
 * (default /etc/xen) and then in its auto/ subdirectory.  Returns 0 and a
 * malloc'd path in *path_r, or -1 with a message in err.
 */
int cfg_find(const char *name, char **path_r, char *err, size_t errlen);

/*
 * Parses the config at path, with command-line variables vars[0..nvars-1]
 * of the form "key=value" overriding the file, into d_config, which the
 * caller has initialised with libxl_domain_config_init().  Returns 0 when
 * there are no errors (warnings may still be present in diags), -1
 * otherwise.
 */
int cfg_parse_file(const char *path, int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_diags *diags);

/* The same, for a config held in memory; name is used in diagnostics. */
int cfg_parse_data(const char *name, const char *data, size_t len,
                   int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_diags *diags);

/*
 * JSON in libxl's own form (what `xl create -n` prints and what the xl
 * save-file header carries).  cfg_config_to_json returns a malloc'd string.
 * cfg_config_from_json reads such JSON back without a libxl context (which
 * needs a running Xen); it accepts every field that the parser can set and
 * rejects, with a message, anything it cannot represent faithfully.
 */
char *cfg_config_to_json(libxl_domain_config *d_config);
int cfg_config_from_json(const char *json, libxl_domain_config *d_config,
                         char *err, size_t errlen);

#endif
