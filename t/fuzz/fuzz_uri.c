
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * ngx_sg_uri_normalize() (the DPoP "htu" comparison and the origin
 * checks), both modes.  The limit NGX_SG_URI_MAX is on the input; the
 * output may grow up to threefold (percent-encoding), never more; a
 * normalised URI within the limit must normalise to itself, one over it
 * is refused as too long.  And the percent-decoder under it, both modes:
 * the same verdict and length in each, never longer than the input.
 */


#include "fuzz.h"
#include "ngx_sg_dpop.h"
#include "ngx_sg_percent.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t    rc, form;
    ngx_str_t    uri, out, again, copy;
    ngx_uint_t   flags;
    ngx_pool_t  *pool;
    const char  *reason;

    pool = sg_fuzz_pool();

    uri = sg_fuzz_str(pool, data, size);

    rc = ngx_sg_percent_decode(pool, &uri, 0, &out);
    form = ngx_sg_percent_decode(pool, &uri, NGX_SG_PERCENT_FORM, &again);
    sg_fuzz_rc(rc);

    if (rc != form
        || (rc == NGX_OK && (out.len > uri.len || again.len != out.len)))
    {
        abort();
    }

    for (flags = 0; flags <= NGX_SG_URI_ORIGIN; flags++) {
        reason = NULL;

        rc = ngx_sg_uri_normalize(pool, &uri, flags, &out, &reason);
        sg_fuzz_rc(rc);

        if (rc != NGX_OK) {
            if (rc == NGX_DECLINED && reason == NULL) {
                abort();
            }

            continue;
        }

        if (out.len > sizeof("https://:65535/") - 1 + 3 * uri.len) {
            abort();
        }

        /* the output as a chunk of its own, then once more */

        copy = sg_fuzz_str(pool, out.data, out.len);

        rc = ngx_sg_uri_normalize(pool, &copy, flags, &again, &reason);

        if (out.len > NGX_SG_URI_MAX) {
            if (rc != NGX_DECLINED || strcmp(reason, "uri too long") != 0) {
                abort();
            }

            continue;
        }

        if (rc != NGX_OK
            || again.len != out.len
            || memcmp(again.data, out.data, out.len) != 0)
        {
            fprintf(stderr, "not idempotent: \"%.*s\" -> \"%.*s\"\n",
                    (int) out.len, out.data, (int) again.len, again.data);
            abort();
        }
    }

    ngx_destroy_pool(pool);

    return 0;
}
