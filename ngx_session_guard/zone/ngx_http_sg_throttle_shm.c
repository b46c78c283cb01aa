
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The counters of failure throttling (session_guard_throttle_zone): a
 * shared-memory zone of its own, apart from the sessions, since what it
 * holds is about sources (client addresses, subjects) and may be lost on a
 * restart or a resize without harm.  It follows limit_req's recipe: nodes
 * in a red-black tree keyed by a hash of the source, an LRU queue, the
 * slab pool's mutex around every operation, the old zone adopted over a
 * reload when its size is unchanged.
 *
 * A source is a few bytes: its kind ('a' an address, 's' a subject) and
 * the address (IPv4, or the /64 of IPv6) or the SHA-256 of the subject.
 * The arithmetic of the windows is core/ngx_sg_throttle.c's.
 */


#include "ngx_http_sg.h"
#include "ngx_sg_throttle.h"


#define NGX_HTTP_SG_THROTTLE_LAYOUT  1

/* sources looked at, oldest first, for one that is not blocked */
#define NGX_HTTP_SG_THROTTLE_SCAN    64


typedef struct {
    ngx_rbtree_node_t           node;       /* key: murmur of the source */
    ngx_queue_t                 queue;      /* LRU, most recent first */
    ngx_sg_throttle_count_t     count;
    u_char                      len;
    u_char                      key[NGX_HTTP_SG_THROTTLE_KEY_MAX];
} ngx_http_sg_throttle_node_t;


typedef struct {
    ngx_uint_t                  layout;
    ngx_rbtree_t                rbtree;
    ngx_rbtree_node_t           sentinel;
    ngx_queue_t                 queue;
    ngx_atomic_t                blocked_max; /* no block lasts past it */
    ngx_atomic_t                blocks;      /* sources blocked so far */
    ngx_atomic_t                nomem;       /* failures not counted */
} ngx_http_sg_throttle_sh_t;


static ngx_int_t ngx_http_sg_throttle_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_sg_throttle_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_queue_t *ngx_http_sg_throttle_victim(
    ngx_http_sg_throttle_sh_t *sh, time_t now);
static ngx_http_sg_throttle_node_t *ngx_http_sg_throttle_find(
    ngx_http_sg_throttle_sh_t *sh, u_char *key, size_t len, uint32_t hash);
static ngx_http_sg_throttle_node_t *ngx_http_sg_throttle_alloc(
    ngx_http_sg_throttle_t *t, time_t now);
static ngx_sg_throttle_rule_t *ngx_http_sg_throttle_rule(
    ngx_http_sg_throttle_t *t, u_char kind);


/* any address will do as the tag: only these zones carry it */
static ngx_uint_t  ngx_http_sg_throttle_tag;


/*
 * A throttle zone by name, added at its first mention (the location's
 * session_guard_throttle may come before the declaration, which sets the
 * size and rules; ngx_http_sg_throttle_check_conf() wants every one
 * declared).
 */

ngx_http_sg_throttle_t *
ngx_http_sg_throttle_add(ngx_conf_t *cf, ngx_str_t *name, size_t size)
{
    ngx_uint_t                 i;
    ngx_shm_zone_t            *shm_zone;
    ngx_http_sg_throttle_t   **tp, *t;
    ngx_http_sg_main_conf_t   *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->throttles == NULL) {
        smcf->throttles = ngx_array_create(cf->pool, 1,
                                           sizeof(ngx_http_sg_throttle_t *));
        if (smcf->throttles == NULL) {
            return NULL;
        }
    }

    tp = smcf->throttles->elts;

    for (i = 0; i < smcf->throttles->nelts; i++) {
        if (tp[i]->name.len == name->len
            && ngx_strncmp(tp[i]->name.data, name->data, name->len) == 0)
        {
            t = tp[i];
            goto found;
        }
    }

    t = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_throttle_t));
    if (t == NULL) {
        return NULL;
    }

    tp = ngx_array_push(smcf->throttles);
    if (tp == NULL) {
        return NULL;
    }

    *tp = t;
    t->name = *name;

found:

    if (size == 0) {
        return t;
    }

    shm_zone = ngx_shared_memory_add(cf, name, size,
                                     &ngx_http_sg_throttle_tag);
    if (shm_zone == NULL) {
        return NULL;
    }

    shm_zone->init = ngx_http_sg_throttle_init_zone;
    shm_zone->data = t;

    t->shm_zone = shm_zone;

    return t;
}


/* after the http block: every zone a location names must be declared */

