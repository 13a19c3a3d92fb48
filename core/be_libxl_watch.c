/*
 * be_libxl_watch.c - the per-domain shutdown watcher of the libxl backend.
 *
 * Xen itself does nothing when a guest powers off, reboots or crashes: it
 * leaves a shut-down domain behind.  As xl does, create and restore start
 * a daemon that outlives the command, waits for the domain's shutdown
 * event and applies on_poweroff, on_reboot, on_crash, on_watchdog or
 * on_soft_reset (destroy, restart, rename-restart, preserve, core dump).
 * A suspend (save, migration) ends the watcher and leaves the domain to
 * whoever suspended it.  Its messages go to
 * /var/log/xen/xltool-NAME.log, never to the terminal.
 *
 * At most one watcher acts on a domain: each holds an flock on
 * /run/xltool/watch-DOMID.lock, and a new one waits for the old to go.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "be_libxl.h"
#include "cfg.h"

#define WATCH_DIR   "/run/xltool"
#define LOG_DIR     "/var/log/xen"
#define DUMP_DIR    "/var/lib/xen/dump"

enum watch_next { WATCH_DONE, WATCH_AGAIN, WATCH_ERROR };

libxl_action_on_shutdown be_lx_shutdown_action(const libxl_domain_config *c,
                                               int reason)
{
    switch (reason) {
    case LIBXL_SHUTDOWN_REASON_POWEROFF: return c->on_poweroff;
    case LIBXL_SHUTDOWN_REASON_REBOOT: return c->on_reboot;
    case LIBXL_SHUTDOWN_REASON_SUSPEND: return LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
    case LIBXL_SHUTDOWN_REASON_CRASH: return c->on_crash;
    case LIBXL_SHUTDOWN_REASON_WATCHDOG: return c->on_watchdog;
    case LIBXL_SHUTDOWN_REASON_SOFT_RESET: return c->on_soft_reset;
    default: break;
    }
    /* An unknown reason gets what xl gives it. */
    return LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
}

static void wlog(struct be_lx *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void wlog(struct be_lx *w, const char *fmt, ...)
{
    char stamp[32];
    struct tm tm;
    time_t now = time(NULL);
    va_list ap;

    if (w->log.fd < 0)
        return;
    if (!gmtime_r(&now, &tm) ||
        !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm))
        stamp[0] = '\0';
    dprintf(w->log.fd, "%s [%ld] ", stamp, (long)getpid());
    va_start(ap, fmt);
    vdprintf(w->log.fd, fmt, ap);
    va_end(ap);
    dprintf(w->log.fd, "\n");
}

/* Blocks until this process holds the domain's watcher lock. */
static int watch_lock(uint32_t domid, char *path, size_t len)
{
    int fd, r;

    if (mkdir(WATCH_DIR, 0700) && errno != EEXIST)
        return -1;
    if (snprintf(path, len, WATCH_DIR "/watch-%u.lock", domid) >= (int)len)
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    do
        r = flock(fd, LOCK_EX);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The config config-update left in the domain's "xl" userdata (as xl
 * does), parsed, with the domain's name and UUID; -1 when there is none
 * or it does not parse. */
static int updated_config(struct be_lx *w, uint32_t domid,
                          const libxl_domain_config *cur,
                          libxl_domain_config *fresh)
{
    struct cfg_globals g;
    struct cfg_diags d;
    uint8_t *data = NULL;
    int len = 0, rc = -1;

    cfg_globals_init(&g);
    cfg_diags_init(&d);
    if (libxl_userdata_retrieve(w->ctx, domid, "xl", &data, &len) || !len)
        goto out;
    cfg_globals_load(&g, NULL, &d);
    if (cfg_parse_data("config-update", (const char *)data, len, 0, NULL,
                       &g, fresh, NULL, &d)) {
        wlog(w, "domain %u: its updated config does not parse; using the "
             "one it runs with", domid);
        goto out;
    }
    free(fresh->c_info.name);
    fresh->c_info.name = strdup(cur->c_info.name ? cur->c_info.name : "");
    libxl_uuid_copy(w->ctx, &fresh->c_info.uuid, &cur->c_info.uuid);
    rc = fresh->c_info.name ? 0 : -1;
out:
    free(data);
    cfg_diags_dispose(&d);
    cfg_globals_dispose(&g);
    return rc;
}

/* Takes the domain's current configuration, as xl reloads it before a
 * restart (config-update's, when there is one); keeps the one it has if
 * libxl cannot give it. */
