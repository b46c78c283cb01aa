
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The risk engine (ngx_sg_risk.c), table-driven: every signal with every
 * action (and no signal), monitor mode, lifetimes, travel, a created
 * record against an existing one, revoked records, a pending step-up, and
 * the action lists and name tables.
 *
 * The record of every row starts from the same session: created at T0 in
 * Paris (192.0.2.1, AS64500, FR, user agent and fingerprint hashes 11 and
 * 21), last seen then, authenticated then; the request comes NOW, ten
 * minutes later, with one value changed (or none).
 */


#include "sg_test.h"

#include "ngx_sg_risk.h"


#define T0              1700000000
#define NOW             (T0 + 600)
#define CEILING         86400         /* the zone's max_lifetime */
#define SHORTEN         300

#define PARIS_LAT       48.8566f
#define PARIS_LON       2.3522f
#define VERSAILLES_LAT  48.8049f      /* 17 km: below the floor */
#define VERSAILLES_LON  2.1204f
#define LONDON_LAT      51.5072f      /* 344 km */
#define LONDON_LON      -0.1276f
#define NEWYORK_LAT     40.7128f      /* 5837 km */
#define NEWYORK_LON     -74.0060f

#define SPEED           1000          /* km/h */
#define FLOOR           100           /* km */

#define NONE            -1            /* no value changes */
#define ALL_SIGNALS     ((1 << NGX_SG_SIG_COUNT) - 1)

#define A_LOG           NGX_SG_ACT_LOG
#define A_STEP          NGX_SG_ACT_STEP_UP
#define A_SHORT         NGX_SG_ACT_SHORTEN
#define A_NONP          NGX_SG_ACT_NON_PERSISTENT
#define A_REVOKE        NGX_SG_ACT_REVOKE
#define A_DENY          NGX_SG_ACT_DENY

#define V_ALLOW         NGX_SG_RISK_ALLOW
#define V_REVOKED       NGX_SG_RISK_REVOKED
#define V_EXPIRED       NGX_SG_RISK_EXPIRED
#define V_STEP          NGX_SG_RISK_STEP_UP
#define V_DENY          NGX_SG_RISK_DENY

#define POLICY          NGX_SG_REVOKED_POLICY
#define SHORTENED       NGX_SG_REC_SHORTENED
#define NONP            NGX_SG_COOKIE_NON_PERSISTENT


/* one request on the session: what changes, the policy, the outcome */

typedef struct {
    const char     *name;

    /* in */
    int             change;       /* NGX_SG_SIG_* whose value changes */
    ngx_uint_t      action;       /* of every signal */
    ngx_uint_t      monitor;

    /* out: the verdict and the masks */
    ngx_uint_t      verdict;
    ngx_uint_t      signals;
    ngx_uint_t      taken;

    /* out: the record */
    u_char          revoked;
    u_char          reason;
    u_char          flags;
    u_char          cookie;
    time_t          step_up_since;
    ngx_uint_t      moved;        /* last = the request's, last_seen NOW */
    time_t          updated;
    time_t          expires;
    time_t          idle;
} sg_risk_row_t;


/*
 * Every action for a signal that fires (enforce mode): log, shorten and
 * non_persistent let the request through and accept its context; step_up
 * and deny refuse it and keep the record's last context; revoke ends the
 * session, with the signal as its reason.
 */

#define SG_RISK_ROWS(sig)                                                     \
    { #sig " log", sig, A_LOG, 0,                                            \
      V_ALLOW, 1 << sig, A_LOG,                                               \
      0, 0, 0, 0, 0, 1, NOW, 0, 0 },                                          \
    { #sig " step_up", sig, A_STEP, 0,                                        \
      V_STEP, 1 << sig, A_STEP,                                               \
      0, 0, 0, 0, NOW, 0, NOW, 0, 0 },                                        \
    { #sig " shorten", sig, A_SHORT, 0,                                       \
      V_ALLOW, 1 << sig, A_SHORT,                                             \
      0, 0, SHORTENED, 0, 0, 1, NOW, NOW + SHORTEN, SHORTEN },                \
    { #sig " non_persistent", sig, A_NONP, 0,                                 \
      V_ALLOW, 1 << sig, A_NONP,                                              \
      0, 0, 0, NONP, 0, 1, NOW, 0, 0 },                                       \
    { #sig " revoke", sig, A_REVOKE, 0,                                       \
      V_REVOKED, 1 << sig, A_REVOKE,                                          \
      POLICY, sig, 0, 0, 0, 0, NOW, 0, 0 },                                   \
    { #sig " deny", sig, A_DENY, 0,                                           \
      V_DENY, 1 << sig, A_DENY,                                               \
      0, 0, 0, 0, 0, 0, T0, 0, 0 }


