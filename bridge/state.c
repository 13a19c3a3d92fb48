/*
 * state.c - the state file of an enslaved NIC: writing it atomically,
 * and reading it back strictly (a damaged file is rejected, never half
 * applied).
 *
 * Format, one record per line, fields separated by single spaces:
 *
 *   xltool-bridge-state 1
 *   bridge xenbr0
 *   nic eth0
 *   created 1
 *   nic-up 1
 *   addr inet 10.0.0.1/24 brd 10.0.0.255 scope 0 flags 0x80 label eth0
 *        valid 4294967295 pref 4294967295                  (one line)
 *   route inet table 254 dst 0.0.0.0/0 proto 3 scope 0 type 1 metric 0
 *        tos 0 flags 0x0 nh dev eth0 via 10.0.0.2 nhflags 0x0 weight 0
 *   end
 *
 * A route may carry "src P/L", "prefsrc A", "rtax N V" (route metrics
 * such as the MTU) and several "nh" groups (multipath).  The closing
 * "end" line shows that the file was written completely.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge.h"
#include "bridge_state.h"

#define MAX_TOKENS 256

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *family_name(int family)
{
    return family == AF_INET ? "inet" : "inet6";
}

static int family_parse(const char *s)
{
    if (!strcmp(s, "inet"))
        return AF_INET;
    if (!strcmp(s, "inet6"))
        return AF_INET6;
    return -1;
}

static unsigned int family_bits(int family)
{
    return family == AF_INET ? 32 : 128;
}

int bridge_ip_parse(const char *s, int family, int want_plen,
                    struct bridge_ip *ip_r)
{
    char buf[INET6_ADDRSTRLEN + 8];
    const char *slash;
    unsigned long plen;
    char *end;

    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    slash = strchr(buf, '/');
    if (!!slash != !!want_plen)
        return -1;
    memset(ip_r, 0, sizeof(*ip_r));
    ip_r->family = family;
    ip_r->plen = family_bits(family);
    if (slash) {
        buf[slash - buf] = '\0';
        if (slash[1] < '0' || slash[1] > '9')
            return -1;
        errno = 0;
        plen = strtoul(slash + 1, &end, 10);
        if (errno || *end || plen > family_bits(family) ||
            (slash[1] == '0' && slash[2]))
            return -1;
        ip_r->plen = plen;
    }
    if (inet_pton(family, buf, ip_r->a) != 1)
        return -1;
    return 0;
}

int bridge_ip_format(const struct bridge_ip *ip, int with_plen, char *buf,
                     size_t len)
{
    char a[INET6_ADDRSTRLEN];
    int n;

    if (!inet_ntop(ip->family, ip->a, a, sizeof(a)))
        return -1;
    if (with_plen)
        n = snprintf(buf, len, "%s/%u", a, ip->plen);
    else
        n = snprintf(buf, len, "%s", a);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Writing */

static void put_ip(FILE *f, const char *key, const struct bridge_ip *ip,
                   int with_plen)
{
    char buf[INET6_ADDRSTRLEN + 8];

    if (bridge_ip_format(ip, with_plen, buf, sizeof(buf)))
        strcpy(buf, "?");       /* cannot happen for a valid record */
    fprintf(f, "%s%s%s", key ? " " : "", key ? key : "", key ? " " : "");
    fputs(buf, f);
}

static void format_addr(FILE *f, const struct bridge_addr_rec *a)
{
    fprintf(f, "addr %s ", family_name(a->local.family));
    put_ip(f, NULL, &a->local, 1);
    if (a->has_peer)
        put_ip(f, "peer", &a->peer, 0);
    if (a->has_brd)
        put_ip(f, "brd", &a->brd, 0);
    fprintf(f, " scope %u flags 0x%x", a->scope, a->flags);
    if (a->label[0])
        fprintf(f, " label %s", a->label);
    fprintf(f, " valid %u pref %u\n", a->valid, a->preferred);
}

