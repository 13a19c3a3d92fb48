/*
 * sim.h - internals of the simulated backend.
 *
 * A simulated domain is a pair of processes: a supervisor, which plays
 * the part of xl's per-domain daemon (it restarts, preserves or destroys
 * the domain when the guest stops, following on_poweroff/on_reboot/
 * on_crash), and the guest, which owns the domain's memory (a sparse file
 * in the state dir), prints a boot log and runs a small shell on its
 * console.  Everything a command needs to know about a domain is in the
 * state dir:
 *
 *   DIR/lock               flock'ed while the set of domains changes
 *   DIR/next-domid         the next domid to try
 *   DIR/xen.log            the simulated hypervisor's message buffer
 *   DIR/cpupools           the cpupools and their schedulers' parameters
 *                          (sim_sched.c); none: Pool-0 has every cpu
 *   DIR/dom/ID/info        the domain record (key value lines)
 *   DIR/dom/ID/config.json the domain config in libxl's JSON
 *   DIR/dom/ID/extra       what the config says beyond libxl's (struct
 *                          cfg_extra, in its text form); only when any
 *   DIR/dom/ID/mem         the guest memory, sparse
 *   DIR/dom/ID/dirty       the log-dirty bitmap, one bit per page
 *   DIR/dom/ID/sock        the guest's console and control socket
 *   DIR/dom/ID/vtpms       its vTPMs (sim_vtpm.c); only when any
 *   DIR/dom/ID/usb         its USB controllers and devices (sim_usb.c)
 *   DIR/dom/ID/update.json config-update's config, which replaces
 *                          config.json at the next restart
 *
 * Records are replaced with rename(2), so readers never see half a file
 * and need no lock.
 */
#ifndef XLTOOL_SIM_H
#define XLTOOL_SIM_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cfg.h"
#include "core.h"

#define SIM_PAGE          4096u
#define SIM_MAX_VCPUS     128
#define SIM_NAME_MAX      128
#define SIM_MAX_DOMID     0x7fefu   /* below DOMID_FIRST_RESERVED */
#define SIM_CLOCK_MAGIC   0x58545349u

/* Domain life states in the record. */
enum sim_life {
    SIM_CREATING,
    SIM_RUNNING,
    SIM_SHUTDOWN,    /* stopped and preserved; reason says why */
    SIM_DYING,
};

/* Exit codes of the guest process: why it stopped. */
enum sim_exit {
    SIM_EXIT_POWEROFF = 10,
    SIM_EXIT_REBOOT = 11,
    SIM_EXIT_CRASH = 12,
    SIM_EXIT_SOFT_RESET = 13,
    SIM_EXIT_SETUP = 14,      /* could not start; message on ready pipe */
};

struct sim {
    struct be be;
    char dir[PATH_MAX - 64];       /* absolute; leaves room for names */
};

struct sim_dom {
    uint32_t domid;
    char name[SIM_NAME_MAX];
    char uuid[40];
    int type;                      /* libxl_domain_type */
    uint64_t max_kb, target_kb, mem_kb;
    unsigned int vcpus_max, vcpus_online;
    pid_t pid, spid;               /* guest, supervisor */
    uint64_t pid_start, spid_start;
    int life;                      /* enum sim_life */
    int reason;                    /* LIBXL_SHUTDOWN_REASON_* */
    int paused, suspended;
    uint64_t start_time;
    uint64_t affinity[SIM_MAX_VCPUS];   /* 0 = all cpus */
    /* Added: its cpupool and credit/credit2 parameters; weight 0 is the
     * scheduler's default (256), cap 0 is no cap. */
    uint32_t pool;
    int weight, cap;
    uint64_t soft[SIM_MAX_VCPUS];       /* added: soft affinity; 0 = all */
    /* Added: RTDS per vcpu, in microseconds; 0 is the default (10000,
     * 4000); extratime 0 default (yes), 1 no, 2 yes. */
    uint32_t rt_period[SIM_MAX_VCPUS], rt_budget[SIM_MAX_VCPUS];
    uint8_t rt_extra[SIM_MAX_VCPUS];
};

/* The first page of guest memory: the guest's clock, never checksummed.
 * What the guest runs lives here too, so that it travels with the memory
 * (a migration, a save and restore) as a real guest's state does. */
struct sim_clock {
    uint32_t magic;
    uint32_t boots;
    uint64_t counter;
    uint64_t boot_time;
    uint64_t dirty_rate;           /* the dirty workload, bytes/s; 0 off */
};

