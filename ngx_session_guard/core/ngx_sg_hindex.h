
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_HINDEX_H_INCLUDED_
#define _NGX_SG_HINDEX_H_INCLUDED_


/*
 * A hash index (open hashing) over records kept in one memory block, such
 * as a shared-memory zone: an array of buckets, each the head of a chain
 * of records linked through an ngx_sg_hlink_t inside each record.  Links
 * and buckets hold 32-bit offsets from the block's base counted in 4-byte
 * units (blocks up to 16G, links 4-byte aligned); 0 ends a chain, so
 * offset 0 must never be a link.  Nothing points outside the block: it
 * works at whatever address each process maps it.
 *
 * A record is known by a 32-bit hash of its key, kept in its link: the
 * bucket is its low bits, and a lookup compares the stored hash before
 * the key, so that it reads only the first bytes of the records that are
 * not the one sought.  The hash must be keyed (ngx_sg_siphash()) when keys
 * come from clients: with a public hash, chosen keys make one long chain.
 *
 * Sizing: ngx_sg_hindex_buckets(n) is the largest power of two not above
 * n, at least NGX_SG_HINDEX_MIN; the caller gives the memory for them
 * (4 bytes each, 4-byte aligned).  Insertion and removal are O(1) plus the
 * chain's length (removal walks it, the chain is singly linked); no
 * allocation, no locks (the caller's).  Equal keys are not refused: the
 * caller looks the key up before inserting.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_HINDEX_MIN       16


typedef struct {
    uint32_t                    hash;
    uint32_t                    next;       /* in the bucket; 0: last */
} ngx_sg_hlink_t;


typedef struct {
    uint32_t                   *buckets;
    uint32_t                    mask;       /* buckets - 1 */
} ngx_sg_hindex_t;


ngx_uint_t ngx_sg_hindex_buckets(ngx_uint_t n);
void ngx_sg_hindex_init(ngx_sg_hindex_t *ix, uint32_t *buckets,
    ngx_uint_t n);
void ngx_sg_hindex_insert(ngx_sg_hindex_t *ix, u_char *base,
    ngx_sg_hlink_t *l, uint32_t hash);
void ngx_sg_hindex_remove(ngx_sg_hindex_t *ix, u_char *base,
    ngx_sg_hlink_t *l);


#define ngx_sg_hindex_link(base, off)                                        \
    ((ngx_sg_hlink_t *) ((base) + ((size_t) (off) << 2)))


/* the next link after "l" (NULL: the first) whose hash is "hash", or NULL */

static ngx_inline ngx_sg_hlink_t *
ngx_sg_hindex_next(ngx_sg_hindex_t *ix, u_char *base, ngx_sg_hlink_t *l,
    uint32_t hash)
{
    uint32_t  off;

    off = (l == NULL) ? ix->buckets[hash & ix->mask] : l->next;

    while (off) {
        l = ngx_sg_hindex_link(base, off);

        if (l->hash == hash) {
            return l;
        }

        off = l->next;
    }

    return NULL;
}


#endif /* _NGX_SG_HINDEX_H_INCLUDED_ */
