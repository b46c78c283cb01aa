
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <openssl/ecdsa.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>


static EVP_PKEY  *rsa, *rsa3072, *ec256, *ec384, *ec521, *ed25519;
static u_char     secret_bytes[64];
static ngx_str_t  secret = { sizeof(secret_bytes), secret_bytes };


#define PAYLOAD  "{\"sub\":\"alice\",\"exp\":4102444800}"


static int
group_setup(void **state)
{
    size_t  i;

    rsa = sg_keygen("RSA", NULL, 2048);
    rsa3072 = sg_keygen("RSA", NULL, 3072);
    ec256 = sg_keygen("EC", "P-256", 0);
    ec384 = sg_keygen("EC", "P-384", 0);
    ec521 = sg_keygen("EC", "P-521", 0);
    ed25519 = sg_keygen("ED25519", NULL, 0);

    for (i = 0; i < sizeof(secret_bytes); i++) {
        secret_bytes[i] = (u_char) (i * 13 + 1);
    }

    return 0;
}


static int
group_teardown(void **state)
{
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(rsa3072);
    EVP_PKEY_free(ec256);
    EVP_PKEY_free(ec384);
    EVP_PKEY_free(ec521);
    EVP_PKEY_free(ed25519);

    return 0;
}


static ngx_int_t
parse(const char *token, ngx_uint_t flags, ngx_sg_jws_t *jws,
    const char **reason)
{
    ngx_str_t  t;

    t = sg_str(token);
    *reason = "";

    return ngx_sg_jws_parse(sg_pool, &t, flags, jws, reason);
}


static void
expect_parse(const char *token, ngx_uint_t flags, ngx_int_t rc,
    const char *why)
{
    const char    *reason;
    ngx_sg_jws_t   jws;

    if (parse(token, flags, &jws, &reason) != rc) {
        fail_msg("\"%s\": expected %d \"%s\", got \"%s\"", token, (int) rc,
                 why, reason);
    }

    assert_string_equal(reason, why);
}


/* parse, then verify against keys with every algorithm allowed */

