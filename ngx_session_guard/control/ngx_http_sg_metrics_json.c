
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_metrics as JSON: one stable object, every key always
 * present (zeros included), zones by name:
 *
 *   {"time":T,"zones":{"NAME":{
 *       "sessions":{"active","revoked","created","evicted","expired",
 *                   "limited"},
 *       "memory":{"size","used","free"},                  (bytes)
 *       "revocations":{"policy","api","logout","limit","failed"},
 *       "jti_replays":N,
 *       "decisions":{"enforce":{STATUS:N...},"monitor":{...}},
 *       "signals":{SIGNAL:N...},
 *       "actions":{"enforce":{ACTION:N...},"monitor":{...}},
 *       "tokens_rejected":{REASON:N...},
 *       "logout_tokens":{"accepted","refused"},
 *       "notifications":{"sent","failed"},
 *       "jwks_fetches":{"ok","failed"},
 *       "jwks_discoveries":{"ok","failed"}}},
 *    "throttles":{"NAME":{"blocks","uncounted"}}}
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"


/* the most one zone takes, besides its name */
#define NGX_HTTP_SG_METRICS_JSON_ZONE  4096


static u_char *ngx_http_sg_metrics_json_key(u_char *p, u_char *last,
    ngx_str_t *name, ngx_uint_t i);
static u_char *ngx_http_sg_metrics_json_zone(u_char *p, u_char *last,
    ngx_http_sg_metrics_zone_t *z);
static u_char *ngx_http_sg_metrics_json_set(u_char *p, u_char *last,
    ngx_str_t *names, ngx_atomic_t *values, ngx_uint_t from, ngx_uint_t n);


ngx_chain_t *
ngx_http_sg_metrics_json(ngx_http_request_t *r, ngx_http_sg_metrics_t *m)
{
    u_char      *start, *p, *last;
    size_t       len;
    ngx_uint_t   i;

    len = 64;

    for (i = 0; i < m->nzones; i++) {
        len += NGX_HTTP_SG_METRICS_JSON_ZONE + 2
               + ngx_sg_escape_json(NULL, m->zones[i].name->data,
                                    m->zones[i].name->len);
    }

    for (i = 0; i < m->nthrottles; i++) {
        len += 64 + 2 * NGX_ATOMIC_T_LEN
               + ngx_sg_escape_json(NULL, m->throttles[i].name->data,
                                    m->throttles[i].name->len);
    }

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NULL;
    }

    last = start + len;

    p = ngx_slprintf(start, last, "{\"time\":%T,\"zones\":{", m->now);

    for (i = 0; i < m->nzones; i++) {
        p = ngx_http_sg_metrics_json_key(p, last, m->zones[i].name, i);
        p = ngx_http_sg_metrics_json_zone(p, last, &m->zones[i]);
    }

    p = ngx_slprintf(p, last, "},\"throttles\":{");

    for (i = 0; i < m->nthrottles; i++) {
        p = ngx_http_sg_metrics_json_key(p, last, m->throttles[i].name, i);
        p = ngx_slprintf(p, last, "{\"blocks\":%ui,\"uncounted\":%ui}",
                         m->throttles[i].blocks, m->throttles[i].uncounted);
    }

    p = ngx_slprintf(p, last, "}}\n");

    return ngx_http_sg_metrics_chain(r, start, p, last);
}


/* ,"name": (without the comma for the first): at last when it has no room */

static u_char *
ngx_http_sg_metrics_json_key(u_char *p, u_char *last, ngx_str_t *name,
    ngx_uint_t i)
{
    size_t  n;

    n = ngx_sg_escape_json(NULL, name->data, name->len);

    if ((size_t) (last - p) < n + 4) {
        return last;
    }

    if (i) {
        *p++ = ',';
    }

    *p++ = '"';
    p += ngx_sg_escape_json(p, name->data, name->len);
    *p++ = '"';
    *p++ = ':';

    return p;
}


