
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_oidc, per request (the directive: ngx_http_sg_oidc_conf.c;
 * the way back from the provider: ngx_http_sg_oidc_code.c).
 *
 * The edge logs browsers in with the Authorization Code flow and PKCE
 * (S256), and keeps the login as a session of the location's zone, under
 * an id of its own: every binding signal, action, lifetime, the API,
 * max_sessions, events and notifications apply to it as to a token's
 * session.  The browser holds one cookie, sealed (ngx_sg_seal.h) with the
 * location's key: the session id and the claims kept from the ID token
 * (iss, sub, sid, auth_time, acr, amr, azp and those of "claims="), which
 * the location reads as a verified token's ($session_guard_claim_*,
 * session_guard_require, session_guard_require_auth).  The zone is the
 * authority: a cookie whose session is unknown, revoked or ended there
 * counts for nothing.
 *
 * A request of the location, in place of the token check:
 *
 *   the redirect path   the way back from the provider (ngx_http_sg_oidc_
 *                       code.c), which ends with the session cookie and a
 *                       redirect to where the login began;
 *   the logout path     the session revoked, its cookie deleted, and the
 *                       browser sent to the provider's end_session
 *                       endpoint (RP-initiated logout) or post_logout;
 *   anything else       the session cookie; without a usable one, a
 *                       browser is sent to the provider (a 302 with a
 *                       fresh state, nonce and PKCE verifier sealed in a
 *                       short-lived pre-login cookie), an API client
 *                       gets 401.
 *
 * The session id is "TAG.RANDOM": TAG names the provider's "sid" of the
 * login (ngx_sg_sid_tag()), so that a back-channel logout by "sid"
 * finds it among the subject's sessions; RANDOM is 128 bits.
 */


#include "ngx_http_sg.h"

#include "ngx_sg_redirect.h"
#include "ngx_sg_sha256.h"


