
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Security Event Token validation (RFC 8417 as profiled by OpenID Shared
 * Signals Framework 1.0, with the CAEP 1.0 events).
 *
 * Return contract: NGX_OK valid, NGX_DECLINED invalid (reason and err
 * set), NGX_ERROR internal failure.  Limits and reasons: see
 * ngx_sg_set.h.
 *
 * As with logout tokens, the signature is checked before any claim is
 * looked at.  A SET is not a JWT of the ordinary kind: it has no "exp"
 * and no "sub" claim (RFC 8417 2.2), so the time and audience checks are
 * done here rather than by ngx_sg_claims_check().  The replay check on
 * "jti" and the effects are the caller's (control/ngx_http_sg_ssf.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_set.h"


static ngx_int_t ngx_sg_set_check_policy(ngx_sg_set_policy_t *policy);
static ngx_int_t ngx_sg_set_issuer(json_t *payload,
    ngx_sg_set_policy_t *policy, ngx_sg_set_t *set);
static ngx_int_t ngx_sg_set_iat(json_t *payload,
    ngx_sg_set_policy_t *policy, ngx_sg_set_t *set, const char **reason);
static ngx_int_t ngx_sg_set_claims(json_t *payload, ngx_sg_set_t *set,
    const char **reason);
static ngx_int_t ngx_sg_set_events(json_t *payload, ngx_sg_set_t *set,
    const char **reason);
static ngx_sg_set_event_e ngx_sg_set_type(const char *uri, size_t len);
static ngx_int_t ngx_sg_set_fields(ngx_sg_set_event_t *ev);
static ngx_int_t ngx_sg_set_subject(json_t *subject,
    ngx_sg_set_event_t *ev);
static ngx_int_t ngx_sg_set_simple(json_t *subject, ngx_str_t *id,
    ngx_str_t *iss);
static ngx_int_t ngx_sg_set_member(json_t *obj, const char *name,
    ngx_str_t *out);


/* short names, indexed as NGX_SG_SET_* */
ngx_str_t  ngx_sg_set_event_names[] = {
    ngx_string("unknown"),
    ngx_string("session-revoked"),
    ngx_string("credential-change"),
    ngx_string("assurance-level-change"),
    ngx_string("token-claims-change"),
    ngx_string("device-compliance-change"),
    ngx_string("verification"),
    ngx_string("stream-updated")
};

typedef char  ngx_sg_set_event_names_check[
    sizeof(ngx_sg_set_event_names) / sizeof(ngx_str_t)
    == NGX_SG_SET_EVENT_COUNT ? 1 : -1];


/* RFC 8935 2.3 error codes, indexed as NGX_SG_SET_ERR_* */
ngx_str_t  ngx_sg_set_err_names[] = {
    ngx_string("invalid_request"),
    ngx_string("invalid_key"),
    ngx_string("invalid_issuer"),
    ngx_string("invalid_audience"),
    ngx_string("authentication_failed"),
    ngx_string("access_denied")
};

typedef char  ngx_sg_set_err_names_check[
    sizeof(ngx_sg_set_err_names) / sizeof(ngx_str_t)
    == NGX_SG_SET_ERR_COUNT ? 1 : -1];


/* the full event type URIs, indexed as NGX_SG_SET_* (0: none) */
static ngx_str_t  ngx_sg_set_event_uris[] = {
    ngx_null_string,
    ngx_string(NGX_SG_SET_CAEP "session-revoked"),
    ngx_string(NGX_SG_SET_CAEP "credential-change"),
    ngx_string(NGX_SG_SET_CAEP "assurance-level-change"),
    ngx_string(NGX_SG_SET_CAEP "token-claims-change"),
    ngx_string(NGX_SG_SET_CAEP "device-compliance-change"),
    ngx_string(NGX_SG_SET_SSF "verification"),
    ngx_string(NGX_SG_SET_SSF "stream-updated")
};

typedef char  ngx_sg_set_event_uris_check[
    sizeof(ngx_sg_set_event_uris) / sizeof(ngx_str_t)
    == NGX_SG_SET_EVENT_COUNT ? 1 : -1];


