
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_REPLY_H_INCLUDED_
#define _NGX_HTTP_SG_REPLY_H_INCLUDED_


/*
 * JSON replies of the control locations (control/ folder only).
 */


/* ngx_http_sg_api_json.c: JSON replies */
ngx_int_t ngx_http_sg_api_reply(ngx_http_request_t *r, ngx_uint_t status,
    u_char *start, u_char *end);
ngx_int_t ngx_http_sg_api_reply_json(ngx_http_request_t *r,
    ngx_http_sg_out_pt build, void *data);
void ngx_http_sg_api_session_json(ngx_http_sg_out_t *out,
    ngx_http_sg_session_t *s);
ngx_int_t ngx_http_sg_api_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out);
ngx_int_t ngx_http_sg_api_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *error, const char *message);


#endif /* _NGX_HTTP_SG_REPLY_H_INCLUDED_ */
