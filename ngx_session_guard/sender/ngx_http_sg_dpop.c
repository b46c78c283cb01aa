
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Sender-constrained tokens, HTTP side: DPoP (RFC 9449) and the dispatch
 * to the mTLS binding check (RFC 8705, ngx_http_sg_mtls.c).  The proof
 checks themselves are in ngx_sg_dpop.c, the directives in
 * ngx_http_sg_sender_conf.c; here are the request's URI as the proof must
 * name it, the one-"DPoP"-header rule, downgrade rules, replay protection
 * through the zone's jti store, server nonces and the variables (the
 * DPoP challenge is written in ngx_http_sg_challenge.c).
 *
 * ngx_http_sg_sender_check() runs once the token itself is valid.  It
 * returns NGX_OK (accepted), NGX_DECLINED (refused: ctx->reason and
 * ctx->error set) or NGX_ERROR (internal failure: the caller answers 500).
 *
 * Replay: a proof's jti is remembered in the zone, keyed by the proof
 * key's thumbprint and the jti, until its iat plus the window, after
 * which the proof is refused as too old anyway.  The entry is made last,
 * once every other check passed, so a refused request burns no jti.  The
 * same request may pass the access phase again after an internal
 * redirect: a pool cleanup marks the proofs it already accepted.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_mtls.h"



typedef struct {
    ngx_str_t                   key;        /* the replay key */
} ngx_http_sg_dpop_seen_t;


static ngx_int_t ngx_http_sg_dpop_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx, ngx_str_t *token,
    json_t *cnf, ngx_sg_dpop_proof_t *proof);
static ngx_int_t ngx_http_sg_dpop_header(ngx_http_request_t *r,
    ngx_str_t *value);
