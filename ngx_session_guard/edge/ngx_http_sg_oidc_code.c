
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_oidc: the way back from the provider (the redirect URI).
 *
 *   1. The pre-login cookie must open (sealed by this edge, for a state,
 *      not expired) and its state equal the "state" parameter; the state
 *      is then spent in the zone (single use, across workers and the
 *      fleet's one zone).  An "error" from the provider ends it here.
 *   2. The code is exchanged at the token endpoint, through the location
 *      "token=" (a background subrequest with none of the client's
 *      headers; the request waits without blocking, up to "timeout"):
 *      grant_type, code, redirect_uri, code_verifier (PKCE), and the
 *      client's authentication (client_secret_basic or _post,
 *      private_key_jwt, or its client_id alone for a public client).
 *   3. The answer's id_token is checked as the location checks a token
 *      (its keys, files or fetched, its algorithms, session_guard_issuer,
 *      the leeway), with the client id as the only audience, then as
 *      OpenID Connect Core 3.1.3.7 asks: "nonce" the login's, "azp" the
 *      client id when present (and present when there are several
 *      audiences), "sub" and "iat" present, "at_hash" and "c_hash"
 *      right when present.
 *   4. The claims kept become the request's verified claims, under a new
 *      session id (or the step-up's own session, for the same subject),
 *      and the session check runs: the session is made here, bound to
 *      this request; ngx_http_sg_oidc_answer() then sets its cookie.
 *
 * Failures are an HTML page of the edge's (ngx_http_sg_oidc_page()) with
 * a fixed sentence, and one log line with the reason; nothing is kept.
 * 403: the state does not hold; 401: the provider's error, a refused
 * code, an ID token that does not hold; 502: the token endpoint failed.
 */


#include "ngx_http_sg.h"

#include "ngx_sg_redirect.h"
#include "ngx_sg_sha256.h"
#include "ngx_sg_percent.h"

#include <openssl/crypto.h>


#define NGX_HTTP_SG_OIDC_CODE_MAX       2048
#define NGX_HTTP_SG_OIDC_JWT_BEARER                                          \
    "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
#define NGX_HTTP_SG_OIDC_ASSERTION_TTL  60


static ngx_int_t ngx_http_sg_oidc_state(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_oidc_req_t *q);
static ngx_int_t ngx_http_sg_oidc_arg(ngx_http_request_t *r, char *name,
    size_t len, ngx_str_t *out);
static ngx_int_t ngx_http_sg_oidc_fail(ngx_http_request_t *r,
    ngx_uint_t status, const char *what, ngx_http_sg_oidc_req_t *q);
static ngx_int_t ngx_http_sg_oidc_ask(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_oidc_req_t *q);
static ngx_int_t ngx_http_sg_oidc_form(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_oidc_req_t *q, ngx_str_t *body,
    ngx_str_t *basic);
static ngx_int_t ngx_http_sg_oidc_assertion(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *out);
static ngx_int_t ngx_http_sg_oidc_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc);
static void ngx_http_sg_oidc_timeout(ngx_event_t *ev);
static ngx_int_t ngx_http_sg_oidc_outcome(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx,
    ngx_http_sg_oidc_req_t *q);
static ngx_int_t ngx_http_sg_oidc_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);


static ngx_http_output_body_filter_pt  ngx_http_sg_oidc_next_body_filter;




