
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The edge's answers beyond allow and deny:
 *
 *  - step-up per location ("session_guard_require_auth"): sensitive
 *    areas demand a fresh or strong authentication (auth_time, acr, amr),
 *    or an assurance level ("session_guard_require_assurance"); a request
 *    that falls short is a step-up (RFC 9470);
 *  - browsers (Accept: text/html, or "session_guard_browser") are
 *    redirected instead of getting a 401: to the login page when they
 *    have no valid session ("session_guard_login"), to the authorization
 *    endpoint with acr_values, max_age and prompt=login for a step-up
 *    ("session_guard_step_up redirect="); the way back is always a
 *    relative URL of this host (ngx_sg_redirect.c);
 *  - a session that ended (revoked, expired) gets its cookie deleted
 *    ("session_guard_cookie");
 *  - "session_guard_logout": a request there revokes its session at the
 *    edge (source "logout") and deletes the cookie, then goes on to the
 *    application's own logout.
 *
 * Called by the access handler's verdict: ngx_http_sg_edge_check() first
 * (it may turn an allow into a step-up), ngx_http_sg_edge_answer() for
 * a refusal in enforce mode.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_cookie.h"
#include "ngx_http_sg_edge_conf.h"

#include "ngx_sg_redirect.h"


#define NGX_HTTP_SG_AMR_MAX     32      /* amr entries looked at */


static const char *ngx_http_sg_authn_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static ngx_uint_t ngx_http_sg_acr_accepted(ngx_http_sg_edge_conf_t *edge,
    ngx_str_t *acr);
static ngx_int_t ngx_http_sg_redirect(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, ngx_str_t *ret, ngx_sg_param_t *params,
    ngx_uint_t n);
static ngx_int_t ngx_http_sg_logout(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);


static const char  ngx_http_sg_too_old[] = "authentication too old";
static const char  ngx_http_sg_too_weak[] = "authentication too weak";
static const char  ngx_http_sg_amr_missing[] =
    "authentication method missing";


/*
 * Before the verdict: the location's authentication requirements (an
 * allowed request may become a step-up), and logout.  Returns rc, or the
 * status the request now gets.
 */

ngx_int_t
ngx_http_sg_edge_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_int_t rc)
{
    const char  *reason;

    if ((slcf->edge.authn || slcf->assurance)
        && ctx->status == NGX_HTTP_SG_STATUS_ALLOW && rc == NGX_OK)
    {
        reason = slcf->edge.authn ? ngx_http_sg_authn_check(r, slcf, ctx)
                                  : NULL;

        if (reason == NULL) {
            /* the level a Shared Signals event reported for the session */
            reason = ngx_http_sg_assurance_check(r, slcf, ctx);
        }

        if (reason) {
            ctx->status = NGX_HTTP_SG_STATUS_STEP_UP;
            ctx->reason = reason;
            rc = NGX_HTTP_UNAUTHORIZED;

            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "session_guard: step-up required here: %s%s",
                          reason, slcf->monitor ? " (monitor mode)" : "");
        }
    }

    if (slcf->edge.logout && ctx->has_session && !ctx->session.rec.revoked) {
        if (ngx_http_sg_logout(r, slcf, ctx) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return rc;
}


/*
 * A session's logout at the edge, whatever the verdict of the request:
 * the user asked for it.  The revocation is kept as long as any token
 * that carries the session id may be valid (token_exp, at least the
 * zone's max_lifetime from now).
 */

static ngx_int_t
ngx_http_sg_logout(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_http_sg_session_t  *s;

    s = &ctx->session;

    if (ngx_http_sg_zone_revoke_session(slcf->zone, s,
                                        NGX_SG_REVOKED_LOGOUT, 0)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store the logout "
                      "of session \"%V\"", ngx_http_sg_zone_name(slcf->zone),
                      ngx_http_sg_log_str(r, &s->id));
        return NGX_ERROR;
    }

    s->rec.revoked = NGX_SG_REVOKED_LOGOUT;
    s->rec.revoked_at = ngx_time();

    ngx_http_sg_session_logged_out(r, slcf, ctx);

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "session_guard: session \"%V\" of \"%V\" logged out",
                  ngx_http_sg_log_str(r, &s->id),
                  ngx_http_sg_log_str(r, &s->sub));

    return ngx_http_sg_cookie_delete(r, slcf);
}


