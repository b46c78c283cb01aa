
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_GEO_H_INCLUDED_
#define _NGX_SG_GEO_H_INCLUDED_


/*
 * Great-circle distance and the impossible-travel predicate.
 *
 * The Earth is taken as a sphere of the IUGG mean radius (6371.0088 km);
 * the haversine formula is well conditioned for small distances, and the
 * spherical model is within 0.5% of the ellipsoid, far below the accuracy
 * of IP geolocation.  Longitudes wrap: 179.5 and -179.5 are 1 degree
 * apart, not 359.
 *
 * Coordinates are decimal degrees, latitude in [-90, 90], longitude in
 * [-180, 180]; distances are km, speeds km/h, times seconds.
 *
 * Return contract of ngx_sg_geo_travel():
 *     NGX_OK        evaluated: travel->impossible holds the verdict;
 *     NGX_DECLINED  a coordinate or limit is out of range or not a
 *                   number: nothing was evaluated, no signal.
 * Nothing here allocates, logs or fails otherwise.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_GEO_EARTH_RADIUS_KM   6371.0088


typedef struct {
    double                     latitude;
    double                     longitude;
    time_t                     time;        /* when the client was there */
} ngx_sg_geo_point_t;


typedef struct {
    double                     distance;    /* km */

    /*
     * km/h over the elapsed time; HUGE_VAL (infinity) when the distance
     * is over 0 and no time elapsed (or the clock went backwards), 0 when
     * the distance is 0.  Printers must not emit "inf" into JSON.
     */
    double                     speed;

    double                     elapsed;     /* seconds, never below 0 */
    ngx_uint_t                 impossible;  /* 1: the travel is impossible */
} ngx_sg_geo_travel_t;


/* 1 if both values are finite and within the ranges above, else 0 */
ngx_uint_t ngx_sg_geo_valid(double latitude, double longitude);

/* km; the arguments must pass ngx_sg_geo_valid() */
double ngx_sg_geo_distance(double lat1, double lon1, double lat2,
    double lon2);

/*
 * The travel from "from" to "to" is impossible when its distance is over
 * floor_km (a shorter one never counts: city-level geolocation jitters by
 * tens of km) and either no time elapsed or its speed is over
 * speed_limit km/h.  speed_limit and floor_km must be finite and >= 0.
 */
ngx_int_t ngx_sg_geo_travel(const ngx_sg_geo_point_t *from,
    const ngx_sg_geo_point_t *to, double speed_limit, double floor_km,
    ngx_sg_geo_travel_t *travel);


#endif /* _NGX_SG_GEO_H_INCLUDED_ */
