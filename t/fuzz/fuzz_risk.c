
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The risk engine: the input is a policy, a session record and the
 * contexts of two requests (bytes past the end read as zeros); the policy
 * is clamped, then both requests run on the record one after the other,
 * as the zone would run them.
 *
 * Times are those of a clock and lifetimes those of ngx_parse_time(): the
 * input gives 32-bit offsets, so that no sum overflows (the engine's
 * precondition), and "shorten" is never 0 (the directive refuses it: a
 * shortened record would lose its idle timeout).  Locations are a few
 * cities, or any float bits (NaN and infinities included: the engine must
 * decline to compare them).
 *
 * Checks, after each request: NGX_OK and a known verdict; signals only
 * among those bound; with a ceiling, no lifetime above it (but for
 * "shorten" itself, see below); lifetimes never extended; token_exp never
 * lowered; a revoked record stays revoked and is not changed (but for
 * token_exp); monitor mode never revokes, flags, or asks for a step-up (it
 * may find one satisfied); a revocation by this request has a reason.
 */


#include "fuzz.h"
#include "ngx_sg_risk.h"


#define SG_FUZZ_T0   1700000000

#define SG_FUZZ_ACTS  ((1 << NGX_SG_ACT_COUNT) - 1)
#define SG_FUZZ_SIGS  ((1 << NGX_SG_SIG_COUNT) - 1)


typedef struct {
    const uint8_t  *p;
    const uint8_t  *last;
} sg_fuzz_in_t;


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static uint8_t
sg_fuzz_u8(sg_fuzz_in_t *in)
{
    return (in->p < in->last) ? *in->p++ : 0;
}


static uint32_t
sg_fuzz_u32(sg_fuzz_in_t *in)
{
    uint32_t    v;
    ngx_uint_t  i;

    v = 0;

    for (i = 0; i < 4; i++) {
        v = (v << 8) | sg_fuzz_u8(in);
    }

    return v;
}


static float
sg_fuzz_float(sg_fuzz_in_t *in)
{
    float     f;
    uint32_t  v;

    v = sg_fuzz_u32(in);
    memcpy(&f, &v, sizeof(float));

    return f;
}


static void
sg_fuzz_bind(sg_fuzz_in_t *in, ngx_sg_bind_t *b)
{
    uint8_t  c;

    static const float  cities[][2] = {
        { 48.8566f, 2.3522f },       /* Paris */
        { 48.8049f, 2.1204f },       /* Versailles */
        { 51.5072f, -0.1276f },      /* London */
        { 40.7128f, -74.0060f },     /* New York */
        { 89.9999f, 179.9999f },
        { -90.0f, -180.0f },
    };

    ngx_memzero(b, sizeof(ngx_sg_bind_t));

    c = sg_fuzz_u8(in);
    b->ip.family = (c % 3 == 0) ? 0 : (c % 3 == 1) ? 4 : 6;
    b->ip.addr[15] = sg_fuzz_u8(in) & 3;

    b->asn = sg_fuzz_u8(in) % 4;

    c = sg_fuzz_u8(in) % 3;
    b->country[0] = (c == 0) ? 0 : (c == 1) ? 'F' : 'D';
    b->country[1] = (c == 0) ? 0 : (c == 1) ? 'R' : 'E';

    c = sg_fuzz_u8(in);
    b->has_loc = c & 1;

    if (b->has_loc) {
        c >>= 1;

        if (c < sizeof(cities) / sizeof(cities[0])) {
            b->lat = cities[c][0];
            b->lon = cities[c][1];

        } else {
            b->lat = sg_fuzz_float(in);
            b->lon = sg_fuzz_float(in);
        }
    }

    b->ua = sg_fuzz_u8(in) % 4;
    b->ja4 = sg_fuzz_u8(in) % 4;
}


/* a time around now: an offset of up to 2^31 s either way, 0 kept as 0 */

