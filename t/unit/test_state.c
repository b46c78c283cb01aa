
/*
 * Copyright (C) ngx_session_guard authors
 */


/* the state file parser (ngx_sg_state.c): good files and every refusal */


#include "sg_test.h"

#include "ngx_sg_state.h"


#define ST_MAX  8192


typedef struct {
    u_char      data[ST_MAX];
    size_t      len;
    u_char     *sessions;    /* first session entry */
    u_char     *blocks;      /* the blocks section (format 3) */
    u_char     *memories;    /* the memories section (format 4) */
    u_char     *details;     /* the details section (format 6) */
} st_file_t;


static ngx_str_t  st_zone = ngx_string("sg");


static u_char *
st_put16(u_char *p, uint16_t v)
{
    return ngx_cpymem(p, &v, sizeof(uint16_t));
}


/* a session entry with a record of "size" bytes (its first ones) */

static u_char *
st_session(u_char *p, const char *id, const char *sub, u_char revoked,
    size_t size)
{
    ngx_sg_record_t  rec;

    ngx_memzero(&rec, sizeof(ngx_sg_record_t));
    rec.created = 1700000000;
    rec.last_seen = 1700000100;
    rec.revoked = revoked;
    rec.initial.ip.family = 4;
    rec.claims_since = 1700000050;
    rec.assurance_ns = 0x11111111;
    rec.assurance = 0x22222222;
    rec.assurance_since = 1700000060;
    rec.risk_until = 1700000070;
    rec.risk_acts = 0x22;
    rec.risk_score = 700;

    p = st_put16(p, (uint16_t) strlen(id));
    p = st_put16(p, (uint16_t) strlen(sub));
    p = ngx_cpymem(p, &rec, size);
    p = ngx_cpymem(p, id, strlen(id));

    return ngx_cpymem(p, sub, strlen(sub));
}


static u_char *
st_jti(u_char *p, uint16_t len, const char *data)
{
    int64_t  expires;

    expires = 4102444800;

    p = st_put16(p, len);
    p = ngx_cpymem(p, &expires, sizeof(int64_t));

    return ngx_cpymem(p, data, len & ~NGX_SG_JTI_HASHED);
}


static u_char *
st_blocks(u_char *p, uint32_t n)
{
    return ngx_cpymem(p, &n, sizeof(uint32_t));
}


static u_char *
st_block(u_char *p, const char *sub, int64_t since)
{
    p = st_put16(p, (uint16_t) strlen(sub));
    p = ngx_cpymem(p, &since, sizeof(int64_t));

    return ngx_cpymem(p, sub, strlen(sub));
}


static u_char *
st_memories(u_char *p, uint32_t n)
{
    return ngx_cpymem(p, &n, sizeof(uint32_t));
}


static u_char *
st_memory(u_char *p, const char *sub, int64_t seen, uint32_t asn)
{
    ngx_sg_state_memory_t  mem;

    ngx_memzero(&mem, sizeof(ngx_sg_state_memory_t));
    mem.seen = seen;
    mem.device[0] = 0x0123456789abcdefULL;
    mem.device_seen[0] = seen;
    mem.asn[1] = asn;
    mem.asn_seen[1] = seen - 10;
    mem.country[5][0] = 'S';
    mem.country[5][1] = 'E';
    mem.country_seen[5] = seen - 20;

    p = st_put16(p, (uint16_t) strlen(sub));
    p = ngx_cpymem(p, &mem, sizeof(ngx_sg_state_memory_t));

    return ngx_cpymem(p, sub, strlen(sub));
}


static u_char *
st_details(u_char *p, const char *id, const char *ua)
{
    ngx_sg_details_t  d;

    ngx_memzero(&d, sizeof(ngx_sg_details_t));
    d.ua_initial_len = (u_char) strlen(ua);
    ngx_memcpy(d.ua_initial, ua, strlen(ua));
    d.ua_last_len = 5;
    ngx_memcpy(d.ua_last, "phone", 5);
    d.client_len = 3;
    ngx_memcpy(d.client, "app", 3);
    d.history[0].at = 1700000090;
    d.history[0].asn = 29518;
    d.history[0].family = 4;
    d.history[0].country[0] = 'S';
    d.history[0].country[1] = 'E';

    p = st_put16(p, (uint16_t) strlen(id));
    p = ngx_cpymem(p, &d, sizeof(ngx_sg_details_t));

    return ngx_cpymem(p, id, strlen(id));
}


