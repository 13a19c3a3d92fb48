/*
 * cfg_domain.c - the domain-wide keys whose meaning needs more than one
 * field: type and builder, name and uuid, memory and vcpus, CPU
 * affinity, shutdown actions, the kernel command line, the HVM options
 * with enumerations, top-level VNC/SDL, and the warnings for keys that
 * xm had and libxl cannot honour.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "cfg_int.h"


static void conv_type(struct cfg_conv *cv)
{
    libxl_domain_create_info *c = &cv->dc->c_info;
    libxl_domain_type bt = LIBXL_DOMAIN_TYPE_INVALID;
    const char *s;

    if (cfg_conv_string(cv, "type", &s) > 0) {
        if (!strcmp(s, "hvm"))
            c->type = LIBXL_DOMAIN_TYPE_HVM;
        else if (!strcmp(s, "pv"))
            c->type = LIBXL_DOMAIN_TYPE_PV;
        else if (!strcmp(s, "pvh"))
            c->type = LIBXL_DOMAIN_TYPE_PVH;
        else
            cfg_conv_error(cv, cfg_env_find(cv->env, "type"),
                           "invalid domain type \"%s\" (pv, pvh or hvm)", s);
    }
    if (cfg_conv_string(cv, "builder", &s) > 0) {
        if (!strcmp(s, "hvm"))
            bt = LIBXL_DOMAIN_TYPE_HVM;
        else if (!strcmp(s, "generic") || !strcmp(s, "linux"))
            bt = LIBXL_DOMAIN_TYPE_PV;       /* "linux" is xm's PV builder */
        else
            cfg_conv_error(cv, cfg_env_find(cv->env, "builder"),
                           "invalid builder \"%s\" (hvm, linux or generic)",
                           s);
        if (bt != LIBXL_DOMAIN_TYPE_INVALID &&
            c->type != LIBXL_DOMAIN_TYPE_INVALID && c->type != bt)
            cfg_conv_error(cv, cfg_env_find(cv->env, "builder"),
                           "'builder' contradicts 'type'");
        else if (bt != LIBXL_DOMAIN_TYPE_INVALID)
            c->type = bt;
    }
    if (c->type == LIBXL_DOMAIN_TYPE_INVALID)
        c->type = LIBXL_DOMAIN_TYPE_PV;
}

/* xm took a UUID with or without dashes; libxl wants 8-4-4-4-12. */
static int parse_uuid(const char *s, libxl_uuid *u)
{
    char hex[33], canon[37];
    int n = 0;

    for (; *s; s++) {
        if (*s == '-')
            continue;
        if (!isxdigit((unsigned char)*s) || n == 32)
            return -1;
        hex[n++] = *s;
    }
    if (n != 32)
        return -1;
    hex[32] = '\0';
    snprintf(canon, sizeof(canon), "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
             hex + 12, hex + 16, hex + 20);
    return libxl_uuid_from_string(u, canon);
}

static void conv_identity(struct cfg_conv *cv)
{
    libxl_domain_create_info *c = &cv->dc->c_info;
    const char *s;
    int rc;

    rc = cfg_conv_string(cv, "name", &s);
    if (rc > 0 && !*s)
        cfg_conv_error(cv, cfg_env_find(cv->env, "name"),
                       "'name' must not be empty");
    else if (rc > 0)
        c->name = strdup(s);
    else if (rc == 0)
        cfg_conv_error(cv, NULL, "no 'name' given: a domain needs a name");
    rc = cfg_conv_string(cv, "uuid", &s);
    if (rc > 0 && parse_uuid(s, &c->uuid))
        cfg_conv_error(cv, cfg_env_find(cv->env, "uuid"),
                       "invalid UUID \"%s\"", s);
    else if (rc == 0)
        libxl_uuid_generate(&c->uuid);
}

static int bitmap_alloc(libxl_bitmap *b, long nbits)
{
    libxl_bitmap_init(b);
    b->size = (uint32_t)((nbits + 7) / 8);
    b->map = calloc(b->size ? b->size : 1, 1);
    return b->map ? 0 : -1;
}

