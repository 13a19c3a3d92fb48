/*
 * bridge-taps.c - test program standing in for a simulated domain: opens
 * tap devices on a bridge with bridge_tap_open, says "ready" on stdout,
 * and holds them until its standard input reaches end of file (or it is
 * killed), which is when the devices must disappear.
 *
 * Usage: bridge-taps BRIDGE NAME MAC [NAME MAC]...
 * Exit status 0, or 1 with bridge_tap_open's message on stderr.
 */
#include <stdio.h>
#include <unistd.h>

#include "bridge.h"
#include "core.h"

#define MAX_TAPS 8

int main(int argc, char **argv)
{
    char err[XT_ERRLEN];
    int fds[MAX_TAPS];
    int i, n = 0;
    char c;

    if (argc < 4 || argc % 2 || (argc - 2) / 2 > MAX_TAPS) {
        fprintf(stderr, "usage: bridge-taps BRIDGE NAME MAC [NAME MAC]...\n");
        return 2;
    }
    for (i = 2; i < argc; i += 2) {
        if (bridge_tap_open(argv[i], argv[i + 1], argv[1], &fds[n], err,
                            sizeof(err))) {
            fprintf(stderr, "bridge-taps: %s\n", err);
            return 1;
        }
        n++;
    }
    printf("ready\n");
    fflush(stdout);
    while (read(0, &c, 1) > 0)
        ;
    for (i = 0; i < n; i++)
        close(fds[i]);
    return 0;
}
