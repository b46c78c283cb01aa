
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The risk engine: bind each session to where it is used from, detect
 * changes, answer by policy, enforce lifetimes.
 *
 * Per request, after the token (if any) is accepted:
 *
 *     session key -> context (address, ASN, country, location, UA, JA4)
 *     -> actions of every bound signal evaluated (variables allowed)
 *     -> zone: look up or create the record and, under the zone lock,
 *        compare, apply the actions, update it (ngx_http_sg_update)
 *     -> verdict, logged after the lock
 *
 * The record keeps "initial" (first seen) and "last" (last accepted)
 * values; a signal fires when the current value differs from "last", so a
 * change is reported once, when it happens, not on every later request.
 * A request answered with deny or step_up does not move "last".
 */


#include "ngx_http_sg.h"

#include "ngx_sg_geo.h"

#include <openssl/sha.h>


typedef struct {
    time_t                      now;
    ngx_http_sg_bind_t          cur;
    time_t                      token_exp;
    time_t                      auth_time;
    time_t                      absolute;   /* 0: none */
    time_t                      idle;       /* 0: none */
    time_t                      max_lifetime;
    time_t                      shorten;
    ngx_uint_t                  bind;
    ngx_uint_t                  actions[NGX_HTTP_SG_SIG_COUNT];
    ngx_uint_t                  travel_speed;
    ngx_uint_t                  travel_floor;
    ngx_uint_t                  monitor;

    /* results */
    ngx_uint_t                  status;
    ngx_uint_t                  signals;
    ngx_uint_t                  taken;
    ngx_uint_t                  clamped;
    ngx_uint_t                  created;
    ngx_uint_t                  revoked;    /* by this request */
    double                      speed;
} ngx_http_sg_update_t;


static ngx_int_t ngx_http_sg_update(ngx_http_sg_record_t *rec,
    ngx_uint_t created, void *data);
static void ngx_http_sg_set_lifetimes(ngx_http_sg_record_t *rec,
    ngx_http_sg_update_t *u);
static ngx_uint_t ngx_http_sg_signals(ngx_http_sg_record_t *rec,
    ngx_http_sg_update_t *u);
static ngx_int_t ngx_http_sg_actions(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, ngx_uint_t *mask);
static ngx_int_t ngx_http_sg_lifetime_value(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, time_t *out);
static ngx_int_t ngx_http_sg_session_id(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *id);
static void ngx_http_sg_log_decision(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_update_t *u);
static void ngx_http_sg_notify_revoked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);


/*
 * NGX_OK to go on (ctx->status tells the verdict), or an HTTP status for
 * the access handler to return.  NGX_DECLINED: no zone here.
 */

