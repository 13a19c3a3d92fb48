/*
 * cfg_json.c - libxl's own JSON form of a domain config: written with
 * libxl's generator (byte for byte what `xl create -n` prints) and read
 * back without a libxl context, which needs a running Xen.  The reader
 * knows every field the config reader can set; anything else is refused
 * with its path, never dropped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

#include <libxl_json.h>
#include <yajl/yajl_tree.h>

char *cfg_config_to_json(libxl_domain_config *d_config)
{
    yajl_gen hand = libxl_yajl_gen_alloc(NULL);
    const unsigned char *buf = NULL;
    size_t len = 0;
    char *out = NULL;

    if (!hand)
        return NULL;
    if (libxl_domain_config_gen_json(hand, d_config) == yajl_gen_status_ok &&
        yajl_gen_get_buf(hand, &buf, &len) == yajl_gen_status_ok) {
        /* xl prints the text without yajl's final newline, then "\n". */
        while (len > 0 && buf[len - 1] == '\n')
            len--;
        out = strndup((const char *)buf, len);
    }
    yajl_gen_free(hand);
    return out;
}

/* ---- reading ---- */

enum jkind {
    J_STR, J_INT, J_U8, J_U32, J_U64, J_BOOL, J_DEFBOOL, J_UUID, J_MAC,
    J_BITMAP, J_STRLIST, J_ENUM, J_OBJ,
};

typedef int (*enum_fn)(const char *s, void *field);

struct jfield {
    const char *name;
    enum jkind kind;
    size_t off;
    enum_fn efn;                      /* J_ENUM */
    const struct jfield *sub;         /* J_OBJ */
};

#define ENUM_FN(t)                                                          \
    static int enum_##t(const char *s, void *f)                             \
    {                                                                       \
        return libxl_##t##_from_string(s, (libxl_##t *)f);                  \
    }
ENUM_FN(domain_type)
ENUM_FN(tsc_mode)
ENUM_FN(device_model_version)
ENUM_FN(timer_mode)
ENUM_FN(bios_type)
ENUM_FN(hdtype)
ENUM_FN(vga_interface_type)
ENUM_FN(gfx_passthru_kind)
ENUM_FN(vendor_device)
ENUM_FN(rdm_reserve_strategy)
ENUM_FN(rdm_reserve_policy)
ENUM_FN(disk_backend)
ENUM_FN(disk_format)
ENUM_FN(nic_type)
ENUM_FN(action_on_shutdown)
ENUM_FN(vkb_backend)
ENUM_FN(scheduler)
ENUM_FN(passthrough)
ENUM_FN(usbctrl_type)

#define S(T, n, k, m) { n, k, offsetof(T, m), NULL, NULL }
#define E(T, n, m, fn) { n, J_ENUM, offsetof(T, m), enum_##fn, NULL }
#define O(T, n, m, tab) { n, J_OBJ, offsetof(T, m), NULL, tab }
#define END { NULL, J_STR, 0, NULL, NULL }

static const struct jfield vnc_f[] = {
    S(libxl_vnc_info, "enable", J_DEFBOOL, enable),
    S(libxl_vnc_info, "listen", J_STR, listen),
    S(libxl_vnc_info, "passwd", J_STR, passwd),
    S(libxl_vnc_info, "display", J_INT, display),
    S(libxl_vnc_info, "findunused", J_DEFBOOL, findunused),
    END,
};

static const struct jfield sdl_f[] = {
    S(libxl_sdl_info, "enable", J_DEFBOOL, enable),
    S(libxl_sdl_info, "opengl", J_DEFBOOL, opengl),
    S(libxl_sdl_info, "display", J_STR, display),
    S(libxl_sdl_info, "xauthority", J_STR, xauthority),
    END,
};

static const struct jfield spice_f[] = {
    S(libxl_spice_info, "enable", J_DEFBOOL, enable),
    S(libxl_spice_info, "port", J_INT, port),
    S(libxl_spice_info, "tls_port", J_INT, tls_port),
    S(libxl_spice_info, "host", J_STR, host),
    S(libxl_spice_info, "disable_ticketing", J_DEFBOOL, disable_ticketing),
    S(libxl_spice_info, "passwd", J_STR, passwd),
    S(libxl_spice_info, "agent_mouse", J_DEFBOOL, agent_mouse),
    S(libxl_spice_info, "vdagent", J_DEFBOOL, vdagent),
    S(libxl_spice_info, "clipboard_sharing", J_DEFBOOL, clipboard_sharing),
    S(libxl_spice_info, "usbredirection", J_INT, usbredirection),
    S(libxl_spice_info, "image_compression", J_STR, image_compression),
    S(libxl_spice_info, "streaming_video", J_STR, streaming_video),
    END,
};

static const struct jfield vga_f[] = {
    E(libxl_vga_interface_info, "kind", kind, vga_interface_type),
    END,
};

static const struct jfield rdm_f[] = {
    E(libxl_rdm_reserve, "strategy", strategy, rdm_reserve_strategy),
    E(libxl_rdm_reserve, "policy", policy, rdm_reserve_policy),
    END,
};