static ngx_int_t
verify(const char *token, ngx_uint_t flags, ngx_sg_key_t *keys,
    ngx_uint_t nkeys, ngx_uint_t allowed, const char **reason)
{
    ngx_int_t     rc;
    ngx_sg_jws_t  jws;

    rc = parse(token, flags, &jws, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sg_jws_verify_keys(&jws, keys, nkeys, allowed, reason);
}


static void
expect_verify(const char *token, ngx_sg_key_t *keys, ngx_uint_t nkeys,
    ngx_int_t rc, const char *why)
{
    const char  *reason;

    if (verify(token, 0, keys, nkeys, SG_ALL_ALGS, &reason) != rc) {
        fail_msg("expected %d \"%s\", got \"%s\"", (int) rc, why, reason);
    }

    if (rc != NGX_OK) {
        assert_string_equal(reason, why);
    }
}


static char *
header(const char *alg, const char *kid)
{
    if (kid) {
        return sg_printf("{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
    }

    return sg_printf("{\"alg\":\"%s\"}", alg);
}


static json_t *
oct_jwk(size_t len, const char *kid)
{
    json_t  *jwk;

    jwk = sg_json(sg_printf("{\"kty\":\"oct\",\"k\":\"%s\"}",
                            sg_b64(secret.data, len)));

    if (kid) {
        json_object_set_new(jwk, "kid", json_string(kid));
    }

    return jwk;
}


static void
test_rfc7515(void **state)
{
    json_t        *v, *c;
    const char    *reason, *name;
    ngx_sg_key_t  *key;
    ngx_sg_jws_t   jws;
    size_t         i;
    ngx_uint_t     n, json;

    v = sg_load("vectors/jose/rfc7515_appendix_a.json");

    n = 0;

    json_array_foreach(sg_get(v, "cases"), i, c) {
        name = sg_get_str(c, "name");

        if (strcmp(sg_get_str(c, "alg"), "none") == 0) {
            expect_parse(sg_get_str(c, "compact"), NGX_SG_JWS_JSON_PAYLOAD,
                         NGX_DECLINED, "alg none");
            n++;
            continue;
        }

        key = sg_key(sg_get(c, "jwk_public"));

        /* A.4 signs the text "Payload" */
        json = (sg_get_str(c, "payload_utf8")[0] == '{');

        if (parse(sg_get_str(c, "compact"),
                  json ? NGX_SG_JWS_JSON_PAYLOAD : 0, &jws, &reason)
            != NGX_OK)
        {
            fail_msg("%s: %s", name, reason);
        }

        assert_int_equal(jws.alg->name.len, strlen(sg_get_str(c, "alg")));
        assert_memory_equal(jws.alg->name.data, sg_get_str(c, "alg"),
                            jws.alg->name.len);

        if (json) {
            assert_int_equal(json_integer_value(json_object_get(jws.payload,
                                                                "exp")),
                             1300819380);
        }

        if (ngx_sg_jws_verify(&jws, key, &reason) != NGX_OK) {
            fail_msg("%s: %s", name, reason);
        }

        assert_int_equal(ngx_sg_jws_verify_keys(&jws, key, 1, SG_ALL_ALGS,
                                                &reason),
                         NGX_OK);

        /* one flipped bit of the payload breaks it */

        jws.signing_input.data = (u_char *) sg_printf("%.*s",
                                               (int) jws.signing_input.len,
                                               jws.signing_input.data);
        jws.signing_input.data[jws.signing_input.len - 1] ^= 0x01;

        assert_int_equal(ngx_sg_jws_verify(&jws, key, &reason),
                         NGX_DECLINED);
        assert_string_equal(reason, "bad signature");

        n++;
    }

    /* A.1 to A.5 */
    assert_int_equal(n, 5);

    /* alg "none" together with crit */
    expect_parse(sg_get_str(v, "negative_crit.compact"), 0, NGX_DECLINED,
                 "alg none");
}


static void
test_rfc7520(void **state)
{
    char          *file;
    json_t        *v;
    ngx_uint_t     i;
    const char    *reason;
    ngx_sg_key_t  *key;

    static const char  *files[] = {
        "4_1.rsa_v15_signature.json",
        "4_2.rsa-pss_signature.json",
        "4_3.ecdsa_signature.json",
        "4_4.hmac-sha2_integrity_protection.json",
        NULL
    };

    for (i = 0; files[i]; i++) {
        file = sg_printf("vectors/jose/rfc7520-cookbook/jws/%s", files[i]);
        v = sg_load(file);

        /* the input keys are private JWKs: private members are ignored */
        key = sg_key(sg_get(v, "input.key"));

        if (verify(sg_get_str(v, "output.compact"), 0, key, 1, SG_ALL_ALGS,
                   &reason)
            != NGX_OK)
        {
            fail_msg("%s: %s", file, reason);
        }

        /* the payload is text, not JSON */
        expect_parse(sg_get_str(v, "output.compact"),
                     NGX_SG_JWS_JSON_PAYLOAD, NGX_DECLINED,
                     "bad payload json");
    }
}


static void
test_rfc8037(void **state)
{
    json_t        *v;
    const char    *reason;
    ngx_sg_key_t  *key;
    ngx_sg_jws_t   jws;

    v = sg_load("vectors/jose/rfc8037_ed25519.json");
    key = sg_key(sg_get(v, "public_jwk"));

    assert_int_equal(parse(sg_get_str(v, "compact"), 0, &jws, &reason),
                     NGX_OK);
    assert_int_equal(jws.payload_raw.len, 26);
    assert_memory_equal(jws.payload_raw.data, "Example of Ed25519 signing",
                        26);
    assert_null(jws.payload);

    assert_int_equal(ngx_sg_jws_verify(&jws, key, &reason), NGX_OK);

    /* Ed25519 is deterministic: our signature is the published one */

    v = sg_load("vectors/jose/rfc7520-cookbook/curve25519/jws.json");
    expect_verify(sg_get_str(v, "output.compact"), key, 1, NGX_OK, "");
}


static void
test_rfc9449(void **state)
{
    json_t        *v, *proof;
    size_t         i;
    ngx_str_t      path[2], jkt;
    const char    *reason;
    ngx_sg_key_t  *key;
    ngx_sg_jws_t   jws;

    v = sg_load("vectors/dpop/rfc9449_examples.json");
    key = NULL;

    json_array_foreach(sg_get(v, "proofs"), i, proof) {
        assert_int_equal(parse(sg_get_str(proof, "proof"),
                               NGX_SG_JWS_JSON_PAYLOAD, &jws, &reason),
                         NGX_OK);

        assert_int_equal(jws.typ.len, 8);
        assert_memory_equal(jws.typ.data, "dpop+jwt", 8);

        /* the key is the proof's own "jwk" header */
        key = sg_key(json_object_get(jws.header, "jwk"));

        assert_int_equal(ngx_sg_jws_verify(&jws, key, &reason), NGX_OK);
    }

    assert_int_equal(i, 3);

    /* the access token: its AS key is not published, its cnf.jkt is */

    assert_int_equal(parse(sg_get_str(v, "access_token_jwt_with_cnf.jwt"),
                           NGX_SG_JWS_JSON_PAYLOAD, &jws, &reason),
                     NGX_OK);

    path[0] = sg_str("cnf");
    path[1] = sg_str("jkt");

    assert_int_equal(ngx_sg_json_to_text(sg_pool,
                                         ngx_sg_json_path(jws.payload, path,
                                                          2),
                                         &jkt),
                     NGX_OK);
    assert_int_equal(jkt.len, strlen(sg_get_str(v, "expected_jkt")));
    assert_memory_equal(jkt.data, sg_get_str(v, "expected_jkt"), jkt.len);

    /* the proof key has no kid, so it is tried, and does not verify */
    assert_int_equal(ngx_sg_jws_verify_keys(&jws, key, 1, SG_ALL_ALGS,
                                            &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "bad signature");
}


static void
test_algorithms(void **state)
{
    ngx_uint_t     i;
    const char    *reason;
    ngx_sg_key_t  *keys;
    char          *token;

    static struct {
        const char  *alg;
        EVP_PKEY   **pkey;
        size_t       secret;
    } cases[] = {
        { "RS256", &rsa, 0 }, { "RS384", &rsa, 0 }, { "RS512", &rsa3072, 0 },
        { "PS256", &rsa, 0 }, { "PS384", &rsa3072, 0 }, { "PS512", &rsa, 0 },
        { "ES256", &ec256, 0 }, { "ES384", &ec384, 0 },
        { "ES512", &ec521, 0 }, { "EdDSA", &ed25519, 0 },
        { "HS256", NULL, 32 }, { "HS384", NULL, 48 }, { "HS512", NULL, 64 },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        secret.len = cases[i].secret ? cases[i].secret : 64;

        token = sg_token(cases[i].alg, cases[i].pkey ? *cases[i].pkey : NULL,
                         &secret, header(cases[i].alg, NULL), PAYLOAD);

        keys = sg_key(cases[i].pkey ? sg_jwk(*cases[i].pkey, NULL, NULL)
                                    : oct_jwk(secret.len, NULL));

        if (verify(token, NGX_SG_JWS_JSON_PAYLOAD, keys, 1, SG_ALL_ALGS,
                   &reason)
            != NGX_OK)
        {
            fail_msg("%s: %s", cases[i].alg, reason);
        }

        /* only this algorithm allowed, and every other one */

        assert_int_equal(verify(token, 0, keys, 1,
                                1 << ngx_sg_alg_by_name((u_char *)
                                                        cases[i].alg, 5)->id,
                                &reason),
                         NGX_OK);

        assert_int_equal(verify(token, 0, keys, 1,
                                SG_ALL_ALGS & ~(1 << i), &reason),
                         NGX_DECLINED);
        assert_string_equal(reason, "alg not allowed");

        assert_int_equal(ngx_sg_alg_by_id(i)->id, i);
    }

    secret.len = sizeof(secret_bytes);

    assert_null(ngx_sg_alg_by_id(NGX_SG_ALG_COUNT));
    assert_null(ngx_sg_alg_by_name((u_char *) "none", 4));
    assert_null(ngx_sg_alg_by_name((u_char *) "rs256", 5));
    assert_null(ngx_sg_alg_by_name((u_char *) "RS25", 4));
    assert_null(ngx_sg_alg_by_name((u_char *) "RS2566", 6));
}


/*
 * Keys with prepared verification contexts (ngx_sg_key_prepare(), as the
 * JWKS and PEM imports make them): every algorithm verifies through a copy
 * of the context, a bad signature between two good ones changes nothing,
 * and only the algorithms the key fits get one.
 */

static void
test_prepared(void **state)
{
    char          *token, *bad;
    size_t         len;
    ngx_uint_t     i, round, id;
    const char    *reason;
    ngx_sg_key_t  *key;

    static struct {
        const char  *alg;
        EVP_PKEY   **pkey;
    } cases[] = {
        { "RS256", &rsa }, { "RS384", &rsa }, { "RS512", &rsa3072 },
        { "PS256", &rsa }, { "PS384", &rsa3072 }, { "PS512", &rsa },
        { "ES256", &ec256 }, { "ES384", &ec384 }, { "ES512", &ec521 },
        { "EdDSA", &ed25519 },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        id = ngx_sg_alg_by_name((u_char *) cases[i].alg, 5)->id;

        token = sg_token(cases[i].alg, *cases[i].pkey, NULL,
                         header(cases[i].alg, NULL), PAYLOAD);

        /* the last signature byte changed */
        bad = sg_printf("%s", token);
        len = strlen(bad);
        bad[len - 2] = (bad[len - 2] == 'A') ? 'B' : 'A';

        key = sg_key(sg_jwk(*cases[i].pkey, NULL, NULL));
        assert_null(key->verify);

        assert_int_equal(ngx_sg_key_prepare(sg_pool, key), NGX_OK);
        assert_non_null(key->verify);
        assert_non_null(key->verify[id]);

        /* HMAC never; the key's type and curve only */
        assert_null(key->verify[NGX_SG_ALG_HS256]);
        assert_true((key->kty == NGX_SG_KTY_RSA)
                    == (key->verify[NGX_SG_ALG_PS256] != NULL));
        assert_true((key->curve == NID_X9_62_prime256v1)
                    == (key->verify[NGX_SG_ALG_ES256] != NULL));

        for (round = 0; round < 3; round++) {
            if (verify(token, NGX_SG_JWS_JSON_PAYLOAD, key, 1, SG_ALL_ALGS,
                       &reason)
                != NGX_OK)
            {
                fail_msg("%s round %d: %s", cases[i].alg, (int) round,
                         reason);
            }

            assert_int_equal(verify(bad, 0, key, 1, SG_ALL_ALGS, &reason),
                             NGX_DECLINED);
            assert_string_equal(reason, "bad signature");
        }
    }

    /* a JWK "alg" limits the contexts made to that algorithm */

    key = sg_key(sg_jwk(rsa, "r", "PS256"));
    assert_int_equal(ngx_sg_key_prepare(sg_pool, key), NGX_OK);
    assert_non_null(key->verify[NGX_SG_ALG_PS256]);
    assert_null(key->verify[NGX_SG_ALG_RS256]);

    /* an oct key has none */

    key = sg_key(oct_jwk(32, NULL));
    assert_int_equal(ngx_sg_key_prepare(sg_pool, key), NGX_OK);
    assert_null(key->verify);
}


static void
test_malformed(void **state)
{
    char  *good, *h, *p, *s, *big;

    good = sg_token("HS256", NULL, &secret, header("HS256", NULL), PAYLOAD);

    h = sg_b64_str("{\"alg\":\"HS256\"}");
    p = sg_b64_str(PAYLOAD);
    s = strrchr(good, '.') + 1;

    expect_parse(good, NGX_SG_JWS_JSON_PAYLOAD, NGX_OK, "");

    expect_parse("", 0, NGX_DECLINED, "malformed token");
    expect_parse(".", 0, NGX_DECLINED, "malformed token");
    expect_parse("..", 0, NGX_DECLINED, "malformed token");
    expect_parse("...", 0, NGX_DECLINED, "malformed token");
    expect_parse(sg_printf("%s.%s", h, p), 0, NGX_DECLINED,
                 "malformed token");
    expect_parse(sg_printf("%s.%s.%s.%s", h, p, s, s), 0, NGX_DECLINED,
                 "malformed token");
    expect_parse(sg_printf("%s.%s.%s.", h, p, s), 0, NGX_DECLINED,
                 "malformed token");
    expect_parse(sg_printf(".%s.%s", p, s), 0, NGX_DECLINED,
                 "malformed token");
    expect_parse(sg_printf("%s..%s", h, s), 0, NGX_DECLINED,
                 "malformed token");
    expect_parse(sg_printf("%s.%s.", h, p), 0, NGX_DECLINED,
                 "malformed token");

    /* base64url */

    expect_parse(sg_printf("%s=.%s.%s", h, p, s), 0, NGX_DECLINED,
                 "bad base64url");
    expect_parse(sg_printf("%s.%s=.%s", h, p, s), 0, NGX_DECLINED,
                 "bad base64url");
    expect_parse(sg_printf("%s.%s.%s=", h, p, s), 0, NGX_DECLINED,
                 "bad base64url");
    expect_parse(sg_printf("%s.%s.%s", h, p, "a+b/"), 0, NGX_DECLINED,
                 "bad base64url");
    expect_parse(sg_printf(" %s.%s.%s", h, p, s), 0, NGX_DECLINED,
                 "bad base64url");
    expect_parse(sg_printf("%s.%s.%sAA", h, p, s), 0, NGX_DECLINED,
                 "bad base64url");

    /* the header */

    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("not json"), p, s), 0,
                 NGX_DECLINED, "bad header json");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("[\"HS256\"]"), p, s), 0,
                 NGX_DECLINED, "bad header json");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"alg\":\"none\"}"),
                           p, s),
                 0, NGX_DECLINED, "bad header json");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{\"alg\":\"HS256\"} x"),
                           p, s),
                 0, NGX_DECLINED, "bad header json");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64("{\"alg\":\"HS256\"}\0", 16), p, s),
                 0, NGX_DECLINED, "bad header json");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{}"), p, s), 0,
                 NGX_DECLINED, "missing alg");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{\"alg\":256}"), p, s), 0,
                 NGX_DECLINED, "missing alg");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{\"alg\":\"NoNe\"}"), p,
                           s),
                 0, NGX_DECLINED, "alg none");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{\"alg\":\"HS1\"}"), p,
                           s),
                 0, NGX_DECLINED, "unknown alg");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{\"alg\":\"hs256\"}"), p,
                           s),
                 0, NGX_DECLINED, "unknown alg");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str("{\"alg\":\"ES256K\"}"), p,
                           s),
                 0, NGX_DECLINED, "unknown alg");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"crit\":[\"exp\"],"
                                      "\"exp\":1}"),
                           p, s),
                 0, NGX_DECLINED, "crit not supported");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"crit\":[]}"),
                           p, s),
                 0, NGX_DECLINED, "crit not supported");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"b64\":false}"),
                           p, s),
                 0, NGX_DECLINED, "b64 not supported");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"b64\":true}"),
                           p, s),
                 0, NGX_OK, "");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"kid\":7}"), p, s),
                 0, NGX_DECLINED, "bad kid");
    expect_parse(sg_printf("%s.%s.%s",
                           sg_b64_str("{\"alg\":\"HS256\",\"typ\":[]}"), p,
                           s),
                 0, NGX_DECLINED, "bad typ");

    big = ngx_palloc(sg_pool, NGX_SG_KID_MAX_LEN + 2);
    assert_non_null(big);
    memset(big, 'k', NGX_SG_KID_MAX_LEN + 1);
    big[NGX_SG_KID_MAX_LEN + 1] = '\0';

    expect_parse(sg_printf("%s.%s.%s", sg_b64_str(header("HS256", big)), p,
                           s),
                 0, NGX_DECLINED, "bad kid");

    big[NGX_SG_KID_MAX_LEN] = '\0';
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str(header("HS256", big)), p,
                           s),
                 0, NGX_OK, "");

    /* the payload */

    expect_parse(sg_printf("%s.%s.%s", h, sg_b64_str("[1]"), s),
                 NGX_SG_JWS_JSON_PAYLOAD, NGX_DECLINED, "bad payload json");
    expect_parse(sg_printf("%s.%s.%s", h, sg_b64_str("{\"a\":1,\"a\":2}"),
                           s),
                 NGX_SG_JWS_JSON_PAYLOAD, NGX_DECLINED, "bad payload json");
    expect_parse(sg_printf("%s.%s.%s", h, sg_b64_str("{\"a\":1,\"a\":2}"),
                           s),
                 0, NGX_OK, "");

    /* too large */

    big = ngx_palloc(sg_pool, NGX_SG_TOKEN_MAX_SIZE + 2);
    assert_non_null(big);
    memset(big, 'A', NGX_SG_TOKEN_MAX_SIZE + 1);
    big[NGX_SG_TOKEN_MAX_SIZE + 1] = '\0';
    big[10] = '.';
    big[20] = '.';

    expect_parse(big, 0, NGX_DECLINED, "token too large");
}


