
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_SHM_H_INCLUDED_
#define _NGX_HTTP_SG_SHM_H_INCLUDED_


/*
 * The layout of a session_guard zone in shared memory, private to
 * ngx_http_sg_zone.c, ngx_http_sg_zone_conf.c, ngx_http_sg_shm.c,
 * ngx_http_sg_store.c and ngx_http_sg_state.c (and ngx_http_sg_metrics.c,
 * for "counters" only).
 *
 * Sessions are found by id through a hash index (ngx_sg_hindex.h): a
 * bucket array allocated once, at the zone's creation, one bucket per 256
 * bytes of zone rounded down to a power of two (4 bytes per session slot),
 * chained through the first 8 bytes of each record; the hash is SipHash
 * keyed with 16 random bytes drawn with the zone, so that nobody can make
 * ids that share a bucket.  A lookup reads a bucket and the records of
 * its chain (usually one), instead of one record per level of a tree.
 *
 * Subjects by name and one-time identifiers (jti) by value are in
 * rbtrees, keyed by ngx_crc32_short() of the string with the whole string
 * as tie-break, so that chosen collisions cost O(log n), never a long
 * chain.  Their nodes overlay ngx_rbtree_node_t from its "color" byte on,
 * like limit_req's, to use its padding.
 *
 * Lists link records by 32-bit offsets from the start of the zone,
 * counted in 4-byte units (zones up to 16G): half of an ngx_queue_t, which
 * keeps a session with an id of up to 54 bytes (a digest of a cookie is 50)
 * in one 256-byte slab chunk.
 *
 * A session is relinked at the head of its LRU queue when used, but at
 * most once a second ("touched"): the queue's order is that of the last
 * use to within a second, and eviction may take a session used less than
 * a second after the one it spares.  A hot session costs no relink.
 *
 * The root (ngx_http_sg_shctx_t) starts with NGX_HTTP_SG_SHM_LAYOUT: a
 * zone left by a build with another layout (an older module, on reload)
 * is never adopted nor copied, its first word differs (an older build has
 * a pointer there, which never has the top bits of this constant).
 *
 *   lru         unrevoked sessions, most recently used first; evicted
 *               from the tail when memory runs out
 *   lru_unauth  the same for unauthenticated sessions
 *               (NGX_SG_REC_UNAUTH), evicted first
 *   revoked     revoked sessions by retain-until (token_exp), earliest
 *               first; never evicted, reclaimed from the head once passed
 *   jti         jti entries by expiry, earliest first
 *   subject     a subject node heads the list of its sessions, oldest
 *               first, and counts them; it goes with its last session
 *   memory      what a user was seen from (session_guard_zone memory=,
 *               ngx_http_sg_memory.c), most recently learned first; the
 *               oldest goes when the zone holds memory_users of them, or
 *               when nothing in it was seen for the memory's TTL
 *
 * Dead records (see ngx_http_sg_dead()) are reclaimed when a lookup meets
 * them and, two at a time, at the ends of the queues on every insertion.
 *
 * A session whose lifetime ended is as durable as a revocation: eviction
 * never frees one, it turns it into the revoked record ("expired" or
 * "idle") that its next request would have made, so that the same key or
 * sid cannot start it afresh.
 *
 * Unauthenticated sessions (keys anyone can make up) are counted, revoked
 * and ended ones included, and held to the zone's "unauthenticated" share
 * (unauth_max records): a new one evicts the least recently used live one
 * of them, never an authenticated session, and is refused when the share
 * holds only revoked and ended records.  So a flood of made-up cookies
 * never takes the memory that tokens' sessions, revocations and jti
 * entries need, and never makes the zone forget a revocation.
 *
 * Every ngx_http_sg_shm_*() function runs with the slab mutex held, but
 * ngx_http_sg_shm_hash() (before it is taken) and, when the zone is set
 * up, ngx_http_sg_shm_init() and ngx_http_sg_shm_layout().
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_sg_zone.h"
#include "ngx_sg_hindex.h"
#include "ngx_sg_siphash.h"


/* the layout of the zone: changed whenever the shared structures change */
#define NGX_HTTP_SG_SHM_LAYOUT      0xf3a9c5e10000000aULL

/* zone bytes per bucket of the session index: a session takes 256 */
#define NGX_HTTP_SG_BUCKET_BYTES    256


