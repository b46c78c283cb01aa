
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The frequency sketch of ngx_sg_sketch.h.  Counter c is the nibble
 * (c & 15) of word (c >> 4).  A key's counters are h1 + i * h2 (i = 0..3)
 * modulo the number of counters, a power of two: h1 is the caller's hash,
 * h2 a remix of it made odd, so that the four indexes differ.
 */


#include <ngx_sg_sketch.h>


#define NGX_SG_SKETCH_MIN       64          /* counters */
#define NGX_SG_SKETCH_PER_ENTRY 4           /* counters */
#define NGX_SG_SKETCH_HALF      0x7777777777777777ULL


static uint32_t ngx_sg_sketch_remix(uint32_t hash);
static ngx_uint_t ngx_sg_sketch_counters(ngx_uint_t entries);
static void ngx_sg_sketch_age(ngx_sg_sketch_t *sketch);


static ngx_uint_t
ngx_sg_sketch_counters(ngx_uint_t entries)
{
    ngx_uint_t  n, want;

    want = entries > ((ngx_uint_t) -1) / (2 * NGX_SG_SKETCH_PER_ENTRY)
           ? ((ngx_uint_t) -1) / (2 * NGX_SG_SKETCH_PER_ENTRY)
           : entries * NGX_SG_SKETCH_PER_ENTRY;

    for (n = NGX_SG_SKETCH_MIN; n < want; n <<= 1) { /* void */ }

    return n;
}


size_t
ngx_sg_sketch_size(ngx_uint_t entries)
{
    return ngx_sg_sketch_counters(entries) / 16 * sizeof(uint64_t);
}


void
ngx_sg_sketch_init(ngx_sg_sketch_t *sketch, void *mem, ngx_uint_t entries)
{
    sketch->table = mem;
    sketch->mask = ngx_sg_sketch_counters(entries) - 1;
    sketch->additions = 0;
    sketch->sample = (entries ? entries : 1) * NGX_SG_SKETCH_SAMPLE;
    sketch->agings = 0;
}


/* murmur3's finalizer */

static uint32_t
ngx_sg_sketch_remix(uint32_t hash)
{
    hash ^= hash >> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >> 13;
    hash *= 0xc2b2ae35;
    hash ^= hash >> 16;

    return hash | 1;
}


void
ngx_sg_sketch_increment(ngx_sg_sketch_t *sketch, uint32_t hash)
{
    uint32_t     h2;
    uint64_t    *w;
    ngx_uint_t   i, c, shift;

    h2 = ngx_sg_sketch_remix(hash);

    for (i = 0; i < NGX_SG_SKETCH_DEPTH; i++) {
        c = (hash + i * (ngx_uint_t) h2) & sketch->mask;
        w = &sketch->table[c >> 4];
        shift = (c & 15) << 2;

        if (((*w >> shift) & 0xf) < NGX_SG_SKETCH_MAX) {
            *w += (uint64_t) 1 << shift;
        }
    }

    if (++sketch->additions >= sketch->sample) {
        ngx_sg_sketch_age(sketch);
    }
}


ngx_uint_t
ngx_sg_sketch_estimate(ngx_sg_sketch_t *sketch, uint32_t hash)
{
    uint32_t    h2;
    ngx_uint_t  i, c, v, min;

    h2 = ngx_sg_sketch_remix(hash);
    min = NGX_SG_SKETCH_MAX;

    for (i = 0; i < NGX_SG_SKETCH_DEPTH; i++) {
        c = (hash + i * (ngx_uint_t) h2) & sketch->mask;
        v = (sketch->table[c >> 4] >> ((c & 15) << 2)) & 0xf;

        if (v < min) {
            min = v;
        }
    }

    return min;
}


/* every counter halved, rounding down */

static void
ngx_sg_sketch_age(ngx_sg_sketch_t *sketch)
{
    ngx_uint_t  i, n;

    n = (sketch->mask + 1) / 16;

    for (i = 0; i < n; i++) {
        sketch->table[i] = (sketch->table[i] >> 1) & NGX_SG_SKETCH_HALF;
    }

    sketch->additions /= 2;
    sketch->agings++;
}
