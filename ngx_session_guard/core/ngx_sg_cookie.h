
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_COOKIE_H_INCLUDED_
#define _NGX_SG_COOKIE_H_INCLUDED_


/*
 * One Set-Cookie header value, read and rewritten as RFC 6265 section 5.2
 * says a browser reads it: the name-value pair up to the first ';', then
 * attributes separated by ';', names matched without case, white space
 * (SP, HTAB) around names and values ignored.
 *
 * A rewrite touches only the lifetime attributes (Expires, Max-Age) and
 * appends missing hardening flags; every other byte of the value (the
 * name and value, other attributes, their case and spacing, empty
 * attributes) is kept as it was.  Lifetime attributes are rewritten as a
 * consistent pair, "Max-Age=N; Expires=<IMF-fixdate of now + N>", so that
 * a browser that knows only Expires reads the same lifetime.
 *
 * Hard limits: a value longer than NGX_SG_COOKIE_MAX_LEN is refused (the
 * caller must not pass it on unchanged); Max-Age values saturate at
 * NGX_SG_COOKIE_MAX_AGE_MAX.  Every function is linear in the input.
 *
 * Return contract: NGX_OK done; NGX_DECLINED the input is refused (not a
 * cookie, too long, not a date); NGX_ERROR no memory.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_COOKIE_MAX_LEN      8192
#define NGX_SG_COOKIE_MAX_AGE_MAX  ((time_t) 400 * 86400 * 100)

/* "Thu, 01 Jan 1970 00:00:00 GMT" */
#define NGX_SG_COOKIE_DATE_LEN     29

#define NGX_SG_SAMESITE_UNSET      0
#define NGX_SG_SAMESITE_LAX        1
#define NGX_SG_SAMESITE_STRICT     2
#define NGX_SG_SAMESITE_NONE       3


typedef struct {
    time_t                      now;
    time_t                      cap;        /* seconds from now; -1: none */
    ngx_uint_t                  session;    /* strip Expires and Max-Age */
    ngx_uint_t                  expire;     /* make it a deletion */
    ngx_uint_t                  secure;     /* add Secure if missing */
    ngx_uint_t                  httponly;   /* add HttpOnly if missing */
    ngx_uint_t                  samesite;   /* add SameSite=... if missing */
} ngx_sg_cookie_rules_t;


/*
 * The name and value of a Set-Cookie header value, trimmed (the value
 * keeps any quotes).  NGX_DECLINED when the name-value pair has no '=' or
 * an empty name: browsers then set no cookie of any name we could match.
 */
ngx_int_t ngx_sg_cookie_parse(ngx_str_t *header, ngx_str_t *name,
    ngx_str_t *value);

/*
 * Apply the rules to one Set-Cookie value:
 *
 *  - a cookie that deletes itself (its effective lifetime, as RFC 6265
 *    5.3 computes it, has ended) stays a deletion: its lifetime attributes
 *    are kept, or made a consistent "Max-Age=0" pair if any of them
 *    would let a browser keep it;
 *  - rules->expire: the cookie is made a deletion ("Max-Age=0" and an
 *    Expires in 1970), unless it is one already for every reader;
 *  - a browser-session cookie stays one (lifetime attributes a browser
 *    ignores, unparseable, are removed);
 *  - rules->session: Expires and Max-Age are removed;
 *  - else with rules->cap >= 0: if any lifetime attribute could let the
 *    cookie outlive now + cap (or cannot be parsed), they are replaced by
 *    the effective lifetime capped to rules->cap;
 *  - Secure, HttpOnly, SameSite are appended when asked for and missing.
 *
 * out->data == in->data when nothing changed; else out is in the pool.
 */
ngx_int_t ngx_sg_cookie_rewrite(ngx_pool_t *pool, ngx_str_t *in,
    ngx_sg_cookie_rules_t *rules, ngx_str_t *out);

/*
 * A Set-Cookie value that deletes the cookie "name": empty value,
 * "Max-Age=0" and an Expires in 1970, then Path and Domain (if not
 * empty) and the flags of the rules.  The caller checks that name, path
 * and domain hold no ';', control characters or white space.
 */
ngx_int_t ngx_sg_cookie_delete(ngx_pool_t *pool, ngx_str_t *name,
    ngx_str_t *path, ngx_str_t *domain, ngx_sg_cookie_rules_t *rules,
    ngx_str_t *out);

/* an RFC 6265 section 5.1.1 cookie-date; NGX_DECLINED: not one */
ngx_int_t ngx_sg_cookie_parse_date(u_char *p, size_t len, time_t *t);

/* the IMF-fixdate of t (NGX_SG_COOKIE_DATE_LEN bytes), years 1970-9999 */
u_char *ngx_sg_cookie_date(u_char *p, time_t t);

/* a cookie name as RFC 6265 allows it: an RFC 7230 token */
ngx_int_t ngx_sg_cookie_valid_name(ngx_str_t *name);

/*
 * The Cookie request header, read the way servers really read it (not
 * only RFC 6265 section 4.2): the next pair named "name" in one Cookie
 * header value, from byte *pos on (0 at first).
 *
 * Pairs are separated by ';' and by ',' (nginx's $cookie_NAME and many
 * application stacks split on both); white space (SP, HTAB, VT, FF)
 * around the name, the '=' and the value is ignored; a pair without '='
 * is a cookie of that name with an empty value (Go's net/http reads it
 * so).  Names match without case (as $cookie_NAME does), after
 * percent-decoding, and a '_' of "name" also matches a '.', ' ', '+' or
 * '[' (PHP decodes cookie names and mangles those to '_').  It finds at
 * least every pair that one of these readers takes for the cookie: it is
 * meant to count them (a cookie sent twice is ambiguous), never to pick
 * one.  Quotes are not special: a ';' or ',' inside quotes splits too.
 *
 * NGX_OK: found, *value is its value (trimmed, up to the next separator)
 * and *pos is past the pair; NGX_DECLINED: no more.  Linear in the
 * header, no allocation.
 */
ngx_int_t ngx_sg_cookie_next(ngx_str_t *header, ngx_str_t *name,
    size_t *pos, ngx_str_t *value);


#endif /* _NGX_SG_COOKIE_H_INCLUDED_ */