/* rounds of eviction (8 records each) before an allocation gives up */
#define NGX_HTTP_SG_EVICT_BATCH     8
#define NGX_HTTP_SG_ROUNDS_SESSION  4
#define NGX_HTTP_SG_ROUNDS_REVOKE   64
#define NGX_HTTP_SG_ROUNDS_JTI      8

/* jti key length flag: the key is the SHA-256 of a longer jti */
#define NGX_HTTP_SG_JTI_HASHED      NGX_SG_JTI_HASHED

/* the defaults of session_guard_zone's parameters */
#define NGX_HTTP_SG_MAX_LIFETIME_DEFAULT  (12 * 3600)
#define NGX_HTTP_SG_SAVE_DEFAULT          60000
#define NGX_HTTP_SG_UNAUTH_DEFAULT        50    /* percent */


typedef struct {
    uint32_t                    prev;
    uint32_t                    next;
} ngx_http_sg_link_t;


/* the first bytes of every node overlay, from ngx_rbtree_node_t.color */
typedef struct {
    u_char                      color;
    u_char                      flag;
    u_short                     len;
} ngx_http_sg_key_t;


/* ngx_sg_bind_t, packed: 48 bytes instead of 56 */
typedef struct {
    uint64_t                    ua;
    uint64_t                    ja4;
    uint32_t                    asn;
    float                       lat;
    float                       lon;
    u_char                      family;
    u_char                      has_loc;
    u_char                      country[2];
    u_char                      addr[16];
} ngx_http_sg_pbind_t;


/*
 * A session, allocated as is (no rbtree node); times are unsigned 32-bit
 * seconds (until 2106).  What a lookup compares (hash, len) is in the
 * first bytes, and what a lookup changes besides the record's own fields
 * (the links) in its first cache line.
 */
typedef struct {
    ngx_sg_hlink_t              index;       /* keyed hash, next in bucket */
    u_char                      revoked;
    u_char                      flags;
    u_short                     len;         /* of the id */
    uint32_t                    subject;     /* its "sessions" link; 0 */
    ngx_http_sg_link_t          queue;       /* lru or revoked */
    ngx_http_sg_link_t          sq;          /* the subject's sessions */
    uint32_t                    touched;     /* last moved in its LRU queue */

    uint32_t                    created;
    uint32_t                    updated;
    uint32_t                    last_seen;
    uint32_t                    expires;
    uint32_t                    idle_timeout;
    uint32_t                    auth_time;
    uint32_t                    token_exp;   /* revoked: retain until */
    uint32_t                    loc_time;
    uint32_t                    revoked_at;
    uint32_t                    step_up_since;
    uint32_t                    claims_since;
    uint32_t                    assurance_ns;
    uint32_t                    assurance;
    uint32_t                    assurance_since;
    uint32_t                    cond_ok;
    uint32_t                    risk_until;  /* a risk service's answer */
    uint16_t                    risk_score;
    u_char                      risk_acts;

    ngx_http_sg_pbind_t         initial;
    ngx_http_sg_pbind_t         last;

    u_char                      revoke_reason;
    u_char                      cookie_mode;
    u_char                      data[1];     /* the id */
} ngx_http_sg_node_t;


typedef struct {
    u_char                      color;
    u_char                      dummy;
    u_short                     len;
    uint32_t                    count;       /* sessions linked */
    ngx_http_sg_link_t          sessions;
    u_char                      data[1];
} ngx_http_sg_subject_t;


/*
 * A blocked subject (ngx_http_sg_block.c): in the "blocks" tree, keyed by
 * the CRC32 of the subject, never evicted; removed by an unblock only.
 */

typedef struct {
    u_char                      color;
    u_char                      dummy;
    u_short                     len;
    uint32_t                    since;
    u_char                      data[1];
} ngx_http_sg_block_t;


/*
 * A user's memory (ngx_http_sg_memory.c): in the "memories" tree, keyed by
 * the CRC32 of the subject.  NGX_HTTP_SG_MEMORY_SLOTS devices (hashes of
 * the user agent and the JA4), networks (ASN) and countries, each with
 * when it was last seen; 0 is a free slot.  With a subject of up to 52
 * bytes, a node is one 256-byte slab chunk.
 */

