
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Failure throttling at the edge:
 *
 *   session_guard_throttle_zone zone=NAME:SIZE [address=N/PERIOD|off]
 *       [subject=N/PERIOD|off] [block=TIME] [status=429|403]      (http)
 *   session_guard_throttle NAME | off           (http, server, location)
 *
 * The refusals of a location with a throttle zone are counted per client
 * address (the /64 of IPv6) and, for a token whose signature and claims
 * are valid, per subject; a source that reaches its limit is refused for
 * "block", before anything else is checked, so that guessing tokens or
 * cookies, or replaying revoked ones, is slowed at the edge.  Counted:
 * INVALID (a bad token, proof or cookie), REVOKED and EXPIRED; not a
 * request without any credential, a step-up, a policy deny or a limit.
 * The counters live in zone/ngx_http_sg_throttle_shm.c.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_THROTTLE_LIMIT_MAX   1000000
#define NGX_HTTP_SG_THROTTLE_TIME_MAX    (7 * 86400)


static char *ngx_http_sg_throttle_rule(ngx_conf_t *cf, ngx_str_t *value,
    ngx_sg_throttle_rule_t *rule);
static size_t ngx_http_sg_throttle_address_key(ngx_http_request_t *r,
    u_char *key);
static ngx_uint_t ngx_http_sg_throttle_suspect(ngx_http_sg_ctx_t *ctx);
static ngx_int_t ngx_http_sg_throttle_subject_key(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, u_char *key, size_t *len, ngx_str_t *sub);
static ngx_int_t ngx_http_sg_throttle_refuse(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, u_char *key,
    size_t len, ngx_str_t *sub);
static void ngx_http_sg_throttle_fail_one(ngx_http_request_t *r,
    ngx_http_sg_throttle_t *t, u_char *key, size_t len, ngx_str_t *sub);


/* session_guard_throttle_zone zone=NAME:SIZE ... */

char *
ngx_http_sg_throttle_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char                  *p;
    ssize_t                  size;
    time_t                   block;
    ngx_str_t               *value, name, s;
    ngx_uint_t               i, status;
    ngx_sg_throttle_rule_t   address, subject, *rule;
    ngx_http_sg_throttle_t  *t;

    value = cf->args->elts;

    ngx_str_null(&name);
    size = 0;
    status = NGX_HTTP_TOO_MANY_REQUESTS;
    block = 600;

    address.limit = 30;
    address.period = 60;
    subject.limit = 0;
    subject.period = 60;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {
            name.data = value[i].data + 5;
            p = (u_char *) ngx_strchr(name.data, ':');

            if (p == NULL || p == name.data) {
                goto invalid;
            }

            name.len = p - name.data;

            s.data = p + 1;
            s.len = value[i].data + value[i].len - s.data;

            size = ngx_parse_size(&s);

            if (size == NGX_ERROR) {
                goto invalid;
            }

            if (size < (ssize_t) (8 * ngx_pagesize)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "throttle zone \"%V\" is too small",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        rule = (ngx_strncmp(value[i].data, "address=", 8) == 0) ? &address
               : (ngx_strncmp(value[i].data, "subject=", 8) == 0) ? &subject
               : NULL;

        if (rule) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            if (ngx_http_sg_throttle_rule(cf, &s, rule) != NGX_CONF_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "block=", 6) == 0) {
            s.data = value[i].data + 6;
            s.len = value[i].len - 6;

            block = ngx_parse_time(&s, 1);

            if (block == (time_t) NGX_ERROR || block < 1
                || block > NGX_HTTP_SG_THROTTLE_TIME_MAX)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "status=429") == 0) {
            status = NGX_HTTP_TOO_MANY_REQUESTS;
            continue;
        }

        if (ngx_strcmp(value[i].data, "status=403") == 0) {
            status = NGX_HTTP_FORBIDDEN;
            continue;
        }

        goto invalid;
    }

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have the \"zone\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (address.limit == 0 && subject.limit == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "throttle zone \"%V\" counts nothing: "
                           "\"address\" and \"subject\" are both off",
                           &name);
        return NGX_CONF_ERROR;
    }

    t = ngx_http_sg_throttle_add(cf, &name, 0);
    if (t == NULL) {
        return NGX_CONF_ERROR;
    }

    if (t->shm_zone) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate throttle zone \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_throttle_add(cf, &name, size) == NULL) {
        return NGX_CONF_ERROR;
    }

    address.block = block;
    subject.block = block;

    t->address = address;
    t->subject = subject;
    t->status = status;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/* "N/PERIOD" (a number of failures, a time) or "off" */

