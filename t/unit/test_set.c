
/*
 * Copyright (C) ngx_session_guard authors
 */


/* Security Event Tokens (RFC 8417, OpenID SSF 1.0, CAEP 1.0) */


#include "sg_test.h"

#include "ngx_sg_set.h"


#define NOW     1700000000
#define ASYM    NGX_SG_ALG_MASK_ASYMMETRIC
#define INV     NGX_SG_SET_ERR_INVALID_REQUEST

/* claims of a valid SET at NOW, to put together in a payload */
#define ISS     "\"iss\":\"https://tx.example\""
#define AUD     "\"aud\":\"rp1\""
#define IAT     "\"iat\":1700000000"
#define JTI     "\"jti\":\"j-1\""

#define HEAD    ISS "," AUD "," IAT "," JTI

#define REVOKED NGX_SG_SET_CAEP "session-revoked"
#define CRED    NGX_SG_SET_CAEP "credential-change"
#define LEVEL   NGX_SG_SET_CAEP "assurance-level-change"
#define DEVICE  NGX_SG_SET_CAEP "device-compliance-change"
#define VERIFY  NGX_SG_SET_SSF "verification"
#define STREAM  NGX_SG_SET_SSF "stream-updated"

#define S_ISS   "{\"format\":\"iss_sub\",\"iss\":\"https://idp\"," \
                "\"sub\":\"u-1\"}"
#define S_EMAIL "{\"format\":\"email\",\"email\":\"a@b.example\"}"
#define S_OPQ   "{\"format\":\"opaque\",\"id\":\"s-9\"}"
#define S_CPLX  "{\"format\":\"complex\",\"session\":" S_OPQ \
                ",\"user\":" S_ISS ",\"application\":{}}"

/* one event of type t with the members m (a subject among them) */
#define EV(t, m)  "\"events\":{\"" t "\":{" m "}}"
#define SET(m)    "{" HEAD "," m "}"


/* who signs: the policy's key, a stranger, a shared secret */
enum {
    SIGNER_EC = 0,      /* kid "ec1", in the policy */
    SIGNER_OTHER,       /* kid "ec1" claimed, not in the policy */
    SIGNER_HMAC,        /* kid "h1", an oct key in the policy */
    SIGNER_NONE         /* no signature at all */
};


typedef struct {
    const char          *name;
    ngx_uint_t           signer;
    const char          *typ;          /* NULL: no typ header */
    const char          *payload;
    ngx_int_t            rc;
    const char          *reason;       /* NGX_DECLINED */
    ngx_sg_set_err_e     err;
    ngx_uint_t           nevents;      /* NGX_OK: first event expected */
    ngx_sg_set_event_e   type;
    const char          *user;
    const char          *user_iss;
    const char          *session;
} set_case_t;


#define OK(n, t, u, ui, s)  NGX_OK, NULL, INV, n, t, u, ui, s
#define NO(r, e)            NGX_DECLINED, r, e, 0, 0, NULL, NULL, NULL


