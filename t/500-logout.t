# Receiving OpenID Connect Back-Channel Logout 1.0 (with errata set 1):
# session_guard_backchannel_logout.  Valid logout tokens revoke a session
# (by "sid") or every session of a subject (by "sub" alone); every rule of
# section 2.6 and of the request format refuses with 400 and the same
# JSON body, the reason going to the error log.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Crypt::JWT qw(encode_jwt);

no_shuffle();
check_accum_error_log();

our $EVENT = 'http://schemas.openid.net/event/backchannel-logout';
my $seq = 0;

# lt(claims => {...}, header => {...}, alg => ..., key => ..., ttl => ...):
# a logout token; defaults iss "https://idp.test/", aud "client-1",
# sid "s1", no sub, a fresh jti, the event, typ "logout+jwt".
sub lt {
    my (%o) = @_;
    my %claims = (
        aud    => 'client-1',
        sub    => undef,
        sid    => 's1',
        jti    => "jti-$$-" . time . '-' . ++$seq,
        events => { $EVENT => {} },
        %{ $o{claims} || {} },
    );
    my %header = (typ => 'logout+jwt', %{ $o{header} || {} });
    delete $header{typ} unless defined $header{typ};
    return sg_token(%o, claims => \%claims, header => \%header);
}

# access to /t with a session
sub at {
    my ($sid, $sub) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $sub || 'alice' });
    return "Authorization: Bearer $tok";
}

sub post { "POST /logout\nlogout_token=$_[0]" }

our $FORM = "Content-Type: application/x-www-form-urlencoded";
our $BAD = '{"error":"invalid_request"}';

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;
_EOC_
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1 jwks=$TEST_NGINX_KEYS/all.jwks;
    }
    location /logout-typ {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1 key=$TEST_NGINX_KEYS/ec256.pub.pem
            typ=required;
    }
    location /logout-es {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1 jwks=$TEST_NGINX_KEYS/all.jwks
            algorithms=ES256,ES384;
    }
_EOC_
    if (!defined $block->more_headers && !ref $block->request) {
        $block->set_value('more_headers', $main::FORM);
    }
});

run_tests();

__DATA__

