/*
 * hostctl.c - host-start and host-stop: what Xen's xendomains script does
 * at boot and shutdown, for several domains at once, each reported.
 *
 * host-stop handles every domain as xltool.conf's "domains" group says:
 * migrate it live to migrate_to, else save it, else shut it down (and
 * destroy it once shutdown_timeout has passed); a step that fails falls
 * back to the next, and says why.  A save file is written under a
 * temporary name and renamed once complete, and never replaces one that
 * is there already.  host-start restores the save files (and resumes the
 * suspended managed domains), then starts the managed domains marked
 * autostart, then creates the domains of auto_dir's configs.  A restore
 * that fails keeps its file.
 *
 * Each domain is handled in a child process, up to "parallel" at once;
 * a child prints its domain's line when it is done and tells the parent
 * its outcome by its exit status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "managed.h"
#include "reloc.h"
#include "xltool.h"

/* Outcomes, as the children's exit statuses. */
enum {
    OUT_FAILED = 1,
    OUT_MIGRATED = 10,
    OUT_SAVED,
    OUT_SHUTDOWN,
    OUT_DESTROYED,
    OUT_RESTORED,
    OUT_STARTED,
    OUT_SKIPPED,
    OUT_MAX,
};

static const char *const out_names[OUT_MAX] = {
    [OUT_FAILED] = "failed",
    [OUT_MIGRATED] = "migrated",
    [OUT_SAVED] = "saved",
    [OUT_SHUTDOWN] = "shut down",
    [OUT_DESTROYED] = "destroyed",
    [OUT_RESTORED] = "restored",
    [OUT_STARTED] = "started",
    [OUT_SKIPPED] = "running already",
};

int xt_run_parallel(int n, int parallel, xt_job_fn *fn, void *ctx,
                    int *status_r)
{
    pid_t *pids = calloc(n ? n : 1, sizeof(*pids));
    int next = 0, running = 0, i, st;
    pid_t pid;

    if (!pids)
        return -1;
    fflush(stdout);
    fflush(stderr);
    while (next < n || running > 0) {
        while (next < n && running < parallel) {
            pid = fork();
            if (pid == 0)
                _exit(fn(next, ctx));
            if (pid < 0) {
                status_r[next++] = OUT_FAILED;
                continue;
            }
            pids[next++] = pid;
            running++;
        }
        pid = wait(&st);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (i = 0; i < next; i++)
            if (pids[i] == pid) {
                status_r[i] = WIFEXITED(st) ? WEXITSTATUS(st) : OUT_FAILED;
                pids[i] = 0;
                running--;
            }
    }
    free(pids);
    return 0;
}

/* One line for a domain, written at once so that parallel children's
 * lines do not mix. */
static void say(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const char *name, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    int n;

    n = snprintf(line, sizeof(line), "%s: ", name);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    (void)!write(STDOUT_FILENO, line, strlen(line));
}

static int mkdir_p(const char *dir)
{
    char buf[4096], *p;

    if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
        return -1;
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0700) && errno != EEXIST ? -1 : 0;
}

/* ---- host-stop ---- */

struct stop_job {
    uint32_t domid;
    char name[256];
    char uuid[MANAGED_UUID_LEN + 1];
};

struct stop_ctx {
    const struct reloc_domains_conf *d;
    struct stop_job *jobs;
};

static int stop_migrate(struct be *be, const struct stop_job *j,
                        const struct reloc_domains_conf *d, char *why)
{
    struct reloc_migrate_args a = { 0 };
    struct reloc_result r;
    struct reloc_conf c;
    int rc = -1;

    reloc_conf_init(&c);
    if (reloc_conf_load(&c, NULL, why) == 0) {
        a.domain = j->name;
        a.host = d->migrate_to;
        a.port = c.port;
        a.live = 1;
        rc = reloc_migrate(be, &c, &a, &r, why);
    }
    reloc_conf_dispose(&c);
    return rc;
}

