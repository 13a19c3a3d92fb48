/*
 * sim_guest.c - the simulated guest: a process that owns the domain's
 * memory, boots (prints a boot log built from the config), then runs a
 * small shell on its console.  The shell understands poweroff, reboot,
 * crash, soft-reset (a kexec: SHUTDOWN_soft_reset), status and dirty (a
 * workload that rewrites memory at a given rate), so that tests can
 * drive the guest the way they would drive a real one.  The workload's
 * rate is kept in guest memory, so that it goes on after a migration or
 * a restore; the prompt shows the domain's name as its record says now.
 *
 * Every write to guest memory goes through gmem_write, which marks the
 * page in the log-dirty bitmap before and after the write: a sender that
 * clears a bit and then copies the page cannot miss a write, even if the
 * guest is stopped between the two marks.
 *
 * The socket DIR/dom/ID/sock serves both the console and the toolstack's
 * control requests: a client's first line is "console" or "ctl REQUEST".
 * Console output with no client attached is kept (up to CON_BUF bytes)
 * and handed to the next client, as xenconsoled does.
 *
 * The guest balloons as a Linux guest with a balloon driver does: it
 * uses only the first cur_pages pages of its memory, set from the
 * config's target at boot and by mem-set ("balloon KB") since.  Pages
 * it gives up are punched out of the memory file, so that the host gets
 * them back; pages given back to it read as zeros.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "savefile.h"
#include "sim.h"

#define MAX_CLIENTS 8
#define CON_BUF     (64 * 1024)
#define LINE_MAX_   256
#define TICK_MS     100
#define MAX_VIFS    16
#define MAX_HOT     16

struct client {
    int fd;
    int pfd;                   /* an fd passed with a control request */
    int kind;                  /* 0 unknown, 1 console, 2 control */
    char line[LINE_MAX_];
    size_t len;
};

struct vif {
    int devid;                 /* -1: a free slot */
    int fd;                    /* its tap, which lives as long as this */
    char msg[200];             /* how it is connected */
};

struct guest {
    struct sim_guest_args *a;
    struct sim_mem m;
    struct sim_clock *clock;
    int lfd;
    char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
    struct client cl[MAX_CLIENTS];
    char pending[CON_BUF];
    size_t npending;
    uint64_t cur_pages;        /* the balloon: pages the guest may use */
    uint64_t dirty_next;       /* next pfn the workload writes */
    uint64_t rng;
    int exit_code;             /* set when the guest stops */
    char name[SIM_NAME_MAX];   /* the domain's, as its record says */
    int ignore_requests;       /* "requests ignore": no shutdown, no ACPI */
    int asleep;                /* in S3: its clock and workload stop */
    struct vif vif[MAX_VIFS];  /* the config's first, then hot-plugged */
    int hotfd[MAX_HOT];        /* hot-plugged disk images, held open */
    char hotvdev[MAX_HOT][16];
};

static void mark(struct guest *g, uint64_t pfn)
{
    __atomic_fetch_or(&g->m.dirty[pfn / 64], 1ull << (pfn % 64),
                      __ATOMIC_RELEASE);
}

static void gmem_write(struct guest *g, uint64_t off, const void *buf,
                       size_t len)
{
    uint64_t first = off / SIM_PAGE, last = (off + len - 1) / SIM_PAGE, p;

    for (p = first; p <= last; p++)
        mark(g, p);
    memcpy(g->m.mem + off, buf, len);
    for (p = first; p <= last; p++)
        mark(g, p);
}

static uint64_t rnd(struct guest *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return g->rng;
}

static void fill_page(struct guest *g, uint64_t pfn)
{
    uint64_t page[SIM_PAGE / 8];
    unsigned int i;

    for (i = 0; i < SIM_PAGE / 8; i++)
        page[i] = rnd(g);
    gmem_write(g, pfn * SIM_PAGE, page, SIM_PAGE);
}

static void drop_client(struct client *c)
{
    close(c->fd);
    if (c->pfd >= 0)
        close(c->pfd);
    c->pfd = -1;
    c->fd = -1;
    c->kind = 0;
    c->len = 0;
}

