/*
 * test_bridge.c - unit tests of the bridge module's pure parts: interface
 * name checks, address text, and the state file (writing, reading back,
 * and rejecting every kind of damaged file with the line at fault).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "bridge.h"
#include "bridge_state.h"

static char err[512];

static void name_ok(const char *name)
{
    err[0] = '\0';
    if (bridge_name_valid(name, "bridge", err, sizeof(err)))
        fail_msg("'%s' rejected: %s", name, err);
}

static void name_bad(const char *name, const char *why)
{
    err[0] = '\0';
    if (!bridge_name_valid(name, "bridge", err, sizeof(err)))
        fail_msg("'%s' accepted", name);
    if (!strstr(err, why))
        fail_msg("'%s': message '%s' lacks '%s'", name, err, why);
}

static void test_names(void **state)
{
    (void)state;
    name_ok("xenbr0");
    name_ok("eth0");
    name_ok("vif12.3");
    name_ok("a");
    name_ok("br-0_x.y");
    name_ok("fifteen15chars_");
    name_bad(NULL, "empty");
    name_bad("", "empty");
    name_bad("sixteen16chars__", "too long");
    name_bad("sixteen16chars__", "sixteen16chars__");
    name_bad("averyveryveryveryverylongnamethatgoesonandonandonandonandonandonandon",
             "...' is too long");
    name_bad(".", "invalid");
    name_bad("..", "invalid");
    name_bad("a/b", "'a/b' is invalid");
    name_bad("a:1", "invalid");
    name_bad("a b", "invalid");
    name_bad("a\tb", "invalid");
    name_bad("a\nb", "invalid");
    name_bad("vif%d", "invalid");
    name_bad("br\xc3\xa9", "invalid");
    name_bad("\x7f", "invalid");
}

static void test_ip_text(void **state)
{
    struct bridge_ip ip;
    char buf[64];

    (void)state;
    assert_int_equal(bridge_ip_parse("10.0.0.1/24", AF_INET, 1, &ip), 0);
    assert_int_equal(ip.plen, 24);
    assert_int_equal(bridge_ip_format(&ip, 1, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "10.0.0.1/24");
    assert_int_equal(bridge_ip_parse("fd00::1/64", AF_INET6, 1, &ip), 0);
    assert_int_equal(bridge_ip_format(&ip, 0, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "fd00::1");
    assert_int_equal(bridge_ip_parse("0.0.0.0/0", AF_INET, 1, &ip), 0);
    assert_int_equal(ip.plen, 0);
    assert_int_equal(bridge_ip_format(&ip, 1, buf, 6), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1", AF_INET, 0, &ip), 0);
    assert_int_equal(ip.plen, 32);
    /* Rejections: wrong family, prefix where none is wanted and the
     * reverse, out of range, leading zeros, signs, junk. */
    assert_int_equal(bridge_ip_parse("fd00::1/64", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/24", AF_INET6, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/24", AF_INET, 0, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/33", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("fd00::1/129", AF_INET6, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/024", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/+4", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.1/2x", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("10.0.0.256/8", AF_INET, 1, &ip), -1);
    assert_int_equal(bridge_ip_parse("", AF_INET, 0, &ip), -1);
}

/* A state with every kind of field in use. */
static struct bridge_state *full_state(void)
{
    struct bridge_state *st = calloc(1, sizeof(*st));
    struct bridge_addr_rec *a;
    struct bridge_route_rec *r;

