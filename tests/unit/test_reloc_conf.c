/*
 * test_reloc_conf.c - the relocation and domains groups of xltool.conf
 * (relocation/conf.c): defaults, every setting, and every kind of bad
 * config reported with its file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "reloc.h"

static char path[64];

static const char *write_conf(const char *text)
{
    FILE *f;
    int fd;

    snprintf(path, sizeof(path), "/tmp/test_reloc_conf.XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int load(const char *text, struct reloc_conf *c, char *err)
{
    int rc;

    reloc_conf_init(c);
    rc = reloc_conf_load(c, write_conf(text), err);
    unlink(path);
    return rc;
}

static void test_defaults(void **state)
{
    struct reloc_conf c;
    char err[XT_ERRLEN];

    (void)state;
    assert_int_equal(load("# nothing\n", &c, err), 0);
    assert_int_equal(c.port, 8002);
    assert_int_equal(c.allow_plain, 0);
    assert_int_equal(c.n_allow, 0);
    assert_null(c.cert);
    assert_string_equal(c.state_dir, "/run/xltool");
    assert_true(reloc_host_allowed(&c, "10.0.0.1", ""));
    reloc_conf_dispose(&c);
}

static void test_full(void **state)
{
    struct reloc_conf c;
    char err[XT_ERRLEN];

    (void)state;
    assert_int_equal(load(
        "relocation = {\n"
        "  address = \"10.0.0.2\";\n"
        "  port = 9002;\n"
        "  hosts_allow = [ \"10\\\\.0\\\\.0\\\\.[0-9]+\", \"^node1$\","
        " \"node[2-3]\\\\.example\\\\.org\" ];\n"
        "  tls = { cert = \"/c.pem\"; key = \"/k.pem\"; ca = \"/ca.pem\"; };\n"
        "  allow_plain = true;\n"
        "  max_concurrent = 2;\n"
        "  timeouts = { handshake = 5; io = 7; resolve = 0; };\n"
        "  state_dir = \"/tmp/x\";\n"
        "};\n", &c, err), 0);
    assert_string_equal(c.address, "10.0.0.2");
    assert_int_equal(c.port, 9002);
    assert_int_equal(c.n_allow, 3);
    assert_string_equal(c.cert, "/c.pem");
    assert_int_equal(c.allow_plain, 1);
    assert_int_equal(c.max_concurrent, 2);
    assert_int_equal(c.handshake_timeout, 5);
    assert_int_equal(c.io_timeout, 7);
    assert_int_equal(c.resolve_timeout, 0);
    assert_string_equal(c.state_dir, "/tmp/x");
    /* Anchored, against the address or the name. */
    assert_true(reloc_host_allowed(&c, "10.0.0.17", ""));
    assert_false(reloc_host_allowed(&c, "110.0.0.17", ""));
    assert_false(reloc_host_allowed(&c, "10.0.0.17x", ""));
    assert_true(reloc_host_allowed(&c, "192.168.1.1", "node1"));
    assert_true(reloc_host_allowed(&c, "192.168.1.1", "node3.example.org"));
    assert_false(reloc_host_allowed(&c, "192.168.1.1", "node4.example.org"));
    assert_false(reloc_host_allowed(&c, "192.168.1.1", ""));
    reloc_conf_dispose(&c);
}

static void expect_error(const char *text, const char *want)
{
    struct reloc_conf c;
    char err[XT_ERRLEN], full[XT_ERRLEN + 64];

    assert_int_equal(load(text, &c, err), -1);
    snprintf(full, sizeof(full), "%s:%s", path, want);
    if (strcmp(err, full)) {
        print_error("got  '%s'\nwant '%s'\n", err, full);
        fail();
    }
    reloc_conf_dispose(&c);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("relocation = {\n  port = 8002;\n  = 3;\n};\n",
                 "3: syntax error");
    expect_error("relocation = {\n  prot = 8002;\n};\n",
                 "2: unknown setting 'prot' in relocation");
    expect_error("relocation = {\n  port = \"8002\";\n};\n",
                 "2: port must be an integer");
    expect_error("relocation = {\n\n  port = 70000;\n};\n",
                 "3: port = 70000 is out of range (1 to 65535)");
    expect_error("relocation = {\n  hosts_allow = [ \"a(\" ];\n};\n",
                 "2: hosts_allow: bad regex 'a(': Unmatched ( or \\(");
    expect_error("relocation = {\n  hosts_allow = \"x\";\n};\n",
                 "2: hosts_allow must be a list of regexes");
    expect_error("relocation = {\n  tls = { cert = \"/c\"; };\n};\n",
                 "2: tls needs cert, key and ca");
    expect_error("relocation = {\n  tls = { cert = \"/c\"; kye = \"/k\"; "
                 "};\n};\n",
                 "2: unknown setting 'kye' in relocation.tls");
    expect_error("relocation = {\n  psk_file = \"/p\";\n  tls = { cert = "
                 "\"/c\"; key = \"/k\"; ca = \"/a\"; };\n};\n",
                 "1: relocation: give either tls or psk_file, not both");
    expect_error("relocation = {\n  allow_plain = 1;\n};\n",
                 "2: allow_plain must be true or false");
    expect_error("relocation = {\n  timeouts = { io = 0; };\n};\n",
                 "2: io = 0 is out of range (1 to 3600)");
    expect_error("relocation = {\n  address = \"\";\n};\n",
                 "2: address must not be empty");
    expect_error("relocation = 5;\n", "1: relocation must be a group { ... }");
}

