
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Key import: the input as a JWKS document or a single JWK
 * (ngx_sg_jwks_import()), each object of it through ngx_sg_jwk_import()
 * and ngx_sg_jwk_thumbprint(), as a PEM key or certificate, and as the
 * edge's private signing JWK (ngx_sg_signer_import()); a key it accepts
 * must sign a token that its public part verifies.
 */


#include "fuzz.h"
#include "ngx_sg_sign.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void sg_fuzz_jwk(ngx_pool_t *pool, json_t *jwk);


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ngx_sg_json_init();

    return 0;
}


static void
sg_fuzz_jwk(ngx_pool_t *pool, json_t *jwk)
{
    u_char        digest[32];
    ngx_int_t     rc;
    const char   *reason;
    ngx_sg_key_t  key;

    if (!json_is_object(jwk)) {
        return;
    }

    reason = NULL;

    rc = ngx_sg_jwk_import(pool, jwk, &key, &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_OK && key.kty == NGX_SG_KTY_OCT && key.secret.len == 0) {
        abort();
    }

    sg_fuzz_rc(ngx_sg_jwk_thumbprint(jwk, digest, &reason));
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t            i;
    json_t           *doc, *arr;
    ngx_str_t         text, typ, payload, token;
    ngx_int_t         rc;
    ngx_pool_t       *pool;
    ngx_array_t      *keys;
    const char       *reason;
    ngx_sg_key_t      key;
    ngx_sg_jws_t      jws;
    ngx_sg_signer_t   signer;

    pool = sg_fuzz_pool();

    text = sg_fuzz_str(pool, data, size);

    keys = ngx_array_create(pool, 4, sizeof(ngx_sg_key_t));
    if (keys == NULL) {
        abort();
    }

    reason = NULL;

    rc = ngx_sg_jwks_import(pool, &sg_fuzz_log, text.data, text.len, keys,
                            &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_OK && keys->nelts == 0) {
        abort();
    }

    rc = ngx_sg_json_parse_object(pool, text.data, text.len,
                                  NGX_SG_JSON_MAX_DEPTH, &doc, &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_OK) {
        sg_fuzz_jwk(pool, doc);

        arr = json_object_get(doc, "keys");

        if (json_is_array(arr)) {
            for (i = 0; i < json_array_size(arr) && i < 64; i++) {
                sg_fuzz_jwk(pool, json_array_get(arr, i));
            }
        }
    }

    sg_fuzz_rc(ngx_sg_pem_import(pool, text.data, text.len, &key, &reason));

    rc = ngx_sg_signer_import(pool, text.data, text.len, &signer, &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_OK) {
        ngx_str_set(&typ, "logout+jwt");
        ngx_str_set(&payload, "{\"sub\":\"fuzz\"}");

        if (ngx_sg_jws_sign(pool, &signer, &typ, &payload, &token)
            != NGX_OK)
        {
            abort();
        }

        if (ngx_sg_jws_parse(pool, &token, NGX_SG_JWS_JSON_PAYLOAD, &jws,
                             &reason)
            != NGX_OK
            || ngx_sg_jws_verify(&jws, &signer.pub, &reason) != NGX_OK)
        {
            abort();
        }
    }

    ngx_destroy_pool(pool);

    return 0;
}