    assert_non_null(st);
    strcpy(st->bridge, "xenbr0");
    strcpy(st->nic, "eth0");
    st->created = 1;
    st->nic_up = 1;
    a = &st->addrs[st->naddrs++];
    assert_int_equal(bridge_ip_parse("10.0.0.1/24", AF_INET, 1, &a->local), 0);
    a->has_brd = 1;
    assert_int_equal(bridge_ip_parse("10.0.0.255", AF_INET, 0, &a->brd), 0);
    a->flags = 0x80;
    strcpy(a->label, "eth0:1");
    a->valid = a->preferred = 0xffffffffu;
    a = &st->addrs[st->naddrs++];
    assert_int_equal(bridge_ip_parse("10.1.0.1/32", AF_INET, 1, &a->local), 0);
    a->has_peer = 1;
    assert_int_equal(bridge_ip_parse("10.1.0.2", AF_INET, 0, &a->peer), 0);
    a->valid = 300;
    a->preferred = 200;
    a = &st->addrs[st->naddrs++];
    assert_int_equal(bridge_ip_parse("fd00::1/64", AF_INET6, 1, &a->local), 0);
    a->flags = 0x280;
    a->valid = a->preferred = 0xffffffffu;
    r = &st->routes[st->nroutes++];
    r->family = AF_INET;
    r->table = 254;
    r->protocol = 3;
    r->type = 1;
    assert_int_equal(bridge_ip_parse("0.0.0.0/0", AF_INET, 1, &r->dst), 0);
    r->nnh = 1;
    strcpy(r->nh[0].dev, "eth0");
    r->nh[0].has_gw = 1;
    assert_int_equal(bridge_ip_parse("10.0.0.2", AF_INET, 0, &r->nh[0].gw), 0);
    r = &st->routes[st->nroutes++];
    r->family = AF_INET6;
    r->table = 100;
    r->protocol = 4;
    r->type = 1;
    r->priority = 1024;
    r->flags = 4;
    assert_int_equal(bridge_ip_parse("fd99::/64", AF_INET6, 1, &r->dst), 0);
    r->has_src = 1;
    assert_int_equal(bridge_ip_parse("fd00::/64", AF_INET6, 1, &r->src), 0);
    r->has_prefsrc = 1;
    assert_int_equal(bridge_ip_parse("fd00::1", AF_INET6, 0, &r->prefsrc), 0);
    r->metric_mask = (1u << RTAX_MTU) | (1u << RTAX_HOPLIMIT);
    r->metrics[RTAX_MTU] = 1400;
    r->metrics[RTAX_HOPLIMIT] = 64;
    r->nnh = 2;
    strcpy(r->nh[0].dev, "eth0");
    r->nh[0].has_gw = 1;
    assert_int_equal(bridge_ip_parse("fd00::2", AF_INET6, 0, &r->nh[0].gw), 0);
    r->nh[0].weight = 1;
    strcpy(r->nh[1].dev, "eth1");
    r->nh[1].flags = 4;
    return st;
}

