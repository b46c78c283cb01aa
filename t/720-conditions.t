# Conditions: signals that fire on every request where they hold, not on a
# change (session_guard_condition), and the built-in "anonymous" from
# MaxMind's anonymity databases (session_guard_geoip anonymous= proxy=,
# $session_guard_anonymous).  Client addresses come from X-Forwarded-For
# through the realip module; the databases are MaxMind's test ones
# (t/data/mmdb): 1.2.0.1 a VPN, 65.0.0.1 a Tor exit, 186.30.236.1 a public
# proxy, 71.160.223.1 a hosting provider only, 81.2.69.1 all of them,
# 6.0.42.17 a residential proxy, 8.8.8.8 none.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
check_accum_error_log();

our $ANON = "$ENV{TEST_NGINX_DATA}/mmdb/GeoIP2-Anonymous-IP-Test.mmdb";

# a request from "ip" with the session "sid"
sub from {
    my ($ip, $sid, %claims) = @_;
    my $tok = sg_token(claims => { sid => $sid || 's1', sub => 'alice',
                                   %claims });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: $session_guard_anonymous: the kinds the databases give an address
--- http_config
    session_guard_geoip
        anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-Anonymous-IP-Test.mmdb
        proxy=$TEST_NGINX_DATA/mmdb/GeoIP-Residential-Proxy-Test.mmdb;
--- config
    location /v {
        return 200 "[$session_guard_anonymous]\n";
    }
--- request eval
[("GET /v") x 9]
--- more_headers eval
[map { "X-Forwarded-For: $_" } qw(1.2.0.1 65.0.0.1 186.30.236.1
  71.160.223.1 81.2.69.1 1.124.213.1 6.0.42.17 8.8.8.8 2001:480:3a::1)]
--- response_body eval
["[vpn]\n", "[tor]\n", "[proxy]\n", "[hosting]\n",
 "[vpn,tor,proxy,residential,hosting]\n", "[vpn,tor]\n", "[residential]\n",
 "[]\n", "[proxy]\n"]
--- no_error_log
[error]



=== TEST 2: an Anonymous Plus database is an anonymous= one too
--- http_config
    session_guard_geoip
        anonymous=$TEST_NGINX_DATA/mmdb/GeoIP-Anonymous-Plus-Test.mmdb;
--- config
    location /v {
        return 200 "[$session_guard_anonymous]\n";
    }
--- request eval
["GET /v", "GET /v"]
--- more_headers eval
["X-Forwarded-For: 1.2.0.1", "X-Forwarded-For: 8.8.8.8"]
--- response_body eval
["[vpn]\n", "[]\n"]
--- no_error_log
[error]



=== TEST 3: "anonymous" holds for a VPN, Tor, a proxy (not a hosting provider alone); without actions it is logged, at info, on every request
--- http_config eval
"session_guard_geoip anonymous=$::ANON;"
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::from('1.2.0.1', 's1'), main::from('1.2.0.1', 's1'),
 main::from('71.160.223.1', 's2'), main::from('65.0.0.1', 's3'),
 main::from('8.8.8.8', 's4')]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers eval
["X-Risk: [anonymous]\nX-Status: ALLOW", "X-Risk: [anonymous]",
 "X-Risk: []", "X-Risk: [anonymous]", "X-Risk: []"]
--- error_log eval
qr/\[info\] .*session "s1" of "alice": signals anonymous, allowed/
--- no_error_log
[error]
[warn]



=== TEST 4: anonymous=deny refuses the request (403) and keeps the session; the event names the condition
--- http_config eval
"session_guard_geoip anonymous=$::ANON;"
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change anonymous=deny;
        add_header X-Status $session_guard_status always;
        add_header X-Event $session_guard_event always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('8.8.8.8'), main::from('186.30.236.1'), main::from('8.8.8.8')]
--- error_code eval
[200, 403, 200]
--- response_headers_like eval
["X-Status: ALLOW",
 "X-Status: DENY\nX-Event: .*\"signals\":\\[\"ip\",\"anonymous\"\\],\"actions\":\\[\"log\",\"deny\"\\].*",
 "X-Status: ALLOW"]
