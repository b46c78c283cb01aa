
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_SET_H_INCLUDED_
#define _NGX_SG_SET_H_INCLUDED_


/*
 * Security Event Tokens (RFC 8417) as the OpenID Shared Signals Framework
 * 1.0 profiles them, with the CAEP 1.0 session events, validated without
 * nginx's HTTP layer; the receiving end (RFC 8935 push endpoint, replay
 * store, effects) is control/ngx_http_sg_ssf.c.
 *
 * Return contract of ngx_sg_set_validate():
 *     NGX_OK        valid: "set" filled;
 *     NGX_DECLINED  invalid: "reason" set to a short static string and
 *                   "err" to the RFC 8935 error code that fits;
 *     NGX_ERROR     internal failure (memory, OpenSSL) or a policy out of
 *                   range (a negative now, leeway or max_age); never
 *                   "valid".
 *
 * Limits: the token as ngx_sg_jws_parse() bounds it; a jti of at most
 * NGX_SG_SET_JTI_MAX bytes; at most NGX_SG_SET_EVENTS_MAX events; subject
 * identifiers of at most NGX_SG_SET_ID_MAX bytes.  Anything beyond is
 * invalid, never truncated.  Only asymmetric algorithms verify.
 *
 * The checks, in this order (reasons are stable: they reach the error log
 * and the "description" of the answer):
 *     compact JWS      ngx_sg_jws_parse()'s reasons        invalid_request
 *     typ              "missing typ", "typ mismatch"        invalid_request
 *                      (must be secevent+jwt)
 *     signature        ngx_sg_jws_verify_keys()'s reasons   invalid_key
 *     iss              "issuer mismatch"                    invalid_issuer
 *     aud              "audience mismatch"                  invalid_audience
 *     iat              "missing iat", "iat in the future",  invalid_request
 *                      "iat too old"
 *     jti              "missing jti", "jti too long"        invalid_request
 *     exp, sub         "exp present", "sub claim present"   invalid_request
 *     txn, toe         "malformed txn", "malformed toe"     invalid_request
 *     events           "missing events", "too many events", invalid_request
 *                      "event not an object", "malformed event"
 *     subject          "malformed subject", "no subject"    invalid_request
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"


#define NGX_SG_SET_JTI_MAX         256
#define NGX_SG_SET_ID_MAX          1024
#define NGX_SG_SET_EVENTS_MAX      16

#define NGX_SG_SET_CAEP            \
    "https://schemas.openid.net/secevent/caep/event-type/"
#define NGX_SG_SET_SSF             \
    "https://schemas.openid.net/secevent/ssf/event-type/"


/* the event types the edge knows; ngx_sg_set_event_names[] */
typedef enum {
    NGX_SG_SET_UNKNOWN = 0,
    NGX_SG_SET_SESSION_REVOKED,
    NGX_SG_SET_CREDENTIAL_CHANGE,
    NGX_SG_SET_ASSURANCE_LEVEL_CHANGE,
    NGX_SG_SET_TOKEN_CLAIMS_CHANGE,
    NGX_SG_SET_DEVICE_COMPLIANCE_CHANGE,
    NGX_SG_SET_VERIFICATION,
    NGX_SG_SET_STREAM_UPDATED,
    NGX_SG_SET_EVENT_COUNT
} ngx_sg_set_event_e;

/* "unknown", "session-revoked", ..., "stream-updated" (short names) */
extern ngx_str_t  ngx_sg_set_event_names[];


/* RFC 8935 section 2.3 error codes; ngx_sg_set_err_names[] */
typedef enum {
    NGX_SG_SET_ERR_INVALID_REQUEST = 0,
    NGX_SG_SET_ERR_INVALID_KEY,
    NGX_SG_SET_ERR_INVALID_ISSUER,
    NGX_SG_SET_ERR_INVALID_AUDIENCE,
    NGX_SG_SET_ERR_AUTHENTICATION_FAILED,
    NGX_SG_SET_ERR_ACCESS_DENIED,
    NGX_SG_SET_ERR_COUNT
} ngx_sg_set_err_e;

extern ngx_str_t  ngx_sg_set_err_names[];


typedef struct {
    ngx_str_t                  issuer;     /* required "iss" */
    ngx_array_t               *audiences;  /* ngx_str_t, one must match */
    ngx_array_t               *keys;       /* ngx_sg_key_t */
    ngx_uint_t                 algorithms; /* NGX_SG_ALG_* mask */
    time_t                     leeway;     /* iat in the future */
    time_t                     max_age;    /* iat older: refused; 0: any */
    time_t                     now;        /* set per SET */
} ngx_sg_set_policy_t;


/*
 * One event of a valid SET.  Strings point into the pool's JSON and may
 * be empty when absent.  The subject is the SET's "sub_id", or else the
 * event's own "subject" (CAEP drafts); its parts:
 *     user     iss_sub "sub", email "email", opaque "id", phone_number,
 *              or a complex subject's "user" member of those formats;
 *     user_iss iss_sub "iss" when the user came from an iss_sub;
 *     session  a complex subject's "session" member (its id, sub or
 *              email, whatever its simple format names it by);
 *     device, tenant   a complex subject's members of those names.
 */
typedef struct {
    ngx_sg_set_event_e         type;
    ngx_str_t                  uri;        /* the event type as sent */
    json_t                    *event;      /* its object */

    ngx_str_t                  user;
    ngx_str_t                  user_iss;
    ngx_str_t                  session;
    ngx_str_t                  device;
    ngx_str_t                  tenant;

    ngx_str_t                  change_direction; /* assurance-level */
    ngx_str_t                  namespace;        /* required */
    ngx_str_t                  current_level;    /* required */
    ngx_str_t                  current_status;   /* device-compliance */
    ngx_str_t                  state;            /* verification */
    ngx_str_t                  status;           /* stream-updated */
    time_t                     event_timestamp;  /* 0 if absent */
} ngx_sg_set_event_t;


typedef struct {
    ngx_str_t                  iss;
    ngx_str_t                  jti;
    ngx_str_t                  txn;        /* empty if absent */
    time_t                     iat;
    time_t                     toe;        /* 0 if absent */
    ngx_uint_t                 nevents;
    ngx_sg_set_event_t         events[NGX_SG_SET_EVENTS_MAX];
} ngx_sg_set_t;


/* the compact JWS "text" against policy; memory from pool */
ngx_int_t ngx_sg_set_validate(ngx_pool_t *pool, ngx_str_t *text,
    ngx_sg_set_policy_t *policy, ngx_sg_set_t *set, const char **reason,
    ngx_sg_set_err_e *err);


#endif /* _NGX_SG_SET_H_INCLUDED_ */
