
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The "session_guard_metrics" directive: the zone and the default
 * format.  The handler it sets is in ngx_http_sg_metrics.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_metrics.h"


/* the "session_guard_metrics" directive (location) */

char *
ngx_http_sg_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t                 *value, name;
    ngx_uint_t                 i;
    ngx_http_core_loc_conf_t  *clcf;

    if (slcf->metrics_format) {
        return "is duplicate";
    }

    if (slcf->api_zone) {
        return "cannot be used with \"session_guard_api\" in the same "
               "location";
    }

    value = cf->args->elts;

    ngx_http_sg_metrics_labels();

    slcf->metrics_format = NGX_HTTP_SG_METRICS_JSON;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0
            && value[i].len > 5 && slcf->metrics_zone == NULL)
        {
            name.data = value[i].data + 5;
            name.len = value[i].len - 5;

            slcf->metrics_zone = ngx_http_sg_zone_get(cf, &name);
            if (slcf->metrics_zone == NULL) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "format=json") == 0) {
            slcf->metrics_format = NGX_HTTP_SG_METRICS_JSON;
            continue;
        }

        if (ngx_strcmp(value[i].data, "format=prometheus") == 0) {
            slcf->metrics_format = NGX_HTTP_SG_METRICS_PROMETHEUS;
            continue;
        }

        if (ngx_strcmp(value[i].data, "format=openmetrics") == 0) {
            slcf->metrics_format = NGX_HTTP_SG_METRICS_OPENMETRICS;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sg_metrics_handler;

    return NGX_CONF_OK;
}
