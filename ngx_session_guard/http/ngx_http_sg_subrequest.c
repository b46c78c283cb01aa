
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Subrequests the module makes on its own behalf (a key fetch, a
 * notification to an application) must carry nothing of the client's
 * request: a subrequest starts as a copy of its parent's request headers
 * and shares the variable values its parent cached ($http_authorization,
 * $cookie_...), so a location that passes request headers on, or sets one
 * from a variable, would hand the client's credentials to the provider or
 * the application.  The subrequest gets an empty header list and variables
 * of its own instead; only the host name ($host) is kept.
 *
 * Everything is allocated before the subrequest exists (once created, it
 * runs): ngx_http_sg_bare_init() may fail, ngx_http_sg_bare_apply() cannot.
 */


#include "ngx_http_sg.h"


static void ngx_http_sg_wait_cleanup(void *data);


/* NGX_OK, or NGX_ERROR (out of memory) */

ngx_int_t
ngx_http_sg_bare_init(ngx_http_request_t *r, ngx_http_sg_bare_t *bare)
{
    ngx_uint_t                  n;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    n = cmcf->variables.nelts ? cmcf->variables.nelts : 1;

    bare->body = NULL;

    bare->variables = ngx_pcalloc(r->pool,
                                  n * sizeof(ngx_http_variable_value_t));
    if (bare->variables == NULL) {
        return NGX_ERROR;
    }

    return ngx_list_init(&bare->headers, r->pool, 2, sizeof(ngx_table_elt_t));
}


/* bare->headers may have had headers of the module's pushed meanwhile */

void
ngx_http_sg_bare_apply(ngx_http_request_t *sr, ngx_http_sg_bare_t *bare)
{
    ngx_str_t  server;

    server = sr->headers_in.server;

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    sr->headers_in.headers = bare->headers;

    /* the list's first part now lives in the request: "last" follows it */

    if (bare->headers.last == &bare->headers.part) {
        sr->headers_in.headers.last = &sr->headers_in.headers.part;
    }

    sr->headers_in.server = server;
    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    sr->variables = bare->variables;
}


/*
 * A POST of the module's own: bare headers with only "Content-Type: type",
 * and "body" (which must live as long as the subrequest) as the request
 * body.  Before the subrequest exists; ngx_http_sg_bare_post() after.
 */

ngx_int_t
ngx_http_sg_bare_post_init(ngx_http_request_t *r, ngx_http_sg_bare_t *bare,
    ngx_str_t *type, ngx_str_t *body)
{
    ngx_buf_t                *b;
    ngx_chain_t              *cl;
    ngx_table_elt_t          *h;
    ngx_http_request_body_t  *rb;

    if (ngx_http_sg_bare_init(r, bare) != NGX_OK) {
        return NGX_ERROR;
    }

    h = ngx_list_push(&bare->headers);
    b = ngx_calloc_buf(r->pool);
    cl = ngx_alloc_chain_link(r->pool);
    rb = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));

    if (h == NULL || b == NULL || cl == NULL || rb == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(h, sizeof(ngx_table_elt_t));

    ngx_str_set(&h->key, "Content-Type");
    h->value = *type;
    h->lowcase_key = (u_char *) "content-type";
    h->hash = ngx_hash_key(h->lowcase_key, h->key.len);

    /* start and end too: a retry to the next upstream rewinds to start */

    b->start = body->data;
    b->pos = body->data;
    b->last = body->data + body->len;
    b->end = b->last;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    cl->buf = b;
    cl->next = NULL;

    rb->bufs = cl;
    bare->body = rb;

    return NGX_OK;
}


void
ngx_http_sg_bare_post(ngx_http_request_t *sr, ngx_http_sg_bare_t *bare)
{
    sr->method = NGX_HTTP_POST;
    ngx_str_set(&sr->method_name, "POST");

    ngx_http_sg_bare_apply(sr, bare);

    sr->headers_in.content_type = sr->headers_in.headers.part.elts;
    sr->headers_in.content_length_n = ngx_buf_size(bare->body->bufs->buf);
    sr->request_body = bare->body;
}


