
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_HTTP_SG_LOCKSTATS_H_INCLUDED_
#define _NGX_HTTP_SG_LOCKSTATS_H_INCLUDED_


/*
 * Zone lock statistics, a benchmark build only ("make bench LOCKSTATS=1"
 * compiles a second module with -DNGX_SG_LOCKSTATS=1 into BUILD/lockstats).
 * In that build every ngx_shmtx_lock()/ngx_shmtx_unlock() of a file that
 * includes this header (through ngx_http_sg_zone.h) goes through a
 * wrapper that counts, per worker process, the acquisitions, those that
 * found the mutex taken (a failed trylock first), the time spent waiting
 * and a histogram of hold times (CLOCK_MONOTONIC, powers of two of ns).
 * The figures live in the worker's own memory, so that counting adds no
 * shared cache line; each worker writes them to the error log at exit
 * ("session_guard: lockstats ...", level warn).  Without the flag this
 * header declares nothing and the calls are nginx's own.
 */


#if (NGX_SG_LOCKSTATS)

#include <ngx_config.h>
#include <ngx_core.h>


void ngx_http_sg_lockstats_lock(ngx_shmtx_t *mtx);
void ngx_http_sg_lockstats_unlock(ngx_shmtx_t *mtx);
void ngx_http_sg_lockstats_exit_process(ngx_cycle_t *cycle);

#define ngx_shmtx_lock(mtx)    ngx_http_sg_lockstats_lock(mtx)
#define ngx_shmtx_unlock(mtx)  ngx_http_sg_lockstats_unlock(mtx)

#endif


#endif /* _NGX_HTTP_SG_LOCKSTATS_H_INCLUDED_ */
