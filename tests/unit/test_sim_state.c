/*
 * test_sim_state.c - the simulated backend's state dir and domain life
 * cycle, driven through the backend itself: records, domid allocation
 * (also from concurrent processes), create from a config built in code,
 * the checks that refuse a domain leaving no state behind, a guest
 * killed with SIGKILL seen as crashed, and destroy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg.h"
#include "sim.h"

static char tmp[256];
static struct sim *S;

static int setup(void **state)
{
    char err[XT_ERRLEN];
    struct be *be;

    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/xltool-simstate-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    setenv("XLTOOL_SIM_DIR", tmp, 1);
    if (be_sim_open(&be, err))
        return -1;
    S = (struct sim *)be;
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];

    char err[XT_ERRLEN];
    uint32_t *ids;
    int n, i;

    (void)state;
    /* Whatever a failed test left running goes too. */
    if (sim_domids(S, &ids, &n, err) == 0) {
        for (i = 0; i < n; i++)
            S->be.ops->destroy(&S->be, ids[i], err);
        free(ids);
    }
    core_close(&S->be);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static int count_doms(void)
{
    char err[XT_ERRLEN];
    uint32_t *ids;
    int n;

    assert_int_equal(sim_domids(S, &ids, &n, err), 0);
    free(ids);
    return n;
}

static void test_records(void **state)
{
    char err[XT_ERRLEN], path[PATH_MAX];
    struct sim_dom d, e;
    uint32_t a, b, found;
    int lk, fd;

    (void)state;
    assert_int_equal(sim_lock(S, &lk, err), 0);
    assert_int_equal(sim_alloc_domid(S, &a, err), 0);
    assert_int_equal(sim_alloc_domid(S, &b, err), 0);
    sim_unlock(lk);
    assert_int_not_equal(a, b);
    memset(&d, 0, sizeof(d));
    d.domid = a;
    strcpy(d.name, "rec");
    d.max_kb = 1024;
    d.affinity[3] = 5;
    assert_int_equal(sim_info_write(S, &d, err), 0);
    assert_int_equal(sim_info_read(S, a, &e, err), 0);
    assert_string_equal(e.name, "rec");
    assert_int_equal(e.max_kb, 1024);
    assert_int_equal(e.affinity[3], 5);
    assert_int_equal(sim_find_name(S, "rec", &found), 0);
    assert_int_equal(found, a);
    /* A damaged record is refused, not half read. */
    assert_int_equal(sim_path(S, a, "info", path, sizeof(path), err), 0);
    fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage\n", 8), 8);
    close(fd);
    assert_int_equal(sim_info_read(S, a, &e, err), -1);
    assert_non_null(strstr(err, "damaged"));
    sim_remove_dom(S, a);
    sim_remove_dom(S, b);
    assert_int_equal(count_doms(), 0);
}

