
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_API_H_INCLUDED_
#define _NGX_HTTP_SG_API_H_INCLUDED_


/*
 * The management API (control/ folder only): its handler, set by its
 * directive, the parsed request, and the parts in files of their own.
 */


#define NGX_HTTP_SG_API_REASON_MAX  256
#define NGX_HTTP_SG_API_BODY_MAX    4096

#define NGX_HTTP_SG_API_SESSION     1
#define NGX_HTTP_SG_API_SUBJECT     2
#define NGX_HTTP_SG_API_BLOCK       3
#define NGX_HTTP_SG_API_BLOCKS      4
#define NGX_HTTP_SG_API_MEMORY      5



typedef struct {
    ngx_uint_t                  resource;   /* NGX_HTTP_SG_API_* */
    ngx_str_t                   key;        /* the id or the subject */
    const char                 *error;      /* why the path is refused */
} ngx_http_sg_api_req_t;


typedef struct {
    ngx_str_t                  *subject;
    ngx_array_t                *sessions;   /* of ngx_http_sg_session_t */
    time_t                      blocked;    /* since; 0: not blocked */
} ngx_http_sg_api_list_t;


typedef struct {
    ngx_str_t                  *subject;
    time_t                      since;      /* 0: not blocked */
    ngx_int_t                   revoked;    /* -1: not in the answer */
} ngx_http_sg_api_block_t;


/* ngx_http_sg_api.c */
ngx_int_t ngx_http_sg_api_handler(ngx_http_request_t *r);

/* ngx_http_sg_api_reason.c */
ngx_int_t ngx_http_sg_api_reason(ngx_http_request_t *r, ngx_str_t *reason);
ngx_int_t ngx_http_sg_api_reason_error(ngx_http_request_t *r, ngx_int_t rc);

/* ngx_http_sg_api_block.c: blocked subjects */
ngx_int_t ngx_http_sg_api_block(ngx_http_request_t *r,
    ngx_http_sg_zone_t *zone, ngx_http_sg_api_req_t *req);
ngx_int_t ngx_http_sg_api_unblock(ngx_http_request_t *r,
    ngx_http_sg_zone_t *zone, ngx_http_sg_api_req_t *req);
void ngx_http_sg_api_block_json(ngx_http_sg_out_t *out, void *data);
void ngx_http_sg_api_blocks_json(ngx_http_sg_out_t *out, void *data);

/* ngx_http_sg_api_memory.c: a user's memory (GET, HEAD, DELETE) */
ngx_int_t ngx_http_sg_api_memory(ngx_http_request_t *r,
    ngx_http_sg_zone_t *zone, ngx_http_sg_api_req_t *req);


#endif /* _NGX_HTTP_SG_API_H_INCLUDED_ */
