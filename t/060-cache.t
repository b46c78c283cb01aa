# The verified-token cache: a repeated token skips the signature check and
# its decoding (the entry keeps the decoded claims); the cache never
# carries a verdict to a location with other keys or other allowed
# algorithms; claims (exp, nbf, iss, aud, typ), requirements and the
# session's revocation are checked on every request, hit or not.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

# The admission tests (TESTs 13 and 16) read the cache's frequency sketch:
# 64 counters for one entry, four per token, so two tokens may share
# counters and be counted together, by chance (the tokens hold the time).
# Tokens are minted again until alice's, bob's and the forged one each have
# a counter of their own, which makes the sketch's estimates exact.
our ($tok, $bob);
for my $try (1 .. 200) {
    $tok = sg_token(alg => 'RS256', claims => { try => $try });
    $bob = sg_token(alg => 'RS256',
                    claims => { sub => 'bob', sid => 'sid-2', try => $try });
    last if sg_sketch_exact(64, $tok, $bob, forged($bob));
}

# bob's token with one character of its signature changed
sub forged {
    my ($t) = @_;
    my $sig = rindex($t, '.') + 30;
    substr($t, $sig, 1) = substr($t, $sig, 1) eq 'z' ? 'y' : 'z';
    return $t;
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      join '', map { ">>> $_\n$_\n" }
                                   qw(t u typ at iss req keys algs))
        unless defined $block->user_files;
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



=== TEST 7: a hit gives the token's own claims to variables
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        add_header X-Cache $session_guard_token_cache always;
        add_header X-Sub $session_guard_claim_sub always;
        add_header X-Role $session_guard_claim_realm_access__roles always;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
my $t = sg_token(claims => { realm_access => { roles => ['admin'] } });
["Authorization: Bearer $t", "Authorization: Bearer $t",
 "Authorization: Bearer $::bob", "Authorization: Bearer $::bob"]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Cache: MISS\nX-Sub: alice\nX-Role: [\"admin\"]",
 "X-Cache: HIT\nX-Sub: alice\nX-Role: [\"admin\"]",
 "X-Cache: MISS\nX-Sub: bob\n!X-Role", "X-Cache: HIT\nX-Sub: bob\n!X-Role"]



=== TEST 8: exp is checked again on a hit
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        session_guard_leeway 60s;
    }
    location /u {
        session_guard on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- request eval
["GET /t", "GET /u", "GET /t"]
--- more_headers eval
my $t = sg_token(ttl => -5);
[("Authorization: Bearer $t") x 3]
--- error_code eval
[200, 401, 200]
--- response_headers eval
["", "X-Cache: HIT\nX-Reason: expired", ""]



=== TEST 9: nbf is checked again on a hit
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        session_guard_leeway 60s;
    }
    location /u {
        session_guard on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- request eval
["GET /t", "GET /u"]
--- more_headers eval
my $h = sg_at_request(sub {
    "Authorization: Bearer " . sg_token(claims => { nbf => time + 30 }) });
[$h, $h]
--- error_code eval
[200, 401]
--- response_headers eval
["", "X-Cache: HIT\nX-Reason: not yet valid"]



=== TEST 10: typ, issuer and requirements are checked again on a hit
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
    }
    location /typ {
        session_guard on;
        session_guard_type JWT;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /at {
        session_guard on;
        session_guard_type at+jwt;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /iss {
        session_guard on;
        session_guard_issuer https://other.test/;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /req {
        session_guard on;
        session_guard_require $session_guard_claim_admin;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- request eval
["GET /t", "GET /typ", "GET /at", "GET /iss", "GET /req"]
--- more_headers eval
my $t = sg_token(header => { typ => 'at+jwt' });
[("Authorization: Bearer $t") x 5]
--- error_code eval
[200, 401, 200, 401, 401]
--- response_headers eval
["", "X-Cache: HIT\nX-Reason: typ mismatch", "X-Cache: HIT",
 "X-Cache: HIT\nX-Reason: issuer mismatch",
 "X-Cache: HIT\nX-Reason: requirement not met"]



=== TEST 11: a revoked session is refused on a hit
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t", "DELETE /sg/sessions/sid-1", "GET /t"]
--- more_headers eval
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok", "",
 "Authorization: Bearer $::tok"]
--- error_code eval
[200, 200, 204, 401]
--- response_headers eval
["X-Cache: MISS\nX-Status: ALLOW", "X-Cache: HIT\nX-Status: ALLOW", "",
 "X-Cache: HIT\nX-Status: REVOKED"]



=== TEST 12: other keys or another algorithm list never hit, even valid
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Cache $session_guard_token_cache always;
    }
    location /keys {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Cache $session_guard_token_cache always;
    }
    location /algs {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_algorithms RS256 ES256;
        add_header X-Cache $session_guard_token_cache always;
    }
--- request eval
["GET /t", "GET /keys", "GET /algs", "GET /t"]
--- more_headers eval
[("Authorization: Bearer $::tok") x 4]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: MISS", "X-Cache: MISS", "X-Cache: MISS"]



=== TEST 13: claims in use stay valid when their entry is replaced
A hit on the only entry, then, while the request is proxied, another token
takes the entry: the first request still reads its own claims at the end.
With one entry the sketch ages every 10 lookups (then every 5): alice and
bob are both counted twice with alice cached (bob, not seen more often, is
not admitted), five forged tokens make the /p request the tenth lookup, so
the counts are halved right after its hit (alice 3 to 1, bob 2 to 1), and
the inner request's bob (now 2) is seen more often than alice and takes
the entry under the outer request.
--- http_config
    session_guard_token_cache 1;
--- config eval
<<"_EOC_";
    session_guard_jwks \$TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        add_header X-Cache \$session_guard_token_cache always;
        add_header X-Sub \$session_guard_claim_sub always;
    }
    location /p {
        session_guard on;
        proxy_pass http://127.0.0.1:\$server_port/inner;
        proxy_set_header Authorization "Bearer $::bob";
        add_header X-Cache \$session_guard_token_cache always;
        add_header X-Sub \$session_guard_claim_sub always;
        add_header X-Sid \$session_guard_claim_sid always;
    }
    location /inner {
        session_guard on;
        add_header X-Inner \$session_guard_claim_sub always;
        add_header X-Inner-Cache \$session_guard_token_cache always;
    }
