
/*
 * Copyright (C) ngx_session_guard authors
 */


/* logout tokens (OpenID Connect Back-Channel Logout 1.0, 2.6) */


#include "sg_test.h"

#include "ngx_sg_logout.h"


#define NOW     1700000000
#define ASYM    NGX_SG_ALG_MASK_ASYMMETRIC

/* claims of a valid token at NOW, to put together in a payload */
#define ISS     "\"iss\":\"https://idp.example\""
#define AUD     "\"aud\":\"rp1\""
#define IAT     "\"iat\":1700000000"
#define EXP     "\"exp\":1700000600"
#define JTI     "\"jti\":\"j-1\""
#define SID     "\"sid\":\"s-1\""
#define SUB     "\"sub\":\"u-1\""
#define EVENTS  "\"events\":{\"" NGX_SG_LOGOUT_EVENT "\":{}}"

#define CLAIMS  ISS "," AUD "," IAT "," EXP "," JTI "," EVENTS


/* who signs: the keys of the policy, a stranger, a shared secret */
enum {
    SIGNER_EC = 0,      /* kid "ec1", in the policy */
    SIGNER_RSA,         /* no kid, in the policy */
    SIGNER_OTHER,       /* kid "ec1" claimed, not in the policy */
    SIGNER_HMAC,        /* kid "h1", an oct key in the policy */
    SIGNER_NONE         /* no signature at all */
};


typedef struct {
    const char  *name;
    const char  *alg;
    ngx_uint_t   signer;
    const char  *typ;           /* NULL: no typ header */
    const char  *payload;
    ngx_uint_t   algorithms;    /* 0: ASYM */
    ngx_uint_t   typ_required;
    ngx_int_t    rc;
    const char  *reason;        /* NGX_DECLINED */
    const char  *sid;           /* NGX_OK: expected, "" for none */
    const char  *sub;
} logout_case_t;


