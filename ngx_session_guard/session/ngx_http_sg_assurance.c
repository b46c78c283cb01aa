
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Assurance levels: what a Shared Signals assurance-level-change reports
 * of a session (recorded by the receiver, ngx_http_sg_ssf.c), and what a
 * location needs.
 *
 *   session_guard_assurance_levels NAMESPACE LEVEL ...   (http)
 *       orders the levels of a namespace, weakest first; NIST-AAL,
 *       NIST-IAL and NIST-FAL are known without it (nist-aal1 nist-aal2
 *       nist-aal3 ...) and may be declared again to change them
 *   session_guard_require_assurance NAMESPACE LEVEL | off
 *       a session whose recorded level of that namespace is weaker (or
 *       not one of its levels) gets a step-up here, as long as the
 *       token's authentication is not later than the change
 *
 * The record keeps the namespace and the level as ngx_sg_level_hash()
 * values (ngx_sg_record.h); the names are found again here, from the
 * declared namespaces.
 */


#include "ngx_http_sg.h"


static ngx_int_t ngx_http_sg_scale_init(ngx_conf_t *cf,
    ngx_http_sg_scale_t *scale, ngx_str_t *ns, ngx_str_t *levels,
    ngx_uint_t n);
static ngx_int_t ngx_http_sg_assurance_name_ok(ngx_str_t *name);
static ngx_http_sg_scale_t *ngx_http_sg_scale_by_name(
    ngx_http_sg_main_conf_t *smcf, ngx_str_t *ns);


static const char  ngx_http_sg_too_low[] = "assurance level too low";


/* the namespaces known without a declaration (OpenID CAEP 3.4) */

static ngx_str_t  ngx_http_sg_builtin[][4] = {
    { ngx_string("NIST-AAL"), ngx_string("nist-aal1"),
      ngx_string("nist-aal2"), ngx_string("nist-aal3") },
    { ngx_string("NIST-IAL"), ngx_string("nist-ial1"),
      ngx_string("nist-ial2"), ngx_string("nist-ial3") },
    { ngx_string("NIST-FAL"), ngx_string("nist-fal1"),
      ngx_string("nist-fal2"), ngx_string("nist-fal3") }
};


/* session_guard_assurance_levels NAMESPACE LEVEL ...: weakest first */