typedef struct {
    u_char                      color;
    u_char                      dummy;
    u_short                     len;
    uint32_t                    seen;        /* last learned */
    ngx_http_sg_link_t          queue;       /* memory_lru */
    uint32_t                    device_seen[NGX_HTTP_SG_MEMORY_SLOTS];
    uint32_t                    asn[NGX_HTTP_SG_MEMORY_SLOTS];
    uint32_t                    asn_seen[NGX_HTTP_SG_MEMORY_SLOTS];
    uint32_t                    country_seen[NGX_HTTP_SG_MEMORY_SLOTS];
    uint64_t                    device[NGX_HTTP_SG_MEMORY_SLOTS];
    u_char                      country[NGX_HTTP_SG_MEMORY_SLOTS][2];
    u_char                      data[1];
} ngx_http_sg_memory_node_t;


typedef struct {
    u_char                      color;
    u_char                      dummy;
    u_short                     len;         /* | NGX_HTTP_SG_JTI_HASHED */
    uint32_t                    expires;
    ngx_http_sg_link_t          queue;
    u_char                      data[1];
} ngx_http_sg_jti_t;


/* the outbox's entries of one stream, counted against its queue= */
#define NGX_HTTP_SG_OUTBOX_STREAMS  32

typedef struct {
    uint32_t                    stream;
    uint32_t                    n;           /* 0: a free slot */
} ngx_http_sg_outbox_stream_t;


/* a security event waiting to be transmitted (ngx_http_sg_outbox.c) */
typedef struct {
    ngx_queue_t                 queue;
    uint64_t                    id;
    uint32_t                    stream;
    uint32_t                    attempts;
    time_t                      due;         /* not before */
    time_t                      lease;       /* taken until */
    size_t                      len;
    u_char                      data[1];
} ngx_http_sg_outbox_entry_t;


struct ngx_http_sg_shctx_s {
    uint64_t                    layout;      /* NGX_HTTP_SG_SHM_LAYOUT */
    ngx_sg_hindex_t             sessions;
    u_char                      hash_key[NGX_SG_SIPHASH_KEY_LEN];
    ngx_rbtree_t                subjects;
    ngx_rbtree_node_t           subjects_sentinel;
    ngx_rbtree_t                jtis;
    ngx_rbtree_node_t           jtis_sentinel;
    ngx_rbtree_t                blocks;
    ngx_rbtree_node_t           blocks_sentinel;
    ngx_uint_t                  nblocks;     /* blocked subjects */
    size_t                      block_bytes; /* their subjects */
    ngx_rbtree_t                memories;
    ngx_rbtree_node_t           memories_sentinel;
    ngx_http_sg_link_t          memory_lru;
    ngx_uint_t                  nmemories;
    size_t                      memory_bytes; /* their subjects */

    ngx_http_sg_zone_stats_t    stats;

    ngx_atomic_uint_t           generation;  /* bumped by every change */
    ngx_atomic_uint_t           saved;       /* generation last saved */

    size_t                      bytes;       /* ids and subjects */
    ngx_uint_t                  njti;
    size_t                      jti_bytes;

    ngx_http_sg_link_t          lru;
    ngx_http_sg_link_t          lru_unauth;
    ngx_http_sg_link_t          revoked;
    ngx_http_sg_link_t          jti;

    ngx_uint_t                  unauth;      /* records, in any queue */
    ngx_uint_t                  pages;       /* free once set up */

    ngx_queue_t                 outbox;      /* ngx_http_sg_outbox.c */
    ngx_uint_t                  outbox_n;
    uint64_t                    outbox_seq;
    time_t                      outbox_due;  /* nothing due before (hint) */
    ngx_http_sg_outbox_stream_t outbox_streams[NGX_HTTP_SG_OUTBOX_STREAMS];

    /* atomic, updated without the mutex (ngx_http_sg_metrics.c) */
    ngx_http_sg_zone_counters_t counters;
};


#define ngx_http_sg_overlay(node)  ((void *) &(node)->color)

#define ngx_http_sg_rbnode(p)                                                \
    ((ngx_rbtree_node_t *)                                                   \
        ((u_char *) (p) - offsetof(ngx_rbtree_node_t, color)))

#define ngx_http_sg_node_size(type, len)                                     \
    (offsetof(ngx_rbtree_node_t, color) + offsetof(type, data) + (len))

#define ngx_http_sg_session_size(len)                                        \
    (offsetof(ngx_http_sg_node_t, data) + (len))

/*
 * A session with details (NGX_SG_REC_DETAILS, a zone's details=on): they
 * follow its id, 4-byte aligned, in the same allocation.
 */
#define ngx_http_sg_details_offset(len)                                      \
    ngx_align(ngx_http_sg_session_size(len), 4)