static void format_route(FILE *f, const struct bridge_route_rec *r)
{
    int i;

    fprintf(f, "route %s table %u", family_name(r->family), r->table);
    put_ip(f, "dst", &r->dst, 1);
    fprintf(f, " proto %u scope %u type %u metric %u tos %u flags 0x%x",
            r->protocol, r->scope, r->type, r->priority, r->tos, r->flags);
    if (r->has_src)
        put_ip(f, "src", &r->src, 1);
    if (r->has_prefsrc)
        put_ip(f, "prefsrc", &r->prefsrc, 0);
    for (i = 0; i <= RTAX_MAX; i++)
        if (r->metric_mask & (1u << i))
            fprintf(f, " rtax %d %u", i, r->metrics[i]);
    for (i = 0; i < r->nnh; i++) {
        fprintf(f, " nh dev %s", r->nh[i].dev);
        if (r->nh[i].has_gw)
            put_ip(f, "via", &r->nh[i].gw, 0);
        fprintf(f, " nhflags 0x%x weight %u", r->nh[i].flags,
                r->nh[i].weight);
    }
    fputc('\n', f);
}

int bridge_state_format(const struct bridge_state *st, FILE *f)
{
    int i;

    fprintf(f, "%s\nbridge %s\nnic %s\ncreated %d\nnic-up %d\n",
            BRIDGE_STATE_MAGIC, st->bridge, st->nic, !!st->created,
            !!st->nic_up);
    for (i = 0; i < st->naddrs; i++)
        format_addr(f, &st->addrs[i]);
    for (i = 0; i < st->nroutes; i++)
        format_route(f, &st->routes[i]);
    fputs("end\n", f);
    return ferror(f) ? -1 : 0;
}

/* Reading */

struct cursor {
    char **tok;
    int n, i;
    const char *why;             /* what went wrong, for the message */
};

static const char *next_tok(struct cursor *c)
{
    if (c->i >= c->n) {
        c->why = "missing value";
        return NULL;
    }
    return c->tok[c->i++];
}

static int get_u32(struct cursor *c, uint32_t max, uint32_t *v_r)
{
    const char *s = next_tok(c);
    unsigned long long v;
    char *end;

    if (!s)
        return -1;
    c->why = "bad number";
    if (!*s || *s == '-' || *s == '+' || (s[0] == '0' && s[1] &&
                                          s[1] != 'x'))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || *end || v > max)
        return -1;
    *v_r = v;
    return 0;
}

static int get_uint(struct cursor *c, uint32_t max, unsigned int *v_r)
{
    uint32_t v;

    if (get_u32(c, max, &v))
        return -1;
    *v_r = v;
    return 0;
}

static int get_ip(struct cursor *c, int family, int with_plen,
                  struct bridge_ip *ip_r)
{
    const char *s = next_tok(c);

    if (!s)
        return -1;
    c->why = "bad address";
    return bridge_ip_parse(s, family, with_plen, ip_r);
}

static int get_name(struct cursor *c, char *buf)
{
    const char *s = next_tok(c);
    char e[8];

    if (!s)
        return -1;
    c->why = "bad interface name";
    if (bridge_name_valid(s, "interface", e, sizeof(e)))
        return -1;
    strcpy(buf, s);
    return 0;
}

/* An IPv4 address label: an interface name, optionally followed by ':'
 * and an alias ("eth0:1"). */
static int get_label(struct cursor *c, char *buf)
{
    const char *s = next_tok(c);
    char name[IFNAMSIZ], e[8];
    size_t n;

    if (!s)
        return -1;
    c->why = "bad address label";
    n = strcspn(s, ":");
    if (strlen(s) >= IFNAMSIZ || n == 0 || (s[n] && !s[n + 1]) ||
        strchr(s + n + (s[n] != 0), ':'))
        return -1;
    memcpy(name, s, n);
    name[n] = '\0';
    if (bridge_name_valid(name, "interface", e, sizeof(e)) ||
        (s[n] && bridge_name_valid(s + n + 1, "alias", e, sizeof(e))))
        return -1;
    strcpy(buf, s);
    return 0;
}

/* Rejects a key seen twice in one record. */
static int once(struct cursor *c, unsigned int *seen, unsigned int bit)
{
    if (*seen & bit) {
        c->why = "duplicated field";
        return -1;
    }
    *seen |= bit;
    return 0;
}

enum {
    A_PEER = 1, A_BRD = 2, A_SCOPE = 4, A_FLAGS = 8, A_LABEL = 16,
    A_VALID = 32, A_PREF = 64,
    A_REQUIRED = A_SCOPE | A_FLAGS | A_VALID | A_PREF,
};

static int addr_field(struct cursor *c, const char *k,
                      struct bridge_addr_rec *a, unsigned int *seen)
{
    int fam = a->local.family;

