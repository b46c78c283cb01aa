
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The token directives: where the token is read, what a valid one is
 * (algorithms, issuer, audience, type, leeway, size, required values), the
 * realm of the challenge, the log level of refusals, the verified-token
 * cache and the claim variables of session_guard_claim_set.  The keys are
 * configured in ngx_http_sg_jwks_conf.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_jwks.h"
#include "ngx_http_sg_claims.h"


static char *ngx_http_sg_max_token_size(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_sg_realm(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_sg_leeway(ngx_conf_t *cf, void *post, void *data);


/* the post handlers and values the command table names */

ngx_conf_post_handler_pt  ngx_http_sg_max_token_size_p =
    ngx_http_sg_max_token_size;
ngx_conf_post_handler_pt  ngx_http_sg_realm_p = ngx_http_sg_realm;
ngx_conf_post_handler_pt  ngx_http_sg_leeway_p = ngx_http_sg_leeway;


ngx_conf_enum_t  ngx_http_sg_log_levels[] = {
    { ngx_string("info"), NGX_LOG_INFO },
    { ngx_string("notice"), NGX_LOG_NOTICE },
    { ngx_string("warn"), NGX_LOG_WARN },
    { ngx_string("error"), NGX_LOG_ERR },
    { ngx_null_string, 0 }
};


void
ngx_http_sg_token_init_conf(ngx_http_sg_loc_conf_t *conf)
{
    /*
     * set by ngx_pcalloc():
     *
     *     conf->issuer = { 0, NULL };
     *     conf->typ = { 0, NULL };
     *     conf->realm = { 0, NULL };
     */

    conf->token = NGX_CONF_UNSET_PTR;
    conf->keys = NGX_CONF_UNSET_PTR;
    conf->fetch = NGX_CONF_UNSET_PTR;
    conf->algorithms = NGX_CONF_UNSET_UINT;
    conf->audiences = NGX_CONF_UNSET_PTR;
    conf->leeway = NGX_CONF_UNSET;
    conf->max_token_size = NGX_CONF_UNSET_SIZE;
    conf->log_level = NGX_CONF_UNSET_UINT;
    conf->requires = NGX_CONF_UNSET_PTR;
}


char *
ngx_http_sg_token_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_conf_merge_ptr_value(conf->token, prev->token, NULL);
    /*
     * Keys from files and fetched keys do not mix in one location: the
     * nearer level's source replaces the inherited one.
     */

    if (conf->fetch != NGX_CONF_UNSET_PTR
        && conf->keys != NGX_CONF_UNSET_PTR)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: \"session_guard_jwks_fetch\" and "
                      "key files (\"session_guard_jwks\", "
                      "\"session_guard_key\") on the same level");
        return NGX_CONF_ERROR;
    }

    if (conf->fetch != NGX_CONF_UNSET_PTR) {
        conf->keys = NULL;

    } else if (conf->keys != NGX_CONF_UNSET_PTR) {
        conf->fetch = NULL;
    }

    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);
    ngx_conf_merge_ptr_value(conf->fetch, prev->fetch, NULL);
    ngx_conf_merge_uint_value(conf->algorithms, prev->algorithms,
                              NGX_SG_ALG_MASK_ASYMMETRIC);
    ngx_conf_merge_str_value(conf->issuer, prev->issuer, "");
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);
    ngx_conf_merge_str_value(conf->typ, prev->typ, "");
    ngx_conf_merge_str_value(conf->realm, prev->realm, "");
    ngx_conf_merge_sec_value(conf->leeway, prev->leeway, 0);
    ngx_conf_merge_size_value(conf->max_token_size, prev->max_token_size,
                              NGX_HTTP_SG_MAX_TOKEN_DEFAULT);
    ngx_conf_merge_uint_value(conf->log_level, prev->log_level, NGX_LOG_ERR);
    ngx_conf_merge_ptr_value(conf->requires, prev->requires, NULL);

    return NGX_CONF_OK;
}


/*
 * Where the guard is in force and checks tokens: some key can verify some
 * allowed algorithm.  The message names the "session_guard" directive that
 * turned the guard on.
 */

char *
ngx_http_sg_token_check_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf)
{
    ngx_uint_t     i, a;
    ngx_sg_alg_t  *alg;
    ngx_sg_key_t  *key;

    if (conf->fetch) {
        /* which keys come is known only at run time */
        return ngx_http_sg_jwks_merge_issuer(cf, conf);
    }

    if (conf->keys == NULL || conf->keys->nelts == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: no keys for \"session_guard\" in %V:%ui"
                      " (add \"session_guard_jwks\", \"session_guard_key\""
                      " or \"session_guard_jwks_fetch\")",
                      &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    /*
     * Every allowed algorithm need not have a key, but at least one must:
     * otherwise every token would be refused with "no key fits alg".
     */

    key = conf->keys->elts;

    for (a = 0; a < NGX_SG_ALG_COUNT; a++) {
        if (!(conf->algorithms & ((ngx_uint_t) 1 << a))) {
            continue;
        }

        alg = ngx_sg_alg_by_id(a);

        for (i = 0; i < conf->keys->nelts; i++) {
            if (ngx_sg_key_fits(&key[i], alg)) {
                return NGX_CONF_OK;
            }
        }
    }

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "session_guard: no configured key can verify any of "
                  "the allowed algorithms for \"session_guard\" in "
                  "%V:%ui", &conf->enable_file, conf->enable_line);
    return NGX_CONF_ERROR;
}


