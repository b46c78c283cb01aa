
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The application's session cookie, enforced at the edge
 * ("session_guard_cookie"): a header filter rewrites every Set-Cookie of
 * that name (ngx_sg_cookie.c does the rewriting), and the edge deletes the
 * cookie itself when a session ends (revoked, expired, logged out).
 *
 * Which session a Set-Cookie belongs to: the request's, unless the session
 * key is this very cookie ("session_guard_session_key $cookie_NAME") and
 * the application sets another value, i.e. starts a new session (a login,
 * an id rotation): that one begins now, with the lifetime a new session of
 * this location gets.  A session switched to non-persistent (the
 * "non_persistent" action) passes that mode on to a cookie that replaces
 * it; a cookie that sets again the id of a session that ended (a logout
 * here) is made a deletion.
 *
 * The directive is parsed in ngx_http_sg_edge_conf.c.  The filter is
 * installed only when some location uses the directive; it sits after
 * add_header and userid in the filter chain (the "config" script orders
 * the module before them), so their cookies are seen too.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_cookie.h"

#include "ngx_sg_cookie.h"


static ngx_int_t ngx_http_sg_cookie_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_cookie_rules(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *value,
    ngx_sg_cookie_rules_t *rules);
static ngx_int_t ngx_http_sg_cookie_new_lifetime(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, time_t *cap);
static ngx_uint_t ngx_http_sg_cookie_names(ngx_str_t *value, ngx_str_t *id);
static void ngx_http_sg_cookie_flags(ngx_http_sg_cookie_conf_t *cc,
    ngx_sg_cookie_rules_t *rules);


static ngx_http_output_header_filter_pt  ngx_http_sg_next_header_filter;


ngx_int_t
ngx_http_sg_cookie_init(ngx_conf_t *cf)
{
    ngx_http_sg_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_sg_cookie_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_cookie_filter(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_str_t                   name, value, out;
    ngx_table_elt_t            *h;
    ngx_http_sg_ctx_t          *ctx;
    ngx_http_sg_header_iter_t   it;
    ngx_sg_cookie_rules_t       rules;
    ngx_http_sg_loc_conf_t     *slcf;
    ngx_http_sg_cookie_conf_t  *cc;

    static ngx_str_t  set_cookie = ngx_string("Set-Cookie");

    if (r != r->main) {
        return ngx_http_sg_next_header_filter(r);
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);
    cc = slcf->edge.cookie;

    if (cc == NULL) {
        return ngx_http_sg_next_header_filter(r);
    }

    ctx = ngx_http_sg_get_ctx(r);

    ngx_memzero(&it, sizeof(ngx_http_sg_header_iter_t));

    while ((h = ngx_http_sg_header_next(&r->headers_out.headers, &set_cookie,
                                        &it)))
    {
        /* another cookie, or none a browser would set: byte for byte */

        if (ngx_sg_cookie_parse(&h->value, &name, &value) != NGX_OK
            || name.len != cc->name.len
            || ngx_strncmp(name.data, cc->name.data, name.len) != 0)
        {
            continue;
        }

        if (ngx_http_sg_cookie_rules(r, slcf, ctx, &value, &rules)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        rc = ngx_sg_cookie_rewrite(r->pool, &h->value, &rules, &out);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_DECLINED) {
            /* its lifetime cannot be enforced: it is not passed on */
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: a Set-Cookie \"%V\" of %uz bytes "
                          "is too long to enforce, removed", &cc->name,
                          h->value.len);
            h->hash = 0;
            continue;
        }

        if (out.data != h->value.data) {
            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "session_guard: Set-Cookie \"%V\" rewritten: "
                           "\"%V\"", &cc->name,
                           ngx_http_sg_log_str(r, &out));
            h->value = out;
        }
    }

    return ngx_http_sg_next_header_filter(r);
}


