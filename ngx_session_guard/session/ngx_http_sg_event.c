
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Session variables and $session_guard_event: one JSON object per
 * decision, with field names from the Elastic Common Schema where one
 * exists (event.*, session.*, user.id, source.*, user_agent.original) and
 * the module's own under "session_guard".  Valid JSON whatever the bytes
 * of a client value (ngx_sg_escape_json()), in a buffer sized by the code
 * that writes it (ngx_http_sg_out_build()).
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_geo.h"


/* a string literal */
#define ngx_http_sg_cpy(p, s)         ngx_cpymem(p, s, sizeof(s) - 1)


#define NGX_HTTP_SG_V_ID              0
#define NGX_HTTP_SG_V_CREATED         1
#define NGX_HTTP_SG_V_UPDATED         2
#define NGX_HTTP_SG_V_LAST_SEEN       3
#define NGX_HTTP_SG_V_EXPIRES         4
#define NGX_HTTP_SG_V_IDLE_EXPIRES    5
#define NGX_HTTP_SG_V_AUTH_TIME       6
#define NGX_HTTP_SG_V_INITIAL_IP      7
#define NGX_HTTP_SG_V_LAST_IP         8
#define NGX_HTTP_SG_V_INITIAL_ASN     9
#define NGX_HTTP_SG_V_INITIAL_COUNTRY 10
#define NGX_HTTP_SG_V_COOKIE_MODE     11
#define NGX_HTTP_SG_V_REVOKED         12
#define NGX_HTTP_SG_V_RISK            13
#define NGX_HTTP_SG_V_ACTIONS         14
#define NGX_HTTP_SG_V_LIFETIME        15
#define NGX_HTTP_SG_V_IDLE_TIMEOUT    16
#define NGX_HTTP_SG_V_LAST_ASN        17
#define NGX_HTTP_SG_V_LAST_COUNTRY    18
#define NGX_HTTP_SG_V_SCORE           19


static ngx_int_t ngx_http_sg_session_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_event_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static u_char *ngx_http_sg_ip_text(u_char *p, ngx_sg_ip_t *ip);
static u_char *ngx_http_sg_names(u_char *p, ngx_uint_t mask,
    ngx_str_t *names, ngx_uint_t n);
static time_t ngx_http_sg_idle_expires(ngx_sg_record_t *rec);
static void ngx_http_sg_decision_event(ngx_http_sg_out_t *out, void *data);
static void ngx_http_sg_revocation_event(ngx_http_sg_out_t *out,
    void *data);
static void ngx_http_sg_event_request(ngx_http_sg_out_t *out,
    ngx_http_request_t *r);
static void ngx_http_sg_event_ip(ngx_http_sg_out_t *out, ngx_sg_ip_t *ip);
static void ngx_http_sg_event_conditions(ngx_http_request_t *r,
    ngx_http_sg_out_t *out, ngx_http_sg_ctx_t *ctx);
static void ngx_http_sg_event_service(ngx_http_sg_out_t *out,
    ngx_http_sg_ctx_t *ctx);
static void ngx_http_sg_event_names(ngx_http_sg_out_t *out, ngx_uint_t mask,
    ngx_str_t *names, ngx_uint_t n);


static ngx_http_variable_t  ngx_http_sg_session_vars[] = {

    { ngx_string("session_guard_session_id"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_ID,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_created"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_CREATED,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_updated"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_UPDATED,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_last_seen"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_LAST_SEEN,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_expires"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_EXPIRES,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_idle_expires"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_IDLE_EXPIRES,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_lifetime"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_LIFETIME,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_idle_timeout"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_IDLE_TIMEOUT,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_auth_time"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_AUTH_TIME,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_initial_ip"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_INITIAL_IP,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_last_ip"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_LAST_IP,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_initial_asn"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_INITIAL_ASN,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_initial_country"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_INITIAL_COUNTRY,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_last_asn"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_LAST_ASN,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_last_country"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_LAST_COUNTRY,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_cookie_mode"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_COOKIE_MODE,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_revoked"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_REVOKED,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_risk"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_RISK,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_risk_score"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_SCORE,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_actions"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_ACTIONS,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_event"), NULL,
      ngx_http_sg_event_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_sg_add_session_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_session_vars);
}


/*
 * Remember a revocation made by this request (the API, a back-channel
 * logout) for $session_guard_event.  The strings must live as long as the
 * request (they are not copied).
 */

