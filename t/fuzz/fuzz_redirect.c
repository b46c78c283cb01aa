
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The way back after a login: ngx_sg_return_path() must give a relative
 * reference of this host whatever the request URI (never "//" or "/\",
 * no control characters), and ngx_sg_redirect_base() and
 * ngx_sg_redirect_url() take the input as a configured base.
 */


#include "fuzz.h"
#include "ngx_sg_redirect.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t           i;
    ngx_str_t        in, path, base, out;
    ngx_pool_t      *pool;
    ngx_sg_param_t   params[2];

    pool = sg_fuzz_pool();

    in = sg_fuzz_str(pool, data, size);

    ngx_sg_return_path(&in, &path);

    if (path.len == 0 || path.data[0] != '/'
        || (path.len > 1 && (path.data[1] == '/' || path.data[1] == '\\'))
        || path.len > NGX_SG_RETURN_MAX)
    {
        fprintf(stderr, "unsafe return path \"%.*s\"\n",
                (int) path.len, path.data);
        abort();
    }

    for (i = 0; i < path.len; i++) {
        if (path.data[i] < 0x20 || path.data[i] == 0x7f) {
            abort();
        }
    }

    ngx_str_set(&params[0].name, "return_to");
    params[0].value = path;
    ngx_str_set(&params[1].name, "state");
    params[1].value = in;

    ngx_str_set(&base, "https://login.example.com/authorize?client_id=x");
    sg_fuzz_rc(ngx_sg_redirect_url(pool, &base, params, 2, &out));

    if (ngx_sg_redirect_base(&in) == NGX_OK) {
        sg_fuzz_rc(ngx_sg_redirect_url(pool, &in, params, 2, &out));
    }

    ngx_destroy_pool(pool);

    return 0;
}
