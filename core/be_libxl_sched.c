/*
 * be_libxl_sched.c - the libxl backend's host-wide operations and the
 * newer per-domain ones: cpupools and scheduler parameters, NUMA affinity
 * and topology, debug keys, runtime parameters and the VNC viewer,
 * through libxl's own calls.  The cpupool operations check first what
 * makes a refusal one clear message before the hypervisor is asked (a cpu
 * that is not free, a cpu the pool does not have).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "be_libxl.h"

int be_lx_pool_list(struct be *be, libxl_cpupoolinfo **list_r, int *n_r,
                    char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int n = 0;

    *list_r = libxl_list_cpupool(lx->ctx, &n);
    if (!*list_r)
        return be_lx_fail(lx, err, INVALID_DOMID, "listing cpupools",
                          ERROR_FAIL);
    *n_r = n;
    return 0;
}

/* Every cpu set in cpus is free (in no pool); names the first that is
 * not. */
static int cpus_free(struct be_lx *lx, const libxl_bitmap *cpus, char *err)
{
    libxl_bitmap freemap;
    int i, rc = -1;

    libxl_bitmap_init(&freemap);
    if (libxl_get_freecpus(lx->ctx, &freemap)) {
        be_lx_fail(lx, err, INVALID_DOMID, "reading the free cpus",
                   ERROR_FAIL);
        goto out;
    }
    libxl_for_each_set_bit(i, *cpus)
        if (!libxl_bitmap_test(&freemap, i)) {
            snprintf(err, XT_ERRLEN, "cpu %d illegal or not free", i);
            goto out;
        }
    rc = 0;
out:
    libxl_bitmap_dispose(&freemap);
    return rc;
}

int be_lx_pool_create(struct be *be, const char *name, libxl_scheduler sched,
                      const libxl_bitmap *cpus, uint32_t *poolid_r,
                      char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_uuid uuid;
    uint32_t poolid = LIBXL_CPUPOOL_POOLID_ANY;
    int rc;

    if (!libxl_name_to_cpupoolid(lx->ctx, name, &poolid)) {
        snprintf(err, XT_ERRLEN, "Pool name \"%s\" already exists", name);
        return -1;
    }
    if (cpus_free(lx, cpus, err))
        return -1;
    libxl_uuid_generate(&uuid);
    poolid = LIBXL_CPUPOOL_POOLID_ANY;
    rc = libxl_cpupool_create(lx->ctx, name, sched, *cpus, &uuid, &poolid);
    if (rc)
        return be_lx_fail(lx, err, INVALID_DOMID, "creating the cpupool",
                          rc);
    *poolid_r = poolid;
    return 0;
}

int be_lx_pool_destroy(struct be *be, uint32_t poolid, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_cpupool_destroy(lx->ctx, poolid);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "destroying the cpupool",
                           rc) : 0;
}

int be_lx_pool_rename(struct be *be, uint32_t poolid, const char *name,
                      char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_cpupool_rename(lx->ctx, name, poolid);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "renaming the cpupool",
                           rc) : 0;
}

/* Every cpu set in cpus belongs to the pool. */
static int cpus_in_pool(struct be_lx *lx, uint32_t poolid,
                        const libxl_bitmap *cpus, char *err)
{
    libxl_cpupoolinfo info;
    int i, rc = -1;

    libxl_cpupoolinfo_init(&info);
    if (libxl_cpupool_info(lx->ctx, &info, poolid)) {
        be_lx_fail(lx, err, INVALID_DOMID, "reading the cpupool",
                   ERROR_FAIL);
        goto out;
    }
    libxl_for_each_set_bit(i, *cpus)
        if (!libxl_bitmap_test(&info.cpumap, i)) {
            snprintf(err, XT_ERRLEN, "cpu %d is not in cpupool %s", i,
                     info.pool_name);
            goto out;
        }
    rc = 0;
out:
    libxl_cpupoolinfo_dispose(&info);
    return rc;
}

int be_lx_pool_cpus(struct be *be, uint32_t poolid, const libxl_bitmap *cpus,
                    int add, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    if (add ? cpus_free(lx, cpus, err) : cpus_in_pool(lx, poolid, cpus, err))
        return -1;
    if (add)
        rc = libxl_cpupool_cpuadd_cpumap(lx->ctx, poolid, cpus);
    else
        rc = libxl_cpupool_cpuremove_cpumap(lx->ctx, poolid, cpus);
    return rc ? be_lx_fail(lx, err, INVALID_DOMID,
                           add ? "adding cpus" : "removing cpus", rc) : 0;
}

int be_lx_pool_move(struct be *be, uint32_t poolid, uint32_t domid,
                    char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_cpupool_movedomain(lx->ctx, poolid, domid);

    return rc ? be_lx_fail(lx, err, domid, "moving to the cpupool", rc) : 0;
}

int be_lx_sched_get(struct be *be, uint32_t domid,
                    libxl_domain_sched_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_sched_params_get(lx->ctx, domid, p);

    return rc ? be_lx_fail(lx, err, domid, "reading the scheduler "
                           "parameters", rc) : 0;
}

