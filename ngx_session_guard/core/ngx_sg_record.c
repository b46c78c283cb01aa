
/*
 * Copyright (C) ngx_session_guard authors
 */


/* The names of the record's enumerations, and of assurance levels. */


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


/*
 * FNV-1a, 32 bits: a name, not a defence.  The levels compared are the
 * configuration's (checked for clashes) and those of a transmitter that
 * signed its events.
 */

uint32_t
ngx_sg_level_hash(u_char *data, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u;

    for (i = 0; i < len; i++) {
        h ^= data[i];
        h *= 16777619u;
    }

    return h ? h : 1;
}


/* the bytes are fixed: the state file's details section holds them */
typedef char  ngx_sg_details_size_check[
    sizeof(ngx_sg_details_t) == 484 ? 1 : -1];


ngx_int_t
ngx_sg_details_check(ngx_sg_details_t *d)
{
    ngx_uint_t  i;

    if (d->ua_initial_len > NGX_SG_DETAIL_UA
        || d->ua_last_len > NGX_SG_DETAIL_UA
        || d->client_len > NGX_SG_DETAIL_CLIENT
        || d->city_len > NGX_SG_DETAIL_CITY)
    {
        return NGX_DECLINED;
    }

    for (i = 0; i < NGX_SG_DETAIL_HISTORY; i++) {
        if (d->history[i].family > 6) {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}
