
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A JWT payload (the JSON text, as after signature verification) through
 * ngx_sg_json_parse_object(), ngx_sg_claims_check() under three sets of
 * rules and the claim accessors the variables use (ngx_sg_json_to_text(),
 * ngx_sg_json_path(), ngx_sg_json_time()).  The first input byte picks
 * the token's "typ" header.  A claim's text never holds a control
 * character (it goes into headers through variables).
 */


#include "fuzz.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngx_str_t  sg_fuzz_auds[] = {
    ngx_string("https://api.example.com"),
    ngx_string("aud2")
};

static ngx_str_t  sg_fuzz_typs[] = {
    ngx_null_string,
    ngx_string("JWT"),
    ngx_string("at+jwt"),
    ngx_string("application/at+JWT")
};

static ngx_str_t  sg_fuzz_path[] = {
    ngx_string("cnf"),
    ngx_string("jkt")
};


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ngx_sg_json_init();

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                  i;
    time_t                  t;
    json_t                 *v;
    ngx_str_t               text, out;
    ngx_int_t               rc;
    ngx_pool_t             *pool;
    const char             *key, *reason;
    ngx_array_t             auds;
    ngx_sg_jws_t            jws;
    ngx_sg_claims_rules_t   rules;

    if (size == 0) {
        return 0;
    }

    pool = sg_fuzz_pool();

    ngx_memzero(&jws, sizeof(ngx_sg_jws_t));
    jws.typ = sg_fuzz_typs[data[0] & 3];

    text = sg_fuzz_str(pool, data + 1, size - 1);

    reason = NULL;

    rc = ngx_sg_json_parse_object(pool, text.data, text.len,
                                  NGX_SG_JSON_MAX_DEPTH, &jws.payload,
                                  &reason);
    sg_fuzz_rc(rc);

    if (rc != NGX_OK) {
        jws.payload = NULL;
    }

    ngx_memzero(&rules, sizeof(ngx_sg_claims_rules_t));
    rules.now = 1700000000;

    sg_fuzz_rc(ngx_sg_claims_check(&jws, &rules, &reason));

    auds.elts = sg_fuzz_auds;
    auds.nelts = 2;
    auds.size = sizeof(ngx_str_t);
    auds.nalloc = 2;
    auds.pool = pool;

    rules.leeway = 120;
    ngx_str_set(&rules.issuer, "https://issuer.example.com");
    rules.audiences = &auds;
    ngx_str_set(&rules.typ, "at+jwt");

    sg_fuzz_rc(ngx_sg_claims_check(&jws, &rules, &reason));

    rules.now = 0;
    rules.leeway = NGX_SG_TIME_MAX;

    sg_fuzz_rc(ngx_sg_claims_check(&jws, &rules, &reason));

    if (jws.payload) {
        json_object_foreach(jws.payload, key, v) {
            rc = ngx_sg_json_to_text(pool, v, &out);
            sg_fuzz_rc(rc);

            if (rc == NGX_OK) {
                for (i = 0; i < out.len; i++) {
                    if (out.data[i] < 0x20 || out.data[i] == 0x7f) {
                        abort();
                    }
                }
            }

            sg_fuzz_rc(ngx_sg_json_time(v, &t));
            sg_fuzz_rc(ngx_sg_json_dump(pool, v, &out));
        }

        (void) ngx_sg_json_path(jws.payload, sg_fuzz_path, 2);
    }

    ngx_destroy_pool(pool);

    return 0;
}
