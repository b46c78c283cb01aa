
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * The state file on disk.  It lives in a directory that the worker
 * processes' user can write (they save every "save" interval), while the
 * master reads it as root at start and writes it as root on exit: nothing
 * that user plants there may make the master write through it, block, or
 * load it.  Every name is resolved relative to the directory, opened once
 * (O_DIRECTORY: a FIFO in its place is never opened).
 *
 * What a save leaves, and the only thing a load accepts: a regular file,
 * mode 0600, one link, owned by the worker processes' user (or by nginx's,
 * which is what an earlier version left after a save by the master), in a
 * directory that others cannot write.
 */


#include "ngx_http_sg.h"


static ngx_fd_t ngx_http_sg_state_dir(ngx_str_t *path, ngx_log_t *log,
    size_t *base);
static void ngx_http_sg_state_user(ngx_http_sg_zone_t *zone, ngx_uid_t *uid,
    ngx_gid_t *gid);


/*
 * The directory of the state file, opened once: the file and its temporary
 * are then named relative to it, so that no path is resolved twice.  *base
 * gets the offset of the file's name in the path (which ngx_conf_full_name()
 * made absolute).  NGX_INVALID_FILE with ngx_errno set on failure.
 */

static ngx_fd_t
ngx_http_sg_state_dir(ngx_str_t *path, ngx_log_t *log, size_t *base)
{
    u_char     *dir, *p;
    ngx_fd_t    fd;
    ngx_err_t   err;

    p = path->data + path->len;

    while (p > path->data && *(p - 1) != '/') {
        p--;
    }

    *base = p - path->data;

    /* "/var/lib/nginx/", with its slash: "/" for a file at the root */

    dir = ngx_alloc(*base ? *base + 1 : sizeof("."), log);
    if (dir == NULL) {
        ngx_set_errno(NGX_ENOMEM);
        return NGX_INVALID_FILE;
    }

    if (*base) {
        (void) ngx_cpystrn(dir, path->data, *base + 1);

    } else {
        (void) ngx_cpystrn(dir, (u_char *) ".", sizeof("."));
    }

    /* O_DIRECTORY: never opens a FIFO, which would block */

    fd = open((char *) dir, O_RDONLY|O_DIRECTORY|O_NONBLOCK|O_CLOEXEC);

    err = ngx_errno;
    ngx_free(dir);
    ngx_set_errno(err);

    return fd;
}


/*
 * The user the state files belong to: the worker processes' (who save
 * periodically), or, if nginx does not switch users, its own.
 */

static void
ngx_http_sg_state_user(ngx_http_sg_zone_t *zone, ngx_uid_t *uid,
    ngx_gid_t *gid)
{
    ngx_core_conf_t  *ccf;

    ccf = (ngx_core_conf_t *) ngx_get_conf(zone->cycle->conf_ctx,
                                           ngx_core_module);

    if (ccf->user == (ngx_uid_t) NGX_CONF_UNSET_UINT) {
        *uid = geteuid();
        *gid = getegid();
        return;
    }

    *uid = ccf->user;
    *gid = ccf->group;
}


/*
 * The master reads the state file as root, from a directory that the
 * worker processes' user can write: only what a save leaves there is
 * opened.  That is a regular file (never followed through a symbolic link,
 * and a FIFO or a device is not even opened: a FIFO would block the start),
 * with one link, owned by nginx's user or the workers', writable by no one
 * else, in a directory that others cannot write.  Anything else is
 * reported and ignored, like a corrupt file: NGX_INVALID_FILE.
 */

