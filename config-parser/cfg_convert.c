/*
 * cfg_convert.c - turns the evaluated config into libxl_domain_config the
 * way xl's parser fills it (same fields, same defaults, same order of
 * precedence), with typed checks that report at the line of the key.
 * Device families live in cfg_devices.c; this file handles the domain.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

static const struct cfg_src cmdline_src = { "<command line>", NULL, 0 };

struct cfg_var *cfg_conv_get(struct cfg_conv *cv, const char *key)
{
    struct cfg_var *var = cfg_env_find(cv->env, key);

    if (var)
        var->consumed = 1;
    if (var && var->val && var->val->type == CFG_V_NONE)
        return NULL;                      /* xm: None means "not set" */
    return var;
}

static void conv_vdiag(struct cfg_conv *cv, enum cfg_severity sev,
                       const struct cfg_var *var, const char *fmt,
                       va_list ap)
{
    const struct cfg_value *v = var ? var->val : NULL;

    if (!var)
        cfg_diag_vadd(cv->diags, sev, cv->src, 0, 0, 0, fmt, ap);
    else if (var->from_cmdline)
        cfg_diag_vadd(cv->diags, sev, &cmdline_src, 0, 0, 0, fmt, ap);
    else if (v && v->line > 0)
        cfg_diag_vadd(cv->diags, sev, cv->src, v->line, v->col, v->len, fmt,
                      ap);
    else
        cfg_diag_vadd(cv->diags, sev, cv->src, var->line, var->col,
                      var->len, fmt, ap);
}

void cfg_conv_error(struct cfg_conv *cv, const struct cfg_var *var,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conv_vdiag(cv, CFG_ERROR, var, fmt, ap);
    va_end(ap);
}

void cfg_conv_warn(struct cfg_conv *cv, const struct cfg_var *var,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conv_vdiag(cv, CFG_WARNING, var, fmt, ap);
    va_end(ap);
}

/* A diagnostic about part of a string value: underlines
 * text[off..off+len) when the string is written plainly, else the whole
 * value. */
static void conv_vdiag_at(struct cfg_conv *cv, enum cfg_severity sev,
                          const struct cfg_value *v, int off, int len,
                          const char *fmt, va_list ap)
{
    int line = v->line, col = v->col, l = v->len;

    if (v->exact && off >= 0) {
        col = v->text_col + off;
        l = len > 0 ? len : 1;
    }
    cfg_diag_vadd(cv->diags, sev, line > 0 ? cv->src : &cmdline_src,
                  line, col, l, fmt, ap);
}

void cfg_conv_error_at(struct cfg_conv *cv, const struct cfg_value *v,
                       int off, int len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conv_vdiag_at(cv, CFG_ERROR, v, off, len, fmt, ap);
    va_end(ap);
}

void cfg_conv_warn_at(struct cfg_conv *cv, const struct cfg_value *v,
                      int off, int len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    conv_vdiag_at(cv, CFG_WARNING, v, off, len, fmt, ap);
    va_end(ap);
}

int cfg_conv_string(struct cfg_conv *cv, const char *key, const char **s_r)
{
    struct cfg_var *var = cfg_conv_get(cv, key);
    struct cfg_value *v;
    char *s;

    if (!var)
        return 0;
    v = var->val;
    if (!v)
        return -1;
    if (v->type == CFG_V_INT) {             /* xl reads 512 as "512" */
        if (asprintf(&s, "%lld", (long long)v->i) < 0)
            return -1;
        v->type = CFG_V_STR;
        v->s = s;
    }
    if (v->type != CFG_V_STR) {
        cfg_conv_error(cv, var, "'%s' must be a string, not %s", key,
                       cfg_value_kind(v));
        return -1;
    }
    *s_r = v->s;
    return 1;
}

/* Reads a whole string as a number the way xl does (C syntax: decimal,
 * 0x hex, 0 octal; leading blanks allowed, nothing after the digits). */
