
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_DPOP_H_INCLUDED_
#define _NGX_SG_DPOP_H_INCLUDED_


/*
 * DPoP proofs (RFC 9449) as a resource server checks them, without nginx's
 * HTTP layer: the proof JWT itself (section 4.3), the comparison of "htu"
 * with the request URI after RFC 3986 syntax- and scheme-based
 * normalisation, "ath", the "cnf.jkt" key binding, and stateless server
 * nonces (a MAC over a time slot).
 *
 * Return contract of every function that returns ngx_int_t:
 *     NGX_OK        valid;
 *     NGX_DECLINED  invalid, "reason" set to a short static string;
 *     NGX_ERROR     internal failure (memory, OpenSSL); never "valid".
 *
 * Hard limits: a proof of at most NGX_SG_DPOP_PROOF_MAX bytes, a "jti" of
 * 1..NGX_SG_DPOP_JTI_MAX bytes, URIs of at most NGX_SG_URI_MAX bytes;
 * anything longer is invalid, never truncated.
 *
 * Reasons (stable: they reach logs and $session_guard_reason):
 *
 * ngx_sg_dpop_parse():
 *     "dpop proof too large", "bad dpop proof" (not a compact JWS, bad
 *     base64url or JSON, a crit member), "bad dpop typ", "dpop alg none",
 *     "dpop alg not allowed" (unknown, HMAC or off the allow-list),
 *     "missing dpop jwk", "private dpop jwk", "bad dpop jwk",
 *     "dpop jwk does not fit alg", "bad dpop signature",
 *     "missing dpop claim" (jti, htm, htu or iat), "bad dpop claim"
 *     (a claim of the wrong type, an empty or over-long jti)
 *
 * ngx_sg_dpop_check():
 *     "dpop htm mismatch", "bad dpop htu", "dpop htu mismatch",
 *     "dpop iat too old", "dpop iat in the future", "missing dpop ath",
 *     "dpop ath mismatch"
 *
 * ngx_sg_dpop_jkt_match():
 *     "token not dpop-bound", "bad cnf.jkt", "dpop key mismatch"
 *
 * ngx_sg_dpop_nonce_check():
 *     "missing dpop nonce", "stale dpop nonce" (a nonce of an older slot,
 *     or one that this key did not make)
 *
 * ngx_sg_uri_normalize():
 *     "uri too long", "bad uri", "bad uri scheme", "uri has userinfo",
 *     "bad uri host", "bad uri port", "bad uri path", "bad uri
 *     percent-encoding", "uri is not an origin"
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"
#include "ngx_sg_sha256.h"


#define NGX_SG_DPOP_PROOF_MAX       8192
#define NGX_SG_DPOP_JTI_MAX         512
#define NGX_SG_URI_MAX              8192
#define NGX_SG_DPOP_JKT_LEN         NGX_SG_SHA256_B64_LEN
#define NGX_SG_DPOP_NONCE_KEY_LEN   32
#define NGX_SG_DPOP_NONCE_LEN       32      /* base64url of 24 octets */
#define NGX_SG_DPOP_HEADER_MAX      2048    /* a longer one is not cached */

/* ngx_sg_uri_normalize() flags */
#define NGX_SG_URI_ORIGIN           0x01    /* scheme://authority only */


typedef struct {
    ngx_uint_t                 algorithms; /* NGX_SG_ALG_* mask */
    time_t                     now;
    time_t                     window;     /* |now - iat| at most this */
    ngx_str_t                  htm;        /* the request method */
    ngx_str_t                  htu;        /* normalised request URI */
    ngx_str_t                  access_token; /* for ath; empty: no ath */
    ngx_str_t                  ath;        /* of access_token, if known */
} ngx_sg_dpop_rules_t;


typedef struct {
    ngx_sg_jws_t               jws;
    ngx_sg_key_t               key;        /* from the "jwk" header */
    u_char                     thumbprint[32];
    ngx_str_t                  jkt;        /* base64url(thumbprint) */
    ngx_str_t                  jti;
    ngx_str_t                  htm;
    ngx_str_t                  htu;
    ngx_str_t                  ath;        /* empty if absent */
    ngx_str_t                  nonce;      /* empty if absent */
    time_t                     iat;
    unsigned                   key_cached:1; /* key from the key cache */
    unsigned                   header_cached:1; /* header seen before */
} ngx_sg_dpop_proof_t;


/*
 * The proof key cache: a fixed-size, direct-mapped table of keys already
 * made from proofs' "jwk", by RFC 7638 thumbprint, so that a client that
 * keeps its key does not have it imported again on every request.  The
 * table owns one reference on each EVP_PKEY; a colliding insert frees the
 * old one.  Allocated once (ngx_sg_dpop_key_cache_init()), never grown; a
 * pool cleanup frees the keys with the pool.  Not for sharing between
 * threads or processes: nginx workers each have their own copy (forked
 * while still empty).
 */

typedef struct {
    u_char                     thumbprint[32];
    ngx_uint_t                 kty;        /* NGX_SG_KTY_*; 0: empty */
    int                        curve;
    int                        bits;
    EVP_PKEY                  *pkey;       /* owned by the cache */
    EVP_MD_CTX                *verify;     /* prepared for alg; owned */
    ngx_uint_t                 alg;        /* NGX_SG_ALG_* of verify */
} ngx_sg_dpop_key_entry_t;


/*
 * In front of it, the same number of proof headers: one client's proofs
 * repeat their header segment byte for byte (typ, alg, jwk), and a header
 * that passed every check once, and whose key verified a signature, would
 * pass them again: its decoding, the checks of its jwk and the thumbprint
 * are done once.  An entry is found by a hash of the segment and used only
 * when the segment equals its copy byte for byte; the signature is
 * verified on every proof, and the alg against the caller's allow-list.
 * A segment over NGX_SG_DPOP_HEADER_MAX bytes is not cached.
 */

