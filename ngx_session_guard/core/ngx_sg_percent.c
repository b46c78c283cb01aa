
/*
 * Copyright (C) ngx_session_guard authors
 */


/* Percent-decoding: see ngx_sg_percent.h for the contract */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_percent.h"


static ngx_int_t ngx_sg_percent_hex(u_char c);


ngx_int_t
ngx_sg_percent_byte(u_char *p, u_char *last)
{
    ngx_int_t  hi, lo;

    if (last - p < 3) {
        return -1;
    }

    hi = ngx_sg_percent_hex(p[1]);
    lo = ngx_sg_percent_hex(p[2]);

    if (hi < 0 || lo < 0) {
        return -1;
    }

    return hi * 16 + lo;
}


ngx_int_t
ngx_sg_percent_decode(ngx_pool_t *pool, ngx_str_t *src, ngx_uint_t flags,
    ngx_str_t *dst)
{
    u_char     *s, *last, *d;
    ngx_int_t   c;

    d = ngx_pnalloc(pool, src->len ? src->len : 1);
    if (d == NULL) {
        return NGX_ERROR;
    }

    dst->data = d;

    s = src->data;
    last = s + src->len;

    while (s < last) {

        if (*s == '%') {
            c = ngx_sg_percent_byte(s, last);

            if (c < 0) {
                return NGX_DECLINED;
            }

            *d++ = (u_char) c;
            s += 3;
            continue;
        }

        *d++ = ((flags & NGX_SG_PERCENT_FORM) && *s == '+') ? ' ' : *s;
        s++;
    }

    dst->len = d - dst->data;

    return NGX_OK;
}


static ngx_int_t
ngx_sg_percent_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c = ngx_tolower(c);

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}
