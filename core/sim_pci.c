/*
 * sim_pci.c - PCI passthrough and CD-ROM media on the simulated host.
 *
 * The assignable devices are real devices of this machine (each must be
 * in /sys/bus/pci/devices), recorded in DIR/pci-assignable and never
 * touched: no driver is unbound, nothing is written to sysfs.  A device
 * is given to one domain at a time, in its config's pcidevs, where
 * pci-list and list -l see it.  CD-ROM media change an HVM guest's
 * cdrom disk in its config, and the guest says so on its console.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "sim_ops.h"

#define PCI_MAX 256

struct bdf {
    unsigned int seg, bus, dev, fn;
};

static void bdf_of(const libxl_device_pci *p, struct bdf *b)
{
    b->seg = p->domain;
    b->bus = p->bus;
    b->dev = p->dev;
    b->fn = p->func;
}

static int bdf_eq(const struct bdf *a, const struct bdf *b)
{
    return a->seg == b->seg && a->bus == b->bus && a->dev == b->dev &&
           a->fn == b->fn;
}

static void bdf_str(const struct bdf *b, char *buf, size_t len)
{
    snprintf(buf, len, "%04x:%02x:%02x.%01x", b->seg, b->bus, b->dev,
             b->fn);
}

static int list_path(const struct sim *s, char *buf, size_t len)
{
    return snprintf(buf, len, "%s/pci-assignable", s->dir) >= (int)len
           ? -1 : 0;
}

/* The assignable devices, in the order they were made so. */
static int load(const struct sim *s, struct bdf *l, int *n_r, char *err)
{
    char path[PATH_MAX], line[64];
    FILE *f;

    *n_r = 0;
    if (list_path(s, path, sizeof(path)))
        return sim_err(err, "state dir path too long"), -1;
    if (sim_read_open(path, &f, err))
        return -1;
    if (!f)
        return 0;
    while (*n_r < PCI_MAX && fgets(line, sizeof(line), f)) {
        struct bdf *b = &l[*n_r];
        if (sscanf(line, "%x:%x:%x.%x", &b->seg, &b->bus, &b->dev,
                   &b->fn) == 4)
            (*n_r)++;
    }
    fclose(f);
    return 0;
}

static int store(const struct sim *s, const struct bdf *l, int n, char *err)
{
    char path[PATH_MAX], text[PCI_MAX * 16] = "", one[20];
    int i;

    if (list_path(s, path, sizeof(path)))
        return sim_err(err, "state dir path too long"), -1;
    for (i = 0; i < n; i++) {
        bdf_str(&l[i], one, sizeof(one));
        strcat(text, one);
        strcat(text, "\n");
    }
    return sim_write_text(path, text, err);
}

static int find(const struct bdf *l, int n, const struct bdf *b)
{
    int i;

    for (i = 0; i < n; i++)
        if (bdf_eq(&l[i], b))
            return i;
    return -1;
}

/* The domain (other than skip) whose config has the device, or 0. */
static uint32_t holder(const struct sim *s, const struct bdf *b,
                       uint32_t skip)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];
    uint32_t *ids = NULL, found = 0;
    struct bdf x;
    int n = 0, i, k;

    if (sim_domids(s, &ids, &n, err))
        return 0;
    for (i = 0; i < n && !found; i++) {
        if (ids[i] == skip)
            continue;
        libxl_domain_config_init(&c);
        if (sim_config_load(s, ids[i], &c, err) == 0)
            for (k = 0; k < c.num_pcidevs && !found; k++) {
                bdf_of(&c.pcidevs[k], &x);
                if (bdf_eq(&x, b))
                    found = ids[i];
            }
        libxl_domain_config_dispose(&c);
    }
    free(ids);
    return found;
}

int sim_pci_assignable_list(struct be *be, libxl_device_pci **list_r,
                            int *n_r, char *err)
{
    struct bdf l[PCI_MAX];
    libxl_device_pci *out;
    int n, i;

    if (load((struct sim *)be, l, &n, err))
        return -1;
    out = calloc(n ? n : 1, sizeof(*out));
    if (!out)
        return sim_err(err, "out of memory"), -1;
    for (i = 0; i < n; i++) {
        libxl_device_pci_init(&out[i]);
        out[i].domain = l[i].seg;
        out[i].bus = l[i].bus;
        out[i].dev = l[i].dev;
        out[i].func = l[i].fn;
    }
    *list_r = out;
    *n_r = n;
    return 0;
}

