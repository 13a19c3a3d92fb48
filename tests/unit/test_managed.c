/*
 * test_managed.c - the managed domain store (core/managed.c): entries
 * written and read back, found by name or UUID, a name taken twice
 * refused, the migration's hide, show and drop, the save image beside
 * an entry, and damaged entries refused rather than half read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core.h"
#include "managed.h"

#define U1 "0d1e2f30-4152-6374-8596-a7b8c9d0e1f2"
#define U2 "11111111-2222-3333-4444-555555555555"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/test_managed.XXXXXX");
    assert_non_null(mkdtemp(dir));
    setenv("XLTOOL_MANAGED_DIR", dir, 1);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void put(const char *uuid, const char *name, int autostart,
                const char *extra)
{
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN];

    snprintf(md.uuid, sizeof(md.uuid), "%s", uuid);
    md.name = (char *)name;
    md.autostart = autostart;
    md.extra = (char *)extra;
    md.json = (char *)"{\n    \"c_info\": {}\n}\n";
    if (managed_store(&md, err)) {
        print_error("%s\n", err);
        fail();
    }
}

static void test_roundtrip(void **state)
{
    struct managed_dom md = { 0 }, *list;
    char err[XT_ERRLEN];
    int n;

    (void)state;
    put(U1, "web", 1, "shared xvda\n");
    put(U2, "db", 0, "");
    assert_int_equal(managed_find("web", &md, err), 1);
    assert_string_equal(md.uuid, U1);
    assert_int_equal(md.autostart, 1);
    assert_string_equal(md.extra, "shared xvda\n");
    assert_string_equal(md.json, "{\n    \"c_info\": {}\n}\n");
    managed_dom_dispose(&md);
    assert_int_equal(managed_find(U2, &md, err), 1);
    assert_string_equal(md.name, "db");
    managed_dom_dispose(&md);
    assert_int_equal(managed_find("nope", &md, err), 0);
    assert_int_equal(managed_list(&list, &n, err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "db");          /* sorted by name */
    assert_string_equal(list[1].name, "web");
    managed_list_free(list, n);
    /* Replacing an entry keeps one file; a name taken twice is refused. */
    put(U1, "www", 0, "");
    assert_int_equal(managed_find("web", &md, err), 0);
    assert_int_equal(managed_find("www", &md, err), 1);
    managed_dom_dispose(&md);
    md.name = (char *)"db";
    md.json = (char *)"{}";
    snprintf(md.uuid, sizeof(md.uuid), "%s", U1);
    assert_int_equal(managed_store(&md, err), -1);
    assert_non_null(strstr(err, "a managed domain named db exists"));
    assert_int_equal(managed_remove(U1, err), 0);
    assert_int_equal(managed_remove(U2, err), 0);
    assert_int_equal(managed_list(&list, &n, err), 0);
    assert_int_equal(n, 0);
    free(list);
}

static void test_hide(void **state)
{
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN], path[4096];
    FILE *f;

    (void)state;
    put(U1, "web", 0, "");
    assert_true(managed_exists(U1));
    assert_int_equal(managed_hide(U1, err), 0);
    assert_false(managed_exists(U1));
    assert_int_equal(managed_find("web", &md, err), 0);
    assert_int_equal(managed_unhide(U1, err), 0);
    assert_true(managed_exists(U1));
    assert_int_equal(managed_hide(U1, err), 0);
    assert_int_equal(managed_drop_hidden(U1, err), 0);
    assert_int_equal(managed_unhide(U1, err), 0);    /* nothing to show */
    assert_false(managed_exists(U1));
    /* The save image goes with its entry. */
    put(U1, "web", 0, "");
    assert_int_equal(managed_save_path(U1, path, sizeof(path)), 0);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_true(managed_has_save(U1));
    assert_int_equal(managed_remove(U1, err), 0);
    assert_false(managed_has_save(U1));
}

static void write_raw(const char *uuid, const char *text)
{
    char p[4096];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s.dom", dir, uuid);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void expect_bad(const char *text)
{
    struct managed_dom *list = NULL;
    char err[XT_ERRLEN];
    int n;

    write_raw(U2, text);
    assert_int_equal(managed_list(&list, &n, err), -1);
    assert_non_null(strstr(err, "not a managed domain entry"));
    assert_int_equal(managed_remove(U2, err), 0);
}

static void test_damaged(void **state)
{
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN];

    (void)state;
    expect_bad("# something else\nname x\nautostart 0\nextra 0\nconfig\n{}\n");
    expect_bad("# xltool managed domain, format 1\nname x\nautostart 2\n"
               "extra 0\nconfig\n{}\n");
    expect_bad("# xltool managed domain, format 1\nname x\nautostart 0\n"
               "extra 3\nshared xvda\nconfig\n{}\n");
    expect_bad("# xltool managed domain, format 1\nname x\nautostart 0\n"
               "extra 0\nconfig\n");
    expect_bad("# xltool managed domain, format 1\nname \nautostart 0\n"
               "extra 0\nconfig\n{}\n");
    /* Files that are not entries are not read at all. */
    write_raw("not-a-uuid", "junk");
    assert_int_equal(managed_find("x", &md, err), 0);
    /* Unusable entries are not written. */
    md.name = (char *)"a\nb";
    md.json = (char *)"{}";
    snprintf(md.uuid, sizeof(md.uuid), "%s", U1);
    assert_int_equal(managed_store(&md, err), -1);
    md.name = (char *)"ok";
    snprintf(md.uuid, sizeof(md.uuid), "%s", "not-a-uuid");
    assert_int_equal(managed_store(&md, err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
