/*
 * test_reloc_watch.c - the status lines a receiving process writes to
 * the process that watches it (relocation/session.c): "I NAME" while it
 * receives, "R" once renamed, "C" when clean.  Read through a real
 * non-blocking pipe, in pieces cut anywhere; a line too long, a name that
 * is no valid domain name or an unknown letter changes nothing; and a
 * watcher whose child died clean (or never started a transfer) has
 * nothing to remove.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "proto.h"
#include "reloc.h"

static int pfd[2];

static int setup(void **state)
{
    (void)state;
    if (pipe2(pfd, O_NONBLOCK | O_CLOEXEC))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    close(pfd[0]);
    close(pfd[1]);
    return 0;
}

static void put(const char *s)
{
    assert_int_equal(write(pfd[1], s, strlen(s)), (ssize_t)strlen(s));
}

static void test_lines_in_pieces(void **state)
{
    struct reloc_watch w = { 0 };

    (void)state;
    reloc_watch_read(&w, pfd[0]);          /* nothing yet: no change */
    assert_int_equal(w.state, 0);
    put("I web");
    reloc_watch_read(&w, pfd[0]);          /* half a line: not yet */
    assert_int_equal(w.state, 0);
    put("1\n");
    reloc_watch_read(&w, pfd[0]);
    assert_int_equal(w.state, 'I');
    assert_string_equal(w.name, "web1");
    put("R\nC");
    reloc_watch_read(&w, pfd[0]);
    assert_int_equal(w.state, 'R');
    put("\n");
    reloc_watch_read(&w, pfd[0]);
    assert_int_equal(w.state, 'C');
    assert_string_equal(w.name, "web1");
}

static void test_bad_lines_change_nothing(void **state)
{
    struct reloc_watch w = { 0 };
    char longline[3 * RELOC_MAX_NAME];

    (void)state;
    put("I busybox\n");
    reloc_watch_read(&w, pfd[0]);
    assert_int_equal(w.state, 'I');
    /* An invalid name, an unknown letter, an empty line. */
    put("I ../etc\nX\n\nI \n");
    reloc_watch_read(&w, pfd[0]);
    assert_int_equal(w.state, 'I');
    assert_string_equal(w.name, "busybox");
    /* A line longer than any status line: cut, and not a valid name
     * (it was truncated), so the state stays. */
    memset(longline, 'a', sizeof(longline));
    longline[0] = 'I';
    longline[1] = ' ';
    longline[sizeof(longline) - 1] = '\n';
    assert_int_equal(write(pfd[1], longline, sizeof(longline)),
                     (ssize_t)sizeof(longline));
    reloc_watch_read(&w, pfd[0]);
    assert_true(w.len < sizeof(w.line));
    assert_int_equal(w.state, 'I');
    assert_string_equal(w.name, "busybox");
    /* The next line reads normally. */
    put("C\n");
    reloc_watch_read(&w, pfd[0]);
    assert_int_equal(w.state, 'C');
}

static int logged;

static void count_log(int prio, const char *msg, void *opaque)
{
    (void)prio;
    (void)msg;
    (void)opaque;
    logged++;
}

static void test_reap_when_clean(void **state)
{
    struct reloc_conf c;
    struct reloc_watch w = { 0 };

    (void)state;
    reloc_conf_init(&c);
    logged = 0;
    /* Never started, and finished clean: nothing to do, nothing said. */
    reloc_watch_reap(&w, &c, 1, count_log, NULL);
    put("I web1\nR\nC\n");
    reloc_watch_read(&w, pfd[0]);
    reloc_watch_reap(&w, &c, 1, count_log, NULL);
    assert_int_equal(logged, 0);
    reloc_conf_dispose(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lines_in_pieces, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_lines_change_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reap_when_clean, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
