/*
 * vtpm.c - vtpm-attach, vtpm-detach, vtpm-list and channel-list, in xl's
 * forms and formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "xltool.h"

/* vtpm-attach's words: uuid=UUID and backend=DOMAIN. */
static int vtpm_words(int n, char **w, libxl_device_vtpm *v)
{
    int i;

    for (i = 0; i < n; i++) {
        if (!strncmp(w[i], "uuid=", 5)) {
            if (libxl_uuid_from_string(&v->uuid, w[i] + 5)) {
                xt_err("vtpm-attach: invalid uuid '%s'", w[i] + 5);
                return -1;
            }
        } else if (!strncmp(w[i], "backend=", 8) && w[i][8]) {
            free(v->backend_domname);
            v->backend_domname = strdup(w[i] + 8);
            if (!v->backend_domname)
                return -1;
        } else {
            xt_err("vtpm-attach: unrecognized argument '%s'", w[i]);
            return -1;
        }
    }
    return 0;
}

static int add_vtpm(struct be *be, uint32_t domid, void *dev, char *err)
{
    return be->ops->vtpm_add(be, domid, dev, err);
}

int main_vtpm_attach(int argc, char **argv)
{
    libxl_device_vtpm vtpm;
    int opt, rc;

    libxl_device_vtpm_init(&vtpm);
    SWITCH_FOREACH_OPT(opt, "", NULL, "vtpm-attach", 1) {
    }
    if (vtpm_words(argc - optind - 1, argv + optind + 1, &vtpm))
        rc = EXIT_USAGE;
    else
        rc = xt_attach_device("vtpm-attach", argv[optind], add_vtpm, &vtpm);
    libxl_device_vtpm_dispose(&vtpm);
    return rc;
}

int main_vtpm_detach(int argc, char **argv)
{
    libxl_uuid uuid;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    long devid = -1;
    int opt, by_uuid, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "vtpm-detach", 2) {
    }
    xt_check_max_args(argc, argv, 2, "vtpm-detach");
    by_uuid = libxl_uuid_from_string(&uuid, argv[optind + 1]) == 0;
    if (!by_uuid && xt_parse_long(argv[optind + 1], 0, 65535, &devid)) {
        xt_err("vtpm-detach: '%s' is neither a device number nor a uuid",
               argv[optind + 1]);
        return EXIT_USAGE;
    }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (be->ops->vtpm_remove(be, domid, (int)devid, by_uuid ? &uuid : NULL,
                             err)) {
        xt_err("vtpm-detach: %s", err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

static void vtpm_rows(const libxl_vtpminfo *l, int n)
{
    int i;

    for (i = 0; i < n; i++)
        printf("%-3d %-2d " LIBXL_UUID_FMT " %6d %5d %6d %8d %-30s\n",
               l[i].devid, l[i].backend_id, LIBXL_UUID_BYTES(l[i].uuid),
               l[i].devid, l[i].state, l[i].evtch, l[i].rref,
               l[i].backend ? l[i].backend : "");
}

static void chan_rows(const libxl_channelinfo *l, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        printf("%-3d %-2d %-5d %-6d %-8d %-10s ", l[i].devid,
               l[i].backend_id, l[i].state, l[i].evtch, l[i].rref,
               libxl_channel_connection_to_string(l[i].connection));
        if (l[i].connection == LIBXL_CHANNEL_CONNECTION_PTY)
            printf("%-30s ", l[i].u.pty.path ? l[i].u.pty.path : "");
        printf("\n");
    }
}

/* vtpm-list and channel-list: a header, then each named domain's
 * devices (a domain that does not exist is said and skipped, as xl
 * does). */
static int dev_lists(int argc, char **argv, const char *cmd, int chan)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, i, k, n, rc = EXIT_OK;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 1) {
    }
    be = xt_backend();
    if (!be)
        return EXIT_FAIL;
    if (chan)
        printf("%-3s %-2s %-5s %-6s %8s %-10s %-30s\n", "Idx", "BE", "state",
               "evt-ch", "ring-ref", "connection", "");
    else
        printf("%-3s %-2s %-36s %-6s %-5s %-6s %-5s %-10s\n", "Idx", "BE",
               "Uuid", "handle", "state", "evt-ch", "ring-ref", "BE-path");
    for (i = optind; i < argc; i++) {
        libxl_vtpminfo *v = NULL;
        libxl_channelinfo *c = NULL;
        if (xt_find_domain(be, argv[i], &domid)) {
            rc = EXIT_FAIL;
            continue;
        }
        n = 0;
        if (chan ? be->ops->channel_list(be, domid, &c, &n, err)
                 : be->ops->vtpm_list(be, domid, &v, &n, err)) {
            xt_err("%s: %s", cmd, err);
            rc = EXIT_FAIL;
            continue;
        }
        if (chan)
            chan_rows(c, n);
        else
            vtpm_rows(v, n);
        for (k = 0; k < n; k++)
            chan ? libxl_channelinfo_dispose(&c[k])
                 : libxl_vtpminfo_dispose(&v[k]);
        free(c);
        free(v);
    }
    core_close(be);
    return rc;
}

int main_vtpm_list(int argc, char **argv)
{
    return dev_lists(argc, argv, "vtpm-list", 0);
}

int main_channel_list(int argc, char **argv)
{
    return dev_lists(argc, argv, "channel-list", 1);
}