static char *
ngx_http_sg_throttle_rule(ngx_conf_t *cf, ngx_str_t *value,
    ngx_sg_throttle_rule_t *rule)
{
    u_char     *slash;
    time_t      period;
    ngx_int_t   n;
    ngx_str_t   s;

    if (value->len == 3 && ngx_strncmp(value->data, "off", 3) == 0) {
        rule->limit = 0;
        return NGX_CONF_OK;
    }

    slash = ngx_strlchr(value->data, value->data + value->len, '/');

    if (slash == NULL) {
        return NGX_CONF_ERROR;
    }

    n = ngx_atoi(value->data, slash - value->data);

    if (n == NGX_ERROR || n < 1 || n > NGX_HTTP_SG_THROTTLE_LIMIT_MAX) {
        return NGX_CONF_ERROR;
    }

    s.data = slash + 1;
    s.len = value->data + value->len - s.data;

    period = ngx_parse_time(&s, 1);

    if (period == (time_t) NGX_ERROR || period < 1
        || period > NGX_HTTP_SG_THROTTLE_TIME_MAX)
    {
        return NGX_CONF_ERROR;
    }

    rule->limit = n;
    rule->period = period;

    return NGX_CONF_OK;
}


/* session_guard_throttle NAME | off */

char *
ngx_http_sg_throttle(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->edge.throttle != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        slcf->edge.throttle = NULL;
        return NGX_CONF_OK;
    }

    slcf->edge.throttle = ngx_http_sg_throttle_add(cf, &value[1], 0);

    if (slcf->edge.throttle == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * Before anything else: is the client address refused?  NGX_OK: no;
 * else the status to answer with, ctx->status THROTTLED.
 */

ngx_int_t
ngx_http_sg_throttle_address(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    size_t                   len;
    u_char                   key[NGX_HTTP_SG_THROTTLE_KEY_MAX];
    ngx_http_sg_throttle_t  *t;

    t = slcf->edge.throttle;

    if (t == NULL || t->address.limit == 0) {
        return NGX_OK;
    }

    len = ngx_http_sg_throttle_address_key(r, key);

    return len ? ngx_http_sg_throttle_refuse(r, slcf, ctx, key, len, NULL)
               : NGX_OK;
}


/* once the token is found authentic: is its subject refused?  As above */

ngx_int_t
ngx_http_sg_throttle_subject(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    size_t                   len;
    u_char                   key[NGX_HTTP_SG_THROTTLE_KEY_MAX];
    ngx_int_t                rc;
    ngx_str_t                sub;
    ngx_http_sg_throttle_t  *t;

    t = slcf->edge.throttle;

    if (t == NULL || t->subject.limit == 0) {
        return NGX_OK;
    }

    rc = ngx_http_sg_throttle_subject_key(r, ctx, key, &len, &sub);

    if (rc == NGX_ERROR) {
        /* never let a subject through unchecked */
        ctx->status = NGX_HTTP_SG_STATUS_ERROR;
        ctx->reason = "internal error";
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return (rc == NGX_OK)
           ? ngx_http_sg_throttle_refuse(r, slcf, ctx, key, len, &sub)
           : NGX_OK;
}


/* the source (the subject "sub", or the address when NULL) refused? */

static ngx_int_t
ngx_http_sg_throttle_refuse(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, u_char *key,
    size_t len, ngx_str_t *sub)
{
    time_t  left;

    left = ngx_http_sg_throttle_check(slcf->edge.throttle, key, len);

    if (left == 0) {
        return NGX_OK;
    }

    ctx->status = NGX_HTTP_SG_STATUS_THROTTLED;
    ctx->retry_after = left;

    if (sub == NULL) {
        ctx->reason = "too many failures from this address";

        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: refused: too many failures from this "
                      "address, for %T s more", left);

    } else {
        ctx->reason = "too many failures for this subject";

        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: refused: too many failures for "
                      "\"%V\", for %T s more", ngx_http_sg_log_str(r, sub),
                      left);
    }

    return slcf->edge.throttle->status;
}


/* the verdict: a refusal of a credential counts against its sources */

void
ngx_http_sg_throttle_count(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    size_t                   len;
    u_char                   key[NGX_HTTP_SG_THROTTLE_KEY_MAX];
    ngx_str_t                sub;
    ngx_http_sg_throttle_t  *t;

    t = slcf->edge.throttle;

    if (t == NULL) {
        return;
    }

    switch (ctx->status) {

    case NGX_HTTP_SG_STATUS_INVALID:
        /* a request that carried no session key guessed nothing */
        if (ctx->no_key) {
            return;
        }

        break;

    case NGX_HTTP_SG_STATUS_REVOKED:
    case NGX_HTTP_SG_STATUS_EXPIRED:
        break;

    default:
        return;
    }

    len = ngx_http_sg_throttle_address_key(r, key);

    if (len) {
        ngx_http_sg_throttle_fail_one(r, t, key, len, NULL);
    }

    /*
     * a subject only from a token whose signature and claims are valid,
     * and only for a refusal that its user's own clients do not earn
     */

    if (!ctx->authentic || t->subject.limit == 0
        || !ngx_http_sg_throttle_suspect(ctx))
    {
        return;
    }

    if (ngx_http_sg_throttle_subject_key(r, ctx, key, &len, &sub) == NGX_OK) {
        ngx_http_sg_throttle_fail_one(r, t, key, len, &sub);
    }
}


