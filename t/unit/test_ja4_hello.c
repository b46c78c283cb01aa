
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JA4 from whole ClientHello messages: built ones, malformed, truncated
 * and mutated ones in exactly-sized heap buffers, and a real OpenSSL
 * client through memory BIOs, compared with what the client-hello
 * callback accessors give.
 */


#include "ja4_test.h"

#include <openssl/ssl.h>


typedef struct {
    u_char      data[8192];
    size_t      len;
} bytes_t;


static void
put(bytes_t *b, const void *data, size_t len)
{
    assert_true(b->len + len <= sizeof(b->data));

    memcpy(b->data + b->len, data, len);
    b->len += len;
}


static void
put8(bytes_t *b, unsigned v)
{
    u_char  c;

    c = (u_char) v;
    put(b, &c, 1);
}


static void
put16(bytes_t *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}


static void
ext(bytes_t *b, unsigned type, const char *data, size_t len)
{
    put16(b, type);
    put16(b, len);
    put(b, data, len);
}


/* handshake header, type client_hello, around body */

static void
message(bytes_t *out, bytes_t *body)
{
    out->len = 0;

    put8(out, 1);
    put8(out, body->len >> 16);
    put16(out, body->len & 0xffff);
    put(out, body->data, body->len);
}


/* up to the extensions block: version, random, session id, suites */

static void
hello_start(bytes_t *b, const char *ciphers, size_t len)
{
    u_char  random[32];

    memset(random, 0x42, sizeof(random));

    b->len = 0;

    put16(b, 0x0303);
    put(b, random, sizeof(random));
    put8(b, 32);
    put(b, random, 32);
    put16(b, len);
    put(b, ciphers, len);
    put8(b, 1);
    put8(b, 0);
}


#define SPEC_WIRE_CIPHERS                                                     \
    "\x5a\x5a\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f\xc0\x2c\xc0\x30"        \
    "\xcc\xa9\xcc\xa8\xc0\x13\xc0\x14\x00\x9c\x00\x9d\x00\x2f\x00\x35"

/* the JA4.md example as a browser might send it, GREASE included */

static void
spec_client_hello(bytes_t *out)
{
    u_char    pad[40];
    bytes_t   body, exts;

    static const char  sigalgs[] =
        "\x00\x10\x04\x03\x08\x04\x04\x01\x05\x03\x08\x05\x05\x01\x08\x06"
        "\x06\x01";

    hello_start(&body, SPEC_WIRE_CIPHERS, 32);

    exts.len = 0;

    ext(&exts, 0x3a3a, "", 0);
    ext(&exts, 0x001b, "\x02\x00\x02", 3);
    ext(&exts, 0x0000, "\x00\x0e\x00\x00\x0b" "example.com", 16);
    ext(&exts, 0x0033, "\x00\x06\x3a\x3a\x00\x01\x00", 7);
    ext(&exts, 0x0010, "\x00\x0c\x02h2\x08http/1.1", 14);
    ext(&exts, 0x4469, "\x00\x03\x02h2", 5);
    ext(&exts, 0x0017, "", 0);
    ext(&exts, 0x002d, "\x01\x01", 2);
    ext(&exts, 0x000d, sigalgs, sizeof(sigalgs) - 1);
    ext(&exts, 0x0005, "\x01\x00\x00\x00\x00", 5);
    ext(&exts, 0x0023, "", 0);
    ext(&exts, 0x0012, "", 0);
    ext(&exts, 0x002b, "\x06\xea\xea\x03\x04\x03\x03", 7);
    ext(&exts, 0xff01, "\x00", 1);
    ext(&exts, 0x000b, "\x01\x00", 2);
    ext(&exts, 0x000a, "\x00\x04\x00\x1d\x00\x17", 6);

    memset(pad, 0, sizeof(pad));
    ext(&exts, 0x0015, (char *) pad, sizeof(pad));

    ext(&exts, 0xbaba, "\x00", 1);

    put16(&body, exts.len);
    put(&body, exts.data, exts.len);

    message(out, &body);
}


