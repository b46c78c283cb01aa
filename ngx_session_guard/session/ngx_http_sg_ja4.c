
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The JA4 fingerprint of a TLS client: capture of the ClientHello on every
 * HTTPS server, and the $session_guard_ja4 and $session_guard_ja4_r
 * variables; the session engine binds the same value (ngx_http_sg_ja4()).
 *
 * Capture uses OpenSSL's message callback, installed at configuration
 * time on the SSL_CTX of every server that has one.  OpenSSL's
 * client-hello callback is not used: on OpenSSL 3.0 its
 * SSL_client_hello_get1_extensions_present() leaves out GREASE and every
 * extension type OpenSSL does not implement, which changes both the count
 * and the hash (see ngx_sg_ja4.h); the message callback sees the whole
 * message as the client sent it, before OpenSSL acts on it.  It does not
 * touch nginx's own callbacks either: nginx versions that install a
 * client-hello callback (for SNI) keep it, so no nginx_version guard is
 * needed here.
 *
 * OpenSSL has no getter for a context's message callback, so an earlier
 * one cannot be chained.  nginx sets none on a server SSL_CTX; only its
 * QUIC compatibility layer (1.25+) sets one, on each QUIC connection's SSL
 * object, which takes precedence over this one there: such HTTP/3
 * connections have no fingerprint.
 *
 * The first handshake message a server reads is the ClientHello.  It is
 * parsed at once, into the connection's pool (a few hundred bytes), and
 * the callback is then removed from that connection: a second ClientHello
 * after a HelloRetryRequest is never seen, so the first one is what is
 * fingerprinted, and records exchanged later cost nothing.  The parsed
 * fields hang off the SSL object (an ex_data index of this module), so
 * HTTP/2 streams, which share their connection's SSL object, find them.
 * The fingerprint and its raw form are computed on first use and kept for
 * the connection's lifetime.
 *
 * A hello the parser rejects (malformed, or over its hard limits) is
 * logged at "info" and leaves the fingerprint unknown: the variables are
 * not found, and the session engine compares nothing.  Contract of
 * ngx_http_sg_ja4(): NGX_OK with the 36 characters of JA4, NGX_DECLINED
 * unknown (plain HTTP, no usable hello), NGX_ERROR internal failure.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_context.h"
#include "ngx_sg_ja4.h"


typedef struct {
    ngx_sg_ja4_hello_t          hello;
    ngx_pool_t                 *pool;       /* of the client connection */
    ngx_str_t                   raw;        /* JA4_r, once computed */
    u_char                      ja4[NGX_SG_JA4_LEN];
    unsigned                    ja4_done:1;
    unsigned                    raw_done:1;
} ngx_http_sg_ja4_conn_t;


#if (NGX_HTTP_SSL)
static void ngx_http_sg_ja4_msg_callback(int write_p, int version,
    int content_type, const void *buf, size_t len, SSL *ssl, void *arg);
static void ngx_http_sg_ja4_capture(ngx_connection_t *c, SSL *ssl,
    const u_char *data, size_t len);
#if (NGX_DEBUG)
static void ngx_http_sg_ja4_debug(ngx_connection_t *c,
    ngx_http_sg_ja4_conn_t *jc);
#endif
#endif
static ngx_http_sg_ja4_conn_t *ngx_http_sg_ja4_conn(ngx_http_request_t *r);
static ngx_int_t ngx_http_sg_ja4_get(ngx_http_sg_ja4_conn_t *jc,
    ngx_uint_t raw, ngx_log_t *log, ngx_str_t *out);
static ngx_int_t ngx_http_sg_ja4_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


/* the ex_data index on SSL objects: allocated once per process */
static int  ngx_http_sg_ja4_index = -1;


