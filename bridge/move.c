/*
 * move.c - creating and deleting bridges, and moving a NIC's addresses
 * and routes onto its bridge and back.
 *
 * Every change is one netlink request, and each one done is recorded in a
 * journal with the request that undoes it; if a later step fails, the
 * journal is played backwards and the host is as it was.  The order of
 * the steps keeps the host reachable: the bridge holds the NIC's
 * addresses before the NIC is enslaved, and the NIC gives them up only
 * afterwards; routes are deleted before the addresses they depend on and
 * added after, so that playing the journal backwards works too.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <netlink/route/addr.h>
#include <netlink/cache.h>
#include <netlink/route/route.h>
#include <netlink/route/link/bridge.h>

#include "bridge.h"
#include "bridge_int.h"
#include "bridge_state.h"

#define DAD_TICK_US    100000     /* polling duplicate address detection */
#define DAD_WAIT_TICKS 150        /* 15 s */
#define MOVE_MAX_OPS (8 + 2 * BRIDGE_MAX_ADDRS + 2 * BRIDGE_MAX_ROUTES)

enum op_kind {
    OP_LINK_DEL, OP_UP, OP_DOWN, OP_MASTER, OP_NOMASTER, OP_MAC,
    OP_ADDR_ADD, OP_ADDR_DEL, OP_ROUTE_ADD, OP_ROUTE_DEL, OP_UNLINK,
};

struct op {
    enum op_kind kind;
    int on_bridge;               /* acts on the bridge, else on the NIC */
    int rec;                     /* index of the address or route */
    unsigned char mac[6];
};

struct move {
    struct nl_sock *sk;
    struct bridge_state *st;
    int nic_idx, br_idx;
    int repair;                  /* releasing: what the NIC has is fine */
    int nic_free;                /* the NIC is nobody's port */
    char path[PATH_MAX];
    int nundo;
    struct op undo[MOVE_MAX_OPS];
    int order[BRIDGE_MAX_ADDRS]; /* the order addresses are added in */
    int rorder[BRIDGE_MAX_ROUTES];  /* and routes */
};

static int run_addr(struct move *m, const struct op *op)
{
    struct rtnl_addr *o = NULL;
    const char *dev = op->on_bridge ? m->st->bridge : m->st->nic;
    int e;

    if (bridge_addr_obj(&m->st->addrs[op->rec],
                        op->on_bridge ? m->br_idx : m->nic_idx, m->st->nic,
                        dev, &o))
        return -NLE_INVAL;
    if (op->kind == OP_ADDR_ADD)
        e = rtnl_addr_add(m->sk, o, NLM_F_EXCL);
    else
        e = rtnl_addr_delete(m->sk, o, 0);
    rtnl_addr_put(o);
    return e;
}

static int run_route(struct move *m, const struct op *op)
{
    struct rtnl_route *o = NULL;
    int e;

    if (bridge_route_obj(&m->st->routes[op->rec], m->st->nic,
                         op->on_bridge ? m->br_idx : m->nic_idx, &o))
        return -NLE_INVAL;
    if (op->kind == OP_ROUTE_ADD)
        e = rtnl_route_add(m->sk, o, NLM_F_EXCL);
    else
        e = rtnl_route_delete(m->sk, o, 0);
    rtnl_route_put(o);
    return e;
}

static int run_op(struct move *m, const struct op *op)
{
    int idx = op->on_bridge ? m->br_idx : m->nic_idx;

    switch (op->kind) {
    case OP_LINK_DEL: {
        struct rtnl_link *l = rtnl_link_alloc();
        int e;
        if (!l)
            return -NLE_NOMEM;
        rtnl_link_set_ifindex(l, idx);
        e = rtnl_link_delete(m->sk, l);
        rtnl_link_put(l);
        return e;
    }
    case OP_UP:
    case OP_DOWN:
        return bridge_link_set_up(m->sk, idx, op->kind == OP_UP);
    case OP_MASTER:
        return bridge_link_set_master(m->sk, m->nic_idx, m->br_idx);
    case OP_NOMASTER:
        return bridge_link_set_master(m->sk, m->nic_idx, 0);
    case OP_MAC:
        return bridge_link_set_mac(m->sk, idx, op->mac);
    case OP_ADDR_ADD:
    case OP_ADDR_DEL:
        return run_addr(m, op);
    case OP_ROUTE_ADD:
    case OP_ROUTE_DEL:
        return run_route(m, op);
    case OP_UNLINK:
        return unlink(m->path) && errno != ENOENT ? -NLE_FAILURE : 0;
    }
    return -NLE_INVAL;
}

