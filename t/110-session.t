# Sessions: binding, signals, actions, monitor mode, revocation.
#
# Client addresses come from X-Forwarded-For through the realip module;
# the MaxMind test databases in t/data/mmdb place them:
#   1.128.0.0, 1.128.0.1   AS1221 (no city data)
#   149.101.100.0          AS6167
#   81.2.69.142            London, GB      216.160.83.56  Milton, US
#   2.125.160.216          Boxford, GB (about 80 km from London)

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use JSON::PP ();

no_shuffle();

sub req {
    my ($ip, %o) = @_;
    my $tok = $o{token} || sg_token(claims => { sid => $o{sid} || 's1',
                                                %{ $o{claims} || {} } });
    my $ua = $o{ua} || 'Mozilla/5.0 (test)';
    return "Authorization: Bearer $tok\r\nX-Forwarded-For: $ip\r\n"
           . "User-Agent: $ua";
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

=== TEST 1: the first request creates the session and binds it
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Id $session_guard_session_id;
        add_header X-Ip $session_guard_session_initial_ip;
        add_header X-Asn $session_guard_session_initial_asn;
        add_header X-Risk "[$session_guard_risk]";
        add_header X-Status $session_guard_status;
    }
--- request
GET /t
--- more_headers eval
main::req('1.128.0.0')
--- response_headers
X-Id: s1
X-Ip: 1.128.0.0
X-Asn: 1221
X-Risk: []
X-Status: ALLOW



=== TEST 2: IP change within the same ASN: the ip signal, logged
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Risk "[$session_guard_risk]";
        add_header X-Actions "[$session_guard_actions]";
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('1.128.0.1'), main::req('1.128.0.1')]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip]\nX-Actions: [log]", "X-Risk: []"]



=== TEST 3: ASN change revokes; the session stays refused from anywhere
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'), main::req('1.128.0.0')]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Risk: [ip,asn]\nX-Status: REVOKED",
 "X-Status: REVOKED"]



=== TEST 4: a revoked session id is refused whatever token carries it
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0', sid => 'victim'),
 main::req('149.101.100.0', sid => 'victim'),
 main::req('1.128.0.0', token => sg_token(alg => 'ES256',
     claims => { sid => 'victim', jti => 'fresh', iat => time })),
 main::req('1.128.0.0', sid => 'other')]
--- error_code eval
[200, 401, 401, 200]
--- response_headers eval
["", "X-Reason: session revoked", "X-Reason: session revoked", ""]



=== TEST 5: London then Milton a moment later is impossible travel
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change travel=deny;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Country $session_guard_session_initial_country always;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('81.2.69.142'), main::req('216.160.83.56'),
 main::req('81.2.69.142')]
--- error_code eval
[200, 403, 200]
--- response_headers eval
["X-Country: GB", "X-Risk: [ip,country,travel]", "X-Risk: []"]



=== TEST 6: a short distance is no travel (under the 100 km floor)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change travel=deny;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req('81.2.69.142'), main::req('2.125.160.216')]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip]"]



=== TEST 7: travel limits are configurable
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_travel speed=900km/h floor=50km;
        session_guard_on_change travel=deny;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req('81.2.69.142'), main::req('2.125.160.216')]
--- error_code eval
[200, 403]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip,travel]"]



=== TEST 8: user-agent change asks for a step-up (RFC 9470)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=step_up;
        session_guard_step_up acr_values=mfa max_age=300;
        session_guard_leeway 300s;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0', claims => { auth_time => time - 100 }),
 main::req('1.128.0.0', ua => 'curl/8', claims => { auth_time => time - 100 }),
 main::req('1.128.0.0', ua => 'curl/8', claims => { auth_time => time - 100 }),
 main::req('1.128.0.0', ua => 'curl/8', claims => { auth_time => time + 240 })]
--- error_code eval
[200, 401, 401, 200]
--- response_headers eval
["X-Status: ALLOW",
 qq{WWW-Authenticate: Bearer error="insufficient_user_authentication", error_description="A fresh authentication is required", acr_values="mfa", max_age=300\nX-Status: STEP_UP},
 "X-Status: STEP_UP",
 "X-Status: ALLOW"]



=== TEST 9: monitor mode evaluates and reports but never blocks, and a
would-be refusal does not move the binding (the ASN change shows again)
--- config
    location /t {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke ua=deny;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'),
 main::req('149.101.100.0', ua => 'other'),
 "Authorization: Bearer " . sg_token(key => 'attacker')]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: REVOKED_MONITOR",
 "X-Status: REVOKED_MONITOR", "X-Status: INVALID_MONITOR"]



=== TEST 10: actions from a variable: strict for admins, lenient for others
(the ip signal that comes with the ASN change adds its default, log)
--- http_config
    map $session_guard_claim_role $asn_action {
        admin    revoke;
        default  shorten,non_persistent;
    }
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=8h shorten=10m;
        session_guard_on_change asn=$asn_action;
        add_header X-Actions "[$session_guard_actions]" always;
        add_header X-Mode $session_guard_session_cookie_mode always;
        add_header X-Life $session_guard_session_lifetime always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0', sid => 'adm', claims => { role => 'admin' }),
 main::req('149.101.100.0', sid => 'adm', claims => { role => 'admin' }),
 main::req('1.128.0.0', sid => 'usr', claims => { role => 'user' }),
 main::req('149.101.100.0', sid => 'usr', claims => { role => 'user' })]
--- error_code eval
[200, 401, 200, 200]
--- response_headers eval
["X-Mode: persistent\nX-Life: 28800", "X-Actions: [log,revoke]",
 "X-Mode: persistent\nX-Life: 28800",
 "X-Actions: [log,shorten,non_persistent]\nX-Mode: non-persistent"]



