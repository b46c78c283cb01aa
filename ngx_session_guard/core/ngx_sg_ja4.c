
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * JA4 TLS client fingerprint.  The rules follow FoxIO-LLC/ja4
 * technical_details/JA4.md (BSD-3-Clause); where implementations of it
 * differ, the choice made here is noted next to the code.  The input is
 * hostile network data: every count is bounded before use, and the
 * parsers check each length against the bytes actually there.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>

#include "ngx_sg_ja4.h"
#include "ngx_sg_sha256.h"


#define NGX_SG_JA4_EXT_SNI         0x0000
#define NGX_SG_JA4_EXT_SIGALGS     0x000d
#define NGX_SG_JA4_EXT_ALPN        0x0010
#define NGX_SG_JA4_EXT_VERSIONS    0x002b

#define NGX_SG_JA4_A_LEN           10       /* "t13d1516h2" */
#define NGX_SG_JA4_HASH_LEN        12
#define NGX_SG_JA4_COUNT_MAX       99

#define NGX_SG_JA4_CIPHERS         0
#define NGX_SG_JA4_EXTENSIONS      1

/* one list item: 4 hex digits and a comma */
#define NGX_SG_JA4_ITEM_LEN        5
#define NGX_SG_JA4_CHUNK           64       /* items formatted per flush */


/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa */
#define ngx_sg_ja4_grease(v)                                                  \
    ((((v) & 0x0f0f) == 0x0a0a) && (((v) >> 8) == ((v) & 0xff)))

/* the ALPN rule's "alphanumeric": ASCII 0-9, A-Z, a-z only */
#define ngx_sg_ja4_alnum(c)                                                   \
    (((c) >= '0' && (c) <= '9') || ((c) >= 'A' && (c) <= 'Z')                 \
     || ((c) >= 'a' && (c) <= 'z'))


/* an extension whose payload JA4 reads, and its parser */

typedef ngx_int_t (*ngx_sg_ja4_ext_pt)(ngx_pool_t *pool,
    ngx_sg_ja4_hello_t *h, const u_char *data, size_t len);

typedef struct {
    uint16_t                    type;
    ngx_sg_ja4_ext_pt           parse;
} ngx_sg_ja4_ext_t;


/* where the text of a list goes: into a digest, or appended to memory */

typedef struct {
    EVP_MD_CTX                *md;
    u_char                    *pos;
} ngx_sg_ja4_sink_t;


static ngx_int_t ngx_sg_ja4_check(ngx_sg_ja4_hello_t *h);
static u_char *ngx_sg_ja4_a(ngx_sg_ja4_hello_t *h, u_char *p);
static u_char *ngx_sg_ja4_version(ngx_sg_ja4_hello_t *h, u_char *p);
static u_char *ngx_sg_ja4_alpn(ngx_str_t *alpn, u_char *p);
static u_char *ngx_sg_ja4_count(ngx_uint_t n, u_char *p);
static ngx_int_t ngx_sg_ja4_hash(ngx_sg_ja4_hello_t *h, ngx_uint_t part,
    ngx_uint_t flags, uint16_t *tmp, EVP_MD_CTX *md, u_char *p);
static ngx_int_t ngx_sg_ja4_part(ngx_sg_ja4_hello_t *h, ngx_uint_t part,
    ngx_uint_t flags, uint16_t *tmp, ngx_sg_ja4_sink_t *s, ngx_uint_t *n);
static ngx_uint_t ngx_sg_ja4_filter(uint16_t *dst, uint16_t *src,
    ngx_uint_t n, ngx_uint_t drop_sni_alpn);
static void ngx_sg_ja4_sort(uint16_t *v, ngx_uint_t n);
static ngx_int_t ngx_sg_ja4_put(ngx_sg_ja4_sink_t *s, u_char *p, size_t len);
static ngx_int_t ngx_sg_ja4_put_list(ngx_sg_ja4_sink_t *s, uint16_t *v,
    ngx_uint_t n);