/* Saves into the managed store (a managed domain) or save_dir, never
 * over a file that is there. */
static int stop_save(struct be *be, const struct stop_job *j,
                     const struct reloc_domains_conf *d, char *path,
                     size_t len, char *why)
{
    if (managed_exists(j->uuid)) {
        if (managed_save_path(j->uuid, path, len) == 0 &&
            access(path, F_OK) == 0) {
            snprintf(why, XT_ERRLEN, "its managed save image is there "
                     "already");
            return -1;
        }
        if (xt_managed_suspend(be, j->domid, j->uuid) == 0)
            return 0;
        snprintf(why, XT_ERRLEN, "suspend failed");
        return -1;
    }
    if (mkdir_p(d->save_dir)) {
        snprintf(why, XT_ERRLEN, "cannot create %.300s: %s", d->save_dir,
                 strerror(errno));
        return -1;
    }
    if (snprintf(path, len, "%s/%s.save", d->save_dir, j->name) >=
        (int)len || access(path, F_OK) == 0) {
        snprintf(why, XT_ERRLEN, "%.300s is there already (a save not "
                 "restored yet)", path);
        return -1;
    }
    if (xt_save_atomic(be, j->domid, path) == 0)
        return 0;
    snprintf(why, XT_ERRLEN, "save failed");
    return -1;
}

static int gone(struct be *be, uint32_t domid)
{
    struct be_dominfo *list = NULL;
    char err[XT_ERRLEN];
    int n = 0, g;

    if (be->ops->list(be, &list, &n, err))
        return 0;
    g = !core_dominfo_find(list, n, domid);
    core_dominfo_list_free(list, n);
    return g;
}

/* Shut down, wait at most the timeout, then destroy. */
static int stop_shutdown(struct be *be, const struct stop_job *j,
                         const struct reloc_domains_conf *d,
                         const char *before)
{
    char err[XT_ERRLEN], why[XT_ERRLEN + 64];
    time_t end = time(NULL) + d->shutdown_timeout;

    snprintf(why, sizeof(why), "did not shut down within %d s",
             d->shutdown_timeout);
    /* A request that cannot even be made is not waited for. */
    if (be->ops->shutdown(be, j->domid, BE_POWEROFF, err)) {
        snprintf(why, sizeof(why), "refused the shutdown request (%.300s)",
                 err);
        end = 0;
    }
    while (!gone(be, j->domid) && time(NULL) < end)
        usleep(200 * 1000);
    if (gone(be, j->domid)) {
        say(j->name, "%sshut down", before);
        return OUT_SHUTDOWN;
    }
    if (be->ops->destroy(be, j->domid, err)) {
        say(j->name, "%s%s, and cannot be destroyed: %s", before, why, err);
        return OUT_FAILED;
    }
    say(j->name, "%s%s: destroyed", before, why);
    return OUT_DESTROYED;
}

static int stop_one(int i, void *opaque)
{
    struct stop_ctx *x = opaque;
    const struct stop_job *j = &x->jobs[i];
    const struct reloc_domains_conf *d = x->d;
    char why[XT_ERRLEN], before[XT_ERRLEN + 128] = "", path[4096];
    struct be *be = xt_backend();
    int rc;

    if (!be)
        return OUT_FAILED;
    if (d->stop == RELOC_STOP_MIGRATE) {
        if (stop_migrate(be, j, d, why) == 0) {
            say(j->name, "migrated to %s", d->migrate_to);
            return OUT_MIGRATED;
        }
        snprintf(before, sizeof(before), "migration to %.100s failed "
                 "(%.300s); ", d->migrate_to, why);
    }
    if (d->stop != RELOC_STOP_SHUTDOWN) {
        if (stop_save(be, j, d, path, sizeof(path), why) == 0) {
            say(j->name, "%ssaved to %s", before, path);
            return OUT_SAVED;
        }
        snprintf(before + strlen(before), sizeof(before) - strlen(before),
                 "not saved (%.300s); ", why);
    }
    rc = stop_shutdown(be, j, d, before);
    core_close(be);
    return rc;
}

