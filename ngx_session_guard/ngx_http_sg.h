
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_H_INCLUDED_
#define _NGX_HTTP_SG_H_INCLUDED_


/*
 * The shared header of the nginx side: the module's configuration (main
 * and location), the request context, the module itself.  Every file of
 * the nginx side includes it first; it includes the public header of each
 * folder, in the order they may call each other (docs/architecture.md):
 * http/ helpers, zone/, notify/, token/, sender/, session/, edge/,
 * control/.  A folder's internals are in private headers of its own.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sg_jose.h"
#include "ngx_sg_text.h"
#include "ngx_sg_dpop.h"
#include "ngx_sg_geo.h"
#include "ngx_sg_sign.h"
#include "ngx_sg_escape.h"
#include "ngx_sg_logout.h"
#include "ngx_sg_set.h"
#include "ngx_sg_risk.h"
#include "ngx_sg_answer.h"
#include "ngx_sg_sketch.h"


#define NGX_HTTP_SG_MAX_TOKEN_DEFAULT   8192
/*
 * The verified-token cache's default size: a budget of 16 MiB per worker
 * for the copies of tokens and claims, at most 4 KiB an entry
 * (NGX_HTTP_SG_CACHE_ENTRY), touched only as tokens are stored; plus 80
 * bytes of table and 2 of frequency sketch per entry (docs/directives.md)
 */
#define NGX_HTTP_SG_CACHE_DEFAULT       (16 * 1024 * 1024 / 4096)
#define NGX_HTTP_SG_DPOP_KEY_CACHE      1024 /* DPoP proof keys */


/* $session_guard_token_cache values */
#define NGX_HTTP_SG_CACHE_NONE          0    /* no signature check reached */
#define NGX_HTTP_SG_CACHE_HIT           1
#define NGX_HTTP_SG_CACHE_MISS          2
#define NGX_HTTP_SG_CACHE_BYPASS        3    /* the cache is off */
#define NGX_HTTP_SG_CACHE_COUNT         4    /* names: ..._variables.c */


/* $session_guard_status values */
#define NGX_HTTP_SG_STATUS_NONE         0    /* not evaluated */
#define NGX_HTTP_SG_STATUS_ALLOW        1
#define NGX_HTTP_SG_STATUS_MISSING      2
#define NGX_HTTP_SG_STATUS_INVALID      3
#define NGX_HTTP_SG_STATUS_DENY         4
#define NGX_HTTP_SG_STATUS_ERROR        5
#define NGX_HTTP_SG_STATUS_REVOKED      6    /* the session is revoked */
#define NGX_HTTP_SG_STATUS_EXPIRED      7    /* its lifetime ended */
#define NGX_HTTP_SG_STATUS_STEP_UP      8    /* fresh authentication needed */
#define NGX_HTTP_SG_STATUS_LIMITED      9    /* too many sessions */
#define NGX_HTTP_SG_STATUS_THROTTLED    10   /* too many failures */
#define NGX_HTTP_SG_STATUS_BLOCKED      11   /* the subject is blocked */
#define NGX_HTTP_SG_STATUS_COUNT        12

/* "ALLOW" ...; "" for NONE (ngx_http_sg_variables.c) */
extern ngx_str_t  ngx_http_sg_status_names[];


/* the scheme the token came with (ngx_http_sg_ctx_t.scheme) */
#define NGX_HTTP_SG_SCHEME_NONE         0    /* a source without one */
#define NGX_HTTP_SG_SCHEME_BEARER       1
#define NGX_HTTP_SG_SCHEME_DPOP         2


typedef struct ngx_http_sg_main_conf_s  ngx_http_sg_main_conf_t;
typedef struct ngx_http_sg_loc_conf_s   ngx_http_sg_loc_conf_t;
typedef struct ngx_http_sg_ctx_s        ngx_http_sg_ctx_t;


#include "ngx_http_sg_helpers.h"
#include "ngx_http_sg_zone.h"
#include "ngx_http_sg_notify.h"
#include "ngx_http_sg_token.h"
#include "ngx_http_sg_sender.h"
#include "ngx_http_sg_session.h"
#include "ngx_http_sg_edge.h"
#include "ngx_http_sg_control.h"


