/*
 * cfg_devices.c - the device lists of a config: disk (through libxlutil's
 * own disk parser, with xm's forms), vif (xl's key=value fields), pci
 * (libxlutil's BDF parser) and vfb.  A bad field is reported at the
 * list item, under the field when the string is written plainly.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

int cfg_xlu_open(struct cfg_xlu *x)
{
    memset(x, 0, sizeof(*x));
    x->report = open_memstream(&x->buf, &x->size);
    if (!x->report)
        return -1;
    x->cfg = xlu_cfg_init(x->report, "spec");
    if (!x->cfg) {
        fclose(x->report);
        free(x->buf);
        return -1;
    }
    return 0;
}

const char *cfg_xlu_report(struct cfg_xlu *x)
{
    char *p;
    size_t n;

    fflush(x->report);
    n = x->size;
    while (n > 0 && (x->buf[n - 1] == '\n' || x->buf[n - 1] == ' '))
        x->buf[--n] = '\0';
    p = x->buf ? x->buf : "";
    return p;
}

void cfg_xlu_close(struct cfg_xlu *x)
{
    if (x->cfg)
        xlu_cfg_destroy(x->cfg);
    if (x->report)
        fclose(x->report);
    free(x->buf);
    memset(x, 0, sizeof(*x));
}

/*
 * Rewrites xm's access "w!" (writable, sharing allowed) as "w", which is
 * all libxlutil and libxl know, and says in *shared_r that it did: the
 * sharing travels beside the libxl config (struct cfg_extra).
 */
static char *disk_spec_xm(const char *spec, int *shared_r)
{
    char *s = strdup(spec), *p;
    size_t n;

    if (!s)
        return NULL;
    for (p = s; (p = strstr(p, "w!")); ) {
        n = strlen(p + 2);
        if ((p == s || p[-1] == ',' || p[-1] == '=') &&
            (p[2] == '\0' || p[2] == ',')) {
            memmove(p + 1, p + 2, n + 1);
            *shared_r = 1;
        } else {
            p += 2;
        }
    }
    return s;
}

/*
 * libxlutil reports "SRC: config parsing error in disk specification:
 * MSG: near `TOKEN' in `SPEC'".  Keeps MSG in msg and finds TOKEN's
 * offset in spec.
 */
static void split_xlu_error(const char *rep, const char *spec, char *msg,
                            size_t msglen, int *at_r, int *len_r)
{
    const char *m = strstr(rep, "specification: "), *near, *end;
    char tok[256];

    *at_r = -1;
    *len_r = 0;
    m = m ? m + strlen("specification: ") : rep;
    near = strstr(m, ": near `");
    if (!near)
        near = strstr(m, " near `");
    end = near ? near : strstr(m, " in `");
    snprintf(msg, msglen, "%.*s", end ? (int)(end - m) : (int)strlen(m), m);
    if (!near)
        return;
    near += strlen(": near `");
    end = strchr(near, '\'');
    if (!end || (size_t)(end - near) >= sizeof(tok))
        return;
    snprintf(tok, sizeof(tok), "%.*s", (int)(end - near), near);
    if (*tok && strstr(spec, tok)) {
        *at_r = (int)(strstr(spec, tok) - spec);
        *len_r = (int)strlen(tok);
    }
}

