
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Directives of the risk engine: zone and mode ("session_guard"), session
 * key, bound signals and their sources, actions per signal, travel limits,
 * lifetimes, per-subject limits; and their merge.  (session_guard_step_up
 * is the edge's: ngx_http_sg_edge_conf.c.)
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_signal_by_name(ngx_str_t *name);
static ngx_int_t ngx_http_sg_signal_arg(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_str_t *value);


char *
ngx_http_sg_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t                *value, name;
    ngx_uint_t                i;
    ngx_http_sg_main_conf_t  *smcf;

    if (slcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;
    slcf->enable = 1;

    for (i = 1; i < cf->args->nelts; i++) {

        if (i == 1 && ngx_strcmp(value[i].data, "on") == 0) {
            continue;
        }

        if (i == 1 && ngx_strcmp(value[i].data, "off") == 0
            && cf->args->nelts == 2)
        {
            slcf->enable = 0;
            continue;
        }

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {
            name.len = value[i].len - 5;
            name.data = value[i].data + 5;

            slcf->zone = ngx_http_sg_zone_get(cf, &name);
            if (slcf->zone == NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "unknown session_guard zone \"%V\"",
                                   &name);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "mode=enforce") == 0) {
            slcf->monitor = 0;
            continue;
        }

        if (ngx_strcmp(value[i].data, "mode=monitor") == 0) {
            slcf->monitor = 1;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    slcf->enable_file = cf->conf_file->file.name;
    slcf->enable_line = cf->conf_file->line;

    if (slcf->enable) {
        smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);
        smcf->enabled = 1;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_session_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->session_key != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    slcf->key_missing = NGX_HTTP_SG_KEY_MISSING_PASS;

    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "missing=deny") == 0) {
            slcf->key_missing = NGX_HTTP_SG_KEY_MISSING_DENY;

        } else if (ngx_strcmp(value[2].data, "missing=pass") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", it must be "
                               "\"missing=pass\" or \"missing=deny\"",
                               &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_strcmp(value[1].data, "sid") == 0) {
        slcf->session_key = NULL;
        return NGX_CONF_OK;
    }

    /* its $cookie_ variables: see ngx_http_sg_cookie_guard.c */

    return ngx_http_sg_compile(cf, &value[1], &slcf->session_key);
}


/* a signal of a change by its name; NGX_ERROR: none */

static ngx_int_t
ngx_http_sg_signal_by_name(ngx_str_t *name)
{
    ngx_int_t  i;

    for (i = 0; ngx_sg_signal_names[i].len; i++) {
        if (ngx_sg_signal_names[i].len == name->len
            && ngx_strncmp(ngx_sg_signal_names[i].data, name->data,
                           name->len)
               == 0)
        {
            return i;
        }
    }

    return NGX_ERROR;
}


/* "name" or "name=value" of a signal */

static ngx_int_t
ngx_http_sg_signal_arg(ngx_conf_t *cf, ngx_str_t *arg, ngx_str_t *value)
{
    u_char     *eq;
    ngx_int_t   sig;
    ngx_str_t   name;

    eq = ngx_strlchr(arg->data, arg->data + arg->len, '=');

    name.data = arg->data;
    name.len = eq ? (size_t) (eq - arg->data) : arg->len;

    sig = ngx_http_sg_signal_by_name(&name);

    if (sig == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown signal \"%V\"", &name);
        return NGX_ERROR;
    }

    if (eq) {
        value->data = eq + 1;
        value->len = arg->data + arg->len - value->data;

    } else {
        ngx_str_null(value);
    }

    return sig;
}


