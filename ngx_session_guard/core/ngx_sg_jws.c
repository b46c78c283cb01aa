
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JWS compact serialisation (RFC 7515): parsing, algorithm table, key
 * fitness and signature verification (RFC 7518, RFC 8037).
 *
 * Return contract: NGX_OK valid, NGX_DECLINED invalid (reason set),
 * NGX_ERROR internal failure (memory, OpenSSL), which is never "valid".
 *
 * Rules that close known JWT holes: "none" is not an algorithm here; HMAC
 * algorithms take "oct" keys only, so a public key is never an HMAC secret;
 * a key with its own "alg" serves that algorithm only; EC keys serve only
 * the algorithm of their curve; ECDSA signatures are the fixed-size R||S of
 * RFC 7518 3.4, never DER; "crit" is refused because no extension is
 * understood; the header may not repeat a member.  Limits: token size
 * NGX_SG_TOKEN_MAX_SIZE, JSON depth NGX_SG_JSON_MAX_DEPTH, kid length
 * NGX_SG_KID_MAX_LEN, at most nkeys signature checks per token.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include "ngx_sg_jose.h"
#include "ngx_sg_sha256.h"


static ngx_int_t ngx_sg_jws_split(ngx_str_t *token, u_char **dot1,
    u_char **dot2, const char **reason);
static ngx_int_t ngx_sg_jws_body(ngx_pool_t *pool, ngx_str_t *token,
    u_char *dot1, u_char *dot2, ngx_uint_t flags, ngx_sg_jws_t *jws,
    const char **reason);
static ngx_int_t ngx_sg_jws_decode(ngx_pool_t *pool, u_char *start,
    u_char *end, ngx_str_t *dst);
static ngx_int_t ngx_sg_jws_header(ngx_sg_jws_t *jws, const char **reason);
static const EVP_MD *ngx_sg_jws_md(ngx_sg_alg_t *alg);
static const EVP_MD *ngx_sg_jws_md_fetch(ngx_uint_t i, const char *name);
static ngx_int_t ngx_sg_jws_hmac(ngx_sg_jws_t *jws, ngx_sg_key_t *key,
    const char **reason);
static ngx_int_t ngx_sg_jws_pkey(ngx_sg_jws_t *jws, ngx_sg_key_t *key,
    const char **reason);
static ngx_int_t ngx_sg_jws_verify_init(EVP_MD_CTX *mctx, ngx_sg_key_t *key,
    ngx_sg_alg_t *alg);
static void ngx_sg_jws_mctx_free(void *data);


static ngx_sg_alg_t  ngx_sg_algs[] = {

    { ngx_string("RS256"), NGX_SG_ALG_RS256, NGX_SG_KTY_RSA,
      "SHA256", 0, 0, 0 },
    { ngx_string("RS384"), NGX_SG_ALG_RS384, NGX_SG_KTY_RSA,
      "SHA384", 0, 0, 0 },
    { ngx_string("RS512"), NGX_SG_ALG_RS512, NGX_SG_KTY_RSA,
      "SHA512", 0, 0, 0 },

    { ngx_string("PS256"), NGX_SG_ALG_PS256, NGX_SG_KTY_RSA,
      "SHA256", 1, 0, 0 },
    { ngx_string("PS384"), NGX_SG_ALG_PS384, NGX_SG_KTY_RSA,
      "SHA384", 1, 0, 0 },
    { ngx_string("PS512"), NGX_SG_ALG_PS512, NGX_SG_KTY_RSA,
      "SHA512", 1, 0, 0 },

    { ngx_string("ES256"), NGX_SG_ALG_ES256, NGX_SG_KTY_EC,
      "SHA256", 0, NID_X9_62_prime256v1, 64 },
    { ngx_string("ES384"), NGX_SG_ALG_ES384, NGX_SG_KTY_EC,
      "SHA384", 0, NID_secp384r1, 96 },
    { ngx_string("ES512"), NGX_SG_ALG_ES512, NGX_SG_KTY_EC,
      "SHA512", 0, NID_secp521r1, 132 },

    { ngx_string("EdDSA"), NGX_SG_ALG_EDDSA, NGX_SG_KTY_OKP,
      NULL, 0, NID_ED25519, 64 },

    /* for HMAC, sig_len is the MAC length and the minimum key length */

    { ngx_string("HS256"), NGX_SG_ALG_HS256, NGX_SG_KTY_OCT,
      "SHA256", 0, 0, 32 },
    { ngx_string("HS384"), NGX_SG_ALG_HS384, NGX_SG_KTY_OCT,
      "SHA384", 0, 0, 48 },
    { ngx_string("HS512"), NGX_SG_ALG_HS512, NGX_SG_KTY_OCT,
      "SHA512", 0, 0, 64 }
};


