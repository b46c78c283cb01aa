
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_THROTTLE_H_INCLUDED_
#define _NGX_SG_THROTTLE_H_INCLUDED_


/*
 * Failure throttling: how many refusals a source (a client address, a
 * subject) earned recently, and whether it is refused for a while.
 *
 * The count is a sliding window approximated by two fixed ones: the
 * window of "period" seconds that "now" falls in (aligned to multiples of
 * the period) and the one before it, whose count is weighted by the part
 * of it that the sliding window still covers.  With failures spread
 * evenly the estimate is exact; a burst at the end of the previous window
 * counts almost whole at the start of the next one, so a limit cannot be
 * doubled by straddling a window's edge.
 *
 * Once the estimate reaches the limit, the source is blocked until now +
 * "block" and its counts start again from zero: a failure while blocked
 * is not counted (such requests are refused before they are judged), so a
 * block is never extended by the requests it refuses.
 *
 * No allocation, no locks: the caller holds the memory and the lock.
 */


#include <ngx_config.h>
#include <ngx_core.h>


typedef struct {
    ngx_uint_t                  limit;      /* failures; 0: off */
    time_t                      period;     /* seconds, >= 1 */
    time_t                      block;      /* seconds, >= 1 */
} ngx_sg_throttle_rule_t;


typedef struct {
    time_t                      start;      /* the current window's */
    time_t                      until;      /* blocked before this */
    uint32_t                    prev;       /* in the window before */
    uint32_t                    cur;        /* in the current window */
} ngx_sg_throttle_count_t;


/*
 * One more failure at "now": 1 when it blocked the source (until is then
 * set), else 0.  A source that is blocked is left as it is.
 */
ngx_uint_t ngx_sg_throttle_fail(ngx_sg_throttle_count_t *c,
    ngx_sg_throttle_rule_t *rule, time_t now);

/* the sliding window's estimate of the failures at "now", rounded up */
ngx_uint_t ngx_sg_throttle_estimate(ngx_sg_throttle_count_t *c,
    ngx_sg_throttle_rule_t *rule, time_t now);

/* seconds the source stays blocked after "now"; 0: it is not blocked */
time_t ngx_sg_throttle_blocked(ngx_sg_throttle_count_t *c, time_t now);

/* nothing left to remember at "now": no block, both windows past */
ngx_uint_t ngx_sg_throttle_idle(ngx_sg_throttle_count_t *c,
    ngx_sg_throttle_rule_t *rule, time_t now);


#endif /* _NGX_SG_THROTTLE_H_INCLUDED_ */
