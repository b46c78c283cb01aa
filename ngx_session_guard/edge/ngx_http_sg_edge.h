
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_EDGE_H_INCLUDED_
#define _NGX_HTTP_SG_EDGE_H_INCLUDED_


/*
 * What the edge does for browsers and for applications that cannot be
 * changed (included by ngx_http_sg.h):
 *
 *   ngx_http_sg_cookie.c  session_guard_cookie: the header filter that
 *                         rewrites the application's Set-Cookie, and the
 *                         edge's own deletion of the cookie
 *   ngx_http_sg_edge.c    step-up per location, redirects for browsers,
 *                         logout at the edge
 *   ngx_http_sg_edge_conf.c  their directives: session_guard_require_auth,
 *                         _acr_levels, _login, _browser, _logout, _cookie,
 *                         and session_guard_step_up's redirect= and
 *                         return=
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sg_redirect.h"


#define NGX_HTTP_SG_BROWSER_ACCEPT   0   /* Accept: text/html (default) */
#define NGX_HTTP_SG_BROWSER_OFF      1
#define NGX_HTTP_SG_BROWSER_VALUE    2


typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  mode;       /* NGX_HTTP_SG_COOKIE_* */
    ngx_uint_t                  secure;
    ngx_uint_t                  httponly;
    ngx_uint_t                  samesite;   /* NGX_SG_SAMESITE_* */
    ngx_str_t                   path;       /* of the edge's deletion */
    ngx_str_t                   domain;
} ngx_http_sg_cookie_conf_t;


typedef struct {
    ngx_array_t                *acr;        /* ngx_str_t, any of them */
    ngx_array_t                *amr;        /* ngx_str_t, all of them */
    time_t                      max_age;    /* -1: none */
} ngx_http_sg_authn_t;


typedef struct {
    ngx_http_sg_cookie_conf_t  *cookie;     /* NULL: off */
    ngx_http_complex_value_t   *login;      /* NULL: off */
    ngx_str_t                   login_return;
    ngx_uint_t                  browser;    /* NGX_HTTP_SG_BROWSER_* */
    ngx_http_complex_value_t   *browser_value;
    ngx_http_complex_value_t   *step_up_url; /* NULL: the login URL */
    ngx_str_t                   step_up_return;
    ngx_http_sg_authn_t        *authn;      /* NULL: no requirement */
    ngx_array_t                *acr_levels; /* ngx_str_t, weakest first */
    ngx_flag_t                  logout;
    ngx_http_sg_throttle_t     *throttle;   /* NULL: off */

    /* set by the merge */
    unsigned                    key_cookie:1; /* the key is the cookie */
    unsigned                    acr_derived:1;
    unsigned                    max_age_derived:1;
} ngx_http_sg_edge_conf_t;


/* ngx_http_sg_challenge.c: every WWW-Authenticate (Bearer, step-up, DPoP) */
ngx_int_t ngx_http_sg_bearer_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t status, const char *error);
ngx_int_t ngx_http_sg_step_up_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf);
ngx_int_t ngx_http_sg_dpop_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t status, const char *error);

/* ngx_http_sg_cookie_guard.c */
typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  token;      /* the token's, else the key's */
} ngx_http_sg_guarded_cookie_t;

char *ngx_http_sg_cookie_guard_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
ngx_int_t ngx_http_sg_cookie_guard(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);

/* ngx_http_sg_cookie.c: the Set-Cookie filter */
ngx_int_t ngx_http_sg_cookie_init(ngx_conf_t *cf);

/*
 * ngx_http_sg_edge_conf.c: the edge's directives, step-up, login,
 * browsers and session_guard_cookie (types in ngx_http_sg_edge.h)
 */
char *ngx_http_sg_cookie(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_login(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_browser(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_require_auth(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_acr_levels(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_step_up(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_edge_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_edge_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);

/* ngx_http_sg_throttle.c: failure throttling */
char *ngx_http_sg_throttle_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_throttle(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_throttle_address(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
ngx_int_t ngx_http_sg_throttle_subject(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
void ngx_http_sg_throttle_count(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
ngx_int_t ngx_http_sg_throttle_answer(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, ngx_int_t rc);

/* ngx_http_sg_edge.c: the edge's answers (redirects, logout, step-up) */
ngx_int_t ngx_http_sg_edge_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t rc);
ngx_int_t ngx_http_sg_edge_answer(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t *rc);
ngx_uint_t ngx_http_sg_is_browser(ngx_http_request_t *r,
    ngx_http_sg_edge_conf_t *edge);
ngx_int_t ngx_http_sg_step_up_params(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_sg_param_t *params, ngx_uint_t *n);

#include "ngx_http_sg_oidc.h"


#endif /* _NGX_HTTP_SG_EDGE_H_INCLUDED_ */