static ngx_http_variable_t  ngx_http_sg_ja4_vars[] = {

    { ngx_string("session_guard_ja4"), NULL,
      ngx_http_sg_ja4_variable, 0, 0, 0 },

    { ngx_string("session_guard_ja4_r"), NULL,
      ngx_http_sg_ja4_variable, 1, 0, 0 },

      ngx_http_null_variable
};


/*
 * Called from the module's postconfiguration: every server block has been
 * merged by then, so each ssl-enabled server has its SSL_CTX.
 */

ngx_int_t
ngx_http_sg_ja4_init(ngx_conf_t *cf)
{
#if (NGX_HTTP_SSL)
    ngx_uint_t                    s;
    ngx_http_ssl_srv_conf_t      *sscf;
    ngx_http_core_srv_conf_t    **cscfp;
    ngx_http_core_main_conf_t    *cmcf;
#endif

    if (ngx_http_sg_register_variables(cf, ngx_http_sg_ja4_vars) != NGX_OK) {
        return NGX_ERROR;
    }

#if (NGX_HTTP_SSL)

    if (ngx_http_sg_ja4_index == -1) {
        ngx_http_sg_ja4_index = SSL_get_ex_new_index(0, NULL, NULL, NULL,
                                                     NULL);
        if (ngx_http_sg_ja4_index == -1) {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0,
                          "session_guard: SSL_get_ex_new_index() failed");
            return NGX_ERROR;
        }
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        sscf = cscfp[s]->ctx->srv_conf[ngx_http_ssl_module.ctx_index];

        /* a server without certificates has no SSL_CTX */

        if (sscf == NULL || sscf->ssl.ctx == NULL) {
            continue;
        }

        SSL_CTX_set_msg_callback(sscf->ssl.ctx,
                                 ngx_http_sg_ja4_msg_callback);
    }

#endif

    return NGX_OK;
}


#if (NGX_HTTP_SSL)

static void
ngx_http_sg_ja4_msg_callback(int write_p, int version, int content_type,
    const void *buf, size_t len, SSL *ssl, void *arg)
{
    ngx_connection_t  *c;

    /*
     * Record headers (SSL3_RT_HEADER) and everything the server writes
     * are of no interest; content type 0, never a record type, is how
     * OpenSSL reports an SSLv2-format ClientHello, which JA4 does not
     * cover.
     */

    if (write_p || (content_type != SSL3_RT_HANDSHAKE && content_type != 0)) {
        return;
    }

    SSL_set_msg_callback(ssl, NULL);

    c = ngx_ssl_get_connection(ssl);
    if (c == NULL) {
        return;
    }

    if (content_type != SSL3_RT_HANDSHAKE) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "session_guard: SSLv2-format client hello, "
                      "ja4 unknown");
        return;
    }

    ngx_http_sg_ja4_capture(c, ssl, buf, len);
}


static void
ngx_http_sg_ja4_capture(ngx_connection_t *c, SSL *ssl, const u_char *data,
    size_t len)
{
    ngx_int_t                rc;
    ngx_sg_ja4_hello_t       hello;
    ngx_http_sg_ja4_conn_t  *jc;

    /* the callback is removed after one message; this is a safeguard */

    if (SSL_get_ex_data(ssl, ngx_http_sg_ja4_index) != NULL) {
        return;
    }

    ngx_memzero(&hello, sizeof(ngx_sg_ja4_hello_t));

    /* a QUIC connection is a datagram one (RFC 9001 hellos, "q") */
    hello.quic = (c->type == SOCK_DGRAM);

    rc = ngx_sg_ja4_parse_client_hello(c->pool, &hello, data, len);

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "session_guard: malformed client hello (%uz bytes), "
                      "ja4 unknown", len);
        return;
    }

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0,
                      "session_guard: client hello not parsed, ja4 unknown");
        return;
    }

    jc = ngx_pcalloc(c->pool, sizeof(ngx_http_sg_ja4_conn_t));
    if (jc == NULL) {
        return;
    }

    jc->hello = hello;
    jc->pool = c->pool;

    if (SSL_set_ex_data(ssl, ngx_http_sg_ja4_index, jc) == 0) {
        ngx_ssl_error(NGX_LOG_ERR, c->log, 0,
                      "session_guard: SSL_set_ex_data() failed");
        return;
    }

    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "session_guard: client hello: %ui ciphers, "
                   "%ui extensions, %ui signature algorithms, alpn \"%V\"",
                   hello.nciphers, hello.nextensions, hello.nsigalgs,
                   ngx_http_sg_log_str_pool(c->pool, &hello.alpn));

