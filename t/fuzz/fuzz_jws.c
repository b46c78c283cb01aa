
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A compact JWS through everything the HTTP glue does with a bearer
 * token: ngx_sg_jws_parse() (split, base64url, header and payload JSON),
 * ngx_sg_jws_verify() with every key that fits, ngx_sg_jws_verify_keys()
 * with the whole key set and the claim rules.
 */


#include "fuzz_keys.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngx_str_t  sg_fuzz_auds[] = {
    ngx_string("https://api.example.com"),
    ngx_string("joe")
};


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ngx_sg_json_init();
    sg_fuzz_load_keys();

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t               rc;
    ngx_str_t               token;
    ngx_uint_t              i, flags;
    ngx_pool_t             *pool;
    ngx_array_t             auds;
    const char             *reason;
    ngx_sg_jws_t            jws;
    ngx_sg_key_t           *keys;
    ngx_sg_claims_rules_t   rules;

    pool = sg_fuzz_pool();

    token = sg_fuzz_str(pool, data, size);
    keys = sg_fuzz_keys->elts;

    for (flags = 0; flags <= NGX_SG_JWS_JSON_PAYLOAD; flags++) {

        ngx_memzero(&jws, sizeof(ngx_sg_jws_t));
        reason = NULL;

        rc = ngx_sg_jws_parse(pool, &token, flags, &jws, &reason);
        sg_fuzz_rc(rc);

        if (rc != NGX_OK) {
            if (rc == NGX_DECLINED && reason == NULL) {
                abort();
            }

            continue;
        }

        if (jws.alg == NULL || jws.header == NULL) {
            abort();
        }

        for (i = 0; i < sg_fuzz_keys->nelts; i++) {
            if (ngx_sg_key_fits(&keys[i], jws.alg)) {
                sg_fuzz_rc(ngx_sg_jws_verify(&jws, &keys[i], &reason));
            }
        }

        rc = ngx_sg_jws_verify_keys(&jws, keys, sg_fuzz_keys->nelts,
                                    SG_FUZZ_ALL_ALGS, &reason);
        sg_fuzz_rc(rc);

        rc = ngx_sg_jws_verify_keys(&jws, keys, sg_fuzz_keys->nelts,
                                    NGX_SG_ALG_MASK_ASYMMETRIC, &reason);
        sg_fuzz_rc(rc);

        if (jws.payload == NULL) {
            continue;
        }

        /* the RFC 7515 A.* clock: their exp is 1300819380 */

        ngx_memzero(&rules, sizeof(ngx_sg_claims_rules_t));
        rules.now = 1300819370;

        sg_fuzz_rc(ngx_sg_claims_check(&jws, &rules, &reason));

        auds.elts = sg_fuzz_auds;
        auds.nelts = 2;
        auds.size = sizeof(ngx_str_t);
        auds.nalloc = 2;
        auds.pool = pool;

        rules.leeway = 60;
        ngx_str_set(&rules.issuer, "joe");
        ngx_str_set(&rules.typ, "at+jwt");
        rules.audiences = &auds;

        sg_fuzz_rc(ngx_sg_claims_check(&jws, &rules, &reason));
    }

    ngx_destroy_pool(pool);

    return 0;
}
