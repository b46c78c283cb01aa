
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Security Event Tokens through ngx_sg_set_validate().  The first input
 * byte b picks the mode (b % 4):
 *
 *   0  the rest is a whole token, checked with the keys of keys.jwks and
 *      one made at start-up;
 *   1  the rest is the payload JSON of a token signed here with that key
 *      (fuzz_sign.h), under one of four headers ((b / 4) % 4: no typ,
 *      "secevent+jwt", "JWT", "logout+jwt"), so that mutated claims and
 *      events get past the signature;
 *   2  the rest is the protected header JSON, signed with the same key
 *      over a fixed valid payload;
 *   3  as 1 under "secevent+jwt", with no age limit in the policy.
 *
 * The policy's mask holds every algorithm: HMAC must be refused all the
 * same.  A valid SET must have been signed with an asymmetric algorithm
 * under typ "secevent+jwt", have no exp and no sub claim, a bounded jti,
 * from 1 to NGX_SG_SET_EVENTS_MAX events, and a subject for every known
 * event type but verification and stream-updated.
 */


#include "fuzz_keys.h"
#include "fuzz_sign.h"
#include "ngx_sg_set.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void sg_fuzz_check(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_set_policy_t *policy, ngx_sg_set_t *set);


#define SG_FUZZ_NOW  1700000000

static ngx_str_t  sg_fuzz_auds[] = {
    ngx_string("rp1"),
    ngx_string("rp2")
};

static const char  *sg_fuzz_headers[] = {
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\"}",
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\",\"typ\":\"secevent+jwt\"}",
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\",\"typ\":\"JWT\"}",
    "{\"alg\":\"ES256\",\"kid\":\"fuzz\",\"typ\":\"logout+jwt\"}"
};

static char  sg_fuzz_payload[] =
    "{\"iss\":\"https://tx.example\",\"aud\":\"rp1\","
    "\"iat\":1700000000,\"jti\":\"j-1\",\"events\":{"
    "\"" NGX_SG_SET_CAEP "session-revoked\":{\"subject\":{"
    "\"format\":\"complex\",\"user\":{\"format\":\"iss_sub\","
    "\"iss\":\"https://idp\",\"sub\":\"u-1\"},\"session\":{"
    "\"format\":\"opaque\",\"id\":\"s-1\"}}}}}";


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int          n;
    char         jwk[256];
    const char  *reason;

    ngx_sg_json_init();
    sg_fuzz_load_keys();
    sg_fuzz_sign_init();

    n = snprintf(jwk, sizeof(jwk),
                 "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"fuzz\","
                 "\"x\":\"%s\",\"y\":\"%s\"}", sg_fuzz_x, sg_fuzz_y);

    reason = NULL;

    if (n <= 0 || (size_t) n >= sizeof(jwk)
        || ngx_sg_jwks_import(sg_fuzz_key_pool, &sg_fuzz_log, (u_char *) jwk,
                              n, sg_fuzz_keys, &reason)
           != NGX_OK)
    {
        fprintf(stderr, "fuzz key: %s\n", reason ? reason : "error");
        abort();
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t             rc;
    ngx_str_t             text, header, payload;
    ngx_pool_t           *pool;
    ngx_array_t           auds;
    const char           *reason;
    ngx_sg_set_t          set;
    ngx_sg_set_err_e      err;
    ngx_sg_set_policy_t   policy;

    if (size == 0) {
        return 0;
    }

    pool = sg_fuzz_pool();

    switch (data[0] % 4) {

    case 0:
        text = sg_fuzz_str(pool, data + 1, size - 1);
        break;

    case 1:
    case 3:
        header.data = (u_char *) sg_fuzz_headers[data[0] % 4 == 3
                                                 ? 1 : (data[0] / 4) % 4];
        header.len = strlen((char *) header.data);
        payload = sg_fuzz_str(pool, data + 1, size - 1);
        text = sg_fuzz_sign(pool, &header, &payload);
        break;

    default:
        header = sg_fuzz_str(pool, data + 1, size - 1);
        payload.data = (u_char *) sg_fuzz_payload;
        payload.len = sizeof(sg_fuzz_payload) - 1;
        text = sg_fuzz_sign(pool, &header, &payload);
        break;
    }

    auds.elts = sg_fuzz_auds;
    auds.nelts = 2;
    auds.size = sizeof(ngx_str_t);
    auds.nalloc = 2;
    auds.pool = pool;

    ngx_memzero(&policy, sizeof(ngx_sg_set_policy_t));

    ngx_str_set(&policy.issuer, "https://tx.example");
    policy.audiences = &auds;
    policy.keys = sg_fuzz_keys;
    policy.algorithms = SG_FUZZ_ALL_ALGS;
    policy.leeway = 30;
    policy.max_age = (data[0] % 4 == 3) ? 0 : 600;
    policy.now = SG_FUZZ_NOW;

    reason = NULL;
    err = NGX_SG_SET_ERR_COUNT;

    rc = ngx_sg_set_validate(pool, &text, &policy, &set, &reason, &err);
    sg_fuzz_rc(rc);

    if (rc == NGX_DONE
        || (rc == NGX_DECLINED
            && (reason == NULL || err >= NGX_SG_SET_ERR_COUNT)))
    {
        abort();
    }

    if (rc == NGX_OK) {
        sg_fuzz_check(pool, &text, &policy, &set);
    }

    ngx_destroy_pool(pool);

    return 0;
}