static const struct jfield sched_f[] = {
    E(libxl_domain_sched_params, "sched", sched, scheduler),
    S(libxl_domain_sched_params, "weight", J_INT, weight),
    S(libxl_domain_sched_params, "cap", J_INT, cap),
    S(libxl_domain_sched_params, "period", J_INT, period),
    S(libxl_domain_sched_params, "budget", J_INT, budget),
    S(libxl_domain_sched_params, "extratime", J_INT, extratime),
    S(libxl_domain_sched_params, "slice", J_INT, slice),
    S(libxl_domain_sched_params, "latency", J_INT, latency),
    END,
};

#define H(n, k, m) S(libxl_domain_build_info, n, k, u.hvm.m)
static const struct jfield hvm_f[] = {
    H("firmware", J_STR, firmware),
    E(libxl_domain_build_info, "bios", u.hvm.bios, bios_type),
    H("pae", J_DEFBOOL, pae),
    H("acpi_s3", J_DEFBOOL, acpi_s3),
    H("acpi_s4", J_DEFBOOL, acpi_s4),
    H("acpi_laptop_slate", J_DEFBOOL, acpi_laptop_slate),
    H("nx", J_DEFBOOL, nx),
    H("viridian", J_DEFBOOL, viridian),
    H("hpet", J_DEFBOOL, hpet),
    H("vpt_align", J_DEFBOOL, vpt_align),
    H("system_firmware", J_STR, system_firmware),
    H("smbios_firmware", J_STR, smbios_firmware),
    H("acpi_firmware", J_STR, acpi_firmware),
    E(libxl_domain_build_info, "hdtype", u.hvm.hdtype, hdtype),
    H("nographic", J_DEFBOOL, nographic),
    O(libxl_domain_build_info, "vga", u.hvm.vga, vga_f),
    O(libxl_domain_build_info, "vnc", u.hvm.vnc, vnc_f),
    H("keymap", J_STR, keymap),
    O(libxl_domain_build_info, "sdl", u.hvm.sdl, sdl_f),
    O(libxl_domain_build_info, "spice", u.hvm.spice, spice_f),
    H("gfx_passthru", J_DEFBOOL, gfx_passthru),
    E(libxl_domain_build_info, "gfx_passthru_kind", u.hvm.gfx_passthru_kind,
      gfx_passthru_kind),
    H("serial", J_STR, serial),
    H("boot", J_STR, boot),
    H("usb", J_DEFBOOL, usb),
    H("usbversion", J_INT, usbversion),
    H("usbdevice", J_STR, usbdevice),
    H("vkb_device", J_DEFBOOL, vkb_device),
    H("soundhw", J_STR, soundhw),
    H("xen_platform_pci", J_DEFBOOL, xen_platform_pci),
    H("usbdevice_list", J_STRLIST, usbdevice_list),
    E(libxl_domain_build_info, "vendor_device", u.hvm.vendor_device,
      vendor_device),
    H("serial_list", J_STRLIST, serial_list),
    O(libxl_domain_build_info, "rdm", u.hvm.rdm, rdm_f),
    H("rdm_mem_boundary_memkb", J_U64, rdm_mem_boundary_memkb),
    END,
};

static const struct jfield pv_f[] = {
    S(libxl_domain_build_info, "e820_host", J_DEFBOOL, u.pv.e820_host),
    END,
};

static const struct jfield empty_f[] = { END };

#define B(n, k, m) S(libxl_domain_build_info, n, k, m)
static const struct jfield binfo_f[] = {
    B("max_vcpus", J_INT, max_vcpus),
    B("avail_vcpus", J_BITMAP, avail_vcpus),
    B("numa_placement", J_DEFBOOL, numa_placement),
    E(libxl_domain_build_info, "tsc_mode", tsc_mode, tsc_mode),
    B("max_memkb", J_U64, max_memkb),
    B("target_memkb", J_U64, target_memkb),
    B("video_memkb", J_U64, video_memkb),
    B("shadow_memkb", J_U64, shadow_memkb),
    B("rtc_timeoffset", J_U32, rtc_timeoffset),
    B("localtime", J_DEFBOOL, localtime),
    B("disable_migrate", J_DEFBOOL, disable_migrate),
    B("max_grant_frames", J_U32, max_grant_frames),
    B("max_maptrack_frames", J_U32, max_maptrack_frames),
    E(libxl_domain_build_info, "device_model_version", device_model_version,
      device_model_version),
    B("device_model_stubdomain", J_DEFBOOL, device_model_stubdomain),
    B("stubdomain_memkb", J_U64, stubdomain_memkb),
    B("stubdomain_kernel", J_STR, stubdomain_kernel),
    B("stubdomain_ramdisk", J_STR, stubdomain_ramdisk),
    B("device_model", J_STR, device_model),
    B("device_model_user", J_STR, device_model_user),
    B("extra", J_STRLIST, extra),
    B("extra_pv", J_STRLIST, extra_pv),
    B("extra_hvm", J_STRLIST, extra_hvm),
    O(libxl_domain_build_info, "sched_params", sched_params, sched_f),
    B("claim_mode", J_DEFBOOL, claim_mode),
    B("event_channels", J_U32, event_channels),
    B("kernel", J_STR, kernel),
    B("cmdline", J_STR, cmdline),
    B("ramdisk", J_STR, ramdisk),
    B("device_tree", J_STR, device_tree),
    B("acpi", J_DEFBOOL, acpi),
    B("bootloader", J_STR, bootloader),
    B("bootloader_args", J_STRLIST, bootloader_args),
    E(libxl_domain_build_info, "timer_mode", timer_mode, timer_mode),
    B("nested_hvm", J_DEFBOOL, nested_hvm),
    B("apic", J_DEFBOOL, apic),
    B("dm_restrict", J_DEFBOOL, dm_restrict),
    B("exec_ssid_label", J_STR, exec_ssid_label),
    B("device_model_ssid_label", J_STR, device_model_ssid_label),
    O(libxl_domain_build_info, "arch_arm", arch_arm, empty_f),
    O(libxl_domain_build_info, "arch_x86", arch_x86, empty_f),
    END,
};

