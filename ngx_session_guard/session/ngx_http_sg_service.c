
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * An external risk service:
 *
 *   session_guard_risk_service URI [timeout=TIME] [cache=TIME]
 *       [failure=open|closed] [max_size=SIZE] | off
 *                                               (http, server, location)
 *
 * Before the zone judges a session, the edge POSTs what it knows of the
 * request to URI, a location of the operator's (whose proxy_pass brings
 * TLS, upstreams and their timeouts), as JSON: the subject, the session,
 * the client, whether the session is new, what changed since its last
 * request, the conditions that hold, the context (address, ASN, country,
 * user agent, JA4).  The service answers with actions, a score and reasons
 * (ngx_sg_answer.h), which apply as those of the built-in condition
 * "risk_service": its actions with the signals' and conditions', its score
 * as its weight in the session's score.
 *
 * The request waits for the answer without blocking the worker: the
 * subrequest runs in the background, and the request's access phase runs
 * again when it ends or when "timeout" passes, whichever comes first; a
 * late answer is kept for the session's next request if the session is
 * still where it was asked about (ngx_http_sg_service_late()).  The
 * checks that ran before the service was asked (the token, its DPoP
 * proof) are not run again: their outcome stays in the request's context.
 *
 * A session's answer is kept in its record for "cache" and used instead
 * of asking again, until the context of the session changes (address,
 * ASN, country, user agent or JA4, those the location binds).  A session
 * already revoked or ended is not asked about.
 *
 * When the service fails (no answer in time, a status other than 200, an
 * answer too large or not one), "failure=closed" (the default) refuses
 * the request with 503, "failure=open" decides without it; either way the
 * failure is logged and nothing is kept.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_context.h"


/* a wait's state */
#define NGX_HTTP_SG_WAIT_PENDING        1
#define NGX_HTTP_SG_WAIT_ANSWERED       2
#define NGX_HTTP_SG_WAIT_FAILED         3

#define NGX_HTTP_SG_SERVICE_ERROR_LEN   128


struct ngx_http_sg_service_wait_s {
    ngx_http_sg_wait_t          wait;       /* first: the event's data */
    ngx_http_sg_service_conf_t *conf;
    ngx_uint_t                  state;      /* NGX_HTTP_SG_WAIT_* */
    ngx_msec_t                  took;
    ngx_sg_answer_t             answer;
    ngx_str_t                   reasons;    /* the answer's, joined */
    u_char                      reasons_buf[NGX_SG_ANSWER_REASONS
                                            * (NGX_SG_ANSWER_REASON_LEN
                                               + 1)];
    ngx_http_sg_body_limit_t    body;       /* of the answer */
    u_char                      error[NGX_HTTP_SG_SERVICE_ERROR_LEN];

    /* for an answer that comes late (ngx_http_sg_service_late()) */
    ngx_http_sg_zone_t         *zone;
    ngx_str_t                   id;         /* in the request's pool */
    ngx_sg_bind_t               asked;      /* the context asked about */
    ngx_uint_t                  bit;        /* risk_service's */
};


typedef struct {
    ngx_http_request_t         *r;
    ngx_http_sg_ctx_t          *ctx;
    ngx_str_t                  *id;
    ngx_str_t                  *sub;
    ngx_sg_risk_t              *risk;
    ngx_http_sg_session_t      *known;      /* NULL: a new session */
    ngx_uint_t                  changed;    /* 1 << NGX_SG_SIG_* */
} ngx_http_sg_service_req_t;


static ngx_int_t ngx_http_sg_service_start(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_service_req_t *req);
static void ngx_http_sg_service_body(ngx_http_sg_out_t *out, void *data);
static void ngx_http_sg_service_bind(ngx_http_sg_out_t *out,
    ngx_sg_bind_t *b);
static ngx_int_t ngx_http_sg_service_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static void ngx_http_sg_service_result(ngx_http_request_t *sr,
    ngx_http_sg_service_wait_t *w, ngx_int_t rc);
static void ngx_http_sg_service_late(ngx_http_request_t *sr,
    ngx_http_sg_service_wait_t *w, ngx_int_t rc);
static void ngx_http_sg_service_timeout(ngx_event_t *ev);
static ngx_int_t ngx_http_sg_service_outcome(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_sg_risk_t *risk, ngx_str_t *id);
static void ngx_http_sg_service_apply(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, ngx_sg_risk_t *risk, ngx_uint_t acts,
    ngx_uint_t score);
static ngx_int_t ngx_http_sg_service_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);


