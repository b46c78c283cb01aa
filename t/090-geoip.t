# GeoIP context: session_guard_geoip and the $session_guard_asn, _asn_org,
# _country, _latitude and _longitude variables, with MaxMind's fake test
# databases (t/data/mmdb, values in expected.json).  Client addresses come
# from X-Forwarded-For through the realip module.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

our $GEO_LOCATION = <<'_EOC_';
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;

    location /t {
        return 200 "asn=[$session_guard_asn] org=[$session_guard_asn_org] country=[$session_guard_country] loc=[$session_guard_latitude,$session_guard_longitude]\n";
    }
_EOC_

our $ASN_CITY = <<'_EOC_';
    session_guard_geoip  asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                         city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb;
_EOC_

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('config', $GEO_LOCATION) unless defined $block->config;
    $block->set_value('http_config', $ASN_CITY)
        unless defined $block->http_config;
    $block->set_value('request', "GET /t\n") unless defined $block->request;
});

run_tests();

__DATA__

=== TEST 1: IPv4 addresses in the City and ASN databases
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["X-Forwarded-For: 81.2.69.142",
 "X-Forwarded-For: 216.160.83.56",
 "X-Forwarded-For: 1.128.0.0",
 "X-Forwarded-For: 12.81.96.1",
 "X-Forwarded-For: 149.101.100.0",
 "X-Forwarded-For: 89.160.20.112",
 "X-Forwarded-For: 175.16.199.0"]
--- response_body eval
["asn=[] org=[] country=[GB] loc=[51.5142,-0.0931]\n",
 "asn=[209] org=[] country=[US] loc=[47.2513,-122.3149]\n",
 "asn=[1221] org=[Telstra Pty Ltd] country=[] loc=[,]\n",
 "asn=[7018] org=[] country=[] loc=[,]\n",
 "asn=[6167] org=[CELLCO-PART] country=[] loc=[,]\n",
 "asn=[29518] org=[Bredband2 AB] country=[SE] loc=[58.4167,15.6167]\n",
 "asn=[] org=[] country=[CN] loc=[43.8800,125.3228]\n"]
--- no_error_log
[error]
[warn]



=== TEST 2: addresses in no network are unknown, not an error
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["X-Forwarded-For: 127.0.0.1",
 "X-Forwarded-For: 10.0.0.1",
 "X-Forwarded-For: 1.1.1.1",
 ""]
--- response_body eval
["asn=[] org=[] country=[] loc=[,]\n",
 "asn=[] org=[] country=[] loc=[,]\n",
 "asn=[] org=[] country=[] loc=[,]\n",
 "asn=[] org=[] country=[] loc=[,]\n"]
--- no_error_log
[error]
[warn]



=== TEST 3: IPv6 addresses, IPv4-mapped and IPv4-compatible ones
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["X-Forwarded-For: 2001:218::1",
 "X-Forwarded-For: 2a02:cf40::1",
 "X-Forwarded-For: 2600:6000::1",
 "X-Forwarded-For: 2a02:2770::1",
 "X-Forwarded-For: ::ffff:81.2.69.142",
 "X-Forwarded-For: ::81.2.69.142",
 "X-Forwarded-For: ::1"]
--- response_body eval
["asn=[] org=[] country=[JP] loc=[35.6854,139.7531]\n",
 "asn=[] org=[] country=[NO] loc=[62.0000,10.0000]\n",
 "asn=[237] org=[Merit Network Inc.] country=[] loc=[,]\n",
 "asn=[] org=[] country=[] loc=[,]\n",
 "asn=[] org=[] country=[GB] loc=[51.5142,-0.0931]\n",
 "asn=[] org=[] country=[GB] loc=[51.5142,-0.0931]\n",
 "asn=[] org=[] country=[] loc=[,]\n"]
--- no_error_log
[error]



=== TEST 4: GeoIP2 City and ISP databases
--- http_config
    session_guard_geoip  city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb
                         asn=$TEST_NGINX_DATA/mmdb/GeoIP2-ISP-Test.mmdb;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["X-Forwarded-For: 81.2.69.142",
 "X-Forwarded-For: 216.160.83.56",
 "X-Forwarded-For: 149.101.100.0",
 "X-Forwarded-For: 12.81.92.1",
 "X-Forwarded-For: 1.128.0.0"]