static ngx_int_t ngx_http_sg_dpop_htu(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *htu);
static ngx_int_t ngx_http_sg_dpop_replay(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_sg_dpop_proof_t *proof);
static void ngx_http_sg_dpop_seen(void *data);
static ngx_int_t ngx_http_sg_dpop_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_http_variable_t  ngx_http_sg_dpop_vars[] = {

    { ngx_string("session_guard_dpop_jkt"), NULL,
      ngx_http_sg_dpop_variable,
      offsetof(ngx_http_sg_ctx_t, dpop_jkt), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_cnf_jkt"), NULL,
      ngx_http_sg_dpop_variable,
      offsetof(ngx_http_sg_ctx_t, cnf_jkt), NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_sg_sender_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *token)
{
    json_t               *cnf, *jkt;
    ngx_int_t             rc;
    ngx_sg_dpop_proof_t   proof;

    cnf = json_object_get(ctx->jws.payload, "cnf");

    if (cnf != NULL && !json_is_object(cnf)) {
        ctx->reason = "bad cnf claim";
        ctx->error = "invalid_token";
        return NGX_DECLINED;
    }

    jkt = cnf ? json_object_get(cnf, "jkt") : NULL;

    if (jkt && json_is_string(jkt)) {
        ctx->cnf_jkt.data = (u_char *) json_string_value(jkt);
        ctx->cnf_jkt.len = json_string_length(jkt);
    }

    rc = ngx_http_sg_dpop_check(r, slcf, ctx, token, cnf, &proof);

    if (rc != NGX_OK && rc != NGX_DONE) {
        return rc;
    }

    if (ngx_http_sg_mtls_check(r, slcf, ctx, cnf) != NGX_OK) {
        ctx->error = "invalid_token";
        return NGX_DECLINED;
    }

    if (rc == NGX_DONE) {
        /* no proof: a bearer token that may go without one */
        return NGX_OK;
    }

    rc = ngx_http_sg_dpop_replay(r, slcf, &proof);

    if (rc != NGX_OK) {
        if (rc == NGX_DECLINED) {
            ctx->reason = "dpop proof replayed";
            ctx->error = "invalid_dpop_proof";
        }

        return rc;
    }

    /* the next nonce, so that the client never has to be told again */

    if (slcf->dpop.nonce && ngx_http_sg_dpop_nonce_header(r) != NGX_OK) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * NGX_OK: a valid proof for this request and this token, in *proof;
 * NGX_DONE: no proof is needed (not the DPoP scheme, and allowed so);
 * NGX_DECLINED, NGX_ERROR.
 */

static ngx_int_t
ngx_http_sg_dpop_check(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *token, json_t *cnf,
    ngx_sg_dpop_proof_t *proof)
{
    ngx_int_t                 rc;
    ngx_str_t                 text;
    const char               *reason;
    ngx_sg_dpop_rules_t       rules;
    ngx_http_sg_main_conf_t  *smcf;

    if (ctx->scheme != NGX_HTTP_SG_SCHEME_DPOP) {

        /*
         * RFC 9449 7.2: a DPoP-bound token is no bearer token, in any
         * mode, "off" included: accepting it without a proof would undo
         * the binding.
         */

        if (cnf && json_object_get(cnf, "jkt") != NULL) {
            ctx->reason = "dpop-bound token without proof";
            ctx->error = "invalid_token";
            return NGX_DECLINED;
        }

        if (slcf->dpop.mode == NGX_HTTP_SG_SENDER_REQUIRED) {
            ctx->reason = "dpop required";
            ctx->error = "invalid_token";
            return NGX_DECLINED;
        }

        return NGX_DONE;
    }

    ctx->error = "invalid_dpop_proof";

    rc = ngx_http_sg_dpop_header(r, &text);

    if (rc == NGX_DECLINED) {
        ctx->reason = text.len ? "multiple dpop proofs" : "missing dpop proof";
        return NGX_DECLINED;
    }

    reason = "";

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    rc = ngx_sg_dpop_parse_cached(r->pool, &text, slcf->dpop.algorithms,
                                  &smcf->dpop_keys, proof, &reason);

    if (proof->header_cached) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "session_guard: dpop header cache hit");
    }

    if (proof->key_cached) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "session_guard: dpop key cache hit");
    }

    ctx->dpop_jkt = proof->jkt;

    if (rc != NGX_OK) {
        ctx->reason = reason;
        return rc;
    }

    rc = ngx_http_sg_dpop_htu(r, slcf, &rules.htu);

    if (rc != NGX_OK) {
        ctx->reason = "bad request uri for dpop";
        return rc;
    }

    rules.algorithms = slcf->dpop.algorithms;
    rules.now = ngx_time();
    rules.window = slcf->dpop.window;
    rules.htm = r->method_name;
    rules.access_token = *token;
    rules.ath = ctx->token_ath;     /* computed once per cached token */

    rc = ngx_sg_dpop_check(r->pool, proof, &rules, &reason);

    if (rc != NGX_OK) {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "session_guard: dpop htu \"%V\", request \"%V\"",
                       ngx_http_sg_log_str(r, &proof->htu),
                       ngx_http_sg_log_str(r, &rules.htu));

        ctx->reason = reason;
        return rc;
    }

    if (slcf->dpop.nonce) {
        rc = ngx_sg_dpop_nonce_check(smcf->dpop_key, rules.now,
                                     slcf->dpop.nonce_period, &proof->nonce,
                                     &reason);
        if (rc != NGX_OK) {
            ctx->reason = reason;
            ctx->error = "use_dpop_nonce";
            return rc;
        }
    }

    /* RFC 9449 7.1: a key binding failure is an invalid token */

    rc = ngx_sg_dpop_jkt_match(proof, cnf, &reason);

    if (rc != NGX_OK) {
        ctx->reason = reason;
        ctx->error = "invalid_token";
        return rc;
    }

    ctx->error = NULL;

    return NGX_OK;
}


/*
 * RFC 9449 4.3, check 1: exactly one DPoP header field.  nginx keeps
 * every field in r->headers_in.headers, duplicates included.  On
 * NGX_DECLINED, value->len says whether there was any.
 */

