
/*
 * Copyright (C) ngx_session_guard authors
 */


/* SHA-256 digests: see ngx_sg_sha256.h for the contract */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "ngx_sg_sha256.h"


/* fetched once per process, not once per digest */

static EVP_MD  *ngx_sg_sha256_md;


const EVP_MD *
ngx_sg_sha256(void)
{
    if (ngx_sg_sha256_md == NULL) {
        ngx_sg_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);

        if (ngx_sg_sha256_md == NULL) {
            ERR_clear_error();

            /* the implicit fetch on every use, as before, then */

            return EVP_sha256();
        }
    }

    return ngx_sg_sha256_md;
}


ngx_int_t
ngx_sg_sha256_digest(u_char *data, size_t len, u_char *digest)
{
    unsigned int  n;
    u_char        md[EVP_MAX_MD_SIZE];

    if (EVP_Digest(data, len, md, &n, ngx_sg_sha256(), NULL) != 1
        || n != NGX_SG_SHA256_LEN)
    {
        ERR_clear_error();
        ngx_memzero(digest, NGX_SG_SHA256_LEN);
        return NGX_ERROR;
    }

    ngx_memcpy(digest, md, NGX_SG_SHA256_LEN);

    return NGX_OK;
}


ngx_int_t
ngx_sg_sha256_b64(u_char *data, size_t len, u_char *out)
{
    ngx_int_t  rc;
    ngx_str_t  src, dst;
    u_char     digest[NGX_SG_SHA256_LEN];

    rc = ngx_sg_sha256_digest(data, len, digest);

    src.data = digest;
    src.len = NGX_SG_SHA256_LEN;
    dst.data = out;

    /* 32 octets: exactly NGX_SG_SHA256_B64_LEN characters, no padding */
    ngx_encode_base64url(&dst, &src);

    return rc;
}
