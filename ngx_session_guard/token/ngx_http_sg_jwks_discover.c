
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_jwks_fetch "discover=": the key set's address read from
 * the provider's OpenID Connect Discovery document (its
 * /.well-known/openid-configuration, fetched through a location of the
 * user's like the keys are), and handed to the key fetch's location as
 * $session_guard_jwks_uri.
 *
 * The document comes from the network and is checked as hostile input:
 * a JSON object (the size and depth limits of the key set), "issuer"
 * exactly the configured session_guard_issuer (OpenID Connect Discovery
 * 1.0, 4.3: otherwise a document from anywhere could name any keys), and
 * "jwks_uri" a string of at most NGX_HTTP_SG_JWKS_URI_MAX bytes, an
 * absolute https URI (http only with "allow_http"), with a host, no
 * userinfo, no fragment, and only printable ASCII that a URI may hold
 * literally: nothing that could split or bend the proxied request line.
 *
 * "authorization_endpoint" and "end_session_endpoint", for the edge's own
 * login (session_guard_oidc), are kept too when present, and checked the
 * same way (they become a browser's Location); an unsound one is dropped
 * and logged, the document is not refused for it.
 *
 * Return contract of ngx_http_sg_jwks_discovery_parse(): NGX_OK with the
 * jwks_uri copied to uri->data (NGX_HTTP_SG_JWKS_URI_MAX bytes of the
 * caller's), NGX_DECLINED refused (reason set), NGX_ERROR no memory.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_jwks.h"


static ngx_int_t ngx_http_sg_jwks_uri_check(u_char *p, size_t len,
    ngx_flag_t allow_http, const char **reason);
static ngx_int_t ngx_http_sg_jwks_endpoint_parse(json_t *root,
    const char *name, ngx_flag_t allow_http, ngx_str_t *out,
    const char **reason);


ngx_int_t
ngx_http_sg_jwks_discovery_parse(ngx_http_request_t *sr,
    ngx_http_sg_jwks_fetch_t *fetch, u_char *data, size_t len,
    ngx_str_t *uri, ngx_str_t *ep, const char **reason)
{
    size_t       n;
    json_t      *root, *v;
    ngx_int_t    rc;
    ngx_uint_t   i;
    ngx_pool_t  *tmp;
    const char  *s, *why;

    static const char  *names[] = {
        "authorization_endpoint", "end_session_endpoint"
    };

    /* the parsed document is thrown away, only the uri is kept */

    tmp = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, sr->connection->log);
    if (tmp == NULL) {
        *reason = "out of memory";
        return NGX_ERROR;
    }

    rc = ngx_sg_json_parse_object(tmp, data, len, NGX_SG_JSON_MAX_DEPTH,
                                  &root, reason);
    if (rc == NGX_ERROR) {
        *reason = "out of memory";
        goto done;
    }

    if (rc != NGX_OK) {
        goto done;
    }

    rc = NGX_DECLINED;

    v = json_object_get(root, "issuer");

    if (v == NULL) {
        *reason = "no issuer";
        goto done;
    }

    if (!json_is_string(v)) {
        *reason = "issuer not a string";
        goto done;
    }

    if (fetch->issuer.len == 0) {
        /* never so where the guard is in force: configuration checks it */
        *reason = "no session_guard_issuer to compare the issuer with";
        goto done;
    }

    if (json_string_length(v) != fetch->issuer.len
        || ngx_memcmp(json_string_value(v), fetch->issuer.data,
                      fetch->issuer.len) != 0)
    {
        *reason = "issuer is not session_guard_issuer";
        goto done;
    }

    v = json_object_get(root, "jwks_uri");

    if (v == NULL) {
        *reason = "no jwks_uri";
        goto done;
    }

    if (!json_is_string(v)) {
        *reason = "jwks_uri not a string";
        goto done;
    }

    s = json_string_value(v);
    n = json_string_length(v);

    if (n > NGX_HTTP_SG_JWKS_URI_MAX) {
        *reason = "jwks_uri too long";
        goto done;
    }

    if (ngx_http_sg_jwks_uri_check((u_char *) s, n, fetch->allow_http,
                                   reason)
        != NGX_OK)
    {
        goto done;
    }

    ngx_memcpy(uri->data, s, n);
    uri->len = n;

    /*
     * The browser-facing endpoints (session_guard_oidc), optional: when
     * present they must be as sound as the jwks_uri; an unsound one is
     * dropped (and logged), the keys are not refused for it.
     */

    for (i = 0; i < 2; i++) {
        if (ngx_http_sg_jwks_endpoint_parse(root, names[i],
                                            fetch->allow_http, &ep[i],
                                            &why)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                          "session_guard: discovery from \"%V\": %s, "
                          "ignored", &fetch->discover, why);
            ep[i].len = 0;
        }
    }

    rc = NGX_OK;

done:

    ngx_destroy_pool(tmp);

    return rc;
}


/*
 * An optional endpoint of the document into out (its buffer,
 * NGX_HTTP_SG_JWKS_URI_MAX bytes; len 0 when absent): NGX_OK, or
 * NGX_DECLINED with the reason when it is there and unsound.
 */