static u_char *ngx_sg_ja4_hex(u_char *p, ngx_uint_t v);
static ngx_int_t ngx_sg_ja4_u16_list(ngx_pool_t *pool, const u_char *data,
    ngx_uint_t n, uint16_t **values, ngx_uint_t *nvalues);


static u_char  ngx_sg_ja4_hex_digits[] = "0123456789abcdef";


/* at most one of each: a second copy would be ambiguous */

static ngx_sg_ja4_ext_t  ngx_sg_ja4_exts[] = {
    { NGX_SG_JA4_EXT_VERSIONS, ngx_sg_ja4_parse_supported_versions },
    { NGX_SG_JA4_EXT_SIGALGS, ngx_sg_ja4_parse_sigalgs },
    { NGX_SG_JA4_EXT_ALPN, ngx_sg_ja4_parse_alpn }
};

#define NGX_SG_JA4_EXTS                                                      \
    (sizeof(ngx_sg_ja4_exts) / sizeof(ngx_sg_ja4_ext_t))


ngx_int_t
ngx_sg_ja4(ngx_sg_ja4_hello_t *h, ngx_uint_t flags, u_char *out)
{
    u_char       *p;
    ngx_int_t     rc;
    EVP_MD_CTX   *md;
    uint16_t      tmp[NGX_SG_JA4_MAX_VALUES];

    rc = ngx_sg_ja4_check(h);
    if (rc != NGX_OK) {
        return rc;
    }

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sg_ja4_a(h, out);
    *p++ = '_';

    rc = ngx_sg_ja4_hash(h, NGX_SG_JA4_CIPHERS, flags, tmp, md, p);

    if (rc == NGX_OK) {
        p += NGX_SG_JA4_HASH_LEN;
        *p++ = '_';

        rc = ngx_sg_ja4_hash(h, NGX_SG_JA4_EXTENSIONS, flags, tmp, md, p);
    }

    EVP_MD_CTX_free(md);

    return rc;
}


ngx_int_t
ngx_sg_ja4_raw(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h, ngx_uint_t flags,
    ngx_str_t *out)
{
    size_t              size;
    ngx_int_t           rc;
    ngx_uint_t          n;
    ngx_sg_ja4_sink_t   s;
    uint16_t            tmp[NGX_SG_JA4_MAX_VALUES];

    rc = ngx_sg_ja4_check(h);
    if (rc != NGX_OK) {
        return rc;
    }

    /* the counts are bounded by ngx_sg_ja4_check(): no overflow */

    size = NGX_SG_JA4_A_LEN + 3
           + NGX_SG_JA4_ITEM_LEN * (h->nciphers + h->nextensions
                                    + h->nsigalgs);

    out->data = ngx_pnalloc(pool, size);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    s.md = NULL;

    s.pos = ngx_sg_ja4_a(h, out->data);
    *s.pos++ = '_';

    rc = ngx_sg_ja4_part(h, NGX_SG_JA4_CIPHERS, flags, tmp, &s, &n);
    if (rc != NGX_OK) {
        return rc;
    }

    *s.pos++ = '_';

    rc = ngx_sg_ja4_part(h, NGX_SG_JA4_EXTENSIONS, flags, tmp, &s, &n);
    if (rc != NGX_OK) {
        return rc;
    }

    out->len = s.pos - out->data;

    return NGX_OK;
}


