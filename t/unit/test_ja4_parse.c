
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The JA4 field parsers (cipher list, extension types, supported_versions,
 * signature_algorithms, ALPN) against malformed, truncated, oversize and
 * random input in exactly-sized heap buffers, so that AddressSanitizer
 * sees any read past the end.
 */


#include "ja4_test.h"


static ngx_int_t
parse(ngx_int_t (*fn)(ngx_pool_t *, ngx_sg_ja4_hello_t *, const u_char *,
    size_t), ngx_sg_ja4_hello_t *h, const char *data, size_t len)
{
    u_char     *p;
    ngx_int_t   rc;

    p = exact(data, len);
    rc = fn(sg_pool, h, p, len);
    free(p);

    return rc;
}


static void
test_parse_ciphers(void **state)
{
    size_t               i;
    u_char              *big;
    ngx_sg_ja4_hello_t   h;

    ngx_memzero(&h, sizeof(h));

    assert_int_equal(parse(ngx_sg_ja4_parse_ciphers, &h,
                           "\x13\x01\xc0\x2b\x0a\x0a", 6), NGX_OK);
    assert_int_equal(h.nciphers, 3);
    assert_int_equal(h.ciphers[0], 0x1301);
    assert_int_equal(h.ciphers[1], 0xc02b);
    assert_int_equal(h.ciphers[2], 0x0a0a);

    /* odd lengths: nothing is changed */

    assert_int_equal(parse(ngx_sg_ja4_parse_ciphers, &h, "\x13", 1),
                     NGX_DECLINED);
    assert_int_equal(parse(ngx_sg_ja4_parse_ciphers, &h, "\x13\x01\x13", 3),
                     NGX_DECLINED);
    assert_int_equal(h.nciphers, 3);

    /* empty is valid (JA4 prints zeros for it) */

    assert_int_equal(parse(ngx_sg_ja4_parse_ciphers, &h, "", 0), NGX_OK);
    assert_int_equal(h.nciphers, 0);

    assert_int_equal(ngx_sg_ja4_parse_ciphers(sg_pool, &h, NULL, 0), NGX_OK);

    /* the limit */

    big = malloc(2 * (NGX_SG_JA4_MAX_VALUES + 1));
    assert_non_null(big);

    for (i = 0; i < 2 * (NGX_SG_JA4_MAX_VALUES + 1); i++) {
        big[i] = (u_char) i;
    }

    assert_int_equal(ngx_sg_ja4_parse_ciphers(sg_pool, &h, big,
                                              2 * NGX_SG_JA4_MAX_VALUES),
                     NGX_OK);
    assert_int_equal(h.nciphers, NGX_SG_JA4_MAX_VALUES);
    assert_int_equal(h.ciphers[1023], 0xfeff);

    assert_int_equal(ngx_sg_ja4_parse_ciphers(sg_pool, &h, big,
                                              2 * NGX_SG_JA4_MAX_VALUES + 2),
                     NGX_DECLINED);
    assert_int_equal(h.nciphers, NGX_SG_JA4_MAX_VALUES);

    free(big);

    ngx_stub_fail_after = 1;
    assert_int_equal(parse(ngx_sg_ja4_parse_ciphers, &h, "\x13\x01", 2),
                     NGX_ERROR);
}


static void
test_parse_extension_types(void **state)
{
    int                 *types;
    ngx_uint_t           i;
    ngx_sg_ja4_hello_t   h;

    static const int  ok[] = { 0x0a0a, 0, 16, 0xff01, 0xffff };

    ngx_memzero(&h, sizeof(h));

    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, ok, 5),
                     NGX_OK);
    assert_int_equal(h.nextensions, 5);
    assert_int_equal(h.extensions[0], 0x0a0a);
    assert_int_equal(h.extensions[3], 0xff01);
    assert_int_equal(h.extensions[4], 0xffff);

    types = malloc((NGX_SG_JA4_MAX_VALUES + 1) * sizeof(int));
    assert_non_null(types);

    for (i = 0; i <= NGX_SG_JA4_MAX_VALUES; i++) {
        types[i] = (int) i;
    }

    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, types,
                                                NGX_SG_JA4_MAX_VALUES + 1),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, types,
                                                NGX_SG_JA4_MAX_VALUES),
                     NGX_OK);
    assert_int_equal(h.nextensions, NGX_SG_JA4_MAX_VALUES);

    types[7] = -1;
    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, types, 8),
                     NGX_DECLINED);

    types[7] = 0x10000;
    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, types, 8),
                     NGX_DECLINED);
    assert_int_equal(h.nextensions, NGX_SG_JA4_MAX_VALUES);

    free(types);

    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, NULL, 0),
                     NGX_OK);
    assert_int_equal(h.nextensions, 0);

    ngx_stub_fail_after = 1;
    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h, ok, 5),
                     NGX_ERROR);
}


