# Claims: exp, nbf, iat with leeway; iss; aud; typ.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
# tokens as old as their block (TEST 2: expired 10 s ago, leeway 60 s)
eval_at_block_start('more_headers');

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n");
    $block->set_value('request', "GET /t\n") unless defined $block->request;
    $block->set_value('config', <<'_EOC_' . ($block->config // ''));
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    add_header X-Reason $session_guard_reason always;
_EOC_
});

run_tests();

__DATA__

=== TEST 1: expired token
--- config
    location /t { session_guard on; }
--- more_headers eval
"Authorization: Bearer " . sg_token(ttl => -10)
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer error="invalid_token"
X-Reason: expired
--- error_log
session_guard: token rejected: "expired"



=== TEST 2: expired token within the leeway is accepted
--- config
    location /t { session_guard on; session_guard_leeway 60s; }
--- more_headers eval
"Authorization: Bearer " . sg_token(ttl => -10)
--- response_body
protected



=== TEST 3: exp is required
--- config
    location /t { session_guard on; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { exp => undef })
--- error_code: 401
--- error_log
session_guard: token rejected



=== TEST 4: exp that is not a number
--- config
    location /t { session_guard on; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { exp => "tomorrow" })
--- error_code: 401
--- error_log
session_guard: token rejected



=== TEST 5: not yet valid (nbf in the future)
--- config
    location /t { session_guard on; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { nbf => time + 120 })
--- error_code: 401
--- response_headers
X-Reason: not yet valid



=== TEST 6: nbf in the future but within the leeway
--- config
    location /t { session_guard on; session_guard_leeway 5m; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { nbf => time + 120 })
--- response_body
protected



=== TEST 7: issued in the future (iat)
--- config
    location /t { session_guard on; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { iat => time + 3600 })
--- error_code: 401
--- error_log
session_guard: token rejected



=== TEST 8: issuer matches
--- config
    location /t { session_guard on; session_guard_issuer https://idp.test/; }
--- more_headers eval
"Authorization: Bearer " . sg_token()
--- response_body
protected



=== TEST 9: wrong issuer
--- config
    location /t { session_guard on; session_guard_issuer https://idp.test/; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { iss => 'https://evil.test/' })
--- error_code: 401
--- response_headers
X-Reason: issuer mismatch



=== TEST 10: missing issuer when one is required
--- config
    location /t { session_guard on; session_guard_issuer https://idp.test/; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { iss => undef })
--- error_code: 401



=== TEST 11: issuer compared exactly (no trailing-slash leniency)
--- config
    location /t { session_guard on; session_guard_issuer https://idp.test/; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { iss => 'https://idp.test' })
--- error_code: 401



=== TEST 12: audience as a string
--- config
    location /t { session_guard on; session_guard_audience https://api.test; }
--- more_headers eval
"Authorization: Bearer " . sg_token()
--- response_body
protected



=== TEST 13: audience as an array, any configured audience matches
--- config
    location /t {
        session_guard on;
        session_guard_audience https://other.test https://api.test;
    }
--- more_headers eval
"Authorization: Bearer "
    . sg_token(claims => { aud => ['https://x.test', 'https://api.test'] })
--- response_body
protected



=== TEST 14: wrong audience
--- config
    location /t { session_guard on; session_guard_audience https://api.test; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { aud => ['https://x.test'] })
--- error_code: 401
--- response_headers
X-Reason: audience mismatch



=== TEST 15: missing audience when one is required
--- config
    location /t { session_guard on; session_guard_audience https://api.test; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { aud => undef })
--- error_code: 401



=== TEST 16: audience that is not a string or an array of strings
--- config
    location /t { session_guard on; session_guard_audience https://api.test; }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { aud => { a => 1 } })
--- error_code: 401



=== TEST 17: typ at+jwt (RFC 9068), also with the application/ prefix
--- config
    location /t { session_guard on; session_guard_type at+jwt; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer " . sg_token(header => { typ => 'at+jwt' }),
 "Authorization: Bearer " . sg_token(header => { typ => 'application/AT+JWT' }),
 "Authorization: Bearer " . sg_token(header => { typ => 'JWT' }),
 "Authorization: Bearer " . sg_token()]
--- error_code eval
[200, 200, 401, 401]



=== TEST 18: an ID token is not an access token here
--- config
    location /t { session_guard on; session_guard_type at+jwt; }
--- more_headers eval
"Authorization: Bearer " . sg_token(header => { typ => 'JWT' })
--- error_code: 401
--- response_headers
X-Reason: typ mismatch



=== TEST 19: authenticated in the future (auth_time), also a malformed one;
within the leeway it passes
--- config
    location /t { session_guard on; session_guard_leeway 60s; }
--- request eval
[("GET /t") x 4]
--- more_headers eval
["Authorization: Bearer " . sg_token(claims => { auth_time => time + 100000000 }),
 "Authorization: Bearer " . sg_token(claims => { auth_time => time + 3600 }),
 "Authorization: Bearer " . sg_token(claims => { auth_time => "now" }),
 "Authorization: Bearer " . sg_token(claims => { auth_time => time + 30 })]
--- error_code eval
[401, 401, 401, 200]
--- response_headers eval
["X-Reason: authenticated in the future", "X-Reason: authenticated in the future",
 "X-Reason: malformed claim", ""]
