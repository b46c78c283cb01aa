
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The operations of ngx_http_sg_zone.h on the shared-memory store: each
 * locks, works through the primitives of ngx_http_sg_shm.c, copies out
 * what the caller needs, and unlocks.  Nothing here logs: the callers do,
 * after the lock is released.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"
#include "ngx_sg_sha256.h"


static ngx_int_t ngx_http_sg_limit(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub, ngx_http_sg_limit_t *limit, time_t now,
    ngx_http_sg_node_t *self);
static ngx_int_t ngx_http_sg_revoke(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_uint_t flags, ngx_uint_t source, ngx_uint_t reason, time_t until);
/* a change marked on sessions: the fields of "to" it is about */
typedef ngx_uint_t (*ngx_http_sg_mark_pt)(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn, ngx_sg_record_t *to, time_t now);

static ngx_int_t ngx_http_sg_mark(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_http_sg_mark_pt mark, ngx_sg_record_t *to,
    ngx_uint_t *n);
static ngx_uint_t ngx_http_sg_step_up_node(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn, ngx_sg_record_t *to, time_t now);
static ngx_uint_t ngx_http_sg_claims_node(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn, ngx_sg_record_t *to, time_t now);
static ngx_uint_t ngx_http_sg_assurance_node(ngx_http_sg_zone_t *zone,
    ngx_http_sg_node_t *sn, ngx_sg_record_t *to, time_t now);


/*
 * max_sessions: counts the subject's live sessions (neither revoked nor
 * ended) but "self".  Without "self" (before a session is created), at the
 * limit, refuses (NGX_DECLINED) or lets it be created; with "self" (once
 * it is, so that a failure to store it replaces nothing), revokes the
 * oldest-created ones until there is room.
 */

static ngx_int_t
ngx_http_sg_limit(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_http_sg_limit_t *limit, time_t now, ngx_http_sg_node_t *self)
{
    u_char                 *base;
    ngx_uint_t              live, last;
    ngx_http_sg_link_t     *l, *next;
    ngx_http_sg_node_t     *sn, *oldest;
    ngx_http_sg_subject_t  *st;

    base = ngx_http_sg_base(zone);

    for ( ;; ) {

        st = ngx_http_sg_shm_find_subject(zone, sub);

        if (st == NULL) {
            return NGX_OK;
        }

        live = 0;
        oldest = NULL;

        /* oldest first: the first live one is the oldest */

        for (l = ngx_http_sg_link_first(base, &st->sessions);
             l != &st->sessions;
             l = next)
        {
            next = ngx_http_sg_link(base, l->next);
            sn = ngx_http_sg_data(l, ngx_http_sg_node_t, sq);

            if (sn == self) {
                continue;
            }

            if (ngx_http_sg_dead(sn, now)) {
                last = (st->count == 1);

                ngx_http_sg_shm_free(zone, sn);
                zone->sh->stats.expired++;

                if (last) {
                    return NGX_OK;
                }

                continue;
            }

            if (sn->revoked || ngx_http_sg_ended(sn, now)) {
                continue;
            }

            if (live++ == 0) {
                oldest = sn;
            }
        }

        if (live < limit->max_sessions) {
            return NGX_OK;
        }

        if (self == NULL) {
            if (limit->replace_oldest) {
                return NGX_OK;
            }

            zone->sh->stats.limited++;
            return NGX_DECLINED;
        }

        zone->sh->stats.limited++;

        /*
         * Tokens carrying the replaced session may live on: it stays
         * revoked until the latest "exp" seen with it, and at least for
         * the longest lifetime a session may have.
         */

        if (limit->replaced++ == 0 && limit->replaced_id.data) {
            limit->replaced_id.len = oldest->len;
            ngx_memcpy(limit->replaced_id.data, oldest->data, oldest->len);
        }

        ngx_http_sg_shm_revoke(zone, oldest, NGX_SG_REVOKED_LIMIT, 0,
                               now + zone->max_lifetime, now);
    }
}


/* the API */

