/*
 * test_be_libxl.c - the libxl backend's conversions and error handling,
 * which need no hypervisor: domain state bits, the capturing logger and
 * the messages built from it, save progress, shutdown actions, the vif
 * bridge check and opening the backend where there is no Xen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "be_libxl.h"

/* Logs through the logger's own entry point, as libxl does (the test
 * does not link libxentoollog's xtl_log). */
static void lg_log(void *lg, xentoollog_level level, int errnoval,
                   const char *context, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void lg_log(void *lg, xentoollog_level level, int errnoval,
                   const char *context, const char *fmt, ...)
{
    xentoollog_logger *xl = lg;
    va_list ap;

    va_start(ap, fmt);
    xl->vmessage(xl, level, errnoval, context, fmt, ap);
    va_end(ap);
}

static void test_state_bits(void **state)
{
    libxl_dominfo d;

    (void)state;
    memset(&d, 0, sizeof(d));
    assert_int_equal(be_lx_state_bits(&d), 0);
    d.running = true;
    assert_int_equal(be_lx_state_bits(&d), BE_ST_RUNNING);
    d.running = false;
    d.blocked = true;
    d.paused = true;
    assert_int_equal(be_lx_state_bits(&d), BE_ST_BLOCKED | BE_ST_PAUSED);
    memset(&d, 0, sizeof(d));
    d.shutdown = true;
    d.shutdown_reason = LIBXL_SHUTDOWN_REASON_POWEROFF;
    assert_int_equal(be_lx_state_bits(&d), BE_ST_SHUTDOWN);
    /* A crash shows as crashed only, as xl list prints "c" not "sc". */
    d.shutdown_reason = LIBXL_SHUTDOWN_REASON_CRASH;
    assert_int_equal(be_lx_state_bits(&d), BE_ST_CRASHED);
    d.dying = true;
    assert_int_equal(be_lx_state_bits(&d), BE_ST_CRASHED | BE_ST_DYING);
}

static void test_dominfo_fill(void **state)
{
    libxl_dominfo d;
    struct be_dominfo out;

    (void)state;
    memset(&d, 0, sizeof(d));
    d.domid = 7;
    d.running = true;
    d.current_memkb = 131072;
    d.max_memkb = 132096;
    d.vcpu_max_id = 3;
    d.vcpu_online = 2;
    d.cpu_time = 5000000000ULL;
    d.domain_type = LIBXL_DOMAIN_TYPE_PVH;
    libxl_uuid_generate(&d.uuid);
    assert_int_equal(be_lx_dominfo_fill(&out, &d, "web", 1700000000), 0);
    assert_string_equal(out.name, "web");
    assert_int_equal(out.domid, 7);
    assert_int_equal(out.state, BE_ST_RUNNING);
    assert_int_equal(out.shutdown_reason, -1);
    assert_int_equal(out.current_memkb, 131072);
    assert_int_equal(out.max_memkb, 132096);
    assert_int_equal(out.vcpu_max, 4);
    assert_int_equal(out.vcpu_online, 2);
    assert_int_equal(out.cpu_time_ns, 5000000000ULL);
    assert_int_equal(out.type, LIBXL_DOMAIN_TYPE_PVH);
    assert_int_equal(out.start_time, 1700000000);
    assert_int_equal(libxl_uuid_compare(&out.uuid, &d.uuid), 0);
    free(out.name);

    /* A domain libxl cannot name still gets a (empty) name. */
    d.shutdown = true;
    d.shutdown_reason = LIBXL_SHUTDOWN_REASON_REBOOT;
    assert_int_equal(be_lx_dominfo_fill(&out, &d, NULL, 0), 0);
    assert_string_equal(out.name, "");
    assert_int_equal(out.shutdown_reason, LIBXL_SHUTDOWN_REASON_REBOOT);
    free(out.name);
}

static void test_logger_keeps_last_errors(void **state)
{
    struct be_lx_logger lg;
    xentoollog_logger *xl = (xentoollog_logger *)&lg;
    char buf[512];

    (void)state;
    be_lx_logger_init(&lg, XTL_ERROR, -1);
    be_lx_logger_last(&lg, buf, sizeof(buf));
    assert_string_equal(buf, "");
    lg_log(xl, XTL_DEBUG, -1, "libxl", "noise %d", 1);
    lg_log(xl, XTL_INFO, -1, "libxl", "more noise");
    be_lx_logger_last(&lg, buf, sizeof(buf));
    assert_string_equal(buf, "");
    lg_log(xl, XTL_ERROR, -1, "libxl", "first %s", "failure");
    lg_log(xl, XTL_CRITICAL, 2, "libxl", "cannot open %s", "/x");
    be_lx_logger_last(&lg, buf, sizeof(buf));
    assert_string_equal(buf, "first failure; cannot open /x: "
                             "No such file or directory");
    /* Only the last LX_LOG_KEEP lines stay, oldest first. */
    lg_log(xl, XTL_ERROR, -1, "libxl", "e3");
    lg_log(xl, XTL_ERROR, -1, "libxl", "e4");
    lg_log(xl, XTL_ERROR, -1, "libxl", "e5");
    be_lx_logger_last(&lg, buf, sizeof(buf));
    assert_string_equal(buf, "cannot open /x: No such file or directory; "
                             "e3; e4; e5");
    be_lx_logger_clear(&lg);
    be_lx_logger_last(&lg, buf, sizeof(buf));
    assert_string_equal(buf, "");
}

static void test_logger_bounded(void **state)
{
    struct be_lx_logger lg;
    char big[2000], buf[64];

    (void)state;
    be_lx_logger_init(&lg, XTL_ERROR, -1);
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    lg_log(&lg, XTL_ERROR, -1, "libxl", "%s", big);
    lg_log(&lg, XTL_ERROR, -1, "libxl", "%s", big);
    be_lx_logger_last(&lg, buf, sizeof(buf));
    assert_true(strlen(buf) < sizeof(buf));
    assert_true(strlen(lg.lines[0]) == LX_LOG_LINE - 1);
}

static void test_fail_message(void **state)
{
    struct be_lx lx;
    char err[XT_ERRLEN];

    (void)state;
    memset(&lx, 0, sizeof(lx));
    be_lx_logger_init(&lx.log, XTL_ERROR, -1);
    assert_int_equal(be_lx_fail(&lx, err, 12, "pause", ERROR_DOMAIN_NOTFOUND),
                     -1);
    assert_string_equal(err, "domain 12: pause failed: no such domain");
    lg_log(&lx.log, XTL_ERROR, -1, "libxl",
            "domain with name \"web\" already exists.");
    be_lx_fail(&lx, err, INVALID_DOMID, "creating domain 'web'", ERROR_INVAL);
    assert_string_equal(err, "creating domain 'web' failed: invalid argument "
                             "(domain with name \"web\" already exists.)");
    /* The quoted lines belong to one failure only. */
    be_lx_fail(&lx, err, 3, "unpause", -99);
    assert_string_equal(err, "domain 3: unpause failed: libxl error -99");
}

static void test_fail_message_truncated(void **state)
{
    struct be_lx lx;
    char err[XT_ERRLEN];
    char big[LX_LOG_LINE];
    int i;

    (void)state;
    memset(&lx, 0, sizeof(lx));
    be_lx_logger_init(&lx.log, XTL_ERROR, -1);
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    for (i = 0; i < LX_LOG_KEEP; i++)
        lg_log(&lx.log, XTL_ERROR, -1, "x", "%s", big);
    be_lx_fail(&lx, err, 1, "save", ERROR_FAIL);
    assert_true(strlen(err) < XT_ERRLEN);
    assert_true(!strncmp(err, "domain 1: save failed: libxl error", 34));
}

static void test_progress_parse(void **state)
{
    struct be_progress p;

    (void)state;
    memset(&p, 0, sizeof(p));
    be_lx_progress_parse("Frames iteration 0 of 5", 100, 32768, &p);
    assert_int_equal(p.round, 0);
    assert_int_equal(p.sent_bytes, 100 * 4096);
    assert_int_equal(p.total_bytes, 32768ULL * 4096);
    assert_int_equal(p.suspended, 0);
    memset(&p, 0, sizeof(p));
    be_lx_progress_parse("Frames iteration 3 of 5", 10, 40, &p);
    assert_int_equal(p.round, 3);
    assert_int_equal(p.dirty_pages, 40);
    memset(&p, 0, sizeof(p));
    be_lx_progress_parse("Domain now suspended", 0, 0, &p);
    assert_int_equal(p.suspended, 1);
    /* A non-live save's single pass runs with the guest suspended. */
    memset(&p, 0, sizeof(p));
    be_lx_progress_parse("Frames", 5, 10, &p);
    assert_int_equal(p.suspended, 1);
    assert_int_equal(p.round, 0);
    memset(&p, 0, sizeof(p));
    be_lx_progress_parse("Start of stream", 0, 0, &p);
    be_lx_progress_parse(NULL, 0, 0, &p);
    assert_int_equal(p.sent_bytes, 0);
    assert_int_equal(p.suspended, 0);
}

static void test_shutdown_action(void **state)
{
    libxl_domain_config c;

    (void)state;
    libxl_domain_config_init(&c);
    c.on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    c.on_reboot = LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    c.on_crash = LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART;
    c.on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
    c.on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    assert_int_equal(be_lx_shutdown_action(&c, LIBXL_SHUTDOWN_REASON_POWEROFF),
                     LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(be_lx_shutdown_action(&c, LIBXL_SHUTDOWN_REASON_REBOOT),
                     LIBXL_ACTION_ON_SHUTDOWN_RESTART);
    assert_int_equal(be_lx_shutdown_action(&c, LIBXL_SHUTDOWN_REASON_CRASH),
                     LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART);
    assert_int_equal(be_lx_shutdown_action(&c, LIBXL_SHUTDOWN_REASON_WATCHDOG),
                     LIBXL_ACTION_ON_SHUTDOWN_PRESERVE);
    assert_int_equal(be_lx_shutdown_action(&c,
                                           LIBXL_SHUTDOWN_REASON_SOFT_RESET),
                     LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET);
    /* A suspended domain belongs to whoever suspended it. */
    assert_int_equal(be_lx_shutdown_action(&c, LIBXL_SHUTDOWN_REASON_SUSPEND),
                     LIBXL_ACTION_ON_SHUTDOWN_PRESERVE);
    assert_int_equal(be_lx_shutdown_action(&c, 77),
                     LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    libxl_domain_config_dispose(&c);
}

static void add_nic(libxl_domain_config *c, const char *bridge,
                    const char *script)
{
    libxl_device_nic *nic;

    c->nics = realloc(c->nics, (c->num_nics + 1) * sizeof(*c->nics));
    assert_non_null(c->nics);
    nic = &c->nics[c->num_nics++];
    libxl_device_nic_init(nic);
    nic->bridge = bridge ? strdup(bridge) : NULL;
    nic->script = script ? strdup(script) : NULL;
}

static void test_check_bridges(void **state)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];

    (void)state;
    libxl_domain_config_init(&c);
    c.c_info.name = strdup("web");
    assert_int_equal(be_lx_check_bridges(&c, err), 0);
    /* Routed and NATed vifs need no bridge. */
    add_nic(&c, "nosuchbr7", "/etc/xen/scripts/vif-route");
    assert_int_equal(be_lx_check_bridges(&c, err), 0);
    add_nic(&c, "nosuchbr7", NULL);
    assert_int_equal(be_lx_check_bridges(&c, err), -1);
    assert_non_null(strstr(err, "web: vif 1: bridge 'nosuchbr7' does not "
                                "exist"));
    libxl_domain_config_dispose(&c);

    libxl_domain_config_init(&c);
    c.c_info.name = strdup("db");
    add_nic(&c, "a-name-far-too-long-for-linux", "vif-bridge");
    assert_int_equal(be_lx_check_bridges(&c, err), -1);
    assert_non_null(strstr(err, "db: vif 0: bridge name "
                                "'a-name-far-too-long-for-linux' is too long"));
    libxl_domain_config_dispose(&c);

    /* The loopback device exists but is not a bridge. */
    libxl_domain_config_init(&c);
    add_nic(&c, "lo", NULL);
    assert_int_equal(be_lx_check_bridges(&c, err), -1);
    assert_non_null(strstr(err, "bridge 'lo' does not exist"));
    libxl_domain_config_dispose(&c);
}

static void test_open_without_xen(void **state)
{
    struct be *be = (struct be *)1;
    char err[XT_ERRLEN] = "";

    (void)state;
    if (!access("/dev/xen/privcmd", F_OK) ||
        !access("/proc/xen/privcmd", F_OK))
        skip();
    assert_int_equal(be_libxl_open(&be, err), -1);
    assert_null(be);
    assert_non_null(strstr(err, "privcmd"));
    assert_non_null(strstr(err, "not a Xen dom0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_bits),
        cmocka_unit_test(test_dominfo_fill),
        cmocka_unit_test(test_logger_keeps_last_errors),
        cmocka_unit_test(test_logger_bounded),
        cmocka_unit_test(test_fail_message),
        cmocka_unit_test(test_fail_message_truncated),
        cmocka_unit_test(test_progress_parse),
        cmocka_unit_test(test_shutdown_action),
        cmocka_unit_test(test_check_bridges),
        cmocka_unit_test(test_open_without_xen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
