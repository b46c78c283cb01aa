
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The management API, "session_guard_api zone=name": a content handler
 * that answers JSON.  Below the location's prefix:
 *
 *   GET, HEAD  sessions/{id}                  one session, 404 if absent
 *   DELETE     sessions/{id}                  revoke it: 204
 *   GET, HEAD  subjects/{sub}/sessions        the subject's sessions
 *   DELETE     subjects/{sub}/sessions        revoke them: 200 {"revoked":n}
 *   GET, HEAD  subjects/{sub}/block           is it blocked, since when
 *   PUT        subjects/{sub}/block           block it: its sessions are
 *                                             revoked, new ones refused
 *   DELETE     subjects/{sub}/block           unblock it: 204
 *   GET, HEAD  blocks                         every blocked subject
 *   GET, HEAD  subjects/{sub}/memory          what the zone remembers of
 *                                             the user (memory=)
 *   DELETE     subjects/{sub}/memory          forget it: 204
 *
 * A revocation may carry a reason (query or body "reason="), which is
 * logged: the record has no room for text.  Revoking an unknown id
 * stores a revoked record all the same (kept for the zone's
 * max_lifetime), so that a token carrying it is refused if it ever comes:
 * the answer does not depend on what the zone happens to hold.
 *
 * Path segments are percent-decoded here from the request line as it was
 * sent (r->unparsed_uri): nginx's own decoding of r->uri turns "%2F" into
 * a separator, and a session id may hold any byte.  Every length is
 * bounded (NGX_SG_ID_MAX, NGX_SG_SUB_MAX, the reason and the
 * body below).  Access control is nginx's own (allow/deny, auth_basic,
 * auth_request, or session_guard itself in the same location).  The
 * directive is parsed in ngx_http_sg_api_conf.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_api.h"
#include "ngx_http_sg_reply.h"
#include "ngx_sg_percent.h"



static void ngx_http_sg_api_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_api_process(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_api_parse(ngx_http_request_t *r,
    ngx_http_sg_api_req_t *req);
static ngx_int_t ngx_http_sg_api_segment(ngx_http_request_t *r,
    ngx_str_t *raw, ngx_uint_t decode, size_t max, ngx_str_t *out);
static ngx_int_t ngx_http_sg_api_show(ngx_http_request_t *r,
    ngx_http_sg_zone_t *zone, ngx_http_sg_api_req_t *req);
static ngx_int_t ngx_http_sg_api_revoke(ngx_http_request_t *r,
    ngx_http_sg_zone_t *zone, ngx_http_sg_api_req_t *req);
static void ngx_http_sg_api_one_json(ngx_http_sg_out_t *out, void *data);
static void ngx_http_sg_api_list_json(ngx_http_sg_out_t *out, void *data);


/* the content handler that session_guard_api sets */

ngx_int_t
ngx_http_sg_api_handler(ngx_http_request_t *r)
{
    ngx_int_t               rc;
    ngx_http_sg_api_req_t   req;

    if ((r->method == NGX_HTTP_DELETE || r->method == NGX_HTTP_PUT)
        && (r->headers_in.content_length_n > 0 || r->headers_in.chunked)
        && ngx_http_sg_api_parse(r, &req) == NGX_OK)
    {
        if (r->headers_in.content_length_n > NGX_HTTP_SG_API_BODY_MAX) {
            rc = ngx_http_discard_request_body(r);
            if (rc != NGX_OK) {
                return rc;
            }

            return ngx_http_sg_api_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "payload_too_large",
                                         "the body is over 4096 bytes");
        }

        r->request_body_in_single_buf = 1;

        rc = ngx_http_read_client_request_body(r,
                                               ngx_http_sg_api_body_handler);
        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_sg_api_process(r);
}


static void
ngx_http_sg_api_body_handler(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_sg_api_process(r));
}


