/*
 * core.h - domain management behind a backend interface.
 *
 * Every xltool command talks to a struct be through its table of
 * operations; the libxl backend drives a real Xen hypervisor and the
 * simulated backend runs domains as local processes.  Nothing above this
 * interface knows which backend it has.
 *
 * Conventions: every operation returns 0 on success and -1 on failure,
 * with a one-line message naming the domain and the cause in err (at most
 * XT_ERRLEN bytes, caller-supplied).  Backends never print or exit.
 */
#ifndef XLTOOL_CORE_H
#define XLTOOL_CORE_H

#include <stdint.h>
#include <stddef.h>
#include <libxl.h>

#define XT_ERRLEN 512

/* What a config says beyond libxl_domain_config (config-parser/cfg.h). */
struct cfg_extra;
struct cfg_host;

/* Domain state bits; the list command prints them as r b p s c d. */
#define BE_ST_RUNNING   (1u << 0)
#define BE_ST_BLOCKED   (1u << 1)
#define BE_ST_PAUSED    (1u << 2)
#define BE_ST_SHUTDOWN  (1u << 3)
#define BE_ST_CRASHED   (1u << 4)
#define BE_ST_DYING     (1u << 5)

struct be_dominfo {
    uint32_t domid;
    char *name;
    libxl_uuid uuid;
    libxl_domain_type type;
    unsigned int state;          /* BE_ST_* */
    int shutdown_reason;         /* LIBXL_SHUTDOWN_REASON_*, if SHUTDOWN */
    uint64_t current_memkb;
    uint64_t max_memkb;
    unsigned int vcpu_online;
    unsigned int vcpu_max;
    uint64_t cpu_time_ns;
    uint64_t start_time;         /* seconds since the epoch; 0 if unknown
                                  * or not read: see core_start_time */
    uint32_t cpupool;            /* added: the cpupool it runs in */
    uint64_t outstanding_memkb;  /* added: claimed, not yet allocated */
    char *ssid_label;            /* added: XSM label, NULL without one */
};

struct be_vcpuinfo {
    uint32_t vcpuid;
    uint32_t cpu;                /* physical cpu it runs on */
    int online, blocked, running;
    uint64_t cpu_time_ns;
    libxl_bitmap cpumap;         /* hard affinity */
    libxl_bitmap cpumap_soft;    /* added: soft affinity; size 0 = all */
};

/* What block-list and network-list print for one device. */
struct be_devinfo {
    int devid;
    int backend_id;
    int state;
    int evtch;
    int rref_tx;                 /* ring-ref for disks; tx ring for nics */
    int rref_rx;
    char *mac;                   /* nics only, "xx:xx:..." */
    char *be_path;
};

enum be_shutdown_kind {
    BE_POWEROFF,
    BE_REBOOT,
};

enum be_trigger {
    BE_TRIGGER_POWER,
    BE_TRIGGER_RESET,
    BE_TRIGGER_NMI,
    /* Added: INIT to a vcpu, the sleep button, the wake from S3 (HVM). */
    BE_TRIGGER_INIT,
    BE_TRIGGER_SLEEP,
    BE_TRIGGER_S3RESUME,
};

enum be_console_kind {
    BE_CONSOLE_DEFAULT,
    BE_CONSOLE_PV,
    BE_CONSOLE_SERIAL,
};

#define BE_CREATE_PAUSED   (1u << 0)
/*
 * Added, for receive: the stream comes from a live migration whose source
 * may still hold the domain's disk images (on one host, or on storage
 * both hosts lock).  Images locked elsewhere are then not an error: the
 * new domain takes each lock over as soon as the source lets go of it
 * (when it is destroyed).  Without it receive refuses such images, as
 * create does.
 */
#define BE_RECEIVE_MIGRATING (1u << 2)
#define BE_PIN_FORCE       (1u << 0)  /* vcpu_pin */
/* disk_add: the disk's access is xm's "w!" (writable, may be shared). */
#define BE_DISK_SHARED     (1u << 0)
/*
 * Capabilities, in be_ops.caps.  BE_CAP_SHARED_DISKS: the backend honours
 * "w!" (struct cfg_extra) as xend's block script did.  A backend without
 * it treats such a disk as a plain writable one; the CLI warns.
 */
