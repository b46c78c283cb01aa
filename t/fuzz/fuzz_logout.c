
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Back-channel logout tokens through ngx_sg_logout_validate().  The first
 * input byte b picks the mode (b % 4) and the policy:
 *
 *   0  the rest is a whole token, checked with the keys of keys.jwks and
 *      one made at start-up (the t/data tokens are seeds);
 *   1  the rest is the payload JSON of a token signed here with that key
 *      (fuzz_sign.h), under one of four headers ((b / 8) % 4: no typ,
 *      "logout+jwt", "JWT", "at+jwt"), so that mutated claims get past
 *      the signature;
 *   2  the rest is the protected header JSON, signed with the same key
 *      over a fixed valid payload;
 *   3  as 1, but signed HS256 with the RFC 7515 A.1 secret, one of the
 *      policy's keys;
 *
 * and (b / 4) % 2 sets typ_required.  The policy's mask holds every
 * algorithm: HMAC must be refused all the same.  A valid token must have
 * been signed with an asymmetric algorithm, have a jti, a sid or a sub,
 * an unexpired exp, the logout event and no nonce, and, when required,
 * typ "logout+jwt".
 */


#include "fuzz_keys.h"
#include "fuzz_sign.h"
#include "ngx_sg_logout.h"

#include <openssl/hmac.h>


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngx_str_t sg_fuzz_hs256(ngx_pool_t *pool, ngx_str_t *payload,
    ngx_uint_t typ);
static void sg_fuzz_check(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_logout_policy_t *policy, ngx_sg_logout_token_t *token);


#define SG_FUZZ_NOW  1700000000

static ngx_str_t  sg_fuzz_auds[] = {
    ngx_string("rp1"),
    ngx_string("rp2")
};

static const char  *sg_fuzz_typs[] = {
    "", ",\"typ\":\"logout+jwt\"", ",\"typ\":\"JWT\"", ",\"typ\":\"at+jwt\""
};

static const char  *sg_fuzz_headers[] = {
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\"}",
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\",\"typ\":\"logout+jwt\"}",
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\",\"typ\":\"JWT\"}",
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\",\"typ\":\"at+jwt\"}"
};

static char  sg_fuzz_payload[] =
    "{\"iss\":\"https://idp.example\",\"aud\":\"rp1\","
    "\"iat\":1700000000,\"exp\":1700000600,\"jti\":\"j-1\","
    "\"sid\":\"s-1\",\"sub\":\"u-1\",\"events\":{"
    "\"" NGX_SG_LOGOUT_EVENT "\":{}}}";


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int          n;
    char         jwk[256];
    const char  *reason;

    ngx_sg_json_init();
    sg_fuzz_load_keys();
    sg_fuzz_sign_init();

    n = snprintf(jwk, sizeof(jwk),
                 "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"fuzz\","
                 "\"x\":\"%s\",\"y\":\"%s\"}", sg_fuzz_x, sg_fuzz_y);

    reason = NULL;

    if (n <= 0 || (size_t) n >= sizeof(jwk)
        || ngx_sg_jwks_import(sg_fuzz_key_pool, &sg_fuzz_log, (u_char *) jwk,
                              n, sg_fuzz_keys, &reason)
           != NGX_OK)
    {
        fprintf(stderr, "fuzz key: %s\n", reason ? reason : "error");
        abort();
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t                rc;
    ngx_str_t                text, header, payload;
    ngx_pool_t              *pool;
    ngx_array_t              auds;
    const char              *reason;
    ngx_sg_logout_token_t    token;
    ngx_sg_logout_policy_t   policy;

    if (size == 0) {
        return 0;
    }

    pool = sg_fuzz_pool();

    switch (data[0] % 4) {

    case 0:
        text = sg_fuzz_str(pool, data + 1, size - 1);
        break;

    case 1:
        header.data = (u_char *) sg_fuzz_headers[(data[0] / 8) % 4];
        header.len = strlen((char *) header.data);
        payload = sg_fuzz_str(pool, data + 1, size - 1);
        text = sg_fuzz_sign(pool, &header, &payload);
        break;

    case 2:
        header = sg_fuzz_str(pool, data + 1, size - 1);
        payload.data = (u_char *) sg_fuzz_payload;
        payload.len = sizeof(sg_fuzz_payload) - 1;
        text = sg_fuzz_sign(pool, &header, &payload);
        break;

    default:
        payload = sg_fuzz_str(pool, data + 1, size - 1);
        text = sg_fuzz_hs256(pool, &payload, (data[0] / 8) % 4);
        break;
    }

    auds.elts = sg_fuzz_auds;
    auds.nelts = 2;
    auds.size = sizeof(ngx_str_t);
    auds.nalloc = 2;
    auds.pool = pool;

    ngx_memzero(&policy, sizeof(ngx_sg_logout_policy_t));

    ngx_str_set(&policy.issuer, "https://idp.example");
    policy.audiences = &auds;
    policy.keys = sg_fuzz_keys;
    policy.algorithms = SG_FUZZ_ALL_ALGS;
    policy.leeway = 30;
    policy.typ_required = (data[0] / 4) % 2;
    policy.now = SG_FUZZ_NOW;

    reason = NULL;

    rc = ngx_sg_logout_validate(pool, &text, &policy, &token, &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_DONE || (rc == NGX_DECLINED && reason == NULL)) {
        abort();
    }

    if (rc == NGX_OK) {
        sg_fuzz_check(pool, &text, &policy, &token);
    }

    ngx_destroy_pool(pool);

    return 0;
}


