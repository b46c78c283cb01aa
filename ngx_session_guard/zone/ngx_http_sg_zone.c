
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The life of a zone: declared by "session_guard_zone" (parsed in
 * ngx_http_sg_zone_conf.c) or used first, then declared, like limit_req's;
 * added as shared memory tagged with the module, and initialized by nginx:
 * an unchanged zone is adopted on reload with its sessions; a fresh one
 * gets the contents of the zone it replaces (resized) or of the state
 * file.
 *
 * With "state=", the zone is saved every "save" interval by worker 0 (a
 * timer set in init_process; skipped when nothing changed since the last
 * save) and by the master on exit (exit_master: the workers are gone, the
 * shared memory is still mapped), which covers "nginx -s quit" and
 * "stop".
 *
 * The store itself is in ngx_http_sg_shm.c and ngx_http_sg_store.c, the
 * state file in ngx_http_sg_state.c.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"


static ngx_int_t ngx_http_sg_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_sg_zone_adopt(ngx_http_sg_zone_t *zone,
    ngx_slab_pool_t *shpool);
static void ngx_http_sg_zone_unauth_max(ngx_http_sg_zone_t *zone);
static void ngx_http_sg_zone_timer(ngx_event_t *ev);


ngx_http_sg_zone_t *
ngx_http_sg_zone_get(ngx_conf_t *cf, ngx_str_t *name)
{
    ngx_http_sg_zone_t  *zone;

    if (name->len == 0) {
        return NULL;
    }

    zone = ngx_http_sg_zone_find_conf(cf, name);

    if (zone) {
        return zone;
    }

    /*
     * Not declared yet: like limit_req, the zone is added with size 0 and
     * must be declared later in the configuration;
     * ngx_http_sg_zone_check() reports it otherwise.
     */

    zone = ngx_http_sg_zone_add(cf, name, 0);
    if (zone == NULL) {
        return NULL;
    }

    zone->used_file = cf->conf_file->file.name;
    zone->used_line = cf->conf_file->line;

    return zone;
}


ngx_int_t
ngx_http_sg_zone_check(ngx_conf_t *cf)
{
    ngx_uint_t                i;
    ngx_http_sg_zone_t      **zp;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->zones == NULL) {
        return NGX_OK;
    }

    zp = smcf->zones->elts;

    for (i = 0; i < smcf->zones->nelts; i++) {
        if (!zp[i]->declared) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "session_guard: unknown session_guard zone "
                          "\"%V\" used in %V:%ui (it needs a "
                          "\"session_guard_zone\" directive)",
                          &zp[i]->name, &zp[i]->used_file,
                          zp[i]->used_line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}

/*
 * The zone's shared counters (lock-free, ngx_atomic_fetch_add), for the
 * parts that count into them; NULL before the zone is mapped.
 */

ngx_http_sg_zone_counters_t *
ngx_http_sg_zone_counters(ngx_http_sg_zone_t *zone)
{
    if (zone == NULL || zone->sh == NULL) {
        return NULL;
    }

    return &zone->sh->counters;
}



/* one more logout token or notification, for session_guard_metrics */

void
ngx_http_sg_zone_count_event(ngx_http_sg_zone_t *zone, ngx_uint_t event)
{
    if (zone == NULL || zone->sh == NULL
        || event >= NGX_HTTP_SG_COUNTERS_EVENTS)
    {
        return;
    }

    (void) ngx_atomic_fetch_add(&zone->sh->counters.events[event], 1);
}



time_t
ngx_http_sg_zone_max_lifetime(ngx_http_sg_zone_t *zone)
{
    return zone->max_lifetime;
}


ngx_str_t *
ngx_http_sg_zone_name(ngx_http_sg_zone_t *zone)
{
    return &zone->name;
}


/* the zone of that name in the configuration being read, or NULL */