static void bitmap_set(libxl_bitmap *b, long bit)
{
    if (bit >= 0 && (uint64_t)bit < (uint64_t)b->size * 8)
        b->map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void conv_memory_vcpus(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    long l, vcpus = 0, k;

    if (cfg_conv_long(cv, "memory", 0, LONG_MAX / 1024, &l) > 0)
        b->target_memkb = (uint64_t)l * 1024;
    if (cfg_conv_long(cv, "maxmem", 0, LONG_MAX / 1024, &l) > 0)
        b->max_memkb = (uint64_t)l * 1024;
    if (cfg_conv_long(cv, "vcpus", 1, 4096, &l) > 0) {
        vcpus = l;
        if (bitmap_alloc(&b->avail_vcpus, l) == 0)
            for (k = 0; k < l; k++)
                bitmap_set(&b->avail_vcpus, k);
    }
    if (cfg_conv_long(cv, "maxvcpus", 1, 4096, &l) > 0)
        b->max_vcpus = (int)l;
    /* Before the defaults: the vnuma nodes may set both maxima. */
    cfg_conv_vnuma(cv);
    if (b->max_memkb == LIBXL_MEMKB_DEFAULT)
        b->max_memkb = b->target_memkb;
    if (b->max_vcpus == 0)
        b->max_vcpus = (int)vcpus;
    if (b->max_vcpus < vcpus)
        cfg_conv_error(cv, cfg_env_find(cv->env, "maxvcpus"),
                       "'maxvcpus' (%d) is less than 'vcpus' (%ld)",
                       b->max_vcpus, vcpus);
}

static int affinity_item(struct cfg_conv *cv, const struct cfg_value *v,
                         libxl_bitmap *map)
{
    char err[160], num[32];
    const char *s = v->s;

    if (v->type == CFG_V_INT) {
        snprintf(num, sizeof(num), "%lld", (long long)v->i);
        s = num;
    } else if (v->type != CFG_V_STR) {
        cfg_conv_error_at(cv, v, -1, 0, "a CPU list must be a string, not %s",
                          cfg_value_kind(v));
        return -1;
    }
    if (cfg_cpumap_parse(s, &cv->g->host, map, err, sizeof(err))) {
        cfg_conv_error_at(cv, v, -1, 0, "%s", err);
        return -1;
    }
    return 0;
}

static void conv_affinity(struct cfg_conv *cv, const char *key, int hard)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    struct cfg_var *var = cfg_conv_get(cv, key);
    const struct cfg_value *v = var ? var->val : NULL;
    libxl_bitmap *arr;
    int n, k, list;

    if (!v)
        return;
    list = v->type == CFG_V_LIST || v->type == CFG_V_TUPLE;
    n = list && v->n < b->max_vcpus ? v->n : b->max_vcpus;
    arr = calloc((size_t)(n ? n : 1), sizeof(*arr));
    if (!arr)
        return;
    for (k = 0; k < n; k++)
        libxl_bitmap_init(&arr[k]);
    if (hard) {
        b->vcpu_hard_affinity = arr;
        b->num_vcpu_hard_affinity = n;
    } else {
        b->vcpu_soft_affinity = arr;
        b->num_vcpu_soft_affinity = n;
    }
    if (!n && !list) {
        /* xl reads the string even for a domain without VCPUs: its
         * errors stop the config, its map is not kept. */
        libxl_bitmap tmp;

        libxl_bitmap_init(&tmp);
        affinity_item(cv, v, &tmp);
        libxl_bitmap_dispose(&tmp);
    }
    for (k = 0; k < n; k++) {
        const struct cfg_value *it = list ? v->items[k] : v;

        if (affinity_item(cv, it, &arr[k]))
            return;
        /* xl refuses a hard affinity that leaves a VCPU nowhere to run
         * (a soft one may be empty). */
        if (hard && libxl_bitmap_is_empty(&arr[k])) {
            cfg_conv_error_at(cv, it, -1, 0, "'%s' leaves VCPU %d no CPU "
                              "of this host to run on", key, k);
            return;
        }
    }
    if (list || !hard)
        libxl_defbool_set(&b->numa_placement, false);
}

