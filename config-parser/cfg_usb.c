/*
 * cfg_usb.c - the device lists xl reads field by field without a
 * libxlutil parser: channel (PV channels), usbctrl and usbdev.  The
 * fields mean what they mean to xl 4.17, including its number reading
 * (atoi and strtoul: "ports=8x" is 8), so that the JSON is xl's; an
 * unknown channel parameter is a warning (xl ignores it), an unknown
 * usbctrl or usbdev field an error (xl refuses it).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/* xl reads these numbers with atoi / strtoul and no check. */
static int xl_atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

static uint8_t xl_byte(const char *s)
{
    return (uint8_t)strtoul(s, NULL, 0);
}

/* Grows *arr by one element of size sz; NULL when out of memory. */
static void *grow(void **arr, int *n, size_t sz)
{
    char *na = realloc(*arr, sz * (size_t)(*n + 1));

    if (!na)
        return NULL;
    *arr = na;
    return na + sz * (size_t)(*n)++;
}

static const char *item_str(struct cfg_conv *cv, const char *key,
                            const struct cfg_value *it)
{
    if (it->type == CFG_V_STR)
        return it->s;
    cfg_conv_error_at(cv, it, -1, 0, "'%s' entries must be strings, not %s",
                      key, cfg_value_kind(it));
    return NULL;
}

/* ---- channel ---- */

static char *trimmed(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return strndup(s, n);
}

/*
 * One "key=value" of a channel: xl splits it with strtok at "=", so the
 * value is the text up to a second "=", and a pair without a key or a
 * value is refused.
 */
static int channel_pair(struct cfg_conv *cv, const struct cfg_value *it,
                        int off, char *pair, libxl_device_channel *chn,
                        char **path)
{
    char *save = NULL, *k = strtok_r(pair, "=", &save);
    char *v = k ? strtok_r(NULL, "=", &save) : NULL, *key, *val;
    int rc = 0;

    if (!v) {
        cfg_conv_error_at(cv, it, off, (int)strlen(pair), "channel field "
                          "\"%s\" is not key=value", pair);
        return -1;
    }
    key = trimmed(k);
    val = trimmed(v);
    if (!key || !val) {
        rc = -1;
    } else if (!strcmp(key, "backend")) {
        free(chn->backend_domname);
        chn->backend_domname = strdup(val);
    } else if (!strcmp(key, "name")) {
        free(chn->name);
        chn->name = strdup(val);
    } else if (!strcmp(key, "connection")) {
        if (!strcmp(val, "pty")) {
            chn->connection = LIBXL_CHANNEL_CONNECTION_PTY;
        } else if (!strcmp(val, "socket")) {
            chn->connection = LIBXL_CHANNEL_CONNECTION_SOCKET;
        } else {
            cfg_conv_error_at(cv, it, off, (int)(v - k) + (int)strlen(v),
                              "unknown channel connection \"%s\" (pty or "
                              "socket)", val);
            rc = -1;
        }
    } else if (!strcmp(key, "path")) {
        free(*path);
        *path = strdup(val);
    } else {
        cfg_conv_warn_at(cv, it, off, (int)strlen(k), "unknown channel "
                         "parameter '%s'; ignored, as xl does", key);
    }
    free(key);
    free(val);
    return rc;
}

/* What xl requires of a channel once its fields are read. */
static int channel_check(struct cfg_conv *cv, const struct cfg_value *it,
                         libxl_device_channel *chn, char **path)
{
    const char *why = NULL;

    if (!chn->name)
        why = "a channel needs a name (name=...)";
    else if (chn->connection == LIBXL_CHANNEL_CONNECTION_UNKNOWN)
        why = "a channel needs a connection (connection=pty or socket)";
    else if (chn->connection == LIBXL_CHANNEL_CONNECTION_SOCKET && !*path)
        why = "a socket channel needs a path (path=...)";
    if (why) {
        cfg_conv_error_at(cv, it, -1, 0, "%s", why);
        return -1;
    }
    if (chn->connection == LIBXL_CHANNEL_CONNECTION_SOCKET) {
        chn->u.socket.path = *path;
        *path = NULL;
    }
    return 0;
}

static void channel_item(struct cfg_conv *cv, const struct cfg_value *it,
                         libxl_device_channel *chn)
{
    char *s = strdup(it->s), *tok, *save = NULL, *path = NULL;
    libxl_channel_connection conn;

    for (tok = s ? strtok_r(s, ",", &save) : NULL; tok;
         tok = strtok_r(NULL, ",", &save))
        if (channel_pair(cv, it, (int)(tok - s), tok, chn, &path))
            goto out;
    /* The union follows the connection, as libxl's init_connection
     * would set it. */
    conn = chn->connection;
    chn->connection = LIBXL_CHANNEL_CONNECTION_UNKNOWN;
    if (conn != LIBXL_CHANNEL_CONNECTION_UNKNOWN)
        libxl_device_channel_init_connection(chn, conn);
    channel_check(cv, it, chn, &path);
out:
    free(path);
    free(s);
}