ngx_int_t
ngx_http_sg_session_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    time_t                 t;
    json_t                *claim;
    ngx_int_t              rc;
    ngx_str_t              id, sub;
    ngx_uint_t             i, replace;
    ngx_http_sg_limit_t    limit;
    ngx_http_sg_update_t   u;

    if (slcf->zone == NULL) {
        return NGX_DECLINED;
    }

    rc = ngx_http_sg_session_id(r, slcf, ctx, &id);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        if (slcf->key_missing == NGX_HTTP_SG_KEY_MISSING_PASS) {
            return NGX_DECLINED;
        }

        ctx->status = NGX_HTTP_SG_STATUS_INVALID;
        ctx->reason = "no session key";
        return NGX_OK;
    }

    ngx_memzero(&u, sizeof(ngx_http_sg_update_t));

    u.now = ngx_time();
    u.bind = slcf->bind;
    u.travel_speed = slcf->travel_speed;
    u.travel_floor = slcf->travel_floor;
    u.shorten = slcf->shorten;
    u.monitor = slcf->monitor;
    u.max_lifetime = ngx_http_sg_zone_max_lifetime(slcf->zone);

    ngx_str_null(&sub);

    if (ctx->verified && ctx->jws.payload) {
        claim = json_object_get(ctx->jws.payload, "sub");
        if (json_is_string(claim)) {
            sub.data = (u_char *) json_string_value(claim);
            sub.len = json_string_length(claim);

            if (ngx_http_sg_session_name(r->pool, &sub, NGX_HTTP_SG_SUB_MAX,
                                         &sub)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

        if (ngx_sg_json_time(json_object_get(ctx->jws.payload, "exp"), &t)
            == NGX_OK)
        {
            u.token_exp = t + slcf->leeway;
        }

        if (ngx_sg_json_time(json_object_get(ctx->jws.payload, "auth_time"),
                             &t)
            == NGX_OK)
        {
            u.auth_time = t;
        }
    }

    if (ngx_http_sg_context(r, slcf, ctx, &u.cur) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < NGX_HTTP_SG_SIG_COUNT; i++) {
        u.actions[i] = NGX_HTTP_SG_ACT_LOG;

        if (slcf->on_change[i]
            && ngx_http_sg_actions(r, slcf->on_change[i], &u.actions[i])
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ngx_http_sg_lifetime_value(r, slcf->absolute, &u.absolute) != NGX_OK
        || ngx_http_sg_lifetime_value(r, slcf->idle, &u.idle) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (u.max_lifetime && (u.absolute == 0 || u.absolute > u.max_lifetime))
    {
        u.clamped = (u.absolute > u.max_lifetime);
        u.absolute = u.max_lifetime;
    }

    if (u.max_lifetime && u.idle > u.max_lifetime) {
        u.clamped = 1;
        u.idle = u.max_lifetime;
    }

    u.status = NGX_HTTP_SG_STATUS_ALLOW;

    /*
     * Monitor mode never revokes: replace_oldest is only tried as "deny",
     * and at the limit the session is created without replacing any.
     */

    /*
     * The unauthenticated share holds every record whose key the client
     * chose: without a verified token, and also with one when the key is
     * a configured value (an application's cookie), or one valid account
     * could fill the zone with made-up keys turned into revocations.
     */

    limit = slcf->limit;
    limit.unauth = !ctx->verified || slcf->session_key != NULL;
    replace = 0;

    if (u.monitor && limit.max_sessions && limit.replace_oldest) {
        limit.replace_oldest = 0;
        replace = 1;
    }

    rc = ngx_http_sg_zone_session(slcf->zone, &id, &sub, &limit,
                                  ngx_http_sg_update, &u, r->pool,
                                  &ctx->session, &ctx->evicted);

    if (rc == NGX_DECLINED && replace) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: session \"%V\" of \"%V\": "
                      "max_sessions reached, the oldest session would be "
                      "replaced (monitor mode)",
                      ngx_http_sg_log_str(r, &id),
                      ngx_http_sg_log_str(r, &sub));

        limit.max_sessions = 0;

        rc = ngx_http_sg_zone_session(slcf->zone, &id, &sub, &limit,
                                      ngx_http_sg_update, &u, r->pool,
                                      &ctx->session, &ctx->evicted);
    }

    if (ctx->evicted) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: zone \"%V\" is full: %ui least "
                      "recently used sessions evicted",
                      ngx_http_sg_zone_name(slcf->zone), ctx->evicted);
    }

    if (rc == NGX_BUSY) {
        /* a flood of made-up keys, or a share too small: never a token's */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: zone \"%V\": the unauthenticated "
                      "share holds only revoked and ended sessions, a new "
                      "unauthenticated session is refused",
                      ngx_http_sg_zone_name(slcf->zone));
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "zone full";
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store session "
                      "\"%V\": refused", ngx_http_sg_zone_name(slcf->zone),
                      ngx_http_sg_log_str(r, &id));
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "zone full";
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        u.status = NGX_HTTP_SG_STATUS_LIMITED;
    }

    ctx->has_session = (rc == NGX_OK);
    ctx->created = u.created;
    ctx->signals = u.signals;
    ctx->actions = u.taken;
    ctx->clamped = u.clamped;
    ctx->status = u.status;

    switch (u.status) {
    case NGX_HTTP_SG_STATUS_REVOKED:
        ctx->reason = "session revoked";
        break;
    case NGX_HTTP_SG_STATUS_EXPIRED:
        ctx->reason = "session expired";
        break;
    case NGX_HTTP_SG_STATUS_STEP_UP:
        ctx->reason = "step-up required";
        break;
    case NGX_HTTP_SG_STATUS_LIMITED:
        ctx->reason = "too many sessions";
        break;
    case NGX_HTTP_SG_STATUS_DENY:
        ctx->reason = "policy deny";
        break;
    default:
        break;
    }

    ngx_http_sg_log_decision(r, ctx, &u);

    if (u.revoked && ctx->has_session) {
        ngx_http_sg_notify_revoked(r, slcf, ctx);
    }

    return NGX_OK;
}


