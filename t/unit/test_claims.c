
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"


#define NOW  1700000000


static ngx_sg_claims_rules_t  rules;
static ngx_sg_jws_t           jws;


static int
setup(void **state)
{
    if (sg_setup(state) != 0) {
        return -1;
    }

    ngx_memzero(&rules, sizeof(rules));
    ngx_memzero(&jws, sizeof(jws));

    rules.now = NOW;
    rules.leeway = 0;

    return 0;
}


static void
payload(const char *fmt, ...)
{
    char        *text;
    int          n;
    va_list      args;
    const char  *reason;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    text = ngx_palloc(sg_pool, n + 1);
    assert_non_null(text);

    va_start(args, fmt);
    vsnprintf(text, n + 1, fmt, args);
    va_end(args);

    reason = "";
    assert_int_equal(ngx_sg_json_parse_object(sg_pool, (u_char *) text, n,
                                              NGX_SG_JSON_MAX_DEPTH,
                                              &jws.payload, &reason),
                     NGX_OK);
}


static void
expect(ngx_int_t rc, const char *why)
{
    const char  *reason;

    reason = "";

    if (ngx_sg_claims_check(&jws, &rules, &reason) != rc) {
        fail_msg("expected %d \"%s\", got \"%s\"", (int) rc, why, reason);
    }

    if (rc == NGX_DECLINED) {
        assert_string_equal(reason, why);
    }
}


static void
test_exp(void **state)
{
    payload("{\"exp\":%d}", NOW + 1);
    expect(NGX_OK, "");

    payload("{\"exp\":%d}", NOW);
    expect(NGX_DECLINED, "expired");

    payload("{\"exp\":%d}", NOW - 1);
    expect(NGX_DECLINED, "expired");

    payload("{\"exp\":%d.5}", NOW);
    expect(NGX_DECLINED, "expired");

    payload("{\"exp\":%d.5}", NOW + 1);
    expect(NGX_OK, "");

    payload("{\"exp\":253402300799}");
    expect(NGX_OK, "");

    payload("{}");
    expect(NGX_DECLINED, "missing exp");

    payload("{\"exp\":null}");
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":\"%d\"}", NOW + 100);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":[%d]}", NOW + 100);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":true}");
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":-1}");
    expect(NGX_DECLINED, "malformed claim");

    /* far future: would overflow exp + leeway if it were accepted */

    payload("{\"exp\":9223372036854775807}");
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":1e300}");
    expect(NGX_DECLINED, "malformed claim");

    jws.payload = NULL;
    expect(NGX_DECLINED, "bad payload json");
}


static void
test_leeway(void **state)
{
    rules.leeway = 30;

    payload("{\"exp\":%d}", NOW - 29);
    expect(NGX_OK, "");

    payload("{\"exp\":%d}", NOW - 30);
    expect(NGX_DECLINED, "expired");

    payload("{\"exp\":%d,\"nbf\":%d}", NOW + 100, NOW + 30);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"nbf\":%d}", NOW + 100, NOW + 31);
    expect(NGX_DECLINED, "not yet valid");

    payload("{\"exp\":%d,\"iat\":%d}", NOW + 100, NOW + 30);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"iat\":%d}", NOW + 100, NOW + 31);
    expect(NGX_DECLINED, "issued in the future");

    payload("{\"exp\":%d,\"auth_time\":%d}", NOW + 100, NOW + 30);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"auth_time\":%d}", NOW + 100, NOW + 31);
    expect(NGX_DECLINED, "authenticated in the future");

    /* rules out of range are a caller's bug, never "valid" */

    rules.leeway = -1;
    expect(NGX_ERROR, "");

    rules.leeway = NGX_SG_TIME_MAX + 1;
    expect(NGX_ERROR, "");

    rules.leeway = 0;
    rules.now = -5;
    expect(NGX_ERROR, "");
}


static void
test_nbf_iat(void **state)
{
    payload("{\"exp\":%d,\"nbf\":%d,\"iat\":%d}", NOW + 100, NOW, NOW);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"nbf\":%d}", NOW + 100, NOW + 1);
    expect(NGX_DECLINED, "not yet valid");

    payload("{\"exp\":%d,\"iat\":%d}", NOW + 100, NOW + 1);
    expect(NGX_DECLINED, "issued in the future");

    payload("{\"exp\":%d,\"auth_time\":%d}", NOW + 100, NOW);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"auth_time\":%d}", NOW + 100, NOW + 1);
    expect(NGX_DECLINED, "authenticated in the future");

    payload("{\"exp\":%d,\"auth_time\":%d}", NOW + 100, NOW + 100000000);
    expect(NGX_DECLINED, "authenticated in the future");

    payload("{\"exp\":%d,\"auth_time\":\"%d\"}", NOW + 100, NOW);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":%d,\"nbf\":\"0\"}", NOW + 100);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":%d,\"iat\":null}", NOW + 100);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":%d,\"iat\":{}}", NOW + 100);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":%d,\"nbf\":1e300}", NOW + 100);
    expect(NGX_DECLINED, "malformed claim");
}