static void
test_signature_length(void **state)
{
    char          *input, *token;
    ngx_str_t      sig;
    ngx_sg_key_t  *k256, *k521, *krsa, *ked, *khs;

    k256 = sg_key(sg_jwk(ec256, NULL, NULL));
    k521 = sg_key(sg_jwk(ec521, NULL, NULL));
    krsa = sg_key(sg_jwk(rsa, NULL, NULL));
    ked = sg_key(sg_jwk(ed25519, NULL, NULL));
    khs = sg_key(oct_jwk(64, NULL));

    input = sg_printf("%s.%s", sg_b64_str(header("ES256", NULL)),
                      sg_b64_str(PAYLOAD));
    sig = sg_sig("ES256", ec256, NULL, input);
    assert_int_equal(sig.len, 64);

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 64));
    expect_verify(token, k256, 1, NGX_OK, "");

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 63));
    expect_verify(token, k256, 1, NGX_DECLINED, "bad signature length");

    token = sg_printf("%s.%s", input, sg_b64("\0\0", 2));
    expect_verify(token, k256, 1, NGX_DECLINED, "bad signature length");

    token = sg_printf("%s.%s%s", input, sg_b64(sig.data, 64), "AA");
    expect_verify(token, k256, 1, NGX_DECLINED, "bad signature length");

    /* a DER signature, as OpenSSL makes it, is not a JWS signature */

    token = sg_printf("%s.%s", input,
                      sg_b64(sg_sig("RS256", ec256, NULL, input).data, 70));
    expect_verify(token, k256, 1, NGX_DECLINED, "bad signature length");

    /* r = 0 or s = 0, and r = s = all ones (>= the group order) */

    memset(sig.data, 0, 32);
    token = sg_printf("%s.%s", input, sg_b64(sig.data, 64));
    expect_verify(token, k256, 1, NGX_DECLINED, "bad signature");

    memset(sig.data, 0xff, 64);
    token = sg_printf("%s.%s", input, sg_b64(sig.data, 64));
    expect_verify(token, k256, 1, NGX_DECLINED, "bad signature");

    /* ES512 takes 132 octets */

    input = sg_printf("%s.%s", sg_b64_str(header("ES512", NULL)),
                      sg_b64_str(PAYLOAD));
    sig = sg_sig("ES512", ec521, NULL, input);
    assert_int_equal(sig.len, 132);

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 132));
    expect_verify(token, k521, 1, NGX_OK, "");

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 130));
    expect_verify(token, k521, 1, NGX_DECLINED, "bad signature length");

    /* RSA: exactly the modulus size */

    input = sg_printf("%s.%s", sg_b64_str(header("RS256", NULL)),
                      sg_b64_str(PAYLOAD));
    sig = sg_sig("RS256", rsa, NULL, input);

    token = sg_printf("%s.%s", input, sg_b64(sig.data, sig.len - 1));
    expect_verify(token, krsa, 1, NGX_DECLINED, "bad signature length");

    token = sg_printf("%s.AA%s", input, sg_b64(sig.data, sig.len));
    expect_verify(token, krsa, 1, NGX_DECLINED, "bad signature length");

    /* EdDSA 64, HMAC the MAC size */

    input = sg_printf("%s.%s", sg_b64_str(header("EdDSA", NULL)),
                      sg_b64_str(PAYLOAD));
    sig = sg_sig("EdDSA", ed25519, NULL, input);

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 63));
    expect_verify(token, ked, 1, NGX_DECLINED, "bad signature length");

    input = sg_printf("%s.%s", sg_b64_str(header("HS256", NULL)),
                      sg_b64_str(PAYLOAD));
    sig = sg_sig("HS256", NULL, &secret, input);

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 16));
    expect_verify(token, khs, 1, NGX_DECLINED, "bad signature length");

    token = sg_printf("%s.%s", input, sg_b64(sig.data, 32));
    expect_verify(token, khs, 1, NGX_OK, "");
}