/* digests fetched once per process, not once per signature */

static EVP_MD  *ngx_sg_jws_mds[2];


ngx_sg_alg_t *
ngx_sg_alg_by_name(u_char *name, size_t len)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_SG_ALG_COUNT; i++) {
        if (ngx_sg_algs[i].name.len == len
            && ngx_memcmp(ngx_sg_algs[i].name.data, name, len) == 0)
        {
            return &ngx_sg_algs[i];
        }
    }

    return NULL;
}


ngx_sg_alg_t *
ngx_sg_alg_by_id(ngx_uint_t id)
{
    if (id >= NGX_SG_ALG_COUNT) {
        return NULL;
    }

    return &ngx_sg_algs[id];
}


ngx_int_t
ngx_sg_jws_parse(ngx_pool_t *pool, ngx_str_t *token, ngx_uint_t flags,
    ngx_sg_jws_t *jws, const char **reason)
{
    u_char      *dot1, *dot2;
    ngx_int_t    rc;
    ngx_str_t    header;
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    ngx_memzero(jws, sizeof(ngx_sg_jws_t));

    rc = ngx_sg_jws_split(token, &dot1, &dot2, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_sg_jws_decode(pool, token->data, dot1, &header);
    if (rc != NGX_OK) {
        *reason = "bad base64url";
        return rc;
    }

    rc = ngx_sg_json_parse_object(pool, header.data, header.len,
                                  NGX_SG_JSON_MAX_DEPTH, &jws->header,
                                  reason);
    if (rc != NGX_OK) {
        *reason = "bad header json";
        return rc;
    }

    rc = ngx_sg_jws_header(jws, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sg_jws_body(pool, token, dot1, dot2, flags, jws, reason);
}


ngx_int_t
ngx_sg_jws_parse_known(ngx_pool_t *pool, ngx_str_t *token, ngx_uint_t flags,
    ngx_sg_alg_t *alg, ngx_sg_jws_t *jws, const char **reason)
{
    u_char      *dot1, *dot2;
    ngx_int_t    rc;
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    ngx_memzero(jws, sizeof(ngx_sg_jws_t));

    rc = ngx_sg_jws_split(token, &dot1, &dot2, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    jws->alg = alg;

    return ngx_sg_jws_body(pool, token, dot1, dot2, flags, jws, reason);
}


/* three segments, the first two not empty */

static ngx_int_t
ngx_sg_jws_split(ngx_str_t *token, u_char **dot1, u_char **dot2,
    const char **reason)
{
    u_char  *start, *end;

    if (token->len > NGX_SG_TOKEN_MAX_SIZE) {
        *reason = "token too large";
        return NGX_DECLINED;
    }

    start = token->data;
    end = token->data + token->len;

    *dot1 = (token->len == 0) ? NULL : ngx_strlchr(start, end, '.');
    *dot2 = (*dot1 == NULL) ? NULL : ngx_strlchr(*dot1 + 1, end, '.');

    if (*dot2 == NULL
        || ngx_strlchr(*dot2 + 1, end, '.') != NULL
        || *dot1 == start
        || *dot2 == *dot1 + 1)
    {
        *reason = "malformed token";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the payload and the signature, once the header is known good */

static ngx_int_t
ngx_sg_jws_body(ngx_pool_t *pool, ngx_str_t *token, u_char *dot1,
    u_char *dot2, ngx_uint_t flags, ngx_sg_jws_t *jws, const char **reason)
{
    u_char     *end;
    ngx_int_t   rc;

    end = token->data + token->len;

    /* checked after the header, so that "alg none" is what gets logged */

    if (dot2 + 1 == end) {
        *reason = "malformed token";
        return NGX_DECLINED;
    }

    rc = ngx_sg_jws_decode(pool, dot1 + 1, dot2, &jws->payload_raw);
    if (rc != NGX_OK) {
        *reason = "bad base64url";
        return rc;
    }

    if (flags & NGX_SG_JWS_JSON_PAYLOAD) {
        rc = ngx_sg_json_parse_object(pool, jws->payload_raw.data,
                                      jws->payload_raw.len,
                                      NGX_SG_JSON_MAX_DEPTH, &jws->payload,
                                      reason);
        if (rc != NGX_OK) {
            *reason = "bad payload json";
            return rc;
        }
    }

    rc = ngx_sg_jws_decode(pool, dot2 + 1, end, &jws->signature);
    if (rc != NGX_OK) {
        *reason = "bad base64url";
        return rc;
    }

    jws->raw = *token;
    jws->signing_input.data = token->data;
    jws->signing_input.len = dot2 - token->data;

    return NGX_OK;
}


ngx_uint_t
ngx_sg_key_fits(ngx_sg_key_t *key, ngx_sg_alg_t *alg)
{
    if (key == NULL || alg == NULL || key->kty != alg->kty) {
        return 0;
    }

    if (key->alg.len
        && (key->alg.len != alg->name.len
            || ngx_memcmp(key->alg.data, alg->name.data, alg->name.len) != 0))
    {
        return 0;
    }

    switch (key->kty) {

    case NGX_SG_KTY_OCT:
        return key->pkey == NULL
               && key->secret.data != NULL
               && key->secret.len >= alg->sig_len
               && key->secret.len >= NGX_SG_HMAC_MIN_LEN;

    case NGX_SG_KTY_RSA:
        return key->pkey != NULL && key->bits >= NGX_SG_RSA_MIN_BITS;

    case NGX_SG_KTY_EC:
    case NGX_SG_KTY_OKP:
        return key->pkey != NULL && key->curve == alg->curve;

    default:
        return 0;
    }
}


ngx_int_t
ngx_sg_jws_verify(ngx_sg_jws_t *jws, ngx_sg_key_t *key,
    const char **reason)
{
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    if (!ngx_sg_key_fits(key, jws->alg)) {
        *reason = "no key fits alg";
        return NGX_DECLINED;
    }

    if (jws->signing_input.len == 0) {
        /* not parsed */
        *reason = "malformed token";
        return NGX_DECLINED;
    }

    if (jws->alg->kty == NGX_SG_KTY_OCT) {
        return ngx_sg_jws_hmac(jws, key, reason);
    }

    return ngx_sg_jws_pkey(jws, key, reason);
}


ngx_int_t
ngx_sg_jws_verify_keys(ngx_sg_jws_t *jws, ngx_sg_key_t *keys,
    ngx_uint_t nkeys, ngx_uint_t allowed, const char **reason)
{
    ngx_int_t      rc;
    ngx_uint_t     i, pass, kid_seen, tried;
    const char    *dummy, *last;
    ngx_sg_key_t  *key;

    if (reason == NULL) {
        reason = &dummy;
    }

    if (jws->alg == NULL) {
        *reason = "unknown alg";
        return NGX_DECLINED;
    }

    if (!(allowed & ((ngx_uint_t) 1 << jws->alg->id))) {
        *reason = "alg not allowed";
        return NGX_DECLINED;
    }

    kid_seen = 0;
    tried = 0;
    last = "bad signature";

    /*
     * Pass 0: with a kid, only the keys that carry it; without one, every
     * key.  Pass 1, only when the token has a kid that no key carries: the
     * keys that have no kid at all (a PEM key loaded without one), as such
     * a key is no less the issuer's for lacking a label.
     */

    for (pass = 0; pass < 2; pass++) {

        if (pass == 1 && (jws->kid.len == 0 || kid_seen)) {
            break;
        }

        for (i = 0; i < nkeys; i++) {
            key = &keys[i];

            if (pass == 1) {
                if (key->kid.len) {
                    continue;
                }

            } else if (jws->kid.len) {
                if (key->kid.len != jws->kid.len
                    || ngx_memcmp(key->kid.data, jws->kid.data,
                                  jws->kid.len)
                       != 0)
                {
                    continue;
                }

                kid_seen = 1;
            }

            if (!ngx_sg_key_fits(key, jws->alg)) {
                continue;
            }

            tried++;

            rc = ngx_sg_jws_verify(jws, key, &last);

            if (rc != NGX_DECLINED) {
                /* NGX_OK, or NGX_ERROR: an internal failure is not "valid" */
                return rc;
            }
        }
    }

    if (jws->kid.len && !kid_seen && tried == 0) {
        *reason = "unknown kid";
        return NGX_DECLINED;
    }

    if (tried == 0) {
        *reason = "no key fits alg";
        return NGX_DECLINED;
    }

    *reason = last;

    return NGX_DECLINED;
}


static ngx_int_t
ngx_sg_jws_decode(ngx_pool_t *pool, u_char *start, u_char *end,
    ngx_str_t *dst)
{
    ngx_str_t  src;

    src.data = start;
    src.len = end - start;

    return ngx_sg_base64url_decode_pool(pool, dst, &src);
}


static ngx_int_t
ngx_sg_jws_header(ngx_sg_jws_t *jws, const char **reason)
{
    json_t      *v;
    size_t       len;
    const char  *name;

    v = json_object_get(jws->header, "alg");

    if (v == NULL || !json_is_string(v)) {
        *reason = "missing alg";
        return NGX_DECLINED;
    }

    name = json_string_value(v);
    len = json_string_length(v);

    /* "none" in any letter case, to name the attempt in the log */

    if (len == 4
        && ngx_tolower(name[0]) == 'n' && ngx_tolower(name[1]) == 'o'
        && ngx_tolower(name[2]) == 'n' && ngx_tolower(name[3]) == 'e')
    {
        *reason = "alg none";
        return NGX_DECLINED;
    }

    jws->alg = ngx_sg_alg_by_name((u_char *) name, len);

    if (jws->alg == NULL) {
        *reason = "unknown alg";
        return NGX_DECLINED;
    }

    /* RFC 7515 4.1.11: an extension we do not understand must fail */

    if (json_object_get(jws->header, "crit") != NULL) {
        *reason = "crit not supported";
        return NGX_DECLINED;
    }

    /* RFC 7797 unencoded payloads are not supported */

    v = json_object_get(jws->header, "b64");

    if (v != NULL && !json_is_true(v)) {
        *reason = "b64 not supported";
        return NGX_DECLINED;
    }

    v = json_object_get(jws->header, "kid");

    if (v != NULL) {
        if (!json_is_string(v)
            || json_string_length(v) > NGX_SG_KID_MAX_LEN)
        {
            *reason = "bad kid";
            return NGX_DECLINED;
        }

        jws->kid.data = (u_char *) json_string_value(v);
        jws->kid.len = json_string_length(v);
    }

    v = json_object_get(jws->header, "typ");

    if (v != NULL) {
        if (!json_is_string(v)) {
            *reason = "bad typ";
            return NGX_DECLINED;
        }

        jws->typ.data = (u_char *) json_string_value(v);
        jws->typ.len = json_string_length(v);
    }

    return NGX_OK;
}


static const EVP_MD *
ngx_sg_jws_md(ngx_sg_alg_t *alg)
{
    ngx_uint_t  i;

    switch (alg->digest[3]) {

    case '2':       /* SHA256: the module's one, ngx_sg_sha256.c */
        return ngx_sg_sha256();

    case '3':       /* SHA384 */
        i = 0;
        break;

    default:        /* SHA512 */
        i = 1;
        break;
    }

    return ngx_sg_jws_md_fetch(i, alg->digest);
}


static const EVP_MD *
ngx_sg_jws_md_fetch(ngx_uint_t i, const char *name)
{
    if (ngx_sg_jws_mds[i] == NULL) {
        ngx_sg_jws_mds[i] = EVP_MD_fetch(NULL, name, NULL);

        if (ngx_sg_jws_mds[i] == NULL) {
            ERR_clear_error();
        }
    }

    return ngx_sg_jws_mds[i];
}


static ngx_int_t
ngx_sg_jws_hmac(ngx_sg_jws_t *jws, ngx_sg_key_t *key, const char **reason)
{
    int            diff;
    unsigned int   len;
    const EVP_MD  *md;
    u_char         mac[EVP_MAX_MD_SIZE];

    if (jws->signature.len != jws->alg->sig_len) {
        *reason = "bad signature length";
        return NGX_DECLINED;
    }

    md = ngx_sg_jws_md(jws->alg);
    if (md == NULL) {
        return NGX_ERROR;
    }

    if (key->secret.len > NGX_SG_HMAC_MAX_LEN) {
        *reason = "no key fits alg";
        return NGX_DECLINED;
    }

    if (HMAC(md, key->secret.data, (int) key->secret.len,
             jws->signing_input.data, jws->signing_input.len, mac, &len)
        == NULL
        || len != jws->alg->sig_len)
    {
        ERR_clear_error();
        return NGX_ERROR;
    }

    diff = CRYPTO_memcmp(mac, jws->signature.data, len);

    OPENSSL_cleanse(mac, sizeof(mac));

    if (diff != 0) {
        *reason = "bad signature";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sg_jws_pkey(ngx_sg_jws_t *jws, ngx_sg_key_t *key, const char **reason)
{
    int             ok;
    size_t          siglen;
    u_char         *sig;
    ngx_int_t       rc;
    EVP_MD_CTX     *mctx;
    ngx_sg_alg_t   *alg;
    u_char          der[NGX_SG_ECDSA_DER_MAX];

    alg = jws->alg;
    sig = jws->signature.data;
    siglen = jws->signature.len;

    if (alg->kty == NGX_SG_KTY_RSA) {
        /* exactly the modulus size (RFC 8017 8.2.2, 8.1.2) */
        ok = (siglen == (size_t) EVP_PKEY_get_size(key->pkey));

    } else {
        ok = (siglen == alg->sig_len);
    }

    if (!ok) {
        *reason = "bad signature length";
        return NGX_DECLINED;
    }

    if (alg->kty == NGX_SG_KTY_EC) {
        rc = ngx_sg_ecdsa_der(&jws->signature, der, &siglen);
        if (rc != NGX_OK) {
            return rc;
        }

        sig = der;
    }

    mctx = EVP_MD_CTX_new();
    if (mctx == NULL) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    /* a copy of the key's prepared context costs less than a new one */

    if (key->verify && key->verify[alg->id]) {
        if (EVP_MD_CTX_copy_ex(mctx, key->verify[alg->id]) != 1) {
            goto done;
        }

    } else if (ngx_sg_jws_verify_init(mctx, key, alg) != NGX_OK) {
        goto done;
    }

    ok = EVP_DigestVerify(mctx, sig, siglen, jws->signing_input.data,
                          jws->signing_input.len);

    if (ok == 1) {
        rc = NGX_OK;

    } else {
        /* 0: mismatch; < 0: malformed signature; never "valid" */
        *reason = "bad signature";
        rc = NGX_DECLINED;
    }

done:

    if (rc != NGX_OK) {
        ERR_clear_error();
    }

    EVP_MD_CTX_free(mctx);

    return rc;
}


static ngx_int_t
ngx_sg_jws_verify_init(EVP_MD_CTX *mctx, ngx_sg_key_t *key, ngx_sg_alg_t *alg)
{
    const EVP_MD  *md;
    EVP_PKEY_CTX  *pctx;

    md = NULL;

    if (alg->digest) {
        md = ngx_sg_jws_md(alg);
        if (md == NULL) {
            return NGX_ERROR;
        }
    }

    pctx = NULL;

    if (EVP_DigestVerifyInit(mctx, &pctx, md, NULL, key->pkey) != 1) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    /* RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash */

    if (alg->pss
        && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST)
               <= 0
            || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) <= 0))
    {
        ERR_clear_error();
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_key_prepare(ngx_pool_t *pool, ngx_sg_key_t *key)
{
    ngx_uint_t           i;
    EVP_MD_CTX          *mctx;
    ngx_sg_alg_t        *alg;
    ngx_pool_cleanup_t  *cln;

    if (key->pkey == NULL || key->verify != NULL) {
        return NGX_OK;
    }

    key->verify = ngx_pcalloc(pool, NGX_SG_ALG_COUNT * sizeof(EVP_MD_CTX *));
    if (key->verify == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < NGX_SG_ALG_COUNT; i++) {
        alg = &ngx_sg_algs[i];

        if (alg->kty == NGX_SG_KTY_OCT || !ngx_sg_key_fits(key, alg)) {
            continue;
        }

        cln = ngx_pool_cleanup_add(pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        mctx = EVP_MD_CTX_new();
        if (mctx == NULL) {
            ERR_clear_error();
            return NGX_ERROR;
        }

        cln->handler = ngx_sg_jws_mctx_free;
        cln->data = mctx;

        if (ngx_sg_jws_verify_init(mctx, key, alg) != NGX_OK) {
            return NGX_ERROR;
        }

        key->verify[i] = mctx;
    }

    return NGX_OK;
}


EVP_MD_CTX *
ngx_sg_jws_verify_ctx(ngx_sg_key_t *key, ngx_sg_alg_t *alg)
{
    EVP_MD_CTX  *mctx;

    if (key->pkey == NULL || !ngx_sg_key_fits(key, alg)) {
        return NULL;
    }

    mctx = EVP_MD_CTX_new();
    if (mctx == NULL) {
        ERR_clear_error();
        return NULL;
    }

    if (ngx_sg_jws_verify_init(mctx, key, alg) != NGX_OK) {
        EVP_MD_CTX_free(mctx);
        return NULL;
    }

    return mctx;
}


static void
ngx_sg_jws_mctx_free(void *data)
{
    EVP_MD_CTX_free(data);
}


/*
 * RFC 7518 3.4: R || S, each the size of the group order, to the DER
 * ECDSA-Sig-Value that OpenSSL verifies (SEQUENCE of two INTEGERs, each in
 * its fewest octets, a 0x00 before one whose top bit is set), written
 * directly: no BIGNUM, no allocation.
 */

ngx_int_t
ngx_sg_ecdsa_der(ngx_str_t *sig, u_char *der, size_t *len)
{
    u_char      *p, *v[2];
    size_t       half, n[2], pad[2], body;
    ngx_uint_t   i;

    half = sig->len / 2;

    if (sig->len == 0 || sig->len % 2 || half > NGX_SG_EC_MAX_SIZE) {
        return NGX_ERROR;
    }

    for (i = 0; i < 2; i++) {
        v[i] = sig->data + i * half;
        n[i] = half;

        while (n[i] > 1 && v[i][0] == 0) {
            v[i]++;
            n[i]--;
        }

        pad[i] = (v[i][0] & 0x80) ? 1 : 0;
    }

    /* an INTEGER of at most 67 octets: its length fits one octet */

    body = 2 + pad[0] + n[0] + 2 + pad[1] + n[1];

    p = der;
    *p++ = 0x30;

    if (body > 0x7f) {
        *p++ = 0x81;
    }

    *p++ = (u_char) body;

    for (i = 0; i < 2; i++) {
        *p++ = 0x02;
        *p++ = (u_char) (pad[i] + n[i]);

        if (pad[i]) {
            *p++ = 0x00;
        }

        p = ngx_cpymem(p, v[i], n[i]);
    }

    *len = p - der;

    return NGX_OK;
}
