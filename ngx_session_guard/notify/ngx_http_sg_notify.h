
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_NOTIFY_H_INCLUDED_
#define _NGX_HTTP_SG_NOTIFY_H_INCLUDED_


/*
 * Logout notifications to the applications behind the edge (the notify/
 * folder), for the parts that end sessions.  Included by ngx_http_sg.h.
 */


/* ngx_http_sg_notify_conf.c: one "session_guard_notify" */
typedef struct {
    ngx_str_t                   uri;        /* the notification location */
    ngx_sg_signer_t            *signer;
    ngx_str_t                   issuer;
    ngx_str_t                   audience;   /* empty: no "aud" */
    time_t                      ttl;
} ngx_http_sg_notify_t;


/*
 * ngx_http_sg_ssf_tx_conf.c: one "session_guard_ssf_transmitter" (server),
 * a Shared Signals stream to one receiver (OpenID SSF 1.0, CAEP events)
 */
#define NGX_HTTP_SG_SSF_TX_REVOKED     0x01  /* session-revoked */
#define NGX_HTTP_SG_SSF_TX_ASSURANCE   0x02  /* assurance-level-change */

typedef struct {
    ngx_str_t                   uri;        /* the location to the receiver */
    ngx_http_sg_zone_t         *zone;       /* whose sessions it reports */
    ngx_sg_signer_t            *signer;
    ngx_str_t                   issuer;
    ngx_str_t                   audience;
    ngx_str_t                   subject_issuer; /* empty: users as opaque */
    ngx_uint_t                  events;     /* NGX_HTTP_SG_SSF_TX_* */
    ngx_uint_t                  queue;      /* the zone's outbox, at most */
    ngx_uint_t                  retries;
    uint32_t                    stream;     /* outbox entries' tag */
    ngx_http_conf_ctx_t        *ctx;        /* the server's */
    ngx_uint_t                  inflight;   /* this worker's attempts */
} ngx_http_sg_ssf_tx_t;


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
ngx_uint_t ngx_http_sg_notify_plain(ngx_str_t *s);
ngx_int_t ngx_http_sg_notify_keyset(ngx_pool_t *pool,
    ngx_sg_signer_t **signers, ngx_uint_t n, ngx_str_t *text);
ngx_int_t ngx_http_sg_notify_static(ngx_http_request_t *r, ngx_str_t *text,
    ngx_str_t *type);
ngx_int_t ngx_http_sg_notify_signer(ngx_conf_t *cf, const char *who,
    ngx_str_t *name, ngx_sg_signer_t **signer);

/*
 * The SSF transmitter: directives in ngx_http_sg_ssf_tx_conf.c; the SETs
 * made, queued in the zone's outbox and sent in the background in
 * ngx_http_sg_ssf_tx.c.  ngx_http_sg_ssf_transmit() never fails the
 * request: what cannot be queued is logged and counted.
 */
char *ngx_http_sg_ssf_tx_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_ssf_tx_jwks(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_ssf_tx_metadata(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_sg_ssf_tx_merge_conf(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf);
void ngx_http_sg_ssf_transmit(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_uint_t event, ngx_str_t *sid, ngx_str_t *sub, ngx_uint_t source,
    ngx_str_t *reason);
ngx_int_t ngx_http_sg_ssf_tx_init_process(ngx_cycle_t *cycle);


#endif /* _NGX_HTTP_SG_NOTIFY_H_INCLUDED_ */
