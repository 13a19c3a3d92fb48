/*
 * proto.c - building and bounds-checked parsing of relocation protocol
 * messages (see proto.h).  Nothing here does I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "proto.h"

static const char *const msg_names[] = {
    [RELOC_HELLO] = "HELLO",       [RELOC_ACCEPT] = "ACCEPT",
    [RELOC_REFUSE] = "REFUSE",     [RELOC_DATA] = "DATA",
    [RELOC_DATA_END] = "DATA_END", [RELOC_READY] = "READY",
    [RELOC_GO] = "GO",             [RELOC_REPORT] = "REPORT",
    [RELOC_HANDBACK] = "HANDBACK", [RELOC_ABORT] = "ABORT",
    [RELOC_RESOLVE] = "RESOLVE",   [RELOC_RESOLVED] = "RESOLVED",
    [RELOC_PROBED] = "PROBED",
};

const char *reloc_msg_name(unsigned int type)
{
    if (type == 0 || type > RELOC_MSG_MAX)
        return "unknown";
    return msg_names[type];
}

size_t reloc_msg_max(unsigned int type)
{
    switch (type) {
    case RELOC_HELLO: return RELOC_MAX_CTRL;
    case RELOC_DATA: return RELOC_MAX_DATA;
    case RELOC_ACCEPT: case RELOC_GO: case RELOC_HANDBACK: return 0;
    case RELOC_DATA_END: case RELOC_PROBED: return 8;
    case RELOC_READY: case RELOC_RESOLVED: return 4;
    case RELOC_REFUSE: case RELOC_ABORT: return 4 + RELOC_MAX_STR;
    case RELOC_REPORT: return 8 + RELOC_MAX_STR;
    case RELOC_RESOLVE: return 16 + RELOC_MAX_NAME + RELOC_MAX_STR;
    default: return 0;
    }
}

static int type_known(unsigned int type)
{
    return type >= 1 && type <= RELOC_MSG_MAX;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

void reloc_hdr_pack(uint8_t hdr[RELOC_HDR_LEN], uint16_t type, uint32_t len)
{
    hdr[0] = type >> 8;
    hdr[1] = type;
    hdr[2] = hdr[3] = 0;
    put32(hdr + 4, len);
}

int reloc_hdr_parse(const uint8_t hdr[RELOC_HDR_LEN], uint16_t *type_r,
                    uint32_t *len_r, char *err)
{
    uint16_t type = (uint16_t)(hdr[0] << 8 | hdr[1]);
    uint32_t len = get32(hdr + 4);

    if (!type_known(type) || hdr[2] || hdr[3]) {
        snprintf(err, XT_ERRLEN, "malformed message header (type %u)",
                 (unsigned int)type);
        return -1;
    }
    if (len > reloc_msg_max(type)) {
        snprintf(err, XT_ERRLEN, "%s message of %u bytes exceeds the "
                 "limit of %zu", reloc_msg_name(type), len,
                 reloc_msg_max(type));
        return -1;
    }
    *type_r = type;
    *len_r = len;
    return 0;
}

static void buf_put(struct reloc_buf *b, const void *p, size_t n)
{
    size_t cap;
    uint8_t *np;

    if (b->failed)
        return;
    if (n > RELOC_MAX_CTRL + RELOC_HDR_LEN - b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + n > b->cap) {
        cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        np = realloc(b->p, cap);
        if (!np) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void reloc_buf_start(struct reloc_buf *b, uint16_t type)
{
    uint8_t hdr[RELOC_HDR_LEN];

    b->len = 0;
    b->failed = 0;
    reloc_hdr_pack(hdr, type, 0);
    buf_put(b, hdr, sizeof(hdr));
}

void reloc_buf_u32(struct reloc_buf *b, uint32_t v)
{
    uint8_t p[4];

    put32(p, v);
    buf_put(b, p, 4);
}

void reloc_buf_u64(struct reloc_buf *b, uint64_t v)
{
    reloc_buf_u32(b, (uint32_t)(v >> 32));
    reloc_buf_u32(b, (uint32_t)v);
}

void reloc_buf_str(struct reloc_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n > UINT32_MAX) {
        b->failed = 1;
        return;
    }
    reloc_buf_u32(b, (uint32_t)n);
    if (n)
        buf_put(b, s, n);
}

int reloc_buf_finish(struct reloc_buf *b, char *err)
{
    uint16_t type;
    size_t plen;

    if (b->failed || b->len < RELOC_HDR_LEN) {
        snprintf(err, XT_ERRLEN, "cannot build a message: out of memory or "
                 "too large");
        return -1;
    }
    type = (uint16_t)(b->p[0] << 8 | b->p[1]);
    plen = b->len - RELOC_HDR_LEN;
    if (plen > reloc_msg_max(type)) {
        snprintf(err, XT_ERRLEN, "%s message of %zu bytes exceeds the limit "
                 "of %zu", reloc_msg_name(type), plen, reloc_msg_max(type));
        return -1;
    }
    put32(b->p + 4, (uint32_t)plen);
    return 0;
}

void reloc_buf_dispose(struct reloc_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void reloc_cur_init(struct reloc_cur *c, const void *p, size_t len)
{
    c->p = p;
    c->len = len;
    c->off = 0;
}

int reloc_cur_u32(struct reloc_cur *c, uint32_t *v_r)
{
    if (c->len - c->off < 4)
        return -1;
    *v_r = get32(c->p + c->off);
    c->off += 4;
    return 0;
}

int reloc_cur_u64(struct reloc_cur *c, uint64_t *v_r)
{
    uint32_t hi = 0, lo = 0;

    if (c->len - c->off < 8 || reloc_cur_u32(c, &hi) ||
        reloc_cur_u32(c, &lo))
        return -1;
    *v_r = (uint64_t)hi << 32 | lo;
    return 0;
}

int reloc_cur_str(struct reloc_cur *c, size_t max, char **s_r)
{
    uint32_t n;
    char *s;

    if (c->len - c->off < 4)
        return -1;
    n = get32(c->p + c->off);
    if (n > max || n > c->len - c->off - 4)
        return -1;
    if (memchr(c->p + c->off + 4, '\0', n))
        return -1;
    s = malloc((size_t)n + 1);
    if (!s)
        return -1;
    memcpy(s, c->p + c->off + 4, n);
    s[n] = '\0';
    c->off += 4 + (size_t)n;
    *s_r = s;
    return 0;
}

int reloc_cur_end(const struct reloc_cur *c)
{
    return c->off == c->len ? 0 : -1;
}

int reloc_name_valid(const char *name)
{
    size_t i, n = strlen(name);

    if (n == 0 || n > RELOC_MAX_NAME || name[0] == '.' || name[0] == '-')
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
              ch == '.'))
            return 0;
    }
    return 1;
}

int reloc_hello_encode(struct reloc_buf *b, const struct reloc_hello *h,
                       char *err)
{
    reloc_buf_start(b, RELOC_HELLO);
    reloc_buf_u32(b, RELOC_MAGIC);
    reloc_buf_u32(b, h->version);
    reloc_buf_u32(b, h->flags);
    reloc_buf_str(b, h->backend);
    reloc_buf_str(b, h->name);
    reloc_buf_str(b, h->uuid);
    reloc_buf_str(b, h->config_json);
    return reloc_buf_finish(b, err);
}

void reloc_hello_dispose(struct reloc_hello *h)
{
    free(h->backend);
    free(h->name);
    free(h->uuid);
    free(h->config_json);
    memset(h, 0, sizeof(*h));
}

int reloc_hello_decode(const void *p, size_t len, struct reloc_hello *h,
                       char *err)
{
    struct reloc_cur c;
    uint32_t magic;

    memset(h, 0, sizeof(*h));
    reloc_cur_init(&c, p, len);
    if (reloc_cur_u32(&c, &magic) || magic != RELOC_MAGIC) {
        snprintf(err, XT_ERRLEN, "HELLO: bad magic");
        return -1;
    }
    if (reloc_cur_u32(&c, &h->version) || reloc_cur_u32(&c, &h->flags) ||
        reloc_cur_str(&c, RELOC_MAX_NAME, &h->backend) ||
        reloc_cur_str(&c, RELOC_MAX_NAME, &h->name) ||
        reloc_cur_str(&c, RELOC_MAX_NAME, &h->uuid) ||
        reloc_cur_str(&c, RELOC_MAX_CTRL, &h->config_json) ||
        reloc_cur_end(&c)) {
        snprintf(err, XT_ERRLEN, "HELLO: malformed message");
        goto fail;
    }
    if (h->version != RELOC_VERSION) {
        snprintf(err, XT_ERRLEN, "protocol version %u is not supported "
                 "(this side speaks %u)", h->version, RELOC_VERSION);
        goto fail;
    }
    if (!reloc_name_valid(h->name)) {
        snprintf(err, XT_ERRLEN, "HELLO: invalid domain name");
        goto fail;
    }
    return 0;
fail:
    reloc_hello_dispose(h);
    return -1;
}

int reloc_str_decode(const void *p, size_t len, char **s_r, char *err)
{
    struct reloc_cur c;

    reloc_cur_init(&c, p, len);
    *s_r = NULL;
    if (reloc_cur_str(&c, RELOC_MAX_STR, s_r) || reloc_cur_end(&c)) {
        free(*s_r);
        *s_r = NULL;
        snprintf(err, XT_ERRLEN, "malformed message");
        return -1;
    }
    return 0;
}

int reloc_u32_decode(const void *p, size_t len, uint32_t *v_r, char *err)
{
    struct reloc_cur c;

    reloc_cur_init(&c, p, len);
    if (reloc_cur_u32(&c, v_r) || reloc_cur_end(&c)) {
        snprintf(err, XT_ERRLEN, "malformed message");
        return -1;
    }
    return 0;
}

int reloc_u64_decode(const void *p, size_t len, uint64_t *v_r, char *err)
{
    struct reloc_cur c;

    reloc_cur_init(&c, p, len);
    if (reloc_cur_u64(&c, v_r) || reloc_cur_end(&c)) {
        snprintf(err, XT_ERRLEN, "malformed message");
        return -1;
    }
    return 0;
}

int reloc_report_decode(const void *p, size_t len, uint32_t *status_r,
                        char **msg_r, char *err)
{
    struct reloc_cur c;

    reloc_cur_init(&c, p, len);
    *msg_r = NULL;
    if (reloc_cur_u32(&c, status_r) ||
        reloc_cur_str(&c, RELOC_MAX_STR, msg_r) || reloc_cur_end(&c)) {
        free(*msg_r);
        *msg_r = NULL;
        snprintf(err, XT_ERRLEN, "REPORT: malformed message");
        return -1;
    }
    return 0;
}

int reloc_resolve_decode(const void *p, size_t len, char **name_r,
                         char **uuid_r, char *err)
{
    struct reloc_cur c;
    uint32_t magic, version;

    reloc_cur_init(&c, p, len);
    *name_r = *uuid_r = NULL;
    if (reloc_cur_u32(&c, &magic) || magic != RELOC_MAGIC ||
        reloc_cur_u32(&c, &version) || version != RELOC_VERSION ||
        reloc_cur_str(&c, RELOC_MAX_NAME, name_r) ||
        reloc_cur_str(&c, RELOC_MAX_NAME, uuid_r) || reloc_cur_end(&c) ||
        !reloc_name_valid(*name_r)) {
        free(*name_r);
        free(*uuid_r);
        *name_r = *uuid_r = NULL;
        snprintf(err, XT_ERRLEN, "RESOLVE: malformed message");
        return -1;
    }
    return 0;
}