static int any_console(struct guest *g)
{
    int i;

    for (i = 0; i < MAX_CLIENTS; i++)
        if (g->cl[i].fd >= 0 && g->cl[i].kind == 1)
            return 1;
    return 0;
}

static void con_write(struct guest *g, const char *buf, size_t len)
{
    size_t keep;
    int i;

    if (!any_console(g)) {
        if (len >= CON_BUF) {
            buf += len - CON_BUF;
            len = CON_BUF;
        }
        if (g->npending + len > CON_BUF) {
            keep = CON_BUF - len;
            memmove(g->pending, g->pending + g->npending - keep, keep);
            g->npending = keep;
        }
        memcpy(g->pending + g->npending, buf, len);
        g->npending += len;
        return;
    }
    for (i = 0; i < MAX_CLIENTS; i++)
        if (g->cl[i].fd >= 0 && g->cl[i].kind == 1 &&
            core_write_full(g->cl[i].fd, buf, len))
            drop_client(&g->cl[i]);
}

static void con_printf(struct guest *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void con_printf(struct guest *g, const char *fmt, ...)
{
    char buf[1024], out[2048];
    size_t i, n = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    /* A terminal in raw mode needs "\r\n". */
    for (i = 0; buf[i] && n < sizeof(out) - 2; i++) {
        if (buf[i] == '\n')
            out[n++] = '\r';
        out[n++] = buf[i];
    }
    con_write(g, out, n);
}

/* The domain's name as the record says now: a rename (the last step of
 * an incoming migration, which leaves NAME--incoming behind) changes it
 * under the running guest.  Without a readable record the old name
 * stands. */
static void refresh_name(struct guest *g)
{
    char err[XT_ERRLEN];
    struct sim_dom d;

    if (sim_info_read(g->a->s, g->a->domid, &d, err) == 0 && d.name[0])
        snprintf(g->name, sizeof(g->name), "%s", d.name);
}

static void prompt(struct guest *g)
{
    refresh_name(g);
    con_printf(g, "root@%s:~# ", g->name);
}

/* The dirty workload's rate lives in guest memory (the clock page). */
static void set_dirty_rate(struct guest *g, uint64_t rate)
{
    gmem_write(g, offsetof(struct sim_clock, dirty_rate), &rate,
               sizeof(rate));
}

static const char *disk_path(const libxl_device_disk *d)
{
    return d->pdev_path ? d->pdev_path : "(empty)";
}

static void boot_log(struct guest *g)
{
    libxl_domain_config *c = g->a->c;
    libxl_domain_build_info *b = &c->b_info;
    int i;

    con_printf(g, "Xen simulated domain %s (domid %u), %s guest\n",
               g->name, g->a->domid,
               libxl_domain_type_to_string(c->c_info.type));
    con_printf(g, "Booting kernel %s\n", b->kernel ? b->kernel :
               "(firmware)");
    if (b->ramdisk)
        con_printf(g, "  ramdisk: %s\n", b->ramdisk);
    if (b->cmdline)
        con_printf(g, "  cmdline: %s\n", b->cmdline);
    con_printf(g, "  memory: %" PRIu64 " KiB, vcpus: %d\n",
               b->target_memkb, b->max_vcpus);
    for (i = 0; i < c->num_disks; i++)
        con_printf(g, "  disk %s: %s (%s)\n", c->disks[i].vdev ?
                   c->disks[i].vdev : "?", disk_path(&c->disks[i]),
                   c->disks[i].readwrite ? "rw" : "ro");
    for (i = 0; i < c->num_nics && i < MAX_VIFS; i++)
        con_printf(g, "  vif%d: mac " LIBXL_MAC_FMT ": %s\n",
                   c->nics[i].devid, LIBXL_MAC_BYTES(c->nics[i].mac),
                   g->vif[i].msg);
    con_printf(g, "\nWelcome to %s (simulated)\n\n", g->name);
}

/* After a soft reset (kexec), the new kernel boots on the memory the
 * old one left: only the clock says it is a new boot. */
static void boot_soft(struct guest *g)
{
    struct sim_clock clk = *g->clock;

    clk.boots++;
    clk.boot_time = (uint64_t)time(NULL);
    clk.dirty_rate = 0;        /* the new kernel runs no workload yet */
    gmem_write(g, 0, &clk, sizeof(clk));
    con_printf(g, "\n[soft reset: memory kept]\n");
    boot_log(g);
    prompt(g);
}

static void boot(struct guest *g)
{
    struct sim_clock clk;
    uint64_t pfn, n;

    if (g->a->soft_reset && g->clock->magic == SIM_CLOCK_MAGIC)
        return boot_soft(g);
    if (g->a->restored && g->clock->magic == SIM_CLOCK_MAGIC) {
        con_printf(g, "\n[resumed]\n");
        prompt(g);
        return;
    }
    memset(&clk, 0, sizeof(clk));
    clk.magic = SIM_CLOCK_MAGIC;
    clk.boots = 1;
    clk.boot_time = (uint64_t)time(NULL);
    gmem_write(g, 0, &clk, sizeof(clk));
    /* The "kernel image": a few pages of data derived from the uuid. */
    n = g->cur_pages > 65 ? 64 : g->cur_pages - 1;
    for (pfn = 1; pfn <= n; pfn++)
        fill_page(g, pfn);
    boot_log(g);
    prompt(g);
}

static void tick(struct guest *g)
{
    uint64_t counter = g->clock->counter + 1, pages, i;

    if (g->asleep)
        return;
    gmem_write(g, offsetof(struct sim_clock, counter), &counter,
               sizeof(counter));
    if (!g->clock->dirty_rate || g->cur_pages < 2)
        return;
    pages = g->clock->dirty_rate / SIM_PAGE / (1000 / TICK_MS);
    if (pages == 0)
        pages = 1;
    for (i = 0; i < pages; i++) {
        if (g->dirty_next < 1 || g->dirty_next >= g->cur_pages)
            g->dirty_next = 1;
        fill_page(g, g->dirty_next++);
    }
}

/* "64M/s", "512k", "1G/s" -> bytes per second. */
static int parse_rate(const char *s, uint64_t *r)
{
    unsigned long long v;
    char *end;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    }
    if (*end && strcmp(end, "/s") && strcmp(end, "B/s"))
        return -1;
    *r = v;
    return 0;
}

