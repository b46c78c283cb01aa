
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The tokens of the edge's logins (session_guard_oidc tokens=): the
 * access token, its expiry and, with refresh=on, the refresh token of
 * each login session, kept server-side in a shared-memory zone of their
 * own, never in a cookie.  It follows the throttle zone's recipe
 * (limit_req's): nodes in a red-black tree keyed by the murmur hash of
 * the session id (ids are the edge's own 128-bit random values: nobody
 * chooses them), an LRU queue, the slab pool's mutex around every
 * operation, the old zone adopted over a reload when its size is
 * unchanged.
 *
 * Tokens are credentials: they are never written to disk (the zone has
 * no state file; a restart loses them and their sessions log in again),
 * never logged, and their bytes are zeroed when a node is freed.  When
 * memory runs out, the least recently used sessions' tokens go first.
 *
 * A refresh is claimed by one request at a time per session, across
 * workers ("refreshing"): the others go on with the current access token,
 * still valid since refreshes start before it expires.  A claim older
 * than NGX_HTTP_SG_TOKENS_CLAIM seconds (its request died) is taken over.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_TOKENS_LAYOUT   1
#define NGX_HTTP_SG_TOKENS_CLAIM    90   /* > the longest timeout= */


typedef struct {
    ngx_rbtree_node_t           node;       /* key: murmur of the id */
    ngx_queue_t                 queue;      /* LRU, most recent first */
    time_t                      expires;    /* the node's end */
    time_t                      at_exp;     /* 0: unknown */
    time_t                      claimed;    /* a refresh runs since */
    time_t                      life;       /* of the access token */
    uint32_t                    id_len;
    uint32_t                    at_len;
    uint32_t                    rt_len;
    u_char                      data[1];    /* id, access, refresh */
} ngx_http_sg_tok_node_t;


typedef struct {
    ngx_uint_t                  layout;
    ngx_rbtree_t                rbtree;
    ngx_rbtree_node_t           sentinel;
    ngx_queue_t                 queue;
} ngx_http_sg_tok_sh_t;


static ngx_int_t ngx_http_sg_tokens_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_http_sg_tok_node_t *ngx_http_sg_tokens_find(
    ngx_http_sg_tok_sh_t *sh, ngx_str_t *id, uint32_t hash);
static void ngx_http_sg_tokens_free(ngx_http_sg_tokens_t *ts,
    ngx_http_sg_tok_node_t *n);
static void ngx_http_sg_tokens_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);


static ngx_uint_t  ngx_http_sg_tokens_tag;


ngx_http_sg_tokens_t *
ngx_http_sg_tokens_add(ngx_conf_t *cf, ngx_str_t *name, size_t size)
{
    ngx_shm_zone_t        *shm_zone;
    ngx_http_sg_tokens_t  *ts;

    ts = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_tokens_t));
    if (ts == NULL) {
        return NULL;
    }

    shm_zone = ngx_shared_memory_add(cf, name, size,
                                     &ngx_http_sg_tokens_tag);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_oidc: the token zone \"%V\" is "
                           "used twice", name);
        return NULL;
    }

    shm_zone->init = ngx_http_sg_tokens_init_zone;
    shm_zone->data = ts;

    ts->shm_zone = shm_zone;

    return ts;
}


