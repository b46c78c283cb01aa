
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JA4: a whole ClientHello handshake message through
 * ngx_sg_ja4_parse_client_hello(), then the four fingerprints
 * (ngx_sg_ja4(), ngx_sg_ja4_raw(), original order or not); and the same
 * bytes through each of the client-hello-callback field parsers.
 */


#include "fuzz.h"
#include "ngx_sg_ja4.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void sg_fuzz_ja4(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h);


static void
sg_fuzz_ja4(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h)
{
    u_char      out[NGX_SG_JA4_LEN + 1];
    ngx_str_t   raw;
    ngx_uint_t  flags;

    for (flags = 0; flags <= NGX_SG_JA4_ORIGINAL; flags++) {
        out[NGX_SG_JA4_LEN] = 0xa5;

        sg_fuzz_rc(ngx_sg_ja4(h, flags, out));

        if (out[NGX_SG_JA4_LEN] != 0xa5) {
            abort();
        }

        sg_fuzz_rc(ngx_sg_ja4_raw(pool, h, flags, &raw));
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 *types;
    size_t               i, n;
    ngx_str_t            in;
    ngx_pool_t          *pool;
    ngx_sg_ja4_hello_t   h;

    pool = sg_fuzz_pool();

    in = sg_fuzz_str(pool, data, size);

    ngx_memzero(&h, sizeof(ngx_sg_ja4_hello_t));
    h.quic = size & 1;

    if (ngx_sg_ja4_parse_client_hello(pool, &h, in.data, in.len) == NGX_OK) {
        sg_fuzz_ja4(pool, &h);
    }

    /* the client-hello callback's way: one field per parser */

    ngx_memzero(&h, sizeof(ngx_sg_ja4_hello_t));

    sg_fuzz_rc(ngx_sg_ja4_parse_ciphers(pool, &h, in.data, in.len));
    sg_fuzz_rc(ngx_sg_ja4_parse_supported_versions(pool, &h, in.data,
                                                   in.len));
    sg_fuzz_rc(ngx_sg_ja4_parse_sigalgs(pool, &h, in.data, in.len));
    sg_fuzz_rc(ngx_sg_ja4_parse_alpn(pool, &h, in.data, in.len));

    /* extension types as ints, some of them out of range */

    n = size / 2;
    types = ngx_palloc(pool, (n ? n : 1) * sizeof(int));
    if (types == NULL) {
        abort();
    }

    for (i = 0; i < n; i++) {
        types[i] = (data[2 * i] == 0xff) ? -1 - data[2 * i + 1]
                   : (data[2 * i] << 8 | data[2 * i + 1]);
    }

    sg_fuzz_rc(ngx_sg_ja4_parse_extension_types(pool, &h, types, n));

    sg_fuzz_ja4(pool, &h);

    ngx_destroy_pool(pool);

    return 0;
}
