/*
 * test_cfg_convert.c - the device converters (disk and vif specs, in
 * xm's and xl's forms) and the typed conversion of keys, with the
 * rejected specs checked as closely as the accepted ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg_int.h"

struct disk_case {
    const char *spec, *pdev, *vdev;
    libxl_disk_format format;
    int readwrite, cdrom, shared;
};

static void test_disk_forms(void **state)
{
    static const struct disk_case cases[] = {
        { "file:/i/a.img,xvda,w", "/i/a.img", "xvda",
          LIBXL_DISK_FORMAT_RAW, 1, 0, 0 },
        { "phy:/dev/vg/b,hda1,r", "/dev/vg/b", "hda1",
          LIBXL_DISK_FORMAT_RAW, 0, 0, 0 },
        { "tap:aio:/i/c.img,xvdc,w", "/i/c.img", "xvdc",
          LIBXL_DISK_FORMAT_RAW, 1, 0, 0 },
        { "tap:qcow2:/i/d.qcow2,xvdd,w", "/i/d.qcow2", "xvdd",
          LIBXL_DISK_FORMAT_QCOW2, 1, 0, 0 },
        { "phy:/dev/vg/e,xvde,w!", "/dev/vg/e", "xvde",
          LIBXL_DISK_FORMAT_RAW, 1, 0, 1 },
        { "file:/iso/f.iso,hdc:cdrom,r", "/iso/f.iso", "hdc",
          LIBXL_DISK_FORMAT_RAW, 0, 1, 0 },
        { ",hdd:cdrom,r", "", "hdd", LIBXL_DISK_FORMAT_EMPTY, 0, 1, 0 },
        { "/i/g.img,raw,xvdg,rw", "/i/g.img", "xvdg",
          LIBXL_DISK_FORMAT_RAW, 1, 0, 0 },
        { "format=qcow2,vdev=xvdh,access=ro,target=/i/h.qcow2",
          "/i/h.qcow2", "xvdh", LIBXL_DISK_FORMAT_QCOW2, 0, 0, 0 },
        { "vdev=xvdi,access=w!,target=/i/i.img", "/i/i.img", "xvdi",
          LIBXL_DISK_FORMAT_RAW, 1, 0, 1 },
    };
    libxl_device_disk disk;
    char err[256];
    size_t k;
    int at, shared;

    (void)state;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        libxl_device_disk_init(&disk);
        if (cfg_disk_from_spec(cases[k].spec, &disk, &shared, err,
                               sizeof(err), &at))
            fail_msg("%s: %s", cases[k].spec, err);
        assert_int_equal(shared, cases[k].shared);
        assert_string_equal(disk.pdev_path, cases[k].pdev);
        assert_string_equal(disk.vdev, cases[k].vdev);
        assert_int_equal(disk.format, cases[k].format);
        assert_int_equal(disk.readwrite, cases[k].readwrite);
        assert_int_equal(disk.is_cdrom, cases[k].cdrom);
        libxl_device_disk_dispose(&disk);
    }
}

static void disk_bad(const char *spec, const char *msg, int at_want)
{
    libxl_device_disk disk;
    char err[256] = "";
    int at, shared;

    libxl_device_disk_init(&disk);
    assert_int_equal(cfg_disk_from_spec(spec, &disk, &shared, err,
                                        sizeof(err), &at), -1);
    if (!strstr(err, msg))
        fail_msg("%s: \"%s\" lacks \"%s\"", spec, err, msg);
    assert_int_equal(at, at_want);
    libxl_device_disk_dispose(&disk);
}

static void test_disk_rejects(void **state)
{
    (void)state;
    disk_bad("phy:/dev/vg/b,xvdb,wx", "unknown value for access", 19);
    disk_bad("file:/img/c.img", "no vdev specified", -1);
    disk_bad("format=vmdx,vdev=xvdd,target=/i/d", "unknown value for format",
             7);
    disk_bad("phy:/dev/x,xvda,w,extra,junk", "too many positional parameters",
             18);
}

static void nic_ok(const char *spec, libxl_device_nic *nic)
{
    char err[256];
    int at;

    libxl_device_nic_init(nic);
    if (cfg_nic_from_spec(spec, NULL, nic, err, sizeof(err), &at))
        fail_msg("%s: %s", spec, err);
}

static void test_vif_fields(void **state)
{
    libxl_device_nic nic;

    (void)state;
    nic_ok("mac=00:16:3e:aa:bb:cc, bridge=br1, ip=10.0.0.2, script=s,"
           "type=ioemu, model=e1000, vifname=v1, backend=dd, mtu=9000", &nic);
    assert_int_equal(nic.mac[0], 0x00);
    assert_int_equal(nic.mac[5], 0xcc);
    assert_string_equal(nic.bridge, "br1");
    assert_string_equal(nic.ip, "10.0.0.2");
    assert_string_equal(nic.script, "s");
    assert_int_equal(nic.nictype, LIBXL_NIC_TYPE_VIF_IOEMU);
    assert_string_equal(nic.model, "e1000");
    assert_string_equal(nic.ifname, "v1");
    assert_string_equal(nic.backend_domname, "dd");
    assert_int_equal(nic.mtu, 9000);
    libxl_device_nic_dispose(&nic);

    nic_ok("rate=10Mb/s", &nic);
    assert_int_equal(nic.rate_bytes_per_interval, 62500);
    assert_int_equal(nic.rate_interval_usecs, 50000);
    libxl_device_nic_dispose(&nic);

    nic_ok("", &nic);                      /* all defaults */
    assert_null(nic.bridge);
    libxl_device_nic_dispose(&nic);

    nic_ok("type=netfront,accel=x,netdev=eth0", &nic);   /* xm forms */
    assert_int_equal(nic.nictype, LIBXL_NIC_TYPE_VIF);
    assert_string_equal(nic.gatewaydev, "eth0");
    libxl_device_nic_dispose(&nic);
}

