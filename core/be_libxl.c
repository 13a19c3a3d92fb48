/*
 * be_libxl.c - the libxl backend: drives a real Xen hypervisor through
 * libxl, as xl does.  This file holds the context and its logger, error
 * reporting, the domain list and the simple per-domain operations; the
 * other be_libxl_*.c files hold creation and migration, the shutdown
 * watcher and the device, memory and vcpu operations.
 *
 * libxl's own messages are never printed: the logger keeps the last error
 * lines and every failing operation quotes them in its message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "be_libxl.h"
#include "savefile.h"

/* ---- the logger ---------------------------------------------------- */

static void lg_vmessage(xentoollog_logger *xl, xentoollog_level level,
                        int errnoval, const char *context,
                        const char *format, va_list al)
{
    struct be_lx_logger *lg = (struct be_lx_logger *)xl;
    char msg[LX_LOG_LINE];
    char *line;
    int n;

    n = vsnprintf(msg, sizeof(msg), format, al);
    if (n < 0)
        return;
    if (errnoval >= 0 && (size_t)n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnoval));
    if (lg->fd >= 0 && level >= XTL_INFO)
        dprintf(lg->fd, "%s: %s\n", context ? context : "libxl", msg);
    if ((int)level < lg->min_level)
        return;
    line = lg->lines[lg->next];
    /* A line longer than the slot is cut: it only decorates a message
     * that already names the failing operation. */
    snprintf(line, LX_LOG_LINE, "%s", msg);
    lg->next = (lg->next + 1) % LX_LOG_KEEP;
    if (lg->count < LX_LOG_KEEP)
        lg->count++;
}

void be_lx_progress_parse(const char *doing_what, unsigned long done,
                          unsigned long total, struct be_progress *p)
{
    const char *it;
    unsigned long round;
    char *end;

    if (!doing_what)
        return;
    if (strstr(doing_what, "suspended")) {
        p->suspended = 1;
        return;
    }
    if (strncmp(doing_what, "Frames", 6))
        return;
    /* A non-live save suspends the guest before its one pass. */
    it = strstr(doing_what, "iteration ");
    if (!it) {
        p->suspended = 1;
        p->round = 0;
    } else {
        round = strtoul(it + 10, &end, 10);
        if (end != it + 10 && round < 1000)
            p->round = (int)round;
    }
    p->sent_bytes = (uint64_t)done * 4096;
    p->total_bytes = (uint64_t)total * 4096;
    p->dirty_pages = p->round > 0 ? total : 0;
}

static void lg_progress(xentoollog_logger *xl, const char *context,
                        const char *doing_what, int percent,
                        unsigned long done, unsigned long total)
{
    struct be_lx_logger *lg = (struct be_lx_logger *)xl;
    struct be_progress p;

    (void)context; (void)percent;
    if (!lg->progress)
        return;
    memset(&p, 0, sizeof(p));
    be_lx_progress_parse(doing_what, done, total, &p);
    lg->progress(&p, lg->progress_opaque);
}

static void lg_destroy(xentoollog_logger *xl)
{
    (void)xl;
}

void be_lx_logger_init(struct be_lx_logger *lg, int min_level, int fd)
{
    memset(lg, 0, sizeof(*lg));
    lg->vtable.vmessage = lg_vmessage;
    lg->vtable.progress = lg_progress;
    lg->vtable.destroy = lg_destroy;
    lg->min_level = min_level;
    lg->fd = fd;
}

void be_lx_logger_clear(struct be_lx_logger *lg)
{
    lg->next = 0;
    lg->count = 0;
}

void be_lx_logger_last(const struct be_lx_logger *lg, char *buf, size_t len)
{
    size_t used = 0;
    int i, idx, n;

    if (!len)
        return;
    buf[0] = '\0';
    for (i = 0; i < lg->count; i++) {
        idx = (lg->next - lg->count + i + LX_LOG_KEEP) % LX_LOG_KEEP;
        n = snprintf(buf + used, len - used, "%s%s", i ? "; " : "",
                     lg->lines[idx]);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += n;
    }
}

/* ---- errors ---------------------------------------------------------- */

