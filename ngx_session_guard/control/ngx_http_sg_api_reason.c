
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The reason an API caller may give for a revocation or a block: in a
 * JSON or form body ({"reason": "..."}, reason=...) or in the query
 * string, at most NGX_HTTP_SG_API_REASON_MAX bytes; it is only logged
 * and passed on in notifications.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_api.h"
#include "ngx_http_sg_reply.h"
#include "ngx_sg_percent.h"


static ngx_int_t ngx_http_sg_api_body_reason(ngx_http_request_t *r,
    ngx_str_t *reason);


/*
 * The reason of a revocation: "reason=" in the body (form or JSON), else
 * in the query string.  NGX_OK (maybe empty), an HTTP error status, or
 * NGX_ERROR.
 */

ngx_int_t
ngx_http_sg_api_reason(ngx_http_request_t *r, ngx_str_t *reason)
{
    ngx_int_t  rc;
    ngx_str_t  raw;

    ngx_str_null(reason);

    if (r->request_body) {
        rc = ngx_http_sg_api_body_reason(r, reason);
        if (rc != NGX_OK || reason->len) {
            return rc;
        }
    }

    if (ngx_http_arg(r, (u_char *) "reason", 6, &raw) != NGX_OK) {
        return NGX_OK;
    }

    if (raw.len > 3 * NGX_HTTP_SG_API_REASON_MAX) {
        return NGX_HTTP_BAD_REQUEST;
    }

    rc = ngx_sg_percent_decode(r->pool, &raw, NGX_SG_PERCENT_FORM, reason);

    if (rc == NGX_DECLINED || reason->len > NGX_HTTP_SG_API_REASON_MAX) {
        return NGX_HTTP_BAD_REQUEST;
    }

    return rc;
}


static ngx_int_t
ngx_http_sg_api_body_reason(ngx_http_request_t *r, ngx_str_t *reason)
{
    u_char       *p, *last, *start, *eq;
    size_t        len;
    json_t       *obj, *v;
    ngx_int_t     rc;
    ngx_str_t     body, raw, type;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;
    const char   *why;

    if (r->request_body->temp_file) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        len += cl->buf->last - cl->buf->pos;
    }

    if (len == 0) {
        return NGX_OK;
    }

    if (len > NGX_HTTP_SG_API_BODY_MAX) {
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_ERROR;
    }

    p = body.data;

    /* a chunked body ends with an empty buffer whose pos is NULL */

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->last != b->pos) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    body.len = len;

    if (r->headers_in.content_type == NULL) {
        return NGX_HTTP_UNSUPPORTED_MEDIA_TYPE;
    }

    type = r->headers_in.content_type->value;

    p = ngx_strlchr(type.data, type.data + type.len, ';');
    if (p) {
        type.len = p - type.data;
    }

    while (type.len && type.data[type.len - 1] == ' ') {
        type.len--;
    }

    if (type.len == sizeof("application/json") - 1
        && ngx_strncasecmp(type.data, (u_char *) "application/json",
                           type.len) == 0)
    {
        rc = ngx_sg_json_parse_object(r->pool, body.data, body.len, 2, &obj,
                                      &why);
        if (rc != NGX_OK) {
            return (rc == NGX_DECLINED) ? NGX_HTTP_BAD_REQUEST : rc;
        }

        v = json_object_get(obj, "reason");

        if (v == NULL) {
            return NGX_OK;
        }

        if (!json_is_string(v)
            || json_string_length(v) > NGX_HTTP_SG_API_REASON_MAX)
        {
            return NGX_HTTP_BAD_REQUEST;
        }

        reason->data = (u_char *) json_string_value(v);
        reason->len = json_string_length(v);

        return NGX_OK;
    }

    if (type.len != sizeof("application/x-www-form-urlencoded") - 1
        || ngx_strncasecmp(type.data,
                           (u_char *) "application/x-www-form-urlencoded",
                           type.len) != 0)
    {
        return NGX_HTTP_UNSUPPORTED_MEDIA_TYPE;
    }

    p = body.data;
    last = p + body.len;

    while (p < last) {
        start = p;

        p = ngx_strlchr(p, last, '&');
        if (p == NULL) {
            p = last;
        }

        eq = ngx_strlchr(start, p, '=');

        if (eq && eq - start == 6 && ngx_strncmp(start, "reason", 6) == 0) {
            raw.data = eq + 1;
            raw.len = p - raw.data;

            rc = ngx_sg_percent_decode(r->pool, &raw, NGX_SG_PERCENT_FORM,
                                       reason);

            if (rc == NGX_DECLINED
                || reason->len > NGX_HTTP_SG_API_REASON_MAX)
            {
                return NGX_HTTP_BAD_REQUEST;
            }

            return rc;
        }

        if (p < last) {
            p++;
        }
    }

    return NGX_OK;
}


/* the answer to a reason that ngx_http_sg_api_reason() refused */

ngx_int_t
ngx_http_sg_api_reason_error(ngx_http_request_t *r, ngx_int_t rc)
{
    if (rc == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE) {
        return ngx_http_sg_api_error(r, rc, "payload_too_large",
                                     "the body is over 4096 bytes");
    }

    if (rc == NGX_HTTP_UNSUPPORTED_MEDIA_TYPE) {
        return ngx_http_sg_api_error(r, rc, "unsupported_media_type",
                                     "send application/json or "
                                     "application/x-www-form-urlencoded");
    }

    if (rc == NGX_HTTP_BAD_REQUEST) {
        return ngx_http_sg_api_error(r, rc, "bad_request",
                                     "invalid reason (a string of at most "
                                     "256 bytes)");
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}
