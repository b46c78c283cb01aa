# The edge's own OpenID Connect login (session_guard_oidc): Authorization
# Code with PKCE, the pre-login cookie, the token request through a
# location, the ID token checked with the location's keys, the session
# made and bound at the edge, its sealed cookie, logout; and every bad
# input of the way back.
#
# The provider is scripted: SGOP.pm's token endpoint answers what the
# test wrote for each code, and SGOP::login() plays the browser from
# "--- init" (after nginx started), writing the stable lines of what
# happened to html/login.txt, which the block fetches.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGOP;
use File::Path qw(make_path remove_tree);
use IO::Socket::INET;
use Time::HiRes ();

no_shuffle();

our $OP = "$SGTest::SG_ROOT/t/tmp/op-$$";
make_path($OP);
END { remove_tree($OP) if $OP && -d $OP }

$ENV{TEST_NGINX_OP_PORT} = SGOP::start($OP);
$ENV{TEST_NGINX_OP} = $OP;

SGTest::write_file("$OP/secret", "edge-client-secret\n");
SGTest::write_file("$OP/cookie-key", 'k' x 16 . 'e' x 16 . "\n");
SGTest::write_file("$OP/other-key", 'o' x 40);
SGTest::write_file("$OP/short-key", 'o' x 31);
SGTest::write_file("$OP/secret2", "a+b=c&d%e f\"#\n");

# the edge's key for its notifications to the applications
{
    require Crypt::PK::ECC;
    my $k = Crypt::PK::ECC->new;
    $k->generate_key('secp256r1');
    SGTest::write_file("$OP/notify.jwk", $k->export_key_jwk('private'));
    # the client's own key (private_key_jwt)
    my $c = Crypt::PK::ECC->new;
    $c->generate_key('secp256r1');
    SGTest::write_file("$OP/client.jwk", $c->export_key_jwk('private'));
    SGTest::write_file("$OP/client.pub.jwk", $c->export_key_jwk('public'));
}

# a certificate for the https server (the "__Host-" cookies)
system("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
       . "-nodes -days 30 -subj /CN=localhost -keyout '$OP/key.pem' "
       . "-out '$OP/cert.pem' 2>/dev/null") == 0
    or die "openssl req failed\n";
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Listen => 1, Proto => 'tcp');
    $ENV{TEST_NGINX_TLS_PORT} = $s->sockport;
    close $s;
}

our $EVENT = 'http://schemas.openid.net/event/backchannel-logout';

# a back-channel logout token for the client
sub logout_token {
    my (%claims) = @_;
    return sg_token(claims => { aud => 'edge-client', sub => 'alice',
                                sid => 'idp-sid-1',
                                jti => 'lt-' . rand(),
                                events => { $EVENT => {} }, %claims },
                    header => { typ => 'logout+jwt' });
}

# the flow with options, its summary (and more keys) into html/login.txt
sub flow {
    my ($keys, %o) = @_;
    my $res = SGOP::login(dir => $OP, path => '/app/page?x=1', %o);
    my @keys = $keys ? @$keys : ();
    SGOP::write_result('login.txt', SGOP::summary($res, @keys));
    return $res;
}

# a request of the edge as a browser, with the session cookie of a login
sub page {
    my ($res, $path, %h) = @_;
    my ($st, $hd, $body) = SGOP::get(
        Test::Nginx::Util::server_port(), $path,
        { Accept => 'text/html',
          ($res && $res->{session_cookie_pair}
           ? (Cookie => $res->{session_cookie_pair}) : ()),
          %h });
    my $to = $hd->{location} // '';
    $to =~ s{^https?://[^/]+}{};
    $to =~ s/\?.*//;
    my $first = (split /\n/, $body // '')[0] // '';
    return "$st" . ($to ? " to $to" : '')
        . ($st == 200 ? " $first" : '')
        . join('', map { ' cookie: ' . SGOP::cookie_desc($_) }
                   @{ $hd->{'set-cookie'} });
}

# the session list of a subject from the API
sub sessions {
    my ($sub) = @_;
    my ($st, $hd, $body) = SGOP::get(Test::Nginx::Util::server_port(),
                                     "/api/subjects/$sub/sessions", {});
    my $j = eval { JSON::PP::decode_json($body) } or return "api: $st";
    my @s = @{ ref $j eq 'HASH' ? $j->{sessions} // [] : $j };
    return 'sessions: ' . join ', ', map {
        ($_->{id} =~ /^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}$/ ? 'edge-id'
                                                            : $_->{id})
        . ' ' . ($_->{revoked} ? $_->{revocation}{source} : 'live')
    } @s;
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<'_EOC_')
    session_guard_zone zone=sg:1m max_lifetime=1h;
_EOC_
        unless defined $block->http_config;
    my $oidc = $block->oidc // '';
    $oidc = 'secret=$TEST_NGINX_OP/secret ' . $oidc
        unless $oidc =~ /client_key=/;
    my $guard = $block->guard // 'session_guard zone=sg;';
    my $extra = $block->extra // '';
    my $logout_guard = $block->logout_guard // $guard;
    $block->set_value('config', <<"_EOC_") unless defined $block->config;
    session_guard_issuer https://idp.test/;
    session_guard_jwks \$TEST_NGINX_KEYS/all.jwks;
    session_guard_oidc client_id=edge-client
                       authorize=https://idp.test/authorize
                       token=/_op/token
                       key=\$TEST_NGINX_OP/cookie-key
                       logout=/logout
                       $oidc;
    add_header X-Status \$session_guard_status always;
    $extra
    location /app/ {
        $guard
        proxy_set_header X-User \$session_guard_claim_sub;
        proxy_set_header X-Acr \$session_guard_claim_acr;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/_app/;
    }
    location /admin/ {
        $guard
        session_guard_require_auth max_age=60s;
        proxy_set_header X-User \$session_guard_claim_sub;
        proxy_set_header X-Acr \$session_guard_claim_acr;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/_app/;
    }
    location /session_guard/ {
        $guard
    }
    location = /logout {
        $logout_guard
    }
    location /_app {
        return 200 "user=\$http_x_user acr=\$http_x_acr uri=\$request_uri\\n";
    }
    location = /_op/token {
        internal;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_OP_PORT/token;
    }
    location /api {
        session_guard_api zone=sg;
    }
    location = /bc-logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=edge-client jwks=\$TEST_NGINX_KEYS/all.jwks;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a browser is sent to log in, comes back, gets its page with the identity
--- init
main::flow([qw(authorize authorize_to authorize_values randoms state_cookie callback callback_cookies token client after)]);
--- request
GET /login.txt
--- response_body
authorize: 302 params: client_id code_challenge code_challenge_method nonce redirect_uri response_type scope state
authorize to: https://idp.test/authorize
authorize values: client_id=edge-client code_challenge_method=S256 redirect_uri=http://localhost/session_guard/callback response_type=code scope=openid
random values: code_challenge 43 b64u, nonce 43 b64u, state 43 b64u
state cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
callback: 302 to /app/page?x=1
callback cookie: sg_login HttpOnly Path=/ SameSite=Lax
callback cookie: sg_login_state (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
token request: grant_type=authorization_code pkce=ok client_auth=basic redirect_uri=same
client: id=- basic=edge-client
after: 200 user=alice acr=1 uri=/_app/page?x=1



=== TEST 2: an API client (no text/html) gets 401, not a redirect; a form post too
--- request eval
["GET /app/x", "POST /app/x\nabc"]
--- more_headers eval
["Accept: application/json", "Accept: text/html"]
--- error_code eval
[401, 401]
--- response_headers eval
["X-Status: MISSING\nLocation:", "X-Status: MISSING\nLocation:"]



=== TEST 3: the login's session is in the zone with its subject; the identity the client sends is replaced
--- init
my $r = main::flow([qw(callback after)]);
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback after)),
    main::sessions('alice'), "\n",
    'forged: ', main::page($r, '/app/y', 'X-User' => 'mallory'), "\n");
