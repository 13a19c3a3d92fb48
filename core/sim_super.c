/*
 * sim_super.c - starting a simulated domain and watching over it.
 *
 * sim_launch (in the creating command) forks a supervisor that leaves the
 * command's session and outlives it.  The supervisor forks the guest,
 * records both pids in the domain record, and tells the creating command
 * "started" (or why not) over a pipe.  When the guest stops it applies
 * the config's on_poweroff/on_reboot/on_crash/on_soft_reset action as
 * xl's per-domain daemon does: destroy, restart (a new domid, fresh
 * memory), preserve, rename-restart, coredump-destroy, coredump-restart
 * or soft-reset (the same domid and memory, a new boot; HVM guests only,
 * as in libxl: another guest is destroyed, as xl does when libxl
 * refuses).  A guest killed by a signal counts as crashed.
 *
 * The supervisor holds the domain's disk images open (and so their
 * locks) for as long as the domain exists; destroy kills it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "savefile.h"
#include "sim.h"

enum next { NEXT_EXIT, NEXT_STAY, NEXT_RESTART, NEXT_SOFT_RESET };

struct super {
    struct sim *s;
    libxl_domain_config *c;
    uint32_t domid;
    int restored, paused;
    int soft_reset;                /* the guest asked for it: keep memory */
    int report_fd;                 /* to the creating command; -1 after */
    int *fds, nfds;                /* the disk images the domain holds */
    struct cfg_extra x;            /* what the config says beyond c */
};

static void report(struct super *sp, const char *msg)
{
    if (sp->report_fd < 0)
        return;
    if (core_write_full(sp->report_fd, msg, strlen(msg) + 1)) {
        /* The creating command died; the domain goes on. */
    }
    close(sp->report_fd);
    sp->report_fd = -1;
}

/* Records the freshly started guest in the domain record. */
static int record_started(struct super *sp, pid_t pid, char *err)
{
    struct sim_proc me, gp;
    struct sim_dom d;
    int lk = -1, rc = -1;

    if (sim_proc_read(getpid(), &me) || sim_proc_read(pid, &gp)) {
        sim_err(err, "cannot read process facts");
        return -1;
    }
    if (sim_lock(sp->s, &lk, err))
        return -1;
    if (sim_info_read(sp->s, sp->domid, &d, err))
        goto out;
    d.pid = pid;
    d.pid_start = gp.start;
    d.spid = getpid();
    d.spid_start = me.start;
    d.life = SIM_RUNNING;
    d.paused = sp->paused;
    d.suspended = 0;
    d.start_time = (uint64_t)time(NULL);
    rc = sim_info_write(sp->s, &d, err);
out:
    sim_unlock(lk);
    return rc;
}

/* Forks the guest and waits until it is ready; returns its pid. */
static pid_t start_guest(struct super *sp, char *err)
{
    int ready[2] = {-1, -1}, go[2] = {-1, -1};
    struct sim_guest_args a;
    char msg[XT_ERRLEN];
    ssize_t n;
    pid_t pid = -1;

    if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
        sim_err(err, "pipe: %s", strerror(errno));
        goto out;
    }
    pid = fork();
    if (pid == 0) {
        if (sp->report_fd >= 0)
            close(sp->report_fd);
        close(ready[0]);
        close(go[1]);
        a = (struct sim_guest_args){sp->s, sp->domid, sp->c, sp->restored,
                                    sp->soft_reset, ready[1], go[0]};
        prctl(PR_SET_NAME, "xltool-guest", 0, 0, 0);
        sim_guest_main(&a);
    }
    if (pid < 0) {
        sim_err(err, "fork: %s", strerror(errno));
        goto out;
    }
    close(ready[1]);
    ready[1] = -1;
    n = read(ready[0], msg, sizeof(msg) - 1);
    if (n != 1 || msg[0]) {
        msg[n > 0 ? n : 0] = '\0';
        sim_err(err, "domain %s: %s", sp->c->c_info.name,
                 n > 0 ? msg : "the guest did not start");
        waitpid(pid, NULL, 0);
        pid = -1;
        goto out;
    }
    if (record_started(sp, pid, err)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        pid = -1;
        goto out;
    }
    if (sp->paused)
        kill(pid, SIGSTOP);
    if (core_write_full(go[1], "g", 1)) {
        sim_err(err, "the guest went away while starting");
        pid = -1;
    }
