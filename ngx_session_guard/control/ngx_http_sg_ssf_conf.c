
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The "session_guard_ssf_receiver" directive: a transmitter's Security
 * Event Tokens accepted at this location (RFC 8935 push), its keys, the
 * bearer secret it must present, and what each event does.  The handler
 * is in ngx_http_sg_ssf.c.  "session_guard_ssf_poll" takes the same
 * parameters for a transmitter the edge polls (RFC 8936), but the secret:
 * ngx_http_sg_ssf_poll.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_logout.h"


#define NGX_HTTP_SG_SSF_SECRET_MAX   4096


static char *ngx_http_sg_ssf_parse(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_uint_t first, ngx_uint_t poll, ngx_http_sg_ssf_conf_t **scfp);
static char *ngx_http_sg_ssf_poll_param(ngx_conf_t *cf,
    ngx_http_sg_ssf_conf_t *scf, ngx_str_t *value);
static char *ngx_http_sg_ssf_on(ngx_conf_t *cf, ngx_http_sg_ssf_conf_t *scf,
    ngx_str_t *value);
static char *ngx_http_sg_ssf_secret(ngx_conf_t *cf,
    ngx_http_sg_ssf_conf_t *scf, ngx_str_t *name);


char *
ngx_http_sg_ssf_receiver(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    char                      *rv;
    ngx_http_sg_ssf_conf_t    *scf;
    ngx_http_core_loc_conf_t  *clcf;

    if (slcf->ssf) {
        return "is duplicate";
    }

    rv = ngx_http_sg_ssf_parse(cf, cmd, 1, 0, &scf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (scf->secret.len == 0) {
        return "needs \"auth=file\": the bearer secret the transmitter "
               "presents";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_sg_ssf_handler;

    slcf->ssf = scf;

    return NGX_CONF_OK;
}


/*
 * "session_guard_ssf_poll uri zone= issuer= audience= jwks=|key= ...
 * [interval=] [max_events=]" (server): the same transmitter parameters,
 * but the edge asks for the SETs (RFC 8936) through uri, a location of
 * this server; ngx_http_sg_ssf_poll.c does the polling.
 */

char *
ngx_http_sg_ssf_poll(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                     *rv;
    ngx_str_t                *value;
    ngx_http_sg_ssf_conf_t   *scf, **sp;
    ngx_http_sg_main_conf_t  *smcf;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is not a location uri (it must start "
                           "with \"/\")", &value[1]);
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_sg_ssf_parse(cf, cmd, 2, 1, &scf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    scf->poll_uri = value[1];
    scf->ctx = cf->ctx;

    if (scf->interval == 0) {
        scf->interval = 30000;
    }

    if (scf->max_events == 0) {
        scf->max_events = 100;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->pollers == NULL) {
        smcf->pollers = ngx_array_create(cf->pool, 1,
                                         sizeof(ngx_http_sg_ssf_conf_t *));
        if (smcf->pollers == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    sp = ngx_array_push(smcf->pollers);
    if (sp == NULL) {
        return NGX_CONF_ERROR;
    }

    *sp = scf;

    return NGX_CONF_OK;
}


/* the parameters both take, from cf->args[first] on */

static char *
ngx_http_sg_ssf_parse(ngx_conf_t *cf, ngx_command_t *cmd, ngx_uint_t first,
    ngx_uint_t poll, ngx_http_sg_ssf_conf_t **scfp)
{
    char                          *rv;
    time_t                         t;
    ngx_int_t                      rc;
    ngx_str_t                     *value, s;
    ngx_uint_t                     i, secret;
    ngx_sg_set_policy_t           *policy;
    ngx_http_sg_ssf_conf_t        *scf;
    ngx_http_sg_control_params_t   params;

    scf = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_ssf_conf_t));
    if (scf == NULL) {
        return NGX_CONF_ERROR;
    }

    /* the defaults of the mapping (docs/shared-signals.md) */

    scf->action[NGX_SG_SET_SESSION_REVOKED] = NGX_HTTP_SG_SSF_REVOKE;
    scf->action[NGX_SG_SET_CREDENTIAL_CHANGE] = NGX_HTTP_SG_SSF_REVOKE;
    scf->action[NGX_SG_SET_DEVICE_COMPLIANCE_CHANGE] = NGX_HTTP_SG_SSF_REVOKE;
    scf->action[NGX_SG_SET_ASSURANCE_LEVEL_CHANGE] = NGX_HTTP_SG_SSF_RECORD;
    scf->action[NGX_SG_SET_TOKEN_CLAIMS_CHANGE] = NGX_HTTP_SG_SSF_REFUSE_BEFORE;

    policy = &scf->policy;
    policy->algorithms = NGX_SG_ALG_MASK_ASYMMETRIC;
    policy->leeway = 60;
    policy->max_age = 86400;

    policy->audiences = ngx_array_create(cf->pool, 1, sizeof(ngx_str_t));
    if (policy->audiences == NULL) {
        return NGX_CONF_ERROR;
    }

    params.zone = &scf->zone;
    params.issuer = &policy->issuer;
    params.audiences = policy->audiences;
    params.keys = &policy->keys;
    params.algorithms = &policy->algorithms;
    params.what = "a security event token";

    secret = 0;
    value = cf->args->elts;

    for (i = first; i < cf->args->nelts; i++) {

        if (poll
            && (ngx_strncmp(value[i].data, "interval=", 9) == 0
                || ngx_strncmp(value[i].data, "max_events=", 11) == 0))
        {
            rv = ngx_http_sg_ssf_poll_param(cf, scf, &value[i]);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        rc = ngx_http_sg_control_param(cf, cmd, &params, &value[i]);

        if (rc == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        if (rc == NGX_OK) {
            continue;
        }

        if ((ngx_strncmp(value[i].data, "leeway=", 7) == 0
             && value[i].len > 7)
            || (ngx_strncmp(value[i].data, "max_age=", 8) == 0
                && value[i].len > 8))
        {
            s.data = ngx_strlchr(value[i].data, value[i].data + value[i].len,
                                 '=') + 1;
            s.len = value[i].len - (s.data - value[i].data);

            t = ngx_parse_time(&s, 1);

            if (value[i].data[0] == 'l') {
                if (t == (time_t) NGX_ERROR || t > 600) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid parameter \"%V\", the "
                                       "leeway is at most 10m", &value[i]);
                    return NGX_CONF_ERROR;
                }

                policy->leeway = t;

            } else {
                if (t == (time_t) NGX_ERROR || t < 60 || t > 30 * 86400) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid parameter \"%V\", max_age "
                                       "is from 1m to 30d", &value[i]);
                    return NGX_CONF_ERROR;
                }

                policy->max_age = t;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "auth=", 5) == 0 && value[i].len > 5
            && !poll)
        {
            if (secret++) {
                goto invalid;
            }

            s.data = value[i].data + 5;
            s.len = value[i].len - 5;

            rv = ngx_http_sg_ssf_secret(cf, scf, &s);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "jwks_fetch=on") == 0 && !poll
            && !scf->fetch)
        {
            scf->fetch = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "on=", 3) == 0 && value[i].len > 3) {
            rv = ngx_http_sg_ssf_on(cf, scf, &value[i]);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        goto invalid;
    }

    if (scf->zone == NULL || policy->issuer.len == 0
        || policy->audiences->nelts == 0)
    {
        return "needs \"zone=\", \"issuer=\" and \"audience=\" parameters";
    }

    if ((policy->keys == NULL || policy->keys->nelts == 0) && !scf->fetch) {
        return "needs keys: \"jwks=file\" or \"key=file\" parameters, or "
               "\"jwks_fetch=on\"";
    }

    if (policy->keys && policy->keys->nelts && scf->fetch) {
        return "takes keys from files or from \"jwks_fetch=on\", not both";
    }

    *scfp = scf;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


/* interval=time (1s to 1h), max_events=number (1 to 1000) */

static char *
ngx_http_sg_ssf_poll_param(ngx_conf_t *cf, ngx_http_sg_ssf_conf_t *scf,
    ngx_str_t *value)
{
    ngx_int_t   n;
    ngx_str_t   s;
    ngx_msec_t  ms;

    if (value->data[0] == 'i') {
        s.data = value->data + 9;
        s.len = value->len - 9;

        ms = ngx_parse_time(&s, 0);

        if (scf->interval || ms == (ngx_msec_t) NGX_ERROR || ms < 1000
            || ms > 3600000)
        {
            goto invalid;
        }

        scf->interval = ms;
        return NGX_CONF_OK;
    }

    n = ngx_atoi(value->data + 11, value->len - 11);

    if (scf->max_events || n == NGX_ERROR || n < 1 || n > 1000) {
        goto invalid;
    }

    scf->max_events = n;
    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid or duplicate parameter \"%V\" (interval= "
                       "from 1s to 1h, max_events= from 1 to 1000)", value);
    return NGX_CONF_ERROR;
}


