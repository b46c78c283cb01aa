
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * DPoP proofs (RFC 9449 section 4.3) and server nonces (section 8).
 *
 * Return contract: NGX_OK valid, NGX_DECLINED invalid (reason set),
 * NGX_ERROR internal failure.  Limits: see ngx_sg_dpop.h.
 *
 * The proof key comes from the proof itself, so everything that makes a
 * key trustworthy elsewhere is checked here instead: only asymmetric
 * algorithms (an HMAC "key" in a header would let anyone sign), no private
 * member in the "jwk" (a client that leaks its private key is refused
 * rather than silently accepted), the key fitting the alg (curve, kty).
 * The key is parsed once per proof, into the caller's pool, unless a key
 * cache has it already: ngx_sg_dpop_parse_cached().
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ngx_sg_dpop.h"


static ngx_int_t ngx_sg_dpop_claims(ngx_sg_dpop_proof_t *proof,
    const char **reason);
static ngx_int_t ngx_sg_dpop_string(json_t *payload, const char *name,
    ngx_uint_t required, ngx_str_t *value, const char **reason);
static ngx_int_t ngx_sg_dpop_nonce_slot(u_char *key, uint64_t slot,
    u_char *out);
static ngx_sg_dpop_key_entry_t *ngx_sg_dpop_key_slot(
    ngx_sg_dpop_key_cache_t *cache, u_char *thumbprint);
static void ngx_sg_dpop_key_insert(ngx_sg_dpop_key_cache_t *cache,
    u_char *thumbprint, ngx_sg_key_t *key, ngx_sg_alg_t *alg);
static void ngx_sg_dpop_key_cache_cleanup(void *data);
static ngx_int_t ngx_sg_dpop_parse_known(ngx_pool_t *pool, ngx_str_t *text,
    ngx_uint_t algorithms, ngx_sg_dpop_header_entry_t *h,
    ngx_sg_dpop_proof_t *proof, const char **reason);
static ngx_int_t ngx_sg_dpop_jkt(ngx_pool_t *pool, ngx_sg_dpop_proof_t *proof);
static uint64_t ngx_sg_dpop_header_hash(u_char *p, size_t len);
static ngx_sg_dpop_header_entry_t *ngx_sg_dpop_header_find(
    ngx_sg_dpop_key_cache_t *cache, ngx_str_t *text, ngx_str_t *header,
    uint64_t *hash);
static void ngx_sg_dpop_header_insert(ngx_sg_dpop_key_cache_t *cache,
    ngx_str_t *header, uint64_t hash, ngx_sg_dpop_proof_t *proof);
static void ngx_sg_dpop_header_free(ngx_sg_dpop_header_entry_t *h);


/* RFC 7517, 7518 6.2.2, 6.3.2, 6.4.1, RFC 8037 2: private key members */

static const char  *ngx_sg_dpop_private[] = {
    "d", "p", "q", "dp", "dq", "qi", "oth", "k", NULL
};


static const u_char  ngx_sg_dpop_nonce_label[] =
    "ngx_session_guard DPoP-Nonce v1";


ngx_int_t
ngx_sg_dpop_parse(ngx_pool_t *pool, ngx_str_t *text, ngx_uint_t algorithms,
    ngx_sg_dpop_proof_t *proof, const char **reason)
{
    return ngx_sg_dpop_parse_cached(pool, text, algorithms, NULL, proof,
                                    reason);
}


