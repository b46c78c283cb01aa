
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_ANSWER_H_INCLUDED_
#define _NGX_SG_ANSWER_H_INCLUDED_


/*
 * The answer of a risk service (session_guard_risk_service): the body of
 * its response, a JSON object
 *
 *   {"action": "allow", "score": 0, "reasons": ["..."]}
 *
 *   action   required: "allow", or actions as session_guard_on_change
 *            takes them ("revoke", "step_up,shorten"), never empty;
 *   score    optional: an integer from 0 to NGX_SG_ANSWER_SCORE_MAX;
 *   reasons  optional: an array of strings, of which the first
 *            NGX_SG_ANSWER_REASONS are kept, each cut to
 *            NGX_SG_ANSWER_REASON_LEN bytes, with every byte outside
 *            printable ASCII (and '"', '\\', ',') made '?': they reach
 *            logs, events and variables that may go into headers.
 *
 * Other members are ignored (a service may say more than the edge uses).
 * The service is the operator's, but its answer comes over a network and
 * is judged as hostile input: the body is bounded by the caller, the JSON
 * by ngx_sg_json_parse_object() (depth, duplicates, UTF-8, NUL).
 *
 * Return contract: NGX_OK with the answer filled; NGX_DECLINED with the
 * reason (static text); NGX_ERROR out of memory.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_ANSWER_SCORE_MAX     1000
#define NGX_SG_ANSWER_REASONS       8
#define NGX_SG_ANSWER_REASON_LEN    64
#define NGX_SG_ANSWER_DEPTH         4


typedef struct {
    ngx_uint_t                  acts;       /* NGX_SG_ACT_*; 0: allow */
    ngx_uint_t                  score;
    ngx_uint_t                  nreasons;
    size_t                      len[NGX_SG_ANSWER_REASONS];
    u_char                      reason[NGX_SG_ANSWER_REASONS]
                                      [NGX_SG_ANSWER_REASON_LEN];
} ngx_sg_answer_t;


ngx_int_t ngx_sg_answer_parse(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_sg_answer_t *answer, const char **reason);


#endif /* _NGX_SG_ANSWER_H_INCLUDED_ */
