/*
 * be_libxl_pci.c - the libxl backend's PCI passthrough and CD-ROM media:
 * libxl_device_pci_* and libxl_cdrom_insert, as xl calls them.
 */
#include <stdio.h>
#include <string.h>

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
