
/*
 * Copyright (C) ngx_session_guard authors
 */


/* DPoP proofs (RFC 9449 section 4.3), key binding and server nonces */


#include "sg_test.h"

#include "ngx_sg_dpop.h"


#define NOW     1700000000
#define HTU     "https://api.example/r"
#define TOKEN   "access-token-1"
#define ASYM    NGX_SG_ALG_MASK_ASYMMETRIC


static EVP_PKEY  *ec256, *ec384, *ec521, *rsa, *ed25519, *other;
static char      *token_ath;

static ngx_sg_dpop_rules_t  rules;


static int
group_setup(void **state)
{
    ec256 = sg_keygen("EC", "P-256", 0);
    ec384 = sg_keygen("EC", "P-384", 0);
    ec521 = sg_keygen("EC", "P-521", 0);
    rsa = sg_keygen("RSA", NULL, 2048);
    ed25519 = sg_keygen("ED25519", NULL, 0);
    other = sg_keygen("EC", "P-256", 0);

    return 0;
}


static int
group_teardown(void **state)
{
    EVP_PKEY_free(ec256);
    EVP_PKEY_free(ec384);
    EVP_PKEY_free(ec521);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ed25519);
    EVP_PKEY_free(other);

    return 0;
}


static int
setup(void **state)
{
    static u_char  ath[NGX_SG_DPOP_JKT_LEN + 1];

    if (sg_setup(state) != 0) {
        return -1;
    }

    assert_int_equal(ngx_sg_sha256_b64((u_char *) TOKEN, strlen(TOKEN), ath),
                     NGX_OK);
    ath[NGX_SG_DPOP_JKT_LEN] = '\0';
    token_ath = (char *) ath;

    ngx_memzero(&rules, sizeof(rules));

    rules.algorithms = ASYM;
    rules.now = NOW;
    rules.window = 60;
    rules.htm = sg_str("GET");
    rules.htu = sg_str(HTU);
    rules.access_token = sg_str(TOKEN);

    return 0;
}


/* a proof header: typ (NULL: none), alg, and the public JWK of key */

static char *
header(const char *typ, const char *alg, EVP_PKEY *key)
{
    char  *jwk;

    jwk = key ? sg_dump(sg_jwk(key, NULL, NULL)) : NULL;

    return sg_printf("{%s%s%s\"alg\":\"%s\"%s%s}",
                     typ ? "\"typ\":\"" : "", typ ? typ : "",
                     typ ? "\"," : "", alg,
                     jwk ? ",\"jwk\":" : "", jwk ? jwk : "");
}


static char *
claims(void)
{
    return sg_printf("{\"jti\":\"j-1\",\"htm\":\"GET\",\"htu\":\"%s\","
                     "\"iat\":%d,\"ath\":\"%s\"}", HTU, NOW, token_ath);
}


static char *
proof(const char *alg, EVP_PKEY *key, const char *payload)
{
    return sg_token(alg, key, NULL, header("dpop+jwt", alg, key), payload);
}


static void
expect_parse(const char *text, ngx_uint_t algorithms, ngx_int_t rc,
    const char *why)
{
    ngx_int_t             got;
    ngx_str_t             t;
    const char           *reason;
    ngx_sg_dpop_proof_t   p;

    t = sg_str(text);
    reason = "";

    got = ngx_sg_dpop_parse(sg_pool, &t, algorithms, &p, &reason);

    if (got != rc || (rc == NGX_DECLINED && strcmp(reason, why) != 0)) {
        fail_msg("expected %d \"%s\", got %d \"%s\"", (int) rc, why,
                 (int) got, reason);
    }
}


/* parse (asserted valid), then check against "rules" */

static void
check_proof(const char *text, ngx_int_t rc, const char *why)
{
    ngx_int_t             got;
    ngx_str_t             t;
    const char           *reason;
    ngx_sg_dpop_proof_t   p;

    t = sg_str(text);
    reason = "";

    assert_int_equal(ngx_sg_dpop_parse(sg_pool, &t, ASYM, &p, &reason),
                     NGX_OK);

    got = ngx_sg_dpop_check(sg_pool, &p, &rules, &reason);

    if (got != rc || (rc == NGX_DECLINED && strcmp(reason, why) != 0)) {
        fail_msg("expected %d \"%s\", got %d \"%s\"", (int) rc, why,
                 (int) got, reason);
    }
}


