# Failure throttling at the edge (session_guard_throttle_zone,
# session_guard_throttle): refusals of a credential counted per client
# address and per subject; over the limit, the source is refused (429 with
# Retry-After, or 403) for a while, before anything else is checked.
# Client addresses come from X-Forwarded-For through the realip module.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
check_accum_error_log();

# a request from "ip" with a token of "sub" for session "sid"
sub from {
    my ($ip, %o) = @_;
    my $tok = sg_token(key => $o{key} || 'rsa',
                       claims => { sid => $o{sid} || 's1',
                                   sub => $o{sub} || 'alice' });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip";
}

# a token that is no token
sub bad {
    my ($ip) = @_;
    return "Authorization: Bearer not.a.token\nX-Forwarded-For: $ip";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;
    set_real_ip_from   127.0.0.1;
    real_ip_header     X-Forwarded-For;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: bad tokens from one address: refused with 429 and Retry-After once over the limit, even with a good token; other addresses go on
--- http_config
    session_guard_throttle_zone zone=fail:1m address=3/1m block=10m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
    location = /error.log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
--- request eval
[("GET /t") x 6, "GET /error.log"]
--- more_headers eval
[main::bad('192.0.2.1'), main::bad('192.0.2.1'), main::bad('192.0.2.1'),
 main::from('192.0.2.1'), main::bad('192.0.2.1'), main::from('192.0.2.2'), ""]
--- error_code eval
[401, 401, 401, 429, 429, 200, 200]
--- response_headers_like eval
["X-Status: INVALID", "X-Status: INVALID", "X-Status: INVALID",
 "X-Status: THROTTLED\nX-Reason: too many failures from this address\nRetry-After: (600|599|59[0-9])",
 "X-Status: THROTTLED\nRetry-After: \\d+",
 "X-Status: ALLOW", ""]
--- response_body_like eval
[".*", ".*", ".*", ".*", ".*", "protected",
 qr/\[warn\] .*too many failures from this address \(3 in 60 s\): refused for 600 s, client: 192\.0\.2\.1.*\n(.*\n)*.*refused: too many failures from this address, for (600|59\d) s more/]
--- no_error_log
[alert]
[crit]
throttle zone



=== TEST 2: no credential, a step-up, a policy deny and a requirement are not failures
--- http_config
    session_guard_throttle_zone zone=fail:1m address=2/1m;
    map $http_x_deny $deny { default ""; 1 deny; }
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        session_guard_on_change ua=step_up ip=$deny;
        add_header X-Status $session_guard_status always;
    }
    location /admin {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        session_guard_require $session_guard_claim_admin;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /t",
 "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t",
 "GET /admin", "GET /admin", "GET /t"]
--- more_headers eval
["X-Forwarded-For: 192.0.2.1", "X-Forwarded-For: 192.0.2.1",
 "X-Forwarded-For: 192.0.2.1",
 main::from('192.0.2.1'),
 main::from('192.0.2.1') . "\nUser-Agent: other",
 main::from('192.0.2.1') . "\nUser-Agent: other",
 main::from('192.0.2.3', sid => 's2'),
 main::from('192.0.2.1', sid => 's2') . "\nX-Deny: 1",
 main::from('192.0.2.1', sid => 's2') . "\nX-Deny: 1",
 main::from('192.0.2.1', sid => 's3'), main::from('192.0.2.1', sid => 's3'),
 main::from('192.0.2.1', sid => 's4')]
--- error_code eval
[401, 401, 401, 200, 401, 401, 200, 403, 403, 401, 401, 200]
--- response_headers_like eval
["X-Status: MISSING", "X-Status: MISSING", "X-Status: MISSING",
 "X-Status: ALLOW", "X-Status: STEP_UP", "X-Status: STEP_UP",
 "X-Status: ALLOW", "X-Status: DENY", "X-Status: DENY",
 "X-Status: DENY", "X-Status: DENY", "X-Status: ALLOW"]
--- no_error_log
too many failures



=== TEST 3: a revoked session replayed counts; so does a forged signature
--- http_config
    session_guard_throttle_zone zone=fail:1m address=3/1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "DELETE /api/sessions/s1", "GET /t", "GET /t",
 "GET /t", "GET /t"]
--- more_headers eval
[main::from('192.0.2.1'), "", main::from('192.0.2.1'),
 main::from('192.0.2.1'), main::from('192.0.2.1', key => 'attacker', sid => 's9'),
 main::from('192.0.2.1', sid => 's2')]
--- error_code eval
[200, 204, 401, 401, 401, 429]
--- response_headers_like eval
["X-Status: ALLOW", "", "X-Status: REVOKED", "X-Status: REVOKED",
 "X-Status: INVALID", "X-Status: THROTTLED"]