const char *be_lx_strerror(int rc)
{
    switch (rc) {
    case ERROR_NOMEM: return "out of memory";
    case ERROR_INVAL: return "invalid argument";
    case ERROR_DOMAIN_NOTFOUND: return "no such domain";
    case ERROR_NOT_READY: return "not ready";
    case ERROR_TIMEDOUT: return "timed out";
    case ERROR_NOPARAVIRT: return "guest has no PV drivers";
    case ERROR_BADFAIL: return "failed, and cleanup failed too";
    case ERROR_GUEST_TIMEDOUT: return "the guest did not respond in time";
    case ERROR_DEVICE_EXISTS: return "the device already exists";
    case ERROR_NOTFOUND: return "not found";
    case ERROR_ABORTED: return "aborted";
    case ERROR_FEATURE_REMOVED: return "feature removed from libxl";
    case ERROR_DOMAIN_DESTROYED: return "the domain was destroyed";
    case ERROR_LOCK_FAIL: return "cannot take libxl's lock";
    default: break;
    }
    return NULL;
}

int be_lx_fail(struct be_lx *lx, char *err, uint32_t domid, const char *what,
               int rc)
{
    char last[XT_ERRLEN / 2];
    char code[32];
    int n;
    const char *why = be_lx_strerror(rc);

    be_lx_logger_last(&lx->log, last, sizeof(last));
    if (!why) {
        snprintf(code, sizeof(code), "libxl error %d", rc);
        why = code;
    }
    if (domid == (uint32_t)INVALID_DOMID)
        n = snprintf(err, XT_ERRLEN, "%s failed: %s%s%s%s", what, why,
                     *last ? " (" : "", last, *last ? ")" : "");
    else
        n = snprintf(err, XT_ERRLEN, "domain %u: %s failed: %s%s%s%s",
                     domid, what, why, *last ? " (" : "", last,
                     *last ? ")" : "");
    /* A long quote of libxl's log may be cut; the message proper, which
     * comes first, is short. */
    if (n >= XT_ERRLEN)
        memcpy(err + XT_ERRLEN - 4, "...", 4);
    be_lx_logger_clear(&lx->log);
    return -1;
}

/* ---- context --------------------------------------------------------- */

/* libxl owns SIGCHLD while it has children and then reaps every child,
 * ours too; it hands ours to this callback, which keeps their status for
 * be_lx_wait_child. */
static int lx_reaped(pid_t pid, int status, void *user)
{
    struct be_lx *lx = user;

    if (lx->n_reaped >= LX_REAPED_MAX)
        return ERROR_UNKNOWN_CHILD;
    lx->reaped[lx->n_reaped].pid = pid;
    lx->reaped[lx->n_reaped].status = status;
    lx->n_reaped++;
    return 0;
}

static const libxl_childproc_hooks lx_childproc_hooks = {
    /* As xl: libxl owns SIGCHLD whenever it has children (the save
     * helper, hotplug scripts, device models). */
    .chldowner = libxl_sigchld_owner_libxl,
    .reaped_callback = lx_reaped,
};

int be_lx_wait_child(struct be_lx *lx, pid_t pid, int *status_r)
{
    pid_t got;
    int i;

    for (;;) {
        got = waitpid(pid, status_r, 0);
        if (got == pid)
            return 0;
        if (got < 0 && errno == EINTR)
            continue;
        break;
    }
    for (i = 0; i < lx->n_reaped; i++) {
        if (lx->reaped[i].pid == pid) {
            *status_r = lx->reaped[i].status;
            lx->reaped[i] = lx->reaped[--lx->n_reaped];
            return 0;
        }
    }
    return -1;
}

int be_lx_ctx_open(struct be_lx *lx, char *err)
{
    struct be_lx_logger *lg = &lx->log;
    libxl_ctx *ctx = NULL;
    char last[XT_ERRLEN / 2];

    if (access("/dev/xen/privcmd", F_OK) && access("/proc/xen/privcmd",
                                                   F_OK)) {
        snprintf(err, XT_ERRLEN, "cannot use Xen through libxl: no "
                 "/dev/xen/privcmd or /proc/xen/privcmd (this host is not "
                 "a Xen dom0, or xenfs and the privcmd driver are not "
                 "loaded)");
        return -1;
    }
    if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0,
                        (xentoollog_logger *)lg)) {
        be_lx_logger_last(lg, last, sizeof(last));
        snprintf(err, XT_ERRLEN, "cannot open a libxl context%s%s%s "
                 "(is xenstored running, and are you root?)",
                 *last ? " (" : "", last, *last ? ")" : "");
        return -1;
    }
    libxl_childproc_setmode(ctx, &lx_childproc_hooks, lx);
    lx->ctx = ctx;
    return 0;
}

