
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Receiving Shared Signals (OpenID SSF 1.0) by push (RFC 8935):
 *
 *   session_guard_ssf_receiver zone=name issuer=URL audience=URI
 *       jwks=file | key=file ... auth=file [algorithms=...]
 *       [max_age=time] [leeway=time] [on=event:action ...];
 *
 * A content handler.  The transmitter POSTs one Security Event Token
 * (RFC 8417) as the body, Content-Type application/secevent+jwt, with
 * "Authorization: Bearer <the secret of auth=>".  The SET is validated in
 * the core (ngx_sg_set.c: typ, signature by the directive's own keys, iss,
 * aud, iat, jti, no exp nor sub, events, subject), applied at most once
 * (issuer and jti, in the zone), then each event does what the mapping
 * says (ngx_http_sg_ssf_conf.c):
 *
 *   revoke   the subject's complex "session" member names a session: it
 *            is revoked (ahead, if unknown); else its user: every session
 *            of that subject; source "ssf", the event type as the reason;
 *   step_up  the session, or every live session of the user, must
 *            authenticate again: the next request whose token was
 *            authenticated before now gets the step-up challenge
 *            (session_guard_step_up), as when a signal asks for it;
 *   refuse_before  (token-claims-change) the session's, or the user's
 *            live sessions', tokens issued at or before the change are
 *            refused (401 invalid_token): the client needs a new one;
 *   log      a line at notice, nothing else.
 *
 * Answers (RFC 8935 section 2.2-2.4): 202 with no body once applied, and
 * for an identical retransmission (not applied again); 400 with
 * {"err":code,"description":reason} for an invalid SET, a jti reused by a
 * different SET, a wrong content type or an oversized body; 401 with
 * WWW-Authenticate: Bearer and "authentication_failed" without the
 * secret; 405 for another method; 500 when the zone cannot store a
 * revocation or the jti (fail closed: the transmitter sends it again).
 * Always Cache-Control: no-store.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_reply.h"
#include "ngx_http_sg_logout.h"


#define NGX_HTTP_SG_SSF_BODY_MAX   65536


static void ngx_http_sg_ssf_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_ssf_process(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_ssf_apply(ngx_http_request_t *r,
    ngx_http_sg_ssf_conf_t *scf, ngx_sg_set_t *set, ngx_sg_set_event_t *ev);
static ngx_int_t ngx_http_sg_ssf_fetched(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *text, ngx_array_t **keys);
static ngx_int_t ngx_http_sg_ssf_replay(ngx_http_request_t *r,
    ngx_http_sg_ssf_conf_t *scf, ngx_str_t *text, ngx_sg_set_t *set,
    ngx_str_t *keys);
static void ngx_http_sg_ssf_level(ngx_http_request_t *r,
    ngx_http_sg_ssf_conf_t *scf, ngx_sg_set_t *set, ngx_sg_set_event_t *ev,
    ngx_str_t *sid, ngx_str_t *sub);
static ngx_uint_t ngx_http_sg_ssf_authorized(ngx_http_request_t *r,
    ngx_http_sg_ssf_conf_t *scf);
static ngx_int_t ngx_http_sg_ssf_reply(ngx_http_request_t *r,
    ngx_uint_t status, ngx_sg_set_err_e err, const char *reason);


ngx_int_t
ngx_http_sg_ssf_handler(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    const char              *reason;
    ngx_table_elt_t         *h;
    ngx_http_sg_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    if (slcf->ssf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method != NGX_HTTP_POST) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (ngx_http_sg_control_allow_post(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_sg_ssf_reply(r, NGX_HTTP_NOT_ALLOWED, 0, NULL);
    }

    /* the transmitter's secret first: nothing else is said to a stranger */

    if (!ngx_http_sg_ssf_authorized(r, slcf->ssf)) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: security event refused: no valid "
                      "bearer secret");

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "WWW-Authenticate");
        ngx_str_set(&h->value, "Bearer");

        return ngx_http_sg_ssf_reply(r, NGX_HTTP_UNAUTHORIZED,
                                     NGX_SG_SET_ERR_AUTHENTICATION_FAILED,
                                     "bearer secret missing or wrong");
    }

    reason = NULL;

    if (!ngx_http_sg_control_content_type(r, "application/secevent+jwt",
            sizeof("application/secevent+jwt") - 1))
    {
        reason = "wrong content type";

    } else if (r->headers_in.content_length_n > NGX_HTTP_SG_SSF_BODY_MAX) {
        reason = "body too large";
    }

    if (reason) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: security event refused: %s", reason);

        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_sg_ssf_reply(r, NGX_HTTP_BAD_REQUEST,
                                     NGX_SG_SET_ERR_INVALID_REQUEST, reason);
    }

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_sg_ssf_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_sg_ssf_body_handler(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_sg_ssf_process(r));
}


