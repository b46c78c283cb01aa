# Published vectors through nginx: RFC 7515 Appendix A tokens verify with
# their published keys (the RFC payload expired in 2011, so the clock is
# moved with a leeway of 20 years; without it they are expired; A.4 signs
# the bare word "Payload", so it is refused as a JWT here), A.5
# (alg "none") and the RFC 7515 4.1.11 "crit" example are rejected.
# Signature-only vectors whose payload is no JWT (RFC 7520, RFC 8037) are
# covered by the core unit tests in t/unit.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use JSON::PP;

no_shuffle();

our %V;
{
    open my $fh, '<', "$SG_DATA/vectors/jose/rfc7515_appendix_a.json" or die $!;
    local $/;
    my $doc = decode_json(<$fh>);
    for my $c (@{ $doc->{cases} }) {
        (my $id = $c->{name}) =~ s/^RFC7515 //;
        $V{$id} = $c;
    }
    $::V{crit} = $doc->{negative_crit};
}

sub jwks { json_c({ keys => [ $V{$_[0]}{jwk_public} ] }) }

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('request', "GET /t\n");
});

run_tests();

__DATA__

=== TEST 1: RFC 7515 A.2 (RS256) verifies
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a2.jwks;
        session_guard_algorithms RS256;
        session_guard_leeway 20y;
        add_header X-Iss $session_guard_claim_iss;
    }
--- user_files eval
">>> t\nok\n>>> a2.jwks\n" . main::jwks('A.2')
--- more_headers eval
"Authorization: Bearer $::V{'A.2'}{compact}"
--- response_body
ok
--- response_headers
X-Iss: joe



=== TEST 2: RFC 7515 A.2 without the leeway is expired
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a2.jwks;
        add_header X-Reason $session_guard_reason always;
    }
--- user_files eval
">>> t\nok\n>>> a2.jwks\n" . main::jwks('A.2')
--- more_headers eval
"Authorization: Bearer $::V{'A.2'}{compact}"
--- error_code: 401
--- response_headers
X-Reason: expired



=== TEST 3: RFC 7515 A.3 (ES256) verifies
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a3.jwks;
        session_guard_leeway 20y;
    }
--- user_files eval
">>> t\nok\n>>> a3.jwks\n" . main::jwks('A.3')
--- more_headers eval
"Authorization: Bearer $::V{'A.3'}{compact}"
--- response_body
ok



=== TEST 4: RFC 7515 A.4 (ES512) is no JWT: its payload is "Payload"
(its signature is verified by the unit tests); refused here
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a4.jwks;
        session_guard_leeway 20y;
        add_header X-Reason $session_guard_reason always;
    }
--- user_files eval
">>> t\nok\n>>> a4.jwks\n" . main::jwks('A.4')
--- more_headers eval
"Authorization: Bearer $::V{'A.4'}{compact}"
--- error_code: 401
--- response_headers
X-Reason: bad payload json



=== TEST 5: RFC 7515 A.1 (HS256) verifies with its oct key when allowed
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a1.jwks;
        session_guard_algorithms HS256;
        session_guard_leeway 20y;
    }
--- user_files eval
">>> t\nok\n>>> a1.jwks\n" . main::jwks('A.1')
--- more_headers eval
"Authorization: Bearer $::V{'A.1'}{compact}"
--- response_body
ok



=== TEST 6: RFC 7515 A.3 with a tampered signature is rejected
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a3.jwks;
        session_guard_leeway 20y;
    }
--- user_files eval
">>> t\nok\n>>> a3.jwks\n" . main::jwks('A.3')
--- more_headers eval
my $t = $::V{'A.3'}{compact};
substr($t, -5, 1) = substr($t, -5, 1) eq 'A' ? 'B' : 'A';
"Authorization: Bearer $t"
--- error_code: 401



=== TEST 7: RFC 7515 A.5 (alg none) is rejected whatever the keys
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a2.jwks;
        session_guard_leeway 20y;
    }
--- user_files eval
">>> t\nok\n>>> a2.jwks\n" . main::jwks('A.2')
--- more_headers eval
"Authorization: Bearer $::V{'A.5'}{compact}"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer error="invalid_token"



=== TEST 8: the RFC 7515 4.1.11 crit example is rejected
--- config
    location /t {
        session_guard on;
        session_guard_jwks ../html/a2.jwks;
        session_guard_leeway 20y;
    }
--- user_files eval
">>> t\nok\n>>> a2.jwks\n" . main::jwks('A.2')
--- more_headers eval
"Authorization: Bearer $::V{crit}{compact}"
--- error_code: 401