/* what a valid SET must be, checked apart from the code under test */

static void
sg_fuzz_check(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_set_policy_t *policy, ngx_sg_set_t *set)
{
    json_t              *events;
    ngx_uint_t           i;
    const char          *reason;
    ngx_sg_jws_t         jws;
    ngx_sg_set_event_t  *ev;

    static ngx_str_t  secevent_jwt = ngx_string("secevent+jwt");

    if (set->jti.len == 0 || set->jti.len > NGX_SG_SET_JTI_MAX
        || set->iss.len != policy->issuer.len
        || set->iat > policy->now + policy->leeway
        || (policy->max_age && set->iat + policy->max_age < policy->now)
        || set->nevents == 0 || set->nevents > NGX_SG_SET_EVENTS_MAX)
    {
        abort();
    }

    if (ngx_sg_jws_parse(pool, text, NGX_SG_JWS_JSON_PAYLOAD, &jws, &reason)
        != NGX_OK)
    {
        abort();
    }

    if (!(NGX_SG_ALG_MASK_ASYMMETRIC & ((ngx_uint_t) 1 << jws.alg->id))
        || !ngx_sg_typ_is(&jws.typ, &secevent_jwt)
        || json_object_get(jws.payload, "exp") != NULL
        || json_object_get(jws.payload, "sub") != NULL)
    {
        abort();
    }

    events = json_object_get(jws.payload, "events");

    if (json_object_size(events) != set->nevents) {
        abort();
    }

    for (i = 0; i < set->nevents; i++) {
        ev = &set->events[i];

        if (ev->type >= NGX_SG_SET_EVENT_COUNT
            || !json_is_object(ev->event)
            || ev->user.len > NGX_SG_SET_ID_MAX
            || ev->user_iss.len > NGX_SG_SET_ID_MAX
            || ev->session.len > NGX_SG_SET_ID_MAX
            || ev->device.len > NGX_SG_SET_ID_MAX
            || ev->tenant.len > NGX_SG_SET_ID_MAX)
        {
            abort();
        }

        if (ev->type != NGX_SG_SET_UNKNOWN
            && ev->type != NGX_SG_SET_VERIFICATION
            && ev->type != NGX_SG_SET_STREAM_UPDATED
            && ev->user.len == 0 && ev->session.len == 0
            && ev->device.len == 0 && ev->tenant.len == 0)
        {
            abort();
        }
    }
}
