
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Zone lock statistics of the benchmark build (see
 * ngx_http_sg_lockstats.h); empty in every other build.  One slot per
 * mutex (per zone) in the worker's own memory: a worker only ever writes
 * its own figures.  Hold time is from the end of the acquisition to the
 * start of the release; wait time is that of the acquisitions whose first
 * trylock failed.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_sg_lockstats.h"


#if (NGX_SG_LOCKSTATS)

#include <time.h>


#define NGX_HTTP_SG_LOCKSTATS_SLOTS    8
#define NGX_HTTP_SG_LOCKSTATS_BUCKETS  24     /* < 2^k ns, up to 8 ms */


typedef struct {
    ngx_shmtx_t                *mtx;
    uint64_t                    locks;
    uint64_t                    contended;
    uint64_t                    wait_ns;
    uint64_t                    hold_ns;
    uint64_t                    hold_max_ns;
    uint64_t                    since;
    uint64_t                    hist[NGX_HTTP_SG_LOCKSTATS_BUCKETS];
} ngx_http_sg_lockstats_slot_t;


static uint64_t ngx_http_sg_lockstats_now(void);
static ngx_http_sg_lockstats_slot_t *ngx_http_sg_lockstats_slot(
    ngx_shmtx_t *mtx);


static ngx_http_sg_lockstats_slot_t
    ngx_http_sg_lockstats[NGX_HTTP_SG_LOCKSTATS_SLOTS];


void
ngx_http_sg_lockstats_lock(ngx_shmtx_t *mtx)
{
    uint64_t                       t0;
    ngx_http_sg_lockstats_slot_t  *s;

    s = ngx_http_sg_lockstats_slot(mtx);

    if (!ngx_shmtx_trylock(mtx)) {
        t0 = ngx_http_sg_lockstats_now();
        (ngx_shmtx_lock)(mtx);

        if (s) {
            s->contended++;
            s->wait_ns += ngx_http_sg_lockstats_now() - t0;
        }
    }

    if (s) {
        s->locks++;
        s->since = ngx_http_sg_lockstats_now();
    }
}


void
ngx_http_sg_lockstats_unlock(ngx_shmtx_t *mtx)
{
    uint64_t                       held;
    ngx_uint_t                     b;
    ngx_http_sg_lockstats_slot_t  *s;

    s = ngx_http_sg_lockstats_slot(mtx);

    if (s && s->since) {
        held = ngx_http_sg_lockstats_now() - s->since;
        s->since = 0;
        s->hold_ns += held;

        if (held > s->hold_max_ns) {
            s->hold_max_ns = held;
        }

        for (b = 0; b < NGX_HTTP_SG_LOCKSTATS_BUCKETS - 1; b++) {
            if (held < ((uint64_t) 1 << b)) {
                break;
            }
        }

        s->hist[b]++;
    }

    (ngx_shmtx_unlock)(mtx);
}


void
ngx_http_sg_lockstats_exit_process(ngx_cycle_t *cycle)
{
    u_char                        *p, *last;
    ngx_uint_t                     i, b;
    ngx_http_sg_lockstats_slot_t  *s;
    u_char                         buf[1024];

    for (i = 0; i < NGX_HTTP_SG_LOCKSTATS_SLOTS; i++) {
        s = &ngx_http_sg_lockstats[i];

        if (s->mtx == NULL || s->locks == 0) {
            continue;
        }

        p = buf;
        last = buf + sizeof(buf);

        for (b = 0; b < NGX_HTTP_SG_LOCKSTATS_BUCKETS; b++) {
            if (s->hist[b]) {
                p = ngx_slprintf(p, last, " %ui:%uL", b, s->hist[b]);
            }
        }

        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "session_guard: lockstats pid=%P mutex=%ui "
                      "locks=%uL contended=%uL wait_ns=%uL hold_ns=%uL "
                      "hold_max_ns=%uL hist_log2_ns=%*s",
                      ngx_pid, i, s->locks, s->contended, s->wait_ns,
                      s->hold_ns, s->hold_max_ns, p - buf, buf);
    }
}


static uint64_t
ngx_http_sg_lockstats_now(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static ngx_http_sg_lockstats_slot_t *
ngx_http_sg_lockstats_slot(ngx_shmtx_t *mtx)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_SG_LOCKSTATS_SLOTS; i++) {
        if (ngx_http_sg_lockstats[i].mtx == mtx) {
            return &ngx_http_sg_lockstats[i];
        }

        if (ngx_http_sg_lockstats[i].mtx == NULL) {
            ngx_http_sg_lockstats[i].mtx = mtx;
            return &ngx_http_sg_lockstats[i];
        }
    }

    return NULL;
}

#endif
