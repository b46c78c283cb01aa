
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_ZONE_H_INCLUDED_
#define _NGX_HTTP_SG_ZONE_H_INCLUDED_


/*
 * The session store: one shared-memory zone per "session_guard_zone",
 * following limit_req's recipe (LRU queue, slab allocations under the slab
 * mutex, the old zone adopted on reload when its size is unchanged), with
 * sessions found through a keyed hash index (ngx_http_sg_shm.h).
 *
 * Every operation locks, works, copies what the caller needs out of shared
 * memory, and unlocks; nothing returned points into the zone.  Nothing is
 * logged while the mutex is held.
 *
 * Return contract: NGX_OK done; NGX_DECLINED refused by a rule (the
 * out->reason says which); NGX_ERROR internal failure (no memory for a
 * revocation, I/O): the caller fails closed.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_sg_state.h"
#include "ngx_sg_risk.h"
#include "ngx_sg_throttle.h"
#include "ngx_sg_sha256.h"

#include "ngx_http_sg_lockstats.h"


#define NGX_HTTP_SG_ID_DIGEST_LEN      (sizeof("sha256:") - 1             \
                                        + NGX_SG_SHA256_B64_LEN)
#define NGX_HTTP_SG_MAX_SESSIONS_MAX   1000  /* per subject, directive */


/* a record copied out, with its id and subject (request pool copies) */

typedef struct {
    ngx_str_t                   id;
    ngx_str_t                   sub;
    ngx_sg_record_t             rec;
    ngx_sg_details_t           *details;    /* NULL: none */
} ngx_http_sg_session_t;


/*
 * Called with the mutex held, on the record found or just created
 * (created = 1: zeroed except id/sub and rec->created), to read and change
 * it in one step.  It must not block, allocate from the zone, or log.  Its
 * return value is returned by ngx_http_sg_zone_session().
 */

typedef ngx_int_t (*ngx_http_sg_update_pt)(ngx_sg_record_t *rec,
    ngx_uint_t created, void *data);


typedef struct {
    ngx_atomic_t                sessions;    /* records, revoked included */
    ngx_atomic_t                revoked;     /* revoked records held */
    ngx_atomic_t                created;
    ngx_atomic_t                evicted;     /* LRU evictions */
    ngx_atomic_t                expired;
    ngx_atomic_t                revocations[NGX_SG_REVOKED_COUNT];
    ngx_atomic_t                revoke_failed;  /* no memory: failed closed */
    ngx_atomic_t                limited;     /* max_sessions deny/replace */
    ngx_atomic_t                jti_replays;
    size_t                      pages_total;
    size_t                      pages_free;
} ngx_http_sg_zone_stats_t;


/*
 * Decision counters for session_guard_metrics, kept in the zone so that
 * every worker adds to the same ones: lock-free (ngx_atomic_fetch_add),
 * counted by the access handler of the locations that use the zone
 * (ngx_http_sg_metrics_count()).  Indexes: NGX_SG_SIG_*, the bit
 * number of NGX_SG_ACT_*, NGX_HTTP_SG_STATUS_*, NGX_HTTP_SG_REJECT_*
 * (ngx_http_sg_metrics.h); [mode]: 0 enforce, 1 monitor.  "events" are
 * counted by the logout receiver and the notifications
 * (ngx_http_sg_zone_count_event(), NGX_HTTP_SG_EVENT_*).
 */

#define NGX_HTTP_SG_COUNTERS_SIGNALS   8
#define NGX_HTTP_SG_COUNTERS_ACTIONS   8
#define NGX_HTTP_SG_COUNTERS_STATUSES  16
#define NGX_HTTP_SG_COUNTERS_REJECTS   16
#define NGX_HTTP_SG_COUNTERS_EVENTS    16

