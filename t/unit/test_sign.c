
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * ngx_sg_sign.c: private JWK import and JWS signing, checked by signing
 * then verifying with the verifier of ngx_sg_jws.c and the public key as
 * OpenSSL made it; refused keys with their reasons.
 */


#include "sg_test.h"

#include "ngx_sg_sign.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>


static EVP_PKEY  *rsa2048, *rsa2048b, *rsa1024, *ec256, *ec256b, *ec384,
                 *ed25519, *ed25519b;


static int
group_setup(void **state)
{
    rsa2048 = sg_keygen("RSA", NULL, 2048);
    rsa2048b = sg_keygen("RSA", NULL, 2048);
    rsa1024 = sg_keygen("RSA", NULL, 1024);
    ec256 = sg_keygen("EC", "P-256", 0);
    ec256b = sg_keygen("EC", "P-256", 0);
    ec384 = sg_keygen("EC", "P-384", 0);
    ed25519 = sg_keygen("ED25519", NULL, 0);
    ed25519b = sg_keygen("ED25519", NULL, 0);

    return 0;
}


static int
group_teardown(void **state)
{
    EVP_PKEY_free(rsa2048);
    EVP_PKEY_free(rsa2048b);
    EVP_PKEY_free(rsa1024);
    EVP_PKEY_free(ec256);
    EVP_PKEY_free(ec256b);
    EVP_PKEY_free(ec384);
    EVP_PKEY_free(ed25519);
    EVP_PKEY_free(ed25519b);

    return 0;
}


static json_t *
bn_member(EVP_PKEY *pkey, const char *name, int pad)
{
    int       len;
    BIGNUM   *bn;
    u_char    buf[1024];

    bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(pkey, name, &bn), 1);

    len = pad ? pad : BN_num_bytes(bn);
    assert_int_equal(BN_bn2binpad(bn, buf, len), len);
    BN_free(bn);

    return json_string(sg_b64(buf, len));
}


/* the private JWK of pkey: sg_jwk() and the private members */

static json_t *
private_jwk(EVP_PKEY *pkey, const char *alg)
{
    size_t   len;
    json_t  *jwk;
    u_char   raw[32];

    jwk = sg_jwk(pkey, NULL, alg);

    switch (EVP_PKEY_get_base_id(pkey)) {

    case EVP_PKEY_RSA:
        json_object_set_new(jwk, "d",
                            bn_member(pkey, OSSL_PKEY_PARAM_RSA_D, 0));
        json_object_set_new(jwk, "p",
                            bn_member(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, 0));
        json_object_set_new(jwk, "q",
                            bn_member(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, 0));
        json_object_set_new(jwk, "dp",
                            bn_member(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1,
                                      0));
        json_object_set_new(jwk, "dq",
                            bn_member(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                                      0));
        json_object_set_new(jwk, "qi",
                            bn_member(pkey,
                                      OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0));
        break;

    case EVP_PKEY_EC:
        json_object_set_new(jwk, "d",
                            bn_member(pkey, OSSL_PKEY_PARAM_PRIV_KEY,
                                      EVP_PKEY_get_bits(pkey) == 256
                                      ? 32 : 48));
        break;

    default:
        len = sizeof(raw);
        assert_int_equal(EVP_PKEY_get_raw_private_key(pkey, raw, &len), 1);
        json_object_set_new(jwk, "d", json_string(sg_b64(raw, len)));
        break;
    }

    return jwk;
}


static ngx_int_t
import(json_t *jwk, ngx_sg_signer_t *signer, const char **reason)
{
    char  *text;

    text = sg_dump(jwk);
    *reason = "";

    return ngx_sg_signer_import(sg_pool, (u_char *) text, strlen(text),
                                signer, reason);
}


static void
expect_refused(json_t *jwk, const char *why)
{
    const char       *reason;
    ngx_sg_signer_t   signer;

    assert_int_equal(import(jwk, &signer, &reason), NGX_DECLINED);
    assert_string_equal(reason, why);
    assert_null(signer.pkey);
}


/* sign, then verify with an independent import of the public JWK */

