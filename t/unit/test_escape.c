
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <ngx_sg_escape.h>
#include <jansson.h>


/* escapes in; checks the measuring call, the bounds, and the result */

static void
check(const char *in, size_t len, const char *want)
{
    u_char  *buf;
    size_t   n, m;

    n = ngx_sg_escape_json(NULL, (u_char *) in, len);
    assert_true(n <= NGX_SG_ESCAPE_MAX(len));

    /* exactly n bytes: ASan sees a write past them */
    buf = malloc(n ? n : 1);
    assert_non_null(buf);

    m = ngx_sg_escape_json(buf, (u_char *) in, len);
    assert_int_equal(m, n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);

    free(buf);
}


static void
test_plain(void **state)
{
    check("", 0, "");
    check("abc", 3, "abc");
    check("a\"b\\c/", 6, "a\\\"b\\\\c/");
    check("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
          "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}


static void
test_controls(void **state)
{
    check("\n\r\t\b\f", 5, "\\n\\r\\t\\b\\f");
    check("\x01\x1b[31m", 6, "\\u0001\\u001b[31m");
    check("\0", 1, "\\u0000");
    check("\x7f", 1, "\\u007f");

    /* C1 controls (U+009B is a CSI), line and bidi controls */
    check("\xc2\x9b\xc2\x85", 4, "\\u009b\\u0085");
    check("\xe2\x80\xa8\xe2\x80\xae\xe2\x81\xa6", 9,
          "\\u2028\\u202e\\u2066");
    check("\xc2\xa0", 2, "\xc2\xa0");

    /* a forged log line stays on its line */
    check("x\n2026/01/01 [emerg] y", 22, "x\\n2026/01/01 [emerg] y");
}


static void
test_invalid_utf8(void **state)
{
    check("abc\xff\xfe\"\\", 7, "abc\\ufffd\\ufffd\\\"\\\\");

    /* cut short, stray continuation, overlong, surrogate, above U+10FFFF */
    check("\xc3", 1, "\\ufffd");
    check("\xe2\x82", 2, "\\ufffd\\ufffd");
    check("\x80\xbf", 2, "\\ufffd\\ufffd");
    check("\xc0\xaf", 2, "\\ufffd\\ufffd");
    check("\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd");
    check("\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd");
    check("\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd");
    check("\xf5", 1, "\\ufffd");

    /* a bad lead byte does not swallow the character after it */
    check("\xe2\"", 2, "\\ufffd\\\"");
}


/* every byte string of up to 3 bytes: strict JSON, bounded */

static void
test_exhaustive(void **state)
{
    u_char        in[3], *buf, *q;
    size_t        len, n;
    json_t       *j;
    uint32_t      v;
    json_error_t  err;

    buf = malloc(2 + NGX_SG_ESCAPE_MAX(3));
    assert_non_null(buf);

    for (len = 1; len <= 3; len++) {
        for (v = 0; v < (1u << (8 * len)); v++) {
            in[0] = (u_char) v;
            in[1] = (u_char) (v >> 8);
            in[2] = (u_char) (v >> 16);

            n = ngx_sg_escape_json(NULL, in, len);
            assert_true(n <= NGX_SG_ESCAPE_MAX(len));

            buf[0] = '"';
            assert_int_equal(ngx_sg_escape_json(buf + 1, in, len), n);
            buf[n + 1] = '"';

            for (q = buf; q < buf + n + 2; q++) {
                assert_true(*q >= 0x20 && *q != 0x7f);
            }

            j = json_loadb((char *) buf, n + 2,
                           JSON_DECODE_ANY|JSON_ALLOW_NUL, &err);
            assert_non_null(j);
            assert_true(json_is_string(j));
            json_decref(j);
        }
    }

    free(buf);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_exhaustive),
    };

    sg_init();

    return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