static ngx_int_t
ngx_http_sg_cookie_rules(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *value, ngx_sg_cookie_rules_t *rules)
{
    ngx_uint_t                  own;
    ngx_sg_record_t            *rec;
    ngx_http_sg_cookie_conf_t  *cc;

    cc = slcf->edge.cookie;

    ngx_memzero(rules, sizeof(ngx_sg_cookie_rules_t));

    rules->now = ngx_time();
    rules->cap = -1;
    ngx_http_sg_cookie_flags(cc, rules);

    rec = (ctx && ctx->has_session) ? &ctx->session.rec : NULL;

    /* the cookie is the request's session's, not a new one */

    own = rec
          && !(slcf->edge.key_cookie
               && !ngx_http_sg_cookie_names(value, &ctx->session.id));

    /*
     * A session that ended (logged out here) is not set again; in monitor
     * mode a revoked session goes on, and so does its cookie.
     */

    if (own && rec->revoked
        && (rec->revoked == NGX_SG_REVOKED_LOGOUT || !ctx->monitor))
    {
        rules->expire = 1;
        return NGX_OK;
    }

    rules->session = (cc->mode == NGX_SG_COOKIE_NON_PERSISTENT
                      || (rec && rec->cookie_mode
                                 == NGX_SG_COOKIE_NON_PERSISTENT));

    if (rules->session) {
        return NGX_OK;
    }

    if (own) {
        /* what is left of the session's absolute lifetime */

        if (rec->expires == 0) {
            rules->cap = -1;

        } else {
            rules->cap = rec->expires > rules->now
                         ? rec->expires - rules->now : 0;
        }

        return NGX_OK;
    }

    /* a session that begins with this cookie */

    if (ngx_http_sg_cookie_new_lifetime(r, slcf, &rules->cap) != NGX_OK) {
        /* its lifetime is unknown: a browser-session cookie at most */
        rules->cap = -1;
        rules->session = 1;
    }

    return NGX_OK;
}


/*
 * The absolute lifetime a session created here now would get, as the
 * risk engine sets it: session_guard_lifetime absolute=, within the zone's
 * max_lifetime, in *cap (-1: none).  NGX_ERROR: an invalid value (logged).
 */

static ngx_int_t
ngx_http_sg_cookie_new_lifetime(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, time_t *cap)
{
    time_t     t, max;
    ngx_str_t  v;

    t = 0;

    if (slcf->absolute) {
        if (ngx_http_complex_value(r, slcf->absolute, &v) != NGX_OK) {
            return NGX_ERROR;
        }

        if (v.len) {
            t = ngx_parse_time(&v, 1);

            if (t == (time_t) NGX_ERROR) {
                ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                              "session_guard: invalid lifetime \"%V\"",
                              ngx_http_sg_log_str(r, &v));
                return NGX_ERROR;
            }
        }
    }

    max = slcf->zone ? ngx_http_sg_zone_max_lifetime(slcf->zone) : 0;

    if (max && (t == 0 || t > max)) {
        t = max;
    }

    *cap = t ? t : -1;

    return NGX_OK;
}


/* the value names the session: as the session key is made of it */

static ngx_uint_t
ngx_http_sg_cookie_names(ngx_str_t *value, ngx_str_t *id)
{
    u_char  hex[NGX_HTTP_SG_ID_DIGEST_LEN];

    ngx_http_sg_session_digest(value, hex);

    return id->len == NGX_HTTP_SG_ID_DIGEST_LEN
           && ngx_memcmp(hex, id->data, NGX_HTTP_SG_ID_DIGEST_LEN) == 0;
}


static void
ngx_http_sg_cookie_flags(ngx_http_sg_cookie_conf_t *cc,
    ngx_sg_cookie_rules_t *rules)
{
    rules->secure = cc->secure;
    rules->httponly = cc->httponly;
    rules->samesite = cc->samesite;
}


/*
 * The edge deletes the cookie: a Set-Cookie with Max-Age=0 added to the
 * response (before any the application may add, so that a new session
 * cookie set in the same response wins).  NGX_OK, or NGX_ERROR.
 */

ngx_int_t
ngx_http_sg_cookie_delete(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf)
{
    ngx_table_elt_t            *h;
    ngx_sg_cookie_rules_t       rules;
    ngx_http_sg_cookie_conf_t  *cc;

    cc = slcf->edge.cookie;

    if (cc == NULL) {
        return NGX_OK;
    }

    ngx_memzero(&rules, sizeof(ngx_sg_cookie_rules_t));
    ngx_http_sg_cookie_flags(cc, &rules);

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    if (ngx_sg_cookie_delete(r->pool, &cc->name, &cc->path, &cc->domain,
                             &rules, &h->value)
        != NGX_OK)
    {
        h->hash = 0;
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Set-Cookie");

    return NGX_OK;
}
