
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_jwks_fetch: the identity provider's keys, fetched through
 * an in-memory subrequest to a location of the user's (which proxies to
 * the provider, so TLS, resolver and timeouts stay nginx's), never with a
 * blocking client in the worker.
 *
 * The key cache is per worker: EVP_PKEYs cannot live in shared memory, so
 * every worker must parse the document into its own keys anyway.  The
 * configuration (ngx_http_sg_jwks_fetch_t) is never written at request
 * time; the runtime state (ngx_http_sg_jwks_state_t) is a separate object
 * in the cycle pool, made by init_process in each worker and reached
 * through fetch->state.  Each good fetch makes a new generation: its own
 * pool holds the keys, the previous generation's pool is destroyed (no
 * request holds a key across a phase run), and the generation number is
 * part of the verified-token cache's key-set identity.
 *
 * When a request needs a fetch:
 *   - no keys yet, or the token's kid is in no key: the request cannot be
 *     answered with the current keys, it waits;
 *   - the refresh is due: the request that starts it waits for it, the
 *     others go on with the current keys.
 * At most one fetch per worker is in flight; it is started by a request
 * (its subrequest), and the others that must wait are queued with an event
 * of their own and a timer ("wait="), resumed when the fetch ends.  A new
 * fetch starts at most once per "cooldown" (whatever triggers it), so a
 * flood of tokens with random kids costs the provider at most one fetch
 * per cooldown and worker.  A failed fetch keeps the last good keys, is
 * logged with the location and the reason, and is retried after the
 * cooldown; with no keys at all a request gets 500 (never fails open).
 *
 * With "discover=" a fetch is two subrequests in turn, the discovery
 * document first (ngx_http_sg_jwks_discover.c), then the keys from the
 * jwks_uri it gave ($session_guard_jwks_uri, here); the same request owns
 * both.  What both subrequests share (the body check, a failure recorded,
 * the counters) is in ngx_http_sg_jwks_outcome.c.
 * Fetches are counted, good and failed, in the zone of the location that
 * made them (shared memory, for the metrics), and in each worker's state.
 *
 * Memory: a pool per good fetch (bounded by the fetch rate), request
 * pools otherwise.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_jwks.h"


static ngx_http_output_body_filter_pt  ngx_http_sg_jwks_next_body_filter;


static void ngx_http_sg_jwks_exit(void *data);
static ngx_int_t ngx_http_sg_jwks_has_kid(ngx_array_t *keys, ngx_str_t *kid);
static ngx_http_sg_jwks_wait_t *ngx_http_sg_jwks_get_wait(
    ngx_http_request_t *r, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_jwks_state_t *st);
static ngx_int_t ngx_http_sg_jwks_start(ngx_http_request_t *r,
    ngx_http_sg_jwks_wait_t *w, ngx_uint_t discover);
static void ngx_http_sg_jwks_result(ngx_http_request_t *sr,
    ngx_http_sg_jwks_wait_t *w, ngx_int_t rc);
static ngx_int_t ngx_http_sg_jwks_install(ngx_http_request_t *sr,
    ngx_http_sg_jwks_state_t *st, u_char *data, size_t len,
    const char **reason);
static time_t ngx_http_sg_jwks_max_age(ngx_http_request_t *sr);
static void ngx_http_sg_jwks_wake_all(ngx_http_sg_jwks_state_t *st);
static void ngx_http_sg_jwks_wake(ngx_event_t *ev);
static void ngx_http_sg_jwks_cleanup(void *data);
static ngx_int_t ngx_http_sg_jwks_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_sg_jwks_uri_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_sg_jwks_uri(ngx_http_request_t *r, ngx_str_t *uri);


