/*
 * sim_dev.c - the simulated domain's devices: disk images are opened and
 * locked (open file description locks, so that two running domains
 * cannot both write one image: a writable disk takes a write lock, a
 * read-only one a read lock), nics get a MAC and a device number.
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

#include "sim.h"

static int disk_lock(int fd, int writable, int *busy_r)
{
    struct flock fl;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = writable ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    *busy_r = 0;
    if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
        return 0;
    *busy_r = errno == EAGAIN || errno == EACCES;
    return -1;
}

/*
 * Opens and locks one image.  With busy_r non-NULL a lock held elsewhere
 * is not an error: the image is opened without it and *busy_r set, for
 * the caller to take the lock over when it is freed.
 */
int sim_disk_open_ex(const libxl_device_disk *disk, const char *dom,
                     int *fd_r, int *busy_r, char *err)
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
    if (disk_lock(fd, disk->readwrite, &busy)) {
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

int sim_disk_open(const libxl_device_disk *disk, const char *dom,
                  int *fd_r, char *err)
{
    return sim_disk_open_ex(disk, dom, fd_r, NULL, err);
}

void sim_fds_close(int *fds, int n)
{
    int i;

    for (i = 0; fds && i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}

int sim_disks_open(libxl_domain_config *c, int **fds_r, int **busy_r,
                   int *n_r, char *err)
{
    int *fds = NULL, *busy = NULL, i;

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
        if (sim_disk_open_ex(&c->disks[i], c->c_info.name, &fds[i],
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
 * Takes over the lock of an image whose lock another domain still holds
 * (the source of a migration): a child process waits for the lock on the
 * shared open file, which then belongs to the domain.  The child dies
 * with the supervisor, so a domain destroyed meanwhile takes nothing.
 */
void sim_disk_takeover(const libxl_device_disk *disk, int fd)
{
    struct flock fl;
    pid_t pid;

    pid = fork();
    if (pid != 0)
        return;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    prctl(PR_SET_NAME, "xltool-lockwait", 0, 0, 0);
    memset(&fl, 0, sizeof(fl));
    fl.l_type = disk->readwrite ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(fd, F_OFD_SETLKW, &fl) < 0 && errno == EINTR)
        ;
    _exit(0);
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
