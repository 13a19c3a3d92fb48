/*
 * usb.c - usbctrl-attach, usbctrl-detach, usbdev-attach, usbdev-detach
 * and usb-list: virtual USB controllers and the host devices on their
 * ports, in xl's forms and format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xltool.h"

/* "key=N" with N in [min, max] into *v; 1 when the word is not key's. */
static int num_word(const char *w, const char *key, long min, long max,
                    long *v)
{
    size_t k = strlen(key);

    if (strncmp(w, key, k) || w[k] != '=')
        return 1;
    return xt_parse_long(w + k + 1, min, max, v) ? -1 : 0;
}

static int ctrl_words(int n, char **w, libxl_device_usbctrl *c)
{
    long v;
    int i, r;

    for (i = 0; i < n; i++) {
        if (!strncmp(w[i], "type=", 5)) {
            if (libxl_usbctrl_type_from_string(w[i] + 5, &c->type))
                goto bad;
        } else if ((r = num_word(w[i], "version", 1, 2, &v)) <= 0) {
            if (r < 0)
                goto bad;
            c->version = (int)v;
        } else if ((r = num_word(w[i], "ports", 1, BE_USB_PORTS, &v)) <= 0) {
            if (r < 0)
                goto bad;
            c->ports = (int)v;
        } else {
            goto bad;
        }
    }
    return 0;
bad:
    xt_err("usbctrl-attach: invalid argument '%s'", w[i]);
    return -1;
}

static int add_usbctrl(struct be *be, uint32_t domid, void *dev, char *err)
{
    return be->ops->usbctrl_add(be, domid, dev, err);
}

int main_usbctrl_attach(int argc, char **argv)
{
    libxl_device_usbctrl c;
    int opt, rc;

    libxl_device_usbctrl_init(&c);
    SWITCH_FOREACH_OPT(opt, "", NULL, "usbctrl-attach", 1) {
    }
    if (ctrl_words(argc - optind - 1, argv + optind + 1, &c))
        rc = EXIT_USAGE;
    else
        rc = xt_attach_device("usbctrl-attach", argv[optind], add_usbctrl,
                              &c);
    libxl_device_usbctrl_dispose(&c);
    return rc;
}

/* usbctrl-detach and usbdev-detach: numbers after the domain. */
static int detach(int argc, char **argv, const char *cmd, int nnums)
{
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    long v[2] = {0, 0};
    int opt, i, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, cmd, 1 + nnums) {
    }
    xt_check_max_args(argc, argv, 1 + nnums, cmd);
    for (i = 0; i < nnums; i++)
        if (xt_parse_long(argv[optind + 1 + i], 0, 65535, &v[i])) {
            xt_err("%s: invalid number '%s'", cmd, argv[optind + 1 + i]);
            return EXIT_USAGE;
        }
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (nnums == 1 ? be->ops->usbctrl_remove(be, domid, (int)v[0], err)
                   : be->ops->usbdev_remove(be, domid, (int)v[0], (int)v[1],
                                            err)) {
        xt_err("%s: %s", cmd, err);
        goto out;
    }
    rc = EXIT_OK;
out:
    core_close(be);
    return rc;
}

int main_usbctrl_detach(int argc, char **argv)
{
    return detach(argc, argv, "usbctrl-detach", 1);
}

int main_usbdev_detach(int argc, char **argv)
{
    return detach(argc, argv, "usbdev-detach", 2);
}

static int dev_words(int n, char **w, libxl_device_usbdev *d)
{
    long v;
    int i, have_bus = 0, have_addr = 0, r;

    for (i = 0; i < n; i++) {
        if ((r = num_word(w[i], "hostbus", 1, 255, &v)) <= 0) {
            if (r < 0)
                goto bad;
            d->u.hostdev.hostbus = (uint8_t)v;
            have_bus = 1;
        } else if ((r = num_word(w[i], "hostaddr", 1, 255, &v)) <= 0) {
            if (r < 0)
                goto bad;
            d->u.hostdev.hostaddr = (uint8_t)v;
            have_addr = 1;
        } else if ((r = num_word(w[i], "controller", 0, 65535, &v)) <= 0) {
            if (r < 0)
                goto bad;
            d->ctrl = (int)v;
        } else if ((r = num_word(w[i], "port", 1, BE_USB_PORTS, &v)) <= 0) {
            if (r < 0)
                goto bad;
            d->port = (int)v;
        } else {
            goto bad;
        }
    }
    if (!have_bus || !have_addr) {
        xt_err("usbdev-attach: hostbus= and hostaddr= are needed");
        return -1;
    }
    if (d->port && d->ctrl < 0) {
        xt_err("usbdev-attach: port= needs controller=");
        return -1;
    }
    return 0;
bad:
    xt_err("usbdev-attach: invalid argument '%s'", w[i]);
    return -1;
}

static int add_usbdev(struct be *be, uint32_t domid, void *dev, char *err)
{
    return be->ops->usbdev_add(be, domid, dev, err);
}

int main_usbdev_attach(int argc, char **argv)
{
    libxl_device_usbdev d;
    int opt, rc;

    libxl_device_usbdev_init(&d);
    d.type = LIBXL_USBDEV_TYPE_HOSTDEV;
    d.ctrl = -1;
    SWITCH_FOREACH_OPT(opt, "", NULL, "usbdev-attach", 2) {
    }
    if (dev_words(argc - optind - 1, argv + optind + 1, &d))
        rc = EXIT_USAGE;
    else
        rc = xt_attach_device("usbdev-attach", argv[optind], add_usbdev, &d);
    libxl_device_usbdev_dispose(&d);
    return rc;
}

int main_usb_list(int argc, char **argv)
{
    struct be_usbctrl *l = NULL;
    char err[XT_ERRLEN];
    struct be *be = NULL;
    uint32_t domid;
    int opt, n = 0, i, p, rc = EXIT_FAIL;

    SWITCH_FOREACH_OPT(opt, "", NULL, "usb-list", 1) {
    }
    xt_check_max_args(argc, argv, 1, "usb-list");
    be = xt_backend();
    if (!be || xt_find_domain(be, argv[optind], &domid))
        goto out;
    if (be->ops->usb_list(be, domid, &l, &n, err)) {
        xt_err("usb-list: %s", err);
        goto out;
    }
    for (i = 0; i < n; i++) {
        printf("%-6s %-12s %-3s %-5s %-7s %-5s\n", "Devid", "Type", "BE",
               "state", "usb-ver", "ports");
        printf("%-6d %-12s %-3d %-5d %-7d %-5d\n", l[i].devid,
               libxl_usbctrl_type_to_string(l[i].type), l[i].backend_id,
               l[i].state, l[i].version, l[i].ports);
        for (p = 1; p <= l[i].ports; p++) {
            printf("  Port %d:", p);
            if (l[i].port[p].used)
                printf(" Bus %03x Device %03x", l[i].port[p].bus,
                       l[i].port[p].addr);
            printf("\n");
        }
    }
    rc = EXIT_OK;
out:
    free(l);
    core_close(be);
    return rc;
}
