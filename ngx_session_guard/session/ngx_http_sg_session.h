
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_SESSION_H_INCLUDED_
#define _NGX_HTTP_SG_SESSION_H_INCLUDED_


/*
 * The session check (the session/ folder): the session directives, the
 * check of a request against its session record (the core's risk engine,
 * ngx_sg_risk.h), GeoIP, JA4, and the $session_guard_event record of every
 * decision.  Included by ngx_http_sg.h; the parts' internals are in
 * ngx_http_sg_context.h and ngx_http_sg_geo.h.
 */


/* session_guard_session_key missing= */
#define NGX_HTTP_SG_KEY_MISSING_PASS    0
#define NGX_HTTP_SG_KEY_MISSING_DENY    1


/*
 * ngx_http_sg_geo.c: the GeoIP context of the client address.  Unknown
 * fields: asn 0, asn_org empty, country[0] 0, has_loc 0.
 */

typedef struct ngx_http_sg_geoip_s  ngx_http_sg_geoip_t;  /* databases */

/* what an anonymity database says of an address (ngx_http_sg_anon_names) */
#define NGX_HTTP_SG_ANON_VPN            0x01
#define NGX_HTTP_SG_ANON_TOR            0x02
#define NGX_HTTP_SG_ANON_PROXY          0x04    /* a public proxy */
#define NGX_HTTP_SG_ANON_RESIDENTIAL    0x08    /* a residential proxy */
#define NGX_HTTP_SG_ANON_HOSTING        0x10
#define NGX_HTTP_SG_ANON_COUNT          5
/* the kinds the "anonymous" condition holds for: hosting is not one */
#define NGX_HTTP_SG_ANON_CONDITION      0x0f

extern ngx_str_t  ngx_http_sg_anon_names[];

typedef struct {
    uint32_t                    asn;
    ngx_str_t                   asn_org;    /* request pool */
    ngx_str_t                   city;       /* its English name; pool */
    u_char                      country[2]; /* ISO 3166-1 alpha-2 */
    ngx_uint_t                  has_loc:1;  /* latitude, longitude set */
    ngx_uint_t                  failed:1;   /* a database failed (logged) */
    ngx_uint_t                  anonymous;  /* NGX_HTTP_SG_ANON_* found */
    double                      latitude;   /* degrees */
    double                      longitude;
} ngx_http_sg_geo_t;


/*
 * The levels of an assurance namespace, weakest first, and their
 * ngx_sg_level_hash() values (ngx_http_sg_assurance.c)
 */

#define NGX_HTTP_SG_ASSURANCE_NAME_MAX  256

typedef struct {
    ngx_str_t                   ns;
    uint32_t                    hash;
    ngx_str_t                  *levels;
    uint32_t                   *hashes;
    ngx_uint_t                  n;
} ngx_http_sg_scale_t;


/* a condition (ngx_http_sg_condition.c) */
typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  bit;        /* < NGX_SG_COND_MAX */
    ngx_array_t                *values;     /* ngx_http_complex_value_t */
    ngx_uint_t                  anonymous;  /* the databases' too */
    ngx_uint_t                  memory;     /* 1 + the NGX_HTTP_SG_NEW_*
                                               bit's index; 0: not one of
                                               the users' memory's */
    ngx_uint_t                  service;    /* "risk_service" */
} ngx_http_sg_condition_t;

/* the users' memory's conditions, as a location answers them */
typedef struct {
    ngx_uint_t                  kinds;      /* NGX_HTTP_SG_NEW_* known */
    ngx_uint_t                  bit[NGX_HTTP_SG_NEW_COUNT];
    ngx_uint_t                  acts[NGX_HTTP_SG_NEW_COUNT];
} ngx_http_sg_memory_conds_t;

/* what a location does when one holds (session_guard_on_change) */
typedef struct {
    ngx_str_t                   name;
    ngx_http_complex_value_t   *actions;
    ngx_http_sg_condition_t    *cond;       /* found at merge */
    ngx_str_t                   file;
    ngx_uint_t                  line;
} ngx_http_sg_on_cond_t;


/* a risk service (ngx_http_sg_service.c) */
typedef struct {
    ngx_str_t                   uri;
    ngx_str_t                   args;
    ngx_msec_t                  timeout;
    time_t                      cache;      /* 0: every request asks */
    size_t                      max_size;
    ngx_uint_t                  fail_open;
} ngx_http_sg_service_conf_t;

typedef struct ngx_http_sg_service_wait_s  ngx_http_sg_service_wait_t;

/* what became of the request's question (the ctx's "service") */
#define NGX_HTTP_SG_SERVICE_NONE        0    /* not asked */
#define NGX_HTTP_SG_SERVICE_ANSWERED    1
#define NGX_HTTP_SG_SERVICE_CACHED      2    /* the session's kept answer */
#define NGX_HTTP_SG_SERVICE_FAILED      3


