
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * What the key fetch (ngx_http_sg_jwks.c) and the discovery
 * (ngx_http_sg_jwks_discover.c) share about a subrequest's outcome: its
 * body checked, a failure recorded in the per-worker state, and the
 * zone's counters.  The fetch calls the discovery; both call this file,
 * which calls neither.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_jwks.h"


/*
 * The body of a good response to a fetch's subrequest: NGX_OK, or
 * NGX_DECLINED with why in buf (a C string).
 */

ngx_int_t
ngx_http_sg_jwks_body(ngx_http_request_t *sr, ngx_http_sg_jwks_wait_t *w,
    ngx_int_t rc, u_char **data, size_t *len, u_char *buf, size_t size)
{
    u_char      *p, *last;
    ngx_uint_t   status;

    status = sr->headers_out.status;
    last = buf + size - 1;

    if (rc == NGX_ERROR || rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        /* the location's own error says why: a timeout, no upstream... */
        p = ngx_slprintf(buf, last, "subrequest failed (%i)", rc);
        goto failed;
    }

    if (status != NGX_HTTP_OK) {
        p = ngx_slprintf(buf, last, "status %ui", status);
        goto failed;
    }

    if (w->body.too_large) {
        p = ngx_slprintf(buf, last, "response larger than %uz bytes "
                         "(max_size=%uz, subrequest_output_buffer_size)",
                         w->body.limit, w->state->conf->max_size);
        goto failed;
    }

    if (sr->out == NULL || sr->out->buf == NULL) {
        *data = NULL;
        *len = 0;

    } else {
        *data = sr->out->buf->pos;
        *len = sr->out->buf->last - sr->out->buf->pos;
    }

    if (*len == 0) {
        p = ngx_cpymem(buf, "empty response", sizeof("empty response") - 1);
        goto failed;
    }

    return NGX_OK;

failed:

    *p = '\0';

    return NGX_DECLINED;
}


/* a fetch failed: recorded, counted and, when log_it, logged */

void
ngx_http_sg_jwks_fail(ngx_log_t *log, ngx_http_sg_jwks_wait_t *w,
    ngx_uint_t log_it, const char *fmt, ...)
{
    u_char                       *p;
    va_list                       args;
    ngx_http_sg_jwks_state_t     *st;
    ngx_http_sg_zone_counters_t  *c;

    st = w->state;

    va_start(args, fmt);
    p = ngx_vslprintf(st->error_buf,
                      st->error_buf + NGX_HTTP_SG_JWKS_ERROR_LEN, fmt, args);
    va_end(args);

    st->error.data = st->error_buf;
    st->error.len = p - st->error_buf;
    st->failed++;

    c = ngx_http_sg_zone_counters(w->zone);

    if (c) {
        ngx_http_sg_jwks_count(c->jwks_fetches, 1);
    }

    /* the next request after the cooldown tries again */
    st->expires = 0;

    if (!log_it) {
        return;
    }

    if (st->keys) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "session_guard: jwks fetch from \"%V\" failed: \"%V\","
                      " keeping %ui keys fetched %T s ago (%ui failed, "
                      "%ui ok)", &st->conf->uri, &st->error, st->keys->nelts,
                      ngx_time() - st->fetched, st->failed, st->ok);

    } else {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "session_guard: jwks fetch from \"%V\" failed: \"%V\","
                      " no keys (%ui failed, %ui ok)", &st->conf->uri,
                      &st->error, st->failed, st->ok);
    }
}


/*
 * The zone's shared counters of the location that made the fetch
 * ([0] good, [1] failed): the fetch state is per worker, the metrics
 * location may be served by any.
 */

void
ngx_http_sg_jwks_count(ngx_atomic_t *counters, ngx_uint_t failed)
{
    (void) ngx_atomic_fetch_add(&counters[failed ? 1 : 0], 1);
}