ngx_int_t
ngx_http_sg_oidc_callback(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx)
{
    ngx_int_t                rc;
    ngx_str_t                error, iss;
    ngx_http_sg_oidc_req_t  *q;

    q = ctx->oidc;

    if (q) {
        if (q->stage == NGX_HTTP_SG_OIDC_ASKING) {
            /* the phase ran again before the answer: wait on */
            return NGX_AGAIN;
        }

        return ngx_http_sg_oidc_outcome(r, slcf, ctx, q);
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return ngx_http_sg_oidc_page(r, NGX_HTTP_NOT_ALLOWED,
                                     "The sign-in answer came the wrong way.",
                                     NULL);
    }

    q = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_oidc_req_t));
    if (q == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    q->wait.request = r;
    q->conf = slcf->oidc;

    rc = ngx_http_sg_oidc_state(r, slcf, q);

    if (rc != NGX_OK) {
        return rc;
    }

    /*
     * RFC 9207: an "iss" on the way back names the provider that answered;
     * another one than ours is a mix-up, refused before any exchange
     */

    rc = ngx_http_sg_oidc_arg(r, "iss", 3, &iss);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK
        && (iss.len != slcf->issuer.len
            || ngx_strncmp(iss.data, slcf->issuer.data, iss.len) != 0))
    {
        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: login refused: iss \"%V\" is not the "
                      "issuer", ngx_http_sg_log_str(r, &iss));

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_UNAUTHORIZED,
                                     "The identity provider's answer could "
                                     "not be trusted.", q);
    }

    /* the provider's own answer: no code (RFC 6749 4.1.2.1) */

    rc = ngx_http_sg_oidc_arg(r, "error", 5, &error);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK) {
        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: login failed at the identity "
                      "provider: \"%V\"", ngx_http_sg_log_str(r, &error));

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_UNAUTHORIZED,
                                     "The identity provider did not sign "
                                     "you in.", q);
    }

    rc = ngx_http_sg_oidc_arg(r, "code", 4, &q->code);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK || q->code.len == 0
        || q->code.len > NGX_HTTP_SG_OIDC_CODE_MAX)
    {
        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: login refused: %s",
                      rc == NGX_OK && q->code.len ? "code too long"
                                                  : "no code");

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_UNAUTHORIZED,
                                     "The sign-in answer is incomplete.", q);
    }

    return ngx_http_sg_oidc_ask(r, slcf, ctx, q);
}


/*
 * The pre-login cookie against the "state" parameter, then spent: NGX_OK,
 * or the answer (a page: NGX_DONE; 500)
 */

static ngx_int_t
ngx_http_sg_oidc_state(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_oidc_req_t *q)
{
    time_t                    e;
    json_t                   *root;
    ngx_int_t                 rc;
    ngx_str_t                 value, plain, state, key, purpose;
    const char               *reason;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;
    reason = NULL;

    rc = ngx_http_sg_oidc_cookie_get(r,
                                 &oc->state_cookie[ngx_http_sg_oidc_https(r)],
                                 &value);

    if (rc == NGX_DECLINED) {
        reason = "no pre-login cookie";
        goto refused;
    }

    if (rc == NGX_BUSY) {
        reason = "pre-login cookie sent twice";
        goto refused;
    }

    if (ngx_http_sg_oidc_purpose(r, slcf, 1, &purpose) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_sg_seal_open(r->pool, oc->key, &purpose, &value, &plain);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK) {
        reason = "pre-login cookie does not open";
        goto refused;
    }

    rc = ngx_sg_json_parse_object(r->pool, plain.data, plain.len,
                                  NGX_SG_JSON_MAX_DEPTH, &root, &reason);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK
        || ngx_sg_json_string(root, "s", &q->state) != NGX_OK
        || ngx_sg_json_string(root, "n", &q->nonce) != NGX_OK
        || ngx_sg_json_string(root, "v", &q->verifier) != NGX_OK
        || ngx_sg_json_string(root, "r", &q->ret) != NGX_OK
        || ngx_sg_json_string(root, "p", &q->prev) != NGX_OK
        || ngx_sg_json_time(json_object_get(root, "e"), &e) != NGX_OK
        || q->state.len == 0 || q->nonce.len == 0 || q->verifier.len < 43
        || q->ret.len == 0 || q->ret.data[0] != '/')
    {
        reason = "pre-login cookie unreadable";
        goto refused;
    }

    if (ngx_time() >= e) {
        reason = "login took too long (login_time)";
        goto refused;
    }

    rc = ngx_http_sg_oidc_arg(r, "state", 5, &state);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK) {
        reason = "no state";
        goto refused;
    }

    if (state.len != q->state.len
        || CRYPTO_memcmp(state.data, q->state.data, state.len) != 0)
    {
        reason = "state mismatch";
        goto refused;
    }

    /* single use, across the workers: the zone keeps it until it expires */

    key.len = sizeof("oidc ") - 1 + state.len;
    key.data = ngx_pnalloc(r->pool, key.len);
    if (key.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(ngx_cpymem(key.data, "oidc ", 5), state.data, state.len);

    rc = ngx_http_sg_zone_jti(slcf->zone, &key, e);

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "session_guard: zone \"%V\" cannot store a login's "
                      "state, login refused",
                      ngx_http_sg_zone_name(slcf->zone));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != NGX_OK) {
        reason = "state used before";
        goto refused;
    }

    return NGX_OK;

refused:

    ngx_log_error(slcf->log_level, r->connection->log, 0,
                  "session_guard: login refused: %s", reason);

    return ngx_http_sg_oidc_page(r, NGX_HTTP_FORBIDDEN,
                                 "This sign-in is not valid here, or not "
                                 "any more.", NULL);
}


