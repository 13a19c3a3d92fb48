/*
 * testpause.c - a pause point for fault-injection tests.  With
 * XLTOOL_RELOC_PAUSE=PHASE:FILE in the environment, the process that
 * reaches PHASE creates FILE and waits (a minute at most) until the test
 * removes it, so that the test can cut the network or kill a process at a
 * known point of the protocol.
 * Unset (as always outside tests), it costs one getenv.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reloc.h"

void reloc_test_pause(const char *phase)
{
    const char *v = getenv("XLTOOL_RELOC_PAUSE");
    size_t n = strlen(phase);
    int fd, i;

    if (!v || strncmp(v, phase, n) || v[n] != ':' || !v[n + 1])
        return;
    fd = open(v + n + 1, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    close(fd);
    for (i = 0; i < 1200 && access(v + n + 1, F_OK) == 0; i++)
        usleep(50000);
}
