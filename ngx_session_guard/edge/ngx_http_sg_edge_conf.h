
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_EDGE_CONF_H_INCLUDED_
#define _NGX_HTTP_SG_EDGE_CONF_H_INCLUDED_


/*
 * The step-up levels, read by the edge's answers (edge/ folder only).
 */


/* the index of acr in session_guard_acr_levels, or NGX_DECLINED */
ngx_int_t ngx_http_sg_acr_level(ngx_array_t *levels, ngx_str_t *acr);


#endif /* _NGX_HTTP_SG_EDGE_CONF_H_INCLUDED_ */
