
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Receiving OpenID Connect Back-Channel Logout 1.0 (with errata set 1):
 *
 *   session_guard_backchannel_logout zone=name issuer=URL audience=ID
 *       jwks=file | key=file ... [algorithms=ES256,RS256,...]
 *       [typ=required] [leeway=time];
 *
 * A content handler.  The identity provider POSTs an
 * application/x-www-form-urlencoded body with one "logout_token"; the
 * token is validated as section 2.6 asks (ngx_sg_logout.c: signature with
 * this directive's own keys and an asymmetric algorithm, iss, aud, iat,
 * exp, sub and/or sid, the back-channel logout event, no nonce, a jti,
 * typ "logout+jwt" if present or required), its jti must not have been
 * seen before (the zone keeps them), then:
 *
 *   sid present   that session id is revoked in the zone (kept for the
 *                 zone's max_lifetime), with source "logout";
 *   sub only      every session of that subject is revoked.
 *
 * The session id in the zone is what session_guard_session_key makes of
 * the access token, by default its "sid" claim: the "sid" of the logout
 * token is taken as that id, as it is (one longer than a record holds is
 * named by its digest on both paths).  An IdP's sid is unique for that
 * issuer only, so one zone is meant to hold the sessions of one issuer
 * (docs/security.md).
 *
 * Answers: 200 "{}" (the session may be unknown or already revoked);
 * 400 {"error":"invalid_request"} whatever was wrong, the reason going to
 * the error log at info; 405 for another method; 500 when the zone cannot
 * store the revocation (fail closed, logged at alert).  Always
 * Cache-Control: no-store.
 *
 * The directive is parsed in ngx_http_sg_logout_conf.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_reply.h"
#include "ngx_http_sg_logout.h"
#include "ngx_sg_percent.h"


#define NGX_HTTP_SG_LOGOUT_BODY_MAX   65536
/* edge logins one sid-only logout token may end (a provider session) */
#define NGX_HTTP_SG_LOGOUT_LOGINS_MAX 1024


static void ngx_http_sg_logout_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_logout_process(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_logout_form(ngx_http_request_t *r,
    ngx_str_t *body, ngx_str_t *token, const char **reason);
static ngx_int_t ngx_http_sg_logout_reply(ngx_http_request_t *r,
    ngx_uint_t status);
static ngx_int_t ngx_http_sg_logout_logins(ngx_http_request_t *r,
    ngx_http_sg_zone_t *zone, ngx_str_t *sid, ngx_str_t *sub);


ngx_int_t
ngx_http_sg_logout_handler(ngx_http_request_t *r)
{
    ngx_int_t    rc;
    const char  *reason;

    if (r->method != NGX_HTTP_POST) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (ngx_http_sg_control_allow_post(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_sg_logout_reply(r, NGX_HTTP_NOT_ALLOWED);
    }

    reason = NULL;

    if (!ngx_http_sg_control_content_type(r,
            "application/x-www-form-urlencoded",
            sizeof("application/x-www-form-urlencoded") - 1))
    {
        reason = "not a form";

    } else if (r->headers_in.content_length_n > NGX_HTTP_SG_LOGOUT_BODY_MAX) {
        reason = "body too large";
    }

    if (reason) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: back-channel logout refused: %s",
                      reason);

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_sg_logout_reply(r, NGX_HTTP_BAD_REQUEST);
    }

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r,
                                           ngx_http_sg_logout_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_sg_logout_body_handler(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_sg_logout_process(r));
}


static ngx_int_t
ngx_http_sg_logout_process(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_str_t                   body, token, sid, sub, isid, isub, key,
                                *name, why;
    ngx_uint_t                  n;
    const char                 *reason;
    ngx_sg_logout_token_t       lt;
    ngx_sg_logout_policy_t      policy;
    ngx_http_sg_loc_conf_t     *slcf;
    ngx_http_sg_logout_conf_t  *lcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);
    lcf = slcf->backchannel;

    if (lcf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    name = ngx_http_sg_zone_name(lcf->zone);

    rc = ngx_http_sg_control_body(r, &body, NGX_HTTP_SG_LOGOUT_BODY_MAX);

    if (rc == NGX_ERROR) {
        return ngx_http_sg_logout_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    if (rc != NGX_OK) {
        reason = "body too large";
        goto invalid;
    }

    rc = ngx_http_sg_logout_form(r, &body, &token, &reason);

    if (rc == NGX_ERROR) {
        return ngx_http_sg_logout_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    if (rc != NGX_OK) {
        goto invalid;
    }

    /* the configuration is shared: the clock goes into a copy */

    policy = lcf->policy;
    policy.now = ngx_time();

    rc = ngx_sg_logout_validate(r->pool, &token, &policy, &lt, &reason);

    if (rc == NGX_ERROR) {
        return ngx_http_sg_logout_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    if (rc != NGX_OK) {
        goto invalid;
    }

    sid = lt.sid;
    sub = lt.sub;

    /*
     * The zone knows them by the names the access handler gave them (a
     * digest when too long); the applications behind, by what the
     * identity provider sent.
     */

    isid = sid;
    isub = sub;

    if (ngx_http_sg_session_name(r->pool, &sid, NGX_SG_ID_MAX, &sid)
        != NGX_OK
        || ngx_http_sg_session_name(r->pool, &sub, NGX_SG_SUB_MAX, &sub)
           != NGX_OK)
    {
        return ngx_http_sg_logout_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    /*
     * The replay check comes last of the checks and before the effect: a
     * replayed token must not revoke again (with "sub" only, it would end
     * sessions begun after the logout).  The jti is namespaced (DPoP jtis
     * share the store) and kept until the token expires, plus the leeway.
     */

    key.len = sizeof("logout  ") - 1 + policy.issuer.len + lt.jti.len;
    key.data = ngx_pnalloc(r->pool, key.len);
    if (key.data == NULL) {
        return ngx_http_sg_logout_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    ngx_memcpy(ngx_cpymem(ngx_cpymem(ngx_cpymem(key.data, "logout ", 7),
                                     policy.issuer.data, policy.issuer.len),
                          " ", 1),
               lt.jti.data, lt.jti.len);

    rc = ngx_http_sg_zone_jti(lcf->zone, &key, lt.exp + policy.leeway);

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store a logout "
                      "token jti, logout refused", name);
        return ngx_http_sg_logout_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }

    if (rc != NGX_OK) {
        reason = "replayed jti";
        goto invalid;
    }

    if (sid.len) {
        if (ngx_http_sg_zone_revoke(lcf->zone, &sid,
                                    NGX_SG_REVOKED_LOGOUT, 0, 0)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "session_guard: zone \"%V\" cannot store the "
                          "revocation of session \"%V\" requested by a "
                          "back-channel logout", name,
                          ngx_http_sg_log_str(r, &sid));
            return ngx_http_sg_logout_reply(r,
                                            NGX_HTTP_INTERNAL_SERVER_ERROR);
        }

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": session \"%V\" revoked "
                      "by a back-channel logout", name,
                      ngx_http_sg_log_str(r, &sid));

        /* the edge's own logins of that provider session (oidc) */

        if (ngx_http_sg_logout_logins(r, lcf->zone, &isid, &sub) != NGX_OK) {
            return ngx_http_sg_logout_reply(r,
                                            NGX_HTTP_INTERNAL_SERVER_ERROR);
        }

    } else {
        n = 0;

        if (ngx_http_sg_zone_revoke_subject(lcf->zone, &sub,
                                            NGX_SG_REVOKED_LOGOUT, 0,
                                            &n)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "session_guard: zone \"%V\" cannot store the "
                          "revocation of the sessions of \"%V\" requested "
                          "by a back-channel logout", name,
                          ngx_http_sg_log_str(r, &sub));
            return ngx_http_sg_logout_reply(r,
                                            NGX_HTTP_INTERNAL_SERVER_ERROR);
        }

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": %ui session(s) of "
                      "\"%V\" revoked by a back-channel logout", name, n,
                      ngx_http_sg_log_str(r, &sub));
    }

    /* the applications behind: "sid" (with "sub" if given), else "sub" */

    ngx_str_set(&why, "backchannel_logout");

    (void) ngx_http_sg_event_revocation(r, &sid, &sub,
                                        NGX_SG_REVOKED_LOGOUT, &why,
                                        sid.len ? 1 : n);

    ngx_http_sg_notify_send(r, slcf, lcf->zone, &isid, &isub,
                            NGX_SG_REVOKED_LOGOUT, &why);

    return ngx_http_sg_logout_reply(r, NGX_HTTP_OK);

invalid:

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "session_guard: back-channel logout refused: %s", reason);

    return ngx_http_sg_logout_reply(r, NGX_HTTP_BAD_REQUEST);
}


