
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_TOKEN_H_INCLUDED_
#define _NGX_HTTP_SG_TOKEN_H_INCLUDED_


/*
 * The credential (the token/ folder): the token directives, the keys
 * (files, or fetched through a location of the user's), the verified-token
 * cache.  Included by ngx_http_sg.h; the key fetch's internals are in
 * ngx_http_sg_jwks.h.
 */


#define NGX_HTTP_SG_JWKS_URI_MAX        1024  /* a discovered jwks_uri */


typedef struct {
    u_char                     *token;      /* a copy, in the claims slab */
    size_t                      len;        /* 0: the slot is empty */
    uint32_t                    hash;       /* ngx_murmur_hash2() of it */
    void                       *keys;       /* identity of the key set */
    ngx_uint_t                  generation; /* of fetched keys, else 0 */
    ngx_uint_t                  algorithms;
    time_t                      expires;
    ngx_sg_alg_t               *alg;
    json_t                     *payload;    /* decoded claims; NULL: none */
    json_t                     *typ;        /* header "typ"; NULL: none */
    u_char                      ath[NGX_SG_SHA256_B64_LEN]; /* DPoP */
    u_char                      ath_set;    /* ath is the token's */
} ngx_http_sg_cache_entry_t;


typedef struct {
    ngx_http_sg_cache_entry_t  *entries;
    ngx_uint_t                  size;
    ngx_uint_t                  hits;
    ngx_uint_t                  misses;
    ngx_sg_sketch_t             sketch;     /* admission: lookup counts */
    ngx_slab_pool_t            *claims;     /* this worker's, no mutex */
    ngx_sg_json_allocator_t     allocator;  /* into "claims" */
} ngx_http_sg_cache_t;


/*
 * session_guard_jwks_fetch (ngx_http_sg_jwks_conf.c; its runtime in
 * ngx_http_sg_jwks.c): the configuration, made while the configuration is
 * read and never written afterwards but for "state", which init_process
 * points at the worker's own key cache.
 */

typedef struct ngx_http_sg_jwks_state_s  ngx_http_sg_jwks_state_t;
typedef struct ngx_http_sg_jwks_wait_s   ngx_http_sg_jwks_wait_t;

typedef struct {
    ngx_str_t                   uri;        /* the user's location */
    ngx_str_t                   args;
    time_t                      refresh;    /* without max-age */
    time_t                      min_refresh;
    time_t                      max_refresh;
    time_t                      cooldown;   /* between two fetches */
    ngx_msec_t                  wait;       /* a request waits that long */
    size_t                      max_size;
    ngx_uint_t                  max_keys;
    ngx_str_t                   discover;   /* "discover=": "" none */
    ngx_str_t                   discover_args;
    ngx_str_t                   issuer;     /* the document must name it */
    ngx_flag_t                  allow_http; /* jwks_uri may be http:// */
    ngx_http_sg_jwks_state_t   *state;      /* per worker */
} ngx_http_sg_jwks_fetch_t;


typedef struct {
    ngx_array_t                *values;     /* ngx_http_complex_value_t */
    ngx_uint_t                  status;     /* 401 or 403 */
} ngx_http_sg_require_t;


/* ngx_http_sg_token_conf.c: the token directives */
char *ngx_http_sg_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_audience(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_token_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_token_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_token_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_token_check_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
extern ngx_conf_post_handler_pt  ngx_http_sg_max_token_size_p;
extern ngx_conf_post_handler_pt  ngx_http_sg_realm_p;
extern ngx_conf_post_handler_pt  ngx_http_sg_leeway_p;
extern ngx_conf_enum_t  ngx_http_sg_log_levels[];

/* ngx_http_sg_claims.c: the claim variables */
ngx_int_t ngx_http_sg_add_claim_variables(ngx_conf_t *cf);

/* ngx_http_sg_cache.c: per-worker verified-token cache */
ngx_int_t ngx_http_sg_cache_init(ngx_conf_t *cf, ngx_http_sg_cache_t *cache,
    ngx_uint_t size);
ngx_int_t ngx_http_sg_cache_lookup(ngx_http_sg_cache_t *cache,
    ngx_pool_t *pool, ngx_str_t *token, uint32_t hash, void *keys,
    ngx_uint_t generation, ngx_uint_t algorithms, time_t now,
    ngx_sg_jws_t *jws);
void ngx_http_sg_cache_insert(ngx_http_sg_cache_t *cache, ngx_str_t *token,
    uint32_t hash, void *keys, ngx_uint_t generation, ngx_uint_t algorithms,
    time_t expires, ngx_sg_jws_t *jws);
ngx_int_t ngx_http_sg_cache_ath(ngx_http_sg_cache_t *cache, ngx_str_t *token,
    uint32_t hash, u_char *ath);

/*
 * ngx_http_sg_jwks_conf.c: where the keys come from (session_guard_jwks,
 * session_guard_key, session_guard_jwks_fetch)
 */
char *ngx_http_sg_jwks(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_jwks_fetch(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_sg_jwks.c: keys fetched through a subrequest, per worker */
ngx_int_t ngx_http_sg_jwks_init_process(ngx_cycle_t *cycle);
ngx_int_t ngx_http_sg_jwks_filter_init(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_jwks_keys(ngx_http_request_t *r,
    ngx_http_sg_jwks_fetch_t *fetch, ngx_http_sg_ctx_t *ctx, ngx_str_t *kid,
    ngx_array_t **keys, ngx_uint_t *generation);
ngx_uint_t ngx_http_sg_jwks_current(ngx_http_sg_jwks_fetch_t *fetch);

/* the discovery document's browser-facing endpoints (session_guard_oidc) */
#define NGX_HTTP_SG_JWKS_AUTHORIZE      0
#define NGX_HTTP_SG_JWKS_END_SESSION    1
ngx_int_t ngx_http_sg_jwks_endpoint(ngx_http_sg_jwks_fetch_t *fetch,
    ngx_uint_t which, ngx_str_t *url);
ngx_int_t ngx_http_sg_jwks_add_variables(ngx_conf_t *cf);


#endif /* _NGX_HTTP_SG_TOKEN_H_INCLUDED_ */
