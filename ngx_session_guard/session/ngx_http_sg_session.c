
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The risk engine's glue: bind each session to where it is used from,
 * detect changes, answer by policy, enforce lifetimes.  The engine itself
 * (signals, actions, lifetimes, travel) is the core's ngx_sg_risk.c; this
 * file reads its inputs from the request and the configuration, runs it
 * through the zone, and logs and notifies.
 *
 * Per request, after the token (if any) is accepted:
 *
 *     session key -> context (address, ASN, country, location, UA, JA4)
 *     -> actions of every bound signal evaluated (variables allowed)
 *     -> zone: look up or create the record and, under the zone lock,
 *        compare, apply the actions, update it (ngx_sg_risk_update)
 *     -> verdict, logged after the lock
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_context.h"

#include "ngx_sg_sha256.h"


static ngx_int_t ngx_http_sg_actions(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, ngx_uint_t *mask);
static ngx_int_t ngx_http_sg_lifetime_value(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, time_t *out);
static ngx_int_t ngx_http_sg_session_id(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *id);
static void ngx_http_sg_log_decision(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, ngx_sg_risk_t *risk);
static ngx_int_t ngx_http_sg_session_blocked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static void ngx_http_sg_verdict(ngx_http_sg_ctx_t *ctx, ngx_uint_t verdict);
static void ngx_http_sg_notify_revoked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_replaced(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_limit_t *limit);
static void ngx_http_sg_step_up_asked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_sg_risk_t *risk);
static ngx_int_t ngx_http_sg_memory_update(ngx_sg_record_t *rec,
    ngx_uint_t created, void *data);


/* the update of a zone that keeps users' memories */
typedef struct {
    ngx_sg_risk_t                *risk;
    ngx_http_sg_memory_t          mem;
    ngx_http_sg_memory_conds_t    mc;
    time_t                        known_device; /* lifetime; 0: none */
} ngx_http_sg_check_t;


/*
 * NGX_OK to go on (ctx->status tells the verdict), or an HTTP status for
 * the access handler to return.  NGX_DECLINED: no zone here.  NGX_AGAIN:
 * the request waits for a risk service, and this runs again after.
 */

