
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Receiving Shared Signals by poll (RFC 8936): the edge asks the
 * transmitter for its SETs instead of waiting for them to be pushed.
 *
 *   session_guard_ssf_poll uri zone= issuer= audience= jwks=|key= ...
 *       [interval=30s] [max_events=100] [on=event:action ...];   (server)
 *
 * One worker (the first) polls each stream: a background request (http/,
 * no client behind it) POSTs to uri, a location of the server that the
 * operator points at the transmitter's poll endpoint with proxy_pass and
 * the Authorization header the transmitter expects, the body
 *
 *   {"returnImmediately":true,"maxEvents":N,
 *    "ack":[jti ...],"setErrs":{jti:{"err":code,"description":text}}}
 *
 * and reads {"sets":{jti:SET ...},"moreAvailable":bool}.  Each SET goes
 * through the push receiver's path (ngx_http_sg_ssf_receive(): validated,
 * applied once per issuer and jti, the same mapping); it is acknowledged
 * in the next poll when applied or already applied, reported in setErrs
 * when refused, and neither when the zone could not store it (the
 * transmitter sends it again).  The next poll follows at once when the
 * transmitter has more, within a second when there is something to
 * acknowledge, else after "interval"; a failed poll (no answer, a status
 * other than 200, a body that is not the JSON above) is logged and tried
 * again after "interval", its acknowledgements kept.  No request of a
 * client ever waits for it.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_logout.h"

#include <jansson.h>


#define NGX_HTTP_SG_SSF_POLL_ACK_MAX   (1024 * 1024)


typedef struct {
    ngx_http_sg_ssf_conf_t     *scf;
    ngx_event_t                 ev;
    u_char                     *pending;    /* "ack":[..],"setErrs":{..} */
    size_t                      pending_len;
    ngx_uint_t                  busy;
} ngx_http_sg_ssf_poller_t;


static void ngx_http_sg_ssf_poll_run(ngx_event_t *ev);
static void ngx_http_sg_ssf_poll_done(void *data, ngx_uint_t status,
    ngx_str_t *body, ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_ssf_poll_answer(ngx_http_sg_ssf_poller_t *p,
    ngx_http_request_t *r, ngx_str_t *body, ngx_uint_t *more);
static ngx_int_t ngx_http_sg_ssf_poll_keep(ngx_http_sg_ssf_poller_t *p,
    ngx_http_request_t *r, ngx_array_t *acks, ngx_array_t *errs);
static void ngx_http_sg_ssf_poll_next(ngx_http_sg_ssf_poller_t *p,
    ngx_msec_t after);


typedef struct {
    ngx_str_t                   jti;
    const char                 *reason;
    ngx_sg_set_err_e            err;
} ngx_http_sg_ssf_poll_err_t;


static ngx_str_t  ngx_http_sg_ssf_poll_type = ngx_string("application/json");


ngx_int_t
ngx_http_sg_ssf_poll_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                 i;
    ngx_http_sg_ssf_conf_t   **sp;
    ngx_http_sg_main_conf_t   *smcf;
    ngx_http_sg_ssf_poller_t  *p;

    if ((ngx_process != NGX_PROCESS_WORKER
         && ngx_process != NGX_PROCESS_SINGLE)
        || ngx_worker != 0)
    {
        return NGX_OK;
    }

    smcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_session_guard_module);

    if (smcf == NULL || smcf->pollers == NULL) {
        return NGX_OK;
    }

    sp = smcf->pollers->elts;

    for (i = 0; i < smcf->pollers->nelts; i++) {
        p = ngx_pcalloc(cycle->pool, sizeof(ngx_http_sg_ssf_poller_t));
        if (p == NULL) {
            return NGX_ERROR;
        }

        p->scf = sp[i];
        sp[i]->state = p;

        p->ev.handler = ngx_http_sg_ssf_poll_run;
        p->ev.data = p;
        p->ev.log = cycle->log;

        /* a graceful shutdown does not wait for it */
        p->ev.cancelable = 1;

        /* the first poll soon after the start */
        ngx_add_timer(&p->ev, 100);
    }

    return NGX_OK;
}


