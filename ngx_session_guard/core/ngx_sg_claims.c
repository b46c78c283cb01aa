
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JWT claim rules (RFC 7519 section 4.1, RFC 8725 3.11, RFC 9068 2.1,
 * OpenID Connect Core 2: "auth_time" is a time, never ahead of now).
 *
 * Return contract: NGX_OK valid, NGX_DECLINED invalid (reason set),
 * NGX_ERROR rules out of range (a caller's bug; never "valid").
 *
 * Times are whole seconds in 0..NGX_SG_TIME_MAX, and so is the leeway, so
 * the sums below cannot overflow.  String claims are compared byte for
 * byte (memcmp, never a NUL-terminated compare).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"


static ngx_int_t ngx_sg_claims_time(json_t *payload, const char *name,
    time_t *t, const char **reason);
static ngx_uint_t ngx_sg_claims_aud_one(json_t *value,
    ngx_array_t *audiences);
static void ngx_sg_claims_media_type(ngx_str_t *s);


ngx_int_t
ngx_sg_claims_check(ngx_sg_jws_t *jws, ngx_sg_claims_rules_t *rules,
    const char **reason)
{
    time_t       now, leeway, t;
    json_t      *payload, *v;
    ngx_int_t    rc;
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    now = rules->now;
    leeway = rules->leeway;

    if (now < 0 || now > NGX_SG_TIME_MAX
        || leeway < 0 || leeway > NGX_SG_TIME_MAX)
    {
        return NGX_ERROR;
    }

    payload = jws->payload;

    if (payload == NULL || !json_is_object(payload)) {
        *reason = "bad payload json";
        return NGX_DECLINED;
    }

    if (rules->typ.len && !ngx_sg_typ_is(&jws->typ, &rules->typ)) {
        *reason = "typ mismatch";
        return NGX_DECLINED;
    }

    rc = ngx_sg_claims_time(payload, "exp", &t, reason);

    if (rc == NGX_DONE) {
        *reason = "missing exp";
        return NGX_DECLINED;
    }

    if (rc != NGX_OK) {
        return rc;
    }

    if (now >= t + leeway) {
        *reason = "expired";
        return NGX_DECLINED;
    }

    rc = ngx_sg_claims_time(payload, "nbf", &t, reason);

    if (rc == NGX_DECLINED) {
        return rc;
    }

    if (rc == NGX_OK && t > now + leeway) {
        *reason = "not yet valid";
        return NGX_DECLINED;
    }

    rc = ngx_sg_claims_time(payload, "iat", &t, reason);

    if (rc == NGX_DECLINED) {
        return rc;
    }

    if (rc == NGX_OK && t > now + leeway) {
        *reason = "issued in the future";
        return NGX_DECLINED;
    }

    /*
     * An authentication cannot have happened after now: an "auth_time"
     * ahead of the clock would satisfy every freshness rule (max_age,
     * step-up) for as long as the session lives.
     */

    rc = ngx_sg_claims_time(payload, "auth_time", &t, reason);

    if (rc == NGX_DECLINED) {
        return rc;
    }

    if (rc == NGX_OK && t > now + leeway) {
        *reason = "authenticated in the future";
        return NGX_DECLINED;
    }

    if (rules->issuer.len) {
        v = json_object_get(payload, "iss");

        if (v == NULL
            || !json_is_string(v)
            || json_string_length(v) != rules->issuer.len
            || ngx_memcmp(json_string_value(v), rules->issuer.data,
                          rules->issuer.len)
               != 0)
        {
            *reason = "issuer mismatch";
            return NGX_DECLINED;
        }
    }

    if (rules->audiences && rules->audiences->nelts) {
        rc = ngx_sg_claims_audience(json_object_get(payload, "aud"),
                               rules->audiences, reason);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    return NGX_OK;
}


/* NGX_OK a time, NGX_DONE absent, NGX_DECLINED malformed */

static ngx_int_t
ngx_sg_claims_time(json_t *payload, const char *name, time_t *t,
    const char **reason)
{
    json_t  *v;

    v = json_object_get(payload, name);

    if (v == NULL) {
        return NGX_DONE;
    }

    if (ngx_sg_json_time(v, t) != NGX_OK) {
        *reason = "malformed claim";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* shared with ngx_sg_set.c (ngx_sg_jose.h) */

ngx_int_t
ngx_sg_claims_audience(json_t *aud, ngx_array_t *audiences,
    const char **reason)
{
    size_t      i, n;
    json_t     *v;
    ngx_uint_t  match;

    if (aud == NULL) {
        *reason = "audience mismatch";
        return NGX_DECLINED;
    }

    if (json_is_string(aud)) {
        if (ngx_sg_claims_aud_one(aud, audiences)) {
            return NGX_OK;
        }

        *reason = "audience mismatch";
        return NGX_DECLINED;
    }

    if (!json_is_array(aud)) {
        *reason = "malformed claim";
        return NGX_DECLINED;
    }

    /* the array is bounded by the token size */

    n = json_array_size(aud);
    match = 0;

    for (i = 0; i < n; i++) {
        v = json_array_get(aud, i);

        if (!json_is_string(v)) {
            *reason = "malformed claim";
            return NGX_DECLINED;
        }

        if (!match && ngx_sg_claims_aud_one(v, audiences)) {
            match = 1;
        }
    }

    if (!match) {
        *reason = "audience mismatch";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_uint_t
ngx_sg_claims_aud_one(json_t *value, ngx_array_t *audiences)
{
    size_t       len;
    ngx_str_t   *a;
    ngx_uint_t   i;
    const char  *s;

    s = json_string_value(value);
    len = json_string_length(value);
    a = audiences->elts;

    for (i = 0; i < audiences->nelts; i++) {
        if (a[i].len == len && ngx_memcmp(a[i].data, s, len) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * RFC 7515 4.1.9: "typ" is a media type, compared without letter case,
 * and "application/" may be left out.
 */

ngx_uint_t
ngx_sg_typ_is(ngx_str_t *have, ngx_str_t *want)
{
    size_t     i;
    ngx_str_t  h, w;

    h = *have;
    w = *want;

    ngx_sg_claims_media_type(&h);
    ngx_sg_claims_media_type(&w);

    if (h.len == 0 || h.len != w.len) {
        return 0;
    }

    for (i = 0; i < h.len; i++) {
        if (ngx_tolower(h.data[i]) != ngx_tolower(w.data[i])) {
            return 0;
        }
    }

    return 1;
}


static void
ngx_sg_claims_media_type(ngx_str_t *s)
{
    size_t   i;
    u_char  *p;

    static u_char  prefix[] = "application/";

    if (s->len < sizeof(prefix) - 1) {
        return;
    }

    p = s->data;

    for (i = 0; i < sizeof(prefix) - 1; i++) {
        if (ngx_tolower(p[i]) != prefix[i]) {
            return;
        }
    }

    s->data += sizeof(prefix) - 1;
    s->len -= sizeof(prefix) - 1;
}
