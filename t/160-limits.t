# Limits: concurrent sessions per subject (session_guard_max_sessions,
# replace_oldest or deny), and lifetimes that no request may lift.
#
# Client addresses come from X-Forwarded-For through the realip module
# (1.128.0.0: AS1221, 149.101.100.0: AS6167).
#
# TEST 9 needs its first three requests within a 3 s idle timeout (they
# take milliseconds) and its token made right before them: skipped under
# valgrind (make test-valgrind), where each request takes longer.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use IO::Socket::INET;

no_shuffle();
check_accum_error_log();

# a token of subject $sub for session $sid, from address $ip
sub req {
    my ($sub, $sid, %o) = @_;
    return "Authorization: Bearer "
           . sg_token(claims => { sub => $sub, sid => $sid },
                      defined $o{ttl} ? (ttl => $o{ttl}) : ())
           . "\r\nX-Forwarded-For: " . ($o{ip} || '1.128.0.0');
}

# sends requests before the block's own ones (from its --- init), so that
# a log line its first request causes can be checked
sub prime {
    my ($uri, @headers) = @_;
    for my $h (@headers) {
        my $s = IO::Socket::INET->new(
            PeerAddr => '127.0.0.1:' . ($Test::Nginx::Util::ServerPortForClient
                                        || $ENV{TEST_NGINX_SERVER_PORT}))
            or die "prime: $!";
        print $s "GET $uri HTTP/1.0\r\nHost: localhost\r\n$h\r\n\r\n";
        my $status = <$s>;
        die "prime: $uri: $status" unless $status =~ m{^HTTP/1\.\d 200 };
        close $s;
    }
}

# GET /pause takes about 5 s (a 5,000-byte file at 1,000 bytes/s): a way
# to let time pass between two requests of one block, with nginx alone;
# more than TEST 9's idle timeout plus the second the zone's clock rounds.
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pause\n" . ('.' x 4999) . "\n");
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m;
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
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

=== TEST 1: replace_oldest (the default): a third session replaces the first
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2;
        add_header X-Status $session_guard_status always;
        add_header X-Revoked "[$session_guard_session_revoked]" always;
    }
--- request eval
[("GET /t") x 6]
--- more_headers eval
[main::req('alice', 'a1'), main::req('alice', 'a2'), main::req('alice', 'a3'),
 main::req('alice', 'a1'), main::req('alice', 'a2'), main::req('alice', 'a3')]
--- error_code eval
[200, 200, 200, 401, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "X-Status: ALLOW",
 "X-Status: REVOKED\nX-Revoked: [limit]",
 "X-Status: ALLOW\nX-Revoked: []", "X-Status: ALLOW"]



=== TEST 2: replace_oldest: other subjects are unaffected; the replaced one
stays replaced, and the oldest live session goes next
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2 replace_oldest;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 8]
--- more_headers eval
[main::req('alice', 'a1'), main::req('bob', 'b1'), main::req('alice', 'a2'),
 main::req('bob', 'b2'), main::req('alice', 'a3'),
 main::req('bob', 'b1'), main::req('alice', 'a4'), main::req('alice', 'a2')]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 401]
--- response_headers eval
["", "", "", "", "", "X-Status: ALLOW", "X-Status: ALLOW",
 "X-Status: REVOKED"]



=== TEST 3: deny: a third session is refused, the first two go on
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2 deny;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 7]
--- more_headers eval
[main::req('alice', 'a1'), main::req('alice', 'a2'), main::req('alice', 'a3'),
 main::req('alice', 'a1'), main::req('alice', 'a2'), main::req('bob', 'b1'),
 main::req('alice', 'a3')]
--- error_code eval
[200, 200, 403, 200, 200, 200, 403]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW",
 qq{X-Status: LIMITED\nX-Reason: too many sessions\nWWW-Authenticate: Bearer error="insufficient_scope"},
 "X-Status: ALLOW", "X-Status: ALLOW", "X-Status: ALLOW", "X-Status: LIMITED"]



=== TEST 4: a revoked session does not count toward the limit
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2 deny;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 6]
--- more_headers eval
[main::req('alice', 'a1'), main::req('alice', 'a2'),
 main::req('alice', 'a2', ip => '149.101.100.0'),
 main::req('alice', 'a3'), main::req('alice', 'a4'), main::req('alice', 'a1')]
--- error_code eval
[200, 200, 401, 200, 403, 200]
--- response_headers eval
["", "", "X-Status: REVOKED", "X-Status: ALLOW", "X-Status: LIMITED",
 "X-Status: ALLOW"]



=== TEST 5: replace_oldest skips revoked sessions: the oldest live one goes
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
        add_header X-Revoked "[$session_guard_session_revoked]" always;
    }
--- request eval
[("GET /t") x 7]
--- more_headers eval
[main::req('alice', 'a1'), main::req('alice', 'a2'),
 main::req('alice', 'a1', ip => '149.101.100.0'),
 main::req('alice', 'a3'), main::req('alice', 'a2'), main::req('alice', 'a4'),
 main::req('alice', 'a2')]