static void
test_rfc9449(void **state)
{
    json_t               *v, *item, *cnf;
    size_t                i;
    ngx_str_t             t, uri;
    const char           *reason, *at;
    ngx_sg_jws_t          jws;
    ngx_sg_dpop_proof_t   p;
    u_char                ath[NGX_SG_DPOP_JKT_LEN];

    v = sg_load("vectors/dpop/rfc9449_examples.json");

    /* the token of the examples and its ath (RFC 9449 7.1) */

    at = sg_get_str(v, "access_token_example.access_token");
    assert_int_equal(ngx_sg_sha256_b64((u_char *) at, strlen(at), ath),
                     NGX_OK);
    assert_memory_equal(ath, sg_get_str(v, "access_token_example.ath"),
                        NGX_SG_DPOP_JKT_LEN);

    /* its cnf.jkt, from the example access token */

    t = sg_str(sg_get_str(v, "access_token_jwt_with_cnf.jwt"));
    assert_int_equal(ngx_sg_jws_parse(sg_pool, &t, NGX_SG_JWS_JSON_PAYLOAD,
                                      &jws, &reason),
                     NGX_OK);
    cnf = json_object_get(jws.payload, "cnf");

    json_array_foreach(sg_get(v, "proofs"), i, item) {
        t = sg_str(sg_get_str(item, "proof"));
        reason = "";

        if (ngx_sg_dpop_parse(sg_pool, &t, ASYM, &p, &reason) != NGX_OK) {
            fail_msg("proof %d: %s", (int) i, reason);
        }

        assert_int_equal(p.jkt.len, NGX_SG_DPOP_JKT_LEN);
        assert_memory_equal(p.jkt.data,
                            sg_get_str(item, "jwk_thumbprint"),
                            NGX_SG_DPOP_JKT_LEN);
        assert_memory_equal(p.jkt.data, sg_get_str(v, "expected_jkt"),
                            NGX_SG_DPOP_JKT_LEN);

        /* the request it was made for, at the time it was made */

        uri = sg_str(sg_get_str(item, "request.uri"));
        assert_int_equal(ngx_sg_uri_normalize(sg_pool, &uri, 0, &rules.htu,
                                              NULL),
                         NGX_OK);

        rules.htm = sg_str(sg_get_str(item, "request.method"));
        rules.now = p.iat;

        if (json_object_get(item, "access_token")) {
            rules.access_token = sg_str(sg_get_str(item, "access_token"));
            assert_int_equal(p.ath.len, NGX_SG_DPOP_JKT_LEN);
            assert_memory_equal(p.ath.data, sg_get_str(item, "expected_ath"),
                                NGX_SG_DPOP_JKT_LEN);

        } else {
            ngx_str_null(&rules.access_token);
        }

        if (ngx_sg_dpop_check(sg_pool, &p, &rules, &reason) != NGX_OK) {
            fail_msg("proof %d: %s", (int) i, reason);
        }

        assert_int_equal(ngx_sg_dpop_jkt_match(&p, cnf, &reason), NGX_OK);

        /* an hour later it is too old */

        rules.now = p.iat + 3600;
        assert_int_equal(ngx_sg_dpop_check(sg_pool, &p, &rules, &reason),
                         NGX_DECLINED);
        assert_string_equal(reason, "dpop iat too old");
    }

    assert_int_equal(i, 3);
}


static void
test_valid(void **state)
{
    ngx_str_t             t;
    const char           *reason;
    ngx_sg_dpop_proof_t   p;
    u_char                digest[32];

    check_proof(proof("ES256", ec256, claims()), NGX_OK, "");
    check_proof(proof("ES384", ec384, claims()), NGX_OK, "");
    check_proof(proof("ES512", ec521, claims()), NGX_OK, "");
    check_proof(proof("RS256", rsa, claims()), NGX_OK, "");
    check_proof(proof("RS512", rsa, claims()), NGX_OK, "");
    check_proof(proof("PS256", rsa, claims()), NGX_OK, "");
    check_proof(proof("EdDSA", ed25519, claims()), NGX_OK, "");

    /* the parsed fields and the thumbprint */

    t = sg_str(proof("ES256", ec256,
                     sg_printf("{\"jti\":\"j-1\",\"htm\":\"GET\","
                               "\"htu\":\"%s\",\"iat\":%d,\"ath\":\"%s\","
                               "\"nonce\":\"n-1\"}",
                               HTU, NOW, token_ath)));

    assert_int_equal(ngx_sg_dpop_parse(sg_pool, &t, ASYM, &p, &reason),
                     NGX_OK);
    assert_int_equal(p.jti.len, 3);
    assert_memory_equal(p.jti.data, "j-1", 3);
    assert_int_equal(p.nonce.len, 3);
    assert_memory_equal(p.nonce.data, "n-1", 3);
    assert_int_equal(p.iat, NOW);
    assert_int_equal(p.key.kty, NGX_SG_KTY_EC);

    assert_int_equal(ngx_sg_jwk_thumbprint(sg_jwk(ec256, NULL, NULL), digest,
                                           &reason),
                     NGX_OK);
    assert_memory_equal(p.thumbprint, digest, 32);
    assert_string_equal(sg_printf("%.*s", (int) p.jkt.len, p.jkt.data),
                        sg_b64(digest, 32));

    /* a proof need not carry ath when no token comes with it */

    ngx_str_null(&rules.access_token);
    check_proof(proof("ES256", ec256,
                       sg_printf("{\"jti\":\"j\",\"htm\":\"GET\","
                                 "\"htu\":\"%s\",\"iat\":%d}", HTU, NOW)),
                 NGX_OK, "");
}


static void
test_typ(void **state)
{
    char  *pl;

    pl = claims();

    expect_parse(sg_token("ES256", ec256, NULL,
                          header(NULL, "ES256", ec256), pl),
                 ASYM, NGX_DECLINED, "bad dpop typ");
    expect_parse(sg_token("ES256", ec256, NULL,
                          header("JWT", "ES256", ec256), pl),
                 ASYM, NGX_DECLINED, "bad dpop typ");
    expect_parse(sg_token("ES256", ec256, NULL,
                          header("at+jwt", "ES256", ec256), pl),
                 ASYM, NGX_DECLINED, "bad dpop typ");
    expect_parse(sg_token("ES256", ec256, NULL,
                          header("dpop+jwt ", "ES256", ec256), pl),
                 ASYM, NGX_DECLINED, "bad dpop typ");
    expect_parse(sg_token("ES256", ec256, NULL,
                          header("application/", "ES256", ec256), pl),
                 ASYM, NGX_DECLINED, "bad dpop typ");
    expect_parse(sg_token("ES256", ec256, NULL,
                          "{\"typ\":1,\"alg\":\"ES256\"}", pl),
                 ASYM, NGX_DECLINED, "bad dpop typ");

    /* RFC 7515 4.1.9: case-insensitive, "application/" may prefix it */

    expect_parse(sg_token("ES256", ec256, NULL,
                          header("DPoP+JWT", "ES256", ec256), pl),
                 ASYM, NGX_OK, "");
    expect_parse(sg_token("ES256", ec256, NULL,
                          header("application/dpop+jwt", "ES256", ec256), pl),
                 ASYM, NGX_OK, "");
}


