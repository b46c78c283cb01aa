
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_metrics in the Prometheus text exposition format 0.0.4,
 * or in OpenMetrics 1.0 (which names a counter's family without its
 * "_total" and ends with "# EOF").  Every family has HELP and TYPE lines
 * and its samples together, one per zone (label "zone") and label value,
 * zeros included, so that the series set is fixed by the configuration.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"


/* one sample line, besides the zone's name (escaped, twice as long) */
#define NGX_HTTP_SG_PROM_LINE      192
#define NGX_HTTP_SG_PROM_LINES     122
#define NGX_HTTP_SG_PROM_HEADERS   8192


#define NGX_HTTP_SG_PROM_ACTIVE    0
#define NGX_HTTP_SG_PROM_REVOKED   1
#define NGX_HTTP_SG_PROM_SIZE      2
#define NGX_HTTP_SG_PROM_USED      3
#define NGX_HTTP_SG_PROM_FREE      4
#define NGX_HTTP_SG_PROM_CREATED   5
#define NGX_HTTP_SG_PROM_EVICTED   6
#define NGX_HTTP_SG_PROM_EXPIRED   7
#define NGX_HTTP_SG_PROM_LIMITED   8
#define NGX_HTTP_SG_PROM_FAILED    9
#define NGX_HTTP_SG_PROM_REPLAYS   10
#define NGX_HTTP_SG_PROM_QUEUED    11
#define NGX_HTTP_SG_PROM_SCALARS   12


typedef struct {
    const char                 *name;       /* without "_total" */
    ngx_uint_t                  counter;
    const char                 *help;
} ngx_http_sg_prom_family_t;


typedef struct {
    u_char                     *last;
    ngx_uint_t                  om;         /* OpenMetrics */
    ngx_str_t                  *zones;      /* escaped names */
    ngx_str_t                  *throttles;  /* escaped names */
    ngx_http_sg_metrics_t      *m;
} ngx_http_sg_prom_t;


static u_char *ngx_http_sg_prom_family(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f);
static u_char *ngx_http_sg_prom_sample(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f, ngx_uint_t z, const char *l1,
    ngx_str_t *v1, const char *l2, ngx_str_t *v2, ngx_atomic_uint_t value);
static u_char *ngx_http_sg_prom_set(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f, const char *label, ngx_str_t *names,
    ngx_uint_t from, ngx_uint_t n, ngx_uint_t what);
static ngx_atomic_uint_t ngx_http_sg_prom_scalar(
    ngx_http_sg_metrics_zone_t *z, ngx_uint_t which);
static u_char *ngx_http_sg_prom_throttles(ngx_http_sg_prom_t *pr,
    u_char *p, ngx_http_sg_prom_family_t *f, ngx_uint_t blocks);
static ngx_int_t ngx_http_sg_prom_escape(ngx_pool_t *pool, ngx_str_t *src,
    ngx_str_t *dst);


static ngx_http_sg_prom_family_t  ngx_http_sg_prom_scalars[] = {

    { "session_guard_active_sessions", 0,
      "Session records held that are not revoked." },

    { "session_guard_revoked_sessions", 0,
      "Revoked session records held, until no token carrying them can "
      "be valid." },

    { "session_guard_zone_size_bytes", 0,
      "Size of the shared memory zone's slab pages." },

    { "session_guard_zone_used_bytes", 0,
      "Bytes of the zone's slab pages in use." },

    { "session_guard_zone_free_bytes", 0,
      "Bytes of the zone's slab pages free." },

    { "session_guard_sessions_created", 1,
      "Session records created." },

    { "session_guard_sessions_evicted", 1,
      "Sessions evicted, least recently used first, to make room." },

    { "session_guard_sessions_expired", 1,
      "Session records reclaimed once no token could carry them." },

    { "session_guard_sessions_limited", 1,
      "Sessions refused or replaced by session_guard_max_sessions." },

    { "session_guard_revocation_failures", 1,
      "Revocations the zone could not store (the request failed "
      "closed)." },

    { "session_guard_jti_replays", 1,
      "One-time identifiers (jti) refused as replays." },

    { "session_guard_security_events_queued", 0,
      "Shared Signals events waiting in the zone's outbox to be sent." }
};


