/*
 * sim_host.c - the simulated hypervisor's host-wide requests: debug keys
 * (each key Xen has a handler for writes what it dumps to the message
 * buffer; others are ignored, as Xen ignores them) and runtime
 * parameters (checked as a whole, then logged), and its NUMA topology:
 * one node with the real machine's cpus and PCI devices (read, never
 * touched).
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_ops.h"

static void dump_domains(const struct sim *s)
{
    char err[XT_ERRLEN];
    uint32_t *ids = NULL;
    struct sim_dom d;
    int n = 0, i;

    sim_log(s, "General information for domain 0:");
    sim_log(s, "    VCPUs: %u", sim_host_cpus());
    if (sim_domids(s, &ids, &n, err))
        return;
    for (i = 0; i < n; i++) {
        if (sim_info_read(s, ids[i], &d, err))
            continue;
        sim_log(s, "General information for domain %u:", d.domid);
        sim_log(s, "    name=%s nr_pages=%" PRIu64 " max_pages=%" PRIu64,
                d.name, d.target_kb / 4, d.max_kb / 4);
        sim_log(s, "    VCPUs: %u online of %u, cpupool %u",
                d.vcpus_online, d.vcpus_max, d.pool);
    }
    free(ids);
}

/* The handlers of Xen's keys that the simulated hypervisor has. */
static int debug_key(const struct sim *s, char key)
{
    switch (key) {
    case 'h':
        sim_log(s, "'h' pressed -> showing installed handlers");
        sim_log(s, " key 'h' (ascii '68') => show this message");
        sim_log(s, " key 'm' (ascii '6d') => memory info");
        sim_log(s, " key 'q' (ascii '71') => dump domain (and guest "
                "debug) info");
        sim_log(s, " key 'r' (ascii '72') => dump run queues");
        return 0;
    case 'm':
        sim_log(s, "'m' pressed -> memory info");
        sim_log(s, "    free memory: %" PRIu64 " KiB", sim_free_kb(s));
        return 0;
    case 'q':
        sim_log(s, "'q' pressed -> dumping domain info");
        dump_domains(s);
        return 0;
    case 'r':
        sim_log(s, "'r' pressed -> dumping run queues");
        sim_log(s, "Online Cpus: 0-%u", sim_host_cpus() - 1);
        return 0;
    }
    return -1;
}

int sim_debug_keys(struct be *be, const char *keys, char *err)
{
    const char *k;

    if (!*keys)
        return sim_err(err, "no keys to send"), -1;
    for (k = keys; *k; k++)
        debug_key((struct sim *)be, *k);
    return 0;
}

