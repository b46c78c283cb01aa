
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Conditions: signals that fire on every request where they hold, not on
 * a change of what the session is bound to.
 *
 *   session_guard_condition NAME VALUE     (http)
 *       holds when VALUE (variables allowed) is neither empty nor "0": a
 *       listed JA4, a high-risk country, a CDN's bot score, a network of
 *       a "geo" block, the time of day through a "map"
 *   anonymous
 *       known without a declaration when "session_guard_geoip" has an
 *       anonymity database (anonymous=, proxy=): holds for a VPN, a Tor
 *       exit, a public or residential proxy (not for hosting providers);
 *       "session_guard_condition anonymous VALUE" adds a source of its own
 *   new_device, new_network, new_country
 *       known without a declaration when a zone keeps users' memories
 *       (session_guard_zone memory=): the session's context is new to its
 *       user; found under the zone's lock (ngx_http_sg_memory.c), so their
 *       actions are only prepared here (ngx_http_sg_memory_conds_t)
 *   risk_service
 *       known without a declaration when a location asks a risk service
 *       (session_guard_risk_service): holds when its answer asks for an
 *       action or gives a score, with the answer's actions and the score
 *       as its weight (ngx_http_sg_service.c), never those of
 *       session_guard_on_change
 *
 * A location sets what they do with session_guard_on_change NAME=actions
 * (ngx_http_sg_session_conf.c); one with no actions is logged.  Each has a
 * bit of a 32-bit mask, taken from its name so that a reload that adds or
 * reorders conditions keeps the bits the sessions remember (cond_ok, the
 * step-ups met: ngx_sg_risk.c); two names with one bit are refused.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_geo.h"


#define NGX_HTTP_SG_CONDITION_NAME_MAX  32


static ngx_http_sg_condition_t *ngx_http_sg_condition_add(ngx_conf_t *cf,
    ngx_http_sg_main_conf_t *smcf, ngx_str_t *name);
static ngx_int_t ngx_http_sg_condition_holds(ngx_http_request_t *r,
    ngx_http_sg_condition_t *c);
static ngx_int_t ngx_http_sg_condition_actions(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_condition_t *c,
    ngx_uint_t *acts);


static ngx_str_t  ngx_http_sg_anonymous = ngx_string("anonymous");
static ngx_str_t  ngx_http_sg_risk_service_name = ngx_string("risk_service");

/* by NGX_HTTP_SG_NEW_* bit */
static ngx_str_t  ngx_http_sg_memory_names[] = {
    ngx_string("new_device"),
    ngx_string("new_network"),
    ngx_string("new_country")
};


/* session_guard_condition NAME VALUE */

