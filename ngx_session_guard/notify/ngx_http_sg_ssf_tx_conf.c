
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The transmitter's directives:
 *
 *   session_guard_ssf_transmitter URI zone=NAME key=FILE issuer=URL
 *       audience=URL [events=session-revoked,assurance-level-change]
 *       [subject_issuer=URL] [queue=N] [retries=N];          (server)
 *
 *   session_guard_ssf_jwks;                                  (location)
 *   session_guard_ssf_configuration [jwks_uri=URL];          (location)
 *
 * A transmitter belongs to the server it is declared in: URI is one of
 * that server's locations, looked up when a SET is sent.  The key set
 * served holds the public keys of the server's transmitters, the metadata
 * (/.well-known/ssf-configuration, OpenID SSF 1.0 section 7) is theirs.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_SSF_TX_QUEUE       256
#define NGX_HTTP_SG_SSF_TX_QUEUE_MAX   65536
#define NGX_HTTP_SG_SSF_TX_RETRIES     8
#define NGX_HTTP_SG_SSF_TX_RETRIES_MAX 30


typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  mask;
} ngx_http_sg_ssf_tx_event_t;


static ngx_http_sg_ssf_tx_event_t  ngx_http_sg_ssf_tx_events[] = {
    { ngx_string("session-revoked"), NGX_HTTP_SG_SSF_TX_REVOKED },
    { ngx_string("assurance-level-change"), NGX_HTTP_SG_SSF_TX_ASSURANCE },
    { ngx_null_string, 0 }
};


static char *ngx_http_sg_ssf_tx_param(ngx_conf_t *cf,
    ngx_http_sg_ssf_tx_t *tx, ngx_str_t *v, ngx_str_t *zone, ngx_str_t *key);
static ngx_int_t ngx_http_sg_ssf_tx_number(ngx_conf_t *cf, ngx_str_t *v,
    size_t skip, ngx_uint_t min, ngx_uint_t max, ngx_uint_t *out);
static ngx_int_t ngx_http_sg_ssf_tx_events_parse(ngx_conf_t *cf,
    ngx_str_t *v, ngx_uint_t *mask);
static ngx_int_t ngx_http_sg_ssf_tx_jwks_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_ssf_tx_meta_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_ssf_tx_meta_build(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf, ngx_http_sg_ssf_tx_t *tx);


