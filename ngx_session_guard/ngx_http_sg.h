
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
#include "ngx_sg_geo.h"
#include "ngx_http_sg_zone.h"


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
#define NGX_HTTP_SG_STATUS_REVOKED      6    /* the session is revoked */
#define NGX_HTTP_SG_STATUS_EXPIRED      7    /* its lifetime ended */
#define NGX_HTTP_SG_STATUS_STEP_UP      8    /* fresh authentication needed */
#define NGX_HTTP_SG_STATUS_LIMITED      9    /* too many sessions */
#define NGX_HTTP_SG_STATUS_COUNT        10


/* signals: a change of what a session is bound to */
#define NGX_HTTP_SG_SIG_IP              0
#define NGX_HTTP_SG_SIG_ASN             1
#define NGX_HTTP_SG_SIG_COUNTRY         2
#define NGX_HTTP_SG_SIG_UA              3
#define NGX_HTTP_SG_SIG_JA4             4
#define NGX_HTTP_SG_SIG_TRAVEL          5
#define NGX_HTTP_SG_SIG_COUNT           6

/* actions, bits of a mask */
#define NGX_HTTP_SG_ACT_LOG             0x01
#define NGX_HTTP_SG_ACT_STEP_UP         0x02
#define NGX_HTTP_SG_ACT_SHORTEN         0x04
#define NGX_HTTP_SG_ACT_NON_PERSISTENT  0x08
#define NGX_HTTP_SG_ACT_REVOKE          0x10
#define NGX_HTTP_SG_ACT_DENY            0x20
#define NGX_HTTP_SG_ACT_COUNT           6

/* session_guard_session_key missing= */
#define NGX_HTTP_SG_KEY_MISSING_PASS    0
#define NGX_HTTP_SG_KEY_MISSING_DENY    1

/* record flags (ngx_http_sg_record_t.flags) */
#define NGX_HTTP_SG_REC_SHORTENED       0x01
#define NGX_HTTP_SG_REC_CLAMPED         0x02

/* revoke_reason: a signal id, or one of these */
#define NGX_HTTP_SG_REASON_EXPIRED      100
#define NGX_HTTP_SG_REASON_IDLE         101


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


typedef struct {
    ngx_uint_t                  cache_size;
    ngx_http_sg_cache_t         cache;
    ngx_flag_t                  enabled;    /* some location uses it */
    ngx_http_sg_geoip_t        *geoip;      /* NULL: no databases */
    ngx_array_t                *zones;      /* ngx_http_sg_zone_t * */
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

    /* sessions (ngx_http_sg_session.c) */
    ngx_http_sg_zone_t         *zone;
    ngx_flag_t                  monitor;
    ngx_flag_t                  tokens;     /* validate tokens here */
    ngx_http_complex_value_t   *session_key; /* NULL: the "sid" claim */
    ngx_uint_t                  key_missing;
    ngx_uint_t                  bind;       /* mask of 1 << SIG */
    ngx_http_complex_value_t   *bind_value[NGX_HTTP_SG_SIG_COUNT];
    ngx_http_complex_value_t   *on_change[NGX_HTTP_SG_SIG_COUNT];
    ngx_uint_t                  travel_speed;   /* km/h */
    ngx_uint_t                  travel_floor;   /* km */
    ngx_http_complex_value_t   *absolute;
    ngx_http_complex_value_t   *idle;
    time_t                      shorten;
    ngx_http_sg_limit_t         limit;
    ngx_str_t                   acr_values;
    time_t                      max_age;    /* NGX_CONF_UNSET: none */
} ngx_http_sg_loc_conf_t;


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
    ngx_http_sg_geo_t           geo;        /* ngx_http_sg_geo_lookup() */
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

/* ngx_http_sg_session_conf.c, ngx_http_sg_session.c */
char *ngx_http_sg_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_session_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_bind(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_on_change(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_travel(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_lifetime(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_max_sessions(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_step_up(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_session_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_session_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
ngx_int_t ngx_http_sg_session_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
ngx_int_t ngx_http_sg_parse_actions(ngx_str_t *value, ngx_uint_t *mask);
ngx_http_sg_geo_t *ngx_http_sg_geo(ngx_http_request_t *r);
extern ngx_str_t  ngx_http_sg_signal_names[];
extern ngx_str_t  ngx_http_sg_action_names[];

/* ngx_http_sg_event.c */
ngx_int_t ngx_http_sg_add_session_variables(ngx_conf_t *cf);

/* ngx_http_sg_variables.c */
ngx_str_t *ngx_http_sg_status_name(ngx_uint_t status);
char *ngx_http_sg_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_add_variables(ngx_conf_t *cf);
ngx_http_sg_ctx_t *ngx_http_sg_get_ctx(ngx_http_request_t *r);

/* ngx_http_sg_geo.c */
char *ngx_http_sg_geoip(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_geo_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_geo_lookup(ngx_http_request_t *r,
    ngx_http_sg_geo_t *out);


#endif /* _NGX_HTTP_SG_H_INCLUDED_ */