static ngx_http_sg_prom_family_t  ngx_http_sg_prom_revocations =
    { "session_guard_revocations", 1,
      "Sessions revoked, by source." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_decisions =
    { "session_guard_decisions", 1,
      "Access decisions, by status and mode (monitor: the decision that "
      "would have been enforced)." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_signals =
    { "session_guard_signals", 1,
      "Changes of what a session is bound to, by signal." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_actions =
    { "session_guard_actions", 1,
      "Policy actions, by action and mode (monitor: not enforced)." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_rejected =
    { "session_guard_tokens_rejected", 1,
      "Tokens rejected, by reason." };


static ngx_http_sg_prom_family_t  ngx_http_sg_prom_logout =
    { "session_guard_logout_tokens", 1,
      "Back-channel logout tokens received, by result." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_ssf =
    { "session_guard_security_events", 1,
      "Shared Signals events received (session_guard_ssf_receiver), by "
      "result." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_ssf_refused =
    { "session_guard_security_events_refused", 1,
      "Shared Signals events refused, by RFC 8935 error code." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_ssf_sent =
    { "session_guard_security_events_sent", 1,
      "Shared Signals events transmitted (session_guard_ssf_transmitter), "
      "by result." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_ssf_polls =
    { "session_guard_security_event_polls", 1,
      "Polls of a transmitter for Shared Signals events "
      "(session_guard_ssf_poll), by result." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_notify =
    { "session_guard_notifications", 1,
      "Logout notifications to applications (session_guard_notify), by "
      "result." };


static ngx_http_sg_prom_family_t  ngx_http_sg_prom_jwks_fetches =
    { "session_guard_jwks_fetches", 1,
      "Key set fetches (session_guard_jwks_fetch) made for the zone's "
      "locations, by result." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_jwks_discoveries =
    { "session_guard_jwks_discoveries", 1,
      "Discovery documents fetched for the zone's locations (\"discover=\"), "
      "by result." };


/* of the http block's throttle zones: label "throttle", not "zone" */

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_throttle_blocks =
    { "session_guard_throttle_blocks", 1,
      "Sources (addresses, subjects) blocked by a failure throttling zone "
      "(session_guard_throttle_zone)." };

static ngx_http_sg_prom_family_t  ngx_http_sg_prom_throttle_uncounted =
    { "session_guard_throttle_uncounted", 1,
      "Failures a throttling zone had no room to count (the zone is too "
      "small)." };


/* results of a fetch: ok, failed */
static ngx_str_t  ngx_http_sg_prom_fetched[] = {
    ngx_string("ok"),
    ngx_string("failed")
};


static ngx_str_t  ngx_http_sg_prom_modes[] = {
    ngx_string("enforce"),
    ngx_string("monitor")
};


/* what ngx_http_sg_prom_set() counts */
#define NGX_HTTP_SG_PROM_SET_SOURCES    0
#define NGX_HTTP_SG_PROM_SET_SIGNALS    1
#define NGX_HTTP_SG_PROM_SET_REJECTED   2
#define NGX_HTTP_SG_PROM_SET_DECISIONS  3   /* + mode */
#define NGX_HTTP_SG_PROM_SET_ACTIONS    5   /* + mode */
#define NGX_HTTP_SG_PROM_SET_EVENTS     7
#define NGX_HTTP_SG_PROM_SET_JWKS       8
#define NGX_HTTP_SG_PROM_SET_DISCOVERY  9
#define NGX_HTTP_SG_PROM_SET_SSF_REFUSED 10


ngx_chain_t *
ngx_http_sg_metrics_prom(ngx_http_request_t *r, ngx_http_sg_metrics_t *m,
    ngx_uint_t openmetrics)
{
    u_char              *start, *p;
    size_t               len;
    ngx_uint_t           i, z, mode;
    ngx_http_sg_prom_t   pr;

    pr.om = openmetrics;
    pr.m = m;

    pr.zones = ngx_palloc(r->pool, (m->nzones ? m->nzones : 1)
                                   * sizeof(ngx_str_t));
    if (pr.zones == NULL) {
        return NULL;
    }

    len = NGX_HTTP_SG_PROM_HEADERS;

    for (z = 0; z < m->nzones; z++) {
        if (ngx_http_sg_prom_escape(r->pool, m->zones[z].name, &pr.zones[z])
            != NGX_OK)
        {
            return NULL;
        }

        len += NGX_HTTP_SG_PROM_LINES
               * (NGX_HTTP_SG_PROM_LINE + pr.zones[z].len);
    }

    pr.throttles = ngx_palloc(r->pool, (m->nthrottles ? m->nthrottles : 1)
                                       * sizeof(ngx_str_t));
    if (pr.throttles == NULL) {
        return NULL;
    }

    for (z = 0; z < m->nthrottles; z++) {
        if (ngx_http_sg_prom_escape(r->pool, m->throttles[z].name,
                                    &pr.throttles[z])
            != NGX_OK)
        {
            return NULL;
        }

        len += 2 * (NGX_HTTP_SG_PROM_LINE + pr.throttles[z].len);
    }

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NULL;
    }

    p = start;
    pr.last = start + len;

    for (i = 0; i < NGX_HTTP_SG_PROM_SCALARS; i++) {
        p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_scalars[i]);

        for (z = 0; z < m->nzones; z++) {
            p = ngx_http_sg_prom_sample(&pr, p, &ngx_http_sg_prom_scalars[i],
                                        z, NULL, NULL, NULL, NULL,
                                 ngx_http_sg_prom_scalar(&m->zones[z], i));
        }
    }

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_revocations);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_revocations,
                             "source", ngx_sg_revoked_names,
                             NGX_SG_REVOKED_POLICY,
                             NGX_SG_REVOKED_COUNT,
                             NGX_HTTP_SG_PROM_SET_SOURCES);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_decisions);

    for (mode = 0; mode < 2; mode++) {
        p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_decisions,
                                 "status", ngx_http_sg_decision_names,
                                 NGX_HTTP_SG_STATUS_ALLOW,
                                 NGX_HTTP_SG_STATUS_COUNT,
                                 NGX_HTTP_SG_PROM_SET_DECISIONS + mode);
    }

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_signals);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_signals, "signal",
                             ngx_sg_signal_names, 0,
                             NGX_SG_SIG_COUNT,
                             NGX_HTTP_SG_PROM_SET_SIGNALS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_actions);

    for (mode = 0; mode < 2; mode++) {
        p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_actions,
                                 "action", ngx_sg_action_names, 0,
                                 NGX_SG_ACT_COUNT,
                                 NGX_HTTP_SG_PROM_SET_ACTIONS + mode);
    }

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_rejected);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_rejected, "reason",
                             ngx_http_sg_reject_names, 0,
                             NGX_HTTP_SG_REJECT_COUNT,
                             NGX_HTTP_SG_PROM_SET_REJECTED);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_logout);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_logout, "result",
                             ngx_http_sg_event_results,
                             NGX_HTTP_SG_EVENT_LOGOUT_ACCEPTED,
                             NGX_HTTP_SG_EVENT_LOGOUT_REFUSED + 1,
                             NGX_HTTP_SG_PROM_SET_EVENTS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_notify);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_notify, "result",
                             ngx_http_sg_event_results,
                             NGX_HTTP_SG_EVENT_NOTIFY_SENT,
                             NGX_HTTP_SG_EVENT_NOTIFY_FAILED + 1,
                             NGX_HTTP_SG_PROM_SET_EVENTS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_ssf);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_ssf, "result",
                             ngx_http_sg_event_results,
                             NGX_HTTP_SG_EVENT_SSF_ACCEPTED,
                             NGX_HTTP_SG_EVENT_SSF_STEP_UP + 1,
                             NGX_HTTP_SG_PROM_SET_EVENTS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_ssf_refused);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_ssf_refused, "reason",
                             ngx_sg_set_err_names, 0, NGX_SG_SET_ERR_COUNT,
                             NGX_HTTP_SG_PROM_SET_SSF_REFUSED);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_ssf_sent);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_ssf_sent, "result",
                             ngx_http_sg_event_results,
                             NGX_HTTP_SG_EVENT_SSF_SENT,
                             NGX_HTTP_SG_EVENT_SSF_DROPPED + 1,
                             NGX_HTTP_SG_PROM_SET_EVENTS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_ssf_polls);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_ssf_polls, "result",
                             ngx_http_sg_event_results,
                             NGX_HTTP_SG_EVENT_SSF_POLL_OK,
                             NGX_HTTP_SG_EVENT_SSF_POLL_FAILED + 1,
                             NGX_HTTP_SG_PROM_SET_EVENTS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_jwks_fetches);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_jwks_fetches,
                             "result", ngx_http_sg_prom_fetched, 0, 2,
                             NGX_HTTP_SG_PROM_SET_JWKS);

    p = ngx_http_sg_prom_family(&pr, p, &ngx_http_sg_prom_jwks_discoveries);
    p = ngx_http_sg_prom_set(&pr, p, &ngx_http_sg_prom_jwks_discoveries,
                             "result", ngx_http_sg_prom_fetched, 0, 2,
                             NGX_HTTP_SG_PROM_SET_DISCOVERY);

    if (m->nthrottles) {
        p = ngx_http_sg_prom_throttles(&pr, p,
                                       &ngx_http_sg_prom_throttle_blocks, 1);
        p = ngx_http_sg_prom_throttles(&pr, p,
                                       &ngx_http_sg_prom_throttle_uncounted,
                                       0);
    }

    if (openmetrics) {
        p = ngx_slprintf(p, pr.last, "# EOF\n");
    }

    return ngx_http_sg_metrics_chain(r, start, p, pr.last);
}


