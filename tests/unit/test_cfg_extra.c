/*
 * test_cfg_extra.c - what a config says beyond libxl_domain_config: the
 * parser records xm's "w!" disks there (and only there: the libxl config
 * says "w"), block-attach's parser says so too, and the text form comes
 * back as written and refuses what it does not understand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg.h"

static int parse(const char *text, libxl_domain_config *dc,
                 struct cfg_extra *x)
{
    struct cfg_diags d;
    int rc;

    libxl_domain_config_init(dc);
    cfg_extra_init(x);
    cfg_diags_init(&d);
    rc = cfg_parse_data("t.cfg", text, strlen(text), 0, NULL, NULL, dc, x,
                        &d);
    cfg_diags_dispose(&d);
    return rc;
}

static void test_parse_records_shared(void **state)
{
    static const char cfg[] =
        "name = 'a'\nkernel = '/k'\nmemory = 16\n"
        "disk = [ 'file:/i/a.img,xvda,w!', 'file:/i/b.img,xvdb,w',\n"
        "         'vdev=xvdc,access=w!,target=/i/c.img',\n"
        "         'phy:/dev/w!,xvdd,r' ]\n";
    libxl_domain_config dc, plain;
    struct cfg_extra x, none;
    char *j1, *j2, *text;

    (void)state;
    assert_int_equal(parse(cfg, &dc, &x), 0);
    assert_int_equal(dc.num_disks, 4);
    assert_int_equal(x.num_shared, 2);
    assert_true(cfg_extra_is_shared(&x, "xvda"));
    assert_false(cfg_extra_is_shared(&x, "xvdb"));
    assert_true(cfg_extra_is_shared(&x, "xvdc"));
    /* "w!" inside a path is a path. */
    assert_false(cfg_extra_is_shared(&x, "xvdd"));
    assert_string_equal(dc.disks[3].pdev_path, "/dev/w!");
    assert_int_equal(dc.disks[0].readwrite, 1);
    text = cfg_extra_to_text(&x);
    assert_string_equal(text, "disk-shared xvda\ndisk-shared xvdc\n");
    free(text);

    /* The libxl config is the one "w" gives. */
    assert_int_equal(parse("name = 'a'\nkernel = '/k'\nmemory = 16\n"
                           "uuid = '6b1c9f0e-2a53-4c1e-9a47-31d2c6f0a001'\n"
                           "disk = [ 'file:/i/a.img,xvda,w' ]\n",
                           &plain, &none), 0);
    libxl_domain_config_dispose(&dc);
    cfg_extra_dispose(&x);
    assert_int_equal(parse("name = 'a'\nkernel = '/k'\nmemory = 16\n"
                           "uuid = '6b1c9f0e-2a53-4c1e-9a47-31d2c6f0a001'\n"
                           "disk = [ 'file:/i/a.img,xvda,w!' ]\n",
                           &dc, &x), 0);
    j1 = cfg_config_to_json(&dc);
    j2 = cfg_config_to_json(&plain);
    assert_string_equal(j1, j2);
    assert_int_equal(none.num_shared, 0);
    free(j1);
    free(j2);
    libxl_domain_config_dispose(&dc);
    libxl_domain_config_dispose(&plain);
    cfg_extra_dispose(&x);
    cfg_extra_dispose(&none);
}

/* A caller that wants no extra still gets the config. */
static void test_parse_without_extra(void **state)
{
    static const char cfg[] =
        "name = 'a'\nkernel = '/k'\ndisk = [ 'file:/i/a.img,xvda,w!' ]\n";
    libxl_domain_config dc;
    struct cfg_diags d;

    (void)state;
    libxl_domain_config_init(&dc);
    cfg_diags_init(&d);
    assert_int_equal(cfg_parse_data("t.cfg", cfg, strlen(cfg), 0, NULL,
                                    NULL, &dc, NULL, &d), 0);
    assert_int_equal(dc.num_disks, 1);
    assert_int_equal(d.n, 0);
    cfg_diags_dispose(&d);
    libxl_domain_config_dispose(&dc);
}

