# The verified-token cache: a repeated token skips the signature check;
# the cache never carries a verdict to a location with other keys or
# other allowed algorithms; claims are checked on every request.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

our $tok = sg_token(alg => 'RS256');

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nt\n>>> u\nu\n");
});

run_tests();

__DATA__

=== TEST 1: the second use of a token is served from the cache
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok",
 "Authorization: Bearer " . sg_token(claims => { sub => 'other' })]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", "X-Cache: MISS"]



=== TEST 2: the cache can be turned off
--- http_config
    session_guard_token_cache off;
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Cache $session_guard_token_cache;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok"]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Cache: BYPASS", "X-Cache: BYPASS"]
--- no_error_log
(cached)



=== TEST 3: a verdict is not carried to a location with other keys
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
    location /u {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/rsa2.jwks;
        session_guard_key $TEST_NGINX_KEYS/ec256.pub.pem kid=rsa1;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
["GET /t", "GET /u"]
--- more_headers eval
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok"]
--- error_code eval
[200, 401]
--- response_headers eval
["", "X-Reason: no key fits alg"]



=== TEST 4: nor to a location with other allowed algorithms
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
    }
    location /u {
        session_guard on;
        session_guard_algorithms ES256;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
["GET /t", "GET /u"]
--- more_headers eval
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok"]
--- error_code eval
[200, 401]
--- response_headers eval
["", "X-Reason: alg not allowed"]



=== TEST 5: claims are checked again on a cache hit
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
    }
    location /u {
        session_guard on;
        session_guard_audience https://elsewhere.test;
    }
--- request eval
["GET /t", "GET /u"]
--- more_headers eval
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok"]
--- error_code eval
[200, 401]



=== TEST 6: a rejected token is not cached as valid
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        add_header X-Cache $session_guard_token_cache always;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
my $bad = sg_token(key => 'attacker');
["Authorization: Bearer $bad", "Authorization: Bearer $bad"]
--- error_code eval
[401, 401]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS"]
