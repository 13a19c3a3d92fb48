/*
 * managed.c - managed domains, as xm kept them: new, start, delete,
 * suspend, resume and autostart, the rows list prints for managed
 * domains that do not run, and the store's update after a running
 * managed domain changes (core/managed.h holds the store itself).
 *
 * A running domain is managed when the store has an entry of its UUID;
 * start creates the domain with that UUID, so the link survives renames.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "managed.h"
#include "xltool.h"

#include <libxl_utils.h>

static void uuid_text(const libxl_uuid *u, char out[MANAGED_UUID_LEN + 1])
{
    snprintf(out, MANAGED_UUID_LEN + 1, LIBXL_UUID_FMT,
             LIBXL_UUID_BYTES(*u));
}

/* The running domain of UUID: its domid, or -1 when it does not run. */
static int running_domid(struct be *be, const char *uuid, uint32_t *domid_r)
{
    struct be_dominfo *list = NULL;
    char err[XT_ERRLEN], u[MANAGED_UUID_LEN + 1];
    int n = 0, i, found = -1;

    if (be->ops->list(be, &list, &n, err))
        return -1;
    for (i = 0; i < n && found < 0; i++) {
        uuid_text(&list[i].uuid, u);
        if (list[i].domid != 0 && !strcmp(u, uuid)) {
            *domid_r = list[i].domid;
            found = 0;
        }
    }
    core_dominfo_list_free(list, n);
    return found;
}

/* The entry named (or of the UUID) SPEC; prints why not. */
static int find_entry(const char *cmd, const char *spec,
                      struct managed_dom *md)
{
    char err[XT_ERRLEN];
    int r = managed_find(spec, md, err);

    if (r < 0)
        xt_err("%s: %s", cmd, err);
    else if (r == 0)
        xt_err("%s: no managed domain '%s'", cmd, spec);
    return r == 1 ? 0 : -1;
}

/* The entry's config and extras, read back for the backend. */
static int entry_config(struct be *be, const struct managed_dom *md,
                        libxl_domain_config *c, struct cfg_extra *x)
{
    char err[XT_ERRLEN];

    if (core_config_from_json(be, md->json, c, err)) {
        xt_err("%s: the stored config is unusable: %s", md->name, err);
        return -1;
    }
    if (cfg_extra_from_text(md->extra ? md->extra : "", x, err,
                            sizeof(err))) {
        xt_err("%s: the stored extras are unusable: %s", md->name, err);
        return -1;
    }
    return 0;
}

/* Fills md's config and extras from the running domain. */
static int entry_from_domain(struct be *be, uint32_t domid,
                             struct managed_dom *md, char *err)
{
    libxl_domain_config c;
    struct cfg_extra x;
    int rc = -1;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    if (be->ops->get_config(be, domid, &c, err) ||
        (be->ops->get_extra && be->ops->get_extra(be, domid, &x, err)))
        goto out;
    free(md->json);
    free(md->extra);
    free(md->name);
    md->json = cfg_config_to_json(&c);
    md->extra = cfg_extra_to_text(&x);
    md->name = strdup(c.c_info.name ? c.c_info.name : "");
    if (!md->json || !md->extra || !md->name) {
        snprintf(err, XT_ERRLEN, "cannot format the config of domain %u",
                 domid);
        goto out;
    }
    rc = 0;
out:
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&c);
    return rc;
}

int xt_managed_sync(struct be *be, uint32_t domid)
{
    struct be_dominfo *list = NULL;
    const struct be_dominfo *d;
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN], u[MANAGED_UUID_LEN + 1];
    int n = 0, rc = -1;

    if (be->ops->list(be, &list, &n, err))
        goto fail;
    d = core_dominfo_find(list, n, domid);
    if (!d) {
        rc = 0;
        goto out;
    }
    uuid_text(&d->uuid, u);
    if (!managed_exists(u)) {
        rc = 0;
        goto out;
    }
    if (managed_find(u, &md, err) != 1 ||
        entry_from_domain(be, domid, &md, err) || managed_store(&md, err))
        goto fail;
    rc = 0;
    goto out;
fail:
    xt_err("the managed store keeps the old config of domain %u: %s",
           domid, err);
out:
    managed_dom_dispose(&md);
    core_dominfo_list_free(list, n);
    return rc;
}

