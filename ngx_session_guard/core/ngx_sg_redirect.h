
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_REDIRECT_H_INCLUDED_
#define _NGX_SG_REDIRECT_H_INCLUDED_


/*
 * Redirect URLs for browsers: a configured base (a login page, an
 * authorization endpoint) with query parameters appended, one of them the
 * URL to come back to.
 *
 * The way back is never an open redirect: it is only ever the request's
 * own path and query, made a relative reference of this host (one leading
 * '/', never "//" or "/\" which browsers read as another host, no control
 * characters, no encoded slash right after the first), and it is sent
 * percent-encoded as a query value, so that it is safe in an OAuth
 * "state" or any parameter.
 *
 * Hard limits: a return path over NGX_SG_RETURN_MAX bytes loses its query,
 * then falls back to "/".
 *
 * Return contract: NGX_OK done; NGX_DECLINED the base is not an
 * acceptable URL; NGX_ERROR no memory.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_RETURN_MAX   2048


typedef struct {
    ngx_str_t                   name;       /* used as is: a URL-safe name */
    ngx_str_t                   value;      /* percent-encoded here */
} ngx_sg_param_t;


/*
 * The relative URL (path and query) of this host that a request URI (as
 * the client sent it) may safely be sent back to: a part of uri, or "/".
 */
void ngx_sg_return_path(ngx_str_t *uri, ngx_str_t *path);

/*
 * An absolute http(s) URL, or an absolute path ("/login", not "//host"),
 * without white space, control characters, non-ASCII bytes or a fragment.
 */
ngx_int_t ngx_sg_redirect_base(ngx_str_t *base);

/* base, then "?" or "&", then name=value pairs joined by "&" */
ngx_int_t ngx_sg_redirect_url(ngx_pool_t *pool, ngx_str_t *base,
    ngx_sg_param_t *params, ngx_uint_t n, ngx_str_t *out);

/* RFC 3986 percent-encoding of everything but unreserved characters */
size_t ngx_sg_escape_len(ngx_str_t *s);
u_char *ngx_sg_escape(u_char *p, ngx_str_t *s);


#endif /* _NGX_SG_REDIRECT_H_INCLUDED_ */
