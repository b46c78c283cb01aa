
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Sessions' details (session_guard_zone ... details=on): beside each
 * session's record, in the same allocation (ngx_http_sg_node_details()),
 * the user agent it began with and the last one accepted, its client, the
 * city of its last accepted request and its last accepted contexts.  They
 * inform (the API, events, variables); the risk engine judges hashes.
 *
 * Written in two steps, both under the zone's lock: the first user agent
 * and the client when the session is created; the rest once the final
 * verdict allowed a request, and only when it differs from the copy the
 * request took out (ngx_http_sg_details_changed()), so that a session
 * whose context stays the same costs no second lock.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


static void ngx_http_sg_details_set(u_char *buf, u_char *len, size_t max,
    ngx_str_t *v);
static ngx_uint_t ngx_http_sg_details_moved(ngx_sg_context_t *c,
    ngx_sg_bind_t *cur);


static void
ngx_http_sg_details_set(u_char *buf, u_char *len, size_t max, ngx_str_t *v)
{
    size_t  n;

    n = ngx_min(v->len, max);

    if (n) {
        ngx_memcpy(buf, v->data, n);
    }

    *len = (u_char) n;
}


void
ngx_http_sg_shm_details_begin(ngx_http_sg_node_t *sn,
    ngx_http_sg_detail_in_t *in)
{
    ngx_sg_details_t  *d;

    d = ngx_http_sg_node_details(sn);

    ngx_http_sg_details_set(d->ua_initial, &d->ua_initial_len,
                            NGX_SG_DETAIL_UA, &in->ua);
    ngx_http_sg_details_set(d->client, &d->client_len,
                            NGX_SG_DETAIL_CLIENT, &in->client);
}


/* the newest context is another address, network or country than cur */

static ngx_uint_t
ngx_http_sg_details_moved(ngx_sg_context_t *c, ngx_sg_bind_t *cur)
{
    ngx_sg_bind_t  b;

    if (c->at == 0) {
        return 1;
    }

    /* compared as the signals are, unknown values being no move */

    ngx_memzero(&b, sizeof(ngx_sg_bind_t));

    b.ip.family = c->family;
    ngx_memcpy(b.ip.addr, c->addr, 16);
    b.asn = c->asn;
    b.country[0] = c->country[0];
    b.country[1] = c->country[1];

    return ngx_sg_risk_changed(&b, cur, (1 << NGX_SG_SIG_IP)
                                        | (1 << NGX_SG_SIG_ASN)
                                        | (1 << NGX_SG_SIG_COUNTRY))
           != 0;
}


/* whether ngx_http_sg_zone_details() has anything to write */

ngx_uint_t
ngx_http_sg_details_changed(ngx_sg_details_t *d, ngx_http_sg_detail_in_t *in)
{
    size_t  n;

    n = ngx_min(in->ua.len, NGX_SG_DETAIL_UA);

    if (d->ua_last_len != n
        || (n && ngx_memcmp(d->ua_last, in->ua.data, n) != 0))
    {
        return 1;
    }

    n = ngx_min(in->city.len, NGX_SG_DETAIL_CITY);

    if (n && (d->city_len != n || ngx_memcmp(d->city, in->city.data, n) != 0))
    {
        return 1;
    }

    if (d->client_len == 0 && in->client.len) {
        return 1;
    }

    return ngx_http_sg_details_moved(&d->history[0], &in->cur);
}


/*
 * After the final verdict allowed the request: the last user agent and
 * city, a client the session had none of, and a new newest context when
 * the address, network or country moved (the oldest falls off).  NGX_OK,
 * or NGX_DECLINED: the session is gone, revoked, or has no details.
 */

ngx_int_t
ngx_http_sg_zone_details(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_http_sg_detail_in_t *in)
{
    time_t               now;
    uint32_t             hash;
    ngx_sg_context_t    *c;
    ngx_sg_details_t    *d;
    ngx_http_sg_node_t  *sn;

    if (id->len == 0 || id->len > NGX_SG_ID_MAX) {
        return NGX_DECLINED;
    }

    now = ngx_time();
    hash = ngx_http_sg_shm_hash(zone, id);

    ngx_shmtx_lock(&zone->shpool->mutex);

    sn = ngx_http_sg_shm_find(zone, id, hash, now);

    if (sn == NULL || sn->revoked || !(sn->flags & NGX_SG_REC_DETAILS)) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    d = ngx_http_sg_node_details(sn);

    ngx_http_sg_details_set(d->ua_last, &d->ua_last_len, NGX_SG_DETAIL_UA,
                            &in->ua);

    if (in->city.len) {
        ngx_http_sg_details_set(d->city, &d->city_len, NGX_SG_DETAIL_CITY,
                                &in->city);
    }

    if (d->client_len == 0) {
        ngx_http_sg_details_set(d->client, &d->client_len,
                                NGX_SG_DETAIL_CLIENT, &in->client);
    }

    if (ngx_http_sg_details_moved(&d->history[0], &in->cur)) {
        ngx_memmove(&d->history[1], &d->history[0],
                    (NGX_SG_DETAIL_HISTORY - 1) * sizeof(ngx_sg_context_t));

        c = &d->history[0];

        ngx_memzero(c, sizeof(ngx_sg_context_t));

        c->at = ngx_http_sg_t32(now);
        c->family = in->cur.ip.family;
        ngx_memcpy(c->addr, in->cur.ip.addr, 16);

        /* the values the record keeps when this request's are unknown */

        c->asn = in->cur.asn ? in->cur.asn : d->history[1].asn;

        if (in->cur.country[0]) {
            c->country[0] = in->cur.country[0];
            c->country[1] = in->cur.country[1];

        } else {
            c->country[0] = d->history[1].country[0];
            c->country[1] = d->history[1].country[1];
        }
    }

    zone->sh->generation++;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}