static ngx_http_variable_t  ngx_http_sg_jwks_vars[] = {

    { ngx_string("session_guard_jwks_uri"), NULL,
      ngx_http_sg_jwks_uri_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


/*
 * NGX_OK with the keys to verify with (and their generation), NGX_AGAIN
 * when the request waits for a fetch (its phase runs again after it),
 * NGX_ERROR when there are no keys (logged).
 */

ngx_int_t
ngx_http_sg_jwks_keys(ngx_http_request_t *r, ngx_http_sg_jwks_fetch_t *fetch,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *kid, ngx_array_t **keys,
    ngx_uint_t *generation)
{
    time_t                     now;
    ngx_int_t                  rc;
    ngx_uint_t                 need, must_wait;
    ngx_http_sg_jwks_wait_t   *w;
    ngx_http_sg_jwks_state_t  *st;

    st = fetch->state;

    if (st == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: no key cache for \"%V\" in this "
                      "process", &fetch->uri);
        return NGX_ERROR;
    }

    w = ctx->jwks_wait;

    if (w && st->owner == w && w->keys_next) {
        /* the discovery ended: now the keys, from the jwks_uri it gave */
        w->keys_next = 0;

        if (ngx_http_sg_jwks_start(r, w, 0) == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        /* could not start it (logged): the current keys, if any */
        goto current;
    }

    if (w && (w->queued || (st->owner == w))) {
        /* run again before the fetch it waits for ended */
        return NGX_AGAIN;
    }

    now = ngx_time();
    need = 0;
    must_wait = 0;

    if (st->keys == NULL) {
        need = 1;
        must_wait = 1;

    } else if (kid->len && !ngx_http_sg_jwks_has_kid(st->keys, kid)) {
        /* perhaps a key the provider has just added */
        need = 1;
        must_wait = 1;

    } else if (now >= st->expires) {
        need = 1;
    }

    if (need && (w == NULL || !w->fetched)) {

        if (st->owner) {
            if (must_wait) {
                w = ngx_http_sg_jwks_get_wait(r, ctx, st);
                if (w == NULL) {
                    return NGX_ERROR;
                }

                ngx_queue_insert_tail(&st->waiters, &w->queue);
                w->queued = 1;
                w->fetched = 1;

                ngx_add_timer(&w->event, fetch->wait);

                r->write_event_handler = ngx_http_request_empty_handler;
                r->read_event_handler = ngx_http_test_reading;

                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                               "session_guard: waits for jwks \"%V\"",
                               &fetch->uri);

                return NGX_AGAIN;
            }

        } else if (st->started == 0 || now >= st->started + fetch->cooldown) {
            w = ngx_http_sg_jwks_get_wait(r, ctx, st);
            if (w == NULL) {
                return NGX_ERROR;
            }

            rc = ngx_http_sg_jwks_start(r, w, fetch->discover.len != 0);

            if (rc == NGX_AGAIN) {
                return NGX_AGAIN;
            }

            /* could not start it (logged): the current keys, if any */
        }
    }

current:

    if (st->keys == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: no keys from jwks \"%V\": \"%V\"",
                      &fetch->uri, &st->error);
        return NGX_ERROR;
    }

    *keys = st->keys;
    *generation = st->generation;

    return NGX_OK;
}


/*
 * The generation of the worker's current keys while they may serve
 * without a fetch, for the verified-token cache; 0 when there are none or
 * a refresh is due (the request then goes through ngx_http_sg_jwks_keys()).
 */

ngx_uint_t
ngx_http_sg_jwks_current(ngx_http_sg_jwks_fetch_t *fetch)
{
    ngx_http_sg_jwks_state_t  *st;

    st = fetch->state;

    if (st == NULL || st->keys == NULL || ngx_time() >= st->expires) {
        return 0;
    }

    return st->generation;
}