static void describe(const struct move *m, const struct op *op, char *buf,
                     size_t len)
{
    const char *dev = op->on_bridge ? m->st->bridge : m->st->nic;
    char a[64] = "?";

    if (op->kind == OP_ADDR_ADD || op->kind == OP_ADDR_DEL)
        bridge_ip_format(&m->st->addrs[op->rec].local, 1, a, sizeof(a));
    if (op->kind == OP_ROUTE_ADD || op->kind == OP_ROUTE_DEL)
        bridge_ip_format(&m->st->routes[op->rec].dst, 1, a, sizeof(a));
    switch (op->kind) {
    case OP_LINK_DEL: snprintf(buf, len, "delete %s", dev); break;
    case OP_UP: snprintf(buf, len, "bring %s up", dev); break;
    case OP_DOWN: snprintf(buf, len, "bring %s down", dev); break;
    case OP_MASTER:
        snprintf(buf, len, "enslave %s to %s", m->st->nic, m->st->bridge);
        break;
    case OP_NOMASTER:
        snprintf(buf, len, "release %s from %s", m->st->nic, m->st->bridge);
        break;
    case OP_MAC: snprintf(buf, len, "set the MAC address of %s", dev); break;
    case OP_ADDR_ADD: snprintf(buf, len, "add address %s to %s", a, dev);
        break;
    case OP_ADDR_DEL:
        snprintf(buf, len, "remove address %s from %s", a, dev);
        break;
    case OP_ROUTE_ADD:
        snprintf(buf, len, "add the route to %s through %s", a, dev);
        break;
    case OP_ROUTE_DEL:
        snprintf(buf, len, "remove the route to %s through %s", a, dev);
        break;
    case OP_UNLINK: snprintf(buf, len, "remove the state file"); break;
    }
}

/* Runs fwd and journals inv.  Removing what is already gone is fine:
 * the kernel drops routes whose addresses went, and secondary IPv4
 * addresses with their primary. */
static int step(struct move *m, struct op fwd, struct op inv, char *err,
                size_t errlen)
{
    char what[128];
    int e = run_op(m, &fwd);

    /* Giving back what the NIC still has (a create that was interrupted
     * before it removed it) is nothing to do, and nothing to undo. */
    if (m->repair && e == -NLE_EXIST && !fwd.on_bridge &&
        (fwd.kind == OP_ADDR_ADD || fwd.kind == OP_ROUTE_ADD))
        return 0;
    if (e < 0 && !((fwd.kind == OP_ADDR_DEL || fwd.kind == OP_ROUTE_DEL) &&
                   bridge_nl_notfound(e))) {
        describe(m, &fwd, what, sizeof(what));
        return bridge_fail(err, errlen, "cannot %s: %s", what,
                           bridge_nlerr(e));
    }
    if (m->nundo < MOVE_MAX_OPS)
        m->undo[m->nundo++] = inv;
    return 0;
}

/* A step with no way back, so it comes last: if it fails, the journal
 * undoes the others; if it succeeds, there is nothing left to undo. */
static int last_step(struct move *m, struct op fwd, char *err,
                     size_t errlen)
{
    char what[128];
    int e = run_op(m, &fwd);

    if (e < 0) {
        describe(m, &fwd, what, sizeof(what));
        return bridge_fail(err, errlen, "cannot %s: %s", what,
                           bridge_nlerr(e));
    }
    return 0;
}

static struct op mkop(enum op_kind kind, int on_bridge, int rec)
{
    struct op op;

    memset(&op, 0, sizeof(op));
    op.kind = kind;
    op.on_bridge = on_bridge;
    op.rec = rec;
    return op;
}