static ngx_http_output_body_filter_pt  ngx_http_sg_service_next_body_filter;






/*
 * In the session check, once the context, the conditions and the score's
 * weights are known and before the zone judges the session.  NGX_OK: go
 * on (an answer, fresh or kept, applied to risk; or none needed; or a
 * failure with failure=open); NGX_AGAIN: the request waits for the
 * service; NGX_DECLINED: the service failed with failure=closed (logged);
 * NGX_ERROR.
 */

ngx_int_t
ngx_http_sg_service(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *id, ngx_str_t *sub,
    ngx_sg_risk_t *risk)
{
    ngx_int_t                   rc;
    ngx_uint_t                  bind;
    ngx_sg_record_t            *rec;
    ngx_http_sg_session_t       known;
    ngx_http_sg_service_req_t   req;
    ngx_http_sg_service_wait_t *w;

    w = ctx->service_wait;

    if (w) {
        if (w->state == NGX_HTTP_SG_WAIT_PENDING) {
            /* the phase ran again before the answer: wait on */
            return NGX_AGAIN;
        }

        if (!w->wait.used) {
            return ngx_http_sg_service_outcome(r, slcf, ctx, risk, id);
        }

        /* asked once per request */
        return NGX_OK;
    }

    ngx_memzero(&req, sizeof(ngx_http_sg_service_req_t));

    req.r = r;
    req.ctx = ctx;
    req.id = id;
    req.sub = sub;
    req.risk = risk;

    rc = ngx_http_sg_zone_find(slcf->zone, id, 0, r->pool, &known);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        rec = &known.rec;

        if (rec->revoked
            || (rec->expires && risk->now >= rec->expires)
            || (rec->idle_timeout
                && risk->now - rec->last_seen > rec->idle_timeout))
        {
            /* refused by the zone whatever the service says */
            return NGX_OK;
        }

        req.known = &known;
        /* a move is a change of address: travel is the address's */

        bind = slcf->bind;

        if (bind & (1 << NGX_SG_SIG_TRAVEL)) {
            bind |= 1 << NGX_SG_SIG_IP;
        }

        req.changed = ngx_sg_risk_changed(&rec->last, &risk->cur, bind);

        if (req.changed == 0 && slcf->service->cache
            && (time_t) rec->risk_until > risk->now)
        {
            ctx->service = NGX_HTTP_SG_SERVICE_CACHED;
            ctx->service_acts = rec->risk_acts;
            ctx->service_score = rec->risk_score;

            ngx_http_sg_service_apply(r, ctx, risk, rec->risk_acts,
                                      rec->risk_score);
            return NGX_OK;
        }
    }

    if (sub->len && ngx_http_sg_zone_blocked(slcf->zone, sub)) {
        /* refused by the zone: not worth a question */
        return NGX_OK;
    }

    return ngx_http_sg_service_start(r, slcf, &req);
}


static ngx_int_t
ngx_http_sg_service_start(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_service_req_t *req)
{
    ngx_str_t                    *body, type;
    ngx_pool_cleanup_t           *cln;
    ngx_http_request_t           *sr;
    ngx_http_sg_bare_t            bare;
    ngx_http_sg_main_conf_t      *smcf;
    ngx_http_sg_service_conf_t   *sc;
    ngx_http_sg_service_wait_t   *w;
    ngx_http_post_subrequest_t   *ps;

    sc = slcf->service;

    /* all allocated first: once created, the subrequest runs */

    w = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_service_wait_t));
    body = ngx_palloc(r->pool, sizeof(ngx_str_t));
    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (w == NULL || body == NULL || ps == NULL || cln == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_sg_out_build(r->pool, ngx_http_sg_service_body, req, body)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_str_set(&type, "application/json");

    if (ngx_http_sg_bare_post_init(r, &bare, &type, body) != NGX_OK) {
        return NGX_ERROR;
    }

    w->wait.request = r;
    w->conf = sc;
    w->state = NGX_HTTP_SG_WAIT_PENDING;
    w->wait.started = ngx_current_msec;
    w->zone = slcf->zone;
    w->id = *req->id;
    w->asked = req->risk->cur;
    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);
    w->bit = smcf->service_bit;

    ps->handler = ngx_http_sg_service_done;
    ps->data = w;

    /*
     * In the background: nginx would else hold the request's response
     * until the subrequest ends, and the deadline would bound nothing.
     */

    if (ngx_http_subrequest(r, &sc->uri, sc->args.len ? &sc->args : NULL,
                            &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_BACKGROUND)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    req->ctx->service_wait = w;

    ngx_http_sg_bare_post(sr, &bare);
    sr->header_only = 0;

    ngx_http_sg_wait_arm(&w->wait, sr, sc->timeout,
                         ngx_http_sg_service_timeout, cln);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "session_guard: asking the risk service \"%V\"",
                   &sc->uri);

    return NGX_AGAIN;
}