static int string_to_long(const char *s, long *l_r)
{
    char *end;
    long l;

    errno = 0;
    l = strtol(s, &end, 0);
    if (end == s || errno)
        return -1;
    if (*end)
        return -1;
    *l_r = l;
    return 0;
}

int cfg_conv_long(struct cfg_conv *cv, const char *key, long min, long max,
                  long *l_r)
{
    struct cfg_var *var = cfg_conv_get(cv, key);
    struct cfg_value *v;
    long l;

    if (!var)
        return 0;
    v = var->val;
    if (!v)
        return -1;
    if (v->type == CFG_V_INT || v->type == CFG_V_BOOL) {
        l = (long)v->i;
    } else if (v->type == CFG_V_STR) {
        if (string_to_long(v->s, &l)) {
            cfg_conv_error(cv, var, "'%s' must be a number, not the string "
                           "\"%s\"", key, v->s);
            return -1;
        }
    } else {
        cfg_conv_error(cv, var, "'%s' must be a number, not %s", key,
                       cfg_value_kind(v));
        return -1;
    }
    if (l < min || l > max) {
        cfg_conv_error(cv, var, "'%s' must be between %ld and %ld, not %ld",
                       key, min, max, l);
        return -1;
    }
    *l_r = l;
    return 1;
}

int cfg_conv_list(struct cfg_conv *cv, const char *key,
                  struct cfg_var **var_r)
{
    struct cfg_var *var = cfg_conv_get(cv, key);

    if (!var)
        return 0;
    if (!var->val)
        return -1;
    if (var->val->type != CFG_V_LIST && var->val->type != CFG_V_TUPLE) {
        cfg_conv_error(cv, var, "'%s' must be a list, not %s", key,
                       cfg_value_kind(var->val));
        return -1;
    }
    *var_r = var;
    return 1;
}

/* ---- keys that map straight onto one field ---- */

enum kkind { K_BOOL, K_STR, K_INT, K_U32, K_MB, K_STRLIST };
#define T_PV  1
#define T_HVM 2
#define T_PVH 4
#define T_ALL 7
#define F(m) offsetof(libxl_domain_config, m)

struct simple_key {
    const char *key;
    enum kkind kind;
    int types;
    size_t off;
};