static void status(struct guest *g)
{
    time_t now = time(NULL);

    con_printf(g, "uptime: %" PRIu64 " s\n",
               (uint64_t)now > g->clock->boot_time ?
               (uint64_t)now - g->clock->boot_time : 0);
    con_printf(g, "boots: %u\n", g->clock->boots);
    con_printf(g, "counter: %" PRIu64 "\n", g->clock->counter);
    con_printf(g, "memory: %" PRIu64 " KiB\n", g->cur_pages * 4);
    con_printf(g, "checksum: %016" PRIx64 "\n", sim_mem_checksum(&g->m));
    if (g->clock->dirty_rate)
        con_printf(g, "dirty: %" PRIu64 " bytes/s\n",
                   g->clock->dirty_rate);
    else
        con_printf(g, "dirty: off\n");
}

static void stop(struct guest *g, int code, const char *msg)
{
    con_printf(g, "%s\n", msg);
    g->exit_code = code;
}

static void shell(struct guest *g, char *line)
{
    uint64_t rate;
    char *arg;

    line[strcspn(line, "\r\n")] = '\0';
    while (*line == ' ')
        line++;
    arg = strchr(line, ' ');
    if (arg)
        *arg++ = '\0';
    if (!*line)
        ;
    else if (!strcmp(line, "poweroff") || !strcmp(line, "halt"))
        return stop(g, SIM_EXIT_POWEROFF, "System halted: power down.");
    else if (!strcmp(line, "reboot"))
        return stop(g, SIM_EXIT_REBOOT, "Restarting system.");
    else if (!strcmp(line, "crash"))
        return stop(g, SIM_EXIT_CRASH,
                    "Kernel panic - not syncing: crash requested");
    else if (!strcmp(line, "soft-reset") || !strcmp(line, "kexec"))
        return stop(g, SIM_EXIT_SOFT_RESET,
                    "kexec: starting the new kernel (soft reset)");
    else if (!strcmp(line, "status"))
        status(g);
    else if (!strcmp(line, "dirty") && arg && !strcmp(arg, "off"))
        set_dirty_rate(g, 0);
    else if (!strcmp(line, "dirty") && arg && parse_rate(arg, &rate) == 0) {
        set_dirty_rate(g, rate);
        con_printf(g, "dirtying %" PRIu64 " bytes/s\n", rate);
    }
    /* A guest that hangs on to its requests, as one without PV drivers
     * or with a stuck shutdown does: it ignores the shutdown request and
     * the power button from here on. */
    else if (!strcmp(line, "requests") && arg && !strcmp(arg, "ignore"))
        g->ignore_requests = 1;
    else if (!strcmp(line, "help"))
        con_printf(g, "commands: status, dirty RATE|off, poweroff, reboot,"
                   " crash, soft-reset, requests ignore\n");
    else
        con_printf(g, "sh: %s: not found\n", line);
    prompt(g);
}

