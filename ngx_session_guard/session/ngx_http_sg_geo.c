
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * GeoIP context from MaxMind DB files (libmaxminddb): the lookup the
 * engine uses, and the $session_guard_asn, _asn_org, _country, _latitude
 * and _longitude variables ("session_guard_geoip" opens the databases:
 * ngx_http_sg_geo_conf.c).
 *
 * The databases are mapped (MMDB_MODE_MMAP): a lookup is a walk over
 * mapped memory, no file I/O, no malloc (libmaxminddb allocates only in
 * MMDB_open() and for entry data lists, never used here), results copied
 * into the request pool.
 *
 * Contract of ngx_http_sg_geo_lookup():
 *     NGX_OK        looked up; any field may be unknown (an address in no
 *                   network, a field the database lacks, a lookup error);
 *     NGX_DECLINED  no database is configured: every field is unknown;
 *     NGX_ERROR     out of memory.
 * A database error at request time (a corrupt file) is logged at "error"
 * once per lookup, marks the result "failed", and leaves every field of
 * that database unknown: it never fails the request.
 */


#include "ngx_http_sg.h"
#include "ngx_http_sg_geo.h"


/* asn_org is cut (at a character boundary) beyond this many bytes */
#define NGX_HTTP_SG_GEO_ORG_MAX   256


typedef enum {
    ngx_http_sg_geo_var_asn = 0,
    ngx_http_sg_geo_var_asn_org,
    ngx_http_sg_geo_var_country,
    ngx_http_sg_geo_var_latitude,
    ngx_http_sg_geo_var_longitude,
    ngx_http_sg_geo_var_anonymous
} ngx_http_sg_geo_var_e;


static ngx_int_t ngx_http_sg_geo_do_lookup(ngx_http_request_t *r,
    ngx_http_sg_geoip_t *geoip, ngx_http_sg_geo_t *geo);
static struct sockaddr *ngx_http_sg_geo_sockaddr(ngx_connection_t *c,
    struct sockaddr_in *sin);
static ngx_int_t ngx_http_sg_geo_entry(ngx_http_request_t *r,
    ngx_http_sg_geo_db_t *db, struct sockaddr *sa, MMDB_entry_s *entry);
static ngx_int_t ngx_http_sg_geo_value(ngx_http_request_t *r,
    ngx_http_sg_geo_db_t *db, MMDB_entry_s *entry, const char *const *path,
    MMDB_entry_data_s *data);
static ngx_int_t ngx_http_sg_geo_asn(ngx_http_request_t *r,
    ngx_http_sg_geo_db_t *db, MMDB_entry_s *entry, ngx_http_sg_geo_t *geo);
static ngx_int_t ngx_http_sg_geo_city(ngx_http_request_t *r,
    ngx_http_sg_geo_db_t *db, MMDB_entry_s *entry, ngx_http_sg_geo_t *geo);
static ngx_int_t ngx_http_sg_geo_anonymous(ngx_http_request_t *r,
    ngx_http_sg_geo_db_t *db, MMDB_entry_s *entry, ngx_http_sg_geo_t *geo);
static ngx_int_t ngx_http_sg_geo_copy_org(ngx_pool_t *pool, ngx_str_t *dst,
    const u_char *src, size_t len);
static ngx_int_t ngx_http_sg_geo_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static u_char *ngx_http_sg_geo_degrees(u_char *p, double value);


static const char *const  ngx_http_sg_geo_path_asn[] =
    { "autonomous_system_number", NULL };
static const char *const  ngx_http_sg_geo_path_org[] =
    { "autonomous_system_organization", NULL };
static const char *const  ngx_http_sg_geo_path_country[] =
    { "country", "iso_code", NULL };
static const char *const  ngx_http_sg_geo_path_city[] =
    { "city", "names", "en", NULL };
static const char *const  ngx_http_sg_geo_path_lat[] =
    { "location", "latitude", NULL };
static const char *const  ngx_http_sg_geo_path_lon[] =
    { "location", "longitude", NULL };