ngx_int_t
ngx_sg_dpop_parse_cached(ngx_pool_t *pool, ngx_str_t *text,
    ngx_uint_t algorithms, ngx_sg_dpop_key_cache_t *cache,
    ngx_sg_dpop_proof_t *proof, const char **reason)
{
    json_t                   *jwk;
    uint64_t                     hash;
    ngx_int_t                    rc;
    ngx_str_t                    header;
    ngx_uint_t                   i;
    const char                  *why, *dummy;
    EVP_MD_CTX                 **verify;
    ngx_sg_key_t                 material;
    ngx_sg_jws_t                *jws;
    ngx_sg_dpop_key_entry_t     *e;
    ngx_sg_dpop_header_entry_t  *h;

    static ngx_str_t  dpop_jwt = ngx_string("dpop+jwt");

    if (reason == NULL) {
        reason = &dummy;
    }

    ngx_memzero(proof, sizeof(ngx_sg_dpop_proof_t));

    jws = &proof->jws;

    if (text->len > NGX_SG_DPOP_PROOF_MAX) {
        *reason = "dpop proof too large";
        return NGX_DECLINED;
    }

    h = ngx_sg_dpop_header_find(cache, text, &header, &hash);

    if (h) {
        return ngx_sg_dpop_parse_known(pool, text, algorithms, h, proof,
                                       reason);
    }

    why = "";

    rc = ngx_sg_jws_parse(pool, text, NGX_SG_JWS_JSON_PAYLOAD, jws, &why);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        if (ngx_strcmp(why, "alg none") == 0) {
            *reason = "dpop alg none";

        } else if (ngx_strcmp(why, "unknown alg") == 0) {
            *reason = "dpop alg not allowed";

        } else if (ngx_strcmp(why, "bad typ") == 0) {
            *reason = "bad dpop typ";

        } else {
            *reason = "bad dpop proof";
        }

        return NGX_DECLINED;
    }

    if (!ngx_sg_typ_is(&jws->typ, &dpop_jwt)) {
        *reason = "bad dpop typ";
        return NGX_DECLINED;
    }

    /* asymmetric only, whatever the caller's mask says */

    if (!(algorithms & NGX_SG_ALG_MASK_ASYMMETRIC
          & ((ngx_uint_t) 1 << jws->alg->id)))
    {
        *reason = "dpop alg not allowed";
        return NGX_DECLINED;
    }

    jwk = json_object_get(jws->header, "jwk");

    if (jwk == NULL) {
        *reason = "missing dpop jwk";
        return NGX_DECLINED;
    }

    if (!json_is_object(jwk)) {
        *reason = "bad dpop jwk";
        return NGX_DECLINED;
    }

    for (i = 0; ngx_sg_dpop_private[i]; i++) {
        if (json_object_get(jwk, ngx_sg_dpop_private[i]) != NULL) {
            *reason = "private dpop jwk";
            return NGX_DECLINED;
        }
    }

    /*
     * The thumbprint first: it is the cache key.  A JWK that imports has
     * one; one that has none would not import either ("bad dpop jwk").
     */

    rc = ngx_sg_jwk_thumbprint(jwk, proof->thumbprint, &why);

    if (rc != NGX_OK) {
        if (rc == NGX_DECLINED) {
            *reason = "bad dpop jwk";
        }

        return rc;
    }

    e = ngx_sg_dpop_key_slot(cache, proof->thumbprint);

    if (e && e->pkey
        && ngx_memcmp(e->thumbprint, proof->thumbprint, 32) == 0)
    {
        /*
         * A hit.  The thumbprint covers, byte for byte, every member the
         * key is made of (kty, crv, x, y; kty, n, e), so the key made
         * from this jwk would be this one; ngx_sg_jwk_import_material()
         * compares kty and crv once more and still checks the rest.
         */

        ngx_memzero(&material, sizeof(ngx_sg_key_t));
        material.kty = e->kty;
        material.curve = e->curve;
        material.bits = e->bits;
        material.pkey = e->pkey;

        /* the context prepared for the alg this key signed with before */

        if (e->verify) {
            verify = ngx_pcalloc(pool,
                                 NGX_SG_ALG_COUNT * sizeof(EVP_MD_CTX *));
            if (verify == NULL) {
                return NGX_ERROR;
            }

            verify[e->alg] = e->verify;
            material.verify = verify;
        }

        proof->key_cached = 1;
        cache->hits++;

        rc = ngx_sg_jwk_import_material(pool, jwk, &proof->key, &material,
                                        &why);

    } else {
        if (cache && cache->size) {
            cache->misses++;
        }

        rc = ngx_sg_jwk_import(pool, jwk, &proof->key, &why);
    }

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        /* invalid, or of a kty, curve or use that cannot sign for us */
        *reason = "bad dpop jwk";
        return NGX_DECLINED;
    }

    if (!ngx_sg_key_fits(&proof->key, jws->alg)) {
        rc = NGX_DECLINED;
        *reason = "dpop jwk does not fit alg";

    } else {
        rc = ngx_sg_jws_verify(jws, &proof->key, &why);

        if (rc == NGX_DECLINED) {
            *reason = "bad dpop signature";
        }
    }

    if (rc == NGX_OK && header.len) {
        /* every check of the header passed: it need not run again */
        ngx_sg_dpop_header_insert(cache, &header, hash, proof);
    }

    if (proof->key_cached) {

        /*
         * The cached key is not the pool's: it is used only above, and
         * no insert, so no free, can happen between the lookup and here
         * (a worker runs one request at a time, and only this function
         * inserts; the header insert above takes its own reference).
         * Nothing after this call may use it: a later insert into the
         * same slot frees it.
         */

        proof->key.pkey = NULL;
        proof->key.verify = NULL;

    } else if (rc == NGX_OK) {
        ngx_sg_dpop_key_insert(cache, proof->thumbprint, &proof->key,
                               jws->alg);
    }

    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_sg_dpop_jkt(pool, proof) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_sg_dpop_claims(proof, reason);
}


