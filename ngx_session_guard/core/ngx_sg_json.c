
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Bounded JSON on top of jansson, with pool memory.
 *
 * jansson has one process-wide pair of allocation functions.  Ours put a
 * 16-byte tag before every block: blocks taken from the "current" pool
 * (set only inside the helpers below; nginx workers are single-threaded)
 * are never freed one by one, the pool owns them; blocks of a copy made by
 * ngx_sg_json_copy() come from its allocator, named after the tag, and go
 * back to it; blocks taken while neither is current come from malloc() and
 * go back with free(), so other users of jansson in the process keep
 * working.  ngx_sg_json_init() must
 * run before anything in the process allocates through jansson.
 *
 * Return contract: NGX_OK valid, NGX_DECLINED invalid (reason set),
 * NGX_ERROR out of memory.  Limits: nesting depth (caller's max_depth,
 * normally NGX_SG_JSON_MAX_DEPTH) checked before jansson sees the bytes;
 * sizes are bounded by the callers (token and JWKS limits).
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_sg_jose.h"
#include "ngx_sg_text.h"


#define NGX_SG_JSON_HDR       16
#define NGX_SG_JSON_TAG_POOL  0x53474a53504f4f4cULL    /* "SGJSPOOL" */
#define NGX_SG_JSON_TAG_HEAP  0x53474a5348454150ULL    /* "SGJSHEAP" */
#define NGX_SG_JSON_TAG_ALLOC 0x53474a53414c4c43ULL    /* "SGJSALLC" */

#define NGX_SG_JSON_FLAGS     (JSON_COMPACT|JSON_ENCODE_ANY)


static void *ngx_sg_json_malloc(size_t size);
static void ngx_sg_json_free(void *ptr);
static ngx_pool_t *ngx_sg_json_enter(ngx_pool_t *pool);
static void ngx_sg_json_leave(ngx_pool_t *prev);
static ngx_int_t ngx_sg_json_scan(u_char *data, size_t len,
    ngx_uint_t max_depth, const char **reason);
static json_t *ngx_sg_json_member(json_t *object, u_char *name, size_t len);


static ngx_pool_t               *ngx_sg_json_pool;
static ngx_sg_json_allocator_t  *ngx_sg_json_allocator;
static ngx_uint_t                ngx_sg_json_nomem;


void
ngx_sg_json_init(void)
{
    json_set_alloc_funcs(ngx_sg_json_malloc, ngx_sg_json_free);

    /* seed the hash function now, not on the first object of a request */

    json_object_seed(0);
}


static void *
ngx_sg_json_malloc(size_t size)
{
    u_char     *p;
    uint64_t    tag;
    uintptr_t   addr;

    if (size > NGX_MAX_SIZE_T_VALUE - NGX_SG_JSON_HDR) {
        ngx_sg_json_nomem = 1;
        return NULL;
    }

    if (ngx_sg_json_allocator) {
        p = ngx_sg_json_allocator->alloc(ngx_sg_json_allocator->data,
                                         size + NGX_SG_JSON_HDR);
        tag = NGX_SG_JSON_TAG_ALLOC;

        if (p) {
            /* whom to give the block back to, after the tag */
            addr = (uintptr_t) ngx_sg_json_allocator;
            ngx_memcpy(p + sizeof(uint64_t), &addr, sizeof(uintptr_t));
        }

    } else if (ngx_sg_json_pool) {
        p = ngx_palloc(ngx_sg_json_pool, size + NGX_SG_JSON_HDR);
        tag = NGX_SG_JSON_TAG_POOL;

    } else {
        p = malloc(size + NGX_SG_JSON_HDR);
        tag = NGX_SG_JSON_TAG_HEAP;
    }

    if (p == NULL) {
        ngx_sg_json_nomem = 1;
        return NULL;
    }

    ngx_memcpy(p, &tag, sizeof(uint64_t));

    return p + NGX_SG_JSON_HDR;
}


static void
ngx_sg_json_free(void *ptr)
{
    u_char                   *p;
    uint64_t                  tag;
    uintptr_t                 addr;
    ngx_sg_json_allocator_t  *a;

    if (ptr == NULL) {
        return;
    }

    p = (u_char *) ptr - NGX_SG_JSON_HDR;

    ngx_memcpy(&tag, p, sizeof(uint64_t));

    if (tag == NGX_SG_JSON_TAG_POOL) {
        /* the pool owns it */
        return;
    }

    if (tag == NGX_SG_JSON_TAG_HEAP) {
        tag = 0;
        ngx_memcpy(p, &tag, sizeof(uint64_t));
        free(p);
        return;
    }

    if (tag == NGX_SG_JSON_TAG_ALLOC) {
        ngx_memcpy(&addr, p + sizeof(uint64_t), sizeof(uintptr_t));
        a = (ngx_sg_json_allocator_t *) addr;
        tag = 0;
        ngx_memcpy(p, &tag, sizeof(uint64_t));
        a->free(a->data, p);
        return;
    }

    /* never seen: tagless memory would be a broken init order; leak it */
}