static void sysrq(struct guest *g, char key)
{
    con_printf(g, "sysrq: key '%c'\n", key);
    switch (key) {
    case 'b': stop(g, SIM_EXIT_REBOOT, "sysrq: Resetting"); break;
    case 'o': stop(g, SIM_EXIT_POWEROFF, "sysrq: Power Off"); break;
    case 'c': stop(g, SIM_EXIT_CRASH, "Kernel panic - not syncing: sysrq "
                   "triggered crash"); break;
    case 's': con_printf(g, "sysrq: Emergency Sync\n"); break;
    default: con_printf(g, "sysrq: HELP : reboot(b) crash(c) "
                        "poweroff(o) sync(s)\n"); break;
    }
}

/* The pages a balloon of kb KiB leaves the guest: at least the clock
 * page and one more, at most all of its memory. */
static uint64_t balloon_pages(const struct guest *g, uint64_t kb)
{
    uint64_t pages = kb / 4;

    if (pages < 2)
        pages = 2;
    return pages < g->m.nr_pages ? pages : g->m.nr_pages;
}

/*
 * mem-set: pages above the new size go back to the host (a hole in the
 * memory file, which also unmaps them); they are marked dirty so that a
 * live send in progress sends them again, as zeros.  Growing only lets
 * the guest use the pages again.
 */
static void balloon(struct guest *g, const char *arg)
{
    uint64_t pages, p;
    char *end;
    unsigned long long kb;

    errno = 0;
    kb = strtoull(arg, &end, 10);
    if (errno || end == arg || *end) {
        con_printf(g, "\nballoon: bad target %.20s\n", arg);
        return;
    }
    pages = balloon_pages(g, kb);
    if (pages < g->cur_pages) {
        for (p = pages; p < g->cur_pages; p++)
            mark(g, p);
        if (fallocate(g->m.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      (off_t)(pages * SIM_PAGE),
                      (off_t)((g->m.nr_pages - pages) * SIM_PAGE)) < 0) {
            con_printf(g, "\nballoon: cannot release memory: %s\n",
                       strerror(errno));
            return;
        }
    }
    g->cur_pages = pages;
    con_printf(g, "\nballoon: memory %" PRIu64 " KiB\n", pages * 4);
}

/* block-attach hands over the image it opened and locked: hold it. */
static void disk_add(struct guest *g, struct client *c, const char *arg)
{
    int i;

    for (i = 0; i < MAX_HOT && g->hotfd[i] >= 0; i++)
        ;
    if (i < MAX_HOT && c && c->pfd >= 0) {
        g->hotfd[i] = c->pfd;
        snprintf(g->hotvdev[i], sizeof(g->hotvdev[i]), "%.*s",
                 (int)strcspn(arg, " "), arg);
        c->pfd = -1;
    }
    con_printf(g, "\nblkfront: %s: attached\n", arg);
}

