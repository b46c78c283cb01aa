
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The verified-token cache: a fixed-size, direct-mapped table per worker
 * that remembers tokens whose signature and claims were accepted, so that
 * a token presented again is neither verified nor decoded again; its
 * claims are checked on every request regardless.
 *
 * An entry is a copy of the token itself, the identity of the key set
 * (and, for keys fetched from a JWKS URL, the generation of that set,
 * which changes with every fetch, so that a verdict never outlives the
 * keys that produced it), the algorithm allow-list it was verified under,
 * and the token's "exp".  The slot is chosen by a fast non-cryptographic
 * hash of the token (ngx_murmur_hash2); the hash only selects, it proves
 * nothing: a hit needs the presented token to equal the stored copy byte
 * for byte (compared in constant time), the keys, generation and
 * algorithms to match and "exp" (plus the leeway) to lie in the future,
 * so a token verified in one location is never taken as verified in a
 * location with other keys or algorithms, and two tokens whose hashes
 * collide only take each other's slot.  The table never grows.
 *
 * Admission (TinyLFU): every lookup counts its token's hash in a small
 * frequency sketch of this worker (ngx_sg_sketch.c, 4 counters of 4 bits
 * per entry, halved every 10 lookups per entry).  A newly verified token
 * takes a slot that is empty or expired, or that holds the same hash, and
 * takes an occupied one only when it was seen more often lately than the
 * token there; otherwise the resident stays and the newcomer is simply
 * not cached.  With more distinct tokens than entries, rotating, most
 * newcomers are refused for the price of the sketch's update and reading,
 * instead of copying a token and its claims that are evicted before
 * their next use; a few frequent tokens keep their slots.  Admission only
 * decides what is stored: what a hit requires (the byte-for-byte compare,
 * keys, generation, algorithms, "exp") is exactly the same, and a
 * refused token is verified in full like any miss.  Only accepted tokens
 * are inserted; a token longer than NGX_HTTP_SG_CACHE_TOKEN_MAX bytes, or one
 * that finds no room for its copy, is not cached (verified every time).
 *
 * The copy of the token and the decoded claims (a copy of the payload's
 * JSON tree) and the header's "typ" live in a slab of this worker's own
 * (no mutex: nothing else uses it), sized NGX_HTTP_SG_CACHE_ENTRY bytes
 * per entry, between NGX_HTTP_SG_CACHE_MEM_MIN and _MAX in all.  A request
 * that uses the claims takes a reference, dropped by a cleanup of its
 * pool, so an entry replaced while the request still runs (a proxied
 * request, its claims read in the log phase) frees them only once the
 * request is done; the token's copy is only read during the lookup and is
 * freed with its entry.  When the slab has room for the token but not for
 * its claims, the entry keeps no claims, and a hit on it decodes the
 * token again (the signature is still not checked again).
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_CACHE_TOKEN_MAX   4096
#define NGX_HTTP_SG_CACHE_ENTRY       4096
#define NGX_HTTP_SG_CACHE_MEM_MIN     (256 * 1024)
#define NGX_HTTP_SG_CACHE_MEM_MAX     (64 * 1024 * 1024)


typedef struct {
    json_t                     *payload;
    json_t                     *typ;
} ngx_http_sg_cache_pin_t;


static ngx_uint_t ngx_http_sg_cache_equal(u_char *a, u_char *b, size_t len);
static void ngx_http_sg_cache_release(ngx_http_sg_cache_t *cache,
    ngx_http_sg_cache_entry_t *e);
static void ngx_http_sg_cache_unpin(void *data);
static void *ngx_http_sg_cache_alloc(void *data, size_t size);
static void ngx_http_sg_cache_free(void *data, void *p);


