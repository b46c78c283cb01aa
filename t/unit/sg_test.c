
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>


#ifndef SG_TEST_DATA
#error "SG_TEST_DATA must name t/data"
#endif


static void sg_json_cleanup(void *data);


ngx_log_t    sg_log = { NGX_LOG_DEBUG };
ngx_pool_t  *sg_pool;
int          sg_pss_saltlen = RSA_PSS_SALTLEN_DIGEST;


void
sg_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    setvbuf(stderr, NULL, _IOLBF, 0);

    ngx_sg_json_init();
}


int
sg_setup(void **state)
{
    ngx_stub_fail_after = 0;
    ngx_stub_warnings = 0;
    sg_pss_saltlen = RSA_PSS_SALTLEN_DIGEST;

    sg_pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &sg_log);

    return sg_pool == NULL ? -1 : 0;
}


int
sg_teardown(void **state)
{
    ngx_stub_fail_after = 0;

    ngx_destroy_pool(sg_pool);
    sg_pool = NULL;

    /* nothing may be left for nginx's SSL code to trip over */
    assert_int_equal(ERR_peek_error(), 0);

    return 0;
}


static void
sg_json_cleanup(void *data)
{
    json_decref(data);
}


json_t *
sg_own(json_t *value)
{
    ngx_pool_cleanup_t  *cln;

    assert_non_null(value);

    cln = ngx_pool_cleanup_add(sg_pool, 0);
    assert_non_null(cln);

    cln->handler = sg_json_cleanup;
    cln->data = value;

    return value;
}


json_t *
sg_load(const char *path)
{
    char          *name;
    json_t        *value;
    json_error_t   err;

    name = sg_printf("%s/%s", SG_TEST_DATA, path);

    value = json_load_file(name, 0, &err);

    if (value == NULL) {
        fail_msg("%s: %s", name, err.text);
    }

    return sg_own(value);
}


json_t *
sg_json(const char *text)
{
    json_error_t  err;

    return sg_own(json_loads(text, 0, &err));
}


char *
sg_dump(json_t *value)
{
    ngx_str_t  s;

    assert_int_equal(ngx_sg_json_dump(sg_pool, value, &s), NGX_OK);

    return sg_printf("%.*s", (int) s.len, s.data);
}


/* "a.b.0.c": members and array indexes */

json_t *
sg_get(json_t *obj, const char *path)
{
    char    *copy, *p, *dot, *end;
    long     idx;

    copy = sg_printf("%s", path);

    for (p = copy; obj && p; p = dot) {
        dot = strchr(p, '.');

        if (dot) {
            *dot++ = '\0';
        }

        if (json_is_array(obj)) {
            idx = strtol(p, &end, 10);
            obj = json_array_get(obj, idx);

        } else {
            obj = json_object_get(obj, p);
        }
    }

    if (obj == NULL) {
        fail_msg("no \"%s\" in the vector", path);
    }

    return obj;
}


const char *
sg_get_str(json_t *obj, const char *path)
{
    json_t  *v;

    v = sg_get(obj, path);

    assert_true(json_is_string(v));

    return json_string_value(v);
}


ngx_str_t
sg_str(const char *s)
{
    ngx_str_t  str;

    str.data = (u_char *) s;
    str.len = strlen(s);

    return str;
}


char *
sg_printf(const char *fmt, ...)
{
    int       n;
    char     *p;
    va_list   args;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    assert_true(n >= 0);

    p = ngx_palloc(sg_pool, n + 1);
    assert_non_null(p);

    va_start(args, fmt);
    vsnprintf(p, n + 1, fmt, args);
    va_end(args);

    return p;
}


char *
sg_b64(const void *data, size_t len)
{
    ngx_str_t  src, dst;

    src.data = (u_char *) data;
    src.len = len;

    dst.data = ngx_palloc(sg_pool, ngx_base64_encoded_length(len) + 1);
    assert_non_null(dst.data);

    ngx_encode_base64url(&dst, &src);
    dst.data[dst.len] = '\0';

    return (char *) dst.data;
}


char *
sg_b64_str(const char *s)
{
    return sg_b64(s, strlen(s));
}


