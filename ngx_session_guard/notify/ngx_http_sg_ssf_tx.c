
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The Shared Signals transmitter: when the edge ends a session or asks
 * for step-up on one, every "session_guard_ssf_transmitter" of its zone
 * gets a Security Event Token (RFC 8417, CAEP 1.0) signed with the edge's
 * key:
 *
 *   session-revoked          a revocation by policy, the API, a logout
 *                            (location or back-channel), max_sessions;
 *   assurance-level-change   the policy asked a session for step-up the
 *                            first time (change_direction "decrease").
 *
 * Revocations the edge itself received by Shared Signals are not sent on:
 * two edges that transmit to each other would loop.
 *
 * The SET is made and signed in the request that caused it, then put in
 * the zone's outbox (ngx_http_sg_outbox.c) and this worker is woken to
 * send it at once.  Sending is a background request (http/) to the
 * transmitter's location, which the operator points at the receiver's
 * push endpoint (RFC 8935) with proxy_pass and its Authorization header:
 *
 *   2xx        delivered: removed;
 *   400        refused by the receiver (RFC 8935: the SET is at fault, a
 *              retry would be refused again): given up, logged with the
 *              receiver's "err" and "description";
 *   otherwise  (no answer, 401, 403, 5xx ...) tried again after 1, 2, 4
 *              ... seconds (at most 5 minutes, with up to a quarter more
 *              at random), up to "retries" times, then given up.
 *
 * A retry sends the very same SET (same jti): a receiver that got the
 * first one but whose answer was lost acknowledges it without applying it
 * twice (RFC 8935 section 2.4 lets it).  Every worker wakes once a second
 * to send what is due; an attempt holds its entry for a lease of a
 * minute, so keep the location's proxy timeouts well under it.
 */


#include "ngx_http_sg.h"



#define NGX_HTTP_SG_SSF_TX_LEASE       60       /* seconds */
#define NGX_HTTP_SG_SSF_TX_BACKOFF_MAX 300      /* seconds */
#define NGX_HTTP_SG_SSF_TX_INFLIGHT    4        /* per worker, per stream */
#define NGX_HTTP_SG_SSF_TX_TICK        1000     /* ms */

#define NGX_HTTP_SG_SSF_CAEP  "https://schemas.openid.net/secevent/caep/"  \
                              "event-type/"


typedef struct {
    ngx_http_sg_ssf_tx_t       *tx;
    time_t                      now;
    ngx_str_t                   jti;
    ngx_uint_t                  event;
    ngx_str_t                  *sid;
    ngx_str_t                  *sub;
    ngx_str_t                  *reason;
    const char                 *initiator;
} ngx_http_sg_ssf_tx_claims_t;


typedef struct {
    ngx_http_sg_ssf_tx_t       *tx;
    uint64_t                    id;
    ngx_uint_t                  attempts;
    ngx_log_t                  *log;
    ngx_pool_t                 *pool;       /* the background request's */
} ngx_http_sg_ssf_tx_job_t;


static ngx_int_t ngx_http_sg_ssf_tx_make(ngx_http_request_t *r,
    ngx_http_sg_ssf_tx_t *tx, ngx_uint_t event, ngx_str_t *sid,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason, ngx_str_t *set);
static void ngx_http_sg_ssf_tx_claims(ngx_http_sg_out_t *out, void *data);
static void ngx_http_sg_ssf_tx_user(ngx_http_sg_out_t *out,
    ngx_http_sg_ssf_tx_t *tx, ngx_str_t *sub);
static void ngx_http_sg_ssf_tx_prune(ngx_cycle_t *cycle,
    ngx_http_sg_main_conf_t *smcf);
static void ngx_http_sg_ssf_tx_run(ngx_event_t *ev);
static ngx_int_t ngx_http_sg_ssf_tx_send(ngx_http_sg_ssf_tx_t *tx,
    ngx_log_t *log);
static void ngx_http_sg_ssf_tx_done(void *data, ngx_uint_t status,
    ngx_str_t *body, ngx_http_request_t *r);
