/*
 * bridge.c - bridges and their ports over rtnetlink (libnl-route-3):
 * name checks, lookups, attach and detach, the list that "bridge list"
 * prints, and tap devices for domains that run as local processes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/if_link.h>
#include <netlink/route/link/bridge.h>

#include "bridge.h"
#include "bridge_int.h"

int bridge_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/*
 * The kernel's word on the last refused request: its errno and, through
 * extended acknowledgements, its own explanation ("IPv6 is disabled on
 * this device").  libnl keeps neither (it folds errno into vaguer codes of
 * its own), so the error callback of every socket opened here records
 * them, per thread, for bridge_nlerr.
 */
static __thread int last_errno;
static __thread char last_text[256];

static void extack_text(const struct nlmsghdr *h, const struct nlmsgerr *e)
{
    const struct nlattr *a;
    size_t off = NLMSG_HDRLEN + sizeof(*e), len;

    if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
        return;
    if (!(h->nlmsg_flags & NLM_F_CAPPED))
        off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
    while (off + NLA_HDRLEN <= h->nlmsg_len) {
        a = (const struct nlattr *)((const char *)h + off);
        len = a->nla_len;
        if (len < NLA_HDRLEN || off + len > h->nlmsg_len)
            return;
        if (a->nla_type == NLMSGERR_ATTR_MSG && len > NLA_HDRLEN) {
            snprintf(last_text, sizeof(last_text), "%.*s",
                     (int)(len - NLA_HDRLEN),
                     (const char *)a + NLA_HDRLEN);
            return;
        }
        off += NLA_ALIGN(len);
    }
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
    const struct nlmsghdr *h =
        (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);

    (void)nla;
    (void)arg;
    last_errno = e->error < 0 ? -e->error : e->error;
    last_text[0] = '\0';
    if (h->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e))
        extack_text(h, e);
    return NL_STOP;            /* libnl then returns its code for errno */
}

const char *bridge_nlerr(int nlerr)
{
    static __thread char buf[sizeof(last_text) + 64];
    int e = last_errno;

    last_errno = 0;
    nlerr = nlerr < 0 ? -nlerr : nlerr;
    if (!e || nl_syserr2nlerr(e) != nlerr)
        return nl_geterror(nlerr);
    if (last_text[0])
        snprintf(buf, sizeof(buf), "%s (%s)", strerror(e), last_text);
    else
        snprintf(buf, sizeof(buf), "%s", strerror(e));
    return buf;
}

int bridge_nl_notfound(int nlerr)
{
    nlerr = nlerr < 0 ? -nlerr : nlerr;
    return nlerr == NLE_OBJ_NOTFOUND || nlerr == NLE_NODEV ||
           nlerr == NLE_NOADDR;
}

int bridge_name_valid(const char *name, const char *what, char *err,
                      size_t errlen)
{
    size_t n, i;

    if (!name || !*name)
        return bridge_fail(err, errlen, "%s name is empty", what);
    n = strnlen(name, 256);
    if (n >= IFNAMSIZ)
        return bridge_fail(err, errlen, "%s name '%.64s%s' is too long "
                           "(at most %d characters)", what, name,
                           n > 64 ? "..." : "", IFNAMSIZ - 1);
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return bridge_fail(err, errlen, "%s name '%s' is invalid", what,
                           name);
    for (i = 0; i < n; i++) {
        unsigned char c = name[i];
        if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%')
            return bridge_fail(err, errlen, "%s name '%s' is invalid "
                               "(character %zu is not allowed)", what,
                               name, i + 1);
    }
    return 0;
}

int bridge_sock_open(struct nl_sock **sk_r, char *err, size_t errlen)
{
    struct nl_sock *sk;
    int e, one = 1;

    sk = nl_socket_alloc();
    if (!sk)
        return bridge_fail(err, errlen, "cannot allocate a netlink socket");
    e = nl_connect(sk, NETLINK_ROUTE);
    if (e < 0) {
        nl_socket_free(sk);
        return bridge_fail(err, errlen, "cannot open a netlink socket: %s",
                           bridge_nlerr(e));
    }
    /* Best effort: older kernels simply give no explanations. */
    setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
               sizeof(one));
    setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
               sizeof(one));
    nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, error_cb, NULL);
    *sk_r = sk;
    return 0;
}

int bridge_link_get(struct nl_sock *sk, const char *name,
                    struct rtnl_link **link_r, char *err, size_t errlen)
{
    int e;

