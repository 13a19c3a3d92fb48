/*
 * managed.c - the managed domain store (managed.h): one file a domain,
 * written atomically, read back strictly.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "managed.h"

#define MANAGED_MAX_FILE (4u * 1024u * 1024u)
#define HEADER_LINE "# xltool managed domain, format 1\n"

const char *managed_dir(void)
{
    const char *d = getenv("XLTOOL_MANAGED_DIR");

    return d && *d ? d : MANAGED_DEFAULT_DIR;
}

void managed_dom_dispose(struct managed_dom *md)
{
    free(md->name);
    free(md->extra);
    free(md->json);
    memset(md, 0, sizeof(*md));
}

void managed_list_free(struct managed_dom *list, int n)
{
    int i;

    for (i = 0; list && i < n; i++)
        managed_dom_dispose(&list[i]);
    free(list);
}

static int path_of(const char *uuid, const char *suffix, char *buf,
                   size_t len)
{
    int n = snprintf(buf, len, "%s/%s%s", managed_dir(), uuid, suffix);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* A UUID in its 36-character text form, lower case: the file names. */
static int uuid_usable(const char *s)
{
    size_t i;

    if (strlen(s) != MANAGED_UUID_LEN)
        return 0;
    for (i = 0; i < MANAGED_UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!strchr("0123456789abcdef", s[i])) {
            return 0;
        }
    }
    return 1;
}

static int read_file(const char *path, char **buf_r, char *err)
{
    struct stat st;
    char *buf = NULL;
    ssize_t r;
    size_t got = 0;
    int fd, rc = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st)) {
        snprintf(err, XT_ERRLEN, "%.300s: %s", path, strerror(errno));
        goto out;
    }
    if (st.st_size <= 0 || (size_t)st.st_size > MANAGED_MAX_FILE) {
        snprintf(err, XT_ERRLEN, "%.300s: empty or too large", path);
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    while (buf && got < (size_t)st.st_size) {
        r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (!buf || got != (size_t)st.st_size) {
        snprintf(err, XT_ERRLEN, "%.300s: cannot read it", path);
        goto out;
    }
    buf[got] = '\0';
    *buf_r = buf;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* The next line of *p (its newline replaced by NUL), or NULL. */
static char *next_line(char **p)
{
    char *line = *p, *nl;

    if (!line || !*line)
        return NULL;
    nl = strchr(line, '\n');
    if (!nl)
        return NULL;
    *nl = '\0';
    *p = nl + 1;
    return line;
}

static int strict_count(const char *s, long *v_r)
{
    char *end;

    errno = 0;
    *v_r = strtol(s, &end, 10);
    return errno || end == s || *end || *v_r < 0 || *v_r > 4096 ? -1 : 0;
}

/* Reads "extra N" and the N lines that follow it. */
static int parse_extra(char **p, const char *line, struct managed_dom *md)
{
    size_t len = 0, l;
    long n, i;
    char *x;

    if (strncmp(line, "extra ", 6) || strict_count(line + 6, &n))
        return -1;
    md->extra = calloc(1, 1);
    for (i = 0; md->extra && i < n; i++) {
        if (!(x = next_line(p)))
            return -1;
        l = strlen(x);
        if (!(md->extra = realloc(md->extra, len + l + 2)))
            return -1;
        memcpy(md->extra + len, x, l);
        len += l;
        md->extra[len++] = '\n';
        md->extra[len] = '\0';
    }
    return md->extra ? 0 : -1;
}

static int parse_entry(char *text, const char *uuid, struct managed_dom *md)
{
    char *p = text, *line;

    memset(md, 0, sizeof(*md));
    snprintf(md->uuid, sizeof(md->uuid), "%s", uuid);
    if (!(line = next_line(&p)) || strcmp(line, "# xltool managed domain, "
                                          "format 1"))
        return -1;
    if (!(line = next_line(&p)) || strncmp(line, "name ", 5) || !line[5] ||
        !(md->name = strdup(line + 5)))
        return -1;
    if (!(line = next_line(&p)) ||
        (strcmp(line, "autostart 0") && strcmp(line, "autostart 1")))
        return -1;
    md->autostart = line[10] == '1';
    if (!(line = next_line(&p)) || parse_extra(&p, line, md))
        return -1;
    if (!(line = next_line(&p)) || strcmp(line, "config") || !*p ||
        !(md->json = strdup(p)))
        return -1;
    return 0;
}

static int load_entry(const char *uuid, const char *suffix,
                      struct managed_dom *md, char *err)
{
    char path[4096], *text = NULL;
    int rc = -1;

    if (path_of(uuid, suffix, path, sizeof(path))) {
        snprintf(err, XT_ERRLEN, "managed store: path too long");
        return -1;
    }
    if (read_file(path, &text, err))
        return -1;
    if (parse_entry(text, uuid, md)) {
        managed_dom_dispose(md);
        snprintf(err, XT_ERRLEN, "%.300s: not a managed domain entry of "
                 "this xltool", path);
        goto out;
    }
    rc = 0;
out:
    free(text);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct managed_dom *)a)->name,
                  ((const struct managed_dom *)b)->name);
}