static void test_vif_defaults_from_xl_conf(void **state)
{
    struct cfg_globals g;
    libxl_device_nic nic;
    char err[256];
    int at;

    (void)state;
    cfg_globals_init(&g);
    g.default_bridge = strdup("xenbr9");
    g.default_vifscript = strdup("vif-openvswitch");
    libxl_device_nic_init(&nic);
    assert_int_equal(cfg_nic_from_spec("mac=00:16:3e:00:00:01", &g, &nic,
                                       err, sizeof(err), &at), 0);
    assert_string_equal(nic.bridge, "xenbr9");
    assert_string_equal(nic.script, "vif-openvswitch");
    libxl_device_nic_dispose(&nic);
    libxl_device_nic_init(&nic);
    assert_int_equal(cfg_nic_from_spec("bridge=br0", &g, &nic, err,
                                       sizeof(err), &at), 0);
    assert_string_equal(nic.bridge, "br0");           /* the spec wins */
    libxl_device_nic_dispose(&nic);
    cfg_globals_dispose(&g);
}

static void nic_bad(const char *spec, const char *msg, int at_want)
{
    libxl_device_nic nic;
    char err[256] = "";
    int at;

    libxl_device_nic_init(&nic);
    assert_int_equal(cfg_nic_from_spec(spec, NULL, &nic, err, sizeof(err),
                                       &at), -1);
    if (!strstr(err, msg))
        fail_msg("%s: \"%s\" lacks \"%s\"", spec, err, msg);
    assert_int_equal(at, at_want);
    libxl_device_nic_dispose(&nic);
}

static void test_vif_rejects(void **state)
{
    (void)state;
    nic_bad("mac=00:16:3e:zz:00:01", "invalid MAC address", 0);
    nic_bad("mac=00:16:3e:00:00", "invalid MAC address", 0);
    nic_bad("mac=00:16:3e:00:00:01:02", "invalid MAC address", 0);
    nic_bad("bridge=b, colour=red", "unknown vif field 'colour'", 10);
    nic_bad("type=pcnet", "invalid vif type", 0);
    nic_bad("bridge=b,xenbr0", "'xenbr0' is not a key=value field", 9);
    nic_bad("rate=fast", "invalid rate", 0);
    nic_bad("mtu=-1", "invalid mtu", 0);
    nic_bad("devid=x", "invalid devid", 0);
}

/* Whole configs: the typed conversion of keys. */
static int parse(const char *text, libxl_domain_config *dc,
                 struct cfg_diags *d)
{
    libxl_domain_config_init(dc);
    cfg_diags_init(d);
    return cfg_parse_data("t.cfg", text, strlen(text), 0, NULL, NULL, dc,
                          NULL, d);
}