/*
 * A proof whose header segment equals the cached h's: the header's alg,
 * key and thumbprint are h's.  Every check after the header runs as on
 * the long way, in its order, with its reasons: the rest of the JWS, the
 * caller's allow-list (h's alg was allowed where it was inserted, maybe
 * not here), the signature with h's key, the claims.
 */

static ngx_int_t
ngx_sg_dpop_parse_known(ngx_pool_t *pool, ngx_str_t *text,
    ngx_uint_t algorithms, ngx_sg_dpop_header_entry_t *h,
    ngx_sg_dpop_proof_t *proof, const char **reason)
{
    ngx_int_t      rc;
    const char    *why;
    ngx_sg_jws_t  *jws;

    jws = &proof->jws;
    why = "";

    rc = ngx_sg_jws_parse_known(pool, text, NGX_SG_JWS_JSON_PAYLOAD, h->alg,
                                jws, &why);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        *reason = "bad dpop proof";
        return NGX_DECLINED;
    }

    if (!(algorithms & NGX_SG_ALG_MASK_ASYMMETRIC
          & ((ngx_uint_t) 1 << jws->alg->id)))
    {
        *reason = "dpop alg not allowed";
        return NGX_DECLINED;
    }

    proof->header_cached = 1;
    proof->key_cached = 1;

    ngx_memcpy(proof->thumbprint, h->thumbprint, 32);

    proof->key.kty = h->kty;
    proof->key.curve = h->curve;
    proof->key.bits = h->bits;
    proof->key.pkey = h->pkey;
    proof->key.verify = h->verify;

    rc = ngx_sg_jws_verify(jws, &proof->key, &why);

    /* h's, not the pool's: for this call only, as a key cache hit's */

    proof->key.pkey = NULL;
    proof->key.verify = NULL;

    if (rc != NGX_OK) {
        if (rc == NGX_DECLINED) {
            *reason = "bad dpop signature";
        }

        return rc;
    }

    if (ngx_sg_dpop_jkt(pool, proof) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_sg_dpop_claims(proof, reason);
}


static ngx_int_t
ngx_sg_dpop_jkt(ngx_pool_t *pool, ngx_sg_dpop_proof_t *proof)
{
    ngx_str_t  src, dst;

    dst.data = ngx_pnalloc(pool, ngx_base64_encoded_length(32));
    if (dst.data == NULL) {
        return NGX_ERROR;
    }

    src.data = proof->thumbprint;
    src.len = 32;

    ngx_encode_base64url(&dst, &src);

    proof->jkt = dst;

    return NGX_OK;
}


/*
 * The header segment of text (empty when there is no cache, no dot or it
 * is too long to cache), its hash, and the entry that holds a copy of it
 */

static ngx_sg_dpop_header_entry_t *
ngx_sg_dpop_header_find(ngx_sg_dpop_key_cache_t *cache, ngx_str_t *text,
    ngx_str_t *header, uint64_t *hash)
{
    u_char                      *dot;
    ngx_sg_dpop_header_entry_t  *h;

    ngx_str_null(header);
    *hash = 0;

    if (cache == NULL || cache->size == 0 || cache->headers == NULL) {
        return NULL;
    }

    dot = ngx_strlchr(text->data, text->data + text->len, '.');

    if (dot == NULL
        || dot == text->data
        || (size_t) (dot - text->data) > NGX_SG_DPOP_HEADER_MAX)
    {
        return NULL;
    }

    header->data = text->data;
    header->len = dot - text->data;

    *hash = ngx_sg_dpop_header_hash(header->data, header->len);

    h = &cache->headers[*hash % cache->size];

    if (h->len != header->len
        || h->hash != *hash
        || h->pkey == NULL
        || ngx_memcmp(h->text, header->data, header->len) != 0)
    {
        cache->header_misses++;
        return NULL;
    }

    cache->header_hits++;

    return h;
}


