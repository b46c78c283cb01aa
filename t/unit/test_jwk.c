
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <openssl/obj_mac.h>


static EVP_PKEY  *rsa2048, *rsa1024, *ec256, *ec384, *ec521, *ed25519;


static ngx_int_t
import(json_t *jwk, ngx_sg_key_t *key, const char **reason)
{
    *reason = "";

    return ngx_sg_jwk_import(sg_pool, jwk, key, reason);
}


static void
expect(json_t *jwk, ngx_int_t rc, const char *why)
{
    const char    *reason;
    ngx_sg_key_t   key;

    if (import(jwk, &key, &reason) != rc) {
        fail_msg("expected %d \"%s\", got \"%s\"", (int) rc, why, reason);
    }

    assert_string_equal(reason, why);
}


/* a copy of a JWK with one member replaced (value NULL: removed) */

static json_t *
with(json_t *jwk, const char *name, json_t *value)
{
    json_t  *copy;

    copy = sg_own(json_deep_copy(jwk));

    if (value) {
        json_object_set_new(copy, name, value);

    } else {
        json_object_del(copy, name);
    }

    return copy;
}


static ngx_int_t
jwks(const char *text, ngx_array_t **keys, const char **reason)
{
    *keys = ngx_array_create(sg_pool, 2, sizeof(ngx_sg_key_t));
    assert_non_null(*keys);

    *reason = "";

    return ngx_sg_jwks_import(sg_pool, &sg_log, (u_char *) text,
                              strlen(text), *keys, reason);
}


static int
group_setup(void **state)
{
    rsa2048 = sg_keygen("RSA", NULL, 2048);
    rsa1024 = sg_keygen("RSA", NULL, 1024);
    ec256 = sg_keygen("EC", "P-256", 0);
    ec384 = sg_keygen("EC", "P-384", 0);
    ec521 = sg_keygen("EC", "P-521", 0);
    ed25519 = sg_keygen("ED25519", NULL, 0);

    return 0;
}


static int
group_teardown(void **state)
{
    EVP_PKEY_free(rsa2048);
    EVP_PKEY_free(rsa1024);
    EVP_PKEY_free(ec256);
    EVP_PKEY_free(ec384);
    EVP_PKEY_free(ec521);
    EVP_PKEY_free(ed25519);

    return 0;
}


static void
test_rfc7517(void **state)
{
    json_t        *v;
    const char    *reason;
    ngx_sg_key_t   key;

    v = sg_load("vectors/jose/rfc7517_jwks.json");

    /* "use":"enc" */
    expect(sg_get(v, "public_jwks.keys.0"), NGX_DONE, "key not for signing");

    assert_int_equal(import(sg_get(v, "public_jwks.keys.1"), &key, &reason),
                     NGX_OK);
    assert_int_equal(key.kty, NGX_SG_KTY_RSA);
    assert_int_equal(key.bits, 2048);
    assert_non_null(key.pkey);
    assert_int_equal(key.kid.len, 10);
    assert_memory_equal(key.kid.data, "2011-04-29", 10);
    assert_int_equal(key.alg.len, 5);
    assert_memory_equal(key.alg.data, "RS256", 5);

    /* private members are ignored, the public part is imported */
    assert_int_equal(import(sg_get(v, "private_jwks.keys.1"), &key,
                            &reason),
                     NGX_OK);
    assert_int_equal(key.kty, NGX_SG_KTY_RSA);

    /* "alg":"A128KW" is a key for something else */
    expect(sg_get(v, "symmetric_jwks.keys.0"), NGX_DONE, "unsupported alg");

    /* the JWS A.1 HMAC key */
    assert_int_equal(import(sg_get(v, "symmetric_jwks.keys.1"), &key,
                            &reason),
                     NGX_OK);
    assert_int_equal(key.kty, NGX_SG_KTY_OCT);
    assert_int_equal(key.secret.len, 64);
    assert_null(key.pkey);
}


