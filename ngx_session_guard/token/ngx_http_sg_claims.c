
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The claim variables: $session_guard_sub, $session_guard_sid,
 * $session_guard_claim_<name> and those of session_guard_claim_set (the
 * directive is in ngx_http_sg_token_conf.c).  They are read from the
 * verified token in the request context, so none is cacheable.
 *
 * $session_guard_claim_<name> reaches nested members with "__" between
 * member names, as nginx variable names cannot hold a dot:
 * $session_guard_claim_realm_access__roles is payload.realm_access.roles.
 * nginx lowercases variable names, so a claim with capitals or characters
 * outside [a-z0-9_] (a namespaced "https://example.com/roles") is reached
 * with "session_guard_claim_set $variable member [member ...]" instead.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_claims.h"


#define NGX_HTTP_SG_CLAIM_PREFIX   "session_guard_claim_"


static ngx_int_t ngx_http_sg_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_prefix_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_claim_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_str_t *path, ngx_uint_t n);


static ngx_http_variable_t  ngx_http_sg_claim_vars[] = {

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
ngx_http_sg_add_claim_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_claim_vars);
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


/* a variable of session_guard_claim_set: data is its path */

ngx_int_t
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