static void
test_alg(void **state)
{
    char       *pl;
    u_char      raw[32];
    ngx_str_t   secret;

    pl = claims();

    expect_parse(sg_printf("%s.%s.", sg_b64_str(header("dpop+jwt", "none",
                                                       ec256)),
                           sg_b64_str(pl)),
                 ASYM, NGX_DECLINED, "dpop alg none");
    expect_parse(sg_printf("%s.%s.c2ln", sg_b64_str(header("dpop+jwt",
                                                           "NONE", ec256)),
                           sg_b64_str(pl)),
                 ASYM, NGX_DECLINED, "dpop alg none");
    expect_parse(sg_printf("%s.%s.c2ln", sg_b64_str(header("dpop+jwt",
                                                           "ES256K", ec256)),
                           sg_b64_str(pl)),
                 ASYM, NGX_DECLINED, "dpop alg not allowed");

    /* HMAC: never, even if the caller's mask allows it */

    memset(raw, 7, sizeof(raw));
    secret.data = raw;
    secret.len = sizeof(raw);

    expect_parse(sg_token("HS256", NULL, &secret,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\","
                                    "\"jwk\":{\"kty\":\"oct\",\"k\":\"%s\"}}",
                                    sg_b64(raw, sizeof(raw))),
                          pl),
                 SG_ALL_ALGS, NGX_DECLINED, "dpop alg not allowed");

    /* off the allow-list */

    expect_parse(proof("RS256", rsa, pl), 1 << NGX_SG_ALG_ES256,
                 NGX_DECLINED, "dpop alg not allowed");
    expect_parse(proof("ES256", ec256, pl), 1 << NGX_SG_ALG_ES256,
                 NGX_OK, "");
    expect_parse(proof("ES256", ec256, pl), 0, NGX_DECLINED,
                 "dpop alg not allowed");

    /* the alg must fit the key: curve, key type */

    expect_parse(sg_token("ES256", ec384, NULL,
                          header("dpop+jwt", "ES256", ec384), pl),
                 ASYM, NGX_DECLINED, "dpop jwk does not fit alg");
    expect_parse(sg_token("ES256", ec256, NULL,
                          header("dpop+jwt", "RS256", ec256), pl),
                 ASYM, NGX_DECLINED, "dpop jwk does not fit alg");
    expect_parse(sg_token("RS256", rsa, NULL,
                          header("dpop+jwt", "EdDSA", rsa), pl),
                 ASYM, NGX_DECLINED, "dpop jwk does not fit alg");
}


static void
test_jwk(void **state)
{
    char    *pl, *jwk, *pub;
    json_t  *j;

    pl = claims();
    pub = sg_dump(sg_jwk(ec256, NULL, NULL));

    expect_parse(sg_token("ES256", ec256, NULL,
                          header("dpop+jwt", "ES256", NULL), pl),
                 ASYM, NGX_DECLINED, "missing dpop jwk");
    expect_parse(sg_token("ES256", ec256, NULL,
                          "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                          "\"jwk\":\"key\"}", pl),
                 ASYM, NGX_DECLINED, "bad dpop jwk");
    expect_parse(sg_token("ES256", ec256, NULL,
                          "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                          "\"jwk\":{}}", pl),
                 ASYM, NGX_DECLINED, "bad dpop jwk");
    expect_parse(sg_token("ES256", ec256, NULL,
                          "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                          "\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
                          "\"x\":\"AAAA\",\"y\":\"AAAA\"}}", pl),
                 ASYM, NGX_DECLINED, "bad dpop jwk");

    /* private members: whatever their value */

    j = sg_json(pub);
    json_object_set_new(j, "d", json_string("AAAA"));
    jwk = sg_dump(j);
    expect_parse(sg_token("ES256", ec256, NULL,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                                    "\"jwk\":%s}", jwk), pl),
                 ASYM, NGX_DECLINED, "private dpop jwk");

    j = sg_json(sg_dump(sg_jwk(rsa, NULL, NULL)));
    json_object_set_new(j, "qi", json_null());
    jwk = sg_dump(j);
    expect_parse(sg_token("RS256", rsa, NULL,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\","
                                    "\"jwk\":%s}", jwk), pl),
                 ASYM, NGX_DECLINED, "private dpop jwk");

    j = sg_json(pub);
    json_object_set_new(j, "k", json_string("AAAA"));
    jwk = sg_dump(j);
    expect_parse(sg_token("ES256", ec256, NULL,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                                    "\"jwk\":%s}", jwk), pl),
                 ASYM, NGX_DECLINED, "private dpop jwk");

    /* a key for encryption only */

    j = sg_json(pub);
    json_object_set_new(j, "use", json_string("enc"));
    jwk = sg_dump(j);
    expect_parse(sg_token("ES256", ec256, NULL,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                                    "\"jwk\":%s}", jwk), pl),
                 ASYM, NGX_DECLINED, "bad dpop jwk");

    /* public members the thumbprint ignores do not matter */

    j = sg_json(pub);
    json_object_set_new(j, "kid", json_string("k1"));
    json_object_set_new(j, "use", json_string("sig"));
    jwk = sg_dump(j);
    expect_parse(sg_token("ES256", ec256, NULL,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                                    "\"jwk\":%s}", jwk), pl),
                 ASYM, NGX_OK, "");
}


