# Algorithms, keys and key selection.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

# Blocks without a config use every test key; blocks without an
# expectation expect the protected file.
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('request', "GET /t\n")
        unless defined $block->request;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
_EOC_
    $block->set_value('response_body', "protected\n")
        unless defined $block->error_code || ref $block->request;
});

run_tests();

__DATA__

=== TEST 1: RS256
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'RS256')



=== TEST 2: RS384
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'RS384')



=== TEST 3: RS512
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'RS512')



=== TEST 4: PS256
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'PS256')



=== TEST 5: PS384
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'PS384')



=== TEST 6: PS512
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'PS512')



=== TEST 7: ES256
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'ES256')



=== TEST 8: ES384
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'ES384')



=== TEST 9: ES512 (P-521)
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'ES512')



=== TEST 10: EdDSA (Ed25519)
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'EdDSA')



=== TEST 11: HS256 is refused unless allowed explicitly
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_jwks $TEST_NGINX_KEYS/hs.jwks;
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'HS256')
--- error_code: 401
--- error_log
session_guard: token rejected: "alg not allowed"



=== TEST 12: HS256, HS384, HS512 with an explicitly configured oct key
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/hs.jwks;
        session_guard_algorithms HS256 HS384 HS512;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(alg => 'HS256'),
 "Authorization: Bearer " . sg_token(alg => 'HS384'),
 "Authorization: Bearer " . sg_token(alg => 'HS512')]
--- error_code eval
[200, 200, 200]



=== TEST 13: algorithm confusion: HS256 keyed with the RSA public key
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_jwks $TEST_NGINX_KEYS/hs.jwks;
        session_guard_key $TEST_NGINX_KEYS/rsa.pub.pem;
        session_guard_algorithms RS256 HS256;
    }
--- more_headers eval
my $pem = do { local (@ARGV, $/) = ("$SG_KEYS/rsa.pub.pem"); <> };
"Authorization: Bearer "
    . sg_token(alg => 'HS256', secret => $pem, kid => undef)
--- error_code: 401
--- error_log
session_guard: token rejected: "bad signature"



=== TEST 14: algorithm confusion with the kid of the RSA key
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_algorithms RS256 HS256;
    }
--- more_headers eval
my $pem = do { local (@ARGV, $/) = ("$SG_KEYS/rsa.pub.pem"); <> };
"Authorization: Bearer "
    . sg_token(alg => 'HS256', secret => $pem, kid => 'rsa1')
--- error_code: 401
--- error_log
session_guard: token rejected



=== TEST 15: alg "none" is always rejected
--- more_headers eval
"Authorization: Bearer "
    . raw_token({ alg => 'none' },
                { sub => 'mallory', exp => time + 300 }, undef) . "x"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer error="invalid_token"
--- error_log
session_guard: token rejected



=== TEST 16: the allow-list is per location
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_algorithms ES256 EdDSA;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(alg => 'RS256'),
 "Authorization: Bearer " . sg_token(alg => 'ES256'),
 "Authorization: Bearer " . sg_token(alg => 'EdDSA')]
--- error_code eval
[401, 200, 200]



=== TEST 17: an unknown kid is rejected
--- more_headers eval
"Authorization: Bearer " . sg_token(kid => 'no-such-key')
--- error_code: 401
--- error_log
session_guard: token rejected: "unknown kid"



=== TEST 18: without a kid every key that fits the alg is tried
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(key => 'rsa2', kid => undef),
 "Authorization: Bearer " . sg_token(alg => 'ES384', kid => undef)]
--- error_code eval
[200, 200]



=== TEST 19: a kid naming a key of another type is rejected
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'ES256', kid => 'rsa1')
--- error_code: 401
--- error_log
session_guard: token rejected



=== TEST 20: a PEM public key, with and without kid (a key without a
kid serves tokens whose kid no key carries)
--- config
    location /t {
        session_guard on;
        session_guard_key $TEST_NGINX_KEYS/ec256.pub.pem kid=pem-ec;
        session_guard_key $TEST_NGINX_KEYS/ed25519.pub.pem;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(alg => 'ES256', kid => 'pem-ec'),
 "Authorization: Bearer " . sg_token(alg => 'EdDSA', kid => undef),
 "Authorization: Bearer " . sg_token(alg => 'ES256', key => 'ec256b',
                                     kid => 'pem-ec'),
 "Authorization: Bearer " . sg_token(alg => 'EdDSA', kid => 'ed1'),
 "Authorization: Bearer " . sg_token(alg => 'ES256', kid => 'other')]
--- error_code eval
[200, 200, 401, 200, 401]
--- response_headers eval
["", "", "X-Reason: bad signature", "", "X-Reason: unknown kid"]



=== TEST 21: a token signed by a key of a JWKS not configured here
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/ec256.jwks;
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'RS256')
--- error_code: 401