ngx_int_t
ngx_http_sg_event_revocation(ngx_http_request_t *r, ngx_str_t *id,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason, ngx_uint_t count)
{
    ngx_http_sg_ctx_t         *ctx;
    ngx_http_sg_revocation_t  *rv;

    ctx = ngx_http_sg_ensure_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    rv = ngx_pcalloc(r->main->pool, sizeof(ngx_http_sg_revocation_t));
    if (rv == NULL) {
        return NGX_ERROR;
    }

    if (id) {
        rv->id = *id;
    }

    if (sub) {
        rv->sub = *sub;
    }

    if (reason) {
        rv->reason = *reason;
    }

    rv->source = source;
    rv->count = count;

    ctx->revocation = rv;

    return NGX_OK;
}


/* why the policy revoked a session: a signal, or its lifetime; else NULL */

ngx_str_t *
ngx_http_sg_revoke_reason_name(ngx_sg_record_t *rec)
{
    ngx_str_t  *name;

    static ngx_str_t  expired = ngx_string("expired");
    static ngx_str_t  idle = ngx_string("idle_timeout");
    static ngx_str_t  condition = ngx_string("condition");
    static ngx_str_t  score = ngx_string("score");

    if (rec->revoked != NGX_SG_REVOKED_POLICY) {
        return NULL;
    }

    if (rec->revoke_reason < NGX_SG_SIG_COUNT) {
        return &ngx_sg_signal_names[rec->revoke_reason];
    }

    if (rec->revoke_reason >= NGX_SG_REASON_CONDITION
        && rec->revoke_reason < NGX_SG_REASON_CONDITION + NGX_SG_COND_MAX)
    {
        /* by the names of the running configuration */

        name = ngx_http_sg_condition_name(
                   ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_session_guard_module),
                   rec->revoke_reason - NGX_SG_REASON_CONDITION);

        return name ? name : &condition;
    }

    if (rec->revoke_reason == NGX_SG_REASON_EXPIRED) {
        return &expired;
    }

    if (rec->revoke_reason == NGX_SG_REASON_IDLE) {
        return &idle;
    }

    if (rec->revoke_reason == NGX_SG_REASON_SCORE) {
        return &score;
    }

    return NULL;
}