/*
 * "on=credential-change:log": an event type by its short name, and what
 * it does.  Only the session events of CAEP can be mapped; revoke is not
 * offered for assurance-level-change (it does not say a session ended),
 * step_up only for credential-change and assurance-level-change (the
 * others say nothing of how the user signed in), refuse_before only for
 * token-claims-change, record only for assurance-level-change.
 */

static char *
ngx_http_sg_ssf_on(ngx_conf_t *cf, ngx_http_sg_ssf_conf_t *scf,
    ngx_str_t *value)
{
    u_char      *colon, *start, *last;
    ngx_str_t    act;
    ngx_uint_t   i;

    start = value->data + 3;
    last = value->data + value->len;

    colon = ngx_strlchr(start, last, ':');
    if (colon == NULL || colon == start || colon + 1 == last) {
        goto invalid;
    }

    act.data = colon + 1;
    act.len = last - act.data;

    for (i = NGX_SG_SET_SESSION_REVOKED;
         i <= NGX_SG_SET_DEVICE_COMPLIANCE_CHANGE;
         i++)
    {
        if ((size_t) (colon - start) == ngx_sg_set_event_names[i].len
            && ngx_strncmp(start, ngx_sg_set_event_names[i].data,
                           colon - start) == 0)
        {
            break;
        }
    }

    if (i > NGX_SG_SET_DEVICE_COMPLIANCE_CHANGE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown event \"%*s\" in \"%V\"",
                           colon - start, start, value);
        return NGX_CONF_ERROR;
    }

    if (act.len == 3 && ngx_strncmp(act.data, "log", 3) == 0) {
        scf->action[i] = NGX_HTTP_SG_SSF_LOG;
        return NGX_CONF_OK;
    }

    if (act.len == 6 && ngx_strncmp(act.data, "revoke", 6) == 0
        && i != NGX_SG_SET_ASSURANCE_LEVEL_CHANGE)
    {
        scf->action[i] = NGX_HTTP_SG_SSF_REVOKE;
        return NGX_CONF_OK;
    }

    if (act.len == 13 && ngx_strncmp(act.data, "refuse_before", 13) == 0
        && i == NGX_SG_SET_TOKEN_CLAIMS_CHANGE)
    {
        scf->action[i] = NGX_HTTP_SG_SSF_REFUSE_BEFORE;
        return NGX_CONF_OK;
    }

    if (act.len == 6 && ngx_strncmp(act.data, "record", 6) == 0
        && i == NGX_SG_SET_ASSURANCE_LEVEL_CHANGE)
    {
        scf->action[i] = NGX_HTTP_SG_SSF_RECORD;
        return NGX_CONF_OK;
    }

    if (act.len == 7 && ngx_strncmp(act.data, "step_up", 7) == 0
        && (i == NGX_SG_SET_CREDENTIAL_CHANGE
            || i == NGX_SG_SET_ASSURANCE_LEVEL_CHANGE))
    {
        scf->action[i] = NGX_HTTP_SG_SSF_STEP_UP;
        return NGX_CONF_OK;
    }

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", value);
    return NGX_CONF_ERROR;
}


