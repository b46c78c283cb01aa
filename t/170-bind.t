# What a session is bound to (session_guard_bind): subsets of the signals,
# values from trusted sources (a CDN's fingerprint or country header, a
# device id), no binding at all, and the legacy mode where an
# application's own session cookie is the session and no token exists.
#
# Client addresses come from X-Forwarded-For through the realip module;
# the MaxMind test databases in t/data/mmdb place them:
#   1.128.0.0, 1.128.0.1   AS1221 (no city data)
#   149.101.100.0          AS6167, US
#   81.2.69.142            London, GB (no ASN)
#   216.160.83.56          Milton, US, AS209
#   10.1.2.3               in no database: ASN, country, location unknown

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

sub req {
    my ($ip, %o) = @_;
    my $h = "Authorization: Bearer "
            . sg_token(claims => { sid => $o{sid} || 's1' })
            . "\r\nX-Forwarded-For: $ip"
            . "\r\nUser-Agent: " . ($o{ua} || 'Mozilla/5.0 (test)');
    $h .= "\r\n$o{h}" if $o{h};
    return $h;
}

# the legacy mode: no token, the application's cookie
sub app {
    my ($ip, $ua, $cookie) = @_;
    return ($cookie ? "Cookie: PHPSESSID=$cookie\r\n" : '')
           . "X-Forwarded-For: $ip\r\nUser-Agent: $ua";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m;
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: bound to the user agent only: an address or ASN change fires
nothing, a user-agent change does
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ua;
        session_guard_on_change ip=revoke asn=revoke country=revoke
                                travel=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 4]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'),
 main::req('81.2.69.142'), main::req('216.160.83.56', ua => 'curl/8')]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Risk: []", "X-Risk: []\nX-Status: ALLOW", "X-Risk: []",
 "X-Risk: [ua]\nX-Status: ALLOW"]



=== TEST 2: a CDN's JA4 fingerprint: a change revokes
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ja4=$http_x_ja4;
        session_guard_on_change ja4=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 4]
--- more_headers eval
[main::req('1.128.0.0', h => 'X-JA4: t13d1516h2_8daaf6152771_02713d6af862'),
 main::req('149.101.100.0', ua => 'other',
           h => 'X-JA4: t13d1516h2_8daaf6152771_02713d6af862'),
 main::req('1.128.0.0', h => 'X-JA4: t13d1715h2_5b57614c22b0_3d5424432f57'),
 main::req('1.128.0.0', h => 'X-JA4: t13d1516h2_8daaf6152771_02713d6af862')]
--- error_code eval
[200, 200, 401, 401]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: [ja4]\nX-Status: REVOKED",
 "X-Status: REVOKED"]



=== TEST 3: a missing fingerprint (empty) never fires, and does not make
the session forget the last one it had
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ja4=$http_x_ja4;
        session_guard_on_change ja4=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 7]
--- more_headers eval
[main::req('1.128.0.0', sid => 'none'),
 main::req('1.128.0.0', sid => 'none', h => 'X-JA4: t13d1516h2_aaa_bbb'),
 main::req('1.128.0.0', sid => 'none'),
 main::req('1.128.0.0', sid => 'none', h => 'X-JA4: t13d1516h2_aaa_bbb'),
 main::req('1.128.0.0', sid => 'none', h => 'X-JA4:'),
 main::req('1.128.0.0', sid => 'none', h => 'X-JA4: t13d1715h2_ccc_ddd'),
 main::req('1.128.0.0', sid => 'none', h => 'X-JA4: t13d1516h2_aaa_bbb')]
--- error_code eval
[200, 200, 200, 200, 200, 401, 401]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: []", "X-Risk: []", "X-Risk: []",
 "X-Risk: [ja4]\nX-Status: REVOKED", "X-Status: REVOKED"]



=== TEST 4: the user agent from a device id header: the User-Agent header
itself no longer matters
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ua=$http_x_device_id;
        session_guard_on_change ua=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::req('1.128.0.0', ua => 'a', h => 'X-Device-Id: 0b7d1c'),
 main::req('1.128.0.0', ua => 'b', h => 'X-Device-Id: 0b7d1c'),
 main::req('1.128.0.0', ua => 'b', h => 'X-Device-Id: 9f00e2')]
--- error_code eval
[200, 200, 401]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: [ua]"]



=== TEST 5: the country from a CDN header (case-insensitive); a missing
or invalid one is unknown: no change, and the last known one is kept
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind country=$http_cf_ipcountry;
        session_guard_on_change country=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Country $session_guard_session_initial_country always;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::req('81.2.69.142', h => 'CF-IPCountry: de'),
 main::req('216.160.83.56', h => 'CF-IPCountry: DE'),
 main::req('216.160.83.56'),
 main::req('216.160.83.56', h => 'CF-IPCountry: XYZ'),
 main::req('81.2.69.142', h => 'CF-IPCountry: FR')]
