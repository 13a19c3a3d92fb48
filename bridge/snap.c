/*
 * snap.c - conversion between the kernel's addresses and routes (libnl
 * objects) and the plain records of bridge_state.h: taking a NIC's
 * snapshot, and rebuilding each address or route for a given device.
 *
 * What is taken: every IPv4 address, every IPv6 address except the
 * link-local ones (the kernel makes one for each device), and every route
 * that leaves through the NIC, in any table but "local", except the ones
 * the kernel derives from addresses itself (protocol "kernel").
 */
#include <arpa/inet.h>
#include <string.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
#include <linux/nexthop.h>

#include "bridge.h"
#include "bridge_int.h"
#include "bridge_state.h"

/* Flags that describe an address's state rather than its configuration;
 * the kernel sets them itself, and refuses some of them on input. */
#define ADDR_STATE_FLAGS (IFA_F_SECONDARY | IFA_F_DADFAILED |               \
                          IFA_F_DEPRECATED | IFA_F_TENTATIVE |              \
                          IFA_F_PERMANENT | IFA_F_OPTIMISTIC |              \
                          IFA_F_STABLE_PRIVACY)

static int ip_from_nl(struct nl_addr *na, int family, struct bridge_ip *ip)
{
    unsigned int len = family == AF_INET ? 4 : 16;

    memset(ip, 0, sizeof(*ip));
    ip->family = family;
    if (!na || nl_addr_get_len(na) == 0) {
        ip->plen = 0;           /* "default" */
        return 0;
    }
    if (nl_addr_get_family(na) != family || nl_addr_get_len(na) != len)
        return -1;
    memcpy(ip->a, nl_addr_get_binary_addr(na), len);
    ip->plen = nl_addr_get_prefixlen(na);
    return 0;
}

static struct nl_addr *ip_to_nl(const struct bridge_ip *ip)
{
    struct nl_addr *na;

    na = nl_addr_build(ip->family, ip->a, ip->family == AF_INET ? 4 : 16);
    if (na)
        nl_addr_set_prefixlen(na, ip->plen);
    return na;
}

/* "10.0.0.0/24" for messages. */
static const char *ip_text(const struct bridge_ip *ip, char *buf, size_t len)
{
    if (bridge_ip_format(ip, 1, buf, len))
        snprintf(buf, len, "?");
    return buf;
}

int bridge_addr_rec_from(struct rtnl_addr *o, struct bridge_addr_rec *a)
{
    int fam = rtnl_addr_get_family(o);
    struct nl_addr *peer = rtnl_addr_get_peer(o);
    struct nl_addr *brd = rtnl_addr_get_broadcast(o);
    const char *label = rtnl_addr_get_label(o);

    memset(a, 0, sizeof(*a));
    if (ip_from_nl(rtnl_addr_get_local(o), fam, &a->local))
        return -1;
    a->local.plen = rtnl_addr_get_prefixlen(o);
    if (peer && nl_addr_get_len(peer)) {
        if (ip_from_nl(peer, fam, &a->peer))
            return -1;
        a->has_peer = 1;
    }
    if (fam == AF_INET && brd && nl_addr_get_len(brd)) {
        if (ip_from_nl(brd, fam, &a->brd))
            return -1;
        a->has_brd = 1;
    }
    a->scope = rtnl_addr_get_scope(o);
    a->flags = rtnl_addr_get_flags(o);
    if (fam == AF_INET && label &&
        snprintf(a->label, sizeof(a->label), "%s", label) >=
            (int)sizeof(a->label))
        return -1;
    a->valid = rtnl_addr_get_valid_lifetime(o);
    a->preferred = rtnl_addr_get_preferred_lifetime(o);
    return 0;
}

static int snap_addrs(struct nl_sock *sk, int nic_idx,
                      struct bridge_state *st, char *err, size_t errlen)
{
    struct nl_cache *cache = NULL;
    struct nl_object *obj;
    struct rtnl_addr *o;
    int rc = -1, e, fam;

