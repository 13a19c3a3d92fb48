/*
 * bridge_state.h - what "bridge create --enslave" moved from a NIC to its
 * bridge, as plain records, and the state file that keeps them until
 * "bridge delete --release" moves them back.
 *
 * The records describe the NIC's original addresses and routes exactly as
 * the kernel reported them; nexthops name their device, and the NIC's own
 * name stands for "the NIC or, while enslaved, its bridge".  Reading a
 * state file is strict: any malformed, unknown, duplicated or missing
 * field rejects the whole file with the line at fault.
 */
#ifndef XLTOOL_BRIDGE_STATE_H
#define XLTOOL_BRIDGE_STATE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/rtnetlink.h>

#define BRIDGE_MAX_ADDRS   64
#define BRIDGE_MAX_ROUTES  256
#define BRIDGE_MAX_NH      16
#define BRIDGE_STATE_MAX   (1024 * 1024)   /* bytes in a state file */
#define BRIDGE_STATE_MAGIC "xltool-bridge-state 1"

/* An IPv4 or IPv6 address with a prefix length. */
struct bridge_ip {
    int family;                  /* AF_INET or AF_INET6 */
    unsigned char a[16];
    unsigned int plen;
};

struct bridge_addr_rec {
    struct bridge_ip local;
    int has_peer;
    struct bridge_ip peer;
    int has_brd;
    struct bridge_ip brd;
    unsigned int scope;
    uint32_t flags;              /* IFA_F_* */
    char label[IFNAMSIZ];        /* IPv4 label, "" if none */
    uint32_t valid, preferred;   /* lifetimes in seconds */
};

struct bridge_nh_rec {
    char dev[IFNAMSIZ];
    int has_gw;
    struct bridge_ip gw;
    uint32_t flags;              /* RTNH_F_* */
    unsigned int weight;         /* as the kernel stores it: hops - 1 */
};

struct bridge_route_rec {
    int family;
    uint32_t table;
    unsigned int protocol, scope, type, tos;
    uint32_t priority;
    uint32_t flags;              /* RTM_F_* */
    struct bridge_ip dst;
    int has_src;
    struct bridge_ip src;
    int has_prefsrc;
    struct bridge_ip prefsrc;
    uint32_t metrics[RTAX_MAX + 1];
    uint32_t metric_mask;        /* bit i set: metrics[i] is present */
    int nnh;
    struct bridge_nh_rec nh[BRIDGE_MAX_NH];
};

struct bridge_state {
    char bridge[IFNAMSIZ];
    char nic[IFNAMSIZ];
    int created;                 /* the bridge did not exist before */
    int nic_up;                  /* the NIC was up before */
    int naddrs;
    struct bridge_addr_rec addrs[BRIDGE_MAX_ADDRS];
    int nroutes;
    struct bridge_route_rec routes[BRIDGE_MAX_ROUTES];
};

/* Writes st in the state file format. */
int bridge_state_format(const struct bridge_state *st, FILE *f);
/* Parses a whole state file held in text (len bytes, no NUL needed);
 * errors name the line. */
int bridge_state_parse(const char *text, size_t len, struct bridge_state *st,
                       char *err, size_t errlen);
/* Reads and parses path; errors name the file. */
int bridge_state_read(const char *path, struct bridge_state *st, char *err,
                      size_t errlen);
/* Writes path atomically (temporary file, fsync, rename). */
int bridge_state_write(const char *path, const struct bridge_state *st,
                       char *err, size_t errlen);
/* The state file of bridge br under $XLTOOL_RUN_DIR (default /run/xltool). */
int bridge_state_path(const char *br, char *buf, size_t len, char *err,
                      size_t errlen);
/* The run directory itself, created (mode 0755) if missing. */
int bridge_run_dir(char *buf, size_t len, int create, char *err,
                   size_t errlen);

/* Address text, shared with the netlink side. */
int bridge_ip_parse(const char *s, int family, int want_plen,
                    struct bridge_ip *ip_r);
int bridge_ip_format(const struct bridge_ip *ip, int with_plen, char *buf,
                     size_t len);

#endif
