
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_MTLS_H_INCLUDED_
#define _NGX_HTTP_SG_MTLS_H_INCLUDED_


/*
 * Certificate-bound tokens, called by the sender check (sender/ folder
 * only).
 */


/* ngx_http_sg_mtls.c: certificate-bound tokens (RFC 8705) */
ngx_int_t ngx_http_sg_mtls_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, json_t *cnf);


#endif /* _NGX_HTTP_SG_MTLS_H_INCLUDED_ */
