
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A user's memory through the management API (ngx_http_sg_api.c routes
 * the requests here), for a zone with "memory=":
 *
 *   GET, HEAD  subjects/{sub}/memory   what is remembered of the user:
 *              {"subject","seen","devices":[{"seen"}],
 *               "networks":[{"asn","seen"}],"countries":[{"country","seen"}]}
 *   DELETE     subjects/{sub}/memory   forget it all: 204 (after an account
 *              was recovered, what the attacker's sessions taught goes)
 *
 * A device is a keyed hash of the user agent and the JA4, shown by when it
 * was last seen only.  404 when the zone keeps no memory; a user with
 * nothing remembered is an empty memory ("seen": null), not an error.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_api.h"
#include "ngx_http_sg_reply.h"


typedef struct {
    ngx_str_t                  *subject;
    ngx_http_sg_memory_info_t   info;
} ngx_http_sg_api_memory_t;


static void ngx_http_sg_api_memory_json(ngx_http_sg_out_t *out, void *data);


ngx_int_t
ngx_http_sg_api_memory(ngx_http_request_t *r, ngx_http_sg_zone_t *zone,
    ngx_http_sg_api_req_t *req)
{
    ngx_int_t                  rc;
    ngx_str_t                  reason;
    ngx_http_sg_api_memory_t   mem;

    if (zone->memory_ttl == 0) {
        return ngx_http_sg_api_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                     "the zone keeps no users' memory");
    }

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_http_sg_api_reason(r, &reason);

        if (rc != NGX_OK) {
            return ngx_http_sg_api_reason_error(r, rc);
        }

        rc = ngx_http_sg_zone_forget(zone, &req->key);

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "session_guard: zone \"%V\": the memory of \"%V\" "
                      "forgotten through the api%s, reason \"%V\"",
                      ngx_http_sg_zone_name(zone),
                      ngx_http_sg_log_str(r, &req->key),
                      rc == NGX_DECLINED ? " (there was none)" : "",
                      ngx_http_sg_log_str(r, &reason));

        return ngx_http_sg_api_send(r, NGX_HTTP_NO_CONTENT, NULL, NULL);
    }

    mem.subject = &req->key;

    (void) ngx_http_sg_zone_memory(zone, &req->key, &mem.info);

    return ngx_http_sg_api_reply_json(r, ngx_http_sg_api_memory_json, &mem);
}


static void
ngx_http_sg_api_memory_json(ngx_http_sg_out_t *out, void *data)
{
    ngx_http_sg_api_memory_t *mem = data;

    ngx_str_t                   c;
    ngx_uint_t                  i;
    ngx_http_sg_memory_info_t  *info;

    info = &mem->info;

    ngx_http_sg_out_lit(out, "{\"subject\":");
    ngx_http_sg_out_json(out, mem->subject);

    if (info->seen) {
        ngx_http_sg_out_fmt(out, ",\"seen\":%T", info->seen);

    } else {
        ngx_http_sg_out_lit(out, ",\"seen\":null");
    }

    ngx_http_sg_out_lit(out, ",\"devices\":[");

    for (i = 0; i < info->ndevices; i++) {
        ngx_http_sg_out_fmt(out, "%s{\"seen\":%T}", i ? "," : "",
                            info->device_seen[i]);
    }

    ngx_http_sg_out_lit(out, "],\"networks\":[");

    for (i = 0; i < info->nnetworks; i++) {
        ngx_http_sg_out_fmt(out, "%s{\"asn\":%uD,\"seen\":%T}", i ? "," : "",
                            info->asn[i], info->asn_seen[i]);
    }

    ngx_http_sg_out_lit(out, "],\"countries\":[");

    for (i = 0; i < info->ncountries; i++) {
        c.data = info->country[i];
        c.len = 2;

        ngx_http_sg_out_fmt(out, "%s{\"country\":", i ? "," : "");
        ngx_http_sg_out_json(out, &c);
        ngx_http_sg_out_fmt(out, ",\"seen\":%T}", info->country_seen[i]);
    }

    ngx_http_sg_out_lit(out, "]}");
}
