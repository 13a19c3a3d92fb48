/*
 * core.c - backend selection and the helpers every command shares:
 * finding a domain by name, domid or UUID, and freeing backend lists.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "core.h"

int core_host_is_dom0(void)
{
    char buf[256];
    FILE *f;
    int dom0 = 0;

    f = fopen("/proc/xen/capabilities", "r");
    if (f) {
        if (fgets(buf, sizeof(buf), f) && strstr(buf, "control_d"))
            dom0 = 1;
        fclose(f);
    }
    if (!dom0 && access("/dev/xen/privcmd", F_OK) == 0)
        dom0 = 1;
    return dom0;
}

int core_open(struct be **be_r, int *fallback_r, char *err)
{
    const char *want = getenv("XLTOOL_BACKEND");

    *fallback_r = 0;
    if (want && *want) {
        if (!strcmp(want, "libxl"))
            return be_libxl_open(be_r, err);
        if (!strcmp(want, "sim"))
            return be_sim_open(be_r, err);
        snprintf(err, XT_ERRLEN,
                 "XLTOOL_BACKEND=%s: unknown backend (use libxl or sim)",
                 want);
        return -1;
    }
    if (core_host_is_dom0())
        return be_libxl_open(be_r, err);
    *fallback_r = 1;
    return be_sim_open(be_r, err);
}

int core_config_from_json(struct be *be, const char *json,
                          libxl_domain_config *d_config, char *err)
{
    if (be->ops->config_from_json)
        return be->ops->config_from_json(be, json, d_config, err);
    return cfg_config_from_json(json, d_config, err, XT_ERRLEN);
}

void core_close(struct be *be)
{
    if (be)
        be->ops->close(be);
}

/* The node of each CPU from the backend's topology; NULL (all node 0)
 * when the backend has none. */
static int host_cpu_nodes(struct be *be, int nr_cpus, int **nodes_r,
                          char *err)
{
    libxl_cputopology *topo = NULL;
    int n = 0, k, *nodes;

    *nodes_r = NULL;
    if (!be->ops->cpu_topology)
        return 0;
    if (be->ops->cpu_topology(be, &topo, &n, err))
        return -1;
    nodes = calloc((size_t)nr_cpus, sizeof(*nodes));
    if (!nodes) {
        libxl_cputopology_list_free(topo, n);
        snprintf(err, XT_ERRLEN, "out of memory");
        return -1;
    }
    for (k = 0; k < nr_cpus; k++)
        nodes[k] = k < n && topo[k].node != LIBXL_CPUTOPOLOGY_INVALID_ENTRY
                   ? (int)topo[k].node : -1;
    libxl_cputopology_list_free(topo, n);
    *nodes_r = nodes;
    return 0;
}

int core_host_facts(struct be *be, struct cfg_host *h, char *err)
{
    libxl_physinfo phys;
    int *nodes = NULL, rc = -1;

    libxl_physinfo_init(&phys);
    if (be->ops->host_info(be, &phys, NULL, err))
        goto out;
    if (host_cpu_nodes(be, (int)phys.max_cpu_id + 1, &nodes, err))
        goto out;
    free(h->cpu_node);
    h->cpu_node = nodes;
    h->nr_cpus = (int)phys.max_cpu_id + 1;
    h->nr_nodes = phys.nr_nodes ? (int)phys.nr_nodes : 1;
    rc = 0;
out:
    libxl_physinfo_dispose(&phys);
    return rc;
}

static int parse_domid(const char *s, uint32_t *domid_r)
{
    char *end;
    unsigned long v;

    if (!*s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return -1;
    *domid_r = v;
    return 0;
}

int core_lookup(struct be *be, const char *spec, uint32_t *domid_r,
                char *err)
{
    struct be_dominfo *list = NULL;
    libxl_uuid uuid;
    uint32_t want;
    int n = 0, i, by_id, by_uuid, found = -1;

    if (be->ops->list(be, &list, &n, err))
        return -1;
    by_id = parse_domid(spec, &want) == 0;
    by_uuid = !by_id && libxl_uuid_from_string(&uuid, spec) == 0;
    for (i = 0; i < n && found < 0; i++) {
        if (by_id ? list[i].domid == want
            : by_uuid ? !libxl_uuid_compare(&list[i].uuid, &uuid)
                      : !strcmp(list[i].name, spec))
            found = i;
    }
    if (found >= 0)
        *domid_r = list[found].domid;
    else
        snprintf(err, XT_ERRLEN, "domain '%s' does not exist", spec);
    core_dominfo_list_free(list, n);
    return found >= 0 ? 0 : -1;
}

void core_dominfo_list_free(struct be_dominfo *list, int n)
{
    int i;

    for (i = 0; list && i < n; i++) {
        free(list[i].name);
        free(list[i].ssid_label);
    }
    free(list);
}

const struct be_dominfo *core_dominfo_find(const struct be_dominfo *list,
                                           int n, uint32_t domid)
{
    int i;

    for (i = 0; list && i < n; i++)
        if (list[i].domid == domid)
            return &list[i];
    return NULL;
}

uint64_t core_start_time(struct be *be, const struct be_dominfo *d)
{
    if (d->start_time || !be->ops->start_time)
        return d->start_time;
    return be->ops->start_time(be, d->domid);
}

void core_vcpuinfo_list_free(struct be_vcpuinfo *list, int n)
{
    int i;

    for (i = 0; list && i < n; i++)
    {
        libxl_bitmap_dispose(&list[i].cpumap);
        libxl_bitmap_dispose(&list[i].cpumap_soft);
    }
    free(list);
}

void core_devinfo_list_free(struct be_devinfo *list, int n)
{
    int i;

    for (i = 0; list && i < n; i++) {
        free(list[i].mac);
        free(list[i].be_path);
    }
    free(list);
}

void core_topology_dispose(struct be_topology *t)
{
    if (t->cpus)
        libxl_cputopology_list_free(t->cpus, t->ncpus);
    if (t->pcis)
        libxl_pcitopology_list_free(t->pcis, t->npcis);
    if (t->nodes)
        libxl_numainfo_list_free(t->nodes, t->nnodes);
    memset(t, 0, sizeof(*t));
}