#define C(n, k, m) S(libxl_domain_create_info, n, k, m)
static const struct jfield cinfo_f[] = {
    E(libxl_domain_create_info, "type", type, domain_type),
    C("hap", J_DEFBOOL, hap),
    C("oos", J_DEFBOOL, oos),
    C("domid", J_U32, domid),
    C("name", J_STR, name),
    C("uuid", J_UUID, uuid),
    C("pool_name", J_STR, pool_name),
    C("run_hotplug_scripts", J_DEFBOOL, run_hotplug_scripts),
    C("driver_domain", J_DEFBOOL, driver_domain),
    C("xend_suspend_evtchn_compat", J_DEFBOOL, xend_suspend_evtchn_compat),
    C("ssid_label", J_STR, ssid_label),
    E(libxl_domain_create_info, "passthrough", passthrough, passthrough),
    END,
};

#define D(n, k, m) S(libxl_device_disk, n, k, m)
static const struct jfield disk_f[] = {
    D("backend_domid", J_U32, backend_domid),
    D("backend_domname", J_STR, backend_domname),
    D("pdev_path", J_STR, pdev_path),
    D("vdev", J_STR, vdev),
    E(libxl_device_disk, "backend", backend, disk_backend),
    E(libxl_device_disk, "format", format, disk_format),
    D("script", J_STR, script),
    D("removable", J_INT, removable),
    D("readwrite", J_INT, readwrite),
    D("is_cdrom", J_INT, is_cdrom),
    D("direct_io_safe", J_BOOL, direct_io_safe),
    D("discard_enable", J_DEFBOOL, discard_enable),
    D("trusted", J_DEFBOOL, trusted),
    END,
};

#define N(n, k, m) S(libxl_device_nic, n, k, m)
static const struct jfield nic_f[] = {
    N("backend_domid", J_U32, backend_domid),
    N("backend_domname", J_STR, backend_domname),
    N("devid", J_INT, devid),
    N("mtu", J_INT, mtu),
    N("model", J_STR, model),
    N("mac", J_MAC, mac),
    N("ip", J_STR, ip),
    N("bridge", J_STR, bridge),
    N("ifname", J_STR, ifname),
    N("script", J_STR, script),
    E(libxl_device_nic, "nictype", nictype, nic_type),
    N("rate_bytes_per_interval", J_U64, rate_bytes_per_interval),
    N("rate_interval_usecs", J_U32, rate_interval_usecs),
    N("gatewaydev", J_STR, gatewaydev),
    N("trusted", J_DEFBOOL, trusted),
    END,
};

#define P(n, k, m) S(libxl_device_pci, n, k, m)
static const struct jfield pci_f[] = {
    P("func", J_U8, func),
    P("dev", J_U8, dev),
    P("bus", J_U8, bus),
    P("domain", J_INT, domain),
    P("vdevfn", J_U32, vdevfn),
    P("vfunc_mask", J_U32, vfunc_mask),
    P("msitranslate", J_BOOL, msitranslate),
    P("power_mgmt", J_BOOL, power_mgmt),
    P("permissive", J_BOOL, permissive),
    P("seize", J_BOOL, seize),
    E(libxl_device_pci, "rdm_policy", rdm_policy, rdm_reserve_policy),
    P("name", J_STR, name),
    END,
};

static const struct jfield vfb_f[] = {
    S(libxl_device_vfb, "backend_domid", J_U32, backend_domid),
    S(libxl_device_vfb, "backend_domname", J_STR, backend_domname),
    S(libxl_device_vfb, "devid", J_INT, devid),
    O(libxl_device_vfb, "vnc", vnc, vnc_f),
    O(libxl_device_vfb, "sdl", sdl, sdl_f),
    S(libxl_device_vfb, "keymap", J_STR, keymap),
    END,
};

static const struct jfield vkb_f[] = {
    S(libxl_device_vkb, "backend_domid", J_U32, backend_domid),
    S(libxl_device_vkb, "backend_domname", J_STR, backend_domname),
    S(libxl_device_vkb, "devid", J_INT, devid),
    E(libxl_device_vkb, "backend_type", backend_type, vkb_backend),
    END,
};

