
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Set-Cookie parsing and lifetime rewriting, the Cookie request header
 * reader (ngx_sg_cookie.c)
 */


#include "sg_test.h"

#include "ngx_sg_cookie.h"


/* 2021-06-09 10:18:14 UTC, a Wednesday */
#define NOW  ((time_t) 1623233894)


static ngx_sg_cookie_rules_t
rules(ngx_uint_t session, time_t cap)
{
    ngx_sg_cookie_rules_t  r;

    memset(&r, 0, sizeof(r));
    r.now = NOW;
    r.session = session;
    r.cap = cap;

    return r;
}


static char *
rewrite(const char *in, ngx_sg_cookie_rules_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  s, out;

    s = sg_str(in);

    rc = ngx_sg_cookie_rewrite(sg_pool, &s, r, &out);
    assert_int_equal(rc, NGX_OK);

    return sg_printf("%.*s", (int) out.len, out.data);
}


/* unchanged: the very same bytes, not a copy */

static void
same(const char *in, ngx_sg_cookie_rules_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  s, out;

    s = sg_str(in);

    rc = ngx_sg_cookie_rewrite(sg_pool, &s, r, &out);
    assert_int_equal(rc, NGX_OK);

    if (out.data != s.data || out.len != s.len) {
        fail_msg("\"%s\" changed to \"%.*s\"", in, (int) out.len, out.data);
    }
}


static void
test_parse(void **state)
{
    ngx_str_t  h, name, value;

    h = sg_str("PHPSESSID=abc123; Path=/; HttpOnly");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_OK);
    assert_int_equal(name.len, 9);
    assert_memory_equal(name.data, "PHPSESSID", 9);
    assert_int_equal(value.len, 6);
    assert_memory_equal(value.data, "abc123", 6);

    /* white space around name and value, quotes kept */
    h = sg_str(" \tSID \t=  \"a b\"  ;Path=/");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_OK);
    assert_int_equal(name.len, 3);
    assert_memory_equal(name.data, "SID", 3);
    assert_int_equal(value.len, 5);
    assert_memory_equal(value.data, "\"a b\"", 5);

    /* empty value, '=' in the value */
    h = sg_str("SID=");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_OK);
    assert_int_equal(value.len, 0);

    h = sg_str("SID=a=b==; x=y");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_OK);
    assert_int_equal(value.len, 5);
    assert_memory_equal(value.data, "a=b==", 5);

    /* no '=' before the first ';', or an empty name: no cookie to match */
    h = sg_str("PHPSESSID");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_DECLINED);
    h = sg_str("PHPSESSID; Path=/x=y");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_DECLINED);
    h = sg_str("=abc; Path=/");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_DECLINED);
    h = sg_str("  =abc");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_DECLINED);
    h = sg_str("");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_DECLINED);
    h = sg_str(";");
    assert_int_equal(ngx_sg_cookie_parse(&h, &name, &value), NGX_DECLINED);
}