char *
ngx_http_sg_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->token != NGX_CONF_UNSET_PTR || slcf->tokens != NGX_CONF_UNSET)
    {
        return "is duplicate";
    }

    value = cf->args->elts;

    /* "off": no token at all, sessions keyed by an application cookie */

    if (ngx_strcmp(value[1].data, "off") == 0) {
        slcf->tokens = 0;
        slcf->token = NULL;
        return NGX_CONF_OK;
    }

    slcf->tokens = 1;

    return ngx_http_sg_compile(cf, &value[1], &slcf->token);
}


char *
ngx_http_sg_algorithms(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t     *value;
    ngx_uint_t     i;
    ngx_sg_alg_t  *alg;

    if (slcf->algorithms != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    slcf->algorithms = 0;
    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        alg = ngx_sg_alg_by_name(value[i].data, value[i].len);

        if (alg == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unsupported algorithm \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        slcf->algorithms |= (ngx_uint_t) 1 << alg->id;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_audience(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t   *value, *aud;
    ngx_uint_t   i;

    if (slcf->audiences != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    slcf->audiences = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                       sizeof(ngx_str_t));
    if (slcf->audiences == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        if (value[i].len == 0) {
            return "has an empty audience";
        }

        aud = ngx_array_push(slcf->audiences);
        if (aud == NULL) {
            return NGX_CONF_ERROR;
        }

        *aud = value[i];
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t                         *value;
    ngx_uint_t                         i, n;
    ngx_http_sg_require_t             *rq;
    ngx_http_complex_value_t          *cv;
    ngx_http_compile_complex_value_t   ccv;

    if (slcf->requires == NGX_CONF_UNSET_PTR) {
        slcf->requires = ngx_array_create(cf->pool, 2,
                                          sizeof(ngx_http_sg_require_t));
        if (slcf->requires == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    rq = ngx_array_push(slcf->requires);
    if (rq == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;
    n = cf->args->nelts - 1;
    rq->status = NGX_HTTP_UNAUTHORIZED;

    if (ngx_strncmp(value[n].data, "error=", 6) == 0) {

        if (ngx_strcmp(value[n].data, "error=401") == 0) {
            rq->status = NGX_HTTP_UNAUTHORIZED;

        } else if (ngx_strcmp(value[n].data, "error=403") == 0) {
            rq->status = NGX_HTTP_FORBIDDEN;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", it must be "
                               "\"error=401\" or \"error=403\"", &value[n]);
            return NGX_CONF_ERROR;
        }

        n--;
    }

    if (n == 0) {
        return "needs at least one value";
    }

    rq->values = ngx_array_create(cf->pool, n,
                                  sizeof(ngx_http_complex_value_t));
    if (rq->values == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i <= n; i++) {
        cv = ngx_array_push(rq->values);
        if (cv == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

        ccv.cf = cf;
        ccv.value = &value[i];
        ccv.complex_value = cv;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_token_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_main_conf_t *smcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (smcf->cache_size != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        smcf->cache_size = 0;
        return NGX_CONF_OK;
    }

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n < 1 || n > 16 * 1024 * 1024) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid number of entries \"%V\", it must be "
                           "\"off\" or 1..16777216", &value[1]);
        return NGX_CONF_ERROR;
    }

    smcf->cache_size = n;

    return NGX_CONF_OK;
}


/*
 * session_guard_claim_set $variable member [member ...]: a claim whose
 * name is not a variable name (ngx_http_sg_claims.c)
 */

char *
ngx_http_sg_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t                 *value, name;
    ngx_uint_t                 i;
    ngx_http_variable_t       *var;
    ngx_http_sg_claim_path_t  *cp;

    value = cf->args->elts;
    name = value[1];

    if (name.len < 2 || name.data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid variable name \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    name.len--;
    name.data++;

    if (cf->args->nelts - 2 > NGX_HTTP_SG_PATH_MAX) {
        return "has too many members";
    }

    cp = ngx_palloc(cf->pool, sizeof(ngx_http_sg_claim_path_t));
    if (cp == NULL) {
        return NGX_CONF_ERROR;
    }

    cp->n = cf->args->nelts - 2;

    /* cf->args is reused by the next directive: copy the names out */

    cp->path = ngx_palloc(cf->pool, cp->n * sizeof(ngx_str_t));
    if (cp->path == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < cp->n; i++) {
        if (value[i + 2].len == 0) {
            return "has an empty member name";
        }

        cp->path[i] = value[i + 2];
    }

    var = ngx_http_add_variable(cf, &name, NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_CONF_ERROR;
    }

    if (var->get_handler) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "variable \"%V\" is already defined", &name);
        return NGX_CONF_ERROR;
    }

    var->get_handler = ngx_http_sg_claim_set_variable;
    var->data = (uintptr_t) cp;

    return NGX_CONF_OK;
}


static char *
ngx_http_sg_max_token_size(ngx_conf_t *cf, void *post, void *data)
{
    size_t *sp = data;

    if (*sp < 16 || *sp > NGX_SG_TOKEN_MAX_SIZE) {
        return "must be between 16 and 64k";
    }

    return NGX_CONF_OK;
}


/*
 * The realm goes into a quoted-string of WWW-Authenticate: printable ASCII
 * without quotes and backslashes, so that it needs no escaping.
 */

static char *
ngx_http_sg_realm(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t *realm = data;

    ngx_uint_t  i;

    for (i = 0; i < realm->len; i++) {
        if (realm->data[i] < 0x20 || realm->data[i] > 0x7e
            || realm->data[i] == '"' || realm->data[i] == '\\')
        {
            return "must be printable ASCII without quotes and backslashes";
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_sg_leeway(ngx_conf_t *cf, void *post, void *data)
{
    time_t *tp = data;

    /* 100 years: enough to replay old published vectors, no overflow */

    if (*tp > (time_t) 100 * 366 * 86400) {
        return "must not exceed 100 years";
    }

    return NGX_CONF_OK;
}