static const logout_case_t  cases[] = {

    /* valid */

    { "sid only", "ES256", SIGNER_EC, "logout+jwt",
      "{" CLAIMS "," SID "}", 0, 0, NGX_OK, NULL, "s-1", "" },
    { "sub only", "RS256", SIGNER_RSA, NULL,
      "{" CLAIMS "," SUB "}", 0, 0, NGX_OK, NULL, "", "u-1" },
    { "sid and sub", "ES256", SIGNER_EC, "JWT",
      "{" CLAIMS "," SID "," SUB "}", 0, 0, NGX_OK, NULL, "s-1", "u-1" },
    { "aud array holding ours", "ES256", SIGNER_EC, "logout+jwt",
      "{" ISS ",\"aud\":[\"x\",\"rp2\"]," IAT "," EXP "," JTI "," EVENTS
      "," SID "}", 0, 0, NGX_OK, NULL, "s-1", "" },
    { "typ required, media type form", "ES256", SIGNER_EC,
      "application/Logout+JWT", "{" CLAIMS "," SID "}", 0, 1,
      NGX_OK, NULL, "s-1", "" },
    { "expired within the leeway", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT ",\"exp\":1699999971," JTI "," EVENTS
      "," SID "}", 0, 0, NGX_OK, NULL, "s-1", "" },
    { "iat ahead within the leeway", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD ",\"iat\":1700000030," EXP "," JTI "," EVENTS
      "," SID "}", 0, 0, NGX_OK, NULL, "s-1", "" },
    { "event with members", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI ",\"events\":{\""
      NGX_SG_LOGOUT_EVENT "\":{\"x\":1},\"urn:other\":{}}," SID "}",
      0, 0, NGX_OK, NULL, "s-1", "" },

    /* the JWS */

    { "malformed", "ES256", SIGNER_NONE, NULL, NULL, 0, 0,
      NGX_DECLINED, "malformed token", NULL, NULL },
    { "alg none", "none", SIGNER_NONE, NULL,
      "{" CLAIMS "," SID "}", 0, 0, NGX_DECLINED, "alg none", NULL, NULL },
    { "unknown alg", "XS256", SIGNER_NONE, NULL,
      "{" CLAIMS "," SID "}", 0, 0, NGX_DECLINED, "unknown alg", NULL,
      NULL },
    { "bad signature", "ES256", SIGNER_OTHER, NULL,
      "{" CLAIMS "," SID "}", 0, 0, NGX_DECLINED, "bad signature", NULL,
      NULL },
    { "alg off the list", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS "," SID "}", 1 << NGX_SG_ALG_RS256, 0,
      NGX_DECLINED, "alg not allowed", NULL, NULL },
    { "HS256", "HS256", SIGNER_HMAC, NULL,
      "{" CLAIMS "," SID "}", 0, 0, NGX_DECLINED, "alg not allowed", NULL,
      NULL },
    { "HS256 even when the mask has it", "HS256", SIGNER_HMAC, NULL,
      "{" CLAIMS "," SID "}", SG_ALL_ALGS, 0,
      NGX_DECLINED, "alg not allowed", NULL, NULL },

    /* typ */

    { "typ at+jwt", "ES256", SIGNER_EC, "at+jwt",
      "{" CLAIMS "," SID "}", 0, 0, NGX_DECLINED, "typ mismatch", NULL,
      NULL },
    { "typ JWT when required", "ES256", SIGNER_EC, "JWT",
      "{" CLAIMS "," SID "}", 0, 1, NGX_DECLINED, "typ mismatch", NULL,
      NULL },
    { "no typ when required", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS "," SID "}", 0, 1, NGX_DECLINED, "missing typ", NULL,
      NULL },

    /* iss, aud, exp, iat */

    { "wrong iss", "ES256", SIGNER_EC, NULL,
      "{\"iss\":\"https://idp.example/\"," AUD "," IAT "," EXP "," JTI ","
      EVENTS "," SID "}", 0, 0, NGX_DECLINED, "issuer mismatch", NULL,
      NULL },
    { "no iss", "ES256", SIGNER_EC, NULL,
      "{" AUD "," IAT "," EXP "," JTI "," EVENTS "," SID "}", 0, 0,
      NGX_DECLINED, "issuer mismatch", NULL, NULL },
    { "wrong aud", "ES256", SIGNER_EC, NULL,
      "{" ISS ",\"aud\":\"rp3\"," IAT "," EXP "," JTI "," EVENTS "," SID
      "}", 0, 0, NGX_DECLINED, "audience mismatch", NULL, NULL },
    { "aud array without ours", "ES256", SIGNER_EC, NULL,
      "{" ISS ",\"aud\":[\"rp3\",\"rp4\"]," IAT "," EXP "," JTI "," EVENTS
      "," SID "}", 0, 0, NGX_DECLINED, "audience mismatch", NULL, NULL },
    { "expired beyond the leeway", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT ",\"exp\":1699999970," JTI "," EVENTS
      "," SID "}", 0, 0, NGX_DECLINED, "expired", NULL, NULL },
    { "no exp", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," JTI "," EVENTS "," SID "}", 0, 0,
      NGX_DECLINED, "missing exp", NULL, NULL },
    { "iat ahead beyond the leeway", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD ",\"iat\":1700000031," EXP "," JTI "," EVENTS
      "," SID "}", 0, 0, NGX_DECLINED, "issued in the future", NULL,
      NULL },
    { "no iat", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," EXP "," JTI "," EVENTS "," SID "}", 0, 0,
      NGX_DECLINED, "missing iat", NULL, NULL },

    /* jti, sid, sub */

    { "no jti", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," EVENTS "," SID "}", 0, 0,
      NGX_DECLINED, "missing jti", NULL, NULL },
    { "empty jti", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP ",\"jti\":\"\"," EVENTS "," SID "}",
      0, 0, NGX_DECLINED, "missing jti", NULL, NULL },
    { "jti a number", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP ",\"jti\":7," EVENTS "," SID "}",
      0, 0, NGX_DECLINED, "missing jti", NULL, NULL },
    { "empty sid", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS ",\"sid\":\"\"," SUB "}", 0, 0,
      NGX_DECLINED, "malformed sid", NULL, NULL },
    { "sub an object", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS "," SID ",\"sub\":{}}", 0, 0,
      NGX_DECLINED, "malformed sub", NULL, NULL },
    { "neither sid nor sub", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS "}", 0, 0, NGX_DECLINED, "neither sub nor sid", NULL,
      NULL },

    /* events, nonce */

    { "no events", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI "," SID "}", 0, 0,
      NGX_DECLINED, "missing events", NULL, NULL },
    { "events an array", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI ",\"events\":[\""
      NGX_SG_LOGOUT_EVENT "\"]," SID "}", 0, 0,
      NGX_DECLINED, "missing events", NULL, NULL },
    { "another event", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI ",\"events\":{\""
      NGX_SG_LOGOUT_EVENT "/\":{}}," SID "}", 0, 0,
      NGX_DECLINED, "no back-channel logout event", NULL, NULL },
    { "event not an object", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI ",\"events\":{\""
      NGX_SG_LOGOUT_EVENT "\":true}," SID "}", 0, 0,
      NGX_DECLINED, "logout event not an object", NULL, NULL },
    { "nonce", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS "," SID ",\"nonce\":\"n\"}", 0, 0,
      NGX_DECLINED, "nonce present", NULL, NULL },
    { "nonce null", "ES256", SIGNER_EC, NULL,
      "{" CLAIMS "," SID ",\"nonce\":null}", 0, 0,
      NGX_DECLINED, "nonce present", NULL, NULL },

    /* the order: the first failing check names the refusal */

    { "bad signature before claims", "ES256", SIGNER_OTHER, NULL,
      "{\"nonce\":\"n\"}", 0, 0, NGX_DECLINED, "bad signature", NULL,
      NULL },
    { "typ before signature", "ES256", SIGNER_OTHER, "at+jwt",
      "{" CLAIMS "," SID "}", 0, 0, NGX_DECLINED, "typ mismatch", NULL,
      NULL },
    { "iss before jti", "ES256", SIGNER_EC, NULL,
      "{\"iss\":\"x\"," AUD "," IAT "," EXP "}", 0, 0,
      NGX_DECLINED, "issuer mismatch", NULL, NULL },
    { "jti before sid", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," EVENTS "}", 0, 0,
      NGX_DECLINED, "missing jti", NULL, NULL },
    { "sid before events", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI "}", 0, 0,
      NGX_DECLINED, "neither sub nor sid", NULL, NULL },
    { "events before nonce", "ES256", SIGNER_EC, NULL,
      "{" ISS "," AUD "," IAT "," EXP "," JTI "," SID ",\"nonce\":\"n\"}",
      0, 0, NGX_DECLINED, "missing events", NULL, NULL },
};


