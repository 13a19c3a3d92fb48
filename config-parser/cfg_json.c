/*
 * cfg_json.c - libxl's own JSON form of a domain config: written with
 * libxl's generator (byte for byte what `xl create -n` prints) and read
 * back without a libxl context.
 */
#include <stdlib.h>
#include <string.h>
#include "cfg_int.h"

#include <libxl_json.h>

char *cfg_config_to_json(libxl_domain_config *d_config)
{
    yajl_gen hand = libxl_yajl_gen_alloc(NULL);
    const unsigned char *buf = NULL;
    size_t len = 0;
    char *out = NULL;

    if (!hand)
        return NULL;
    if (libxl_domain_config_gen_json(hand, d_config) == yajl_gen_status_ok &&
        yajl_gen_get_buf(hand, &buf, &len) == yajl_gen_status_ok) {
        /* xl prints the text without yajl's final newline, then "\n". */
        while (len > 0 && buf[len - 1] == '\n')
            len--;
        out = strndup((const char *)buf, len);
    }
    yajl_gen_free(hand);
    return out;
}

int cfg_config_from_json(const char *json, libxl_domain_config *d_config,
                         char *err, size_t errlen)
{
    (void)json;
    (void)d_config;
    snprintf(err, errlen, "not implemented");
    return -1;
}