out:
    if (ready[0] >= 0) close(ready[0]);
    if (ready[1] >= 0) close(ready[1]);
    if (go[0] >= 0) close(go[0]);
    if (go[1] >= 0) close(go[1]);
    return pid;
}

static int reason_of(int status)
{
    if (WIFEXITED(status)) {
        switch (WEXITSTATUS(status)) {
        case SIM_EXIT_POWEROFF: return LIBXL_SHUTDOWN_REASON_POWEROFF;
        case SIM_EXIT_REBOOT: return LIBXL_SHUTDOWN_REASON_REBOOT;
        case SIM_EXIT_SOFT_RESET: return LIBXL_SHUTDOWN_REASON_SOFT_RESET;
        }
    }
    return LIBXL_SHUTDOWN_REASON_CRASH;
}

static libxl_action_on_shutdown action_of(libxl_domain_config *c,
                                          int reason)
{
    libxl_action_on_shutdown a;

    switch (reason) {
    case LIBXL_SHUTDOWN_REASON_POWEROFF:
        a = c->on_poweroff;
        return a ? a : LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    case LIBXL_SHUTDOWN_REASON_REBOOT:
        a = c->on_reboot;
        return a ? a : LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
        a = c->on_soft_reset;
        return a ? a : LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    default:
        a = c->on_crash;
        return a ? a : LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    }
}

/* A config from config-update sizes the restarted domain as create
 * sizes a new one: its memory (the files are resized) and vcpus. */
static void adopt_sizes(struct super *sp, struct sim_dom *d)
{
    const libxl_domain_build_info *b = &sp->c->b_info;
    char path[PATH_MAX], err[XT_ERRLEN];
    unsigned int n = libxl_bitmap_count_set(&b->avail_vcpus);

    d->max_kb = b->max_memkb;
    d->target_kb = b->target_memkb;
    d->mem_kb = (b->max_memkb + 3) / 4 * 4;
    d->vcpus_max = b->max_vcpus > SIM_MAX_VCPUS ? SIM_MAX_VCPUS
                                                : b->max_vcpus;
    d->vcpus_online = n && n <= d->vcpus_max ? n : d->vcpus_max;
    if (sim_path(sp->s, sp->domid, "mem", path, sizeof(path), err) == 0 &&
        truncate(path, (off_t)d->mem_kb * 1024) < 0)
        sim_log(sp->s, "domain %u: cannot resize its memory", d->domid);
    if (sim_path(sp->s, sp->domid, "dirty", path, sizeof(path), err) == 0 &&
        truncate(path, (off_t)((d->mem_kb / 4 + 63) / 64 * 8)) < 0)
        sim_log(sp->s, "domain %u: cannot resize its dirty map", d->domid);
}

static void wipe_memory(struct super *sp)
{
    static const char *const files[] = {"mem", "dirty"};
    char path[PATH_MAX], err[XT_ERRLEN];
    struct stat st;
    int i;

    for (i = 0; i < 2; i++) {
        if (sim_path(sp->s, sp->domid, files[i], path, sizeof(path), err) ||
            stat(path, &st) < 0)
            continue;
        if (truncate(path, 0) < 0 || truncate(path, st.st_size) < 0) {
            /* A failed wipe leaves old contents: the guest reboots on
             * them, which a real guest also survives. */
        }
    }
}

