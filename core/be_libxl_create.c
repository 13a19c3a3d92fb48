/*
 * be_libxl_create.c - the libxl backend's creation and migration
 * operations: create, receive (restore), send (save) and resume.
 *
 * A create or receive either leaves a running (or paused) domain with its
 * shutdown watcher, or nothing at all: every step after the domain exists
 * destroys it again when it fails, and the message says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "be_libxl.h"
#include "bridge.h"

/* A vif whose script is not a bridge script (vif-route, vif-nat) needs no
 * bridge; the default script, vif-bridge, does. */
static int nic_needs_bridge(const libxl_device_nic *nic)
{
    const char *base;

    if (!nic->script || !*nic->script)
        return 1;
    base = strrchr(nic->script, '/');
    base = base ? base + 1 : nic->script;
    return strstr(base, "bridge") != NULL;
}

static const char *cfg_name(const libxl_domain_config *d_config)
{
    return d_config->c_info.name ? d_config->c_info.name : "(unnamed)";
}

int be_lx_check_bridges(const libxl_domain_config *d_config, char *err)
{
    const libxl_device_nic *nic;
    char why[XT_ERRLEN / 2];
    const char *br;
    int i, r;

    for (i = 0; i < d_config->num_nics; i++) {
        nic = &d_config->nics[i];
        if (!nic_needs_bridge(nic))
            continue;
        br = nic->bridge && *nic->bridge ? nic->bridge : "xenbr0";
        r = bridge_exists(br, why, sizeof(why));
        if (r < 0) {
            snprintf(err, XT_ERRLEN, "%s: vif %d: %s", cfg_name(d_config),
                     i, why);
            return -1;
        }
        if (!r) {
            snprintf(err, XT_ERRLEN, "%s: vif %d: bridge '%s' does not "
                     "exist on this host (create it first, e.g. `xltool "
                     "bridge create %s`)", cfg_name(d_config), i, br, br);
            return -1;
        }
    }
    return 0;
}

/* Destroys what a failed create left behind and appends the outcome to
 * err, which already names the failing step. */
static void undo_create(struct be_lx *lx, uint32_t domid, char *err)
{
    size_t len = strlen(err);
    int rc;

    if (!libxl_domid_valid_guest(domid) ||
        libxl_domain_info(lx->ctx, NULL, domid) != 0)
        return;
    rc = libxl_domain_destroy(lx->ctx, domid, NULL);
    if (len + 1 >= XT_ERRLEN)
        return;
    if (rc)
        snprintf(err + len, XT_ERRLEN - len, "; the partly created domain "
                 "%u could not be destroyed (libxl error %d)", domid, rc);
    else
        snprintf(err + len, XT_ERRLEN - len, "; the partly created domain "
                 "%u was destroyed", domid);
}

/* What create and receive do once libxl has built the domain paused. */
static int finish_create(struct be_lx *lx, libxl_domain_config *d_config,
                         uint32_t domid, unsigned int flags, char *err)
{
    int rc;

    if (!(flags & BE_CREATE_PAUSED)) {
        rc = libxl_domain_unpause(lx->ctx, domid, NULL);
        if (rc)
            return be_lx_fail(lx, err, domid, "unpausing the new domain",
                              rc);
    }
    return be_lx_watch_spawn(lx, domid, d_config, err);
}

/*
 * extra is not used: libxl has no shared-writable disk mode, so a "w!"
 * disk is written to xenstore as mode "w" and Xen's block script refuses
 * an image another domain uses (the CLI warns; no BE_CAP_SHARED_DISKS).
 */