    *link_r = NULL;
    e = rtnl_link_get_kernel(sk, 0, name, link_r);
    if (e >= 0)
        return 0;
    if (bridge_nl_notfound(e))
        return 1;
    return bridge_fail(err, errlen, "%s: cannot look the device up: %s",
                       name, bridge_nlerr(e));
}

int bridge_link_is_bridge(struct rtnl_link *link)
{
    const char *type = rtnl_link_get_type(link);

    return type && !strcmp(type, "bridge");
}

static int link_change(struct nl_sock *sk, int ifindex,
                       struct rtnl_link *chg)
{
    struct rtnl_link *orig = rtnl_link_alloc();
    int e;

    if (!orig)
        return -NLE_NOMEM;
    rtnl_link_set_ifindex(orig, ifindex);
    e = rtnl_link_change(sk, orig, chg, 0);
    rtnl_link_put(orig);
    return e;
}

int bridge_link_set_up(struct nl_sock *sk, int ifindex, int up)
{
    struct rtnl_link *chg = rtnl_link_alloc();
    int e;

    if (!chg)
        return -NLE_NOMEM;
    if (up)
        rtnl_link_set_flags(chg, IFF_UP);
    else
        rtnl_link_unset_flags(chg, IFF_UP);
    e = link_change(sk, ifindex, chg);
    rtnl_link_put(chg);
    return e;
}

int bridge_link_set_mac(struct nl_sock *sk, int ifindex,
                        const unsigned char *mac)
{
    struct rtnl_link *chg = rtnl_link_alloc();
    struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
    int e = -NLE_NOMEM;

    if (chg && a) {
        rtnl_link_set_addr(chg, a);
        e = link_change(sk, ifindex, chg);
    }
    nl_addr_put(a);
    rtnl_link_put(chg);
    return e;
}

int bridge_link_set_master(struct nl_sock *sk, int ifindex, int master)
{
    if (master)
        return rtnl_link_enslave_ifindex(sk, master, ifindex);
    return rtnl_link_release_ifindex(sk, ifindex);
}

int bridge_lookup_index(struct nl_sock *sk, const char *br, int *idx_r,
                         char *err, size_t errlen)
{
    struct rtnl_link *link = NULL;
    int rc = -1, found;

    if (bridge_name_valid(br, "bridge", err, errlen))
        return -1;
    found = bridge_link_get(sk, br, &link, err, errlen);
    if (found < 0)
        goto out;
    if (found == 1) {
        bridge_fail(err, errlen, "%s: no such bridge", br);
        goto out;
    }
    if (!bridge_link_is_bridge(link)) {
        bridge_fail(err, errlen, "%s is not a bridge", br);
        goto out;
    }
    *idx_r = rtnl_link_get_ifindex(link);
    rc = 0;
out:
    if (link)
        rtnl_link_put(link);
    return rc;
}

int bridge_exists(const char *br, char *err, size_t errlen)
{
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL;
    int rc = -1, found;

    if (bridge_name_valid(br, "bridge", err, errlen) ||
        bridge_sock_open(&sk, err, errlen))
        goto out;
    found = bridge_link_get(sk, br, &link, err, errlen);
    if (found < 0)
        goto out;
    rc = found == 0 && bridge_link_is_bridge(link);
out:
    if (link)
        rtnl_link_put(link);
    if (sk)
        nl_socket_free(sk);
    return rc;
}

/* Looks up a port candidate: must exist and not be br itself. */
static int port_lookup(struct nl_sock *sk, const char *ifname,
                       struct rtnl_link **link_r, char *err, size_t errlen)
{
    int found;

    if (bridge_name_valid(ifname, "interface", err, errlen))
        return -1;
    found = bridge_link_get(sk, ifname, link_r, err, errlen);
    if (found < 0)
        return -1;
    if (found == 1)
        return bridge_fail(err, errlen, "%s: no such network interface",
                           ifname);
    return 0;
}