char *
ngx_http_sg_ssf_tx_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                     *rv;
    ngx_str_t                *value, zone, key, text;
    ngx_uint_t                i;
    ngx_http_sg_ssf_tx_t     *tx, **txp;
    ngx_http_sg_main_conf_t  *smcf;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_transmitter: \"%V\" is not a "
                           "location uri (it must start with \"/\")",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    tx = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_ssf_tx_t));
    if (tx == NULL) {
        return NGX_CONF_ERROR;
    }

    tx->uri = value[1];
    tx->queue = NGX_CONF_UNSET_UINT;
    tx->retries = NGX_CONF_UNSET_UINT;
    tx->ctx = cf->ctx;

    ngx_str_null(&zone);
    ngx_str_null(&key);

    for (i = 2; i < cf->args->nelts; i++) {
        rv = ngx_http_sg_ssf_tx_param(cf, tx, &value[i], &zone, &key);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    if (zone.len == 0 || key.len == 0 || tx->issuer.len == 0
        || tx->audience.len == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_transmitter: \"zone=\", "
                           "\"key=\", \"issuer=\" and \"audience=\" are "
                           "required");
        return NGX_CONF_ERROR;
    }

    if (!ngx_http_sg_notify_plain(&tx->issuer)
        || !ngx_http_sg_notify_plain(&tx->audience)
        || !ngx_http_sg_notify_plain(&tx->subject_issuer))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_transmitter: \"issuer=\", "
                           "\"audience=\" and \"subject_issuer=\" take "
                           "printable ASCII without quotes or backslashes");
        return NGX_CONF_ERROR;
    }

    tx->zone = ngx_http_sg_zone_get(cf, &zone);
    if (tx->zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (tx->events == 0) {
        tx->events = NGX_HTTP_SG_SSF_TX_REVOKED | NGX_HTTP_SG_SSF_TX_ASSURANCE;
    }

    ngx_conf_init_uint_value(tx->queue, NGX_HTTP_SG_SSF_TX_QUEUE);
    ngx_conf_init_uint_value(tx->retries, NGX_HTTP_SG_SSF_TX_RETRIES);

    if (ngx_http_sg_notify_signer(cf, "session_guard_ssf_transmitter", &key,
                                  &tx->signer)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /* the tag of its outbox entries: the same stream across reloads */

    text.len = tx->uri.len + tx->issuer.len + tx->audience.len + 2;
    text.data = ngx_pnalloc(cf->temp_pool, text.len);
    if (text.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(text.data, "%V %V %V", &tx->uri, &tx->issuer, &tx->audience);
    tx->stream = ngx_crc32_long(text.data, text.len);

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->transmitters == NULL) {
        smcf->transmitters = ngx_array_create(cf->pool, 2,
                                              sizeof(ngx_http_sg_ssf_tx_t *));
        if (smcf->transmitters == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    txp = smcf->transmitters->elts;

    for (i = 0; i < smcf->transmitters->nelts; i++) {
        if (txp[i]->stream == tx->stream) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "session_guard_ssf_transmitter: the same "
                               "location, issuer and audience twice");
            return NGX_CONF_ERROR;
        }
    }

    txp = ngx_array_push(smcf->transmitters);
    if (txp == NULL) {
        return NGX_CONF_ERROR;
    }

    *txp = tx;

    return NGX_CONF_OK;
}


static char *
ngx_http_sg_ssf_tx_param(ngx_conf_t *cf, ngx_http_sg_ssf_tx_t *tx,
    ngx_str_t *v, ngx_str_t *zone, ngx_str_t *key)
{
    ngx_str_t  *dst;

    dst = NULL;

    if (ngx_strncmp(v->data, "zone=", 5) == 0) {
        dst = zone;
        v->data += 5;
        v->len -= 5;

    } else if (ngx_strncmp(v->data, "key=", 4) == 0) {
        dst = key;
        v->data += 4;
        v->len -= 4;

    } else if (ngx_strncmp(v->data, "issuer=", 7) == 0) {
        dst = &tx->issuer;
        v->data += 7;
        v->len -= 7;

    } else if (ngx_strncmp(v->data, "audience=", 9) == 0) {
        dst = &tx->audience;
        v->data += 9;
        v->len -= 9;

    } else if (ngx_strncmp(v->data, "subject_issuer=", 15) == 0) {
        dst = &tx->subject_issuer;
        v->data += 15;
        v->len -= 15;

    } else if (ngx_strncmp(v->data, "events=", 7) == 0 && tx->events == 0) {
        return ngx_http_sg_ssf_tx_events_parse(cf, v, &tx->events) == NGX_OK
               ? NGX_CONF_OK : NGX_CONF_ERROR;

    } else if (ngx_strncmp(v->data, "queue=", 6) == 0
               && tx->queue == NGX_CONF_UNSET_UINT)
    {
        return ngx_http_sg_ssf_tx_number(cf, v, 6, 1,
                                         NGX_HTTP_SG_SSF_TX_QUEUE_MAX,
                                         &tx->queue) == NGX_OK
               ? NGX_CONF_OK : NGX_CONF_ERROR;

    } else if (ngx_strncmp(v->data, "retries=", 8) == 0
               && tx->retries == NGX_CONF_UNSET_UINT)
    {
        return ngx_http_sg_ssf_tx_number(cf, v, 8, 0,
                                         NGX_HTTP_SG_SSF_TX_RETRIES_MAX,
                                         &tx->retries) == NGX_OK
               ? NGX_CONF_OK : NGX_CONF_ERROR;
    }

    if (dst == NULL || dst->len || v->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_transmitter: invalid, empty or "
                           "duplicate parameter \"%V\"", v);
        return NGX_CONF_ERROR;
    }

    *dst = *v;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_sg_ssf_tx_number(ngx_conf_t *cf, ngx_str_t *v, size_t skip,
    ngx_uint_t min, ngx_uint_t max, ngx_uint_t *out)
{
    ngx_int_t  n;

    n = ngx_atoi(v->data + skip, v->len - skip);

    if (n == NGX_ERROR || (ngx_uint_t) n < min || (ngx_uint_t) n > max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_transmitter: invalid \"%V\" "
                           "(%ui to %ui)", v, min, max);
        return NGX_ERROR;
    }

    *out = n;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_ssf_tx_events_parse(ngx_conf_t *cf, ngx_str_t *v,
    ngx_uint_t *mask)
{
    u_char                      *p, *end, *comma;
    ngx_str_t                    name;
    ngx_http_sg_ssf_tx_event_t  *e;

    p = v->data + 7;
    end = v->data + v->len;

    while (p < end) {
        comma = ngx_strlchr(p, end, ',');
        if (comma == NULL) {
            comma = end;
        }

        name.data = p;
        name.len = comma - p;

        for (e = ngx_http_sg_ssf_tx_events; e->name.len; e++) {
            if (e->name.len == name.len
                && ngx_strncmp(e->name.data, name.data, name.len) == 0)
            {
                break;
            }
        }

        if (e->name.len == 0 || (*mask & e->mask)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "session_guard_ssf_transmitter: unknown or "
                               "duplicate event \"%V\" (session-revoked, "
                               "assurance-level-change)", &name);
            return NGX_ERROR;
        }

        *mask |= e->mask;
        p = comma + 1;
    }

    if (*mask == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_transmitter: \"events=\" "
                           "names no event");
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* "session_guard_ssf_jwks" (location): the transmitters' public keys */

char *
ngx_http_sg_ssf_tx_jwks(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_http_conf_ctx_t       *ctx;
    ngx_http_core_loc_conf_t  *clcf;

    if (slcf->ssf_jwks_srv) {
        return "is duplicate";
    }

    ctx = cf->ctx;
    slcf->ssf_jwks_srv = ctx->srv_conf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sg_ssf_tx_jwks_handler;

    return NGX_CONF_OK;
}


/* "session_guard_ssf_configuration [jwks_uri=URL]" (location) */

char *
ngx_http_sg_ssf_tx_metadata(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t                 *value;
    ngx_http_conf_ctx_t       *ctx;
    ngx_http_core_loc_conf_t  *clcf;

    if (slcf->ssf_meta_srv) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2) {
        if (ngx_strncmp(value[1].data, "jwks_uri=", 9) != 0
            || value[1].len == 9)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "session_guard_ssf_configuration: invalid "
                               "parameter \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }

        slcf->ssf_meta_jwks_uri.data = value[1].data + 9;
        slcf->ssf_meta_jwks_uri.len = value[1].len - 9;

        if (!ngx_http_sg_notify_plain(&slcf->ssf_meta_jwks_uri)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "session_guard_ssf_configuration: "
                               "\"jwks_uri=\" takes printable ASCII without "
                               "quotes or backslashes");
            return NGX_CONF_ERROR;
        }
    }

    ctx = cf->ctx;
    slcf->ssf_meta_srv = ctx->srv_conf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sg_ssf_tx_meta_handler;

    return NGX_CONF_OK;
}


