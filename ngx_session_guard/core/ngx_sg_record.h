
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_RECORD_H_INCLUDED_
#define _NGX_SG_RECORD_H_INCLUDED_


/*
 * The session record: what the zone keeps for a session (next to its id
 * and subject), what every zone operation copies out, what the risk engine
 * (ngx_sg_risk.c) judges and changes, and what the state file
 * (ngx_sg_state.h) stores byte for byte.  Defined here once.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_ID_MAX              256   /* session id bytes */
#define NGX_SG_SUB_MAX             256   /* subject bytes */
#define NGX_SG_JTI_MAX             128

/* who revoked a session (the record's "revoked"), ngx_sg_revoked_names */
#define NGX_SG_REVOKED_NO          0
#define NGX_SG_REVOKED_POLICY      1     /* a signal, an ended lifetime */
#define NGX_SG_REVOKED_API         2
#define NGX_SG_REVOKED_LOGOUT      3
#define NGX_SG_REVOKED_LIMIT       4     /* max_sessions replace_oldest */
#define NGX_SG_REVOKED_SSF         5     /* a Shared Signals event */
#define NGX_SG_REVOKED_COUNT       6
#define NGX_SG_REVOKED_MAX         (NGX_SG_REVOKED_COUNT - 1)

/* the record's flags */
#define NGX_SG_REC_SHORTENED            0x01
#define NGX_SG_REC_CLAMPED              0x02
/*
 * created by a request that no verified token vouched for (an application's
 * cookie with "session_guard_token off"): anyone can make such a key up, so
 * these records live within the zone's "unauthenticated" share (set by the
 * zone's store, never by the risk engine)
 */
#define NGX_SG_REC_UNAUTH               0x04
/*
 * the session's last context is in its user's memory (set and cleared by
 * the zone's store, ngx_http_sg_memory.c): the memory is not asked again
 * until the context changes
 */
#define NGX_SG_REC_KNOWN                0x08
/*
 * begun on a device its user's memory knew: the location's known_device
 * lifetime applies (set and cleared by the glue, ngx_http_sg_session.c)
 */
#define NGX_SG_REC_TRUSTED              0x10
/*
 * the record has details (ngx_sg_details_t) beside it in the zone: made
 * so in a zone with details=on (set by the zone's store, never by the
 * risk engine)
 */
#define NGX_SG_REC_DETAILS              0x20

/*
 * the record's revoke_reason: a signal id, NGX_SG_REASON_CONDITION plus a
 * condition's bit, one of the ended lifetimes, or the score
 */
#define NGX_SG_REASON_CONDITION         64
#define NGX_SG_REASON_EXPIRED           100
#define NGX_SG_REASON_IDLE              101
#define NGX_SG_REASON_SCORE             102   /* a threshold of the score */

/* the record's cookie_mode (edge-enforced cookies) */
#define NGX_SG_COOKIE_PERSISTENT        0
#define NGX_SG_COOKIE_NON_PERSISTENT    1

typedef struct {
    u_char                      family;     /* 0: unknown, 4, 6 */
    u_char                      addr[16];
} ngx_sg_ip_t;


/*
 * What a session is bound to: the values as first seen ("initial") and as
 * last accepted ("last").  Hashes, not strings, for the user agent and
 * the TLS fingerprint: only equality is ever asked of them.
 */

typedef struct {
    ngx_sg_ip_t                 ip;
    uint32_t                    asn;        /* 0: unknown */
    u_char                      country[2]; /* ISO 3166-1; 0: unknown */
    u_char                      has_loc;
    float                       lat;
    float                       lon;
    uint64_t                    ua;         /* hash; 0: none */
    uint64_t                    ja4;        /* hash; 0: none */
} ngx_sg_bind_t;


/*
 * A session record, fixed size.  It is what the zone stores (next to the
 * id and the subject) and what every operation copies out.
 */