char *
ngx_http_sg_condition(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_main_conf_t *smcf = conf;

    ngx_str_t                         *value;
    ngx_uint_t                         i;
    ngx_http_sg_condition_t           *c;
    ngx_http_complex_value_t          *cv;
    ngx_http_compile_complex_value_t   ccv;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > NGX_HTTP_SG_CONDITION_NAME_MAX) {
        goto invalid;
    }

    for (i = 0; i < value[1].len; i++) {
        if (!((value[1].data[i] >= 'a' && value[1].data[i] <= 'z')
              || (value[1].data[i] >= '0' && value[1].data[i] <= '9')
              || value[1].data[i] == '_'))
        {
            goto invalid;
        }
    }

    for (i = 0; ngx_sg_signal_names[i].len; i++) {
        if (ngx_sg_signal_names[i].len == value[1].len
            && ngx_strncmp(ngx_sg_signal_names[i].data, value[1].data,
                           value[1].len)
               == 0)
        {
            break;
        }
    }

    if (ngx_sg_signal_names[i].len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is a signal of a change, not a condition",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < NGX_HTTP_SG_NEW_COUNT; i++) {
        if (ngx_http_sg_memory_names[i].len == value[1].len
            && ngx_strncmp(ngx_http_sg_memory_names[i].data, value[1].data,
                           value[1].len)
               == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" is a signal of the users' memory "
                               "(session_guard_zone memory=), not a "
                               "condition", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (value[1].len == ngx_http_sg_risk_service_name.len
        && ngx_strncmp(value[1].data, ngx_http_sg_risk_service_name.data,
                       value[1].len)
           == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is the answer of a risk service "
                           "(session_guard_risk_service), not a condition",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    c = ngx_http_sg_condition_find(smcf, &value[1]);

    if (c && c->values) {
        return "is duplicate for this condition";
    }

    if (c == NULL) {
        c = ngx_http_sg_condition_add(cf, smcf, &value[1]);
        if (c == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    c->values = ngx_array_create(cf->pool, 1,
                                 sizeof(ngx_http_complex_value_t));
    if (c->values == NULL) {
        return NGX_CONF_ERROR;
    }

    cv = ngx_array_push(c->values);
    if (cv == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid condition name \"%V\" (up to %d of a-z, "
                       "0-9 and _)", &value[1],
                       NGX_HTTP_SG_CONDITION_NAME_MAX);
    return NGX_CONF_ERROR;
}


/* after the http block is read: "anonymous" where a database says it */

ngx_int_t
ngx_http_sg_condition_init(ngx_conf_t *cf, ngx_http_sg_main_conf_t *smcf)
{
    ngx_uint_t                i;
    ngx_http_sg_zone_t      **zp;
    ngx_http_sg_condition_t  *c;

    /* the users' memories: new_device, new_network, new_country */

    zp = smcf->zones ? smcf->zones->elts : NULL;

    for (i = 0; zp && i < smcf->zones->nelts; i++) {
        if (zp[i]->memory_ttl) {
            break;
        }
    }

    if (zp && i < smcf->zones->nelts) {
        for (i = 0; i < NGX_HTTP_SG_NEW_COUNT; i++) {
            c = ngx_http_sg_condition_add(cf, smcf,
                                          &ngx_http_sg_memory_names[i]);
            if (c == NULL) {
                return NGX_ERROR;
            }

            c->memory = i + 1;
        }
    }

    /* the answers of risk services (ngx_http_sg_service.c) */

    if (smcf->services) {
        c = ngx_http_sg_condition_add(cf, smcf,
                                      &ngx_http_sg_risk_service_name);
        if (c == NULL) {
            return NGX_ERROR;
        }

        c->service = 1;
        smcf->service_bit = c->bit;
    }

    if (smcf->geoip == NULL
        || !(smcf->geoip->anonymous.open || smcf->geoip->proxy.open))
    {
        return NGX_OK;
    }

    c = ngx_http_sg_condition_find(smcf, &ngx_http_sg_anonymous);

    if (c == NULL) {
        c = ngx_http_sg_condition_add(cf, smcf, &ngx_http_sg_anonymous);
        if (c == NULL) {
            return NGX_ERROR;
        }
    }

    c->anonymous = 1;

    return NGX_OK;
}


static ngx_http_sg_condition_t *
ngx_http_sg_condition_add(ngx_conf_t *cf, ngx_http_sg_main_conf_t *smcf,
    ngx_str_t *name)
{
    ngx_uint_t                i, bit;
    ngx_http_sg_condition_t  *c;

    if (smcf->conditions == NULL) {
        smcf->conditions = ngx_array_create(cf->pool, 4,
                                            sizeof(ngx_http_sg_condition_t));
        if (smcf->conditions == NULL) {
            return NULL;
        }
    }

    bit = ngx_sg_level_hash(name->data, name->len) % NGX_SG_COND_MAX;

    c = smcf->conditions->elts;

    for (i = 0; i < smcf->conditions->nelts; i++) {
        if (c[i].bit == bit) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "conditions \"%V\" and \"%V\" cannot be told "
                               "apart by the sessions, rename one",
                               &c[i].name, name);
            return NULL;
        }
    }

    c = ngx_array_push(smcf->conditions);
    if (c == NULL) {
        return NULL;
    }

    ngx_memzero(c, sizeof(ngx_http_sg_condition_t));

    c->name = *name;
    c->bit = bit;

    return c;
}


ngx_http_sg_condition_t *
ngx_http_sg_condition_find(ngx_http_sg_main_conf_t *smcf, ngx_str_t *name)
{
    ngx_uint_t                i;
    ngx_http_sg_condition_t  *c;

    if (smcf->conditions == NULL) {
        return NULL;
    }

    c = smcf->conditions->elts;

    for (i = 0; i < smcf->conditions->nelts; i++) {
        if (c[i].name.len == name->len
            && ngx_strncmp(c[i].name.data, name->data, name->len) == 0)
        {
            return &c[i];
        }
    }

    return NULL;
}


/* a condition's name by its bit (a revocation's reason); NULL if none */

ngx_str_t *
ngx_http_sg_condition_name(ngx_http_sg_main_conf_t *smcf, ngx_uint_t bit)
{
    ngx_uint_t                i;
    ngx_http_sg_condition_t  *c;

    if (smcf == NULL || smcf->conditions == NULL) {
        return NULL;
    }

    c = smcf->conditions->elts;

    for (i = 0; i < smcf->conditions->nelts; i++) {
        if (c[i].bit == bit) {
            return &c[i].name;
        }
    }

    return NULL;
}


/*
 * session_guard_on_change NAME=actions for a condition: kept by name, and
 * found among the conditions when the location is merged (the
 * declarations may come after it).
 */

char *
ngx_http_sg_on_condition(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *slcf,
    ngx_str_t *name, ngx_str_t *actions)
{
    ngx_uint_t                          i, mask;
    ngx_http_sg_on_cond_t              *oc;
    ngx_http_compile_complex_value_t    ccv;

    if (slcf->on_cond == NULL) {
        slcf->on_cond = ngx_array_create(cf->pool, 2,
                                         sizeof(ngx_http_sg_on_cond_t));
        if (slcf->on_cond == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    oc = slcf->on_cond->elts;

    for (i = 0; i < slcf->on_cond->nelts; i++) {
        if (oc[i].name.len == name->len
            && ngx_strncmp(oc[i].name.data, name->data, name->len) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate signal \"%V\"", name);
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_script_variables_count(actions) == 0
        && ngx_sg_risk_parse_actions(actions, &mask) != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid actions \"%V\"", actions);
        return NGX_CONF_ERROR;
    }

    oc = ngx_array_push(slcf->on_cond);
    if (oc == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(oc, sizeof(ngx_http_sg_on_cond_t));

    oc->name = *name;
    oc->file = cf->conf_file->file.name;
    oc->line = cf->conf_file->line;

    oc->actions = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (oc->actions == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = actions;
    ccv.complex_value = oc->actions;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* at merge: every condition a location names must be declared */

ngx_int_t
ngx_http_sg_condition_resolve(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *conf)
{
    ngx_uint_t                 i;
    ngx_http_sg_on_cond_t     *oc;
    ngx_http_sg_main_conf_t   *smcf;

    if (conf->on_cond == NULL) {
        return NGX_OK;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);
    oc = conf->on_cond->elts;

    for (i = 0; i < conf->on_cond->nelts; i++) {
        if (oc[i].cond) {
            continue;
        }

        oc[i].cond = ngx_http_sg_condition_find(smcf, &oc[i].name);

        if (oc[i].cond && oc[i].cond->service) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"session_guard_on_change\": \"%V\" takes the "
                          "actions of the risk service's answers in %V:%ui",
                          &oc[i].name, &oc[i].file, oc[i].line);
            return NGX_ERROR;
        }

        if (oc[i].cond == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"session_guard_on_change\": unknown signal "
                          "\"%V\" (a condition is declared with "
                          "\"session_guard_condition\"; \"anonymous\" needs "
                          "\"session_guard_geoip anonymous=\" or \"proxy=\", "
                          "\"new_device\" and the like a zone with "
                          "\"memory=\") in %V:%ui", &oc[i].name, &oc[i].file,
                          oc[i].line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Per request: the conditions that hold and what the location's actions
 * for them ask of the risk engine; for the users' memory's, what they
 * would ask (mc, zeroed by the caller).  NGX_OK, or NGX_ERROR (an action
 * list from variables that is not one: logged, the request fails, as for
 * the signals).
 */

ngx_int_t
ngx_http_sg_conditions(ngx_http_request_t *r, ngx_http_sg_loc_conf_t *slcf,
    ngx_http_sg_ctx_t *ctx, ngx_sg_risk_t *risk,
    ngx_http_sg_memory_conds_t *mc)
{
    ngx_int_t                 rc;
    ngx_uint_t                i, k, acts;
    ngx_http_sg_condition_t  *c;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    if (smcf->conditions == NULL) {
        return NGX_OK;
    }

    c = smcf->conditions->elts;

    for (i = 0; i < smcf->conditions->nelts; i++) {

        if (c[i].service) {
            /* held by a risk service's answer (ngx_http_sg_service.c) */
            continue;
        }

        if (c[i].memory) {
            /* judged under the lock of a zone with memories: actions only */

            if (!slcf->zone->memory_ttl) {
                continue;
            }

            if (ngx_http_sg_condition_actions(r, slcf, &c[i], &acts)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            k = c[i].memory - 1;

            mc->kinds |= (ngx_uint_t) 1 << k;
            mc->bit[k] = c[i].bit;
            mc->acts[k] = acts;
            continue;
        }

        rc = ngx_http_sg_condition_holds(r, &c[i]);

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc != NGX_OK) {
            continue;
        }

        if (ngx_http_sg_condition_actions(r, slcf, &c[i], &acts) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->conditions |= (uint32_t) 1 << c[i].bit;
        ngx_http_sg_condition_apply(risk, c[i].bit, acts);
    }

    return NGX_OK;
}


/* what the location's session_guard_on_change asks for c: "log" if none */

static ngx_int_t
ngx_http_sg_condition_actions(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_condition_t *c,
    ngx_uint_t *acts)
{
    ngx_str_t               v;
    ngx_uint_t              j;
    ngx_http_sg_on_cond_t  *oc;

    *acts = NGX_SG_ACT_LOG;

    if (slcf->on_cond == NULL) {
        return NGX_OK;
    }

    oc = slcf->on_cond->elts;

    for (j = 0; j < slcf->on_cond->nelts; j++) {
        if (oc[j].cond != c) {
            continue;
        }

        if (ngx_http_complex_value(r, oc[j].actions, &v) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ngx_sg_risk_parse_actions(&v, acts) != NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "session_guard: invalid actions \"%V\"",
                          ngx_http_sg_log_str(r, &v));
            return NGX_ERROR;
        }

        break;
    }

    return NGX_OK;
}


/* the condition of "bit" holds and asks for "acts" */

void
ngx_http_sg_condition_apply(ngx_sg_risk_t *risk, ngx_uint_t bit,
    ngx_uint_t acts)
{
    risk->cond_holds |= (uint32_t) 1 << bit;

    if (acts & NGX_SG_ACT_STEP_UP) {
        risk->cond_step |= (uint32_t) 1 << bit;
    }

    /* the first that asks for revoke is the reason */

    if ((acts & NGX_SG_ACT_REVOKE) && !(risk->cond_acts & NGX_SG_ACT_REVOKE))
    {
        risk->cond_revoke = bit;
    }

    risk->cond_acts |= acts & ~NGX_SG_ACT_STEP_UP;
}


/* NGX_OK: it holds; NGX_DECLINED: it does not; NGX_ERROR */

static ngx_int_t
ngx_http_sg_condition_holds(ngx_http_request_t *r, ngx_http_sg_condition_t *c)
{
    ngx_str_t                  v;
    ngx_uint_t                 i;
    ngx_http_sg_geo_t         *geo;
    ngx_http_complex_value_t  *cv;

    if (c->anonymous) {
        geo = ngx_http_sg_request_geo(r);

        if (geo == NULL) {
            return NGX_ERROR;
        }

        if (geo->anonymous & NGX_HTTP_SG_ANON_CONDITION) {
            return NGX_OK;
        }
    }

    if (c->values == NULL) {
        return NGX_DECLINED;
    }

    cv = c->values->elts;

    for (i = 0; i < c->values->nelts; i++) {
        if (ngx_http_complex_value(r, &cv[i], &v) != NGX_OK) {
            return NGX_ERROR;
        }

        if (v.len && !(v.len == 1 && v.data[0] == '0')) {
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


/* "anonymous,bot" of the conditions in "bits", for logs and variables */

u_char *
ngx_http_sg_condition_list(ngx_http_sg_main_conf_t *smcf, u_char *p,
    u_char *last, uint32_t bits, ngx_uint_t first)
{
    ngx_uint_t                i;
    ngx_http_sg_condition_t  *c;

    if (smcf == NULL || smcf->conditions == NULL || bits == 0) {
        return p;
    }

    c = smcf->conditions->elts;

    for (i = 0; i < smcf->conditions->nelts; i++) {
        if (!(bits & ((uint32_t) 1 << c[i].bit))) {
            continue;
        }

        p = ngx_slprintf(p, last, "%s%V", first ? "" : ",", &c[i].name);
        first = 0;
    }

    return p;
}
