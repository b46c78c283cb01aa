
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Strict base64url (RFC 7515 section 2, RFC 4648 section 5 without
 * padding).  nginx's own ngx_decode_base64url() accepts non-zero trailing
 * bits, which makes several encodings of one value valid; a JWS must have
 * exactly one.
 *
 * Return contract: NGX_OK decoded, NGX_DECLINED invalid input, NGX_ERROR
 * out of memory (the _pool variant only).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"


#define NGX_SG_B64_BAD  0xff


static u_char  ngx_sg_base64url_basis[256] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff,   62, 0xff, 0xff,    /* '-' */
      52,   53,   54,   55,   56,   57,   58,   59,    /* 0-7 */
      60,   61, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,    /* 8-9 */
    0xff,    0,    1,    2,    3,    4,    5,    6,    /* A-G */
       7,    8,    9,   10,   11,   12,   13,   14,
      15,   16,   17,   18,   19,   20,   21,   22,
      23,   24,   25, 0xff, 0xff, 0xff, 0xff,   63,    /* '_' */
    0xff,   26,   27,   28,   29,   30,   31,   32,    /* a-g */
      33,   34,   35,   36,   37,   38,   39,   40,
      41,   42,   43,   44,   45,   46,   47,   48,
      49,   50,   51, 0xff, 0xff, 0xff, 0xff, 0xff,

    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};


ngx_int_t
ngx_sg_base64url_decode(ngx_str_t *dst, ngx_str_t *src)
{
    size_t   len, i;
    u_char  *d, *s, *basis;

    basis = ngx_sg_base64url_basis;
    len = src->len;
    s = src->data;

    /* one leftover character carries only 6 bits: never a whole octet */

    if (len % 4 == 1) {
        return NGX_DECLINED;
    }

    for (i = 0; i < len; i++) {
        if (basis[s[i]] == NGX_SG_B64_BAD) {
            return NGX_DECLINED;
        }
    }

    /* unused bits of the last character must be zero (RFC 7515 App. C) */

    if (len % 4 == 2 && (basis[s[len - 1]] & 0x0f)) {
        return NGX_DECLINED;
    }

    if (len % 4 == 3 && (basis[s[len - 1]] & 0x03)) {
        return NGX_DECLINED;
    }

    d = dst->data;

    while (len >= 4) {
        *d++ = (u_char) (basis[s[0]] << 2 | basis[s[1]] >> 4);
        *d++ = (u_char) (basis[s[1]] << 4 | basis[s[2]] >> 2);
        *d++ = (u_char) (basis[s[2]] << 6 | basis[s[3]]);

        s += 4;
        len -= 4;
    }

    if (len > 1) {
        *d++ = (u_char) (basis[s[0]] << 2 | basis[s[1]] >> 4);
    }

    if (len > 2) {
        *d++ = (u_char) (basis[s[1]] << 4 | basis[s[2]] >> 2);
    }

    dst->len = d - dst->data;

    return NGX_OK;
}


ngx_int_t
ngx_sg_base64url_decode_pool(ngx_pool_t *pool, ngx_str_t *dst,
    ngx_str_t *src)
{
    size_t  size;

    if (src->len > NGX_MAX_SIZE_T_VALUE - 4) {
        return NGX_DECLINED;
    }

    /* at least one byte, so that an empty value still has a valid pointer */

    size = ngx_base64_decoded_length(src->len) + 1;

    dst->data = ngx_pnalloc(pool, size);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    return ngx_sg_base64url_decode(dst, src);
}