/* HS256 with the first oct key of keys.jwks (RFC 7515 A.1's) */

static ngx_str_t
sg_fuzz_hs256(ngx_pool_t *pool, ngx_str_t *payload, ngx_uint_t typ)
{
    u_char         *p, mac[32];
    size_t          n;
    ngx_str_t       h, b, s, header, token;
    ngx_uint_t      i;
    unsigned int    len;
    ngx_sg_key_t   *key;

    key = sg_fuzz_keys->elts;

    for (i = 0; key[i].kty != NGX_SG_KTY_OCT; i++) {
        if (i + 1 == sg_fuzz_keys->nelts) {
            abort();
        }
    }

    key = &key[i];

    header.data = ngx_pnalloc(pool, key->kid.len + 64);
    if (header.data == NULL) {
        abort();
    }

    header.len = snprintf((char *) header.data, key->kid.len + 64,
                          "{\"alg\":\"HS256\",\"kid\":\"%.*s\"%s}",
                          (int) key->kid.len, key->kid.data,
                          sg_fuzz_typs[typ]);

    h = sg_fuzz_b64(pool, header.data, header.len);
    b = sg_fuzz_b64(pool, payload->data, payload->len);

    n = h.len + 1 + b.len;
    token.data = ngx_pnalloc(pool, n + 1 + 43);
    if (token.data == NULL) {
        abort();
    }

    p = ngx_cpymem(token.data, h.data, h.len);
    *p++ = '.';
    p = ngx_cpymem(p, b.data, b.len);

    if (HMAC(EVP_sha256(), key->secret.data, (int) key->secret.len,
             token.data, n, mac, &len)
        == NULL
        || len != sizeof(mac))
    {
        abort();
    }

    s = sg_fuzz_b64(pool, mac, sizeof(mac));

    *p++ = '.';
    p = ngx_cpymem(p, s.data, s.len);

    token.len = p - token.data;

    return token;
}


/* what a valid token must be, checked apart from the code under test */

static void
sg_fuzz_check(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_logout_policy_t *policy, ngx_sg_logout_token_t *token)
{
    json_t        *events;
    const char    *reason;
    ngx_sg_jws_t   jws;

    static ngx_str_t  logout_jwt = ngx_string("logout+jwt");

    if (token->jti.len == 0
        || (token->sid.len == 0 && token->sub.len == 0)
        || token->exp + policy->leeway <= policy->now)
    {
        abort();
    }

    if (ngx_sg_jws_parse(pool, text, NGX_SG_JWS_JSON_PAYLOAD, &jws, &reason)
        != NGX_OK)
    {
        abort();
    }

    if (!(NGX_SG_ALG_MASK_ASYMMETRIC & ((ngx_uint_t) 1 << jws.alg->id))) {
        abort();
    }

    if (policy->typ_required && !ngx_sg_typ_is(&jws.typ, &logout_jwt)) {
        abort();
    }

    events = json_object_get(jws.payload, "events");

    if (!json_is_object(json_object_get(events, NGX_SG_LOGOUT_EVENT))
        || json_object_get(jws.payload, "nonce") != NULL)
    {
        abort();
    }
}