--- request
GET /login.txt
--- response_body
callback: 302 to /app/page?x=1
after: 200 user=alice acr=1 uri=/_app/page?x=1
sessions: edge-id live
forged: 200 user=alice acr=1 uri=/_app/y



=== TEST 4: the pre-login cookie and the state: missing, sent twice, altered, another state, spent already
--- init
my @out;
for my $case (
    [ 'no cookie', cookie => undef ],
    [ 'other state', state => 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' ],
    [ 'no state', state => undef ],
    [ 'altered', cookie => 'sg_login_state=AXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' ],
    [ 'replayed', replay => 1 ])
{
    my ($name, %o) = @$case;
    my $r = SGOP::login(dir => $main::OP, path => '/app/p', %o);
    my $c = $o{replay} ? $r->{replay} : $r->{callback};
    push @out, "$name: $c->{status} token requests "
        . ($r->{token_requests} // 0)
        . ($c->{body} =~ /not valid here/ ? ' page' : '') . "\n";
}
my $r = SGOP::login(dir => $main::OP, path => '/app/p', follow => 0,
                    cookie => undef, state => undef, path => undef,
                    query => 'code=c1&state=s1',
                    headers => { Cookie => 'sg_login_state=a; sg_login_state=b' });
push @out, "twice: $r->{callback}{status}\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
no cookie: 403 token requests 0 page
other state: 403 token requests 0 page
no state: 403 token requests 0 page
altered: 403 token requests 0 page
replayed: 403 token requests 1 page
twice: 403
--- error_log
login refused: no pre-login cookie
login refused: state mismatch
login refused: no state
login refused: pre-login cookie does not open
login refused: state used before
login refused: pre-login cookie sent twice



=== TEST 5: the provider's error, a missing code: 401, no token request, no session
--- init
my @out;
my $r = SGOP::login(dir => $main::OP, path => '/app/p', error => 'access_denied');
push @out, "error: $r->{callback}{status} token requests "
    . ($r->{token_requests} // 0) . ' '
    . (join ' ', map { SGOP::cookie_desc($_) } @{ $r->{callback}{set_cookie} })
    . "\n";
$r = SGOP::login(dir => $main::OP, path => '/app/p', code => '');
push @out, "no code: $r->{callback}{status}\n";
push @out, main::sessions('alice'), "\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
error: 401 token requests 0 sg_login_state (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
no code: 401
sessions: 
--- error_log
login failed at the identity provider: "access_denied"
login refused: no code



=== TEST 6: the token endpoint: refuses the code, fails, answers garbage, no id_token, too much, too late, hangs up
--- oidc: timeout=1s
--- init
my @out;
for my $case (
    [ 'invalid_grant', token_answer => { status => 400, body => { error => 'invalid_grant' } } ],
    [ '500', token_answer => { status => 500, body => 'oops' } ],
    [ 'garbage', token_answer => { status => 200, body => 'not json' } ],
    [ 'no id_token', token_fields => { id_token => undef } ],
    [ 'id_token a number', token_fields => { id_token => 5 } ],
    [ 'large', token_answer => { status => 200, body => '{"x":"' . ('a' x 20000) . '","id_token":"{{id_token}}"}' } ],
    [ 'slow', token_answer => { status => 200, delay => 3, body => '{}' } ],
    [ 'hang up', token_answer => { close => 1 } ])
{
    my ($name, %o) = @$case;
    my $r = SGOP::login(dir => $main::OP, path => '/app/p', %o);
    push @out, "$name: $r->{callback}{status}"
        . ($r->{callback}{body} =~ /Sign-in failed/ ? ' page' : '')
        . (grep({ /sg_login=[^;]/ } @{ $r->{callback}{set_cookie} })
           ? ' SESSION COOKIE' : '') . "\n";
}
push @out, main::sessions('alice'), "\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
invalid_grant: 401 page
500: 502 page
garbage: 502 page
no id_token: 502 page
id_token a number: 502 page
large: 502 page
slow: 502 page
hang up: 502 page
sessions: 
--- error_log
the token endpoint answered 400 "invalid_grant"
the token endpoint answered status 500
answer is not JSON with an "id_token"
the token endpoint's answer is too large
no answer from the token endpoint in time
--- timeout: 30



=== TEST 7: the ID token: every claim and the signature are checked; nothing is stored
--- init
my @out;
my $now = time;
for my $case (
    [ 'other audience', claims => { aud => 'another-client' } ],
    [ 'audiences, no azp', claims => { aud => ['edge-client', 'x'] } ],
    [ 'azp another client', claims => { azp => 'x' } ],
    [ 'other nonce', claims => { nonce => 'abc' } ],
    [ 'no nonce', claims => { nonce => undef } ],
    [ 'other issuer', claims => { iss => 'https://evil.test/' } ],
    [ 'expired', claims => { exp => $now - 600, iat => $now - 900 } ],
    [ 'issued ahead (clock skew)', claims => { iat => $now + 600 } ],
    [ 'no iat', claims => { iat => undef } ],
    [ 'no sub', claims => { sub => undef } ],
    [ 'auth_time ahead', claims => { auth_time => $now + 3600 } ],
    [ 'at_hash wrong', claims => { at_hash => 'AAAAAAAAAAAAAAAAAAAAAA' } ],
    [ 'alg none', alg => 'none' ],
    [ 'forged', key => 'ec256b' ],
    [ 'HS256', alg => 'HS256', secret => 'x' x 32 ])
{
    my ($name, %o) = @$case;
    my $r = SGOP::login(dir => $main::OP, path => '/app/p', %o);
    push @out, "$name: $r->{callback}{status}"
        . ($r->{callback}{body} =~ /could not be trusted/ ? ' page' : '')
        . "\n";
}
push @out, main::sessions('alice'), "\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
other audience: 401 page
audiences, no azp: 401 page
azp another client: 401 page
other nonce: 401 page
no nonce: 401 page
other issuer: 401 page
expired: 401 page
issued ahead (clock skew): 401 page
no iat: 401 page
no sub: 401 page
auth_time ahead: 401 page
at_hash wrong: 401 page
alg none: 401 page
forged: 401 page
HS256: 401 page
sessions: 
--- error_log
ID token rejected: "nonce mismatch"
ID token rejected: "no nonce"
ID token rejected: "azp is another client"
ID token rejected: "several audiences and no azp"
ID token rejected: "no iat"
ID token rejected: "no usable sub"
ID token rejected: "authenticated in the future"
ID token rejected: "at_hash mismatch"
--- timeout: 30



=== TEST 8: a right at_hash and c_hash, azp and several audiences, extra claims kept
--- oidc: claims=email
--- init
use Digest::SHA qw(sha256);
use MIME::Base64 qw(encode_base64url);
my $half = sub { encode_base64url(substr(sha256($_[0]), 0, 16)) };
my $r = SGOP::login(dir => $main::OP, path => '/app/p', code => 'code-1',
    claims => { at_hash => $half->('at-1'), c_hash => $half->('code-1'),
                aud => ['edge-client', 'api'], azp => 'edge-client',
                email => 'alice@example.com', secret => 'not kept' });
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback after)));
--- request
GET /login.txt
--- response_body
callback: 302 to /app/p
after: 200 user=alice acr=1 uri=/_app/p



=== TEST 9: a session cookie altered, sealed with another key, or sent twice is no login; the browser is sent to log in again
--- init
my $r = main::flow([qw(callback)]);
my $pair = $r->{session_cookie_pair};
(my $bad = $pair) =~ s/=(.)/'=' . ($1 eq 'A' ? 'B' : 'A')/e;
my @out = (
    'good: ' . main::page($r, '/app/a') . "\n",
    'altered: ' . main::page(undef, '/app/a', Cookie => $bad) . "\n",
    'twice: ' . main::page(undef, '/app/a', Cookie => "$pair; $pair") . "\n",
    'api client: ' . main::page(undef, '/app/a', Cookie => $bad,
                               Accept => '*/*') . "\n",
);
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
good: 200 user=alice acr=1 uri=/_app/a
altered: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
twice: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
api client: 401 cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
--- error_log
no edge login: login cookie does not open
no edge login: login cookie sent twice



=== TEST 10: revoked through the API: the next page deletes the cookie and logs in again
--- init
my $r = main::flow([qw(callback)]);
my ($st) = SGOP::request(Test::Nginx::Util::server_port(), 'DELETE',
                         '/api/subjects/alice/sessions', {});
SGOP::write_result('login.txt', "revoke: $st\n",
    'then: ' . main::page($r, '/app/a') . "\n", main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
revoke: 200
then: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
sessions: edge-id api



=== TEST 11: logout: the session revoked, the cookie deleted, the browser sent to post_logout
--- init
my $r = main::flow([qw(callback)]);
SGOP::write_result('login.txt',
    'logout: ' . main::page($r, '/logout') . "\n",
    'then: ' . main::page($r, '/app/a') . "\n", main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
logout: 302 to / cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
then: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
sessions: edge-id logout
--- error_log eval
qr/edge login "[^"]+" of "alice" logged out/



=== TEST 12: RP-initiated logout: to the provider's end_session endpoint with client_id and the way back
--- oidc: end_session=https://idp.test/logout post_logout=/bye
--- init
my $r = main::flow([qw(callback)]);
my ($st, $h) = SGOP::get(Test::Nginx::Util::server_port(), '/logout',
                         { Cookie => $r->{session_cookie_pair} });
SGOP::write_result('login.txt', "$st $h->{location}\n");
--- request
GET /login.txt
--- response_body eval
"302 https://idp.test/logout?client_id=edge-client&post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fbye\n"



=== TEST 13: step-up: an authentication too old for /admin/ goes back to the provider with prompt=login and max_age; the same session comes back fresh
--- init
my $now = time;
my $r = SGOP::login(dir => $main::OP, path => '/app/p',
                    claims => { auth_time => $now - 600 });
my @out = ('admin: ' . main::page($r, '/admin/x') . "\n");
# the step-up: the edge's redirect, then the way back with a fresh login
my $s = SGOP::login(dir => $main::OP, path => '/admin/x', follow => 0,
                    claims => { acr => '2' },
                    headers => { Cookie => $r->{session_cookie_pair} });
push @out, 'step-up asks: ' . join(' ', map { "$_=$s->{authorize}{params}{$_}" }
                                   grep { defined $s->{authorize}{params}{$_} }
                                   qw(prompt max_age)) . "\n";
push @out, SGOP::summary($s, qw(callback));
push @out, 'fresh: ' . main::page($s, '/admin/x') . "\n";
push @out, 'old cookie: ' . main::page($r, '/admin/x') . "\n";
push @out, main::sessions('alice'), "\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
admin: 302 to /authorize cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
step-up asks: prompt=login max_age=60
callback: 302 to /admin/x
fresh: 200 user=alice acr=2 uri=/_app/x
old cookie: 200 user=alice acr=1 uri=/_app/x
sessions: edge-id live



=== TEST 14: the session is bound: another user agent with on_change ua=revoke ends it
--- guard: session_guard zone=sg; session_guard_on_change ua=revoke;
--- init
my $r = SGOP::login(dir => $main::OP, path => '/app/p',
                    headers => { 'User-Agent' => 'browser-A' });
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback after)),
    'same: ' . main::page($r, '/app/a', 'User-Agent' => 'browser-A') . "\n",
    'stolen: ' . main::page($r, '/app/a', 'User-Agent' => 'curl') . "\n",
    'owner: ' . main::page($r, '/app/a', 'User-Agent' => 'browser-A') . "\n");