static const struct option new_longopts[] = {
    {"defconfig", required_argument, NULL, 'f'},
    {"autostart", no_argument, NULL, 'A'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A new entry for the parsed config, with a UUID of its own. */
static int entry_new(struct be *be, libxl_domain_config *c,
                     const struct cfg_extra *x, int autostart)
{
    struct managed_dom md = { 0 }, other = { 0 };
    char err[XT_ERRLEN];
    uint32_t domid;
    int rc = -1;

    if (libxl_uuid_is_nil(&c->c_info.uuid))
        libxl_uuid_generate(&c->c_info.uuid);
    uuid_text(&c->c_info.uuid, md.uuid);
    if (managed_find(md.uuid, &other, err) == 1 ||
        managed_find(c->c_info.name, &other, err) == 1) {
        xt_err("new: domain '%s' is managed already (%s): delete it first",
               other.name, other.uuid);
        goto out;
    }
    if (core_lookup(be, c->c_info.name, &domid, err) == 0) {
        xt_err("new: a domain named '%s' runs already", c->c_info.name);
        goto out;
    }
    md.name = strdup(c->c_info.name);
    md.json = cfg_config_to_json(c);
    md.extra = cfg_extra_to_text(x);
    md.autostart = autostart;
    if (!md.name || !md.json || !md.extra) {
        xt_err("new: cannot format the config of %s", c->c_info.name);
        goto out;
    }
    if (managed_store(&md, err)) {
        xt_err("new: %s", err);
        goto out;
    }
    rc = 0;
out:
    managed_dom_dispose(&other);
    managed_dom_dispose(&md);
    return rc;
}

int main_new(int argc, char **argv)
{
    libxl_domain_config c;
    struct cfg_extra x;
    struct be *be = NULL;
    const char *file = NULL;
    int opt, autostart = 0, rc = EXIT_FAIL;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    SWITCH_FOREACH_OPT(opt, "f:", new_longopts, "new", 0) {
    case 'f': file = optarg; break;
    case 'A': autostart = 1; break;
    }
    if (!file) {
        if (optind >= argc || strchr(argv[optind], '=')) {
            xt_err("new: no config file given");
            cmd_print_usage(stderr, cmd_lookup("new"));
            rc = EXIT_USAGE;
            goto out;
        }
        file = argv[optind++];
    }
    if (xt_load_config(NULL, file, argc - optind, argv + optind, &c, &x))
        goto out;
    be = xt_backend();
    if (be && entry_new(be, &c, &x, autostart) == 0)
        rc = EXIT_OK;
out:
    core_close(be);
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&c);
    return rc;
}

/* Restores md from its save image; the image goes once the domain runs,
 * and stays when the restore fails. */
static int resume_entry(struct be *be, const struct managed_dom *md,
                        int paused, uint32_t *domid_r)
{
    libxl_domain_config c;
    char err[XT_ERRLEN], path[4096];
    int fd = -1, rc = -1;

    libxl_domain_config_init(&c);
    if (managed_save_path(md->uuid, path, sizeof(path)))
        goto out;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xt_err("%s: %s", path, strerror(errno));
        goto out;
    }
    if (xt_read_header(be, fd, path, &c))
        goto out;
    if (be->ops->receive(be, &c, fd, paused ? BE_CREATE_PAUSED : 0, domid_r,
                         err)) {
        xt_err("%s: %s (its saved state is kept in %s)", md->name, err,
               path);
        goto out;
    }
    if (unlink(path))
        xt_warn("%s runs, but its save image %s stays: %s", md->name,
                path, strerror(errno));
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    libxl_domain_config_dispose(&c);
    return rc;
}

static int create_entry(struct be *be, const struct managed_dom *md,
                        int paused, uint32_t *domid_r)
{
    libxl_domain_config c;
    struct cfg_extra x;
    char err[XT_ERRLEN];
    int rc = -1;

    libxl_domain_config_init(&c);
    cfg_extra_init(&x);
    if (entry_config(be, md, &c, &x))
        goto out;
    if (be->ops->create(be, &c, &x, paused ? BE_CREATE_PAUSED : 0, domid_r,
                        err)) {
        xt_err("%s", err);
        goto out;
    }
    rc = 0;
out:
    cfg_extra_dispose(&x);
    libxl_domain_config_dispose(&c);
    return rc;
}

