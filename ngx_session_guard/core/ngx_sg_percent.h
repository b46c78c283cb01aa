
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_PERCENT_H_INCLUDED_
#define _NGX_SG_PERCENT_H_INCLUDED_


/*
 * Percent-decoding (RFC 3986 2.1), the one decoder of the module: the
 * API's path segments and form bodies, the back-channel logout body, the
 * DPoP "htu" normalisation, cookie names.
 *
 * Strict: "%" must be followed by two hex digits (either case); anything
 * else is refused, never passed through.  With NGX_SG_PERCENT_FORM, "+"
 * is a space (application/x-www-form-urlencoded).  The output is never
 * longer than the input.
 *
 * Return contract: NGX_OK decoded, NGX_DECLINED a bad escape, NGX_ERROR
 * no memory.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_PERCENT_FORM  0x01


/*
 * The byte that the escape at p ("%XX", p < last) encodes, or -1 when
 * p is not followed by two hex digits before last
 */
ngx_int_t ngx_sg_percent_byte(u_char *p, u_char *last);

/* src decoded into dst, allocated from pool */
ngx_int_t ngx_sg_percent_decode(ngx_pool_t *pool, ngx_str_t *src,
    ngx_uint_t flags, ngx_str_t *dst);


#endif /* _NGX_SG_PERCENT_H_INCLUDED_ */