static sg_risk_row_t  sg_risk_rows[] = {

    SG_RISK_ROWS(NGX_SG_SIG_IP),
    SG_RISK_ROWS(NGX_SG_SIG_ASN),
    SG_RISK_ROWS(NGX_SG_SIG_COUNTRY),
    SG_RISK_ROWS(NGX_SG_SIG_UA),
    SG_RISK_ROWS(NGX_SG_SIG_JA4),
    SG_RISK_ROWS(NGX_SG_SIG_TRAVEL),

    /* no signal: whatever the policy, nothing is taken, "updated" stays */

    { "none log", NONE, A_LOG, 0,
      V_ALLOW, 0, 0, 0, 0, 0, 0, 0, 1, T0, 0, 0 },
    { "none step_up", NONE, A_STEP, 0,
      V_ALLOW, 0, 0, 0, 0, 0, 0, 0, 1, T0, 0, 0 },
    { "none shorten", NONE, A_SHORT, 0,
      V_ALLOW, 0, 0, 0, 0, 0, 0, 0, 1, T0, 0, 0 },
    { "none non_persistent", NONE, A_NONP, 0,
      V_ALLOW, 0, 0, 0, 0, 0, 0, 0, 1, T0, 0, 0 },
    { "none revoke", NONE, A_REVOKE, 0,
      V_ALLOW, 0, 0, 0, 0, 0, 0, 0, 1, T0, 0, 0 },
    { "none deny", NONE, A_DENY, 0,
      V_ALLOW, 0, 0, 0, 0, 0, 0, 0, 1, T0, 0, 0 },

    /*
     * Monitor mode: the verdict is what enforcing would say, the record is
     * never changed by an action, and a refused request leaves it as it
     * was (the change is reported again next time).
     */

    { "monitor log", NGX_SG_SIG_IP, A_LOG, 1,
      V_ALLOW, 1, A_LOG, 0, 0, 0, 0, 0, 1, NOW, 0, 0 },
    { "monitor step_up", NGX_SG_SIG_IP, A_STEP, 1,
      V_STEP, 1, A_STEP, 0, 0, 0, 0, 0, 0, T0, 0, 0 },
    { "monitor shorten", NGX_SG_SIG_IP, A_SHORT, 1,
      V_ALLOW, 1, A_SHORT, 0, 0, 0, 0, 0, 1, NOW, 0, 0 },
    { "monitor non_persistent", NGX_SG_SIG_IP, A_NONP, 1,
      V_ALLOW, 1, A_NONP, 0, 0, 0, 0, 0, 1, NOW, 0, 0 },
    { "monitor revoke", NGX_SG_SIG_IP, A_REVOKE, 1,
      V_REVOKED, 1, A_REVOKE, 0, 0, 0, 0, 0, 0, T0, 0, 0 },
    { "monitor deny", NGX_SG_SIG_IP, A_DENY, 1,
      V_DENY, 1, A_DENY, 0, 0, 0, 0, 0, 0, T0, 0, 0 },

    /* several actions: revoke wins over deny, deny over step_up */

    { "revoke,deny,step_up", NGX_SG_SIG_UA, A_REVOKE | A_DENY | A_STEP, 0,
      V_REVOKED, 1 << NGX_SG_SIG_UA, A_REVOKE | A_DENY | A_STEP,
      POLICY, NGX_SG_SIG_UA, 0, 0, 0, 0, NOW, 0, 0 },
    { "deny,step_up", NGX_SG_SIG_UA, A_DENY | A_STEP, 0,
      V_DENY, 1 << NGX_SG_SIG_UA, A_DENY | A_STEP,
      0, 0, 0, 0, 0, 0, T0, 0, 0 },
    { "shorten,non_persistent", NGX_SG_SIG_JA4, A_SHORT | A_NONP, 0,
      V_ALLOW, 1 << NGX_SG_SIG_JA4, A_SHORT | A_NONP,
      0, 0, SHORTENED, NONP, 0, 1, NOW, NOW + SHORTEN, SHORTEN },
};


static void
sg_risk_bind(ngx_sg_bind_t *b)
{
    ngx_memzero(b, sizeof(ngx_sg_bind_t));

    b->ip.family = 4;
    b->ip.addr[0] = 192;
    b->ip.addr[2] = 2;
    b->ip.addr[3] = 1;
    b->asn = 64500;
    b->country[0] = 'F';
    b->country[1] = 'R';
    b->has_loc = 1;
    b->lat = PARIS_LAT;
    b->lon = PARIS_LON;
    b->ua = 11;
    b->ja4 = 21;
}


/* field by field: struct copies need not copy the padding */

static void
sg_assert_bind(ngx_sg_bind_t *got, ngx_sg_bind_t *want)
{
    assert_int_equal(got->ip.family, want->ip.family);
    assert_memory_equal(got->ip.addr, want->ip.addr, 16);
    assert_int_equal(got->asn, want->asn);
    assert_int_equal(got->country[0], want->country[0]);
    assert_int_equal(got->country[1], want->country[1]);
    assert_int_equal(got->has_loc, want->has_loc);
    assert_true(got->lat == want->lat);
    assert_true(got->lon == want->lon);
    assert_int_equal(got->ua, want->ua);
    assert_int_equal(got->ja4, want->ja4);
}


static void
sg_risk_record(ngx_sg_record_t *rec)
{
    ngx_memzero(rec, sizeof(ngx_sg_record_t));

    rec->created = T0;
    rec->updated = T0;
    rec->last_seen = T0;
    rec->auth_time = T0;
    rec->token_exp = T0 + 60;
    rec->loc_time = T0;

    sg_risk_bind(&rec->initial);
    sg_risk_bind(&rec->last);
}


/* the request: the session's context, every signal bound, with "action" */

