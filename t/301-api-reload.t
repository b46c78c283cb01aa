# The management API on sessions made earlier (one nginx for the whole
# file, reloaded between blocks: the zone is adopted), so that each
# block's first request is the revocation whose log line it checks.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

use_hup();
no_shuffle();
check_accum_error_log();

sub req {
    my ($sid, $sub) = @_;
    return "Authorization: Bearer "
           . sg_token(claims => { sid => $sid, sub => $sub || 'alice' })
           . "\r\nX-Forwarded-For: 1.128.0.0";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n");
    $block->set_value('http_config', <<'_EOC_');
    session_guard_zone zone=sg:1m;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    $block->set_value('config', <<'_EOC_');
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: sessions s1 and s2 of alice, s3 of bob
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::req('s1'), main::req('s2'), main::req('s3', 'bob')]
--- error_code eval
[200, 200, 200]



=== TEST 2: a known session revoked through the api, then refused
--- request eval
["DELETE /sg/sessions/s1?reason=compromised", "GET /t", "GET /t"]
--- more_headers eval
["", main::req('s1'), main::req('s2')]
--- error_code eval
[204, 401, 200]
--- response_headers eval
["", "X-Status: REVOKED", "X-Status: ALLOW"]
--- error_log
[notice]
session_guard: zone "sg": session "s1" revoked through the api, reason "compromised"



=== TEST 3: revoking it again changes nothing and says so
--- request eval
["DELETE /sg/sessions/s1", "GET /t"]
--- more_headers eval
["", main::req('s1')]
--- error_code eval
[204, 401]
--- error_log
session "s1" revoked through the api (already revoked), reason ""



=== TEST 4: revoke all of alice's: only the one still live is counted
--- request eval
["DELETE /sg/subjects/alice/sessions?reason=offboarded", "GET /t",
 "GET /t"]
--- more_headers eval
["", main::req('s2'), main::req('s3', 'bob')]
--- error_code eval
[200, 401, 200]
--- response_body eval
["{\"revoked\":1}", "", "protected\n"]
--- response_body_filters eval
[[], [sub { '' }], []]
--- error_log
zone "sg": 1 sessions of "alice" revoked through the api, reason "offboarded"
