
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_TEXT_H_INCLUDED_
#define _NGX_SG_TEXT_H_INCLUDED_


/*
 * Text that leaves the module through an nginx variable.  A variable may
 * be written into a request header ("proxy_set_header X-User
 * $session_guard_claim_name"), a response header, a log line: a value
 * made of token or client data must never carry a control character, or
 * a CR LF in a claim becomes a header line of its own upstream.
 *
 * Every byte 0x00-0x1f and 0x7f is written as "%XX" (upper-case hex);
 * every other byte, '%' included, is kept, so that a value without
 * control characters, every valid one, passes byte for byte.  The escape
 * is therefore not reversible ("a\n" and "a%0A" read the same): a value
 * with control characters is no valid header value anyway, and whoever
 * needs its exact bytes reads them from the token.
 *
 * Return contract: NGX_OK, out->data == in->data when nothing needed
 * escaping (no copy), else out is in the pool; NGX_ERROR no memory.
 * Linear in the input; the output is at most 3 times as long.
 */


#include <ngx_config.h>
#include <ngx_core.h>


ngx_int_t ngx_sg_text_escape(ngx_pool_t *pool, ngx_str_t *in,
    ngx_str_t *out);


#endif /* _NGX_SG_TEXT_H_INCLUDED_ */