/* ---- state conversion ----------------------------------------------- */

unsigned int be_lx_state_bits(const libxl_dominfo *info)
{
    unsigned int st = 0;

    if (info->running)
        st |= BE_ST_RUNNING;
    if (info->blocked)
        st |= BE_ST_BLOCKED;
    if (info->paused)
        st |= BE_ST_PAUSED;
    if (info->dying)
        st |= BE_ST_DYING;
    /* As xl list: a crashed domain shows 'c', not also 's'. */
    if (info->shutdown) {
        if (info->shutdown_reason == LIBXL_SHUTDOWN_REASON_CRASH)
            st |= BE_ST_CRASHED;
        else
            st |= BE_ST_SHUTDOWN;
    }
    return st;
}

int be_lx_dominfo_fill(struct be_dominfo *out, const libxl_dominfo *in,
                       const char *name, uint64_t start_time)
{
    memset(out, 0, sizeof(*out));
    out->name = strdup(name ? name : "");
    if (!out->name)
        return -1;
    out->domid = in->domid;
    libxl_uuid_copy(NULL, &out->uuid, &in->uuid);
    out->type = in->domain_type;
    out->state = be_lx_state_bits(in);
    out->shutdown_reason = in->shutdown ? (int)in->shutdown_reason : -1;
    out->current_memkb = in->current_memkb;
    out->max_memkb = in->max_memkb;
    out->vcpu_online = in->vcpu_online;
    out->vcpu_max = in->vcpu_max_id + 1;
    out->cpu_time_ns = in->cpu_time;
    out->start_time = start_time;
    out->cpupool = in->cpupool;
    out->outstanding_memkb = in->outstanding_memkb;
    if (in->ssid_label && !(out->ssid_label = strdup(in->ssid_label))) {
        free(out->name);
        out->name = NULL;
        return -1;
    }
    return 0;
}

/* ---- list and simple operations ------------------------------------- */