/* the trailer over everything before it */

static void
st_seal(st_file_t *f)
{
    (void) ngx_sg_sha256_digest(f->data, f->len - NGX_SG_STATE_DIGEST,
                               f->data + f->len - NGX_SG_STATE_DIGEST);
}


/*
 * two sessions (one revoked), two jti entries (one hashed), two blocked
 * subjects, two users' memories; in format "version" (2 to the current):
 * the records of its size, blocks from format 3, memories from 4
 */

static void
st_make(st_file_t *f, uint32_t version)
{
    u_char    *p;
    uint32_t   size;

    ngx_memzero(f, sizeof(st_file_t));

    size = (version < 5) ? NGX_SG_STATE_V2_RECORD : sizeof(ngx_sg_record_t);

    p = ngx_sg_state_header(f->data, &st_zone, 2, 2, 1700000200);

    ngx_memcpy(f->data + 8, &version, sizeof(uint32_t));
    ngx_memcpy(f->data + 16, &size, sizeof(uint32_t));

    f->sessions = p;

    p = st_session(p, "s-revoked", "alice", 2, size);
    p = st_session(p, "s1", "", 0, size);
    p = st_jti(p, 5, "jti-1");
    p = st_jti(p, NGX_SG_JTI_HASHED | 32,
               "0123456789abcdef0123456789abcdef");

    f->blocks = p;

    if (version >= 3) {
        p = st_blocks(p, 2);
        p = st_block(p, "mallory", 1700000150);
        p = st_block(p, "eve", 1700000160);
    }

    f->memories = p;

    if (version >= 4) {
        p = st_memories(p, 2);
        p = st_memory(p, "alice", 1700000170, 29518);
        p = st_memory(p, "bob", 1700000180, 209);
    }

    f->details = p;

    if (version >= 6) {
        p = st_memories(p, 1);      /* the count: a u32 as well */
        p = st_details(p, "s1", "laptop");
    }

    f->len = p - f->data + NGX_SG_STATE_DIGEST;

    st_seal(f);
}


static void
st_good(st_file_t *f)
{
    st_make(f, NGX_SG_STATE_VERSION);
}


/*
 * A file of format 3 (no memories, records of 216 bytes), for the checks
 * of what comes before the memories, whose outcome depends on the bytes
 * that follow
 */

#define ST_SESSION3  (2 * sizeof(uint16_t) + NGX_SG_STATE_V2_RECORD)

static void
st_good3(st_file_t *f)
{
    st_make(f, 3);
}


static const char *
st_parse(st_file_t *f)
{
    ngx_int_t        rc;
    const char      *reason;
    ngx_sg_state_t   st;

    reason = NULL;
    rc = ngx_sg_state_parse(&st, f->data, f->len, &st_zone, &reason);

    if (rc == NGX_OK) {
        assert_null(reason);
        return "ok";
    }

    assert_int_equal(rc, NGX_DECLINED);
    assert_non_null(reason);

    return reason;
}