static void
test_generated(void **state)
{
    const char    *reason;
    ngx_sg_key_t   key;

    assert_int_equal(import(sg_jwk(ec256, "e1", NULL), &key, &reason),
                     NGX_OK);
    assert_int_equal(key.kty, NGX_SG_KTY_EC);
    assert_int_equal(key.curve, NID_X9_62_prime256v1);

    assert_int_equal(import(sg_jwk(ec384, NULL, "ES384"), &key, &reason),
                     NGX_OK);
    assert_int_equal(key.curve, NID_secp384r1);
    assert_int_equal(key.kid.len, 0);

    assert_int_equal(import(sg_jwk(ec521, NULL, NULL), &key, &reason),
                     NGX_OK);
    assert_int_equal(key.curve, NID_secp521r1);
    assert_int_equal(key.bits, 521);

    assert_int_equal(import(sg_jwk(ed25519, NULL, "EdDSA"), &key, &reason),
                     NGX_OK);
    assert_int_equal(key.kty, NGX_SG_KTY_OKP);
    assert_int_equal(key.curve, NID_ED25519);

    assert_int_equal(import(sg_jwk(rsa2048, "r", "PS256"), &key, &reason),
                     NGX_OK);
    assert_int_equal(key.kty, NGX_SG_KTY_RSA);
}


static void
test_rsa(void **state)
{
    json_t  *jwk;
    char     nine[9];

    expect(sg_jwk(rsa1024, NULL, NULL), NGX_DECLINED, "rsa key too small");

    jwk = sg_jwk(rsa2048, NULL, NULL);

    expect(with(jwk, "e", json_string("AQ")), NGX_DECLINED,
           "bad rsa exponent");
    expect(with(jwk, "e", json_string("Ag")), NGX_DECLINED,
           "bad rsa exponent");
    expect(with(jwk, "e", json_string("")), NGX_DECLINED,
           "bad rsa exponent");

    memset(nine, 0xff, sizeof(nine));
    expect(with(jwk, "e", json_string(sg_b64(nine, 9))), NGX_DECLINED,
           "bad rsa exponent");

    /* leading zero octets are tolerated: the value is the same */
    expect(with(jwk, "e", json_string("AAEAAQ")), NGX_OK, "");

    expect(with(jwk, "e", json_string("AQA=")), NGX_DECLINED,
           "bad rsa exponent");
    expect(with(jwk, "e", NULL), NGX_DECLINED, "bad rsa key");
    expect(with(jwk, "n", NULL), NGX_DECLINED, "bad rsa key");
    expect(with(jwk, "n", json_integer(5)), NGX_DECLINED, "bad rsa key");
    expect(with(jwk, "n", json_string("")), NGX_DECLINED,
           "rsa key too small");
    expect(with(jwk, "n", json_string("A+")), NGX_DECLINED, "bad rsa key");

    /* an even modulus */
    expect(with(jwk, "n", json_string(sg_printf("%.340s%s",
                                                json_string_value(
                                                json_object_get(jwk, "n")),
                                                "AAAA"))),
           NGX_DECLINED, "bad rsa key");
}


static void
test_rsa_too_large(void **state)
{
    char    *n;
    size_t   len;
    u_char  *raw;

    /* 16392 bits: refused before any big number is made */

    len = NGX_SG_RSA_MAX_BITS / 8 + 1;
    raw = ngx_palloc(sg_pool, len + 10);
    assert_non_null(raw);
    memset(raw, 0xff, len + 10);

    n = sg_b64(raw, len);

    expect(sg_json(sg_printf("{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"%s\"}",
                             n)),
           NGX_DECLINED, "rsa key too large");

    n = sg_b64(raw, len + 10);
    expect(sg_json(sg_printf("{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"%s\"}",
                             n)),
           NGX_DECLINED, "rsa key too large");
}


