
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Directives of the edge's answers (ngx_http_sg_edge.c): step-up per
 * location, ACR levels, login and step-up URLs, browser detection,
 * logout; and their merge, which derives what a step-up asks for.  Also
 * session_guard_cookie, the cookie that ngx_http_sg_cookie.c enforces.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_edge_conf.h"

#include "ngx_sg_cookie.h"
#include "ngx_sg_redirect.h"


static ngx_int_t ngx_http_sg_step_up_arg(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *slcf, ngx_str_t *arg);
static char *ngx_http_sg_edge_url(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t **cvp);
static char *ngx_http_sg_edge_list(ngx_conf_t *cf, ngx_str_t *value,
    ngx_array_t **list);
static ngx_int_t ngx_http_sg_edge_derive(ngx_conf_t *cf,
    ngx_http_sg_loc_conf_t *prev, ngx_http_sg_loc_conf_t *conf,
    ngx_uint_t own);
static ngx_int_t ngx_http_sg_cookie_attr_value(ngx_str_t *value);


/* session_guard_login URL [return=NAME] | off */

char *
ngx_http_sg_login(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->edge.login != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        slcf->edge.login = NULL;
        return NGX_CONF_OK;
    }

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "return=", 7) != 0
            || value[2].len == 7)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        slcf->edge.login_return.data = value[2].data + 7;
        slcf->edge.login_return.len = value[2].len - 7;
    }

    return ngx_http_sg_edge_url(cf, &value[1], &slcf->edge.login);
}


/* session_guard_browser VALUE | off */

char *
ngx_http_sg_browser(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->edge.browser != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        slcf->edge.browser = NGX_HTTP_SG_BROWSER_OFF;
        return NGX_CONF_OK;
    }

    slcf->edge.browser = NGX_HTTP_SG_BROWSER_VALUE;

    return ngx_http_sg_compile(cf, &value[1], &slcf->edge.browser_value);
}


/*
 * session_guard_require_auth [acr=V[,V...]] [max_age=TIME]
 *     [amr=M[,M...]] | off
 */

char *
ngx_http_sg_require_auth(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t            *value, v;
    ngx_uint_t            i;
    ngx_http_sg_authn_t  *authn;

    if (slcf->edge.authn != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        slcf->edge.authn = NULL;
        return NGX_CONF_OK;
    }

    authn = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_authn_t));
    if (authn == NULL) {
        return NGX_CONF_ERROR;
    }

    authn->max_age = -1;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "acr=", 4) == 0 && !authn->acr) {
            v.data = value[i].data + 4;
            v.len = value[i].len - 4;

            if (ngx_http_sg_edge_list(cf, &v, &authn->acr) != NGX_CONF_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "amr=", 4) == 0 && !authn->amr) {
            v.data = value[i].data + 4;
            v.len = value[i].len - 4;

            if (ngx_http_sg_edge_list(cf, &v, &authn->amr) != NGX_CONF_OK) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0
            && authn->max_age == -1)
        {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            authn->max_age = ngx_parse_time(&v, 1);
            if (authn->max_age == (time_t) NGX_ERROR) {
                goto invalid;
            }

            continue;
        }

        goto invalid;
    }

    if (authn->acr == NULL && authn->amr == NULL && authn->max_age == -1) {
        return "needs \"acr=\", \"amr=\" or \"max_age=\"";
    }

    slcf->edge.authn = authn;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/* session_guard_acr_levels LEVEL ...: weakest first */

