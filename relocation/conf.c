/*
 * conf.c - the "relocation" and "domains" groups of xltool.conf
 * (libconfig syntax), read
 * strictly: unknown settings, wrong types, out-of-range numbers and bad
 * regexes are errors reported as "FILE:LINE: message".
 */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reloc.h"
#include "proto.h"

void reloc_conf_init(struct reloc_conf *c)
{
    memset(c, 0, sizeof(*c));
    c->port = RELOC_DEFAULT_PORT;
    c->max_concurrent = 4;
    c->handshake_timeout = 10;
    c->io_timeout = 30;
    c->resolve_timeout = 60;
}

void reloc_conf_dispose(struct reloc_conf *c)
{
    int i;

    for (i = 0; i < c->n_allow; i++) {
        free(c->allow_src[i]);
        regfree(&c->allow_re[i]);
    }
    free(c->allow_src);
    free(c->allow_re);
    free(c->file);
    free(c->address);
    free(c->cert);
    free(c->key);
    free(c->ca);
    free(c->psk_file);
    free(c->state_dir);
    reloc_conf_init(c);
}

static int fail_at(const char *file, const config_setting_t *s, char *err,
                   const char *msg)
{
    snprintf(err, XT_ERRLEN, "%s:%d: %s", file,
             s ? config_setting_source_line(s) : 0, msg);
    return -1;
}

static int get_str(const char *file, const config_setting_t *s, char **v_r,
                   char *err)
{
    char msg[256];
    const char *v;

    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        snprintf(msg, sizeof(msg), "%s must be a string",
                 config_setting_name(s));
        return fail_at(file, s, err, msg);
    }
    v = config_setting_get_string(s);
    if (!*v) {
        snprintf(msg, sizeof(msg), "%s must not be empty",
                 config_setting_name(s));
        return fail_at(file, s, err, msg);
    }
    free(*v_r);
    *v_r = strdup(v);
    if (!*v_r)
        return fail_at(file, s, err, "out of memory");
    return 0;
}

static int get_int(const char *file, const config_setting_t *s, int min,
                   int max, int *v_r, char *err)
{
    char msg[256];
    long long v;

    if (config_setting_type(s) != CONFIG_TYPE_INT &&
        config_setting_type(s) != CONFIG_TYPE_INT64) {
        snprintf(msg, sizeof(msg), "%s must be an integer",
                 config_setting_name(s));
        return fail_at(file, s, err, msg);
    }
    v = config_setting_get_int64(s);
    if (v < min || v > max) {
        snprintf(msg, sizeof(msg), "%s = %lld is out of range (%d to %d)",
                 config_setting_name(s), v, min, max);
        return fail_at(file, s, err, msg);
    }
    *v_r = (int)v;
    return 0;
}

static int get_bool(const char *file, const config_setting_t *s, int *v_r,
                    char *err)
{
    char msg[256];

    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        snprintf(msg, sizeof(msg), "%s must be true or false",
                 config_setting_name(s));
        return fail_at(file, s, err, msg);
    }
    *v_r = config_setting_get_bool(s);
    return 0;
}

/* Each regex is anchored, as xend anchored its hosts-allow patterns. */
static int add_allow(struct reloc_conf *c, const char *file,
                     const config_setting_t *s, char *err)
{
    char msg[400], rebuf[200], *anch = NULL;
    const char *pat;
    int rc = -1, ec;
    size_t n;

    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail_at(file, s, err, "hosts_allow entries must be strings");
    pat = config_setting_get_string(s);
    n = strlen(pat) + 5;
    anch = malloc(n);
    if (!anch || snprintf(anch, n, "^(%s)$", pat) >= (int)n)
        goto oom;
    ec = regcomp(&c->allow_re[c->n_allow], anch, REG_EXTENDED | REG_NOSUB);
    if (ec) {
        regerror(ec, NULL, rebuf, sizeof(rebuf));
        snprintf(msg, sizeof(msg), "hosts_allow: bad regex '%.80s': %s",
                 pat, rebuf);
        rc = fail_at(file, s, err, msg);
        goto out;
    }
    c->allow_src[c->n_allow] = strdup(pat);
    if (!c->allow_src[c->n_allow]) {
        regfree(&c->allow_re[c->n_allow]);
        goto oom;
    }
    c->n_allow++;
    rc = 0;
    goto out;
oom:
    rc = fail_at(file, s, err, "out of memory");
out:
    free(anch);
    return rc;
}