static void
test_good(void **state)
{
    ngx_str_t            id, sub;
    st_file_t            f;
    ngx_sg_state_t       st;
    const char          *reason;
    ngx_sg_record_t      rec;
    ngx_sg_state_jti_t   jti;
    time_t               since;
    ngx_sg_state_memory_t  mem;
    ngx_sg_details_t       details;

    st_good(&f);

    assert_int_equal(ngx_sg_state_parse(&st, f.data, f.len, &st_zone,
                                        &reason), NGX_OK);
    assert_int_equal(st.sessions, 2);
    assert_int_equal(st.jti, 2);
    assert_int_equal(st.saved, 1700000200);

    /* no jti before the sessions are read */
    assert_int_equal(ngx_sg_state_next_jti(&st, &jti), NGX_DONE);

    assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                     NGX_OK);
    assert_int_equal(id.len, 9);
    assert_memory_equal(id.data, "s-revoked", 9);
    assert_int_equal(sub.len, 5);
    assert_memory_equal(sub.data, "alice", 5);
    assert_int_equal(rec.revoked, 2);
    assert_int_equal(rec.created, 1700000000);
    assert_int_equal(rec.initial.ip.family, 4);
    assert_int_equal(rec.claims_since, 1700000050);
    assert_int_equal(rec.assurance_ns, 0x11111111);
    assert_int_equal(rec.assurance, 0x22222222);
    assert_int_equal(rec.assurance_since, 1700000060);
    assert_int_equal(rec.risk_until, 1700000070);
    assert_int_equal(rec.risk_acts, 0x22);
    assert_int_equal(rec.risk_score, 700);

    assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                     NGX_OK);
    assert_int_equal(id.len, 2);
    assert_memory_equal(id.data, "s1", 2);
    assert_int_equal(sub.len, 0);
    assert_int_equal(rec.revoked, 0);

    assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                     NGX_DONE);

    assert_int_equal(ngx_sg_state_next_jti(&st, &jti), NGX_OK);
    assert_int_equal(jti.key_len, 5);
    assert_int_equal(jti.data.len, 5);
    assert_memory_equal(jti.data.data, "jti-1", 5);
    assert_int_equal(jti.expires, 4102444800);

    assert_int_equal(ngx_sg_state_next_jti(&st, &jti), NGX_OK);
    assert_int_equal(jti.key_len, NGX_SG_JTI_HASHED | 32);
    assert_int_equal(jti.data.len, 32);

    assert_int_equal(ngx_sg_state_next_jti(&st, &jti), NGX_DONE);

    assert_int_equal(st.blocks, 2);
    assert_int_equal(ngx_sg_state_next_block(&st, &sub, &since), NGX_OK);
    assert_int_equal(sub.len, 7);
    assert_memory_equal(sub.data, "mallory", 7);
    assert_int_equal(since, 1700000150);
    assert_int_equal(ngx_sg_state_next_block(&st, &sub, &since), NGX_OK);
    assert_true(sub.len == 3 && ngx_memcmp(sub.data, "eve", 3) == 0);
    assert_int_equal(since, 1700000160);
    assert_int_equal(ngx_sg_state_next_block(&st, &sub, &since), NGX_DONE);

    assert_int_equal(st.memories, 2);
    assert_int_equal(ngx_sg_state_next_memory(&st, &sub, &mem), NGX_OK);
    assert_true(sub.len == 5 && ngx_memcmp(sub.data, "alice", 5) == 0);
    assert_int_equal(mem.seen, 1700000170);
    assert_true(mem.device[0] == 0x0123456789abcdefULL);
    assert_int_equal(mem.asn[1], 29518);
    assert_int_equal(mem.asn_seen[1], 1700000160);
    assert_memory_equal(mem.country[5], "SE", 2);
    assert_int_equal(mem.country_seen[5], 1700000150);
    assert_int_equal(ngx_sg_state_next_memory(&st, &sub, &mem), NGX_OK);
    assert_true(sub.len == 3 && ngx_memcmp(sub.data, "bob", 3) == 0);
    assert_int_equal(mem.asn[1], 209);
    assert_int_equal(ngx_sg_state_next_memory(&st, &sub, &mem), NGX_DONE);

    assert_int_equal(ngx_sg_state_next_details(&st, &id, &details), NGX_OK);
    assert_true(id.len == 2 && ngx_memcmp(id.data, "s1", 2) == 0);
    assert_int_equal(ngx_sg_state_next_details(&st, &id, &details),
                     NGX_DONE);

    assert_ptr_equal(st.pos, f.data + f.len - NGX_SG_STATE_DIGEST);

    /* an empty zone */

    f.len = st_memories(st_memories(st_blocks(
                ngx_sg_state_header(f.data, &st_zone, 0, 0, 0), 0), 0), 0)
            - f.data + NGX_SG_STATE_DIGEST;
    st_seal(&f);

    assert_string_equal(st_parse(&f), "ok");

    /* read to its end: past the counts of no blocks, memories, details */

    assert_int_equal(ngx_sg_state_parse(&st, f.data, f.len, &st_zone,
                                        &reason), NGX_OK);
    assert_int_equal(ngx_sg_state_next_memory(&st, &sub, &mem), NGX_DONE);
    assert_int_equal(ngx_sg_state_next_block(&st, &sub, &since), NGX_DONE);
    assert_int_equal(ngx_sg_state_next_memory(&st, &sub, &mem), NGX_DONE);
    assert_int_equal(ngx_sg_state_next_details(&st, &id, &details),
                     NGX_DONE);
    assert_ptr_equal(st.pos, f.data + f.len - NGX_SG_STATE_DIGEST);

    /* a format 6 file must have the counts of details, memories, blocks */

    f.len -= sizeof(uint32_t);
    st_seal(&f);

    assert_string_equal(st_parse(&f), "truncated details");

    f.len -= sizeof(uint32_t);
    st_seal(&f);

    assert_string_equal(st_parse(&f), "truncated memories");

    f.len -= sizeof(uint32_t);
    st_seal(&f);

    assert_string_equal(st_parse(&f), "truncated blocks");
}


