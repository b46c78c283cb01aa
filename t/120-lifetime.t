# Lifetimes: absolute and idle timeouts from variables, the zone's ceiling,
# and expiry enforced at the edge.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

sub req {
    my (%o) = @_;
    return "Authorization: Bearer "
           . sg_token(claims => { sid => $o{sid} || 's1',
                                  %{ $o{claims} || {} } });
}

# GET /pause takes about 2.5 s (a 2,500-byte file at 1,000 bytes/s): a way
# to let time pass between two requests of one block, with nginx alone.
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pause\n" . ('.' x 2499) . "\n");
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=12h;
    map $session_guard_claim_role $lifetime {
        admin    15m;
        default  8h;
    }
_EOC_
    $block->set_value('config', <<'_EOC_' . $block->config);
    location = /pause {
        limit_rate_after 0;
        limit_rate 1000;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: the absolute lifetime from a claim through map
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=$lifetime;
        add_header X-Life $session_guard_session_lifetime;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req(sid => 'a', claims => { role => 'admin' }),
 main::req(sid => 'b', claims => { role => 'user' })]
--- response_headers eval
["X-Life: 900", "X-Life: 28800"]



=== TEST 2: above the zone's ceiling: clamped, with a warning
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=24h idle=13h;
        add_header X-Life $session_guard_session_lifetime;
        add_header X-Idle $session_guard_session_idle_timeout;
    }
--- request
GET /t
--- more_headers eval
main::req()
--- response_headers
X-Life: 43200
X-Idle: 43200
--- error_log eval
qr/\[warn\].*session_guard: lifetime of session "s1" clamped to the zone's max_lifetime of 43200 s/



=== TEST 3: without a lifetime, the zone's ceiling applies
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Life $session_guard_session_lifetime;
    }
--- request
GET /t
--- more_headers eval
main::req()
--- response_headers
X-Life: 43200
--- no_error_log
clamped



=== TEST 4: a lifetime is never extended by a later, longer one
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=$lifetime;
        add_header X-Life $session_guard_session_lifetime;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req(claims => { role => 'admin' }),
 main::req(claims => { role => 'user' })]
--- response_headers eval
["X-Life: 900", "X-Life: 900"]



=== TEST 5: idle timeout: a session left alone longer is refused
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime idle=1s;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /pause", "GET /t", "GET /t"]
--- more_headers eval
[main::req(), "", main::req(), main::req()]
--- error_code eval
[200, 200, 401, 401]
--- response_headers eval
["X-Status: ALLOW", "", "X-Status: EXPIRED", "X-Status: EXPIRED"]
--- timeout: 10



=== TEST 6: absolute expiry: refused once the lifetime has passed
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=$arg_life;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
["GET /t?life=2s", "GET /t?life=2s", "GET /pause", "GET /t?life=2s",
 "GET /t?life=1h"]
--- more_headers eval
[main::req(), main::req(), "", main::req(), main::req()]
--- error_code eval
[200, 200, 200, 401, 401]
--- response_headers eval
["", "", "", "X-Reason: session expired", "X-Reason: session expired"]
--- timeout: 10



=== TEST 7: an invalid lifetime from a variable fails closed
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=$arg_life;
    }
--- request
GET /t?life=forever
--- more_headers eval
main::req()
--- error_code: 500
--- error_log
session_guard: invalid lifetime "forever"



=== TEST 8: an invalid lifetime from a variable is logged escaped: no raw
terminal escape or byte that is not UTF-8 in the module's lines (nginx's
own debug lines show the header as it came)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=$http_x_life;
    }
--- request
GET /t
--- more_headers eval
main::req() . "\r\nX-Life: 1h\e[2J\xc2\x9b\xff\""
--- error_code: 500
--- error_log
session_guard: invalid lifetime "1h\u001b[2J\u009b\ufffd\""
--- no_error_log eval
[qr/session_guard: .*[\e\x9b\xff]/]



=== TEST 9: "shorten" caps the remaining lifetime
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=8h idle=1h shorten=5m;
        session_guard_on_change ua=shorten;
        add_header X-Idle $session_guard_session_idle_timeout;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req() . "\r\nUser-Agent: a", main::req() . "\r\nUser-Agent: b"]
--- response_headers eval
["X-Idle: 3600", "X-Idle: 300"]



=== TEST 10: an application's cookie session that idled out stays refused
(no token bounds it: the record is kept for max_lifetime after last use)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_APPSESSION;
        session_guard_lifetime idle=1s;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /pause", "GET /t", "GET /t"]
--- more_headers eval
["Cookie: APPSESSION=abc123", "", "Cookie: APPSESSION=abc123",
 "Cookie: APPSESSION=abc123"]
--- error_code eval
[200, 200, 401, 401]
--- response_headers eval
["X-Status: ALLOW", "", "X-Status: EXPIRED\n!WWW-Authenticate",
 "X-Status: EXPIRED"]
--- timeout: 10
