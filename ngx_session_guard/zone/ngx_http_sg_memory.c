
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Per-user memory (session_guard_zone memory=TTL): for each subject, the
 * devices (user agent and JA4), networks (ASN) and countries that its
 * accepted sessions were seen from, each with when it was last seen.  A
 * session whose context is not in its user's memory makes the built-in
 * conditions new_device, new_network and new_country hold
 * (ngx_http_sg_condition.c); once a request with that context is
 * accepted, the context is learned.
 *
 * What is "new" needs something to be new to: a kind of which the user's
 * memory holds nothing seen within the TTL (a user seen for the first
 * time, or after a long absence, or an unknown value such as a country
 * without a database) is never new.
 *
 * The memory is bounded: NGX_HTTP_SG_MEMORY_SLOTS entries of each kind
 * per user, the least recently seen replaced by a new one; memory_users
 * users per zone, the least recently learned forgotten for a new one.  A
 * memory never takes the room of a session: it is allocated without
 * eviction of sessions, and gives way itself (see ngx_http_sg_shm.h).
 * It is saved in the state file (format 4, ngx_sg_state.h) and copied
 * into a resized zone through the same snapshot.
 *
 * Every ngx_http_sg_shm_memory_*() function runs with the zone's mutex
 * held; the ngx_http_sg_zone_*() ones (the management API's) take it.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


static ngx_http_sg_memory_node_t *ngx_http_sg_memory_find(
    ngx_http_sg_zone_t *zone, ngx_str_t *sub);
static ngx_http_sg_memory_node_t *ngx_http_sg_memory_alloc(
    ngx_http_sg_zone_t *zone, ngx_str_t *sub, time_t now);
static ngx_uint_t ngx_http_sg_memory_slot(uint32_t *seen, uint32_t since);
static uint32_t ngx_http_sg_memory_since(ngx_http_sg_zone_t *zone,
    time_t now);


ngx_int_t
ngx_http_sg_zone_memory(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_http_sg_memory_info_t *info)
{
    uint32_t                    since;
    ngx_uint_t                  i;
    ngx_http_sg_memory_node_t  *m;

    ngx_memzero(info, sizeof(ngx_http_sg_memory_info_t));

    ngx_shmtx_lock(&zone->shpool->mutex);

    since = ngx_http_sg_memory_since(zone, ngx_time());

    m = ngx_http_sg_memory_find(zone, sub);

    if (m == NULL || m->seen < since) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    info->seen = m->seen;

    for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
        if (m->device_seen[i] >= since) {
            info->device_seen[info->ndevices++] = m->device_seen[i];
        }

        if (m->asn_seen[i] >= since) {
            info->asn[info->nnetworks] = m->asn[i];
            info->asn_seen[info->nnetworks++] = m->asn_seen[i];
        }

        if (m->country_seen[i] >= since) {
            info->country[info->ncountries][0] = m->country[i][0];
            info->country[info->ncountries][1] = m->country[i][1];
            info->country_seen[info->ncountries++] = m->country_seen[i];
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_zone_learn(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_sg_bind_t *cur)
{
    time_t               now;
    uint32_t             hash;
    ngx_int_t            rc;
    ngx_http_sg_node_t  *sn;

    now = ngx_time();
    hash = ngx_http_sg_shm_hash(zone, id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    sn = ngx_http_sg_shm_find(zone, id, hash, now);

    if (sn == NULL || sn->revoked) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    /* the session first: making room for the memory never frees it */

    sn->flags |= NGX_SG_REC_KNOWN;

    rc = ngx_http_sg_shm_memory_learn(zone, sub, cur, now);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/* a zone kept over a reload that turned memory= off: every memory goes */

void
ngx_http_sg_shm_memory_drop(ngx_http_sg_zone_t *zone)
{
    ngx_shmtx_lock(&zone->shpool->mutex);

    (void) ngx_http_sg_shm_evict_memories(zone, zone->sh->nmemories);

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


ngx_int_t
ngx_http_sg_zone_forget(ngx_http_sg_zone_t *zone, ngx_str_t *sub)
{
    ngx_http_sg_memory_node_t  *m;

    ngx_shmtx_lock(&zone->shpool->mutex);

    m = ngx_http_sg_memory_find(zone, sub);

    if (m) {
        ngx_http_sg_shm_free_memory(zone, m);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return m ? NGX_OK : NGX_DECLINED;
}


/* the device of a context: 0 when neither a user agent nor a JA4 is known */

uint64_t
ngx_http_sg_memory_device(ngx_sg_bind_t *b)
{
    if (b->ua == 0 && b->ja4 == 0) {
        return 0;
    }

    /* both are keyed hashes already: mix, and keep 0 for "none" */

    return (b->ua ^ (b->ja4 * 0x9e3779b97f4a7c15ULL)) | 1;
}


/*
 * Is the request's context new to the user's memory?  Asked when the
 * session is new, when its context is not the last accepted one, or when
 * its context was never learned (refused until now).
 */

void
ngx_http_sg_shm_memory_check(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_sg_record_t *rec, ngx_uint_t created, ngx_http_sg_memory_t *mem,
    time_t now)
{
    ngx_sg_bind_t  *cur;

    cur = mem->cur;

    if (!created && (rec->flags & NGX_SG_REC_KNOWN)
        && rec->last.ua == cur->ua && rec->last.ja4 == cur->ja4
        && rec->last.asn == cur->asn
        && rec->last.country[0] == cur->country[0]
        && rec->last.country[1] == cur->country[1])
    {
        return;
    }

    if (rec->revoked) {
        return;
    }

    mem->checked = 1;
    mem->fresh = ngx_http_sg_shm_memory_new(zone, sub, cur, now);
}

/*
 * What in cur is new to the user's memory: NGX_HTTP_SG_NEW_* bits, 0 when
 * the zone keeps no memory or the user has none; and
 * NGX_HTTP_SG_KNOWN_DEVICE when its device is remembered.
 */

ngx_uint_t
ngx_http_sg_shm_memory_new(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_sg_bind_t *cur, time_t now)
{
    uint32_t                    since;
    uint64_t                    device;
    ngx_uint_t                  i, fresh, known, base;
    ngx_http_sg_memory_node_t  *m;

    if (zone->memory_ttl == 0 || sub->len == 0) {
        return 0;
    }

    m = ngx_http_sg_memory_find(zone, sub);

    if (m == NULL) {
        return 0;
    }

    since = ngx_http_sg_memory_since(zone, now);

    if (m->seen < since) {
        /* nothing in it is remembered any more */
        ngx_http_sg_shm_free_memory(zone, m);
        return 0;
    }

    fresh = 0;
    device = ngx_http_sg_memory_device(cur);

    if (device) {
        base = 0;
        known = 0;

        for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
            if (m->device_seen[i] >= since) {
                base = 1;
                known |= (m->device[i] == device);
            }
        }

        if (base && !known) {
            fresh |= NGX_HTTP_SG_NEW_DEVICE;
        }

        if (known) {
            fresh |= NGX_HTTP_SG_KNOWN_DEVICE;
        }
    }

    if (cur->asn) {
        base = 0;
        known = 0;

        for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
            if (m->asn_seen[i] >= since) {
                base = 1;
                known |= (m->asn[i] == cur->asn);
            }
        }

        if (base && !known) {
            fresh |= NGX_HTTP_SG_NEW_NETWORK;
        }
    }

    if (cur->country[0]) {
        base = 0;
        known = 0;

        for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
            if (m->country_seen[i] >= since) {
                base = 1;
                known |= (m->country[i][0] == cur->country[0]
                          && m->country[i][1] == cur->country[1]);
            }
        }

        if (base && !known) {
            fresh |= NGX_HTTP_SG_NEW_COUNTRY;
        }
    }

    return fresh;
}


/*
 * Learn cur for sub: each known value is added or seen again.  NGX_OK, or
 * NGX_DECLINED when there is no room for the user's memory (nothing is
 * evicted for it but other memories).
 */

ngx_int_t
ngx_http_sg_shm_memory_learn(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_sg_bind_t *cur, time_t now)
{
    u_char                     *base;
    uint32_t                    t, since;
    uint64_t                    device;
    ngx_uint_t                  i;
    ngx_http_sg_memory_node_t  *m;

    if (zone->memory_ttl == 0 || sub->len == 0) {
        return NGX_OK;
    }

    base = ngx_http_sg_base(zone);
    t = ngx_http_sg_t32(now);
    since = ngx_http_sg_memory_since(zone, now);

    m = ngx_http_sg_memory_find(zone, sub);

    if (m == NULL) {
        m = ngx_http_sg_memory_alloc(zone, sub, now);

        if (m == NULL) {
            return NGX_DECLINED;
        }

    } else {
        ngx_http_sg_link_remove(base, &m->queue);
        ngx_http_sg_link_after(base, &zone->sh->memory_lru, &m->queue);
    }

    m->seen = t;

    device = ngx_http_sg_memory_device(cur);

    if (device) {
        for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
            if (m->device_seen[i] && m->device[i] == device) {
                break;
            }
        }

        if (i == NGX_HTTP_SG_MEMORY_SLOTS) {
            i = ngx_http_sg_memory_slot(m->device_seen, since);
            m->device[i] = device;
        }

        m->device_seen[i] = t;
    }

    if (cur->asn) {
        for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
            if (m->asn_seen[i] && m->asn[i] == cur->asn) {
                break;
            }
        }

        if (i == NGX_HTTP_SG_MEMORY_SLOTS) {
            i = ngx_http_sg_memory_slot(m->asn_seen, since);
            m->asn[i] = cur->asn;
        }

        m->asn_seen[i] = t;
    }

    if (cur->country[0]) {
        for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
            if (m->country_seen[i]
                && m->country[i][0] == cur->country[0]
                && m->country[i][1] == cur->country[1])
            {
                break;
            }
        }

        if (i == NGX_HTTP_SG_MEMORY_SLOTS) {
            i = ngx_http_sg_memory_slot(m->country_seen, since);
            m->country[i][0] = cur->country[0];
            m->country[i][1] = cur->country[1];
        }

        m->country_seen[i] = t;
    }

    zone->sh->generation++;

    return NGX_OK;
}


/*
 * A memory from a state file (or the snapshot of a resized zone), with
 * the mutex held: NGX_OK, NGX_DONE (forgotten already: nothing within the
 * TTL, or the user known), NGX_DECLINED (no room).
 */

ngx_int_t
ngx_http_sg_shm_memory_restore(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_sg_state_memory_t *mem, time_t now)
{
    uint32_t                    since;
    ngx_uint_t                  i;
    ngx_http_sg_memory_node_t  *m;

    since = ngx_http_sg_memory_since(zone, now);

    if (zone->memory_ttl == 0 || mem->seen < (int64_t) since
        || ngx_http_sg_memory_find(zone, sub))
    {
        return NGX_DONE;
    }

    m = ngx_http_sg_memory_alloc(zone, sub, now);

    if (m == NULL) {
        return NGX_DECLINED;
    }

    m->seen = ngx_http_sg_t32(mem->seen);

    for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
        m->device[i] = mem->device[i];
        m->device_seen[i] = ngx_http_sg_t32(mem->device_seen[i]);
        m->asn[i] = mem->asn[i];
        m->asn_seen[i] = ngx_http_sg_t32(mem->asn_seen[i]);
        m->country[i][0] = mem->country[i][0];
        m->country[i][1] = mem->country[i][1];
        m->country_seen[i] = ngx_http_sg_t32(mem->country_seen[i]);
    }

    return NGX_OK;
}


