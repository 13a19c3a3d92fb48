/*
 * test_reloc_client.c - a decision the migration client (relocation/
 * client.c) takes before it touches a domain: whether this host can send
 * a domain of a given type live.  (How a --plain client recognises xl
 * migrate-receive is in test_reloc_net.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reloc.h"

static void caps(libxl_physinfo *p, int hap, int shadow)
{
    memset(p, 0, sizeof(*p));
    p->cap_hap = hap;
    p->cap_shadow = shadow;
}

/* Debian's Xen 4.17: HAP, no shadow paging.  PV guests cannot be sent
 * live; the message names the domain and says what to do instead. */
static void test_pv_needs_shadow(void **state)
{
    libxl_physinfo p;
    char err[XT_ERRLEN] = "";

    (void)state;
    caps(&p, 1, 0);
    assert_int_equal(reloc_live_check("web1", LIBXL_DOMAIN_TYPE_PV, &p,
                                      err), -1);
    assert_non_null(strstr(err, "PV guests needs shadow paging"));
    assert_non_null(strstr(err, "this hypervisor lacks"));
    assert_non_null(strstr(err, "web1"));
    assert_non_null(strstr(err, "xm migrate without -l"));
    assert_non_null(strstr(err, "xl migrate --non-live"));
    assert_null(strchr(err, '\n'));
    caps(&p, 0, 0);
    assert_int_equal(reloc_live_check("web1", LIBXL_DOMAIN_TYPE_PV, &p,
                                      err), -1);
}

static void test_pv_with_shadow(void **state)
{
    libxl_physinfo p;
    char err[XT_ERRLEN] = "";

    (void)state;
    caps(&p, 0, 1);
    assert_int_equal(reloc_live_check("web1", LIBXL_DOMAIN_TYPE_PV, &p,
                                      err), 0);
    caps(&p, 1, 1);
    assert_int_equal(reloc_live_check("web1", LIBXL_DOMAIN_TYPE_PV, &p,
                                      err), 0);
    assert_string_equal(err, "");
}

/* HVM and PVH guests track dirty pages with HAP, or with shadow paging
 * when the hardware has no HAP. */
static void test_hvm_pvh(void **state)
{
    static const libxl_domain_type types[] = {
        LIBXL_DOMAIN_TYPE_HVM, LIBXL_DOMAIN_TYPE_PVH,
    };
    libxl_physinfo p;
    char err[XT_ERRLEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        caps(&p, 1, 0);
        assert_int_equal(reloc_live_check("db", types[i], &p, err), 0);
        caps(&p, 0, 1);
        assert_int_equal(reloc_live_check("db", types[i], &p, err), 0);
        caps(&p, 0, 0);
        assert_int_equal(reloc_live_check("db", types[i], &p, err), -1);
        assert_non_null(strstr(err, "HAP or shadow paging"));
        assert_non_null(strstr(err, "db"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pv_needs_shadow),
        cmocka_unit_test(test_pv_with_shadow),
        cmocka_unit_test(test_hvm_pvh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