#if (NGX_DEBUG)
    if (c->log->log_level & NGX_LOG_DEBUG_HTTP) {
        ngx_http_sg_ja4_debug(c, jc);
    }
#endif
}


#if (NGX_DEBUG)

/*
 * With debug logging only: the fingerprint of every hello, even of one
 * whose handshake then fails and so never reaches a variable.
 */

static void
ngx_http_sg_ja4_debug(ngx_connection_t *c, ngx_http_sg_ja4_conn_t *jc)
{
    ngx_str_t  ja4, raw;

    if (ngx_http_sg_ja4_get(jc, 0, c->log, &ja4) == NGX_OK
        && ngx_http_sg_ja4_get(jc, 1, c->log, &raw) == NGX_OK)
    {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, c->log, 0,
                       "session_guard: client hello: ja4 \"%V\" "
                       "ja4_r \"%V\"", &ja4, &raw);
    }
}

#endif

#endif


static ngx_http_sg_ja4_conn_t *
ngx_http_sg_ja4_conn(ngx_http_request_t *r)
{
#if (NGX_HTTP_SSL)
    ngx_connection_t  *c;

    c = r->connection;

    if (c->ssl == NULL || c->ssl->connection == NULL
        || ngx_http_sg_ja4_index == -1)
    {
        return NULL;
    }

    return SSL_get_ex_data(c->ssl->connection, ngx_http_sg_ja4_index);
#else
    return NULL;
#endif
}


/* JA4 (raw 0) or JA4_r (raw 1), computed once per connection */

static ngx_int_t
ngx_http_sg_ja4_get(ngx_http_sg_ja4_conn_t *jc, ngx_uint_t raw,
    ngx_log_t *log, ngx_str_t *out)
{
    if (raw) {
        if (!jc->raw_done) {
            /* the connection's pool: kept while the connection lives */

            if (ngx_sg_ja4_raw(jc->pool, &jc->hello, 0, &jc->raw) != NGX_OK) {
                ngx_log_error(NGX_LOG_ERR, log, 0,
                              "session_guard: ja4_r computation failed");
                return NGX_ERROR;
            }

            jc->raw_done = 1;
        }

        *out = jc->raw;

        return NGX_OK;
    }

    if (!jc->ja4_done) {

        /* a parsed hello is always within bounds: any failure is internal */

        if (ngx_sg_ja4(&jc->hello, 0, jc->ja4) != NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "session_guard: ja4 computation failed");
            return NGX_ERROR;
        }

        jc->ja4_done = 1;
    }

    out->len = NGX_SG_JA4_LEN;
    out->data = jc->ja4;

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_ja4(ngx_http_request_t *r, ngx_str_t *ja4)
{
    ngx_http_sg_ja4_conn_t  *jc;

    ngx_str_null(ja4);

    jc = ngx_http_sg_ja4_conn(r);
    if (jc == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_sg_ja4_get(jc, 0, r->connection->log, ja4) != NGX_OK) {
        ngx_str_null(ja4);
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_ja4_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_str_t                s;
    ngx_http_sg_ja4_conn_t  *jc;

    jc = ngx_http_sg_ja4_conn(r);

    if (jc == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ngx_http_sg_ja4_get(jc, data, r->connection->log, &s) != NGX_OK) {
        return NGX_ERROR;
    }

    v->len = s.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = s.data;

    return NGX_OK;
}