/* "name=value", "name" or "no-name", as Xen's command line takes them. */
static int param_ok(const char *tok)
{
    const char *p;

    if (!*tok || *tok == '=')
        return 0;
    for (p = tok; *p && *p != '='; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return 0;
    return 1;
}

int sim_set_parameters(struct be *be, const char *params, char *err)
{
    char *copy = strdup(params), *tok, *save = NULL;
    int n = 0, rc = -1;

    if (!copy)
        return sim_err(err, "out of memory"), -1;
    for (tok = strtok_r(copy, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save), n++)
        if (!param_ok(tok)) {
            sim_err(err, "invalid parameter '%s'", tok);
            goto out;
        }
    if (!n) {
        sim_err(err, "no parameters");
        goto out;
    }
    free(copy);
    copy = strdup(params);
    if (!copy) {
        sim_err(err, "out of memory");
        goto out;
    }
    for (tok = strtok_r(copy, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
        sim_log((struct sim *)be, "parameter %s set at run time", tok);
    rc = 0;
out:
    free(copy);
    return rc;
}

/* The machine's CPUs as the simulated host reports them everywhere
 * (sim_cpu_topology: also what the config reader sizes CPU lists by). */
static int host_cpus_topology(struct be *be, struct be_topology *t)
{
    char err[XT_ERRLEN];

    return sim_cpu_topology(be, &t->cpus, &t->ncpus, err);
}

static int pci_cmp(const void *a, const void *b)
{
    const libxl_pcitopology *x = a, *y = b;
    uint32_t kx = (uint32_t)x->seg << 16 | x->bus << 8 | x->devfn;
    uint32_t ky = (uint32_t)y->seg << 16 | y->bus << 8 | y->devfn;

    return kx < ky ? -1 : kx > ky;
}

/* The real machine's PCI devices, read from sysfs and never touched; on
 * the simulated host they are all on its one node. */
static int sim_pci_topology(struct be_topology *t)
{
    unsigned int seg, bus, dev, fn;
    struct dirent *de;
    DIR *d = opendir("/sys/bus/pci/devices");
    int cap = 0;

    if (!d)
        return 0;
    while ((de = readdir(d))) {
        if (sscanf(de->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
            continue;
        if (t->npcis == cap) {
            libxl_pcitopology *p;
            cap = cap ? cap * 2 : 32;
            p = realloc(t->pcis, cap * sizeof(*p));
            if (!p) {
                closedir(d);
                return -1;
            }
            t->pcis = p;
        }
        t->pcis[t->npcis].seg = seg;
        t->pcis[t->npcis].bus = bus;
        t->pcis[t->npcis].devfn = (dev << 3) | fn;
        t->pcis[t->npcis++].node = 0;
    }
    closedir(d);
    if (t->npcis)
        qsort(t->pcis, t->npcis, sizeof(*t->pcis), pci_cmp);
    return 0;
}

/* The nodes the CPUs name (at least one), the simulated host's memory
 * spread evenly over them, with the distances Linux gives by default. */
static int host_nodes_topology(struct be *be, struct be_topology *t)
{
    uint64_t total, avail, freekb = sim_free_kb((struct sim *)be);
    int i, j, n = 1;

    sim_host_mem(&total, &avail);
    for (i = 0; i < t->ncpus; i++)
        if (t->cpus[i].node != LIBXL_CPUTOPOLOGY_INVALID_ENTRY &&
            (int)t->cpus[i].node + 1 > n)
            n = (int)t->cpus[i].node + 1;
    t->nodes = calloc((size_t)n, sizeof(*t->nodes));
    if (!t->nodes)
        return -1;
    t->nnodes = n;
    for (i = 0; i < n; i++) {
        t->nodes[i].size = (total << 10) / (uint64_t)n;
        t->nodes[i].free = (freekb << 10) / (uint64_t)n;
        t->nodes[i].num_dists = (uint32_t)n;
        t->nodes[i].dists = calloc((size_t)n, sizeof(uint32_t));
        if (!t->nodes[i].dists)
            return -1;
        for (j = 0; j < n; j++)
            t->nodes[i].dists[j] = i == j ? 10 : 20;
    }
    return 0;
}

int sim_topology(struct be *be, struct be_topology *t, char *err)
{
    if (host_cpus_topology(be, t) || host_nodes_topology(be, t) ||
        sim_pci_topology(t))
        goto fail;
    return 0;
fail:
    core_topology_dispose(t);
    return sim_err(err, "out of memory"), -1;
}

/* The simulated guests' only console is their text one. */
int sim_vncviewer(struct be *be, uint32_t domid, int autopass, char *err)
{
    struct sim_dom d;

    (void)autopass;
    if (sim_info_read((struct sim *)be, domid, &d, err))
        return -1;
    return sim_err(err, "domain %s has no VNC display (a simulated guest "
                   "has its text console only)", d.name), -1;
}

/* Kept beside the domain's config until its next restart (sim_super.c's
 * reload_config), with the domain's own name and UUID. */
int sim_config_update(struct be *be, uint32_t domid, const char *text,
                      size_t len, libxl_domain_config *c, char *err)
{
    struct sim *s = (struct sim *)be;
    char path[PATH_MAX], *json = NULL, *name = NULL;
    struct sim_dom d;
    libxl_uuid saved;
    int lk = -1, rc = -1;

    (void)text;
    (void)len;
    if (domid == 0)
        return sim_err(err, "Domain-0 is not rebuilt from a config"), -1;
    if (sim_lock(s, &lk, err) || sim_info_read(s, domid, &d, err) ||
        sim_path(s, domid, "update.json", path, sizeof(path), err))
        goto out;
    name = c->c_info.name;
    libxl_uuid_copy(NULL, &saved, &c->c_info.uuid);
    c->c_info.name = d.name;
    libxl_uuid_from_string(&c->c_info.uuid, d.uuid);
    json = cfg_config_to_json(c);
    c->c_info.name = name;
    libxl_uuid_copy(NULL, &c->c_info.uuid, &saved);
    if (!json) {
        sim_err(err, "domain %s: cannot write the config", d.name);
        goto out;
    }
    rc = sim_write_text(path, json, err);
out:
    free(json);
    sim_unlock(lk);
    return rc;
}
