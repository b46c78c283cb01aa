
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_LOGOUT_H_INCLUDED_
#define _NGX_HTTP_SG_LOGOUT_H_INCLUDED_


/*
 * The back-channel logout and Shared Signals handlers, set by their
 * directives, and what both receivers share (control/ folder only).
 */


/* ngx_http_sg_logout.c */
ngx_int_t ngx_http_sg_logout_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_sg_control_body(ngx_http_request_t *r, ngx_str_t *body,
    off_t max);
ngx_uint_t ngx_http_sg_control_content_type(ngx_http_request_t *r,
    const char *type, size_t len);
ngx_int_t ngx_http_sg_control_allow_post(ngx_http_request_t *r);

/* ngx_http_sg_logout_conf.c, shared with ngx_http_sg_ssf_conf.c */
typedef struct {
    ngx_http_sg_zone_t        **zone;
    ngx_str_t                  *issuer;
    ngx_array_t                *audiences;  /* ngx_str_t */
    ngx_array_t               **keys;       /* ngx_sg_key_t */
    ngx_uint_t                 *algorithms;
    const char                 *what;       /* for algorithms= messages */
} ngx_http_sg_control_params_t;

ngx_int_t ngx_http_sg_control_param(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_sg_control_params_t *p, ngx_str_t *value);

/* ngx_http_sg_ssf.c */
ngx_int_t ngx_http_sg_ssf_handler(ngx_http_request_t *r);
void ngx_http_sg_ssf_count_refusal(ngx_http_sg_zone_t *zone,
    ngx_sg_set_err_e err);
ngx_int_t ngx_http_sg_ssf_receive(ngx_http_request_t *r,
    ngx_http_sg_ssf_conf_t *scf, ngx_array_t *keys, ngx_str_t *text,
    const char **reason, ngx_sg_set_err_e *err);


#endif /* _NGX_HTTP_SG_LOGOUT_H_INCLUDED_ */