/* Every domain but Domain-0 and the halves of a migration in flight. */
static int stop_jobs(struct be *be, struct stop_job **jobs_r, int *n_r)
{
    struct be_dominfo *list = NULL;
    struct stop_job *jobs;
    char err[XT_ERRLEN];
    int n = 0, i, k = 0;

    if (be->ops->list(be, &list, &n, err)) {
        xt_err("%s", err);
        return -1;
    }
    jobs = calloc(n ? n : 1, sizeof(*jobs));
    for (i = 0; jobs && i < n; i++) {
        if (list[i].domid == 0 || !list[i].name ||
            strstr(list[i].name, RELOC_INCOMING_SUFFIX) ||
            strstr(list[i].name, RELOC_AWAY_SUFFIX))
            continue;
        jobs[k].domid = list[i].domid;
        snprintf(jobs[k].name, sizeof(jobs[k].name), "%s", list[i].name);
        snprintf(jobs[k].uuid, sizeof(jobs[k].uuid), LIBXL_UUID_FMT,
                 LIBXL_UUID_BYTES(list[i].uuid));
        k++;
    }
    core_dominfo_list_free(list, n);
    *jobs_r = jobs;
    *n_r = k;
    return jobs ? 0 : -1;
}

/* Whether only Domain-0 is left (a domain may have been created while
 * host-stop ran); says which are left. */
static int host_empty(void)
{
    struct be_dominfo *list = NULL;
    char err[XT_ERRLEN];
    struct be *be = xt_backend();
    int n = 0, i, empty = 1;

    if (!be || be->ops->list(be, &list, &n, err)) {
        core_close(be);
        return 0;
    }
    for (i = 0; i < n; i++)
        if (list[i].domid != 0) {
            printf("host-stop: %s (domain %u) is still here\n",
                   list[i].name ? list[i].name : "?", list[i].domid);
            empty = 0;
        }
    core_dominfo_list_free(list, n);
    core_close(be);
    return empty;
}

static int load_domains_conf(struct reloc_domains_conf *d)
{
    char err[XT_ERRLEN];

    reloc_domains_conf_init(d);
    if (reloc_domains_conf_load(d, NULL, err) == 0)
        return 0;
    xt_err("%s", err);
    return -1;
}

/* The closing line: how many of each outcome; 0 when none failed. */
static int summary(const char *cmd, const int *st, int n)
{
    int count[OUT_MAX] = { 0 }, i, first = 1;

    for (i = 0; i < n; i++)
        count[st[i] > 0 && st[i] < OUT_MAX ? st[i] : OUT_FAILED]++;
    printf("%s: %d domain%s", cmd, n, n == 1 ? "" : "s");
    for (i = 1; i < OUT_MAX; i++) {
        if (!count[i] || !out_names[i])
            continue;
        printf("%s %d %s", first ? ":" : ",", count[i], out_names[i]);
        first = 0;
    }
    printf("\n");
    return count[OUT_FAILED] ? EXIT_FAIL : EXIT_OK;
}

int main_host_stop(int argc, char **argv)
{
    struct reloc_domains_conf d;
    struct stop_job *jobs = NULL;
    struct stop_ctx x;
    struct be *be = NULL;
    long jobs_at_once = 0;
    int opt, n = 0, *st = NULL, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "j:", NULL, "host-stop", 0) {
    case 'j':
        if (xt_parse_long(optarg, 1, 256, &jobs_at_once)) {
            xt_err("host-stop: -j wants a number from 1 to 256");
            return EXIT_USAGE;
        }
        break;
    }
    xt_check_max_args(argc, argv, 0, "host-stop");
    if (load_domains_conf(&d))
        return EXIT_FAIL;
    if (jobs_at_once)
        d.parallel = (int)jobs_at_once;
    be = xt_backend();
    if (!be || stop_jobs(be, &jobs, &n))
        goto out;
    core_close(be);
    be = NULL;
    st = calloc(n ? n : 1, sizeof(*st));
    x.d = &d;
    x.jobs = jobs;
    if (!st || xt_run_parallel(n, d.parallel, stop_one, &x, st))
        goto out;
    rc = summary("host-stop", st, n);
    if (rc == EXIT_OK && !host_empty())
        rc = EXIT_FAIL;