static time_t
sg_fuzz_time(sg_fuzz_in_t *in, time_t now)
{
    uint32_t  v;

    v = sg_fuzz_u32(in);

    if (v == 0) {
        return 0;
    }

    return now + (time_t) (int32_t) v;
}


static void
sg_fuzz_check(ngx_sg_record_t *before, ngx_sg_record_t *rec,
    ngx_sg_risk_t *risk, ngx_int_t rc)
{
    ngx_sg_record_t  copy;

    if (rc != NGX_OK || risk->verdict > NGX_SG_RISK_DENY) {
        fprintf(stderr, "rc %d, verdict %lu\n", (int) rc,
                (unsigned long) risk->verdict);
        abort();
    }

    if (risk->signals & ~(risk->bind & SG_FUZZ_SIGS)) {
        fprintf(stderr, "a signal fired that is not bound\n");
        abort();
    }

    if (rec->token_exp < before->token_exp) {
        fprintf(stderr, "token_exp lowered\n");
        abort();
    }

    if (before->revoked) {
        /* reported, never changed (but for how long it is kept) */

        ngx_memcpy(&copy, before, sizeof(ngx_sg_record_t));
        copy.token_exp = rec->token_exp;

        if (ngx_memcmp(&copy, rec, sizeof(ngx_sg_record_t)) != 0
            || risk->revoked
            || (risk->verdict != NGX_SG_RISK_REVOKED
                && risk->verdict != NGX_SG_RISK_EXPIRED))
        {
            fprintf(stderr, "a revoked record was changed or let through\n");
            abort();
        }

        return;
    }

    if (risk->revoked) {
        if (rec->revoked != NGX_SG_REVOKED_POLICY
            || (rec->revoke_reason >= NGX_SG_SIG_COUNT
                && rec->revoke_reason != NGX_SG_REASON_EXPIRED
                && rec->revoke_reason != NGX_SG_REASON_IDLE)
            || rec->revoked_at != risk->now)
        {
            fprintf(stderr, "a revocation without its reason\n");
            abort();
        }

    } else if (rec->revoked) {
        fprintf(stderr, "revoked, and not said so\n");
        abort();
    }

    if (risk->monitor
        && (rec->revoked
            || rec->flags != before->flags
            || rec->cookie_mode != before->cookie_mode
            || (rec->step_up_since != before->step_up_since
                && rec->step_up_since != 0)))
    {
        fprintf(stderr, "monitor mode changed the record's state\n");
        abort();
    }

    /* never extended */

    if ((before->expires && (rec->expires == 0
                             || rec->expires > before->expires))
        || (before->idle_timeout
            && (rec->idle_timeout == 0
                || rec->idle_timeout > before->idle_timeout)))
    {
        fprintf(stderr, "a lifetime was extended: expires %ld -> %ld, "
                "idle %ld -> %ld\n", (long) before->expires,
                (long) rec->expires, (long) before->idle_timeout,
                (long) rec->idle_timeout);
        abort();
    }

    /*
     * Held to the ceiling.  One exception, as the engine is: "shorten"
     * is not clamped, so a shortened record without an idle timeout gets
     * "shorten" as one even above the ceiling (its absolute expiry is
     * still within it).
     */

    if (risk->max_lifetime) {
        if (risk->absolute == 0 || risk->absolute > risk->max_lifetime
            || risk->idle > risk->max_lifetime)
        {
            fprintf(stderr, "the clamp let a lifetime through\n");
            abort();
        }

        if (rec->expires == 0
            || rec->expires > rec->created + risk->max_lifetime
            || (rec->idle_timeout > risk->max_lifetime
                && before->idle_timeout <= risk->max_lifetime
                && !((rec->flags & NGX_SG_REC_SHORTENED)
                     && rec->idle_timeout == risk->shorten)))
        {
            fprintf(stderr, "a lifetime above the ceiling: expires %ld, "
                    "idle %ld (was %ld), created %ld, ceiling %ld\n",
                    (long) rec->expires, (long) rec->idle_timeout,
                    (long) before->idle_timeout, (long) rec->created,
                    (long) risk->max_lifetime);
            abort();
        }
    }

    if (risk->verdict == NGX_SG_RISK_ALLOW && rec->last_seen != risk->now) {
        fprintf(stderr, "allowed, and not seen\n");
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    time_t            now;
    uint8_t           mode;
    ngx_int_t         rc;
    ngx_uint_t        i, n, created;
    sg_fuzz_in_t      in;
    ngx_sg_risk_t     policy, risk;
    ngx_sg_record_t   rec, before;
    ngx_sg_bind_t     cur[2];

    in.p = data;
    in.last = data + size;

    mode = sg_fuzz_u8(&in);

    /* the policy */

    ngx_memzero(&policy, sizeof(ngx_sg_risk_t));

    policy.monitor = mode & 1;
    policy.bind = sg_fuzz_u8(&in) & SG_FUZZ_SIGS;

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        policy.actions[i] = sg_fuzz_u8(&in) & SG_FUZZ_ACTS;
    }

    policy.absolute = sg_fuzz_u32(&in);
    policy.idle = sg_fuzz_u32(&in);
    policy.max_lifetime = (mode & 4) ? sg_fuzz_u32(&in) : 0;
    policy.shorten = sg_fuzz_u32(&in) | 1;       /* the directive: not 0 */
    policy.travel_speed = sg_fuzz_u32(&in);
    policy.travel_floor = sg_fuzz_u32(&in);

    ngx_sg_risk_clamp(&policy);

    /* the record, around the time of the first request */

    now = SG_FUZZ_T0 + (time_t) sg_fuzz_u32(&in);
    created = (mode >> 1) & 1;

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));

    if (created) {
        rec.created = now;

    } else {
        rec.created = sg_fuzz_time(&in, now);
        rec.updated = sg_fuzz_time(&in, now);
        rec.last_seen = sg_fuzz_time(&in, now);
        rec.loc_time = sg_fuzz_time(&in, now);
        rec.auth_time = sg_fuzz_time(&in, now);
        rec.token_exp = sg_fuzz_time(&in, now);
        rec.expires = sg_fuzz_time(&in, now);
        rec.idle_timeout = sg_fuzz_u32(&in);
        rec.revoked_at = sg_fuzz_time(&in, now);
        rec.step_up_since = sg_fuzz_time(&in, now);
        rec.revoked = sg_fuzz_u8(&in) % (NGX_SG_REVOKED_MAX + 1);
        rec.revoke_reason = sg_fuzz_u8(&in);
        rec.cookie_mode = sg_fuzz_u8(&in) & 1;
        rec.flags = sg_fuzz_u8(&in) & 7;

        sg_fuzz_bind(&in, &rec.initial);
        sg_fuzz_bind(&in, &rec.last);
    }

    sg_fuzz_bind(&in, &cur[0]);
    sg_fuzz_bind(&in, &cur[1]);

    /* two requests: a new one each, the same policy */

    for (n = 0; n < 2; n++) {
        ngx_memcpy(&risk, &policy, sizeof(ngx_sg_risk_t));

        risk.now = now;
        risk.cur = cur[n];
        risk.token_exp = sg_fuzz_time(&in, now);
        risk.auth_time = sg_fuzz_time(&in, now);

        ngx_memcpy(&before, &rec, sizeof(ngx_sg_record_t));

        rc = ngx_sg_risk_update(&rec, n == 0 && created, &risk);
        sg_fuzz_rc(rc);

        if (n == 0 && created) {
            if (!risk.created || risk.signals || risk.revoked
                || risk.verdict != NGX_SG_RISK_ALLOW)
            {
                fprintf(stderr, "a new record with a verdict\n");
                abort();
            }

            /* the checks against "before" are for an existing record */
            ngx_memcpy(&before, &rec, sizeof(ngx_sg_record_t));
            before.expires = 0;
            before.idle_timeout = 0;
        }

        sg_fuzz_check(&before, &rec, &risk, rc);

        now += (time_t) sg_fuzz_u32(&in) % 86400;
    }

    return 0;
}
