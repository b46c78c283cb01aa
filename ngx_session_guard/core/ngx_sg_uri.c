
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * RFC 3986 normalisation of http and https URIs, so that a DPoP proof's
 * "htu" and the request URI compare equal whenever they name the same
 * resource (RFC 9449 4.3, check 9).
 *
 * Return contract: NGX_OK normalised, NGX_DECLINED not an absolute http(s)
 * URI (reason set), NGX_ERROR no memory.  Limit: NGX_SG_URI_MAX bytes.
 *
 * What is normalised (RFC 3986 6.2.2 syntax-based, 6.2.3 scheme-based):
 * case of the scheme and of the host, case of percent-encoding hex digits,
 * percent-encoded unreserved characters decoded, the default port (80,
 * 443) or an empty port dropped, leading zeros of a port, an empty path
 * made "/", dot segments (5.2.4).  Characters that a path may not hold
 * literally (space, non-ASCII, controls, and "\"<>\\^`{|}") are
 * percent-encoded, as a client would have sent them.  Query and fragment
 * are dropped.  Userinfo is refused: it has no place in an http URI
 * (RFC 9110 4.2.4) and would only serve to confuse.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_dpop.h"
#include "ngx_sg_percent.h"


static ngx_int_t ngx_sg_uri_host(u_char *p, u_char *last, u_char **out,
    const char **reason);
static ngx_int_t ngx_sg_uri_path(ngx_pool_t *pool, u_char *p, u_char *last,
    u_char **out, const char **reason);
static u_char *ngx_sg_uri_remove_dots(u_char *p, u_char *end, u_char *out);
static u_char *ngx_sg_uri_port(u_char *o, ngx_uint_t port);
static u_char *ngx_sg_uri_pop(u_char *o, u_char *out);


/* RFC 3986 2.3 unreserved: ALPHA DIGIT "-" "." "_" "~" */

#define ngx_sg_uri_unreserved(c)                                             \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z')               \
     || ((c) >= '0' && (c) <= '9') || (c) == '-' || (c) == '.'               \
     || (c) == '_' || (c) == '~')

/* RFC 3986 2.2 sub-delims */

#define ngx_sg_uri_sub_delim(c)                                              \
    ((c) == '!' || (c) == '$' || (c) == '&' || (c) == '\'' || (c) == '('    \
     || (c) == ')' || (c) == '*' || (c) == '+' || (c) == ',' || (c) == ';' \
     || (c) == '=')


static u_char  ngx_sg_uri_hexdigits[] = "0123456789ABCDEF";