    e = rtnl_addr_alloc_cache(sk, &cache);
    if (e < 0) {
        bridge_fail(err, errlen, "%s: cannot list addresses: %s", st->nic,
                    bridge_nlerr(e));
        goto out;
    }
    for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
        o = (struct rtnl_addr *)obj;
        fam = rtnl_addr_get_family(o);
        if (rtnl_addr_get_ifindex(o) != nic_idx ||
            (fam != AF_INET && fam != AF_INET6) ||
            (fam == AF_INET6 && rtnl_addr_get_scope(o) == RT_SCOPE_LINK))
            continue;
        if (st->naddrs >= BRIDGE_MAX_ADDRS) {
            bridge_fail(err, errlen, "%s has more than %d addresses",
                        st->nic, BRIDGE_MAX_ADDRS);
            goto out;
        }
        if (bridge_addr_rec_from(o, &st->addrs[st->naddrs++])) {
            bridge_fail(err, errlen, "%s: an address has a form that "
                        "cannot be moved", st->nic);
            goto out;
        }
    }
    rc = 0;
out:
    if (cache)
        nl_cache_free(cache);
    return rc;
}

static int nh_to_rec(struct rtnl_nexthop *nh, int fam,
                     struct bridge_nh_rec *n)
{
    struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);

    memset(n, 0, sizeof(*n));
    if (rtnl_route_nh_get_via(nh) || rtnl_route_nh_get_encap_mpls_dst(nh) ||
        !if_indextoname(rtnl_route_nh_get_ifindex(nh), n->dev))
        return -1;
    if (gw && nl_addr_get_len(gw)) {
        if (ip_from_nl(gw, fam, &n->gw))
            return -1;
        n->has_gw = 1;
    }
    n->flags = rtnl_route_nh_get_flags(nh);
    n->weight = rtnl_route_nh_get_weight(nh);
    return 0;
}

static int route_to_rec(struct rtnl_route *o, struct bridge_route_rec *r)
{
    struct nl_addr *src = rtnl_route_get_src(o);
    struct nl_addr *ps = rtnl_route_get_pref_src(o);
    int i, fam = rtnl_route_get_family(o);
    uint32_t v;

    memset(r, 0, sizeof(*r));
    r->family = fam;
    r->table = rtnl_route_get_table(o);
    r->protocol = rtnl_route_get_protocol(o);
    r->scope = rtnl_route_get_scope(o);
    r->type = rtnl_route_get_type(o);
    r->tos = rtnl_route_get_tos(o);
    r->priority = rtnl_route_get_priority(o);
    r->flags = rtnl_route_get_flags(o);
    if (ip_from_nl(rtnl_route_get_dst(o), fam, &r->dst))
        return -1;
    if (src && nl_addr_get_len(src) && nl_addr_get_prefixlen(src)) {
        if (ip_from_nl(src, fam, &r->src))
            return -1;
        r->has_src = 1;
    }
    if (ps && nl_addr_get_len(ps)) {
        if (ip_from_nl(ps, fam, &r->prefsrc))
            return -1;
        r->prefsrc.plen = fam == AF_INET ? 32 : 128;
        r->has_prefsrc = 1;
    }
    for (i = 1; i <= RTAX_MAX; i++)
        if (rtnl_route_get_metric(o, i, &v) == 0) {
            r->metric_mask |= 1u << i;
            r->metrics[i] = v;
        }
    if (rtnl_route_get_nnexthops(o) > BRIDGE_MAX_NH)
        return -1;
    for (i = 0; i < rtnl_route_get_nnexthops(o); i++)
        if (nh_to_rec(rtnl_route_nexthop_n(o, i), fam, &r->nh[r->nnh++]))
            return -1;
    return 0;
}

/* Does the route leave through ifindex (and is it ours to move)? */
static int route_wanted(struct rtnl_route *o, int ifindex)
{
    int i, fam = rtnl_route_get_family(o);

    if ((fam != AF_INET && fam != AF_INET6) ||
        rtnl_route_get_table(o) == RT_TABLE_LOCAL ||
        rtnl_route_get_protocol(o) == RTPROT_KERNEL ||
        (rtnl_route_get_flags(o) & RTM_F_CLONED))
        return 0;
    for (i = 0; i < rtnl_route_get_nnexthops(o); i++)
        if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(o, i)) ==
            ifindex)
            return 1;
    return 0;
}

static int snap_routes(struct nl_sock *sk, int nic_idx,
                       struct bridge_state *st, char *err, size_t errlen)
{
    struct nl_cache *cache = NULL;
    struct nl_object *obj;
    struct bridge_route_rec *r;
    char dst[64];
    int rc = -1, e;