static ngx_int_t ngx_http_sg_oidc_session(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_oidc_tokens(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_session_t *s);
static ngx_int_t ngx_http_sg_oidc_open(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *id, json_t **claims,
    const char **reason);
static ngx_int_t ngx_http_sg_oidc_login(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *back);
static ngx_int_t ngx_http_sg_oidc_logout(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_oidc_finish(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t rc);
static ngx_uint_t ngx_http_sg_oidc_is(ngx_http_request_t *r, ngx_str_t *path);
static ngx_int_t ngx_http_sg_oidc_endpoint(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_uint_t which,
    ngx_str_t *url);


/* how long a worker remembers what a session cookie opened to */
#define NGX_HTTP_SG_OIDC_CACHE  300




ngx_int_t
ngx_http_sg_oidc_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_int_t                 rc;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;

    /* headers=: the client's own copies go, whatever comes next */

    if (ctx->oidc == NULL && ngx_http_sg_oidc_strip(r, oc) != NGX_OK) {
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "internal error";
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->oidc || ngx_http_sg_oidc_is(r, &oc->redirect)) {
        /* the way back from the provider, or still on it */

        rc = ngx_http_sg_oidc_callback(r, slcf, ctx);

        if (rc != NGX_OK && rc != NGX_AGAIN && rc != NGX_DONE
            && !(ctx->oidc && ctx->oidc->refreshing))
        {
            ctx->answered = 1;
        }

        return rc;
    }

    if (oc->logout.len && ngx_http_sg_oidc_is(r, &oc->logout)) {
        rc = ngx_http_sg_oidc_logout(r, slcf, ctx);

        if (rc != NGX_AGAIN) {
            ctx->answered = 1;
        }

        return rc;
    }

    return ngx_http_sg_oidc_session(r, slcf, ctx);
}


/* the session cookie: NGX_OK with the login, else 401 and the status */

static ngx_int_t
ngx_http_sg_oidc_session(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    json_t                   *claims;
    ngx_int_t                 rc;
    ngx_str_t                 id;
    ngx_uint_t                level;
    const char               *reason;
    ngx_http_sg_session_t     s;

    reason = NULL;

    rc = ngx_http_sg_oidc_open(r, slcf, &id, &claims, &reason);

    if (rc == NGX_ERROR) {
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "internal error";
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK) {
        /* the zone is the authority: an unknown session is no login */

        rc = ngx_http_sg_zone_find(slcf->zone, &id, 0, r->pool, &s);

        if (rc == NGX_ERROR) {
            ctx->status = NGX_HTTP_SG_STATUS_ERROR;
            ctx->reason = "internal error";
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc != NGX_OK) {
            reason = "login session unknown";
        }
    }

    if (rc != NGX_OK) {
        ctx->status = reason ? NGX_HTTP_SG_STATUS_INVALID
                             : NGX_HTTP_SG_STATUS_MISSING;
        ctx->reason = reason ? reason : "no login";

        level = reason ? slcf->log_level : NGX_LOG_INFO;

        ngx_log_error(level, r->connection->log, 0,
                      "session_guard: no edge login: %s", ctx->reason);

        return NGX_HTTP_UNAUTHORIZED;
    }

    ctx->jws.payload = claims;
    ctx->verified = 1;
    ctx->authentic = 1;
    ctx->login_id = id;

    if (slcf->oidc->tokens == NULL) {
        return NGX_OK;
    }

    if (!ngx_http_sg_oidc_live(&s.rec, ngx_time())) {
        /* the session check refuses it: its tokens go, none is refreshed */
        ngx_http_sg_tokens_delete(slcf->oidc->tokens, &id);
        return NGX_OK;
    }

    return ngx_http_sg_oidc_tokens(r, slcf, ctx, &s);
}


/*
 * tokens=: the login's access token for the request, refreshed first
 * when it expires within the margin (one request per session does it)
 */

static ngx_int_t
ngx_http_sg_oidc_tokens(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_session_t *s)
{
    time_t                    at_exp, expires;
    ngx_int_t                 rc;
    ngx_str_t                 at, rt;
    ngx_uint_t                claimed;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;

    rc = ngx_http_sg_tokens_get(oc->tokens, r->pool, &ctx->login_id,
                                oc->refresh ? oc->margin : 0, &at, &at_exp,
                                &rt, &claimed);

    if (rc == NGX_ERROR) {
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "internal error";
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        ctx->reason = "login tokens gone";
        goto invalid;
    }

    if (claimed) {
        expires = s->rec.expires ? s->rec.expires
                  : ngx_time() + ngx_http_sg_zone_max_lifetime(slcf->zone);

        return ngx_http_sg_oidc_refresh(r, slcf, ctx, &rt, &at, at_exp,
                                        expires);
    }

    if (at_exp && ngx_time() >= at_exp) {
        ctx->reason = "access token expired";
        goto invalid;
    }

    ctx->access_token = at;

    return NGX_OK;

invalid:

    ctx->status = NGX_HTTP_SG_STATUS_INVALID;

    ngx_log_error(slcf->log_level, r->connection->log, 0,
                  "session_guard: no edge login: %s", ctx->reason);

    return NGX_HTTP_UNAUTHORIZED;
}


/*
 * The session cookie opened: NGX_OK with the id and the claims;
 * NGX_DECLINED none (reason NULL) or none usable (reason set); NGX_ERROR
 */

static ngx_int_t
ngx_http_sg_oidc_open(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *id, json_t **claims, const char **reason)
{
    json_t                   *root, *c;
    uint32_t                  hash;
    ngx_int_t                 rc;
    ngx_str_t                 value, plain, s, purpose;
    ngx_sg_jws_t              jws;
    ngx_http_sg_oidc_conf_t  *oc;
    ngx_http_sg_main_conf_t  *smcf;

    oc = slcf->oidc;

    rc = ngx_http_sg_oidc_cookie_get(r,
                                     &oc->cookie[ngx_http_sg_oidc_https(r)],
                                     &value);

    if (rc == NGX_DECLINED) {
        return NGX_DECLINED;
    }

    if (rc == NGX_BUSY) {
        *reason = "login cookie sent twice";
        return NGX_DECLINED;
    }

    /*
     * The worker's verified-token cache remembers what a cookie opened to
     * (keyed by the whole cookie and this configuration): the zone is asked
     * about the session on every request all the same.
     */

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);
    hash = ngx_murmur_hash2(value.data, value.len);

    rc = ngx_http_sg_cache_lookup(&smcf->cache, r->pool, &value, hash, oc,
                                  (uintptr_t) slcf->issuer.data, 0,
                                  ngx_time(), &jws);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        root = jws.payload;
        goto opened;
    }

    if (ngx_http_sg_oidc_purpose(r, slcf, 0, &purpose) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_sg_seal_open(r->pool, oc->key, &purpose, &value, &plain);

    if (rc != NGX_OK) {
        *reason = "login cookie does not open";
        return rc;
    }

    rc = ngx_sg_json_parse_object(r->pool, plain.data, plain.len,
                                  NGX_SG_JSON_MAX_DEPTH, &root, reason);
    if (rc != NGX_OK) {
        /* sealed by this edge, yet not its format: another version's */
        *reason = "login cookie unreadable";
        return rc;
    }

    c = json_object_get(root, "c");

    if (ngx_sg_json_string(root, "i", &s) != NGX_OK
        || s.len == 0 || s.len > NGX_SG_ID_MAX
        || !json_is_object(c)
        || !json_is_string(json_object_get(c, "sub")))
    {
        *reason = "login cookie unreadable";
        return NGX_DECLINED;
    }

    ngx_memzero(&jws, sizeof(ngx_sg_jws_t));
    jws.payload = root;

    ngx_http_sg_cache_insert(&smcf->cache, &value, hash, oc,
                             (uintptr_t) slcf->issuer.data, 0,
                             ngx_time() + NGX_HTTP_SG_OIDC_CACHE, &jws);

opened:

    (void) ngx_sg_json_string(root, "i", id);
    *claims = json_object_get(root, "c");

    return NGX_OK;
}