static void
test_parse_supported_versions(void **state)
{
    size_t               i;
    u_char               buf[256];
    ngx_sg_ja4_hello_t   h;

    ngx_memzero(&h, sizeof(h));

    assert_int_equal(parse(ngx_sg_ja4_parse_supported_versions, &h,
                           "\x06\x7a\x7a\x03\x04\x03\x03", 7), NGX_OK);
    assert_int_equal(h.nversions, 3);
    assert_int_equal(h.versions[0], 0x7a7a);
    assert_int_equal(h.versions[1], 0x0304);
    assert_int_equal(h.versions[2], 0x0303);

#define bad(data, len)                                                        \
    assert_int_equal(parse(ngx_sg_ja4_parse_supported_versions, &h, data,     \
                           len), NGX_DECLINED)

    bad("", 0);
    bad("\x00", 1);                          /* versions<2..254>: empty */
    bad("\x01\x03", 2);                      /* odd */
    bad("\x03\x03\x04\x03", 4);              /* odd */
    bad("\x04\x03\x04\x03", 4);              /* longer than the buffer */
    bad("\xff\x03\x04", 3);
    bad("\x02\x03\x04\x03", 4);              /* trailing byte */
    bad("\x02\x03\x04\x03\x03", 5);
    bad("\x00\x03\x04", 3);

#undef bad

    assert_int_equal(h.nversions, 3);

    /* the largest the 1-byte length allows: 127 values */

    buf[0] = 254;

    for (i = 1; i < 255; i++) {
        buf[i] = (u_char) i;
    }

    assert_int_equal(parse(ngx_sg_ja4_parse_supported_versions, &h,
                           (char *) buf, 255), NGX_OK);
    assert_int_equal(h.nversions, 127);

    buf[0] = 255;
    assert_int_equal(parse(ngx_sg_ja4_parse_supported_versions, &h,
                           (char *) buf, 256), NGX_DECLINED);

    ngx_stub_fail_after = 1;
    assert_int_equal(parse(ngx_sg_ja4_parse_supported_versions, &h,
                           "\x02\x03\x04", 3), NGX_ERROR);
}


static void
test_parse_sigalgs(void **state)
{
    size_t               i, size;
    u_char              *big;
    ngx_sg_ja4_hello_t   h;

    ngx_memzero(&h, sizeof(h));

    assert_int_equal(parse(ngx_sg_ja4_parse_sigalgs, &h,
                           "\x00\x04\x04\x03\x08\x04", 6), NGX_OK);
    assert_int_equal(h.nsigalgs, 2);
    assert_int_equal(h.sigalgs[0], 0x0403);
    assert_int_equal(h.sigalgs[1], 0x0804);

#define bad(data, len)                                                        \
    assert_int_equal(parse(ngx_sg_ja4_parse_sigalgs, &h, data, len),          \
                     NGX_DECLINED)

    bad("", 0);
    bad("\x00", 1);
    bad("\x00\x00", 2);                      /* empty list */
    bad("\x00\x01\x04", 3);                  /* odd */
    bad("\x00\x03\x04\x03\x08", 5);          /* odd */
    bad("\x00\x06\x04\x03\x08\x04", 6);      /* longer than the buffer */
    bad("\xff\xfe\x04\x03", 4);
    bad("\x00\x02\x04\x03\x08", 5);          /* trailing byte */
    bad("\x00\x02\x04\x03\x08\x04", 6);      /* trailing value */
    bad("\x01\x00\x04\x03", 4);              /* high length byte */

#undef bad

    assert_int_equal(h.nsigalgs, 2);

    /* the limit */

    size = 2 * (NGX_SG_JA4_MAX_VALUES + 1);
    big = malloc(2 + size);
    assert_non_null(big);

    for (i = 2; i < 2 + size; i++) {
        big[i] = 0x04;
    }

    big[0] = (u_char) (size >> 8);
    big[1] = (u_char) size;
    assert_int_equal(ngx_sg_ja4_parse_sigalgs(sg_pool, &h, big, 2 + size),
                     NGX_DECLINED);

    size -= 2;
    big[0] = (u_char) (size >> 8);
    big[1] = (u_char) size;
    assert_int_equal(ngx_sg_ja4_parse_sigalgs(sg_pool, &h, big, 2 + size),
                     NGX_OK);
    assert_int_equal(h.nsigalgs, NGX_SG_JA4_MAX_VALUES);

    free(big);

    ngx_stub_fail_after = 1;
    assert_int_equal(parse(ngx_sg_ja4_parse_sigalgs, &h,
                           "\x00\x02\x04\x03", 4), NGX_ERROR);
}