int sim_pci_assignable_add(struct be *be, libxl_device_pci *pci, int rebind,
                           char *err)
{
    struct sim *s = (struct sim *)be;
    char name[20], path[64];
    struct bdf l[PCI_MAX], b;
    int n, lk = -1, rc = -1;

    (void)rebind;      /* the device keeps its driver: it is not moved */
    bdf_of(pci, &b);
    bdf_str(&b, name, sizeof(name));
    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", name);
    if (access(path, F_OK))
        return sim_err(err, "no PCI device %s on this host", name), -1;
    if (sim_lock(s, &lk, err) || load(s, l, &n, err))
        goto out;
    if (find(l, n, &b) >= 0) {
        sim_err(err, "PCI device %s is already assignable", name);
        goto out;
    }
    if (n == PCI_MAX) {
        sim_err(err, "too many assignable devices");
        goto out;
    }
    l[n++] = b;
    rc = store(s, l, n, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_pci_assignable_remove(struct be *be, libxl_device_pci *pci,
                              int rebind, char *err)
{
    struct sim *s = (struct sim *)be;
    struct bdf l[PCI_MAX], b;
    char name[20];
    uint32_t dom;
    int n, i, lk = -1, rc = -1;

    (void)rebind;
    bdf_of(pci, &b);
    bdf_str(&b, name, sizeof(name));
    if (sim_lock(s, &lk, err) || load(s, l, &n, err))
        goto out;
    if ((i = find(l, n, &b)) < 0) {
        sim_err(err, "PCI device %s is not assignable", name);
        goto out;
    }
    if ((dom = holder(s, &b, 0))) {
        sim_err(err, "PCI device %s is attached to domain %u", name, dom);
        goto out;
    }
    memmove(&l[i], &l[i + 1], (n - i - 1) * sizeof(*l));
    rc = store(s, l, n - 1, err);
out:
    sim_unlock(lk);
    return rc;
}

/* Attaching under the lock: assignable, held by no other domain, not
 * there twice; it gets the next free virtual slot. */
static int pci_add_fn(struct sim *s, libxl_domain_config *c,
                      struct sim_dom *d, void *arg, char *err)
{
    const libxl_device_pci *pci = arg;
    struct bdf l[PCI_MAX], b, x;
    libxl_device_pci *nl;
    uint32_t dom, slot = 0;
    char name[20];
    int n, k;

    bdf_of(pci, &b);
    bdf_str(&b, name, sizeof(name));
    if (load(s, l, &n, err))
        return -1;
    if (find(l, n, &b) < 0)
        return sim_err(err, "PCI device %s is not assignable "
                       "(pci-assignable-add it first)", name), -1;
    if ((dom = holder(s, &b, d->domid)))
        return sim_err(err, "PCI device %s is attached to domain %u", name,
                       dom), -1;
    for (k = 0; k < c->num_pcidevs; k++) {
        bdf_of(&c->pcidevs[k], &x);
        if (bdf_eq(&x, &b))
            return sim_err(err, "domain %s already has PCI device %s",
                           d->name, name), -1;
        if ((c->pcidevs[k].vdevfn >> 3) >= slot)
            slot = (c->pcidevs[k].vdevfn >> 3) + 1;
    }
    nl = realloc(c->pcidevs, (c->num_pcidevs + 1) * sizeof(*nl));
    if (!nl)
        return sim_err(err, "out of memory"), -1;
    c->pcidevs = nl;
    libxl_device_pci_init(&nl[c->num_pcidevs]);
    nl[c->num_pcidevs].domain = b.seg;
    nl[c->num_pcidevs].bus = b.bus;
    nl[c->num_pcidevs].dev = b.dev;
    nl[c->num_pcidevs].func = b.fn;
    nl[c->num_pcidevs].vdevfn = pci->vdevfn ? pci->vdevfn : slot << 3;
    c->num_pcidevs++;
    return 0;
}

int sim_pci_add(struct be *be, uint32_t domid, libxl_device_pci *pci,
                char *err)
{
    struct sim *s = (struct sim *)be;
    char req[64], name[20], ignored[XT_ERRLEN];
    struct bdf b;

    if (sim_with_config(s, domid, pci_add_fn, pci, err))
        return -1;
    bdf_of(pci, &b);
    bdf_str(&b, name, sizeof(name));
    snprintf(req, sizeof(req), "note pcifront: device %s attached", name);
    sim_ctl(s, domid, req, ignored);
    return 0;
}

static int pci_rm_fn(struct sim *s, libxl_domain_config *c,
                     struct sim_dom *d, void *arg, char *err)
{
    struct bdf b, x;
    char name[20];
    int k;

    (void)s;
    bdf_of(arg, &b);
    bdf_str(&b, name, sizeof(name));
    for (k = 0; k < c->num_pcidevs; k++) {
        bdf_of(&c->pcidevs[k], &x);
        if (bdf_eq(&x, &b))
            break;
    }
    if (k == c->num_pcidevs)
        return sim_err(err, "domain %s has no PCI device %s", d->name,
                       name), -1;
    libxl_device_pci_dispose(&c->pcidevs[k]);
    memmove(&c->pcidevs[k], &c->pcidevs[k + 1],
            (c->num_pcidevs - k - 1) * sizeof(*c->pcidevs));
    c->num_pcidevs--;
    return 0;
}

/* The simulated guest lets go of a device at once: force changes
 * nothing. */
int sim_pci_remove(struct be *be, uint32_t domid, libxl_device_pci *pci,
                   int force, char *err)
{
    struct sim *s = (struct sim *)be;
    char req[64], name[20], ignored[XT_ERRLEN];
    struct bdf b;

    (void)force;
    if (sim_with_config(s, domid, pci_rm_fn, pci, err))
        return -1;
    bdf_of(pci, &b);
    bdf_str(&b, name, sizeof(name));
    snprintf(req, sizeof(req), "note pcifront: device %s detached", name);
    sim_ctl(s, domid, req, ignored);
    return 0;
}

int sim_pci_list(struct be *be, uint32_t domid, libxl_device_pci **list_r,
                 int *n_r, char *err)
{
    libxl_domain_config c;
    libxl_device_pci *out;
    int i;

    *list_r = NULL;
    *n_r = 0;
    if (domid == 0)
        return 0;
    libxl_domain_config_init(&c);
    if (sim_config_load((struct sim *)be, domid, &c, err)) {
        libxl_domain_config_dispose(&c);
        return -1;
    }
    out = calloc(c.num_pcidevs ? c.num_pcidevs : 1, sizeof(*out));
    for (i = 0; out && i < c.num_pcidevs; i++) {
        libxl_device_pci_init(&out[i]);
        out[i].domain = c.pcidevs[i].domain;
        out[i].bus = c.pcidevs[i].bus;
        out[i].dev = c.pcidevs[i].dev;
        out[i].func = c.pcidevs[i].func;
        out[i].vdevfn = c.pcidevs[i].vdevfn;
    }
    if (out) {
        *list_r = out;
        *n_r = c.num_pcidevs;
    }
    libxl_domain_config_dispose(&c);
    return out ? 0 : (sim_err(err, "out of memory"), -1);
}

/* As libxl: HVM guests only, into a drive that is a CD-ROM. */
static int cdrom_fn(struct sim *s, libxl_domain_config *c,
                    struct sim_dom *d, void *arg, char *err)
{
    const libxl_device_disk *disk = arg;
    const char *target = disk->pdev_path && *disk->pdev_path
                         ? disk->pdev_path : NULL;
    char *copy = NULL;
    int k;

    (void)s;
    if (d->type != LIBXL_DOMAIN_TYPE_HVM)
        return sim_err(err, "domain %s: cd-insert needs an HVM guest",
                       d->name), -1;
    for (k = 0; k < c->num_disks; k++)
        if (c->disks[k].vdev && !strcmp(c->disks[k].vdev, disk->vdev))
            break;
    if (k == c->num_disks || !c->disks[k].is_cdrom)
        return sim_err(err, "domain %s has no CD-ROM drive %s", d->name,
                       disk->vdev), -1;
    if (target && access(target, R_OK))
        return sim_err(err, "%s: %s", target, strerror(errno)), -1;
    if (target && !(copy = strdup(target)))
        return sim_err(err, "out of memory"), -1;
    free(c->disks[k].pdev_path);
    c->disks[k].pdev_path = copy;
    if (target) {
        c->disks[k].format = LIBXL_DISK_FORMAT_RAW;
        c->disks[k].backend = LIBXL_DISK_BACKEND_QDISK;
    } else {
        c->disks[k].format = LIBXL_DISK_FORMAT_EMPTY;
    }
    return 0;
}

int sim_cdrom_insert(struct be *be, uint32_t domid, libxl_device_disk *disk,
                     char *err)
{
    struct sim *s = (struct sim *)be;
    char req[PATH_MAX + 64], ignored[XT_ERRLEN];

    if (!disk->vdev)
        return sim_err(err, "no virtual device given"), -1;
    if (sim_with_config(s, domid, cdrom_fn, disk, err))
        return -1;
    if (disk->pdev_path && *disk->pdev_path)
        snprintf(req, sizeof(req), "note cdrom %s: media changed: %s",
                 disk->vdev, disk->pdev_path);
    else
        snprintf(req, sizeof(req), "note cdrom %s: media ejected",
                 disk->vdev);
    sim_ctl(s, domid, req, ignored);
    return 0;
}
