
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The nginx core subset declared in the stub ngx_core.h, over malloc().
 * Every pool block is its own malloc() chunk, so AddressSanitizer sees the
 * exact bounds of each allocation.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_STUB_HDR  16


struct ngx_stub_block_s {
    ngx_stub_block_t  *next;
};


static void *ngx_stub_alloc(ngx_pool_t *pool, size_t size, size_t skew);
static ngx_uint_t ngx_stub_fail(void);


ngx_uint_t  ngx_stub_fail_after;
ngx_uint_t  ngx_stub_warnings;


static ngx_uint_t
ngx_stub_fail(void)
{
    if (ngx_stub_fail_after == 0) {
        return 0;
    }

    return --ngx_stub_fail_after == 0;
}


ngx_pool_t *
ngx_create_pool(size_t size, ngx_log_t *log)
{
    ngx_pool_t  *p;

    if (ngx_stub_fail()) {
        return NULL;
    }

    p = calloc(1, sizeof(ngx_pool_t));
    if (p == NULL) {
        return NULL;
    }

    p->log = log;

    return p;
}


void
ngx_destroy_pool(ngx_pool_t *pool)
{
    ngx_stub_block_t    *b, *next;
    ngx_pool_cleanup_t  *c;

    for (c = pool->cleanup; c; c = c->next) {
        if (c->handler) {
            c->handler(c->data);
        }
    }

    for (b = pool->blocks; b; b = next) {
        next = b->next;
        free(b);
    }

    free(pool);
}


static void *
ngx_stub_alloc(ngx_pool_t *pool, size_t size, size_t skew)
{
    ngx_stub_block_t  *b;

    if (ngx_stub_fail()) {
        return NULL;
    }

    if (size > SIZE_MAX - NGX_STUB_HDR - skew) {
        return NULL;
    }

    /* malloc(0) may be NULL; a zero-sized pool block is not */

    b = malloc(NGX_STUB_HDR + skew + (size ? size : 1));
    if (b == NULL) {
        return NULL;
    }

    b->next = pool->blocks;
    pool->blocks = b;

    return (u_char *) b + NGX_STUB_HDR + skew;
}


void *
ngx_palloc(ngx_pool_t *pool, size_t size)
{
    return ngx_stub_alloc(pool, size, 0);
}


void *
ngx_pnalloc(ngx_pool_t *pool, size_t size)
{
    /* an odd address: the real ngx_pnalloc() does not align */
    return ngx_stub_alloc(pool, size, 1);
}


void *
ngx_pcalloc(ngx_pool_t *pool, size_t size)
{
    void  *p;

    p = ngx_palloc(pool, size);

    if (p) {
        memset(p, 0, size);
    }

    return p;
}


ngx_pool_cleanup_t *
ngx_pool_cleanup_add(ngx_pool_t *p, size_t size)
{
    ngx_pool_cleanup_t  *c;

    c = ngx_palloc(p, sizeof(ngx_pool_cleanup_t));
    if (c == NULL) {
        return NULL;
    }

    if (size) {
        c->data = ngx_palloc(p, size);
        if (c->data == NULL) {
            return NULL;
        }

    } else {
        c->data = NULL;
    }

    c->handler = NULL;
    c->next = p->cleanup;

    p->cleanup = c;

    return c;
}


ngx_array_t *
ngx_array_create(ngx_pool_t *p, ngx_uint_t n, size_t size)
{
    ngx_array_t  *a;

    a = ngx_palloc(p, sizeof(ngx_array_t));
    if (a == NULL) {
        return NULL;
    }

    if (ngx_array_init(a, p, n, size) != NGX_OK) {
        return NULL;
    }

    return a;
}