--- error_code eval
[200, 200, 401, 200, 200, 200, 401]
--- response_headers eval
["", "", "X-Revoked: [policy]", "X-Status: ALLOW", "X-Status: ALLOW",
 "X-Status: ALLOW", "X-Status: REVOKED\nX-Revoked: [limit]"]



=== TEST 6: sessions without a subject are not limited
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 1 deny;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[map { "Authorization: Bearer "
       . sg_token(claims => { sub => undef, sid => "n$_" }) } 1 .. 3]
--- error_code eval
[200, 200, 200]



=== TEST 7: monitor mode: the limit is reported, nothing is replaced
(a monitored location must never revoke a session another one enforces)
--- config
    location /mon {
        alias html/t;
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2;
        add_header X-Status $session_guard_status always;
    }
    location /mondeny {
        alias html/t;
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2 deny;
        add_header X-Status $session_guard_status always;
    }
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
        add_header X-Revoked "[$session_guard_session_revoked]" always;
    }
--- init
main::prime('/mon', main::req('alice', 'a1'), main::req('alice', 'a2'));
--- request eval
["GET /mon", "GET /mondeny", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('alice', 'a3'), main::req('alice', 'a4'),
 main::req('alice', 'a1'), main::req('alice', 'a2'), main::req('alice', 'a3'),
 main::req('alice', 'a4')]
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: LIMITED_MONITOR",
 "X-Status: ALLOW\nX-Revoked: []", "X-Status: ALLOW", "X-Status: ALLOW",
 "X-Status: ALLOW"]
--- error_log eval
qr/\[warn\].*session_guard: session "a3" of "alice": max_sessions reached, the oldest session would be replaced \(monitor mode\)/



=== TEST 8: a lifetime set for a session is never lifted by a request with
a longer one or none (another location, another claim)
--- config
    location /short {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=1h idle=10m;
        add_header X-Life $session_guard_session_lifetime always;
        add_header X-Idle $session_guard_session_idle_timeout always;
    }
    location /long {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=8h idle=1h;
        add_header X-Life $session_guard_session_lifetime always;
        add_header X-Idle $session_guard_session_idle_timeout always;
    }
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Life $session_guard_session_lifetime always;
        add_header X-Idle "[$session_guard_session_idle_timeout]" always;
    }
--- request eval
["GET /short", "GET /long", "GET /t", "GET /long", "GET /short"]
--- more_headers eval
[main::req('alice', 'a1'), main::req('alice', 'a1'), main::req('alice', 'a1'),
 main::req('alice', 'a2'), main::req('alice', 'a2')]
--- response_headers eval
["X-Life: 3600\nX-Idle: 600", "X-Life: 3600\nX-Idle: 600",
 "X-Life: 3600\nX-Idle: [600]", "X-Life: 28800\nX-Idle: 3600",
 "X-Life: 3600\nX-Idle: 600"]



=== TEST 9: an idled-out session does not count toward the limit, and a
fresh token with its id (a refresh: same sid) does not restart it
--- skip_eval: 11: $ENV{TEST_NGINX_USE_VALGRIND}
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2 deny;
        session_guard_lifetime idle=$arg_idle;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t?idle=3s", "GET /t", "GET /t", "GET /pause", "GET /t", "GET /t"]
--- more_headers eval
[sg_at_request(sub { main::req('alice', 'a1', ttl => 3) }),
 main::req('alice', 'a2'),
 main::req('alice', 'a3'), "", main::req('alice', 'a3'),
 main::req('alice', 'a1')]
--- error_code eval
[200, 200, 403, 200, 200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "X-Status: LIMITED", "",
 "X-Status: ALLOW", "X-Status: EXPIRED"]
--- timeout: 10



=== TEST 10: a replaced session is logged at warn and named in the new session's event
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 2;
        add_header X-Status $session_guard_status always;
        add_header X-Event $session_guard_event always;
    }
    location = /error-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
--- request eval
[("GET /t") x 4, "GET /error-log"]
--- more_headers eval
[main::req('alice', 'a1'), main::req('alice', 'a2'), main::req('alice', 'a3'),
 main::req('alice', 'a4'), ""]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers_like eval
["X-Event: (?!.*replaced).*", "X-Event: (?!.*replaced).*",
 'X-Event: .*"session_guard":\{"status":"ALLOW".*,"replaced":\{"count":1,"session":"a1"\}\},"session":\{"id":"a3".*',
 'X-Event: .*"replaced":\{"count":1,"session":"a2"\}\},"session":\{"id":"a4".*', ""]
--- response_body_like eval
[".*", ".*", ".*", ".*",
 qr/\[warn\] .*max_sessions reached for "alice": session "a1" replaced by "a3" \(1 replaced\).*\n(?s:.*)\[warn\] .*max_sessions reached for "alice": session "a2" replaced by "a4" \(1 replaced\)/]