static time_t ngx_http_sg_ssf_tx_backoff(ngx_uint_t attempts);


static ngx_event_t  ngx_http_sg_ssf_tx_event;
static ngx_array_t *ngx_http_sg_ssf_tx_list;

static ngx_str_t  ngx_http_sg_ssf_tx_type =
    ngx_string("application/secevent+jwt");


void
ngx_http_sg_ssf_transmit(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_uint_t event, ngx_str_t *sid, ngx_str_t *sub, ngx_uint_t source,
    ngx_str_t *reason)
{
    ngx_int_t                 rc;
    ngx_str_t                 set;
    ngx_uint_t                i, queued;
    ngx_http_sg_ssf_tx_t    **txp, *tx;
    ngx_http_sg_main_conf_t  *smcf;

    if (source == NGX_SG_REVOKED_SSF || zone == NULL) {
        return;
    }

    if ((sid == NULL || sid->len == 0) && (sub == NULL || sub->len == 0)) {
        return;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    if (smcf->transmitters == NULL) {
        return;
    }

    queued = 0;
    txp = smcf->transmitters->elts;

    for (i = 0; i < smcf->transmitters->nelts; i++) {
        tx = txp[i];

        if (tx->zone != zone || !(tx->events & event)) {
            continue;
        }

        if (ngx_http_sg_ssf_tx_make(r, tx, event, sid, sub, source, reason,
                                    &set)
            != NGX_OK)
        {
            rc = NGX_ERROR;

        } else {
            rc = ngx_http_sg_outbox_add(zone, tx->stream, tx->queue, &set);
        }

        if (rc == NGX_OK) {
            queued++;

            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "session_guard: security event for \"%V\" queued",
                          &tx->uri);
            continue;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: security event for \"%V\" dropped: %s",
                      &tx->uri,
                      (rc == NGX_BUSY) ? "the queue is full"
                                       : "no memory in the zone");

        ngx_http_sg_zone_count_event(zone, NGX_HTTP_SG_EVENT_SSF_DROPPED);
    }

    /* this worker sends it now, after the request's own work */

    if (queued && ngx_http_sg_ssf_tx_event.handler != NULL
        && !ngx_http_sg_ssf_tx_event.posted)
    {
        ngx_post_event(&ngx_http_sg_ssf_tx_event, &ngx_posted_events);
    }
}