#define ngx_http_sg_details_size(len)                                        \
    (ngx_http_sg_details_offset(len) + sizeof(ngx_sg_details_t))

#define ngx_http_sg_node_details(sn)                                         \
    ((ngx_sg_details_t *)                                                    \
        ((u_char *) (sn) + ngx_http_sg_details_offset((sn)->len)))

#define ngx_http_sg_data(l, type, link)                                      \
    ((type *) ((u_char *) (l) - offsetof(type, link)))

#define ngx_http_sg_base(zone)  ((u_char *) (zone)->shpool)


static ngx_inline uint32_t
ngx_http_sg_off(u_char *base, void *p)
{
    return (uint32_t) (((u_char *) p - base) >> 2);
}


static ngx_inline ngx_http_sg_link_t *
ngx_http_sg_link(u_char *base, uint32_t off)
{
    return (ngx_http_sg_link_t *) (base + ((size_t) off << 2));
}


static ngx_inline void
ngx_http_sg_link_init(u_char *base, ngx_http_sg_link_t *h)
{
    h->prev = ngx_http_sg_off(base, h);
    h->next = h->prev;
}


static ngx_inline void
ngx_http_sg_link_after(u_char *base, ngx_http_sg_link_t *at,
    ngx_http_sg_link_t *x)
{
    uint32_t  off;

    off = ngx_http_sg_off(base, x);

    x->next = at->next;
    x->prev = ngx_http_sg_off(base, at);
    ngx_http_sg_link(base, at->next)->prev = off;
    at->next = off;
}


static ngx_inline void
ngx_http_sg_link_remove(u_char *base, ngx_http_sg_link_t *x)
{
    ngx_http_sg_link(base, x->prev)->next = x->next;
    ngx_http_sg_link(base, x->next)->prev = x->prev;
}


#define ngx_http_sg_link_empty(base, h)                                      \
    ((h)->next == ngx_http_sg_off(base, h))

#define ngx_http_sg_link_first(base, h)  ngx_http_sg_link(base, (h)->next)
#define ngx_http_sg_link_last(base, h)   ngx_http_sg_link(base, (h)->prev)


static ngx_inline uint32_t
ngx_http_sg_t32(time_t t)
{
    if (t <= 0) {
        return 0;
    }

    if ((uint64_t) t >= 0xffffffff) {
        return 0xffffffff;
    }

    return (uint32_t) t;
}


/* the session's lifetime ended: absolute or idle expiry passed */

static ngx_inline ngx_uint_t
ngx_http_sg_ended(ngx_http_sg_node_t *sn, time_t now)
{
    if (sn->idle_timeout
        && (time_t) sn->last_seen + (time_t) sn->idle_timeout < now)
    {
        return 1;
    }

    return sn->expires != 0 && (time_t) sn->expires <= now;
}


/*
 * A record may go once no token carrying its id can be valid any more
 * (token_exp passed) and, unless revoked, its lifetime ended too: until
 * then it must stay, to refuse such tokens.
 */

static ngx_inline ngx_uint_t
ngx_http_sg_dead(ngx_http_sg_node_t *sn, time_t now)
{
    if ((time_t) sn->token_exp >= now) {
        return 0;
    }

    return sn->revoked || ngx_http_sg_ended(sn, now);
}


/*
 * The hash of a session id in the zone's index: the hash key never
 * changes once the zone is set up, so it is computed before the mutex is
 * taken, to hold it shorter.
 */

static ngx_inline uint32_t
ngx_http_sg_shm_hash(ngx_http_sg_zone_t *zone, ngx_str_t *id)
{
    return (uint32_t) ngx_sg_siphash(zone->sh->hash_key, id->data, id->len);
}


/* ngx_http_sg_zone.c: the zones of the configuration being read */
ngx_http_sg_zone_t *ngx_http_sg_zone_find_conf(ngx_conf_t *cf,
    ngx_str_t *name);
ngx_http_sg_zone_t *ngx_http_sg_zone_add(ngx_conf_t *cf, ngx_str_t *name,
    size_t size);

ngx_int_t ngx_http_sg_shm_init(ngx_http_sg_zone_t *zone, size_t size);
ngx_int_t ngx_http_sg_shm_layout(ngx_slab_pool_t *shpool);

ngx_rbtree_node_t *ngx_http_sg_shm_lookup(ngx_rbtree_t *tree,
    uint32_t hash, u_char *data, ngx_uint_t len, size_t off);
