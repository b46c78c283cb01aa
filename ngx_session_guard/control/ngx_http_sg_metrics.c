
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * "session_guard_metrics [zone=name] [format=...]" (parsed in
 * ngx_http_sg_metrics_conf.c): a content handler that reports each zone's
 * statistics (ngx_http_sg_zone_stats()) and decision counters, as JSON or
 * in a Prometheus exposition format, chosen by "?format=", else by the
 * Accept header, else by the directive.
 *
 * The decision counters are counted here too, for the access handler
 * (ngx_http_sg_metrics_count()): in the zone's shared memory so that all
 * workers add up, with atomic additions and no lock.  Rejected tokens are
 * counted by a fixed set of reasons, so that the label set stays small
 * whatever the core reports.  Logout tokens and notifications are counted
 * by ngx_http_sg_zone_count_event() (ngx_http_sg_zone.c).
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"
#include "ngx_http_sg_reply.h"


typedef struct {
    const char                 *reason;
    ngx_uint_t                  index;
} ngx_http_sg_reject_map_t;


/* the zone's counters must have room for every signal, action, status */

#if (NGX_SG_SIG_COUNT > NGX_HTTP_SG_COUNTERS_SIGNALS                        \
     || NGX_SG_ACT_COUNT > NGX_HTTP_SG_COUNTERS_ACTIONS                     \
     || NGX_HTTP_SG_STATUS_COUNT > NGX_HTTP_SG_COUNTERS_STATUSES            \
     || NGX_HTTP_SG_REJECT_COUNT > NGX_HTTP_SG_COUNTERS_REJECTS)
#error "session_guard: grow ngx_http_sg_zone_counters_t"
#endif

typedef char  ngx_http_sg_counters_check[
    (NGX_SG_SET_ERR_COUNT <= sizeof(((ngx_http_sg_zone_counters_t *) 0)
                                    ->ssf_refused) / sizeof(ngx_atomic_t)
     && NGX_HTTP_SG_EVENT_COUNT <= NGX_HTTP_SG_COUNTERS_EVENTS) ? 1 : -1];


static ngx_int_t ngx_http_sg_metrics_format(ngx_http_request_t *r,
    ngx_uint_t deflt);
static ngx_uint_t ngx_http_sg_metrics_accept(ngx_str_t *accept,
    ngx_uint_t deflt);