char *
ngx_http_sg_bind(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_int_t   sig;
    ngx_str_t  *value, v;
    ngx_uint_t  i;

    if (slcf->bind != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    slcf->bind = 0;
    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        sig = ngx_http_sg_signal_arg(cf, &value[i], &v);
        if (sig == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        slcf->bind |= (ngx_uint_t) 1 << sig;

        if (v.len == 0) {
            continue;
        }

        /* a trusted source for the value: a fingerprint from a CDN... */

        if (sig != NGX_SG_SIG_UA && sig != NGX_SG_SIG_JA4
            && sig != NGX_SG_SIG_COUNTRY && sig != NGX_SG_SIG_IP)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "signal \"%V\" takes no value", &value[i]);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_sg_compile(cf, &v, &slcf->bind_value[sig])
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_on_change(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    u_char      *eq;
    ngx_int_t    sig;
    ngx_str_t   *value, v, name;
    ngx_uint_t   i, mask;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        /* a name that is no signal of a change: a condition's */

        eq = ngx_strlchr(value[i].data, value[i].data + value[i].len, '=');

        name.data = value[i].data;
        name.len = eq ? (size_t) (eq - value[i].data) : value[i].len;

        if (eq && eq + 1 < value[i].data + value[i].len
            && ngx_http_sg_signal_by_name(&name) == NGX_ERROR)
        {
            v.data = eq + 1;
            v.len = value[i].data + value[i].len - v.data;

            if (ngx_http_sg_on_condition(cf, slcf, &name, &v)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        sig = ngx_http_sg_signal_arg(cf, &value[i], &v);
        if (sig == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        if (v.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" needs actions, e.g. \"%V=log\"",
                               &value[i], &value[i]);
            return NGX_CONF_ERROR;
        }

        if (slcf->on_change[sig] != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate signal \"%V\"",
                               &ngx_sg_signal_names[sig]);
            return NGX_CONF_ERROR;
        }

        /* without variables, the actions are checked here, once */

        if (ngx_http_script_variables_count(&v) == 0
            && ngx_sg_risk_parse_actions(&v, &mask) != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid actions \"%V\"", &v);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_sg_compile(cf, &v, &slcf->on_change[sig])
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_travel(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_int_t    n;
    ngx_str_t   *value, v;
    ngx_uint_t   i;

    if (slcf->travel_speed != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    slcf->travel_speed = 900;
    slcf->travel_floor = 100;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "speed=", 6) == 0) {
            v.data = value[i].data + 6;
            v.len = value[i].len - 6;

            if (v.len > 4
                && ngx_strncmp(v.data + v.len - 4, "km/h", 4) == 0)
            {
                v.len -= 4;
            }

            n = ngx_atoi(v.data, v.len);
            if (n == NGX_ERROR || n == 0 || n > 100000) {
                goto invalid;
            }

            slcf->travel_speed = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "floor=", 6) == 0) {
            v.data = value[i].data + 6;
            v.len = value[i].len - 6;

            if (v.len > 2 && ngx_strncmp(v.data + v.len - 2, "km", 2) == 0)
            {
                v.len -= 2;
            }

            n = ngx_atoi(v.data, v.len);
            if (n == NGX_ERROR || n > 40000) {
                goto invalid;
            }

            slcf->travel_floor = n;
            continue;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


char *
ngx_http_sg_lifetime(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t   *value, v;
    ngx_uint_t   i;

    if (slcf->shorten != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;
    slcf->shorten = 15 * 60;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "absolute=", 9) == 0) {
            v.data = value[i].data + 9;
            v.len = value[i].len - 9;

            if (ngx_http_sg_compile(cf, &v, &slcf->absolute) != NGX_CONF_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "known_device=", 13) == 0) {
            v.data = value[i].data + 13;
            v.len = value[i].len - 13;

            if (ngx_http_sg_compile(cf, &v, &slcf->known_device)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "idle=", 5) == 0) {
            v.data = value[i].data + 5;
            v.len = value[i].len - 5;

            if (ngx_http_sg_compile(cf, &v, &slcf->idle) != NGX_CONF_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "shorten=", 8) == 0) {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            slcf->shorten = ngx_parse_time(&v, 1);
            if (slcf->shorten == (time_t) NGX_ERROR || slcf->shorten == 0) {
                goto invalid;
            }

            continue;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


char *
ngx_http_sg_max_sessions(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (slcf->limit.max_sessions != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);
    if (n == NGX_ERROR || n < 1 || n > NGX_HTTP_SG_MAX_SESSIONS_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid number \"%V\", it must be 1..%d",
                           &value[1], NGX_HTTP_SG_MAX_SESSIONS_MAX);
        return NGX_CONF_ERROR;
    }

    slcf->limit.max_sessions = n;
    slcf->limit.replace_oldest = 1;

    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "deny") == 0) {
            slcf->limit.replace_oldest = 0;

        } else if (ngx_strcmp(value[2].data, "replace_oldest") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", it must be "
                               "\"replace_oldest\" or \"deny\"", &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


void
ngx_http_sg_session_init_conf(ngx_http_sg_loc_conf_t *conf)
{
    conf->zone = NGX_CONF_UNSET_PTR;
    conf->monitor = NGX_CONF_UNSET;
    conf->tokens = NGX_CONF_UNSET;
    conf->session_key = NGX_CONF_UNSET_PTR;
    conf->key_missing = NGX_CONF_UNSET_UINT;
    conf->bind = NGX_CONF_UNSET_UINT;
    conf->travel_speed = NGX_CONF_UNSET_UINT;
    conf->travel_floor = NGX_CONF_UNSET_UINT;
    conf->absolute = NGX_CONF_UNSET_PTR;
    conf->idle = NGX_CONF_UNSET_PTR;
    conf->known_device = NGX_CONF_UNSET_PTR;
    conf->service = NGX_CONF_UNSET_PTR;
    conf->shorten = NGX_CONF_UNSET;
    conf->assurance_req = NGX_CONF_UNSET_PTR;
    conf->limit.max_sessions = NGX_CONF_UNSET_UINT;
    conf->limit.replace_oldest = NGX_CONF_UNSET_UINT;

    ngx_http_sg_score_init_conf(conf);
}


char *
ngx_http_sg_session_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_uint_t  i, on_change, bind;

    /* the value sources of the signals go with "session_guard_bind" */

    bind = (conf->bind != NGX_CONF_UNSET_UINT);

    ngx_conf_merge_ptr_value(conf->zone, prev->zone, NULL);
    ngx_conf_merge_value(conf->monitor, prev->monitor, 0);
    ngx_conf_merge_value(conf->tokens, prev->tokens, 1);
    ngx_conf_merge_ptr_value(conf->session_key, prev->session_key, NULL);
    ngx_conf_merge_uint_value(conf->key_missing, prev->key_missing,
                              NGX_HTTP_SG_KEY_MISSING_PASS);
    ngx_conf_merge_uint_value(conf->bind, prev->bind,
                              (1 << NGX_SG_SIG_COUNT) - 1);
    ngx_conf_merge_uint_value(conf->travel_speed, prev->travel_speed, 900);
    ngx_conf_merge_uint_value(conf->travel_floor, prev->travel_floor, 100);
    ngx_conf_merge_ptr_value(conf->absolute, prev->absolute, NULL);
    ngx_conf_merge_ptr_value(conf->idle, prev->idle, NULL);
    ngx_conf_merge_ptr_value(conf->known_device, prev->known_device, NULL);
    ngx_conf_merge_ptr_value(conf->service, prev->service, NULL);
    ngx_conf_merge_sec_value(conf->shorten, prev->shorten, 15 * 60);
    ngx_conf_merge_uint_value(conf->limit.max_sessions,
                              prev->limit.max_sessions, 0);
    ngx_conf_merge_uint_value(conf->limit.replace_oldest,
                              prev->limit.replace_oldest, 1);

    /*
     * The actions are inherited as a whole, like the keys, independently
     * of "session_guard_bind": a location that only binds a signal to
     * another source keeps the actions of the server, and one that only
     * sets actions keeps the sources.
     */

    on_change = (conf->on_cond != NULL);

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (conf->on_change[i]) {
            on_change = 1;
        }
    }

    if (!on_change) {
        conf->on_cond = prev->on_cond;
    }

    for (i = 0; i < NGX_SG_SIG_COUNT; i++) {
        if (!on_change) {
            conf->on_change[i] = prev->on_change[i];
        }

        if (!bind) {
            conf->bind_value[i] = prev->bind_value[i];
        }
    }

    if (ngx_http_sg_condition_resolve(cf, conf) != NGX_OK
        || ngx_http_sg_score_merge_conf(cf, prev, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    if (!conf->tokens && conf->zone == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: \"session_guard_token off\" needs a "
                      "zone (\"session_guard zone=...\") in %V:%ui",
                      &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (!conf->tokens && conf->session_key == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: \"session_guard_token off\" needs "
                      "\"session_guard_session_key\" for \"session_guard\" "
                      "in %V:%ui", &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
