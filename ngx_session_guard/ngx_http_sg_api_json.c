
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JSON replies for the management API and the metrics: sending with the
 * headers every reply carries (no caching, no sniffing), error bodies,
 * the JSON of a session record, and JSON strings that stay valid JSON
 * whatever bytes they are made of.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"

#include <math.h>


#define ngx_http_sg_api_cpy(p, s)   ngx_cpymem(p, s, sizeof(s) - 1)


static u_char *ngx_http_sg_api_bind(u_char *p, ngx_http_sg_bind_t *b);
static u_char *ngx_http_sg_api_time(u_char *p, time_t t);
static size_t ngx_http_sg_api_utf8(u_char *p, u_char *last);


static ngx_str_t  ngx_http_sg_api_json_type =
    ngx_string("application/json");

/* a JSON body, already written */

ngx_int_t
ngx_http_sg_api_reply(ngx_http_request_t *r, ngx_uint_t status,
    u_char *start, u_char *end)
{
    ngx_buf_t    *b;
    ngx_chain_t   out;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = start;
    b->last = end;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_sg_api_send(r, status, &ngx_http_sg_api_json_type, &out);
}


/*
 * Sends a reply: status, type, no caching, the chain (which ends in a
 * last_buf).  No body with 204 or HEAD.  What a content handler returns.
 */

ngx_int_t
ngx_http_sg_api_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out)
{
    off_t             len;
    ngx_int_t         rc;
    ngx_chain_t      *cl;
    ngx_table_elt_t  *h;

    r->headers_out.status = status;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "no-store");

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Content-Type-Options");
    ngx_str_set(&h->value, "nosniff");

    if (status == NGX_HTTP_NO_CONTENT || out == NULL) {
        r->header_only = 1;
        ngx_http_clear_content_length(r);
        return ngx_http_send_header(r);
    }

    len = 0;

    for (cl = out; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, out);
}


/* {"error": "...", "message": "..."}; both are ASCII literals */

ngx_int_t
ngx_http_sg_api_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *error, const char *message)
{
    u_char  *start, *p;
    size_t   len;

    len = sizeof("{\"error\":\"\",\"message\":\"\"}") - 1
          + ngx_strlen(error) + ngx_strlen(message);

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(start, "{\"error\":\"%s\",\"message\":\"%s\"}", error,
                    message);

    return ngx_http_sg_api_reply(r, status, start, p);
}


/* one session, as the API shows it */

u_char *
ngx_http_sg_api_session_json(u_char *p, ngx_http_sg_session_t *s)
{
    ngx_str_t              *src, reason;
    ngx_http_sg_record_t   *rec;

    rec = &s->rec;

    p = ngx_http_sg_api_cpy(p, "{\"id\":");
    p = ngx_http_sg_api_json_str(p, &s->id);

    p = ngx_http_sg_api_cpy(p, ",\"subject\":");

    if (s->sub.len) {
        p = ngx_http_sg_api_json_str(p, &s->sub);

    } else {
        p = ngx_http_sg_api_cpy(p, "null");
    }

    p = ngx_sprintf(p, ",\"created\":%T,\"updated\":%T,"
                    "\"last_interacted\":%T,\"expires\":",
                    rec->created, rec->updated, rec->last_seen);
    p = ngx_http_sg_api_time(p, rec->expires);

    p = ngx_http_sg_api_cpy(p, ",\"idle_timeout\":");
    p = ngx_http_sg_api_time(p, rec->idle_timeout);

    p = ngx_http_sg_api_cpy(p, ",\"idle_expires\":");
    p = ngx_http_sg_api_time(p, rec->idle_timeout
                                ? rec->last_seen + rec->idle_timeout : 0);

    p = ngx_http_sg_api_cpy(p, ",\"auth_time\":");
    p = ngx_http_sg_api_time(p, rec->auth_time);

    p = ngx_http_sg_api_cpy(p, ",\"step_up_since\":");
    p = ngx_http_sg_api_time(p, rec->step_up_since);

    p = ngx_sprintf(p, ",\"cookie_mode\":\"%s\",\"shortened\":%s,"
                    "\"initial\":",
                    rec->cookie_mode == NGX_HTTP_SG_COOKIE_NON_PERSISTENT
                    ? "non-persistent" : "persistent",
                    (rec->flags & NGX_HTTP_SG_REC_SHORTENED)
                    ? "true" : "false");
    p = ngx_http_sg_api_bind(p, &rec->initial);

    p = ngx_http_sg_api_cpy(p, ",\"last\":");
    p = ngx_http_sg_api_bind(p, &rec->last);

    if (!rec->revoked) {
        return ngx_http_sg_api_cpy(p, ",\"revoked\":false,"
                                   "\"revocation\":null}");
    }

    src = &ngx_http_sg_source_names[rec->revoked <= NGX_HTTP_SG_REVOKED_LIMIT
                                   ? rec->revoked
                                   : NGX_HTTP_SG_REVOKED_POLICY];

    ngx_str_null(&reason);

    if (rec->revoked == NGX_HTTP_SG_REVOKED_POLICY) {
        if (rec->revoke_reason < NGX_HTTP_SG_SIG_COUNT) {
            reason = ngx_http_sg_signal_names[rec->revoke_reason];

        } else if (rec->revoke_reason == NGX_HTTP_SG_REASON_EXPIRED) {
            ngx_str_set(&reason, "expired");

        } else if (rec->revoke_reason == NGX_HTTP_SG_REASON_IDLE) {
            ngx_str_set(&reason, "idle");
        }

    } else if (rec->revoked == NGX_HTTP_SG_REVOKED_LIMIT) {
        ngx_str_set(&reason, "replaced");
    }

    p = ngx_sprintf(p, ",\"revoked\":true,\"revocation\":{\"source\":\"%V\","
                    "\"at\":%T,\"reason\":", src, rec->revoked_at);

    if (reason.len) {
        p = ngx_sprintf(p, "\"%V\"}}", &reason);

    } else {
        p = ngx_http_sg_api_cpy(p, "null}}");
    }

    return p;
}


