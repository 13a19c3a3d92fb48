/*
 * main.c - entry point: picks xm or xl output conventions from the name
 * the program was run as (xm; xl or xltool), and dispatches through the
 * command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>

#include "xltool.h"

int xt_xm_mode;
const char *xt_progname = "xltool";

static void print_version(void)
{
    printf("xltool %s\n", XLTOOL_VERSION);
}

static void print_main_usage(FILE *f)
{
    fprintf(f, "Usage: %s [--version] [-h] COMMAND [ARGS]\n"
               "Run '%s help' for the list of commands.\n",
            xt_progname, xt_progname);
}

int main(int argc, char **argv)
{
    const struct cmd_spec *cmd;
    const char *base;

    base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (!strcmp(base, "xm")) {
        xt_xm_mode = 1;
        xt_progname = "xm";
    } else if (!strcmp(base, "xl")) {
        /* Installed as the host's xl: xl's conventions (the default),
         * and messages that name the command the caller typed. */
        xt_progname = "xl";
    }
    setlocale(LC_NUMERIC, "C");

    if (argc < 2) {
        print_main_usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        print_version();
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return main_help(1, argv + 1);

    cmd = cmd_lookup(argv[1]);
    if (!cmd) {
        xt_err("unknown command '%s'", argv[1]);
        print_main_usage(stderr);
        return EXIT_USAGE;
    }
    /* Handlers see argv[0] as their own name, as getopt expects. */
    optind = 1;
    return cmd->fn(argc - 1, argv + 1);
}