static u_char *
ngx_http_sg_prom_family(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f)
{
    const char  *suffix;

    /* the 0.0.4 format names a counter's family as its samples */

    suffix = (f->counter && !pr->om) ? "_total" : "";

    return ngx_slprintf(p, pr->last, "# HELP %s%s %s\n# TYPE %s%s %s\n",
                        f->name, suffix, f->help, f->name, suffix,
                        f->counter ? "counter" : "gauge");
}


static u_char *
ngx_http_sg_prom_sample(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f, ngx_uint_t z, const char *l1,
    ngx_str_t *v1, const char *l2, ngx_str_t *v2, ngx_atomic_uint_t value)
{
    p = ngx_slprintf(p, pr->last, "%s%s{zone=\"%V\"", f->name,
                     f->counter ? "_total" : "", &pr->zones[z]);

    if (l1) {
        p = ngx_slprintf(p, pr->last, ",%s=\"%V\"", l1, v1);
    }

    if (l2) {
        p = ngx_slprintf(p, pr->last, ",%s=\"%V\"", l2, v2);
    }

    return ngx_slprintf(p, pr->last, "} %uA\n", value);
}


/* the samples of a labelled family: every zone, names[from..n) */

static u_char *
ngx_http_sg_prom_set(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f, const char *label, ngx_str_t *names,
    ngx_uint_t from, ngx_uint_t n, ngx_uint_t what)
{
    ngx_uint_t                    z, i, mode;
    ngx_atomic_uint_t             v;
    ngx_http_sg_metrics_zone_t   *mz;
    ngx_http_sg_zone_counters_t  *c;

    for (z = 0; z < pr->m->nzones; z++) {
        mz = &pr->m->zones[z];
        c = &mz->counters;

        for (i = from; i < n; i++) {

            switch (what) {

            case NGX_HTTP_SG_PROM_SET_SOURCES:
                v = mz->stats.revocations[i];
                break;

            case NGX_HTTP_SG_PROM_SET_SIGNALS:
                v = c->signals[i];
                break;

            case NGX_HTTP_SG_PROM_SET_REJECTED:
                v = c->rejected[i];
                break;

            case NGX_HTTP_SG_PROM_SET_EVENTS:
                v = c->events[i];
                break;

            case NGX_HTTP_SG_PROM_SET_JWKS:
                v = c->jwks_fetches[i];
                break;

            case NGX_HTTP_SG_PROM_SET_DISCOVERY:
                v = c->jwks_discoveries[i];
                break;

            case NGX_HTTP_SG_PROM_SET_SSF_REFUSED:
                v = c->ssf_refused[i];
                break;

            case NGX_HTTP_SG_PROM_SET_DECISIONS:
            case NGX_HTTP_SG_PROM_SET_DECISIONS + 1:
                mode = what - NGX_HTTP_SG_PROM_SET_DECISIONS;
                p = ngx_http_sg_prom_sample(pr, p, f, z, "mode",
                                            &ngx_http_sg_prom_modes[mode],
                                            label, &names[i],
                                            c->decisions[mode][i]);
                continue;

            default: /* NGX_HTTP_SG_PROM_SET_ACTIONS (+ 1) */
                mode = what - NGX_HTTP_SG_PROM_SET_ACTIONS;
                p = ngx_http_sg_prom_sample(pr, p, f, z, "mode",
                                            &ngx_http_sg_prom_modes[mode],
                                            label, &names[i],
                                            c->actions[mode][i]);
                continue;
            }

            p = ngx_http_sg_prom_sample(pr, p, f, z, label, &names[i], NULL,
                                        NULL, v);
        }
    }

    return p;
}


