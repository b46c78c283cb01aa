# session_guard_require: requirements over variables, with map.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n");
    $block->set_value('http_config', <<'_EOC_');
    map $session_guard_claim_role $is_admin {
        admin    1;
        default  0;
    }
    map $session_guard_claim_scope $can_write {
        "~(^| )orders:write( |$)"  1;
        default                    "";
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a requirement met
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $is_admin;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { role => 'admin' })
--- response_body
protected



=== TEST 2: a requirement not met: 401 by default
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $is_admin;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { role => 'user' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer error="invalid_token"
--- error_log
session_guard: token rejected: "requirement not met"



=== TEST 3: error=403 answers insufficient_scope
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $can_write error=403;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(claims => { scope => 'orders:read' }),
 "Authorization: Bearer "
     . sg_token(claims => { scope => 'orders:read orders:write' })]
--- error_code eval
[403, 200]
--- response_headers_like eval
['WWW-Authenticate: ^Bearer error="insufficient_scope"$', '']



=== TEST 4: every value of one requirement must hold, and every requirement
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $is_admin $arg_a;
        session_guard_require $arg_b error=403;
    }
--- request eval
["GET /t?a=1&b=1", "GET /t?b=1", "GET /t?a=1", "GET /t?a=1&b=0"]
--- more_headers eval
[("Authorization: Bearer " . sg_token(claims => { role => 'admin' })) x 4]
--- error_code eval
[200, 401, 403, 403]



=== TEST 5: a requirement does not run without a valid token
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $arg_a error=403;
    }
--- request
GET /t?a=1
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer
