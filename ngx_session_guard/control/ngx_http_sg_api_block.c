
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Blocked subjects through the management API (ngx_http_sg_api.c routes
 * the requests here):
 *
 *   GET, HEAD  subjects/{sub}/block   {"subject","blocked","since"}
 *   PUT        subjects/{sub}/block   block it, revoke its sessions: 200
 *   DELETE     subjects/{sub}/block   unblock it: 204
 *   GET, HEAD  blocks                 {"count","subjects":[...]}
 *
 * The block itself is kept by the zone (zone/ngx_http_sg_block.c), which
 * refuses every session of the subject until it is unblocked.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_api.h"
#include "ngx_http_sg_reply.h"


/* {"subject":..., "blocked":true|false, "since":t|null[, "revoked":n]} */

void
ngx_http_sg_api_block_json(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_api_block_t *b = data;

    ngx_http_sg_out_lit(out, "{\"subject\":");
    ngx_http_sg_out_json(out, b->subject);

    if (b->since) {
        ngx_http_sg_out_fmt(out, ",\"blocked\":true,\"since\":%T", b->since);

    } else {
        ngx_http_sg_out_lit(out, ",\"blocked\":false,\"since\":null");
    }

    if (b->revoked >= 0) {
        ngx_http_sg_out_fmt(out, ",\"revoked\":%i", b->revoked);
    }

    ngx_http_sg_out_lit(out, "}");
}


void
ngx_http_sg_api_blocks_json(ngx_http_sg_out_t *out, void *data)
{
    ngx_array_t *blocks = data;

    ngx_uint_t                 i;
    ngx_http_sg_block_info_t  *bi;

    bi = blocks->elts;

    ngx_http_sg_out_fmt(out, "{\"count\":%ui,\"subjects\":[",
                        blocks->nelts);

    for (i = 0; i < blocks->nelts; i++) {
        if (i) {
            ngx_http_sg_out_lit(out, ",");
        }

        ngx_http_sg_out_lit(out, "{\"subject\":");
        ngx_http_sg_out_json(out, &bi[i].sub);
        ngx_http_sg_out_fmt(out, ",\"since\":%T}", bi[i].since);
    }

    ngx_http_sg_out_lit(out, "]}");
}


/*
 * PUT subjects/{sub}/block: the subject is blocked first (no session can
 * begin from then on), then its live sessions are revoked, notified and
 * sent on as a revocation through the API would be.  Blocking a subject
 * that is blocked already keeps the first time and revokes again (there
 * is nothing left to revoke, unless a session outlived a reload).
 */

ngx_int_t
ngx_http_sg_api_block(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_http_sg_api_req_t *req)
{
    time_t                    since;
    ngx_int_t                 rc;
    ngx_str_t                 reason, why, *name;
    ngx_uint_t                n;
    ngx_http_sg_loc_conf_t   *slcf;
    ngx_http_sg_api_block_t   block;

    rc = ngx_http_sg_api_reason(r, &reason);

    if (rc != NGX_OK) {
        return ngx_http_sg_api_reason_error(r, rc);
    }

    name = ngx_http_sg_zone_name(zone);
    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    rc = ngx_http_sg_zone_block(zone, &req->key, &since);

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store the block of "
                      "\"%V\" requested through the api", name,
                      ngx_http_sg_log_str(r, &req->key));

        return ngx_http_sg_api_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                     "internal_error",
                                     "the zone cannot store the block");
    }

    (void) ngx_http_sg_zone_revoke_subject(zone, &req->key,
                                           NGX_SG_REVOKED_API, 0, &n);

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "session_guard: zone \"%V\": subject \"%V\" blocked "
                  "through the api%s, %ui sessions revoked, reason \"%V\"",
                  name, ngx_http_sg_log_str(r, &req->key),
                  rc == NGX_DECLINED ? " (already blocked)" : "", n,
                  ngx_http_sg_log_str(r, &reason));

    if (reason.len) {
        why = reason;

    } else {
        ngx_str_set(&why, "blocked");
    }

    if (n) {
        (void) ngx_http_sg_event_revocation(r, NULL, &req->key,
                                            NGX_SG_REVOKED_API, &why, n);

        ngx_http_sg_notify_send(r, slcf, zone, NULL, &req->key,
                                NGX_SG_REVOKED_API, &why);
    }

    block.subject = &req->key;
    block.since = since;
    block.revoked = (ngx_int_t) n;

    return ngx_http_sg_api_reply_json(r, ngx_http_sg_api_block_json,
                                      &block);
}


/* DELETE subjects/{sub}/block: 204, blocked or not */

ngx_int_t
ngx_http_sg_api_unblock(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_http_sg_api_req_t *req)
{
    ngx_int_t   rc;
    ngx_str_t   reason;

    rc = ngx_http_sg_api_reason(r, &reason);

    if (rc != NGX_OK) {
        return ngx_http_sg_api_reason_error(r, rc);
    }

    rc = ngx_http_sg_zone_unblock(zone, &req->key);

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "session_guard: zone \"%V\": subject \"%V\" unblocked "
                  "through the api%s, reason \"%V\"",
                  ngx_http_sg_zone_name(zone),
                  ngx_http_sg_log_str(r, &req->key),
                  rc == NGX_DECLINED ? " (was not blocked)" : "",
                  ngx_http_sg_log_str(r, &reason));

    return ngx_http_sg_api_send(r, NGX_HTTP_NO_CONTENT, NULL, NULL);
}