ngx_int_t
ngx_sg_uri_normalize(ngx_pool_t *pool, ngx_str_t *uri, ngx_uint_t flags,
    ngx_str_t *out, const char **reason)
{
    u_char      *p, *last, *scheme_end, *auth, *auth_end, *host_end;
    u_char      *path_end, *buf, *o;
    ngx_int_t    rc;
    ngx_uint_t   https, port, has_port;
    const char  *dummy;

    if (reason == NULL) {
        reason = &dummy;
    }

    if (uri->len > NGX_SG_URI_MAX) {
        *reason = "uri too long";
        return NGX_DECLINED;
    }

    p = uri->data;
    last = p + uri->len;

    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */

    for (scheme_end = p; scheme_end < last; scheme_end++) {
        if (!((*scheme_end >= 'a' && *scheme_end <= 'z')
              || (*scheme_end >= 'A' && *scheme_end <= 'Z')
              || (scheme_end > p
                  && ((*scheme_end >= '0' && *scheme_end <= '9')
                      || *scheme_end == '+' || *scheme_end == '-'
                      || *scheme_end == '.'))))
        {
            break;
        }
    }

    if (scheme_end == p || last - scheme_end < 3
        || ngx_strncmp(scheme_end, "://", 3) != 0)
    {
        *reason = "bad uri";
        return NGX_DECLINED;
    }

    if (scheme_end - p == 4 && ngx_strncasecmp(p, (u_char *) "http", 4) == 0)
    {
        https = 0;

    } else if (scheme_end - p == 5
               && ngx_strncasecmp(p, (u_char *) "https", 5) == 0)
    {
        https = 1;

    } else {
        *reason = "bad uri scheme";
        return NGX_DECLINED;
    }

    /* the authority ends at the first "/", "?" or "#" */

    auth = scheme_end + 3;

    for (auth_end = auth; auth_end < last; auth_end++) {
        if (*auth_end == '/' || *auth_end == '?' || *auth_end == '#') {
            break;
        }

        if (*auth_end == '@') {
            *reason = "uri has userinfo";
            return NGX_DECLINED;
        }
    }

    for (path_end = auth_end; path_end < last; path_end++) {
        if (*path_end == '?' || *path_end == '#') {
            break;
        }
    }

    if ((flags & NGX_SG_URI_ORIGIN)
        && (path_end != last || path_end - auth_end > 1))
    {
        *reason = "uri is not an origin";
        return NGX_DECLINED;
    }

    /* host: an IP literal in brackets, or up to the port's ":" */

    if (auth < auth_end && *auth == '[') {
        host_end = ngx_strlchr(auth, auth_end, ']');

        if (host_end == NULL) {
            *reason = "bad uri host";
            return NGX_DECLINED;
        }

        host_end++;

    } else {
        host_end = ngx_strlchr(auth, auth_end, ':');

        if (host_end == NULL) {
            host_end = auth_end;
        }
    }

    if (host_end == auth) {
        *reason = "bad uri host";
        return NGX_DECLINED;
    }

    has_port = 0;
    port = 0;

    if (host_end < auth_end) {
        if (*host_end != ':') {
            *reason = "bad uri host";
            return NGX_DECLINED;
        }

        for (p = host_end + 1; p < auth_end; p++) {
            if (*p < '0' || *p > '9') {
                *reason = "bad uri port";
                return NGX_DECLINED;
            }

            port = port * 10 + (*p - '0');

            if (port > 65535) {
                *reason = "bad uri port";
                return NGX_DECLINED;
            }

            has_port = 1;
        }
    }

    if (has_port && port == (https ? 443 : 80)) {
        has_port = 0;
    }

    /*
     * "https://" + host (never longer once normalised) + ":65535" + the
     * path, which grows at most threefold by percent-encoding, or "/".
     */

    buf = ngx_pnalloc(pool, sizeof("https://:65535/") - 1
                            + (host_end - auth) + 3 * (path_end - auth_end));
    if (buf == NULL) {
        return NGX_ERROR;
    }

    o = https ? ngx_cpymem(buf, "https://", 8) : ngx_cpymem(buf, "http://", 7);

    rc = ngx_sg_uri_host(auth, host_end, &o, reason);
    if (rc != NGX_OK) {
        return rc;
    }

    if (has_port) {
        *o++ = ':';
        o = ngx_sg_uri_port(o, port);
    }

    if (!(flags & NGX_SG_URI_ORIGIN)) {

        if (auth_end == path_end) {
            *o++ = '/';

        } else {
            rc = ngx_sg_uri_path(pool, auth_end, path_end, &o, reason);
            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    out->data = buf;
    out->len = o - buf;

    return NGX_OK;
}


/*
 * A reg-name (unreserved, sub-delims, percent-encodings) lower-cased, or
 * an IPv6 literal (hex digits, ":" and "."; no zone id, no IPvFuture).
 */

static ngx_int_t
ngx_sg_uri_host(u_char *p, u_char *last, u_char **out, const char **reason)
{
    u_char     *o, c;
    ngx_int_t   v;

    o = *out;

    if (*p == '[') {
        *o++ = *p++;

        for ( /* void */ ; p < last - 1; p++) {
            c = ngx_tolower(*p);

            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                  || c == ':' || c == '.'))
            {
                *reason = "bad uri host";
                return NGX_DECLINED;
            }

            *o++ = c;
        }

        if (o == *out + 1) {
            *reason = "bad uri host";
            return NGX_DECLINED;
        }

        *o++ = ']';
        *out = o;

        return NGX_OK;
    }

    while (p < last) {
        c = *p;

        if (c == '%') {
            v = ngx_sg_percent_byte(p, last);

            if (v < 0) {
                *reason = "bad uri percent-encoding";
                return NGX_DECLINED;
            }

            c = (u_char) v;
            p += 3;

            if (ngx_sg_uri_unreserved(c)) {
                *o++ = ngx_tolower(c);

            } else {
                *o++ = '%';
                *o++ = ngx_sg_uri_hexdigits[c >> 4];
                *o++ = ngx_sg_uri_hexdigits[c & 0x0f];
            }

            continue;
        }

        if (!ngx_sg_uri_unreserved(c) && !ngx_sg_uri_sub_delim(c)) {
            *reason = "bad uri host";
            return NGX_DECLINED;
        }

        *o++ = ngx_tolower(c);
        p++;
    }

    *out = o;

    return NGX_OK;
}