/* Plays the journal backwards; err already holds the first failure, to
 * which the rollback's own failures are appended. */
static void rollback(struct move *m, char *err, size_t errlen)
{
    char what[128];
    size_t used;
    int e, failed = 0;
    struct op *op;

    while (m->nundo > 0) {
        op = &m->undo[--m->nundo];
        if (op->kind == OP_UNLINK && failed)
            continue;             /* keep the record of what was moved */
        e = run_op(m, op);
        if (e >= 0 || (e == -NLE_EXIST && (op->kind == OP_ADDR_ADD ||
                                           op->kind == OP_ROUTE_ADD)) ||
            ((op->kind == OP_ADDR_DEL || op->kind == OP_ROUTE_DEL) &&
             bridge_nl_notfound(e)))
            continue;
        if (!failed++) {
            describe(m, op, what, sizeof(what));
            used = strlen(err);
            snprintf(err + used, errlen - used, "; rolling back, could not "
                     "%s: %s", what, bridge_nlerr(e));
        }
    }
    used = strlen(err);
    if (failed)
        snprintf(err + used, errlen - used, " (%d rollback steps failed; "
                 "what was moved is recorded in %s)", failed, m->path);
    else
        snprintf(err + used, errlen - used, "; nothing was changed");
}

/* A move stopped half way would leave the host cut off: the signals that
 * usually end a program wait until the move and any rollback are over. */
static void hold_signals(sigset_t *old)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void let_signals_in(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* IPv4 addresses in their order (primaries before their secondaries),
 * IPv6 ones backwards, since the kernel lists those newest first. */
static void add_order(struct move *m)
{
    int i, n = 0;

    for (i = 0; i < m->st->naddrs; i++)
        if (m->st->addrs[i].local.family == AF_INET)
            m->order[n++] = i;
    for (i = m->st->naddrs - 1; i >= 0; i--)
        if (m->st->addrs[i].local.family == AF_INET6)
            m->order[n++] = i;
}

static int add_addrs(struct move *m, int on_bridge, char *err, size_t errlen)
{
    int i;

    for (i = 0; i < m->st->naddrs; i++)
        if (step(m, mkop(OP_ADDR_ADD, on_bridge, m->order[i]),
                 mkop(OP_ADDR_DEL, on_bridge, m->order[i]), err, errlen))
            return -1;
    return 0;
}

static int del_addrs(struct move *m, int on_bridge, char *err, size_t errlen)
{
    int i;

    for (i = m->st->naddrs - 1; i >= 0; i--)
        if (step(m, mkop(OP_ADDR_DEL, on_bridge, m->order[i]),
                 mkop(OP_ADDR_ADD, on_bridge, m->order[i]), err, errlen))
            return -1;
    return 0;
}

static int has_gateway(const struct bridge_route_rec *r)
{
    int i;

    for (i = 0; i < r->nnh; i++)
        if (r->nh[i].has_gw)
            return 1;
    return 0;
}

/* Routes to a link before routes through a gateway, which the kernel
 * accepts only if a link route already reaches the gateway. */
static void route_order(struct move *m)
{
    int i, n = 0;

    for (i = 0; i < m->st->nroutes; i++)
        if (!has_gateway(&m->st->routes[i]))
            m->rorder[n++] = i;
    for (i = 0; i < m->st->nroutes; i++)
        if (has_gateway(&m->st->routes[i]))
            m->rorder[n++] = i;
}

/* Adds in that order and deletes in the reverse one, so that the
 * journal, played backwards, adds in that order too. */
static int move_routes(struct move *m, enum op_kind kind, int on_bridge,
                       char *err, size_t errlen)
{
    enum op_kind inv = kind == OP_ROUTE_ADD ? OP_ROUTE_DEL : OP_ROUTE_ADD;
    int i, k, n = m->st->nroutes;

    for (i = 0; i < n; i++) {
        k = m->rorder[kind == OP_ROUTE_ADD ? i : n - 1 - i];
        if (step(m, mkop(kind, on_bridge, k), mkop(inv, on_bridge, k), err,
                 errlen))
            return -1;
    }
    return 0;
}

/* Enslaving: the bridge takes the addresses, then the NIC, then the
 * NIC's routes; the NIC gives its addresses up last. */
static int enslave_steps(struct move *m, char *err, size_t errlen)
{
    add_order(m);
    route_order(m);
    if (add_addrs(m, 1, err, errlen))
        return -1;
    if (!m->st->nic_up &&
        step(m, mkop(OP_UP, 0, 0), mkop(OP_DOWN, 0, 0), err, errlen))
        return -1;
    if (step(m, mkop(OP_MASTER, 0, 0), mkop(OP_NOMASTER, 0, 0), err,
             errlen))
        return -1;
    if (move_routes(m, OP_ROUTE_DEL, 0, err, errlen) ||
        del_addrs(m, 0, err, errlen) ||
        move_routes(m, OP_ROUTE_ADD, 1, err, errlen))
        return -1;
    return 0;
}

/* Scans the NIC's IPv6 addresses among the moved ones: 1 while one is
 * still tentative, 0 when all are usable, -1 if one failed detection. */
static int dad_state(struct move *m, char *bad, size_t badlen)
{
    struct nl_cache *cache = NULL;
    struct nl_object *obj;
    struct rtnl_addr *o;
    struct bridge_addr_rec rec;
    int i, rc = 0;

    if (rtnl_addr_alloc_cache(m->sk, &cache) < 0)
        return 1;
    for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
        o = (struct rtnl_addr *)obj;
        if (rtnl_addr_get_ifindex(o) != m->nic_idx ||
            rtnl_addr_get_family(o) != AF_INET6 ||
            bridge_addr_rec_from(o, &rec))
            continue;
        for (i = 0; i < m->st->naddrs; i++)
            if (!memcmp(&m->st->addrs[i].local, &rec.local, sizeof(rec.local)))
                break;
        if (i == m->st->naddrs)
            continue;
        if (rec.flags & IFA_F_DADFAILED) {
            bridge_ip_format(&rec.local, 1, bad, badlen);
            rc = -1;
            break;
        }
        if (rec.flags & IFA_F_TENTATIVE)
            rc = 1;
    }
    nl_cache_free(cache);
    return rc;
}