static void
sg_risk_request(ngx_sg_risk_t *risk, int change, ngx_uint_t action)
{
    ngx_uint_t  i;

    ngx_memzero(risk, sizeof(ngx_sg_risk_t));

    risk->now = NOW;
    risk->auth_time = T0;
    risk->token_exp = NOW + 60;
    risk->max_lifetime = CEILING;
    risk->shorten = SHORTEN;
    risk->bind = ALL_SIGNALS;
    risk->travel_speed = SPEED;
    risk->travel_floor = FLOOR;

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        risk->actions[i] = action;
    }

    sg_risk_bind(&risk->cur);

    switch (change) {
    case NGX_SG_SIG_IP:
        risk->cur.ip.addr[3] = 2;
        break;
    case NGX_SG_SIG_ASN:
        risk->cur.asn = 64501;
        break;
    case NGX_SG_SIG_COUNTRY:
        risk->cur.country[0] = 'D';
        risk->cur.country[1] = 'E';
        break;
    case NGX_SG_SIG_UA:
        risk->cur.ua = 12;
        break;
    case NGX_SG_SIG_JA4:
        risk->cur.ja4 = 22;
        break;
    case NGX_SG_SIG_TRAVEL:
        risk->cur.lat = NEWYORK_LAT;
        risk->cur.lon = NEWYORK_LON;
        break;
    default:
        break;
    }
}


static void
test_signal_action(void **state)
{
    ngx_uint_t        n;
    sg_risk_row_t    *row;
    ngx_sg_risk_t     risk;
    ngx_sg_bind_t     before;
    ngx_sg_record_t   rec;

    for (n = 0; n < sizeof(sg_risk_rows) / sizeof(sg_risk_row_t); n++) {
        row = &sg_risk_rows[n];

        print_message("%s\n", row->name);

        sg_risk_record(&rec);
        before = rec.last;

        sg_risk_request(&risk, row->change, row->action);
        risk.monitor = row->monitor;

        assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);

        assert_int_equal(risk.verdict, row->verdict);
        assert_int_equal(risk.signals, row->signals);
        assert_int_equal(risk.taken, row->taken);
        assert_int_equal(risk.created, 0);
        assert_int_equal(risk.revoked, row->revoked != 0);

        assert_int_equal(rec.revoked, row->revoked);
        assert_int_equal(rec.revoke_reason, row->reason);
        assert_int_equal(rec.revoked_at, row->revoked ? NOW : 0);
        assert_int_equal(rec.flags, row->flags);
        assert_int_equal(rec.cookie_mode, row->cookie);
        assert_int_equal(rec.step_up_since, row->step_up_since);
        assert_int_equal(rec.updated, row->updated);
        assert_int_equal(rec.expires, row->expires);
        assert_int_equal(rec.idle_timeout, row->idle);

        /* kept at least the zone's max_lifetime from now */
        assert_int_equal(rec.token_exp, NOW + CEILING);

        if (row->moved) {
            sg_assert_bind(&rec.last, &risk.cur);
            assert_int_equal(rec.last_seen, NOW);

        } else {
            sg_assert_bind(&rec.last, &before);
            assert_int_equal(rec.last_seen, T0);
        }

        /* the location's time moves with the accepted context only */
        assert_int_equal(rec.loc_time, row->moved ? NOW : T0);

        if (row->signals & (1 << NGX_SG_SIG_TRAVEL)) {
            assert_true(risk.speed > SPEED);

        } else {
            assert_true(risk.speed == 0);
        }
    }
}


/* a signal that is not bound never fires, whatever changed */

static void
test_unbound(void **state)
{
    int               sig;
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    for (sig = 0; sig < NGX_SG_SIG_COUNT; sig++) {
        sg_risk_record(&rec);
        sg_risk_request(&risk, sig, A_REVOKE);
        risk.bind = ALL_SIGNALS & ~(1 << sig);

        assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
        assert_int_equal(risk.verdict, V_ALLOW);
        assert_int_equal(risk.signals, 0);
        assert_int_equal(rec.revoked, 0);
    }
}


/*
 * Lifetimes: "absolute" and "idle" of the request (after the clamp to the
 * ceiling), against the record's; created rows start a new record, the
 * others were created at T0 and last seen ten seconds ago.
 */

typedef struct {
    const char     *name;

    /* in */
    ngx_uint_t      created;
    time_t          rec_expires;
    time_t          rec_idle;
    u_char          rec_flags;
    time_t          absolute;
    time_t          idle;
    time_t          ceiling;
    ngx_uint_t      monitor;

    /* out */
    ngx_uint_t      clamped;
    ngx_uint_t      verdict;
    time_t          expires;
    time_t          idle_timeout;
    u_char          revoked;
    u_char          reason;
} sg_life_row_t;


