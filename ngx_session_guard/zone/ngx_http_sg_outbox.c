
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The outbox: security events waiting to be transmitted (the SSF
 * transmitter, notify/ngx_http_sg_ssf_tx.c), in the zone so that every
 * worker sees them and a reload keeps them.  A FIFO of signed SETs, each
 * with the stream it is for, its attempts, when it may be tried next and
 * a lease: a worker that takes one holds it until the lease ends, so two
 * workers do not send it at once, and one that dies with it leaves it to
 * be taken again.
 *
 * Each stream is held to its own bound (a receiver that is down fills
 * only its own share), counted in a small table of streams; entries of a
 * stream no longer configured are dropped when the workers start
 * (ngx_http_sg_outbox_prune()).  "outbox_due" is a lower bound of when
 * anything may be due, read without the lock: most ticks of the senders
 * take no lock at all.
 *
 * Entries are slab allocations of their own, never taken from sessions:
 * when the zone has no memory left the event is dropped (the caller logs
 * and counts it), a revocation is never evicted for it.  The outbox is
 * not written to the state file: it survives a reload, not a restart.
 */


#include "ngx_http_sg_shm.h"


static ngx_http_sg_outbox_entry_t *ngx_http_sg_outbox_get(
    ngx_http_sg_shctx_t *sh, uint64_t id);
static ngx_http_sg_outbox_stream_t *ngx_http_sg_outbox_stream(
    ngx_http_sg_shctx_t *sh, uint32_t stream, ngx_uint_t create);
static void ngx_http_sg_outbox_remove(ngx_http_sg_zone_t *zone,
    ngx_http_sg_outbox_entry_t *e);


/*
 * NGX_OK queued; NGX_BUSY the stream holds "max" already (or the table of
 * streams is full); NGX_ERROR memory
 */

