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
 * detaches, the input ends or the domain's console closes. */
static int relay(int fd)
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
            k = memchr(buf, DETACH_KEY, n);
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
    struct termios saved, raw;
    char err[XT_ERRLEN];
    int fd = -1, tty, rc;

    if (be->ops->console_open(be, domid, kind, &fd, err)) {
        xt_err("console: %s", err);
        return EXIT_FAIL;
    }
    tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    rc = relay(fd);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(fd);
    return rc ? EXIT_FAIL : EXIT_OK;
}

int main_console(int argc, char **argv)
{
    enum be_console_kind kind = BE_CONSOLE_DEFAULT;
    struct be *be = NULL;
    uint32_t domid;
    int opt, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "t:", NULL, "console", 1) {
    case 't':
        if (!strcmp(optarg, "pv"))
            kind = BE_CONSOLE_PV;
        else if (!strcmp(optarg, "serial"))
            kind = BE_CONSOLE_SERIAL;
        else {
            xt_err("console: unknown console type '%s' (pv or serial)",
                   optarg);
            return EXIT_USAGE;
        }
        break;
    }
    xt_check_max_args(argc, argv, 1, "console");
    be = xt_backend();
    if (be && xt_find_domain(be, argv[optind], &domid) == 0)
        rc = xt_console(be, domid, kind);
    core_close(be);
    return rc;
}
