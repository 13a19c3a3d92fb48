/*
 * cfg_file.c - the entry points of the config reader: finding a config
 * as xm did, reading xl's global xl.conf defaults, and parsing a config
 * (file or memory) with command-line variables into libxl's
 * libxl_domain_config.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_int.h"

#define CFG_MAX_FILE (16 * 1024 * 1024)

void cfg_globals_init(struct cfg_globals *g)
{
    memset(g, 0, sizeof(*g));
    g->claim_mode = -1;
    g->run_hotplug_scripts = 1;
}

void cfg_globals_dispose(struct cfg_globals *g)
{
    free(g->default_bridge);
    free(g->default_vifscript);
    free(g->default_gatewaydev);
    free(g->default_vifbackend);
    free(g->lockfile);
    free(g->host.cpu_node);
    cfg_globals_init(g);
}

static void global_string(XLU_Config *c, const char *key, const char *old,
                          char **field)
{
    const char *s = NULL;

    if (xlu_cfg_get_string(c, key, &s, 1) && old)
        xlu_cfg_get_string(c, old, &s, 1);
    if (s) {
        free(*field);
        *field = strdup(s);
    }
}

static void globals_read(struct cfg_globals *g, XLU_Config *c)
{
    const char *s;
    long l;

    if (!xlu_cfg_get_long(c, "run_hotplug_scripts", &l, 1))
        g->run_hotplug_scripts = l != 0;
    if (!xlu_cfg_get_long(c, "claim_mode", &l, 1))
        g->claim_mode = l != 0;
    if (!xlu_cfg_get_string(c, "output_format", &s, 1))
        g->output_sxp = !strcmp(s, "sxp");
    global_string(c, "lockfile", NULL, &g->lockfile);
    global_string(c, "vif.default.script", "vifscript",
                  &g->default_vifscript);
    global_string(c, "vif.default.bridge", "defaultbridge",
                  &g->default_bridge);
    global_string(c, "vif.default.gatewaydev", NULL, &g->default_gatewaydev);
    global_string(c, "vif.default.backend", NULL, &g->default_vifbackend);
}

int cfg_globals_load(struct cfg_globals *g, const char *path,
                     struct cfg_diags *diags)
{
    struct cfg_src src;
    struct cfg_xlu x;
    const char *rep;
    int rc = -1, e;

    if (!path)
        path = getenv("XLTOOL_XL_CONF");
    if (!path || !*path)
        path = "/etc/xen/xl.conf";
    src.name = path;
    src.data = NULL;
    src.len = 0;
    if (access(path, F_OK))
        return 0;                          /* no xl.conf: xl's defaults */
    if (cfg_xlu_open(&x)) {
        cfg_diag_add(diags, CFG_ERROR, &src, 0, 0, 0, "out of memory");
        return -1;
    }
    e = xlu_cfg_readfile(x.cfg, path);
    rep = cfg_xlu_report(&x);
    if (e) {
        cfg_diag_add(diags, CFG_ERROR, &src, 0, 0, 0, "cannot read: %s",
                     *rep ? rep : strerror(e));
        goto out;
    }
    globals_read(g, x.cfg);
    rc = 0;
out:
    cfg_xlu_close(&x);
    return rc;
}

/* Sets *path_r to the first existing of "base" and "base.cfg". */
static int try_path(const char *base, char **path_r)
{
    char *p = NULL;

    if (access(base, F_OK) == 0)
        return (*path_r = strdup(base)) ? 1 : -1;
    if (asprintf(&p, "%s.cfg", base) < 0)
        return -1;
    if (access(p, F_OK) == 0) {
        *path_r = p;
        return 1;
    }
    free(p);
    return 0;
}

int cfg_find(const char *name, char **path_r, char *err, size_t errlen)
{
    const char *dir = getenv("XLTOOL_CONFIG_DIR");
    char *p1 = NULL, *p2 = NULL;
    int rc = -1, r;

    *path_r = NULL;
    if (!dir || !*dir)
        dir = "/etc/xen";
    r = try_path(name, path_r);
    if (r == 0 && strchr(name, '/')) {
        /* A path is used as it is; reading it will say what is wrong. */
        *path_r = strdup(name);
        r = *path_r ? 1 : -1;
    }
    if (r == 0 && (asprintf(&p1, "%s/%s", dir, name) < 0 ||
                   asprintf(&p2, "%s/auto/%s", dir, name) < 0))
        r = -1;
    if (r == 0)
        r = try_path(p1, path_r);
    if (r == 0)
        r = try_path(p2, path_r);
    if (r > 0)
        rc = 0;
    else if (r == 0)
        snprintf(err, errlen, "cannot find config '%s': tried ./%s, %s and "
                 "%s (each also with .cfg)", name, name, p1, p2);
    else
        snprintf(err, errlen, "cannot find config '%s': out of memory", name);
    free(p1);
    free(p2);
    return rc;
}

int cfg_parse_data(const char *name, const char *data, size_t len,
                   int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_extra *extra,
                   struct cfg_diags *diags)
{
    struct cfg_globals defaults;
    struct cfg_src src = { name, data, len };
    struct cfg_env env;
    struct cfg_conv cv;
    int n0 = diags->n, e0 = diags->nerrors;

    cfg_globals_init(&defaults);
    cfg_env_init(&env);
    cfg_eval_cmdline(&env, nvars, vars, diags);
    cfg_eval(&env, &src, diags);
    memset(&cv, 0, sizeof(cv));
    cv.env = &env;
    cv.src = &src;
    cv.diags = diags;
    cv.g = g ? g : &defaults;
    cv.dc = d_config;
    cv.extra = extra;
    cfg_convert(&cv);
    cfg_env_dispose(&env);
    cfg_diags_sort(diags, n0);
    return diags->nerrors > e0 ? -1 : 0;
}

static char *read_file(const char *path, size_t *len_r, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    struct stat st;

    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
        st.st_size > CFG_MAX_FILE) {
        snprintf(err, errlen, "not a regular file of at most %d bytes",
                 CFG_MAX_FILE);
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        goto out;
    n = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    *len_r = n;
out:
    fclose(f);
    return buf;
}

int cfg_parse_file(const char *path, int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_extra *extra,
                   struct cfg_diags *diags)
{
    struct cfg_src src = { path, NULL, 0 };
    char err[256] = "";
    size_t len = 0;
    char *data = read_file(path, &len, err, sizeof(err));
    int rc;

    if (!data) {
        cfg_diag_add(diags, CFG_ERROR, &src, 0, 0, 0, "%s",
                     *err ? err : "out of memory");
        return -1;
    }
    rc = cfg_parse_data(path, data, len, nvars, vars, g, d_config, extra,
                        diags);
    free(data);
    return rc;
}