#define NGX_HTTP_SG_EVENT_LOGOUT_ACCEPTED  0  /* back-channel logout tokens */
#define NGX_HTTP_SG_EVENT_LOGOUT_REFUSED   1
#define NGX_HTTP_SG_EVENT_NOTIFY_SENT      2  /* session_guard_notify */
#define NGX_HTTP_SG_EVENT_NOTIFY_FAILED    3
#define NGX_HTTP_SG_EVENT_SSF_ACCEPTED     4  /* security events (SSF) */
#define NGX_HTTP_SG_EVENT_SSF_REFUSED      5
#define NGX_HTTP_SG_EVENT_SSF_DUPLICATE    6  /* retransmitted, acknowledged */
#define NGX_HTTP_SG_EVENT_SSF_REVOKED      7  /* events that revoked */
#define NGX_HTTP_SG_EVENT_SSF_STEP_UP      8  /* events that asked step-up */
#define NGX_HTTP_SG_EVENT_SSF_SENT         9  /* transmitted, delivered */
#define NGX_HTTP_SG_EVENT_SSF_RETRIED     10  /* an attempt to try again */
#define NGX_HTTP_SG_EVENT_SSF_GIVEN_UP    11  /* refused, or out of retries */
#define NGX_HTTP_SG_EVENT_SSF_DROPPED     12  /* outbox full, or no memory */
#define NGX_HTTP_SG_EVENT_SSF_POLL_OK     13  /* session_guard_ssf_poll */
#define NGX_HTTP_SG_EVENT_SSF_POLL_FAILED 14
#define NGX_HTTP_SG_EVENT_COUNT           15

/*
 * "accepted", "refused", "sent", "failed", "accepted", "refused",
 * "duplicate", "revoked", "step_up", "sent", "retried", "given_up",
 * "dropped", "ok", "failed" (ngx_http_sg_metrics_output.c)
 */
extern ngx_str_t  ngx_http_sg_event_results[];

typedef struct {
    ngx_atomic_t                signals[NGX_HTTP_SG_COUNTERS_SIGNALS];
    ngx_atomic_t                actions[2][NGX_HTTP_SG_COUNTERS_ACTIONS];
    ngx_atomic_t                decisions[2][NGX_HTTP_SG_COUNTERS_STATUSES];
    ngx_atomic_t                rejected[NGX_HTTP_SG_COUNTERS_REJECTS];
    ngx_atomic_t                events[NGX_HTTP_SG_COUNTERS_EVENTS];
    ngx_atomic_t                ssf_refused[8];      /* ngx_sg_set_err_e */
    ngx_atomic_t                jwks_fetches[2];     /* ok, failed */
    ngx_atomic_t                jwks_discoveries[2]; /* ok, failed */
} ngx_http_sg_zone_counters_t;


typedef struct ngx_http_sg_zone_s  ngx_http_sg_zone_t;


/*
 * The user's memory (session_guard_zone memory=, ngx_http_sg_memory.c),
 * for ngx_http_sg_zone_session(): consulted when a session is created,
 * when its context differs from the last accepted one, or while it has
 * not been learned (NGX_SG_REC_KNOWN); learned by ngx_http_sg_zone_learn()
 * once the request is finally allowed (the update accepting it is not
 * enough: the location's authentication requirements come after).
 */

#define NGX_HTTP_SG_NEW_DEVICE      0x01
#define NGX_HTTP_SG_NEW_NETWORK     0x02
#define NGX_HTTP_SG_NEW_COUNTRY     0x04
#define NGX_HTTP_SG_NEW_COUNT       3
#define NGX_HTTP_SG_KNOWN_DEVICE    0x08    /* the device is remembered */

typedef struct {
    ngx_sg_bind_t              *cur;       /* in: the request's context */
    ngx_uint_t                  checked;   /* out: consulted */
    ngx_uint_t                  fresh;     /* out: NGX_HTTP_SG_NEW_*, set
                                              before the update runs */
    ngx_uint_t                  learn;     /* set by the update: accepted */
} ngx_http_sg_memory_t;

/* the device of a context (user agent and JA4), 0: unknown */
uint64_t ngx_http_sg_memory_device(ngx_sg_bind_t *b);

/* entries of each kind in a user's memory */
#define NGX_HTTP_SG_MEMORY_SLOTS    NGX_SG_MEMORY_SLOTS

/* a copy of a user's memory, the entries within the TTL only */
typedef struct {
    time_t                      seen;       /* last learned */
    ngx_uint_t                  ndevices;
    ngx_uint_t                  nnetworks;
    ngx_uint_t                  ncountries;
    time_t                      device_seen[NGX_HTTP_SG_MEMORY_SLOTS];
    uint32_t                    asn[NGX_HTTP_SG_MEMORY_SLOTS];
    time_t                      asn_seen[NGX_HTTP_SG_MEMORY_SLOTS];
    u_char                      country[NGX_HTTP_SG_MEMORY_SLOTS][2];
    time_t                      country_seen[NGX_HTTP_SG_MEMORY_SLOTS];
} ngx_http_sg_memory_info_t;

