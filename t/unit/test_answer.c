
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A risk service's answer: the parser (ngx_sg_answer.c), and how the risk
 * engine keeps a fresh answer in the record (ngx_sg_risk_update()).
 */


#include "sg_test.h"
#include "ngx_sg_answer.h"
#include "ngx_sg_risk.h"


#define T0      1700000000
#define BIT     7


static ngx_int_t
sg_answer(const char *text, ngx_sg_answer_t *a, const char **reason)
{
    *reason = NULL;

    return ngx_sg_answer_parse(sg_pool, (u_char *) text, strlen(text), a,
                               reason);
}


static void
test_valid(void **state)
{
    const char       *reason;
    ngx_sg_answer_t   a;

    assert_int_equal(sg_answer("{\"action\":\"allow\"}", &a, &reason),
                     NGX_OK);
    assert_int_equal(a.acts, 0);
    assert_int_equal(a.score, 0);
    assert_int_equal(a.nreasons, 0);

    assert_int_equal(sg_answer("{\"action\":\"revoke\",\"score\":1000,"
                               "\"reasons\":[\"tor\",\"new country\"],"
                               "\"model\":{\"v\":3}}", &a, &reason),
                     NGX_OK);
    assert_int_equal(a.acts, NGX_SG_ACT_REVOKE);
    assert_int_equal(a.score, 1000);
    assert_int_equal(a.nreasons, 2);
    assert_int_equal(a.len[0], 3);
    assert_memory_equal(a.reason[0], "tor", 3);
    assert_memory_equal(a.reason[1], "new country", 11);

    assert_int_equal(sg_answer("{\"action\":\"step_up,shorten\","
                               "\"score\":0}", &a, &reason), NGX_OK);
    assert_int_equal(a.acts, NGX_SG_ACT_STEP_UP | NGX_SG_ACT_SHORTEN);

    assert_int_equal(sg_answer("{\"score\":3,\"action\":\"log\"}", &a,
                               &reason), NGX_OK);
    assert_int_equal(a.acts, NGX_SG_ACT_LOG);
    assert_int_equal(a.score, 3);
}


static void
test_reasons(void **state)
{
    const char       *reason;
    ngx_sg_answer_t   a;
    char              text[1024];

    /* what reaches a log or a header: printable, no quote, no comma */

    assert_int_equal(sg_answer("{\"action\":\"log\",\"reasons\":"
                               "[\"a\\r\\nSet-Cookie: x\",\"q\\\"\\\\,\","
                               "\"\\u00e9t\\u00e9\",\"\"]}",
                               &a, &reason),
                     NGX_OK);
    assert_int_equal(a.nreasons, 3);
    assert_int_equal(a.len[0], 16);
    assert_memory_equal(a.reason[0], "a??Set-Cookie: x", 16);
    assert_int_equal(a.len[1], 4);
    assert_memory_equal(a.reason[1], "q???", 4);
    assert_int_equal(a.len[2], 5);               /* UTF-8 bytes */
    assert_memory_equal(a.reason[2], "??t??", 5);

    /* bounded: the first eight, each cut to 64 bytes */

    snprintf(text, sizeof(text),
             "{\"action\":\"log\",\"reasons\":[\"%0100d\",\"2\",\"3\",\"4\","
             "\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]}", 1);

    assert_int_equal(sg_answer(text, &a, &reason), NGX_OK);
    assert_int_equal(a.nreasons, NGX_SG_ANSWER_REASONS);
    assert_int_equal(a.len[0], NGX_SG_ANSWER_REASON_LEN);
    assert_memory_equal(a.reason[7], "8", 1);
}


static void
test_invalid(void **state)
{
    size_t            i;
    const char       *reason;
    ngx_sg_answer_t   a;

    static const char  *bad[][2] = {
        { "", "bad json" },
        { "[]", "json not object" },
        { "{\"action\":\"revoke\"} x", "bad json" },
        { "{}", "no \"action\"" },
        { "{\"action\":\"\"}", "\"action\" is not a non-empty string" },
        { "{\"action\":1}", "\"action\" is not a non-empty string" },
        { "{\"action\":\"kill\"}", "unknown \"action\"" },
        { "{\"action\":\"revoke,\"}", "unknown \"action\"" },
        { "{\"action\":\"allow,revoke\"}", "unknown \"action\"" },
        { "{\"action\":\"Revoke\"}", "unknown \"action\"" },
        { "{\"action\":\"log\",\"score\":-1}", "\"score\" out of range" },
        { "{\"action\":\"log\",\"score\":1001}", "\"score\" out of range" },
        { "{\"action\":\"log\",\"score\":1.5}",
          "\"score\" is not an integer" },
        { "{\"action\":\"log\",\"score\":\"9\"}",
          "\"score\" is not an integer" },
        { "{\"action\":\"log\",\"reasons\":\"x\"}",
          "\"reasons\" is not an array" },
        { "{\"action\":\"log\",\"reasons\":[1]}", "a reason is not a string" },
        { "{\"action\":\"log\",\"action\":\"revoke\"}", NULL },
        { "{\"action\":\"log\",\"x\":[[[[[1]]]]]}", "json too deep" },
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sg_answer(bad[i][0], &a, &reason), NGX_DECLINED);
        assert_non_null(reason);

        if (bad[i][1]) {
            assert_string_equal(reason, bad[i][1]);
        }
    }
}


