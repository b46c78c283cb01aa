
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * An ES256 key made at start-up (no private key is committed) and compact
 * JWS signed with it, so that targets can let mutated headers and claims
 * get past a signature check: fuzz_dpop, fuzz_logout.
 */


#ifndef _SG_FUZZ_SIGN_H_INCLUDED_
#define _SG_FUZZ_SIGN_H_INCLUDED_


#include "fuzz.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>


static EVP_PKEY  *sg_fuzz_pkey;

/* base64url of the public key's coordinates, for a JWK */
static char       sg_fuzz_x[44], sg_fuzz_y[44];


static ngx_inline ngx_str_t
sg_fuzz_b64(ngx_pool_t *pool, u_char *p, size_t len)
{
    ngx_str_t  src, dst;

    src.data = p;
    src.len = len;

    dst.data = ngx_pnalloc(pool, ngx_base64_encoded_length(len));
    if (dst.data == NULL) {
        abort();
    }

    ngx_encode_base64url(&dst, &src);

    return dst;
}


static ngx_inline void
sg_fuzz_sign_init(void)
{
    u_char       pub[65];
    size_t       len;
    ngx_str_t    x, y;
    ngx_pool_t  *pool;

    sg_fuzz_pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (sg_fuzz_pkey == NULL) {
        abort();
    }

    if (!EVP_PKEY_get_octet_string_param(sg_fuzz_pkey,
                                         OSSL_PKEY_PARAM_PUB_KEY,
                                         pub, sizeof(pub), &len)
        || len != 65)
    {
        abort();
    }

    pool = sg_fuzz_pool();

    x = sg_fuzz_b64(pool, pub + 1, 32);
    y = sg_fuzz_b64(pool, pub + 33, 32);

    snprintf(sg_fuzz_x, sizeof(sg_fuzz_x), "%.*s", (int) x.len, x.data);
    snprintf(sg_fuzz_y, sizeof(sg_fuzz_y), "%.*s", (int) y.len, y.data);

    ngx_destroy_pool(pool);
}


/* header and payload are JSON (or any) text; ES256 with the key above */

static ngx_inline ngx_str_t
sg_fuzz_sign(ngx_pool_t *pool, ngx_str_t *header, ngx_str_t *payload)
{
    u_char              der[80], raw[64], *p, *input;
    size_t              derlen, n;
    ngx_str_t           h, b, s, token;
    EVP_MD_CTX         *md;
    ECDSA_SIG          *sig;
    const BIGNUM       *r, *sv;
    const u_char       *dp;

    h = sg_fuzz_b64(pool, header->data, header->len);
    b = sg_fuzz_b64(pool, payload->data, payload->len);

    n = h.len + 1 + b.len;
    input = ngx_pnalloc(pool, n + 1 + 86);
    if (input == NULL) {
        abort();
    }

    p = ngx_cpymem(input, h.data, h.len);
    *p++ = '.';
    p = ngx_cpymem(p, b.data, b.len);

    md = EVP_MD_CTX_new();
    derlen = sizeof(der);

    if (md == NULL
        || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, sg_fuzz_pkey)
           != 1
        || EVP_DigestSign(md, der, &derlen, input, n) != 1)
    {
        abort();
    }

    EVP_MD_CTX_free(md);

    dp = der;
    sig = d2i_ECDSA_SIG(NULL, &dp, derlen);
    if (sig == NULL) {
        abort();
    }

    ECDSA_SIG_get0(sig, &r, &sv);

    if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(sv, raw + 32, 32) != 32)
    {
        abort();
    }

    ECDSA_SIG_free(sig);

    s = sg_fuzz_b64(pool, raw, 64);

    *p++ = '.';
    p = ngx_cpymem(p, s.data, s.len);

    token.data = input;
    token.len = p - input;

    return token;
}


#endif /* _SG_FUZZ_SIGN_H_INCLUDED_ */
