
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The module definition: directives, configuration create/merge, and the
 * registration of the ACCESS-phase handler and of the variables.
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

static char *ngx_http_sg_token(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_sg_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_sg_audience(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_sg_require(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_sg_token_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_sg_max_token_size(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_sg_realm(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_sg_leeway(ngx_conf_t *cf, void *post, void *data);


static ngx_conf_post_handler_pt  ngx_http_sg_max_token_size_p =
    ngx_http_sg_max_token_size;
static ngx_conf_post_handler_pt  ngx_http_sg_realm_p = ngx_http_sg_realm;
static ngx_conf_post_handler_pt  ngx_http_sg_leeway_p = ngx_http_sg_leeway;


static ngx_conf_enum_t  ngx_http_sg_log_levels[] = {
    { ngx_string("info"), NGX_LOG_INFO },
    { ngx_string("notice"), NGX_LOG_NOTICE },
    { ngx_string("warn"), NGX_LOG_WARN },
    { ngx_string("error"), NGX_LOG_ERR },
    { ngx_null_string, 0 }
};


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

    { ngx_string("session_guard_geoip"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
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

    { ngx_string("session_guard_notify"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_sg_notify_directive,
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
    NULL,                                  /* exit process */
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
        || ngx_http_sg_jwks_add_variables(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_sg_add_variables(cf);
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

    if (ngx_http_sg_zone_check(cf) != NGX_OK) {
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
     *     conf->issuer = { 0, NULL };
     *     conf->typ = { 0, NULL };
     *     conf->realm = { 0, NULL };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->token = NGX_CONF_UNSET_PTR;
    conf->keys = NGX_CONF_UNSET_PTR;
    conf->fetch = NGX_CONF_UNSET_PTR;
    conf->algorithms = NGX_CONF_UNSET_UINT;
    conf->audiences = NGX_CONF_UNSET_PTR;
    conf->leeway = NGX_CONF_UNSET;
    conf->max_token_size = NGX_CONF_UNSET_SIZE;
    conf->log_level = NGX_CONF_UNSET_UINT;
    conf->requires = NGX_CONF_UNSET_PTR;

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

    ngx_uint_t     i, a;
    ngx_sg_alg_t  *alg;
    ngx_sg_key_t  *key;

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable = prev->enable;
        conf->enable_file = prev->enable_file;
        conf->enable_line = prev->enable_line;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
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

    /* the edge's first: it merges step-up parameters the session's keep */

    if (ngx_http_sg_edge_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_session_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_sender_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_notify_merge_conf(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_sg_cookie_guard_conf(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_http_sg_api_merge_conf(prev, conf);

    if (conf->backchannel == NULL) {
        conf->backchannel = prev->backchannel;
    }

    if (!conf->enable || !conf->tokens) {
        return NGX_CONF_OK;
    }

    /*
     * Cross-directive checks run where the guard is in force; the message
     * names the "session_guard" directive that turned it on.
     */

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
                goto fits;
            }
        }
    }

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "session_guard: no configured key can verify any of "
                  "the allowed algorithms for \"session_guard\" in "
                  "%V:%ui", &conf->enable_file, conf->enable_line);
    return NGX_CONF_ERROR;

fits:

    return NGX_CONF_OK;
}


static char *
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


static char *
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


static char *
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


static char *
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


static char *
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