/* sim_state.c */
/* Fills err (XT_ERRLEN bytes); a long message is cut short. */
void sim_err(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int sim_path(const struct sim *s, uint32_t domid, const char *file,
             char *buf, size_t len, char *err);
/* Opens a state file for reading; one not written yet is no error: 0
 * with *f_r NULL. */
int sim_read_open(const char *path, FILE **f_r, char *err);
int sim_lock(const struct sim *s, int *fd_r, char *err);
void sim_unlock(int fd);
int sim_info_read(const struct sim *s, uint32_t domid, struct sim_dom *d,
                  char *err);
int sim_info_write(const struct sim *s, const struct sim_dom *d, char *err);
/* Replaces the file at path with text, through rename(2). */
int sim_write_text(const char *path, const char *text, char *err);
int sim_domids(const struct sim *s, uint32_t **ids_r, int *n_r, char *err);
int sim_alloc_domid(const struct sim *s, uint32_t *domid_r, char *err);
int sim_take_domid(const struct sim *s, uint32_t domid, char *err);
int sim_remove_dom(const struct sim *s, uint32_t domid);
int sim_find_name(const struct sim *s, const char *name, uint32_t *domid_r);
uint64_t sim_used_kb(const struct sim *s);
void sim_log(const struct sim *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int sim_config_load(const struct sim *s, uint32_t domid,
                    libxl_domain_config *c, char *err);
int sim_config_store(const struct sim *s, uint32_t domid,
                     libxl_domain_config *c, char *err);
/* DIR/dom/ID/extra: a missing file is an empty x (initialised here). */
int sim_extra_load(const struct sim *s, uint32_t domid, struct cfg_extra *x,
                   char *err);
int sim_extra_store(const struct sim *s, uint32_t domid,
                    const struct cfg_extra *x, char *err);
/* Its text, malloc'd ("" when there is none). */
char *sim_extra_text(const struct sim *s, uint32_t domid, char *err);
/* Marks disk vdev of a domain shared or not, in its stored extra. */
int sim_extra_mark(const struct sim *s, uint32_t domid, const char *vdev,
                   int shared, char *err);

/* Process facts from /proc. */
struct sim_proc {
    char state;                    /* R S D T Z ...; 0 when gone */
    uint64_t start;                /* start time, clock ticks */
    uint64_t cpu_ns;
    int cpu;
};
int sim_proc_read(pid_t pid, struct sim_proc *p);
int sim_proc_alive(pid_t pid, uint64_t start);
int sim_kill_wait(pid_t pid, uint64_t start, int sig);
void sim_host_mem(uint64_t *total_kb, uint64_t *avail_kb);
unsigned int sim_host_cpus(void);
/* The NUMA node of each of the n host CPUs into nodes[] (-1: none);
 * returns the number of nodes.  $XLTOOL_SIM_NODES (with or without
 * $XLTOOL_SIM_CPUS) fixes them for tests. */
int sim_cpu_nodes(int *nodes, unsigned int n);
uint64_t sim_free_kb(const struct sim *s);

/* sim_stream.c: the page stream. */
#define SIM_STREAM_MAGIC   "XLTSIMv1"
#define SIM_REC_PAGES      1u
#define SIM_REC_END        2u
#define SIM_STREAM_BATCH   256u
#define SIM_STREAM_MAX_PAGES (1ull << 28)   /* 1 TiB of guest memory */
#define SIM_STREAM_MAX_EXTRA (64u << 10)    /* the config's extra text */

/* Stores count pages that follow each other from pfn on. */
typedef int sim_page_fn(uint64_t pfn, uint64_t count, const void *pages,
                        void *opaque);
/* extra: the text of the domain's struct cfg_extra ("" or NULL: none);
 * the reader returns it malloc'd in *extra_r ("" when there was none). */
int sim_stream_write_header(int fd, uint64_t nr_pages, const char *extra,
                            char *err);
int sim_stream_write_pages(int fd, const uint64_t *pfns, unsigned int n,
                           const unsigned char *mem, char *err);
int sim_stream_write_end(int fd, char *err);
int sim_stream_read_header(int fd, uint64_t *nr_pages_r, char **extra_r,
                           char *err);
int sim_stream_read_body(int fd, uint64_t nr_pages, sim_page_fn *fn,
                         void *opaque, char *err);

/* Guest memory helpers shared by the guest and the sender. */
struct sim_mem {
    int fd, dfd;
    unsigned char *mem;
    uint64_t *dirty;
    uint64_t nr_pages;
};
int sim_mem_open(const struct sim *s, uint32_t domid, struct sim_mem *m,
                 char *err);
void sim_mem_close(struct sim_mem *m);
int sim_mem_page_is_zero(const struct sim_mem *m, uint64_t pfn);
uint64_t sim_mem_checksum(const struct sim_mem *m);
int sim_send(struct sim *s, struct sim_dom *d, int fd, unsigned int flags,
             be_progress_fn *progress, void *opaque, char *err);

/* sim_super.c: starting a domain's processes. */
struct sim_launch {
    uint32_t domid;
    const struct cfg_extra *extra; /* what the config says beyond c */
    int restored;                  /* memory came from a stream */
    int paused;
    int *keep_fds;                 /* disk fds the domain holds */
    int *busy;                     /* per disk fd: lock still to take over */
    int nkeep;
};
int sim_launch(struct sim *s, libxl_domain_config *c, struct sim_launch *l,
               char *err);

/* sim_guest.c: the guest process; never returns. */
struct sim_guest_args {
    const struct sim *s;
    uint32_t domid;
    libxl_domain_config *c;
    int restored;
    int soft_reset;                /* after a soft reset: memory kept */
    int ready_fd, go_fd;
};
void sim_guest_main(struct sim_guest_args *a) __attribute__((noreturn));

int sim_dump_core(const struct sim *s, uint32_t domid, const char *path,
                  char *err);

/* sim_dev.c: disks and vifs. */
/* Opens and locks the config's disk images (x says which are "w!");
 * with busy_r, images others' use forbids for now are opened without
 * their locks and flagged in (*busy_r)[i]. */
int sim_disks_open(libxl_domain_config *c, const struct cfg_extra *x,
                   int **fds_r, int **busy_r, int *n_r, char *err);
int sim_disk_open_ex(const libxl_device_disk *disk, int shared,
                     const char *dom, int *fd_r, int *busy_r, char *err);
void sim_disk_takeover(const libxl_device_disk *disk, int shared, int fd);
void sim_fds_close(int *fds, int n);
int sim_disk_open(const libxl_device_disk *disk, int shared, const char *dom,
                  int *fd_r, char *err);
void sim_nic_fill(libxl_device_nic *nic, int devid);
/* Opens a vif's tap on its bridge; -1 with why not in msg. */
int sim_vif_connect(const libxl_device_nic *nic, uint32_t domid, int *fd_r,
                    char *msg, size_t msglen);
int sim_vdev_devid(const char *vdev);

#endif