--- error_code eval
[200, 200, 200, 200, 401]
--- response_headers eval
["X-Risk: []\nX-Country: DE", "X-Risk: []", "X-Risk: []", "X-Risk: []",
 "X-Risk: [country]\nX-Country: DE"]



=== TEST 6: the address from a trusted header, compared by value
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ip=$http_x_client_ip;
        session_guard_on_change ip=deny;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::req('1.128.0.0', h => 'X-Client-IP: 192.0.2.7'),
 main::req('149.101.100.0', h => 'X-Client-IP: 192.0.2.7'),
 main::req('1.128.0.0', h => 'X-Client-IP: 192.0.2.8')]
--- error_code eval
[200, 200, 403]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: [ip]"]



=== TEST 7: session_guard_bind off: no signal at all
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind off;
        session_guard_on_change ip=revoke asn=revoke country=revoke ua=revoke
                                ja4=revoke travel=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::req('81.2.69.142'), main::req('216.160.83.56', ua => 'x'),
 main::req('149.101.100.0', ua => 'y')]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Risk: []", "X-Risk: []\nX-Status: ALLOW", "X-Risk: []\nX-Status: ALLOW"]



=== TEST 8: an address where the ASN is unknown does not launder a later
ASN change (the last known ASN is kept)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::req('1.128.0.0'), main::req('10.1.2.3'), main::req('149.101.100.0')]
--- error_code eval
[200, 200, 401]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip]", "X-Risk: [ip,asn]\nX-Status: REVOKED"]



=== TEST 9: nor a later country change or impossible travel
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change country=deny travel=deny;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::req('81.2.69.142'), main::req('10.1.2.3'), main::req('216.160.83.56')]
--- error_code eval
[200, 200, 403]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip]", "X-Risk: [ip,country,travel]"]



=== TEST 10: a location that binds a signal to another source keeps the
actions of the server
--- config
    session_guard_on_change ja4=revoke;

    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ja4=$http_x_ja4;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Actions "[$session_guard_actions]" always;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::req('1.128.0.0', h => 'X-JA4: t13d1516h2_aaa_bbb'),
 main::req('1.128.0.0', h => 'X-JA4: t13d1715h2_ccc_ddd')]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Risk: []", "X-Risk: [ja4]\nX-Actions: [revoke]"]



=== TEST 11: a location with actions of its own keeps the sources of the
server
--- config
    session_guard_bind ja4=$http_x_ja4 ua;

    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ja4=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::req('1.128.0.0', h => 'X-JA4: t13d1516h2_aaa_bbb'),
 main::req('149.101.100.0', h => 'X-JA4: t13d1516h2_aaa_bbb'),
 main::req('1.128.0.0', h => 'X-JA4: t13d1715h2_ccc_ddd')]
--- error_code eval
[200, 200, 401]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: [ja4]"]



=== TEST 12: legacy mode: an application's cookie is the session, no token;
a user-agent change revokes it, answered without WWW-Authenticate
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_on_change ua=revoke;
        add_header X-Id "[$session_guard_session_id]" always;
        add_header X-Status $session_guard_status always;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::app('1.128.0.0', 'Mozilla/5.0 (a)', 'k3u7b9'),
 main::app('1.128.0.1', 'Mozilla/5.0 (a)', 'k3u7b9'),
 main::app('1.128.0.1', 'python-requests/2', 'k3u7b9'),
 main::app('1.128.0.0', 'Mozilla/5.0 (a)', 'k3u7b9'),
 main::app('1.128.0.0', 'Mozilla/5.0 (a)')]
--- error_code eval
[200, 200, 401, 401, 200]
--- response_headers eval
["X-Id: [" . sg_id('k3u7b9') . "]\nX-Status: ALLOW\nX-Initial: 1.128.0.0",
 "X-Status: ALLOW\nX-Initial: 1.128.0.0",
 "X-Status: REVOKED\n!WWW-Authenticate",
 "X-Status: REVOKED\n!WWW-Authenticate",
 "X-Id: []\nX-Status: ALLOW"]



=== TEST 13: legacy mode with missing=deny: no cookie, refused
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID missing=deny;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::app('1.128.0.0', 'a'), main::app('1.128.0.0', 'a', 'k3u7b9')]
--- error_code eval
[401, 200]
--- response_headers eval
["X-Status: INVALID\nX-Reason: no session key\n!WWW-Authenticate",
 "X-Status: ALLOW"]



=== TEST 14: "session_guard_token off" without a zone fails nginx -t
--- config
    location /t {
        session_guard on;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_token off" needs a zone \("session_guard zone=\.\.\."\) in \S+nginx\.conf:\d+/



=== TEST 15: "session_guard_token off" without a session key fails nginx -t
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_token off" needs "session_guard_session_key" for "session_guard" in \S+nginx\.conf:\d+/



=== TEST 16: a travel speed with trailing garbage is a configuration error
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_travel speed=900km/hx;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "speed=900km\/hx"/