=== TEST 1: a logout by sid: 200, that session refused, another still works
--- request eval
["GET /t", "GET /t", main::post(main::lt(claims => { sid => 's1' })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1'), main::at('s2'), $main::FORM, main::at('s1'), main::at('s2')]
--- error_code eval
[200, 200, 200, 401, 200]
--- response_body eval
["protected\n", "protected\n", "{}", qr/./, "protected\n"]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW",
 "Cache-Control: no-store\nContent-Type: application/json",
 "X-Status: REVOKED\nX-Reason: session revoked", "X-Status: ALLOW"]
--- no_error_log
[error]
refused



=== TEST 2: a logout by sub alone revokes every session of that subject
--- request eval
["GET /t", "GET /t", "GET /t",
 main::post(main::lt(claims => { sid => undef, sub => 'alice' })),
 "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1'), main::at('s2'), main::at('s3', 'bob'), $main::FORM,
 main::at('s1'), main::at('s2'), main::at('s3', 'bob')]
--- error_code eval
[200, 200, 200, 200, 401, 401, 200]
--- response_headers eval
["", "", "", "Cache-Control: no-store", "X-Status: REVOKED",
 "X-Status: REVOKED", "X-Status: ALLOW"]
--- no_error_log
[error]



=== TEST 3: sid and sub: the session only; unknown sessions are revoked ahead
--- request eval
["GET /t", main::post(main::lt(claims => { sid => 's1', sub => 'alice' })),
 main::post(main::lt(claims => { sid => 'never-seen' })),
 main::post(main::lt(claims => { sid => 'never-seen' })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s2'), $main::FORM, $main::FORM, $main::FORM,
 main::at('s2'), main::at('never-seen')]
--- error_code eval
[200, 200, 200, 200, 200, 401]
--- no_error_log
[error]



=== TEST 4: extra parameters ignored, percent and plus decoding, typ absent
--- request eval
my $t = main::lt(header => { typ => undef });
(my $enc = $t) =~ s/\./%2e/g;
["POST /logout\nstate=a+b&logout_token=$enc&x=%zz",
 "POST /logout\nlogout_token=" . main::lt(header => { typ => 'JWT' }),
 "POST /logout\nlogout_token="
   . main::lt(header => { typ => 'application/logout+jwt' }) . "&"]
--- more_headers eval
[$main::FORM, "Content-Type: application/x-www-form-urlencoded; charset=UTF-8",
 $main::FORM]
--- error_code eval
[200, 200, 200]
--- no_error_log
[error]
refused



=== TEST 5: a body that goes to a temporary file is read
--- request eval
"POST /logout\npad=" . ('x' x 40000) . "&logout_token=" . main::lt()
--- error_code: 200
--- response_body: {}
--- no_error_log
[error]



=== TEST 6: replayed jti
--- request eval
my $t = main::lt(claims => { sid => 'r1' });
[main::post($t), main::post($t)]
--- more_headers eval
[$main::FORM, $main::FORM]
--- error_code eval
[200, 400]
--- response_body eval
["{}", $main::BAD]



=== TEST 7: duplicated logout_token
--- request eval
"POST /logout\nlogout_token=" . main::lt() . "&logout_token=" . main::lt()
--- error_code: 400
--- response_body eval: $main::BAD
--- response_headers
Cache-Control: no-store
Content-Type: application/json
--- error_log
back-channel logout refused: duplicate logout_token



=== TEST 8: no logout_token, empty body
--- request eval
["POST /logout\nfoo=bar", "POST /logout\nlogout_token=", "POST /logout\n"]
--- more_headers eval
[$main::FORM, $main::FORM, $main::FORM]
--- error_code eval
[400, 400, 400]
--- response_body eval
[$main::BAD, $main::BAD, $main::BAD]
--- error_log
back-channel logout refused: no logout_token



=== TEST 9: wrong content type
--- request eval
main::post(main::lt())
--- more_headers
Content-Type: application/json
--- error_code: 400
--- response_body eval: $main::BAD
--- error_log
back-channel logout refused: not a form



=== TEST 10: GET and PUT: 405
--- request eval
["GET /logout?logout_token=" . main::lt(), "PUT /logout\nlogout_token=x"]
--- more_headers eval
["", $main::FORM]
--- error_code eval
[405, 405]
--- response_headers eval
["Allow: POST\nCache-Control: no-store", "Allow: POST"]



=== TEST 11: alg none
--- request eval
main::post(raw_token({ alg => 'none', typ => 'logout+jwt' },
    { iss => 'https://idp.test/', aud => 'client-1', iat => time,
      exp => time + 60, jti => "none-$$", sid => 's1',
      events => { $main::EVENT => {} } }, undef))
--- error_code: 400
--- response_body eval: $main::BAD
--- error_log
back-channel logout refused:



=== TEST 12: alg none with a signature segment
--- request eval
main::post(raw_token({ alg => 'none', typ => 'logout+jwt' },
    { iss => 'https://idp.test/', aud => 'client-1', iat => time,
      exp => time + 60, jti => "none2-$$", sid => 's1',
      events => { $main::EVENT => {} } }, 'x'))
--- error_code: 400
--- error_log
back-channel logout refused: alg none



=== TEST 13: missing events
--- request eval
main::post(main::lt(claims => { events => undef }))
--- error_code: 400
--- response_body eval: $main::BAD
--- error_log
back-channel logout refused: missing events



=== TEST 14: events not an object
--- request eval
main::post(main::lt(claims => { events => [$main::EVENT] }))
--- error_code: 400
--- error_log
back-channel logout refused: missing events



=== TEST 15: wrong event member
--- request eval
main::post(main::lt(claims => {
    events => { 'http://schemas.openid.net/event/frontchannel-logout' => {} } }))
--- error_code: 400
--- error_log
back-channel logout refused: no back-channel logout event



=== TEST 16: event value not an object
--- request eval
main::post(main::lt(claims => { events => { $main::EVENT => 'yes' } }))
--- error_code: 400
--- error_log
back-channel logout refused: logout event not an object



=== TEST 17: nonce present
--- request eval
main::post(main::lt(claims => { nonce => 'n-0S6_WzA2Mj' }))
--- error_code: 400
--- response_body eval: $main::BAD
--- error_log
back-channel logout refused: nonce present



=== TEST 18: HS256 (HMAC is never allowed)
--- request eval
main::post(main::lt(alg => 'HS256'))
--- error_code: 400
--- error_log
back-channel logout refused: alg not allowed



=== TEST 19: an asymmetric alg not in algorithms=
--- request eval
["POST /logout-es\nlogout_token=" . main::lt(alg => 'RS256'),
 "POST /logout-es\nlogout_token=" . main::lt(alg => 'ES256')]
--- more_headers eval
[$main::FORM, $main::FORM]
--- error_code eval
[400, 200]
--- error_log
back-channel logout refused: alg not allowed



=== TEST 20: wrong aud
--- request eval
main::post(main::lt(claims => { aud => 'https://api.test' }))
--- error_code: 400
--- error_log
back-channel logout refused: audience mismatch



=== TEST 21: wrong iss
--- request eval
main::post(main::lt(claims => { iss => 'https://evil.test/' }))
--- error_code: 400
--- error_log
back-channel logout refused: issuer mismatch



=== TEST 22: expired
--- request eval
main::post(main::lt(ttl => -60, claims => { iat => time - 120 }))
--- error_code: 400
--- error_log
back-channel logout refused: expired



=== TEST 23: missing exp
--- request eval
main::post(main::lt(claims => { exp => undef }))
--- error_code: 400
--- error_log
back-channel logout refused: missing exp



=== TEST 23b: missing iat
--- request eval
main::post(main::lt(claims => { iat => undef }))
--- error_code: 400
--- error_log
back-channel logout refused: missing iat



=== TEST 24: bad signature (a forger's key with the same kid)
--- request eval
main::post(main::lt(key => 'attacker'))
--- error_code: 400
--- error_log
back-channel logout refused: bad signature



=== TEST 25: neither sub nor sid
--- request eval
main::post(main::lt(claims => { sid => undef, sub => undef }))
--- error_code: 400
--- error_log
back-channel logout refused: neither sub nor sid



=== TEST 26: missing jti
--- request eval
main::post(main::lt(claims => { jti => undef }))
--- error_code: 400
--- error_log
back-channel logout refused: missing jti



=== TEST 26b: a sid that is not a string
--- request eval
main::post(main::lt(claims => { sid => 42 }))
--- error_code: 400
--- error_log
back-channel logout refused: malformed sid



=== TEST 27: another typ is refused
--- request eval
main::post(main::lt(header => { typ => 'at+jwt' }))
--- error_code: 400
--- error_log
back-channel logout refused: typ mismatch



=== TEST 28: typ=required: a missing typ refused, logout+jwt accepted
--- request eval
["POST /logout-typ\nlogout_token=" . main::lt(alg => 'ES256', header => { typ => undef }),
 "POST /logout-typ\nlogout_token=" . main::lt(alg => 'ES256', header => { typ => 'JWT' }),
 "POST /logout-typ\nlogout_token=" . main::lt(alg => 'ES256')]
--- more_headers eval
[$main::FORM, $main::FORM, $main::FORM]
--- error_code eval
[400, 400, 200]
--- error_log
back-channel logout refused: missing typ



=== TEST 28b: typ=required: "JWT" refused
--- request eval
"POST /logout-typ\nlogout_token=" . main::lt(alg => 'ES256', header => { typ => 'JWT' })
--- error_code: 400
--- error_log
back-channel logout refused: typ mismatch



=== TEST 29: a body over 64k
--- request eval
"POST /logout\npad=" . ('x' x 70000) . "&logout_token=" . main::lt()
--- more_headers eval: $main::FORM
--- error_code: 400
--- response_body eval: $main::BAD
--- error_log
back-channel logout refused: body too large



=== TEST 30: configuration errors
--- config
    location /logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1 jwks=$TEST_NGINX_KEYS/all.jwks algorithms=HS256;
    }
--- must_die
--- error_log
invalid algorithm "HS256" for a logout token



=== TEST 31: configuration errors: no keys, no audience
--- config
    location /logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1;
    }
--- must_die
--- error_log
needs keys



=== TEST 32: configuration errors: no audience
--- config
    location /logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            jwks=$TEST_NGINX_KEYS/all.jwks;
    }
