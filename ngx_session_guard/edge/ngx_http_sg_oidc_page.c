
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_oidc: what the browser is given and what it sends back of
 * the edge's own (the cookies, the error page), shared by the login and
 * the way back.
 */


#include "ngx_http_sg.h"

#include "ngx_sg_cookie.h"


static ngx_uint_t ngx_http_sg_oidc_same_name(ngx_str_t *a, ngx_str_t *b);
static ngx_uint_t ngx_http_sg_oidc_owned(ngx_str_t *name,
    ngx_http_sg_oidc_conf_t *oc);


/*
 * The pair "name" in the Cookie headers: NGX_OK exactly one, NGX_BUSY
 * more than one (ambiguous: refused), NGX_DECLINED none
 */

ngx_int_t
ngx_http_sg_oidc_cookie_get(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    ngx_uint_t  n;

    n = ngx_http_sg_cookie_find(r, name, value);

    return n == 0 ? NGX_DECLINED : n == 1 ? NGX_OK : NGX_BUSY;
}


/*
 * Set-Cookie of the edge's own cookies: Path=/, HttpOnly, SameSite=Lax,
 * Secure on https (where the names have the "__Host-" prefix); value
 * NULL deletes; max_age 0 makes a browser-session cookie.
 */

ngx_int_t
ngx_http_sg_oidc_set_cookie(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc, ngx_str_t *name, ngx_str_t *value,
    time_t max_age)
{
    u_char           *p;
    size_t            len;
    ngx_table_elt_t  *h;

    len = name->len + 1 + (value ? value->len : 0)
          + sizeof("; Max-Age=; Expires=Thu, 01 Jan 1970 00:00:00 GMT") - 1
          + NGX_TIME_T_LEN
          + sizeof("; Path=/; HttpOnly; SameSite=Lax; Secure") - 1;

    p = ngx_pnalloc(r->pool, len);
    h = ngx_list_push(&r->headers_out.headers);

    if (p == NULL || h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Set-Cookie");
    h->value.data = p;

    p = ngx_cpymem(p, name->data, name->len);
    *p++ = '=';

    if (value == NULL) {
        p = ngx_cpymem(p, "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                       sizeof("; Max-Age=0; Expires=Thu, 01 Jan 1970 "
                              "00:00:00 GMT") - 1);

    } else {
        p = ngx_cpymem(p, value->data, value->len);

        if (max_age > 0) {
            p = ngx_sprintf(p, "; Max-Age=%T", max_age);
        }
    }

    p = ngx_cpymem(p, "; Path=/; HttpOnly; SameSite=Lax",
                   sizeof("; Path=/; HttpOnly; SameSite=Lax") - 1);

    if (ngx_http_sg_oidc_https(r)) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    h->value.len = p - h->value.data;

    return NGX_OK;
}


ngx_uint_t
ngx_http_sg_oidc_https(ngx_http_request_t *r)
{
#if (NGX_HTTP_SSL)
    return r->connection->ssl != NULL;
#else
    return 0;
#endif
}


/*
 * A page of the edge's own for the browser: a fixed sentence (never any
 * input), a link to start again, no caching.  The request ends here:
 * NGX_DONE for the access phase.
 */

ngx_int_t
ngx_http_sg_oidc_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *what, ngx_str_t *ret)
{
    u_char     *p;
    size_t      len;
    ngx_int_t   rc;
    ngx_str_t   back;
    ngx_buf_t  *b;
    ngx_chain_t out;

    static const char  head[] =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<title>Sign-in failed</title></head>\n<body><h1>Sign-in failed</h1>"
        "\n<p>";
    static const char  tail[] = "</p>\n<p><a href=\"";
    static const char  end[] = "\">Try again</a></p></body></html>\n";

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ret == NULL || ret->len == 0) {
        ngx_str_set(&back, "/");

    } else {
        back = *ret;
    }

    len = sizeof(head) - 1 + ngx_strlen(what) + sizeof(tail) - 1
          + back.len + ngx_escape_html(NULL, back.data, back.len)
          + sizeof(end) - 1;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(b->last, head, sizeof(head) - 1);
    p = ngx_cpymem(p, what, ngx_strlen(what));
    p = ngx_cpymem(p, tail, sizeof(tail) - 1);
    p = (u_char *) ngx_escape_html(p, back.data, back.len);
    p = ngx_cpymem(p, end, sizeof(end) - 1);

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type, "text/html");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    if (ngx_http_sg_oidc_no_store(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        ngx_http_finalize_request(r, rc);
        return NGX_DONE;
    }

    out.buf = b;
    out.next = NULL;

    ngx_http_finalize_request(r, ngx_http_output_filter(r, &out));

    return NGX_DONE;
}


ngx_int_t
ngx_http_sg_oidc_no_store(ngx_http_request_t *r)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "no-store");

    return NGX_OK;
}


/* 302 to url (a ready URL) */

