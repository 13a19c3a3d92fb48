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

/* Writes the header for domid to fd: its config (or the one read from
 * cfg_file), as JSON; keep_domid records the domid for restore to take. */
static int write_header(struct be *be, uint32_t domid, int fd,
                        const char *dest, const char *cfg_file,
                        int keep_domid)
{
    libxl_domain_config c;
    struct cfg_extra x;
    char err[XT_ERRLEN], *json = NULL;
    int rc = -1;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    if (cfg_file ? xt_load_config(be, cfg_file, 0, NULL, &c, &x)
                 : be->ops->get_config(be, domid, &c, err)) {
        if (!cfg_file)
            xt_err("%s", err);
        goto out;
    }
    /* A domain created with a chosen domid keeps it in its config: only
     * -D passes it on, as xl does. */
    c.c_info.domid = keep_domid ? domid : 0;
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
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&c);
    return rc;
}

int xt_write_header(struct be *be, uint32_t domid, int fd, const char *dest)
{
    return write_header(be, domid, fd, dest, NULL, 0);
}

/* After the stream: destroy the domain, or (-c, -p) let it run again,
 * paused with -p, as xl leaves it. */
static int after_save(struct be *be, uint32_t domid, int checkpoint,
                      int paused, char *err)
{
    if (!checkpoint && !paused)
        return be->ops->destroy(be, domid, err);
    if (paused && be->ops->pause(be, domid, err))
        return -1;
    return 0;
}

int main_save(int argc, char **argv)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    const char *file, *cfg_file = NULL;
    uint32_t domid;
    int opt, fd = -1, checkpoint = 0, paused = 0, keep_domid = 0;
    int rc = EXIT_FAIL;

    /* -p and -D are xl's. */
    SWITCH_FOREACH_OPT(opt, xt_xm_mode ? "c" : "cpD", NULL, "save", 2) {
    case 'c': checkpoint = 1; break;
    case 'p': paused = 1; break;
    case 'D': keep_domid = 1; break;
    }
    xt_check_max_args(argc, argv, xt_xm_mode ? 2 : 3, "save");
    file = argv[optind + 1];
    if (optind + 2 < argc)
        cfg_file = argv[optind + 2];
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        xt_err("save: cannot create %s: %s", file, strerror(errno));
        goto out;
    }
    if (write_header(be, domid, fd, file, cfg_file, keep_domid))
        goto fail;
    if (be->ops->send(be, domid, fd,
                      checkpoint || paused ? BE_SEND_CHECKPOINT : 0, NULL,
                      NULL, err)) {
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
    if (after_save(be, domid, checkpoint, paused, err)) {
        xt_err("save: saved, but %s: %s", paused ? "cannot pause the domain"
               : "cannot destroy the domain", err);
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
    {"vncviewer", no_argument, NULL, 'V'},
    {"vncviewer-autopass", no_argument, NULL, 'A'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What restore does once the domain runs: xl's -V/-A and -c. */
struct restore_after {
    int vnc, autopass, console;
};

static int after_restore(struct be *be, uint32_t domid,
                         const struct restore_after *a)
{
    char err[XT_ERRLEN];

    if (a->vnc && be->ops->vncviewer(be, domid, a->autopass, err))
        xt_err("restore: %s", err);
    return a->console ? xt_console(be, domid, BE_CONSOLE_DEFAULT) : EXIT_OK;
}

int main_restore(int argc, char **argv)
{
    struct restore_after after = {0, 0, 0};
    libxl_domain_config c, from_file;
    struct cfg_extra x;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    const char *file, *cfg_file = NULL;
    uint32_t domid;
    int opt, fd = -1, paused = 0, rc = EXIT_FAIL;

    libxl_domain_config_init(&c);
    libxl_domain_config_init(&from_file);
    cfg_extra_init(&x);
    /* -e, -d and -F: xltool's restore does not stay in the background,
     * so there is nothing for them to change. */
    SWITCH_FOREACH_OPT(opt, xt_xm_mode ? "p" : "pedFcVA", restore_longopts,
                       "restore", 1) {
    case 'p': paused = 1; break;
    case 'e': case 'd': case 'F': break;
    case 'c': after.console = 1; break;
    case 'A': after.autopass = 1; /* fall through */
    case 'V': after.vnc = 1; break;
    }
    xt_check_max_args(argc, argv, xt_xm_mode ? 1 : 2, "restore");
    file = argv[argc - 1];
    if (argc - optind == 2)
        cfg_file = argv[optind];
    if (cfg_file && xt_load_config(NULL, cfg_file, 0, NULL, &from_file, &x))
        goto out;
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xt_err("restore: cannot open %s: %s", file, strerror(errno));
        goto out;
    }
    be = xt_backend();
    if (!be || xt_read_header(be, fd, file, &c))
        goto out;
    /* A config given on the command line replaces the saved one. */
    if (be->ops->receive(be, cfg_file ? &from_file : &c, fd,
                         paused ? BE_CREATE_PAUSED : 0, &domid, err)) {
        xt_err("restore: %s", err);
        goto out;
    }
    rc = after_restore(be, domid, &after);
out:
    if (fd >= 0)
        close(fd);
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&from_file);
    libxl_domain_config_dispose(&c);
    core_close(be);
    return rc;
}