--- request
GET /login.txt
--- response_body
callback: 302 to /app/p
after: 200 user=alice acr=1 uri=/_app/p
same: 200 user=alice acr=1 uri=/_app/a
stolen: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
owner: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax



=== TEST 15: the way back is never another host, nor a header
--- init
my @out;
for my $path ('//app/x', '/app/x?a=%0d%0aSet-Cookie:%20x=1') {
    my $r = SGOP::login(dir => $main::OP, path => $path, follow => 0);
    (my $to = $r->{callback}{location}) =~ s{^https?://[^/]+}{};
    push @out, "$path: $r->{callback}{status} to $to"
        . ' ' . scalar(@{ $r->{callback}{set_cookie} }) . " cookies\n";
}
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
//app/x: 302 to /app/x 2 cookies
/app/x?a=%0d%0aSet-Cookie:%20x=1: 302 to /app/x?a=%0d%0aSet-Cookie:%20x=1 2 cookies



=== TEST 16: back-channel logout by the provider's sid ends that login on the spot, not the subject's other one
--- init
my $a = SGOP::login(dir => $main::OP, path => '/app/p',
                    claims => { sid => 'idp-sid-1' });
my $b = SGOP::login(dir => $main::OP, path => '/app/p',
                    claims => { sid => 'idp-sid-2' });
my ($st) = SGOP::request(Test::Nginx::Util::server_port(), 'POST',
    '/bc-logout',
    { 'Content-Type' => 'application/x-www-form-urlencoded' },
    'logout_token=' . main::logout_token(sid => 'idp-sid-1'));
SGOP::write_result('login.txt', "logout: $st\n",
    'a: ' . main::page($a, '/app/a') . "\n",
    'b: ' . main::page($b, '/app/a') . "\n");
--- request
GET /login.txt
--- response_body
logout: 200
a: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
b: 200 user=alice acr=1 uri=/_app/a
--- error_log
1 edge login(s) of the provider's session "idp-sid-1" revoked by a back-channel logout



=== TEST 17: back-channel logout by sub alone ends every login of the subject
--- init
my $a = SGOP::login(dir => $main::OP, path => '/app/p');
my ($st) = SGOP::request(Test::Nginx::Util::server_port(), 'POST',
    '/bc-logout',
    { 'Content-Type' => 'application/x-www-form-urlencoded' },
    'logout_token=' . main::logout_token(sid => undef));
SGOP::write_result('login.txt', "logout: $st\n",
    'a: ' . main::page($a, '/app/a') . "\n", main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
logout: 200
a: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
sessions: edge-id logout



=== TEST 18: on https the cookies are "__Host-" and Secure; the redirect URI is https
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h;
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        server_name localhost;
        ssl_certificate $TEST_NGINX_OP/cert.pem;
        ssl_certificate_key $TEST_NGINX_OP/key.pem;
        session_guard_issuer https://idp.test/;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_oidc client_id=edge-client
                           authorize=https://idp.test/authorize
                           token=/_op/token key=$TEST_NGINX_OP/cookie-key;
        location / {
            session_guard zone=sg;
            proxy_set_header X-User $session_guard_claim_sub;
            proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_app/;
        }
        location = /_op/token {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_OP_PORT/token;
        }
    }
--- init
my $r = SGOP::login(dir => $main::OP, path => '/p', tls => 1,
                    port => $ENV{TEST_NGINX_TLS_PORT});
SGOP::write_result('login.txt', SGOP::summary($r, qw(authorize_values state_cookie callback_cookies token client after)));
--- request
GET /login.txt
--- response_body
authorize values: client_id=edge-client code_challenge_method=S256 redirect_uri=https://localhost/session_guard/callback response_type=code scope=openid
state cookie: __Host-sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax Secure
callback cookie: __Host-sg_login HttpOnly Path=/ SameSite=Lax Secure
callback cookie: __Host-sg_login_state (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax Secure
token request: grant_type=authorization_code pkce=ok client_auth=none redirect_uri=same
client: id=edge-client basic=-
after: 200 user=alice acr= uri=/_app/p



=== TEST 19: client_secret_post, a persistent cookie, more scopes and parameters
--- oidc: client_auth=post persistent=on "scope=openid email" params=prompt=consent&ui_locales=fr
--- init
my $r = main::flow([qw(authorize_values callback_cookies token client after)]);
--- request
GET /login.txt
--- response_body
authorize values: client_id=edge-client code_challenge_method=S256 prompt=consent redirect_uri=http://localhost/session_guard/callback response_type=code scope=openid email ui_locales=fr
callback cookie: sg_login HttpOnly Max-Age Path=/ SameSite=Lax
callback cookie: sg_login_state (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
token request: grant_type=authorization_code pkce=ok client_auth=post redirect_uri=same
client: id=edge-client basic=-
after: 200 user=alice acr=1 uri=/_app/page?x=1



=== TEST 20: monitor mode: no redirect, nothing refused, the would-be status kept
--- guard: session_guard zone=sg mode=monitor;
--- request
GET /app/x
--- more_headers
Accept: text/html
--- error_code: 200
--- response_headers
X-Status: MISSING_MONITOR



=== TEST 21: a blocked subject cannot log in: a page, no session cookie
--- init
SGOP::request(Test::Nginx::Util::server_port(), 'PUT',
              '/api/subjects/alice/block', {});
my $r = main::flow([qw(callback)]);
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback)),
    ($r->{callback}{body} =~ /refused by policy/ ? "page\n" : "no page\n"),
    ($r->{session_cookie} ? "cookie\n" : "no cookie\n"));
