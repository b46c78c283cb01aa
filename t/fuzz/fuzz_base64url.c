
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * ngx_sg_base64url_decode(): the destination is exactly
 * ngx_base64_decoded_length() bytes, as the core's callers size it, and
 * strict decoding must round-trip: what it accepts encodes back to the
 * same text.
 */


#include "fuzz.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t    rc;
    ngx_str_t    src, dst, pdst, enc;
    ngx_pool_t  *pool;

    pool = sg_fuzz_pool();

    src = sg_fuzz_str(pool, data, size);

    dst.data = ngx_pnalloc(pool, ngx_base64_decoded_length(size));
    if (dst.data == NULL) {
        abort();
    }

    rc = ngx_sg_base64url_decode(&dst, &src);
    sg_fuzz_rc(rc);

    if (ngx_sg_base64url_decode_pool(pool, &pdst, &src) != rc) {
        abort();
    }

    if (rc == NGX_OK) {
        if (dst.len > ngx_base64_decoded_length(size)
            || pdst.len != dst.len
            || (dst.len && memcmp(dst.data, pdst.data, dst.len) != 0))
        {
            abort();
        }

        enc.data = ngx_pnalloc(pool, ngx_base64_encoded_length(dst.len));
        if (enc.data == NULL) {
            abort();
        }

        ngx_encode_base64url(&enc, &dst);

        if (enc.len != size || (size && memcmp(enc.data, data, size) != 0)) {
            abort();
        }
    }

    ngx_destroy_pool(pool);

    return 0;
}