void ngx_http_sg_shm_sorted_insert(u_char *base, ngx_http_sg_link_t *h,
    ngx_http_sg_link_t *x, ssize_t key_off);

void ngx_http_sg_shm_pack(ngx_sg_record_t *rec, ngx_http_sg_node_t *sn);

/*
 * ngx_http_sg_copy.c: a session copied out under the lock into the
 * caller's buffers of the maximum sizes (dbuf: its details, if it has
 * any; NULL: not wanted), then into the pool
 */
void ngx_http_sg_shm_copy_locked(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn, ngx_http_sg_session_t *out, u_char *idbuf,
    u_char *subbuf, ngx_sg_details_t *dbuf);
ngx_int_t ngx_http_sg_shm_copy_out(ngx_pool_t *pool,
    ngx_http_sg_session_t *out);

/* ngx_http_sg_details.c: a created session's first details */
void ngx_http_sg_shm_details_begin(ngx_http_sg_node_t *sn,
    ngx_http_sg_detail_in_t *in);
void ngx_http_sg_shm_unpack(ngx_http_sg_node_t *sn,
    ngx_sg_record_t *rec);
ngx_http_sg_subject_t *ngx_http_sg_shm_subject(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn);

void ngx_http_sg_shm_free(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn);
void ngx_http_sg_shm_free_jti(ngx_http_sg_zone_t *zone,
    ngx_http_sg_jti_t *jn);
void ngx_http_sg_shm_expire(ngx_http_sg_zone_t *zone, time_t now,
    ngx_uint_t n);
void *ngx_http_sg_shm_alloc(ngx_http_sg_zone_t *zone, size_t size,
    time_t now, ngx_uint_t rounds, ngx_uint_t *evicted);

ngx_http_sg_node_t *ngx_http_sg_shm_find(ngx_http_sg_zone_t *zone,
    ngx_str_t *id, uint32_t hash, time_t now);
ngx_http_sg_block_t *ngx_http_sg_shm_find_block(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub);
ngx_int_t ngx_http_sg_shm_add_block(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub, time_t since, time_t now);
ngx_http_sg_subject_t *ngx_http_sg_shm_find_subject(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub);
void ngx_http_sg_shm_memory_check(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_sg_record_t *rec, ngx_uint_t created, ngx_http_sg_memory_t *mem,
    time_t now);
void ngx_http_sg_shm_free_memory(ngx_http_sg_zone_t *zone,
    ngx_http_sg_memory_node_t *m);
ngx_uint_t ngx_http_sg_shm_evict_memories(ngx_http_sg_zone_t *zone,
    ngx_uint_t n);
void ngx_http_sg_shm_memory_drop(ngx_http_sg_zone_t *zone);
ngx_uint_t ngx_http_sg_shm_memory_new(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub, ngx_sg_bind_t *cur, time_t now);
ngx_int_t ngx_http_sg_shm_memory_learn(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub, ngx_sg_bind_t *cur, time_t now);
ngx_int_t ngx_http_sg_shm_memory_restore(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub, ngx_sg_state_memory_t *mem, time_t now);
u_char *ngx_http_sg_shm_memory_put(ngx_http_sg_memory_node_t *m,
    u_char *p);
ngx_int_t ngx_http_sg_shm_unauth_room(ngx_http_sg_zone_t *zone, time_t now,
    ngx_uint_t *evicted);
ngx_http_sg_node_t *ngx_http_sg_shm_create(ngx_http_sg_zone_t *zone,
    ngx_str_t *id, uint32_t hash, ngx_str_t *sub, ngx_uint_t flags,
    time_t created, time_t now, ngx_uint_t rounds, ngx_uint_t *evicted);
ngx_http_sg_node_t *ngx_http_sg_shm_find_id(ngx_http_sg_zone_t *zone,
    ngx_str_t *id, uint32_t hash);
void ngx_http_sg_shm_touch(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    time_t now);
void ngx_http_sg_shm_use(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    time_t now);
void ngx_http_sg_shm_revoke(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    ngx_uint_t source, ngx_uint_t reason, time_t until, time_t now);
void ngx_http_sg_shm_requeue(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn);
void ngx_http_sg_shm_add_jti(ngx_http_sg_zone_t *zone,
    ngx_rbtree_node_t *node, uint32_t hash, u_char *key, ngx_uint_t len,
    time_t expires);


#endif /* _NGX_HTTP_SG_SHM_H_INCLUDED_ */