--- request
GET /login.txt
--- response_body
callback: 403
page
no cookie
--- error_log
login of "alice" refused: subject blocked



=== TEST 22: nginx -t: what the directive needs
--- config
    location / {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_oidc client_id=edge-client authorize=https://idp.test/a
                           token=/t key=$TEST_NGINX_OP/short-key;
    }
--- must_die
--- error_log
must hold at least 32 random bytes



=== TEST 23: nginx -t: scope without openid
--- config
    session_guard_oidc client_id=c authorize=https://idp.test/a token=/t
                       key=$TEST_NGINX_OP/cookie-key scope=email;
--- must_die
--- error_log
"scope=" must be printable ASCII scopes, "openid" among them



=== TEST 24: nginx -t: no issuer where it applies
--- config
    location / {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_oidc client_id=c authorize=https://idp.test/a token=/t
                           key=$TEST_NGINX_OP/cookie-key;
    }
--- must_die
--- error_log
"session_guard_oidc" needs "session_guard_issuer"



=== TEST 25: nginx -t: a relative authorization endpoint, a token location that is no path, missing parts, a bad cookie name
--- config
    session_guard_oidc client_id=c authorize=/a token=/t
                       key=$TEST_NGINX_OP/cookie-key;
--- must_die
--- error_log
"authorize=" must be an absolute http or https URL



