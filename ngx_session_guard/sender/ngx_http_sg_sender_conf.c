
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Directives of the sender constraints (session_guard_dpop*,
 * session_guard_mtls) and their merge, with the cross-directive checks:
 * DPoP needs tokens and a zone (the jti store that makes replay
 * protection hold across workers); nonces need a key, made here.
 */


#include "ngx_http_sg.h"

#include <openssl/err.h>
#include <openssl/rand.h>


#define NGX_HTTP_SG_DPOP_WINDOW_MAX  3600


static ngx_int_t ngx_http_sg_sender_mode(ngx_conf_t *cf, ngx_str_t *value);


/* session_guard_dpop, session_guard_mtls: NGX_HTTP_SG_SENDER_* */
static ngx_str_t  ngx_http_sg_sender_modes[] = {
    ngx_string("off"),
    ngx_string("optional"),
    ngx_string("required")
};

typedef char  ngx_http_sg_sender_modes_check[
    sizeof(ngx_http_sg_sender_modes) / sizeof(ngx_str_t)
    == NGX_HTTP_SG_SENDER_COUNT ? 1 : -1];


/* session_guard_dpop off | optional | required [nonce[=period]] */

char *
ngx_http_sg_dpop(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    time_t      period;
    ngx_int_t   rc;
    ngx_str_t  *value, s;
    ngx_uint_t  i;

    if (slcf->dpop.mode != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    rc = ngx_http_sg_sender_mode(cf, &value[1]);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    i = (ngx_uint_t) rc;

    slcf->dpop.mode = i;
    slcf->dpop.nonce = 0;
    slcf->dpop.nonce_period = NGX_CONF_UNSET;

    if (cf->args->nelts == 2) {
        return NGX_CONF_OK;
    }

    if (i == NGX_HTTP_SG_SENDER_OFF) {
        return "takes no parameter with \"off\"";
    }

    if (ngx_strcmp(value[2].data, "nonce") == 0) {
        slcf->dpop.nonce = 1;
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(value[2].data, "nonce=", 6) == 0) {
        s.data = value[2].data + 6;
        s.len = value[2].len - 6;

        period = ngx_parse_time(&s, 1);

        if (period == (time_t) NGX_ERROR || period < 1
            || period > NGX_HTTP_SG_DPOP_WINDOW_MAX)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid nonce period \"%V\", it must be "
                               "1s..1h", &s);
            return NGX_CONF_ERROR;
        }

        slcf->dpop.nonce = 1;
        slcf->dpop.nonce_period = period;

        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid parameter \"%V\"",
                       &value[2]);

    return NGX_CONF_ERROR;
}


