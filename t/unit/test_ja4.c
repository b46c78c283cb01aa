
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JA4 from ClientHello fields: the worked example of FoxIO-LLC/ja4
 * technical_details/JA4.md, the reference outputs of FoxIO's tools
 * (python/test/testdata and ja4-nginx-module test/testdata), and every
 * edge case of the ALPN, version, count, GREASE and empty-list rules.
 */


#include "ja4_test.h"


static const uint16_t  grease[] = {
    0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
    0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa
};


/* "1301,1302" as values in the test pool; "" is an empty list */

static uint16_t *
list(const char *s, ngx_uint_t *n)
{
    char        *end;
    size_t       len;
    uint16_t    *v;
    ngx_uint_t   i;

    len = strlen(s);
    *n = 0;

    if (len == 0) {
        return NULL;
    }

    v = ngx_palloc(sg_pool, (len / 5 + 1) * sizeof(uint16_t));
    assert_non_null(v);

    for (i = 0; *s; i++) {
        v[i] = (uint16_t) strtoul(s, &end, 16);
        assert_int_equal(end - s, 4);
        s = (*end == ',') ? end + 1 : end;
    }

    *n = i;

    return v;
}


/* a copy of values with the 16 GREASE values spread through it */

static uint16_t *
greased(uint16_t *values, ngx_uint_t n, ngx_uint_t *total)
{
    uint16_t    *v;
    ngx_uint_t   i, k, g;

    v = ngx_palloc(sg_pool, (n + 16) * sizeof(uint16_t));
    assert_non_null(v);

    k = 0;
    g = 0;

    /* one first, as browsers do, then between the values, rest at the end */

    v[k++] = grease[g++];

    for (i = 0; i < n; i++) {
        v[k++] = values[i];

        if (i % 2 && g < 16) {
            v[k++] = grease[g++];
        }
    }

    while (g < 16) {
        v[k++] = grease[g++];
    }

    *total = k;

    return v;
}


static void
hello(ngx_sg_ja4_hello_t *h, const char *ciphers, const char *extensions,
    const char *sigalgs, const char *alpn)
{
    ngx_memzero(h, sizeof(ngx_sg_ja4_hello_t));

    h->legacy_version = 0x0303;
    h->ciphers = list(ciphers, &h->nciphers);
    h->extensions = list(extensions, &h->nextensions);
    h->sigalgs = list(sigalgs, &h->nsigalgs);
    h->versions = list("0304,0303", &h->nversions);

    if (alpn) {
        h->alpn.len = strlen(alpn);
        h->alpn.data = (u_char *) alpn;
    }
}


static void
spec_hello(ngx_sg_ja4_hello_t *h)
{
    hello(h, SPEC_CIPHERS, SPEC_EXTENSIONS, SPEC_SIGALGS, "h2");
}


/* the 2 ALPN characters of part a */

static char *
alpn_chars(const u_char *alpn, size_t len)
{
    char                *s;
    ngx_sg_ja4_hello_t   h;

    hello(&h, "1301", "0010", "", NULL);

    h.alpn.len = len;
    h.alpn.data = (u_char *) alpn;

    s = ja4(&h, 0);
    s[10] = '\0';

    return s + 8;
}


static char *
version(uint16_t legacy, const char *versions)
{
    char                *s;
    ngx_sg_ja4_hello_t   h;

    hello(&h, "1301", "", "", NULL);

    h.legacy_version = legacy;
    h.versions = list(versions, &h.nversions);

    s = ja4(&h, 0);
    s[3] = '\0';

    return s + 1;
}


/* --- the specification --- */


static void
test_spec_example(void **state)
{
    ngx_sg_ja4_hello_t  h;

    spec_hello(&h);

    assert_string_equal(ja4(&h, 0), SPEC_JA4);
    assert_string_equal(raw(&h, 0), SPEC_JA4_R);
    assert_string_equal(ja4(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_O);
    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_RO);

    /* JA4.md: the extension hash without signature algorithms */

    h.nsigalgs = 0;
    assert_string_equal(ja4(&h, 0), "t13d1516h2_8daaf6152771_6d807ffa2a79");

    assert_string_equal(raw(&h, 0),
        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
        "c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,"
        "0023,002b,002d,0033,4469,ff01");
}