/* Twenty processes allocate at once: twenty distinct domids. */
static void test_concurrent_alloc(void **state)
{
    char err[XT_ERRLEN];
    uint32_t *ids, id;
    int i, n, lk, st;
    pid_t pid;

    (void)state;
    for (i = 0; i < 20; i++) {
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (sim_lock(S, &lk, err) || sim_alloc_domid(S, &id, err))
                _exit(1);
            sim_unlock(lk);
            _exit(0);
        }
    }
    for (i = 0; i < 20; i++) {
        assert_true(wait(&st) > 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    assert_int_equal(sim_domids(S, &ids, &n, err), 0);
    assert_int_equal(n, 20);
    for (i = 1; i < n; i++)
        assert_true(ids[i] > ids[i - 1]);
    for (i = 0; i < n; i++)
        sim_remove_dom(S, ids[i]);
    free(ids);
}

static void make_config(libxl_domain_config *c, const char *name,
                        const char *kernel, const char *disk)
{
    libxl_domain_config_init(c);
    c->c_info.type = LIBXL_DOMAIN_TYPE_PV;
    libxl_domain_build_info_init_type(&c->b_info, LIBXL_DOMAIN_TYPE_PV);
    c->c_info.name = strdup(name);
    c->b_info.kernel = strdup(kernel);
    c->b_info.max_memkb = c->b_info.target_memkb = 8192;
    c->b_info.max_vcpus = 1;
    c->on_crash = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
    if (disk) {
        c->disks = calloc(1, sizeof(*c->disks));
        libxl_device_disk_init(&c->disks[0]);
        c->disks[0].pdev_path = strdup(disk);
        c->disks[0].vdev = strdup("xvda");
        c->disks[0].readwrite = 1;
        c->num_disks = 1;
    }
}

static int create_dom(libxl_domain_config *c, uint32_t *domid_r, char *err)
{
    return S->be.ops->create(&S->be, c, NULL, 0, domid_r, err);
}

static void test_create_destroy(void **state)
{
    char err[XT_ERRLEN], kernel[300], disk[300];
    libxl_domain_config c, c2;
    struct be_dominfo *l;
    const struct be_dominfo *di;
    struct sim_dom d;
    uint32_t domid, other;
    int n, fd;

    (void)state;
    snprintf(kernel, sizeof(kernel), "%s/vmlinuz", tmp);
    snprintf(disk, sizeof(disk), "%s/disk.img", tmp);
    fd = open(kernel, O_CREAT | O_WRONLY, 0644);
    close(fd);
    fd = open(disk, O_CREAT | O_WRONLY, 0644);
    close(fd);
    make_config(&c, "vm1", kernel, disk);
    assert_int_equal(create_dom(&c, &domid, err), 0);
    assert_int_equal(S->be.ops->list(&S->be, &l, &n, err), 0);
    assert_int_equal(n, 2);              /* Domain-0 and vm1 */
    di = core_dominfo_find(l, n, domid);
    assert_non_null(di);
    assert_string_equal(di->name, "vm1");
    assert_int_equal(di->max_memkb, 8192);
    core_dominfo_list_free(l, n);

    /* The same name again, and the same writable disk under another
     * name: both refused, nothing left behind. */
    assert_int_equal(create_dom(&c, &other, err), -1);
    assert_non_null(strstr(err, "already exists"));
    make_config(&c2, "vm2", kernel, disk);
    assert_int_equal(create_dom(&c2, &other, err), -1);
    assert_non_null(strstr(err, "in use by another domain"));
    libxl_domain_config_dispose(&c2);
    assert_int_equal(count_doms(), 1);

    /* SIGKILL to the guest: the domain is preserved as crashed. */
    assert_int_equal(sim_info_read(S, domid, &d, err), 0);
    kill(d.pid, SIGKILL);
    for (n = 0; n < 500; n++) {
        if (sim_info_read(S, domid, &d, err) == 0 && d.life == SIM_SHUTDOWN)
            break;
        usleep(10000);
    }
    assert_int_equal(S->be.ops->list(&S->be, &l, &n, err), 0);
    di = core_dominfo_find(l, n, domid);
    assert_non_null(di);
    assert_true(di->state & BE_ST_CRASHED);
    assert_int_equal(di->shutdown_reason, LIBXL_SHUTDOWN_REASON_CRASH);
    core_dominfo_list_free(l, n);

    assert_int_equal(S->be.ops->destroy(&S->be, domid, err), 0);
    assert_int_equal(count_doms(), 0);
    assert_false(sim_proc_alive(d.spid, d.spid_start));
    libxl_domain_config_dispose(&c);
}

static void test_refused(void **state)
{
    char err[XT_ERRLEN], kernel[300], missing[300];
    libxl_domain_config c;
    uint32_t domid;

    (void)state;
    snprintf(kernel, sizeof(kernel), "%s/vmlinuz", tmp);
    snprintf(missing, sizeof(missing), "%s/nope.img", tmp);
    make_config(&c, "bad", missing, NULL);
    assert_int_equal(create_dom(&c, &domid, err), -1);
    assert_non_null(strstr(err, "kernel"));
    libxl_domain_config_dispose(&c);

    make_config(&c, "bad", kernel, missing);
    assert_int_equal(create_dom(&c, &domid, err), -1);
    assert_non_null(strstr(err, "nope.img"));
    libxl_domain_config_dispose(&c);

    make_config(&c, "bad", kernel, NULL);
    c.b_info.max_memkb = c.b_info.target_memkb = 1ull << 40;
    assert_int_equal(create_dom(&c, &domid, err), -1);
    assert_non_null(strstr(err, "memory"));
    libxl_domain_config_dispose(&c);
    assert_int_equal(count_doms(), 0);
}

/* Domain-0's VCPU N runs on CPU N: each comes from /proc/stat's cpuN
 * line, never from the "cpu " total line (whose first figure, read as a
 * CPU number, once put VCPU 0 on "CPU 140436"). */
static void test_dom0_vcpus(void **state)
{
    char err[XT_ERRLEN];
    struct be_vcpuinfo *l = NULL;
    unsigned int ncpus = sim_host_cpus();
    int n = 0, i;

    (void)state;
    assert_int_equal(S->be.ops->vcpu_list(&S->be, 0, &l, &n, err), 0);
    assert_int_equal(n, (int)ncpus);
    for (i = 0; i < n; i++) {
        assert_int_equal(l[i].vcpuid, i);
        assert_int_equal(l[i].cpu, i);
    }
    core_vcpuinfo_list_free(l, n);
}

static int count_sys_nodes(void)
{
    char path[64];
    int k, last = -1;

    for (k = 0; k < 1024; k++) {
        snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", k);
        if (access(path, F_OK) == 0)
            last = k;
    }
    return last < 0 ? 1 : last + 1;
}

/* The host the config reader is given: the machine's CPUs and NUMA
 * nodes, or the ones XLTOOL_SIM_CPUS / XLTOOL_SIM_NODES fix. */
static void test_host_topology(void **state)
{
    char err[XT_ERRLEN];
    struct cfg_host h = { 0, 0, NULL };
    libxl_physinfo phys;
    int k;

    (void)state;
    libxl_physinfo_init(&phys);
    assert_int_equal(S->be.ops->host_info(&S->be, &phys, NULL, err), 0);
    assert_int_equal((int)phys.nr_cpus, (int)sysconf(_SC_NPROCESSORS_ONLN));
    assert_int_equal((int)phys.nr_nodes, count_sys_nodes());
    assert_int_equal(core_host_facts(&S->be, &h, err), 0);
    assert_int_equal(h.nr_cpus, (int)phys.max_cpu_id + 1);
    assert_int_equal(h.nr_nodes, (int)phys.nr_nodes);
    assert_non_null(h.cpu_node);
    for (k = 0; k < h.nr_cpus; k++)
        assert_true(h.cpu_node[k] >= 0 && h.cpu_node[k] < h.nr_nodes);
    libxl_physinfo_dispose(&phys);

    setenv("XLTOOL_SIM_CPUS", "6", 1);
    setenv("XLTOOL_SIM_NODES", "2", 1);
    assert_int_equal(core_host_facts(&S->be, &h, err), 0);
    unsetenv("XLTOOL_SIM_CPUS");
    unsetenv("XLTOOL_SIM_NODES");
    assert_int_equal(h.nr_cpus, 6);
    assert_int_equal(h.nr_nodes, 2);
    for (k = 0; k < 6; k++)
        assert_int_equal(h.cpu_node[k], k / 3);
    free(h.cpu_node);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dom0_vcpus),
        cmocka_unit_test(test_host_topology),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_concurrent_alloc),
        cmocka_unit_test(test_create_destroy),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
