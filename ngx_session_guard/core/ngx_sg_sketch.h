
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_SKETCH_H_INCLUDED_
#define _NGX_SG_SKETCH_H_INCLUDED_


/*
 * A frequency sketch (TinyLFU's count-min sketch): how often a key was
 * seen recently, in a fixed and small memory, for a cache's admission
 * policy.  A key is known by a 32-bit hash the caller already has (the
 * verified-token cache's ngx_murmur_hash2() of the token); the sketch
 * derives its four counter indexes from it (double hashing), so that equal
 * hashes always count as the same key, and it never sees the key itself.
 *
 * Counters are 4 bits, 16 to a 64-bit word, and saturate at 15
 * (NGX_SG_SKETCH_MAX).  A key's four counters are distinct; the estimate
 * is the smallest of them: it is never below the number of times the key
 * was counted since the last aging (up to 15), and above it only by the
 * counts of keys whose hashes share all four counters with it.  Every
 * "sample" increments (10 per entry the sketch is sized for), every
 * counter is halved (aging), so that keys hot in the past give way to
 * keys hot now; after an aging an estimate may be below the true count.
 *
 * Sizing: ngx_sg_sketch_size(entries) bytes, for 4 counters per entry
 * (2 bytes per entry) rounded up to a power of two, at least 64 counters;
 * the memory is the caller's, zeroed, and aligned for uint64_t.  No
 * allocation, no locks: one sketch belongs to one worker.  Increment and
 * estimate are O(1), the aging is linear in the size (once every
 * "sample" increments).  There is no doorkeeper: a key seen once costs
 * four counter increments like any other.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_SKETCH_MAX       15
#define NGX_SG_SKETCH_DEPTH     4
#define NGX_SG_SKETCH_SAMPLE    10      /* increments per entry */


typedef struct {
    uint64_t                   *table;
    ngx_uint_t                  mask;       /* counters - 1 */
    ngx_uint_t                  additions;  /* since the last aging */
    ngx_uint_t                  sample;     /* age after this many */
    ngx_uint_t                  agings;     /* how many so far */
} ngx_sg_sketch_t;


size_t ngx_sg_sketch_size(ngx_uint_t entries);
void ngx_sg_sketch_init(ngx_sg_sketch_t *sketch, void *mem,
    ngx_uint_t entries);
void ngx_sg_sketch_increment(ngx_sg_sketch_t *sketch, uint32_t hash);
ngx_uint_t ngx_sg_sketch_estimate(ngx_sg_sketch_t *sketch, uint32_t hash);


#endif /* _NGX_SG_SKETCH_H_INCLUDED_ */
