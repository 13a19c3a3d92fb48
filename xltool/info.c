/*
 * info.c - info and dmesg (facts about the host and the hypervisor, in
 * xl's "key                    : value" layout, which xm also used), and
 * the hypervisor's debug keys and runtime parameters.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <libxl_utils.h>

#include "xltool.h"

static const char *info_key;   /* print only this key's value */

static void line(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void line(const char *key, const char *fmt, ...)
{
    va_list ap;

    if (info_key && strcmp(info_key, key))
        return;
    if (!info_key)
        printf("%-23s: ", key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void host_lines(const libxl_physinfo *p)
{
    struct utsname u;
    char caps[64];

    if (uname(&u) == 0) {
        line("host", "%s", u.nodename);
        line("release", "%s", u.release);
        line("version", "%s", u.version);
        line("machine", "%s", u.machine);
    }
    line("nr_cpus", "%d", p->nr_cpus);
    line("max_cpu_id", "%d", p->max_cpu_id);
    line("nr_nodes", "%d", p->nr_nodes);
    line("cores_per_socket", "%d", p->cores_per_socket);
    line("threads_per_core", "%d", p->threads_per_core);
    line("cpu_mhz", "%d.%03d", p->cpu_khz / 1000, p->cpu_khz % 1000);
    line("hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x",
         p->hw_cap[0], p->hw_cap[1], p->hw_cap[2], p->hw_cap[3],
         p->hw_cap[4], p->hw_cap[5], p->hw_cap[6], p->hw_cap[7]);
    /* xl prints the flags each with a leading blank, right after ':'. */
    snprintf(caps, sizeof(caps), "%s%s%s%s", p->cap_pv ? " pv" : "",
             p->cap_hvm ? " hvm" : "",
             p->cap_hvm_directio ? " hvm_directio" : "",
             p->cap_hap ? " hap" : "");
    line("virt_caps", "%s", caps[0] ? caps + 1 : "");
}

/* What the pools say: the scheduler Xen booted with (Pool-0's) and the
 * cpus in no pool. */
struct pool_facts {
    const char *sched;
    int free_cpus;
};

static void pool_facts(struct be *be, int nr_cpus, struct pool_facts *f)
{
    libxl_cpupoolinfo *pools = NULL;
    char err[XT_ERRLEN];
    int n = 0, i, c, used = 0;

    f->sched = "credit2";
    f->free_cpus = nr_cpus;
    if (be->ops->pool_list(be, &pools, &n, err))
        return;
    for (i = 0; i < n; i++) {
        if (pools[i].poolid == 0)
            f->sched = libxl_scheduler_to_string(pools[i].sched);
        libxl_for_each_set_bit(c, pools[i].cpumap)
            used++;
    }
    f->free_cpus = used < nr_cpus ? nr_cpus - used : 0;
    libxl_cpupoolinfo_list_free(pools, n);
}

static void mem_lines(const libxl_physinfo *p, const libxl_version_info *v,
                      const struct pool_facts *f)
{
    uint64_t per_mb = (1 << 20) / (v->pagesize ? v->pagesize : 4096);

    line("total_memory", "%" PRIu64, p->total_pages / per_mb);
    line("free_memory", "%" PRIu64,
         (p->free_pages - p->outstanding_pages) / per_mb);
    line("sharing_freed_memory", "%" PRIu64, p->sharing_freed_pages / per_mb);
    line("sharing_used_memory", "%" PRIu64, p->sharing_used_frames / per_mb);
    line("outstanding_claims", "%" PRIu64, p->outstanding_pages / per_mb);
    line("free_cpus", "%d", f->free_cpus);
}

static void xen_lines(const libxl_version_info *v,
                      const struct pool_facts *f)
{
#define S(x) ((x) ? (x) : "")
    line("xen_major", "%d", v->xen_version_major);
    line("xen_minor", "%d", v->xen_version_minor);
    line("xen_extra", "%s", S(v->xen_version_extra));
    line("xen_version", "%d.%d%s", v->xen_version_major,
         v->xen_version_minor, S(v->xen_version_extra));
    line("xen_caps", "%s", S(v->capabilities));
    line("xen_scheduler", "%s", f->sched);
    line("xen_pagesize", "%u", v->pagesize);
    line("platform_params", "virt_start=0x%" PRIx64, v->virt_start);
    line("xen_changeset", "%s", S(v->changeset));
    line("xen_commandline", "%s", S(v->commandline));
    line("cc_compiler", "%s", S(v->compiler));
    line("cc_compile_by", "%s", S(v->compile_by));
    line("cc_compile_domain", "%s", S(v->compile_domain));
    line("cc_compile_date", "%s", S(v->compile_date));
    line("build_id", "%s", S(v->build_id));
    line("xend_config_format", "4");
#undef S
}

/* info -n: cpu and device topology, then the nodes' memory, between the
 * host's lines and Xen's as xl prints them. */
static void numa_lines(struct be *be)
{
    struct be_topology t;
    char err[XT_ERRLEN];
    int i, j, devs = 0;

    memset(&t, 0, sizeof(t));
    if (be->ops->topology(be, &t, err)) {
        xt_err("info: %s", err);
        return;
    }
    printf("cpu_topology           :\n");
    printf("cpu:    core    socket     node\n");
    for (i = 0; i < t.ncpus; i++)
        if (t.cpus[i].core != LIBXL_CPUTOPOLOGY_INVALID_ENTRY)
            printf("%3d:    %4u     %4u     %4u\n", i, t.cpus[i].core,
                   t.cpus[i].socket, t.cpus[i].node);
    printf("device topology        :\n");
    printf("device           node\n");
    for (i = 0; i < t.npcis; i++)
        if (t.pcis[i].node != LIBXL_PCITOPOLOGY_INVALID_ENTRY) {
            printf("%04x:%02x:%02x.%01x      %u\n", t.pcis[i].seg,
                   t.pcis[i].bus, (t.pcis[i].devfn >> 3) & 0x1f,
                   t.pcis[i].devfn & 7, t.pcis[i].node);
            devs++;
        }
    if (!devs)
        printf("No device topology data available\n");
    printf("numa_info              :\n");
    printf("node:    memsize    memfree    distances\n");
    for (i = 0; i < t.nnodes; i++) {
        if (t.nodes[i].size == LIBXL_NUMAINFO_INVALID_ENTRY)
            continue;
        printf("%4d:    %6" PRIu64 "     %6" PRIu64 "      %u", i,
               t.nodes[i].size >> 20, t.nodes[i].free >> 20,
               t.nodes[i].num_dists ? t.nodes[i].dists[0] : 0);
        for (j = 1; j < t.nodes[i].num_dists; j++)
            printf(",%u", t.nodes[i].dists[j]);
        printf("\n");
    }
    core_topology_dispose(&t);
}

int main_info(int argc, char **argv)
{
    libxl_physinfo phys;
    libxl_version_info ver;
    static const struct option longopts[] = {
        {"numa", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct pool_facts facts;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int opt, numa = 0, rc = EXIT_FAIL;

    libxl_physinfo_init(&phys);
    libxl_version_info_init(&ver);
    SWITCH_FOREACH_OPT(opt, "n", longopts, "info", 0) {
    case 'n': numa = 1; break;
    }
    xt_check_max_args(argc, argv, 1, "info");
    /* As xl: with -n a Key is ignored. */
    if (optind < argc && !numa)
        info_key = argv[optind];
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->host_info(be, &phys, &ver, err)) {
        xt_err("info: %s", err);
        goto out;
    }
    pool_facts(be, phys.nr_cpus, &facts);
    host_lines(&phys);
    mem_lines(&phys, &ver, &facts);
    if (numa)
        numa_lines(be);
    xen_lines(&ver, &facts);
    rc = EXIT_OK;
out:
    libxl_physinfo_dispose(&phys);
    libxl_version_info_dispose(&ver);
    core_close(be);
    return rc;
}

int main_dmesg(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"clear", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char err[XT_ERRLEN], *buf = NULL;
    struct be *be = NULL;
    int opt, clear = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "c", longopts, "dmesg", 0) {
    case 'c': clear = 1; break;
    }
    xt_check_max_args(argc, argv, 0, "dmesg");
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->dmesg(be, clear, &buf, err)) {
        xt_err("dmesg: %s", err);
        goto out;
    }
    fputs(buf, stdout);
    rc = EXIT_OK;
out:
    free(buf);
    core_close(be);
    return rc;
}

int main_debug_keys(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "debug-keys", 1) {
    }
    xt_check_max_args(argc, argv, 1, "debug-keys");
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->debug_keys(be, argv[optind], err)) {
        xt_err("debug-keys: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

int main_set_parameters(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "set-parameters", 1) {
    }
    xt_check_max_args(argc, argv, 1, "set-parameters");
    be = xt_backend();
    if (!be)
        goto out;
    if (be->ops->set_parameters(be, argv[optind], err)) {
        xt_err("set-parameters: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}
