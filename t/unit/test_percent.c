
/*
 * Copyright (C) ngx_session_guard authors
 */


/* the one percent-decoder: strict, "+" a space only in forms */


#include "sg_test.h"

#include "ngx_sg_percent.h"


static void
expect(const char *in, ngx_uint_t flags, const char *want, size_t len)
{
    ngx_str_t  src, dst;

    src = sg_str(in);

    assert_int_equal(ngx_sg_percent_decode(sg_pool, &src, flags, &dst),
                     NGX_OK);

    if (dst.len != len || memcmp(dst.data, want, len) != 0) {
        fail_msg("\"%s\": expected \"%.*s\", got \"%.*s\"", in, (int) len,
                 want, (int) dst.len, dst.data);
    }
}


static void
refuse(const char *in, ngx_uint_t flags)
{
    ngx_str_t  src, dst;

    src = sg_str(in);

    if (ngx_sg_percent_decode(sg_pool, &src, flags, &dst) != NGX_DECLINED) {
        fail_msg("\"%s\": not refused", in);
    }
}


#define EXPECT(in, flags, want)  expect(in, flags, want, sizeof(want) - 1)


static void
test_decode(void **state)
{
    EXPECT("", 0, "");
    EXPECT("abc", 0, "abc");
    EXPECT("a%20b", 0, "a b");
    EXPECT("%41%62%7e", 0, "Ab~");

    /* either case of hex digits */
    EXPECT("%2f%2F%c3%A9", 0, "//\xc3\xa9");

    /* every byte, the NUL and "%" itself included */
    EXPECT("%00%25%ff", 0, "\0%\xff");

    /* decoded once: "%2541" is "%41", not "A" */
    EXPECT("%2541", 0, "%41");
}


static void
test_form(void **state)
{
    EXPECT("a+b", 0, "a+b");
    EXPECT("a+b", NGX_SG_PERCENT_FORM, "a b");
    EXPECT("a%2Bb+c", NGX_SG_PERCENT_FORM, "a+b c");
    EXPECT("logout_token=x", NGX_SG_PERCENT_FORM, "logout_token=x");
}


static void
test_strict(void **state)
{
    ngx_uint_t  flags;

    for (flags = 0; flags <= NGX_SG_PERCENT_FORM; flags++) {
        refuse("%", flags);
        refuse("a%", flags);
        refuse("%4", flags);
        refuse("a%4", flags);
        refuse("%g0", flags);
        refuse("%0g", flags);
        refuse("% 1", flags);
        refuse("%+1", flags);
        refuse("%%41", flags);
        refuse("ok%2", flags);
    }
}


static void
test_byte(void **state)
{
    u_char  s[] = "%4a%4%zz";

    assert_int_equal(ngx_sg_percent_byte(s, s + 3), 0x4a);
    assert_int_equal(ngx_sg_percent_byte(s, s + 2), -1);
    assert_int_equal(ngx_sg_percent_byte(s + 3, s + 5), -1);
    assert_int_equal(ngx_sg_percent_byte(s + 3, s + 6), -1);
    assert_int_equal(ngx_sg_percent_byte(s + 5, s + 8), -1);
}


/* every "%XX" of every byte value, both cases: decoded to that byte */

static void
test_exhaustive(void **state)
{
    u_char      in[3], out;
    ngx_str_t   src, dst;
    ngx_uint_t  c, upper;

    static const char  lower_hex[] = "0123456789abcdef";
    static const char  upper_hex[] = "0123456789ABCDEF";

    for (upper = 0; upper < 2; upper++) {
        for (c = 0; c < 256; c++) {
            in[0] = '%';
            in[1] = (upper ? upper_hex : lower_hex)[c >> 4];
            in[2] = (upper ? upper_hex : lower_hex)[c & 0x0f];

            src.data = in;
            src.len = 3;

            assert_int_equal(ngx_sg_percent_decode(sg_pool, &src, 0, &dst),
                             NGX_OK);
            assert_int_equal(dst.len, 1);

            out = dst.data[0];
            assert_int_equal(out, c);
        }
    }
}


static void
test_nomem(void **state)
{
    ngx_str_t  src, dst;

    src = sg_str("a%20b");

    ngx_stub_fail_after = 1;

    assert_int_equal(ngx_sg_percent_decode(sg_pool, &src, 0, &dst),
                     NGX_ERROR);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_decode, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_form, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_strict, sg_setup, sg_teardown),
        cmocka_unit_test(test_byte),
        cmocka_unit_test_setup_teardown(test_exhaustive, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, sg_setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("percent", tests, NULL, NULL);
}
