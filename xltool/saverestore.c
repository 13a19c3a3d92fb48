/*
 * saverestore.c - save and restore: a domain to a file in xl's save-file
 * format (the xl header with the config as JSON, then the backend's
 * memory stream) and back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "savefile.h"
#include "xltool.h"

uint32_t xt_stream_flag(const struct be *be)
{
    return be->ops->save_flags ? be->ops->save_flags :
           XL_MANDATORY_FLAG_STREAMv2;
}

/* Writes the header for domid to fd: its config, as JSON. */
int xt_write_header(struct be *be, uint32_t domid, int fd, const char *dest)
{
    libxl_domain_config c;
    char err[XT_ERRLEN], *json = NULL;
    int rc = -1;

    libxl_domain_config_init(&c);
    if (be->ops->get_config(be, domid, &c, err)) {
        xt_err("%s", err);
        goto out;
    }
    json = cfg_config_to_json(&c);
    if (!json) {
        xt_err("cannot convert the config of domain %u to JSON", domid);
        goto out;
    }
    if (core_savefile_write(fd, json, xt_stream_flag(be), err,
                            sizeof(err))) {
        xt_err("%s: %s", dest, err);
        goto out;
    }
    fprintf(stderr, "Saving to %s new xl format (info 0x%x/0x0/%zu)\n",
            dest, xt_stream_flag(be) | XL_MANDATORY_FLAG_JSON,
            strlen(json) + 5);
    rc = 0;
out:
    free(json);
    libxl_domain_config_dispose(&c);
    return rc;
}

int main_save(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    const char *file;
    uint32_t domid;
    int opt, fd = -1, checkpoint = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "c", NULL, "save", 2) {
    case 'c': checkpoint = 1; break;
    }
    xt_check_max_args(argc, argv, 2, "save");
    file = argv[optind + 1];
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        xt_err("save: cannot create %s: %s", file, strerror(errno));
        goto out;
    }
    if (xt_write_header(be, domid, fd, file))
        goto fail;
    if (be->ops->send(be, domid, fd, checkpoint ? BE_SEND_CHECKPOINT : 0,
                      NULL, NULL, err)) {
        xt_err("save: %s", err);
        if (be->ops->resume(be, domid, err))
            xt_err("save: cannot resume the domain: %s", err);
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        xt_err("save: %s: %s", file, strerror(errno));
        be->ops->resume(be, domid, err);
        goto fail;
    }
    fd = -1;
    if (!checkpoint && be->ops->destroy(be, domid, err)) {
        xt_err("save: saved, but cannot destroy the domain: %s", err);
        goto out;
    }
    rc = EXIT_OK;
    goto out;
fail:
    unlink(file);
out:
    if (fd >= 0)
        close(fd);
    core_close(be);
    return rc;
}

/* Reads the header of a save file or migration stream on fd and the
 * config it carries.  Returns 0 or -1 (message printed). */
int xt_read_header(struct be *be, int fd, const char *src,
                   libxl_domain_config *c)
{
    char err[XT_ERRLEN], *json = NULL;
    uint32_t want = xt_stream_flag(be), mflags = 0;
    int rc = -1;

    if (core_savefile_read(fd, want, &json, &mflags, err, sizeof(err))) {
        xt_err("%s: %s", src, err);
        goto out;
    }
    if (!(mflags & want)) {
        xt_err("%s: its memory stream is not for the %s backend "
               "(mandatory flags 0x%x)", src, be->ops->name, mflags);
        goto out;
    }
    if (!json) {
        xt_err("%s: holds no domain config", src);
        goto out;
    }
    if (core_config_from_json(be, json, c, err)) {
        xt_err("%s: bad domain config: %s", src, err);
        goto out;
    }
    rc = 0;
out:
    free(json);
    return rc;
}

static const struct option restore_longopts[] = {
    {"paused", no_argument, NULL, 'p'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int main_restore(int argc, char **argv)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    const char *file;
    uint32_t domid;
    int opt, fd = -1, paused = 0, rc = EXIT_FAIL;

    libxl_domain_config_init(&c);
    SWITCH_FOREACH_OPT(opt, xt_xm_mode ? "p" : "ped", restore_longopts,
                       "restore", 1) {
    case 'p': paused = 1; break;
    case 'e': case 'd': break;
    }
    xt_check_max_args(argc, argv, 1, "restore");
    file = argv[optind];
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xt_err("restore: cannot open %s: %s", file, strerror(errno));
        goto out;
    }
    be = xt_backend();
    if (!be || xt_read_header(be, fd, file, &c))
        goto out;
    if (be->ops->receive(be, &c, fd, paused ? BE_CREATE_PAUSED : 0, &domid,
                         err)) {
        xt_err("restore: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    if (fd >= 0)
        close(fd);
    libxl_domain_config_dispose(&c);
    core_close(be);
    return rc;
}
