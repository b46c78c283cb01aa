
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JWS signing with the edge's own key (ngx_sg_sign.h).  The key is
 * imported once, at configuration time; signing costs one signature.
 */


#include "ngx_sg_sign.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>


#define NGX_SG_SIGN_HEADER_MAX  512


static ngx_int_t ngx_sg_sign_str(json_t *jwk, const char *name,
    ngx_str_t *out);
static ngx_int_t ngx_sg_sign_usage(json_t *jwk, ngx_sg_alg_t *alg,
    const char **reason);
static json_t *ngx_sg_sign_public(json_t *jwk, ngx_uint_t kty);
static ngx_int_t ngx_sg_sign_bytes(ngx_pool_t *pool, json_t *jwk,
    const char *name, ngx_str_t *out);
static EVP_PKEY *ngx_sg_sign_ec(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *pub, const char **reason);
static EVP_PKEY *ngx_sg_sign_okp(ngx_pool_t *pool, json_t *jwk,
    const char **reason);
static EVP_PKEY *ngx_sg_sign_rsa(ngx_pool_t *pool, json_t *jwk,
    const char **reason);
static ngx_int_t ngx_sg_sign_check(ngx_pool_t *pool, ngx_sg_signer_t *signer,
    const char **reason);
static ngx_int_t ngx_sg_sign_raw(ngx_sg_signer_t *signer, u_char *input,
    size_t len, u_char *sig, size_t *siglen);
static EVP_PKEY *ngx_sg_sign_keypair(const char *type, OSSL_PARAM_BLD *bld);
static void ngx_sg_sign_wipe(ngx_str_t *s);