static ngx_int_t
ngx_http_sg_jwks_has_kid(ngx_array_t *keys, ngx_str_t *kid)
{
    ngx_uint_t     i;
    ngx_sg_key_t  *key;

    key = keys->elts;

    for (i = 0; i < keys->nelts; i++) {
        if (key[i].kid.len == kid->len
            && ngx_memcmp(key[i].kid.data, kid->data, kid->len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_http_sg_jwks_wait_t *
ngx_http_sg_jwks_get_wait(ngx_http_request_t *r, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_jwks_state_t *st)
{
    ngx_pool_cleanup_t       *cln;
    ngx_http_sg_loc_conf_t   *slcf;
    ngx_http_sg_jwks_wait_t  *w;

    if (ctx->jwks_wait) {
        return ctx->jwks_wait;
    }

    w = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_jwks_wait_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (w == NULL || cln == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: out of memory");
        return NULL;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    w->request = r;
    w->state = st;
    w->zone = slcf->zone;

    w->event.handler = ngx_http_sg_jwks_wake;
    w->event.data = w;
    w->event.log = r->connection->log;

    cln->handler = ngx_http_sg_jwks_cleanup;
    cln->data = w;

    ctx->jwks_wait = w;

    return w;
}


/*
 * A fetch is one subrequest, or two with "discover=": the discovery
 * document first, then (when the request runs its phases again, as the
 * first ended) the keys from the jwks_uri it gave; the request owns the
 * fetch from the first start to the end of the last.
 */

static ngx_int_t
ngx_http_sg_jwks_start(ngx_http_request_t *r, ngx_http_sg_jwks_wait_t *w,
    ngx_uint_t discover)
{
    ngx_str_t                   *uri, *args;
    ngx_http_request_t          *sr;
    ngx_http_sg_bare_t           bare;
    ngx_http_request_body_t     *rb;
    ngx_http_sg_jwks_fetch_t    *f;
    ngx_http_sg_jwks_state_t    *st;
    ngx_http_post_subrequest_t  *ps;

    st = w->state;
    f = st->conf;

    if (st->owner != w) {
        /* the cooldown counts from every start, good or bad */
        st->started = ngx_time();
        w->fetched = 1;
    }

    uri = discover ? &f->discover : &f->uri;
    args = discover ? &f->discover_args : &f->args;

    w->discovering = discover;
    ngx_memzero(&w->body, sizeof(ngx_http_sg_body_limit_t));

    /* all allocated first: once created, the subrequest runs */

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    rb = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));

    if (ps == NULL || rb == NULL || ngx_http_sg_bare_init(r, &bare) != NGX_OK)
    {
        ngx_http_sg_jwks_fail(r->connection->log, w, 1, "out of memory");
        goto failed;
    }

    ps->handler = ngx_http_sg_jwks_done;
    ps->data = w;

    if (ngx_http_subrequest(r, uri, args->len ? args : NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        ngx_http_sg_jwks_fail(r->connection->log, w, 1,
                              "cannot create a subrequest");
        goto failed;
    }

    st->owner = w;
    w->sr = sr;

    /* a GET without the client's body, headers or variables */

    sr->request_body = rb;
    ngx_http_sg_bare_apply(sr, &bare);

    sr->method = NGX_HTTP_GET;
    ngx_str_set(&sr->method_name, "GET");
    sr->header_only = 0;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "session_guard: fetching %s \"%V\"",
                   discover ? "discovery" : "jwks", uri);

    return NGX_AGAIN;

failed:

    if (st->owner == w) {
        /* after a discovery: the others waited for this fetch */
        st->owner = NULL;
        ngx_http_sg_jwks_wake_all(st);
    }

    return NGX_ERROR;
}


/*
 * The subrequest ended (this may be called twice for one subrequest, the
 * second time after an error page: only the first counts).  Errors of the
 * fetch are not the client's request's: NGX_OK lets it go on, with the
 * last good keys or a 500 of its own.
 */

ngx_int_t
ngx_http_sg_jwks_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_sg_jwks_wait_t *w = data;

    ngx_http_sg_jwks_state_t  *st;

    st = w->state;

    if (st->owner != w || w->sr != sr) {
        return NGX_OK;
    }

    w->sr = NULL;

    if (w->discovering) {
        w->discovering = 0;

        ngx_http_sg_jwks_discovery(sr, w, rc);

        if (st->jwks_uri.len) {
            /* the request runs its phases again and fetches the keys */
            w->keys_next = 1;
            goto done;
        }

        /* nowhere to fetch keys from (logged) */
        st->owner = NULL;
        ngx_http_sg_jwks_wake_all(st);
        goto done;
    }

    st->owner = NULL;

    ngx_http_sg_jwks_result(sr, w, rc);

    ngx_http_sg_jwks_wake_all(st);

done:

    if (rc == NGX_ERROR && sr->connection->error) {
        return rc;
    }

    return NGX_OK;
}


static void
ngx_http_sg_jwks_result(ngx_http_request_t *sr, ngx_http_sg_jwks_wait_t *w,
    ngx_int_t rc)
{
    size_t                        len;
    u_char                       *data;
    const char                   *reason;
    ngx_http_sg_jwks_fetch_t     *f;
    ngx_http_sg_jwks_state_t     *st;
    ngx_http_sg_zone_counters_t  *c;
    u_char                        buf[NGX_HTTP_SG_JWKS_ERROR_LEN];

    st = w->state;
    f = st->conf;

    if (ngx_http_sg_jwks_body(sr, w, rc, &data, &len, buf, sizeof(buf))
        != NGX_OK)
    {
        ngx_http_sg_jwks_fail(sr->connection->log, w, 1, "%s", buf);
        return;
    }

    reason = "invalid";

    if (ngx_http_sg_jwks_install(sr, st, data, len, &reason) != NGX_OK) {
        ngx_http_sg_jwks_fail(sr->connection->log, w, 1, "%s", reason);
        return;
    }

    st->ok++;
    st->error.len = 0;

    c = ngx_http_sg_zone_counters(w->zone);

    if (c) {
        ngx_http_sg_jwks_count(c->jwks_fetches, 0);
    }

    ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                  "session_guard: jwks \"%V\" fetched: %ui keys, "
                  "next refresh in %T s", &f->uri, st->keys->nelts,
                  st->expires - st->fetched);
}


static ngx_int_t
ngx_http_sg_jwks_install(ngx_http_request_t *sr, ngx_http_sg_jwks_state_t *st,
    u_char *data, size_t len, const char **reason)
{
    time_t        ttl;
    ngx_int_t     rc;
    ngx_pool_t   *pool;
    ngx_array_t  *keys;

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, ngx_cycle->log);
    if (pool == NULL) {
        *reason = "out of memory";
        return NGX_ERROR;
    }

    keys = ngx_array_create(pool, 4, sizeof(ngx_sg_key_t));
    if (keys == NULL) {
        *reason = "out of memory";
        goto failed;
    }

    rc = ngx_sg_jwks_import(pool, sr->connection->log, data, len, keys,
                            reason);

    if (rc == NGX_ERROR) {
        *reason = "internal error while importing keys";
        goto failed;
    }

    if (rc != NGX_OK) {
        goto failed;
    }

    if (keys->nelts > st->conf->max_keys) {
        *reason = "more usable keys than max_keys";
        goto failed;
    }

    if (st->pool) {
        ngx_destroy_pool(st->pool);
    }

    ttl = ngx_http_sg_jwks_max_age(sr);

    if (ttl < 0) {
        ttl = st->conf->refresh;
    }

    if (ttl < st->conf->min_refresh) {
        ttl = st->conf->min_refresh;
    }

    if (ttl > st->conf->max_refresh) {
        ttl = st->conf->max_refresh;
    }

    st->pool = pool;
    st->keys = keys;
    st->generation++;
    st->fetched = ngx_time();
    st->expires = st->fetched + ttl;

    return NGX_OK;

failed:

    ngx_destroy_pool(pool);

    return NGX_DECLINED;
}