static char *format_to_string(const struct bridge_state *st, size_t *len_r)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len_r);

    assert_non_null(f);
    assert_int_equal(bridge_state_format(st, f), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_state_roundtrip(void **state)
{
    struct bridge_state *st = full_state(), *back = malloc(sizeof(*back));
    size_t len;
    char *text = format_to_string(st, &len);

    (void)state;
    assert_non_null(back);
    if (bridge_state_parse(text, len, back, err, sizeof(err)))
        fail_msg("%s\n%s", err, text);
    assert_memory_equal(st, back, sizeof(*st));
    assert_non_null(strstr(text, "label eth0:1"));
    assert_non_null(strstr(text, "rtax 2 1400"));
    assert_non_null(strstr(text, " nh dev eth1 nhflags 0x4 weight 0\n"));
    free(text);
    free(st);
    free(back);
}

static const char head[] =
    "xltool-bridge-state 1\nbridge xenbr0\nnic eth0\ncreated 1\nnic-up 1\n";
static const char addr_ok[] =
    "addr inet 10.0.0.1/24 scope 0 flags 0x80 valid 1 pref 1";
static const char route_ok[] =
    "route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 metric 0 "
    "tos 0 flags 0x0 nh dev eth0 via 10.0.0.2 nhflags 0x0 weight 0";

/* Parses text (a string) and expects rejection with why in the message. */
static void rejects(const char *text, const char *why)
{
    struct bridge_state *st = malloc(sizeof(*st));

    assert_non_null(st);
    err[0] = '\0';
    if (!bridge_state_parse(text, strlen(text), st, err, sizeof(err)))
        fail_msg("accepted:\n%s", text);
    if (!strstr(err, why))
        fail_msg("message '%s' lacks '%s' for:\n%s", err, why, text);
    free(st);
}

/* The good header, then one record line, then end. */
static void rejects_line(const char *line, const char *why)
{
    char text[16384];

    snprintf(text, sizeof(text), "%s%s\nend\n", head, line);
    rejects(text, why);
}

static void test_state_minimal(void **state)
{
    struct bridge_state *st = malloc(sizeof(*st));
    char text[1024];

    (void)state;
    assert_non_null(st);
    snprintf(text, sizeof(text), "%s%s\n%s\nend\n", head, addr_ok, route_ok);
    if (bridge_state_parse(text, strlen(text), st, err, sizeof(err)))
        fail_msg("%s", err);
    assert_string_equal(st->bridge, "xenbr0");
    assert_string_equal(st->nic, "eth0");
    assert_int_equal(st->naddrs, 1);
    assert_int_equal(st->nroutes, 1);
    assert_int_equal(st->routes[0].nh[0].has_gw, 1);
    free(st);
}

static void test_state_rejects_file(void **state)
{
    char text[4096];

    (void)state;
    rejects("", "truncated");
    rejects("xltool-bridge-state 2\nend\n", "line 1: not an xltool");
    rejects("garbage\n", "line 1: not an xltool");
    snprintf(text, sizeof(text), "%s", head);
    rejects(text, "truncated (no end line)");
    snprintf(text, sizeof(text), "%send", head);
    rejects(text, "line 6: unterminated line");
    snprintf(text, sizeof(text), "%send\nend\n", head);
    rejects(text, "line 7: data after end");
    rejects("xltool-bridge-state 1\nbridge xenbr0\nnic eth0\ncreated 1\nend\n",
            "missing bridge, nic, created or nic-up");
    rejects("xltool-bridge-state 1\nbridge eth0\nnic eth0\ncreated 1\n"
            "nic-up 0\nend\n", "same device");
    snprintf(text, sizeof(text), "%sbridge xenbr1\nend\n", head);
    rejects(text, "line 6: duplicated field");
    memcpy(text, head, sizeof(head) - 1);
    memcpy(text + sizeof(head) - 1, "x\0y\nend\n", 8);
    {
        struct bridge_state *st = malloc(sizeof(*st));
        assert_non_null(st);
        assert_int_equal(bridge_state_parse(text, sizeof(head) - 1 + 8, st,
                                            err, sizeof(err)), -1);
        assert_non_null(strstr(err, "line 6: malformed line"));
        free(st);
    }
}

static void test_state_rejects_header(void **state)
{
    char line[9000];

    (void)state;
    rejects_line("frobnicate 1", "line 6: unknown record");
    rejects_line("addr", "line 6: missing value");
    rejects("xltool-bridge-state 1\nnic a/b\n", "line 2: bad interface name");
    rejects("xltool-bridge-state 1\nbridge sixteen16chars__\n",
            "line 2: bad interface name");
    rejects("xltool-bridge-state 1\ncreated 2\n", "line 2: bad number");
    rejects("xltool-bridge-state 1\ncreated 01\n", "bad number");
    rejects("xltool-bridge-state 1\nnic-up -1\n", "bad number");
    rejects("xltool-bridge-state 1\nnic-up +1\n", "bad number");
    rejects("xltool-bridge-state 1\nnic-up 1 1\n", "trailing fields");
    rejects("xltool-bridge-state 1\ncreated  1\n", "malformed line");
    rejects("xltool-bridge-state 1\ncreated 1 \n", "malformed line");
    rejects("xltool-bridge-state 1\n created 1\n", "malformed line");
    rejects("xltool-bridge-state 1\nnic\n", "line 2: missing value");
    rejects_line("", "malformed line");
    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    rejects_line(line, "line 6: malformed line");
}

static void test_state_rejects_addr(void **state)
{
    char many[16384];
    int i, n;

    (void)state;
    rejects_line("addr inet7 10.0.0.1/24 scope 0 flags 0 valid 1 pref 1",
                 "bad address family");
    rejects_line("addr inet fd00::1/64 scope 0 flags 0 valid 1 pref 1",
                 "bad address");
    rejects_line("addr inet 10.0.0.1 scope 0 flags 0 valid 1 pref 1",
                 "bad address");
    rejects_line("addr inet 10.0.0.1/33 scope 0 flags 0 valid 1 pref 1",
                 "bad address");
    rejects_line("addr inet 10.0.0.1/24 flags 0 valid 1 pref 1",
                 "missing field");
    rejects_line("addr inet 10.0.0.1/24 scope 0 flags 0 valid 1 pref 1 x 1",
                 "unknown field");
    rejects_line("addr inet 10.0.0.1/24 scope 0 scope 0 flags 0 valid 1 pref 1",
                 "duplicated field");
    rejects_line("addr inet 10.0.0.1/24 scope 256 flags 0 valid 1 pref 1",
                 "bad number");
    rejects_line("addr inet 10.0.0.1/24 scope 0 flags 0 valid 4294967296 "
                 "pref 1", "bad number");
    rejects_line("addr inet 10.0.0.1/24 scope 0 flags 0 valid 1 pref",
                 "missing value");
    rejects_line("addr inet6 fd00::1/64 brd fd00::ff scope 0 flags 0 valid 1 "
                 "pref 1", "line 6");
    rejects_line("addr inet6 fd00::1/64 label eth0 scope 0 flags 0 valid 1 "
                 "pref 1", "line 6");
    rejects_line("addr inet 10.0.0.1/24 label eth0: scope 0 flags 0 valid 1 "
                 "pref 1", "bad address label");
    rejects_line("addr inet 10.0.0.1/24 label :1 scope 0 flags 0 valid 1 "
                 "pref 1", "bad address label");
    rejects_line("addr inet 10.0.0.1/24 label eth0:1:2 scope 0 flags 0 "
                 "valid 1 pref 1", "bad address label");
    rejects_line("addr inet 10.0.0.1/24 label eth0/1 scope 0 flags 0 "
                 "valid 1 pref 1", "bad address label");
    rejects_line("addr inet 10.0.0.1/24 label eth0:abcdefghijk scope 0 "
                 "flags 0 valid 1 pref 1", "bad address label");
    n = snprintf(many, sizeof(many), "%s", head);
    for (i = 0; i <= BRIDGE_MAX_ADDRS; i++)
        n += snprintf(many + n, sizeof(many) - n, "%s\n", addr_ok);
    snprintf(many + n, sizeof(many) - n, "end\n");
    rejects(many, "too many addresses");
}

static void test_state_rejects_route(void **state)
{
    (void)state;
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0", "route without a nexthop");
    rejects_line("route inet dst 0.0.0.0/0 proto 3 scope 0 type 1 metric 0 "
                 "tos 0 flags 0 nh dev eth0 nhflags 0 weight 0",
                 "missing field");
    rejects_line("route inet table 254 dst 0.0.0.0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 nh dev eth0 nhflags 0 weight 0",
                 "bad address");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 nh via 10.0.0.2", "start with dev");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 nh dev eth0 via fd00::1 nhflags 0 "
                 "weight 0", "bad address");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 nh dev eth0 nhflags 0",
                 "missing nexthop field");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 nh dev eth0 nhflags 0 weight 0 "
                 "color 1", "unknown nexthop field");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 rtax 0 1 nh dev eth0 nhflags 0 "
                 "weight 0", "bad route metric");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 rtax 2 1 rtax 2 1 nh dev eth0 "
                 "nhflags 0 weight 0", "bad route metric");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 rtax 99 1 nh dev eth0 nhflags 0 "
                 "weight 0", "bad number");
    rejects_line("route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 "
                 "metric 0 tos 0 flags 0 nh dev eth0 nhflags 0 weight 256",
                 "bad number");
    rejects_line("route inet table 254 table 254 dst 0.0.0.0/0 proto 3 "
                 "scope 0 type 1 metric 0 tos 0 flags 0 nh dev eth0 "
                 "nhflags 0 weight 0", "duplicated field");
}

