
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Shared by test_ja4.c (the fingerprint), test_ja4_parse.c (the field
 * parsers) and test_ja4_hello.c (whole ClientHello messages): the worked
 * example of FoxIO-LLC/ja4 technical_details/JA4.md and small helpers.
 */


#ifndef _JA4_TEST_H_INCLUDED_
#define _JA4_TEST_H_INCLUDED_


#include "sg_test.h"

#include "ngx_sg_ja4.h"


#define SPEC_CIPHERS                                                          \
    "1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,"       \
    "002f,0035"
#define SPEC_EXTENSIONS                                                       \
    "001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,"       \
    "000b,000a,0015"
#define SPEC_SIGALGS                                                          \
    "0403,0804,0401,0503,0805,0501,0806,0601"

#define SPEC_JA4     "t13d1516h2_8daaf6152771_e5627efa2ab1"
#define SPEC_JA4_O   "t13d1516h2_acb858a92679_18f69afefd3d"
#define SPEC_JA4_R                                                            \
    "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,"      \
    "c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,"       \
    "002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"
#define SPEC_JA4_RO                                                           \
    "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,"      \
    "009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,"       \
    "0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,"       \
    "0806,0601"

#define ZEROS        "000000000000"


/* JA4 as a C string; checks that exactly NGX_SG_JA4_LEN bytes are written */

static ngx_inline char *
ja4(ngx_sg_ja4_hello_t *h, ngx_uint_t flags)
{
    u_char  *buf;

    buf = ngx_pnalloc(sg_pool, NGX_SG_JA4_LEN + 8);
    assert_non_null(buf);

    ngx_memset(buf, 0xee, NGX_SG_JA4_LEN + 8);

    assert_int_equal(ngx_sg_ja4(h, flags, buf), NGX_OK);

    assert_int_equal(buf[NGX_SG_JA4_LEN], 0xee);
    assert_null(memchr(buf, 0xee, NGX_SG_JA4_LEN));

    buf[NGX_SG_JA4_LEN] = '\0';

    return (char *) buf;
}


static ngx_inline char *
raw(ngx_sg_ja4_hello_t *h, ngx_uint_t flags)
{
    char       *s;
    ngx_str_t   out;

    assert_int_equal(ngx_sg_ja4_raw(sg_pool, h, flags, &out), NGX_OK);

    s = ngx_pnalloc(sg_pool, out.len + 1);
    assert_non_null(s);

    ngx_memcpy(s, out.data, out.len);
    s[out.len] = '\0';

    return s;
}


/* a heap copy of exactly len bytes: ASan catches any read past it */

static ngx_inline u_char *
exact(const void *data, size_t len)
{
    u_char  *p;

    p = malloc(len ? len : 1);
    assert_non_null(p);

    if (len) {
        memcpy(p, data, len);
    }

    return p;
}


static ngx_inline uint32_t
rnd(void)
{
    static uint32_t  rnd_state = 0x9e3779b9;

    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;

    return rnd_state;
}


#endif /* _JA4_TEST_H_INCLUDED_ */
