/*
 * main.c - entry point: picks the personality from the name the program
 * was run as (xm: xm 4.4's options, meanings and formats; xl or xltool:
 * xl 4.17's), reads xl.conf's output format, and dispatches through the
 * command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>

#include "cfg.h"
#include "xltool.h"

int xt_xm_mode;
const char *xt_progname = "xltool";
int xt_output_sxp;
int xt_dryrun;

static void print_version(void)
{
    printf("xltool %s\n", XLTOOL_VERSION);
}

static void print_main_usage(FILE *f)
{
    fprintf(f, "Usage: %s [--version] [-h] %sCOMMAND [ARGS]\n"
               "Run '%s help' for the list of commands.\n",
            xt_progname, xt_xm_mode ? "" : "[-v] [-N] [-f] [-t] [-T] ",
            xt_progname);
}

/*
 * xl's global options, before the command: -N (dry run); -v, -f, -t and
 * -T are accepted as xl takes them and change nothing here (messages are
 * always complete, nothing is forced, progress is not drawn).
 * Returns the index of the command word, or -1 on a bad option.
 */
static int global_options(int argc, char **argv)
{
    int i;
    const char *p;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '-' &&
                argv[i][1]; i++)
        for (p = argv[i] + 1; *p; p++)
            switch (*p) {
            case 'N': xt_dryrun = 1; break;
            case 'v': case 'f': case 't': case 'T': break;
            case 'h': case 'V': return i;
            default:
                xt_err("invalid option '-%c'", *p);
                return -1;
            }
    return i;
}

/* -N runs a command that can dry-run, or one that changes nothing; xl
 * refuses the others. */
static int dryrun_allowed(const struct cmd_spec *cmd)
{
    return !xt_dryrun || (cmd->flags & CMD_DRYRUN) ||
           !(cmd->flags & CMD_MODIFIES);
}

/* xl reads output_format from xl.conf for list -l and create -n; a
 * broken xl.conf is reported when a command reads the rest of it. */
static void read_output_format(void)
{
    struct cfg_globals g;
    struct cfg_diags d;

    cfg_globals_init(&g);
    cfg_diags_init(&d);
    if (cfg_globals_load(&g, NULL, &d) == 0)
        xt_output_sxp = g.output_sxp;
    cfg_globals_dispose(&g);
    cfg_diags_dispose(&d);
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
        xt_progname = "xl";
    }
    setlocale(LC_NUMERIC, "C");
    if (!xt_xm_mode)
        read_output_format();

    if (!xt_xm_mode) {
        int first = global_options(argc, argv);

        if (first < 0) {
            print_main_usage(stderr);
            return EXIT_USAGE;
        }
        argv[first - 1] = argv[0];
        argv += first - 1;
        argc -= first - 1;
    }
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

    cmd = cmd_resolve(argv[1]);
    if (!cmd) {
        xt_err("unknown command '%s'", argv[1]);
        print_main_usage(stderr);
        return EXIT_USAGE;
    }
    if (!dryrun_allowed(cmd)) {
        fprintf(stderr, "command does not implement -N (dryrun) option\n");
        return EXIT_FAIL;
    }
    /* Handlers see argv[0] as their own name, as getopt expects; 0 makes
     * getopt start afresh. */
    optind = 0;
    return cmd->fn(argc - 1, argv + 1);
}