static const char *const actions[] = {
    [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft-reset",
};

static void conv_action(struct cfg_conv *cv, const char *key,
                        const char *def, libxl_action_on_shutdown *a)
{
    const char *s = def;
    size_t k;

    if (cfg_conv_string(cv, key, &s) < 0)
        return;
    for (k = 0; k < sizeof(actions) / sizeof(actions[0]); k++) {
        if (actions[k] && !strcmp(actions[k], s)) {
            *a = (libxl_action_on_shutdown)k;
            return;
        }
    }
    cfg_conv_error(cv, cfg_env_find(cv->env, key),
                   "unknown %s action \"%s\" (destroy, restart, "
                   "rename-restart, preserve, coredump-destroy, "
                   "coredump-restart or soft-reset)", key, s);
}

static void conv_actions(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;

    conv_action(cv, "on_poweroff", "destroy", &dc->on_poweroff);
    conv_action(cv, "on_reboot", "restart", &dc->on_reboot);
    conv_action(cv, "on_watchdog", "destroy", &dc->on_watchdog);
    conv_action(cv, "on_crash", "destroy", &dc->on_crash);
    conv_action(cv, "on_soft_reset", "soft-reset", &dc->on_soft_reset);
}

static void conv_cmdline(struct cfg_conv *cv)
{
    const char *cmd = NULL, *root = NULL, *extra = NULL;
    char *out = NULL;
    int r;

    r = cfg_conv_string(cv, "cmdline", &cmd) < 0;
    r |= cfg_conv_string(cv, "root", &root) < 0;
    r |= cfg_conv_string(cv, "extra", &extra) < 0;
    if (r)
        return;
    if (cmd) {
        out = strdup(cmd);
        if (root || extra)
            cfg_conv_warn(cv, cfg_env_find(cv->env, "cmdline"),
                          "'root' and 'extra' are ignored in favour of "
                          "'cmdline'");
    } else if (root && extra) {
        if (asprintf(&out, "root=%s %s", root, extra) < 0)
            out = NULL;
    } else if (root) {
        if (asprintf(&out, "root=%s", root) < 0)
            out = NULL;
    } else if (extra) {
        out = strdup(extra);
    }
    cv->dc->b_info.cmdline = out;
}

static void conv_bootloader_args(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    const char *key = "bootloader_args";
    struct cfg_var *var = cfg_env_find(cv->env, key);
    char *dup, *t, *save = NULL;
    const char *s;
    int n = 0;

    if (!var && (var = cfg_env_find(cv->env, "bootargs")) &&
        !cv->g->xm_mode) {
        cfg_conv_get(cv, "bootargs");
        cfg_conv_warn(cv, var, "'bootargs' is ignored, as xl ignores it "
                      "(xm reads it as 'bootloader_args')");
        return;
    }
    if (var && !strcmp(var->name, "bootargs")) {
        key = "bootargs";
        cfg_conv_warn(cv, var, "'bootargs' is xm's name for "
                      "'bootloader_args'; read as 'bootloader_args'");
    }
    if (!var || !var->val || var->val->type == CFG_V_LIST ||
        var->val->type == CFG_V_TUPLE) {
        cfg_conv_strlist_key(cv, key, &b->bootloader_args);
        return;
    }
    if (cfg_conv_string(cv, key, &s) <= 0 || !(dup = strdup(s)))
        return;
    b->bootloader_args = calloc(strlen(s) / 2 + 2, sizeof(char *));
    for (t = strtok_r(dup, " \t\n", &save); t && b->bootloader_args;
         t = strtok_r(NULL, " \t\n", &save))
        b->bootloader_args[n++] = strdup(t);
    free(dup);
}

/* An enumeration read through libxl's own from_string. */
#define CONV_ENUM(cv, key, fn, field)                                       \
    do {                                                                    \
        const char *s_;                                                     \
        if (cfg_conv_string((cv), (key), &s_) > 0 && fn(s_, (field)))       \
            cfg_conv_error((cv), cfg_env_find((cv)->env, (key)),            \
                           "invalid value \"%s\" for '%s'", s_, (key));     \
    } while (0)

/* Keys that are a number in old configs and a name in new ones. */
static void conv_num_or_name(struct cfg_conv *cv, const char *key,
                             long min, long max, int *field,
                             int (*from_string)(const char *, int *))
{
    struct cfg_var *var = cfg_conv_get(cv, key);
    const char *s;
    long l;

    if (!var || !var->val)
        return;
    if (var->val->type == CFG_V_INT) {
        if (cfg_conv_long(cv, key, min, max, &l) > 0)
            *field = (int)l;
    } else if (cfg_conv_string(cv, key, &s) > 0 && from_string(s, field)) {
        cfg_conv_error(cv, var, "invalid value \"%s\" for '%s'", s, key);
    }
}

static int timer_from(const char *s, int *v)
{
    libxl_timer_mode m;
    int rc = libxl_timer_mode_from_string(s, &m);

    *v = (int)m;
    return rc;
}

static int tsc_from(const char *s, int *v)
{
    libxl_tsc_mode m;
    int rc = libxl_tsc_mode_from_string(s, &m);

    *v = (int)m;
    return rc;
}

static void conv_vga(struct cfg_conv *cv)
{
    libxl_vga_interface_info *vga = &cv->dc->b_info.u.hvm.vga;
    struct cfg_var *var;
    const char *s;
    long l;

    if (cfg_conv_string(cv, "vga", &s) > 0) {
        if (!strcmp(s, "stdvga"))
            vga->kind = LIBXL_VGA_INTERFACE_TYPE_STD;
        else if (!strcmp(s, "cirrus"))
            vga->kind = LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
        else if (!strcmp(s, "none"))
            vga->kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
        else if (!strcmp(s, "qxl"))
            vga->kind = LIBXL_VGA_INTERFACE_TYPE_QXL;
        else
            cfg_conv_error(cv, cfg_env_find(cv->env, "vga"),
                           "unknown vga \"%s\" (stdvga, cirrus, none, qxl)",
                           s);
        if ((var = cfg_env_find(cv->env, "stdvga")))
            var->consumed = 1;
    } else if (cfg_conv_long(cv, "stdvga", LONG_MIN, LONG_MAX, &l) > 0) {
        vga->kind = l ? LIBXL_VGA_INTERFACE_TYPE_STD
                      : LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
    }
}

/* serial and usbdevice: a list, or one string. */
static void conv_list_or_string(struct cfg_conv *cv, const char *key,
                                libxl_string_list *sl, char **str)
{
    struct cfg_var *var = cfg_conv_get(cv, key);
    const char *s;

    if (!var || !var->val)
        return;
    if (var->val->type == CFG_V_LIST || var->val->type == CFG_V_TUPLE)
        cfg_conv_strlist_key(cv, key, sl);
    else if (cfg_conv_string(cv, key, &s) > 0)
        *str = strdup(s);
}

static void conv_hvm_firmware(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    const char *s, *base;

    if (b->kernel) {
        base = strrchr(b->kernel, '/');
        base = base ? base + 1 : b->kernel;
        if (!strcmp(base, "hvmloader")) {
            cfg_conv_warn(cv, cfg_env_find(cv->env, "kernel"),
                          "'kernel' naming hvmloader is ignored: HVM "
                          "guests get their firmware from libxl (use "
                          "firmware_override for another one)");
            free(b->kernel);
            b->kernel = NULL;
        }
    }
    CONV_ENUM(cv, "bios", libxl_bios_type_from_string, &b->u.hvm.bios);
    if (cfg_conv_string(cv, "firmware", &s) > 0 &&
        libxl_bios_type_from_string(s, &b->u.hvm.bios)) {
        if (*s && !strncmp(s, "uefi", strlen(s)))
            b->u.hvm.bios = LIBXL_BIOS_TYPE_OVMF;
        else if (!*s || strncmp(s, "bios", strlen(s))) {
            free(b->u.hvm.firmware);
            b->u.hvm.firmware = strdup(s);
        }
    }
}

static void conv_hvm(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    struct cfg_var *var;
    const char *s;
    long l;

    conv_hvm_firmware(cv);
    var = cfg_conv_get(cv, "viridian");
    if (var && var->val && (var->val->type == CFG_V_LIST ||
                            var->val->type == CFG_V_TUPLE))
        cfg_conv_error(cv, var, "viridian enlightenment lists are not "
                       "supported; use True or False");
    else if (cfg_conv_long(cv, "viridian", LONG_MIN, LONG_MAX, &l) > 0)
        libxl_defbool_set(&b->u.hvm.viridian, l != 0);
    conv_vga(cv);
    CONV_ENUM(cv, "hdtype", libxl_hdtype_from_string, &b->u.hvm.hdtype);
    var = cfg_conv_get(cv, "gfx_passthru");
    if (var && var->val && var->val->type != CFG_V_STR) {
        if (cfg_conv_long(cv, "gfx_passthru", LONG_MIN, LONG_MAX, &l) > 0)
            libxl_defbool_set(&b->u.hvm.gfx_passthru, l != 0);
    } else if (var && cfg_conv_string(cv, "gfx_passthru", &s) > 0) {
        if (libxl_gfx_passthru_kind_from_string(s,
                                                &b->u.hvm.gfx_passthru_kind))
            cfg_conv_error(cv, var, "invalid value \"%s\" for "
                           "'gfx_passthru'", s);
        libxl_defbool_set(&b->u.hvm.gfx_passthru, true);
    }
    conv_list_or_string(cv, "serial", &b->u.hvm.serial_list,
                        &b->u.hvm.serial);
    conv_list_or_string(cv, "usbdevice", &b->u.hvm.usbdevice_list,
                        &b->u.hvm.usbdevice);
    if (cfg_conv_string(cv, "keymap", &s) > 0)
        b->u.hvm.keymap = strdup(s);
    CONV_ENUM(cv, "vendor_device", libxl_vendor_device_from_string,
              &b->u.hvm.vendor_device);
    if (b->u.hvm.vnc.listen && b->u.hvm.vnc.display &&
        strchr(b->u.hvm.vnc.listen, ':'))
        cfg_conv_error(cv, cfg_env_find(cv->env, "vncdisplay"),
                       "the display is given both in 'vnclisten' and "
                       "'vncdisplay'");
}

static void conv_vnc_sdl(struct cfg_conv *cv, libxl_vnc_info *vnc,
                         libxl_sdl_info *sdl)
{
    const char *s;
    long l;

    if (cfg_conv_long(cv, "vnc", LONG_MIN, LONG_MAX, &l) > 0)
        libxl_defbool_set(&vnc->enable, l != 0);
    if (cfg_conv_string(cv, "vnclisten", &s) > 0)
        vnc->listen = strdup(s);
    if (cfg_conv_string(cv, "vncpasswd", &s) > 0)
        vnc->passwd = strdup(s);
    if (cfg_conv_long(cv, "vncdisplay", 0, INT_MAX, &l) > 0)
        vnc->display = (int)l;
    if (cfg_conv_long(cv, "vncunused", LONG_MIN, LONG_MAX, &l) > 0)
        libxl_defbool_set(&vnc->findunused, l != 0);
    if (cfg_conv_long(cv, "sdl", LONG_MIN, LONG_MAX, &l) > 0)
        libxl_defbool_set(&sdl->enable, l != 0);
    if (cfg_conv_long(cv, "opengl", LONG_MIN, LONG_MAX, &l) > 0)
        libxl_defbool_set(&sdl->opengl, l != 0);
    if (cfg_conv_string(cv, "display", &s) > 0)
        sdl->display = strdup(s);
    if (cfg_conv_string(cv, "xauthority", &s) > 0)
        sdl->xauthority = strdup(s);
}

static const char *const vnc_keys[] = {
    "vnc", "vnclisten", "vncpasswd", "vncdisplay", "vncunused", "sdl",
    "opengl", "display", "xauthority", "keymap", NULL,
};

/* Top-level vnc= and friends: the HVM console, or a PV framebuffer. */
static void conv_top_vnc(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    libxl_device_vfb *vfb;
    const char *s;
    long l = 0;
    int k;

    if (dc->c_info.type == LIBXL_DOMAIN_TYPE_HVM) {
        conv_vnc_sdl(cv, &dc->b_info.u.hvm.vnc, &dc->b_info.u.hvm.sdl);
        return;
    }
    if (dc->num_vfbs || dc->c_info.type != LIBXL_DOMAIN_TYPE_PV) {
        for (k = 0; vnc_keys[k]; k++) {
            struct cfg_var *var = cfg_conv_get(cv, vnc_keys[k]);

            if (var && var->val)
                cfg_conv_warn(cv, var, "'%s' is ignored: %s", vnc_keys[k],
                              dc->num_vfbs ? "'vfb' describes the "
                              "framebuffer" : "PVH guests have no "
                              "framebuffer");
        }
        return;
    }
    if (cfg_conv_long(cv, "vnc", LONG_MIN, LONG_MAX, &l) <= 0 || !l)
        return;
    if (cfg_conv_add_vfb(cv))
        return;
    vfb = &dc->vfbs[dc->num_vfbs - 1];
    conv_vnc_sdl(cv, &vfb->vnc, &vfb->sdl);
    if (cfg_conv_string(cv, "keymap", &s) > 0)
        vfb->keymap = strdup(s);
}

static void conv_device_model(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    struct cfg_var *var = cfg_conv_get(cv, "device_model");
    const char *s;

    if (var && var->val)
        cfg_conv_warn(cv, var, "'device_model' (xm's qemu-dm path) is "
                      "ignored; use device_model_override and "
                      "device_model_version");
    if (cfg_conv_string(cv, "device_model_version", &s) > 0) {
        if (!strcmp(s, "qemu-xen-traditional"))
            b->device_model_version =
                LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL;
        else if (!strcmp(s, "qemu-xen"))
            b->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
        else
            cfg_conv_error(cv, cfg_env_find(cv->env,
                                            "device_model_version"),
                           "unknown device_model_version \"%s\" (qemu-xen "
                           "or qemu-xen-traditional)", s);
    }
}

static void conv_grants(struct cfg_conv *cv)
{
    libxl_domain_build_info *b = &cv->dc->b_info;
    long l;

    if (cfg_conv_long(cv, "max_grant_frames", 0, INT_MAX, &l) > 0)
        b->max_grant_frames = (uint32_t)l;
    if (cfg_conv_long(cv, "max_maptrack_frames", 0, INT_MAX, &l) > 0)
        b->max_maptrack_frames = (uint32_t)l;
}

static void conv_xm_aliases(struct cfg_conv *cv)
{
    struct cfg_var *var = cfg_env_find(cv->env, "cpu_cap");
    long l;

    if (!var || !var->val)
        return;
    if (cfg_env_find(cv->env, "cap")) {
        cfg_conv_get(cv, "cpu_cap");
        cfg_conv_warn(cv, var, "'cpu_cap' is ignored: 'cap' is given");
        return;
    }
    if (!cv->g->xm_mode) {
        cfg_conv_get(cv, "cpu_cap");
        cfg_conv_warn(cv, var, "'cpu_cap' is ignored, as xl ignores it (xm "
                      "reads it as 'cap')");
        return;
    }
    cfg_conv_warn(cv, var, "'cpu_cap' is xm's name for 'cap'; read as "
                  "'cap'");
    if (cfg_conv_long(cv, "cpu_cap", INT_MIN, INT_MAX, &l) > 0)
        cv->dc->b_info.sched_params.cap = (int)l;
}

static void warn_hvm_only(struct cfg_conv *cv)
{
    static const char *const keys[] = {
        "viridian", "vga", "stdvga", "hdtype", "gfx_passthru", "serial",
        "usbdevice", "vendor_device", "bios", "firmware", NULL,
    };
    struct cfg_var *var;
    int k;

    for (k = 0; keys[k]; k++) {
        var = cfg_conv_get(cv, keys[k]);
        if (var && var->val)
            cfg_conv_warn(cv, var, "'%s' applies only to HVM guests; "
                          "ignored", keys[k]);
    }
}

static void conv_build(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    libxl_domain_build_info *b = &dc->b_info;

    libxl_domain_build_info_init_type(b, dc->c_info.type);
    cfg_conv_simple(cv);
    conv_xm_aliases(cv);
    conv_memory_vcpus(cv);
    conv_affinity(cv, "cpus", 1);
    conv_affinity(cv, "cpus_soft", 0);
    conv_grants(cv);
    libxl_defbool_set(&b->claim_mode, cv->g->claim_mode != 0);
    conv_actions(cv);
    conv_num_or_name(cv, "tsc_mode", LIBXL_TSC_MODE_DEFAULT,
                     LIBXL_TSC_MODE_NATIVE_PARAVIRT, (int *)&b->tsc_mode,
                     tsc_from);
    conv_cmdline(cv);
    conv_bootloader_args(cv);
    if (dc->c_info.type == LIBXL_DOMAIN_TYPE_PV &&
        cfg_env_find(cv->env, "timer_mode"))
        cfg_conv_error(cv, cfg_conv_get(cv, "timer_mode"),
                       "'timer_mode' is not supported for PV guests");
    else
        conv_num_or_name(cv, "timer_mode",
                         LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS,
                         LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING,
                         (int *)&b->timer_mode, timer_from);
    if (dc->c_info.type == LIBXL_DOMAIN_TYPE_HVM)
        conv_hvm(cv);
    else
        warn_hvm_only(cv);
    if (dc->c_info.type != LIBXL_DOMAIN_TYPE_HVM && !b->bootloader &&
        !b->kernel && !cfg_env_find(cv->env, "kernel") &&
        !cfg_env_find(cv->env, "bootloader"))
        cfg_conv_error(cv, NULL, "neither 'kernel' nor 'bootloader' given: "
                       "a %s guest needs one",
                       dc->c_info.type == LIBXL_DOMAIN_TYPE_PV ? "PV"
                                                                : "PVH");
}

static const char *const xm_only[][2] = {
    { "restart", "use on_poweroff, on_reboot and on_crash" },
    { "cpu", "use cpus to pin VCPUs" },
    { "vcpu_avail", "give vcpus and maxvcpus" },
    { "ip", "put ip=... in 'extra'" },
    { "netmask", "put ip=... in 'extra'" },
    { "gateway", "put ip=... in 'extra'" },
    { "hostname", "put ip=... in 'extra'" },
    { "interface", "put ip=... in 'extra'" },
    { "dhcp", "put ip=dhcp in 'extra'" },
    { "nfs_server", "put nfsroot=... in 'extra'" },
    { "nfs_root", "put root=/dev/nfs nfsroot=... in 'extra'" },
    { "nics", "the vif list alone decides the interfaces" },
    { "vncconsole", "start a VNC viewer yourself" },
    { "vncviewer", "start a VNC viewer yourself" },
    { "vscsi", "libxl has no PV SCSI" },
    { "access_control", "ACM labels are gone; see seclabel" },
    { "security", "ACM labels are gone; see seclabel" },
    { "ssidref", "ACM labels are gone; see seclabel" },
    { "irq", "xl's irqs is not supported by xltool" },
    { "isa", "the ISA-only machine is gone" },
    { "fda", "floppies are not supported" },
    { "fdb", "floppies are not supported" },
    { "monitor", "the qemu monitor is not configurable" },
    { "guest_os_type", "it had no effect on x86" },
    { "s3_integrity", "tboot integrity is not supported" },
    { "machine_address_size", "not supported" },
    { "suppress_spurious_page_faults", "not supported" },
    { "cpuid_check", "not supported" },
    { "blkif", "driver domains are set with 'driver_domain'" },
    { "netif", "driver domains are set with 'driver_domain'" },
    { "tpmif", "driver domains are set with 'driver_domain'" },
    { "extid", "not supported" },
    { "features", "not supported" },
    { "vhpt", "ia64 only" },
    { "on_xend_start", "there is no xend; use xendomains" },
    { "on_xend_stop", "there is no xend; use xendomains" },
    { "target", "not supported" },
    { "superpages", "not supported" },
    { "memory_sharing", "not supported" },
    { NULL, NULL },
};

static const char *const xl_unsupported[] = {
    "pvshim", "pvshim_path", "pvshim_cmdline",
    "pvshim_extra", "vuart", "mmio_hole", "altp2m", "altp2mhvm",
    "ms_vm_genid", "mca_caps", "vmtrace_buf_kb", "ioports", "irqs", "iomem",
    "p9", "vtpm", "vdispl", "pvcalls", "vsnd", "gic_version",
    "tee", "vkb", "msr_relaxed", "rdm", "dtdev",
    "vif2", "max_grant_version", "vpmu", "stubdomain_cmdline", NULL,
};

static int in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s))
            return 1;
    return 0;
}