    e = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache);
    if (e < 0) {
        bridge_fail(err, errlen, "%s: cannot list routes: %s", st->nic,
                    bridge_nlerr(e));
        goto out;
    }
    for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
        if (!route_wanted((struct rtnl_route *)obj, nic_idx))
            continue;
        if (st->nroutes >= BRIDGE_MAX_ROUTES) {
            bridge_fail(err, errlen, "%s has more than %d routes", st->nic,
                        BRIDGE_MAX_ROUTES);
            goto out;
        }
        r = &st->routes[st->nroutes++];
        if (route_to_rec((struct rtnl_route *)obj, r)) {
            bridge_fail(err, errlen, "%s: the route to %s has a form that "
                        "xltool cannot move", st->nic,
                        ip_text(&r->dst, dst, sizeof(dst)));
            goto out;
        }
    }
    rc = 0;
out:
    if (cache)
        nl_cache_free(cache);
    return rc;
}

struct nh_search {
    int ifindex;
    uint32_t id;                 /* first nexthop object on ifindex */
};

static int nh_object_cb(struct nl_msg *msg, void *arg)
{
    struct nh_search *ns = arg;
    struct nlattr *tb[NHA_MAX + 1];

    if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct nhmsg), tb, NHA_MAX,
                    NULL) < 0 || !tb[NHA_ID] || !tb[NHA_OIF])
        return NL_OK;
    if ((int)nla_get_u32(tb[NHA_OIF]) == ns->ifindex && !ns->id)
        ns->id = nla_get_u32(tb[NHA_ID]);
    return NL_OK;
}

/* Routes may go through nexthop objects ("ip nexthop"), which libnl-route
 * cannot describe: a NIC that one of them uses is refused rather than
 * left half moved.  Kernels without nexthop objects have none. */
static int check_nh_objects(struct nl_sock *sk, int nic_idx, const char *nic,
                            char *err, size_t errlen)
{
    struct nhmsg hdr = {.nh_family = AF_UNSPEC};
    struct nh_search ns = {nic_idx, 0};
    struct nl_cb *base = nl_socket_get_cb(sk), *cb;
    int e;

    cb = nl_cb_clone(base);      /* this dump's handler, not the socket's */
    nl_cb_put(base);
    if (!cb)
        return bridge_fail(err, errlen, "%s: out of memory", nic);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nh_object_cb, &ns);
    e = nl_send_simple(sk, RTM_GETNEXTHOP, NLM_F_DUMP, &hdr, sizeof(hdr));
    if (e >= 0)
        e = nl_recvmsgs(sk, cb);
    nl_cb_put(cb);
    if (ns.id)
        return bridge_fail(err, errlen, "%s: nexthop object %u goes through "
                           "it, and xltool cannot move nexthop objects",
                           nic, ns.id);
    return 0;
}

int bridge_snapshot(struct nl_sock *sk, int nic_idx, struct bridge_state *st,
                    char *err, size_t errlen)
{
    if (check_nh_objects(sk, nic_idx, st->nic, err, errlen) ||
        snap_addrs(sk, nic_idx, st, err, errlen) ||
        snap_routes(sk, nic_idx, st, err, errlen))
        return -1;
    return 0;
}

/* An IPv4 label names its device: "eth0" or "eth0:1" becomes "xenbr0"
 * or "xenbr0:1" on the bridge. */
static int map_label(const char *label, const char *from, const char *to,
                     char *out)
{
    size_t fl = strlen(from);

    if (strncmp(label, from, fl) || (label[fl] && label[fl] != ':'))
        return snprintf(out, IFNAMSIZ, "%s", label) >= IFNAMSIZ ? -1 : 0;
    return snprintf(out, IFNAMSIZ, "%s%s", to, label + fl) >= IFNAMSIZ ? -1
                                                                      : 0;
}

int bridge_addr_obj(const struct bridge_addr_rec *a, int ifindex,
                    const char *nic, const char *dev,
                    struct rtnl_addr **obj_r)
{
    struct rtnl_addr *o = rtnl_addr_alloc();
    struct nl_addr *na = NULL;
    char label[IFNAMSIZ];
    unsigned int flags = a->flags & ~ADDR_STATE_FLAGS;
    int rc = -1;