static int get_allow(struct reloc_conf *c, const char *file,
                     const config_setting_t *s, char *err)
{
    int i, n;

    if (config_setting_type(s) != CONFIG_TYPE_LIST &&
        config_setting_type(s) != CONFIG_TYPE_ARRAY)
        return fail_at(file, s, err,
                       "hosts_allow must be a list of regexes");
    n = config_setting_length(s);
    c->allow_src = calloc(n ? n : 1, sizeof(*c->allow_src));
    c->allow_re = calloc(n ? n : 1, sizeof(*c->allow_re));
    if (!c->allow_src || !c->allow_re)
        return fail_at(file, s, err, "out of memory");
    for (i = 0; i < n; i++)
        if (add_allow(c, file, config_setting_get_elem(s, i), err))
            return -1;
    return 0;
}

static int unknown(const char *file, const config_setting_t *s,
                   const char *group, char *err)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "unknown setting '%s' in %s",
             config_setting_name(s) ? config_setting_name(s) : "?", group);
    return fail_at(file, s, err, msg);
}

static int need_group(const char *file, const config_setting_t *s,
                      char *err)
{
    char msg[256];

    if (config_setting_is_group(s))
        return 0;
    snprintf(msg, sizeof(msg), "%s must be a group { ... }",
             config_setting_name(s));
    return fail_at(file, s, err, msg);
}

/*
 * The group NAME of cf, if present, must be a group; each of its
 * settings goes to get(dst, ...), the first failure stopping the walk.
 * *g_r is the group (NULL where the file has none) for checks across
 * its settings.
 */
typedef int (*setting_fn)(void *dst, const char *file,
                          const config_setting_t *s, char *err);

static int walk_group(config_t *cf, const char *name, setting_fn get,
                      void *dst, const char *file,
                      const config_setting_t **g_r, char *err)
{
    const config_setting_t *g, *s;
    int i;

    *g_r = g = config_lookup(cf, name);
    if (!g)
        return 0;
    if (need_group(file, g, err))
        return -1;
    for (i = 0; (s = config_setting_get_elem(g, i)); i++)
        if (get(dst, file, s, err))
            return -1;
    return 0;
}

/*
 * Reads the configuration file into cf (initialised by the caller): path,
 * else $XLTOOL_CONF, else the default file, whose absence is no error.
 * Returns 0 when read, 1 when the default file is absent, -1 with err
 * set otherwise; *file_r is the name used.
 */
static int read_conf_file(const char *path, config_t *cf,
                          const char **file_r, char *err)
{
    const char *file = path;
    FILE *f;
    int rc = 0, named = 1;

    if (!file)
        file = getenv("XLTOOL_CONF");
    if (!file || !*file) {
        file = RELOC_DEFAULT_CONF;
        named = 0;
    }
    *file_r = file;
    f = fopen(file, "r");
    if (!f) {
        if (errno == ENOENT && !named)
            return 1;
        snprintf(err, XT_ERRLEN, "%s: %s", file, strerror(errno));
        return -1;
    }
    if (!config_read(cf, f)) {
        snprintf(err, XT_ERRLEN, "%s:%d: %s", file, config_error_line(cf),
                 config_error_text(cf));
        rc = -1;
    }
    fclose(f);
    return rc;
}

