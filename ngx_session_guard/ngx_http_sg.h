
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_H_INCLUDED_
#define _NGX_HTTP_SG_H_INCLUDED_


/* Types shared by the HTTP glue files (ngx_http_sg_*.c). */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sg_jose.h"


#define NGX_HTTP_SG_MAX_TOKEN_DEFAULT   8192
#define NGX_HTTP_SG_CACHE_DEFAULT       4096


/* $session_guard_token_cache values */
#define NGX_HTTP_SG_CACHE_NONE          0    /* no signature check reached */
#define NGX_HTTP_SG_CACHE_HIT           1
#define NGX_HTTP_SG_CACHE_MISS          2
#define NGX_HTTP_SG_CACHE_BYPASS        3    /* the cache is off */


/* $session_guard_status values */
#define NGX_HTTP_SG_STATUS_NONE         0    /* not evaluated */
#define NGX_HTTP_SG_STATUS_ALLOW        1
#define NGX_HTTP_SG_STATUS_MISSING      2
#define NGX_HTTP_SG_STATUS_INVALID      3
#define NGX_HTTP_SG_STATUS_DENY         4
#define NGX_HTTP_SG_STATUS_ERROR        5


typedef struct {
    u_char                      digest[32];
    void                       *keys;       /* identity of the key set */
    ngx_uint_t                  algorithms;
    time_t                      expires;
} ngx_http_sg_cache_entry_t;


typedef struct {
    ngx_http_sg_cache_entry_t  *entries;
    ngx_uint_t                  size;
    ngx_uint_t                  hits;
    ngx_uint_t                  misses;
} ngx_http_sg_cache_t;


typedef struct {
    ngx_uint_t                  cache_size;
    ngx_http_sg_cache_t         cache;
    ngx_flag_t                  enabled;    /* some location uses it */
} ngx_http_sg_main_conf_t;


typedef struct {
    ngx_array_t                *values;     /* ngx_http_complex_value_t */
    ngx_uint_t                  status;     /* 401 or 403 */
} ngx_http_sg_require_t;


typedef struct {
    ngx_flag_t                  enable;
    ngx_str_t                   enable_file;
    ngx_uint_t                  enable_line;

    ngx_http_complex_value_t   *token;      /* NULL: Authorization */
    ngx_array_t                *keys;       /* ngx_sg_key_t */
    ngx_uint_t                  algorithms; /* mask of NGX_SG_ALG_* */
    ngx_str_t                   issuer;
    ngx_array_t                *audiences;  /* ngx_str_t */
    ngx_str_t                   typ;
    ngx_str_t                   realm;
    time_t                      leeway;
    size_t                      max_token_size;
    ngx_uint_t                  log_level;
    ngx_array_t                *requires;   /* ngx_http_sg_require_t */
} ngx_http_sg_loc_conf_t;


typedef struct {
    ngx_uint_t                  status;     /* NGX_HTTP_SG_STATUS_* */
    const char                 *reason;
    ngx_sg_jws_t                jws;        /* valid when status ALLOW */
    ngx_uint_t                  verified:1; /* the token passed checks */
    ngx_uint_t                  cache:2;    /* NGX_HTTP_SG_CACHE_* */
} ngx_http_sg_ctx_t;


extern ngx_module_t  ngx_http_session_guard_module;


/* ngx_http_sg_keys.c: directive handlers that load keys */
char *ngx_http_sg_jwks(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* ngx_http_sg_handler.c */
ngx_int_t ngx_http_sg_access_handler(ngx_http_request_t *r);

/* ngx_http_sg_cache.c: per-worker verified-token cache */
ngx_int_t ngx_http_sg_cache_init(ngx_conf_t *cf, ngx_http_sg_cache_t *cache,
    ngx_uint_t size);
void ngx_http_sg_cache_digest(ngx_str_t *token, u_char digest[32]);
ngx_uint_t ngx_http_sg_cache_lookup(ngx_http_sg_cache_t *cache,
    u_char digest[32], void *keys, ngx_uint_t algorithms, time_t now);
void ngx_http_sg_cache_insert(ngx_http_sg_cache_t *cache, u_char digest[32],
    void *keys, ngx_uint_t algorithms, time_t expires);

/* ngx_http_sg_variables.c */
char *ngx_http_sg_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_add_variables(ngx_conf_t *cf);
ngx_http_sg_ctx_t *ngx_http_sg_get_ctx(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SG_H_INCLUDED_ */
