# Blocked subjects (the management API's subjects/{sub}/block and blocks):
# a block revokes the subject's sessions and refuses every new one (403,
# status BLOCKED) until the subject is unblocked; it is kept in the state
# file across a restart.  Bad requests to the new resources.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
check_accum_error_log();

# a request of "sub"'s session "sid"
sub as {
    my ($sub, $sid) = @_;
    my $tok = sg_token(claims => { sub => $sub,
                                   defined $sid ? (sid => $sid) : (sid => undef) });
    return "Authorization: Bearer $tok";
}

our $STATE = "$ENV{TEST_NGINX_STATE_DIR}/740-$$.state";
our $STATE2 = "$ENV{TEST_NGINX_STATE_DIR}/740-2-$$.state";
unlink $STATE, $STATE2;

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_')
    session_guard_zone zone=sg:1m max_lifetime=1h;
_EOC_
        unless defined $block->http_config;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
    location /nosid {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_session_key sid missing=pass;
        add_header X-Status $session_guard_status always;
        alias $TEST_NGINX_SERVER_ROOT/html/t;
    }
    location /api {
        session_guard_api zone=sg;
    }
    location = /metrics {
        session_guard_metrics zone=sg format=prometheus;
    }
    location = /error.log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a block revokes the subject's sessions and refuses new ones (403) until it is lifted; others go on
--- request eval
["GET /t", "GET /t", "GET /t",
 "PUT /api/subjects/alice/block?reason=account+takeover",
 "GET /t", "GET /t", "GET /t", "GET /nosid",
 "GET /api/subjects/alice/block", "GET /api/blocks",
 "GET /api/subjects/alice/sessions",
 "DELETE /api/subjects/alice/block",
 "GET /t", "GET /api/subjects/alice/block", "GET /api/blocks",
 "GET /error.log"]
--- more_headers eval
[main::as('alice', 's1'), main::as('alice', 's2'), main::as('bob', 's3'), "",
 main::as('alice', 's1'), main::as('alice', 's4'), main::as('bob', 's3'),
 main::as('alice'),
 "", "", "", "",
 main::as('alice', 's5'), "", "", ""]
--- error_code eval
[200, 200, 200, 200,
 403, 403, 200, 403,
 200, 200, 200, 204,
 200, 200, 200, 200]
--- response_headers_like eval
["X-Status: ALLOW", "X-Status: ALLOW", "X-Status: ALLOW", "",
 "X-Status: BLOCKED",
 "X-Status: BLOCKED\nX-Reason: subject blocked\nWWW-Authenticate: Bearer error=\"insufficient_scope\"",
 "X-Status: ALLOW", "X-Status: BLOCKED",
 "", "", "", "",
 "X-Status: ALLOW", "", "", ""]
