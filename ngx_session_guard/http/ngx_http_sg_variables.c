
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The decision variables ($session_guard_status, $session_guard_reason,
 * $session_guard_token_cache) and the registration every part uses for
 * its own.  All of them are read from the request context that the access
 * handler fills, so none is cacheable: a value read before the decision
 * (say in the rewrite phase) must not stick.  The claim variables are the
 * token's: token/ngx_http_sg_claims.c.
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_reason_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


/* $session_guard_status, indexed as NGX_HTTP_SG_STATUS_* */
ngx_str_t  ngx_http_sg_status_names[] = {
    ngx_null_string,
    ngx_string("ALLOW"),
    ngx_string("MISSING"),
    ngx_string("INVALID"),
    ngx_string("DENY"),
    ngx_string("ERROR"),
    ngx_string("REVOKED"),
    ngx_string("EXPIRED"),
    ngx_string("STEP_UP"),
    ngx_string("LIMITED"),
    ngx_string("THROTTLED"),
    ngx_string("BLOCKED")
};

typedef char  ngx_http_sg_status_names_check[
    sizeof(ngx_http_sg_status_names) / sizeof(ngx_str_t)
    == NGX_HTTP_SG_STATUS_COUNT ? 1 : -1];


/* $session_guard_token_cache, indexed as NGX_HTTP_SG_CACHE_* */
static ngx_str_t  ngx_http_sg_cache_names[] = {
    ngx_null_string,
    ngx_string("HIT"),
    ngx_string("MISS"),
    ngx_string("BYPASS")
};

typedef char  ngx_http_sg_cache_names_check[
    sizeof(ngx_http_sg_cache_names) / sizeof(ngx_str_t)
    == NGX_HTTP_SG_CACHE_COUNT ? 1 : -1];


static ngx_http_variable_t  ngx_http_sg_vars[] = {

    { ngx_string("session_guard_status"), NULL,
      ngx_http_sg_status_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_reason"), NULL,
      ngx_http_sg_reason_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_token_cache"), NULL,
      ngx_http_sg_cache_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_sg_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_vars);
}


/* adds a table of variables, ended by ngx_http_null_variable */

ngx_int_t
ngx_http_sg_register_variables(ngx_conf_t *cf, ngx_http_variable_t *vars)
{
    ngx_http_variable_t  *var, *v;

    for (v = vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char             *p, *last;
    ngx_str_t          *name;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL || ctx->status == NGX_HTTP_SG_STATUS_NONE) {
        v->not_found = 1;
        return NGX_OK;
    }

    name = &ngx_http_sg_status_names[ctx->status];

    if (!ctx->monitor || ctx->status == NGX_HTTP_SG_STATUS_ALLOW) {
        return ngx_http_sg_value(v, name->data, name->len);
    }

    /* monitor mode: what would have been done, like limit_req's DRY_RUN */

    p = ngx_pnalloc(r->pool, name->len + sizeof("_MONITOR") - 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    last = ngx_cpymem(p, name->data, name->len);
    last = ngx_cpymem(last, "_MONITOR", sizeof("_MONITOR") - 1);

    return ngx_http_sg_value(v, p, last - p);
}


static ngx_int_t
ngx_http_sg_reason_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL || ctx->reason == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    return ngx_http_sg_value(v, (u_char *) ctx->reason,
                             ngx_strlen(ctx->reason));
}


static ngx_int_t
ngx_http_sg_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t          *name;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL || ctx->cache == NGX_HTTP_SG_CACHE_NONE) {
        v->not_found = 1;
        return NGX_OK;
    }

    name = &ngx_http_sg_cache_names[ctx->cache];

    return ngx_http_sg_value(v, name->data, name->len);
}


/* a variable's value, never cached (see above) */

ngx_int_t
ngx_http_sg_value(ngx_http_variable_value_t *v, u_char *data, size_t len)
{
    v->len = len;
    v->data = data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
