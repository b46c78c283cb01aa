
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_API_H_INCLUDED_
#define _NGX_HTTP_SG_API_H_INCLUDED_


/*
 * The management API's handler, set by its directive (control/ folder
 * only).
 */


/* ngx_http_sg_api.c */
ngx_int_t ngx_http_sg_api_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SG_API_H_INCLUDED_ */