/* Parses nspecs strings as one disk, as xlu_disk_parse does. */
static int disk_from_specs(int nspecs, const char *const *specs,
                           libxl_device_disk *disk, int *shared_r,
                           char *err, size_t errlen, int *at_r)
{
    struct cfg_xlu x;
    char **s = calloc(nspecs > 0 ? nspecs : 1, sizeof(*s));
    int rc = -1, len, i, ok = s != NULL;

    *at_r = -1;
    *shared_r = 0;
    for (i = 0; ok && i < nspecs; i++)
        ok = (s[i] = disk_spec_xm(specs[i], shared_r)) != NULL;
    if (!ok || cfg_xlu_open(&x)) {
        snprintf(err, errlen, "out of memory");
        goto out_free;
    }
    if (xlu_disk_parse(x.cfg, nspecs, (const char *const *)s, disk) == 0) {
        rc = 0;
        goto out;
    }
    /* Positions are only meaningful in a single spec. */
    split_xlu_error(cfg_xlu_report(&x), nspecs == 1 ? s[0] : "", err,
                    errlen, at_r, &len);
    if (!*err)
        snprintf(err, errlen, "invalid disk specification");
out:
    cfg_xlu_close(&x);
out_free:
    for (i = 0; s && i < nspecs; i++)
        free(s[i]);
    free(s);
    return rc;
}

int cfg_disk_from_spec(const char *spec, libxl_device_disk *disk,
                       int *shared_r, char *err, size_t errlen, int *at_r)
{
    return disk_from_specs(1, &spec, disk, shared_r, err, errlen, at_r);
}

int cfg_disk_parse(int nspecs, const char *const *specs,
                   libxl_device_disk *disk, int *shared_r, char *err,
                   size_t errlen)
{
    int at;

    if (nspecs < 1) {
        snprintf(err, errlen, "no disk specification");
        return -1;
    }
    return disk_from_specs(nspecs, specs, disk, shared_r, err, errlen, &at);
}

/* The item of a device list, which must be a string. */
static const char *item_string(struct cfg_conv *cv, const char *key,
                               const struct cfg_value *it)
{
    if (it->type == CFG_V_STR)
        return it->s;
    cfg_conv_error_at(cv, it, -1, 0, "'%s' entries must be strings, not %s",
                      key, cfg_value_kind(it));
    return NULL;
}

/*
 * An error in entry `it` of device list `var`: underlines the bad field
 * (at offset `at`, or the entry when -1), names it when the message
 * does not (name_field), and names the line of the key when the entry is
 * on another line.
 */
static void spec_error(struct cfg_conv *cv, const struct cfg_var *var,
                       const struct cfg_value *it, int at, const char *err,
                       int name_field)
{
    char field[80] = "", where[64] = "";
    int len = at >= 0 ? (int)strcspn(it->s + at, ",") : 0;

    if (at >= 0 && name_field)
        snprintf(field, sizeof(field), " (field '%.*s')", len > 60 ? 60 : len,
                 it->s + at);
    if (!var->from_cmdline && it->line != var->line)
        snprintf(where, sizeof(where), " in '%s' of line %d", var->name,
                 var->line);
    cfg_conv_error_at(cv, it, at, len, "invalid %s spec%s: %s%s", var->name,
                      where, err, field);
}

void cfg_conv_disks(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    struct cfg_var *var;
    libxl_device_disk *nd;
    const char *s;
    char err[256];
    int k, at, shared;

    if (cfg_conv_list(cv, "disk", &var) <= 0)
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!(s = item_string(cv, "disk", var->val->items[k])))
            continue;
        nd = realloc(dc->disks, sizeof(*nd) * (size_t)(dc->num_disks + 1));
        if (!nd)
            return;
        dc->disks = nd;
        libxl_device_disk_init(&nd[dc->num_disks]);
        if (cfg_disk_from_spec(s, &nd[dc->num_disks], &shared, err,
                               sizeof(err), &at)) {
            libxl_device_disk_dispose(&nd[dc->num_disks]);
            spec_error(cv, var, var->val->items[k], at, err, 1);
            continue;
        }
        if (shared && cv->extra &&
            cfg_extra_set_shared(cv->extra, nd[dc->num_disks].vdev, 1))
            cfg_conv_error_at(cv, var->val->items[k], -1, 0,
                              "disk %s: cannot record its mode w!",
                              nd[dc->num_disks].vdev);
        dc->num_disks++;
    }
}

/* ---- vif ---- */