/* a fresh answer is kept in the record; its step-up is asked once */

static void
test_kept(void **state)
{
    ngx_sg_risk_t    risk;
    ngx_sg_record_t  rec;

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    ngx_memzero(&risk, sizeof(ngx_sg_risk_t));

    risk.now = T0;
    risk.auth_time = T0 - 100;
    risk.service_until = T0 + 60;
    risk.service_acts = NGX_SG_ACT_STEP_UP;
    risk.service_score = 40;
    risk.service_bit = BIT;
    risk.cond_step = 1 << BIT;
    risk.cond_holds = 1 << BIT;

    rec.created = T0;

    assert_int_equal(ngx_sg_risk_update(&rec, 1, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_STEP_UP);
    assert_int_equal(rec.risk_until, T0 + 60);
    assert_int_equal(rec.risk_acts, NGX_SG_ACT_STEP_UP);
    assert_int_equal(rec.risk_score, 40);
    assert_int_equal(rec.step_up_since, T0);

    /* the user signs in again: met, and remembered */

    risk.now = T0 + 10;
    risk.auth_time = T0 + 5;
    risk.service_until = 0;
    risk.verdict = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_ALLOW);
    assert_true(rec.cond_ok & (1 << BIT));
    assert_int_equal(rec.risk_until, T0 + 60);

    /* the same answer again, fresh: not asked again */

    risk.now = T0 + 70;
    risk.service_until = T0 + 130;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_ALLOW);
    assert_int_equal(rec.risk_until, T0 + 130);

    /* "allow", then step_up again: asked again */

    risk.now = T0 + 140;
    risk.service_until = T0 + 200;
    risk.service_acts = 0;
    risk.service_score = 0;
    risk.cond_step = 0;
    risk.cond_holds = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_ALLOW);
    assert_int_equal(rec.risk_acts, 0);
    assert_true(rec.cond_ok & (1 << BIT));

    risk.now = T0 + 150;
    risk.service_until = T0 + 210;
    risk.service_acts = NGX_SG_ACT_STEP_UP;
    risk.cond_step = 1 << BIT;
    risk.cond_holds = 1 << BIT;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_STEP_UP);
    assert_false(rec.cond_ok & (1 << BIT));
    assert_int_equal(rec.step_up_since, T0 + 150);

    /* a failed or uncached question: the kept answer is dropped */

    rec.risk_until = T0 + 210;
    risk.now = T0 + 155;
    risk.auth_time = T0 + 156;
    risk.service_until = 0;
    risk.service_forget = 1;
    risk.cond_step = 0;
    risk.cond_holds = 0;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(rec.risk_until, 0);

    rec.risk_until = T0 + 210;
    risk.service_forget = 0;

    /* a revoked record is not changed */

    rec.revoked = NGX_SG_REVOKED_POLICY;
    risk.now = T0 + 160;
    risk.service_until = T0 + 220;
    risk.service_acts = NGX_SG_ACT_REVOKE;

    assert_int_equal(ngx_sg_risk_update(&rec, 0, &risk), NGX_OK);
    assert_int_equal(risk.verdict, NGX_SG_RISK_REVOKED);
    assert_int_equal(rec.risk_until, T0 + 210);
    assert_int_equal(rec.risk_acts, NGX_SG_ACT_STEP_UP);
}


/* a late answer, kept outside an update (ngx_sg_risk_keep()) */

static void
test_keep(void **state)
{
    ngx_sg_record_t  rec;

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    rec.cond_ok = 1 << BIT;

    ngx_sg_risk_keep(&rec, NGX_SG_ACT_DENY, 10, T0 + 60, BIT);
    assert_int_equal(rec.risk_until, T0 + 60);
    assert_int_equal(rec.risk_acts, NGX_SG_ACT_DENY);
    assert_int_equal(rec.risk_score, 10);
    assert_true(rec.cond_ok & (1 << BIT));

    /* a step-up the kept answer did not ask for: asked again */

    ngx_sg_risk_keep(&rec, NGX_SG_ACT_STEP_UP, 0, T0 + 90, BIT);
    assert_false(rec.cond_ok & (1 << BIT));
    assert_int_equal(rec.risk_acts, NGX_SG_ACT_STEP_UP);

    /* the same step-up again, once met: not asked again */

    rec.cond_ok = 1 << BIT;
    ngx_sg_risk_keep(&rec, NGX_SG_ACT_STEP_UP, 0, T0 + 120, BIT);
    assert_true(rec.cond_ok & (1 << BIT));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_valid, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_reasons, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_invalid, sg_setup, sg_teardown),
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_keep),
    };

    sg_init();

    return cmocka_run_group_tests_name("answer", tests, NULL, NULL);
}
