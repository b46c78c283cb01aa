
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The "session_guard_notify" and "session_guard_notify_jwks" directives:
 *
 *   session_guard_notify uri key=file [issuer=URL] [audience=STR]
 *       [ttl=time];                          (http, server, location)
 *   session_guard_notify off;
 *   session_guard_notify_jwks;               (location)
 *
 * session_guard_notify is repeatable, one endpoint each; a level with any
 * replaces what it would inherit, "off" removes them.  The key, a private
 * JWK, is loaded once here (ngx_sg_signer_import()); its file is read into
 * temporary memory that is wiped.  The notifications themselves are sent
 * by ngx_http_sg_notify.c.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_NOTIFY_ISSUER   "urn:ngx_session_guard"
#define NGX_HTTP_SG_NOTIFY_TTL      120
#define NGX_HTTP_SG_NOTIFY_TTL_MAX  86400


static ngx_int_t ngx_http_sg_notify_key(ngx_conf_t *cf, ngx_str_t *name,
    ngx_http_sg_notify_t *n);
static ngx_int_t ngx_http_sg_notify_jwks_build(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *conf);
static ngx_int_t ngx_http_sg_notify_jwks_handler(ngx_http_request_t *r);


char *
ngx_http_sg_notify_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    time_t                 ttl;
    ngx_str_t             *value, s, key;
    ngx_uint_t             i;
    ngx_http_sg_notify_t  *n;

    value = cf->args->elts;

    if (cf->args->nelts == 2
        && ngx_strcmp(value[1].data, "off") == 0)
    {
        if (slcf->notify != NGX_CONF_UNSET_PTR) {
            return "is duplicate";
        }

        slcf->notify = NULL;
        return NGX_CONF_OK;
    }

    if (slcf->notify == NULL) {
        return "cannot be used with \"session_guard_notify off\" at the "
               "same level";
    }

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_notify: \"%V\" is not a location "
                           "uri (it must start with \"/\")", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (slcf->notify == NGX_CONF_UNSET_PTR) {
        slcf->notify = ngx_array_create(cf->pool, 1,
                                        sizeof(ngx_http_sg_notify_t));
        if (slcf->notify == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    n = ngx_array_push(slcf->notify);
    if (n == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(n, sizeof(ngx_http_sg_notify_t));

    n->uri = value[1];
    n->ttl = NGX_CONF_UNSET;
    ngx_str_null(&key);

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "key=", 4) == 0 && value[i].len > 4
            && key.len == 0)
        {
            key.data = value[i].data + 4;
            key.len = value[i].len - 4;
            continue;
        }

        if (ngx_strncmp(value[i].data, "issuer=", 7) == 0
            && value[i].len > 7 && n->issuer.len == 0)
        {
            n->issuer.data = value[i].data + 7;
            n->issuer.len = value[i].len - 7;
            continue;
        }

        if (ngx_strncmp(value[i].data, "audience=", 9) == 0
            && value[i].len > 9 && n->audience.len == 0)
        {
            n->audience.data = value[i].data + 9;
            n->audience.len = value[i].len - 9;
            continue;
        }

        if (ngx_strncmp(value[i].data, "ttl=", 4) == 0
            && n->ttl == NGX_CONF_UNSET)
        {
            s.data = value[i].data + 4;
            s.len = value[i].len - 4;

            ttl = ngx_parse_time(&s, 1);

            if (ttl == (time_t) NGX_ERROR || ttl <= 0
                || ttl > NGX_HTTP_SG_NOTIFY_TTL_MAX)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "session_guard_notify: invalid ttl "
                                   "\"%V\" (1s to 1d)", &s);
                return NGX_CONF_ERROR;
            }

            n->ttl = ttl;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_notify: invalid or duplicate "
                           "parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (key.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_notify: \"key=\" is required (a "
                           "private JWK the edge signs with)");
        return NGX_CONF_ERROR;
    }

    if (n->issuer.len == 0) {
        ngx_str_set(&n->issuer, NGX_HTTP_SG_NOTIFY_ISSUER);
    }

    if (n->ttl == NGX_CONF_UNSET) {
        n->ttl = NGX_HTTP_SG_NOTIFY_TTL;
    }

    /* claims are written as they are: keep them plain JSON strings */

    if (!ngx_http_sg_notify_plain(&n->issuer)
        || !ngx_http_sg_notify_plain(&n->audience))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_notify: \"issuer=\" and "
                           "\"audience=\" take printable ASCII without "
                           "quotes or backslashes");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_notify_key(cf, &key, n) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


ngx_uint_t
ngx_http_sg_notify_plain(ngx_str_t *s)
{
    ngx_uint_t  i;

    for (i = 0; i < s->len; i++) {
        if (s->data[i] < 0x20 || s->data[i] >= 0x7f || s->data[i] == '"'
            || s->data[i] == '\\')
        {
            return 0;
        }
    }

    return 1;
}


/* the private JWK: read, imported, the file's bytes wiped */

