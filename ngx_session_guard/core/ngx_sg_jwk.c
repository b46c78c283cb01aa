
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JWK and JWKS import (RFC 7517, RFC 7518 section 6, RFC 8037).
 *
 * Return contract: NGX_OK usable key, NGX_DECLINED invalid input (reason
 * set), NGX_DONE (ngx_sg_jwk_import() only) a well-formed key that is not
 * for us, NGX_ERROR internal failure.  Every EVP_PKEY made here is freed by
 * a cleanup of the pool it was made for.
 *
 * Limits: RSA modulus NGX_SG_RSA_MIN_BITS..NGX_SG_RSA_MAX_BITS, odd,
 * public exponent odd and 3..2^NGX_SG_RSA_MAX_E_BITS; EC points on
 * P-256/P-384/P-521 with coordinates of exactly the field size; Ed25519
 * only; HMAC secrets NGX_SG_HMAC_MIN_LEN..NGX_SG_HMAC_MAX_LEN octets; kid
 * up to NGX_SG_KID_MAX_LEN; JWKS up to NGX_SG_JWKS_MAX_SIZE bytes and
 * NGX_SG_JWKS_MAX_KEYS keys.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "ngx_sg_jose.h"


static ngx_int_t ngx_sg_jwk_string(json_t *jwk, const char *name,
    ngx_str_t *value);
static ngx_int_t ngx_sg_jwk_decode(ngx_str_t *src, u_char *buf,
    size_t size, ngx_str_t *dst);
static ngx_int_t ngx_sg_jwk_copy(ngx_pool_t *pool, ngx_str_t *dst,
    ngx_str_t *src);
static ngx_int_t ngx_sg_jwk_usage(json_t *jwk, const char **reason);
static ngx_int_t ngx_sg_jwk_rsa(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *key, const char **reason);
static EVP_PKEY *ngx_sg_rsa_pkey(const BIGNUM *n, const BIGNUM *e);
static ngx_int_t ngx_sg_jwk_ec(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *key, const char **reason);
static ngx_int_t ngx_sg_jwk_okp(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *key, const char **reason);
static ngx_int_t ngx_sg_jwk_oct(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *key, const char **reason);
static void ngx_sg_jwk_secret_cleanup(void *data);
static ngx_int_t ngx_sg_jwk_reuse(json_t *jwk, ngx_str_t *kty,
    ngx_sg_key_t *key, ngx_sg_key_t *material, const char **reason);


ngx_int_t
ngx_sg_jwk_import(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *key,
    const char **reason)
{
    return ngx_sg_jwk_import_material(pool, jwk, key, NULL, reason);
}


/*
 * With "material", the key material is not made from jwk but taken from
 * an earlier import of a JWK with the same RFC 7638 thumbprint (the DPoP
 * proof key cache): every member the thumbprint covers is then the same,
 * byte for byte, and so would be the key.  All the other checks (use,
 * key_ops, kid, alg, the alg fitting the key) run on jwk as always.
 */

ngx_int_t
ngx_sg_jwk_import_material(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *key,
    ngx_sg_key_t *material, const char **reason)
{
    ngx_int_t      rc;
    ngx_str_t      kty, kid, alg;
    const char    *dummy;
    ngx_sg_alg_t  *a;

    if (reason == NULL) {
        reason = &dummy;
    }

    ngx_memzero(key, sizeof(ngx_sg_key_t));

    if (jwk == NULL || !json_is_object(jwk)) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    rc = ngx_sg_jwk_string(jwk, "kty", &kty);

    if (rc != NGX_OK) {
        *reason = (rc == NGX_DONE) ? "missing kty" : "bad jwk";
        return NGX_DECLINED;
    }

    rc = ngx_sg_jwk_usage(jwk, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_sg_jwk_string(jwk, "kid", &kid) == NGX_DECLINED
        || kid.len > NGX_SG_KID_MAX_LEN)
    {
        *reason = "bad kid";
        return NGX_DECLINED;
    }

    rc = ngx_sg_jwk_string(jwk, "alg", &alg);

    if (rc == NGX_DECLINED) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    a = NULL;

    if (rc == NGX_OK) {
        a = ngx_sg_alg_by_name(alg.data, alg.len);

        if (a == NULL) {
            /* e.g. "RSA-OAEP" or "A128KW": a key for something else */
            *reason = "unsupported alg";
            return NGX_DONE;
        }
    }

    if (material) {
        rc = ngx_sg_jwk_reuse(jwk, &kty, key, material, reason);

    } else if (kty.len == 3 && ngx_memcmp(kty.data, "RSA", 3) == 0) {
        rc = ngx_sg_jwk_rsa(pool, jwk, key, reason);

    } else if (kty.len == 2 && ngx_memcmp(kty.data, "EC", 2) == 0) {
        rc = ngx_sg_jwk_ec(pool, jwk, key, reason);

    } else if (kty.len == 3 && ngx_memcmp(kty.data, "OKP", 3) == 0) {
        rc = ngx_sg_jwk_okp(pool, jwk, key, reason);

    } else if (kty.len == 3 && ngx_memcmp(kty.data, "oct", 3) == 0) {
        rc = ngx_sg_jwk_oct(pool, jwk, key, reason);

    } else {
        *reason = "unsupported kty";
        return NGX_DONE;
    }

    if (rc != NGX_OK) {
        goto failed;
    }

    /* a key's own "alg" must be one this key can actually serve */

    if (a && (a->kty != key->kty || (a->curve && a->curve != key->curve))) {
        *reason = "jwk alg mismatch";
        rc = NGX_DECLINED;
        goto failed;
    }

    if (ngx_sg_jwk_copy(pool, &key->kid, &kid) != NGX_OK
        || ngx_sg_jwk_copy(pool, &key->alg, &alg) != NGX_OK)
    {
        rc = NGX_ERROR;
        goto failed;
    }

    return NGX_OK;

failed:

    /* nothing half-made is left to use; the pool frees what was made */

    ngx_memzero(key, sizeof(ngx_sg_key_t));

    return rc;
}