static const struct simple_key simple_keys[] = {
    { "hap", K_BOOL, T_ALL, F(c_info.hap) },
    { "oos", K_BOOL, T_ALL, F(c_info.oos) },
    { "pool", K_STR, T_ALL, F(c_info.pool_name) },
    { "driver_domain", K_BOOL, T_ALL, F(c_info.driver_domain) },
    { "xend_suspend_evtchn_compat", K_BOOL, T_ALL,
      F(c_info.xend_suspend_evtchn_compat) },
    { "cpu_weight", K_INT, T_ALL, F(b_info.sched_params.weight) },
    { "cap", K_INT, T_ALL, F(b_info.sched_params.cap) },
    { "period", K_INT, T_ALL, F(b_info.sched_params.period) },
    { "slice", K_INT, T_ALL, F(b_info.sched_params.slice) },
    { "latency", K_INT, T_ALL, F(b_info.sched_params.latency) },
    { "extratime", K_INT, T_ALL, F(b_info.sched_params.extratime) },
    { "shadow_memory", K_MB, T_ALL, F(b_info.shadow_memkb) },
    { "nomigrate", K_BOOL, T_ALL, F(b_info.disable_migrate) },
    { "rtc_timeoffset", K_U32, T_ALL, F(b_info.rtc_timeoffset) },
    { "localtime", K_BOOL, T_ALL, F(b_info.localtime) },
    { "videoram", K_MB, T_ALL, F(b_info.video_memkb) },
    { "max_event_channels", K_U32, T_ALL, F(b_info.event_channels) },
    { "kernel", K_STR, T_ALL, F(b_info.kernel) },
    { "ramdisk", K_STR, T_ALL, F(b_info.ramdisk) },
    { "device_tree", K_STR, T_ALL, F(b_info.device_tree) },
    { "acpi", K_BOOL, T_ALL, F(b_info.acpi) },
    { "bootloader", K_STR, T_ALL, F(b_info.bootloader) },
    { "nestedhvm", K_BOOL, T_ALL, F(b_info.nested_hvm) },
    { "device_model_override", K_STR, T_ALL, F(b_info.device_model) },
    { "device_model_stubdomain_override", K_BOOL, T_ALL,
      F(b_info.device_model_stubdomain) },
    { "device_model_user", K_STR, T_ALL, F(b_info.device_model_user) },
    { "stubdomain_kernel", K_STR, T_ALL, F(b_info.stubdomain_kernel) },
    { "stubdomain_ramdisk", K_STR, T_ALL, F(b_info.stubdomain_ramdisk) },
    { "stubdomain_memory", K_MB, T_ALL, F(b_info.stubdomain_memkb) },
    { "device_model_args", K_STRLIST, T_ALL, F(b_info.extra) },
    { "device_model_args_pv", K_STRLIST, T_ALL, F(b_info.extra_pv) },
    { "device_model_args_hvm", K_STRLIST, T_ALL, F(b_info.extra_hvm) },
    { "dm_restrict", K_BOOL, T_ALL, F(b_info.dm_restrict) },
    { "e820_host", K_BOOL, T_PV, F(b_info.u.pv.e820_host) },
    { "firmware_override", K_STR, T_HVM, F(b_info.u.hvm.firmware) },
    { "bios_path_override", K_STR, T_HVM, F(b_info.u.hvm.system_firmware) },
    { "pae", K_BOOL, T_HVM, F(b_info.u.hvm.pae) },
    { "acpi_s3", K_BOOL, T_HVM, F(b_info.u.hvm.acpi_s3) },
    { "acpi_s4", K_BOOL, T_HVM, F(b_info.u.hvm.acpi_s4) },
    { "acpi_laptop_slate", K_BOOL, T_HVM, F(b_info.u.hvm.acpi_laptop_slate) },
    { "nx", K_BOOL, T_HVM, F(b_info.u.hvm.nx) },
    { "hpet", K_BOOL, T_HVM, F(b_info.u.hvm.hpet) },
    { "vpt_align", K_BOOL, T_HVM, F(b_info.u.hvm.vpt_align) },
    { "apic", K_BOOL, T_HVM, F(b_info.apic) },
    { "smbios_firmware", K_STR, T_HVM, F(b_info.u.hvm.smbios_firmware) },
    { "acpi_firmware", K_STR, T_HVM, F(b_info.u.hvm.acpi_firmware) },
    { "rdm_mem_boundary", K_MB, T_HVM,
      F(b_info.u.hvm.rdm_mem_boundary_memkb) },
    { "spice", K_BOOL, T_HVM, F(b_info.u.hvm.spice.enable) },
    { "spiceport", K_INT, T_HVM, F(b_info.u.hvm.spice.port) },
    { "spicetls_port", K_INT, T_HVM, F(b_info.u.hvm.spice.tls_port) },
    { "spicehost", K_STR, T_HVM, F(b_info.u.hvm.spice.host) },
    { "spicedisable_ticketing", K_BOOL, T_HVM,
      F(b_info.u.hvm.spice.disable_ticketing) },
    { "spicepasswd", K_STR, T_HVM, F(b_info.u.hvm.spice.passwd) },
    { "spiceagent_mouse", K_BOOL, T_HVM, F(b_info.u.hvm.spice.agent_mouse) },
    { "spicevdagent", K_BOOL, T_HVM, F(b_info.u.hvm.spice.vdagent) },
    { "spice_clipboard_sharing", K_BOOL, T_HVM,
      F(b_info.u.hvm.spice.clipboard_sharing) },
    { "spiceusbredirection", K_INT, T_HVM,
      F(b_info.u.hvm.spice.usbredirection) },
    { "spice_image_compression", K_STR, T_HVM,
      F(b_info.u.hvm.spice.image_compression) },
    { "spice_streaming_video", K_STR, T_HVM,
      F(b_info.u.hvm.spice.streaming_video) },
    { "nographic", K_BOOL, T_HVM, F(b_info.u.hvm.nographic) },
    { "boot", K_STR, T_HVM, F(b_info.u.hvm.boot) },
    { "usb", K_BOOL, T_HVM, F(b_info.u.hvm.usb) },
    { "usbversion", K_INT, T_HVM, F(b_info.u.hvm.usbversion) },
    { "vkb_device", K_BOOL, T_HVM, F(b_info.u.hvm.vkb_device) },
    { "soundhw", K_STR, T_HVM, F(b_info.u.hvm.soundhw) },
    { "xen_platform_pci", K_BOOL, T_HVM, F(b_info.u.hvm.xen_platform_pci) },
    { NULL, K_BOOL, 0, 0 },
};

