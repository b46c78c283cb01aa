# Configuration: bad key material and bad directives fail "nginx -t" with
# a message naming the file; composition with satisfy, token sources.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

# a FIFO where a key file or a database is expected: opening it for
# reading would wait for a writer forever
use POSIX ();
use File::Path qw(make_path);
our $FIFO = "$SGTest::SG_ROOT/t/tmp/fifo-$$";
make_path("$SGTest::SG_ROOT/t/tmp");
unlink $FIFO;
POSIX::mkfifo($FIFO, 0600) or die "mkfifo $FIFO: $!";
END { unlink $FIFO if defined $FIFO }

run_tests();

__DATA__

=== TEST 1: session_guard without keys
--- config
    location /t {
        session_guard on;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard: no keys for "session_guard" in \S+nginx\.conf:\d+/



=== TEST 2: a JWKS file that does not exist
--- config
    location /t {
        session_guard on;
        session_guard_jwks /nonexistent/keys.jwks;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*cannot open key file "\/nonexistent\/keys\.jwks"/



=== TEST 3: an empty JWKS file
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/empty.jwks;
    }
--- user_files
>>> empty.jwks
--- must_die
--- error_log eval
qr/\[emerg\].*key file "\S+empty\.jwks" is empty/



=== TEST 4: a JWKS file that is not JSON
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/bad.jwks;
    }
--- user_files
>>> bad.jwks
-----BEGIN PUBLIC KEY-----
--- must_die
--- error_log eval
qr/\[emerg\].*no usable key in JWKS file "\S+bad\.jwks"/



=== TEST 5: a JWKS whose only key has an unknown kty
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/odd.jwks;
    }
--- user_files
>>> odd.jwks
{"keys":[{"kty":"XYZ","kid":"1","n":"AQAB"}]}
--- must_die
--- error_log eval
qr/\[emerg\].*no usable key in JWKS file "\S+odd\.jwks"/



=== TEST 6: unknown kty is skipped with a warning, the other keys serve
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/mixed.jwks;
    }
--- user_files eval
">>> t\nprotected\n>>> mixed.jwks\n"
    . json_c({ keys => [ { kty => 'XYZ', kid => 'odd' }, sg_jwk('ec256') ] })
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . sg_token(alg => 'ES256')
--- response_body
protected
--- error_log eval
qr/\[warn\].*session_guard/



=== TEST 7: an RSA key under 2048 bits (PEM) is refused
--- config
    location /t {
        session_guard on;
        session_guard_key $TEST_NGINX_KEYS/rsa1024.pub.pem;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*no usable key in PEM file "\S+rsa1024\.pub\.pem"/



=== TEST 8: an RSA key under 2048 bits (JWKS) is refused
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/rsa1024.jwks;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*JWKS file "\S+rsa1024\.jwks"/



=== TEST 9: an unknown algorithm name
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_algorithms RS256 XS256;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*unsupported algorithm "XS256" in \S+nginx\.conf:\d+/



=== TEST 10: "none" cannot be allowed
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_algorithms none;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*unsupported algorithm "none"/



=== TEST 11: an invalid session_guard value
--- config
    location /t {
        session_guard maybe;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "maybe"/



=== TEST 12: HMAC allowed but only public keys configured
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_algorithms HS256;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*no configured key can verify any of the allowed algorithms/



=== TEST 13: require with a bad error code
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $arg_x error=500;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "error=500"/



=== TEST 14: max_token_size above the ceiling
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_token_size 1m;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*session_guard_max_token_size.*must be between/



=== TEST 15: a key file that is a directory
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*key file "\S+" is not a file/



=== TEST 16: satisfy any: an allowed address needs no token
--- config
    location /t {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- response_body
protected
--- response_headers
!WWW-Authenticate



=== TEST 17: satisfy all: the address alone is not enough
--- config
    location /t {
        satisfy all;
        allow 127.0.0.1;
        deny all;
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- error_code: 401



=== TEST 18: satisfy any: a denied address still passes with a token
--- config
    location /t {
        satisfy any;
        deny all;
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- user_files
>>> t
protected
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(), ""]
--- error_code eval
[200, 401]



=== TEST 19: realm in the challenge
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_realm "api";
    }
--- user_files
>>> t
protected
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["", "Authorization: Bearer x.y.z"]
--- error_code eval
[401, 401]
--- response_headers_like eval
['WWW-Authenticate: ^Bearer realm="api"$',
 'WWW-Authenticate: ^Bearer realm="api", error="invalid_token"$']



=== TEST 20: the token from a cookie
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token $cookie_at;
    }
--- user_files
>>> t
protected
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Cookie: theme=dark; at=" . sg_token(),
 "Authorization: Bearer " . sg_token()]
--- error_code eval
[200, 401]



=== TEST 21: the token from a header that carries the scheme
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token $http_x_forwarded_authorization;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- more_headers eval
"X-Forwarded-Authorization: Bearer " . sg_token()
--- response_body
protected



=== TEST 22: keys are inherited; a location's own keys replace them
--- config
    session_guard_jwks $TEST_NGINX_KEYS/ec256.jwks;

    location /t {
        session_guard on;
    }

    location /u {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/rsa.jwks;
    }
--- user_files
>>> t
t
>>> u
u
--- request eval
["GET /t", "GET /t", "GET /u", "GET /u"]
--- more_headers eval
["Authorization: Bearer " . sg_token(alg => 'ES256'),
 "Authorization: Bearer " . sg_token(alg => 'RS256'),
 "Authorization: Bearer " . sg_token(alg => 'RS256'),
 "Authorization: Bearer " . sg_token(alg => 'ES256')]
--- error_code eval
[200, 401, 200, 401]



=== TEST 23: a realm that would break the challenge's quoted-string
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_realm 'a"b';
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_realm" directive must be printable ASCII/



=== TEST 24: a configured source holding another scheme is no token
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token $http_authorization;
        add_header X-Status $session_guard_status always;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer
X-Status: MISSING



=== TEST 25: leeway above 100 years
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 200y;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_leeway" directive must not exceed 100 years/



=== TEST 26: an allow-list no configured key can serve
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/rsa.jwks;
        session_guard_algorithms ES256 EdDSA;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*no configured key can verify any of the allowed algorithms/



=== TEST 27: a FIFO as key file fails at once, never blocks nginx -t
--- config eval
"    location /t {
        session_guard on;
        session_guard_jwks $main::FIFO;
    }"
--- must_die
--- error_log eval
qr/\[emerg\].*key file "\S+fifo-\d+" is not a file/



=== TEST 28: a FIFO as geoip database fails at once, never blocks nginx -t
--- http_config eval
"    session_guard_geoip  asn=$main::FIFO;"
--- config
    location /t { }
--- must_die
--- error_log eval
qr/\[emerg\].*cannot open geoip database "\S+fifo-\d+" \(asn=\): not a file/