static int lx_list(struct be *be, struct be_dominfo **list_r, int *n_r,
                   char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_dominfo *info = NULL;
    struct be_dominfo *list = NULL;
    char *name;
    int n = 0, i, rc = -1;

    info = libxl_list_domain(lx->ctx, &n);
    if (!info) {
        be_lx_fail(lx, err, INVALID_DOMID, "listing domains", ERROR_FAIL);
        goto out;
    }
    list = calloc(n ? n : 1, sizeof(*list));
    if (!list) {
        snprintf(err, XT_ERRLEN, "listing domains: out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        /* One xenstore read a domain, as xl list: the start time costs
         * two more, so it is read only when asked (lx_start_time). */
        name = libxl_domid_to_name(lx->ctx, info[i].domid);
        if (be_lx_dominfo_fill(&list[i], &info[i], name, 0)) {
            free(name);
            core_dominfo_list_free(list, i);
            list = NULL;
            snprintf(err, XT_ERRLEN, "listing domains: out of memory");
            goto out;
        }
        free(name);
    }
    *list_r = list;
    *n_r = n;
    list = NULL;
    rc = 0;
out:
    if (info)
        libxl_dominfo_list_free(info, n);
    free(list);
    return rc;
}

static uint64_t lx_start_time(struct be *be, uint32_t domid)
{
    struct be_lx *lx = be_lx_of(be);
    uint64_t t = libxl_vm_get_start_time(lx->ctx, domid);

    /* libxl logs an error for a domain without a start time (dom0 has
     * none): not a failure, and not to be quoted by the next one. */
    be_lx_logger_clear(&lx->log);
    return t;
}

static int lx_get_config(struct be *be, uint32_t domid,
                         libxl_domain_config *d_config, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    rc = libxl_retrieve_domain_configuration(lx->ctx, domid, d_config, NULL);
    if (rc)
        return be_lx_fail(lx, err, domid, "retrieving the configuration",
                          rc);
    return 0;
}

static int lx_config_from_json(struct be *be, const char *json,
                               libxl_domain_config *d_config, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    rc = libxl_domain_config_from_json(lx->ctx, d_config, json);
    if (rc)
        return be_lx_fail(lx, err, INVALID_DOMID,
                          "reading the saved domain config", rc);
    return 0;
}

static int lx_destroy(struct be *be, uint32_t domid, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    if (domid == 0) {
        snprintf(err, XT_ERRLEN, "domain 0: cannot destroy dom0");
        return -1;
    }
    rc = libxl_domain_destroy(lx->ctx, domid, NULL);
    if (rc)
        return be_lx_fail(lx, err, domid, "destroy", rc);
    return 0;
}

static int lx_shutdown(struct be *be, uint32_t domid, enum be_shutdown_kind k,
                       char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc;

    if (k == BE_REBOOT)
        rc = libxl_domain_reboot(lx->ctx, domid, NULL);
    else
        rc = libxl_domain_shutdown(lx->ctx, domid, NULL);
    if (rc == ERROR_NOPARAVIRT) {
        snprintf(err, XT_ERRLEN, "domain %u: %s failed: the guest has no "
                 "PV drivers (use trigger power or destroy)", domid,
                 k == BE_REBOOT ? "reboot" : "shutdown");
        be_lx_logger_clear(&lx->log);
        return -1;
    }
    if (rc)
        return be_lx_fail(lx, err, domid,
                          k == BE_REBOOT ? "reboot" : "shutdown", rc);
    return 0;
}

static int lx_pause(struct be *be, uint32_t domid, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_pause(lx->ctx, domid, NULL);

    return rc ? be_lx_fail(lx, err, domid, "pause", rc) : 0;
}

static int lx_unpause(struct be *be, uint32_t domid, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_unpause(lx->ctx, domid, NULL);

    return rc ? be_lx_fail(lx, err, domid, "unpause", rc) : 0;
}

static int lx_rename(struct be *be, uint32_t domid, const char *new_name,
                     char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_rename(lx->ctx, domid, NULL, new_name);

    return rc ? be_lx_fail(lx, err, domid, "rename", rc) : 0;
}

/* ---- console --------------------------------------------------------- */

static int lx_console_open(struct be *be, uint32_t domid,
                           enum be_console_kind kind, int num, int *fd_r,
                           char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_console_type type = LIBXL_CONSOLE_TYPE_PV;
    libxl_dominfo info;
    struct termios tio;
    char *path = NULL;
    int fd = -1, rc = -1, lrc;

    libxl_dominfo_init(&info);
    if (kind == BE_CONSOLE_SERIAL) {
        type = LIBXL_CONSOLE_TYPE_SERIAL;
    } else if (kind == BE_CONSOLE_DEFAULT) {
        lrc = libxl_domain_info(lx->ctx, &info, domid);
        if (lrc) {
            be_lx_fail(lx, err, domid, "console", lrc);
            goto out;
        }
        if (info.domain_type == LIBXL_DOMAIN_TYPE_HVM)
            type = LIBXL_CONSOLE_TYPE_SERIAL;
    }
    lrc = libxl_console_get_tty(lx->ctx, domid, num, type, &path);
    if (lrc) {
        be_lx_fail(lx, err, domid, "finding the console", lrc);
        goto out;
    }
    fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, XT_ERRLEN, "domain %u: cannot open console %s: %s",
                 domid, path, strerror(errno));
        goto out;
    }
    /* The pty is the guest's terminal line: raw, so that our side passes
     * bytes through and does not echo them back a second time. */
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(fd, TCSANOW, &tio);
    }
    *fd_r = fd;
    fd = -1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(path);
    libxl_dominfo_dispose(&info);
    return rc;
}

/* ---- host ------------------------------------------------------------ */