/* A warning about a key itself: underlines its name. */
static void warn_name(struct cfg_conv *cv, const struct cfg_var *var,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn_name(struct cfg_conv *cv, const struct cfg_var *var,
                      const char *fmt, ...)
{
    static const struct cfg_src cmd = { "<command line>", NULL, 0 };
    va_list ap;

    va_start(ap, fmt);
    if (var->from_cmdline)
        cfg_diag_vadd(cv->diags, CFG_WARNING, &cmd, 0, 0, 0, fmt, ap);
    else
        cfg_diag_vadd(cv->diags, CFG_WARNING, cv->src, var->line, var->col,
                      var->len, fmt, ap);
    va_end(ap);
}

static void warn_leftovers(struct cfg_conv *cv)
{
    struct cfg_var *var;
    int k, j;

    for (k = 0; k < cv->env->n; k++) {
        var = &cv->env->v[k];
        if (var->consumed || var->referenced || !var->val)
            continue;
        for (j = 0; xm_only[j][0] && strcmp(xm_only[j][0], var->name); j++)
            ;
        if (xm_only[j][0])
            warn_name(cv, var, "'%s' is an xm key that libxl cannot "
                      "honour; ignored (%s)", var->name, xm_only[j][1]);
        else if (in_list(xl_unsupported, var->name))
            warn_name(cv, var, "'%s' is not supported by xltool; ignored",
                      var->name);
        else if (!var->from_cmdline)
            warn_name(cv, var, "unknown key '%s'; ignored", var->name);
    }
}

int cfg_convert(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    int nerr0 = cv->diags->nerrors;

    libxl_defbool_set(&dc->c_info.run_hotplug_scripts,
                      cv->g->run_hotplug_scripts != 0);
    conv_type(cv);
    conv_identity(cv);
    conv_build(cv);
    cfg_conv_pcis(cv);
    cfg_conv_disks(cv);
    cfg_conv_nics(cv);
    cfg_conv_vfbs(cv);
    cfg_conv_keys(cv);
    conv_device_model(cv);
    conv_top_vnc(cv);
    warn_leftovers(cv);
    return cv->diags->nerrors - nerr0;
}
