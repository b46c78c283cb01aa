
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Control characters escaped out of variable values (see ngx_sg_text.h).
 */


#include "ngx_sg_text.h"


static size_t ngx_sg_text_write(u_char *dst, u_char *src, size_t len);


ngx_int_t
ngx_sg_text_escape(ngx_pool_t *pool, ngx_str_t *in, ngx_str_t *out)
{
    size_t   len;
    u_char  *p;

    /* one pass measures, the same code then writes */

    len = ngx_sg_text_write(NULL, in->data, in->len);

    if (len == in->len) {
        *out = *in;
        return NGX_OK;
    }

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;
    out->len = ngx_sg_text_write(p, in->data, in->len);

    return NGX_OK;
}


/* writes the escaped text at dst (if not NULL); returns its length */

static size_t
ngx_sg_text_write(u_char *dst, u_char *src, size_t len)
{
    u_char      c;
    size_t      i, n;

    static const u_char  hex[] = "0123456789ABCDEF";

    n = 0;

    for (i = 0; i < len; i++) {
        c = src[i];

        if (c >= 0x20 && c != 0x7f) {
            if (dst) {
                dst[n] = c;
            }

            n++;
            continue;
        }

        if (dst) {
            dst[n] = '%';
            dst[n + 1] = hex[c >> 4];
            dst[n + 2] = hex[c & 0x0f];
        }

        n += 3;
    }

    return n;
}