static void test_disk_parse(void **state)
{
    const char *xm[] = {"file:/i/a.img", "xvdb", "w!"};
    const char *xl[] = {"file:/i/a.img,xvdb,w"};
    const char *bad[] = {"file:/i/a.img,xvdb,q"};
    libxl_device_disk disk;
    char err[256];
    int shared = -1;

    (void)state;
    libxl_device_disk_init(&disk);
    assert_int_equal(cfg_disk_parse(3, xm, &disk, &shared, err,
                                    sizeof(err)), 0);
    assert_int_equal(shared, 1);
    assert_string_equal(disk.vdev, "xvdb");
    assert_int_equal(disk.readwrite, 1);
    libxl_device_disk_dispose(&disk);
    libxl_device_disk_init(&disk);
    assert_int_equal(cfg_disk_parse(1, xl, &disk, &shared, err,
                                    sizeof(err)), 0);
    assert_int_equal(shared, 0);
    libxl_device_disk_dispose(&disk);
    libxl_device_disk_init(&disk);
    assert_int_equal(cfg_disk_parse(1, bad, &disk, &shared, err,
                                    sizeof(err)), -1);
    assert_non_null(strstr(err, "access"));
    libxl_device_disk_dispose(&disk);
    libxl_device_disk_init(&disk);
    assert_int_equal(cfg_disk_parse(0, bad, &disk, &shared, err,
                                    sizeof(err)), -1);
    libxl_device_disk_dispose(&disk);
}

static void test_set_copy_text(void **state)
{
    struct cfg_extra x, y;
    char err[256], *text;

    (void)state;
    cfg_extra_init(&x);
    assert_int_equal(cfg_extra_set_shared(&x, "xvda", 1), 0);
    assert_int_equal(cfg_extra_set_shared(&x, "xvda", 1), 0);
    assert_int_equal(cfg_extra_set_shared(&x, "hdc", 1), 0);
    assert_int_equal(x.num_shared, 2);
    assert_int_equal(cfg_extra_set_shared(&x, "", 1), -1);
    assert_int_equal(cfg_extra_set_shared(&x, "xv da", 1), -1);
    assert_int_equal(cfg_extra_copy(&y, &x), 0);
    assert_int_equal(cfg_extra_set_shared(&x, "xvda", 0), 0);
    assert_int_equal(cfg_extra_set_shared(&x, "xvdz", 0), 0);
    assert_false(cfg_extra_is_shared(&x, "xvda"));
    assert_true(cfg_extra_is_shared(&y, "xvda"));
    assert_false(cfg_extra_is_shared(NULL, "xvda"));
    text = cfg_extra_to_text(&y);
    cfg_extra_dispose(&y);
    assert_int_equal(cfg_extra_from_text(text, &y, err, sizeof(err)), 0);
    assert_true(cfg_extra_is_shared(&y, "xvda"));
    assert_true(cfg_extra_is_shared(&y, "hdc"));
    assert_int_equal(y.num_shared, 2);
    free(text);
    cfg_extra_dispose(&y);
    cfg_extra_dispose(&x);
    text = cfg_extra_to_text(&x);
    assert_string_equal(text, "");
    free(text);
    assert_int_equal(cfg_extra_from_text("", &y, err, sizeof(err)), 0);
    assert_int_equal(y.num_shared, 0);
    assert_int_equal(cfg_extra_from_text("disk-shared xvda", &y, err,
                                         sizeof(err)), 0);
    assert_int_equal(y.num_shared, 1);
    cfg_extra_dispose(&y);
}

static void text_bad(const char *text, const char *msg)
{
    struct cfg_extra x;
    char err[256] = "";

    assert_int_equal(cfg_extra_from_text(text, &x, err, sizeof(err)), -1);
    if (!strstr(err, msg))
        fail_msg("'%s': \"%s\" lacks \"%s\"", text, err, msg);
    assert_int_equal(x.num_shared, 0);
    assert_null(x.shared);
}

static void test_text_rejects(void **state)
{
    char long_line[200];

    (void)state;
    text_bad("disk-shared xvda\nnet-magic vif0\n", "line 2");
    text_bad("disk-shared \n", "line 1");
    text_bad("disk-shared xv da\n", "not understood");
    text_bad("disk-sharedxvda\n", "not understood");
    memset(long_line, 'a', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    memcpy(long_line, "disk-shared ", 12);
    text_bad(long_line, "too long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_records_shared),
        cmocka_unit_test(test_parse_without_extra),
        cmocka_unit_test(test_disk_parse),
        cmocka_unit_test(test_set_copy_text),
        cmocka_unit_test(test_text_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