static void
round_trip(EVP_PKEY *pkey, const char *alg, size_t siglen)
{
    u_char            digest[32];
    json_t           *pub;
    ngx_str_t         typ, payload, token, kid;
    const char       *reason;
    ngx_sg_key_t      key;
    ngx_sg_jws_t      jws;
    ngx_sg_signer_t   signer;

    assert_int_equal(import(private_jwk(pkey, NULL), &signer, &reason),
                     NGX_OK);
    assert_string_equal(reason, "");
    assert_int_equal(signer.alg->name.len, strlen(alg));
    assert_memory_equal(signer.alg->name.data, alg, strlen(alg));

    /* kid: RFC 7638 thumbprint of the public key */

    pub = sg_jwk(pkey, NULL, NULL);
    assert_int_equal(ngx_sg_jwk_thumbprint(pub, digest, &reason), NGX_OK);
    kid = sg_str(sg_b64(digest, 32));
    assert_int_equal(signer.kid.len, kid.len);
    assert_memory_equal(signer.kid.data, kid.data, kid.len);

    ngx_str_set(&typ, "logout+jwt");
    payload = sg_str("{\"sub\":\"alice\",\"exp\":4102444800}");

    assert_int_equal(ngx_sg_jws_sign(sg_pool, &signer, &typ, &payload,
                                     &token), NGX_OK);

    assert_int_equal(ngx_sg_jws_parse(sg_pool, &token,
                                      NGX_SG_JWS_JSON_PAYLOAD, &jws,
                                      &reason), NGX_OK);
    assert_int_equal(jws.typ.len, 10);
    assert_memory_equal(jws.typ.data, "logout+jwt", 10);
    assert_int_equal(jws.kid.len, kid.len);
    assert_memory_equal(jws.kid.data, kid.data, kid.len);
    assert_int_equal(jws.signature.len, siglen);
    assert_int_equal(jws.payload_raw.len, payload.len);
    assert_memory_equal(jws.payload_raw.data, payload.data, payload.len);

    assert_int_equal(ngx_sg_jwk_import(sg_pool, pub, &key, &reason), NGX_OK);
    assert_int_equal(ngx_sg_jws_verify_keys(&jws, &key, 1,
                                            1 << signer.alg->id, &reason),
                     NGX_OK);

    /* the published JWK is the public key, with kid, alg and use */

    pub = sg_json((char *) sg_printf("%.*s", (int) signer.jwk.len,
                                     signer.jwk.data));
    assert_null(json_object_get(pub, "d"));
    assert_string_equal(sg_get_str(pub, "kid"), sg_b64(digest, 32));
    assert_string_equal(sg_get_str(pub, "alg"), alg);
    assert_string_equal(sg_get_str(pub, "use"), "sig");
    assert_int_equal(ngx_sg_jwk_import(sg_pool, pub, &key, &reason), NGX_OK);
    assert_int_equal(ngx_sg_jws_verify(&jws, &key, &reason), NGX_OK);

    /* a changed payload does not verify */

    token.data[jws.signing_input.len - 2] ^= 0x01;
    assert_int_equal(ngx_sg_jws_parse(sg_pool, &token, 0, &jws, &reason),
                     NGX_OK);
    assert_int_not_equal(ngx_sg_jws_verify(&jws, &key, &reason), NGX_OK);
}


static void
test_es256(void **state)
{
    round_trip(ec256, "ES256", 64);
}


static void
test_eddsa(void **state)
{
    round_trip(ed25519, "EdDSA", 64);
}


static void
test_rs256(void **state)
{
    round_trip(rsa2048, "RS256", 256);
}


/* every ECDSA signature is 64 bytes, R and S padded (many signatures) */

static void
test_es256_padding(void **state)
{
    int               i;
    ngx_str_t         typ, payload, token;
    const char       *reason;
    ngx_sg_jws_t      jws;
    ngx_sg_signer_t   signer;

    assert_int_equal(import(private_jwk(ec256, "ES256"), &signer, &reason),
                     NGX_OK);

    ngx_str_null(&typ);

    for (i = 0; i < 300; i++) {
        payload = sg_str(sg_printf("{\"n\":%d}", i));

        assert_int_equal(ngx_sg_jws_sign(sg_pool, &signer, &typ, &payload,
                                         &token), NGX_OK);
        assert_int_equal(ngx_sg_jws_parse(sg_pool, &token, 0, &jws,
                                          &reason), NGX_OK);
        assert_int_equal(jws.typ.len, 0);
        assert_int_equal(jws.signature.len, 64);
        assert_int_equal(ngx_sg_jws_verify(&jws, &signer.pub, &reason),
                         NGX_OK);
    }
}