static ngx_int_t
ngx_http_sg_tokens_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_sg_tokens_t  *ots = data;

    size_t                  len;
    ngx_slab_pool_t        *shpool;
    ngx_http_sg_tok_sh_t   *sh;
    ngx_http_sg_tokens_t   *ts;

    ts = shm_zone->data;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (ots || shm_zone->shm.exists) {
        sh = ots ? ots->sh : shpool->data;

        if (sh == NULL || sh->layout != NGX_HTTP_SG_TOKENS_LAYOUT) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "session_guard: token zone \"%V\" was set up by "
                          "a build of the module with another layout and "
                          "cannot be kept over a reload: restart nginx",
                          &shm_zone->shm.name);
            return NGX_ERROR;
        }

        ts->sh = sh;
        ts->shpool = shpool;
        return NGX_OK;
    }

    sh = ngx_slab_alloc(shpool, sizeof(ngx_http_sg_tok_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(sh, sizeof(ngx_http_sg_tok_sh_t));

    sh->layout = NGX_HTTP_SG_TOKENS_LAYOUT;
    ngx_rbtree_init(&sh->rbtree, &sh->sentinel, ngx_http_sg_tokens_insert);
    ngx_queue_init(&sh->queue);

    shpool->data = sh;

    len = sizeof(" in session_guard token zone \"\"") + shm_zone->shm.name.len;

    shpool->log_ctx = ngx_slab_alloc(shpool, len);
    if (shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(shpool->log_ctx, " in session_guard token zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* running out of memory is handled: the oldest give way */
    shpool->log_nomem = 0;

    ts->sh = sh;
    ts->shpool = shpool;

    return NGX_OK;
}


/*
 * Keep a session's tokens, replacing what it had; rt NULL keeps the
 * refresh token it had (a refresh answer without a new one).  NGX_OK, or
 * NGX_ERROR when they do not fit even after the oldest went.
 */

ngx_int_t
ngx_http_sg_tokens_put(ngx_http_sg_tokens_t *ts, ngx_str_t *id,
    ngx_str_t *at, time_t at_exp, ngx_str_t *rt, time_t expires)
{
    u_char                  *p;
    size_t                   size;
    uint32_t                 hash;
    ngx_str_t                keep;
    ngx_uint_t               i;
    ngx_queue_t             *q;
    ngx_http_sg_tok_sh_t    *sh;
    ngx_http_sg_tok_node_t  *n, *old;
    u_char                   rt_buf[NGX_HTTP_SG_TOKEN_MAX];

    sh = ts->sh;
    hash = ngx_murmur_hash2(id->data, id->len);

    ngx_str_null(&keep);

    ngx_shmtx_lock(&ts->shpool->mutex);

    old = ngx_http_sg_tokens_find(sh, id, hash);

    if (old) {
        if (rt == NULL && old->rt_len) {
            keep.len = old->rt_len;
            keep.data = rt_buf;
            ngx_memcpy(rt_buf, old->data + old->id_len + old->at_len,
                       old->rt_len);
        }

        ngx_http_sg_tokens_free(ts, old);
    }

    if (rt == NULL) {
        rt = &keep;
    }

    size = offsetof(ngx_http_sg_tok_node_t, data) + id->len + at->len
           + rt->len;

    n = NULL;

    for (i = 0; i < 64; i++) {
        n = ngx_slab_alloc_locked(ts->shpool, size);
        if (n || ngx_queue_empty(&sh->queue)) {
            break;
        }

        q = ngx_queue_last(&sh->queue);
        ngx_http_sg_tokens_free(ts,
                                ngx_queue_data(q, ngx_http_sg_tok_node_t,
                                               queue));
    }

    if (n == NULL) {
        ngx_shmtx_unlock(&ts->shpool->mutex);
        ngx_explicit_memzero(rt_buf, keep.len);
        return NGX_ERROR;
    }

    n->node.key = hash;
    n->expires = expires;
    n->at_exp = at_exp;
    n->life = at_exp ? at_exp - ngx_time() : 0;
    n->claimed = 0;
    n->id_len = id->len;
    n->at_len = at->len;
    n->rt_len = rt->len;

    p = ngx_cpymem(n->data, id->data, id->len);
    p = ngx_cpymem(p, at->data, at->len);

    if (rt->len) {
        ngx_memcpy(p, rt->data, rt->len);
    }

    ngx_rbtree_insert(&sh->rbtree, &n->node);
    ngx_queue_insert_head(&sh->queue, &n->queue);

    ngx_shmtx_unlock(&ts->shpool->mutex);

    ngx_explicit_memzero(rt_buf, keep.len);

    return NGX_OK;
}


/*
 * A session's tokens, copied into pool: NGX_OK (rt empty when none);
 * NGX_DECLINED none kept (or their time is over).  With refresh, when the
 * access token expires within "margin" seconds and a refresh token is
 * kept, *claimed is set when this request should refresh (no one else
 * does).  NGX_ERROR: no memory.
 */

ngx_int_t
ngx_http_sg_tokens_get(ngx_http_sg_tokens_t *ts, ngx_pool_t *pool,
    ngx_str_t *id, time_t margin, ngx_str_t *at, time_t *at_exp,
    ngx_str_t *rt, ngx_uint_t *claimed)
{
    time_t                   now, due;
    uint32_t                 hash;
    ngx_int_t                rc;
    ngx_http_sg_tok_sh_t    *sh;
    ngx_http_sg_tok_node_t  *n;

    sh = ts->sh;
    hash = ngx_murmur_hash2(id->data, id->len);
    now = ngx_time();
    *claimed = 0;

    ngx_str_null(rt);

    ngx_shmtx_lock(&ts->shpool->mutex);

    n = ngx_http_sg_tokens_find(sh, id, hash);

    if (n == NULL || now >= n->expires) {
        if (n) {
            ngx_http_sg_tokens_free(ts, n);
        }

        rc = NGX_DECLINED;
        goto done;
    }

    ngx_queue_remove(&n->queue);
    ngx_queue_insert_head(&sh->queue, &n->queue);

    at->data = ngx_pnalloc(pool, n->at_len + n->rt_len + 1);
    if (at->data == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    at->len = n->at_len;
    ngx_memcpy(at->data, n->data + n->id_len, n->at_len);
    *at_exp = n->at_exp;

    /* a short-lived token is refreshed in its second half, not always */

    due = (margin > n->life / 2) ? n->life / 2 : margin;

    if (margin && n->rt_len && n->at_exp && n->at_exp - now <= due
        && (n->claimed == 0 || now - n->claimed > NGX_HTTP_SG_TOKENS_CLAIM))
    {
        rt->data = at->data + n->at_len;
        rt->len = n->rt_len;
        ngx_memcpy(rt->data, n->data + n->id_len + n->at_len, n->rt_len);

        n->claimed = now;
        *claimed = 1;
    }

    rc = NGX_OK;

done:

    ngx_shmtx_unlock(&ts->shpool->mutex);

    return rc;
}


/* a refresh that failed: the claim goes, another request may try */

void
ngx_http_sg_tokens_unclaim(ngx_http_sg_tokens_t *ts, ngx_str_t *id)
{
    ngx_http_sg_tok_node_t  *n;

    ngx_shmtx_lock(&ts->shpool->mutex);

    n = ngx_http_sg_tokens_find(ts->sh, id,
                                ngx_murmur_hash2(id->data, id->len));
    if (n) {
        n->claimed = 0;
    }

    ngx_shmtx_unlock(&ts->shpool->mutex);
}


void
ngx_http_sg_tokens_delete(ngx_http_sg_tokens_t *ts, ngx_str_t *id)
{
    ngx_http_sg_tok_node_t  *n;

    ngx_shmtx_lock(&ts->shpool->mutex);

    n = ngx_http_sg_tokens_find(ts->sh, id,
                                ngx_murmur_hash2(id->data, id->len));
    if (n) {
        ngx_http_sg_tokens_free(ts, n);
    }

    ngx_shmtx_unlock(&ts->shpool->mutex);
}


static void
ngx_http_sg_tokens_free(ngx_http_sg_tokens_t *ts, ngx_http_sg_tok_node_t *n)
{
    ngx_queue_remove(&n->queue);
    ngx_rbtree_delete(&((ngx_http_sg_tok_sh_t *) ts->sh)->rbtree, &n->node);

    /* credentials: nothing of them stays in the slab */
    ngx_explicit_memzero(n->data, n->id_len + n->at_len + n->rt_len);

    ngx_slab_free_locked(ts->shpool, n);
}


static ngx_http_sg_tok_node_t *
ngx_http_sg_tokens_find(ngx_http_sg_tok_sh_t *sh, ngx_str_t *id,
    uint32_t hash)
{
    ngx_int_t                rc;
    ngx_rbtree_node_t       *node, *sentinel;
    ngx_http_sg_tok_node_t  *n;

    node = sh->rbtree.root;
    sentinel = sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash != node->key) {
            node = (hash < node->key) ? node->left : node->right;
            continue;
        }

        n = (ngx_http_sg_tok_node_t *) node;

        rc = ngx_memn2cmp(id->data, n->data, id->len, n->id_len);

        if (rc == 0) {
            return n;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_sg_tokens_insert(ngx_rbtree_node_t *temp, ngx_rbtree_node_t *node,
    ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t       **p;
    ngx_http_sg_tok_node_t   *n, *nt;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            n = (ngx_http_sg_tok_node_t *) node;
            nt = (ngx_http_sg_tok_node_t *) temp;

            p = (ngx_memn2cmp(n->data, nt->data, n->id_len, nt->id_len) < 0)
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