/* a memory's entry in a state file at p: NGX_SG_STATE_MEMORY + m->len */

u_char *
ngx_http_sg_shm_memory_put(ngx_http_sg_memory_node_t *m, u_char *p)
{
    uint16_t               len;
    ngx_uint_t             i;
    ngx_sg_state_memory_t  mem;

    ngx_memzero(&mem, sizeof(ngx_sg_state_memory_t));

    mem.seen = m->seen;

    for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
        mem.device[i] = m->device[i];
        mem.device_seen[i] = m->device_seen[i];
        mem.asn[i] = m->asn[i];
        mem.asn_seen[i] = m->asn_seen[i];
        mem.country[i][0] = m->country[i][0];
        mem.country[i][1] = m->country[i][1];
        mem.country_seen[i] = m->country_seen[i];
    }

    len = m->len;

    p = ngx_cpymem(p, &len, sizeof(uint16_t));
    p = ngx_cpymem(p, &mem, sizeof(ngx_sg_state_memory_t));

    return ngx_cpymem(p, m->data, m->len);
}


static ngx_http_sg_memory_node_t *
ngx_http_sg_memory_find(ngx_http_sg_zone_t *zone, ngx_str_t *sub)
{
    ngx_rbtree_node_t  *node;

    if (zone->sh->nmemories == 0) {
        return NULL;
    }

    node = ngx_http_sg_shm_lookup(&zone->sh->memories,
                                  ngx_crc32_short(sub->data, sub->len),
                                  sub->data, sub->len,
                                  offsetof(ngx_http_sg_memory_node_t, data));

    return node ? ngx_http_sg_overlay(node) : NULL;
}