/*
 * The management API's view: NGX_OK, or NGX_DECLINED when nothing is
 * remembered of sub; _forget(): NGX_OK forgotten, NGX_DECLINED nothing was.
 */
ngx_int_t ngx_http_sg_zone_memory(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_http_sg_memory_info_t *info);
ngx_int_t ngx_http_sg_zone_forget(ngx_http_sg_zone_t *zone, ngx_str_t *sub);

/*
 * After the final verdict allowed the request (ngx_http_sg_zone_session()
 * said mem->learn): the user learns cur, and the session "id" is marked
 * as learned (NGX_SG_REC_KNOWN).  NGX_OK, or NGX_DECLINED (no room, the
 * session gone or revoked meanwhile).
 */
ngx_int_t ngx_http_sg_zone_learn(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_sg_bind_t *cur);


typedef struct {
    ngx_uint_t                  max_sessions;  /* per subject; 0: none */
    ngx_uint_t                  replace_oldest;/* else deny */
    ngx_uint_t                  unauth;        /* no verified token */

    /*
     * Out, in a request's own copy: how many sessions replace_oldest
     * revoked, and the id of the first (replaced_id: a buffer of
     * NGX_SG_ID_MAX bytes, or NULL for none of it).
     */
    ngx_uint_t                  replaced;
    ngx_str_t                   replaced_id;
} ngx_http_sg_limit_t;


/* ngx_http_sg_zone_conf.c: the "session_guard_zone" directive (http) */
char *ngx_http_sg_zone_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* "zone=name" in other directives: the zone of that name, or NULL */
ngx_http_sg_zone_t *ngx_http_sg_zone_get(ngx_conf_t *cf, ngx_str_t *name);

/* the zone's max_lifetime parameter (ceiling for lifetimes), seconds */
ngx_http_sg_zone_counters_t *ngx_http_sg_zone_counters(
    ngx_http_sg_zone_t *zone);
void ngx_http_sg_zone_count_event(ngx_http_sg_zone_t *zone, ngx_uint_t event);
time_t ngx_http_sg_zone_max_lifetime(ngx_http_sg_zone_t *zone);
ngx_str_t *ngx_http_sg_zone_name(ngx_http_sg_zone_t *zone);

/*
 * A session's details (a zone's details=on, ngx_http_sg_details.c): what
 * the request brings.  A session created by ngx_http_sg_zone_session()
 * takes its user agent and client as its first; once the final verdict
 * allowed the request, ngx_http_sg_zone_details() records the rest, when
 * ngx_http_sg_details_changed() says the copy out differs.
 */
typedef struct {
    ngx_str_t                   ua;
    ngx_str_t                   client;
    ngx_str_t                   city;
    ngx_sg_bind_t               cur;        /* the request's context */
} ngx_http_sg_detail_in_t;

ngx_uint_t ngx_http_sg_details_changed(ngx_sg_details_t *d,
    ngx_http_sg_detail_in_t *in);
ngx_int_t ngx_http_sg_zone_details(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_http_sg_detail_in_t *in);

/*
 * Look up the session "id" or create it (subject "sub"), then call update.
 * Creating may evict least-recently-used, unrevoked records (counted,
 * reported through *evicted so the caller logs after the lock); with
 * limit->max_sessions the subject's live sessions are counted first:
 * replace_oldest revokes-and-drops the oldest (reason "replaced"), deny
 * returns NGX_DECLINED without creating.  A record is reclaimed (treated
 * as absent) only when its token_exp has passed AND, unless revoked, its
 * lifetime has too (expires passed, or last_seen + idle_timeout passed):
 * a session whose lifetime ended must stay refused while a token carrying
 * its id may still be valid, else a replayed token would start it afresh.
 * LRU eviction under memory pressure drops live records only: one whose
 * lifetime ended is kept as a revoked one ("expired", "idle").  With
 * limit->unauth (the request has no verified token: anyone can make its
 * key up) a new record is held to the zone's "unauthenticated" share:
 * NGX_BUSY, nothing created, when that share holds only revoked and ended
 * records.  A subject that is blocked (ngx_http_sg_zone_block()) gets
 * NGX_ABORT, nothing looked up or created.  out gets a copy of the record
 * after update (and its details, where it has any).  mem (or NULL): the
 * user's memory, see above; din (or NULL): the request's details.
 */
