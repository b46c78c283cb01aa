
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The fixed key set of the JWS targets: t/fuzz/keys.jwks, the public keys
 * of the RFC 7515, 7517, 7520 and 8037 vectors in t/data (so that the
 * seed tokens verify and mutations of them reach every verifier).
 */


#ifndef _SG_FUZZ_KEYS_H_INCLUDED_
#define _SG_FUZZ_KEYS_H_INCLUDED_


#include "fuzz.h"


static ngx_pool_t   *sg_fuzz_key_pool;
static ngx_array_t  *sg_fuzz_keys;


static ngx_inline void
sg_fuzz_load_keys(void)
{
    FILE        *f;
    long         n;
    u_char      *buf;
    const char  *reason;

    f = fopen(SG_FUZZ_DIR "/keys.jwks", "r");
    if (f == NULL) {
        perror(SG_FUZZ_DIR "/keys.jwks");
        abort();
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);

    buf = malloc(n);
    if (buf == NULL || fread(buf, 1, n, f) != (size_t) n) {
        abort();
    }

    fclose(f);

    sg_fuzz_key_pool = sg_fuzz_pool();

    sg_fuzz_keys = ngx_array_create(sg_fuzz_key_pool, 16,
                                    sizeof(ngx_sg_key_t));
    if (sg_fuzz_keys == NULL) {
        abort();
    }

    reason = NULL;

    if (ngx_sg_jwks_import(sg_fuzz_key_pool, &sg_fuzz_log, buf, n,
                           sg_fuzz_keys, &reason)
        != NGX_OK)
    {
        fprintf(stderr, "keys.jwks: %s\n", reason ? reason : "error");
        abort();
    }

    free(buf);
}


#endif /* _SG_FUZZ_KEYS_H_INCLUDED_ */