/* the booleans of the anonymity databases, by NGX_HTTP_SG_ANON_* bit */
static const char *const  ngx_http_sg_geo_path_anon[][2] = {
    { "is_anonymous_vpn", NULL },
    { "is_tor_exit_node", NULL },
    { "is_public_proxy", NULL },
    { "is_residential_proxy", NULL },
    { "is_hosting_provider", NULL }
};


ngx_str_t  ngx_http_sg_anon_names[] = {
    ngx_string("vpn"),
    ngx_string("tor"),
    ngx_string("proxy"),
    ngx_string("residential"),
    ngx_string("hosting")
};


static ngx_http_variable_t  ngx_http_sg_geo_vars[] = {

    { ngx_string("session_guard_asn"), NULL,
      ngx_http_sg_geo_variable, ngx_http_sg_geo_var_asn,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_asn_org"), NULL,
      ngx_http_sg_geo_variable, ngx_http_sg_geo_var_asn_org,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_country"), NULL,
      ngx_http_sg_geo_variable, ngx_http_sg_geo_var_country,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_latitude"), NULL,
      ngx_http_sg_geo_variable, ngx_http_sg_geo_var_latitude,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_longitude"), NULL,
      ngx_http_sg_geo_variable, ngx_http_sg_geo_var_longitude,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("session_guard_anonymous"), NULL,
      ngx_http_sg_geo_variable, ngx_http_sg_geo_var_anonymous,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_sg_geo_add_variables(ngx_conf_t *cf)
{
    return ngx_http_sg_register_variables(cf, ngx_http_sg_geo_vars);
}


ngx_int_t
ngx_http_sg_geo_lookup(ngx_http_request_t *r, ngx_http_sg_geo_t *out)
{
    ngx_http_sg_ctx_t        *ctx;
    ngx_http_sg_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_session_guard_module);

    if (smcf->geoip == NULL) {
        ngx_memzero(out, sizeof(ngx_http_sg_geo_t));
        return NGX_DECLINED;
    }

    /*
     * The result is kept in the context of the main request, so that any
     * number of variable reads and the engine do one lookup.
     */

    ctx = ngx_http_sg_ensure_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (!ctx->geo_done) {
        if (ngx_http_sg_geo_do_lookup(r, smcf->geoip, &ctx->geo) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->geo_done = 1;
    }

    if (out != &ctx->geo) {
        *out = ctx->geo;
    }

    return NGX_OK;
}


/* the client's GeoIP context, looked up once per request; NULL: none */

ngx_http_sg_geo_t *
ngx_http_sg_request_geo(ngx_http_request_t *r)
{
    ngx_http_sg_geo_t   geo;
    ngx_http_sg_ctx_t  *ctx;

    if (ngx_http_sg_geo_lookup(r, &geo) != NGX_OK) {
        return NULL;
    }

    ctx = ngx_http_sg_get_ctx(r);

    return ctx ? &ctx->geo : NULL;
}


static ngx_int_t
ngx_http_sg_geo_do_lookup(ngx_http_request_t *r, ngx_http_sg_geoip_t *geoip,
    ngx_http_sg_geo_t *geo)
{
    ngx_int_t            rc;
    MMDB_entry_s         entry;
    struct sockaddr     *sa;
    struct sockaddr_in   sin;

    ngx_memzero(geo, sizeof(ngx_http_sg_geo_t));

    /* the client address, as the realip module may have replaced it */

    sa = ngx_http_sg_geo_sockaddr(r->connection, &sin);

    if (sa == NULL) {
        return NGX_OK;
    }

    if (geoip->asn.open) {
        rc = ngx_http_sg_geo_entry(r, &geoip->asn, sa, &entry);

        if (rc == NGX_OK) {
            rc = ngx_http_sg_geo_asn(r, &geoip->asn, &entry, geo);
        }

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_ABORT) {
            geo->asn = 0;
            ngx_str_null(&geo->asn_org);
            geo->failed = 1;
        }
    }

    if (geoip->city.open) {
        rc = ngx_http_sg_geo_entry(r, &geoip->city, sa, &entry);

        if (rc == NGX_OK) {
            rc = ngx_http_sg_geo_city(r, &geoip->city, &entry, geo);
        }

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (rc == NGX_ABORT) {
            ngx_memzero(geo->country, sizeof(geo->country));
            geo->has_loc = 0;
            geo->latitude = 0;
            geo->longitude = 0;
            geo->failed = 1;
        }
    }

    /* anonymity: what either database says; a failure says nothing */

    if (geoip->anonymous.open) {
        rc = ngx_http_sg_geo_entry(r, &geoip->anonymous, sa, &entry);

        if (rc == NGX_OK) {
            rc = ngx_http_sg_geo_anonymous(r, &geoip->anonymous, &entry, geo);
        }

        if (rc == NGX_ABORT) {
            geo->failed = 1;
        }
    }

    if (geoip->proxy.open) {
        rc = ngx_http_sg_geo_entry(r, &geoip->proxy, sa, &entry);

        if (rc == NGX_OK) {
            geo->anonymous |= NGX_HTTP_SG_ANON_RESIDENTIAL;
        }

        if (rc == NGX_ABORT) {
            geo->failed = 1;
        }
    }

    ngx_log_debug5(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "session_guard: geoip asn:%uD country:\"%*s\" loc:%ui%s",
                   geo->asn, (size_t) (geo->country[0] ? 2 : 0),
                   geo->country, (ngx_uint_t) geo->has_loc,
                   geo->failed ? " failed" : "");

    return NGX_OK;
}


/*
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as "listen [::]" with
 * ipv6only=off or a proxy may give) is looked up as the IPv4 address:
 * MaxMind databases need not alias that range.  Other families (unix
 * sockets) have no location: NULL.
 */

static struct sockaddr *
ngx_http_sg_geo_sockaddr(ngx_connection_t *c, struct sockaddr_in *sin)
{
#if (NGX_HAVE_INET6)
    u_char               *p;
    struct sockaddr_in6  *sin6;
#endif

    switch (c->sockaddr->sa_family) {

    case AF_INET:
        return c->sockaddr;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) c->sockaddr;

        if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            return c->sockaddr;
        }

        ngx_memzero(sin, sizeof(struct sockaddr_in));
        sin->sin_family = AF_INET;

        p = sin6->sin6_addr.s6_addr;
        ngx_memcpy(&sin->sin_addr.s_addr, p + 12, 4);

        return (struct sockaddr *) sin;
#endif

    default:
        return NULL;
    }
}