ngx_int_t
ngx_sg_signer_import(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_sg_signer_t *signer, const char **reason)
{
    json_t      *jwk, *pub;
    u_char       digest[32];
    ngx_int_t    rc;
    ngx_str_t    kty, d, src;
    ngx_uint_t   type;
    ngx_pool_t  *tmp;

    ngx_memzero(signer, sizeof(ngx_sg_signer_t));

    if (len > NGX_SG_SIGN_JWK_MAX) {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    /* the private members are parsed into a pool of their own, wiped */

    tmp = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, pool->log);
    if (tmp == NULL) {
        return NGX_ERROR;
    }

    pub = NULL;

    rc = ngx_sg_json_parse_object(tmp, data, len, NGX_SG_JSON_MAX_DEPTH, &jwk,
                                  reason);
    if (rc != NGX_OK) {
        goto done;
    }

    rc = NGX_DECLINED;

    if (ngx_sg_sign_str(jwk, "kty", &kty) != NGX_OK) {
        *reason = "missing kty";
        goto done;
    }

    if (kty.len == 2 && ngx_strncmp(kty.data, "EC", 2) == 0) {
        type = NGX_SG_KTY_EC;
        signer->alg = ngx_sg_alg_by_id(NGX_SG_ALG_ES256);

    } else if (kty.len == 3 && ngx_strncmp(kty.data, "OKP", 3) == 0) {
        type = NGX_SG_KTY_OKP;
        signer->alg = ngx_sg_alg_by_id(NGX_SG_ALG_EDDSA);

    } else if (kty.len == 3 && ngx_strncmp(kty.data, "RSA", 3) == 0) {
        type = NGX_SG_KTY_RSA;
        signer->alg = ngx_sg_alg_by_id(NGX_SG_ALG_RS256);

    } else {
        *reason = "unsupported kty";
        goto done;
    }

    if (signer->alg == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    if (ngx_sg_sign_str(jwk, "d", &d) != NGX_OK) {
        *reason = "not a private key";
        goto done;
    }

    if (ngx_sg_sign_usage(jwk, signer->alg, reason) != NGX_OK) {
        goto done;
    }

    /* the public part, checked as any verification key is */

    pub = ngx_sg_sign_public(jwk, type);
    if (pub == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    rc = ngx_sg_jwk_import(pool, pub, &signer->pub, reason);

    if (rc == NGX_DONE) {
        /* an unsupported curve, mostly */
        rc = NGX_DECLINED;
    }

    if (rc != NGX_OK) {
        goto done;
    }

    if (type == NGX_SG_KTY_EC && signer->pub.curve != NID_X9_62_prime256v1) {
        *reason = "unsupported curve";
        rc = NGX_DECLINED;
        goto done;
    }

    switch (type) {

    case NGX_SG_KTY_EC:
        signer->pkey = ngx_sg_sign_ec(tmp, jwk, &signer->pub, reason);
        break;

    case NGX_SG_KTY_OKP:
        signer->pkey = ngx_sg_sign_okp(tmp, jwk, reason);
        break;

    default: /* NGX_SG_KTY_RSA */
        signer->pkey = ngx_sg_sign_rsa(tmp, jwk, reason);
        break;
    }

    if (signer->pkey == NULL) {
        rc = NGX_DECLINED;
        goto done;
    }

    if (ngx_sg_pkey_own(pool, signer->pkey) != NGX_OK) {
        signer->pkey = NULL;
        rc = NGX_ERROR;
        goto done;
    }

    /* kid: the RFC 7638 thumbprint of the public key */

    rc = ngx_sg_jwk_thumbprint(pub, digest, reason);
    if (rc != NGX_OK) {
        goto done;
    }

    signer->kid.data = ngx_pnalloc(pool, ngx_base64_encoded_length(32));
    if (signer->kid.data == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    src.data = digest;
    src.len = 32;
    ngx_encode_base64url(&signer->kid, &src);

    if (json_object_set_new(pub, "kid",
                            json_stringn((char *) signer->kid.data,
                                         signer->kid.len))
           != 0
        || json_object_set_new(pub, "alg",
                               json_stringn((char *) signer->alg->name.data,
                                            signer->alg->name.len))
           != 0
        || json_object_set_new(pub, "use", json_string("sig")) != 0)
    {
        rc = NGX_ERROR;
        goto done;
    }

    rc = ngx_sg_json_dump(pool, pub, &signer->jwk);
    if (rc != NGX_OK) {
        rc = NGX_ERROR;
        goto done;
    }

    rc = ngx_sg_sign_check(tmp, signer, reason);

done:

    if (pub) {
        json_decref(pub);
    }

    ngx_destroy_pool(tmp);

    if (rc != NGX_OK) {
        ngx_memzero(signer, sizeof(ngx_sg_signer_t));
    }

    return rc;
}


ngx_int_t
ngx_sg_jws_sign(ngx_pool_t *pool, ngx_sg_signer_t *signer, ngx_str_t *typ,
    ngx_str_t *payload, ngx_str_t *out)
{
    u_char      *p, *sig, header[NGX_SG_SIGN_HEADER_MAX];
    size_t       hlen, siglen, max;
    ngx_str_t    src, dst;
    ngx_uint_t   i;

    if (typ->len > 64 || signer->kid.len > 128) {
        return NGX_ERROR;
    }

    for (i = 0; i < typ->len; i++) {
        if (typ->data[i] < 0x20 || typ->data[i] > 0x7e
            || typ->data[i] == '"' || typ->data[i] == '\\')
        {
            return NGX_ERROR;
        }
    }

    p = ngx_cpymem(header, "{\"alg\":\"", 8);
    p = ngx_cpymem(p, signer->alg->name.data, signer->alg->name.len);
    p = ngx_cpymem(p, "\",\"kid\":\"", 9);
    p = ngx_cpymem(p, signer->kid.data, signer->kid.len);

    if (typ->len) {
        p = ngx_cpymem(p, "\",\"typ\":\"", 9);
        p = ngx_cpymem(p, typ->data, typ->len);
    }

    p = ngx_cpymem(p, "\"}", 2);

    hlen = p - header;

    max = (size_t) EVP_PKEY_get_size(signer->pkey);

    out->data = ngx_pnalloc(pool, ngx_base64_encoded_length(hlen) + 1
                                  + ngx_base64_encoded_length(payload->len)
                                  + 1 + ngx_base64_encoded_length(max));
    sig = ngx_pnalloc(pool, max);

    if (out->data == NULL || sig == NULL) {
        return NGX_ERROR;
    }

    src.data = header;
    src.len = hlen;
    dst.data = out->data;
    ngx_encode_base64url(&dst, &src);

    p = out->data + dst.len;
    *p++ = '.';

    dst.data = p;
    ngx_encode_base64url(&dst, payload);

    p += dst.len;

    siglen = max;

    if (ngx_sg_sign_raw(signer, out->data, p - out->data, sig, &siglen)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    *p++ = '.';

    src.data = sig;
    src.len = siglen;
    dst.data = p;
    ngx_encode_base64url(&dst, &src);

    out->len = p + dst.len - out->data;

    return NGX_OK;
}


/* the signature over input, as JWS wants it; *siglen: room, then length */

static ngx_int_t
ngx_sg_sign_raw(ngx_sg_signer_t *signer, u_char *input, size_t len,
    u_char *sig, size_t *siglen)
{
    size_t               n;
    u_char              *raw;
    ngx_int_t            rc;
    EVP_MD_CTX          *mctx;
    ECDSA_SIG           *esig;
    const BIGNUM        *r, *s;
    const u_char        *dp;
    u_char               buf[80];

    mctx = EVP_MD_CTX_new();
    if (mctx == NULL) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (EVP_DigestSignInit_ex(mctx, NULL, signer->alg->digest, NULL, NULL,
                              signer->pkey, NULL)
        != 1)
    {
        goto done;
    }

    if (signer->alg->id != NGX_SG_ALG_ES256) {
        n = *siglen;

        if (EVP_DigestSign(mctx, sig, &n, input, len) != 1) {
            goto done;
        }

        *siglen = n;
        rc = NGX_OK;
        goto done;
    }

    /* ECDSA: DER from OpenSSL, R || S of 32 bytes each for JWS */

    n = sizeof(buf);

    if (*siglen < 64 || EVP_DigestSign(mctx, buf, &n, input, len) != 1) {
        goto done;
    }

    dp = buf;
    esig = d2i_ECDSA_SIG(NULL, &dp, (long) n);
    if (esig == NULL) {
        goto done;
    }

    ECDSA_SIG_get0(esig, &r, &s);

    raw = sig;

    if (BN_bn2binpad(r, raw, 32) == 32 && BN_bn2binpad(s, raw + 32, 32) == 32)
    {
        *siglen = 64;
        rc = NGX_OK;
    }

    ECDSA_SIG_free(esig);

done:

    if (rc != NGX_OK) {
        ERR_clear_error();
    }

    EVP_MD_CTX_free(mctx);

    return rc;
}


/* sign a token and verify it with the public members */

static ngx_int_t
ngx_sg_sign_check(ngx_pool_t *pool, ngx_sg_signer_t *signer,
    const char **reason)
{
    ngx_int_t      rc;
    ngx_str_t      token, typ, payload;
    const char    *why;
    ngx_sg_jws_t   jws;

    ngx_str_set(&typ, "JWT");
    ngx_str_set(&payload, "{\"check\":\"ngx_session_guard\"}");

    if (ngx_sg_jws_sign(pool, signer, &typ, &payload, &token) != NGX_OK) {
        *reason = "key pair mismatch";
        return NGX_DECLINED;
    }

    why = NULL;

    rc = ngx_sg_jws_parse(pool, &token, NGX_SG_JWS_JSON_PAYLOAD, &jws, &why);
    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_sg_jws_verify(&jws, &signer->pub, &why);

    if (rc == NGX_DECLINED) {
        *reason = "key pair mismatch";
    }

    return rc;
}


/* a string member, NGX_DECLINED if absent or not a string */

static ngx_int_t
ngx_sg_sign_str(json_t *jwk, const char *name, ngx_str_t *out)
{
    json_t  *v;

    v = json_object_get(jwk, name);

    if (!json_is_string(v)) {
        return NGX_DECLINED;
    }

    out->data = (u_char *) json_string_value(v);
    out->len = json_string_length(v);

    return NGX_OK;
}


static ngx_int_t
ngx_sg_sign_usage(json_t *jwk, ngx_sg_alg_t *alg, const char **reason)
{
    json_t     *ops, *op;
    size_t      i;
    ngx_str_t   s;

    if (json_object_get(jwk, "use") != NULL) {
        if (ngx_sg_sign_str(jwk, "use", &s) != NGX_OK
            || s.len != 3 || ngx_strncmp(s.data, "sig", 3) != 0)
        {
            *reason = "key not for signing";
            return NGX_DECLINED;
        }
    }

    ops = json_object_get(jwk, "key_ops");

    if (ops != NULL) {
        if (!json_is_array(ops)) {
            *reason = "key not for signing";
            return NGX_DECLINED;
        }

        json_array_foreach(ops, i, op) {
            if (json_is_string(op) && ngx_strcmp(json_string_value(op), "sign")
                                      == 0)
            {
                break;
            }
        }

        if (i == json_array_size(ops)) {
            *reason = "key not for signing";
            return NGX_DECLINED;
        }
    }

    if (json_object_get(jwk, "alg") != NULL) {
        if (ngx_sg_sign_str(jwk, "alg", &s) != NGX_OK
            || s.len != alg->name.len
            || ngx_strncmp(s.data, alg->name.data, s.len) != 0)
        {
            *reason = "jwk alg mismatch";
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


/*
 * The public members only, in a new object (malloc()ed by jansson, the
 * caller releases it): what the thumbprint covers and what is published.
 */

static json_t *
ngx_sg_sign_public(json_t *jwk, ngx_uint_t kty)
{
    json_t       *pub, *v;
    ngx_uint_t    i;
    const char  **names;

    static const char  *ec[] = { "kty", "crv", "x", "y", NULL };
    static const char  *okp[] = { "kty", "crv", "x", NULL };
    static const char  *rsa[] = { "kty", "n", "e", NULL };

    names = (kty == NGX_SG_KTY_EC) ? ec : (kty == NGX_SG_KTY_OKP) ? okp : rsa;

    pub = json_object();
    if (pub == NULL) {
        return NULL;
    }

    for (i = 0; names[i]; i++) {
        v = json_object_get(jwk, names[i]);

        if (v == NULL) {
            /* the import reports it */
            continue;
        }

        if (json_object_set_new(pub, names[i], json_copy(v)) != 0) {
            json_decref(pub);
            return NULL;
        }
    }

    return pub;
}


/* a base64url member, decoded into pool; NGX_DECLINED if bad or absent */

static ngx_int_t
ngx_sg_sign_bytes(ngx_pool_t *pool, json_t *jwk, const char *name,
    ngx_str_t *out)
{
    ngx_str_t  s;

    if (ngx_sg_sign_str(jwk, name, &s) != NGX_OK || s.len == 0) {
        return NGX_DECLINED;
    }

    return ngx_sg_base64url_decode_pool(pool, out, &s);
}


static EVP_PKEY *
ngx_sg_sign_ec(ngx_pool_t *pool, json_t *jwk, ngx_sg_key_t *pub,
    const char **reason)
{
    u_char          *point;
    size_t           plen;
    BIGNUM          *bn;
    EVP_PKEY        *pkey;
    ngx_str_t        d;
    OSSL_PARAM_BLD  *bld;

    if (ngx_sg_sign_bytes(pool, jwk, "d", &d) != NGX_OK || d.len != 32) {
        *reason = "bad ec key";
        return NULL;
    }

    plen = EVP_PKEY_get1_encoded_public_key(pub->pkey, &point);
    if (plen == 0) {
        ngx_sg_sign_wipe(&d);
        ERR_clear_error();
        return NULL;
    }

    pkey = NULL;

    bn = BN_bin2bn(d.data, (int) d.len, NULL);
    ngx_sg_sign_wipe(&d);

    bld = OSSL_PARAM_BLD_new();

    if (bn == NULL || bld == NULL) {
        goto done;
    }

    if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                        "prime256v1", 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                            point, plen) != 1
        || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn) != 1)
    {
        goto done;
    }

    pkey = ngx_sg_sign_keypair("EC", bld);

done:

    if (pkey == NULL) {
        ERR_clear_error();
        *reason = "bad ec key";
    }

    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(bn);
    OPENSSL_free(point);

    return pkey;
}


static EVP_PKEY *
ngx_sg_sign_okp(ngx_pool_t *pool, json_t *jwk, const char **reason)
{
    EVP_PKEY   *pkey;
    ngx_str_t   d;

    if (ngx_sg_sign_bytes(pool, jwk, "d", &d) != NGX_OK || d.len != 32) {
        *reason = "bad okp key";
        return NULL;
    }

    pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, d.data, 32);

    ngx_sg_sign_wipe(&d);

    if (pkey == NULL) {
        ERR_clear_error();
        *reason = "bad okp key";
    }

    return pkey;
}


static EVP_PKEY *
ngx_sg_sign_rsa(ngx_pool_t *pool, json_t *jwk, const char **reason)
{
    BIGNUM          *bn[8];
    EVP_PKEY        *pkey;
    ngx_str_t        v;
    ngx_uint_t       i, n, crt;
    OSSL_PARAM_BLD  *bld;

    static const char  *members[] = { "n", "e", "d", "p", "q", "dp", "dq",
                                      "qi" };
    static const char  *names[] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    };

    ngx_memzero(bn, sizeof(bn));

    pkey = NULL;
    bld = NULL;

    /* the CRT members: all or none ("oth", more primes, is not taken) */

    crt = 0;

    for (i = 3; i < 8; i++) {
        if (json_object_get(jwk, members[i]) != NULL) {
            crt++;
        }
    }

    if ((crt != 0 && crt != 5) || json_object_get(jwk, "oth") != NULL) {
        goto done;
    }

    n = crt ? 8 : 3;

    for (i = 0; i < n; i++) {
        if (ngx_sg_sign_bytes(pool, jwk, members[i], &v) != NGX_OK) {
            goto done;
        }

        bn[i] = BN_bin2bn(v.data, (int) v.len, NULL);

        ngx_sg_sign_wipe(&v);

        if (bn[i] == NULL) {
            goto done;
        }
    }

    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) {
        goto done;
    }

    for (i = 0; i < n; i++) {
        if (OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]) != 1) {
            goto done;
        }
    }

    pkey = ngx_sg_sign_keypair("RSA", bld);

done:

    if (pkey == NULL) {
        ERR_clear_error();
        *reason = "bad rsa key";
    }

    OSSL_PARAM_BLD_free(bld);

    for (i = 0; i < 8; i++) {
        BN_clear_free(bn[i]);
    }

    return pkey;
}


/* the key pair of that type from the parameters in bld; NULL: invalid */

static EVP_PKEY *
ngx_sg_sign_keypair(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY      *pkey;
    OSSL_PARAM    *params;
    EVP_PKEY_CTX  *ctx;

    pkey = NULL;

    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) {
        return NULL;
    }

    ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);

    if (ctx == NULL
        || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
    {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }

    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);

    return pkey;
}


static void
ngx_sg_sign_wipe(ngx_str_t *s)
{
    OPENSSL_cleanse(s->data, s->len);
}


ngx_int_t
ngx_sg_jti(ngx_str_t *jti)
{
    u_char     rnd[NGX_SG_JTI_BYTES];
    ngx_str_t  src;

    if (RAND_bytes(rnd, NGX_SG_JTI_BYTES) != 1) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    src.data = rnd;
    src.len = NGX_SG_JTI_BYTES;
    ngx_encode_base64url(jti, &src);

    return NGX_OK;
}