static void
test_signature(void **state)
{
    char  *p, *q, *pl;

    pl = claims();

    /* signed by another key than the one in the header */

    expect_parse(sg_token("ES256", other, NULL,
                          header("dpop+jwt", "ES256", ec256), pl),
                 ASYM, NGX_DECLINED, "bad dpop signature");

    /* a claim changed after signing */

    p = proof("ES256", ec256, pl);
    q = strchr(p, '.');
    assert_non_null(q);
    p = sg_printf("%.*s.%s%s", (int) (q - p), p,
                  sg_b64_str(sg_printf("{\"jti\":\"j-2\",\"htm\":\"GET\","
                                       "\"htu\":\"%s\",\"iat\":%d}",
                                       HTU, NOW)),
                  strchr(q + 1, '.'));
    expect_parse(p, ASYM, NGX_DECLINED, "bad dpop signature");

    /* structure */

    expect_parse("", ASYM, NGX_DECLINED, "bad dpop proof");
    expect_parse("a.b", ASYM, NGX_DECLINED, "bad dpop proof");
    expect_parse(sg_printf("%s,%s", proof("ES256", ec256, pl),
                           proof("ES256", ec256, pl)),
                 ASYM, NGX_DECLINED, "bad dpop proof");
    expect_parse(sg_printf("%s.%s.%s", sg_b64_str(header("dpop+jwt",
                                                         "ES256", ec256)),
                           sg_b64_str("not json"), "AAAA"),
                 ASYM, NGX_DECLINED, "bad dpop proof");
    expect_parse(sg_token("ES256", ec256, NULL,
                          sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                                    "\"crit\":[\"x\"],\"x\":1,\"jwk\":%s}",
                                    sg_dump(sg_jwk(ec256, NULL, NULL))),
                          pl),
                 ASYM, NGX_DECLINED, "bad dpop proof");
}


static void
test_claims(void **state)
{
    char        *big;
    ngx_uint_t   i;

    static const char  *missing[] = {
        "{\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":\"j\",\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"iat\":1}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\"}",
        NULL
    };

    static const char  *bad[] = {
        "{\"jti\":1,\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":\"\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":null,\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":\"j\",\"htm\":[\"GET\"],\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":\"j\",\"htm\":\"\",\"htu\":\"" HTU "\",\"iat\":1}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":{},\"iat\":1}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":\"1\"}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":-1}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1e300}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1,"
        "\"ath\":1}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1,"
        "\"ath\":\"\"}",
        "{\"jti\":\"j\",\"htm\":\"GET\",\"htu\":\"" HTU "\",\"iat\":1,"
        "\"nonce\":true}",
        NULL
    };

    for (i = 0; missing[i]; i++) {
        expect_parse(proof("ES256", ec256, missing[i]), ASYM, NGX_DECLINED,
                     "missing dpop claim");
    }

    for (i = 0; bad[i]; i++) {
        expect_parse(proof("ES256", ec256, bad[i]), ASYM, NGX_DECLINED,
                     "bad dpop claim");
    }

    /* jti length */

    big = ngx_palloc(sg_pool, NGX_SG_DPOP_JTI_MAX + 2);
    assert_non_null(big);
    memset(big, 'j', NGX_SG_DPOP_JTI_MAX + 1);
    big[NGX_SG_DPOP_JTI_MAX + 1] = '\0';

    expect_parse(proof("ES256", ec256,
                       sg_printf("{\"jti\":\"%s\",\"htm\":\"GET\","
                                 "\"htu\":\"%s\",\"iat\":1}", big, HTU)),
                 ASYM, NGX_DECLINED, "bad dpop claim");

    big[NGX_SG_DPOP_JTI_MAX] = '\0';

    expect_parse(proof("ES256", ec256,
                       sg_printf("{\"jti\":\"%s\",\"htm\":\"GET\","
                                 "\"htu\":\"%s\",\"iat\":1}", big, HTU)),
                 ASYM, NGX_OK, "");

    /* the proof's own size */

    big = ngx_palloc(sg_pool, NGX_SG_DPOP_PROOF_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', NGX_SG_DPOP_PROOF_MAX + 1);
    big[NGX_SG_DPOP_PROOF_MAX + 1] = '\0';

    expect_parse(big, ASYM, NGX_DECLINED, "dpop proof too large");

    /* duplicate claims are refused by the JSON parser */

    expect_parse(proof("ES256", ec256,
                       "{\"jti\":\"j\",\"htm\":\"GET\",\"htm\":\"POST\","
                       "\"htu\":\"" HTU "\",\"iat\":1}"),
                 ASYM, NGX_DECLINED, "bad dpop proof");
}


static char *
with(const char *htm, const char *htu, long iat, const char *ath)
{
    return proof("ES256", ec256,
                 sg_printf("{\"jti\":\"j\",\"htm\":\"%s\",\"htu\":\"%s\","
                           "\"iat\":%ld%s%s%s}", htm, htu, iat,
                           ath ? ",\"ath\":\"" : "", ath ? ath : "",
                           ath ? "\"" : ""));
}


