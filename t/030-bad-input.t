# Hostile and malformed credentials: each gets 401 invalid_token with the
# same body, a reason in the log, and never a crash.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

our $valid = sg_token();
our ($h, $p, $s) = split /\./, $valid;

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n");
    $block->set_value('request', "GET /t\n") unless defined $block->request;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
_EOC_
    $block->set_value('error_code', 401) unless defined $block->error_code;
    $block->set_value('response_headers',
                      'WWW-Authenticate: Bearer error="invalid_token"')
        unless defined $block->response_headers
               || defined $block->response_headers_like
               || ref $block->request;
});

run_tests();

__DATA__

=== TEST 1: two segments
--- more_headers eval
"Authorization: Bearer $::h.$::p"



=== TEST 2: four segments
--- more_headers eval
"Authorization: Bearer $::h.$::p.$::s.$::s"



=== TEST 3: empty header segment
--- more_headers eval
"Authorization: Bearer .$::p.$::s"



=== TEST 4: empty payload segment
--- more_headers eval
"Authorization: Bearer $::h..$::s"



=== TEST 5: empty signature segment
--- more_headers eval
"Authorization: Bearer $::h.$::p."



=== TEST 6: just dots
--- more_headers
Authorization: Bearer ..



=== TEST 7: base64url with padding
--- more_headers eval
"Authorization: Bearer $::h=.$::p.$::s"



=== TEST 8: standard base64 characters instead of url-safe ones
--- more_headers eval
(my $t = "$::h.$::p.$::s") =~ tr/-_/+\//;
$t = "$::h.$::p.+/+/$::s" if $t eq "$::h.$::p.$::s";
"Authorization: Bearer $t"



=== TEST 9: a character outside the alphabet
--- more_headers eval
"Authorization: Bearer $::h.$::p!.$::s"



=== TEST 10: impossible base64url length (1 mod 4)
--- more_headers eval
"Authorization: Bearer $::h.$::p" . "A.$::s"



=== TEST 11: header is JSON but not an object
--- more_headers eval
"Authorization: Bearer " . b64u('["RS256"]') . ".$::p.$::s"



=== TEST 12: header is not JSON
--- more_headers eval
"Authorization: Bearer " . b64u('{alg:RS256}') . ".$::p.$::s"



=== TEST 13: payload is not a JSON object
--- more_headers eval
"Authorization: Bearer $::h." . b64u('"just a string"') . ".$::s"



=== TEST 14: duplicate member in the header (alg twice)
--- more_headers eval
"Authorization: Bearer "
    . b64u('{"alg":"RS256","kid":"rsa1","alg":"none"}') . ".$::p.$::s"



=== TEST 15: duplicate claim in the payload, correctly signed
--- more_headers eval
use Crypt::PK::RSA;
my $hdr = b64u('{"alg":"RS256","kid":"rsa1"}');
my $pl = b64u('{"sub":"alice","exp":' . (time + 300)
              . ',"sub":"admin"}');
my $sig = sg_key('rsa')->sign_message("$hdr.$pl", 'SHA256', 'v1.5');
"Authorization: Bearer $hdr.$pl." . b64u($sig)
--- error_log
session_guard: token rejected



=== TEST 16: deeply nested payload, correctly signed
--- more_headers eval
my $hdr = b64u('{"alg":"RS256","kid":"rsa1"}');
my $pl = b64u('{"exp":' . (time + 300) . ',"x":'
              . ('[' x 100) . (']' x 100) . '}');
my $sig = sg_key('rsa')->sign_message("$hdr.$pl", 'SHA256', 'v1.5');
"Authorization: Bearer $hdr.$pl." . b64u($sig)
--- error_log
session_guard: token rejected



=== TEST 17: nesting within the limit is fine
--- more_headers eval
my $hdr = b64u('{"alg":"RS256","kid":"rsa1"}');
my $pl = b64u('{"exp":' . (time + 300) . ',"x":'
              . ('[' x 8) . (']' x 8) . '}');
my $sig = sg_key('rsa')->sign_message("$hdr.$pl", 'SHA256', 'v1.5');
"Authorization: Bearer $hdr.$pl." . b64u($sig)
--- error_code: 200
--- response_headers
!WWW-Authenticate



=== TEST 18: token over the size limit
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_token_size 1k;
        add_header X-Reason $session_guard_reason always;
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { pad => 'x' x 2000 })
--- response_headers
X-Reason: token too large



=== TEST 19: the same token under the default limit is accepted
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { pad => 'x' x 2000 })
--- error_code: 200
--- response_headers
!WWW-Authenticate



=== TEST 20: ES256 signature of the wrong length (DER instead of raw)
--- more_headers eval
use Crypt::PK::ECC;
my $hdr = b64u('{"alg":"ES256","kid":"ec256"}');
my $pl = b64u('{"sub":"alice","exp":' . (time + 300) . '}');
my $der = sg_key('ec256')->sign_message("$hdr.$pl", 'SHA256');
"Authorization: Bearer $hdr.$pl." . b64u($der)
--- error_log
session_guard: token rejected