ngx_str_t
sg_unb64(const char *s)
{
    ngx_str_t  src, dst;

    src = sg_str(s);

    assert_int_equal(ngx_sg_base64url_decode_pool(sg_pool, &dst, &src),
                     NGX_OK);

    return dst;
}


EVP_PKEY *
sg_keygen(const char *type, const char *param, int bits)
{
    EVP_PKEY  *pkey;

    if (strcmp(type, "RSA") == 0) {
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) bits);

    } else if (strcmp(type, "EC") == 0) {
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", param);

    } else {
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, type);
    }

    assert_non_null(pkey);

    return pkey;
}


static char *
sg_bn_b64(EVP_PKEY *pkey, const char *name, int pad)
{
    int       len;
    char     *s;
    BIGNUM   *bn;
    u_char    buf[1024];

    bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(pkey, name, &bn), 1);

    len = pad ? pad : BN_num_bytes(bn);
    assert_true(len <= (int) sizeof(buf));
    assert_int_equal(BN_bn2binpad(bn, buf, len), len);

    BN_free(bn);

    s = sg_b64(buf, len);

    return s;
}


json_t *
sg_jwk(EVP_PKEY *pkey, const char *kid, const char *alg)
{
    int      size;
    char     group[64];
    size_t   len;
    json_t  *jwk;
    u_char   raw[64];

    jwk = json_object();

    switch (EVP_PKEY_get_base_id(pkey)) {

    case EVP_PKEY_RSA:
        json_object_set_new(jwk, "kty", json_string("RSA"));
        json_object_set_new(jwk, "n",
            json_string(sg_bn_b64(pkey, OSSL_PKEY_PARAM_RSA_N, 0)));
        json_object_set_new(jwk, "e",
            json_string(sg_bn_b64(pkey, OSSL_PKEY_PARAM_RSA_E, 0)));
        break;

    case EVP_PKEY_EC:
        assert_int_equal(EVP_PKEY_get_utf8_string_param(pkey,
                             OSSL_PKEY_PARAM_GROUP_NAME, group,
                             sizeof(group), &len), 1);

        json_object_set_new(jwk, "kty", json_string("EC"));

        if (strcmp(group, "prime256v1") == 0) {
            json_object_set_new(jwk, "crv", json_string("P-256"));
            size = 32;

        } else if (strcmp(group, "secp384r1") == 0) {
            json_object_set_new(jwk, "crv", json_string("P-384"));
            size = 48;

        } else if (strcmp(group, "secp521r1") == 0) {
            json_object_set_new(jwk, "crv", json_string("P-521"));
            size = 66;

        } else {
            json_object_set_new(jwk, "crv", json_string(group));
            size = (EVP_PKEY_get_bits(pkey) + 7) / 8;
        }

        json_object_set_new(jwk, "x",
            json_string(sg_bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_X, size)));
        json_object_set_new(jwk, "y",
            json_string(sg_bn_b64(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size)));
        break;

    case EVP_PKEY_ED25519:
    case EVP_PKEY_ED448:
        len = sizeof(raw);
        assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, raw, &len), 1);

        json_object_set_new(jwk, "kty", json_string("OKP"));
        json_object_set_new(jwk, "crv", json_string(
            EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 ? "Ed25519"
                                                           : "Ed448"));
        json_object_set_new(jwk, "x", json_string(sg_b64(raw, len)));
        break;

    default:
        fail_msg("unexpected key type");
    }

    if (kid) {
        json_object_set_new(jwk, "kid", json_string(kid));
    }

    if (alg) {
        json_object_set_new(jwk, "alg", json_string(alg));
    }

    return sg_own(jwk);
}


char *
sg_pem(EVP_PKEY *pkey)
{
    BIO   *bio;
    char  *data, *copy;
    long   len;

    bio = BIO_new(BIO_s_mem());
    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);

    len = BIO_get_mem_data(bio, &data);
    copy = sg_printf("%.*s", (int) len, data);

    BIO_free(bio);

    return copy;
}