#define BE_CAP_SHARED_DISKS (1u << 0)
#define BE_SEND_LIVE       (1u << 0)  /* iterative pre-copy */
#define BE_SEND_CHECKPOINT (1u << 1)  /* leave the domain running afterwards */

/* Progress of a save or migration stream, reported as it goes. */
struct be_progress {
    uint64_t total_bytes;        /* guest memory to send */
    uint64_t sent_bytes;         /* bytes written to the stream so far */
    int round;                   /* 0 = first full pass */
    uint64_t dirty_pages;        /* pages dirtied during the last round */
    int suspended;               /* set once the guest has been stopped */
};
typedef void be_progress_fn(const struct be_progress *p, void *opaque);

/* Added: the host's NUMA topology (info -n); each list is libxl's, freed
 * by core_topology_dispose. */
struct be_topology {
    libxl_cputopology *cpus;
    int ncpus;
    libxl_pcitopology *pcis;
    int npcis;
    libxl_numainfo *nodes;
    int nnodes;
};

/* Added: one virtual USB controller and what its ports hold. */
#define BE_USB_PORTS 31
struct be_usbctrl {
    int devid;
    libxl_usbctrl_type type;
    int backend_id, state, version, ports;
    struct {
        int used;
        uint8_t bus, addr;
    } port[BE_USB_PORTS + 1];    /* 1 to ports */
};

struct be;

struct be_ops {
    const char *name;                        /* "libxl" or "sim" */
    void (*close)(struct be *be);

    int (*list)(struct be *be, struct be_dominfo **list_r, int *n_r,
                char *err);
    /* Seconds since the epoch when DOMID started, 0 if unknown.  For a
     * backend whose list leaves start_time out because reading it costs
     * a round trip per domain (NULL when list always fills it). */
    uint64_t (*start_time)(struct be *be, uint32_t domid);
    int (*get_config)(struct be *be, uint32_t domid,
                      libxl_domain_config *d_config, char *err);
    /* extra (may be NULL) is what the config says beyond d_config. */
    int (*create)(struct be *be, libxl_domain_config *d_config,
                  const struct cfg_extra *extra, unsigned int flags,
                  uint32_t *domid_r, char *err);
    int (*destroy)(struct be *be, uint32_t domid, char *err);
    int (*shutdown)(struct be *be, uint32_t domid, enum be_shutdown_kind k,
                    char *err);
    int (*pause)(struct be *be, uint32_t domid, char *err);
    int (*unpause)(struct be *be, uint32_t domid, char *err);
    int (*rename)(struct be *be, uint32_t domid, const char *new_name,
                  char *err);

    /*
     * Writes the backend's memory stream for domid to fd (the xl save-file
     * header has already been written by the caller).  With BE_SEND_LIVE
     * the memory is sent in pre-copy rounds while the guest runs.  On
     * success the domain is left suspended, unless BE_SEND_CHECKPOINT.
     */
    int (*send)(struct be *be, uint32_t domid, int fd, unsigned int flags,
                be_progress_fn *progress, void *opaque, char *err);
    /* Undoes a send that did not complete: the guest runs again. */
    int (*resume)(struct be *be, uint32_t domid, char *err);
    /* Creates a domain from a stream written by send; flags as create.
     * What send's backend knew beyond the config travels in its stream. */
    int (*receive)(struct be *be, libxl_domain_config *d_config, int fd,
                   unsigned int flags, uint32_t *domid_r, char *err);

    int (*set_memory)(struct be *be, uint32_t domid, uint64_t target_kb,
                      char *err);
    int (*set_maxmem)(struct be *be, uint32_t domid, uint64_t max_kb,
                      char *err);
    int (*set_vcpus)(struct be *be, uint32_t domid, unsigned int count,
                     char *err);
    int (*vcpu_list)(struct be *be, uint32_t domid,
                     struct be_vcpuinfo **list_r, int *n_r, char *err);
    /* vcpu -1: every vcpu.  hard or soft NULL: that affinity is left
     * as it is.  BE_PIN_FORCE: libxl's forced setting, which also undoes
     * a pinning the guest's kernel asked for (one vcpu only). */
    int (*vcpu_pin)(struct be *be, uint32_t domid, int vcpu,
                    const libxl_bitmap *hard, const libxl_bitmap *soft,
                    unsigned int flags, char *err);

