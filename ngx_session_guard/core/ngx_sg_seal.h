
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_SEAL_H_INCLUDED_
#define _NGX_SG_SEAL_H_INCLUDED_


/*
 * Sealed values: bytes the edge hands to a browser (a cookie) and must
 * get back unread and unchanged.  AES-256-GCM under a 32-byte key, with a
 * fresh random 96-bit nonce per value and a "purpose" as additional data,
 * so that a value sealed for one purpose (a login's state) never opens as
 * another (a session), then base64url without padding:
 *
 *     base64url( version (1 byte, 1) | nonce (12) | ciphertext | tag (16) )
 *
 * Opening checks the version, the length and the tag before anything of
 * the plaintext is used; a value changed by one bit, cut, or sealed with
 * another key or purpose does not open.
 *
 * Return contract: NGX_OK; NGX_DECLINED the value does not open (not
 * ours, altered, too long: the caller treats it as absent); NGX_ERROR no
 * memory or a failure of the library.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_SEAL_KEY_LEN      32
#define NGX_SG_SEAL_OVERHEAD     (1 + 12 + 16)
#define NGX_SG_SEAL_MAX          4096   /* sealed text, base64url */


/* the base64url length of n plaintext bytes sealed */
#define ngx_sg_seal_len(n)                                                   \
    ((((n) + NGX_SG_SEAL_OVERHEAD) * 4 + 2) / 3)


ngx_int_t ngx_sg_seal(ngx_pool_t *pool, u_char *key, ngx_str_t *purpose,
    ngx_str_t *plain, ngx_str_t *out);
ngx_int_t ngx_sg_seal_open(ngx_pool_t *pool, u_char *key, ngx_str_t *purpose,
    ngx_str_t *sealed, ngx_str_t *plain);

/* n random bytes as base64url (4n/3 rounded up characters) into out */
ngx_int_t ngx_sg_random_b64(ngx_pool_t *pool, size_t n, ngx_str_t *out);

/*
 * The prefix of the id of an edge login's session (session_guard_oidc)
 * that names the provider's "sid" of the login: the first
 * NGX_SG_SID_TAG_LEN characters of base64url(SHA-256(sid)), or dashes
 * for a login without one.  A back-channel logout by "sid" finds the
 * login's sessions by it.
 */
#define NGX_SG_SID_TAG_LEN       16

void ngx_sg_sid_tag(ngx_str_t *sid, u_char *tag);


#endif /* _NGX_SG_SEAL_H_INCLUDED_ */