static ngx_int_t
ngx_http_sg_ssf_tx_make(ngx_http_request_t *r, ngx_http_sg_ssf_tx_t *tx,
    ngx_uint_t event, ngx_str_t *sid, ngx_str_t *sub, ngx_uint_t source,
    ngx_str_t *reason, ngx_str_t *set)
{
    u_char                       jti[NGX_SG_JTI_LEN];
    ngx_str_t                    payload, typ;
    ngx_http_sg_ssf_tx_claims_t  claims;

    claims.jti.data = jti;

    if (ngx_sg_jti(&claims.jti) != NGX_OK) {
        return NGX_ERROR;
    }

    claims.tx = tx;
    claims.now = ngx_time();
    claims.event = event;
    claims.sid = sid;
    claims.sub = sub;
    claims.reason = reason;

    switch (source) {
    case NGX_SG_REVOKED_API:
        claims.initiator = "admin";
        break;
    case NGX_SG_REVOKED_LOGOUT:
        claims.initiator = "user";
        break;
    default: /* policy, limit, step-up */
        claims.initiator = "policy";
        break;
    }

    if (ngx_http_sg_out_build(r->pool, ngx_http_sg_ssf_tx_claims, &claims,
                              &payload)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_str_set(&typ, "secevent+jwt");

    return ngx_sg_jws_sign(r->pool, tx->signer, &typ, &payload, set);
}


/*
 * {"iss","aud","iat","jti","sub_id","events":{uri:{...}}}: no "exp" and
 * no JWT "sub", as SSF 1.0 wants of a SET
 */

static void
ngx_http_sg_ssf_tx_claims(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_ssf_tx_claims_t *claims = data;

    ngx_http_sg_ssf_tx_t  *tx;

    tx = claims->tx;

    ngx_http_sg_out_lit(out, "{\"iss\":");
    ngx_http_sg_out_json(out, &tx->issuer);
    ngx_http_sg_out_lit(out, ",\"aud\":");
    ngx_http_sg_out_json(out, &tx->audience);
    ngx_http_sg_out_fmt(out, ",\"iat\":%T,\"jti\":\"%V\",\"sub_id\":",
                        claims->now, &claims->jti);

    if (claims->sid && claims->sid->len) {
        ngx_http_sg_out_lit(out, "{\"format\":\"complex\",\"session\":"
                                 "{\"format\":\"opaque\",\"id\":");
        ngx_http_sg_out_json(out, claims->sid);
        ngx_http_sg_out_lit(out, "}");

        if (claims->sub && claims->sub->len) {
            ngx_http_sg_out_lit(out, ",\"user\":");
            ngx_http_sg_ssf_tx_user(out, tx, claims->sub);
        }

        ngx_http_sg_out_lit(out, "}");

    } else {
        ngx_http_sg_ssf_tx_user(out, tx, claims->sub);
    }

    if (claims->event == NGX_HTTP_SG_SSF_TX_ASSURANCE) {
        ngx_http_sg_out_fmt(out, ",\"events\":{\"" NGX_HTTP_SG_SSF_CAEP
                            "assurance-level-change\":{\"event_timestamp\":"
                            "%T,\"namespace\":\"session_guard\","
                            "\"current_level\":\"step-up-required\","
                            "\"change_direction\":\"decrease\"",
                            claims->now);

    } else {
        ngx_http_sg_out_fmt(out, ",\"events\":{\"" NGX_HTTP_SG_SSF_CAEP
                            "session-revoked\":{\"event_timestamp\":%T",
                            claims->now);
    }

    ngx_http_sg_out_fmt(out, ",\"initiating_entity\":\"%s\"",
                        claims->initiator);

    if (claims->reason && claims->reason->len) {
        ngx_http_sg_out_lit(out, ",\"reason_admin\":{\"en\":");
        ngx_http_sg_out_json(out, claims->reason);
        ngx_http_sg_out_lit(out, "}");
    }

    ngx_http_sg_out_lit(out, "}}}");
}


static void
ngx_http_sg_ssf_tx_user(ngx_http_sg_out_t *out, ngx_http_sg_ssf_tx_t *tx,
    ngx_str_t *sub)
{
    if (tx->subject_issuer.len) {
        ngx_http_sg_out_lit(out, "{\"format\":\"iss_sub\",\"iss\":");
        ngx_http_sg_out_json(out, &tx->subject_issuer);
        ngx_http_sg_out_lit(out, ",\"sub\":");

    } else {
        ngx_http_sg_out_lit(out, "{\"format\":\"opaque\",\"id\":");
    }

    ngx_http_sg_out_json(out, sub);
    ngx_http_sg_out_lit(out, "}");
}


/* every worker: a timer that sends what is due, woken early by a request */

ngx_int_t
ngx_http_sg_ssf_tx_init_process(ngx_cycle_t *cycle)
{
    ngx_http_sg_main_conf_t  *smcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    smcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_session_guard_module);

    if (smcf == NULL) {
        return NGX_OK;
    }

    if (smcf->transmitters == NULL) {
        /* SETs of streams removed by a reload: nobody sends them now */
        if (ngx_worker == 0) {
            ngx_http_sg_ssf_tx_prune(cycle, smcf);
        }

        return NGX_OK;
    }

    ngx_http_sg_ssf_tx_list = smcf->transmitters;

    if (ngx_worker == 0) {
        ngx_http_sg_ssf_tx_prune(cycle, smcf);
    }

    ngx_http_sg_ssf_tx_event.handler = ngx_http_sg_ssf_tx_run;
    ngx_http_sg_ssf_tx_event.log = cycle->log;
    ngx_http_sg_ssf_tx_event.data = cycle;

    /* a graceful shutdown does not wait for it */
    ngx_http_sg_ssf_tx_event.cancelable = 1;

    ngx_add_timer(&ngx_http_sg_ssf_tx_event, NGX_HTTP_SG_SSF_TX_TICK);

    return NGX_OK;
}


