
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_oidc (what it does: ngx_http_sg_oidc.c):
 *
 *   session_guard_oidc client_id=ID authorize=URL token=URI key=FILE
 *       [secret=FILE] [client_auth=basic|post] | [client_key=FILE
 *       [client_aud=URL]] [redirect=PATH]
 *       [scope=SCOPES] [params=QUERY] [cookie=NAME] [claims=NAME,...]
 *       [logout=PATH] [end_session=URL] [post_logout=URL]
 *       [timeout=TIME] [login_time=TIME] [persistent=on|off]
 *       [tokens=ZONE:SIZE [refresh=on|off]] [headers=NAME:CLAIM,...] | off
 *                                               (http, server, location)
 *
 * Everything is checked here, so that a request never meets a value it
 * cannot use: URLs as ngx_sg_redirect_base() takes them, paths from the
 * root, names and scopes of printable ASCII that need no escaping where
 * they go, the client secret and the cookie key read from their files
 * (never in the configuration text).
 */


#include "ngx_http_sg.h"

#include "ngx_sg_redirect.h"
#include "ngx_sg_sha256.h"
#include "ngx_sg_cookie.h"


#define NGX_HTTP_SG_OIDC_KEY_MIN        32
#define NGX_HTTP_SG_OIDC_SECRET_MAX     1024
#define NGX_HTTP_SG_OIDC_CLAIMS_MAX     16


/* the claims a login keeps anyway (ngx_http_sg_oidc_token.c) */
static const char  *ngx_http_sg_oidc_standard[] = {
    "iss", "sub", "sid", "auth_time", "acr", "amr", "azp", NULL
};


static char *ngx_http_sg_oidc_file(ngx_conf_t *cf, ngx_str_t *file,
    size_t min, ngx_str_t *out);
static char *ngx_http_sg_oidc_signer(ngx_conf_t *cf, ngx_str_t *file,
    ngx_sg_signer_t **signer);
static ngx_int_t ngx_http_sg_oidc_path(ngx_str_t *s);
static ngx_int_t ngx_http_sg_oidc_printable(ngx_str_t *s, const char *more);
static char *ngx_http_sg_oidc_names(ngx_conf_t *cf,
    ngx_http_sg_oidc_conf_t *oc, ngx_str_t *name);
static char *ngx_http_sg_oidc_claims(ngx_conf_t *cf,
    ngx_http_sg_oidc_conf_t *oc, ngx_str_t *list);
static char *ngx_http_sg_oidc_headers(ngx_conf_t *cf,
    ngx_http_sg_oidc_conf_t *oc, ngx_str_t *list);
static ngx_int_t ngx_http_sg_oidc_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_sg_oidc_vars[] = {

    { ngx_string("session_guard_access_token"), NULL,
      ngx_http_sg_oidc_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_NOHASH, 0 },

      ngx_http_null_variable
};


