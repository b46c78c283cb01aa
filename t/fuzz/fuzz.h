
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Shared by the libFuzzer targets of the ngx_sg_* core: the unit tests'
 * stub nginx headers, a fresh pool per input (so that AddressSanitizer
 * sees every pool allocation as its own chunk), no log output.
 */


#ifndef _SG_FUZZ_H_INCLUDED_
#define _SG_FUZZ_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"


#define SG_FUZZ_ALL_ALGS  ((1 << NGX_SG_ALG_COUNT) - 1)


/* below NGX_LOG_EMERG: the core's warnings are not printed */
static ngx_log_t  sg_fuzz_log = { 0 };


/* the input as a pool string of its own: reads past it are caught */

static ngx_inline ngx_str_t
sg_fuzz_str(ngx_pool_t *pool, const uint8_t *data, size_t size)
{
    ngx_str_t  s;

    s.len = size;
    s.data = ngx_pnalloc(pool, size);

    if (s.data == NULL) {
        abort();
    }

    if (size) {
        memcpy(s.data, data, size);
    }

    return s;
}


static ngx_inline ngx_pool_t *
sg_fuzz_pool(void)
{
    ngx_pool_t  *pool;

    pool = ngx_create_pool(4096, &sg_fuzz_log);
    if (pool == NULL) {
        abort();
    }

    return pool;
}


/* a core function never returns anything but these */

#define sg_fuzz_rc(rc)                                                        \
    if ((rc) != NGX_OK && (rc) != NGX_DECLINED && (rc) != NGX_ERROR          \
        && (rc) != NGX_DONE)                                                  \
    {                                                                         \
        abort();                                                              \
    }


#endif /* _SG_FUZZ_H_INCLUDED_ */