/* Gives the domain a new domid (as xl's restart does): moves its dir. */
static int renumber(struct super *sp, struct sim_dom *d, char *err)
{
    char from[PATH_MAX], to[PATH_MAX];
    uint32_t id;

    if (sim_alloc_domid(sp->s, &id, err) ||
        sim_path(sp->s, sp->domid, NULL, from, sizeof(from), err) ||
        sim_path(sp->s, id, NULL, to, sizeof(to), err))
        return -1;
    if (rmdir(to) < 0 || rename(from, to) < 0) {
        sim_err(err, "cannot move %s to %s: %s", from, to,
                 strerror(errno));
        return -1;
    }
    sim_log(sp->s, "domain %u (%s) restarted as domain %u", sp->domid,
            d->name, id);
    sp->domid = d->domid = id;
    d->pid = 0;
    return sim_info_write(sp->s, d, err);
}

/* The renamed, preserved copy of rename-restart, and its fresh twin. */
static int rename_restart(struct super *sp, struct sim_dom *d, char *err)
{
    char suffix[32], path[PATH_MAX], name[SIM_NAME_MAX];
    struct tm tm;
    time_t now = time(NULL);
    libxl_uuid u;
    struct sim_dom nd = *d;
    int fd;

    gmtime_r(&now, &tm);
    strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", &tm);
    if (snprintf(name, sizeof(name), "%s%s", d->name, suffix) >=
        (int)sizeof(name))
        return sim_err(err, "name too long"), -1;
    memcpy(d->name, name, sizeof(name));
    libxl_uuid_generate(&u);
    snprintf(d->uuid, sizeof(d->uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(u));
    d->pid = d->spid = 0;
    if (sim_info_write(sp->s, d, err) ||
        sim_alloc_domid(sp->s, &nd.domid, err))
        return -1;
    sp->domid = nd.domid;
    if (sim_info_write(sp->s, &nd, err) ||
        sim_config_store(sp->s, nd.domid, sp->c, err) ||
        sim_extra_store(sp->s, nd.domid, &sp->x, err))
        return -1;
    if (sim_path(sp->s, nd.domid, "mem", path, sizeof(path), err))
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)nd.mem_kb * 1024) < 0)
        goto fail;
    close(fd);
    if (sim_path(sp->s, nd.domid, "dirty", path, sizeof(path), err))
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)((nd.mem_kb / 4 + 63) / 64 * 8)) < 0)
        goto fail;
    close(fd);
    return 0;
