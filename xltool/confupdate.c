/*
 * confupdate.c - config-update: the config a running domain is rebuilt
 * from at its next restart, read as create reads one (found as xm found
 * it, key=value words added as its last lines) and kept by the backend
 * as xl keeps it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "xltool.h"

/* The file's text with the words after it, one a line. */
static char *config_text(const char *path, int nvars, char **vars,
                         size_t *len_r)
{
    int open_errno;
    char *text = xt_config_text(path, nvars, vars, len_r, &open_errno);

    if (!text && open_errno)
        xt_err("config-update: cannot read %s: %s", path,
               strerror(open_errno));
    return text;
}

/* Reads and parses the config, printing every diagnostic. */
static int config_read(const char *name, int nvars, char **vars,
                       libxl_domain_config *c, char **text_r, size_t *len_r)
{
    struct cfg_globals g;
    struct cfg_diags d;
    char err[XT_ERRLEN], *path = NULL;
    int rc = -1;

    cfg_globals_init(&g);
    cfg_diags_init(&d);
    *text_r = NULL;
    if (cfg_find(name, &path, err, sizeof(err))) {
        xt_err("%s", err);
        goto out;
    }
    if (cfg_globals_load(&g, NULL, &d) ||
        !(*text_r = config_text(path, nvars, vars, len_r)))
        goto out;
    rc = cfg_parse_data(path, *text_r, *len_r, 0, NULL, &g, c, NULL, &d);
out:
    cfg_diags_format(&d, stderr);
    cfg_diags_dispose(&d);
    cfg_globals_dispose(&g);
    free(path);
    return rc;
}

int main_config_update(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"defconfig", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    libxl_domain_config c;
    const char *file = NULL;
    char err[XT_ERRLEN], *text = NULL, *json = NULL, **vars;
    struct be *be = NULL;
    uint32_t domid;
    size_t len = 0;
    int opt, debug = 0, nvars = 0, i, rc = EXIT_FAIL;

    libxl_domain_config_init(&c);
    SWITCH_FOREACH_OPT(opt, "f:d", longopts, "config-update", 1) {
    case 'f': file = optarg; break;
    case 'd': debug = 1; break;
    }
    vars = calloc(argc, sizeof(*vars));
    if (!vars)
        goto out;
    /* The first word after the domain that is not key=value is the file,
     * unless -f named it. */
    for (i = optind + 1; i < argc; i++)
        if (!file && !strchr(argv[i], '='))
            file = argv[i];
        else if (strchr(argv[i], '='))
            vars[nvars++] = argv[i];
        else {
            xt_err("config-update: unexpected argument '%s'", argv[i]);
            rc = EXIT_USAGE;
            goto out;
        }
    if (!file) {
        xt_err("config-update: no config file");
        rc = EXIT_USAGE;
        goto out;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid) ||
        config_read(file, nvars, vars, &c, &text, &len))
        goto out;
    if ((debug || xt_dryrun) && (json = cfg_config_to_json(&c)))
        printf("%s\n", json);
    if (!xt_dryrun) {
        fprintf(stderr, "setting dom%u configuration\n", domid);
        if (be->ops->config_update(be, domid, text, len, &c, err)) {
            xt_err("config-update: %s", err);
            goto out;
        }
    }
    rc = EXIT_OK;
out:
    free(json);
    free(text);
    free(vars);
    libxl_domain_config_dispose(&c);
    core_close(be);
    return rc;
}