static void
test_htm(void **state)
{
    check_proof(with("GET", HTU, NOW, token_ath), NGX_OK, "");
    check_proof(with("get", HTU, NOW, token_ath), NGX_DECLINED,
                 "dpop htm mismatch");
    check_proof(with("POST", HTU, NOW, token_ath), NGX_DECLINED,
                 "dpop htm mismatch");
    check_proof(with("GETX", HTU, NOW, token_ath), NGX_DECLINED,
                 "dpop htm mismatch");
    check_proof(with("GE", HTU, NOW, token_ath), NGX_DECLINED,
                 "dpop htm mismatch");
}


static void
test_htu(void **state)
{
    /* equal after normalisation */

    check_proof(with("GET", "HTTPS://API.Example/r", NOW, token_ath),
                 NGX_OK, "");
    check_proof(with("GET", "https://api.example:443/r", NOW, token_ath),
                 NGX_OK, "");
    check_proof(with("GET", "https://api.example/r?x=1#f", NOW, token_ath),
                 NGX_OK, "");
    check_proof(with("GET", "https://api.example/a/../r", NOW, token_ath),
                 NGX_OK, "");
    check_proof(with("GET", "https://api.example/%72", NOW, token_ath),
                 NGX_OK, "");

    /* different resources */

    check_proof(with("GET", "http://api.example/r", NOW, token_ath),
                 NGX_DECLINED, "dpop htu mismatch");
    check_proof(with("GET", "https://api.example:8443/r", NOW, token_ath),
                 NGX_DECLINED, "dpop htu mismatch");
    check_proof(with("GET", "https://api.example/R", NOW, token_ath),
                 NGX_DECLINED, "dpop htu mismatch");
    check_proof(with("GET", "https://api.example/r/", NOW, token_ath),
                 NGX_DECLINED, "dpop htu mismatch");
    check_proof(with("GET", "https://evil.example/r", NOW, token_ath),
                 NGX_DECLINED, "dpop htu mismatch");
    check_proof(with("GET", "https://api.example.evil/r", NOW, token_ath),
                 NGX_DECLINED, "dpop htu mismatch");

    /* not an http(s) URI at all */

    check_proof(with("GET", "/r", NOW, token_ath), NGX_DECLINED,
                 "bad dpop htu");
    check_proof(with("GET", "ftp://api.example/r", NOW, token_ath),
                 NGX_DECLINED, "bad dpop htu");
    check_proof(with("GET", "https://u@api.example/r", NOW, token_ath),
                 NGX_DECLINED, "bad dpop htu");
}


static void
test_iat(void **state)
{
    check_proof(with("GET", HTU, NOW - 60, token_ath), NGX_OK, "");
    check_proof(with("GET", HTU, NOW + 60, token_ath), NGX_OK, "");
    check_proof(with("GET", HTU, NOW - 61, token_ath), NGX_DECLINED,
                 "dpop iat too old");
    check_proof(with("GET", HTU, NOW + 61, token_ath), NGX_DECLINED,
                 "dpop iat in the future");
    check_proof(with("GET", HTU, 0, token_ath), NGX_DECLINED,
                 "dpop iat too old");

    rules.window = 0;

    check_proof(with("GET", HTU, NOW, token_ath), NGX_OK, "");
    check_proof(with("GET", HTU, NOW - 1, token_ath), NGX_DECLINED,
                 "dpop iat too old");
}


static void
test_ath(void **state)
{
    char  *other_ath;

    check_proof(with("GET", HTU, NOW, NULL), NGX_DECLINED,
                 "missing dpop ath");

    other_ath = sg_b64("0123456789abcdef0123456789abcdef", 32);
    check_proof(with("GET", HTU, NOW, other_ath), NGX_DECLINED,
                 "dpop ath mismatch");

    /* a prefix, and the ath with padding */

    check_proof(with("GET", HTU, NOW, sg_printf("%.42s", token_ath)),
                 NGX_DECLINED, "dpop ath mismatch");
    check_proof(with("GET", HTU, NOW, sg_printf("%s=", token_ath)),
                 NGX_DECLINED, "dpop ath mismatch");

    /* the hash of the token, not the token */

    check_proof(with("GET", HTU, NOW, TOKEN), NGX_DECLINED,
                 "dpop ath mismatch");

    rules.access_token = sg_str("another-token");
    check_proof(with("GET", HTU, NOW, token_ath), NGX_DECLINED,
                 "dpop ath mismatch");
}