static ngx_atomic_uint_t
ngx_http_sg_prom_scalar(ngx_http_sg_metrics_zone_t *z, ngx_uint_t which)
{
    ngx_http_sg_zone_stats_t  *st;

    st = &z->stats;

    switch (which) {

    case NGX_HTTP_SG_PROM_ACTIVE:
        return st->sessions > st->revoked ? st->sessions - st->revoked : 0;

    case NGX_HTTP_SG_PROM_REVOKED:
        return st->revoked;

    case NGX_HTTP_SG_PROM_SIZE:
        return z->size;

    case NGX_HTTP_SG_PROM_USED:
        return z->size - z->free;

    case NGX_HTTP_SG_PROM_FREE:
        return z->free;

    case NGX_HTTP_SG_PROM_CREATED:
        return st->created;

    case NGX_HTTP_SG_PROM_EVICTED:
        return st->evicted;

    case NGX_HTTP_SG_PROM_EXPIRED:
        return st->expired;

    case NGX_HTTP_SG_PROM_LIMITED:
        return st->limited;

    case NGX_HTTP_SG_PROM_FAILED:
        return st->revoke_failed;

    case NGX_HTTP_SG_PROM_REPLAYS:
        return st->jti_replays;

    default: /* NGX_HTTP_SG_PROM_QUEUED */
        return z->queued;
    }
}