static const set_case_t  cases[] = {

    /* valid */

    { "revoked, complex subject", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":" S_CPLX)),
      OK(1, NGX_SG_SET_SESSION_REVOKED, "u-1", "https://idp", "s-9") },
    { "revoked, iss_sub", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":" S_ISS)),
      OK(1, NGX_SG_SET_SESSION_REVOKED, "u-1", "https://idp", "") },
    { "credential change, email", SIGNER_EC, "secevent+jwt",
      SET(EV(CRED, "\"subject\":" S_EMAIL)),
      OK(1, NGX_SG_SET_CREDENTIAL_CHANGE, "a@b.example", "", "") },
    { "revoked, opaque", SIGNER_EC, "application/secevent+jwt",
      SET(EV(REVOKED, "\"subject\":" S_OPQ)),
      OK(1, NGX_SG_SET_SESSION_REVOKED, "s-9", "", "") },
    { "revoked, phone number", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":{\"format\":\"phone_number\","
                      "\"phone_number\":\"+1555\"}")),
      OK(1, NGX_SG_SET_SESSION_REVOKED, "+1555", "", "") },
    { "sub_id over the event's subject", SIGNER_EC, "secevent+jwt",
      SET("\"sub_id\":" S_EMAIL "," EV(REVOKED, "\"subject\":" S_OPQ)),
      OK(1, NGX_SG_SET_SESSION_REVOKED, "a@b.example", "", "") },
    { "aud array holding ours", SIGNER_EC, "secevent+jwt",
      "{" ISS ",\"aud\":[\"x\",\"rp2\"]," IAT "," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      OK(1, NGX_SG_SET_SESSION_REVOKED, "s-9", "", "") },
    { "unknown event type, no subject", SIGNER_EC, "secevent+jwt",
      SET(EV("urn:example:other", "\"x\":1")),
      OK(1, NGX_SG_SET_UNKNOWN, "", "", "") },
    { "verification without subject", SIGNER_EC, "secevent+jwt",
      SET(EV(VERIFY, "\"state\":\"abc\"")),
      OK(1, NGX_SG_SET_VERIFICATION, "", "", "") },
    { "stream updated without subject", SIGNER_EC, "secevent+jwt",
      SET(EV(STREAM, "\"status\":\"paused\"")),
      OK(1, NGX_SG_SET_STREAM_UPDATED, "", "", "") },
    { "iat ahead within the leeway", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD ",\"iat\":1700000030," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      OK(1, NGX_SG_SET_SESSION_REVOKED, "s-9", "", "") },
    { "iat old within max_age", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD ",\"iat\":1699999400," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      OK(1, NGX_SG_SET_SESSION_REVOKED, "s-9", "", "") },
    { "txn and toe", SIGNER_EC, "secevent+jwt",
      SET("\"txn\":\"t-1\",\"toe\":1699999999,"
          EV(REVOKED, "\"subject\":" S_OPQ)),
      OK(1, NGX_SG_SET_SESSION_REVOKED, "s-9", "", "") },
    { "two events", SIGNER_EC, "secevent+jwt",
      SET("\"events\":{\"" REVOKED "\":{\"subject\":" S_OPQ "},\""
          VERIFY "\":{}}"),
      OK(2, NGX_SG_SET_SESSION_REVOKED, "s-9", "", "") },

    /* the JWS */

    { "malformed", SIGNER_NONE, NULL, NULL,
      NO("malformed token", INV) },
    { "bad signature", SIGNER_OTHER, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("bad signature", NGX_SG_SET_ERR_INVALID_KEY) },
    { "HS256", SIGNER_HMAC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("alg not allowed", NGX_SG_SET_ERR_INVALID_KEY) },

    /* typ */

    { "no typ", SIGNER_EC, NULL, SET(EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("missing typ", INV) },
    { "typ JWT", SIGNER_EC, "JWT", SET(EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("typ mismatch", INV) },
    { "typ logout+jwt", SIGNER_EC, "logout+jwt",
      SET(EV(REVOKED, "\"subject\":" S_OPQ)), NO("typ mismatch", INV) },

    /* iss, aud, iat */

    { "wrong iss", SIGNER_EC, "secevent+jwt",
      "{\"iss\":\"https://tx.example/\"," AUD "," IAT "," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("issuer mismatch", NGX_SG_SET_ERR_INVALID_ISSUER) },
    { "iss a number", SIGNER_EC, "secevent+jwt",
      "{\"iss\":1," AUD "," IAT "," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("issuer mismatch", NGX_SG_SET_ERR_INVALID_ISSUER) },
    { "no iss", SIGNER_EC, "secevent+jwt",
      "{" AUD "," IAT "," JTI "," EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("issuer mismatch", NGX_SG_SET_ERR_INVALID_ISSUER) },
    { "wrong aud", SIGNER_EC, "secevent+jwt",
      "{" ISS ",\"aud\":\"rp3\"," IAT "," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("audience mismatch", NGX_SG_SET_ERR_INVALID_AUDIENCE) },
    { "aud array without ours", SIGNER_EC, "secevent+jwt",
      "{" ISS ",\"aud\":[\"rp3\"]," IAT "," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("audience mismatch", NGX_SG_SET_ERR_INVALID_AUDIENCE) },
    { "aud array with a number", SIGNER_EC, "secevent+jwt",
      "{" ISS ",\"aud\":[\"rp1\",2]," IAT "," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("audience mismatch", NGX_SG_SET_ERR_INVALID_AUDIENCE) },
    { "no aud", SIGNER_EC, "secevent+jwt",
      "{" ISS "," IAT "," JTI "," EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("audience mismatch", NGX_SG_SET_ERR_INVALID_AUDIENCE) },
    { "no iat", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD "," JTI "," EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("missing iat", INV) },
    { "iat a string", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD ",\"iat\":\"1700000000\"," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("missing iat", INV) },
    { "iat in the future", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD ",\"iat\":1700000031," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("iat in the future", INV) },
    { "iat too old", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD ",\"iat\":1699999399," JTI ","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("iat too old", INV) },

    /* jti, exp, sub, txn, toe */

    { "no jti", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD "," IAT "," EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("missing jti", INV) },
    { "empty jti", SIGNER_EC, "secevent+jwt",
      "{" ISS "," AUD "," IAT ",\"jti\":\"\","
      EV(REVOKED, "\"subject\":" S_OPQ) "}",
      NO("missing jti", INV) },
    { "exp present", SIGNER_EC, "secevent+jwt",
      SET("\"exp\":1700000600," EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("exp present", INV) },
    { "sub present", SIGNER_EC, "secevent+jwt",
      SET("\"sub\":\"u-1\"," EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("sub claim present", INV) },
    { "txn a number", SIGNER_EC, "secevent+jwt",
      SET("\"txn\":5," EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("malformed txn", INV) },
    { "toe a string", SIGNER_EC, "secevent+jwt",
      SET("\"toe\":\"x\"," EV(REVOKED, "\"subject\":" S_OPQ)),
      NO("malformed toe", INV) },

    /* events */

    { "no events", SIGNER_EC, "secevent+jwt", "{" HEAD "}",
      NO("missing events", INV) },
    { "events empty", SIGNER_EC, "secevent+jwt", SET("\"events\":{}"),
      NO("missing events", INV) },
    { "events an array", SIGNER_EC, "secevent+jwt",
      SET("\"events\":[\"" REVOKED "\"]"), NO("missing events", INV) },
    { "too many events", SIGNER_EC, "secevent+jwt",
      SET("\"events\":{\"a1\":{},\"a2\":{},\"a3\":{},\"a4\":{},"
          "\"a5\":{},\"a6\":{},\"a7\":{},\"a8\":{},\"a9\":{},\"b1\":{},"
          "\"b2\":{},\"b3\":{},\"b4\":{},\"b5\":{},\"b6\":{},\"b7\":{},"
          "\"b8\":{}}"),
      NO("too many events", INV) },
    { "event not an object", SIGNER_EC, "secevent+jwt",
      SET("\"events\":{\"" REVOKED "\":true}"),
      NO("event not an object", INV) },
    { "current_level a number", SIGNER_EC, "secevent+jwt",
      SET(EV(LEVEL, "\"subject\":" S_OPQ ",\"namespace\":\"NIST-AAL\","
          "\"current_level\":2")),
      NO("malformed event", INV) },
    { "level without namespace", SIGNER_EC, "secevent+jwt",
      SET(EV(LEVEL, "\"subject\":" S_OPQ ",\"current_level\":\"x\"")),
      NO("malformed event", INV) },
    { "level without current_level", SIGNER_EC, "secevent+jwt",
      SET(EV(LEVEL, "\"subject\":" S_OPQ ",\"namespace\":\"NIST-AAL\","
          "\"change_direction\":\"decrease\"")),
      NO("malformed event", INV) },
    { "namespace empty", SIGNER_EC, "secevent+jwt",
      SET(EV(LEVEL, "\"subject\":" S_OPQ ",\"namespace\":\"\","
          "\"current_level\":\"x\"")),
      NO("malformed event", INV) },
    { "event_timestamp a string", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":" S_OPQ ",\"event_timestamp\":\"x\"")),
      NO("malformed event", INV) },

    /* subject */

    { "no subject", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"reason_admin\":{}")), NO("no subject", INV) },
    { "subject a string", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":\"u-1\"")),
      NO("malformed subject", INV) },
    { "unknown format", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":{\"format\":\"did\",\"url\":\"x\"}")),
      NO("malformed subject", INV) },
    { "iss_sub without iss", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":{\"format\":\"iss_sub\","
                      "\"sub\":\"u\"}")),
      NO("malformed subject", INV) },
    { "opaque id empty", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":{\"format\":\"opaque\",\"id\":\"\"}")),
      NO("malformed subject", INV) },
    { "complex with a complex member", SIGNER_EC, "secevent+jwt",
      SET(EV(REVOKED, "\"subject\":{\"format\":\"complex\","
                      "\"user\":{\"format\":\"complex\"}}")),
      NO("malformed subject", INV) },
    { "malformed sub_id on verification", SIGNER_EC, "secevent+jwt",
      SET("\"sub_id\":[]," EV(VERIFY, "")),
      NO("malformed subject", INV) },
    { "unknown event, malformed subject", SIGNER_EC, "secevent+jwt",
      SET(EV("urn:x", "\"subject\":{\"format\":\"email\"}")),
      NO("malformed subject", INV) },

    /* the order: the first failing check names the refusal */

    { "typ before signature", SIGNER_OTHER, "JWT", "{}",
      NO("typ mismatch", INV) },
    { "signature before claims", SIGNER_OTHER, "secevent+jwt", "{}",
      NO("bad signature", NGX_SG_SET_ERR_INVALID_KEY) },
    { "exp before events", SIGNER_EC, "secevent+jwt",
      "{" HEAD ",\"exp\":1}", NO("exp present", INV) },
};