--- no_error_log
[error]



=== TEST 5: anonymous=revoke ends the session, with the condition as its reason
--- http_config eval
"session_guard_geoip anonymous=$::ANON;"
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change anonymous=revoke;
        add_header X-Status $session_guard_status always;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('8.8.8.8'), main::from('65.0.0.1'), main::from('8.8.8.8'), ""]
--- error_code eval
[200, 401, 401, 200]
--- response_body_like eval
["protected", ".", ".", qr/"revocation":\{"source":"policy","at":\d+,"reason":"anonymous"\}/]
--- no_error_log
[error]



=== TEST 6: step_up from a condition is asked until the session meets it, then not again; another condition still asks
--- http_config eval
"session_guard_geoip anonymous=$::ANON;
 map \$http_x_bot_score \$bot { default 0; ~^[0-9]\$ 1; }
 session_guard_condition bot \$bot;"
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        session_guard_on_change anonymous=step_up bot=step_up;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 6]
--- more_headers eval
[main::from('1.2.0.1', 's1', auth_time => time - 60),
 main::from('1.2.0.1', 's1', auth_time => time - 60),
 main::from('1.2.0.1', 's1', auth_time => time + 60),
 main::from('1.2.0.1', 's1', auth_time => time - 60),
 main::from('1.2.0.1', 's1', auth_time => time + 60) . "\nX-Bot-Score: 3",
 main::from('8.8.8.8', 's1', auth_time => time + 60)]
--- error_code eval
[401, 401, 200, 200, 401, 200]
--- response_headers eval
["X-Status: STEP_UP", "X-Status: STEP_UP", "X-Status: ALLOW",
 "X-Status: ALLOW", "X-Status: STEP_UP", "X-Status: ALLOW"]
--- no_error_log
[error]



=== TEST 7: a condition from any variable (a CDN's bot score through a map): deny while it holds
--- http_config
    map $http_x_bot_score $bot { default 0; ~^[0-9]$ 1; }
    session_guard_condition bot $bot;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change bot=deny;
        add_header X-Status $session_guard_status always;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 4]
--- more_headers eval
[main::from('8.8.8.8') . "\nX-Bot-Score: 95", main::from('8.8.8.8') . "\nX-Bot-Score: 4",
 main::from('8.8.8.8'), main::from('8.8.8.8') . "\nX-Bot-Score: 0"]
--- error_code eval
[200, 403, 200, 403]
--- response_headers eval
["X-Risk: []", "X-Risk: [bot]\nX-Status: DENY", "X-Risk: []", "X-Risk: [bot]"]
--- no_error_log
[error]



=== TEST 8: a CIDR list of the operator's (a "geo" block, reloaded with nginx) adds to "anonymous"; it works without a database too
--- http_config
    geo $tor_list {
        default       0;
        10.9.0.0/16   1;
    }
    session_guard_condition anonymous $tor_list;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change anonymous=deny;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('10.9.1.1'), main::from('10.8.1.1'), main::from('1.2.0.1')]
--- error_code eval
[403, 200, 200]
--- no_error_log
[error]



=== TEST 9: actions from variables (a map over a claim); an invalid list fails the request, never weakens the policy
--- http_config eval
"session_guard_geoip anonymous=$::ANON;
 map \$session_guard_claim_role \$anon_action { admin revoke; user deny; default bogus; }"
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change anonymous=$anon_action;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('1.2.0.1', 's3', role => 'guest'),
 main::from('1.2.0.1', 's1', role => 'user'),
 main::from('1.2.0.1', 's2', role => 'admin')]
--- error_code eval
[500, 403, 401]
--- error_log
session_guard: invalid actions "bogus"



=== TEST 10: monitor mode reports the would-be refusal and lets the request through
--- http_config eval
"session_guard_geoip anonymous=$::ANON;"
--- config
    location /t {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change anonymous=deny;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::from('1.2.0.1'), main::from('8.8.8.8')]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Status: DENY_MONITOR", "X-Status: ALLOW"]
--- no_error_log
[error]