ngx_fd_t
ngx_http_sg_state_open(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_file_info_t *fi)
{
    char             *name;
    size_t            base;
    ngx_fd_t          dir, fd;
    ngx_err_t         err;
    ngx_uid_t         uid;
    ngx_gid_t         gid;
    const char       *reason;
    ngx_file_info_t   st;

    fd = NGX_INVALID_FILE;
    err = 0;

    dir = ngx_http_sg_state_dir(&zone->state, log, &base);

    if (dir == NGX_INVALID_FILE) {
        err = ngx_errno;

        if (err == NGX_ENOENT) {
            goto missing;
        }

        reason = "open() of its directory failed";
        goto refused;
    }

    name = (char *) zone->state.data + base;

    if (ngx_fd_info(dir, &st) == NGX_FILE_ERROR) {
        err = ngx_errno;
        reason = ngx_fd_info_n " of its directory failed";
        goto refused;
    }

    if (st.st_mode & S_IWOTH) {
        reason = "its directory is writable by others";
        goto refused;
    }

    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
        err = ngx_errno;

        if (err == NGX_ENOENT) {
            goto missing;
        }

        reason = "fstatat() failed";
        goto refused;
    }

    if (S_ISLNK(st.st_mode)) {
        reason = "it is a symbolic link";
        goto refused;
    }

    if (!S_ISREG(st.st_mode)) {
        reason = "not a regular file";
        goto refused;
    }

    fd = openat(dir, name, O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC);

    if (fd == NGX_INVALID_FILE) {
        err = ngx_errno;
        reason = (err == NGX_ELOOP) ? "it is a symbolic link"
                                    : ngx_open_file_n " failed";
        err = (err == NGX_ELOOP) ? 0 : err;
        goto refused;
    }

    if (ngx_fd_info(fd, fi) == NGX_FILE_ERROR) {
        err = ngx_errno;
        reason = ngx_fd_info_n " failed";
        goto refused;
    }

    if (!S_ISREG(fi->st_mode)
        || fi->st_dev != st.st_dev || fi->st_ino != st.st_ino)
    {
        reason = "it was replaced while being opened";
        goto refused;
    }

    ngx_http_sg_state_user(zone, &uid, &gid);

    if (fi->st_uid != geteuid() && fi->st_uid != uid) {
        reason = "owned by neither nginx's user nor its worker processes' "
                 "user";
        goto refused;
    }

    if (fi->st_mode & (S_IWGRP|S_IWOTH)) {
        reason = "writable by group or others";
        goto refused;
    }

    if (fi->st_nlink != 1) {
        reason = "it has other links";
        goto refused;
    }

    (void) close(dir);

    return fd;

missing:

    ngx_log_error(NGX_LOG_NOTICE, log, 0,
                  "session_guard: no state file \"%V\" yet, zone \"%V\" "
                  "starts empty", &zone->state, &zone->name);
    goto failed;

refused:

    ngx_log_error(NGX_LOG_ERR, log, err,
                  "session_guard: state file \"%V\" ignored: %s",
                  &zone->state, reason);

failed:

    if (fd != NGX_INVALID_FILE) {
        (void) close(fd);
    }

    if (dir != NGX_INVALID_FILE) {
        (void) close(dir);
    }

    return NGX_INVALID_FILE;
}


/*
 * The temporary file is created afresh next to the state file, named for
 * the process (during a binary upgrade two masters may save at once) and
 * relative to the directory opened once, with O_EXCL|O_NOFOLLOW: whatever
 * the workers' user may have planted at that name (a symbolic link to a
 * file of root's, since the master saves as root on exit) is never opened.
 * Such an entry, or a stale temporary of a process that had the same pid,
 * is removed (the name itself, not what it points to) and the file
 * created again, once.
 *
 * Written by the master as root, the file is given to the workers' user
 * (fchown): that user owns the other state files there and could replace
 * this one anyway, and no root-owned file is left where it can write.
 * Synced, then renamed over the state file (an entry planted there, a
 * link or a FIFO, is replaced, not followed), and the directory synced.
 */

