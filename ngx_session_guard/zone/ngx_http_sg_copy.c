
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Sessions copied out of the zone: one by its id, a subject's all, and
 * the copy helpers every path that answers with a session uses.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


/* a subject's sessions listed: measured first, then copied */

typedef struct {
    ngx_array_t                *sessions;   /* NULL: only measure */
    ngx_uint_t                  n;          /* sessions measured */
    size_t                      bytes;      /* their ids */
    ngx_str_t                   sub;        /* the copies' subject */
    u_char                     *pos;        /* where the next id goes */
    u_char                     *last;
} ngx_http_sg_list_t;



static void ngx_http_sg_list_locked(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    time_t now, ngx_http_sg_list_t *ls);


/* copies out under the lock, into caller's buffers of the maximum sizes */

void
ngx_http_sg_shm_copy_locked(ngx_http_sg_zone_t *zone, ngx_http_sg_node_t *sn,
    ngx_http_sg_session_t *out, u_char *idbuf, u_char *subbuf,
    ngx_sg_details_t *dbuf)
{
    ngx_http_sg_subject_t  *st;

    out->details = NULL;

    /* a zone that no longer keeps them (a reload) shows none either */

    if (dbuf && zone->details && (sn->flags & NGX_SG_REC_DETAILS)) {
        ngx_memcpy(dbuf, ngx_http_sg_node_details(sn),
                   sizeof(ngx_sg_details_t));
        out->details = dbuf;
    }

    ngx_http_sg_shm_unpack(sn, &out->rec);

    out->id.len = sn->len;
    out->id.data = idbuf;
    ngx_memcpy(idbuf, sn->data, sn->len);

    st = ngx_http_sg_shm_subject(zone, sn);

    out->sub.len = st ? st->len : 0;
    out->sub.data = subbuf;

    if (st) {
        ngx_memcpy(subbuf, st->data, st->len);
    }
}


/* moves the strings of out from stack buffers into the pool */