=== TEST 26: nginx -t: missing key=
--- config
    session_guard_oidc client_id=c authorize=https://idp.test/a token=/t;
--- must_die
--- error_log
needs client_id=, token= and key=



=== TEST 27: nginx -t: a cookie name with the "__" prefix
--- config
    session_guard_oidc client_id=c authorize=https://idp.test/a token=/t
                       key=$TEST_NGINX_OP/cookie-key cookie=__Host-x;
--- must_die
--- error_log
"cookie=" must be a cookie name



=== TEST 28: logout at the edge tells the applications behind (session_guard_notify), with the session's id and the subject
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h;
    log_format notify escape=none '$request_body';
--- extra
    session_guard_notify /_notify key=$TEST_NGINX_OP/notify.jwk;
    location = /_notify {
        log_subrequest on;
        access_log logs/notify.log notify;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_ok;
    }
    location = /_ok {
        return 200;
    }
--- init
use MIME::Base64 qw(decode_base64url);
my $r = main::flow([qw(callback)]);
main::page($r, '/logout');
my $log = Test::Nginx::Util::html_dir() . '/../logs/notify.log';
my $text = '';
for (1 .. 50) {
    $text = -e $log ? SGTest::read_file($log) : '';
    last if $text =~ /logout_token=/;
    select undef, undef, undef, 0.1;
}
my ($tok) = $text =~ /logout_token=([^&\s]+)/;
my $claims = $tok ? JSON::PP::decode_json(decode_base64url((split /\./, $tok)[1])) : {};
SGOP::write_result('login.txt',
    'notified: ' . join(' ', map { "$_=" . ($claims->{$_} // '-') } qw(sub sid))
    =~ s/sid=[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}$/sid=edge-id/r . "\n");
--- request
GET /login.txt
--- response_body
notified: sub=alice sid=edge-id



=== TEST 29: private_key_jwt: the client's signed assertion, for the issuer or client_aud=
--- oidc: client_key=$TEST_NGINX_OP/client.jwk client_aud=https://idp.test/token
--- init
use Crypt::JWT qw(decode_jwt);
my $r = main::flow([qw(callback token token_form after)]);
my $form = $r->{token_request}{form};
my $pub = Crypt::PK::ECC->new("$main::OP/client.pub.jwk");
my $c = eval { decode_jwt(token => $form->{client_assertion}, key => $pub,
                          accepted_alg => 'ES256') };
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback token token_form after)),
    'assertion: ' . ($c ? join(' ', map { "$_=$c->{$_}" } qw(iss sub aud))
                          . ' ttl=' . ($c->{exp} - $c->{iat})
                          . ' jti=' . (length($c->{jti}) >= 16 ? 'yes' : 'no')
                        : "invalid $@") . "\n",
    "type: $form->{client_assertion_type}\n");
--- request
GET /login.txt
--- response_body
callback: 302 to /app/page?x=1
token request: grant_type=authorization_code pkce=ok client_auth=jwt redirect_uri=same
token form: client_assertion client_assertion_type client_id code code_verifier grant_type redirect_uri
after: 200 user=alice acr=1 uri=/_app/page?x=1
assertion: iss=edge-client sub=edge-client aud=https://idp.test/token ttl=60 jti=yes
type: urn:ietf:params:oauth:client-assertion-type:jwt-bearer



=== TEST 30: nginx -t: a client key that is no private key; secret= and client_key= together
--- oidc: client_key=$TEST_NGINX_OP/client.pub.jwk
--- must_die
--- error_log
client key file
not a private key



=== TEST 31: discovery: the authorization and end_session endpoints read from the provider's document, through a location, before the first login of a worker
--- config
    session_guard_issuer https://idp.test/;
    session_guard_jwks_fetch /_op/jwks discover=/_op/discovery allow_http;
    session_guard_oidc client_id=edge-client token=/_op/token
                       secret=$TEST_NGINX_OP/secret
                       key=$TEST_NGINX_OP/cookie-key logout=/logout;
    location /app/ {
        session_guard zone=sg;
        proxy_set_header X-User $session_guard_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_app/;
    }
    location /session_guard/ { session_guard zone=sg; }
    location = /logout { session_guard zone=sg; }
    location /_app { return 200 "user=$http_x_user\n"; }
    location = /_op/token {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_OP_PORT/token;
    }
    location = /_op/discovery {
        internal;
        default_type application/json;
        return 200 '{"issuer":"https://idp.test/","jwks_uri":"http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys.json","authorization_endpoint":"https://idp.test/authorize2","end_session_endpoint":"https://idp.test/end"}';
    }
    location = /_op/jwks {
        internal;
        proxy_pass $session_guard_jwks_uri;
    }
    location = /keys.json {
        alias $TEST_NGINX_KEYS/all.jwks;
    }
--- init
my $r = main::flow([qw(authorize_to callback after)]);
SGOP::write_result('login.txt', SGOP::summary($r, qw(authorize_to callback after)),
    'logout: ' . main::page($r, '/logout') . "\n");