/*
 * A tentative IPv6 address takes no traffic: the NIC's addresses come
 * back tentative while duplicate address detection runs on them, so the
 * bridge keeps its copies until that is over (a few seconds at most).
 */
static int wait_dad(struct move *m, char *err, size_t errlen)
{
    char bad[64] = "?";
    int i, st;

    for (i = 0; i < DAD_WAIT_TICKS; i++) {
        st = dad_state(m, bad, sizeof(bad));
        if (st < 0)
            return bridge_fail(err, errlen, "address %s is in use on the "
                               "link of %s (duplicate address detection "
                               "failed)", bad, m->st->nic);
        if (st == 0)
            return 0;
        usleep(DAD_TICK_US);
    }
    return bridge_fail(err, errlen, "%s: duplicate address detection did not "
                       "end in %d seconds", m->st->nic,
                       DAD_WAIT_TICKS * DAD_TICK_US / 1000000);
}

/*
 * Releasing: the NIC takes its addresses and routes back while still
 * enslaved, and the bridge gives its own up, all before the NIC leaves
 * the bridge.  Until then frames for the host come in through the bridge
 * and are taken for the NIC's addresses (Linux accepts a packet for any
 * of its addresses on any interface), and replies leave through the NIC;
 * releasing the NIC first would leave replies routed into a bridge with
 * no port for a moment.
 */
static int release_steps(struct move *m, char *err, size_t errlen)
{
    add_order(m);
    route_order(m);
    if (add_addrs(m, 0, err, errlen) || wait_dad(m, err, errlen) ||
        move_routes(m, OP_ROUTE_DEL, 1, err, errlen) ||
        move_routes(m, OP_ROUTE_ADD, 0, err, errlen) ||
        del_addrs(m, 1, err, errlen))
        return -1;
    if (!m->nic_free && step(m, mkop(OP_NOMASTER, 0, 0),
                             mkop(OP_MASTER, 0, 0), err, errlen))
        return -1;
    if (!m->st->nic_up &&
        step(m, mkop(OP_DOWN, 0, 0), mkop(OP_UP, 0, 0), err, errlen))
        return -1;
    return last_step(m, mkop(OP_LINK_DEL, 1, 0), err, errlen);
}