static ngx_int_t
ngx_http_sg_ssf_process(ngx_http_request_t *r)
{
    u_char                  *p, *last;
    ngx_int_t                rc;
    ngx_str_t                body;
    const char              *reason;
    ngx_array_t             *keys;
    ngx_sg_set_err_e         err;
    ngx_http_sg_loc_conf_t  *slcf;
    ngx_http_sg_ssf_conf_t  *scf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);
    scf = slcf->ssf;

    rc = ngx_http_sg_control_body(r, &body, NGX_HTTP_SG_SSF_BODY_MAX);

    if (rc == NGX_ERROR) {
        return ngx_http_sg_ssf_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR, 0,
                                     NULL);
    }

    err = NGX_SG_SET_ERR_INVALID_REQUEST;

    if (rc != NGX_OK) {
        reason = "body too large";
        goto invalid;
    }

    /* a compact JWS and nothing else; a trailing line end is tolerated */

    p = body.data;
    last = p + body.len;

    while (last > p && (last[-1] == '\n' || last[-1] == '\r')) {
        last--;
    }

    body.len = last - p;

    keys = NULL;

    if (scf->fetch) {
        rc = ngx_http_sg_ssf_fetched(r, slcf, &body, &keys);

        if (rc == NGX_AGAIN) {
            /* the request runs its phases again once the keys are here */
            r->main->count++;
            r->write_event_handler = ngx_http_core_run_phases;
            return NGX_DONE;
        }

        if (rc != NGX_OK) {
            /* no keys at all (logged): fail closed, the transmitter retries */
            return ngx_http_sg_ssf_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR, 0,
                                         NULL);
        }
    }

    rc = ngx_http_sg_ssf_receive(r, scf, keys, &body, &reason, &err);

    if (rc == NGX_ERROR) {
        return ngx_http_sg_ssf_reply(r, NGX_HTTP_INTERNAL_SERVER_ERROR, 0,
                                     NULL);
    }

    if (rc != NGX_DECLINED) {
        return ngx_http_sg_ssf_reply(r, NGX_HTTP_ACCEPTED, 0, NULL);
    }

invalid:

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "session_guard: security event refused: %s (%V)", reason,
                  &ngx_sg_set_err_names[err]);

    return ngx_http_sg_ssf_reply(r, NGX_HTTP_BAD_REQUEST, err, reason);
}


/*
 * One SET, its compact text, from the transmitter of scf (pushed, or
 * polled: ngx_http_sg_ssf_poll.c), checked with "keys" (NULL: the files
 * of the directive): validated, applied at most once.
 * NGX_OK applied; NGX_DONE an identical retransmission, acknowledged and
 * not applied again; NGX_DECLINED refused (*reason, *err); NGX_ERROR not
 * stored (no memory; not remembered either: it may come again).
 */

