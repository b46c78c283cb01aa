
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Sealed values (ngx_sg_seal.h): AES-256-GCM through OpenSSL's EVP.
 */


#include "ngx_sg_seal.h"
#include "ngx_sg_sha256.h"
#include "ngx_sg_jose.h"

#include <openssl/evp.h>
#include <openssl/rand.h>


#define NGX_SG_SEAL_VERSION      1
#define NGX_SG_SEAL_NONCE        12
#define NGX_SG_SEAL_TAG          16


ngx_int_t
ngx_sg_seal(ngx_pool_t *pool, u_char *key, ngx_str_t *purpose,
    ngx_str_t *plain, ngx_str_t *out)
{
    int               n;
    u_char           *raw, *p;
    size_t            len;
    ngx_int_t         rc;
    ngx_str_t         src;
    EVP_CIPHER_CTX   *cc;

    len = NGX_SG_SEAL_OVERHEAD + plain->len;

    if (ngx_sg_seal_len(plain->len) > NGX_SG_SEAL_MAX) {
        return NGX_DECLINED;
    }

    raw = ngx_pnalloc(pool, len);
    out->data = ngx_pnalloc(pool, ngx_base64_encoded_length(len));

    if (raw == NULL || out->data == NULL) {
        return NGX_ERROR;
    }

    raw[0] = NGX_SG_SEAL_VERSION;

    if (RAND_bytes(raw + 1, NGX_SG_SEAL_NONCE) != 1) {
        return NGX_ERROR;
    }

    cc = EVP_CIPHER_CTX_new();
    if (cc == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;
    p = raw + 1 + NGX_SG_SEAL_NONCE;

    if (EVP_EncryptInit_ex(cc, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1
        || EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_IVLEN, NGX_SG_SEAL_NONCE,
                               NULL) != 1
        || EVP_EncryptInit_ex(cc, NULL, NULL, key, raw + 1) != 1
        || EVP_EncryptUpdate(cc, NULL, &n, purpose->data,
                             (int) purpose->len) != 1
        || EVP_EncryptUpdate(cc, p, &n, plain->data, (int) plain->len) != 1)
    {
        goto done;
    }

    p += n;

    if (EVP_EncryptFinal_ex(cc, p, &n) != 1) {
        goto done;
    }

    p += n;

    if (EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_GET_TAG, NGX_SG_SEAL_TAG, p)
        != 1)
    {
        goto done;
    }

    p += NGX_SG_SEAL_TAG;

    src.data = raw;
    src.len = p - raw;

    ngx_encode_base64url(out, &src);

    rc = NGX_OK;

done:

    EVP_CIPHER_CTX_free(cc);

    return rc;
}


ngx_int_t
ngx_sg_seal_open(ngx_pool_t *pool, u_char *key, ngx_str_t *purpose,
    ngx_str_t *sealed, ngx_str_t *plain)
{
    int               n;
    u_char           *tag;
    ngx_int_t         rc;
    ngx_str_t         raw;
    EVP_CIPHER_CTX   *cc;

    if (sealed->len > NGX_SG_SEAL_MAX
        || sealed->len < ngx_sg_seal_len(0))
    {
        return NGX_DECLINED;
    }

    rc = ngx_sg_base64url_decode_pool(pool, &raw, sealed);

    if (rc != NGX_OK) {
        return rc;
    }

    if (raw.len < NGX_SG_SEAL_OVERHEAD
        || raw.data[0] != NGX_SG_SEAL_VERSION)
    {
        return NGX_DECLINED;
    }

    plain->len = raw.len - NGX_SG_SEAL_OVERHEAD;

    /* one more byte: an empty plaintext still gets a buffer */
    plain->data = ngx_pnalloc(pool, plain->len + 1);
    if (plain->data == NULL) {
        return NGX_ERROR;
    }

    tag = raw.data + raw.len - NGX_SG_SEAL_TAG;

    cc = EVP_CIPHER_CTX_new();
    if (cc == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (EVP_DecryptInit_ex(cc, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1
        || EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_IVLEN, NGX_SG_SEAL_NONCE,
                               NULL) != 1
        || EVP_DecryptInit_ex(cc, NULL, NULL, key, raw.data + 1) != 1
        || EVP_DecryptUpdate(cc, NULL, &n, purpose->data,
                             (int) purpose->len) != 1
        || EVP_DecryptUpdate(cc, plain->data, &n,
                             raw.data + 1 + NGX_SG_SEAL_NONCE,
                             (int) plain->len) != 1
        || EVP_CIPHER_CTX_ctrl(cc, EVP_CTRL_GCM_SET_TAG, NGX_SG_SEAL_TAG,
                               tag) != 1)
    {
        goto done;
    }

    /* the tag: nothing of the plaintext counts before this passes */

    if (EVP_DecryptFinal_ex(cc, plain->data + n, &n) != 1) {
        ngx_explicit_memzero(plain->data, plain->len);
        rc = NGX_DECLINED;
        goto done;
    }

    rc = NGX_OK;

done:

    EVP_CIPHER_CTX_free(cc);

    return rc;
}


ngx_int_t
ngx_sg_random_b64(ngx_pool_t *pool, size_t n, ngx_str_t *out)
{
    u_char     buf[64];
    ngx_str_t  src;

    if (n > sizeof(buf)) {
        return NGX_ERROR;
    }

    out->data = ngx_pnalloc(pool, ngx_base64_encoded_length(n));
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    if (RAND_bytes(buf, (int) n) != 1) {
        return NGX_ERROR;
    }

    src.data = buf;
    src.len = n;

    ngx_encode_base64url(out, &src);

    return NGX_OK;
}


void
ngx_sg_sid_tag(ngx_str_t *sid, u_char *tag)
{
    u_char  b64[NGX_SG_SHA256_B64_LEN];

    if (sid->len == 0
        || ngx_sg_sha256_b64(sid->data, sid->len, b64) != NGX_OK)
    {
        ngx_memset(tag, '-', NGX_SG_SID_TAG_LEN);
        return;
    }

    ngx_memcpy(tag, b64, NGX_SG_SID_TAG_LEN);
}