static ngx_int_t
ngx_http_sg_api_process(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_table_elt_t         *h;
    ngx_http_sg_api_req_t    req;
    ngx_http_sg_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    rc = ngx_http_sg_api_parse(r, &req);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_HTTP_NOT_FOUND) {
        return ngx_http_sg_api_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                     "no such resource");
    }

    if (rc != NGX_OK) {
        return ngx_http_sg_api_error(r, NGX_HTTP_BAD_REQUEST, "bad_request",
                                     req.error);
    }

    if (req.resource == NGX_HTTP_SG_API_MEMORY
        && (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_DELETE)))
    {
        return ngx_http_sg_api_memory(r, slcf->api_zone, &req);
    }

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        return ngx_http_sg_api_show(r, slcf->api_zone, &req);

    case NGX_HTTP_DELETE:
        if (req.resource == NGX_HTTP_SG_API_BLOCK) {
            return ngx_http_sg_api_unblock(r, slcf->api_zone, &req);
        }

        if (req.resource != NGX_HTTP_SG_API_BLOCKS) {
            return ngx_http_sg_api_revoke(r, slcf->api_zone, &req);
        }

        break;

    case NGX_HTTP_PUT:
        if (req.resource == NGX_HTTP_SG_API_BLOCK) {
            return ngx_http_sg_api_block(r, slcf->api_zone, &req);
        }

        break;

    default:
        break;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Allow");

    switch (req.resource) {

    case NGX_HTTP_SG_API_BLOCK:
        ngx_str_set(&h->value, "GET, HEAD, PUT, DELETE");
        return ngx_http_sg_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method_not_allowed",
                                     "use GET, HEAD, PUT or DELETE");

    case NGX_HTTP_SG_API_BLOCKS:
        ngx_str_set(&h->value, "GET, HEAD");
        return ngx_http_sg_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method_not_allowed",
                                     "use GET or HEAD");

    default:
        ngx_str_set(&h->value, "GET, HEAD, DELETE");
        return ngx_http_sg_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                     "method_not_allowed",
                                     "use GET, HEAD or DELETE");
    }
}


/*
 * NGX_OK with req set; NGX_HTTP_NOT_FOUND for a path that names no
 * resource; NGX_HTTP_BAD_REQUEST (req->error says why) for one that
 * names a resource badly; NGX_ERROR.
 */

static ngx_int_t
ngx_http_sg_api_parse(ngx_http_request_t *r, ngx_http_sg_api_req_t *req)
{
    u_char                    *p, *last, *name, *name_end;
    ngx_int_t                  c, rc;
    ngx_str_t                  seg[4];
    ngx_uint_t                 n, decode;
    ngx_http_core_loc_conf_t  *clcf;

    ngx_memzero(req, sizeof(ngx_http_sg_api_req_t));

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    /*
     * The path as sent, when nginx still has it; after a rewrite or an
     * internal redirect only the decoded r->uri is left, and a segment is
     * taken as it is there.
     */

    if (r->valid_unparsed_uri) {
        p = r->unparsed_uri.data;
        last = p + r->unparsed_uri.len;

        name = ngx_strlchr(p, last, '?');
        if (name) {
            last = name;
        }

        decode = 1;

    } else {
        p = r->uri.data;
        last = p + r->uri.len;
        decode = 0;
    }

    /* the location's prefix, which may have been sent percent-encoded */

    name = clcf->name.data;
    name_end = name + clcf->name.len;

    while (name < name_end) {
        if (p == last) {
            return NGX_HTTP_NOT_FOUND;
        }

        if (*p == '%' && decode) {
            c = ngx_sg_percent_byte(p, last);

            if (c < 0) {
                goto bad_path;
            }

            p += 3;

        } else {
            c = *p++;
        }

        if (c != *name++) {
            /* "/x/../api/..." and the like: nginx matched its own form */
            goto bad_path;
        }
    }

    if (clcf->name.len && name_end[-1] != '/' && p < last && *p == '/') {
        p++;
    }

    /* at most 3 segments: one more means no resource */

    for (n = 0; n < 4; n++) {
        seg[n].data = p;

        while (p < last && *p != '/') {
            p++;
        }

        seg[n].len = p - seg[n].data;

        if (p == last) {
            n++;
            break;
        }

        p++;
    }

    if (p != last || n == 4) {
        return NGX_HTTP_NOT_FOUND;
    }

    if (n == 2 && seg[0].len == 8
        && ngx_strncmp(seg[0].data, "sessions", 8) == 0)
    {
        req->resource = NGX_HTTP_SG_API_SESSION;
        req->error = "invalid session id";
        rc = ngx_http_sg_api_segment(r, &seg[1], decode, NGX_SG_ID_MAX,
                                     &req->key);

    } else if (n == 3 && seg[0].len == 8
               && ngx_strncmp(seg[0].data, "subjects", 8) == 0
               && seg[2].len == 8
               && ngx_strncmp(seg[2].data, "sessions", 8) == 0)
    {
        req->resource = NGX_HTTP_SG_API_SUBJECT;
        req->error = "invalid subject";
        rc = ngx_http_sg_api_segment(r, &seg[1], decode, NGX_SG_SUB_MAX,
                                     &req->key);

    } else if (n == 3 && seg[0].len == 8
               && ngx_strncmp(seg[0].data, "subjects", 8) == 0
               && seg[2].len == 5
               && ngx_strncmp(seg[2].data, "block", 5) == 0)
    {
        req->resource = NGX_HTTP_SG_API_BLOCK;
        req->error = "invalid subject";
        rc = ngx_http_sg_api_segment(r, &seg[1], decode, NGX_SG_SUB_MAX,
                                     &req->key);

    } else if (n == 3 && seg[0].len == 8
               && ngx_strncmp(seg[0].data, "subjects", 8) == 0
               && seg[2].len == 6
               && ngx_strncmp(seg[2].data, "memory", 6) == 0)
    {
        req->resource = NGX_HTTP_SG_API_MEMORY;
        req->error = "invalid subject";
        rc = ngx_http_sg_api_segment(r, &seg[1], decode, NGX_SG_SUB_MAX,
                                     &req->key);

    } else if (n == 1 && seg[0].len == 6
               && ngx_strncmp(seg[0].data, "blocks", 6) == 0)
    {
        req->resource = NGX_HTTP_SG_API_BLOCKS;
        return NGX_OK;

    } else {
        return NGX_HTTP_NOT_FOUND;
    }

    if (rc == NGX_OK || rc == NGX_ERROR) {
        return rc;
    }

    return NGX_HTTP_BAD_REQUEST;

bad_path:

    req->error = "the path is not in canonical form";

    return NGX_HTTP_BAD_REQUEST;
}