static const struct jfield usbctrl_f[] = {
    E(libxl_device_usbctrl, "type", type, usbctrl_type),
    S(libxl_device_usbctrl, "devid", J_INT, devid),
    S(libxl_device_usbctrl, "version", J_INT, version),
    S(libxl_device_usbctrl, "ports", J_INT, ports),
    S(libxl_device_usbctrl, "backend_domid", J_U32, backend_domid),
    S(libxl_device_usbctrl, "backend_domname", J_STR, backend_domname),
    END,
};

/* A usbdev's "type.hostdev" member sets the type and the union. */
static const struct jfield hostdev_f[] = {
    S(libxl_device_usbdev, "hostbus", J_U8, u.hostdev.hostbus),
    S(libxl_device_usbdev, "hostaddr", J_U8, u.hostdev.hostaddr),
    END,
};

static const struct jfield usbdev_f[] = {
    S(libxl_device_usbdev, "ctrl", J_INT, ctrl),
    S(libxl_device_usbdev, "port", J_INT, port),
    END,
};

/* A channel's "connection.pty" / "connection.socket" member likewise. */
static const struct jfield socket_f[] = {
    S(libxl_device_channel, "path", J_STR, u.socket.path),
    END,
};

static const struct jfield channel_f[] = {
    S(libxl_device_channel, "backend_domid", J_U32, backend_domid),
    S(libxl_device_channel, "backend_domname", J_STR, backend_domname),
    S(libxl_device_channel, "devid", J_INT, devid),
    S(libxl_device_channel, "name", J_STR, name),
    END,
};

struct jctx {
    char *err;
    size_t errlen;
};

static int jerr(struct jctx *j, const char *path, const char *what)
{
    snprintf(j->err, j->errlen, "domain config JSON: %s: %s", path, what);
    return -1;
}

static int read_obj(struct jctx *j, yajl_val obj, const struct jfield *tab,
                    void *base, const char *path);

static int read_bitmap(struct jctx *j, yajl_val v, libxl_bitmap *b,
                       const char *path)
{
    size_t k;
    long long bit, max = -1;

    if (!YAJL_IS_ARRAY(v))
        return jerr(j, path, "expected an array of CPU numbers");
    for (k = 0; k < v->u.array.len; k++) {
        yajl_val it = v->u.array.values[k];

        if (!YAJL_IS_INTEGER(it) || YAJL_GET_INTEGER(it) < 0 ||
            YAJL_GET_INTEGER(it) > 65535)
            return jerr(j, path, "bitmap entries must be small integers");
        if (YAJL_GET_INTEGER(it) > max)
            max = YAJL_GET_INTEGER(it);
    }
    libxl_bitmap_dispose(b);
    b->size = (uint32_t)((max + 1 + 7) / 8);
    b->map = calloc(b->size ? b->size : 1, 1);
    if (!b->map)
        return jerr(j, path, "out of memory");
    for (k = 0; k < v->u.array.len; k++) {
        bit = YAJL_GET_INTEGER(v->u.array.values[k]);
        b->map[bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
    return 0;
}

static int read_strlist(struct jctx *j, yajl_val v, libxl_string_list *sl,
                        const char *path)
{
    size_t k;

    if (!YAJL_IS_ARRAY(v))
        return jerr(j, path, "expected an array of strings");
    libxl_string_list_dispose(sl);
    *sl = calloc(v->u.array.len + 1, sizeof(char *));
    if (!*sl)
        return jerr(j, path, "out of memory");
    for (k = 0; k < v->u.array.len; k++) {
        const char *str = YAJL_IS_STRING(v->u.array.values[k])
                              ? YAJL_GET_STRING(v->u.array.values[k]) : NULL;

        if (!str)
            return jerr(j, path, "expected an array of strings");
        (*sl)[k] = strdup(str);
    }
    return 0;
}

static int read_int(struct jctx *j, yajl_val v, long long min,
                    long long max, long long *out, const char *path)
{
    if (!YAJL_IS_INTEGER(v))
        return jerr(j, path, "expected an integer");
    *out = YAJL_GET_INTEGER(v);
    if (*out < min || *out > max)
        return jerr(j, path, "integer out of range");
    return 0;
}

static int read_scalar(struct jctx *j, yajl_val v, const struct jfield *f,
                       char *p, const char *path)
{
    long long i;
    const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

    switch (f->kind) {
    case J_STR:
        if (!s && !YAJL_IS_NULL(v))
            return jerr(j, path, "expected a string");
        free(*(char **)p);
        *(char **)p = s ? strdup(s) : NULL;
        return 0;
    case J_INT:
        return read_int(j, v, INT32_MIN, INT32_MAX, &i, path) ? -1
               : (*(int *)p = (int)i, 0);
    case J_U8:
        return read_int(j, v, 0, UINT8_MAX, &i, path) ? -1
               : (*(uint8_t *)p = (uint8_t)i, 0);
    case J_U32:
        return read_int(j, v, 0, UINT32_MAX, &i, path) ? -1
               : (*(uint32_t *)p = (uint32_t)i, 0);
    case J_U64:
        if (YAJL_IS_NUMBER(v) && !YAJL_IS_INTEGER(v))
            return jerr(j, path, "integer out of range");
        return read_int(j, v, 0, INT64_MAX, &i, path) ? -1
               : (*(uint64_t *)p = (uint64_t)i, 0);
    case J_BOOL:
        if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
            return jerr(j, path, "expected true or false");
        *(bool *)p = YAJL_IS_TRUE(v);
        return 0;
    case J_DEFBOOL:
        if (!s || (strcmp(s, "True") && strcmp(s, "False") &&
                   strcmp(s, "<default>")))
            return jerr(j, path, "expected \"True\" or \"False\"");
        if (s[0] == '<')
            libxl_defbool_unset((libxl_defbool *)p);
        else
            libxl_defbool_set((libxl_defbool *)p, s[0] == 'T');
        return 0;
    default:
        break;
    }
    return jerr(j, path, "internal: unknown field kind");
}

static int read_field(struct jctx *j, yajl_val v, const struct jfield *f,
                      void *base, const char *path)
{
    char *p = (char *)base + f->off;
    const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

    switch (f->kind) {
    case J_UUID:
        if (!s || libxl_uuid_from_string((libxl_uuid *)p, s))
            return jerr(j, path, "expected a UUID string");
        return 0;
    case J_MAC: {
        unsigned m[6];
        int k, n = -1;

        if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2],
                         &m[3], &m[4], &m[5], &n) != 6 || s[n])
            return jerr(j, path, "expected a MAC address");
        for (k = 0; k < 6; k++)
            (*(libxl_mac *)p)[k] = (uint8_t)m[k];
        return 0;
    }
    case J_BITMAP:
        return read_bitmap(j, v, (libxl_bitmap *)p, path);
    case J_STRLIST:
        return read_strlist(j, v, (libxl_string_list *)p, path);
    case J_ENUM:
        if (!s || f->efn(s, p))
            return jerr(j, path, "unknown value");
        return 0;
    case J_OBJ:
        return read_obj(j, v, f->sub, p, path);
    default:
        return read_scalar(j, v, f, p, path);
    }
}

