
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Sealed values (session_guard_oidc's cookies), as a browser may send
 * them back: any bytes opened as a sealed value never open (they are not
 * this key's) and never crash the base64url and AES-GCM paths; any bytes
 * sealed open again to the same bytes, under that purpose only, and a
 * one-byte change of the sealed value anywhere but its last character
 * never opens.
 */


#include "fuzz.h"
#include "ngx_sg_seal.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static u_char  key[NGX_SG_SEAL_KEY_LEN] = "fuzz-key-fuzz-key-fuzz-key-fuzz";


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t        i;
    ngx_int_t     rc;
    ngx_str_t     in, sealed, opened, bad;
    ngx_pool_t   *pool;

    static ngx_str_t  purpose = ngx_string("session_guard oidc session");
    static ngx_str_t  other = ngx_string("session_guard oidc state");

    pool = sg_fuzz_pool();

    in = sg_fuzz_str(pool, data, size);

    /* as a browser's cookie: it is not ours */

    rc = ngx_sg_seal_open(pool, key, &purpose, &in, &opened);

    if (rc == NGX_OK) {
        abort();
    }

    /* as a plaintext: sealed, it opens to itself, for its purpose only */

    rc = ngx_sg_seal(pool, key, &purpose, &in, &sealed);

    if (rc == NGX_DECLINED) {
        if (ngx_sg_seal_len(in.len) <= NGX_SG_SEAL_MAX) {
            abort();
        }

        goto done;
    }

    if (rc != NGX_OK || sealed.len != ngx_sg_seal_len(in.len)) {
        abort();
    }

    if (ngx_sg_seal_open(pool, key, &purpose, &sealed, &opened) != NGX_OK
        || opened.len != in.len
        || ngx_memcmp(opened.data, in.data, in.len) != 0)
    {
        abort();
    }

    if (ngx_sg_seal_open(pool, key, &other, &sealed, &opened)
        != NGX_DECLINED)
    {
        abort();
    }

    if (sealed.len > 1) {
        i = (in.len ? in.data[0] : 0) % (sealed.len - 1);

        bad.data = ngx_pnalloc(pool, sealed.len);
        if (bad.data == NULL) {
            abort();
        }

        ngx_memcpy(bad.data, sealed.data, sealed.len);
        bad.len = sealed.len;
        bad.data[i] = (bad.data[i] == 'A') ? 'B' : 'A';

        if (ngx_sg_seal_open(pool, key, &purpose, &bad, &opened)
            != NGX_DECLINED)
        {
            abort();
        }
    }

done:

    ngx_destroy_pool(pool);

    return 0;
}
