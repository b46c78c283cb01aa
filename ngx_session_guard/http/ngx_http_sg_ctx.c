
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
