
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Key directives.  Key files are read and parsed once, while the
 * configuration is read, into EVP_PKEYs owned by the configuration pool; a
 * file that cannot be read or holds no usable key fails the configuration
 * with a message that names the file.
 */


#include "ngx_http_sg.h"


static ngx_array_t *ngx_http_sg_keys_array(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *slcf);


char *
ngx_http_sg_jwks(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t     *value, name, data;
    ngx_int_t      rc;
    ngx_uint_t     before;
    const char    *reason;
    ngx_array_t   *keys;

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    keys = ngx_http_sg_keys_array(cf, slcf);
    if (keys == NULL) {
        return NGX_CONF_ERROR;
    }

    rc = ngx_http_sg_read_file(cf, "session_guard", &name,
                               NGX_SG_JWKS_MAX_SIZE, &data);
    if (rc != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    before = keys->nelts;
    reason = "invalid";

    rc = ngx_sg_jwks_import(cf->pool, cf->log, data.data, data.len, keys,
                            &reason);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    if (keys->nelts > NGX_SG_JWKS_MAX_KEYS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard: more than %d keys in one "
                           "location (last file \"%V\")",
                           NGX_SG_JWKS_MAX_KEYS, &name);
        return NGX_CONF_ERROR;
    }

    if (rc != NGX_OK || keys->nelts == before) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard: no usable key in JWKS file "
                           "\"%V\": %s", &name,
                           rc == NGX_OK ? "no usable key" : reason);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_sg_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t     *value, name, data;
    ngx_int_t      rc;
    const char    *reason;
    ngx_array_t   *keys;
    ngx_sg_key_t  *key;

    value = cf->args->elts;
    name = value[1];

    if (cf->args->nelts == 3
        && (ngx_strncmp(value[2].data, "kid=", 4) != 0
            || value[2].len == 4
            || value[2].len - 4 > NGX_SG_KID_MAX_LEN))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[2]);
        return NGX_CONF_ERROR;
    }

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    keys = ngx_http_sg_keys_array(cf, slcf);
    if (keys == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_read_file(cf, "session_guard", &name,
                              NGX_SG_JWKS_MAX_SIZE, &data)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (keys->nelts >= NGX_SG_JWKS_MAX_KEYS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard: more than %d keys in one "
                           "location (last file \"%V\")",
                           NGX_SG_JWKS_MAX_KEYS, &name);
        return NGX_CONF_ERROR;
    }

    key = ngx_array_push(keys);
    if (key == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(key, sizeof(ngx_sg_key_t));
    reason = "invalid";

    rc = ngx_sg_pem_import(cf->pool, data.data, data.len, key, &reason);

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    if (rc != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard: no usable key in PEM file "
                           "\"%V\": %s", &name, reason);
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 3) {
        key->kid.len = value[2].len - 4;
        key->kid.data = value[2].data + 4;
    }

    return NGX_CONF_OK;
}


static ngx_array_t *
ngx_http_sg_keys_array(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *slcf)
{
    if (slcf->keys == NGX_CONF_UNSET_PTR) {
        slcf->keys = ngx_array_create(cf->pool, 4, sizeof(ngx_sg_key_t));
    }

    return slcf->keys;
}