struct ngx_http_sg_main_conf_s {
    ngx_uint_t                  cache_size;
    ngx_http_sg_cache_t         cache;
    ngx_flag_t                  enabled;    /* some location uses it */
    ngx_http_sg_geoip_t        *geoip;      /* NULL: no databases */
    ngx_array_t                *zones;      /* ngx_http_sg_zone_t * */
    u_char                     *dpop_key;   /* DPoP nonces; NULL: none */
    ngx_sg_dpop_key_cache_t     dpop_keys;  /* proof keys, per worker */
    ngx_flag_t                  cookie_filter; /* session_guard_cookie */
    ngx_array_t                *fetches;    /* ngx_http_sg_jwks_fetch_t * */
    ngx_array_t                *transmitters; /* ngx_http_sg_ssf_tx_t * */
    ngx_array_t                *pollers;    /* ngx_http_sg_ssf_conf_t * */
    ngx_array_t                *scales;     /* ngx_http_sg_scale_t */
    ngx_array_t                *conditions; /* ngx_http_sg_condition_t */
    ngx_array_t                *throttles;  /* ngx_http_sg_throttle_t * */
    ngx_flag_t                  services;   /* some location has a risk
                                               service */
    ngx_uint_t                  service_bit; /* the condition's bit */
};


struct ngx_http_sg_loc_conf_s {
    ngx_flag_t                  enable;
    ngx_str_t                   enable_file;
    ngx_uint_t                  enable_line;

    ngx_http_complex_value_t   *token;      /* NULL: Authorization */
    ngx_array_t                *keys;       /* ngx_sg_key_t */
    ngx_http_sg_jwks_fetch_t   *fetch;      /* NULL: keys from files */
    ngx_uint_t                  algorithms; /* mask of NGX_SG_ALG_* */
    ngx_str_t                   issuer;
    ngx_array_t                *audiences;  /* ngx_str_t */
    ngx_str_t                   typ;
    ngx_str_t                   realm;
    time_t                      leeway;
    size_t                      max_token_size;
    ngx_uint_t                  log_level;
    ngx_array_t                *requires;   /* ngx_http_sg_require_t */

    /* sessions (ngx_http_sg_session.c) */
    ngx_http_sg_zone_t         *zone;
    ngx_flag_t                  monitor;
    ngx_flag_t                  tokens;     /* validate tokens here */
    ngx_http_complex_value_t   *session_key; /* NULL: the "sid" claim */
    ngx_uint_t                  key_missing;
    ngx_uint_t                  bind;       /* mask of 1 << SIG */
    ngx_http_complex_value_t   *bind_value[NGX_SG_SIG_COUNT];
    ngx_http_complex_value_t   *on_change[NGX_SG_SIG_COUNT];
    ngx_array_t                *on_cond;    /* ngx_http_sg_on_cond_t */
    ngx_http_sg_weights_t      *weights;    /* the score; NULL: none */
    ngx_array_t                *thresholds; /* ngx_sg_risk_threshold_t */
    ngx_uint_t                  travel_speed;   /* km/h */
    ngx_uint_t                  travel_floor;   /* km */
    ngx_http_complex_value_t   *absolute;
    ngx_http_complex_value_t   *idle;
    ngx_http_complex_value_t   *known_device; /* absolute, on a known one */
    ngx_http_sg_service_conf_t *service;    /* risk service; NULL: none */
    time_t                      shorten;
    ngx_http_sg_limit_t         limit;
    ngx_str_t                   acr_values;
    time_t                      max_age;    /* < 0: none */

    /* session_guard_require_assurance (ngx_http_sg_assurance.c) */
    ngx_str_t                  *assurance_req; /* namespace, level */
    ngx_str_t                   assurance_file;
    ngx_uint_t                  assurance_line;
    ngx_http_sg_scale_t        *assurance;  /* NULL: none */
    ngx_uint_t                  assurance_min; /* its rank */

    /* sender constraints (ngx_http_sg_dpop.c, ngx_http_sg_mtls.c) */
    ngx_http_sg_dpop_conf_t     dpop;
    ngx_uint_t                  mtls;       /* NGX_HTTP_SG_SENDER_* */

    /* the $cookie_ the token and key read (ngx_http_sg_cookie_guard.c) */
    ngx_array_t                *cookies;    /* guarded_cookie_t; NULL */

    /* content handlers, set in their location only (never merged) */
    ngx_http_sg_zone_t         *api_zone;   /* session_guard_api */
    ngx_http_sg_zone_t         *metrics_zone; /* NULL: every zone */
    ngx_uint_t                  metrics_format; /* 0: by request */
    ngx_http_sg_logout_conf_t  *backchannel; /* backchannel_logout */
    ngx_http_sg_ssf_conf_t     *ssf;        /* ssf_receiver */