static ngx_int_t ngx_http_sg_metrics_qvalue(u_char *p, u_char *last);
static ngx_uint_t ngx_http_sg_metrics_reject(ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_metrics_snapshot(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_metrics_t *m);


/* the reasons of ngx_sg_jws.c, ngx_sg_json.c, ngx_sg_claims.c */

static ngx_http_sg_reject_map_t  ngx_http_sg_reject_map[] = {
    { "token too large", NGX_HTTP_SG_REJECT_MALFORMED },
    { "malformed token", NGX_HTTP_SG_REJECT_MALFORMED },
    { "bad base64url", NGX_HTTP_SG_REJECT_MALFORMED },
    { "bad header json", NGX_HTTP_SG_REJECT_MALFORMED },
    { "bad payload json", NGX_HTTP_SG_REJECT_MALFORMED },
    { "json nul byte", NGX_HTTP_SG_REJECT_MALFORMED },
    { "json too deep", NGX_HTTP_SG_REJECT_MALFORMED },
    { "bad json", NGX_HTTP_SG_REJECT_MALFORMED },
    { "json not object", NGX_HTTP_SG_REJECT_MALFORMED },
    { "missing alg", NGX_HTTP_SG_REJECT_MALFORMED },
    { "bad kid", NGX_HTTP_SG_REJECT_MALFORMED },
    { "bad typ", NGX_HTTP_SG_REJECT_MALFORMED },
    { "crit not supported", NGX_HTTP_SG_REJECT_MALFORMED },
    { "b64 not supported", NGX_HTTP_SG_REJECT_MALFORMED },
    { "alg none", NGX_HTTP_SG_REJECT_ALGORITHM },
    { "unknown alg", NGX_HTTP_SG_REJECT_ALGORITHM },
    { "alg not allowed", NGX_HTTP_SG_REJECT_ALGORITHM },
    { "unknown kid", NGX_HTTP_SG_REJECT_KEY },
    { "no key fits alg", NGX_HTTP_SG_REJECT_KEY },
    { "bad signature", NGX_HTTP_SG_REJECT_SIGNATURE },
    { "bad signature length", NGX_HTTP_SG_REJECT_SIGNATURE },
    { "expired", NGX_HTTP_SG_REJECT_EXPIRED },
    { "not yet valid", NGX_HTTP_SG_REJECT_NOT_YET },
    { "issued in the future", NGX_HTTP_SG_REJECT_NOT_YET },
    { "authenticated in the future", NGX_HTTP_SG_REJECT_NOT_YET },
    { "issuer mismatch", NGX_HTTP_SG_REJECT_ISSUER },
    { "audience mismatch", NGX_HTTP_SG_REJECT_AUDIENCE },
    { "typ mismatch", NGX_HTTP_SG_REJECT_TYPE },
    { "missing exp", NGX_HTTP_SG_REJECT_CLAIMS },
    { "malformed claim", NGX_HTTP_SG_REJECT_CLAIMS },
    { "token issued before a claims change", NGX_HTTP_SG_REJECT_CLAIMS },
    { NULL, 0 }
};


static ngx_str_t  ngx_http_sg_metrics_types[] = {
    ngx_null_string,
    ngx_string("application/json"),
    ngx_string("text/plain; version=0.0.4; charset=utf-8"),
    ngx_string("application/openmetrics-text; version=1.0.0; "
               "charset=utf-8")
};


/*
 * Called by the access handler with every verdict, in the zone of the
 * location (nothing without one).  Monitor mode counts what would have
 * been done, apart.
 */

void
ngx_http_sg_metrics_count(ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_uint_t                    i, mode;
    ngx_http_sg_zone_counters_t  *c;

    c = ngx_http_sg_zone_counters(slcf->zone);

    if (c == NULL) {
        return;
    }

    mode = slcf->monitor ? 1 : 0;

    if (ctx->status < NGX_HTTP_SG_STATUS_COUNT) {
        (void) ngx_atomic_fetch_add(&c->decisions[mode][ctx->status], 1);
    }

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (ctx->signals & ((ngx_uint_t) 1 << i)) {
            (void) ngx_atomic_fetch_add(&c->signals[i], 1);
        }
    }

    for (i = 0; i < NGX_SG_ACT_COUNT; i++) {
        if (ctx->actions & ((ngx_uint_t) 1 << i)) {
            (void) ngx_atomic_fetch_add(&c->actions[mode][i], 1);
        }
    }

    /* the token was refused (not the session), or failed a requirement */

    if (slcf->tokens
        && (!ctx->verified
            || (ctx->status == NGX_HTTP_SG_STATUS_DENY && ctx->reason
                && ngx_strcmp(ctx->reason, "requirement not met") == 0)))
    {
        (void) ngx_atomic_fetch_add(
                             &c->rejected[ngx_http_sg_metrics_reject(ctx)], 1);
    }
}


/* NGX_HTTP_SG_EVENT_*: logout tokens, notifications; lock-free too */

static ngx_uint_t
ngx_http_sg_metrics_reject(ngx_http_sg_ctx_t *ctx)
{
    ngx_http_sg_reject_map_t  *m;

    switch (ctx->status) {

    case NGX_HTTP_SG_STATUS_MISSING:
        return NGX_HTTP_SG_REJECT_MISSING;

    case NGX_HTTP_SG_STATUS_ERROR:
        return NGX_HTTP_SG_REJECT_ERROR;

    case NGX_HTTP_SG_STATUS_DENY:
        return NGX_HTTP_SG_REJECT_REQUIREMENT;

    default:
        break;
    }

    if (ctx->reason == NULL) {
        return NGX_HTTP_SG_REJECT_OTHER;
    }

    for (m = ngx_http_sg_reject_map; m->reason; m++) {
        if (ngx_strcmp(ctx->reason, m->reason) == 0) {
            return m->index;
        }
    }

    /* the sender constraints' many reasons: the proof, the binding */

    if (ngx_strstr(ctx->reason, "dpop") || ngx_strstr(ctx->reason, "cnf")
        || ngx_strstr(ctx->reason, "certificate"))
    {
        return NGX_HTTP_SG_REJECT_SENDER;
    }

    return NGX_HTTP_SG_REJECT_OTHER;
}


/* the content handler that session_guard_metrics sets */