static ngx_int_t
ngx_sg_ja4_check(ngx_sg_ja4_hello_t *h)
{
    if (h->nciphers > NGX_SG_JA4_MAX_VALUES
        || h->nextensions > NGX_SG_JA4_MAX_VALUES
        || h->nversions > NGX_SG_JA4_MAX_VALUES
        || h->nsigalgs > NGX_SG_JA4_MAX_VALUES)
    {
        return NGX_DECLINED;
    }

    if ((h->nciphers && h->ciphers == NULL)
        || (h->nextensions && h->extensions == NULL)
        || (h->nversions && h->versions == NULL)
        || (h->nsigalgs && h->sigalgs == NULL)
        || (h->alpn.len && h->alpn.data == NULL))
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the readable first part, NGX_SG_JA4_A_LEN characters */

static u_char *
ngx_sg_ja4_a(ngx_sg_ja4_hello_t *h, u_char *p)
{
    ngx_uint_t  i, n, sni;

    *p++ = h->quic ? 'q' : 't';

    p = ngx_sg_ja4_version(h, p);

    sni = 0;

    for (i = 0; i < h->nextensions; i++) {
        if (h->extensions[i] == NGX_SG_JA4_EXT_SNI) {
            sni = 1;
            break;
        }
    }

    *p++ = sni ? 'd' : 'i';

    /*
     * Counted without GREASE only: SCSVs (0x00ff, 0x5600) and reserved
     * values count, as the specification says.
     */

    n = 0;

    for (i = 0; i < h->nciphers; i++) {
        n += !ngx_sg_ja4_grease(h->ciphers[i]);
    }

    p = ngx_sg_ja4_count(n, p);

    n = 0;

    for (i = 0; i < h->nextensions; i++) {
        n += !ngx_sg_ja4_grease(h->extensions[i]);
    }

    p = ngx_sg_ja4_count(n, p);

    return ngx_sg_ja4_alpn(&h->alpn, p);
}


/*
 * The highest supported_versions value without GREASE, else the
 * ClientHello's legacy version (also when every supported_versions value
 * is GREASE, a case the specification leaves open); the handshake
 * record's version is never used.
 */

static u_char *
ngx_sg_ja4_version(ngx_sg_ja4_hello_t *h, u_char *p)
{
    char        *s;
    ngx_uint_t   i, found, v;

    found = 0;
    v = 0;

    for (i = 0; i < h->nversions; i++) {
        if (!ngx_sg_ja4_grease(h->versions[i])
            && (!found || h->versions[i] > v))
        {
            v = h->versions[i];
            found = 1;
        }
    }

    if (!found) {
        v = h->legacy_version;
    }

    switch (v) {

    case 0x0304:
        s = "13";
        break;

    case 0x0303:
        s = "12";
        break;

    case 0x0302:
        s = "11";
        break;

    case 0x0301:
        s = "10";
        break;

    case 0x0300:
        s = "s3";
        break;

    case 0x0002:
        s = "s2";
        break;

    case 0xfeff:
        s = "d1";
        break;

    case 0xfefd:
        s = "d2";
        break;

    case 0xfefc:
        s = "d3";
        break;

    default:
        s = "00";
        break;
    }

    *p++ = s[0];
    *p++ = s[1];

    return p;
}


/*
 * JA4.md "ALPN Extension Value" (as revised in FoxIO-LLC/ja4 PR #156 for
 * issue #148): no ALPN, or an empty first value: "00"; otherwise the first
 * and last byte of the first protocol name (the same byte when it has
 * one), if both are ASCII alphanumeric; if either is not, the first and
 * last digit of the name's hex form: the high nibble of the first byte
 * and the low nibble of the last.  So 0xab gives "ab", 0x30 0xab "3b",
 * 0x30 0xab 0xcd 0x31 "01".  FoxIO's ja4-nginx-module, Wireshark, s2n-tls
 * and Suricata do this; FoxIO's older Python tool printed "99" for a
 * first byte above 0x7f instead (its issue #326 tracks moving to the
 * rule above), so "99" is not produced here.
 *
 * The first name is taken as it is, even a GREASE value (RFC 8701
 * reserves some for ALPN), like ja4-nginx-module and Wireshark.
 */

static u_char *
ngx_sg_ja4_alpn(ngx_str_t *alpn, u_char *p)
{
    u_char  first, last;

    if (alpn->len == 0) {
        *p++ = '0';
        *p++ = '0';
        return p;
    }

    first = alpn->data[0];
    last = alpn->data[alpn->len - 1];

    if (ngx_sg_ja4_alnum(first) && ngx_sg_ja4_alnum(last)) {
        *p++ = first;
        *p++ = last;

    } else {
        *p++ = ngx_sg_ja4_hex_digits[first >> 4];
        *p++ = ngx_sg_ja4_hex_digits[last & 0x0f];
    }

    return p;
}


static u_char *
ngx_sg_ja4_count(ngx_uint_t n, u_char *p)
{
    if (n > NGX_SG_JA4_COUNT_MAX) {
        n = NGX_SG_JA4_COUNT_MAX;
    }

    *p++ = (u_char) ('0' + n / 10);
    *p++ = (u_char) ('0' + n % 10);

    return p;
}


/* part b or c: 12 hex digits of SHA-256, or zeros for an empty list */

static ngx_int_t
ngx_sg_ja4_hash(ngx_sg_ja4_hello_t *h, ngx_uint_t part, ngx_uint_t flags,
    uint16_t *tmp, EVP_MD_CTX *md, u_char *p)
{
    u_char              digest[EVP_MAX_MD_SIZE];
    ngx_int_t           rc;
    ngx_uint_t          i, n;
    ngx_sg_ja4_sink_t   s;

    if (EVP_DigestInit_ex(md, ngx_sg_sha256(), NULL) != 1) {
        return NGX_ERROR;
    }

    s.md = md;
    s.pos = NULL;

    rc = ngx_sg_ja4_part(h, part, flags, tmp, &s, &n);
    if (rc != NGX_OK) {
        return rc;
    }

    if (EVP_DigestFinal_ex(md, digest, NULL) != 1) {
        return NGX_ERROR;
    }

    /*
     * JA4+ general rule: an empty field is printed as zeros rather than
     * the hash of nothing.  For c, "empty" is the extension list alone
     * (JA4.md "Extension hash").
     */

    if (n == 0) {
        ngx_memset(p, '0', NGX_SG_JA4_HASH_LEN);
        return NGX_OK;
    }

    for (i = 0; i < NGX_SG_JA4_HASH_LEN / 2; i++) {
        *p++ = ngx_sg_ja4_hex_digits[digest[i] >> 4];
        *p++ = ngx_sg_ja4_hex_digits[digest[i] & 0x0f];
    }

    return NGX_OK;
}


/*
 * The text of part b (ciphers) or c (extensions, then "_" and the
 * signature algorithms if there are any) into s; *n is the length of the
 * cipher or extension list.
 */

static ngx_int_t
ngx_sg_ja4_part(ngx_sg_ja4_hello_t *h, ngx_uint_t part, ngx_uint_t flags,
    uint16_t *tmp, ngx_sg_ja4_sink_t *s, ngx_uint_t *n)
{
    ngx_int_t   rc;
    ngx_uint_t  k;

    if (part == NGX_SG_JA4_CIPHERS) {
        k = ngx_sg_ja4_filter(tmp, h->ciphers, h->nciphers, 0);

    } else {

        /* SNI and ALPN are already in part a; JA4_o keeps them */

        k = ngx_sg_ja4_filter(tmp, h->extensions, h->nextensions,
                              !(flags & NGX_SG_JA4_ORIGINAL));
    }

    /* 4-digit lower-case hex sorts as the numbers do */

    if (!(flags & NGX_SG_JA4_ORIGINAL)) {
        ngx_sg_ja4_sort(tmp, k);
    }

    *n = k;

    rc = ngx_sg_ja4_put_list(s, tmp, k);
    if (rc != NGX_OK || part == NGX_SG_JA4_CIPHERS) {
        return rc;
    }

    /*
     * Signature algorithms in wire order, never sorted, without GREASE
     * ("ignore GREASE values anywhere", as FoxIO's tools do); with none,
     * no "_" is added.
     */

    k = ngx_sg_ja4_filter(tmp, h->sigalgs, h->nsigalgs, 0);

    if (k == 0) {
        return NGX_OK;
    }

    rc = ngx_sg_ja4_put(s, (u_char *) "_", 1);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_sg_ja4_put_list(s, tmp, k);
}


static ngx_uint_t
ngx_sg_ja4_filter(uint16_t *dst, uint16_t *src, ngx_uint_t n,
    ngx_uint_t drop_sni_alpn)
{
    uint16_t    v;
    ngx_uint_t  i, k;

    k = 0;

    for (i = 0; i < n; i++) {
        v = src[i];

        if (ngx_sg_ja4_grease(v)) {
            continue;
        }

        if (drop_sni_alpn
            && (v == NGX_SG_JA4_EXT_SNI || v == NGX_SG_JA4_EXT_ALPN))
        {
            continue;
        }

        dst[k++] = v;
    }

    return k;
}


/*
 * Shell sort with Ciura's gaps: in place, no allocation, and about n^1.3
 * steps for the at most NGX_SG_JA4_MAX_VALUES values an attacker can send
 * (an insertion sort would let one ClientHello cost n^2 / 2).
 */

static void
ngx_sg_ja4_sort(uint16_t *v, ngx_uint_t n)
{
    uint16_t    x;
    ngx_uint_t  g, gap, i, j;

    static const ngx_uint_t  gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };

    for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
        gap = gaps[g];

        for (i = gap; i < n; i++) {
            x = v[i];

            for (j = i; j >= gap && v[j - gap] > x; j -= gap) {
                v[j] = v[j - gap];
            }

            v[j] = x;
        }
    }
}


