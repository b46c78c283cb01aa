
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_JOSE_H_INCLUDED_
#define _NGX_SG_JOSE_H_INCLUDED_


/*
 * The JOSE core: base64url, bounded JSON, JWK/JWKS/PEM import, JWS compact
 * parsing and verification, RFC 7638 thumbprints and JWT claim rules.
 *
 * Only ngx_config.h, ngx_core.h, OpenSSL and jansson are used here, so the
 * core is unit-tested and fuzzed without nginx.
 *
 * Return contract of every function that returns ngx_int_t:
 *     NGX_OK        the input is valid (or the operation succeeded);
 *     NGX_DECLINED  the input is invalid; "reason" (when passed) is set to a
 *                   short static machine-readable string, e.g. "expired";
 *     NGX_ERROR     internal failure (memory, OpenSSL); never means "valid".
 *
 * Hard limits are the NGX_SG_*_MAX constants below; inputs beyond them are
 * invalid (NGX_DECLINED), never truncated.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>
#include <jansson.h>


#define NGX_SG_JSON_MAX_DEPTH      16
#define NGX_SG_JWKS_MAX_SIZE       (1024 * 1024)
#define NGX_SG_JWKS_MAX_KEYS       256
#define NGX_SG_KID_MAX_LEN         256
#define NGX_SG_TOKEN_MAX_SIZE      65536    /* ceiling for the directive */
#define NGX_SG_RSA_MIN_BITS        2048
#define NGX_SG_RSA_MAX_BITS        16384
#define NGX_SG_RSA_MAX_E_BITS      64       /* public exponent */
#define NGX_SG_HMAC_MIN_LEN        32       /* octets, RFC 7518 3.2 */
#define NGX_SG_HMAC_MAX_LEN        4096     /* octets */
#define NGX_SG_TIME_MAX            253402300799LL  /* 9999-12-31 */


/*
 * Reasons: short static strings, stable (they reach logs and
 * $session_guard_reason).
 *
 * ngx_sg_json_parse_object():
 *     "json nul byte", "json too deep", "bad json", "json not object"
 *
 * ngx_sg_jws_parse():
 *     "token too large", "malformed token" (not 3 segments, an empty
 *     segment), "bad base64url", "bad header json", "bad payload json",
 *     "missing alg", "alg none", "unknown alg", "crit not supported",
 *     "b64 not supported", "bad kid", "bad typ"
 *
 * ngx_sg_jws_verify(), ngx_sg_jws_verify_keys():
 *     "alg not allowed", "unknown kid", "no key fits alg",
 *     "bad signature length", "bad signature"
 *
 * ngx_sg_jwk_import() and ngx_sg_jwks_import() (NGX_DONE ones marked *):
 *     "bad jwk", "missing kty", "unsupported kty"*, "key not for signing"*,
 *     "unsupported alg"*, "unsupported curve"*, "jwk alg mismatch",
 *     "bad kid", "bad rsa key", "rsa key too small", "rsa key too large",
 *     "bad rsa exponent", "bad ec key", "bad okp key", "bad oct key",
 *     "hmac key too short", "jwks too large", "too many keys",
 *     "bad jwks", "no usable key", and the JSON reasons above
 *
 * ngx_sg_pem_import():
 *     "bad pem", "unsupported key type", "unsupported curve",
 *     "bad ec key", and the RSA reasons above
 *
 * ngx_sg_jwk_thumbprint():
 *     "bad jwk", "unsupported kty"
 *
 * ngx_sg_claims_check():
 *     "bad payload json" (no JSON payload), "missing exp",
 *     "malformed claim" (exp, nbf or iat not a number in
 *     0..NGX_SG_TIME_MAX, aud not a string or an array of strings),
 *     "expired", "not yet valid", "issued in the future",
 *     "issuer mismatch", "audience mismatch", "typ mismatch"
 */


/* key types */
#define NGX_SG_KTY_RSA             1
#define NGX_SG_KTY_EC              2
#define NGX_SG_KTY_OKP             3
#define NGX_SG_KTY_OCT             4


/* algorithm ids; bit (1 << id) in an allow-list mask */
#define NGX_SG_ALG_RS256           0
#define NGX_SG_ALG_RS384           1
#define NGX_SG_ALG_RS512           2
#define NGX_SG_ALG_PS256           3
#define NGX_SG_ALG_PS384           4
#define NGX_SG_ALG_PS512           5
#define NGX_SG_ALG_ES256           6
#define NGX_SG_ALG_ES384           7
#define NGX_SG_ALG_ES512           8
#define NGX_SG_ALG_EDDSA           9
#define NGX_SG_ALG_HS256           10
#define NGX_SG_ALG_HS384           11
#define NGX_SG_ALG_HS512           12
#define NGX_SG_ALG_COUNT           13

