
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_RISK_H_INCLUDED_
#define _NGX_SG_RISK_H_INCLUDED_


/*
 * The risk engine: a session record (ngx_sg_state.h) and the context of
 * the current request in, the record updated and a verdict out.
 *
 *   signals    what the session is bound to and has changed since the
 *              last accepted request: address, ASN, country, user agent,
 *              TLS fingerprint, and an impossible travel (ngx_sg_geo.h);
 *   actions    what each fired signal asks for, by policy: log, step_up,
 *              shorten, non_persistent, revoke, deny;
 *   lifetimes  absolute (from the creation) and idle, taken from each
 *              request but never extended, clamped to a ceiling, cut by
 *              "shorten";
 *   score      (optional) the weights of the signals that fired and of
 *              the conditions that hold, summed; each threshold the sum
 *              reaches adds its actions to theirs.
 *
 * The caller (the HTTP glue) fills an ngx_sg_risk_t with the request's
 * context and policy, clamps it once (ngx_sg_risk_clamp()), then runs
 * ngx_sg_risk_update() on the record under the zone lock; it reads the
 * results from the same struct afterwards.
 *
 * Return contract: ngx_sg_risk_update() returns NGX_OK, the verdict is in
 * risk->verdict (it never fails: no allocation, no logging, no blocking,
 * as it runs with the zone's mutex held); ngx_sg_risk_parse_actions()
 * returns NGX_OK for a valid list, NGX_DECLINED for an invalid one.
 * NGX_ERROR is never returned.
 *
 * Hard limits: NGX_SG_SIG_COUNT signals (bits of an ngx_uint_t mask and
 * indexes of ngx_sg_signal_names, and below NGX_SG_REASON_EXPIRED as
 * they are stored in the record's revoke_reason), NGX_SG_ACT_COUNT
 * actions (bits of a mask, ngx_sg_action_names); a lifetime never above
 * max_lifetime when that is set.  The caller's part: times are a clock's
 * and lifetimes ngx_parse_time()'s, so that their sums cannot overflow;
 * "shorten" is over 0 (0 would take a shortened record's idle timeout
 * away).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_state.h"


/* signals: a change of what a session is bound to (ngx_sg_signal_names) */
#define NGX_SG_SIG_IP                   0
#define NGX_SG_SIG_ASN                  1
#define NGX_SG_SIG_COUNTRY              2
#define NGX_SG_SIG_UA                   3
#define NGX_SG_SIG_JA4                  4
#define NGX_SG_SIG_TRAVEL               5
#define NGX_SG_SIG_COUNT                6

/* conditions: bits of a 32-bit mask (the record's cond_ok) */
#define NGX_SG_COND_MAX                 32

/* actions, bits of a mask (bit n: ngx_sg_action_names[n]) */
#define NGX_SG_ACT_LOG                  0x01
#define NGX_SG_ACT_STEP_UP              0x02
#define NGX_SG_ACT_SHORTEN              0x04
#define NGX_SG_ACT_NON_PERSISTENT       0x08
#define NGX_SG_ACT_REVOKE               0x10
#define NGX_SG_ACT_DENY                 0x20
#define NGX_SG_ACT_COUNT                6

/* verdicts (ngx_sg_risk_t.verdict) */
#define NGX_SG_RISK_ALLOW               0
#define NGX_SG_RISK_REVOKED             1    /* the session is revoked */
#define NGX_SG_RISK_EXPIRED             2    /* its lifetime ended */
#define NGX_SG_RISK_STEP_UP             3    /* fresh authentication needed */
#define NGX_SG_RISK_DENY                4    /* refused, the session kept */
#define NGX_SG_RISK_STALE               5    /* a token older than a claims
                                                change: a newer one needed */


/* a threshold of the score, and the actions it asks for once reached */

typedef struct {
    ngx_uint_t                  score;
    ngx_uint_t                  actions;    /* NGX_SG_ACT_* */
} ngx_sg_risk_threshold_t;