/* the weights of the risk score (ngx_http_sg_score.c) */
typedef struct {
    ngx_array_t                *named;      /* as given: name, weight */
    ngx_uint_t                  weights[NGX_SG_SIG_COUNT];
    ngx_uint_t                  cond_weights[NGX_SG_COND_MAX];
    ngx_uint_t                  resolved;   /* the names found */
    ngx_str_t                   file;
    ngx_uint_t                  line;
} ngx_http_sg_weights_t;


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
void ngx_http_sg_learn(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx);
void ngx_http_sg_session_digest(ngx_str_t *key, u_char *out);
/* a logout at the edge (edge/): told to the Shared Signals receivers */
void ngx_http_sg_session_logged_out(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);
void ngx_http_sg_session_ended(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *id, ngx_str_t *sub);
ngx_int_t ngx_http_sg_session_name(ngx_pool_t *pool, ngx_str_t *value,
    size_t max, ngx_str_t *out);

/* ngx_http_sg_assurance.c: assurance levels, and what a location needs */
char *ngx_http_sg_assurance_levels(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_require_assurance(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_sg_assurance_init(ngx_conf_t *cf,
    ngx_http_sg_main_conf_t *smcf);
char *ngx_http_sg_assurance_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
ngx_http_sg_scale_t *ngx_http_sg_assurance_scale(
    ngx_http_sg_main_conf_t *smcf, uint32_t hash);
ngx_int_t ngx_http_sg_assurance_rank(ngx_http_sg_scale_t *scale,
    uint32_t level);
ngx_int_t ngx_http_sg_assurance_names(ngx_http_sg_main_conf_t *smcf,
    ngx_str_t *ns, ngx_str_t *level, uint32_t *ns_hash,
    uint32_t *level_hash, ngx_uint_t *known);
const char *ngx_http_sg_assurance_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx);

/* ngx_http_sg_condition.c: conditions, signals of every request */
char *ngx_http_sg_condition(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_sg_condition_init(ngx_conf_t *cf,
    ngx_http_sg_main_conf_t *smcf);
ngx_http_sg_condition_t *ngx_http_sg_condition_find(
    ngx_http_sg_main_conf_t *smcf, ngx_str_t *name);
ngx_str_t *ngx_http_sg_condition_name(ngx_http_sg_main_conf_t *smcf,
    ngx_uint_t bit);
char *ngx_http_sg_on_condition(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *name, ngx_str_t *actions);
ngx_int_t ngx_http_sg_condition_resolve(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
ngx_int_t ngx_http_sg_conditions(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_sg_risk_t *risk,
    ngx_http_sg_memory_conds_t *mc);
void ngx_http_sg_condition_apply(ngx_sg_risk_t *risk, ngx_uint_t bit,
    ngx_uint_t acts);
u_char *ngx_http_sg_condition_list(ngx_http_sg_main_conf_t *smcf, u_char *p,
    u_char *last, uint32_t bits, ngx_uint_t first);

/* ngx_http_sg_service.c, ngx_http_sg_service_conf.c: a risk service */
char *ngx_http_sg_risk_service(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_sg_service(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *id,
    ngx_str_t *sub, ngx_sg_risk_t *risk);
ngx_uint_t ngx_http_sg_service_resuming(ngx_http_sg_ctx_t *ctx);
ngx_sg_answer_t *ngx_http_sg_service_answer(ngx_http_sg_ctx_t *ctx);
ngx_str_t *ngx_http_sg_service_reasons(ngx_http_sg_ctx_t *ctx);
ngx_int_t ngx_http_sg_service_filter_init(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_service_add_variables(ngx_conf_t *cf);

/* ngx_http_sg_details_var.c: the variables of a session's details */
ngx_int_t ngx_http_sg_details_add_variables(ngx_conf_t *cf);

/* ngx_http_sg_score.c: the risk score's weights and thresholds */
char *ngx_http_sg_risk_weight(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_risk_threshold(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_sg_score_init_conf(ngx_http_sg_loc_conf_t *conf);
char *ngx_http_sg_score_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
void ngx_http_sg_score(ngx_http_sg_loc_conf_t *slcf, ngx_sg_risk_t *risk);

/* ngx_http_sg_event.c */
/* why the policy revoked a session: a signal, a condition, a lifetime */
ngx_str_t *ngx_http_sg_revoke_reason_name(ngx_sg_record_t *rec);
ngx_int_t ngx_http_sg_add_session_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_sg_event_revocation(ngx_http_request_t *r, ngx_str_t *id,
    ngx_str_t *sub, ngx_uint_t source, ngx_str_t *reason, ngx_uint_t count);

/* ngx_http_sg_geo_conf.c: session_guard_geoip */
char *ngx_http_sg_geoip(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* ngx_http_sg_geo.c: the GeoIP context of the client, and its variables */
ngx_int_t ngx_http_sg_geo_add_variables(ngx_conf_t *cf);
u_char *ngx_http_sg_anon_list(u_char *p, ngx_uint_t anon);

/* ngx_http_sg_ja4.c: ClientHello capture, JA4 of the client connection */
ngx_int_t ngx_http_sg_ja4_init(ngx_conf_t *cf);


#endif /* _NGX_HTTP_SG_SESSION_H_INCLUDED_ */