--- request
GET /login.txt
--- response_body
authorize to: https://idp.test/authorize2
callback: 302 to /app/page?x=1
after: 200 user=alice
logout: 302 to /end cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax



=== TEST 32: discovery: a document whose authorization_endpoint is unusable is refused whole; the login is a 502 page
--- config
    session_guard_issuer https://idp.test/;
    session_guard_jwks_fetch /_op/jwks discover=/_op/discovery allow_http;
    session_guard_oidc client_id=edge-client token=/_op/token
                       key=$TEST_NGINX_OP/cookie-key;
    location /app/ { session_guard zone=sg; }
    location = /_op/discovery {
        internal;
        default_type application/json;
        return 200 '{"issuer":"https://idp.test/","jwks_uri":"http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys.json","authorization_endpoint":"javascript:alert(1)"}';
    }
    location = /_op/jwks {
        internal;
        proxy_pass $session_guard_jwks_uri;
    }
    location = /keys.json {
        alias $TEST_NGINX_KEYS/all.jwks;
    }
--- request
GET /app/x
--- more_headers
Accept: text/html
--- error_code: 502
--- response_body_like: could not be reached
--- error_log
authorization_endpoint unusable



=== TEST 33: nginx -t: neither authorize= nor a discovery
--- config
    location / {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_oidc client_id=c token=/t key=$TEST_NGINX_OP/cookie-key;
    }
--- must_die
--- error_log
"session_guard_oidc" needs "authorize=", or "session_guard_jwks_fetch ... discover="



=== TEST 34: tokens=: the access token is kept at the edge, never in a cookie, and forwarded; the client's own Authorization is replaced
--- oidc: tokens=sgtok:64k
--- extra
    location /tok/ {
        session_guard zone=sg;
        proxy_set_header Authorization "Bearer $session_guard_access_token";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_tok/;
    }
    location /_tok/ {
        return 200 "auth=$http_authorization\n";
    }
--- init
my $r = SGOP::login(dir => $main::OP, path => '/tok/x',
                    token_fields => { access_token => 'at-first.token', expires_in => 3600 });
my $cookie_has = grep({ /at-first/ } @{ $r->{callback}{set_cookie} }) ? 'yes' : 'no';
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback after)),
    "token in a cookie: $cookie_has\n",
    'forged: ' . main::page($r, '/tok/y', Authorization => 'Bearer mine') . "\n");
--- request
GET /login.txt
--- response_body
callback: 302 to /tok/x
after: 200 auth=Bearer at-first.token
token in a cookie: no
forged: 200 auth=Bearer at-first.token