static void
test_iss(void **state)
{
    rules.issuer = sg_str("https://idp.example/");

    payload("{\"exp\":%d,\"iss\":\"https://idp.example/\"}", NOW + 10);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"iss\":\"https://idp.example\"}", NOW + 10);
    expect(NGX_DECLINED, "issuer mismatch");

    payload("{\"exp\":%d,\"iss\":\"https://idp.example/x\"}", NOW + 10);
    expect(NGX_DECLINED, "issuer mismatch");

    payload("{\"exp\":%d,\"iss\":\"https://IDP.example/\"}", NOW + 10);
    expect(NGX_DECLINED, "issuer mismatch");

    payload("{\"exp\":%d}", NOW + 10);
    expect(NGX_DECLINED, "issuer mismatch");

    payload("{\"exp\":%d,\"iss\":[\"https://idp.example/\"]}", NOW + 10);
    expect(NGX_DECLINED, "issuer mismatch");

    /* not configured: not checked */
    rules.issuer.len = 0;
    payload("{\"exp\":%d,\"iss\":7}", NOW + 10);
    expect(NGX_OK, "");
}


static void
test_aud(void **state)
{
    ngx_str_t  *a;

    rules.audiences = ngx_array_create(sg_pool, 2, sizeof(ngx_str_t));
    assert_non_null(rules.audiences);

    a = ngx_array_push(rules.audiences);
    assert_non_null(a);
    *a = sg_str("https://api.example");

    a = ngx_array_push(rules.audiences);
    assert_non_null(a);
    *a = sg_str("api2");

    payload("{\"exp\":%d,\"aud\":\"https://api.example\"}", NOW + 10);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"aud\":\"api2\"}", NOW + 10);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"aud\":[\"other\",\"api2\"]}", NOW + 10);
    expect(NGX_OK, "");

    payload("{\"exp\":%d,\"aud\":\"https://api.example/\"}", NOW + 10);
    expect(NGX_DECLINED, "audience mismatch");

    payload("{\"exp\":%d,\"aud\":\"api\"}", NOW + 10);
    expect(NGX_DECLINED, "audience mismatch");

    payload("{\"exp\":%d,\"aud\":[\"other\",\"API2\"]}", NOW + 10);
    expect(NGX_DECLINED, "audience mismatch");

    payload("{\"exp\":%d,\"aud\":[]}", NOW + 10);
    expect(NGX_DECLINED, "audience mismatch");

    payload("{\"exp\":%d}", NOW + 10);
    expect(NGX_DECLINED, "audience mismatch");

    payload("{\"exp\":%d,\"aud\":[\"api2\",7]}", NOW + 10);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":%d,\"aud\":{\"api2\":1}}", NOW + 10);
    expect(NGX_DECLINED, "malformed claim");

    payload("{\"exp\":%d,\"aud\":null}", NOW + 10);
    expect(NGX_DECLINED, "malformed claim");

    /* an empty list of audiences is not checked */
    rules.audiences->nelts = 0;
    payload("{\"exp\":%d,\"aud\":\"x\"}", NOW + 10);
    expect(NGX_OK, "");
}


static void
test_typ(void **state)
{
    payload("{\"exp\":%d}", NOW + 10);

    rules.typ = sg_str("at+jwt");

    jws.typ = sg_str("at+jwt");
    expect(NGX_OK, "");

    jws.typ = sg_str("AT+JWT");
    expect(NGX_OK, "");

    jws.typ = sg_str("application/at+jwt");
    expect(NGX_OK, "");

    jws.typ = sg_str("Application/At+Jwt");
    expect(NGX_OK, "");

    jws.typ = sg_str("JWT");
    expect(NGX_DECLINED, "typ mismatch");

    jws.typ = sg_str("at+jwt2");
    expect(NGX_DECLINED, "typ mismatch");

    jws.typ = sg_str("application/");
    expect(NGX_DECLINED, "typ mismatch");

    jws.typ = sg_str("text/at+jwt");
    expect(NGX_DECLINED, "typ mismatch");

    jws.typ.len = 0;
    jws.typ.data = NULL;
    expect(NGX_DECLINED, "typ mismatch");

    /* the rule may carry the prefix too */

    rules.typ = sg_str("application/jwt");

    jws.typ = sg_str("JWT");
    expect(NGX_OK, "");

    jws.typ = sg_str("at+jwt");
    expect(NGX_DECLINED, "typ mismatch");

    /* not configured: anything goes */
    rules.typ.len = 0;
    expect(NGX_OK, "");
}


/* RFC 7515 A.1 with the clock pinned: signature and claims together */

static void
test_rfc7515_pinned(void **state)
{
    json_t        *v;
    ngx_str_t      token;
    const char    *reason;
    ngx_sg_key_t  *key;

    v = sg_load("vectors/jose/rfc7515_appendix_a.json");
    v = sg_get(v, "cases.0");

    key = sg_key(sg_get(v, "jwk_public"));
    token = sg_str(sg_get_str(v, "compact"));

    assert_int_equal(ngx_sg_jws_parse(sg_pool, &token,
                                      NGX_SG_JWS_JSON_PAYLOAD, &jws, &reason),
                     NGX_OK);
    assert_int_equal(ngx_sg_jws_verify_keys(&jws, key, 1,
                                            1 << NGX_SG_ALG_HS256, &reason),
                     NGX_OK);

    rules.issuer = sg_str("joe");
    rules.typ = sg_str("JWT");

    rules.now = 1300819370;
    expect(NGX_OK, "");

    rules.now = 1300819380;
    expect(NGX_DECLINED, "expired");

    rules.leeway = 60;
    expect(NGX_OK, "");

    rules.now = time(NULL);
    expect(NGX_DECLINED, "expired");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_exp, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_leeway, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_nbf_iat, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_iss, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_aud, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_typ, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_rfc7515_pinned, setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("claims", tests, NULL, NULL);
}
