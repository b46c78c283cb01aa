# Step-up per location (session_guard_require_auth): a minimum acr (with
# session_guard_acr_levels), a maximum age of the last authentication,
# required amr values.  API clients get 401 insufficient_user_authentication
# (RFC 9470); browsers (Accept: text/html, or session_guard_browser) a 302
# to the authorization URL with acr_values, max_age, prompt=login and the
# way back: a relative URL of this host only.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGDPoP;

no_shuffle();

# a token with these claims (sid s1 unless given), as an API client
sub api {
    my (%claims) = @_;
    return "Authorization: Bearer " . sg_token(claims => { sid => 's1',
                                                           %claims });
}

# the same from a browser
sub browser {
    return api(@_) . "\r\nAccept: text/html,application/xhtml+xml,*/*;q=0.8";
}

our $CH = 'Bearer error="insufficient_user_authentication", '
          . 'error_description="A fresh authentication is required"';

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: max_age: an authentication older than that, or of unknown age,
asks for a step-up
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require_auth max_age=5m;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::api(auth_time => time - 10, sid => 'a'),
 main::api(auth_time => time - 600, sid => 'b'),
 main::api(sid => 'c')]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["X-Status: ALLOW",
 "WWW-Authenticate: $main::CH, max_age=300\nX-Status: STEP_UP\nX-Reason: authentication too old",
 "WWW-Authenticate: $main::CH, max_age=300\nX-Reason: authentication too old"]



=== TEST 2: acr: one of the values asked for
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa,hwk;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::api(acr => 'mfa'), main::api(acr => 'hwk'), main::api(acr => 'pwd'),
 main::api(), main::api(acr => ['mfa'])]
--- error_code eval
[200, 200, 401, 401, 401]
--- response_headers eval
["", "", "WWW-Authenticate: $main::CH, acr_values=\"mfa hwk\"\nX-Reason: authentication too weak",
 "X-Reason: authentication too weak", "X-Reason: authentication too weak"]



=== TEST 3: a minimum acr with levels: that level or a stronger one; the
challenge asks for them all, weakest first
--- config
    session_guard_acr_levels pwd mfa phr phrh;
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::api(acr => 'mfa'), main::api(acr => 'phrh'), main::api(acr => 'pwd'),
 main::api(acr => 'unknown'), main::api(acr => 'MFA')]
--- error_code eval
[200, 200, 401, 401, 401]
--- response_headers eval
["", "", "WWW-Authenticate: $main::CH, acr_values=\"mfa phr phrh\"", "", ""]



=== TEST 4: amr: every value required
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth amr=pwd,otp;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::api(amr => ['pwd', 'otp']), main::api(amr => ['hwk', 'otp', 'pwd']),
 main::api(amr => ['otp']), main::api(amr => 'pwd otp'), main::api()]
--- error_code eval
[200, 200, 401, 401, 401]
--- response_headers eval
["", "", "X-Reason: authentication method missing",
 "X-Reason: authentication method missing",
 "X-Reason: authentication method missing"]



=== TEST 5: all of them at once; session_guard_step_up's own values, where
given, are what the challenge asks for
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa max_age=5m amr=otp;
    }
    location /explicit {
        alias html/t;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa max_age=5m amr=otp;
        session_guard_step_up "acr_values=urn:a urn:b" max_age=60;
    }
--- request eval
[("GET /t") x 2, "GET /explicit"]
--- more_headers eval
[main::api(acr => 'mfa', amr => ['otp'], auth_time => time - 5),
 main::api(acr => 'mfa', amr => ['pwd'], auth_time => time - 5),
 main::api(acr => 'mfa', amr => ['otp'], auth_time => time - 3600)]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["", "WWW-Authenticate: $main::CH, acr_values=\"mfa\", max_age=300",
 "WWW-Authenticate: $main::CH, acr_values=\"urn:a urn:b\", max_age=60"]



=== TEST 6: a browser is sent to the authorization URL with acr_values,
max_age, prompt=login and the way back, percent-encoded
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa max_age=5m;
        session_guard_step_up redirect=https://idp.test/authorize?client_id=app;
    }
--- request
GET /t?x=1&y=a%20b
--- more_headers eval
main::browser(acr => 'mfa', auth_time => time - 600)
--- error_code: 302
--- response_headers
Location: https://idp.test/authorize?client_id=app&acr_values=mfa&max_age=300&prompt=login&return_to=%2Ft%3Fx%3D1%26y%3Da%2520b
!WWW-Authenticate



