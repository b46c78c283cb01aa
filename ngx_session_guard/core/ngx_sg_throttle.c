
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "ngx_sg_throttle.h"


static void ngx_sg_throttle_roll(ngx_sg_throttle_count_t *c,
    ngx_sg_throttle_rule_t *rule, time_t now);


ngx_uint_t
ngx_sg_throttle_fail(ngx_sg_throttle_count_t *c, ngx_sg_throttle_rule_t *rule,
    time_t now)
{
    if (rule->limit == 0 || ngx_sg_throttle_blocked(c, now)) {
        return 0;
    }

    ngx_sg_throttle_roll(c, rule, now);

    if (c->cur < 0xffffffff) {
        c->cur++;
    }

    if (ngx_sg_throttle_estimate(c, rule, now) < rule->limit) {
        return 0;
    }

    c->until = now + rule->block;
    c->prev = 0;
    c->cur = 0;

    return 1;
}


ngx_uint_t
ngx_sg_throttle_estimate(ngx_sg_throttle_count_t *c,
    ngx_sg_throttle_rule_t *rule, time_t now)
{
    time_t    window;
    uint64_t  cur, prev, left;

    window = now - now % rule->period;

    if (window == c->start) {
        cur = c->cur;
        prev = c->prev;

    } else if (window == c->start + rule->period) {
        /* the current window is over: it is the previous one now */
        cur = 0;
        prev = c->cur;

    } else {
        return 0;
    }

    /* the previous window's share, rounded up: never below the truth */

    left = (uint64_t) (rule->period - (now - window));

    return (ngx_uint_t) (cur + (prev * left + rule->period - 1)
                               / (uint64_t) rule->period);
}


time_t
ngx_sg_throttle_blocked(ngx_sg_throttle_count_t *c, time_t now)
{
    return c->until > now ? c->until - now : 0;
}


ngx_uint_t
ngx_sg_throttle_idle(ngx_sg_throttle_count_t *c, ngx_sg_throttle_rule_t *rule,
    time_t now)
{
    return c->until <= now && now - c->start >= 2 * rule->period;
}


/* move the windows to the one "now" falls in */

static void
ngx_sg_throttle_roll(ngx_sg_throttle_count_t *c, ngx_sg_throttle_rule_t *rule,
    time_t now)
{
    time_t  window;

    window = now - now % rule->period;

    if (window == c->start) {
        return;
    }

    if (window == c->start + rule->period) {
        c->prev = c->cur;

    } else {
        c->prev = 0;
    }

    c->cur = 0;
    c->start = window;
}