static int type_bit(libxl_domain_type t)
{
    return t == LIBXL_DOMAIN_TYPE_HVM ? T_HVM
         : t == LIBXL_DOMAIN_TYPE_PVH ? T_PVH : T_PV;
}

int cfg_conv_strlist_key(struct cfg_conv *cv, const char *key,
                        libxl_string_list *sl)
{
    struct cfg_var *var;
    int k, rc = cfg_conv_list(cv, key, &var);

    if (rc <= 0)
        return rc;
    libxl_string_list_dispose(sl);
    *sl = calloc((size_t)var->val->n + 1, sizeof(char *));
    if (!*sl)
        return -1;
    for (k = 0; k < var->val->n; k++) {
        const struct cfg_value *it = var->val->items[k];

        if (it->type != CFG_V_STR) {
            cfg_conv_error_at(cv, it, -1, 0, "'%s' items must be strings, "
                              "not %s", key, cfg_value_kind(it));
            return -1;
        }
        (*sl)[k] = strdup(it->s);
    }
    return 1;
}

static void apply_simple(struct cfg_conv *cv, const struct simple_key *sk)
{
    char *base = (char *)cv->dc + sk->off;
    const char *s;
    long l;
    struct cfg_var *var;

    if (!(sk->types & type_bit(cv->dc->c_info.type))) {
        var = cfg_conv_get(cv, sk->key);
        if (var && var->val)
            cfg_conv_warn(cv, var, "'%s' applies only to %s guests; "
                          "ignored", sk->key, sk->types == T_PV ? "PV"
                          : "HVM");
        return;
    }
    switch (sk->kind) {
    case K_BOOL:
        if (cfg_conv_long(cv, sk->key, LONG_MIN, LONG_MAX, &l) > 0)
            libxl_defbool_set((libxl_defbool *)base, l != 0);
        break;
    case K_STR:
        if (cfg_conv_string(cv, sk->key, &s) > 0) {
            free(*(char **)base);
            *(char **)base = strdup(s);
        }
        break;
    case K_INT:
        if (cfg_conv_long(cv, sk->key, INT_MIN, INT_MAX, &l) > 0)
            *(int *)base = (int)l;
        break;
    case K_U32:
        if (cfg_conv_long(cv, sk->key, 0, UINT32_MAX, &l) > 0)
            *(uint32_t *)base = (uint32_t)l;
        break;
    case K_MB:
        if (cfg_conv_long(cv, sk->key, 0, LONG_MAX / 1024, &l) > 0)
            *(uint64_t *)base = (uint64_t)l * 1024;
        break;
    case K_STRLIST:
        cfg_conv_strlist_key(cv, sk->key, (libxl_string_list *)base);
        break;
    }
}

void cfg_conv_simple(struct cfg_conv *cv)
{
    const struct simple_key *sk;

    for (sk = simple_keys; sk->key; sk++)
        apply_simple(cv, sk);
}