=== TEST 7: only a stronger method missing: no prompt=login; levels in
acr_values; a return parameter of another name
--- config
    session_guard_acr_levels pwd mfa phr;
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=/oauth2/start return=rd;
    }
--- request
GET /t/deep/page
--- more_headers eval
main::browser(acr => 'pwd')
--- error_code: 302
--- response_headers_like
Location: http://localhost(:\d+)?/oauth2/start\?acr_values=mfa%20phr&rd=%2Ft%2Fdeep%2Fpage



=== TEST 8: the way back is never another host
--- config
    location ~ ^/ {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=https://idp.test/a;
    }
--- request eval
["GET //evil.example/x?y=1", "GET /\\evil.example/", "GET /%2fevil.example/",
 "GET ///evil.example"]
--- more_headers eval
[(main::browser(acr => 'pwd')) x 4]
--- error_code eval
[302, 302, 302, 302]
--- response_headers eval
["Location: https://idp.test/a?acr_values=mfa&return_to=%2Fevil.example%2Fx%3Fy%3D1",
 "Location: https://idp.test/a?acr_values=mfa&return_to=%2F",
 "Location: https://idp.test/a?acr_values=mfa&return_to=%2F",
 "Location: https://idp.test/a?acr_values=mfa&return_to=%2Fevil.example"]



=== TEST 9: API clients are not browsers: 401 even with a redirect URL
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=https://idp.test/a;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::api(acr => 'pwd'),
 main::api(acr => 'pwd') . "\r\nAccept: application/json"]
--- error_code eval
[401, 401]
--- response_headers eval
["WWW-Authenticate: $main::CH, acr_values=\"mfa\"\n!Location",
 "!Location"]



=== TEST 10: browser detection from a variable, or none
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=/login;
        session_guard_browser $http_x_browser;
    }
    location /never {
        alias html/t;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=/login;
        session_guard_browser off;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /never"]
--- more_headers eval
[main::api(acr => 'pwd') . "\r\nX-Browser: 1",
 main::api(acr => 'pwd') . "\r\nX-Browser: 0",
 main::browser(acr => 'pwd'),
 main::browser(acr => 'pwd')]
--- error_code eval
[302, 401, 401, 401]



=== TEST 11: a step-up a signal asked for: browsers are redirected with
prompt=login and session_guard_step_up's values
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=step_up;
        session_guard_step_up acr_values=mfa max_age=0 redirect=/authorize;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::browser(auth_time => time - 100) . "\r\nUser-Agent: a",
 main::browser(auth_time => time - 100) . "\r\nUser-Agent: b",
 main::api(auth_time => time - 100) . "\r\nUser-Agent: b"]
--- error_code eval
[200, 302, 401]
--- response_headers_like eval
["", "Location: http://localhost(:\\d+)?/authorize\\?acr_values=mfa&max_age=0&prompt=login&return_to=%2Ft",
 "WWW-Authenticate: Bearer error=\"insufficient_user_authentication\".*"]



=== TEST 12: without a step-up URL, the login URL is used
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth max_age=1m;
        session_guard_login https://login.test/;
    }
--- request
GET /t
--- more_headers eval
main::browser(auth_time => time - 120)
--- error_code: 302
--- response_headers
Location: https://login.test/?max_age=60&prompt=login&return_to=%2Ft



=== TEST 13: the session's last authentication counts: a later token of the
same session without auth_time keeps it
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require_auth max_age=5m;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::api(sid => 'k', auth_time => time - 10), main::api(sid => 'k'),
 main::api(sid => 'other')]
--- error_code eval
[200, 200, 401]



=== TEST 14: monitor mode reports the step-up and lets the request through
--- config
    location /t {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=/login;
        add_header X-Status $session_guard_status always;
    }
--- request
GET /t
--- more_headers eval
main::browser(acr => 'pwd')
--- response_headers
X-Status: STEP_UP_MONITOR
--- error_log
step-up required here: authentication too weak (monitor mode)



=== TEST 15: "satisfy any": a 401, so that another access module may allow
--- config
    location /t {
        satisfy any;
        deny all;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=/login;
    }
    location /allowed {
        alias html/t;
        satisfy any;
        allow 127.0.0.1;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=/login;
    }