static int read_obj(struct jctx *j, yajl_val obj, const struct jfield *tab,
                    void *base, const char *path)
{
    const struct jfield *f;
    char sub[256];
    size_t k;

    if (!YAJL_IS_OBJECT(obj))
        return jerr(j, path, "expected an object");
    for (k = 0; k < obj->u.object.len; k++) {
        const char *key = obj->u.object.keys[k];

        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        for (f = tab; f->name && strcmp(f->name, key); f++)
            ;
        if (!f->name)
            return jerr(j, sub, "this field cannot be represented");
        if (read_field(j, obj->u.object.values[k], f, base, sub))
            return -1;
    }
    return 0;
}

/* b_info: the "type.hvm" / "type.pv" / "type.pvh" member selects the
 * union; everything else goes through the table. */
static int read_binfo(struct jctx *j, yajl_val obj, libxl_domain_config *dc)
{
    libxl_domain_build_info *b = &dc->b_info;
    static const char *const tn[] = { "type.hvm", "type.pv", "type.pvh" };
    static const libxl_domain_type tt[] = {
        LIBXL_DOMAIN_TYPE_HVM, LIBXL_DOMAIN_TYPE_PV, LIBXL_DOMAIN_TYPE_PVH,
    };
    const struct jfield *tabs[] = { hvm_f, pv_f, empty_f };
    yajl_val rest;
    size_t k, m;
    int t, rc = 0;

    if (!YAJL_IS_OBJECT(obj))
        return jerr(j, "b_info", "expected an object");
    for (k = 0; k < obj->u.object.len && !rc; k++) {
        for (t = 0; t < 3 && strcmp(obj->u.object.keys[k], tn[t]); t++)
            ;
        if (t == 3)
            continue;
        if (b->type != LIBXL_DOMAIN_TYPE_INVALID)
            return jerr(j, "b_info", "more than one guest type");
        libxl_domain_build_info_init_type(b, tt[t]);
        rc = read_obj(j, obj->u.object.values[k], tabs[t], b,
                      obj->u.object.keys[k]);
    }
    if (rc)
        return -1;
    /* The other members, with the type.* ones hidden from the table. */
    rest = obj;
    m = rest->u.object.len;
    for (k = 0; k < m; k++) {
        yajl_val one[1] = { rest->u.object.values[k] };
        const char *key[1] = { rest->u.object.keys[k] };
        struct yajl_val_s sub = { .type = yajl_t_object };

        if (!strncmp(key[0], "type.", 5) || !strcmp(key[0], "cpuid") ||
            !strcmp(key[0], "vnuma_nodes") ||
            !strcmp(key[0], "vcpu_hard_affinity") ||
            !strcmp(key[0], "vcpu_soft_affinity"))
            continue;
        sub.u.object.keys = key;
        sub.u.object.values = one;
        sub.u.object.len = 1;
        if (read_obj(j, &sub, binfo_f, b, "b_info"))
            return -1;
    }
    return 0;
}

/*
 * An object whose members are plain fields (tab) but for one keyed union
 * member "PREFIX.NAME" (prefix "type." or "connection."), read with
 * utab after union_fn has set the union's kind from NAME.  A device with
 * no union (prefix NULL) is a plain object.
 */