out:
    free(st);
    free(jobs);
    core_close(be);
    reloc_domains_conf_dispose(&d);
    return rc;
}

/* ---- host-start ---- */

enum start_kind { START_SAVEFILE, START_MANAGED, START_AUTO };

struct start_job {
    enum start_kind kind;
    char arg[4096];              /* a path, or a managed domain's UUID */
};

static int start_savefile(struct be *be, const char *path)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    uint32_t domid;
    int fd, rc = OUT_FAILED;

    libxl_domain_config_init(&c);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        say(base, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    if (xt_read_header(be, fd, path, &c)) {
        say(base, "not restored: its file is kept");
        goto out;
    }
    if (be->ops->receive(be, &c, fd, 0, &domid, err)) {
        say(c.c_info.name, "not restored (%s): %s is kept", err, path);
        goto out;
    }
    unlink(path);
    say(c.c_info.name, "restored from %s", path);
    rc = OUT_RESTORED;
out:
    if (fd >= 0)
        close(fd);
    libxl_domain_config_dispose(&c);
    return rc;
}

static int start_managed(struct be *be, const char *uuid)
{
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN];
    uint32_t domid;
    int resume, rc = OUT_FAILED;

    if (managed_find(uuid, &md, err) != 1) {
        say(uuid, "not in the managed store: %s", err);
        return OUT_FAILED;
    }
    resume = managed_has_save(uuid);
    if (core_lookup(be, md.name, &domid, err) == 0) {
        say(md.name, "runs already");
        rc = OUT_SKIPPED;
    } else if (xt_managed_start(be, &md, 0, &domid) == 0) {
        say(md.name, resume ? "resumed from the managed store"
                            : "started (autostart)");
        rc = resume ? OUT_RESTORED : OUT_STARTED;
    } else {
        say(md.name, "not %s", resume ? "resumed: its save image is kept"
                                      : "started");
    }
    managed_dom_dispose(&md);
    return rc;
}

static int start_auto(struct be *be, const char *path)
{
    libxl_domain_config c;
    struct cfg_extra x;
    char err[XT_ERRLEN];
    uint32_t domid;
    int rc = OUT_FAILED;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    if (xt_load_config(be, path, 0, NULL, &c, &x)) {
        say(path, "not started: the config is refused");
    } else if (core_lookup(be, c.c_info.name, &domid, err) == 0) {
        say(c.c_info.name, "runs already");
        rc = OUT_SKIPPED;
    } else if (be->ops->create(be, &c, &x, 0, &domid, err)) {
        say(c.c_info.name, "not started: %s", err);
    } else {
        say(c.c_info.name, "started from %s", path);
        rc = OUT_STARTED;
    }
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&c);
    return rc;
}

static int start_one(int i, void *opaque)
{
    const struct start_job *j = &((const struct start_job *)opaque)[i];
    struct be *be = xt_backend();
    int rc = OUT_FAILED;

    if (!be)
        return OUT_FAILED;
    switch (j->kind) {
    case START_SAVEFILE: rc = start_savefile(be, j->arg); break;
    case START_MANAGED: rc = start_managed(be, j->arg); break;
    case START_AUTO: rc = start_auto(be, j->arg); break;
    }
    core_close(be);
    return rc;
}

static int add_job(struct start_job **jobs, int *n, enum start_kind kind,
                   const char *dir, const char *name)
{
    struct start_job *grown = realloc(*jobs, (size_t)(*n + 1) *
                                             sizeof(**jobs));

    if (!grown)
        return -1;
    *jobs = grown;
    grown[*n].kind = kind;
    if (snprintf(grown[*n].arg, sizeof(grown[*n].arg), "%s%s%s",
                 dir ? dir : "", dir ? "/" : "", name) >=
        (int)sizeof(grown[*n].arg))
        return -1;
    (*n)++;
    return 0;
}