static void set_default_nic(libxl_device_nic *nic, const struct cfg_globals *g)
{
    if (g && g->default_vifscript)
        nic->script = strdup(g->default_vifscript);
    if (g && g->default_bridge)
        nic->bridge = strdup(g->default_bridge);
    if (g && g->default_gatewaydev)
        nic->gatewaydev = strdup(g->default_gatewaydev);
    if (g && g->default_vifbackend)
        nic->backend_domname = strdup(g->default_vifbackend);
}

static void replace(char **field, const char *val)
{
    free(*field);
    *field = strdup(val);
}

static int parse_mac(const char *s, libxl_mac *mac)
{
    unsigned long v;
    char *end;
    int k;

    for (k = 0; k < 6; k++) {
        if (!isxdigit((unsigned char)*s))
            return -1;
        v = strtoul(s, &end, 16);
        if (end - s > 2 || v > 255)
            return -1;
        (*mac)[k] = (uint8_t)v;
        if (k < 5 && *end != ':' && *end != '-')
            return -1;
        s = end + (k < 5);
    }
    return *s ? -1 : 0;
}

static int parse_ulong_field(const char *s, unsigned long max,
                             unsigned long *v)
{
    char *end;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    *v = strtoul(s, &end, 10);
    return (*end || errno || *v > max) ? -1 : 0;
}

static int nic_rate(const char *rate, libxl_device_nic *nic, char *err,
                    size_t errlen)
{
    struct cfg_xlu x;
    int rc;

    if (cfg_xlu_open(&x))
        return snprintf(err, errlen, "out of memory"), -1;
    rc = xlu_vif_parse_rate(x.cfg, rate, nic);
    if (rc) {
        const char *r = cfg_xlu_report(&x), *m = strstr(r, "in vif: ");

        snprintf(err, errlen, "%s", m ? m + 8 : *r ? r : "invalid rate");
    }
    cfg_xlu_close(&x);
    return rc ? -1 : 0;
}

/*
 * How a vif spec is read.  Outside a config (hot-plug, tests) every
 * problem is an error.  In a config, a field xl does not know is a
 * warning in both personalities (xl prints "unrecognized argument" and
 * goes on), and as xl a bad MAC or type is too, with what xl keeps of
 * it: as xm they stay errors.
 */
#define NIC_WARN_MAX 8

struct nic_read {
    int lenient;                   /* a config: collect warnings */
    int xm;                        /* xm's meaning of type=netfront */
    int nwarn;
    int warn_at[NIC_WARN_MAX];     /* offsets into the spec */
    char warn[NIC_WARN_MAX][160];
};