static u_char *
ngx_http_sg_metrics_json_zone(u_char *p, u_char *last,
    ngx_http_sg_metrics_zone_t *z)
{
    ngx_uint_t                    i;
    ngx_http_sg_zone_stats_t     *st;
    ngx_http_sg_zone_counters_t  *c;

    st = &z->stats;
    c = &z->counters;

    p = ngx_slprintf(p, last,
                     "{\"sessions\":{\"active\":%uA,\"revoked\":%uA,"
                     "\"created\":%uA,\"evicted\":%uA,\"expired\":%uA,"
                     "\"limited\":%uA},",
                     st->sessions > st->revoked
                     ? st->sessions - st->revoked : 0,
                     st->revoked, st->created, st->evicted, st->expired,
                     st->limited);

    p = ngx_slprintf(p, last,
                     "\"memory\":{\"size\":%uz,\"used\":%uz,\"free\":%uz},",
                     z->size, z->size - z->free, z->free);

    p = ngx_slprintf(p, last, "\"revocations\":{");

    for (i = NGX_SG_REVOKED_POLICY; i < NGX_SG_REVOKED_COUNT; i++) {
        p = ngx_slprintf(p, last, "\"%V\":%uA,",
                         &ngx_sg_revoked_names[i], st->revocations[i]);
    }

    p = ngx_slprintf(p, last, "\"failed\":%uA},\"jti_replays\":%uA,"
                     "\"decisions\":{\"enforce\":",
                     st->revoke_failed, st->jti_replays);

    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_decision_names,
                                     c->decisions[0],
                                     NGX_HTTP_SG_STATUS_ALLOW,
                                     NGX_HTTP_SG_STATUS_COUNT);
    p = ngx_slprintf(p, last, ",\"monitor\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_decision_names,
                                     c->decisions[1],
                                     NGX_HTTP_SG_STATUS_ALLOW,
                                     NGX_HTTP_SG_STATUS_COUNT);

    p = ngx_slprintf(p, last, "},\"signals\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_sg_signal_names,
                                     c->signals, 0, NGX_SG_SIG_COUNT);

    p = ngx_slprintf(p, last, ",\"actions\":{\"enforce\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_sg_action_names,
                                     c->actions[0], 0, NGX_SG_ACT_COUNT);
    p = ngx_slprintf(p, last, ",\"monitor\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_sg_action_names,
                                     c->actions[1], 0, NGX_SG_ACT_COUNT);

    p = ngx_slprintf(p, last, "},\"tokens_rejected\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_reject_names,
                                     c->rejected, 0,
                                     NGX_HTTP_SG_REJECT_COUNT);

    p = ngx_slprintf(p, last, ",\"logout_tokens\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_event_results,
                                     c->events,
                                     NGX_HTTP_SG_EVENT_LOGOUT_ACCEPTED,
                                     NGX_HTTP_SG_EVENT_LOGOUT_REFUSED + 1);

    p = ngx_slprintf(p, last, ",\"notifications\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_event_results,
                                     c->events,
                                     NGX_HTTP_SG_EVENT_NOTIFY_SENT,
                                     NGX_HTTP_SG_EVENT_NOTIFY_FAILED + 1);

    p = ngx_slprintf(p, last, ",\"security_events\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_event_results,
                                     c->events,
                                     NGX_HTTP_SG_EVENT_SSF_ACCEPTED,
                                     NGX_HTTP_SG_EVENT_SSF_STEP_UP + 1);

    p = ngx_slprintf(p, last, ",\"security_events_refused\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_sg_set_err_names,
                                     c->ssf_refused, 0, NGX_SG_SET_ERR_COUNT);

    p = ngx_slprintf(p, last, ",\"security_events_sent\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_event_results,
                                     c->events,
                                     NGX_HTTP_SG_EVENT_SSF_SENT,
                                     NGX_HTTP_SG_EVENT_SSF_DROPPED + 1);

    p = ngx_slprintf(p, last, ",\"security_events_queued\":%ui",
                     z->queued);

    p = ngx_slprintf(p, last, ",\"security_event_polls\":");
    p = ngx_http_sg_metrics_json_set(p, last, ngx_http_sg_event_results,
                                     c->events,
                                     NGX_HTTP_SG_EVENT_SSF_POLL_OK,
                                     NGX_HTTP_SG_EVENT_SSF_POLL_FAILED + 1);

    p = ngx_slprintf(p, last, ",\"jwks_fetches\":{\"ok\":%uA,\"failed\":%uA},"
                     "\"jwks_discoveries\":{\"ok\":%uA,\"failed\":%uA}",
                     c->jwks_fetches[0], c->jwks_fetches[1],
                     c->jwks_discoveries[0], c->jwks_discoveries[1]);

    return ngx_slprintf(p, last, "}");
}


/* {"name":value,...} for names[from..n) */

static u_char *
ngx_http_sg_metrics_json_set(u_char *p, u_char *last, ngx_str_t *names,
    ngx_atomic_t *values, ngx_uint_t from, ngx_uint_t n)
{
    ngx_uint_t  i;

    p = ngx_slprintf(p, last, "{");

    for (i = from; i < n; i++) {
        p = ngx_slprintf(p, last, "%s\"%V\":%uA", i == from ? "" : ",",
                         &names[i], values[i]);
    }

    return ngx_slprintf(p, last, "}");
}