/* the applications learn of a revocation by policy (or an ended life) */

static void
ngx_http_sg_notify_revoked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    ngx_http_sg_notify_send(r, slcf, slcf->zone, &ctx->session.id,
                            &ctx->session.sub, NGX_HTTP_SG_REVOKED_POLICY,
                            ngx_http_sg_revoke_reason_name(
                                &ctx->session.rec));
}


/*
 * The update, under the zone lock: compare, act, update.  No logging, no
 * allocation.
 */

static ngx_int_t
ngx_http_sg_update(ngx_http_sg_record_t *rec, ngx_uint_t created,
    void *data)
{
    ngx_http_sg_update_t *u = data;

    ngx_uint_t           i, acts, enforce;
    ngx_http_sg_bind_t   last;

    enforce = !u->monitor;

    if (u->token_exp > rec->token_exp) {
        rec->token_exp = u->token_exp;
    }

    /*
     * Nothing bounds how long the id may be replayed: without a token (an
     * application's cookie) at all, and with one too, since a refreshed
     * token carries the same "sid" with a later "exp".  Keep the record,
     * and so its verdict, for the zone's max_lifetime after its last use,
     * else an ended session could be reclaimed once the tokens seen with
     * it expire, and the same cookie or sid would start a fresh one.
     */

    if (rec->token_exp < u->now + u->max_lifetime) {
        rec->token_exp = u->now + u->max_lifetime;
    }

    if (created) {
        u->created = 1;
        rec->initial = u->cur;
        rec->last = u->cur;
        rec->last_seen = u->now;
        rec->updated = u->now;
        rec->loc_time = u->now;
        rec->auth_time = u->auth_time;
        rec->cookie_mode = NGX_HTTP_SG_COOKIE_PERSISTENT;

        ngx_http_sg_set_lifetimes(rec, u);

        return NGX_OK;
    }

    if (rec->revoked) {
        /* an ended lifetime keeps being reported as such */
        u->status = (rec->revoked == NGX_HTTP_SG_REVOKED_POLICY
                     && rec->revoke_reason >= NGX_HTTP_SG_REASON_EXPIRED)
                    ? NGX_HTTP_SG_STATUS_EXPIRED
                    : NGX_HTTP_SG_STATUS_REVOKED;
        return NGX_OK;
    }

    /* lifetimes: set per request from variables, never extended */

    ngx_http_sg_set_lifetimes(rec, u);

    if ((rec->expires && u->now >= rec->expires)
        || (rec->idle_timeout
            && u->now - rec->last_seen > rec->idle_timeout))
    {
        u->status = NGX_HTTP_SG_STATUS_EXPIRED;

        if (enforce) {
            /* refused from now on, for as long as its tokens live */
            rec->revoked = NGX_HTTP_SG_REVOKED_POLICY;
            rec->revoke_reason = (rec->expires && u->now >= rec->expires)
                                 ? NGX_HTTP_SG_REASON_EXPIRED
                                 : NGX_HTTP_SG_REASON_IDLE;
            rec->revoked_at = u->now;
            rec->updated = u->now;
            u->revoked = 1;

            if (rec->token_exp < u->now + u->max_lifetime) {
                rec->token_exp = u->now + u->max_lifetime;
            }

            return NGX_OK;
        }
    }

    u->signals = ngx_http_sg_signals(rec, u);

    acts = 0;

    for (i = 0; i < NGX_HTTP_SG_SIG_COUNT; i++) {
        if (u->signals & ((ngx_uint_t) 1 << i)) {
            acts |= u->actions[i];
        }
    }

    /* a pending step-up holds until the user authenticates again */

    if (rec->step_up_since && u->auth_time <= rec->step_up_since) {
        acts |= NGX_HTTP_SG_ACT_STEP_UP;
    }

    u->taken = acts;

    if (acts & NGX_HTTP_SG_ACT_REVOKE) {
        u->status = NGX_HTTP_SG_STATUS_REVOKED;

        if (enforce) {
            for (i = 0; i < NGX_HTTP_SG_SIG_COUNT; i++) {
                if ((u->signals & ((ngx_uint_t) 1 << i))
                    && (u->actions[i] & NGX_HTTP_SG_ACT_REVOKE))
                {
                    rec->revoke_reason = (u_char) i;
                    break;
                }
            }

            rec->revoked = NGX_HTTP_SG_REVOKED_POLICY;
            rec->revoked_at = u->now;
            rec->updated = u->now;
            u->revoked = 1;

            if (rec->token_exp < u->now + u->max_lifetime) {
                rec->token_exp = u->now + u->max_lifetime;
            }

            return NGX_OK;
        }

    } else if (acts & NGX_HTTP_SG_ACT_DENY) {
        u->status = NGX_HTTP_SG_STATUS_DENY;

        if (enforce) {
            return NGX_OK;
        }
    }

    if ((acts & NGX_HTTP_SG_ACT_STEP_UP)
        && u->status == NGX_HTTP_SG_STATUS_ALLOW)
    {
        if (rec->step_up_since && u->auth_time > rec->step_up_since) {
            /* authenticated again since it was asked: satisfied */
            rec->step_up_since = 0;

        } else {
            u->status = NGX_HTTP_SG_STATUS_STEP_UP;

            if (enforce) {
                if (rec->step_up_since == 0) {
                    rec->step_up_since = u->now;
                    rec->updated = u->now;
                }

                return NGX_OK;
            }
        }
    }

    /*
     * Here the request goes through.  In monitor mode a request that
     * would have been refused changes nothing: else it would accept the
     * new context for every location that shares the zone, enforcing ones
     * included (the change is then reported again on the next request).
     */

    if (!enforce && u->status != NGX_HTTP_SG_STATUS_ALLOW) {
        return NGX_OK;
    }

    if (enforce && (acts & NGX_HTTP_SG_ACT_SHORTEN)) {
        rec->flags |= NGX_HTTP_SG_REC_SHORTENED;
        ngx_http_sg_set_lifetimes(rec, u);
    }

    if (enforce && (acts & NGX_HTTP_SG_ACT_NON_PERSISTENT)) {
        rec->cookie_mode = NGX_HTTP_SG_COOKIE_NON_PERSISTENT;
    }

    /* accepted: the current context becomes the last one */

    if (u->signals || rec->auth_time < u->auth_time) {
        rec->updated = u->now;
    }

    if (u->auth_time > rec->auth_time) {
        rec->auth_time = u->auth_time;
    }

    if (u->cur.has_loc) {
        rec->loc_time = u->now;
    }

    /*
     * An unknown value (no ASN, country or location for this address, no
     * fingerprint) keeps the last known one: else a request from where it
     * is unknown would make the next change undetectable.
     */

    last = u->cur;

    if (last.asn == 0) {
        last.asn = rec->last.asn;
    }

    if (last.country[0] == 0) {
        last.country[0] = rec->last.country[0];
        last.country[1] = rec->last.country[1];
    }

    if (!last.has_loc) {
        last.has_loc = rec->last.has_loc;
        last.lat = rec->last.lat;
        last.lon = rec->last.lon;
    }

    if (last.ja4 == 0) {
        last.ja4 = rec->last.ja4;
    }

    rec->last = last;
    rec->last_seen = u->now;

    return NGX_OK;
}