/*
 * A login that fails once its state is spent: the pre-login cookie has
 * served, the page offers to start again
 */

static ngx_int_t
ngx_http_sg_oidc_fail(ngx_http_request_t *r, ngx_uint_t status,
    const char *what, ngx_http_sg_oidc_req_t *q)
{
    ngx_http_sg_oidc_conf_t  *oc;

    oc = q->conf;

    if (ngx_http_sg_oidc_set_cookie(r, oc,
                                &oc->state_cookie[ngx_http_sg_oidc_https(r)],
                                NULL, 0)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_sg_oidc_page(r, status, what, &q->ret);
}


/* a query parameter, percent-decoded: NGX_OK, NGX_DECLINED none, error */

static ngx_int_t
ngx_http_sg_oidc_arg(ngx_http_request_t *r, char *name, size_t len,
    ngx_str_t *out)
{
    ngx_int_t  rc;
    ngx_str_t  raw;

    if (ngx_http_arg(r, (u_char *) name, len, &raw) != NGX_OK) {
        return NGX_DECLINED;
    }

    rc = ngx_sg_percent_decode(r->pool, &raw, NGX_SG_PERCENT_FORM, out);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    return rc == NGX_OK ? NGX_OK : NGX_DECLINED;
}


/* the token request, in the background */

static ngx_int_t
ngx_http_sg_oidc_ask(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_oidc_req_t *q)
{
    ngx_str_t                    *body, type, basic;
    ngx_table_elt_t              *h;
    ngx_pool_cleanup_t           *cln;
    ngx_http_request_t           *sr;
    ngx_http_sg_bare_t            bare;
    ngx_http_sg_oidc_conf_t      *oc;
    ngx_http_post_subrequest_t   *ps;

    oc = slcf->oidc;

    /* all allocated first: once created, the subrequest runs */

    body = ngx_palloc(r->pool, sizeof(ngx_str_t));
    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (body == NULL || ps == NULL || cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_sg_oidc_form(r, slcf, q, body, &basic) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&type, "application/x-www-form-urlencoded");

    if (ngx_http_sg_bare_post_init(r, &bare, &type, body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (basic.len) {
        h = ngx_list_push(&bare.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memzero(h, sizeof(ngx_table_elt_t));
        ngx_str_set(&h->key, "Authorization");
        h->value = basic;
        h->lowcase_key = (u_char *) "authorization";
        h->hash = ngx_hash_key(h->lowcase_key, h->key.len);
    }

    q->stage = NGX_HTTP_SG_OIDC_ASKING;
    q->wait.started = ngx_current_msec;

    ps->handler = ngx_http_sg_oidc_done;
    ps->data = q;

    if (ngx_http_subrequest(r, &oc->token_uri,
                            oc->token_args.len ? &oc->token_args : NULL,
                            &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_BACKGROUND)
        != NGX_OK)
    {
        q->stage = 0;
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->oidc = q;

    ngx_http_sg_bare_post(sr, &bare);
    sr->header_only = 0;

    ngx_http_sg_wait_arm(&q->wait, sr, oc->timeout, ngx_http_sg_oidc_timeout,
                         cln);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "session_guard: exchanging the code at \"%V\"",
                   &oc->token_uri);

    return NGX_AGAIN;
}


/*
 * The form (RFC 6749 4.1.3, RFC 7636 4.5), and "Basic ..." for
 * client_secret_basic (RFC 6749 2.3.1: both parts form-encoded first)
 */

static ngx_int_t
ngx_http_sg_oidc_form(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_oidc_req_t *q, ngx_str_t *body, ngx_str_t *basic)
{
    u_char                   *p;
    size_t                    len;
    ngx_str_t                 redirect_uri, enc, plain, assertion;
    ngx_http_sg_oidc_conf_t  *oc;

    oc = slcf->oidc;

    /* the one sent with the authorization request (ngx_http_sg_oidc.c) */

    if (ngx_http_sg_oidc_absolute(r, &oc->redirect, &redirect_uri) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_str_null(&assertion);

    if (oc->client_auth == NGX_HTTP_SG_OIDC_AUTH_JWT
        && ngx_http_sg_oidc_assertion(r, slcf, &assertion) != NGX_OK)
    {
        return NGX_ERROR;
    }

    len = sizeof("grant_type=authorization_code&code=&redirect_uri="
                 "&code_verifier=&client_id=&client_secret="
                 "&client_assertion_type=" NGX_HTTP_SG_OIDC_JWT_BEARER
                 "&client_assertion=") - 1
          + 3 * (q->code.len + redirect_uri.len + q->verifier.len
                 + oc->client_id.len + oc->secret.len
                 + q->refresh_token.len)
          + assertion.len;

    body->data = ngx_pnalloc(r->pool, len);
    if (body->data == NULL) {
        return NGX_ERROR;
    }

    if (q->refreshing) {
        /* RFC 6749 6 */
        p = ngx_cpymem(body->data, "grant_type=refresh_token&refresh_token=",
                       sizeof("grant_type=refresh_token&refresh_token=")
                       - 1);
        p = ngx_sg_escape(p, &q->refresh_token);

    } else {
        p = ngx_cpymem(body->data, "grant_type=authorization_code&code=",
                       sizeof("grant_type=authorization_code&code=") - 1);
        p = ngx_sg_escape(p, &q->code);
        p = ngx_cpymem(p, "&redirect_uri=", sizeof("&redirect_uri=") - 1);
        p = ngx_sg_escape(p, &redirect_uri);
        p = ngx_cpymem(p, "&code_verifier=", sizeof("&code_verifier=") - 1);
        p = ngx_sg_escape(p, &q->verifier);
    }

    if (oc->client_auth != NGX_HTTP_SG_OIDC_AUTH_BASIC) {
        p = ngx_cpymem(p, "&client_id=", sizeof("&client_id=") - 1);
        p = ngx_sg_escape(p, &oc->client_id);
    }

    if (oc->client_auth == NGX_HTTP_SG_OIDC_AUTH_POST) {
        p = ngx_cpymem(p, "&client_secret=", sizeof("&client_secret=") - 1);
        p = ngx_sg_escape(p, &oc->secret);
    }

    if (oc->client_auth == NGX_HTTP_SG_OIDC_AUTH_JWT) {
        p = ngx_cpymem(p, "&client_assertion_type=" NGX_HTTP_SG_OIDC_JWT_BEARER
                          "&client_assertion=",
                       sizeof("&client_assertion_type="
                              NGX_HTTP_SG_OIDC_JWT_BEARER
                              "&client_assertion=") - 1);
        p = ngx_cpymem(p, assertion.data, assertion.len);
    }

    body->len = p - body->data;

    ngx_str_null(basic);

    if (oc->client_auth != NGX_HTTP_SG_OIDC_AUTH_BASIC) {
        return NGX_OK;
    }

    plain.data = ngx_pnalloc(r->pool, 3 * (oc->client_id.len
                                           + oc->secret.len) + 1);
    if (plain.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sg_escape(plain.data, &oc->client_id);
    *p++ = ':';
    p = ngx_sg_escape(p, &oc->secret);
    plain.len = p - plain.data;

    basic->data = ngx_pnalloc(r->pool, sizeof("Basic ") - 1
                                       + ngx_base64_encoded_length(plain.len));
    if (basic->data == NULL) {
        return NGX_ERROR;
    }

    enc.data = ngx_cpymem(basic->data, "Basic ", 6);
    ngx_encode_base64(&enc, &plain);
    basic->len = 6 + enc.len;

    ngx_explicit_memzero(plain.data, plain.len);

    return NGX_OK;
}


/*
 * private_key_jwt (OpenID Connect Core 9, RFC 7523): a JWT of the client,
 * signed with its key, for the token endpoint: iss and sub the client id,
 * aud client_aud= or the issuer, a fresh jti, a minute to live
 */

static ngx_int_t
ngx_http_sg_oidc_assertion(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *out)
{
    u_char                   *p;
    time_t                    now;
    ngx_str_t                 payload, aud, jti, typ;
    ngx_http_sg_oidc_conf_t  *oc;
    u_char                    jti_buf[NGX_SG_JTI_LEN];

    oc = slcf->oidc;
    aud = oc->client_aud.len ? oc->client_aud : slcf->issuer;
    now = ngx_time();

    jti.data = jti_buf;

    if (ngx_sg_jti(&jti) != NGX_OK) {
        return NGX_ERROR;
    }

    payload.len = sizeof("{\"iss\":\"\",\"sub\":\"\",\"aud\":\"\","
                         "\"jti\":\"\",\"iat\":,\"exp\":}") - 1
                  + 2 * oc->client_id.len + aud.len + jti.len
                  + ngx_escape_json(NULL, aud.data, aud.len)
                  + 2 * NGX_TIME_T_LEN;

    payload.data = ngx_pnalloc(r->pool, payload.len);
    if (payload.data == NULL) {
        return NGX_ERROR;
    }

    /* the client id is printable, without '"' or '\\' (checked) */

    p = ngx_sprintf(payload.data, "{\"iss\":\"%V\",\"sub\":\"%V\","
                    "\"aud\":\"", &oc->client_id, &oc->client_id);
    p = (u_char *) ngx_escape_json(p, aud.data, aud.len);
    p = ngx_sprintf(p, "\",\"jti\":\"%V\",\"iat\":%T,\"exp\":%T}", &jti, now,
                    now + NGX_HTTP_SG_OIDC_ASSERTION_TTL);

    payload.len = p - payload.data;

    ngx_str_null(&typ);

    return ngx_sg_jws_sign(r->pool, oc->client_key, &typ, &payload, out);
}


/* the subrequest ended (perhaps twice: only the first counts) */

static ngx_int_t
ngx_http_sg_oidc_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_sg_oidc_req_t *q = data;

    ngx_uint_t  late;

    if (q->wait.sr != sr) {
        return NGX_OK;
    }

    q->wait.sr = NULL;

    late = (q->stage != NGX_HTTP_SG_OIDC_ASKING);

    if (late && !q->refreshing) {
        /* the deadline passed: the login went on without it */
        return NGX_OK;
    }

    q->stage = NGX_HTTP_SG_OIDC_FAILED;
    q->error = NULL;

    if (rc == NGX_ERROR || rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        q->error = "the token request failed";

    } else if (q->body.too_large) {
        q->error = "the token endpoint's answer is too large";

    } else {
        q->status = sr->headers_out.status;

        if (sr->out && sr->out->buf) {
            q->answer.data = sr->out->buf->pos;
            q->answer.len = sr->out->buf->last - sr->out->buf->pos;
        }

        q->stage = NGX_HTTP_SG_OIDC_ANSWERED;
    }

    /*
     * A refresh's outcome is kept whenever it comes, even after the
     * request went on: the provider may have spent the old refresh token
     */

    if (q->refreshing) {
        ngx_http_sg_oidc_refresh_result(sr, q);
    }

    if (late) {
        return NGX_OK;
    }

    ngx_http_sg_wait_ended(&q->wait);

    return NGX_OK;
}


static void
ngx_http_sg_oidc_timeout(ngx_event_t *ev)
{
    ngx_http_sg_oidc_req_t *q = ev->data;

    if (q->stage == NGX_HTTP_SG_OIDC_ASKING) {
        q->stage = NGX_HTTP_SG_OIDC_FAILED;
        q->error = "no answer from the token endpoint in time";
    }

    ngx_http_sg_wait_wake(ev);
}


/* the token endpoint's answer, once the request runs again */

static ngx_int_t
ngx_http_sg_oidc_outcome(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_http_sg_oidc_req_t *q)
{
    json_t      *root;
    ngx_int_t    rc;
    ngx_str_t    token, access, error;
    const char  *reason;

    if (!q->wait.used) {
        ngx_http_sg_wait_take(&q->wait);

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "session_guard: token endpoint took %M ms",
                       ngx_current_msec - q->wait.started);
    }

    if (q->callback) {
        /* checked in an earlier run of the phase: the claims stand */
        ctx->jws.payload = q->claims;
        ctx->verified = 1;
        ctx->authentic = 1;
        ctx->login_id = q->id;
        return NGX_OK;
    }

    if (q->refreshing) {
        return ngx_http_sg_oidc_refreshed(r, slcf, ctx, q);
    }

    if (q->stage == NGX_HTTP_SG_OIDC_FAILED) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: login failed: %s (\"%V\")", q->error,
                      &q->conf->token_uri);

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_BAD_GATEWAY,
                                     "The identity provider could not be "
                                     "reached.", q);
    }

    reason = NULL;
    root = NULL;

    rc = (q->answer.len == 0) ? NGX_DECLINED
         : ngx_sg_json_parse_object(r->pool, q->answer.data, q->answer.len,
                                    NGX_SG_JSON_MAX_DEPTH, &root, &reason);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (q->status != NGX_HTTP_OK) {

        /* RFC 6749 5.2: a refused code is a 400 with an "error" */

        if (q->status >= 400 && q->status < 500 && rc == NGX_OK
            && ngx_sg_json_string(root, "error", &error) == NGX_OK
            && error.len)
        {
            ngx_log_error(slcf->log_level, r->connection->log, 0,
                          "session_guard: login refused: the token endpoint "
                          "answered %ui \"%V\"", q->status,
                          ngx_http_sg_log_str(r, &error));

            return ngx_http_sg_oidc_fail(r, NGX_HTTP_UNAUTHORIZED,
                                         "The identity provider refused "
                                         "this sign-in.", q);
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: login failed: the token endpoint "
                      "answered status %ui", q->status);

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_BAD_GATEWAY,
                                     "The identity provider could not be "
                                     "reached.", q);
    }

    if (rc != NGX_OK
        || ngx_sg_json_string(root, "id_token", &token) != NGX_OK
        || token.len == 0)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: login failed: the token endpoint's "
                      "answer is not JSON with an \"id_token\"");

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_BAD_GATEWAY,
                                     "The identity provider answered "
                                     "wrongly.", q);
    }

    if (ngx_sg_json_string(root, "access_token", &access) != NGX_OK) {
        ngx_str_null(&access);
    }

    rc = ngx_http_sg_oidc_id_token(r, slcf, ctx, q, &token, &access,
                                   &reason);

    if (rc == NGX_AGAIN) {
        /* the keys are fetched: the phase runs again after */
        return NGX_AGAIN;
    }

    if (rc == NGX_ERROR) {
        if (!ctx->error_logged) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: login failed: internal error "
                          "while checking the ID token");
        }

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                     "The sign-in could not be checked.", q);
    }

    if (rc != NGX_OK) {
        ctx->status = NGX_HTTP_SG_STATUS_INVALID;
        ctx->reason = reason;

        ngx_log_error(slcf->log_level, r->connection->log, 0,
                      "session_guard: login refused: ID token rejected: "
                      "\"%s\"", reason);

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_UNAUTHORIZED,
                                     "The identity provider's answer could "
                                     "not be trusted.", q);
    }

    if (slcf->oidc->tokens
        && ngx_http_sg_oidc_token_fields(r, slcf->oidc, root, q, &reason)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: login failed: the token endpoint's "
                      "answer: %s", reason);

        return ngx_http_sg_oidc_fail(r, NGX_HTTP_BAD_GATEWAY,
                                     "The identity provider answered "
                                     "wrongly.", q);
    }

    rc = ngx_http_sg_oidc_keep(r, slcf->oidc, ctx, q);

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: login failed: the claims of the ID "
                      "token cannot be kept");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_sg_oidc_new_id(r, slcf, q, &ctx->session.sub)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->jws.payload = q->claims;
    ctx->verified = 1;
    ctx->authentic = 1;
    ctx->login_id = q->id;
    q->callback = 1;

    return NGX_OK;
}


