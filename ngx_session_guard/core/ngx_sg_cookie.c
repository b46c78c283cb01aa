
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Set-Cookie values read as RFC 6265 section 5.2 reads them, and their
 * lifetime rewritten; Cookie request headers searched for every pair of
 * one name (see ngx_sg_cookie.h for the rules and limits).
 */


#include "ngx_sg_cookie.h"
#include "ngx_sg_percent.h"


#define NGX_SG_ATTR_OTHER      0
#define NGX_SG_ATTR_EXPIRES    1
#define NGX_SG_ATTR_MAX_AGE    2
#define NGX_SG_ATTR_SECURE     3
#define NGX_SG_ATTR_HTTPONLY   4
#define NGX_SG_ATTR_SAMESITE   5

/* what a rewrite does to the lifetime attributes */
#define NGX_SG_LIFE_KEEP       0
#define NGX_SG_LIFE_STRIP      1
#define NGX_SG_LIFE_WRITE      2

#define NGX_SG_TIME_T_LEN      20


typedef struct {
    u_char                     *start;      /* its ';' */
    u_char                     *end;        /* the next ';' or the end */
    ngx_str_t                   name;       /* trimmed */
    ngx_str_t                   value;      /* trimmed; empty without '=' */
    ngx_uint_t                  type;       /* NGX_SG_ATTR_* */
} ngx_sg_cookie_attr_t;


static u_char *ngx_sg_cookie_attr(u_char *p, u_char *last,
    ngx_sg_cookie_attr_t *a);
static ngx_int_t ngx_sg_cookie_max_age(ngx_str_t *value, time_t *delta);
static void ngx_sg_cookie_trim(ngx_str_t *s);
static ngx_uint_t ngx_sg_cookie_space(u_char c);
static ngx_uint_t ngx_sg_cookie_name_is(ngx_str_t *pair, ngx_str_t *name);
static ngx_uint_t ngx_sg_cookie_delimiter(u_char c);
static ngx_uint_t ngx_sg_cookie_digits(u_char *p, u_char *last,
    ngx_uint_t min, ngx_uint_t max, ngx_uint_t *value);
static time_t ngx_sg_cookie_days(ngx_uint_t y, ngx_uint_t m, ngx_uint_t d);
static u_char *ngx_sg_cookie_num(u_char *p, time_t n);
static u_char *ngx_sg_cookie_2d(u_char *p, ngx_uint_t n);
static u_char *ngx_sg_cookie_flags(u_char *p, ngx_uint_t secure,
    ngx_uint_t httponly, ngx_uint_t samesite);


static const char  *ngx_sg_cookie_months[] = {
    "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec"
};

static const char  *ngx_sg_cookie_wdays[] = {
    "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"
};

