
/*
 * Copyright (C) ngx_session_guard authors
 */


/* SHA-256: the FIPS 180-2 examples, raw and in base64url */


#include "sg_test.h"

#include "ngx_sg_sha256.h"


typedef struct {
    const char  *in;
    const char  *hex;
    const char  *b64;
} sha_vector_t;


static const sha_vector_t  vectors[] = {
    { "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0" },
    { "",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      "JI1qYdIGOLjlwCaTDD5gOaM85Flk_yFn9uzt1BnbBsE" },
};


static void
test_digest(void **state)
{
    char        hex[2 * NGX_SG_SHA256_LEN + 1];
    u_char      digest[NGX_SG_SHA256_LEN + 1];
    ngx_uint_t  i, j;

    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        digest[NGX_SG_SHA256_LEN] = 0xa5;

        assert_int_equal(ngx_sg_sha256_digest((u_char *) vectors[i].in,
                                              strlen(vectors[i].in),
                                              digest),
                         NGX_OK);

        /* exactly NGX_SG_SHA256_LEN bytes written */
        assert_int_equal(digest[NGX_SG_SHA256_LEN], 0xa5);

        for (j = 0; j < NGX_SG_SHA256_LEN; j++) {
            snprintf(hex + 2 * j, 3, "%02x", digest[j]);
        }

        assert_string_equal(hex, vectors[i].hex);
    }
}


static void
test_b64(void **state)
{
    u_char      out[NGX_SG_SHA256_B64_LEN + 1];
    ngx_uint_t  i;

    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        out[NGX_SG_SHA256_B64_LEN] = '#';

        assert_int_equal(ngx_sg_sha256_b64((u_char *) vectors[i].in,
                                           strlen(vectors[i].in), out),
                         NGX_OK);

        assert_int_equal(out[NGX_SG_SHA256_B64_LEN], '#');
        assert_memory_equal(out, vectors[i].b64, NGX_SG_SHA256_B64_LEN);
    }
}


/* the fetched digest is the one every EVP_Digest*() caller gets */

static void
test_md(void **state)
{
    const EVP_MD  *md;

    md = ngx_sg_sha256();

    assert_non_null(md);
    assert_ptr_equal(md, ngx_sg_sha256());
    assert_int_equal(EVP_MD_get_size(md), NGX_SG_SHA256_LEN);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_digest),
        cmocka_unit_test(test_b64),
        cmocka_unit_test(test_md),
    };

    sg_init();

    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