/*
 * The first worker of a configuration drops, from every zone, the SETs of
 * streams it no longer has (a transmitter removed, or its location,
 * issuer or audience changed): nobody would ever send them, and they
 * would count against their stream's bound.
 */

static void
ngx_http_sg_ssf_tx_prune(ngx_cycle_t *cycle, ngx_http_sg_main_conf_t *smcf)
{
    uint32_t               *streams;
    ngx_uint_t              i, j, n, dropped;
    ngx_http_sg_zone_t    **zp;
    ngx_http_sg_ssf_tx_t  **txp;

    if (smcf->zones == NULL) {
        return;
    }

    n = smcf->transmitters ? smcf->transmitters->nelts : 0;
    txp = n ? smcf->transmitters->elts : NULL;

    streams = ngx_alloc((n + 1) * sizeof(uint32_t), cycle->log);
    if (streams == NULL) {
        return;
    }

    zp = smcf->zones->elts;

    for (i = 0; i < smcf->zones->nelts; i++) {

        if (zp[i]->sh == NULL) {
            continue;
        }

        n = 0;

        for (j = 0; txp && j < smcf->transmitters->nelts; j++) {
            if (txp[j]->zone == zp[i]) {
                streams[n++] = txp[j]->stream;
            }
        }

        ngx_http_sg_outbox_prune(zp[i], streams, n, &dropped);

        if (dropped) {
            ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                          "session_guard: zone \"%V\": %ui security "
                          "event(s) of streams no longer configured dropped",
                          &zp[i]->name, dropped);
        }
    }

    ngx_free(streams);
}


