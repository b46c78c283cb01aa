
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Key material shared by the importers: curves, RSA and EC checks, pool
 * ownership of EVP_PKEYs; PEM public key import; RFC 7638 thumbprints.
 *
 * Return contract: NGX_OK usable key, NGX_DECLINED invalid input (reason
 * set), NGX_ERROR internal failure.  Every EVP_PKEY made here is freed by
 * a cleanup of the pool it was made for.  Limits: PEM input up to
 * NGX_SG_JWKS_MAX_SIZE bytes; RSA as ngx_sg_rsa_check() says; EC keys on
 * P-256, P-384 and P-521 only.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ngx_sg_jose.h"
#include "ngx_sg_sha256.h"


static void ngx_sg_pkey_cleanup(void *data);
static ngx_int_t ngx_sg_pem_key(EVP_PKEY *pkey, ngx_sg_key_t *key,
    const char **reason);
static int ngx_sg_pem_no_password(char *buf, int size, int rwflag,
    void *u);
static ngx_int_t ngx_sg_key_string(json_t *jwk, const char *name,
    ngx_str_t *value);
static ngx_int_t ngx_sg_thumbprint_value(EVP_MD_CTX *md, json_t *jwk,
    const char *name, ngx_uint_t first);


static ngx_sg_curve_t  ngx_sg_curves[] = {
    { ngx_string("P-256"), "prime256v1", NID_X9_62_prime256v1, 32 },
    { ngx_string("P-384"), "secp384r1", NID_secp384r1, 48 },
    { ngx_string("P-521"), "secp521r1", NID_secp521r1, 66 },
    { ngx_null_string, NULL, NID_undef, 0 }
};


ngx_sg_curve_t *
ngx_sg_curve_by_name(u_char *name, size_t len)
{
    ngx_sg_curve_t  *c;

    for (c = ngx_sg_curves; c->group; c++) {
        if (c->crv.len == len && ngx_memcmp(c->crv.data, name, len) == 0) {
            return c;
        }
    }

    return NULL;
}


ngx_sg_curve_t *
ngx_sg_curve_by_nid(int nid)
{
    ngx_sg_curve_t  *c;

    for (c = ngx_sg_curves; c->group; c++) {
        if (c->nid == nid) {
            return c;
        }
    }

    return NULL;
}