ngx_int_t ngx_http_sg_zone_session(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_http_sg_limit_t *limit, ngx_http_sg_memory_t *mem,
    ngx_http_sg_detail_in_t *din, ngx_http_sg_update_pt update, void *data,
    ngx_pool_t *pool, ngx_http_sg_session_t *out, ngx_uint_t *evicted);

/*
 * Revoke one session, creating a revoked record if it is unknown.  The
 * record is kept (never evicted) until "until" (the latest expiry of the
 * tokens that may carry it).  NGX_ERROR if it cannot be stored: the caller
 * fails closed and logs at alert.
 */
ngx_int_t ngx_http_sg_zone_revoke(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_uint_t source, ngx_uint_t reason, time_t until);

/*
 * The same for a session copied out (its id, its token_exp for "until"):
 * if it was evicted meanwhile, the record made again keeps its kind, so
 * that an unauthenticated one stays within its share.
 */
ngx_int_t ngx_http_sg_zone_revoke_session(ngx_http_sg_zone_t *zone,
    ngx_http_sg_session_t *s, ngx_uint_t source, ngx_uint_t reason);

/* revoke every session of a subject; *n gets how many */
ngx_int_t ngx_http_sg_zone_revoke_subject(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub, ngx_uint_t source, ngx_uint_t reason, ngx_uint_t *n);

/*
 * Ask for step-up on the live session "id", or on every live session of
 * "sub" when id is empty (an older pending step-up is moved to now); *n
 * gets how many.
 */
ngx_int_t ngx_http_sg_zone_step_up(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_uint_t *n);
/*
 * The same for a change of the user's claims: the next requests whose
 * token was issued at or before "since" are refused; *n gets how many
 * sessions it newly applies to.
 */
ngx_int_t ngx_http_sg_zone_claims_changed(ngx_http_sg_zone_t *zone,
    ngx_str_t *id, ngx_str_t *sub, time_t since, ngx_uint_t *n);
/*
 * And for an assurance level a Shared Signals event reported (namespace
 * and level as ngx_sg_level_hash() values, changed at "since"); *n gets
 * how many sessions recorded it.
 */
ngx_int_t ngx_http_sg_zone_assurance(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, uint32_t ns, uint32_t level, time_t since,
    ngx_uint_t *n);

/*
 * A risk service's answer that came after its request went on: kept for
 * the live session "id" if its last accepted context is still the one
 * the service was asked about (asked).  NGX_OK, or NGX_DECLINED.
 */
ngx_int_t ngx_http_sg_zone_late_answer(ngx_http_sg_zone_t *zone,
    ngx_str_t *id, ngx_sg_bind_t *asked, ngx_uint_t acts, ngx_uint_t score,
    time_t until, ngx_uint_t bit);

/* copies (with its details when asked); NGX_DECLINED if absent */
ngx_int_t ngx_http_sg_zone_find(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_uint_t details, ngx_pool_t *pool, ngx_http_sg_session_t *out);

/* the ids of live sessions that begin with prefix, at most max */
ngx_int_t ngx_http_sg_zone_prefixed(ngx_http_sg_zone_t *zone, u_char *prefix,
    size_t len, ngx_uint_t max, ngx_pool_t *pool, ngx_array_t **out);

/* the sessions of a subject, an array of ngx_http_sg_session_t */
ngx_int_t ngx_http_sg_zone_list(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    ngx_pool_t *pool, ngx_array_t **out);

/*
 * Remember a one-time identifier (DPoP proof "jti", logout token "jti")
 * until "expires".  NGX_OK: first use; NGX_DECLINED: seen before (replay);
 * NGX_ERROR: no memory (the caller fails closed).
 */
ngx_int_t ngx_http_sg_zone_jti(ngx_http_sg_zone_t *zone, ngx_str_t *jti,
    time_t expires);

/* forget one (its use had no effect: a failed revocation) */
void ngx_http_sg_zone_jti_forget(ngx_http_sg_zone_t *zone, ngx_str_t *jti);

