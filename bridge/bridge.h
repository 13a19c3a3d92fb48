/*
 * bridge.h - host bridges and domain vif attachment over netlink.
 *
 * Creates and removes Linux bridges (such as xenbr0), moves a NIC's
 * addresses and routes onto its bridge and back, and attaches vif and tap
 * devices to bridges.  All functions return 0 on success and -1 with a
 * message in err (errlen bytes) naming the device at fault.  Nothing here
 * prints or exits.
 */
#ifndef XLTOOL_BRIDGE_H
#define XLTOOL_BRIDGE_H

#include <net/if.h>
#include <stddef.h>

/* Creates bridge br (nothing to do if it exists); with nic non-NULL,
 * moves nic's addresses and routes to br and enslaves nic, rolling back
 * to the original state if any step fails. */
int bridge_create(const char *br, const char *nic, char *err, size_t errlen);
/* Deletes br; with release, moves addresses and routes back to the NIC
 * that was enslaved. */
int bridge_delete(const char *br, int release, char *err, size_t errlen);
/* 1 if br exists and is a bridge, 0 if not (or another kind of device),
 * -1 on error (including an invalid name). */
int bridge_exists(const char *br, char *err, size_t errlen);
/* Makes ifname a port of br and brings it up; nothing to do if it is one
 * already.  Refused if ifname is another device's port. */
int bridge_attach(const char *ifname, const char *br, char *err,
                  size_t errlen);
/* Removes ifname, which must be br's port, from br. */
int bridge_detach(const char *ifname, const char *br, char *err,
                  size_t errlen);
/*
 * Creates tap device name (with MAC mac, "xx:xx:xx:xx:xx:xx"), brings it
 * up and attaches it to bridge br.  Returns the tap fd in *fd_r: the
 * device exists for as long as that fd is open, so it disappears with
 * the process that holds it, however that process ends.
 *
 * Details callers rely on: br must exist and be a bridge; name must be a
 * valid interface name not in use by any device (it is never taken
 * over); mac must be unicast.  The device is a non-persistent tap without
 * packet information headers (IFF_TAP | IFF_NO_PI), so each read() of the
 * fd returns one Ethernet frame and each write() sends one; frames that
 * nobody reads are dropped by the kernel once its queue is full.  The fd
 * is close-on-exec and blocking; a forked child shares the device until
 * every copy of the fd is closed.  On failure nothing is left behind.
 * Needs CAP_NET_ADMIN in the current network namespace.
 */
int bridge_tap_open(const char *name, const char *mac, const char *br,
                    int *fd_r, char *err, size_t errlen);

/*
 * Checks that name can be a network interface name: 1 to IFNAMSIZ - 1
 * printable characters, none of them '/', ':', '%' or white space, and not
 * "." or "..".  what ("bridge", "interface") goes into the message.
 */
int bridge_name_valid(const char *name, const char *what, char *err,
                      size_t errlen);

/* One bridge as "bridge list" shows it. */
struct bridge_info {
    char name[IFNAMSIZ];
    char id[32];                 /* "8000.001122334455", as brctl shows */
    int stp;                     /* STP enabled */
    int nports;
    char (*ports)[IFNAMSIZ];     /* sorted by name */
};
/* Every bridge of the current network namespace, sorted by name. */
int bridge_list(struct bridge_info **list_r, int *n_r, char *err,
                size_t errlen);
void bridge_list_free(struct bridge_info *list, int n);

#endif
