
/*
 * Copyright (C) ngx_session_guard authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <math.h>

#include "ngx_sg_geo.h"


#define NGX_SG_GEO_RAD   (3.14159265358979323846 / 180.0)


ngx_uint_t
ngx_sg_geo_valid(double latitude, double longitude)
{
    /* comparisons with NaN are false, so NaN fails here too */

    return (latitude >= -90.0 && latitude <= 90.0
            && longitude >= -180.0 && longitude <= 180.0);
}


double
ngx_sg_geo_distance(double lat1, double lon1, double lat2, double lon2)
{
    double  phi1, phi2, dphi, dlambda, s1, s2, a;

    phi1 = lat1 * NGX_SG_GEO_RAD;
    phi2 = lat2 * NGX_SG_GEO_RAD;
    dphi = (lat2 - lat1) * NGX_SG_GEO_RAD;

    /*
     * sin^2 of half the longitude difference has a period of 360 degrees,
     * so a difference across the antimeridian needs no normalisation.
     */

    dlambda = (lon2 - lon1) * NGX_SG_GEO_RAD;

    s1 = sin(dphi / 2.0);
    s2 = sin(dlambda / 2.0);

    a = s1 * s1 + cos(phi1) * cos(phi2) * s2 * s2;

    /* rounding can push "a" just outside [0, 1] near the antipodes */

    if (a < 0.0) {
        a = 0.0;

    } else if (a > 1.0) {
        a = 1.0;
    }

    return 2.0 * NGX_SG_GEO_EARTH_RADIUS_KM * atan2(sqrt(a), sqrt(1.0 - a));
}


ngx_int_t
ngx_sg_geo_travel(const ngx_sg_geo_point_t *from,
    const ngx_sg_geo_point_t *to, double speed_limit, double floor_km,
    ngx_sg_geo_travel_t *travel)
{
    ngx_memzero(travel, sizeof(ngx_sg_geo_travel_t));

    if (!ngx_sg_geo_valid(from->latitude, from->longitude)
        || !ngx_sg_geo_valid(to->latitude, to->longitude)
        || !(speed_limit >= 0.0 && speed_limit < HUGE_VAL)
        || !(floor_km >= 0.0 && floor_km < HUGE_VAL))
    {
        return NGX_DECLINED;
    }

    travel->distance = ngx_sg_geo_distance(from->latitude, from->longitude,
                                           to->latitude, to->longitude);

    /* difftime(): no overflow whatever the two times are */

    if (to->time > from->time) {
        travel->elapsed = difftime(to->time, from->time);
    }

    if (travel->distance == 0.0) {
        travel->speed = 0.0;

    } else if (travel->elapsed == 0.0) {
        travel->speed = HUGE_VAL;

    } else {
        travel->speed = travel->distance * 3600.0 / travel->elapsed;
    }

    travel->impossible = (travel->distance > floor_km
                          && travel->speed > speed_limit);

    return NGX_OK;
}