/*
 * A refusal in enforce mode: NGX_OK when *rc is the answer (a redirect,
 * or 500), NGX_DECLINED to answer as usual (the cookie of an ended
 * session deleted on the way).
 */

ngx_int_t
ngx_http_sg_edge_answer(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_int_t *rc)
{
    ngx_uint_t                  n;
    ngx_sg_param_t              params[3];
    ngx_http_sg_edge_conf_t    *edge;
    ngx_http_complex_value_t   *url;
    ngx_http_core_loc_conf_t   *clcf;

    edge = &slcf->edge;

    if ((ctx->status == NGX_HTTP_SG_STATUS_REVOKED
         || ctx->status == NGX_HTTP_SG_STATUS_EXPIRED)
        && ngx_http_sg_cookie_delete(r, slcf) != NGX_OK)
    {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_OK;
    }

    if (*rc != NGX_HTTP_UNAUTHORIZED) {
        return NGX_DECLINED;
    }

    url = (ctx->status == NGX_HTTP_SG_STATUS_STEP_UP && edge->step_up_url)
          ? edge->step_up_url : edge->login;

    if (url == NULL) {
        return NGX_DECLINED;
    }

    /*
     * With "satisfy any" a 401 lets another access module allow the
     * request; a redirect would end the phase: not for browsers there.
     */

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->satisfy != NGX_HTTP_SATISFY_ALL
        || !ngx_http_sg_is_browser(r, edge))
    {
        return NGX_DECLINED;
    }

    if (ctx->status != NGX_HTTP_SG_STATUS_STEP_UP) {
        *rc = ngx_http_sg_redirect(r, url, &edge->login_return, params, 0);
        return NGX_OK;
    }

    if (ngx_http_sg_step_up_params(r, slcf, ctx, params, &n) != NGX_OK) {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_OK;
    }

    *rc = ngx_http_sg_redirect(r, url,
                               edge->step_up_url ? &edge->step_up_return
                                                 : &edge->login_return,
                               params, n);
    return NGX_OK;
}


/*
 * What a step-up's redirect asks the provider for (params: 3 slots, *n
 * set): acr_values and max_age, those of session_guard_step_up or of the
 * requirement, and prompt=login for a fresh login, not only a stronger
 * one (OpenID Connect).  NGX_OK, or NGX_ERROR (no memory).
 */

ngx_int_t
ngx_http_sg_step_up_params(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_sg_param_t *params, ngx_uint_t *n)
{
    u_char  *p;

    *n = 0;

    if (slcf->acr_values.len) {
        ngx_str_set(&params[*n].name, "acr_values");
        params[(*n)++].value = slcf->acr_values;
    }

    if (slcf->max_age >= 0) {
        p = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_str_set(&params[*n].name, "max_age");
        params[*n].value.data = p;
        params[(*n)++].value.len = ngx_sprintf(p, "%T", slcf->max_age) - p;
    }

    if (ctx->reason != ngx_http_sg_too_weak
        && ctx->reason != ngx_http_sg_amr_missing)
    {
        /* ngx_str_set() names its argument twice: no "++" in it */
        ngx_str_set(&params[*n].name, "prompt");
        ngx_str_set(&params[*n].value, "login");
        (*n)++;
    }

    return NGX_OK;
}


/* 302 to url with params and the way back; 500 if the URL is unusable */

static ngx_int_t
ngx_http_sg_redirect(ngx_http_request_t *r, ngx_http_complex_value_t *cv,
    ngx_str_t *ret, ngx_sg_param_t *params, ngx_uint_t n)
{
    ngx_int_t         rc;
    ngx_str_t         base, path, location;
    ngx_sg_param_t    all[4];
    ngx_table_elt_t  *h;

    if (ngx_http_complex_value(r, cv, &base) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(all, params, n * sizeof(ngx_sg_param_t));

    ngx_sg_return_path(&r->unparsed_uri, &path);

    all[n].name = *ret;
    all[n].value = path;

    rc = ngx_sg_redirect_url(r->pool, &base, all, n + 1, &location);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: invalid redirect URL \"%V\"",
                      ngx_http_sg_log_str(r, &base));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value = location;

    ngx_http_clear_location(r);
    r->headers_out.location = h;

    return NGX_HTTP_MOVED_TEMPORARILY;
}


/* NULL: the requirements are met; else why not */