ngx_int_t
ngx_sg_set_validate(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_set_policy_t *policy, ngx_sg_set_t *set, const char **reason,
    ngx_sg_set_err_e *err)
{
    json_t        *payload;
    ngx_int_t      rc;
    ngx_uint_t     nkeys;
    ngx_sg_key_t  *keys;
    ngx_sg_jws_t   jws;

    static ngx_str_t  secevent_jwt = ngx_string("secevent+jwt");

    ngx_memzero(set, sizeof(ngx_sg_set_t));

    *err = NGX_SG_SET_ERR_INVALID_REQUEST;

    if (ngx_sg_set_check_policy(policy) != NGX_OK) {
        return NGX_ERROR;
    }

    /* "alg": present, known, never "none"; no "crit" */

    rc = ngx_sg_jws_parse(pool, text, NGX_SG_JWS_JSON_PAYLOAD, &jws,
                          reason);
    if (rc != NGX_OK) {
        return rc;
    }

    /* RFC 8417 2.3, SSF 1.0: explicit typing, required */

    if (jws.typ.len == 0) {
        *reason = "missing typ";
        return NGX_DECLINED;
    }

    if (!ngx_sg_typ_is(&jws.typ, &secevent_jwt)) {
        *reason = "typ mismatch";
        return NGX_DECLINED;
    }

    if (policy->keys) {
        keys = policy->keys->elts;
        nkeys = policy->keys->nelts;

    } else {
        keys = NULL;
        nkeys = 0;
    }

    rc = ngx_sg_jws_verify_keys(&jws, keys, nkeys,
                                policy->algorithms
                                & NGX_SG_ALG_MASK_ASYMMETRIC,
                                reason);
    if (rc != NGX_OK) {
        if (rc == NGX_DECLINED) {
            *err = NGX_SG_SET_ERR_INVALID_KEY;
        }

        return rc;
    }

    payload = jws.payload;

    if (payload == NULL || !json_is_object(payload)) {
        /* ngx_sg_jws_parse() promised an object; never "valid" */
        return NGX_ERROR;
    }

    if (ngx_sg_set_issuer(payload, policy, set) != NGX_OK) {
        *reason = "issuer mismatch";
        *err = NGX_SG_SET_ERR_INVALID_ISSUER;
        return NGX_DECLINED;
    }

    /* no configured audience matches nothing: a SET is always addressed */

    if (policy->audiences == NULL || policy->audiences->nelts == 0
        || ngx_sg_claims_audience(json_object_get(payload, "aud"),
                                  policy->audiences, reason)
           != NGX_OK)
    {
        *reason = "audience mismatch";
        *err = NGX_SG_SET_ERR_INVALID_AUDIENCE;
        return NGX_DECLINED;
    }

    rc = ngx_sg_set_iat(payload, policy, set, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_sg_set_claims(payload, set, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sg_set_events(payload, set, reason);
}


/* a policy out of range is the caller's bug, never "valid" */

static ngx_int_t
ngx_sg_set_check_policy(ngx_sg_set_policy_t *policy)
{
    if (policy->now < 0 || policy->leeway < 0 || policy->max_age < 0) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* iss: a string, byte for byte the configured issuer */

static ngx_int_t
ngx_sg_set_issuer(json_t *payload, ngx_sg_set_policy_t *policy,
    ngx_sg_set_t *set)
{
    json_t  *v;

    v = json_object_get(payload, "iss");

    if (!json_is_string(v)
        || json_string_length(v) == 0
        || json_string_length(v) != policy->issuer.len
        || ngx_memcmp(json_string_value(v), policy->issuer.data,
                      policy->issuer.len)
           != 0)
    {
        return NGX_DECLINED;
    }

    set->iss.data = (u_char *) json_string_value(v);
    set->iss.len = json_string_length(v);

    return NGX_OK;
}


/*
 * iat: required (RFC 8417 2.2), not ahead of now by more than the leeway
 * and, when max_age is set (not 0), not older than max_age.  Both sides
 * are non-negative, so the differences cannot overflow.
 */

static ngx_int_t
ngx_sg_set_iat(json_t *payload, ngx_sg_set_policy_t *policy,
    ngx_sg_set_t *set, const char **reason)
{
    if (ngx_sg_json_time(json_object_get(payload, "iat"), &set->iat)
        != NGX_OK)
    {
        *reason = "missing iat";
        return NGX_DECLINED;
    }

    if (set->iat > policy->now && set->iat - policy->now > policy->leeway) {
        *reason = "iat in the future";
        return NGX_DECLINED;
    }

    if (policy->max_age
        && set->iat < policy->now
        && policy->now - set->iat > policy->max_age)
    {
        *reason = "iat too old";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* jti, and the claims a SET must not have (exp, sub) or may (txn, toe) */

static ngx_int_t
ngx_sg_set_claims(json_t *payload, ngx_sg_set_t *set, const char **reason)
{
    json_t  *v;

    if (ngx_sg_json_string(payload, "jti", &set->jti) != NGX_OK
        || set->jti.len == 0)
    {
        *reason = "missing jti";
        return NGX_DECLINED;
    }

    if (set->jti.len > NGX_SG_SET_JTI_MAX) {
        *reason = "jti too long";
        return NGX_DECLINED;
    }

    /* RFC 8417 2.2: a SET must not be mistaken for an ID or access token */

    if (json_object_get(payload, "exp") != NULL) {
        *reason = "exp present";
        return NGX_DECLINED;
    }

    if (json_object_get(payload, "sub") != NULL) {
        *reason = "sub claim present";
        return NGX_DECLINED;
    }

    if (ngx_sg_json_string(payload, "txn", &set->txn) != NGX_OK) {
        *reason = "malformed txn";
        return NGX_DECLINED;
    }

    v = json_object_get(payload, "toe");

    if (v != NULL && ngx_sg_json_time(v, &set->toe) != NGX_OK) {
        *reason = "malformed toe";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * events: an object of at most NGX_SG_SET_EVENTS_MAX members, each an
 * object; then, event by event, its subject: the SET's "sub_id" if it has
 * one, else the event's own "subject".
 */

static ngx_int_t
ngx_sg_set_events(json_t *payload, ngx_sg_set_t *set, const char **reason)
{
    json_t              *events, *event, *sub_id, *subject;
    ngx_uint_t           n;
    const char          *uri;
    ngx_sg_set_event_t  *ev;

    events = json_object_get(payload, "events");

    if (!json_is_object(events) || json_object_size(events) == 0) {
        *reason = "missing events";
        return NGX_DECLINED;
    }

    if (json_object_size(events) > NGX_SG_SET_EVENTS_MAX) {
        *reason = "too many events";
        return NGX_DECLINED;
    }

    n = 0;

    json_object_foreach(events, uri, event) {

        if (n == NGX_SG_SET_EVENTS_MAX) {
            /* json_object_size() said otherwise */
            *reason = "too many events";
            return NGX_DECLINED;
        }

        if (!json_is_object(event)) {
            *reason = "event not an object";
            return NGX_DECLINED;
        }

        ev = &set->events[n++];

        ev->uri.data = (u_char *) uri;
        ev->uri.len = ngx_strlen(uri);
        ev->type = ngx_sg_set_type(uri, ev->uri.len);
        ev->event = event;

        if (ngx_sg_set_fields(ev) != NGX_OK) {
            *reason = "malformed event";
            return NGX_DECLINED;
        }
    }

    set->nevents = n;

    sub_id = json_object_get(payload, "sub_id");

    for (n = 0; n < set->nevents; n++) {
        ev = &set->events[n];

        subject = sub_id ? sub_id : json_object_get(ev->event, "subject");

        if (subject == NULL) {
            if (ev->type == NGX_SG_SET_UNKNOWN
                || ev->type == NGX_SG_SET_VERIFICATION
                || ev->type == NGX_SG_SET_STREAM_UPDATED)
            {
                continue;
            }

            *reason = "no subject";
            return NGX_DECLINED;
        }

        if (ngx_sg_set_subject(subject, ev) != NGX_OK) {
            *reason = "malformed subject";
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


static ngx_sg_set_event_e
ngx_sg_set_type(const char *uri, size_t len)
{
    ngx_uint_t  i;

    for (i = 1; i < NGX_SG_SET_EVENT_COUNT; i++) {
        if (ngx_sg_set_event_uris[i].len == len
            && ngx_memcmp(ngx_sg_set_event_uris[i].data, uri, len) == 0)
        {
            return (ngx_sg_set_event_e) i;
        }
    }

    return NGX_SG_SET_UNKNOWN;
}


/*
 * The members of an event the edge acts on: NGX_DECLINED when one is
 * present with the wrong type.  Those of other event types are not
 * looked at.
 */

static ngx_int_t
ngx_sg_set_fields(ngx_sg_set_event_t *ev)
{
    json_t  *v;

    v = json_object_get(ev->event, "event_timestamp");

    if (v != NULL && ngx_sg_json_time(v, &ev->event_timestamp) != NGX_OK) {
        return NGX_DECLINED;
    }

    switch (ev->type) {

    case NGX_SG_SET_ASSURANCE_LEVEL_CHANGE:
        if (ngx_sg_json_string(ev->event, "change_direction",
                              &ev->change_direction)
            != NGX_OK
            || ngx_sg_json_string(ev->event, "namespace", &ev->namespace)
               != NGX_OK
            || ngx_sg_json_string(ev->event, "current_level",
                                  &ev->current_level)
               != NGX_OK)
        {
            return NGX_DECLINED;
        }

        /* both required (CAEP 3.4.1): what else would be recorded */

        return (ev->namespace.len && ev->current_level.len) ? NGX_OK
                                                            : NGX_DECLINED;

    case NGX_SG_SET_DEVICE_COMPLIANCE_CHANGE:
        return ngx_sg_json_string(ev->event, "current_status",
                                 &ev->current_status);

    case NGX_SG_SET_VERIFICATION:
        return ngx_sg_json_string(ev->event, "state", &ev->state);

    case NGX_SG_SET_STREAM_UPDATED:
        return ngx_sg_json_string(ev->event, "status", &ev->status);

    default:
        return NGX_OK;
    }
}


/*
 * A subject identifier (RFC 9493 as SSF 1.0 uses it): a simple one names
 * the user; a "complex" one names any of user, session, device and
 * tenant, each a simple subject, and nothing else counts.
 */

static ngx_int_t
ngx_sg_set_subject(json_t *subject, ngx_sg_set_event_t *ev)
{
    json_t      *v;
    ngx_str_t    format, iss;
    ngx_uint_t   found;

    if (!json_is_object(subject)
        || ngx_sg_set_member(subject, "format", &format) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (format.len != sizeof("complex") - 1
        || ngx_strncmp(format.data, "complex", format.len) != 0)
    {
        return ngx_sg_set_simple(subject, &ev->user, &ev->user_iss);
    }

    found = 0;

    v = json_object_get(subject, "user");

    if (v != NULL) {
        if (ngx_sg_set_simple(v, &ev->user, &ev->user_iss) != NGX_OK) {
            return NGX_DECLINED;
        }

        found = 1;
    }

    v = json_object_get(subject, "session");

    if (v != NULL) {
        if (ngx_sg_set_simple(v, &ev->session, &iss) != NGX_OK) {
            return NGX_DECLINED;
        }

        found = 1;
    }

    v = json_object_get(subject, "device");

    if (v != NULL) {
        if (ngx_sg_set_simple(v, &ev->device, &iss) != NGX_OK) {
            return NGX_DECLINED;
        }

        found = 1;
    }

    v = json_object_get(subject, "tenant");

    if (v != NULL) {
        if (ngx_sg_set_simple(v, &ev->tenant, &iss) != NGX_OK) {
            return NGX_DECLINED;
        }

        found = 1;
    }

    /* a complex subject that names nothing the edge knows names nothing */

    return found ? NGX_OK : NGX_DECLINED;
}


/* a simple subject: its identifier in id, and iss_sub's "iss" in iss */

static ngx_int_t
ngx_sg_set_simple(json_t *subject, ngx_str_t *id, ngx_str_t *iss)
{
    ngx_str_t    format;
    const char  *name;

    ngx_str_null(iss);

    if (!json_is_object(subject)
        || ngx_sg_set_member(subject, "format", &format) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (format.len == sizeof("iss_sub") - 1
        && ngx_strncmp(format.data, "iss_sub", format.len) == 0)
    {
        if (ngx_sg_set_member(subject, "iss", iss) != NGX_OK) {
            return NGX_DECLINED;
        }

        name = "sub";

    } else if (format.len == sizeof("email") - 1
               && ngx_strncmp(format.data, "email", format.len) == 0)
    {
        name = "email";

    } else if (format.len == sizeof("opaque") - 1
               && ngx_strncmp(format.data, "opaque", format.len) == 0)
    {
        name = "id";

    } else if (format.len == sizeof("phone_number") - 1
               && ngx_strncmp(format.data, "phone_number", format.len) == 0)
    {
        name = "phone_number";

    } else {
        return NGX_DECLINED;
    }

    return ngx_sg_set_member(subject, name, id);
}


/* a required member of a subject: a non-empty string of bounded length */

static ngx_int_t
ngx_sg_set_member(json_t *obj, const char *name, ngx_str_t *out)
{
    if (ngx_sg_json_string(obj, name, out) != NGX_OK
        || out->len == 0
        || out->len > NGX_SG_SET_ID_MAX)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}