static int read_keyed(struct jctx *j, yajl_val obj, const struct jfield *tab,
                      const char *prefix, const struct jfield *utab,
                      int (*union_fn)(void *dev, const char *name),
                      void *dev, const char *path)
{
    size_t k, n;

    if (!prefix)
        return read_obj(j, obj, tab, dev, path);
    n = strlen(prefix);
    if (!YAJL_IS_OBJECT(obj))
        return jerr(j, path, "expected an object");
    for (k = 0; k < obj->u.object.len; k++) {
        const char *key[1] = { obj->u.object.keys[k] };
        yajl_val one[1] = { obj->u.object.values[k] };
        struct yajl_val_s sub = { .type = yajl_t_object };

        if (!strncmp(key[0], prefix, n)) {
            if (union_fn(dev, key[0] + n))
                return jerr(j, path, "unknown union member");
            if (read_obj(j, one[0], utab, dev, key[0]))
                return -1;
            continue;
        }
        sub.u.object.keys = key;
        sub.u.object.values = one;
        sub.u.object.len = 1;
        if (read_obj(j, &sub, tab, dev, path))
            return -1;
    }
    return 0;
}

static int usbdev_union(void *dev, const char *name)
{
    libxl_device_usbdev *d = dev;

    if (libxl_usbdev_type_from_string(name, &d->type))
        return -1;
    return 0;
}

static int channel_union(void *dev, const char *name)
{
    libxl_device_channel *c = dev;
    libxl_channel_connection conn;

    if (libxl_channel_connection_from_string(name, &conn) ||
        c->connection != LIBXL_CHANNEL_CONNECTION_UNKNOWN)
        return -1;
    libxl_device_channel_init_connection(c, conn);
    return 0;
}

/*
 * read_NAME: a JSON array of devices of type T into a calloc'd array
 * (*arr, *n), each element initialised with initfn and read as
 * read_keyed says (prefix NULL: a plain object).  *n counts the elements
 * initialised so far, so that a failure part way can still be disposed.
 */
#define DEV_ARRAY_READER(name, T, initfn, tab, prefix, utab, ufn)           \
    static int read_##name(struct jctx *j, yajl_val v, T **arr, int *n,     \
                           const char *path)                                \
    {                                                                       \
        char sub[64];                                                       \
        size_t k;                                                           \
        if (!YAJL_IS_ARRAY(v))                                              \
            return jerr(j, path, "expected an array");                      \
        *arr = calloc(v->u.array.len + 1, sizeof(T));                       \
        if (!*arr)                                                          \
            return jerr(j, path, "out of memory");                          \
        for (k = 0; k < v->u.array.len; k++) {                              \
            initfn(&(*arr)[k]);                                             \
            *n = (int)k + 1;                                                \
            snprintf(sub, sizeof(sub), "%s[%zu]", path, k);                 \
            if (read_keyed(j, v->u.array.values[k], tab, prefix, utab,      \
                           ufn, &(*arr)[k], sub))                           \
                return -1;                                                  \
        }                                                                   \
        return 0;                                                           \
    }
#define DEV_READER(name, T, initfn, tab)                                    \
    DEV_ARRAY_READER(name, T, initfn, tab, NULL, NULL, NULL)
DEV_READER(disks, libxl_device_disk, libxl_device_disk_init, disk_f)
DEV_READER(nics, libxl_device_nic, libxl_device_nic_init, nic_f)
DEV_READER(pcis, libxl_device_pci, libxl_device_pci_init, pci_f)
DEV_READER(vfbs, libxl_device_vfb, libxl_device_vfb_init, vfb_f)
DEV_READER(vkbs, libxl_device_vkb, libxl_device_vkb_init, vkb_f)
DEV_ARRAY_READER(usbdevs, libxl_device_usbdev, libxl_device_usbdev_init,
                 usbdev_f, "type.", hostdev_f, usbdev_union)
DEV_ARRAY_READER(channels, libxl_device_channel, libxl_device_channel_init,
                 channel_f, "connection.", socket_f, channel_union)
DEV_READER(usbctrls, libxl_device_usbctrl, libxl_device_usbctrl_init,
           usbctrl_f)

/* One vNUMA node: memkb, pnode, distances (an array of numbers) and
 * vcpus (a bitmap). */
static int read_vnode(struct jctx *j, yajl_val v, libxl_vnode_info *p)
{
    size_t k, d;
    long long i;

    if (!YAJL_IS_OBJECT(v))
        return jerr(j, "b_info.vnuma_nodes", "expected an object");
    for (k = 0; k < v->u.object.len; k++) {
        const char *key = v->u.object.keys[k];
        yajl_val m = v->u.object.values[k];

        if (!strcmp(key, "memkb") && YAJL_IS_INTEGER(m) &&
            YAJL_GET_INTEGER(m) >= 0) {
            p->memkb = (uint64_t)YAJL_GET_INTEGER(m);
        } else if (!strcmp(key, "pnode")) {
            if (read_int(j, m, 0, UINT32_MAX, &i, "b_info.vnuma_nodes"))
                return -1;
            p->pnode = (uint32_t)i;
        } else if (!strcmp(key, "vcpus")) {
            if (read_bitmap(j, m, &p->vcpus, "b_info.vnuma_nodes"))
                return -1;
        } else if (!strcmp(key, "distances") && YAJL_IS_ARRAY(m)) {
            free(p->distances);
            p->distances = calloc(m->u.array.len + 1, sizeof(uint32_t));
            if (!p->distances)
                return jerr(j, "b_info.vnuma_nodes", "out of memory");
            p->num_distances = (int)m->u.array.len;
            for (d = 0; d < m->u.array.len; d++) {
                if (read_int(j, m->u.array.values[d], 0, UINT32_MAX, &i,
                             "b_info.vnuma_nodes"))
                    return -1;
                p->distances[d] = (uint32_t)i;
            }
        } else {
            return jerr(j, "b_info.vnuma_nodes", "this field cannot be "
                        "represented");
        }
    }
    return 0;
}

