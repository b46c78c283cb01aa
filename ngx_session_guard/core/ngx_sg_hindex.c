
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The hash index of ngx_sg_hindex.h.  A record is inserted at the head of
 * its bucket's chain: the newest is found first.
 */


#include <ngx_sg_hindex.h>


ngx_uint_t
ngx_sg_hindex_buckets(ngx_uint_t n)
{
    ngx_uint_t  b;

    /* 2^31 at most: the mask is 32 bits */

    for (b = NGX_SG_HINDEX_MIN; b <= n / 2 && b < 0x80000000; b <<= 1) {
        /* void */
    }

    return b;
}


void
ngx_sg_hindex_init(ngx_sg_hindex_t *ix, uint32_t *buckets, ngx_uint_t n)
{
    ngx_memzero(buckets, n * sizeof(uint32_t));

    ix->buckets = buckets;
    ix->mask = (uint32_t) (n - 1);
}


void
ngx_sg_hindex_insert(ngx_sg_hindex_t *ix, u_char *base, ngx_sg_hlink_t *l,
    uint32_t hash)
{
    uint32_t  *b;

    b = &ix->buckets[hash & ix->mask];

    l->hash = hash;
    l->next = *b;

    *b = (uint32_t) (((u_char *) l - base) >> 2);
}


void
ngx_sg_hindex_remove(ngx_sg_hindex_t *ix, u_char *base, ngx_sg_hlink_t *l)
{
    uint32_t        off, *p;
    ngx_sg_hlink_t  *x;

    off = (uint32_t) (((u_char *) l - base) >> 2);
    p = &ix->buckets[l->hash & ix->mask];

    while (*p) {

        if (*p == off) {
            *p = l->next;
            l->next = 0;
            return;
        }

        x = ngx_sg_hindex_link(base, *p);
        p = &x->next;
    }
}
