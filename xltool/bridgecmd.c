/*
 * bridgecmd.c - the "bridge" command family: create, delete, list,
 * attach and detach host bridges and their ports.
 *
 * The subcommands are rows of the command table named "bridge SUB", so
 * that each has its own usage line, help and man page synopsis; the
 * "bridge" row dispatches to them.
 */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "bridge.h"
#include "xltool.h"

static int usage_error(const char *cmdname, const char *msg, const char *arg)
{
    const struct cmd_spec *cmd = cmd_lookup(cmdname);

    xt_err("%s: %s%s%s", cmdname, msg, arg ? " " : "", arg ? arg : "");
    if (cmd)
        cmd_print_usage(stderr, cmd);
    return EXIT_USAGE;
}

int main_bridge_create(int argc, char **argv)
{
    static const char *cmd = "bridge create";
    static const struct option longopts[] = {
        {"enslave", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char err[XT_ERRLEN] = "";
    const char *nic = NULL;
    int opt;

    /* "bridge create xenbr0 --enslave eth0": options may follow. */
    SWITCH_FOREACH_OPT(opt, "e:", longopts, cmd, 1) {
    case 'e':
        nic = optarg;
        break;
    }
    xt_check_max_args(argc, argv, 1, cmd);
    if (bridge_create(argv[optind], nic, err, sizeof(err))) {
        xt_err("%s", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int main_bridge_delete(int argc, char **argv)
{
    static const char *cmd = "bridge delete";
    static const struct option longopts[] = {
        {"release", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char err[XT_ERRLEN] = "";
    int opt, release = 0;

    SWITCH_FOREACH_OPT(opt, "r", longopts, cmd, 1) {
    case 'r':
        release = 1;
        break;
    }
    xt_check_max_args(argc, argv, 1, cmd);
    if (bridge_delete(argv[optind], release, err, sizeof(err))) {
        xt_err("%s", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* The layout of "brctl show", tabs included, so that scripts reading it
 * keep working. */
static void print_table(const struct bridge_info *list, int n)
{
    int i, j;

    printf("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    for (i = 0; i < n; i++) {
        printf("%s\t\t%s\t%s\t\t", list[i].name, list[i].id,
               list[i].stp ? "yes" : "no");
        if (!list[i].nports)
            printf("\n");
        for (j = 0; j < list[i].nports; j++)
            printf("%s%s\n", j ? "\t\t\t\t\t\t\t" : "", list[i].ports[j]);
    }
}

static void gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static int print_json(const struct bridge_info *list, int n)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    int i, j;

    if (!g)
        return -1;
    yajl_gen_array_open(g);
    for (i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        gen_str(g, "name");
        gen_str(g, list[i].name);
        gen_str(g, "id");
        gen_str(g, list[i].id);
        gen_str(g, "stp");
        yajl_gen_bool(g, list[i].stp);
        gen_str(g, "interfaces");
        yajl_gen_array_open(g);
        for (j = 0; j < list[i].nports; j++)
            gen_str(g, list[i].ports[j]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        printf("%.*s\n", (int)len, (const char *)buf);
    yajl_gen_free(g);
    return 0;
}

int main_bridge_list(int argc, char **argv)
{
    static const char *cmd = "bridge list";
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char err[XT_ERRLEN] = "";
    struct bridge_info *list = NULL;
    int opt, n = 0, json = 0, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "j", longopts, cmd, 0) {
    case 'j':
        json = 1;
        break;
    }
    xt_check_max_args(argc, argv, 0, cmd);
    if (bridge_list(&list, &n, err, sizeof(err))) {
        xt_err("%s", err);
        return EXIT_FAIL;
    }
    if (json) {
        if (print_json(list, n)) {
            xt_err("%s: out of memory", cmd);
            goto out;
        }
    } else {
        print_table(list, n);
    }
    rc = fflush(stdout) ? EXIT_FAIL : EXIT_OK;
out:
    bridge_list_free(list, n);
    return rc;
}

/* attach and detach share their shape: IF BRIDGE, no options. */
static int port_cmd(int argc, char **argv, const char *cmd,
                    int (*fn)(const char *, const char *, char *, size_t))
{
    char err[XT_ERRLEN] = "";
    int opt;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 2) {
    default:
        break;
    }
    xt_check_max_args(argc, argv, 2, cmd);
    if (fn(argv[optind], argv[optind + 1], err, sizeof(err))) {
        xt_err("%s", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int main_bridge_attach(int argc, char **argv)
{
    return port_cmd(argc, argv, "bridge attach", bridge_attach);
}

int main_bridge_detach(int argc, char **argv)
{
    return port_cmd(argc, argv, "bridge detach", bridge_detach);
}

int main_bridge(int argc, char **argv)
{
    char name[64];
    const struct cmd_spec *sub;
    int opt;

    /* '+': the subcommand's own options follow its name. */
    SWITCH_FOREACH_OPT(opt, "+", NULL, "bridge", 1) {
    default:
        break;
    }
    if (snprintf(name, sizeof(name), "bridge %s", argv[optind]) >=
            (int)sizeof(name) ||
        !(sub = cmd_lookup(name)))
        return usage_error("bridge", "unknown subcommand", argv[optind]);
    /* The subcommand sees its own name as argv[0]. */
    argv[optind] = name;
    argc -= optind;
    argv += optind;
    optind = 0;
    return sub->fn(argc, argv);
}