--- must_die
--- error_log
needs "zone=", "issuer=" and "audience=" parameters



=== TEST 33: logout tokens accepted and refused are counted (JSON, Prometheus)
--- config
    location /logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1 jwks=$TEST_NGINX_KEYS/all.jwks;
    }
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- request eval
my $t = main::lt(claims => { sid => 'm1' });
[main::post($t), main::post($t),
 main::post(main::lt(claims => { sid => undef, sub => 'bob' })),
 main::post(main::lt(claims => { events => undef })),
 "GET /logout",
 "GET /metrics", "GET /metrics?format=prometheus"]
--- more_headers eval
[($main::FORM) x 7]
--- error_code eval
[200, 400, 200, 400, 405, 200, 200]
--- response_body_like eval
[qr/^\{\}$/, qr/invalid_request/, qr/^\{\}$/, qr/invalid_request/, qr//,
 qr/"logout_tokens":\{"accepted":2,"refused":2\},"notifications":\{"sent":0,"failed":0\}/,
 qr/\nsession_guard_logout_tokens_total\{zone="sg",result="accepted"\} 2\nsession_guard_logout_tokens_total\{zone="sg",result="refused"\} 2\n/]



=== TEST 34: a sid longer than a record holds (300 bytes) is named by its
digest on both paths: the IdP's logout ends the session its tokens made
--- request eval
["GET /t", "GET /t", main::post(main::lt(claims => { sid => 'L' x 300 })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('L' x 300), main::at('L' x 299 . 'M'), $main::FORM,
 main::at('L' x 300), main::at('L' x 299 . 'M')]
--- error_code eval
[200, 200, 200, 401, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "",
 "X-Status: REVOKED\nX-Reason: session revoked", "X-Status: ALLOW"]



=== TEST 35: subjects longer than a record holds are never cut: two that
share their first 256 bytes stay apart, and a logout by the long sub ends
that subject's sessions only
--- request eval
["GET /t", "GET /t",
 main::post(main::lt(claims => { sid => undef, sub => 'U' x 256 . 'a' })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('ls1', 'U' x 256 . 'a'), main::at('ls2', 'U' x 256 . 'b'),
 $main::FORM,
 main::at('ls1', 'U' x 256 . 'a'), main::at('ls2', 'U' x 256 . 'b')]
--- error_code eval
[200, 200, 200, 401, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "",
 "X-Status: REVOKED\nX-Reason: session revoked", "X-Status: ALLOW"]