static void
test_ec(void **state)
{
    json_t      *jwk;
    ngx_str_t    y;
    const char  *s;
    EVP_PKEY    *k;

    jwk = sg_jwk(ec256, NULL, NULL);

    expect(with(jwk, "crv", json_string("P-192")), NGX_DONE,
           "unsupported curve");
    expect(with(jwk, "crv", json_string("secp256k1")), NGX_DONE,
           "unsupported curve");
    expect(with(jwk, "crv", json_string("P-384")), NGX_DECLINED,
           "bad ec key");
    expect(with(jwk, "crv", NULL), NGX_DECLINED, "bad ec key");
    expect(with(jwk, "x", NULL), NGX_DECLINED, "bad ec key");
    expect(with(jwk, "y", json_true()), NGX_DECLINED, "bad ec key");

    /* a coordinate one octet short (leading zero stripped) or long */

    expect(with(jwk, "x", json_string(sg_b64("0123456789012345678901234567890",
                                             31))),
           NGX_DECLINED, "bad ec key");
    expect(with(jwk, "x", json_string(sg_b64("012345678901234567890123456789"
                                             "012", 33))),
           NGX_DECLINED, "bad ec key");

    /* a point off the curve */

    y = sg_unb64(json_string_value(json_object_get(jwk, "y")));
    y.data[31] ^= 1;
    expect(with(jwk, "y", json_string(sg_b64(y.data, y.len))),
           NGX_DECLINED, "bad ec key");

    /* coordinates not below the field prime: x = p */

    expect(with(jwk, "x", json_string(
               "_____wAAAAEAAAAAAAAAAAAAAAD_______________8")),
           NGX_DECLINED, "bad ec key");

    /* the key's alg must fit its curve */

    expect(with(jwk, "alg", json_string("ES384")), NGX_DECLINED,
           "jwk alg mismatch");
    expect(with(jwk, "alg", json_string("RS256")), NGX_DECLINED,
           "jwk alg mismatch");
    expect(with(jwk, "alg", json_string("ES256")), NGX_OK, "");

    /* P-521 coordinates are 66 octets even when the top ones are zero */

    k = sg_keygen("EC", "P-521", 0);
    s = json_string_value(json_object_get(sg_jwk(k, NULL, NULL), "x"));
    assert_int_equal(strlen(s), 88);
    EVP_PKEY_free(k);
}


static void
test_okp(void **state)
{
    json_t    *jwk;
    EVP_PKEY  *k;

    jwk = sg_jwk(ed25519, NULL, NULL);

    expect(with(jwk, "crv", json_string("X25519")), NGX_DONE,
           "unsupported curve");
    expect(with(jwk, "crv", json_string("Ed448")), NGX_DONE,
           "unsupported curve");
    expect(with(jwk, "x", json_string("AAAA")), NGX_DECLINED,
           "bad okp key");
    expect(with(jwk, "x", NULL), NGX_DECLINED, "bad okp key");
    expect(with(jwk, "alg", json_string("ES256")), NGX_DECLINED,
           "jwk alg mismatch");

    k = sg_keygen("ED448", NULL, 0);
    expect(sg_jwk(k, NULL, NULL), NGX_DONE, "unsupported curve");
    EVP_PKEY_free(k);
}


static void
test_oct(void **state)
{
    u_char   secret[64];
    json_t  *jwk;

    memset(secret, 0x5a, sizeof(secret));

    jwk = sg_json(sg_printf("{\"kty\":\"oct\",\"k\":\"%s\"}",
                            sg_b64(secret, 32)));
    expect(jwk, NGX_OK, "");

    expect(with(jwk, "k", json_string(sg_b64(secret, 31))), NGX_DECLINED,
           "hmac key too short");
    expect(with(jwk, "k", json_string("")), NGX_DECLINED, "bad oct key");
    expect(with(jwk, "k", NULL), NGX_DECLINED, "bad oct key");
    expect(with(jwk, "k", json_string("a+b/")), NGX_DECLINED, "bad oct key");
    expect(with(jwk, "alg", json_string("RS256")), NGX_DECLINED,
           "jwk alg mismatch");

    /* "d" is not the secret of an oct key */
    expect(sg_json(sg_printf("{\"kty\":\"oct\",\"d\":\"%s\"}",
                             sg_b64(secret, 32))),
           NGX_DECLINED, "bad oct key");
}