static EVP_PKEY  *ec, *rsa, *other;

static u_char     secret_bytes[32];
static ngx_str_t  secret = { sizeof(secret_bytes), secret_bytes };

static ngx_str_t               audiences[] = {
    ngx_string("rp1"),
    ngx_string("rp2")
};

static ngx_array_t             auds, keys;
static ngx_sg_logout_policy_t  policy;


static int
group_setup(void **state)
{
    size_t  i;

    ec = sg_keygen("EC", "P-256", 0);
    rsa = sg_keygen("RSA", NULL, 2048);
    other = sg_keygen("EC", "P-256", 0);

    for (i = 0; i < sizeof(secret_bytes); i++) {
        secret_bytes[i] = (u_char) (i * 7 + 3);
    }

    return 0;
}


static int
group_teardown(void **state)
{
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(other);

    return 0;
}


static int
setup(void **state)
{
    ngx_sg_key_t  *k;

    if (sg_setup(state) != 0) {
        return -1;
    }

    auds.elts = audiences;
    auds.nelts = 2;
    auds.size = sizeof(ngx_str_t);
    auds.nalloc = 2;
    auds.pool = sg_pool;

    assert_int_equal(ngx_array_init(&keys, sg_pool, 3, sizeof(ngx_sg_key_t)),
                     NGX_OK);

    k = ngx_array_push(&keys);
    assert_non_null(k);
    *k = *sg_key(sg_jwk(ec, "ec1", NULL));

    k = ngx_array_push(&keys);
    assert_non_null(k);
    *k = *sg_key(sg_jwk(rsa, NULL, NULL));

    k = ngx_array_push(&keys);
    assert_non_null(k);
    *k = *sg_key(sg_json(sg_printf("{\"kty\":\"oct\",\"kid\":\"h1\","
                                   "\"k\":\"%s\"}",
                                   sg_b64(secret.data, secret.len))));

    ngx_memzero(&policy, sizeof(policy));

    ngx_str_set(&policy.issuer, "https://idp.example");
    policy.audiences = &auds;
    policy.keys = &keys;
    policy.algorithms = ASYM;
    policy.leeway = 30;
    policy.now = NOW;

    return 0;
}


