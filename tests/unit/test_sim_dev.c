/*
 * test_sim_dev.c - the simulated backend's disk image locks: every pair
 * of a holder's mode and a newcomer's mode ("r", "w", "w!") is let in or
 * refused as xend's block script decided, a holder's going frees the
 * image, and a takeover waits for the image and then holds it.  Open
 * file description locks conflict between two opens in one process, so
 * one process plays every domain.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sim.h"

static char img[64];

static int setup(void **state)
{
    int fd;

    (void)state;
    snprintf(img, sizeof(img), "/tmp/xltool-dev-XXXXXX");
    fd = mkstemp(img);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(img);
    return 0;
}

enum mode { R, W, WS };
static const char *const names[] = {"r", "w", "w!"};

static void disk_of(libxl_device_disk *d, enum mode m)
{
    libxl_device_disk_init(d);
    d->pdev_path = img;
    d->vdev = "xvda";
    d->readwrite = m != R;
}

/* Opens the image as a domain with mode m would; the fd, or -1 when it
 * was refused as in use (any other failure fails the test). */
static int use(enum mode m)
{
    libxl_device_disk d;
    char err[XT_ERRLEN] = "";
    int fd = -1;

    disk_of(&d, m);
    if (sim_disk_open(&d, m == WS, "t", &fd, err)) {
        if (!strstr(err, "in use by another domain"))
            fail_msg("%s: %s", names[m], err);
        return -1;
    }
    assert_true(fd >= 0);
    return fd;
}

/* The block script's rule, [holder][newcomer]. */
static const int allowed[3][3] = {
    /*            r  w  w! */
    /* r  */    { 1, 0, 1 },
    /* w  */    { 0, 0, 1 },
    /* w! */    { 1, 0, 1 },
};

static void test_pairs(void **state)
{
    int h, n, fh, fn;

    (void)state;
    for (h = R; h <= WS; h++) {
        for (n = R; n <= WS; n++) {
            fh = use(h);
            assert_true(fh >= 0);
            fn = use(n);
            if ((fn >= 0) != allowed[h][n])
                fail_msg("holder %s, newcomer %s: %s", names[h], names[n],
                         fn >= 0 ? "let in" : "refused");
            if (fn >= 0)
                close(fn);
            close(fh);
        }
    }
}

/* Several "w!" writers and a reader; a plain "w" comes in only once
 * every one of them has gone. */
static void test_many_and_release(void **state)
{
    int a, b, r, w;

    (void)state;
    a = use(WS);
    b = use(WS);
    r = use(R);
    assert_true(a >= 0 && b >= 0 && r >= 0);
    assert_int_equal(use(W), -1);
    close(a);
    close(r);
    assert_int_equal(use(W), -1);
    close(b);
    w = use(W);
    assert_true(w >= 0);
    /* "w" first: a "w!" is let in beside it, a reader is not, and the
     * reader stays out after the "w!" one goes. */
    a = use(WS);
    assert_true(a >= 0);
    assert_int_equal(use(R), -1);
    close(a);
    assert_int_equal(use(R), -1);
    close(w);
    r = use(R);
    assert_true(r >= 0);
    close(r);
}

/* A takeover of a "w" use: it waits for the holder, then holds. */
static void test_takeover(void **state)
{
    libxl_device_disk d;
    char err[XT_ERRLEN];
    int holder, fd = -1, busy = 0, i, r = -1;

    (void)state;
    holder = use(W);
    assert_true(holder >= 0);
    disk_of(&d, W);
    assert_int_equal(sim_disk_open_ex(&d, 0, "t", &fd, &busy, err), 0);
    assert_int_equal(busy, 1);
    assert_true(fd >= 0);
    sim_disk_takeover(&d, 0, fd);
    close(holder);
    /* Until the child has the image, a reader may still get in. */
    for (i = 0; i < 200; i++) {
        r = use(R);
        if (r < 0)
            break;
        close(r);
        usleep(10000);
    }
    assert_int_equal(r, -1);
    assert_int_equal(use(W), -1);
    r = use(WS);
    assert_true(r >= 0);
    close(r);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_many_and_release),
        cmocka_unit_test(test_takeover),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
