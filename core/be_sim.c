/*
 * be_sim.c - the simulated backend: opening the state dir, listing
 * domains, and the domain life cycle (create, destroy, shutdown, pause,
 * rename, save/migrate streams).  Device, memory and vcpu operations are
 * in sim_ops.c.  See sim.h for the design.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "savefile.h"
#include "sim.h"
#include "sim_ops.h"

static int mkdir_p(char *path, char *err)
{
    char *p;

    for (p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            goto fail;
        *p = '/';
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        goto fail;
    return 0;
fail:
    sim_err(err, "cannot create the state dir %s: %s", path,
             strerror(errno));
    return -1;
}

/* $XLTOOL_SIM_DIR, else /var/lib/xltool/sim for root, else the user's
 * $XDG_STATE_HOME/xltool/sim (~/.local/state/xltool/sim). */
static int state_dir(char *buf, size_t len, char *err)
{
    const char *env = getenv("XLTOOL_SIM_DIR"), *xdg, *home;
    char raw[PATH_MAX], real[PATH_MAX];
    int n;

    if (env && *env)
        n = snprintf(raw, sizeof(raw), "%s", env);
    else if (geteuid() == 0)
        n = snprintf(raw, sizeof(raw), "/var/lib/xltool/sim");
    else if ((xdg = getenv("XDG_STATE_HOME")) && *xdg == '/')
        n = snprintf(raw, sizeof(raw), "%s/xltool/sim", xdg);
    else if ((home = getenv("HOME")) && *home == '/')
        n = snprintf(raw, sizeof(raw), "%s/.local/state/xltool/sim", home);
    else
        return sim_err(err, "no state dir: set XLTOOL_SIM_DIR"),
               -1;
    if (n < 0 || (size_t)n >= sizeof(raw))
        return sim_err(err, "state dir path too long"), -1;
    if (mkdir_p(raw, err))
        return -1;
    if (!realpath(raw, real)) {
        sim_err(err, "state dir %s: %s", raw, strerror(errno));
        return -1;
    }
    if (strlen(real) >= len)
        return sim_err(err, "state dir path too long: %s", real), -1;
    memcpy(buf, real, strlen(real) + 1);
    if (snprintf(raw, sizeof(raw), "%s/dom", buf) >= (int)sizeof(raw))
        return sim_err(err, "state dir path too long"), -1;
    if (mkdir(raw, 0700) < 0 && errno != EEXIST) {
        sim_err(err, "cannot create %s: %s", raw,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static void sim_close(struct be *be)
{
    free(be);
}

/* Fills one list entry from a domain record and its guest process. */
static void dominfo_of(const struct sim_dom *d, struct be_dominfo *di)
{
    struct sim_proc p;
    /* One read of /proc/PID/stat: liveness, state and CPU time. */
    int alive = d->pid > 0 && sim_proc_read(d->pid, &p) == 0 &&
                p.start == d->pid_start && p.state != 'Z' && p.state != 'X';

    di->domid = d->domid;
    libxl_uuid_from_string(&di->uuid, d->uuid);
    di->type = d->type;
    di->current_memkb = d->target_kb;
    di->max_memkb = d->max_kb;
    di->vcpu_online = d->vcpus_online;
    di->vcpu_max = d->vcpus_max;
    di->start_time = d->start_time;
    di->cpupool = d->pool;
    if (alive)
        di->cpu_time_ns = p.cpu_ns;
    else
        p.state = 0;
    switch (d->life) {
    case SIM_CREATING:
        di->state = BE_ST_PAUSED;
        return;
    case SIM_DYING:
        di->state = BE_ST_DYING;
        return;
    case SIM_SHUTDOWN:
        di->state = BE_ST_SHUTDOWN;
        di->shutdown_reason = d->reason;
        if (d->reason == LIBXL_SHUTDOWN_REASON_CRASH)
            di->state |= BE_ST_CRASHED;
        return;
    }
    if (!alive) {
        /* The guest process died and nobody has dealt with it. */
        di->state = BE_ST_SHUTDOWN | BE_ST_CRASHED;
        di->shutdown_reason = LIBXL_SHUTDOWN_REASON_CRASH;
    } else if (d->suspended) {
        di->state = BE_ST_SHUTDOWN;
        di->shutdown_reason = LIBXL_SHUTDOWN_REASON_SUSPEND;
    } else if (d->paused) {
        di->state = BE_ST_PAUSED;
    } else {
        di->state = p.state == 'R' ? BE_ST_RUNNING : BE_ST_BLOCKED;
    }
}

/* Domain-0: the host itself; used_kb is what the domains were given. */
static int dom0_info(uint64_t used, struct be_dominfo *di)
{
    uint64_t total, avail, freekb;
    unsigned long long v[8] = {0};
    char buf[256];
    FILE *f;

    sim_host_mem(&total, &avail);
    freekb = avail > used ? avail - used : 0;
    memset(di, 0, sizeof(*di));
    di->name = strdup("Domain-0");
    if (!di->name)
        return -1;
    di->type = LIBXL_DOMAIN_TYPE_PV;
    di->current_memkb = di->max_memkb =
        total > freekb + used ? total - freekb - used : 0;
    di->vcpu_online = di->vcpu_max = sim_host_cpus();
    di->state = BE_ST_RUNNING;
    f = fopen("/proc/stat", "re");
    if (f) {
        if (fgets(buf, sizeof(buf), f))
            sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0],
                   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
        fclose(f);
    }
    di->cpu_time_ns = (v[0] + v[1] + v[2] + v[5] + v[6]) *
                      (1000000000ull / sysconf(_SC_CLK_TCK));
    return 0;
}

static int sim_list(struct be *be, struct be_dominfo **list_r, int *n_r,
                    char *err)
{
    struct sim *s = (struct sim *)be;
    struct be_dominfo *list = NULL;
    struct sim_dom d;
    uint32_t *ids = NULL;
    uint64_t used = 0;
    int n = 0, i, k = 1, rc = -1;

    if (sim_domids(s, &ids, &n, err))
        return -1;
    list = calloc(n + 1, sizeof(*list));
    if (!list)
        goto out;
    for (i = 0; i < n; i++) {
        if (sim_info_read(s, ids[i], &d, err))
            continue;      /* removed while we were looking */
        dominfo_of(&d, &list[k]);
        used += d.max_kb;
        list[k].name = strdup(d.name);
        if (!list[k++].name)
            goto out;
    }
    if (dom0_info(used, &list[0]))
        goto out;
    *list_r = list;
    *n_r = k;
    list = NULL;
    rc = 0;
out:
    if (rc)
        sim_err(err, "out of memory");
    core_dominfo_list_free(list, k);
    free(ids);
    return rc;
}

static int sim_get_config(struct be *be, uint32_t domid,
                          libxl_domain_config *c, char *err)
{
    if (domid == 0)
        return sim_err(err, "Domain-0 has no domain config"),
               -1;
    return sim_config_load((struct sim *)be, domid, c, err);
}

static int file_readable(const char *what, const char *path,
                         const char *dom, char *err)
{
    int fd;

    if (!path || !*path)
        return 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sim_err(err, "domain %s: %s %s: %s", dom, what, path,
                 strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/* Defaults the way libxl fills them, and the checks that need no lock. */
static int check_config(libxl_domain_config *c, char *err)
{
    libxl_domain_build_info *b = &c->b_info;
    const char *name = c->c_info.name;
    int i;

    if (!name || !*name)
        return sim_err(err, "the domain has no name"), -1;
    if (strlen(name) >= SIM_NAME_MAX || strchr(name, '\n') ||
        strchr(name, '/'))
        return sim_err(err, "domain name '%s' is not usable",
                        name), -1;
    if (b->target_memkb == LIBXL_MEMKB_DEFAULT)
        b->target_memkb = b->max_memkb != LIBXL_MEMKB_DEFAULT ?
                          b->max_memkb : 128 * 1024;
    if (b->max_memkb == LIBXL_MEMKB_DEFAULT || b->max_memkb < b->target_memkb)
        b->max_memkb = b->target_memkb;
    if (b->max_memkb < 64 || b->max_memkb > (SIM_STREAM_MAX_PAGES * 4))
        return sim_err(err, "domain %s: memory size %" PRIu64
                        " KiB out of range", name, b->max_memkb), -1;
    if (b->max_vcpus <= 0)
        b->max_vcpus = 1;
    if (b->max_vcpus > SIM_MAX_VCPUS)
        return sim_err(err, "domain %s: %d vcpus, at most %d",
                        name, b->max_vcpus, SIM_MAX_VCPUS), -1;
    if (libxl_uuid_is_nil(&c->c_info.uuid))
        libxl_uuid_generate(&c->c_info.uuid);
    if (file_readable("kernel", b->kernel, name, err) ||
        file_readable("ramdisk", b->ramdisk, name, err))
        return -1;
    for (i = 0; i < c->num_nics; i++)
        sim_nic_fill(&c->nics[i], i);
    return 0;
}

static int make_file(const struct sim *s, uint32_t domid, const char *name,
                     uint64_t size, int *fd_r, char *err)
{
    char path[PATH_MAX];
    int fd;

    if (sim_path(s, domid, name, path, sizeof(path), err))
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
        sim_err(err, "cannot create %s: %s", path,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (fd_r)
        *fd_r = fd;
    else
        close(fd);
    return 0;
}

/* The domid a config names (libxl's c_info.domid, as xl migrate -D
 * sends it), which must be free, or else the next free one. */
static int take_domid(const struct sim *s, uint32_t want, uint32_t *domid_r,
                      char *err)
{
    if (!want || want == (uint32_t)INVALID_DOMID)
        return sim_alloc_domid(s, domid_r, err);
    if (sim_take_domid(s, want, err))
        return -1;
    *domid_r = want;
    return 0;
}

/* Under the state lock: the name is free, the memory is there; then a
 * domid, the record, the config and the memory files. */
static int reserve(struct sim *s, libxl_domain_config *c,
                   const struct cfg_extra *x, uint64_t pages,
                   uint32_t *domid_r, int *memfd_r, char *err)
{
    libxl_domain_build_info *b = &c->b_info;
    uint64_t freekb;
    struct sim_dom d;
    uint32_t other;
    int lk = -1, rc = -1, have_id = 0;

    if (sim_lock(s, &lk, err))
        return -1;
    if (sim_find_name(s, c->c_info.name, &other) == 0) {
        sim_err(err, "domain '%s' already exists (domid %u)",
                 c->c_info.name, other);
        goto out;
    }
    freekb = sim_free_kb(s);
    if (b->max_memkb > freekb) {
        sim_err(err, "domain %s: not enough free memory: it "
                 "needs %" PRIu64 " MiB, the host has %" PRIu64 " MiB free",
                 c->c_info.name, b->max_memkb / 1024, freekb / 1024);
        goto out;
    }
    if (take_domid(s, c->c_info.domid, domid_r, err))
        goto out;
    have_id = 1;
    memset(&d, 0, sizeof(d));
    d.domid = *domid_r;
    snprintf(d.name, sizeof(d.name), "%s", c->c_info.name);
    snprintf(d.uuid, sizeof(d.uuid), LIBXL_UUID_FMT,
             LIBXL_UUID_BYTES(c->c_info.uuid));
    d.type = c->c_info.type;
    d.max_kb = b->max_memkb;
    d.target_kb = b->target_memkb;
    d.mem_kb = pages * 4;
    d.vcpus_max = b->max_vcpus;
    d.vcpus_online = libxl_bitmap_count_set(&b->avail_vcpus);
    if (d.vcpus_online == 0 || d.vcpus_online > d.vcpus_max)
        d.vcpus_online = d.vcpus_max;
    d.life = SIM_CREATING;
    d.start_time = (uint64_t)time(NULL);
    if (sim_info_write(s, &d, err) ||
        sim_config_store(s, d.domid, c, err) ||
        sim_extra_store(s, d.domid, x, err) ||
        make_file(s, d.domid, "mem", pages * SIM_PAGE, memfd_r, err) ||
        make_file(s, d.domid, "dirty", (pages + 63) / 64 * 8, NULL, err))
        goto out;
    rc = 0;
out:
    if (rc && have_id)
        sim_remove_dom(s, *domid_r);
    sim_unlock(lk);
    return rc;
}

struct fill {
    int fd;
};

static int put_pages(uint64_t pfn, uint64_t count, const void *pages,
                     void *opaque)
{
    struct fill *f = opaque;
    size_t len = count * SIM_PAGE;
    ssize_t w;

    w = pwrite(f->fd, pages, len, (off_t)(pfn * SIM_PAGE));
    if (w >= 0 && (size_t)w != len)
        errno = ENOSPC;
    return w >= 0 && (size_t)w == len ? 0 : -1;
}

static int sim_destroy(struct be *be, uint32_t domid, char *err);

/* Removes a domain that failed half-way: its processes too if launched. */
static void unbuild(struct sim *s, uint32_t domid, int launched)
{
    char e2[XT_ERRLEN];

    if (!launched || sim_destroy((struct be *)s, domid, e2))
        sim_remove_dom(s, domid);
}

/* The stream's header, with the config's extra it carries. */
static int stream_header(int fd, uint64_t *nr_pages_r, struct cfg_extra *x,
                         char *err)
{
    char *text = NULL, sub[XT_ERRLEN];
    int rc = -1;

    if (sim_stream_read_header(fd, nr_pages_r, &text, err))
        return -1;
    if (cfg_extra_from_text(text, x, sub, sizeof(sub)))
        sim_err(err, "memory stream: %s", sub);
    else
        rc = 0;
    free(text);
    return rc;
}

/* Before anything is made: the config is one this backend runs, the
 * name is free (said first, before any disk lock could complain about
 * the twin), and a stream's header has been read into nr_pages and sx. */
static int build_check(struct sim *s, libxl_domain_config *c, int stream_fd,
                       uint64_t *nr_pages, struct cfg_extra *sx, char *err)
{
    uint32_t other;

    if (check_config(c, err))
        return -1;
    if (sim_find_name(s, c->c_info.name, &other) == 0)
        return sim_err(err, "domain '%s' already exists (domid %u)",
                       c->c_info.name, other), -1;
    if (stream_fd >= 0 && stream_header(stream_fd, nr_pages, sx, err))
        return -1;
    return 0;
}

/*
 * Create and receive: stream_fd >= 0 fills memory from a page stream,
 * whose header says what the config said beyond libxl's (extra is then
 * not used).  A domain restored paused is launched before its memory
 * arrives: the guest is stopped before it reads any of it, and the pages
 * written meanwhile reach its shared mapping, so that unpausing it is
 * all that is left to do once the stream ends.
 */
static int build(struct sim *s, libxl_domain_config *c,
                 const struct cfg_extra *extra, unsigned int flags,
                 int stream_fd, uint32_t *domid_r, char *err)
{
    struct sim_launch l = {0};
    struct fill f = {-1};
    struct cfg_extra sx;
    uint64_t nr_pages = 0, pages;
    int *fds = NULL, *busy = NULL, nfds = 0, rc = -1, have = 0;
    int takeover = stream_fd >= 0 && (flags & BE_RECEIVE_MIGRATING);
    int early = stream_fd >= 0 && (flags & BE_CREATE_PAUSED), launched = 0;

    cfg_extra_init(&sx);
    if (build_check(s, c, stream_fd, &nr_pages, &sx, err))
        goto out;
    /* The stream's extra says how its disks may be shared. */
    if (stream_fd >= 0)
        extra = &sx;
    if (sim_disks_open(c, extra, &fds, takeover ? &busy : NULL, &nfds, err))
        goto out;
    /* The memory is as large as the config says, or as the stream's if
     * that is larger (mem-max may have changed the config since boot). */
    pages = (c->b_info.max_memkb + 3) / 4;
    if (nr_pages > pages)
        pages = nr_pages;
    if (reserve(s, c, extra, pages, domid_r, &f.fd, err))
        goto out;
    have = 1;
    l = (struct sim_launch){*domid_r, extra, stream_fd >= 0,
                            !!(flags & BE_CREATE_PAUSED), fds, busy, nfds};
    if (early && sim_launch(s, c, &l, err))
        goto out;
    launched = early;
    if (stream_fd >= 0 &&
        sim_stream_read_body(stream_fd, nr_pages, put_pages, &f, err))
        goto out;
    if (!launched && sim_launch(s, c, &l, err))
        goto out;
    sim_log(s, "domain %u (%s) %s", *domid_r, c->c_info.name,
            stream_fd >= 0 ? "restored" : "created");
    rc = 0;
out:
    if (f.fd >= 0)
        close(f.fd);
    if (rc && have)
        unbuild(s, *domid_r, launched);
    sim_fds_close(fds, nfds);
    free(busy);
    cfg_extra_dispose(&sx);
    return rc;
}

static int sim_create(struct be *be, libxl_domain_config *c,
                      const struct cfg_extra *extra, unsigned int flags,
                      uint32_t *domid_r, char *err)
{
    return build((struct sim *)be, c, extra, flags, -1, domid_r, err);
}

static int sim_receive(struct be *be, libxl_domain_config *c, int fd,
                       unsigned int flags, uint32_t *domid_r, char *err)
{
    return build((struct sim *)be, c, NULL, flags, fd, domid_r, err);
}

static int sim_destroy(struct be *be, uint32_t domid, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;
    int lk = -1, rc = -1;

    if (domid == 0)
        return sim_err(err, "cannot destroy Domain-0"), -1;
    if (sim_lock(s, &lk, err))
        return -1;
    if (sim_info_read(s, domid, &d, err))
        goto out;
    d.life = SIM_DYING;
    if (sim_info_write(s, &d, err))
        goto out;
    if (d.spid > 0)
        sim_kill_wait(d.spid, d.spid_start, SIGKILL);
    if (d.pid > 0)
        sim_kill_wait(d.pid, d.pid_start, SIGKILL);
    if (sim_remove_dom(s, domid) < 0) {
        sim_err(err, "domain %s: cannot remove its state: %s",
                 d.name, strerror(errno));
        goto out;
    }
    sim_log(s, "domain %u (%s) destroyed", domid, d.name);
    rc = 0;
out:
    sim_unlock(lk);
    return rc;
}

/* Reads the record of a domain whose guest must be alive. */
int sim_running(struct sim *s, uint32_t domid, struct sim_dom *d, char *err)
{
    if (domid == 0) {
        sim_err(err, "not supported for Domain-0 on the "
                 "simulated backend");
        return -1;
    }
    if (sim_info_read(s, domid, d, err))
        return -1;
    if (d->life != SIM_RUNNING || !sim_proc_alive(d->pid, d->pid_start)) {
        sim_err(err, "domain %s (%u) is not running", d->name,
                 domid);
        return -1;
    }
    return 0;
}

/* Sends the request line, with fd attached (SCM_RIGHTS) when >= 0. */
static int send_line(int sock, const char *line, int fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {(void *)line, strlen(line)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *cm;
    ssize_t n;

    if (fd < 0)
        return core_write_full(sock, line, strlen(line));
    memset(&u, 0, sizeof(u));
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof(u.buf);
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0)
        return -1;
    return core_write_full(sock, line + n, strlen(line) - n);
}

/*
 * Sends a control request to the guest, which acts on it when it runs.
 * A passed fd travels with it: while in flight it stays open (and so
 * keeps its lock), even if the guest is paused.
 */
int sim_ctl_fd(struct sim *s, uint32_t domid, const char *req, int pass_fd,
               char *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char path[PATH_MAX], line[256];
    int fd = -1, rc = -1;

    if (sim_path(s, domid, "sock", path, sizeof(path), err))
        return -1;
    if (strlen(path) >= sizeof(sa.sun_path) ||
        snprintf(line, sizeof(line), "ctl %s\n", req) >= (int)sizeof(line))
        return sim_err(err, "path or request too long"), -1;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        send_line(fd, line, pass_fd)) {
        sim_err(err, "domain %u: cannot reach the guest: %s",
                 domid, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

int sim_ctl(struct sim *s, uint32_t domid, const char *req, char *err)
{
    return sim_ctl_fd(s, domid, req, -1, err);
}

static int sim_shutdown(struct be *be, uint32_t domid,
                        enum be_shutdown_kind k, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;

    if (sim_running(s, domid, &d, err))
        return -1;
    return sim_ctl(s, domid, k == BE_REBOOT ? "shutdown reboot" :
                   "shutdown poweroff", err);
}

static int set_paused(struct sim *s, uint32_t domid, int paused, char *err)
{
    struct sim_dom d;
    int lk = -1, rc = -1;

    if (sim_lock(s, &lk, err))
        return -1;
    if (sim_running(s, domid, &d, err))
        goto out;
    if (kill(d.pid, paused ? SIGSTOP : SIGCONT) < 0) {
        sim_err(err, "domain %s: %s", d.name, strerror(errno));
        goto out;
    }
    d.paused = paused;
    d.suspended = 0;
    rc = sim_info_write(s, &d, err);
out:
    sim_unlock(lk);
    return rc;
}

static int sim_pause(struct be *be, uint32_t domid, char *err)
{
    return set_paused((struct sim *)be, domid, 1, err);
}

static int sim_unpause(struct be *be, uint32_t domid, char *err)
{
    return set_paused((struct sim *)be, domid, 0, err);
}

static int sim_rename(struct be *be, uint32_t domid, const char *name,
                      char *err)
{
    struct sim *s = (struct sim *)be;
    libxl_domain_config c;
    struct sim_dom d;
    uint32_t other;
    int lk = -1, rc = -1;

    libxl_domain_config_init(&c);
    if (!*name || strlen(name) >= SIM_NAME_MAX || strchr(name, '\n') ||
        strchr(name, '/'))
        return sim_err(err, "domain name '%s' is not usable",
                        name), -1;
    if (domid == 0)
        return sim_err(err, "cannot rename Domain-0"), -1;
    if (sim_lock(s, &lk, err))
        goto out;
    if (sim_info_read(s, domid, &d, err))
        goto out;
    if (sim_find_name(s, name, &other) == 0 && other != domid) {
        sim_err(err, "domain '%s' already exists (domid %u)",
                 name, other);
        goto out;
    }
    if (sim_config_load(s, domid, &c, err))
        goto out;
    free(c.c_info.name);
    c.c_info.name = strdup(name);
    snprintf(d.name, sizeof(d.name), "%s", name);
    if (!c.c_info.name || sim_config_store(s, domid, &c, err) ||
        sim_info_write(s, &d, err))
        goto out;
    rc = 0;
out:
    sim_unlock(lk);
    libxl_domain_config_dispose(&c);
    return rc;
}

static int set_suspended(struct sim *s, uint32_t domid, int on, char *err)
{
    struct sim_dom d;
    int lk = -1, rc = -1;

    if (sim_lock(s, &lk, err))
        return -1;
    if (sim_info_read(s, domid, &d, err) == 0) {
        d.suspended = on;
        rc = sim_info_write(s, &d, err);
    }
    sim_unlock(lk);
    return rc;
}

static int sim_send_op(struct be *be, uint32_t domid, int fd,
                       unsigned int flags, be_progress_fn *progress,
                       void *opaque, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;

    if (sim_running(s, domid, &d, err))
        return -1;
    if (sim_send(s, &d, fd, flags, progress, opaque, err))
        return -1;
    if (flags & BE_SEND_CHECKPOINT) {
        if (!d.paused)
            kill(d.pid, SIGCONT);
        return 0;
    }
    return set_suspended(s, domid, 1, err);
}

static int sim_resume(struct be *be, uint32_t domid, char *err)
{
    struct sim *s = (struct sim *)be;
    struct sim_dom d;

    if (sim_running(s, domid, &d, err))
        return -1;
    if (!d.paused && kill(d.pid, SIGCONT) < 0)
        return sim_err(err, "domain %s: %s", d.name,
                        strerror(errno)), -1;
    return set_suspended(s, domid, 0, err);
}

static int sim_get_extra(struct be *be, uint32_t domid, struct cfg_extra *x,
                         char *err)
{
    struct sim_dom d;

    cfg_extra_init(x);
    if (sim_info_read((struct sim *)be, domid, &d, err))
        return -1;
    return sim_extra_load((struct sim *)be, domid, x, err);
}

static const struct be_ops sim_ops = {
    .name = "sim",
    .close = sim_close,
    .list = sim_list,
    .get_config = sim_get_config,
    .create = sim_create,
    .destroy = sim_destroy,
    .shutdown = sim_shutdown,
    .pause = sim_pause,
    .unpause = sim_unpause,
    .rename = sim_rename,
    .send = sim_send_op,
    .resume = sim_resume,
    .receive = sim_receive,
    .set_memory = sim_set_memory,
    .set_maxmem = sim_set_maxmem,
    .set_vcpus = sim_set_vcpus,
    .vcpu_list = sim_vcpu_list,
    .vcpu_pin = sim_vcpu_pin,
    .disk_add = sim_disk_add,
    .disk_remove = sim_disk_remove,
    .disk_list = sim_disk_list,
    .nic_add = sim_nic_add,
    .nic_remove = sim_nic_remove,
    .nic_list = sim_nic_list,
    .console_open = sim_console_open,
    .host_info = sim_host_info,
    .cpu_topology = sim_cpu_topology,
    .dmesg = sim_dmesg,
    .trigger = sim_trigger,
    .sysrq = sim_sysrq,
    .dump_core = sim_dump_core_op,
    .save_flags = XT_MANDATORY_FLAG_SIMSTREAM,
    .caps = BE_CAP_SHARED_DISKS,
    .get_extra = sim_get_extra,
    .pool_list = sim_pool_list,
    .pool_create = sim_pool_create,
    .pool_destroy = sim_pool_destroy,
    .pool_rename = sim_pool_rename,
    .pool_cpus = sim_pool_cpus,
    .pool_move = sim_pool_move,
    .sched_get = sim_sched_get,
    .sched_set = sim_sched_set,
    .credit_get = sim_credit_get,
    .credit_set = sim_credit_set,
    .credit2_get = sim_credit2_get,
    .credit2_set = sim_credit2_set,
    .node_affinity = sim_node_affinity,
    .debug_keys = sim_debug_keys,
    .set_parameters = sim_set_parameters,
    .topology = sim_topology,
    /* The simulated guest always lets go of a disk at once. */
    .disk_destroy = sim_disk_remove,
    .vncviewer = sim_vncviewer,
    .pci_assignable_list = sim_pci_assignable_list,
    .pci_assignable_add = sim_pci_assignable_add,
    .pci_assignable_remove = sim_pci_assignable_remove,
    .pci_add = sim_pci_add,
    .pci_remove = sim_pci_remove,
    .pci_list = sim_pci_list,
    .cdrom_insert = sim_cdrom_insert,
    .vtpm_add = sim_vtpm_add,
    .vtpm_remove = sim_vtpm_remove,
    .vtpm_list = sim_vtpm_list,
    .channel_list = sim_channel_list,
    .usbctrl_add = sim_usbctrl_add,
    .usbctrl_remove = sim_usbctrl_remove,
    .usbdev_add = sim_usbdev_add,
    .usbdev_remove = sim_usbdev_remove,
    .usb_list = sim_usb_list,
    .vcpu_sched_get = sim_vcpu_sched_get,
    .vcpu_sched_set = sim_vcpu_sched_set,
    .config_update = sim_config_update,
};

int be_sim_open(struct be **be_r, char *err)
{
    struct sim *s = calloc(1, sizeof(*s));

    *be_r = NULL;
    if (!s)
        return sim_err(err, "out of memory"), -1;
    if (state_dir(s->dir, sizeof(s->dir), err)) {
        free(s);
        return -1;
    }
    s->be.ops = &sim_ops;
    *be_r = &s->be;
    return 0;
}
