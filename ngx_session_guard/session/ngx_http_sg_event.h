
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_EVENT_H_INCLUDED_
#define _NGX_HTTP_SG_EVENT_H_INCLUDED_


/*
 * The event's names (session/ folder only).
 */


/* ngx_http_sg_event.c */
ngx_str_t *ngx_http_sg_revoke_reason_name(ngx_sg_record_t *rec);


#endif /* _NGX_HTTP_SG_EVENT_H_INCLUDED_ */
