
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Sealed values (session_guard_oidc's cookies): what is sealed opens with
 * the same key and purpose only; a value altered anywhere, cut, extended,
 * of another version, or not base64url never opens; sizes hold.
 */


#include "sg_test.h"

#include "ngx_sg_seal.h"


static u_char  key1[NGX_SG_SEAL_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static u_char  key2[NGX_SG_SEAL_KEY_LEN] = "0123456789abcdef0123456789abcdeg";

static ngx_str_t  purpose = ngx_string("session_guard oidc session");
static ngx_str_t  other = ngx_string("session_guard oidc state");


static void
test_round_trip(void **state)
{
    size_t      n;
    u_char      buf[3000];
    ngx_str_t   plain, sealed, opened;

    for (n = 0; n < sizeof(buf); n += (n < 40) ? 1 : 997) {
        memset(buf, 'a' + (int) (n % 26), n);
        plain.data = buf;
        plain.len = n;

        assert_int_equal(ngx_sg_seal(sg_pool, key1, &purpose, &plain,
                                     &sealed), NGX_OK);
        assert_int_equal(sealed.len, ngx_sg_seal_len(n));

        assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &purpose, &sealed,
                                          &opened), NGX_OK);
        assert_int_equal(opened.len, n);
        assert_memory_equal(opened.data, buf, n);
    }
}


static void
test_fresh_nonce(void **state)
{
    ngx_str_t  plain = ngx_string("same"), a, b;

    assert_int_equal(ngx_sg_seal(sg_pool, key1, &purpose, &plain, &a),
                     NGX_OK);
    assert_int_equal(ngx_sg_seal(sg_pool, key1, &purpose, &plain, &b),
                     NGX_OK);

    /* the same plaintext twice: two different values */
    assert_int_equal(a.len, b.len);
    assert_true(memcmp(a.data, b.data, a.len) != 0);
}


static void
test_refused(void **state)
{
    u_char      *p;
    size_t       i;
    ngx_str_t    plain = ngx_string("{\"i\":\"x\",\"c\":{\"sub\":\"alice\"}}");
    ngx_str_t    sealed, bad, opened;

    static ngx_str_t  junk[] = {
        ngx_string(""),
        ngx_string("AQ"),
        ngx_string("not base64url!"),
        ngx_string("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ngx_string("====================================================="),
    };

    assert_int_equal(ngx_sg_seal(sg_pool, key1, &purpose, &plain, &sealed),
                     NGX_OK);

    /* another key, another purpose */

    assert_int_equal(ngx_sg_seal_open(sg_pool, key2, &purpose, &sealed,
                                      &opened), NGX_DECLINED);
    assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &other, &sealed,
                                      &opened), NGX_DECLINED);

    /* every character changed in turn */

    for (i = 0; i < sealed.len; i++) {
        p = ngx_pnalloc(sg_pool, sealed.len);
        assert_non_null(p);
        memcpy(p, sealed.data, sealed.len);
        p[i] = (p[i] == 'A') ? 'B' : 'A';

        bad.data = p;
        bad.len = sealed.len;

        /*
         * The last character may carry bits that decoding drops: a change
         * there can decode to the same bytes and open; nothing else may.
         */

        if (i == sealed.len - 1) {
            continue;
        }

        assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &purpose, &bad,
                                          &opened), NGX_DECLINED);
    }

    /* cut, and one more byte */

    bad.data = sealed.data;
    bad.len = sealed.len - 4;
    assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &purpose, &bad,
                                      &opened), NGX_DECLINED);

    p = ngx_pnalloc(sg_pool, sealed.len + 2);
    assert_non_null(p);
    memcpy(p, sealed.data, sealed.len);
    memcpy(p + sealed.len, "AA", 2);
    bad.data = p;
    bad.len = sealed.len + 2;
    assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &purpose, &bad,
                                      &opened), NGX_DECLINED);

    for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &purpose, &junk[i],
                                          &opened), NGX_DECLINED);
    }
}


static void
test_sizes(void **state)
{
    u_char     *big;
    ngx_str_t   plain, sealed, opened;

    /* past NGX_SG_SEAL_MAX sealed: refused both ways */

    big = ngx_pnalloc(sg_pool, NGX_SG_SEAL_MAX + 8);
    assert_non_null(big);
    memset(big, 'A', NGX_SG_SEAL_MAX + 8);

    plain.data = big;
    plain.len = NGX_SG_SEAL_MAX;

    assert_int_equal(ngx_sg_seal(sg_pool, key1, &purpose, &plain, &sealed),
                     NGX_DECLINED);

    sealed.data = big;
    sealed.len = NGX_SG_SEAL_MAX + 8;

    assert_int_equal(ngx_sg_seal_open(sg_pool, key1, &purpose, &sealed,
                                      &opened), NGX_DECLINED);
}


static void
test_tag(void **state)
{
    u_char     tag[NGX_SG_SID_TAG_LEN + 1];
    ngx_str_t  sid = ngx_string("abc"), none = ngx_null_string;

    tag[NGX_SG_SID_TAG_LEN] = 0;

    /* base64url(SHA-256("abc")) = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0" */
    ngx_sg_sid_tag(&sid, tag);
    assert_string_equal((char *) tag, "ungWv48Bz-pBQUDe");

    ngx_sg_sid_tag(&none, tag);
    assert_string_equal((char *) tag, "----------------");
}


static void
test_random(void **state)
{
    ngx_str_t  a, b;

    assert_int_equal(ngx_sg_random_b64(sg_pool, 32, &a), NGX_OK);
    assert_int_equal(ngx_sg_random_b64(sg_pool, 32, &b), NGX_OK);

    assert_int_equal(a.len, 43);
    assert_true(memcmp(a.data, b.data, a.len) != 0);

    assert_int_equal(ngx_sg_random_b64(sg_pool, 65, &a), NGX_ERROR);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_fresh_nonce, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_refused, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_sizes, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_tag, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_random, sg_setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("seal", tests, NULL, NULL);
}
