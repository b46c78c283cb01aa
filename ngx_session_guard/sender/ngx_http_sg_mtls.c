
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Certificate-bound access tokens (RFC 8705 section 3): the token's
 * cnf["x5t#S256"] must be base64url(SHA-256(DER of the client
 * certificate of this TLS connection)).
 *
 * The certificate is whatever nginx's "ssl_verify_client" let through;
 * "optional_no_ca" suffices (RFC 8705 2.2, self-signed certificates): the
 * binding rests on the hash, not on a chain.  A token bound to a
 * certificate is never accepted without that certificate, whatever the
 * mode; "off" refuses such tokens outright, as the location is not meant
 * for them.
 *
 * ngx_http_sg_mtls_check(): NGX_OK accepted, NGX_DECLINED refused
 * (ctx->reason set).
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_mtls.h"

#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>


static ngx_int_t ngx_http_sg_mtls_x5t(ngx_http_request_t *r, u_char *out);


ngx_int_t
ngx_http_sg_mtls_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, json_t *cnf)
{
    json_t     *x5t;
    ngx_int_t   rc;
    u_char      hash[NGX_SG_DPOP_JKT_LEN];

    x5t = cnf ? json_object_get(cnf, "x5t#S256") : NULL;

    if (x5t == NULL) {
        if (slcf->mtls == NGX_HTTP_SG_SENDER_REQUIRED) {
            ctx->reason = "token not certificate-bound";
            return NGX_DECLINED;
        }

        return NGX_OK;
    }

    if (slcf->mtls == NGX_HTTP_SG_SENDER_OFF) {
        ctx->reason = "certificate-bound token, mtls off";
        return NGX_DECLINED;
    }

    if (!json_is_string(x5t)) {
        ctx->reason = "bad cnf x5t#S256";
        return NGX_DECLINED;
    }

    rc = ngx_http_sg_mtls_x5t(r, hash);

    if (rc != NGX_OK) {
        ctx->reason = "no client certificate";
        return NGX_DECLINED;
    }

    if (json_string_length(x5t) != NGX_SG_DPOP_JKT_LEN
        || CRYPTO_memcmp(json_string_value(x5t), hash, NGX_SG_DPOP_JKT_LEN)
           != 0)
    {
        ctx->reason = "client certificate mismatch";
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* base64url(SHA-256(DER)) of the connection's client certificate */

static ngx_int_t
ngx_http_sg_mtls_x5t(ngx_http_request_t *r, u_char *out)
{
#if (NGX_HTTP_SSL)

    X509          *cert;
    ngx_str_t      src, dst;
    unsigned int   n;
    u_char         md[EVP_MAX_MD_SIZE];

    if (r->connection->ssl == NULL) {
        return NGX_DECLINED;
    }

#if (OPENSSL_VERSION_NUMBER >= 0x30000000L)
    cert = SSL_get0_peer_certificate(r->connection->ssl->connection);
#else
    cert = SSL_get_peer_certificate(r->connection->ssl->connection);
#endif

    if (cert == NULL) {
        return NGX_DECLINED;
    }

    /* X509_digest() hashes the DER encoding */

    if (X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32) {
        ERR_clear_error();
        n = 0;
    }

#if (OPENSSL_VERSION_NUMBER < 0x30000000L)
    X509_free(cert);
#endif

    if (n == 0) {
        return NGX_DECLINED;
    }

    src.data = md;
    src.len = 32;
    dst.data = out;

    ngx_encode_base64url(&dst, &src);

    return NGX_OK;

#else

    return NGX_DECLINED;

#endif
}