    /* cookies, step-up, browsers, logout (ngx_http_sg_edge.h) */
    ngx_http_sg_edge_conf_t     edge;

    /* the edge's own login (ngx_http_sg_oidc.h); NULL: off */
    ngx_http_sg_oidc_conf_t    *oidc;

    /* logout notifications to applications (ngx_http_sg_notify.c) */
    ngx_array_t                *notify;     /* ngx_http_sg_notify_t; NULL */
    ngx_flag_t                  notify_jwks;   /* its content handler */
    ngx_str_t                   notify_jwks_text; /* the JWK set served */
    void                      **ssf_jwks_srv; /* ssf_jwks: server */
    ngx_str_t                   ssf_jwks_text;
    void                      **ssf_meta_srv; /* ssf_configuration: server */
    ngx_str_t                   ssf_meta_jwks_uri;
    ngx_str_t                   ssf_meta_text;
};


struct ngx_http_sg_ctx_s {
    ngx_uint_t                  status;     /* NGX_HTTP_SG_STATUS_* */
    const char                 *reason;
    ngx_sg_jws_t                jws;        /* valid when status ALLOW */
    ngx_http_sg_session_t       session;    /* valid when has_session */
    ngx_uint_t                  signals;    /* mask of 1 << SIG fired */
    uint32_t                    conditions; /* bits of those that hold */
    ngx_uint_t                  score;      /* the risk score */
    ngx_uint_t                  actions;    /* mask of ACT taken */
    ngx_uint_t                  evicted;
    ngx_uint_t                  replaced;   /* by max_sessions, here */
    ngx_str_t                   replaced_id; /* the first of them */
    ngx_uint_t                  has_session:1;
    ngx_uint_t                  created:1;  /* the session began here */
    ngx_uint_t                  clamped:1;  /* a lifetime was clamped */
    ngx_uint_t                  monitor:1;
    ngx_uint_t                  verified:1; /* the token passed checks */
    ngx_uint_t                  authentic:1; /* its signature, claims */
    ngx_uint_t                  no_key:1;   /* no session key to check */
    ngx_uint_t                  scored:1;   /* a score is configured */
    ngx_uint_t                  cache:2;    /* NGX_HTTP_SG_CACHE_* */
    ngx_uint_t                  geo_done:1; /* geo is looked up */
    ngx_uint_t                  error_logged:1; /* NGX_ERROR, logged */
    ngx_uint_t                  learn:1;    /* the user's memory learns
                                               memory_cur if allowed */
    ngx_uint_t                  answered:1; /* the edge login's own answer
                                               (logout, its way back):
                                               given whatever the mode */
    ngx_http_sg_geo_t           geo;        /* ngx_http_sg_geo_lookup() */
    ngx_uint_t                  scheme;     /* NGX_HTTP_SG_SCHEME_* */
    const char                 *error;      /* challenge's error code */
    ngx_str_t                   dpop_jkt;   /* the proof key's RFC 7638 */
    ngx_str_t                   cnf_jkt;    /* the token's cnf.jkt */
    ngx_str_t                   token_ath;  /* its DPoP "ath"; DPoP only */
    ngx_http_sg_jwks_wait_t    *jwks_wait;  /* kept across phase runs */
    ngx_http_sg_service_wait_t *service_wait; /* kept, and so is the rest
                                               of the ctx: the request was
                                               checked up to the service */
    ngx_uint_t                  service;    /* NGX_HTTP_SG_SERVICE_* */
    ngx_uint_t                  service_acts; /* its answer's actions */
    ngx_uint_t                  service_score;
    ngx_http_sg_revocation_t   *revocation; /* API, logout; else NULL */
    time_t                      retry_after; /* THROTTLED: seconds */
    ngx_sg_bind_t               memory_cur; /* the context to learn */
    ngx_http_sg_detail_in_t    *details_in; /* kept if allowed; NULL */
    ngx_http_sg_oidc_req_t     *oidc;       /* a login finishing: kept
                                               across phase runs; NULL */
    ngx_str_t                   login_id;   /* the edge login's session */
    ngx_str_t                   access_token; /* the edge login's; empty:
                                               none (tokens=) */
};


extern ngx_module_t  ngx_http_session_guard_module;


/* ngx_http_sg_handler.c */
ngx_int_t ngx_http_sg_access_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SG_H_INCLUDED_ */
