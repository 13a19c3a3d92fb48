/*
 * xltool.h - the command-line layer: the command table, the option helper
 * and the few functions every command shares.  Only this layer prints and
 * chooses exit codes.
 */
#ifndef XLTOOL_XLTOOL_H
#define XLTOOL_XLTOOL_H

#include <getopt.h>
#include <stdio.h>

#include "cfg.h"
#include "core.h"

/* Exit codes, as xm and xl scripts expect them. */
#define EXIT_OK     0
#define EXIT_FAIL   1
#define EXIT_USAGE  2

#define CMD_DRYRUN    (1u << 0)  /* can run without a hypervisor (-n) */
#define CMD_MODIFIES  (1u << 1)  /* changes domain or host state */

struct cmd_spec {
    const char *name;
    int (*fn)(int argc, char **argv);
    unsigned int flags;
    const char *usage;    /* synopsis after the command name */
    const char *help;     /* one line */
    const char *options;  /* option lines, '\n'-separated; may be "" */
};

extern const struct cmd_spec cmd_table[];
extern const int cmd_table_count;

/* Where xm 4.4's grammar differs from xl's: the command's usage and
 * options as xm, which help prints when run as xm.  The rows name
 * commands of cmd_table. */
struct cmd_xm_spec {
    const char *name;
    const char *usage;
    const char *options;
};

/* A group of commands in help: its heading and its commands' names,
 * separated by ", ". */
struct cmd_family {
    const char *title;
    const char *names;
};

extern const struct cmd_family cmd_families[];
extern const int cmd_families_count;

extern const struct cmd_xm_spec cmd_xm_table[];
extern const int cmd_xm_table_count;

/* Non-zero when invoked as "xm": xm 4.4's options, meanings and output
 * formats are used; otherwise (as "xl" or "xltool") xl 4.17's. */
extern int xt_xm_mode;
/* The name the program was invoked as, for messages and for the command
 * a migration runs on the other host ("xltool", "xl" or "xm"). */
extern const char *xt_progname;
/* xl.conf's output_format is "sxp": list -l and create -n print xl's
 * S-expressions instead of JSON (xl and xltool only). */
extern int xt_output_sxp;
/* xl's global -N: a command that changes state checks and prints what it
 * would do and changes nothing. */
extern int xt_dryrun;

/* The command of that exact name (subcommands such as "bridge create"
 * included). */
const struct cmd_spec *cmd_lookup(const char *name);
/* The command a user's word names, as xl and xm resolve it: the exact
 * name, then (as xm) one of xm's deprecated aliases, with xm's notice on
 * stderr, then any prefix that names only one command (xm: of two
 * letters or more).  NULL if none or several. */
const struct cmd_spec *cmd_resolve(const char *word);
void cmd_print_help(FILE *f, const struct cmd_spec *cmd);
void cmd_print_usage(FILE *f, const struct cmd_spec *cmd);

/*
 * The one option parser for every command.  Options may come before,
 * between or after the positional arguments, as with xl's and xm's GNU
 * getopt; "--" ends them.  An opts string that starts with '+' stops at
 * the first positional argument instead (a dispatcher whose subcommand
 * parses the rest).  Handles -h/--help (prints the command's help, exits
 * 0), unknown options and fewer than min_args positional arguments
 * (prints the usage line, exits 2).  Returns the next option character,
 * or -1 when the options are done; the positional arguments are then
 * argv[optind] to argv[argc - 1], in their order.
 */
int xt_getopt(int argc, char **argv, const char *opts,
              const struct option *longopts, const char *cmd, int min_args);

#define SWITCH_FOREACH_OPT(opt, opts, longopts, cmd, min_args)              \
    while (((opt) = xt_getopt(argc, argv, (opts), (longopts), (cmd),        \
                              (min_args))) != -1)                           \
        switch (opt)

/* Exits 2 with the usage line when more than max positional arguments
 * remain after the options. */
void xt_check_max_args(int argc, char **argv, int max, const char *cmd);

/* Messages: "xltool: ..." on stderr. */
void xt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the backend for a command, printing the fallback notice or the
 * error; returns NULL on failure. */
struct be *xt_backend(void);

/* Strict number parsing: the whole string must be a number in range. */
int xt_parse_long(const char *s, long min, long max, long *val_r);
/* Memory sizes as xl takes them: a number with an optional unit b, k, m,
 * g or t (default unit given by def_unit), result in KiB. */
int xt_parse_memkb(const char *s, char def_unit, uint64_t *kb_r);

/* A config file's text with "Variable=value" words appended (util.c). */
char *xt_config_text(const char *file, int nvars, char **vars,
                     size_t *len_r, int *open_errno_r);

/* Attaches the terminal to a domain's console until Ctrl-] (console.c).
 * Returns an exit status. */
