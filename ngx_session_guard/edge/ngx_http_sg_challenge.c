
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Every WWW-Authenticate the module writes: Bearer (RFC 6750 section 3),
 * the step-up challenge (RFC 9470) and DPoP's (RFC 9449 7.1).  Each is
 * registered as the response's challenge, so that "satisfy any" can drop
 * it, and returns the status the caller answers with (500 when the header
 * could not be made).
 */


#include "ngx_http_sg.h"


static ngx_table_elt_t *ngx_http_sg_www_authenticate(ngx_http_request_t *r,
    size_t len);


/*
 * WWW-Authenticate per RFC 6750 section 3: a bare challenge when the
 * request had no credential, an error code otherwise.  The same header and
 * body whatever check failed.
 */

ngx_int_t
ngx_http_sg_bearer_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t status, const char *error)
{
    size_t            len;
    u_char           *p;
    ngx_table_elt_t  *h;

    len = sizeof("Bearer") - 1;

    if (slcf->realm.len) {
        len += sizeof(" realm=\"\"") - 1 + slcf->realm.len;
    }

    if (error) {
        len += sizeof(", error=\"\"") - 1 + ngx_strlen(error);
    }

    h = ngx_http_sg_www_authenticate(r, len);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = h->value.data;

    p = ngx_cpymem(p, "Bearer", sizeof("Bearer") - 1);

    if (slcf->realm.len) {
        p = ngx_cpymem(p, " realm=\"", sizeof(" realm=\"") - 1);
        p = ngx_cpymem(p, slcf->realm.data, slcf->realm.len);
        *p++ = '"';
    }

    if (error) {
        p = ngx_cpymem(p, slcf->realm.len ? ", error=\"" : " error=\"",
                       slcf->realm.len ? sizeof(", error=\"") - 1
                                       : sizeof(" error=\"") - 1);
        p = ngx_cpymem(p, error, ngx_strlen(error));
        *p++ = '"';
    }

    h->value.len = p - h->value.data;

    r->headers_out.www_authenticate = h;

    return status;
}


/*
 * RFC 9470: 401 with error="insufficient_user_authentication" and the
 * acr_values / max_age the client must ask the authorization server for.
 */

ngx_int_t
ngx_http_sg_step_up_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf)
{
    size_t              len;
    u_char             *p;
    ngx_uint_t          dpop;
    ngx_table_elt_t    *h;
    ngx_http_sg_ctx_t  *ctx;

    /* under the scheme the request used: DPoP, with its algs (RFC 9449) */

    ctx = ngx_http_sg_get_ctx(r);
    dpop = (ctx && ctx->scheme == NGX_HTTP_SG_SCHEME_DPOP);

    len = sizeof("Bearer error=\"insufficient_user_authentication\"") - 1
          + sizeof(", error_description=\"A fresh authentication is "
                   "required\"") - 1
          + sizeof(", algs=\"\"") - 1 + slcf->dpop.algs.len;

    if (slcf->acr_values.len) {
        len += sizeof(", acr_values=\"\"") - 1 + slcf->acr_values.len;
    }

    if (slcf->max_age >= 0) {
        len += sizeof(", max_age=") - 1 + NGX_TIME_T_LEN;
    }

    h = ngx_http_sg_www_authenticate(r, len);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = h->value.data;

    p = dpop ? ngx_cpymem(p, "DPoP", 4) : ngx_cpymem(p, "Bearer", 6);
    p = ngx_cpymem(p, " error=\"insufficient_user_authentication\"",
                   sizeof(" error=\"insufficient_user_authentication\"") - 1);
    p = ngx_cpymem(p, ", error_description=\"A fresh authentication is "
                   "required\"",
                   sizeof(", error_description=\"A fresh authentication is "
                          "required\"") - 1);

    if (slcf->acr_values.len) {
        p = ngx_sprintf(p, ", acr_values=\"%V\"", &slcf->acr_values);
    }

    if (slcf->max_age >= 0) {
        p = ngx_sprintf(p, ", max_age=%T", slcf->max_age);
    }

    if (dpop && slcf->dpop.algs.len) {
        p = ngx_sprintf(p, ", algs=\"%V\"", &slcf->dpop.algs);
    }

    h->value.len = p - h->value.data;

    r->headers_out.www_authenticate = h;

    return NGX_HTTP_UNAUTHORIZED;
}


/*
 * A WWW-Authenticate header with room for len bytes, registered as the
 * response's challenge (so that "satisfy any" can drop it); the caller
 * writes the value and sets its length.
 */

static ngx_table_elt_t *
ngx_http_sg_www_authenticate(ngx_http_request_t *r, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->value.data = ngx_pnalloc(r->pool, len);
    if (h->value.data == NULL) {
        h->hash = 0;
        return NULL;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.len = 0;

    r->headers_out.www_authenticate = h;

    return h;
}


/*
 * RFC 9449 7.1: WWW-Authenticate: DPoP [realm=...,] [error=...,] algs=...
 * and, with nonces, a DPoP-Nonce to use next.
 */

ngx_int_t
ngx_http_sg_dpop_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t status, const char *error)
{
    size_t            len;
    u_char           *p;
    ngx_table_elt_t  *h;

    len = sizeof("DPoP algs=\"\"") - 1 + slcf->dpop.algs.len;

    if (slcf->realm.len) {
        len += sizeof(" realm=\"\",") - 1 + slcf->realm.len;
    }

    if (error) {
        len += sizeof(" error=\"\",") - 1 + ngx_strlen(error);
    }

    h = ngx_http_sg_www_authenticate(r, len);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = h->value.data;

    p = ngx_cpymem(p, "DPoP", 4);

    if (slcf->realm.len) {
        p = ngx_sprintf(p, " realm=\"%V\",", &slcf->realm);
    }

    if (error) {
        p = ngx_sprintf(p, " error=\"%s\",", error);
    }

    p = ngx_sprintf(p, " algs=\"%V\"", &slcf->dpop.algs);

    h->value.len = p - h->value.data;

    r->headers_out.www_authenticate = h;

    if (slcf->dpop.nonce && ngx_http_sg_dpop_nonce_header(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return status;
}
