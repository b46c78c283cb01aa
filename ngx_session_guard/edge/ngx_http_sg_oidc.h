
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_OIDC_H_INCLUDED_
#define _NGX_HTTP_SG_OIDC_H_INCLUDED_


/*
 * The edge as an OpenID Connect relying party (session_guard_oidc): it
 * logs browsers in itself, so that an application that cannot change gets
 * a bound, revocable, step-up-capable session with a subject.
 *
 *   ngx_http_sg_oidc_conf.c  the directive
 *   ngx_http_sg_oidc.c       per request: the session cookie, the login
 *                            redirect, logout, the answer after a login
 *   ngx_http_sg_oidc_code.c  the way back (redirect URI): the state, the
 *                            token request, the ID token
 *   ngx_http_sg_oidc_token.c the ID token, the claims kept, the id
 *   ngx_http_sg_oidc_page.c  the edge's cookies and error page
 *   ngx_http_sg_oidc_refresh.c  tokens=: the tokens kept, a refresh
 *
 * Included by ngx_http_sg_edge.h.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sg_seal.h"
#include "ngx_sg_sign.h"


#define NGX_HTTP_SG_OIDC_AUTH_NONE      0    /* a public client */
#define NGX_HTTP_SG_OIDC_AUTH_BASIC     1    /* client_secret_basic */
#define NGX_HTTP_SG_OIDC_AUTH_POST      2    /* client_secret_post */
#define NGX_HTTP_SG_OIDC_AUTH_JWT       3    /* private_key_jwt */

#define NGX_HTTP_SG_OIDC_COOKIE_MAX     64   /* a cookie name's bytes */


typedef struct {
    ngx_str_t                   client_id;
    ngx_str_t                   authorize;  /* the authorization endpoint */
    ngx_str_t                   token_uri;  /* a location of the user's */
    ngx_str_t                   token_args;
    ngx_str_t                   secret;     /* empty: a public client */
    ngx_uint_t                  client_auth; /* NGX_HTTP_SG_OIDC_AUTH_* */
    ngx_sg_signer_t            *client_key; /* private_key_jwt's */
    ngx_str_t                   client_aud; /* its audience; empty: the
                                               location's issuer */
    ngx_str_t                   redirect;   /* the redirect URI's path */
    ngx_str_t                   scope;
    ngx_str_t                   params;     /* more authorization params */
    ngx_str_t                   cookie[2];  /* [0] http, [1] https */
    ngx_str_t                   state_cookie[2];
    ngx_array_t                *claims;     /* ngx_str_t, kept besides */
    ngx_str_t                   logout;     /* a path; empty: none */
    ngx_str_t                   end_session; /* a URL; empty: none */
    ngx_str_t                   post_logout; /* a URL or a path */
    ngx_msec_t                  timeout;    /* of the token request */
    time_t                      login_time; /* the pre-login cookie's */
    size_t                      max_size;   /* of the token answer */
    ngx_flag_t                  persistent;
    ngx_http_sg_zone_t         *zone;       /* where it applies, set by
                                               the merge */
    ngx_array_t                *headers;    /* ngx_http_sg_oidc_header_t;
                                               NULL: none */
    ngx_http_sg_tokens_t       *tokens;     /* tokens=; NULL: none kept */
    ngx_flag_t                  refresh;    /* keep the refresh token */
    time_t                      margin;     /* refresh that long before */
    u_char                      key[NGX_SG_SEAL_KEY_LEN];
} ngx_http_sg_oidc_conf_t;


/* headers=: a request header the edge owns, and the claim it carries */
typedef struct {
    ngx_str_t                   name;
    u_char                     *lowcase;
    ngx_uint_t                  hash;
    ngx_str_t                   claim;
} ngx_http_sg_oidc_header_t;


typedef struct ngx_http_sg_oidc_req_s  ngx_http_sg_oidc_req_t;


char *ngx_http_sg_oidc(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_oidc_check_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
ngx_int_t ngx_http_sg_oidc_filter_init(ngx_conf_t *cf);

/*
 * In the access handler, in place of the token: NGX_OK with the claims of
 * the login (ctx->jws.payload, ctx->verified) and its session id
 * (ctx->login_id); NGX_AGAIN waiting (the token endpoint, the keys);
 * NGX_DONE answered already; else the status to answer with, ctx->status
 * set.
 */
ngx_int_t ngx_http_sg_oidc_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);

