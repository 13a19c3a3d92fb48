/*
 * test_cfg_json.c - the JSON form of a domain config: for every golden
 * ok case, parse -> JSON -> read back -> JSON gives the same text; and
 * JSON that cannot be represented is refused with the path at fault.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg.h"

#define CFGDIR "tests/config"

static int read_args(const char *base, char ***vars_r)
{
    char path[600], line[1024];
    char **vars = NULL;
    FILE *f;
    int n = 0;

    snprintf(path, sizeof(path), "%s.args", base);
    f = fopen(path, "r");
    if (f) {
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\n")] = '\0';
            if (!*line)
                continue;
            vars = realloc(vars, sizeof(*vars) * (size_t)(n + 1));
            assert_non_null(vars);
            vars[n++] = strdup(line);
        }
        fclose(f);
    }
    *vars_r = vars;
    return n;
}

/* Read as the golden runs read it: the 8-CPU, one-node host, and as xm
 * when base.xm exists. */
static char *config_json(const char *base, const char *cfgpath, int nvars,
                         char **vars)
{
    libxl_domain_config dc;
    struct cfg_diags d;
    struct cfg_globals g;
    char xm[600];
    char *json;

    libxl_domain_config_init(&dc);
    cfg_diags_init(&d);
    cfg_globals_init(&g);
    g.host.nr_cpus = 8;
    g.host.nr_nodes = 1;
    snprintf(xm, sizeof(xm), "%s.xm", base);
    g.xm_mode = access(xm, F_OK) == 0;
    assert_int_equal(cfg_parse_file(cfgpath, nvars, vars, &g, &dc, NULL,
                                    &d), 0);
    json = cfg_config_to_json(&dc);
    assert_non_null(json);
    libxl_domain_config_dispose(&dc);
    cfg_diags_dispose(&d);
    cfg_globals_dispose(&g);
    return json;
}

static void round_trip_one(const char *name)
{
    char base[512], cfg[600], err[256] = "";
    char **vars = NULL, *j1, *j2;
    libxl_domain_config dc;
    int n, k;

    snprintf(base, sizeof(base), CFGDIR "/%.*s", (int)(strlen(name) - 4),
             name);
    snprintf(cfg, sizeof(cfg), "%s.cfg", base);
    n = read_args(base, &vars);
    j1 = config_json(base, cfg, n, vars);
    libxl_domain_config_init(&dc);
    if (cfg_config_from_json(j1, &dc, err, sizeof(err)))
        fail_msg("%s: %s", name, err);
    j2 = cfg_config_to_json(&dc);
    assert_non_null(j2);
    if (strcmp(j1, j2))
        fail_msg("%s: JSON changed in the round trip:\n%s\n----\n%s", name,
                 j1, j2);
    libxl_domain_config_dispose(&dc);
    free(j1);
    free(j2);
    for (k = 0; k < n; k++)
        free(vars[k]);
    free(vars);
}

static void test_round_trip_golden(void **state)
{
    struct dirent *de;
    DIR *dir = opendir(CFGDIR);
    int count = 0;

    (void)state;
    assert_non_null(dir);
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);

        if (strncmp(de->d_name, "ok-", 3) || l < 8 ||
            strcmp(de->d_name + l - 4, ".cfg"))
            continue;
        round_trip_one(de->d_name);
        count++;
    }
    closedir(dir);
    assert_true(count >= 30);
}

static void expect_reject(const char *json, const char *needle)
{
    libxl_domain_config dc;
    char err[256] = "";

    libxl_domain_config_init(&dc);
    assert_int_equal(cfg_config_from_json(json, &dc, err, sizeof(err)), -1);
    if (!strstr(err, needle))
        fail_msg("message \"%s\" does not name \"%s\"", err, needle);
    libxl_domain_config_dispose(&dc);
}

static void test_reject_unknown_fields(void **state)
{
    (void)state;
    expect_reject("{\"c_info\": {\"name\": \"a\", \"ssidref\": 3}}",
                  "c_info.ssidref");
    expect_reject("{\"b_info\": {\"cpuid\": []}}", "b_info.cpuid");
    expect_reject("{\"b_info\": {\"type.hvm\": {\"mca_caps\": 1}}}",
                  "type.hvm.mca_caps");
    expect_reject("{\"vtpms\": [{}]}", "config.vtpms");
    expect_reject("{\"disks\": [{\"vdev\": \"xvda\", \"colo_host\": \"x\"}]}",
                  "disks[0].colo_host");
    expect_reject("{\"nics\": [{\"colo_checkpoint_host\": \"h\"}]}",
                  "nics[0].colo_checkpoint_host");
}

static void test_reject_bad_values(void **state)
{
    (void)state;
    expect_reject("not json", "domain config JSON");
    expect_reject("[1, 2]", "expected an object");
    expect_reject("{\"c_info\": {\"type\": \"xen\"}}", "c_info.type");
    expect_reject("{\"c_info\": {\"uuid\": \"nope\"}}", "c_info.uuid");
    expect_reject("{\"c_info\": {\"hap\": true}}", "c_info.hap");
    expect_reject("{\"b_info\": {\"max_vcpus\": \"2\"}}", "b_info.max_vcpus");
    expect_reject("{\"b_info\": {\"max_memkb\": -1}}", "b_info.max_memkb");
    expect_reject("{\"b_info\": {\"avail_vcpus\": [0, -1]}}",
                  "b_info.avail_vcpus");
    expect_reject("{\"b_info\": {\"type.pv\": {}, \"type.hvm\": {}}}",
                  "more than one guest type");
    expect_reject("{\"nics\": [{\"mac\": \"00:16:3e:00:00\"}]}",
                  "nics[0].mac");
    expect_reject("{\"pcidevs\": [{\"bus\": 300}]}", "pcidevs[0].bus");
    expect_reject("{\"pcidevs\": [{\"seize\": 1}]}", "pcidevs[0].seize");
    expect_reject("{\"on_crash\": \"explode\"}", "config.on_crash");
    expect_reject("{\"b_info\": {\"bootloader_args\": [1]}}",
                  "b_info.bootloader_args");
}

static void test_accepts_minimal(void **state)
{
    libxl_domain_config dc;
    char err[256] = "", *j;

    (void)state;
    libxl_domain_config_init(&dc);
    assert_int_equal(cfg_config_from_json(
        "{\"c_info\": {\"type\": \"pv\", \"name\": \"m\"},"
        " \"b_info\": {\"max_memkb\": 1024, \"type.pv\": {}},"
        " \"nics\": [{\"devid\": 0, \"mac\": \"00:16:3e:01:02:03\"}]}",
        &dc, err, sizeof(err)), 0);
    assert_string_equal(dc.c_info.name, "m");
    assert_int_equal(dc.b_info.max_memkb, 1024);
    assert_int_equal(dc.num_nics, 1);
    assert_int_equal(dc.nics[0].mac[5], 3);
    j = cfg_config_to_json(&dc);
    assert_non_null(strstr(j, "\"mac\": \"00:16:3e:01:02:03\""));
    free(j);
    libxl_domain_config_dispose(&dc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_golden),
        cmocka_unit_test(test_reject_unknown_fields),
        cmocka_unit_test(test_reject_bad_values),
        cmocka_unit_test(test_accepts_minimal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