/*
 * Absolute expiry from the creation time, idle timeout: from the values of
 * this request, never extending the record's; after "shorten", capped.
 */

static void
ngx_http_sg_set_lifetimes(ngx_http_sg_record_t *rec, ngx_http_sg_update_t *u)
{
    time_t  expires, idle;

    if (u->absolute) {
        expires = rec->created + u->absolute;

        if (rec->expires == 0 || expires < rec->expires) {
            rec->expires = expires;
        }
    }

    /* nor lifted by a request with a longer idle timeout, or none */

    idle = u->idle;

    if (rec->idle_timeout && (idle == 0 || idle > rec->idle_timeout)) {
        idle = rec->idle_timeout;
    }

    if (rec->flags & NGX_HTTP_SG_REC_SHORTENED) {
        if (rec->expires == 0 || rec->expires > u->now + u->shorten) {
            rec->expires = u->now + u->shorten;
        }

        if (idle == 0 || idle > u->shorten) {
            idle = u->shorten;
        }
    }

    rec->idle_timeout = idle;
}


static ngx_uint_t
ngx_http_sg_signals(ngx_http_sg_record_t *rec, ngx_http_sg_update_t *u)
{
    ngx_uint_t            fired;
    ngx_sg_geo_point_t    from, to;
    ngx_http_sg_bind_t   *last, *cur;
    ngx_sg_geo_travel_t   travel;

    last = &rec->last;
    cur = &u->cur;
    fired = 0;

    if ((u->bind & (1 << NGX_HTTP_SG_SIG_IP))
        && (cur->ip.family != last->ip.family
            || ngx_memcmp(cur->ip.addr, last->ip.addr, 16) != 0))
    {
        fired |= 1 << NGX_HTTP_SG_SIG_IP;
    }

    /* unknown on either side is no change: nothing to compare */

    if ((u->bind & (1 << NGX_HTTP_SG_SIG_ASN))
        && cur->asn && last->asn && cur->asn != last->asn)
    {
        fired |= 1 << NGX_HTTP_SG_SIG_ASN;
    }

    if ((u->bind & (1 << NGX_HTTP_SG_SIG_COUNTRY))
        && cur->country[0] && last->country[0]
        && (cur->country[0] != last->country[0]
            || cur->country[1] != last->country[1]))
    {
        fired |= 1 << NGX_HTTP_SG_SIG_COUNTRY;
    }

    if ((u->bind & (1 << NGX_HTTP_SG_SIG_UA)) && cur->ua != last->ua) {
        fired |= 1 << NGX_HTTP_SG_SIG_UA;
    }

    if ((u->bind & (1 << NGX_HTTP_SG_SIG_JA4))
        && cur->ja4 && last->ja4 && cur->ja4 != last->ja4)
    {
        fired |= 1 << NGX_HTTP_SG_SIG_JA4;
    }

    if ((u->bind & (1 << NGX_HTTP_SG_SIG_TRAVEL))
        && cur->has_loc && last->has_loc)
    {
        from.latitude = last->lat;
        from.longitude = last->lon;
        from.time = rec->loc_time;
        to.latitude = cur->lat;
        to.longitude = cur->lon;
        to.time = u->now;

        if (ngx_sg_geo_travel(&from, &to, (double) u->travel_speed,
                              (double) u->travel_floor, &travel)
            == NGX_OK
            && travel.impossible)
        {
            fired |= 1 << NGX_HTTP_SG_SIG_TRAVEL;
            u->speed = travel.speed;
        }
    }

    return fired;
}


