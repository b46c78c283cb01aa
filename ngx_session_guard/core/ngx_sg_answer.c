
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The answer of a risk service (format and contract: ngx_sg_answer.h).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <jansson.h>

#include "ngx_sg_answer.h"
#include "ngx_sg_jose.h"
#include "ngx_sg_risk.h"


static ngx_int_t ngx_sg_answer_reasons(json_t *list, ngx_sg_answer_t *a,
    const char **reason);


ngx_int_t
ngx_sg_answer_parse(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_sg_answer_t *a, const char **reason)
{
    json_t     *root, *v;
    ngx_int_t   rc;
    ngx_str_t   acts;
    json_int_t  n;

    ngx_memzero(a, sizeof(ngx_sg_answer_t));

    rc = ngx_sg_json_parse_object(pool, data, len, NGX_SG_ANSWER_DEPTH,
                                  &root, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    v = json_object_get(root, "action");

    if (v == NULL) {
        *reason = "no \"action\"";
        return NGX_DECLINED;
    }

    if (!json_is_string(v) || json_string_length(v) == 0) {
        *reason = "\"action\" is not a non-empty string";
        return NGX_DECLINED;
    }

    acts.data = (u_char *) json_string_value(v);
    acts.len = json_string_length(v);

    if (acts.len == 5 && ngx_strncmp(acts.data, "allow", 5) == 0) {
        a->acts = 0;

    } else if (ngx_sg_risk_parse_actions(&acts, &a->acts) != NGX_OK) {
        *reason = "unknown \"action\"";
        return NGX_DECLINED;
    }

    v = json_object_get(root, "score");

    if (v) {
        if (!json_is_integer(v)) {
            *reason = "\"score\" is not an integer";
            return NGX_DECLINED;
        }

        n = json_integer_value(v);

        if (n < 0 || n > NGX_SG_ANSWER_SCORE_MAX) {
            *reason = "\"score\" out of range";
            return NGX_DECLINED;
        }

        a->score = (ngx_uint_t) n;
    }

    v = json_object_get(root, "reasons");

    if (v) {
        return ngx_sg_answer_reasons(v, a, reason);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_sg_answer_reasons(json_t *list, ngx_sg_answer_t *a, const char **reason)
{
    u_char      *p, c;
    size_t       i, j, len;
    json_t      *v;

    if (!json_is_array(list)) {
        *reason = "\"reasons\" is not an array";
        return NGX_DECLINED;
    }

    for (i = 0; i < json_array_size(list); i++) {
        v = json_array_get(list, i);

        if (!json_is_string(v)) {
            *reason = "a reason is not a string";
            return NGX_DECLINED;
        }

        if (a->nreasons == NGX_SG_ANSWER_REASONS) {
            continue;
        }

        p = (u_char *) json_string_value(v);
        len = json_string_length(v);

        if (len > NGX_SG_ANSWER_REASON_LEN) {
            len = NGX_SG_ANSWER_REASON_LEN;
        }

        if (len == 0) {
            continue;
        }

        for (j = 0; j < len; j++) {
            c = p[j];

            a->reason[a->nreasons][j] =
                (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ',')
                ? '?' : c;
        }

        a->len[a->nreasons++] = len;
    }

    return NGX_OK;
}