int xt_console(struct be *be, uint32_t domid, enum be_console_kind kind);
/* The same for console number num, detaching on the key esc. */
int xt_console_ex(struct be *be, uint32_t domid, enum be_console_kind kind,
                  int num, char esc);

/* Command handlers, one file per family. */
int main_help(int argc, char **argv);
int main_create(int argc, char **argv);
int main_migrate(int argc, char **argv);
int main_migrate_receive(int argc, char **argv);
int main_relocation_server(int argc, char **argv);
int main_list(int argc, char **argv);
int main_console(int argc, char **argv);
int main_destroy(int argc, char **argv);
int main_shutdown(int argc, char **argv);
int main_reboot(int argc, char **argv);
int main_pause(int argc, char **argv);
int main_unpause(int argc, char **argv);
int main_save(int argc, char **argv);
int main_restore(int argc, char **argv);
int main_rename(int argc, char **argv);
int main_domid(int argc, char **argv);
int main_domname(int argc, char **argv);
int main_uptime(int argc, char **argv);
int main_info(int argc, char **argv);
int main_dmesg(int argc, char **argv);
int main_memset(int argc, char **argv);
int main_memmax(int argc, char **argv);
int main_vcpuset(int argc, char **argv);
int main_vcpulist(int argc, char **argv);
int main_vcpupin(int argc, char **argv);
int main_blockattach(int argc, char **argv);
int main_blockdetach(int argc, char **argv);
int main_blocklist(int argc, char **argv);
int main_networkattach(int argc, char **argv);
int main_networkdetach(int argc, char **argv);
int main_networklist(int argc, char **argv);
int main_trigger(int argc, char **argv);
int main_sysrq(int argc, char **argv);
int main_dumpcore(int argc, char **argv);
int main_bridge(int argc, char **argv);
int main_bridge_create(int argc, char **argv);
int main_bridge_delete(int argc, char **argv);
int main_bridge_list(int argc, char **argv);
int main_bridge_attach(int argc, char **argv);
int main_bridge_detach(int argc, char **argv);
/* Scheduling and cpupools (sched.c, cpupool.c). */
int main_sched_credit(int argc, char **argv);
int main_sched_credit2(int argc, char **argv);
int main_sched_rtds(int argc, char **argv);
int main_cpupool_create(int argc, char **argv);
int main_cpupool_list(int argc, char **argv);
int main_cpupool_destroy(int argc, char **argv);
int main_cpupool_rename(int argc, char **argv);
int main_cpupool_cpu_add(int argc, char **argv);
int main_cpupool_cpu_remove(int argc, char **argv);
int main_cpupool_migrate(int argc, char **argv);
int main_cpupool_numa_split(int argc, char **argv);
/* Host and monitoring (list.c). */
int main_claims(int argc, char **argv);
int main_vm_list(int argc, char **argv);
int main_domstate(int argc, char **argv);
int main_debug_keys(int argc, char **argv);
int main_set_parameters(int argc, char **argv);
int main_top(int argc, char **argv);
/* PCI passthrough and CD-ROM media (pci.c). */
int main_pci_attach(int argc, char **argv);
int main_pci_detach(int argc, char **argv);
int main_pci_list(int argc, char **argv);
int main_pci_assignable_add(int argc, char **argv);
int main_pci_assignable_remove(int argc, char **argv);
int main_pci_assignable_list(int argc, char **argv);
int main_cd_insert(int argc, char **argv);
int main_cd_eject(int argc, char **argv);
/* vTPMs and channels (vtpm.c). */
int main_vtpm_attach(int argc, char **argv);
int main_vtpm_detach(int argc, char **argv);
int main_vtpm_list(int argc, char **argv);
int main_channel_list(int argc, char **argv);
/* Virtual USB (usb.c). */
int main_usbctrl_attach(int argc, char **argv);
int main_usbctrl_detach(int argc, char **argv);
int main_usbdev_attach(int argc, char **argv);
int main_usbdev_detach(int argc, char **argv);
int main_usb_list(int argc, char **argv);
/* Events (domctl.c). */
int main_button_press(int argc, char **argv);
int main_config_update(int argc, char **argv);
int main_reset(int argc, char **argv);

/* Parses the config file named on the command line (found as xm did),
 * with key=value variables, for the host of backend be (NULL: one opened
 * quietly for the purpose); prints every diagnostic.  Returns 0 when the
 * config is usable. */
int xt_load_config(struct be *be, const char *name, int nvars, char **vars,
                   libxl_domain_config *d_config, struct cfg_extra *extra);

/* Resolves a domain named by name, domid or UUID; prints the error. */
int xt_find_domain(struct be *be, const char *spec, uint32_t *domid_r);
/* Adds the device dev (already parsed) to the domain dom through add, a
 * wrapper of one backend operation; prints "cmd: error" when that fails.
 * Returns an exit status; the caller disposes of dev. */
