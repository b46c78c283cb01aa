
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * DPoP proofs.  The first input byte picks the mode:
 *
 *   0  the rest is a whole proof (the RFC 9449 examples are seeds);
 *   1  the rest is the payload JSON of a proof signed here with an ES256
 *      key made at start-up (no key is committed), so that mutated claims
 *      get past the signature to ngx_sg_dpop_check();
 *   2  the rest is the protected header JSON, signed with the same key
 *      over a fixed valid payload.
 *
 * Every proof that parses goes through ngx_sg_dpop_check(),
 * ngx_sg_dpop_jkt_match() and ngx_sg_dpop_nonce_check().
 */


#include "fuzz.h"
#include "ngx_sg_dpop.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static ngx_str_t sg_fuzz_b64(ngx_pool_t *pool, u_char *p, size_t len);
static ngx_str_t sg_fuzz_sign(ngx_pool_t *pool, ngx_str_t *header,
    ngx_str_t *payload);


static EVP_PKEY   *sg_fuzz_pkey;
static char        sg_fuzz_header[256];
static u_char      sg_fuzz_nonce_key[NGX_SG_DPOP_NONCE_KEY_LEN];

#define SG_FUZZ_NOW  1562262616

static char  sg_fuzz_payload[] =
    "{\"jti\":\"e1j3V_bKic8-LAEB\",\"htm\":\"GET\","
    "\"htu\":\"https://resource.example.org/protected\","
    "\"iat\":1562262616,"
    "\"ath\":\"fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo\"}";


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    u_char       pub[65];
    size_t       len;
    ngx_str_t    x, y;
    ngx_pool_t  *pool;

    ngx_sg_json_init();

    sg_fuzz_pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (sg_fuzz_pkey == NULL) {
        abort();
    }

    if (!EVP_PKEY_get_octet_string_param(sg_fuzz_pkey,
                                         OSSL_PKEY_PARAM_PUB_KEY,
                                         pub, sizeof(pub), &len)
        || len != 65)
    {
        abort();
    }

    pool = sg_fuzz_pool();

    x = sg_fuzz_b64(pool, pub + 1, 32);
    y = sg_fuzz_b64(pool, pub + 33, 32);

    snprintf(sg_fuzz_header, sizeof(sg_fuzz_header),
             "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\","
             "\"crv\":\"P-256\",\"x\":\"%.*s\",\"y\":\"%.*s\"}}",
             (int) x.len, x.data, (int) y.len, y.data);

    ngx_destroy_pool(pool);

    memset(sg_fuzz_nonce_key, 0x5a, sizeof(sg_fuzz_nonce_key));

    return 0;
}


static ngx_str_t
sg_fuzz_b64(ngx_pool_t *pool, u_char *p, size_t len)
{
    ngx_str_t  src, dst;

    src.data = p;
    src.len = len;

    dst.data = ngx_pnalloc(pool, ngx_base64_encoded_length(len));
    if (dst.data == NULL) {
        abort();
    }

    ngx_encode_base64url(&dst, &src);

    return dst;
}


static ngx_str_t
sg_fuzz_sign(ngx_pool_t *pool, ngx_str_t *header, ngx_str_t *payload)
{
    u_char              der[80], raw[64], *p, *input;
    size_t              derlen, n;
    ngx_str_t           h, b, s, token;
    EVP_MD_CTX         *md;
    ECDSA_SIG          *sig;
    const BIGNUM       *r, *sv;
    const u_char       *dp;

    h = sg_fuzz_b64(pool, header->data, header->len);
    b = sg_fuzz_b64(pool, payload->data, payload->len);

    n = h.len + 1 + b.len;
    input = ngx_pnalloc(pool, n + 1 + 86);
    if (input == NULL) {
        abort();
    }

    p = ngx_cpymem(input, h.data, h.len);
    *p++ = '.';
    p = ngx_cpymem(p, b.data, b.len);

    md = EVP_MD_CTX_new();
    derlen = sizeof(der);

    if (md == NULL
        || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, sg_fuzz_pkey)
           != 1
        || EVP_DigestSign(md, der, &derlen, input, n) != 1)
    {
        abort();
    }

    EVP_MD_CTX_free(md);

    dp = der;
    sig = d2i_ECDSA_SIG(NULL, &dp, derlen);
    if (sig == NULL) {
        abort();
    }

    ECDSA_SIG_get0(sig, &r, &sv);

    if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(sv, raw + 32, 32) != 32)
    {
        abort();
    }

    ECDSA_SIG_free(sig);

    s = sg_fuzz_b64(pool, raw, 64);

    *p++ = '.';
    p = ngx_cpymem(p, s.data, s.len);

    token.data = input;
    token.len = p - input;

    return token;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t              rc;
    ngx_str_t              text, header, payload, cnf_text;
    ngx_pool_t            *pool;
    const char            *reason;
    json_t                *cnf;
    ngx_sg_dpop_rules_t    rules;
    ngx_sg_dpop_proof_t    proof;

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
