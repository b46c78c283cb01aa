
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <ngx_sg_sketch.h>


#define ENTRIES  256


static uint64_t  mem[ENTRIES];   /* more than ngx_sg_sketch_size(ENTRIES) */


static void
sketch_new(ngx_sg_sketch_t *s, ngx_uint_t entries)
{
    assert_true(ngx_sg_sketch_size(entries) <= sizeof(mem));
    memset(mem, 0, sizeof(mem));
    ngx_sg_sketch_init(s, mem, entries);
}


/* a spread of 32-bit hashes, as murmur's would be */

static uint32_t
key(ngx_uint_t i)
{
    uint32_t  h;

    h = (uint32_t) i * 0x9e3779b1u + 0x7f4a7c15u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;

    return h;
}


static void
test_size(void **state)
{
    /* 4 counters of 4 bits per entry, a power of two, at least 64 */
    assert_int_equal(ngx_sg_sketch_size(0), 64 / 2);
    assert_int_equal(ngx_sg_sketch_size(1), 64 / 2);
    assert_int_equal(ngx_sg_sketch_size(16), 64 / 2);
    assert_int_equal(ngx_sg_sketch_size(17), 128 / 2);
    assert_int_equal(ngx_sg_sketch_size(256), 1024 / 2);
    assert_int_equal(ngx_sg_sketch_size(4096), 16384 / 2);
    assert_int_equal(ngx_sg_sketch_size(5000), 32768 / 2);
}


static void
test_increment(void **state)
{
    ngx_uint_t       i;
    ngx_sg_sketch_t  s;

    sketch_new(&s, ENTRIES);

    assert_int_equal(ngx_sg_sketch_estimate(&s, key(1)), 0);

    for (i = 1; i <= 5; i++) {
        ngx_sg_sketch_increment(&s, key(1));
        assert_int_equal(ngx_sg_sketch_estimate(&s, key(1)), i);
    }

    ngx_sg_sketch_increment(&s, key(2));
    ngx_sg_sketch_increment(&s, key(2));

    /* exact here: 7 increments in 1024 counters share no full set */
    assert_int_equal(ngx_sg_sketch_estimate(&s, key(1)), 5);
    assert_int_equal(ngx_sg_sketch_estimate(&s, key(2)), 2);
    assert_int_equal(ngx_sg_sketch_estimate(&s, key(3)), 0);
    assert_int_equal(s.additions, 7);
}


static void
test_saturation(void **state)
{
    ngx_uint_t       i;
    ngx_sg_sketch_t  s;

    sketch_new(&s, ENTRIES);

    for (i = 0; i < 40; i++) {
        ngx_sg_sketch_increment(&s, key(7));
        assert_int_equal(ngx_sg_sketch_estimate(&s, key(7)),
                         i + 1 < NGX_SG_SKETCH_MAX ? i + 1
                                                   : NGX_SG_SKETCH_MAX);
    }

    /* a saturated counter does not carry into its neighbour */
    for (i = 0; i < 1000; i++) {
        if (i != 7) {
            assert_int_equal(ngx_sg_sketch_estimate(&s, key(i)), 0);
        }
    }
}


static void
test_aging(void **state)
{
    ngx_uint_t       i, sample;
    ngx_sg_sketch_t  s;

    sketch_new(&s, ENTRIES);

    sample = ENTRIES * NGX_SG_SKETCH_SAMPLE;
    assert_int_equal(s.sample, sample);

    /* a hot key at 12, then distinct keys once each up to the sample */
    for (i = 0; i < 12; i++) {
        ngx_sg_sketch_increment(&s, key(0));
    }

    for (i = 1; i < sample - 12; i++) {
        ngx_sg_sketch_increment(&s, key(i));
    }

    assert_int_equal(s.agings, 0);
    assert_true(ngx_sg_sketch_estimate(&s, key(0)) >= 12);

    /* the sample-th increment halves every counter */
    ngx_sg_sketch_increment(&s, key(0));
    assert_int_equal(s.agings, 1);
    assert_int_equal(s.additions, sample / 2);

    i = ngx_sg_sketch_estimate(&s, key(0));
    assert_true(i >= 6 && i <= 7);

    /* and again, another key only: a key not seen since fades */
    for (i = 0; i < sample / 2; i++) {
        ngx_sg_sketch_increment(&s, key(1));
    }

    assert_int_equal(s.agings, 2);
    assert_true(ngx_sg_sketch_estimate(&s, key(0)) <= 3);
    assert_int_equal(ngx_sg_sketch_estimate(&s, key(1)), 7);

    /* halving never moves a bit from one counter into its neighbour */
    sketch_new(&s, ENTRIES);
    memset(mem, 0xff, ngx_sg_sketch_size(ENTRIES));
    s.additions = s.sample - 1;

    ngx_sg_sketch_increment(&s, key(5));
    assert_int_equal(s.agings, 1);

    for (i = 0; i < ngx_sg_sketch_size(ENTRIES) / sizeof(uint64_t); i++) {
        assert_true(mem[i] == 0x7777777777777777ULL);
    }
}


/*
 * Before an aging the estimate is never below the true count (capped at
 * 15), whatever the collisions: many keys in the smallest sketch.
 */

static void
test_never_below(void **state)
{
    ngx_uint_t       i, k, n, count[200];
    ngx_sg_sketch_t  s;

    sketch_new(&s, 16);      /* 64 counters, sample 160 */

    memset(count, 0, sizeof(count));
    n = 0;

    for (i = 0; n + 1 < s.sample; i++) {
        k = (i * 7919) % 200 % (1 + i % 37);
        ngx_sg_sketch_increment(&s, key(k));
        count[k]++;
        n++;
    }

    assert_int_equal(s.agings, 0);

    for (k = 0; k < 200; k++) {
        n = count[k] < NGX_SG_SKETCH_MAX ? count[k] : NGX_SG_SKETCH_MAX;
        assert_true(ngx_sg_sketch_estimate(&s, key(k)) >= n);
    }
}


/* the same hashes in the same order give the same table, every time */

static void
test_deterministic(void **state)
{
    uint64_t         copy[ENTRIES];
    ngx_uint_t       i, words;
    ngx_sg_sketch_t  s;

    words = ngx_sg_sketch_size(ENTRIES) / sizeof(uint64_t);

    sketch_new(&s, ENTRIES);

    for (i = 0; i < 3000; i++) {
        ngx_sg_sketch_increment(&s, key(i % 333));
    }

    memcpy(copy, mem, words * sizeof(uint64_t));

    sketch_new(&s, ENTRIES);

    for (i = 0; i < 3000; i++) {
        ngx_sg_sketch_increment(&s, key(i % 333));
    }

    assert_memory_equal(copy, mem, words * sizeof(uint64_t));

    /* a known table cell: hash 0 counts in counters 0, h2, 2 h2, 3 h2 */
    sketch_new(&s, ENTRIES);
    ngx_sg_sketch_increment(&s, 0);
    assert_int_equal(mem[0] & 0xf, 1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_size),
        cmocka_unit_test(test_increment),
        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_aging),
        cmocka_unit_test(test_never_below),
        cmocka_unit_test(test_deterministic),
    };

    sg_init();

    return cmocka_run_group_tests_name("sketch", tests, NULL, NULL);
}