#define NGX_SG_ALG_MASK_ASYMMETRIC 0x03ff
#define NGX_SG_ALG_MASK_HMAC       0x1c00


typedef struct {
    ngx_str_t                  name;      /* "RS256" */
    ngx_uint_t                 id;        /* NGX_SG_ALG_* */
    ngx_uint_t                 kty;       /* NGX_SG_KTY_* the key must have */
    const char                *digest;    /* "SHA256"; NULL for EdDSA */
    int                        pss;       /* RSASSA-PSS */
    int                        curve;     /* NID for ES* and EdDSA, else 0 */
    size_t                     sig_len;   /* exact raw length, 0: any */
} ngx_sg_alg_t;


typedef struct {
    ngx_str_t                  kid;       /* empty: the key has no kid */
    ngx_str_t                  alg;       /* JWK "alg", empty if absent */
    ngx_uint_t                 kty;       /* NGX_SG_KTY_* */
    int                        curve;     /* NID for EC and OKP keys */
    int                        bits;      /* RSA modulus size */
    EVP_PKEY                  *pkey;      /* RSA, EC, OKP; freed by pool */
    ngx_str_t                  secret;    /* oct */
    EVP_MD_CTX               **verify;    /* by alg id; NULL: none made */
} ngx_sg_key_t;


typedef struct {
    ngx_str_t                  raw;           /* the whole compact token */
    ngx_str_t                  signing_input; /* header "." payload, in raw */
    ngx_str_t                  payload_raw;   /* decoded payload bytes */
    ngx_str_t                  signature;     /* decoded signature */
    json_t                    *header;        /* JSON object */
    json_t                    *payload;       /* JSON object, or NULL */
    ngx_sg_alg_t              *alg;
    ngx_str_t                  kid;           /* empty if absent */
    ngx_str_t                  typ;           /* empty if absent */
} ngx_sg_jws_t;


#define NGX_SG_JWS_JSON_PAYLOAD    0x01   /* payload must be a JSON object */


typedef struct {
    time_t                     now;
    time_t                     leeway;
    ngx_str_t                  issuer;        /* empty: not checked */
    ngx_array_t               *audiences;     /* of ngx_str_t; NULL: none */
    ngx_str_t                  typ;           /* empty: not checked */
} ngx_sg_claims_rules_t;


/* ngx_sg_base64url.c */

/*
 * Strict RFC 7515 base64url: no padding, no whitespace, no characters
 * outside the URL-safe alphabet, a length that is not 1 mod 4, and unused
 * trailing bits equal to zero.  dst->data must hold
 * ngx_base64_decoded_length(src->len) bytes.
 */
ngx_int_t ngx_sg_base64url_decode(ngx_str_t *dst, ngx_str_t *src);
ngx_int_t ngx_sg_base64url_decode_pool(ngx_pool_t *pool, ngx_str_t *dst,
    ngx_str_t *src);


/* ngx_sg_json.c */

/*
 * jansson allocates through functions installed once by ngx_sg_json_init():
 * while a pool is "current" (inside the helpers below) memory comes from
 * that pool and free() is a no-op; otherwise malloc()/free() are used, so
 * other users of jansson in the same process are not disturbed.  Call it
 * before anything in the process allocates through jansson.  Values parsed
 * into a pool need no json_decref() and must not be used after the pool is
 * destroyed; values added to them later with json_object_set*() outside
 * the helpers come from malloc() and are not freed with the pool.
 */
void ngx_sg_json_init(void);

/*
 * Parses a JSON object from data/len into pool memory.  Rejects nesting
 * deeper than max_depth, duplicate member names, trailing garbage, invalid
 * UTF-8, NUL bytes and non-object top-level values.
 */
ngx_int_t ngx_sg_json_parse_object(ngx_pool_t *pool, u_char *data,
    size_t len, ngx_uint_t max_depth, json_t **out, const char **reason);

/*
 * A deep copy of value whose blocks come from allocator->alloc() and go
 * back through allocator->free() when json_decref() releases them;
 * allocator must outlive the copy.  NULL when an allocation failed.
 */
typedef struct {
    void                    *(*alloc)(void *data, size_t size);
    void                     (*free)(void *data, void *p);
    void                      *data;
} ngx_sg_json_allocator_t;

json_t *ngx_sg_json_copy(ngx_sg_json_allocator_t *allocator, json_t *value);

/* compact serialisation of any JSON value into pool memory */
ngx_int_t ngx_sg_json_dump(ngx_pool_t *pool, json_t *value, ngx_str_t *out);