char *
sg_cert_pem(EVP_PKEY *pkey)
{
    BIO        *bio;
    char       *data, *copy;
    long        len;
    X509       *x;
    X509_NAME  *name;

    x = X509_new();
    assert_non_null(x);

    assert_int_equal(X509_set_version(x, 2), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    assert_int_equal(X509_set_pubkey(x, pkey), 1);

    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (u_char *) "sg-test", -1, -1, 0);
    X509_set_issuer_name(x, name);

    assert_true(X509_sign(x, pkey, EVP_PKEY_get_base_id(pkey)
                                   == EVP_PKEY_ED25519 ? NULL
                                                       : EVP_sha256())
                > 0);

    bio = BIO_new(BIO_s_mem());
    assert_non_null(bio);
    assert_int_equal(PEM_write_bio_X509(bio, x), 1);

    len = BIO_get_mem_data(bio, &data);
    copy = sg_printf("%.*s", (int) len, data);

    BIO_free(bio);
    X509_free(x);

    return copy;
}


ngx_str_t
sg_sig(const char *alg, EVP_PKEY *pkey, ngx_str_t *secret,
    const char *input)
{
    int             half;
    size_t          len;
    u_char         *p;
    ngx_str_t       sig;
    EVP_MD_CTX     *mctx;
    EVP_PKEY_CTX   *pctx;
    ECDSA_SIG      *esig;
    const u_char   *q;
    const EVP_MD   *md;
    unsigned int    mlen;

    md = NULL;

    if (strcmp(alg + 2, "256") == 0) {
        md = EVP_sha256();

    } else if (strcmp(alg + 2, "384") == 0) {
        md = EVP_sha384();

    } else if (strcmp(alg + 2, "512") == 0) {
        md = EVP_sha512();
    }

    sig.data = ngx_palloc(sg_pool, 1024);
    assert_non_null(sig.data);

    if (alg[0] == 'H') {
        assert_non_null(HMAC(md, secret->data, (int) secret->len,
                             (const u_char *) input, strlen(input),
                             sig.data, &mlen));
        sig.len = mlen;
        return sig;
    }

    mctx = EVP_MD_CTX_new();
    assert_non_null(mctx);

    pctx = NULL;
    assert_int_equal(EVP_DigestSignInit(mctx, &pctx, md, NULL, pkey), 1);

    if (alg[0] == 'P') {
        assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING)
                    > 0);
        assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, sg_pss_saltlen)
                    > 0);
    }

    len = 1024;
    assert_int_equal(EVP_DigestSign(mctx, sig.data, &len,
                                    (const u_char *) input, strlen(input)),
                     1);
    sig.len = len;

    EVP_MD_CTX_free(mctx);

    if (alg[0] == 'E' && alg[1] == 'S') {
        q = sig.data;
        esig = d2i_ECDSA_SIG(NULL, &q, (long) sig.len);
        assert_non_null(esig);

        half = (EVP_PKEY_get_bits(pkey) + 7) / 8;

        p = ngx_palloc(sg_pool, 2 * half);
        assert_non_null(p);

        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(esig), p, half), half);
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(esig), p + half,
                                      half),
                         half);
        ECDSA_SIG_free(esig);

        sig.data = p;
        sig.len = 2 * half;
    }

    return sig;
}


char *
sg_token(const char *alg, EVP_PKEY *pkey, ngx_str_t *secret,
    const char *header, const char *payload)
{
    char       *input;
    ngx_str_t   sig;

    input = sg_printf("%s.%s", sg_b64_str(header), sg_b64_str(payload));
    sig = sg_sig(alg, pkey, secret, input);

    return sg_printf("%s.%s", input, sg_b64(sig.data, sig.len));
}


ngx_sg_key_t *
sg_key(json_t *jwk)
{
    ngx_int_t      rc;
    const char    *reason;
    ngx_sg_key_t  *key;

    key = ngx_pcalloc(sg_pool, sizeof(ngx_sg_key_t));
    assert_non_null(key);

    reason = "";
    rc = ngx_sg_jwk_import(sg_pool, jwk, key, &reason);

    if (rc != NGX_OK) {
        fail_msg("jwk import: %d %s", (int) rc, reason);
    }

    return key;
}
