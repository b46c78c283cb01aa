
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Logout token validation (OpenID Connect Back-Channel Logout 1.0, 2.6).
 *
 * Return contract: NGX_OK valid, NGX_DECLINED invalid (reason set),
 * NGX_ERROR internal failure.  Limits and reasons: see ngx_sg_logout.h.
 *
 * The signature is checked before any claim is looked at, so that what an
 * unauthenticated sender puts in the payload decides nothing but the
 * refusal's reason.  The replay check on "jti" needs shared state and is
 * the caller's (ngx_http_sg_logout.c), as is the effect.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_logout.h"


static ngx_int_t ngx_sg_logout_typ(ngx_sg_jws_t *jws,
    ngx_sg_logout_policy_t *policy, const char **reason);
static ngx_int_t ngx_sg_logout_claims(json_t *payload,
    ngx_sg_logout_token_t *token, const char **reason);


ngx_int_t
ngx_sg_logout_validate(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_logout_policy_t *policy, ngx_sg_logout_token_t *token,
    const char **reason)
{
    ngx_int_t               rc;
    ngx_uint_t              nkeys;
    ngx_sg_key_t           *keys;
    ngx_sg_jws_t            jws;
    ngx_sg_claims_rules_t   rules;

    ngx_memzero(token, sizeof(ngx_sg_logout_token_t));

    /* "alg": present, known, never "none"; no "crit" */

    rc = ngx_sg_jws_parse(pool, text, NGX_SG_JWS_JSON_PAYLOAD, &jws,
                          reason);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_sg_logout_typ(&jws, policy, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    if (policy->keys) {
        keys = policy->keys->elts;
        nkeys = policy->keys->nelts;

    } else {
        keys = NULL;
        nkeys = 0;
    }

    rc = ngx_sg_jws_verify_keys(&jws, keys, nkeys,
                                policy->algorithms
                                & NGX_SG_ALG_MASK_ASYMMETRIC,
                                reason);
    if (rc != NGX_OK) {
        return rc;
    }

    /* iss, aud, exp (required), iat, nbf */

    ngx_memzero(&rules, sizeof(ngx_sg_claims_rules_t));

    rules.now = policy->now;
    rules.leeway = policy->leeway;
    rules.issuer = policy->issuer;
    rules.audiences = policy->audiences;

    rc = ngx_sg_claims_check(&jws, &rules, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sg_logout_claims(jws.payload, token, reason);
}


/* typ: "logout+jwt" accepted, optionally required; "JWT" tolerated */

static ngx_int_t
ngx_sg_logout_typ(ngx_sg_jws_t *jws, ngx_sg_logout_policy_t *policy,
    const char **reason)
{
    static ngx_str_t  logout_jwt = ngx_string("logout+jwt");
    static ngx_str_t  jwt = ngx_string("JWT");

    if (jws->typ.len) {
        if (!ngx_sg_typ_is(&jws->typ, &logout_jwt)
            && (policy->typ_required || !ngx_sg_typ_is(&jws->typ, &jwt)))
        {
            *reason = "typ mismatch";
            return NGX_DECLINED;
        }

    } else if (policy->typ_required) {
        *reason = "missing typ";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* what a logout token has beyond an ordinary JWT, on a verified payload */

static ngx_int_t
ngx_sg_logout_claims(json_t *payload, ngx_sg_logout_token_t *token,
    const char **reason)
{
    json_t  *events, *event;

    if (json_object_get(payload, "iat") == NULL) {
        *reason = "missing iat";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_string(payload, "jti", &token->jti) != NGX_OK
        || token->jti.len == 0)
    {
        *reason = "missing jti";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_string(payload, "sid", &token->sid) != NGX_OK) {
        *reason = "malformed sid";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_string(payload, "sub", &token->sub) != NGX_OK) {
        *reason = "malformed sub";
        return NGX_DECLINED;
    }

    if (token->sid.len == 0 && token->sub.len == 0) {
        *reason = "neither sub nor sid";
        return NGX_DECLINED;
    }

    events = json_object_get(payload, "events");

    if (!json_is_object(events)) {
        *reason = "missing events";
        return NGX_DECLINED;
    }

    event = json_object_get(events, NGX_SG_LOGOUT_EVENT);

    if (event == NULL) {
        *reason = "no back-channel logout event";
        return NGX_DECLINED;
    }

    if (!json_is_object(event)) {
        *reason = "logout event not an object";
        return NGX_DECLINED;
    }

    if (json_object_get(payload, "nonce") != NULL) {
        *reason = "nonce present";
        return NGX_DECLINED;
    }

    /* ngx_sg_claims_check() required it and found it in range */

    if (ngx_sg_json_time(json_object_get(payload, "exp"), &token->exp)
        != NGX_OK)
    {
        *reason = "malformed claim";
        return NGX_DECLINED;
    }

    return NGX_OK;
}
