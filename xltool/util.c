/*
 * util.c - what every command shares: the option parser, help and usage
 * from the command table, messages, strict number parsing and opening the
 * backend.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xltool.h"

const struct cmd_spec *cmd_lookup(const char *name)
{
    int i;

    for (i = 0; i < cmd_table_count; i++)
        if (!strcmp(cmd_table[i].name, name))
            return &cmd_table[i];
    return NULL;
}

/* xm 4.4's deprecated command names and what they stood for. */
static const struct {
    const char *alias, *name;
} xm_aliases[] = {
    {"balloon", "mem-set"},
    {"set-vcpus", "vcpu-set"},
    {"vif-list", "network-list"},
    {"vbd-create", "block-attach"},
    {"vbd-destroy", "block-detach"},
    {"vbd-list", "block-list"},
};

const struct cmd_spec *cmd_resolve(const char *word)
{
    const struct cmd_spec *cmd, *found = NULL;
    size_t len = strlen(word), i;
    int n = 0;

    if (!len || strchr(word, ' '))
        return NULL;
    cmd = cmd_lookup(word);
    if (cmd)
        return cmd;
    for (i = 0; xt_xm_mode && i < sizeof(xm_aliases) / sizeof(*xm_aliases);
         i++)
        if (!strcmp(word, xm_aliases[i].alias)) {
            fprintf(stderr, "Command %s is deprecated.  Please use xm %s "
                    "instead.\n", word, xm_aliases[i].name);
            return cmd_lookup(xm_aliases[i].name);
        }
    if (xt_xm_mode && len < 2)
        return NULL;
    /* Subcommands ("bridge create") are reached through their parent. */
    for (i = 0; i < (size_t)cmd_table_count; i++)
        if (!strchr(cmd_table[i].name, ' ') &&
            !strncmp(cmd_table[i].name, word, len)) {
            found = &cmd_table[i];
            n++;
        }
    return n == 1 ? found : NULL;
}

/* The command's xm form when run as xm and it has one. */
static const struct cmd_xm_spec *xm_form(const struct cmd_spec *cmd)
{
    int i;

    for (i = 0; xt_xm_mode && i < cmd_xm_table_count; i++)
        if (!strcmp(cmd_xm_table[i].name, cmd->name))
            return &cmd_xm_table[i];
    return NULL;
}

void cmd_print_usage(FILE *f, const struct cmd_spec *cmd)
{
    const struct cmd_xm_spec *xm = xm_form(cmd);

    fprintf(f, "Usage: %s %s %s\n", xt_progname, cmd->name,
            xm ? xm->usage : cmd->usage);
}

void cmd_print_help(FILE *f, const struct cmd_spec *cmd)
{
    const struct cmd_xm_spec *xm = xm_form(cmd);
    const char *opts = xm ? xm->options : cmd->options;

    cmd_print_usage(f, cmd);
    fprintf(f, "\n%s\n", cmd->help);
    if (opts && *opts)
        fprintf(f, "\nOptions:\n\n%s\n", opts);
}

static void usage_exit(const char *cmdname)
{
    const struct cmd_spec *cmd = cmd_lookup(cmdname);

    if (cmd)
        cmd_print_usage(stderr, cmd);
    exit(EXIT_USAGE);
}