typedef int (*xt_attach_fn)(struct be *be, uint32_t domid, void *dev,
                            char *err);
int xt_attach_device(const char *cmd, const char *dom, xt_attach_fn add,
                     void *dev);
/* The six state letters of list: xl's (r b p s REASON d), xm's
 * (r b p s c d). */
void xt_state_xl(const struct be_dominfo *d, char out[7]);
void xt_state_xm(const struct be_dominfo *d, char out[7]);
/* xl's S-expressions of one domain (list -l and create -n with
 * output_format="sxp"); domid -1 and uuid NULL for create -n. */
void xt_print_xl_sxp(int domid, const libxl_uuid *uuid,
                     const libxl_domain_config *d);
/* vcpu-list of these domains, in xl's format or xm's (also xm list -v). */
int xt_vcpu_list(struct be *be, const struct be_dominfo *doms, int n);
/* xm list --long. */
int xt_list_sxp(struct be *be, const struct be_dominfo *l, int n);
/* The save-file header (saverestore.c), also for migration: the
 * backend's stream flag, writing the header for a domain, and reading
 * one back into a config.  Both print their errors. */
uint32_t xt_stream_flag(const struct be *be);
int xt_write_header(struct be *be, uint32_t domid, int fd, const char *dest);
int xt_read_header(struct be *be, int fd, const char *src,
                   libxl_domain_config *c);

/* Managed domains (managed.c; the store is core/managed.h). */
struct managed_dom;
/* The domid list prints as "-" and the state bits of a managed domain
 * that does not run: halted, or suspended into the store. */
#define XT_DOMID_HALTED UINT32_MAX
#define XT_ST_HALTED    (1u << 16)
#define XT_ST_SUSPENDED (1u << 17)
int main_new(int argc, char **argv);
int main_start(int argc, char **argv);
int main_delete(int argc, char **argv);
int main_suspend(int argc, char **argv);
int main_resume(int argc, char **argv);
int main_autostart(int argc, char **argv);
/* After a change to running domain domid: its store entry, if it is
 * managed, takes the domain's config as it is now.  0, or -1 (printed). */
int xt_managed_sync(struct be *be, uint32_t domid);
/* Starts md: from its save image when it has one, else from its config. */
int xt_managed_start(struct be *be, const struct managed_dom *md, int paused,
                     uint32_t *domid_r);
/* Saves running domid to path (through path.tmp, renamed once complete)
 * and destroys it; on failure the domain runs on and no file is left. */
int xt_save_atomic(struct be *be, uint32_t domid, const char *path);
/* Saves running domid into the store's image of uuid and destroys it. */
int xt_managed_suspend(struct be *be, uint32_t domid, const char *uuid);
/* Rows (domid XT_DOMID_HALTED) for the managed domains not in run. */
int xt_managed_halted(struct be *be, const struct be_dominfo *run, int n,
                      struct be_dominfo **rows_r, int *n_r);

/* Host boot and shutdown (hostctl.c). */
int main_host_start(int argc, char **argv);
int main_host_stop(int argc, char **argv);
/* A job of xt_run_parallel: runs in a child process, returns its exit
 * status (0 to 255). */
typedef int xt_job_fn(int i, void *ctx);
/* Runs fn(0..n-1) in child processes, at most parallel at once, and
 * leaves each one's exit status in status_r[i].  -1 if it cannot. */
int xt_run_parallel(int n, int parallel, xt_job_fn *fn, void *ctx,
                    int *status_r);

/* Host evacuation (evacuate.c). */
int main_evacuate(int argc, char **argv);

/* Host cpus as xl takes them: "all", or ranges like "0-3,6" below ncpus,
 * set in map (allocated for ncpus by the caller). */
int xt_parse_cpus(const char *s, libxl_bitmap *map, int ncpus);
/* Resolves a cpupool given by name or id in the backend's pool list;
 * prints xl's "unknown cpupool" line.  The list is the caller's to free
 * (libxl_cpupoolinfo_list_free). */
int xt_find_pool(struct be *be, const char *spec, libxl_cpupoolinfo **list_r,
                 int *n_r, uint32_t *poolid_r);
/* The backend's pools; prints the error. */
int xt_pool_list(struct be *be, libxl_cpupoolinfo **list_r, int *n_r);
/* The first n bits of map as xl prints cpus and nodes: "all", "none" or
 * ranges like "0-3,6". */
void xt_print_bitmap(const libxl_bitmap *map, int n);
/* A zeroed bitmap of ncpus bits; prints the error. */
int xt_cpumap_alloc(libxl_bitmap *map, int ncpus);

#endif
