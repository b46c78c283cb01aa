
/*
 * Copyright (C) ngx_session_guard authors
 */


/* The names of the record's enumerations (ngx_sg_record.h). */


#include "ngx_sg_record.h"


ngx_str_t  ngx_sg_revoked_names[] = {
    ngx_null_string,
    ngx_string("policy"),
    ngx_string("api"),
    ngx_string("logout"),
    ngx_string("limit"),
    ngx_string("ssf")
};

typedef char  ngx_sg_revoked_names_check[
    sizeof(ngx_sg_revoked_names) / sizeof(ngx_str_t)
    == NGX_SG_REVOKED_COUNT ? 1 : -1];