static void
test_members(void **state)
{
    json_t  *jwk;
    char     kid[NGX_SG_KID_MAX_LEN + 2];

    jwk = sg_jwk(ec256, NULL, NULL);

    expect(with(jwk, "kty", NULL), NGX_DECLINED, "missing kty");
    expect(with(jwk, "kty", json_integer(1)), NGX_DECLINED, "bad jwk");
    expect(with(jwk, "kty", json_string("ec")), NGX_DONE,
           "unsupported kty");
    expect(with(jwk, "kty", json_string("AKP")), NGX_DONE,
           "unsupported kty");

    expect(with(jwk, "use", json_string("sig")), NGX_OK, "");
    expect(with(jwk, "use", json_string("enc")), NGX_DONE,
           "key not for signing");
    expect(with(jwk, "use", json_integer(1)), NGX_DECLINED, "bad jwk");

    expect(with(jwk, "key_ops",
                json_loads("[\"sign\",\"verify\"]", 0, NULL)),
           NGX_OK, "");
    expect(with(jwk, "key_ops", json_loads("[\"encrypt\"]", 0, NULL)), NGX_DONE,
           "key not for signing");
    expect(with(jwk, "key_ops", json_loads("[]", 0, NULL)), NGX_DONE,
           "key not for signing");
    expect(with(jwk, "key_ops", json_string("verify")), NGX_DECLINED,
           "bad jwk");
    expect(with(jwk, "key_ops", json_loads("[\"verify\",1]", 0, NULL)),
           NGX_DECLINED, "bad jwk");

    expect(with(jwk, "alg", json_string("RSA-OAEP")), NGX_DONE,
           "unsupported alg");
    expect(with(jwk, "alg", json_string("none")), NGX_DONE,
           "unsupported alg");
    expect(with(jwk, "alg", json_integer(1)), NGX_DECLINED, "bad jwk");

    memset(kid, 'k', sizeof(kid));
    kid[NGX_SG_KID_MAX_LEN] = '\0';
    expect(with(jwk, "kid", json_string(kid)), NGX_OK, "");

    kid[NGX_SG_KID_MAX_LEN] = 'k';
    kid[NGX_SG_KID_MAX_LEN + 1] = '\0';
    expect(with(jwk, "kid", json_string(kid)), NGX_DECLINED, "bad kid");
    expect(with(jwk, "kid", json_integer(1)), NGX_DECLINED, "bad kid");

    expect(sg_json("[]"), NGX_DECLINED, "bad jwk");
    expect(NULL, NGX_DECLINED, "bad jwk");
}


static void
test_jwks(void **state)
{
    char          *doc;
    ngx_array_t   *keys;
    const char    *reason;
    ngx_sg_key_t  *k;

    doc = sg_printf("{\"keys\":[{\"kty\":\"XYZ\",\"kid\":\"x\"},%s,"
                    "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},%s,"
                    "%s]}",
                    sg_dump(sg_jwk(ec256, "a", NULL)),
                    sg_dump(sg_jwk(rsa1024, "small", NULL)),
                    sg_dump(sg_jwk(ed25519, "b", NULL)));

    assert_int_equal(jwks(doc, &keys, &reason), NGX_OK);
    assert_int_equal(keys->nelts, 2);

    /* unknown kty, RSA too small twice: three warnings */
    assert_int_equal(ngx_stub_warnings, 3);

    k = keys->elts;
    assert_int_equal(k[0].kty, NGX_SG_KTY_EC);
    assert_memory_equal(k[0].kid.data, "a", 1);
    assert_int_equal(k[1].kty, NGX_SG_KTY_OKP);
    assert_memory_equal(k[1].kid.data, "b", 1);

    /* a single JWK is a document too */

    assert_int_equal(jwks(sg_dump(sg_jwk(ec384, "c", NULL)), &keys,
                          &reason),
                     NGX_OK);
    assert_int_equal(keys->nelts, 1);
}


