/*
 * sim_stream.c - the simulated backend's page stream, and the guest
 * memory and log-dirty bitmap it is read from.
 *
 * Stream: a header {magic "XLTSIMv1", uint32 version, uint32 page size,
 * uint64 number of pages}; in version 2 (written only when the domain's
 * config says something libxl's cannot, so that other streams stay
 * readable by version 1 readers) it is followed by {uint32 length, that
 * many bytes of text}, the struct cfg_extra text form, at most
 * SIM_STREAM_MAX_EXTRA bytes.  Then records {uint32 type, uint32 length,
 * payload}.  A PAGES record carries {uint32 count, uint32 0, count x
 * uint64 pfn, count pages}; its length must be exactly that and count at
 * most SIM_STREAM_BATCH; every pfn must be below the number of pages.
 * An END record (length 0) closes the stream.  All integers are in the
 * host's byte order (the save-file header has already checked it).
 *
 * Sending (sim_send) walks memory while the guest runs: a first pass over
 * every page that holds data, then rounds over the pages the guest has
 * dirtied meanwhile, then the guest is stopped and the rest is sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "savefile.h"
#include "sim.h"

struct stream_hdr {
    char magic[8];
    uint32_t version;
    uint32_t page_size;
    uint64_t nr_pages;
};

struct rec_hdr {
    uint32_t type;
    uint32_t len;
};

static int wr(int fd, const void *buf, size_t len, char *err)
{
    if (core_write_full(fd, buf, len) == 0)
        return 0;
    sim_err(err, "cannot write the memory stream: %s",
             strerror(errno));
    return -1;
}

static int rd(int fd, void *buf, size_t len, const char *what, char *err)
{
    if (core_read_full(fd, buf, len) == 0)
        return 0;
    if (errno)
        sim_err(err, "cannot read the memory stream (%s): %s",
                 what, strerror(errno));
    else
        sim_err(err, "memory stream truncated in %s", what);
    return -1;
}

int sim_stream_write_header(int fd, uint64_t nr_pages, const char *extra,
                            char *err)
{
    uint32_t xlen = extra ? (uint32_t)strlen(extra) : 0;
    struct stream_hdr h;

    if (extra && strlen(extra) > SIM_STREAM_MAX_EXTRA)
        return sim_err(err, "the domain's config extra is too long"), -1;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, SIM_STREAM_MAGIC, 8);
    h.version = xlen ? 2 : 1;
    h.page_size = SIM_PAGE;
    h.nr_pages = nr_pages;
    if (wr(fd, &h, sizeof(h), err))
        return -1;
    if (!xlen)
        return 0;
    return wr(fd, &xlen, sizeof(xlen), err) || wr(fd, extra, xlen, err) ?
           -1 : 0;
}

/* The text after a version 2 header. */
static int read_extra(int fd, char **extra_r, char *err)
{
    uint32_t xlen;
    char *text;

    if (rd(fd, &xlen, sizeof(xlen), "its header", err))
        return -1;
    if (xlen == 0 || xlen > SIM_STREAM_MAX_EXTRA)
        return sim_err(err, "memory stream: config extra of %u bytes",
                       xlen), -1;
    text = malloc(xlen + 1);
    if (!text)
        return sim_err(err, "out of memory"), -1;
    if (rd(fd, text, xlen, "its header", err)) {
        free(text);
        return -1;
    }
    text[xlen] = '\0';
    if (strlen(text) != xlen) {
        free(text);
        return sim_err(err, "memory stream: config extra holds a NUL"), -1;
    }
    *extra_r = text;
    return 0;
}

int sim_stream_write_pages(int fd, const uint64_t *pfns, unsigned int n,
                           const unsigned char *mem, char *err)
{
    struct iovec iov[3 + SIM_STREAM_BATCH];
    struct rec_hdr r = {SIM_REC_PAGES, 0};
    uint32_t cnt[2] = {n, 0};
    size_t total = 0, done;
    unsigned int i, k = 0;
    ssize_t w;

    if (n == 0)
        return 0;
    if (n > SIM_STREAM_BATCH)
        return sim_err(err, "page batch too large"), -1;
    r.len = 8 + n * 8 + n * SIM_PAGE;
    iov[k++] = (struct iovec){&r, sizeof(r)};
    iov[k++] = (struct iovec){cnt, sizeof(cnt)};
    iov[k++] = (struct iovec){(void *)pfns, n * 8};
    for (i = 0; i < n; i++)
        iov[k++] = (struct iovec){(void *)(mem + pfns[i] * SIM_PAGE),
                                  SIM_PAGE};
    for (i = 0; i < k; i++)
        total += iov[i].iov_len;
    /* A short writev is finished by plain writes of what is left. */
    w = writev(fd, iov, k);
    if (w < 0 && errno != EINTR)
        return sim_err(err, "cannot write the memory stream: "
                        "%s", strerror(errno)), -1;
    done = w < 0 ? 0 : (size_t)w;
    for (i = 0; i < k && done < total; i++) {
        if (done >= iov[i].iov_len) {
            done -= iov[i].iov_len;
            total -= iov[i].iov_len;
            continue;
        }
        if (wr(fd, (char *)iov[i].iov_base + done, iov[i].iov_len - done,
               err))
            return -1;
        total -= iov[i].iov_len;
        done = 0;
    }
    return 0;
}