static void
test_refused(void **state)
{
    json_t  *jwk, *other;

    /* public keys only */
    expect_refused(sg_jwk(ec256, NULL, NULL), "not a private key");
    expect_refused(sg_jwk(rsa2048, NULL, NULL), "not a private key");
    expect_refused(sg_jwk(ed25519, NULL, NULL), "not a private key");

    expect_refused(private_jwk(rsa1024, NULL), "rsa key too small");
    expect_refused(private_jwk(ec384, NULL), "unsupported curve");

    expect_refused(private_jwk(ec256, "ES384"), "jwk alg mismatch");
    expect_refused(private_jwk(rsa2048, "PS256"), "jwk alg mismatch");

    jwk = private_jwk(ec256, NULL);
    json_object_set_new(jwk, "use", json_string("enc"));
    expect_refused(jwk, "key not for signing");

    jwk = private_jwk(ec256, NULL);
    json_object_set_new(jwk, "key_ops", json_pack("[s]", "verify"));
    expect_refused(jwk, "key not for signing");

    jwk = private_jwk(ec256, NULL);
    json_object_set_new(jwk, "key_ops", json_pack("[s,s]", "verify",
                                                  "sign"));
    json_object_set_new(jwk, "use", json_string("sig"));
    {
        const char       *reason;
        ngx_sg_signer_t   signer;

        assert_int_equal(import(jwk, &signer, &reason), NGX_OK);
    }

    /* a private key with another key's public members */

    jwk = private_jwk(ec256, NULL);
    other = private_jwk(ec256b, NULL);
    json_object_set(jwk, "d", json_object_get(other, "d"));
    expect_refused(jwk, "key pair mismatch");

    jwk = private_jwk(ed25519, NULL);
    other = private_jwk(ed25519b, NULL);
    json_object_set(jwk, "d", json_object_get(other, "d"));
    expect_refused(jwk, "key pair mismatch");

    jwk = private_jwk(rsa2048, NULL);
    other = private_jwk(rsa2048b, NULL);
    json_object_set(jwk, "n", json_object_get(other, "n"));
    expect_refused(jwk, "key pair mismatch");

    /* RSA without its CRT members works; with some of them it does not */

    jwk = private_jwk(rsa2048, NULL);
    json_object_del(jwk, "p");
    expect_refused(jwk, "bad rsa key");

    jwk = private_jwk(rsa2048, NULL);
    json_object_del(jwk, "p");
    json_object_del(jwk, "q");
    json_object_del(jwk, "dp");
    json_object_del(jwk, "dq");
    json_object_del(jwk, "qi");
    {
        const char       *reason;
        ngx_sg_signer_t   signer;

        assert_int_equal(import(jwk, &signer, &reason), NGX_OK);
    }

    /* malformed private members */

    jwk = private_jwk(ec256, NULL);
    json_object_set_new(jwk, "d", json_string("AAAA"));
    expect_refused(jwk, "bad ec key");

    jwk = private_jwk(ed25519, NULL);
    json_object_set_new(jwk, "d", json_string("not base64url!"));
    expect_refused(jwk, "bad okp key");

    jwk = private_jwk(ed25519, NULL);
    json_object_set_new(jwk, "d", json_integer(1));
    expect_refused(jwk, "not a private key");

    expect_refused(sg_json("{\"kty\":\"oct\",\"k\":\"AAAA\",\"d\":\"AA\"}"),
                   "unsupported kty");
    expect_refused(sg_json("{\"d\":\"AA\"}"), "missing kty");
}


static void
test_bad_json(void **state)
{
    const char       *reason;
    ngx_sg_signer_t   signer;

    assert_int_equal(ngx_sg_signer_import(sg_pool, (u_char *) "[1]", 3,
                                          &signer, &reason), NGX_DECLINED);
    assert_string_equal(reason, "json not object");

    assert_int_equal(ngx_sg_signer_import(sg_pool, (u_char *) "{", 1,
                                          &signer, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad json");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_es256, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_eddsa, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_rs256, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_es256_padding, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_refused, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_bad_json, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("sign", tests, group_setup,
                                       group_teardown);
}