static void
test_jwks_bad(void **state)
{
    char         *doc, *p;
    size_t        len;
    ngx_uint_t    i;
    ngx_array_t  *keys;
    const char   *reason;

    assert_int_equal(jwks("{\"keys\":[{\"kty\":\"XYZ\"},{\"kty\":\"oct\","
                          "\"k\":\"AAAA\"}]}", &keys, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "no usable key");
    assert_int_equal(keys->nelts, 0);

    assert_int_equal(jwks("{\"keys\":[]}", &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "no usable key");

    assert_int_equal(jwks("not json", &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad json");

    assert_int_equal(jwks("[]", &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "json not object");

    assert_int_equal(jwks("{\"keys\":{}}", &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad jwks");

    assert_int_equal(jwks("{\"keys\":[1]}", &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad jwks");

    assert_int_equal(jwks("{\"x\":1}", &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "missing kty");

    assert_int_equal(jwks("{\"kty\":\"XYZ\"}", &keys, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "no usable key");

    assert_int_equal(jwks(sg_dump(sg_jwk(rsa1024, NULL, NULL)), &keys,
                          &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "rsa key too small");

    /* too many keys: refused before any is imported */

    doc = ngx_palloc(sg_pool, 20 * (NGX_SG_JWKS_MAX_KEYS + 1) + 16);
    assert_non_null(doc);

    p = stpcpy(doc, "{\"keys\":[");

    for (i = 0; i <= NGX_SG_JWKS_MAX_KEYS; i++) {
        p = stpcpy(p, i ? ",{\"kty\":\"XYZ\"}" : "{\"kty\":\"XYZ\"}");
    }

    stpcpy(p, "]}");

    ngx_stub_warnings = 0;
    assert_int_equal(jwks(doc, &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "too many keys");
    assert_int_equal(ngx_stub_warnings, 0);

    /* too large */

    len = NGX_SG_JWKS_MAX_SIZE + 1;
    doc = ngx_palloc(sg_pool, len + 1);
    assert_non_null(doc);
    memset(doc, ' ', len);
    doc[0] = '{';
    doc[len - 1] = '}';
    doc[len] = '\0';

    assert_int_equal(jwks(doc, &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "jwks too large");

    doc[len - 1] = ' ';
    doc[len - 2] = '}';
    doc[len - 1] = '\0';
    assert_int_equal(jwks(doc, &keys, &reason), NGX_DECLINED);
    assert_string_equal(reason, "missing kty");

    /* too deep */

    assert_int_equal(jwks("{\"keys\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]"
                          "}", &keys, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "json too deep");
}


static void
test_jwks_nomem(void **state)
{
    char         *doc;
    ngx_int_t     rc;
    ngx_uint_t    i;
    ngx_array_t  *keys;
    const char   *reason;

    doc = sg_printf("{\"keys\":[%s,%s,{\"kty\":\"oct\",\"k\":\"%s\"}]}",
                    sg_dump(sg_jwk(ec256, "a", "ES256")),
                    sg_dump(sg_jwk(rsa2048, "b", NULL)),
                    sg_b64("0123456789abcdef0123456789abcdef", 32));

    for (i = 1; i < 10000; i++) {
        keys = ngx_array_create(sg_pool, 1, sizeof(ngx_sg_key_t));
        assert_non_null(keys);

        ngx_stub_fail_after = i;

        rc = ngx_sg_jwks_import(sg_pool, &sg_log, (u_char *) doc,
                                strlen(doc), keys, &reason);

        if (ngx_stub_fail_after == 0) {
            assert_int_equal(rc, NGX_ERROR);
            continue;
        }

        ngx_stub_fail_after = 0;

        assert_int_equal(rc, NGX_OK);
        assert_int_equal(keys->nelts, 3);
        return;
    }

    fail();
}


static void
expect_thumbprint(json_t *jwk, const char *b64)
{
    u_char       digest[32];
    const char  *reason;

    reason = "";
    assert_int_equal(ngx_sg_jwk_thumbprint(jwk, digest, &reason), NGX_OK);
    assert_string_equal(sg_b64(digest, 32), b64);
}


static void
test_thumbprints(void **state)
{
    json_t      *v, *c;
    size_t       i;
    ngx_uint_t   n;

    v = sg_load("vectors/jose/rfc7638_thumbprints.json");
    v = sg_get(v, "cases");

    n = 0;

    json_array_foreach(v, i, c) {
        expect_thumbprint(sg_get(c, "jwk"),
                          sg_get_str(c, "expected_thumbprint_b64u"));
        n++;
    }

    assert_true(n >= 8);

    /* RFC 8037 A.3 from its own file, RFC 9449 from the DPoP example */

    v = sg_load("vectors/jose/rfc8037_ed25519.json");
    expect_thumbprint(sg_get(v, "public_jwk"),
                      sg_get_str(v, "thumbprint_sha256_b64u"));
    expect_thumbprint(sg_get(v, "private_jwk"),
                      sg_get_str(v, "thumbprint_sha256_b64u"));

    v = sg_load("vectors/dpop/rfc9449_examples.json");
    expect_thumbprint(sg_get(v, "proofs.0.header.jwk"),
                      sg_get_str(v, "expected_jkt"));
    expect_thumbprint(sg_get(v, "proofs.0.header.jwk"),
                      "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
}


static void
test_thumbprint_bad(void **state)
{
    u_char       digest[32];
    json_t      *jwk;
    const char  *reason;

    jwk = sg_jwk(ec256, NULL, NULL);

    reason = "";
    assert_int_equal(ngx_sg_jwk_thumbprint(with(jwk, "y", NULL), digest,
                                           &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "bad jwk");

    assert_int_equal(ngx_sg_jwk_thumbprint(with(jwk, "crv",
                                                json_string("P\"256")),
                                           digest, &reason),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_jwk_thumbprint(with(jwk, "x", json_integer(1)),
                                           digest, &reason),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_jwk_thumbprint(with(jwk, "kty",
                                                json_string("XYZ")),
                                           digest, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "unsupported kty");

    assert_int_equal(ngx_sg_jwk_thumbprint(sg_json("[]"), digest, &reason),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_jwk_thumbprint(NULL, digest, NULL),
                     NGX_DECLINED);
}


static void
expect_pem(const char *pem, ngx_int_t rc, const char *why,
    ngx_uint_t kty)
{
    const char    *reason;
    ngx_sg_key_t   key;

    reason = "";

    assert_int_equal(ngx_sg_pem_import(sg_pool, (u_char *) pem, strlen(pem),
                                       &key, &reason),
                     rc);
    assert_string_equal(reason, why);

    if (rc == NGX_OK) {
        assert_int_equal(key.kty, kty);
        assert_non_null(key.pkey);
        assert_int_equal(key.kid.len, 0);
    }
}


static void
test_pem(void **state)
{
    char          *pem;
    EVP_PKEY      *k;
    ngx_int_t      rc;
    ngx_uint_t     i;
    ngx_sg_key_t   key;

    expect_pem(sg_pem(rsa2048), NGX_OK, "", NGX_SG_KTY_RSA);
    expect_pem(sg_pem(ec256), NGX_OK, "", NGX_SG_KTY_EC);
    expect_pem(sg_pem(ec521), NGX_OK, "", NGX_SG_KTY_EC);
    expect_pem(sg_pem(ed25519), NGX_OK, "", NGX_SG_KTY_OKP);

    expect_pem(sg_cert_pem(ec384), NGX_OK, "", NGX_SG_KTY_EC);
    expect_pem(sg_cert_pem(ed25519), NGX_OK, "", NGX_SG_KTY_OKP);

    expect_pem(sg_pem(rsa1024), NGX_DECLINED, "rsa key too small", 0);

    k = sg_keygen("EC", "P-224", 0);
    expect_pem(sg_pem(k), NGX_DECLINED, "unsupported curve", 0);
    EVP_PKEY_free(k);

    k = sg_keygen("ED448", NULL, 0);
    expect_pem(sg_pem(k), NGX_DECLINED, "unsupported key type", 0);
    EVP_PKEY_free(k);

    expect_pem("garbage", NGX_DECLINED, "bad pem", 0);
    expect_pem("", NGX_DECLINED, "bad pem", 0);

    pem = sg_pem(ec256);
    pem[40] ^= 0x01;
    expect_pem(pem, NGX_DECLINED, "bad pem", 0);

    /* out of memory: an error, never a half-made key */

    pem = sg_pem(ec256);

    for (i = 1; i < 10; i++) {
        ngx_stub_fail_after = i;

        rc = ngx_sg_pem_import(sg_pool, (u_char *) pem, strlen(pem), &key,
                               NULL);

        if (ngx_stub_fail_after == 0) {
            assert_int_equal(rc, NGX_ERROR);
            assert_null(key.pkey);
            continue;
        }

        ngx_stub_fail_after = 0;
        assert_int_equal(rc, NGX_OK);
        break;
    }

    assert_true(i < 10);

    /* an encrypted block never prompts for a password */
    expect_pem("-----BEGIN PUBLIC KEY-----\n"
               "Proc-Type: 4,ENCRYPTED\n"
               "DEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n"
               "AAAA\n-----END PUBLIC KEY-----\n",
               NGX_DECLINED, "bad pem", 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_rfc7517, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_generated, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_rsa, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_rsa_too_large, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_ec, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_okp, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_oct, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_members, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_jwks, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_jwks_bad, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_jwks_nomem, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_thumbprints, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_thumbprint_bad, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_pem, sg_setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("jwk", tests, group_setup,
                                       group_teardown);
}