static ngx_int_t
ngx_http_sg_session_id(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *id)
{
    json_t  *claim;

    if (slcf->session_key) {
        if (ngx_http_complex_value(r, slcf->session_key, id) != NGX_OK) {
            return NGX_ERROR;
        }

        /* a duplicated $cookie_ key: refused by ngx_http_sg_cookie_guard() */

    } else {
        if (!ctx->verified || ctx->jws.payload == NULL) {
            return NGX_DECLINED;
        }

        claim = json_object_get(ctx->jws.payload, "sid");
        if (!json_is_string(claim)) {
            return NGX_DECLINED;
        }

        id->data = (u_char *) json_string_value(claim);
        id->len = json_string_length(claim);
    }

    if (id->len == 0) {
        return NGX_DECLINED;
    }

    /*
     * A key given as a value (the application's session cookie...) is a
     * credential the client presents: the zone, and so the state file, the
     * logs, the events and the API, only ever see its digest.  A "sid"
     * claim is an identifier, not a secret, and is kept as it is unless it
     * is too long for a record.
     */

    return ngx_http_sg_session_name(r->pool, id,
                                    slcf->session_key ? 0 : NGX_HTTP_SG_ID_MAX,
                                    id);
}


/*
 * "sha256:" and the base64url SHA-256 of the key (unpadded, 43 bytes):
 * NGX_HTTP_SG_ID_DIGEST_LEN bytes, short enough that a record with it
 * stays in the zone's 256-byte slab class.
 */