/* the same hello with GREASE in every list gives the same fingerprints */

static void
test_grease_ignored(void **state)
{
    ngx_uint_t          i;
    ngx_sg_ja4_hello_t  h;

    spec_hello(&h);

    h.ciphers = greased(h.ciphers, h.nciphers, &h.nciphers);
    h.extensions = greased(h.extensions, h.nextensions, &h.nextensions);
    h.sigalgs = greased(h.sigalgs, h.nsigalgs, &h.nsigalgs);
    h.versions = greased(h.versions, h.nversions, &h.nversions);

    /* GREASE first, and 0xfafa above 0x0304, in supported_versions */

    assert_int_equal(h.versions[0], 0x0a0a);
    assert_int_equal(h.versions[h.nversions - 1], 0xfafa);

    assert_string_equal(ja4(&h, 0), SPEC_JA4);
    assert_string_equal(raw(&h, 0), SPEC_JA4_R);
    assert_string_equal(ja4(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_O);
    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_RO);

    /* near-GREASE values are ordinary values */

    for (i = 0; i < 16; i++) {
        hello(&h, "", "", "", NULL);

        h.ciphers = (uint16_t *) &grease[i];
        h.nciphers = 1;
        assert_memory_equal(ja4(&h, 0) + 4, "00", 2);
    }

    hello(&h, "0a1a,1a0a,0b0b,0a0b,fafb", "", "", NULL);
    assert_memory_equal(ja4(&h, 0) + 4, "05", 2);
}


/*
 * Reference outputs of FoxIO's own tools.  sigalg-grease.pcapng (python
 * and rust test data of FoxIO-LLC/ja4): the lists come from its JA4_ro,
 * with a GREASE signature algorithm added, which must be ignored.
 */

static void
test_foxio_sigalg_grease(void **state)
{
    ngx_sg_ja4_hello_t  h;

    hello(&h, SPEC_CIPHERS,
          "fe0d,0010,0017,0033,44cd,ff01,000a,000d,0023,002b,000b,ca34,"
          "002d,0000,0005,001b,0012",
          "dada,0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601",
          "h2");

    assert_string_equal(ja4(&h, 0), "t13d1517h2_8daaf6152771_cb7bf5808d99");
    assert_string_equal(ja4(&h, NGX_SG_JA4_ORIGINAL),
                        "t13d1517h2_acb858a92679_88bf22a3e888");

    assert_string_equal(raw(&h, 0),
        "t13d1517h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
        "c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,"
        "002b,002d,0033,44cd,ca34,fe0d,ff01_0904,0905,0906,0403,0804,0401,"
        "0503,0805,0501,0806,0601");

    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL),
        "t13d1517h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,"
        "c014,009c,009d,002f,0035_fe0d,0010,0017,0033,44cd,ff01,000a,000d,"
        "0023,002b,000b,ca34,002d,0000,0005,001b,0012_0904,0905,0906,0403,"
        "0804,0401,0503,0805,0501,0806,0601");
}


/* FoxIO-LLC/ja4-nginx-module test/testdata (OpenSSL clients, via nginx) */

#define NGINX_CIPHERS                                                         \
    "002f,0033,0035,0039,003c,003d,0067,006b,009c,009d,009e,009f,1301,"       \
    "1302,1303,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,"       \
    "c030,cca8,cca9,ccaa"
#define NGINX_SIGALGS                                                         \
    "0905,0906,0904,0403,0503,0603,0807,0808,081a,081b,081c,0809,080a,"       \
    "080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602"
#define NGINX_EXTENSIONS                                                      \
    "000a,000b,000d,0016,0017,002b,002d,0031,0033,ff01"