static void disk_del(struct guest *g, const char *vdev)
{
    int i;

    for (i = 0; i < MAX_HOT; i++)
        if (g->hotfd[i] >= 0 && !strcmp(g->hotvdev[i], vdev)) {
            close(g->hotfd[i]);
            g->hotfd[i] = -1;
        }
    con_printf(g, "\nblkfront: %s: detached\n", vdev);
}

/* network-attach hands over the vif's tap (none when it could not be
 * connected) with "DEVID how it is connected": hold it. */
static void nic_add(struct guest *g, struct client *c, const char *arg)
{
    char *end;
    long devid = strtol(arg, &end, 10);
    int i;

    for (i = 0; i < MAX_VIFS && g->vif[i].devid >= 0; i++)
        ;
    if (end == arg || *end != ' ' || devid < 0 || i == MAX_VIFS) {
        con_printf(g, "\nnetfront: cannot take vif %.20s\n", arg);
        return;
    }
    g->vif[i].devid = (int)devid;
    g->vif[i].fd = c ? c->pfd : -1;
    snprintf(g->vif[i].msg, sizeof(g->vif[i].msg), "%s", end + 1);
    if (c)
        c->pfd = -1;
    con_printf(g, "\nnetfront: vif%ld attached: %s\n", devid, end + 1);
}

/* network-detach: the tap goes with its last fd. */
static void nic_del(struct guest *g, const char *arg)
{
    char *end;
    long devid = strtol(arg, &end, 10);
    int i;

    for (i = 0; i < MAX_VIFS; i++) {
        if (end == arg || *end || g->vif[i].devid != devid)
            continue;
        if (g->vif[i].fd >= 0)
            close(g->vif[i].fd);
        g->vif[i].fd = -1;
        g->vif[i].devid = -1;
    }
    con_printf(g, "\nnetfront: vif%.20s detached\n", arg);
}

/* "KIND VCPU": the events that need the vcpu or change the guest's
 * sleep; the others (power, reset) are handled by control().  Returns 1
 * when handled. */
static int trigger(struct guest *g, const char *arg)
{
    char kind[16];
    int vcpu;

    if (sscanf(arg, "%15s %d", kind, &vcpu) != 2)
        return 0;
    if (!strcmp(kind, "nmi")) {
        con_printf(g, "\nUhhuh. NMI received on vcpu %d.\n", vcpu);
    } else if (!strcmp(kind, "init")) {
        con_printf(g, "\nvcpu %d: INIT received, waiting for SIPI\n", vcpu);
    } else if (!strcmp(kind, "sleep")) {
        if (!g->asleep)
            con_printf(g, "\nACPI: sleep button pressed: suspending to RAM "
                       "(S3)\n");
        g->asleep = 1;
    } else if (!strcmp(kind, "s3resume")) {
        if (g->asleep)
            con_printf(g, "\nACPI: waking up from S3\n");
        g->asleep = 0;
    } else {
        return 0;
    }
    return 1;
}

static void control(struct guest *g, struct client *c, char *req)
{
    req[strcspn(req, "\r\n")] = '\0';
    if (!strncmp(req, "trigger ", 8) && trigger(g, req + 8))
        return;
    if (g->ignore_requests && (!strncmp(req, "shutdown ", 9) ||
                               !strncmp(req, "trigger power", 13)))
        con_printf(g, "\n(request '%s' ignored)\n", req);
    else if (!strcmp(req, "shutdown poweroff") ||
             !strncmp(req, "trigger power", 13))
        stop(g, SIM_EXIT_POWEROFF, "\nThe system is going down for power "
             "off NOW!\nSystem halted: power down.");
    else if (!strcmp(req, "shutdown reboot"))
        stop(g, SIM_EXIT_REBOOT, "\nThe system is going down for reboot "
             "NOW!\nRestarting system.");
    else if (!strncmp(req, "trigger reset", 13))
        stop(g, SIM_EXIT_REBOOT, "\n[reset]");
    else if (!strncmp(req, "sysrq ", 6) && req[6])
        sysrq(g, req[6]);
    else if (!strncmp(req, "note ", 5))
        con_printf(g, "\n%s\n", req + 5);
    else if (!strncmp(req, "disk-add ", 9))
        disk_add(g, c, req + 9);
    else if (!strncmp(req, "disk-del ", 9))
        disk_del(g, req + 9);
    else if (!strncmp(req, "balloon ", 8))
        balloon(g, req + 8);
    else if (!strncmp(req, "nic-add ", 8))
        nic_add(g, c, req + 8);
    else if (!strncmp(req, "nic-del ", 8))
        nic_del(g, req + 8);
}

