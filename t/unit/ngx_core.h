
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Unit-test stand-in for nginx's ngx_core.h: the small subset of the nginx
 * core API that the ngx_sg_* files use, implemented over malloc() in
 * ngx_stub.c.  Pools keep every block on a list, so that destroying a pool
 * frees all of it and runs its cleanups; ngx_pnalloc() returns deliberately
 * unaligned memory, as the real one may.
 */


#ifndef _NGX_CORE_H_INCLUDED_
#define _NGX_CORE_H_INCLUDED_


#include <ngx_config.h>


#define NGX_OK          0
#define NGX_ERROR      -1
#define NGX_AGAIN      -2
#define NGX_BUSY       -3
#define NGX_DONE       -4
#define NGX_DECLINED   -5
#define NGX_ABORT      -6


#define NGX_LOG_STDERR            0
#define NGX_LOG_EMERG             1
#define NGX_LOG_ALERT             2
#define NGX_LOG_CRIT              3
#define NGX_LOG_ERR               4
#define NGX_LOG_WARN              5
#define NGX_LOG_NOTICE            6
#define NGX_LOG_INFO              7
#define NGX_LOG_DEBUG             8


#define NGX_DEFAULT_POOL_SIZE     (16 * 1024)


typedef int                       ngx_err_t;
typedef struct ngx_pool_s         ngx_pool_t;
typedef struct ngx_log_s          ngx_log_t;


typedef struct {
    size_t      len;
    u_char     *data;
} ngx_str_t;


#define ngx_string(str)     { sizeof(str) - 1, (u_char *) str }
#define ngx_null_string     { 0, NULL }
#define ngx_str_set(str, text)                                               \
    (str)->len = sizeof(text) - 1; (str)->data = (u_char *) text
#define ngx_str_null(str)   (str)->len = 0; (str)->data = NULL


#define ngx_tolower(c)      (u_char) ((c >= 'A' && c <= 'Z') ? (c | 0x20) : c)
#define ngx_toupper(c)      (u_char) ((c >= 'a' && c <= 'z') ? (c & ~0x20) : c)

#define ngx_strncmp(s1, s2, n)  strncmp((const char *) s1, (const char *) s2, n)
#define ngx_strcmp(s1, s2)  strcmp((const char *) s1, (const char *) s2)
#define ngx_strlen(s)       strlen((const char *) s)
#define ngx_memzero(buf, n)       (void) memset(buf, 0, n)
#define ngx_explicit_memzero(buf, n)  explicit_bzero(buf, n)
#define ngx_memset(buf, c, n)     (void) memset(buf, c, n)
#define ngx_memcpy(dst, src, n)   (void) memcpy(dst, src, n)
#define ngx_cpymem(dst, src, n)   (((u_char *) memcpy(dst, src, n)) + (n))
#define ngx_memcmp(s1, s2, n)                                                \
    memcmp((const char *) s1, (const char *) s2, n)

#define ngx_base64_encoded_length(len)  (((len + 2) / 3) * 4)
#define ngx_base64_decoded_length(len)  (((len + 3) / 4) * 3)


static ngx_inline u_char *
ngx_strlchr(u_char *p, u_char *last, u_char c)
{
    while (p < last) {

        if (*p == c) {
            return p;
        }

        p++;
    }

    return NULL;
}


ngx_int_t ngx_strncasecmp(u_char *s1, u_char *s2, size_t n);
void ngx_encode_base64url(ngx_str_t *dst, ngx_str_t *src);


struct ngx_log_s {
    ngx_uint_t   log_level;
};

void ngx_log_error_core(ngx_uint_t level, ngx_log_t *log, ngx_err_t err,
    const char *fmt, ...);

#define ngx_log_error(level, log, ...)                                        \
    if ((log)->log_level >= level) ngx_log_error_core(level, log, __VA_ARGS__)


typedef void (*ngx_pool_cleanup_pt)(void *data);

typedef struct ngx_pool_cleanup_s  ngx_pool_cleanup_t;

struct ngx_pool_cleanup_s {
    ngx_pool_cleanup_pt   handler;
    void                 *data;
    ngx_pool_cleanup_t   *next;
};


typedef struct ngx_stub_block_s  ngx_stub_block_t;

struct ngx_pool_s {
    ngx_stub_block_t     *blocks;
    ngx_pool_cleanup_t   *cleanup;
    ngx_log_t            *log;
};


ngx_pool_t *ngx_create_pool(size_t size, ngx_log_t *log);
void ngx_destroy_pool(ngx_pool_t *pool);
void *ngx_palloc(ngx_pool_t *pool, size_t size);
void *ngx_pnalloc(ngx_pool_t *pool, size_t size);
void *ngx_pcalloc(ngx_pool_t *pool, size_t size);
ngx_pool_cleanup_t *ngx_pool_cleanup_add(ngx_pool_t *p, size_t size);


typedef struct {
    void        *elts;
    ngx_uint_t   nelts;
    size_t       size;
    ngx_uint_t   nalloc;
    ngx_pool_t  *pool;
} ngx_array_t;


ngx_array_t *ngx_array_create(ngx_pool_t *p, ngx_uint_t n, size_t size);
ngx_int_t ngx_array_init(ngx_array_t *array, ngx_pool_t *pool, ngx_uint_t n,
    size_t size);
void *ngx_array_push(ngx_array_t *a);


#define ngx_time()          time(NULL)


/*
 * Test controls: the n-th pool allocation from now fails (0: none), and a
 * count of log lines at NGX_LOG_WARN or more severe.
 */

extern ngx_uint_t  ngx_stub_fail_after;
extern ngx_uint_t  ngx_stub_warnings;


#endif /* _NGX_CORE_H_INCLUDED_ */
