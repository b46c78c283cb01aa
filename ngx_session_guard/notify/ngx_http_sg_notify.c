
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Logout notifications: when the edge revokes a session (by policy, through
 * the API, or on a back-channel logout token), every "session_guard_notify"
 * in effect gets an OpenID Connect Back-Channel Logout token signed with
 * the edge's key, POSTed as "logout_token=..." (a form) by a background
 * subrequest to its location, which the user points at the application
 * with proxy_pass: TLS, timeouts and retries are the proxy module's.
 *
 * The token: header {"alg","kid","typ":"logout+jwt"}; claims iss, aud (if
 * configured), iat, exp (iat + ttl), jti (128 random bits), sid and/or
 * sub, events {"http://schemas.openid.net/event/backchannel-logout":{}},
 * and the edge's own sg_reason (why) and sg_source (policy, api, logout).
 * The revocation of every session of a subject is one token with "sub"
 * and no "sid".
 *
 * Like nginx's mirror module, the subrequest runs in the background: the
 * response of the request that revoked is sent at once, and nothing of the
 * notification changes it.  The subrequest gets its own request headers
 * (only Content-Type) and body, never the client's.  Its outcome is logged
 * (failures at error) and counted in the zone: "sent" for a 2xx from the
 * location, "failed" otherwise.
 */


#include "ngx_http_sg.h"


typedef struct {
    ngx_http_sg_zone_t         *zone;
    ngx_str_t                  *uri;
    ngx_uint_t                  done;
} ngx_http_sg_notify_ctx_t;


typedef struct {
    ngx_http_sg_notify_t       *notify;
    time_t                      now;
    ngx_str_t                   jti;
    ngx_str_t                  *sid;
    ngx_str_t                  *sub;
    ngx_str_t                  *reason;
    ngx_str_t                  *source;
} ngx_http_sg_notify_claims_t;


static ngx_int_t ngx_http_sg_notify_one(ngx_http_request_t *r,
    ngx_http_sg_notify_t *n, ngx_http_sg_zone_t *zone, ngx_str_t *sid,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason);
static ngx_int_t ngx_http_sg_notify_token(ngx_http_request_t *r,
    ngx_http_sg_notify_t *n, ngx_str_t *sid, ngx_str_t *sub,
    ngx_uint_t source, ngx_str_t *reason, ngx_str_t *token);
static ngx_int_t ngx_http_sg_notify_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static void ngx_http_sg_notify_claims(ngx_http_sg_out_t *out, void *data);


static ngx_str_t  ngx_http_sg_notify_unknown = ngx_string("unknown");
static ngx_str_t  ngx_http_sg_notify_form =
    ngx_string("application/x-www-form-urlencoded");


void
ngx_http_sg_notify_send(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_zone_t *zone, ngx_str_t *sid,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason)
{
    ngx_uint_t             i;
    ngx_http_sg_notify_t  *n;

    /* the Shared Signals receivers of the zone too */

    ngx_http_sg_ssf_transmit(r, zone, NGX_HTTP_SG_SSF_TX_REVOKED, sid, sub,
                             source, reason);

    if (slcf->notify == NULL || slcf->notify == NGX_CONF_UNSET_PTR) {
        return;
    }

    if ((sid == NULL || sid->len == 0) && (sub == NULL || sub->len == 0)) {
        return;
    }

    n = slcf->notify->elts;

    for (i = 0; i < slcf->notify->nelts; i++) {

        if (ngx_http_sg_notify_one(r, &n[i], zone, sid, sub, source, reason)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: notification to \"%V\" failed: "
                          "it could not be made", &n[i].uri);

            ngx_http_sg_zone_count_event(zone,
                                         NGX_HTTP_SG_EVENT_NOTIFY_FAILED);
        }
    }
}


static ngx_int_t
ngx_http_sg_notify_one(ngx_http_request_t *r, ngx_http_sg_notify_t *n,
    ngx_http_sg_zone_t *zone, ngx_str_t *sid, ngx_str_t *sub,
    ngx_uint_t source, ngx_str_t *reason)
{
    ngx_str_t                    token, body;
    ngx_http_request_t          *sr;
    ngx_http_sg_bare_t           bare;
    ngx_http_sg_notify_ctx_t    *nc;
    ngx_http_post_subrequest_t  *ps;

    if (ngx_http_sg_notify_token(r, n, sid, sub, source, reason, &token)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    body.len = sizeof("logout_token=") - 1 + token.len;
    body.data = ngx_pnalloc(r->pool, body.len);
    if (body.data == NULL) {
        return NGX_ERROR;
    }

    /* base64url and dots: nothing to percent-encode */

    ngx_memcpy(ngx_cpymem(body.data, "logout_token=",
                          sizeof("logout_token=") - 1),
               token.data, token.len);

    nc = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_notify_ctx_t));
    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));

    if (nc == NULL || ps == NULL) {
        return NGX_ERROR;
    }

    nc->zone = zone;
    nc->uri = &n->uri;

    /* all allocated first: once created, the subrequest runs */

    /* a form POST of its own: nothing of the client's request */

    if (ngx_http_sg_bare_post_init(r, &bare, &ngx_http_sg_notify_form, &body)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_sg_notify_done;
    ps->data = nc;

    if (ngx_http_subrequest(r, &n->uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_BACKGROUND)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->header_only = 1;
    ngx_http_sg_bare_post(sr, &bare);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "session_guard: notification to \"%V\": %V",
                   &n->uri, &token);

    return NGX_OK;
}


