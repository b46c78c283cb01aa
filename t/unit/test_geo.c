
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Great-circle distance and impossible travel.  The expected distances
 * were computed independently in Python (haversine and the spherical law
 * of cosines agree to 1e-9 km) with R = 6371.0088 km; the coordinates are
 * those of the MaxMind test databases (t/data/mmdb/expected.json).
 */


#include "sg_test.h"

#include <math.h>

#include "ngx_sg_geo.h"


#define LONDON_LAT      51.5142
#define LONDON_LON      -0.0931
#define MILTON_LAT      47.2513
#define MILTON_LON      -122.3149
#define BOXFORD_LAT     51.75
#define BOXFORD_LON     -1.25

#define LONDON_MILTON   7732.339730236462
#define LONDON_BOXFORD  84.04252667869427
#define HALF_EARTH      20015.114442035923     /* pi * R */


static void
assert_km(double got, double want, double eps)
{
    if (!(fabs(got - want) <= eps)) {
        fail_msg("distance %.9f km, expected %.9f km", got, want);
    }
}


static ngx_sg_geo_point_t
point(double lat, double lon, time_t t)
{
    ngx_sg_geo_point_t  p;

    p.latitude = lat;
    p.longitude = lon;
    p.time = t;

    return p;
}


static void
test_london_milton(void **state)
{
    double  d;

    d = ngx_sg_geo_distance(LONDON_LAT, LONDON_LON, MILTON_LAT, MILTON_LON);
    assert_km(d, LONDON_MILTON, 1e-6);

    /* symmetric */

    d = ngx_sg_geo_distance(MILTON_LAT, MILTON_LON, LONDON_LAT, LONDON_LON);
    assert_km(d, LONDON_MILTON, 1e-6);

    d = ngx_sg_geo_distance(LONDON_LAT, LONDON_LON, BOXFORD_LAT, BOXFORD_LON);
    assert_km(d, LONDON_BOXFORD, 1e-6);
}


static void
test_antipodes(void **state)
{
    double  d;

    assert_km(NGX_SG_GEO_EARTH_RADIUS_KM * M_PI, HALF_EARTH, 1e-9);

    d = ngx_sg_geo_distance(0.0, 0.0, 0.0, 180.0);
    assert_km(d, HALF_EARTH, 1e-6);

    d = ngx_sg_geo_distance(0.0, 0.0, 0.0, -180.0);
    assert_km(d, HALF_EARTH, 1e-6);

    d = ngx_sg_geo_distance(90.0, 0.0, -90.0, 0.0);
    assert_km(d, HALF_EARTH, 1e-6);

    /* London and the point opposite it, in the Pacific off New Zealand */

    d = ngx_sg_geo_distance(LONDON_LAT, LONDON_LON, -LONDON_LAT,
                            LONDON_LON + 180.0);
    assert_km(d, HALF_EARTH, 1e-6);
    assert_false(isnan(d));
}


static void
test_same_point(void **state)
{
    ngx_sg_geo_point_t   a, b;
    ngx_sg_geo_travel_t  tr;

    assert_km(ngx_sg_geo_distance(LONDON_LAT, LONDON_LON,
                                  LONDON_LAT, LONDON_LON), 0.0, 0.0);

    /* a pole is one point whatever the longitude */

    assert_km(ngx_sg_geo_distance(90.0, 0.0, 90.0, 123.0), 0.0, 1e-9);

    /* no distance never counts, not even with a zero floor and no time */

    a = point(LONDON_LAT, LONDON_LON, 1000);
    b = point(LONDON_LAT, LONDON_LON, 1000);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 0.0, &tr), NGX_OK);
    assert_km(tr.distance, 0.0, 0.0);
    assert_true(tr.speed == 0.0);
    assert_true(tr.elapsed == 0.0);
    assert_int_equal(tr.impossible, 0);
}


static void
test_speed_limit(void **state)
{
    double               limit;
    ngx_sg_geo_point_t   a, b;
    ngx_sg_geo_travel_t  tr;

    /* 7732 km in 10 hours: 773 km/h, an airliner */

    a = point(LONDON_LAT, LONDON_LON, 1700000000);
    b = point(MILTON_LAT, MILTON_LON, 1700000000 + 10 * 3600);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_km(tr.distance, LONDON_MILTON, 1e-6);
    assert_true(tr.elapsed == 36000.0);
    assert_km(tr.speed, LONDON_MILTON / 10.0, 1e-6);
    assert_int_equal(tr.impossible, 0);

    /* in 8 hours: 967 km/h */

    b.time = 1700000000 + 8 * 3600;

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_km(tr.speed, LONDON_MILTON / 8.0, 1e-6);
    assert_int_equal(tr.impossible, 1);

    /* exactly at the limit is still possible */

    limit = tr.speed;
    assert_int_equal(ngx_sg_geo_travel(&a, &b, limit, 100.0, &tr), NGX_OK);
    assert_int_equal(tr.impossible, 0);

    /* a limit of 0: any move over the floor is impossible */

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 0.0, 100.0, &tr), NGX_OK);
    assert_int_equal(tr.impossible, 1);
}


