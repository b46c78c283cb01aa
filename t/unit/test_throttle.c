
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include <ngx_sg_throttle.h>


#define T0  1764979200      /* a multiple of 60 */


/* 5 failures a minute, then refused for 10 minutes */
static ngx_sg_throttle_rule_t  rule = { 5, 60, 600 };


static void
test_below_limit(void **state)
{
    ngx_uint_t               i;
    ngx_sg_throttle_count_t  c;

    memset(&c, 0, sizeof(c));

    for (i = 0; i < 4; i++) {
        assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + i), 0);
    }

    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 10), 4);
    assert_int_equal(ngx_sg_throttle_blocked(&c, T0 + 10), 0);
}


static void
test_block(void **state)
{
    ngx_uint_t               i;
    ngx_sg_throttle_count_t  c;

    memset(&c, 0, sizeof(c));

    for (i = 0; i < 4; i++) {
        assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 1), 0);
    }

    /* the fifth blocks, for "block" seconds from then */
    assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 2), 1);
    assert_int_equal(ngx_sg_throttle_blocked(&c, T0 + 2), 600);
    assert_int_equal(ngx_sg_throttle_blocked(&c, T0 + 601), 1);
    assert_int_equal(ngx_sg_throttle_blocked(&c, T0 + 602), 0);

    /* failures while blocked neither count nor extend it */
    for (i = 0; i < 100; i++) {
        assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 300), 0);
    }

    assert_int_equal(c.until, T0 + 602);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 300), 0);

    /* after it, counting starts again from nothing */
    assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 602), 0);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 602), 1);
}


static void
test_sliding(void **state)
{
    ngx_uint_t               i;
    ngx_sg_throttle_count_t  c;

    memset(&c, 0, sizeof(c));

    /* 4 at the end of one window ... */
    for (i = 0; i < 4; i++) {
        assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 59), 0);
    }

    /* ... still count almost whole at the start of the next */
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 60), 4);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 75), 3);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 90), 2);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 119), 1);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 120), 0);

    /* so the edge of a window does not double the limit */
    assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 61), 1);
}


static void
test_decay(void **state)
{
    ngx_uint_t               i;
    ngx_sg_throttle_count_t  c;

    memset(&c, 0, sizeof(c));

    for (i = 0; i < 4; i++) {
        assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 10), 0);
    }

    /* half of the previous window left: 4 * 30 / 60 = 2, plus this one */
    assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 90), 0);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 90), 3);

    /* a window skipped: nothing left */
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 180), 0);
    assert_int_equal(ngx_sg_throttle_fail(&c, &rule, T0 + 200), 0);
    assert_int_equal(ngx_sg_throttle_estimate(&c, &rule, T0 + 200), 1);

    /* idle once both windows are past and no block holds */
    assert_int_equal(ngx_sg_throttle_idle(&c, &rule, T0 + 200), 0);
    assert_int_equal(ngx_sg_throttle_idle(&c, &rule, T0 + 299), 0);
    assert_int_equal(ngx_sg_throttle_idle(&c, &rule, T0 + 300), 1);
}


static void
test_off_and_edges(void **state)
{
    ngx_uint_t               i;
    ngx_sg_throttle_rule_t   off = { 0, 60, 600 };
    ngx_sg_throttle_rule_t   one = { 1, 1, 1 };
    ngx_sg_throttle_count_t  c;

    memset(&c, 0, sizeof(c));

    for (i = 0; i < 1000; i++) {
        assert_int_equal(ngx_sg_throttle_fail(&c, &off, T0), 0);
    }

    assert_int_equal(ngx_sg_throttle_blocked(&c, T0), 0);

    /* a limit of one blocks at once; a period of one second works */
    memset(&c, 0, sizeof(c));
    assert_int_equal(ngx_sg_throttle_fail(&c, &one, T0), 1);
    assert_int_equal(ngx_sg_throttle_blocked(&c, T0), 1);
    assert_int_equal(ngx_sg_throttle_blocked(&c, T0 + 1), 0);

    /* a saturated counter does not wrap */
    memset(&c, 0, sizeof(c));
    c.start = T0;
    c.cur = 0xffffffff;
    off.limit = (ngx_uint_t) -1;
    (void) ngx_sg_throttle_fail(&c, &off, T0);
    assert_int_equal(c.cur, 0xffffffff);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_below_limit),
        cmocka_unit_test(test_block),
        cmocka_unit_test(test_sliding),
        cmocka_unit_test(test_decay),
        cmocka_unit_test(test_off_and_edges),
    };

    sg_init();

    return cmocka_run_group_tests_name("throttle", tests, NULL, NULL);
}