/*
 * The response body of an in-memory subrequest against "max" and the
 * location's subrequest_output_buffer_size: nginx fails a response larger
 * than that buffer with an error that also breaks the client's
 * connection, so a larger one is dropped here, as it comes.
 */

void
ngx_http_sg_body_limit(ngx_http_request_t *sr, ngx_chain_t *in,
    ngx_http_sg_body_limit_t *bl, size_t max)
{
    size_t                     len;
    ngx_chain_t               *cl;
    ngx_http_core_loc_conf_t  *clcf;

    if (!bl->seen) {
        bl->seen = 1;

        clcf = ngx_http_get_module_loc_conf(sr, ngx_http_core_module);

        bl->limit = ngx_min(max, clcf->subrequest_output_buffer_size);

        if (sr->headers_out.content_length_n > (off_t) bl->limit) {
            bl->too_large = 1;
        }
    }

    for (cl = in; cl; cl = cl->next) {

        if (!bl->too_large) {
            len = ngx_buf_in_memory(cl->buf)
                  ? (size_t) (cl->buf->last - cl->buf->pos)
                  : (size_t) ngx_buf_size(cl->buf);

            bl->received += len;

            if (bl->received > bl->limit) {
                bl->too_large = 1;
            }
        }

        if (bl->too_large) {
            /* dropped: nothing reaches the buffer */
            cl->buf->pos = cl->buf->last;
            cl->buf->file_pos = cl->buf->file_last;
        }
    }

    if (bl->too_large) {
        sr->headers_out.content_length_n = -1;
    }
}


/* the request waits (w->request and w->started set before) */

void
ngx_http_sg_wait_arm(ngx_http_sg_wait_t *w, ngx_http_request_t *sr,
    ngx_msec_t timeout, ngx_event_handler_pt on_timeout,
    ngx_pool_cleanup_t *cln)
{
    ngx_http_request_t  *r;

    r = w->request;

    w->sr = sr;

    w->event.handler = on_timeout;
    w->event.data = w;
    w->event.log = r->connection->log;

    cln->handler = ngx_http_sg_wait_cleanup;
    cln->data = w;

    ngx_add_timer(&w->event, timeout);

    /*
     * Until the outcome, the client's events run no phase (the proxied
     * subrequest makes its write event fire), and a client that goes away
     * ends the request.
     */

    r->write_event_handler = ngx_http_request_empty_handler;
    r->read_event_handler = ngx_http_test_reading;
}


/* the subrequest ended before the deadline: the request runs again */

void
ngx_http_sg_wait_ended(ngx_http_sg_wait_t *w)
{
    if (w->event.timer_set) {
        ngx_del_timer(&w->event);
    }

    w->event.handler = ngx_http_sg_wait_wake;
    ngx_post_event(&w->event, &ngx_posted_events);
}


void
ngx_http_sg_wait_wake(ngx_event_t *ev)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;
    ngx_http_sg_wait_t  *w;

    w = ev->data;
    r = w->request;
    c = r->connection;

    if (ev->timer_set) {
        ngx_del_timer(ev);
    }

    if (w->used) {
        /* the request went on already */
        return;
    }

    ngx_http_set_log_request(c->log, r);

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;

    ngx_http_core_run_phases(r);

    ngx_http_run_posted_requests(c);
}


/* the run that takes the outcome: no other wake-up after it */

void
ngx_http_sg_wait_take(ngx_http_sg_wait_t *w)
{
    w->used = 1;

    if (w->event.timer_set) {
        ngx_del_timer(&w->event);
    }

    if (w->event.posted) {
        ngx_delete_posted_event(&w->event);
    }
}


static void
ngx_http_sg_wait_cleanup(void *data)
{
    ngx_http_sg_wait_t *w = data;

    if (w->event.timer_set) {
        ngx_del_timer(&w->event);
    }

    if (w->event.posted) {
        ngx_delete_posted_event(&w->event);
    }

    /* a subrequest still in flight is the request's: torn down with it */
    w->sr = NULL;
}