static ngx_int_t
ngx_sg_ja4_put(ngx_sg_ja4_sink_t *s, u_char *p, size_t len)
{
    if (s->md) {
        return EVP_DigestUpdate(s->md, p, len) == 1 ? NGX_OK : NGX_ERROR;
    }

    s->pos = ngx_cpymem(s->pos, p, len);

    return NGX_OK;
}


/* "xxxx,yyyy,...": formatted in chunks, so a digest is fed in few calls */

static ngx_int_t
ngx_sg_ja4_put_list(ngx_sg_ja4_sink_t *s, uint16_t *v, ngx_uint_t n)
{
    u_char      *p, buf[NGX_SG_JA4_ITEM_LEN * NGX_SG_JA4_CHUNK];
    ngx_int_t    rc;
    ngx_uint_t   i;

    p = buf;

    for (i = 0; i < n; i++) {

        if ((size_t) (buf + sizeof(buf) - p) < NGX_SG_JA4_ITEM_LEN) {
            rc = ngx_sg_ja4_put(s, buf, p - buf);
            if (rc != NGX_OK) {
                return rc;
            }

            p = buf;
        }

        if (i) {
            *p++ = ',';
        }

        p = ngx_sg_ja4_hex(p, v[i]);
    }

    if (p == buf) {
        return NGX_OK;
    }

    return ngx_sg_ja4_put(s, buf, p - buf);
}