ngx_int_t
ngx_http_sg_session_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    time_t                 t;
    json_t                *claim;
    ngx_int_t              rc;
    ngx_str_t              id, sub;
    void                  *data;
    ngx_uint_t             i, k, replace;
    ngx_sg_risk_t          risk;
    ngx_http_sg_check_t    chk;
    ngx_http_sg_update_pt  update;
    ngx_http_sg_memory_t  *mem;
    ngx_http_sg_detail_in_t  *din;
    u_char                 replaced[NGX_SG_ID_MAX];
    ngx_http_sg_limit_t    limit;

    if (slcf->zone == NULL) {
        return NGX_DECLINED;
    }

    rc = ngx_http_sg_session_id(r, slcf, ctx, &id);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        if (slcf->key_missing == NGX_HTTP_SG_KEY_MISSING_PASS) {
            /* no session to follow, but a blocked subject stays out */
            return ngx_http_sg_session_blocked(r, slcf, ctx);
        }

        ctx->status = NGX_HTTP_SG_STATUS_INVALID;
        ctx->reason = "no session key";
        ctx->no_key = 1;
        return NGX_OK;
    }

    ngx_memzero(&risk, sizeof(ngx_sg_risk_t));

    risk.now = ngx_time();
    risk.bind = slcf->bind;
    risk.travel_speed = slcf->travel_speed;
    risk.travel_floor = slcf->travel_floor;
    risk.shorten = slcf->shorten;
    risk.monitor = slcf->monitor;
    risk.max_lifetime = ngx_http_sg_zone_max_lifetime(slcf->zone);

    ngx_str_null(&sub);

    if (ctx->verified && ctx->jws.payload) {
        claim = json_object_get(ctx->jws.payload, "sub");
        if (json_is_string(claim)) {
            sub.data = (u_char *) json_string_value(claim);
            sub.len = json_string_length(claim);

            if (ngx_http_sg_session_name(r->pool, &sub, NGX_SG_SUB_MAX,
                                         &sub)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

        if (ngx_sg_json_time(json_object_get(ctx->jws.payload, "exp"), &t)
            == NGX_OK)
        {
            risk.token_exp = t + slcf->leeway;
        }

        if (ngx_sg_json_time(json_object_get(ctx->jws.payload, "auth_time"),
                             &t)
            == NGX_OK)
        {
            risk.auth_time = t;
        }

        if (ngx_sg_json_time(json_object_get(ctx->jws.payload, "iat"), &t)
            == NGX_OK)
        {
            risk.iat = t;
        }
    }

    if (ngx_http_sg_context(r, slcf, ctx, &risk.cur) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        risk.actions[i] = NGX_SG_ACT_LOG;

        if (slcf->on_change[i]
            && ngx_http_sg_actions(r, slcf->on_change[i], &risk.actions[i])
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    /* the conditions that hold, and what they ask for */

    ngx_memzero(&chk, sizeof(ngx_http_sg_check_t));

    if (ngx_http_sg_conditions(r, slcf, ctx, &risk, &chk.mc) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the weights and thresholds of the score, if any */

    ngx_http_sg_score(slcf, &risk);
    ctx->scored = (slcf->weights || slcf->thresholds);

    /* a risk service's answer: one more condition, with its weight */

    if (slcf->service) {
        rc = ngx_http_sg_service(r, slcf, ctx, &id, &sub, &risk);

        if (rc == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_DECLINED) {
            /* failure=closed (logged) */
            ctx->status = NGX_HTTP_SG_STATUS_ERROR;
            ctx->reason = "risk service failed";
            return NGX_HTTP_SERVICE_UNAVAILABLE;
        }
    }

    if (ngx_http_sg_lifetime_value(r, slcf->absolute, &risk.absolute) != NGX_OK
        || ngx_http_sg_lifetime_value(r, slcf->idle, &risk.idle) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sg_risk_clamp(&risk);

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
    limit.replaced = 0;
    limit.replaced_id.len = 0;
    limit.replaced_id.data = replaced;     /* copied out if it is used */
    replace = 0;

    if (risk.monitor && limit.max_sessions && limit.replace_oldest) {
        limit.replace_oldest = 0;
        replace = 1;
    }

    /* a zone that keeps users' memories: the wrapped update */

    if (slcf->zone->memory_ttl && sub.len) {

        if (ngx_http_sg_lifetime_value(r, slcf->known_device,
                                       &chk.known_device)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (risk.max_lifetime && chk.known_device > risk.max_lifetime) {
            chk.known_device = risk.max_lifetime;
        }

        chk.risk = &risk;
        chk.mem.cur = &risk.cur;
        mem = &chk.mem;
        update = ngx_http_sg_memory_update;
        data = &chk;

    } else {
        mem = NULL;
        update = ngx_sg_risk_update;
        data = &risk;
    }

    din = NULL;

    if (slcf->zone->details) {
        din = ngx_http_sg_details_in(r, ctx, &risk.cur);
        if (din == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    rc = ngx_http_sg_zone_session(slcf->zone, &id, &sub, &limit, mem, din,
                                  update, data, r->pool, &ctx->session,
                                  &ctx->evicted);

    if (rc == NGX_DECLINED && replace) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: session \"%V\" of \"%V\": "
                      "max_sessions reached, the oldest session would be "
                      "replaced (monitor mode)",
                      ngx_http_sg_log_str(r, &id),
                      ngx_http_sg_log_str(r, &sub));

        limit.max_sessions = 0;

        rc = ngx_http_sg_zone_session(slcf->zone, &id, &sub, &limit, mem,
                                      din, update, data, r->pool,
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

    if (rc == NGX_ABORT) {
        ctx->status = NGX_HTTP_SG_STATUS_BLOCKED;
        ctx->reason = "subject blocked";

        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: session \"%V\" of \"%V\" refused: "
                      "the subject is blocked", ngx_http_sg_log_str(r, &id),
                      ngx_http_sg_log_str(r, &sub));

        return NGX_OK;
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

    ctx->has_session = (rc == NGX_OK);

    /* learned once the final verdict allows it (ngx_http_sg_learn()) */

    if (chk.mem.learn && ctx->has_session) {
        ctx->learn = 1;
        ctx->memory_cur = risk.cur;
    }

    for (k = 0; k < NGX_HTTP_SG_NEW_COUNT; k++) {
        if (chk.mem.fresh & chk.mc.kinds & ((ngx_uint_t) 1 << k)) {
            ctx->conditions |= (uint32_t) 1 << chk.mc.bit[k];
        }
    }

    ctx->score = risk.score;
    ctx->created = risk.created;
    ctx->signals = risk.signals;
    ctx->actions = risk.taken;
    ctx->clamped = risk.clamped;

    if (rc == NGX_DECLINED) {
        ctx->status = NGX_HTTP_SG_STATUS_LIMITED;
        ctx->reason = "too many sessions";

    } else {
        ngx_http_sg_verdict(ctx, risk.verdict);
    }

    ngx_http_sg_log_decision(r, ctx, &risk);

    if (risk.revoked && ctx->has_session) {
        ngx_http_sg_notify_revoked(r, slcf, ctx);
    }

    if (limit.replaced && ctx->has_session) {
        if (ngx_http_sg_replaced(r, slcf, ctx, &limit) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (risk.stepped_up && ctx->has_session) {
        ngx_http_sg_step_up_asked(r, slcf, ctx, &risk);
    }

    return NGX_OK;
}


/*
 * A request without a session key ("missing=pass"): NGX_DECLINED, or
 * NGX_OK with status BLOCKED when its token's subject is blocked.
 */

static ngx_int_t
ngx_http_sg_session_blocked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    json_t     *claim;
    ngx_str_t   sub;

    if (!ctx->verified || ctx->jws.payload == NULL) {
        return NGX_DECLINED;
    }

    claim = json_object_get(ctx->jws.payload, "sub");

    if (!json_is_string(claim)) {
        return NGX_DECLINED;
    }

    sub.data = (u_char *) json_string_value(claim);
    sub.len = json_string_length(claim);

    if (ngx_http_sg_session_name(r->pool, &sub, NGX_SG_SUB_MAX, &sub)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_sg_zone_blocked(slcf->zone, &sub) == 0) {
        return NGX_DECLINED;
    }

    ctx->status = NGX_HTTP_SG_STATUS_BLOCKED;
    ctx->reason = "subject blocked";

    ngx_log_error(slcf->log_level, r->connection->log, 0,
                  "session_guard: request of \"%V\" refused: the subject is "
                  "blocked", ngx_http_sg_log_str(r, &sub));

    return NGX_OK;
}


/* the risk engine's verdict as $session_guard_status, and its reason */

static void
ngx_http_sg_verdict(ngx_http_sg_ctx_t *ctx, ngx_uint_t verdict)
{
    switch (verdict) {
    case NGX_SG_RISK_REVOKED:
        ctx->status = NGX_HTTP_SG_STATUS_REVOKED;
        ctx->reason = "session revoked";
        break;
    case NGX_SG_RISK_EXPIRED:
        ctx->status = NGX_HTTP_SG_STATUS_EXPIRED;
        ctx->reason = "session expired";
        break;
    case NGX_SG_RISK_STEP_UP:
        ctx->status = NGX_HTTP_SG_STATUS_STEP_UP;
        ctx->reason = "step-up required";
        break;
    case NGX_SG_RISK_DENY:
        ctx->status = NGX_HTTP_SG_STATUS_DENY;
        ctx->reason = "policy deny";
        break;
    case NGX_SG_RISK_STALE:
        ctx->status = NGX_HTTP_SG_STATUS_INVALID;
        ctx->reason = "token issued before a claims change";
        break;
    default: /* NGX_SG_RISK_ALLOW */
        ctx->status = NGX_HTTP_SG_STATUS_ALLOW;
        break;
    }
}


/* the applications learn of a revocation by policy (or an ended life) */

static void
ngx_http_sg_notify_revoked(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    ngx_http_sg_notify_send(r, slcf, slcf->zone, &ctx->session.id,
                            &ctx->session.sub, NGX_SG_REVOKED_POLICY,
                            ngx_http_sg_revoke_reason_name(
                                &ctx->session.rec));
}


/*
 * max_sessions replaced the oldest session(s) of the subject to make room
 * for this one: said at warn, in the event, to the applications and to
 * the Shared Signals receivers, like any revocation.
 */

static ngx_int_t
ngx_http_sg_replaced(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_limit_t *limit)
{
    ngx_str_t  why;

    /* for the event and the notification: out of the caller's stack */

    ctx->replaced = limit->replaced;
    ctx->replaced_id.len = limit->replaced_id.len;
    ctx->replaced_id.data = ngx_pstrdup(r->pool, &limit->replaced_id);

    if (ctx->replaced_id.data == NULL) {
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "session_guard: zone \"%V\": max_sessions reached for "
                  "\"%V\": session \"%V\" replaced by \"%V\" (%ui "
                  "replaced)", ngx_http_sg_zone_name(slcf->zone),
                  ngx_http_sg_log_str(r, &ctx->session.sub),
                  ngx_http_sg_log_str(r, &limit->replaced_id),
                  ngx_http_sg_log_str(r, &ctx->session.id), limit->replaced);

    ngx_str_set(&why, "replaced");

    ngx_http_sg_notify_send(r, slcf, slcf->zone, &ctx->replaced_id,
                            &ctx->session.sub, NGX_SG_REVOKED_LIMIT, &why);

    return NGX_OK;
}


/*
 * A logout at the edge (session_guard_logout): the Shared Signals
 * receivers learn of it; the applications are not notified, the logout
 * request itself goes on to them.
 */

void
ngx_http_sg_session_logged_out(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    ngx_str_t  why;

    ngx_str_set(&why, "logout");

    ngx_http_sg_ssf_transmit(r, slcf->zone, NGX_HTTP_SG_SSF_TX_REVOKED,
                             &ctx->session.id, &ctx->session.sub,
                             NGX_SG_REVOKED_LOGOUT, &why);
}


/*
 * A session that its user ended at the edge, not through a request of it
 * (session_guard_oidc's logout path): the event, the applications behind
 * (they cannot know otherwise; told the session's id and subject, as for
 * every other end of it) and the Shared Signals receivers.
 */

void
ngx_http_sg_session_ended(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *id, ngx_str_t *sub)
{
    ngx_str_t  why;

    ngx_str_set(&why, "logout");

    (void) ngx_http_sg_event_revocation(r, id, sub, NGX_SG_REVOKED_LOGOUT,
                                        &why, 1);

    ngx_http_sg_notify_send(r, slcf, slcf->zone, id, sub,
                            NGX_SG_REVOKED_LOGOUT, &why);

    ngx_http_sg_ssf_transmit(r, slcf->zone, NGX_HTTP_SG_SSF_TX_REVOKED, id,
                             sub, NGX_SG_REVOKED_LOGOUT, &why);
}


/* the Shared Signals receivers learn that the session's assurance fell */

static void
ngx_http_sg_step_up_asked(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_sg_risk_t *risk)
{
    ngx_str_t   reason;
    ngx_uint_t  i;

    ngx_str_set(&reason, "step-up");

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if ((risk->signals & ((ngx_uint_t) 1 << i))
            && (risk->actions[i] & NGX_SG_ACT_STEP_UP))
        {
            reason = ngx_sg_signal_names[i];
            break;
        }
    }

    ngx_http_sg_ssf_transmit(r, slcf->zone, NGX_HTTP_SG_SSF_TX_ASSURANCE,
                             &ctx->session.id, &ctx->session.sub,
                             NGX_SG_REVOKED_POLICY, &reason);
}


static ngx_int_t
ngx_http_sg_session_id(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *id)
{
    json_t  *claim;

    if (ctx->login_id.len) {
        /* the edge's own login: its id, made by the edge */
        *id = ctx->login_id;
        return NGX_OK;
    }

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
                                    slcf->session_key ? 0 : NGX_SG_ID_MAX,
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
    out = ngx_cpymem(out, "sha256:", sizeof("sha256:") - 1);

    (void) ngx_sg_sha256_b64(key->data, key->len, out);
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

    if (ngx_sg_risk_parse_actions(&value, mask) != NGX_OK) {
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
    ngx_sg_risk_t *risk)
{
    u_char      buf[512], *p, *last;
    ngx_uint_t  i, level;

    /* once per session: when it begins */

    if (risk->clamped && risk->created) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: lifetime of session \"%V\" clamped "
                      "to the zone's max_lifetime of %T s",
                      ngx_http_sg_log_str(r, &ctx->session.id),
                      risk->max_lifetime);
    }

    if (risk->signals == 0 && ctx->conditions == 0
        && ctx->status == NGX_HTTP_SG_STATUS_ALLOW)
    {
        return;
    }

    p = buf;
    last = buf + sizeof(buf);

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (risk->signals & ((ngx_uint_t) 1 << i)) {
            p = ngx_slprintf(p, last, "%s%V", p == buf ? "" : ",",
                             &ngx_sg_signal_names[i]);
        }
    }

    p = ngx_http_sg_condition_list(
            ngx_http_get_module_main_conf(r, ngx_http_session_guard_module),
            p, last, ctx->conditions, p == buf);

    if (p == buf) {
        p = ngx_cpymem(p, "none", 4);
    }

    if (ctx->scored) {
        p = ngx_slprintf(p, last, ", score %ui", ctx->score);
    }

    /* a condition alone that only asks for "log" holds on every request */

    level = (risk->signals || ctx->status != NGX_HTTP_SG_STATUS_ALLOW)
            ? NGX_LOG_WARN : NGX_LOG_INFO;

    ngx_log_error(level, r->connection->log, 0,
                  "session_guard: session \"%V\" of \"%V\": signals %*s, "
                  "%s%s", ngx_http_sg_log_str(r, &ctx->session.id),
                  ngx_http_sg_log_str(r, &ctx->session.sub), p - buf, buf,
                  ctx->reason ? ctx->reason : "allowed",
                  risk->monitor ? " (monitor mode)" : "");
}


/*
 * The update of a zone that keeps users' memories, under its lock: the
 * store has found what is new to the user (chk->mem.fresh), which makes
 * the conditions new_device, new_network, new_country hold; the context
 * may be learned if the request is accepted (chk->mem.learn), once the
 * final verdict allows it (ngx_http_sg_learn()).
 */

static ngx_int_t
ngx_http_sg_memory_update(ngx_sg_record_t *rec, ngx_uint_t created,
    void *data)
{
    ngx_http_sg_check_t *chk = data;

    ngx_int_t   rc;
    ngx_uint_t  k;

    for (k = 0; k < NGX_HTTP_SG_NEW_COUNT; k++) {
        if (chk->mem.fresh & chk->mc.kinds & ((ngx_uint_t) 1 << k)) {
            ngx_http_sg_condition_apply(chk->risk, chk->mc.bit[k],
                                        chk->mc.acts[k]);

            /*
             * A step-up the session met for another device or country
             * does not cover this one: asked again, as the first time.
             */
            rec->cond_ok &= ~((uint32_t) 1 << chk->mc.bit[k]);
        }
    }

    /*
     * A session begun on a device its user is known to use may live for
     * known_device; once it is seen on another device, it may not.
     */

    if (created && (chk->mem.fresh & NGX_HTTP_SG_KNOWN_DEVICE)) {
        rec->flags |= NGX_SG_REC_TRUSTED;

    } else if (chk->mem.checked
               && !(chk->mem.fresh & NGX_HTTP_SG_KNOWN_DEVICE))
    {
        rec->flags &= ~NGX_SG_REC_TRUSTED;
    }

    if ((rec->flags & NGX_SG_REC_TRUSTED) && chk->known_device) {
        chk->risk->absolute = chk->known_device;
    }

    rc = ngx_sg_risk_update(rec, created, chk->risk);

    chk->mem.learn = (chk->risk->verdict == NGX_SG_RISK_ALLOW);

    return rc;
}


/*
 * After the final verdict (the location's authentication requirements
 * may still have turned an accepted request into a step-up): an allowed
 * request's context is learned by its user's memory.
 */

void
ngx_http_sg_learn(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    if (ctx->status != NGX_HTTP_SG_STATUS_ALLOW || slcf->zone == NULL) {
        return;
    }

    /* the session's details, where the zone keeps them and they changed */

    if (ctx->details_in && ctx->has_session && ctx->session.details
        && ngx_http_sg_details_changed(ctx->session.details,
                                       ctx->details_in))
    {
        (void) ngx_http_sg_zone_details(slcf->zone, &ctx->session.id,
                                        ctx->details_in);
    }

    if (!ctx->learn) {
        return;
    }

    ctx->learn = 0;

    if (ngx_http_sg_zone_learn(slcf->zone, &ctx->session.id,
                               &ctx->session.sub, &ctx->memory_cur)
        != NGX_OK)
    {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "session_guard: context not learned");
    }
}