char *
ngx_http_sg_oidc(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    u_char                   *q;
    char                     *rv;
    ngx_str_t                *value, v, key, cookie, secret, client_key;
    size_t                    size;
    ngx_str_t                 zone;
    ngx_uint_t                i, auth_set;
    ngx_http_sg_oidc_conf_t  *oc;

    if (slcf->oidc != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts > 2) {
            return "takes no parameters with \"off\"";
        }

        slcf->oidc = NULL;
        return NGX_CONF_OK;
    }

    oc = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_oidc_conf_t));
    if (oc == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_str_set(&oc->redirect, "/session_guard/callback");
    ngx_str_set(&oc->scope, "openid");
    ngx_str_set(&cookie, "sg_login");
    ngx_str_set(&oc->post_logout, "/");
    ngx_str_null(&key);
    ngx_str_null(&secret);
    ngx_str_null(&client_key);
    oc->timeout = 5000;
    oc->login_time = 600;
    oc->max_size = 16384;
    auth_set = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        v = value[i];

        if (ngx_strncmp(v.data, "client_id=", 10) == 0) {
            oc->client_id.data = v.data + 10;
            oc->client_id.len = v.len - 10;

            if (oc->client_id.len == 0 || oc->client_id.len > 256
                || ngx_http_sg_oidc_printable(&oc->client_id, "") != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "authorize=", 10) == 0) {
            oc->authorize.data = v.data + 10;
            oc->authorize.len = v.len - 10;

            if (ngx_sg_redirect_base(&oc->authorize) != NGX_OK
                || oc->authorize.data[0] == '/')
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"authorize=\" must be an absolute "
                                   "http or https URL without a fragment");
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "token=", 6) == 0) {
            oc->token_uri.data = v.data + 6;
            oc->token_uri.len = v.len - 6;

            if (oc->token_uri.len == 0 || oc->token_uri.data[0] != '/') {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"token=\" must be a location's uri "
                                   "(starting with \"/\"), which passes "
                                   "the request to the token endpoint");
                return NGX_CONF_ERROR;
            }

            q = ngx_strlchr(oc->token_uri.data,
                            oc->token_uri.data + oc->token_uri.len, '?');
            if (q) {
                oc->token_args.data = q + 1;
                oc->token_args.len = oc->token_uri.data + oc->token_uri.len
                                     - (q + 1);
                oc->token_uri.len = q - oc->token_uri.data;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "key=", 4) == 0) {
            key.data = v.data + 4;
            key.len = v.len - 4;
            continue;
        }

        if (ngx_strncmp(v.data, "secret=", 7) == 0) {
            secret.data = v.data + 7;
            secret.len = v.len - 7;
            continue;
        }

        if (ngx_strncmp(v.data, "client_key=", 11) == 0) {
            client_key.data = v.data + 11;
            client_key.len = v.len - 11;
            continue;
        }

        if (ngx_strncmp(v.data, "client_aud=", 11) == 0) {
            oc->client_aud.data = v.data + 11;
            oc->client_aud.len = v.len - 11;

            if (oc->client_aud.len == 0 || oc->client_aud.len > 1024
                || ngx_http_sg_oidc_printable(&oc->client_aud, "%&=")
                   != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strcmp(v.data, "client_auth=basic") == 0) {
            oc->client_auth = NGX_HTTP_SG_OIDC_AUTH_BASIC;
            auth_set = 1;
            continue;
        }

        if (ngx_strcmp(v.data, "client_auth=post") == 0) {
            oc->client_auth = NGX_HTTP_SG_OIDC_AUTH_POST;
            auth_set = 1;
            continue;
        }

        if (ngx_strncmp(v.data, "redirect=", 9) == 0) {
            oc->redirect.data = v.data + 9;
            oc->redirect.len = v.len - 9;

            if (ngx_http_sg_oidc_path(&oc->redirect) != NGX_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "logout=", 7) == 0) {
            oc->logout.data = v.data + 7;
            oc->logout.len = v.len - 7;

            if (ngx_http_sg_oidc_path(&oc->logout) != NGX_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "scope=", 6) == 0) {
            oc->scope.data = v.data + 6;
            oc->scope.len = v.len - 6;

            /* RFC 6749 3.3: scope tokens, space-delimited; openid in it */

            if (oc->scope.len == 0 || oc->scope.len > 1024
                || ngx_http_sg_oidc_printable(&oc->scope, " ") != NGX_OK
                || ngx_strlcasestrn(oc->scope.data,
                                    oc->scope.data + oc->scope.len,
                                    (u_char *) "openid", 6 - 1) == NULL)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"scope=\" must be printable ASCII "
                                   "scopes, \"openid\" among them");
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "params=", 7) == 0) {
            oc->params.data = v.data + 7;
            oc->params.len = v.len - 7;

            /* name=value pairs, already percent-encoded, no fragment */

            if (oc->params.len > 1024
                || ngx_http_sg_oidc_printable(&oc->params, "=&%") != NGX_OK)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "cookie=", 7) == 0) {
            cookie.data = v.data + 7;
            cookie.len = v.len - 7;
            continue;
        }

        if (ngx_strncmp(v.data, "claims=", 7) == 0) {
            v.data += 7;
            v.len -= 7;

            rv = ngx_http_sg_oidc_claims(cf, oc, &v);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "end_session=", 12) == 0) {
            oc->end_session.data = v.data + 12;
            oc->end_session.len = v.len - 12;

            if (ngx_sg_redirect_base(&oc->end_session) != NGX_OK
                || oc->end_session.data[0] == '/')
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "post_logout=", 12) == 0) {
            oc->post_logout.data = v.data + 12;
            oc->post_logout.len = v.len - 12;

            if (ngx_sg_redirect_base(&oc->post_logout) != NGX_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "timeout=", 8) == 0) {
            v.data += 8;
            v.len -= 8;

            oc->timeout = ngx_parse_time(&v, 0);

            if (oc->timeout == (ngx_msec_t) NGX_ERROR || oc->timeout == 0
                || oc->timeout > 60000)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "login_time=", 11) == 0) {
            v.data += 11;
            v.len -= 11;

            oc->login_time = ngx_parse_time(&v, 1);

            if (oc->login_time == (time_t) NGX_ERROR || oc->login_time < 10
                || oc->login_time > 3600)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "tokens=", 7) == 0) {
            v.data += 7;
            v.len -= 7;

            q = ngx_strlchr(v.data, v.data + v.len, ':');

            if (q == NULL || q == v.data) {
                goto invalid;
            }

            zone.data = v.data;
            zone.len = q - v.data;
            v.data = q + 1;
            v.len -= zone.len + 1;

            size = ngx_parse_size(&v);

            if (size == (size_t) NGX_ERROR || size < 8 * ngx_pagesize) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"tokens=\" must be a zone name and a "
                                   "size of at least %uz",
                                   8 * ngx_pagesize);
                return NGX_CONF_ERROR;
            }

            oc->tokens = ngx_http_sg_tokens_add(cf, &zone, size);
            if (oc->tokens == NULL) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(v.data, "headers=", 8) == 0) {
            v.data += 8;
            v.len -= 8;

            rv = ngx_http_sg_oidc_headers(cf, oc, &v);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (ngx_strcmp(v.data, "refresh=on") == 0) {
            oc->refresh = 1;
            continue;
        }

        if (ngx_strcmp(v.data, "refresh=off") == 0) {
            oc->refresh = 0;
            continue;
        }

        if (ngx_strcmp(v.data, "persistent=on") == 0) {
            oc->persistent = 1;
            continue;
        }

        if (ngx_strcmp(v.data, "persistent=off") == 0) {
            oc->persistent = 0;
            continue;
        }

        goto invalid;
    }

    if (oc->client_id.len == 0 || oc->token_uri.len == 0 || key.len == 0) {
        return "needs client_id=, token= and key=";
    }

    if (oc->logout.len && oc->logout.len == oc->redirect.len
        && ngx_strncmp(oc->logout.data, oc->redirect.data, oc->logout.len)
           == 0)
    {
        return "cannot have logout= the same path as redirect=";
    }

    /* the cookie key: what it seals is the session; its digest is used */

    rv = ngx_http_sg_oidc_file(cf, &key, NGX_HTTP_SG_OIDC_KEY_MIN, &v);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (ngx_sg_sha256_digest(v.data, v.len, oc->key) != NGX_OK) {
        ngx_explicit_memzero(v.data, v.len);
        return NGX_CONF_ERROR;
    }

    ngx_explicit_memzero(v.data, v.len);

    if (secret.len) {
        rv = ngx_http_sg_oidc_file(cf, &secret, 1, &v);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        /* one line: a trailing newline is not part of it */

        while (v.len && (v.data[v.len - 1] == '\n'
                         || v.data[v.len - 1] == '\r'))
        {
            v.len--;
        }

        if (v.len == 0 || v.len > NGX_HTTP_SG_OIDC_SECRET_MAX
            || ngx_http_sg_oidc_printable(&v, "\"\\#<>&%= ") != NGX_OK)
        {
            ngx_explicit_memzero(v.data, v.len);
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "the client secret in \"%V\" must be one "
                               "line of printable ASCII", &secret);
            return NGX_CONF_ERROR;
        }

        oc->secret.data = ngx_pnalloc(cf->pool, v.len);
        if (oc->secret.data == NULL) {
            return NGX_CONF_ERROR;
        }

        oc->secret.len = v.len;
        ngx_memcpy(oc->secret.data, v.data, v.len);
        ngx_explicit_memzero(v.data, v.len);

        if (!auth_set) {
            oc->client_auth = NGX_HTTP_SG_OIDC_AUTH_BASIC;
        }

    } else if (auth_set) {
        return "needs secret= with client_auth=";
    }

    if (client_key.len) {
        if (secret.len) {
            return "takes secret= or client_key=, not both";
        }

        rv = ngx_http_sg_oidc_signer(cf, &client_key, &oc->client_key);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        oc->client_auth = NGX_HTTP_SG_OIDC_AUTH_JWT;

    } else if (oc->client_aud.len) {
        return "needs client_key= with client_aud=";
    }

    if (oc->refresh && oc->tokens == NULL) {
        return "needs tokens= with refresh=on";
    }

    oc->margin = 60;

    rv = ngx_http_sg_oidc_names(cf, oc, &cookie);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    slcf->oidc = oc;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid parameter \"%V\"",
                       &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * After the merge, where the guard is on with session_guard_oidc: a zone
 * to keep the sessions, an issuer and keys for the ID token.
 */

