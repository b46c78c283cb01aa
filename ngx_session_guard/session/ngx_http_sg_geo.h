
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_GEO_H_INCLUDED_
#define _NGX_HTTP_SG_GEO_H_INCLUDED_


/*
 * The GeoIP databases, opened by "session_guard_geoip"
 * (ngx_http_sg_geo_conf.c) and read by the lookup (ngx_http_sg_geo.c).
 */


#include "ngx_http_sg.h"

#include <maxminddb.h>


typedef struct {
    ngx_str_t                   name;       /* full path of the file */
    MMDB_s                      mmdb;
    ngx_uint_t                  open;       /* 1: mmdb must be closed */
} ngx_http_sg_geo_db_t;


struct ngx_http_sg_geoip_s {
    ngx_http_sg_geo_db_t        asn;        /* name.len == 0: none */
    ngx_http_sg_geo_db_t        city;
    ngx_http_sg_geo_db_t        anonymous;  /* Anonymous IP, or Plus */
    ngx_http_sg_geo_db_t        proxy;      /* Residential Proxy */
};


/* ngx_http_sg_geo.c */
ngx_int_t ngx_http_sg_geo_lookup(ngx_http_request_t *r,
    ngx_http_sg_geo_t *out);
ngx_http_sg_geo_t *ngx_http_sg_request_geo(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SG_GEO_H_INCLUDED_ */