static void nic_warn(struct nic_read *r, int at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void nic_warn(struct nic_read *r, int at, const char *fmt, ...)
{
    va_list ap;

    if (r->nwarn == NIC_WARN_MAX)
        return;                    /* enough said about one spec */
    va_start(ap, fmt);
    vsnprintf(r->warn[r->nwarn], sizeof(r->warn[0]), fmt, ap);
    va_end(ap);
    r->warn_at[r->nwarn++] = at;
}

/* xl's MAC reading: six hex numbers, each at most 255, one separator
 * character after each; the bytes read before a bad one stay set. */
static int mac_like_xl(const char *s, libxl_mac *mac)
{
    unsigned long v;
    char *end;
    int k;

    for (k = 0; k < 6; k++) {
        v = strtoul(s, &end, 16);
        if (end == s || v > 255)
            return -1;
        (*mac)[k] = (uint8_t)v;
        if (k < 5 && !*end)
            return -1;
        s = end + 1;
    }
    return 0;
}

static int nic_type(libxl_device_nic *nic, const char *val,
                    struct nic_read *r, char *err, size_t errlen)
{
    if (!strcmp(val, "vif") || (r->xm && !strcmp(val, "netfront")))
        nic->nictype = LIBXL_NIC_TYPE_VIF;
    else if (!strcmp(val, "ioemu"))
        nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
    else if (r->lenient && !r->xm)
        nic_warn(r, 0, "vif type \"%s\" is ignored, as xl ignores it (xl "
                 "knows vif and ioemu%s)", val, strcmp(val, "netfront") ? ""
                 : "; xm reads netfront as vif");
    else
        return snprintf(err, errlen, "invalid vif type \"%s\" (vif or "
                        "ioemu)", val), -1;
    return 0;
}

static int nic_mac(libxl_device_nic *nic, const char *val,
                   struct nic_read *r, char *err, size_t errlen)
{
    if (parse_mac(val, &nic->mac) == 0)
        return 0;
    if (!r->lenient || r->xm)
        return snprintf(err, errlen, "invalid MAC address \"%s\"", val), -1;
    memset(nic->mac, 0, sizeof(nic->mac));
    mac_like_xl(val, &nic->mac);
    nic_warn(r, 0, "invalid MAC address \"%s\": only what xl reads of it "
             "is kept", val);
    return 0;
}

/* One "key=value" field of a vif spec; -1 with a message on error. */
static int nic_field(libxl_device_nic *nic, const char *key, const char *val,
                     struct nic_read *r, char *err, size_t errlen)
{
    unsigned long u;

    if (!strcmp(key, "type")) {
        return nic_type(nic, val, r, err, errlen);
    } else if (!strcmp(key, "mac")) {
        return nic_mac(nic, val, r, err, errlen);
    } else if (!strcmp(key, "bridge")) {
        replace(&nic->bridge, val);
    } else if (!strcmp(key, "netdev") || !strcmp(key, "gatewaydev")) {
        replace(&nic->gatewaydev, val);
    } else if (!strcmp(key, "ip")) {
        replace(&nic->ip, val);
    } else if (!strcmp(key, "script")) {
        replace(&nic->script, val);
    } else if (!strcmp(key, "backend")) {
        replace(&nic->backend_domname, val);
    } else if (!strcmp(key, "vifname")) {
        replace(&nic->ifname, val);
    } else if (!strcmp(key, "model")) {
        replace(&nic->model, val);
    } else if (!strcmp(key, "rate")) {
        return nic_rate(val, nic, err, errlen);
    } else if (!strcmp(key, "devid") || !strcmp(key, "mtu")) {
        if (parse_ulong_field(val, INT_MAX, &u))
            return snprintf(err, errlen, "invalid %s \"%s\"", key, val), -1;
        if (key[0] == 'd')
            nic->devid = (libxl_devid)u;
        else
            nic->mtu = (unsigned int)u;
    } else if (r->lenient) {
        nic_warn(r, 0, "unknown vif field '%s'; ignored, as xl does", key);
    } else {
        return snprintf(err, errlen, "unknown vif field '%s'", key), -1;
    }
    return 0;
}

/* A field without '=': xl's two flags, else unknown. */
static int nic_flag(libxl_device_nic *nic, const char *tok,
                    struct nic_read *r, char *err, size_t errlen)
{
    if (!strcmp(tok, "trusted") || !strcmp(tok, "untrusted")) {
        libxl_defbool_set(&nic->trusted, tok[0] == 't');
        return 0;
    }
    if (r->lenient) {
        nic_warn(r, 0, "'%s' is not a vif field; ignored, as xl does", tok);
        return 0;
    }
    return snprintf(err, errlen, "'%s' is not a key=value field", tok), -1;
}

static int nic_from_spec(const char *spec, const struct cfg_globals *g,
                         libxl_device_nic *nic, struct nic_read *r,
                         char *err, size_t errlen, int *at_r)
{
    char *s = strdup(spec), *tok, *save = NULL, *eq;
    int w0, rc = -1;

    *at_r = -1;
    if (!s)
        return snprintf(err, errlen, "out of memory"), -1;
    set_default_nic(nic, g);
    for (tok = strtok_r(s, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        eq = strchr(tok, '=');
        if (!eq && !strcmp(tok, ""))
            continue;
        *at_r = (int)(tok - s);
        w0 = r->nwarn;
        if (eq)
            *eq = '\0';
        if (eq && !strcmp(tok, "accel"))
            continue;                  /* xl ignores it too */
        if (eq ? nic_field(nic, tok, eq + 1, r, err, errlen)
               : nic_flag(nic, tok, r, err, errlen))
            goto out;
        for (; w0 < r->nwarn; w0++)
            r->warn_at[w0] = *at_r;
    }
    *at_r = -1;
    rc = 0;
out:
    free(s);
    return rc;
}

int cfg_nic_from_spec(const char *spec, const struct cfg_globals *g,
                      libxl_device_nic *nic, char *err, size_t errlen,
                      int *at_r)
{
    struct nic_read r;

    memset(&r, 0, sizeof(r));
    r.xm = 1;                          /* outside a config: strict */
    return nic_from_spec(spec, g, nic, &r, err, errlen, at_r);
}

int cfg_nic_parse(int nspecs, const char *const *specs,
                  const struct cfg_globals *g, libxl_device_nic *nic,
                  char *err, size_t errlen)
{
    char *spec = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&spec, &len);
    int i, at, rc;

    if (!f)
        return snprintf(err, errlen, "out of memory"), -1;
    for (i = 0; i < nspecs; i++) {
        /* Each word is one field: a comma would start another. */
        if (strchr(specs[i], ',')) {
            fclose(f);
            free(spec);
            return snprintf(err, errlen, "'%s' has a comma: give one "
                            "key=value a word", specs[i]), -1;
        }
        fprintf(f, "%s%s", i ? "," : "", specs[i]);
    }
    if (fclose(f))
        return free(spec), snprintf(err, errlen, "out of memory"), -1;
    rc = cfg_nic_from_spec(spec, g, nic, err, errlen, &at);
    free(spec);
    return rc;
}

void cfg_conv_nics(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    struct cfg_var *var;
    libxl_device_nic *nn;
    const char *s;
    struct nic_read r;
    char err[256];
    int k, at, w;

    if (cfg_conv_list(cv, "vif", &var) <= 0)
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!(s = item_string(cv, "vif", var->val->items[k])))
            continue;
        nn = realloc(dc->nics, sizeof(*nn) * (size_t)(dc->num_nics + 1));
        if (!nn)
            return;
        dc->nics = nn;
        libxl_device_nic_init(&nn[dc->num_nics]);
        nn[dc->num_nics].devid = dc->num_nics;
        memset(&r, 0, sizeof(r));
        r.lenient = 1;
        r.xm = cv->g->xm_mode;
        if (nic_from_spec(s, cv->g, &nn[dc->num_nics], &r, err, sizeof(err),
                          &at))
            spec_error(cv, var, var->val->items[k], at, err, 0);
        for (w = 0; w < r.nwarn; w++)
            cfg_conv_warn_at(cv, var->val->items[k], r.warn_at[w],
                             (int)strcspn(s + r.warn_at[w], ","), "%s",
                             r.warn[w]);
        dc->num_nics++;
    }
}