int sim_stream_write_end(int fd, char *err)
{
    struct rec_hdr r = {SIM_REC_END, 0};

    return wr(fd, &r, sizeof(r), err);
}

int sim_stream_read_header(int fd, uint64_t *nr_pages_r, char **extra_r,
                           char *err)
{
    struct stream_hdr h;

    *extra_r = NULL;
    if (rd(fd, &h, sizeof(h), "its header", err))
        return -1;
    if (memcmp(h.magic, SIM_STREAM_MAGIC, 8)) {
        sim_err(err, "not a simulated memory stream (bad "
                 "magic)");
        return -1;
    }
    if ((h.version != 1 && h.version != 2) || h.page_size != SIM_PAGE) {
        sim_err(err, "memory stream version %u, page size %u:"
                 " not supported", h.version, h.page_size);
        return -1;
    }
    if (h.nr_pages == 0 || h.nr_pages > SIM_STREAM_MAX_PAGES) {
        sim_err(err, "memory stream claims %" PRIu64 " pages",
                 h.nr_pages);
        return -1;
    }
    if (h.version == 2 && read_extra(fd, extra_r, err))
        return -1;
    if (!*extra_r && !(*extra_r = strdup("")))
        return sim_err(err, "out of memory"), -1;
    *nr_pages_r = h.nr_pages;
    return 0;
}

