
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Where the keys that verify tokens come from.
 *
 * "session_guard_jwks" and "session_guard_key": key files, read and parsed
 * once, while the configuration is read, into EVP_PKEYs owned by the
 * configuration pool; a file that cannot be read or holds no usable key
 * fails the configuration with a message that names the file.
 *
 * "session_guard_jwks_fetch": its parameters, checked and given their
 * defaults here, once; each directive is also listed in the main
 * configuration so that init_process can give every worker its own key
 * cache for it (ngx_http_sg_jwks.c).
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_jwks.h"


static ngx_array_t *ngx_http_sg_keys_array(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *slcf);
static char *ngx_http_sg_jwks_time(ngx_conf_t *cf, ngx_str_t *value,
    size_t skip, time_t *out);


/* session_guard_jwks file */

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


/* session_guard_key file [kid=id] */

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


/*
 * session_guard_jwks_fetch uri [refresh=time] [min_refresh=time]
 *     [max_refresh=time] [cooldown=time] [wait=time] [max_size=size]
 *     [max_keys=number] [discover=uri] [allow_http]
 */

char *
ngx_http_sg_jwks_fetch(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    u_char                     *q;
    time_t                      wait;
    ssize_t                     size;
    ngx_int_t                   n;
    ngx_str_t                  *value, s;
    ngx_uint_t                  i;
    ngx_http_sg_main_conf_t    *smcf;
    ngx_http_sg_jwks_fetch_t   *f, **fp;

    if (slcf->fetch != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid uri \"%V\", it must be a location's "
                           "path, such as \"/internal/jwks\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    f = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_jwks_fetch_t));
    if (f == NULL) {
        return NGX_CONF_ERROR;
    }

    f->uri = value[1];

    q = ngx_strlchr(f->uri.data, f->uri.data + f->uri.len, '?');

    if (q) {
        f->args.data = q + 1;
        f->args.len = f->uri.data + f->uri.len - q - 1;
        f->uri.len = q - f->uri.data;
    }

    f->refresh = 600;
    f->min_refresh = 60;
    f->max_refresh = 86400;
    f->cooldown = 30;
    wait = 10;
    f->max_size = 64 * 1024;
    f->max_keys = 64;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "refresh=", 8) == 0) {
            if (ngx_http_sg_jwks_time(cf, &value[i], 8, &f->refresh)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "min_refresh=", 12) == 0) {
            if (ngx_http_sg_jwks_time(cf, &value[i], 12, &f->min_refresh)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_refresh=", 12) == 0) {
            if (ngx_http_sg_jwks_time(cf, &value[i], 12, &f->max_refresh)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "cooldown=", 9) == 0) {
            if (ngx_http_sg_jwks_time(cf, &value[i], 9, &f->cooldown)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "wait=", 5) == 0) {
            if (ngx_http_sg_jwks_time(cf, &value[i], 5, &wait)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            if (wait < 1 || wait > 600) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\", it must be "
                                   "between 1s and 10m", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_size=", 9) == 0) {
            s.data = value[i].data + 9;
            s.len = value[i].len - 9;

            size = ngx_parse_size(&s);

            if (size == NGX_ERROR || size < 2
                || size > NGX_SG_JWKS_MAX_SIZE)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\", it must be "
                                   "a size up to 1m", &value[i]);
                return NGX_CONF_ERROR;
            }

            f->max_size = size;
            continue;
        }

        if (ngx_strncmp(value[i].data, "max_keys=", 9) == 0) {
            n = ngx_atoi(value[i].data + 9, value[i].len - 9);

            if (n == NGX_ERROR || n < 1 || n > NGX_SG_JWKS_MAX_KEYS) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\", it must be "
                                   "1..%d", &value[i], NGX_SG_JWKS_MAX_KEYS);
                return NGX_CONF_ERROR;
            }

            f->max_keys = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "discover=", 9) == 0) {
            f->discover.data = value[i].data + 9;
            f->discover.len = value[i].len - 9;

            if (f->discover.len == 0 || f->discover.data[0] != '/') {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid parameter \"%V\", it must be "
                                   "a location's path, such as "
                                   "\"/internal/oidc-config\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            q = ngx_strlchr(f->discover.data,
                            f->discover.data + f->discover.len, '?');

            if (q) {
                f->discover_args.data = q + 1;
                f->discover_args.len = f->discover.data + f->discover.len
                                       - q - 1;
                f->discover.len = q - f->discover.data;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "allow_http") == 0) {
            f->allow_http = 1;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (f->allow_http && f->discover.len == 0) {
        return "needs \"discover=\" for \"allow_http\"";
    }

    if (f->min_refresh < 1) {
        return "needs min_refresh of at least 1s";
    }

    if (f->min_refresh > f->max_refresh) {
        return "needs min_refresh not above max_refresh";
    }

    if (f->refresh < f->min_refresh || f->refresh > f->max_refresh) {
        return "needs refresh between min_refresh and max_refresh";
    }

    f->wait = (ngx_msec_t) wait * 1000;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->fetches == NULL) {
        smcf->fetches = ngx_array_create(cf->pool, 2,
                                         sizeof(ngx_http_sg_jwks_fetch_t *));
        if (smcf->fetches == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    fp = ngx_array_push(smcf->fetches);
    if (fp == NULL) {
        return NGX_CONF_ERROR;
    }

    *fp = f;
    slcf->fetch = f;

    return NGX_CONF_OK;
}


static char *
ngx_http_sg_jwks_time(ngx_conf_t *cf, ngx_str_t *value, size_t skip,
    time_t *out)
{
    ngx_str_t  s;

    s.data = value->data + skip;
    s.len = value->len - skip;

    *out = ngx_parse_time(&s, 1);

    if (*out == (time_t) NGX_ERROR || *out > 7 * 86400) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\", it must be a time "
                           "up to 7d", value);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * Where the guard is in force with a discovering fetch: the discovery
 * document must name the issuer (OpenID Connect Discovery 1.0, 4.3), so
 * the location needs "session_guard_issuer", and every location that
 * shares the fetch the same one.  Configuration time only.
 */

char *
ngx_http_sg_jwks_merge_issuer(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf)
{
    ngx_http_sg_jwks_fetch_t  *f;

    f = conf->fetch;

    if (f == NULL || f->discover.len == 0) {
        return NGX_CONF_OK;
    }

    if (conf->issuer.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: \"session_guard_jwks_fetch\" with "
                      "\"discover=\" needs \"session_guard_issuer\" for "
                      "\"session_guard\" in %V:%ui",
                      &conf->enable_file, conf->enable_line);
        return NGX_CONF_ERROR;
    }

    if (f->issuer.len == 0) {
        f->issuer = conf->issuer;
        return NGX_CONF_OK;
    }

    if (f->issuer.len != conf->issuer.len
        || ngx_strncmp(f->issuer.data, conf->issuer.data, f->issuer.len) != 0)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "session_guard: locations that share "
                      "\"session_guard_jwks_fetch %V discover=%V\" need the "
                      "same \"session_guard_issuer\", not \"%V\" and \"%V\" "
                      "(\"session_guard\" in %V:%ui)", &f->uri, &f->discover,
                      &f->issuer, &conf->issuer, &conf->enable_file,
                      conf->enable_line);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
