
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <ngx_sg_hindex.h>


/* records in one block, as in a zone: a link, then the key */

typedef struct {
    ngx_sg_hlink_t   link;
    uint32_t         key;
    uint32_t         in;
} rec_t;


#define NREC  600

static rec_t     block[NREC + 1];      /* block[0]: offset 0, never used */
static uint32_t  buckets[64];


static u_char *
base(void)
{
    return (u_char *) block;
}


static rec_t *
find(ngx_sg_hindex_t *ix, uint32_t hash, uint32_t key)
{
    rec_t           *r;
    ngx_sg_hlink_t  *l;

    l = NULL;

    while ((l = ngx_sg_hindex_next(ix, base(), l, hash)) != NULL) {
        r = (rec_t *) l;

        if (r->key == key) {
            return r;
        }
    }

    return NULL;
}


/*
 * spread 0: hashes spread over the buckets; else hashes that collide on
 * purpose, "spread" distinct values all in bucket 0
 */

static uint32_t
hash_of(uint32_t key, uint32_t spread)
{
    if (spread == 0) {
        return key * 2654435761u;
    }

    return (key % spread) * 64;
}


static void
check_all(ngx_sg_hindex_t *ix, uint32_t spread)
{
    ngx_uint_t  i;
    rec_t      *r;

    for (i = 1; i <= NREC; i++) {
        r = find(ix, hash_of(i, spread), i);

        if (block[i].in) {
            assert_ptr_equal(r, &block[i]);

        } else {
            assert_null(r);
        }
    }
}


static void
run(ngx_uint_t nbuckets, uint32_t spread)
{
    ngx_uint_t       i;
    ngx_sg_hindex_t  ix;

    memset(block, 0, sizeof(block));
    memset(buckets, 0xff, sizeof(buckets));

    ngx_sg_hindex_init(&ix, buckets, nbuckets);

    for (i = 1; i <= NREC; i++) {
        block[i].key = (uint32_t) i;
        ngx_sg_hindex_insert(&ix, base(), &block[i].link,
                             hash_of(i, spread));
        block[i].in = 1;
    }

    check_all(&ix, spread);

    /* out of the middle, the heads (last inserted) and the tails */

    for (i = 1; i <= NREC; i++) {
        if (i % 3 == 0 || i > NREC - 20 || i < 20) {
            ngx_sg_hindex_remove(&ix, base(), &block[i].link);
            block[i].in = 0;
        }
    }

    check_all(&ix, spread);

    /* back in, then all out: every bucket empty */

    for (i = 1; i <= NREC; i++) {
        if (!block[i].in) {
            ngx_sg_hindex_insert(&ix, base(), &block[i].link,
                                 hash_of(i, spread));
            block[i].in = 1;
        }
    }

    check_all(&ix, spread);

    for (i = NREC; i >= 1; i--) {
        ngx_sg_hindex_remove(&ix, base(), &block[i].link);
        block[i].in = 0;
    }

    check_all(&ix, spread);

    for (i = 0; i < nbuckets; i++) {
        assert_int_equal(buckets[i], 0);
    }
}


static void
test_buckets(void **state)
{
    assert_int_equal(ngx_sg_hindex_buckets(0), NGX_SG_HINDEX_MIN);
    assert_int_equal(ngx_sg_hindex_buckets(31), NGX_SG_HINDEX_MIN);
    assert_int_equal(ngx_sg_hindex_buckets(32), 32);
    assert_int_equal(ngx_sg_hindex_buckets(63), 32);
    assert_int_equal(ngx_sg_hindex_buckets(1310720), 1048576);
}


/* 600 records in 16 buckets, all hashes distinct */

static void
test_distinct(void **state)
{
    run(16, 0);
}


/* every record in one bucket, 7 distinct hashes among them */

static void
test_one_bucket(void **state)
{
    run(16, 7);
}


/* every record with the same hash: only the key tells them apart */

static void
test_same_hash(void **state)
{
    run(64, 1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_one_bucket),
        cmocka_unit_test(test_same_hash),
    };

    sg_init();

    return cmocka_run_group_tests_name("hindex", tests, NULL, NULL);
}
