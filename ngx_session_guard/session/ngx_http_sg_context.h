
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_CONTEXT_H_INCLUDED_
#define _NGX_HTTP_SG_CONTEXT_H_INCLUDED_


/*
 * What a session is bound to, read from a request (session/ folder only).
 */


/* ngx_http_sg_context.c: what a session is bound to, read from a request */
ngx_int_t ngx_http_sg_context(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_sg_bind_t *cur);
uint64_t ngx_http_sg_hash64(u_char *data, size_t len);
/* the client a verified token names (azp, else client_id) */
void ngx_http_sg_token_client(ngx_http_sg_ctx_t *ctx, ngx_str_t *client);
/* what a zone with details=on keeps of the request (ctx->details_in) */
ngx_http_sg_detail_in_t *ngx_http_sg_details_in(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, ngx_sg_bind_t *cur);

/* ngx_http_sg_ja4.c: the JA4 of the client connection */
ngx_int_t ngx_http_sg_ja4(ngx_http_request_t *r, ngx_str_t *ja4);


#endif /* _NGX_HTTP_SG_CONTEXT_H_INCLUDED_ */
