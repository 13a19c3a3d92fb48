/*
 * be_libxl_pci.c - the libxl backend's PCI passthrough, CD-ROM media,
 * vTPMs, channels and virtual USB: libxl_device_pci_*,
 * libxl_cdrom_insert, libxl_device_vtpm_*, libxl_device_channel_* and
 * libxl_device_usb*, as xl calls them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "be_libxl.h"

int be_lx_pci_assignable_list(struct be *be, libxl_device_pci **list_r,
                              int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int n = 0;

    *list_r = libxl_device_pci_assignable_list(lx->ctx, &n);
    *n_r = *list_r ? n : 0;
    /* None assignable is an empty list, not a failure. */
    (void)err;
    return 0;
}

int be_lx_pci_assignable_add(struct be *be, libxl_device_pci *pci,
                             int rebind, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_device_pci_assignable_add(lx->ctx, pci, rebind);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID,
                           "making the device assignable", rc) : 0;
}

int be_lx_pci_assignable_remove(struct be *be, libxl_device_pci *pci,
                                int rebind, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_device_pci_assignable_remove(lx->ctx, pci, rebind);

    return rc ? be_lx_fail(lx, err, INVALID_DOMID,
                           "removing the assignable device", rc) : 0;
}

int be_lx_pci_add(struct be *be, uint32_t domid, libxl_device_pci *pci,
                  char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_device_pci_add(lx->ctx, domid, pci, NULL);

    return rc ? be_lx_fail(lx, err, domid, "attaching the PCI device", rc)
              : 0;
}

int be_lx_pci_remove(struct be *be, uint32_t domid, libxl_device_pci *pci,
                     int force, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = force ? libxl_device_pci_destroy(lx->ctx, domid, pci, NULL)
                   : libxl_device_pci_remove(lx->ctx, domid, pci, NULL);

    return rc ? be_lx_fail(lx, err, domid, "detaching the PCI device", rc)
              : 0;
}

int be_lx_pci_list(struct be *be, uint32_t domid, libxl_device_pci **list_r,
                   int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int n = 0;

    (void)err;
    *list_r = libxl_device_pci_list(lx->ctx, domid, &n);
    *n_r = *list_r ? n : 0;
    return 0;
}

int be_lx_cdrom_insert(struct be *be, uint32_t domid,
                       libxl_device_disk *disk, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_cdrom_insert(lx->ctx, domid, disk, NULL);

    return rc ? be_lx_fail(lx, err, domid, "changing the CD-ROM", rc) : 0;
}

int be_lx_vtpm_add(struct be *be, uint32_t domid, libxl_device_vtpm *vtpm,
                   char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_device_vtpm_add(lx->ctx, domid, vtpm, NULL);

    return rc ? be_lx_fail(lx, err, domid, "attaching the vTPM", rc) : 0;
}

int be_lx_vtpm_remove(struct be *be, uint32_t domid, int devid,
                      const libxl_uuid *uuid, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_vtpm vtpm;
    libxl_uuid u;
    int rc;

    libxl_device_vtpm_init(&vtpm);
    if (uuid) {
        libxl_uuid_copy(lx->ctx, &u, uuid);
        rc = libxl_uuid_to_device_vtpm(lx->ctx, domid, &u, &vtpm);
    } else {
        rc = libxl_devid_to_device_vtpm(lx->ctx, domid, devid, &vtpm);
    }
    if (rc) {
        libxl_device_vtpm_dispose(&vtpm);
        snprintf(err, XT_ERRLEN, "domain %u has no such vTPM", domid);
        be_lx_logger_clear(&lx->log);
        return -1;
    }
    rc = libxl_device_vtpm_remove(lx->ctx, domid, &vtpm, NULL);
    libxl_device_vtpm_dispose(&vtpm);
    return rc ? be_lx_fail(lx, err, domid, "detaching the vTPM", rc) : 0;
}

int be_lx_vtpm_list(struct be *be, uint32_t domid, libxl_vtpminfo **list_r,
                    int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_vtpm *v;
    libxl_vtpminfo *out;
    int n = 0, i, k = 0;

    *list_r = NULL;
    *n_r = 0;
    v = libxl_device_vtpm_list(lx->ctx, domid, &n);
    if (!v)
        return 0;
    out = calloc(n, sizeof(*out));
    for (i = 0; out && i < n; i++) {
        libxl_vtpminfo_init(&out[k]);
        if (!libxl_device_vtpm_getinfo(lx->ctx, domid, &v[i], &out[k]))
            k++;
    }
    libxl_device_vtpm_list_free(v, n);
    if (!out)
        return snprintf(err, XT_ERRLEN, "out of memory"), -1;
    *list_r = out;
    *n_r = k;
    return 0;
}

