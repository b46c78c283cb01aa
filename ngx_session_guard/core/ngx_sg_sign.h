
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_SIGN_H_INCLUDED_
#define _NGX_SG_SIGN_H_INCLUDED_


/*
 * Signing JWS with a key the edge owns (the logout tokens it sends to
 * applications, ngx_http_sg_notify.c).  Core: ngx_config.h, ngx_core.h,
 * OpenSSL and jansson only.
 *
 * Return contract: NGX_OK done; NGX_DECLINED the key is refused ("reason"
 * set to a short static string); NGX_ERROR internal failure (memory,
 * OpenSSL).
 *
 * Keys: a private JWK, one of
 *     EC  P-256 ("d", "x", "y")                       -> ES256
 *     OKP Ed25519 ("d", "x")                          -> EdDSA
 *     RSA ("n", "e", "d" and either all of "p", "q",
 *          "dp", "dq", "qi" or none), 2048 to
 *          NGX_SG_RSA_MAX_BITS bits                    -> RS256
 * A JWK "alg" must name that algorithm, a "use" must be "sig", a
 * "key_ops" must hold "sign".  The private key must match its public
 * members: a token signed with it must verify with them (checked once, at
 * import, through the verifier of ngx_sg_jws.c).
 *
 * Reasons of ngx_sg_signer_import(): the JSON reasons of
 * ngx_sg_json_parse_object(), "missing kty", "unsupported kty",
 * "unsupported curve", "not a private key", "key not for signing",
 * "jwk alg mismatch", "bad ec key", "bad okp key", "bad rsa key",
 * "rsa key too small", "rsa key too large", "bad rsa exponent",
 * "key pair mismatch".
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"


#define NGX_SG_SIGN_JWK_MAX   65536      /* bytes of a private JWK */


typedef struct {
    ngx_sg_alg_t              *alg;      /* ES256, EdDSA or RS256 */
    EVP_PKEY                  *pkey;     /* private; freed with the pool */
    ngx_sg_key_t               pub;      /* the public part, to verify */
    ngx_str_t                  kid;      /* RFC 7638 thumbprint, base64url */
    ngx_str_t                  jwk;      /* public JWK text: kid, alg, use */
} ngx_sg_signer_t;


/* a private JWK (JSON text) into signer; memory from pool */
ngx_int_t ngx_sg_signer_import(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_sg_signer_t *signer, const char **reason);

/*
 * A compact JWS of payload (JSON text, as it is) with the protected header
 * {"alg":ALG,"kid":KID,"typ":typ} (typ: printable ASCII without '"' or
 * '\\', or empty for none).  ECDSA signatures are raw R || S.
 */
ngx_int_t ngx_sg_jws_sign(ngx_pool_t *pool, ngx_sg_signer_t *signer,
    ngx_str_t *typ, ngx_str_t *payload, ngx_str_t *out);

/*
 * A "jti" for a token the edge signs: 128 random bits in base64url, into
 * jti->data (NGX_SG_JTI_LEN bytes of the caller's).  NGX_ERROR: no
 * randomness.
 */
#define NGX_SG_JTI_BYTES           16
#define NGX_SG_JTI_LEN             ngx_base64_encoded_length(NGX_SG_JTI_BYTES)

ngx_int_t ngx_sg_jti(ngx_str_t *jti);


#endif /* _NGX_SG_SIGN_H_INCLUDED_ */