/* Console input: echo, erase, run a line at CR or LF. */
static void console_input(struct guest *g, struct client *c, const char *b,
                          size_t n)
{
    size_t i;

    for (i = 0; i < n && !g->exit_code; i++) {
        if (b[i] == '\r' || b[i] == '\n') {
            con_write(g, "\r\n", 2);
            c->line[c->len] = '\0';
            c->len = 0;
            shell(g, c->line);
        } else if (b[i] == 0x7f || b[i] == '\b') {
            if (c->len) {
                c->len--;
                con_write(g, "\b \b", 3);
            }
        } else if (c->len < sizeof(c->line) - 1 &&
                   (unsigned char)b[i] >= ' ') {
            c->line[c->len++] = b[i];
            con_write(g, &b[i], 1);
        }
    }
}

/* Reads from a client, keeping an fd passed along (SCM_RIGHTS). */
static ssize_t client_recv(struct client *c, char *buf, size_t len)
{
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {buf, len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.b, .msg_controllen = sizeof(u.b)};
    struct cmsghdr *cm;
    ssize_t n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
    int fd;

    if (n < 0)
        return n;
    for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
            cm->cmsg_len != CMSG_LEN(sizeof(int)))
            continue;
        memcpy(&fd, CMSG_DATA(cm), sizeof(int));
        if (c->pfd >= 0)
            close(c->pfd);
        c->pfd = fd;
    }
    return n;
}

static void client_read(struct guest *g, struct client *c)
{
    char buf[512], *nl;
    ssize_t n = client_recv(c, buf, sizeof(buf));
    size_t take;

    if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (c->kind == 2 && c->len) {
            c->line[c->len] = '\0';
            control(g, c, c->line);
        }
        drop_client(c);
        return;
    }
    if (c->kind == 1)
        return console_input(g, c, buf, n);
    take = (size_t)n < sizeof(c->line) - 1 - c->len ?
           (size_t)n : sizeof(c->line) - 1 - c->len;
    memcpy(c->line + c->len, buf, take);
    c->len += take;
    c->line[c->len] = '\0';
    nl = strchr(c->line, '\n');
    if (!nl)
        return;
    *nl = '\0';
    if (!strcmp(c->line, "console")) {
        /* What the client typed right after the hello is console input. */
        size_t used = (size_t)(nl + 1 - c->line), rest = c->len - used;
        char more[LINE_MAX_];

        memcpy(more, nl + 1, rest);
        c->kind = 1;
        c->len = 0;
        if (g->npending && core_write_full(c->fd, g->pending, g->npending))
            return drop_client(c);
        g->npending = 0;
        if (rest)
            console_input(g, c, more, rest);
        return;
    }
    if (!strncmp(c->line, "ctl ", 4)) {
        control(g, c, c->line + 4);
        if (core_write_full(c->fd, "ok\n", 3)) {
            /* The requester went away; the request still stands. */
        }
    }
    drop_client(c);
}

static void accept_client(struct guest *g)
{
    /* Non-blocking: a console client that stops reading loses output
     * (and is dropped) rather than stopping the guest. */
    int fd = accept4(g->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), i;

    if (fd < 0)
        return;
    for (i = 0; i < MAX_CLIENTS; i++) {
        if (g->cl[i].fd < 0) {
            g->cl[i].fd = fd;
            g->cl[i].pfd = -1;
            g->cl[i].kind = 0;
            g->cl[i].len = 0;
            return;
        }
    }
    close(fd);
}

