/*
 * sim_dev.c - the simulated domain's devices: disk images are opened and
 * locked so that domains share an image only as xend's block script let
 * them (see below), nics get a MAC and a device number.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "bridge.h"
#include "cfg.h"
#include "sim.h"

/*
 * Who may use an image, as xend's block script (check_sharing) decided
 * it, from the newcomer's access mode:
 *
 *   "w"   only when no other domain uses the image at all;
 *   "r"   only when no other domain uses it with plain "w";
 *   "w!"  always: the script made no check at all for it.
 *
 * So "w!" domains share an image among themselves and with readers, a
 * plain "w" user shares it with nobody that comes after it, and a "w!"
 * newcomer is let in even beside a "w" user (the script looked only at
 * the newcomer's mode).
 *
 * Each use holds open file description locks on two bytes of the image
 * for as long as the domain has the disk:
 *
 *   LK_USE     read-locked by every user;
 *   LK_WRITER  read-locked by the users with plain "w".
 *
 * A "w" newcomer takes LK_USE write-locked, which fails while anyone
 * holds it, marks LK_WRITER and turns LK_USE into a read lock (never
 * letting go of it in between).  An "r" newcomer takes LK_USE, then
 * looks for a lock on LK_WRITER.  A "w!" newcomer takes LK_USE, waiting
 * (a bounded time) only for a "w" newcomer's check in progress.  The
 * only unbounded wait is a takeover's (sim_disk_takeover), which holds
 * no lock on the image it waits for, so nothing can wait for it.
 */
#define LK_USE    0
#define LK_WRITER 1

enum access { ACC_R, ACC_W, ACC_SHARED };

static enum access access_of(const libxl_device_disk *disk, int shared)
{
    if (!disk->readwrite)
        return ACC_R;
    return shared ? ACC_SHARED : ACC_W;
}

static int lk(int fd, short type, off_t at, int wait)
{
    struct flock fl;
    int rc;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = at;
    fl.l_len = 1;
    while ((rc = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl)) < 0 &&
           errno == EINTR)
        ;
    return rc;
}

/* 1 when another open file holds a lock on byte at, 0 if not, -1. */
static int lk_held(int fd, off_t at)
{
    struct flock fl;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = at;
    fl.l_len = 1;
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
        return -1;
    return fl.l_type != F_UNLCK;
}

/*
 * A "w!" use takes LK_USE read-locked, waiting for a "w" newcomer's
 * check, which holds it write-locked for a moment.  The wait is bounded
 * (1 s): a lock that stays is not a check in progress.
 */
static int lk_soon(int fd)
{
    int i;

    for (i = 0; i < 100; i++) {
        if (lk(fd, F_RDLCK, LK_USE, 0) == 0)
            return 0;
        if (errno != EAGAIN && errno != EACCES)
            return -1;
        usleep(10000);
    }
    return -1;
}

/* Drops what a failed claim took, keeping its errno. */
static int unclaim(int fd, int err)
{
    lk(fd, F_UNLCK, LK_USE, 0);
    lk(fd, F_UNLCK, LK_WRITER, 0);
    errno = err;
    return -1;
}

/* Takes the locks of one use; wait: a "w" use waits for the image to be
 * free.  On failure *busy_r says whether others' use was the cause. */
static int disk_claim(int fd, enum access acc, int wait, int *busy_r)
{
    int held = 0;

    *busy_r = 0;
    switch (acc) {
    case ACC_SHARED:
        if (lk_soon(fd) == 0)
            return 0;
        break;
    case ACC_W:
        if (lk(fd, F_WRLCK, LK_USE, wait))
            break;
        if (lk(fd, F_RDLCK, LK_WRITER, 0) || lk(fd, F_RDLCK, LK_USE, 0))
            return unclaim(fd, errno);
        return 0;
    case ACC_R:
        if (lk(fd, F_RDLCK, LK_USE, 0))
            break;
        held = lk_held(fd, LK_WRITER);
        if (held == 0)
            return 0;
        unclaim(fd, held < 0 ? errno : EAGAIN);
        break;
    }
    *busy_r = errno == EAGAIN || errno == EACCES;
    return -1;
}

/*
 * Opens and locks one image.  With busy_r non-NULL an image others' use
 * forbids is not an error: it is opened without its locks and *busy_r
 * set, for the caller to take them over when they are freed.
 */