/* the claims, signed */

static ngx_int_t
ngx_http_sg_notify_token(ngx_http_request_t *r, ngx_http_sg_notify_t *n,
    ngx_str_t *sid, ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason,
    ngx_str_t *token)
{
    u_char                       jti[NGX_SG_JTI_LEN];
    ngx_str_t                    payload, typ;
    ngx_http_sg_notify_claims_t  claims;

    claims.jti.data = jti;

    if (ngx_sg_jti(&claims.jti) != NGX_OK) {
        return NGX_ERROR;
    }

    claims.notify = n;
    claims.now = ngx_time();
    claims.sid = sid;
    claims.sub = sub;
    claims.reason = reason;
    claims.source = (source > NGX_SG_REVOKED_NO
                     && source < NGX_SG_REVOKED_COUNT)
                    ? &ngx_sg_revoked_names[source]
                    : &ngx_http_sg_notify_unknown;

    if (ngx_http_sg_out_build(r->pool, ngx_http_sg_notify_claims, &claims,
                              &payload)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ngx_str_set(&typ, "logout+jwt");

    return ngx_sg_jws_sign(r->pool, n->signer, &typ, &payload, token);
}


static void
ngx_http_sg_notify_claims(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_notify_claims_t *claims = data;

    ngx_http_sg_notify_t  *n;

    n = claims->notify;

    ngx_http_sg_out_lit(out, "{\"iss\":");
    ngx_http_sg_out_json(out, &n->issuer);

    if (n->audience.len) {
        ngx_http_sg_out_lit(out, ",\"aud\":");
        ngx_http_sg_out_json(out, &n->audience);
    }

    ngx_http_sg_out_fmt(out, ",\"iat\":%T,\"exp\":%T,\"jti\":\"%V\"",
                        claims->now, claims->now + n->ttl, &claims->jti);

    if (claims->sid && claims->sid->len) {
        ngx_http_sg_out_lit(out, ",\"sid\":");
        ngx_http_sg_out_json(out, claims->sid);
    }

    if (claims->sub && claims->sub->len) {
        ngx_http_sg_out_lit(out, ",\"sub\":");
        ngx_http_sg_out_json(out, claims->sub);
    }

    ngx_http_sg_out_lit(out, ",\"events\":{\"" NGX_SG_LOGOUT_EVENT
                        "\":{}}");

    if (claims->reason && claims->reason->len) {
        ngx_http_sg_out_lit(out, ",\"sg_reason\":");
        ngx_http_sg_out_json(out, claims->reason);
    }

    ngx_http_sg_out_fmt(out, ",\"sg_source\":\"%V\"}", claims->source);
}


/*
 * Called when the subrequest ends, maybe more than once (an error status
 * first, then its error page): the first call decides.
 */

static ngx_int_t
ngx_http_sg_notify_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_sg_notify_ctx_t *nc = data;

    ngx_uint_t  status;

    if (nc->done || rc == NGX_AGAIN) {
        return rc;
    }

    nc->done = 1;

    if (rc >= NGX_HTTP_OK) {
        status = (ngx_uint_t) rc;

    } else if (rc == NGX_OK) {
        status = r->headers_out.status;

    } else {
        status = 0;
    }

    if (status >= NGX_HTTP_OK && status < NGX_HTTP_SPECIAL_RESPONSE) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: notification to \"%V\" sent: status "
                      "%ui", nc->uri, status);

        ngx_http_sg_zone_count_event(nc->zone, NGX_HTTP_SG_EVENT_NOTIFY_SENT);

        return rc;
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "session_guard: notification to \"%V\" failed: status %ui",
                  nc->uri, status);

    ngx_http_sg_zone_count_event(nc->zone, NGX_HTTP_SG_EVENT_NOTIFY_FAILED);

    return rc;
}
