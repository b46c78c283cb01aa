
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The state file of a zone ("state=path"), so that sessions and, above
 * all, revocations survive a restart; and the copy of a zone into its
 * resized successor on reload.
 *
 * Written atomically (path.<pid>.tmp, mode 0600, fsync, rename over path,
 * fsync of the directory) from a snapshot taken under the zone mutex into
 * ngx_alloc() memory, so that the lock is never held across I/O; when, see
 * ngx_http_sg_zone.c.  Creating, opening and checking the file on disk,
 * which the worker processes' user can tamper with, is in
 * ngx_http_sg_state_file.c.
 *
 * Read when the zone is fresh (first start, or a zone new to the
 * configuration), in the master at configuration time.  The whole file is
 * validated before anything is inserted: a corrupt, truncated or foreign
 * file, or one that is not what a save leaves (a link, a FIFO, a file of
 * another user's...), is reported and ignored, never trusted partially.
 *
 * Format: ngx_sg_state.h, whose parser checks a file; in the file,
 * revoked sessions come first (a zone too small for the file keeps them),
 * then the others from least to most recently used.
 *
 * Records already dead are neither written nor loaded.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_shm.h"

#if (NGX_SG_REVOKED_SSF != NGX_SG_REVOKED_MAX)
#error "NGX_SG_REVOKED_MAX must be the highest NGX_SG_REVOKED_*"
#endif


typedef struct {
    u_char                     *pos;
    u_char                     *end;
    ngx_uint_t                  sessions;
    ngx_uint_t                  jti;
} ngx_http_sg_state_buf_t;


typedef struct {
    ngx_uint_t                  sessions;
    ngx_uint_t                  revoked;
    ngx_uint_t                  jti;
    ngx_uint_t                  blocks;
    ngx_uint_t                  skipped;     /* dead already */
    ngx_uint_t                  lost;        /* no room for revocations */
    ngx_uint_t                  blocks_lost; /* no room for blocks */
    ngx_uint_t                  memories;
    ngx_uint_t                  memories_lost;
    ngx_uint_t                  details;
    ngx_uint_t                  evicted;
} ngx_http_sg_state_stats_t;


static ngx_int_t ngx_http_sg_state_snapshot(ngx_http_sg_zone_t *zone,
    ngx_log_t *log, ngx_str_t *out, ngx_atomic_uint_t *generation);
static ngx_int_t ngx_http_sg_state_walk(ngx_http_sg_zone_t *zone,
    ngx_http_sg_state_buf_t *b, time_t now);
static ngx_int_t ngx_http_sg_state_put_session(ngx_http_sg_zone_t *zone,
    ngx_http_sg_state_buf_t *b, ngx_http_sg_node_t *sn);
static ngx_int_t ngx_http_sg_state_walk_details(ngx_http_sg_zone_t *zone,
    ngx_http_sg_state_buf_t *b, time_t now);
static void ngx_http_sg_state_restore(ngx_http_sg_zone_t *zone,
    ngx_sg_state_t *file, ngx_http_sg_state_stats_t *st);
static ngx_int_t ngx_http_sg_state_restore_session(ngx_http_sg_zone_t *zone,
    ngx_str_t *id, ngx_str_t *sub, ngx_sg_record_t *rec, time_t now,
    ngx_http_sg_state_stats_t *st);


/* snapshot */

/*
 * The sizes are read under the lock, the buffer allocated without it (an
 * allocation failure logs), with some room for what may be added
 * meanwhile; if that is not enough, again.
 */

static ngx_int_t
ngx_http_sg_state_snapshot(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_str_t *out, ngx_atomic_uint_t *generation)
{
    u_char                   *buf;
    size_t                    size;
    time_t                    now;
    ngx_int_t                 rc;
    ngx_uint_t                attempt;
    ngx_http_sg_shctx_t      *sh;
    ngx_http_sg_state_buf_t   b;

    sh = zone->sh;

    for (attempt = 0; attempt < 3; attempt++) {

        ngx_shmtx_lock(&zone->shpool->mutex);

        size = NGX_SG_STATE_HEADER + zone->name.len
               + sh->stats.sessions * NGX_SG_STATE_SESSION + sh->bytes
               + sh->njti * NGX_SG_STATE_JTI + sh->jti_bytes
               + sizeof(uint32_t) + sh->nblocks * NGX_SG_STATE_BLOCK
               + sh->block_bytes
               + sizeof(uint32_t) + sh->nmemories * NGX_SG_STATE_MEMORY
               + sh->memory_bytes
               + sizeof(uint32_t)
               + (zone->details ? sh->stats.sessions * NGX_SG_STATE_DETAILS
                                  + sh->bytes
                                : 0)
               + NGX_SG_STATE_DIGEST;

        ngx_shmtx_unlock(&zone->shpool->mutex);

        size += size / 8 + 65536;

        buf = ngx_alloc(size, log);
        if (buf == NULL) {
            return NGX_ERROR;
        }

        /*
         * Touched now, not under the lock: faulting the pages in there
         * would hold the mutex several times longer (1M sessions: 50 ms
         * instead of 360).
         */

        ngx_memzero(buf, size);

        b.pos = buf + NGX_SG_STATE_HEADER + zone->name.len;
        b.end = buf + size - NGX_SG_STATE_DIGEST;
        b.sessions = 0;
        b.jti = 0;

        now = ngx_time();

        ngx_shmtx_lock(&zone->shpool->mutex);

        rc = ngx_http_sg_state_walk(zone, &b, now);
        *generation = sh->generation;

        ngx_shmtx_unlock(&zone->shpool->mutex);

        if (rc != NGX_OK) {
            ngx_free(buf);
            continue;
        }

        (void) ngx_sg_state_header(buf, &zone->name, b.sessions, b.jti,
                                   now);

        (void) ngx_sg_sha256_digest(buf, b.pos - buf, b.pos);

        out->data = buf;
        out->len = b.pos + NGX_SG_STATE_DIGEST - buf;

        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_ERR, log, 0,
                  "session_guard: zone \"%V\" changed too fast to be "
                  "saved", &zone->name);

    return NGX_ERROR;
}


/* with the mutex held; NGX_DECLINED: the buffer is too small */

static ngx_int_t
ngx_http_sg_state_walk(ngx_http_sg_zone_t *zone, ngx_http_sg_state_buf_t *b,
    time_t now)
{
    u_char                     *base, *count;
    int64_t                     expires;
    uint16_t                    len;
    uint32_t                    nblocks, nmemories;
    ngx_uint_t                  n;
    ngx_rbtree_node_t          *node;
    ngx_http_sg_jti_t          *jn;
    ngx_http_sg_block_t        *bn;
    ngx_http_sg_link_t         *l;
    ngx_http_sg_memory_node_t  *mn;
    ngx_http_sg_node_t         *sn;
    ngx_http_sg_shctx_t        *sh;

    base = ngx_http_sg_base(zone);
    sh = zone->sh;

    for (l = ngx_http_sg_link_first(base, &sh->revoked);
         l != &sh->revoked;
         l = ngx_http_sg_link(base, l->next))
    {
        sn = ngx_http_sg_data(l, ngx_http_sg_node_t, queue);

        if (!ngx_http_sg_dead(sn, now)
            && ngx_http_sg_state_put_session(zone, b, sn) != NGX_OK)
        {
            return NGX_DECLINED;
        }
    }

    /* unauthenticated sessions first: a zone too small keeps the others */

    for (l = ngx_http_sg_link_last(base, &sh->lru_unauth);
         l != &sh->lru_unauth;
         l = ngx_http_sg_link(base, l->prev))
    {
        sn = ngx_http_sg_data(l, ngx_http_sg_node_t, queue);

        if (!ngx_http_sg_dead(sn, now)
            && ngx_http_sg_state_put_session(zone, b, sn) != NGX_OK)
        {
            return NGX_DECLINED;
        }
    }

    for (l = ngx_http_sg_link_last(base, &sh->lru);
         l != &sh->lru;
         l = ngx_http_sg_link(base, l->prev))
    {
        sn = ngx_http_sg_data(l, ngx_http_sg_node_t, queue);

        if (!ngx_http_sg_dead(sn, now)
            && ngx_http_sg_state_put_session(zone, b, sn) != NGX_OK)
        {
            return NGX_DECLINED;
        }
    }

    for (l = ngx_http_sg_link_first(base, &sh->jti);
         l != &sh->jti;
         l = ngx_http_sg_link(base, l->next))
    {
        jn = ngx_http_sg_data(l, ngx_http_sg_jti_t, queue);

        if ((time_t) jn->expires < now) {
            continue;
        }

        n = jn->len & ~NGX_HTTP_SG_JTI_HASHED;

        if ((size_t) (b->end - b->pos) < NGX_SG_STATE_JTI + n) {
            return NGX_DECLINED;
        }

        len = jn->len;
        expires = jn->expires;

        b->pos = ngx_cpymem(b->pos, &len, sizeof(uint16_t));
        b->pos = ngx_cpymem(b->pos, &expires, sizeof(int64_t));
        b->pos = ngx_cpymem(b->pos, jn->data, n);
        b->jti++;
    }

    /* the blocked subjects, however old: a block ends by an unblock only */

    if ((size_t) (b->end - b->pos) < sizeof(uint32_t)) {
        return NGX_DECLINED;
    }

    count = b->pos;
    b->pos += sizeof(uint32_t);
    nblocks = 0;

    if (sh->nblocks) {
        for (node = ngx_rbtree_min(sh->blocks.root, sh->blocks.sentinel);
             node;
             node = ngx_rbtree_next(&sh->blocks, node))
        {
            bn = ngx_http_sg_overlay(node);

            if ((size_t) (b->end - b->pos) < NGX_SG_STATE_BLOCK + bn->len) {
                return NGX_DECLINED;
            }

            len = bn->len;
            expires = bn->since;

            b->pos = ngx_cpymem(b->pos, &len, sizeof(uint16_t));
            b->pos = ngx_cpymem(b->pos, &expires, sizeof(int64_t));
            b->pos = ngx_cpymem(b->pos, bn->data, len);
            nblocks++;
        }
    }

    ngx_memcpy(count, &nblocks, sizeof(uint32_t));

    /* the users' memories, oldest first: a restore keeps their order */

    if ((size_t) (b->end - b->pos) < sizeof(uint32_t)) {
        return NGX_DECLINED;
    }

    count = b->pos;
    b->pos += sizeof(uint32_t);
    nmemories = 0;

    for (l = ngx_http_sg_link_last(base, &sh->memory_lru);
         l != &sh->memory_lru;
         l = ngx_http_sg_link(base, l->prev))
    {
        mn = ngx_http_sg_data(l, ngx_http_sg_memory_node_t, queue);

        if ((size_t) (b->end - b->pos) < NGX_SG_STATE_MEMORY + mn->len) {
            return NGX_DECLINED;
        }

        b->pos = ngx_http_sg_shm_memory_put(mn, b->pos);
        nmemories++;
    }

    ngx_memcpy(count, &nmemories, sizeof(uint32_t));

    return ngx_http_sg_state_walk_details(zone, b, now);
}


/*
 * The sessions' details (a zone with details=on; without, they are not
 * saved), of the sessions saved, in any order: they are found by id.
 */

static ngx_int_t
ngx_http_sg_state_walk_details(ngx_http_sg_zone_t *zone,
    ngx_http_sg_state_buf_t *b, time_t now)
{
    u_char               *base, *count;
    uint16_t              len;
    uint32_t              n;
    ngx_uint_t            i;
    ngx_http_sg_link_t   *heads[3], *l;
    ngx_http_sg_node_t   *sn;

    if ((size_t) (b->end - b->pos) < sizeof(uint32_t)) {
        return NGX_DECLINED;
    }

    count = b->pos;
    b->pos += sizeof(uint32_t);
    n = 0;

    base = ngx_http_sg_base(zone);

    heads[0] = &zone->sh->revoked;
    heads[1] = &zone->sh->lru_unauth;
    heads[2] = &zone->sh->lru;

    for (i = 0; zone->details && i < 3; i++) {

        for (l = ngx_http_sg_link_first(base, heads[i]);
             l != heads[i];
             l = ngx_http_sg_link(base, l->next))
        {
            sn = ngx_http_sg_data(l, ngx_http_sg_node_t, queue);

            if (!(sn->flags & NGX_SG_REC_DETAILS) || ngx_http_sg_dead(sn, now))
            {
                continue;
            }

            if ((size_t) (b->end - b->pos) < NGX_SG_STATE_DETAILS + sn->len) {
                return NGX_DECLINED;
            }

            len = sn->len;

            b->pos = ngx_cpymem(b->pos, &len, sizeof(uint16_t));
            b->pos = ngx_cpymem(b->pos, ngx_http_sg_node_details(sn),
                                sizeof(ngx_sg_details_t));
            b->pos = ngx_cpymem(b->pos, sn->data, len);
            n++;
        }
    }

    ngx_memcpy(count, &n, sizeof(uint32_t));

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_state_put_session(ngx_http_sg_zone_t *zone,
    ngx_http_sg_state_buf_t *b, ngx_http_sg_node_t *sn)
{
    uint16_t                idlen, sublen;
    ngx_sg_record_t         rec;
    ngx_http_sg_subject_t  *st;

    st = ngx_http_sg_shm_subject(zone, sn);

    idlen = sn->len;
    sublen = st ? st->len : 0;

    if ((size_t) (b->end - b->pos)
        < NGX_SG_STATE_SESSION + idlen + sublen)
    {
        return NGX_DECLINED;
    }

    ngx_http_sg_shm_unpack(sn, &rec);

    b->pos = ngx_cpymem(b->pos, &idlen, sizeof(uint16_t));
    b->pos = ngx_cpymem(b->pos, &sublen, sizeof(uint16_t));
    b->pos = ngx_cpymem(b->pos, &rec, sizeof(ngx_sg_record_t));
    b->pos = ngx_cpymem(b->pos, sn->data, idlen);

    if (st) {
        b->pos = ngx_cpymem(b->pos, st->data, sublen);
    }

    b->sessions++;

    return NGX_OK;
}


/* loading */

/* "file" has been accepted by ngx_sg_state_parse() */

static void
ngx_http_sg_state_restore(ngx_http_sg_zone_t *zone, ngx_sg_state_t *file,
    ngx_http_sg_state_stats_t *st)
{
    u_char                *p;
    size_t                 size, n;
    time_t                 now;
    uint32_t               hash;
    ngx_str_t              id, sub;
    ngx_rbtree_node_t     *node;
    time_t                 since;
    ngx_sg_state_t         ahead;
    ngx_sg_state_jti_t     jti;
    ngx_sg_state_memory_t  mem;
    ngx_sg_record_t        rec;
    ngx_sg_details_t       details;
    ngx_http_sg_node_t    *sn;

    now = ngx_time();

    ngx_shmtx_lock(&zone->shpool->mutex);

    /*
     * the blocked subjects first, read ahead past the sessions and jti
     * entries: few and small, they must not be the ones left without room
     */

    ahead = *file;

    while (ngx_sg_state_next_session(&ahead, &id, &sub, &rec) == NGX_OK) {
        /* read past */
    }

    while (ngx_sg_state_next_jti(&ahead, &jti) == NGX_OK) {
        /* read past */
    }

    while (ngx_sg_state_next_block(&ahead, &sub, &since) == NGX_OK) {

        if (ngx_http_sg_shm_find_block(zone, &sub)) {
            continue;
        }

        if (ngx_http_sg_shm_add_block(zone, &sub, since, now) != NGX_OK) {
            st->blocks_lost++;
            continue;
        }

        st->blocks++;
    }

    while (ngx_sg_state_next_session(file, &id, &sub, &rec) == NGX_OK) {
        (void) ngx_http_sg_state_restore_session(zone, &id, &sub, &rec, now,
                                                 st);
    }

    while (ngx_sg_state_next_jti(file, &jti) == NGX_OK) {
        p = jti.data.data;
        n = jti.data.len;
        hash = ngx_crc32_short(p, n);

        if (jti.expires < now
            || ngx_http_sg_shm_lookup(&zone->sh->jtis, hash, p, jti.key_len,
                                      offsetof(ngx_http_sg_jti_t, data)))
        {
            continue;
        }

        size = ngx_http_sg_node_size(ngx_http_sg_jti_t, n);

        node = ngx_http_sg_shm_alloc(zone, size, now,
                                     NGX_HTTP_SG_ROUNDS_JTI, &st->evicted);
        if (node == NULL) {
            continue;
        }

        ngx_http_sg_shm_add_jti(zone, node, hash, p, jti.key_len,
                                jti.expires);
        st->jti++;
    }

    /* last, the users' memories (past the blocks, in "ahead") */

    while (ngx_sg_state_next_memory(&ahead, &sub, &mem) == NGX_OK) {

        switch (ngx_http_sg_shm_memory_restore(zone, &sub, &mem, now)) {

        case NGX_OK:
            st->memories++;
            break;

        case NGX_DECLINED:
            st->memories_lost++;
            break;

        default: /* NGX_DONE */
            break;
        }
    }

    /* and the sessions' details, to the sessions restored with room */

    while (ngx_sg_state_next_details(&ahead, &id, &details) == NGX_OK) {

        sn = ngx_http_sg_shm_find_id(zone, &id,
                                     ngx_http_sg_shm_hash(zone, &id));

        if (sn && (sn->flags & NGX_SG_REC_DETAILS)) {
            ngx_memcpy(ngx_http_sg_node_details(sn), &details,
                       sizeof(ngx_sg_details_t));
            st->details++;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* with the mutex held */

static ngx_int_t
ngx_http_sg_state_restore_session(ngx_http_sg_zone_t *zone, ngx_str_t *id,
    ngx_str_t *sub, ngx_sg_record_t *rec, time_t now,
    ngx_http_sg_state_stats_t *st)
{
    uint32_t             hash;
    ngx_uint_t           rounds;
    ngx_http_sg_node_t  *sn, tmp;

    /* dead already? the same test as in the zone */

    ngx_memzero(&tmp, sizeof(ngx_http_sg_node_t));
    ngx_http_sg_shm_pack(rec, &tmp);
    tmp.revoked = rec->revoked;

    if (ngx_http_sg_dead(&tmp, now)) {
        st->skipped++;
        return NGX_DECLINED;
    }

    hash = ngx_http_sg_shm_hash(zone, id);

    if (ngx_http_sg_shm_find_id(zone, id, hash)) {
        return NGX_DECLINED;
    }

    rounds = rec->revoked ? NGX_HTTP_SG_ROUNDS_REVOKE
                          : NGX_HTTP_SG_ROUNDS_SESSION;

    /* learned again on the next request: the memory may not be there */
    rec->flags &= ~NGX_SG_REC_KNOWN;

    /* room for details as this zone keeps them, whatever the file says */
    rec->flags &= ~NGX_SG_REC_DETAILS;

    if (zone->details) {
        rec->flags |= NGX_SG_REC_DETAILS;
    }

    sn = ngx_http_sg_shm_create(zone, id, hash, sub, rec->flags, rec->created,
                                now, rounds, &st->evicted);

    if (sn == NULL) {
        if (rec->revoked) {
            st->lost++;
        }

        return NGX_ERROR;
    }

    ngx_http_sg_shm_pack(rec, sn);

    if (rec->revoked) {
        /* sets revoked_at to now: put the saved one back */
        ngx_http_sg_shm_revoke(zone, sn, rec->revoked, rec->revoke_reason,
                               rec->token_exp, now);
        sn->revoked_at = ngx_http_sg_t32(rec->revoked_at);
        sn->updated = ngx_http_sg_t32(rec->updated);
        st->revoked++;

    } else {
        ngx_http_sg_shm_touch(zone, sn, now);
    }

    st->sessions++;

    return NGX_OK;
}


void
ngx_http_sg_state_load(ngx_http_sg_zone_t *zone, ngx_log_t *log)
{
    u_char                     *buf;
    size_t                      size, got;
    ssize_t                     n;
    ngx_fd_t                    fd;
    ngx_file_info_t             fi;
    ngx_sg_state_t              file;
    const char                 *reason;
    ngx_http_sg_state_stats_t   st;

    fd = ngx_http_sg_state_open(zone, log, &fi);

    if (fd == NGX_INVALID_FILE) {
        return;
    }

    buf = NULL;

    /*
     * A file holds at most about twice what the zone does (the subject is
     * repeated for each of its sessions): anything larger is not ours.
     */

    size = (size_t) ngx_file_size(&fi);

    if (size > 4 * zone->shm_zone->shm.size + 65536) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "session_guard: state file \"%V\" ignored: too large "
                      "for zone \"%V\"", &zone->state, &zone->name);
        goto done;
    }

    buf = ngx_alloc(size ? size : 1, log);
    if (buf == NULL) {
        goto done;
    }

    /* no more than the size checked, whatever the file holds by now */

    for (got = 0; got < size; got += n) {
        n = ngx_read_fd(fd, buf + got, size - got);

        if (n == -1) {
            if (ngx_errno == NGX_EINTR) {
                n = 0;
                continue;
            }

            ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                          "session_guard: state file \"%V\" ignored: "
                          ngx_read_fd_n " failed", &zone->state);
            goto done;
        }

        if (n == 0) {
            break;
        }
    }

    reason = "short read";

    if (got != size
        || ngx_sg_state_parse(&file, buf, size, &zone->name, &reason)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "session_guard: state file \"%V\" ignored: %s",
                      &zone->state, reason);
        goto done;
    }

    ngx_memzero(&st, sizeof(ngx_http_sg_state_stats_t));

    ngx_http_sg_state_restore(zone, &file, &st);

    if (st.lost || st.blocks_lost) {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "session_guard: zone \"%V\" is too small for state "
                      "file \"%V\": %ui revocations and %ui blocked "
                      "subjects lost", &zone->name, &zone->state, st.lost,
                      st.blocks_lost);
    }

    ngx_log_error(NGX_LOG_NOTICE, log, 0,
                  "session_guard: loaded %ui sessions from state file "
                  "\"%V\" into zone \"%V\" (%ui revoked, %ui jti, "
                  "%ui blocked subjects, %ui expired, %ui evicted)",
                  st.sessions, &zone->state, &zone->name, st.revoked, st.jti,
                  st.blocks, st.skipped, st.evicted);

    if (st.memories || st.memories_lost) {
        ngx_log_error(NGX_LOG_NOTICE, log, 0,
                      "session_guard: loaded %ui user memories from state "
                      "file \"%V\" into zone \"%V\"%s", st.memories,
                      &zone->state, &zone->name,
                      st.memories_lost ? ", the others had no room" : "");
    }

done:

    if (buf) {
        ngx_free(buf);
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", &zone->state);
    }
}