static void
test_key_fits(void **state)
{
    char          *token, *pem;
    ngx_str_t      n;
    const char    *reason;
    ngx_sg_key_t  *krsa, *kec, *k384, *ked, *kalg, pemkey;

    krsa = sg_key(sg_jwk(rsa, NULL, NULL));
    kec = sg_key(sg_jwk(ec256, NULL, NULL));
    k384 = sg_key(sg_jwk(ec384, NULL, NULL));
    ked = sg_key(sg_jwk(ed25519, NULL, NULL));
    kalg = sg_key(sg_jwk(rsa, NULL, "RS256"));

    /* RSA key, ES256 token; EC key, RS256 token */

    token = sg_token("ES256", ec256, NULL, header("ES256", NULL), PAYLOAD);
    expect_verify(token, krsa, 1, NGX_DECLINED, "no key fits alg");
    expect_verify(token, k384, 1, NGX_DECLINED, "no key fits alg");
    expect_verify(token, kec, 1, NGX_OK, "");

    token = sg_token("RS256", rsa, NULL, header("RS256", NULL), PAYLOAD);
    expect_verify(token, kec, 1, NGX_DECLINED, "no key fits alg");
    expect_verify(token, ked, 1, NGX_DECLINED, "no key fits alg");
    expect_verify(token, kalg, 1, NGX_OK, "");

    /* a key with "alg":"RS256" does not serve PS256 */

    token = sg_token("PS256", rsa, NULL, header("PS256", NULL), PAYLOAD);
    expect_verify(token, kalg, 1, NGX_DECLINED, "no key fits alg");
    expect_verify(token, krsa, 1, NGX_OK, "");

    /*
     * Algorithm confusion: HS256 "signed" with what an attacker knows of
     * the public key (the PEM text, the modulus) is refused, because a
     * public key is never an HMAC secret.
     */

    pem = sg_pem(rsa);
    reason = "";
    assert_int_equal(ngx_sg_pem_import(sg_pool, (u_char *) pem, strlen(pem),
                                       &pemkey, &reason),
                     NGX_OK);

    n = sg_str(pem);
    token = sg_token("HS256", NULL, &n, header("HS256", NULL), PAYLOAD);
    expect_verify(token, &pemkey, 1, NGX_DECLINED, "no key fits alg");
    expect_verify(token, krsa, 1, NGX_DECLINED, "no key fits alg");

    n = sg_unb64(json_string_value(json_object_get(sg_jwk(rsa, NULL, NULL),
                                                   "n")));
    token = sg_token("HS256", NULL, &n, header("HS256", NULL), PAYLOAD);
    expect_verify(token, krsa, 1, NGX_DECLINED, "no key fits alg");

    pemkey.pkey = NULL;
    assert_false(ngx_sg_key_fits(&pemkey, ngx_sg_alg_by_id(NGX_SG_ALG_HS256)));

    /* and an oct key never verifies an asymmetric algorithm */

    token = sg_token("RS256", rsa, NULL, header("RS256", NULL), PAYLOAD);
    expect_verify(token, sg_key(oct_jwk(64, NULL)), 1, NGX_DECLINED,
                  "no key fits alg");

    /* HMAC keys shorter than the hash do not fit */

    token = sg_token("HS512", NULL, &secret, header("HS512", NULL), PAYLOAD);
    expect_verify(token, sg_key(oct_jwk(48, NULL)), 1, NGX_DECLINED,
                  "no key fits alg");
    expect_verify(token, sg_key(oct_jwk(64, NULL)), 1, NGX_OK, "");

    /* a wrong secret */
    secret_bytes[0] ^= 1;
    expect_verify(token, sg_key(oct_jwk(64, NULL)), 1, NGX_DECLINED,
                  "bad signature");
    secret_bytes[0] ^= 1;

    expect_verify(token, NULL, 0, NGX_DECLINED, "no key fits alg");

    /* a JWS that was never parsed verifies nothing */

    {
        ngx_sg_jws_t  empty;

        ngx_memzero(&empty, sizeof(empty));

        assert_int_equal(ngx_sg_jws_verify(&empty, krsa, &reason),
                         NGX_DECLINED);
        assert_int_equal(ngx_sg_jws_verify_keys(&empty, krsa, 1, SG_ALL_ALGS,
                                                &reason),
                         NGX_DECLINED);

        empty.alg = ngx_sg_alg_by_id(NGX_SG_ALG_RS256);
        assert_int_equal(ngx_sg_jws_verify(&empty, krsa, &reason),
                         NGX_DECLINED);
    }
}