=== TEST 4: per subject: failures with an authentic token of the subject count, from any address; a forged one naming them does not
--- http_config
    session_guard_throttle_zone zone=fail:1m address=off subject=2/1m
                                block=5m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
    location /api {
        session_guard_api zone=sg;
    }
    location = /error.log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "DELETE /api/sessions/s1",
 "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /error.log"]
--- more_headers eval
[main::from('192.0.2.1', key => 'attacker', sid => 's7'),
 main::from('192.0.2.2', key => 'attacker', sid => 's8'),
 main::from('192.0.2.3'), "",
 main::from('192.0.2.4'), main::from('192.0.2.5'),
 main::from('192.0.2.6', sid => 's2'),
 main::from('192.0.2.6', sid => 's3', sub => 'bob'),
 main::bad('192.0.2.6'), ""]
--- error_code eval
[401, 401, 200, 204, 401, 401, 429, 200, 401, 200]
--- response_headers_like eval
["X-Status: INVALID", "X-Status: INVALID", "X-Status: ALLOW", "",
 "X-Status: REVOKED", "X-Status: REVOKED",
 "X-Status: THROTTLED\nX-Reason: too many failures for this subject\nRetry-After: \\d+",
 "X-Status: ALLOW", "X-Status: INVALID", ""]
--- response_body_like eval
[(".*") x 9,
 qr/\[warn\] .*too many failures for "alice" \(2 in 60 s\): refused for 300 s, client: 192\.0\.2\.5.*\n(.*\n)*.*refused: too many failures for "alice", for (300|29\d) s more/]
--- no_error_log
[alert]
[crit]
throttle zone



=== TEST 5: status=403: no Retry-After; IPv6 counted by its /64
--- http_config
    session_guard_throttle_zone zone=fail:1m address=2/1m status=403;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::bad('2001:db8:1:2::1'), main::bad('2001:db8:1:2:aaaa::9'),
 main::from('2001:db8:1:2::77'), main::from('2001:db8:1:3::1'),
 main::from('::ffff:192.0.2.1')]
--- error_code eval
[401, 401, 403, 200, 200]
--- response_headers_like eval
["X-Status: INVALID", "X-Status: INVALID", "X-Status: THROTTLED",
 "X-Status: ALLOW", "X-Status: ALLOW"]
--- raw_response_headers_unlike eval
["Retry-After", "Retry-After", "Retry-After", "Retry-After", "Retry-After"]



=== TEST 6: an address blocked in one location is refused in every location of the zone, also a browser (no redirect to login); a location without it is not
--- http_config
    session_guard_throttle_zone zone=fail:1m address=2/1m;
--- config
    session_guard_throttle fail;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
    location /app {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_login https://idp.test/login;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
    }
    location /open {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle off;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
    }
--- request eval
["GET /t", "GET /t", "GET /app", "GET /open"]
--- more_headers eval
[main::bad('192.0.2.1'), main::bad('192.0.2.1'),
 "Accept: text/html\nX-Forwarded-For: 192.0.2.1",
 main::from('192.0.2.1')]
--- error_code eval
[401, 401, 429, 200]



=== TEST 7: monitor mode counts what it would refuse and reports THROTTLED_MONITOR; an enforcing location of the same zone refuses
--- http_config
    session_guard_throttle_zone zone=fail:1m address=2/1m;
--- config
    session_guard_throttle fail;
    location /m {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
        add_header X-Status $session_guard_status always;
    }
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /m", "GET /m", "GET /m", "GET /t"]
--- more_headers eval
[main::bad('192.0.2.1'), main::bad('192.0.2.1'), main::from('192.0.2.1'),
 main::from('192.0.2.1')]
--- error_code eval
[200, 200, 200, 429]
--- response_headers eval
["X-Status: INVALID_MONITOR", "X-Status: INVALID_MONITOR",
 "X-Status: THROTTLED_MONITOR", "X-Status: THROTTLED"]



=== TEST 8: the metrics count throttled decisions, and each throttle zone's blocks
--- http_config
    session_guard_throttle_zone zone=fail:1m address=1/1m;
    session_guard_throttle_zone zone=other:1m address=5/1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
    }
    location = /metrics {
        session_guard_metrics zone=sg format=prometheus;
    }
    location = /metrics.json {
        session_guard_metrics zone=sg format=json;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /metrics", "GET /metrics.json"]
--- more_headers eval
[main::bad('192.0.2.1'), main::from('192.0.2.1'), main::from('192.0.2.1'), "",
 ""]
--- error_code eval
[401, 429, 429, 200, 200]
--- response_body_like eval
[".*", ".*", ".*",
 qr/session_guard_decisions_total\{zone="sg",mode="enforce",status="throttled"\} 2\n(.*\n)*# TYPE session_guard_throttle_blocks_total counter\nsession_guard_throttle_blocks_total\{throttle="fail"\} 1\nsession_guard_throttle_blocks_total\{throttle="other"\} 0\n(.*\n)*session_guard_throttle_uncounted_total\{throttle="fail"\} 0\n/,
 qr/,"throttles":\{"fail":\{"blocks":1,"uncounted":0\},"other":\{"blocks":0,"uncounted":0\}\}\}\n\z/]