ngx_int_t
ngx_http_sg_shm_copy_out(ngx_pool_t *pool, ngx_http_sg_session_t *out)
{
    u_char            *p;
    ngx_sg_details_t  *d;

    p = ngx_pnalloc(pool, out->id.len + out->sub.len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, out->id.data, out->id.len);
    out->id.data = p;

    p += out->id.len;

    ngx_memcpy(p, out->sub.data, out->sub.len);
    out->sub.data = p;

    if (out->details) {
        d = ngx_palloc(pool, sizeof(ngx_sg_details_t));
        if (d == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(d, out->details, sizeof(ngx_sg_details_t));
        out->details = d;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_zone_find(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_uint_t details, ngx_pool_t *pool, ngx_http_sg_session_t *out)
{
    u_char               idbuf[NGX_SG_ID_MAX];
    u_char               subbuf[NGX_SG_SUB_MAX];
    uint32_t             hash;
    ngx_sg_details_t     dbuf;
    ngx_http_sg_node_t  *sn;

    ngx_memzero(out, sizeof(ngx_http_sg_session_t));

    if (id->len == 0 || id->len > NGX_SG_ID_MAX) {
        return NGX_DECLINED;
    }

    hash = ngx_http_sg_shm_hash(zone, id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    sn = ngx_http_sg_shm_find(zone, id, hash, ngx_time());

    if (sn == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_http_sg_shm_copy_locked(zone, sn, out, idbuf, subbuf,
                                details ? &dbuf : NULL);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return ngx_http_sg_shm_copy_out(pool, out);
}


/*
 * Two passes: the sizes are taken under the lock, the memory is allocated
 * without it (an allocation failure logs), and the copy is made under the
 * lock again, as much of it as still fits.
 */

ngx_int_t
ngx_http_sg_zone_list(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_pool_t *pool, ngx_array_t **out)
{
    u_char              *subp;
    time_t               now;
    ngx_array_t         *a;
    ngx_http_sg_list_t   ls;

    now = ngx_time();

    ngx_memzero(&ls, sizeof(ngx_http_sg_list_t));

    if (sub->len && sub->len <= NGX_SG_SUB_MAX) {
        ngx_shmtx_lock(&zone->shpool->mutex);
        ngx_http_sg_list_locked(zone, sub, now, &ls);
        ngx_shmtx_unlock(&zone->shpool->mutex);
    }

    a = ngx_array_create(pool, ls.n ? ls.n : 1,
                         sizeof(ngx_http_sg_session_t));
    if (a == NULL) {
        return NGX_ERROR;
    }

    *out = a;

    if (ls.n == 0) {
        return NGX_OK;
    }

    subp = ngx_pnalloc(pool, sub->len + ls.bytes);
    if (subp == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(subp, sub->data, sub->len);

    ls.sessions = a;
    ls.sub.data = subp;
    ls.sub.len = sub->len;
    ls.pos = subp + sub->len;
    ls.last = ls.pos + ls.bytes;

    ngx_shmtx_lock(&zone->shpool->mutex);
    ngx_http_sg_list_locked(zone, sub, now, &ls);
    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


/*
 * The subject's sessions, oldest first, dead ones left out: counted and
 * their ids measured (ls->sessions NULL), or copied, as many as were
 * measured and as fit (the zone may have changed between the two).
 */

static void
ngx_http_sg_list_locked(ngx_http_sg_zone_t *zone, ngx_str_t *sub, time_t now,
    ngx_http_sg_list_t *ls)
{
    u_char                 *base;
    ngx_http_sg_link_t     *l;
    ngx_http_sg_node_t     *sn;
    ngx_http_sg_session_t  *s;
    ngx_http_sg_subject_t  *st;

    st = ngx_http_sg_shm_find_subject(zone, sub);

    if (st == NULL) {
        return;
    }

    base = ngx_http_sg_base(zone);

    for (l = ngx_http_sg_link_first(base, &st->sessions);
         l != &st->sessions;
         l = ngx_http_sg_link(base, l->next))
    {
        sn = ngx_http_sg_data(l, ngx_http_sg_node_t, sq);

        if (ngx_http_sg_dead(sn, now)) {
            continue;
        }

        if (ls->sessions == NULL) {
            ls->n++;
            ls->bytes += sn->len;
            continue;
        }

        if (ls->sessions->nelts == ls->n
            || (size_t) (ls->last - ls->pos) < sn->len)
        {
            break;
        }

        s = ngx_array_push(ls->sessions);    /* preallocated: no allocation */

        ngx_http_sg_shm_unpack(sn, &s->rec);

        s->id.len = sn->len;
        s->id.data = ls->pos;
        ls->pos = ngx_cpymem(ls->pos, sn->data, sn->len);

        s->sub = ls->sub;

        /* a list shows no details: ngx_http_sg_zone_find() does */
        s->details = NULL;
    }
}


/*
 * The ids of the live sessions whose id begins with "prefix" (the logins
 * of session_guard_oidc of one provider session, for a back-channel
 * logout that names no subject): a walk of every live authenticated
 * session under the lock, linear in their number, for rare events only;
 * at most "max" ids, copied into pool.  NGX_OK, or NGX_ERROR (no memory).
 */

ngx_int_t
ngx_http_sg_zone_prefixed(ngx_http_sg_zone_t *zone, u_char *prefix,
    size_t len, ngx_uint_t max, ngx_pool_t *pool, ngx_array_t **out)
{
    u_char              *base;
    ngx_int_t            rc;
    ngx_str_t           *id;
    ngx_array_t         *a;
    ngx_http_sg_link_t  *h, *l;
    ngx_http_sg_node_t  *sn;

    a = ngx_array_create(pool, 4, sizeof(ngx_str_t));
    if (a == NULL) {
        return NGX_ERROR;
    }

    *out = a;
    rc = NGX_OK;

    ngx_shmtx_lock(&zone->shpool->mutex);

    base = ngx_http_sg_base(zone);
    h = &zone->sh->lru;

    for (l = ngx_http_sg_link_first(base, h);
         l != h && a->nelts < max;
         l = ngx_http_sg_link(base, l->next))
    {
        sn = ngx_http_sg_data(l, ngx_http_sg_node_t, queue);

        if (sn->revoked || sn->len <= len
            || ngx_memcmp(sn->data, prefix, len) != 0)
        {
            continue;
        }

        id = ngx_array_push(a);
        if (id == NULL) {
            rc = NGX_ERROR;
            break;
        }

        id->data = ngx_pnalloc(pool, sn->len);
        if (id->data == NULL) {
            rc = NGX_ERROR;
            break;
        }

        id->len = sn->len;
        ngx_memcpy(id->data, sn->data, sn->len);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}