typedef struct {
    /* in: the request */
    time_t                      now;
    ngx_sg_bind_t               cur;
    time_t                      token_exp;  /* with leeway; 0: no token */
    time_t                      auth_time;  /* 0: unknown */
    time_t                      iat;        /* the token's; 0: unknown */

    /* in: the policy */
    time_t                      absolute;   /* 0: none */
    time_t                      idle;       /* 0: none */
    time_t                      max_lifetime; /* the ceiling; 0: none */
    time_t                      shorten;    /* over 0 */
    ngx_uint_t                  bind;       /* bits: 1 << NGX_SG_SIG_* */
    ngx_uint_t                  actions[NGX_SG_SIG_COUNT];
    ngx_uint_t                  travel_speed; /* km/h */
    ngx_uint_t                  travel_floor; /* km */
    ngx_uint_t                  monitor;    /* report, never enforce */

    /*
     * in: the conditions that hold for this request (signals that fire
     * on every request, not on a change; their bits are the caller's,
     * below NGX_SG_COND_MAX): the actions they ask for but step_up, those
     * that ask for step_up, and the one whose revoke is the reason
     */
    ngx_uint_t                  cond_acts;  /* NGX_SG_ACT_*, no STEP_UP */
    uint32_t                    cond_step;  /* bits */
    ngx_uint_t                  cond_revoke; /* its bit, if cond_acts
                                                has REVOKE */
    uint32_t                    cond_holds; /* bits of all that hold */

    /*
     * in: the score, when nthresholds: the weight of each signal and of
     * each condition (by its bit), the thresholds in ascending order.  A
     * threshold's step_up is asked once per session for the conditions
     * in the sum, as theirs is (cond_ok): it is asked when the sum
     * without the conditions whose step-up the session has met reaches
     * the threshold, and once met, those that held are met too.
     */
    ngx_uint_t                  weights[NGX_SG_SIG_COUNT];
    ngx_uint_t                  cond_weights[NGX_SG_COND_MAX];
    ngx_sg_risk_threshold_t    *thresholds;
    ngx_uint_t                  nthresholds;

    /*
     * in: a fresh answer of a risk service, kept in the record until
     * service_until (0: none to keep), its actions and score.  Its
     * actions apply as those of the condition of bit service_bit (set by
     * the caller with the others); a step-up the session met for that
     * condition is forgotten when this answer asks for step_up and the
     * one kept before did not.
     */
    time_t                      service_until;
    ngx_uint_t                  service_acts;
    ngx_uint_t                  service_score;
    ngx_uint_t                  service_bit;
    ngx_uint_t                  service_forget; /* drop the kept answer */

    /* out */
    ngx_uint_t                  verdict;    /* NGX_SG_RISK_* */
    ngx_uint_t                  signals;    /* fired: 1 << NGX_SG_SIG_* */
    ngx_uint_t                  taken;      /* actions: NGX_SG_ACT_* */
    ngx_uint_t                  clamped;    /* by ngx_sg_risk_clamp() */
    ngx_uint_t                  created;
    ngx_uint_t                  revoked;    /* by this request */
    ngx_uint_t                  stepped_up; /* step-up first asked by it */
    ngx_uint_t                  score;      /* the sum; 0 without one */
    double                      speed;      /* km/h of a travel signal */
} ngx_sg_risk_t;


/* null-terminated; NGX_SG_SIG_COUNT and NGX_SG_ACT_COUNT names */
extern ngx_str_t  ngx_sg_signal_names[];
extern ngx_str_t  ngx_sg_action_names[];


/*
 * The lifetimes of the request held to max_lifetime: an absolute one
 * that is unset or above it becomes it, an idle one above it becomes it;
 * risk->clamped tells whether a lifetime asked for was cut.  Once per
 * request, before ngx_sg_risk_update().
 */
void ngx_sg_risk_clamp(ngx_sg_risk_t *risk);

/*
 * Compare, act, update the record: the zone's update callback
 * (ngx_http_sg_update_pt), data is the ngx_sg_risk_t.  created: rec is new
 * (zeroed but for rec->created).  Always NGX_OK.
 */
ngx_int_t ngx_sg_risk_update(ngx_sg_record_t *rec, ngx_uint_t created,
    void *data);

/*
 * A risk service's answer kept in rec until "until" (the condition of bit
 * "bit" asks for its step-up again when this answer asks for one and the
 * kept one did not): what ngx_sg_risk_update() does with service_until,
 * for an answer that came after its request went on.
 */
void ngx_sg_risk_keep(ngx_sg_record_t *rec, ngx_uint_t acts,
    ngx_uint_t score, time_t until, ngx_uint_t bit);

/*
 * The signals of "bind" whose values differ between a session's last
 * context and the request's (1 << NGX_SG_SIG_*), travel aside: what the
 * update compares, for those that must know before it (a risk service's
 * question, a session's details).  An unknown value on either side is no
 * change.
 */
ngx_uint_t ngx_sg_risk_changed(ngx_sg_bind_t *last, ngx_sg_bind_t *cur,
    ngx_uint_t bind);

/* "log", "shorten,non_persistent"...; empty means "log" */
ngx_int_t ngx_sg_risk_parse_actions(ngx_str_t *value, ngx_uint_t *mask);


#endif /* _NGX_SG_RISK_H_INCLUDED_ */