    if (!strcmp(k, "peer"))
        return once(c, seen, A_PEER) || get_ip(c, fam, 0, &a->peer) ? -1
               : (a->has_peer = 1, 0);
    if (!strcmp(k, "brd"))
        return once(c, seen, A_BRD) || fam != AF_INET ||
               get_ip(c, fam, 0, &a->brd) ? -1 : (a->has_brd = 1, 0);
    if (!strcmp(k, "scope"))
        return once(c, seen, A_SCOPE) || get_uint(c, 255, &a->scope);
    if (!strcmp(k, "flags"))
        return once(c, seen, A_FLAGS) || get_u32(c, UINT32_MAX, &a->flags);
    if (!strcmp(k, "label"))
        return once(c, seen, A_LABEL) || fam != AF_INET ||
               get_label(c, a->label);
    if (!strcmp(k, "valid"))
        return once(c, seen, A_VALID) || get_u32(c, UINT32_MAX, &a->valid);
    if (!strcmp(k, "pref"))
        return once(c, seen, A_PREF) ||
               get_u32(c, UINT32_MAX, &a->preferred);
    c->why = "unknown field";
    return -1;
}

static int parse_addr(struct cursor *c, struct bridge_addr_rec *a)
{
    unsigned int seen = 0;
    const char *s;
    int fam;

    memset(a, 0, sizeof(*a));
    if (!(s = next_tok(c)))
        return -1;
    c->why = "bad address family";
    if ((fam = family_parse(s)) < 0)
        return -1;
    if (get_ip(c, fam, 1, &a->local))
        return -1;
    while (c->i < c->n)
        if (addr_field(c, c->tok[c->i++], a, &seen))
            return -1;
    c->why = "missing field";
    return (seen & A_REQUIRED) == A_REQUIRED ? 0 : -1;
}

static int parse_nh(struct cursor *c, struct bridge_route_rec *r)
{
    struct bridge_nh_rec *nh;
    unsigned int seen = 0;
    const char *k;

    c->why = "too many nexthops";
    if (r->nnh >= BRIDGE_MAX_NH)
        return -1;
    nh = &r->nh[r->nnh++];
    if (!(k = next_tok(c)))
        return -1;
    c->why = "nexthop must start with dev";
    if (strcmp(k, "dev") || get_name(c, nh->dev))
        return -1;
    while (c->i < c->n && strcmp(c->tok[c->i], "nh")) {
        k = c->tok[c->i++];
        if (!strcmp(k, "via")) {
            if (once(c, &seen, 1) || get_ip(c, r->family, 0, &nh->gw))
                return -1;
            nh->has_gw = 1;
        } else if (!strcmp(k, "nhflags")) {
            if (once(c, &seen, 2) || get_u32(c, UINT32_MAX, &nh->flags))
                return -1;
        } else if (!strcmp(k, "weight")) {
            if (once(c, &seen, 4) || get_uint(c, 255, &nh->weight))
                return -1;
        } else {
            c->why = "unknown nexthop field";
            return -1;
        }
    }
    c->why = "missing nexthop field";
    return (seen & 6) == 6 ? 0 : -1;
}

enum {
    R_TABLE = 1, R_DST = 2, R_PROTO = 4, R_SCOPE = 8, R_TYPE = 16,
    R_METRIC = 32, R_TOS = 64, R_FLAGS = 128, R_SRC = 256, R_PREFSRC = 512,
    R_REQUIRED = R_TABLE | R_DST | R_PROTO | R_SCOPE | R_TYPE | R_METRIC |
                 R_TOS | R_FLAGS,
};

static int route_rtax(struct cursor *c, struct bridge_route_rec *r)
{
    unsigned int i;
    uint32_t v;

    if (get_uint(c, RTAX_MAX, &i) || get_u32(c, UINT32_MAX, &v))
        return -1;
    c->why = "bad route metric";
    if (i == 0 || (r->metric_mask & (1u << i)))
        return -1;
    r->metric_mask |= 1u << i;
    r->metrics[i] = v;
    return 0;
}

static int route_field(struct cursor *c, const char *k,
                       struct bridge_route_rec *r, unsigned int *seen)
{
    int fam = r->family;