/* UUID.dom: the part before the suffix, if it is a UUID. */
static int entry_uuid(const char *fname, char uuid[MANAGED_UUID_LEN + 1])
{
    size_t l = strlen(fname);

    if (l != MANAGED_UUID_LEN + 4 || strcmp(fname + MANAGED_UUID_LEN,
                                            ".dom"))
        return -1;
    memcpy(uuid, fname, MANAGED_UUID_LEN);
    uuid[MANAGED_UUID_LEN] = '\0';
    return uuid_usable(uuid) ? 0 : -1;
}

int managed_list(struct managed_dom **list_r, int *n_r, char *err)
{
    struct managed_dom *list = NULL, *grown;
    char uuid[MANAGED_UUID_LEN + 1];
    struct dirent *e;
    DIR *d;
    int n = 0, rc = -1;

    *list_r = NULL;
    *n_r = 0;
    d = opendir(managed_dir());
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, XT_ERRLEN, "%.300s: %s", managed_dir(), strerror(errno));
        return -1;
    }
    while ((e = readdir(d))) {
        if (entry_uuid(e->d_name, uuid))
            continue;
        grown = realloc(list, (n + 1) * sizeof(*list));
        if (!grown) {
            snprintf(err, XT_ERRLEN, "out of memory");
            goto out;
        }
        list = grown;
        if (load_entry(uuid, ".dom", &list[n], err))
            goto out;
        n++;
    }
    qsort(list, n, sizeof(*list), by_name);
    *list_r = list;
    *n_r = n;
    list = NULL;
    rc = 0;
out:
    managed_list_free(list, n);
    closedir(d);
    return rc;
}

int managed_find(const char *spec, struct managed_dom *md, char *err)
{
    struct managed_dom *list = NULL;
    int n, i, found = 0;

    if (managed_list(&list, &n, err))
        return -1;
    for (i = 0; i < n && !found; i++) {
        if (strcmp(list[i].name, spec) && strcasecmp(list[i].uuid, spec))
            continue;
        *md = list[i];
        memset(&list[i], 0, sizeof(list[i]));
        found = 1;
    }
    managed_list_free(list, n);
    return found;
}

int managed_exists(const char *uuid)
{
    char path[4096];

    return uuid_usable(uuid) && !path_of(uuid, ".dom", path, sizeof(path)) &&
           access(path, F_OK) == 0;
}

static int name_taken(const struct managed_dom *md, char *err)
{
    struct managed_dom other = { 0 };
    int r = managed_find(md->name, &other, err);

    if (r == 1 && strcmp(other.uuid, md->uuid)) {
        snprintf(err, XT_ERRLEN, "a managed domain named %s exists "
                 "already (%s)", md->name, other.uuid);
        r = -1;
    } else if (r == 1) {
        r = 0;
    }
    managed_dom_dispose(&other);
    return r;
}