ngx_http_sg_zone_t *
ngx_http_sg_zone_find_conf(ngx_conf_t *cf, ngx_str_t *name)
{
    ngx_uint_t                i;
    ngx_http_sg_zone_t      **zp;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->zones == NULL) {
        return NULL;
    }

    zp = smcf->zones->elts;

    for (i = 0; i < smcf->zones->nelts; i++) {
        if (zp[i]->name.len == name->len
            && ngx_strncmp(zp[i]->name.data, name->data, name->len) == 0)
        {
            return zp[i];
        }
    }

    return NULL;
}


/* a zone added as shared memory, with the defaults of its parameters */

ngx_http_sg_zone_t *
ngx_http_sg_zone_add(ngx_conf_t *cf, ngx_str_t *name, size_t size)
{
    ngx_uint_t                i;
    ngx_list_part_t          *part;
    ngx_shm_zone_t           *shm_zone, *oshm_zone;
    ngx_http_sg_zone_t       *zone, **zp;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_session_guard_module);

    if (smcf->zones == NULL) {
        smcf->zones = ngx_array_create(cf->pool, 2,
                                       sizeof(ngx_http_sg_zone_t *));
        if (smcf->zones == NULL) {
            return NULL;
        }
    }

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_zone_t));
    if (zone == NULL) {
        return NULL;
    }

    shm_zone = ngx_shared_memory_add(cf, name, size,
                                     &ngx_http_session_guard_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    zp = ngx_array_push(smcf->zones);
    if (zp == NULL) {
        return NULL;
    }

    *zp = zone;

    zone->shm_zone = shm_zone;
    zone->name = *name;
    zone->max_lifetime = NGX_HTTP_SG_MAX_LIFETIME_DEFAULT;
    zone->save = NGX_HTTP_SG_SAVE_DEFAULT;
    zone->unauth_share = NGX_HTTP_SG_UNAUTH_DEFAULT;

    shm_zone->init = ngx_http_sg_init_zone;
    shm_zone->data = zone;

    /*
     * The same zone in the running configuration: when its size changes,
     * nginx gives a fresh zone and ngx_http_sg_init_zone() copies the old
     * contents over, revocations included.
     */

    if (ngx_is_init_cycle(cf->cycle->old_cycle)) {
        return zone;
    }

    part = &cf->cycle->old_cycle->shared_memory.part;
    oshm_zone = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            oshm_zone = part->elts;
            i = 0;
        }

        if (oshm_zone[i].tag == &ngx_http_session_guard_module
            && oshm_zone[i].shm.name.len == name->len
            && ngx_strncmp(oshm_zone[i].shm.name.data, name->data,
                           name->len)
               == 0)
        {
            zone->old = oshm_zone[i].data;
            break;
        }
    }

    return zone;
}


static ngx_int_t
ngx_http_sg_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_sg_zone_t  *ozone = data;

    size_t                len;
    ngx_http_sg_zone_t   *zone;

    zone = shm_zone->data;

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (ozone || shm_zone->shm.exists) {
        /* a reload with the same size: the sessions stay */

        if (ngx_http_sg_zone_adopt(zone, zone->shpool) != NGX_OK) {
            return NGX_ERROR;
        }

        zone->sh = zone->shpool->data;
        ngx_http_sg_zone_unauth_max(zone);

        if (zone->memory_ttl == 0) {
            /* memory=off now: what the zone remembered goes */
            ngx_http_sg_shm_memory_drop(zone);
        }

        return NGX_OK;
    }

    if (ngx_http_sg_shm_init(zone, shm_zone->shm.size) != NGX_OK) {
        return NGX_ERROR;
    }

    len = sizeof(" in session_guard zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in session_guard zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* running out of memory is handled (eviction, failing closed) */
    zone->shpool->log_nomem = 0;

    /* what records may use: the pages left once the zone is set up */
    zone->sh->pages = zone->shpool->pfree;

    ngx_http_sg_zone_unauth_max(zone);

    if (ngx_test_config) {
        return NGX_OK;
    }

    if (zone->old && zone->old->sh) {

        if (ngx_http_sg_zone_adopt(zone, zone->old->shpool) != NGX_OK) {
            return NGX_ERROR;
        }

        ngx_http_sg_state_copy(zone, zone->old, shm_zone->shm.log);
        return NGX_OK;
    }

    if (zone->state.len) {
        ngx_http_sg_state_load(zone, shm_zone->shm.log);
    }

    return NGX_OK;
}