    if (!strcmp(k, "table"))
        return once(c, seen, R_TABLE) || get_u32(c, UINT32_MAX, &r->table);
    if (!strcmp(k, "dst"))
        return once(c, seen, R_DST) || get_ip(c, fam, 1, &r->dst);
    if (!strcmp(k, "proto"))
        return once(c, seen, R_PROTO) || get_uint(c, 255, &r->protocol);
    if (!strcmp(k, "scope"))
        return once(c, seen, R_SCOPE) || get_uint(c, 255, &r->scope);
    if (!strcmp(k, "type"))
        return once(c, seen, R_TYPE) || get_uint(c, 255, &r->type);
    if (!strcmp(k, "metric"))
        return once(c, seen, R_METRIC) ||
               get_u32(c, UINT32_MAX, &r->priority);
    if (!strcmp(k, "tos"))
        return once(c, seen, R_TOS) || get_uint(c, 255, &r->tos);
    if (!strcmp(k, "flags"))
        return once(c, seen, R_FLAGS) || get_u32(c, UINT32_MAX, &r->flags);
    if (!strcmp(k, "src"))
        return once(c, seen, R_SRC) || get_ip(c, fam, 1, &r->src) ? -1
               : (r->has_src = 1, 0);
    if (!strcmp(k, "prefsrc"))
        return once(c, seen, R_PREFSRC) || get_ip(c, fam, 0, &r->prefsrc)
               ? -1 : (r->has_prefsrc = 1, 0);
    if (!strcmp(k, "rtax"))
        return route_rtax(c, r);
    if (!strcmp(k, "nh"))
        return parse_nh(c, r);
    c->why = "unknown field";
    return -1;
}

static int parse_route(struct cursor *c, struct bridge_route_rec *r)
{
    unsigned int seen = 0;
    const char *s;

    memset(r, 0, sizeof(*r));
    if (!(s = next_tok(c)))
        return -1;
    c->why = "bad address family";
    if ((r->family = family_parse(s)) < 0)
        return -1;
    while (c->i < c->n)
        if (route_field(c, c->tok[c->i++], r, &seen))
            return -1;
    c->why = "missing field";
    if ((seen & R_REQUIRED) != R_REQUIRED)
        return -1;
    c->why = "route without a nexthop";
    return r->nnh > 0 ? 0 : -1;
}

/* Splits line (modified in place) at single spaces. */
static int tokenize(char *line, char **tok, int *n_r)
{
    int n = 0;
    char *p = line;

    if (!*line)
        return -1;
    for (;;) {
        if (n >= MAX_TOKENS || !*p || *p == ' ')
            return -1;
        tok[n++] = p;
        p = strchr(p, ' ');
        if (!p)
            break;
        *p++ = '\0';
    }
    *n_r = n;
    return 0;
}

enum {
    H_BRIDGE = 1, H_NIC = 2, H_CREATED = 4, H_NICUP = 8,
    H_ALL = 15,
};

static int header_field(struct cursor *c, const char *k,
                        struct bridge_state *st, unsigned int *seen)
{
    unsigned int v;

    if (!strcmp(k, "bridge"))
        return once(c, seen, H_BRIDGE) || get_name(c, st->bridge);
    if (!strcmp(k, "nic"))
        return once(c, seen, H_NIC) || get_name(c, st->nic);
    if (!strcmp(k, "created") || !strcmp(k, "nic-up")) {
        if (once(c, seen, k[0] == 'c' ? H_CREATED : H_NICUP) ||
            get_uint(c, 1, &v))
            return -1;
        *(k[0] == 'c' ? &st->created : &st->nic_up) = v;
        return 0;
    }
    c->why = "unknown record";
    return -1;
}

static int parse_line(char *line, struct bridge_state *st,
                      unsigned int *seen, const char **why_r)
{
    char *tok[MAX_TOKENS];
    struct cursor c = {tok, 0, 1, "malformed line"};
    int rc = -1;

    if (tokenize(line, tok, &c.n))
        goto out;
    if (!strcmp(tok[0], "addr")) {
        c.why = "too many addresses";
        if (st->naddrs < BRIDGE_MAX_ADDRS &&
            !parse_addr(&c, &st->addrs[st->naddrs]))
            st->naddrs++, rc = 0;
    } else if (!strcmp(tok[0], "route")) {
        c.why = "too many routes";
        if (st->nroutes < BRIDGE_MAX_ROUTES &&
            !parse_route(&c, &st->routes[st->nroutes]))
            st->nroutes++, rc = 0;
    } else if (!header_field(&c, tok[0], st, seen)) {
        c.why = "trailing fields";
        rc = c.i == c.n ? 0 : -1;
    }
out:
    *why_r = c.why;
    return rc;
}