static ngx_int_t
parse_hello(ngx_sg_ja4_hello_t *h, u_char *data, size_t len)
{
    u_char     *p;
    ngx_int_t   rc;

    p = exact(data, len);
    rc = ngx_sg_ja4_parse_client_hello(sg_pool, h, p, len);
    free(p);

    return rc;
}


static void
test_client_hello(void **state)
{
    bytes_t             *m;
    ngx_sg_ja4_hello_t   h;

    m = ngx_palloc(sg_pool, sizeof(bytes_t));
    assert_non_null(m);

    spec_client_hello(m);

    ngx_memzero(&h, sizeof(h));
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);

    assert_int_equal(h.legacy_version, 0x0303);
    assert_int_equal(h.nciphers, 16);
    assert_int_equal(h.nextensions, 18);
    assert_int_equal(h.nversions, 3);
    assert_int_equal(h.nsigalgs, 8);
    assert_int_equal(h.alpn.len, 2);

    assert_string_equal(ja4(&h, 0), SPEC_JA4);
    assert_string_equal(raw(&h, 0), SPEC_JA4_R);
    assert_string_equal(ja4(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_O);
    assert_string_equal(raw(&h, NGX_SG_JA4_ORIGINAL), SPEC_JA4_RO);

    /* QUIC is the caller's to say */

    h.quic = 1;
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);
    assert_memory_equal(ja4(&h, 0), "q13d1516h2_", 11);
}


static void
test_client_hello_tls12(void **state)
{
    bytes_t             *b, *m;
    ngx_sg_ja4_hello_t   h;

    b = ngx_palloc(sg_pool, sizeof(bytes_t));
    m = ngx_palloc(sg_pool, sizeof(bytes_t));
    assert_non_null(b);
    assert_non_null(m);

    /* no extensions block at all (RFC 5246 7.4.1.2) */

    hello_start(b, "\xc0\x2f\x00\x9c\x00\xff", 6);
    message(m, b);

    ngx_memzero(&h, sizeof(h));
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);
    assert_int_equal(h.nextensions, 0);
    assert_string_equal(raw(&h, 0), "t12i030000_009c,00ff,c02f_");
    assert_memory_equal(ja4(&h, 0) + 24, ZEROS, 12);

    /* an empty one */

    put16(b, 0);
    message(m, b);

    ngx_memzero(&h, sizeof(h));
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);
    assert_int_equal(h.nextensions, 0);
    assert_string_equal(raw(&h, 0), "t12i030000_009c,00ff,c02f_");

    /* SSL 3.0 and TLS 1.0 hellos: the legacy version */

    b->data[0] = 3;
    b->data[1] = 0;
    message(m, b);
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);
    assert_memory_equal(ja4(&h, 0), "ts3i", 4);
}


static void
test_client_hello_malformed(void **state)
{
    size_t               i;
    bytes_t             *b, *m, *exts;
    ngx_sg_ja4_hello_t   h, before;

    b = ngx_palloc(sg_pool, sizeof(bytes_t));
    m = ngx_palloc(sg_pool, sizeof(bytes_t));
    exts = ngx_palloc(sg_pool, sizeof(bytes_t));
    assert_non_null(b);
    assert_non_null(m);
    assert_non_null(exts);

    spec_client_hello(m);

    ngx_memzero(&h, sizeof(h));
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);
    before = h;