ngx_int_t
ngx_http_sg_oidc_location(ngx_http_request_t *r, ngx_str_t *url)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value = *url;

    ngx_http_clear_location(r);
    r->headers_out.location = h;

    if (ngx_http_sg_oidc_no_store(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_HTTP_MOVED_TEMPORARILY;
}


/* scheme://host[:port] and a path of this host */

ngx_int_t
ngx_http_sg_oidc_absolute(ngx_http_request_t *r, ngx_str_t *path,
    ngx_str_t *out)
{
    u_char     *p;
    ngx_str_t   host;

    if (r->headers_in.host) {
        host = r->headers_in.host->value;

    } else {
        host = r->headers_in.server;
    }

    out->data = ngx_pnalloc(r->pool, sizeof("https://") - 1 + host.len
                                     + path->len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(out->data, ngx_http_sg_oidc_https(r) ? "https://"
                                                        : "http://",
                   ngx_http_sg_oidc_https(r) ? 8 : 7);
    p = ngx_cpymem(p, host.data, host.len);
    p = ngx_cpymem(p, path->data, path->len);

    out->len = p - out->data;

    return NGX_OK;
}


/*
 * headers=: every header of the request whose name is one the edge owns
 * goes, whatever the request turns out to be ("-" and "_" alike, without
 * case: applications behind CGI-style gateways read them as one), so
 * that nothing of the client's reaches the application under them.
 */

ngx_int_t
ngx_http_sg_oidc_strip(ngx_http_request_t *r, ngx_http_sg_oidc_conf_t *oc)
{
    ngx_uint_t                  i, j, n, found;
    ngx_list_t                  list;
    ngx_list_part_t            *part;
    ngx_table_elt_t            *h, *nh;
    ngx_http_sg_oidc_header_t  *oh;

    if (oc->headers == NULL) {
        return NGX_OK;
    }

    oh = oc->headers->elts;
    found = 0;
    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            n++;

            for (j = 0; j < oc->headers->nelts; j++) {
                if (ngx_http_sg_oidc_same_name(&h[i].key, &oh[j].name)) {
                    h[i].hash = 0;
                    found = 1;
                }
            }
        }
    }

    if (!found) {
        return NGX_OK;
    }

    /* ngx_list_t has no removal: the list is made again without them */

    if (ngx_list_init(&list, r->pool, n + oc->headers->nelts,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0
                && ngx_http_sg_oidc_owned(&h[i].key, oc))
            {
                continue;
            }

            nh = ngx_list_push(&list);
            if (nh == NULL) {
                return NGX_ERROR;
            }

            *nh = h[i];
        }
    }

    r->headers_in.headers = list;

    /* the list's first part now lives in the request: "last" follows it */

    if (list.last == &list.part) {
        r->headers_in.headers.last = &r->headers_in.headers.part;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "session_guard: the client's own identity headers were "
                  "removed");

    return NGX_OK;
}


/* headers=: the allowed login's claims, added as the edge's headers */

ngx_int_t
ngx_http_sg_oidc_identity(ngx_http_request_t *r, ngx_http_sg_oidc_conf_t *oc,
    ngx_http_sg_ctx_t *ctx)
{
    json_t                     *v;
    ngx_str_t                   text;
    ngx_uint_t                  i;
    ngx_table_elt_t            *h;
    ngx_http_sg_oidc_header_t  *oh;

    if (oc->headers == NULL || !ctx->verified || ctx->jws.payload == NULL) {
        return NGX_OK;
    }

    oh = oc->headers->elts;

    for (i = 0; i < oc->headers->nelts; i++) {
        v = json_object_getn(ctx->jws.payload, (char *) oh[i].claim.data,
                             oh[i].claim.len);
        if (v == NULL) {
            continue;
        }

        /* control characters escaped, as in the claim variables */

        if (ngx_sg_json_to_text(r->pool, v, &text) != NGX_OK) {
            return NGX_ERROR;
        }

        h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->key = oh[i].name;
        h->value = text;
        h->lowcase_key = oh[i].lowcase;
        h->hash = oh[i].hash;
    }

    return NGX_OK;
}


/* header names alike: without case, "-" and "_" the same */

static ngx_uint_t
ngx_http_sg_oidc_same_name(ngx_str_t *a, ngx_str_t *b)
{
    u_char      x, y;
    ngx_uint_t  i;

    if (a->len != b->len) {
        return 0;
    }

    for (i = 0; i < a->len; i++) {
        x = ngx_tolower(a->data[i]);
        y = ngx_tolower(b->data[i]);

        x = (x == '_') ? '-' : x;
        y = (y == '_') ? '-' : y;

        if (x != y) {
            return 0;
        }
    }

    return 1;
}


static ngx_uint_t
ngx_http_sg_oidc_owned(ngx_str_t *name, ngx_http_sg_oidc_conf_t *oc)
{
    ngx_uint_t                  j;
    ngx_http_sg_oidc_header_t  *oh;

    oh = oc->headers->elts;

    for (j = 0; j < oc->headers->nelts; j++) {
        if (ngx_http_sg_oidc_same_name(name, &oh[j].name)) {
            return 1;
        }
    }

    return 0;
}


/*
 * What a sealed cookie is for, authenticated with it: its kind, and the
 * issuer and the client of the login, so that a cookie of one provider or
 * client never opens where another is configured, even under the same
 * key= and zone.
 */

ngx_int_t
ngx_http_sg_oidc_purpose(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_uint_t state, ngx_str_t *out)
{
    u_char  *p;

    out->len = sizeof("session_guard oidc session\n\n") - 1
               + slcf->issuer.len + slcf->oidc->client_id.len;

    out->data = ngx_pnalloc(r->pool, out->len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(out->data, state ? "session_guard oidc state\n"
                                    : "session_guard oidc session\n",
                   state ? sizeof("session_guard oidc state\n") - 1
                         : sizeof("session_guard oidc session\n") - 1);
    p = ngx_cpymem(p, slcf->issuer.data, slcf->issuer.len);
    *p++ = '\n';
    p = ngx_cpymem(p, slcf->oidc->client_id.data, slcf->oidc->client_id.len);

    out->len = p - out->data;

    return NGX_OK;
}


/* a session the zone would still let in: not revoked, not ended */

ngx_uint_t
ngx_http_sg_oidc_live(ngx_sg_record_t *rec, time_t now)
{
    return !rec->revoked
           && !(rec->expires && now >= rec->expires)
           && !(rec->idle_timeout
                && now - rec->last_seen > rec->idle_timeout);
}