ngx_int_t
ngx_http_sg_ssf_receive(ngx_http_request_t *r, ngx_http_sg_ssf_conf_t *scf,
    ngx_array_t *keys, ngx_str_t *text, const char **reason,
    ngx_sg_set_err_e *err)
{
    ngx_int_t             rc;
    ngx_str_t             seen[2];
    ngx_uint_t            i;
    ngx_sg_set_t         *set;
    ngx_sg_set_policy_t   policy;

    *err = NGX_SG_SET_ERR_INVALID_REQUEST;

    if (text->len == 0) {
        *reason = "empty body";
        return NGX_DECLINED;
    }

    set = ngx_pcalloc(r->pool, sizeof(ngx_sg_set_t));
    if (set == NULL) {
        return NGX_ERROR;
    }

    /* the configuration is shared: the clock goes into a copy */

    policy = scf->policy;
    policy.now = ngx_time();

    if (keys) {
        policy.keys = keys;
    }

    rc = ngx_sg_set_validate(r->pool, text, &policy, set, reason, err);

    if (rc != NGX_OK) {
        return rc;
    }

    *err = NGX_SG_SET_ERR_INVALID_REQUEST;

    rc = ngx_http_sg_ssf_replay(r, scf, text, set, seen);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_DONE) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: security event \"%V\" from \"%V\" "
                      "received again, not applied again",
                      ngx_http_sg_log_str(r, &set->jti), &scf->policy.issuer);

        ngx_http_sg_zone_count_event(scf->zone,
                                     NGX_HTTP_SG_EVENT_SSF_DUPLICATE);
        return NGX_DONE;
    }

    if (rc != NGX_OK) {
        *reason = "jti reused by a different event";
        return NGX_DECLINED;
    }

    for (i = 0; i < set->nevents; i++) {
        if (ngx_http_sg_ssf_apply(r, scf, set, &set->events[i]) != NGX_OK) {
            /* not applied: the transmitter must be able to send it again */
            ngx_http_sg_zone_jti_forget(scf->zone, &seen[0]);
            ngx_http_sg_zone_jti_forget(scf->zone, &seen[1]);

            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * jwks_fetch=on: the worker's current keys of the location's
 * session_guard_jwks_fetch, fetched first when there are none or the SET
 * names a kid they lack.  NGX_OK with *keys; NGX_AGAIN: the request waits
 * for the fetch and runs its phases again after it; NGX_ERROR: no keys
 * (logged by the fetch).  A SET whose header cannot be read gets the
 * current keys: its validation refuses it for what it is.
 */

static ngx_int_t
ngx_http_sg_ssf_fetched(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *text, ngx_array_t **keys)
{
    ngx_str_t           kid;
    ngx_uint_t          generation;
    const char         *reason;
    ngx_sg_jws_t        jws;
    ngx_http_sg_ctx_t  *ctx;

    ngx_str_null(&kid);

    if (ngx_sg_jws_parse(r->pool, text, 0, &jws, &reason) == NGX_OK) {
        kid = jws.kid;
    }

    ctx = ngx_http_sg_ensure_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_sg_jwks_keys(r, slcf->fetch, ctx, &kid, keys,
                                 &generation);
}


/*
 * At most once per issuer and jti.  keys[0] names this very SET (its
 * SHA-256), keys[1] its jti: the first seen means an identical
 * retransmission (NGX_DONE: acknowledged, not applied), the second alone
 * a different SET reusing the jti (NGX_DECLINED).  Both are kept for the
 * age after which the SET would be refused anyway.
 */

static ngx_int_t
ngx_http_sg_ssf_replay(ngx_http_request_t *r, ngx_http_sg_ssf_conf_t *scf,
    ngx_str_t *text, ngx_sg_set_t *set, ngx_str_t *keys)
{
    u_char     *p, digest[NGX_SG_SHA256_LEN];
    time_t      until;
    ngx_int_t   rc;
    ngx_str_t   d, enc;

    if (ngx_sg_sha256_digest(text->data, text->len, digest) != NGX_OK) {
        return NGX_ERROR;
    }

    d.data = digest;
    d.len = sizeof(digest);

    enc.len = ngx_base64_encoded_length(d.len);
    enc.data = ngx_pnalloc(r->pool, enc.len);
    if (enc.data == NULL) {
        return NGX_ERROR;
    }

    ngx_encode_base64url(&enc, &d);

    keys[1].len = sizeof("ssf-jti  ") - 1 + set->iss.len + set->jti.len;
    keys[0].len = sizeof("ssf-set   ") - 1 + set->iss.len + set->jti.len
                  + enc.len;

    keys[0].data = ngx_pnalloc(r->pool, keys[0].len + keys[1].len);
    if (keys[0].data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(keys[0].data, "ssf-set %V %V %V", &set->iss,
                    &set->jti, &enc);
    keys[1].data = p;
    (void) ngx_sprintf(p, "ssf-jti %V %V", &set->iss, &set->jti);

    until = set->iat + scf->policy.max_age + scf->policy.leeway;

    rc = ngx_http_sg_zone_jti(scf->zone, &keys[0], until);

    if (rc != NGX_OK) {
        return rc == NGX_DECLINED ? NGX_DONE : rc;
    }

    rc = ngx_http_sg_zone_jti(scf->zone, &keys[1], until);

    if (rc != NGX_OK) {
        ngx_http_sg_zone_jti_forget(scf->zone, &keys[0]);
    }

    return rc;
}


static ngx_int_t
ngx_http_sg_ssf_apply(ngx_http_request_t *r, ngx_http_sg_ssf_conf_t *scf,
    ngx_sg_set_t *set, ngx_sg_set_event_t *ev)
{
    time_t       since;
    ngx_str_t   *name, *evname, sid, sub, why;
    ngx_uint_t   n, action;

    name = ngx_http_sg_zone_name(scf->zone);
    evname = &ngx_sg_set_event_names[ev->type];

    ngx_http_sg_zone_count_event(scf->zone, NGX_HTTP_SG_EVENT_SSF_ACCEPTED);

    switch (ev->type) {

    case NGX_SG_SET_VERIFICATION:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "session_guard: verification event from \"%V\", "
                      "state \"%V\"", &scf->policy.issuer,
                      ngx_http_sg_log_str(r, &ev->state));
        return NGX_OK;

    case NGX_SG_SET_STREAM_UPDATED:
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: stream from \"%V\" is now \"%V\"",
                      &scf->policy.issuer, ngx_http_sg_log_str(r, &ev->status));
        return NGX_OK;

    case NGX_SG_SET_UNKNOWN:
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: security event \"%V\" from \"%V\" "
                      "of unknown type \"%V\" accepted, nothing done",
                      ngx_http_sg_log_str(r, &set->jti), &scf->policy.issuer,
                      ngx_http_sg_log_str(r, &ev->uri));
        return NGX_OK;

    default:
        break;
    }

    action = scf->action[ev->type];

    /* only a device found non-compliant ends sessions */

    if (ev->type == NGX_SG_SET_DEVICE_COMPLIANCE_CHANGE
        && !(ev->current_status.len == 13
             && ngx_strncmp(ev->current_status.data, "not-compliant", 13)
                == 0))
    {
        action = NGX_HTTP_SG_SSF_LOG;
    }

    if (action != NGX_HTTP_SG_SSF_LOG
        && ev->session.len == 0 && ev->user.len == 0)
    {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: %V event from \"%V\" names neither a "
                      "session nor a user (device \"%V\" is unknown to the "
                      "edge), nothing done", evname, &scf->policy.issuer,
                      ngx_http_sg_log_str(r, &ev->device));
        return NGX_OK;
    }

    if (action == NGX_HTTP_SG_SSF_LOG) {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: %V event from \"%V\" for \"%V\" "
                      "logged, nothing done", evname, &scf->policy.issuer,
                      ngx_http_sg_log_str(r, ev->session.len ? &ev->session
                                                             : &ev->user));
        return NGX_OK;
    }

    /* the zone's names for them (a digest when too long) */

    if (ngx_http_sg_session_name(r->pool, &ev->session, NGX_SG_ID_MAX, &sid)
        != NGX_OK
        || ngx_http_sg_session_name(r->pool, &ev->user, NGX_SG_SUB_MAX, &sub)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /*
     * An assurance level is recorded ("record", and "step_up" too); only
     * one that went down asks every location for step-up ("step_up").
     */

    if (ev->type == NGX_SG_SET_ASSURANCE_LEVEL_CHANGE) {
        ngx_http_sg_ssf_level(r, scf, set, ev, &sid, &sub);

        if (action == NGX_HTTP_SG_SSF_RECORD
            || !(ev->change_direction.len == 8
                 && ngx_strncmp(ev->change_direction.data, "decrease", 8)
                    == 0))
        {
            return NGX_OK;
        }
    }

    if (action == NGX_HTTP_SG_SSF_REFUSE_BEFORE) {
        since = ev->event_timestamp ? ev->event_timestamp
                : set->toe ? set->toe : set->iat;

        /* never ahead of the clock: tokens issued from now on are new */
        since = ngx_min(since, ngx_time());

        (void) ngx_http_sg_zone_claims_changed(scf->zone, &sid, &sub, since,
                                               &n);

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": tokens issued up to %T "
                      "refused for %ui session(s) of \"%V\" by event %V "
                      "from \"%V\"", name, since, n,
                      ngx_http_sg_log_str(r, sid.len ? &sid : &sub), evname,
                      &scf->policy.issuer);
        return NGX_OK;
    }

    if (action == NGX_HTTP_SG_SSF_STEP_UP) {
        (void) ngx_http_sg_zone_step_up(scf->zone, &sid, &sub, &n);

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": step-up asked of %ui "
                      "session(s) of \"%V\" by event %V from \"%V\"",
                      name, n,
                      ngx_http_sg_log_str(r, sid.len ? &sid : &sub), evname,
                      &scf->policy.issuer);

        ngx_http_sg_zone_count_event(scf->zone,
                                     NGX_HTTP_SG_EVENT_SSF_STEP_UP);
        return NGX_OK;
    }

    if (sid.len) {
        if (ngx_http_sg_zone_revoke(scf->zone, &sid, NGX_SG_REVOKED_SSF,
                                    ev->type, 0)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "session_guard: zone \"%V\" cannot store the "
                          "revocation of session \"%V\" asked by a %V "
                          "event", name, ngx_http_sg_log_str(r, &sid), evname);
            return NGX_ERROR;
        }

        n = 1;

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": session \"%V\" revoked "
                      "by a %V event from \"%V\"", name,
                      ngx_http_sg_log_str(r, &sid), evname,
                      &scf->policy.issuer);

    } else {
        n = 0;

        if (ngx_http_sg_zone_revoke_subject(scf->zone, &sub,
                                            NGX_SG_REVOKED_SSF, ev->type, &n)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "session_guard: zone \"%V\" cannot store the "
                          "revocation of the sessions of \"%V\" asked by a "
                          "%V event", name, ngx_http_sg_log_str(r, &sub),
                          evname);
            return NGX_ERROR;
        }

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": %ui session(s) of "
                      "\"%V\" revoked by a %V event from \"%V\"", name, n,
                      ngx_http_sg_log_str(r, &sub), evname,
                      &scf->policy.issuer);
    }

    ngx_http_sg_zone_count_event(scf->zone, NGX_HTTP_SG_EVENT_SSF_REVOKED);

    why = *evname;

    (void) ngx_http_sg_event_revocation(r, &sid, &sub, NGX_SG_REVOKED_SSF,
                                        &why, n);

    ngx_http_sg_notify_send(r, ngx_http_get_module_loc_conf(r,
                                ngx_http_session_guard_module),
                            scf->zone, &ev->session, &ev->user,
                            NGX_SG_REVOKED_SSF, &why);

    return NGX_OK;
}


