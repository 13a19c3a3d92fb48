/*
 * list.c - the bridges of the current network namespace with their
 * bridge id, STP state and ports, from one RTM_GETLINK dump (the bridge
 * id and STP state are bridge attributes that libnl-route does not
 * expose, so they are read from the dump's IFLA_INFO_DATA directly).
 */
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/route/rtnl.h>

#include "bridge.h"
#include "bridge_int.h"

#define LIST_MAX_LINKS 65536

struct link_row {
    int ifindex, master, is_bridge, stp;
    char name[IFNAMSIZ];
    char id[32];
};

struct dump {
    struct link_row *rows;
    int n, cap, overflow;
};

/* Room for one more row; the table doubles as needed, up to a bound. */
static struct link_row *new_row(struct dump *d)
{
    struct link_row *rows;
    int cap;

    if (d->n == d->cap) {
        cap = d->cap ? d->cap * 2 : 64;
        if (cap > LIST_MAX_LINKS ||
            !(rows = realloc(d->rows, cap * sizeof(*rows)))) {
            d->overflow = 1;
            return NULL;
        }
        d->rows = rows;
        d->cap = cap;
    }
    return &d->rows[d->n++];
}

static void parse_bridge_info(struct nlattr *linkinfo, struct link_row *row)
{
    struct nlattr *info[IFLA_INFO_MAX + 1], *br[IFLA_BR_MAX + 1];
    const struct ifla_bridge_id *id;

    if (nla_parse_nested(info, IFLA_INFO_MAX, linkinfo, NULL) < 0 ||
        !info[IFLA_INFO_KIND] ||
        strcmp(nla_get_string(info[IFLA_INFO_KIND]), "bridge"))
        return;
    row->is_bridge = 1;
    if (!info[IFLA_INFO_DATA] ||
        nla_parse_nested(br, IFLA_BR_MAX, info[IFLA_INFO_DATA], NULL) < 0)
        return;
    if (br[IFLA_BR_STP_STATE])
        row->stp = nla_get_u32(br[IFLA_BR_STP_STATE]) != 0;
    if (br[IFLA_BR_BRIDGE_ID] &&
        nla_len(br[IFLA_BR_BRIDGE_ID]) >= (int)sizeof(*id)) {
        id = nla_data(br[IFLA_BR_BRIDGE_ID]);
        snprintf(row->id, sizeof(row->id),
                 "%02x%02x.%02x%02x%02x%02x%02x%02x", id->prio[0],
                 id->prio[1], id->addr[0], id->addr[1], id->addr[2],
                 id->addr[3], id->addr[4], id->addr[5]);
    }
}

static int dump_cb(struct nl_msg *msg, void *arg)
{
    struct nlmsghdr *h = nlmsg_hdr(msg);
    struct nlattr *tb[IFLA_MAX + 1];
    struct dump *d = arg;
    struct link_row *row;
    struct ifinfomsg *ifi;

    if (h->nlmsg_type != RTM_NEWLINK ||
        nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 ||
        !tb[IFLA_IFNAME])
        return NL_OK;
    if (!(row = new_row(d)))
        return NL_OK;
    ifi = nlmsg_data(h);
    memset(row, 0, sizeof(*row));
    row->ifindex = ifi->ifi_index;
    nla_strlcpy(row->name, tb[IFLA_IFNAME], sizeof(row->name));
    if (tb[IFLA_MASTER])
        row->master = nla_get_u32(tb[IFLA_MASTER]);
    if (tb[IFLA_LINKINFO])
        parse_bridge_info(tb[IFLA_LINKINFO], row);
    return NL_OK;
}

static int dump_links(struct dump *d, char *err, size_t errlen)
{
    struct nl_sock *sk = NULL;
    int rc = -1, e;

    if (bridge_sock_open(&sk, err, errlen))
        goto out;
    nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, dump_cb, d);
    e = nl_rtgen_request(sk, RTM_GETLINK, AF_UNSPEC, NLM_F_DUMP);
    if (e >= 0)
        e = nl_recvmsgs_default(sk);
    if (e < 0) {
        bridge_fail(err, errlen, "cannot list network interfaces: %s",
                    bridge_nlerr(e));
        goto out;
    }
    if (d->overflow) {
        bridge_fail(err, errlen, "cannot list network interfaces: out of "
                    "memory or more than %d of them", LIST_MAX_LINKS);
        goto out;
    }
    rc = 0;
out:
    if (sk)
        nl_socket_free(sk);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int fill_ports(struct bridge_info *bi, int bidx,
                      const struct dump *d)
{
    int i, n = 0;

    for (i = 0; i < d->n; i++)
        n += d->rows[i].master == bidx;
    bi->ports = calloc(n ? n : 1, sizeof(*bi->ports));
    if (!bi->ports)
        return -1;
    for (i = 0; i < d->n; i++)
        if (d->rows[i].master == bidx)
            memcpy(bi->ports[bi->nports++], d->rows[i].name, IFNAMSIZ);
    qsort(bi->ports, bi->nports, sizeof(*bi->ports), by_name);
    return 0;
}

static int by_bridge_name(const void *a, const void *b)
{
    const struct bridge_info *x = a, *y = b;

    return strcmp(x->name, y->name);
}

int bridge_list(struct bridge_info **list_r, int *n_r, char *err,
                size_t errlen)
{
    struct dump d = {NULL, 0, 0, 0};
    struct bridge_info *list = NULL;
    int rc = -1, i, n = 0;

    if (dump_links(&d, err, errlen))
        goto out;
    list = calloc(d.n ? d.n : 1, sizeof(*list));
    if (!list) {
        bridge_fail(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < d.n; i++) {
        if (!d.rows[i].is_bridge)
            continue;
        memcpy(list[n].name, d.rows[i].name, IFNAMSIZ);
        memcpy(list[n].id, d.rows[i].id, sizeof(list[n].id));
        list[n].stp = d.rows[i].stp;
        if (fill_ports(&list[n++], d.rows[i].ifindex, &d)) {
            bridge_fail(err, errlen, "out of memory");
            goto out;
        }
    }
    qsort(list, n, sizeof(*list), by_bridge_name);
    *list_r = list;
    *n_r = n;
    list = NULL;
    rc = 0;
out:
    bridge_list_free(list, n);
    free(d.rows);
    return rc;
}

void bridge_list_free(struct bridge_info *list, int n)
{
    int i;

    if (!list)
        return;
    for (i = 0; i < n; i++)
        free(list[i].ports);
    free(list);
}