static void
test_foxio_nginx_module(void **state)
{
    ngx_sg_ja4_hello_t  h;

    /* tls13_h2.txt */

    hello(&h, NGINX_CIPHERS, "0000,0010," NGINX_EXTENSIONS, NGINX_SIGALGS,
          "h2");
    assert_string_equal(ja4(&h, 0), "t13d3012h2_1d37bd780c83_882d495ac381");
    assert_string_equal(raw(&h, 0),
                        "t13d3012h2_" NGINX_CIPHERS "_" NGINX_EXTENSIONS "_"
                        NGINX_SIGALGS);

    /* no_sni_ip.txt: the same client to an IP address */

    hello(&h, NGINX_CIPHERS, "0010," NGINX_EXTENSIONS, NGINX_SIGALGS, "h2");
    assert_string_equal(ja4(&h, 0), "t13i3011h2_1d37bd780c83_882d495ac381");

    /* tls12_h11.txt: TLS 1.2 only, no supported_versions */

    hello(&h,
          "002f,0033,0035,0039,003c,003d,0067,006b,009c,009d,009e,009f,"
          "c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,"
          "cca8,cca9,ccaa",
          "0000,000a,000b,000d,0010,0016,0017,ff01",
          "0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,"
          "0501,0601,0303,0301,0302,0402,0502,0602",
          "http/1.1");
    h.nversions = 0;
    assert_string_equal(ja4(&h, 0), "t12d2708h1_a2460661a67a_eed5f1524d5c");

    /* ech_alps.txt: Chrome with ECH (0xfe0d) and ALPS (0x44cd) */

    hello(&h, SPEC_CIPHERS,
          "0000,0005,000a,000b,000d,0010,0012,0017,001b,0023,002b,002d,"
          "0033,44cd,fe0d,ff01",
          SPEC_SIGALGS, "h2");
    assert_string_equal(ja4(&h, 0), "t13d1516h2_8daaf6152771_d8a2da3f94cd");
}


/* --- edge cases --- */


static void
test_alpn(void **state)
{
    /* JA4.md "ALPN Extension Value", including its hex examples */

    assert_string_equal(alpn_chars((u_char *) "h2", 2), "h2");
    assert_string_equal(alpn_chars((u_char *) "http/1.1", 8), "h1");
    assert_string_equal(alpn_chars((u_char *) "h3-29", 5), "h9");
    assert_string_equal(alpn_chars((u_char *) "h", 1), "hh");
    assert_string_equal(alpn_chars((u_char *) "7", 1), "77");
    assert_string_equal(alpn_chars((u_char *) "\xab", 1), "ab");
    assert_string_equal(alpn_chars((u_char *) "\xab\xcd", 2), "ad");
    assert_string_equal(alpn_chars((u_char *) "\x30\xab", 2), "3b");
    assert_string_equal(alpn_chars((u_char *) "\x30\x31\xab\xcd", 4), "3d");
    assert_string_equal(alpn_chars((u_char *) "\x30\xab\xcd\x31", 4), "01");

    /* ja4-nginx-module test/pytest/test_alpn.py */

    assert_string_equal(alpn_chars((u_char *) "h ", 2), "60");
    assert_string_equal(alpn_chars((u_char *) " h", 2), "28");
    assert_string_equal(alpn_chars((u_char *) "  ", 2), "20");
    assert_string_equal(alpn_chars((u_char *) "--", 2), "2d");

    /* one side non-alphanumeric is enough; "_" must never appear */

    assert_string_equal(alpn_chars((u_char *) "z\xab", 2), "7b");
    assert_string_equal(alpn_chars((u_char *) "_", 1), "5f");
    assert_string_equal(alpn_chars((u_char *) "a_", 2), "6f");
    assert_string_equal(alpn_chars((u_char *) "\0", 1), "00");
    assert_string_equal(alpn_chars((u_char *) "\xff", 1), "ff");
    assert_string_equal(alpn_chars((u_char *) "Z\x7f", 2), "5f");

    /* taken as is, even a GREASE value (RFC 8701 section 3.1) */

    assert_string_equal(alpn_chars((u_char *) "\x0a\x0a", 2), "0a");

    /* no ALPN: the name is empty */

    assert_string_equal(alpn_chars((u_char *) "", 0), "00");
}