int bridge_attach(const char *ifname, const char *br, char *err,
                  size_t errlen)
{
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL;
    int rc = -1, bidx, master, e;
    char mname[IFNAMSIZ];

    if (bridge_sock_open(&sk, err, errlen) ||
        bridge_lookup_index(sk, br, &bidx, err, errlen) ||
        port_lookup(sk, ifname, &link, err, errlen))
        goto out;
    master = rtnl_link_get_master(link);
    if (master && master != bidx) {
        bridge_fail(err, errlen, "%s is already a port of %s", ifname,
                    if_indextoname(master, mname) ? mname : "another device");
        goto out;
    }
    if (rtnl_link_get_ifindex(link) == bidx) {
        bridge_fail(err, errlen, "cannot attach %s to itself", br);
        goto out;
    }
    if (!master &&
        (e = bridge_link_set_master(sk, rtnl_link_get_ifindex(link), bidx))) {
        bridge_fail(err, errlen, "cannot attach %s to %s: %s", ifname, br,
                    bridge_nlerr(e));
        goto out;
    }
    e = bridge_link_set_up(sk, rtnl_link_get_ifindex(link), 1);
    if (e) {
        bridge_fail(err, errlen, "cannot bring %s up: %s", ifname,
                    bridge_nlerr(e));
        if (!master)
            bridge_link_set_master(sk, rtnl_link_get_ifindex(link), 0);
        goto out;
    }
    rc = 0;
out:
    if (link)
        rtnl_link_put(link);
    if (sk)
        nl_socket_free(sk);
    return rc;
}

int bridge_detach(const char *ifname, const char *br, char *err,
                  size_t errlen)
{
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL;
    int rc = -1, bidx, e;

    if (bridge_sock_open(&sk, err, errlen) ||
        bridge_lookup_index(sk, br, &bidx, err, errlen) ||
        port_lookup(sk, ifname, &link, err, errlen))
        goto out;
    if (rtnl_link_get_master(link) != bidx) {
        bridge_fail(err, errlen, "%s is not a port of %s", ifname, br);
        goto out;
    }
    e = bridge_link_set_master(sk, rtnl_link_get_ifindex(link), 0);
    if (e) {
        bridge_fail(err, errlen, "cannot detach %s from %s: %s", ifname, br,
                    bridge_nlerr(e));
        goto out;
    }
    rc = 0;
out:
    if (link)
        rtnl_link_put(link);
    if (sk)
        nl_socket_free(sk);
    return rc;
}

/* Tap devices */

static int mac_parse(const char *s, unsigned char *mac)
{
    int i;

    for (i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
            return -1;
        if (sscanf(s, "%2hhx", &mac[i]) != 1)
            return -1;
        s += 2;
        if (*s != (i == 5 ? '\0' : ':'))
            return -1;
        s++;
    }
    return 0;
}

static int tap_create(const char *name, int *fd_r, char *err, size_t errlen)
{
    struct ifreq ifr;
    int fd, saved;

    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return bridge_fail(err, errlen, "%s: cannot open /dev/net/tun: %s",
                           name, strerror(errno));
    memset(&ifr, 0, sizeof(ifr));
    /* IFF_TUN_EXCL: never take over a tap device that already exists. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL;
    memcpy(ifr.ifr_name, name, strlen(name) + 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        saved = errno;
        close(fd);
        return bridge_fail(err, errlen, "cannot create tap device %s: %s",
                           name, saved == EBUSY ?
                           "a device of that name exists" :
                           strerror(saved));
    }
    *fd_r = fd;
    return 0;
}

int bridge_tap_open(const char *name, const char *mac, const char *br,
                    int *fd_r, char *err, size_t errlen)
{
    struct nl_sock *sk = NULL;
    unsigned char hw[6];
    int rc = -1, fd = -1, bidx, idx, e;
    const char *what = NULL;

    if (bridge_name_valid(name, "interface", err, errlen))
        goto out;
    if (!mac || mac_parse(mac, hw) || (hw[0] & 1)) {
        bridge_fail(err, errlen, "%s: invalid unicast MAC address '%s'",
                    name, mac ? mac : "");
        goto out;
    }
    if (bridge_sock_open(&sk, err, errlen) ||
        bridge_lookup_index(sk, br, &bidx, err, errlen) ||
        tap_create(name, &fd, err, errlen))
        goto out;
    idx = if_nametoindex(name);
    if (!idx) {
        bridge_fail(err, errlen, "%s: tap device vanished", name);
        goto out;
    }
    if ((e = bridge_link_set_mac(sk, idx, hw)))
        what = "cannot set the MAC address of %s: %s";
    else if ((e = bridge_link_set_master(sk, idx, bidx)))
        what = "cannot attach %s to the bridge: %s";
    else if ((e = bridge_link_set_up(sk, idx, 1)))
        what = "cannot bring %s up: %s";
    if (what) {
        bridge_fail(err, errlen, what, name, bridge_nlerr(e));
        goto out;
    }
    *fd_r = fd;
    fd = -1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);        /* the device goes with its last fd */
    if (sk)
        nl_socket_free(sk);
    return rc;
}
