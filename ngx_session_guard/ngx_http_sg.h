
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
#include "ngx_sg_text.h"
#include "ngx_sg_dpop.h"
#include "ngx_sg_geo.h"
#include "ngx_sg_sign.h"
#include "ngx_sg_escape.h"
#include "ngx_sg_logout.h"
#include "ngx_sg_risk.h"
#include "ngx_http_sg_zone.h"
#include "ngx_http_sg_edge.h"


#define NGX_HTTP_SG_MAX_TOKEN_DEFAULT   8192
#define NGX_HTTP_SG_JWKS_URI_MAX        1024  /* a discovered jwks_uri */
#define NGX_HTTP_SG_CACHE_DEFAULT       4096
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
#define NGX_HTTP_SG_STATUS_COUNT        10

/* "ALLOW" ...; "" for NONE (ngx_http_sg_variables.c) */
extern ngx_str_t  ngx_http_sg_status_names[];


/* session_guard_session_key missing= */
#define NGX_HTTP_SG_KEY_MISSING_PASS    0
#define NGX_HTTP_SG_KEY_MISSING_DENY    1


/* session_guard_dpop, session_guard_mtls */
#define NGX_HTTP_SG_SENDER_OFF          0
#define NGX_HTTP_SG_SENDER_OPTIONAL     1
#define NGX_HTTP_SG_SENDER_REQUIRED     2
#define NGX_HTTP_SG_SENDER_COUNT        3    /* names: ..._sender_conf.c */

/* the scheme the token came with (ngx_http_sg_ctx_t.scheme) */
#define NGX_HTTP_SG_SCHEME_NONE         0    /* a source without one */
#define NGX_HTTP_SG_SCHEME_BEARER       1
#define NGX_HTTP_SG_SCHEME_DPOP         2


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
} ngx_http_sg_cache_entry_t;


typedef struct {
    ngx_http_sg_cache_entry_t  *entries;
    ngx_uint_t                  size;
    ngx_uint_t                  hits;
    ngx_uint_t                  misses;
    ngx_slab_pool_t            *claims;     /* this worker's, no mutex */
    ngx_sg_json_allocator_t     allocator;  /* into "claims" */
} ngx_http_sg_cache_t;


/*
 * ngx_http_sg_geo.c: the GeoIP context of the client address.  Unknown
 * fields: asn 0, asn_org empty, country[0] 0, has_loc 0.
 */

typedef struct ngx_http_sg_geoip_s  ngx_http_sg_geoip_t;  /* databases */

typedef struct {
    uint32_t                    asn;
    ngx_str_t                   asn_org;    /* request pool */
    u_char                      country[2]; /* ISO 3166-1 alpha-2 */
    ngx_uint_t                  has_loc:1;  /* latitude, longitude set */
    ngx_uint_t                  failed:1;   /* a database failed (logged) */
    double                      latitude;   /* degrees */
    double                      longitude;
} ngx_http_sg_geo_t;


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


typedef struct {
    ngx_uint_t                  cache_size;
    ngx_http_sg_cache_t         cache;
    ngx_flag_t                  enabled;    /* some location uses it */
    ngx_http_sg_geoip_t        *geoip;      /* NULL: no databases */
    ngx_array_t                *zones;      /* ngx_http_sg_zone_t * */
    u_char                     *dpop_key;   /* DPoP nonces; NULL: none */
    ngx_sg_dpop_key_cache_t     dpop_keys;  /* proof keys, per worker */
    ngx_flag_t                  cookie_filter; /* session_guard_cookie */
    ngx_array_t                *fetches;    /* ngx_http_sg_jwks_fetch_t * */
} ngx_http_sg_main_conf_t;


typedef struct {
    ngx_array_t                *values;     /* ngx_http_complex_value_t */
    ngx_uint_t                  status;     /* 401 or 403 */
} ngx_http_sg_require_t;


/* session_guard_backchannel_logout (ngx_http_sg_logout_conf.c) */
typedef struct {
    ngx_http_sg_zone_t         *zone;
    ngx_sg_logout_policy_t      policy;     /* "now" unset: per request */
} ngx_http_sg_logout_conf_t;


