
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The ACCESS-phase handler: extract the credential, verify it (through the
 * verified-token cache), check claims and requirements, answer.
 *
 * Contract (as for every access module): NGX_DECLINED when the guard is
 * off here, NGX_OK to allow, 401/403 to deny (with WWW-Authenticate set so
 * that "satisfy any" can still let another module allow), 500 on internal
 * failure.  It never allows on an error path.
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_verdict(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t rc);
static ngx_int_t ngx_http_sg_token_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_get_token(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *token);
static ngx_int_t ngx_http_sg_verify(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *token);
static ngx_int_t ngx_http_sg_requirements(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_check_requires(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf);


ngx_int_t
ngx_http_sg_access_handler(ngx_http_request_t *r)
{
    ngx_int_t                 rc;
    ngx_http_sg_ctx_t        *ctx;
    ngx_http_sg_loc_conf_t   *slcf;
    ngx_http_sg_jwks_wait_t  *wait;
    ngx_http_sg_oidc_req_t   *oidc;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    if (!slcf->enable) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_session_guard_module);

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_ctx_t));
        if (ctx == NULL) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: out of memory");
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_set_ctx(r, ctx, ngx_http_session_guard_module);
    }

    if (ngx_http_sg_service_resuming(ctx)) {
        /*
         * Back from a risk service, or still waiting for it: the checks
         * made before it was asked stand (a DPoP proof's jti is already
         * spent), their outcome is in the ctx.
         */
        goto session;
    }

    /*
     * A fresh decision each time the phase runs; only the wait for
     * fetched keys (ngx_http_sg_jwks.c) outlives a run.
     */

    wait = ctx->jwks_wait;
    oidc = ctx->oidc;
    ngx_memzero(ctx, sizeof(ngx_http_sg_ctx_t));
    ctx->jwks_wait = wait;
    ctx->oidc = oidc;

    /* an address with too many failures: refused before any work */

    rc = ngx_http_sg_throttle_address(r, slcf, ctx);

    if (rc != NGX_OK) {
        return ngx_http_sg_verdict(r, slcf, ctx, rc);
    }

    /* a cookie the token or the key is read from, sent twice: refused */

    rc = ngx_http_sg_cookie_guard(r, slcf, ctx);

    if (rc != NGX_OK) {
        return ngx_http_sg_verdict(r, slcf, ctx, rc);
    }

    if (slcf->oidc) {
        /* the edge's own login (ngx_http_sg_oidc.c) in place of a token */

        rc = ngx_http_sg_oidc_check(r, slcf, ctx);

        if (rc == NGX_AGAIN || rc == NGX_DONE || ctx->answered) {
            /*
             * the token endpoint or the keys are waited for; answered by
             * the edge's login itself (its logout, its way back), monitor
             * mode or not
             */
            return rc;
        }

        if (rc == NGX_OK) {
            /* the login's claims meet session_guard_require as a token's */
            rc = ngx_http_sg_requirements(r, slcf, ctx);
        }

        if (rc != NGX_OK) {
            return ngx_http_sg_verdict(r, slcf, ctx, rc);
        }

    } else if (slcf->tokens) {
        rc = ngx_http_sg_token_check(r, slcf, ctx);

        if (rc == NGX_AGAIN) {
            /* keys are being fetched: the phase runs again after that */
            return NGX_AGAIN;
        }

        if (rc != NGX_OK) {
            return ngx_http_sg_verdict(r, slcf, ctx, rc);
        }
    }

session:

    rc = ngx_http_sg_session_check(r, slcf, ctx);

    if (rc == NGX_AGAIN) {
        /* a risk service is asked: the phase runs again after */
        return NGX_AGAIN;
    }

    if (rc == NGX_DECLINED) {
        /* no zone here, or no session key and "missing=pass" */
        ctx->status = NGX_HTTP_SG_STATUS_ALLOW;
        rc = NGX_OK;

    } else if (rc == NGX_OK) {

        switch (ctx->status) {

        case NGX_HTTP_SG_STATUS_ALLOW:
            break;

        case NGX_HTTP_SG_STATUS_REVOKED:
        case NGX_HTTP_SG_STATUS_EXPIRED:
        case NGX_HTTP_SG_STATUS_INVALID:
        case NGX_HTTP_SG_STATUS_STEP_UP:
            rc = NGX_HTTP_UNAUTHORIZED;
            break;

        default: /* DENY, LIMITED, BLOCKED */
            rc = NGX_HTTP_FORBIDDEN;
            break;
        }
    }

    return ngx_http_sg_verdict(r, slcf, ctx, rc);
}


/*
 * The answer: allow, or deny with the right challenge.  In monitor mode
 * the module neither grants nor refuses (NGX_DECLINED lets the other
 * access modules decide) and the would-be status is kept for variables
 * and logs.
 */

