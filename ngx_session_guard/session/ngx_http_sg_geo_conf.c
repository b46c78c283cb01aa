
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * "session_guard_geoip": MaxMind DB files opened with MMDB_MODE_MMAP when
 * the configuration is loaded, checked for the kind of data they hold,
 * and closed by a cleanup of the configuration pool, so a reload maps the
 * files anew.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_geo.h"


static ngx_int_t ngx_http_sg_geo_open(ngx_conf_t *cf,
    ngx_http_sg_geo_db_t *db, ngx_str_t *name, const char *param);
static ngx_uint_t ngx_http_sg_geo_type_fits(const char *type,
    const char *param);
static void ngx_http_sg_geo_cleanup(void *data);


/*
 * session_guard_geoip [asn=file] [city=file] [anonymous=file]
 *     [proxy=file]
 */

char *
ngx_http_sg_geoip(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sg_main_conf_t *smcf = conf;

    ngx_str_t              *value, name;
    ngx_uint_t              i;
    const char             *param;
    ngx_http_sg_geoip_t    *geoip;
    ngx_http_sg_geo_db_t   *db;

    if (smcf->geoip != NULL) {
        return "is duplicate";
    }

    geoip = ngx_pcalloc(cf->pool, sizeof(ngx_http_sg_geoip_t));
    if (geoip == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "asn=", 4) == 0) {
            db = &geoip->asn;
            param = "asn=";

        } else if (ngx_strncmp(value[i].data, "city=", 5) == 0) {
            db = &geoip->city;
            param = "city=";

        } else if (ngx_strncmp(value[i].data, "anonymous=", 10) == 0) {
            db = &geoip->anonymous;
            param = "anonymous=";

        } else if (ngx_strncmp(value[i].data, "proxy=", 6) == 0) {
            db = &geoip->proxy;
            param = "proxy=";

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", it must be "
                               "\"asn=file\", \"city=file\", "
                               "\"anonymous=file\" or \"proxy=file\"",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        if (db->name.len) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate parameter \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        name.data = value[i].data + ngx_strlen(param);
        name.len = value[i].len - ngx_strlen(param);

        if (name.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "empty file name in \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_sg_geo_open(cf, db, &name, param) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    smcf->geoip = geoip;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_sg_geo_open(ngx_conf_t *cf, ngx_http_sg_geo_db_t *db,
    ngx_str_t *name, const char *param)
{
    int                  rc;
    ngx_err_t            err;
    const char          *type;
    ngx_file_info_t      fi;
    ngx_pool_cleanup_t  *cln;

    /* the result is NUL-terminated, as the argument was */

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    db->name = *name;

    /* added first: once the file is mapped, nothing may leak it */

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    /* MMDB_open() would wait forever on a FIFO: a regular file only */

    if (ngx_file_info(name->data, &fi) != NGX_FILE_ERROR
        && !ngx_is_file(&fi))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard: cannot open geoip database "
                           "\"%V\" (%s): not a file", name, param);
        return NGX_ERROR;
    }

    ngx_set_errno(0);

    rc = MMDB_open((const char *) name->data, MMDB_MODE_MMAP, &db->mmdb);

    if (rc != MMDB_SUCCESS) {
        err = (rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR)
              ? ngx_errno : 0;

        ngx_conf_log_error(NGX_LOG_EMERG, cf, err,
                           "session_guard: cannot open geoip database "
                           "\"%V\" (%s): %s", name, param,
                           MMDB_strerror(rc));
        return NGX_ERROR;
    }

    db->open = 1;
    cln->handler = ngx_http_sg_geo_cleanup;
    cln->data = db;

    type = db->mmdb.metadata.database_type;

    if (type == NULL || !ngx_http_sg_geo_type_fits(type, param)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "session_guard: geoip database \"%V\" of type "
                           "\"%s\" cannot be used as %s (expected %s)",
                           name, type ? type : "",  param,
                           param[0] == 'c'
                           ? "a City, Country or Enterprise database"
                           : param[1] == 's'
                           ? "an ASN or ISP database"
                           : param[0] == 'a'
                           ? "an Anonymous IP or Anonymous Plus database"
                           : "a Residential Proxy database");
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * By database_type: "GeoLite2-ASN", "GeoIP2-ISP", "DBIP-ASN-Lite" carry
 * autonomous_system_* at the top level; "GeoIP2-City", "GeoLite2-Country",
 * "GeoIP2-Enterprise", "DBIP-City-Lite" carry country and (but for the
 * Country ones) location; the anonymity ones carry is_* booleans (an
 * entry of a Residential Proxy database is one).
 */

static ngx_uint_t
ngx_http_sg_geo_type_fits(const char *type, const char *param)
{
    if (param[0] == 'a' && param[1] == 's') {
        return (ngx_strstr(type, "ASN") != NULL
                || ngx_strstr(type, "ISP") != NULL);
    }

    /* "GeoIP2-Anonymous-IP", "GeoIP-Anonymous-Plus" */

    if (param[0] == 'a') {
        return ngx_strstr(type, "Anonymous") != NULL;
    }

    /* "GeoIP-Residential-Proxy" */

    if (param[0] == 'p') {
        return ngx_strstr(type, "Residential-Proxy") != NULL;
    }

    return (ngx_strstr(type, "City") != NULL
            || ngx_strstr(type, "Country") != NULL
            || ngx_strstr(type, "Enterprise") != NULL);
}


static void
ngx_http_sg_geo_cleanup(void *data)
{
    ngx_http_sg_geo_db_t  *db = data;

    if (db->open) {
        MMDB_close(&db->mmdb);
        db->open = 0;
    }
}