ngx_int_t
ngx_sg_jwks_import(ngx_pool_t *pool, ngx_log_t *log, u_char *data,
    size_t len, ngx_array_t *keys, const char **reason)
{
    json_t        *root, *list, *jwk;
    size_t         i, n;
    ngx_int_t      rc;
    ngx_uint_t     nkeys;
    ngx_pool_t    *tmp;
    const char    *dummy, *why;
    ngx_sg_key_t   key, *k;

    if (reason == NULL) {
        reason = &dummy;
    }

    if (len > NGX_SG_JWKS_MAX_SIZE) {
        *reason = "jwks too large";
        return NGX_DECLINED;
    }

    if (log == NULL) {
        log = pool->log;
    }

    /* the parsed document is thrown away, only keys stay in "pool" */

    tmp = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, log);
    if (tmp == NULL) {
        return NGX_ERROR;
    }

    nkeys = keys->nelts;

    rc = ngx_sg_json_parse_object(tmp, data, len, NGX_SG_JSON_MAX_DEPTH,
                                  &root, reason);
    if (rc != NGX_OK) {
        goto done;
    }

    list = json_object_get(root, "keys");

    if (list == NULL) {

        /* a single JWK */

        rc = ngx_sg_jwk_import(pool, root, &key, reason);

        if (rc == NGX_DONE) {
            *reason = "no usable key";
            rc = NGX_DECLINED;
        }

        if (rc != NGX_OK) {
            goto done;
        }

        if (ngx_sg_key_prepare(pool, &key) != NGX_OK) {
            rc = NGX_ERROR;
            goto done;
        }

        k = ngx_array_push(keys);
        if (k == NULL) {
            rc = NGX_ERROR;
            goto done;
        }

        *k = key;

        goto done;
    }

    if (!json_is_array(list)) {
        *reason = "bad jwks";
        rc = NGX_DECLINED;
        goto done;
    }

    n = json_array_size(list);

    if (n > NGX_SG_JWKS_MAX_KEYS) {
        *reason = "too many keys";
        rc = NGX_DECLINED;
        goto done;
    }

    for (i = 0; i < n; i++) {
        if (!json_is_object(json_array_get(list, i))) {
            *reason = "bad jwks";
            rc = NGX_DECLINED;
            goto done;
        }
    }

    for (i = 0; i < n; i++) {
        jwk = json_array_get(list, i);

        why = "bad jwk";
        rc = ngx_sg_jwk_import(pool, jwk, &key, &why);

        if (rc == NGX_ERROR) {
            goto done;
        }

        if (rc != NGX_OK) {
            /* key material and kid values are not logged */
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "session_guard: jwks key #%uz skipped: %s",
                          i, why);
            continue;
        }

        if (ngx_sg_key_prepare(pool, &key) != NGX_OK) {
            rc = NGX_ERROR;
            goto done;
        }

        k = ngx_array_push(keys);
        if (k == NULL) {
            rc = NGX_ERROR;
            goto done;
        }

        *k = key;
    }

    if (keys->nelts == nkeys) {
        *reason = "no usable key";
        rc = NGX_DECLINED;
        goto done;
    }

    rc = NGX_OK;