static sg_life_row_t  sg_life_rows[] = {

    /* created: from the request, clamped */

    { "unset", 1, 0, 0, 0, 0, 0, 0, 0,
      0, V_ALLOW, 0, 0, 0, 0 },
    { "absolute", 1, 0, 0, 0, 3600, 0, 0, 0,
      0, V_ALLOW, NOW + 3600, 0, 0, 0 },
    { "idle", 1, 0, 0, 0, 0, 900, 0, 0,
      0, V_ALLOW, 0, 900, 0, 0 },
    { "both", 1, 0, 0, 0, 3600, 900, 0, 0,
      0, V_ALLOW, NOW + 3600, 900, 0, 0 },
    { "unset, ceiling", 1, 0, 0, 0, 0, 0, 7200, 0,
      0, V_ALLOW, NOW + 7200, 0, 0, 0 },
    { "absolute under the ceiling", 1, 0, 0, 0, 3600, 0, 7200, 0,
      0, V_ALLOW, NOW + 3600, 0, 0, 0 },
    { "absolute clamped", 1, 0, 0, 0, 9000, 0, 7200, 0,
      1, V_ALLOW, NOW + 7200, 0, 0, 0 },
    { "idle clamped", 1, 0, 0, 0, 3600, 9000, 7200, 0,
      1, V_ALLOW, NOW + 3600, 7200, 0, 0 },

    /* existing (created at T0): never extended, lowered */

    { "existing, unset", 0, 0, 0, 0, 0, 0, 0, 0,
      0, V_ALLOW, 0, 0, 0, 0 },
    { "existing, absolute set", 0, 0, 0, 0, 3600, 0, 0, 0,
      0, V_ALLOW, T0 + 3600, 0, 0, 0 },
    { "existing, never extended", 0, T0 + 1800, 0, 0, 3600, 0, 0, 0,
      0, V_ALLOW, T0 + 1800, 0, 0, 0 },
    { "existing, lowered", 0, T0 + 7200, 0, 0, 3600, 0, 0, 0,
      0, V_ALLOW, T0 + 3600, 0, 0, 0 },
    { "existing, idle not lifted", 0, 0, 700, 0, 0, 1200, 0, 0,
      0, V_ALLOW, 0, 700, 0, 0 },
    { "existing, idle not removed", 0, 0, 700, 0, 0, 0, 0, 0,
      0, V_ALLOW, 0, 700, 0, 0 },
    { "existing, idle lowered", 0, 0, 900, 0, 0, 700, 0, 0,
      0, V_ALLOW, 0, 700, 0, 0 },
    { "existing, clamped to the ceiling", 0, 0, 0, 0, 0, 0, 7200, 0,
      0, V_ALLOW, T0 + 7200, 0, 0, 0 },

    /* shortened before: from now, whatever the request asks */

    { "shortened", 0, 0, 0, SHORTENED, 0, 0, 0, 0,
      0, V_ALLOW, NOW + SHORTEN, SHORTEN, 0, 0 },
    { "shortened, longer asked", 0, 0, 0, SHORTENED, 7200, 3600, 0, 0,
      0, V_ALLOW, NOW + SHORTEN, SHORTEN, 0, 0 },
    { "shortened, earlier kept", 0, NOW + 100, 60, SHORTENED, 0, 0, 0, 0,
      0, V_ALLOW, NOW + 100, 60, 0, 0 },

    /* ended: revoked for good, its reason kept; monitor mode only says */

    { "absolute ended", 0, NOW, 0, 0, 0, 0, 0, 0,
      0, V_EXPIRED, NOW, 0, POLICY, NGX_SG_REASON_EXPIRED },
    { "absolute ended, set now", 0, 0, 0, 0, 500, 0, 0, 0,
      0, V_EXPIRED, T0 + 500, 0, POLICY, NGX_SG_REASON_EXPIRED },
    { "idle ended", 0, 0, 9, 0, 0, 0, 0, 0,
      0, V_EXPIRED, 0, 9, POLICY, NGX_SG_REASON_IDLE },
    { "idle not yet ended", 0, 0, 10, 0, 0, 0, 0, 0,
      0, V_ALLOW, 0, 10, 0, 0 },
    { "ended, ceiling", 0, NOW - 1, 0, 0, 0, 0, 7200, 0,
      0, V_EXPIRED, NOW - 1, 0, POLICY, NGX_SG_REASON_EXPIRED },
    { "ended, monitor", 0, NOW, 0, 0, 0, 0, 0, 1,
      0, V_EXPIRED, NOW, 0, 0, 0 },
};


static void
test_lifetimes(void **state)
{
    ngx_uint_t        n;
    sg_life_row_t    *row;
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    for (n = 0; n < sizeof(sg_life_rows) / sizeof(sg_life_row_t); n++) {
        row = &sg_life_rows[n];

        print_message("%s\n", row->name);

        if (row->created) {
            ngx_memzero(&rec, sizeof(ngx_sg_record_t));
            rec.created = NOW;

        } else {
            sg_risk_record(&rec);
            rec.last_seen = NOW - 10;
            rec.expires = row->rec_expires;
            rec.idle_timeout = row->rec_idle;
            rec.flags = row->rec_flags;
        }

        sg_risk_request(&risk, NONE, A_LOG);
        risk.absolute = row->absolute;
        risk.idle = row->idle;
        risk.max_lifetime = row->ceiling;
        risk.monitor = row->monitor;

        ngx_sg_risk_clamp(&risk);

        assert_int_equal(risk.clamped, row->clamped);
        assert_true(row->ceiling == 0 || risk.absolute <= row->ceiling);
        assert_true(row->ceiling == 0 || risk.idle <= row->ceiling);

        assert_int_equal(ngx_sg_risk_update(&rec, row->created, &risk),
                         NGX_OK);

        assert_int_equal(risk.created, row->created);
        assert_int_equal(risk.verdict, row->verdict);
        assert_int_equal(rec.expires, row->expires);
        assert_int_equal(rec.idle_timeout, row->idle_timeout);
        assert_int_equal(rec.revoked, row->revoked);
        assert_int_equal(rec.revoke_reason, row->reason);
        assert_int_equal(risk.revoked, row->revoked != 0);

        if (row->revoked) {
            assert_int_equal(rec.revoked_at, NOW);
            assert_int_equal(rec.updated, NOW);
            /* the request's token (NOW + 60), or the ceiling from now */
            assert_int_equal(rec.token_exp,
                             NOW + (row->ceiling > 60 ? row->ceiling : 60));
        }
    }
}


/* impossible travel, from Paris at T0 + loc_time to "to" at NOW */

typedef struct {
    const char     *name;

    /* in */
    ngx_uint_t      from_loc;      /* the record has a location */
    ngx_uint_t      to_loc;        /* the request has one */
    float           lat;
    float           lon;
    time_t          loc_time;      /* the record's, seconds after T0 */
    ngx_uint_t      bound;

    /* out */
    ngx_uint_t      fired;
    time_t          new_loc_time;  /* seconds after T0 */
} sg_travel_row_t;