/* what the service is told (the answer's format: ngx_sg_answer.h) */

static void
ngx_http_sg_service_body(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_service_req_t *req = data;

    ngx_str_t                 s;
    ngx_uint_t                i, first;
    ngx_sg_risk_t            *risk;
    ngx_http_sg_ctx_t        *ctx;
    ngx_http_request_t       *r;
    ngx_http_sg_main_conf_t  *smcf;
    ngx_http_sg_condition_t  *c;

    r = req->r;
    ctx = req->ctx;
    risk = req->risk;

    ngx_http_sg_out_lit(out, "{\"session\":");
    ngx_http_sg_out_json(out, req->id);

    ngx_http_sg_out_lit(out, ",\"subject\":");

    if (req->sub->len) {
        ngx_http_sg_out_json(out, req->sub);
    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    ngx_http_sg_token_client(ctx, &s);

    ngx_http_sg_out_lit(out, ",\"client\":");

    if (s.len) {
        ngx_http_sg_out_json(out, &s);
    } else {
        ngx_http_sg_out_lit(out, "null");
    }

    ngx_http_sg_out_fmt(out, ",\"new\":%s,\"changed\":[",
                        req->known ? "false" : "true");

    first = 1;

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (req->changed & ((ngx_uint_t) 1 << i)) {
            ngx_http_sg_out_fmt(out, "%s\"%V\"", first ? "" : ",",
                                &ngx_sg_signal_names[i]);
            first = 0;
        }
    }

    ngx_http_sg_out_lit(out, "],\"conditions\":[");

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);
    c = smcf->conditions ? smcf->conditions->elts : NULL;
    first = 1;

    for (i = 0; c && i < smcf->conditions->nelts; i++) {
        if (ctx->conditions & ((uint32_t) 1 << c[i].bit)) {
            ngx_http_sg_out_fmt(out, "%s\"%V\"", first ? "" : ",",
                                &c[i].name);
            first = 0;
        }
    }

    ngx_http_sg_out_lit(out, "],\"context\":{\"ip\":");
    ngx_http_sg_out_json(out, &r->connection->addr_text);

    if (risk->cur.asn) {
        ngx_http_sg_out_fmt(out, ",\"asn\":%uD", risk->cur.asn);
    }

    if (risk->cur.country[0]) {
        s.data = risk->cur.country;
        s.len = 2;

        ngx_http_sg_out_lit(out, ",\"country\":");
        ngx_http_sg_out_json(out, &s);
    }

    if (r->headers_in.user_agent) {
        ngx_http_sg_out_lit(out, ",\"user_agent\":");
        ngx_http_sg_out_json(out, &r->headers_in.user_agent->value);
    }

    if (ngx_http_sg_ja4(r, &s) == NGX_OK && s.len) {
        ngx_http_sg_out_lit(out, ",\"ja4\":");
        ngx_http_sg_out_json(out, &s);
    }

    ngx_http_sg_out_lit(out, "}");

    if (risk->auth_time) {
        ngx_http_sg_out_fmt(out, ",\"auth_time\":%T", risk->auth_time);
    }

    if (req->known) {
        ngx_http_sg_out_fmt(out, ",\"created\":%T,\"initial\":",
                            req->known->rec.created);
        ngx_http_sg_service_bind(out, &req->known->rec.initial);
        ngx_http_sg_out_lit(out, ",\"last\":");
        ngx_http_sg_service_bind(out, &req->known->rec.last);
    }

    ngx_http_sg_out_lit(out, ",\"request\":{\"method\":");
    ngx_http_sg_out_json(out, &r->method_name);
    ngx_http_sg_out_lit(out, ",\"uri\":");
    ngx_http_sg_out_json(out, &r->uri);
    ngx_http_sg_out_lit(out, "}}");
}


/* a session's network and country as it was first or last seen */

static void
ngx_http_sg_service_bind(ngx_http_sg_out_t *out, ngx_sg_bind_t *b)
{
    ngx_str_t  s;

    ngx_http_sg_out_lit(out, "{");

    if (b->asn) {
        ngx_http_sg_out_fmt(out, "\"asn\":%uD", b->asn);
    }

    if (b->country[0]) {
        s.data = b->country;
        s.len = 2;

        if (b->asn) {
            ngx_http_sg_out_lit(out, ",");
        }

        ngx_http_sg_out_lit(out, "\"country\":");
        ngx_http_sg_out_json(out, &s);
    }

    ngx_http_sg_out_lit(out, "}");
}


