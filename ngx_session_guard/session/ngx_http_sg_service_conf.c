
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * session_guard_risk_service (what it does: ngx_http_sg_service.c) and its
 * variables:
 *
 *   $session_guard_risk_service          "answered", "cached", "failed";
 *                                        not found when it was not asked
 *   $session_guard_risk_service_action   the answer's actions, "allow"
 *   $session_guard_risk_service_score    the answer's score
 *   $session_guard_risk_service_reasons  a fresh answer's reasons,
 *                                        comma-separated
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_service_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_str_t  ngx_http_sg_service_states[] = {
    ngx_null_string,
    ngx_string("answered"),
    ngx_string("cached"),
    ngx_string("failed")
};


#define NGX_HTTP_SG_SERVICE_VAR_STATE    0
#define NGX_HTTP_SG_SERVICE_VAR_ACTION   1
#define NGX_HTTP_SG_SERVICE_VAR_SCORE    2
#define NGX_HTTP_SG_SERVICE_VAR_REASONS  3

static ngx_http_variable_t  ngx_http_sg_service_vars[] = {

    { ngx_string("session_guard_risk_service"), NULL,
      ngx_http_sg_service_variable, NGX_HTTP_SG_SERVICE_VAR_STATE,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_risk_service_action"), NULL,
      ngx_http_sg_service_variable, NGX_HTTP_SG_SERVICE_VAR_ACTION,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_risk_service_score"), NULL,
      ngx_http_sg_service_variable, NGX_HTTP_SG_SERVICE_VAR_SCORE,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_risk_service_reasons"), NULL,
      ngx_http_sg_service_variable, NGX_HTTP_SG_SERVICE_VAR_REASONS,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


/* session_guard_risk_service URI [timeout=] [cache=] [failure=] [max_size=] */

char *
ngx_http_sg_risk_service(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    u_char                      *q;
    ngx_str_t                   *value, s;
    ngx_uint_t                   i;
    ngx_http_sg_main_conf_t     *smcf;
    ngx_http_sg_service_conf_t  *sc;

    if (slcf->service != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts > 2) {
            return "takes no parameters with \"off\"";
        }

        slcf->service = NULL;
        return NGX_CONF_OK;
    }

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the risk service \"%V\" must be a location's "
                           "uri (starting with \"/\")", &value[1]);
        return NGX_CONF_ERROR;
    }

    sc = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_service_conf_t));
    if (sc == NULL) {
        return NGX_CONF_ERROR;
    }

    sc->uri = value[1];

    q = ngx_strlchr(sc->uri.data, sc->uri.data + sc->uri.len, '?');

    if (q) {
        sc->args.data = q + 1;
        sc->args.len = sc->uri.data + sc->uri.len - (q + 1);
        sc->uri.len = q - sc->uri.data;
    }

    sc->timeout = 1000;
    sc->cache = 60;
    sc->max_size = 4096;
    sc->fail_open = 0;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "timeout=", 8) == 0) {
            s.data = value[i].data + 8;
            s.len = value[i].len - 8;

            sc->timeout = ngx_parse_time(&s, 0);

            if (sc->timeout == (ngx_msec_t) NGX_ERROR || sc->timeout == 0
                || sc->timeout > 60000)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "cache=", 6) == 0) {
            s.data = value[i].data + 6;
            s.len = value[i].len - 6;

            sc->cache = ngx_parse_time(&s, 1);

            if (sc->cache == (time_t) NGX_ERROR || sc->cache > 86400) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_size=", 9) == 0) {
            s.data = value[i].data + 9;
            s.len = value[i].len - 9;

            sc->max_size = ngx_parse_size(&s);

            if (sc->max_size == (size_t) NGX_ERROR || sc->max_size < 16
                || sc->max_size > 65536)
            {
                goto invalid;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "failure=open") == 0) {
            sc->fail_open = 1;
            continue;
        }

        if (ngx_strcmp(value[i].data, "failure=closed") == 0) {
            sc->fail_open = 0;
            continue;
        }

        goto invalid;
    }

    slcf->service = sc;

    /* the built-in condition "risk_service" (ngx_http_sg_condition.c) */

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);
    smcf->services = 1;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" (timeout= up to 60s, "
                       "cache= up to 1d, max_size= from 16 to 64k, "
                       "failure=open or closed)", &value[i]);
    return NGX_CONF_ERROR;
}


ngx_int_t
ngx_http_sg_service_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_service_vars);
}


/*
 * $session_guard_risk_service: "answered", "cached", "failed", empty when
 * not asked; _action: the answer's actions ("allow" for none); _score;
 * _reasons: a fresh answer's, comma-separated (a kept one has none)
 */

static ngx_int_t
ngx_http_sg_service_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char             *p, *buf;
    ngx_uint_t          i;
    ngx_str_t          *reasons;
    ngx_http_sg_ctx_t  *ctx;

    ctx = ngx_http_sg_get_ctx(r);

    if (ctx == NULL || ctx->service == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    switch (data) {

    case NGX_HTTP_SG_SERVICE_VAR_STATE:
        return ngx_http_sg_value(v, ngx_http_sg_service_states[ctx->service]
                                    .data,
                                 ngx_http_sg_service_states[ctx->service].len);

    case NGX_HTTP_SG_SERVICE_VAR_ACTION:

        if (ctx->service == NGX_HTTP_SG_SERVICE_FAILED) {
            v->not_found = 1;
            return NGX_OK;
        }

        if (ctx->service_acts == 0) {
            return ngx_http_sg_value(v, (u_char *) "allow", 5);
        }

        buf = ngx_pnalloc(r->pool, 64);
        if (buf == NULL) {
            return NGX_ERROR;
        }

        p = buf;

        for (i = 0; i < NGX_SG_ACT_COUNT; i++) {
            if (ctx->service_acts & ((ngx_uint_t) 1 << i)) {
                if (p != buf) {
                    *p++ = ',';
                }

                p = ngx_cpymem(p, ngx_sg_action_names[i].data,
                               ngx_sg_action_names[i].len);
            }
        }

        return ngx_http_sg_value(v, buf, p - buf);

    case NGX_HTTP_SG_SERVICE_VAR_SCORE:

        if (ctx->service == NGX_HTTP_SG_SERVICE_FAILED) {
            v->not_found = 1;
            return NGX_OK;
        }

        buf = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (buf == NULL) {
            return NGX_ERROR;
        }

        return ngx_http_sg_value(v, buf,
                                 ngx_sprintf(buf, "%ui", ctx->service_score)
                                 - buf);

    default: /* NGX_HTTP_SG_SERVICE_VAR_REASONS */

        reasons = ngx_http_sg_service_reasons(ctx);

        if (reasons == NULL) {
            v->not_found = 1;
            return NGX_OK;
        }

        return ngx_http_sg_value(v, reasons->data, reasons->len);
    }
}