static void test_state_files(void **state)
{
    char dir[] = "/tmp/test_bridge.XXXXXX", path[512], tmp[600];
    struct bridge_state *st = full_state(), *back = malloc(sizeof(*back));
    FILE *f;
    int i;

    (void)state;
    assert_non_null(back);
    assert_non_null(mkdtemp(dir));
    assert_int_equal(setenv("XLTOOL_RUN_DIR", dir, 1), 0);
    assert_int_equal(bridge_state_path("xenbr0", path, sizeof(path), err,
                                       sizeof(err)), 0);
    snprintf(tmp, sizeof(tmp), "%s/bridge-xenbr0.state", dir);
    assert_string_equal(path, tmp);
    assert_int_equal(bridge_state_path("a/b", path, sizeof(path), err,
                                       sizeof(err)), -1);
    assert_int_equal(bridge_state_path("xenbr0", path, 10, err,
                                       sizeof(err)), -1);
    assert_int_equal(bridge_state_path("xenbr0", path, sizeof(path), err,
                                       sizeof(err)), 0);
    /* Missing file: the message names it. */
    assert_int_equal(bridge_state_read(path, back, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    /* Written, then read back identically; no temporary file left. */
    assert_int_equal(bridge_state_write(path, st, err, sizeof(err)), 0);
    assert_int_equal(bridge_state_read(path, back, err, sizeof(err)), 0);
    assert_memory_equal(st, back, sizeof(*st));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    assert_int_equal(access(tmp, F_OK), -1);
    /* Damage is reported with the file's name and the line. */
    f = fopen(path, "a");
    assert_non_null(f);
    fputs("route\n", f);
    fclose(f);
    assert_int_equal(bridge_state_read(path, back, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "data after end"));
    /* Oversized files are refused before parsing. */
    f = fopen(path, "w");
    assert_non_null(f);
    for (i = 0; i < BRIDGE_STATE_MAX / 16 + 1; i++)
        fputs("0123456789abcde\n", f);
    fclose(f);
    assert_int_equal(bridge_state_read(path, back, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too large"));
    /* Unwritable place: error names the file. */
    snprintf(tmp, sizeof(tmp), "%s/nodir/bridge-x.state", dir);
    assert_int_equal(bridge_state_write(tmp, st, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nodir"));
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
    unsetenv("XLTOOL_RUN_DIR");
    assert_int_equal(bridge_state_path("xenbr0", path, sizeof(path), err,
                                       sizeof(err)), 0);
    assert_string_equal(path, "/run/xltool/bridge-xenbr0.state");
    free(st);
    free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_ip_text),
        cmocka_unit_test(test_state_roundtrip),
        cmocka_unit_test(test_state_minimal),
        cmocka_unit_test(test_state_rejects_file),
        cmocka_unit_test(test_state_rejects_header),
        cmocka_unit_test(test_state_rejects_addr),
        cmocka_unit_test(test_state_rejects_route),
        cmocka_unit_test(test_state_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