char *
ngx_http_sg_ssf_tx_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_uint_t                i, n;
    ngx_sg_signer_t         **sp;
    ngx_http_sg_ssf_tx_t    **txp, *tx;
    ngx_http_sg_main_conf_t  *smcf;

    if (conf->ssf_jwks_srv == NULL && conf->ssf_meta_srv == NULL) {
        return NGX_CONF_OK;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    n = smcf->transmitters ? smcf->transmitters->nelts : 0;
    txp = n ? smcf->transmitters->elts : NULL;

    /* the key set: the public keys of the server's transmitters */

    if (conf->ssf_jwks_srv && conf->ssf_jwks_text.len == 0) {

        sp = ngx_palloc(cf->pool, (n + 1) * sizeof(ngx_sg_signer_t *));
        if (sp == NULL) {
            return NGX_CONF_ERROR;
        }

        tx = NULL;

        for (i = 0; i < n; i++) {
            if (txp[i]->ctx->srv_conf == conf->ssf_jwks_srv) {
                sp[i] = txp[i]->signer;
                tx = txp[i];

            } else {
                sp[i] = NULL;
            }
        }

        if (tx == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "session_guard_ssf_jwks: no "
                               "\"session_guard_ssf_transmitter\" in this "
                               "server");
            return NGX_CONF_ERROR;
        }

        if (ngx_http_sg_notify_keyset(cf->pool, sp, n, &conf->ssf_jwks_text)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->ssf_meta_srv == NULL || conf->ssf_meta_text.len) {
        return NGX_CONF_OK;
    }

    /* the metadata: the transmitter of the same server, its issuer unique */

    tx = NULL;

    for (i = 0; i < n; i++) {
        if (txp[i]->ctx->srv_conf != conf->ssf_meta_srv) {
            continue;
        }

        if (tx && (tx->issuer.len != txp[i]->issuer.len
                   || ngx_strncmp(tx->issuer.data, txp[i]->issuer.data,
                                  tx->issuer.len) != 0))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "session_guard_ssf_configuration: the "
                               "server's transmitters have different "
                               "issuers");
            return NGX_CONF_ERROR;
        }

        tx = txp[i];
    }

    if (tx == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_configuration: no "
                           "\"session_guard_ssf_transmitter\" in this "
                           "server");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_ssf_tx_meta_build(cf, conf, tx) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* SSF 1.0 section 7.1: what a receiver needs to know of this transmitter */