int be_lx_channel_list(struct be *be, uint32_t domid,
                       libxl_channelinfo **list_r, int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_channel *c;
    libxl_channelinfo *out;
    int n = 0, i, k = 0;

    *list_r = NULL;
    *n_r = 0;
    c = libxl_device_channel_list(lx->ctx, domid, &n);
    if (!c)
        return 0;
    out = calloc(n, sizeof(*out));
    for (i = 0; out && i < n; i++) {
        libxl_channelinfo_init(&out[k]);
        if (!libxl_device_channel_getinfo(lx->ctx, domid, &c[i], &out[k])) {
            out[k].devid = c[i].devid;
            out[k].connection = c[i].connection;
            k++;
        }
    }
    for (i = 0; i < n; i++)
        libxl_device_channel_dispose(&c[i]);
    free(c);
    if (!out)
        return snprintf(err, XT_ERRLEN, "out of memory"), -1;
    *list_r = out;
    *n_r = k;
    return 0;
}

int be_lx_usbctrl_add(struct be *be, uint32_t domid,
                      libxl_device_usbctrl *ctrl, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_device_usbctrl_add(lx->ctx, domid, ctrl, NULL);

    return rc ? be_lx_fail(lx, err, domid, "adding the USB controller", rc)
              : 0;
}

int be_lx_usbctrl_remove(struct be *be, uint32_t domid, int devid,
                         char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_usbctrl c;
    int rc;

    libxl_device_usbctrl_init(&c);
    rc = libxl_devid_to_device_usbctrl(lx->ctx, domid, devid, &c);
    if (rc) {
        libxl_device_usbctrl_dispose(&c);
        snprintf(err, XT_ERRLEN, "domain %u has no USB controller %d",
                 domid, devid);
        be_lx_logger_clear(&lx->log);
        return -1;
    }
    rc = libxl_device_usbctrl_remove(lx->ctx, domid, &c, NULL);
    libxl_device_usbctrl_dispose(&c);
    return rc ? be_lx_fail(lx, err, domid, "removing the USB controller",
                           rc) : 0;
}

int be_lx_usbdev_add(struct be *be, uint32_t domid,
                     libxl_device_usbdev *dev, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_device_usbdev_add(lx->ctx, domid, dev, NULL);

    return rc ? be_lx_fail(lx, err, domid, "attaching the USB device", rc)
              : 0;
}

int be_lx_usbdev_remove(struct be *be, uint32_t domid, int ctrl, int port,
                        char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_usbdev d;
    int rc;

    libxl_device_usbdev_init(&d);
    rc = libxl_ctrlport_to_device_usbdev(lx->ctx, domid, ctrl, port, &d);
    if (rc) {
        libxl_device_usbdev_dispose(&d);
        snprintf(err, XT_ERRLEN, "domain %u: no USB device at controller "
                 "%d port %d", domid, ctrl, port);
        be_lx_logger_clear(&lx->log);
        return -1;
    }
    rc = libxl_device_usbdev_remove(lx->ctx, domid, &d, NULL);
    libxl_device_usbdev_dispose(&d);
    return rc ? be_lx_fail(lx, err, domid, "detaching the USB device", rc)
              : 0;
}

/* One controller's info and what each of its ports holds. */
static void usb_ctrl_fill(struct be_lx *lx, uint32_t domid,
                          const libxl_usbctrlinfo *info, struct be_usbctrl *c)
{
    libxl_device_usbdev d;
    int p;

    c->devid = info->devid;
    c->type = info->type;
    c->backend_id = info->backend_id;
    c->state = info->state;
    c->version = info->version;
    c->ports = info->ports > BE_USB_PORTS ? BE_USB_PORTS : info->ports;
    for (p = 1; p <= c->ports; p++) {
        libxl_device_usbdev_init(&d);
        if (!libxl_ctrlport_to_device_usbdev(lx->ctx, domid, info->devid, p,
                                             &d)) {
            c->port[p].used = 1;
            c->port[p].bus = d.u.hostdev.hostbus;
            c->port[p].addr = d.u.hostdev.hostaddr;
        }
        libxl_device_usbdev_dispose(&d);
    }
}

int be_lx_usb_list(struct be *be, uint32_t domid, struct be_usbctrl **list_r,
                   int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_device_usbctrl *l;
    libxl_usbctrlinfo info;
    int n = 0, i, k = 0;

    *list_r = NULL;
    *n_r = 0;
    l = libxl_device_usbctrl_list(lx->ctx, domid, &n);
    if (!l)
        return 0;
    *list_r = calloc(n, sizeof(**list_r));
    for (i = 0; *list_r && i < n; i++) {
        libxl_usbctrlinfo_init(&info);
        if (!libxl_device_usbctrl_getinfo(lx->ctx, domid, &l[i], &info))
            usb_ctrl_fill(lx, domid, &info, &(*list_r)[k++]);
        libxl_usbctrlinfo_dispose(&info);
    }
    libxl_device_usbctrl_list_free(l, n);
    if (!*list_r)
        return snprintf(err, XT_ERRLEN, "out of memory"), -1;
    *n_r = k;
    return 0;
}
