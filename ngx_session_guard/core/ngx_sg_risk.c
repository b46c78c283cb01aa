
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The risk engine (see ngx_sg_risk.h): signals, actions, lifetimes and
 * travel, on a session record and nothing else.
 *
 * The record keeps "initial" (first seen) and "last" (last accepted)
 * values; a signal fires when the current value differs from "last", so a
 * change is reported once, when it happens, not on every later request.
 * A request answered with deny or step_up does not move "last".
 *
 * Return contract: NGX_OK (ngx_sg_risk_update(), the verdict in the
 * struct); NGX_DECLINED an invalid action list; never NGX_ERROR.  Nothing
 * here allocates, logs or blocks: the update runs under the zone's mutex.
 * Hard limits: NGX_SG_SIG_COUNT signals and NGX_SG_ACT_COUNT actions, each
 * a bit of an ngx_uint_t; lifetimes never above max_lifetime when set.
 */


#include "ngx_sg_risk.h"
#include "ngx_sg_geo.h"


/* compile-time check: a name table has exactly n names and its null end */
#define ngx_sg_risk_table_check(name, table, n)                               \
    typedef char name[(sizeof(table) / sizeof(ngx_str_t) == (n) + 1)         \
                      ? 1 : -1]


static void ngx_sg_risk_set_lifetimes(ngx_sg_record_t *rec,
    ngx_sg_risk_t *risk);
static ngx_uint_t ngx_sg_risk_signals(ngx_sg_record_t *rec,
    ngx_sg_risk_t *risk);
static void ngx_sg_risk_revoke(ngx_sg_record_t *rec, ngx_sg_risk_t *risk,
    ngx_uint_t reason);
static void ngx_sg_risk_accept(ngx_sg_record_t *rec, ngx_sg_risk_t *risk);
static ngx_uint_t ngx_sg_risk_sum(ngx_sg_risk_t *risk, uint32_t conds);
static void ngx_sg_risk_keep_answer(ngx_sg_record_t *rec,
    ngx_sg_risk_t *risk);
static ngx_uint_t ngx_sg_risk_score(ngx_sg_record_t *rec,
    ngx_sg_risk_t *risk, ngx_uint_t *score_revoke);


ngx_str_t  ngx_sg_signal_names[] = {
    ngx_string("ip"),
    ngx_string("asn"),
    ngx_string("country"),
    ngx_string("ua"),
    ngx_string("ja4"),
    ngx_string("travel"),
    ngx_null_string
};

ngx_sg_risk_table_check(ngx_sg_signal_names_check_t, ngx_sg_signal_names,
                        NGX_SG_SIG_COUNT);


ngx_str_t  ngx_sg_action_names[] = {
    ngx_string("log"),
    ngx_string("step_up"),
    ngx_string("shorten"),
    ngx_string("non_persistent"),
    ngx_string("revoke"),
    ngx_string("deny"),
    ngx_null_string
};

ngx_sg_risk_table_check(ngx_sg_action_names_check_t, ngx_sg_action_names,
                        NGX_SG_ACT_COUNT);


void
ngx_sg_risk_clamp(ngx_sg_risk_t *risk)
{
    if (risk->max_lifetime == 0) {
        return;
    }

    if (risk->absolute == 0 || risk->absolute > risk->max_lifetime) {
        risk->clamped = (risk->absolute > risk->max_lifetime);
        risk->absolute = risk->max_lifetime;
    }

    if (risk->idle > risk->max_lifetime) {
        risk->clamped = 1;
        risk->idle = risk->max_lifetime;
    }
}


