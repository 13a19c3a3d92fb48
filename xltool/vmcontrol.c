/*
 * vmcontrol.c - create: from an xm or xl config file to a running (or,
 * with -n, a printed) domain.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "xltool.h"

/*
 * The host the config is read for, as xl reads it for the hypervisor it
 * runs on: from the backend (quietly: create -n prints only the JSON).
 * Without a backend the host stays unknown, and the reader refuses only
 * the CPU lists that need it.
 */
static void load_host(struct be *be, struct cfg_host *h)
{
    char err[XT_ERRLEN];
    struct be *own = NULL;
    int fallback;

    if (be)
        core_host_facts(be, h, err);
    else if (core_open(&own, &fallback, err) == 0)
        core_host_facts(own, h, err);
    core_close(own);
}

int xt_load_config(struct be *be, const char *name, int nvars, char **vars,
                   libxl_domain_config *d_config, struct cfg_extra *extra)
{
    char err[XT_ERRLEN];
    struct cfg_globals g;
    struct cfg_diags diags;
    char *path = NULL;
    int rc = -1;

    cfg_globals_init(&g);
    cfg_diags_init(&diags);
    if (cfg_find(name, &path, err, sizeof(err))) {
        xt_err("%s", err);
        goto out;
    }
    if (cfg_globals_load(&g, NULL, &diags))
        goto out;
    g.xm_mode = xt_xm_mode;
    load_host(be, &g.host);
    rc = cfg_parse_file(path, nvars, vars, &g, d_config, extra, &diags);
out:
    cfg_diags_format(&diags, stderr);
    cfg_diags_dispose(&diags);
    cfg_globals_dispose(&g);
    free(path);
    return rc;
}

static int print_json(libxl_domain_config *d_config)
{
    char *json = cfg_config_to_json(d_config);

    if (!json) {
        xt_err("cannot format the domain config as JSON");
        return EXIT_FAIL;
    }
    printf("%s\n", json);
    free(json);
    return EXIT_OK;
}

/* create -n: libxl's JSON, or xl's S-expressions when xl.conf asks. */
static int print_config(libxl_domain_config *d_config)
{
    if (xt_output_sxp) {
        xt_print_xl_sxp(-1, NULL, d_config);
        return EXIT_OK;
    }
    return print_json(d_config);
}

/* What a backend without BE_CAP_SHARED_DISKS does with "w!" disks. */
static void warn_unshared(const struct be *be, const struct cfg_extra *x)
{
    int i;

    if (be->ops->caps & BE_CAP_SHARED_DISKS)
        return;
    for (i = 0; i < x->num_shared; i++)
        xt_warn("disk %s: mode w! (writable, sharing allowed) is not "
                "honoured by the %s backend: it is attached as w, and "
                "Xen's block script refuses an image another domain uses",
                x->shared[i], be->ops->name);
}

/* Builds the parsed domain on the backend, then attaches its console when
 * asked.  Returns the command's exit status. */
static int start_domain(libxl_domain_config *d_config,
                        const struct cfg_extra *extra, int paused,
                        int console, int quiet)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int rc = EXIT_FAIL;

    be = xt_backend();
    if (!be)
        goto out;
    warn_unshared(be, extra);
    if (be->ops->create(be, d_config, extra,
                        paused ? BE_CREATE_PAUSED : 0, &domid, err)) {
        xt_err("%s", err);
        goto out;
    }
    if (!quiet)
        printf("Started domain %s (id=%u)\n", d_config->c_info.name, domid);
    rc = EXIT_OK;
    if (console)
        rc = xt_console(be, domid, BE_CONSOLE_DEFAULT);
out:
    if (be)
        core_close(be);
    return rc;
}

/* xl 4.17's create options, or xm 4.4's; both take -f/--defconfig. */
static const struct option xl_create_longopts[] = {
    {"dryrun", no_argument, NULL, 'n'},
    {"quiet", no_argument, NULL, 'q'},
    {"defconfig", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
static const struct option xm_create_longopts[] = {
    {"dryrun", no_argument, NULL, 'n'},
    {"quiet", no_argument, NULL, 'q'},
    {"defconfig", required_argument, NULL, 'f'},
    {"paused", no_argument, NULL, 'p'},
    {"console_autoconnect", no_argument, NULL, 'c'},
    {"skipdtd", no_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* -F: as xl, stay until the domain is gone (it may reboot meanwhile, as
 * the same name). */
static int wait_gone(const char *name)
{
    char err[XT_ERRLEN];
    struct be *be = xt_backend();
    uint32_t domid;

    if (!be)
        return EXIT_FAIL;
    while (core_lookup(be, name, &domid, err) == 0)
        usleep(200 * 1000);
    core_close(be);
    return EXIT_OK;
}

int main_create(int argc, char **argv)
{
    libxl_domain_config d_config;
    struct cfg_extra extra;
    const char *file = NULL;
    int dryrun = xt_dryrun, paused = 0, console = 0, quiet = 0;
    int foreground = 0;
    int opt, rc = EXIT_FAIL;

    libxl_domain_config_init(&d_config);
    cfg_extra_init(&extra);
    SWITCH_FOREACH_OPT(opt, xt_xm_mode ? "npcqf:s" : "npcqf:Fde",
                       xt_xm_mode ? xm_create_longopts : xl_create_longopts,
                       "create", 0) {
    case 'n': dryrun = 1; break;
    case 'p': paused = 1; break;
    case 'c': console = 1; break;
    case 'q': quiet = 1; break;
    case 'f': file = optarg; break;
    case 'F': foreground = 1; break;
    case 'd': case 'e': case 's': break;
    }
    /* As in xm and xl, the file may come first and variables follow. */
    if (!file) {
        if (optind >= argc || strchr(argv[optind], '=')) {
            xt_err("create: no config file given");
            cmd_print_usage(stderr, cmd_lookup("create"));
            rc = EXIT_USAGE;
            goto out;
        }
        file = argv[optind++];
    }
    if (xt_load_config(NULL, file, argc - optind, argv + optind, &d_config,
                       &extra))
        goto out;
    /* As xl's: libxl's JSON, which has no place for "w!". */
    if (dryrun) {
        rc = print_config(&d_config);
        goto out;
    }
    rc = start_domain(&d_config, &extra, paused, console, quiet);
    if (rc == EXIT_OK && foreground)
        rc = wait_gone(d_config.c_info.name);
out:
    libxl_domain_config_dispose(&d_config);
    cfg_extra_dispose(&extra);
    return rc;
}