static ngx_int_t
ngx_http_sg_session_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                *p, *start;
    time_t                 t;
    ngx_str_t             *s, text;
    ngx_http_sg_ctx_t     *ctx;
    ngx_sg_record_t       *rec;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL || !ctx->has_session) {
        v->not_found = 1;
        return NGX_OK;
    }

    rec = &ctx->session.rec;

    start = ngx_pnalloc(r->pool, NGX_SOCKADDR_STRLEN + 128);
    if (start == NULL) {
        return NGX_ERROR;
    }

    p = start;
    t = -1;

    switch (data) {

    case NGX_HTTP_SG_V_ID:
        /* a "sid" claim is kept as it is: no control character out */
        if (ngx_sg_text_escape(r->pool, &ctx->session.id, &text) != NGX_OK) {
            return NGX_ERROR;
        }

        v->len = text.len;
        v->data = text.data;
        goto done;

    case NGX_HTTP_SG_V_CREATED:
        t = rec->created;
        break;

    case NGX_HTTP_SG_V_UPDATED:
        t = rec->updated;
        break;

    case NGX_HTTP_SG_V_LAST_SEEN:
        t = rec->last_seen;
        break;

    case NGX_HTTP_SG_V_EXPIRES:
        t = rec->expires ? rec->expires : -1;
        break;

    case NGX_HTTP_SG_V_IDLE_EXPIRES:
        t = rec->idle_timeout ? ngx_http_sg_idle_expires(rec) : -1;
        break;

    case NGX_HTTP_SG_V_AUTH_TIME:
        t = rec->auth_time ? rec->auth_time : -1;
        break;

    case NGX_HTTP_SG_V_LIFETIME:
        t = rec->expires ? rec->expires - rec->created : -1;
        break;

    case NGX_HTTP_SG_V_IDLE_TIMEOUT:
        t = rec->idle_timeout ? rec->idle_timeout : -1;
        break;

    case NGX_HTTP_SG_V_INITIAL_IP:
        p = ngx_http_sg_ip_text(p, &rec->initial.ip);
        break;

    case NGX_HTTP_SG_V_LAST_IP:
        p = ngx_http_sg_ip_text(p, &rec->last.ip);
        break;

    case NGX_HTTP_SG_V_INITIAL_ASN:
        if (rec->initial.asn) {
            p = ngx_sprintf(p, "%uD", rec->initial.asn);
        }
        break;

    case NGX_HTTP_SG_V_INITIAL_COUNTRY:
        if (rec->initial.country[0]) {
            *p++ = rec->initial.country[0];
            *p++ = rec->initial.country[1];
        }
        break;

    case NGX_HTTP_SG_V_SCORE:
        if (!ctx->scored) {
            v->not_found = 1;
            return NGX_OK;
        }

        p = ngx_sprintf(p, "%ui", ctx->score);
        break;

    case NGX_HTTP_SG_V_LAST_ASN:
        if (rec->last.asn) {
            p = ngx_sprintf(p, "%uD", rec->last.asn);
        }
        break;

    case NGX_HTTP_SG_V_LAST_COUNTRY:
        if (rec->last.country[0]) {
            *p++ = rec->last.country[0];
            *p++ = rec->last.country[1];
        }
        break;

    case NGX_HTTP_SG_V_COOKIE_MODE:
        p = (rec->cookie_mode == NGX_SG_COOKIE_NON_PERSISTENT)
            ? ngx_http_sg_cpy(p, "non-persistent")
            : ngx_http_sg_cpy(p, "persistent");
        break;

    case NGX_HTTP_SG_V_REVOKED:
        if (rec->revoked && rec->revoked < NGX_SG_REVOKED_COUNT) {
            s = &ngx_sg_revoked_names[rec->revoked];
            p = ngx_cpymem(p, s->data, s->len);
        }
        break;

    case NGX_HTTP_SG_V_RISK:
        /* the signals, then the conditions that hold (names of 32 at most) */

        start = ngx_pnalloc(r->pool, 64 + NGX_SG_COND_MAX * 33);
        if (start == NULL) {
            return NGX_ERROR;
        }

        p = ngx_http_sg_names(start, ctx->signals, ngx_sg_signal_names,
                              NGX_SG_SIG_COUNT);
        p = ngx_http_sg_condition_list(
                ngx_http_get_module_main_conf(r,
                                              ngx_http_session_guard_module),
                p, start + 64 + NGX_SG_COND_MAX * 33, ctx->conditions,
                p == start);
        break;

    default: /* NGX_HTTP_SG_V_ACTIONS */
        p = ngx_http_sg_names(p, ctx->actions, ngx_sg_action_names,
                              NGX_SG_ACT_COUNT);
        break;
    }

    if (t >= 0) {
        p = ngx_sprintf(p, "%T", t);
    }

    v->len = p - start;
    v->data = start;