static void
test_version(void **state)
{
    /* no supported_versions: the legacy version */

    assert_string_equal(version(0x0304, ""), "13");
    assert_string_equal(version(0x0303, ""), "12");
    assert_string_equal(version(0x0302, ""), "11");
    assert_string_equal(version(0x0301, ""), "10");
    assert_string_equal(version(0x0300, ""), "s3");
    assert_string_equal(version(0x0002, ""), "s2");
    assert_string_equal(version(0xfeff, ""), "d1");
    assert_string_equal(version(0xfefd, ""), "d2");
    assert_string_equal(version(0xfefc, ""), "d3");
    assert_string_equal(version(0x0305, ""), "00");
    assert_string_equal(version(0x0200, ""), "00");
    assert_string_equal(version(0x0100, ""), "00");
    assert_string_equal(version(0x0000, ""), "00");
    assert_string_equal(version(0x0a0a, ""), "00");

    /* the highest non-GREASE value, wherever it is */

    assert_string_equal(version(0x0303, "0304,0303"), "13");
    assert_string_equal(version(0x0303, "0303,0304"), "13");
    assert_string_equal(version(0x0303, "3a3a,0304,0303,0302"), "13");
    assert_string_equal(version(0x0303, "0303,fafa"), "12");
    assert_string_equal(version(0x0301, "0302"), "11");
    assert_string_equal(version(0x0303, "0301,0300"), "10");
    assert_string_equal(version(0x0303, "0305,0304"), "00");

    /* the extension overrides the legacy version, even when lower */

    assert_string_equal(version(0x0304, "0302"), "11");

    /* only GREASE left: the legacy version */

    assert_string_equal(version(0x0303, "2a2a"), "12");
    assert_string_equal(version(0x0303, "2a2a,fafa"), "12");
}


static void
test_sni_quic(void **state)
{
    ngx_sg_ja4_hello_t  h;

    hello(&h, "1301", "0010,000d", "0403", "h3");
    assert_memory_equal(ja4(&h, 0), "t13i0102h3_", 11);

    hello(&h, "1301", "000d,0000", "0403", "h3");
    h.quic = 1;
    assert_memory_equal(ja4(&h, 0), "q13d0102h3_", 11);

    /* a GREASE extension is not SNI, 0x0100 is not either */

    hello(&h, "1301", "0a0a,0100", "", NULL);
    assert_memory_equal(ja4(&h, 0), "t13i010100_", 11);
}


