
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_LOGOUT_H_INCLUDED_
#define _NGX_SG_LOGOUT_H_INCLUDED_


/*
 * Logout tokens as OpenID Connect Back-Channel Logout 1.0 (errata set 1),
 * section 2.6, asks a relying party to validate them, without nginx's
 * HTTP layer: the receiving end (form body, zone, replay store, answers)
 * is ngx_http_sg_logout.c.
 *
 * Return contract of ngx_sg_logout_validate():
 *     NGX_OK        valid: "token" filled;
 *     NGX_DECLINED  invalid: "reason" set to a short static string;
 *     NGX_ERROR     internal failure (memory, OpenSSL) or a policy out of
 *                   range (a negative "now" or "leeway"); never "valid".
 *
 * Hard limits: a token of at most NGX_SG_TOKEN_MAX_SIZE bytes, JSON nested
 * at most NGX_SG_JSON_MAX_DEPTH deep, a kid of at most NGX_SG_KID_MAX_LEN
 * bytes (ngx_sg_jws_parse()); anything beyond is invalid, never truncated.
 * "sid", "sub" and "jti" may be of any length: the caller names a long
 * one by its digest.  Only asymmetric algorithms verify, whatever the
 * policy's mask holds (a shared secret would let the relying party forge
 * its own logouts).
 *
 * The checks, in this order, and their reasons (stable: they reach the
 * error log):
 *     the compact JWS         the reasons of ngx_sg_jws_parse();
 *     typ                     "typ mismatch" (neither "logout+jwt" nor,
 *                             unless typ_required, "JWT"), "missing typ"
 *                             (typ_required);
 *     signature               the reasons of ngx_sg_jws_verify_keys();
 *     iss, aud, exp, nbf, iat the reasons of ngx_sg_claims_check();
 *     iat                     "missing iat";
 *     jti                     "missing jti" (absent, empty, not a string);
 *     sid, sub                "malformed sid", "malformed sub" (empty or
 *                             not a string), "neither sub nor sid";
 *     events                  "missing events" (absent or not an object),
 *                             "no back-channel logout event",
 *                             "logout event not an object";
 *     nonce                   "nonce present".
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"


#define NGX_SG_LOGOUT_EVENT                                                   \
    "http://schemas.openid.net/event/backchannel-logout"


typedef struct {
    ngx_str_t                  issuer;     /* required "iss" */
    ngx_array_t               *audiences;  /* ngx_str_t, one must match */
    ngx_array_t               *keys;       /* ngx_sg_key_t */
    ngx_uint_t                 algorithms; /* NGX_SG_ALG_* mask */
    time_t                     leeway;     /* for exp, nbf and iat */
    ngx_uint_t                 typ_required;
    time_t                     now;        /* set per token */
} ngx_sg_logout_policy_t;


/* a valid logout token; the strings point into the pool's JSON */
typedef struct {
    ngx_str_t                  sid;        /* empty if absent */
    ngx_str_t                  sub;        /* empty if absent */
    ngx_str_t                  jti;        /* never empty */
    time_t                     exp;
} ngx_sg_logout_token_t;


/* the compact JWS "text" against policy; memory from pool */
ngx_int_t ngx_sg_logout_validate(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_logout_policy_t *policy, ngx_sg_logout_token_t *token,
    const char **reason);


#endif /* _NGX_SG_LOGOUT_H_INCLUDED_ */