ngx_int_t
ngx_http_sg_metrics_handler(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_uint_t               format;
    ngx_chain_t             *out;
    ngx_table_elt_t         *h;
    ngx_http_sg_metrics_t    m;
    ngx_http_sg_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Allow");
        ngx_str_set(&h->value, "GET, HEAD");

        return ngx_http_sg_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method_not_allowed", "use GET or HEAD");
    }

    rc = ngx_http_sg_metrics_format(r, slcf->metrics_format);

    if (rc == NGX_DECLINED) {
        return ngx_http_sg_api_error(r, NGX_HTTP_BAD_REQUEST, "bad_request",
                                     "format must be json, prometheus or "
                                     "openmetrics");
    }

    format = (ngx_uint_t) rc;

    if (ngx_http_sg_metrics_snapshot(r, slcf, &m) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (format == NGX_HTTP_SG_METRICS_JSON) {
        out = ngx_http_sg_metrics_json(r, &m);

    } else {
        out = ngx_http_sg_metrics_prom(r, &m,
                                 format == NGX_HTTP_SG_METRICS_OPENMETRICS);
    }

    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the format depends on the request */

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Vary");
    ngx_str_set(&h->value, "Accept");

    return ngx_http_sg_api_send(r, NGX_HTTP_OK,
                                &ngx_http_sg_metrics_types[format], out);
}


/* NGX_HTTP_SG_METRICS_*, or NGX_DECLINED for an unknown "?format=" */

static ngx_int_t
ngx_http_sg_metrics_format(ngx_http_request_t *r, ngx_uint_t deflt)
{
    ngx_str_t                   value;
    ngx_table_elt_t            *h;
    ngx_http_sg_header_iter_t   it;

    static ngx_str_t  accept = ngx_string("Accept");

    if (ngx_http_arg(r, (u_char *) "format", 6, &value) == NGX_OK) {

        if (value.len == 4 && ngx_strncmp(value.data, "json", 4) == 0) {
            return NGX_HTTP_SG_METRICS_JSON;
        }

        if (value.len == 10
            && ngx_strncmp(value.data, "prometheus", 10) == 0)
        {
            return NGX_HTTP_SG_METRICS_PROMETHEUS;
        }

        if (value.len == 11
            && ngx_strncmp(value.data, "openmetrics", 11) == 0)
        {
            return NGX_HTTP_SG_METRICS_OPENMETRICS;
        }

        return NGX_DECLINED;
    }

    /* every Accept header line, whether nginx keeps a pointer to it */

    ngx_memzero(&it, sizeof(ngx_http_sg_header_iter_t));

    while ((h = ngx_http_sg_header_next(&r->headers_in.headers, &accept, &it)))
    {
        deflt = ngx_http_sg_metrics_accept(&h->value, deflt);
    }

    return (ngx_int_t) deflt;
}


/*
 * The media range of the highest quality (the first of equals) that names
 * one of the formats exactly; wildcards leave the choice to the
 * directive.  Parameters other than "q" are ignored.  One header line:
 * with several, the last that names a format decides.
 */

static ngx_uint_t
ngx_http_sg_metrics_accept(ngx_str_t *accept, ngx_uint_t deflt)
{
    u_char      *p, *last, *end, *next, *type, *type_end, *pe;
    ngx_int_t    q, best_q;
    ngx_uint_t   format, best, i;

    static struct {
        ngx_str_t   type;
        ngx_uint_t  format;
    } types[] = {
        { ngx_string("application/json"), NGX_HTTP_SG_METRICS_JSON },
        { ngx_string("text/plain"), NGX_HTTP_SG_METRICS_PROMETHEUS },
        { ngx_string("application/openmetrics-text"),
          NGX_HTTP_SG_METRICS_OPENMETRICS },
        { ngx_null_string, 0 }
    };

    best = 0;
    best_q = 0;

    p = accept->data;
    last = p + accept->len;

    for ( /* void */ ; p < last; p = next) {

        /* one media range */

        end = ngx_strlchr(p, last, ',');

        if (end == NULL) {
            end = last;
            next = last;

        } else {
            next = end + 1;
        }

        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }

        type = p;

        type_end = ngx_strlchr(p, end, ';');
        if (type_end == NULL) {
            type_end = end;
        }

        p = type_end;

        while (type_end > type
               && (type_end[-1] == ' ' || type_end[-1] == '\t'))
        {
            type_end--;
        }

        /* its parameters, from ';' to ';' */

        q = 1000;

        while (p < end) {
            p++;

            while (p < end && (*p == ' ' || *p == '\t')) {
                p++;
            }

            pe = ngx_strlchr(p, end, ';');
            if (pe == NULL) {
                pe = end;
            }

            if (pe - p >= 2 && (p[0] | 0x20) == 'q' && p[1] == '=') {
                q = ngx_http_sg_metrics_qvalue(p + 2, pe);
            }

            p = pe;
        }

        format = 0;

        for (i = 0; types[i].type.len; i++) {
            if ((size_t) (type_end - type) == types[i].type.len
                && ngx_strncasecmp(type, types[i].type.data,
                                   types[i].type.len) == 0)
            {
                format = types[i].format;
                break;
            }
        }

        if (format && q > best_q) {
            best = format;
            best_q = q;
        }
    }

    return best ? best : deflt;
}