static void
test_pss_salt(void **state)
{
    char          *token;
    ngx_sg_key_t  *key;

    key = sg_key(sg_jwk(rsa, NULL, NULL));

    /* RFC 7518 3.5: the salt is as long as the hash, not shorter */

    sg_pss_saltlen = 0;
    token = sg_token("PS256", rsa, NULL, header("PS256", NULL), PAYLOAD);
    expect_verify(token, key, 1, NGX_DECLINED, "bad signature");

    sg_pss_saltlen = 20;
    token = sg_token("PS256", rsa, NULL, header("PS256", NULL), PAYLOAD);
    expect_verify(token, key, 1, NGX_DECLINED, "bad signature");

    sg_pss_saltlen = 32;
    token = sg_token("PS256", rsa, NULL, header("PS256", NULL), PAYLOAD);
    expect_verify(token, key, 1, NGX_OK, "");

    /* a PKCS#1 v1.5 signature under a PS256 header, and the reverse */

    token = sg_token("RS256", rsa, NULL, header("PS256", NULL), PAYLOAD);
    expect_verify(token, key, 1, NGX_DECLINED, "bad signature");

    token = sg_token("PS256", rsa, NULL, header("RS256", NULL), PAYLOAD);
    expect_verify(token, key, 1, NGX_DECLINED, "bad signature");
}