static sg_travel_row_t  sg_travel_rows[] = {
    { "below the floor, no time", 1, 1, VERSAILLES_LAT, VERSAILLES_LON,
      600, 1, 0, 600 },
    { "below the floor", 1, 1, VERSAILLES_LAT, VERSAILLES_LON,
      0, 1, 0, 600 },
    { "below the speed", 1, 1, LONDON_LAT, LONDON_LON,
      600 - 3600, 1, 0, 600 },
    { "above the speed", 1, 1, LONDON_LAT, LONDON_LON,
      0, 1, 1, 0 },
    { "above the speed, far", 1, 1, NEWYORK_LAT, NEWYORK_LON,
      0, 1, 1, 0 },
    { "no time elapsed", 1, 1, LONDON_LAT, LONDON_LON,
      600, 1, 1, 600 },
    { "the record has no location", 0, 1, NEWYORK_LAT, NEWYORK_LON,
      0, 1, 0, 600 },
    { "the request has no location", 1, 0, NEWYORK_LAT, NEWYORK_LON,
      0, 1, 0, 0 },
    { "not bound", 1, 1, NEWYORK_LAT, NEWYORK_LON,
      0, 0, 0, 600 },
};


static void
test_travel(void **state)
{
    ngx_uint_t         n;
    ngx_sg_risk_t      risk;
    ngx_sg_record_t    rec;
    sg_travel_row_t   *row;

    for (n = 0; n < sizeof(sg_travel_rows) / sizeof(sg_travel_row_t); n++) {
        row = &sg_travel_rows[n];

        print_message("%s\n", row->name);

        sg_risk_record(&rec);
        rec.loc_time = T0 + row->loc_time;

        if (!row->from_loc) {
            rec.last.has_loc = 0;
            rec.last.lat = 0;
            rec.last.lon = 0;
        }

        sg_risk_request(&risk, NONE, A_DENY);
        risk.cur.has_loc = (u_char) row->to_loc;
        risk.cur.lat = row->to_loc ? row->lat : 0;
        risk.cur.lon = row->to_loc ? row->lon : 0;

        if (!row->bound) {
            risk.bind &= ~(1 << NGX_SG_SIG_TRAVEL);
        }

        assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);

        assert_int_equal(risk.signals,
                         row->fired ? 1 << NGX_SG_SIG_TRAVEL : 0);
        assert_int_equal(risk.verdict, row->fired ? V_DENY : V_ALLOW);
        assert_true(row->fired ? risk.speed > SPEED : risk.speed == 0);
        assert_int_equal(rec.loc_time, T0 + row->new_loc_time);

        /* a location once known is kept when the request has none */
        assert_int_equal(rec.last.has_loc,
                         (row->fired ? 1 : (row->from_loc || row->to_loc)));
    }
}


/* a new record takes the request's context as its first and last */

static void
test_created(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    rec.created = NOW;

    /* a context that would fire every signal against an empty record */
    sg_risk_request(&risk, NGX_SG_SIG_TRAVEL, A_REVOKE);
    risk.auth_time = T0 + 5;

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);

    assert_int_equal(risk.created, 1);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.signals, 0);
    assert_int_equal(risk.taken, 0);
    assert_int_equal(risk.revoked, 0);

    sg_assert_bind(&rec.initial, &risk.cur);
    sg_assert_bind(&rec.last, &risk.cur);
    assert_int_equal(rec.created, NOW);
    assert_int_equal(rec.last_seen, NOW);
    assert_int_equal(rec.updated, NOW);
    assert_int_equal(rec.loc_time, NOW);
    assert_int_equal(rec.auth_time, T0 + 5);
    assert_int_equal(rec.cookie_mode, NGX_SG_COOKIE_PERSISTENT);
    assert_int_equal(rec.token_exp, NOW + CEILING);
    assert_int_equal(rec.revoked, 0);

    /* the same request on the existing record fires nothing either */

    sg_risk_request(&risk, NGX_SG_SIG_TRAVEL, A_REVOKE);
    risk.now = NOW + 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.created, 0);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.signals, 0);
    assert_int_equal(rec.last_seen, NOW + 1);
}


/* a revoked record is reported, never changed but for its keeping time */

typedef struct {
    const char     *name;
    u_char          revoked;
    u_char          reason;
    ngx_uint_t      verdict;
} sg_revoked_row_t;


static sg_revoked_row_t  sg_revoked_rows[] = {
    { "policy, signal", POLICY, NGX_SG_SIG_IP, V_REVOKED },
    { "policy, travel", POLICY, NGX_SG_SIG_TRAVEL, V_REVOKED },
    { "policy, expired", POLICY, NGX_SG_REASON_EXPIRED, V_EXPIRED },
    { "policy, idle", POLICY, NGX_SG_REASON_IDLE, V_EXPIRED },
    { "api", NGX_SG_REVOKED_API, 0, V_REVOKED },
    { "api, reason >= expired", NGX_SG_REVOKED_API, NGX_SG_REASON_EXPIRED,
      V_REVOKED },
    { "logout", NGX_SG_REVOKED_LOGOUT, 0, V_REVOKED },
    { "limit", NGX_SG_REVOKED_LIMIT, 0, V_REVOKED },
};