/* the verdict's answer where session_guard_oidc is on */
ngx_int_t ngx_http_sg_oidc_answer(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t rc);



/* between ngx_http_sg_oidc.c and ngx_http_sg_oidc_code.c */

struct ngx_http_sg_oidc_req_s {
    ngx_http_sg_wait_t          wait;       /* first: the event's data */
    ngx_uint_t                  stage;      /* NGX_HTTP_SG_OIDC_* */
    ngx_http_sg_body_limit_t    body;
    ngx_http_sg_oidc_conf_t    *conf;
    ngx_uint_t                  status;     /* the token endpoint's */
    ngx_str_t                   answer;     /* its body */
    const char                 *error;      /* why it failed */

    /* from the pre-login cookie */
    ngx_str_t                   state;
    ngx_str_t                   nonce;
    ngx_str_t                   verifier;
    ngx_str_t                   ret;        /* where to go back */
    ngx_str_t                   prev;       /* a step-up's session id */
    ngx_str_t                   code;

    /* the login, once the ID token passed */
    ngx_str_t                   id;         /* the session's id */
    json_t                     *claims;
    ngx_str_t                   access;     /* the token answer's */
    ngx_str_t                   refresh_token;
    time_t                      access_exp; /* 0: unknown */
    ngx_str_t                   old_access; /* a refresh's: still valid */
    time_t                      old_exp;
    time_t                      expires;    /* the tokens' end */
    ngx_uint_t                  callback:1; /* a login is finishing */
    ngx_uint_t                  refreshing:1; /* a refresh, not a login */
    ngx_uint_t                  refreshed:1;  /* its new tokens are kept */
};

#define NGX_HTTP_SG_OIDC_ASKING         1    /* the token request runs */
#define NGX_HTTP_SG_OIDC_ANSWERED       2
#define NGX_HTTP_SG_OIDC_FAILED         3

ngx_int_t ngx_http_sg_oidc_callback(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
ngx_int_t ngx_http_sg_oidc_refresh(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *rt,
    ngx_str_t *at, time_t at_exp, time_t expires);
ngx_int_t ngx_http_sg_oidc_refreshed(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_oidc_req_t *q);
void ngx_http_sg_oidc_refresh_result(ngx_http_request_t *sr,
    ngx_http_sg_oidc_req_t *q);
ngx_int_t ngx_http_sg_oidc_token_fields(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc, json_t *root, ngx_http_sg_oidc_req_t *q,
    const char **reason);
ngx_int_t ngx_http_sg_oidc_add_variables(ngx_conf_t *cf);

/* ngx_http_sg_oidc_token.c */
ngx_int_t ngx_http_sg_oidc_id_token(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_oidc_req_t *q, ngx_str_t *token, ngx_str_t *access,
    const char **reason);
ngx_int_t ngx_http_sg_oidc_keep(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_oidc_req_t *q);
ngx_int_t ngx_http_sg_oidc_new_id(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_oidc_req_t *q, ngx_str_t *sub);
ngx_int_t ngx_http_sg_oidc_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *what, ngx_str_t *ret);
ngx_int_t ngx_http_sg_oidc_cookie_get(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value);
ngx_int_t ngx_http_sg_oidc_set_cookie(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc, ngx_str_t *name, ngx_str_t *value,
    time_t max_age);
ngx_uint_t ngx_http_sg_oidc_https(ngx_http_request_t *r);
ngx_int_t ngx_http_sg_oidc_no_store(ngx_http_request_t *r);
ngx_uint_t ngx_http_sg_oidc_live(ngx_sg_record_t *rec, time_t now);
ngx_int_t ngx_http_sg_oidc_purpose(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t state, ngx_str_t *out);
ngx_int_t ngx_http_sg_oidc_strip(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc);
ngx_int_t ngx_http_sg_oidc_identity(ngx_http_request_t *r,
    ngx_http_sg_oidc_conf_t *oc, ngx_http_sg_ctx_t *ctx);
ngx_int_t ngx_http_sg_oidc_location(ngx_http_request_t *r, ngx_str_t *url);
ngx_int_t ngx_http_sg_oidc_absolute(ngx_http_request_t *r, ngx_str_t *path,
    ngx_str_t *out);


#endif /* _NGX_HTTP_SG_OIDC_H_INCLUDED_ */