    /* flags: BE_DISK_SHARED. */
    int (*disk_add)(struct be *be, uint32_t domid, libxl_device_disk *disk,
                    unsigned int flags, char *err);
    int (*disk_remove)(struct be *be, uint32_t domid,
                       libxl_device_disk *disk, char *err);
    int (*disk_list)(struct be *be, uint32_t domid,
                     struct be_devinfo **list_r, int *n_r, char *err);
    int (*nic_add)(struct be *be, uint32_t domid, libxl_device_nic *nic,
                   char *err);
    int (*nic_remove)(struct be *be, uint32_t domid, libxl_device_nic *nic,
                      char *err);
    int (*nic_list)(struct be *be, uint32_t domid,
                    struct be_devinfo **list_r, int *n_r, char *err);

    /* A connected fd to the domain's console number num (0: the first),
     * for reading and writing. */
    int (*console_open)(struct be *be, uint32_t domid,
                        enum be_console_kind kind, int num, int *fd_r,
                        char *err);
    /* The host's facts, and the hypervisor's version unless ver is
     * NULL. */
    int (*host_info)(struct be *be, libxl_physinfo *phys,
                     libxl_version_info *ver, char *err);
    /* The hypervisor's message buffer; malloc'd text in *buf_r. */
    int (*dmesg)(struct be *be, int clear, char **buf_r, char *err);
    /* vcpu: the vcpu an NMI or INIT goes to (0 for the others). */
    int (*trigger)(struct be *be, uint32_t domid, enum be_trigger t,
                   int vcpu, char *err);
    int (*sysrq)(struct be *be, uint32_t domid, char key, char *err);
    int (*dump_core)(struct be *be, uint32_t domid, const char *path,
                     char *err);

    /*
     * Added: the mandatory flag that marks this backend's memory stream in
     * the xl save-file header (savefile.h): XL_MANDATORY_FLAG_STREAMv2
     * for libxl's stream, XT_MANDATORY_FLAG_SIMSTREAM for the simulated
     * one.  0 is read as XL_MANDATORY_FLAG_STREAMv2.  save and migrate
     * write it; restore and the migration receiver refuse a stream whose
     * flag is not this backend's.
     */
    uint32_t save_flags;

    /* Added: BE_CAP_* of this backend. */
    unsigned int caps;

    /*
     * Added, may be NULL (the backend keeps none): what the domain's
     * config said beyond libxl's, as create and hot-plugs left it, into
     * x (initialised by the callee, and left empty on failure).
     */
    int (*get_extra)(struct be *be, uint32_t domid, struct cfg_extra *x,
                     char *err);

    /*
     * Added, may be NULL: reads the domain config JSON of a save-file
     * header written with this backend into d_config (initialised by the
     * caller).  The libxl backend's get_config returns everything libxl
     * knows of a domain (libxl_retrieve_domain_configuration), more than
     * cfg_config_from_json represents; this reads it with libxl itself.
     * When NULL, cfg_config_from_json reads it.
     */
    int (*config_from_json)(struct be *be, const char *json,
                            libxl_domain_config *d_config, char *err);

    /*
     * Added, may be NULL (every CPU then counts as node 0): the host's
     * CPU topology, *n_r entries in a malloc'd array that the caller
     * frees with libxl_cputopology_list_free.
     */
    int (*cpu_topology)(struct be *be, libxl_cputopology **topo_r, int *n_r,
                        char *err);