static void test_missing_file(void **state)
{
    struct reloc_conf c;
    char err[XT_ERRLEN];

    (void)state;
    /* Named explicitly or through XLTOOL_CONF: an error. */
    reloc_conf_init(&c);
    assert_int_equal(reloc_conf_load(&c, "/nonexistent/xltool.conf", err),
                     -1);
    assert_string_equal(err, "/nonexistent/xltool.conf: No such file or "
                             "directory");
    reloc_conf_dispose(&c);
    setenv("XLTOOL_CONF", "/nonexistent/xltool.conf", 1);
    assert_int_equal(reloc_conf_load(&c, NULL, err), -1);
    reloc_conf_dispose(&c);
    unsetenv("XLTOOL_CONF");
}

/* The shipped example reads cleanly (run-tests runs from the top). */
static void test_example(void **state)
{
    struct reloc_conf c;
    char err[XT_ERRLEN];

    (void)state;
    reloc_conf_init(&c);
    if (access("examples/xltool.conf", R_OK)) {
        reloc_conf_dispose(&c);
        skip();
    }
    assert_int_equal(reloc_conf_load(&c, "examples/xltool.conf", err), 0);
    assert_int_equal(c.port, 8002);
    assert_non_null(c.cert);
    assert_true(reloc_host_allowed(&c, "172.16.31.2", ""));
    assert_false(reloc_host_allowed(&c, "172.16.32.2", ""));
    reloc_conf_dispose(&c);
}

/* ---- the domains group ---- */

static int load_domains(const char *text, struct reloc_domains_conf *d,
                        char *err)
{
    int rc;

    reloc_domains_conf_init(d);
    rc = reloc_domains_conf_load(d, write_conf(text), err);
    unlink(path);
    return rc;
}

static void test_domains(void **state)
{
    struct reloc_domains_conf d;
    char err[XT_ERRLEN];

    (void)state;
    assert_int_equal(load_domains("relocation = { port = 8003; };\n", &d,
                                  err), 0);
    assert_int_equal(d.parallel, 4);
    assert_int_equal(d.stop, RELOC_STOP_SAVE);
    assert_int_equal(d.shutdown_timeout, 60);
    assert_string_equal(d.auto_dir, "/etc/xen/auto");
    assert_string_equal(d.save_dir, "/var/lib/xltool/save");
    assert_null(d.migrate_to);
    reloc_domains_conf_dispose(&d);
    assert_int_equal(load_domains("domains = {\n  parallel = 2;\n"
                                  "  auto_dir = \"/a\";\n  save_dir = \"/s\";"
                                  "\n  stop = \"migrate\";\n  migrate_to = "
                                  "\"hostb\";\n  shutdown_timeout = 9;\n};\n",
                                  &d, err), 0);
    assert_int_equal(d.parallel, 2);
    assert_int_equal(d.stop, RELOC_STOP_MIGRATE);
    assert_string_equal(d.migrate_to, "hostb");
    assert_string_equal(d.auto_dir, "/a");
    assert_string_equal(d.save_dir, "/s");
    assert_int_equal(d.shutdown_timeout, 9);
    reloc_domains_conf_dispose(&d);
}

static void expect_domains_error(const char *text, const char *want)
{
    struct reloc_domains_conf d;
    char err[XT_ERRLEN], full[XT_ERRLEN + 64];

    assert_int_equal(load_domains(text, &d, err), -1);
    snprintf(full, sizeof(full), "%s:%s", path, want);
    if (strcmp(err, full)) {
        print_error("got  '%s'\nwant '%s'\n", err, full);
        fail();
    }
    reloc_domains_conf_dispose(&d);
}

static void test_domains_errors(void **state)
{
    (void)state;
    expect_domains_error("domains = {\n  stop = \"halt\";\n};\n",
                         "2: stop must be \"save\", \"migrate\" or "
                         "\"shutdown\"");
    expect_domains_error("domains = {\n  stop = \"migrate\";\n};\n",
                         "1: domains: stop = \"migrate\" needs migrate_to");
    expect_domains_error("domains = {\n  parallel = 0;\n};\n",
                         "2: parallel = 0 is out of range (1 to 256)");
    expect_domains_error("domains = {\n  paralel = 2;\n};\n",
                         "2: unknown setting 'paralel' in domains");
    expect_domains_error("domains = {\n  save_dir = 3;\n};\n",
                         "2: save_dir must be a string");
    expect_domains_error("domains = 5;\n",
                         "1: domains must be a group { ... }");
}

static void test_domains_example(void **state)
{
    struct reloc_domains_conf d;
    char err[XT_ERRLEN];

    (void)state;
    if (access("examples/xltool.conf", R_OK))
        skip();
    reloc_domains_conf_init(&d);
    assert_int_equal(reloc_domains_conf_load(&d, "examples/xltool.conf",
                                             err), 0);
    assert_int_equal(d.stop, RELOC_STOP_MIGRATE);
    assert_int_equal(d.parallel, 5);
    reloc_domains_conf_dispose(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_example),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_domains_errors),
        cmocka_unit_test(test_domains_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