int be_lx_sched_set(struct be *be, uint32_t domid,
                    const libxl_domain_sched_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_sched_params_set(lx->ctx, domid, p);

    return rc ? be_lx_fail(lx, err, domid, "setting the scheduler "
                           "parameters", rc) : 0;
}

int be_lx_credit_get(struct be *be, uint32_t poolid,
                     libxl_sched_credit_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_sched_credit_params_get(lx->ctx, poolid, p);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "reading the credit "
                           "scheduler's parameters", rc) : 0;
}

int be_lx_credit_set(struct be *be, uint32_t poolid,
                     const libxl_sched_credit_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_sched_credit_params copy = *p;
    int rc = libxl_sched_credit_params_set(lx->ctx, poolid, &copy);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "setting the credit "
                           "scheduler's parameters", rc) : 0;
}

int be_lx_credit2_get(struct be *be, uint32_t poolid,
                      libxl_sched_credit2_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_sched_credit2_params_get(lx->ctx, poolid, p);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "reading the credit2 "
                           "scheduler's parameters", rc) : 0;
}

int be_lx_credit2_set(struct be *be, uint32_t poolid,
                      const libxl_sched_credit2_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_sched_credit2_params copy = *p;
    int rc = libxl_sched_credit2_params_set(lx->ctx, poolid, &copy);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "setting the credit2 "
                           "scheduler's parameters", rc) : 0;
}

int be_lx_node_affinity(struct be *be, uint32_t domid, libxl_bitmap *nodemap,
                        char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    libxl_bitmap_init(nodemap);
    rc = libxl_node_bitmap_alloc(lx->ctx, nodemap, 0);
    if (!rc)
        rc = libxl_domain_get_nodeaffinity(lx->ctx, domid, nodemap);
    return rc ? be_lx_fail(lx, err, domid, "reading the node affinity", rc)
              : 0;
}

int be_lx_debug_keys(struct be *be, const char *keys, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    char *copy = strdup(keys);
    int rc;

    if (!copy)
        return snprintf(err, XT_ERRLEN, "out of memory"), -1;
    rc = libxl_send_debug_keys(lx->ctx, copy);
    free(copy);
    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "sending debug keys", rc)
              : 0;
}

int be_lx_set_parameters(struct be *be, const char *params, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    char *copy = strdup(params);
    int rc;

    if (!copy)
        return snprintf(err, XT_ERRLEN, "out of memory"), -1;
    rc = libxl_set_parameters(lx->ctx, copy);
    free(copy);
    return rc ? be_lx_fail(lx, err, INVALID_DOMID, "setting parameters", rc)
              : 0;
}

int be_lx_topology(struct be *be, struct be_topology *t, char *err)
{
    struct be_lx *lx = be_lx_of(be);

    t->cpus = libxl_get_cpu_topology(lx->ctx, &t->ncpus);
    t->pcis = libxl_get_pci_topology(lx->ctx, &t->npcis);
    t->nodes = libxl_get_numainfo(lx->ctx, &t->nnodes);
    if (!t->cpus || !t->nodes) {
        core_topology_dispose(t);
        return be_lx_fail(lx, err, INVALID_DOMID, "reading the topology",
                          ERROR_FAIL);
    }
    return 0;
}

/* libxl execs the viewer in the calling process: a child of ours, left
 * to run on its own as xl leaves it. */
int be_lx_vncviewer(struct be *be, uint32_t domid, int autopass, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    pid_t pid = fork();

    if (pid < 0)
        return snprintf(err, XT_ERRLEN, "domain %u: vncviewer: %s", domid,
                        strerror(errno)), -1;
    if (pid == 0) {
        libxl_vncviewer_exec(lx->ctx, domid, autopass);
        _exit(127);
    }
    return 0;
}

int be_lx_vcpu_sched_get(struct be *be, uint32_t domid,
                         libxl_vcpu_sched_params *p, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = p->num_vcpus ? libxl_vcpu_sched_params_get(lx->ctx, domid, p)
                          : libxl_vcpu_sched_params_get_all(lx->ctx, domid,
                                                            p);

    return rc ? be_lx_fail(lx, err, domid, "reading the vcpus' scheduler "
                           "parameters", rc) : 0;
}

int be_lx_vcpu_sched_set(struct be *be, uint32_t domid,
                         const libxl_vcpu_sched_params *p, int all,
                         char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = all ? libxl_vcpu_sched_params_set_all(lx->ctx, domid, p)
                 : libxl_vcpu_sched_params_set(lx->ctx, domid, p);

    return rc ? be_lx_fail(lx, err, domid, "setting the vcpus' scheduler "
                           "parameters", rc) : 0;
}

/* As xl keeps it: the text, in the domain's "xl" userdata, which the
 * watcher (be_libxl_watch.c) reads when it restarts the domain. */
int be_lx_config_update(struct be *be, uint32_t domid, const char *text,
                        size_t len, libxl_domain_config *c, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    (void)c;
    rc = libxl_userdata_store(lx->ctx, domid, "xl", (const uint8_t *)text,
                              (int)len);
    return rc ? be_lx_fail(lx, err, domid, "storing the config", rc) : 0;
}
