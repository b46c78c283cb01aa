
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_CLAIMS_H_INCLUDED_
#define _NGX_HTTP_SG_CLAIMS_H_INCLUDED_


/*
 * The claim variables' private parts, shared by ngx_http_sg_claims.c (the
 * values, at request time) and ngx_http_sg_token_conf.c (the
 * session_guard_claim_set directive that defines a variable).
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_PATH_MAX       8    /* members in a claim's path */


typedef struct {
    ngx_str_t                  *path;
    ngx_uint_t                  n;
} ngx_http_sg_claim_path_t;


ngx_int_t ngx_http_sg_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


#endif /* _NGX_HTTP_SG_CLAIMS_H_INCLUDED_ */