static ngx_int_t
ngx_http_sg_notify_key(ngx_conf_t *cf, ngx_str_t *name,
    ngx_http_sg_notify_t *n)
{
    return ngx_http_sg_notify_signer(cf, "session_guard_notify", name,
                                     &n->signer);
}


ngx_int_t
ngx_http_sg_notify_signer(ngx_conf_t *cf, const char *who, ngx_str_t *name,
    ngx_sg_signer_t **signer)
{
    ngx_int_t    rc;
    ngx_str_t    data;
    const char  *reason;

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_sg_read_file(cf, who, name, NGX_SG_SIGN_JWK_MAX, &data)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    *signer = ngx_pcalloc(cf->pool, sizeof(ngx_sg_signer_t));

    if (*signer) {
        reason = "internal error";

        rc = ngx_sg_signer_import(cf->pool, data.data, data.len, *signer,
                                  &reason);

        if (rc != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%s: key file \"%V\": %s (a private JWK: EC "
                               "P-256, Ed25519, or RSA of 2048 bits or more)",
                               who, name, reason);
            rc = NGX_ERROR;
        }
    }

    ngx_explicit_memzero(data.data, data.len);

    return rc;
}


/* the "session_guard_notify_jwks" directive (location) */

char *
ngx_http_sg_notify_jwks(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (slcf->notify_jwks) {
        return "is duplicate";
    }

    slcf->notify_jwks = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sg_notify_jwks_handler;

    return NGX_CONF_OK;
}


void
ngx_http_sg_notify_init_conf(ngx_http_sg_loc_conf_t *conf)
{
    /*
     * set by ngx_pcalloc():
     *
     *     conf->notify_jwks = 0;
     *     conf->notify_jwks_text = { 0, NULL };
     */

    conf->notify = NGX_CONF_UNSET_PTR;
}


char *
ngx_http_sg_notify_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_conf_merge_ptr_value(conf->notify, prev->notify, NULL);

    if (!conf->notify_jwks) {
        return NGX_CONF_OK;
    }

    if (conf->notify == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_notify_jwks: no "
                           "\"session_guard_notify\" in effect here");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_notify_jwks_build(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the public keys in effect */

static ngx_int_t
ngx_http_sg_notify_jwks_build(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf)
{
    ngx_uint_t             i;
    ngx_sg_signer_t      **sp;
    ngx_http_sg_notify_t  *n;

    n = conf->notify->elts;

    sp = ngx_palloc(cf->pool, conf->notify->nelts * sizeof(ngx_sg_signer_t *));
    if (sp == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < conf->notify->nelts; i++) {
        sp[i] = n[i].signer;
    }

    return ngx_http_sg_notify_keyset(cf->pool, sp, conf->notify->nelts,
                                     &conf->notify_jwks_text);
}


/* {"keys":[...]}: the public keys of signers (NULL ones skipped), each once */

ngx_int_t
ngx_http_sg_notify_keyset(ngx_pool_t *pool, ngx_sg_signer_t **signers,
    ngx_uint_t n, ngx_str_t *text)
{
    u_char      *p;
    size_t       len;
    ngx_uint_t   i, j, dup;

    len = sizeof("{\"keys\":[]}\n");

    for (i = 0; i < n; i++) {
        len += signers[i] ? signers[i]->jwk.len + 1 : 0;
    }

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    text->data = p;

    p = ngx_cpymem(p, "{\"keys\":[", 9);

    for (i = 0; i < n; i++) {
        if (signers[i] == NULL) {
            continue;
        }

        dup = 0;

        for (j = 0; j < i; j++) {
            if (signers[j] != NULL
                && signers[j]->kid.len == signers[i]->kid.len
                && ngx_memcmp(signers[j]->kid.data, signers[i]->kid.data,
                              signers[i]->kid.len) == 0)
            {
                dup = 1;
                break;
            }
        }

        if (dup) {
            continue;
        }

        if (p[-1] != '[') {
            *p++ = ',';
        }

        p = ngx_cpymem(p, signers[i]->jwk.data, signers[i]->jwk.len);
    }

    p = ngx_cpymem(p, "]}\n", 3);

    text->len = p - text->data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_notify_jwks_handler(ngx_http_request_t *r)
{
    ngx_http_sg_loc_conf_t  *slcf;

    static ngx_str_t  type = ngx_string("application/jwk-set+json");

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_session_guard_module);

    return ngx_http_sg_notify_static(r, &slcf->notify_jwks_text, &type);
}


/*
 * A document made with the configuration (a key set, metadata): GET and
 * HEAD only, cacheable for five minutes.
 */

ngx_int_t
ngx_http_sg_notify_static(ngx_http_request_t *r, ngx_str_t *text,
    ngx_str_t *type)
{
    ngx_int_t         rc;
    ngx_buf_t        *b;
    ngx_chain_t       out;
    ngx_table_elt_t  *h;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (text->len == 0) {
        return NGX_HTTP_NOT_FOUND;
    }

    /* public, and changed only with the configuration */

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "max-age=300");

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_length_n = text->len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = text->data;
    b->last = b->pos + text->len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
