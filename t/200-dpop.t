# DPoP (RFC 9449): every check of section 4.3 with its own block, the
# downgrade rules, replay, the challenge, the variables, the directives.
# Proofs are made by t/lib/SGDPoP.pm (t/220-dpop-interop.t uses an
# independent implementation); the runner's requests carry
# "Host: localhost", so the request URI is http://localhost/<path>.
#
# Test::Base evaluates every block's eval sections when the file is read,
# before the first block runs; the more_headers sections, which make the
# proofs, are evaluated again when their block starts (SGTest's
# eval_at_block_start), so a proof's "iat" is the block's, however long
# the file has run (upstream Test::Nginx restarts nginx more slowly). The
# proofs of TEST 26 (a 5 s window) are made right before its requests.
# Under valgrind (make test-valgrind) requests take seconds: the blocks
# whose outcome needs a proof younger than its window are skipped.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGDPoP;

no_shuffle();
eval_at_block_start('more_headers');

our $ALGS = 'RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA';

# a location /t with the guard, DPoP "optional" unless the extra
# directives say otherwise, and the decision as response headers
sub conf {
    my ($extra, $path) = @_;
    $extra //= '';
    $path //= '/t';
    return <<"_EOC_";
    location $path {
        session_guard zone=sg;
        session_guard_jwks \$TEST_NGINX_KEYS/all.jwks;
        @{[ $extra =~ /session_guard_dpop / ? '' : 'session_guard_dpop optional;' ]}
        $extra
        include \$TEST_NGINX_SG_CONF/decision-headers.conf;
        add_header X-Dpop-Jkt \$session_guard_dpop_jkt always;
        add_header X-Cnf-Jkt \$session_guard_cnf_jkt always;
    }
_EOC_
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', "    session_guard_zone zone=sg:1m;\n")
        unless defined $block->http_config;
    $block->set_value('config', conf()) unless defined $block->config;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('request', "GET /t\n")
        unless defined $block->request;
});

