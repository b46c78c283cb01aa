# The risk score: weights of the signals that fired and of the conditions
# that hold (session_guard_risk_weight), and thresholds that map the sum to
# actions (session_guard_risk_threshold); $session_guard_risk_score and the
# event's risk_score.  Client addresses come from X-Forwarded-For through
# the realip module: 81.2.69.142 is in GB (no ASN), 216.160.83.56 in the
# US (AS209), 89.160.20.112 in SE (AS29518) in MaxMind's test databases.  The condition "bot" holds with
# "X-Bot: 1".

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
check_accum_error_log();

# a request of alice's session "sid" from "ip"; %o: bot => 1, auth => time
sub from {
    my ($ip, $sid, %o) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => 'alice',
                                   auth_time => $o{auth} // time - 600 });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip"
           . ($o{bot} ? "\nX-Bot: 1" : '');
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb;
    set_real_ip_from   127.0.0.1;
    real_ip_header     X-Forwarded-For;
    map $http_x_bot $bot { default 0; 1 1; }
    session_guard_condition bot $bot;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: the sum of the weights reaches thresholds: shorten at 30, step-up at 60, revoke at 100 (with the score as the reason)
--- config
    session_guard_risk_weight asn=40 country=35 bot=30;
    session_guard_risk_threshold 30 shorten;
    session_guard_risk_threshold 60 step_up;
    session_guard_risk_threshold 100 revoke;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
        add_header X-Score "[$session_guard_risk_score]" always;
        add_header X-Actions "[$session_guard_actions]" always;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /api/sessions/s3"]
--- more_headers eval
[main::from('216.160.83.56', 's1'), main::from('216.160.83.56', 's1', bot => 1),
 main::from('89.160.20.112', 's1'),
 main::from('216.160.83.56', 's3'), main::from('89.160.20.112', 's3', bot => 1),
 ""]
--- error_code eval
[200, 200, 401, 200, 401, 200]
--- response_headers eval
["X-Status: ALLOW\nX-Score: [0]\nX-Actions: []",
 "X-Status: ALLOW\nX-Score: [30]\nX-Actions: [log,shorten]",
 "X-Status: STEP_UP\nX-Score: [75]\nX-Actions: [log,step_up,shorten]",
 "X-Status: ALLOW\nX-Score: [0]",
 "X-Status: REVOKED\nX-Score: [105]\nX-Actions: [log,step_up,shorten,revoke]",
 ""]
--- response_body_like eval
["protected", "protected", ".", "protected", ".",
 qr/"revocation":\{"source":"policy","at":\d+,"reason":"score"\}/]
--- no_error_log
[error]



=== TEST 2: a session is judged by its conditions' weights from its first request; the event and the log carry the score
--- config
    session_guard_risk_weight bot=30;
    session_guard_risk_threshold 30 shorten;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime shorten=1m;
        add_header X-Score "[$session_guard_risk_score]" always;
        add_header X-Lifetime $session_guard_session_lifetime always;
        add_header X-Event $session_guard_event always;
    }
    location = /error.log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
--- request eval
["GET /t", "GET /error.log"]
--- more_headers eval
[main::from('81.2.69.142', 's1', bot => 1), ""]
--- error_code eval
[200, 200]
--- response_headers_like eval
["X-Score: \\[30\\]\nX-Lifetime: 60\nX-Event: .*\"actions\":\\[\"log\",\"shorten\"\\],\"risk_score\":30,\"session_created\":true,.*", ""]
--- response_body_like eval
["protected", qr/\[info\] .*session "s1" of "alice": signals bot, score 30, allowed/]



=== TEST 3: a step-up asked for a condition's weight is asked once per session: met, it is not asked again while the condition holds
--- config
    session_guard_risk_weight bot=60;
    session_guard_risk_threshold 60 step_up;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        # a sign-in dated ahead (30 s, within this leeway): later than the
        # step-up, asked in the same second
        session_guard_leeway 60s;
        add_header X-Status $session_guard_status always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::from('81.2.69.142', 's1', bot => 1),
 main::from('81.2.69.142', 's1', bot => 1),
 main::from('81.2.69.142', 's1', bot => 1, auth => time + 30),
 main::from('81.2.69.142', 's1', bot => 1, auth => time + 30)]