/*
 * A claim as text for a variable: strings as they are, true/false/null,
 * numbers and arrays/objects as compact JSON; then control characters
 * escaped as ngx_sg_text_escape() does (a claim is the token issuer's
 * data, often typed by its user: a CR LF must not reach a header).
 */
ngx_int_t ngx_sg_json_to_text(ngx_pool_t *pool, json_t *value,
    ngx_str_t *out);

/*
 * Walks nested objects: path holds n member names.  NULL if any step is
 * missing or not an object.
 */
json_t *ngx_sg_json_path(json_t *root, ngx_str_t *path, ngx_uint_t n);

/*
 * A NUMBER (integer or real, truncated) as time_t; NGX_DECLINED if not a
 * number or outside 0..NGX_SG_TIME_MAX.
 */
ngx_int_t ngx_sg_json_time(json_t *value, time_t *out);

/*
 * An optional string member: NGX_OK with out set (empty when absent);
 * NGX_DECLINED when it is not a string or is empty.  out points into the
 * JSON.
 */
ngx_int_t ngx_sg_json_string(json_t *obj, const char *name, ngx_str_t *out);


/* ngx_sg_jwk.c */

/*
 * One JWK object.  NGX_OK: key filled; NGX_DECLINED: invalid key (reason);
 * NGX_DONE: well-formed but of an unsupported kty, curve or alg, or not for
 * signatures ("use" other than "sig", "key_ops" without "verify"): the
 * caller skips it.  Private members are ignored; the secret of an "oct" key
 * is its "k" (wiped when the pool is destroyed).  RSA keys under
 * NGX_SG_RSA_MIN_BITS are NGX_DECLINED.  On anything but NGX_OK the key is
 * zeroed.
 */
ngx_int_t ngx_sg_jwk_import(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *key, const char **reason);

/*
 * ngx_sg_jwk_import() with the key material (kty, curve, bits, pkey) of an
 * earlier import of a JWK with the same RFC 7638 thumbprint; kty and crv
 * must name material's, every other member is checked as usual.
 * key->pkey is material->pkey and is not owned by pool.  NULL material:
 * ngx_sg_jwk_import().
 */
ngx_int_t ngx_sg_jwk_import_material(ngx_pool_t *pool, json_t *jwk,
    ngx_sg_key_t *key, ngx_sg_key_t *material, const char **reason);

/*
 * A JWKS document ({"keys":[...]}) or a single JWK object.  Usable keys are
 * pushed onto keys (an array of ngx_sg_key_t); keys of a JWKS that are not
 * for us (NGX_DONE) or invalid (NGX_DECLINED, e.g. a 1024-bit RSA key) are
 * skipped and reported through log at NGX_LOG_WARN (index and reason only,
 * never key material).  NGX_DECLINED when the document is invalid, too
 * large, has too many keys or a "keys" member that is not an array of
 * objects; a document with no usable key is NGX_DECLINED with reason
 * "no usable key" (a single JWK that is invalid: its own reason).  The
 * parsed document lives in a temporary pool; keys, kids and secrets are
 * copied into pool.
 */
ngx_int_t ngx_sg_jwks_import(ngx_pool_t *pool, ngx_log_t *log, u_char *data,
    size_t len, ngx_array_t *keys, const char **reason);


/* ngx_sg_key.c */

/* a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or PEM certificate */
ngx_int_t ngx_sg_pem_import(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_sg_key_t *key, const char **reason);

/* RFC 7638 SHA-256 thumbprint of a public JWK (RSA, EC, OKP, oct) */
ngx_int_t ngx_sg_jwk_thumbprint(json_t *jwk, u_char digest[32],
    const char **reason);


/* ngx_sg_jws.c */

ngx_sg_alg_t *ngx_sg_alg_by_name(u_char *name, size_t len);
ngx_sg_alg_t *ngx_sg_alg_by_id(ngx_uint_t id);

/*
 * Splits and decodes a compact JWS.  Rejects: segment count other than 3,
 * empty segments, bad base64url, a header that is not a JSON object, a
 * missing, unknown or "none" alg, any "crit" member (no extension is
 * understood), non-string kid/typ, a kid over NGX_SG_KID_MAX_LEN.  With
 * NGX_SG_JWS_JSON_PAYLOAD the payload must be a JSON object.
 */
ngx_int_t ngx_sg_jws_parse(ngx_pool_t *pool, ngx_str_t *token,
    ngx_uint_t flags, ngx_sg_jws_t *jws, const char **reason);