static int check_whole(const struct bridge_state *st, unsigned int seen,
                       char *err, size_t errlen)
{
    if (seen != H_ALL)
        return fail(err, errlen, "missing bridge, nic, created or nic-up "
                                 "record");
    if (!strcmp(st->bridge, st->nic))
        return fail(err, errlen, "bridge and nic are the same device");
    return 0;
}

int bridge_state_parse(const char *text, size_t len, struct bridge_state *st,
                       char *err, size_t errlen)
{
    char line[8192];
    const char *p = text, *end = text + len, *nl, *why = NULL;
    unsigned int seen = 0;
    int lineno = 0, ended = 0;

    memset(st, 0, sizeof(*st));
    if (len > BRIDGE_STATE_MAX)
        return fail(err, errlen, "state file too large");
    while (p < end) {
        lineno++;
        nl = memchr(p, '\n', end - p);
        if (!nl)
            return fail(err, errlen, "line %d: unterminated line", lineno);
        if ((size_t)(nl - p) >= sizeof(line) || memchr(p, '\0', nl - p))
            return fail(err, errlen, "line %d: malformed line", lineno);
        memcpy(line, p, nl - p);
        line[nl - p] = '\0';
        p = nl + 1;
        if (ended)
            return fail(err, errlen, "line %d: data after end", lineno);
        if (lineno == 1) {
            if (strcmp(line, BRIDGE_STATE_MAGIC))
                return fail(err, errlen, "line 1: not an xltool bridge "
                                         "state file (version 1)");
        } else if (!strcmp(line, "end")) {
            ended = 1;
        } else if (parse_line(line, st, &seen, &why)) {
            return fail(err, errlen, "line %d: %s", lineno, why);
        }
    }
    if (!ended)
        return fail(err, errlen, "truncated (no end line)");
    return check_whole(st, seen, err, errlen);
}

int bridge_state_read(const char *path, struct bridge_state *st, char *err,
                      size_t errlen)
{
    char msg[256];
    char *buf = NULL;
    ssize_t n;
    size_t len = 0;
    int fd = -1, rc = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    buf = malloc(BRIDGE_STATE_MAX + 1);
    if (!buf) {
        fail(err, errlen, "%s: out of memory", path);
        goto out;
    }
    while ((n = read(fd, buf + len, BRIDGE_STATE_MAX + 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        len += n;
        if (len > BRIDGE_STATE_MAX)
            break;
    }
    if (bridge_state_parse(buf, len, st, msg, sizeof(msg))) {
        fail(err, errlen, "%s: %s", path, msg);
        goto out;
    }
    rc = 0;
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}

int bridge_state_write(const char *path, const struct bridge_state *st,
                       char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    FILE *f = NULL;
    int fd = -1, rc = -1;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return fail(err, errlen, "%s: path too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    f = fdopen(fd, "w");
    if (!f) {
        fail(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (bridge_state_format(st, f) || fflush(f) || fsync(fileno(f))) {
        fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fclose(f)) {
        f = NULL;
        fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    f = NULL;
    if (rename(tmp, path)) {
        fail(err, errlen, "cannot rename %s to %s: %s", tmp, path,
             strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (f)
        fclose(f);
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp);
    return rc;
}

int bridge_run_dir(char *buf, size_t len, int create, char *err,
                   size_t errlen)
{
    const char *dir = getenv("XLTOOL_RUN_DIR");

    if (!dir || !*dir)
        dir = "/run/xltool";
    if (snprintf(buf, len, "%s", dir) >= (int)len)
        return fail(err, errlen, "XLTOOL_RUN_DIR too long");
    if (create && mkdir(buf, 0755) && errno != EEXIST)
        return fail(err, errlen, "cannot create %s: %s", buf,
                    strerror(errno));
    return 0;
}

int bridge_state_path(const char *br, char *buf, size_t len, char *err,
                      size_t errlen)
{
    char dir[PATH_MAX];

    if (bridge_name_valid(br, "bridge", err, errlen) ||
        bridge_run_dir(dir, sizeof(dir), 0, err, errlen))
        return -1;
    if (snprintf(buf, len, "%s/bridge-%s.state", dir, br) >= (int)len)
        return fail(err, errlen, "%s: state file path too long", br);
    return 0;
}
