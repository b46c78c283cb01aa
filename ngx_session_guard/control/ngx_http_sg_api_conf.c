
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The "session_guard_api" directive and the inheritance of the control
 * locations' settings.  The API itself is in ngx_http_sg_api.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_api.h"


/* the "session_guard_api" directive (location) */

char *
ngx_http_sg_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t                 *value, name;
    ngx_http_core_loc_conf_t  *clcf;

    if (slcf->api_zone) {
        return "is duplicate";
    }

    if (slcf->metrics_format) {
        return "cannot be used with \"session_guard_metrics\" in the same "
               "location";
    }

    value = cf->args->elts;

    if (ngx_strncmp(value[1].data, "zone=", 5) != 0 || value[1].len == 5) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\", it must be "
                           "\"zone=name\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    /* the API paths are relative to a literal prefix */

    if (clcf->named
#if (NGX_PCRE)
        || clcf->regex
#endif
       )
    {
        return "cannot be used in a named or regular expression location";
    }

    name.data = value[1].data + 5;
    name.len = value[1].len - 5;

    slcf->api_zone = ngx_http_sg_zone_get(cf, &name);
    if (slcf->api_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    clcf->handler = ngx_http_sg_api_handler;

    return NGX_CONF_OK;
}


/*
 * session_guard_api and session_guard_metrics install content handlers
 * for their own location, but their settings are inherited as well: a
 * request that goes through an "if" block inside that location keeps the
 * handler and gets the block's configuration.  Elsewhere they are unused
 * (no handler).
 */

void
ngx_http_sg_api_merge_conf(ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    if (conf->api_zone == NULL) {
        conf->api_zone = prev->api_zone;
    }

    if (conf->metrics_format == 0) {
        conf->metrics_format = prev->metrics_format;
        conf->metrics_zone = prev->metrics_zone;
    }
}