char *
ngx_http_sg_dpop_htu_base(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t   *value;
    const char  *reason;

    if (slcf->dpop.htu_base != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_sg_compile(cf, &value[1], &slcf->dpop.htu_base)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (slcf->dpop.htu_base->lengths) {
        /* variables: normalised per request */
        return NGX_CONF_OK;
    }

    if (ngx_sg_uri_normalize(cf->pool, &value[1], NGX_SG_URI_ORIGIN,
                             &slcf->dpop.origin, &reason)
        != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid origin \"%V\" (%s), it must be "
                           "\"http[s]://host[:port]\"", &value[1], reason);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_dpop_algorithms(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t     *value;
    ngx_uint_t     i;
    ngx_sg_alg_t  *alg;

    if (slcf->dpop.algorithms != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    slcf->dpop.algorithms = 0;
    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        alg = ngx_sg_alg_by_name(value[i].data, value[i].len);

        if (alg == NULL
            || !(NGX_SG_ALG_MASK_ASYMMETRIC & ((ngx_uint_t) 1 << alg->id)))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unsupported algorithm \"%V\", a DPoP proof "
                               "is signed with an asymmetric algorithm",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        slcf->dpop.algorithms |= (ngx_uint_t) 1 << alg->id;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_dpop_window(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    time_t      window;
    ngx_str_t  *value;

    if (slcf->dpop.window != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    window = ngx_parse_time(&value[1], 1);

    if (window == (time_t) NGX_ERROR || window < 1
        || window > NGX_HTTP_SG_DPOP_WINDOW_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid window \"%V\", it must be 1s..1h",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    slcf->dpop.window = window;

    return NGX_CONF_OK;
}


void
ngx_http_sg_sender_init_conf(ngx_http_sg_loc_conf_t *conf)
{
    conf->dpop.mode = NGX_CONF_UNSET_UINT;
    conf->dpop.nonce = NGX_CONF_UNSET;
    conf->dpop.nonce_period = NGX_CONF_UNSET;
    conf->dpop.window = NGX_CONF_UNSET;
    conf->dpop.algorithms = NGX_CONF_UNSET_UINT;
    conf->dpop.htu_base = NGX_CONF_UNSET_PTR;
    conf->mtls = NGX_CONF_UNSET_UINT;
}


char *
ngx_http_sg_sender_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    u_char                   *p;
    ngx_uint_t                a;
    ngx_sg_alg_t             *alg;
    ngx_http_sg_main_conf_t  *smcf;

    /* the mode and its nonce option come together, as one directive */

    if (conf->dpop.mode == NGX_CONF_UNSET_UINT) {
        conf->dpop.mode = prev->dpop.mode;
        conf->dpop.nonce = prev->dpop.nonce;
        conf->dpop.nonce_period = prev->dpop.nonce_period;
    }

    ngx_conf_merge_uint_value(conf->dpop.mode, prev->dpop.mode,
                              NGX_HTTP_SG_SENDER_OFF);
    ngx_conf_merge_value(conf->dpop.nonce, prev->dpop.nonce, 0);
    ngx_conf_merge_sec_value(conf->dpop.window, prev->dpop.window, 60);

    /* a nonce lives one to two periods; by default, the iat window */

    if (conf->dpop.nonce_period == NGX_CONF_UNSET) {
        conf->dpop.nonce_period = conf->dpop.window;
    }

    if (conf->dpop.algorithms == NGX_CONF_UNSET_UINT) {
        conf->dpop.algorithms = prev->dpop.algorithms;
        conf->dpop.algs = prev->dpop.algs;
    }

    ngx_conf_merge_uint_value(conf->dpop.algorithms, prev->dpop.algorithms,
                              NGX_SG_ALG_MASK_ASYMMETRIC);

    if (conf->dpop.htu_base == NGX_CONF_UNSET_PTR) {
        conf->dpop.htu_base = prev->dpop.htu_base;
        conf->dpop.origin = prev->dpop.origin;
    }

    ngx_conf_merge_ptr_value(conf->dpop.htu_base, prev->dpop.htu_base, NULL);
    ngx_conf_merge_uint_value(conf->mtls, prev->mtls,
                              NGX_HTTP_SG_SENDER_OFF);

    /* the algs="..." of the challenge, made once */

    if (conf->dpop.algs.len == 0) {
        p = ngx_pnalloc(cf->pool, NGX_SG_ALG_COUNT * sizeof("EdDSA "));
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        conf->dpop.algs.data = p;

        for (a = 0; a < NGX_SG_ALG_COUNT; a++) {
            if (!(conf->dpop.algorithms & ((ngx_uint_t) 1 << a))) {
                continue;
            }

            alg = ngx_sg_alg_by_id(a);

            if (p != conf->dpop.algs.data) {
                *p++ = ' ';
            }

            p = ngx_cpymem(p, alg->name.data, alg->name.len);
        }

        conf->dpop.algs.len = p - conf->dpop.algs.data;
    }

    if (!conf->enable || conf->dpop.mode == NGX_HTTP_SG_SENDER_OFF) {
        return NGX_CONF_OK;
    }

    if (!conf->tokens) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: \"session_guard_dpop\" needs tokens, "
                      "but \"session_guard_token off\" is set for "
                      "\"session_guard\" in %V:%ui",
                      &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    /* replay protection across workers needs the shared zone */

    if (conf->zone == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: \"session_guard_dpop\" needs a zone "
                      "for proof replay protection: add \"zone=...\" to "
                      "\"session_guard\" in %V:%ui",
                      &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (!conf->dpop.nonce) {
        return NGX_CONF_OK;
    }

    /*
     * The nonce key: made here, in the master, at configuration time, so
     * that every worker forked from it shares it; a reload makes a new
     * one (clients then get one "use_dpop_nonce" answer).
     */

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->dpop_key == NULL) {
        smcf->dpop_key = ngx_pnalloc(cf->pool, NGX_SG_DPOP_NONCE_KEY_LEN);
        if (smcf->dpop_key == NULL) {
            return NGX_CONF_ERROR;
        }

        if (RAND_bytes(smcf->dpop_key, NGX_SG_DPOP_NONCE_KEY_LEN) != 1) {
            ERR_clear_error();
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "session_guard: RAND_bytes() failed");
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* session_guard_mtls off | optional | required */

char *
ngx_http_sg_mtls(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_int_t   rc;
    ngx_str_t  *value;

    if (slcf->mtls != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    rc = ngx_http_sg_sender_mode(cf, &value[1]);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    slcf->mtls = (ngx_uint_t) rc;

    return NGX_CONF_OK;
}


/* the NGX_HTTP_SG_SENDER_* that value names, or NGX_ERROR (logged) */

static ngx_int_t
ngx_http_sg_sender_mode(ngx_conf_t *cf, ngx_str_t *value)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_SG_SENDER_COUNT; i++) {
        if (ngx_strcmp(value->data, ngx_http_sg_sender_modes[i].data) == 0) {
            return i;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\", it must be \"off\", "
                       "\"optional\" or \"required\"", value);

    return NGX_ERROR;
}