/* ---- pci ---- */

static int pci_option(struct cfg_conv *cv, const char *key)
{
    long l = 0;

    cfg_conv_long(cv, key, LONG_MIN, LONG_MAX, &l);
    return l != 0;
}

/*
 * Checks a pci spec against the grammar of xl.cfg(5) before libxlutil
 * sees it: libxlutil 4.17 reads past the end of some malformed specs.
 * Returns NULL when the spec is well formed, else what is wrong.
 */
static const char *pci_spec_problem(const char *spec)
{
    static const char *const keys[] = {
        "bdf", "vslot", "permissive", "msitranslate", "seize", "power_mgmt",
        "rdm_policy", "name", NULL,
    };
    static const char bdf_re[] = "^([0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:"
                                 "[0-9a-fA-F]{1,2}\\.([0-7]|\\*)"
                                 "(@[0-9a-fA-F]{1,2})?$";
    const char *problem = NULL;
    char *dup = strdup(spec), *tok, *save = NULL, *eq;
    regex_t re;
    int k, first = 1;

    if (!dup || regcomp(&re, bdf_re, REG_EXTENDED | REG_NOSUB)) {
        free(dup);
        return "out of memory";
    }
    for (tok = strtok_r(dup, ",", &save); tok && !problem;
         tok = strtok_r(NULL, ",", &save), first = 0) {
        eq = strchr(tok, '=');
        if (!eq) {
            if (!first || regexec(&re, tok, 0, NULL, 0))
                problem = "expected [DDDD:]BB:DD.F[@VSLOT] first, then "
                          "key=value options";
            continue;
        }
        *eq = '\0';
        for (k = 0; keys[k] && strcmp(keys[k], tok); k++)
            ;
        if (!keys[k])
            problem = "unknown option (bdf, vslot, permissive, msitranslate, "
                      "seize, power_mgmt, rdm_policy, name)";
        else if (!eq[1] || strspn(eq + 1, "abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                  "_-.:@*") != strlen(eq + 1))
            problem = "invalid option value";
        else if (!strcmp(tok, "bdf") && regexec(&re, eq + 1, 0, NULL, 0))
            problem = "invalid bdf";
    }
    if (!tok && first && !problem)
        problem = "empty spec";
    regfree(&re);
    free(dup);
    return problem;
}

void cfg_conv_pcis(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    int msi = pci_option(cv, "pci_msitranslate");
    int pm = pci_option(cv, "pci_power_mgmt");
    int perm = pci_option(cv, "pci_permissive");
    int seize = pci_option(cv, "pci_seize");
    struct cfg_var *var;
    libxl_device_pci *np, *pci;
    struct cfg_xlu x;
    const char *s, *why;
    int k;

    if (cfg_conv_list(cv, "pci", &var) <= 0 || cfg_xlu_open(&x))
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!(s = item_string(cv, "pci", var->val->items[k])))
            continue;
        if ((why = pci_spec_problem(s))) {
            cfg_conv_error_at(cv, var->val->items[k], -1, 0,
                              "invalid pci spec \"%s\": %s", s, why);
            continue;
        }
        np = realloc(dc->pcidevs, sizeof(*np) * (size_t)(dc->num_pcidevs + 1));
        if (!np)
            break;
        dc->pcidevs = np;
        pci = &np[dc->num_pcidevs];
        libxl_device_pci_init(pci);
        pci->msitranslate = msi;
        pci->power_mgmt = pm;
        pci->permissive = perm;
        pci->seize = seize;
        pci->rdm_policy = dc->b_info.u.hvm.rdm.policy;
        if (xlu_pci_parse_spec_string(x.cfg, pci, s)) {
            libxl_device_pci_dispose(pci);
            cfg_conv_error_at(cv, var->val->items[k], -1, 0,
                              "invalid pci spec \"%s\"", s);
            continue;
        }
        dc->num_pcidevs++;
    }
    cfg_xlu_close(&x);
    if (dc->num_pcidevs && dc->c_info.type == LIBXL_DOMAIN_TYPE_PV)
        libxl_defbool_set(&dc->b_info.u.pv.e820_host, true);
}