/* ngx_http_sg_notify_conf.c: one "session_guard_notify" */
typedef struct {
    ngx_str_t                   uri;        /* the notification location */
    ngx_sg_signer_t            *signer;
    ngx_str_t                   issuer;
    ngx_str_t                   audience;   /* empty: no "aud" */
    time_t                      ttl;
} ngx_http_sg_notify_t;


typedef struct {
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
    ngx_uint_t                  travel_speed;   /* km/h */
    ngx_uint_t                  travel_floor;   /* km */
    ngx_http_complex_value_t   *absolute;
    ngx_http_complex_value_t   *idle;
    time_t                      shorten;
    ngx_http_sg_limit_t         limit;
    ngx_str_t                   acr_values;
    time_t                      max_age;    /* < 0: none */

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

    /* cookies, step-up, browsers, logout (ngx_http_sg_edge.h) */
    ngx_http_sg_edge_conf_t     edge;

    /* logout notifications to applications (ngx_http_sg_notify.c) */
    ngx_array_t                *notify;     /* ngx_http_sg_notify_t; NULL */
    ngx_flag_t                  notify_jwks;   /* its content handler */
    ngx_str_t                   notify_jwks_text; /* the JWK set served */
} ngx_http_sg_loc_conf_t;


/*
 * A revocation made by a request outside the access check (the API, a
 * back-channel logout), for $session_guard_event (ngx_http_sg_event.c)
 */
typedef struct {
    ngx_str_t                   id;         /* empty: by subject */
    ngx_str_t                   sub;        /* empty: unknown */
    ngx_str_t                   reason;
    ngx_uint_t                  source;     /* NGX_SG_REVOKED_* */
    ngx_uint_t                  count;      /* sessions revoked */
} ngx_http_sg_revocation_t;


typedef struct {
    ngx_uint_t                  status;     /* NGX_HTTP_SG_STATUS_* */
    const char                 *reason;
    ngx_sg_jws_t                jws;        /* valid when status ALLOW */
    ngx_http_sg_session_t       session;    /* valid when has_session */
    ngx_uint_t                  signals;    /* mask of 1 << SIG fired */
    ngx_uint_t                  actions;    /* mask of ACT taken */
    ngx_uint_t                  evicted;
    ngx_uint_t                  has_session:1;
    ngx_uint_t                  created:1;  /* the session began here */
    ngx_uint_t                  clamped:1;  /* a lifetime was clamped */
    ngx_uint_t                  monitor:1;
    ngx_uint_t                  verified:1; /* the token passed checks */
    ngx_uint_t                  cache:2;    /* NGX_HTTP_SG_CACHE_* */
    ngx_uint_t                  geo_done:1; /* geo is looked up */
    ngx_uint_t                  error_logged:1; /* NGX_ERROR, logged */
    ngx_http_sg_geo_t           geo;        /* ngx_http_sg_geo_lookup() */
    ngx_uint_t                  scheme;     /* NGX_HTTP_SG_SCHEME_* */
    const char                 *error;      /* challenge's error code */
    ngx_str_t                   dpop_jkt;   /* the proof key's RFC 7638 */
    ngx_str_t                   cnf_jkt;    /* the token's cnf.jkt */
    ngx_http_sg_jwks_wait_t    *jwks_wait;  /* kept across phase runs */
    ngx_http_sg_revocation_t   *revocation; /* API, logout; else NULL */
} ngx_http_sg_ctx_t;


extern ngx_module_t  ngx_http_session_guard_module;


/* ngx_http_sg_token_conf.c: the token directives */
char *ngx_http_sg_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_audience(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_token_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sg_token_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_token_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_token_check_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
extern ngx_conf_post_handler_pt  ngx_http_sg_max_token_size_p;
extern ngx_conf_post_handler_pt  ngx_http_sg_realm_p;
extern ngx_conf_post_handler_pt  ngx_http_sg_leeway_p;
extern ngx_conf_enum_t  ngx_http_sg_log_levels[];

/*
 * ngx_http_sg_conf_value.c: a directive's value compiled as a complex
 * value, or read from the file it names (for every *_conf.c)
 */
char *ngx_http_sg_compile(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t **cvp);
ngx_int_t ngx_http_sg_read_file(ngx_conf_t *cf, const char *who,
    ngx_str_t *name, size_t max, ngx_str_t *out);


/* ngx_http_sg_handler.c */
ngx_int_t ngx_http_sg_access_handler(ngx_http_request_t *r);

/* ngx_http_sg_challenge.c: every WWW-Authenticate (Bearer, step-up, DPoP) */
ngx_int_t ngx_http_sg_bearer_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t status, const char *error);
ngx_int_t ngx_http_sg_step_up_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf);
ngx_int_t ngx_http_sg_dpop_challenge(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_uint_t status, const char *error);

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

