
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


/*
 * A session's details (ngx_sg_details_t) as a JSON object, for the API and
 * the events: every string is a client's and goes through the escaper;
 * an address given by a trusted source's value (family 1) has no text.
 */

void
ngx_http_sg_out_details(ngx_http_sg_out_t *out, ngx_sg_details_t *d)
{
    u_char             buf[NGX_INET6_ADDRSTRLEN];
    size_t             n;
    ngx_str_t          s;
    ngx_uint_t         i, first;
    ngx_sg_context_t  *c;

    ngx_http_sg_out_lit(out, "{\"user_agent\":{\"initial\":");

    s.data = d->ua_initial;
    s.len = d->ua_initial_len;
    ngx_http_sg_out_json(out, &s);

    ngx_http_sg_out_lit(out, ",\"last\":");

    if (d->ua_last_len || d->history[0].at) {
        s.data = d->ua_last;
        s.len = d->ua_last_len;
        ngx_http_sg_out_json(out, &s);

    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    ngx_http_sg_out_lit(out, "},\"client\":");

    if (d->client_len) {
        s.data = d->client;
        s.len = d->client_len;
        ngx_http_sg_out_json(out, &s);

    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    ngx_http_sg_out_lit(out, ",\"last_city\":");

    if (d->city_len) {
        s.data = d->city;
        s.len = d->city_len;
        ngx_http_sg_out_json(out, &s);

    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    ngx_http_sg_out_lit(out, ",\"history\":[");

    first = 1;

    for (i = 0; i < NGX_SG_DETAIL_HISTORY; i++) {
        c = &d->history[i];

        if (c->at == 0) {
            break;
        }

        ngx_http_sg_out_fmt(out, "%s{\"at\":%T", first ? "" : ",",
                            (time_t) c->at);
        first = 0;

        n = 0;

        if (c->family == 4) {
            n = ngx_inet_ntop(AF_INET, c->addr, buf, sizeof(buf));

#if (NGX_HAVE_INET6)
        } else if (c->family == 6) {
            n = ngx_inet_ntop(AF_INET6, c->addr, buf, sizeof(buf));
#endif
        }

        if (n) {
            ngx_http_sg_out_lit(out, ",\"ip\":\"");
            ngx_http_sg_out_raw(out, buf, n);
            ngx_http_sg_out_lit(out, "\"");
        }

        if (c->asn) {
            ngx_http_sg_out_fmt(out, ",\"asn\":%uD", c->asn);
        }

        if (c->country[0]) {
            s.data = c->country;
            s.len = 2;

            ngx_http_sg_out_lit(out, ",\"country\":");
            ngx_http_sg_out_json(out, &s);
        }

        ngx_http_sg_out_lit(out, "}");
    }

    ngx_http_sg_out_lit(out, "]}");
}
