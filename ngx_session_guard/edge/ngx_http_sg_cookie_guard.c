
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The cookies the module reads: the token ("session_guard_token") and the
 * session key ("session_guard_session_key") may be, or hold, $cookie_NAME
 * variables.  $cookie_NAME gives the first pair of that name it finds,
 * while the application behind may read another (the last, one split on
 * ',', one whose name has a space before '=' or is percent-encoded): a
 * request that carries such a cookie more than once is refused before
 * anything reads it, or the edge would check one value and the
 * application use another (a revoked session, a forged token).
 *
 * The names are found at configuration time in the directives' values;
 * at request time every Cookie header line is searched by the core reader
 * (ngx_sg_cookie_next()), which finds every pair that nginx or a common
 * application stack takes for the cookie.
 */


#include "ngx_http_sg.h"

#include "ngx_sg_cookie.h"


#define NGX_HTTP_SG_COOKIE_VAR  "cookie_"


static ngx_int_t ngx_http_sg_cookie_vars(ngx_conf_t *cf,
    ngx_http_complex_value_t *cv, ngx_uint_t token, ngx_array_t **cookies);


/*
 * After the merge: the cookies the token and the session key read here,
 * each $cookie_NAME or ${cookie_NAME} in their values.
 */

char *
ngx_http_sg_cookie_guard_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf)
{
    conf->cookies = NULL;

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    if (conf->tokens && conf->token
        && ngx_http_sg_cookie_vars(cf, conf->token, 1, &conf->cookies)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->zone && conf->session_key
        && ngx_http_sg_cookie_vars(cf, conf->session_key, 0, &conf->cookies)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * NGX_OK when no cookie the module reads is sent twice, else 401 with
 * ctx->status INVALID and the reason set.
 */

ngx_int_t
ngx_http_sg_cookie_guard(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_uint_t                     i;
    ngx_http_sg_guarded_cookie_t  *gc;

    if (slcf->cookies == NULL) {
        return NGX_OK;
    }

    gc = slcf->cookies->elts;

    for (i = 0; i < slcf->cookies->nelts; i++) {

        if (ngx_http_sg_cookie_count(r, &gc[i].name) <= 1) {
            continue;
        }

        /* ambiguous: which of them the application reads is unknown */

        ctx->status = NGX_HTTP_SG_STATUS_INVALID;
        ctx->reason = gc[i].token ? "duplicate token cookie"
                                  : "duplicate session cookie";

        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: the %s cookie \"%V\" appears more "
                      "than once: refused",
                      gc[i].token ? "token" : "session", &gc[i].name);

        return NGX_HTTP_UNAUTHORIZED;
    }

    return NGX_OK;
}


/*
 * The names of the $cookie_ variables in a compiled value's source, as
 * nginx's script compiler reads variable names: '$', an optional '{',
 * then letters, digits and '_'.  A name is kept once.
 */

static ngx_int_t
ngx_http_sg_cookie_vars(ngx_conf_t *cf, ngx_http_complex_value_t *cv,
    ngx_uint_t token, ngx_array_t **cookies)
{
    u_char                        *p, *last, *start, c;
    ngx_str_t                      name;
    ngx_uint_t                     i;
    ngx_http_sg_guarded_cookie_t  *gc;

    p = cv->value.data;
    last = p + cv->value.len;

    while (p < last) {

        if (*p++ != '$') {
            continue;
        }

        if (p < last && *p == '{') {
            p++;
        }

        start = p;

        while (p < last) {
            c = *p;

            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '_'))
            {
                break;
            }

            p++;
        }

        if ((size_t) (p - start) <= sizeof(NGX_HTTP_SG_COOKIE_VAR) - 1
            || ngx_strncasecmp(start, (u_char *) NGX_HTTP_SG_COOKIE_VAR,
                               sizeof(NGX_HTTP_SG_COOKIE_VAR) - 1)
               != 0)
        {
            continue;
        }

        name.data = start + sizeof(NGX_HTTP_SG_COOKIE_VAR) - 1;
        name.len = p - name.data;

        if (*cookies == NULL) {
            *cookies = ngx_array_create(cf->pool, 2,
                                        sizeof(ngx_http_sg_guarded_cookie_t));
            if (*cookies == NULL) {
                return NGX_ERROR;
            }
        }

        gc = (*cookies)->elts;

        for (i = 0; i < (*cookies)->nelts; i++) {
            if (gc[i].name.len == name.len
                && ngx_strncasecmp(gc[i].name.data, name.data, name.len)
                   == 0)
            {
                break;
            }
        }

        if (i < (*cookies)->nelts) {
            continue;
        }

        gc = ngx_array_push(*cookies);
        if (gc == NULL) {
            return NGX_ERROR;
        }

        gc->name = name;
        gc->token = token;
    }

    return NGX_OK;
}
