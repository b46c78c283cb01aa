
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Output that holds client values: every such value leaves through
 * ngx_sg_escape_json(), and every buffer that holds it is sized by the
 * code that writes it.
 *
 * A body (an event, an API reply, a notification's claims) is written by
 * a build function through an ngx_http_sg_out_t, twice: once measuring
 * (nothing written, only counted), then into a buffer of exactly the
 * measured size; every write checks the end of the buffer, so a build
 * that writes more the second time fails instead of overflowing.
 *
 * ngx_http_sg_log_str(): a client value for the error log.
 */


#include "ngx_http_sg.h"


/* the most one ngx_http_sg_out_fmt() call may write */
#define NGX_HTTP_SG_OUT_FMT_MAX  512


/*
 * Runs build(out, data) to measure, then to write into a buffer from the
 * pool; res is what it wrote.  NGX_ERROR: no memory, or the two runs
 * differ.
 */

ngx_int_t
ngx_http_sg_out_build(ngx_pool_t *pool, ngx_http_sg_out_pt build,
    void *data, ngx_str_t *res)
{
    size_t             len;
    u_char            *start;
    ngx_http_sg_out_t  out;

    ngx_memzero(&out, sizeof(ngx_http_sg_out_t));

    build(&out, data);

    if (out.overflow) {
        return NGX_ERROR;
    }

    len = out.len;

    start = ngx_pnalloc(pool, len ? len : 1);
    if (start == NULL) {
        return NGX_ERROR;
    }

    out.pos = start;
    out.end = start + len;
    out.len = 0;

    build(&out, data);

    if (out.overflow || out.len != len) {
        return NGX_ERROR;
    }

    res->data = start;
    res->len = len;

    return NGX_OK;
}


/* bytes as they are: the module's own text */

void
ngx_http_sg_out_raw(ngx_http_sg_out_t *out, u_char *data, size_t len)
{
    out->len += len;

    if (out->pos == NULL || out->overflow) {
        return;
    }

    if ((size_t) (out->end - out->pos) < len) {
        out->overflow = 1;
        return;
    }

    out->pos = ngx_cpymem(out->pos, data, len);
}


/* a JSON string (with its quotes) of any bytes */

void
ngx_http_sg_out_json(ngx_http_sg_out_t *out, ngx_str_t *s)
{
    size_t  n;

    n = ngx_sg_escape_json(NULL, s->data, s->len);

    out->len += n + 2;

    if (out->pos == NULL || out->overflow) {
        return;
    }

    if ((size_t) (out->end - out->pos) < n + 2) {
        out->overflow = 1;
        return;
    }

    *out->pos++ = '"';
    out->pos += ngx_sg_escape_json(out->pos, s->data, s->len);
    *out->pos++ = '"';
}


/*
 * Numbers and the module's own names, through ngx_vslprintf(): never a
 * client value (use ngx_http_sg_out_json()).  Longer than
 * NGX_HTTP_SG_OUT_FMT_MAX is an overflow.
 */

void
ngx_http_sg_out_fmt(ngx_http_sg_out_t *out, const char *fmt, ...)
{
    u_char   buf[NGX_HTTP_SG_OUT_FMT_MAX], *p;
    va_list  args;

    va_start(args, fmt);
    p = ngx_vslprintf(buf, buf + NGX_HTTP_SG_OUT_FMT_MAX, fmt, args);
    va_end(args);

    if (p == buf + NGX_HTTP_SG_OUT_FMT_MAX) {
        out->overflow = 1;
        return;
    }

    ngx_http_sg_out_raw(out, buf, p - buf);
}


/*
 * A client value for the error log, escaped (ngx_sg_escape.h): no line
 * breaks, no terminal escapes, no bare quotes, valid UTF-8; "-" when out
 * of memory.  Quote it in the line: "\"%V\"".
 */

ngx_str_t *
ngx_http_sg_log_str(ngx_http_request_t *r, ngx_str_t *s)
{
    return ngx_http_sg_log_str_pool(r->pool, s);
}


ngx_str_t *
ngx_http_sg_log_str_pool(ngx_pool_t *pool, ngx_str_t *s)
{
    size_t      len;
    ngx_str_t  *out;

    static ngx_str_t  none = ngx_string("-");

    out = ngx_palloc(pool, sizeof(ngx_str_t));
    if (out == NULL) {
        return &none;
    }

    len = ngx_sg_escape_json(NULL, s->data, s->len);

    out->data = ngx_pnalloc(pool, len ? len : 1);
    if (out->data == NULL) {
        return &none;
    }

    out->len = ngx_sg_escape_json(out->data, s->data, s->len);

    return out;
}