/*
 * A zeroed memory for sub, at the head of the queue.  Room is made by
 * forgetting the oldest memories: those not seen for the TTL, then the
 * least recently learned while the zone holds memory_users of them;
 * nothing else is freed for it.
 */

static ngx_http_sg_memory_node_t *
ngx_http_sg_memory_alloc(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    time_t now)
{
    size_t                      size;
    u_char                     *base;
    uint32_t                    since;
    ngx_uint_t                  i;
    ngx_rbtree_node_t          *node;
    ngx_http_sg_link_t         *h, *l;
    ngx_http_sg_memory_node_t  *m;

    base = ngx_http_sg_base(zone);
    h = &zone->sh->memory_lru;
    since = ngx_http_sg_memory_since(zone, now);

    /* two of those not seen for the TTL, as the other queues reclaim */

    for (i = 0; i < 2; i++) {
        l = ngx_http_sg_link_last(base, h);

        if (l == h) {
            break;
        }

        m = ngx_http_sg_data(l, ngx_http_sg_memory_node_t, queue);

        if (m->seen >= since) {
            break;
        }

        ngx_http_sg_shm_free_memory(zone, m);
    }

    size = ngx_http_sg_node_size(ngx_http_sg_memory_node_t, sub->len);

    /*
     * At memory_users, the least recently learned gives way; a few at a
     * time after memory_users was lowered by a reload.
     */

    if (zone->sh->nmemories >= zone->memory_users) {
        (void) ngx_http_sg_shm_evict_memories(zone,
                       ngx_min(zone->sh->nmemories - zone->memory_users + 1,
                               8));

        if (zone->sh->nmemories >= zone->memory_users) {
            return NULL;
        }
    }

    /*
     * A full zone: no memory is freed for another (they may not share a
     * size), and no session for a memory; sessions make memories give
     * way instead (ngx_http_sg_shm_evict_memories()).
     */

    node = ngx_slab_calloc_locked(zone->shpool, size);

    if (node == NULL) {
        return NULL;
    }

    node->key = ngx_crc32_short(sub->data, sub->len);

    m = ngx_http_sg_overlay(node);
    m->len = (u_short) sub->len;
    ngx_memcpy(m->data, sub->data, sub->len);

    ngx_rbtree_insert(&zone->sh->memories, node);
    ngx_http_sg_link_after(base, h, &m->queue);

    zone->sh->nmemories++;
    zone->sh->memory_bytes += sub->len;

    return m;
}


/*
 * A slot for a new value: a free one, else one not seen for the TTL, else
 * the least recently seen.
 */

static ngx_uint_t
ngx_http_sg_memory_slot(uint32_t *seen, uint32_t since)
{
    ngx_uint_t  i, oldest;

    oldest = 0;

    for (i = 0; i < NGX_HTTP_SG_MEMORY_SLOTS; i++) {
        if (seen[i] == 0 || seen[i] < since) {
            return i;
        }

        if (seen[i] < seen[oldest]) {
            oldest = i;
        }
    }

    return oldest;
}


/* the oldest time still remembered */

static uint32_t
ngx_http_sg_memory_since(ngx_http_sg_zone_t *zone, time_t now)
{
    time_t  t;

    t = now - zone->memory_ttl;

    /* 0 marks a free slot: never "seen since" */
    return (t > 0) ? ngx_http_sg_t32(t) : 1;
}