/*
 * FNV-1a, 64 bits, 8 bytes a step: it only picks a slot (a hit compares
 * the whole segment), so a chosen collision costs its sender a slot, no
 * more
 */

static uint64_t
ngx_sg_dpop_header_hash(u_char *p, size_t len)
{
    size_t    i;
    uint64_t  h, w;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i + 8 <= len; i += 8) {
        ngx_memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
    }

    for ( /* void */ ; i < len; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }

    return h ^ (h >> 32);
}


/* proof: verified by the long way, its key still usable */

static void
ngx_sg_dpop_header_insert(ngx_sg_dpop_key_cache_t *cache, ngx_str_t *header,
    uint64_t hash, ngx_sg_dpop_proof_t *proof)
{
    u_char                      *copy;
    ngx_sg_alg_t                *alg;
    ngx_sg_dpop_header_entry_t  *h;

    alg = proof->jws.alg;

    if (cache == NULL || cache->headers == NULL || proof->key.pkey == NULL) {
        return;
    }

    h = &cache->headers[hash % cache->size];

    copy = malloc(header->len);
    if (copy == NULL) {
        return;
    }

    if (EVP_PKEY_up_ref(proof->key.pkey) != 1) {
        ERR_clear_error();
        free(copy);
        return;
    }

    /* the replaced key is in use by no request: see the hit above */

    ngx_sg_dpop_header_free(h);

    ngx_memcpy(copy, header->data, header->len);

    h->text = copy;
    h->len = header->len;
    h->hash = hash;
    h->alg = alg;
    ngx_memcpy(h->thumbprint, proof->thumbprint, 32);
    h->kty = proof->key.kty;
    h->curve = proof->key.curve;
    h->bits = proof->key.bits;
    h->pkey = proof->key.pkey;

    /* NULL (the long way for each proof) if it cannot be made */
    h->verify[alg->id] = ngx_sg_jws_verify_ctx(&proof->key, alg);
}


static void
ngx_sg_dpop_header_free(ngx_sg_dpop_header_entry_t *h)
{
    ngx_uint_t  i;

    free(h->text);
    EVP_PKEY_free(h->pkey);

    for (i = 0; i < NGX_SG_ALG_COUNT; i++) {
        EVP_MD_CTX_free(h->verify[i]);
    }

    ngx_memzero(h, sizeof(ngx_sg_dpop_header_entry_t));
}


ngx_int_t
ngx_sg_dpop_key_cache_init(ngx_pool_t *pool, ngx_sg_dpop_key_cache_t *cache,
    ngx_uint_t size)
{
    ngx_pool_cleanup_t  *cln;

    ngx_memzero(cache, sizeof(ngx_sg_dpop_key_cache_t));

    if (size == 0) {
        return NGX_OK;
    }

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cache->entries = ngx_pcalloc(pool, size * sizeof(ngx_sg_dpop_key_entry_t));
    if (cache->entries == NULL) {
        return NGX_ERROR;
    }

    cache->headers = ngx_pcalloc(pool,
                                 size * sizeof(ngx_sg_dpop_header_entry_t));
    if (cache->headers == NULL) {
        return NGX_ERROR;
    }

    cache->size = size;

    cln->handler = ngx_sg_dpop_key_cache_cleanup;
    cln->data = cache;

    return NGX_OK;
}


static void
ngx_sg_dpop_key_cache_cleanup(void *data)
{
    ngx_sg_dpop_key_cache_t  *cache = data;

    ngx_uint_t  i;

    for (i = 0; i < cache->size; i++) {
        EVP_PKEY_free(cache->entries[i].pkey);
        EVP_MD_CTX_free(cache->entries[i].verify);
        cache->entries[i].pkey = NULL;
        cache->entries[i].verify = NULL;

        ngx_sg_dpop_header_free(&cache->headers[i]);
    }

    cache->size = 0;
}


static ngx_sg_dpop_key_entry_t *
ngx_sg_dpop_key_slot(ngx_sg_dpop_key_cache_t *cache, u_char *thumbprint)
{
    uint64_t  h;

    if (cache == NULL || cache->size == 0) {
        return NULL;
    }

    ngx_memcpy(&h, thumbprint, sizeof(uint64_t));

    return &cache->entries[h % cache->size];
}


/* a key made from a proof whose signature it verified; the pool keeps its */