/* The regular files of dir, with a suffix (or none but backups). */
static int dir_jobs(const char *dir, const char *suffix, enum start_kind k,
                    struct start_job **jobs, int *n)
{
    struct dirent *e;
    size_t l, sl = suffix ? strlen(suffix) : 0;
    DIR *d = opendir(dir);
    int rc = 0;

    if (!d)
        return errno == ENOENT ? 0 : -1;
    while (rc == 0 && (e = readdir(d))) {
        l = strlen(e->d_name);
        if (e->d_name[0] == '.' || e->d_name[l - 1] == '~' ||
            (e->d_type != DT_REG && e->d_type != DT_LNK &&
             e->d_type != DT_UNKNOWN))
            continue;
        if (suffix && (l <= sl || strcmp(e->d_name + l - sl, suffix)))
            continue;
        rc = add_job(jobs, n, k, dir, e->d_name);
    }
    closedir(d);
    return rc;
}

/* Managed domains to resume (want_save) or to autostart. */
static int managed_jobs(int want_save, struct start_job **jobs, int *n)
{
    struct managed_dom *list = NULL;
    char err[XT_ERRLEN];
    int nm = 0, i, rc = 0, saved;

    if (managed_list(&list, &nm, err)) {
        xt_err("%s", err);
        return -1;
    }
    for (i = 0; rc == 0 && i < nm; i++) {
        saved = managed_has_save(list[i].uuid);
        if (want_save ? saved : (list[i].autostart && !saved))
            rc = add_job(jobs, n, START_MANAGED, NULL, list[i].uuid);
    }
    managed_list_free(list, nm);
    return rc;
}

/* One phase: its jobs, in parallel; their outcomes appended to *st. */
static int run_phase(struct start_job *jobs, int n, int parallel,
                     int **st, int *nst)
{
    int *grown = realloc(*st, (size_t)(*nst + n + 1) * sizeof(**st));

    if (!grown)
        return -1;
    *st = grown;
    if (xt_run_parallel(n, parallel, start_one, jobs, grown + *nst))
        return -1;
    *nst += n;
    return 0;
}

int main_host_start(int argc, char **argv)
{
    struct reloc_domains_conf d;
    struct start_job *jobs = NULL;
    long jobs_at_once = 0;
    int opt, n = 0, nst = 0, *st = NULL, phase, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "j:", NULL, "host-start", 0) {
    case 'j':
        if (xt_parse_long(optarg, 1, 256, &jobs_at_once)) {
            xt_err("host-start: -j wants a number from 1 to 256");
            return EXIT_USAGE;
        }
        break;
    }
    xt_check_max_args(argc, argv, 0, "host-start");
    if (load_domains_conf(&d))
        return EXIT_FAIL;
    if (jobs_at_once)
        d.parallel = (int)jobs_at_once;
    /* Saved state first (it must not be booted afresh by what follows),
     * then the autostart domains, then auto_dir's. */
    for (phase = 0; phase < 3; phase++) {
        n = 0;
        if ((phase == 0 && (dir_jobs(d.save_dir, ".save", START_SAVEFILE,
                                     &jobs, &n) ||
                            managed_jobs(1, &jobs, &n))) ||
            (phase == 1 && managed_jobs(0, &jobs, &n)) ||
            (phase == 2 && dir_jobs(d.auto_dir, NULL, START_AUTO, &jobs,
                                    &n))) {
            xt_err("host-start: cannot read what to start");
            goto out;
        }
        if (run_phase(jobs, n, d.parallel, &st, &nst))
            goto out;
    }
    rc = summary("host-start", st, nst);
out:
    free(jobs);
    free(st);
    reloc_domains_conf_dispose(&d);
    return rc;
}
