# What the zone must never give up to make room (issue 14, findings 4
# and 5): a flood of made-up cookies (session_guard_token off), revoked by
# a UA change or logged out, stays within the zone's "unauthenticated"
# share, so that tokens' sessions and DPoP jti entries still fit; and a
# session whose lifetime ended with no request since stays refused after
# floods of sessions or of DPoP proofs that evict everything else.
#
# Floods are many requests of one block; the waits are GET /pause (about
# 2.5 s each, never shorter on a slower machine): nothing here must happen
# before a deadline.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGDPoP;

no_shuffle();

# a request with the legacy application's cookie
sub app {
    my ($cookie, $ua) = @_;
    return "Cookie: SID=$cookie\r\nUser-Agent: " . ($ua || 'agent-a');
}

# one valid account's token with a cookie of the client's choosing
our $ACCOUNT = sg_token(claims => { sid => 'attacker', sub => 'attacker' });

sub bff {
    my ($cookie, $ua) = @_;
    return "Authorization: Bearer $::ACCOUNT\r\nCookie: SID=$cookie\r\n"
           . "User-Agent: " . ($ua || 'agent-a');
}

sub tok {
    my ($sid, $ua) = @_;
    return "Authorization: Bearer " . sg_token(claims => { sid => $sid })
           . "\r\nUser-Agent: " . ($ua || 'agent-a');
}

# DPoP proofs for GET /t, made when the file is read (iat: now; the
# window is 10 minutes)
# the flood's zone, saved when nginx stops and loaded by the next block
our $state = "$ENV{TEST_NGINX_STATE_DIR}/165-flood-$$.state";
unlink $state;
END { unlink $state if defined $state }

our @PROOFS = map { dpop_headers(jti => "flood-$$-$_") } 0 .. 100;

