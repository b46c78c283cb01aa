
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * DPoP proofs.  The first input byte picks the mode:
 *
 *   0  the rest is a whole proof (the RFC 9449 examples are seeds);
 *   1  the rest is the payload JSON of a proof signed here with an ES256
 *      key made at start-up (fuzz_sign.h: no key is committed), so that
 *      mutated claims get past the signature to ngx_sg_dpop_check();
 *   2  the rest is the protected header JSON, signed with the same key
 *      over a fixed valid payload.
 *
 * Every proof that parses goes through ngx_sg_dpop_check(),
 * ngx_sg_dpop_jkt_match() and ngx_sg_dpop_nonce_check().  Every proof also
 * goes twice through a key and header cache that lives as long as the
 * process (the second time a header hit, if the first verified): the
 * answer, reason and thumbprint must be those of the uncached parse.
 */


#include "fuzz_sign.h"
#include "ngx_sg_dpop.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static char        sg_fuzz_header[256];
static u_char      sg_fuzz_nonce_key[NGX_SG_DPOP_NONCE_KEY_LEN];

static ngx_pool_t               *sg_fuzz_cache_pool;
static ngx_sg_dpop_key_cache_t   sg_fuzz_cache;

#define SG_FUZZ_NOW  1562262616

static char  sg_fuzz_payload[] =
    "{\"jti\":\"e1j3V_bKic8-LAEB\",\"htm\":\"GET\","
    "\"htu\":\"https://resource.example.org/protected\","
    "\"iat\":1562262616,"
    "\"ath\":\"fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo\"}";


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ngx_sg_json_init();
    sg_fuzz_sign_init();

    snprintf(sg_fuzz_header, sizeof(sg_fuzz_header),
             "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\","
             "\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}}",
             sg_fuzz_x, sg_fuzz_y);

    memset(sg_fuzz_nonce_key, 0x5a, sizeof(sg_fuzz_nonce_key));

    /* a pool never destroyed: the cache lives as long as the process */

    sg_fuzz_cache_pool = sg_fuzz_pool();

    if (ngx_sg_dpop_key_cache_init(sg_fuzz_cache_pool, &sg_fuzz_cache, 4)
        != NGX_OK)
    {
        abort();
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t              rc, rc2;
    ngx_str_t              text, header, payload, cnf_text;
    ngx_uint_t             i;
    ngx_pool_t            *pool;
    const char            *reason, *reason2;
    json_t                *cnf;
    ngx_sg_dpop_rules_t    rules;
    ngx_sg_dpop_proof_t    proof, cached;

    if (size == 0) {
        return 0;
    }

    pool = sg_fuzz_pool();

    switch (data[0] % 3) {

    case 0:
        text = sg_fuzz_str(pool, data + 1, size - 1);
        break;

    case 1:
        header.data = (u_char *) sg_fuzz_header;
        header.len = strlen(sg_fuzz_header);
        payload = sg_fuzz_str(pool, data + 1, size - 1);
        text = sg_fuzz_sign(pool, &header, &payload);
        break;

    default:
        header = sg_fuzz_str(pool, data + 1, size - 1);
        payload.data = (u_char *) sg_fuzz_payload;
        payload.len = sizeof(sg_fuzz_payload) - 1;
        text = sg_fuzz_sign(pool, &header, &payload);
        break;
    }

    ngx_memzero(&proof, sizeof(ngx_sg_dpop_proof_t));
    reason = NULL;

    rc = ngx_sg_dpop_parse(pool, &text, NGX_SG_ALG_MASK_ASYMMETRIC, &proof,
                           &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_DECLINED && reason == NULL) {
        abort();
    }

    if (proof.jkt.len && proof.jkt.len != NGX_SG_DPOP_JKT_LEN) {
        abort();
    }

    for (i = 0; i < 2; i++) {
        reason2 = NULL;

        rc2 = ngx_sg_dpop_parse_cached(pool, &text,
                                       NGX_SG_ALG_MASK_ASYMMETRIC,
                                       &sg_fuzz_cache, &cached, &reason2);
        sg_fuzz_rc(rc2);

        if (rc == NGX_ERROR || rc2 == NGX_ERROR) {
            continue;
        }

        if (rc2 != rc
            || (rc == NGX_DECLINED && strcmp(reason, reason2) != 0)
            || cached.jkt.len != proof.jkt.len
            || (proof.jkt.len
                && ngx_memcmp(cached.jkt.data, proof.jkt.data,
                              proof.jkt.len)
                   != 0))
        {
            abort();
        }
    }

    if (rc == NGX_OK) {
        ngx_memzero(&rules, sizeof(ngx_sg_dpop_rules_t));

        rules.algorithms = NGX_SG_ALG_MASK_ASYMMETRIC;
        rules.now = SG_FUZZ_NOW;
        rules.window = 300;
        ngx_str_set(&rules.htm, "GET");
        ngx_str_set(&rules.htu, "https://resource.example.org/protected");

        sg_fuzz_rc(ngx_sg_dpop_check(pool, &proof, &rules, &reason));

        ngx_str_set(&rules.access_token,
                    "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");

        sg_fuzz_rc(ngx_sg_dpop_check(pool, &proof, &rules, &reason));

        sg_fuzz_rc(ngx_sg_dpop_jkt_match(&proof, NULL, &reason));

        cnf = json_object_get(proof.jws.payload, "cnf");
        sg_fuzz_rc(ngx_sg_dpop_jkt_match(&proof, cnf, &reason));

        cnf_text.data = ngx_pnalloc(pool, proof.jkt.len + 16);
        if (cnf_text.data == NULL) {
            abort();
        }

        cnf_text.len = snprintf((char *) cnf_text.data, proof.jkt.len + 16,
                                "{\"jkt\":\"%.*s\"}", (int) proof.jkt.len,
                                proof.jkt.data);

        if (ngx_sg_json_parse_object(pool, cnf_text.data, cnf_text.len, 4,
                                     &cnf, &reason)
            == NGX_OK
            && ngx_sg_dpop_jkt_match(&proof, cnf, &reason) != NGX_OK)
        {
            abort();
        }

        sg_fuzz_rc(ngx_sg_dpop_nonce_check(sg_fuzz_nonce_key, SG_FUZZ_NOW,
                                           60, &proof.nonce, &reason));
    }

    ngx_destroy_pool(pool);

    return 0;
}
