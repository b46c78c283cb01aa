
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The context of a request that a session is bound to: the client
 * address (after the realip module), its ASN, country and location, the
 * user agent and the TLS fingerprint, each from its trusted source when
 * "session_guard_bind name=$variable" names one.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_context.h"
#include "ngx_http_sg_geo.h"

#include "ngx_sg_sha256.h"


ngx_int_t
ngx_http_sg_context(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_sg_bind_t *cur)
{
    uint64_t              h;
    ngx_str_t             v;
    struct sockaddr      *sa;
    ngx_http_sg_geo_t    *geo;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    ngx_memzero(cur, sizeof(ngx_sg_bind_t));

    sa = r->connection->sockaddr;

    switch (sa->sa_family) {

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) sa;
        cur->ip.family = 6;
        ngx_memcpy(cur->ip.addr, sin6->sin6_addr.s6_addr, 16);
        break;
#endif

    case AF_INET:
        sin = (struct sockaddr_in *) sa;
        cur->ip.family = 4;
        ngx_memcpy(cur->ip.addr, &sin->sin_addr, 4);
        break;

    default:
        break;
    }

    if (slcf->bind_value[NGX_SG_SIG_IP]) {
        if (ngx_http_complex_value(r, slcf->bind_value[NGX_SG_SIG_IP],
                                   &v)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        /* a trusted address source: compared by value */
        h = ngx_http_sg_hash64(v.data, v.len);
        ngx_memzero(&cur->ip, sizeof(ngx_sg_ip_t));
        cur->ip.family = 1;
        ngx_memcpy(cur->ip.addr, &h, sizeof(uint64_t));
    }

    geo = ngx_http_sg_request_geo(r);

    if (geo) {
        cur->asn = geo->asn;

        if (geo->country[0]) {
            cur->country[0] = geo->country[0];
            cur->country[1] = geo->country[1];
        }

        if (geo->has_loc) {
            cur->has_loc = 1;
            cur->lat = (float) geo->latitude;
            cur->lon = (float) geo->longitude;
        }
    }

    if (slcf->bind_value[NGX_SG_SIG_COUNTRY]) {
        if (ngx_http_complex_value(r,
                                   slcf->bind_value[NGX_SG_SIG_COUNTRY],
                                   &v)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        cur->country[0] = 0;
        cur->country[1] = 0;

        if (v.len == 2) {
            cur->country[0] = ngx_toupper(v.data[0]);
            cur->country[1] = ngx_toupper(v.data[1]);
        }
    }

    if (slcf->bind_value[NGX_SG_SIG_UA]) {
        if (ngx_http_complex_value(r, slcf->bind_value[NGX_SG_SIG_UA],
                                   &v)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (r->headers_in.user_agent) {
        v = r->headers_in.user_agent->value;

    } else {
        ngx_str_null(&v);
    }

    /* no user agent is a value too: it differs from any real one */
    cur->ua = ngx_http_sg_hash64(v.data, v.len) | 1;

    if (slcf->bind_value[NGX_SG_SIG_JA4]) {
        if (ngx_http_complex_value(r, slcf->bind_value[NGX_SG_SIG_JA4],
                                   &v)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (ngx_http_sg_ja4(r, &v) == NGX_ERROR) {
        /* the fingerprint of this connection's ClientHello; empty: none */
        return NGX_ERROR;
    }

    cur->ja4 = v.len ? ngx_http_sg_hash64(v.data, v.len) | 1 : 0;

    return NGX_OK;
}


/*
 * The details of a request for a zone that keeps them: the user agent
 * as sent, the token's client (azp, else client_id), the city of the
 * address; kept in the ctx until the final verdict (ngx_http_sg_learn()).
 */

ngx_http_sg_detail_in_t *
ngx_http_sg_details_in(ngx_http_request_t *r, ngx_http_sg_ctx_t *ctx,
    ngx_sg_bind_t *cur)
{
    ngx_http_sg_geo_t        *geo;
    ngx_http_sg_detail_in_t  *in;

    in = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_detail_in_t));
    if (in == NULL) {
        return NULL;
    }

    if (r->headers_in.user_agent) {
        in->ua = r->headers_in.user_agent->value;
    }

    ngx_http_sg_token_client(ctx, &in->client);

    geo = ngx_http_sg_request_geo(r);

    if (geo) {
        in->city = geo->city;
    }

    in->cur = *cur;
    ctx->details_in = in;

    return in;
}


/* the client a verified token names: azp, else client_id; empty: none */

void
ngx_http_sg_token_client(ngx_http_sg_ctx_t *ctx, ngx_str_t *client)
{
    json_t  *claim;

    ngx_str_null(client);

    if (!ctx->verified || ctx->jws.payload == NULL) {
        return;
    }

    claim = json_object_get(ctx->jws.payload, "azp");

    if (!json_is_string(claim)) {
        claim = json_object_get(ctx->jws.payload, "client_id");
    }

    if (json_is_string(claim)) {
        client->data = (u_char *) json_string_value(claim);
        client->len = json_string_length(claim);
    }
}


/* the first 8 bytes of SHA-256: equality is all that is asked of it */

uint64_t
ngx_http_sg_hash64(u_char *data, size_t len)
{
    u_char    digest[NGX_SG_SHA256_LEN];
    uint64_t  h;

    (void) ngx_sg_sha256_digest(data, len, digest);
    ngx_memcpy(&h, digest, sizeof(uint64_t));

    return h;
}
