
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_LOGOUT_H_INCLUDED_
#define _NGX_HTTP_SG_LOGOUT_H_INCLUDED_


/*
 * The back-channel logout handler, set by its directive (control/ folder
 * only).
 */


/* ngx_http_sg_logout.c */
ngx_int_t ngx_http_sg_logout_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SG_LOGOUT_H_INCLUDED_ */