static void
test_dates(void **state)
{
    u_char     buf[NGX_SG_COOKIE_DATE_LEN + 1], *p;
    time_t     t;
    ngx_str_t  s;

    p = ngx_sg_cookie_date(buf, NOW);
    assert_int_equal(p - buf, NGX_SG_COOKIE_DATE_LEN);
    assert_memory_equal(buf, "Wed, 09 Jun 2021 10:18:14 GMT", p - buf);

    p = ngx_sg_cookie_date(buf, 0);
    assert_memory_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT", p - buf);

    p = ngx_sg_cookie_date(buf, 951782400);  /* leap day */
    assert_memory_equal(buf, "Tue, 29 Feb 2000 00:00:00 GMT", p - buf);

    p = ngx_sg_cookie_date(buf, (time_t) 253402300799LL);
    assert_memory_equal(buf, "Fri, 31 Dec 9999 23:59:59 GMT", p - buf);

    p = ngx_sg_cookie_date(buf, (time_t) 999999999999LL);  /* clamped */
    assert_memory_equal(buf, "Fri, 31 Dec 9999 23:59:59 GMT", p - buf);

    p = ngx_sg_cookie_date(buf, -5);
    assert_memory_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT", p - buf);

#define DATE(str, want)                                                      \
    s = sg_str(str);                                                         \
    assert_int_equal(ngx_sg_cookie_parse_date(s.data, s.len, &t), NGX_OK);   \
    assert_int_equal(t, (time_t) (want))

#define NODATE(str)                                                          \
    s = sg_str(str);                                                         \
    assert_int_equal(ngx_sg_cookie_parse_date(s.data, s.len, &t),            \
                     NGX_DECLINED)

    /* the forms servers send */
    DATE("Wed, 09 Jun 2021 10:18:14 GMT", NOW);
    DATE("Wednesday, 09-Jun-21 10:18:14 GMT", NOW);
    DATE("Wed Jun  9 10:18:14 2021", NOW);
    DATE("Wed, 09-Jun-2021 10:18:14 GMT", NOW);
    DATE("Thu, 01-Jan-1970 00:00:01 GMT", 1);
    DATE("Thu, 01 Jan 1970 00:00:00 GMT", 0);

    /* as leniently as RFC 6265 5.1.1 */
    DATE("9 june 2021 10:18:14", NOW);
    DATE("10:18:14 2021 JUN 09", NOW);
    DATE("  09 Jun 2021 10:18:14Z  ", NOW);
    DATE("09 Jun 2021 1:2:3", 1623196800 + 3723);
    DATE("01 Jan 69 00:00:00", 3124224000LL);      /* 2069 */
    DATE("01 Jan 70 00:00:00", 0);
    DATE("01 Jan 1601 00:00:00", -11644473600LL);
    DATE("29 Feb 2000 00:00:00", 951782400);

    NODATE("");
    NODATE("tomorrow");
    NODATE("Wed, 09 Jun 2021");              /* no time */
    NODATE("Wed, Jun 2021 10:18:14 GMT");     /* no day: 2021 is a year */
    NODATE("Wed, 09 2021 10:18:14 GMT");      /* no month */
    NODATE("32 Jun 2021 10:18:14");
    NODATE("31 Jun 2021 10:18:14");
    NODATE("29 Feb 2021 10:18:14");
    NODATE("29 Feb 1900 10:18:14");
    NODATE("09 Jun 2021 24:00:00");
    NODATE("09 Jun 2021 10:60:00");
    NODATE("09 Jun 1600 10:18:14");
    NODATE("09 Jun 20210 10:18:14");
    NODATE("0 Jun 2021 10:18:14");
    NODATE("09 Jun 2021 100:18:14");
}


static void
test_session_mode(void **state)
{
    ngx_sg_cookie_rules_t  r;

    r = rules(1, -1);

    assert_string_equal(
        rewrite("PHPSESSID=abc; Max-Age=86400; Path=/; HttpOnly", &r),
        "PHPSESSID=abc; Path=/; HttpOnly");

    assert_string_equal(
        rewrite("SID=1; expires=Thu, 09 Jun 2022 10:18:14 GMT; path=/", &r),
        "SID=1; path=/");

    /* every one of them, whatever the case and spacing */
    assert_string_equal(
        rewrite("SID=1;Path=/app ;  EXPIRES = Thu, 09 Jun 2022 10:18:14 GMT"
                ";max-AGE=5;  Domain=.example.com;MAX-AGE=99;Secure", &r),
        "SID=1;Path=/app ;  Domain=.example.com;Secure");

    /* at the end, or alone */
    assert_string_equal(rewrite("SID=1; Max-Age=60", &r), "SID=1");
    assert_string_equal(rewrite("SID=1;Max-Age=60;", &r), "SID=1;");

    /* already a browser-session cookie: untouched */
    same("SID=1; Path=/; HttpOnly", &r);
    same("SID=1", &r);
    same("SID=\"quoted; not=an attribute\"", &r);

    /* a deletion stays a deletion */
    same("SID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0;"
         " path=/", &r);
    same("SID=; Max-Age=0", &r);
    same("SID=; Max-Age=-1", &r);
    same("SID=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", &r);

    /* Max-Age decides over Expires (RFC 6265 5.3) */
    assert_string_equal(
        rewrite("SID=1; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
                &r),
        "SID=1; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    assert_string_equal(
        rewrite("SID=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60",
                &r),
        "SID=1");

    /* Max-Age values browsers ignore: dropped */
    assert_string_equal(rewrite("SID=1; Max-Age=1e9", &r), "SID=1");
    assert_string_equal(rewrite("SID=1; Max-Age", &r), "SID=1");
    assert_string_equal(rewrite("SID=1; Max-Age=", &r), "SID=1");
    assert_string_equal(rewrite("SID=1; Max-Age=+60", &r), "SID=1");
    assert_string_equal(rewrite("SID=1; Max-Age=-", &r), "SID=1");
    assert_string_equal(rewrite("SID=1; Expires=soon", &r), "SID=1");
}


