/*
 * be_libxl.h - what the files of the libxl backend share: the backend
 * structure, the logger that captures libxl's messages, and the error
 * formatting that turns a libxl return code and the last logged lines
 * into one message for the caller.
 */
#ifndef XLTOOL_BE_LIBXL_H
#define XLTOOL_BE_LIBXL_H

#include <stdarg.h>
#include <sys/types.h>
#include <libxl.h>
#include <xentoollog.h>

#include "core.h"

#define LX_LOG_KEEP  4      /* error lines kept for the next message */
#define LX_LOG_LINE  256

/*
 * Captures libxl's messages instead of printing them: the last few at
 * error level or above are kept so that a failing operation can quote
 * them.  Messages may also be appended to a file (the watcher's log).
 */
struct be_lx_logger {
    xentoollog_logger vtable;
    char lines[LX_LOG_KEEP][LX_LOG_LINE];
    int next;               /* ring index of the next line */
    int count;              /* lines held, at most LX_LOG_KEEP */
    int min_level;          /* xentoollog_level kept */
    int fd;                 /* file copy of every message, or -1 */
    /* While a save runs: its progress, as libxc reports it. */
    be_progress_fn *progress;
    void *progress_opaque;
};

#define LX_REAPED_MAX 16

/* Children of ours that libxl reaped while it owned SIGCHLD. */
struct be_lx_reaped {
    pid_t pid;
    int status;
};

struct be_lx {
    struct be be;
    libxl_ctx *ctx;
    struct be_lx_logger log;
    struct be_lx_reaped reaped[LX_REAPED_MAX];
    int n_reaped;
};

static inline struct be_lx *be_lx_of(struct be *be)
{
    return (struct be_lx *)be;
}

void be_lx_logger_init(struct be_lx_logger *lg, int min_level, int fd);
void be_lx_logger_clear(struct be_lx_logger *lg);
/* The kept lines, oldest first, joined with "; " into buf. */
void be_lx_logger_last(const struct be_lx_logger *lg, char *buf, size_t len);

/* Allocates a libxl context logging into lg, with child processes set up
 * as xl does.  Returns 0, or -1 with a message in err. */
int be_lx_ctx_open(struct be_lx *lx, char *err);
/* Waits for a child we forked, whether or not libxl reaped it first. */
int be_lx_wait_child(struct be_lx *lx, pid_t pid, int *status_r);
/* Turns libxc's "Frames iteration N of M" progress into be_progress. */
void be_lx_progress_parse(const char *doing_what, unsigned long done,
                          unsigned long total, struct be_progress *p);

/* Fills err with "domain D: WHAT failed: <libxl error> (<log lines>)".
 * domid may be INVALID_DOMID for host-wide operations.  Returns -1. */
int be_lx_fail(struct be_lx *lx, char *err, uint32_t domid, const char *what,
            int rc);
const char *be_lx_strerror(int rc);

/* Conversions between libxl's view and the backend interface. */
unsigned int be_lx_state_bits(const libxl_dominfo *info);
int be_lx_dominfo_fill(struct be_dominfo *out, const libxl_dominfo *in,
                    const char *name, uint64_t start_time);

/* Every vif bridge named in d_config exists on this host. */
int be_lx_check_bridges(const libxl_domain_config *d_config, char *err);

/* Starts the process that waits for the domain to shut down and applies
 * on_poweroff/on_reboot/on_crash, as xl's daemonised child does.  The
 * caller keeps running; the watcher outlives it. */
int be_lx_watch_spawn(struct be_lx *lx, uint32_t domid,
                   const libxl_domain_config *d_config, char *err);
/* The action a shutdown reason calls for, from the domain's config. */
libxl_action_on_shutdown be_lx_shutdown_action(const libxl_domain_config *c,
                                            int reason);

/* Operation tables of the families, filled into the one ops table. */
int be_lx_create(struct be *be, libxl_domain_config *d_config,
              const struct cfg_extra *extra, unsigned int flags,
              uint32_t *domid_r, char *err);
int be_lx_receive(struct be *be, libxl_domain_config *d_config, int fd,
               unsigned int flags, uint32_t *domid_r, char *err);
int be_lx_send(struct be *be, uint32_t domid, int fd, unsigned int flags,
            be_progress_fn *progress, void *opaque, char *err);
int be_lx_resume(struct be *be, uint32_t domid, char *err);

int be_lx_set_memory(struct be *be, uint32_t domid, uint64_t target_kb,
                  char *err);
int be_lx_set_maxmem(struct be *be, uint32_t domid, uint64_t max_kb,
                  char *err);
int be_lx_set_vcpus(struct be *be, uint32_t domid, unsigned int count,
                 char *err);
int be_lx_vcpu_list(struct be *be, uint32_t domid, struct be_vcpuinfo **list_r,
                 int *n_r, char *err);
int be_lx_vcpu_pin(struct be *be, uint32_t domid, int vcpu,
                   const libxl_bitmap *hard, const libxl_bitmap *soft,
                   unsigned int flags, char *err);
int be_lx_disk_add(struct be *be, uint32_t domid, libxl_device_disk *disk,
                unsigned int flags, char *err);