done:

    ngx_destroy_pool(tmp);

    return rc;
}


/* NGX_OK a string, NGX_DONE absent, NGX_DECLINED not a string */

static ngx_int_t
ngx_sg_jwk_string(json_t *jwk, const char *name, ngx_str_t *value)
{
    json_t  *v;

    ngx_str_null(value);

    v = json_object_get(jwk, name);

    if (v == NULL) {
        return NGX_DONE;
    }

    if (!json_is_string(v)) {
        return NGX_DECLINED;
    }

    value->data = (u_char *) json_string_value(v);
    value->len = json_string_length(v);

    return NGX_OK;
}


static ngx_int_t
ngx_sg_jwk_decode(ngx_str_t *src, u_char *buf, size_t size, ngx_str_t *dst)
{
    if (src->len > NGX_MAX_SIZE_T_VALUE - 4
        || ngx_base64_decoded_length(src->len) > size)
    {
        return NGX_DECLINED;
    }

    dst->data = buf;

    return ngx_sg_base64url_decode(dst, src);
}


static ngx_int_t
ngx_sg_jwk_copy(ngx_pool_t *pool, ngx_str_t *dst, ngx_str_t *src)
{
    if (src->len == 0) {
        ngx_str_null(dst);
        return NGX_OK;
    }

    dst->data = ngx_pnalloc(pool, src->len);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src->data, src->len);
    dst->len = src->len;

    return NGX_OK;
}


/* "use" and "key_ops" (RFC 7517 4.2, 4.3): the key must verify */

static ngx_int_t
ngx_sg_jwk_usage(json_t *jwk, const char **reason)
{
    json_t     *ops, *op;
    size_t      i, n;
    ngx_int_t   rc;
    ngx_str_t   use;

    rc = ngx_sg_jwk_string(jwk, "use", &use);

    if (rc == NGX_DECLINED) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    if (rc == NGX_OK
        && (use.len != 3 || ngx_memcmp(use.data, "sig", 3) != 0))
    {
        *reason = "key not for signing";
        return NGX_DONE;
    }

    ops = json_object_get(jwk, "key_ops");

    if (ops == NULL) {
        return NGX_OK;
    }

    if (!json_is_array(ops)) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    n = json_array_size(ops);
    rc = NGX_DONE;

    for (i = 0; i < n; i++) {
        op = json_array_get(ops, i);

        if (!json_is_string(op)) {
            *reason = "bad jwk";
            return NGX_DECLINED;
        }

        if (json_string_length(op) == 6
            && ngx_memcmp(json_string_value(op), "verify", 6) == 0)
        {
            rc = NGX_OK;
        }
    }

    if (rc != NGX_OK) {
        *reason = "key not for signing";
    }

    return rc;
}


static ngx_int_t
ngx_sg_jwk_rsa(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *key,
    const char **reason)
{
    BIGNUM     *n, *e;
    EVP_PKEY   *pkey;
    ngx_int_t   rc;
    ngx_str_t   sn, se, dn, de;
    u_char      nbuf[NGX_SG_RSA_MAX_BITS / 8 + 3];
    u_char      ebuf[NGX_SG_RSA_MAX_E_BITS / 8 + 3];

    if (ngx_sg_jwk_string(jwk, "n", &sn) != NGX_OK
        || ngx_sg_jwk_string(jwk, "e", &se) != NGX_OK)
    {
        *reason = "bad rsa key";
        return NGX_DECLINED;
    }

    if (sn.len > NGX_MAX_SIZE_T_VALUE - 4
        || ngx_base64_decoded_length(sn.len) > sizeof(nbuf))
    {
        *reason = "rsa key too large";
        return NGX_DECLINED;
    }

    if (ngx_sg_jwk_decode(&sn, nbuf, sizeof(nbuf), &dn) != NGX_OK) {
        *reason = "bad rsa key";
        return NGX_DECLINED;
    }

    if (ngx_sg_jwk_decode(&se, ebuf, sizeof(ebuf), &de) != NGX_OK) {
        *reason = "bad rsa exponent";
        return NGX_DECLINED;
    }

    n = BN_bin2bn(dn.data, (int) dn.len, NULL);
    e = BN_bin2bn(de.data, (int) de.len, NULL);

    if (n == NULL || e == NULL) {
        BN_free(n);
        BN_free(e);
        ERR_clear_error();
        return NGX_ERROR;
    }

    rc = ngx_sg_rsa_check(n, e, reason);

    if (rc == NGX_OK) {
        key->bits = BN_num_bits(n);

        pkey = ngx_sg_rsa_pkey(n, e);

        if (pkey == NULL) {
            rc = NGX_ERROR;

        } else {
            rc = ngx_sg_pkey_own(pool, pkey);
        }
    }

    BN_free(n);
    BN_free(e);

    if (rc != NGX_OK) {
        return rc;
    }

    key->kty = NGX_SG_KTY_RSA;
    key->pkey = pkey;

    return NGX_OK;
}