/*
 * The zone of the running configuration (the same memory, or the one a
 * resized zone is copied from) must have this build's layout: a zone set
 * up by a build of the module with another one would be misread.  The
 * reload is refused instead: the old configuration goes on with its zone.
 */

static ngx_int_t
ngx_http_sg_zone_adopt(ngx_http_sg_zone_t *zone, ngx_slab_pool_t *shpool)
{
    if (ngx_http_sg_shm_layout(shpool) == NGX_OK) {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_EMERG, zone->shm_zone->shm.log, 0,
                  "session_guard: zone \"%V\" was set up by a build of "
                  "the module with another layout and cannot be kept over "
                  "a reload: restart nginx (with \"state=\", the zone is "
                  "saved on exit and loaded on start)", &zone->name);

    return NGX_ERROR;
}


/*
 * The "unauthenticated" share in records: a share of the pages that
 * records may use, counted in the slab chunks such a session takes (its
 * id is always a digest, it has no subject: 256 bytes); at least one.
 */

static void
ngx_http_sg_zone_unauth_max(ngx_http_sg_zone_t *zone)
{
    size_t  bytes, size, chunk;

    size = zone->details
           ? ngx_http_sg_details_size(NGX_HTTP_SG_ID_DIGEST_LEN)
           : ngx_http_sg_session_size(NGX_HTTP_SG_ID_DIGEST_LEN);

    for (chunk = 8; chunk < size; chunk <<= 1) { /* void */ }

    bytes = (size_t) zone->sh->pages << ngx_pagesize_shift;

    zone->unauth_max = bytes / chunk * zone->unauth_share / 100;

    if (zone->unauth_max == 0) {
        zone->unauth_max = 1;
    }
}


static void
ngx_http_sg_zone_timer(ngx_event_t *ev)
{
    ngx_http_sg_zone_t  *zone = ev->data;

    /* an old worker finishing its requests leaves it to the new ones */

    if (ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    (void) ngx_http_sg_state_save(zone, ev->log, 0);

    ngx_add_timer(ev, zone->save);
}


ngx_int_t
ngx_http_sg_zone_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                i;
    ngx_event_t              *ev;
    ngx_http_sg_zone_t      **zp;
    ngx_http_sg_main_conf_t  *smcf;

    if ((ngx_process != NGX_PROCESS_WORKER
         && ngx_process != NGX_PROCESS_SINGLE)
        || ngx_worker != 0)
    {
        return NGX_OK;
    }

    smcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_session_guard_module);

    if (smcf == NULL || smcf->zones == NULL) {
        return NGX_OK;
    }

    zp = smcf->zones->elts;

    for (i = 0; i < smcf->zones->nelts; i++) {

        if (zp[i]->state.len == 0 || zp[i]->save == 0) {
            continue;
        }

        ev = ngx_pcalloc(cycle->pool, sizeof(ngx_event_t));
        if (ev == NULL) {
            return NGX_ERROR;
        }

        ev->handler = ngx_http_sg_zone_timer;
        ev->data = zp[i];
        ev->log = cycle->log;

        /* a graceful shutdown does not wait for it */
        ev->cancelable = 1;

        ngx_add_timer(ev, zp[i]->save);
    }

    return NGX_OK;
}


void
ngx_http_sg_zone_exit_master(ngx_cycle_t *cycle)
{
    ngx_uint_t                i;
    ngx_http_sg_zone_t      **zp;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_session_guard_module);

    if (smcf == NULL || smcf->zones == NULL) {
        return;
    }

    zp = smcf->zones->elts;

    for (i = 0; i < smcf->zones->nelts; i++) {
        (void) ngx_http_sg_state_save(zp[i], cycle->log, 1);
    }
}