/*
 * The bearer secret, read once from a file (never in the configuration's
 * text): its content with one trailing newline removed; empty, over 4 KB,
 * or with control characters or spaces, it is refused.
 */

static char *
ngx_http_sg_ssf_secret(ngx_conf_t *cf, ngx_http_sg_ssf_conf_t *scf,
    ngx_str_t *name)
{
    u_char           *p;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_str_t         path;
    ngx_uint_t        i;
    ngx_file_info_t   fi;

    path = *name;

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cannot open the bearer secret \"%V\"", &path);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > NGX_HTTP_SG_SSF_SECRET_MAX)
    {
        ngx_close_file(fd);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the bearer secret \"%V\" is unreadable or "
                           "larger than 4 KB", &path);
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, NGX_HTTP_SG_SSF_SECRET_MAX + 1);
    if (p == NULL) {
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_fd(fd, p, NGX_HTTP_SG_SSF_SECRET_MAX + 1);

    ngx_close_file(fd);

    if (n < 0 || n > NGX_HTTP_SG_SSF_SECRET_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cannot read the bearer secret \"%V\"", &path);
        return NGX_CONF_ERROR;
    }

    if (n > 0 && p[n - 1] == '\n') {
        n--;
    }

    if (n > 0 && p[n - 1] == '\r') {
        n--;
    }

    for (i = 0; i < (ngx_uint_t) n; i++) {
        if (p[i] <= ' ' || p[i] >= 0x7f) {
            n = 0;
            break;
        }
    }

    if (n < 16) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the bearer secret \"%V\" must be at least 16 "
                           "printable characters on one line", &path);
        return NGX_CONF_ERROR;
    }

    scf->secret.data = p;
    scf->secret.len = n;

    return NGX_CONF_OK;
}


/*
 * jwks_fetch=on: the transmitter's keys are those of the
 * session_guard_jwks_fetch in effect in the location (its refresh, its
 * cooldown, a fetch for an unknown kid); checked once the location is
 * merged, since that directive may come later or from an outer level.
 */

char *
ngx_http_sg_ssf_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_str_t                 *issuer;
    ngx_http_sg_jwks_fetch_t  *f;

    if (conf->ssf == NULL) {
        conf->ssf = prev->ssf;
    }

    if (conf->ssf == NULL || !conf->ssf->fetch) {
        return NGX_CONF_OK;
    }

    f = conf->fetch;

    if (f == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_receiver: \"jwks_fetch=on\" "
                           "needs a \"session_guard_jwks_fetch\" in effect "
                           "in the location");
        return NGX_CONF_ERROR;
    }

    /*
     * "discover=": the document (the transmitter's
     * /.well-known/ssf-configuration) must name the receiver's issuer,
     * as every location that shares the fetch must agree on.
     */

    if (f->discover.len == 0) {
        return NGX_CONF_OK;
    }

    issuer = &conf->ssf->policy.issuer;

    if (f->issuer.len == 0) {
        f->issuer = *issuer;
        return NGX_CONF_OK;
    }

    if (f->issuer.len != issuer->len
        || ngx_strncmp(f->issuer.data, issuer->data, issuer->len) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard_ssf_receiver: the key fetch "
                           "\"%V\" discovers for issuer \"%V\", not \"%V\"",
                           &f->uri, &f->issuer, issuer);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}