/* an RFC 9110 qvalue in thousandths; anything invalid is 0 */

static ngx_int_t
ngx_http_sg_metrics_qvalue(u_char *p, u_char *last)
{
    ngx_int_t   q, scale;

    while (last > p && (last[-1] == ' ' || last[-1] == '\t')) {
        last--;
    }

    if (p == last || (*p != '0' && *p != '1')) {
        return 0;
    }

    q = (*p++ - '0') * 1000;

    if (p == last) {
        return q;
    }

    if (*p++ != '.' || last - p > 3) {
        return 0;
    }

    for (scale = 100; p < last; p++, scale /= 10) {
        if (*p < '0' || *p > '9') {
            return 0;
        }

        q += (*p - '0') * scale;
    }

    return (q > 1000) ? 0 : q;
}


static ngx_int_t
ngx_http_sg_metrics_snapshot(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_metrics_t *m)
{
    size_t                           size;
    ngx_uint_t                       i, j, n;
    ngx_http_sg_zone_t             **zp, *one;
    ngx_http_sg_throttle_t         **tp;
    ngx_http_sg_main_conf_t         *smcf;
    ngx_http_sg_metrics_zone_t      *mz;
    ngx_http_sg_metrics_throttle_t  *mt;
    ngx_http_sg_zone_counters_t     *c;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    if (slcf->metrics_zone) {
        one = slcf->metrics_zone;
        zp = &one;
        n = 1;

    } else if (smcf->zones) {
        zp = smcf->zones->elts;
        n = smcf->zones->nelts;

    } else {
        zp = NULL;
        n = 0;
    }

    m->now = ngx_time();
    m->nzones = 0;

    m->zones = ngx_pcalloc(r->pool,
                           (n ? n : 1) * sizeof(ngx_http_sg_metrics_zone_t));
    if (m->zones == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {

        if (zp[i]->sh == NULL) {
            continue;
        }

        mz = &m->zones[m->nzones++];

        mz->name = ngx_http_sg_zone_name(zp[i]);

        ngx_http_sg_zone_stats(zp[i], &mz->stats);
        mz->queued = ngx_http_sg_outbox_size(zp[i]);

        mz->size = mz->stats.pages_total << ngx_pagesize_shift;
        mz->free = mz->stats.pages_free << ngx_pagesize_shift;

        /* each counter read once: they move while being read */

        c = ngx_http_sg_zone_counters(zp[i]);

        for (j = 0; j < NGX_HTTP_SG_COUNTERS_SIGNALS; j++) {
            mz->counters.signals[j] = c->signals[j];
        }

        for (j = 0; j < NGX_HTTP_SG_COUNTERS_ACTIONS; j++) {
            mz->counters.actions[0][j] = c->actions[0][j];
            mz->counters.actions[1][j] = c->actions[1][j];
        }

        for (j = 0; j < NGX_HTTP_SG_COUNTERS_STATUSES; j++) {
            mz->counters.decisions[0][j] = c->decisions[0][j];
            mz->counters.decisions[1][j] = c->decisions[1][j];
        }

        for (j = 0; j < NGX_HTTP_SG_COUNTERS_REJECTS; j++) {
            mz->counters.rejected[j] = c->rejected[j];
        }

        for (j = 0; j < NGX_HTTP_SG_COUNTERS_EVENTS; j++) {
            mz->counters.events[j] = c->events[j];
        }

        for (j = 0; j < NGX_SG_SET_ERR_COUNT; j++) {
            mz->counters.ssf_refused[j] = c->ssf_refused[j];
        }

        for (j = 0; j < 2; j++) {
            mz->counters.jwks_fetches[j] = c->jwks_fetches[j];
            mz->counters.jwks_discoveries[j] = c->jwks_discoveries[j];
        }
    }

    /* the throttle zones are the http block's, whatever zone is shown */

    n = smcf->throttles ? smcf->throttles->nelts : 0;

    m->nthrottles = 0;
    size = ngx_max(n, 1) * sizeof(ngx_http_sg_metrics_throttle_t);

    m->throttles = ngx_palloc(r->pool, size);
    if (m->throttles == NULL) {
        return NGX_ERROR;
    }

    tp = n ? smcf->throttles->elts : NULL;

    for (i = 0; i < n; i++) {
        mt = &m->throttles[m->nthrottles++];

        mt->name = &tp[i]->name;
        ngx_http_sg_throttle_stats(tp[i], &mt->blocks, &mt->uncounted);
    }

    return NGX_OK;
}
