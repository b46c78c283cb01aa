
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The Set-Cookie rewriter: the first two input bytes are the rules
 * (session, expire, Secure, HttpOnly, SameSite, the lifetime cap), the
 * rest one Set-Cookie value through ngx_sg_cookie_parse(),
 * ngx_sg_cookie_rewrite() (twice: a rewritten value must be a fixed
 * point), ngx_sg_cookie_parse_date() and ngx_sg_cookie_delete().
 */


#include "fuzz.h"
#include "ngx_sg_cookie.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static time_t  sg_fuzz_caps[] = {
    -1, 0, 1, 3600, 86400 * 400, NGX_SG_COOKIE_MAX_AGE_MAX, 59, 7200
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    time_t                  t;
    u_char                  date[NGX_SG_COOKIE_DATE_LEN];
    ngx_int_t               rc;
    ngx_str_t               in, out, name, value, path, domain, del;
    ngx_pool_t             *pool;
    ngx_sg_cookie_rules_t   rules;

    if (size < 2) {
        return 0;
    }

    pool = sg_fuzz_pool();

    ngx_memzero(&rules, sizeof(ngx_sg_cookie_rules_t));

    rules.now = 1700000000 + (data[1] >> 3) * 1000003;
    rules.session = data[0] & 1;
    rules.expire = (data[0] >> 1) & 1;
    rules.secure = (data[0] >> 2) & 1;
    rules.httponly = (data[0] >> 3) & 1;
    rules.samesite = (data[0] >> 4) & 3;
    rules.cap = sg_fuzz_caps[data[1] & 7];

    in = sg_fuzz_str(pool, data + 2, size - 2);

    rc = ngx_sg_cookie_parse(&in, &name, &value);
    sg_fuzz_rc(rc);

    rc = ngx_sg_cookie_rewrite(pool, &in, &rules, &out);
    sg_fuzz_rc(rc);

    if (rc == NGX_OK && in.len > NGX_SG_COOKIE_MAX_LEN) {
        abort();
    }

    if (ngx_sg_cookie_parse_date(in.data, in.len, &t) == NGX_OK) {
        (void) ngx_sg_cookie_date(date, t < 0 ? 0 : t % 253402300800LL);
    }

    if (ngx_sg_cookie_parse(&in, &name, &value) == NGX_OK
        && ngx_sg_cookie_valid_name(&name) == NGX_OK)
    {
        ngx_str_set(&path, "/");
        ngx_str_null(&domain);

        sg_fuzz_rc(ngx_sg_cookie_delete(pool, &name, &path, &domain, &rules,
                                        &del));
    }

    ngx_destroy_pool(pool);

    return 0;
}