/* ---- vfb ---- */

int cfg_conv_add_vfb(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    libxl_device_vfb *nf;
    libxl_device_vkb *nk;

    nf = realloc(dc->vfbs, sizeof(*nf) * (size_t)(dc->num_vfbs + 1));
    if (!nf)
        return -1;
    dc->vfbs = nf;
    nk = realloc(dc->vkbs, sizeof(*nk) * (size_t)(dc->num_vkbs + 1));
    if (!nk)
        return -1;
    dc->vkbs = nk;
    libxl_device_vfb_init(&nf[dc->num_vfbs]);
    nf[dc->num_vfbs].devid = dc->num_vfbs;
    dc->num_vfbs++;
    libxl_device_vkb_init(&nk[dc->num_vkbs]);
    nk[dc->num_vkbs].devid = dc->num_vkbs;
    dc->num_vkbs++;
    return 0;
}

static int vfb_bool(const char *val, libxl_defbool *b)
{
    unsigned long u;

    if (parse_ulong_field(val, INT_MAX, &u))
        return -1;
    libxl_defbool_set(b, u != 0);
    return 0;
}

/* xm's "type=vnc" / "type=sdl"; xl reads no type field and ignores it. */
static int vfb_type(struct cfg_conv *cv, libxl_device_vfb *vfb,
                    const struct cfg_value *it, int at, const char *val)
{
    if (strcmp(val, "vnc") && strcmp(val, "sdl"))
        return -1;
    if (!cv->g->xm_mode) {
        cfg_conv_warn_at(cv, it, at, 5 + (int)strlen(val), "vfb field "
                         "'type=%s' is ignored, as xl ignores it (xm reads "
                         "it as %s=1)", val, val);
        return 0;
    }
    libxl_defbool_set(val[0] == 'v' ? &vfb->vnc.enable : &vfb->sdl.enable,
                      true);
    return 0;
}