/* Reads one PAGES record whose header said len bytes. */
static int read_pages(int fd, uint32_t len, uint64_t nr_pages,
                      sim_page_fn *fn, void *opaque, unsigned char *buf,
                      char *err)
{
    uint64_t pfns[SIM_STREAM_BATCH];
    uint32_t cnt[2];
    unsigned int i, k;

    if (len < 8)
        return sim_err(err, "memory stream: page record of %u"
                        " bytes", len), -1;
    if (rd(fd, cnt, sizeof(cnt), "a page record", err))
        return -1;
    if (cnt[0] == 0 || cnt[0] > SIM_STREAM_BATCH || cnt[1] != 0 ||
        len != 8 + cnt[0] * 8 + cnt[0] * SIM_PAGE) {
        sim_err(err, "memory stream: bad page record (count "
                 "%u, length %u)", cnt[0], len);
        return -1;
    }
    if (rd(fd, pfns, cnt[0] * 8, "a page record", err))
        return -1;
    for (i = 0; i < cnt[0]; i++) {
        if (pfns[i] >= nr_pages) {
            sim_err(err, "memory stream: page %" PRIu64
                     " beyond the domain's %" PRIu64 " pages", pfns[i],
                     nr_pages);
            return -1;
        }
    }
    if (rd(fd, buf, (size_t)cnt[0] * SIM_PAGE, "a page record", err))
        return -1;
    /* One store for each run of consecutive pages. */
    for (i = 0; i < cnt[0]; i += k) {
        for (k = 1; i + k < cnt[0] && pfns[i + k] == pfns[i] + k; k++)
            ;
        if (fn(pfns[i], k, buf + (size_t)i * SIM_PAGE, opaque)) {
            sim_err(err, "cannot store page %" PRIu64 ": %s",
                     pfns[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

int sim_stream_read_body(int fd, uint64_t nr_pages, sim_page_fn *fn,
                         void *opaque, char *err)
{
    unsigned char *buf = malloc((size_t)SIM_STREAM_BATCH * SIM_PAGE);
    struct rec_hdr r;
    int rc = -1;

    if (!buf)
        return sim_err(err, "out of memory"), -1;
    for (;;) {
        if (rd(fd, &r, sizeof(r), "a record header", err))
            goto out;
        if (r.type == SIM_REC_END) {
            if (r.len != 0) {
                sim_err(err, "memory stream: end record of %u"
                         " bytes", r.len);
                goto out;
            }
            break;
        }
        if (r.type != SIM_REC_PAGES) {
            sim_err(err, "memory stream: unknown record type "
                     "%u", r.type);
            goto out;
        }
        if (read_pages(fd, r.len, nr_pages, fn, opaque, buf, err))
            goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

int sim_mem_open(const struct sim *s, uint32_t domid, struct sim_mem *m,
                 char *err)
{
    char path[PATH_MAX];
    struct stat st;
    size_t dlen;

    memset(m, 0, sizeof(*m));
    m->fd = m->dfd = -1;
    m->mem = MAP_FAILED;
    m->dirty = MAP_FAILED;
    if (sim_path(s, domid, "mem", path, sizeof(path), err))
        goto fail;
    m->fd = open(path, O_RDWR | O_CLOEXEC);
    if (m->fd < 0 || fstat(m->fd, &st) < 0 || st.st_size < SIM_PAGE)
        goto fail_errno;
    m->nr_pages = st.st_size / SIM_PAGE;
    m->mem = mmap(NULL, m->nr_pages * SIM_PAGE, PROT_READ | PROT_WRITE,
                  MAP_SHARED, m->fd, 0);
    if (m->mem == MAP_FAILED)
        goto fail_errno;
    if (sim_path(s, domid, "dirty", path, sizeof(path), err))
        goto fail;
    m->dfd = open(path, O_RDWR | O_CLOEXEC);
    dlen = (m->nr_pages + 63) / 64 * 8;
    if (m->dfd < 0 || fstat(m->dfd, &st) < 0 || (size_t)st.st_size < dlen)
        goto fail_errno;
    m->dirty = mmap(NULL, dlen, PROT_READ | PROT_WRITE, MAP_SHARED, m->dfd,
                    0);
    if (m->dirty == MAP_FAILED)
        goto fail_errno;
    return 0;
fail_errno:
    sim_err(err, "domain %u: cannot map its memory %s: %s",
             domid, path, errno ? strerror(errno) : "bad size");
fail:
    sim_mem_close(m);
    return -1;
}

void sim_mem_close(struct sim_mem *m)
{
    if (m->mem != MAP_FAILED && m->mem)
        munmap(m->mem, m->nr_pages * SIM_PAGE);
    if (m->dirty != MAP_FAILED && m->dirty)
        munmap(m->dirty, (m->nr_pages + 63) / 64 * 8);
    if (m->fd >= 0)
        close(m->fd);
    if (m->dfd >= 0)
        close(m->dfd);
    m->mem = MAP_FAILED;
    m->dirty = MAP_FAILED;
    m->fd = m->dfd = -1;
}

int sim_mem_page_is_zero(const struct sim_mem *m, uint64_t pfn)
{
    const uint64_t *p = (const uint64_t *)(m->mem + pfn * SIM_PAGE);
    unsigned int i;

    for (i = 0; i < SIM_PAGE / 8; i++)
        if (p[i])
            return 0;
    return 1;
}

/* The next page at or after pfn that may hold data (holes are skipped);
 * returns nr_pages when there is none. */
static uint64_t next_data_page(const struct sim_mem *m, uint64_t pfn)
{
    off_t off;

    if (pfn >= m->nr_pages)
        return m->nr_pages;
    off = lseek(m->fd, (off_t)(pfn * SIM_PAGE), SEEK_DATA);
    if (off < 0)
        return errno == ENXIO ? m->nr_pages : pfn;
    return (uint64_t)off / SIM_PAGE;
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

/* A checksum of every page but the clock page; a page of zeros counts
 * the same whether it is a hole or was written, so that a restored copy
 * sums the same as the original. */
uint64_t sim_mem_checksum(const struct sim_mem *m)
{
    const uint64_t *p;
    uint64_t pfn, h = 0, ph;
    unsigned int i;

    for (pfn = next_data_page(m, 1); pfn < m->nr_pages;
         pfn = next_data_page(m, pfn + 1)) {
        if (sim_mem_page_is_zero(m, pfn))
            continue;
        p = (const uint64_t *)(m->mem + pfn * SIM_PAGE);
        ph = pfn + 1;
        for (i = 0; i < SIM_PAGE / 8; i++)
            ph = mix64(ph ^ p[i]);
        h += mix64(ph);
    }
    return h;
}

/* Collects and clears the dirty bits: pfns into *list (grown). */
static int take_dirty(struct sim_mem *m, uint64_t **list, uint64_t *n_r)
{
    uint64_t words = (m->nr_pages + 63) / 64, w, bits, n = 0;
    uint64_t *l = *list;

    for (w = 0; w < words; w++) {
        bits = __atomic_exchange_n(&m->dirty[w], 0, __ATOMIC_ACQ_REL);
        while (bits) {
            int b = __builtin_ctzll(bits);
            bits &= bits - 1;
            if (w * 64 + b < m->nr_pages)
                l[n++] = w * 64 + b;
        }
    }
    *n_r = n;
    return 0;
}

static int send_list(int fd, struct sim_mem *m, const uint64_t *pfns,
                     uint64_t n, uint64_t *sent, char *err)
{
    uint64_t i, k;

    for (i = 0; i < n; i += k) {
        k = n - i < SIM_STREAM_BATCH ? n - i : SIM_STREAM_BATCH;
        if (sim_stream_write_pages(fd, pfns + i, (unsigned int)k, m->mem,
                                   err))
            return -1;
        *sent += k * SIM_PAGE;
    }
    return 0;
}

/* The first pass: every page that holds anything. */
static int send_all(int fd, struct sim_mem *m, uint64_t *list,
                    uint64_t *sent, char *err)
{
    uint64_t pfn, n = 0;

    for (pfn = next_data_page(m, 0); pfn < m->nr_pages;
         pfn = next_data_page(m, pfn + 1))
        if (!sim_mem_page_is_zero(m, pfn))
            list[n++] = pfn;
    return send_list(fd, m, list, n, sent, err);
}

/* Stops the guest and waits until the kernel says it is stopped. */
static int stop_guest(struct sim_dom *d, char *err)
{
    struct sim_proc p;
    int i;

    if (kill(d->pid, SIGSTOP) < 0) {
        sim_err(err, "domain %s: cannot suspend it: %s",
                 d->name, strerror(errno));
        return -1;
    }
    /* Polled often: the guest is down while we wait. */
    for (i = 0; i < 20000; i++) {
        if (sim_proc_read(d->pid, &p) || p.state == 'T' || p.state == 't')
            return 0;
        usleep(100);
    }
    sim_err(err, "domain %s: did not stop", d->name);
    return -1;
}

#define SIM_MAX_ROUNDS 30
#define SIM_DIRTY_DONE 64     /* pages: small enough to stop and copy */
/* A round lasts at least one guest tick (100 ms), the way a real round
 * lasts as long as sending the last one took: a shorter one would catch
 * the guest between two bursts of writes and stop it too early. */
#define SIM_ROUND_US   150000

static int live_rounds(int fd, struct sim_mem *m, uint64_t *list,
                       struct be_progress *pr, be_progress_fn *progress,
                       void *opaque, char *err)
{
    uint64_t n, best = UINT64_MAX;
    int stale = 0;

    for (pr->round = 1; pr->round <= SIM_MAX_ROUNDS; pr->round++) {
        usleep(SIM_ROUND_US);
        take_dirty(m, &list, &n);
        pr->dirty_pages = n;
        if (send_list(fd, m, list, n, &pr->sent_bytes, err))
            return -1;
        if (progress)
            progress(pr, opaque);
        if (n <= SIM_DIRTY_DONE)
            break;
        /* Not converging: the guest dirties as fast as we send. */
        if (n >= best && ++stale >= 3)
            break;
        if (n < best)
            best = n, stale = 0;
    }
    return 0;
}

int sim_send(struct sim *s, struct sim_dom *d, int fd, unsigned int flags,
             be_progress_fn *progress, void *opaque, char *err)
{
    struct be_progress pr;
    struct sim_mem m;
    uint64_t *list = NULL, n;
    char *extra = NULL;
    int rc = -1;

    extra = sim_extra_text(s, d->domid, err);
    if (!extra)
        return -1;
    if (sim_mem_open(s, d->domid, &m, err)) {
        free(extra);
        return -1;
    }
    memset(&pr, 0, sizeof(pr));
    pr.total_bytes = m.nr_pages * SIM_PAGE;
    list = malloc(m.nr_pages * sizeof(*list));
    if (!list) {
        sim_err(err, "out of memory");
        goto out;
    }
    if (!(flags & BE_SEND_LIVE) && !d->paused && stop_guest(d, err))
        goto out;
    pr.suspended = !(flags & BE_SEND_LIVE);
    take_dirty(&m, &list, &n);
    if (sim_stream_write_header(fd, m.nr_pages, extra, err) ||
        send_all(fd, &m, list, &pr.sent_bytes, err))
        goto out;
    if (progress)
        progress(&pr, opaque);
    if ((flags & BE_SEND_LIVE) && !d->paused &&
        live_rounds(fd, &m, list, &pr, progress, opaque, err))
        goto out;
    if ((flags & BE_SEND_LIVE) && !d->paused) {
        /* The downtime starts now: said before the guest is stopped and
         * the last pages go, so that the caller's clock counts both. */
        pr.suspended = 1;
        if (progress)
            progress(&pr, opaque);
        if (stop_guest(d, err))
            goto out;
    }
    pr.suspended = 1;
    take_dirty(&m, &list, &n);
    pr.dirty_pages = n;
    if (send_list(fd, &m, list, n, &pr.sent_bytes, err) ||
        sim_stream_write_end(fd, err))
        goto out;
    pr.round++;
    if (progress)
        progress(&pr, opaque);
    rc = 0;
out:
    free(list);
    free(extra);
    sim_mem_close(&m);
    return rc;
}