static void
test_cap(void **state)
{
    ngx_sg_cookie_rules_t  r;

    r = rules(0, 3600);

    assert_string_equal(
        rewrite("PHPSESSID=abc; Max-Age=86400; Path=/; HttpOnly", &r),
        "PHPSESSID=abc; Path=/; HttpOnly; Max-Age=3600;"
        " Expires=Wed, 09 Jun 2021 11:18:14 GMT");

    assert_string_equal(
        rewrite("SID=1; Expires=Thu, 09 Jun 2022 10:18:14 GMT; Path=/", &r),
        "SID=1; Path=/; Max-Age=3600; Expires=Wed, 09 Jun 2021 11:18:14 GMT");

    /* within the cap: untouched */
    same("SID=1; Max-Age=600; Path=/", &r);
    same("SID=1; Max-Age=3600", &r);
    same("SID=1; Expires=Wed, 09 Jun 2021 10:28:14 GMT", &r);
    same("SID=1; Max-Age=600; Expires=Wed, 09 Jun 2021 10:28:14 GMT", &r);

    /* one reading within, another beyond: both made the effective one */
    assert_string_equal(
        rewrite("SID=1; Max-Age=600; Expires=Thu, 09 Jun 2022 10:18:14 GMT",
                &r),
        "SID=1; Max-Age=600; Expires=Wed, 09 Jun 2021 10:28:14 GMT");
    assert_string_equal(
        rewrite("SID=1; Max-Age=999999; Max-Age=600", &r),
        "SID=1; Max-Age=600; Expires=Wed, 09 Jun 2021 10:28:14 GMT");

    /* one that cannot be read could mean anything: rewritten */
    assert_string_equal(
        rewrite("SID=1; Max-Age=600; Expires=someday", &r),
        "SID=1; Max-Age=600; Expires=Wed, 09 Jun 2021 10:28:14 GMT");

    /* a browser-session cookie is not made persistent */
    same("SID=1; Path=/", &r);
    assert_string_equal(rewrite("SID=1; Expires=never; Path=/", &r),
                        "SID=1; Path=/");

    /* deletions stay */
    same("SID=; Max-Age=0; Path=/", &r);
    same("SID=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", &r);

    /* a cap of 0: the session has no time left */
    r = rules(0, 0);
    assert_string_equal(
        rewrite("SID=1; Max-Age=60", &r),
        "SID=1; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");

    /* no cap: untouched */
    r = rules(0, -1);
    same("SID=1; Max-Age=999999999", &r);
    same("SID=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", &r);

    /* huge values saturate, no overflow */
    r = rules(0, 60);
    assert_string_equal(
        rewrite("SID=1; Max-Age=99999999999999999999999999999999", &r),
        "SID=1; Max-Age=60; Expires=Wed, 09 Jun 2021 10:19:14 GMT");
    assert_string_equal(
        rewrite("SID=1; Max-Age=-99999999999999999999999999999999", &r),
        "SID=1; Max-Age=-99999999999999999999999999999999");
}