char *
ngx_http_sg_acr_levels(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t   *value, *s;
    ngx_uint_t   i, j;

    if (slcf->edge.acr_levels != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    slcf->edge.acr_levels = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                             sizeof(ngx_str_t));
    if (slcf->edge.acr_levels == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        /* a printable token: it goes into acr_values */

        for (j = 0; j < value[i].len; j++) {
            if (value[i].data[j] <= 0x20 || value[i].data[j] >= 0x7f
                || value[i].data[j] == '"' || value[i].data[j] == '\\'
                || value[i].data[j] == ',')
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid level \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        if (ngx_http_sg_acr_level(slcf->edge.acr_levels, &value[i])
            != NGX_DECLINED)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate level \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(slcf->edge.acr_levels);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


/*
 * session_guard_step_up [acr_values=V] [max_age=TIME] [redirect=URL]
 *     [return=NAME]
 */

char *
ngx_http_sg_step_up(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    u_char      *p;
    ngx_int_t    rc;
    ngx_str_t   *value, v;
    ngx_uint_t   i;

    if (slcf->max_age != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;
    slcf->max_age = -1;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "acr_values=", 11) == 0) {
            slcf->acr_values.data = value[i].data + 11;
            slcf->acr_values.len = value[i].len - 11;

            /*
             * It goes into a quoted-string of WWW-Authenticate; values
             * are separated by spaces (RFC 9470).
             */

            for (p = slcf->acr_values.data;
                 p < slcf->acr_values.data + slcf->acr_values.len;
                 p++)
            {
                if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') {
                    goto invalid;
                }
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            slcf->max_age = ngx_parse_time(&v, 1);
            if (slcf->max_age == (time_t) NGX_ERROR) {
                goto invalid;
            }

            continue;
        }

        /* redirect=URL return=NAME, for browsers (ngx_http_sg_edge.c) */

        rc = ngx_http_sg_step_up_arg(cf, slcf, &value[i]);

        if (rc == NGX_OK) {
            continue;
        }

        if (rc == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * session_guard_cookie name=NAME [mode=persistent|non-persistent]
 *     [secure] [httponly] [samesite=lax|strict|none] [path=P] [domain=D];
 * session_guard_cookie off;
 */

char *
ngx_http_sg_cookie(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t                  *value, v;
    ngx_uint_t                  i;
    ngx_http_sg_main_conf_t    *smcf;
    ngx_http_sg_cookie_conf_t  *cc;

    if (slcf->edge.cookie != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        slcf->edge.cookie = NULL;
        return NGX_CONF_OK;
    }

    cc = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_cookie_conf_t));
    if (cc == NULL) {
        return NGX_CONF_ERROR;
    }

    cc->mode = NGX_SG_COOKIE_PERSISTENT;
    ngx_str_set(&cc->path, "/");

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "name=", 5) == 0) {
            cc->name.data = value[i].data + 5;
            cc->name.len = value[i].len - 5;

            if (ngx_sg_cookie_valid_name(&cc->name) != NGX_OK) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid cookie name \"%V\"", &cc->name);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "mode=persistent") == 0) {
            cc->mode = NGX_SG_COOKIE_PERSISTENT;
            continue;
        }

        if (ngx_strcmp(value[i].data, "mode=non-persistent") == 0) {
            cc->mode = NGX_SG_COOKIE_NON_PERSISTENT;
            continue;
        }

        if (ngx_strcmp(value[i].data, "secure") == 0) {
            cc->secure = 1;
            continue;
        }

        if (ngx_strcmp(value[i].data, "httponly") == 0) {
            cc->httponly = 1;
            continue;
        }

        if (ngx_strcmp(value[i].data, "samesite=lax") == 0) {
            cc->samesite = NGX_SG_SAMESITE_LAX;
            continue;
        }

        if (ngx_strcmp(value[i].data, "samesite=strict") == 0) {
            cc->samesite = NGX_SG_SAMESITE_STRICT;
            continue;
        }

        if (ngx_strcmp(value[i].data, "samesite=none") == 0) {
            cc->samesite = NGX_SG_SAMESITE_NONE;
            continue;
        }

        if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            v.data = value[i].data + 5;
            v.len = value[i].len - 5;

            if (v.len == 0 || v.data[0] != '/'
                || ngx_http_sg_cookie_attr_value(&v) != NGX_OK)
            {
                goto invalid;
            }

            cc->path = v;
            continue;
        }

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            v.data = value[i].data + 7;
            v.len = value[i].len - 7;

            if (v.len == 0 || ngx_http_sg_cookie_attr_value(&v) != NGX_OK) {
                goto invalid;
            }

            cc->domain = v;
            continue;
        }

        goto invalid;
    }

    if (cc->name.len == 0) {
        return "needs \"name=\"";
    }

    /* browsers refuse SameSite=None without Secure */

    if (cc->samesite == NGX_SG_SAMESITE_NONE && !cc->secure) {
        return "with \"samesite=none\" needs \"secure\"";
    }

    slcf->edge.cookie = cc;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);
    smcf->cookie_filter = 1;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * The "redirect=" and "return=" parameters of session_guard_step_up.
 * NGX_OK taken, NGX_DECLINED not one of them, NGX_ERROR (logged).
 */

static ngx_int_t
ngx_http_sg_step_up_arg(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *arg)
{
    ngx_str_t  v;

    if (ngx_strncmp(arg->data, "redirect=", 9) == 0
        && slcf->edge.step_up_url == NGX_CONF_UNSET_PTR)
    {
        v.data = arg->data + 9;
        v.len = arg->len - 9;

        if (ngx_http_sg_edge_url(cf, &v, &slcf->edge.step_up_url)
            != NGX_CONF_OK)
        {
            return NGX_ERROR;
        }

        return NGX_OK;
    }

    if (ngx_strncmp(arg->data, "return=", 7) == 0 && arg->len > 7
        && slcf->edge.step_up_return.data == NULL)
    {
        slcf->edge.step_up_return.data = arg->data + 7;
        slcf->edge.step_up_return.len = arg->len - 7;
        return NGX_OK;
    }

    return NGX_DECLINED;
}


