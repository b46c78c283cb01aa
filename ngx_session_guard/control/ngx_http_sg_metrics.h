
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_METRICS_H_INCLUDED_
#define _NGX_HTTP_SG_METRICS_H_INCLUDED_


/*
 * session_guard_metrics: a snapshot of each zone's statistics and
 * counters (ngx_http_sg_metrics.c), written out as JSON
 * (ngx_http_sg_metrics_json.c) or in the Prometheus text exposition
 * formats (ngx_http_sg_metrics_prom.c).  The writers only format: each
 * returns a chain in the request pool, or NULL when out of memory; what
 * they share is in ngx_http_sg_metrics_output.c.
 */


#include "ngx_http_sg.h"


/* why a token was rejected: a fixed, small label set */
#define NGX_HTTP_SG_REJECT_MISSING      0
#define NGX_HTTP_SG_REJECT_MALFORMED    1
#define NGX_HTTP_SG_REJECT_ALGORITHM    2
#define NGX_HTTP_SG_REJECT_KEY          3
#define NGX_HTTP_SG_REJECT_SIGNATURE    4
#define NGX_HTTP_SG_REJECT_EXPIRED      5
#define NGX_HTTP_SG_REJECT_NOT_YET      6
#define NGX_HTTP_SG_REJECT_ISSUER       7
#define NGX_HTTP_SG_REJECT_AUDIENCE     8
#define NGX_HTTP_SG_REJECT_TYPE         9
#define NGX_HTTP_SG_REJECT_CLAIMS       10
#define NGX_HTTP_SG_REJECT_REQUIREMENT  11
#define NGX_HTTP_SG_REJECT_SENDER       12   /* DPoP, mTLS binding */
#define NGX_HTTP_SG_REJECT_ERROR        13
#define NGX_HTTP_SG_REJECT_OTHER        14
#define NGX_HTTP_SG_REJECT_COUNT        15

/* output formats */
#define NGX_HTTP_SG_METRICS_JSON        1
#define NGX_HTTP_SG_METRICS_PROMETHEUS  2
#define NGX_HTTP_SG_METRICS_OPENMETRICS 3


typedef struct {
    ngx_str_t                    *name;
    ngx_http_sg_zone_stats_t      stats;
    ngx_http_sg_zone_counters_t   counters;
    size_t                        size;       /* bytes in slab pages */
    size_t                        free;
    ngx_uint_t                    queued;     /* security events to send */
} ngx_http_sg_metrics_zone_t;


/* a zone of failure throttling (session_guard_throttle_zone) */
typedef struct {
    ngx_str_t                    *name;
    ngx_uint_t                    blocks;     /* sources blocked so far */
    ngx_uint_t                    uncounted;  /* failures it had no room for */
} ngx_http_sg_metrics_throttle_t;


typedef struct {
    ngx_http_sg_metrics_zone_t      *zones;
    ngx_uint_t                       nzones;
    ngx_http_sg_metrics_throttle_t  *throttles;
    ngx_uint_t                       nthrottles;
    time_t                           now;
} ngx_http_sg_metrics_t;


/* ngx_http_sg_metrics.c: the content handler that the directive sets */
ngx_int_t ngx_http_sg_metrics_handler(ngx_http_request_t *r);

/*
 * ngx_http_sg_metrics_output.c: what the writers share, the label values
 * (indexed as the counters are) and the chain of a written buffer
 */
extern ngx_str_t  ngx_http_sg_reject_names[];
extern ngx_str_t  ngx_http_sg_decision_names[];
extern ngx_str_t  ngx_http_sg_event_results[];

/* the decision labels, made when the configuration is read */
void ngx_http_sg_metrics_labels(void);

ngx_chain_t *ngx_http_sg_metrics_chain(ngx_http_request_t *r, u_char *start,
    u_char *p, u_char *last);


/* the writers, called by the dispatcher only */
ngx_chain_t *ngx_http_sg_metrics_json(ngx_http_request_t *r,
    ngx_http_sg_metrics_t *m);
ngx_chain_t *ngx_http_sg_metrics_prom(ngx_http_request_t *r,
    ngx_http_sg_metrics_t *m, ngx_uint_t openmetrics);


#endif /* _NGX_HTTP_SG_METRICS_H_INCLUDED_ */
