
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_SHA256_H_INCLUDED_
#define _NGX_SG_SHA256_H_INCLUDED_


/*
 * SHA-256, the one way every part of the module hashes: token and "jti"
 * digests, DPoP "ath" and thumbprints, session names, context hashes, the
 * state file trailer.  The digest is fetched from OpenSSL once per process
 * rather than implicitly at every use.
 *
 * Return contract: NGX_OK, or NGX_ERROR when OpenSSL failed (its error
 * queue cleared, and the output zeroed: a failed digest never matches by
 * chance a digest that was computed).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>


#define NGX_SG_SHA256_LEN      32
#define NGX_SG_SHA256_B64_LEN  43      /* base64url, unpadded */


/* the fetched digest; OpenSSL's implicit one if that fetch failed */
const EVP_MD *ngx_sg_sha256(void);

/* SHA-256(data) into digest, which holds NGX_SG_SHA256_LEN bytes */
ngx_int_t ngx_sg_sha256_digest(u_char *data, size_t len, u_char *digest);

/* base64url(SHA-256(data)) into out, which holds NGX_SG_SHA256_B64_LEN */
ngx_int_t ngx_sg_sha256_b64(u_char *data, size_t len, u_char *out);


#endif /* _NGX_SG_SHA256_H_INCLUDED_ */