static void
test_expire(void **state)
{
    ngx_sg_cookie_rules_t  r;

    r = rules(0, -1);
    r.expire = 1;

    /* whatever its lifetime: a persistent cookie, a session cookie */
    assert_string_equal(
        rewrite("SID=1; Max-Age=600; Path=/", &r),
        "SID=1; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    assert_string_equal(
        rewrite("SID=1; Path=/", &r),
        "SID=1; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    assert_string_equal(
        rewrite("SID=1; Expires=later", &r),
        "SID=1; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");

    /* a deletion for every reader stays as it is; a doubtful one not */
    same("SID=; Max-Age=0; Path=/", &r);
    same("SID=x; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0", &r);
    assert_string_equal(
        rewrite("SID=; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
                &r),
        "SID=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");

    /* over the other rules */
    r.session = 1;
    r.cap = 60;
    assert_string_equal(
        rewrite("SID=1; Max-Age=10", &r),
        "SID=1; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
}


static void
test_flags(void **state)
{
    ngx_sg_cookie_rules_t  r;

    r = rules(0, -1);
    r.secure = 1;
    r.httponly = 1;
    r.samesite = NGX_SG_SAMESITE_LAX;

    assert_string_equal(rewrite("SID=1; Path=/", &r),
                        "SID=1; Path=/; Secure; HttpOnly; SameSite=Lax");

    /* present in any case or form: not added again, not changed */
    same("SID=1; secure; HTTPONLY; samesite=None", &r);
    same("SID=1;Secure=yes;HttpOnly ;SameSite", &r);
    assert_string_equal(rewrite("SID=1; SameSite=Strict", &r),
                        "SID=1; SameSite=Strict; Secure; HttpOnly");

    /* a look-alike is no flag */
    assert_string_equal(rewrite("SID=1; NotSecure; X-HttpOnly", &r),
                        "SID=1; NotSecure; X-HttpOnly; Secure; HttpOnly;"
                        " SameSite=Lax");

    r.secure = 0;
    r.httponly = 0;
    r.samesite = NGX_SG_SAMESITE_STRICT;
    assert_string_equal(rewrite("SID=1", &r), "SID=1; SameSite=Strict");

    r.samesite = NGX_SG_SAMESITE_NONE;
    r.session = 1;
    assert_string_equal(rewrite("SID=1; Max-Age=10", &r),
                        "SID=1; SameSite=None");
}


static void
test_bytes_kept(void **state)
{
    ngx_sg_cookie_rules_t  r;

    r = rules(1, -1);

    /* empty attributes, odd spacing, unknown attributes, '=' in values */
    assert_string_equal(
        rewrite("  SID  =  v=1  ;;  ; Max-Age=10 ;Priority=High;"
                "Partitioned; X=\"a;\"", &r),
        "  SID  =  v=1  ;;  ;Priority=High;Partitioned; X=\"a;\"");

    /* a quoted value with "; Max-Age=" in it is cut at its ';' as
       browsers cut it: that Max-Age is an attribute */
    assert_string_equal(rewrite("SID=\"x; Max-Age=5\"; Path=/", &r),
                        "SID=\"x; Path=/");

    /* a name that only contains the attribute names */
    same("Max-Age=5; Path=/", &r);
    assert_string_equal(rewrite("Expires=1; Max-Age=5", &r), "Expires=1");
}


static void
test_limits(void **state)
{
    u_char                *big;
    ngx_int_t              rc;
    ngx_str_t              s, out;
    ngx_uint_t             i;
    ngx_sg_cookie_rules_t  r;

    r = rules(1, -1);

    /* the longest accepted, with many attributes */
    big = ngx_pnalloc(sg_pool, NGX_SG_COOKIE_MAX_LEN + 1);
    assert_non_null(big);

    memcpy(big, "SID=", 4);
    memset(big + 4, 'v', NGX_SG_COOKIE_MAX_LEN - 4);

    for (i = 100; i + 14 < NGX_SG_COOKIE_MAX_LEN; i += 14) {
        memcpy(big + i, "; Max-Age=123;", 14);
    }

    s.data = big;
    s.len = NGX_SG_COOKIE_MAX_LEN;

    rc = ngx_sg_cookie_rewrite(sg_pool, &s, &r, &out);
    assert_int_equal(rc, NGX_OK);
    assert_true(out.len < s.len);
    assert_null(strstr(sg_printf("%.*s", (int) out.len, out.data),
                       "Max-Age"));

    /* one byte more: refused */
    big[NGX_SG_COOKIE_MAX_LEN] = 'v';
    s.len = NGX_SG_COOKIE_MAX_LEN + 1;

    rc = ngx_sg_cookie_rewrite(sg_pool, &s, &r, &out);
    assert_int_equal(rc, NGX_DECLINED);

    /* no memory */
    s = sg_str("SID=1; Max-Age=5");
    ngx_stub_fail_after = 1;
    rc = ngx_sg_cookie_rewrite(sg_pool, &s, &r, &out);
    ngx_stub_fail_after = 0;
    assert_int_equal(rc, NGX_ERROR);
}


static void
test_delete(void **state)
{
    ngx_str_t              name, path, domain, out;
    ngx_sg_cookie_rules_t  r;

    r = rules(0, -1);
    name = sg_str("PHPSESSID");
    path = sg_str("/");
    domain = sg_str("");

    assert_int_equal(ngx_sg_cookie_delete(sg_pool, &name, &path, &domain,
                                          &r, &out),
                     NGX_OK);
    assert_int_equal(out.len, strlen("PHPSESSID=; Max-Age=0; Expires=Thu, "
                                     "01 Jan 1970 00:00:00 GMT; Path=/"));
    assert_memory_equal(out.data, "PHPSESSID=; Max-Age=0; Expires=Thu, "
                        "01 Jan 1970 00:00:00 GMT; Path=/", out.len);

    r.secure = 1;
    r.httponly = 1;
    r.samesite = NGX_SG_SAMESITE_STRICT;
    path = sg_str("");
    domain = sg_str("example.com");

    assert_int_equal(ngx_sg_cookie_delete(sg_pool, &name, &path, &domain,
                                          &r, &out),
                     NGX_OK);
    assert_string_equal(sg_printf("%.*s", (int) out.len, out.data),
                        "PHPSESSID=; Max-Age=0; Expires=Thu, 01 Jan 1970 "
                        "00:00:00 GMT; Domain=example.com; Secure; HttpOnly;"
                        " SameSite=Strict");

    /* what it makes, the rewriter leaves alone */
    r = rules(1, 10);
    r.secure = 1;
    r.httponly = 1;
    r.samesite = NGX_SG_SAMESITE_STRICT;
    same(sg_printf("%.*s", (int) out.len, out.data), &r);
}


static void
test_valid_name(void **state)
{
    ngx_str_t  s;

    s = sg_str("PHPSESSID");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_OK);
    s = sg_str("__Host-sid.v2~!#$%&'*+^_`|");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_OK);

    s = sg_str("");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_DECLINED);
    s = sg_str("a b");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_DECLINED);
    s = sg_str("a=b");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_DECLINED);
    s = sg_str("a;b");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_DECLINED);
    s = sg_str("a\"b");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_DECLINED);
    s = sg_str("caf\xc3\xa9");
    assert_int_equal(ngx_sg_cookie_valid_name(&s), NGX_DECLINED);
}