/*
 * A file of format 1 (records of 200 bytes, before the assurance level):
 * read, with zeros in the fields it did not have
 */

static void
test_format1(void **state)
{
    u_char           *p;
    uint32_t          v;
    ngx_str_t         id, sub;
    st_file_t         f, old;
    const char       *reason;
    ngx_sg_state_t    st;
    ngx_sg_record_t   rec;

    st_good(&f);

    /* the same file with every record cut to its first 200 bytes */

    ngx_memzero(&old, sizeof(st_file_t));
    p = ngx_cpymem(old.data, f.data, f.sessions - f.data);
    v = 1;
    ngx_memcpy(old.data + 8, &v, sizeof(uint32_t));
    v = NGX_SG_STATE_V1_RECORD;
    ngx_memcpy(old.data + 16, &v, sizeof(uint32_t));

    p = ngx_cpymem(p, f.sessions, 4 + NGX_SG_STATE_V1_RECORD);
    p = ngx_cpymem(p, f.sessions + NGX_SG_STATE_SESSION, 9 + 5);
    p = ngx_cpymem(p, f.sessions + NGX_SG_STATE_SESSION + 14,
                   4 + NGX_SG_STATE_V1_RECORD);
    p = ngx_cpymem(p, f.sessions + 2 * NGX_SG_STATE_SESSION + 14, 2);

    /* the jti entries as they are; no blocks before format 3 */

    p = ngx_cpymem(p, f.sessions + 2 * NGX_SG_STATE_SESSION + 16,
                   f.blocks - (f.sessions + 2 * NGX_SG_STATE_SESSION + 16));

    old.len = p - old.data + NGX_SG_STATE_DIGEST;
    st_seal(&old);

    assert_int_equal(ngx_sg_state_parse(&st, old.data, old.len, &st_zone,
                                        &reason), NGX_OK);
    assert_int_equal(st.sessions, 2);
    assert_int_equal(st.jti, 2);

    assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                     NGX_OK);
    assert_true(id.len == 9 && ngx_memcmp(id.data, "s-revoked", 9) == 0);
    assert_true(sub.len == 5 && ngx_memcmp(sub.data, "alice", 5) == 0);
    assert_int_equal(rec.revoked, 2);
    assert_int_equal(rec.claims_since, 1700000050);
    assert_int_equal(rec.assurance_ns, 0);
    assert_int_equal(rec.assurance, 0);
    assert_int_equal(rec.assurance_since, 0);

    assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                     NGX_OK);
    assert_true(id.len == 2 && ngx_memcmp(id.data, "s1", 2) == 0);
    assert_int_equal(rec.assurance_since, 0);

    assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                     NGX_DONE);

    /* a format 1 record cut short: refused */

    old.len = f.sessions - f.data + 4 + NGX_SG_STATE_V1_RECORD - 1
              + NGX_SG_STATE_DIGEST;
    v = 1;
    ngx_memcpy(old.data + 20 + 4, &v, sizeof(uint32_t));
    v = 0;
    ngx_memcpy(old.data + 20 + 8, &v, sizeof(uint32_t));
    st_seal(&old);

    assert_string_equal(st_parse(&old), "truncated session");
}