#define bad()                                                                 \
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_DECLINED);         \
    assert_memory_equal(&h, &before, sizeof(h))

    /* the handshake header */

    m->data[0] = 2;
    bad();
    m->data[0] = 1;

    m->data[3]++;
    bad();
    m->data[3] -= 2;
    bad();
    m->data[3]++;

    assert_int_equal(parse_hello(&h, m->data, 3), NGX_DECLINED);
    assert_int_equal(parse_hello(&h, m->data, 0), NGX_DECLINED);

    /* legacy_session_id over 32 bytes */

    hello_start(b, "\x13\x01", 2);
    b->data[34] = 33;
    message(m, b);
    bad();

    /* cipher suites: empty, odd, too long */

    hello_start(b, "", 0);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01\x13", 3);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    b->data[2 + 32 + 1 + 32 + 1] = 200;
    message(m, b);
    bad();

    /* compression methods: empty, or longer than the message */

    hello_start(b, "\x13\x01", 2);
    b->data[b->len - 2] = 0;
    b->len--;
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    b->data[b->len - 2] = 2;
    message(m, b);
    bad();

    /* extensions: a lone byte, a short block, a long block, trailing data */

    hello_start(b, "\x13\x01", 2);
    put8(b, 0);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 4);
    ext(b, 0x0017, "", 0);
    put8(b, 0);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 5);
    ext(b, 0x0017, "", 0);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 3);
    put(b, "\x00\x17\x00", 3);
    message(m, b);
    bad();

    /* an extension longer than the block */

    hello_start(b, "\x13\x01", 2);
    put16(b, 5);
    put(b, "\x00\x17\x00\x02\x00", 5);
    message(m, b);
    bad();

    /* a malformed payload of the three that are read */

    hello_start(b, "\x13\x01", 2);
    put16(b, 6);
    ext(b, 0x0010, "\x00\x00", 2);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 8);
    ext(b, 0x002b, "\x02\x03\x04\x03", 4);      /* trailing byte */
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 8);
    ext(b, 0x000d, "\x00\x01\x04\x03", 4);
    message(m, b);
    bad();

    /* one of them twice */

    hello_start(b, "\x13\x01", 2);
    put16(b, 18);
    ext(b, 0x0010, "\x00\x03\x02h2", 5);
    ext(b, 0x0010, "\x00\x03\x02h3", 5);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 14);
    ext(b, 0x002b, "\x02\x03\x04", 3);
    ext(b, 0x002b, "\x02\x03\x04", 3);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, 16);
    ext(b, 0x000d, "\x00\x02\x04\x03", 4);
    ext(b, 0x000d, "\x00\x02\x08\x04", 4);
    message(m, b);
    bad();

    /* more extensions than the limit (empty ones, 4 bytes each) */

    exts->len = 0;

    for (i = 0; i <= NGX_SG_JA4_MAX_VALUES; i++) {
        ext(exts, 0x1000 + i, "", 0);
    }

    hello_start(b, "\x13\x01", 2);
    put16(b, exts->len);
    put(b, exts->data, exts->len);
    message(m, b);
    bad();

    hello_start(b, "\x13\x01", 2);
    put16(b, exts->len - 4);
    put(b, exts->data, exts->len - 4);
    message(m, b);
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_OK);
    assert_int_equal(h.nextensions, NGX_SG_JA4_MAX_VALUES);

#undef bad

    spec_client_hello(m);

    ngx_stub_fail_after = 1;
    assert_int_equal(parse_hello(&h, m->data, m->len), NGX_ERROR);
}


/*
 * Every truncation, with the handshake length fixed up so that the cut
 * reaches the inner fields, and random corruption: only NGX_OK or
 * NGX_DECLINED, and what is accepted fingerprints.
 */