int xt_getopt(int argc, char **argv, const char *opts,
              const struct option *longopts, const char *cmdname,
              int min_args)
{
    static const struct option help_only[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char optstr[64];
    int opt, stop = *opts == '+';

    /* Without '+', GNU getopt moves the positional arguments behind the
     * options, keeping their order, as xl's and xm's parsers did; '-'
     * (return them in place) is never wanted. */
    if (snprintf(optstr, sizeof(optstr), "%sh%s", stop ? "+" : "",
                 opts + stop) >= (int)sizeof(optstr))
        abort();
    opterr = 0;
    opt = getopt_long(argc, argv, optstr, longopts ? longopts : help_only,
                      NULL);
    if (opt == 'h') {
        const struct cmd_spec *cmd = cmd_lookup(cmdname);
        if (cmd)
            cmd_print_help(stdout, cmd);
        exit(EXIT_OK);
    }
    if (opt == '?' || opt == ':') {
        if (optopt)
            xt_err("%s: invalid option or missing argument '-%c'", cmdname,
                   optopt);
        else
            xt_err("%s: invalid option '%s'", cmdname, argv[optind - 1]);
        usage_exit(cmdname);
    }
    if (opt == -1 && argc - optind < min_args) {
        xt_err("%s: missing argument", cmdname);
        usage_exit(cmdname);
    }
    return opt;
}

void xt_check_max_args(int argc, char **argv, int max, const char *cmdname)
{
    if (argc - optind > max) {
        xt_err("%s: unexpected argument '%s'", cmdname, argv[optind + max]);
        usage_exit(cmdname);
    }
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", xt_progname, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void xt_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

void xt_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

struct be *xt_backend(void)
{
    char err[XT_ERRLEN] = "";
    struct be *be = NULL;
    int fallback = 0;

    if (core_open(&be, &fallback, err)) {
        xt_err("%s", err);
        return NULL;
    }
    if (fallback)
        fprintf(stderr, "no Xen hypervisor found: using the simulated "
                        "backend\n");
    return be;
}

int xt_attach_device(const char *cmd, const char *dom, xt_attach_fn add,
                     void *dev)
{
    char err[XT_ERRLEN];
    struct be *be;
    uint32_t domid;
    int rc = EXIT_FAIL;

    be = xt_backend();
    if (!be || xt_find_domain(be, dom, &domid))
        goto out;
    if (add(be, domid, dev, err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

int xt_parse_long(const char *s, long min, long max, long *val_r)
{
    char *end;
    long v;

    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtol(s, &end, 0);
    if (errno || *end || v < min || v > max)
        return -1;
    *val_r = v;
    return 0;
}

int xt_parse_memkb(const char *s, char def_unit, uint64_t *kb_r)
{
    unsigned long long v;
    char unit = def_unit;
    char *end;
    int shift;

    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (*end) {
        unit = *end++;
        if (*end)
            return -1;
    }
    switch (unit) {
    case 'b': case 'B': shift = -10; break;
    case 'k': case 'K': shift = 0; break;
    case 'm': case 'M': shift = 10; break;
    case 'g': case 'G': shift = 20; break;
    case 't': case 'T': shift = 30; break;
    default: return -1;
    }
    if (shift < 0) {
        v >>= 10;
    } else {
        if (v > (UINT64_MAX >> shift))
            return -1;
        v <<= shift;
    }
    *kb_r = v;
    return 0;
}

/*
 * The text of file (NULL: none) with each of vars after it on a line of
 * its own, as one buffer for the caller to free: xl adds the
 * "Variable=value" words of a command line to a config this way.  NULL
 * on failure; *open_errno_r is then the errno of a file that could not
 * be opened, or 0 for any other failure.
 */
char *xt_config_text(const char *file, int nvars, char **vars,
                     size_t *len_r, int *open_errno_r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len), *in;
    int c, i;

    *open_errno_r = 0;
    if (!out)
        return NULL;
    if (file) {
        in = fopen(file, "re");
        if (!in) {
            *open_errno_r = errno;
            fclose(out);
            free(text);
            return NULL;
        }
        while ((c = getc(in)) != EOF)
            putc(c, out);
        fclose(in);
    }
    for (i = 0; i < nvars; i++)
        fprintf(out, "\n%s\n", vars[i]);
    if (fclose(out)) {
        free(text);
        return NULL;
    }
    if (len_r)
        *len_r = len;
    return text;
}

/* The family a command is listed in, or cmd_families_count for none. */
static int family_of(const char *name)
{
    const char *p;
    size_t len = strlen(name);
    int f;

    for (f = 0; f < cmd_families_count; f++)
        for (p = cmd_families[f].names; (p = strstr(p, name)); p += len)
            if ((p == cmd_families[f].names || p[-1] == ' ') &&
                (p[len] == ',' || p[len] == '\0'))
                return f;
    return cmd_families_count;
}

/* Family f's heading and commands, in table order; cmd_families_count
 * is the commands of no family. */
static void print_family(int f)
{
    int i, n = 0;

    for (i = 0; i < cmd_table_count; i++) {
        if (family_of(cmd_table[i].name) != f)
            continue;
        if (!n++)
            printf("\n%s:\n", f < cmd_families_count
                                   ? cmd_families[f].title
                                   : "Other commands");
        printf(" %-20s %s\n", cmd_table[i].name, cmd_table[i].help);
    }
}

int main_help(int argc, char **argv)
{
    const struct cmd_spec *cmd;
    int opt, i;

    SWITCH_FOREACH_OPT(opt, "", NULL, "help", 0) {
    }
    xt_check_max_args(argc, argv, 1, "help");
    if (optind < argc) {
        cmd = cmd_lookup(argv[optind]);
        if (!cmd) {
            xt_err("help: unknown command '%s'", argv[optind]);
            return EXIT_USAGE;
        }
        cmd_print_help(stdout, cmd);
        return EXIT_OK;
    }
    printf("Usage: %s [--version] [-h] %sCOMMAND [ARGS]\n\n", xt_progname,
           xt_xm_mode ? "" : "[-v] [-N] [-f] [-t] [-T] ");
    printf("xltool manages Xen domains; invoked as xm it speaks as xm did."
           "\n");
    for (i = 0; i <= cmd_families_count; i++)
        print_family(i);
    printf("\nRun '%s COMMAND -h' for a command's options.\n", xt_progname);
    return EXIT_OK;
}