static void reload_config(struct be_lx *w, uint32_t domid,
                          libxl_domain_config *cfg)
{
    libxl_domain_config fresh;

    libxl_domain_config_init(&fresh);
    if (updated_config(w, domid, cfg, &fresh) == 0) {
        wlog(w, "domain %u: restarting with its updated config", domid);
        libxl_domain_config_dispose(cfg);
        *cfg = fresh;
        return;
    }
    libxl_domain_config_dispose(&fresh);
    libxl_domain_config_init(&fresh);
    if (libxl_retrieve_domain_configuration(w->ctx, domid, &fresh, NULL)) {
        wlog(w, "domain %u: cannot retrieve its configuration; using the "
             "one it was created with", domid);
        libxl_domain_config_dispose(&fresh);
        return;
    }
    libxl_domain_config_dispose(cfg);
    *cfg = fresh;
}

static void dump_core(struct be_lx *w, uint32_t domid,
                      const libxl_domain_config *cfg)
{
    char path[PATH_MAX];
    int rc;

    if (snprintf(path, sizeof(path), DUMP_DIR "/%s", cfg->c_info.name) >=
        (int)sizeof(path))
        return;
    mkdir(DUMP_DIR, 0700);
    wlog(w, "domain %u: dumping core to %s", domid, path);
    rc = libxl_domain_core_dump(w->ctx, domid, path, NULL);
    if (rc)
        wlog(w, "domain %u: core dump failed (libxl error %d)", domid, rc);
}

/* Keeps a copy of the dead domain under a new name, as xl's
 * rename-restart does. */
static int preserve(struct be_lx *w, uint32_t domid, libxl_domain_config *cfg)
{
    char suffix[24];
    libxl_uuid uuid;
    struct tm tm;
    time_t now = time(NULL);

    if (!gmtime_r(&now, &tm) ||
        !strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", &tm))
        return -1;
    libxl_uuid_generate(&uuid);
    wlog(w, "domain %u: preserving it as %s%s", domid, cfg->c_info.name,
         suffix);
    return libxl_domain_preserve(w->ctx, domid, &cfg->c_info, suffix, uuid);
}

static int recreate(struct be_lx *w, libxl_domain_config *cfg,
                    uint32_t *domid)
{
    uint32_t nd = INVALID_DOMID;
    int rc;

    /* xl waits two seconds here: re-creating at once sometimes fails. */
    sleep(2);
    rc = libxl_domain_create_new(w->ctx, cfg, &nd, NULL, NULL);
    if (!rc)
        rc = libxl_domain_unpause(w->ctx, nd, NULL);
    if (rc) {
        wlog(w, "restarting %s failed (libxl error %d)", cfg->c_info.name,
             rc);
        if (libxl_domid_valid_guest(nd))
            libxl_domain_destroy(w->ctx, nd, NULL);
        return -1;
    }
    wlog(w, "restarted %s as domain %u", cfg->c_info.name, nd);
    *domid = nd;
    return 0;
}

static enum watch_next on_shutdown(struct be_lx *w, uint32_t *domid,
                                   libxl_domain_config *cfg, int reason)
{
    libxl_action_on_shutdown a;

    if (reason == LIBXL_SHUTDOWN_REASON_SUSPEND) {
        wlog(w, "domain %u has suspended", *domid);
        return WATCH_DONE;
    }
    reload_config(w, *domid, cfg);
    a = be_lx_shutdown_action(cfg, reason);
    wlog(w, "domain %u shut down (reason %d): %s", *domid, reason,
         libxl_action_on_shutdown_to_string(a));
    if (a == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY ||
        a == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART) {
        dump_core(w, *domid, cfg);
        a = a == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY
            ? LIBXL_ACTION_ON_SHUTDOWN_DESTROY
            : LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    }
    switch (a) {
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
        return WATCH_DONE;
    case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
        if (libxl_domain_soft_reset(w->ctx, cfg, *domid, NULL, NULL))
            return WATCH_ERROR;
        return WATCH_AGAIN;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
        if (preserve(w, *domid, cfg))
            return WATCH_ERROR;
        return recreate(w, cfg, domid) ? WATCH_ERROR : WATCH_AGAIN;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
        libxl_domain_destroy(w->ctx, *domid, NULL);
        return recreate(w, cfg, domid) ? WATCH_ERROR : WATCH_AGAIN;
    default:
        libxl_domain_destroy(w->ctx, *domid, NULL);
        return WATCH_DONE;
    }
}

/* Waits for one domain's shutdown or death; *domid changes on restart. */
static enum watch_next watch_domain(struct be_lx *w, uint32_t *domid,
                                    libxl_domain_config *cfg)
{
    libxl_evgen_domain_death *deathw = NULL;
    libxl_event *ev = NULL;
    enum watch_next next = WATCH_ERROR;
    int rc, reason;

    rc = libxl_evenable_domain_death(w->ctx, *domid, 0, &deathw);
    if (rc)
        goto out;
    for (;;) {
        rc = libxl_event_wait(w->ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL);
        if (rc)
            goto out;
        if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH) {
            wlog(w, "domain %u has been destroyed", *domid);
            next = WATCH_DONE;
            goto out;
        }
        if (ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN)
            break;
        libxl_event_free(w->ctx, ev);
        ev = NULL;
    }
    reason = ev->u.domain_shutdown.shutdown_reason;
    libxl_event_free(w->ctx, ev);
    ev = NULL;
    libxl_evdisable_domain_death(w->ctx, deathw);
    deathw = NULL;
    /* Events about the old domain must not be taken for the new one. */
    while (!libxl_event_check(w->ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL)) {
        libxl_event_free(w->ctx, ev);
        ev = NULL;
    }
    next = on_shutdown(w, domid, cfg, reason);
out:
    if (ev)
        libxl_event_free(w->ctx, ev);
    if (deathw)
        libxl_evdisable_domain_death(w->ctx, deathw);
    if (next == WATCH_ERROR && rc)
        wlog(w, "domain %u: waiting for events failed (libxl error %d)",
             *domid, rc);
    return next;
}

