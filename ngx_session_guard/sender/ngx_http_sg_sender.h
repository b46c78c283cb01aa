
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_SENDER_H_INCLUDED_
#define _NGX_HTTP_SG_SENDER_H_INCLUDED_


/*
 * Sender constraints (the sender/ folder): DPoP proofs (RFC 9449) and
 * certificate-bound tokens (RFC 8705).  Included by ngx_http_sg.h.
 */


/* session_guard_dpop, session_guard_mtls */
#define NGX_HTTP_SG_SENDER_OFF          0
#define NGX_HTTP_SG_SENDER_OPTIONAL     1
#define NGX_HTTP_SG_SENDER_REQUIRED     2
#define NGX_HTTP_SG_SENDER_COUNT        3    /* names: ..._sender_conf.c */


/* DPoP, per location (ngx_http_sg_dpop.c) */

typedef struct {
    ngx_uint_t                  mode;       /* NGX_HTTP_SG_SENDER_* */
    ngx_flag_t                  nonce;
    time_t                      nonce_period;
    time_t                      window;     /* iat, either way */
    ngx_uint_t                  algorithms; /* mask of NGX_SG_ALG_* */
    ngx_str_t                   algs;       /* "ES256 PS256" */
    ngx_http_complex_value_t   *htu_base;   /* NULL: from the request */
    ngx_str_t                   origin;     /* htu_base without variables */
} ngx_http_sg_dpop_conf_t;


/* ngx_http_sg_sender_conf.c: the sender-constraint directives */
char *ngx_http_sg_dpop(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_dpop_window(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_dpop_htu_base(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_dpop_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_mtls(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_sender_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_sender_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);

/* ngx_http_sg_dpop.c: DPoP (RFC 9449), and the sender check's dispatch */
ngx_int_t ngx_http_sg_dpop_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_sender_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *token);
ngx_int_t ngx_http_sg_dpop_nonce_header(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SG_SENDER_H_INCLUDED_ */