static void
test_parse_alpn(void **state)
{
    ngx_sg_ja4_hello_t  h;

    ngx_memzero(&h, sizeof(h));

    assert_int_equal(parse(ngx_sg_ja4_parse_alpn, &h,
                           "\x00\x0c\x02h2\x08http/1.1", 14), NGX_OK);
    assert_int_equal(h.alpn.len, 2);
    assert_memory_equal(h.alpn.data, "h2", 2);

    assert_int_equal(parse(ngx_sg_ja4_parse_alpn, &h,
                           "\x00\x09\x08http/1.1", 11), NGX_OK);
    assert_int_equal(h.alpn.len, 8);
    assert_memory_equal(h.alpn.data, "http/1.1", 8);

    /* the smallest list: one 1-byte name */

    assert_int_equal(parse(ngx_sg_ja4_parse_alpn, &h, "\x00\x02\x01h", 4),
                     NGX_OK);
    assert_int_equal(h.alpn.len, 1);
    assert_memory_equal(h.alpn.data, "h", 1);

#define bad(data, len)                                                        \
    assert_int_equal(parse(ngx_sg_ja4_parse_alpn, &h, data, len),             \
                     NGX_DECLINED)

    bad("", 0);
    bad("\x00", 1);
    bad("\x00\x00", 2);                      /* empty list */
    bad("\x00\x01\x00", 3);                  /* under 2 bytes */
    bad("\x00\x01\x01", 3);
    bad("\x00\x02\x00\x00", 4);              /* empty names */
    bad("\x00\x03\x02h2", 4);                /* longer than the buffer */
    bad("\xff\xff\x02h2", 5);
    bad("\x00\x03\x03h2", 5);                /* name longer than the list */
    bad("\x00\x04\x02h2\x05", 6);            /* second name truncated */
    bad("\x00\x04\x02h2\x00", 6);            /* second name empty */
    bad("\x00\x03\x02h2x", 6);               /* trailing byte */
    bad("\x00\x05\x02h2\x01", 6);            /* second name missing */

#undef bad

    assert_int_equal(h.alpn.len, 1);

    ngx_stub_fail_after = 1;
    assert_int_equal(parse(ngx_sg_ja4_parse_alpn, &h, "\x00\x03\x02h2", 5),
                     NGX_ERROR);
}


/* every strict prefix of a valid payload is invalid, and reads no further */

static void
test_parse_truncated(void **state)
{
    size_t               len, i;
    ngx_sg_ja4_hello_t   h;

    static const struct {
        ngx_int_t  (*fn)(ngx_pool_t *, ngx_sg_ja4_hello_t *, const u_char *,
                         size_t);
        char        *data;
        size_t       len;
    } cases[] = {
        { ngx_sg_ja4_parse_supported_versions,
          "\x06\x7a\x7a\x03\x04\x03\x03", 7 },
        { ngx_sg_ja4_parse_sigalgs,
          "\x00\x08\x04\x03\x08\x04\x04\x01\x05\x03", 10 },
        { ngx_sg_ja4_parse_alpn,
          "\x00\x0c\x02h2\x08http/1.1", 14 },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (len = 0; len < cases[i].len; len++) {
            ngx_memzero(&h, sizeof(h));
            assert_int_equal(parse(cases[i].fn, &h, cases[i].data, len),
                             NGX_DECLINED);
        }

        assert_int_equal(parse(cases[i].fn, &h, cases[i].data, cases[i].len),
                         NGX_OK);
    }
}


