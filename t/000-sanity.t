# The module loads, protects a location, and leaves others alone.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a location without session_guard is not touched
--- config
    location /open {
        return 200 "open\n";
    }
--- request
GET /open
--- response_body
open
--- no_error_log
session_guard



=== TEST 2: no token: 401 with a bare Bearer challenge, logged at info
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer
--- error_log
session_guard: no token



=== TEST 3: a valid token is accepted and the static file served
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Sub $session_guard_sub;
        add_header X-Status $session_guard_status;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . sg_token()
--- response_body
protected
--- response_headers
X-Sub: alice
X-Status: ALLOW
--- no_error_log
[error]



=== TEST 4: a forged token (same kid, other key) gets invalid_token
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- more_headers eval
"Authorization: Bearer " . sg_token(key => 'attacker')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer error="invalid_token"
--- error_log
session_guard: token rejected: "bad signature"



=== TEST 5: session_guard off cancels an inherited session_guard on
--- config
    session_guard on;
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;

    location /t {
    }

    location /public {
        session_guard off;
    }
--- user_files
>>> t
protected
>>> public
public
--- request eval
["GET /public", "GET /t"]
--- error_code eval
[200, 401]
--- response_body_like eval
["^public\$", "401 Authorization Required"]



=== TEST 6: the proxied application sees the verified identity
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;
        location / {
            return 200 "app sees user=$http_x_user sid=$http_x_sid\n";
        }
    }
--- config
    location /api/ {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        proxy_set_header X-User $session_guard_sub;
        proxy_set_header X-Sid $session_guard_sid;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT;
    }
--- request
GET /api/orders
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { sub => 'bob', sid => 's-42' })
--- response_body
app sees user=bob sid=s-42



=== TEST 7: the scheme name is case-insensitive
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- user_files
>>> t
protected
--- request
GET /t
--- more_headers eval
"Authorization: bEaReR " . sg_token()
--- response_body
protected



=== TEST 8: another scheme is no bearer token: bare challenge
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
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
--- error_log
session_guard: no token
