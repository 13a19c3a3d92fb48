/*
 * sim_usb.c - virtual USB of simulated domains: controllers (pv, qusb or
 * devicemodel; USB 1 or 2; 1 to 31 ports) and the host's USB devices
 * given to them.  A device must exist on this machine (a bus and address
 * in /sys/bus/usb/devices); it is recorded, never touched, and given to
 * one port of one domain at a time.  The state is DIR/dom/ID/usb, with
 * "ctrl DEVID TYPE VERSION PORTS" and "dev CTRL PORT BUS ADDR" lines,
 * changed under the state dir's lock.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_ops.h"

#define USB_CTRL_MAX 8

struct usb {
    struct be_usbctrl c[USB_CTRL_MAX];
    int n;
};

static int load(const struct sim *s, uint32_t domid, struct usb *u,
                char *err)
{
    char path[PATH_MAX], line[128];
    int a, b, c, d, e;
    FILE *f;

    memset(u, 0, sizeof(*u));
    if (sim_path(s, domid, "usb", path, sizeof(path), err))
        return -1;
    if (sim_read_open(path, &f, err))
        return -1;
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "ctrl %d %d %d %d", &a, &b, &c, &d) == 4 &&
            u->n < USB_CTRL_MAX && d >= 1 && d <= BE_USB_PORTS) {
            struct be_usbctrl *x = &u->c[u->n++];
            x->devid = a;
            x->type = b;
            x->version = c;
            x->ports = d;
            x->state = 4;
        } else if (sscanf(line, "dev %d %d %d %d", &a, &b, &c, &d) == 4 &&
                   u->n && b >= 1 && b <= BE_USB_PORTS) {
            for (e = 0; e < u->n && u->c[e].devid != a; e++)
                ;
            if (e < u->n) {
                u->c[e].port[b].used = 1;
                u->c[e].port[b].bus = c;
                u->c[e].port[b].addr = d;
            }
        }
    }
    fclose(f);
    return 0;
}

static int store(const struct sim *s, uint32_t domid, const struct usb *u,
                 char *err)
{
    char path[PATH_MAX], *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int i, p, rc;

    if (!f)
        return sim_err(err, "out of memory"), -1;
    for (i = 0; i < u->n; i++) {
        const struct be_usbctrl *c = &u->c[i];
        fprintf(f, "ctrl %d %d %d %d\n", c->devid, c->type, c->version,
                c->ports);
        for (p = 1; p <= c->ports; p++)
            if (c->port[p].used)
                fprintf(f, "dev %d %d %d %d\n", c->devid, p, c->port[p].bus,
                        c->port[p].addr);
    }
    if (fclose(f))
        return free(text), sim_err(err, "out of memory"), -1;
    rc = sim_path(s, domid, "usb", path, sizeof(path), err) ? -1
         : sim_write_text(path, text, err);
    free(text);
    return rc;
}

static struct be_usbctrl *ctrl_find(struct usb *u, int devid)
{
    int i;

    for (i = 0; i < u->n; i++)
        if (u->c[i].devid == devid)
            return &u->c[i];
    return NULL;
}

/* Adds a controller to u; checks what libxl checks. */
static int ctrl_new(struct usb *u, const libxl_device_usbctrl *want,
                    const char *name, int *devid_r, char *err)
{
    struct be_usbctrl *c;
    int devid = 0, i;

    if (want->version && want->version != 1 && want->version != 2)
        return sim_err(err, "domain %s: USB version %d (1 or 2)", name,
                       want->version), -1;
    if (want->ports && (want->ports < 1 || want->ports > BE_USB_PORTS))
        return sim_err(err, "domain %s: %d ports (1 to %d)", name,
                       want->ports, BE_USB_PORTS), -1;
    if (u->n == USB_CTRL_MAX)
        return sim_err(err, "domain %s has %d USB controllers already",
                       name, u->n), -1;
    for (i = 0; i < u->n; i++)
        if (u->c[i].devid >= devid)
            devid = u->c[i].devid + 1;
    c = &u->c[u->n++];
    memset(c, 0, sizeof(*c));
    c->devid = devid;
    c->type = want->type == LIBXL_USBCTRL_TYPE_AUTO ? LIBXL_USBCTRL_TYPE_PV
                                                    : want->type;
    c->version = want->version ? want->version : 2;
    c->ports = want->ports ? want->ports : 8;
    c->state = 4;
    *devid_r = devid;
    return 0;
}

int sim_usbctrl_add(struct be *be, uint32_t domid, libxl_device_usbctrl *ctrl,
                    char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    struct usb u;
    int lk = -1, rc = -1, devid;

    if (sim_lock(s, &lk, err) || sim_running(s, domid, &d, err) ||
        load(s, domid, &u, err) || ctrl_new(&u, ctrl, d.name, &devid, err))
        goto out;
    rc = store(s, domid, &u, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_usbctrl_remove(struct be *be, uint32_t domid, int devid, char *err)
{
    struct sim *s = (struct sim *)be;
    struct be_usbctrl *c;
    struct sim_dom d;
    struct usb u;
    int lk = -1, rc = -1;

    if (sim_lock(s, &lk, err) || sim_info_read(s, domid, &d, err) ||
        load(s, domid, &u, err))
        goto out;
    if (!(c = ctrl_find(&u, devid))) {
        sim_err(err, "domain %s has no USB controller %d", d.name, devid);
        goto out;
    }
    /* Its devices go with it, as libxl removes them. */
    memmove(c, c + 1, (u.c + --u.n - c) * sizeof(*c));
    rc = store(s, domid, &u, err);
out:
    sim_unlock(lk);
    return rc;
}

/* The host has a USB device at bus/addr (read from sysfs). */
static int host_has(unsigned int bus, unsigned int addr)
{
    char path[300];
    struct dirent *de;
    DIR *dir = opendir("/sys/bus/usb/devices");
    unsigned int b, a;
    FILE *f;
    int found = 0;

    while (dir && !found && (de = readdir(dir))) {
        snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/busnum",
                 de->d_name);
        if (!(f = fopen(path, "re")))
            continue;
        found = fscanf(f, "%u", &b) == 1 && b == bus;
        fclose(f);
        snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/devnum",
                 de->d_name);
        if (found && (f = fopen(path, "re"))) {
            found = fscanf(f, "%u", &a) == 1 && a == addr;
            fclose(f);
        } else {
            found = 0;
        }
    }
    if (dir)
        closedir(dir);
    return found;
}