static void
ngx_http_sg_ssf_poll_run(ngx_event_t *ev)
{
    ngx_http_sg_ssf_poller_t *p = ev->data;

    u_char                    *b;
    ngx_str_t                  body;
    ngx_pool_t                *pool;
    ngx_http_sg_ssf_conf_t    *scf;
    ngx_http_sg_background_t  *bg;

    if (ngx_exiting || ngx_terminate || ngx_quit || p->busy) {
        return;
    }

    scf = p->scf;

    bg = ngx_http_sg_background_create(scf->ctx, ev->log);
    if (bg == NULL) {
        ngx_http_sg_ssf_poll_next(p, scf->interval);
        return;
    }

    pool = ngx_http_sg_background_pool(bg);

    body.len = sizeof("{\"returnImmediately\":true,\"maxEvents\":}") - 1
               + NGX_INT_T_LEN + 1 + p->pending_len;

    b = ngx_pnalloc(pool, body.len);
    if (b == NULL) {
        ngx_http_sg_background_discard(bg);
        ngx_http_sg_ssf_poll_next(p, scf->interval);
        return;
    }

    body.data = b;
    b = ngx_sprintf(b, "{\"returnImmediately\":true,\"maxEvents\":%ui",
                    scf->max_events);

    if (p->pending_len) {
        *b++ = ',';
        b = ngx_cpymem(b, p->pending, p->pending_len);
    }

    *b++ = '}';
    body.len = b - body.data;

    if (ngx_http_sg_background_post(bg, &scf->poll_uri,
                                    &ngx_http_sg_ssf_poll_type, &body,
                                    ngx_http_sg_ssf_poll_done, p)
        != NGX_OK)
    {
        ngx_http_sg_ssf_poll_next(p, scf->interval);
        return;
    }

    p->busy = 1;
}


static void
ngx_http_sg_ssf_poll_done(void *data, ngx_uint_t status, ngx_str_t *body,
    ngx_http_request_t *r)
{
    ngx_http_sg_ssf_poller_t *p = data;

    ngx_int_t                rc;
    ngx_uint_t               more;
    ngx_http_sg_ssf_conf_t  *scf;

    p->busy = 0;
    scf = p->scf;

    if (r == NULL || status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, p->ev.log, 0,
                      "session_guard: polling \"%V\" for security events "
                      "failed: status %ui", &scf->poll_uri, status);

        ngx_http_sg_zone_count_event(scf->zone,
                                     NGX_HTTP_SG_EVENT_SSF_POLL_FAILED);
        ngx_http_sg_ssf_poll_next(p, scf->interval);
        return;
    }

    more = 0;

    rc = ngx_http_sg_ssf_poll_answer(p, r, body, &more);

    if (rc != NGX_OK) {
        ngx_http_sg_zone_count_event(scf->zone,
                                     NGX_HTTP_SG_EVENT_SSF_POLL_FAILED);
        ngx_http_sg_ssf_poll_next(p, scf->interval);
        return;
    }

    ngx_http_sg_zone_count_event(scf->zone, NGX_HTTP_SG_EVENT_SSF_POLL_OK);

    /*
     * At once while the transmitter has more; within a second when there
     * is something to acknowledge (it may be waiting for that to send
     * the rest), else after the interval.
     */

    ngx_http_sg_ssf_poll_next(p, more ? 1
                                 : p->pending_len ? ngx_min(scf->interval,
                                                            1000)
                                 : scf->interval);
}


/*
 * {"sets":{jti:SET,...},"moreAvailable":bool}: every SET received, the
 * acknowledgements and errors kept for the next poll.  NGX_OK, or
 * NGX_ERROR (logged) when the answer is not that.
 */

