
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JSON replies for the management API and the metrics: sending with the
 * headers every reply carries (no caching, no sniffing), error bodies,
 * the JSON of a session record (written through ngx_http_sg_out_t: its
 * strings stay valid JSON whatever bytes they are made of).
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"
#include "ngx_http_sg_reply.h"

#include <math.h>


static void ngx_http_sg_api_bind(ngx_http_sg_out_t *out,
    ngx_sg_bind_t *b);
static void ngx_http_sg_api_time(ngx_http_sg_out_t *out, time_t t);
static void ngx_http_sg_api_assurance(ngx_http_sg_out_t *out,
    ngx_sg_record_t *rec);


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


/* 200 with the JSON body that "build" writes */

ngx_int_t
ngx_http_sg_api_reply_json(ngx_http_request_t *r, ngx_http_sg_out_pt build,
    void *data)
{
    ngx_str_t  body;

    if (ngx_http_sg_out_build(r->pool, build, data, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_sg_api_reply(r, NGX_HTTP_OK, body.data,
                                 body.data + body.len);
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


/*
 * The assurance level a Shared Signals event reported, by the names of
 * the namespaces declared now; a namespace a reload took away is null
 */

static void
ngx_http_sg_api_assurance(ngx_http_sg_out_t *out, ngx_sg_record_t *rec)
{
    ngx_int_t                 rank;
    ngx_http_sg_scale_t      *scale;
    ngx_http_sg_main_conf_t  *smcf;

    if (rec->assurance_ns == 0) {
        ngx_http_sg_out_lit(out, "null");
        return;
    }

    smcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_session_guard_module);
    scale = ngx_http_sg_assurance_scale(smcf, rec->assurance_ns);

    ngx_http_sg_out_lit(out, "{\"namespace\":");

    if (scale == NULL) {
        ngx_http_sg_out_lit(out, "null,\"level\":null");

    } else {
        ngx_http_sg_out_json(out, &scale->ns);
        ngx_http_sg_out_lit(out, ",\"level\":");

        rank = ngx_http_sg_assurance_rank(scale, rec->assurance);

        if (rank == NGX_DECLINED) {
            ngx_http_sg_out_lit(out, "null");

        } else {
            ngx_http_sg_out_json(out, &scale->levels[rank]);
        }
    }

    ngx_http_sg_out_fmt(out, ",\"since\":%T}",
                        (time_t) rec->assurance_since);
}


/* one session, as the API shows it */

void
ngx_http_sg_api_session_json(ngx_http_sg_out_t *out, ngx_http_sg_session_t *s)
{
    ngx_str_t              *src, reason;
    ngx_sg_record_t        *rec;

    rec = &s->rec;

    ngx_http_sg_out_lit(out, "{\"id\":");
    ngx_http_sg_out_json(out, &s->id);

    ngx_http_sg_out_lit(out, ",\"subject\":");

    if (s->sub.len) {
        ngx_http_sg_out_json(out, &s->sub);

    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    ngx_http_sg_out_fmt(out, ",\"created\":%T,\"updated\":%T,"
                        "\"last_interacted\":%T,\"expires\":",
                        rec->created, rec->updated, rec->last_seen);
    ngx_http_sg_api_time(out, rec->expires);

    ngx_http_sg_out_lit(out, ",\"idle_timeout\":");
    ngx_http_sg_api_time(out, rec->idle_timeout);

    ngx_http_sg_out_lit(out, ",\"idle_expires\":");
    ngx_http_sg_api_time(out, rec->idle_timeout
                              ? rec->last_seen + rec->idle_timeout : 0);

    ngx_http_sg_out_lit(out, ",\"auth_time\":");
    ngx_http_sg_api_time(out, rec->auth_time);

    ngx_http_sg_out_lit(out, ",\"step_up_since\":");
    ngx_http_sg_api_time(out, rec->step_up_since);

    ngx_http_sg_out_lit(out, ",\"claims_since\":");
    ngx_http_sg_api_time(out, rec->claims_since);

    ngx_http_sg_out_lit(out, ",\"assurance\":");
    ngx_http_sg_api_assurance(out, rec);

    ngx_http_sg_out_fmt(out, ",\"cookie_mode\":\"%s\",\"shortened\":%s,"
                        "\"initial\":",
                        rec->cookie_mode == NGX_SG_COOKIE_NON_PERSISTENT
                        ? "non-persistent" : "persistent",
                        (rec->flags & NGX_SG_REC_SHORTENED)
                        ? "true" : "false");
    ngx_http_sg_api_bind(out, &rec->initial);

    ngx_http_sg_out_lit(out, ",\"last\":");
    ngx_http_sg_api_bind(out, &rec->last);

    if (s->details) {
        ngx_http_sg_out_lit(out, ",\"details\":");
        ngx_http_sg_out_details(out, s->details);
    }

    if (!rec->revoked) {
        ngx_http_sg_out_lit(out, ",\"revoked\":false,\"revocation\":null}");
        return;
    }

    src = &ngx_sg_revoked_names[rec->revoked <= NGX_SG_REVOKED_MAX
                                     ? rec->revoked
                                     : NGX_SG_REVOKED_POLICY];

    ngx_str_null(&reason);

    if (rec->revoked == NGX_SG_REVOKED_POLICY) {
        if (rec->revoke_reason == NGX_SG_REASON_IDLE) {
            ngx_str_set(&reason, "idle");

        } else if (ngx_http_sg_revoke_reason_name(rec) != NULL) {
            /* a signal, a condition, "expired" */
            reason = *ngx_http_sg_revoke_reason_name(rec);
        }

    } else if (rec->revoked == NGX_SG_REVOKED_LIMIT) {
        ngx_str_set(&reason, "replaced");

    } else if (rec->revoked == NGX_SG_REVOKED_SSF
               && rec->revoke_reason < NGX_SG_SET_EVENT_COUNT)
    {
        /* the Shared Signals event that ended it */
        reason = ngx_sg_set_event_names[rec->revoke_reason];
    }

    ngx_http_sg_out_fmt(out, ",\"revoked\":true,\"revocation\":{"
                        "\"source\":\"%V\",\"at\":%T,\"reason\":",
                        src, rec->revoked_at);

    if (reason.len) {
        ngx_http_sg_out_fmt(out, "\"%V\"}}", &reason);

    } else {
        ngx_http_sg_out_lit(out, "null}}");
    }
}


static void
ngx_http_sg_api_bind(ngx_http_sg_out_t *out, ngx_sg_bind_t *b)
{
    u_char     buf[NGX_INET6_ADDRSTRLEN];
    size_t     n;
    ngx_str_t  country;

    ngx_http_sg_out_lit(out, "{\"ip\":");

    switch (b->ip.family) {

    case 4:
        n = ngx_inet_ntop(AF_INET, b->ip.addr, buf, NGX_INET_ADDRSTRLEN);
        ngx_http_sg_out_fmt(out, "\"%*s\"", n, buf);
        break;

#if (NGX_HAVE_INET6)
    case 6:
        n = ngx_inet_ntop(AF_INET6, b->ip.addr, buf, NGX_INET6_ADDRSTRLEN);
        ngx_http_sg_out_fmt(out, "\"%*s\"", n, buf);
        break;
#endif

    default:
        /* unknown, or a hash of a configured address variable */
        ngx_http_sg_out_lit(out, "null");
        break;
    }

    if (b->asn) {
        ngx_http_sg_out_fmt(out, ",\"asn\":%uD", b->asn);

    } else {
        ngx_http_sg_out_lit(out, ",\"asn\":null");
    }

    ngx_http_sg_out_lit(out, ",\"country\":");

    if (b->country[0]) {
        /* it may come from a variable: any byte */
        country.data = b->country;
        country.len = 2;
        ngx_http_sg_out_json(out, &country);

    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    if (b->has_loc && isfinite(b->lat) && isfinite(b->lon)
        && fabs(b->lat) <= 90 && fabs(b->lon) <= 180)
    {
        ngx_http_sg_out_fmt(out, ",\"location\":{\"lat\":%.4f,"
                            "\"lon\":%.4f}}",
                            (double) b->lat, (double) b->lon);

    } else {
        ngx_http_sg_out_lit(out, ",\"location\":null}");
    }
}


static void
ngx_http_sg_api_time(ngx_http_sg_out_t *out, time_t t)
{
    if (t == 0) {
        ngx_http_sg_out_lit(out, "null");
        return;
    }

    ngx_http_sg_out_fmt(out, "%T", t);
}
