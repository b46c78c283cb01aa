# Sessions' details across configuration reloads (SIGHUP, one nginx for
# the whole file): a reload that turns details=on keeps the sessions
# there, with no details for those made before; a zone whose size changed
# gets them copied.  (Saved in the state file: t/770-session-details.t.)
#
# Client addresses come from X-Forwarded-For through the realip module:
# 216.160.83.56 Milton, US, AS209; 89.160.20.112 Linköping, SE, AS29518.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

use_hup();
no_shuffle();
check_accum_error_log();

sub from {
    my ($sid, $ip, $ua) = @_;
    my $tok = sg_token(claims => { sub => 'alice', sid => $sid });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip\nUser-Agent: $ua";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-UA "[$session_guard_session_user_agent]" always;
    }
    location /api {
        session_guard_api zone=sg;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a zone without details: s1 begins
--- http_config
    session_guard_zone zone=sg:1m;
--- request eval
["GET /t"]
--- more_headers eval
[main::from('s1', '216.160.83.56', 'laptop')]
--- response_headers
X-UA: []



=== TEST 2: a reload turns details on: s1 is kept without them, s2 has them
--- http_config
    session_guard_zone zone=sg:1m details=on;
--- request eval
["GET /t", "GET /t", "GET /api/sessions/s1", "GET /api/sessions/s2"]
--- more_headers eval
[main::from('s1', '216.160.83.56', 'laptop'),
 main::from('s2', '89.160.20.112', 'phone'), "", ""]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-UA: []", "X-UA: [phone]", "", ""]
--- response_body_like eval
["protected", "protected", qr/^\{"id":"s1"(?!.*"details").*\}$/,
 qr/"details":\{"user_agent":\{"initial":"phone","last":"phone"\}/]



=== TEST 3: the zone resized: copied, with s2's details
--- http_config
    session_guard_zone zone=sg:2m details=on;
--- request eval
["GET /api/sessions/s2", "GET /api/sessions/s1", "GET /t"]
--- more_headers eval
["", "", main::from('s1', '216.160.83.56', 'laptop')]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["", "", "X-UA: []"]
--- response_body_like eval
[qr/"details":\{"user_agent":\{"initial":"phone","last":"phone"\},"client":null,"last_city":"Link\xc3\xb6ping","history":\[\{"at":\d+,"ip":"89\.160\.20\.112","asn":29518,"country":"SE"\}\]\}/,
 qr/"id":"s1"/, "protected"]
--- error_log eval
qr/zone "sg" resized, copied 2 sessions/



=== TEST 4: a reload that turns details off (the zone kept): none shown
--- http_config
    session_guard_zone zone=sg:2m;
--- request eval
["GET /api/sessions/s2", "GET /t"]
--- more_headers eval
["", main::from('s2', '89.160.20.112', 'phone')]
--- error_code eval
[200, 200]
--- response_headers eval
["", "X-UA: []"]
--- response_body_like eval
[qr/^\{"id":"s2"(?!.*"details").*\}$/, "protected"]