static ngx_int_t
ngx_http_sg_verdict(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_int_t rc)
{
    ngx_int_t    rc_oidc;
    const char  *error;

    /* session_guard_require_auth, session_guard_logout (ngx_http_sg_edge.c) */
    rc = ngx_http_sg_edge_check(r, slcf, ctx, rc);

    /* allowed after all: the user's memory learns the context */
    ngx_http_sg_learn(r, slcf, ctx);

    /* session_guard_metrics: every verdict is counted in the zone */
    ngx_http_sg_metrics_count(slcf, ctx);

    /* session_guard_throttle: a refused credential counts, also here */
    ngx_http_sg_throttle_count(r, slcf, ctx);

    if (slcf->oidc) {
        /* the end of a login; a browser sent to log in */

        rc_oidc = ngx_http_sg_oidc_answer(r, slcf, ctx, rc);

        if (rc_oidc != NGX_DECLINED) {
            return rc_oidc;
        }
    }

    if (slcf->monitor) {
        ctx->monitor = 1;
        return NGX_DECLINED;
    }

    if (rc == NGX_OK || rc == NGX_HTTP_INTERNAL_SERVER_ERROR
        || rc == NGX_HTTP_SERVICE_UNAVAILABLE)
    {
        return rc;
    }

    if (ctx->status == NGX_HTTP_SG_STATUS_THROTTLED) {
        /* no challenge, no redirect: nothing to do but wait */
        return ngx_http_sg_throttle_answer(r, ctx, rc);
    }

    /* browsers get redirects; an ended session's cookie is deleted */

    if (ngx_http_sg_edge_answer(r, slcf, ctx, &rc) == NGX_OK) {
        return rc;
    }

    switch (ctx->status) {

    case NGX_HTTP_SG_STATUS_MISSING:
        error = NULL;
        break;

    case NGX_HTTP_SG_STATUS_STEP_UP:
        return ngx_http_sg_step_up_challenge(r, slcf);

    case NGX_HTTP_SG_STATUS_DENY:
        error = (rc == NGX_HTTP_FORBIDDEN) ? "insufficient_scope"
                                           : "invalid_token";
        break;

    case NGX_HTTP_SG_STATUS_LIMITED:
    case NGX_HTTP_SG_STATUS_BLOCKED:
        error = "insufficient_scope";
        break;

    default:
        error = "invalid_token";
        break;
    }

    if (!slcf->tokens) {
        /* an application's session cookie: no bearer scheme to offer */
        return rc;
    }

    if (slcf->dpop.mode == NGX_HTTP_SG_SENDER_OFF) {
        return ngx_http_sg_bearer_challenge(r, slcf, rc, error);
    }

    /*
     * DPoP (RFC 9449 7.1, 7.2): the scheme the request used, with its own
     * error code; "optional" offers both schemes to a bearer request.
     */

    if (slcf->dpop.mode == NGX_HTTP_SG_SENDER_OPTIONAL
        && ctx->scheme != NGX_HTTP_SG_SCHEME_DPOP)
    {
        rc = ngx_http_sg_bearer_challenge(r, slcf, rc, error);
        if (rc == NGX_HTTP_INTERNAL_SERVER_ERROR) {
            return rc;
        }

        error = NULL;

    } else if (ctx->error && ctx->status == NGX_HTTP_SG_STATUS_INVALID) {
        error = ctx->error;
    }

    return ngx_http_sg_dpop_challenge(r, slcf, rc, error);
}


/*
 * The token: NGX_OK when it is accepted (ctx->verified), else the status
 * to answer with, ctx->status and ctx->reason set.
 */

static ngx_int_t
ngx_http_sg_token_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_int_t  rc;
    ngx_str_t  token;

    rc = ngx_http_sg_get_token(r, slcf, ctx, &token);

    if (rc == NGX_ERROR) {
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "internal error";

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: cannot evaluate the token source");

        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        ctx->status = NGX_HTTP_SG_STATUS_MISSING;
        ctx->reason = "no token";

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: no token");

        return NGX_HTTP_UNAUTHORIZED;
    }

    rc = ngx_http_sg_verify(r, slcf, ctx, &token);

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    if (rc == NGX_OK) {
        ctx->authentic = 1;

        /* a subject with too many failures: refused */

        rc = ngx_http_sg_throttle_subject(r, slcf, ctx);

        if (rc != NGX_OK) {
            return rc;
        }

        /* sender constraints: a DPoP proof, a client certificate */
        rc = ngx_http_sg_sender_check(r, slcf, ctx, &token);
    }

    if (rc == NGX_ERROR) {
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;

        /* an error logged where it happened keeps its reason and line */

        if (!ctx->error_logged) {
            ctx->reason = "internal error";

            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: internal error while verifying "
                          "a token");
        }

        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        ctx->status = NGX_HTTP_SG_STATUS_INVALID;

        if (ctx->reason == NULL) {
            ctx->reason = "invalid token";
        }

        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: token rejected: \"%s\"", ctx->reason);

        return NGX_HTTP_UNAUTHORIZED;
    }

    ctx->verified = 1;

    return ngx_http_sg_requirements(r, slcf, ctx);
}