/* Whether another domain's port has the device. */
static int taken(const struct sim *s, uint32_t self, unsigned int bus,
                 unsigned int addr)
{
    char err[XT_ERRLEN];
    uint32_t *ids = NULL;
    struct usb u;
    int n = 0, i, k, p, hit = 0;

    if (sim_domids(s, &ids, &n, err))
        return 0;
    for (i = 0; i < n && !hit; i++) {
        if (ids[i] == self || load(s, ids[i], &u, err))
            continue;
        for (k = 0; k < u.n; k++)
            for (p = 1; p <= u.c[k].ports; p++)
                hit |= u.c[k].port[p].used && u.c[k].port[p].bus == bus &&
                       u.c[k].port[p].addr == addr;
    }
    free(ids);
    return hit;
}

/* The controller and port the device goes to: the asked ones, or the
 * first free port, on a new controller when none is free. */
static int place(struct usb *u, const libxl_device_usbdev *dev,
                 const char *name, struct be_usbctrl **c_r, int *port_r,
                 char *err)
{
    libxl_device_usbctrl want;
    int i, p, devid;

    if (dev->ctrl >= 0) {
        if (!(*c_r = ctrl_find(u, dev->ctrl)))
            return sim_err(err, "domain %s has no USB controller %d", name,
                           dev->ctrl), -1;
        for (p = dev->port > 0 ? dev->port : 1; p <= (*c_r)->ports; p++)
            if (!(*c_r)->port[p].used || dev->port > 0)
                break;
        if (p > (*c_r)->ports || (*c_r)->port[p].used)
            return sim_err(err, "domain %s: no free port %s on controller "
                           "%d", name, dev->port > 0 ? "there" : "left",
                           dev->ctrl), -1;
        *port_r = p;
        return 0;
    }
    for (i = 0; i < u->n; i++)
        for (p = 1; p <= u->c[i].ports; p++)
            if (!u->c[i].port[p].used) {
                *c_r = &u->c[i];
                *port_r = p;
                return 0;
            }
    libxl_device_usbctrl_init(&want);
    if (ctrl_new(u, &want, name, &devid, err))
        return -1;
    *c_r = ctrl_find(u, devid);
    *port_r = 1;
    return 0;
}

int sim_usbdev_add(struct be *be, uint32_t domid, libxl_device_usbdev *dev,
                   char *err)
{
    struct sim *s = (struct sim *)be;
    unsigned int bus = dev->u.hostdev.hostbus, addr = dev->u.hostdev.hostaddr;
    struct be_usbctrl *c;
    struct sim_dom d;
    struct usb u;
    int lk = -1, rc = -1, port;

    if (!host_has(bus, addr))
        return sim_err(err, "no USB device at bus %u address %u on this "
                       "host", bus, addr), -1;
    if (sim_lock(s, &lk, err) || sim_running(s, domid, &d, err) ||
        load(s, domid, &u, err))
        goto out;
    if (taken(s, domid, bus, addr)) {
        sim_err(err, "USB device %u.%u is another domain's", bus, addr);
        goto out;
    }
    if (place(&u, dev, d.name, &c, &port, err))
        goto out;
    c->port[port].used = 1;
    c->port[port].bus = bus;
    c->port[port].addr = addr;
    rc = store(s, domid, &u, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_usbdev_remove(struct be *be, uint32_t domid, int ctrl, int port,
                      char *err)
{
    struct sim *s = (struct sim *)be;
    struct be_usbctrl *c;
    struct sim_dom d;
    struct usb u;
    int lk = -1, rc = -1;

    if (sim_lock(s, &lk, err) || sim_info_read(s, domid, &d, err) ||
        load(s, domid, &u, err))
        goto out;
    c = ctrl_find(&u, ctrl);
    if (!c || port < 1 || port > c->ports || !c->port[port].used) {
        sim_err(err, "domain %s: no USB device at controller %d port %d",
                d.name, ctrl, port);
        goto out;
    }
    c->port[port].used = 0;
    rc = store(s, domid, &u, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_usb_list(struct be *be, uint32_t domid, struct be_usbctrl **list_r,
                 int *n_r, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    struct usb u;

    if (sim_info_read(s, domid, &d, err) || load(s, domid, &u, err))
        return -1;
    *list_r = calloc(u.n ? u.n : 1, sizeof(**list_r));
    if (!*list_r)
        return sim_err(err, "out of memory"), -1;
    memcpy(*list_r, u.c, u.n * sizeof(**list_r));
    *n_r = u.n;
    return 0;
}
