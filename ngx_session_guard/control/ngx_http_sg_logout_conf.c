
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The "session_guard_backchannel_logout" directive: its parameters and
 * its own keys.  The handler is in ngx_http_sg_logout.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_logout.h"


static char *ngx_http_sg_control_keys(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_array_t **keys, ngx_str_t *name, ngx_uint_t pem);
static char *ngx_http_sg_control_algorithms(ngx_conf_t *cf,
    ngx_uint_t *mask, ngx_str_t *value, const char *what);



/* the "session_guard_backchannel_logout" directive (location) */

char *
ngx_http_sg_backchannel_logout(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_int_t                     rc;
    ngx_str_t                    *value, s;
    ngx_uint_t                    i;
    ngx_sg_logout_policy_t       *policy;
    ngx_http_sg_control_params_t  params;
    ngx_http_sg_logout_conf_t  *lcf;
    ngx_http_core_loc_conf_t   *clcf;

    if (slcf->backchannel) {
        return "is duplicate";
    }

    lcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_logout_conf_t));
    if (lcf == NULL) {
        return NGX_CONF_ERROR;
    }

    policy = &lcf->policy;
    policy->algorithms = NGX_SG_ALG_MASK_ASYMMETRIC;

    policy->audiences = ngx_array_create(cf->pool, 1, sizeof(ngx_str_t));
    if (policy->audiences == NULL) {
        return NGX_CONF_ERROR;
    }

    params.zone = &lcf->zone;
    params.issuer = &policy->issuer;
    params.audiences = policy->audiences;
    params.keys = &policy->keys;
    params.algorithms = &policy->algorithms;
    params.what = "a logout token";

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        rc = ngx_http_sg_control_param(cf, cmd, &params, &value[i]);

        if (rc == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        if (rc == NGX_OK) {
            continue;
        }

        if (ngx_strncmp(value[i].data, "leeway=", 7) == 0
            && value[i].len > 7)
        {
            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            policy->leeway = ngx_parse_time(&s, 1);
            if (policy->leeway == (time_t) NGX_ERROR || policy->leeway > 600) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\", the leeway "
                                   "is at most 10m", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (value[i].len == 12
            && ngx_strncmp(value[i].data, "typ=required", 12) == 0)
        {
            policy->typ_required = 1;
            continue;
        }

        goto invalid;
    }

    if (lcf->zone == NULL || policy->issuer.len == 0
        || policy->audiences->nelts == 0)
    {
        return "needs \"zone=\", \"issuer=\" and \"audience=\" parameters";
    }

    if (policy->keys == NULL || policy->keys->nelts == 0) {
        return "needs keys: \"jwks=file\" or \"key=file\" parameters";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sg_logout_handler;

    slcf->backchannel = lcf;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * One of the parameters every receiver takes of its sender (the
 * back-channel logout and Shared Signals receivers): zone=, issuer=,
 * audience= (repeatable), jwks=file, key=file (repeatable), algorithms=.
 * NGX_OK taken; NGX_DECLINED not one of these; NGX_ERROR (logged).
 */

ngx_int_t
ngx_http_sg_control_param(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_http_sg_control_params_t *p, ngx_str_t *value)
{
    char       *rv;
    ngx_str_t   s, *aud;

    if (ngx_strncmp(value->data, "zone=", 5) == 0 && value->len > 5) {
        if (*p->zone) {
            goto invalid;
        }

        s.data = value->data + 5;
        s.len = value->len - 5;

        *p->zone = ngx_http_sg_zone_get(cf, &s);

        return *p->zone ? NGX_OK : NGX_ERROR;
    }

    if (ngx_strncmp(value->data, "issuer=", 7) == 0 && value->len > 7) {
        if (p->issuer->len) {
            goto invalid;
        }

        p->issuer->data = value->data + 7;
        p->issuer->len = value->len - 7;
        return NGX_OK;
    }

    if (ngx_strncmp(value->data, "audience=", 9) == 0 && value->len > 9) {
        aud = ngx_array_push(p->audiences);
        if (aud == NULL) {
            return NGX_ERROR;
        }

        aud->data = value->data + 9;
        aud->len = value->len - 9;
        return NGX_OK;
    }

    if ((ngx_strncmp(value->data, "jwks=", 5) == 0 && value->len > 5)
        || (ngx_strncmp(value->data, "key=", 4) == 0 && value->len > 4))
    {
        s.data = value->data + (value->data[0] == 'j' ? 5 : 4);
        s.len = value->len - (s.data - value->data);

        rv = ngx_http_sg_control_keys(cf, cmd, p->keys, &s,
                                      value->data[0] == 'k');

        return rv == NGX_CONF_OK ? NGX_OK : NGX_ERROR;
    }

    if (ngx_strncmp(value->data, "algorithms=", 11) == 0 && value->len > 11) {
        s.data = value->data + 11;
        s.len = value->len - 11;

        rv = ngx_http_sg_control_algorithms(cf, p->algorithms, &s, p->what);

        return rv == NGX_CONF_OK ? NGX_OK : NGX_ERROR;
    }

    return NGX_DECLINED;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", value);
    return NGX_ERROR;
}


/*
 * Loads a key file with the session_guard_jwks and session_guard_key
 * directives' own code: they are called with arguments made for them and
 * a scratch location configuration whose key array is ours.
 */

static char *
ngx_http_sg_control_keys(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_array_t **keys, ngx_str_t *name, ngx_uint_t pem)
{
    char                    *rv;
    ngx_str_t               *arg;
    ngx_array_t              args, *saved;
    ngx_http_sg_loc_conf_t  *tmp;

    tmp = ngx_pcalloc(cf->temp_pool, sizeof(ngx_http_sg_loc_conf_t));
    if (tmp == NULL) {
        return NGX_CONF_ERROR;
    }

    tmp->keys = *keys ? *keys : NGX_CONF_UNSET_PTR;

    if (ngx_array_init(&args, cf->temp_pool, 2, sizeof(ngx_str_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    arg = ngx_array_push_n(&args, 2);
    if (arg == NULL) {
        return NGX_CONF_ERROR;
    }

    arg[0] = cmd->name;
    arg[1] = *name;

    saved = cf->args;
    cf->args = &args;

    rv = pem ? ngx_http_sg_key(cf, cmd, tmp) : ngx_http_sg_jwks(cf, cmd, tmp);

    cf->args = saved;

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    *keys = tmp->keys;

    return NGX_CONF_OK;
}


/* "ES256,RS256": asymmetric algorithms only, never "none" nor HMAC */

static char *
ngx_http_sg_control_algorithms(ngx_conf_t *cf, ngx_uint_t *mask,
    ngx_str_t *value, const char *what)
{
    u_char        *p, *last, *start;
    ngx_sg_alg_t  *alg;

    *mask = 0;

    p = value->data;
    last = p + value->len;

    while (p < last) {
        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        alg = ngx_sg_alg_by_name(start, p - start);

        if (alg == NULL
            || !(NGX_SG_ALG_MASK_ASYMMETRIC & ((ngx_uint_t) 1 << alg->id)))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid algorithm \"%*s\" for %s "
                               "(asymmetric algorithms only)",
                               p - start, start, what);
            return NGX_CONF_ERROR;
        }

        *mask |= (ngx_uint_t) 1 << alg->id;

        if (p < last) {
            p++;
        }
    }

    if (*mask == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "empty \"algorithms=\"");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