static void
test_revoked(void **state)
{
    ngx_uint_t         n, monitor;
    ngx_sg_risk_t      risk;
    ngx_sg_record_t    rec, before;
    sg_revoked_row_t  *row;

    for (n = 0; n < sizeof(sg_revoked_rows) / sizeof(sg_revoked_row_t);
         n++)
    {
        row = &sg_revoked_rows[n];

        print_message("%s\n", row->name);

        for (monitor = 0; monitor < 2; monitor++) {
            sg_risk_record(&rec);
            rec.revoked = row->revoked;
            rec.revoke_reason = row->reason;
            rec.revoked_at = T0 + 1;
            ngx_memcpy(&before, &rec, sizeof(ngx_sg_record_t));

            sg_risk_request(&risk, NGX_SG_SIG_IP, A_LOG);
            risk.monitor = monitor;
            risk.absolute = 1;
            risk.idle = 1;

            assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);

            assert_int_equal(risk.verdict, row->verdict);
            assert_int_equal(risk.signals, 0);
            assert_int_equal(risk.revoked, 0);

            before.token_exp = NOW + CEILING;
            assert_memory_equal(&rec, &before, sizeof(ngx_sg_record_t));
        }
    }
}


/* a step-up holds until the user authenticates again, then it is gone */

static void
test_step_up_pending(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    sg_risk_record(&rec);
    rec.step_up_since = T0 + 100;

    /* no signal, not authenticated since: still asked */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.auth_time = T0 + 100;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(risk.taken, A_STEP);
    assert_int_equal(rec.step_up_since, T0 + 100);
    assert_int_equal(rec.last_seen, T0);

    /* in monitor mode too, and nothing changes */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.monitor = 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, T0 + 100);

    /* authenticated after it was asked: no longer asked, accepted */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.auth_time = T0 + 101;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.taken, 0);
    assert_int_equal(rec.auth_time, T0 + 101);
    assert_int_equal(rec.updated, NOW);
    assert_int_equal(rec.last_seen, NOW);

    /* a signal asking for it again: satisfied by that authentication */

    sg_risk_request(&risk, NGX_SG_SIG_UA, A_STEP);
    risk.auth_time = T0 + 101;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.taken, A_STEP);
    assert_int_equal(rec.step_up_since, 0);
    assert_int_equal(rec.last.ua, 12);

    /* and once more, with nothing pending: asked from now */

    sg_risk_request(&risk, NGX_SG_SIG_JA4, A_STEP);
    risk.now = NOW + 5;
    risk.auth_time = T0 + 101;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, NOW + 5);
    assert_int_equal(rec.last.ja4, 21);
}


/*
 * Conditions: their actions apply on every request they hold; a revoke
 * names the condition; a step-up is asked until the session meets it,
 * then never again by that condition (a sign-in would not change what
 * holds), while another condition still asks.
 */

static void
test_conditions(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    /* from the first request of a session on */

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_acts = A_DENY;

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);
    assert_int_equal(risk.created, 1);
    assert_int_equal(risk.verdict, V_DENY);

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_step = 1;
    risk.auth_time = T0;

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, NOW);

    /* only "log": a new session as ever */

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_acts = A_LOG;

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(rec.last_seen, NOW);

    /* deny, and no change of the context: the record is not accepted */

    sg_risk_record(&rec);
    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_acts = A_DENY;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_DENY);
    assert_int_equal(risk.signals, 0);
    assert_int_equal(risk.taken, A_DENY);
    assert_int_equal(rec.last_seen, T0);

    /* revoke: the reason is the condition's bit */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_acts = A_REVOKE;
    risk.cond_revoke = 5;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_REVOKED);
    assert_int_equal(rec.revoked, NGX_SG_REVOKED_POLICY);
    assert_int_equal(rec.revoke_reason, NGX_SG_REASON_CONDITION + 5);

    /* a signal that revokes too: the signal is the reason */

    sg_risk_record(&rec);
    sg_risk_request(&risk, NGX_SG_SIG_ASN, A_REVOKE);
    risk.cond_acts = A_REVOKE;
    risk.cond_revoke = 5;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(rec.revoke_reason, NGX_SG_SIG_ASN);

    /* step-up: asked from now */

    sg_risk_record(&rec);
    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_step = 1 << 3;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, NOW);
    assert_int_equal(rec.cond_ok, 0);

    /* met by a later sign-in: accepted, and the condition remembered */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_step = 1 << 3;
    risk.auth_time = NOW + 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(rec.step_up_since, 0);
    assert_int_equal(rec.cond_ok, 1 << 3);

    /* it holds again: not asked again, even with an older token */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_step = 1 << 3;
    risk.auth_time = T0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(rec.step_up_since, 0);

    /* another condition still asks */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_step = (1 << 3) | (1 << 7);
    risk.auth_time = NOW + 1;
    risk.now = NOW + 10;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, NOW + 10);

    /* monitor mode: reported, nothing remembered */

    sg_risk_record(&rec);
    sg_risk_request(&risk, NONE, A_LOG);
    risk.cond_step = 1;
    risk.monitor = 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, 0);
    assert_int_equal(rec.cond_ok, 0);
}


/*
 * The score: weights summed over the signals that fired and the
 * conditions that hold; every threshold reached adds its actions.
 */

static ngx_sg_risk_threshold_t  sg_thresholds[] = {
    { 30, A_SHORT }, { 60, A_STEP }, { 100, A_REVOKE }
};


static void
sg_risk_scored(ngx_sg_risk_t *risk, int change, uint32_t conds)
{
    sg_risk_request(risk, change, A_LOG);

    risk->weights[NGX_SG_SIG_ASN] = 40;
    risk->weights[NGX_SG_SIG_COUNTRY] = 25;
    risk->cond_weights[2] = 30;
    risk->cond_weights[9] = 40;
    risk->cond_holds = conds;
    risk->thresholds = sg_thresholds;
    risk->nthresholds = 3;
}