fail:
    sim_err(err, "cannot create %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

/* The config as hot-plugs and mem-set left it, with its extra; or the
 * one config-update left for this restart, which takes its place. */
static int reload_config(struct super *sp)
{
    libxl_domain_config nc;
    struct cfg_extra nx;
    char err[XT_ERRLEN], upd[PATH_MAX], cur[PATH_MAX];
    int updated = 0;

    if (sim_path(sp->s, sp->domid, "update.json", upd, sizeof(upd), err) ==
            0 &&
        sim_path(sp->s, sp->domid, "config.json", cur, sizeof(cur), err) ==
            0 &&
        rename(upd, cur) == 0) {
        sim_log(sp->s, "domain %u: restarting with the updated config",
                sp->domid);
        updated = 1;
    }
    libxl_domain_config_init(&nc);
    if (sim_config_load(sp->s, sp->domid, &nc, err) == 0 &&
        sim_extra_load(sp->s, sp->domid, &nx, err) == 0) {
        libxl_domain_config_dispose(sp->c);
        *sp->c = nc;
        cfg_extra_dispose(&sp->x);
        sp->x = nx;
    } else {
        libxl_domain_config_dispose(&nc);
        updated = 0;
    }
    return updated;
}

static enum next apply(struct super *sp, struct sim_dom *d,
                       libxl_action_on_shutdown act, char *err)
{
    char path[PATH_MAX];

    if (act == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY ||
        act == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART) {
        snprintf(path, sizeof(path), "%s/dump", sp->s->dir);
        mkdir(path, 0700);
        snprintf(path, sizeof(path), "%s/dump/%s", sp->s->dir, d->name);
        if (sim_dump_core(sp->s, d->domid, path, err))
            sim_log(sp->s, "core dump of %s failed: %s", d->name, err);
        else
            sim_log(sp->s, "dumped core of %s to %s", d->name, path);
        act = act == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY ?
              LIBXL_ACTION_ON_SHUTDOWN_DESTROY :
              LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    }
    switch (act) {
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
        d->life = SIM_SHUTDOWN;
        d->pid = 0;
        return sim_info_write(sp->s, d, err) ? NEXT_EXIT : NEXT_STAY;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
        if (reload_config(sp))
            adopt_sizes(sp, d);
        wipe_memory(sp);
        return renumber(sp, d, err) ? NEXT_EXIT : NEXT_RESTART;
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
        reload_config(sp);
        return rename_restart(sp, d, err) ? NEXT_EXIT : NEXT_RESTART;
    case LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET:
        /* libxl does it for HVM guests only; xl then destroys. */
        if (sp->c->c_info.type != LIBXL_DOMAIN_TYPE_HVM) {
            sim_log(sp->s, "domain %u (%s): soft reset is only supported "
                    "for HVM guests: destroyed", d->domid, d->name);
            sim_remove_dom(sp->s, d->domid);
            return NEXT_EXIT;
        }
        reload_config(sp);
        return NEXT_SOFT_RESET;
    default:
        sim_log(sp->s, "domain %u (%s) destroyed", d->domid, d->name);
        sim_remove_dom(sp->s, d->domid);
        return NEXT_EXIT;
    }
}

static enum next guest_stopped(struct super *sp, int status)
{
    char err[XT_ERRLEN];
    struct sim_dom d;
    libxl_action_on_shutdown act;
    enum next nx = NEXT_EXIT;
    int lk = -1, reason = reason_of(status);

    if (sim_lock(sp->s, &lk, err))
        return NEXT_EXIT;
    /* A destroy in progress owns the domain now. */
    if (sim_info_read(sp->s, sp->domid, &d, err) || d.life == SIM_DYING)
        goto out;
    d.reason = reason;
    act = action_of(sp->c, reason);
    sim_log(sp->s, "domain %u (%s) shut down (guest %s %d), reason %s: %s",
            d.domid, d.name, WIFSIGNALED(status) ? "killed by signal" :
            "exit status", WIFSIGNALED(status) ? WTERMSIG(status) :
            WEXITSTATUS(status), libxl_shutdown_reason_to_string(reason),
            libxl_action_on_shutdown_to_string(act));
    nx = apply(sp, &d, act, err);
out:
    sim_unlock(lk);
    return nx;
}

/* A restart that could not start the guest leaves a crashed domain. */
static void mark_crashed(struct super *sp)
{
    char err[XT_ERRLEN];
    struct sim_dom d;
    int lk = -1;

    if (sim_lock(sp->s, &lk, err))
        return;
    if (sim_info_read(sp->s, sp->domid, &d, err) == 0 &&
        d.life != SIM_DYING) {
        d.life = SIM_SHUTDOWN;
        d.reason = LIBXL_SHUTDOWN_REASON_CRASH;
        d.pid = 0;
        sim_info_write(sp->s, &d, err);
    }
    sim_unlock(lk);
}

/*
 * A restarted domain opens its disk images again from its (reloaded)
 * config: the old guest, which held the hot-plugged ones, is gone.
 */
static int reopen_disks(struct super *sp)
{
    char err[XT_ERRLEN];

    sim_fds_close(sp->fds, sp->nfds);
    sp->fds = NULL;
    sp->nfds = 0;
    if (sim_disks_open(sp->c, &sp->x, &sp->fds, NULL, &sp->nfds, err) == 0)
        return 0;
    sim_log(sp->s, "%s", err);
    return -1;
}

static void supervise(struct super *sp) __attribute__((noreturn));
static void supervise(struct super *sp)
{
    char err[XT_ERRLEN];
    enum next nx;
    int status = 0;
    pid_t pid, w;

    for (;;) {
        pid = start_guest(sp, err);
        if (pid < 0) {
            if (sp->report_fd >= 0) {
                sim_remove_dom(sp->s, sp->domid);
                report(sp, err);
                _exit(1);
            }
            sim_log(sp->s, "%s", err);
            break;
        }
        report(sp, "");
        /* Lock takeover children end too; only the guest matters. */
        while ((w = waitpid(-1, &status, 0)) != pid)
            if (w < 0 && errno != EINTR)
                break;
        nx = guest_stopped(sp, status);
        if (nx == NEXT_EXIT)
            _exit(0);
        /* A preserved domain keeps its supervisor (and so its disk
         * locks) until it is destroyed. */
        if (nx == NEXT_STAY)
            for (;;)
                pause();
        if (reopen_disks(sp))
            break;
        sp->paused = 0;
        if (nx == NEXT_RESTART)
            sp->restored = 0;
        sp->soft_reset = nx == NEXT_SOFT_RESET;
    }
    mark_crashed(sp);
    for (;;)
        pause();
}

/* Closes every fd but the ones the domain keeps. */
static void close_others(const struct sim_launch *l, int report_fd)
{
    long max = sysconf(_SC_OPEN_MAX);
    int fd, i, keep, null;

    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2)
            close(null);
    }
    if (max < 0 || max > 65536)
        max = 65536;
    for (fd = 3; fd < max; fd++) {
        keep = fd == report_fd;
        for (i = 0; i < l->nkeep; i++)
            keep |= fd == l->keep_fds[i];
        if (!keep)
            close(fd);
    }
}