static void
test_empty(void **state)
{
    ngx_sg_ja4_hello_t  h;

    /* nothing at all */

    hello(&h, "", "", "", NULL);
    assert_string_equal(ja4(&h, 0), "t13i000000_" ZEROS "_" ZEROS);
    assert_string_equal(ja4(&h, NGX_SG_JA4_ORIGINAL),
                        "t13i000000_" ZEROS "_" ZEROS);
    assert_string_equal(raw(&h, 0), "t13i000000__");
    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL), "t13i000000__");

    /* only GREASE is nothing too */

    hello(&h, "0a0a,1a1a", "2a2a", "3a3a", NULL);
    assert_string_equal(ja4(&h, 0), "t13i000000_" ZEROS "_" ZEROS);
    assert_string_equal(raw(&h, 0), "t13i000000__");

    /* no ciphers */

    hello(&h, "", SPEC_EXTENSIONS, SPEC_SIGALGS, "h2");
    assert_string_equal(ja4(&h, 0), "t13d0016h2_" ZEROS "_e5627efa2ab1");
    assert_memory_equal(raw(&h, 0), "t13d0016h2__0005,", 17);

    /* no extensions (and so no signature algorithms) */

    hello(&h, SPEC_CIPHERS, "", "", NULL);
    assert_string_equal(ja4(&h, 0), "t13i150000_8daaf6152771_" ZEROS);
    assert_string_equal(raw(&h, 0), "t13i150000_" "002f,0035,009c,009d,1301,"
                        "1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"
                        "_");

    /* a TLS 1.2 hello without supported_versions */

    h.nversions = 0;
    assert_string_equal(ja4(&h, 0), "t12i150000_8daaf6152771_" ZEROS);

    /*
     * Only SNI and ALPN: the sorted list is empty, so zeros, though they
     * count in part a; JA4_o keeps them, so it hashes "0000,0010".
     */

    hello(&h, SPEC_CIPHERS, "0000,0010", "", "h2");
    assert_string_equal(ja4(&h, 0), "t13d1502h2_8daaf6152771_" ZEROS);
    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL),
                        "t13d1502h2_" SPEC_CIPHERS "_0000,0010");

    /* signature algorithms but an empty extension list: still zeros */

    hello(&h, SPEC_CIPHERS, "0000", "0403", NULL);
    assert_string_equal(ja4(&h, 0), "t13d150100_8daaf6152771_" ZEROS);
    assert_string_equal(raw(&h, 0), "t13d150100_" "002f,0035,009c,009d,1301,"
                        "1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"
                        "__0403");
}


static void
test_counts(void **state)
{
    char                *s;
    ngx_uint_t           i;
    ngx_sg_ja4_hello_t   h;
    uint16_t             v[NGX_SG_JA4_MAX_VALUES];

    for (i = 0; i < NGX_SG_JA4_MAX_VALUES; i++) {
        v[i] = (uint16_t) (0x0100 + i);
    }

    hello(&h, "", "", "", NULL);
    h.ciphers = v;
    h.extensions = v;

    h.nciphers = 99;
    h.nextensions = 98;
    assert_memory_equal(ja4(&h, 0), "t13i9998", 8);

    h.nciphers = 100;
    h.nextensions = 150;
    assert_memory_equal(ja4(&h, 0), "t13i9999", 8);

    h.nciphers = NGX_SG_JA4_MAX_VALUES;
    h.nextensions = NGX_SG_JA4_MAX_VALUES;
    h.sigalgs = v;
    h.nsigalgs = NGX_SG_JA4_MAX_VALUES;
    assert_memory_equal(ja4(&h, 0), "t13i9999", 8);

    /* the raw form holds every value, however many */

    s = raw(&h, 0);
    assert_int_equal(strlen(s), 10 + 3 + 3 * (5 * 1024 - 1));

    /* GREASE does not count towards 99 */

    hello(&h, "", "", "", NULL);
    h.ciphers = greased(v, 99, &h.nciphers);
    assert_int_equal(h.nciphers, 115);
    assert_memory_equal(ja4(&h, 0), "t13i9900", 8);

    h.ciphers = greased(v, 5, &h.nciphers);
    assert_memory_equal(ja4(&h, 0), "t13i0500", 8);

    /* duplicates count and are listed */

    hello(&h, "1301,1301,002f,1301", "000a,000a", "0403,0403", NULL);
    assert_string_equal(raw(&h, 0),
                        "t13i040200_002f,1301,1301,1301_000a,000a_0403,0403");
}


/* sorting: many values, reversed, shuffled, with duplicates */

static int
is_grease(uint16_t v)
{
    ngx_uint_t  i;

    for (i = 0; i < 16; i++) {
        if (v == grease[i]) {
            return 1;
        }
    }

    return 0;
}


static int
cmp_u16(const void *a, const void *b)
{
    return (int) *(const uint16_t *) a - (int) *(const uint16_t *) b;
}


