/*
 * cfg_keys.c - the keys xl reads into libxl's less common fields: the
 * security labels (seclabel, init_seclabel, device_model_stubdomain_
 * seclabel), passthrough, cpuid (libxl's own parsers for both of its
 * forms), channel, usbctrl and usbdev.  Each is read as xl 4.17 reads
 * it, down to what xl only complains about and goes on (cpuid, an
 * unknown channel parameter): those are warnings here, and what xl
 * refuses is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* With init_seclabel the domain is built under that label and moves to
 * seclabel's when it starts (xl's reading). */
static void conv_seclabels(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    const char *label = NULL, *init = NULL, *dm = NULL;

    if (cfg_conv_string(cv, "seclabel", &label) < 0 ||
        cfg_conv_string(cv, "init_seclabel", &init) < 0 ||
        cfg_conv_string(cv, "device_model_stubdomain_seclabel", &dm) < 0)
        return;
    if (init) {
        dc->c_info.ssid_label = strdup(init);
        dc->b_info.exec_ssid_label = dup_or_null(label);
    } else {
        dc->c_info.ssid_label = dup_or_null(label);
    }
    dc->b_info.device_model_ssid_label = dup_or_null(dm);
}

static void conv_passthrough(struct cfg_conv *cv)
{
    const char *s;

    if (cfg_conv_string(cv, "passthrough", &s) > 0 &&
        libxl_passthrough_from_string(s, &cv->dc->c_info.passthrough))
        cfg_conv_error(cv, cfg_env_find(cv->env, "passthrough"),
                       "unknown passthrough option \"%s\" (default, "
                       "disabled, enabled, sync_pt or share_pt)", s);
}

static const char *cpuid_xend_error(int e)
{
    static const char *const msg[] = {
        NULL, "illegal leaf number", "illegal subleaf number",
        "missing colon", "invalid register name (must be e[abcd]x)",
        "policy string must be exactly 32 characters long",
    };

    return e > 0 && e < 6 ? msg[e] : "unknown error";
}

static const char *cpuid_flag_error(int e)
{
    static const char *const msg[] = {
        NULL, "missing \"=\" in key=value pair", "unknown CPUID flag name",
        "illegal CPUID value (must be: [0|1|x|k|s])",
    };

    return e > 0 && e < 4 ? msg[e] : "unknown error";
}

/* xend's list form: "leaf[,subleaf]:eax=...,ebx=..." per item. */
static void cpuid_list(struct cfg_conv *cv, const struct cfg_value *v)
{
    libxl_cpuid_policy_list *cp = &cv->dc->b_info.cpuid;
    int k, e;

    for (k = 0; k < v->n; k++) {
        const struct cfg_value *it = v->items[k];

        if (it->type != CFG_V_STR)
            break;              /* xl reads the list up to a non-string */
        e = libxl_cpuid_parse_config_xend(cp, it->s);
        if (e)
            cfg_conv_warn_at(cv, it, -1, 0, "CPUID line \"%s\" ignored, as "
                             "xl ignores it: %s", it->s,
                             cpuid_xend_error(e));
    }
}

/* libxl's form: "host" then flag=value items. */
static void cpuid_string(struct cfg_conv *cv, struct cfg_var *var,
                         const char *s)
{
    char *dup = strdup(s), *p, *save = NULL;
    int e;

    if (!dup)
        return;
    p = strtok_r(dup, ",", &save);
    if (p && strcmp(p, "host")) {
        cfg_conv_warn(cv, var, "'cpuid' ignored, as xl ignores it: the "
                      "first word must be \"host\"");
        p = NULL;
    }
    while (p && (p = strtok_r(NULL, ",", &save))) {
        e = libxl_cpuid_parse_config(&cv->dc->b_info.cpuid, p);
        if (e)
            cfg_conv_warn(cv, var, "CPUID flag \"%s\" ignored, as xl "
                          "ignores it: %s", p, cpuid_flag_error(e));
    }
    free(dup);
}

static void conv_cpuid(struct cfg_conv *cv)
{
    struct cfg_var *var = cfg_conv_get(cv, "cpuid");
    const char *s;

    if (!var || !var->val)
        return;
    if (var->val->type == CFG_V_LIST || var->val->type == CFG_V_TUPLE)
        cpuid_list(cv, var->val);
    else if (cfg_conv_string(cv, "cpuid", &s) > 0)
        cpuid_string(cv, var, s);
}

void cfg_conv_keys(struct cfg_conv *cv)
{
    conv_seclabels(cv);
    conv_passthrough(cv);
    conv_cpuid(cv);
    cfg_conv_channels(cv);
    cfg_conv_usbctrls(cv);
    cfg_conv_usbdevs(cv);
}