/*
 * On reload, a zone whose size changed is a fresh one: the old zone, still
 * mapped and used by the old workers, is copied over through a snapshot,
 * so that nothing (revocations above all) is lost with the resize.
 */

void
ngx_http_sg_state_copy(ngx_http_sg_zone_t *zone, ngx_http_sg_zone_t *old,
    ngx_log_t *log)
{
    ngx_str_t                   data;
    const char                 *reason;
    ngx_sg_state_t              file;
    ngx_atomic_uint_t           gen;
    ngx_http_sg_state_stats_t   st;

    if (ngx_http_sg_state_snapshot(old, log, &data, &gen) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "session_guard: zone \"%V\" resized, its contents "
                      "could not be copied and are lost", &zone->name);
        return;
    }

    if (ngx_sg_state_parse(&file, data.data, data.len, &zone->name, &reason)
        == NGX_OK)
    {
        ngx_memzero(&st, sizeof(ngx_http_sg_state_stats_t));

        ngx_http_sg_state_restore(zone, &file, &st);

        if (st.lost || st.blocks_lost) {
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "session_guard: zone \"%V\" is too small for its "
                          "old contents: %ui revocations and %ui blocked "
                          "subjects lost", &zone->name, st.lost,
                          st.blocks_lost);
        }

        ngx_log_error(NGX_LOG_NOTICE, log, 0,
                      "session_guard: zone \"%V\" resized, copied %ui "
                      "sessions (%ui revoked, %ui jti, %ui blocked "
                      "subjects, %ui evicted)",
                      &zone->name, st.sessions, st.revoked, st.jti,
                      st.blocks, st.evicted);

        if (zone->memory_ttl) {
            ngx_log_error(NGX_LOG_NOTICE, log, 0,
                          "session_guard: zone \"%V\" resized, copied %ui "
                          "user memories%s", &zone->name, st.memories,
                          st.memories_lost ? ", the others had no room" : "");
        }
    }

    ngx_free(data.data);
}


/* saving */

ngx_int_t
ngx_http_sg_zone_save(ngx_http_sg_zone_t *zone, ngx_log_t *log)
{
    return ngx_http_sg_state_save(zone, log, 1);
}


/* force 0: only if something changed since the last save */

ngx_int_t
ngx_http_sg_state_save(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_uint_t force)
{
    ngx_int_t           rc;
    ngx_str_t           data;
    ngx_atomic_uint_t   gen;

    if (zone->state.len == 0 || zone->sh == NULL) {
        return NGX_OK;
    }

    if (!force && zone->sh->generation == zone->sh->saved) {
        return NGX_OK;
    }

    if (ngx_http_sg_state_snapshot(zone, log, &data, &gen) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_http_sg_state_write(zone, log, &data);

    ngx_free(data.data);

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    zone->sh->saved = gen;

    return NGX_OK;
}