--- response_body_like eval
["protected", "protected", "protected",
 qr/^\{"subject":"alice","blocked":true,"since":\d+,"revoked":2\}$/,
 ".", ".", "protected", ".",
 qr/^\{"subject":"alice","blocked":true,"since":\d+\}$/,
 qr/^\{"count":1,"subjects":\[\{"subject":"alice","since":\d+\}\]\}$/,
 qr/^\{"subject":"alice","blocked":\d+,"count":2,"sessions":\[/,
 "",
 "protected",
 qr/^\{"subject":"alice","blocked":false,"since":null\}$/,
 qr/^\{"count":0,"subjects":\[\]\}$/,
 qr/\[notice\] .*session_guard: zone "sg": subject "alice" blocked through the api, 2 sessions revoked, reason "account takeover".*\n(.*\n)*.*session "s4" of "alice" refused: the subject is blocked.*\n(.*\n)*.*\[notice\] .*session_guard: zone "sg": subject "alice" unblocked through the api, reason ""/]
--- no_error_log
[alert]
[crit]



=== TEST 2: blocking a subject the zone does not know; blocking twice keeps the first time; unblocking one that is not blocked
--- request eval
["PUT /api/subjects/mallory/block", "PUT /api/subjects/mallory/block",
 "GET /t", "DELETE /api/subjects/nobody/block", "GET /error.log"]
--- more_headers eval
["", "", main::as('mallory', 'm1'), "", ""]
--- error_code eval
[200, 200, 403, 204, 200]
--- response_body_like eval
[qr/^\{"subject":"mallory","blocked":true,"since":\d+,"revoked":0\}$/,
 qr/^\{"subject":"mallory","blocked":true,"since":\d+,"revoked":0\}$/,
 ".", "",
 qr/subject "mallory" blocked through the api \(already blocked\).*\n(.*\n)*.*subject "nobody" unblocked through the api \(was not blocked\)/]



=== TEST 3: a reason in a JSON body; a subject with any bytes, escaped in the answer and the log
--- request
PUT /api/subjects/a%2Fb%22%0Ac/block
{"reason":"stolen laptop"}
--- more_headers
Content-Type: application/json
--- error_code: 200
--- response_body_like chomp
^\{"subject":"a/b\\"\\nc","blocked":true,"since":\d+,"revoked":0\}$
--- error_log
subject "a/b\"\nc" blocked through the api, 0 sessions revoked, reason "stolen laptop"



=== TEST 4: bad requests: methods, paths, subjects and reasons
--- request eval
["POST /api/subjects/alice/block", "PUT /api/blocks", "DELETE /api/blocks",
 "PUT /api/sessions/s1", "PUT /api/subjects//block",
 "PUT /api/subjects/" . ("a" x 257) . "/block",
 "PUT /api/subjects/alice/block?reason=" . ("r" x 257),
 "GET /api/blocks/alice",
 "GET /api/subjects/alice/block/x", "GET /api/blocks"]
--- error_code eval
[405, 405, 405, 405, 400, 400, 400, 404, 404, 200]
--- response_headers_like eval
["Allow: GET, HEAD, PUT, DELETE", "Allow: GET, HEAD", "Allow: GET, HEAD",
 "Allow: GET, HEAD, DELETE", "", "", "", "", "", ""]
--- response_body_like eval
[qr/"method_not_allowed"/, qr/"method_not_allowed"/, qr/"method_not_allowed"/,
 qr/"method_not_allowed"/, qr/"invalid subject"/, qr/"invalid subject"/,
 qr/"invalid reason/, qr/"not_found"/,
 qr/"not_found"/, qr/^\{"count":0,"subjects":\[\]\}$/]



=== TEST 5: a body of another type is refused
--- request
PUT /api/subjects/alice/block
reason=x
--- more_headers
Content-Type: text/plain
--- error_code: 415
--- response_body_like chomp
"unsupported_media_type"



=== TEST 6: a body over 4096 bytes is refused
--- request eval
"PUT /api/subjects/alice/block\n" . ("x" x 5000)
--- more_headers
Content-Type: application/json
--- error_code: 413



=== TEST 7: the metrics count the refusals as blocked
--- request eval
["PUT /api/subjects/alice/block", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
["", main::as('alice', 's1'), main::as('alice', 's2'), ""]
--- error_code eval
[200, 403, 403, 200]
--- response_body_like eval
[".", ".", ".",
 qr/session_guard_decisions_total\{zone="sg",mode="enforce",status="blocked"\} 2\n/]



=== TEST 8: a block is saved in the state file when nginx stops
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE;"
--- request eval
["GET /t", "PUT /api/subjects/alice/block", "PUT /api/subjects/eve/block",
 "GET /t"]
--- more_headers eval
[main::as('bob', 'b1'), "", "", main::as('alice', 's1')]
--- error_code eval
[200, 200, 200, 403]



=== TEST 9: after a restart the subjects are still blocked, and the sessions still there
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE;"
--- request eval
["GET /api/blocks", "GET /t", "GET /t", "DELETE /api/subjects/eve/block",
 "GET /t"]
--- more_headers eval
["", main::as('alice', 's9'), main::as('bob', 'b1'), "",
 main::as('eve', 'e1')]
--- error_code eval
[200, 403, 200, 204, 200]
--- response_body_like eval
[qr/^\{"count":2,"subjects":\[(\{"subject":"(alice|eve)","since":\d+\},?){2}\]\}$/,
 ".", "protected", "", "protected"]
--- error_log eval
qr/\[notice\].*session_guard: loaded 1 sessions from state file "\S+740-\d+\.state" into zone "sg" \(0 revoked, 0 jti, 2 blocked subjects, 0 expired, 0 evicted\)/



=== TEST 10: and after one more restart, the unblock was saved too
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE;"
--- request eval
["GET /api/blocks", "GET /t"]
--- more_headers eval
["", main::as('eve', 'e2')]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"count":1,"subjects":\[\{"subject":"alice","since":\d+\}\]\}$/,
 "protected"]



=== TEST 11: a subject with many sessions is blocked, and 60 others
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE2;"
--- request eval
[("GET /t") x 400, "PUT /api/subjects/many/block",
 (map { "PUT /api/subjects/other-$_/block" } 1 .. 60), "GET /t"]
--- more_headers eval
[(map { main::as('many', "m$_") } 1 .. 400), ("") x 61,
 main::as('many', 'm1')]
--- error_code eval
[(200) x 461, 403]
--- timeout: 60



=== TEST 12: restored into a zone too small for the revocations: every block is kept
--- http_config eval
"session_guard_zone zone=sg:64k max_lifetime=1h state=$main::STATE2;"
--- request eval
["GET /api/blocks", "GET /t"]
--- more_headers eval
["", main::as('many', 'fresh')]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/^\{"count":61,"subjects":\[(\{"subject":"(many|other-\d+)","since":\d+\},?){61}\]\}$/,
 "."]
--- error_log eval
[qr/\[alert\].*session_guard: zone "sg" is too small for state file "\S+740-2-\d+\.state": [1-9]\d* revocations and 0 blocked subjects lost/,
 qr/\[notice\].*session_guard: loaded \d+ sessions from state file "\S+740-2-\d+\.state" into zone "sg" \(\d+ revoked, 0 jti, 61 blocked subjects, /]