--- error_code eval
[401, 401, 200, 200]
--- response_headers eval
["X-Status: STEP_UP", "X-Status: STEP_UP", "X-Status: ALLOW",
 "X-Status: ALLOW"]



=== TEST 4: without a score here, the variable is empty and the event has none; a location with thresholds of its own inherits none of the server's
--- config
    session_guard_risk_threshold 30 deny;
    session_guard_risk_weight bot=30;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_risk_threshold 50 deny;
        add_header X-Status $session_guard_status always;
        add_header X-Score "[$session_guard_risk_score]" always;
    }
    location /s {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
    }
    location /plain {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_risk_weight bot=0;
        session_guard_risk_threshold 1000 deny;
        add_header X-Score "[$session_guard_risk_score]" always;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
    }
--- request eval
["GET /t", "GET /s", "GET /plain"]
--- more_headers eval
[main::from('81.2.69.142', 's1', bot => 1),
 main::from('81.2.69.142', 's2', bot => 1),
 main::from('81.2.69.142', 's3', bot => 1)]
--- error_code eval
[200, 403, 200]
--- response_headers eval
["X-Status: ALLOW\nX-Score: [30]", "X-Status: DENY", "X-Score: [0]"]



=== TEST 5: no weight and no threshold: no score
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Score "[$session_guard_risk_score]" always;
        add_header X-Event $session_guard_event always;
    }
--- request eval
["GET /t"]
--- more_headers eval
[main::from('81.2.69.142', 's1', bot => 1)]
--- response_headers_like eval
["X-Score: \\[\\]\nX-Event: (?!.*risk_score).*"]



=== TEST 6: monitor mode reports the score and the would-be verdict
--- config
    session_guard_risk_weight bot=30;
    session_guard_risk_threshold 30 deny;
    location /t {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
        add_header X-Score "[$session_guard_risk_score]" always;
    }
--- request eval
["GET /t"]
--- more_headers eval
[main::from('81.2.69.142', 's1', bot => 1)]
--- error_code eval
[200]
--- response_headers eval
["X-Status: DENY_MONITOR\nX-Score: [30]"]



=== TEST 7: nginx -t refuses a weight of an unknown name
--- config
    session_guard_risk_weight nope=3;
--- must_die
--- error_log
"session_guard_risk_weight": unknown signal "nope"



=== TEST 8: nginx -t refuses a weight over 1000
--- config
    session_guard_risk_weight asn=1001;
--- must_die
--- error_log
invalid weight "asn=1001"



=== TEST 9: nginx -t refuses a weight without a value
--- config
    session_guard_risk_weight asn;
--- must_die
--- error_log
invalid weight "asn"



=== TEST 10: nginx -t refuses a name weighed twice
--- config
    session_guard_risk_weight asn=1 asn=2;
--- must_die
--- error_log
duplicate weight of "asn"



=== TEST 11: nginx -t refuses the directive twice at one level
--- config
    session_guard_risk_weight asn=1;
    session_guard_risk_weight ip=2;
--- must_die
--- error_log
"session_guard_risk_weight" directive is duplicate



=== TEST 12: nginx -t refuses a score of 0
--- config
    session_guard_risk_threshold 0 deny;
--- must_die
--- error_log
invalid score "0"



=== TEST 13: nginx -t refuses invalid actions
--- config
    session_guard_risk_threshold 10 block;
--- must_die
--- error_log
invalid actions "block"



=== TEST 14: nginx -t refuses a score given twice
--- config
    session_guard_risk_threshold 10 deny;
    session_guard_risk_threshold 10 revoke;
--- must_die
--- error_log
"session_guard_risk_threshold" directive is duplicate for this score
