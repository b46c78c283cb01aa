
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A risk service's answer (ngx_sg_answer_parse()): the input is the body
 * of the service's response.  Checks on an accepted answer: only known
 * actions, the score in range, at most NGX_SG_ANSWER_REASONS reasons of 1
 * to NGX_SG_ANSWER_REASON_LEN bytes, each byte printable ASCII and none
 * of '"', '\\' and ',' (they reach headers and logs).
 */


#include "fuzz.h"
#include "ngx_sg_answer.h"
#include "ngx_sg_risk.h"


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ngx_sg_json_init();

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char           c;
    size_t           j;
    ngx_int_t        rc;
    ngx_str_t        in;
    ngx_uint_t       i;
    ngx_pool_t      *pool;
    const char      *reason;
    ngx_sg_answer_t  a;

    pool = sg_fuzz_pool();
    in = sg_fuzz_str(pool, data, size);

    reason = NULL;
    rc = ngx_sg_answer_parse(pool, in.data, in.len, &a, &reason);
    sg_fuzz_rc(rc);

    if (rc == NGX_DECLINED && reason == NULL) {
        abort();
    }

    if (rc == NGX_OK) {
        if ((a.acts & ~(ngx_uint_t) ((1 << NGX_SG_ACT_COUNT) - 1))
            || a.score > NGX_SG_ANSWER_SCORE_MAX
            || a.nreasons > NGX_SG_ANSWER_REASONS)
        {
            abort();
        }

        for (i = 0; i < a.nreasons; i++) {
            if (a.len[i] == 0 || a.len[i] > NGX_SG_ANSWER_REASON_LEN) {
                abort();
            }

            for (j = 0; j < a.len[i]; j++) {
                c = a.reason[i][j];

                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\'
                    || c == ',')
                {
                    abort();
                }
            }
        }
    }

    ngx_destroy_pool(pool);

    return 0;
}
