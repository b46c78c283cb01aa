
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Session variables and $session_guard_event: one JSON object per
 * decision, with field names from the Elastic Common Schema where one
 * exists (event.*, session.*, user.id, source.*, user_agent.original) and
 * the module's own under "session_guard".  Bounded: every string is
 * escaped with ngx_escape_json() into a buffer sized beforehand.
 */


#include "ngx_http_sg.h"


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


static ngx_int_t ngx_http_sg_session_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_event_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static u_char *ngx_http_sg_ip_text(u_char *p, ngx_http_sg_ip_t *ip);
static u_char *ngx_http_sg_names(u_char *p, ngx_uint_t mask,
    ngx_str_t *names, ngx_uint_t n, ngx_uint_t quoted);
static u_char *ngx_http_sg_json_str(u_char *p, ngx_str_t *s);
static time_t ngx_http_sg_idle_expires(ngx_http_sg_record_t *rec);
static ngx_int_t ngx_http_sg_revocation_event(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_http_sg_revocation_t *rv);
static u_char *ngx_http_sg_event_request(u_char *p, ngx_http_request_t *r,
    ngx_str_t *ua);


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

    { ngx_string("session_guard_session_cookie_mode"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_COOKIE_MODE,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_revoked"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_REVOKED,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_risk"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_RISK,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_actions"), NULL,
      ngx_http_sg_session_variable, NGX_HTTP_SG_V_ACTIONS,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_event"), NULL,
      ngx_http_sg_event_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_http_sg_revoked_names[] = {
    ngx_null_string,
    ngx_string("policy"),
    ngx_string("api"),
    ngx_string("logout"),
    ngx_string("limit")
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

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->main->pool, sizeof(ngx_http_sg_ctx_t));
        if (ctx == NULL) {
            return NGX_ERROR;
        }

        ngx_http_set_ctx(r->main, ctx, ngx_http_session_guard_module);
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
ngx_http_sg_revoke_reason_name(ngx_http_sg_record_t *rec)
{
    static ngx_str_t  expired = ngx_string("expired");
    static ngx_str_t  idle = ngx_string("idle_timeout");

    if (rec->revoked != NGX_HTTP_SG_REVOKED_POLICY) {
        return NULL;
    }

    if (rec->revoke_reason < NGX_HTTP_SG_SIG_COUNT) {
        return &ngx_http_sg_signal_names[rec->revoke_reason];
    }

    if (rec->revoke_reason == NGX_HTTP_SG_REASON_EXPIRED) {
        return &expired;
    }

    if (rec->revoke_reason == NGX_HTTP_SG_REASON_IDLE) {
        return &idle;
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
    ngx_http_sg_record_t  *rec;

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

    case NGX_HTTP_SG_V_COOKIE_MODE:
        p = (rec->cookie_mode == NGX_HTTP_SG_COOKIE_NON_PERSISTENT)
            ? ngx_http_sg_cpy(p, "non-persistent")
            : ngx_http_sg_cpy(p, "persistent");
        break;

    case NGX_HTTP_SG_V_REVOKED:
        if (rec->revoked && rec->revoked < 5) {
            s = &ngx_http_sg_revoked_names[rec->revoked];
            p = ngx_cpymem(p, s->data, s->len);
        }
        break;

    case NGX_HTTP_SG_V_RISK:
        p = ngx_http_sg_names(p, ctx->signals, ngx_http_sg_signal_names,
                              NGX_HTTP_SG_SIG_COUNT, 0);
        break;

    default: /* NGX_HTTP_SG_V_ACTIONS */
        p = ngx_http_sg_names(p, ctx->actions, ngx_http_sg_action_names,
                              NGX_HTTP_SG_ACT_COUNT, 0);
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
    size_t                 len;
    u_char                *p, *start;
    ngx_str_t             *status, *reason, ua, org, sub;
    ngx_http_sg_geo_t     *geo;
    ngx_http_sg_ctx_t     *ctx;
    ngx_http_sg_record_t  *rec;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL
        || (ctx->status == NGX_HTTP_SG_STATUS_NONE && ctx->revocation == NULL))
    {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ctx->status == NGX_HTTP_SG_STATUS_NONE) {
        return ngx_http_sg_revocation_event(r, v, ctx->revocation);
    }

    status = ngx_http_sg_status_name(ctx->status);

    if (r->headers_in.user_agent) {
        ua = r->headers_in.user_agent->value;
    } else {
        ngx_str_null(&ua);
    }

    geo = ngx_http_sg_geo(r);

    if (geo) {
        org = geo->asn_org;
    } else {
        ngx_str_null(&org);
    }

    sub = ctx->has_session ? ctx->session.sub : (ngx_str_t) ngx_null_string;

    /* every string may grow sixfold when escaped (\u00XX) */

    len = 2048
          + 6 * (ua.len + org.len + sub.len + ctx->session.id.len
                 + r->uri.len + r->method_name.len)
          + (ctx->reason ? 6 * ngx_strlen(ctx->reason) : 0);

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(start, "{\"@timestamp\":\"%V\",",
                    &ngx_cached_http_log_iso8601);

    p = ngx_sprintf(p, "\"event\":{\"kind\":\"event\","
                    "\"category\":[\"session\",\"authentication\"],"
                    "\"action\":\"%s\",\"outcome\":\"%s\"",
                    ctx->status == NGX_HTTP_SG_STATUS_EXPIRED
                    ? "session-expired"
                    : (ctx->has_session && ctx->session.rec.revoked)
                      ? "session-revoked" : "session-checked",
                    ctx->status == NGX_HTTP_SG_STATUS_ALLOW
                    ? "success" : "failure");

    if (ctx->reason) {
        p = ngx_http_sg_cpy(p, ",\"reason\":\"");
        p = (u_char *) ngx_escape_json(p, (u_char *) ctx->reason,
                                       ngx_strlen(ctx->reason));
        *p++ = '"';
    }

    p = ngx_sprintf(p, "},\"session_guard\":{\"status\":\"%V\","
                    "\"mode\":\"%s\",\"signals\":[",
                    status, ctx->monitor ? "monitor" : "enforce");
    p = ngx_http_sg_names(p, ctx->signals, ngx_http_sg_signal_names,
                          NGX_HTTP_SG_SIG_COUNT, 1);
    p = ngx_http_sg_cpy(p, "],\"actions\":[");
    p = ngx_http_sg_names(p, ctx->actions, ngx_http_sg_action_names,
                          NGX_HTTP_SG_ACT_COUNT, 1);
    p = ngx_sprintf(p, "],\"session_created\":%s,\"lifetime_clamped\":%s",
                    ctx->created ? "true" : "false",
                    ctx->clamped ? "true" : "false");

    /* who revoked the session, and why (the policy's reasons only) */

    if (ctx->has_session && ctx->session.rec.revoked
        && ctx->session.rec.revoked < 5)
    {
        p = ngx_sprintf(p, ",\"revocation\":{\"source\":\"%V\"",
                        &ngx_http_sg_revoked_names[ctx->session.rec.revoked]);

        reason = ngx_http_sg_revoke_reason_name(&ctx->session.rec);

        if (reason) {
            p = ngx_sprintf(p, ",\"reason\":\"%V\"", reason);
        }

        *p++ = '}';
    }

    *p++ = '}';

    if (ctx->has_session) {
        rec = &ctx->session.rec;

        p = ngx_http_sg_cpy(p, ",\"session\":{\"id\":");
        p = ngx_http_sg_json_str(p, &ctx->session.id);
        p = ngx_sprintf(p, ",\"created\":%T,\"updated\":%T,"
                        "\"last_interacted\":%T",
                        rec->created, rec->updated, rec->last_seen);

        if (rec->expires) {
            p = ngx_sprintf(p, ",\"expires\":%T", rec->expires);
        }

        if (rec->idle_timeout) {
            p = ngx_sprintf(p, ",\"idle_expires\":%T",
                            ngx_http_sg_idle_expires(rec));
        }

        if (rec->auth_time) {
            p = ngx_sprintf(p, ",\"authenticated_at\":%T", rec->auth_time);
        }

        p = ngx_sprintf(p, ",\"cookie_mode\":\"%s\",\"revoked\":%s",
                        rec->cookie_mode == NGX_HTTP_SG_COOKIE_NON_PERSISTENT
                        ? "non-persistent" : "persistent",
                        rec->revoked ? "true" : "false");

        p = ngx_http_sg_cpy(p, ",\"initial\":{\"ip\":\"");
        p = ngx_http_sg_ip_text(p, &rec->initial.ip);
        *p++ = '"';

        if (rec->initial.asn) {
            p = ngx_sprintf(p, ",\"asn\":%uD", rec->initial.asn);
        }

        if (rec->initial.country[0]) {
            p = ngx_sprintf(p, ",\"country\":\"%c%c\"",
                            rec->initial.country[0],
                            rec->initial.country[1]);
        }

        p = ngx_http_sg_cpy(p, "}}");
    }

    if (sub.len) {
        p = ngx_http_sg_cpy(p, ",\"user\":{\"id\":");
        p = ngx_http_sg_json_str(p, &sub);
        *p++ = '}';
    }

    p = ngx_http_sg_cpy(p, ",\"source\":{\"ip\":");
    p = ngx_http_sg_json_str(p, &r->connection->addr_text);

    if (geo && geo->asn) {
        p = ngx_sprintf(p, ",\"as\":{\"number\":%uD", geo->asn);

        if (org.len) {
            p = ngx_http_sg_cpy(p, ",\"organization\":{\"name\":");
            p = ngx_http_sg_json_str(p, &org);
            *p++ = '}';
        }

        *p++ = '}';
    }

    if (geo && (geo->country[0] || geo->has_loc)) {
        p = ngx_http_sg_cpy(p, ",\"geo\":{");

        if (geo->country[0]) {
            p = ngx_sprintf(p, "\"country_iso_code\":\"%c%c\"%s",
                            geo->country[0], geo->country[1],
                            geo->has_loc ? "," : "");
        }

        if (geo->has_loc) {
            p = ngx_sprintf(p, "\"location\":{\"lat\":%.4f,\"lon\":%.4f}",
                            geo->latitude, geo->longitude);
        }

        *p++ = '}';
    }

    *p++ = '}';

    p = ngx_http_sg_event_request(p, r, &ua);

    v->len = p - start;
    v->data = start;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * The event of a revocation made by an API call or a back-channel logout
 * token: who (source), why (reason), which session or subject.
 */

static ngx_int_t
ngx_http_sg_revocation_event(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_http_sg_revocation_t *rv)
{
    size_t      len;
    u_char     *p, *start;
    ngx_str_t   ua;

    if (r->headers_in.user_agent) {
        ua = r->headers_in.user_agent->value;
    } else {
        ngx_str_null(&ua);
    }

    len = 1024
          + 6 * (rv->id.len + rv->sub.len + rv->reason.len + ua.len
                 + r->connection->addr_text.len + r->uri.len
                 + r->method_name.len);

    start = ngx_pnalloc(r->pool, len);
    if (start == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(start, "{\"@timestamp\":\"%V\",",
                    &ngx_cached_http_log_iso8601);

    p = ngx_http_sg_cpy(p, "\"event\":{\"kind\":\"event\","
                        "\"category\":[\"session\"],"
                        "\"action\":\"session-revoked\","
                        "\"outcome\":\"success\",\"reason\":");
    p = ngx_http_sg_json_str(p, &rv->reason);

    p = ngx_sprintf(p, "},\"session_guard\":{\"revocation\":{"
                    "\"source\":\"%V\",\"reason\":",
                    &ngx_http_sg_revoked_names[rv->source < 5 ? rv->source
                                                              : 0]);
    p = ngx_http_sg_json_str(p, &rv->reason);
    p = ngx_sprintf(p, ",\"scope\":\"%s\",\"sessions\":%ui}}",
                    rv->id.len ? "session" : "subject", rv->count);

    if (rv->id.len) {
        p = ngx_http_sg_cpy(p, ",\"session\":{\"id\":");
        p = ngx_http_sg_json_str(p, &rv->id);
        p = ngx_http_sg_cpy(p, ",\"revoked\":true}");
    }

    if (rv->sub.len) {
        p = ngx_http_sg_cpy(p, ",\"user\":{\"id\":");
        p = ngx_http_sg_json_str(p, &rv->sub);
        *p++ = '}';
    }

    p = ngx_http_sg_cpy(p, ",\"source\":{\"ip\":");
    p = ngx_http_sg_json_str(p, &r->connection->addr_text);
    *p++ = '}';

    p = ngx_http_sg_event_request(p, r, &ua);

    v->len = p - start;
    v->data = start;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* the end of every event: user agent, method, path */

static u_char *
ngx_http_sg_event_request(u_char *p, ngx_http_request_t *r, ngx_str_t *ua)
{
    p = ngx_http_sg_cpy(p, ",\"user_agent\":{\"original\":");
    p = ngx_http_sg_json_str(p, ua);

    p = ngx_http_sg_cpy(p, "},\"http\":{\"request\":{\"method\":");
    p = ngx_http_sg_json_str(p, &r->method_name);
    p = ngx_http_sg_cpy(p, "}},\"url\":{\"path\":");
    p = ngx_http_sg_json_str(p, &r->uri);

    return ngx_http_sg_cpy(p, "}}");
}


static time_t
ngx_http_sg_idle_expires(ngx_http_sg_record_t *rec)
{
    return rec->last_seen + rec->idle_timeout;
}


static u_char *
ngx_http_sg_ip_text(u_char *p, ngx_http_sg_ip_t *ip)
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


static u_char *
ngx_http_sg_names(u_char *p, ngx_uint_t mask, ngx_str_t *names,
    ngx_uint_t n, ngx_uint_t quoted)
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

        if (quoted) {
            *p++ = '"';
        }

        p = ngx_cpymem(p, names[i].data, names[i].len);

        if (quoted) {
            *p++ = '"';
        }
    }

    return p;
}


static u_char *
ngx_http_sg_json_str(u_char *p, ngx_str_t *s)
{
    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, s->data, s->len);
    *p++ = '"';

    return p;
}
