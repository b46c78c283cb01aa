
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Helpers shared by the unit tests: a pool per test, published vectors
 * read from t/data, and keys and tokens made at run time with OpenSSL (no
 * private key is ever committed).
 */


#ifndef _SG_TEST_H_INCLUDED_
#define _SG_TEST_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "ngx_sg_jose.h"


#define SG_ALL_ALGS  ((1 << NGX_SG_ALG_COUNT) - 1)


extern ngx_log_t    sg_log;
extern ngx_pool_t  *sg_pool;
extern int          sg_pss_saltlen;


/* in main(): line-buffered output (cmocka mixes stdout and stderr) */
void sg_init(void);

int sg_setup(void **state);
int sg_teardown(void **state);

/* a heap JSON value released with the test's pool */
json_t *sg_own(json_t *value);

json_t *sg_load(const char *path);
json_t *sg_json(const char *text);
const char *sg_get_str(json_t *obj, const char *path);
json_t *sg_get(json_t *obj, const char *path);

/* compact JSON text in the test pool */
char *sg_dump(json_t *value);

ngx_str_t sg_str(const char *s);
char *sg_printf(const char *fmt, ...);
char *sg_b64(const void *data, size_t len);
char *sg_b64_str(const char *s);
ngx_str_t sg_unb64(const char *s);

EVP_PKEY *sg_keygen(const char *type, const char *param, int bits);
json_t *sg_jwk(EVP_PKEY *pkey, const char *kid, const char *alg);
char *sg_pem(EVP_PKEY *pkey);
char *sg_cert_pem(EVP_PKEY *pkey);

/* signature over "input" as a JWS wants it (raw R||S for ECDSA) */
ngx_str_t sg_sig(const char *alg, EVP_PKEY *pkey, ngx_str_t *secret,
    const char *input);

/* a compact JWS: header and payload are JSON (or any) text */
char *sg_token(const char *alg, EVP_PKEY *pkey, ngx_str_t *secret,
    const char *header, const char *payload);

/* import one JWK into the test pool, asserting NGX_OK */
ngx_sg_key_t *sg_key(json_t *jwk);


#endif /* _SG_TEST_H_INCLUDED_ */