static u_char *
ngx_sg_ja4_hex(u_char *p, ngx_uint_t v)
{
    *p++ = ngx_sg_ja4_hex_digits[(v >> 12) & 0x0f];
    *p++ = ngx_sg_ja4_hex_digits[(v >> 8) & 0x0f];
    *p++ = ngx_sg_ja4_hex_digits[(v >> 4) & 0x0f];
    *p++ = ngx_sg_ja4_hex_digits[v & 0x0f];

    return p;
}


ngx_int_t
ngx_sg_ja4_parse_ciphers(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len)
{
    if (len % 2 || len / 2 > NGX_SG_JA4_MAX_VALUES) {
        return NGX_DECLINED;
    }

    return ngx_sg_ja4_u16_list(pool, data, len / 2, &h->ciphers,
                               &h->nciphers);
}


ngx_int_t
ngx_sg_ja4_parse_extension_types(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const int *types, size_t n)
{
    size_t     i;
    uint16_t  *v;

    if (n > NGX_SG_JA4_MAX_VALUES) {
        return NGX_DECLINED;
    }

    for (i = 0; i < n; i++) {
        if (types[i] < 0 || types[i] > 0xffff) {
            return NGX_DECLINED;
        }
    }

    v = NULL;

    if (n) {
        v = ngx_palloc(pool, n * sizeof(uint16_t));
        if (v == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < n; i++) {
            v[i] = (uint16_t) types[i];
        }
    }

    h->extensions = v;
    h->nextensions = n;

    return NGX_OK;
}


