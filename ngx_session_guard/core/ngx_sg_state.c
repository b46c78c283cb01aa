
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The parser of a state file (format in ngx_sg_state.h): pure, on a
 * buffer, so that it is unit-tested and fuzzed without nginx.  Every
 * length is checked against what is left before it is used; values are
 * read with memcpy() (the file has no alignment).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_state.h"


/*
 * The record's bytes are the file's: its size must not change by accident.
 * A new field goes at the end and the format version moves; the parser
 * reads the records of earlier formats, shorter, with zeros after them.
 */
typedef char  ngx_sg_state_record_check[
    sizeof(void *) != 8 || sizeof(ngx_sg_record_t) == 224 ? 1 : -1];

/* the details section's ids are checked as the subjects' keys are */
typedef char  ngx_sg_state_id_check[
    NGX_SG_ID_MAX == NGX_SG_SUB_MAX ? 1 : -1];

typedef char  ngx_sg_state_memory_check[
    sizeof(ngx_sg_state_memory_t) == 240 ? 1 : -1];


static u_char *ngx_sg_state_u32(u_char *p, uint32_t *v);
static ngx_int_t ngx_sg_state_check_sessions(ngx_sg_state_t *st,
    const char **reason);
static ngx_int_t ngx_sg_state_check_jti(ngx_sg_state_t *st,
    const char **reason);
static ngx_int_t ngx_sg_state_check_subjects(ngx_sg_state_t *st,
    size_t fixed, ngx_uint_t *n, const char *what[3], const char **reason);
static ngx_int_t ngx_sg_state_check_blocks(ngx_sg_state_t *st,
    const char **reason);
static ngx_int_t ngx_sg_state_check_memories(ngx_sg_state_t *st,
    const char **reason);
static ngx_int_t ngx_sg_state_check_details(ngx_sg_state_t *st,
    const char **reason);


static u_char *
ngx_sg_state_u32(u_char *p, uint32_t *v)
{
    ngx_memcpy(v, p, sizeof(uint32_t));

    return p + sizeof(uint32_t);
}