/* a URL for browsers: variables allowed, a constant one checked here */

static char *
ngx_http_sg_edge_url(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t **cvp)
{
    if (ngx_http_script_variables_count(value) == 0
        && ngx_sg_redirect_base(value) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid URL \"%V\": an absolute http(s) URL or "
                           "a path from the root, without a fragment",
                           value);
        return NGX_CONF_ERROR;
    }

    return ngx_http_sg_compile(cf, value, cvp);
}


/* "a,b,c": printable tokens without quotes or backslashes */

static char *
ngx_http_sg_edge_list(ngx_conf_t *cf, ngx_str_t *value, ngx_array_t **list)
{
    u_char     *p, *last, *start;
    ngx_str_t  *s;

    *list = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (*list == NULL) {
        return NGX_CONF_ERROR;
    }

    p = value->data;
    last = p + value->len;

    while (p <= last) {
        start = p;

        while (p < last && *p != ',') {
            if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') {
                return NGX_CONF_ERROR;
            }

            p++;
        }

        if (p == start) {
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(*list);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        s->data = start;
        s->len = p - start;

        p++;
    }

    return NGX_CONF_OK;
}


/* an attribute value the edge writes: no ';', white space or controls */

static ngx_int_t
ngx_http_sg_cookie_attr_value(ngx_str_t *value)
{
    ngx_uint_t  i;

    for (i = 0; i < value->len; i++) {
        if (value->data[i] <= 0x20 || value->data[i] >= 0x7f
            || value->data[i] == ';' || value->data[i] == ',')
        {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


void
ngx_http_sg_edge_init_conf(ngx_http_sg_loc_conf_t *conf)
{
    ngx_http_sg_edge_conf_t  *edge;

    edge = &conf->edge;

    /*
     * set by ngx_pcalloc():
     *
     *     edge->login_return = { 0, NULL };
     *     edge->step_up_return = { 0, NULL };
     *     edge->browser_value = NULL;
     *     edge->key_cookie = 0;
     *     edge->acr_derived = 0;
     *     edge->max_age_derived = 0;
     */

    edge->cookie = NGX_CONF_UNSET_PTR;
    edge->login = NGX_CONF_UNSET_PTR;
    edge->browser = NGX_CONF_UNSET_UINT;
    edge->step_up_url = NGX_CONF_UNSET_PTR;
    edge->authn = NGX_CONF_UNSET_PTR;
    edge->acr_levels = NGX_CONF_UNSET_PTR;
    edge->logout = NGX_CONF_UNSET;
    edge->throttle = NGX_CONF_UNSET_PTR;

    conf->max_age = NGX_CONF_UNSET;
}


/*
 * Runs before ngx_http_sg_session_merge_conf().  It tells apart the
 * acr_values and max_age of session_guard_step_up set here from those
 * inherited, to derive them from session_guard_require_auth, then merges
 * them.
 */

char *
ngx_http_sg_edge_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_str_t                 key;
    ngx_uint_t                own;
    ngx_http_sg_zone_t       *zone;
    ngx_http_sg_edge_conf_t  *edge, *pe;
    ngx_http_complex_value_t *session_key;

    edge = &conf->edge;
    pe = &prev->edge;

    ngx_conf_merge_ptr_value(edge->cookie, pe->cookie, NULL);
    ngx_conf_merge_ptr_value(edge->throttle, pe->throttle, NULL);

    if (edge->login == NGX_CONF_UNSET_PTR) {
        edge->login = (pe->login == NGX_CONF_UNSET_PTR) ? NULL : pe->login;
        edge->login_return = pe->login_return;
    }

    ngx_conf_merge_str_value(edge->login_return, pe->login_return,
                             "return_to");

    if (edge->browser == NGX_CONF_UNSET_UINT) {
        edge->browser = (pe->browser == NGX_CONF_UNSET_UINT)
                        ? NGX_HTTP_SG_BROWSER_ACCEPT : pe->browser;
        edge->browser_value = pe->browser_value;
    }

    ngx_conf_merge_ptr_value(edge->step_up_url, pe->step_up_url, NULL);
    ngx_conf_merge_str_value(edge->step_up_return, pe->step_up_return,
                             "return_to");
    own = (edge->authn != NGX_CONF_UNSET_PTR);
    ngx_conf_merge_ptr_value(edge->authn, pe->authn, NULL);
    ngx_conf_merge_ptr_value(edge->acr_levels, pe->acr_levels, NULL);
    ngx_conf_merge_value(edge->logout, pe->logout, 0);

    if (ngx_http_sg_edge_derive(cf, prev, conf, own) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->acr_values, prev->acr_values, "");
    ngx_conf_merge_sec_value(conf->max_age, prev->max_age, -1);

    /* zone and key as ngx_http_sg_session_merge_conf() will merge them */

    zone = (conf->zone != NGX_CONF_UNSET_PTR) ? conf->zone
           : (prev->zone != NGX_CONF_UNSET_PTR) ? prev->zone : NULL;

    session_key = (conf->session_key != NGX_CONF_UNSET_PTR)
                  ? conf->session_key
                  : (prev->session_key != NGX_CONF_UNSET_PTR)
                    ? prev->session_key : NULL;

    edge->key_cookie = 0;

    if (edge->cookie && session_key
        && session_key->value.len == sizeof("$cookie_") - 1
                                     + edge->cookie->name.len)
    {
        key.data = session_key->value.data + sizeof("$cookie_") - 1;
        key.len = edge->cookie->name.len;

        edge->key_cookie =
            ngx_strncmp(session_key->value.data, "$cookie_",
                        sizeof("$cookie_") - 1) == 0
            && ngx_strncmp(key.data, edge->cookie->name.data, key.len) == 0;
    }

    if (edge->logout && (!conf->enable || zone == NULL)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"session_guard_logout\" needs \"session_guard "
                           "zone=...\" in the same location");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * What a step-up asks for (RFC 9470 acr_values and max_age, in the
 * challenge and the redirect): the most specific of session_guard_step_up
 * and session_guard_require_auth (a minimum acr with
 * session_guard_acr_levels: that level and every stronger one), and at
 * the same level session_guard_step_up.  Merged here, before
 * ngx_http_sg_session_merge_conf(), which then keeps them.  "own": the
 * requirement is set at this level.
 */

static ngx_int_t
ngx_http_sg_edge_derive(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf, ngx_uint_t own)
{
    u_char                   *p;
    size_t                    len;
    ngx_int_t                 min, level;
    ngx_str_t                *acr, *lv;
    ngx_uint_t                i, from, to;
    ngx_http_sg_authn_t      *authn;
    ngx_http_sg_edge_conf_t  *edge;

    edge = &conf->edge;
    authn = edge->authn;

    if (conf->acr_values.data == NULL) {

        if (!(own && authn && authn->acr)
            && prev->acr_values.len && !prev->edge.acr_derived)
        {
            conf->acr_values = prev->acr_values;

        } else if (authn && authn->acr) {
            acr = authn->acr->elts;
            lv = acr;
            from = 0;
            to = authn->acr->nelts;
            min = -1;

            if (edge->acr_levels) {
                for (i = 0; i < authn->acr->nelts; i++) {
                    level = ngx_http_sg_acr_level(edge->acr_levels, &acr[i]);

                    if (level != NGX_DECLINED && (min == -1 || level < min))
                    {
                        min = level;
                    }
                }
            }

            if (min >= 0) {
                lv = edge->acr_levels->elts;
                from = min;
                to = edge->acr_levels->nelts;
            }

            len = 0;

            for (i = from; i < to; i++) {
                len += lv[i].len + 1;
            }

            p = ngx_pnalloc(cf->pool, len);
            if (p == NULL) {
                return NGX_ERROR;
            }

            conf->acr_values.data = p;

            for (i = from; i < to; i++) {
                p = ngx_cpymem(p, lv[i].data, lv[i].len);
                *p++ = ' ';
            }

            conf->acr_values.len = p - conf->acr_values.data - 1;
            edge->acr_derived = 1;

        } else {
            ngx_str_set(&conf->acr_values, "");
        }
    }

    /* -2: none here; -1 is NGX_CONF_UNSET, the merge would inherit it */

    if (conf->max_age == NGX_CONF_UNSET) {

        if (!(own && authn && authn->max_age >= 0)
            && prev->max_age >= 0 && !prev->edge.max_age_derived)
        {
            conf->max_age = prev->max_age;

        } else if (authn && authn->max_age >= 0) {
            conf->max_age = authn->max_age;
            edge->max_age_derived = 1;

        } else {
            conf->max_age = -2;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_sg_acr_level(ngx_array_t *levels, ngx_str_t *acr)
{
    ngx_str_t   *lv;
    ngx_uint_t   i;

    lv = levels->elts;

    for (i = 0; i < levels->nelts; i++) {
        if (lv[i].len == acr->len
            && ngx_memcmp(lv[i].data, acr->data, acr->len) == 0)
        {
            return i;
        }
    }

    return NGX_DECLINED;
}