static int write_all(int fd, const char *s, size_t len)
{
    ssize_t w;

    while (len) {
        w = write(fd, s, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        len -= (size_t)w;
    }
    return 0;
}

static char *entry_text(const struct managed_dom *md)
{
    const char *x = md->extra ? md->extra : "", *c;
    char *buf = NULL;
    size_t len = 0;
    int lines = 0;
    FILE *f;

    for (c = x; *c; c++)
        lines += *c == '\n';
    if (*x && x[strlen(x) - 1] != '\n')
        return NULL;
    f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, HEADER_LINE "name %s\nautostart %d\nextra %d\n%sconfig\n%s",
            md->name, !!md->autostart, lines, x, md->json);
    if (md->json[0] && md->json[strlen(md->json) - 1] != '\n')
        fputc('\n', f);
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Creates the store's directory when it does not exist yet. */
static int make_dir(char *err)
{
    const char *d = managed_dir();

    if (mkdir(d, 0700) && errno != EEXIST) {
        snprintf(err, XT_ERRLEN, "cannot create %.300s: %s", d, strerror(errno));
        return -1;
    }
    return 0;
}

int managed_store(const struct managed_dom *md, char *err)
{
    char path[4096], tmp[4200], *text = NULL;
    int fd = -1, rc = -1;

    if (!uuid_usable(md->uuid) || !md->name || !*md->name ||
        strchr(md->name, '\n') || !md->json) {
        snprintf(err, XT_ERRLEN, "managed store: unusable entry");
        return -1;
    }
    if (make_dir(err) || name_taken(md, err))
        return -1;
    text = entry_text(md);
    if (!text || path_of(md->uuid, ".dom", path, sizeof(path))) {
        snprintf(err, XT_ERRLEN, "managed store: cannot format %s",
                 md->name);
        goto out;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, text, strlen(text)) || fsync(fd) ||
        close(fd)) {
        snprintf(err, XT_ERRLEN, "%.300s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path)) {
        snprintf(err, XT_ERRLEN, "%.300s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(text);
    return rc;
}

int managed_save_path(const char *uuid, char *buf, size_t len)
{
    return path_of(uuid, ".save", buf, len);
}

int managed_has_save(const char *uuid)
{
    char path[4096];

    return !managed_save_path(uuid, path, sizeof(path)) &&
           access(path, F_OK) == 0;
}

static int unlink_of(const char *uuid, const char *suffix, char *err)
{
    char path[4096];

    if (path_of(uuid, suffix, path, sizeof(path)) ||
        (unlink(path) && errno != ENOENT)) {
        snprintf(err, XT_ERRLEN, "cannot remove %.300s: %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int managed_remove(const char *uuid, char *err)
{
    if (!uuid_usable(uuid)) {
        snprintf(err, XT_ERRLEN, "managed store: bad UUID %s", uuid);
        return -1;
    }
    /* The entry goes first: an image without its entry is never used. */
    return unlink_of(uuid, ".dom", err) || unlink_of(uuid, ".save", err);
}

static int move(const char *uuid, const char *from, const char *to,
                char *err)
{
    char a[4096], b[4096];

    if (!uuid_usable(uuid) || path_of(uuid, from, a, sizeof(a)) ||
        path_of(uuid, to, b, sizeof(b))) {
        snprintf(err, XT_ERRLEN, "managed store: bad UUID %s", uuid);
        return -1;
    }
    if (rename(a, b) && errno != ENOENT) {
        snprintf(err, XT_ERRLEN, "cannot rename %.300s: %s", a, strerror(errno));
        return -1;
    }
    return 0;
}

int managed_hide(const char *uuid, char *err)
{
    return move(uuid, ".dom", ".away", err);
}

int managed_unhide(const char *uuid, char *err)
{
    return move(uuid, ".away", ".dom", err);
}

int managed_drop_hidden(const char *uuid, char *err)
{
    return unlink_of(uuid, ".away", err);
}