static EVP_PKEY *
ngx_sg_rsa_pkey(const BIGNUM *n, const BIGNUM *e)
{
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *ctx;
    OSSL_PARAM_BLD  *bld;

    pkey = NULL;
    params = NULL;
    ctx = NULL;

    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) {
        goto failed;
    }

    if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1
        || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
    {
        goto failed;
    }

    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) {
        goto failed;
    }

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL) {
        goto failed;
    }

    if (EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }

failed:

    if (pkey == NULL) {
        ERR_clear_error();
    }

    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);

    return pkey;
}


static ngx_int_t
ngx_sg_jwk_ec(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *key,
    const char **reason)
{
    size_t           b64len;
    EVP_PKEY        *pkey;
    ngx_str_t        crv, sx, sy, dx, dy;
    OSSL_PARAM       params[3];
    EVP_PKEY_CTX    *ctx;
    ngx_sg_curve_t  *c;
    u_char           xbuf[NGX_SG_EC_MAX_SIZE + 2];
    u_char           ybuf[NGX_SG_EC_MAX_SIZE + 2];
    u_char           point[1 + 2 * NGX_SG_EC_MAX_SIZE];

    if (ngx_sg_jwk_string(jwk, "crv", &crv) != NGX_OK
        || ngx_sg_jwk_string(jwk, "x", &sx) != NGX_OK
        || ngx_sg_jwk_string(jwk, "y", &sy) != NGX_OK)
    {
        *reason = "bad ec key";
        return NGX_DECLINED;
    }

    c = ngx_sg_curve_by_name(crv.data, crv.len);

    if (c == NULL) {
        *reason = "unsupported curve";
        return NGX_DONE;
    }

    /* exactly the field size, no leading zeros stripped (RFC 7518 6.2.1) */

    b64len = (c->size * 4 + 2) / 3;

    if (sx.len != b64len || sy.len != b64len
        || ngx_sg_jwk_decode(&sx, xbuf, sizeof(xbuf), &dx) != NGX_OK
        || ngx_sg_jwk_decode(&sy, ybuf, sizeof(ybuf), &dy) != NGX_OK
        || dx.len != c->size || dy.len != c->size)
    {
        *reason = "bad ec key";
        return NGX_DECLINED;
    }

    ngx_memcpy(point + 1, dx.data, c->size);
    ngx_memcpy(point + 1 + c->size, dy.data, c->size);

    point[0] = 0x04;    /* uncompressed */

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *) c->group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                  point, 1 + 2 * c->size);
    params[2] = OSSL_PARAM_construct_end();

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    pkey = NULL;

    /* fromdata decodes the point and refuses one that is not on the curve */

    if (EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }

    EVP_PKEY_CTX_free(ctx);

    if (pkey == NULL) {
        ERR_clear_error();
        *reason = "bad ec key";
        return NGX_DECLINED;
    }

    if (ngx_sg_pkey_own(pool, pkey) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_sg_ec_check(pkey) != NGX_OK) {
        *reason = "bad ec key";
        return NGX_DECLINED;
    }

    key->kty = NGX_SG_KTY_EC;
    key->curve = c->nid;
    key->bits = EVP_PKEY_get_bits(pkey);
    key->pkey = pkey;

    return NGX_OK;
}


static ngx_int_t
ngx_sg_jwk_okp(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *key,
    const char **reason)
{
    EVP_PKEY   *pkey;
    ngx_str_t   crv, sx, dx;
    u_char      buf[32 + 2];

    if (ngx_sg_jwk_string(jwk, "crv", &crv) != NGX_OK
        || ngx_sg_jwk_string(jwk, "x", &sx) != NGX_OK)
    {
        *reason = "bad okp key";
        return NGX_DECLINED;
    }

    if (crv.len != 7 || ngx_memcmp(crv.data, "Ed25519", 7) != 0) {
        /* Ed448, X25519, X448 */
        *reason = "unsupported curve";
        return NGX_DONE;
    }

    if (sx.len != 43
        || ngx_sg_jwk_decode(&sx, buf, sizeof(buf), &dx) != NGX_OK
        || dx.len != 32)
    {
        *reason = "bad okp key";
        return NGX_DECLINED;
    }

    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, dx.data, 32);

    if (pkey == NULL) {
        ERR_clear_error();
        *reason = "bad okp key";
        return NGX_DECLINED;
    }

    if (ngx_sg_pkey_own(pool, pkey) != NGX_OK) {
        return NGX_ERROR;
    }

    key->kty = NGX_SG_KTY_OKP;
    key->curve = NID_ED25519;
    key->bits = 256;
    key->pkey = pkey;

    return NGX_OK;
}