    /*
     * Added: scheduling and cpupools.  A pool list is freed with
     * libxl_cpupoolinfo_list_free.  pool_cpus adds (add != 0) or removes
     * the cpus set in cpus; it refuses, changing nothing, when one is not
     * free (add) or not in the pool (remove); past that check libxl may
     * move some and fail on others, as xl warns.  sched_get fills p->sched with the scheduler of the domain's
     * pool; sched_set takes the fields of p that are not libxl's
     * *_DEFAULT and refuses p->sched other than the pool's.
     */
    int (*pool_list)(struct be *be, libxl_cpupoolinfo **list_r, int *n_r,
                     char *err);
    int (*pool_create)(struct be *be, const char *name,
                       libxl_scheduler sched, const libxl_bitmap *cpus,
                       uint32_t *poolid_r, char *err);
    int (*pool_destroy)(struct be *be, uint32_t poolid, char *err);
    int (*pool_rename)(struct be *be, uint32_t poolid, const char *name,
                       char *err);
    int (*pool_cpus)(struct be *be, uint32_t poolid,
                     const libxl_bitmap *cpus, int add, char *err);
    int (*pool_move)(struct be *be, uint32_t poolid, uint32_t domid,
                     char *err);
    int (*sched_get)(struct be *be, uint32_t domid,
                     libxl_domain_sched_params *p, char *err);
    int (*sched_set)(struct be *be, uint32_t domid,
                     const libxl_domain_sched_params *p, char *err);
    int (*credit_get)(struct be *be, uint32_t poolid,
                      libxl_sched_credit_params *p, char *err);
    int (*credit_set)(struct be *be, uint32_t poolid,
                      const libxl_sched_credit_params *p, char *err);
    int (*credit2_get)(struct be *be, uint32_t poolid,
                       libxl_sched_credit2_params *p, char *err);
    int (*credit2_set)(struct be *be, uint32_t poolid,
                       const libxl_sched_credit2_params *p, char *err);
    /* Added: the NUMA nodes the domain's memory prefers, into nodemap
     * (allocated here, for every node of the host). */
    int (*node_affinity)(struct be *be, uint32_t domid,
                         libxl_bitmap *nodemap, char *err);
    /* Added: the hypervisor's debug keys, and its runtime parameters
     * ("name=value ..."; all or none are set). */
    int (*debug_keys)(struct be *be, const char *keys, char *err);
    int (*set_parameters)(struct be *be, const char *params, char *err);
    /* Added: fills t (zeroed by the caller). */
    int (*topology)(struct be *be, struct be_topology *t, char *err);
    /* Added: block-detach -f: removes the disk without waiting for the
     * guest to let go of it. */
    int (*disk_destroy)(struct be *be, uint32_t domid,
                        libxl_device_disk *disk, char *err);
    /* Added: starts a VNC viewer on the domain's display, in the
     * background (restore -V); autopass: it reads the password. */
    int (*vncviewer)(struct be *be, uint32_t domid, int autopass,
                     char *err);

    /*
     * Added: PCI passthrough and CD-ROM media.  Lists are freed with
     * libxl_device_pci_list_free.  pci_assignable_* take only the
     * device's address (domain, bus, dev, func); rebind: give it back to
     * its driver (remove) or save it for that (add).  pci_remove with
     * force does not wait for the guest.  cdrom_insert puts disk's target
     * (empty: eject) into the domain's CD-ROM drive disk->vdev.
     */
    int (*pci_assignable_list)(struct be *be, libxl_device_pci **list_r,
                               int *n_r, char *err);
    int (*pci_assignable_add)(struct be *be, libxl_device_pci *pci,
                              int rebind, char *err);
    int (*pci_assignable_remove)(struct be *be, libxl_device_pci *pci,
                                 int rebind, char *err);
    int (*pci_add)(struct be *be, uint32_t domid, libxl_device_pci *pci,
                   char *err);
    int (*pci_remove)(struct be *be, uint32_t domid, libxl_device_pci *pci,
                      int force, char *err);
    int (*pci_list)(struct be *be, uint32_t domid, libxl_device_pci **list_r,
                    int *n_r, char *err);
    int (*cdrom_insert)(struct be *be, uint32_t domid,
                        libxl_device_disk *disk, char *err);

    /*
     * Added: vTPMs and channels.  Lists are arrays of libxl's info types,
     * each disposed, then freed.  vtpm_remove names the vTPM by uuid, or
     * by devid when uuid is NULL.
     */
    int (*vtpm_add)(struct be *be, uint32_t domid, libxl_device_vtpm *vtpm,
                    char *err);
    int (*vtpm_remove)(struct be *be, uint32_t domid, int devid,
                       const libxl_uuid *uuid, char *err);
    int (*vtpm_list)(struct be *be, uint32_t domid, libxl_vtpminfo **list_r,
                     int *n_r, char *err);
    int (*channel_list)(struct be *be, uint32_t domid,
                        libxl_channelinfo **list_r, int *n_r, char *err);

