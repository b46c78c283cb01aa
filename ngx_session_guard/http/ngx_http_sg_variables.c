
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Variables.  All of them are read from the request context that the
 * access handler fills, so none is cacheable: a value read before the
 * decision (say in the rewrite phase) must not stick.
 *
 * $session_guard_claim_<name> reaches nested members with "__" between
 * member names, as nginx variable names cannot hold a dot:
 * $session_guard_claim_realm_access__roles is payload.realm_access.roles.
 * nginx lowercases variable names, so a claim with capitals or characters
 * outside [a-z0-9_] (a namespaced "https://example.com/roles") is reached
 * with "session_guard_claim_set $variable member [member ...]" instead.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_CLAIM_PREFIX   "session_guard_claim_"
#define NGX_HTTP_SG_PATH_MAX       8


static ngx_int_t ngx_http_sg_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_reason_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_cache_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_prefix_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_claim_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_str_t *path, ngx_uint_t n);
static ngx_int_t ngx_http_sg_value(ngx_http_variable_value_t *v,
    u_char *data, size_t len);


typedef struct {
    ngx_str_t                  *path;
    ngx_uint_t                  n;
} ngx_http_sg_claim_path_t;


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
    ngx_string("LIMITED")
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

    { ngx_string("session_guard_sub"), NULL,
      ngx_http_sg_claim_variable, (uintptr_t) "sub",
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_sid"), NULL,
      ngx_http_sg_claim_variable, (uintptr_t) "sid",
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string(NGX_HTTP_SG_CLAIM_PREFIX), NULL,
      ngx_http_sg_prefix_claim_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

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


static ngx_int_t
ngx_http_sg_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  name;

    name.data = (u_char *) data;
    name.len = ngx_strlen(name.data);

    return ngx_http_sg_claim_value(r, v, &name, 1);
}


static ngx_int_t
ngx_http_sg_prefix_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  *var = (ngx_str_t *) data;

    u_char     *p, *last, *start;
    ngx_str_t   path[NGX_HTTP_SG_PATH_MAX];
    ngx_uint_t  n;

    p = var->data + sizeof(NGX_HTTP_SG_CLAIM_PREFIX) - 1;
    last = var->data + var->len;

    if (p >= last) {
        v->not_found = 1;
        return NGX_OK;
    }

    n = 0;
    start = p;

    for ( ;; ) {
        if (p == last || (p + 1 < last && p[0] == '_' && p[1] == '_')) {

            if (n == NGX_HTTP_SG_PATH_MAX || p == start) {
                v->not_found = 1;
                return NGX_OK;
            }

            path[n].data = start;
            path[n].len = p - start;
            n++;

            if (p == last) {
                break;
            }

            p += 2;
            start = p;
            continue;
        }

        p++;
    }

    return ngx_http_sg_claim_value(r, v, path, n);
}


char *
ngx_http_sg_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t                 *value, name;
    ngx_uint_t                 i;
    ngx_http_variable_t       *var;
    ngx_http_sg_claim_path_t  *cp;

    value = cf->args->elts;
    name = value[1];

    if (name.len < 2 || name.data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid variable name \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    name.len--;
    name.data++;

    if (cf->args->nelts - 2 > NGX_HTTP_SG_PATH_MAX) {
        return "has too many members";
    }

    cp = ngx_palloc(cf->pool, sizeof(ngx_http_sg_claim_path_t));
    if (cp == NULL) {
        return NGX_CONF_ERROR;
    }

    cp->n = cf->args->nelts - 2;

    /* cf->args is reused by the next directive: copy the names out */

    cp->path = ngx_palloc(cf->pool, cp->n * sizeof(ngx_str_t));
    if (cp->path == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < cp->n; i++) {
        if (value[i + 2].len == 0) {
            return "has an empty member name";
        }

        cp->path[i] = value[i + 2];
    }

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_CONF_ERROR;
    }

    if (var->get_handler) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "variable \"%V\" is already defined", &name);
        return NGX_CONF_ERROR;
    }

    var->get_handler = ngx_http_sg_claim_set_variable;
    var->data = (uintptr_t) cp;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_sg_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sg_claim_path_t  *cp = (ngx_http_sg_claim_path_t *) data;

    return ngx_http_sg_claim_value(r, v, cp->path, cp->n);
}


static ngx_int_t
ngx_http_sg_claim_value(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    ngx_str_t *path, ngx_uint_t n)
{
    json_t             *value;
    ngx_str_t           text;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    /* claims of a token that failed any check are never exposed */

    if (ctx == NULL || !ctx->verified || ctx->jws.payload == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    value = ngx_sg_json_path(ctx->jws.payload, path, n);

    if (value == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ngx_sg_json_to_text(r->pool, value, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_sg_value(v, text.data, text.len);
}


static ngx_int_t
ngx_http_sg_value(ngx_http_variable_value_t *v, u_char *data, size_t len)
{
    v->len = len;
    v->data = data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
