
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The Set-Cookie rewriter: the first two input bytes are the rules
 * (session, expire, Secure, HttpOnly, SameSite, the lifetime cap), the
 * rest one Set-Cookie value through ngx_sg_cookie_parse(),
 * ngx_sg_cookie_rewrite() (twice: a rewritten value must be a fixed
 * point), ngx_sg_cookie_parse_date() and ngx_sg_cookie_delete().
 *
 * The same bytes are also a Cookie request header searched with
 * ngx_sg_cookie_next() for a name chosen by the first byte: positions
 * only move forward, values lie inside the header, and every pair that
 * nginx's $cookie_NAME or a reader splitting on ';' would take is among
 * those found (the duplicate-cookie check relies on it).
 */


#include "fuzz.h"
#include "ngx_sg_cookie.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sg_fuzz_cookie_find(ngx_str_t *header, ngx_str_t *name);
static ngx_uint_t sg_fuzz_nginx_finds(ngx_str_t *header, ngx_str_t *name);
static ngx_uint_t sg_fuzz_split_count(ngx_str_t *header, ngx_str_t *name);


static time_t  sg_fuzz_caps[] = {
    -1, 0, 1, 3600, 86400 * 400, NGX_SG_COOKIE_MAX_AGE_MAX, 59, 7200
};

static ngx_str_t  sg_fuzz_names[] = {
    ngx_string("SID"), ngx_string("PHPSESSID"), ngx_string("at"),
    ngx_string("a_b"), ngx_string("a"), ngx_string("Max-Age"),
    ngx_string("%"), ngx_string("x y")
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

    sg_fuzz_cookie_find(&in, &sg_fuzz_names[data[0] >> 5]);

    ngx_destroy_pool(pool);

    return 0;
}


static void
sg_fuzz_cookie_find(ngx_str_t *header, ngx_str_t *name)
{
    size_t      pos, prev;
    ngx_str_t   value;
    ngx_uint_t  n;

    n = 0;
    pos = 0;

    for ( ;; ) {
        prev = pos;

        if (ngx_sg_cookie_next(header, name, &pos, &value) != NGX_OK) {
            break;
        }

        if (pos <= prev || pos > header->len
            || value.data < header->data
            || value.data + value.len > header->data + pos)
        {
            abort();
        }

        n++;
    }

    if (pos != header->len) {
        abort();
    }

    if (sg_fuzz_nginx_finds(header, name) && n == 0) {
        abort();
    }

    if (sg_fuzz_split_count(header, name) > n) {
        abort();
    }
}


/*
 * An independent model of how nginx 1.22 finds $cookie_NAME in one
 * header (ngx_http_parse_multi_header_lines): the name without case at
 * the start of the value or after a ';' or ',' and spaces, then spaces
 * and '='.
 */

static ngx_uint_t
sg_fuzz_nginx_finds(ngx_str_t *header, ngx_str_t *name)
{
    u_char  *p, *end, c;

    p = header->data;
    end = p + header->len;

    while (p < end) {
        if ((size_t) (end - p) >= name->len
            && ngx_strncasecmp(p, name->data, name->len) == 0)
        {
            p += name->len;

            while (p < end && *p == ' ') {
                p++;
            }

            if (p < end && *p == '=') {
                return 1;
            }
        }

        while (p < end) {
            c = *p++;

            if (c == ';' || c == ',') {
                break;
            }
        }

        while (p < end && *p == ' ') {
            p++;
        }
    }

    return 0;
}


/* a typical application reader: pairs split on ';', names trimmed */

static ngx_uint_t
sg_fuzz_split_count(ngx_str_t *header, ngx_str_t *name)
{
    u_char      *p, *end, *start, *eq, *last;
    ngx_uint_t   n;

    p = header->data;
    end = p + header->len;
    n = 0;

    while (p < end) {
        start = p;

        while (p < end && *p != ';') {
            p++;
        }

        eq = ngx_strlchr(start, p, '=');
        last = eq ? eq : p;

        while (start < last && (*start == ' ' || *start == '\t')) {
            start++;
        }

        while (last > start && (last[-1] == ' ' || last[-1] == '\t')) {
            last--;
        }

        if (eq && (size_t) (last - start) == name->len
            && ngx_strncasecmp(start, name->data, name->len) == 0)
        {
            n++;
        }

        if (p < end) {
            p++;
        }
    }

    return n;
}