=== TEST 9: nginx -t refuses an undeclared zone
--- config
    location /t {
        session_guard_throttle nope;
    }
--- must_die
--- error_log
unknown session_guard throttle zone "nope"



=== TEST 10: nginx -t refuses a zone without a size
--- http_config
    session_guard_throttle_zone zone=fail address=3;
--- config
--- must_die
--- error_log
invalid parameter "zone=fail"



=== TEST 11: nginx -t refuses a tiny zone
--- http_config
    session_guard_throttle_zone zone=fail:4k;
--- config
--- must_die
--- error_log
throttle zone "zone=fail:4k" is too small



=== TEST 12: nginx -t refuses a limit that is not N/PERIOD
--- http_config
    session_guard_throttle_zone zone=fail:1m address=0/1m;
--- config
--- must_die
--- error_log
invalid parameter "address=0/1m"



=== TEST 13: nginx -t refuses a zone that counts nothing
--- http_config
    session_guard_throttle_zone zone=fail:1m address=off;
--- config
--- must_die
--- error_log
throttle zone "fail" counts nothing



=== TEST 14: nginx -t refuses a zone declared twice
--- http_config
    session_guard_throttle_zone zone=fail:1m;
    session_guard_throttle_zone zone=fail:1m;
--- config
--- must_die
--- error_log
duplicate throttle zone "fail"



=== TEST 15: nginx -t refuses a throttle zone named as a session zone
--- http_config
    session_guard_throttle_zone zone=sg:1m;
--- config
--- must_die
--- error_log
the shared memory zone "sg" is already declared for a different use



=== TEST 16: nginx -t refuses a status other than 429 and 403
--- http_config
    session_guard_throttle_zone zone=fail:1m status=500;
--- config
--- must_die
--- error_log
invalid parameter "status=500"



=== TEST 17: nginx -t refuses session_guard_throttle_zone outside http
--- config
    session_guard_throttle_zone zone=fail:1m;
--- must_die
--- error_log
"session_guard_throttle_zone" directive is not allowed here



=== TEST 18: nginx -t refuses a block of no time
--- http_config
    session_guard_throttle_zone zone=fail:1m block=0;
--- config
--- must_die
--- error_log
invalid parameter "block=0"



=== TEST 19: nginx -t refuses a limit without a period
--- http_config
    session_guard_throttle_zone zone=fail:1m subject=5;
--- config
--- must_die
--- error_log
invalid parameter "subject=5"



=== TEST 20: per subject: the user's own ended sessions do not count (replaced by max_sessions, logged out); one revoked through the API does
--- http_config
    session_guard_throttle_zone zone=fail:1m address=off subject=2/1m
                                block=5m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 1 replace_oldest;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
    location = /logout {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_logout on;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t",
 "GET /logout", "GET /t", "GET /t", "GET /t",
 "GET /t", "DELETE /api/sessions/s4", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::from('192.0.2.1', sid => 's1'), main::from('192.0.2.2', sid => 's2'),
 main::from('192.0.2.1', sid => 's1'), main::from('192.0.2.1', sid => 's1'),
 main::from('192.0.2.1', sid => 's1'),
 main::from('192.0.2.2', sid => 's2'), main::from('192.0.2.2', sid => 's2'),
 main::from('192.0.2.2', sid => 's2'), main::from('192.0.2.2', sid => 's2'),
 main::from('192.0.2.3', sid => 's4'), "",
 main::from('192.0.2.3', sid => 's4'), main::from('192.0.2.3', sid => 's4'),
 main::from('192.0.2.9', sid => 's5')]
--- error_code eval
[200, 200, 401, 401, 401, 200, 401, 401, 401, 200, 204, 401, 401, 429]
--- response_headers_like eval
["X-Status: ALLOW", "X-Status: ALLOW",
 ("X-Status: REVOKED") x 3, "",
 ("X-Status: REVOKED") x 3, "X-Status: ALLOW", "",
 ("X-Status: REVOKED") x 2,
 "X-Status: THROTTLED\nX-Reason: too many failures for this subject"]
--- no_error_log
[alert]
[crit]


=== TEST 21: a full zone forgets sources that are not blocked first: a flood of new addresses does not wash a block away
--- http_config
    session_guard_throttle_zone zone=fail:32k address=2/1m block=5m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 303]
--- more_headers eval
[main::bad('192.0.2.1'), main::bad('192.0.2.1'),
 (map { main::bad('198.51.' . int($_ / 250) . '.' . ($_ % 250 + 1)) } 0 .. 299),
 main::from('192.0.2.1')]
--- error_code eval
[(401) x 302, 429]
--- no_error_log
[alert]
[crit]
too small
