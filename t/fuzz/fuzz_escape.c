
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The one escaper of client values: what it measures is what it writes
 * (into a pool block of exactly that size, so that AddressSanitizer sees
 * one byte more), at most NGX_SG_ESCAPE_MAX(size), no control byte, and
 * the result in quotes is a JSON string for a strict parser.
 */


#include "fuzz.h"
#include "ngx_sg_escape.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char        *out, *q;
    size_t         n;
    json_t        *j;
    ngx_str_t      in;
    ngx_pool_t    *pool;
    json_error_t   err;

    pool = sg_fuzz_pool();

    in = sg_fuzz_str(pool, data, size);

    n = ngx_sg_escape_json(NULL, in.data, in.len);

    if (n > NGX_SG_ESCAPE_MAX(in.len)) {
        abort();
    }

    out = ngx_pnalloc(pool, n + 2);
    if (out == NULL) {
        abort();
    }

    out[0] = '"';

    if (ngx_sg_escape_json(out + 1, in.data, in.len) != n) {
        abort();
    }

    out[n + 1] = '"';

    for (q = out; q < out + n + 2; q++) {
        if (*q < 0x20 || *q == 0x7f) {
            abort();
        }
    }

    j = json_loadb((char *) out, n + 2, JSON_DECODE_ANY|JSON_ALLOW_NUL,
                   &err);

    if (j == NULL || !json_is_string(j)) {
        fprintf(stderr, "not a JSON string: %s\n", err.text);
        abort();
    }

    json_decref(j);

    ngx_destroy_pool(pool);

    return 0;
}
