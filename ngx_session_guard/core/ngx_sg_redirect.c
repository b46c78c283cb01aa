
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Redirect URLs for browsers and the safe way back (see ngx_sg_redirect.h
 * for the rules and limits).
 */


#include "ngx_sg_redirect.h"


static size_t ngx_sg_escape_uri(u_char *p, ngx_str_t *s);
static ngx_uint_t ngx_sg_unreserved(u_char c);


void
ngx_sg_return_path(ngx_str_t *uri, ngx_str_t *path)
{
    u_char  *p, *last, *q;

    p = uri->data;
    last = p + uri->len;

    if (uri->len == 0 || *p != '/') {
        goto root;
    }

    /* "//host" and "/\host" name another host: one '/' only */

    while (p + 1 < last && (p[1] == '/' || p[1] == '\\')) {
        p++;
    }

    if (*p != '/') {
        goto root;
    }

    /* the same once decoded, by a receiver that decodes twice */

    if (last - p >= 4 && p[1] == '%'
        && ((p[2] == '2' && (p[3] == 'f' || p[3] == 'F'))
            || (p[2] == '5' && (p[3] == 'c' || p[3] == 'C'))))
    {
        goto root;
    }

    /* browsers drop tabs and newlines from URLs: "/\t/host" */

    for (q = p; q < last; q++) {
        if (*q <= 0x20 || *q == 0x7f) {
            goto root;
        }
    }

    if (last - p > NGX_SG_RETURN_MAX) {
        q = ngx_strlchr(p, last, '?');

        if (q == NULL || q - p > NGX_SG_RETURN_MAX) {
            goto root;
        }

        last = q;
    }

    path->data = p;
    path->len = last - p;

    return;

root:

    ngx_str_set(path, "/");
}


ngx_int_t
ngx_sg_redirect_base(ngx_str_t *base)
{
    u_char      *p, *last;
    ngx_uint_t   i;

    p = base->data;
    last = p + base->len;

    if (base->len == 0) {
        return NGX_DECLINED;
    }

    for (i = 0; i < base->len; i++) {
        if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == '#') {
            return NGX_DECLINED;
        }
    }

    if (*p == '/') {
        if (base->len > 1 && (p[1] == '/' || p[1] == '\\')) {
            return NGX_DECLINED;
        }

        return NGX_OK;
    }

    if (base->len > sizeof("https://") - 1
        && ngx_strncasecmp(p, (u_char *) "https://", 8) == 0)
    {
        p += 8;

    } else if (base->len > sizeof("http://") - 1
               && ngx_strncasecmp(p, (u_char *) "http://", 7) == 0)
    {
        p += 7;

    } else {
        return NGX_DECLINED;
    }

    /* a host must follow */

    if (p == last || *p == '/' || *p == '\\' || *p == '?') {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_redirect_url(ngx_pool_t *pool, ngx_str_t *base,
    ngx_sg_param_t *params, ngx_uint_t n, ngx_str_t *out)
{
    u_char      *p, *q, sep;
    size_t       len;
    ngx_uint_t   i;

    if (ngx_sg_redirect_base(base) != NGX_OK) {
        return NGX_DECLINED;
    }

    len = base->len + 1;

    for (i = 0; i < n; i++) {
        len += params[i].name.len + 2 + ngx_sg_escape_len(&params[i].value);
    }

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;
    p = ngx_cpymem(p, base->data, base->len);

    q = ngx_strlchr(base->data, base->data + base->len, '?');

    if (q == NULL) {
        sep = '?';

    } else if (p[-1] == '?' || p[-1] == '&') {
        sep = 0;

    } else {
        sep = '&';
    }

    for (i = 0; i < n; i++) {
        if (sep) {
            *p++ = sep;
        }

        sep = '&';

        p = ngx_cpymem(p, params[i].name.data, params[i].name.len);
        *p++ = '=';
        p = ngx_sg_escape(p, &params[i].value);
    }

    out->len = p - out->data;

    return NGX_OK;
}


/* with p NULL, the length only: one code path measures and writes */

size_t
ngx_sg_escape_len(ngx_str_t *s)
{
    return ngx_sg_escape_uri(NULL, s);
}


u_char *
ngx_sg_escape(u_char *p, ngx_str_t *s)
{
    return p + ngx_sg_escape_uri(p, s);
}


static size_t
ngx_sg_escape_uri(u_char *p, ngx_str_t *s)
{
    u_char      c;
    size_t      n;
    ngx_uint_t  i;

    static const u_char  hex[] = "0123456789ABCDEF";

    n = 0;

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if (ngx_sg_unreserved(c)) {
            if (p) {
                p[n] = c;
            }

            n++;
            continue;
        }

        if (p) {
            p[n] = '%';
            p[n + 1] = hex[c >> 4];
            p[n + 2] = hex[c & 0x0f];
        }

        n += 3;
    }

    return n;
}


static ngx_uint_t
ngx_sg_unreserved(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
           || c == '~';
}