ngx_int_t
ngx_array_init(ngx_array_t *array, ngx_pool_t *pool, ngx_uint_t n,
    size_t size)
{
    array->nelts = 0;
    array->size = size;
    array->nalloc = n;
    array->pool = pool;

    array->elts = ngx_palloc(pool, n * size);
    if (array->elts == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


void *
ngx_array_push(ngx_array_t *a)
{
    void  *elt, *new;

    if (a->nelts == a->nalloc) {
        new = ngx_palloc(a->pool, 2 * a->nalloc * a->size + a->size);
        if (new == NULL) {
            return NULL;
        }

        memcpy(new, a->elts, a->nelts * a->size);
        a->elts = new;
        a->nalloc = 2 * a->nalloc + 1;
    }

    elt = (u_char *) a->elts + a->size * a->nelts;
    a->nelts++;

    return elt;
}


ngx_int_t
ngx_strncasecmp(u_char *s1, u_char *s2, size_t n)
{
    ngx_uint_t  c1, c2;

    /* like nginx's: stops at a NUL */

    while (n) {
        c1 = (ngx_uint_t) *s1++;
        c2 = (ngx_uint_t) *s2++;

        c1 = (c1 >= 'A' && c1 <= 'Z') ? (c1 | 0x20) : c1;
        c2 = (c2 >= 'A' && c2 <= 'Z') ? (c2 | 0x20) : c2;

        if (c1 != c2) {
            return c1 - c2;
        }

        if (c1 == 0) {
            return 0;
        }

        n--;
    }

    return 0;
}


void
ngx_encode_base64url(ngx_str_t *dst, ngx_str_t *src)
{
    size_t   len;
    u_char  *d, *s;

    static u_char  basis[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    len = src->len;
    s = src->data;
    d = dst->data;

    while (len > 2) {
        *d++ = basis[(s[0] >> 2) & 0x3f];
        *d++ = basis[((s[0] & 3) << 4) | (s[1] >> 4)];
        *d++ = basis[((s[1] & 0x0f) << 2) | (s[2] >> 6)];
        *d++ = basis[s[2] & 0x3f];

        s += 3;
        len -= 3;
    }

    if (len) {
        *d++ = basis[(s[0] >> 2) & 0x3f];

        if (len == 1) {
            *d++ = basis[(s[0] & 3) << 4];

        } else {
            *d++ = basis[((s[0] & 3) << 4) | (s[1] >> 4)];
            *d++ = basis[(s[1] & 0x0f) << 2];
        }
    }

    dst->len = d - dst->data;
}


/* the nginx formats the core uses: %s %V %d %i %ui %z %uz %% */

void
ngx_log_error_core(ngx_uint_t level, ngx_log_t *log, ngx_err_t err,
    const char *fmt, ...)
{
    va_list      args;
    ngx_str_t   *v;
    const char  *p;

    if (level <= NGX_LOG_WARN) {
        ngx_stub_warnings++;
    }

    if (getenv("SG_UNIT_VERBOSE") == NULL) {
        return;
    }

    fprintf(stderr, "[log %d] ", (int) level);

    va_start(args, fmt);

    for (p = fmt; *p; p++) {

        if (*p != '%') {
            fputc(*p, stderr);
            continue;
        }

        p++;

        switch (*p) {

        case 's':
            fputs(va_arg(args, char *), stderr);
            break;

        case 'V':
            v = va_arg(args, ngx_str_t *);
            fprintf(stderr, "%.*s", (int) v->len, v->data);
            break;

        case 'd':
            fprintf(stderr, "%d", va_arg(args, int));
            break;

        case 'i':
            fprintf(stderr, "%ld", (long) va_arg(args, ngx_int_t));
            break;

        case 'z':
            fprintf(stderr, "%zd", va_arg(args, ssize_t));
            break;

        case 'u':
            p++;

            if (*p == 'z') {
                fprintf(stderr, "%zu", va_arg(args, size_t));

            } else {
                fprintf(stderr, "%lu", (unsigned long) va_arg(args,
                                                              ngx_uint_t));
            }

            break;

        case '%':
            fputc('%', stderr);
            break;

        default:
            fputs("<?>", stderr);
            p--;
            break;
        }
    }

    va_end(args);

    if (err) {
        fprintf(stderr, " (%d)", err);
    }

    fputc('\n', stderr);
}