/*
 * The verdict's answer where session_guard_oidc is on (from
 * ngx_http_sg_handler.c, after the edge's checks and the counts): the end
 * of a login; or, for a refusal in enforce mode, the session cookie
 * deleted when it is of no more use, and a browser sent to log in.
 * NGX_DECLINED: answer as usual.
 */

ngx_int_t
ngx_http_sg_oidc_answer(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_int_t rc)
{
    ngx_http_sg_oidc_conf_t   *oc;
    ngx_http_core_loc_conf_t  *clcf;

    oc = slcf->oidc;

    if (ctx->oidc && ctx->oidc->callback) {
        return ngx_http_sg_oidc_finish(r, slcf, ctx, rc);
    }

    if ((rc == NGX_OK || slcf->monitor)
        && ngx_http_sg_oidc_identity(r, oc, ctx) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (slcf->monitor || rc == NGX_OK
        || rc == NGX_HTTP_INTERNAL_SERVER_ERROR
        || rc == NGX_HTTP_SERVICE_UNAVAILABLE
        || ctx->status == NGX_HTTP_SG_STATUS_THROTTLED)
    {
        return NGX_DECLINED;
    }

    if ((ctx->status == NGX_HTTP_SG_STATUS_REVOKED
         || ctx->status == NGX_HTTP_SG_STATUS_EXPIRED)
        && oc->tokens && ctx->login_id.len)
    {
        ngx_http_sg_tokens_delete(oc->tokens, &ctx->login_id);
    }

    if ((ctx->status == NGX_HTTP_SG_STATUS_REVOKED
         || ctx->status == NGX_HTTP_SG_STATUS_EXPIRED
         || ctx->status == NGX_HTTP_SG_STATUS_INVALID)
        && ngx_http_sg_oidc_set_cookie(r, oc,
                                       &oc->cookie[ngx_http_sg_oidc_https(r)],
                                       NULL, 0)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (rc != NGX_HTTP_UNAUTHORIZED
        || clcf->satisfy != NGX_HTTP_SATISFY_ALL
        || !(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))
        || !ngx_http_sg_is_browser(r, &slcf->edge))
    {
        /* an API client, a form post: no challenge scheme to offer */
        return rc;
    }

    return ngx_http_sg_oidc_login(r, slcf, ctx, NULL);
}


/* to the provider: a 302 with a fresh state, nonce and PKCE verifier */

static ngx_int_t
ngx_http_sg_oidc_login(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *back)
{
    u_char                   *p;
    ngx_int_t                 rc;
    ngx_str_t                 state, nonce, verifier, challenge, ret, plain,
                              sealed, redirect_uri, url, prev,
                              authorize, purpose;
    ngx_uint_t                n, k, step_up;
    ngx_sg_param_t            params[12];
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;

    rc = ngx_http_sg_oidc_endpoint(r, slcf, ctx, NGX_HTTP_SG_JWKS_AUTHORIZE,
                                   &authorize);

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    if (rc != NGX_OK) {
        if (rc == NGX_DECLINED) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: the discovery document names no "
                          "authorization_endpoint");
        }

        return ngx_http_sg_oidc_page(r, NGX_HTTP_BAD_GATEWAY,
                                     "The identity provider could not be "
                                     "reached.", NULL);
    }

    if (ngx_sg_random_b64(r->pool, 32, &state) != NGX_OK
        || ngx_sg_random_b64(r->pool, 32, &nonce) != NGX_OK
        || ngx_sg_random_b64(r->pool, 48, &verifier) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    challenge.data = ngx_pnalloc(r->pool, NGX_SG_SHA256_B64_LEN);
    if (challenge.data == NULL
        || ngx_sg_sha256_b64(verifier.data, verifier.len, challenge.data)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    challenge.len = NGX_SG_SHA256_B64_LEN;

    /*
     * The way back: this request's own path and query, never a host; or,
     * for a login that must step up, where that login was to go back to
     */

    if (back) {
        ret = *back;

    } else {
        ngx_sg_return_path(&r->unparsed_uri, &ret);
    }

    step_up = (ctx->status == NGX_HTTP_SG_STATUS_STEP_UP);

    /* a step-up keeps the session it is for, if it stays the same user */

    ngx_str_null(&prev);

    if (step_up && ctx->login_id.len) {
        prev = ctx->login_id;
    }

    /* state, nonce, verifier, return path (printable), expiry, session */

    plain.len = sizeof("{\"s\":\"\",\"n\":\"\",\"v\":\"\",\"r\":\"\","
                       "\"e\":,\"p\":\"\"}") - 1
                + state.len + nonce.len + verifier.len
                + ngx_escape_json(NULL, ret.data, ret.len) + ret.len
                + NGX_TIME_T_LEN
                + ngx_escape_json(NULL, prev.data, prev.len) + prev.len;

    plain.data = ngx_pnalloc(r->pool, plain.len);
    if (plain.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(plain.data, "{\"s\":\"%V\",\"n\":\"%V\",\"v\":\"%V\","
                    "\"r\":\"", &state, &nonce, &verifier);
    p = (u_char *) ngx_escape_json(p, ret.data, ret.len);
    p = ngx_sprintf(p, "\",\"e\":%T", ngx_time() + oc->login_time);

    if (prev.len) {
        p = ngx_cpymem(p, ",\"p\":\"", 6);
        p = (u_char *) ngx_escape_json(p, prev.data, prev.len);
        *p++ = '"';
    }

    *p++ = '}';

    plain.len = p - plain.data;

    if (ngx_http_sg_oidc_purpose(r, slcf, 1, &purpose) != NGX_OK
        || ngx_sg_seal(r->pool, oc->key, &purpose, &plain, &sealed) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_sg_oidc_set_cookie(r, oc,
                                &oc->state_cookie[ngx_http_sg_oidc_https(r)],
                                &sealed, oc->login_time)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_sg_oidc_absolute(r, &oc->redirect, &redirect_uri)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = 0;

    ngx_str_set(&params[n].name, "response_type");
    ngx_str_set(&params[n].value, "code");
    n++;

    ngx_str_set(&params[n].name, "client_id");
    params[n++].value = oc->client_id;

    ngx_str_set(&params[n].name, "redirect_uri");
    params[n++].value = redirect_uri;

    ngx_str_set(&params[n].name, "scope");
    params[n++].value = oc->scope;

    ngx_str_set(&params[n].name, "state");
    params[n++].value = state;

    ngx_str_set(&params[n].name, "nonce");
    params[n++].value = nonce;

    ngx_str_set(&params[n].name, "code_challenge");
    params[n++].value = challenge;

    ngx_str_set(&params[n].name, "code_challenge_method");
    ngx_str_set(&params[n].value, "S256");
    n++;

    if (step_up) {
        /* what session_guard_step_up or the requirement asks for */

        if (ngx_http_sg_step_up_params(r, slcf, ctx, &params[n], &k)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        n += k;
    }

    if (ngx_sg_redirect_url(r->pool, &authorize, params, n, &url)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (oc->params.len) {
        p = ngx_pnalloc(r->pool, url.len + 1 + oc->params.len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        url.data = ngx_cpymem(p, url.data, url.len);
        *url.data++ = '&';
        url.data = ngx_cpymem(url.data, oc->params.data, oc->params.len);
        url.len = url.data - p;
        url.data = p;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "session_guard: %s at the identity provider for \"%V\"",
                  step_up ? "step-up" : "login",
                  ngx_http_sg_log_str(r, &ret));

    return ngx_http_sg_oidc_location(r, &url);
}


/*
 * The logout path: the session revoked (if the cookie names one), the
 * cookie deleted, the browser sent to the provider's end_session
 * endpoint with client_id and post_logout_redirect_uri (OpenID Connect
 * RP-Initiated Logout 1.0), or straight to post_logout.
 */

static ngx_int_t
ngx_http_sg_oidc_logout(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    json_t                   *claims;
    ngx_int_t                 rc;
    ngx_str_t                 id, sub, after, url, end;
    const char               *reason;
    ngx_sg_param_t            params[2];
    ngx_http_sg_session_t     s;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;
    reason = NULL;

    rc = ngx_http_sg_oidc_open(r, slcf, &id, &claims, &reason);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK) {
        /* a live session only: an ended one was told of already */

        rc = ngx_http_sg_zone_find(slcf->zone, &id, 0, r->pool, &s);

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (rc == NGX_OK && !s.rec.revoked) {
        if (ngx_http_sg_zone_revoke_session(slcf->zone, &s,
                                            NGX_SG_REVOKED_LOGOUT, 0)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "session_guard: zone \"%V\" cannot store the "
                          "logout of session \"%V\"",
                          ngx_http_sg_zone_name(slcf->zone),
                          ngx_http_sg_log_str(r, &id));
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        (void) ngx_sg_json_string(claims, "sub", &sub);

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: edge login \"%V\" of \"%V\" logged out",
                      ngx_http_sg_log_str(r, &id),
                      ngx_http_sg_log_str(r, &sub));

        ngx_http_sg_session_ended(r, slcf, &id, &sub);
    }

    if (rc == NGX_OK && oc->tokens) {
        ngx_http_sg_tokens_delete(oc->tokens, &id);
    }

    if (ngx_http_sg_oidc_set_cookie(r, oc,
                                    &oc->cookie[ngx_http_sg_oidc_https(r)],
                                    NULL, 0)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->status = NGX_HTTP_SG_STATUS_ALLOW;
    ctx->reason = "logout";

    if (oc->post_logout.data[0] == '/') {
        if (ngx_http_sg_oidc_absolute(r, &oc->post_logout, &after)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

    } else {
        after = oc->post_logout;
    }

    rc = ngx_http_sg_oidc_endpoint(r, slcf, ctx,
                                   NGX_HTTP_SG_JWKS_END_SESSION, &end);

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    if (rc != NGX_OK) {
        /* none, or no document to tell: the local logout is done */
        return ngx_http_sg_oidc_location(r, &after);
    }

    ngx_str_set(&params[0].name, "client_id");
    params[0].value = oc->client_id;
    ngx_str_set(&params[1].name, "post_logout_redirect_uri");
    params[1].value = after;

    if (ngx_sg_redirect_url(r->pool, &end, params, 2, &url)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_sg_oidc_location(r, &url);
}


/*
 * The end of a login, after the session check of the way back: the
 * session cookie and a redirect to where the login began; a refusal
 * (a blocked subject, too many sessions, a risk service's deny) is an
 * error page.  Monitor mode refuses nothing.
 */

static ngx_int_t
ngx_http_sg_oidc_finish(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_int_t rc)
{
    u_char                   *p;
    time_t                    max_age;
    ngx_str_t                 plain, sealed, claims, rt, purpose;
    ngx_http_sg_oidc_req_t   *q;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;
    q = ctx->oidc;

    /*
     * The login itself must step up (a requirement of the way back's
     * location, a condition's step_up): back to the provider at once for a
     * fresh authentication of this session, once; a provider that comes
     * back without one gets the page, not a loop.
     */

    if (rc == NGX_HTTP_UNAUTHORIZED && !slcf->monitor
        && ctx->status == NGX_HTTP_SG_STATUS_STEP_UP
        && !(q->prev.len == q->id.len
             && ngx_strncmp(q->prev.data, q->id.data, q->id.len) == 0))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: the login of \"%V\" must step up: %s",
                      ngx_http_sg_log_str(r, &ctx->session.sub),
                      ctx->reason ? ctx->reason : "step-up");

        return ngx_http_sg_oidc_login(r, slcf, ctx, &q->ret);
    }

    /* the pre-login cookie has served, whatever comes */

    if (ngx_http_sg_oidc_set_cookie(r, oc,
                                &oc->state_cookie[ngx_http_sg_oidc_https(r)],
                                NULL, 0)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_HTTP_INTERNAL_SERVER_ERROR
        || rc == NGX_HTTP_SERVICE_UNAVAILABLE)
    {
        return rc;
    }

    if (rc != NGX_OK && !slcf->monitor) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: login of \"%V\" refused: %s",
                      ngx_http_sg_log_str(r, &ctx->session.sub),
                      ctx->reason ? ctx->reason : "refused");

        return ngx_http_sg_oidc_page(r,
                                     rc == NGX_HTTP_FORBIDDEN
                                     ? NGX_HTTP_FORBIDDEN
                                     : NGX_HTTP_UNAUTHORIZED,
                                     "The sign-in was refused by policy.",
                                     NULL);
    }

    if (ngx_sg_json_dump(r->pool, q->claims, &claims) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    plain.len = sizeof("{\"i\":\"\",\"c\":}") - 1
                + ngx_escape_json(NULL, q->id.data, q->id.len) + q->id.len
                + claims.len;

    plain.data = ngx_pnalloc(r->pool, plain.len);
    if (plain.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(plain.data, "{\"i\":\"", 6);
    p = (u_char *) ngx_escape_json(p, q->id.data, q->id.len);
    p = ngx_cpymem(p, "\",\"c\":", 6);
    p = ngx_cpymem(p, claims.data, claims.len);
    *p++ = '}';

    plain.len = p - plain.data;

    if (ngx_http_sg_oidc_purpose(r, slcf, 0, &purpose) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_sg_seal(r->pool, oc->key, &purpose, &plain, &sealed);

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: the login's claims do not fit in a "
                      "cookie of %d bytes: keep fewer (\"claims=\")",
                      NGX_SG_SEAL_MAX);
        return ngx_http_sg_oidc_page(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                     "The sign-in cannot be kept.", NULL);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* tokens=: kept server-side for the session's requests */

    if (oc->tokens) {
        ngx_str_null(&rt);

        if (oc->refresh) {
            rt = q->refresh_token;
        }

        if (ngx_http_sg_tokens_put(oc->tokens, &q->id, &q->access,
                                   q->access_exp, &rt,
                                   ctx->session.rec.expires
                                   ? ctx->session.rec.expires
                                   : ngx_time()
                                     + ngx_http_sg_zone_max_lifetime(
                                                                slcf->zone))
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "session_guard: the token zone cannot keep the "
                          "tokens of a login, login refused");
            return ngx_http_sg_oidc_page(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                         "The sign-in cannot be kept.",
                                         NULL);
        }
    }

    /* persistent: as long as the session may live; else the browser's */

    max_age = 0;

    if (oc->persistent && ctx->has_session
        && ctx->session.rec.cookie_mode != NGX_SG_COOKIE_NON_PERSISTENT)
    {
        max_age = ctx->session.rec.expires
                  ? ctx->session.rec.expires - ngx_time()
                  : ngx_http_sg_zone_max_lifetime(slcf->zone);

        if (max_age <= 0) {
            max_age = 1;
        }
    }

    if (ngx_http_sg_oidc_set_cookie(r, oc,
                                    &oc->cookie[ngx_http_sg_oidc_https(r)],
                                    &sealed, max_age)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "session_guard: edge login \"%V\" of \"%V\" %s",
                  ngx_http_sg_log_str(r, &q->id),
                  ngx_http_sg_log_str(r, &ctx->session.sub),
                  ctx->created ? "begun" : "authenticated again");

    return ngx_http_sg_oidc_location(r, &q->ret);
}


/*
 * The authorization or end_session endpoint: configured, or from the
 * provider's discovery document (session_guard_jwks_fetch discover=).
 * NGX_OK; NGX_DECLINED none; NGX_AGAIN the document is fetched first (the
 * phase runs again); NGX_ERROR it cannot be had (logged).
 */

static ngx_int_t
ngx_http_sg_oidc_endpoint(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_uint_t which, ngx_str_t *url)
{
    ngx_int_t                 rc;
    ngx_str_t                 kid;
    ngx_uint_t                generation;
    ngx_array_t              *keys;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;

    *url = (which == NGX_HTTP_SG_JWKS_AUTHORIZE) ? oc->authorize
                                                 : oc->end_session;

    if (url->len) {
        return NGX_OK;
    }

    if (slcf->fetch == NULL || slcf->fetch->discover.len == 0) {
        return NGX_DECLINED;
    }

    if (ctx->jwks_wait == NULL) {
        rc = ngx_http_sg_jwks_endpoint(slcf->fetch, which, url);

        if (rc != NGX_AGAIN) {
            return rc;
        }
    }

    /*
     * No document in this worker yet: the key fetch brings one.  A
     * request that started the fetch sees it through (the keys come after
     * the document), or the others would wait for keys in vain.
     */

    ngx_str_null(&kid);

    rc = ngx_http_sg_jwks_keys(r, slcf->fetch, ctx, &kid, &keys,
                               &generation);

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    if (rc == NGX_OK) {
        rc = ngx_http_sg_jwks_endpoint(slcf->fetch, which, url);

        if (rc != NGX_AGAIN) {
            return rc;
        }
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "session_guard: no discovery document from \"%V\" for "
                  "the login", &slcf->fetch->discover);

    return NGX_ERROR;
}


static ngx_uint_t
ngx_http_sg_oidc_is(ngx_http_request_t *r, ngx_str_t *path)
{
    return r->uri.len == path->len
           && ngx_strncmp(r->uri.data, path->data, path->len) == 0;
}