static int move_alloc(struct move **m_r, const char *br, const char *nic,
                      char *err, size_t errlen)
{
    struct move *m = calloc(1, sizeof(*m));

    if (!m || !(m->st = calloc(1, sizeof(*m->st)))) {
        free(m);
        return bridge_fail(err, errlen, "%s: out of memory", br);
    }
    m->nic_idx = m->br_idx = -1;
    snprintf(m->st->bridge, sizeof(m->st->bridge), "%s", br);
    snprintf(m->st->nic, sizeof(m->st->nic), "%s", nic ? nic : "");
    if (bridge_state_path(br, m->path, sizeof(m->path), err, errlen) ||
        bridge_sock_open(&m->sk, err, errlen)) {
        free(m->st);
        free(m);
        return -1;
    }
    *m_r = m;
    return 0;
}

static void move_free(struct move *m)
{
    if (!m)
        return;
    if (m->sk)
        nl_socket_free(m->sk);
    free(m->st);
    free(m);
}

/* The NIC is br's port already: fine if an earlier create --enslave of
 * this very NIC says so. */
static int already_done(struct move *m, char *err, size_t errlen)
{
    char nic[IFNAMSIZ], br[IFNAMSIZ];

    memcpy(nic, m->st->nic, sizeof(nic));
    memcpy(br, m->st->bridge, sizeof(br));
    if (bridge_state_read(m->path, m->st, err, errlen))
        return -1;
    if (strcmp(m->st->nic, nic) || strcmp(m->st->bridge, br))
        return bridge_fail(err, errlen, "%s is a port of %s, but %s "
                           "records %s", nic, br, m->path, m->st->nic);
    return 0;
}

/* Checks the NIC: it exists, can be a port, and is nobody's port yet.
 * *done_r is set when it is already br's port by an earlier create. */
static int check_nic(struct move *m, struct rtnl_link *brl, int *done_r,
                     char *err, size_t errlen)
{
    struct rtnl_link *l = NULL;
    char mname[IFNAMSIZ];
    const char *nic = m->st->nic;
    int rc = -1, found, master;

    found = bridge_link_get(m->sk, nic, &l, err, errlen);
    if (found)
        return found < 0 ? -1 : bridge_fail(err, errlen, "%s: no such "
                                            "network interface", nic);
    m->nic_idx = rtnl_link_get_ifindex(l);
    m->st->nic_up = !!(rtnl_link_get_flags(l) & IFF_UP);
    master = rtnl_link_get_master(l);
    if (bridge_link_is_bridge(l) || rtnl_link_get_arptype(l) != ARPHRD_ETHER) {
        bridge_fail(err, errlen, "%s cannot be enslaved to a bridge: it is "
                    "%s", nic, bridge_link_is_bridge(l) ? "a bridge itself"
                                                       : "not Ethernet");
    } else if (master && brl && master == rtnl_link_get_ifindex(brl) &&
               access(m->path, F_OK) == 0) {
        rc = already_done(m, err, errlen);
        *done_r = !rc;
    } else if (master) {
        bridge_fail(err, errlen, "%s is already enslaved to %s", nic,
                    if_indextoname(master, mname) ? mname : "another device");
    } else if (access(m->path, F_OK) == 0) {
        bridge_fail(err, errlen, "%s: %s records a NIC enslaved earlier; "
                    "release it with 'bridge delete %s --release' or remove "
                    "the file", m->st->bridge, m->path, m->st->bridge);
    } else {
        rc = 0;
    }
    rtnl_link_put(l);
    return rc;
}

