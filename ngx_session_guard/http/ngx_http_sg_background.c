
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Background requests: a POST the module makes on its own, with no client
 * request to hang it on (a retried security event from a timer).  It goes,
 * like every request of the module's, to a location of the operator's,
 * whose proxy_pass brings TLS, timeouts and upstream choice.
 *
 * nginx runs a subrequest only under a main request, so one is made up: a
 * request with no client behind it, on a connection with no socket (fd -1),
 * whose configuration is the server's that declared the job (its locations
 * are the ones the uri is looked up in).  It never reads nor writes: the
 * subrequest is an in-memory one (its response lands in a buffer, nothing
 * goes to the connection), the write event is marked active so that
 * ngx_http_upstream_init() does not register the missing socket with the
 * event method, and the request is never finalized by nginx's own path
 * (which would log it and close a socket it does not have).
 *
 * The subrequest ends in one of two ways:
 *
 *   - normally: its post_subrequest handler takes the status and body, and
 *     returns NGX_OK whatever the status (an error page or nginx's own
 *     error path have nothing to do here), nginx wakes the made-up parent,
 *     whose write handler posts the "finish" event;
 *
 *   - torn down by nginx (ngx_http_terminate_request(), which the
 *     post_subrequest handler keeps from happening where it can): nginx
 *     then frees the request's pool and, once done with the connection,
 *     the connection's pool, whose cleanup handler posts "finish" with the
 *     job marked failed.
 *
 * "finish" runs from the posted events, outside every nginx call chain of
 * the job: it calls the owner's handler, then frees what is left.  The job
 * itself (connection, events, log) is heap memory of its own, and the
 * owner's data lives in a third pool that only the job frees, so nothing
 * nginx frees is touched afterwards.
 */


#include "ngx_http_sg.h"


struct ngx_http_sg_background_s {
    ngx_connection_t            c;
    ngx_event_t                 rev;
    ngx_event_t                 wev;
    ngx_log_t                   log;
    ngx_http_log_ctx_t          lctx;
    ngx_event_t                 finish;
    struct sockaddr_in          sin;

    ngx_pool_t                 *pool;       /* the request's */
    ngx_pool_t                 *cpool;      /* the connection's */
    ngx_pool_t                 *opool;      /* the owner's: ours to free */
    ngx_http_request_t         *r;
    ngx_str_t                   uri;

    ngx_http_sg_background_pt   handler;
    void                       *data;

    ngx_uint_t                  status;     /* 0: no answer */
    ngx_str_t                   body;

    unsigned                    answered:1;
    unsigned                    started:1;
    unsigned                    torn_down:1;
    unsigned                    finishing:1;
    unsigned                    handled:1;
    unsigned                    waits:8;
};