/*
 * NGX_OK: entry found; NGX_DECLINED: the address is in no network of the
 * database; NGX_ABORT: the database failed (logged).
 */

static ngx_int_t
ngx_http_sg_geo_entry(ngx_http_request_t *r, ngx_http_sg_geo_db_t *db,
    struct sockaddr *sa, MMDB_entry_s *entry)
{
    int                    mmdb_error;
    MMDB_lookup_result_s   result;

    result = MMDB_lookup_sockaddr(&db->mmdb, sa, &mmdb_error);

    if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
        /* an IPv4-only database knows nothing of IPv6 clients */
        return NGX_DECLINED;
    }

    if (mmdb_error != MMDB_SUCCESS) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "session_guard: geoip lookup in \"%V\" failed: %s",
                      &db->name, MMDB_strerror(mmdb_error));
        return NGX_ABORT;
    }

    if (!result.found_entry) {
        return NGX_DECLINED;
    }

    *entry = result.entry;

    return NGX_OK;
}


/*
 * NGX_OK: data->has_data tells whether the value exists; NGX_ABORT: the
 * database failed (logged).  A path that meets data of another shape
 * (a string where a map should be) is a value that does not exist.
 */

static ngx_int_t
ngx_http_sg_geo_value(ngx_http_request_t *r, ngx_http_sg_geo_db_t *db,
    MMDB_entry_s *entry, const char *const *path, MMDB_entry_data_s *data)
{
    int  rc;

    ngx_memzero(data, sizeof(MMDB_entry_data_s));

    rc = MMDB_aget_value(entry, data, path);

    if (rc == MMDB_SUCCESS) {
        return NGX_OK;
    }

    if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
        data->has_data = 0;
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "session_guard: geoip lookup in \"%V\" failed: %s",
                  &db->name, MMDB_strerror(rc));

    return NGX_ABORT;
}


