/*
 * cfg_extra.c - what a config says that libxl_domain_config has no field
 * for (struct cfg_extra, see cfg.h): for now the disks given xm's access
 * mode "w!".  It travels beside the libxl config, never inside it, so
 * that the JSON of `create -n` and of save files stays libxl's own.
 *
 * Text form, for backends that store it: one line "disk-shared VDEV" per
 * such disk.  Readers refuse unknown lines, so that a newer writer's
 * extra cannot be silently dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

#define EXTRA_KEY_SHARED "disk-shared "

void cfg_extra_init(struct cfg_extra *x)
{
    memset(x, 0, sizeof(*x));
}

void cfg_extra_dispose(struct cfg_extra *x)
{
    int i;

    for (i = 0; i < x->num_shared; i++)
        free(x->shared[i]);
    free(x->shared);
    cfg_extra_init(x);
}

int cfg_extra_is_shared(const struct cfg_extra *x, const char *vdev)
{
    int i;

    for (i = 0; x && vdev && i < x->num_shared; i++)
        if (!strcmp(x->shared[i], vdev))
            return 1;
    return 0;
}

static int vdev_usable(const char *vdev)
{
    return *vdev && strlen(vdev) < CFG_EXTRA_VDEV_MAX &&
           !strpbrk(vdev, " \t\r\n");
}

int cfg_extra_set_shared(struct cfg_extra *x, const char *vdev, int on)
{
    char **nv, *copy;
    int i;

    for (i = 0; i < x->num_shared && strcmp(x->shared[i], vdev); i++)
        ;
    if (!on) {
        if (i == x->num_shared)
            return 0;
        free(x->shared[i]);
        memmove(&x->shared[i], &x->shared[i + 1],
                (x->num_shared - i - 1) * sizeof(x->shared[0]));
        x->num_shared--;
        return 0;
    }
    if (i < x->num_shared)
        return 0;
    if (!vdev_usable(vdev))
        return -1;
    nv = realloc(x->shared, (x->num_shared + 1) * sizeof(*nv));
    if (!nv)
        return -1;
    x->shared = nv;
    copy = strdup(vdev);
    if (!copy)
        return -1;
    x->shared[x->num_shared++] = copy;
    return 0;
}

int cfg_extra_copy(struct cfg_extra *dst, const struct cfg_extra *src)
{
    int i;

    cfg_extra_init(dst);
    for (i = 0; src && i < src->num_shared; i++) {
        if (cfg_extra_set_shared(dst, src->shared[i], 1)) {
            cfg_extra_dispose(dst);
            return -1;
        }
    }
    return 0;
}

char *cfg_extra_to_text(const struct cfg_extra *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int i;

    if (!f)
        return NULL;
    for (i = 0; x && i < x->num_shared; i++)
        fprintf(f, EXTRA_KEY_SHARED "%s\n", x->shared[i]);
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* One line of the text form, without its newline. */
static int extra_line(struct cfg_extra *x, const char *line, int n,
                      char *err, size_t errlen)
{
    size_t klen = strlen(EXTRA_KEY_SHARED);

    if (!*line)
        return 0;
    if (strncmp(line, EXTRA_KEY_SHARED, klen) ||
        !vdev_usable(line + klen)) {
        snprintf(err, errlen, "line %d of the device extras is not "
                 "understood: '%.60s'", n, line);
        return -1;
    }
    if (cfg_extra_set_shared(x, line + klen, 1)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int cfg_extra_from_text(const char *text, struct cfg_extra *x, char *err,
                        size_t errlen)
{
    char line[CFG_EXTRA_VDEV_MAX + 32];
    const char *p = text, *nl;
    size_t len;
    int n = 0;

    cfg_extra_init(x);
    while (p && *p) {
        nl = strchr(p, '\n');
        len = nl ? (size_t)(nl - p) : strlen(p);
        n++;
        if (len >= sizeof(line)) {
            snprintf(err, errlen, "line %d of the device extras is too "
                     "long", n);
            goto fail;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        if (extra_line(x, line, n, err, errlen))
            goto fail;
        p = nl ? nl + 1 : NULL;
    }
    return 0;
fail:
    cfg_extra_dispose(x);
    return -1;
}