static int vfb_field(libxl_device_vfb *vfb, const char *key, const char *val)
{
    unsigned long u;

    if (!strcmp(key, "vnc"))
        return vfb_bool(val, &vfb->vnc.enable);
    else if (!strcmp(key, "vnclisten"))
        replace(&vfb->vnc.listen, val);
    else if (!strcmp(key, "vncpasswd"))
        replace(&vfb->vnc.passwd, val);
    else if (!strcmp(key, "vncdisplay")) {
        if (parse_ulong_field(val, INT_MAX, &u))
            return -1;
        vfb->vnc.display = (int)u;
    } else if (!strcmp(key, "vncunused"))
        return vfb_bool(val, &vfb->vnc.findunused);
    else if (!strcmp(key, "keymap"))
        replace(&vfb->keymap, val);
    else if (!strcmp(key, "sdl"))
        return vfb_bool(val, &vfb->sdl.enable);
    else if (!strcmp(key, "opengl"))
        return vfb_bool(val, &vfb->sdl.opengl);
    else if (!strcmp(key, "display"))
        replace(&vfb->sdl.display, val);
    else if (!strcmp(key, "xauthority"))
        replace(&vfb->sdl.xauthority, val);
    else
        return -1;
    return 0;
}

static void vfb_item(struct cfg_conv *cv, const struct cfg_value *it)
{
    libxl_device_vfb *vfb = &cv->dc->vfbs[cv->dc->num_vfbs - 1];
    char *s = strdup(it->s), *tok, *save = NULL, *eq;

    for (tok = s ? strtok_r(s, ",", &save) : NULL; tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        eq = strchr(tok, '=');
        if (eq)
            *eq = '\0';
        if (eq && !strcmp(tok, "type")) {
            if (vfb_type(cv, vfb, it, (int)(tok - s), eq + 1) == 0)
                continue;
        } else if (eq && vfb_field(vfb, tok, eq + 1) == 0) {
            continue;
        }
        cfg_conv_error_at(cv, it, (int)(tok - s),
                          (int)strlen(tok) + (eq ? 1 + (int)strlen(eq + 1)
                                                 : 0),
                          eq ? "invalid vfb field '%s'"
                             : "'%s' is not a key=value field", tok);
        break;
    }
    free(s);
}

void cfg_conv_vfbs(struct cfg_conv *cv)
{
    struct cfg_var *var;
    int k;

    if (cfg_conv_list(cv, "vfb", &var) <= 0)
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!item_string(cv, "vfb", var->val->items[k]) ||
            cfg_conv_add_vfb(cv))
            continue;
        vfb_item(cv, var->val->items[k]);
    }
}