/*
 * An assurance level reported: recorded in the named session, or in every
 * live session of the user, when its namespace is declared
 * (ngx_http_sg_assurance.c); a level that is not one of the namespace's
 * is recorded too, and counts as weaker than any.
 */

static void
ngx_http_sg_ssf_level(ngx_http_request_t *r, ngx_http_sg_ssf_conf_t *scf,
    ngx_sg_set_t *set, ngx_sg_set_event_t *ev, ngx_str_t *sid,
    ngx_str_t *sub)
{
    time_t                    since;
    uint32_t                  ns, level;
    ngx_str_t                *name, *direction;
    ngx_uint_t                n, known;
    ngx_http_sg_main_conf_t  *smcf;

    static ngx_str_t  unsaid = ngx_string("direction not given");

    name = ngx_http_sg_zone_name(scf->zone);
    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    if (ngx_http_sg_assurance_names(smcf, &ev->namespace, &ev->current_level,
                                    &ns, &level, &known)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: assurance-level-change event from "
                      "\"%V\" in namespace \"%V\", which "
                      "\"session_guard_assurance_levels\" does not declare: "
                      "nothing recorded", &scf->policy.issuer,
                      ngx_http_sg_log_str(r, &ev->namespace));
        return;
    }

    if (!known) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: assurance-level-change event from "
                      "\"%V\": \"%V\" is not a level of \"%V\", recorded as "
                      "weaker than any", &scf->policy.issuer,
                      ngx_http_sg_log_str(r, &ev->current_level),
                      ngx_http_sg_log_str(r, &ev->namespace));
    }

    /* when it changed; never ahead of the clock */

    since = ev->event_timestamp ? ev->event_timestamp
            : set->toe ? set->toe : set->iat;
    since = ngx_min(since, ngx_time());

    (void) ngx_http_sg_zone_assurance(scf->zone, sid, sub, ns, level, since,
                                      &n);

    direction = ev->change_direction.len
                ? ngx_http_sg_log_str(r, &ev->change_direction) : &unsaid;

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "session_guard: zone \"%V\": assurance level \"%V\" of "
                  "\"%V\" (%V) recorded for %ui session(s) of \"%V\" by "
                  "an event from \"%V\"", name,
                  ngx_http_sg_log_str(r, &ev->current_level),
                  ngx_http_sg_log_str(r, &ev->namespace),
                  direction, n, ngx_http_sg_log_str(r, sid->len ? sid : sub),
                  &scf->policy.issuer);
}