=== TEST 11: invalid actions are a configuration error
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=explode;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid actions "explode"/



=== TEST 12: an unknown zone is a configuration error
--- config
    location /t {
        session_guard zone=nope;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*unknown session_guard zone "nope"/



=== TEST 13: a token without sid passes by default, or is refused
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Id "[$session_guard_session_id]" always;
    }
    location /strict {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_session_key sid missing=deny;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
["GET /t", "GET /strict"]
--- more_headers eval
["Authorization: Bearer " . sg_token(claims => { sid => undef }),
 "Authorization: Bearer " . sg_token(claims => { sid => undef })]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Id: []", "X-Reason: no session key"]



=== TEST 14: the event is one JSON object with ECS field names
--- http_config
    log_format events escape=none '$session_guard_event';
--- config
    location /t {
        access_log logs/events.log events;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
    }
    location /events {
        alias logs/events.log;
    }
--- request eval
["GET /t", "GET /t", "GET /events"]
--- more_headers eval
[main::req('1.128.0.0', claims => { sub => 'erin' }),
 main::req('149.101.100.0', claims => { sub => 'erin' }), ""]
--- error_code eval
[200, 401, 200]
--- response_body_like eval
["protected", "401",
 qr/^\{"\@timestamp":"[^"]+","event":\{"kind":"event".*"outcome":"success"\},"session_guard":\{"status":"ALLOW","mode":"enforce","signals":\[\],"actions":\[\],"session_created":true.*"session":\{"id":"s1".*"user":\{"id":"erin"\},"source":\{"ip":"1\.128\.0\.0","as":\{"number":1221,"organization":\{"name":"Telstra Pty Ltd"\}\}\}.*\n\{.*"action":"session-revoked","outcome":"failure","reason":"session revoked"\},"session_guard":\{"status":"REVOKED","mode":"enforce","signals":\["ip","asn"\],"actions":\["log","revoke"\].*"source":\{"ip":"149\.101\.100\.0".*\}\n$/s]



=== TEST 15: a monitor location cannot launder a context for an enforcing
one that shares the zone
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
    }
    location /mon {
        alias html/t;
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /mon", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'),
 main::req('149.101.100.0')]
--- error_code eval
[200, 200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Status: REVOKED_MONITOR", "X-Status: REVOKED"]



=== TEST 16: a subject and a session id with a line break and terminal
escapes are logged escaped: no forged log line, no raw control byte
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=log;
    }
    location /errors {
        default_type text/plain;
        alias logs/error.log;
    }
--- request eval
["GET /t", "GET /t", "GET /errors"]
--- more_headers eval
[main::req('1.128.0.0', sid => "s\e[2J\x7f", claims => {
     sub => "u\n2026/12/04 17:00:00 [emerg] 1#1: forged line\e[31m" }),
 main::req('149.101.100.0', sid => "s\e[2J\x7f", claims => {
     sub => "u\n2026/12/04 17:00:00 [emerg] 1#1: forged line\e[31m" }),
 ""]
--- response_body_filters eval
[[], [], [sub {
    my @l = grep { /signals ip,asn/ || /forged/ || /[\e\x7f]/ }
            split /\n/, $_[0];
    s/^.*?session_guard: // for @l;
    s/, client: .*$// for @l;
    CORE::join '', map { "$_\n" } @l;
}]]
--- response_body eval
["protected\n", "protected\n",
 'session "s\u001b[2J\u007f" of "u\n2026/12/04 17:00:00 [emerg] 1#1: '
 . 'forged line\u001b[31m": signals ip,asn, allowed' . "\n"]
--- no_error_log eval
[qr/^[\d\/]+ [\d:]+ \[emerg\] 1#1: forged/, "\e", "\x7f"]



=== TEST 17: the event is valid JSON whatever the bytes of the user agent
(what is not UTF-8 becomes U+FFFD)
--- http_config
    log_format events escape=none '$session_guard_event';
--- config
    location /t {
        access_log logs/events.log events;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
    location /events {
        alias logs/events.log;
    }
--- request eval
["GET /t", "GET /t", "GET /events"]
--- more_headers eval
[main::req('1.128.0.0', ua => "abc\xff\xfe\"\\"),
 main::req('1.128.0.0', ua => "\xc3\xa9\xed\xa0\x80\xf0\x9f\x98\x80\xc3"),
 ""]
--- response_body_filters eval
[[], [], [sub {
    CORE::join '', map {
        my $e = eval { JSON::PP->new->utf8->decode($_) }
            or return "BAD JSON: $_\n";
        CORE::join(' ', map { sprintf '%x', ord }
                   split //, $e->{user_agent}{original}) . "\n"
    } split /\n/, $_[0];
}]]
--- response_body eval
["protected\n", "protected\n", <<'_EOS_']
61 62 63 fffd fffd 22 5c
e9 fffd fffd fffd 1f600 fffd
_EOS_



=== TEST 18: the last accepted network and country of the session, next to the first ones
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change country=$http_x_country_action;
        add_header X-First "$session_guard_session_initial_asn/$session_guard_session_initial_country" always;
        add_header X-Last "$session_guard_session_last_asn/$session_guard_session_last_country" always;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('81.2.69.142'), main::req('89.160.20.112'),
 main::req('216.160.83.56') . "\r\nX-Country-Action: deny"]
--- error_code eval
[200, 200, 403]
--- response_headers eval
["X-First: /GB\nX-Last: /GB", "X-First: /GB\nX-Last: 29518/SE",
 "X-First: /GB\nX-Last: 29518/SE"]