typedef struct {
    u_char                    *text;       /* the segment, malloc()ed */
    size_t                     len;        /* 0: empty */
    uint64_t                   hash;
    ngx_sg_alg_t              *alg;
    u_char                     thumbprint[32];
    ngx_uint_t                 kty;
    int                        curve;
    int                        bits;
    EVP_PKEY                  *pkey;       /* owned by the cache */
    EVP_MD_CTX                *verify[NGX_SG_ALG_COUNT]; /* [alg->id] */
} ngx_sg_dpop_header_entry_t;


typedef struct {
    ngx_sg_dpop_key_entry_t   *entries;
    ngx_sg_dpop_header_entry_t *headers;
    ngx_uint_t                 size;       /* 0: no cache */
    ngx_uint_t                 hits;
    ngx_uint_t                 misses;
    ngx_uint_t                 header_hits;
    ngx_uint_t                 header_misses;
} ngx_sg_dpop_key_cache_t;


/*
 * The proof as a signed object: one compact JWS of at most
 * NGX_SG_DPOP_PROOF_MAX bytes, typ "dpop+jwt", an asymmetric alg in
 * "algorithms" (HMAC bits are ignored), a "jwk" header with a public key
 * (no private member) that fits the alg and verifies the signature; the
 * claims jti (non-empty string), htm, htu (strings), iat (number), and
 * ath and nonce (strings) when present.  The key is parsed once, into
 * pool; proof->jkt is its RFC 7638 thumbprint.  proof->jkt is set as soon
 * as the signature verified, even when a claim is then refused.
 */
ngx_int_t ngx_sg_dpop_parse(ngx_pool_t *pool, ngx_str_t *text,
    ngx_uint_t algorithms, ngx_sg_dpop_proof_t *proof, const char **reason);

/*
 * ngx_sg_dpop_parse() with a key cache (NULL: none).  A header segment
 * equal to a cached one takes its alg, key and thumbprint
 * (proof->header_cached and proof->key_cached set): the payload is parsed
 * and the signature verified as always.  Otherwise the thumbprint is
 * computed first; on a hit the cached key material is used (every check of
 * the jwk other than making the key still runs, private members included)
 * and proof->key_cached is set; on a miss the key is imported.  Once the
 * signature verified, the key and the header segment are inserted (the
 * segment unless over NGX_SG_DPOP_HEADER_MAX bytes, or in a cache without
 * room: malloc() failed).  A cached key is only used inside this
 * call: on return proof->key.pkey is NULL when it came from the cache.
 */
ngx_int_t ngx_sg_dpop_parse_cached(ngx_pool_t *pool, ngx_str_t *text,
    ngx_uint_t algorithms, ngx_sg_dpop_key_cache_t *cache,
    ngx_sg_dpop_proof_t *proof, const char **reason);

/*
 * size entries of each table from pool, their keys and header copies freed
 * by a cleanup of pool; cache
 * itself must live as long as pool (e.g. be allocated from it)
 */
ngx_int_t ngx_sg_dpop_key_cache_init(ngx_pool_t *pool,
    ngx_sg_dpop_key_cache_t *cache, ngx_uint_t size);

/*
 * The proof against the request: htm equals rules->htm; htu, normalised
 * with query and fragment dropped, equals rules->htu (normalised by the
 * caller, see ngx_sg_uri_normalize()); iat within rules->window of
 * rules->now; with an access token, ath equals base64url(SHA-256(token)),
 * which the caller may pass in rules->ath (NGX_SG_DPOP_JKT_LEN bytes,
 * e.g. kept with a cached token) rather than have it computed here.
 */
ngx_int_t ngx_sg_dpop_check(ngx_pool_t *pool, ngx_sg_dpop_proof_t *proof,
    ngx_sg_dpop_rules_t *rules, const char **reason);

/* the token's "cnf" claim (JSON object or NULL) binds it to proof->jkt */
ngx_int_t ngx_sg_dpop_jkt_match(ngx_sg_dpop_proof_t *proof, json_t *cnf,
    const char **reason);

/*
 * Server nonces: base64url(slot || HMAC-SHA256(key, label || slot)[0..15]),
 * slot = now / period as 8 octets big-endian.  A nonce is accepted in its
 * own slot and the next one, so it lives between one and two periods.
 * out must hold NGX_SG_DPOP_NONCE_LEN bytes.
 */
ngx_int_t ngx_sg_dpop_nonce(u_char *key, time_t now, time_t period,
    u_char *out);
ngx_int_t ngx_sg_dpop_nonce_check(u_char *key, time_t now, time_t period,
    ngx_str_t *nonce, const char **reason);

/*
 * RFC 3986 section 6.2.2 and 6.2.3 normalisation of an absolute http or
 * https URI: scheme and host lower-cased, the scheme's default port and an
 * empty port dropped, other ports in plain decimal, percent-encodings of
 * unreserved characters decoded and the others upper-cased, characters
 * that a path may not hold percent-encoded, an empty path made "/", dot
 * segments removed (section 5.2.4), query and fragment dropped.  Userinfo
 * is refused.  With NGX_SG_URI_ORIGIN the URI must have no path other
 * than "/" and no query or fragment, and the result is scheme://host[:port]
 * without a slash.  out is allocated from pool.
 */
ngx_int_t ngx_sg_uri_normalize(ngx_pool_t *pool, ngx_str_t *uri,
    ngx_uint_t flags, ngx_str_t *out, const char **reason);


#endif /* _NGX_SG_DPOP_H_INCLUDED_ */