    /*
     * Added: virtual USB.  usbdev_add takes usbdev->ctrl -1 (and port 0)
     * for the first free port, making a controller when there is none,
     * as libxl does.  A list is freed with free().
     */
    int (*usbctrl_add)(struct be *be, uint32_t domid,
                       libxl_device_usbctrl *ctrl, char *err);
    int (*usbctrl_remove)(struct be *be, uint32_t domid, int devid,
                          char *err);
    int (*usbdev_add)(struct be *be, uint32_t domid,
                      libxl_device_usbdev *dev, char *err);
    int (*usbdev_remove)(struct be *be, uint32_t domid, int ctrl, int port,
                         char *err);
    int (*usb_list)(struct be *be, uint32_t domid, struct be_usbctrl **list_r,
                    int *n_r, char *err);

    /*
     * Added: per-vcpu scheduler parameters (RTDS).  vcpu_sched_get fills
     * p->vcpus for the vcpus it names (p->num_vcpus of them), or for every
     * vcpu when p->num_vcpus is 0 (then allocated here).  vcpu_sched_set
     * sets the vcpus p names, or with all every vcpu to p->vcpus[0]'s.
     */
    int (*vcpu_sched_get)(struct be *be, uint32_t domid,
                          libxl_vcpu_sched_params *p, char *err);
    int (*vcpu_sched_set)(struct be *be, uint32_t domid,
                          const libxl_vcpu_sched_params *p, int all,
                          char *err);

    /*
     * Added: config-update.  The config the domain is rebuilt from at its
     * next restart: text (the file with its key=value lines, as xl keeps
     * it) and c, parsed from it by the caller.  The domain keeps its name
     * and UUID.
     */
    int (*config_update)(struct be *be, uint32_t domid, const char *text,
                         size_t len, libxl_domain_config *c, char *err);
};

struct be {
    const struct be_ops *ops;
};

/*
 * Opens the backend chosen by $XLTOOL_BACKEND ("libxl" or "sim"), or, by
 * default, libxl on a Xen dom0 and sim elsewhere.  *fallback_r is set to 1
 * when the simulated backend was chosen because no hypervisor was found,
 * so that the CLI can say so.
 */
int core_open(struct be **be_r, int *fallback_r, char *err);
void core_close(struct be *be);

/*
 * The host facts the config reader sizes CPU maps and checks vNUMA by
 * (struct cfg_host, cfg.h), from the backend's host information and CPU
 * topology, into h (whose cpu_node is replaced).  Returns 0 or -1 with a
 * message in err.
 */
int core_host_facts(struct be *be, struct cfg_host *h, char *err);
/* Non-zero when this host is a Xen dom0. */
int core_host_is_dom0(void);

/* Reads the domain config JSON of a save file or migration stream with
 * the backend's own reader when it has one, else cfg_config_from_json. */
int core_config_from_json(struct be *be, const char *json,
                          libxl_domain_config *d_config, char *err);

/* Resolves a domain given by name, domid or UUID. */
int core_lookup(struct be *be, const char *spec, uint32_t *domid_r,
                char *err);
void core_dominfo_list_free(struct be_dominfo *list, int n);
/* The entry of LIST (N entries) for DOMID, or NULL. */
const struct be_dominfo *core_dominfo_find(const struct be_dominfo *list,
                                           int n, uint32_t domid);
/* When D started: its start_time, else what the backend reads. */
uint64_t core_start_time(struct be *be, const struct be_dominfo *d);
void core_vcpuinfo_list_free(struct be_vcpuinfo *list, int n);
void core_devinfo_list_free(struct be_devinfo *list, int n);
void core_topology_dispose(struct be_topology *t);

/* Added (stats.c): a domain's statistics as xentop shows them. */
struct be_netstat {
    int devid;
    uint64_t rbytes, rpkts, rerrs, rdrop;   /* as the domain sees them */
    uint64_t tbytes, tpkts, terrs, tdrop;
};
struct be_vbdstat {
    int dev;                     /* the disk's device number */
    int error;                   /* no statistics to read */
    uint64_t oo, rd, wr, rsect, wsect;
};
struct be_domstats {
    struct be_netstat *nets;     /* the vifs vifDOMID.N of this host */
    int nnets;
    struct be_vbdstat *vbds;     /* the domain's virtual disks */
    int nvbds;
};
int core_dom_stats(struct be *be, uint32_t domid, struct be_domstats *s,
                   char *err);
void core_domstats_dispose(struct be_domstats *s);

/* Per-backend constructors; core_open picks one. */
int be_sim_open(struct be **be_r, char *err);
int be_libxl_open(struct be **be_r, char *err);

#endif
