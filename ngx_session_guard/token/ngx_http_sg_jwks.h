
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_JWKS_H_INCLUDED_
#define _NGX_HTTP_SG_JWKS_H_INCLUDED_


/*
 * session_guard_jwks_fetch's runtime, shared by ngx_http_sg_jwks.c (the
 * fetch), ngx_http_sg_jwks_discover.c (the discovery document) and
 * ngx_http_sg_jwks_outcome.c (what both do with a subrequest's end): the
 * per-worker state of a fetch and the per-request wait.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_JWKS_ERROR_LEN  128


struct ngx_http_sg_jwks_state_s {
    ngx_http_sg_jwks_fetch_t   *conf;
    ngx_pool_t                 *pool;       /* the current generation */
    ngx_array_t                *keys;       /* ngx_sg_key_t; NULL: none */
    ngx_uint_t                  generation;
    time_t                      fetched;    /* last good fetch */
    time_t                      expires;    /* a refresh is due then */
    time_t                      started;    /* last fetch started */
    ngx_http_sg_jwks_wait_t    *owner;      /* its request; NULL: none */
    ngx_queue_t                 waiters;
    ngx_uint_t                  ok;         /* fetches, this worker */
    ngx_uint_t                  failed;
    ngx_str_t                   error;      /* the last failure */
    u_char                      error_buf[NGX_HTTP_SG_JWKS_ERROR_LEN];
    ngx_uint_t                  discovered; /* discoveries, this worker */
    ngx_uint_t                  discover_failed;
    ngx_str_t                   jwks_uri;   /* last good; len 0: none */
    u_char                      jwks_uri_buf[NGX_HTTP_SG_JWKS_URI_MAX];
    ngx_str_t                   authorize;  /* of the same document */
    u_char                      authorize_buf[NGX_HTTP_SG_JWKS_URI_MAX];
    ngx_str_t                   end_session;
    u_char                      end_session_buf[NGX_HTTP_SG_JWKS_URI_MAX];
};


/* per request, in its pool: kept in the ctx across phase runs */

struct ngx_http_sg_jwks_wait_s {
    ngx_http_request_t         *request;
    ngx_http_sg_jwks_state_t   *state;
    ngx_queue_t                 queue;
    ngx_event_t                 event;
    ngx_http_request_t         *sr;         /* its subrequest in flight */
    ngx_http_sg_zone_t         *zone;       /* counts fetches; NULL: no */
    ngx_uint_t                  queued:1;
    ngx_uint_t                  fetched:1;  /* it waited for a fetch */
    ngx_uint_t                  discovering:1; /* sr: the discovery */
    ngx_uint_t                  keys_next:1; /* discovered: keys next */
    ngx_http_sg_body_limit_t    body;       /* of the subrequest's answer */
};


/* ngx_http_sg_jwks.c */
ngx_int_t ngx_http_sg_jwks_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc);

/* ngx_http_sg_jwks_outcome.c: shared by the fetch and the discovery */
ngx_int_t ngx_http_sg_jwks_body(ngx_http_request_t *sr,
    ngx_http_sg_jwks_wait_t *w, ngx_int_t rc, u_char **data, size_t *len,
    u_char *buf, size_t size);
void ngx_http_sg_jwks_fail(ngx_log_t *log, ngx_http_sg_jwks_wait_t *w,
    ngx_uint_t log_it, const char *fmt, ...);
void ngx_http_sg_jwks_count(ngx_atomic_t *counters, ngx_uint_t failed);

/* ngx_http_sg_jwks_discover.c: called by the fetch */
void ngx_http_sg_jwks_discovery(ngx_http_request_t *sr,
    ngx_http_sg_jwks_wait_t *w, ngx_int_t rc);


/* ngx_http_sg_jwks_conf.c */
char *ngx_http_sg_jwks_merge_issuer(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);

/* ngx_http_sg_jwks_discover.c: the jwks_uri of an OIDC discovery document */
ngx_int_t ngx_http_sg_jwks_discovery_parse(ngx_http_request_t *sr,
    ngx_http_sg_jwks_fetch_t *fetch, u_char *data, size_t len,
    ngx_str_t *uri, ngx_str_t *ep, const char **reason);


#endif /* _NGX_HTTP_SG_JWKS_H_INCLUDED_ */