--- request eval
["GET /t", "GET /allowed"]
--- more_headers eval
[main::browser(acr => 'pwd'), main::browser(acr => 'pwd')]
--- error_code eval
[401, 200]



=== TEST 16: inherited from the server; "off" in a location
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    session_guard_require_auth acr=mfa;
    location /t {
        session_guard on;
    }
    location /open {
        alias html/t;
        session_guard on;
        session_guard_require_auth off;
    }
--- request eval
["GET /t", "GET /open"]
--- more_headers eval
[main::api(acr => 'pwd'), main::api(acr => 'pwd')]
--- error_code eval
[401, 200]



=== TEST 17: the most specific wins: a location's requirement over the
server's session_guard_step_up
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    session_guard_step_up acr_values=pwd;
    location /t {
        session_guard on;
    }
    location /admin {
        alias html/t;
        session_guard on;
        session_guard_require_auth acr=hwk;
    }
--- request eval
["GET /admin"]
--- more_headers eval
[main::api(acr => 'pwd')]
--- error_code eval
[401]
--- response_headers eval
["WWW-Authenticate: $main::CH, acr_values=\"hwk\""]



=== TEST 18: a legacy session (no token) can prove no authentication: a
step-up every time
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_require_auth max_age=15m;
        session_guard_step_up redirect=/sso/start;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
["Cookie: PHPSESSID=abc\r\nAccept: text/html", "Cookie: PHPSESSID=abc"]
--- error_code eval
[302, 401]
--- response_headers_like eval
["Location: http://localhost(:\\d+)?/sso/start\\?max_age=900&prompt=login&return_to=%2Ft", ""]



=== TEST 19: invalid requirements fail nginx -t
--- config
    location /t {
        session_guard_require_auth acr=;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "acr="/



=== TEST 20: a requirement needs something to require
--- config
    location /t {
        session_guard_require_auth off off;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "off"/



=== TEST 21: a redirect URL must not lead elsewhere than an http(s) URL or
a path of this host
--- config
    location /t {
        session_guard_step_up redirect=//evil.example/;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid URL "\/\/evil.example\/"/



=== TEST 22: nor a javascript: URL, for the login either
--- config
    location /t {
        session_guard_login javascript:alert(1);
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid URL "javascript:alert\(1\)"/



=== TEST 23: a level once only
--- config
    session_guard_acr_levels a b a;
--- must_die
--- error_log eval
qr/\[emerg\].*duplicate level "a"/



=== TEST 24: a URL from variables that turns out unusable: 500, logged
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_require_auth acr=mfa;
        session_guard_step_up redirect=$arg_to;
    }
--- request
GET /t?to=//evil.example/
--- more_headers eval
main::browser(acr => 'pwd')
--- error_code: 500
--- error_log
session_guard: invalid redirect URL "//evil.example/"



=== TEST 25: a request made with DPoP gets the step-up challenge under the
DPoP scheme, with its algs (RFC 9449, RFC 9470); a bearer one under Bearer
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard zone=sg;
        session_guard_dpop optional;
        session_guard_dpop_algorithms ES256;
        session_guard_require_auth acr=mfa;
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[dpop_headers(token => dpop_token(claims => { acr => 'pwd' })),
 dpop_headers(token => dpop_token(claims => { acr => 'mfa' })),
 main::api(acr => 'pwd')]
--- error_code eval
[401, 200, 401]
--- response_headers eval
["WWW-Authenticate: DPoP error=\"insufficient_user_authentication\", error_description=\"A fresh authentication is required\", acr_values=\"mfa\", algs=\"ES256\"",
 "", "WWW-Authenticate: $main::CH, acr_values=\"mfa\""]



=== TEST 26: an auth_time ahead of the clock is refused as an invalid token
and leaves nothing in the session: it cannot satisfy max_age, now or later
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require_auth max_age=5m;
        add_header X-Status $session_guard_status always;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::api(auth_time => time + 100000000, sid => 'future'),
 main::api(auth_time => time - 600, sid => 'future'),
 main::api(sid => 'future')]
--- error_code eval
[401, 401, 401]
--- response_headers eval
["WWW-Authenticate: Bearer error=\"invalid_token\"\nX-Status: INVALID\nX-Reason: authenticated in the future",
 "WWW-Authenticate: $main::CH, max_age=300\nX-Status: STEP_UP\nX-Reason: authentication too old",
 "WWW-Authenticate: $main::CH, max_age=300\nX-Reason: authentication too old"]