static ngx_int_t
ngx_http_sg_geo_asn(ngx_http_request_t *r, ngx_http_sg_geo_db_t *db,
    MMDB_entry_s *entry, ngx_http_sg_geo_t *geo)
{
    MMDB_entry_data_s  data;

    if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_asn, &data)
        != NGX_OK)
    {
        return NGX_ABORT;
    }

    if (data.has_data) {
        switch (data.type) {

        case MMDB_DATA_TYPE_UINT16:
            geo->asn = data.uint16;
            break;

        case MMDB_DATA_TYPE_UINT32:
            geo->asn = data.uint32;
            break;

        case MMDB_DATA_TYPE_UINT64:
            geo->asn = data.uint64 <= 0xffffffff ? (uint32_t) data.uint64
                                                 : 0;
            break;

        default:
            break;
        }
    }

    if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_org, &data)
        != NGX_OK)
    {
        return NGX_ABORT;
    }

    if (data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
        return ngx_http_sg_geo_copy_org(r->pool, &geo->asn_org,
                                        (const u_char *) data.utf8_string,
                                        data.data_size);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_geo_city(ngx_http_request_t *r, ngx_http_sg_geo_db_t *db,
    MMDB_entry_s *entry, ngx_http_sg_geo_t *geo)
{
    double              lat, lon;
    const u_char       *p;
    MMDB_entry_data_s   data;

    if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_country,
                              &data)
        != NGX_OK)
    {
        return NGX_ABORT;
    }

    /* an ISO 3166-1 alpha-2 code, or nothing */

    if (data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING
        && data.data_size == 2)
    {
        p = (const u_char *) data.utf8_string;

        if (p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z') {
            geo->country[0] = p[0];
            geo->country[1] = p[1];
        }
    }

    if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_city, &data)
        != NGX_OK)
    {
        return NGX_ABORT;
    }

    /* a name, copied as the network's is (bounded, made printable) */

    if (data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING
        && ngx_http_sg_geo_copy_org(r->pool, &geo->city,
                                    (const u_char *) data.utf8_string,
                                    data.data_size)
           != NGX_OK)
    {
        return NGX_ABORT;
    }

    if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_lat, &data)
        != NGX_OK)
    {
        return NGX_ABORT;
    }

    if (!data.has_data) {
        return NGX_OK;
    }

    if (data.type == MMDB_DATA_TYPE_DOUBLE) {
        lat = data.double_value;

    } else if (data.type == MMDB_DATA_TYPE_FLOAT) {
        lat = data.float_value;

    } else {
        return NGX_OK;
    }

    if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_lon, &data)
        != NGX_OK)
    {
        return NGX_ABORT;
    }

    if (!data.has_data) {
        return NGX_OK;
    }

    if (data.type == MMDB_DATA_TYPE_DOUBLE) {
        lon = data.double_value;

    } else if (data.type == MMDB_DATA_TYPE_FLOAT) {
        lon = data.float_value;

    } else {
        return NGX_OK;
    }

    /* the travel check trusts these: nothing out of range gets through */

    if (ngx_sg_geo_valid(lat, lon)) {
        geo->has_loc = 1;
        geo->latitude = lat;
        geo->longitude = lon;
    }

    return NGX_OK;
}


/* the names of the kinds in "anon", comma-separated */

u_char *
ngx_http_sg_anon_list(u_char *p, ngx_uint_t anon)
{
    u_char      *start;
    ngx_uint_t   i;

    start = p;

    for (i = 0; i < NGX_HTTP_SG_ANON_COUNT; i++) {
        if (anon & ((ngx_uint_t) 1 << i)) {
            if (p != start) {
                *p++ = ',';
            }

            p = ngx_cpymem(p, ngx_http_sg_anon_names[i].data,
                           ngx_http_sg_anon_names[i].len);
        }
    }

    return p;
}


/*
 * The kinds of anonymity an entry of an Anonymous IP (or Anonymous Plus)
 * database claims, each a boolean that is true; a value of another type
 * claims nothing.  NGX_OK, or NGX_ABORT (logged).
 */