/*
 * Cache-Control of the response: max-age in seconds, 0 for no-cache and
 * no-store, -1 when there is none (or it cannot be read).
 */

static time_t
ngx_http_sg_jwks_max_age(ngx_http_request_t *sr)
{
    u_char                     *p, *last;
    time_t                      age, n;
    ngx_table_elt_t            *h;
    ngx_http_sg_header_iter_t   it;

    static ngx_str_t  name = ngx_string("Cache-Control");

    age = -1;
    ngx_memzero(&it, sizeof(ngx_http_sg_header_iter_t));

    while ((h = ngx_http_sg_header_next(&sr->headers_out.headers, &name, &it)))
    {
        p = h->value.data;
        last = p + h->value.len;

        while (p < last) {

            while (p < last && (*p == ' ' || *p == ',' || *p == '\t')) {
                p++;
            }

            if (last - p >= 8
                && (ngx_strncasecmp(p, (u_char *) "no-cache", 8) == 0
                    || ngx_strncasecmp(p, (u_char *) "no-store", 8) == 0))
            {
                return 0;
            }

            if (last - p > 8
                && ngx_strncasecmp(p, (u_char *) "max-age=", 8) == 0)
            {
                p += 8;
                n = 0;

                while (p < last && *p >= '0' && *p <= '9') {
                    if (n < NGX_SG_TIME_MAX / 10) {
                        n = n * 10 + (*p - '0');
                    }

                    p++;
                }

                age = n;
                continue;
            }

            while (p < last && *p != ',') {
                p++;
            }
        }
    }

    return age;
}