ngx_int_t
ngx_http_sg_cache_init(ngx_conf_t *cf, ngx_http_sg_cache_t *cache,
    ngx_uint_t size)
{
    u_char           *p;
    size_t            n;
    ngx_slab_pool_t  *sp;

    ngx_memzero(cache, sizeof(ngx_http_sg_cache_t));

    cache->size = size;

    /*
     * SHA-256 (DPoP "jti" digests, with or without a cache) fetched here,
     * in the master, rather than by each worker on its first request
     */

    (void) ngx_sg_sha256();

    if (size == 0) {
        return NGX_OK;
    }

    cache->entries = ngx_pcalloc(cf->pool,
                                 size * sizeof(ngx_http_sg_cache_entry_t));
    if (cache->entries == NULL) {
        return NGX_ERROR;
    }

    p = ngx_pcalloc(cf->pool, ngx_sg_sketch_size(size));
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_sg_sketch_init(&cache->sketch, p, size);

    n = NGX_HTTP_SG_CACHE_MEM_MAX / NGX_HTTP_SG_CACHE_ENTRY;
    n = (size < n) ? size * NGX_HTTP_SG_CACHE_ENTRY
                   : NGX_HTTP_SG_CACHE_MEM_MAX;
    n = ngx_max(n, NGX_HTTP_SG_CACHE_MEM_MIN);

    /*
     * Allocated (and its page table written) here, in the master; each
     * worker then writes only its own copy of the pages it uses.
     */

    p = ngx_pmemalign(cf->pool, n, ngx_pagesize);
    if (p == NULL) {
        return NGX_ERROR;
    }

    sp = (ngx_slab_pool_t *) p;

    ngx_memzero(sp, sizeof(ngx_slab_pool_t));
    sp->end = p + n;
    sp->min_shift = 3;
    sp->addr = p;

    ngx_slab_init(sp);

    /* a full slab only means an entry not cached, or without claims */
    sp->log_nomem = 0;

    cache->claims = sp;
    cache->allocator.alloc = ngx_http_sg_cache_alloc;
    cache->allocator.free = ngx_http_sg_cache_free;
    cache->allocator.data = sp;

    return NGX_OK;
}


/*
 * Constant time in the bytes compared (the stored token is a credential
 * someone else presented), a word at a time.
 */

static ngx_uint_t
ngx_http_sg_cache_equal(u_char *a, u_char *b, size_t len)
{
    size_t    i;
    uint64_t  x, y, d;

    d = 0;

    for (i = 0; i + sizeof(uint64_t) <= len; i += sizeof(uint64_t)) {
        ngx_memcpy(&x, a + i, sizeof(uint64_t));
        ngx_memcpy(&y, b + i, sizeof(uint64_t));
        d |= x ^ y;
    }

    for ( /* void */ ; i < len; i++) {
        d |= a[i] ^ b[i];
    }

    return d == 0;
}


/*
 * NGX_OK: a hit, and jws holds the cached alg, typ and claims (pinned until
 * pool is destroyed; no signature, no raw token); NGX_DONE: a hit on an
 * entry without claims (the token must be decoded, not verified);
 * NGX_DECLINED: a miss; NGX_ERROR: out of memory.
 */