static void
test_client_hello_mutated(void **state)
{
    size_t               len, i, n;
    bytes_t             *good, *m;
    ngx_int_t            rc;
    ngx_str_t            s;
    ngx_uint_t           round, accepted;
    ngx_sg_ja4_hello_t   h;
    u_char               out[NGX_SG_JA4_LEN];

    good = malloc(sizeof(bytes_t));
    m = malloc(sizeof(bytes_t));
    assert_non_null(good);
    assert_non_null(m);

    spec_client_hello(good);

    for (len = 4; len < good->len; len++) {
        memcpy(m->data, good->data, len);
        m->data[1] = 0;
        m->data[2] = (u_char) ((len - 4) >> 8);
        m->data[3] = (u_char) (len - 4);

        ngx_memzero(&h, sizeof(h));
        rc = parse_hello(&h, m->data, len);

        /*
         * A cut that falls exactly between the compression methods and
         * the extensions is a valid hello without extensions.
         */

        if (rc == NGX_OK) {
            assert_int_equal(h.nextensions, 0);
            continue;
        }

        assert_int_equal(rc, NGX_DECLINED);
    }

    accepted = 0;

    for (round = 0; round < 30000; round++) {

        if (round % 1000 == 0) {
            sg_teardown(state);
            sg_setup(state);
        }

        memcpy(m->data, good->data, good->len);
        m->len = good->len;

        n = 1 + rnd() % 4;

        for (i = 0; i < n; i++) {
            m->data[4 + rnd() % (m->len - 4)] = (u_char) rnd();
        }

        /* often a cut too, with a matching header */

        if (rnd() % 2) {
            m->len = 4 + rnd() % (m->len - 4);
            m->data[1] = 0;
            m->data[2] = (u_char) ((m->len - 4) >> 8);
            m->data[3] = (u_char) (m->len - 4);
        }

        ngx_memzero(&h, sizeof(h));
        rc = parse_hello(&h, m->data, m->len);

        if (rc != NGX_OK) {
            assert_int_equal(rc, NGX_DECLINED);
            continue;
        }

        accepted++;

        assert_int_equal(ngx_sg_ja4(&h, 0, out), NGX_OK);
        assert_int_equal(ngx_sg_ja4(&h, NGX_SG_JA4_ORIGINAL, out), NGX_OK);
        assert_int_equal(ngx_sg_ja4_raw(sg_pool, &h, NGX_SG_JA4_ORIGINAL,
                                        &s),
                         NGX_OK);
    }

    assert_true(accepted > 1000);

    free(good);
    free(m);
}


/*
 * A real OpenSSL client, through memory BIOs: the whole-message parser
 * and the client-hello callback accessors the glue can use must agree;
 * with an extension OpenSSL does not implement, the accessor loses it.
 */

typedef struct {
    ngx_int_t    rc;
    u_char       ja4[NGX_SG_JA4_LEN];
    ngx_uint_t   nextensions;
} cb_result_t;


static int
hello_cb(SSL *ssl, int *al, void *arg)
{
    int                 *types;
    size_t               len, n;
    ngx_int_t            rc;
    cb_result_t         *r;
    const u_char        *p;
    ngx_sg_ja4_hello_t   h;

    r = arg;

    ngx_memzero(&h, sizeof(h));

    h.legacy_version = (uint16_t) SSL_client_hello_get0_legacy_version(ssl);

    len = SSL_client_hello_get0_ciphers(ssl, &p);
    rc = ngx_sg_ja4_parse_ciphers(sg_pool, &h, p, len);

    if (rc == NGX_OK) {
        if (SSL_client_hello_get1_extensions_present(ssl, &types, &n) != 1) {
            r->rc = NGX_ERROR;
            return SSL_CLIENT_HELLO_RETRY;
        }

        rc = ngx_sg_ja4_parse_extension_types(sg_pool, &h, types, n);
        OPENSSL_free(types);
    }

    if (rc == NGX_OK && SSL_client_hello_get0_ext(ssl, 0x002b, &p, &len)) {
        rc = ngx_sg_ja4_parse_supported_versions(sg_pool, &h, p, len);
    }

    if (rc == NGX_OK && SSL_client_hello_get0_ext(ssl, 0x000d, &p, &len)) {
        rc = ngx_sg_ja4_parse_sigalgs(sg_pool, &h, p, len);
    }

    if (rc == NGX_OK && SSL_client_hello_get0_ext(ssl, 0x0010, &p, &len)) {
        rc = ngx_sg_ja4_parse_alpn(sg_pool, &h, p, len);
    }

    if (rc == NGX_OK) {
        rc = ngx_sg_ja4(&h, 0, r->ja4);
    }

    r->rc = rc;
    r->nextensions = h.nextensions;

    /* stop here: the test server has no certificate */

    return SSL_CLIENT_HELLO_RETRY;
}