our $LOCATIONS = <<'_EOC_';
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required;
        session_guard_dpop_window 10m;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /api {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_bind ua;
        session_guard_on_change ua=revoke;
        session_guard_lifetime idle=$arg_idle;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /legacy {
        alias html/t;
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_SID;
        session_guard_bind ua;
        session_guard_on_change ua=revoke;
        session_guard_lifetime idle=$arg_idle;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /bff {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_session_key $cookie_SID;
        session_guard_bind ua;
        session_guard_on_change ua=revoke;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /logout {
        alias html/t;
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_SID;
        session_guard_logout on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /pause {
        limit_rate_after 0;
        limit_rate 1000;
    }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pause\n" . ('.' x 2499) . "\n");
    $block->set_value('config', $main::LOCATIONS)
        unless defined $block->config;
    $block->set_value('timeout', 120) unless defined $block->timeout;
});

run_tests();

__DATA__

=== TEST 1: made-up cookies, revoked by a UA change and logged out, stay in
their share: a token's session and a DPoP proof still get 200
--- http_config eval
"session_guard_zone zone=sg:32k state=$::state;"
--- request eval
[(map { ("GET /legacy", "GET /legacy", "GET /logout") } 1 .. 150),
 "GET /api", "GET /t", "GET /legacy"]
--- more_headers eval
[(map { (main::app("made-up-$_"), main::app("made-up-$_", 'agent-b'),
         main::app("gone-$_")) } 1 .. 150),
 main::tok('token-user'), $::PROOFS[0], main::app('late')]
--- error_code_like eval
[("^(200|401|500)\$") x 450, "^200\$", "^200\$", "^500\$"]
--- response_headers_like eval
[("") x 450, "X-Status: ALLOW", "X-Status: ALLOW",
 "X-Status: ERROR\nX-Reason: zone full"]



=== TEST 2: after a restart, the records are still counted in their share
--- http_config eval
"session_guard_zone zone=sg:32k state=$::state;"
--- request eval
["GET /legacy", "GET /api"]
--- more_headers eval
[main::app('later'), main::tok('token-user-2')]
--- error_code eval
[500, 200]
--- response_headers_like eval
["X-Status: ERROR\nX-Reason: zone full", "X-Status: ALLOW"]



=== TEST 3: a DPoP jti flood evicts live sessions, never an ended session
nor a revocation (the zone holds 13 free pages of 4k: 172 sessions take 11
and their subject one, the 100 jti entries need 4)
--- http_config
    session_guard_zone zone=sg:64k;
--- request eval
["GET /api?idle=1s", "GET /api", "GET /api", ("GET /api") x 170,
 "GET /pause", "GET /pause", ("GET /t") x 100, "GET /api", "GET /api"]
--- more_headers eval
[main::tok('ended'), main::tok('revoked'), main::tok('revoked', 'agent-b'),
 (map { main::tok("filler-$_") } 1 .. 170), "", "", @::PROOFS[1 .. 100],
 main::tok('ended'), main::tok('revoked')]
--- error_code eval
[200, 200, 401, (200) x 170, 200, 200, (200) x 100, 401, 401]
--- response_headers_like eval
["X-Status: ALLOW", "X-Status: ALLOW", "X-Status: REVOKED",
 ("X-Status: ALLOW") x 170, "", "", ("X-Status: ALLOW") x 100,
 "X-Status: EXPIRED", "X-Status: REVOKED"]



=== TEST 4: an ended cookie session stays refused after a flood of cookies
--- http_config
    session_guard_zone zone=sg:64k;
--- request eval
["GET /legacy?idle=1s", "GET /pause", "GET /pause",
 ("GET /legacy") x 300, "GET /legacy"]
--- more_headers eval
[main::app('victim'), "", "", (map { main::app("filler-$_") } 1 .. 300),
 main::app('victim')]
--- error_code eval
[200, 200, 200, (200) x 300, 401]
--- response_headers_like eval
["X-Status: ALLOW", "", "", ("X-Status: ALLOW") x 300, "X-Status: EXPIRED"]



=== TEST 5: an ended token session stays refused after a flood of sessions
--- http_config
    session_guard_zone zone=sg:64k;
--- request eval
["GET /api?idle=1s", "GET /pause", "GET /pause",
 ("GET /api") x 300, "GET /api"]
--- more_headers eval
[main::tok('victim'), "", "", (map { main::tok("filler-$_") } 1 .. 300),
 main::tok('victim')]
--- error_code eval
[200, 200, 200, (200) x 300, 401]
--- response_headers_like eval
["X-Status: ALLOW", "", "", ("X-Status: ALLOW") x 300, "X-Status: EXPIRED"]



=== TEST 6: the share's size is checked
--- http_config
    session_guard_zone zone=sg:1m unauthenticated=0%;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid share "unauthenticated=0%", it must be between 1% and 100%/



=== TEST 7: the share's size is checked: a percentage
--- http_config
    session_guard_zone zone=sg:1m unauthenticated=50;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid share "unauthenticated=50", it must be between 1% and 100%/



=== TEST 8: a whole zone for cookie sessions
--- http_config
    session_guard_zone zone=sg:32k unauthenticated=100%;
--- request eval
[("GET /legacy") x 100]
--- more_headers eval
[map { main::app("all-$_") } 1 .. 100]
--- error_code eval
[(200) x 100]



=== TEST 9: a valid token does not make a key the client chose its own:
made-up cookies sent with one account's token, revoked by a UA change, stay
in the share too, and a new token user still gets 200
--- http_config
    session_guard_zone zone=sg:32k;
--- request eval
[(map { ("GET /bff", "GET /bff") } 1 .. 150), "GET /api"]
--- more_headers eval
[(map { (main::bff("made-up-$_"), main::bff("made-up-$_", 'agent-b')) } 1 .. 150),
 main::tok('victim-user')]
--- error_code_like eval
[("^(200|401|500)\$") x 300, "^200\$"]
--- response_headers_like eval
[("") x 300, "X-Status: ALLOW"]



=== TEST 10: the same in a zone that keeps sessions' details: a token's
session is never held to the unauthenticated share
--- http_config
    session_guard_zone zone=sg:64k details=on;
--- request eval
[(map { ("GET /bff", "GET /bff") } 1 .. 150), "GET /api"]
--- more_headers eval
[(map { (main::bff("made-up-$_"), main::bff("made-up-$_", 'agent-b')) } 1 .. 150),
 main::tok('victim-user')]
--- error_code_like eval
[("^(200|401|500)\$") x 300, "^200\$"]
--- response_headers_like eval
[("") x 300, "X-Status: ALLOW"]



=== TEST 11: a sid that looks like a digest is never taken for one: a token
whose sid is the digest name of a revoked cookie session is another session
--- http_config
    session_guard_zone zone=sg:1m;
--- request eval
["GET /legacy", "GET /legacy", "GET /api"]
--- more_headers eval
[main::app('victim'), main::app('victim', 'agent-b'),
 main::tok(sg_id('victim'))]
--- error_code eval
[200, 401, 200]
--- response_headers_like eval
["X-Status: ALLOW", "X-Status: REVOKED", "X-Status: ALLOW"]