static void
test_kid(void **state)
{
    char          *token;
    ngx_sg_key_t  *keys;
    const char    *reason;
    EVP_PKEY      *other;

    other = sg_keygen("EC", "P-256", 0);

    keys = ngx_palloc(sg_pool, 5 * sizeof(ngx_sg_key_t));
    assert_non_null(keys);

    keys[0] = *sg_key(sg_jwk(other, "a", NULL));
    keys[1] = *sg_key(sg_jwk(ec256, "b", NULL));
    keys[2] = *sg_key(sg_jwk(rsa, "x", NULL));
    keys[3] = *sg_key(sg_jwk(ec384, "x", NULL));
    keys[4] = *sg_key(oct_jwk(64, "h"));

    EVP_PKEY_free(other);

    token = sg_token("ES256", ec256, NULL, header("ES256", "b"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");

    token = sg_token("ES256", ec256, NULL, header("ES256", "c"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "unknown kid");

    /* kid "a" names the other P-256 key */
    token = sg_token("ES256", ec256, NULL, header("ES256", "a"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "bad signature");

    /* no kid: every key that fits is tried */
    token = sg_token("ES256", ec256, NULL, header("ES256", NULL), PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");

    token = sg_token("ES256", ec256, NULL, "{\"alg\":\"ES256\",\"kid\":\"\"}",
                     PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");

    /* one kid, two keys: the one that fits the alg */
    token = sg_token("ES384", ec384, NULL, header("ES384", "x"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");
    token = sg_token("RS256", rsa, NULL, header("RS256", "x"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");

    /* the kid exists but its key does not fit */
    token = sg_token("ES256", ec256, NULL, header("ES256", "x"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "no key fits alg");

    /* the kid is compared byte for byte */
    token = sg_token("ES256", ec256, NULL, header("ES256", "B"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "unknown kid");
    token = sg_token("ES256", ec256, NULL, header("ES256", "bb"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "unknown kid");

    token = sg_token("HS256", NULL, &secret, header("HS256", "h"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");

    /* no key signed it */
    token = sg_token("EdDSA", ed25519, NULL, header("EdDSA", NULL), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "no key fits alg");

    assert_int_equal(verify(token, 0, keys, 5, 0, &reason), NGX_DECLINED);
    assert_string_equal(reason, "alg not allowed");

    /*
     * A key without a kid is tried for a token whose kid no key carries,
     * never when some key carries it.
     */

    keys[0] = *sg_key(sg_jwk(ec256, NULL, NULL));

    token = sg_token("ES256", ec256, NULL, header("ES256", "zz"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_OK, "");

    token = sg_token("ES384", ec384, NULL, header("ES384", "zz"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "unknown kid");

    keys[1] = *sg_key(sg_jwk(ec384, "b", NULL));
    token = sg_token("ES256", ec256, NULL, header("ES256", "b"), PAYLOAD);
    expect_verify(token, keys, 5, NGX_DECLINED, "no key fits alg");
}


/*
 * Every single-byte change of a valid token must fail: strict base64url
 * and JSON leave one encoding per token, so no change is a no-op.
 */

static void
mutate(const char *token, ngx_sg_key_t *key)
{
    char          *t;
    size_t         len, i;
    ngx_int_t      rc;
    ngx_str_t      s;
    ngx_uint_t     seed, n;
    ngx_pool_t    *pool;
    const char    *reason;
    ngx_sg_jws_t   jws;

    static const char  bytes[] = "AZaz09-_.={}\"\\ \n\0\x80\xff";

    len = strlen(token);
    seed = 12345;

    t = ngx_palloc(sg_pool, len + 1);
    assert_non_null(t);

    for (n = 0; n < 2000; n++) {
        memcpy(t, token, len + 1);

        seed = seed * 1103515245 + 12345;
        i = (seed >> 8) % len;
        t[i] = bytes[(seed >> 20) % (sizeof(bytes) - 1)];

        if (t[i] == token[i]) {
            continue;
        }

        pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &sg_log);
        assert_non_null(pool);

        s.data = (u_char *) t;
        s.len = len;
        reason = "";

        rc = ngx_sg_jws_parse(pool, &s, NGX_SG_JWS_JSON_PAYLOAD, &jws,
                              &reason);
        if (rc == NGX_OK) {
            rc = ngx_sg_jws_verify_keys(&jws, key, 1, SG_ALL_ALGS, &reason);
        }

        ngx_destroy_pool(pool);

        if (rc == NGX_OK) {
            fail_msg("changed token accepted: %s", t);
        }

        assert_int_equal(rc, NGX_DECLINED);
    }
}


static void
test_mutations(void **state)
{
    char          *token;
    EVP_PKEY      *pkey;
    ngx_uint_t     i;
    ngx_sg_key_t  *key;

    static const char  *algs[] = { "HS256", "RS256", "ES256", "EdDSA" };

    for (i = 0; i < 4; i++) {
        pkey = (i == 1) ? rsa : (i == 2) ? ec256 : (i == 3) ? ed25519 : NULL;

        token = sg_token(algs[i], pkey, &secret, header(algs[i], "k"),
                         PAYLOAD);
        key = sg_key(pkey ? sg_jwk(pkey, "k", NULL) : oct_jwk(64, "k"));

        expect_verify(token, key, 1, NGX_OK, "");

        mutate(token, key);
    }
}


static void
test_nomem(void **state)
{
    char          *token;
    ngx_int_t      rc;
    ngx_uint_t     i;
    ngx_str_t      t;
    const char    *reason;
    ngx_sg_key_t  *key;
    ngx_sg_jws_t   jws;

    token = sg_token("ES256", ec256, NULL, header("ES256", "k"), PAYLOAD);
    key = sg_key(sg_jwk(ec256, "k", NULL));
    t = sg_str(token);

    for (i = 1; i < 1000; i++) {
        ngx_stub_fail_after = i;

        rc = ngx_sg_jws_parse(sg_pool, &t, NGX_SG_JWS_JSON_PAYLOAD, &jws,
                              &reason);
        if (rc == NGX_OK) {
            rc = ngx_sg_jws_verify_keys(&jws, key, 1, SG_ALL_ALGS, &reason);
        }

        if (ngx_stub_fail_after == 0) {
            assert_int_equal(rc, NGX_ERROR);
            continue;
        }

        ngx_stub_fail_after = 0;
        assert_int_equal(rc, NGX_OK);
        return;
    }

    fail();
}


/* R || S to DER without BIGNUMs: exactly what OpenSSL's encoder writes */

static void
der_check(u_char *raw, size_t len)
{
    int         n;
    size_t      dlen;
    u_char     *p;
    BIGNUM     *r, *s;
    ngx_str_t   sig;
    ECDSA_SIG  *esig;
    u_char      der[NGX_SG_ECDSA_DER_MAX], want[NGX_SG_ECDSA_DER_MAX];

    sig.data = raw;
    sig.len = len;

    assert_int_equal(ngx_sg_ecdsa_der(&sig, der, &dlen), NGX_OK);

    r = BN_bin2bn(raw, (int) len / 2, NULL);
    s = BN_bin2bn(raw + len / 2, (int) len / 2, NULL);
    esig = ECDSA_SIG_new();
    assert_non_null(esig);
    assert_int_equal(ECDSA_SIG_set0(esig, r, s), 1);

    n = i2d_ECDSA_SIG(esig, NULL);
    assert_true(n > 0 && n <= NGX_SG_ECDSA_DER_MAX);
    p = want;
    assert_int_equal(i2d_ECDSA_SIG(esig, &p), n);
    ECDSA_SIG_free(esig);

    assert_int_equal(dlen, (size_t) n);
    assert_memory_equal(der, want, dlen);
}


static void
test_ecdsa_der(void **state)
{
    size_t      len, i, j;
    ngx_str_t   sig;
    u_char      raw[2 * NGX_SG_EC_MAX_SIZE + 2], der[NGX_SG_ECDSA_DER_MAX];

    static const size_t  lens[] = { 64, 96, 132 };

    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        len = lens[i];

        /* random, then the edges: zeros, leading zeros, top bits set */

        for (j = 0; j < 200; j++) {
            assert_int_equal(RAND_bytes(raw, (int) len), 1);

            if (j % 4 == 1) {
                ngx_memzero(raw, 1 + j % 9);
            }

            if (j % 4 == 2) {
                ngx_memzero(raw + len / 2, 1 + j % 9);
                raw[0] |= 0x80;
            }

            der_check(raw, len);
        }

        ngx_memzero(raw, len);
        der_check(raw, len);

        ngx_memset(raw, 0xff, len);
        der_check(raw, len);

        ngx_memzero(raw, len);
        raw[len / 2 - 1] = 0x80;
        raw[len - 1] = 0x01;
        der_check(raw, len);
    }

    /* lengths that no curve has */

    sig.data = raw;

    for (len = 0; len < sizeof(raw); len++) {
        if (len == 2 * (len / 2) && len && len <= 2 * NGX_SG_EC_MAX_SIZE) {
            continue;
        }

        sig.len = len;
        assert_int_equal(ngx_sg_ecdsa_der(&sig, der, &i), NGX_ERROR);
    }
}


/* the rest of a token whose header is known: the same rules and reasons */

static void
test_parse_known(void **state)
{
    char          *token;
    ngx_str_t      t;
    const char    *reason;
    ngx_sg_alg_t  *alg;
    ngx_sg_jws_t   jws, full;

    static const char  *bad[][2] = {
        { "", "malformed token" }, { "a", "malformed token" },
        { "a.b", "malformed token" }, { "a.b.c.d", "malformed token" },
        { ".b.c", "malformed token" }, { "a..c", "malformed token" },
        { "a.e30.", "malformed token" }, { "a.b!.c", "bad base64url" },
        { "a.e30.c", "bad base64url" }, { "a.W10.AA", "bad payload json" },
    };
    ngx_uint_t  i;

    alg = ngx_sg_alg_by_name((u_char *) "ES256", 5);
    assert_non_null(alg);

    token = sg_token("ES256", ec256, NULL, header("ES256", "k"), PAYLOAD);
    t = sg_str(token);

    assert_int_equal(ngx_sg_jws_parse(sg_pool, &t, NGX_SG_JWS_JSON_PAYLOAD,
                                      &full, &reason), NGX_OK);
    assert_int_equal(ngx_sg_jws_parse_known(sg_pool, &t,
                                            NGX_SG_JWS_JSON_PAYLOAD, alg,
                                            &jws, &reason), NGX_OK);

    assert_ptr_equal(jws.alg, alg);
    assert_null(jws.header);
    assert_int_equal(jws.kid.len, 0);
    assert_non_null(jws.payload);
    assert_true(json_equal(jws.payload, full.payload));
    assert_int_equal(jws.signing_input.len, full.signing_input.len);
    assert_ptr_equal(jws.signing_input.data, full.signing_input.data);
    assert_int_equal(jws.signature.len, full.signature.len);
    assert_memory_equal(jws.signature.data, full.signature.data,
                        full.signature.len);

    assert_int_equal(ngx_sg_jws_verify(&jws, sg_key(sg_jwk(ec256, "k", NULL)),
                                       &reason), NGX_OK);

    /* whatever the header, what follows it is checked as before */

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = sg_str(bad[i][0]);
        reason = "";
        assert_int_equal(ngx_sg_jws_parse_known(sg_pool, &t,
                                                NGX_SG_JWS_JSON_PAYLOAD, alg,
                                                &jws, &reason),
                         NGX_DECLINED);
        assert_string_equal(reason, bad[i][1]);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_rfc7515, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_rfc7520, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_rfc8037, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_rfc9449, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_algorithms, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_prepared, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_malformed, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_signature_length, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_key_fits, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_pss_salt, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_kid, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_mutations, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_ecdsa_der, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_parse_known, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("jws", tests, group_setup,
                                       group_teardown);
}