static ngx_int_t
ngx_http_sg_dpop_header(ngx_http_request_t *r, ngx_str_t *value)
{
    ngx_uint_t                  n;
    ngx_table_elt_t            *h;
    ngx_http_sg_header_iter_t   it;

    static ngx_str_t  name = ngx_string("DPoP");

    n = 0;
    ngx_str_null(value);
    ngx_memzero(&it, sizeof(ngx_http_sg_header_iter_t));

    while ((h = ngx_http_sg_header_next(&r->headers_in.headers, &name, &it))) {
        *value = h->value;
        n++;
    }

    if (n != 1) {
        if (n > 1) {
            value->len = 1;
        }

        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * The URI the client sent the request to, as it must appear in "htu":
 * the public origin (session_guard_dpop_htu_base, else the scheme of the
 * connection and the Host header) and the path of the request line as it
 * was received, before any rewrite; normalised.
 */

static ngx_int_t
ngx_http_sg_dpop_htu(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *htu)
{
    u_char                    *p;
    ngx_str_t                  origin, host, uri;
    const char                *reason;
    ngx_http_core_srv_conf_t  *cscf;

    if (slcf->dpop.origin.len) {
        origin = slcf->dpop.origin;

    } else if (slcf->dpop.htu_base) {
        if (ngx_http_complex_value(r, slcf->dpop.htu_base, &uri) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ngx_sg_uri_normalize(r->pool, &uri, NGX_SG_URI_ORIGIN, &origin,
                                 &reason)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "session_guard: session_guard_dpop_htu_base "
                          "\"%V\": %s", ngx_http_sg_log_str(r, &uri),
                          reason);
            return NGX_DECLINED;
        }

    } else {
        if (r->headers_in.host) {
            host = r->headers_in.host->value;

        } else {
            cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
            host = cscf->server_name;
        }

        origin.len = sizeof("https://") - 1 + host.len;
        origin.data = ngx_pnalloc(r->pool, origin.len);
        if (origin.data == NULL) {
            return NGX_ERROR;
        }

#if (NGX_HTTP_SSL)
        if (r->connection->ssl) {
            p = ngx_cpymem(origin.data, "https://", 8);

        } else
#endif
        {
            p = ngx_cpymem(origin.data, "http://", 7);
        }

        p = ngx_cpymem(p, host.data, host.len);
        origin.len = p - origin.data;
    }

    /* origin-form only ("*" and authority-form name no resource) */

    if (r->unparsed_uri.len == 0 || r->unparsed_uri.data[0] != '/') {
        return NGX_DECLINED;
    }

    uri.len = origin.len + r->unparsed_uri.len;
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(uri.data, origin.data, origin.len);
    ngx_memcpy(p, r->unparsed_uri.data, r->unparsed_uri.len);

    return ngx_sg_uri_normalize(r->pool, &uri, 0, htu, &reason);
}


static ngx_int_t
ngx_http_sg_dpop_replay(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_sg_dpop_proof_t *proof)
{
    u_char                   *p;
    ngx_int_t                 rc;
    ngx_str_t                 key;
    ngx_pool_cleanup_t       *cln;
    ngx_http_sg_dpop_seen_t  *seen;

    if (slcf->zone == NULL) {
        /* the configuration never allows it: fail closed */
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: no zone for dpop replay protection");
        return NGX_ERROR;
    }

    /* "dpop " jkt " " jti: apart from logout jtis and other keys' jtis */

    key.len = sizeof("dpop  ") - 1 + proof->jkt.len + proof->jti.len;
    key.data = ngx_pnalloc(r->pool, key.len);
    if (key.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(key.data, "dpop ", 5);
    p = ngx_cpymem(p, proof->jkt.data, proof->jkt.len);
    *p++ = ' ';
    ngx_memcpy(p, proof->jti.data, proof->jti.len);

    /* accepted by this very request before an internal redirect? */

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler != ngx_http_sg_dpop_seen) {
            continue;
        }

        seen = cln->data;

        if (seen->key.len == key.len
            && ngx_memcmp(seen->key.data, key.data, key.len) == 0)
        {
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "session_guard: dpop proof already accepted "
                           "by this request");
            return NGX_OK;
        }
    }

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_sg_dpop_seen_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    rc = ngx_http_sg_zone_jti(slcf->zone, &key,
                              proof->iat + slcf->dpop.window);

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store a dpop jti, "
                      "request refused",
                      ngx_http_sg_zone_name(slcf->zone));
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        seen = cln->data;
        seen->key = key;
        cln->handler = ngx_http_sg_dpop_seen;
    }

    return rc;
}


/* a marker: the request accepted this proof (see above) */

static void
ngx_http_sg_dpop_seen(void *data)
{
}


/* RFC 9449 8: a DPoP-Nonce header with the nonce of the current slot */

ngx_int_t
ngx_http_sg_dpop_nonce_header(ngx_http_request_t *r)
{
    ngx_table_elt_t          *h;
    ngx_http_sg_loc_conf_t   *slcf;
    ngx_http_sg_main_conf_t  *smcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);
    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, NGX_SG_DPOP_NONCE_LEN);
    if (h->value.data == NULL) {
        h->hash = 0;
        return NGX_ERROR;
    }

    if (ngx_sg_dpop_nonce(smcf->dpop_key, ngx_time(),
                          slcf->dpop.nonce_period, h->value.data)
        != NGX_OK)
    {
        h->hash = 0;
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "DPoP-Nonce");
    h->value.len = NGX_SG_DPOP_NONCE_LEN;

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_dpop_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_dpop_vars);
}


static ngx_int_t
ngx_http_sg_dpop_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t          *s, text;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    s = (ngx_str_t *) ((u_char *) ctx + data);

    if (s->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    /* cnf.jkt is any string the token holds: no control character out */

    if (ngx_sg_text_escape(r->pool, s, &text) != NGX_OK) {
        return NGX_ERROR;
    }

    v->len = text.len;
    v->data = text.data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