static void
test_score(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    /* 40: shorten, and the signal's own "log" */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NGX_SG_SIG_ASN, 0);

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 40);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.taken, A_LOG | A_SHORT);
    assert_true(rec.flags & NGX_SG_REC_SHORTENED);

    /* nothing fired, nothing held: 0, nothing taken */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NONE, 0);

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 0);
    assert_int_equal(risk.taken, 0);

    /* 40 + 30 (a condition): step-up, the condition in cond_step */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NGX_SG_SIG_ASN, 1 << 2);

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 70);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, NOW);
    assert_int_equal(risk.cond_step, 1 << 2);

    /* met: accepted, the condition remembered as met */

    sg_risk_scored(&risk, NGX_SG_SIG_ASN, 1 << 2);
    risk.auth_time = NOW + 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(rec.cond_ok, 1 << 2);
    assert_int_equal(rec.last.asn, 64501);

    /*
     * the condition still holds, the new network is the session's: 30,
     * shorten only; its weight no longer asks for step-up
     */

    sg_risk_scored(&risk, NONE, 1 << 2);
    risk.cur.asn = 64501;
    risk.auth_time = T0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 30);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.taken, A_SHORT);

    /* ... but with another signal on top it does: 30 + 25 + 40 */

    sg_risk_scored(&risk, NONE, (1 << 2) | (1 << 9));
    risk.cur.asn = 64501;
    risk.auth_time = T0;
    risk.cur.country[0] = 'D';
    risk.cur.country[1] = 'E';

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 95);
    assert_int_equal(risk.verdict, V_STEP);

    /* 40 + 25 + 40: revoked, the score is the reason */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NONE, 1 << 9);
    risk.cur.asn = 64501;
    risk.cur.country[0] = 'D';
    risk.cur.country[1] = 'E';

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 105);
    assert_int_equal(risk.verdict, V_REVOKED);
    assert_int_equal(rec.revoke_reason, NGX_SG_REASON_SCORE);

    /* the next request of that session: revoked, not "expired" */

    sg_risk_scored(&risk, NONE, 0);

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_REVOKED);

    /* a signal's own revoke stays the reason */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NONE, 1 << 9);
    risk.cur.asn = 64501;
    risk.cur.country[0] = 'D';
    risk.cur.country[1] = 'E';
    risk.actions[NGX_SG_SIG_COUNTRY] = A_REVOKE;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(rec.revoke_reason, NGX_SG_SIG_COUNTRY);

    /* a new session: judged by its conditions' weights from the start */

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    sg_risk_scored(&risk, NONE, 1 << 2);

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);
    assert_int_equal(risk.created, 1);
    assert_int_equal(risk.score, 30);
    assert_int_equal(risk.taken, A_SHORT);
    assert_true(rec.flags & NGX_SG_REC_SHORTENED);

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    sg_risk_scored(&risk, NONE, 0);
    risk.cond_weights[2] = 29;
    risk.cond_holds = 1 << 2;

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);
    assert_int_equal(risk.score, 29);
    assert_int_equal(risk.taken, 0);
    assert_false(rec.flags & NGX_SG_REC_SHORTENED);

    /* monitor mode: the score and the verdict reported, nothing kept */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NGX_SG_SIG_ASN, 1 << 9);
    risk.monitor = 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 80);
    assert_int_equal(risk.verdict, V_STEP);
    assert_int_equal(rec.step_up_since, 0);
    assert_int_equal(rec.last.asn, 64500);

    /* weights without thresholds: a score, no action */

    sg_risk_record(&rec);
    sg_risk_scored(&risk, NGX_SG_SIG_ASN, 1 << 9);
    risk.nthresholds = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.score, 80);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.taken, A_LOG);
}


/*
 * After a change of the user's claims: a token issued at or before it (or
 * with no "iat") is refused and changes nothing; a newer one is accepted;
 * a request without a token is not judged by it; monitor mode reports.
 */

static void
test_claims_changed(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec, before;

    sg_risk_record(&rec);
    rec.claims_since = T0 + 100;
    before = rec;

    sg_risk_request(&risk, NONE, A_LOG);
    risk.iat = T0 + 100;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_STALE);
    before.token_exp = rec.token_exp;   /* kept as long as tokens live */
    assert_memory_equal(&rec, &before, sizeof(ngx_sg_record_t));

    sg_risk_request(&risk, NONE, A_LOG);
    risk.iat = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_STALE);
    before.token_exp = rec.token_exp;   /* kept as long as tokens live */
    assert_memory_equal(&rec, &before, sizeof(ngx_sg_record_t));

    /* monitor mode: reported, the request goes on, nothing is accepted */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.iat = T0;
    risk.monitor = 1;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_STALE);
    assert_int_equal(rec.last_seen, before.last_seen);
    assert_int_equal(rec.claims_since, T0 + 100);

    /* no token (a cookie session): not judged by it */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.token_exp = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);

    /* a newer token: accepted, and the mark stays for the older ones */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.iat = T0 + 101;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(rec.last_seen, NOW);
    assert_int_equal(rec.claims_since, T0 + 100);
}


/* an unknown value keeps the last known one; unknown is no change */