/*
 * The sessions of session_guard_oidc logins whose provider session is
 * "sid": those whose id begins with the sid's tag (ngx_sg_sid_tag()) and
 * a ".", among the subject's, or without a subject among every live
 * session of the zone.  NGX_OK, or NGX_ERROR (logged).
 */

static ngx_int_t
ngx_http_sg_logout_logins(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_str_t *sid, ngx_str_t *sub)
{
    u_char                  tag[NGX_SG_SID_TAG_LEN + 1];
    ngx_str_t              *ids;
    ngx_uint_t              i, n;
    ngx_array_t            *list;
    ngx_http_sg_session_t  *s;

    ngx_sg_sid_tag(sid, tag);
    tag[NGX_SG_SID_TAG_LEN] = '.';
    n = 0;

    if (sub->len == 0) {

        /* no subject to start from: every live session is looked at */

        if (ngx_http_sg_zone_prefixed(zone, tag, NGX_SG_SID_TAG_LEN + 1,
                                      NGX_HTTP_SG_LOGOUT_LOGINS_MAX, r->pool,
                                      &list)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        ids = list->elts;

        for (i = 0; i < list->nelts; i++) {
            if (ngx_http_sg_zone_revoke(zone, &ids[i], NGX_SG_REVOKED_LOGOUT,
                                        0, 0)
                != NGX_OK)
            {
                goto failed;
            }

            n++;
        }

        goto done;
    }

    if (ngx_http_sg_zone_list(zone, sub, r->pool, &list) != NGX_OK) {
        return NGX_ERROR;
    }

    s = list->elts;

    for (i = 0; i < list->nelts; i++) {
        if (s[i].rec.revoked
            || s[i].id.len <= NGX_SG_SID_TAG_LEN + 1
            || ngx_memcmp(s[i].id.data, tag, NGX_SG_SID_TAG_LEN + 1) != 0)
        {
            continue;
        }

        if (ngx_http_sg_zone_revoke_session(zone, &s[i],
                                            NGX_SG_REVOKED_LOGOUT, 0)
            != NGX_OK)
        {
            goto failed;
        }

        n++;
    }

done:

    if (n) {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": %ui edge login(s) of "
                      "the provider's session \"%V\" revoked by a "
                      "back-channel logout",
                      ngx_http_sg_zone_name(zone), n,
                      ngx_http_sg_log_str(r, sid));
    }

    return NGX_OK;

failed:

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "session_guard: zone \"%V\" cannot store the revocation of "
                  "an edge login requested by a back-channel logout",
                  ngx_http_sg_zone_name(zone));

    return NGX_ERROR;
}