void cfg_conv_channels(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    libxl_device_channel *chn;
    struct cfg_var *var;
    int k;

    if (cfg_conv_list(cv, "channel", &var) <= 0)
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!item_str(cv, "channel", var->val->items[k]))
            continue;
        chn = grow((void **)&dc->channels, &dc->num_channels, sizeof(*chn));
        if (!chn)
            return;
        libxl_device_channel_init(chn);
        chn->devid = dc->num_channels - 1;
        channel_item(cv, var->val->items[k], chn);
    }
}

/* ---- usbctrl and usbdev ---- */

/* Splits "key=value" at tok; NULL when there is no "=". */
static const char *field_value(char *tok, const char *key)
{
    size_t n = strlen(key);

    return !strncmp(tok, key, n) && tok[n] == '=' ? tok + n + 1 : NULL;
}

static int usbctrl_field(libxl_device_usbctrl *c, char *tok)
{
    const char *v;

    if ((v = field_value(tok, "type")))
        return libxl_usbctrl_type_from_string(v, &c->type) ? -1 : 0;
    if ((v = field_value(tok, "version")))
        c->version = xl_atoi(v);
    else if ((v = field_value(tok, "ports")))
        c->ports = xl_atoi(v);
    else
        return -1;
    return 0;
}

static int usbdev_field(libxl_device_usbdev *d, char *tok)
{
    const char *v;

    /* The hostdev fields are set whatever the type, as xl sets them;
     * libxl prints them only for type=hostdev. */
    if ((v = field_value(tok, "type")))
        return libxl_usbdev_type_from_string(v, &d->type) ? -1 : 0;
    if ((v = field_value(tok, "hostbus")))
        d->u.hostdev.hostbus = xl_byte(v);
    else if ((v = field_value(tok, "hostaddr")))
        d->u.hostdev.hostaddr = xl_byte(v);
    else if ((v = field_value(tok, "controller")))
        d->ctrl = xl_atoi(v);
    else if ((v = field_value(tok, "port")))
        d->port = xl_atoi(v);
    else
        return -1;
    return 0;
}

/* Applies field() to each field of item it; the first bad one is an
 * error naming what the spec is. */
static void usb_fields(struct cfg_conv *cv, const struct cfg_value *it,
                       const char *what, void *dev,
                       int (*field)(void *dev, char *tok))
{
    char *s = strdup(it->s), *tok, *save = NULL;

    for (tok = s ? strtok_r(s, ",", &save) : NULL; tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (field(dev, tok)) {
            cfg_conv_error_at(cv, it, (int)(tok - s), (int)strlen(tok),
                              "invalid %s field \"%s\"", what, tok);
            break;
        }
    }
    free(s);
}

static int usbctrl_field_v(void *dev, char *tok)
{
    return usbctrl_field(dev, tok);
}

static int usbdev_field_v(void *dev, char *tok)
{
    return usbdev_field(dev, tok);
}

void cfg_conv_usbctrls(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    libxl_device_usbctrl *c;
    struct cfg_var *var;
    int k;

    if (cfg_conv_list(cv, "usbctrl", &var) <= 0)
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!item_str(cv, "usbctrl", var->val->items[k]))
            continue;
        c = grow((void **)&dc->usbctrls, &dc->num_usbctrls, sizeof(*c));
        if (!c)
            return;
        libxl_device_usbctrl_init(c);
        c->devid = dc->num_usbctrls - 1;
        usb_fields(cv, var->val->items[k], "usbctrl", c, usbctrl_field_v);
    }
}

void cfg_conv_usbdevs(struct cfg_conv *cv)
{
    libxl_domain_config *dc = cv->dc;
    libxl_device_usbdev *d;
    struct cfg_var *var;
    int k;

    if (cfg_conv_list(cv, "usbdev", &var) <= 0)
        return;
    for (k = 0; k < var->val->n; k++) {
        if (!item_str(cv, "usbdev", var->val->items[k]))
            continue;
        d = grow((void **)&dc->usbdevs, &dc->num_usbdevs, sizeof(*d));
        if (!d)
            return;
        libxl_device_usbdev_init(d);
        usb_fields(cv, var->val->items[k], "usbdev", d, usbdev_field_v);
    }
}
