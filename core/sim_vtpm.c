/*
 * sim_vtpm.c - vTPMs and channels of simulated domains.  A vTPM is
 * served by a vTPM domain (its backend), which must be another running
 * domain of this host: Domain-0 serves none, as on a Xen host without
 * vtpm-stubdom.  The vTPMs live in DIR/dom/ID/vtpms, one
 * "DEVID BACKEND-DOMID UUID" line each, changed under the state dir's
 * lock.  A simulated domain has no channels (its config cannot declare
 * any), so its channel list is empty.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "sim.h"
#include "sim_ops.h"

#define VTPM_MAX 16

struct vtpm {
    int devid;
    uint32_t be;
    libxl_uuid uuid;
};

static int load(const struct sim *s, uint32_t domid, struct vtpm *l,
                int *n_r, char *err)
{
    char path[PATH_MAX], line[128], uuid[40];
    FILE *f;

    *n_r = 0;
    if (sim_path(s, domid, "vtpms", path, sizeof(path), err))
        return -1;
    if (sim_read_open(path, &f, err))
        return -1;
    if (!f)
        return 0;
    while (*n_r < VTPM_MAX && fgets(line, sizeof(line), f)) {
        struct vtpm *v = &l[*n_r];
        if (sscanf(line, "%d %u %39s", &v->devid, &v->be, uuid) == 3 &&
            !libxl_uuid_from_string(&v->uuid, uuid))
            (*n_r)++;
    }
    fclose(f);
    return 0;
}

static int store(const struct sim *s, uint32_t domid, const struct vtpm *l,
                 int n, char *err)
{
    char path[PATH_MAX], text[VTPM_MAX * 64] = "", one[64];
    int i;

    if (sim_path(s, domid, "vtpms", path, sizeof(path), err))
        return -1;
    for (i = 0; i < n; i++) {
        snprintf(one, sizeof(one), "%d %u " LIBXL_UUID_FMT "\n", l[i].devid,
                 l[i].be, LIBXL_UUID_BYTES(l[i].uuid));
        strcat(text, one);
    }
    return sim_write_text(path, text, err);
}

/* The serving domain: named, running, not Domain-0, not the guest. */
static int backend_of(struct sim *s, const libxl_device_vtpm *v,
                      const struct sim_dom *d, uint32_t *be_r, char *err)
{
    struct sim_dom b;

    if (v->backend_domname) {
        if (sim_find_name(s, v->backend_domname, be_r))
            return sim_err(err, "backend domain %s does not exist",
                           v->backend_domname), -1;
    } else {
        *be_r = v->backend_domid;
    }
    if (*be_r == 0)
        return sim_err(err, "domain %s: Domain-0 serves no vTPM: give "
                       "backend=<vTPM domain>", d->name), -1;
    if (*be_r == d->domid)
        return sim_err(err, "domain %s cannot serve its own vTPM", d->name),
               -1;
    if (sim_running(s, *be_r, &b, err))
        return -1;
    return 0;
}

int sim_vtpm_add(struct be *be, uint32_t domid, libxl_device_vtpm *vtpm,
                 char *err)
{
    struct sim *s = (struct sim *)be;
    struct vtpm l[VTPM_MAX];
    struct sim_dom d;
    uint32_t beid;
    int n, i, devid = 0, lk = -1, rc = -1;

    if (sim_lock(s, &lk, err) || sim_running(s, domid, &d, err) ||
        backend_of(s, vtpm, &d, &beid, err) || load(s, domid, l, &n, err))
        goto out;
    if (n == VTPM_MAX) {
        sim_err(err, "domain %s has %d vTPMs already", d.name, n);
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (!libxl_uuid_is_nil(&vtpm->uuid) &&
            !libxl_uuid_compare(&l[i].uuid, &vtpm->uuid)) {
            sim_err(err, "domain %s has a vTPM with that uuid", d.name);
            goto out;
        }
        if (l[i].devid >= devid)
            devid = l[i].devid + 1;
    }
    l[n].devid = devid;
    l[n].be = beid;
    if (libxl_uuid_is_nil(&vtpm->uuid))
        libxl_uuid_generate(&l[n].uuid);
    else
        libxl_uuid_copy(NULL, &l[n].uuid, &vtpm->uuid);
    rc = store(s, domid, l, n + 1, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_vtpm_remove(struct be *be, uint32_t domid, int devid,
                    const libxl_uuid *uuid, char *err)
{
    struct sim *s = (struct sim *)be;
    struct vtpm l[VTPM_MAX];
    struct sim_dom d;
    int n, i, lk = -1, rc = -1;

    if (sim_lock(s, &lk, err) || sim_info_read(s, domid, &d, err) ||
        load(s, domid, l, &n, err))
        goto out;
    for (i = 0; i < n; i++)
        if (uuid ? !libxl_uuid_compare(&l[i].uuid, uuid)
                 : l[i].devid == devid)
            break;
    if (i == n) {
        sim_err(err, "domain %s has no such vTPM", d.name);
        goto out;
    }
    memmove(&l[i], &l[i + 1], (n - i - 1) * sizeof(*l));
    rc = store(s, domid, l, n - 1, err);
out:
    sim_unlock(lk);
    return rc;
}

int sim_vtpm_list(struct be *be, uint32_t domid, libxl_vtpminfo **list_r,
                  int *n_r, char *err)
{
    struct sim *s = (struct sim *)be;
    struct vtpm l[VTPM_MAX];
    libxl_vtpminfo *out;
    struct sim_dom d;
    int n, i;

    if (sim_info_read(s, domid, &d, err) || load(s, domid, l, &n, err))
        return -1;
    out = calloc(n ? n : 1, sizeof(*out));
    if (!out)
        return sim_err(err, "out of memory"), -1;
    for (i = 0; i < n; i++) {
        libxl_vtpminfo_init(&out[i]);
        out[i].devid = l[i].devid;
        out[i].backend_id = l[i].be;
        out[i].frontend_id = domid;
        out[i].state = 4;
        out[i].evtch = 30 + i;
        out[i].rref = 1024 + i;
        libxl_uuid_copy(NULL, &out[i].uuid, &l[i].uuid);
        if (asprintf(&out[i].backend, "/local/domain/%u/backend/vtpm/%u/%d",
                     l[i].be, domid, l[i].devid) < 0)
            out[i].backend = NULL;
    }
    *list_r = out;
    *n_r = n;
    return 0;
}

int sim_channel_list(struct be *be, uint32_t domid,
                     libxl_channelinfo **list_r, int *n_r, char *err)
{
    struct sim_dom d;

    *list_r = NULL;
    *n_r = 0;
    return domid ? sim_info_read((struct sim *)be, domid, &d, err) : 0;
}