static char *
make_token(const logout_case_t *c)
{
    char        *header;
    const char  *kid;

    if (c->payload == NULL) {
        return "eyJhbGciOiJFUzI1NiJ9.e30";
    }

    kid = (c->signer == SIGNER_EC || c->signer == SIGNER_OTHER) ? "ec1"
          : (c->signer == SIGNER_HMAC) ? "h1" : NULL;

    header = sg_printf("{\"alg\":\"%s\"%s%s%s%s%s%s}", c->alg,
                       kid ? ",\"kid\":\"" : "", kid ? kid : "",
                       kid ? "\"" : "",
                       c->typ ? ",\"typ\":\"" : "", c->typ ? c->typ : "",
                       c->typ ? "\"" : "");

    switch (c->signer) {

    case SIGNER_EC:
        return sg_token(c->alg, ec, NULL, header, c->payload);

    case SIGNER_RSA:
        return sg_token(c->alg, rsa, NULL, header, c->payload);

    case SIGNER_OTHER:
        return sg_token(c->alg, other, NULL, header, c->payload);

    case SIGNER_HMAC:
        return sg_token(c->alg, NULL, &secret, header, c->payload);

    default:
        /* a signature no verifier could accept */
        return sg_printf("%s.%s.c2ln", sg_b64_str(header),
                         sg_b64_str(c->payload));
    }
}


static ngx_uint_t
str_is(ngx_str_t *have, const char *want)
{
    return have->len == strlen(want)
           && (have->len == 0
               || ngx_strncmp(have->data, want, have->len) == 0);
}


static void
check_case(const logout_case_t *c)
{
    ngx_int_t               rc;
    ngx_str_t               text;
    const char             *reason;
    ngx_sg_logout_token_t   t;

    policy.algorithms = c->algorithms ? c->algorithms : ASYM;
    policy.typ_required = c->typ_required;

    text = sg_str(make_token(c));
    reason = "";

    rc = ngx_sg_logout_validate(sg_pool, &text, &policy, &t, &reason);

    if (rc != c->rc
        || (rc == NGX_DECLINED && strcmp(reason, c->reason) != 0))
    {
        fail_msg("%s: expected %d \"%s\", got %d \"%s\"", c->name,
                 (int) c->rc, c->reason ? c->reason : "", (int) rc, reason);
    }

    if (rc != NGX_OK) {
        return;
    }

    if (!str_is(&t.sid, c->sid) || !str_is(&t.sub, c->sub)) {
        fail_msg("%s: expected sid \"%s\" sub \"%s\", got \"%.*s\" "
                 "\"%.*s\"", c->name, c->sid, c->sub, (int) t.sid.len,
                 t.sid.data, (int) t.sub.len, t.sub.data);
    }

    if (!str_is(&t.jti, "j-1")) {
        fail_msg("%s: jti \"%.*s\"", c->name, (int) t.jti.len, t.jti.data);
    }

    if (strstr(c->payload, EXP) && t.exp != NOW + 600) {
        fail_msg("%s: exp %ld", c->name, (long) t.exp);
    }
}


static void
test_cases(void **state)
{
    size_t  i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_case(&cases[i]);
    }
}


/* a policy out of range is the caller's bug, never "valid" */

static void
test_policy(void **state)
{
    ngx_str_t               text;
    const char             *reason;
    ngx_sg_logout_token_t   t;

    text = sg_str(make_token(&cases[0]));

    reason = "";
    assert_int_equal(ngx_sg_logout_validate(sg_pool, &text, &policy, &t,
                                            &reason),
                     NGX_OK);

    policy.now = -1;
    assert_int_equal(ngx_sg_logout_validate(sg_pool, &text, &policy, &t,
                                            &reason),
                     NGX_ERROR);

    policy.now = NOW;
    policy.leeway = -1;
    assert_int_equal(ngx_sg_logout_validate(sg_pool, &text, &policy, &t,
                                            &reason),
                     NGX_ERROR);

    /* no keys: nothing verifies */

    policy.leeway = 30;
    policy.keys = NULL;
    assert_int_equal(ngx_sg_logout_validate(sg_pool, &text, &policy, &t,
                                            &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "unknown kid");
}


/* an allocation that fails anywhere is NGX_ERROR, never "valid" */

static void
test_nomem(void **state)
{
    ngx_int_t               rc;
    ngx_uint_t              i;
    ngx_str_t               text;
    const char             *reason;
    ngx_sg_logout_token_t   t;

    text = sg_str(make_token(&cases[2]));

    for (i = 1; i < 1000; i++) {
        ngx_stub_fail_after = i;

        rc = ngx_sg_logout_validate(sg_pool, &text, &policy, &t, &reason);

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


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_cases, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_policy, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("logout", tests, group_setup,
                                       group_teardown);
}
