
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The primitives of a session_guard zone in shared memory: the index,
 * records, reclamation, eviction, revocation.  The layout and its rules
 * are described in ngx_http_sg_shm.h; every function here runs with the
 * slab mutex held and never logs.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"

#include <openssl/rand.h>


/* sorted insertion walks back from the tail at most this far */
#define NGX_HTTP_SG_SORT_STEPS      32


static void ngx_http_sg_rbtree_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel, size_t off);
static void ngx_http_sg_subject_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_http_sg_block_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_http_sg_memory_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_http_sg_jti_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_http_sg_reclaim(ngx_http_sg_zone_t *zone,
    ngx_http_sg_link_t *h, ngx_uint_t head, time_t now, ngx_uint_t n);
static void ngx_http_sg_end(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn, time_t now);
static ngx_uint_t ngx_http_sg_evict(ngx_http_sg_zone_t *zone,
    ngx_http_sg_link_t *h, time_t now, ngx_uint_t n, ngx_uint_t *evicted);
static void *ngx_http_sg_alloc(ngx_http_sg_zone_t *zone, size_t size,
    time_t now, ngx_uint_t rounds, ngx_uint_t *evicted, ngx_uint_t unauth);


/* size: the zone's, which sizes the session index */

ngx_int_t
ngx_http_sg_shm_init(ngx_http_sg_zone_t *zone, size_t size)
{
    ngx_uint_t            n;
    ngx_http_sg_shctx_t  *sh;

    n = ngx_sg_hindex_buckets(size / NGX_HTTP_SG_BUCKET_BYTES);

    /*
     * The buckets follow the root in one allocation: in a small zone they
     * fit in the root's slab chunk and take no page from the records.
     */

    sh = ngx_slab_calloc(zone->shpool,
                         sizeof(ngx_http_sg_shctx_t) + n * sizeof(uint32_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    if (RAND_bytes(sh->hash_key, NGX_SG_SIPHASH_KEY_LEN) != 1) {
        return NGX_ERROR;
    }

    ngx_sg_hindex_init(&sh->sessions, (uint32_t *) &sh[1], n);

    sh->layout = NGX_HTTP_SG_SHM_LAYOUT;

    zone->sh = sh;
    zone->shpool->data = sh;

    /* the first periodic save writes, whatever the file held */
    sh->saved = (ngx_atomic_uint_t) -1;

    ngx_rbtree_init(&sh->subjects, &sh->subjects_sentinel,
                    ngx_http_sg_subject_insert);
    ngx_rbtree_init(&sh->jtis, &sh->jtis_sentinel, ngx_http_sg_jti_insert);
    ngx_rbtree_init(&sh->blocks, &sh->blocks_sentinel,
                    ngx_http_sg_block_insert);
    ngx_rbtree_init(&sh->memories, &sh->memories_sentinel,
                    ngx_http_sg_memory_insert);

    ngx_http_sg_link_init(ngx_http_sg_base(zone), &sh->lru);
    ngx_http_sg_link_init(ngx_http_sg_base(zone), &sh->lru_unauth);
    ngx_http_sg_link_init(ngx_http_sg_base(zone), &sh->revoked);
    ngx_http_sg_link_init(ngx_http_sg_base(zone), &sh->jti);
    ngx_http_sg_link_init(ngx_http_sg_base(zone), &sh->memory_lru);

    ngx_queue_init(&sh->outbox);

    return NGX_OK;
}


/*
 * NGX_OK if the zone was set up by a build with this layout (to be called
 * on a zone set up before, on reload): NGX_DECLINED otherwise.
 */

ngx_int_t
ngx_http_sg_shm_layout(ngx_slab_pool_t *shpool)
{
    ngx_http_sg_shctx_t  *sh;

    sh = shpool->data;

    if (sh == NULL || sh->layout != NGX_HTTP_SG_SHM_LAYOUT) {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* rbtrees */

static void
ngx_http_sg_rbtree_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel, size_t off)
{
    ngx_int_t            rc;
    ngx_http_sg_key_t   *k, *kt;
    ngx_rbtree_node_t  **p;

    k = ngx_http_sg_overlay(node);

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            kt = ngx_http_sg_overlay(temp);

            if (k->len != kt->len) {
                rc = (k->len < kt->len) ? -1 : 1;

            } else {
                rc = ngx_memcmp((u_char *) k + off, (u_char *) kt + off,
                                k->len & ~NGX_HTTP_SG_JTI_HASHED);
            }

            p = (rc < 0) ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static void
ngx_http_sg_memory_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel)
{
    ngx_http_sg_rbtree_insert(temp, node, sentinel,
                              offsetof(ngx_http_sg_memory_node_t, data));
}


static void
ngx_http_sg_subject_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel)
{
    ngx_http_sg_rbtree_insert(temp, node, sentinel,
                              offsetof(ngx_http_sg_subject_t, data));
}


static void
ngx_http_sg_block_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel)
{
    ngx_http_sg_rbtree_insert(temp, node, sentinel,
                              offsetof(ngx_http_sg_block_t, data));
}


static void
ngx_http_sg_jti_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel)
{
    ngx_http_sg_rbtree_insert(temp, node, sentinel,
                              offsetof(ngx_http_sg_jti_t, data));
}