/* a refused SET, in total and by its RFC 8935 error code */

void
ngx_http_sg_ssf_count_refusal(ngx_http_sg_zone_t *zone, ngx_sg_set_err_e err)
{
    ngx_http_sg_zone_counters_t  *c;

    ngx_http_sg_zone_count_event(zone, NGX_HTTP_SG_EVENT_SSF_REFUSED);

    c = ngx_http_sg_zone_counters(zone);

    if (c != NULL && (ngx_uint_t) err < NGX_SG_SET_ERR_COUNT) {
        (void) ngx_atomic_fetch_add(&c->ssf_refused[err], 1);
    }
}


/* "Authorization: Bearer <secret>", compared in constant time */

static ngx_uint_t
ngx_http_sg_ssf_authorized(ngx_http_request_t *r, ngx_http_sg_ssf_conf_t *scf)
{
    u_char     *p, *last;
    ngx_str_t  *v;

    if (r->headers_in.authorization == NULL) {
        return 0;
    }

    /* nginx itself refuses a request with two Authorization headers */

    v = &r->headers_in.authorization->value;

    if (v->len < 7 || ngx_strncasecmp(v->data, (u_char *) "Bearer ", 7) != 0)
    {
        return 0;
    }

    p = v->data + 7;
    last = v->data + v->len;

    while (p < last && *p == ' ') {
        p++;
    }

    if ((size_t) (last - p) != scf->secret.len) {
        return 0;
    }

    return CRYPTO_memcmp(p, scf->secret.data, scf->secret.len) == 0;
}