static int lx_host_info(struct be *be, libxl_physinfo *phys,
                        libxl_version_info *ver, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    const libxl_version_info *v;
    int rc;

    rc = libxl_get_physinfo(lx->ctx, phys);
    if (rc)
        return be_lx_fail(lx, err, INVALID_DOMID, "reading host information",
                          rc);
    if (!ver)
        return 0;                 /* the caller wants the host alone */
    v = libxl_get_version_info(lx->ctx);
    if (!v)
        return be_lx_fail(lx, err, INVALID_DOMID, "reading Xen's version",
                          ERROR_FAIL);
    libxl_version_info_copy(lx->ctx, ver, v);
    return 0;
}

static int lx_cpu_topology(struct be *be, libxl_cputopology **topo_r,
                           int *n_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);

    *topo_r = libxl_get_cpu_topology(lx->ctx, n_r);
    if (!*topo_r)
        return be_lx_fail(lx, err, INVALID_DOMID, "reading the CPU topology",
                          ERROR_FAIL);
    return 0;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    char *p;

    if (*len + n + 1 > *cap) {
        size_t ncap = (*cap ? *cap : 4096);
        while (ncap < *len + n + 1)
            ncap *= 2;
        p = realloc(*buf, ncap);
        if (!p)
            return -1;
        *buf = p;
        *cap = ncap;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return 0;
}

static int lx_dmesg(struct be *be, int clear, char **buf_r, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_xen_console_reader *cr;
    size_t len = 0, cap = 0;
    char *buf = NULL, *line;
    int rc = -1, r;

    cr = libxl_xen_console_read_start(lx->ctx, clear);
    if (!cr)
        return be_lx_fail(lx, err, INVALID_DOMID, "reading Xen's messages",
                          ERROR_FAIL);
    while ((r = libxl_xen_console_read_line(lx->ctx, cr, &line)) > 0) {
        if (append(&buf, &len, &cap, line)) {
            snprintf(err, XT_ERRLEN, "reading Xen's messages: out of "
                     "memory");
            goto out;
        }
    }
    if (r < 0) {
        be_lx_fail(lx, err, INVALID_DOMID, "reading Xen's messages", r);
        goto out;
    }
    if (!buf && append(&buf, &len, &cap, "")) {
        snprintf(err, XT_ERRLEN, "reading Xen's messages: out of memory");
        goto out;
    }
    *buf_r = buf;
    buf = NULL;
    rc = 0;
out:
    libxl_xen_console_read_finish(lx->ctx, cr);
    free(buf);
    return rc;
}

static int lx_trigger(struct be *be, uint32_t domid, enum be_trigger t,
                      int vcpu, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    libxl_trigger trig;
    int rc;

    switch (t) {
    case BE_TRIGGER_POWER: trig = LIBXL_TRIGGER_POWER; break;
    case BE_TRIGGER_RESET: trig = LIBXL_TRIGGER_RESET; break;
    case BE_TRIGGER_NMI: trig = LIBXL_TRIGGER_NMI; break;
    case BE_TRIGGER_INIT: trig = LIBXL_TRIGGER_INIT; break;
    case BE_TRIGGER_SLEEP: trig = LIBXL_TRIGGER_SLEEP; break;
    case BE_TRIGGER_S3RESUME: trig = LIBXL_TRIGGER_S3RESUME; break;
    default:
        snprintf(err, XT_ERRLEN, "domain %u: unknown trigger %d", domid,
                 (int)t);
        return -1;
    }
    rc = libxl_send_trigger(lx->ctx, domid, trig, vcpu, NULL);
    return rc ? be_lx_fail(lx, err, domid, "trigger", rc) : 0;
}

static int lx_sysrq(struct be *be, uint32_t domid, char key, char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_send_sysrq(lx->ctx, domid, key);

    return rc ? be_lx_fail(lx, err, domid, "sysrq", rc) : 0;
}

static int lx_dump_core(struct be *be, uint32_t domid, const char *path,
                        char *err)
{
    struct be_lx *lx = be_lx_of(be);
    int rc = libxl_domain_core_dump(lx->ctx, domid, path, NULL);

    return rc ? be_lx_fail(lx, err, domid, "dump-core", rc) : 0;
}

/* ---- open and close ------------------------------------------------- */