--- response_body eval
["asn=[] org=[] country=[GB] loc=[51.5142,-0.0931]\n",
 "asn=[209] org=[] country=[US] loc=[47.2513,-122.3149]\n",
 "asn=[6167] org=[CELLCO-PART] country=[US] loc=[37.7510,-97.8220]\n",
 "asn=[7018] org=[] country=[] loc=[,]\n",
 "asn=[1221] org=[Telstra Pty Ltd] country=[] loc=[,]\n"]
--- no_error_log
[error]



=== TEST 5: a Country database has no coordinates
--- http_config
    session_guard_geoip  city=$TEST_NGINX_DATA/mmdb/GeoIP2-Country-Test.mmdb;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["X-Forwarded-For: 81.2.69.142",
 "X-Forwarded-For: 1.128.0.0"]
--- response_body eval
["asn=[] org=[] country=[GB] loc=[,]\n",
 "asn=[] org=[] country=[] loc=[,]\n"]
--- no_error_log
[error]



=== TEST 6: only an ASN database
--- http_config
    session_guard_geoip  asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
--- more_headers
X-Forwarded-For: 216.160.83.56
--- response_body
asn=[209] org=[] country=[] loc=[,]



=== TEST 7: without session_guard_geoip the variables are empty
--- http_config
--- more_headers
X-Forwarded-For: 81.2.69.142
--- response_body
asn=[] org=[] country=[] loc=[,]
--- no_error_log
[error]



=== TEST 8: a relative path is taken from the configuration directory
--- http_config
    session_guard_geoip  city=../html/city.mmdb;
--- user_files eval
open my $fh, '<', "$SGTest::SG_DATA/mmdb/GeoLite2-City-Test.mmdb" or die $!;
binmode $fh;
local $/;
[["city.mmdb" => scalar <$fh>]]
--- more_headers
X-Forwarded-For: 81.2.69.142
--- response_body
asn=[] org=[] country=[GB] loc=[51.5142,-0.0931]



=== TEST 9: variables in the access log and in headers
--- http_config eval
$::ASN_CITY . q{
    log_format  geo  "geo $session_guard_asn $session_guard_country "
                     "$session_guard_latitude $session_guard_longitude "
                     "\"$session_guard_asn_org\"";
}
--- config
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;

    location /t {
        access_log  logs/geo.log geo;
        add_header  X-Country $session_guard_country;
        return      204;
    }
    location /log {
        alias  logs/geo.log;
    }
--- request eval
["GET /t", "GET /t", "GET /log"]
--- more_headers eval
["X-Forwarded-For: 89.160.20.112", "X-Forwarded-For: 127.0.0.1", ""]
--- error_code eval
[204, 204, 200]
--- response_body_like eval
["", "", qr/^geo 29518 SE 58.4167 15.6167 "Bredband2 AB"\ngeo - - - - "-"\n$/]



=== TEST 10: one lookup per request, however many variables are read
--- http_config
    session_guard_geoip
        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test-Broken-Double-Format.mmdb;
--- config
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;

    location /t {
        set $a "[$session_guard_country][$session_guard_latitude]";
        return 200 "$a[$session_guard_longitude][$session_guard_country]\n";
    }
--- more_headers
X-Forwarded-For: 81.2.69.142
--- response_body
[][][][]
--- grep_error_log eval
qr/\[error\].*session_guard: geoip lookup in "[^"]+" failed: [^,]+/
--- grep_error_log_out eval
qr/^\[error\].*session_guard: geoip lookup in "\S+GeoIP2-City-Test-Broken-Double-Format\.mmdb" failed: The MaxMind DB file's data section contains bad data \(unknown data type or corrupt data\)\n$/



=== TEST 11: a database that fails at lookup time: 200, its fields unknown
--- http_config
    session_guard_geoip
        asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test-Broken-Double-Format.mmdb;
--- more_headers
X-Forwarded-For: 216.160.83.56
--- response_body
asn=[209] org=[] country=[] loc=[,]
--- grep_error_log eval
qr/\[error\].*session_guard: geoip lookup in "[^"]+" failed: [^,]+/
--- grep_error_log_out eval
qr/^\[error\].*session_guard: geoip lookup in "\S+Broken-Double-Format\.mmdb" failed: The MaxMind DB file's data section contains bad data \(unknown data type or corrupt data\)\n$/



=== TEST 12: a latitude that decodes, a longitude that does not
--- http_config
    session_guard_geoip
        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test-Broken-Double-Format.mmdb;
--- more_headers
X-Forwarded-For: 2001:218::1
--- response_body
asn=[] org=[] country=[] loc=[,]
--- error_log eval
qr/\[error\].*session_guard: geoip lookup in "\S+Broken-Double-Format\.mmdb" failed: /