int xt_managed_start(struct be *be, const struct managed_dom *md, int paused,
                     uint32_t *domid_r)
{
    uint32_t domid;

    if (running_domid(be, md->uuid, &domid) == 0) {
        xt_err("%s: Domain is already running (id %u)", md->name, domid);
        return -1;
    }
    /* A suspended domain carries on from its saved state rather than
     * booting afresh, which would lose it. */
    if (managed_has_save(md->uuid))
        return resume_entry(be, md, paused, domid_r);
    return create_entry(be, md, paused, domid_r);
}

static const struct option start_longopts[] = {
    {"paused", no_argument, NULL, 'p'},
    {"console_autoconnect", no_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* start and resume: which differ in what they accept. */
static int start_or_resume(int argc, char **argv, const char *cmd,
                           int need_save)
{
    struct managed_dom md = { 0 };
    struct be *be = NULL;
    uint32_t domid;
    int opt, paused = 0, console = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, need_save ? "p" : "pc", start_longopts, cmd, 1) {
    case 'p': paused = 1; break;
    case 'c': console = 1; break;
    }
    xt_check_max_args(argc, argv, 1, cmd);
    if (find_entry(cmd, argv[optind], &md))
        goto out;
    if (need_save && !managed_has_save(md.uuid)) {
        xt_err("%s: %s is not suspended", cmd, md.name);
        goto out;
    }
    be = xt_backend();
    if (!be || xt_managed_start(be, &md, paused, &domid))
        goto out;
    if (!xt_xm_mode)
        printf("Started domain %s (id=%u)\n", md.name, domid);
    rc = console ? xt_console(be, domid, BE_CONSOLE_DEFAULT) : EXIT_OK;
out:
    core_close(be);
    managed_dom_dispose(&md);
    return rc;
}

int main_start(int argc, char **argv)
{
    return start_or_resume(argc, argv, "start", 0);
}

int main_resume(int argc, char **argv)
{
    return start_or_resume(argc, argv, "resume", 1);
}

int main_delete(int argc, char **argv)
{
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "delete", 1) {
    }
    xt_check_max_args(argc, argv, 1, "delete");
    if (find_entry("delete", argv[optind], &md))
        goto out;
    be = xt_backend();
    if (!be)
        goto out;
    /* As xend: only a halted domain goes; a suspended one would take its
     * saved state with it. */
    if (running_domid(be, md.uuid, &domid) == 0 ||
        managed_has_save(md.uuid)) {
        xt_err("delete: %s is not halted: it %s", md.name,
               managed_has_save(md.uuid) ? "is suspended (resume it first)"
                                         : "runs");
        goto out;
    }
    if (managed_remove(md.uuid, err)) {
        xt_err("delete: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    managed_dom_dispose(&md);
    return rc;
}

int xt_save_atomic(struct be *be, uint32_t domid, const char *path)
{
    char err[XT_ERRLEN], tmp[4200];
    int fd = -1, rc = -1;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        xt_err("cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (xt_write_header(be, domid, fd, tmp))
        goto fail;
    if (be->ops->send(be, domid, fd, 0, NULL, NULL, err)) {
        xt_err("save: %s", err);
        goto resume;
    }
    if (fsync(fd) || close(fd) || rename(tmp, path)) {
        fd = -1;
        xt_err("save: %s: %s", path, strerror(errno));
        goto resume;
    }
    fd = -1;
    if (be->ops->destroy(be, domid, err))
        xt_err("save: saved, but cannot destroy the domain: %s", err);
    else
        rc = 0;
    goto out;
resume:
    if (be->ops->resume(be, domid, err))
        xt_err("save: cannot resume the domain: %s", err);
fail:
    unlink(tmp);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

int xt_managed_suspend(struct be *be, uint32_t domid, const char *uuid)
{
    char path[4096];

    if (managed_save_path(uuid, path, sizeof(path)))
        return -1;
    return xt_save_atomic(be, domid, path);
}

int main_suspend(int argc, char **argv)
{
    char err[XT_ERRLEN], u[MANAGED_UUID_LEN + 1];
    struct be_dominfo *list = NULL;
    const struct be_dominfo *d;
    struct be *be = NULL;
    uint32_t domid;
    int opt, n = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "suspend", 1) {
    }
    xt_check_max_args(argc, argv, 1, "suspend");
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (be->ops->list(be, &list, &n, err) ||
        !(d = core_dominfo_find(list, n, domid))) {
        xt_err("suspend: %s", err);
        goto out;
    }
    uuid_text(&d->uuid, u);
    if (!managed_exists(u)) {
        xt_err("suspend: %s is not a managed domain (see new; or use save)",
               argv[optind]);
        goto out;
    }
    if (xt_managed_sync(be, domid) == 0 &&
        xt_managed_suspend(be, domid, u) == 0)
        rc = EXIT_OK;
out:
    core_dominfo_list_free(list, n);
    core_close(be);
    return rc;
}

int main_autostart(int argc, char **argv)
{
    struct managed_dom md = { 0 };
    char err[XT_ERRLEN];
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "autostart", 1) {
    }
    xt_check_max_args(argc, argv, 2, "autostart");
    if (find_entry("autostart", argv[optind], &md))
        goto out;
    if (optind + 1 == argc) {
        printf("%s\n", md.autostart ? "on" : "off");
        rc = EXIT_OK;
        goto out;
    }
    if (strcmp(argv[optind + 1], "on") && strcmp(argv[optind + 1], "off")) {
        xt_err("autostart: '%s' is neither on nor off", argv[optind + 1]);
        cmd_print_usage(stderr, cmd_lookup("autostart"));
        rc = EXIT_USAGE;
        goto out;
    }
    md.autostart = !strcmp(argv[optind + 1], "on");
    if (managed_store(&md, err))
        xt_err("autostart: %s", err);
    else
        rc = EXIT_OK;
out:
    managed_dom_dispose(&md);
    return rc;
}

/* What a halted entry's config says of its size. */
static void halted_row(struct be *be, const struct managed_dom *md,
                       struct be_dominfo *row)
{
    libxl_domain_config c;
    char err[XT_ERRLEN];

    memset(row, 0, sizeof(*row));
    row->domid = XT_DOMID_HALTED;
    row->name = strdup(md->name);
    row->state = managed_has_save(md->uuid) ? XT_ST_SUSPENDED
                                             : XT_ST_HALTED;
    libxl_uuid_from_string(&row->uuid, md->uuid);
    libxl_domain_config_init(&c);
    if (core_config_from_json(be, md->json, &c, err) == 0) {
        if (c.b_info.target_memkb != LIBXL_MEMKB_DEFAULT)
            row->current_memkb = row->max_memkb = c.b_info.target_memkb;
        /* The vcpus it starts with: those online, as vcpu-set left them. */
        row->vcpu_max = c.b_info.max_vcpus;
        row->vcpu_online = c.b_info.max_vcpus;
        if (!libxl_bitmap_is_empty(&c.b_info.avail_vcpus))
            row->vcpu_online = (unsigned int)libxl_bitmap_count_set(
                                   &c.b_info.avail_vcpus);
        row->type = c.c_info.type;
    }
    libxl_domain_config_dispose(&c);
}

int xt_managed_halted(struct be *be, const struct be_dominfo *run, int n,
                      struct be_dominfo **rows_r, int *n_r)
{
    struct managed_dom *list = NULL;
    struct be_dominfo *rows = NULL;
    char err[XT_ERRLEN], u[MANAGED_UUID_LEN + 1];
    int nm = 0, i, j, k = 0, up;

    *rows_r = NULL;
    *n_r = 0;
    if (managed_list(&list, &nm, err)) {
        xt_err("list: %s", err);
        return -1;
    }
    rows = calloc(nm ? nm : 1, sizeof(*rows));
    for (i = 0; rows && i < nm; i++) {
        for (j = 0, up = 0; j < n && !up; j++) {
            uuid_text(&run[j].uuid, u);
            up = !strcmp(u, list[i].uuid);
        }
        if (!up)
            halted_row(be, &list[i], &rows[k++]);
    }
    managed_list_free(list, nm);
    if (!rows) {
        xt_err("list: out of memory");
        return -1;
    }
    *rows_r = rows;
    *n_r = k;
    return 0;
}