static ngx_int_t
ngx_http_sg_ssf_tx_meta_build(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf,
    ngx_http_sg_ssf_tx_t *tx)
{
    size_t   len;
    u_char  *p;

    len = sizeof("{\"spec_version\":\"1_0\",\"issuer\":\"\",\"jwks_uri\":\"\","
                 "\"delivery_methods_supported\":[\"urn:ietf:rfc:8935\"]}\n")
          + tx->issuer.len + conf->ssf_meta_jwks_uri.len;

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    conf->ssf_meta_text.data = p;

    p = ngx_sprintf(p, "{\"spec_version\":\"1_0\",\"issuer\":\"%V\"",
                    &tx->issuer);

    if (conf->ssf_meta_jwks_uri.len) {
        p = ngx_sprintf(p, ",\"jwks_uri\":\"%V\"", &conf->ssf_meta_jwks_uri);
    }

    p = ngx_sprintf(p, ",\"delivery_methods_supported\":"
                       "[\"urn:ietf:rfc:8935\"]}\n");

    conf->ssf_meta_text.len = p - conf->ssf_meta_text.data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_ssf_tx_jwks_handler(ngx_http_request_t *r)
{
    ngx_http_sg_loc_conf_t  *slcf;

    static ngx_str_t  type = ngx_string("application/jwk-set+json");

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    return ngx_http_sg_notify_static(r, &slcf->ssf_jwks_text, &type);
}


static ngx_int_t
ngx_http_sg_ssf_tx_meta_handler(ngx_http_request_t *r)
{
    ngx_http_sg_loc_conf_t  *slcf;

    static ngx_str_t  type = ngx_string("application/json");

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    return ngx_http_sg_notify_static(r, &slcf->ssf_meta_text, &type);
}