static void test_typed_keys(void **state)
{
    libxl_domain_config dc;
    struct cfg_diags d;

    (void)state;
    assert_int_equal(parse("name='a'\nkernel='/k'\nmemory='512'\n"
                           "maxmem=0x400\nvcpus=2\nlocaltime=True\n"
                           "on_crash='preserve'\n", &dc, &d), 0);
    assert_int_equal(dc.b_info.target_memkb, 512 * 1024);
    assert_int_equal(dc.b_info.max_memkb, 1024 * 1024);
    assert_int_equal(dc.b_info.max_vcpus, 2);
    assert_true(libxl_defbool_val(dc.b_info.localtime));
    assert_int_equal(dc.on_crash, LIBXL_ACTION_ON_SHUTDOWN_PRESERVE);
    assert_int_equal(dc.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(d.n, 0);
    libxl_domain_config_dispose(&dc);
    cfg_diags_dispose(&d);
}

static void test_typed_rejects(void **state)
{
    libxl_domain_config dc;
    struct cfg_diags d;

    (void)state;
    assert_int_equal(parse("name='a'\nkernel='/k'\nmemory='lots'\n"
                           "disk=['phy:/d,xvda,q']\n", &dc, &d), -1);
    assert_int_equal(d.nerrors, 2);
    assert_int_equal(d.v[0].line, 3);
    assert_int_equal(d.v[0].col, 8);
    assert_non_null(strstr(d.v[0].msg, "'memory' must be a number"));
    assert_int_equal(d.v[1].line, 4);
    assert_int_equal(d.v[1].col, 8 + 12);      /* under the 'q' */
    assert_non_null(strstr(d.v[1].msg, "unknown value for access"));
    libxl_domain_config_dispose(&dc);
    cfg_diags_dispose(&d);
}

/* The examples, with their images moved by a command-line variable. */
static void test_examples_imgdir(void **state)
{
    static const char *const ex[] = { "busybox", "pv-multi", "hvm",
                                      "xm-format" };
    char *vars[] = { "imgdir=/tmp/x", "vmid=3" };
    libxl_domain_config dc;
    struct cfg_diags d;
    char path[64];
    size_t k;
    int i;

    (void)state;
    for (k = 0; k < sizeof(ex) / sizeof(ex[0]); k++) {
        snprintf(path, sizeof(path), "examples/%s.cfg", ex[k]);
        libxl_domain_config_init(&dc);
        cfg_diags_init(&d);
        if (cfg_parse_file(path, 2, vars, NULL, &dc, NULL, &d) || d.n)
            fail_msg("%s: %d diagnostics", path, d.n);
        for (i = 0; i < dc.num_disks; i++)       /* LVM volumes stay */
            if (strncmp(dc.disks[i].pdev_path, "/dev/", 5))
                assert_int_equal(strncmp(dc.disks[i].pdev_path, "/tmp/x/",
                                         7), 0);
        if (dc.b_info.kernel)
            assert_int_equal(strncmp(dc.b_info.kernel, "/tmp/x/", 7), 0);
        libxl_domain_config_dispose(&dc);
        cfg_diags_dispose(&d);
    }
}

/* xl.conf: its defaults reach every domain and vif, as in xl. */
static void test_globals(void **state)
{
    static const char conf[] =
        "# xl.conf\nclaim_mode=0\nrun_hotplug_scripts=0\n"
        "vifscript=\"vif-old\"\nvif.default.bridge=\"xenbr7\"\n"
        "vif.default.backend=\"netdom\"\nlockfile=\"/run/x.lock\"\n";
    static const char cfg[] = "name='g'\nkernel='/k'\n"
                              "vif=['', 'bridge=br1']\n";
    char path[] = "/tmp/xltool-xlconf.XXXXXX";
    struct cfg_globals g;
    libxl_domain_config dc;
    struct cfg_diags d;
    FILE *f;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(conf, f);
    fclose(f);
    cfg_globals_init(&g);
    cfg_diags_init(&d);
    assert_int_equal(cfg_globals_load(&g, path, &d), 0);
    unlink(path);
    assert_int_equal(g.claim_mode, 0);
    assert_int_equal(g.run_hotplug_scripts, 0);
    assert_string_equal(g.default_vifscript, "vif-old");
    assert_string_equal(g.default_bridge, "xenbr7");
    assert_string_equal(g.lockfile, "/run/x.lock");
    libxl_domain_config_init(&dc);
    assert_int_equal(cfg_parse_data("g.cfg", cfg, strlen(cfg), 0, NULL, &g,
                                    &dc, NULL, &d), 0);
    assert_false(libxl_defbool_val(dc.b_info.claim_mode));
    assert_false(libxl_defbool_val(dc.c_info.run_hotplug_scripts));
    assert_string_equal(dc.nics[0].bridge, "xenbr7");
    assert_string_equal(dc.nics[0].script, "vif-old");
    assert_string_equal(dc.nics[0].backend_domname, "netdom");
    assert_string_equal(dc.nics[1].bridge, "br1");
    libxl_domain_config_dispose(&dc);
    cfg_globals_dispose(&g);
    /* A missing xl.conf is fine; xl's defaults stay. */
    cfg_globals_init(&g);
    assert_int_equal(cfg_globals_load(&g, "/nonexistent/xl.conf", &d), 0);
    assert_int_equal(g.run_hotplug_scripts, 1);
    assert_null(g.default_bridge);
    cfg_globals_dispose(&g);
    cfg_diags_dispose(&d);
}

static void test_find(void **state)
{
    char err[256] = "", *path = NULL;

    (void)state;
    setenv("XLTOOL_CONFIG_DIR", "examples", 1);
    assert_int_equal(cfg_find("busybox", &path, err, sizeof(err)), 0);
    assert_string_equal(path, "examples/busybox.cfg");
    free(path);
    assert_int_equal(cfg_find("examples/hvm", &path, err, sizeof(err)), 0);
    assert_string_equal(path, "examples/hvm.cfg");
    free(path);
    assert_int_equal(cfg_find("no-such-guest", &path, err, sizeof(err)), -1);
    assert_null(path);
    assert_non_null(strstr(err, "examples/auto/no-such-guest"));
    unsetenv("XLTOOL_CONFIG_DIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_forms),
        cmocka_unit_test(test_disk_rejects),
        cmocka_unit_test(test_vif_fields),
        cmocka_unit_test(test_vif_defaults_from_xl_conf),
        cmocka_unit_test(test_vif_rejects),
        cmocka_unit_test(test_typed_keys),
        cmocka_unit_test(test_typed_rejects),
        cmocka_unit_test(test_examples_imgdir),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_globals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