=== TEST 21: ES256 signature one byte short
--- more_headers eval
my $t = sg_token(alg => 'ES256');
my ($hh, $pp, $ss) = split /\./, $t;
my $raw = MIME::Base64::decode_base64url($ss);
"Authorization: Bearer $hh.$pp." . b64u(substr($raw, 1))



=== TEST 22: a flipped bit in the payload
--- more_headers eval
my $pl = MIME::Base64::decode_base64url($::p);
$pl =~ s/alice/alicf/;
"Authorization: Bearer $::h." . b64u($pl) . ".$::s"
--- response_headers
X-Reason: bad signature



=== TEST 23: crit with an extension nobody understands
--- more_headers eval
"Authorization: Bearer " . sg_token(header => { crit => ['exp'], exp => 1 })
--- error_log
session_guard: token rejected



=== TEST 24: kid that is not a string
--- more_headers eval
"Authorization: Bearer " . sg_token(kid => undef, header => { kid => 42 })
--- error_log
session_guard: token rejected



=== TEST 25: alg that is not a string
--- more_headers eval
"Authorization: Bearer "
    . b64u('{"alg":["RS256"],"kid":"rsa1"}') . ".$::p.$::s"



=== TEST 26: NUL byte escaped in the payload
--- more_headers eval
my $hdr = b64u('{"alg":"RS256","kid":"rsa1"}');
my $pl = b64u('{"sub":"al\u0000ice","exp":' . (time + 300) . '}');
my $sig = sg_key('rsa')->sign_message("$hdr.$pl", 'SHA256', 'v1.5');
"Authorization: Bearer $hdr.$pl." . b64u($sig)



=== TEST 27: invalid UTF-8 in the payload
--- more_headers eval
my $hdr = b64u('{"alg":"RS256","kid":"rsa1"}');
my $pl = b64u("{\"sub\":\"\xff\xfe\",\"exp\":" . (time + 300) . '}');
my $sig = sg_key('rsa')->sign_message("$hdr.$pl", 'SHA256', 'v1.5');
"Authorization: Bearer $hdr.$pl." . b64u($sig)



=== TEST 28: "Bearer" with nothing after it is no token
--- more_headers
Authorization: Bearer
--- response_headers
WWW-Authenticate: Bearer
--- error_log
session_guard: no token



=== TEST 29: garbage bytes
--- more_headers eval
"Authorization: Bearer " . CORE::join('', map { chr(33 + ($_ * 7) % 90) } 1 .. 300)



=== TEST 30: an enormous header is refused by nginx itself, not by us
--- more_headers eval
"Authorization: Bearer " . ('A' x 20000)
--- error_code: 400
--- response_headers
!WWW-Authenticate



=== TEST 31: every failure gets the same body
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer $::h.$::p",
 "Authorization: Bearer " . sg_token(ttl => -100),
 "Authorization: Bearer " . sg_token(key => 'attacker')]
--- error_code eval
[401, 401, 401]
--- response_body_like eval
[qr/^<html>.*401 Authorization Required.*<\/html>\s*$/s,
 qr/^<html>.*401 Authorization Required.*<\/html>\s*$/s,
 qr/^<html>.*401 Authorization Required.*<\/html>\s*$/s]



=== TEST 32: a token cookie sent twice (issue 14, finding 3): only one of
them would be verified while the application may read the other (here a
forged "alg": "none" token); every spelling a reader takes, and a
header split over several Cookie lines, is refused.  ${cookie_at} inside
a longer value is found too.
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token $cookie_at;
        add_header X-Reason "[$session_guard_reason]" always;
    }
    location /u {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token "Bearer ${cookie_at}";
        add_header X-Reason "[$session_guard_reason]" always;
    }
--- request eval
[("GET /t") x 7, "GET /u"]
--- more_headers eval
my $f = raw_token({ alg => 'none', typ => 'JWT' },
                  { sub => 'admin', iss => 'https://idp.test/',
                    aud => 'https://api.test', exp => time + 300 }, undef);
["Cookie: at=$::valid; at=$f",
 "Cookie: at =$::valid; at=$f",
 "Cookie: x=1, at=$::valid; at=$f",
 "Cookie: at=$::valid, at=$f",
 "Cookie: at=$::valid\r\nCookie: at=$f",
 "Cookie: x=1\r\nCookie: at=$::valid, y=2\r\nCookie: AT =$f",
 "Cookie: at=$::valid; at",
 "Cookie: at=$::valid; AT=$f"]
--- error_code eval
[(401) x 8]
--- response_headers eval
[("WWW-Authenticate: Bearer error=\"invalid_token\"\n"
  . "X-Reason: [duplicate token cookie]") x 8]
--- error_log
the token cookie "at" appears more than once: refused



=== TEST 33: one token cookie among others, or spread over lines, passes
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token $cookie_at;
        add_header X-Reason "[$session_guard_reason]" always;
    }
    location /u {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_token "Bearer ${cookie_at}";
        alias html/t;
    }
--- request eval
["GET /t", "GET /t", "GET /u"]
--- more_headers eval
["Cookie: at=$::valid",
 "Cookie: theme=dark, lang=en\r\nCookie: at=$::valid; data=at; xat=1",
 "Cookie: at=$::valid"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["protected\n", "protected\n", "protected\n"]
--- no_error_log
appears more than once