/*
 * The subrequest ended (perhaps twice, the second time after an error
 * page: only the first counts).  Its errors are not the client's request's.
 */

static ngx_int_t
ngx_http_sg_service_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_sg_service_wait_t *w = data;

    if (w->wait.sr != sr) {
        return NGX_OK;
    }

    w->wait.sr = NULL;

    if (w->state != NGX_HTTP_SG_WAIT_PENDING) {
        ngx_http_sg_service_late(sr, w, rc);
        return NGX_OK;
    }

    ngx_http_sg_service_result(sr, w, rc);

    w->took = ngx_current_msec - w->wait.started;

    ngx_http_sg_wait_ended(&w->wait);

    return NGX_OK;
}


static void
ngx_http_sg_service_result(ngx_http_request_t *sr,
    ngx_http_sg_service_wait_t *w, ngx_int_t rc)
{
    u_char      *data, *last;
    size_t       len;
    const char  *reason;

    last = w->error + sizeof(w->error) - 1;
    w->state = NGX_HTTP_SG_WAIT_FAILED;

    if (rc == NGX_ERROR || rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        *ngx_slprintf(w->error, last, "subrequest failed (%i)", rc) = '\0';
        return;
    }

    if (sr->headers_out.status != NGX_HTTP_OK) {
        *ngx_slprintf(w->error, last, "status %ui",
                      sr->headers_out.status) = '\0';
        return;
    }

    if (w->body.too_large) {
        *ngx_slprintf(w->error, last, "answer larger than %uz bytes",
                      w->body.limit) = '\0';
        return;
    }

    if (sr->out == NULL || sr->out->buf == NULL) {
        data = NULL;
        len = 0;

    } else {
        data = sr->out->buf->pos;
        len = sr->out->buf->last - sr->out->buf->pos;
    }

    if (len == 0) {
        *ngx_cpymem(w->error, "empty answer", 12) = '\0';
        return;
    }

    reason = "invalid";

    switch (ngx_sg_answer_parse(sr->pool, data, len, &w->answer, &reason)) {

    case NGX_OK:
        w->state = NGX_HTTP_SG_WAIT_ANSWERED;
        return;

    case NGX_DECLINED:
        *ngx_slprintf(w->error, last, "invalid answer: %s", reason) = '\0';
        return;

    default:
        *ngx_cpymem(w->error, "out of memory", 13) = '\0';
        return;
    }
}


/*
 * The request went on without the answer (it failed, or was decided
 * without the service): an answer that comes after all is kept for the
 * session's next request, if the session is still where it was asked
 * about, so that a slow service is not asked again in vain.  The request
 * took its outcome already: w's answer and error are free to reuse.
 */

static void
ngx_http_sg_service_late(ngx_http_request_t *sr,
    ngx_http_sg_service_wait_t *w, ngx_int_t rc)
{
    ngx_http_sg_service_result(sr, w, rc);

    if (w->state != NGX_HTTP_SG_WAIT_ANSWERED) {
        ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                      "session_guard: risk service \"%V\" ended after the "
                      "request went on without it: %s", &w->conf->uri,
                      w->error);
        return;
    }

    if (w->conf->cache
        && ngx_http_sg_zone_late_answer(w->zone, &w->id, &w->asked,
                                        w->answer.acts, w->answer.score,
                                        ngx_time() + w->conf->cache, w->bit)
           == NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                      "session_guard: risk service \"%V\" answered after "
                      "the request went on: kept for the session's next "
                      "request (actions 0x%Xi, score %ui)", &w->conf->uri,
                      w->answer.acts, w->answer.score);
        return;
    }

    ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                  "session_guard: risk service \"%V\" answered after the "
                  "request went on: dropped (the session moved or ended, or "
                  "cache=0)", &w->conf->uri);
}


/* the deadline: the request goes on without an answer */

static void
ngx_http_sg_service_timeout(ngx_event_t *ev)
{
    ngx_http_sg_service_wait_t *w = ev->data;

    if (w->state == NGX_HTTP_SG_WAIT_PENDING) {
        w->state = NGX_HTTP_SG_WAIT_FAILED;
        w->took = ngx_current_msec - w->wait.started;

        (void) ngx_cpymem(w->error, "no answer in time",
                          sizeof("no answer in time"));
    }

    ngx_http_sg_wait_wake(ev);
}


