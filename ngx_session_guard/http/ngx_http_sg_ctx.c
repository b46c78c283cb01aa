
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The request context (ngx_http_sg_ctx_t) is kept in the main request, so
 * that subrequests, variables and the access handler share one.
 */


#include "ngx_http_sg.h"


ngx_http_sg_ctx_t *
ngx_http_sg_get_ctx(ngx_http_request_t *r)
{
    return ngx_http_get_module_ctx(r->main, ngx_http_session_guard_module);
}


/* the context, made (zeroed) if the request has none yet; NULL: no memory */

ngx_http_sg_ctx_t *
ngx_http_sg_ensure_ctx(ngx_http_request_t *r)
{
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_session_guard_module);

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->main->pool, sizeof(ngx_http_sg_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        ngx_http_set_ctx(r->main, ctx, ngx_http_session_guard_module);
    }

    return ctx;
}