ngx_int_t
ngx_http_sg_state_write(ngx_http_sg_zone_t *zone, ngx_log_t *log,
    ngx_str_t *data)
{
    char             *name;
    u_char           *tmp;
    size_t            base;
    ssize_t           n;
    ngx_fd_t          fd, dir;
    ngx_err_t         err;
    ngx_uid_t         uid;
    ngx_gid_t         gid;
    ngx_uint_t        written, created, retried;
    const char       *failed;
    ngx_file_info_t   fi;

    tmp = ngx_alloc(zone->state.len + NGX_INT64_LEN + sizeof("..tmp"), log);
    if (tmp == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(tmp, "%V.%P.tmp%Z", &zone->state, ngx_pid);

    dir = ngx_http_sg_state_dir(&zone->state, log, &base);

    if (dir == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      "session_guard: cannot save zone \"%V\": "
                      ngx_open_file_n " \"%*s\" failed", &zone->name,
                      base, zone->state.data);
        ngx_free(tmp);
        return NGX_ERROR;
    }

    name = (char *) tmp + base;
    fd = NGX_INVALID_FILE;
    created = 0;
    retried = 0;

    if (ngx_fd_info(dir, &fi) == NGX_FILE_ERROR) {
        err = ngx_errno;
        failed = ngx_fd_info_n " of the directory of";
        goto failed;
    }

    /* loading would refuse it */

    if (fi.st_mode & S_IWOTH) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "session_guard: cannot save zone \"%V\": directory "
                      "\"%*s\" is writable by others", &zone->name, base,
                      zone->state.data);
        (void) close(dir);
        ngx_free(tmp);
        return NGX_ERROR;
    }

    for ( ;; ) {
        fd = openat(dir, name,
                    O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_NOCTTY|O_CLOEXEC,
                    NGX_FILE_OWNER_ACCESS);

        if (fd != NGX_INVALID_FILE) {
            break;
        }

        err = ngx_errno;

        if (err != NGX_EEXIST || retried) {
            failed = ngx_open_file_n;
            goto failed;
        }

        retried = 1;

        if (unlinkat(dir, name, 0) == -1) {
            err = ngx_errno;
            failed = "unlink() of an earlier";
            goto failed;
        }
    }

    created = 1;

    /* the umask may have made it narrower, never wider */

    if (fchmod(fd, NGX_FILE_OWNER_ACCESS) == -1) {
        err = ngx_errno;
        failed = "fchmod()";
        goto failed;
    }

    if (geteuid() == 0) {
        ngx_http_sg_state_user(zone, &uid, &gid);

        if ((uid != 0 || gid != getegid()) && fchown(fd, uid, gid) == -1) {
            err = ngx_errno;
            failed = "fchown()";
            goto failed;
        }
    }

    for (written = 0; written < data->len; written += n) {
        n = ngx_write_fd(fd, data->data + written, data->len - written);

        if (n == -1) {
            err = ngx_errno;

            if (err == NGX_EINTR) {
                n = 0;
                continue;
            }

            failed = ngx_write_fd_n;
            goto failed;
        }
    }

    if (fsync(fd) == -1) {
        err = ngx_errno;
        failed = "fsync()";
        goto failed;
    }

    n = close(fd);
    fd = NGX_INVALID_FILE;

    if (n == -1) {
        err = ngx_errno;
        failed = ngx_close_file_n;
        goto failed;
    }

    if (renameat(dir, name, dir, (char *) zone->state.data + base) == -1) {
        err = ngx_errno;
        failed = ngx_rename_file_n;
        goto failed;
    }

    /* the rename itself, made durable */

    (void) fsync(dir);
    (void) close(dir);

    ngx_free(tmp);

    ngx_log_error(NGX_LOG_INFO, log, 0,
                  "session_guard: zone \"%V\" saved to \"%V\"",
                  &zone->name, &zone->state);

    return NGX_OK;

failed:

    ngx_log_error(NGX_LOG_ERR, log, err,
                  "session_guard: cannot save zone \"%V\": %s \"%s\" failed",
                  &zone->name, failed, tmp);

    if (fd != NGX_INVALID_FILE) {
        (void) close(fd);
    }

    if (created) {
        (void) unlinkat(dir, name, 0);
    }

    (void) close(dir);
    ngx_free(tmp);

    return NGX_ERROR;
}