/*
 * Percent-encoding normalised into a scratch copy, then dot segments
 * removed from it into *out.  The path starts with "/": the authority
 * ended there.
 */

static ngx_int_t
ngx_sg_uri_path(ngx_pool_t *pool, u_char *p, u_char *last, u_char **out,
    const char **reason)
{
    u_char     *tmp, *t, c;
    ngx_int_t   v;

    tmp = ngx_pnalloc(pool, 3 * (last - p));
    if (tmp == NULL) {
        return NGX_ERROR;
    }

    t = tmp;

    while (p < last) {
        c = *p;

        if (c == '%') {
            v = ngx_sg_percent_byte(p, last);

            if (v < 0) {
                *reason = "bad uri percent-encoding";
                return NGX_DECLINED;
            }

            c = (u_char) v;
            p += 3;

            if (ngx_sg_uri_unreserved(c)) {
                *t++ = c;
                continue;
            }

        } else {
            p++;

            /* pchar (RFC 3986 3.3) and "/" stay as they are */

            if (ngx_sg_uri_unreserved(c) || ngx_sg_uri_sub_delim(c)
                || c == ':' || c == '@' || c == '/')
            {
                *t++ = c;
                continue;
            }
        }

        *t++ = '%';
        *t++ = ngx_sg_uri_hexdigits[c >> 4];
        *t++ = ngx_sg_uri_hexdigits[c & 0x0f];
    }

    *out = ngx_sg_uri_remove_dots(tmp, t, *out);

    return NGX_OK;
}


/*
 * RFC 3986 5.2.4.  The input is a normalised path that starts with "/";
 * it is changed in place where the algorithm replaces a prefix with "/".
 */

static u_char *
ngx_sg_uri_remove_dots(u_char *p, u_char *end, u_char *out)
{
    u_char  *o;
    size_t   n;

    o = out;

    while (p < end) {
        n = end - p;

        /* A: "../" or "./" */

        if (n >= 3 && p[0] == '.' && p[1] == '.' && p[2] == '/') {
            p += 3;
            continue;
        }

        if (n >= 2 && p[0] == '.' && p[1] == '/') {
            p += 2;
            continue;
        }

        /* B: "/./" or a final "/." become "/" */

        if (n >= 3 && p[0] == '/' && p[1] == '.' && p[2] == '/') {
            p += 2;
            continue;
        }

        if (n == 2 && p[0] == '/' && p[1] == '.') {
            p++;
            *p = '/';
            continue;
        }

        /* C: "/../" or a final "/.." become "/", and a segment goes */

        if (n >= 4 && p[0] == '/' && p[1] == '.' && p[2] == '.'
            && p[3] == '/')
        {
            p += 3;
            o = ngx_sg_uri_pop(o, out);
            continue;
        }

        if (n == 3 && p[0] == '/' && p[1] == '.' && p[2] == '.') {
            p += 2;
            *p = '/';
            o = ngx_sg_uri_pop(o, out);
            continue;
        }

        /* D: a lone "." or ".." */

        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        {
            break;
        }

        /* E: the first segment, with its leading "/" */

        if (*p == '/') {
            *o++ = *p++;
        }

        while (p < end && *p != '/') {
            *o++ = *p++;
        }
    }

    if (o == out) {
        *o++ = '/';
    }

    return o;
}


/* plain decimal, without the leading zeros the URI may have had */

static u_char *
ngx_sg_uri_port(u_char *o, ngx_uint_t port)
{
    u_char   digits[5];
    size_t   n;

    n = 0;

    do {
        digits[n++] = (u_char) ('0' + port % 10);
        port /= 10;
    } while (port && n < sizeof(digits));

    while (n) {
        *o++ = digits[--n];
    }

    return o;
}


/* the last segment of the output and its preceding "/" go */

static u_char *
ngx_sg_uri_pop(u_char *o, u_char *out)
{
    while (o > out && o[-1] != '/') {
        o--;
    }

    if (o > out) {
        o--;
    }

    return o;
}