static void
ngx_http_sg_ssf_tx_run(ngx_event_t *ev)
{
    ngx_uint_t              i;
    ngx_http_sg_ssf_tx_t  **txp, *tx;

    if (ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    txp = ngx_http_sg_ssf_tx_list->elts;

    for (i = 0; i < ngx_http_sg_ssf_tx_list->nelts; i++) {
        tx = txp[i];

        while (tx->inflight < NGX_HTTP_SG_SSF_TX_INFLIGHT) {
            if (ngx_http_sg_ssf_tx_send(tx, ev->log) != NGX_OK) {
                break;
            }
        }
    }

    if (ev->timer_set) {
        ngx_del_timer(ev);
    }

    ngx_add_timer(ev, NGX_HTTP_SG_SSF_TX_TICK);
}


/* NGX_OK: one sent; NGX_DECLINED: nothing due; NGX_ERROR */

static ngx_int_t
ngx_http_sg_ssf_tx_send(ngx_http_sg_ssf_tx_t *tx, ngx_log_t *log)
{
    time_t                     now;
    ngx_int_t                  rc;
    ngx_pool_t                *pool;
    ngx_http_sg_outbound_t     ob;
    ngx_http_sg_background_t  *bg;
    ngx_http_sg_ssf_tx_job_t  *job;

    now = ngx_time();

    if (!ngx_http_sg_outbox_due(tx->zone, now)) {
        return NGX_DECLINED;
    }

    bg = ngx_http_sg_background_create(tx->ctx, log);
    if (bg == NULL) {
        return NGX_ERROR;
    }

    pool = ngx_http_sg_background_pool(bg);

    job = ngx_pcalloc(pool, sizeof(ngx_http_sg_ssf_tx_job_t));
    if (job == NULL) {
        ngx_http_sg_background_discard(bg);
        return NGX_ERROR;
    }

    rc = ngx_http_sg_outbox_claim(tx->zone, tx->stream, now,
                                  now + NGX_HTTP_SG_SSF_TX_LEASE, pool, &ob);
    if (rc != NGX_OK) {
        ngx_http_sg_background_discard(bg);
        return rc;
    }

    job->tx = tx;
    job->id = ob.id;
    job->attempts = ob.attempts;
    job->log = log;
    job->pool = pool;

    if (ngx_http_sg_background_post(bg, &tx->uri, &ngx_http_sg_ssf_tx_type,
                                    &ob.set, ngx_http_sg_ssf_tx_done, job)
        != NGX_OK)
    {
        /* the job is gone; try again after the shortest backoff */
        ngx_http_sg_outbox_settle(tx->zone, ob.id, now + 1, 0);
        return NGX_ERROR;
    }

    tx->inflight++;

    return NGX_OK;
}


static void
ngx_http_sg_ssf_tx_done(void *data, ngx_uint_t status, ngx_str_t *body,
    ngx_http_request_t *r)
{
    ngx_http_sg_ssf_tx_job_t *job = data;

    time_t                 delay;
    ngx_str_t              answer;
    ngx_http_sg_ssf_tx_t  *tx;

    tx = job->tx;
    tx->inflight--;

    if (status >= NGX_HTTP_OK && status < NGX_HTTP_SPECIAL_RESPONSE) {
        ngx_log_error(NGX_LOG_INFO, job->log, 0,
                      "session_guard: security event sent to \"%V\": "
                      "status %ui", &tx->uri, status);

        ngx_http_sg_outbox_settle(tx->zone, job->id, 0, 0);
        ngx_http_sg_zone_count_event(tx->zone, NGX_HTTP_SG_EVENT_SSF_SENT);

        goto next;
    }

    /* the receiver's {"err","description"}, bounded and escaped */

    answer.len = ngx_min(body->len, 200);
    answer.data = body->data;

    if (status == NGX_HTTP_BAD_REQUEST
        || job->attempts >= tx->retries)
    {
        ngx_log_error(NGX_LOG_ERR, job->log, 0,
                      "session_guard: security event to \"%V\" given up "
                      "after %ui attempts: status %ui %V", &tx->uri,
                      job->attempts + 1, status,
                      ngx_http_sg_log_str_pool(job->pool, &answer));

        ngx_http_sg_outbox_settle(tx->zone, job->id, 0, 0);
        ngx_http_sg_zone_count_event(tx->zone,
                                     NGX_HTTP_SG_EVENT_SSF_GIVEN_UP);
        goto next;
    }

    delay = ngx_http_sg_ssf_tx_backoff(job->attempts);

    ngx_log_error(NGX_LOG_WARN, job->log, 0,
                  "session_guard: security event to \"%V\" not delivered "
                  "(status %ui), retry %ui of %ui in %T s", &tx->uri, status,
                  job->attempts + 1, tx->retries, delay);

    ngx_http_sg_outbox_settle(tx->zone, job->id, ngx_time() + delay, 1);
    ngx_http_sg_zone_count_event(tx->zone, NGX_HTTP_SG_EVENT_SSF_RETRIED);

next:

    /* what else is due, at once */

    if (!ngx_http_sg_ssf_tx_event.posted && !ngx_exiting) {
        ngx_post_event(&ngx_http_sg_ssf_tx_event, &ngx_posted_events);
    }
}


/* 1, 2, 4 ... seconds, at most five minutes, and up to a quarter more */

static time_t
ngx_http_sg_ssf_tx_backoff(ngx_uint_t attempts)
{
    time_t  delay;

    delay = (attempts >= 9) ? NGX_HTTP_SG_SSF_TX_BACKOFF_MAX
                            : ((time_t) 1 << attempts);

    if (delay > NGX_HTTP_SG_SSF_TX_BACKOFF_MAX) {
        delay = NGX_HTTP_SG_SSF_TX_BACKOFF_MAX;
    }

    return delay + (time_t) (ngx_random() % (delay / 4 + 1));
}
