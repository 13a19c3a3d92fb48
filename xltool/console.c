/*
 * console.c - console: the terminal attached to a domain's console until
 * Ctrl-] (the terminal is put in raw mode and always restored).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "savefile.h"
#include "xltool.h"

#define DETACH_KEY 0x1d    /* Ctrl-] */

/* Copies between the terminal and the console; returns when the user
 * types the escape key, the input ends or the domain's console closes. */
static int relay(int fd, char esc)
{
    struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {fd, POLLIN, 0}};
    char buf[4096], *k;
    ssize_t n;

    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(fd, buf, sizeof(buf));
            if (n <= 0)
                return 0;
            if (core_write_full(STDOUT_FILENO, buf, n))
                return -1;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n <= 0)
                return 0;
            k = memchr(buf, esc, n);
            if (k)
                n = k - buf;
            if (n && core_write_full(fd, buf, n))
                return 0;
            if (k)
                return 0;
        }
    }
}

int xt_console(struct be *be, uint32_t domid, enum be_console_kind kind)
{
    return xt_console_ex(be, domid, kind, 0, DETACH_KEY);
}

int xt_console_ex(struct be *be, uint32_t domid, enum be_console_kind kind,
                  int num, char esc)
{
    struct termios saved, raw;
    char err[XT_ERRLEN];
    int fd = -1, tty, rc;

    if (be->ops->console_open(be, domid, kind, num, &fd, err)) {
        xt_err("console: %s", err);
        return EXIT_FAIL;
    }
    tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    rc = relay(fd, esc);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(fd);
    return rc ? EXIT_FAIL : EXIT_OK;
}

/* xl's escape: "^X" for Ctrl-X, or one character. */
static int parse_escape(const char *s, char *esc_r)
{
    if (s[0] == '^' && s[1] && !s[2] &&
        ((s[1] >= '@' && s[1] <= '_') || (s[1] >= 'a' && s[1] <= 'z'))) {
        *esc_r = (char)(s[1] & 0x1f);
        return 0;
    }
    if (s[0] && !s[1]) {
        *esc_r = s[0];
        return 0;
    }
    return -1;
}

static int console_type(const char *s, enum be_console_kind *kind_r)
{
    if (!strcmp(s, "pv"))
        *kind_r = BE_CONSOLE_PV;
    else if (!strcmp(s, "serial"))
        *kind_r = BE_CONSOLE_SERIAL;
    else
        return -1;
    return 0;
}

int main_console(int argc, char **argv)
{
    static const struct option xm_longopts[] = {
        {"quiet", no_argument, NULL, 'q'},
        {"num", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum be_console_kind kind = BE_CONSOLE_DEFAULT;
    char esc = DETACH_KEY, err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    long num = 0;
    int opt, quiet = 0, rc = EXIT_FAIL;

    /* xl: -t -n -e; xm: -q -n. */
    SWITCH_FOREACH_OPT(opt, xt_xm_mode ? "qn:" : "t:n:e:",
                       xt_xm_mode ? xm_longopts : NULL, "console", 1) {
    case 't':
        if (console_type(optarg, &kind)) {
            xt_err("console: unknown console type '%s' (pv or serial)",
                   optarg);
            return EXIT_USAGE;
        }
        break;
    case 'n':
        if (xt_parse_long(optarg, 0, 255, &num)) {
            xt_err("console: invalid console number '%s'", optarg);
            return EXIT_USAGE;
        }
        break;
    case 'e':
        if (parse_escape(optarg, &esc)) {
            xt_err("console: invalid escape '%s' (^X or one character)",
                   optarg);
            return EXIT_USAGE;
        }
        break;
    case 'q': quiet = 1; break;
    }
    xt_check_max_args(argc, argv, 1, "console");
    be = xt_backend();
    if (!be)
        goto out;
    /* xm's -q: a domain that does not exist fails without a word. */
    if (quiet ? core_lookup(be, argv[optind], &domid, err)
              : xt_find_domain(be, argv[optind], &domid))
        goto out;
    rc = xt_console_ex(be, domid, kind, (int)num, esc);
out:
    core_close(be);
    return rc;
}