static const char *
ngx_http_sg_authn_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    time_t                t, auth_time;
    json_t               *payload, *claim, *item;
    ngx_str_t             acr, *req;
    ngx_uint_t            i, j, n;
    ngx_http_sg_authn_t  *authn;

    authn = slcf->edge.authn;
    payload = ctx->verified ? ctx->jws.payload : NULL;

    if (authn->max_age >= 0) {
        auth_time = 0;

        if (payload
            && ngx_sg_json_time(json_object_get(payload, "auth_time"), &t)
               == NGX_OK)
        {
            auth_time = t;
        }

        /* the session's last authentication, from an earlier token */

        if (ctx->has_session && ctx->session.rec.auth_time > auth_time) {
            auth_time = ctx->session.rec.auth_time;
        }

        if (auth_time <= 0 || ngx_time() - auth_time > authn->max_age) {
            return ngx_http_sg_too_old;
        }
    }

    if (authn->acr) {
        claim = payload ? json_object_get(payload, "acr") : NULL;

        if (!json_is_string(claim)) {
            return ngx_http_sg_too_weak;
        }

        acr.data = (u_char *) json_string_value(claim);
        acr.len = json_string_length(claim);

        if (!ngx_http_sg_acr_accepted(&slcf->edge, &acr)) {
            return ngx_http_sg_too_weak;
        }
    }

    if (authn->amr) {
        claim = payload ? json_object_get(payload, "amr") : NULL;

        if (!json_is_array(claim)) {
            return ngx_http_sg_amr_missing;
        }

        n = json_array_size(claim);

        if (n > NGX_HTTP_SG_AMR_MAX) {
            n = NGX_HTTP_SG_AMR_MAX;
        }

        req = authn->amr->elts;

        for (i = 0; i < authn->amr->nelts; i++) {
            for (j = 0; j < n; j++) {
                item = json_array_get(claim, j);

                if (json_is_string(item)
                    && json_string_length(item) == req[i].len
                    && ngx_memcmp(json_string_value(item), req[i].data,
                                  req[i].len)
                       == 0)
                {
                    break;
                }
            }

            if (j == n) {
                return ngx_http_sg_amr_missing;
            }
        }
    }

    return NULL;
}


/* one of the values asked for, or a level at least as strong */

static ngx_uint_t
ngx_http_sg_acr_accepted(ngx_http_sg_edge_conf_t *edge, ngx_str_t *acr)
{
    ngx_int_t    level, min;
    ngx_str_t   *want;
    ngx_uint_t   i;

    want = edge->authn->acr->elts;

    for (i = 0; i < edge->authn->acr->nelts; i++) {
        if (want[i].len == acr->len
            && ngx_memcmp(want[i].data, acr->data, acr->len) == 0)
        {
            return 1;
        }
    }

    if (edge->acr_levels == NULL) {
        return 0;
    }

    level = ngx_http_sg_acr_level(edge->acr_levels, acr);

    if (level == NGX_DECLINED) {
        return 0;
    }

    for (i = 0; i < edge->authn->acr->nelts; i++) {
        min = ngx_http_sg_acr_level(edge->acr_levels, &want[i]);

        if (min != NGX_DECLINED && level >= min) {
            return 1;
        }
    }

    return 0;
}


/* a browser: it gets redirects, an API client gets 401 */

ngx_uint_t
ngx_http_sg_is_browser(ngx_http_request_t *r, ngx_http_sg_edge_conf_t *edge)
{
    ngx_str_t                   value;
    ngx_table_elt_t            *h;
    ngx_http_sg_header_iter_t   it;

    static ngx_str_t  accept = ngx_string("Accept");

    switch (edge->browser) {

    case NGX_HTTP_SG_BROWSER_OFF:
        return 0;

    case NGX_HTTP_SG_BROWSER_VALUE:
        if (ngx_http_complex_value(r, edge->browser_value, &value)
            != NGX_OK)
        {
            return 0;
        }

        return value.len && !(value.len == 1 && value.data[0] == '0');

    default:
        break;
    }

    /* an Accept header that names text/html */

    ngx_memzero(&it, sizeof(ngx_http_sg_header_iter_t));

    while ((h = ngx_http_sg_header_next(&r->headers_in.headers, &accept, &it)))
    {
        if (ngx_strlcasestrn(h->value.data, h->value.data + h->value.len,
                             (u_char *) "text/html", sizeof("text/html") - 2)
            != NULL)
        {
            return 1;
        }
    }

    return 0;
}