ngx_int_t
ngx_sg_state_parse(ngx_sg_state_t *st, u_char *buf, size_t len,
    ngx_str_t *zone, const char **reason)
{
    u_char    *p, *end;
    int64_t    saved;
    uint32_t   v, version, namelen, nsessions, njti;
    u_char     digest[NGX_SG_STATE_DIGEST];

    ngx_memzero(st, sizeof(ngx_sg_state_t));

    if (len < NGX_SG_STATE_HEADER + NGX_SG_STATE_DIGEST) {
        *reason = "truncated";
        return NGX_DECLINED;
    }

    if (ngx_memcmp(buf, NGX_SG_STATE_MAGIC, 8) != 0) {
        *reason = "not a session_guard state file";
        return NGX_DECLINED;
    }

    p = ngx_sg_state_u32(buf + 8, &version);

    if (version < 1 || version > NGX_SG_STATE_VERSION) {
        *reason = "unknown format version";
        return NGX_DECLINED;
    }

    p = ngx_sg_state_u32(p, &v);

    if (v != NGX_SG_STATE_ORDER) {
        *reason = "written on a machine of another byte order";
        return NGX_DECLINED;
    }

    p = ngx_sg_state_u32(p, &v);

    if (v != (version == 1 ? NGX_SG_STATE_V1_RECORD
              : version < 5 ? NGX_SG_STATE_V2_RECORD
              : sizeof(ngx_sg_record_t)))
    {
        *reason = "written by another version of the module";
        return NGX_DECLINED;
    }

    st->record = v;

    p = ngx_sg_state_u32(p, &namelen);
    p = ngx_sg_state_u32(p, &nsessions);
    p = ngx_sg_state_u32(p, &njti);

    ngx_memcpy(&saved, p, sizeof(int64_t));
    p += sizeof(int64_t);

    if (namelen > len - NGX_SG_STATE_HEADER - NGX_SG_STATE_DIGEST) {
        *reason = "truncated";
        return NGX_DECLINED;
    }

    if (namelen != zone->len || ngx_memcmp(p, zone->data, namelen) != 0) {
        *reason = "written for another zone";
        return NGX_DECLINED;
    }

    p += namelen;

    end = buf + len - NGX_SG_STATE_DIGEST;

    (void) ngx_sg_sha256_digest(buf, end - buf, digest);

    if (ngx_memcmp(digest, end, NGX_SG_STATE_DIGEST) != 0) {
        *reason = "checksum mismatch (corrupt or truncated)";
        return NGX_DECLINED;
    }

    st->sessions = nsessions;
    st->jti = njti;
    st->version = version;
    st->saved = (time_t) saved;
    st->pos = p;
    st->end = end;

    if (ngx_sg_state_check_sessions(st, reason) != NGX_OK
        || ngx_sg_state_check_jti(st, reason) != NGX_OK
        || ngx_sg_state_check_blocks(st, reason) != NGX_OK
        || ngx_sg_state_check_memories(st, reason) != NGX_OK
        || ngx_sg_state_check_details(st, reason) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (st->pos != end) {
        *reason = "trailing data";
        return NGX_DECLINED;
    }

    /* valid: rewind for reading */

    st->pos = p;

    return NGX_OK;
}


/* advances st->pos over every session entry */

static ngx_int_t
ngx_sg_state_check_sessions(ngx_sg_state_t *st, const char **reason)
{
    u_char           *p;
    uint16_t          idlen, sublen;
    ngx_uint_t        i;
    ngx_sg_record_t   rec;

    p = st->pos;

    for (i = 0; i < st->sessions; i++) {

        if ((size_t) (st->end - p) < 2 * sizeof(uint16_t) + st->record) {
            *reason = "truncated session";
            return NGX_DECLINED;
        }

        ngx_memcpy(&idlen, p, sizeof(uint16_t));
        ngx_memcpy(&sublen, p + sizeof(uint16_t), sizeof(uint16_t));
        ngx_memzero(&rec, sizeof(ngx_sg_record_t));
        ngx_memcpy(&rec, p + 2 * sizeof(uint16_t), st->record);

        if (idlen == 0 || idlen > NGX_SG_ID_MAX || sublen > NGX_SG_SUB_MAX) {
            *reason = "invalid session length";
            return NGX_DECLINED;
        }

        if (rec.revoked > NGX_SG_REVOKED_MAX) {
            *reason = "invalid session record";
            return NGX_DECLINED;
        }

        p += 2 * sizeof(uint16_t) + st->record;

        if ((size_t) (st->end - p) < (size_t) idlen + sublen) {
            *reason = "truncated session";
            return NGX_DECLINED;
        }

        p += idlen + sublen;
    }

    st->pos = p;

    return NGX_OK;
}


/* advances st->pos over every jti entry */

static ngx_int_t
ngx_sg_state_check_jti(ngx_sg_state_t *st, const char **reason)
{
    u_char      *p;
    uint16_t     jlen;
    ngx_uint_t   i;

    p = st->pos;

    for (i = 0; i < st->jti; i++) {

        if ((size_t) (st->end - p) < NGX_SG_STATE_JTI) {
            *reason = "truncated jti";
            return NGX_DECLINED;
        }

        ngx_memcpy(&jlen, p, sizeof(uint16_t));

        if (jlen & NGX_SG_JTI_HASHED) {
            if (jlen != (NGX_SG_JTI_HASHED | 32)) {
                *reason = "invalid jti length";
                return NGX_DECLINED;
            }

        } else if (jlen == 0 || jlen > NGX_SG_JTI_MAX) {
            *reason = "invalid jti length";
            return NGX_DECLINED;
        }

        jlen &= ~NGX_SG_JTI_HASHED;

        p += NGX_SG_STATE_JTI;

        if ((size_t) (st->end - p) < jlen) {
            *reason = "truncated jti";
            return NGX_DECLINED;
        }

        p += jlen;
    }

    st->pos = p;

    return NGX_OK;
}


/*
 * A counted section of entries keyed by a subject: a count u32, then for
 * each a subject length u16 (1..NGX_SG_SUB_MAX), "fixed" more bytes and
 * the subject.  Advances st->pos over it; *n: the count.  what[]: the
 * reasons for a truncated count, a truncated entry, an invalid length.
 */

static ngx_int_t
ngx_sg_state_check_subjects(ngx_sg_state_t *st, size_t fixed, ngx_uint_t *n,
    const char *what[3], const char **reason)
{
    u_char      *p;
    uint16_t     sublen;
    uint32_t     count;
    ngx_uint_t   i;

    p = st->pos;

    if ((size_t) (st->end - p) < sizeof(uint32_t)) {
        *reason = what[0];
        return NGX_DECLINED;
    }

    p = ngx_sg_state_u32(p, &count);

    for (i = 0; i < count; i++) {

        if ((size_t) (st->end - p) < sizeof(uint16_t) + fixed) {
            *reason = what[1];
            return NGX_DECLINED;
        }

        ngx_memcpy(&sublen, p, sizeof(uint16_t));

        if (sublen == 0 || sublen > NGX_SG_SUB_MAX) {
            *reason = what[2];
            return NGX_DECLINED;
        }

        p += sizeof(uint16_t) + fixed;

        if ((size_t) (st->end - p) < sublen) {
            *reason = what[1];
            return NGX_DECLINED;
        }

        p += sublen;
    }

    *n = count;
    st->pos = p;

    return NGX_OK;
}


/* format 3 on: the blocked subjects */

static ngx_int_t
ngx_sg_state_check_blocks(ngx_sg_state_t *st, const char **reason)
{
    static const char  *what[3] = {
        "truncated blocks", "truncated block", "invalid block length"
    };

    if (st->version < 3) {
        return NGX_OK;
    }

    return ngx_sg_state_check_subjects(st, sizeof(int64_t), &st->blocks,
                                       what, reason);
}


/* format 4 on: the users' memories */

static ngx_int_t
ngx_sg_state_check_memories(ngx_sg_state_t *st, const char **reason)
{
    static const char  *what[3] = {
        "truncated memories", "truncated memory", "invalid memory length"
    };

    if (st->version < 4) {
        return NGX_OK;
    }

    return ngx_sg_state_check_subjects(st, sizeof(ngx_sg_state_memory_t),
                                       &st->memories, what, reason);
}


/*
 * format 6 on: the sessions' details, keyed by the session's id (1 to
 * NGX_SG_ID_MAX bytes, checked as subjects are: the bounds are equal),
 * each checked
 */

static ngx_int_t
ngx_sg_state_check_details(ngx_sg_state_t *st, const char **reason)
{
    u_char            *p;
    uint16_t           idlen;
    ngx_uint_t         i;
    ngx_sg_details_t   d;

    static const char  *what[3] = {
        "truncated details", "truncated details", "invalid details length"
    };

    if (st->version < 6) {
        return NGX_OK;
    }

    p = st->pos + sizeof(uint32_t);

    if (ngx_sg_state_check_subjects(st, sizeof(ngx_sg_details_t),
                                    &st->details, what, reason)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    for (i = 0; i < st->details; i++) {
        ngx_memcpy(&idlen, p, sizeof(uint16_t));
        ngx_memcpy(&d, p + sizeof(uint16_t), sizeof(ngx_sg_details_t));

        if (ngx_sg_details_check(&d) != NGX_OK) {
            *reason = "invalid details";
            return NGX_DECLINED;
        }

        p += NGX_SG_STATE_DETAILS + idlen;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_state_next_session(ngx_sg_state_t *st, ngx_str_t *id, ngx_str_t *sub,
    ngx_sg_record_t *rec)
{
    u_char    *p;
    uint16_t   idlen, sublen;

    if (st->next_session == st->sessions) {
        return NGX_DONE;
    }

    p = st->pos;

    ngx_memcpy(&idlen, p, sizeof(uint16_t));
    ngx_memcpy(&sublen, p + sizeof(uint16_t), sizeof(uint16_t));
    ngx_memzero(rec, sizeof(ngx_sg_record_t));
    ngx_memcpy(rec, p + 2 * sizeof(uint16_t), st->record);

    p += 2 * sizeof(uint16_t) + st->record;

    id->data = p;
    id->len = idlen;
    sub->data = p + idlen;
    sub->len = sublen;

    st->pos = p + idlen + sublen;
    st->next_session++;

    return NGX_OK;
}


/* after the last session */

ngx_int_t
ngx_sg_state_next_jti(ngx_sg_state_t *st, ngx_sg_state_jti_t *jti)
{
    u_char    *p;
    int64_t    expires;
    uint16_t   jlen;

    if (st->next_session != st->sessions || st->next_jti == st->jti) {
        return NGX_DONE;
    }

    p = st->pos;

    ngx_memcpy(&jlen, p, sizeof(uint16_t));
    ngx_memcpy(&expires, p + sizeof(uint16_t), sizeof(int64_t));

    p += NGX_SG_STATE_JTI;

    jti->key_len = jlen;
    jti->expires = (time_t) expires;
    jti->data.data = p;
    jti->data.len = jlen & ~NGX_SG_JTI_HASHED;

    st->pos = p + jti->data.len;
    st->next_jti++;

    return NGX_OK;
}


/* after the last jti entry */

ngx_int_t
ngx_sg_state_next_block(ngx_sg_state_t *st, ngx_str_t *sub, time_t *since)
{
    u_char    *p;
    int64_t    t;
    uint16_t   sublen;

    if (st->next_session != st->sessions || st->next_jti != st->jti) {
        return NGX_DONE;
    }

    if (st->version >= 3 && !st->past_count) {
        /* the count, checked by the parser */
        st->pos += sizeof(uint32_t);
        st->past_count = 1;
    }

    if (st->next_block == st->blocks) {
        return NGX_DONE;
    }

    p = st->pos;

    ngx_memcpy(&sublen, p, sizeof(uint16_t));
    ngx_memcpy(&t, p + sizeof(uint16_t), sizeof(int64_t));

    p += NGX_SG_STATE_BLOCK;

    sub->data = p;
    sub->len = sublen;
    *since = (time_t) t;

    st->pos = p + sublen;
    st->next_block++;

    return NGX_OK;
}


/* after the last block */

ngx_int_t
ngx_sg_state_next_memory(ngx_sg_state_t *st, ngx_str_t *sub,
    ngx_sg_state_memory_t *mem)
{
    u_char    *p;
    uint16_t   sublen;

    if (st->version < 4
        || st->next_session != st->sessions || st->next_jti != st->jti
        || !st->past_count || st->next_block != st->blocks)
    {
        return NGX_DONE;
    }

    if (!st->past_memory_count) {
        /* the count, checked by the parser */
        st->pos += sizeof(uint32_t);
        st->past_memory_count = 1;
    }

    if (st->next_memory == st->memories) {
        return NGX_DONE;
    }

    p = st->pos;

    ngx_memcpy(&sublen, p, sizeof(uint16_t));
    ngx_memcpy(mem, p + sizeof(uint16_t), sizeof(ngx_sg_state_memory_t));

    p += NGX_SG_STATE_MEMORY;

    sub->data = p;
    sub->len = sublen;

    st->pos = p + sublen;
    st->next_memory++;

    return NGX_OK;
}


/* after the last memory */

ngx_int_t
ngx_sg_state_next_details(ngx_sg_state_t *st, ngx_str_t *id,
    ngx_sg_details_t *details)
{
    u_char    *p;
    uint16_t   idlen;

    if (st->version < 6
        || st->next_session != st->sessions || st->next_jti != st->jti
        || !st->past_count || st->next_block != st->blocks
        || !st->past_memory_count || st->next_memory != st->memories)
    {
        return NGX_DONE;
    }

    if (!st->past_details_count) {
        /* the count, checked by the parser */
        st->pos += sizeof(uint32_t);
        st->past_details_count = 1;
    }

    if (st->next_details == st->details) {
        return NGX_DONE;
    }

    p = st->pos;

    ngx_memcpy(&idlen, p, sizeof(uint16_t));
    ngx_memcpy(details, p + sizeof(uint16_t), sizeof(ngx_sg_details_t));

    p += NGX_SG_STATE_DETAILS;

    id->data = p;
    id->len = idlen;

    st->pos = p + idlen;
    st->next_details++;

    return NGX_OK;
}


u_char *
ngx_sg_state_header(u_char *buf, ngx_str_t *zone, ngx_uint_t sessions,
    ngx_uint_t jti, time_t saved)
{
    u_char    *p;
    int64_t    t;
    uint32_t   v;

    p = ngx_cpymem(buf, NGX_SG_STATE_MAGIC, 8);

    v = NGX_SG_STATE_VERSION;
    p = ngx_cpymem(p, &v, sizeof(uint32_t));
    v = NGX_SG_STATE_ORDER;
    p = ngx_cpymem(p, &v, sizeof(uint32_t));
    v = sizeof(ngx_sg_record_t);
    p = ngx_cpymem(p, &v, sizeof(uint32_t));
    v = (uint32_t) zone->len;
    p = ngx_cpymem(p, &v, sizeof(uint32_t));
    v = (uint32_t) sessions;
    p = ngx_cpymem(p, &v, sizeof(uint32_t));
    v = (uint32_t) jti;
    p = ngx_cpymem(p, &v, sizeof(uint32_t));
    t = saved;
    p = ngx_cpymem(p, &t, sizeof(int64_t));

    return ngx_cpymem(p, zone->data, zone->len);
}