/* len may carry NGX_HTTP_SG_JTI_HASHED; it is compared whole */

ngx_rbtree_node_t *
ngx_http_sg_shm_lookup(ngx_rbtree_t *tree, uint32_t hash, u_char *data,
    ngx_uint_t len, size_t off)
{
    ngx_int_t            rc;
    ngx_http_sg_key_t   *k;
    ngx_rbtree_node_t   *node, *sentinel;

    node = tree->root;
    sentinel = tree->sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        k = ngx_http_sg_overlay(node);

        if (len != k->len) {
            rc = (len < k->len) ? -1 : 1;

        } else {
            rc = ngx_memcmp(data, (u_char *) k + off,
                            len & ~NGX_HTTP_SG_JTI_HASHED);
        }

        if (rc == 0) {
            return node;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/*
 * Inserts x into h, kept in ascending order of the uint32_t found
 * key_off bytes from each link.  The keys come mostly in order, so the
 * walk back from the tail is short; it is bounded anyway, the order is
 * then approximate, which only delays a reclamation.
 */

void
ngx_http_sg_shm_sorted_insert(u_char *base, ngx_http_sg_link_t *h,
    ngx_http_sg_link_t *x, ssize_t key_off)
{
    uint32_t             key, k;
    ngx_uint_t           n;
    ngx_http_sg_link_t  *at;

    ngx_memcpy(&key, (u_char *) x + key_off, sizeof(uint32_t));

    at = ngx_http_sg_link_last(base, h);

    for (n = 0; at != h && n < NGX_HTTP_SG_SORT_STEPS; n++) {
        ngx_memcpy(&k, (u_char *) at + key_off, sizeof(uint32_t));

        if (k <= key) {
            break;
        }

        at = ngx_http_sg_link(base, at->prev);
    }

    ngx_http_sg_link_after(base, at, x);
}


/* a user's memory (ngx_http_sg_memory.c) */

void
ngx_http_sg_shm_free_memory(ngx_http_sg_zone_t *zone,
    ngx_http_sg_memory_node_t *m)
{
    ngx_http_sg_link_remove(ngx_http_sg_base(zone), &m->queue);
    ngx_rbtree_delete(&zone->sh->memories, ngx_http_sg_rbnode(m));

    zone->sh->nmemories--;
    zone->sh->memory_bytes -= m->len;
    zone->sh->generation++;

    ngx_slab_free_locked(zone->shpool, ngx_http_sg_rbnode(m));
}


/*
 * Up to n of the least recently learned memories are forgotten (for a
 * record: a memory is advice, a live session is not); how many.
 */

ngx_uint_t
ngx_http_sg_shm_evict_memories(ngx_http_sg_zone_t *zone, ngx_uint_t n)
{
    u_char              *base;
    ngx_uint_t           i;
    ngx_http_sg_link_t  *h, *l;

    base = ngx_http_sg_base(zone);
    h = &zone->sh->memory_lru;

    for (i = 0; i < n; i++) {
        l = ngx_http_sg_link_last(base, h);

        if (l == h) {
            break;
        }

        ngx_http_sg_shm_free_memory(zone,
                                    ngx_http_sg_data(l,
                                        ngx_http_sg_memory_node_t, queue));
    }

    return i;
}


ngx_http_sg_subject_t *
ngx_http_sg_shm_subject(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn)
{
    if (sn->subject == 0) {
        return NULL;
    }

    return ngx_http_sg_data(ngx_http_sg_link(ngx_http_sg_base(zone),
                                             sn->subject),
                            ngx_http_sg_subject_t, sessions);
}


void
ngx_http_sg_shm_free(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn)
{
    u_char                 *base;
    ngx_http_sg_shctx_t    *sh;
    ngx_http_sg_subject_t  *st;

    base = ngx_http_sg_base(zone);
    sh = zone->sh;

    ngx_sg_hindex_remove(&sh->sessions, base, &sn->index);
    ngx_http_sg_link_remove(base, &sn->queue);

    sh->bytes -= sn->len;

    st = ngx_http_sg_shm_subject(zone, sn);

    if (st) {
        ngx_http_sg_link_remove(base, &sn->sq);
        sh->bytes -= st->len;

        if (--st->count == 0) {
            ngx_rbtree_delete(&sh->subjects, ngx_http_sg_rbnode(st));
            ngx_slab_free_locked(zone->shpool, ngx_http_sg_rbnode(st));
        }
    }

    sh->stats.sessions--;

    if (sn->revoked) {
        sh->stats.revoked--;
    }

    if (sn->flags & NGX_SG_REC_UNAUTH) {
        sh->unauth--;
    }

    sh->generation++;

    ngx_slab_free_locked(zone->shpool, sn);
}


void
ngx_http_sg_shm_free_jti(ngx_http_sg_zone_t *zone, ngx_http_sg_jti_t *jn)
{
    ngx_http_sg_shctx_t  *sh;

    sh = zone->sh;

    ngx_rbtree_delete(&sh->jtis, ngx_http_sg_rbnode(jn));
    ngx_http_sg_link_remove(ngx_http_sg_base(zone), &jn->queue);

    sh->njti--;
    sh->jti_bytes -= jn->len & ~NGX_HTTP_SG_JTI_HASHED;
    sh->generation++;

    ngx_slab_free_locked(zone->shpool, ngx_http_sg_rbnode(jn));
}


/* reclaims up to n dead records at the end of each queue */

void
ngx_http_sg_shm_expire(ngx_http_sg_zone_t *zone, time_t now, ngx_uint_t n)
{
    u_char               *base;
    ngx_uint_t            i;
    ngx_http_sg_jti_t    *jn;
    ngx_http_sg_shctx_t  *sh;

    base = ngx_http_sg_base(zone);
    sh = zone->sh;

    /* the LRU queues end with the least recently used, "revoked" starts */

    ngx_http_sg_reclaim(zone, &sh->lru, 0, now, n);
    ngx_http_sg_reclaim(zone, &sh->lru_unauth, 0, now, n);
    ngx_http_sg_reclaim(zone, &sh->revoked, 1, now, n);

    for (i = 0; i < n && !ngx_http_sg_link_empty(base, &sh->jti); i++) {
        jn = ngx_http_sg_data(ngx_http_sg_link_first(base, &sh->jti),
                              ngx_http_sg_jti_t, queue);

        if ((time_t) jn->expires >= now) {
            break;
        }

        ngx_http_sg_shm_free_jti(zone, jn);
    }
}


/* up to n dead sessions at the head (else the tail) of the queue h */

static void
ngx_http_sg_reclaim(ngx_http_sg_zone_t *zone, ngx_http_sg_link_t *h,
    ngx_uint_t head, time_t now, ngx_uint_t n)
{
    u_char              *base;
    ngx_uint_t           i;
    ngx_http_sg_node_t  *sn;
    ngx_http_sg_link_t  *q;

    base = ngx_http_sg_base(zone);

    for (i = 0; i < n && !ngx_http_sg_link_empty(base, h); i++) {
        q = head ? ngx_http_sg_link_first(base, h)
                 : ngx_http_sg_link_last(base, h);

        sn = ngx_http_sg_data(q, ngx_http_sg_node_t, queue);

        if (!ngx_http_sg_dead(sn, now)) {
            break;
        }

        ngx_http_sg_shm_free(zone, sn);
        zone->sh->stats.expired++;
    }
}


/*
 * A session whose lifetime ended with no request since, met at the tail
 * of its LRU queue: it becomes the revoked record its next request would
 * have made ("expired" or "idle", kept until its token_exp), instead of
 * being freed, else its key or sid would start a fresh session.
 */

static void
ngx_http_sg_end(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn, time_t now)
{
    time_t      end;
    ngx_uint_t  reason;

    if (sn->expires != 0 && (time_t) sn->expires <= now) {
        reason = NGX_SG_REASON_EXPIRED;
        end = sn->expires;

    } else {
        reason = NGX_SG_REASON_IDLE;
        end = (time_t) sn->last_seen + (time_t) sn->idle_timeout;
    }

    /* revoked_at and updated: when it ended */

    ngx_http_sg_shm_revoke(zone, sn, NGX_SG_REVOKED_POLICY, reason,
                           sn->token_exp, end);
}


/*
 * Frees up to n records from the tail of the LRU queue h and returns how
 * many were freed (dead ones count as expired, the others as evicted).
 * Ended ones on the way are kept, revoked (ngx_http_sg_end()): each leaves
 * the queue for good, so the walk stays bounded by the queue's length.
 */

static ngx_uint_t
ngx_http_sg_evict(ngx_http_sg_zone_t *zone, ngx_http_sg_link_t *h,
    time_t now, ngx_uint_t n, ngx_uint_t *evicted)
{
    u_char               *base;
    ngx_uint_t            i;
    ngx_http_sg_node_t   *sn;
    ngx_http_sg_shctx_t  *sh;

    base = ngx_http_sg_base(zone);
    sh = zone->sh;

    i = 0;

    while (i < n && !ngx_http_sg_link_empty(base, h)) {
        sn = ngx_http_sg_data(ngx_http_sg_link_last(base, h),
                              ngx_http_sg_node_t, queue);

        if (ngx_http_sg_dead(sn, now)) {
            sh->stats.expired++;

        } else if (ngx_http_sg_ended(sn, now)) {
            ngx_http_sg_end(zone, sn, now);
            continue;

        } else {
            sh->stats.evicted++;

            if (evicted) {
                (*evicted)++;
            }
        }

        ngx_http_sg_shm_free(zone, sn);
        i++;
    }

    return i;
}


/*
 * Allocates, making room when the zone is full: dead records first
 * (revoked ones past retain-until, expired jti entries), then live
 * unrevoked records in LRU order, unauthenticated sessions first; for an
 * unauthenticated session ("unauth"), those only.  A revocation, an ended
 * session or a jti entry is never evicted.
 */

void *
ngx_http_sg_shm_alloc(ngx_http_sg_zone_t *zone, size_t size, time_t now,
    ngx_uint_t rounds, ngx_uint_t *evicted)
{
    return ngx_http_sg_alloc(zone, size, now, rounds, evicted, 0);
}


static void *
ngx_http_sg_alloc(ngx_http_sg_zone_t *zone, size_t size, time_t now,
    ngx_uint_t rounds, ngx_uint_t *evicted, ngx_uint_t unauth)
{
    void                 *p;
    ngx_uint_t            i, freed;
    ngx_http_sg_shctx_t  *sh;

    sh = zone->sh;

    for (i = 0; /* void */ ; i++) {

        p = ngx_slab_alloc_locked(zone->shpool, size);

        if (p != NULL || i == rounds) {
            return p;
        }

        if (i == 0) {
            /* dead records at the ends of the queues, all of them */
            ngx_http_sg_shm_expire(zone, now, (ngx_uint_t) -1);
            continue;
        }

        freed = ngx_http_sg_evict(zone, &sh->lru_unauth, now,
                                  NGX_HTTP_SG_EVICT_BATCH, evicted);

        /* users' memories give way before authenticated sessions */

        if (freed < NGX_HTTP_SG_EVICT_BATCH && !unauth) {
            freed += ngx_http_sg_shm_evict_memories(zone,
                                                    NGX_HTTP_SG_EVICT_BATCH
                                                    - freed);
        }

        if (freed < NGX_HTTP_SG_EVICT_BATCH && !unauth) {
            freed += ngx_http_sg_evict(zone, &sh->lru, now,
                                       NGX_HTTP_SG_EVICT_BATCH - freed,
                                       evicted);
        }

        if (freed == 0) {
            return NULL;
        }
    }
}


/*
 * Room within the unauthenticated share for one more record: the least
 * recently used live unauthenticated sessions are evicted (ended ones
 * kept, revoked); NGX_BUSY when the share holds only revoked and ended
 * records, which are never given up to make room.
 */

ngx_int_t
ngx_http_sg_shm_unauth_room(ngx_http_sg_zone_t *zone, time_t now,
    ngx_uint_t *evicted)
{
    ngx_uint_t            reclaimed;
    ngx_http_sg_shctx_t  *sh;

    sh = zone->sh;
    reclaimed = 0;

    while (sh->unauth >= zone->unauth_max) {

        if (ngx_http_sg_evict(zone, &sh->lru_unauth, now, 1, evicted) == 1) {
            continue;
        }

        if (reclaimed) {
            return NGX_BUSY;
        }

        /* revoked ones past retain-until */
        ngx_http_sg_shm_expire(zone, now, (ngx_uint_t) -1);
        reclaimed = 1;
    }

    return NGX_OK;
}


ngx_http_sg_subject_t *
ngx_http_sg_shm_find_subject(ngx_http_sg_zone_t *zone, ngx_str_t *sub)
{
    ngx_rbtree_node_t  *node;

    node = ngx_http_sg_shm_lookup(&zone->sh->subjects,
                                  ngx_crc32_short(sub->data, sub->len),
                                  sub->data, sub->len,
                                  offsetof(ngx_http_sg_subject_t, data));

    return node ? ngx_http_sg_overlay(node) : NULL;
}


/* the record of id (hash: ngx_http_sg_shm_hash()), dead or not */

ngx_http_sg_node_t *
ngx_http_sg_shm_find_id(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    uint32_t hash)
{
    u_char              *base;
    ngx_sg_hlink_t      *l;
    ngx_http_sg_node_t  *sn;

    base = ngx_http_sg_base(zone);

    l = NULL;

    while ((l = ngx_sg_hindex_next(&zone->sh->sessions, base, l, hash))
           != NULL)
    {
        sn = ngx_http_sg_data(l, ngx_http_sg_node_t, index);

        if (sn->len == id->len
            && ngx_memcmp(sn->data, id->data, id->len) == 0)
        {
            return sn;
        }
    }

    return NULL;
}


/* the live record of id, reclaiming it if it is dead */

ngx_http_sg_node_t *
ngx_http_sg_shm_find(ngx_http_sg_zone_t *zone, ngx_str_t *id, uint32_t hash,
    time_t now)
{
    ngx_http_sg_node_t  *sn;

    sn = ngx_http_sg_shm_find_id(zone, id, hash);
    if (sn == NULL) {
        return NULL;
    }

    if (ngx_http_sg_dead(sn, now)) {
        ngx_http_sg_shm_free(zone, sn);
        zone->sh->stats.expired++;
        return NULL;
    }

    return sn;
}


/*
 * Creates a zeroed record but for "created" and the flag
 * NGX_SG_REC_UNAUTH of "flags", in no queue yet (its link points to
 * itself): the caller queues it, on its LRU queue (ngx_http_sg_shm_touch())
 * or by ngx_http_sg_shm_revoke().  The subject's list stays in creation
 * order.  An unauthenticated one only evicts its kind: the caller makes
 * room in its share first (ngx_http_sg_shm_unauth_room()).
 */

ngx_http_sg_node_t *
ngx_http_sg_shm_create(ngx_http_sg_zone_t *zone, ngx_str_t *id, uint32_t hash,
    ngx_str_t *sub, ngx_uint_t flags, time_t created, time_t now,
    ngx_uint_t rounds, ngx_uint_t *evicted)
{
    u_char                 *base;
    size_t                  size;
    ngx_rbtree_node_t      *snode;
    ngx_http_sg_node_t     *sn;
    ngx_http_sg_shctx_t    *sh;
    ngx_http_sg_subject_t  *st;

    base = ngx_http_sg_base(zone);
    sh = zone->sh;

    flags &= NGX_SG_REC_UNAUTH|NGX_SG_REC_DETAILS;

    size = (flags & NGX_SG_REC_DETAILS)
           ? ngx_http_sg_details_size(id->len)
           : ngx_http_sg_session_size(id->len);

    sn = ngx_http_sg_alloc(zone, size, now, rounds, evicted,
                           (flags & NGX_SG_REC_UNAUTH) != 0);
    if (sn == NULL) {
        return NULL;
    }

    /*
     * Looked up after the allocation: evictions may have freed the
     * subject node along with its last session.
     */

    st = NULL;

    if (sub->len) {
        st = ngx_http_sg_shm_find_subject(zone, sub);

        if (st == NULL) {
            size = ngx_http_sg_node_size(ngx_http_sg_subject_t, sub->len);

            snode = ngx_http_sg_alloc(zone, size, now, rounds, evicted,
                                      (flags & NGX_SG_REC_UNAUTH) != 0);
            if (snode == NULL) {
                ngx_slab_free_locked(zone->shpool, sn);
                return NULL;
            }

            snode->key = ngx_crc32_short(sub->data, sub->len);

            st = ngx_http_sg_overlay(snode);
            st->len = (u_short) sub->len;
            st->count = 0;
            ngx_memcpy(st->data, sub->data, sub->len);
            ngx_http_sg_link_init(base, &st->sessions);

            ngx_rbtree_insert(&sh->subjects, snode);
        }
    }

    ngx_memzero(sn, offsetof(ngx_http_sg_node_t, data));
    ngx_http_sg_link_init(base, &sn->queue);
    sn->created = ngx_http_sg_t32(created);
    sn->flags = (u_char) flags;

    sn->len = (u_short) id->len;
    ngx_memcpy(sn->data, id->data, id->len);

    if (flags & NGX_SG_REC_DETAILS) {
        ngx_memzero(ngx_http_sg_node_details(sn), sizeof(ngx_sg_details_t));
    }

    ngx_sg_hindex_insert(&sh->sessions, base, &sn->index, hash);

    sh->bytes += id->len;

    if (st) {
        st->count++;
        sh->bytes += st->len;
        sn->subject = ngx_http_sg_off(base, &st->sessions);

        /* by creation: max_sessions replaces the first live one */
        ngx_http_sg_shm_sorted_insert(base, &st->sessions, &sn->sq,
                             (ssize_t) offsetof(ngx_http_sg_node_t, created)
                             - (ssize_t) offsetof(ngx_http_sg_node_t, sq));
    }

    sh->stats.sessions++;
    sh->generation++;

    if (flags & NGX_SG_REC_UNAUTH) {
        sh->unauth++;
    }

    return sn;
}


/* sn, unrevoked, moves to the head of its LRU queue */

void
ngx_http_sg_shm_touch(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    time_t now)
{
    u_char  *base;

    base = ngx_http_sg_base(zone);

    sn->touched = ngx_http_sg_t32(now);

    ngx_http_sg_link_remove(base, &sn->queue);
    ngx_http_sg_link_after(base,
                           (sn->flags & NGX_SG_REC_UNAUTH)
                           ? &zone->sh->lru_unauth : &zone->sh->lru,
                           &sn->queue);
}


/*
 * sn, unrevoked and on its LRU queue, was used: it moves to the head of
 * the queue unless it did already this second (see ngx_http_sg_shm.h),
 * which spares the cache misses of its neighbours' links.
 */

void
ngx_http_sg_shm_use(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    time_t now)
{
    if (sn->touched != ngx_http_sg_t32(now)) {
        ngx_http_sg_shm_touch(zone, sn, now);
    }
}


/*
 * Revokes sn (or, if it is revoked already, only extends retain-until) and
 * keeps it on the revoked queue, in order.
 */

void
ngx_http_sg_shm_revoke(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    ngx_uint_t source, ngx_uint_t reason, time_t until, time_t now)
{
    uint32_t              u;
    ngx_http_sg_shctx_t  *sh;

    sh = zone->sh;

    if (source == NGX_SG_REVOKED_NO
        || source > NGX_SG_REVOKED_MAX)
    {
        source = NGX_SG_REVOKED_POLICY;
    }

    u = ngx_http_sg_t32(until);

    if (sn->revoked) {
        if (u <= sn->token_exp) {
            return;
        }

        sn->token_exp = u;
        ngx_http_sg_shm_requeue(zone, sn);
        sh->generation++;
        return;
    }

    /* off the LRU queue (or none, if just created) */

    sn->revoked = (u_char) source;
    sn->revoke_reason = (u_char) reason;
    sn->revoked_at = ngx_http_sg_t32(now);
    sn->updated = sn->revoked_at;

    if (u > sn->token_exp) {
        sn->token_exp = u;
    }

    ngx_http_sg_shm_requeue(zone, sn);

    sh->stats.revoked++;
    sh->stats.revocations[source]++;
    sh->generation++;
}


/* sn, revoked, moves to its place in the revoked queue */

void
ngx_http_sg_shm_requeue(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn)
{
    ngx_http_sg_link_remove(ngx_http_sg_base(zone), &sn->queue);

    ngx_http_sg_shm_sorted_insert(ngx_http_sg_base(zone), &zone->sh->revoked,
                                  &sn->queue,
                           (ssize_t) offsetof(ngx_http_sg_node_t, token_exp)
                           - (ssize_t) offsetof(ngx_http_sg_node_t, queue));
}


/* node: allocated for the key (len may carry NGX_HTTP_SG_JTI_HASHED) */

void
ngx_http_sg_shm_add_jti(ngx_http_sg_zone_t *zone, ngx_rbtree_node_t *node,
    uint32_t hash, u_char *key, ngx_uint_t len, time_t expires)
{
    ngx_http_sg_jti_t    *jn;
    ngx_http_sg_shctx_t  *sh;

    sh = zone->sh;

    node->key = hash;

    jn = ngx_http_sg_overlay(node);
    jn->len = (u_short) len;
    jn->expires = ngx_http_sg_t32(expires);
    ngx_memcpy(jn->data, key, len & ~NGX_HTTP_SG_JTI_HASHED);

    ngx_rbtree_insert(&sh->jtis, node);

    ngx_http_sg_shm_sorted_insert(ngx_http_sg_base(zone), &sh->jti,
                                  &jn->queue,
                               (ssize_t) offsetof(ngx_http_sg_jti_t, expires)
                               - (ssize_t) offsetof(ngx_http_sg_jti_t, queue));

    sh->njti++;
    sh->jti_bytes += len & ~NGX_HTTP_SG_JTI_HASHED;
    sh->generation++;
}