done:

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_event_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t           event;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL
        || (ctx->status == NGX_HTTP_SG_STATUS_NONE && ctx->revocation == NULL))
    {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ngx_http_sg_out_build(r->pool,
                              ctx->status == NGX_HTTP_SG_STATUS_NONE
                              ? ngx_http_sg_revocation_event
                              : ngx_http_sg_decision_event,
                              r, &event)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    v->len = event.len;
    v->data = event.data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* the event of this request's decision */

static void
ngx_http_sg_decision_event(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_request_t *r = data;

    ngx_str_t             *reason, org, sub, text;
    ngx_http_sg_geo_t     *geo;
    ngx_http_sg_ctx_t     *ctx;
    ngx_sg_record_t       *rec;

    ctx = ngx_http_sg_get_ctx(r);

    geo = ngx_http_sg_request_geo(r);

    if (geo) {
        org = geo->asn_org;
    } else {
        ngx_str_null(&org);
    }

    sub = ctx->has_session ? ctx->session.sub : (ngx_str_t) ngx_null_string;

    ngx_http_sg_out_fmt(out, "{\"@timestamp\":\"%V\",",
                        &ngx_cached_http_log_iso8601);

    ngx_http_sg_out_fmt(out, "\"event\":{\"kind\":\"event\","
                        "\"category\":[\"session\",\"authentication\"],"
                        "\"action\":\"%s\",\"outcome\":\"%s\"",
                        ctx->status == NGX_HTTP_SG_STATUS_EXPIRED
                        ? "session-expired"
                        : (ctx->has_session && ctx->session.rec.revoked)
                          ? "session-revoked" : "session-checked",
                        ctx->status == NGX_HTTP_SG_STATUS_ALLOW
                        ? "success" : "failure");

    if (ctx->reason) {
        text.data = (u_char *) ctx->reason;
        text.len = ngx_strlen(ctx->reason);

        ngx_http_sg_out_lit(out, ",\"reason\":");
        ngx_http_sg_out_json(out, &text);
    }

    ngx_http_sg_out_fmt(out, "},\"session_guard\":{\"status\":\"%V\","
                        "\"mode\":\"%s\",\"signals\":[",
                        &ngx_http_sg_status_names[ctx->status],
                        ctx->monitor ? "monitor" : "enforce");
    ngx_http_sg_event_names(out, ctx->signals, ngx_sg_signal_names,
                            NGX_SG_SIG_COUNT);
    ngx_http_sg_event_conditions(r, out, ctx);
    ngx_http_sg_out_lit(out, "],\"actions\":[");
    ngx_http_sg_event_names(out, ctx->actions, ngx_sg_action_names,
                            NGX_SG_ACT_COUNT);
    ngx_http_sg_out_lit(out, "]");

    if (ctx->scored && ctx->has_session) {
        ngx_http_sg_out_fmt(out, ",\"risk_score\":%ui", ctx->score);
    }

    if (ctx->service) {
        ngx_http_sg_event_service(out, ctx);
    }

    ngx_http_sg_out_fmt(out, ",\"session_created\":%s,"
                        "\"lifetime_clamped\":%s",
                        ctx->created ? "true" : "false",
                        ctx->clamped ? "true" : "false");

    /* who revoked the session, and why (the policy's reasons only) */

    if (ctx->has_session && ctx->session.rec.revoked
        && ctx->session.rec.revoked < NGX_SG_REVOKED_COUNT)
    {
        ngx_http_sg_out_fmt(out, ",\"revocation\":{\"source\":\"%V\"",
                       &ngx_sg_revoked_names[ctx->session.rec.revoked]);

        reason = ngx_http_sg_revoke_reason_name(&ctx->session.rec);

        if (reason) {
            ngx_http_sg_out_fmt(out, ",\"reason\":\"%V\"", reason);
        }

        ngx_http_sg_out_lit(out, "}");
    }

    /* the sessions max_sessions revoked to make room for this one */

    if (ctx->replaced) {
        ngx_http_sg_out_fmt(out, ",\"replaced\":{\"count\":%ui,"
                            "\"session\":", ctx->replaced);
        ngx_http_sg_out_json(out, &ctx->replaced_id);
        ngx_http_sg_out_lit(out, "}");
    }

    ngx_http_sg_out_lit(out, "}");

    if (ctx->has_session) {
        rec = &ctx->session.rec;

        ngx_http_sg_out_lit(out, ",\"session\":{\"id\":");
        ngx_http_sg_out_json(out, &ctx->session.id);
        ngx_http_sg_out_fmt(out, ",\"created\":%T,\"updated\":%T,"
                            "\"last_interacted\":%T",
                            rec->created, rec->updated, rec->last_seen);

        if (rec->expires) {
            ngx_http_sg_out_fmt(out, ",\"expires\":%T", rec->expires);
        }

        if (rec->idle_timeout) {
            ngx_http_sg_out_fmt(out, ",\"idle_expires\":%T",
                                ngx_http_sg_idle_expires(rec));
        }

        if (rec->auth_time) {
            ngx_http_sg_out_fmt(out, ",\"authenticated_at\":%T",
                                rec->auth_time);
        }

        ngx_http_sg_out_fmt(out, ",\"cookie_mode\":\"%s\",\"revoked\":%s",
                        rec->cookie_mode == NGX_SG_COOKIE_NON_PERSISTENT
                        ? "non-persistent" : "persistent",
                        rec->revoked ? "true" : "false");

        ngx_http_sg_out_lit(out, ",\"initial\":{\"ip\":\"");
        ngx_http_sg_event_ip(out, &rec->initial.ip);
        ngx_http_sg_out_lit(out, "\"");

        if (rec->initial.asn) {
            ngx_http_sg_out_fmt(out, ",\"asn\":%uD", rec->initial.asn);
        }

        if (rec->initial.country[0]) {
            /* it may come from a variable: any byte */
            text.data = rec->initial.country;
            text.len = 2;

            ngx_http_sg_out_lit(out, ",\"country\":");
            ngx_http_sg_out_json(out, &text);
        }

        ngx_http_sg_out_lit(out, "}");

        /* a zone with details=on: as they were before this request */

        if (ctx->session.details) {
            ngx_http_sg_out_lit(out, ",\"details\":");
            ngx_http_sg_out_details(out, ctx->session.details);
        }

        ngx_http_sg_out_lit(out, "}");
    }

    if (sub.len) {
        ngx_http_sg_out_lit(out, ",\"user\":{\"id\":");
        ngx_http_sg_out_json(out, &sub);
        ngx_http_sg_out_lit(out, "}");
    }

    ngx_http_sg_out_lit(out, ",\"source\":{\"ip\":");
    ngx_http_sg_out_json(out, &r->connection->addr_text);

    if (geo && geo->asn) {
        ngx_http_sg_out_fmt(out, ",\"as\":{\"number\":%uD", geo->asn);

        if (org.len) {
            ngx_http_sg_out_lit(out, ",\"organization\":{\"name\":");
            ngx_http_sg_out_json(out, &org);
            ngx_http_sg_out_lit(out, "}");
        }

        ngx_http_sg_out_lit(out, "}");
    }

    if (geo && (geo->country[0] || geo->has_loc)) {
        ngx_http_sg_out_lit(out, ",\"geo\":{");

        if (geo->country[0]) {
            text.data = geo->country;
            text.len = 2;

            ngx_http_sg_out_lit(out, "\"country_iso_code\":");
            ngx_http_sg_out_json(out, &text);

            if (geo->has_loc) {
                ngx_http_sg_out_lit(out, ",");
            }
        }

        if (geo->has_loc) {
            ngx_http_sg_out_fmt(out, "\"location\":{\"lat\":%.4f,"
                                "\"lon\":%.4f}",
                                geo->latitude, geo->longitude);
        }

        ngx_http_sg_out_lit(out, "}");
    }

    ngx_http_sg_out_lit(out, "}");

    ngx_http_sg_event_request(out, r);
}


/*
 * The event of a revocation made by an API call or a back-channel logout
 * token: who (source), why (reason), which session or subject.
 */

static void
ngx_http_sg_revocation_event(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_request_t *r = data;

    ngx_http_sg_ctx_t         *ctx;
    ngx_http_sg_revocation_t  *rv;

    ctx = ngx_http_sg_get_ctx(r);
    rv = ctx->revocation;

    ngx_http_sg_out_fmt(out, "{\"@timestamp\":\"%V\",",
                        &ngx_cached_http_log_iso8601);

    ngx_http_sg_out_lit(out, "\"event\":{\"kind\":\"event\","
                        "\"category\":[\"session\"],"
                        "\"action\":\"session-revoked\","
                        "\"outcome\":\"success\",\"reason\":");
    ngx_http_sg_out_json(out, &rv->reason);

    ngx_http_sg_out_fmt(out, "},\"session_guard\":{\"revocation\":{"
                        "\"source\":\"%V\",\"reason\":",
                        &ngx_sg_revoked_names[
                            rv->source < NGX_SG_REVOKED_COUNT
                            ? rv->source : NGX_SG_REVOKED_NO]);
    ngx_http_sg_out_json(out, &rv->reason);
    ngx_http_sg_out_fmt(out, ",\"scope\":\"%s\",\"sessions\":%ui}}",
                        rv->id.len ? "session" : "subject", rv->count);

    if (rv->id.len) {
        ngx_http_sg_out_lit(out, ",\"session\":{\"id\":");
        ngx_http_sg_out_json(out, &rv->id);
        ngx_http_sg_out_lit(out, ",\"revoked\":true}");
    }

    if (rv->sub.len) {
        ngx_http_sg_out_lit(out, ",\"user\":{\"id\":");
        ngx_http_sg_out_json(out, &rv->sub);
        ngx_http_sg_out_lit(out, "}");
    }

    ngx_http_sg_out_lit(out, ",\"source\":{\"ip\":");
    ngx_http_sg_out_json(out, &r->connection->addr_text);
    ngx_http_sg_out_lit(out, "}");

    ngx_http_sg_event_request(out, r);
}


/* the end of every event: user agent, method, path */

static void
ngx_http_sg_event_request(ngx_http_sg_out_t *out, ngx_http_request_t *r)
{
    ngx_str_t  ua;

    if (r->headers_in.user_agent) {
        ua = r->headers_in.user_agent->value;
    } else {
        ngx_str_null(&ua);
    }

    ngx_http_sg_out_lit(out, ",\"user_agent\":{\"original\":");
    ngx_http_sg_out_json(out, &ua);

    ngx_http_sg_out_lit(out, "},\"http\":{\"request\":{\"method\":");
    ngx_http_sg_out_json(out, &r->method_name);
    ngx_http_sg_out_lit(out, "}},\"url\":{\"path\":");
    ngx_http_sg_out_json(out, &r->uri);

    ngx_http_sg_out_lit(out, "}}");
}


static time_t
ngx_http_sg_idle_expires(ngx_sg_record_t *rec)
{
    return rec->last_seen + rec->idle_timeout;
}


static u_char *
ngx_http_sg_ip_text(u_char *p, ngx_sg_ip_t *ip)
{
    switch (ip->family) {

    case 4:
        return p + ngx_inet_ntop(AF_INET, ip->addr, p, NGX_INET_ADDRSTRLEN);

#if (NGX_HAVE_INET6)
    case 6:
        return p + ngx_inet_ntop(AF_INET6, ip->addr, p,
                                 NGX_INET6_ADDRSTRLEN);
#endif

    default:
        return p;
    }
}


static void
ngx_http_sg_event_ip(ngx_http_sg_out_t *out, ngx_sg_ip_t *ip)
{
    u_char  buf[NGX_SOCKADDR_STRLEN];

    ngx_http_sg_out_raw(out, buf, ngx_http_sg_ip_text(buf, ip) - buf);
}


/* after the signals: the conditions that hold (names of [a-z0-9_]) */

static void
ngx_http_sg_event_conditions(ngx_http_request_t *r, ngx_http_sg_out_t *out,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_uint_t                i, first;
    ngx_http_sg_condition_t  *c;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    if (ctx->conditions == 0 || smcf->conditions == NULL) {
        return;
    }

    first = (ctx->signals == 0);
    c = smcf->conditions->elts;

    for (i = 0; i < smcf->conditions->nelts; i++) {
        if (ctx->conditions & ((uint32_t) 1 << c[i].bit)) {
            ngx_http_sg_out_fmt(out, "%s\"%V\"", first ? "" : ",",
                                &c[i].name);
            first = 0;
        }
    }
}


/*
 * What a risk service answered: its actions and score, and a fresh
 * answer's reasons (printable, without quotes or commas: ngx_sg_answer.c)
 */

static void
ngx_http_sg_event_service(ngx_http_sg_out_t *out, ngx_http_sg_ctx_t *ctx)
{
    ngx_uint_t        i;
    ngx_sg_answer_t  *a;

    static const char  *states[] = { "", "answered", "cached", "failed" };

    ngx_http_sg_out_fmt(out, ",\"risk_service\":{\"result\":\"%s\"",
                        states[ctx->service]);

    if (ctx->service == NGX_HTTP_SG_SERVICE_FAILED) {
        ngx_http_sg_out_lit(out, "}");
        return;
    }

    ngx_http_sg_out_lit(out, ",\"actions\":[");
    ngx_http_sg_event_names(out, ctx->service_acts, ngx_sg_action_names,
                            NGX_SG_ACT_COUNT);
    ngx_http_sg_out_fmt(out, "],\"score\":%ui,\"reasons\":[",
                        ctx->service_score);

    a = ngx_http_sg_service_answer(ctx);

    for (i = 0; a && i < a->nreasons; i++) {
        if (i) {
            ngx_http_sg_out_lit(out, ",");
        }

        ngx_http_sg_out_lit(out, "\"");
        ngx_http_sg_out_raw(out, a->reason[i], a->len[i]);
        ngx_http_sg_out_lit(out, "\"");
    }

    ngx_http_sg_out_lit(out, "]}");
}


static void
ngx_http_sg_event_names(ngx_http_sg_out_t *out, ngx_uint_t mask,
    ngx_str_t *names, ngx_uint_t n)
{
    ngx_uint_t  i, first;

    first = 1;

    for (i = 0; i < n; i++) {
        if (mask & ((ngx_uint_t) 1 << i)) {
            ngx_http_sg_out_fmt(out, "%s\"%V\"", first ? "" : ",",
                                &names[i]);
            first = 0;
        }
    }
}


static u_char *
ngx_http_sg_names(u_char *p, ngx_uint_t mask, ngx_str_t *names,
    ngx_uint_t n)
{
    ngx_uint_t  i, first;

    first = 1;

    for (i = 0; i < n; i++) {
        if (!(mask & ((ngx_uint_t) 1 << i))) {
            continue;
        }

        if (!first) {
            *p++ = ',';
        }

        first = 0;

        p = ngx_cpymem(p, names[i].data, names[i].len);
    }

    return p;
}