# a failed proof check: 401, its reason, the DPoP challenge
# The same ES256 signature with s replaced by n - s (P-256's order): a
# second valid encoding of the same JWS (ECDSA malleability).
sub high_s {
    my ($jws) = @_;
    require Math::BigInt;
    my ($h, $p, $sig) = split /\./, $jws;
    my $raw = MIME::Base64::decode_base64url($sig);
    my $n = Math::BigInt->from_hex('FFFFFFFF00000000FFFFFFFFFFFFFFFF'
                                   . 'BCE6FAADA7179E84F3B9CAC2FC632551');
    my $s = Math::BigInt->from_hex(unpack('H*', substr($raw, 32)));
    my $hex = substr(('0' x 64) . $n->bsub($s)->as_hex =~ s/^0x//r, -64);
    return "$h.$p."
           . MIME::Base64::encode_base64url(substr($raw, 0, 32)
                                            . pack('H*', $hex));
}

sub invalid_proof {
    my ($reason) = @_;
    return "X-Status: INVALID\nX-Reason: $reason\nWWW-Authenticate: "
           . qq(DPoP error="invalid_dpop_proof", algs="$ALGS");
}

run_tests();

__DATA__

=== TEST 1: a valid proof with a bound token
--- more_headers eval
dpop_headers()
--- response_body
protected
--- response_headers eval
"X-Status: ALLOW\nX-Dpop-Jkt: " . dpop_jkt('p256') . "\nX-Cnf-Jkt: "
. dpop_jkt('p256') . "\n!WWW-Authenticate\n!DPoP-Nonce"



=== TEST 2: every asymmetric algorithm, every key type
--- request eval
[("GET /t") x 8]
--- more_headers eval
[map { dpop_headers(%$_) }
 { key => 'p256' }, { key => 'p384' }, { key => 'rsa', alg => 'RS256' },
 { key => 'rsa', alg => 'RS512' }, { key => 'rsa', alg => 'PS256' },
 { key => 'rsa', alg => 'PS384' }, { key => 'ed' },
 { key => 'p256', header => { kid => 'k1' } }]
--- response_body eval
[("protected\n") x 8]



=== TEST 3: 4.3 check 1: no DPoP header
--- more_headers eval
"Authorization: DPoP " . dpop_token()
--- error_code: 401
--- response_headers eval
main::invalid_proof('missing dpop proof') . "\nX-Cnf-Jkt: " . dpop_jkt('p256')
--- error_log
session_guard: token rejected: "missing dpop proof"



=== TEST 4: 4.3 check 1: two DPoP headers, both valid
--- more_headers eval
my $at = dpop_token();
"Authorization: DPoP $at\nDPoP: " . dpop_proof(token => $at)
. "\nDPoP: " . dpop_proof(token => $at)
--- error_code: 401
--- response_headers eval
main::invalid_proof('multiple dpop proofs')



=== TEST 5: 4.3 check 1: two proofs in one DPoP header
--- more_headers eval
my $at = dpop_token();
"Authorization: DPoP $at\nDPoP: " . dpop_proof(token => $at) . ", "
. dpop_proof(token => $at)
--- error_code: 401
--- response_headers eval
main::invalid_proof('bad dpop proof')



=== TEST 6: 4.3 check 2: not a JWS
--- more_headers eval
"Authorization: DPoP " . dpop_token() . "\nDPoP: not-a-jwt"
--- error_code: 401
--- response_headers eval
main::invalid_proof('bad dpop proof')



=== TEST 7: 4.3 check 2: a JWS with an unparsable payload
--- more_headers eval
my $p = dpop_proof();
$p =~ s/\.[^.]+\./.bm90IGpzb24./;
"Authorization: DPoP " . dpop_token() . "\nDPoP: $p"
--- error_code: 401
--- response_headers eval
main::invalid_proof('bad dpop proof')



=== TEST 8: 4.3 check 4: typ missing, typ "JWT"
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[dpop_headers(header => { typ => undef }),
 dpop_headers(header => { typ => 'JWT' })]
--- error_code eval
[401, 401]
--- response_headers eval
[main::invalid_proof('bad dpop typ'), main::invalid_proof('bad dpop typ')]



=== TEST 9: 4.3 check 5: alg "none"
--- more_headers eval
my $p = dpop_proof(header => { alg => 'none' });
$p =~ s/[^.]+$//;
"Authorization: DPoP " . dpop_token() . "\nDPoP: $p"
--- error_code: 401
--- response_headers eval
main::invalid_proof('dpop alg none')



=== TEST 10: 4.3 check 5: a symmetric alg
--- more_headers eval
my $p = dpop_proof(header => { alg => 'HS256',
                               jwk => { kty => 'oct', k => 'c2VjcmV0' } });
"Authorization: DPoP " . dpop_token() . "\nDPoP: $p"
--- error_code: 401
--- response_headers eval
main::invalid_proof('dpop alg not allowed')



=== TEST 11: 4.3 check 5: an alg off session_guard_dpop_algorithms
--- config eval
main::conf('session_guard_dpop_algorithms ES256 PS256;')
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[dpop_headers(key => 'rsa', alg => 'RS256'),
 dpop_headers(key => 'rsa', alg => 'PS256'),
 dpop_headers(key => 'p256')]
--- error_code eval
[401, 200, 200]
--- response_headers eval
["X-Reason: dpop alg not allowed\nWWW-Authenticate: "
 . 'DPoP error="invalid_dpop_proof", algs="PS256 ES256"',
 "X-Status: ALLOW", "X-Status: ALLOW"]



=== TEST 12: 4.3 check 6: signed with another key than its jwk
--- more_headers eval
dpop_headers(signer => 'p256b')
--- error_code: 401
--- response_headers eval
main::invalid_proof('bad dpop signature') . "\nX-Dpop-Jkt: "



=== TEST 13: 4.3 check 6: the jwk does not fit the alg
--- more_headers eval
dpop_headers(key => 'p384', alg => 'ES256')
--- error_code: 401
--- response_headers eval
main::invalid_proof('dpop jwk does not fit alg')



=== TEST 14: 4.3 check 7: a private key in the jwk
--- more_headers eval
my $jwk = SGDPoP::key('p256')->export_key_jwk('private', 1);
dpop_headers(header => { jwk => $jwk })
--- error_code: 401
--- response_headers eval
main::invalid_proof('private dpop jwk')



=== TEST 15: 4.3 check 6: no jwk
--- more_headers eval
dpop_headers(header => { jwk => undef })
--- error_code: 401
--- response_headers eval
main::invalid_proof('missing dpop jwk')



=== TEST 16: 4.3 check 3: jti, htm, htu, iat missing, each
--- request eval
[("GET /t") x 5]
--- more_headers eval
[(map { dpop_headers(claims => { $_ => undef }) } qw(jti htm htu iat)),
 dpop_headers(claims => { iat => "" . time })]
--- error_code eval
[(401) x 5]
--- response_headers eval
[(main::invalid_proof('missing dpop claim')) x 4,
 main::invalid_proof('bad dpop claim')]



=== TEST 17: 4.3 check 8: htm is not the request method
--- request eval
["GET /t", "POST /t\nx", "GET /t"]
--- more_headers eval
[dpop_headers(htm => 'POST'), dpop_headers(htm => 'GET'),
 dpop_headers(htm => 'get')]
--- error_code eval
[401, 401, 401]
--- response_headers eval
[(main::invalid_proof('dpop htm mismatch')) x 3]



=== TEST 18: 4.3 check 8: htm of a POST
--- config
    location = /ok {
        return 200 ok;
    }
    location = /p {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop optional;
        proxy_pass http://127.0.0.1:$server_port/ok;
    }
--- request
POST /p
hello
--- more_headers eval
dpop_headers(htm => 'POST', htu => 'http://localhost/p')
--- response_body: ok



=== TEST 19: 4.3 check 9: htu names another resource
--- request eval
[("GET /t") x 5]
--- more_headers eval
[map { dpop_headers(htu => $_) } 'http://localhost/u', 'https://localhost/t',
 'http://localhost:8080/t', 'http://evil.example/t', 'http://localhost/t/']
--- error_code eval
[(401) x 5]
--- response_headers eval
[(main::invalid_proof('dpop htu mismatch')) x 5]



=== TEST 20: 4.3 check 9: htu equal once normalised, query ignored
--- request eval
["GET /t?a=1", "GET /t", "GET /t", "GET /./t", "GET /%74", "GET /x/../t"]
--- more_headers eval
[map { dpop_headers(htu => $_) } 'http://localhost/t',
 'HTTP://LocalHost:80/t?x=1#frag', 'http://localhost/a/../t',
 'http://localhost/t', 'http://localhost/t', 'http://localhost/%74']
--- response_body eval
[("protected\n") x 6]



=== TEST 21: 4.3 check 9: htu is not an http(s) URI
--- request eval
[("GET /t") x 3]
--- more_headers eval
[map { dpop_headers(htu => $_) } '/t', 'ftp://localhost/t',
 'http://user@localhost/t']
--- error_code eval
[(401) x 3]
--- response_headers eval
[(main::invalid_proof('bad dpop htu')) x 3]



=== TEST 22: 4.3 check 9: the public origin behind a load balancer
--- config eval
main::conf('session_guard_dpop_htu_base https://API.example.com:443;')
--- request eval
[("GET /t") x 2]
--- more_headers eval
[dpop_headers(htu => 'https://api.example.com/t'),
 dpop_headers(htu => 'http://localhost/t')]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Reason: dpop htu mismatch"]



=== TEST 23: 4.3 check 9: the public origin from variables
--- config eval
main::conf('session_guard_dpop_htu_base $http_x_forwarded_proto://$host;')
--- request eval
[("GET /t") x 2]
--- more_headers eval
[dpop_headers(htu => 'https://localhost/t') . "\nX-Forwarded-Proto: https",
 dpop_headers(htu => 'https://localhost/t') . "\nX-Forwarded-Proto: http"]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Reason: dpop htu mismatch"]



=== TEST 24: 4.3 check 9: a public origin from variables that is none
--- config eval
main::conf('session_guard_dpop_htu_base $http_x_forwarded_proto://$host;')
--- more_headers eval
dpop_headers(htu => 'https://localhost/t') . "\nX-Forwarded-Proto: a b"
--- error_code: 401
--- response_headers
X-Reason: bad request uri for dpop
--- error_log
session_guard: session_guard_dpop_htu_base "a b://localhost": bad uri



=== TEST 25: 4.3 check 11: iat outside the default 60 s window
--- skip_eval: 12: $ENV{TEST_NGINX_USE_VALGRIND}
--- request eval
[("GET /t") x 4]
--- more_headers eval
[dpop_headers(iat => time - 600), dpop_headers(iat => time + 600),
 dpop_headers(iat => time - 30), dpop_headers(iat => time + 30)]
--- error_code eval
[401, 401, 200, 200]
--- response_headers eval
[main::invalid_proof('dpop iat too old'),
 main::invalid_proof('dpop iat in the future'), "X-Status: ALLOW",
 "X-Status: ALLOW"]



=== TEST 26: 4.3 check 11: session_guard_dpop_window
--- skip_eval: 4: $ENV{TEST_NGINX_USE_VALGRIND}
--- config eval
main::conf('session_guard_dpop_window 5s;')
--- request eval
[("GET /t") x 2]
--- more_headers eval
[sg_at_request(sub { dpop_headers(iat => time - 30) }),
 sg_at_request(sub { dpop_headers(iat => time) })]
--- error_code eval
[401, 200]
--- response_headers eval
["X-Reason: dpop iat too old", "X-Status: ALLOW"]



=== TEST 27: 7.1: ath missing, ath of another token
--- request eval
[("GET /t") x 2]
--- more_headers eval
[dpop_headers(claims => { ath => undef }),
 dpop_headers(ath_token => 'another-token')]
--- error_code eval
[401, 401]
--- response_headers eval
[main::invalid_proof('missing dpop ath'),
 main::invalid_proof('dpop ath mismatch')]



=== TEST 28: 4.3 check 12 (7.1): the token is bound to another key
--- more_headers eval
dpop_headers(token => dpop_token(key => 'p256b'))
--- error_code: 401
--- response_headers eval
"X-Reason: dpop key mismatch\nX-Dpop-Jkt: " . dpop_jkt('p256')
. "\nX-Cnf-Jkt: " . dpop_jkt('p256b') . "\nWWW-Authenticate: "
. qq(DPoP error="invalid_token", algs="$main::ALGS")



=== TEST 29: a token without cnf.jkt, with the DPoP scheme
--- more_headers eval
dpop_headers(token => dpop_token(key => undef))
--- error_code: 401
--- response_headers eval
"X-Reason: token not dpop-bound\nWWW-Authenticate: "
. qq(DPoP error="invalid_token", algs="$main::ALGS")



=== TEST 30: the token itself is checked first
--- more_headers eval
dpop_headers(token => dpop_token(ttl => -100))
--- error_code: 401
--- response_headers eval
"X-Reason: expired\nWWW-Authenticate: "
. qq(DPoP error="invalid_token", algs="$main::ALGS")



=== TEST 31: downgrade: a bound token as a bearer token, in every mode
--- config eval
main::conf('', '/t') . main::conf('session_guard_dpop off;', '/off')
. main::conf('session_guard_dpop required;', '/req')
--- user_files
>>> t
protected
>>> off
protected
>>> req
protected
--- request eval
["GET /t", "GET /off", "GET /req", "GET /t"]
--- more_headers eval
[("Authorization: Bearer " . dpop_token()) x 3,
 "Authorization: Bearer " . dpop_token() . "\nDPoP: " . dpop_proof()]
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
["X-Reason: dpop-bound token without proof\nWWW-Authenticate: "
 . qq(Bearer error="invalid_token", DPoP algs="$main::ALGS"),
 "X-Reason: dpop-bound token without proof\nWWW-Authenticate: "
 . 'Bearer error="invalid_token"',
 "X-Reason: dpop-bound token without proof\nWWW-Authenticate: "
 . qq(DPoP error="invalid_token", algs="$main::ALGS"),
 "X-Reason: dpop-bound token without proof"]



=== TEST 32: "optional" takes plain bearer tokens, "required" does not
--- config eval
main::conf('', '/t') . main::conf('session_guard_dpop required;', '/req')
--- user_files
>>> t
protected
>>> req
protected
--- request eval
["GET /t", "GET /req", "GET /req"]
--- more_headers eval
[("Authorization: Bearer " . sg_token()) x 2,
 dpop_headers(htu => 'http://localhost/req')]
--- error_code eval
[200, 401, 200]
--- response_headers eval
["X-Status: ALLOW\n!WWW-Authenticate",
 "X-Reason: dpop required\nWWW-Authenticate: "
 . qq(DPoP error="invalid_token", algs="$main::ALGS"),
 "X-Status: ALLOW"]



=== TEST 33: no credential: the schemes on offer
--- config eval
main::conf('', '/t') . main::conf('session_guard_dpop required;', '/req')
. main::conf('session_guard_dpop off; session_guard_realm api;', '/off')
. main::conf('session_guard_realm api;', '/realm')
--- user_files
>>> t
protected
>>> req
protected
>>> off
protected
>>> realm
protected
--- request eval
["GET /t", "GET /req", "GET /off", "GET /realm"]
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
["X-Status: MISSING\nWWW-Authenticate: " . qq(Bearer, DPoP algs="$main::ALGS"),
 "WWW-Authenticate: " . qq(DPoP algs="$main::ALGS"),
 'WWW-Authenticate: Bearer realm="api"',
 "WWW-Authenticate: "
 . qq(Bearer realm="api", DPoP realm="api", algs="$main::ALGS")]



=== TEST 34: "session_guard_dpop off": the DPoP scheme is no credential
--- config eval
main::conf('session_guard_dpop off;')
--- more_headers eval
dpop_headers(token => dpop_token(key => undef))
--- error_code: 401
--- response_headers
X-Status: MISSING
WWW-Authenticate: Bearer



=== TEST 35: replay: a proof is accepted once
--- request eval
[("GET /t") x 3]
--- more_headers eval
my $h = dpop_headers();
[$h, $h, dpop_headers()]
--- error_code eval
[200, 401, 200]
--- response_headers eval
["X-Status: ALLOW", main::invalid_proof('dpop proof replayed'),
 "X-Status: ALLOW"]



=== TEST 36: replay: the same jti from two keys is no replay
--- request eval
[("GET /t") x 2]
--- more_headers eval
[dpop_headers(key => 'p256', jti => 'same'),
 dpop_headers(key => 'p256b', jti => 'same')]
--- response_body eval
[("protected\n") x 2]



=== TEST 37: replay: a refused proof burns no jti
--- request eval
[("GET /t") x 2]
--- more_headers eval
[dpop_headers(jti => 'j36', token => dpop_token(ttl => -100)),
 dpop_headers(jti => 'j36')]
--- error_code eval
[401, 200]



=== TEST 38: replay: an internal redirect is the same request
--- config eval
main::conf('error_page 404 = /t;', '/missing') . main::conf()
--- request
GET /missing
--- more_headers eval
dpop_headers(htu => 'http://localhost/missing')
--- response_body
protected
--- error_log
session_guard: dpop proof already accepted by this request



=== TEST 39: the same body whatever check failed
--- request eval
[("GET /t") x 4]
--- more_headers eval
[dpop_headers(header => { typ => 'JWT' }), dpop_headers(htm => 'PUT'),
 dpop_headers(token => dpop_token(key => 'p256b')),
 "Authorization: DPoP " . dpop_token()]
--- error_code eval
[(401) x 4]
--- response_body_like eval
[(qr{^<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx(/[0-9.]+)?</center>\r\n</body>\r\n</html>\r\n$}) x 4]



=== TEST 40: nonce: a proof without one gets use_dpop_nonce
--- skip_eval: 3: $ENV{TEST_NGINX_USE_VALGRIND}
--- config eval
main::conf('session_guard_dpop required nonce;')
--- more_headers eval
dpop_headers()
--- error_code: 401
--- response_headers eval
"X-Reason: missing dpop nonce\nWWW-Authenticate: "
. qq(DPoP error="use_dpop_nonce", algs="$main::ALGS")
--- response_headers_like
DPoP-Nonce: ^[A-Za-z0-9_-]{32}$



=== TEST 41: nonce: a nonce this server did not make is stale
--- skip_eval: 6: $ENV{TEST_NGINX_USE_VALGRIND}
--- config eval
main::conf('session_guard_dpop optional nonce=30s;')
--- request eval
[("GET /t") x 2]
--- more_headers eval
[dpop_headers(nonce => 'A' x 32), dpop_headers(nonce => 'eyJ7S_zG.eyJH0-Z.HX4w-7v')]
--- error_code eval
[401, 401]
--- response_headers eval
[("X-Reason: stale dpop nonce\nWWW-Authenticate: "
  . qq(DPoP error="use_dpop_nonce", algs="$main::ALGS")) x 2]
--- response_headers_like eval
[("DPoP-Nonce: ^[A-Za-z0-9_-]{32}\$") x 2]



=== TEST 42: nonce: the one the server gave is accepted, with the next
--- init
my $port = Test::Nginx::Util::server_port();
my $r1 = http_get($port, '/t', {});
my $n1 = $r1->[1]{'dpop-nonce'} // '';
my %h = map { split /: /, $_, 2 } split /\r\n/,
        dpop_headers(nonce => $n1);
my $r2 = http_get($port, '/t', \%h);
my $n2 = $r2->[1]{'dpop-nonce'} // '';
my $r3 = http_get($port, '/t', \%h);
%h = map { split /: /, $_, 2 } split /\r\n/, dpop_headers(nonce => $n2);
my $r4 = http_get($port, '/t', \%h);
open my $out, '>', Test::Nginx::Util::html_dir() . '/result.txt' or die;
print $out join("\n",
    "first $r1->[0] " . (length $n1),
    "with nonce $r2->[0] " . (length $n2),
    "replayed $r3->[0] " . ($r3->[1]{'x-reason'} // ''),
    "next nonce $r4->[0]"), "\n";
close $out;
--- config eval
main::conf('session_guard_dpop required nonce;')
. "location = /result.txt { root html; }"
--- request
GET /result.txt
--- response_body
first 401 32
with nonce 200 32
replayed 401 dpop proof replayed
next nonce 200



=== TEST 43: config: DPoP needs a zone for replay protection
--- http_config
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop optional;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_dpop" needs a zone for proof replay protection: add "zone=\.\.\." to "session_guard" in \S+nginx\.conf:\d+/



=== TEST 44: config: bad values
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop maybe;
    }
--- must_die
--- error_log
invalid value "maybe", it must be "off", "optional" or "required"



=== TEST 45: config: a symmetric proof algorithm
--- config eval
main::conf('session_guard_dpop_algorithms ES256 HS256;')
--- must_die
--- error_log
unsupported algorithm "HS256", a DPoP proof is signed with an asymmetric algorithm



=== TEST 46: config: an origin with a path
--- config eval
main::conf('session_guard_dpop_htu_base https://api.example.com/v1;')
--- must_die
--- error_log
invalid origin "https://api.example.com/v1" (uri is not an origin)



=== TEST 47: config: windows and nonce periods
--- config eval
main::conf('session_guard_dpop_window 0s;')
--- must_die
--- error_log
invalid window "0s", it must be 1s..1h



=== TEST 48: config: a nonce period
--- config eval
main::conf('session_guard_dpop required nonce=2h;')
--- must_die
--- error_log
invalid nonce period "2h", it must be 1s..1h



=== TEST 49: inheritance: mode and nonce come together
--- skip_eval: 4: $ENV{TEST_NGINX_USE_VALGRIND}
--- config
    session_guard_dpop required nonce;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop optional;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /u {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- user_files
>>> t
protected
>>> u
protected
--- request eval
["GET /t", "GET /u"]
--- more_headers eval
[dpop_headers(), dpop_headers(htu => 'http://localhost/u')]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Reason: missing dpop nonce"]



=== TEST 50: the proof key cache: the key of an earlier proof is not made again
--- skip_eval: 3: $ENV{TEST_NGINX_USE_VALGRIND}
--- init
my %h = map { split /: /, $_, 2 } split /\r\n/, dpop_headers();
my $r = http_get(Test::Nginx::Util::server_port(), '/t', \%h);
die "warm-up request: $r->[0]\n" unless $r->[0] == 200;
--- more_headers eval
dpop_headers()
--- response_body
protected
--- grep_error_log: session_guard: dpop key cache hit
--- grep_error_log_out
session_guard: dpop key cache hit



=== TEST 51: the proof key cache: a cached key's jwk is still checked in full
--- init
my %h = map { split /: /, $_, 2 } split /\r\n/, dpop_headers();
my $r = http_get(Test::Nginx::Util::server_port(), '/t', \%h);
die "warm-up request: $r->[0]\n" unless $r->[0] == 200;
--- request eval
[("GET /t") x 2]
--- more_headers eval
my %pub = %{ SGDPoP::dpop_jwk('p256') };
[dpop_headers(header => { jwk => { %pub, use => 'enc' } }),
 dpop_headers(header => { jwk => { %pub, alg => 'ES384' } })]
--- error_code eval
[401, 401]
--- response_headers eval
[(main::invalid_proof('bad dpop jwk')) x 2]
--- grep_error_log: session_guard: dpop key cache hit
--- grep_error_log_out
session_guard: dpop key cache hit



=== TEST 52: the proof key cache: private members are refused before it
--- init
my %h = map { split /: /, $_, 2 } split /\r\n/, dpop_headers();
my $r = http_get(Test::Nginx::Util::server_port(), '/t', \%h);
die "warm-up request: $r->[0]\n" unless $r->[0] == 200;
--- more_headers eval
dpop_headers(header => {
    jwk => SGDPoP::key('p256')->export_key_jwk('private', 1) })
--- error_code: 401
--- response_headers eval
main::invalid_proof('private dpop jwk')
--- no_error_log
dpop key cache hit



=== TEST 53: ECDSA malleability: s and n - s both verify (accepted, as
RFC 7518 asks nothing more), so the replay check keys on the proof's jti,
never on its bytes: the other encoding of a used proof is a replay
--- request eval
[("GET /t") x 3]
--- more_headers eval
my $at = dpop_token();
my $proof = dpop_proof(token => $at, jti => 'malleable');
my $other = main::high_s($proof);
die "not malleated" if $other eq $proof;
["Authorization: DPoP $at\r\nDPoP: $other",
 "Authorization: DPoP $at\r\nDPoP: $proof",
 "Authorization: Bearer " . main::high_s(sg_token(alg => 'ES256'))]
--- error_code eval
[200, 401, 200]
--- response_headers eval
["X-Status: ALLOW", main::invalid_proof('dpop proof replayed'),
 "X-Status: ALLOW"]



=== TEST 54: the proof header cache: a header seen before, byte for byte,
still needs its key's signature: another key's signature over it, or a
signature changed in one character, is refused
--- skip_eval: 3: $ENV{TEST_NGINX_USE_VALGRIND}
--- request eval
[("GET /t") x 3]
--- more_headers eval
my $at = dpop_token();
my $bad = dpop_proof(token => $at);
substr($bad, -20, 1) = substr($bad, -20, 1) eq 'A' ? 'B' : 'A';
[dpop_headers(token => $at),
 "Authorization: DPoP $at\r\nDPoP: "
 . dpop_proof(token => $at, signer => 'p256b'),
 "Authorization: DPoP $at\r\nDPoP: $bad"]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["X-Status: ALLOW", (main::invalid_proof('bad dpop signature')) x 2]
--- grep_error_log: session_guard: dpop header cache hit
--- grep_error_log_out eval
[qr/^(?:session_guard: dpop header cache hit\n)?\z/,
 "session_guard: dpop header cache hit\n",
 "session_guard: dpop header cache hit\n"]



=== TEST 55: the proof header cache: a header cached where its alg is
allowed is refused where it is not
--- skip_eval: 2: $ENV{TEST_NGINX_USE_VALGRIND}
--- config eval
main::conf('') . main::conf('session_guard_dpop_algorithms ES384;', '/u')
--- user_files
>>> t
protected
>>> u
protected
--- request eval
["GET /t", "GET /u"]
--- more_headers eval
[dpop_headers(), dpop_headers(htu => 'http://localhost/u')]
--- error_code eval
[200, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Reason: dpop alg not allowed"]
--- grep_error_log: session_guard: dpop header cache hit
--- grep_error_log_out eval
["", "session_guard: dpop header cache hit\n"]



=== TEST 56: the ath kept with a cached token: the token is still checked
on every hit (accepted under a leeway at /t, expired at /u), and a proof
for another token is still refused
--- skip_eval: 3: $ENV{TEST_NGINX_USE_VALGRIND}
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard zone=sg;
        session_guard_dpop optional;
        session_guard_leeway 60s;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /u {
        session_guard zone=sg;
        session_guard_dpop optional;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- user_files
>>> t
protected
>>> u
protected
--- request eval
["GET /t", "GET /u", "GET /t"]
--- more_headers eval
my $at = dpop_token(ttl => -5);
[dpop_headers(token => $at),
 dpop_headers(token => $at, htu => 'http://localhost/u'),
 dpop_headers(token => $at, ath_token => dpop_token())]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["X-Status: ALLOW\nX-Cache: MISS", "X-Reason: expired\nX-Cache: HIT",
 main::invalid_proof('dpop ath mismatch') . "\nX-Cache: HIT"]



=== TEST 57: the proof header cache: a header over 2048 bytes is not
cached (its key still is)
--- skip_eval: 2: $ENV{TEST_NGINX_USE_VALGRIND}
--- request eval
[("GET /t") x 2]
--- more_headers eval
[map { dpop_headers(header => { x => 'a' x 1600 }) } 1 .. 2]
--- error_code eval
[200, 200]
--- grep_error_log: session_guard: dpop (header|key) cache hit
--- grep_error_log_out eval
["", "session_guard: dpop key cache hit\n"]