/*
 * The whole body in one piece, from memory or from the temporary file.
 * NGX_OK, NGX_DECLINED when over "max", NGX_ERROR.  Shared with the
 * Shared Signals receiver (ngx_http_sg_ssf.c).
 */

ngx_int_t
ngx_http_sg_control_body(ngx_http_request_t *r, ngx_str_t *body, off_t max)
{
    u_char       *p;
    off_t         len;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_null(body);

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    if (len > max) {
        return NGX_DECLINED;
    }

    if (len == 0) {
        return NGX_OK;
    }

    body->data = ngx_pnalloc(r->pool, (size_t) len);
    if (body->data == NULL) {
        return NGX_ERROR;
    }

    p = body->data;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, (size_t) (b->file_last - b->file_pos),
                              b->file_pos);

            if (n == NGX_ERROR
                || n != (ssize_t) (b->file_last - b->file_pos))
            {
                return NGX_ERROR;
            }

            p += n;

        } else {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    body->len = p - body->data;

    return NGX_OK;
}


/*
 * application/x-www-form-urlencoded: exactly one "logout_token", other
 * parameters ignored.  Names and the token are percent-decoded ("+" is a
 * space); a bad escape in the token or in a name refuses the body.
 */

static ngx_int_t
ngx_http_sg_logout_form(ngx_http_request_t *r, ngx_str_t *body,
    ngx_str_t *token, const char **reason)
{
    u_char      *p, *last, *start, *eq;
    ngx_int_t    rc;
    ngx_str_t    name, raw;
    ngx_uint_t   found;

    found = 0;
    ngx_str_null(token);

    p = body->data;
    last = p + body->len;

    while (p < last) {
        start = p;

        while (p < last && *p != '&') {
            p++;
        }

        eq = ngx_strlchr(start, p, '=');
        if (eq == NULL) {
            eq = p;
        }

        if (eq - start > 64) {
            /* not the name we look for, even encoded */
            goto next;
        }

        raw.data = start;
        raw.len = eq - start;

        rc = ngx_sg_percent_decode(r->pool, &raw, NGX_SG_PERCENT_FORM, &name);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc != NGX_OK) {
            *reason = "bad form encoding";
            return NGX_DECLINED;
        }

        if (name.len != 12
            || ngx_strncmp(name.data, "logout_token", 12) != 0)
        {
            goto next;
        }

        if (found) {
            *reason = "duplicate logout_token";
            return NGX_DECLINED;
        }

        found = 1;

        raw.data = eq < p ? eq + 1 : p;
        raw.len = p - raw.data;

        rc = ngx_sg_percent_decode(r->pool, &raw, NGX_SG_PERCENT_FORM, token);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc != NGX_OK) {
            *reason = "bad form encoding";
            return NGX_DECLINED;
        }

    next:

        if (p < last) {
            p++;
        }
    }

    if (!found || token->len == 0) {
        *reason = "no logout_token";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * Content-Type: "type" (lowercase), maybe with parameters.  Shared with
 * the Shared Signals receiver (ngx_http_sg_ssf.c).
 */

ngx_uint_t
ngx_http_sg_control_content_type(ngx_http_request_t *r, const char *type,
    size_t len)
{
    u_char     *p, *last;
    ngx_str_t  *ct;

    if (r->headers_in.content_type == NULL) {
        return 0;
    }

    ct = &r->headers_in.content_type->value;

    if (ct->len < len || ngx_strncasecmp(ct->data, (u_char *) type, len) != 0)
    {
        return 0;
    }

    p = ct->data + len;
    last = ct->data + ct->len;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    return p == last || *p == ';';
}


/* 405 for anything but POST: the "Allow" header (also for ssf.c) */

ngx_int_t
ngx_http_sg_control_allow_post(ngx_http_request_t *r)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Allow");
    ngx_str_set(&h->value, "POST");

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_logout_reply(ngx_http_request_t *r, ngx_uint_t status)
{
    u_char                  *start;
    size_t                   len;
    ngx_http_sg_loc_conf_t  *slcf;

    static const char  ok[] = "{}";
    static const char  invalid[] = "{\"error\":\"invalid_request\"}";
    static const char  internal[] = "{\"error\":\"server_error\"}";

    /* tokens accepted (a revocation done) and refused, for the metrics */

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    if (slcf->backchannel
        && (status == NGX_HTTP_OK || status == NGX_HTTP_BAD_REQUEST))
    {
        ngx_http_sg_zone_count_event(slcf->backchannel->zone,
                                     status == NGX_HTTP_OK
                                     ? NGX_HTTP_SG_EVENT_LOGOUT_ACCEPTED
                                     : NGX_HTTP_SG_EVENT_LOGOUT_REFUSED);
    }

    if (status == NGX_HTTP_OK) {
        start = (u_char *) ok;
        len = sizeof(ok) - 1;

    } else if (status == NGX_HTTP_INTERNAL_SERVER_ERROR) {
        start = (u_char *) internal;
        len = sizeof(internal) - 1;

    } else {
        start = (u_char *) invalid;
        len = sizeof(invalid) - 1;
    }

    return ngx_http_sg_api_reply(r, status, start, start + len);
}
