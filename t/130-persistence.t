# The zone across reloads and restarts, a corrupt state file, and a full
# zone that must keep its revocations.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGDPoP;

no_shuffle();
check_accum_error_log();

our $state = "$ENV{TEST_NGINX_STATE_DIR}/130-restart.state";
unlink $state, "$state.tmp";

# one DPoP proof, accepted once before a restart and replayed after it
our $jstate = "$ENV{TEST_NGINX_STATE_DIR}/130-jti-$$.state";
unlink $jstate;
our $proof = dpop_headers(jti => "persist-$$-" . time);

sub dpop_conf {
    return <<'_EOC_';
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required;
        add_header X-Reason $session_guard_reason always;
    }
_EOC_
}

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
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
        add_header X-Status $session_guard_status always;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: revoke a session; nginx then stops and saves the zone
--- http_config eval
"session_guard_zone zone=sg:1m state=$::state;"
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('149.101.100.0'),
 main::req('1.128.0.0', 'kept')]
--- error_code eval
[200, 401, 200]



=== TEST 2: after a restart the revocation and the binding are still there
--- http_config eval
"session_guard_zone zone=sg:1m state=$::state;"
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::req('1.128.0.0'), main::req('1.128.0.1', 'kept')]
--- error_code eval
[401, 200]
--- response_headers eval
["X-Status: REVOKED", "X-Initial: 1.128.0.0"]
--- error_log eval
qr/\[notice\].*session_guard: loaded \d+ sessions? from state file/



=== TEST 3: a corrupt state file is reported, ignored, and nginx starts
--- http_config
    session_guard_zone zone=sg:1m state=html/bad.state;
--- user_files
>>> t
protected
>>> bad.state
SGZ1 this is not a state file at all, only some bytes pretending to be one
--- request
GET /t
--- more_headers eval
main::req('1.128.0.0')
--- response_headers
X-Status: ALLOW
--- error_log eval
qr/session_guard: state file "[^"]+bad\.state" ignored/



=== TEST 4: a full zone evicts sessions but keeps its revocations
--- http_config
    session_guard_zone zone=sg:64k;
--- request eval
[("GET /t") x 403]
--- more_headers eval
[main::req('1.128.0.0', 'victim'), main::req('149.101.100.0', 'victim'),
 (map { main::req('1.128.0.0', "filler-$_") } 1 .. 400),
 main::req('1.128.0.0', 'victim')]
--- error_code eval
[200, 401, (200) x 400, 401]
--- timeout: 30



=== TEST 5: a DPoP proof is accepted once; nginx then stops and saves its jti
--- http_config eval
"session_guard_zone zone=sg:1m state=$::jstate;"
--- config eval
main::dpop_conf()
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[$::proof, $::proof]
--- error_code eval
[200, 401]
--- response_headers eval
["!X-Reason", "X-Reason: dpop proof replayed"]



=== TEST 6: after a restart the jti is loaded and the replay still refused
--- http_config eval
"session_guard_zone zone=sg:1m state=$::jstate;"
--- config eval
main::dpop_conf()
--- request
GET /t
--- more_headers eval
$::proof
--- error_code: 401
--- response_headers
X-Reason: dpop proof replayed
--- error_log eval
qr/\[notice\].*session_guard: loaded \d+ sessions? from state file "[^"]+130-jti-\d+\.state" into zone "sg" \(0 revoked, 1 jti, /