/* a family of the throttle zones: their blocks, or their uncounted */

static u_char *
ngx_http_sg_prom_throttles(ngx_http_sg_prom_t *pr, u_char *p,
    ngx_http_sg_prom_family_t *f, ngx_uint_t blocks)
{
    ngx_uint_t                       i;
    ngx_http_sg_metrics_throttle_t  *t;

    p = ngx_http_sg_prom_family(pr, p, f);

    for (i = 0; i < pr->m->nthrottles; i++) {
        t = &pr->m->throttles[i];

        p = ngx_slprintf(p, pr->last, "%s_total{throttle=\"%V\"} %ui\n",
                         f->name, &pr->throttles[i],
                         blocks ? t->blocks : t->uncounted);
    }

    return p;
}


/* a label value: backslash, double quote and newline escaped */

static ngx_int_t
ngx_http_sg_prom_escape(ngx_pool_t *pool, ngx_str_t *src, ngx_str_t *dst)
{
    u_char      *d;
    ngx_uint_t   i;

    d = ngx_pnalloc(pool, 2 * src->len + 1);
    if (d == NULL) {
        return NGX_ERROR;
    }

    dst->data = d;

    for (i = 0; i < src->len; i++) {

        switch (src->data[i]) {

        case '\\':
        case '"':
            *d++ = '\\';
            *d++ = src->data[i];
            break;

        case '\n':
            *d++ = '\\';
            *d++ = 'n';
            break;

        default:
            *d++ = src->data[i];
        }
    }

    dst->len = d - dst->data;

    return NGX_OK;
}