/*
 * Random and mutated payloads for every parser, in exactly-sized buffers;
 * whatever is accepted must then fingerprint without error.
 */

static void
test_parse_random(void **state)
{
    u_char               buf[300], *p;
    size_t               len, i;
    ngx_int_t            rc;
    ngx_str_t            s;
    ngx_uint_t           round, which, accepted;
    ngx_sg_ja4_hello_t   h;
    u_char               out[NGX_SG_JA4_LEN];

    static ngx_int_t  (*fns[])(ngx_pool_t *, ngx_sg_ja4_hello_t *,
                               const u_char *, size_t) =
    {
        ngx_sg_ja4_parse_ciphers,
        ngx_sg_ja4_parse_supported_versions,
        ngx_sg_ja4_parse_sigalgs,
        ngx_sg_ja4_parse_alpn,
    };

    accepted = 0;

    for (round = 0; round < 40000; round++) {

        if (round % 2000 == 0) {
            /* the test pool grows with every accepted payload */
            sg_teardown(state);
            sg_setup(state);
        }

        which = round % 4;
        len = rnd() % sizeof(buf);

        if (round % 8 < 4) {
            len %= 16;
        }

        for (i = 0; i < len; i++) {
            buf[i] = (u_char) rnd();
        }

        /* often a plausible length prefix, so that deeper code runs */

        if (len >= 2 && rnd() % 2) {
            if (which == 1) {
                buf[0] = (u_char) (len - 1 + (rnd() % 3) - 1);

            } else {
                buf[0] = (u_char) ((len - 2) >> 8);
                buf[1] = (u_char) (len - 2 + (rnd() % 3) - 1);
            }
        }

        ngx_memzero(&h, sizeof(h));

        p = exact(buf, len);
        rc = fns[which](sg_pool, &h, p, len);
        free(p);

        if (rc != NGX_OK) {
            assert_int_equal(rc, NGX_DECLINED);
            continue;
        }

        accepted++;

        h.legacy_version = (uint16_t) rnd();

        assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_OK);
        assert_int_equal(ngx_sg_ja4(&h, NGX_SG_JA4_ORIGINAL, out), NGX_OK);
        assert_int_equal(ngx_sg_ja4_raw(sg_pool, &h, 0, &s), NGX_OK);
        assert_true(s.len >= 12);
    }

    /* the generator is not so random that nothing is ever accepted */
    assert_true(accepted > 1000);
}


/* the parsers and the fingerprint together, from wire bytes */

static void
test_parse_spec_example(void **state)
{
    ngx_sg_ja4_hello_t  h;

    static const int  extensions[] = {
        0x3a3a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d,
        0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a,
        0x0015, 0xbaba
    };

    ngx_memzero(&h, sizeof(h));

    h.legacy_version = 0x0303;

    assert_int_equal(parse(ngx_sg_ja4_parse_ciphers, &h,
                           "\x5a\x5a\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f"
                           "\xc0\x2c\xc0\x30\xcc\xa9\xcc\xa8\xc0\x13\xc0\x14"
                           "\x00\x9c\x00\x9d\x00\x2f\x00\x35", 32), NGX_OK);

    assert_int_equal(ngx_sg_ja4_parse_extension_types(sg_pool, &h,
                                                      extensions, 18),
                     NGX_OK);

    assert_int_equal(parse(ngx_sg_ja4_parse_supported_versions, &h,
                           "\x06\xea\xea\x03\x04\x03\x03", 7), NGX_OK);

    assert_int_equal(parse(ngx_sg_ja4_parse_sigalgs, &h,
                           "\x00\x10\x04\x03\x08\x04\x04\x01\x05\x03"
                           "\x08\x05\x05\x01\x08\x06\x06\x01", 18), NGX_OK);

    assert_int_equal(parse(ngx_sg_ja4_parse_alpn, &h,
                           "\x00\x0c\x02h2\x08http/1.1", 14), NGX_OK);

    assert_string_equal(ja4(&h, 0), SPEC_JA4);
    assert_string_equal(raw(&h, 0), SPEC_JA4_R);
    assert_string_equal(ja4(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_O);
    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_RO);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_ciphers, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_extension_types, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_supported_versions,
                                        sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_sigalgs, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_alpn, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_truncated, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_random, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_spec_example, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("ja4_parse", tests, NULL, NULL);
}