/*
 * ngx_http_sg_jwks_conf.c: where the keys come from (session_guard_jwks,
 * session_guard_key, session_guard_jwks_fetch)
 */
char *ngx_http_sg_jwks(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_jwks_fetch(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_jwks_merge_issuer(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);

/* ngx_http_sg_jwks.c: keys fetched through a subrequest, per worker */
ngx_int_t ngx_http_sg_jwks_init_process(ngx_cycle_t *cycle);
ngx_int_t ngx_http_sg_jwks_filter_init(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_jwks_keys(ngx_http_request_t *r,
    ngx_http_sg_jwks_fetch_t *fetch, ngx_http_sg_ctx_t *ctx, ngx_str_t *kid,
    ngx_array_t **keys, ngx_uint_t *generation);
ngx_uint_t ngx_http_sg_jwks_current(ngx_http_sg_jwks_fetch_t *fetch);
ngx_int_t ngx_http_sg_jwks_add_variables(ngx_conf_t *cf);

/* ngx_http_sg_jwks_discover.c: the jwks_uri of an OIDC discovery document */
ngx_int_t ngx_http_sg_jwks_discovery_parse(ngx_http_request_t *sr,
    ngx_http_sg_jwks_fetch_t *fetch, u_char *data, size_t len,
    ngx_str_t *uri, const char **reason);

/* ngx_http_sg_session_conf.c: the session directives */
char *ngx_http_sg_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_session_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_bind(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_on_change(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_travel(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_lifetime(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_max_sessions(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sg_session_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_session_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);

/* ngx_http_sg_session.c: the session check of a request */
ngx_int_t ngx_http_sg_session_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
void ngx_http_sg_session_digest(ngx_str_t *key, u_char *out);
ngx_int_t ngx_http_sg_session_name(ngx_pool_t *pool, ngx_str_t *value,
    size_t max, ngx_str_t *out);

/* ngx_http_sg_context.c: what a session is bound to, read from a request */
ngx_int_t ngx_http_sg_context(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_sg_bind_t *cur);
uint64_t ngx_http_sg_hash64(u_char *data, size_t len);

/* ngx_http_sg_ctx.c: the request context, kept in the main request */
ngx_http_sg_ctx_t *ngx_http_sg_get_ctx(ngx_http_request_t *r);

/* ngx_http_sg_headers.c: reading header lines */
typedef struct {
    ngx_list_part_t            *part;
    ngx_uint_t                  i;
} ngx_http_sg_header_iter_t;

ngx_table_elt_t *ngx_http_sg_header_next(ngx_list_t *list, ngx_str_t *name,
    ngx_http_sg_header_iter_t *it);
ngx_uint_t ngx_http_sg_cookie_count(ngx_http_request_t *r, ngx_str_t *name);

/* ngx_http_sg_subrequest.c: subrequests without the client's request */
typedef struct {
    ngx_list_t                  headers;
    ngx_http_variable_value_t  *variables;
} ngx_http_sg_bare_t;

ngx_int_t ngx_http_sg_bare_init(ngx_http_request_t *r,
    ngx_http_sg_bare_t *bare);
void ngx_http_sg_bare_apply(ngx_http_request_t *sr, ngx_http_sg_bare_t *bare);

/* ngx_http_sg_event.c */
ngx_int_t ngx_http_sg_add_session_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_event_revocation(ngx_http_request_t *r, ngx_str_t *id,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason, ngx_uint_t count);
ngx_str_t *ngx_http_sg_revoke_reason_name(ngx_sg_record_t *rec);

/* ngx_http_sg_variables.c */
ngx_int_t ngx_http_sg_register_variables(ngx_conf_t *cf,
    ngx_http_variable_t *vars);
char *ngx_http_sg_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_add_variables(ngx_conf_t *cf);

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

/* ngx_http_sg_mtls.c: certificate-bound tokens (RFC 8705) */
ngx_int_t ngx_http_sg_mtls_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, json_t *cnf);

/* ngx_http_sg_geo_conf.c: session_guard_geoip */
char *ngx_http_sg_geoip(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* ngx_http_sg_geo.c: the GeoIP context of the client, and its variables */
ngx_int_t ngx_http_sg_geo_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_geo_lookup(ngx_http_request_t *r,
    ngx_http_sg_geo_t *out);
ngx_http_sg_geo_t *ngx_http_sg_request_geo(ngx_http_request_t *r);

/* ngx_http_sg_ja4.c: ClientHello capture, JA4 of the client connection */
ngx_int_t ngx_http_sg_ja4_init(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_ja4(ngx_http_request_t *r, ngx_str_t *ja4);

/* ngx_http_sg_api.c: the management API */
char *ngx_http_sg_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_api_merge_conf(ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf);

/*
 * ngx_http_sg_out.c: output that holds client values (JSON bodies sized by
 * the code that writes them, values for the error log)
 */
typedef struct {
    u_char                     *pos;        /* NULL: measuring */
    u_char                     *end;
    size_t                      len;        /* written, or to be */
    ngx_uint_t                  overflow;
} ngx_http_sg_out_t;

typedef void (*ngx_http_sg_out_pt)(ngx_http_sg_out_t *out, void *data);

#define ngx_http_sg_out_lit(out, s)                                          \
    ngx_http_sg_out_raw(out, (u_char *) s, sizeof(s) - 1)

ngx_int_t ngx_http_sg_out_build(ngx_pool_t *pool, ngx_http_sg_out_pt build,
    void *data, ngx_str_t *res);
void ngx_http_sg_out_raw(ngx_http_sg_out_t *out, u_char *data, size_t len);
void ngx_http_sg_out_json(ngx_http_sg_out_t *out, ngx_str_t *s);
void ngx_http_sg_out_fmt(ngx_http_sg_out_t *out, const char *fmt, ...);
ngx_str_t *ngx_http_sg_log_str(ngx_http_request_t *r, ngx_str_t *s);
ngx_str_t *ngx_http_sg_log_str_pool(ngx_pool_t *pool, ngx_str_t *s);

/* ngx_http_sg_api_json.c: JSON replies */
ngx_int_t ngx_http_sg_api_reply(ngx_http_request_t *r, ngx_uint_t status,
    u_char *start, u_char *end);
void ngx_http_sg_api_session_json(ngx_http_sg_out_t *out,
    ngx_http_sg_session_t *s);
ngx_int_t ngx_http_sg_api_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out);
ngx_int_t ngx_http_sg_api_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *error, const char *message);

/*
 * Back-channel logout: the directive in ngx_http_sg_logout_conf.c, the
 * handler in ngx_http_sg_logout.c
 */
char *ngx_http_sg_backchannel_logout(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_sg_logout_handler(ngx_http_request_t *r);

/*
 * Logout notifications: the directives in ngx_http_sg_notify_conf.c, the
 * sender in ngx_http_sg_notify.c.  ngx_http_sg_notify_send() never fails
 * the request: failures are logged and counted in zone.
 */
char *ngx_http_sg_notify_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_notify_jwks(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sg_notify_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_notify_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
void ngx_http_sg_notify_send(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_zone_t *zone, ngx_str_t *sid,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason);

/* ngx_http_sg_metrics.c */
char *ngx_http_sg_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_metrics_count(ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx);

/* ngx_http_sg_cookie_guard.c */
typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  token;      /* the token's, else the key's */
} ngx_http_sg_guarded_cookie_t;

char *ngx_http_sg_cookie_guard_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
ngx_int_t ngx_http_sg_cookie_guard(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);

/* ngx_http_sg_cookie.c: session_guard_cookie, the Set-Cookie filter */
char *ngx_http_sg_cookie(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_cookie_init(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_cookie_delete(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf);

/*
 * ngx_http_sg_edge_conf.c: the edge's directives, step-up, login and
 * browsers (types in ngx_http_sg_edge.h)
 */
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

/* ngx_http_sg_edge.c: the edge's answers (redirects, logout, step-up) */
ngx_int_t ngx_http_sg_edge_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t rc);
ngx_int_t ngx_http_sg_edge_answer(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_int_t *rc);

#endif /* _NGX_HTTP_SG_H_INCLUDED_ */