ngx_int_t
ngx_sg_risk_update(ngx_sg_record_t *rec, ngx_uint_t created, void *data)
{
    ngx_sg_risk_t *risk = data;

    ngx_uint_t  i, acts, enforce, score_revoke;

    enforce = !risk->monitor;

    if (risk->token_exp > rec->token_exp) {
        rec->token_exp = risk->token_exp;
    }

    /*
     * Nothing bounds how long the id may be replayed: without a token (an
     * application's cookie) at all, and with one too, since a refreshed
     * token carries the same "sid" with a later "exp".  Keep the record,
     * and so its verdict, for the zone's max_lifetime after its last use,
     * else an ended session could be reclaimed once the tokens seen with
     * it expire, and the same cookie or sid would start a fresh one.
     */

    if (rec->token_exp < risk->now + risk->max_lifetime) {
        rec->token_exp = risk->now + risk->max_lifetime;
    }

    if (risk->service_until && !rec->revoked) {
        ngx_sg_risk_keep_answer(rec, risk);

    } else if (risk->service_forget && !rec->revoked) {
        rec->risk_until = 0;
    }

    if (created) {
        risk->created = 1;
        rec->initial = risk->cur;
        rec->last = risk->cur;
        rec->last_seen = risk->now;
        rec->updated = risk->now;
        rec->loc_time = risk->now;
        rec->auth_time = risk->auth_time;
        rec->cookie_mode = NGX_SG_COOKIE_PERSISTENT;

        ngx_sg_risk_set_lifetimes(rec, risk);

        /*
         * Nothing has changed yet, but a condition holds from the first
         * request on: a session begun from an anonymous network is judged
         * as it begins, by the conditions' actions and by their weights.
         */

        risk->score = ngx_sg_risk_sum(risk, risk->cond_holds);

        if (!(risk->cond_acts & ~NGX_SG_ACT_LOG) && risk->cond_step == 0
            && (risk->nthresholds == 0
                || risk->score < risk->thresholds[0].score))
        {
            return NGX_OK;
        }
    }

    if (rec->revoked) {
        /* an ended lifetime keeps being reported as such */
        risk->verdict = ngx_sg_record_ended(rec) ? NGX_SG_RISK_EXPIRED
                                                 : NGX_SG_RISK_REVOKED;
        return NGX_OK;
    }

    /* lifetimes: set per request from variables, never extended */

    ngx_sg_risk_set_lifetimes(rec, risk);

    if ((rec->expires && risk->now >= rec->expires)
        || (rec->idle_timeout
            && risk->now - rec->last_seen > rec->idle_timeout))
    {
        risk->verdict = NGX_SG_RISK_EXPIRED;

        if (enforce) {
            /* refused from now on, for as long as its tokens live */
            ngx_sg_risk_revoke(rec, risk,
                               (rec->expires && risk->now >= rec->expires)
                               ? NGX_SG_REASON_EXPIRED
                               : NGX_SG_REASON_IDLE);
            return NGX_OK;
        }
    }

    /*
     * The user's claims changed since (a Shared Signals
     * token-claims-change): a token issued at or before then carries the
     * old ones, and one without "iat" cannot show it is newer.  A request
     * without a token (a cookie session) is not judged by it.
     */

    if (rec->claims_since && risk->token_exp
        && risk->iat <= (time_t) rec->claims_since)
    {
        risk->verdict = NGX_SG_RISK_STALE;

        if (enforce) {
            return NGX_OK;
        }
    }

    risk->signals = ngx_sg_risk_signals(rec, risk);

    acts = 0;

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (risk->signals & ((ngx_uint_t) 1 << i)) {
            acts |= risk->actions[i];
        }
    }

    /* the score: what the thresholds it reaches ask for */

    score_revoke = 0;
    risk->score = ngx_sg_risk_sum(risk, risk->cond_holds);

    if (risk->nthresholds) {
        acts |= ngx_sg_risk_score(rec, risk, &score_revoke);
    }

    /*
     * The conditions that hold; one asks for step-up until the session
     * has met a step-up it asked for (cond_ok), once per session: it may
     * hold on every request, and would else ask again after each sign-in.
     */

    acts |= risk->cond_acts;

    if (risk->cond_step & ~rec->cond_ok) {
        acts |= NGX_SG_ACT_STEP_UP;
    }

    /* a pending step-up holds until the user authenticates again */

    if (rec->step_up_since && risk->auth_time <= rec->step_up_since) {
        acts |= NGX_SG_ACT_STEP_UP;
    }

    risk->taken = acts;

    if (acts & NGX_SG_ACT_REVOKE) {
        risk->verdict = NGX_SG_RISK_REVOKED;

        if (enforce) {
            /* the reason: the first signal that asked for it */

            for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
                if ((risk->signals & ((ngx_uint_t) 1 << i))
                    && (risk->actions[i] & NGX_SG_ACT_REVOKE))
                {
                    break;
                }
            }

            ngx_sg_risk_revoke(rec, risk,
                               (i < NGX_SG_SIG_COUNT)
                               ? i
                               : (risk->cond_acts & NGX_SG_ACT_REVOKE)
                                 ? NGX_SG_REASON_CONDITION + risk->cond_revoke
                                 : score_revoke
                                   ? NGX_SG_REASON_SCORE
                                   : rec->revoke_reason);
            return NGX_OK;
        }

    } else if (acts & NGX_SG_ACT_DENY) {
        risk->verdict = NGX_SG_RISK_DENY;

        if (enforce) {
            return NGX_OK;
        }
    }

    if ((acts & NGX_SG_ACT_STEP_UP) && risk->verdict == NGX_SG_RISK_ALLOW) {

        if (rec->step_up_since && risk->auth_time > rec->step_up_since) {
            /* authenticated again since it was asked: satisfied */
            rec->step_up_since = 0;
            rec->cond_ok |= risk->cond_step;

        } else {
            risk->verdict = NGX_SG_RISK_STEP_UP;

            if (enforce) {
                if (rec->step_up_since == 0) {
                    rec->step_up_since = risk->now;
                    rec->updated = risk->now;
                    risk->stepped_up = 1;
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

    if (!enforce && risk->verdict != NGX_SG_RISK_ALLOW) {
        return NGX_OK;
    }

    if (enforce && (acts & NGX_SG_ACT_SHORTEN)) {
        rec->flags |= NGX_SG_REC_SHORTENED;
        ngx_sg_risk_set_lifetimes(rec, risk);
    }

    if (enforce && (acts & NGX_SG_ACT_NON_PERSISTENT)) {
        rec->cookie_mode = NGX_SG_COOKIE_NON_PERSISTENT;
    }

    ngx_sg_risk_accept(rec, risk);

    return NGX_OK;
}


/*
 * A risk service's fresh answer, kept for the next requests.  Its step-up
 * is asked once (cond_ok) while the service keeps asking for it; a new
 * request for one after an answer without it asks again.
 */

static void
ngx_sg_risk_keep_answer(ngx_sg_record_t *rec, ngx_sg_risk_t *risk)
{
    ngx_sg_risk_keep(rec, risk->service_acts, risk->service_score,
                     risk->service_until, risk->service_bit);
}


void
ngx_sg_risk_keep(ngx_sg_record_t *rec, ngx_uint_t acts, ngx_uint_t score,
    time_t until, ngx_uint_t bit)
{
    if ((acts & NGX_SG_ACT_STEP_UP) && !(rec->risk_acts & NGX_SG_ACT_STEP_UP))
    {
        rec->cond_ok &= ~((uint32_t) 1 << bit);
    }

    rec->risk_until = (uint32_t) until;
    rec->risk_acts = (u_char) acts;
    rec->risk_score = (uint16_t) score;
}


/* the weights of the signals that fired and of the conditions "conds" */

static ngx_uint_t
ngx_sg_risk_sum(ngx_sg_risk_t *risk, uint32_t conds)
{
    ngx_uint_t  i, sum;

    sum = 0;

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (risk->signals & ((ngx_uint_t) 1 << i)) {
            sum += risk->weights[i];
        }
    }

    for (i = 0; i < NGX_SG_COND_MAX; i++) {
        if (conds & ((uint32_t) 1 << i)) {
            sum += risk->cond_weights[i];
        }
    }

    return sum;
}


/*
 * The actions of the thresholds the score reaches (risk->score is set).  A
 * step_up is judged on the sum without the conditions whose step-up the
 * session has met; when it is asked, the conditions that hold join
 * cond_step, so that meeting it meets them.  *score_revoke: a threshold
 * reached asks for revoke.
 */

static ngx_uint_t
ngx_sg_risk_score(ngx_sg_record_t *rec, ngx_sg_risk_t *risk,
    ngx_uint_t *score_revoke)
{
    ngx_uint_t                i, acts, step_score;
    ngx_sg_risk_threshold_t  *t;

    step_score = ngx_sg_risk_sum(risk, risk->cond_holds & ~rec->cond_ok);

    acts = 0;

    for (i = 0; i < risk->nthresholds; i++) {
        t = &risk->thresholds[i];

        if (risk->score < t->score) {
            break;
        }

        acts |= t->actions & ~NGX_SG_ACT_STEP_UP;

        if (t->actions & NGX_SG_ACT_REVOKE) {
            *score_revoke = 1;
        }

        if ((t->actions & NGX_SG_ACT_STEP_UP) && step_score >= t->score) {
            acts |= NGX_SG_ACT_STEP_UP;
            risk->cond_step |= risk->cond_holds;
        }
    }

    return acts;
}


/*
 * Revoked by policy (a signal, an ended lifetime): refused from now on,
 * and kept for the zone's max_lifetime at least.
 */

static void
ngx_sg_risk_revoke(ngx_sg_record_t *rec, ngx_sg_risk_t *risk,
    ngx_uint_t reason)
{
    rec->revoked = NGX_SG_REVOKED_POLICY;
    rec->revoke_reason = (u_char) reason;
    rec->revoked_at = risk->now;
    rec->updated = risk->now;
    risk->revoked = 1;

    if (rec->token_exp < risk->now + risk->max_lifetime) {
        rec->token_exp = risk->now + risk->max_lifetime;
    }
}


/* accepted: the current context becomes the last one */

static void
ngx_sg_risk_accept(ngx_sg_record_t *rec, ngx_sg_risk_t *risk)
{
    ngx_sg_bind_t  last;

    if (risk->signals || rec->auth_time < risk->auth_time) {
        rec->updated = risk->now;
    }

    if (risk->auth_time > rec->auth_time) {
        rec->auth_time = risk->auth_time;
    }

    if (risk->cur.has_loc) {
        rec->loc_time = risk->now;
    }

    /*
     * An unknown value (no ASN, country or location for this address, no
     * fingerprint) keeps the last known one: else a request from where it
     * is unknown would make the next change undetectable.
     */

    last = risk->cur;

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
    rec->last_seen = risk->now;
}


/*
 * Absolute expiry from the creation time, idle timeout: from the values of
 * this request, never extending the record's; after "shorten", capped.
 */

static void
ngx_sg_risk_set_lifetimes(ngx_sg_record_t *rec, ngx_sg_risk_t *risk)
{
    time_t  expires, idle;

    if (risk->absolute) {
        expires = rec->created + risk->absolute;

        if (rec->expires == 0 || expires < rec->expires) {
            rec->expires = expires;
        }
    }

    /* nor lifted by a request with a longer idle timeout, or none */

    idle = risk->idle;

    if (rec->idle_timeout && (idle == 0 || idle > rec->idle_timeout)) {
        idle = rec->idle_timeout;
    }

    if (rec->flags & NGX_SG_REC_SHORTENED) {
        if (rec->expires == 0 || rec->expires > risk->now + risk->shorten) {
            rec->expires = risk->now + risk->shorten;
        }

        if (idle == 0 || idle > risk->shorten) {
            idle = risk->shorten;
        }
    }

    rec->idle_timeout = idle;
}


static ngx_uint_t
ngx_sg_risk_signals(ngx_sg_record_t *rec, ngx_sg_risk_t *risk)
{
    ngx_uint_t            fired;
    ngx_sg_bind_t        *last, *cur;
    ngx_sg_geo_point_t    from, to;
    ngx_sg_geo_travel_t   travel;

    last = &rec->last;
    cur = &risk->cur;

    fired = ngx_sg_risk_changed(last, cur, risk->bind);

    if ((risk->bind & (1 << NGX_SG_SIG_TRAVEL))
        && cur->has_loc && last->has_loc)
    {
        from.latitude = last->lat;
        from.longitude = last->lon;
        from.time = rec->loc_time;
        to.latitude = cur->lat;
        to.longitude = cur->lon;
        to.time = risk->now;

        if (ngx_sg_geo_travel(&from, &to, (double) risk->travel_speed,
                              (double) risk->travel_floor, &travel)
            == NGX_OK
            && travel.impossible)
        {
            fired |= 1 << NGX_SG_SIG_TRAVEL;
            risk->speed = travel.speed;
        }
    }

    return fired;
}


ngx_uint_t
ngx_sg_risk_changed(ngx_sg_bind_t *last, ngx_sg_bind_t *cur, ngx_uint_t bind)
{
    ngx_uint_t  changed;

    changed = 0;

    if ((bind & (1 << NGX_SG_SIG_IP))
        && (cur->ip.family != last->ip.family
            || ngx_memcmp(cur->ip.addr, last->ip.addr, 16) != 0))
    {
        changed |= 1 << NGX_SG_SIG_IP;
    }

    /* unknown on either side is no change: nothing to compare */

    if ((bind & (1 << NGX_SG_SIG_ASN))
        && cur->asn && last->asn && cur->asn != last->asn)
    {
        changed |= 1 << NGX_SG_SIG_ASN;
    }

    if ((bind & (1 << NGX_SG_SIG_COUNTRY))
        && cur->country[0] && last->country[0]
        && (cur->country[0] != last->country[0]
            || cur->country[1] != last->country[1]))
    {
        changed |= 1 << NGX_SG_SIG_COUNTRY;
    }

    if ((bind & (1 << NGX_SG_SIG_UA)) && cur->ua != last->ua) {
        changed |= 1 << NGX_SG_SIG_UA;
    }

    if ((bind & (1 << NGX_SG_SIG_JA4))
        && cur->ja4 && last->ja4 && cur->ja4 != last->ja4)
    {
        changed |= 1 << NGX_SG_SIG_JA4;
    }

    return changed;
}


/* "log", "shorten,non_persistent"...; empty means "log" */

ngx_int_t
ngx_sg_risk_parse_actions(ngx_str_t *value, ngx_uint_t *mask)
{
    u_char      *p, *last, *start;
    ngx_uint_t   i, m;

    m = 0;
    p = value->data;
    last = p + value->len;

    while (p < last) {
        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        for (i = 0; ngx_sg_action_names[i].len; i++) {
            if ((size_t) (p - start) == ngx_sg_action_names[i].len
                && ngx_strncmp(start, ngx_sg_action_names[i].data,
                               p - start)
                   == 0)
            {
                m |= (ngx_uint_t) 1 << i;
                break;
            }
        }

        if (ngx_sg_action_names[i].len == 0) {
            return NGX_DECLINED;
        }

        if (p < last) {
            p++;

            if (p == last) {
                return NGX_DECLINED;
            }
        }
    }

    *mask = m ? m : NGX_SG_ACT_LOG;

    return NGX_OK;
}