int be_lx_disk_remove(struct be *be, uint32_t domid, libxl_device_disk *disk,
                   char *err);
int be_lx_disk_list(struct be *be, uint32_t domid, struct be_devinfo **list_r,
                 int *n_r, char *err);
int be_lx_nic_add(struct be *be, uint32_t domid, libxl_device_nic *nic,
               char *err);
int be_lx_nic_remove(struct be *be, uint32_t domid, libxl_device_nic *nic,
                  char *err);
int be_lx_nic_list(struct be *be, uint32_t domid, struct be_devinfo **list_r,
                int *n_r, char *err);

/* Scheduling and cpupools (be_libxl_sched.c). */
int be_lx_pool_list(struct be *be, libxl_cpupoolinfo **list_r, int *n_r,
                    char *err);
int be_lx_pool_create(struct be *be, const char *name, libxl_scheduler sched,
                      const libxl_bitmap *cpus, uint32_t *poolid_r,
                      char *err);
int be_lx_pool_destroy(struct be *be, uint32_t poolid, char *err);
int be_lx_pool_rename(struct be *be, uint32_t poolid, const char *name,
                      char *err);
int be_lx_pool_cpus(struct be *be, uint32_t poolid, const libxl_bitmap *cpus,
                    int add, char *err);
int be_lx_pool_move(struct be *be, uint32_t poolid, uint32_t domid,
                    char *err);
int be_lx_sched_get(struct be *be, uint32_t domid,
                    libxl_domain_sched_params *p, char *err);
int be_lx_sched_set(struct be *be, uint32_t domid,
                    const libxl_domain_sched_params *p, char *err);
int be_lx_credit_get(struct be *be, uint32_t poolid,
                     libxl_sched_credit_params *p, char *err);
int be_lx_credit_set(struct be *be, uint32_t poolid,
                     const libxl_sched_credit_params *p, char *err);
int be_lx_credit2_get(struct be *be, uint32_t poolid,
                      libxl_sched_credit2_params *p, char *err);
int be_lx_credit2_set(struct be *be, uint32_t poolid,
                      const libxl_sched_credit2_params *p, char *err);
int be_lx_node_affinity(struct be *be, uint32_t domid, libxl_bitmap *nodemap,
                        char *err);
int be_lx_debug_keys(struct be *be, const char *keys, char *err);
int be_lx_set_parameters(struct be *be, const char *params, char *err);
int be_lx_topology(struct be *be, struct be_topology *t, char *err);
int be_lx_disk_destroy(struct be *be, uint32_t domid,
                       libxl_device_disk *disk, char *err);
int be_lx_vncviewer(struct be *be, uint32_t domid, int autopass, char *err);
/* be_libxl_pci.c */
int be_lx_pci_assignable_list(struct be *be, libxl_device_pci **list_r,
                              int *n_r, char *err);
int be_lx_pci_assignable_add(struct be *be, libxl_device_pci *pci,
                             int rebind, char *err);
int be_lx_pci_assignable_remove(struct be *be, libxl_device_pci *pci,
                                int rebind, char *err);
int be_lx_pci_add(struct be *be, uint32_t domid, libxl_device_pci *pci,
                  char *err);
int be_lx_pci_remove(struct be *be, uint32_t domid, libxl_device_pci *pci,
                     int force, char *err);
int be_lx_pci_list(struct be *be, uint32_t domid, libxl_device_pci **list_r,
                   int *n_r, char *err);
int be_lx_cdrom_insert(struct be *be, uint32_t domid,
                       libxl_device_disk *disk, char *err);
int be_lx_vtpm_add(struct be *be, uint32_t domid, libxl_device_vtpm *vtpm,
                   char *err);
int be_lx_vtpm_remove(struct be *be, uint32_t domid, int devid,
                      const libxl_uuid *uuid, char *err);
int be_lx_vtpm_list(struct be *be, uint32_t domid, libxl_vtpminfo **list_r,
                    int *n_r, char *err);
int be_lx_channel_list(struct be *be, uint32_t domid,
                       libxl_channelinfo **list_r, int *n_r, char *err);
int be_lx_usbctrl_add(struct be *be, uint32_t domid,
                      libxl_device_usbctrl *ctrl, char *err);
int be_lx_usbctrl_remove(struct be *be, uint32_t domid, int devid,
                         char *err);
int be_lx_usbdev_add(struct be *be, uint32_t domid,
                     libxl_device_usbdev *dev, char *err);
int be_lx_usbdev_remove(struct be *be, uint32_t domid, int ctrl, int port,
                        char *err);
int be_lx_usb_list(struct be *be, uint32_t domid, struct be_usbctrl **list_r,
                   int *n_r, char *err);
int be_lx_vcpu_sched_get(struct be *be, uint32_t domid,
                         libxl_vcpu_sched_params *p, char *err);
int be_lx_vcpu_sched_set(struct be *be, uint32_t domid,
                         const libxl_vcpu_sched_params *p, int all,
                         char *err);
int be_lx_config_update(struct be *be, uint32_t domid, const char *text,
                        size_t len, libxl_domain_config *c, char *err);

#endif
