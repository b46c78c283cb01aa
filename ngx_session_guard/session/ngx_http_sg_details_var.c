
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Variables of a session's details (session_guard_zone ... details=on,
 * zone/ngx_http_sg_details.c); not found where the zone keeps none:
 *
 *   $session_guard_session_user_agent   the user agent it began with
 *   $session_guard_session_client       its client (azp or client_id)
 *   $session_guard_session_last_city    the city of its last accepted
 *                                       request (this one, when allowed)
 *
 * The values are clients': a variable that goes into a header gets
 * control characters written as %XX (ngx_sg_text_escape()).
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_DV_USER_AGENT  0
#define NGX_HTTP_SG_DV_CLIENT      1
#define NGX_HTTP_SG_DV_LAST_CITY   2


static ngx_int_t ngx_http_sg_details_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_sg_details_vars[] = {

    { ngx_string("session_guard_session_user_agent"), NULL,
      ngx_http_sg_details_variable, NGX_HTTP_SG_DV_USER_AGENT,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_client"), NULL,
      ngx_http_sg_details_variable, NGX_HTTP_SG_DV_CLIENT,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_session_last_city"), NULL,
      ngx_http_sg_details_variable, NGX_HTTP_SG_DV_LAST_CITY,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_sg_details_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_details_vars);
}


static ngx_int_t
ngx_http_sg_details_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t           s, out;
    ngx_sg_details_t   *d;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL || !ctx->has_session || ctx->session.details == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    d = ctx->session.details;

    switch (data) {

    case NGX_HTTP_SG_DV_USER_AGENT:
        s.data = d->ua_initial;
        s.len = d->ua_initial_len;
        break;

    case NGX_HTTP_SG_DV_CLIENT:
        s.data = d->client;
        s.len = d->client_len;
        break;

    default: /* NGX_HTTP_SG_DV_LAST_CITY */

        if (ctx->status == NGX_HTTP_SG_STATUS_ALLOW && ctx->details_in
            && ctx->details_in->city.len)
        {
            s = ctx->details_in->city;
            s.len = ngx_min(s.len, NGX_SG_DETAIL_CITY);

        } else {
            s.data = d->city;
            s.len = d->city_len;
        }

        break;
    }

    if (s.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ngx_sg_text_escape(r->pool, &s, &out) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_sg_value(v, out.data, out.len);
}