static ngx_int_t
ngx_http_sg_geo_anonymous(ngx_http_request_t *r, ngx_http_sg_geo_db_t *db,
    MMDB_entry_s *entry, ngx_http_sg_geo_t *geo)
{
    ngx_uint_t          i;
    MMDB_entry_data_s   data;

    for (i = 0; i < NGX_HTTP_SG_ANON_COUNT; i++) {
        if (ngx_http_sg_geo_value(r, db, entry, ngx_http_sg_geo_path_anon[i],
                                  &data)
            != NGX_OK)
        {
            return NGX_ABORT;
        }

        if (data.has_data && data.type == MMDB_DATA_TYPE_BOOLEAN
            && data.boolean)
        {
            geo->anonymous |= (ngx_uint_t) 1 << i;
        }
    }

    return NGX_OK;
}


/*
 * The organization name goes into variables, headers and logs: control
 * characters become "?", and a long name is cut before a UTF-8
 * continuation byte, never inside a character.
 */

static ngx_int_t
ngx_http_sg_geo_copy_org(ngx_pool_t *pool, ngx_str_t *dst, const u_char *src,
    size_t len)
{
    size_t   i;
    u_char  *p;

    if (len > NGX_HTTP_SG_GEO_ORG_MAX) {
        len = NGX_HTTP_SG_GEO_ORG_MAX;

        while (len && (src[len] & 0xc0) == 0x80) {
            len--;
        }
    }

    if (len == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < len; i++) {
        p[i] = (src[i] < 0x20 || src[i] == 0x7f) ? '?' : src[i];
    }

    dst->data = p;
    dst->len = len;

    return NGX_OK;
}


static ngx_int_t
ngx_http_sg_geo_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    u_char             *p;
    ngx_int_t           rc;
    ngx_http_sg_geo_t   geo;

    rc = ngx_http_sg_geo_lookup(r, &geo);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    v->not_found = 1;

    if (rc == NGX_DECLINED) {
        return NGX_OK;
    }

    switch (data) {

    case ngx_http_sg_geo_var_asn:
        if (geo.asn == 0) {
            return NGX_OK;
        }

        p = ngx_pnalloc(r->pool, NGX_INT32_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->len = ngx_sprintf(p, "%uD", geo.asn) - p;
        v->data = p;
        break;

    case ngx_http_sg_geo_var_asn_org:
        if (geo.asn_org.len == 0) {
            return NGX_OK;
        }

        v->len = geo.asn_org.len;
        v->data = geo.asn_org.data;
        break;

    case ngx_http_sg_geo_var_country:
        if (geo.country[0] == '\0') {
            return NGX_OK;
        }

        /* the context may be reset by the access handler: copy it out */

        p = ngx_pnalloc(r->pool, 2);
        if (p == NULL) {
            return NGX_ERROR;
        }

        p[0] = geo.country[0];
        p[1] = geo.country[1];

        v->len = 2;
        v->data = p;
        break;

    case ngx_http_sg_geo_var_anonymous:
        if (geo.anonymous == 0) {
            return NGX_OK;
        }

        /* "vpn,tor,proxy,residential,hosting" at most */

        v->data = ngx_pnalloc(r->pool, sizeof("vpn,tor,proxy,residential,"
                                              "hosting") - 1);
        if (v->data == NULL) {
            return NGX_ERROR;
        }

        v->len = ngx_http_sg_anon_list(v->data, geo.anonymous) - v->data;
        break;

    default: /* latitude, longitude */
        if (!geo.has_loc) {
            return NGX_OK;
        }

        p = ngx_pnalloc(r->pool, sizeof("-180.0000") - 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->len = ngx_http_sg_geo_degrees(p,
                     data == ngx_http_sg_geo_var_latitude ? geo.latitude
                                                          : geo.longitude)
                 - p;
        v->data = p;
        break;
    }

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * 4 decimals (11 m at the equator), rounded half away from zero, and no
 * "-0.0000"; the value is within [-180, 180].
 */

static u_char *
ngx_http_sg_geo_degrees(u_char *p, double value)
{
    int64_t  n;

    n = (int64_t) (value * 10000.0 + (value < 0 ? -0.5 : 0.5));

    if (n < 0) {
        *p++ = '-';
        n = -n;
    }

    return ngx_sprintf(p, "%L.%04L", n / 10000, n % 10000);
}