static ngx_pool_t *
ngx_sg_json_enter(ngx_pool_t *pool)
{
    ngx_pool_t  *prev;

    prev = ngx_sg_json_pool;
    ngx_sg_json_pool = pool;
    ngx_sg_json_nomem = 0;

    return prev;
}


static void
ngx_sg_json_leave(ngx_pool_t *prev)
{
    ngx_sg_json_pool = prev;
}


/*
 * A linear pass that counts nesting outside strings, so that jansson's
 * recursive parser never descends deeper than max_depth, and that refuses
 * raw NUL bytes.
 */

static ngx_int_t
ngx_sg_json_scan(u_char *data, size_t len, ngx_uint_t max_depth,
    const char **reason)
{
    u_char      *p, *last;
    ngx_uint_t   depth, in_string;

    depth = 0;
    in_string = 0;

    for (p = data, last = data + len; p < last; p++) {

        if (*p == '\0') {
            *reason = "json nul byte";
            return NGX_DECLINED;
        }

        if (in_string) {
            if (*p == '\\') {
                /* the escaped character cannot end the string */
                if (++p == last) {
                    break;
                }

                if (*p == '\0') {
                    *reason = "json nul byte";
                    return NGX_DECLINED;
                }

            } else if (*p == '"') {
                in_string = 0;
            }

            continue;
        }

        switch (*p) {

        case '"':
            in_string = 1;
            break;

        case '{':
        case '[':
            if (++depth > max_depth) {
                *reason = "json too deep";
                return NGX_DECLINED;
            }
            break;

        case '}':
        case ']':
            /* unbalanced input is left to jansson to reject */
            if (depth) {
                depth--;
            }
            break;

        default:
            break;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_sg_json_parse_object(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_uint_t max_depth, json_t **out, const char **reason)
{
    json_t        *root;
    ngx_uint_t     nomem;
    ngx_pool_t    *prev;
    const char    *dummy;
    json_error_t   err;

    if (reason == NULL) {
        reason = &dummy;
    }

    *out = NULL;

    if (ngx_sg_json_scan(data, len, max_depth, reason) != NGX_OK) {
        return NGX_DECLINED;
    }

    prev = ngx_sg_json_enter(pool);

    /*
     * Without JSON_DECODE_ANY jansson takes only an object or an array at
     * the top; without JSON_DISABLE_EOF_CHECK it refuses trailing bytes;
     * without JSON_ALLOW_NUL it refuses "\u0000"; it always checks UTF-8.
     */

    root = json_loadb((const char *) data, len, JSON_REJECT_DUPLICATES, &err);

    nomem = ngx_sg_json_nomem;

    ngx_sg_json_leave(prev);

    /*
     * jansson's lexer ignores a failed allocation while it saves the
     * characters of a token and drops the character: a value parsed while
     * any allocation failed may be altered, so it is never used.
     */

    if (nomem) {
        return NGX_ERROR;
    }

    if (root == NULL) {
        *reason = "bad json";
        return NGX_DECLINED;
    }

    if (!json_is_object(root)) {
        *reason = "json not object";
        return NGX_DECLINED;
    }

    *out = root;

    return NGX_OK;
}


json_t *
ngx_sg_json_copy(ngx_sg_json_allocator_t *allocator, json_t *value)
{
    json_t      *copy;
    ngx_uint_t   nomem;
    ngx_pool_t  *prev;

    prev = ngx_sg_json_enter(NULL);
    ngx_sg_json_allocator = allocator;

    copy = json_deep_copy(value);

    nomem = ngx_sg_json_nomem;

    ngx_sg_json_allocator = NULL;
    ngx_sg_json_leave(prev);

    if (copy && nomem) {
        /* a part may be missing: freed into the slab, never used */
        json_decref(copy);
        copy = NULL;
    }

    return copy;
}


ngx_int_t
ngx_sg_json_dump(ngx_pool_t *pool, json_t *value, ngx_str_t *out)
{
    u_char      *p;
    size_t       size, n;
    ngx_uint_t   nomem;
    ngx_pool_t  *prev;

    if (value == NULL) {
        return NGX_DECLINED;
    }

    /* jansson allocates while dumping (the loop-detection table) */

    prev = ngx_sg_json_enter(pool);

    size = json_dumpb(value, NULL, 0, NGX_SG_JSON_FLAGS);

    if (size == 0) {
        ngx_sg_json_leave(prev);
        return NGX_ERROR;
    }

    p = ngx_pnalloc(pool, size);
    if (p == NULL) {
        ngx_sg_json_leave(prev);
        return NGX_ERROR;
    }

    n = json_dumpb(value, (char *) p, size, NGX_SG_JSON_FLAGS);

    nomem = ngx_sg_json_nomem;

    ngx_sg_json_leave(prev);

    if (n != size || nomem) {
        return NGX_ERROR;
    }

    out->data = p;
    out->len = size;

    return NGX_OK;
}


ngx_int_t
ngx_sg_json_to_text(ngx_pool_t *pool, json_t *value, ngx_str_t *out)
{
    ngx_int_t  rc;
    ngx_str_t  text;

    if (value == NULL) {
        return NGX_DECLINED;
    }

    switch (json_typeof(value)) {

    case JSON_STRING:
        text.data = (u_char *) json_string_value(value);
        text.len = json_string_length(value);
        break;

    case JSON_TRUE:
        ngx_str_set(out, "true");
        return NGX_OK;

    case JSON_FALSE:
        ngx_str_set(out, "false");
        return NGX_OK;

    case JSON_NULL:
        ngx_str_set(out, "null");
        return NGX_OK;

    default:
        /* jansson escapes control characters in strings, but not DEL */
        rc = ngx_sg_json_dump(pool, value, &text);
        if (rc != NGX_OK) {
            return rc;
        }

        break;
    }

    if (ngx_sg_text_escape(pool, &text, out) != NGX_OK) {
        return NGX_ERROR;
    }

    if (!json_is_string(value) || out->data != text.data) {
        return NGX_OK;
    }

    /* a string kept as it is: a copy, as the claims may go first */

    out->data = ngx_pnalloc(pool, text.len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(out->data, text.data, text.len);

    return NGX_OK;
}


json_t *
ngx_sg_json_path(json_t *root, ngx_str_t *path, ngx_uint_t n)
{
    json_t      *cur;
    ngx_uint_t   i;

    cur = root;

    for (i = 0; i < n; i++) {

        if (cur == NULL || !json_is_object(cur)) {
            return NULL;
        }

        cur = ngx_sg_json_member(cur, path[i].data, path[i].len);
    }

    return cur;
}


static json_t *
ngx_sg_json_member(json_t *object, u_char *name, size_t len)
{
#if (JANSSON_VERSION_HEX >= 0x020e00)

    return json_object_getn(object, (const char *) name, len);

#else

    void        *iter;
    const char  *key;

    /* names with NUL never parse, so a prefix match is not possible */

    for (iter = json_object_iter(object);
         iter;
         iter = json_object_iter_next(object, iter))
    {
        key = json_object_iter_key(iter);

        if (ngx_strlen(key) == len && ngx_memcmp(key, name, len) == 0) {
            return json_object_iter_value(iter);
        }
    }

    return NULL;

#endif
}


ngx_int_t
ngx_sg_json_time(json_t *value, time_t *out)
{
    double       d;
    time_t       t;
    json_int_t   i;

    if (json_is_integer(value)) {
        i = json_integer_value(value);

        if (i < 0 || i > NGX_SG_TIME_MAX
            || (sizeof(time_t) < 8 && i > 0x7fffffff))
        {
            return NGX_DECLINED;
        }

        *out = (time_t) i;
        return NGX_OK;
    }

    if (json_is_real(value)) {
        d = json_real_value(value);

        /* also false for NaN */

        if (!(d >= 0.0 && d <= (double) NGX_SG_TIME_MAX)
            || (sizeof(time_t) < 8 && d > 2147483647.0))
        {
            return NGX_DECLINED;
        }

        /* truncation is floor() for non-negative values */

        t = (time_t) d;

        *out = t;
        return NGX_OK;
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_sg_json_string(json_t *obj, const char *name, ngx_str_t *out)
{
    json_t  *v;

    ngx_str_null(out);

    v = json_object_get(obj, name);

    if (v == NULL) {
        return NGX_OK;
    }

    if (!json_is_string(v) || json_string_length(v) == 0) {
        return NGX_DECLINED;
    }

    out->data = (u_char *) json_string_value(v);
    out->len = json_string_length(v);

    return NGX_OK;
}
