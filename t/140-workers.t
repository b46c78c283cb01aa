# Several worker processes share one zone: a revocation made by one
# worker is seen by every other.  With reuseport, the kernel spreads the
# connections of the requests over the workers.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

BEGIN { $ENV{TEST_NGINX_REUSE_PORT} = 1; }

master_on();
workers(2);
no_shuffle();

sub req {
    my ($ip, $sid) = @_;
    return "Authorization: Bearer "
           . sg_token(claims => { sid => $sid || 's1' })
           . "\r\nX-Forwarded-For: $ip";
}

run_tests();

__DATA__

=== TEST 1: every worker refuses a session revoked by one of them
--- http_config
    session_guard_zone zone=sg:1m;
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Pid $pid always;
    }
--- user_files
>>> t
protected
--- request eval
[("GET /t") x 24]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'),
 (map { main::req('1.128.0.0') } 1 .. 22)]
--- error_code eval
[200, 401, (401) x 22]



=== TEST 2: every worker sees the session another one created
--- http_config
    session_guard_zone zone=sg:1m;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
--- user_files
>>> t
protected
--- request eval
[("GET /t") x 16]
--- more_headers eval
[map { main::req("10.0.0.$_", 'shared') } 1 .. 16]
--- response_headers eval
[("X-Initial: 10.0.0.1") x 16]