/*
 * Formats 2 to 4 (records of 216 bytes, before the risk service's answer):
 * read, with zeros in the fields they did not have; a format 4 file with
 * this format's record size is refused
 */

static void
test_format4(void **state)
{
    uint32_t          v, version;
    ngx_str_t         id, sub;
    st_file_t         f;
    const char       *reason;
    ngx_sg_state_t    st;
    ngx_sg_record_t   rec;

    for (version = 2; version <= 4; version++) {
        st_make(&f, version);

        assert_int_equal(ngx_sg_state_parse(&st, f.data, f.len, &st_zone,
                                            &reason), NGX_OK);
        assert_int_equal(st.sessions, 2);
        assert_int_equal(st.blocks, version >= 3 ? 2 : 0);
        assert_int_equal(st.memories, version >= 4 ? 2 : 0);

        assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                         NGX_OK);
        assert_true(id.len == 9
                    && ngx_memcmp(id.data, "s-revoked", 9) == 0);
        assert_int_equal(rec.assurance_since, 1700000060);
        assert_int_equal(rec.risk_until, 0);
        assert_int_equal(rec.risk_acts, 0);
        assert_int_equal(rec.risk_score, 0);

        assert_int_equal(ngx_sg_state_next_session(&st, &id, &sub, &rec),
                         NGX_OK);
        assert_true(id.len == 2 && ngx_memcmp(id.data, "s1", 2) == 0);
    }

    st_make(&f, 4);
    v = sizeof(ngx_sg_record_t);
    ngx_memcpy(f.data + 16, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f),
                        "written by another version of the module");

    st_good(&f);
    v = NGX_SG_STATE_V2_RECORD;
    ngx_memcpy(f.data + 16, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f),
                        "written by another version of the module");
}