/* the answer, or the failure, once the request runs again */

static ngx_int_t
ngx_http_sg_service_outcome(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_sg_risk_t *risk, ngx_str_t *id)
{
    u_char                      *p;
    ngx_uint_t                   i;
    ngx_sg_answer_t             *a;
    ngx_http_sg_service_conf_t  *sc;
    ngx_http_sg_service_wait_t  *w;

    w = ctx->service_wait;
    sc = w->conf;

    /* one wake-up only: this run took the outcome */

    ngx_http_sg_wait_take(&w->wait);

    if (w->state == NGX_HTTP_SG_WAIT_FAILED) {
        ctx->service = NGX_HTTP_SG_SERVICE_FAILED;

        /*
         * A kept answer no longer fits the context this request makes the
         * session's: the next request asks again.
         */
        risk->service_forget = 1;

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: risk service \"%V\" failed for "
                      "session \"%V\" after %M ms: %s, %s", &sc->uri,
                      ngx_http_sg_log_str(r, id), w->took, w->error,
                      sc->fail_open ? "deciding without it (failure=open)"
                      : slcf->monitor ? "deciding without it (monitor mode)"
                                      : "refused (failure=closed)");

        return (sc->fail_open || slcf->monitor) ? NGX_OK : NGX_DECLINED;
    }

    a = &w->answer;

    ctx->service = NGX_HTTP_SG_SERVICE_ANSWERED;
    ctx->service_acts = a->acts;
    ctx->service_score = a->score;

    p = w->reasons_buf;

    for (i = 0; i < a->nreasons; i++) {
        if (i) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, a->reason[i], a->len[i]);
    }

    w->reasons.data = w->reasons_buf;
    w->reasons.len = p - w->reasons_buf;

    if (sc->cache) {
        risk->service_until = risk->now + sc->cache;
        risk->service_acts = a->acts;
        risk->service_score = a->score;

    } else {
        risk->service_forget = 1;
    }

    ngx_http_sg_service_apply(r, ctx, risk, a->acts, a->score);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "session_guard: risk service \"%V\" for session \"%V\" "
                  "answered in %M ms: actions 0x%Xi, score %ui, reasons "
                  "\"%V\"", &sc->uri, ngx_http_sg_log_str(r, id), w->took,
                  a->acts, a->score, &w->reasons);

    return NGX_OK;
}


/* the request is back after asking, or still waits: its checks stand */

ngx_uint_t
ngx_http_sg_service_resuming(ngx_http_sg_ctx_t *ctx)
{
    return ctx->service_wait && !ctx->service_wait->wait.used;
}


/* a fresh answer, and its reasons comma-separated; NULL: none */

ngx_sg_answer_t *
ngx_http_sg_service_answer(ngx_http_sg_ctx_t *ctx)
{
    if (ctx->service != NGX_HTTP_SG_SERVICE_ANSWERED
        || ctx->service_wait == NULL)
    {
        return NULL;
    }

    return &ctx->service_wait->answer;
}


ngx_str_t *
ngx_http_sg_service_reasons(ngx_http_sg_ctx_t *ctx)
{
    return ngx_http_sg_service_answer(ctx) ? &ctx->service_wait->reasons
                                           : NULL;
}


/*
 * An answer holds as the condition "risk_service" when it asks for
 * anything or scores above 0: its actions, and its score as the weight.
 */

static void
ngx_http_sg_service_apply(ngx_http_request_t *r, ngx_http_sg_ctx_t *ctx,
    ngx_sg_risk_t *risk, ngx_uint_t acts, ngx_uint_t score)
{
    ngx_uint_t                bit;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    bit = smcf->service_bit;
    risk->service_bit = bit;

    if (acts == 0 && score == 0) {
        return;
    }

    ctx->conditions |= (uint32_t) 1 << bit;
    risk->cond_weights[bit] = score;

    ngx_http_sg_condition_apply(risk, bit, acts);
}


/* the answer's body, against max_size (ngx_http_sg_body_limit()) */

ngx_int_t
ngx_http_sg_service_filter_init(ngx_conf_t *cf)
{
    ngx_http_sg_service_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_sg_service_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_service_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_sg_service_wait_t  *w;

    if (r != r->main
        && r->post_subrequest
        && r->post_subrequest->handler == ngx_http_sg_service_done)
    {
        w = r->post_subrequest->data;
        ngx_http_sg_body_limit(r, in, &w->body, w->conf->max_size);
    }

    return ngx_http_sg_service_next_body_filter(r, in);
}