static EVP_PKEY  *ec, *other;

static u_char     secret_bytes[32];
static ngx_str_t  secret = { sizeof(secret_bytes), secret_bytes };

static ngx_str_t            audiences[] = {
    ngx_string("rp1"),
    ngx_string("rp2")
};

static ngx_array_t          auds, keys;
static ngx_sg_set_policy_t  policy;


static int
group_setup(void **state)
{
    size_t  i;

    ec = sg_keygen("EC", "P-256", 0);
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

    assert_int_equal(ngx_array_init(&keys, sg_pool, 2, sizeof(ngx_sg_key_t)),
                     NGX_OK);

    k = ngx_array_push(&keys);
    assert_non_null(k);
    *k = *sg_key(sg_jwk(ec, "ec1", NULL));

    k = ngx_array_push(&keys);
    assert_non_null(k);
    *k = *sg_key(sg_json(sg_printf("{\"kty\":\"oct\",\"kid\":\"h1\","
                                   "\"k\":\"%s\"}",
                                   sg_b64(secret.data, secret.len))));

    ngx_memzero(&policy, sizeof(policy));

    ngx_str_set(&policy.issuer, "https://tx.example");
    policy.audiences = &auds;
    policy.keys = &keys;
    policy.algorithms = SG_ALL_ALGS;
    policy.leeway = 30;
    policy.max_age = 600;
    policy.now = NOW;

    return 0;
}


