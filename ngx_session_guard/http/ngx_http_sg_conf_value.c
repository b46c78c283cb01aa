
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * A directive's value as the configuration keeps it: compiled as a complex
 * value, or the bytes of the file it names.  Shared by every concern's
 * directive handlers (*_conf.c); calls nothing of the module's.
 */


#include "ngx_http_sg.h"


/* a directive's value compiled as a complex value, into *cvp */

char *
ngx_http_sg_compile(ngx_conf_t *cf, ngx_str_t *value,
    ngx_http_complex_value_t **cvp)
{
    ngx_http_complex_value_t          *cv;
    ngx_http_compile_complex_value_t   ccv;

    cv = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (cv == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = value;
    ccv.complex_value = cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    *cvp = cv;

    return NGX_CONF_OK;
}


/*
 * A key file's bytes, 1 to max, into cf->temp_pool; errors name the
 * directive ("who") and the file.  NGX_OK or NGX_ERROR (logged).
 */

ngx_int_t
ngx_http_sg_read_file(ngx_conf_t *cf, const char *who, ngx_str_t *name,
    size_t max, ngx_str_t *out)
{
    ssize_t          n;
    ngx_int_t        rc;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    ngx_memzero(&file, sizeof(ngx_file_t));

    file.name = *name;
    file.log = cf->log;

    /* non-blocking: a FIFO must not hang the start; refused below */

    file.fd = ngx_open_file(name->data, NGX_FILE_RDONLY|NGX_FILE_NONBLOCK,
                            NGX_FILE_OPEN, 0);

    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "%s: cannot open key file \"%V\"", who, name);
        return NGX_ERROR;
    }

    rc = NGX_ERROR;
    ngx_str_null(out);

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "%s: cannot stat key file \"%V\"", who, name);
        goto done;
    }

    if (!ngx_is_file(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%s: key file \"%V\" is not a file", who, name);
        goto done;
    }

    if (ngx_file_size(&fi) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%s: key file \"%V\" is empty", who, name);
        goto done;
    }

    if ((size_t) ngx_file_size(&fi) > max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%s: key file \"%V\" is larger than %uz bytes",
                           who, name, max);
        goto done;
    }

    out->len = (size_t) ngx_file_size(&fi);
    out->data = ngx_pnalloc(cf->temp_pool, out->len);
    if (out->data == NULL) {
        goto done;
    }

    n = ngx_read_file(&file, out->data, out->len, 0);

    if (n == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "%s: cannot read key file \"%V\"", who, name);
        goto done;
    }

    if ((size_t) n != out->len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%s: short read of key file \"%V\"", who, name);
        goto done;
    }

    rc = NGX_OK;

done:

    if (rc != NGX_OK && out->data) {
        /* a private key's bytes are not left behind */
        ngx_explicit_memzero(out->data, out->len);
    }

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", name);
    }

    return rc;
}