/*
 * The outbox of security events to transmit (ngx_http_sg_outbox.c): add
 * gives NGX_OK, NGX_BUSY (the stream holds max already) or NGX_ERROR (no
 * memory);
 * claim takes a stream's oldest due, unleased entry and leases it until "lease"
 * (NGX_OK, NGX_DECLINED none, NGX_ERROR); settle ends an attempt: due 0
 * removes the entry, else it is tried again from due.
 */
typedef struct {
    uint64_t                    id;
    uint32_t                    stream;
    ngx_uint_t                  attempts;   /* before this one */
    ngx_str_t                   set;
} ngx_http_sg_outbound_t;

ngx_int_t ngx_http_sg_outbox_add(ngx_http_sg_zone_t *zone, uint32_t stream,
    ngx_uint_t max, ngx_str_t *set);
ngx_int_t ngx_http_sg_outbox_claim(ngx_http_sg_zone_t *zone,
    uint32_t stream, time_t now, time_t lease, ngx_pool_t *pool,
    ngx_http_sg_outbound_t *out);
void ngx_http_sg_outbox_settle(ngx_http_sg_zone_t *zone, uint64_t id,
    time_t due, ngx_uint_t failed);
ngx_uint_t ngx_http_sg_outbox_size(ngx_http_sg_zone_t *zone);
ngx_uint_t ngx_http_sg_outbox_due(ngx_http_sg_zone_t *zone, time_t now);
/* drop the entries of streams not among streams[n]; *dropped: how many */
void ngx_http_sg_outbox_prune(ngx_http_sg_zone_t *zone, uint32_t *streams,
    ngx_uint_t n, ngx_uint_t *dropped);

void ngx_http_sg_zone_stats(ngx_http_sg_zone_t *zone,
    ngx_http_sg_zone_stats_t *stats);

/* state file: written on graceful exit and every "save" interval */
ngx_int_t ngx_http_sg_zone_save(ngx_http_sg_zone_t *zone, ngx_log_t *log);

/*
 * ngx_http_sg_zone_get() returns a zone used before its declaration too
 * (like limit_req, added with size 0); this, called once the http block is
 * parsed, reports a zone never declared.  NGX_OK or NGX_ERROR (logged).
 */
ngx_int_t ngx_http_sg_zone_check(ngx_conf_t *cf);

/* the module's init_process (periodic saving) and exit_master (saving) */
ngx_int_t ngx_http_sg_zone_init_process(ngx_cycle_t *cycle);
void ngx_http_sg_zone_exit_master(ngx_cycle_t *cycle);


/*
 * Internal: the zone handle, shared by ngx_http_sg_zone.c,
 * ngx_http_sg_zone_conf.c, ngx_http_sg_shm.c, ngx_http_sg_store.c,
 * ngx_http_sg_state.c and ngx_http_sg_state_file.c.
 */

typedef struct ngx_http_sg_shctx_s  ngx_http_sg_shctx_t;

struct ngx_http_sg_zone_s {
    ngx_shm_zone_t             *shm_zone;
    ngx_slab_pool_t            *shpool;
    ngx_http_sg_shctx_t        *sh;         /* ngx_http_sg_shm.h */
    ngx_str_t                   name;
    ngx_str_t                   state;      /* full path; empty: none */
    ngx_cycle_t                *cycle;      /* its configuration's */
    time_t                      max_lifetime;
    ngx_uint_t                  unauth_share;  /* percent of the zone */
    ngx_uint_t                  unauth_max;    /* records, from the share */
    ngx_msec_t                  save;       /* 0: on exit only */
    time_t                      memory_ttl; /* 0: no user memory */
    ngx_uint_t                  memory_users;
    ngx_uint_t                  details;    /* sessions' details kept */
    ngx_http_sg_zone_t         *old;        /* the previous cycle's */
    ngx_str_t                   used_file;  /* used before declared */
    ngx_uint_t                  used_line;
    ngx_uint_t                  declared;   /* unsigned  declared:1; */
};

/* ngx_http_sg_state.c */
void ngx_http_sg_state_load(ngx_http_sg_zone_t *zone, ngx_log_t *log);
void ngx_http_sg_state_copy(ngx_http_sg_zone_t *zone,
    ngx_http_sg_zone_t *old, ngx_log_t *log);
ngx_int_t ngx_http_sg_state_save(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_uint_t force);

