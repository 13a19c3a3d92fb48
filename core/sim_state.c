/*
 * sim_state.c - the simulated backend's state dir: paths, the state lock,
 * domain records, domid allocation, facts about processes and the host.
 * Records are written to a temporary file and renamed over the old one,
 * so that a reader sees either the old or the new record.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "sim.h"

void sim_err(char *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, XT_ERRLEN, fmt, ap);
    va_end(ap);
}

int sim_path(const struct sim *s, uint32_t domid, const char *file,
             char *buf, size_t len, char *err)
{
    int n;

    if (file)
        n = snprintf(buf, len, "%s/dom/%u/%s", s->dir, domid, file);
    else
        n = snprintf(buf, len, "%s/dom/%u", s->dir, domid);
    if (n < 0 || (size_t)n >= len) {
        sim_err(err, "state dir path too long: %s", s->dir);
        return -1;
    }
    return 0;
}

int sim_read_open(const char *path, FILE **f_r, char *err)
{
    *f_r = fopen(path, "re");
    if (*f_r || errno == ENOENT)
        return 0;
    sim_err(err, "cannot read %s: %s", path, strerror(errno));
    return -1;
}

int sim_lock(const struct sim *s, int *fd_r, char *err)
{
    char path[PATH_MAX];
    int fd;

    if (snprintf(path, sizeof(path), "%s/lock", s->dir) >= (int)sizeof(path))
        return sim_err(err, "state dir path too long"), -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        sim_err(err, "cannot open the state lock %s: %s", path,
                 strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            sim_err(err, "cannot lock %s: %s", path,
                     strerror(errno));
            close(fd);
            return -1;
        }
    }
    *fd_r = fd;
    return 0;
}

void sim_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

static int parse_u64(const char *v, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = strtoull(v, &end, 10);
    return (errno || end == v || *end) ? -1 : 0;
}

/* Sets one field of d from a "key value" line; unknown keys are kept
 * out of the way for newer versions. */
static int info_field(struct sim_dom *d, const char *k, const char *v)
{
    uint64_t n = 0;
    int isnum = parse_u64(v, &n) == 0;

    if (!strcmp(k, "name"))
        return snprintf(d->name, sizeof(d->name), "%s", v) >=
               (int)sizeof(d->name) ? -1 : 0;
    if (!strcmp(k, "uuid"))
        return snprintf(d->uuid, sizeof(d->uuid), "%s", v) >=
               (int)sizeof(d->uuid) ? -1 : 0;
    if (!strncmp(k, "rt", 2) && (k[2] == 'p' || k[2] == 'b' || k[2] == 'e')) {
        uint64_t i;
        if (parse_u64(k + 3, &i) || i >= SIM_MAX_VCPUS || !isnum ||
            n > UINT32_MAX)
            return -1;
        if (k[2] == 'p')
            d->rt_period[i] = n;
        else if (k[2] == 'b')
            d->rt_budget[i] = n;
        else
            d->rt_extra[i] = n > 2 ? 0 : n;
        return 0;
    }
    if (!strncmp(k, "affinity", 8) || !strncmp(k, "soft", 4)) {
        int hard = k[0] == 'a';
        uint64_t i;
        if (parse_u64(k + (hard ? 8 : 4), &i) || i >= SIM_MAX_VCPUS ||
            !isnum)
            return -1;
        (hard ? d->affinity : d->soft)[i] = n;
        return 0;
    }
    if (!isnum)
        return -1;
#define F(key, field) if (!strcmp(k, key)) { d->field = n; return 0; }
    F("domid", domid) F("type", type) F("max_kb", max_kb)
    F("target_kb", target_kb) F("mem_kb", mem_kb) F("vcpus_max", vcpus_max)
    F("vcpus_online", vcpus_online) F("pid", pid) F("spid", spid)
    F("pid_start", pid_start) F("spid_start", spid_start) F("life", life)
    F("reason", reason) F("paused", paused) F("suspended", suspended)
    F("start_time", start_time) F("pool", pool) F("weight", weight)
    F("cap", cap)
#undef F
    return 0;
}