static int take_vnuma(struct jctx *j, yajl_val binfo,
                      libxl_domain_build_info *b)
{
    const char *path[] = { "vnuma_nodes", NULL };
    yajl_val v = YAJL_IS_OBJECT(binfo) ? yajl_tree_get(binfo, path,
                                                       yajl_t_any) : NULL;
    size_t k;

    if (!v)
        return 0;
    if (!YAJL_IS_ARRAY(v))
        return jerr(j, "b_info.vnuma_nodes", "expected an array");
    b->vnuma_nodes = calloc(v->u.array.len + 1, sizeof(*b->vnuma_nodes));
    if (!b->vnuma_nodes)
        return jerr(j, "b_info.vnuma_nodes", "out of memory");
    for (k = 0; k < v->u.array.len; k++) {
        libxl_vnode_info_init(&b->vnuma_nodes[k]);
        b->num_vnuma_nodes = (int)k + 1;
        if (read_vnode(j, v->u.array.values[k], &b->vnuma_nodes[k]))
            return -1;
    }
    return 0;
}

/* 32 characters of a CPUID register policy.  libxl means 0 1 x k s but
 * keeps whatever xend's form gave it, which is anything but the comma
 * that ends the register there; so the reader takes the same. */
static int cpuid_reg_ok(yajl_val v)
{
    const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

    return s && strlen(s) == 32 && !strchr(s, ',');
}

/* The integer member name of obj, or -1 when absent or not one. */
static long long member_int(yajl_val obj, const char *name)
{
    const char *path[] = { name, NULL };
    yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

    return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

/*
 * One leaf of b_info.cpuid, back through libxl's own parser of xend's
 * form "LEAF[,SUBLEAF]:eax=...,ebx=...", which states every register
 * policy libxl prints.
 */
static int read_cpuid_leaf(struct jctx *j, yajl_val leaf,
                           libxl_cpuid_policy_list *cp)
{
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    long long lf = member_int(leaf, "leaf"), sub = member_int(leaf,
                                                              "subleaf");
    char line[256], sep = ':';
    size_t k, len;
    int r;

    if (!YAJL_IS_OBJECT(leaf) || lf < 0)
        return jerr(j, "b_info.cpuid", "expected a leaf object");
    len = (size_t)(sub >= 0 ? snprintf(line, sizeof(line), "%lld,%lld", lf,
                                       sub)
                            : snprintf(line, sizeof(line), "%lld", lf));
    for (k = 0; k < leaf->u.object.len; k++) {
        const char *key = leaf->u.object.keys[k];
        yajl_val v = leaf->u.object.values[k];

        if (!strcmp(key, "leaf") || !strcmp(key, "subleaf"))
            continue;
        for (r = 0; r < 4 && strcmp(key, regs[r]); r++)
            ;
        if (r == 4 || !cpuid_reg_ok(v) || len + 40 >= sizeof(line))
            return jerr(j, "b_info.cpuid", "this leaf cannot be "
                        "represented");
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%c%s=%s",
                                sep, key, YAJL_GET_STRING(v));
        sep = ',';
    }
    /* A leaf without registers (what an item that failed after its
     * leaf number leaves) is "LEAF:", which libxl takes. */
    if (sep == ':')
        snprintf(line + len, sizeof(line) - len, ":");
    if (libxl_cpuid_parse_config_xend(cp, line))
        return jerr(j, "b_info.cpuid", "this leaf cannot be represented");
    return 0;
}

/* b_info.cpuid: {"cpuid": [leaves], "msr": []}; MSR policies are not
 * something the reader sets, so they are refused. */
static int take_cpuid(struct jctx *j, yajl_val binfo,
                      libxl_domain_build_info *b)
{
    const char *cpath[] = { "cpuid", "cpuid", NULL };
    const char *mpath[] = { "cpuid", "msr", NULL };
    yajl_val leaves, msr;
    size_t k;

    if (!YAJL_IS_OBJECT(binfo) ||
        !yajl_tree_get(binfo, (const char *[]){ "cpuid", NULL },
                       yajl_t_any))
        return 0;
    leaves = yajl_tree_get(binfo, cpath, yajl_t_array);
    msr = yajl_tree_get(binfo, mpath, yajl_t_array);
    if (!leaves || (msr && msr->u.array.len))
        return jerr(j, "b_info.cpuid", "this policy cannot be represented");
    for (k = 0; k < leaves->u.array.len; k++)
        if (read_cpuid_leaf(j, leaves->u.array.values[k], &b->cpuid))
            return -1;
    return 0;
}