void
ngx_http_sg_session_digest(ngx_str_t *key, u_char *out)
{
    u_char     digest[32];
    ngx_str_t  src, dst;

    (void) SHA256(key->data, key->len, digest);

    out = ngx_cpymem(out, "sha256:", sizeof("sha256:") - 1);

    src.data = digest;
    src.len = 32;
    dst.data = out;

    ngx_encode_base64url(&dst, &src);
}


/*
 * The zone's name for a "sid" or "sub" claim: the value as it is up to max
 * bytes, its digest beyond (max 0: always the digest, as for a key given
 * as a value).  Every path that names a session or a subject
 * from a token (the access handler, the back-channel logout) goes through
 * here, so that a long identifier is never refused by one and accepted by
 * the other, and two long ones that share their first max bytes are never
 * taken for each other.  out may be value; the digest is allocated from
 * the pool.
 */

ngx_int_t
ngx_http_sg_session_name(ngx_pool_t *pool, ngx_str_t *value, size_t max,
    ngx_str_t *out)
{
    u_char  *p;

    /*
     * One that looks like a digest is named by its own digest too, so that
     * it can never be taken for a digest name: a cookie's, or another
     * identifier's that is too long.
     */

    if (value->len <= max
        && (value->len < sizeof("sha256:") - 1
            || ngx_strncmp(value->data, "sha256:", sizeof("sha256:") - 1)
               != 0))
    {
        *out = *value;
        return NGX_OK;
    }

    p = ngx_pnalloc(pool, NGX_HTTP_SG_ID_DIGEST_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_http_sg_session_digest(value, p);

    out->data = p;
    out->len = NGX_HTTP_SG_ID_DIGEST_LEN;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_actions(ngx_http_request_t *r, ngx_http_complex_value_t *cv,
    ngx_uint_t *mask)
{
    ngx_str_t  value;

    if (ngx_http_complex_value(r, cv, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_sg_parse_actions(&value, mask) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: invalid actions \"%V\"",
                      ngx_http_sg_log_str(r, &value));
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* a lifetime from a variable: "8h", "15m", "3600"; empty: none */

static ngx_int_t
ngx_http_sg_lifetime_value(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, time_t *out)
{
    time_t     t;
    ngx_str_t  value;

    *out = 0;

    if (cv == NULL) {
        return NGX_OK;
    }

    if (ngx_http_complex_value(r, cv, &value) != NGX_OK) {
        return NGX_ERROR;
    }

    if (value.len == 0) {
        return NGX_OK;
    }

    t = ngx_parse_time(&value, 1);

    if (t == (time_t) NGX_ERROR) {
        /* a configuration mistake: fail closed, never an endless session */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: invalid lifetime \"%V\"",
                      ngx_http_sg_log_str(r, &value));
        return NGX_ERROR;
    }

    *out = t;

    return NGX_OK;
}


static void
ngx_http_sg_log_decision(ngx_http_request_t *r, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_update_t *u)
{
    u_char      buf[128], *p, *last;
    ngx_uint_t  i;

    /* once per session: when it begins */

    if (u->clamped && u->created) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: lifetime of session \"%V\" clamped "
                      "to the zone's max_lifetime of %T s",
                      ngx_http_sg_log_str(r, &ctx->session.id),
                      u->max_lifetime);
    }

    if (u->signals == 0 && u->status == NGX_HTTP_SG_STATUS_ALLOW) {
        return;
    }

    p = buf;
    last = buf + sizeof(buf);

    for (i = 0; i < NGX_HTTP_SG_SIG_COUNT; i++) {
        if (u->signals & ((ngx_uint_t) 1 << i)) {
            p = ngx_slprintf(p, last, "%s%V", p == buf ? "" : ",",
                             &ngx_http_sg_signal_names[i]);
        }
    }

    if (p == buf) {
        p = ngx_cpymem(p, "none", 4);
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "session_guard: session \"%V\" of \"%V\": signals %*s, "
                  "%s%s", ngx_http_sg_log_str(r, &ctx->session.id),
                  ngx_http_sg_log_str(r, &ctx->session.sub), p - buf, buf,
                  ctx->reason ? ctx->reason : "allowed",
                  u->monitor ? " (monitor mode)" : "");
}