static int info_parse(FILE *f, struct sim_dom *d)
{
    char line[512], *sp;
    size_t len;

    memset(d, 0, sizeof(*d));
    while (fgets(line, sizeof(line), f)) {
        len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        sp = strchr(line, ' ');
        if (!sp)
            return -1;
        *sp = '\0';
        if (info_field(d, line, sp + 1))
            return -1;
    }
    return ferror(f) ? -1 : 0;
}

int sim_info_read(const struct sim *s, uint32_t domid, struct sim_dom *d,
                  char *err)
{
    char path[PATH_MAX];
    FILE *f;
    int rc;

    if (sim_path(s, domid, "info", path, sizeof(path), err))
        return -1;
    f = fopen(path, "re");
    if (!f) {
        sim_err(err, "domain %u does not exist", domid);
        return -1;
    }
    rc = info_parse(f, d);
    fclose(f);
    if (rc || d->domid != domid) {
        sim_err(err, "domain %u: damaged record %s", domid,
                 path);
        return -1;
    }
    return 0;
}

static void info_print(FILE *f, const struct sim_dom *d)
{
    int i;

    fprintf(f, "domid %u\nname %s\nuuid %s\ntype %d\n", d->domid, d->name,
            d->uuid, d->type);
    fprintf(f, "max_kb %" PRIu64 "\ntarget_kb %" PRIu64 "\nmem_kb %" PRIu64
            "\n", d->max_kb, d->target_kb, d->mem_kb);
    fprintf(f, "vcpus_max %u\nvcpus_online %u\n", d->vcpus_max,
            d->vcpus_online);
    fprintf(f, "pid %d\npid_start %" PRIu64 "\nspid %d\nspid_start %" PRIu64
            "\n", (int)d->pid, d->pid_start, (int)d->spid, d->spid_start);
    fprintf(f, "life %d\nreason %d\npaused %d\nsuspended %d\n", d->life,
            d->reason, d->paused, d->suspended);
    fprintf(f, "start_time %" PRIu64 "\n", d->start_time);
    if (d->pool || d->weight || d->cap)
        fprintf(f, "pool %u\nweight %d\ncap %d\n", d->pool, d->weight,
                d->cap);
    for (i = 0; i < SIM_MAX_VCPUS; i++)
    {
        if (d->affinity[i])
            fprintf(f, "affinity%d %" PRIu64 "\n", i, d->affinity[i]);
        if (d->soft[i])
            fprintf(f, "soft%d %" PRIu64 "\n", i, d->soft[i]);
        if (d->rt_period[i] || d->rt_budget[i] || d->rt_extra[i])
            fprintf(f, "rtp%d %u\nrtb%d %u\nrte%d %u\n", i,
                    d->rt_period[i], i, d->rt_budget[i], i, d->rt_extra[i]);
    }
}