=== TEST 13: variables read before and after the access phase
--- http_config eval
$::ASN_CITY
--- config
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;

    location /t {
        set $early "$session_guard_country";
        session_guard       on;
        session_guard_jwks  $TEST_NGINX_KEYS/all.jwks;
        add_header  X-Early $early;
        add_header  X-Late "$session_guard_country $session_guard_asn";
        add_header  X-Sub $session_guard_sub;
    }
--- user_files
>>> t
protected
--- more_headers eval
"X-Forwarded-For: 89.160.20.112\nAuthorization: Bearer " . sg_token()
--- response_headers
X-Early: SE
X-Late: SE 29518
X-Sub: alice
--- response_body
protected



=== TEST 14: a database file that does not exist
--- http_config
    session_guard_geoip  asn=/nonexistent/GeoLite2-ASN.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: cannot open geoip database "\/nonexistent\/GeoLite2-ASN\.mmdb" \(asn=\): Error opening the specified MaxMind DB file \(2: No such file or directory\) in \S+nginx\.conf:\d+/



=== TEST 15: a database with invalid metadata
--- http_config
    session_guard_geoip
        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test-Invalid-Node-Count.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: cannot open geoip database "\S+GeoIP2-City-Test-Invalid-Node-Count\.mmdb" \(city=\): The MaxMind DB file contains invalid metadata/



=== TEST 16: a file that is not a MaxMind database
--- http_config
    session_guard_geoip  city=../html/garbage.mmdb;
--- user_files
>>> garbage.mmdb
this is not a MaxMind DB file, just some text long enough to be mapped
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: cannot open geoip database "\S+\/conf\/\.\.\/html\/garbage\.mmdb" \(city=\): The MaxMind DB file contains invalid metadata/



=== TEST 17: an empty file
--- http_config
    session_guard_geoip  asn=../html/empty.mmdb;
--- user_files
>>> empty.mmdb
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: cannot open geoip database "\S+empty\.mmdb" \(asn=\): An attempt to read data from the MaxMind DB file failed/



=== TEST 18: a City database given as asn=
--- http_config
    session_guard_geoip  asn=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: geoip database "\S+GeoIP2-City-Test\.mmdb" of type "GeoIP2-City" cannot be used as asn= \(expected an ASN or ISP database\)/



=== TEST 19: an ASN database given as city=
--- http_config
    session_guard_geoip  city=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: geoip database "\S+GeoLite2-ASN-Test\.mmdb" of type "GeoLite2-ASN" cannot be used as city= \(expected a City, Country or Enterprise database\)/



=== TEST 20: broken test databases that open are refused by their type
--- http_config
    session_guard_geoip
        city=$TEST_NGINX_DATA/mmdb/MaxMind-DB-test-broken-search-tree-24.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: geoip database "\S+broken-search-tree-24\.mmdb" of type "Test" cannot be used as city=/



=== TEST 21: broken pointers, as asn=
--- http_config
    session_guard_geoip
        asn=$TEST_NGINX_DATA/mmdb/MaxMind-DB-test-broken-pointers-24.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: geoip database "\S+broken-pointers-24\.mmdb" of type "Test" cannot be used as asn=/



=== TEST 22: an unknown parameter
--- http_config
    session_guard_geoip  country=$TEST_NGINX_DATA/mmdb/GeoIP2-Country-Test.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "country=\S+", it must be "asn=file", "city=file", "anonymous=file" or "proxy=file"/



=== TEST 23: a parameter given twice
--- http_config
    session_guard_geoip  asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                         asn=$TEST_NGINX_DATA/mmdb/GeoIP2-ISP-Test.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*duplicate parameter "asn=\S+GeoIP2-ISP-Test\.mmdb"/



=== TEST 24: an empty file name
--- http_config
    session_guard_geoip  city=;
--- must_die
--- error_log eval
qr/\[emerg\].*empty file name in "city="/



=== TEST 25: the directive given twice
--- http_config
    session_guard_geoip  asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
    session_guard_geoip  city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_geoip" directive is duplicate/



=== TEST 26: only in the http context
--- http_config
--- config
    session_guard_geoip  asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_geoip" directive is not allowed here/



=== TEST 27: at least one database
--- http_config
    session_guard_geoip;
--- must_die
--- error_log eval
qr/\[emerg\].*invalid number of arguments in "session_guard_geoip" directive/