/*
 * An id or a subject: no bad percent-escape; decoded, not empty, at most
 * max bytes, and no dot-segment (clients remove those before sending,
 * nginx too when it matches locations: "." and ".." name nothing here).
 */

static ngx_int_t
ngx_http_sg_api_segment(ngx_http_request_t *r, ngx_str_t *raw,
    ngx_uint_t decode, size_t max, ngx_str_t *out)
{
    ngx_int_t  rc;

    if (!decode) {
        *out = *raw;

    } else {
        /* "%XX" for every byte is the longest form of a valid one */

        if (raw->len > 3 * max) {
            return NGX_DECLINED;
        }

        rc = ngx_sg_percent_decode(r->pool, raw, 0, out);

        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (out->len == 0 || out->len > max
        || (out->len == 1 && out->data[0] == '.')
        || (out->len == 2 && out->data[0] == '.' && out->data[1] == '.'))
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_api_show(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_http_sg_api_req_t *req)
{
    ngx_int_t                 rc;
    ngx_array_t              *blocks;
    ngx_http_sg_session_t     s;
    ngx_http_sg_api_list_t    list;
    ngx_http_sg_api_block_t   block;

    switch (req->resource) {

    case NGX_HTTP_SG_API_SESSION:
        rc = ngx_http_sg_zone_find(zone, &req->key, 1, r->pool, &s);

        if (rc == NGX_DECLINED) {
            return ngx_http_sg_api_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                         "no such session");
        }

        if (rc != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_sg_api_reply_json(r, ngx_http_sg_api_one_json, &s);

    case NGX_HTTP_SG_API_BLOCK:
        block.subject = &req->key;
        block.since = ngx_http_sg_zone_blocked(zone, &req->key);
        block.revoked = -1;

        return ngx_http_sg_api_reply_json(r, ngx_http_sg_api_block_json,
                                          &block);

    case NGX_HTTP_SG_API_BLOCKS:
        if (ngx_http_sg_zone_blocks(zone, r->pool, &blocks) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_sg_api_reply_json(r, ngx_http_sg_api_blocks_json,
                                          blocks);

    default: /* NGX_HTTP_SG_API_SUBJECT */
        list.subject = &req->key;
        list.blocked = ngx_http_sg_zone_blocked(zone, &req->key);

        if (ngx_http_sg_zone_list(zone, &req->key, r->pool, &list.sessions)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_sg_api_reply_json(r, ngx_http_sg_api_list_json,
                                          &list);
    }
}


static void
ngx_http_sg_api_one_json(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_api_session_json(out, data);
}


static void
ngx_http_sg_api_list_json(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_api_list_t *list = data;

    ngx_uint_t              i;
    ngx_http_sg_session_t  *ss;

    ss = list->sessions->elts;

    ngx_http_sg_out_lit(out, "{\"subject\":");
    ngx_http_sg_out_json(out, list->subject);

    if (list->blocked) {
        ngx_http_sg_out_fmt(out, ",\"blocked\":%T", list->blocked);

    } else {
        ngx_http_sg_out_lit(out, ",\"blocked\":null");
    }

    ngx_http_sg_out_fmt(out, ",\"count\":%ui,\"sessions\":[",
                        list->sessions->nelts);

    for (i = 0; i < list->sessions->nelts; i++) {
        if (i) {
            ngx_http_sg_out_lit(out, ",");
        }

        ngx_http_sg_api_session_json(out, &ss[i]);
    }

    ngx_http_sg_out_lit(out, "]}");
}


static ngx_int_t
ngx_http_sg_api_revoke(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_http_sg_api_req_t *req)
{
    u_char                 *start, *p;
    ngx_int_t               rc;
    ngx_str_t               reason, why, *name, *sub;
    ngx_uint_t              n;
    const char             *was;
    ngx_http_sg_session_t   s;
    ngx_http_sg_loc_conf_t *slcf;

    rc = ngx_http_sg_api_reason(r, &reason);

    if (rc != NGX_OK) {
        return ngx_http_sg_api_reason_error(r, rc);
    }

    name = ngx_http_sg_zone_name(zone);

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    /* the notifications' reason: the caller's, or just "api" */

    if (reason.len) {
        why = reason;

    } else {
        ngx_str_set(&why, "api");
    }

    if (req->resource == NGX_HTTP_SG_API_SUBJECT) {
        (void) ngx_http_sg_zone_revoke_subject(zone, &req->key,
                                               NGX_SG_REVOKED_API, 0,
                                               &n);

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": %ui sessions of \"%V\" "
                      "revoked through the api, reason \"%V\"", name, n,
                      ngx_http_sg_log_str(r, &req->key),
                      ngx_http_sg_log_str(r, &reason));

        (void) ngx_http_sg_event_revocation(r, NULL, &req->key,
                                            NGX_SG_REVOKED_API, &why, n);

        /* one notification for them all, by subject */

        ngx_http_sg_notify_send(r, slcf, zone, NULL, &req->key,
                                NGX_SG_REVOKED_API, &why);

        start = ngx_pnalloc(r->pool, sizeof("{\"revoked\":}") + NGX_INT_T_LEN);
        if (start == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p = ngx_sprintf(start, "{\"revoked\":%ui}", n);

        return ngx_http_sg_api_reply(r, NGX_HTTP_OK, start, p);
    }

    /* what the zone held, for the log only: the answer is the same */

    rc = ngx_http_sg_zone_find(zone, &req->key, 0, r->pool, &s);

    was = (rc == NGX_DECLINED) ? " (unknown: a revoked record is kept)"
          : (rc == NGX_OK && s.rec.revoked) ? " (already revoked)" : "";

    if (ngx_http_sg_zone_revoke(zone, &req->key, NGX_SG_REVOKED_API, 0,
                                0)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store the "
                      "revocation of session \"%V\" requested through the "
                      "api", name, ngx_http_sg_log_str(r, &req->key));

        return ngx_http_sg_api_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                     "internal_error",
                                     "the zone cannot store the "
                                     "revocation");
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "session_guard: zone \"%V\": session \"%V\" revoked "
                  "through the api%s, reason \"%V\"", name,
                  ngx_http_sg_log_str(r, &req->key), was,
                  ngx_http_sg_log_str(r, &reason));

    sub = (rc == NGX_OK) ? &s.sub : NULL;

    (void) ngx_http_sg_event_revocation(r, &req->key, sub,
                                        NGX_SG_REVOKED_API, &why,
                                        (rc == NGX_OK && s.rec.revoked) ? 0
                                                                        : 1);

    /* an unknown session may be the application's all the same */

    if (rc != NGX_OK || !s.rec.revoked) {
        ngx_http_sg_notify_send(r, slcf, zone, &req->key, sub,
                                NGX_SG_REVOKED_API, &why);
    }

    return ngx_http_sg_api_send(r, NGX_HTTP_NO_CONTENT, NULL, NULL);
}