=== TEST 11: a location with actions of its own inherits none of the server's, conditions included
--- http_config eval
"session_guard_geoip anonymous=$::ANON;"
--- config
    session_guard_on_change anonymous=deny;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=log;
    }
    location /t2 {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
    }
--- request eval
["GET /t", "GET /t2"]
--- more_headers eval
[main::from('1.2.0.1', 's1'), main::from('1.2.0.1', 's2')]
--- error_code eval
[200, 403]
--- no_error_log
[error]



=== TEST 12: nginx -t refuses actions for a condition that is not declared
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change bot=deny;
    }
--- must_die
--- error_log eval
qr/"session_guard_on_change": unknown signal "bot" \(a condition is declared with "session_guard_condition"; "anonymous" needs "session_guard_geoip anonymous=" or "proxy=", "new_device" and the like a zone with "memory="\) in \S+nginx.conf:\d+/



=== TEST 13: nginx -t refuses "anonymous" without a database or a declaration
--- config
    session_guard_on_change anonymous=deny;
--- must_die
--- error_log
unknown signal "anonymous"



=== TEST 14: nginx -t refuses an invalid condition name
--- http_config
    session_guard_condition Bot $http_x_bot;
--- config
--- must_die
--- error_log
invalid condition name "Bot" (up to 32 of a-z, 0-9 and _)



=== TEST 15: nginx -t refuses a condition named as a signal of a change
--- http_config
    session_guard_condition asn $http_x_asn;
--- config
--- must_die
--- error_log
"asn" is a signal of a change, not a condition



=== TEST 16: nginx -t refuses a condition declared twice
--- http_config
    session_guard_condition bot $http_x_a;
    session_guard_condition bot $http_x_b;
--- config
--- must_die
--- error_log
"session_guard_condition" directive is duplicate for this condition



=== TEST 17: nginx -t refuses two names the sessions could not tell apart
--- http_config
    session_guard_condition c9 $http_x_a;
    session_guard_condition c12 $http_x_b;
--- config
--- must_die
--- error_log
conditions "c9" and "c12" cannot be told apart by the sessions, rename one



=== TEST 18: nginx -t refuses a City database as anonymous=, and a broken file
--- http_config
    session_guard_geoip anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb;
--- config
--- must_die
--- error_log
cannot be used as anonymous= (expected an Anonymous IP or Anonymous Plus database)



=== TEST 19: nginx -t refuses an Anonymous IP database as proxy=
--- http_config eval
"session_guard_geoip proxy=$::ANON;"
--- config
--- must_die
--- error_log
cannot be used as proxy= (expected a Residential Proxy database)



=== TEST 20: nginx -t refuses a database whose metadata is broken
--- http_config
    session_guard_geoip anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test-Invalid-Node-Count.mmdb;
--- config
--- must_die
--- error_log eval
qr/cannot open geoip database "\S+Invalid-Node-Count.mmdb" \(anonymous=\)/



=== TEST 21: nginx -t refuses conditions outside http
--- config
    session_guard_condition bot $http_x_bot;
--- must_die
--- error_log
"session_guard_condition" directive is not allowed here



=== TEST 22: all four databases in one session_guard_geoip
--- http_config
    session_guard_geoip
        asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb
        anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-Anonymous-IP-Test.mmdb
        proxy=$TEST_NGINX_DATA/mmdb/GeoIP-Residential-Proxy-Test.mmdb;
--- config
    location /v {
        return 200 "$session_guard_asn $session_guard_country [$session_guard_anonymous]\n";
    }
--- request eval
["GET /v", "GET /v", "GET /v"]
--- more_headers eval
["X-Forwarded-For: 81.2.69.142", "X-Forwarded-For: 1.128.0.0",
 "X-Forwarded-For: 6.0.42.17"]
--- response_body eval
[" GB [vpn,tor,proxy,residential,hosting]\n", "1221  []\n", "  [residential]\n"]
--- no_error_log
[error]



=== TEST 23: nginx -t refuses a database given twice
--- http_config
    session_guard_geoip
        anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-Anonymous-IP-Test.mmdb
        anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-Anonymous-IP-Test.mmdb;
--- config
--- must_die
--- error_log
duplicate parameter "anonymous=