static ngx_int_t
ngx_http_sg_jwks_endpoint_parse(json_t *root, const char *name,
    ngx_flag_t allow_http, ngx_str_t *out, const char **reason)
{
    json_t  *v;
    size_t   n;

    out->len = 0;

    v = json_object_get(root, name);

    if (v == NULL) {
        return NGX_OK;
    }

    n = json_is_string(v) ? json_string_length(v) : 0;

    if (n == 0 || n > NGX_HTTP_SG_JWKS_URI_MAX
        || ngx_http_sg_jwks_uri_check((u_char *) json_string_value(v), n,
                                      allow_http, reason)
           != NGX_OK)
    {
        *reason = (ngx_strcmp(name, "authorization_endpoint") == 0)
                  ? "authorization_endpoint unusable"
                  : "end_session_endpoint unusable";
        return NGX_DECLINED;
    }

    ngx_memcpy(out->data, json_string_value(v), n);
    out->len = n;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_jwks_uri_check(u_char *p, size_t len, ngx_flag_t allow_http,
    const char **reason)
{
    u_char  *last, *host;

    last = p + len;

    if (len > sizeof("https://") - 1
        && ngx_strncasecmp(p, (u_char *) "https://", 8) == 0)
    {
        host = p + 8;

    } else if (len > sizeof("http://") - 1
               && ngx_strncasecmp(p, (u_char *) "http://", 7) == 0)
    {
        if (!allow_http) {
            *reason = "jwks_uri not https (no allow_http)";
            return NGX_DECLINED;
        }

        host = p + 7;

    } else {
        *reason = "jwks_uri not an absolute https uri";
        return NGX_DECLINED;
    }

    for ( /* void */ ; p < last; p++) {

        /* RFC 3986: no controls, space, non-ASCII, nor "\"<>\\^`{|}" */

        if (*p <= 0x20 || *p >= 0x7f) {
            *reason = "jwks_uri has a control, space or non-ascii character";
            return NGX_DECLINED;
        }

        switch (*p) {

        case '"':
        case '<':
        case '>':
        case '\\':
        case '^':
        case '`':
        case '{':
        case '|':
        case '}':
            *reason = "jwks_uri has a character a uri may not hold";
            return NGX_DECLINED;

        case '#':
            *reason = "jwks_uri has a fragment";
            return NGX_DECLINED;
        }
    }

    for (p = host; p < last && *p != '/' && *p != '?'; p++) {
        if (*p == '@') {
            *reason = "jwks_uri has userinfo";
            return NGX_DECLINED;
        }
    }

    if (p == host || *host == ':') {
        *reason = "jwks_uri has no host";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * The discovery document's subrequest ended: a good jwks_uri replaces the
 * last one; a failure keeps the last good one (the keys are fetched from
 * it all the same), or with none the whole fetch fails.
 */

void
ngx_http_sg_jwks_discovery(ngx_http_request_t *sr, ngx_http_sg_jwks_wait_t *w,
    ngx_int_t rc)
{
    size_t                        len;
    u_char                       *data;
    ngx_str_t                     uri;
    const char                   *reason;
    ngx_atomic_t                 *c;
    ngx_http_sg_jwks_fetch_t     *f;
    ngx_http_sg_jwks_state_t     *st;
    ngx_http_sg_zone_counters_t  *zc;
    u_char                        buf[NGX_HTTP_SG_JWKS_ERROR_LEN];
    ngx_str_t                     ep[2];
    u_char                        found[NGX_HTTP_SG_JWKS_URI_MAX];
    u_char                        ep_buf[2][NGX_HTTP_SG_JWKS_URI_MAX];

    st = w->state;
    f = st->conf;
    zc = ngx_http_sg_zone_counters(w->zone);
    c = zc ? zc->jwks_discoveries : NULL;

    if (ngx_http_sg_jwks_body(sr, w, rc, &data, &len, buf, sizeof(buf))
        == NGX_OK)
    {
        uri.data = found;
        ep[0].data = ep_buf[0];
        ep[1].data = ep_buf[1];
        reason = "invalid";

        if (ngx_http_sg_jwks_discovery_parse(sr, f, data, len, &uri, ep,
                                             &reason)
            == NGX_OK)
        {
            ngx_memcpy(st->jwks_uri_buf, uri.data, uri.len);
            st->jwks_uri.data = st->jwks_uri_buf;
            st->jwks_uri.len = uri.len;

            ngx_memcpy(st->authorize_buf, ep[0].data, ep[0].len);
            st->authorize.data = st->authorize_buf;
            st->authorize.len = ep[0].len;

            ngx_memcpy(st->end_session_buf, ep[1].data, ep[1].len);
            st->end_session.data = st->end_session_buf;
            st->end_session.len = ep[1].len;
            st->discovered++;

            if (c) {
                ngx_http_sg_jwks_count(c, 0);
            }

            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, sr->connection->log, 0,
                           "session_guard: discovery \"%V\": jwks_uri "
                           "\"%V\"", &f->discover, &st->jwks_uri);
            return;
        }

        (void) ngx_cpystrn(buf, (u_char *) reason, sizeof(buf));
    }

    st->discover_failed++;

    if (c) {
        ngx_http_sg_jwks_count(c, 1);
    }

    if (st->jwks_uri.len) {
        ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                      "session_guard: discovery from \"%V\" failed: \"%s\","
                      " keeping jwks_uri \"%V\" (%ui failed, %ui ok)",
                      &f->discover, buf, &st->jwks_uri, st->discover_failed,
                      st->discovered);
        return;
    }

    ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                  "session_guard: discovery from \"%V\" failed: \"%s\", "
                  "no jwks_uri (%ui failed, %ui ok)", &f->discover, buf,
                  st->discover_failed, st->discovered);

    /* the key fetch fails with it: its error names the discovery */

    ngx_http_sg_jwks_fail(sr->connection->log, w, 0,
                          "no jwks_uri, discovery from %V failed: %s",
                          &f->discover, buf);
}
