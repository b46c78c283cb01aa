
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_COOKIE_H_INCLUDED_
#define _NGX_HTTP_SG_COOKIE_H_INCLUDED_


/*
 * The edge's own deletion of the session cookie (edge/ folder only).
 */


/* ngx_http_sg_cookie.c */
ngx_int_t ngx_http_sg_cookie_delete(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf);


#endif /* _NGX_HTTP_SG_COOKIE_H_INCLUDED_ */