ngx_int_t
ngx_sg_rsa_check(const BIGNUM *n, const BIGNUM *e, const char **reason)
{
    int  bits;

    bits = BN_num_bits(n);

    if (bits < NGX_SG_RSA_MIN_BITS) {
        *reason = "rsa key too small";
        return NGX_DECLINED;
    }

    if (bits > NGX_SG_RSA_MAX_BITS) {
        *reason = "rsa key too large";
        return NGX_DECLINED;
    }

    if (!BN_is_odd(n)) {
        *reason = "bad rsa key";
        return NGX_DECLINED;
    }

    /* odd and at least 2 bits: e >= 3; a huge e only costs us time */

    if (!BN_is_odd(e)
        || BN_num_bits(e) < 2
        || BN_num_bits(e) > NGX_SG_RSA_MAX_E_BITS)
    {
        *reason = "bad rsa exponent";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * The point is on the curve, not at infinity, with coordinates below the
 * field prime; for these prime-order curves no subgroup check is needed.
 */

ngx_int_t
ngx_sg_ec_check(EVP_PKEY *pkey)
{
    int            ok;
    EVP_PKEY_CTX  *ctx;

    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (ctx == NULL) {
        ERR_clear_error();
        return NGX_DECLINED;
    }

    ok = EVP_PKEY_public_check_quick(ctx);

    EVP_PKEY_CTX_free(ctx);

    if (ok != 1) {
        ERR_clear_error();
        return NGX_DECLINED;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_pkey_own(ngx_pool_t *pool, EVP_PKEY *pkey)
{
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        EVP_PKEY_free(pkey);
        return NGX_ERROR;
    }

    cln->handler = ngx_sg_pkey_cleanup;
    cln->data = pkey;

    return NGX_OK;
}


static void
ngx_sg_pkey_cleanup(void *data)
{
    EVP_PKEY_free(data);
}


ngx_int_t
ngx_sg_pem_import(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_sg_key_t *key, const char **reason)
{
    BIO         *bio;
    X509        *x509;
    EVP_PKEY    *pkey;
    ngx_int_t    rc;
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    ngx_memzero(key, sizeof(ngx_sg_key_t));

    if (len == 0 || len > NGX_SG_JWKS_MAX_SIZE) {
        *reason = "bad pem";
        return NGX_DECLINED;
    }

    bio = BIO_new_mem_buf(data, (int) len);
    if (bio == NULL) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    pkey = PEM_read_bio_PUBKEY(bio, NULL, ngx_sg_pem_no_password, NULL);

    BIO_free(bio);

    if (pkey == NULL) {
        ERR_clear_error();

        bio = BIO_new_mem_buf(data, (int) len);
        if (bio == NULL) {
            ERR_clear_error();
            return NGX_ERROR;
        }

        x509 = PEM_read_bio_X509(bio, NULL, ngx_sg_pem_no_password, NULL);

        BIO_free(bio);

        if (x509) {
            pkey = X509_get_pubkey(x509);
            X509_free(x509);
        }
    }

    if (pkey == NULL) {
        ERR_clear_error();
        *reason = "bad pem";
        return NGX_DECLINED;
    }

    if (ngx_sg_pkey_own(pool, pkey) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_sg_pem_key(pkey, key, reason);

    if (rc == NGX_OK && ngx_sg_key_prepare(pool, key) != NGX_OK) {
        rc = NGX_ERROR;
    }

    if (rc != NGX_OK) {
        ngx_memzero(key, sizeof(ngx_sg_key_t));
    }

    return rc;
}


static ngx_int_t
ngx_sg_pem_key(EVP_PKEY *pkey, ngx_sg_key_t *key, const char **reason)
{
    int              nid;
    size_t           len;
    BIGNUM          *n, *e;
    ngx_int_t        rc;
    ngx_sg_curve_t  *c;
    char             group[64];

    switch (EVP_PKEY_get_base_id(pkey)) {

    case EVP_PKEY_RSA:
        n = NULL;
        e = NULL;

        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1
            || EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        {
            ERR_clear_error();
            BN_free(n);
            BN_free(e);
            *reason = "bad pem";
            return NGX_DECLINED;
        }

        rc = ngx_sg_rsa_check(n, e, reason);

        key->bits = BN_num_bits(n);

        BN_free(n);
        BN_free(e);

        if (rc != NGX_OK) {
            return rc;
        }

        key->kty = NGX_SG_KTY_RSA;
        break;

    case EVP_PKEY_EC:
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                           group, sizeof(group), &len)
            != 1)
        {
            ERR_clear_error();
            *reason = "unsupported curve";
            return NGX_DECLINED;
        }

        nid = OBJ_sn2nid(group);
        c = ngx_sg_curve_by_nid(nid);

        if (nid == NID_undef || c == NULL) {
            *reason = "unsupported curve";
            return NGX_DECLINED;
        }

        if (ngx_sg_ec_check(pkey) != NGX_OK) {
            *reason = "bad ec key";
            return NGX_DECLINED;
        }

        key->kty = NGX_SG_KTY_EC;
        key->curve = nid;
        key->bits = EVP_PKEY_get_bits(pkey);
        break;

    case EVP_PKEY_ED25519:
        key->kty = NGX_SG_KTY_OKP;
        key->curve = NID_ED25519;
        key->bits = 256;
        break;

    default:
        *reason = "unsupported key type";
        return NGX_DECLINED;
    }

    key->pkey = pkey;

    return NGX_OK;
}


/* encrypted PEM is not a public key: never prompt on a terminal */

static int
ngx_sg_pem_no_password(char *buf, int size, int rwflag, void *u)
{
    return -1;
}


ngx_int_t
ngx_sg_jwk_thumbprint(json_t *jwk, u_char digest[32], const char **reason)
{
    ngx_int_t        rc;
    ngx_str_t        kty;
    ngx_uint_t       i;
    const char      *dummy, **names;
    unsigned int     n;
    EVP_MD_CTX      *md;

    static const char  *rsa[] = { "e", "kty", "n", NULL };
    static const char  *ec[] = { "crv", "kty", "x", "y", NULL };
    static const char  *okp[] = { "crv", "kty", "x", NULL };
    static const char  *oct[] = { "k", "kty", NULL };

    if (reason == NULL) {
        reason = &dummy;
    }

    if (jwk == NULL || !json_is_object(jwk)
        || ngx_sg_key_string(jwk, "kty", &kty) != NGX_OK)
    {
        *reason = "bad jwk";
        return NGX_DECLINED;
    }

    if (kty.len == 3 && ngx_memcmp(kty.data, "RSA", 3) == 0) {
        names = rsa;

    } else if (kty.len == 2 && ngx_memcmp(kty.data, "EC", 2) == 0) {
        names = ec;

    } else if (kty.len == 3 && ngx_memcmp(kty.data, "OKP", 3) == 0) {
        names = okp;

    } else if (kty.len == 3 && ngx_memcmp(kty.data, "oct", 3) == 0) {
        names = oct;

    } else {
        *reason = "unsupported kty";
        return NGX_DECLINED;
    }

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        ERR_clear_error();
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (EVP_DigestInit_ex(md, ngx_sg_sha256(), NULL) != 1
        || EVP_DigestUpdate(md, "{", 1) != 1)
    {
        goto done;
    }

    for (i = 0; names[i]; i++) {
        rc = ngx_sg_thumbprint_value(md, jwk, names[i], i == 0);

        if (rc != NGX_OK) {
            if (rc == NGX_DECLINED) {
                *reason = "bad jwk";
            }

            goto done;
        }
    }

    rc = NGX_ERROR;

    if (EVP_DigestUpdate(md, "}", 1) != 1
        || EVP_DigestFinal_ex(md, digest, &n) != 1
        || n != 32)
    {
        goto done;
    }

    rc = NGX_OK;

done:

    if (rc == NGX_ERROR) {
        ERR_clear_error();
    }

    EVP_MD_CTX_free(md);

    return rc;
}


/* NGX_OK a non-empty string, NGX_DECLINED anything else */

static ngx_int_t
ngx_sg_key_string(json_t *jwk, const char *name, ngx_str_t *value)
{
    json_t  *v;

    v = json_object_get(jwk, name);

    if (v == NULL || !json_is_string(v) || json_string_length(v) == 0) {
        return NGX_DECLINED;
    }

    value->data = (u_char *) json_string_value(v);
    value->len = json_string_length(v);

    return NGX_OK;
}


/*
 * Adds ',"name":"value"' to the digest.  RFC 7638 hashes the members as
 * JSON; refusing any character that JSON would escape keeps the value
 * hashed byte for byte as it appears.
 */

static ngx_int_t
ngx_sg_thumbprint_value(EVP_MD_CTX *md, json_t *jwk, const char *name,
    ngx_uint_t first)
{
    size_t      i;
    ngx_str_t   value;

    if (ngx_sg_key_string(jwk, name, &value) != NGX_OK) {
        return NGX_DECLINED;
    }

    for (i = 0; i < value.len; i++) {
        if (value.data[i] < 0x20 || value.data[i] > 0x7e
            || value.data[i] == '"' || value.data[i] == '\\')
        {
            return NGX_DECLINED;
        }
    }

    if ((!first && EVP_DigestUpdate(md, ",", 1) != 1)
        || EVP_DigestUpdate(md, "\"", 1) != 1
        || EVP_DigestUpdate(md, name, ngx_strlen(name)) != 1
        || EVP_DigestUpdate(md, "\":\"", 3) != 1
        || EVP_DigestUpdate(md, value.data, value.len) != 1
        || EVP_DigestUpdate(md, "\"", 1) != 1)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}