static void lx_close(struct be *be)
{
    struct be_lx *lx = be_lx_of(be);

    if (lx->ctx)
        libxl_ctx_free(lx->ctx);
    free(lx);
}

static const struct be_ops lx_ops = {
    .name = "libxl",
    .close = lx_close,
    .list = lx_list,
    .start_time = lx_start_time,
    .get_config = lx_get_config,
    .create = be_lx_create,
    .destroy = lx_destroy,
    .shutdown = lx_shutdown,
    .pause = lx_pause,
    .unpause = lx_unpause,
    .rename = lx_rename,
    .send = be_lx_send,
    .resume = be_lx_resume,
    .receive = be_lx_receive,
    .set_memory = be_lx_set_memory,
    .set_maxmem = be_lx_set_maxmem,
    .set_vcpus = be_lx_set_vcpus,
    .vcpu_list = be_lx_vcpu_list,
    .vcpu_pin = be_lx_vcpu_pin,
    .disk_add = be_lx_disk_add,
    .disk_remove = be_lx_disk_remove,
    .disk_list = be_lx_disk_list,
    .nic_add = be_lx_nic_add,
    .nic_remove = be_lx_nic_remove,
    .nic_list = be_lx_nic_list,
    .console_open = lx_console_open,
    .host_info = lx_host_info,
    .cpu_topology = lx_cpu_topology,
    .dmesg = lx_dmesg,
    .trigger = lx_trigger,
    .sysrq = lx_sysrq,
    .dump_core = lx_dump_core,
    .save_flags = XL_MANDATORY_FLAG_STREAMv2,
    .config_from_json = lx_config_from_json,
    .pool_list = be_lx_pool_list,
    .pool_create = be_lx_pool_create,
    .pool_destroy = be_lx_pool_destroy,
    .pool_rename = be_lx_pool_rename,
    .pool_cpus = be_lx_pool_cpus,
    .pool_move = be_lx_pool_move,
    .sched_get = be_lx_sched_get,
    .sched_set = be_lx_sched_set,
    .credit_get = be_lx_credit_get,
    .credit_set = be_lx_credit_set,
    .credit2_get = be_lx_credit2_get,
    .credit2_set = be_lx_credit2_set,
    .node_affinity = be_lx_node_affinity,
    .debug_keys = be_lx_debug_keys,
    .set_parameters = be_lx_set_parameters,
    .topology = be_lx_topology,
    .disk_destroy = be_lx_disk_destroy,
    .vncviewer = be_lx_vncviewer,
    .pci_assignable_list = be_lx_pci_assignable_list,
    .pci_assignable_add = be_lx_pci_assignable_add,
    .pci_assignable_remove = be_lx_pci_assignable_remove,
    .pci_add = be_lx_pci_add,
    .pci_remove = be_lx_pci_remove,
    .pci_list = be_lx_pci_list,
    .cdrom_insert = be_lx_cdrom_insert,
    .vtpm_add = be_lx_vtpm_add,
    .vtpm_remove = be_lx_vtpm_remove,
    .vtpm_list = be_lx_vtpm_list,
    .channel_list = be_lx_channel_list,
    .usbctrl_add = be_lx_usbctrl_add,
    .usbctrl_remove = be_lx_usbctrl_remove,
    .usbdev_add = be_lx_usbdev_add,
    .usbdev_remove = be_lx_usbdev_remove,
    .usb_list = be_lx_usb_list,
    .vcpu_sched_get = be_lx_vcpu_sched_get,
    .vcpu_sched_set = be_lx_vcpu_sched_set,
    .config_update = be_lx_config_update,
};

int be_libxl_open(struct be **be_r, char *err)
{
    struct be_lx *lx;

    *be_r = NULL;
    lx = calloc(1, sizeof(*lx));
    if (!lx) {
        snprintf(err, XT_ERRLEN, "libxl backend: out of memory");
        return -1;
    }
    lx->be.ops = &lx_ops;
    be_lx_logger_init(&lx->log, XTL_ERROR, -1);
    if (be_lx_ctx_open(lx, err)) {
        free(lx);
        return -1;
    }
    *be_r = &lx->be;
    return 0;
}