static void
test_header(void **state)
{
    uint32_t    v;
    ngx_str_t   other;
    st_file_t   f;

    /* too short for a header and a trailer, whatever the bytes */

    st_good(&f);
    f.len = NGX_SG_STATE_HEADER + NGX_SG_STATE_DIGEST - 1;
    assert_string_equal(st_parse(&f), "truncated");

    f.len = 0;
    assert_string_equal(st_parse(&f), "truncated");

    st_good(&f);
    f.data[0] = 'X';
    st_seal(&f);
    assert_string_equal(st_parse(&f), "not a session_guard state file");

    st_good(&f);
    v = NGX_SG_STATE_VERSION + 1;
    ngx_memcpy(f.data + 8, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "unknown format version");

    v = 0;
    ngx_memcpy(f.data + 8, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "unknown format version");

    /* format 1 with this format's record size, and the other way round */

    st_good(&f);
    v = 1;
    ngx_memcpy(f.data + 8, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f),
                        "written by another version of the module");

    st_good(&f);
    v = NGX_SG_STATE_V1_RECORD;
    ngx_memcpy(f.data + 16, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f),
                        "written by another version of the module");

    st_good(&f);
    v = 0x04030201;
    ngx_memcpy(f.data + 12, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f),
                        "written on a machine of another byte order");

    st_good(&f);
    v = sizeof(ngx_sg_record_t) + 8;
    ngx_memcpy(f.data + 16, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f),
                        "written by another version of the module");

    /* a name longer than the file: not read past the end */

    st_good(&f);
    v = 0xffffffff;
    ngx_memcpy(f.data + 20, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated");

    v = f.len - NGX_SG_STATE_HEADER - NGX_SG_STATE_DIGEST + 1;
    ngx_memcpy(f.data + 20, &v, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated");

    st_good(&f);
    f.data[NGX_SG_STATE_HEADER] = 'x';
    st_seal(&f);
    assert_string_equal(st_parse(&f), "written for another zone");

    /* the zone "sg2" must not take the file of "sg" (a prefix) */

    st_good(&f);
    ngx_str_set(&other, "sg2");
    {
        const char      *reason;
        ngx_sg_state_t   st;

        assert_int_equal(ngx_sg_state_parse(&st, f.data, f.len, &other,
                                            &reason), NGX_DECLINED);
        assert_string_equal(reason, "written for another zone");
    }
}


static void
test_digest(void **state)
{
    size_t     i;
    st_file_t  f, g;

    st_good(&f);

    /* any flipped bit after the name, the trailer included */

    for (i = NGX_SG_STATE_HEADER + st_zone.len; i < f.len; i++) {
        g = f;
        g.data[i] ^= 0x01;
        assert_string_equal(st_parse(&g),
                            "checksum mismatch (corrupt or truncated)");
    }

    /* truncated anywhere past the header: the digest no longer matches */

    for (i = NGX_SG_STATE_HEADER + NGX_SG_STATE_DIGEST + st_zone.len;
         i < f.len; i++)
    {
        g = f;
        g.len = i;
        assert_string_equal(st_parse(&g),
                            "checksum mismatch (corrupt or truncated)");
    }
}


/* damaged records under a valid digest (a bug, not a disk error) */

static void
test_records(void **state)
{
    u_char     *p;
    uint16_t    v;
    uint32_t    n;
    st_file_t   f;

    st_good3(&f);
    p = f.sessions;

    v = 0;
    ngx_memcpy(p, &v, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid session length");

    v = NGX_SG_ID_MAX + 1;
    ngx_memcpy(p, &v, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid session length");

    st_good3(&f);
    v = NGX_SG_SUB_MAX + 1;
    ngx_memcpy(p + 2, &v, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid session length");

    st_good3(&f);
    p[4 + offsetof(ngx_sg_record_t, revoked)] = NGX_SG_REVOKED_MAX + 1;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid session record");

    /* an id length that runs into the trailer */

    st_good3(&f);
    v = NGX_SG_ID_MAX;
    ngx_memcpy(f.sessions + ST_SESSION3 + 9 + 5, &v,
               sizeof(uint16_t));
    f.len = f.sessions + ST_SESSION3 * 2 + 9 + 5 + 2
            + NGX_SG_STATE_DIGEST - f.data;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated session");

    /* more sessions announced than there are */

    st_good3(&f);
    n = 1000;
    ngx_memcpy(f.data + 24, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated session");

    n = 0xffffffff;
    ngx_memcpy(f.data + 24, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated session");

    /* fewer: the rest is read as jti entries, which they are not */

    st_good3(&f);
    n = 1;
    ngx_memcpy(f.data + 24, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_not_equal(st_parse(&f), "ok");

    /* jti */

    st_good3(&f);
    n = 3;
    ngx_memcpy(f.data + 28, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_not_equal(st_parse(&f), "ok");

    st_good3(&f);
    n = 1;
    ngx_memcpy(f.data + 28, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_not_equal(st_parse(&f), "ok");

    st_good3(&f);
    n = 0;
    ngx_memcpy(f.data + 24, &n, sizeof(uint32_t));
    ngx_memcpy(f.data + 28, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_not_equal(st_parse(&f), "ok");
}


static void
test_jti(void **state)
{
    u_char     *p, *jti;
    uint16_t    v;
    st_file_t   f;
    static const uint16_t  bad[] = {
        0, NGX_SG_JTI_MAX + 1, 0x7fff, NGX_SG_JTI_HASHED,
        NGX_SG_JTI_HASHED | 31, NGX_SG_JTI_HASHED | 33,
        NGX_SG_JTI_HASHED | 5, 0xffff
    };

    st_good3(&f);
    jti = f.sessions + 2 * ST_SESSION3 + 9 + 5 + 2;

    for (p = (u_char *) bad; p < (u_char *) bad + sizeof(bad); p += 2) {
        st_good3(&f);
        ngx_memcpy(jti, p, sizeof(uint16_t));
        st_seal(&f);
        assert_string_equal(st_parse(&f), "invalid jti length");
    }

    /* the longest plain jti, then one byte short of it */

    st_good3(&f);
    p = ngx_sg_state_header(f.data, &st_zone, 0, 1, 0);
    p = st_jti(p, NGX_SG_JTI_MAX,
               "0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef");
    p = st_memories(st_memories(st_blocks(p, 0), 0), 0);
    f.len = p - f.data + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "ok");

    f.len -= 1 + 3 * sizeof(uint32_t);
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated jti");

    /* a length that is valid but longer than what is left */

    st_good3(&f);
    v = 100;
    ngx_memcpy(jti + NGX_SG_STATE_JTI + 5, &v, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated jti");

    /* less than an entry's fixed part left */

    st_good3(&f);
    f.len = jti + NGX_SG_STATE_JTI - 1 + NGX_SG_STATE_DIGEST - f.data;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated jti");
}


/* the blocked subjects, in a file of format 3 */

static void
test_blocks(void **state)
{
    u_char     *p;
    uint16_t    len;
    uint32_t    n;
    st_file_t   f;

    /* a subject of no length, or longer than any subject */

    st_good3(&f);
    len = 0;
    ngx_memcpy(f.blocks + 4, &len, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid block length");

    st_good3(&f);
    len = NGX_SG_SUB_MAX + 1;
    ngx_memcpy(f.blocks + 4, &len, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid block length");

    /* longer than what is left */

    st_good3(&f);
    len = 200;
    ngx_memcpy(f.blocks + 4 + NGX_SG_STATE_BLOCK + 7, &len,
               sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated block");

    /* more blocks than the file has, fewer than it has */

    st_good3(&f);
    n = 3;
    ngx_memcpy(f.blocks, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated block");

    st_good3(&f);
    n = 0xffffffff;
    ngx_memcpy(f.blocks, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated block");

    st_good3(&f);
    n = 1;
    ngx_memcpy(f.blocks, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "trailing data");

    /* the longest subject */

    st_good3(&f);
    p = st_blocks(f.blocks, 1);
    len = NGX_SG_SUB_MAX;
    p = st_put16(p, len);
    ngx_memset(p, 'a', sizeof(int64_t) + NGX_SG_SUB_MAX);
    p += sizeof(int64_t) + NGX_SG_SUB_MAX;
    f.len = p - f.data + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "ok");

    f.len--;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated block");

    /* a format 2 file has no blocks section: one there is trailing data */

    st_good3(&f);
    n = 2;
    ngx_memcpy(f.data + 8, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "trailing data");

    f.len = f.blocks - f.data + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "ok");
}


/* the users' memories of format 4 */

static void
test_memories(void **state)
{
    u_char     *p;
    uint16_t    len;
    uint32_t    n;
    st_file_t   f;

    /* a subject of no length, or longer than any subject */

    st_make(&f, 5);
    len = 0;
    ngx_memcpy(f.memories + 4, &len, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid memory length");

    st_make(&f, 5);
    len = NGX_SG_SUB_MAX + 1;
    ngx_memcpy(f.memories + 4, &len, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid memory length");

    /* longer than what is left */

    st_make(&f, 5);
    len = 200;
    ngx_memcpy(f.memories + 4 + NGX_SG_STATE_MEMORY + 5, &len,
               sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated memory");

    /* more memories than the file has, fewer than it has */

    st_make(&f, 5);
    n = 3;
    ngx_memcpy(f.memories, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated memory");

    st_make(&f, 5);
    n = 0xffffffff;
    ngx_memcpy(f.memories, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated memory");

    st_make(&f, 5);
    n = 1;
    ngx_memcpy(f.memories, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "trailing data");

    /* the longest subject, then one byte short */

    st_make(&f, 5);
    p = st_memories(f.memories, 1);
    p = st_put16(p, NGX_SG_SUB_MAX);
    ngx_memset(p, 'a', sizeof(ngx_sg_state_memory_t) + NGX_SG_SUB_MAX);
    p += sizeof(ngx_sg_state_memory_t) + NGX_SG_SUB_MAX;
    f.len = p - f.data + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "ok");

    f.len--;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated memory");

    /* less than an entry's fixed part */

    st_make(&f, 5);
    f.len = f.memories + 4 + NGX_SG_STATE_MEMORY - 1 - f.data
            + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated memory");

    /* a format 3 file has no memories section: one there is trailing */

    st_make(&f, 4);
    n = 3;
    ngx_memcpy(f.data + 8, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "trailing data");

    /* a format 7 file is not read */

    st_good(&f);
    n = 7;
    ngx_memcpy(f.data + 8, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "unknown format version");
}


/* the sessions' details of format 6 */

static void
test_details(void **state)
{
    uint16_t           len;
    uint32_t           n;
    ngx_str_t          id, sub;
    st_file_t          f;
    const char        *reason;
    ngx_sg_state_t     st;
    ngx_sg_record_t    rec;
    ngx_sg_details_t   d;
    ngx_sg_state_jti_t jti;
    ngx_sg_state_memory_t  mem;
    time_t             since;

    st_good(&f);

    assert_int_equal(ngx_sg_state_parse(&st, f.data, f.len, &st_zone,
                                        &reason), NGX_OK);
    assert_int_equal(st.details, 1);

    /* not before the memories are read */
    assert_int_equal(ngx_sg_state_next_details(&st, &id, &d), NGX_DONE);

    while (ngx_sg_state_next_session(&st, &id, &sub, &rec) == NGX_OK) {}
    while (ngx_sg_state_next_jti(&st, &jti) == NGX_OK) {}
    while (ngx_sg_state_next_block(&st, &sub, &since) == NGX_OK) {}
    assert_int_equal(ngx_sg_state_next_details(&st, &id, &d), NGX_DONE);
    while (ngx_sg_state_next_memory(&st, &sub, &mem) == NGX_OK) {}

    assert_int_equal(ngx_sg_state_next_details(&st, &id, &d), NGX_OK);
    assert_true(id.len == 2 && ngx_memcmp(id.data, "s1", 2) == 0);
    assert_int_equal(d.ua_initial_len, 6);
    assert_memory_equal(d.ua_initial, "laptop", 6);
    assert_int_equal(d.client_len, 3);
    assert_int_equal(d.history[0].asn, 29518);
    assert_int_equal(ngx_sg_state_next_details(&st, &id, &d), NGX_DONE);
    assert_ptr_equal(st.pos, f.data + f.len - NGX_SG_STATE_DIGEST);

    /* an id of no length, or longer than any */

    st_good(&f);
    len = 0;
    ngx_memcpy(f.details + 4, &len, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid details length");

    st_good(&f);
    len = NGX_SG_SUB_MAX + 1;
    ngx_memcpy(f.details + 4, &len, sizeof(uint16_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid details length");

    /* a string longer than its buffer, a family that is none */

    st_good(&f);
    f.details[4 + 2] = NGX_SG_DETAIL_UA + 1;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid details");

    st_good(&f);
    f.details[4 + 2 + 2] = NGX_SG_DETAIL_CLIENT + 1;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid details");

    st_good(&f);
    f.details[4 + 2 + 3] = NGX_SG_DETAIL_CITY + 1;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid details");

    st_good(&f);
    f.details[4 + 2 + 4 + 8] = 7;           /* history[0].family */
    st_seal(&f);
    assert_string_equal(st_parse(&f), "invalid details");

    /* more than the file has, fewer, none at all */

    st_good(&f);
    n = 2;
    ngx_memcpy(f.details, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated details");

    st_good(&f);
    n = 0;
    ngx_memcpy(f.details, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "trailing data");

    st_good(&f);
    f.len = f.details - f.data + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated details");

    st_good(&f);
    f.len = f.details + 4 + NGX_SG_STATE_DETAILS + 1 - f.data
            + NGX_SG_STATE_DIGEST;
    st_seal(&f);
    assert_string_equal(st_parse(&f), "truncated details");

    /* format 5 has no details: a section there is trailing */

    st_good(&f);
    n = 5;
    ngx_memcpy(f.data + 8, &n, sizeof(uint32_t));
    st_seal(&f);
    assert_string_equal(st_parse(&f), "trailing data");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_good, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_header, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_format4, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_details, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_format1, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_digest, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_records, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_jti, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_blocks, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_memories, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