char *
ngx_http_sg_oidc_check_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf)
{
    if (conf->oidc == NULL || !conf->enable) {
        return NGX_CONF_OK;
    }

    if (conf->zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_oidc\" needs \"session_guard "
                           "zone=...\" where it applies (in \"%V\":%ui)",
                           &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (conf->issuer.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_oidc\" needs "
                           "\"session_guard_issuer\": the ID token's "
                           "issuer is checked (in \"%V\":%ui)",
                           &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    /* one login, one zone: the way back and the pages must agree */

    if (conf->oidc->zone == NULL) {
        conf->oidc->zone = conf->zone;

    } else if (conf->oidc->zone != conf->zone) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_oidc\" applies with two zones: "
                           "its logins live in one; give each zone its own "
                           "\"session_guard_oidc\" (in \"%V\":%ui)",
                           &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (conf->oidc->authorize.len == 0
        && (conf->fetch == NULL || conf->fetch->discover.len == 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_oidc\" needs \"authorize=\", or "
                           "\"session_guard_jwks_fetch ... discover=\" to "
                           "read it from the provider (in \"%V\":%ui)",
                           &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (conf->session_key) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_oidc\" and "
                           "\"session_guard_session_key\" cannot both apply: "
                           "the edge's login is the session (in \"%V\":%ui)",
                           &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (!conf->tokens) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_oidc\" cannot apply with "
                           "\"session_guard_token off\": the ID token is "
                           "checked with the location's keys (in \"%V\":%ui)",
                           &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_sg_oidc_file(ngx_conf_t *cf, ngx_str_t *file, size_t min,
    ngx_str_t *out)
{
    ngx_str_t  name;

    name = *file;

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_read_file(cf, "session_guard_oidc", &name, 65536, out)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (out->len < min) {
        ngx_explicit_memzero(out->data, out->len);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_oidc: the key file \"%V\" must "
                           "hold at least %uz random bytes", &name, min);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* private_key_jwt: the client's private JWK (ngx_sg_sign.h) */

static char *
ngx_http_sg_oidc_signer(ngx_conf_t *cf, ngx_str_t *file,
    ngx_sg_signer_t **signer)
{
    ngx_int_t    rc;
    ngx_str_t    name, data;
    const char  *reason;

    name = *file;

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_read_file(cf, "session_guard_oidc", &name,
                              NGX_SG_SIGN_JWK_MAX, &data)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    *signer = ngx_pcalloc(cf->pool, sizeof(ngx_sg_signer_t));
    if (*signer == NULL) {
        ngx_explicit_memzero(data.data, data.len);
        return NGX_CONF_ERROR;
    }

    reason = "internal error";

    rc = ngx_sg_signer_import(cf->pool, data.data, data.len, *signer,
                              &reason);

    ngx_explicit_memzero(data.data, data.len);

    if (rc != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_oidc: client key file \"%V\": %s "
                           "(a private JWK: EC P-256, Ed25519, or RSA of "
                           "2048 bits or more)", &name, reason);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* a path from the root, of characters a URI holds literally */

static ngx_int_t
ngx_http_sg_oidc_path(ngx_str_t *s)
{
    u_char  *p, *last;

    if (s->len == 0 || s->len > 256 || s->data[0] != '/'
        || ngx_strlchr(s->data, s->data + s->len, '?') != NULL)
    {
        return NGX_DECLINED;
    }

    /*
     * compared with the request's normalized path: no "//", "\\", and no
     * "." or ".." segment, or it would never match
     */

    last = s->data + s->len;

    for (p = s->data; p < last; p++) {
        if (*p == '\\') {
            return NGX_DECLINED;
        }

        if (*p != '/') {
            continue;
        }

        if (p + 1 < last && p[1] == '/') {
            return NGX_DECLINED;
        }

        if (p + 1 < last && p[1] == '.'
            && (p + 2 == last || p[2] == '/'
                || (p[2] == '.' && (p + 3 == last || p[3] == '/'))))
        {
            return NGX_DECLINED;
        }
    }

    return ngx_http_sg_oidc_printable(s, "");
}


/*
 * Printable ASCII without space, '"', '\\', '#', '<', '>', or those of
 * "more" allowed: what goes into a URL's query, a header or HTML unescaped
 */

static ngx_int_t
ngx_http_sg_oidc_printable(ngx_str_t *s, const char *more)
{
    u_char      c;
    ngx_uint_t  i;

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if (c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '#'
            && c != '<' && c != '>' && c != '&' && c != '%' && c != '=')
        {
            continue;
        }

        if (c != '\0' && ngx_strchr(more, c) != NULL) {
            continue;
        }

        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the cookies: NAME and NAME_state; "__Host-" before both on https */

static char *
ngx_http_sg_oidc_names(ngx_conf_t *cf, ngx_http_sg_oidc_conf_t *oc,
    ngx_str_t *name)
{
    u_char  *p;

    if (name->len == 0 || name->len > NGX_HTTP_SG_OIDC_COOKIE_MAX
        || ngx_sg_cookie_valid_name(name) != NGX_OK
        || (name->len >= 2 && name->data[0] == '_' && name->data[1] == '_'))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"cookie=\" must be a cookie name of up to %d "
                           "bytes, without a \"__\" prefix (\"__Host-\" is "
                           "added on https)", NGX_HTTP_SG_OIDC_COOKIE_MAX);
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, 4 * (name->len + sizeof("__Host-_state")));
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    oc->cookie[0].data = p;
    p = ngx_cpymem(p, name->data, name->len);
    oc->cookie[0].len = p - oc->cookie[0].data;

    oc->cookie[1].data = p;
    p = ngx_cpymem(p, "__Host-", 7);
    p = ngx_cpymem(p, name->data, name->len);
    oc->cookie[1].len = p - oc->cookie[1].data;

    oc->state_cookie[0].data = p;
    p = ngx_cpymem(p, name->data, name->len);
    p = ngx_cpymem(p, "_state", 6);
    oc->state_cookie[0].len = p - oc->state_cookie[0].data;

    oc->state_cookie[1].data = p;
    p = ngx_cpymem(p, "__Host-", 7);
    p = ngx_cpymem(p, name->data, name->len);
    p = ngx_cpymem(p, "_state", 6);
    oc->state_cookie[1].len = p - oc->state_cookie[1].data;

    return NGX_CONF_OK;
}


static char *
ngx_http_sg_oidc_claims(ngx_conf_t *cf, ngx_http_sg_oidc_conf_t *oc,
    ngx_str_t *list)
{
    u_char      *p, *last, *comma;
    ngx_str_t   *name, *names;
    ngx_uint_t   i, k;

    if (oc->claims == NULL) {
        oc->claims = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (oc->claims == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    p = list->data;
    last = p + list->len;

    while (p < last) {
        comma = ngx_strlchr(p, last, ',');
        if (comma == NULL) {
            comma = last;
        }

        if (comma == p || comma - p > 64
            || oc->claims->nelts == NGX_HTTP_SG_OIDC_CLAIMS_MAX)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"claims=\" must be up to %d claim names "
                               "of up to 64 bytes, comma-separated",
                               NGX_HTTP_SG_OIDC_CLAIMS_MAX);
            return NGX_CONF_ERROR;
        }

        name = ngx_array_push(oc->claims);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        names = oc->claims->elts;

        name->data = p;
        name->len = comma - p;

        if (ngx_http_sg_oidc_printable(name, "") != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid claim name \"%V\"", name);
            return NGX_CONF_ERROR;
        }

        /* kept once: the standard ones are, and a name given twice */

        for (i = 0; i < oc->claims->nelts - 1; i++) {
            if (names[i].len == name->len
                && ngx_strncmp(names[i].data, name->data, name->len) == 0)
            {
                goto twice;
            }
        }

        for (k = 0; ngx_http_sg_oidc_standard[k]; k++) {
            if (ngx_strlen(ngx_http_sg_oidc_standard[k]) == name->len
                && ngx_strncmp(ngx_http_sg_oidc_standard[k], name->data,
                               name->len) == 0)
            {
                goto twice;
            }
        }

        p = comma + 1;
    }

    return NGX_CONF_OK;

twice:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"claims=\" names \"%V\" twice, or a claim kept "
                       "anyway (iss, sub, sid, auth_time, acr, amr, azp)",
                       name);
    return NGX_CONF_ERROR;
}


/*
 * headers=NAME:CLAIM,...: request headers the edge owns (at most 16): a
 * header name as RFC 7230 allows it (letters, digits, '-'; an '_' is
 * refused, since applications read it as '-'), and a claim kept
 */

static char *
ngx_http_sg_oidc_headers(ngx_conf_t *cf, ngx_http_sg_oidc_conf_t *oc,
    ngx_str_t *list)
{
    u_char                     *p, *last, *comma, *colon;
    ngx_uint_t                  i;
    ngx_http_sg_oidc_header_t  *h;

    if (oc->headers == NULL) {
        oc->headers = ngx_array_create(cf->pool, 4,
                                       sizeof(ngx_http_sg_oidc_header_t));
        if (oc->headers == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    p = list->data;
    last = p + list->len;

    while (p < last) {
        comma = ngx_strlchr(p, last, ',');
        if (comma == NULL) {
            comma = last;
        }

        colon = ngx_strlchr(p, comma, ':');

        if (colon == NULL || colon == p || colon + 1 == comma
            || colon - p > 64 || comma - colon - 1 > 64
            || oc->headers->nelts == NGX_HTTP_SG_OIDC_CLAIMS_MAX)
        {
            goto invalid;
        }

        h = ngx_array_push(oc->headers);
        if (h == NULL) {
            return NGX_CONF_ERROR;
        }

        h->name.data = p;
        h->name.len = colon - p;
        h->claim.data = colon + 1;
        h->claim.len = comma - colon - 1;

        for (i = 0; i < h->name.len; i++) {
            if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
                  || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
            {
                goto invalid;
            }
        }

        if (ngx_http_sg_oidc_printable(&h->claim, "") != NGX_OK) {
            goto invalid;
        }

        h->lowcase = ngx_pnalloc(cf->pool, h->name.len);
        if (h->lowcase == NULL) {
            return NGX_CONF_ERROR;
        }

        h->hash = ngx_hash_strlow(h->lowcase, h->name.data, h->name.len);

        p = comma + 1;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"headers=\" must be up to %d pairs NAME:CLAIM, "
                       "comma-separated: a header name of letters, digits "
                       "and \"-\", a claim name, up to 64 bytes each",
                       NGX_HTTP_SG_OIDC_CLAIMS_MAX);
    return NGX_CONF_ERROR;
}


/*
 * $session_guard_access_token: the edge login's access token (tokens=),
 * for "proxy_set_header Authorization"; not found where there is none
 */

static ngx_int_t
ngx_http_sg_oidc_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_session_guard_module);

    if (ctx == NULL || ctx->access_token.len == 0
        || ctx->status != NGX_HTTP_SG_STATUS_ALLOW)
    {
        v->not_found = 1;
        return NGX_OK;
    }

    return ngx_http_sg_value(v, ctx->access_token.data,
                             ctx->access_token.len);
}


ngx_int_t
ngx_http_sg_oidc_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_oidc_vars);
}