/*
 * A refusal that tells of someone holding the user's token without the
 * right to use it: a bad proof of possession or client certificate, a
 * session revoked by the risk policy, the API or a Shared Signals event.
 * Not one that the user's own clients keep earning until they log in
 * again: an ended lifetime, a logout, a session max_sessions replaced, a
 * token issued before a change of the user's claims.
 */

static ngx_uint_t
ngx_http_sg_throttle_suspect(ngx_http_sg_ctx_t *ctx)
{
    ngx_sg_record_t  *rec;

    if (ctx->status == NGX_HTTP_SG_STATUS_INVALID) {
        /* the only refusal with a session: a token older than a change */
        return !ctx->has_session;
    }

    if (ctx->status != NGX_HTTP_SG_STATUS_REVOKED || !ctx->has_session) {
        return 0;
    }

    rec = &ctx->session.rec;

    switch (rec->revoked) {

    case NGX_SG_REVOKED_POLICY:
        return !ngx_sg_record_ended(rec);

    case NGX_SG_REVOKED_API:
    case NGX_SG_REVOKED_SSF:
        return 1;

    default: /* NGX_SG_REVOKED_LOGOUT, NGX_SG_REVOKED_LIMIT */
        return 0;
    }
}


/* one failure of a source (the subject "sub", or the address if NULL) */

static void
ngx_http_sg_throttle_fail_one(ngx_http_request_t *r,
    ngx_http_sg_throttle_t *t, u_char *key, size_t len, ngx_str_t *sub)
{
    time_t                   left;
    ngx_int_t                rc;
    ngx_sg_throttle_rule_t  *rule;

    rc = ngx_http_sg_throttle_fail(t, key, len, &left);

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: throttle zone \"%V\" is too small, "
                      "a failure was not counted", &t->name);
        return;
    }

    if (rc != NGX_DONE) {
        return;
    }

    if (sub == NULL) {
        rule = &t->address;

        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: too many failures from this address "
                      "(%ui in %T s): refused for %T s",
                      rule->limit, rule->period, left);

    } else {
        rule = &t->subject;

        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "session_guard: too many failures for \"%V\" "
                      "(%ui in %T s): refused for %T s",
                      ngx_http_sg_log_str(r, sub), rule->limit,
                      rule->period, left);
    }
}


/* the answer: 429 with Retry-After, or 403 */

ngx_int_t
ngx_http_sg_throttle_answer(ngx_http_request_t *r, ngx_http_sg_ctx_t *ctx,
    ngx_int_t rc)
{
    u_char           *p;
    ngx_table_elt_t  *h;

    if (rc != NGX_HTTP_TOO_MANY_REQUESTS) {
        return rc;
    }

    p = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Retry-After");
    h->value.data = p;
    h->value.len = ngx_sprintf(p, "%T", ctx->retry_after) - p;

    return rc;
}


/* 'a' and the client address: IPv4, or the /64 of IPv6; 0: none */

static size_t
ngx_http_sg_throttle_address_key(ngx_http_request_t *r, u_char *key)
{
    u_char               *a;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    key[0] = NGX_HTTP_SG_THROTTLE_ADDRESS;

    switch (r->connection->sockaddr->sa_family) {

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;
        a = sin6->sin6_addr.s6_addr;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            ngx_memcpy(key + 1, a + 12, 4);
            return 5;
        }

        ngx_memcpy(key + 1, a, 8);
        return 9;
#endif

    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        ngx_memcpy(key + 1, &sin->sin_addr.s_addr, 4);
        return 5;

    default:
        /* a UNIX-domain socket: no address to count */
        return 0;
    }
}


/*
 * 's' and the SHA-256 of the token's "sub": NGX_OK, NGX_DECLINED for a
 * token without one, NGX_ERROR (logged)
 */

static ngx_int_t
ngx_http_sg_throttle_subject_key(ngx_http_request_t *r,
    ngx_http_sg_ctx_t *ctx, u_char *key, size_t *len, ngx_str_t *sub)
{
    json_t  *claim;

    if (ctx->jws.payload == NULL) {
        return NGX_DECLINED;
    }

    claim = json_object_get(ctx->jws.payload, "sub");

    if (!json_is_string(claim) || json_string_length(claim) == 0) {
        return NGX_DECLINED;
    }

    sub->data = (u_char *) json_string_value(claim);
    sub->len = json_string_length(claim);

    key[0] = NGX_HTTP_SG_THROTTLE_SUBJECT;

    if (ngx_sg_sha256_digest(sub->data, sub->len, key + 1) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: throttle: SHA-256 failed");
        return NGX_ERROR;
    }

    *len = 1 + NGX_SG_SHA256_LEN;

    return NGX_OK;
}