/*
 * ngx_sg_jws_parse() of a token whose header segment is byte for byte one
 * that ngx_sg_jws_parse() accepted before with alg: the header is neither
 * decoded nor parsed again (jws->header is NULL, kid and typ are empty);
 * every rule on the rest of the token applies, with the same reasons.
 */
ngx_int_t ngx_sg_jws_parse_known(ngx_pool_t *pool, ngx_str_t *token,
    ngx_uint_t flags, ngx_sg_alg_t *alg, ngx_sg_jws_t *jws,
    const char **reason);

/* does key fit alg (kty, curve, the JWK's own "alg" member)? */
ngx_uint_t ngx_sg_key_fits(ngx_sg_key_t *key, ngx_sg_alg_t *alg);

/*
 * Makes, for every algorithm the key fits, a context initialised for
 * verification (digest, key, PSS parameters) that each signature check
 * copies instead of initialising one anew: key->verify, freed with pool.
 * The keys of ngx_sg_jwks_import() and ngx_sg_pem_import() have them;
 * a key without them is verified the long way.  NGX_OK or NGX_ERROR.
 */
ngx_int_t ngx_sg_key_prepare(ngx_pool_t *pool, ngx_sg_key_t *key);

/* one such context, for alg, owned by the caller; NULL on failure */
EVP_MD_CTX *ngx_sg_jws_verify_ctx(ngx_sg_key_t *key, ngx_sg_alg_t *alg);

/* one signature check with one key; the key must fit */
ngx_int_t ngx_sg_jws_verify(ngx_sg_jws_t *jws, ngx_sg_key_t *key,
    const char **reason);

/*
 * Algorithm policy and key selection: alg must be in allowed (bit mask);
 * with a kid the keys with that kid are tried, or, when no key has it,
 * the keys that have no kid; without a kid every key that fits the alg.
 * Reasons: "alg not allowed", "unknown kid", "no key fits alg",
 * "bad signature length", "bad signature".
 */
ngx_int_t ngx_sg_jws_verify_keys(ngx_sg_jws_t *jws, ngx_sg_key_t *keys,
    ngx_uint_t nkeys, ngx_uint_t allowed, const char **reason);


/* ngx_sg_claims.c */

/*
 * exp is required; exp, nbf and iat are checked with rules->leeway; iat in
 * the future is invalid; iss and aud (string or array of strings) and typ
 * (compared case-insensitively, an "application/" prefix allowed) when
 * configured.
 */
/*
 * 1 when the header's "typ" names the media type want (RFC 7515 4.1.9:
 * without letter case, "application/" optional on either side), else 0.
 */
ngx_uint_t ngx_sg_typ_is(ngx_str_t *have, ngx_str_t *want);

ngx_int_t ngx_sg_claims_check(ngx_sg_jws_t *jws,
    ngx_sg_claims_rules_t *rules, const char **reason);

/*
 * "aud" (a string, or an array of strings of which one must match) against
 * a non-empty list: NGX_OK, or NGX_DECLINED with "audience mismatch" or
 * "malformed claim".
 */
ngx_int_t ngx_sg_claims_audience(json_t *aud, ngx_array_t *audiences,
    const char **reason);


/* internal to the core: shared by ngx_sg_jwk.c and ngx_sg_key.c */

typedef struct {
    ngx_str_t                  crv;       /* JWK name, "P-256" */
    const char                *group;     /* OpenSSL name, "prime256v1" */
    int                        nid;
    size_t                     size;      /* field size, octets */
} ngx_sg_curve_t;

#define NGX_SG_EC_MAX_SIZE         66       /* P-521 */
#define NGX_SG_ECDSA_DER_MAX       160      /* P-521: 3 + 2 * (2 + 1 + 66) */

ngx_sg_curve_t *ngx_sg_curve_by_name(u_char *name, size_t len);
ngx_sg_curve_t *ngx_sg_curve_by_nid(int nid);
ngx_int_t ngx_sg_rsa_check(const BIGNUM *n, const BIGNUM *e,
    const char **reason);
ngx_int_t ngx_sg_ec_check(EVP_PKEY *pkey);
ngx_int_t ngx_sg_pkey_own(ngx_pool_t *pool, EVP_PKEY *pkey);

/*
 * ngx_sg_jws.c: a raw R || S signature (RFC 7518 3.4, an even length of at
 * most 2 * NGX_SG_EC_MAX_SIZE) as DER into der (NGX_SG_ECDSA_DER_MAX
 * bytes); NGX_ERROR for a length out of range
 */
ngx_int_t ngx_sg_ecdsa_der(ngx_str_t *sig, u_char *der, size_t *len);


#endif /* _NGX_SG_JOSE_H_INCLUDED_ */