static int watch_loop(struct be_lx *w, uint32_t domid,
                      libxl_domain_config *cfg)
{
    char lock[PATH_MAX];
    enum watch_next next = WATCH_AGAIN;
    int fd;

    while (next == WATCH_AGAIN) {
        fd = watch_lock(domid, lock, sizeof(lock));
        if (fd < 0) {
            wlog(w, "domain %u: cannot take %s: %s", domid, lock,
                 strerror(errno));
            return -1;
        }
        if (libxl_domain_info(w->ctx, NULL, domid)) {
            next = WATCH_DONE;
        } else {
            wlog(w, "watching domain %u (%s)", domid, cfg->c_info.name);
            next = watch_domain(w, &domid, cfg);
        }
        /* The lock file goes with the domain it was for. */
        if (next != WATCH_AGAIN || libxl_domain_info(w->ctx, NULL, domid))
            unlink(lock);
        close(fd);
    }
    return next == WATCH_DONE ? 0 : -1;
}

static int open_log(const char *name)
{
    char path[PATH_MAX];

    mkdir(LOG_DIR, 0750);
    if (snprintf(path, sizeof(path), LOG_DIR "/xltool-%s.log", name) >=
        (int)sizeof(path))
        return -1;
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/* Runs in the daemon: a fresh context, then the loop.  Never returns. */
static void watch_child(struct be_lx *parent, uint32_t domid,
                        const libxl_domain_config *d_config)
{
    static struct be_lx w;
    libxl_domain_config cfg;
    char err[XT_ERRLEN];
    int fd;

    libxl_postfork_child_noexec(parent->ctx);
    /* Nothing of the command's may stay open here: a migration socket
     * or a console held by the watcher would never see its end. */
    close_range(3, ~0U, 0);
    /* Nor may it keep the command's directory busy. */
    if (chdir("/"))
        _exit(1);
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    be_lx_logger_init(&w.log, XTL_ERROR,
                      open_log(d_config->c_info.name ? d_config->c_info.name
                                                     : "unnamed"));
    if (be_lx_ctx_open(&w, err)) {
        wlog(&w, "%s", err);
        _exit(1);
    }
    libxl_domain_config_init(&cfg);
    libxl_domain_config_copy(w.ctx, &cfg, d_config);
    _exit(watch_loop(&w, domid, &cfg) ? 1 : 0);
}

int be_lx_watch_spawn(struct be_lx *lx, uint32_t domid,
                      const libxl_domain_config *d_config, char *err)
{
    pid_t pid, gc;
    int status;

    pid = fork();
    if (pid < 0) {
        snprintf(err, XT_ERRLEN, "domain %u: cannot start its shutdown "
                 "watcher: %s", domid, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* The middle child makes the watcher an orphan in its own
         * session, so that it outlives the command and its terminal. */
        setsid();
        gc = fork();
        if (gc)
            _exit(gc < 0 ? 1 : 0);
        watch_child(lx, domid, d_config);
    }
    if (be_lx_wait_child(lx, pid, &status) || !WIFEXITED(status) ||
        WEXITSTATUS(status)) {
        snprintf(err, XT_ERRLEN, "domain %u: cannot start its shutdown "
                 "watcher", domid);
        return -1;
    }
    return 0;
}
