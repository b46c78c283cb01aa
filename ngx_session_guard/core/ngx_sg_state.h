
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_STATE_H_INCLUDED_
#define _NGX_SG_STATE_H_INCLUDED_


/*
 * The session record, and the state file that carries records across a
 * restart (written and loaded by ngx_http_sg_state.c).  The record is
 * defined here, in the core, because its bytes are the file format: the
 * parser of the file needs its size and its "revoked" field, and must be
 * usable without nginx (unit tests, fuzzing).
 *
 * Format, in the byte order and type sizes of the machine that wrote it
 * (the header says which, so that another one refuses it, not misreads
 * it):
 *
 *   header   magic "NGXSGST\n" (8 bytes), format version u32 (4), byte
 *            order mark u32 (0x01020304), record size u32 (sizeof
 *            ngx_sg_record_t: 224; 200 in format 1, whose records lack
 *            the fields from assurance_ns on, and 216 in formats 2 to 4,
 *            whose records lack those from risk_until on: read with zeros
 *            there), zone name length u32, number of sessions
 *            u32, number of jti entries u32, time of the snapshot i64;
 *            then the zone name
 *   session  id length u16 (1..NGX_SG_ID_MAX), subject length u16
 *            (0..NGX_SG_SUB_MAX), the record, the id, the subject
 *   jti      length u16 (1..NGX_SG_JTI_MAX, or NGX_SG_JTI_HASHED|32 for
 *            the SHA-256 of a longer one), expiry i64, the bytes
 *   blocks   (format 3 on) number of blocked subjects u32, then for each:
 *            subject length u16 (1..NGX_SG_SUB_MAX), time of the block
 *            i64, the subject
 *   memories (format 4 on) number of users' memories u32, then for each:
 *            subject length u16 (1..NGX_SG_SUB_MAX), the memory
 *            (ngx_sg_state_memory_t), the subject
 *   details  (format 6 on) number of sessions' details u32, then for
 *            each: session id length u16 (1..NGX_SG_ID_MAX), the details
 *            (ngx_sg_details_t, checked by ngx_sg_details_check()), the id
 *   trailer  SHA-256 of everything before it (32 bytes)
 *
 * ngx_sg_state_parse() checks the whole file before the caller reads a
 * single record from it: a file is taken whole or not at all.
 *
 * Return contract: NGX_OK valid; NGX_DECLINED refused, with the reason.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_sha256.h"
#include "ngx_sg_record.h"


/* jti key length flag: the key is the SHA-256 of a longer jti */
#define NGX_SG_JTI_HASHED          0x8000

#define NGX_SG_STATE_MAGIC         "NGXSGST\n"
#define NGX_SG_STATE_VERSION       6
#define NGX_SG_STATE_V1_RECORD     200   /* format 1's record size */
#define NGX_SG_STATE_V2_RECORD     216   /* formats 2 to 4 */
#define NGX_SG_STATE_ORDER         0x01020304

#define NGX_SG_STATE_HEADER        (8 + 6 * sizeof(uint32_t)                \
                                    + sizeof(int64_t))
/* a session entry of this format, without its id and subject */
#define NGX_SG_STATE_SESSION       (2 * sizeof(uint16_t)                    \
                                    + sizeof(ngx_sg_record_t))
#define NGX_SG_STATE_JTI           (sizeof(uint16_t) + sizeof(int64_t))
#define NGX_SG_STATE_BLOCK         (sizeof(uint16_t) + sizeof(int64_t))
#define NGX_SG_STATE_DIGEST        NGX_SG_SHA256_LEN


/*
 * A user's memory (the zone's memory=): when it last learned, and each
 * device (a hash), network (ASN) and country with when it was last seen
 * (0: a free slot).  Its bytes are the file's (240).
 */

#define NGX_SG_MEMORY_SLOTS        6

typedef struct {
    int64_t                     seen;
    int64_t                     device_seen[NGX_SG_MEMORY_SLOTS];
    uint64_t                    device[NGX_SG_MEMORY_SLOTS];
    int64_t                     asn_seen[NGX_SG_MEMORY_SLOTS];
    int64_t                     country_seen[NGX_SG_MEMORY_SLOTS];
    uint32_t                    asn[NGX_SG_MEMORY_SLOTS];
    u_char                      country[NGX_SG_MEMORY_SLOTS][2];
    u_char                      pad[4];
} ngx_sg_state_memory_t;

#define NGX_SG_STATE_MEMORY        (sizeof(uint16_t)                        \
                                    + sizeof(ngx_sg_state_memory_t))
#define NGX_SG_STATE_DETAILS       (sizeof(uint16_t)                        \
                                    + sizeof(ngx_sg_details_t))


/* a parsed file; the fields after "jti" are the reading position */

typedef struct {
    ngx_uint_t                  sessions;
    ngx_uint_t                  jti;
    ngx_uint_t                  blocks;
    ngx_uint_t                  memories;
    ngx_uint_t                  details;
    ngx_uint_t                  version;
    time_t                      saved;       /* time of the snapshot */
    size_t                      record;      /* record size in the file */

    u_char                     *pos;
    u_char                     *end;         /* the trailer */
    ngx_uint_t                  next_session;
    ngx_uint_t                  next_jti;
    ngx_uint_t                  next_block;
    ngx_uint_t                  past_count;  /* of the blocks, format 3 */
    ngx_uint_t                  next_memory;
    ngx_uint_t                  past_memory_count;
    ngx_uint_t                  next_details;
    ngx_uint_t                  past_details_count;
} ngx_sg_state_t;


/* one jti entry: the key length as stored (may carry NGX_SG_JTI_HASHED) */

typedef struct {
    ngx_str_t                   data;        /* data.len without the flag */
    uint16_t                    key_len;
    time_t                      expires;
} ngx_sg_state_jti_t;


/*
 * Checks all of buf (len bytes) as the state file of the zone "zone": the
 * header, the digest, then every session and jti entry, and that nothing
 * follows.  NGX_OK: st is ready for reading; NGX_DECLINED: *reason says
 * why (a static string).
 */
ngx_int_t ngx_sg_state_parse(ngx_sg_state_t *st, u_char *buf, size_t len,
    ngx_str_t *zone, const char **reason);

/*
 * The sessions, then the jti entries, of a file ngx_sg_state_parse()
 * accepted, in file order; id, sub and jti->data point into buf.  NGX_OK
 * or NGX_DONE (no more).
 */
ngx_int_t ngx_sg_state_next_session(ngx_sg_state_t *st, ngx_str_t *id,
    ngx_str_t *sub, ngx_sg_record_t *rec);
ngx_int_t ngx_sg_state_next_jti(ngx_sg_state_t *st, ngx_sg_state_jti_t *jti);

/* then the blocked subjects (none before format 3) */
ngx_int_t ngx_sg_state_next_block(ngx_sg_state_t *st, ngx_str_t *sub,
    time_t *since);

/* then the users' memories (none before format 4) */
ngx_int_t ngx_sg_state_next_memory(ngx_sg_state_t *st, ngx_str_t *sub,
    ngx_sg_state_memory_t *mem);

/* then the sessions' details (none before format 6) */
ngx_int_t ngx_sg_state_next_details(ngx_sg_state_t *st, ngx_str_t *id,
    ngx_sg_details_t *details);

/* the header at buf (NGX_SG_STATE_HEADER + zone->len bytes) */
u_char *ngx_sg_state_header(u_char *buf, ngx_str_t *zone,
    ngx_uint_t sessions, ngx_uint_t jti, time_t saved);


#endif /* _NGX_SG_STATE_H_INCLUDED_ */