ngx_int_t
ngx_http_sg_throttle_check_conf(ngx_conf_t *cf, ngx_array_t *throttles)
{
    ngx_uint_t                i;
    ngx_http_sg_throttle_t  **tp;

    if (throttles == NULL) {
        return NGX_OK;
    }

    tp = throttles->elts;

    for (i = 0; i < throttles->nelts; i++) {
        if (tp[i]->shm_zone == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown session_guard throttle zone \"%V\" "
                               "(declare it with "
                               "\"session_guard_throttle_zone\")",
                               &tp[i]->name);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_throttle_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_sg_throttle_t  *ot = data;

    size_t                      len;
    ngx_slab_pool_t            *shpool;
    ngx_http_sg_throttle_t     *t;
    ngx_http_sg_throttle_sh_t  *sh;

    t = shm_zone->data;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (ot || shm_zone->shm.exists) {
        /* a reload with the same size: the counts stay */

        sh = ot ? ot->sh : shpool->data;

        if (sh == NULL || sh->layout != NGX_HTTP_SG_THROTTLE_LAYOUT) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "session_guard: throttle zone \"%V\" was set up "
                          "by a build of the module with another layout "
                          "and cannot be kept over a reload: restart nginx",
                          &shm_zone->shm.name);
            return NGX_ERROR;
        }

        t->sh = sh;
        t->shpool = shpool;
        return NGX_OK;
    }

    sh = ngx_slab_alloc(shpool, sizeof(ngx_http_sg_throttle_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(sh, sizeof(ngx_http_sg_throttle_sh_t));

    sh->layout = NGX_HTTP_SG_THROTTLE_LAYOUT;
    ngx_rbtree_init(&sh->rbtree, &sh->sentinel, ngx_http_sg_throttle_insert);
    ngx_queue_init(&sh->queue);

    shpool->data = sh;

    len = sizeof(" in session_guard throttle zone \"\"")
          + shm_zone->shm.name.len;

    shpool->log_ctx = ngx_slab_alloc(shpool, len);
    if (shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(shpool->log_ctx, " in session_guard throttle zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* running out of memory is handled: the oldest sources give way */
    shpool->log_nomem = 0;

    t->sh = sh;
    t->shpool = shpool;

    return NGX_OK;
}


/*
 * Seconds the source stays refused, 0 when it is not.  Lock-free while no
 * source is blocked at all, the usual case: one read of blocked_max.
 */

time_t
ngx_http_sg_throttle_check(ngx_http_sg_throttle_t *t, u_char *key,
    size_t len)
{
    time_t                        now, left;
    uint32_t                      hash;
    ngx_http_sg_throttle_sh_t    *sh;
    ngx_http_sg_throttle_node_t  *n;

    sh = t->sh;
    now = ngx_time();

    if ((time_t) sh->blocked_max <= now) {
        return 0;
    }

    hash = ngx_murmur_hash2(key, len);

    ngx_shmtx_lock(&t->shpool->mutex);

    n = ngx_http_sg_throttle_find(sh, key, len, hash);
    left = 0;

    if (n) {
        left = ngx_sg_throttle_blocked(&n->count, now);

        if (left) {
            ngx_queue_remove(&n->queue);
            ngx_queue_insert_head(&sh->queue, &n->queue);
        }
    }

    ngx_shmtx_unlock(&t->shpool->mutex);

    return left;
}


/*
 * One failure of the source: NGX_OK counted; NGX_DONE counted, and it
 * blocked the source (*left: for how long); NGX_DECLINED not counted (the
 * rule for this kind is off, or the source is blocked already);
 * NGX_ERROR not counted, the zone has no room even after giving up its
 * oldest sources (a zone far too small: the caller logs it).
 */

ngx_int_t
ngx_http_sg_throttle_fail(ngx_http_sg_throttle_t *t, u_char *key,
    size_t len, time_t *left)
{
    time_t                        now, until;
    uint32_t                      hash;
    ngx_uint_t                    blocked;
    ngx_sg_throttle_rule_t       *rule;
    ngx_http_sg_throttle_sh_t    *sh;
    ngx_http_sg_throttle_node_t  *n;

    rule = ngx_http_sg_throttle_rule(t, key[0]);

    if (rule == NULL || rule->limit == 0 || len > sizeof(n->key)) {
        return NGX_DECLINED;
    }

    sh = t->sh;
    now = ngx_time();
    hash = ngx_murmur_hash2(key, len);

    ngx_shmtx_lock(&t->shpool->mutex);

    n = ngx_http_sg_throttle_find(sh, key, len, hash);

    if (n == NULL) {
        n = ngx_http_sg_throttle_alloc(t, now);

        if (n == NULL) {
            ngx_shmtx_unlock(&t->shpool->mutex);
            (void) ngx_atomic_fetch_add(&sh->nomem, 1);
            return NGX_ERROR;
        }

        n->node.key = hash;
        n->len = (u_char) len;
        ngx_memcpy(n->key, key, len);

        ngx_rbtree_insert(&sh->rbtree, &n->node);

    } else {
        ngx_queue_remove(&n->queue);
    }

    ngx_queue_insert_head(&sh->queue, &n->queue);

    if (ngx_sg_throttle_blocked(&n->count, now)) {
        ngx_shmtx_unlock(&t->shpool->mutex);
        return NGX_DECLINED;
    }

    blocked = ngx_sg_throttle_fail(&n->count, rule, now);
    until = n->count.until;

    if (blocked && (time_t) sh->blocked_max < until) {
        sh->blocked_max = (ngx_atomic_uint_t) until;
    }

    ngx_shmtx_unlock(&t->shpool->mutex);

    if (!blocked) {
        return NGX_OK;
    }

    (void) ngx_atomic_fetch_add(&sh->blocks, 1);

    *left = until - now;

    return NGX_DONE;
}


/* the zone's figures for the metrics: blocks so far, failures not counted */

void
ngx_http_sg_throttle_stats(ngx_http_sg_throttle_t *t, ngx_uint_t *blocks,
    ngx_uint_t *nomem)
{
    ngx_http_sg_throttle_sh_t  *sh = t->sh;

    *blocks = sh ? sh->blocks : 0;
    *nomem = sh ? sh->nomem : 0;
}


static ngx_sg_throttle_rule_t *
ngx_http_sg_throttle_rule(ngx_http_sg_throttle_t *t, u_char kind)
{
    switch (kind) {
    case NGX_HTTP_SG_THROTTLE_ADDRESS:
        return &t->address;
    case NGX_HTTP_SG_THROTTLE_SUBJECT:
        return &t->subject;
    default:
        return NULL;
    }
}


/*
 * A node for a new source, mutex held: first the sources with nothing
 * left to remember at the old end of the queue go (two at most, as
 * limit_req does); when the zone is full, the least recently seen ones
 * that are not blocked, so that a flood of new sources cannot wash a
 * block away.  Only when the oldest ones looked at are all blocked does
 * the oldest of them go: a zone that small must not stop counting.
 */

static ngx_http_sg_throttle_node_t *
ngx_http_sg_throttle_alloc(ngx_http_sg_throttle_t *t, time_t now)
{
    ngx_uint_t                    i;
    ngx_queue_t                  *q;
    ngx_sg_throttle_rule_t       *rule;
    ngx_http_sg_throttle_sh_t    *sh;
    ngx_http_sg_throttle_node_t  *n, *old;

    sh = t->sh;

    for (i = 0; i < 2 && !ngx_queue_empty(&sh->queue); i++) {
        q = ngx_queue_last(&sh->queue);
        old = ngx_queue_data(q, ngx_http_sg_throttle_node_t, queue);
        rule = ngx_http_sg_throttle_rule(t, old->key[0]);

        if (rule && rule->limit
            && !ngx_sg_throttle_idle(&old->count, rule, now))
        {
            break;
        }

        ngx_queue_remove(q);
        ngx_rbtree_delete(&sh->rbtree, &old->node);
        ngx_slab_free_locked(t->shpool, old);
    }

    for (i = 0; i < 16; i++) {
        n = ngx_slab_alloc_locked(t->shpool,
                                  sizeof(ngx_http_sg_throttle_node_t));
        if (n) {
            ngx_memzero(n, sizeof(ngx_http_sg_throttle_node_t));
            return n;
        }

        if (ngx_queue_empty(&sh->queue)) {
            break;
        }

        q = ngx_http_sg_throttle_victim(sh, now);
        old = ngx_queue_data(q, ngx_http_sg_throttle_node_t, queue);

        ngx_queue_remove(q);
        ngx_rbtree_delete(&sh->rbtree, &old->node);
        ngx_slab_free_locked(t->shpool, old);
    }

    return NULL;
}


/* the least recently seen of the last few sources that is not blocked */

static ngx_queue_t *
ngx_http_sg_throttle_victim(ngx_http_sg_throttle_sh_t *sh, time_t now)
{
    ngx_uint_t                    i;
    ngx_queue_t                  *q;
    ngx_http_sg_throttle_node_t  *n;

    q = ngx_queue_last(&sh->queue);

    for (i = 0; i < NGX_HTTP_SG_THROTTLE_SCAN; i++) {
        n = ngx_queue_data(q, ngx_http_sg_throttle_node_t, queue);

        if (ngx_sg_throttle_blocked(&n->count, now) == 0) {
            return q;
        }

        if (ngx_queue_prev(q) == ngx_queue_sentinel(&sh->queue)) {
            break;
        }

        q = ngx_queue_prev(q);
    }

    return ngx_queue_last(&sh->queue);
}


static ngx_http_sg_throttle_node_t *
ngx_http_sg_throttle_find(ngx_http_sg_throttle_sh_t *sh, u_char *key,
    size_t len, uint32_t hash)
{
    ngx_int_t                     rc;
    ngx_rbtree_node_t            *node, *sentinel;
    ngx_http_sg_throttle_node_t  *n;

    node = sh->rbtree.root;
    sentinel = sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash != node->key) {
            node = (hash < node->key) ? node->left : node->right;
            continue;
        }

        n = (ngx_http_sg_throttle_node_t *) node;

        rc = ngx_memn2cmp(key, n->key, len, n->len);

        if (rc == 0) {
            return n;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_sg_throttle_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t            **p;
    ngx_http_sg_throttle_node_t   *n, *nt;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            n = (ngx_http_sg_throttle_node_t *) node;
            nt = (ngx_http_sg_throttle_node_t *) temp;

            p = (ngx_memn2cmp(n->key, nt->key, n->len, nt->len) < 0)
                ? &temp->left : &temp->right;
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
