
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JSON string escaping of untrusted bytes, with UTF-8 validation: see
 * ngx_sg_escape.h.  One code path measures and writes, so that a buffer
 * sized by a measuring call always holds what the writing call writes.
 */


#include "ngx_sg_escape.h"


static size_t ngx_sg_utf8(u_char *p, u_char *last, uint32_t *cp);
static ngx_uint_t ngx_sg_escape_cp(uint32_t cp);


size_t
ngx_sg_escape_json(u_char *dst, u_char *src, size_t len)
{
    u_char      *last, *d, buf[6];
    size_t       n, out, i;
    uint32_t     cp;

    static const u_char  hex[] = "0123456789abcdef";

    last = src + len;
    out = 0;

    while (src < last) {
        n = ngx_sg_utf8(src, last, &cp);

        d = buf;

        if (n == 0) {
            /* not UTF-8: U+FFFD for this byte, then resynchronize */
            d = ngx_cpymem(d, "\\ufffd", 6);
            n = 1;

        } else if (cp == '"' || cp == '\\') {
            *d++ = '\\';
            *d++ = (u_char) cp;

        } else if (cp == '\n') {
            d = ngx_cpymem(d, "\\n", 2);

        } else if (cp == '\r') {
            d = ngx_cpymem(d, "\\r", 2);

        } else if (cp == '\t') {
            d = ngx_cpymem(d, "\\t", 2);

        } else if (cp == '\b') {
            d = ngx_cpymem(d, "\\b", 2);

        } else if (cp == '\f') {
            d = ngx_cpymem(d, "\\f", 2);

        } else if (ngx_sg_escape_cp(cp)) {
            d = ngx_cpymem(d, "\\u", 2);
            *d++ = hex[(cp >> 12) & 0xf];
            *d++ = hex[(cp >> 8) & 0xf];
            *d++ = hex[(cp >> 4) & 0xf];
            *d++ = hex[cp & 0xf];

        } else {
            /* kept as it is: printable ASCII or valid UTF-8 */
            if (dst) {
                for (i = 0; i < n; i++) {
                    *dst++ = src[i];
                }
            }

            out += n;
            src += n;
            continue;
        }

        if (dst) {
            dst = ngx_cpymem(dst, buf, d - buf);
        }

        out += d - buf;
        src += n;
    }

    return out;
}


/* a code point written as \uXXXX: controls, invisible line and bidi ones */

static ngx_uint_t
ngx_sg_escape_cp(uint32_t cp)
{
    return cp < 0x20
           || (cp >= 0x7f && cp <= 0x9f)
           || (cp >= 0x2028 && cp <= 0x202e)
           || (cp >= 0x2066 && cp <= 0x2069);
}


/*
 * The length of the valid UTF-8 sequence at p (its code point in *cp), 0
 * if there is none: RFC 3629, no overlong forms, no surrogates.
 */

static size_t
ngx_sg_utf8(u_char *p, u_char *last, uint32_t *cp)
{
    size_t    n, i;
    uint32_t  u, min;

    if (*p < 0x80) {
        *cp = *p;
        return 1;
    }

    if (*p >= 0xc2 && *p <= 0xdf) {
        n = 2;
        u = *p & 0x1f;
        min = 0x80;

    } else if (*p >= 0xe0 && *p <= 0xef) {
        n = 3;
        u = *p & 0x0f;
        min = 0x800;

    } else if (*p >= 0xf0 && *p <= 0xf4) {
        n = 4;
        u = *p & 0x07;
        min = 0x10000;

    } else {
        return 0;
    }

    if ((size_t) (last - p) < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        u = (u << 6) | (p[i] & 0x3f);
    }

    if (u < min || u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff)) {
        return 0;
    }

    *cp = u;

    return n;
}
