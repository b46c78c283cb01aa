
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_SIPHASH_H_INCLUDED_
#define _NGX_SG_SIPHASH_H_INCLUDED_


/*
 * SipHash-2-4 (Aumasson and Bernstein), a keyed hash for hash tables
 * whose keys come from clients: without the 128-bit key, nobody can make
 * keys that share a bucket, so a chained table's chains stay short
 * whatever the keys.  The key must be secret and random (RAND_bytes()).
 *
 * Returns the 64-bit hash; no failure, no allocation, any length.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_SIPHASH_KEY_LEN  16


uint64_t ngx_sg_siphash(const u_char key[NGX_SG_SIPHASH_KEY_LEN],
    const u_char *data, size_t len);


#endif /* _NGX_SG_SIPHASH_H_INCLUDED_ */