    if (!o)
        goto out;
    rtnl_addr_set_ifindex(o, ifindex);
    rtnl_addr_set_family(o, a->local.family);
    if (!(na = ip_to_nl(&a->local)) || rtnl_addr_set_local(o, na))
        goto out;
    nl_addr_put(na);
    na = NULL;
    if (a->has_peer &&
        (!(na = ip_to_nl(&a->peer)) || rtnl_addr_set_peer(o, na)))
        goto out;
    nl_addr_put(na);
    na = NULL;
    if (a->has_brd &&
        (!(na = ip_to_nl(&a->brd)) || rtnl_addr_set_broadcast(o, na)))
        goto out;
    rtnl_addr_set_prefixlen(o, a->local.plen);
    rtnl_addr_set_scope(o, a->scope);
    /* On the bridge, an IPv6 address skips duplicate address detection:
     * it is already this host's on this link, and must work at once. */
    if (strcmp(dev, nic) && a->local.family == AF_INET6)
        flags |= IFA_F_NODAD;
    rtnl_addr_set_flags(o, flags);
    if (a->label[0] && (map_label(a->label, nic, dev, label) ||
                        rtnl_addr_set_label(o, label)))
        goto out;
    rtnl_addr_set_valid_lifetime(o, a->valid);
    rtnl_addr_set_preferred_lifetime(o, a->preferred);
    *obj_r = o;
    o = NULL;
    rc = 0;
out:
    nl_addr_put(na);
    if (o)
        rtnl_addr_put(o);
    return rc;
}

static int nh_obj(const struct bridge_nh_rec *n, const char *nic,
                  int ifindex, struct rtnl_route *o)
{
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    struct nl_addr *gw = NULL;
    int idx;

    if (!nh)
        return -1;
    idx = strcmp(n->dev, nic) ? (int)if_nametoindex(n->dev) : ifindex;
    if (!idx || (n->has_gw && !(gw = ip_to_nl(&n->gw)))) {
        rtnl_route_nh_free(nh);
        return -1;
    }
    rtnl_route_nh_set_ifindex(nh, idx);
    if (gw) {
        rtnl_route_nh_set_gateway(nh, gw);
        nl_addr_put(gw);
    }
    /* Only "onlink" is configuration; dead and linkdown are state. */
    rtnl_route_nh_set_flags(nh, n->flags & RTNH_F_ONLINK);
    rtnl_route_nh_set_weight(nh, n->weight);
    rtnl_route_add_nexthop(o, nh);
    return 0;
}

static int route_set_addrs(const struct bridge_route_rec *r,
                           struct rtnl_route *o)
{
    struct nl_addr *na;
    int e;

    if (!(na = ip_to_nl(&r->dst)))
        return -1;
    e = rtnl_route_set_dst(o, na);
    nl_addr_put(na);
    if (e)
        return -1;
    if (r->has_src) {
        if (!(na = ip_to_nl(&r->src)))
            return -1;
        e = rtnl_route_set_src(o, na);
        nl_addr_put(na);
        if (e)
            return -1;
    }
    if (r->has_prefsrc) {
        if (!(na = ip_to_nl(&r->prefsrc)))
            return -1;
        e = rtnl_route_set_pref_src(o, na);
        nl_addr_put(na);
        if (e)
            return -1;
    }
    return 0;
}

int bridge_route_obj(const struct bridge_route_rec *r, const char *nic,
                     int ifindex, struct rtnl_route **obj_r)
{
    struct rtnl_route *o = rtnl_route_alloc();
    int i, rc = -1;

    if (!o || rtnl_route_set_family(o, r->family))
        goto out;
    rtnl_route_set_table(o, r->table);
    rtnl_route_set_protocol(o, r->protocol);
    rtnl_route_set_scope(o, r->scope);
    if (rtnl_route_set_type(o, r->type))
        goto out;
    rtnl_route_set_tos(o, r->tos);
    rtnl_route_set_priority(o, r->priority);
    rtnl_route_set_flags(o, r->flags & RTNH_F_ONLINK);
    if (route_set_addrs(r, o))
        goto out;
    for (i = 1; i <= RTAX_MAX; i++)
        if ((r->metric_mask & (1u << i)) &&
            rtnl_route_set_metric(o, i, r->metrics[i]))
            goto out;
    for (i = 0; i < r->nnh; i++)
        if (nh_obj(&r->nh[i], nic, ifindex, o))
            goto out;
    *obj_r = o;
    o = NULL;
    rc = 0;
out:
    if (o)
        rtnl_route_put(o);
    return rc;
}