static void become_supervisor(struct sim *s, libxl_domain_config *c,
                              struct sim_launch *l, int report_fd)
    __attribute__((noreturn));
static void become_supervisor(struct sim *s, libxl_domain_config *c,
                              struct sim_launch *l, int report_fd)
{
    struct super sp = {s, c, l->domid, l->restored, l->paused, 0,
                       report_fd, l->keep_fds, l->nkeep, {NULL, 0}};
    int i;

    setsid();
    if (fork() != 0)
        _exit(0);
    if (chdir("/") < 0) {
        /* The state dir is absolute; nothing depends on the cwd. */
    }
    close_others(l, report_fd);
    prctl(PR_SET_NAME, "xltool-super", 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    /* Out of memory here leaves "w!" disks plain "w" on a restart. */
    if (cfg_extra_copy(&sp.x, l->extra))
        cfg_extra_init(&sp.x);
    for (i = 0; l->busy && i < l->nkeep && i < c->num_disks; i++)
        if (l->busy[i] && l->keep_fds[i] >= 0)
            sim_disk_takeover(&c->disks[i],
                              cfg_extra_is_shared(l->extra, c->disks[i].vdev),
                              l->keep_fds[i]);
    supervise(&sp);
}

int sim_launch(struct sim *s, libxl_domain_config *c, struct sim_launch *l,
               char *err)
{
    char msg[XT_ERRLEN];
    int p[2], status;
    size_t got = 0;
    ssize_t n;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return sim_err(err, "pipe: %s", strerror(errno)), -1;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        become_supervisor(s, c, l, p[1]);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return sim_err(err, "fork: %s", strerror(errno)), -1;
    }
    waitpid(pid, &status, 0);
    while (got < sizeof(msg) - 1) {
        n = read(p[0], msg + got, sizeof(msg) - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += n;
        if (memchr(msg, '\0', got))
            break;
    }
    close(p[0]);
    msg[got] = '\0';
    if (got == 0 || msg[0]) {
        sim_err(err, "%s", got ? msg :
                 "the domain's supervisor did not start");
        return -1;
    }
    return 0;
}