static int listen_sock(struct guest *g, char *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char path[PATH_MAX];

    if (sim_path(g->a->s, g->a->domid, "sock", path, sizeof(path), err))
        return -1;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        sim_err(err, "console socket path too long: %s (set "
                 "XLTOOL_SIM_DIR to a shorter directory)", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    strcpy(g->sock, path);
    unlink(path);
    g->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (g->lfd < 0 || bind(g->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(g->lfd, 16) < 0) {
        sim_err(err, "cannot listen on %s: %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static void run(struct guest *g)
{
    struct pollfd pfd[1 + MAX_CLIENTS];
    struct timespec last, now;
    int i, n, idx[1 + MAX_CLIENTS];
    long ms;

    clock_gettime(CLOCK_MONOTONIC, &last);
    while (!g->exit_code) {
        pfd[0] = (struct pollfd){g->lfd, POLLIN, 0};
        for (n = 1, i = 0; i < MAX_CLIENTS; i++)
            if (g->cl[i].fd >= 0) {
                idx[n] = i;
                pfd[n++] = (struct pollfd){g->cl[i].fd, POLLIN, 0};
            }
        poll(pfd, n, TICK_MS);
        if (pfd[0].revents & POLLIN)
            accept_client(g);
        for (i = 1; i < n && !g->exit_code; i++)
            if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
                client_read(g, &g->cl[idx[i]]);
        clock_gettime(CLOCK_MONOTONIC, &now);
        ms = (now.tv_sec - last.tv_sec) * 1000 +
             (now.tv_nsec - last.tv_nsec) / 1000000;
        if (ms >= TICK_MS) {
            tick(g);
            last = now;
        }
    }
}

/* A vif of the config, at boot: a tap on its bridge if the host allows
 * it; if not, the boot log and the hypervisor log say why. */
static void vif_open(struct guest *g, int i)
{
    libxl_device_nic *nic = &g->a->c->nics[i];
    struct vif *v = &g->vif[i];

    v->devid = nic->devid;
    if (sim_vif_connect(nic, g->a->domid, &v->fd, v->msg,
                        sizeof(v->msg)) == 0)
        return;
    sim_log(g->a->s, "warning: domain %u (%s) vif%d %s", g->a->domid,
            g->name, nic->devid, v->msg);
}

void sim_guest_main(struct sim_guest_args *a)
{
    static struct guest g;
    char err[XT_ERRLEN] = "", go;
    int i;

    memset(&g, 0, sizeof(g));
    g.a = a;
    g.lfd = -1;
    snprintf(g.name, sizeof(g.name), "%s",
             a->c->c_info.name ? a->c->c_info.name : "domain");
    for (i = 0; i < MAX_CLIENTS; i++)
        g.cl[i].fd = g.cl[i].pfd = -1;
    for (i = 0; i < MAX_HOT; i++)
        g.hotfd[i] = -1;
    for (i = 0; i < MAX_VIFS; i++)
        g.vif[i].devid = g.vif[i].fd = -1;
    signal(SIGPIPE, SIG_IGN);
    if (sim_mem_open(a->s, a->domid, &g.m, err) || listen_sock(&g, err)) {
        if (core_write_full(a->ready_fd, err, strlen(err) + 1)) {
            /* Nobody to tell. */
        }
        _exit(SIM_EXIT_SETUP);
    }
    for (i = 0; i < a->c->num_nics && i < MAX_VIFS; i++)
        vif_open(&g, i);
    g.clock = (struct sim_clock *)g.m.mem;
    g.cur_pages = balloon_pages(&g, a->c->b_info.target_memkb);
    g.rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)getpid() << 20) ^
            (uint64_t)time(NULL);
    if (core_write_full(a->ready_fd, "", 1) ||
        core_read_full(a->go_fd, &go, 1))
        _exit(SIM_EXIT_SETUP);
    close(a->ready_fd);
    close(a->go_fd);
    boot(&g);
    run(&g);
    unlink(g.sock);
    for (i = 0; i < MAX_CLIENTS; i++)
        if (g.cl[i].fd >= 0)
            close(g.cl[i].fd);
    _exit(g.exit_code);
}