static u_char *
ngx_http_sg_api_bind(u_char *p, ngx_http_sg_bind_t *b)
{
    ngx_str_t  country;

    p = ngx_http_sg_api_cpy(p, "{\"ip\":");

    switch (b->ip.family) {

    case 4:
        *p++ = '"';
        p += ngx_inet_ntop(AF_INET, b->ip.addr, p, NGX_INET_ADDRSTRLEN);
        *p++ = '"';
        break;

#if (NGX_HAVE_INET6)
    case 6:
        *p++ = '"';
        p += ngx_inet_ntop(AF_INET6, b->ip.addr, p, NGX_INET6_ADDRSTRLEN);
        *p++ = '"';
        break;
#endif

    default:
        /* unknown, or a hash of a configured address variable */
        p = ngx_http_sg_api_cpy(p, "null");
        break;
    }

    if (b->asn) {
        p = ngx_sprintf(p, ",\"asn\":%uD", b->asn);

    } else {
        p = ngx_http_sg_api_cpy(p, ",\"asn\":null");
    }

    p = ngx_http_sg_api_cpy(p, ",\"country\":");

    if (b->country[0]) {
        /* it may come from a variable: any byte */
        country.data = b->country;
        country.len = 2;
        p = ngx_http_sg_api_json_str(p, &country);

    } else {
        p = ngx_http_sg_api_cpy(p, "null");
    }

    if (b->has_loc && isfinite(b->lat) && isfinite(b->lon)
        && fabs(b->lat) <= 90 && fabs(b->lon) <= 180)
    {
        p = ngx_sprintf(p, ",\"location\":{\"lat\":%.4f,\"lon\":%.4f}}",
                        (double) b->lat, (double) b->lon);

    } else {
        p = ngx_http_sg_api_cpy(p, ",\"location\":null}");
    }

    return p;
}


static u_char *
ngx_http_sg_api_time(u_char *p, time_t t)
{
    if (t == 0) {
        return ngx_http_sg_api_cpy(p, "null");
    }

    return ngx_sprintf(p, "%T", t);
}


/* the most ngx_http_sg_api_json_str() writes for s */

size_t
ngx_http_sg_api_json_len(ngx_str_t *s)
{
    return 2 + 6 * s->len;
}


/*
 * A JSON string: valid UTF-8 is kept (escaped by ngx_escape_json()),
 * every byte that is not part of a valid UTF-8 sequence becomes U+FFFD,
 * so that the output is always valid JSON whatever the bytes of an id.
 */

u_char *
ngx_http_sg_api_json_str(u_char *p, ngx_str_t *s)
{
    u_char  *src, *last, *start;
    size_t   n;

    *p++ = '"';

    src = s->data;
    last = src + s->len;
    start = src;

    while (src < last) {
        n = ngx_http_sg_api_utf8(src, last);

        if (n) {
            src += n;
            continue;
        }

        p = (u_char *) ngx_escape_json(p, start, src - start);
        p = ngx_http_sg_api_cpy(p, "\\ufffd");

        start = ++src;
    }

    p = (u_char *) ngx_escape_json(p, start, src - start);
    *p++ = '"';

    return p;
}


/* the length of the valid UTF-8 sequence at p, 0 if there is none */

static size_t
ngx_http_sg_api_utf8(u_char *p, u_char *last)
{
    size_t    n, i;
    uint32_t  u, min;

    if (*p < 0x80) {
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

    return n;
}