static const char  *ngx_sg_cookie_mons[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static ngx_str_t  ngx_sg_samesite_attrs[] = {
    ngx_null_string,
    ngx_string("; SameSite=Lax"),
    ngx_string("; SameSite=Strict"),
    ngx_string("; SameSite=None")
};


ngx_int_t
ngx_sg_cookie_parse(ngx_str_t *header, ngx_str_t *name, ngx_str_t *value)
{
    u_char  *p, *last, *eq;

    p = header->data;
    last = ngx_strlchr(p, p + header->len, ';');

    if (last == NULL) {
        last = p + header->len;
    }

    eq = ngx_strlchr(p, last, '=');

    if (eq == NULL) {
        return NGX_DECLINED;
    }

    name->data = p;
    name->len = eq - p;
    ngx_sg_cookie_trim(name);

    if (name->len == 0) {
        return NGX_DECLINED;
    }

    value->data = eq + 1;
    value->len = last - value->data;
    ngx_sg_cookie_trim(value);

    return NGX_OK;
}


ngx_int_t
ngx_sg_cookie_rewrite(ngx_pool_t *pool, ngx_str_t *in,
    ngx_sg_cookie_rules_t *rules, ngx_str_t *out)
{
    u_char                *p, *last, *nv, *o;
    time_t                 t, delta, max_age, expires, eff, n;
    ngx_uint_t             has_max_age, has_expires, lifetime, invalid;
    ngx_uint_t             future, exceeds, secure, httponly, samesite;
    ngx_uint_t             action;
    ngx_sg_cookie_attr_t   a;

    if (in->len > NGX_SG_COOKIE_MAX_LEN) {
        return NGX_DECLINED;
    }

    p = in->data;
    last = p + in->len;

    nv = ngx_strlchr(p, last, ';');

    if (nv == NULL) {
        nv = last;
    }

    has_max_age = 0;
    has_expires = 0;
    max_age = 0;
    expires = 0;
    lifetime = 0;
    invalid = 0;
    future = 0;
    exceeds = 0;
    secure = 0;
    httponly = 0;
    samesite = 0;

    /* the last valid Max-Age, else the last valid Expires (5.3 step 3) */

    for (p = nv; p < last; /* void */) {
        p = ngx_sg_cookie_attr(p, last, &a);

        switch (a.type) {

        case NGX_SG_ATTR_MAX_AGE:
            lifetime = 1;

            if (ngx_sg_cookie_max_age(&a.value, &delta) != NGX_OK) {
                invalid = 1;
                break;
            }

            has_max_age = 1;
            max_age = delta;

            if (delta > 0) {
                future = 1;
            }

            if (rules->cap >= 0 && delta > rules->cap) {
                exceeds = 1;
            }

            break;

        case NGX_SG_ATTR_EXPIRES:
            lifetime = 1;

            if (ngx_sg_cookie_parse_date(a.value.data, a.value.len, &t)
                != NGX_OK)
            {
                invalid = 1;
                break;
            }

            has_expires = 1;
            expires = t;

            if (t > rules->now) {
                future = 1;
            }

            if (rules->cap >= 0 && t - rules->now > rules->cap) {
                exceeds = 1;
            }

            break;

        case NGX_SG_ATTR_SECURE:
            secure = 1;
            break;

        case NGX_SG_ATTR_HTTPONLY:
            httponly = 1;
            break;

        case NGX_SG_ATTR_SAMESITE:
            samesite = 1;
            break;

        default:
            break;
        }
    }

    n = 0;
    eff = 0;

    if (has_max_age) {
        eff = (max_age <= 0) ? 0 : rules->now + max_age;

    } else if (has_expires) {
        eff = expires;
    }

    if (rules->expire) {
        /* a deletion already, for every reader: kept as it is */
        action = ((has_max_age || has_expires) && eff <= rules->now
                  && !future && !invalid)
                 ? NGX_SG_LIFE_KEEP : NGX_SG_LIFE_WRITE;

    } else if (!has_max_age && !has_expires) {
        /* a browser-session cookie; unreadable lifetimes are dropped */
        action = lifetime ? NGX_SG_LIFE_STRIP : NGX_SG_LIFE_KEEP;

    } else {
        if (eff <= rules->now) {
            /* a deletion stays one, for every reader */
            action = (future || invalid) ? NGX_SG_LIFE_WRITE
                                         : NGX_SG_LIFE_KEEP;

        } else if (rules->session) {
            action = NGX_SG_LIFE_STRIP;

        } else if (rules->cap >= 0 && (exceeds || invalid)) {
            action = NGX_SG_LIFE_WRITE;
            n = eff - rules->now;

            if (n > rules->cap) {
                n = rules->cap;
            }

        } else {
            action = NGX_SG_LIFE_KEEP;
        }
    }

    secure = rules->secure && !secure;
    httponly = rules->httponly && !httponly;
    samesite = (rules->samesite != NGX_SG_SAMESITE_UNSET
                && rules->samesite <= NGX_SG_SAMESITE_NONE && !samesite)
               ? rules->samesite : NGX_SG_SAMESITE_UNSET;

    if (action == NGX_SG_LIFE_KEEP && !secure && !httponly && !samesite) {
        *out = *in;
        return NGX_OK;
    }

    o = ngx_pnalloc(pool, in->len
                          + sizeof("; Max-Age=; Expires=") - 1
                          + NGX_SG_TIME_T_LEN + NGX_SG_COOKIE_DATE_LEN
                          + sizeof("; Secure; HttpOnly") - 1
                          + sizeof("; SameSite=Strict") - 1);
    if (o == NULL) {
        return NGX_ERROR;
    }

    out->data = o;
    o = ngx_cpymem(o, in->data, nv - in->data);

    /* every other attribute byte for byte, with its ';' and spacing */

    for (p = nv; p < last; /* void */) {
        p = ngx_sg_cookie_attr(p, last, &a);

        if (action != NGX_SG_LIFE_KEEP
            && (a.type == NGX_SG_ATTR_MAX_AGE
                || a.type == NGX_SG_ATTR_EXPIRES))
        {
            continue;
        }

        o = ngx_cpymem(o, a.start, a.end - a.start);
    }

    if (action == NGX_SG_LIFE_WRITE) {
        o = ngx_cpymem(o, "; Max-Age=", sizeof("; Max-Age=") - 1);
        o = ngx_sg_cookie_num(o, n);
        o = ngx_cpymem(o, "; Expires=", sizeof("; Expires=") - 1);
        o = ngx_sg_cookie_date(o, n ? rules->now + n : 0);
    }

    o = ngx_sg_cookie_flags(o, secure, httponly, samesite);

    out->len = o - out->data;

    return NGX_OK;
}


ngx_int_t
ngx_sg_cookie_delete(ngx_pool_t *pool, ngx_str_t *name, ngx_str_t *path,
    ngx_str_t *domain, ngx_sg_cookie_rules_t *rules, ngx_str_t *out)
{
    u_char  *p;

    p = ngx_pnalloc(pool, name->len + path->len + domain->len
                          + sizeof("=; Max-Age=0; Expires=") - 1
                          + NGX_SG_COOKIE_DATE_LEN
                          + sizeof("; Path=; Domain=") - 1
                          + sizeof("; Secure; HttpOnly") - 1
                          + sizeof("; SameSite=Strict") - 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    out->data = p;

    p = ngx_cpymem(p, name->data, name->len);
    p = ngx_cpymem(p, "=; Max-Age=0; Expires=",
                   sizeof("=; Max-Age=0; Expires=") - 1);
    p = ngx_sg_cookie_date(p, 0);

    if (path->len) {
        p = ngx_cpymem(p, "; Path=", sizeof("; Path=") - 1);
        p = ngx_cpymem(p, path->data, path->len);
    }

    if (domain->len) {
        p = ngx_cpymem(p, "; Domain=", sizeof("; Domain=") - 1);
        p = ngx_cpymem(p, domain->data, domain->len);
    }

    p = ngx_sg_cookie_flags(p, rules->secure, rules->httponly,
                            rules->samesite <= NGX_SG_SAMESITE_NONE
                            ? rules->samesite : NGX_SG_SAMESITE_UNSET);

    out->len = p - out->data;

    return NGX_OK;
}


/*
 * RFC 6265 section 5.1.1: tokens between delimiters, the first that fits
 * each of time, day of month, month and year, in that order of trial.
 */

ngx_int_t
ngx_sg_cookie_parse_date(u_char *p, size_t len, time_t *t)
{
    u_char      *last, *start, *q;
    ngx_uint_t   i, n, hour, min, sec, day, month, year;
    ngx_uint_t   found_time, found_day, found_month, found_year;

    static const u_char  mdays[] = {
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    last = p + len;
    found_time = 0;
    found_day = 0;
    found_month = 0;
    found_year = 0;
    hour = 0;
    min = 0;
    sec = 0;
    day = 0;
    month = 0;
    year = 0;

    while (p < last) {

        while (p < last && ngx_sg_cookie_delimiter(*p)) {
            p++;
        }

        start = p;

        while (p < last && !ngx_sg_cookie_delimiter(*p)) {
            p++;
        }

        if (start == p) {
            break;
        }

        /* hms-time = time-field ":" time-field ":" time-field */

        if (!found_time) {
            q = start;
            n = ngx_sg_cookie_digits(q, p, 1, 2, &hour);

            if (n && q + n < p && q[n] == ':') {
                q += n + 1;
                n = ngx_sg_cookie_digits(q, p, 1, 2, &min);

                if (n && q + n < p && q[n] == ':') {
                    q += n + 1;
                    n = ngx_sg_cookie_digits(q, p, 1, 2, &sec);

                    if (n) {
                        found_time = 1;
                        continue;
                    }
                }
            }
        }

        if (!found_day && ngx_sg_cookie_digits(start, p, 1, 2, &day)) {
            found_day = 1;
            continue;
        }

        if (!found_month && p - start >= 3) {
            for (i = 0; i < 12; i++) {
                if (ngx_strncasecmp(start, (u_char *) ngx_sg_cookie_months[i],
                                    3)
                    == 0)
                {
                    break;
                }
            }

            if (i < 12) {
                month = i + 1;
                found_month = 1;
                continue;
            }
        }

        if (!found_year && ngx_sg_cookie_digits(start, p, 2, 4, &year)) {
            found_year = 1;
            continue;
        }
    }

    if (!found_time || !found_day || !found_month || !found_year) {
        return NGX_DECLINED;
    }

    if (year >= 70 && year <= 99) {
        year += 1900;

    } else if (year <= 69) {
        year += 2000;
    }

    if (day < 1 || day > mdays[month - 1] || year < 1601 || hour > 23
        || min > 59 || sec > 59)
    {
        return NGX_DECLINED;
    }

    if (month == 2 && day == 29
        && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    {
        return NGX_DECLINED;
    }

    *t = ngx_sg_cookie_days(year, month, day) * 86400
         + (time_t) (hour * 3600 + min * 60 + sec);

    return NGX_OK;
}


u_char *
ngx_sg_cookie_date(u_char *p, time_t t)
{
    time_t      z, era, doe, yoe, doy, mp, y, m, d, s;

    if (t < 0) {
        t = 0;
    }

    /* 9999-12-31 23:59:59 */
    if (t > (time_t) 253402300799LL) {
        t = (time_t) 253402300799LL;
    }

    z = t / 86400;
    s = t % 86400;

    p = ngx_cpymem(p, ngx_sg_cookie_wdays[z % 7], 3);

    /* days to a civil date (H. Hinnant's algorithm), z >= 0 */

    z += 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += (m <= 2);

    *p++ = ',';
    *p++ = ' ';
    p = ngx_sg_cookie_2d(p, d);
    *p++ = ' ';
    p = ngx_cpymem(p, ngx_sg_cookie_mons[m - 1], 3);
    *p++ = ' ';
    p = ngx_sg_cookie_2d(p, y / 100);
    p = ngx_sg_cookie_2d(p, y % 100);
    *p++ = ' ';
    p = ngx_sg_cookie_2d(p, s / 3600);
    *p++ = ':';
    p = ngx_sg_cookie_2d(p, s % 3600 / 60);
    *p++ = ':';
    p = ngx_sg_cookie_2d(p, s % 60);

    return ngx_cpymem(p, " GMT", 4);
}


ngx_int_t
ngx_sg_cookie_valid_name(ngx_str_t *name)
{
    u_char      c;
    ngx_uint_t  i;

    if (name->len == 0) {
        return NGX_DECLINED;
    }

    for (i = 0; i < name->len; i++) {
        c = name->data[i];

        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z'))
        {
            continue;
        }

        switch (c) {
        case '!': case '#': case '$': case '%': case '&': case '\'':
        case '*': case '+': case '-': case '.': case '^': case '_':
        case '`': case '|': case '~':
            continue;
        }

        return NGX_DECLINED;
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_cookie_next(ngx_str_t *header, ngx_str_t *name, size_t *pos,
    ngx_str_t *value)
{
    u_char     *p, *last, *end, *eq;
    ngx_str_t   pair;

    if (*pos >= header->len || name->len == 0) {
        *pos = header->len;
        return NGX_DECLINED;
    }

    p = header->data + *pos;
    last = header->data + header->len;

    while (p < last) {

        for (end = p; end < last && *end != ';' && *end != ','; end++) {
            /* void */
        }

        eq = ngx_strlchr(p, end, '=');

        pair.data = p;
        pair.len = (eq ? eq : end) - p;

        p = (end < last) ? end + 1 : last;

        while (pair.len && ngx_sg_cookie_space(pair.data[0])) {
            pair.data++;
            pair.len--;
        }

        while (pair.len && ngx_sg_cookie_space(pair.data[pair.len - 1])) {
            pair.len--;
        }

        if (!ngx_sg_cookie_name_is(&pair, name)) {
            continue;
        }

        if (eq) {
            value->data = eq + 1;
            value->len = end - value->data;

            while (value->len && ngx_sg_cookie_space(value->data[0])) {
                value->data++;
                value->len--;
            }

            while (value->len
                   && ngx_sg_cookie_space(value->data[value->len - 1]))
            {
                value->len--;
            }

        } else {
            value->data = end;
            value->len = 0;
        }

        *pos = p - header->data;

        return NGX_OK;
    }

    *pos = header->len;

    return NGX_DECLINED;
}


/* one attribute from its ';' at p; returns where the next one starts */

static u_char *
ngx_sg_cookie_attr(u_char *p, u_char *last, ngx_sg_cookie_attr_t *a)
{
    u_char  *end, *eq;

    a->start = p;

    end = ngx_strlchr(p + 1, last, ';');

    if (end == NULL) {
        end = last;
    }

    a->end = end;

    eq = ngx_strlchr(p + 1, end, '=');

    a->name.data = p + 1;
    a->name.len = (eq ? eq : end) - a->name.data;
    ngx_sg_cookie_trim(&a->name);

    if (eq) {
        a->value.data = eq + 1;
        a->value.len = end - a->value.data;
        ngx_sg_cookie_trim(&a->value);

    } else {
        a->value.data = end;
        a->value.len = 0;
    }

    a->type = NGX_SG_ATTR_OTHER;

    switch (a->name.len) {

    case 6:
        if (ngx_strncasecmp(a->name.data, (u_char *) "secure", 6) == 0) {
            a->type = NGX_SG_ATTR_SECURE;
        }
        break;

    case 7:
        if (ngx_strncasecmp(a->name.data, (u_char *) "expires", 7) == 0) {
            a->type = NGX_SG_ATTR_EXPIRES;

        } else if (ngx_strncasecmp(a->name.data, (u_char *) "max-age", 7)
                   == 0)
        {
            a->type = NGX_SG_ATTR_MAX_AGE;
        }
        break;

    case 8:
        if (ngx_strncasecmp(a->name.data, (u_char *) "httponly", 8) == 0) {
            a->type = NGX_SG_ATTR_HTTPONLY;

        } else if (ngx_strncasecmp(a->name.data, (u_char *) "samesite", 8)
                   == 0)
        {
            a->type = NGX_SG_ATTR_SAMESITE;
        }
        break;
    }

    return end;
}


/*
 * RFC 6265 section 5.2.2: a DIGIT or '-', then only DIGITs; anything else
 * is ignored by browsers (NGX_DECLINED).  Values saturate.
 */

static ngx_int_t
ngx_sg_cookie_max_age(ngx_str_t *value, time_t *delta)
{
    u_char      *p, *last;
    time_t       n;
    ngx_uint_t   neg;

    p = value->data;
    last = p + value->len;

    if (p == last) {
        return NGX_DECLINED;
    }

    neg = (*p == '-');

    if (neg) {
        p++;

        if (p == last) {
            return NGX_DECLINED;
        }
    }

    n = 0;

    for ( /* void */ ; p < last; p++) {
        if (*p < '0' || *p > '9') {
            return NGX_DECLINED;
        }

        if (n < NGX_SG_COOKIE_MAX_AGE_MAX) {
            n = n * 10 + (*p - '0');
        }
    }

    if (n > NGX_SG_COOKIE_MAX_AGE_MAX) {
        n = NGX_SG_COOKIE_MAX_AGE_MAX;
    }

    *delta = neg ? -n : n;

    return NGX_OK;
}


static void
ngx_sg_cookie_trim(ngx_str_t *s)
{
    while (s->len && (s->data[0] == ' ' || s->data[0] == '\t')) {
        s->data++;
        s->len--;
    }

    while (s->len
           && (s->data[s->len - 1] == ' ' || s->data[s->len - 1] == '\t'))
    {
        s->len--;
    }
}


static ngx_uint_t
ngx_sg_cookie_space(u_char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}


/*
 * Whether a trimmed pair name is "name": percent-decoded, without case,
 * a '_' of "name" matching any byte PHP turns into '_'.
 */

static ngx_uint_t
ngx_sg_cookie_name_is(ngx_str_t *pair, ngx_str_t *name)
{
    u_char      c, w, *p, *last;
    ngx_int_t   v;
    ngx_uint_t  i;

    p = pair->data;
    last = p + pair->len;

    for (i = 0; i < name->len; i++) {

        if (p == last) {
            return 0;
        }

        c = *p++;

        /* as PHP decodes: a bad escape is taken literally */

        if (c == '%') {
            v = ngx_sg_percent_byte(p - 1, last);

            if (v >= 0) {
                c = (u_char) v;
                p += 2;
            }
        }

        w = name->data[i];

        if (w == '_' && (c == '.' || c == ' ' || c == '+' || c == '[')) {
            continue;
        }

        if (ngx_tolower(c) != ngx_tolower(w)) {
            return 0;
        }
    }

    return p == last;
}


/* %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E */

static ngx_uint_t
ngx_sg_cookie_delimiter(u_char c)
{
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40)
           || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}


/*
 * min..max DIGITs at p, then the end or a non-digit: how many digits (the
 * number in *value), or 0 if p does not start so.
 */

static ngx_uint_t
ngx_sg_cookie_digits(u_char *p, u_char *last, ngx_uint_t min,
    ngx_uint_t max, ngx_uint_t *value)
{
    ngx_uint_t  n, v;

    n = 0;
    v = 0;

    while (p + n < last && p[n] >= '0' && p[n] <= '9') {
        if (n == max) {
            return 0;
        }

        v = v * 10 + (p[n] - '0');
        n++;
    }

    if (n < min) {
        return 0;
    }

    *value = v;

    return n;
}


/* days since 1970-01-01 of a civil date (H. Hinnant's algorithm) */

static time_t
ngx_sg_cookie_days(ngx_uint_t y, ngx_uint_t m, ngx_uint_t d)
{
    time_t  era, yoe, doy, doe, year;

    year = (time_t) y - (m <= 2);
    era = year / 400;
    yoe = year - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


static u_char *
ngx_sg_cookie_num(u_char *p, time_t n)
{
    u_char   buf[NGX_SG_TIME_T_LEN], *q;

    q = buf + sizeof(buf);

    do {
        *--q = (u_char) ('0' + n % 10);
        n /= 10;
    } while (n && q > buf);

    return ngx_cpymem(p, q, buf + sizeof(buf) - q);
}


static u_char *
ngx_sg_cookie_2d(u_char *p, ngx_uint_t n)
{
    *p++ = (u_char) ('0' + n / 10 % 10);
    *p++ = (u_char) ('0' + n % 10);

    return p;
}


static u_char *
ngx_sg_cookie_flags(u_char *p, ngx_uint_t secure, ngx_uint_t httponly,
    ngx_uint_t samesite)
{
    if (secure) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    if (httponly) {
        p = ngx_cpymem(p, "; HttpOnly", sizeof("; HttpOnly") - 1);
    }

    if (samesite) {
        p = ngx_cpymem(p, ngx_sg_samesite_attrs[samesite].data,
                       ngx_sg_samesite_attrs[samesite].len);
    }

    return p;
}