static void
test_sort(void **state)
{
    u_char              *p;
    char                *s, *expect;
    ngx_uint_t           i, round, n;
    ngx_sg_ja4_hello_t   h;
    uint16_t             v[NGX_SG_JA4_MAX_VALUES];
    uint16_t             wire[NGX_SG_JA4_MAX_VALUES];
    uint16_t             sorted[NGX_SG_JA4_MAX_VALUES];

    static const ngx_uint_t  sizes[] = { 1, 2, 3, 4, 5, 10, 57, 300, 702,
                                         1023, 1024 };

    for (round = 0; round < 3 * sizeof(sizes) / sizeof(sizes[0]); round++) {
        n = sizes[round % (sizeof(sizes) / sizeof(sizes[0]))];

        for (i = 0; i < n; i++) {
            switch (round % 3) {
            case 0:
                v[i] = (uint16_t) (0xfff0 - i);     /* reversed */
                break;
            case 1:
                v[i] = (uint16_t) rnd();
                break;
            default:
                v[i] = (uint16_t) (rnd() % 8);      /* many duplicates */
            }

            if (is_grease(v[i])) {
                v[i] = 0x1301;
            }
        }

        memcpy(wire, v, n * sizeof(uint16_t));
        memcpy(sorted, v, n * sizeof(uint16_t));
        qsort(sorted, n, sizeof(uint16_t), cmp_u16);

        expect = ngx_pnalloc(sg_pool, 5 * n + 1);
        assert_non_null(expect);

        p = (u_char *) expect;

        for (i = 0; i < n; i++) {
            p += sprintf((char *) p, i ? ",%04x" : "%04x", sorted[i]);
        }

        hello(&h, "", "", "", NULL);
        h.ciphers = v;
        h.nciphers = n;

        s = raw(&h, 0);
        s[strlen(s) - 1] = '\0';    /* the trailing "_" of part c */

        assert_string_equal(s + 11, expect);

        /* the caller's array is left in wire order */

        (void) ja4(&h, 0);
        assert_memory_equal(v, wire, n * sizeof(uint16_t));
    }
}


static void
test_limits(void **state)
{
    u_char               out[NGX_SG_JA4_LEN];
    ngx_str_t            s;
    ngx_sg_ja4_hello_t   h;
    uint16_t             v[NGX_SG_JA4_MAX_VALUES + 1];

    ngx_memzero(v, sizeof(v));

    hello(&h, "", "", "", NULL);
    h.ciphers = v;
    h.nciphers = NGX_SG_JA4_MAX_VALUES + 1;
    assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_DECLINED);
    assert_int_equal(ngx_sg_ja4_raw(sg_pool, &h, 0, &s), NGX_DECLINED);

    hello(&h, "", "", "", NULL);
    h.extensions = v;
    h.nextensions = NGX_SG_JA4_MAX_VALUES + 1;
    assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_DECLINED);

    hello(&h, "", "", "", NULL);
    h.sigalgs = v;
    h.nsigalgs = NGX_SG_JA4_MAX_VALUES + 1;
    assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_DECLINED);

    hello(&h, "", "", "", NULL);
    h.versions = v;
    h.nversions = NGX_SG_JA4_MAX_VALUES + 1;
    assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_DECLINED);

    hello(&h, "", "", "", NULL);
    h.nciphers = 1;
    assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_DECLINED);

    hello(&h, "", "", "", NULL);
    h.alpn.len = 2;
    assert_int_equal(ngx_sg_ja4_raw(sg_pool, &h, 0, &s), NGX_DECLINED);
}


static void
test_raw_nomem(void **state)
{
    ngx_str_t           s;
    ngx_sg_ja4_hello_t  h;

    spec_hello(&h);

    ngx_stub_fail_after = 1;
    assert_int_equal(ngx_sg_ja4_raw(sg_pool, &h, 0, &s), NGX_ERROR);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_spec_example, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_grease_ignored, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_foxio_sigalg_grease, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_foxio_nginx_module, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_alpn, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_version, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_sni_quic, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_empty, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_counts, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_sort, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_limits, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_raw_nomem, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("ja4", tests, NULL, NULL);
}