static ngx_int_t ngx_http_sg_background_done(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static void ngx_http_sg_background_wake(ngx_http_request_t *r);
static void ngx_http_sg_background_cleanup(void *data);
static void ngx_http_sg_background_event(ngx_event_t *ev);
static void ngx_http_sg_background_finish(ngx_event_t *ev);
static void ngx_http_sg_background_quiet(ngx_http_sg_background_t *bg);
static void ngx_http_sg_background_free(ngx_http_sg_background_t *bg);
static u_char *ngx_http_sg_background_log(ngx_log_t *log, u_char *buf,
    size_t len);


static ngx_str_t  ngx_http_sg_background_addr = ngx_string("127.0.0.1");


/*
 * A job ready to be started, its pool (bg_pool()) free for the owner's
 * data.  NULL: out of memory (logged by the allocator).
 */

ngx_http_sg_background_t *
ngx_http_sg_background_create(ngx_http_conf_ctx_t *ctx, ngx_log_t *log)
{
    ngx_connection_t           *c;
    ngx_pool_cleanup_t         *ccln;
    ngx_http_request_t         *r;
    ngx_http_sg_background_t   *bg;
    ngx_http_core_srv_conf_t   *cscf;
    ngx_http_core_loc_conf_t   *clcf;
    ngx_http_core_main_conf_t  *cmcf;

    bg = ngx_calloc(sizeof(ngx_http_sg_background_t), log);
    if (bg == NULL) {
        return NULL;
    }

    /*
     * Two pools, as for a client: nginx's own teardown destroys the
     * request's and then the connection's.
     */

    bg->pool = ngx_create_pool(2048, log);
    bg->cpool = ngx_create_pool(128, log);
    bg->opool = ngx_create_pool(1024, log);

    if (bg->pool == NULL || bg->cpool == NULL || bg->opool == NULL) {
        goto failed;
    }

    /* nginx's own teardown ends with the connection's pool: see below */

    ccln = ngx_pool_cleanup_add(bg->cpool, 0);
    if (ccln == NULL) {
        goto failed;
    }

    ccln->handler = ngx_http_sg_background_cleanup;
    ccln->data = bg;

    c = &bg->c;

    /* the log: nginx's, with a context of its own ("current_request") */

    bg->log = *ngx_cycle->log;
    bg->log.handler = ngx_http_sg_background_log;
    bg->log.data = &bg->lctx;
    bg->log.action = NULL;

    c->fd = (ngx_socket_t) -1;
    c->log = &bg->log;
    c->pool = bg->cpool;
    c->read = &bg->rev;
    c->write = &bg->wev;
    c->number = ngx_atomic_fetch_add(ngx_connection_counter, 1);
    c->log->connection = c->number;
    c->log_error = NGX_ERROR_INFO;
    c->requests = 1;

    /* no socket options to set (a non-buffered upstream would try) */
    c->tcp_nodelay = NGX_TCP_NODELAY_DISABLED;
    c->tcp_nopush = NGX_TCP_NOPUSH_DISABLED;

    bg->sin.sin_family = AF_INET;
    bg->sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->sockaddr = (struct sockaddr *) &bg->sin;
    c->socklen = sizeof(struct sockaddr_in);
    c->local_sockaddr = c->sockaddr;
    c->local_socklen = c->socklen;
    c->addr_text = ngx_http_sg_background_addr;

    bg->rev.data = c;
    bg->wev.data = c;
    bg->wev.write = 1;
    bg->rev.index = NGX_INVALID_INDEX;
    bg->wev.index = NGX_INVALID_INDEX;
    bg->rev.log = c->log;
    bg->wev.log = c->log;
    bg->rev.handler = ngx_http_sg_background_event;
    bg->wev.handler = ngx_http_sg_background_event;

    /*
     * No socket to register with the event method: both events look
     * registered already (ngx_http_upstream_init() adds the write one,
     * ngx_http_upstream_init_request() the read one, to watch the client).
     */
    bg->rev.active = 1;
    bg->wev.active = 1;

    bg->finish.handler = ngx_http_sg_background_finish;
    bg->finish.data = bg;
    bg->finish.log = c->log;

    r = ngx_pcalloc(bg->pool, sizeof(ngx_http_request_t));
    if (r == NULL) {
        goto failed;
    }

    bg->r = r;

    r->signature = NGX_HTTP_MODULE;
    r->connection = c;
    r->pool = bg->pool;
    r->main = r;
    r->count = 1;

    r->main_conf = ctx->main_conf;
    r->srv_conf = ctx->srv_conf;
    r->loc_conf = ctx->loc_conf;

    r->ctx = ngx_pcalloc(bg->pool, sizeof(void *) * ngx_http_max_module);
    if (r->ctx == NULL) {
        goto failed;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    r->variables = ngx_pcalloc(bg->pool, (cmcf->variables.nelts + 1)
                                         * sizeof(ngx_http_variable_value_t));
    if (r->variables == NULL) {
        goto failed;
    }

    if (ngx_list_init(&r->headers_in.headers, bg->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK
        || ngx_list_init(&r->headers_out.headers, bg->pool, 1,
                         sizeof(ngx_table_elt_t))
           != NGX_OK
        || ngx_list_init(&r->headers_out.trailers, bg->pool, 1,
                         sizeof(ngx_table_elt_t))
           != NGX_OK)
    {
        goto failed;
    }

    cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_set_connection_log(c, clcf->error_log);

    r->headers_in.server = cscf->server_name;
    r->headers_in.content_length_n = -1;
    r->headers_in.keep_alive_n = -1;
    r->headers_out.content_length_n = -1;
    r->headers_out.last_modified_time = -1;

    r->method = NGX_HTTP_POST;
    ngx_str_set(&r->method_name, "POST");
    r->http_version = NGX_HTTP_VERSION_11;
    ngx_str_set(&r->http_protocol, "HTTP/1.1");
    ngx_str_set(&r->schema, "http");

    r->uri_changes = NGX_HTTP_MAX_URI_CHANGES + 1;
    r->subrequests = NGX_HTTP_MAX_SUBREQUESTS + 1;
    r->http_state = NGX_HTTP_PROCESS_REQUEST_STATE;
    r->internal = 1;

    /*
     * Not discard_body: the subrequest inherits it, and a subrequest ended
     * with NGX_DONE would then arm a lingering timer to read from a socket
     * that does not exist.  A subrequest never reads a client body anyway.
     */

    r->start_sec = ngx_time();
    r->start_msec = ngx_current_msec % 1000;

    r->read_event_handler = ngx_http_request_empty_handler;
    r->write_event_handler = ngx_http_sg_background_wake;

    c->data = r;

    bg->lctx.connection = c;
    bg->lctx.request = r;
    bg->lctx.current_request = r;

    return bg;

failed:

    if (bg->pool) {
        ngx_destroy_pool(bg->pool);
    }

    if (bg->cpool) {
        bg->torn_down = 1;      /* its cleanup: nothing to post */
        ngx_destroy_pool(bg->cpool);
    }

    if (bg->opool) {
        ngx_destroy_pool(bg->opool);
    }

    ngx_free(bg);

    return NULL;
}


ngx_pool_t *
ngx_http_sg_background_pool(ngx_http_sg_background_t *bg)
{
    return bg->opool;
}


/* a job made but not to be started after all */

void
ngx_http_sg_background_discard(ngx_http_sg_background_t *bg)
{
    ngx_http_sg_background_free(bg);
}


/*
 * POST body (type content_type, maybe empty; it must live as long as the
 * job: the job's own pool, ngx_http_sg_background_pool()) to uri, a
 * location of the server the job was made for.  NGX_OK: handler will be
 * called once, from the posted events, with the status (0: no answer) and
 * the response body; the job is gone after it returns.  NGX_ERROR:
 * nothing started, the job freed, the handler never called.
 */

ngx_int_t
ngx_http_sg_background_post(ngx_http_sg_background_t *bg, ngx_str_t *uri,
    ngx_str_t *content_type, ngx_str_t *body,
    ngx_http_sg_background_pt handler, void *data)
{
    ngx_http_request_t          *r, *sr;
    ngx_http_sg_bare_t           bare;
    ngx_http_post_subrequest_t  *ps;

    r = bg->r;

    bg->handler = handler;
    bg->data = data;

    bg->uri.len = uri->len;
    bg->uri.data = ngx_pstrdup(bg->pool, uri);
    if (bg->uri.data == NULL) {
        goto failed;
    }

    r->uri = bg->uri;
    r->unparsed_uri = bg->uri;
    r->request_line = bg->uri;

    /* everything allocated before the subrequest exists: then it runs */

    ps = ngx_palloc(bg->pool, sizeof(ngx_http_post_subrequest_t));

    if (ps == NULL
        || ngx_http_sg_bare_post_init(r, &bare, content_type, body) != NGX_OK)
    {
        goto failed;
    }

    ps->handler = ngx_http_sg_background_done;
    ps->data = bg;

    if (ngx_http_subrequest(r, &bg->uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        goto failed;
    }

    ngx_http_sg_bare_post(sr, &bare);

    bg->started = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, &bg->log, 0,
                   "session_guard: background request to \"%V\"", &bg->uri);

    ngx_http_run_posted_requests(&bg->c);

    return NGX_OK;

failed:

    ngx_http_sg_background_free(bg);

    return NGX_ERROR;
}


/* the subrequest's end: the first call decides */

static ngx_int_t
ngx_http_sg_background_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc)
{
    ngx_http_sg_background_t *bg = data;

    ngx_buf_t  *b;

    if (bg->answered || rc == NGX_AGAIN) {
        return rc;
    }

    bg->answered = 1;

    if (rc >= NGX_HTTP_OK) {
        bg->status = (ngx_uint_t) rc;

    } else if (rc == NGX_OK) {
        bg->status = sr->headers_out.status;

    } else {
        bg->status = 0;
    }

    if (sr->connection->error) {
        /* a filter failed (an answer too big to keep): not an answer */
        bg->status = 0;
    }

    b = (sr->out != NULL) ? sr->out->buf : NULL;

    if (b != NULL && rc == NGX_OK && bg->status) {
        bg->body.data = b->pos;
        bg->body.len = b->last - b->pos;
    }

    /*
     * Keep the made-up parent out of nginx's error path and error pages:
     * the status is taken, the subrequest ends like any other.  A filter
     * that failed (an answer over subrequest_output_buffer_size) marked
     * the connection broken: there is no client to break, and nginx would
     * tear the whole made-up request down for it.
     */

    sr->connection->error = 0;

    if (rc == NGX_OK || rc == NGX_DONE) {
        return rc;
    }

    return NGX_OK;
}


/* the parent, woken when the subrequest is over */

static void
ngx_http_sg_background_wake(ngx_http_request_t *r)
{
    ngx_http_sg_background_t  *bg;

    /* the connection is the job's first member */
    bg = (ngx_http_sg_background_t *) r->connection;

    if (bg->finishing) {
        return;
    }

    bg->finishing = 1;

    ngx_post_event(&bg->finish, &ngx_posted_events);
}


/*
 * The connection's pool is destroyed: by nginx's own teardown of the
 * made-up request (it has freed the request's pool already, and is done
 * with the connection), or by ngx_http_sg_background_free().
 */

static void
ngx_http_sg_background_cleanup(void *data)
{
    ngx_http_sg_background_t *bg = data;

    if (bg->torn_down) {
        return;
    }

    bg->torn_down = 1;

    ngx_http_sg_background_quiet(bg);

    bg->finishing = 1;

    if (!bg->finish.posted) {
        ngx_post_event(&bg->finish, &ngx_posted_events);
    }
}


/* a timer nginx set on the connection's events (ngx_http_set_write_handler) */

static void
ngx_http_sg_background_event(ngx_event_t *ev)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    c = ev->data;

    if (c->destroyed) {
        return;
    }

    r = c->data;

    ngx_http_set_log_request(c->log, r);

    if (ev->write) {
        r->write_event_handler(r);

    } else {
        r->read_event_handler(r);
    }

    ngx_http_run_posted_requests(c);
}


static void
ngx_http_sg_background_finish(ngx_event_t *ev)
{
    ngx_http_sg_background_t *bg = ev->data;

    ngx_str_t  body;

    /*
     * What nginx still holds of the request: the subrequest's last steps
     * (never seen), or the background subrequests the handler started
     * (notifications): checked again in a moment, until they are over.
     */

    if (!bg->torn_down && (bg->r->count != 1 || bg->r->postponed)) {

        if (!bg->handled && ++bg->waits == 50) {
            ngx_log_error(NGX_LOG_ALERT, ev->log, 0,
                          "session_guard: background request \"%V\" still "
                          "busy (count %ui)", &bg->uri,
                          (ngx_uint_t) bg->r->count);
        }

        ngx_add_timer(ev, 100);
        return;
    }

    if (!bg->handled) {
        bg->handled = 1;

        if (bg->torn_down) {
            bg->status = 0;
            ngx_str_null(&body);

        } else {
            body = bg->body;
        }

        bg->handler(bg->data, bg->status, &body,
                    bg->torn_down ? NULL : bg->r);

        if (!bg->torn_down && bg->r->count != 1) {
            /* the handler's own subrequests: run them, wait for them */
            ngx_http_run_posted_requests(&bg->c);
            ngx_add_timer(ev, 100);
            return;
        }
    }

    ngx_http_sg_background_free(bg);
}


/* no timer nor posted event of the job's connection or "finish" left */

static void
ngx_http_sg_background_quiet(ngx_http_sg_background_t *bg)
{
    if (bg->rev.timer_set) {
        ngx_del_timer(&bg->rev);
    }

    if (bg->wev.timer_set) {
        ngx_del_timer(&bg->wev);
    }

    if (bg->rev.posted) {
        ngx_delete_posted_event(&bg->rev);
    }

    if (bg->wev.posted) {
        ngx_delete_posted_event(&bg->wev);
    }

    if (bg->finish.timer_set) {
        ngx_del_timer(&bg->finish);
    }
}


static void
ngx_http_sg_background_free(ngx_http_sg_background_t *bg)
{
    ngx_http_cleanup_t  *cln;

    ngx_http_sg_background_quiet(bg);

    if (bg->finish.posted) {
        ngx_delete_posted_event(&bg->finish);
    }

    if (!bg->torn_down) {

        /* what nginx's ngx_http_free_request() would have run */

        cln = bg->r ? bg->r->cleanup : NULL;

        if (bg->r) {
            bg->r->cleanup = NULL;
        }

        while (cln) {
            if (cln->handler) {
                cln->handler(cln->data);
            }

            cln = cln->next;
        }

        bg->torn_down = 1;      /* the cleanup of cpool: nothing to do */

        ngx_destroy_pool(bg->pool);
        ngx_destroy_pool(bg->cpool);
    }

    ngx_destroy_pool(bg->opool);
    ngx_free(bg);
}


static u_char *
ngx_http_sg_background_log(ngx_log_t *log, u_char *buf, size_t len)
{
    u_char              *p;
    ngx_http_request_t  *r, *sr;
    ngx_http_log_ctx_t  *ctx;

    p = buf;

    if (log->action) {
        p = ngx_snprintf(p, len, " while %s", log->action);
        len -= p - buf;
        buf = p;
    }

    ctx = log->data;
    r = ctx->request;
    sr = ctx->current_request;

    if (r == NULL) {
        return p;
    }

    p = ngx_snprintf(buf, len, ", background request: \"%V\"", &r->uri);
    len -= p - buf;
    buf = p;

    if (sr && sr->upstream && sr->upstream->peer.name) {
        p = ngx_snprintf(buf, len, ", upstream: \"%V%V\"",
                         &sr->upstream->schema, sr->upstream->peer.name);
    }

    return p;
}