ngx_int_t
ngx_http_sg_zone_session(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_http_sg_limit_t *limit, ngx_http_sg_memory_t *mem,
    ngx_http_sg_detail_in_t *din, ngx_http_sg_update_pt update, void *data,
    ngx_pool_t *pool, ngx_http_sg_session_t *out, ngx_uint_t *evicted)
{
    u_char                 idbuf[NGX_SG_ID_MAX];
    u_char                 subbuf[NGX_SG_SUB_MAX];
    ngx_sg_details_t       dbuf;
    u_char                 was;
    time_t                 now;
    uint32_t               exp, hash;
    ngx_int_t              rc;
    ngx_uint_t             created, n, flags;
    ngx_http_sg_node_t    *sn;
    ngx_sg_record_t        rec;

    if (evicted == NULL) {
        evicted = &n;
    }

    *evicted = 0;

    ngx_memzero(out, sizeof(ngx_http_sg_session_t));

    if (id->len == 0 || id->len > NGX_SG_ID_MAX
        || sub->len > NGX_SG_SUB_MAX)
    {
        return NGX_ERROR;
    }

    now = ngx_time();

    flags = (limit && limit->unauth) ? NGX_SG_REC_UNAUTH : 0;

    if (zone->details) {
        flags |= NGX_SG_REC_DETAILS;
    }

    hash = ngx_http_sg_shm_hash(zone, id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    /* a blocked subject (ngx_http_sg_block.c): no session at all */

    if (sub->len && ngx_http_sg_shm_find_block(zone, sub)) {
        ngx_shmtx_unlock(&zone->shpool->mutex);

        out->id = *id;
        out->sub = *sub;

        return NGX_ABORT;
    }

    sn = ngx_http_sg_shm_find(zone, id, hash, now);

    if (sn) {
        created = 0;

        if (!sn->revoked) {
            ngx_http_sg_shm_use(zone, sn, now);
        }

    } else {
        created = 1;

        ngx_http_sg_shm_expire(zone, now, 2);

        if ((flags & NGX_SG_REC_UNAUTH)
            && ngx_http_sg_shm_unauth_room(zone, now, evicted) != NGX_OK)
        {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_BUSY;
        }

        if (sub->len == 0 || limit == NULL || limit->max_sessions == 0) {
            limit = NULL;
        }

        if (limit && ngx_http_sg_limit(zone, sub, limit, now, NULL)
                     == NGX_DECLINED)
        {
            ngx_shmtx_unlock(&zone->shpool->mutex);

            out->id = *id;
            out->sub = *sub;

            return NGX_DECLINED;
        }

        sn = ngx_http_sg_shm_create(zone, id, hash, sub, flags, now, now,
                                    NGX_HTTP_SG_ROUNDS_SESSION, evicted);

        if (sn == NULL) {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_ERROR;
        }

        if (limit) {
            (void) ngx_http_sg_limit(zone, sub, limit, now, sn);
        }

        ngx_http_sg_shm_touch(zone, sn, now);

        zone->sh->stats.created++;

        if (din && (sn->flags & NGX_SG_REC_DETAILS)) {
            ngx_http_sg_shm_details_begin(sn, din);
        }
    }

    ngx_http_sg_shm_unpack(sn, &rec);

    if (mem && zone->memory_ttl && sub->len) {
        ngx_http_sg_shm_memory_check(zone, sub, &rec, created, mem, now);
    }

    rc = update ? update(&rec, created, data) : NGX_OK;

    if (mem && mem->checked) {
        /* asked again until ngx_http_sg_zone_learn() marks it */
        rec.flags &= ~NGX_SG_REC_KNOWN;
    }

    was = sn->revoked;
    exp = sn->token_exp;

    ngx_http_sg_shm_pack(&rec, sn);

    if (!was && rec.revoked) {
        /* revoked by the caller's policy */
        sn->token_exp = exp > sn->token_exp ? exp : sn->token_exp;
        ngx_http_sg_shm_revoke(zone, sn, rec.revoked, rec.revoke_reason,
                               now + zone->max_lifetime, now);

    } else if (was) {
        /* a revocation is never undone nor shortened */
        if (sn->token_exp < exp) {
            sn->token_exp = exp;

        } else if (sn->token_exp > exp) {
            ngx_http_sg_shm_requeue(zone, sn);
        }
    }

    zone->sh->generation++;

    ngx_http_sg_shm_copy_locked(zone, sn, out, idbuf, subbuf, &dbuf);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (ngx_http_sg_shm_copy_out(pool, out) != NGX_OK) {
        return NGX_ERROR;
    }

    return rc;
}



ngx_int_t
ngx_http_sg_zone_revoke(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_uint_t source, ngx_uint_t reason, time_t until)
{
    return ngx_http_sg_revoke(zone, id, 0, source, reason, until);
}


ngx_int_t
ngx_http_sg_zone_revoke_session(ngx_http_sg_zone_t *zone,
    ngx_http_sg_session_t *s, ngx_uint_t source, ngx_uint_t reason)
{
    return ngx_http_sg_revoke(zone, &s->id,
                              s->rec.flags & NGX_SG_REC_UNAUTH,
                              source, reason, s->rec.token_exp);
}


/*
 * An unknown id gets a revoked record of the kind "flags" says: an
 * unauthenticated one only within its share (NGX_ERROR when the share
 * holds only revoked and ended records: the caller fails closed).
 */

static ngx_int_t
ngx_http_sg_revoke(ngx_http_sg_zone_t *zone, ngx_str_t *id, ngx_uint_t flags,
    ngx_uint_t source, ngx_uint_t reason, time_t until)
{
    time_t               now;
    uint32_t             hash;
    ngx_str_t            empty;
    ngx_http_sg_node_t  *sn;

    if (id->len == 0 || id->len > NGX_SG_ID_MAX) {
        return NGX_ERROR;
    }

    now = ngx_time();

    if (until == 0) {
        until = now + zone->max_lifetime;
    }

    hash = ngx_http_sg_shm_hash(zone, id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    sn = ngx_http_sg_shm_find(zone, id, hash, now);

    if (sn) {
        ngx_http_sg_shm_revoke(zone, sn, source, reason, until, now);
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_OK;
    }

    if (until < now) {
        /* every token that could carry it has expired */
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_OK;
    }

    ngx_str_null(&empty);

    if (flags && ngx_http_sg_shm_unauth_room(zone, now, NULL) != NGX_OK) {
        sn = NULL;

    } else {
        sn = ngx_http_sg_shm_create(zone, id, hash, &empty, flags, now, now,
                                    NGX_HTTP_SG_ROUNDS_REVOKE, NULL);
    }

    if (sn == NULL) {
        zone->sh->stats.revoke_failed++;
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    ngx_http_sg_shm_revoke(zone, sn, source, reason, until, now);

    zone->sh->stats.created++;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_zone_revoke_subject(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_uint_t source, ngx_uint_t reason, ngx_uint_t *n)
{
    u_char                 *base;
    time_t                  now;
    ngx_uint_t              count;
    ngx_http_sg_link_t     *l;
    ngx_http_sg_node_t     *sn;
    ngx_http_sg_subject_t  *st;

    count = 0;

    if (sub->len == 0 || sub->len > NGX_SG_SUB_MAX) {
        goto done;
    }

    now = ngx_time();
    base = ngx_http_sg_base(zone);

    ngx_shmtx_lock(&zone->shpool->mutex);

    st = ngx_http_sg_shm_find_subject(zone, sub);

    if (st) {
        /* revoking keeps every record linked: the walk is safe */

        for (l = ngx_http_sg_link_first(base, &st->sessions);
             l != &st->sessions;
             l = ngx_http_sg_link(base, l->next))
        {
            sn = ngx_http_sg_data(l, ngx_http_sg_node_t, sq);

            if (sn->revoked || ngx_http_sg_dead(sn, now)) {
                continue;
            }

            ngx_http_sg_shm_revoke(zone, sn, source, reason,
                                     now + zone->max_lifetime, now);
            count++;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

done:

    if (n) {
        *n = count;
    }

    return NGX_OK;
}


/*
 * Asks for step-up on the live session "id", or, when id is empty, on every
 * live session of "sub": step_up_since is set to now unless a step-up is
 * already pending, so that the risk engine challenges the next request
 * whose token was authenticated before now (ngx_sg_risk.c).  Unknown
 * sessions are left alone: there is nothing to step up.
 */

ngx_int_t
ngx_http_sg_zone_step_up(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_uint_t *n)
{
    ngx_sg_record_t  to;

    ngx_memzero(&to, sizeof(ngx_sg_record_t));

    return ngx_http_sg_mark(zone, id, sub, ngx_http_sg_step_up_node, &to, n);
}


/*
 * The same for a change of the user's claims: tokens issued at or before
 * "since" are refused from now on (claims_since, moved forward only).
 */

ngx_int_t
ngx_http_sg_zone_claims_changed(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, time_t since, ngx_uint_t *n)
{
    ngx_sg_record_t  to;

    ngx_memzero(&to, sizeof(ngx_sg_record_t));
    to.claims_since = ngx_http_sg_t32(since);

    return ngx_http_sg_mark(zone, id, sub, ngx_http_sg_claims_node, &to, n);
}


/*
 * And for an assurance level reported (ngx_sg_record.h): recorded unless
 * one reported as changed later is there already.
 */

ngx_int_t
ngx_http_sg_zone_assurance(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, uint32_t ns, uint32_t level, time_t since,
    ngx_uint_t *n)
{
    ngx_sg_record_t  to;

    ngx_memzero(&to, sizeof(ngx_sg_record_t));
    to.assurance_ns = ns;
    to.assurance = level;
    to.assurance_since = ngx_http_sg_t32(since);

    return ngx_http_sg_mark(zone, id, sub, ngx_http_sg_assurance_node, &to,
                            n);
}


static ngx_int_t
ngx_http_sg_mark(ngx_http_sg_zone_t *zone, ngx_str_t *id, ngx_str_t *sub,
    ngx_http_sg_mark_pt mark, ngx_sg_record_t *to, ngx_uint_t *n)
{
    u_char                 *base;
    time_t                  now;
    uint32_t                hash;
    ngx_uint_t              count;
    ngx_http_sg_link_t     *l;
    ngx_http_sg_node_t     *sn;
    ngx_http_sg_subject_t  *st;

    count = 0;
    now = ngx_time();

    if (id->len) {
        if (id->len > NGX_SG_ID_MAX) {
            goto done;
        }

        hash = ngx_http_sg_shm_hash(zone, id);

        ngx_shmtx_lock(&zone->shpool->mutex);

        sn = ngx_http_sg_shm_find(zone, id, hash, now);

        if (sn && !sn->revoked && !ngx_http_sg_dead(sn, now)) {
            count += mark(zone, sn, to, now);
        }

        ngx_shmtx_unlock(&zone->shpool->mutex);

        goto done;
    }

    if (sub->len == 0 || sub->len > NGX_SG_SUB_MAX) {
        goto done;
    }

    base = ngx_http_sg_base(zone);

    ngx_shmtx_lock(&zone->shpool->mutex);

    st = ngx_http_sg_shm_find_subject(zone, sub);

    if (st) {
        for (l = ngx_http_sg_link_first(base, &st->sessions);
             l != &st->sessions;
             l = ngx_http_sg_link(base, l->next))
        {
            sn = ngx_http_sg_data(l, ngx_http_sg_node_t, sq);

            if (sn->revoked || ngx_http_sg_dead(sn, now)) {
                continue;
            }

            count += mark(zone, sn, to, now);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

done:

    *n = count;

    return NGX_OK;
}


/*
 * With the mutex held: 1 if a step-up was asked, 0 if one as recent was
 * pending.  An older pending one is moved forward: the user may have
 * signed in again between it and now without a request yet, and that
 * sign-in, before this event, must not satisfy it.
 */

static ngx_uint_t
ngx_http_sg_step_up_node(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    ngx_sg_record_t *to, time_t now)
{
    if (sn->step_up_since >= ngx_http_sg_t32(now)) {
        return 0;
    }

    sn->step_up_since = ngx_http_sg_t32(now);
    sn->updated = ngx_http_sg_t32(now);

    zone->sh->generation++;

    return 1;
}


/* with the mutex held: 1 if claims_since moved forward to "since" */

static ngx_uint_t
ngx_http_sg_claims_node(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    ngx_sg_record_t *to, time_t now)
{
    if (sn->claims_since >= to->claims_since) {
        return 0;
    }

    sn->claims_since = to->claims_since;
    sn->updated = ngx_http_sg_t32(now);

    zone->sh->generation++;

    return 1;
}


/*
 * with the mutex held: 1 if the level was recorded; an event that arrives
 * late (it says the level changed before the one recorded) changes nothing
 */

static ngx_uint_t
ngx_http_sg_assurance_node(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    ngx_sg_record_t *to, time_t now)
{
    if (sn->assurance_since > to->assurance_since) {
        return 0;
    }

    sn->assurance_ns = to->assurance_ns;
    sn->assurance = to->assurance;
    sn->assurance_since = to->assurance_since;
    sn->updated = ngx_http_sg_t32(now);

    zone->sh->generation++;

    return 1;
}


ngx_int_t
ngx_http_sg_zone_late_answer(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_sg_bind_t *asked, ngx_uint_t acts, ngx_uint_t score, time_t until,
    ngx_uint_t bit)
{
    time_t               now;
    uint32_t             hash;
    ngx_sg_record_t      rec;
    ngx_http_sg_node_t  *sn;

    if (id->len == 0 || id->len > NGX_SG_ID_MAX) {
        return NGX_DECLINED;
    }

    now = ngx_time();
    hash = ngx_http_sg_shm_hash(zone, id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    sn = ngx_http_sg_shm_find(zone, id, hash, now);

    if (sn == NULL || sn->revoked) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_http_sg_shm_unpack(sn, &rec);

    /* every field as asked: the session has not moved since */

    if (rec.last.ip.family != asked->ip.family
        || ngx_memcmp(rec.last.ip.addr, asked->ip.addr, 16) != 0
        || rec.last.asn != asked->asn
        || rec.last.country[0] != asked->country[0]
        || rec.last.country[1] != asked->country[1]
        || rec.last.ua != asked->ua
        || rec.last.ja4 != asked->ja4)
    {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_sg_risk_keep(&rec, acts, score, until, bit);
    rec.updated = now;

    ngx_http_sg_shm_pack(&rec, sn);

    zone->sh->generation++;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_zone_jti(ngx_http_sg_zone_t *zone, ngx_str_t *jti,
    time_t expires)
{
    u_char              *key, digest[NGX_SG_SHA256_LEN];
    size_t               size;
    time_t               now;
    uint32_t             hash;
    ngx_uint_t           len;
    ngx_rbtree_node_t   *node;
    ngx_http_sg_jti_t   *jn;

    if (jti->len == 0) {
        return NGX_DECLINED;
    }

    /*
     * A longer jti is remembered by its SHA-256, flagged in the length so
     * that it never equals a short jti of the same 32 bytes.
     */

    if (jti->len > NGX_SG_JTI_MAX) {
        if (ngx_sg_sha256_digest(jti->data, jti->len, digest) != NGX_OK)
        {
            return NGX_ERROR;
        }

        key = digest;
        len = NGX_SG_SHA256_LEN | NGX_HTTP_SG_JTI_HASHED;

    } else {
        key = jti->data;
        len = jti->len;
    }

    hash = ngx_crc32_short(key, len & ~NGX_HTTP_SG_JTI_HASHED);

    now = ngx_time();

    if (expires < now) {
        expires = now;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_sg_shm_lookup(&zone->sh->jtis, hash, key, len,
                                  offsetof(ngx_http_sg_jti_t, data));

    if (node) {
        jn = ngx_http_sg_overlay(node);

        if ((time_t) jn->expires >= now) {
            zone->sh->stats.jti_replays++;
            ngx_shmtx_unlock(&zone->shpool->mutex);
            return NGX_DECLINED;
        }

        /* seen, but so long ago that it is forgotten: a first use */
        ngx_http_sg_shm_free_jti(zone, jn);
    }

    ngx_http_sg_shm_expire(zone, now, 2);

    size = ngx_http_sg_node_size(ngx_http_sg_jti_t,
                                 len & ~NGX_HTTP_SG_JTI_HASHED);

    node = ngx_http_sg_shm_alloc(zone, size, now, NGX_HTTP_SG_ROUNDS_JTI,
                                 NULL);
    if (node == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    ngx_http_sg_shm_add_jti(zone, node, hash, key, len, expires);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


/*
 * Forgets a one-time identifier remembered by ngx_http_sg_zone_jti(), so
 * that a use whose effect could not be made is not counted as a use.
 */

void
ngx_http_sg_zone_jti_forget(ngx_http_sg_zone_t *zone, ngx_str_t *jti)
{
    u_char              *key, digest[NGX_SG_SHA256_LEN];
    uint32_t             hash;
    ngx_uint_t           len;
    ngx_rbtree_node_t   *node;

    if (jti->len == 0) {
        return;
    }

    if (jti->len > NGX_SG_JTI_MAX) {
        if (ngx_sg_sha256_digest(jti->data, jti->len, digest) != NGX_OK)
        {
            return;
        }

        key = digest;
        len = NGX_SG_SHA256_LEN | NGX_HTTP_SG_JTI_HASHED;

    } else {
        key = jti->data;
        len = jti->len;
    }

    hash = ngx_crc32_short(key, len & ~NGX_HTTP_SG_JTI_HASHED);

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_sg_shm_lookup(&zone->sh->jtis, hash, key, len,
                                  offsetof(ngx_http_sg_jti_t, data));

    if (node) {
        ngx_http_sg_shm_free_jti(zone, ngx_http_sg_overlay(node));
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


void
ngx_http_sg_zone_stats(ngx_http_sg_zone_t *zone,
    ngx_http_sg_zone_stats_t *stats)
{
    ngx_shmtx_lock(&zone->shpool->mutex);

    *stats = zone->sh->stats;

    stats->pages_total = zone->shpool->last - zone->shpool->pages;
    stats->pages_free = zone->shpool->pfree;

    ngx_shmtx_unlock(&zone->shpool->mutex);
}
