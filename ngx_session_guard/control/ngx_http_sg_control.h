
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_CONTROL_H_INCLUDED_
#define _NGX_HTTP_SG_CONTROL_H_INCLUDED_


/*
 * Locations of their own (the control/ folder): the management API, the
 * back-channel logout receiver, the metrics.  Included by ngx_http_sg.h;
 * their internals are in ngx_http_sg_api.h, ngx_http_sg_reply.h,
 * ngx_http_sg_logout.h and ngx_http_sg_metrics.h.
 */


/* session_guard_backchannel_logout (ngx_http_sg_logout_conf.c) */
typedef struct {
    ngx_http_sg_zone_t         *zone;
    ngx_sg_logout_policy_t      policy;     /* "now" unset: per request */
} ngx_http_sg_logout_conf_t;


/* session_guard_ssf_receiver (ngx_http_sg_ssf_conf.c) */
#define NGX_HTTP_SG_SSF_LOG        0
#define NGX_HTTP_SG_SSF_REVOKE     1
#define NGX_HTTP_SG_SSF_STEP_UP    2
#define NGX_HTTP_SG_SSF_REFUSE_BEFORE  3  /* tokens issued before refused */
#define NGX_HTTP_SG_SSF_RECORD     4    /* an assurance level recorded */

typedef struct {
    ngx_http_sg_zone_t         *zone;
    ngx_sg_set_policy_t         policy;     /* "now" unset: per request */
    ngx_str_t                   secret;     /* bearer; empty: none asked */
    u_char                      action[NGX_SG_SET_EVENT_COUNT];
    ngx_uint_t                  fetch;      /* jwks_fetch=on */

    /* session_guard_ssf_poll (ngx_http_sg_ssf_poll.c) */
    ngx_str_t                   poll_uri;
    ngx_msec_t                  interval;
    ngx_uint_t                  max_events;
    ngx_http_conf_ctx_t        *ctx;        /* the server's */
    void                       *state;      /* this worker's poller */
} ngx_http_sg_ssf_conf_t;

char *ngx_http_sg_ssf_receiver(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_ssf_poll(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_sg_ssf_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf);
ngx_int_t ngx_http_sg_ssf_poll_init_process(ngx_cycle_t *cycle);


/* ngx_http_sg_api_conf.c: the management API's directive */
char *ngx_http_sg_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_api_merge_conf(ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf);

/*
 * Back-channel logout: the directive in ngx_http_sg_logout_conf.c, the
 * handler in ngx_http_sg_logout.c
 */
char *ngx_http_sg_backchannel_logout(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/*
 * Metrics: the directive in ngx_http_sg_metrics_conf.c, the handler and
 * the counting in ngx_http_sg_metrics.c
 */
char *ngx_http_sg_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
void ngx_http_sg_metrics_count(ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx);


#endif /* _NGX_HTTP_SG_CONTROL_H_INCLUDED_ */
