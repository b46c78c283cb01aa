
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The verified-token cache: a fixed-size, direct-mapped table per worker
 * that remembers tokens whose signature and claims were accepted, so that
 * a token presented again skips the signature check (claims are checked
 * on every request regardless).
 *
 * An entry is the SHA-256 of the token, the identity of the key set (and,
 * for keys fetched from a JWKS URL, the generation of that set, which
 * changes with every fetch, so that a verdict never outlives the keys
 * that produced it) and the algorithm allow-list it was verified under,
 * and the token's "exp".  A
 * hit needs all of them to match and "exp" to lie in the future, so a
 * token verified in one location is never taken as verified in a location
 * with other keys or algorithms.  The table never grows: a colliding
 * insert replaces the old entry.  Only accepted tokens are inserted.
 */


#include "ngx_http_sg.h"

#include <openssl/sha.h>


ngx_int_t
ngx_http_sg_cache_init(ngx_conf_t *cf, ngx_http_sg_cache_t *cache,
    ngx_uint_t size)
{
    cache->size = size;
    cache->hits = 0;
    cache->misses = 0;

    if (size == 0) {
        cache->entries = NULL;
        return NGX_OK;
    }

    cache->entries = ngx_pcalloc(cf->pool,
                                 size * sizeof(ngx_http_sg_cache_entry_t));
    if (cache->entries == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_sg_cache_digest(ngx_str_t *token, u_char digest[32])
{
    (void) SHA256(token->data, token->len, digest);
}


static ngx_http_sg_cache_entry_t *
ngx_http_sg_cache_slot(ngx_http_sg_cache_t *cache, u_char digest[32])
{
    uint64_t  h;

    ngx_memcpy(&h, digest, sizeof(uint64_t));

    return &cache->entries[h % cache->size];
}


ngx_uint_t
ngx_http_sg_cache_lookup(ngx_http_sg_cache_t *cache, u_char digest[32],
    void *keys, ngx_uint_t generation, ngx_uint_t algorithms, time_t now)
{
    ngx_http_sg_cache_entry_t  *e;

    if (cache->size == 0) {
        return 0;
    }

    e = ngx_http_sg_cache_slot(cache, digest);

    if (e->keys == keys
        && e->generation == generation
        && e->algorithms == algorithms
        && e->expires > now
        && ngx_memcmp(e->digest, digest, 32) == 0)
    {
        cache->hits++;
        return 1;
    }

    cache->misses++;

    return 0;
}


void
ngx_http_sg_cache_insert(ngx_http_sg_cache_t *cache, u_char digest[32],
    void *keys, ngx_uint_t generation, ngx_uint_t algorithms,
    time_t expires)
{
    ngx_http_sg_cache_entry_t  *e;

    if (cache->size == 0) {
        return;
    }

    e = ngx_http_sg_cache_slot(cache, digest);

    ngx_memcpy(e->digest, digest, 32);
    e->keys = keys;
    e->generation = generation;
    e->algorithms = algorithms;
    e->expires = expires;
}