static int get_tls(struct reloc_conf *c, const char *file,
                   const config_setting_t *g, char *err)
{
    const config_setting_t *s;
    const char *k;
    int i;

    if (need_group(file, g, err))
        return -1;
    for (i = 0; (s = config_setting_get_elem(g, i)); i++) {
        k = config_setting_name(s);
        if (!strcmp(k, "cert")) {
            if (get_str(file, s, &c->cert, err)) return -1;
        } else if (!strcmp(k, "key")) {
            if (get_str(file, s, &c->key, err)) return -1;
        } else if (!strcmp(k, "ca")) {
            if (get_str(file, s, &c->ca, err)) return -1;
        } else {
            return unknown(file, s, "relocation.tls", err);
        }
    }
    if (!c->cert || !c->key || !c->ca)
        return fail_at(file, g, err, "tls needs cert, key and ca");
    return 0;
}

static int get_timeouts(struct reloc_conf *c, const char *file,
                        const config_setting_t *g, char *err)
{
    const config_setting_t *s;
    const char *k;
    int i, rc;

    if (need_group(file, g, err))
        return -1;
    for (i = 0; (s = config_setting_get_elem(g, i)); i++) {
        k = config_setting_name(s);
        if (!strcmp(k, "handshake"))
            rc = get_int(file, s, 1, 3600, &c->handshake_timeout, err);
        else if (!strcmp(k, "io"))
            rc = get_int(file, s, 1, 3600, &c->io_timeout, err);
        else if (!strcmp(k, "resolve"))
            rc = get_int(file, s, 0, 86400, &c->resolve_timeout, err);
        else
            rc = unknown(file, s, "relocation.timeouts", err);
        if (rc)
            return -1;
    }
    return 0;
}

static int get_setting(void *dst, const char *file,
                       const config_setting_t *s, char *err)
{
    struct reloc_conf *c = dst;
    const char *k = config_setting_name(s);

    if (!strcmp(k, "address"))
        return get_str(file, s, &c->address, err);
    if (!strcmp(k, "port"))
        return get_int(file, s, 1, 65535, &c->port, err);
    if (!strcmp(k, "hosts_allow"))
        return get_allow(c, file, s, err);
    if (!strcmp(k, "tls"))
        return get_tls(c, file, s, err);
    if (!strcmp(k, "psk_file"))
        return get_str(file, s, &c->psk_file, err);
    if (!strcmp(k, "allow_plain"))
        return get_bool(file, s, &c->allow_plain, err);
    if (!strcmp(k, "max_concurrent"))
        return get_int(file, s, 1, 1024, &c->max_concurrent, err);
    if (!strcmp(k, "timeouts"))
        return get_timeouts(c, file, s, err);
    if (!strcmp(k, "state_dir"))
        return get_str(file, s, &c->state_dir, err);
    return unknown(file, s, "relocation", err);
}

static int read_group(struct reloc_conf *c, const char *file,
                      config_t *cf, char *err)
{
    const config_setting_t *g;

    if (walk_group(cf, "relocation", get_setting, c, file, &g, err))
        return -1;
    if (g && c->cert && c->psk_file)
        return fail_at(file, g, err,
                       "relocation: give either tls or psk_file, not both");
    return 0;
}

int reloc_conf_load(struct reloc_conf *c, const char *path, char *err)
{
    const char *file;
    config_t cf;
    int rc;

    config_init(&cf);
    rc = read_conf_file(path, &cf, &file, err);
    if (rc) {
        if (rc > 0)
            rc = 0;
        goto out;
    }
    rc = -1;
    c->file = strdup(file);
    if (!c->file) {
        snprintf(err, XT_ERRLEN, "out of memory");
        goto out;
    }
    rc = read_group(c, file, &cf, err);
out:
    if (!rc && !c->state_dir) {
        c->state_dir = strdup(RELOC_DEFAULT_STATE_DIR);
        if (!c->state_dir) {
            snprintf(err, XT_ERRLEN, "out of memory");
            rc = -1;
        }
    }
    config_destroy(&cf);
    return rc;
}