ngx_int_t
ngx_http_sg_outbox_add(ngx_http_sg_zone_t *zone, uint32_t stream,
    ngx_uint_t max, ngx_str_t *set)
{
    ngx_int_t                     rc;
    ngx_http_sg_shctx_t          *sh;
    ngx_http_sg_outbox_entry_t   *e;
    ngx_http_sg_outbox_stream_t  *st;

    sh = zone->sh;

    ngx_shmtx_lock(&zone->shpool->mutex);

    st = ngx_http_sg_outbox_stream(sh, stream, 1);

    if (st == NULL || st->n >= max) {
        rc = NGX_BUSY;
        goto done;
    }

    e = ngx_slab_alloc_locked(zone->shpool,
                              offsetof(ngx_http_sg_outbox_entry_t, data)
                              + set->len);
    if (e == NULL) {
        rc = NGX_ERROR;
        goto done;
    }

    e->id = ++sh->outbox_seq;
    e->stream = stream;
    e->attempts = 0;
    e->due = 0;
    e->lease = 0;
    e->len = set->len;
    ngx_memcpy(e->data, set->data, set->len);

    ngx_queue_insert_tail(&sh->outbox, &e->queue);
    sh->outbox_n++;
    st->stream = stream;
    st->n++;
    sh->outbox_due = 0;

    rc = NGX_OK;

done:

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/*
 * Takes the oldest entry of "stream" that is due and not leased, leased
 * to "lease" (an absolute time), copied into pool.  NGX_OK, NGX_DECLINED
 * (none), NGX_ERROR (no memory in pool: the entry stays as it was).
 */

ngx_int_t
ngx_http_sg_outbox_claim(ngx_http_sg_zone_t *zone, uint32_t stream,
    time_t now, time_t lease, ngx_pool_t *pool, ngx_http_sg_outbound_t *out)
{
    u_char                      *p;
    time_t                       next;
    ngx_int_t                    rc;
    ngx_queue_t                 *q;
    ngx_http_sg_shctx_t         *sh;
    ngx_http_sg_outbox_entry_t  *e;

    sh = zone->sh;

    if (sh->outbox_n == 0 || now < sh->outbox_due) {
        return NGX_DECLINED;
    }

    rc = NGX_DECLINED;
    next = NGX_MAX_TIME_T_VALUE;

    ngx_shmtx_lock(&zone->shpool->mutex);

    for (q = ngx_queue_head(&sh->outbox);
         q != ngx_queue_sentinel(&sh->outbox);
         q = ngx_queue_next(q))
    {
        e = ngx_queue_data(q, ngx_http_sg_outbox_entry_t, queue);

        if (e->due > now || e->lease > now) {
            next = ngx_min(next, ngx_max(e->due, e->lease));
            continue;
        }

        if (e->stream != stream) {
            next = now;
            continue;
        }

        p = ngx_pnalloc(pool, e->len);
        if (p == NULL) {
            rc = NGX_ERROR;
            break;
        }

        ngx_memcpy(p, e->data, e->len);

        out->id = e->id;
        out->stream = e->stream;
        out->attempts = e->attempts;
        out->set.data = p;
        out->set.len = e->len;

        e->lease = lease;

        rc = NGX_OK;
        break;
    }

    /* nothing for anyone before "next": the senders can skip till then */

    if (rc == NGX_DECLINED) {
        sh->outbox_due = next;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/*
 * The attempt on entry "id" is over: due 0 removes it (sent, or given
 * up), else it is tried again from "due", counted as an attempt if
 * "failed" (not when it could not even be made).  An entry
 * already gone (taken again after its lease and settled) is left alone.
 */

void
ngx_http_sg_outbox_settle(ngx_http_sg_zone_t *zone, uint64_t id, time_t due,
    ngx_uint_t failed)
{
    ngx_http_sg_shctx_t         *sh;
    ngx_http_sg_outbox_entry_t  *e;

    sh = zone->sh;

    ngx_shmtx_lock(&zone->shpool->mutex);

    e = ngx_http_sg_outbox_get(sh, id);

    if (e != NULL) {

        if (due == 0) {
            ngx_http_sg_outbox_remove(zone, e);

        } else {
            e->attempts += failed ? 1 : 0;
            e->due = due;
            e->lease = 0;
            sh->outbox_due = ngx_min(sh->outbox_due, due);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* without the lock: may anything be due now (a hint, never a promise)? */

ngx_uint_t
ngx_http_sg_outbox_due(ngx_http_sg_zone_t *zone, time_t now)
{
    ngx_http_sg_shctx_t  *sh;

    sh = zone->sh;

    return sh != NULL && sh->outbox_n != 0 && now >= sh->outbox_due;
}


ngx_uint_t
ngx_http_sg_outbox_size(ngx_http_sg_zone_t *zone)
{
    return (zone == NULL || zone->sh == NULL) ? 0 : zone->sh->outbox_n;
}


static ngx_http_sg_outbox_entry_t *
ngx_http_sg_outbox_get(ngx_http_sg_shctx_t *sh, uint64_t id)
{
    ngx_queue_t                 *q;
    ngx_http_sg_outbox_entry_t  *e;

    for (q = ngx_queue_head(&sh->outbox);
         q != ngx_queue_sentinel(&sh->outbox);
         q = ngx_queue_next(q))
    {
        e = ngx_queue_data(q, ngx_http_sg_outbox_entry_t, queue);

        if (e->id == id) {
            return e;
        }
    }

    return NULL;
}


/*
 * When the workers start: drop the entries of streams that no
 * transmitter of this configuration has (streams[] of n tags); *dropped
 * gets how many.
 */

void
ngx_http_sg_outbox_prune(ngx_http_sg_zone_t *zone, uint32_t *streams,
    ngx_uint_t n, ngx_uint_t *dropped)
{
    ngx_uint_t                   i, count;
    ngx_queue_t                 *q, *next;
    ngx_http_sg_shctx_t         *sh;
    ngx_http_sg_outbox_entry_t  *e;

    count = 0;
    sh = zone->sh;

    ngx_shmtx_lock(&zone->shpool->mutex);

    for (q = ngx_queue_head(&sh->outbox);
         q != ngx_queue_sentinel(&sh->outbox);
         q = next)
    {
        next = ngx_queue_next(q);
        e = ngx_queue_data(q, ngx_http_sg_outbox_entry_t, queue);

        for (i = 0; i < n; i++) {
            if (streams[i] == e->stream) {
                break;
            }
        }

        if (i == n) {
            ngx_http_sg_outbox_remove(zone, e);
            count++;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    *dropped = count;
}


/* with the mutex held */

static void
ngx_http_sg_outbox_remove(ngx_http_sg_zone_t *zone,
    ngx_http_sg_outbox_entry_t *e)
{
    ngx_http_sg_shctx_t          *sh;
    ngx_http_sg_outbox_stream_t  *st;

    sh = zone->sh;

    st = ngx_http_sg_outbox_stream(sh, e->stream, 0);

    if (st && st->n) {
        st->n--;
    }

    ngx_queue_remove(&e->queue);
    sh->outbox_n--;
    ngx_slab_free_locked(zone->shpool, e);
}


/* the stream's slot, or with "create" a free one; NULL: none */

static ngx_http_sg_outbox_stream_t *
ngx_http_sg_outbox_stream(ngx_http_sg_shctx_t *sh, uint32_t stream,
    ngx_uint_t create)
{
    ngx_uint_t                    i;
    ngx_http_sg_outbox_stream_t  *st, *free;

    free = NULL;

    for (i = 0; i < NGX_HTTP_SG_OUTBOX_STREAMS; i++) {
        st = &sh->outbox_streams[i];

        if (st->n && st->stream == stream) {
            return st;
        }

        if (st->n == 0 && free == NULL) {
            free = st;
        }
    }

    return create ? free : NULL;
}