ngx_int_t
ngx_http_sg_cache_lookup(ngx_http_sg_cache_t *cache, ngx_pool_t *pool,
    ngx_str_t *token, uint32_t hash, void *keys, ngx_uint_t generation,
    ngx_uint_t algorithms, time_t now, ngx_sg_jws_t *jws)
{
    ngx_pool_cleanup_t         *cln;
    ngx_http_sg_cache_pin_t    *pin;
    ngx_http_sg_cache_entry_t  *e;

    if (cache->size == 0) {
        return NGX_DECLINED;
    }

    ngx_sg_sketch_increment(&cache->sketch, hash);

    e = &cache->entries[hash % cache->size];

    if (e->len == 0) {
        cache->misses++;
        return NGX_DECLINED;
    }

    if (e->expires <= now) {
        /* its memory need not wait for the slot's next token */
        ngx_http_sg_cache_release(cache, e);
        cache->misses++;
        return NGX_DECLINED;
    }

    if (e->hash != hash
        || e->len != token->len
        || e->keys != keys
        || e->generation != generation
        || e->algorithms != algorithms
        || !ngx_http_sg_cache_equal(e->token, token->data, token->len))
    {
        cache->misses++;
        return NGX_DECLINED;
    }

    cache->hits++;

    if (e->payload == NULL) {
        return NGX_DONE;
    }

    cln = ngx_pool_cleanup_add(pool, sizeof(ngx_http_sg_cache_pin_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    pin = cln->data;
    pin->payload = json_incref(e->payload);
    pin->typ = json_incref(e->typ);
    cln->handler = ngx_http_sg_cache_unpin;

    ngx_memzero(jws, sizeof(ngx_sg_jws_t));

    jws->alg = e->alg;
    jws->payload = e->payload;

    if (e->typ) {
        jws->typ.data = (u_char *) json_string_value(e->typ);
        jws->typ.len = json_string_length(e->typ);
    }

    return NGX_OK;
}


/* jws: the token as ngx_sg_jws_parse() decoded it, header included */

void
ngx_http_sg_cache_insert(ngx_http_sg_cache_t *cache, ngx_str_t *token,
    uint32_t hash, void *keys, ngx_uint_t generation, ngx_uint_t algorithms,
    time_t expires, ngx_sg_jws_t *jws)
{
    json_t                     *typ;
    ngx_http_sg_cache_entry_t  *e;

    if (cache->size == 0
        || token->len == 0
        || token->len > NGX_HTTP_SG_CACHE_TOKEN_MAX)
    {
        return;
    }

    e = &cache->entries[hash % cache->size];

    if (e->len
        && e->expires > ngx_time()
        && e->hash != hash
        && ngx_sg_sketch_estimate(&cache->sketch, hash)
           <= ngx_sg_sketch_estimate(&cache->sketch, e->hash))
    {
        /* the resident was seen at least as often lately: it stays */
        return;
    }

    ngx_http_sg_cache_release(cache, e);

    /* no copy of the token, no entry: a hit needs the whole token */

    e->token = ngx_slab_alloc_locked(cache->claims, token->len);
    if (e->token == NULL) {
        return;
    }

    ngx_memcpy(e->token, token->data, token->len);
    e->len = token->len;
    e->hash = hash;
    e->keys = keys;
    e->generation = generation;
    e->algorithms = algorithms;
    e->expires = expires;
    e->alg = jws->alg;

    if (jws->payload == NULL) {
        return;
    }

    e->payload = ngx_sg_json_copy(&cache->allocator, jws->payload);

    if (e->payload == NULL || jws->typ.len == 0) {
        return;
    }

    typ = json_object_get(jws->header, "typ");

    e->typ = typ ? ngx_sg_json_copy(&cache->allocator, typ) : NULL;

    if (e->typ == NULL) {
        /* no claims rather than claims without their "typ" */
        json_decref(e->payload);
        e->payload = NULL;
    }
}


static void
ngx_http_sg_cache_release(ngx_http_sg_cache_t *cache,
    ngx_http_sg_cache_entry_t *e)
{
    if (e->token) {
        ngx_slab_free_locked(cache->claims, e->token);
        e->token = NULL;
    }

    e->len = 0;
    e->expires = 0;
    e->ath_set = 0;

    /* the claims are freed now unless a running request holds them */

    json_decref(e->payload);
    json_decref(e->typ);

    e->payload = NULL;
    e->typ = NULL;
}


static void
ngx_http_sg_cache_unpin(void *data)
{
    ngx_http_sg_cache_pin_t  *pin = data;

    json_decref(pin->payload);
    json_decref(pin->typ);
}


static void *
ngx_http_sg_cache_alloc(void *data, size_t size)
{
    return ngx_slab_alloc_locked(data, size);
}


static void
ngx_http_sg_cache_free(void *data, void *p)
{
    ngx_slab_free_locked(data, p);
}


/*
 * The DPoP "ath" of a token (RFC 9449 4.3: base64url(SHA-256(token)),
 * NGX_SG_SHA256_B64_LEN bytes into ath), kept with the token's entry so
 * that a cached token is hashed once rather than for every proof.  It is
 * a function of the token's bytes alone, so it is kept and used only when
 * the entry's copy equals the token byte for byte, whatever keys or
 * algorithms the entry was verified under; with no such entry it is
 * computed and not kept.  NGX_OK, or NGX_ERROR (OpenSSL).
 */

ngx_int_t
ngx_http_sg_cache_ath(ngx_http_sg_cache_t *cache, ngx_str_t *token,
    uint32_t hash, u_char *ath)
{
    ngx_http_sg_cache_entry_t  *e;

    e = NULL;

    if (cache->size) {
        e = &cache->entries[hash % cache->size];

        if (e->len == 0
            || e->len != token->len
            || e->hash != hash
            || !ngx_http_sg_cache_equal(e->token, token->data, token->len))
        {
            e = NULL;
        }
    }

    if (e && e->ath_set) {
        ngx_memcpy(ath, e->ath, NGX_SG_SHA256_B64_LEN);
        return NGX_OK;
    }

    if (ngx_sg_sha256_b64(token->data, token->len, ath) != NGX_OK) {
        return NGX_ERROR;
    }

    if (e) {
        ngx_memcpy(e->ath, ath, NGX_SG_SHA256_B64_LEN);
        e->ath_set = 1;
    }

    return NGX_OK;
}