static void
test_floor(void **state)
{
    ngx_sg_geo_point_t   a, b;
    ngx_sg_geo_travel_t  tr;

    /* London to Boxford, 84 km in a minute: 5043 km/h */

    a = point(LONDON_LAT, LONDON_LON, 5000);
    b = point(BOXFORD_LAT, BOXFORD_LON, 5060);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_km(tr.distance, LONDON_BOXFORD, 1e-6);
    assert_km(tr.speed, LONDON_BOXFORD * 60.0, 1e-6);
    assert_int_equal(tr.impossible, 0);

    /* under a lower floor it counts */

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 50.0, &tr), NGX_OK);
    assert_int_equal(tr.impossible, 1);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 0.0, &tr), NGX_OK);
    assert_int_equal(tr.impossible, 1);

    /* a distance equal to the floor is not over it */

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, tr.distance, &tr),
                     NGX_OK);
    assert_int_equal(tr.impossible, 0);

    /* even with no time elapsed */

    b.time = a.time;

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_int_equal(tr.impossible, 0);
}


static void
test_zero_elapsed(void **state)
{
    ngx_sg_geo_point_t   a, b;
    ngx_sg_geo_travel_t  tr;

    a = point(LONDON_LAT, LONDON_LON, 1700000000);
    b = point(MILTON_LAT, MILTON_LON, 1700000000);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_km(tr.distance, LONDON_MILTON, 1e-6);
    assert_true(tr.elapsed == 0.0);
    assert_true(isinf(tr.speed) && tr.speed > 0.0);
    assert_int_equal(tr.impossible, 1);

    /* a clock that went backwards counts as no time at all */

    b.time = a.time - 3600;

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_true(tr.elapsed == 0.0);
    assert_true(isinf(tr.speed));
    assert_int_equal(tr.impossible, 1);

    /* a very large limit does not help either */

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 1e300, 100.0, &tr), NGX_OK);
    assert_int_equal(tr.impossible, 1);

    /* extreme times: no overflow (UBSan would stop here) */

    a.time = (time_t) ((uint64_t) 1 << 63);      /* the most negative */
    b.time = (time_t) (((uint64_t) 1 << 63) - 1);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_true(tr.elapsed > 1e18);
    assert_int_equal(tr.impossible, 0);
}


static void
test_wraparound(void **state)
{
    double               d;
    ngx_sg_geo_point_t   a, b;
    ngx_sg_geo_travel_t  tr;

    /* one degree of longitude on the equator across the antimeridian */

    d = ngx_sg_geo_distance(0.0, 179.5, 0.0, -179.5);
    assert_km(d, 111.19508023353322, 1e-6);

    d = ngx_sg_geo_distance(0.0, -179.5, 0.0, 179.5);
    assert_km(d, 111.19508023353322, 1e-6);

    d = ngx_sg_geo_distance(10.0, -179.9, -10.0, 179.9);
    assert_km(d, 2224.011665662362, 1e-6);

    /* 180 and -180 are the same meridian */

    d = ngx_sg_geo_distance(45.0, 180.0, 45.0, -180.0);
    assert_km(d, 0.0, 1e-9);

    /* Fiji to Samoa-ish in an hour: 111 km/h, not 40000 km/h */

    a = point(0.0, 179.5, 0);
    b = point(0.0, -179.5, 3600);

    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr), NGX_OK);
    assert_km(tr.speed, 111.19508023353322, 1e-6);
    assert_int_equal(tr.impossible, 0);
}


static void
test_invalid(void **state)
{
    ngx_sg_geo_point_t   a, b, ok;
    ngx_sg_geo_travel_t  tr;

    assert_int_equal(ngx_sg_geo_valid(90.0, 180.0), 1);
    assert_int_equal(ngx_sg_geo_valid(-90.0, -180.0), 1);
    assert_int_equal(ngx_sg_geo_valid(90.0001, 0.0), 0);
    assert_int_equal(ngx_sg_geo_valid(0.0, -180.0001), 0);
    assert_int_equal(ngx_sg_geo_valid(NAN, 0.0), 0);
    assert_int_equal(ngx_sg_geo_valid(0.0, NAN), 0);
    assert_int_equal(ngx_sg_geo_valid(HUGE_VAL, 0.0), 0);

    ok = point(LONDON_LAT, LONDON_LON, 0);
    b = point(MILTON_LAT, MILTON_LON, 0);

    a = point(NAN, 0.0, 0);
    assert_int_equal(ngx_sg_geo_travel(&a, &b, 900.0, 100.0, &tr),
                     NGX_DECLINED);
    assert_int_equal(tr.impossible, 0);

    a = point(0.0, 200.0, 0);
    assert_int_equal(ngx_sg_geo_travel(&ok, &a, 900.0, 100.0, &tr),
                     NGX_DECLINED);
    assert_int_equal(tr.impossible, 0);

    assert_int_equal(ngx_sg_geo_travel(&ok, &b, -1.0, 100.0, &tr),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_geo_travel(&ok, &b, NAN, 100.0, &tr),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_geo_travel(&ok, &b, HUGE_VAL, 100.0, &tr),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_geo_travel(&ok, &b, 900.0, -1.0, &tr),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_geo_travel(&ok, &b, 900.0, NAN, &tr),
                     NGX_DECLINED);
    assert_int_equal(tr.impossible, 0);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_london_milton),
        cmocka_unit_test(test_antipodes),
        cmocka_unit_test(test_same_point),
        cmocka_unit_test(test_speed_limit),
        cmocka_unit_test(test_floor),
        cmocka_unit_test(test_zero_elapsed),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_invalid),
    };

    sg_init();

    return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