static void
ngx_sg_dpop_key_insert(ngx_sg_dpop_key_cache_t *cache, u_char *thumbprint,
    ngx_sg_key_t *key, ngx_sg_alg_t *alg)
{
    ngx_sg_dpop_key_entry_t  *e;

    e = ngx_sg_dpop_key_slot(cache, thumbprint);

    if (e == NULL || key->pkey == NULL) {
        return;
    }

    if (EVP_PKEY_up_ref(key->pkey) != 1) {
        ERR_clear_error();
        return;
    }

    /* the replaced key is in use by no request: see the hit above */

    EVP_PKEY_free(e->pkey);
    EVP_MD_CTX_free(e->verify);

    ngx_memcpy(e->thumbprint, thumbprint, 32);
    e->kty = key->kty;
    e->curve = key->curve;
    e->bits = key->bits;
    e->pkey = key->pkey;

    /* NULL (the long way for each proof) if it cannot be made */
    e->verify = ngx_sg_jws_verify_ctx(key, alg);
    e->alg = alg->id;
}


static ngx_int_t
ngx_sg_dpop_claims(ngx_sg_dpop_proof_t *proof, const char **reason)
{
    json_t  *payload, *v;

    payload = proof->jws.payload;

    if (ngx_sg_dpop_string(payload, "jti", 1, &proof->jti, reason)
        != NGX_OK
        || ngx_sg_dpop_string(payload, "htm", 1, &proof->htm, reason)
           != NGX_OK
        || ngx_sg_dpop_string(payload, "htu", 1, &proof->htu, reason)
           != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (proof->jti.len > NGX_SG_DPOP_JTI_MAX) {
        *reason = "bad dpop claim";
        return NGX_DECLINED;
    }

    v = json_object_get(payload, "iat");

    if (v == NULL) {
        *reason = "missing dpop claim";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_time(v, &proof->iat) != NGX_OK) {
        *reason = "bad dpop claim";
        return NGX_DECLINED;
    }

    if (ngx_sg_dpop_string(payload, "ath", 0, &proof->ath, reason) != NGX_OK
        || ngx_sg_dpop_string(payload, "nonce", 0, &proof->nonce, reason)
           != NGX_OK)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* a non-empty string member; when not required, absent is empty */

static ngx_int_t
ngx_sg_dpop_string(json_t *payload, const char *name, ngx_uint_t required,
    ngx_str_t *value, const char **reason)
{
    json_t  *v;

    v = json_object_get(payload, name);

    if (v == NULL) {
        if (required) {
            *reason = "missing dpop claim";
            return NGX_DECLINED;
        }

        ngx_str_null(value);
        return NGX_OK;
    }

    if (!json_is_string(v) || json_string_length(v) == 0) {
        *reason = "bad dpop claim";
        return NGX_DECLINED;
    }

    value->data = (u_char *) json_string_value(v);
    value->len = json_string_length(v);

    return NGX_OK;
}


ngx_int_t
ngx_sg_dpop_check(ngx_pool_t *pool, ngx_sg_dpop_proof_t *proof,
    ngx_sg_dpop_rules_t *rules, const char **reason)
{
    u_char      *p;
    ngx_int_t    rc;
    ngx_str_t    htu;
    const char  *why, *dummy;
    u_char       ath[NGX_SG_DPOP_JKT_LEN];

    if (reason == NULL) {
        reason = &dummy;
    }

    /* methods are case-sensitive (RFC 9110 9.1) */

    if (proof->htm.len != rules->htm.len
        || ngx_memcmp(proof->htm.data, rules->htm.data, rules->htm.len) != 0)
    {
        *reason = "dpop htm mismatch";
        return NGX_DECLINED;
    }

    rc = ngx_sg_uri_normalize(pool, &proof->htu, 0, &htu, &why);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        *reason = "bad dpop htu";
        return NGX_DECLINED;
    }

    if (htu.len != rules->htu.len
        || ngx_memcmp(htu.data, rules->htu.data, htu.len) != 0)
    {
        *reason = "dpop htu mismatch";
        return NGX_DECLINED;
    }

    if (proof->iat < rules->now - rules->window) {
        *reason = "dpop iat too old";
        return NGX_DECLINED;
    }

    if (proof->iat > rules->now + rules->window) {
        *reason = "dpop iat in the future";
        return NGX_DECLINED;
    }

    if (rules->access_token.len == 0) {
        return NGX_OK;
    }

    if (proof->ath.len == 0) {
        *reason = "missing dpop ath";
        return NGX_DECLINED;
    }

    if (rules->ath.len == NGX_SG_DPOP_JKT_LEN) {
        p = rules->ath.data;

    } else if (ngx_sg_sha256_b64(rules->access_token.data,
                                 rules->access_token.len, ath)
               == NGX_OK)
    {
        p = ath;

    } else {
        return NGX_ERROR;
    }

    if (proof->ath.len != NGX_SG_DPOP_JKT_LEN
        || CRYPTO_memcmp(proof->ath.data, p, NGX_SG_DPOP_JKT_LEN) != 0)
    {
        *reason = "dpop ath mismatch";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_dpop_jkt_match(ngx_sg_dpop_proof_t *proof, json_t *cnf,
    const char **reason)
{
    json_t      *jkt;
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    jkt = (cnf && json_is_object(cnf)) ? json_object_get(cnf, "jkt") : NULL;

    if (jkt == NULL) {
        *reason = "token not dpop-bound";
        return NGX_DECLINED;
    }

    if (!json_is_string(jkt)) {
        *reason = "bad cnf.jkt";
        return NGX_DECLINED;
    }

    if (json_string_length(jkt) != proof->jkt.len
        || proof->jkt.len != NGX_SG_DPOP_JKT_LEN
        || ngx_memcmp(json_string_value(jkt), proof->jkt.data,
                      NGX_SG_DPOP_JKT_LEN)
           != 0)
    {
        *reason = "dpop key mismatch";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_dpop_nonce(u_char *key, time_t now, time_t period, u_char *out)
{
    if (now < 0 || period <= 0) {
        return NGX_ERROR;
    }

    return ngx_sg_dpop_nonce_slot(key, (uint64_t) (now / period), out);
}


ngx_int_t
ngx_sg_dpop_nonce_check(u_char *key, time_t now, time_t period,
    ngx_str_t *nonce, const char **reason)
{
    uint64_t     slot;
    ngx_uint_t   i;
    const char  *dummy;
    u_char       expected[NGX_SG_DPOP_NONCE_LEN];

    if (reason == NULL) {
        reason = &dummy;
    }

    if (nonce->len == 0) {
        *reason = "missing dpop nonce";
        return NGX_DECLINED;
    }

    if (now < 0 || period <= 0) {
        return NGX_ERROR;
    }

    if (nonce->len == NGX_SG_DPOP_NONCE_LEN) {

        slot = (uint64_t) (now / period);

        /* the current slot, then the previous one (rotation) */

        for (i = 0; i < 2 && slot >= i; i++) {
            if (ngx_sg_dpop_nonce_slot(key, slot - i, expected) != NGX_OK) {
                return NGX_ERROR;
            }

            if (CRYPTO_memcmp(expected, nonce->data, NGX_SG_DPOP_NONCE_LEN)
                == 0)
            {
                return NGX_OK;
            }
        }
    }

    *reason = "stale dpop nonce";

    return NGX_DECLINED;
}


static ngx_int_t
ngx_sg_dpop_nonce_slot(u_char *key, uint64_t slot, u_char *out)
{
    u_char        *p;
    ngx_str_t      src, dst;
    ngx_uint_t     i;
    unsigned int   len;
    u_char         raw[24], mac[EVP_MAX_MD_SIZE];
    u_char         input[sizeof(ngx_sg_dpop_nonce_label) - 1 + 8];

    for (i = 0; i < 8; i++) {
        raw[i] = (u_char) (slot >> (56 - 8 * i));
    }

    p = ngx_cpymem(input, ngx_sg_dpop_nonce_label,
                   sizeof(ngx_sg_dpop_nonce_label) - 1);
    ngx_memcpy(p, raw, 8);

    if (HMAC(EVP_sha256(), key, NGX_SG_DPOP_NONCE_KEY_LEN, input,
             sizeof(input), mac, &len)
        == NULL
        || len < 16)
    {
        ERR_clear_error();
        return NGX_ERROR;
    }

    ngx_memcpy(raw + 8, mac, 16);

    src.data = raw;
    src.len = sizeof(raw);
    dst.data = out;

    /* 24 octets: exactly NGX_SG_DPOP_NONCE_LEN characters, no padding */
    ngx_encode_base64url(&dst, &src);

    OPENSSL_cleanse(mac, sizeof(mac));

    return NGX_OK;
}