static ngx_int_t
ngx_http_sg_ssf_poll_answer(ngx_http_sg_ssf_poller_t *p,
    ngx_http_request_t *r, ngx_str_t *body, ngx_uint_t *more)
{
    json_t                      *root, *sets, *v;
    ngx_int_t                    rc;
    ngx_str_t                    text, *ack;
    const char                  *key, *reason;
    ngx_array_t                 *acks, *errs;
    json_error_t                 jerr;
    ngx_sg_set_err_e             err;
    ngx_http_sg_ssf_conf_t      *scf;
    ngx_http_sg_ssf_poll_err_t  *e;

    scf = p->scf;

    root = json_loadb((const char *) body->data, body->len,
                      JSON_REJECT_DUPLICATES, &jerr);

    if (root == NULL || !json_is_object(root)) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: polling \"%V\" for security events: "
                      "the answer is not a JSON object", &scf->poll_uri);
        goto failed;
    }

    sets = json_object_get(root, "sets");
    v = json_object_get(root, "moreAvailable");

    if (!json_is_object(sets) || (v != NULL && !json_is_boolean(v))) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: polling \"%V\" for security events: "
                      "no \"sets\" object in the answer", &scf->poll_uri);
        goto failed;
    }

    if (json_object_size(sets) > scf->max_events) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: polling \"%V\" for security events: "
                      "%uz events, more than the %ui asked for",
                      &scf->poll_uri, json_object_size(sets),
                      scf->max_events);
        goto failed;
    }

    *more = json_is_true(v);

    acks = ngx_array_create(r->pool, 8, sizeof(ngx_str_t));
    errs = ngx_array_create(r->pool, 2, sizeof(ngx_http_sg_ssf_poll_err_t));

    if (acks == NULL || errs == NULL) {
        goto failed;
    }

    json_object_foreach(sets, key, v) {

        text.data = (u_char *) key;
        text.len = ngx_strlen(key);

        if (text.len == 0 || text.len > NGX_SG_SET_JTI_MAX) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "session_guard: polled security event with an "
                          "empty or oversized jti ignored");
            continue;
        }

        if (!json_is_string(v)) {
            reason = "not a string";
            err = NGX_SG_SET_ERR_INVALID_REQUEST;
            rc = NGX_DECLINED;

        } else {
            ngx_str_t  set;

            set.data = (u_char *) json_string_value(v);
            set.len = json_string_length(v);

            rc = ngx_http_sg_ssf_receive(r, scf, NULL, &set, &reason, &err);
        }

        if (rc == NGX_OK || rc == NGX_DONE) {
            ack = ngx_array_push(acks);
            if (ack == NULL) {
                goto failed;
            }

            *ack = text;
            continue;
        }

        if (rc == NGX_DECLINED) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "session_guard: polled security event \"%V\" "
                          "refused: %s (%V)", ngx_http_sg_log_str(r, &text),
                          reason, &ngx_sg_set_err_names[err]);

            ngx_http_sg_ssf_count_refusal(scf->zone, err);

            e = ngx_array_push(errs);
            if (e == NULL) {
                goto failed;
            }

            e->jti = text;
            e->reason = reason;
            e->err = err;
            continue;
        }

        /* not stored: neither acknowledged nor refused, it comes again */

        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: polled security event \"%V\" could "
                      "not be stored, left to come again",
                      ngx_http_sg_log_str(r, &text));
    }

    if (ngx_http_sg_ssf_poll_keep(p, r, acks, errs) != NGX_OK) {
        goto failed;
    }

    json_decref(root);

    return NGX_OK;

failed:

    if (root) {
        json_decref(root);
    }

    return NGX_ERROR;
}


/*
 * The next poll's "ack" and "setErrs", in this worker's memory: what was
 * not yet acknowledged (a failed poll) is kept and sent again.
 */

static ngx_int_t
ngx_http_sg_ssf_poll_keep(ngx_http_sg_ssf_poller_t *p, ngx_http_request_t *r,
    ngx_array_t *acks, ngx_array_t *errs)
{
    u_char                      *buf, *b;
    size_t                       len;
    ngx_str_t                   *ack;
    ngx_uint_t                   i;
    ngx_http_sg_ssf_poll_err_t  *e;

    if (acks->nelts == 0 && errs->nelts == 0) {
        ngx_free(p->pending);
        p->pending = NULL;
        p->pending_len = 0;
        return NGX_OK;
    }

    ack = acks->elts;
    e = errs->elts;

    len = sizeof("\"ack\":[],\"setErrs\":{}");

    for (i = 0; i < acks->nelts; i++) {
        len += ngx_sg_escape_json(NULL, ack[i].data, ack[i].len) + 3;
    }

    for (i = 0; i < errs->nelts; i++) {
        len += ngx_sg_escape_json(NULL, e[i].jti.data, e[i].jti.len)
               + sizeof("\"\":{\"err\":\"\",\"description\":\"\"},")
               + ngx_sg_set_err_names[e[i].err].len + ngx_strlen(e[i].reason);
    }

    if (len > NGX_HTTP_SG_SSF_POLL_ACK_MAX) {
        return NGX_ERROR;
    }

    buf = ngx_alloc(len, r->connection->log);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    b = ngx_cpymem(buf, "\"ack\":[", 7);

    for (i = 0; i < acks->nelts; i++) {
        if (i) {
            *b++ = ',';
        }

        *b++ = '"';
        b += ngx_sg_escape_json(b, ack[i].data, ack[i].len);
        *b++ = '"';
    }

    b = ngx_cpymem(b, "],\"setErrs\":{", 13);

    /* the reasons are the core's static strings: nothing to escape */

    for (i = 0; i < errs->nelts; i++) {
        if (i) {
            *b++ = ',';
        }

        *b++ = '"';
        b += ngx_sg_escape_json(b, e[i].jti.data, e[i].jti.len);
        b = ngx_sprintf(b, "\":{\"err\":\"%V\",\"description\":\"%s\"}",
                        &ngx_sg_set_err_names[e[i].err], e[i].reason);
    }

    *b++ = '}';

    ngx_free(p->pending);
    p->pending = buf;
    p->pending_len = b - buf;

    return NGX_OK;
}


static void
ngx_http_sg_ssf_poll_next(ngx_http_sg_ssf_poller_t *p, ngx_msec_t after)
{
    if (ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    if (p->ev.timer_set) {
        ngx_del_timer(&p->ev);
    }

    ngx_add_timer(&p->ev, after);
}
