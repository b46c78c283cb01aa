
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"


static ngx_int_t
decode(const char *in, size_t len, ngx_str_t *out)
{
    ngx_str_t  src;

    src.data = (u_char *) in;
    src.len = len;

    return ngx_sg_base64url_decode_pool(sg_pool, out, &src);
}


static void
test_valid(void **state)
{
    ngx_str_t  out;

    assert_int_equal(decode("", 0, &out), NGX_OK);
    assert_int_equal(out.len, 0);
    assert_non_null(out.data);

    assert_int_equal(decode("Zg", 2, &out), NGX_OK);
    assert_int_equal(out.len, 1);
    assert_memory_equal(out.data, "f", 1);

    assert_int_equal(decode("Zm8", 3, &out), NGX_OK);
    assert_memory_equal(out.data, "fo", 2);

    assert_int_equal(decode("Zm9v", 4, &out), NGX_OK);
    assert_memory_equal(out.data, "foo", 3);

    assert_int_equal(decode("Zm9vYmFy", 8, &out), NGX_OK);
    assert_memory_equal(out.data, "foobar", 6);

    /* the URL-safe characters: 0xfb 0xff 0xbf */

    assert_int_equal(decode("-_-_", 4, &out), NGX_OK);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, "\xfb\xff\xbf", 3);
}


static void
test_padding(void **state)
{
    ngx_str_t  out;

    assert_int_equal(decode("Zg==", 4, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm8=", 4, &out), NGX_DECLINED);
    assert_int_equal(decode("Zg=", 3, &out), NGX_DECLINED);
    assert_int_equal(decode("=", 1, &out), NGX_DECLINED);
    assert_int_equal(decode("====", 4, &out), NGX_DECLINED);
}


static void
test_bad_chars(void **state)
{
    ngx_str_t    out;
    ngx_uint_t   c;
    char         buf[4];

    assert_int_equal(decode("Zm+v", 4, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm/v", 4, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm9v ", 5, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm9\nv", 5, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm\0v", 4, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm.v", 4, &out), NGX_DECLINED);

    /* every byte outside the alphabet, in every position */

    for (c = 0; c < 256; c++) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_')
        {
            continue;
        }

        memcpy(buf, "AAAA", 4);
        buf[c % 4] = (char) c;

        assert_int_equal(decode(buf, 4, &out), NGX_DECLINED);
    }
}


static void
test_length(void **state)
{
    ngx_str_t  out;

    assert_int_equal(decode("Z", 1, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm9vY", 5, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm9vYmFyZ", 9, &out), NGX_DECLINED);
}


static void
test_trailing_bits(void **state)
{
    ngx_str_t  out;

    /* "Zh": 'h' has low bits 0001; "Zm9": '9' has low bits 01 */

    assert_int_equal(decode("Zh", 2, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm9", 3, &out), NGX_DECLINED);
    assert_int_equal(decode("Zm_", 3, &out), NGX_DECLINED);
    assert_int_equal(decode("Z_", 2, &out), NGX_DECLINED);
}


/* decoding succeeds exactly for the one canonical encoding of each value */

static void
test_canonical(void **state)
{
    char        in[4], *enc;
    ngx_str_t   out;
    ngx_int_t   rc;
    ngx_uint_t  i, j, k, n;

    static const char  alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    n = 0;

    for (i = 0; i < 64; i++) {
        for (j = 0; j < 64; j++) {
            for (k = 0; k <= 64; k++) {
                in[0] = alphabet[i];
                in[1] = alphabet[j];
                in[2] = (k < 64) ? alphabet[k] : '\0';

                rc = decode(in, (k < 64) ? 3 : 2, &out);

                if (rc != NGX_OK) {
                    assert_int_equal(rc, NGX_DECLINED);
                    continue;
                }

                n++;

                enc = sg_b64(out.data, out.len);
                assert_int_equal(strlen(enc), (k < 64) ? 3 : 2);
                assert_memory_equal(enc, in, strlen(enc));
            }
        }

        /* the test pool grows with every sg_b64(): start afresh */
        sg_teardown(state);
        sg_setup(state);
    }

    /* 2^8 one-octet values and 2^16 two-octet values */
    assert_int_equal(n, 256 + 65536);
}


static void
test_roundtrip(void **state)
{
    size_t      len, i;
    char       *enc;
    u_char      data[300];
    ngx_str_t   out;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (u_char) (i * 7 + 3);
    }

    for (len = 0; len <= sizeof(data); len++) {
        enc = sg_b64(data, len);

        assert_int_equal(decode(enc, strlen(enc), &out), NGX_OK);
        assert_int_equal(out.len, len);
        assert_memory_equal(out.data, data, len);
    }
}


static void
test_fixed_buffer(void **state)
{
    u_char     buf[3];
    ngx_str_t  src, dst;

    /* dst->data holds exactly ngx_base64_decoded_length(src->len) */

    src = sg_str("Zm9v");
    dst.data = buf;

    assert_int_equal(ngx_sg_base64url_decode(&dst, &src), NGX_OK);
    assert_int_equal(dst.len, 3);
    assert_memory_equal(buf, "foo", 3);
}


static void
test_nomem(void **state)
{
    ngx_str_t  out;

    ngx_stub_fail_after = 1;
    assert_int_equal(decode("Zm9v", 4, &out), NGX_ERROR);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_valid, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_padding, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_bad_chars, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_length, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_trailing_bits, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_canonical, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_fixed_buffer, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, sg_setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("base64url", tests, NULL, NULL);
}