/* Creates br if needed and journals its deletion; *idx_r its ifindex. */
static int ensure_bridge(struct move *m, struct rtnl_link *brl, char *err,
                         size_t errlen)
{
    struct nl_addr *mac;
    struct op undo;
    int e;

    if (brl) {
        m->br_idx = rtnl_link_get_ifindex(brl);
        mac = rtnl_link_get_addr(brl);
        if (mac && nl_addr_get_len(mac) == 6) {
            undo = mkop(OP_MAC, 1, 0);
            memcpy(undo.mac, nl_addr_get_binary_addr(mac), 6);
            m->undo[m->nundo++] = undo;
        }
        if (!(rtnl_link_get_flags(brl) & IFF_UP))
            m->undo[m->nundo++] = mkop(OP_DOWN, 1, 0);
        return 0;
    }
    e = rtnl_link_bridge_add(m->sk, m->st->bridge);
    if (e < 0)
        return bridge_fail(err, errlen, "cannot create bridge %s: %s",
                           m->st->bridge, bridge_nlerr(e));
    m->br_idx = if_nametoindex(m->st->bridge);
    m->st->created = 1;
    m->undo[m->nundo++] = mkop(OP_LINK_DEL, 1, 0);
    if (!m->br_idx)
        return bridge_fail(err, errlen, "bridge %s vanished after its "
                           "creation", m->st->bridge);
    return 0;
}

/* The bridge takes the NIC's MAC address for good, so that neither the
 * neighbours' caches nor the bridge's address change as ports come and
 * go. */
static int bridge_prepare(struct move *m, char *err, size_t errlen)
{
    struct rtnl_link *l = NULL;
    struct nl_addr *mac;
    struct op op = mkop(OP_MAC, 1, 0);
    int e, rc = -1;

    e = rtnl_link_get_kernel(m->sk, m->nic_idx, NULL, &l);
    if (e < 0 || !(mac = rtnl_link_get_addr(l)) ||
        nl_addr_get_len(mac) != 6) {
        bridge_fail(err, errlen, "%s: cannot read its MAC address",
                    m->st->nic);
        goto out;
    }
    memcpy(op.mac, nl_addr_get_binary_addr(mac), 6);
    e = run_op(m, &op);
    if (e < 0) {
        bridge_fail(err, errlen, "cannot set the MAC address of %s: %s",
                    m->st->bridge, bridge_nlerr(e));
        goto out;
    }
    e = bridge_link_set_up(m->sk, m->br_idx, 1);
    if (e < 0) {
        bridge_fail(err, errlen, "cannot bring %s up: %s", m->st->bridge,
                    bridge_nlerr(e));
        goto out;
    }
    rc = 0;
out:
    if (l)
        rtnl_link_put(l);
    return rc;
}

static int create_enslave(struct move *m, struct rtnl_link *brl, char *err,
                          size_t errlen)
{
    char dir[PATH_MAX];
    int done = 0;

    if (check_nic(m, brl, &done, err, errlen))
        return -1;
    if (done)
        return 0;
    if (bridge_snapshot(m->sk, m->nic_idx, m->st, err, errlen) ||
        ensure_bridge(m, brl, err, errlen))
        goto failed;
    if (bridge_run_dir(dir, sizeof(dir), 1, err, errlen) ||
        bridge_state_write(m->path, m->st, err, errlen))
        goto failed;
    m->undo[m->nundo++] = mkop(OP_UNLINK, 0, 0);
    if (bridge_prepare(m, err, errlen) || enslave_steps(m, err, errlen))
        goto failed;
    return 0;
failed:
    rollback(m, err, errlen);
    return -1;
}

static int create_enslave_held(struct move *m, struct rtnl_link *brl,
                               char *err, size_t errlen)
{
    sigset_t old;
    int rc;

    hold_signals(&old);
    rc = create_enslave(m, brl, err, errlen);
    let_signals_in(&old);
    return rc;
}

static int create_plain(struct move *m, struct rtnl_link *brl, char *err,
                        size_t errlen)
{
    int e;

    if (!brl && ensure_bridge(m, NULL, err, errlen))
        goto failed;
    if (brl)
        m->br_idx = rtnl_link_get_ifindex(brl);
    if (brl && (rtnl_link_get_flags(brl) & IFF_UP))
        return 0;
    e = bridge_link_set_up(m->sk, m->br_idx, 1);
    if (e < 0) {
        bridge_fail(err, errlen, "cannot bring %s up: %s", m->st->bridge,
                    bridge_nlerr(e));
        goto failed;
    }
    return 0;
failed:
    rollback(m, err, errlen);
    return -1;
}

