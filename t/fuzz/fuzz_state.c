
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The state file parser: ngx_sg_state_parse() on the file of a zone named
 * "sg", then every record through the iterators.  First byte: 0 the rest
 * is the file as is; 1 its last 32 bytes are replaced with the SHA-256 of
 * what comes before, so that mutated records get past the digest and
 * reach the structural checks.
 *
 * Checks: a refusal has a reason; an accepted file yields exactly the
 * announced number of sessions, jti entries, blocked subjects, users'
 * memories and sessions' details, each within its limits and inside the
 * buffer, and ends at the trailer.
 */


#include "fuzz.h"
#include "ngx_sg_state.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
sg_fuzz_inside(ngx_str_t *in, ngx_str_t *s)
{
    if (s->data < in->data || s->len > in->len
        || (size_t) (s->data - in->data) > in->len - s->len)
    {
        fprintf(stderr, "a parsed value points outside the file\n");
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t            rc;
    ngx_str_t            in, zone, id, sub;
    ngx_uint_t           n;
    ngx_pool_t          *pool;
    const char          *reason;
    ngx_sg_state_t       st;
    ngx_sg_record_t      rec;
    time_t               since;
    ngx_sg_state_jti_t   jti;
    ngx_sg_details_t     details;
    ngx_sg_state_memory_t  mem;

    if (size < 1 || data[0] > 1) {
        return 0;
    }

    pool = sg_fuzz_pool();

    in = sg_fuzz_str(pool, data + 1, size - 1);

    if (data[0] == 1 && in.len >= NGX_SG_STATE_DIGEST) {
        (void) ngx_sg_sha256_digest(in.data, in.len - NGX_SG_STATE_DIGEST,
                                   in.data + in.len - NGX_SG_STATE_DIGEST);
    }

    ngx_str_set(&zone, "sg");

    reason = NULL;
    rc = ngx_sg_state_parse(&st, in.data, in.len, &zone, &reason);
    sg_fuzz_rc(rc);

    if (rc != NGX_OK) {
        if (rc != NGX_DECLINED || reason == NULL) {
            abort();
        }

        ngx_destroy_pool(pool);
        return 0;
    }

    for (n = 0; ngx_sg_state_next_session(&st, &id, &sub, &rec) == NGX_OK;
         n++)
    {
        if (id.len == 0 || id.len > NGX_SG_ID_MAX || sub.len > NGX_SG_SUB_MAX
            || rec.revoked > NGX_SG_REVOKED_MAX)
        {
            abort();
        }

        sg_fuzz_inside(&in, &id);
        sg_fuzz_inside(&in, &sub);
    }

    if (n != st.sessions) {
        abort();
    }

    for (n = 0; ngx_sg_state_next_jti(&st, &jti) == NGX_OK; n++) {
        if ((jti.key_len & NGX_SG_JTI_HASHED)
            ? jti.key_len != (NGX_SG_JTI_HASHED | 32)
            : (jti.key_len == 0 || jti.key_len > NGX_SG_JTI_MAX))
        {
            abort();
        }

        if (jti.data.len != (size_t) (jti.key_len & ~NGX_SG_JTI_HASHED)) {
            abort();
        }

        sg_fuzz_inside(&in, &jti.data);
    }

    if (n != st.jti) {
        abort();
    }

    for (n = 0; ngx_sg_state_next_block(&st, &sub, &since) == NGX_OK; n++) {
        if (sub.len == 0 || sub.len > NGX_SG_SUB_MAX) {
            abort();
        }

        sg_fuzz_inside(&in, &sub);
    }

    if (n != st.blocks) {
        abort();
    }

    for (n = 0; ngx_sg_state_next_memory(&st, &sub, &mem) == NGX_OK; n++) {
        if (sub.len == 0 || sub.len > NGX_SG_SUB_MAX) {
            abort();
        }

        sg_fuzz_inside(&in, &sub);
    }

    if (n != st.memories) {
        abort();
    }

    for (n = 0; ngx_sg_state_next_details(&st, &id, &details) == NGX_OK;
         n++)
    {
        if (id.len == 0 || id.len > NGX_SG_ID_MAX
            || ngx_sg_details_check(&details) != NGX_OK)
        {
            abort();
        }

        sg_fuzz_inside(&in, &id);
    }

    if (n != st.details || st.pos != in.data + in.len - NGX_SG_STATE_DIGEST)
    {
        abort();
    }

    ngx_destroy_pool(pool);

    return 0;
}