/*
 * ngx_http_sg_state_file.c: the file on disk.  _open() returns the state
 * file opened for reading, and its ngx_fd_info(), or NGX_INVALID_FILE if
 * there is none or it is refused (logged); _write() replaces it with
 * "data" (NGX_ERROR: logged, the old file is left as it was).
 */
ngx_fd_t ngx_http_sg_state_open(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_file_info_t *fi);
ngx_int_t ngx_http_sg_state_write(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_str_t *data);


/* blocked subjects (ngx_http_sg_block.c) */

typedef struct {
    ngx_str_t                   sub;
    time_t                      since;
} ngx_http_sg_block_info_t;

ngx_int_t ngx_http_sg_zone_block(ngx_http_sg_zone_t *zone, ngx_str_t *sub,
    time_t *since);
ngx_int_t ngx_http_sg_zone_unblock(ngx_http_sg_zone_t *zone,
    ngx_str_t *sub);
time_t ngx_http_sg_zone_blocked(ngx_http_sg_zone_t *zone, ngx_str_t *sub);
ngx_int_t ngx_http_sg_zone_blocks(ngx_http_sg_zone_t *zone, ngx_pool_t *pool,
    ngx_array_t **out);


/*
 * The tokens of the edge's logins (ngx_http_sg_tokens.c,
 * session_guard_oidc tokens=): a zone of their own, in memory only.
 */

#define NGX_HTTP_SG_TOKEN_MAX           8192 /* bytes of a kept token */

typedef struct {
    ngx_shm_zone_t             *shm_zone;
    void                       *sh;
    ngx_slab_pool_t            *shpool;
} ngx_http_sg_tokens_t;

ngx_http_sg_tokens_t *ngx_http_sg_tokens_add(ngx_conf_t *cf, ngx_str_t *name,
    size_t size);
ngx_int_t ngx_http_sg_tokens_put(ngx_http_sg_tokens_t *ts, ngx_str_t *id,
    ngx_str_t *at, time_t at_exp, ngx_str_t *rt, time_t expires);
ngx_int_t ngx_http_sg_tokens_get(ngx_http_sg_tokens_t *ts, ngx_pool_t *pool,
    ngx_str_t *id, time_t margin, ngx_str_t *at, time_t *at_exp,
    ngx_str_t *rt, ngx_uint_t *claimed);
void ngx_http_sg_tokens_unclaim(ngx_http_sg_tokens_t *ts, ngx_str_t *id);
void ngx_http_sg_tokens_delete(ngx_http_sg_tokens_t *ts, ngx_str_t *id);


/*
 * Failure throttling (ngx_http_sg_throttle_shm.c): a zone of its own per
 * "session_guard_throttle_zone", counting refusals per source.  A source's
 * key is its kind, then the client address (4 bytes of IPv4, the first 8
 * of IPv6) or the SHA-256 of the subject.
 */

#define NGX_HTTP_SG_THROTTLE_ADDRESS   'a'
#define NGX_HTTP_SG_THROTTLE_SUBJECT   's'
#define NGX_HTTP_SG_THROTTLE_KEY_MAX   (1 + NGX_SG_SHA256_LEN)

typedef struct {
    ngx_str_t                   name;
    ngx_shm_zone_t             *shm_zone;   /* NULL: not declared (yet) */
    void                       *sh;
    ngx_slab_pool_t            *shpool;
    ngx_sg_throttle_rule_t      address;
    ngx_sg_throttle_rule_t      subject;
    ngx_uint_t                  status;     /* 429 or 403 */
} ngx_http_sg_throttle_t;


ngx_http_sg_throttle_t *ngx_http_sg_throttle_add(ngx_conf_t *cf,
    ngx_str_t *name, size_t size);
time_t ngx_http_sg_throttle_check(ngx_http_sg_throttle_t *t, u_char *key,
    size_t len);
ngx_int_t ngx_http_sg_throttle_fail(ngx_http_sg_throttle_t *t, u_char *key,
    size_t len, time_t *left);
ngx_int_t ngx_http_sg_throttle_check_conf(ngx_conf_t *cf,
    ngx_array_t *throttles);
void ngx_http_sg_throttle_stats(ngx_http_sg_throttle_t *t,
    ngx_uint_t *blocks, ngx_uint_t *nomem);


#endif /* _NGX_HTTP_SG_ZONE_H_INCLUDED_ */