typedef struct {
    time_t                      created;
    time_t                      updated;     /* any change of the record */
    time_t                      last_seen;   /* last request (interaction) */
    time_t                      expires;     /* absolute expiry; 0: none */
    time_t                      idle_timeout;/* seconds; 0: none */
    time_t                      auth_time;   /* from the token; 0: unknown */
    time_t                      token_exp;   /* latest "exp" seen with it */
    time_t                      loc_time;    /* when last.lat/lon was seen */

    ngx_sg_bind_t               initial;
    ngx_sg_bind_t               last;

    time_t                      revoked_at;
    time_t                      step_up_since; /* 0: no step-up pending */
    u_char                      revoked;     /* who: 0..NGX_SG_REVOKED_MAX */
    u_char                      revoke_reason; /* free for the caller */
    u_char                      cookie_mode;
    u_char                      flags;       /* free for the caller */

    /*
     * Tokens issued at or before this are refused (a Shared Signals
     * token-claims-change); 0: none.
     */
    uint32_t                    claims_since;

    /*
     * The assurance level that a Shared Signals assurance-level-change
     * last reported for the session: its namespace and level as
     * ngx_sg_level_hash() values, and when it changed.  It concerns the
     * authentications made up to then: a later one (a token's auth_time)
     * takes it away.  0: none.  Since format 2 of the state file; a file
     * of format 1 is read with zeros here.
     */
    uint32_t                    assurance_ns;
    uint32_t                    assurance;
    uint32_t                    assurance_since;

    /*
     * The conditions (ngx_sg_risk.h) whose step-up the session has met,
     * by their bit: they do not ask it again.
     */
    uint32_t                    cond_ok;

    /*
     * The last answer of a risk service (session_guard_risk_service),
     * used until risk_until instead of asking again: its actions
     * (NGX_SG_ACT_*, 0: allow) and its score.  risk_until 0: none.
     * Since format 5 of the state file.
     */
    uint32_t                    risk_until;
    uint16_t                    risk_score;
    u_char                      risk_acts;
    u_char                      risk_pad;
} ngx_sg_record_t;


/*
 * What a session's record says of it beyond what the risk engine judges
 * (a zone's details=on): the user agent it began with and the last one
 * accepted, the client (a token's azp or client_id), the city of its last
 * accepted request, and its last accepted contexts, newest first (a new
 * one when the address, network or country changed).  Strings are cut to
 * their buffers; they are what clients sent, and every output escapes
 * them.  Its bytes are those of the state file's details section.
 */

#define NGX_SG_DETAIL_UA           128
#define NGX_SG_DETAIL_CLIENT       64
#define NGX_SG_DETAIL_CITY         48
#define NGX_SG_DETAIL_HISTORY      4

typedef struct {
    uint32_t                    at;         /* 0: an empty slot */
    uint32_t                    asn;
    u_char                      family;     /* as ngx_sg_ip_t's */
    u_char                      country[2];
    u_char                      pad;
    u_char                      addr[16];
} ngx_sg_context_t;

typedef struct {
    u_char                      ua_initial_len;
    u_char                      ua_last_len;
    u_char                      client_len;
    u_char                      city_len;
    ngx_sg_context_t            history[NGX_SG_DETAIL_HISTORY];
    u_char                      ua_initial[NGX_SG_DETAIL_UA];
    u_char                      ua_last[NGX_SG_DETAIL_UA];
    u_char                      client[NGX_SG_DETAIL_CLIENT];
    u_char                      city[NGX_SG_DETAIL_CITY];
} ngx_sg_details_t;

/* NGX_OK, or NGX_DECLINED: a length or a family out of range */
ngx_int_t ngx_sg_details_check(ngx_sg_details_t *d);


/*
 * The 32-bit name of an assurance level or namespace (CRC-32 of its
 * bytes), never 0
 */
uint32_t ngx_sg_level_hash(u_char *data, size_t len);

/* revoked because its lifetime ended (absolute or idle), not for a cause */
#define ngx_sg_record_ended(rec)                                             \
    ((rec)->revoked == NGX_SG_REVOKED_POLICY                                 \
     && ((rec)->revoke_reason == NGX_SG_REASON_EXPIRED                       \
         || (rec)->revoke_reason == NGX_SG_REASON_IDLE))


/* "", "policy", "api", "logout", "limit", "ssf": by NGX_SG_REVOKED_* */
extern ngx_str_t  ngx_sg_revoked_names[];


#endif /* _NGX_SG_RECORD_H_INCLUDED_ */