=== TEST 35: tokens=: an answer without an access_token, or with one that is no token, is a failed login
--- oidc: tokens=sgtok:64k
--- init
my @out;
for my $case ([ 'none', { access_token => undef } ],
              [ 'header injection', { access_token => "a\r\nX-Evil: 1" } ],
              [ 'bad expires_in', { expires_in => 'soon' } ]) {
    my ($name, $f) = @$case;
    my $r = SGOP::login(dir => $main::OP, path => '/app/p', token_fields => $f);
    push @out, "$name: $r->{callback}{status}\n";
}
SGOP::write_result('login.txt', @out, main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
none: 502
header injection: 502
bad expires_in: 502
sessions: 
--- error_log
the token endpoint's answer: no access_token
the token endpoint's answer: access_token too long or not a token
the token endpoint's answer: expires_in not a number of seconds



=== TEST 36: refresh=on: an access token in the second half of its life is refreshed first, with the kept refresh token; a rotated refresh token is kept
--- oidc: tokens=sgtok:64k refresh=on
--- extra
    location /tok/ {
        session_guard zone=sg;
        proxy_set_header Authorization "Bearer $session_guard_access_token";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_tok/;
    }
    location /_tok/ {
        return 200 "auth=$http_authorization\n";
    }
--- init
# the refresh answers, by refresh token: rt-1 rotates to rt-2
SGTest::write_file("$main::OP/refresh-rt-1.json", JSON::PP::encode_json(
    { status => 200, body => { access_token => 'at-2', expires_in => 4,
                               refresh_token => 'rt-2', token_type => 'Bearer' } }));
SGTest::write_file("$main::OP/refresh-rt-2.json", JSON::PP::encode_json(
    { status => 200, body => { access_token => 'at-3', expires_in => 3600,
                               token_type => 'Bearer' } }));
my $r = SGOP::login(dir => $main::OP, path => '/tok/x',
                    token_fields => { access_token => 'at-1', expires_in => 4,
                                      refresh_token => 'rt-1' });
my @out = (SGOP::summary($r, qw(callback after)));
# refreshed in the second half of its life (2 s of 4 here; once it has
# expired too, should this machine be slow)
Time::HiRes::sleep(2.5);
push @out, 'next: ' . main::page($r, '/tok/y') . "\n";
Time::HiRes::sleep(2.5);
push @out, 'again: ' . main::page($r, '/tok/y') . "\n";
push @out, 'then: ' . main::page($r, '/tok/z') . "\n";
my @reqs = grep { $_->{form}{grant_type} eq 'refresh_token' }
           map { JSON::PP::decode_json($_) }
           split /\n/, SGTest::read_file("$main::OP/requests.log");
push @out, 'refresh requests: ' . join(', ', map {
    "$_->{form}{refresh_token} auth=" . ($_->{authorization} ? 'basic' : 'none') } @reqs) . "\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
callback: 302 to /tok/x
after: 200 auth=Bearer at-1
next: 200 auth=Bearer at-2
again: 200 auth=Bearer at-3
then: 200 auth=Bearer at-3
refresh requests: rt-1 auth=basic, rt-2 auth=basic
--- timeout: 40



=== TEST 37: refresh=on: a refused refresh goes on with a still-valid token, and ends a login whose token expired; logout forgets the tokens
--- oidc: tokens=sgtok:64k refresh=on
--- extra
    location /tok/ {
        session_guard zone=sg;
        proxy_set_header Authorization "Bearer $session_guard_access_token";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_tok/;
    }
    location /_tok/ {
        return 200 "auth=$http_authorization\n";
    }
--- init
my @out;
my $r = SGOP::login(dir => $main::OP, path => '/tok/x',
                    token_fields => { access_token => 'at-a', expires_in => 8,
                                      refresh_token => 'rt-gone' });
Time::HiRes::sleep(4.5);
push @out, 'after: ' . main::page($r, '/tok/y') . "\n";
my $e = SGOP::login(dir => $main::OP, path => '/tok/x',
                    token_fields => { access_token => 'at-b', expires_in => 0,
                                      refresh_token => 'rt-gone' });
push @out, 'expired: ' . ($e->{after}{status} // '-') . ' to '
    . (($e->{after}{headers}{location} // '') =~ s{^https?://[^/?]+}{}r =~ s/\?.*//r) . "\n";
push @out, 'logout: ' . main::page($r, '/logout') . "\n";
SGOP::write_result('login.txt', @out);
--- request
GET /login.txt
--- response_body
after: 200 auth=Bearer at-a
expired: 302 to /authorize
logout: 302 to / cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
--- error_log
failed: refused (status 400), going on with the current one
failed: refused (status 400); the login ends
--- timeout: 30



=== TEST 38: session_guard_require holds for the login's claims as for a token's
--- oidc: claims=email
--- guard: session_guard zone=sg; session_guard_require $session_guard_claim_email error=403;
--- init
my $a = SGOP::login(dir => $main::OP, path => '/app/p',
                    claims => { email => 'alice@example.com' });
my $b = SGOP::login(dir => $main::OP, path => '/app/p', claims => { sub => 'bob' });
SGOP::write_result('login.txt', 'with email: ' . main::page($a, '/app/a') . "\n",
    'without: callback ' . $b->{callback}{status}
    . ($b->{callback}{body} =~ /refused by policy/ ? ' page' : '') . "\n");
--- request
GET /login.txt
--- response_body
with email: 200 user=alice acr=1 uri=/_app/a
without: callback 403 page



=== TEST 39: an "iss" on the way back that is not the issuer is a mix-up: refused before the exchange (RFC 9207); the right one passes
--- init
my $bad = SGOP::login(dir => $main::OP, path => '/app/p',
                      params => { iss => 'https://evil.test/' });
my $good = SGOP::login(dir => $main::OP, path => '/app/p',
                       params => { iss => 'https://idp.test/' });
SGOP::write_result('login.txt',
    "other iss: $bad->{callback}{status} token requests "
    . ($bad->{token_requests} // 0) . "\n",
    "our iss: $good->{callback}{status}\n");
--- request
GET /login.txt
--- response_body
other iss: 401 token requests 0
our iss: 302
--- error_log
login refused: iss "https://evil.test/" is not the issuer



=== TEST 40: a client secret of any printable characters is sent percent-encoded (client_secret_basic)
--- init
my $r = main::flow([qw(callback client)]);
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback client)),
    'password: ' . $r->{basic_password} . "\n");
--- oidc: secret=$TEST_NGINX_OP/secret2
--- request
GET /login.txt
--- response_body
callback: 302 to /app/page?x=1
client: id=- basic=edge-client
password: a+b=c&d%e f"#



=== TEST 41: a login that must itself step up (an old authentication where max_age applies) goes back to the provider once; a fresh one passes, a stale one again gets the page
--- extra
    session_guard_require_auth max_age=60s;
--- init
use URI;
my $now = time;
my @out;
for my $second ($now, $now - 600) {
    my $r = SGOP::login(dir => $main::OP, path => '/app/p', follow => 0,
                        claims => { auth_time => $now - 600 });
    my $loc = URI->new($r->{callback}{location} // '');
    my %q = $loc->query_form;
    push @out, "first: $r->{callback}{status} prompt=" . ($q{prompt} // '-')
        . ' max_age=' . ($q{max_age} // '-') . "\n";
    my ($pair) = map { (SGOP::cookie_pair($_))[0] }
                 grep { /sg_login_state=[^;]/ } @{ $r->{callback}{set_cookie} };
    my $s = SGOP::login(dir => $main::OP, path => undef, state => $q{state},
                        cookie => $pair, claims => { nonce => $q{nonce},
                                                     auth_time => $second });
    push @out, 'again, ' . ($second == $now ? 'fresh' : 'stale') . ': '
        . "$s->{callback}{status}"
        . ($s->{callback}{location} ? ' to ' . ($s->{callback}{location} =~ s{^https?://[^/]+}{}r) : '')
        . ($s->{callback}{body} =~ /refused by policy/ ? ' page' : '')
        . ($s->{after} ? " then $s->{after}{status}" : '') . "\n";
}
SGOP::write_result('login.txt', @out, main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
first: 302 prompt=login max_age=60
again, fresh: 302 to /app/p then 200
first: 302 prompt=login max_age=60
again, stale: 401 page
sessions: edge-id live, edge-id live
--- error_log
the login of "alice" must step up: authentication too old



=== TEST 42: headers=: the edge owns X-User and X-Acr: the client's copies (any case, "_" for "-") never reach the application, the login's claims do, also in monitor mode
--- oidc: headers=X-User:sub,X-Acr:acr
--- extra
    underscores_in_headers on;
    location /own/ {
        session_guard zone=sg;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_own/;
    }
    location /mon/ {
        session_guard zone=sg mode=monitor;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_own/;
    }
    location /_own/ {
        return 200 "headers=$http_x_user|$http_x_acr\n";
    }
--- init
my $r = SGOP::login(dir => $main::OP, path => '/own/x');
my @forged = ('X-User' => 'mallory', 'x-user' => 'eve', 'X_User' => 'trudy',
              'X-Acr' => 'gold');
my ($st, $h, $body) = SGOP::get(Test::Nginx::Util::server_port(), '/own/y',
    [Cookie => $r->{session_cookie_pair}, @forged]);
my ($st2, $h2, $body2) = SGOP::get(Test::Nginx::Util::server_port(), '/mon/y',
    [@forged]);
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback after)),
    "forged with a login: $st $body", "forged without, monitor: $st2 $body2");
--- request
GET /login.txt
--- response_body
callback: 302 to /own/x
after: 200 headers=alice|1
forged with a login: 200 headers=alice|1
forged without, monitor: 200 headers=|
--- error_log
the client's own identity headers were removed



=== TEST 43: nginx -t: headers= with an "_" in a name
--- config
    session_guard_oidc client_id=c authorize=https://idp.test/a token=/t
                       key=$TEST_NGINX_OP/cookie-key headers=X_User:sub;
--- must_die
--- error_log
"headers=" must be up to 16 pairs NAME:CLAIM



=== TEST 44: max_sessions counts a subject's edge logins: the oldest is replaced, or a new one refused
--- guard: session_guard zone=sg; session_guard_max_sessions 1 replace_oldest;
--- init
my $a = SGOP::login(dir => $main::OP, path => '/app/p');
my $b = SGOP::login(dir => $main::OP, path => '/app/p');
SGOP::write_result('login.txt',
    'a: ' . main::page($a, '/app/a') . "\n",
    'b: ' . main::page($b, '/app/b') . "\n", main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
a: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
b: 200 user=alice acr=1 uri=/_app/b
sessions: edge-id limit, edge-id live



=== TEST 45: max_sessions ... deny: a second login of the subject gets the policy page, no cookie
--- guard: session_guard zone=sg; session_guard_max_sessions 1 deny;
--- init
my $a = SGOP::login(dir => $main::OP, path => '/app/p');
my $b = SGOP::login(dir => $main::OP, path => '/app/p');
SGOP::write_result('login.txt',
    "second: $b->{callback}{status}"
    . ($b->{callback}{body} =~ /refused by policy/ ? ' page' : '')
    . ($b->{session_cookie} ? ' cookie' : ' no cookie') . "\n",
    'first: ' . main::page($a, '/app/a') . "\n");
--- request
GET /login.txt
--- response_body
second: 403 page no cookie
first: 200 user=alice acr=1 uri=/_app/a



=== TEST 46: a session cookie is bound to its issuer and client: under the same key, zone and cookie name, another client's location does not take it
--- extra
    location /other/ {
        session_guard zone=sg;
        session_guard_oidc client_id=other-client
                           authorize=https://idp.test/authorize
                           token=/_op/token key=$TEST_NGINX_OP/cookie-key;
        proxy_set_header X-User $session_guard_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_app/;
    }
--- init
my $r = SGOP::login(dir => $main::OP, path => '/app/p');
SGOP::write_result('login.txt', 'own: ' . main::page($r, '/app/a') . "\n",
    'other client: ' . main::page($r, '/other/a') . "\n");
--- request
GET /login.txt
--- response_body
own: 200 user=alice acr=1 uri=/_app/a
other client: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
--- error_log
no edge login: login cookie does not open



=== TEST 47: a revoked session's tokens are forgotten, never refreshed
--- oidc: tokens=sgtok:64k refresh=on
--- extra
    location /tok/ {
        session_guard zone=sg;
        proxy_set_header Authorization "Bearer $session_guard_access_token";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_tok/;
    }
    location /_tok/ {
        return 200 "auth=$http_authorization\n";
    }
--- init
SGTest::write_file("$main::OP/refresh-rt-r.json", JSON::PP::encode_json(
    { status => 200, body => { access_token => 'at-new', expires_in => 3600 } }));
my $r = SGOP::login(dir => $main::OP, path => '/tok/x', follow => 0,
                    token_fields => { access_token => 'at-r', expires_in => 0,
                                      refresh_token => 'rt-r' });
SGOP::request(Test::Nginx::Util::server_port(), 'DELETE',
              '/api/subjects/alice/sessions', {});
my $then = main::page($r, '/tok/y');
my @reqs = grep { ($_->{form}{grant_type} // '') eq 'refresh_token' }
           map { JSON::PP::decode_json($_) }
           split /\n/, SGTest::read_file("$main::OP/requests.log");
SGOP::write_result('login.txt', "then: $then\n",
    'refresh requests: ' . scalar(grep { $_->{form}{refresh_token} eq 'rt-r' } @reqs) . "\n");
--- request
GET /login.txt
--- response_body
then: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
refresh requests: 0



=== TEST 48: monitor mode: the logout path still logs out and redirects (the edge's own answer)
--- logout_guard: session_guard zone=sg mode=monitor;
--- init
my $r = main::flow([qw(callback)]);
SGOP::write_result('login.txt', SGOP::summary($r, qw(callback after)),
    'logout: ' . main::page($r, '/logout') . "\n",
    main::sessions('alice'), "\n");
--- request
GET /login.txt
--- response_body
callback: 302 to /app/page?x=1
after: 200 user=alice acr=1 uri=/_app/page?x=1
logout: 302 to / cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax
sessions: edge-id logout



=== TEST 49: nginx -t: claims= naming a claim kept anyway, or one twice
--- oidc: claims=email,sub
--- must_die
--- error_log
"claims=" names "sub" twice, or a claim kept anyway



=== TEST 50: nginx -t: a redirect path that a normalized request path never equals
--- oidc: redirect=/cb/../x
--- must_die
--- error_log
invalid parameter "redirect=/cb/../x"



=== TEST 51: nginx -t: one session_guard_oidc where two zones apply
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h;
    session_guard_zone zone=sg2:1m;
--- extra
    location /z2/ { session_guard zone=sg2; }
--- must_die
--- error_log
"session_guard_oidc" applies with two zones



=== TEST 52: back-channel logout by sid alone (no sub) ends the logins of that provider session, not the others
--- init
my $a = SGOP::login(dir => $main::OP, path => '/app/p',
                    claims => { sid => 'idp-sid-7' });
my $b = SGOP::login(dir => $main::OP, path => '/app/p',
                    claims => { sid => 'idp-sid-8' });
my ($st) = SGOP::request(Test::Nginx::Util::server_port(), 'POST',
    '/bc-logout',
    { 'Content-Type' => 'application/x-www-form-urlencoded' },
    'logout_token=' . main::logout_token(sid => 'idp-sid-7', sub => undef));
SGOP::write_result('login.txt', "logout: $st\n",
    'a: ' . main::page($a, '/app/a') . "\n",
    'b: ' . main::page($b, '/app/a') . "\n");
--- request
GET /login.txt
--- response_body
logout: 200
a: 302 to /authorize cookie: sg_login (empty) Expires=past HttpOnly Max-Age=0 Path=/ SameSite=Lax cookie: sg_login_state HttpOnly Max-Age Path=/ SameSite=Lax
b: 200 user=alice acr=1 uri=/_app/a
--- error_log
1 edge login(s) of the provider's session "idp-sid-7" revoked by a back-channel logout
