
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_oidc: the ID token of a login (OpenID Connect Core
 * 3.1.3.7), the claims its session keeps, and the session's id.
 */


#include "ngx_http_sg.h"

#include "ngx_sg_sha256.h"

#include <openssl/evp.h>


#define NGX_HTTP_SG_OIDC_TOKEN_MAX      16384
#define NGX_HTTP_SG_OIDC_CLAIMS_KEPT    24


static ngx_int_t ngx_http_sg_oidc_half_hash(ngx_sg_jws_t *jws,
    json_t *claim, ngx_str_t *value);


/* the ID token's claims the session keeps, besides "claims=" */
static const char  *ngx_http_sg_oidc_kept[] = {
    "iss", "sub", "sid", "auth_time", "acr", "amr", "azp"
};


/*
 * The ID token: NGX_OK, NGX_DECLINED (reason), NGX_AGAIN (keys fetched),
 * NGX_ERROR
 */

ngx_int_t
ngx_http_sg_oidc_id_token(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_oidc_req_t *q, ngx_str_t *token,
    ngx_str_t *access, const char **reason)
{
    time_t                   t;
    json_t                  *payload, *aud, *claim;
    ngx_int_t                rc;
    ngx_str_t                s;
    ngx_uint_t               generation;
    ngx_array_t             *keys, audiences;
    ngx_sg_jws_t            *jws;
    ngx_sg_claims_rules_t    rules;
    ngx_http_sg_oidc_conf_t *oc;

    oc = slcf->oidc;
    jws = &ctx->jws;

    if (token->len > NGX_HTTP_SG_OIDC_TOKEN_MAX) {
        *reason = "token too large";
        return NGX_DECLINED;
    }

    rc = ngx_sg_jws_parse(r->pool, token, NGX_SG_JWS_JSON_PAYLOAD, jws,
                          reason);
    if (rc != NGX_OK) {
        return rc;
    }

    if (!(slcf->algorithms & ((ngx_uint_t) 1 << jws->alg->id))) {
        *reason = "alg not allowed";
        return NGX_DECLINED;
    }

    if (slcf->fetch) {
        rc = ngx_http_sg_jwks_keys(r, slcf->fetch, ctx, &jws->kid, &keys,
                                   &generation);
        if (rc == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        if (rc != NGX_OK) {
            ctx->error_logged = 1;
            return NGX_ERROR;
        }

    } else {
        keys = slcf->keys;
    }

    if (keys == NULL) {
        *reason = "no keys";
        return NGX_DECLINED;
    }

    rc = ngx_sg_jws_verify_keys(jws, keys->elts, keys->nelts,
                                slcf->algorithms, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    /* the client is the audience, whatever session_guard_audience says */

    audiences.elts = &oc->client_id;
    audiences.nelts = 1;
    audiences.size = sizeof(ngx_str_t);
    audiences.nalloc = 1;
    audiences.pool = r->pool;

    rules.now = ngx_time();
    rules.leeway = slcf->leeway;
    rules.issuer = slcf->issuer;
    rules.audiences = &audiences;
    ngx_str_null(&rules.typ);

    rc = ngx_sg_claims_check(jws, &rules, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    payload = jws->payload;

    if (ngx_sg_json_string(payload, "nonce", &s) != NGX_OK || s.len == 0) {
        *reason = "no nonce";
        return NGX_DECLINED;
    }

    if (s.len != q->nonce.len
        || CRYPTO_memcmp(s.data, q->nonce.data, s.len) != 0)
    {
        *reason = "nonce mismatch";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_string(payload, "sub", &s) != NGX_OK
        || s.len == 0 || s.len > NGX_SG_SUB_MAX)
    {
        *reason = "no usable sub";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_time(json_object_get(payload, "iat"), &t) != NGX_OK) {
        *reason = "no iat";
        return NGX_DECLINED;
    }

    claim = json_object_get(payload, "azp");
    aud = json_object_get(payload, "aud");

    if (claim) {
        if (ngx_sg_json_string(payload, "azp", &s) != NGX_OK
            || s.len != oc->client_id.len
            || ngx_strncmp(s.data, oc->client_id.data, s.len) != 0)
        {
            *reason = "azp is another client";
            return NGX_DECLINED;
        }

    } else if (json_is_array(aud) && json_array_size(aud) > 1) {
        *reason = "several audiences and no azp";
        return NGX_DECLINED;
    }

    /* auth_time: not ahead of the clock (ngx_sg_claims_check()) */

    claim = json_object_get(payload, "at_hash");

    if (claim && access->len) {
        rc = ngx_http_sg_oidc_half_hash(jws, claim, access);
        if (rc != NGX_OK) {
            *reason = "at_hash mismatch";
            return rc;
        }
    }

    claim = json_object_get(payload, "c_hash");

    if (claim) {
        rc = ngx_http_sg_oidc_half_hash(jws, claim, &q->code);
        if (rc != NGX_OK) {
            *reason = "c_hash mismatch";
            return rc;
        }
    }

    return NGX_OK;
}


/*
 * at_hash, c_hash (OpenID Connect Core 3.1.3.6, 3.3.2.11): base64url of
 * the left half of the hash of the value, the hash of the token's alg
 * (SHA-512 for EdDSA with Ed25519)
 */

static ngx_int_t
ngx_http_sg_oidc_half_hash(ngx_sg_jws_t *jws, json_t *claim,
    ngx_str_t *value)
{
    u_char         md[EVP_MAX_MD_SIZE], b64[EVP_MAX_MD_SIZE * 2];
    unsigned int   len;
    ngx_str_t      half, want, have;
    const EVP_MD  *type;

    if (!json_is_string(claim)) {
        return NGX_DECLINED;
    }

    half.len = jws->alg->name.len;
    half.data = jws->alg->name.data;

    if (half.len >= 3 && ngx_strncmp(half.data + half.len - 3, "384", 3) == 0)
    {
        type = EVP_sha384();

    } else if ((half.len >= 3
                && ngx_strncmp(half.data + half.len - 3, "512", 3) == 0)
               || ngx_strncmp(half.data, "EdDSA", half.len) == 0)
    {
        type = EVP_sha512();

    } else {
        type = EVP_sha256();
    }

    if (EVP_Digest(value->data, value->len, md, &len, type, NULL) != 1) {
        return NGX_ERROR;
    }

    half.data = md;
    half.len = len / 2;

    want.data = b64;
    ngx_encode_base64url(&want, &half);

    have.data = (u_char *) json_string_value(claim);
    have.len = json_string_length(claim);

    if (have.len != want.len
        || CRYPTO_memcmp(have.data, want.data, want.len) != 0)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the claims the session keeps, a JSON object of the request's pool */

ngx_int_t
ngx_http_sg_oidc_keep(ngx_http_request_t *r, ngx_http_sg_oidc_conf_t *oc,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_oidc_req_t *q)
{
    u_char       *p;
    size_t        len;
    json_t       *v, *payload;
    ngx_str_t     text, *names, name;
    ngx_uint_t    i, n, first, standard, all;
    const char   *reason;
    ngx_str_t     dumps[NGX_HTTP_SG_OIDC_CLAIMS_KEPT];
    ngx_str_t     keys[NGX_HTTP_SG_OIDC_CLAIMS_KEPT];

    payload = ctx->jws.payload;
    n = 0;
    len = 2;

    names = oc->claims ? oc->claims->elts : NULL;

    standard = sizeof(ngx_http_sg_oidc_kept) / sizeof(char *);
    all = standard + (names ? oc->claims->nelts : 0);

    for (i = 0; i < all; i++) {
        if (i < standard) {
            name.data = (u_char *) ngx_http_sg_oidc_kept[i];
            name.len = ngx_strlen(ngx_http_sg_oidc_kept[i]);

        } else {
            name = names[i - standard];
        }

        v = json_object_getn(payload, (const char *) name.data, name.len);
        if (v == NULL || n == NGX_HTTP_SG_OIDC_CLAIMS_KEPT) {
            continue;
        }

        if (ngx_sg_json_dump(r->pool, v, &dumps[n]) != NGX_OK) {
            return NGX_ERROR;
        }

        keys[n] = name;
        len += dumps[n].len + name.len + 4;
        n++;
    }

    text.data = ngx_pnalloc(r->pool, len);
    if (text.data == NULL) {
        return NGX_ERROR;
    }

    p = text.data;
    *p++ = '{';
    first = 1;

    for (i = 0; i < n; i++) {
        if (!first) {
            *p++ = ',';
        }

        first = 0;
        *p++ = '"';
        p = ngx_cpymem(p, keys[i].data, keys[i].len);
        *p++ = '"';
        *p++ = ':';
        p = ngx_cpymem(p, dumps[i].data, dumps[i].len);
    }

    *p++ = '}';
    text.len = p - text.data;

    reason = NULL;

    if (ngx_sg_json_parse_object(r->pool, text.data, text.len,
                                 NGX_SG_JSON_MAX_DEPTH, &q->claims, &reason)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    (void) ngx_sg_json_string(q->claims, "sub", &ctx->session.sub);

    return NGX_OK;
}


/*
 * The login's session id: a step-up's own session when it is the same
 * subject's and still known, else "TAG.RANDOM" (ngx_http_sg_oidc.c)
 */

ngx_int_t
ngx_http_sg_oidc_new_id(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_oidc_req_t *q, ngx_str_t *sub)
{
    u_char                 *p;
    ngx_int_t               rc;
    ngx_str_t               sid, rnd;
    ngx_http_sg_session_t   s;

    if (q->prev.len && q->prev.len <= NGX_SG_ID_MAX) {
        rc = ngx_http_sg_zone_find(slcf->zone, &q->prev, 0, r->pool, &s);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_OK && ngx_http_sg_oidc_live(&s.rec, ngx_time())
            && s.sub.len == sub->len
            && ngx_strncmp(s.sub.data, sub->data, sub->len) == 0)
        {
            q->id = q->prev;
            return NGX_OK;
        }
    }

    if (ngx_sg_json_string(q->claims, "sid", &sid) != NGX_OK) {
        ngx_str_null(&sid);
    }

    if (ngx_sg_random_b64(r->pool, 16, &rnd) != NGX_OK) {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(r->pool, NGX_SG_SID_TAG_LEN + 1 + rnd.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    q->id.data = p;
    ngx_sg_sid_tag(&sid, p);
    p += NGX_SG_SID_TAG_LEN;
    *p++ = '.';
    p = ngx_cpymem(p, rnd.data, rnd.len);
    q->id.len = p - q->id.data;

    return NGX_OK;
}
