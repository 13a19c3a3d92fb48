/*
 * savefile.c - writes and reads the xl save-file header (see savefile.h).
 * Every length read from a file is checked against a maximum before any
 * allocation, and a short file is an error naming what was missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savefile.h"

int core_read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    ssize_t n;

    while (len) {
        n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = 0;
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

int core_write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    ssize_t n;

    while (len) {
        n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

int core_savefile_write(int fd, const char *json, uint32_t stream_flags,
                        char *err, size_t errlen)
{
    unsigned char hdr[XT_SAVEFILE_HDR_LEN + 4];
    size_t jlen = json ? strlen(json) + 1 : 0;
    uint32_t mflags = stream_flags;
    size_t hlen = XT_SAVEFILE_HDR_LEN;

    if (jlen > XT_SAVEFILE_MAX_OPTDATA - 4) {
        snprintf(err, errlen, "domain config too large for a save file "
                 "(%zu bytes)", jlen);
        return -1;
    }
    memset(hdr, 0, sizeof(hdr));
    memcpy(hdr, XT_SAVEFILE_MAGIC, XT_SAVEFILE_MAGIC_LEN);
    if (jlen)
        mflags |= XL_MANDATORY_FLAG_JSON;
    put32(hdr + 32, XT_SAVEFILE_BYTEORDER);
    put32(hdr + 36, mflags);
    put32(hdr + 40, 0);
    put32(hdr + 44, jlen ? (uint32_t)(jlen + 4) : 0);
    if (jlen) {
        put32(hdr + 48, (uint32_t)jlen);
        hlen += 4;
    }
    if (core_write_full(fd, hdr, hlen) ||
        (jlen && core_write_full(fd, json, jlen))) {
        snprintf(err, errlen, "cannot write the save-file header: %s",
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int read_or_fail(int fd, void *buf, size_t len, const char *what,
                        char *err, size_t errlen)
{
    if (core_read_full(fd, buf, len) == 0)
        return 0;
    if (errno)
        snprintf(err, errlen, "cannot read the save-file %s: %s", what,
                 strerror(errno));
    else
        snprintf(err, errlen, "save file truncated in its %s", what);
    return -1;
}

/* Checks the fixed part; returns the optional data length. */
static int check_fixed(const unsigned char *hdr, uint32_t known_flags,
                       uint32_t *mflags_r, uint32_t *optlen_r, char *err,
                       size_t errlen)
{
    uint32_t bo = get32(hdr + 32), mflags = get32(hdr + 36);

    if (memcmp(hdr, XT_SAVEFILE_MAGIC, XT_SAVEFILE_MAGIC_LEN)) {
        snprintf(err, errlen, "not an xl save file (bad magic)");
        return -1;
    }
    if (bo != XT_SAVEFILE_BYTEORDER) {
        snprintf(err, errlen, "save file written with another byte order "
                 "(0x%08x)", bo);
        return -1;
    }
    if (mflags & ~known_flags) {
        snprintf(err, errlen, "save file needs features this backend does "
                 "not have (mandatory flags 0x%08x, known 0x%08x)", mflags,
                 known_flags);
        return -1;
    }
    *mflags_r = mflags;
    *optlen_r = get32(hdr + 44);
    if (*optlen_r > XT_SAVEFILE_MAX_OPTDATA) {
        snprintf(err, errlen, "save-file optional data too large (%u bytes,"
                 " at most %u)", *optlen_r, XT_SAVEFILE_MAX_OPTDATA);
        return -1;
    }
    return 0;
}

/* Extracts the NUL-terminated JSON from the optional data. */
static int take_json(const unsigned char *opt, uint32_t optlen,
                     char **json_r, char *err, size_t errlen)
{
    uint32_t jlen;

    if (optlen < 4) {
        snprintf(err, errlen, "save-file optional data too short for a "
                 "config length");
        return -1;
    }
    jlen = get32(opt);
    if (jlen == 0 || jlen > optlen - 4) {
        snprintf(err, errlen, "save-file config length %u does not fit in "
                 "%u bytes of optional data", jlen, optlen - 4);
        return -1;
    }
    if (opt[4 + jlen - 1] != '\0' || memchr(opt + 4, '\0', jlen - 1)) {
        snprintf(err, errlen, "save-file config is not a terminated "
                 "string");
        return -1;
    }
    *json_r = strdup((const char *)opt + 4);
    if (!*json_r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int core_savefile_read(int fd, uint32_t known_flags, char **json_r,
                       uint32_t *mflags_r, char *err, size_t errlen)
{
    unsigned char hdr[XT_SAVEFILE_HDR_LEN];
    unsigned char *opt = NULL;
    uint32_t mflags, optlen;
    int rc = -1;

    *json_r = NULL;
    if (read_or_fail(fd, hdr, sizeof(hdr), "header", err, errlen) ||
        check_fixed(hdr, known_flags | XL_MANDATORY_FLAG_JSON, &mflags,
                    &optlen, err, errlen))
        goto out;
    if (optlen) {
        opt = malloc(optlen);
        if (!opt) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        if (read_or_fail(fd, opt, optlen, "optional data", err, errlen))
            goto out;
    }
    if ((mflags & XL_MANDATORY_FLAG_JSON) &&
        take_json(opt, optlen, json_r, err, errlen))
        goto out;
    *mflags_r = mflags;
    rc = 0;
out:
    free(opt);
    return rc;
}