/*
 * Every pair named "name" in one Cookie header value, as
 * "value|value|..." (the values ngx_sg_cookie_next() gives, in order).
 */

static char *
find(const char *header, const char *name)
{
    char       *out;
    size_t      pos;
    ngx_str_t   h, n, v;
    ngx_uint_t  count;

    h = sg_str(header);
    n = sg_str(name);
    out = "";
    pos = 0;
    count = 0;

    while (ngx_sg_cookie_next(&h, &n, &pos, &v) == NGX_OK) {
        assert_true(pos <= h.len);
        assert_true(v.data >= h.data && v.data + v.len <= h.data + h.len);

        out = sg_printf("%s%s%.*s", out, count ? "|" : "", (int) v.len,
                        v.data);
        count++;
    }

    assert_int_equal(pos, h.len);

    return count ? out : NULL;
}


static void
test_find(void **state)
{
    size_t     pos;
    ngx_str_t  h, n, v;

    /* the plain cases */
    assert_string_equal(find("SID=abc", "SID"), "abc");
    assert_string_equal(find("a=1; SID=abc; b=2", "SID"), "abc");
    assert_string_equal(find("SID=", "SID"), "");
    assert_null(find("", "SID"));
    assert_null(find("a=1; b=2", "SID"));
    assert_null(find("SIDX=1; XSID=2; SI=3; S ID=4", "SID"));
    assert_null(find("a=SID; b=SID=1", "SID"));
    assert_string_equal(find("SID=a=b", "SID"), "a=b");

    /* duplicates, each spelling readers accept (issue 14, finding 3) */
    assert_string_equal(find("SID=fresh; SID=stolen", "SID"),
                        "fresh|stolen");
    assert_string_equal(find("SID =fresh; SID=stolen", "SID"),
                        "fresh|stolen");
    assert_string_equal(find("x=1, SID=fresh; SID=stolen", "SID"),
                        "fresh|stolen");
    assert_string_equal(find("SID=fresh, SID=stolen", "SID"),
                        "fresh|stolen");
    assert_string_equal(find("SID=fresh,SID=stolen", "SID"),
                        "fresh|stolen");
    assert_string_equal(find("SID=fresh;SID=stolen", "SID"),
                        "fresh|stolen");
    assert_string_equal(find("  SID\t = \tfresh \t;\tSID  =  stolen  ",
                             "SID"),
                        "fresh|stolen");
    assert_string_equal(find("SID=fresh; sid=stolen; Sid=x", "SID"),
                        "fresh|stolen|x");
    assert_string_equal(find("\vSID\f=a", "SID"), "a");

    /* no '=': a cookie with an empty value for some readers */
    assert_string_equal(find("SID=fresh; SID", "SID"), "fresh|");
    assert_string_equal(find("SID ;SID=x", "SID"), "|x");

    /* names percent-decoded and mangled as PHP does */
    assert_string_equal(find("%50HPSESSID=a; PHP%53ESSID=b; %70hpsessid=c",
                             "PHPSESSID"),
                        "a|b|c");
    assert_string_equal(find("MY.SID=a; MY SID=b; MY+SID=c; MY[SID=d; "
                             "MY%2ESID=e; MY_SID=f", "MY_SID"),
                        "a|b|c|d|e|f");
    assert_null(find("MY.SID=a", "MY-SID"));
    assert_null(find("%5=a; %=b; %%=c; SID%=d; %53I=e", "SID"));
    assert_string_equal(find("%53%49%44=a", "SID"), "a");
    assert_null(find("%2553ID=a", "SID"));

    /* quotes are not special: what is inside splits too */
    assert_string_equal(find("a=\"x; SID=y\"; SID=z", "SID"), "y\"|z");

    /* empty pairs, separators only */
    assert_null(find(";;,, ;", "SID"));
    assert_string_equal(find(";,SID=1;,", "SID"), "1");

    /* the position: resumable, past the end, an empty name */
    h = sg_str("SID=1; SID=2");
    n = sg_str("SID");
    pos = 0;
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_OK);
    assert_int_equal(pos, 6);
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_OK);
    assert_int_equal(v.len, 1);
    assert_int_equal(v.data[0], '2');
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_DECLINED);
    assert_int_equal(pos, h.len);

    pos = 100;
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_DECLINED);
    assert_int_equal(pos, h.len);

    pos = 0;
    n = sg_str("");
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_DECLINED);

    /* not NUL-terminated: nothing read past the length */
    h = sg_str("SID=1; SID=2");
    h.len = 5;
    n = sg_str("SID");
    assert_string_equal(find(sg_printf("%.*s", (int) h.len, h.data), "SID"),
                        "1");
    pos = 0;
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_OK);
    assert_int_equal(ngx_sg_cookie_next(&h, &n, &pos, &v), NGX_DECLINED);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_parse, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_dates, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_session_mode, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_cap, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_expire, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_flags, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_bytes_kept, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_limits, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_delete, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_valid_name, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_find, sg_setup, sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
