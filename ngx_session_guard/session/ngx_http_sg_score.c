
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The risk score (its arithmetic: core/ngx_sg_risk.c):
 *
 *   session_guard_risk_weight NAME=WEIGHT ...     (http, server, location)
 *       the weight of a signal of a change (ip, asn, country, ua, ja4,
 *       travel) or of a condition, 0..1000; what is not named weighs 0
 *   session_guard_risk_threshold SCORE ACTIONS    (same; repeated)
 *       once the sum of the weights reaches SCORE (1..100000), ACTIONS
 *       are taken, with those of every lower threshold reached
 *
 * Each directive is inherited as a whole: a level with any of its own
 * inherits none of the outer level's.  The conditions named are found at
 * merge, when every declaration has been read; the weights of an inherited
 * set are found once, where it was set.
 */


#include "ngx_http_sg.h"


#define NGX_HTTP_SG_WEIGHT_MAX     1000
#define NGX_HTTP_SG_SCORE_MAX      100000


typedef struct {
    ngx_str_t                   name;
    ngx_uint_t                  weight;
} ngx_http_sg_named_weight_t;


/* session_guard_risk_weight NAME=WEIGHT ... */

char *
ngx_http_sg_risk_weight(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    u_char                      *eq;
    ngx_int_t                    n;
    ngx_str_t                   *value, name, num;
    ngx_uint_t                   i, j;
    ngx_http_sg_weights_t       *w;
    ngx_http_sg_named_weight_t  *nw;

    if (slcf->weights != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    w = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_weights_t));
    if (w == NULL) {
        return NGX_CONF_ERROR;
    }

    w->named = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                sizeof(ngx_http_sg_named_weight_t));
    if (w->named == NULL) {
        return NGX_CONF_ERROR;
    }

    w->file = cf->conf_file->file.name;
    w->line = cf->conf_file->line;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        eq = ngx_strlchr(value[i].data, value[i].data + value[i].len, '=');

        if (eq == NULL || eq == value[i].data) {
            goto invalid;
        }

        name.data = value[i].data;
        name.len = eq - value[i].data;

        num.data = eq + 1;
        num.len = value[i].data + value[i].len - num.data;

        n = ngx_atoi(num.data, num.len);

        if (n == NGX_ERROR || n > NGX_HTTP_SG_WEIGHT_MAX) {
            goto invalid;
        }

        if (name.len == sizeof("risk_service") - 1
            && ngx_strncmp(name.data, "risk_service", name.len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "the weight of \"risk_service\" is the score "
                               "of its answers");
            return NGX_CONF_ERROR;
        }

        nw = w->named->elts;

        for (j = 0; j < w->named->nelts; j++) {
            if (nw[j].name.len == name.len
                && ngx_strncmp(nw[j].name.data, name.data, name.len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate weight of \"%V\"", &name);
                return NGX_CONF_ERROR;
            }
        }

        nw = ngx_array_push(w->named);
        if (nw == NULL) {
            return NGX_CONF_ERROR;
        }

        nw->name = name;
        nw->weight = n;
    }

    slcf->weights = w;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid weight \"%V\" (a signal or a condition, "
                       "\"=\", and 0 to %d)", &value[i],
                       NGX_HTTP_SG_WEIGHT_MAX);
    return NGX_CONF_ERROR;
}


/* session_guard_risk_threshold SCORE ACTIONS */

char *
ngx_http_sg_risk_threshold(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_int_t                 n;
    ngx_str_t                *value;
    ngx_uint_t                i, actions;
    ngx_sg_risk_threshold_t  *t;

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n < 1 || n > NGX_HTTP_SG_SCORE_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid score \"%V\" (1 to %d)", &value[1],
                           NGX_HTTP_SG_SCORE_MAX);
        return NGX_CONF_ERROR;
    }

    if (ngx_sg_risk_parse_actions(&value[2], &actions) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid actions \"%V\"", &value[2]);
        return NGX_CONF_ERROR;
    }

    if (slcf->thresholds == NGX_CONF_UNSET_PTR) {
        slcf->thresholds = ngx_array_create(cf->pool, 4,
                                            sizeof(ngx_sg_risk_threshold_t));
        if (slcf->thresholds == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    /* kept in ascending order: the engine stops at the first not reached */

    t = slcf->thresholds->elts;

    for (i = 0; i < slcf->thresholds->nelts; i++) {
        if (t[i].score == (ngx_uint_t) n) {
            return "is duplicate for this score";
        }

        if (t[i].score > (ngx_uint_t) n) {
            break;
        }
    }

    if (ngx_array_push(slcf->thresholds) == NULL) {
        return NGX_CONF_ERROR;
    }

    t = slcf->thresholds->elts;

    ngx_memmove(&t[i + 1], &t[i],
                (slcf->thresholds->nelts - 1 - i)
                * sizeof(ngx_sg_risk_threshold_t));

    t[i].score = n;
    t[i].actions = actions;

    return NGX_CONF_OK;
}


void
ngx_http_sg_score_init_conf(ngx_http_sg_loc_conf_t *conf)
{
    conf->weights = NGX_CONF_UNSET_PTR;
    conf->thresholds = NGX_CONF_UNSET_PTR;
}


/* at merge: inherited as a whole; the names found once */

char *
ngx_http_sg_score_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_uint_t                   i, j;
    ngx_http_sg_weights_t       *w;
    ngx_http_sg_condition_t     *c;
    ngx_http_sg_main_conf_t     *smcf;
    ngx_http_sg_named_weight_t  *nw;

    ngx_conf_merge_ptr_value(conf->weights, prev->weights, NULL);
    ngx_conf_merge_ptr_value(conf->thresholds, prev->thresholds, NULL);

    w = conf->weights;

    if (w == NULL || w->resolved) {
        return NGX_CONF_OK;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);
    nw = w->named->elts;

    for (i = 0; i < w->named->nelts; i++) {

        for (j = 0; ngx_sg_signal_names[j].len; j++) {
            if (ngx_sg_signal_names[j].len == nw[i].name.len
                && ngx_strncmp(ngx_sg_signal_names[j].data, nw[i].name.data,
                               nw[i].name.len)
                   == 0)
            {
                break;
            }
        }

        if (ngx_sg_signal_names[j].len) {
            w->weights[j] = nw[i].weight;
            continue;
        }

        c = ngx_http_sg_condition_find(smcf, &nw[i].name);

        if (c == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"session_guard_risk_weight\": unknown signal "
                          "\"%V\" (a condition is declared with "
                          "\"session_guard_condition\") in %V:%ui",
                          &nw[i].name, &w->file, w->line);
            return NGX_CONF_ERROR;
        }

        w->cond_weights[c->bit] = nw[i].weight;
    }

    w->resolved = 1;

    return NGX_CONF_OK;
}


/* per request: the location's weights and thresholds into the engine's */

void
ngx_http_sg_score(ngx_http_sg_loc_conf_t *slcf, ngx_sg_risk_t *risk)
{
    if (slcf->weights) {
        ngx_memcpy(risk->weights, slcf->weights->weights,
                   sizeof(risk->weights));
        ngx_memcpy(risk->cond_weights, slcf->weights->cond_weights,
                   sizeof(risk->cond_weights));
    }

    if (slcf->thresholds) {
        risk->thresholds = slcf->thresholds->elts;
        risk->nthresholds = slcf->thresholds->nelts;
    }
}
