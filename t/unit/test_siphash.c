
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <openssl/core_names.h>

#include <ngx_sg_siphash.h>


/* the reference key 00..0f and messages 00, 01, ... (len bytes) */

static u_char  ref_key[NGX_SG_SIPHASH_KEY_LEN];
static u_char  ref_msg[64];


static void
ref_init(void)
{
    ngx_uint_t  i;

    for (i = 0; i < sizeof(ref_key); i++) {
        ref_key[i] = (u_char) i;
    }

    for (i = 0; i < sizeof(ref_msg); i++) {
        ref_msg[i] = (u_char) i;
    }
}


/* vectors from the SipHash paper and its reference code (vectors.h) */

static void
test_vectors(void **state)
{
    ref_init();

    assert_true(ngx_sg_siphash(ref_key, ref_msg, 0)
                == 0x726fdb47dd0e0e31ULL);
    assert_true(ngx_sg_siphash(ref_key, ref_msg, 1)
                == 0x74f839c593dc67fdULL);
    assert_true(ngx_sg_siphash(ref_key, ref_msg, 15)
                == 0xa129ca6149be45e5ULL);
}


/* every length up to 64, against OpenSSL's SIPHASH (8-byte output) */

static void
test_openssl(void **state)
{
    u_char       out[8], key[NGX_SG_SIPHASH_KEY_LEN];
    size_t       len, outlen, i;
    uint64_t     want;
    EVP_MAC     *mac;
    OSSL_PARAM   params[2];
    EVP_MAC_CTX *ctx;
    unsigned     size;

    ref_init();

    mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
    assert_non_null(mac);

    for (i = 0; i < sizeof(key); i++) {
        key[i] = (u_char) (0xa5 ^ (i * 37));
    }

    size = 8;
    params[0] = OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_SIZE, &size);
    params[1] = OSSL_PARAM_construct_end();

    for (len = 0; len <= sizeof(ref_msg); len++) {
        ctx = EVP_MAC_CTX_new(mac);
        assert_non_null(ctx);

        assert_int_equal(EVP_MAC_init(ctx, key, sizeof(key), params), 1);
        assert_int_equal(EVP_MAC_update(ctx, ref_msg, len), 1);
        assert_int_equal(EVP_MAC_final(ctx, out, &outlen, sizeof(out)), 1);
        assert_int_equal(outlen, 8);

        EVP_MAC_CTX_free(ctx);

        want = 0;

        for (i = 0; i < 8; i++) {
            want |= (uint64_t) out[i] << (8 * i);
        }

        assert_true(ngx_sg_siphash(key, ref_msg, len) == want);
    }

    EVP_MAC_free(mac);
}


/* another key, another hash */

static void
test_keyed(void **state)
{
    u_char  key2[NGX_SG_SIPHASH_KEY_LEN];

    ref_init();

    ngx_memcpy(key2, ref_key, sizeof(key2));
    key2[15] ^= 1;

    assert_true(ngx_sg_siphash(ref_key, ref_msg, 20)
                != ngx_sg_siphash(key2, ref_msg, 20));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_openssl),
        cmocka_unit_test(test_keyed),
    };

    sg_init();

    return cmocka_run_group_tests(tests, NULL, NULL);
}
