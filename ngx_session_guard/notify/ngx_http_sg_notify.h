
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


#endif /* _NGX_HTTP_SG_NOTIFY_H_INCLUDED_ */