static void
test_unknown_values(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    sg_risk_record(&rec);

    sg_risk_request(&risk, NONE, A_REVOKE);
    risk.cur.asn = 0;
    risk.cur.country[0] = 0;
    risk.cur.country[1] = 0;
    risk.cur.has_loc = 0;
    risk.cur.ja4 = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, V_ALLOW);
    assert_int_equal(risk.signals, 0);

    assert_int_equal(rec.last.asn, 64500);
    assert_int_equal(rec.last.country[0], 'F');
    assert_int_equal(rec.last.country[1], 'R');
    assert_int_equal(rec.last.has_loc, 1);
    assert_true(rec.last.lat == PARIS_LAT);
    assert_int_equal(rec.last.ja4, 21);
    assert_int_equal(rec.loc_time, T0);

    /* a user agent is compared as it is: none after one is a change */

    sg_risk_request(&risk, NONE, A_LOG);
    risk.cur.ua = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.signals, 1 << NGX_SG_SIG_UA);
    assert_int_equal(rec.last.ua, 0);
}


/* the request's token_exp is kept when later than the record's */

static void
test_token_exp(void **state)
{
    ngx_sg_risk_t     risk;
    ngx_sg_record_t   rec;

    sg_risk_record(&rec);
    sg_risk_request(&risk, NONE, A_LOG);
    risk.token_exp = NOW + CEILING + 10;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(rec.token_exp, NOW + CEILING + 10);

    sg_risk_request(&risk, NONE, A_LOG);
    risk.max_lifetime = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(rec.token_exp, NOW + CEILING + 10);
}


typedef struct {
    const char     *text;
    ngx_int_t       rc;
    ngx_uint_t      mask;
} sg_actions_row_t;


static sg_actions_row_t  sg_actions_rows[] = {
    { "", NGX_OK, A_LOG },
    { "log", NGX_OK, A_LOG },
    { "step_up", NGX_OK, A_STEP },
    { "shorten", NGX_OK, A_SHORT },
    { "non_persistent", NGX_OK, A_NONP },
    { "revoke", NGX_OK, A_REVOKE },
    { "deny", NGX_OK, A_DENY },
    { "shorten,non_persistent", NGX_OK, A_SHORT | A_NONP },
    { "revoke,log,deny", NGX_OK, A_REVOKE | A_LOG | A_DENY },
    { "deny,deny", NGX_OK, A_DENY },
    { "bogus", NGX_DECLINED, 0 },
    { "log,", NGX_DECLINED, 0 },
    { ",log", NGX_DECLINED, 0 },
    { "log,,deny", NGX_DECLINED, 0 },
    { "Log", NGX_DECLINED, 0 },
    { "lo", NGX_DECLINED, 0 },
    { "logs", NGX_DECLINED, 0 },
    { "log deny", NGX_DECLINED, 0 },
};


static void
test_parse_actions(void **state)
{
    ngx_str_t          text;
    ngx_uint_t         n, mask;
    sg_actions_row_t  *row;

    for (n = 0; n < sizeof(sg_actions_rows) / sizeof(sg_actions_row_t);
         n++)
    {
        row = &sg_actions_rows[n];

        print_message("\"%s\"\n", row->text);

        text = sg_str(row->text);
        mask = 12345;

        assert_int_equal(ngx_sg_risk_parse_actions(&text, &mask), row->rc);
        assert_int_equal(mask, row->rc == NGX_OK ? row->mask : 12345);
    }
}


static void
test_names(void **state)
{
    ngx_uint_t  i;

    static const char  *signals[] = {
        "ip", "asn", "country", "ua", "ja4", "travel"
    };
    static const char  *actions[] = {
        "log", "step_up", "shorten", "non_persistent", "revoke", "deny"
    };

    assert_int_equal(sizeof(signals) / sizeof(signals[0]), NGX_SG_SIG_COUNT);
    assert_int_equal(sizeof(actions) / sizeof(actions[0]), NGX_SG_ACT_COUNT);

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        assert_int_equal(ngx_sg_signal_names[i].len, strlen(signals[i]));
        assert_memory_equal(ngx_sg_signal_names[i].data, signals[i],
                            strlen(signals[i]));
    }

    assert_int_equal(ngx_sg_signal_names[NGX_SG_SIG_COUNT].len, 0);

    for (i = 0; i < NGX_SG_ACT_COUNT; i++) {
        assert_int_equal(ngx_sg_action_names[i].len, strlen(actions[i]));
        assert_memory_equal(ngx_sg_action_names[i].data, actions[i],
                            strlen(actions[i]));
    }

    assert_int_equal(ngx_sg_action_names[NGX_SG_ACT_COUNT].len, 0);

    /* the bits of the masks are the indexes of the names */
    assert_int_equal(1 << 0, A_LOG);
    assert_int_equal(1 << 1, A_STEP);
    assert_int_equal(1 << 2, A_SHORT);
    assert_int_equal(1 << 3, A_NONP);
    assert_int_equal(1 << 4, A_REVOKE);
    assert_int_equal(1 << 5, A_DENY);

    /* a signal id fits revoke_reason below the other reasons */
    assert_true(NGX_SG_SIG_COUNT <= NGX_SG_REASON_EXPIRED);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_signal_action),
        cmocka_unit_test(test_unbound),
        cmocka_unit_test(test_lifetimes),
        cmocka_unit_test(test_travel),
        cmocka_unit_test(test_created),
        cmocka_unit_test(test_revoked),
        cmocka_unit_test(test_step_up_pending),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_claims_changed),
        cmocka_unit_test(test_unknown_values),
        cmocka_unit_test(test_token_exp),
        cmocka_unit_test_setup_teardown(test_parse_actions, sg_setup,
                                        sg_teardown),
        cmocka_unit_test(test_names),
    };

    sg_init();

    return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
