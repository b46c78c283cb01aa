
/*
 * Copyright (C) ngx_session_guard authors
 */


/* browser redirects and the way back (ngx_sg_redirect.c) */


#include "sg_test.h"

#include "ngx_sg_redirect.h"


static char *
ret(const char *uri)
{
    ngx_str_t  in, path;

    in = sg_str(uri);
    ngx_sg_return_path(&in, &path);

    return sg_printf("%.*s", (int) path.len, path.data);
}


static char *
url(const char *base, ngx_sg_param_t *params, ngx_uint_t n)
{
    ngx_int_t  rc;
    ngx_str_t  b, out;

    b = sg_str(base);

    rc = ngx_sg_redirect_url(sg_pool, &b, params, n, &out);
    assert_int_equal(rc, NGX_OK);

    return sg_printf("%.*s", (int) out.len, out.data);
}


static void
test_return_path(void **state)
{
    assert_string_equal(ret("/account/settings?tab=2"),
                        "/account/settings?tab=2");
    assert_string_equal(ret("/"), "/");
    assert_string_equal(ret("/caf%C3%A9/\xc3\xa9"), "/caf%C3%A9/\xc3\xa9");

    /* another host, however spelt: this host's path, or "/" */
    assert_string_equal(ret("//evil.example/x"), "/evil.example/x");
    assert_string_equal(ret("///evil.example"), "/evil.example");
    assert_string_equal(ret("/\\evil.example"), "/");
    assert_string_equal(ret("/\\/evil.example"), "/evil.example");
    assert_string_equal(ret("\\\\evil.example"), "/");
    assert_string_equal(ret("/%2fevil.example"), "/");
    assert_string_equal(ret("/%2Fevil.example"), "/");
    assert_string_equal(ret("/%5cevil.example"), "/");
    assert_string_equal(ret("/%5Cevil.example"), "/");
    assert_string_equal(ret("/a/%2f%2fb"), "/a/%2f%2fb");
    assert_string_equal(ret("https://evil.example/"), "/");
    assert_string_equal(ret("evil.example"), "/");
    assert_string_equal(ret(""), "/");

    /* characters browsers drop or that end a header */
    assert_string_equal(ret("/\t/evil.example"), "/");
    assert_string_equal(ret("/a\r\nSet-Cookie: x=1"), "/");
    assert_string_equal(ret("/a b"), "/");
    assert_string_equal(ret("/a\x7f"), "/");
}


static void
test_return_limits(void **state)
{
    char  *uri, *path;

    /* too long: the query goes, then everything */
    uri = sg_printf("/p?%0*d", NGX_SG_RETURN_MAX, 0);
    assert_string_equal(ret(uri), "/p");

    path = sg_printf("/%0*d", NGX_SG_RETURN_MAX - 1, 0);
    assert_string_equal(ret(path), path);

    path = sg_printf("/%0*d", NGX_SG_RETURN_MAX, 0);
    assert_string_equal(ret(path), "/");
    assert_string_equal(ret(sg_printf("%s?q", path)), "/");
}


static void
test_base(void **state)
{
    ngx_str_t  s;

#define OK(str)                                                              \
    s = sg_str(str);                                                         \
    assert_int_equal(ngx_sg_redirect_base(&s), NGX_OK)

#define BAD(str)                                                             \
    s = sg_str(str);                                                         \
    assert_int_equal(ngx_sg_redirect_base(&s), NGX_DECLINED)

    OK("/login");
    OK("/");
    OK("https://idp.example/authorize?client_id=app");
    OK("HTTP://idp.example:8443/a");

    BAD("");
    BAD("//idp.example/login");
    BAD("/\\idp.example/login");
    BAD("login");
    BAD("javascript:alert(1)");
    BAD("https://");
    BAD("https:///path");
    BAD("https://?x");
    BAD("ftp://idp.example/");
    BAD("/login#frag");
    BAD("/login\r\nX: y");
    BAD("/log in");
    BAD("/caf\xc3\xa9");
}


static void
test_url(void **state)
{
    ngx_sg_param_t  p[4];

    p[0].name = sg_str("acr_values");
    p[0].value = sg_str("urn:mfa phr");
    p[1].name = sg_str("max_age");
    p[1].value = sg_str("300");
    p[2].name = sg_str("prompt");
    p[2].value = sg_str("login");
    p[3].name = sg_str("return_to");
    p[3].value = sg_str("/a b/c?d=1&e=%20");

    assert_string_equal(url("https://idp.example/authorize", p, 4),
                        "https://idp.example/authorize"
                        "?acr_values=urn%3Amfa%20phr&max_age=300"
                        "&prompt=login"
                        "&return_to=%2Fa%20b%2Fc%3Fd%3D1%26e%3D%2520");

    /* a base with its own query */
    assert_string_equal(url("/login?client=app", &p[3], 1),
                        "/login?client=app&return_to="
                        "%2Fa%20b%2Fc%3Fd%3D1%26e%3D%2520");
    assert_string_equal(url("/login?", &p[1], 1), "/login?max_age=300");
    assert_string_equal(url("/login?a=1&", &p[1], 1),
                        "/login?a=1&max_age=300");

    /* nothing to add */
    assert_string_equal(url("/login", p, 0), "/login");

    /* unreserved characters stay, every other byte is encoded */
    p[0].value = sg_str("aZ09-._~!*'();:@&=+$,/?#[]\"<>\\^`{|}% \x01\xff");
    assert_string_equal(url("/l", p, 1),
                        "/l?acr_values=aZ09-._~%21%2A%27%28%29%3B%3A%40%26"
                        "%3D%2B%24%2C%2F%3F%23%5B%5D%22%3C%3E%5C%5E%60%7B"
                        "%7C%7D%25%20%01%FF");
}


static void
test_url_refused(void **state)
{
    ngx_int_t       rc;
    ngx_str_t       base, out;
    ngx_sg_param_t  p;

    p.name = sg_str("return_to");
    p.value = sg_str("/");

    base = sg_str("//evil.example/");
    rc = ngx_sg_redirect_url(sg_pool, &base, &p, 1, &out);
    assert_int_equal(rc, NGX_DECLINED);

    base = sg_str("/login");
    ngx_stub_fail_after = 1;
    rc = ngx_sg_redirect_url(sg_pool, &base, &p, 1, &out);
    ngx_stub_fail_after = 0;
    assert_int_equal(rc, NGX_ERROR);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_return_path, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_return_limits, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_base, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_url, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_url_refused, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("redirect", tests, NULL, NULL);
}