int sim_disk_open_ex(const libxl_device_disk *disk, int shared,
                     const char *dom, int *fd_r, int *busy_r, char *err)
{
    const char *path = disk->pdev_path;
    const char *vdev = disk->vdev ? disk->vdev : "?";
    int fd, busy;

    *fd_r = -1;
    if (busy_r)
        *busy_r = 0;
    if (!path || !*path)
        return 0;          /* an empty cdrom drive */
    fd = open(path, (disk->readwrite ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        sim_err(err, "domain %s: disk %s: cannot open image %s: %s", dom,
                vdev, path, strerror(errno));
        return -1;
    }
    if (disk_claim(fd, access_of(disk, shared), 0, &busy)) {
        if (busy && busy_r) {
            *busy_r = 1;
            *fd_r = fd;
            return 0;
        }
        sim_err(err, "domain %s: disk %s: image %s %s", dom, vdev, path,
                busy ? "is in use by another domain" : strerror(errno));
        close(fd);
        return -1;
    }
    *fd_r = fd;
    return 0;
}

int sim_disk_open(const libxl_device_disk *disk, int shared, const char *dom,
                  int *fd_r, char *err)
{
    return sim_disk_open_ex(disk, shared, dom, fd_r, NULL, err);
}

void sim_fds_close(int *fds, int n)
{
    int i;

    for (i = 0; fds && i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}

int sim_disks_open(libxl_domain_config *c, const struct cfg_extra *x,
                   int **fds_r, int **busy_r, int *n_r, char *err)
{
    int *fds = NULL, *busy = NULL, i, shared;

    *fds_r = NULL;
    if (busy_r)
        *busy_r = NULL;
    *n_r = 0;
    if (!c->num_disks)
        return 0;
    fds = calloc(c->num_disks, sizeof(*fds));
    busy = calloc(c->num_disks, sizeof(*busy));
    if (!fds || !busy) {
        free(fds);
        free(busy);
        return sim_err(err, "out of memory"), -1;
    }
    for (i = 0; i < c->num_disks; i++)
        fds[i] = -1;
    for (i = 0; i < c->num_disks; i++) {
        shared = cfg_extra_is_shared(x, c->disks[i].vdev);
        if (sim_disk_open_ex(&c->disks[i], shared, c->c_info.name, &fds[i],
                             busy_r ? &busy[i] : NULL, err)) {
            sim_fds_close(fds, c->num_disks);
            free(busy);
            return -1;
        }
    }
    *fds_r = fds;
    if (busy_r)
        *busy_r = busy;
    else
        free(busy);
    *n_r = c->num_disks;
    return 0;
}

/*
 * Takes over the use of an image that another domain's use forbids for
 * now (the source of a migration): a child process waits until the
 * image is free, then takes the locks on the shared open file, which
 * then belong to the domain.  A "w" use waits on the lock itself; an
 * "r" use, which only a "w" user elsewhere can hold up, looks again
 * every 50 ms.  The child dies with the supervisor, so a domain
 * destroyed meanwhile takes nothing.
 */
void sim_disk_takeover(const libxl_device_disk *disk, int shared, int fd)
{
    enum access acc = access_of(disk, shared);
    pid_t parent = getpid(), pid;
    int busy = 0;

    pid = fork();
    if (pid != 0)
        return;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* A parent that died before the line above sent no signal. */
    if (getppid() != parent)
        _exit(0);
    /* Only the image's descriptor: an inherited one of another open of
     * the same image would hold the very lock this child waits for, and
     * others (consoles, pipes) must not outlive their owners here. */
    if (fd > 3)
        close_range(3, (unsigned int)fd - 1, 0);
    close_range((unsigned int)fd + 1, ~0U, 0);
    prctl(PR_SET_NAME, "xltool-lockwait", 0, 0, 0);
    while (disk_claim(fd, acc, acc == ACC_W, &busy) && busy)
        usleep(50000);
    _exit(0);
}

/*
 * A vif becomes a real tap device on its bridge when the host allows it
 * (root, and the bridge exists): the tap lives as long as *fd_r stays
 * open somewhere.  Otherwise it is only recorded; msg says which.
 */
int sim_vif_connect(const libxl_device_nic *nic, uint32_t domid, int *fd_r,
                    char *msg, size_t msglen)
{
    const char *br = nic->bridge ? nic->bridge : "xenbr0";
    char name[32], mac[32], err[XT_ERRLEN];

    *fd_r = -1;
    if (nic->ifname)
        snprintf(name, sizeof(name), "%s", nic->ifname);
    else
        snprintf(name, sizeof(name), "vif%u.%d", domid, nic->devid);
    snprintf(mac, sizeof(mac), LIBXL_MAC_FMT, LIBXL_MAC_BYTES(nic->mac));
    if (geteuid() != 0) {
        snprintf(msg, msglen, "not connected to bridge %s (not root)", br);
    } else if (bridge_exists(br, err, sizeof(err)) != 1) {
        snprintf(msg, msglen, "not connected: bridge %s does not exist", br);
    } else if (bridge_tap_open(name, mac, br, fd_r, err, sizeof(err))) {
        *fd_r = -1;
        snprintf(msg, msglen, "not connected: %.150s", err);
    } else {
        snprintf(msg, msglen, "tap %s on bridge %s", name, br);
        return 0;
    }
    return -1;
}

void sim_nic_fill(libxl_device_nic *nic, int devid)
{
    static const libxl_mac zero;
    unsigned char r[3] = {0, 0, 0};

    if (nic->devid < 0 || nic->devid == 0)
        nic->devid = devid;
    if (!memcmp(nic->mac, zero, sizeof(zero))) {
        if (getrandom(r, sizeof(r), 0) != sizeof(r))
            r[0] = (unsigned char)getpid(), r[1] = (unsigned char)devid;
        nic->mac[0] = 0x00;
        nic->mac[1] = 0x16;
        nic->mac[2] = 0x3e;
        nic->mac[3] = r[0] & 0x7f;
        nic->mac[4] = r[1];
        nic->mac[5] = r[2];
    }
}

/* The virtual device number Xen gives a vdev name: xvdX, hdX, sdX. */
int sim_vdev_devid(const char *vdev)
{
    int idx = 0, n = 0;
    const char *p;

    if (!vdev)
        return -1;
    if (!strncmp(vdev, "xvd", 3))
        p = vdev + 3;
    else if (!strncmp(vdev, "hd", 2) || !strncmp(vdev, "sd", 2))
        p = vdev + 2;
    else
        return -1;
    /* One letter only: enough for the devices a test domain has. */
    for (; *p >= 'a' && *p <= 'z'; p++, n++)
        idx = *p - 'a';
    if (n != 1 || *p)
        return -1;
    if (vdev[0] == 'x')
        return idx < 16 ? (202 << 8) | (idx << 4) : (1 << 28) | (idx << 8);
    if (vdev[0] == 'h')
        return idx < 2 ? (3 << 8) | (idx << 6) : (22 << 8) | ((idx - 2) << 6);
    return idx < 16 ? (8 << 8) | (idx << 4) : -1;
}