char *
ngx_http_sg_assurance_levels(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_main_conf_t *smcf = conf;

    ngx_str_t            *value, *levels;
    ngx_uint_t            n;
    ngx_http_sg_scale_t  *scale;

    value = cf->args->elts;
    n = cf->args->nelts - 2;

    /* the arguments' array is the parser's, used again for the next line */

    levels = ngx_palloc(cf->pool, n * sizeof(ngx_str_t));
    if (levels == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(levels, &value[2], n * sizeof(ngx_str_t));

    if (smcf->scales == NULL) {
        smcf->scales = ngx_array_create(cf->pool, 4,
                                        sizeof(ngx_http_sg_scale_t));
        if (smcf->scales == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_http_sg_scale_by_name(smcf, &value[1]) != NULL) {
        return "is duplicate for this namespace";
    }

    scale = ngx_array_push(smcf->scales);
    if (scale == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_sg_scale_init(cf, scale, &value[1], levels, n) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* after the http block is read: the namespaces not declared are added */

ngx_int_t
ngx_http_sg_assurance_init(ngx_conf_t *cf, ngx_http_sg_main_conf_t *smcf)
{
    ngx_uint_t            i;
    ngx_http_sg_scale_t  *scale;

    if (smcf->scales == NULL) {
        smcf->scales = ngx_array_create(cf->pool, 3,
                                        sizeof(ngx_http_sg_scale_t));
        if (smcf->scales == NULL) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < sizeof(ngx_http_sg_builtin) / sizeof(ngx_str_t[4]); i++)
    {
        if (ngx_http_sg_scale_by_name(smcf, &ngx_http_sg_builtin[i][0])) {
            continue;
        }

        scale = ngx_array_push(smcf->scales);
        if (scale == NULL) {
            return NGX_ERROR;
        }

        if (ngx_http_sg_scale_init(cf, scale, &ngx_http_sg_builtin[i][0],
                                   &ngx_http_sg_builtin[i][1], 3)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_scale_init(ngx_conf_t *cf, ngx_http_sg_scale_t *scale,
    ngx_str_t *ns, ngx_str_t *levels, ngx_uint_t n)
{
    ngx_uint_t                i, j;
    ngx_http_sg_scale_t      *other;
    ngx_http_sg_main_conf_t  *smcf;

    if (!ngx_http_sg_assurance_name_ok(ns)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid assurance namespace \"%V\"", ns);
        return NGX_ERROR;
    }

    scale->ns = *ns;
    scale->hash = ngx_sg_level_hash(ns->data, ns->len);
    scale->levels = levels;
    scale->n = n;

    scale->hashes = ngx_palloc(cf->pool, n * sizeof(uint32_t));
    if (scale->hashes == NULL) {
        return NGX_ERROR;
    }

    /* the record keeps hashes: two names with one hash would be one */

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);
    other = smcf->scales->elts;

    for (i = 0; other + i != scale; i++) {
        if (other[i].hash == scale->hash) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "assurance namespaces \"%V\" and \"%V\" "
                               "cannot be told apart, rename one",
                               &other[i].ns, ns);
            return NGX_ERROR;
        }
    }

    for (i = 0; i < n; i++) {
        if (!ngx_http_sg_assurance_name_ok(&levels[i])) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid assurance level \"%V\"", &levels[i]);
            return NGX_ERROR;
        }

        scale->hashes[i] = ngx_sg_level_hash(levels[i].data, levels[i].len);

        for (j = 0; j < i; j++) {
            if (scale->hashes[j] != scale->hashes[i]) {
                continue;
            }

            if (levels[j].len == levels[i].len
                && ngx_strncmp(levels[j].data, levels[i].data,
                               levels[i].len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate assurance level \"%V\"",
                                   &levels[i]);
            } else {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "assurance levels \"%V\" and \"%V\" "
                                   "cannot be told apart, rename one",
                                   &levels[j], &levels[i]);
            }

            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* printable ASCII, spaces inside allowed (CAEP's example has one) */

static ngx_int_t
ngx_http_sg_assurance_name_ok(ngx_str_t *name)
{
    size_t  i;

    if (name->len == 0 || name->len > NGX_HTTP_SG_ASSURANCE_NAME_MAX
        || name->data[0] == ' ' || name->data[name->len - 1] == ' ')
    {
        return 0;
    }

    for (i = 0; i < name->len; i++) {
        if (name->data[i] < 0x20 || name->data[i] >= 0x7f
            || name->data[i] == '"' || name->data[i] == '\\')
        {
            return 0;
        }
    }

    return 1;
}


static ngx_http_sg_scale_t *
ngx_http_sg_scale_by_name(ngx_http_sg_main_conf_t *smcf, ngx_str_t *ns)
{
    ngx_uint_t            i;
    ngx_http_sg_scale_t  *scale;

    if (smcf->scales == NULL) {
        return NULL;
    }

    scale = smcf->scales->elts;

    for (i = 0; i < smcf->scales->nelts; i++) {
        if (scale[i].ns.len == ns->len
            && ngx_strncmp(scale[i].ns.data, ns->data, ns->len) == 0)
        {
            return &scale[i];
        }
    }

    return NULL;
}


/* the namespace recorded as "hash", NULL if none is declared */

ngx_http_sg_scale_t *
ngx_http_sg_assurance_scale(ngx_http_sg_main_conf_t *smcf, uint32_t hash)
{
    ngx_uint_t            i;
    ngx_http_sg_scale_t  *scale;

    if (smcf->scales == NULL || hash == 0) {
        return NULL;
    }

    scale = smcf->scales->elts;

    for (i = 0; i < smcf->scales->nelts; i++) {
        if (scale[i].hash == hash) {
            return &scale[i];
        }
    }

    return NULL;
}


/* the place of a level in its namespace, weakest 0; NGX_DECLINED: none */

ngx_int_t
ngx_http_sg_assurance_rank(ngx_http_sg_scale_t *scale, uint32_t level)
{
    ngx_uint_t  i;

    for (i = 0; i < scale->n; i++) {
        if (scale->hashes[i] == level) {
            return i;
        }
    }

    return NGX_DECLINED;
}


/*
 * The namespace and level a Shared Signals event reports, as the record
 * keeps them: NGX_DECLINED when the namespace is not declared (nothing is
 * recorded), else NGX_OK, with *known 0 when the level is not one of the
 * namespace's (recorded all the same: weaker than any).
 */

ngx_int_t
ngx_http_sg_assurance_names(ngx_http_sg_main_conf_t *smcf, ngx_str_t *ns,
    ngx_str_t *level, uint32_t *ns_hash, uint32_t *level_hash,
    ngx_uint_t *known)
{
    ngx_http_sg_scale_t  *scale;

    scale = ngx_http_sg_scale_by_name(smcf, ns);

    if (scale == NULL) {
        return NGX_DECLINED;
    }

    *ns_hash = scale->hash;
    *level_hash = ngx_sg_level_hash(level->data, level->len);
    *known = (ngx_http_sg_assurance_rank(scale, *level_hash) != NGX_DECLINED);

    return NGX_OK;
}


/* session_guard_require_assurance NAMESPACE LEVEL | off */

char *
ngx_http_sg_require_assurance(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_sg_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->assurance_req != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2) {
        if (ngx_strcmp(value[1].data, "off") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\" (a namespace and "
                               "a level, or \"off\")", &value[1]);
            return NGX_CONF_ERROR;
        }

        slcf->assurance_req = NULL;
        return NGX_CONF_OK;
    }

    /* checked against the namespaces once the http block is read */

    slcf->assurance_req = ngx_palloc(cf->pool, 2 * sizeof(ngx_str_t));
    if (slcf->assurance_req == NULL) {
        return NGX_CONF_ERROR;
    }

    slcf->assurance_req[0] = value[1];
    slcf->assurance_req[1] = value[2];
    slcf->assurance_file = cf->conf_file->file.name;
    slcf->assurance_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/*
 * Merged after the http block is read, when every namespace is known: the
 * requirement is found in its namespace (an error names the directive's
 * place, which may be an enclosing level's).
 */

char *
ngx_http_sg_assurance_merge_conf(ngx_conf_t *cf, ngx_http_sg_loc_conf_t *prev,
    ngx_http_sg_loc_conf_t *conf)
{
    ngx_str_t                *req;
    ngx_int_t                 rank;
    ngx_http_sg_scale_t      *scale;
    ngx_http_sg_main_conf_t  *smcf;

    if (conf->assurance_req == NGX_CONF_UNSET_PTR) {
        conf->assurance_req = (prev->assurance_req == NGX_CONF_UNSET_PTR)
                              ? NULL : prev->assurance_req;
        conf->assurance_file = prev->assurance_file;
        conf->assurance_line = prev->assurance_line;
    }

    conf->assurance = NULL;
    conf->assurance_min = 0;

    req = conf->assurance_req;

    if (req == NULL) {
        return NGX_CONF_OK;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    scale = ngx_http_sg_scale_by_name(smcf, &req[0]);

    if (scale == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"session_guard_require_assurance\": unknown "
                      "assurance namespace \"%V\" (declare it with "
                      "\"session_guard_assurance_levels\") in %V:%ui",
                      &req[0], &conf->assurance_file, conf->assurance_line);
        return NGX_CONF_ERROR;
    }

    rank = ngx_http_sg_assurance_rank(scale,
                                      ngx_sg_level_hash(req[1].data,
                                                        req[1].len));

    if (rank == NGX_DECLINED
        || scale->levels[rank].len != req[1].len
        || ngx_strncmp(scale->levels[rank].data, req[1].data, req[1].len)
           != 0)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"session_guard_require_assurance\": \"%V\" is not "
                      "a level of \"%V\" in %V:%ui", &req[1], &req[0],
                      &conf->assurance_file, conf->assurance_line);
        return NGX_CONF_ERROR;
    }

    conf->assurance = scale;
    conf->assurance_min = rank;

    return NGX_CONF_OK;
}


/*
 * The location's need against the level recorded for the session: NULL
 * when it is met, or not judged (no level of that namespace recorded, or
 * a token authenticated after the change); else why not.
 */

const char *
ngx_http_sg_assurance_check(ngx_http_request_t *r,
    ngx_http_sg_loc_conf_t *slcf, ngx_http_sg_ctx_t *ctx)
{
    time_t                auth_time;
    ngx_int_t             rank;
    ngx_str_t            *have;
    ngx_sg_record_t      *rec;
    ngx_http_sg_scale_t  *scale;

    static ngx_str_t  unknown = ngx_string("(not one of its levels)");

    scale = slcf->assurance;

    if (scale == NULL || !ctx->has_session) {
        return NULL;
    }

    rec = &ctx->session.rec;

    if (rec->assurance_ns != scale->hash) {
        return NULL;
    }

    /* the token's own authentication: one made after the change is new */

    auth_time = 0;

    if (ctx->verified && ctx->jws.payload) {
        (void) ngx_sg_json_time(json_object_get(ctx->jws.payload,
                                                "auth_time"),
                                &auth_time);
    }

    if (auth_time > (time_t) rec->assurance_since) {
        return NULL;
    }

    rank = ngx_http_sg_assurance_rank(scale, rec->assurance);

    if (rank != NGX_DECLINED && (ngx_uint_t) rank >= slcf->assurance_min) {
        return NULL;
    }

    have = (rank == NGX_DECLINED) ? &unknown : &scale->levels[rank];

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "session_guard: session \"%V\": assurance level \"%V\" "
                  "of \"%V\" reported at %T, \"%V\" needed here",
                  ngx_http_sg_log_str(r, &ctx->session.id), have, &scale->ns,
                  (time_t) rec->assurance_since,
                  &scale->levels[slcf->assurance_min]);

    return ngx_http_sg_too_low;
}
