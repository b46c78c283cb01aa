
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A session record between its form in the zone (ngx_http_sg_node_t,
 * 32-bit times, the packed bind) and the one the core works on
 * (ngx_sg_record_t).  With the mutex held, as every ngx_http_sg_shm_*().
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


static void ngx_http_sg_pack_bind(ngx_sg_bind_t *b,
    ngx_http_sg_pbind_t *pb);
static void ngx_http_sg_unpack_bind(ngx_http_sg_pbind_t *pb,
    ngx_sg_bind_t *b);


static void
ngx_http_sg_pack_bind(ngx_sg_bind_t *b, ngx_http_sg_pbind_t *pb)
{
    pb->ua = b->ua;
    pb->ja4 = b->ja4;
    pb->asn = b->asn;
    pb->lat = b->lat;
    pb->lon = b->lon;
    pb->family = b->ip.family;
    pb->has_loc = b->has_loc;
    pb->country[0] = b->country[0];
    pb->country[1] = b->country[1];
    ngx_memcpy(pb->addr, b->ip.addr, 16);
}


static void
ngx_http_sg_unpack_bind(ngx_http_sg_pbind_t *pb, ngx_sg_bind_t *b)
{
    b->ua = pb->ua;
    b->ja4 = pb->ja4;
    b->asn = pb->asn;
    b->lat = pb->lat;
    b->lon = pb->lon;
    b->ip.family = pb->family;
    b->has_loc = pb->has_loc;
    b->country[0] = pb->country[0];
    b->country[1] = pb->country[1];
    ngx_memcpy(b->ip.addr, pb->addr, 16);
}


/*
 * Everything but "revoked", which only ngx_http_sg_shm_revoke() sets, and
 * the flags NGX_SG_REC_UNAUTH (it is counted) and NGX_SG_REC_DETAILS (the
 * node's size), which only ngx_http_sg_shm_create() does.
 */

void
ngx_http_sg_shm_pack(ngx_sg_record_t *rec, ngx_http_sg_node_t *sn)
{
    sn->created = ngx_http_sg_t32(rec->created);
    sn->updated = ngx_http_sg_t32(rec->updated);
    sn->last_seen = ngx_http_sg_t32(rec->last_seen);
    sn->expires = ngx_http_sg_t32(rec->expires);
    sn->idle_timeout = ngx_http_sg_t32(rec->idle_timeout);
    sn->auth_time = ngx_http_sg_t32(rec->auth_time);
    sn->token_exp = ngx_http_sg_t32(rec->token_exp);
    sn->loc_time = ngx_http_sg_t32(rec->loc_time);
    sn->revoked_at = ngx_http_sg_t32(rec->revoked_at);
    sn->step_up_since = ngx_http_sg_t32(rec->step_up_since);
    sn->claims_since = rec->claims_since;
    sn->assurance_ns = rec->assurance_ns;
    sn->assurance = rec->assurance;
    sn->assurance_since = rec->assurance_since;
    sn->cond_ok = rec->cond_ok;
    sn->risk_until = rec->risk_until;
    sn->risk_score = rec->risk_score;
    sn->risk_acts = rec->risk_acts;

    ngx_http_sg_pack_bind(&rec->initial, &sn->initial);
    ngx_http_sg_pack_bind(&rec->last, &sn->last);

    sn->revoke_reason = rec->revoke_reason;
    sn->cookie_mode = rec->cookie_mode;
    sn->flags = (u_char) ((sn->flags & (NGX_SG_REC_UNAUTH|NGX_SG_REC_DETAILS))
                          | (rec->flags
                             & ~(NGX_SG_REC_UNAUTH|NGX_SG_REC_DETAILS)));
}


void
ngx_http_sg_shm_unpack(ngx_http_sg_node_t *sn, ngx_sg_record_t *rec)
{
    ngx_memzero(rec, sizeof(ngx_sg_record_t));

    rec->created = sn->created;
    rec->updated = sn->updated;
    rec->last_seen = sn->last_seen;
    rec->expires = sn->expires;
    rec->idle_timeout = sn->idle_timeout;
    rec->auth_time = sn->auth_time;
    rec->token_exp = sn->token_exp;
    rec->loc_time = sn->loc_time;
    rec->revoked_at = sn->revoked_at;
    rec->step_up_since = sn->step_up_since;
    rec->claims_since = sn->claims_since;
    rec->assurance_ns = sn->assurance_ns;
    rec->assurance = sn->assurance;
    rec->assurance_since = sn->assurance_since;
    rec->cond_ok = sn->cond_ok;
    rec->risk_until = sn->risk_until;
    rec->risk_score = sn->risk_score;
    rec->risk_acts = sn->risk_acts;

    ngx_http_sg_unpack_bind(&sn->initial, &rec->initial);
    ngx_http_sg_unpack_bind(&sn->last, &rec->last);

    rec->revoked = sn->revoked;
    rec->revoke_reason = sn->revoke_reason;
    rec->cookie_mode = sn->cookie_mode;
    rec->flags = sn->flags;
}
