
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The module definition: the command table (each directive's handler is
 * in its concern's *_conf.c), configuration create/merge delegating to
 * those files, and the registration of the ACCESS-phase handler, of the
 * filters and of the variables.
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_sg_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_sg_init_process(ngx_cycle_t *cycle);
static void *ngx_http_sg_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_sg_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_sg_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_sg_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);

static ngx_command_t  ngx_http_sg_commands[] = {

    { ngx_string("session_guard"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE123,
      ngx_http_sg_enable,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_token"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_token,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_session_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_session_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_bind"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_bind,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_on_change"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_on_change,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_risk_weight"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_risk_weight,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_oidc"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_oidc,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_risk_service"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_risk_service,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_risk_threshold"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_sg_risk_threshold,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_travel"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_travel,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_lifetime"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_lifetime,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_max_sessions"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_max_sessions,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_step_up"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_step_up,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_jwks"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_jwks,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_jwks_fetch"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_jwks_fetch,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_algorithms,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, issuer),
      NULL },

    { ngx_string("session_guard_audience"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_audience,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_type"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, typ),
      NULL },

    { ngx_string("session_guard_realm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, realm),
      &ngx_http_sg_realm_p },

    { ngx_string("session_guard_leeway"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, leeway),
      &ngx_http_sg_leeway_p },

    { ngx_string("session_guard_max_token_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, max_token_size),
      &ngx_http_sg_max_token_size_p },

    { ngx_string("session_guard_log_level"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, log_level),
      &ngx_http_sg_log_levels },

    { ngx_string("session_guard_require"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_require,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_dpop"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_dpop,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_dpop_window"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_dpop_window,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_dpop_htu_base"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_dpop_htu_base,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_dpop_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_dpop_algorithms,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_mtls"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_mtls,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_claim_set"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_sg_claim_set,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_token_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_token_cache,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_throttle_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_sg_throttle_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_throttle"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_throttle,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_geoip"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1234,
      ngx_http_sg_geoip,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_sg_zone_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_backchannel_logout"),
      NGX_HTTP_LOC_CONF|NGX_CONF_2MORE,
      ngx_http_sg_backchannel_logout,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_ssf_receiver"),
      NGX_HTTP_LOC_CONF|NGX_CONF_2MORE,
      ngx_http_sg_ssf_receiver,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_notify"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_notify_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_ssf_poll"),
      NGX_HTTP_SRV_CONF|NGX_CONF_2MORE,
      ngx_http_sg_ssf_poll,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_ssf_transmitter"),
      NGX_HTTP_SRV_CONF|NGX_CONF_2MORE,
      ngx_http_sg_ssf_tx_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_ssf_jwks"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_sg_ssf_tx_jwks,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_ssf_configuration"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_sg_ssf_tx_metadata,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_notify_jwks"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_sg_notify_jwks,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE12,
      ngx_http_sg_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    /* cookies, step-up, browsers, logout (ngx_http_sg_edge.h) */

    { ngx_string("session_guard_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_cookie,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_login"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_login,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_browser"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_sg_browser,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_require_auth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_require_auth,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_require_assurance"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_sg_require_assurance,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_condition"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_sg_condition,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_assurance_levels"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_sg_assurance_levels,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_acr_levels"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_acr_levels,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("session_guard_logout"),
      NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_sg_loc_conf_t, edge.logout),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_sg_module_ctx = {
    ngx_http_sg_preconfiguration,          /* preconfiguration */
    ngx_http_sg_postconfiguration,         /* postconfiguration */

    ngx_http_sg_create_main_conf,          /* create main configuration */
    ngx_http_sg_init_main_conf,            /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_sg_create_loc_conf,           /* create location configuration */
    ngx_http_sg_merge_loc_conf             /* merge location configuration */
};


ngx_module_t  ngx_http_session_guard_module = {
    NGX_MODULE_V1,
    &ngx_http_sg_module_ctx,               /* module context */
    ngx_http_sg_commands,                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_sg_init_process,              /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
#if (NGX_SG_LOCKSTATS)
    ngx_http_sg_lockstats_exit_process,    /* exit process */
#else
    NULL,                                  /* exit process */
#endif
    ngx_http_sg_zone_exit_master,          /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_sg_preconfiguration(ngx_conf_t *cf)
{
    /*
     * Installed before any key file is parsed; also seeds jansson's hash
     * here so that it never reads /dev/urandom inside a request.
     */
    ngx_sg_json_init();

    if (ngx_http_sg_geo_add_variables(cf) != NGX_OK
        || ngx_http_sg_add_session_variables(cf) != NGX_OK
        || ngx_http_sg_dpop_add_variables(cf) != NGX_OK
        || ngx_http_sg_jwks_add_variables(cf) != NGX_OK
        || ngx_http_sg_service_add_variables(cf) != NGX_OK
        || ngx_http_sg_details_add_variables(cf) != NGX_OK
        || ngx_http_sg_oidc_add_variables(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_sg_add_variables(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_sg_add_claim_variables(cf);
}


static ngx_int_t
ngx_http_sg_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_sg_main_conf_t    *smcf;
    ngx_http_core_main_conf_t  *cmcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    /*
     * The module's variable names are long ("session_guard_session_
     * initial_country"): with the default bucket of 64 bytes nginx warns
     * that it cannot build an optimal variables hash.  The hash is built
     * after every postconfiguration, so a larger bucket set here (never a
     * smaller one than configured) takes effect.
     */

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    if (cmcf->variables_hash_bucket_size < 128) {
        cmcf->variables_hash_bucket_size = 128;
    }

    /* JA4 capture on every HTTPS server, whether a location checks or not */

    if (ngx_http_sg_ja4_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the Set-Cookie filter, where some location uses session_guard_cookie */

    if (smcf->cookie_filter && ngx_http_sg_cookie_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the size limit of risk services' answers, where one is asked */

    if (smcf->services && ngx_http_sg_service_filter_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the size limit of token endpoints' answers (session_guard_oidc) */

    if (ngx_http_sg_oidc_filter_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the size limit of fetched key sets, where keys are fetched */

    if (smcf->fetches && ngx_http_sg_jwks_filter_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (!smcf->enabled) {
        return NGX_OK;
    }

    /*
     * The verified-token cache is allocated once, here; each worker gets
     * its own copy when it is forked, so a request never allocates for it.
     */

    if (ngx_http_sg_cache_init(cf, &smcf->cache, smcf->cache_size)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /*
     * So is the DPoP proof key cache, empty until a worker inserts; the
     * keys a worker made are freed with the cycle pool when it exits.
     */

    if (ngx_sg_dpop_key_cache_init(cf->pool, &smcf->dpop_keys,
                                   NGX_HTTP_SG_DPOP_KEY_CACHE)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_sg_access_handler;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_init_process(ngx_cycle_t *cycle)
{
    if (ngx_http_sg_zone_init_process(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    /* each worker sends the security events queued */

    if (ngx_http_sg_ssf_tx_init_process(cycle) != NGX_OK
        || ngx_http_sg_ssf_poll_init_process(cycle) != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* each worker's own cache of fetched keys */

    return ngx_http_sg_jwks_init_process(cycle);
}


static void *
ngx_http_sg_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     smcf->cache = { NULL, 0, 0, 0 };
     *     smcf->dpop_keys = { NULL, 0, 0, 0 };
     *     smcf->enabled = 0;
     */

    smcf->cache_size = NGX_CONF_UNSET_UINT;

    return smcf;
}


static char *
ngx_http_sg_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_sg_main_conf_t  *smcf = conf;

    ngx_conf_init_uint_value(smcf->cache_size, NGX_HTTP_SG_CACHE_DEFAULT);

    if (ngx_http_sg_zone_check(cf) != NGX_OK
        || ngx_http_sg_assurance_init(cf, smcf) != NGX_OK
        || ngx_http_sg_condition_init(cf, smcf) != NGX_OK
        || ngx_http_sg_throttle_check_conf(cf, smcf->throttles) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_sg_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_sg_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->enable_file = { 0, NULL };
     *     conf->enable_line = 0;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->oidc = NGX_CONF_UNSET_PTR;

    ngx_http_sg_token_init_conf(conf);
    ngx_http_sg_session_init_conf(conf);
    ngx_http_sg_sender_init_conf(conf);
    ngx_http_sg_edge_init_conf(conf);
    ngx_http_sg_notify_init_conf(conf);

    return conf;
}


static char *
ngx_http_sg_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_sg_loc_conf_t *prev = parent;
    ngx_http_sg_loc_conf_t *conf = child;

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable = prev->enable;
        conf->enable_file = prev->enable_file;
        conf->enable_line = prev->enable_line;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    if (ngx_http_sg_token_merge_conf(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    /* the edge's first: it merges step-up parameters the session's keep */

    if (ngx_http_sg_edge_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_session_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_assurance_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_sender_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_notify_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_ssf_tx_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_cookie_guard_conf(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_http_sg_api_merge_conf(prev, conf);

    if (ngx_http_sg_ssf_merge_conf(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->backchannel == NULL) {
        conf->backchannel = prev->backchannel;
    }

    if (conf->oidc == NGX_CONF_UNSET_PTR) {
        conf->oidc = (prev->oidc == NGX_CONF_UNSET_PTR) ? NULL : prev->oidc;
    }

    if (ngx_http_sg_oidc_check_conf(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (!conf->enable || !conf->tokens) {
        return NGX_CONF_OK;
    }

    /*
     * Cross-directive checks run where the guard is in force; the message
     * names the "session_guard" directive that turned it on.
     */

    return ngx_http_sg_token_check_conf(cf, conf);
}