int reloc_host_allowed(const struct reloc_conf *c, const char *addr,
                       const char *name)
{
    int i;

    if (c->n_allow == 0)
        return 1;
    for (i = 0; i < c->n_allow; i++) {
        if (addr && *addr && !regexec(&c->allow_re[i], addr, 0, NULL, 0))
            return 1;
        if (name && *name && !regexec(&c->allow_re[i], name, 0, NULL, 0))
            return 1;
    }
    return 0;
}

/* ---- the domains group ---- */

void reloc_domains_conf_init(struct reloc_domains_conf *d)
{
    memset(d, 0, sizeof(*d));
    d->parallel = 4;
    d->stop = RELOC_STOP_SAVE;
    d->shutdown_timeout = 60;
}

void reloc_domains_conf_dispose(struct reloc_domains_conf *d)
{
    free(d->auto_dir);
    free(d->save_dir);
    free(d->migrate_to);
    reloc_domains_conf_init(d);
}

static int get_stop(struct reloc_domains_conf *d, const char *file,
                    const config_setting_t *s, char *err)
{
    char *v = NULL;
    int rc = 0;

    if (get_str(file, s, &v, err))
        return -1;
    if (!strcmp(v, "save"))
        d->stop = RELOC_STOP_SAVE;
    else if (!strcmp(v, "migrate"))
        d->stop = RELOC_STOP_MIGRATE;
    else if (!strcmp(v, "shutdown"))
        d->stop = RELOC_STOP_SHUTDOWN;
    else
        rc = fail_at(file, s, err, "stop must be \"save\", \"migrate\" or "
                     "\"shutdown\"");
    free(v);
    return rc;
}

static int get_domains_setting(void *dst, const char *file,
                               const config_setting_t *s, char *err)
{
    struct reloc_domains_conf *d = dst;
    const char *k = config_setting_name(s);

    if (!strcmp(k, "parallel"))
        return get_int(file, s, 1, 256, &d->parallel, err);
    if (!strcmp(k, "auto_dir"))
        return get_str(file, s, &d->auto_dir, err);
    if (!strcmp(k, "save_dir"))
        return get_str(file, s, &d->save_dir, err);
    if (!strcmp(k, "stop"))
        return get_stop(d, file, s, err);
    if (!strcmp(k, "migrate_to"))
        return get_str(file, s, &d->migrate_to, err);
    if (!strcmp(k, "shutdown_timeout"))
        return get_int(file, s, 1, 86400, &d->shutdown_timeout, err);
    return unknown(file, s, "domains", err);
}

static int read_domains(struct reloc_domains_conf *d, const char *file,
                        config_t *cf, char *err)
{
    const config_setting_t *g;

    if (walk_group(cf, "domains", get_domains_setting, d, file, &g, err))
        return -1;
    if (g && d->stop == RELOC_STOP_MIGRATE && !d->migrate_to)
        return fail_at(file, g, err, "domains: stop = \"migrate\" needs "
                       "migrate_to");
    return 0;
}

static int domains_defaults(struct reloc_domains_conf *d, char *err)
{
    if (!d->auto_dir)
        d->auto_dir = strdup(RELOC_DEFAULT_AUTO_DIR);
    if (!d->save_dir)
        d->save_dir = strdup(RELOC_DEFAULT_SAVE_DIR);
    if (d->auto_dir && d->save_dir)
        return 0;
    snprintf(err, XT_ERRLEN, "out of memory");
    return -1;
}

int reloc_domains_conf_load(struct reloc_domains_conf *d, const char *path,
                            char *err)
{
    const char *file;
    config_t cf;
    int rc;

    config_init(&cf);
    rc = read_conf_file(path, &cf, &file, err);
    if (!rc)
        rc = read_domains(d, file, &cf, err);
    else if (rc > 0)
        rc = 0;
    if (!rc)
        rc = domains_defaults(d, err);
    config_destroy(&cf);
    return rc;
}
