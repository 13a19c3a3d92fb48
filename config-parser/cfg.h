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

/*
 * The host a config is read for.  xl sizes every CPU map by the host's
 * CPU count (libxl_cpu_bitmap_alloc: max_cpu_id + 1 bits, rounded up to
 * whole bytes), so that "all" sets every bit of those bytes and a CPU
 * beyond them is dropped; "nodes:N" means the CPUs of NUMA node N; and
 * vNUMA pnodes must be nodes of the host.  nr_cpus == 0 means "not
 * known": maps then grow to the CPUs named, and the forms that need the
 * host ("all", "nodes:") are refused.
 */
struct cfg_host {
    int nr_cpus;               /* max_cpu_id + 1; 0: unknown */
    int nr_nodes;              /* NUMA nodes (>= 1 when nr_cpus is known) */
    int *cpu_node;             /* node of each of the nr_cpus CPUs, -1 for
                                * none; NULL: every CPU is in node 0 */
};

/* What the reader takes from outside the config file: the defaults that
 * xl takes from its global /etc/xen/xl.conf, the personality the file is
 * read with, and the host. */
struct cfg_globals {
    int claim_mode;            /* -1 when not set */
    int run_hotplug_scripts;   /* 1 by default */
    char *default_bridge;      /* NULL means "xenbr0" */
    char *default_vifscript;   /* NULL means no script */
    char *default_gatewaydev;
    char *default_vifbackend;
    char *lockfile;
    int output_sxp;            /* output_format="sxp"; json by default */
    /* Non-zero: read xm's spellings with xm's meaning (vfb type=vnc,
     * vif type=netfront, bootargs, cpu_cap).  Zero: as xl reads them, so
     * that the JSON is xl's wherever xl accepts the config. */
    int xm_mode;
    struct cfg_host host;      /* cpu_node is owned (freed by dispose) */
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
 * What a config says that libxl_domain_config has no field for, kept
 * beside it and handed to the backend with it (cfg_extra.c).  For now:
 * the disks whose access is xm's "w!" (writable, and the image may be
 * shared with other domains), by virtual device name.  The libxl config
 * of such a disk says "w" (readwrite), as libxl knows no other mode.
 */
#define CFG_EXTRA_VDEV_MAX 64

struct cfg_extra {
    char **shared;                 /* vdevs of the "w!" disks */
    int num_shared;
};

void cfg_extra_init(struct cfg_extra *x);
void cfg_extra_dispose(struct cfg_extra *x);
/* Non-zero when disk vdev is shared; x may be NULL. */
int cfg_extra_is_shared(const struct cfg_extra *x, const char *vdev);
/* Marks vdev shared (on != 0) or not; -1 when out of memory or when vdev
 * is not a usable name (empty, white space, CFG_EXTRA_VDEV_MAX long). */
int cfg_extra_set_shared(struct cfg_extra *x, const char *vdev, int on);
/* dst (not initialised) becomes a copy of src (may be NULL). */
int cfg_extra_copy(struct cfg_extra *dst, const struct cfg_extra *src);
/* A text form for storing it ("" when there is nothing), malloc'd; and
 * back, refusing any line it does not understand.  x is initialised by
 * cfg_extra_from_text. */
char *cfg_extra_to_text(const struct cfg_extra *x);
int cfg_extra_from_text(const char *text, struct cfg_extra *x, char *err,
                        size_t errlen);

/*
 * One disk given on a command line (block-attach) in xl's syntax or xm's
 * words (nspecs strings, as xlu_disk_parse takes them), into disk
 * (initialised by the caller); *shared_r is set when the access is "w!".
 * Returns 0, or -1 with a message in err.
 */
int cfg_disk_parse(int nspecs, const char *const *specs,
                   libxl_device_disk *disk, int *shared_r, char *err,
                   size_t errlen);

/*
 * One CPU list as xl reads `cpus`, `cpus_soft` and vcpu-pin's arguments:
 * comma-separated items, each a CPU "N", a range "N-M", "all", or NUMA
 * nodes "nodes:N" / "nodes:N-M" / "nodes:all" ("node:" too), any of
 * them but "all" negated by a leading "^" (removed from what the items
 * before it selected).  map (initialised by the caller, then owned by
 * it) is sized for host h as xl sizes it.  The map may end up empty:
 * whether that is an error is the caller's to say.  Returns 0, or -1
 * with a message in err.
 */
int cfg_cpumap_parse(const char *s, const struct cfg_host *h,
                     libxl_bitmap *map, char *err, size_t errlen);

/*
 * One nic given on a command line (network-attach): nspecs "key=value"
 * fields of a vif spec (mac, bridge, ip, script, backend, vifname, rate,
 * mtu, model, type, ...), after xl.conf's defaults from g (may be NULL),
 * into nic (initialised by the caller).  Returns 0, or -1 with a message
 * in err.
 */
int cfg_nic_parse(int nspecs, const char *const *specs,
                  const struct cfg_globals *g, libxl_device_nic *nic,
                  char *err, size_t errlen);

/*
 * Parses the config at path, with command-line variables vars[0..nvars-1]
 * of the form "key=value" overriding the file, into d_config, which the
 * caller has initialised with libxl_domain_config_init(), and what libxl
 * has no field for into extra (initialised by the caller with
 * cfg_extra_init(); NULL when not wanted).  Returns 0 when there are no
 * errors (warnings may still be present in diags), -1 otherwise.
 */
int cfg_parse_file(const char *path, int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_extra *extra,
                   struct cfg_diags *diags);

/* The same, for a config held in memory; name is used in diagnostics. */
int cfg_parse_data(const char *name, const char *data, size_t len,
                   int nvars, char *const *vars,
                   const struct cfg_globals *g,
                   libxl_domain_config *d_config, struct cfg_extra *extra,
                   struct cfg_diags *diags);

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
