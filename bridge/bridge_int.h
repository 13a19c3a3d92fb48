/*
 * bridge_int.h - what the files of the bridge module share: the netlink
 * socket, link lookups and error formatting.  Not for use outside bridge/.
 */
#ifndef XLTOOL_BRIDGE_INT_H
#define XLTOOL_BRIDGE_INT_H

#include <stddef.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

int bridge_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Opens a NETLINK_ROUTE socket. */
int bridge_sock_open(struct nl_sock **sk_r, char *err, size_t errlen);
/* Fetches link name from the kernel: 0 found (*link_r set), 1 no such
 * device, -1 error. */
int bridge_link_get(struct nl_sock *sk, const char *name,
                    struct rtnl_link **link_r, char *err, size_t errlen);
/* Non-zero if link is a Linux bridge. */
int bridge_link_is_bridge(struct rtnl_link *link);
/* Sets or clears IFF_UP. */
int bridge_link_set_up(struct nl_sock *sk, int ifindex, int up);
/* Sets the Ethernet address (6 bytes). */
int bridge_link_set_mac(struct nl_sock *sk, int ifindex,
                        const unsigned char *mac);
/* Makes ifindex a port of master (0: no master). */
int bridge_link_set_master(struct nl_sock *sk, int ifindex, int master);
/* Looks br up and checks that it is a bridge; *idx_r its ifindex. */
int bridge_lookup_index(struct nl_sock *sk, const char *br, int *idx_r,
                        char *err, size_t errlen);
/* libnl's message for a (negative) libnl error code. */
const char *bridge_nlerr(int nlerr);
/* Is the (negative) libnl error a "no such object" answer. */
int bridge_nl_notfound(int nlerr);

struct bridge_state;
struct bridge_addr_rec;
struct bridge_route_rec;
struct rtnl_addr;
struct rtnl_route;

/* Records the addresses and routes of the NIC st->nic (ifindex nic_idx)
 * into st. */
int bridge_snapshot(struct nl_sock *sk, int nic_idx, struct bridge_state *st,
                    char *err, size_t errlen);
/* Describes the kernel's address o as a record. */
int bridge_addr_rec_from(struct rtnl_addr *o, struct bridge_addr_rec *a);
/* Builds the address a of NIC nic for device dev (ifindex), which may be
 * the NIC itself or its bridge. */
int bridge_addr_obj(const struct bridge_addr_rec *a, int ifindex,
                    const char *nic, const char *dev,
                    struct rtnl_addr **obj_r);
/* Builds route r with the nexthops through nic moved to ifindex. */
int bridge_route_obj(const struct bridge_route_rec *r, const char *nic,
                     int ifindex, struct rtnl_route **obj_r);

#endif