static void
ngx_http_sg_jwks_wake_all(ngx_http_sg_jwks_state_t *st)
{
    ngx_queue_t              *q;
    ngx_http_sg_jwks_wait_t  *w;

    while (!ngx_queue_empty(&st->waiters)) {
        q = ngx_queue_head(&st->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_sg_jwks_wait_t, queue);
        w->queued = 0;

        if (w->event.timer_set) {
            ngx_del_timer(&w->event);
        }

        ngx_post_event(&w->event, &ngx_posted_events);
    }
}


/* a waiting request resumes: the fetch ended, or it waited long enough */

static void
ngx_http_sg_jwks_wake(ngx_event_t *ev)
{
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_sg_jwks_wait_t  *w;

    w = ev->data;
    r = w->request;
    c = r->connection;

    if (w->queued) {
        ngx_queue_remove(&w->queue);
        w->queued = 0;

        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "session_guard: waited too long for jwks \"%V\"",
                      &w->state->conf->uri);
    }

    if (ev->timer_set) {
        ngx_del_timer(ev);
    }

    ngx_http_set_log_request(c->log, r);

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;

    ngx_http_core_run_phases(r);

    ngx_http_run_posted_requests(c);
}


static void
ngx_http_sg_jwks_cleanup(void *data)
{
    ngx_http_sg_jwks_wait_t *w = data;

    ngx_http_sg_jwks_state_t  *st;

    st = w->state;

    if (w->queued) {
        ngx_queue_remove(&w->queue);
        w->queued = 0;
    }

    if (w->event.timer_set) {
        ngx_del_timer(&w->event);
    }

    if (w->event.posted) {
        ngx_delete_posted_event(&w->event);
    }

    if (st->owner == w) {
        /* its subrequest never ended (the request was terminated) */
        st->owner = NULL;
        ngx_http_sg_jwks_fail(ngx_cycle->log, w, 1, "fetch abandoned");
        ngx_http_sg_jwks_wake_all(st);
    }
}


/* the body of a fetch, against max_size (ngx_http_sg_body_limit()) */

ngx_int_t
ngx_http_sg_jwks_filter_init(ngx_conf_t *cf)
{
    ngx_http_sg_jwks_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_sg_jwks_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_jwks_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_sg_jwks_wait_t  *w;

    if (r != r->main
        && r->post_subrequest
        && r->post_subrequest->handler == ngx_http_sg_jwks_done)
    {
        w = r->post_subrequest->data;
        ngx_http_sg_body_limit(r, in, &w->body, w->state->conf->max_size);
    }

    return ngx_http_sg_jwks_next_body_filter(r, in);
}


