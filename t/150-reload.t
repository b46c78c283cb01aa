# The zone across configuration reloads (SIGHUP, one nginx for the whole
# file): adopted as it is when its declaration is unchanged, copied into
# the new zone when its size changes, and a new, empty zone when its name
# changes.
#
# Client addresses come from X-Forwarded-For through the realip module
# (1.128.0.0 and 1.128.0.1: AS1221, 149.101.100.0: AS6167).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

use_hup();
no_shuffle();
check_accum_error_log();

sub req {
    my ($ip, $sid) = @_;
    return "Authorization: Bearer "
           . sg_token(claims => { sid => $sid || 's1' })
           . "\r\nX-Forwarded-For: $ip";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: sessions are created, one of them revoked (ASN change)
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'),
 main::req('1.128.0.0', 'kept'), main::req('1.128.0.0')]
--- error_code eval
[200, 401, 200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Status: REVOKED", "X-Status: ALLOW",
 "X-Status: REVOKED"]
--- no_error_log
reconfiguring



=== TEST 2: reload, same zone, another location: revocation and binding kept
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
        add_header X-Revoked $session_guard_session_revoked always;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
    location /other {
        alias html/t;
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /other"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('1.128.0.1', 'kept'),
 main::req('1.128.0.0')]
--- error_code eval
[401, 200, 200]
--- response_headers eval
["X-Status: REVOKED\nX-Revoked: policy",
 "X-Status: ALLOW\nX-Initial: 1.128.0.0", "X-Status: REVOKED_MONITOR"]
--- error_log eval
qr/\[notice\].*reconfiguring/
--- no_error_log
resized
[alert]



=== TEST 3: reload with another zone size: the contents are copied over
--- http_config
    session_guard_zone zone=sg:2m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
        add_header X-Revoked $session_guard_session_revoked always;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('1.128.0.1', 'kept'),
 main::req('149.101.100.0', 'kept')]
--- error_code eval
[401, 200, 401]
--- response_headers eval
["X-Status: REVOKED\nX-Revoked: policy\nX-Initial: 1.128.0.0",
 "X-Status: ALLOW\nX-Initial: 1.128.0.0", "X-Status: REVOKED"]
--- error_log eval
qr/\[notice\].*session_guard: zone "sg" resized, copied 2 sessions \(1 revoked, 0 jti, 0 blocked subjects, 0 evicted\)/
--- no_error_log
[alert]



=== TEST 4: smaller again: copied again, both revocations included
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('1.128.0.0', 'kept')]
--- error_code eval
[401, 401]
--- error_log eval
qr/session_guard: zone "sg" resized, copied 2 sessions \(2 revoked/



=== TEST 5: reload with the zone under another name: a new, empty zone
--- http_config
    session_guard_zone zone=sg2:1m;
--- config
    location /t {
        session_guard zone=sg2;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
        add_header X-Created $session_guard_session_created always;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req('149.101.100.0'), main::req('1.128.0.1', 'kept')]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Status: ALLOW\nX-Initial: 149.101.100.0",
 "X-Status: ALLOW\nX-Initial: 1.128.0.1"]
--- error_log eval
qr/\[notice\].*reconfiguring/
--- no_error_log
resized



=== TEST 6: a subject blocked through the API (zone sg2)
--- http_config
    session_guard_zone zone=sg2:1m;
--- config
    location /t {
        session_guard zone=sg2;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
    location /api {
        session_guard_api zone=sg2;
    }
--- request eval
["PUT /api/subjects/alice/block", "GET /t"]
--- more_headers eval
["", main::req('149.101.100.0', 'b1')]
--- error_code eval
[200, 403]



=== TEST 7: reload, same zone: still blocked
--- http_config
    session_guard_zone zone=sg2:1m;
--- config
    location /t {
        session_guard zone=sg2;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t"]
--- more_headers eval
[main::req('149.101.100.0', 'b2')]
--- error_code eval
[403]
--- response_headers eval
["X-Status: BLOCKED"]



=== TEST 8: reload with another zone size: the block is copied over
--- http_config
    session_guard_zone zone=sg2:2m;
--- config
    location /t {
        session_guard zone=sg2;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t"]
--- more_headers eval
[main::req('149.101.100.0', 'b3')]
--- error_code eval
[403]
--- response_headers eval
["X-Status: BLOCKED"]
--- error_log eval
qr/\[notice\].*session_guard: zone "sg2" resized, copied \d+ sessions \(\d+ revoked, 0 jti, 1 blocked subjects, 0 evicted\)/