ngx_int_t
ngx_sg_ja4_parse_supported_versions(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len)
{
    size_t  size;

    /* ProtocolVersion versions<2..254>: a 1-byte length */

    if (len < 1) {
        return NGX_DECLINED;
    }

    size = data[0];

    if (size != len - 1 || size < 2 || size % 2) {
        return NGX_DECLINED;
    }

    return ngx_sg_ja4_u16_list(pool, data + 1, size / 2, &h->versions,
                               &h->nversions);
}


ngx_int_t
ngx_sg_ja4_parse_sigalgs(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len)
{
    size_t  size;

    /* SignatureScheme supported_signature_algorithms<2..2^16-2> */

    if (len < 2) {
        return NGX_DECLINED;
    }

    size = (size_t) data[0] << 8 | data[1];

    if (size != len - 2 || size < 2 || size % 2
        || size / 2 > NGX_SG_JA4_MAX_VALUES)
    {
        return NGX_DECLINED;
    }

    return ngx_sg_ja4_u16_list(pool, data + 2, size / 2, &h->sigalgs,
                               &h->nsigalgs);
}


ngx_int_t
ngx_sg_ja4_parse_alpn(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len)
{
    size_t         size, name_len;
    u_char        *name;
    const u_char  *p, *last, *first;

    /* ProtocolName protocol_name_list<2..2^16-1> */

    if (len < 2) {
        return NGX_DECLINED;
    }

    size = (size_t) data[0] << 8 | data[1];

    if (size != len - 2 || size < 2) {
        return NGX_DECLINED;
    }

    p = data + 2;
    last = data + len;

    first = p;

    /* every ProtocolName<1..2^8-1> must fit: "p < last" holds here */

    while (p < last) {
        name_len = *p++;

        if (name_len == 0 || name_len > (size_t) (last - p)) {
            return NGX_DECLINED;
        }

        p += name_len;
    }

    name_len = first[0];

    name = ngx_pnalloc(pool, name_len);
    if (name == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(name, first + 1, name_len);

    h->alpn.len = name_len;
    h->alpn.data = name;

    return NGX_OK;
}


ngx_int_t
ngx_sg_ja4_parse_client_hello(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len)
{
    size_t               size, ext_len;
    uint16_t             type;
    ngx_int_t            rc;
    ngx_uint_t           n, i, k, seen;
    const u_char        *p, *last, *exts;
    ngx_sg_ja4_hello_t   ch;

    /* Handshake: msg_type client_hello (1), uint24 length, ClientHello */

    if (len < 4 || data[0] != 1) {
        return NGX_DECLINED;
    }

    size = (size_t) data[1] << 16 | (size_t) data[2] << 8 | data[3];

    if (size != len - 4) {
        return NGX_DECLINED;
    }

    ngx_memzero(&ch, sizeof(ngx_sg_ja4_hello_t));

    ch.quic = h->quic;

    p = data + 4;
    last = data + len;

    /* legacy_version, random[32] */

    if (last - p < 2 + 32) {
        return NGX_DECLINED;
    }

    ch.legacy_version = (uint16_t) (p[0] << 8 | p[1]);
    p += 2 + 32;

    /* legacy_session_id<0..32> */

    if (last - p < 1) {
        return NGX_DECLINED;
    }

    size = *p++;

    if (size > 32 || size > (size_t) (last - p)) {
        return NGX_DECLINED;
    }

    p += size;

    /* cipher_suites<2..2^16-2> */

    if (last - p < 2) {
        return NGX_DECLINED;
    }

    size = (size_t) p[0] << 8 | p[1];
    p += 2;

    if (size < 2 || size > (size_t) (last - p)) {
        return NGX_DECLINED;
    }

    rc = ngx_sg_ja4_parse_ciphers(pool, &ch, p, size);
    if (rc != NGX_OK) {
        return rc;
    }

    p += size;

    /* legacy_compression_methods<1..2^8-1> */

    if (last - p < 1) {
        return NGX_DECLINED;
    }

    size = *p++;

    if (size < 1 || size > (size_t) (last - p)) {
        return NGX_DECLINED;
    }

    p += size;

    /* extensions<8..2^16-1>, absent altogether in some TLS 1.2 hellos */

    if (p == last) {
        *h = ch;
        return NGX_OK;
    }

    if (last - p < 2) {
        return NGX_DECLINED;
    }

    size = (size_t) p[0] << 8 | p[1];
    p += 2;

    if (size != (size_t) (last - p)) {
        return NGX_DECLINED;
    }

    /* first pass: the shape of every extension, and their number */

    exts = p;
    n = 0;

    while (p < last) {
        if (last - p < 4) {
            return NGX_DECLINED;
        }

        ext_len = (size_t) p[2] << 8 | p[3];
        p += 4;

        if (ext_len > (size_t) (last - p)) {
            return NGX_DECLINED;
        }

        p += ext_len;

        if (++n > NGX_SG_JA4_MAX_VALUES) {
            return NGX_DECLINED;
        }
    }

    ch.extensions = ngx_palloc(pool, n * sizeof(uint16_t) + 1);
    if (ch.extensions == NULL) {
        return NGX_ERROR;
    }

    /* second pass: the types, and the three payloads JA4 reads */

    p = exts;
    seen = 0;

    for (i = 0; i < n; i++) {
        type = (uint16_t) (p[0] << 8 | p[1]);
        ext_len = (size_t) p[2] << 8 | p[3];
        p += 4;

        ch.extensions[i] = type;

        for (k = 0; k < NGX_SG_JA4_EXTS; k++) {
            if (ngx_sg_ja4_exts[k].type == type) {
                break;
            }
        }

        if (k < NGX_SG_JA4_EXTS) {

            /* a second copy of one of them would be ambiguous */

            if (seen & (1 << k)) {
                return NGX_DECLINED;
            }

            seen |= 1 << k;

            rc = ngx_sg_ja4_exts[k].parse(pool, &ch, p, ext_len);
            if (rc != NGX_OK) {
                return rc;
            }
        }

        p += ext_len;
    }

    ch.nextensions = n;

    *h = ch;

    return NGX_OK;
}


/* n big-endian 16-bit values at data, which holds at least 2 * n bytes */

static ngx_int_t
ngx_sg_ja4_u16_list(ngx_pool_t *pool, const u_char *data, ngx_uint_t n,
    uint16_t **values, ngx_uint_t *nvalues)
{
    uint16_t    *v;
    ngx_uint_t   i;

    v = NULL;

    if (n) {
        /* ngx_palloc(): aligned, unlike ngx_pnalloc() */

        v = ngx_palloc(pool, n * sizeof(uint16_t));
        if (v == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < n; i++) {
            v[i] = (uint16_t) (data[2 * i] << 8 | data[2 * i + 1]);
        }
    }

    *values = v;
    *nvalues = n;

    return NGX_OK;
}
