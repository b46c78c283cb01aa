
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Blocked subjects: a subject the management API blocked has no session
 * in the zone (the API revokes them as it blocks) and gets none until it
 * is unblocked (ngx_http_sg_zone_session() refuses it, NGX_ABORT).  Kept
 * in the zone's "blocks" tree (ngx_http_sg_shm.c), never evicted, saved
 * with the state file (format 3) and copied into a resized zone.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


/* with the mutex held, as every ngx_http_sg_shm_*() */

ngx_http_sg_block_t *
ngx_http_sg_shm_find_block(ngx_http_sg_zone_t *zone, ngx_str_t *sub)
{
    ngx_rbtree_node_t  *node;

    if (zone->sh->nblocks == 0) {
        return NULL;
    }

    node = ngx_http_sg_shm_lookup(&zone->sh->blocks,
                                  ngx_crc32_short(sub->data, sub->len),
                                  sub->data, sub->len,
                                  offsetof(ngx_http_sg_block_t, data));

    return node ? ngx_http_sg_overlay(node) : NULL;
}


/*
 * A block for sub (not blocked yet), in memory that sessions give way to
 * (a revocation never does): NGX_OK, or NGX_ERROR when there is no room.
 */

ngx_int_t
ngx_http_sg_shm_add_block(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    time_t since, time_t now)
{
    size_t                size;
    ngx_uint_t            evicted;
    ngx_rbtree_node_t    *node;
    ngx_http_sg_block_t  *b;

    size = ngx_http_sg_node_size(ngx_http_sg_block_t, sub->len);

    node = ngx_http_sg_shm_alloc(zone, size, now, NGX_HTTP_SG_ROUNDS_REVOKE,
                                 &evicted);
    if (node == NULL) {
        return NGX_ERROR;
    }

    node->key = ngx_crc32_short(sub->data, sub->len);

    b = ngx_http_sg_overlay(node);
    b->len = (u_short) sub->len;
    /* 0 reads as "not blocked": a block from a file without a time */
    b->since = ngx_http_sg_t32(since > 0 ? since : now);

    if (b->since == 0) {
        b->since = 1;
    }

    ngx_memcpy(b->data, sub->data, sub->len);

    ngx_rbtree_insert(&zone->sh->blocks, node);

    zone->sh->nblocks++;
    zone->sh->block_bytes += sub->len;
    zone->sh->generation++;

    return NGX_OK;
}


/*
 * NGX_OK blocked now; NGX_DECLINED blocked already; *since: from when.
 * NGX_ERROR: no room, even after giving up sessions (never revocations).
 */

ngx_int_t
ngx_http_sg_zone_block(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    time_t *since)
{
    time_t                now;
    ngx_int_t             rc;
    ngx_http_sg_block_t  *b;

    if (sub->len == 0 || sub->len > NGX_SG_SUB_MAX) {
        return NGX_ERROR;
    }

    now = ngx_time();

    ngx_shmtx_lock(&zone->shpool->mutex);

    b = ngx_http_sg_shm_find_block(zone, sub);

    if (b) {
        *since = b->since;
        rc = NGX_DECLINED;

    } else {
        *since = now;
        rc = ngx_http_sg_shm_add_block(zone, sub, now, now);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/* NGX_OK: it was blocked; NGX_DECLINED: it was not */

ngx_int_t
ngx_http_sg_zone_unblock(ngx_http_sg_zone_t *zone, ngx_str_t *sub)
{
    ngx_http_sg_block_t  *b;
    ngx_http_sg_shctx_t  *sh;

    if (sub->len == 0 || sub->len > NGX_SG_SUB_MAX) {
        return NGX_DECLINED;
    }

    sh = zone->sh;

    ngx_shmtx_lock(&zone->shpool->mutex);

    b = ngx_http_sg_shm_find_block(zone, sub);

    if (b == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_rbtree_delete(&sh->blocks, ngx_http_sg_rbnode(b));

    sh->nblocks--;
    sh->block_bytes -= b->len;
    sh->generation++;

    ngx_slab_free_locked(zone->shpool, ngx_http_sg_rbnode(b));

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


/*
 * Since when sub is blocked; 0: it is not.  No lock while the zone has no
 * block at all, the usual case.
 */

time_t
ngx_http_sg_zone_blocked(ngx_http_sg_zone_t *zone, ngx_str_t *sub)
{
    time_t                since;
    ngx_http_sg_block_t  *b;

    if (zone->sh->nblocks == 0 || sub->len == 0
        || sub->len > NGX_SG_SUB_MAX)
    {
        return 0;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    b = ngx_http_sg_shm_find_block(zone, sub);
    since = b ? (time_t) b->since : 0;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return since;
}


/*
 * Every blocked subject, copied into the pool (ngx_http_sg_block_info_t):
 * measured under the lock, allocated without it, copied under it again (as
 * many as were measured and fit).
 */

ngx_int_t
ngx_http_sg_zone_blocks(ngx_http_sg_zone_t *zone, ngx_pool_t *pool,
    ngx_array_t **out)
{
    u_char                    *p, *last;
    size_t                     bytes;
    ngx_uint_t                 n;
    ngx_rbtree_node_t         *node;
    ngx_http_sg_shctx_t       *sh;
    ngx_http_sg_block_t       *b;
    ngx_http_sg_block_info_t  *bi;

    sh = zone->sh;

    ngx_shmtx_lock(&zone->shpool->mutex);
    n = sh->nblocks;
    bytes = sh->block_bytes;
    ngx_shmtx_unlock(&zone->shpool->mutex);

    *out = ngx_array_create(pool, n ? n : 1,
                            sizeof(ngx_http_sg_block_info_t));
    if (*out == NULL) {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(pool, bytes ? bytes : 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    last = p + bytes;

    ngx_shmtx_lock(&zone->shpool->mutex);

    if (sh->nblocks) {
        for (node = ngx_rbtree_min(sh->blocks.root, sh->blocks.sentinel);
             node;
             node = ngx_rbtree_next(&sh->blocks, node))
        {
            b = ngx_http_sg_overlay(node);

            if ((*out)->nelts == n || (size_t) (last - p) < b->len) {
                break;
            }

            bi = ngx_array_push(*out);        /* preallocated */

            bi->sub.data = p;
            bi->sub.len = b->len;
            bi->since = b->since;
            p = ngx_cpymem(p, b->data, b->len);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}