/*
 * The key material of an earlier import (see ngx_sg_jwk_import_material()).
 * The caller matched the thumbprints; kty and crv are compared again all
 * the same, so that a key can never serve a JWK of another type or curve.
 * Secrets (oct) are never reused.  key->pkey is material's: not owned by
 * the pool, the caller keeps it alive while key is in use.
 */

static ngx_int_t
ngx_sg_jwk_reuse(json_t *jwk, ngx_str_t *kty, ngx_sg_key_t *key,
    ngx_sg_key_t *material, const char **reason)
{
    int              nid;
    ngx_str_t        crv;
    ngx_uint_t       type;
    ngx_sg_curve_t  *c;

    if (kty->len == 3 && ngx_memcmp(kty->data, "RSA", 3) == 0) {
        type = NGX_SG_KTY_RSA;

    } else if (kty->len == 2 && ngx_memcmp(kty->data, "EC", 2) == 0) {
        type = NGX_SG_KTY_EC;

    } else if (kty->len == 3 && ngx_memcmp(kty->data, "OKP", 3) == 0) {
        type = NGX_SG_KTY_OKP;

    } else {
        type = 0;
    }

    if (type == 0 || type != material->kty || material->pkey == NULL) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    nid = 0;

    if (type != NGX_SG_KTY_RSA) {
        if (ngx_sg_jwk_string(jwk, "crv", &crv) != NGX_OK) {
            *reason = "bad jwk";
            return NGX_DECLINED;
        }

        if (type == NGX_SG_KTY_EC) {
            c = ngx_sg_curve_by_name(crv.data, crv.len);
            nid = c ? c->nid : NID_undef;

        } else if (crv.len == 7 && ngx_memcmp(crv.data, "Ed25519", 7) == 0) {
            nid = NID_ED25519;

        } else {
            nid = NID_undef;
        }

        if (nid == NID_undef) {
            *reason = "bad jwk";
            return NGX_DECLINED;
        }
    }

    if (nid != material->curve) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    key->kty = material->kty;
    key->curve = material->curve;
    key->bits = material->bits;
    key->pkey = material->pkey;
    key->verify = material->verify;

    return NGX_OK;
}


static ngx_int_t
ngx_sg_jwk_oct(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *key,
    const char **reason)
{
    ngx_int_t            rc;
    ngx_str_t            k;
    ngx_pool_cleanup_t  *cln;

    if (ngx_sg_jwk_string(jwk, "k", &k) != NGX_OK
        || k.len == 0
        || k.len > ngx_base64_encoded_length(NGX_SG_HMAC_MAX_LEN))
    {
        *reason = "bad oct key";
        return NGX_DECLINED;
    }

    rc = ngx_sg_base64url_decode_pool(pool, &key->secret, &k);

    if (rc != NGX_OK) {
        if (rc == NGX_DECLINED) {
            *reason = "bad oct key";
        }

        ngx_str_null(&key->secret);
        return rc;
    }

    /* the secret is wiped when its pool goes */

    cln = ngx_pool_cleanup_add(pool, sizeof(ngx_str_t));
    if (cln == NULL) {
        OPENSSL_cleanse(key->secret.data, key->secret.len);
        ngx_str_null(&key->secret);
        return NGX_ERROR;
    }

    cln->handler = ngx_sg_jwk_secret_cleanup;
    *(ngx_str_t *) cln->data = key->secret;

    /* RFC 7518 3.2: at least as long as the hash output */

    if (key->secret.len < NGX_SG_HMAC_MIN_LEN) {
        *reason = "hmac key too short";
        ngx_str_null(&key->secret);
        return NGX_DECLINED;
    }

    key->kty = NGX_SG_KTY_OCT;
    key->bits = (int) (key->secret.len * 8);

    return NGX_OK;
}


static void
ngx_sg_jwk_secret_cleanup(void *data)
{
    ngx_str_t  *secret = data;

    OPENSSL_cleanse(secret->data, secret->len);
}