int bridge_create(const char *br, const char *nic, char *err, size_t errlen)
{
    struct move *m = NULL;
    struct rtnl_link *brl = NULL;
    int rc = -1, found;

    if (bridge_name_valid(br, "bridge", err, errlen) ||
        (nic && bridge_name_valid(nic, "interface", err, errlen)))
        return -1;
    if (nic && !strcmp(nic, br))
        return bridge_fail(err, errlen, "%s cannot be enslaved to itself",
                           br);
    if (move_alloc(&m, br, nic, err, errlen))
        return -1;
    found = bridge_link_get(m->sk, br, &brl, err, errlen);
    if (found < 0)
        goto out;
    if (found == 0 && !bridge_link_is_bridge(brl)) {
        bridge_fail(err, errlen, "%s exists and is not a bridge (type %s)",
                    br, rtnl_link_get_type(brl) ? rtnl_link_get_type(brl)
                                                : "unknown");
        goto out;
    }
    rc = nic ? create_enslave_held(m, brl, err, errlen)
             : create_plain(m, brl, err, errlen);
out:
    if (brl)
        rtnl_link_put(brl);
    move_free(m);
    return rc;
}

static int release(struct move *m, const char *br, char *err,
                   size_t errlen)
{
    struct rtnl_link *l = NULL;
    sigset_t old;
    int rc = -1, found;

    if (bridge_state_read(m->path, m->st, err, errlen))
        return -1;
    if (strcmp(m->st->bridge, br))
        return bridge_fail(err, errlen, "%s names another bridge (%s)",
                           m->path, m->st->bridge);
    found = bridge_link_get(m->sk, m->st->nic, &l, err, errlen);
    if (found) {
        if (found > 0)
            bridge_fail(err, errlen, "%s: no such network interface (the "
                        "NIC recorded in %s)", m->st->nic, m->path);
        goto out;
    }
    m->nic_idx = rtnl_link_get_ifindex(l);
    m->repair = 1;
    /* Not enslaved at all: a create was interrupted before it enslaved
     * the NIC; what it moved so far still goes back. */
    m->nic_free = rtnl_link_get_master(l) == 0;
    if (!m->nic_free && rtnl_link_get_master(l) != m->br_idx) {
        bridge_fail(err, errlen, "%s is not a port of %s", m->st->nic,
                    m->st->bridge);
        goto out;
    }
    hold_signals(&old);
    if (release_steps(m, err, errlen)) {
        rollback(m, err, errlen);
        let_signals_in(&old);
        goto out;
    }
    let_signals_in(&old);
    if (unlink(m->path) && errno != ENOENT) {
        bridge_fail(err, errlen, "%s deleted, but cannot remove %s: %s",
                    m->st->bridge, m->path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (l)
        rtnl_link_put(l);
    return rc;
}

int bridge_delete(const char *br, int release_nic, char *err, size_t errlen)
{
    struct move *m = NULL;
    struct bridge_state *st;
    struct op op;
    int rc = -1, e;

    if (bridge_name_valid(br, "bridge", err, errlen) ||
        move_alloc(&m, br, NULL, err, errlen))
        return -1;
    st = m->st;
    if (bridge_lookup_index(m->sk, br, &m->br_idx, err, errlen))
        goto out;
    if (release_nic) {
        rc = release(m, br, err, errlen);
        goto out;
    }
    if (access(m->path, F_OK) == 0) {
        bridge_fail(err, errlen, "%s holds the addresses of %s, recorded in "
                    "%s: use --release to give them back", br,
                    bridge_state_read(m->path, st, err, errlen) ? "a NIC"
                                                                : st->nic,
                    m->path);
        goto out;
    }
    op = mkop(OP_LINK_DEL, 1, 0);
    e = run_op(m, &op);
    if (e < 0) {
        bridge_fail(err, errlen, "cannot delete bridge %s: %s", br,
                    bridge_nlerr(e));
        goto out;
    }
    rc = 0;
out:
    move_free(m);
    return rc;
}