static ngx_int_t
ngx_http_sg_ssf_reply(ngx_http_request_t *r, ngx_uint_t status,
    ngx_sg_set_err_e err, const char *reason)
{
    u_char                  *p, *buf;
    size_t                   len;
    ngx_buf_t               *b;
    ngx_chain_t              out;
    ngx_http_sg_loc_conf_t  *slcf;

    static ngx_str_t   type = ngx_string("application/json");
    static const char  internal[] = "{\"err\":\"server_error\"}";

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    if (status == NGX_HTTP_BAD_REQUEST || status == NGX_HTTP_UNAUTHORIZED) {
        ngx_http_sg_ssf_count_refusal(slcf->ssf->zone, err);
    }

    if (status == NGX_HTTP_ACCEPTED || status == NGX_HTTP_NOT_ALLOWED) {

        /* no body: a special buffer that only ends the response */

        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        b->last_buf = (r == r->main) ? 1 : 0;
        b->last_in_chain = 1;

        out.buf = b;
        out.next = NULL;

        return ngx_http_sg_api_send(r, status, &type, &out);
    }

    if (reason == NULL) {
        return ngx_http_sg_api_reply(r, status, (u_char *) internal,
                                     (u_char *) internal
                                     + sizeof(internal) - 1);
    }

    /* the reasons are the core's static strings: nothing to escape */

    len = sizeof("{\"err\":\"\",\"description\":\"\"}") - 1
          + ngx_sg_set_err_names[err].len + ngx_strlen(reason);

    buf = ngx_pnalloc(r->pool, len);
    if (buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(buf, "{\"err\":\"%V\",\"description\":\"%s\"}",
                    &ngx_sg_set_err_names[err], reason);

    return ngx_http_sg_api_reply(r, status, buf, p);
}