static char *
make_token(const set_case_t *c)
{
    char        *header;
    const char  *alg, *kid;

    if (c->payload == NULL) {
        return "eyJhbGciOiJFUzI1NiJ9.e30";
    }

    alg = (c->signer == SIGNER_HMAC) ? "HS256" : "ES256";
    kid = (c->signer == SIGNER_HMAC) ? "h1" : "ec1";

    header = sg_printf("{\"alg\":\"%s\",\"kid\":\"%s\"%s%s%s}", alg, kid,
                       c->typ ? ",\"typ\":\"" : "", c->typ ? c->typ : "",
                       c->typ ? "\"" : "");

    switch (c->signer) {

    case SIGNER_EC:
        return sg_token(alg, ec, NULL, header, c->payload);

    case SIGNER_OTHER:
        return sg_token(alg, other, NULL, header, c->payload);

    case SIGNER_HMAC:
        return sg_token(alg, NULL, &secret, header, c->payload);

    default:
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
check_case(const set_case_t *c)
{
    ngx_int_t             rc;
    ngx_str_t             text;
    const char           *reason;
    ngx_sg_set_t          set;
    ngx_sg_set_err_e      err;
    ngx_sg_set_event_t   *ev;

    text = sg_str(make_token(c));
    reason = "";
    err = NGX_SG_SET_ERR_COUNT;

    rc = ngx_sg_set_validate(sg_pool, &text, &policy, &set, &reason, &err);

    if (rc != c->rc
        || (rc == NGX_DECLINED
            && (strcmp(reason, c->reason) != 0 || err != c->err)))
    {
        fail_msg("%s: expected %d \"%s\" %d, got %d \"%s\" %d", c->name,
                 (int) c->rc, c->reason ? c->reason : "", (int) c->err,
                 (int) rc, reason, (int) err);
    }

    if (rc != NGX_OK) {
        return;
    }

    ev = &set.events[0];

    if (set.nevents != c->nevents || ev->type != c->type
        || !str_is(&ev->user, c->user)
        || !str_is(&ev->user_iss, c->user_iss)
        || !str_is(&ev->session, c->session))
    {
        fail_msg("%s: got %u events, type %d, user \"%.*s\" iss \"%.*s\" "
                 "session \"%.*s\"", c->name, (unsigned) set.nevents,
                 (int) ev->type, (int) ev->user.len, ev->user.data,
                 (int) ev->user_iss.len, ev->user_iss.data,
                 (int) ev->session.len, ev->session.data);
    }

    if (!str_is(&set.jti, "j-1") || !str_is(&set.iss, "https://tx.example"))
    {
        fail_msg("%s: jti \"%.*s\"", c->name, (int) set.jti.len,
                 set.jti.data);
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


/* the event members the edge acts on, and the optional claims */

static ngx_int_t
validate(const char *payload, ngx_sg_set_t *set, const char **reason)
{
    ngx_str_t         text;
    ngx_sg_set_err_e  err;

    text = sg_str(sg_token("ES256", ec, NULL,
                           "{\"alg\":\"ES256\",\"kid\":\"ec1\","
                           "\"typ\":\"secevent+jwt\"}", payload));
    *reason = "";

    return ngx_sg_set_validate(sg_pool, &text, &policy, set, reason, &err);
}


static void
test_fields(void **state)
{
    const char          *reason;
    ngx_sg_set_t         set;
    ngx_sg_set_event_t  *ev;

    assert_int_equal(validate(SET("\"txn\":\"t-1\",\"toe\":1699999000.5,"
                                  "\"sub_id\":{\"format\":\"complex\","
                                  "\"user\":" S_EMAIL ",\"device\":"
                                  S_OPQ ",\"tenant\":{\"format\":"
                                  "\"opaque\",\"id\":\"t-7\"}},"
                                  EV(LEVEL, "\"change_direction\":"
                                     "\"increase\",\"current_level\":"
                                     "\"nist-aal2\",\"namespace\":"
                                     "\"NIST-AAL\",\"event_timestamp\":"
                                     "1699999990")),
                              &set, &reason),
                     NGX_OK);

    assert_true(str_is(&set.txn, "t-1"));
    assert_int_equal(set.toe, 1699999000);
    assert_int_equal(set.iat, NOW);

    ev = &set.events[0];

    assert_int_equal(ev->type, NGX_SG_SET_ASSURANCE_LEVEL_CHANGE);
    assert_true(str_is(&ev->uri, LEVEL));
    assert_true(str_is(&ev->change_direction, "increase"));
    assert_true(str_is(&ev->current_level, "nist-aal2"));
    assert_true(str_is(&ev->namespace, "NIST-AAL"));
    assert_int_equal(ev->event_timestamp, 1699999990);
    assert_true(str_is(&ev->user, "a@b.example"));
    assert_true(str_is(&ev->user_iss, ""));
    assert_true(str_is(&ev->device, "s-9"));
    assert_true(str_is(&ev->tenant, "t-7"));
    assert_true(str_is(&ev->session, ""));

    assert_int_equal(validate(SET(EV(DEVICE, "\"subject\":" S_OPQ ","
                                     "\"current_status\":\"compliant\"")),
                              &set, &reason),
                     NGX_OK);
    assert_true(str_is(&set.events[0].current_status, "compliant"));
    assert_int_equal(set.events[0].event_timestamp, 0);
    assert_true(str_is(&set.txn, ""));
    assert_int_equal(set.toe, 0);

    assert_int_equal(validate(SET(EV(VERIFY, "\"state\":\"s1\"")), &set,
                              &reason),
                     NGX_OK);
    assert_true(str_is(&set.events[0].state, "s1"));

    assert_int_equal(validate(SET(EV(STREAM, "\"status\":\"enabled\"")),
                              &set, &reason),
                     NGX_OK);
    assert_true(str_is(&set.events[0].status, "enabled"));

    assert_int_equal(validate(SET(EV(STREAM, "\"status\":true")), &set,
                              &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "malformed event");

    assert_int_equal(validate(SET(EV(DEVICE, "\"subject\":" S_OPQ ","
                                     "\"current_status\":{}")),
                              &set, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "malformed event");

    /* no age limit */

    policy.max_age = 0;
    assert_int_equal(validate("{" ISS "," AUD ",\"iat\":1," JTI ","
                              EV(VERIFY, "") "}", &set, &reason),
                     NGX_OK);
}


/* the bounds: jti and subject identifiers, beyond them invalid */

static void
test_limits(void **state)
{
    char           *jti, *id;
    const char     *reason;
    ngx_sg_set_t    set;

    jti = sg_printf("%0*d", NGX_SG_SET_JTI_MAX, 7);
    assert_int_equal(validate(sg_printf("{" ISS "," AUD "," IAT ","
                                        "\"jti\":\"%s\"," EV(VERIFY, "")
                                        "}", jti), &set, &reason),
                     NGX_OK);

    jti = sg_printf("%0*d", NGX_SG_SET_JTI_MAX + 1, 7);
    assert_int_equal(validate(sg_printf("{" ISS "," AUD "," IAT ","
                                        "\"jti\":\"%s\"," EV(VERIFY, "")
                                        "}", jti), &set, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "jti too long");

    id = sg_printf("%0*d", NGX_SG_SET_ID_MAX, 7);
    assert_int_equal(validate(sg_printf(SET(EV(REVOKED, "\"subject\":{"
                                        "\"format\":\"opaque\","
                                        "\"id\":\"%s\"}")), id),
                              &set, &reason),
                     NGX_OK);
    assert_int_equal(set.events[0].user.len, NGX_SG_SET_ID_MAX);

    id = sg_printf("%0*d", NGX_SG_SET_ID_MAX + 1, 7);
    assert_int_equal(validate(sg_printf(SET(EV(REVOKED, "\"subject\":{"
                                        "\"format\":\"opaque\","
                                        "\"id\":\"%s\"}")), id),
                              &set, &reason),
                     NGX_DECLINED);
    assert_string_equal(reason, "malformed subject");

    /* exactly NGX_SG_SET_EVENTS_MAX */

    assert_int_equal(validate(SET("\"events\":{\"a1\":{},\"a2\":{},"
                                  "\"a3\":{},\"a4\":{},\"a5\":{},"
                                  "\"a6\":{},\"a7\":{},\"a8\":{},"
                                  "\"a9\":{},\"b1\":{},\"b2\":{},"
                                  "\"b3\":{},\"b4\":{},\"b5\":{},"
                                  "\"b6\":{},\"b7\":{}}"),
                              &set, &reason),
                     NGX_OK);
    assert_int_equal(set.nevents, NGX_SG_SET_EVENTS_MAX);
}


/* a policy out of range is the caller's bug, never "valid"; names */

static void
test_policy(void **state)
{
    ngx_str_t          text;
    const char        *reason;
    ngx_sg_set_t       set;
    ngx_sg_set_err_e   err;

    text = sg_str(make_token(&cases[0]));

    assert_int_equal(ngx_sg_set_validate(sg_pool, &text, &policy, &set,
                                         &reason, &err),
                     NGX_OK);

    policy.now = -1;
    assert_int_equal(ngx_sg_set_validate(sg_pool, &text, &policy, &set,
                                         &reason, &err),
                     NGX_ERROR);

    policy.now = NOW;
    policy.max_age = -1;
    assert_int_equal(ngx_sg_set_validate(sg_pool, &text, &policy, &set,
                                         &reason, &err),
                     NGX_ERROR);

    /* no keys: nothing verifies */

    policy.max_age = 600;
    policy.keys = NULL;
    assert_int_equal(ngx_sg_set_validate(sg_pool, &text, &policy, &set,
                                         &reason, &err),
                     NGX_DECLINED);
    assert_string_equal(reason, "unknown kid");
    assert_int_equal(err, NGX_SG_SET_ERR_INVALID_KEY);

    /* no audiences: nothing is addressed to us */

    policy.keys = &keys;
    policy.audiences = NULL;
    assert_int_equal(ngx_sg_set_validate(sg_pool, &text, &policy, &set,
                                         &reason, &err),
                     NGX_DECLINED);
    assert_string_equal(reason, "audience mismatch");

    assert_true(str_is(&ngx_sg_set_event_names[NGX_SG_SET_UNKNOWN],
                       "unknown"));
    assert_true(str_is(&ngx_sg_set_event_names[NGX_SG_SET_STREAM_UPDATED],
                       "stream-updated"));
    assert_true(str_is(&ngx_sg_set_err_names[NGX_SG_SET_ERR_INVALID_KEY],
                       "invalid_key"));
    assert_true(str_is(&ngx_sg_set_err_names[NGX_SG_SET_ERR_ACCESS_DENIED],
                       "access_denied"));
}


/* an allocation that fails anywhere is NGX_ERROR, never "valid" */

static void
test_nomem(void **state)
{
    ngx_int_t          rc;
    ngx_uint_t         i;
    ngx_str_t          text;
    const char        *reason;
    ngx_sg_set_t       set;
    ngx_sg_set_err_e   err;

    text = sg_str(make_token(&cases[0]));

    for (i = 1; i < 1000; i++) {
        ngx_stub_fail_after = i;

        rc = ngx_sg_set_validate(sg_pool, &text, &policy, &set, &reason,
                                 &err);

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
        cmocka_unit_test_setup_teardown(test_fields, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_policy, setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("set", tests, group_setup,
                                       group_teardown);
}