static void
test_jkt(void **state)
{
    ngx_str_t             t;
    const char           *reason;
    ngx_sg_dpop_proof_t   p;

    t = sg_str(proof("ES256", ec256, claims()));
    assert_int_equal(ngx_sg_dpop_parse(sg_pool, &t, ASYM, &p, &reason),
                     NGX_OK);

    assert_int_equal(ngx_sg_dpop_jkt_match(&p,
                         sg_json(sg_printf("{\"jkt\":\"%.*s\"}",
                                           (int) p.jkt.len, p.jkt.data)),
                         &reason),
                     NGX_OK);

    assert_int_equal(ngx_sg_dpop_jkt_match(&p, NULL, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "token not dpop-bound");

    assert_int_equal(ngx_sg_dpop_jkt_match(&p, sg_json("{}"), &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "token not dpop-bound");

    assert_int_equal(ngx_sg_dpop_jkt_match(&p,
                         sg_json("{\"x5t#S256\":\"abc\"}"), &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "token not dpop-bound");

    assert_int_equal(ngx_sg_dpop_jkt_match(&p, sg_own(json_string("jkt")),
                                           &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "token not dpop-bound");

    assert_int_equal(ngx_sg_dpop_jkt_match(&p, sg_json("{\"jkt\":1}"),
                                           &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "bad cnf.jkt");

    /* another key's thumbprint, a prefix, a padded one */

    assert_int_equal(ngx_sg_dpop_jkt_match(&p,
                         sg_json(sg_printf("{\"jkt\":\"%s\"}",
                                           sg_b64("0123456789abcdef"
                                                  "0123456789abcdef", 32))),
                         &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "dpop key mismatch");

    assert_int_equal(ngx_sg_dpop_jkt_match(&p,
                         sg_json(sg_printf("{\"jkt\":\"%.42s\"}",
                                           (char *) p.jkt.data)),
                         &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "dpop key mismatch");

    assert_int_equal(ngx_sg_dpop_jkt_match(&p,
                         sg_json(sg_printf("{\"jkt\":\"%.43s=\"}",
                                           (char *) p.jkt.data)),
                         &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "dpop key mismatch");
}


static void
test_nonce(void **state)
{
    u_char       key[NGX_SG_DPOP_NONCE_KEY_LEN], key2[32];
    u_char       n1[NGX_SG_DPOP_NONCE_LEN], n2[NGX_SG_DPOP_NONCE_LEN];
    ngx_str_t    nonce;
    const char  *reason;

    memset(key, 1, sizeof(key));
    memset(key2, 2, sizeof(key2));

    assert_int_equal(ngx_sg_dpop_nonce(key, NOW, 60, n1), NGX_OK);

    nonce.data = n1;
    nonce.len = sizeof(n1);

    /* base64url only */
    assert_null(memchr(n1, '=', sizeof(n1)));
    assert_null(memchr(n1, '+', sizeof(n1)));
    assert_null(memchr(n1, '/', sizeof(n1)));

    /* this slot and the next */

    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW, 60, &nonce, &reason),
                     NGX_OK);
    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW + 60, 60, &nonce,
                                             &reason),
                     NGX_OK);

    /* two slots later */

    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW + 120, 60, &nonce,
                                             &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "stale dpop nonce");

    /* from the future, or another key */

    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW - 60, 60, &nonce,
                                             &reason),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_dpop_nonce_check(key2, NOW, 60, &nonce,
                                             &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "stale dpop nonce");

    /* the same slot makes the same nonce, another slot another one */

    assert_int_equal(ngx_sg_dpop_nonce(key, NOW - NOW % 60 + 59, 60, n2),
                     NGX_OK);
    assert_memory_equal(n1, n2, sizeof(n1));
    assert_int_equal(ngx_sg_dpop_nonce(key, NOW - NOW % 60 + 60, 60, n2),
                     NGX_OK);
    assert_memory_not_equal(n1, n2, sizeof(n1));
    assert_int_equal(ngx_sg_dpop_nonce(key2, NOW, 60, n2), NGX_OK);
    assert_memory_not_equal(n1, n2, sizeof(n1));

    /* tampered, truncated, missing */

    n1[31] = (n1[31] == 'A') ? 'B' : 'A';
    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW, 60, &nonce, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "stale dpop nonce");

    nonce.len = 31;
    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW, 60, &nonce, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "stale dpop nonce");

    nonce.len = 0;
    assert_int_equal(ngx_sg_dpop_nonce_check(key, NOW, 60, &nonce, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "missing dpop nonce");

    /* slot 0 has no previous slot */

    assert_int_equal(ngx_sg_dpop_nonce(key, 0, 60, n2), NGX_OK);
    nonce.data = n2;
    nonce.len = sizeof(n2);
    assert_int_equal(ngx_sg_dpop_nonce_check(key, 30, 60, &nonce, &reason),
                     NGX_OK);
}


static void
test_nomem(void **state)
{
    ngx_int_t             rc;
    ngx_uint_t            i;
    ngx_str_t             t;
    const char           *reason;
    ngx_sg_dpop_proof_t   p;

    t = sg_str(proof("ES256", ec256, claims()));

    for (i = 1; i < 1000; i++) {
        ngx_stub_fail_after = i;

        rc = ngx_sg_dpop_parse(sg_pool, &t, ASYM, &p, &reason);
        if (rc == NGX_OK) {
            rc = ngx_sg_dpop_check(sg_pool, &p, &rules, &reason);
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


/* the proof key cache: hits, and a hit still checks the whole jwk */

static ngx_int_t
parse_cached(ngx_sg_dpop_key_cache_t *cache, const char *text,
    ngx_sg_dpop_proof_t *p, const char **reason)
{
    ngx_str_t  t;

    t = sg_str(text);
    *reason = "";

    return ngx_sg_dpop_parse_cached(sg_pool, &t, ASYM, cache, p, reason);
}


static char *
proof_jwk(const char *alg, EVP_PKEY *signer, EVP_PKEY *key,
    const char *name, json_t *value)
{
    json_t  *j;

    j = sg_json(sg_dump(sg_jwk(key, NULL, NULL)));
    json_object_set_new(j, name, value);

    return sg_token(alg, signer, NULL,
                    sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"%s\","
                              "\"jwk\":%s}", alg, sg_dump(j)),
                    claims());
}


static void
test_key_cache(void **state)
{
    char                     *pl;
    ngx_str_t                 jkt;
    const char               *reason;
    ngx_sg_dpop_proof_t       p;
    ngx_sg_dpop_key_cache_t  *c;

    pl = claims();

    /* as long-lived as the pool whose cleanup frees the keys */

    c = ngx_pcalloc(sg_pool, 3 * sizeof(ngx_sg_dpop_key_cache_t));
    assert_non_null(c);

    assert_int_equal(ngx_sg_dpop_key_cache_init(sg_pool, &c[0], 16), NGX_OK);
    assert_int_equal(ngx_sg_dpop_key_cache_init(sg_pool, &c[1], 1), NGX_OK);
    assert_int_equal(ngx_sg_dpop_key_cache_init(sg_pool, &c[2], 0), NGX_OK);

    /* a miss, inserted; then a hit with the same result */

    assert_int_equal(parse_cached(&c[0], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_false(p.key_cached);
    assert_non_null(p.key.pkey);
    assert_int_equal(c[0].misses, 1);
    jkt = p.jkt;

    assert_int_equal(parse_cached(&c[0], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_true(p.key_cached);
    assert_true(p.header_cached);   /* the same header, byte for byte */
    assert_null(p.key.pkey);        /* the cache's, not for later use */
    assert_int_equal(c[0].header_hits, 1);
    assert_int_equal(c[0].hits, 0);
    assert_int_equal(p.jkt.len, jkt.len);
    assert_memory_equal(p.jkt.data, jkt.data, jkt.len);
    assert_int_equal(p.key.kty, NGX_SG_KTY_EC);

    /* the same key material, but a jwk that is refused all the same */

    assert_int_equal(parse_cached(&c[0],
                                  proof_jwk("ES256", ec256, ec256, "use",
                                            json_string("enc")),
                                  &p, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad dpop jwk");
    assert_true(p.key_cached);

    assert_int_equal(parse_cached(&c[0],
                                  proof_jwk("ES256", ec256, ec256, "alg",
                                            json_string("ES384")),
                                  &p, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad dpop jwk");

    assert_int_equal(parse_cached(&c[0],
                                  proof_jwk("ES256", ec256, ec256, "d",
                                            json_string("AAAA")),
                                  &p, &reason), NGX_DECLINED);
    assert_string_equal(reason, "private dpop jwk");
    assert_false(p.key_cached);

    /* a cached key does not make another key's signature good */

    assert_int_equal(parse_cached(&c[0],
                                  sg_token("ES256", other, NULL,
                                           header("dpop+jwt", "ES256", ec256),
                                           pl),
                                  &p, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad dpop signature");
    assert_true(p.key_cached);

    /* a key that does not fit is not inserted */

    assert_int_equal(parse_cached(&c[0],
                                  sg_token("ES256", ec384, NULL,
                                           header("dpop+jwt", "ES256", ec384),
                                           pl),
                                  &p, &reason), NGX_DECLINED);
    assert_string_equal(reason, "dpop jwk does not fit alg");
    assert_int_equal(parse_cached(&c[0], proof("ES384", ec384, pl), &p,
                                  &reason), NGX_OK);
    assert_false(p.key_cached);

    /* RSA and Ed25519 */

    assert_int_equal(parse_cached(&c[0], proof("PS256", rsa, pl), &p,
                                  &reason), NGX_OK);
    assert_int_equal(parse_cached(&c[0], proof("RS256", rsa, pl), &p,
                                  &reason), NGX_OK);
    assert_true(p.key_cached);
    assert_int_equal(p.key.kty, NGX_SG_KTY_RSA);

    assert_int_equal(parse_cached(&c[0], proof("EdDSA", ed25519, pl), &p,
                                  &reason), NGX_OK);
    assert_int_equal(parse_cached(&c[0], proof("EdDSA", ed25519, pl), &p,
                                  &reason), NGX_OK);
    assert_true(p.key_cached);

    /* one slot: each key replaces the other (and frees it) */

    assert_int_equal(parse_cached(&c[1], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_int_equal(parse_cached(&c[1], proof("ES384", ec384, pl), &p,
                                  &reason), NGX_OK);
    assert_false(p.key_cached);
    assert_int_equal(parse_cached(&c[1], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_false(p.key_cached);
    assert_int_equal(parse_cached(&c[1], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_true(p.key_cached);

    /* size 0: no cache */

    assert_int_equal(parse_cached(&c[2], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_int_equal(parse_cached(&c[2], proof("ES256", ec256, pl), &p,
                                  &reason), NGX_OK);
    assert_false(p.key_cached);
    assert_int_equal(c[2].hits + c[2].misses, 0);
}


/*
 * The header cache: a header segment seen before, byte for byte, is not
 * decoded, checked or thumbprinted again; everything after it still is
 */

static void
test_header_cache(void **state)
{
    char                     *good, *text, *pl, *big;
    size_t                    n;
    ngx_str_t                 jkt, t;
    const char               *reason;
    ngx_sg_dpop_proof_t       p;
    ngx_sg_dpop_key_cache_t  *c;

    pl = claims();

    c = ngx_pcalloc(sg_pool, 2 * sizeof(ngx_sg_dpop_key_cache_t));
    assert_non_null(c);

    assert_int_equal(ngx_sg_dpop_key_cache_init(sg_pool, &c[0], 16), NGX_OK);
    assert_int_equal(ngx_sg_dpop_key_cache_init(sg_pool, &c[1], 1), NGX_OK);

    good = proof("ES256", ec256, pl);

    assert_int_equal(parse_cached(&c[0], good, &p, &reason), NGX_OK);
    assert_false(p.header_cached);
    assert_int_equal(c[0].header_misses, 1);
    jkt = p.jkt;

    assert_int_equal(parse_cached(&c[0], good, &p, &reason), NGX_OK);
    assert_true(p.header_cached);
    assert_int_equal(c[0].header_hits, 1);
    assert_int_equal(p.jkt.len, jkt.len);
    assert_memory_equal(p.jkt.data, jkt.data, jkt.len);
    assert_int_equal(p.jti.len, 3);
    assert_int_equal(p.iat, NOW);
    assert_null(p.key.pkey);

    /* the cached header over another key's signature */

    text = sg_token("ES256", other, NULL, header("dpop+jwt", "ES256", ec256),
                    pl);
    assert_int_equal(parse_cached(&c[0], text, &p, &reason), NGX_DECLINED);
    assert_true(p.header_cached);
    assert_string_equal(reason, "bad dpop signature");
    assert_int_equal(p.jkt.len, 0);

    /* the cached header, a signature changed in one character */

    text = sg_printf("%s", good);
    n = strlen(text) - 20;
    text[n] = (text[n] == 'A') ? 'B' : 'A';
    assert_int_equal(parse_cached(&c[0], text, &p, &reason), NGX_DECLINED);
    assert_true(p.header_cached);
    assert_string_equal(reason, "bad dpop signature");

    /* ... its signature over another payload */

    text = sg_printf("%s", good);
    *strchr(text, '.') = '\0';
    text = sg_printf("%s.e30.%s", text, strrchr(good, '.') + 1);
    assert_int_equal(parse_cached(&c[0], text, &p, &reason), NGX_DECLINED);
    assert_true(p.header_cached);
    assert_string_equal(reason, "bad dpop signature");

    /* the cached header where its alg is not allowed */

    t = sg_str(good);
    reason = "";
    assert_int_equal(ngx_sg_dpop_parse_cached(sg_pool, &t,
                         ASYM & ~(1 << NGX_SG_ALG_ES256), &c[0], &p,
                         &reason), NGX_DECLINED);
    assert_string_equal(reason, "dpop alg not allowed");

    /* the cached header, a payload that is not JSON, a claim missing */

    text = sg_printf("%s", good);
    *strchr(text, '.') = '\0';
    assert_int_equal(parse_cached(&c[0], sg_printf("%s.W10.%s", text,
                                                   strrchr(good, '.') + 1),
                                  &p, &reason), NGX_DECLINED);
    assert_string_equal(reason, "bad dpop proof");

    assert_int_equal(parse_cached(&c[0],
                                  proof("ES256", ec256,
                                        "{\"htm\":\"GET\",\"htu\":\"x\","
                                        "\"iat\":1}"),
                                  &p, &reason), NGX_DECLINED);
    assert_true(p.header_cached);
    assert_string_equal(reason, "missing dpop claim");

    /* a header over NGX_SG_DPOP_HEADER_MAX bytes: never cached */

    big = sg_printf("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\","
                    "\"x\":\"%02000d\",\"jwk\":%s}", 0,
                    sg_dump(sg_jwk(ec256, NULL, NULL)));
    text = sg_token("ES256", ec256, NULL, big, pl);
    assert_int_equal(parse_cached(&c[0], text, &p, &reason), NGX_OK);
    assert_int_equal(parse_cached(&c[0], text, &p, &reason), NGX_OK);
    assert_false(p.header_cached);
    assert_true(p.key_cached);      /* the key cache still has its key */

    /* one slot: each header replaces the other */

    assert_int_equal(parse_cached(&c[1], good, &p, &reason), NGX_OK);
    assert_int_equal(parse_cached(&c[1], proof("ES384", ec384, pl), &p,
                                  &reason), NGX_OK);
    assert_false(p.header_cached);
    assert_int_equal(parse_cached(&c[1], good, &p, &reason), NGX_OK);
    assert_false(p.header_cached);
    assert_int_equal(parse_cached(&c[1], good, &p, &reason), NGX_OK);
    assert_true(p.header_cached);

    /* a proof refused before its signature leaves no header behind */

    assert_int_equal(parse_cached(&c[1],
                                  sg_token("ES256", other, NULL,
                                           header("dpop+jwt", "ES256",
                                                  ec384), pl),
                                  &p, &reason), NGX_DECLINED);
    assert_int_equal(parse_cached(&c[1], good, &p, &reason), NGX_OK);
    assert_true(p.header_cached);
}


/* "ath" known by the caller (kept with a cached token) */

static void
test_known_ath(void **state)
{
    ngx_str_t             t;
    const char           *reason;
    ngx_sg_dpop_proof_t   p;

    t = sg_str(proof("ES256", ec256, claims()));
    assert_int_equal(ngx_sg_dpop_parse(sg_pool, &t, ASYM, &p, &reason),
                     NGX_OK);

    rules.ath = sg_str(token_ath);
    assert_int_equal(ngx_sg_dpop_check(sg_pool, &p, &rules, &reason),
                     NGX_OK);

    /* what the caller passes is what the proof is compared with */

    rules.ath = sg_str("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    reason = "";
    assert_int_equal(ngx_sg_dpop_check(sg_pool, &p, &rules, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "dpop ath mismatch");

    /* of another length: not an ath, computed from the token */

    rules.ath = sg_str("AAAA");
    assert_int_equal(ngx_sg_dpop_check(sg_pool, &p, &rules, &reason),
                     NGX_OK);

    ngx_str_null(&rules.ath);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_rfc9449, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_valid, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_typ, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_alg, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_jwk, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_signature, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_claims, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_htm, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_htu, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_iat, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_ath, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_jkt, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_nonce, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_key_cache, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_header_cache, setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_known_ath, setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("dpop", tests, group_setup,
                                       group_teardown);
}
