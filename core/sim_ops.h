/*
 * sim_ops.h - the simulated backend's operations on a running domain's
 * memory, vcpus and devices, and on the host (sim_ops.c), for be_sim.c's
 * operation table.
 */
#ifndef XLTOOL_SIM_OPS_H
#define XLTOOL_SIM_OPS_H

#include "sim.h"

int sim_running(struct sim *s, uint32_t domid, struct sim_dom *d,
                char *err);
/* Changes a domain's record and stored config together, under the state
 * dir's lock: fn changes them or fails, changing nothing. */
typedef int sim_config_fn(struct sim *s, libxl_domain_config *c,
                          struct sim_dom *d, void *arg, char *err);
int sim_with_config(struct sim *s, uint32_t domid, sim_config_fn *fn,
                    void *arg, char *err);
int sim_ctl(struct sim *s, uint32_t domid, const char *req, char *err);
int sim_ctl_fd(struct sim *s, uint32_t domid, const char *req, int pass_fd,
               char *err);

int sim_set_memory(struct be *be, uint32_t domid, uint64_t kb, char *err);
int sim_set_maxmem(struct be *be, uint32_t domid, uint64_t kb, char *err);
int sim_set_vcpus(struct be *be, uint32_t domid, unsigned int n, char *err);
int sim_vcpu_list(struct be *be, uint32_t domid, struct be_vcpuinfo **l_r,
                  int *n_r, char *err);
int sim_vcpu_pin(struct be *be, uint32_t domid, int vcpu,
                 const libxl_bitmap *hard, const libxl_bitmap *soft,
                 unsigned int flags, char *err);
int sim_disk_add(struct be *be, uint32_t domid, libxl_device_disk *disk,
                 unsigned int flags, char *err);
int sim_disk_remove(struct be *be, uint32_t domid, libxl_device_disk *disk,
                    char *err);
int sim_disk_list(struct be *be, uint32_t domid, struct be_devinfo **l_r,
                  int *n_r, char *err);
int sim_nic_add(struct be *be, uint32_t domid, libxl_device_nic *nic,
                char *err);
int sim_nic_remove(struct be *be, uint32_t domid, libxl_device_nic *nic,
                   char *err);
int sim_nic_list(struct be *be, uint32_t domid, struct be_devinfo **l_r,
                 int *n_r, char *err);
int sim_console_open(struct be *be, uint32_t domid, enum be_console_kind k,
                     int num, int *fd_r, char *err);
int sim_cpu_topology(struct be *be, libxl_cputopology **topo_r, int *n_r,
                     char *err);
int sim_host_info(struct be *be, libxl_physinfo *phys,
                  libxl_version_info *ver, char *err);
int sim_dmesg(struct be *be, int clear, char **buf_r, char *err);
int sim_trigger(struct be *be, uint32_t domid, enum be_trigger t, int vcpu,
                char *err);
int sim_sysrq(struct be *be, uint32_t domid, char key, char *err);
int sim_dump_core_op(struct be *be, uint32_t domid, const char *path,
                     char *err);

/* sim_sched.c: cpupools and scheduler parameters. */
int sim_pool_list(struct be *be, libxl_cpupoolinfo **list_r, int *n_r,
                  char *err);
int sim_pool_create(struct be *be, const char *name, libxl_scheduler sched,
                    const libxl_bitmap *cpus, uint32_t *poolid_r, char *err);
int sim_pool_destroy(struct be *be, uint32_t poolid, char *err);
int sim_pool_rename(struct be *be, uint32_t poolid, const char *name,
                    char *err);
int sim_pool_cpus(struct be *be, uint32_t poolid, const libxl_bitmap *cpus,
                  int add, char *err);
int sim_pool_move(struct be *be, uint32_t poolid, uint32_t domid, char *err);
int sim_sched_get(struct be *be, uint32_t domid,
                  libxl_domain_sched_params *sp, char *err);
int sim_sched_set(struct be *be, uint32_t domid,
                  const libxl_domain_sched_params *sp, char *err);
int sim_credit_get(struct be *be, uint32_t poolid,
                   libxl_sched_credit_params *cp, char *err);
int sim_credit_set(struct be *be, uint32_t poolid,
                   const libxl_sched_credit_params *cp, char *err);
int sim_credit2_get(struct be *be, uint32_t poolid,
                    libxl_sched_credit2_params *cp, char *err);
int sim_credit2_set(struct be *be, uint32_t poolid,
                    const libxl_sched_credit2_params *cp, char *err);
int sim_node_affinity(struct be *be, uint32_t domid, libxl_bitmap *nodemap,
                      char *err);
/* sim_host.c */
int sim_debug_keys(struct be *be, const char *keys, char *err);
int sim_set_parameters(struct be *be, const char *params, char *err);
int sim_topology(struct be *be, struct be_topology *t, char *err);
int sim_vncviewer(struct be *be, uint32_t domid, int autopass, char *err);
/* sim_pci.c */
int sim_pci_assignable_list(struct be *be, libxl_device_pci **list_r,
                            int *n_r, char *err);
int sim_pci_assignable_add(struct be *be, libxl_device_pci *pci, int rebind,
                           char *err);
int sim_pci_assignable_remove(struct be *be, libxl_device_pci *pci,
                              int rebind, char *err);
int sim_pci_add(struct be *be, uint32_t domid, libxl_device_pci *pci,
                char *err);
int sim_pci_remove(struct be *be, uint32_t domid, libxl_device_pci *pci,
                   int force, char *err);
int sim_pci_list(struct be *be, uint32_t domid, libxl_device_pci **list_r,
                 int *n_r, char *err);
int sim_cdrom_insert(struct be *be, uint32_t domid, libxl_device_disk *disk,
                     char *err);
/* sim_vtpm.c */
int sim_vtpm_add(struct be *be, uint32_t domid, libxl_device_vtpm *vtpm,
                 char *err);
int sim_vtpm_remove(struct be *be, uint32_t domid, int devid,
                    const libxl_uuid *uuid, char *err);
int sim_vtpm_list(struct be *be, uint32_t domid, libxl_vtpminfo **list_r,
                  int *n_r, char *err);
int sim_channel_list(struct be *be, uint32_t domid,
                     libxl_channelinfo **list_r, int *n_r, char *err);
/* sim_usb.c */
int sim_usbctrl_add(struct be *be, uint32_t domid, libxl_device_usbctrl *ctrl,
                    char *err);
int sim_usbctrl_remove(struct be *be, uint32_t domid, int devid, char *err);
int sim_usbdev_add(struct be *be, uint32_t domid, libxl_device_usbdev *dev,
                   char *err);
int sim_usbdev_remove(struct be *be, uint32_t domid, int ctrl, int port,
                      char *err);
int sim_usb_list(struct be *be, uint32_t domid, struct be_usbctrl **list_r,
                 int *n_r, char *err);
int sim_vcpu_sched_get(struct be *be, uint32_t domid,
                       libxl_vcpu_sched_params *vp, char *err);
int sim_vcpu_sched_set(struct be *be, uint32_t domid,
                       const libxl_vcpu_sched_params *vp, int all,
                       char *err);
int sim_config_update(struct be *be, uint32_t domid, const char *text,
                      size_t len, libxl_domain_config *c, char *err);

#endif