static const struct jfield top_f[] = {
    E(libxl_domain_config, "on_poweroff", on_poweroff, action_on_shutdown),
    E(libxl_domain_config, "on_reboot", on_reboot, action_on_shutdown),
    E(libxl_domain_config, "on_watchdog", on_watchdog, action_on_shutdown),
    E(libxl_domain_config, "on_crash", on_crash, action_on_shutdown),
    E(libxl_domain_config, "on_soft_reset", on_soft_reset,
      action_on_shutdown),
    END,
};

static int read_top_key(struct jctx *j, const char *key, yajl_val v,
                        libxl_domain_config *dc)
{
    struct yajl_val_s sub = { .type = yajl_t_object };
    const char *keys[1] = { key };
    yajl_val vals[1] = { v };

    if (!strcmp(key, "c_info"))
        return read_obj(j, v, cinfo_f, &dc->c_info, "c_info");
    if (!strcmp(key, "b_info"))
        return read_binfo(j, v, dc);
    if (!strcmp(key, "disks"))
        return read_disks(j, v, &dc->disks, &dc->num_disks, "disks");
    if (!strcmp(key, "nics"))
        return read_nics(j, v, &dc->nics, &dc->num_nics, "nics");
    if (!strcmp(key, "pcidevs"))
        return read_pcis(j, v, &dc->pcidevs, &dc->num_pcidevs, "pcidevs");
    if (!strcmp(key, "vfbs"))
        return read_vfbs(j, v, &dc->vfbs, &dc->num_vfbs, "vfbs");
    if (!strcmp(key, "vkbs"))
        return read_vkbs(j, v, &dc->vkbs, &dc->num_vkbs, "vkbs");
    if (!strcmp(key, "channels"))
        return read_channels(j, v, &dc->channels, &dc->num_channels,
                             "channels");
    if (!strcmp(key, "usbctrls"))
        return read_usbctrls(j, v, &dc->usbctrls, &dc->num_usbctrls,
                             "usbctrls");
    if (!strcmp(key, "usbdevs"))
        return read_usbdevs(j, v, &dc->usbdevs, &dc->num_usbdevs,
                            "usbdevs");
    sub.u.object.keys = keys;
    sub.u.object.values = vals;
    sub.u.object.len = 1;
    return read_obj(j, &sub, top_f, dc, "config");
}

/* A vcpu affinity: an array of bitmaps. */
static int read_affinity(struct jctx *j, yajl_val v, libxl_bitmap **arr,
                         int *n, const char *path)
{
    size_t k;

    if (!YAJL_IS_ARRAY(v))
        return jerr(j, path, "expected an array of bitmaps");
    *arr = calloc(v->u.array.len + 1, sizeof(**arr));
    if (!*arr)
        return jerr(j, path, "out of memory");
    for (k = 0; k < v->u.array.len; k++) {
        libxl_bitmap_init(&(*arr)[k]);
        *n = (int)k + 1;
        if (read_bitmap(j, v->u.array.values[k], &(*arr)[k], path))
            return -1;
    }
    return 0;
}

/* The vcpu affinity arrays are not plain fields: read on their own
 * (read_binfo skips them). */
static int take_affinity(struct jctx *j, yajl_val binfo,
                         libxl_domain_build_info *b)
{
    static const char *const names[] = {
        "vcpu_hard_affinity", "vcpu_soft_affinity",
    };
    size_t k;
    int t;

    if (!YAJL_IS_OBJECT(binfo))
        return 0;
    for (k = 0; k < binfo->u.object.len; k++) {
        for (t = 0; t < 2 && strcmp(binfo->u.object.keys[k], names[t]); t++)
            ;
        if (t == 2)
            continue;
        if (read_affinity(j, binfo->u.object.values[k],
                          t ? &b->vcpu_soft_affinity
                            : &b->vcpu_hard_affinity,
                          t ? &b->num_vcpu_soft_affinity
                            : &b->num_vcpu_hard_affinity, names[t]))
            return -1;
    }
    return 0;
}

int cfg_config_from_json(const char *json, libxl_domain_config *d_config,
                         char *err, size_t errlen)
{
    struct jctx j = { err, errlen };
    char yerr[256] = "";
    yajl_val root = yajl_tree_parse(json, yerr, sizeof(yerr));
    size_t k;
    int rc = -1;

    if (!root) {
        snprintf(err, errlen, "domain config JSON: %s",
                 *yerr ? yerr : "cannot parse");
        return -1;
    }
    if (!YAJL_IS_OBJECT(root)) {
        jerr(&j, "config", "expected an object");
        goto out;
    }
    for (k = 0; k < root->u.object.len; k++) {
        if (!strcmp(root->u.object.keys[k], "b_info") &&
            (take_affinity(&j, root->u.object.values[k],
                           &d_config->b_info) ||
             take_cpuid(&j, root->u.object.values[k], &d_config->b_info) ||
             take_vnuma(&j, root->u.object.values[k], &d_config->b_info)))
            goto out;
        if (read_top_key(&j, root->u.object.keys[k],
                         root->u.object.values[k], d_config))
            goto out;
    }
    rc = 0;
out:
    yajl_tree_free(root);
    return rc;
}