/* session_guard_require on the verified claims: NGX_OK, or the status */

static ngx_int_t
ngx_http_sg_requirements(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_sg_check_requires(r, slcf);

    if (rc == NGX_ERROR) {
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "internal error";

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: cannot evaluate a requirement");

        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK) {
        ctx->status = NGX_HTTP_SG_STATUS_DENY;
        ctx->reason = "requirement not met";

        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: token rejected: \"%s\"", ctx->reason);

        return rc;
    }

    return NGX_OK;
}


/*
 * NGX_OK with the token, NGX_DECLINED when the request carries none (the
 * caller answers with a bare challenge), NGX_ERROR on internal failure.
 */

static ngx_int_t
ngx_http_sg_get_token(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *token)
{
    u_char     *p, *last;
    ngx_str_t   value;

    if (slcf->token) {
        if (ngx_http_complex_value(r, slcf->token, &value) != NGX_OK) {
            return NGX_ERROR;
        }

    } else if (r->headers_in.authorization) {
        value = r->headers_in.authorization->value;

    } else {
        return NGX_DECLINED;
    }

    p = value.data;
    last = p + value.len;

    while (last > p && last[-1] == ' ') {
        last--;
    }

    value.len = last - p;

    /*
     * The Authorization header must use the Bearer scheme (RFC 6750); any
     * other scheme is no bearer credential.  A configured source may also
     * carry a scheme: "Bearer" is stripped, and a value with another
     * scheme (a word, then a space: a JWT holds no space) is no credential
     * either, so that "session_guard_token $http_authorization" behaves
     * like the default.
     */

    if (value.len >= 6 && ngx_strncasecmp(p, (u_char *) "Bearer", 6) == 0
        && (value.len == 6 || p[6] == ' '))
    {
        p += 6;
        ctx->scheme = NGX_HTTP_SG_SCHEME_BEARER;

        while (p < last && *p == ' ') {
            p++;
        }

    } else if (slcf->dpop.mode != NGX_HTTP_SG_SENDER_OFF
               && value.len >= 4
               && ngx_strncasecmp(p, (u_char *) "DPoP", 4) == 0
               && (value.len == 4 || p[4] == ' '))
    {
        /* RFC 9449 7.1; the proof is checked once the token is valid */
        p += 4;
        ctx->scheme = NGX_HTTP_SG_SCHEME_DPOP;

        while (p < last && *p == ' ') {
            p++;
        }

    } else if (slcf->token == NULL
               || ngx_strlchr(p, last, ' ') != NULL)
    {
        return NGX_DECLINED;
    }

    if (p == last) {
        return NGX_DECLINED;
    }

    token->data = p;
    token->len = last - p;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_verify(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *token)
{
    void                     *identity;
    time_t                    exp;
    uint32_t                  hash;
    ngx_int_t                 rc, hit;
    ngx_uint_t                generation, hashed;
    ngx_array_t              *keys;
    const char               *reason;
    ngx_sg_jws_t             *jws;
    ngx_sg_claims_rules_t     rules;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    jws = &ctx->jws;
    reason = NULL;

    if (token->len > slcf->max_token_size) {
        ctx->reason = "token too large";
        return NGX_DECLINED;
    }

    /*
     * The cache's key-set identity: the key files, or for fetched keys the
     * fetch and the generation of the worker's current set (0 when it has
     * none, or a refresh is due: then the token takes the whole way, which
     * gets the keys and may start or wait for a fetch).
     */

    if (slcf->fetch) {
        keys = NULL;
        identity = slcf->fetch;
        generation = ngx_http_sg_jwks_current(slcf->fetch);

    } else {
        keys = slcf->keys;
        identity = keys;
        generation = 0;
    }

    /*
     * A hit (NGX_OK) gives the decoded claims of the token, accepted
     * before with these keys and algorithms: no decoding, no signature.
     */

    hit = NGX_DECLINED;
    hash = 0;
    hashed = 0;

    if (smcf->cache.size && (slcf->fetch == NULL || generation)) {
        hash = ngx_murmur_hash2(token->data, token->len);
        hashed = 1;

        hit = ngx_http_sg_cache_lookup(&smcf->cache, r->pool, token, hash,
                                       identity, generation,
                                       slcf->algorithms, ngx_time(), jws);
        if (hit == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    ctx->cache = smcf->cache.size == 0 ? NGX_HTTP_SG_CACHE_BYPASS
                 : hit == NGX_DECLINED ? NGX_HTTP_SG_CACHE_MISS
                                       : NGX_HTTP_SG_CACHE_HIT;

    if (hit == NGX_OK) {
        jws->raw = *token;

    } else {
        rc = ngx_sg_jws_parse(r->pool, token, NGX_SG_JWS_JSON_PAYLOAD, jws,
                              &reason);
        if (rc != NGX_OK) {
            ctx->reason = reason;
            return rc;
        }

        if (!(slcf->algorithms & ((ngx_uint_t) 1 << jws->alg->id))) {
            ctx->reason = "alg not allowed";
            return NGX_DECLINED;
        }
    }

    if (hit == NGX_DECLINED) {

        /*
         * Fetched keys: the worker's current set and its generation; this
         * may start or wait for a fetch (NGX_AGAIN), or find no keys at
         * all (NGX_ERROR, logged there: never fail open).
         */

        if (slcf->fetch) {
            rc = ngx_http_sg_jwks_keys(r, slcf->fetch, ctx, &jws->kid, &keys,
                                       &generation);
            if (rc == NGX_AGAIN) {
                return NGX_AGAIN;
            }

            if (rc != NGX_OK) {
                /* logged there, with the fetch's last error */
                ctx->reason = "no keys";
                ctx->error_logged = 1;
                return NGX_ERROR;
            }
        }

        rc = ngx_sg_jws_verify_keys(jws, keys->elts, keys->nelts,
                                    slcf->algorithms, &reason);
        if (rc != NGX_OK) {
            ctx->reason = reason;
            return rc;
        }
    }

    rules.now = ngx_time();
    rules.leeway = slcf->leeway;
    rules.issuer = slcf->issuer;
    rules.audiences = slcf->audiences;
    rules.typ = slcf->typ;

    rc = ngx_sg_claims_check(jws, &rules, &reason);
    if (rc != NGX_OK) {
        ctx->reason = reason;
        return rc;
    }

    if (hit == NGX_DECLINED
        && smcf->cache.size
        && ngx_sg_json_time(json_object_get(jws->payload, "exp"), &exp)
           == NGX_OK)
    {
        if (!hashed) {
            hash = ngx_murmur_hash2(token->data, token->len);
        }

        /* leeway included: the claims check accepts it that long */
        ngx_http_sg_cache_insert(&smcf->cache, token, hash, identity,
                                 generation, slcf->algorithms,
                                 exp + slcf->leeway, jws);
        hashed = 1;
    }

    if (ctx->scheme == NGX_HTTP_SG_SCHEME_DPOP) {

        /*
         * The "ath" a DPoP proof must carry for this token: kept with the
         * token's cache entry, so that it is hashed once, not per proof
         */

        if (!hashed && smcf->cache.size) {
            hash = ngx_murmur_hash2(token->data, token->len);
        }

        ctx->token_ath.data = ngx_pnalloc(r->pool, NGX_SG_SHA256_B64_LEN);
        if (ctx->token_ath.data == NULL) {
            return NGX_ERROR;
        }

        if (ngx_http_sg_cache_ath(&smcf->cache, token, hash,
                                  ctx->token_ath.data)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ctx->token_ath.len = NGX_SG_SHA256_B64_LEN;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "session_guard: token accepted, alg \"%V\"%s",
                   &jws->alg->name,
                   hit == NGX_DECLINED ? "" : " (cached)");

    return NGX_OK;
}


/*
 * Each "session_guard_require" holds values that must all be non-empty and
 * not "0".  Returns NGX_OK, the configured status of the first failing
 * requirement, or NGX_ERROR.
 */

static ngx_int_t
ngx_http_sg_check_requires(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf)
{
    ngx_str_t                  value;
    ngx_uint_t                 i, j;
    ngx_http_sg_require_t     *rq;
    ngx_http_complex_value_t  *cv;

    if (slcf->requires == NULL) {
        return NGX_OK;
    }

    rq = slcf->requires->elts;

    for (i = 0; i < slcf->requires->nelts; i++) {
        cv = rq[i].values->elts;

        for (j = 0; j < rq[i].values->nelts; j++) {
            if (ngx_http_complex_value(r, &cv[j], &value) != NGX_OK) {
                return NGX_ERROR;
            }

            if (value.len == 0 || (value.len == 1 && value.data[0] == '0')) {
                return rq[i].status;
            }
        }
    }

    return NGX_OK;
}
