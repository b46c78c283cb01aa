
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_oidc tokens=: what a token answer gives the edge to keep
 * (the access token, its lifetime, the refresh token), and the outcome of
 * a refresh (the request started in ngx_http_sg_oidc_code.c).
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_oidc_b64token(ngx_str_t *s);


ngx_int_t
ngx_http_sg_oidc_refreshed(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_oidc_req_t *q)
{
    ctx->jws.payload = q->claims;
    ctx->verified = 1;
    ctx->authentic = 1;
    ctx->login_id = q->id;

    if (q->refreshed) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: access token of edge login \"%V\" "
                      "refreshed", ngx_http_sg_log_str(r, &q->id));

        ctx->access_token = q->access;
        return NGX_OK;
    }

    /*
     * Failed, or not answered in time (then the subrequest goes on, and
     * keeps what it gets, ngx_http_sg_oidc_refresh_result())
     */

    if (q->old_exp == 0 || ngx_time() < q->old_exp) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: refresh of the access token of edge "
                      "login \"%V\" failed: %s (status %ui), going on with "
                      "the current one", ngx_http_sg_log_str(r, &q->id),
                      q->error ? q->error : "failed", q->status);

        ctx->access_token = q->old_access;
        return NGX_OK;
    }

    ctx->status = NGX_HTTP_SG_STATUS_INVALID;
    ctx->reason = "access token expired";

    ngx_log_error(slcf->log_level, r->connection->log, 0,
                  "session_guard: refresh of the access token of edge login "
                  "\"%V\" failed: %s (status %ui); the login ends",
                  ngx_http_sg_log_str(r, &q->id),
                  q->error ? q->error : "failed", q->status);

    return NGX_HTTP_UNAUTHORIZED;
}


/*
 * The token endpoint's answer to a refresh, when the subrequest ends
 * (before the request went on, or after): the new tokens kept, or the
 * claim given up so that another request may try
 */

void
ngx_http_sg_oidc_refresh_result(ngx_http_request_t *sr,
    ngx_http_sg_oidc_req_t *q)
{
    json_t                   *root;
    ngx_int_t                 rc;
    ngx_str_t                *rt;
    const char               *reason;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = q->conf;
    root = NULL;
    reason = "not JSON";

    if (q->stage != NGX_HTTP_SG_OIDC_ANSWERED) {
        goto failed;
    }

    if (q->status != NGX_HTTP_OK || q->answer.len == 0) {
        q->error = "refused";
        goto failed;
    }

    rc = ngx_sg_json_parse_object(sr->pool, q->answer.data, q->answer.len,
                                  NGX_SG_JSON_MAX_DEPTH, &root, &reason);

    if (rc == NGX_OK) {
        q->refresh_token.len = 0;
        rc = ngx_http_sg_oidc_token_fields(sr, oc, root, q, &reason);
    }

    if (rc != NGX_OK) {
        q->error = reason;
        goto failed;
    }

    rt = q->refresh_token.len ? &q->refresh_token : NULL;

    if (ngx_http_sg_tokens_put(oc->tokens, &q->id, &q->access, q->access_exp,
                               rt, q->expires)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, sr->connection->log, 0,
                      "session_guard: the token zone cannot keep a "
                      "refreshed access token");
        q->error = "no memory in the token zone";
        goto failed;
    }

    q->refreshed = 1;

    return;

failed:

    ngx_http_sg_tokens_unclaim(oc->tokens, &q->id);
}


/*
 * access_token (required), expires_in and refresh_token (kept with
 * refresh=on) of a token answer (RFC 6749 5.1) into q: NGX_OK, or
 * NGX_DECLINED with the reason
 */

ngx_int_t
ngx_http_sg_oidc_token_fields(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc, json_t *root, ngx_http_sg_oidc_req_t *q,
    const char **reason)
{
    json_t     *v;
    ngx_str_t   at, rt;

    if (ngx_sg_json_string(root, "access_token", &at) != NGX_OK
        || at.len == 0)
    {
        *reason = "no access_token";
        return NGX_DECLINED;
    }

    if (at.len > NGX_HTTP_SG_TOKEN_MAX
        || ngx_http_sg_oidc_b64token(&at) != NGX_OK)
    {
        *reason = "access_token too long or not a token";
        return NGX_DECLINED;
    }

    q->access_exp = 0;

    v = json_object_get(root, "expires_in");

    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0
            || json_integer_value(v) > 366 * 86400)
        {
            *reason = "expires_in not a number of seconds";
            return NGX_DECLINED;
        }

        q->access_exp = ngx_time() + (time_t) json_integer_value(v);
    }

    if (oc->refresh) {
        if (ngx_sg_json_string(root, "refresh_token", &rt) != NGX_OK) {
            *reason = "refresh_token not a string";
            return NGX_DECLINED;
        }

        if (rt.len > NGX_HTTP_SG_TOKEN_MAX
            || (rt.len && ngx_http_sg_oidc_b64token(&rt) != NGX_OK))
        {
            *reason = "refresh_token too long or not a token";
            return NGX_DECLINED;
        }

        q->refresh_token = rt;
    }

    q->access = at;

    return NGX_OK;
}


/*
 * What RFC 6750's b64token holds (ALPHA DIGIT - . _ ~ + / then "="), so
 * that the token is safe in a header: also what refresh tokens are made of
 * in practice
 */

static ngx_int_t
ngx_http_sg_oidc_b64token(ngx_str_t *s)
{
    u_char      c;
    ngx_uint_t  i, pad;

    pad = 0;

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if (c == '=') {
            pad = 1;
            continue;
        }

        if (pad
            || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '-' || c == '.'
                 || c == '_' || c == '~' || c == '+' || c == '/'))
        {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}