/* Writes data to path through a temporary file and rename(2). */
static int write_atomic(const char *path, const struct sim_dom *d,
                        const char *text, char *err)
{
    char tmp[PATH_MAX + 16];
    FILE *f;
    int ok;

    if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >=
        (int)sizeof(tmp))
        return sim_err(err, "path too long: %s", path), -1;
    f = fopen(tmp, "we");
    if (!f) {
        sim_err(err, "cannot write %s: %s", tmp,
                 strerror(errno));
        return -1;
    }
    if (d)
        info_print(f, d);
    else
        fputs(text, f);
    ok = !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) < 0) {
        sim_err(err, "cannot write %s: %s", path,
                 strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int sim_info_write(const struct sim *s, const struct sim_dom *d, char *err)
{
    char path[PATH_MAX];

    if (sim_path(s, d->domid, "info", path, sizeof(path), err))
        return -1;
    return write_atomic(path, d, NULL, err);
}

int sim_write_text(const char *path, const char *text, char *err)
{
    return write_atomic(path, NULL, text, err);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

int sim_domids(const struct sim *s, uint32_t **ids_r, int *n_r, char *err)
{
    char path[PATH_MAX];
    struct dirent *de;
    uint32_t *ids = NULL, *nids;
    int n = 0, cap = 0;
    uint64_t v;
    DIR *dir;

    *ids_r = NULL;
    *n_r = 0;
    snprintf(path, sizeof(path), "%s/dom", s->dir);
    dir = opendir(path);
    if (!dir) {
        if (errno == ENOENT)
            return 0;
        sim_err(err, "cannot read %s: %s", path,
                 strerror(errno));
        return -1;
    }
    while ((de = readdir(dir))) {
        if (parse_u64(de->d_name, &v) || v == 0 || v > SIM_MAX_DOMID)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            nids = realloc(ids, cap * sizeof(*ids));
            if (!nids) {
                free(ids);
                closedir(dir);
                return sim_err(err, "out of memory"), -1;
            }
            ids = nids;
        }
        ids[n++] = (uint32_t)v;
    }
    closedir(dir);
    if (n > 1)
        qsort(ids, n, sizeof(*ids), cmp_u32);
    *ids_r = ids;
    *n_r = n;
    return 0;
}

static uint32_t read_next_domid(const struct sim *s)
{
    char path[PATH_MAX], buf[32] = "";
    uint64_t v;
    FILE *f;

    snprintf(path, sizeof(path), "%s/next-domid", s->dir);
    f = fopen(path, "re");
    if (!f)
        return 1;
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    if (parse_u64(buf, &v) || v == 0 || v > SIM_MAX_DOMID)
        return 1;
    return (uint32_t)v;
}

/* Called with the state lock held: creates DIR/dom/ID for the domid
 * the config asks for (libxl's c_info.domid), which must be free. */
int sim_take_domid(const struct sim *s, uint32_t domid, char *err)
{
    char path[PATH_MAX];

    if (domid == 0 || domid > SIM_MAX_DOMID) {
        sim_err(err, "domid %u cannot be given to a guest", domid);
        return -1;
    }
    if (sim_path(s, domid, NULL, path, sizeof(path), err))
        return -1;
    if (mkdir(path, 0700) == 0)
        return 0;
    if (errno == EEXIST)
        sim_err(err, "domid %u is in use", domid);
    else
        sim_err(err, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

/* Called with the state lock held: creates DIR/dom/ID for a new domid,
 * going round as Xen does and skipping domids in use. */
int sim_alloc_domid(const struct sim *s, uint32_t *domid_r, char *err)
{
    char path[PATH_MAX], next[32];
    uint32_t id = read_next_domid(s), tries;

    for (tries = 0; tries < SIM_MAX_DOMID; tries++) {
        if (sim_path(s, id, NULL, path, sizeof(path), err))
            return -1;
        if (mkdir(path, 0700) == 0) {
            *domid_r = id;
            snprintf(next, sizeof(next), "%u\n",
                     id >= SIM_MAX_DOMID ? 1 : id + 1);
            snprintf(path, sizeof(path), "%s/next-domid", s->dir);
            return write_atomic(path, NULL, next, err);
        }
        if (errno != EEXIST) {
            sim_err(err, "cannot create %s: %s", path,
                     strerror(errno));
            return -1;
        }
        id = id >= SIM_MAX_DOMID ? 1 : id + 1;
    }
    sim_err(err, "no free domid left");
    return -1;
}

int sim_remove_dom(const struct sim *s, uint32_t domid)
{
    static const char *const files[] = {"info", "config.json", "extra",
                                        "mem", "dirty", "sock", "vtpms",
                                        "usb", "update.json", NULL};
    char path[PATH_MAX], err[XT_ERRLEN];
    int i;

    for (i = 0; files[i]; i++)
        if (sim_path(s, domid, files[i], path, sizeof(path), err) == 0)
            unlink(path);
    if (sim_path(s, domid, NULL, path, sizeof(path), err))
        return -1;
    return rmdir(path);
}

int sim_find_name(const struct sim *s, const char *name, uint32_t *domid_r)
{
    char err[XT_ERRLEN];
    struct sim_dom d;
    uint32_t *ids = NULL;
    int n = 0, i, found = -1;

    /* The host itself holds this name. */
    if (!strcmp(name, "Domain-0")) {
        *domid_r = 0;
        return 0;
    }
    if (sim_domids(s, &ids, &n, err))
        return -1;
    for (i = 0; i < n && found < 0; i++)
        if (sim_info_read(s, ids[i], &d, err) == 0 &&
            d.life != SIM_DYING && !strcmp(d.name, name)) {
            found = 0;
            *domid_r = ids[i];
        }
    free(ids);
    return found;
}

uint64_t sim_used_kb(const struct sim *s)
{
    char err[XT_ERRLEN];
    struct sim_dom d;
    uint32_t *ids = NULL;
    uint64_t used = 0;
    int n = 0, i;

    if (sim_domids(s, &ids, &n, err))
        return 0;
    for (i = 0; i < n; i++)
        if (sim_info_read(s, ids[i], &d, err) == 0)
            used += d.max_kb;
    free(ids);
    return used;
}

void sim_log(const struct sim *s, const char *fmt, ...)
{
    char path[PATH_MAX], line[1024];
    struct tm tm;
    time_t now = time(NULL);
    va_list ap;
    int fd, n;

    snprintf(path, sizeof(path), "%s/xen.log", s->dir);
    gmtime_r(&now, &tm);
    n = strftime(line, sizeof(line), "(XEN) [%Y-%m-%d %H:%M:%S] ", &tm);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    n = strlen(line);
    line[n++] = '\n';
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (write(fd, line, n) < 0) {
        /* The log is advisory; nothing to do. */
    }
    close(fd);
}

int sim_config_load(const struct sim *s, uint32_t domid,
                    libxl_domain_config *c, char *err)
{
    char path[PATH_MAX], sub[XT_ERRLEN];
    char *json = NULL;
    struct stat st;
    FILE *f = NULL;
    int rc = -1;

    if (sim_path(s, domid, "config.json", path, sizeof(path), err))
        return -1;
    f = fopen(path, "re");
    if (!f || fstat(fileno(f), &st) < 0 || st.st_size > (16 << 20)) {
        sim_err(err, "domain %u: cannot read its config %s",
                 domid, path);
        goto out;
    }
    json = calloc(1, st.st_size + 1);
    if (!json || fread(json, 1, st.st_size, f) != (size_t)st.st_size) {
        sim_err(err, "domain %u: cannot read %s", domid, path);
        goto out;
    }
    if (cfg_config_from_json(json, c, sub, sizeof(sub))) {
        sim_err(err, "domain %u: bad stored config: %s", domid,
                 sub);
        goto out;
    }
    rc = 0;
out:
    if (f)
        fclose(f);
    free(json);
    return rc;
}

int sim_config_store(const struct sim *s, uint32_t domid,
                     libxl_domain_config *c, char *err)
{
    char path[PATH_MAX];
    char *json;
    int rc;

    if (sim_path(s, domid, "config.json", path, sizeof(path), err))
        return -1;
    json = cfg_config_to_json(c);
    if (!json) {
        sim_err(err, "domain %u: cannot convert its config to "
                 "JSON", domid);
        return -1;
    }
    rc = write_atomic(path, NULL, json, err);
    free(json);
    return rc;
}

char *sim_extra_text(const struct sim *s, uint32_t domid, char *err)
{
    char path[PATH_MAX], *text = NULL;
    struct stat st;
    FILE *f;

    if (sim_path(s, domid, "extra", path, sizeof(path), err))
        return NULL;
    f = fopen(path, "re");
    if (!f && errno == ENOENT)
        return strdup("");
    if (!f || fstat(fileno(f), &st) < 0 ||
        st.st_size >= SIM_STREAM_MAX_EXTRA) {
        sim_err(err, "domain %u: cannot read %s", domid, path);
        goto out;
    }
    text = calloc(1, st.st_size + 1);
    if (!text || fread(text, 1, st.st_size, f) != (size_t)st.st_size) {
        sim_err(err, "domain %u: cannot read %s", domid, path);
        free(text);
        text = NULL;
    }
out:
    if (f)
        fclose(f);
    return text;
}

int sim_extra_load(const struct sim *s, uint32_t domid, struct cfg_extra *x,
                   char *err)
{
    char *text = sim_extra_text(s, domid, err), sub[XT_ERRLEN];
    int rc = -1;

    cfg_extra_init(x);
    if (!text)
        return -1;
    if (cfg_extra_from_text(text, x, sub, sizeof(sub)))
        sim_err(err, "domain %u: bad stored extra: %s", domid, sub);
    else
        rc = 0;
    free(text);
    return rc;
}

int sim_extra_store(const struct sim *s, uint32_t domid,
                    const struct cfg_extra *x, char *err)
{
    char path[PATH_MAX], *text;
    int rc;

    if (sim_path(s, domid, "extra", path, sizeof(path), err))
        return -1;
    if (!x || !x->num_shared) {
        if (unlink(path) < 0 && errno != ENOENT) {
            sim_err(err, "cannot remove %s: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    text = cfg_extra_to_text(x);
    if (!text)
        return sim_err(err, "out of memory"), -1;
    rc = write_atomic(path, NULL, text, err);
    free(text);
    return rc;
}

int sim_extra_mark(const struct sim *s, uint32_t domid, const char *vdev,
                   int shared, char *err)
{
    struct cfg_extra x;
    int rc = -1;

    if (sim_extra_load(s, domid, &x, err))
        return -1;
    if (cfg_extra_set_shared(&x, vdev, shared))
        sim_err(err, "domain %u: cannot record disk %s", domid, vdev);
    else
        rc = sim_extra_store(s, domid, &x, err);
    cfg_extra_dispose(&x);
    return rc;
}

int sim_proc_read(pid_t pid, struct sim_proc *p)
{
    char path[64], buf[1024], *s;
    unsigned long long ut, st, start;
    int cpu;
    ssize_t n;
    int fd;

    memset(p, 0, sizeof(*p));
    if (pid <= 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    s = strrchr(buf, ')');
    /* Fields after the name: 3 state ... 14 utime 15 stime 22 start
     * 39 processor. */
    if (!s || sscanf(s + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                     "%llu %llu %*d %*d %*d %*d %*d %*d %llu %*u %*d %*u "
                     "%*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u "
                     "%*d %d", &p->state, &ut, &st, &start, &cpu) != 5)
        return -1;
    p->start = start;
    p->cpu_ns = (ut + st) * (1000000000ull / sysconf(_SC_CLK_TCK));
    p->cpu = cpu;
    return 0;
}

int sim_proc_alive(pid_t pid, uint64_t start)
{
    struct sim_proc p;

    if (sim_proc_read(pid, &p))
        return 0;
    return p.start == start && p.state != 'Z' && p.state != 'X';
}

/* Sends sig to the process if it is still the one we started, and waits
 * (bounded) until it has exited. */
int sim_kill_wait(pid_t pid, uint64_t start, int sig)
{
    struct pollfd pfd;
    int pidfd, i;

    if (!sim_proc_alive(pid, start))
        return 0;
    pidfd = syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0 && !sim_proc_alive(pid, start)) {
        close(pidfd);
        return 0;
    }
    if (kill(pid, sig) < 0 && errno != ESRCH) {
        if (pidfd >= 0)
            close(pidfd);
        return -1;
    }
    if (pidfd >= 0) {
        pfd.fd = pidfd;
        pfd.events = POLLIN;
        poll(&pfd, 1, 10000);
        close(pidfd);
        return 0;
    }
    for (i = 0; i < 1000 && sim_proc_alive(pid, start); i++)
        usleep(10000);
    return 0;
}

static uint64_t meminfo_kb(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    unsigned long long v = 0;

    if (p)
        sscanf(p + strlen(key), " %llu", &v);
    return v;
}

/* XLTOOL_SIM_MEM_MB: a host of that much memory, all of it available,
 * rather than this machine's (so that a test can fill a host). */
static int sim_mem_override(uint64_t *kb_r)
{
    const char *v = getenv("XLTOOL_SIM_MEM_MB");
    unsigned long long mb;
    char *end;

    if (!v || !*v)
        return 0;
    errno = 0;
    mb = strtoull(v, &end, 10);
    if (errno || *end || mb == 0 || mb > (1ull << 32))
        return 0;
    *kb_r = mb * 1024;
    return 1;
}

void sim_host_mem(uint64_t *total_kb, uint64_t *avail_kb)
{
    char buf[4096];
    ssize_t n;
    int fd;

    *total_kb = *avail_kb = 0;
    if (sim_mem_override(total_kb)) {
        *avail_kb = *total_kb;
        return;
    }
    fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    *total_kb = meminfo_kb(buf, "MemTotal:");
    *avail_kb = meminfo_kb(buf, "MemAvailable:");
}

/* A positive count from the environment (at most max), else 0. */
static unsigned int env_count(const char *name, unsigned long max)
{
    const char *v = getenv(name);
    char *end;
    unsigned long n;

    if (!v || !*v)
        return 0;
    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno || *end || !isdigit((unsigned char)*v) || n == 0 || n > max)
        return 0;
    return (unsigned int)n;
}

/* The machine's CPUs, or $XLTOOL_SIM_CPUS: a test may fix the simulated
 * host's size so that host-sized results do not depend on the machine
 * the test runs on. */
unsigned int sim_host_cpus(void)
{
    unsigned int fixed = env_count("XLTOOL_SIM_CPUS", 4096);
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (fixed)
        return fixed;
    return n > 0 ? (unsigned int)n : 1;
}

/* Marks the CPUs of a kernel cpulist ("0-3,8,10-11") as being in node. */
static void cpulist_mark(const char *list, int node, int *nodes,
                         unsigned int n)
{
    unsigned long a, b, k;
    const char *p = list;
    char *end;

    while (isdigit((unsigned char)*p)) {
        a = b = strtoul(p, &end, 10);
        if (*end == '-' && isdigit((unsigned char)end[1]))
            b = strtoul(end + 1, &end, 10);
        for (k = a; k <= b && k < n; k++)
            nodes[k] = node;
        if (*end != ',')
            break;
        p = end + 1;
    }
}

/* The machine's nodes from /sys: returns how many, 1 without NUMA. */
static int sys_cpu_nodes(int *nodes, unsigned int n)
{
    char path[64], buf[4096];
    int node, count = 0, last = -1;
    ssize_t len;
    int fd;

    for (node = 0; node < 1024; node++) {
        snprintf(path, sizeof(path),
                 "/sys/devices/system/node/node%d/cpulist", node);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        len = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (len < 0)
            continue;
        buf[len] = '\0';
        cpulist_mark(buf, node, nodes, n);
        count++;
        last = node;
    }
    return count ? last + 1 : 1;
}

int sim_cpu_nodes(int *nodes, unsigned int n)
{
    unsigned int fixed = env_count("XLTOOL_SIM_NODES", n), k, per;

    if (fixed || getenv("XLTOOL_SIM_CPUS")) {
        /* A fixed host: its CPUs in equal consecutive blocks per node. */
        fixed = fixed ? fixed : 1;
        per = (n + fixed - 1) / fixed;
        for (k = 0; k < n; k++)
            nodes[k] = (int)(k / per);
        return (int)fixed;
    }
    for (k = 0; k < n; k++)
        nodes[k] = 0;
    return sys_cpu_nodes(nodes, n);
}

/* What the simulated hypervisor has left for new domains: the host's
 * available memory less what the simulated domains were promised. */
uint64_t sim_free_kb(const struct sim *s)
{
    uint64_t total, avail, used = sim_used_kb(s);

    sim_host_mem(&total, &avail);
    return avail > used ? avail - used : 0;
}