_EOC_
--- user_files
>>> inner
inner
>>> t
t
--- request eval
[("GET /t") x 9, "GET /p", "GET /t", "GET /t"]
--- more_headers eval
my $sig = rindex($::bob, '.') + 30;
my $bad = $::bob;
substr($bad, $sig, 1) = substr($bad, $sig, 1) eq 'z' ? 'y' : 'z';
[("Authorization: Bearer $::tok") x 2, ("Authorization: Bearer $::bob") x 2,
 ("Authorization: Bearer $bad") x 5, ("Authorization: Bearer $::tok") x 2,
 "Authorization: Bearer $::bob"]
--- error_code eval
[200, 200, 200, 200, 401, 401, 401, 401, 401, 200, 200, 200]
--- response_headers eval
["X-Cache: MISS\nX-Sub: alice", "X-Cache: HIT\nX-Sub: alice",
 "X-Cache: MISS\nX-Sub: bob", "X-Cache: MISS\nX-Sub: bob",
 ("X-Cache: MISS\n!X-Sub") x 5,
 "X-Cache: HIT\nX-Sub: alice\nX-Sid: sid-1\nX-Inner: bob\nX-Inner-Cache: MISS",
 "X-Cache: MISS\nX-Sub: alice", "X-Cache: HIT\nX-Sub: bob"]



=== TEST 14: a token one byte away from a cached one is no hit and is refused
The cache compares the whole token: one character of the signature
changed, a byte more or a byte less than the cached token all miss and are
verified (and refused); the cached token itself still hits.
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- request eval
[("GET /t") x 6]
--- more_headers eval
my $sig = rindex($::tok, '.') + 20;
my $bad = $::tok;
substr($bad, $sig, 1) = substr($bad, $sig, 1) eq 'A' ? 'B' : 'A';
["Authorization: Bearer $::tok", "Authorization: Bearer $::tok",
 "Authorization: Bearer $bad", "Authorization: Bearer ${\ $::tok}A",
 "Authorization: Bearer " . substr($::tok, 0, -1),
 "Authorization: Bearer $::tok"]
--- error_code eval
[200, 200, 401, 401, 401, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", "X-Cache: MISS\nX-Reason: bad signature",
 "X-Cache: MISS", "X-Cache: MISS", "X-Cache: HIT"]



=== TEST 15: a token longer than an entry's budget is accepted, not cached
A token over 4096 bytes (and under session_guard_max_token_size) is
verified on every request.
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        add_header X-Sub $session_guard_claim_sub always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
my $big = sg_token(claims => { sub => 'carol', pad => 'x' x 4000 });
die "token of " . length($big) . " bytes" unless length($big) > 4096
                                              && length($big) < 8000;
["Authorization: Bearer $big", "Authorization: Bearer $big",
 "Authorization: Bearer $big"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Cache: MISS\nX-Sub: carol", "X-Cache: MISS\nX-Sub: carol",
 "X-Cache: MISS\nX-Sub: carol"]



=== TEST 16: tokens sharing the only slot never hit each other
With one entry every token falls into the same slot: each token hits only
when it is itself the cached one, with its own claims; a forged signature
of the cached token is refused and leaves the entry in place.  Admission:
bob, seen once as often as alice, is not cached; seen twice he takes the
slot; alice, seen less often than bob, is verified again and not cached.
--- http_config
    session_guard_token_cache 1;
--- config
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    location /t {
        session_guard on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        add_header X-Sub $session_guard_claim_sub always;
    }
--- request eval
[("GET /t") x 8]
--- more_headers eval
my $sig = rindex($::bob, '.') + 30;
my $bad = $::bob;
substr($bad, $sig, 1) = substr($bad, $sig, 1) eq 'z' ? 'y' : 'z';
["Authorization: Bearer $::tok", "Authorization: Bearer $::bob",
 "Authorization: Bearer $::bob", "Authorization: Bearer $::bob",
 "Authorization: Bearer $bad", "Authorization: Bearer $::bob",
 "Authorization: Bearer $::tok", "Authorization: Bearer $::bob"]
--- error_code eval
[200, 200, 200, 200, 401, 200, 200, 200]
--- response_headers eval
["X-Cache: MISS\nX-Sub: alice", "X-Cache: MISS\nX-Sub: bob",
 "X-Cache: MISS\nX-Sub: bob", "X-Cache: HIT\nX-Sub: bob",
 "X-Cache: MISS\nX-Reason: bad signature\n!X-Sub",
 "X-Cache: HIT\nX-Sub: bob", "X-Cache: MISS\nX-Sub: alice",
 "X-Cache: HIT\nX-Sub: bob"]