int be_lx_create(struct be *be, libxl_domain_config *d_config,
                 const struct cfg_extra *extra, unsigned int flags,
                 uint32_t *domid_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    uint32_t domid = INVALID_DOMID;
    char what[128];
    int rc;

    (void)extra;
    if (be_lx_check_bridges(d_config, err))
        return -1;
    be_lx_logger_clear(&lx->log);
    rc = libxl_domain_create_new(lx->ctx, d_config, &domid, NULL, NULL);
    if (rc) {
        snprintf(what, sizeof(what), "creating domain '%s'",
                 cfg_name(d_config));
        be_lx_fail(lx, err, INVALID_DOMID, what, rc);
        undo_create(lx, domid, err);
        return -1;
    }
    if (finish_create(lx, d_config, domid, flags, err)) {
        undo_create(lx, domid, err);
        return -1;
    }
    *domid_r = domid;
    return 0;
}

int be_lx_receive(struct be *be, libxl_domain_config *d_config, int fd,
                  unsigned int flags, uint32_t *domid_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_domain_restore_params params;
    uint32_t domid = INVALID_DOMID;
    char what[128];
    int rc = -1, lrc;

    libxl_domain_restore_params_init(&params);
    if (be_lx_check_bridges(d_config, err))
        goto out;
    /* Streams written by this libxl are always version 2, as xl marks
     * them with XL_MANDATORY_FLAG_STREAMv2. */
    params.stream_version = 2;
    params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
    be_lx_logger_clear(&lx->log);
    lrc = libxl_domain_create_restore(lx->ctx, d_config, &domid, fd, -1,
                                      &params, NULL, NULL);
    if (lrc) {
        snprintf(what, sizeof(what), "restoring domain '%s'",
                 cfg_name(d_config));
        be_lx_fail(lx, err, INVALID_DOMID, what, lrc);
        undo_create(lx, domid, err);
        goto out;
    }
    if (finish_create(lx, d_config, domid, flags, err)) {
        undo_create(lx, domid, err);
        goto out;
    }
    *domid_r = domid;
    rc = 0;
out:
    libxl_domain_restore_params_dispose(&params);
    return rc;
}

/* Gives the watcher back to a domain that runs again after a suspend: the
 * previous watcher ended when it saw the domain suspend. */
static int rewatch(struct be_lx *lx, uint32_t domid, char *err)
{
    libxl_domain_config d_config;
    int rc;

    libxl_domain_config_init(&d_config);
    rc = libxl_retrieve_domain_configuration(lx->ctx, domid, &d_config,
                                             NULL);
    if (rc)
        rc = be_lx_fail(lx, err, domid, "retrieving the configuration",
                        rc);
    else
        rc = be_lx_watch_spawn(lx, domid, &d_config, err);
    libxl_domain_config_dispose(&d_config);
    return rc;
}

int be_lx_send(struct be *be, uint32_t domid, int fd, unsigned int flags,
               be_progress_fn *progress, void *opaque, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    if (domid == 0) {
        snprintf(err, XT_ERRLEN, "domain 0: cannot save or migrate dom0");
        return -1;
    }
    be_lx_logger_clear(&lx->log);
    lx->log.progress = progress;
    lx->log.progress_opaque = opaque;
    rc = libxl_domain_suspend(lx->ctx, domid, fd,
                              (flags & BE_SEND_LIVE) ? LIBXL_SUSPEND_LIVE
                                                     : 0, NULL);
    lx->log.progress = NULL;
    lx->log.progress_opaque = NULL;
    if (rc)
        return be_lx_fail(lx, err, domid, "saving the domain", rc);
    if (progress) {
        struct be_progress p = {0};

        p.suspended = 1;
        progress(&p, opaque);
    }
    if (flags & BE_SEND_CHECKPOINT) {
        rc = libxl_domain_resume(lx->ctx, domid, 1, NULL);
        if (rc)
            return be_lx_fail(lx, err, domid,
                              "resuming the domain after the checkpoint",
                              rc);
        return rewatch(lx, domid, err);
    }
    return 0;
}

int be_lx_resume(struct be *be, uint32_t domid, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    be_lx_logger_clear(&lx->log);
    rc = libxl_domain_resume(lx->ctx, domid, 1, NULL);
    if (rc)
        return be_lx_fail(lx, err, domid, "resume", rc);
    return rewatch(lx, domid, err);
}