static int
custom_ext_add(SSL *ssl, unsigned int type, const unsigned char **out,
    size_t *outlen, int *al, void *arg)
{
    *out = (const unsigned char *) "\x00\x03\x02h2";
    *outlen = 5;

    return 1;
}


static void
openssl_hello(ngx_uint_t custom, char *via_message, cb_result_t *r,
    ngx_uint_t *nextensions)
{
    int                  len;
    SSL                 *c, *s;
    SSL_CTX             *cctx, *sctx;
    ngx_sg_ja4_hello_t   h;
    u_char               rec[4096];

    cctx = SSL_CTX_new(TLS_client_method());
    sctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(cctx);
    assert_non_null(sctx);

    if (custom) {
        assert_int_equal(SSL_CTX_add_client_custom_ext(cctx, 0x4469,
                                                       custom_ext_add, NULL,
                                                       NULL, NULL, NULL),
                         1);
    }

    SSL_CTX_set_client_hello_cb(sctx, hello_cb, r);

    c = SSL_new(cctx);
    s = SSL_new(sctx);
    assert_non_null(c);
    assert_non_null(s);

    SSL_set_bio(c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));

    assert_int_equal(SSL_set_tlsext_host_name(c, "example.com"), 1);
    assert_int_equal(SSL_set_alpn_protos(c,
                                         (u_char *) "\x02h2\x08http/1.1", 12),
                     0);

    assert_int_equal(SSL_connect(c), -1);
    assert_int_equal(SSL_get_error(c, -1), SSL_ERROR_WANT_READ);

    /* one handshake record: type 22, version, length, the ClientHello */

    len = BIO_read(SSL_get_wbio(c), rec, sizeof(rec));
    assert_true(len > 5);
    assert_int_equal(rec[0], 22);
    assert_int_equal((rec[3] << 8 | rec[4]) + 5, len);

    ngx_memzero(&h, sizeof(h));
    assert_int_equal(parse_hello(&h, rec + 5, len - 5), NGX_OK);
    assert_int_equal(ngx_sg_ja4(&h, 0, (u_char *) via_message), NGX_OK);
    *nextensions = h.nextensions;

    r->rc = NGX_AGAIN;

    assert_int_equal(BIO_write(SSL_get_rbio(s), rec, len), len);
    assert_int_equal(SSL_accept(s), -1);
    assert_int_equal(SSL_get_error(s, -1), SSL_ERROR_WANT_CLIENT_HELLO_CB);

    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}


static void
test_openssl_client(void **state)
{
    char         via_message[NGX_SG_JA4_LEN];
    ngx_uint_t   n;
    cb_result_t  r;

    openssl_hello(0, via_message, &r, &n);

    assert_int_equal(r.rc, NGX_OK);
    assert_memory_equal(via_message, "t13d", 4);
    assert_memory_equal(via_message + 8, "h2_", 3);
    assert_memory_equal(r.ja4, via_message, NGX_SG_JA4_LEN);
    assert_int_equal(r.nextensions, n);

    /* 0x4469 is unknown to OpenSSL: the accessor path misses it */

    openssl_hello(1, via_message, &r, &n);

    assert_int_equal(r.rc, NGX_OK);
    assert_int_equal(r.nextensions + 1, n);
    assert_memory_not_equal(r.ja4, via_message, NGX_SG_JA4_LEN);
    assert_memory_equal(r.ja4, via_message, 6);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_client_hello, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_client_hello_tls12, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_client_hello_malformed, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_client_hello_mutated, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_openssl_client, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("ja4_hello", tests, NULL, NULL);
}
