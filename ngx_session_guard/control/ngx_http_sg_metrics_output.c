
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * What the metrics writers (ngx_http_sg_metrics_json.c,
 * ngx_http_sg_metrics_prom.c) share: the label values, indexed as the
 * zone's counters are, and the chain a written buffer becomes.  The
 * dispatcher (ngx_http_sg_metrics.c) calls the writers; they call this
 * file, never the dispatcher.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"


ngx_str_t  ngx_http_sg_reject_names[] = {
    ngx_string("missing"),
    ngx_string("malformed"),
    ngx_string("algorithm"),
    ngx_string("key"),
    ngx_string("signature"),
    ngx_string("expired"),
    ngx_string("not_yet_valid"),
    ngx_string("issuer"),
    ngx_string("audience"),
    ngx_string("type"),
    ngx_string("claims"),
    ngx_string("requirement"),
    ngx_string("sender"),
    ngx_string("error"),
    ngx_string("other")
};

typedef char  ngx_http_sg_reject_names_check[
    sizeof(ngx_http_sg_reject_names) / sizeof(ngx_str_t)
    == NGX_HTTP_SG_REJECT_COUNT ? 1 : -1];


/* indexed as NGX_HTTP_SG_EVENT_* */
ngx_str_t  ngx_http_sg_event_results[] = {
    ngx_string("accepted"),
    ngx_string("refused"),
    ngx_string("sent"),
    ngx_string("failed"),
    ngx_string("accepted"),
    ngx_string("refused"),
    ngx_string("duplicate"),
    ngx_string("revoked"),
    ngx_string("step_up"),
    ngx_string("sent"),
    ngx_string("retried"),
    ngx_string("given_up"),
    ngx_string("dropped"),
    ngx_string("ok"),
    ngx_string("failed")
};

typedef char  ngx_http_sg_event_results_check[
    sizeof(ngx_http_sg_event_results) / sizeof(ngx_str_t)
    == NGX_HTTP_SG_EVENT_COUNT ? 1 : -1];


/*
 * NGX_HTTP_SG_STATUS_* as label values: ngx_http_sg_status_names in lower
 * case, made when the configuration is read (ngx_http_sg_metrics_labels())
 */

#define NGX_HTTP_SG_DECISION_LEN  16

ngx_str_t      ngx_http_sg_decision_names[NGX_HTTP_SG_STATUS_COUNT];
static u_char  ngx_http_sg_decision_text[NGX_HTTP_SG_STATUS_COUNT]
                                        [NGX_HTTP_SG_DECISION_LEN];


/* static memory: the same bytes at every reload, nothing to free */

void
ngx_http_sg_metrics_labels(void)
{
    size_t      n;
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_SG_STATUS_COUNT; i++) {
        n = ngx_min(ngx_http_sg_status_names[i].len,
                    NGX_HTTP_SG_DECISION_LEN);

        ngx_strlow(ngx_http_sg_decision_text[i],
                   ngx_http_sg_status_names[i].data, n);

        ngx_http_sg_decision_names[i].data = ngx_http_sg_decision_text[i];
        ngx_http_sg_decision_names[i].len = n;
    }
}


/*
 * The body written from start to p as a chain of one buffer; NULL when it
 * reached last (the size computed for it was wrong: logged) or out of
 * memory.
 */

ngx_chain_t *
ngx_http_sg_metrics_chain(ngx_http_request_t *r, u_char *start, u_char *p,
    u_char *last)
{
    ngx_buf_t    *b;
    ngx_chain_t  *out;

    if (p == last) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: metrics output truncated");
        return NULL;
    }

    b = ngx_calloc_buf(r->pool);
    out = ngx_alloc_chain_link(r->pool);

    if (b == NULL || out == NULL) {
        return NULL;
    }

    b->pos = start;
    b->last = p;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out->buf = b;
    out->next = NULL;

    return out;
}