/*
 * tokens= refresh=on: the access token is refreshed (RFC 6749 6) before
 * the request goes on; the claims of the login stay the cookie's
 */

ngx_int_t
ngx_http_sg_oidc_refresh(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_str_t *rt, ngx_str_t *at, time_t at_exp,
    time_t expires)
{
    ngx_int_t                rc;
    ngx_http_sg_oidc_req_t  *q;

    q = ngx_pcalloc(r->pool, sizeof(ngx_http_sg_oidc_req_t));
    if (q == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    q->wait.request = r;
    q->conf = slcf->oidc;
    q->refreshing = 1;
    q->id = ctx->login_id;
    q->claims = ctx->jws.payload;
    q->refresh_token = *rt;
    q->old_access = *at;
    q->old_exp = at_exp;
    q->expires = expires;

    rc = ngx_http_sg_oidc_ask(r, slcf, ctx, q);

    if (rc != NGX_AGAIN) {
        ngx_http_sg_tokens_unclaim(slcf->oidc->tokens, &q->id);
    }

    return rc;
}


/* the token endpoint's answer, against max_size (ngx_http_sg_body_limit()) */

ngx_int_t
ngx_http_sg_oidc_filter_init(ngx_conf_t *cf)
{
    ngx_http_sg_oidc_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_sg_oidc_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_oidc_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_sg_oidc_req_t  *q;

    if (r != r->main
        && r->post_subrequest
        && r->post_subrequest->handler == ngx_http_sg_oidc_done)
    {
        q = r->post_subrequest->data;
        ngx_http_sg_body_limit(r, in, &q->body, q->conf->max_size);
    }

    return ngx_http_sg_oidc_next_body_filter(r, in);
}
