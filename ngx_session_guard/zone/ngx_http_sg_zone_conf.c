
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The "session_guard_zone" directive: a zone's name and size, its state
 * file and the parameters of its records.  The zone is added, initialized
 * and saved by ngx_http_sg_zone.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


/* the "session_guard_zone" directive */

char *
ngx_http_sg_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char                   *p;
    size_t                    size;
    time_t                    max_lifetime, memory;
    ssize_t                   n;
    ngx_str_t                *value, name, s, state;
    ngx_int_t                 t;
    ngx_msec_t                save;
    ngx_uint_t                i, unauth, users, details;
    ngx_http_sg_zone_t       *zone, **zp;
    ngx_http_sg_main_conf_t  *smcf;

    value = cf->args->elts;

    size = 0;
    name.len = 0;
    ngx_str_null(&state);
    max_lifetime = NGX_HTTP_SG_MAX_LIFETIME_DEFAULT;
    save = NGX_HTTP_SG_SAVE_DEFAULT;
    unauth = NGX_HTTP_SG_UNAUTH_DEFAULT;
    memory = 0;
    users = 0;
    details = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {

            name.data = value[i].data + 5;

            p = (u_char *) ngx_strchr(name.data, ':');

            if (p == NULL || p == name.data) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid zone \"%V\", it must be "
                                   "\"zone=name:size\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            name.len = p - name.data;

            s.data = p + 1;
            s.len = value[i].data + value[i].len - s.data;

            n = ngx_parse_size(&s);

            if (n == NGX_ERROR) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid zone size \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            if (n < (ssize_t) (8 * ngx_pagesize)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "zone \"%V\" is too small", &value[i]);
                return NGX_CONF_ERROR;
            }

            /* list links are 32-bit offsets in 4-byte units */

            if ((uint64_t) n > ((uint64_t) 0xffffffff << 2)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "zone \"%V\" is too large, the maximum "
                                   "is 16G", &value[i]);
                return NGX_CONF_ERROR;
            }

            size = n;
            continue;
        }

        if (ngx_strncmp(value[i].data, "state=", 6) == 0) {

            state.data = value[i].data + 6;
            state.len = value[i].len - 6;

            if (state.len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "empty state file in \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            if (ngx_conf_full_name(cf->cycle, &state, 0) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_lifetime=", 13) == 0) {

            s.data = value[i].data + 13;
            s.len = value[i].len - 13;

            t = ngx_parse_time(&s, 1);

            if (t == NGX_ERROR || t < 1 || t > 3650 * 86400) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid max_lifetime \"%V\", it must "
                                   "be between 1s and 3650d", &value[i]);
                return NGX_CONF_ERROR;
            }

            max_lifetime = t;
            continue;
        }

        if (ngx_strncmp(value[i].data, "save=", 5) == 0) {

            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            t = ngx_parse_time(&s, 0);

            if (t == NGX_ERROR || (t != 0 && t < 1000)
                || t > 86400 * 1000)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid save interval \"%V\", it must "
                                   "be 0 (off) or between 1s and 1d",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            save = (ngx_msec_t) t;
            continue;
        }

        if (ngx_strncmp(value[i].data, "unauthenticated=", 16) == 0) {

            s.data = value[i].data + 16;
            s.len = value[i].len - 16;

            t = NGX_ERROR;

            if (s.len > 1 && s.data[s.len - 1] == '%') {
                t = ngx_atoi(s.data, s.len - 1);
            }

            if (t == NGX_ERROR || t < 1 || t > 100) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid share \"%V\", it must be "
                                   "between 1%% and 100%%", &value[i]);
                return NGX_CONF_ERROR;
            }

            unauth = (ngx_uint_t) t;
            continue;
        }

        if (ngx_strncmp(value[i].data, "memory=", 7) == 0) {

            s.data = value[i].data + 7;
            s.len = value[i].len - 7;

            if (s.len == 3 && ngx_strncmp(s.data, "off", 3) == 0) {
                memory = 0;
                continue;
            }

            t = ngx_parse_time(&s, 1);

            if (t == NGX_ERROR || t < 1 || t > 3650 * 86400) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid memory \"%V\", it must be "
                                   "\"off\" or a time between 1s and 3650d",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            memory = t;
            continue;
        }

        if (ngx_strncmp(value[i].data, "memory_users=", 13) == 0) {

            t = ngx_atoi(value[i].data + 13, value[i].len - 13);

            if (t == NGX_ERROR || t < 1 || t > 100000000) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid \"%V\", it must be a number "
                                   "of users between 1 and 100000000",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            users = (ngx_uint_t) t;
            continue;
        }

        if (ngx_strcmp(value[i].data, "details=on") == 0) {
            details = 1;
            continue;
        }

        if (ngx_strcmp(value[i].data, "details=off") == 0) {
            details = 0;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"zone\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    smcf = conf;

    if (state.len && smcf->zones) {
        zp = smcf->zones->elts;

        for (i = 0; i < smcf->zones->nelts; i++) {
            if (zp[i]->state.len == state.len
                && ngx_strncmp(zp[i]->state.data, state.data, state.len)
                   == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "state file \"%V\" is already used by "
                                   "zone \"%V\"", &state, &zp[i]->name);
                return NGX_CONF_ERROR;
            }
        }
    }

    zone = ngx_http_sg_zone_find_conf(cf, &name);

    if (zone == NULL) {
        zone = ngx_http_sg_zone_add(cf, &name, size);
        if (zone == NULL) {
            return NGX_CONF_ERROR;
        }

    } else if (zone->declared) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate zone \"%V\"", &name);
        return NGX_CONF_ERROR;

    } else {
        /* used before: ngx_shared_memory_add() sets the size now */

        if (ngx_shared_memory_add(cf, &name, size,
                                  &ngx_http_session_guard_module)
            == NULL)
        {
            return NGX_CONF_ERROR;
        }
    }

    zone->declared = 1;
    zone->state = state;
    zone->cycle = cf->cycle;
    zone->max_lifetime = max_lifetime;
    zone->save = save;
    zone->unauth_share = unauth;
    zone->memory_ttl = memory;
    zone->details = details;

    /* by default a memory per KB of zone: a quarter of it, at most */
    zone->memory_users = users ? users : ngx_max(size / 1024, 1);

    return NGX_CONF_OK;
}