/* each worker's key cache for each "session_guard_jwks_fetch" */

ngx_int_t
ngx_http_sg_jwks_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                  i;
    ngx_pool_cleanup_t         *cln;
    ngx_http_sg_jwks_fetch_t  **fp;
    ngx_http_sg_jwks_state_t   *st;
    ngx_http_sg_main_conf_t    *smcf;

    smcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_session_guard_module);

    if (smcf == NULL || smcf->fetches == NULL) {
        return NGX_OK;
    }

    fp = smcf->fetches->elts;

    for (i = 0; i < smcf->fetches->nelts; i++) {
        st = ngx_pcalloc(cycle->pool, sizeof(ngx_http_sg_jwks_state_t));
        if (st == NULL) {
            return NGX_ERROR;
        }

        /* the current generation goes with the process's cycle */

        cln = ngx_pool_cleanup_add(cycle->pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        cln->handler = ngx_http_sg_jwks_exit;
        cln->data = st;

        st->conf = fp[i];
        ngx_queue_init(&st->waiters);
        ngx_str_set(&st->error, "not fetched yet");

        fp[i]->state = st;
    }

    return NGX_OK;
}


static void
ngx_http_sg_jwks_exit(void *data)
{
    ngx_http_sg_jwks_state_t  *st = data;

    if (st->pool) {
        ngx_destroy_pool(st->pool);
        st->pool = NULL;
        st->keys = NULL;
    }
}


ngx_int_t
ngx_http_sg_jwks_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_jwks_vars);
}


/*
 * The jwks_uri last discovered: in the key fetch's own subrequest (the
 * per-worker state it fetches for), or in a location that has a
 * discovering fetch (say, for a log); not found otherwise.
 */

static ngx_int_t
ngx_http_sg_jwks_uri_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  uri;

    if (ngx_http_sg_jwks_uri(r, &uri) != NGX_OK) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = uri.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = uri.data;

    return NGX_OK;
}


/*
 * An endpoint of the discovery document, for session_guard_oidc
 * (NGX_HTTP_SG_JWKS_AUTHORIZE, _END_SESSION): NGX_OK with it; NGX_DECLINED
 * the document had none; NGX_AGAIN this worker has no document yet (a key
 * fetch gets one).
 */

ngx_int_t
ngx_http_sg_jwks_endpoint(ngx_http_sg_jwks_fetch_t *fetch, ngx_uint_t which,
    ngx_str_t *url)
{
    ngx_http_sg_jwks_state_t  *st;

    st = fetch->state;

    if (st == NULL || st->jwks_uri.len == 0) {
        return NGX_AGAIN;
    }

    *url = (which == NGX_HTTP_SG_JWKS_AUTHORIZE) ? st->authorize
                                                 : st->end_session;

    return url->len ? NGX_OK : NGX_DECLINED;
}


/*
 * The jwks_uri for $session_guard_jwks_uri: in a fetch's own subrequest,
 * from the per-worker state it fetches for; elsewhere, from the
 * location's fetch.  NGX_OK, or NGX_DECLINED when none was discovered.
 */

static ngx_int_t
ngx_http_sg_jwks_uri(ngx_http_request_t *r, ngx_str_t *uri)
{
    ngx_http_sg_loc_conf_t    *slcf;
    ngx_http_sg_jwks_wait_t   *w;
    ngx_http_sg_jwks_state_t  *st;

    st = NULL;

    if (r != r->main
        && r->post_subrequest
        && r->post_subrequest->handler == ngx_http_sg_jwks_done)
    {
        w = r->post_subrequest->data;
        st = w->state;

    } else {
        slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

        if (slcf->fetch) {
            st = slcf->fetch->state;
        }
    }

    if (st == NULL || st->jwks_uri.len == 0) {
        return NGX_DECLINED;
    }

    *uri = st->jwks_uri;

    return NGX_OK;
}
