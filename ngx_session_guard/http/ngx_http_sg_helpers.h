
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_HELPERS_H_INCLUDED_
#define _NGX_HTTP_SG_HELPERS_H_INCLUDED_


/*
 * nginx helpers any part of the module may use, with no policy of their
 * own (the http/ folder): bounded output and log values, header lines, the
 * request context, variables, subrequests without the client's request, and
 * directive values.  Included by ngx_http_sg.h.
 */


/*
 * ngx_http_sg_out.c: output that holds client values (JSON bodies sized by
 * the code that writes them, values for the error log)
 */
typedef struct {
    u_char                     *pos;        /* NULL: measuring */
    u_char                     *end;
    size_t                      len;        /* written, or to be */
    ngx_uint_t                  overflow;
} ngx_http_sg_out_t;

typedef void (*ngx_http_sg_out_pt)(ngx_http_sg_out_t *out, void *data);

#define ngx_http_sg_out_lit(out, s)                                          \
    ngx_http_sg_out_raw(out, (u_char *) s, sizeof(s) - 1)

ngx_int_t ngx_http_sg_out_build(ngx_pool_t *pool, ngx_http_sg_out_pt build,
    void *data, ngx_str_t *res);
void ngx_http_sg_out_raw(ngx_http_sg_out_t *out, u_char *data, size_t len);
void ngx_http_sg_out_json(ngx_http_sg_out_t *out, ngx_str_t *s);
void ngx_http_sg_out_fmt(ngx_http_sg_out_t *out, const char *fmt, ...);
void ngx_http_sg_out_details(ngx_http_sg_out_t *out, ngx_sg_details_t *d);
ngx_str_t *ngx_http_sg_log_str(ngx_http_request_t *r, ngx_str_t *s);
ngx_str_t *ngx_http_sg_log_str_pool(ngx_pool_t *pool, ngx_str_t *s);

/* ngx_http_sg_headers.c: reading header lines */
typedef struct {
    ngx_list_part_t            *part;
    ngx_uint_t                  i;
} ngx_http_sg_header_iter_t;

ngx_table_elt_t *ngx_http_sg_header_next(ngx_list_t *list, ngx_str_t *name,
    ngx_http_sg_header_iter_t *it);
ngx_uint_t ngx_http_sg_cookie_count(ngx_http_request_t *r, ngx_str_t *name);
ngx_uint_t ngx_http_sg_cookie_find(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value);

/* ngx_http_sg_ctx.c: the request context, kept in the main request */
ngx_http_sg_ctx_t *ngx_http_sg_get_ctx(ngx_http_request_t *r);
ngx_http_sg_ctx_t *ngx_http_sg_ensure_ctx(ngx_http_request_t *r);

/* ngx_http_sg_variables.c */
ngx_int_t ngx_http_sg_register_variables(ngx_conf_t *cf,
    ngx_http_variable_t *vars);
ngx_int_t ngx_http_sg_value(ngx_http_variable_value_t *v, u_char *data,
    size_t len);
ngx_int_t ngx_http_sg_add_variables(ngx_conf_t *cf);

/* ngx_http_sg_subrequest.c: subrequests without the client's request */
typedef struct {
    ngx_list_t                  headers;
    ngx_http_variable_value_t  *variables;
    ngx_http_request_body_t    *body;       /* a POST's; else NULL */
} ngx_http_sg_bare_t;

ngx_int_t ngx_http_sg_bare_init(ngx_http_request_t *r,
    ngx_http_sg_bare_t *bare);
void ngx_http_sg_bare_apply(ngx_http_request_t *sr, ngx_http_sg_bare_t *bare);
ngx_int_t ngx_http_sg_bare_post_init(ngx_http_request_t *r,
    ngx_http_sg_bare_t *bare, ngx_str_t *type, ngx_str_t *body);
void ngx_http_sg_bare_post(ngx_http_request_t *sr, ngx_http_sg_bare_t *bare);

/*
 * The body of an in-memory subrequest, counted before nginx's buffer
 * (ngx_http_sg_body_limit(), from a body filter): past the limit, the
 * rest is dropped and too_large set, so that the fetch fails cleanly
 * instead of nginx failing the client's request.  Zeroed to start.
 */
typedef struct {
    size_t                      received;   /* body bytes so far */
    size_t                      limit;      /* bytes allowed */
    ngx_uint_t                  seen:1;     /* the filter saw it */
    ngx_uint_t                  too_large:1;
} ngx_http_sg_body_limit_t;

void ngx_http_sg_body_limit(ngx_http_request_t *sr, ngx_chain_t *in,
    ngx_http_sg_body_limit_t *bl, size_t max);

/*
 * A request that waits, without blocking the worker, for a background
 * subrequest of the module's (a risk service's answer, a token endpoint's):
 * the first member of the waiter's own state, so that the event's data is
 * both.  ngx_http_sg_wait_arm() once the subrequest exists: the deadline
 * (whose handler ends with ngx_http_sg_wait_wake()), the client's events
 * muted, the clean-up; ngx_http_sg_wait_ended() when the subrequest ends
 * first; ngx_http_sg_wait_take() when the request runs again and takes
 * the outcome (one wake-up only).
 */
typedef struct {
    ngx_http_request_t         *request;
    ngx_http_request_t         *sr;         /* in flight; NULL: ended */
    ngx_event_t                 event;      /* the deadline, the wake-up */
    ngx_uint_t                  used;       /* its outcome was taken */
    ngx_msec_t                  started;
} ngx_http_sg_wait_t;

void ngx_http_sg_wait_arm(ngx_http_sg_wait_t *w, ngx_http_request_t *sr,
    ngx_msec_t timeout, ngx_event_handler_pt on_timeout,
    ngx_pool_cleanup_t *cln);
void ngx_http_sg_wait_ended(ngx_http_sg_wait_t *w);
void ngx_http_sg_wait_wake(ngx_event_t *ev);
void ngx_http_sg_wait_take(ngx_http_sg_wait_t *w);


/*
 * ngx_http_sg_background.c: a POST to a location of a server's with no
 * client request behind it (from a timer).  The handler is called once,
 * from the posted events, with the status (0: no answer), the response
 * body (an in-memory subrequest: subrequest_output_buffer_size bounds it)
 * and the made-up main request (its pool, its log; it may start background
 * subrequests of its own, which the job then waits for); the job is freed
 * once it returns and they are over.
 */
typedef struct ngx_http_sg_background_s  ngx_http_sg_background_t;

typedef void (*ngx_http_sg_background_pt)(void *data, ngx_uint_t status,
    ngx_str_t *body, ngx_http_request_t *r);

ngx_http_sg_background_t *ngx_http_sg_background_create(
    ngx_http_conf_ctx_t *ctx, ngx_log_t *log);
ngx_pool_t *ngx_http_sg_background_pool(ngx_http_sg_background_t *bg);
void ngx_http_sg_background_discard(ngx_http_sg_background_t *bg);
ngx_int_t ngx_http_sg_background_post(ngx_http_sg_background_t *bg,
    ngx_str_t *uri, ngx_str_t *content_type, ngx_str_t *body,
    ngx_http_sg_background_pt handler, void *data);

/*
 * ngx_http_sg_conf_value.c: a directive's value compiled as a complex
 * value, or read from the file it names (for every *_conf.c)
 */
char *ngx_http_sg_compile(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t **cvp);
ngx_int_t ngx_http_sg_read_file(ngx_conf_t *cf, const char *who,
    ngx_str_t *name, size_t max, ngx_str_t *out);


#endif /* _NGX_HTTP_SG_HELPERS_H_INCLUDED_ */
