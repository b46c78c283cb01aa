# Variables: status, reason, sub, sid and claims (nested, typed), exposed
# only for tokens that passed every check.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n");
    $block->set_value('request', "GET /t\n") unless defined $block->request;
});

run_tests();

__DATA__

=== TEST 1: nested members, arrays, numbers and booleans
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Roles $session_guard_claim_realm_access__roles;
        add_header X-Tier $session_guard_claim_org__plan__tier;
        add_header X-Level $session_guard_claim_level;
        add_header X-Verified $session_guard_claim_email_verified;
        add_header X-Obj $session_guard_claim_org__plan;
        add_header X-Missing "[$session_guard_claim_nope]";
        add_header X-Deep-Missing "[$session_guard_claim_sub__x]";
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => {
    realm_access => { roles => ['admin', 'user'] },
    org => { plan => { tier => 'gold' } },
    level => 3,
    email_verified => JSON::PP::true,
})
--- response_headers
X-Roles: ["admin","user"]
X-Tier: gold
X-Level: 3
X-Verified: true
X-Obj: {"tier":"gold"}
X-Missing: []
X-Deep-Missing: []



=== TEST 2: status and reason for each outcome
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $arg_ok error=403;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
--- request eval
["GET /t?ok=1", "GET /t?ok=1", "GET /t?ok=1", "GET /t?ok=0"]
--- more_headers eval
["Authorization: Bearer " . sg_token(),
 "",
 "Authorization: Bearer " . sg_token(ttl => -60),
 "Authorization: Bearer " . sg_token()]
--- error_code eval
[200, 401, 401, 403]
--- response_headers_like eval
["X-Status: ^ALLOW\$", "X-Status: ^MISSING\$", "X-Status: ^INVALID\$",
 "X-Status: ^DENY\$"]



=== TEST 3: claims of a rejected token are never exposed
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Sub "[$session_guard_sub]" always;
        add_header X-Role "[$session_guard_claim_role]" always;
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(key => 'attacker',
                                    claims => { role => 'admin' })
--- error_code: 401
--- response_headers
X-Sub: []
X-Role: []



=== TEST 4: a claim read before the access phase does not stick
--- config
    location /t {
        set $early "[$session_guard_sub]";
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Early $early;
        add_header X-Late "[$session_guard_sub]";
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => { sub => 'carol' })
--- response_headers
X-Early: []
X-Late: [carol]



=== TEST 5: variables can feed the access log
--- http_config
    log_format guard "guard $session_guard_status $session_guard_sub "
                     "$session_guard_sid \"$session_guard_reason\"";
--- config
    location /t {
        access_log logs/guard.log guard;
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
    location /log {
        alias logs/guard.log;
    }
--- request eval
["GET /t", "GET /t", "GET /log"]
--- more_headers eval
["Authorization: Bearer " . sg_token(claims => { sub => 'dave', sid => 'S9' }),
 "Authorization: Bearer garbage", ""]
--- error_code eval
[200, 401, 200]
--- response_body_like eval
["protected", "401", qr/^guard ALLOW dave S9 "-"\nguard INVALID - - "malformed token"\n$/]



=== TEST 6: claim_set reaches names that variable names cannot hold
--- http_config
    session_guard_claim_set $roles https://example.com/roles;
    session_guard_claim_set $is_admin isAdmin;
    session_guard_claim_set $tier org plan tier;
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Roles $roles;
        add_header X-Admin $is_admin;
        add_header X-Tier $tier;
        add_header X-Lower "[$session_guard_claim_isadmin]";
    }
--- more_headers eval
"Authorization: Bearer " . sg_token(claims => {
    'https://example.com/roles' => ['editor'],
    isAdmin => JSON::PP::false,
    org => { plan => { tier => 'silver' } },
})
--- response_headers
X-Roles: ["editor"]
X-Admin: false
X-Tier: silver
X-Lower: []



=== TEST 7: claim_set with a name that is taken
--- http_config
    session_guard_claim_set $host sub;
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*duplicate "host" variable/



=== TEST 8: claims with control characters never inject a header upstream
(issue 14, finding 6): CR, LF, DEL are percent-encoded in every variable
that carries token data (sub, sid, the session id, claims, claim_set),
any other byte kept as it is
--- http_config
    session_guard_zone zone=sg:1m;
    session_guard_claim_set $display Display Name;
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;
        location / {
            return 200 "injected=[$http_x_injected]
user=[$http_x_user]
sub=[$http_x_sub]
sid=[$http_x_sid]
session=[$http_x_session]
display=[$http_x_display]
roles=[$http_x_roles]
plain=[$http_x_plain]
";
        }
    }
--- config
    location /api/ {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        proxy_set_header X-User $session_guard_claim_name;
        proxy_set_header X-Sub $session_guard_sub;
        proxy_set_header X-Sid $session_guard_sid;
        proxy_set_header X-Session $session_guard_session_id;
        proxy_set_header X-Display $display;
        proxy_set_header X-Roles $session_guard_claim_roles;
        proxy_set_header X-Plain $session_guard_claim_plain;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT;
    }
--- request eval
["GET /api/me", "GET /api/me"]
--- more_headers eval
["Authorization: Bearer " . sg_token(claims => {
    name => "Alice\r\nX-Injected: admin=true",
    sub => "bob\r\nX-Injected: sub",
    sid => "s-8\r\nX-Injected: sid",
    Display => { Name => "Eve\r\nX-Injected: display" },
    roles => ["a", "b"],
    plain => "plain",
 }),
 "Authorization: Bearer " . sg_token(claims => {
    name => "Al\x{7f}ice\n",
    sub => "bob\nX-Injected: sub",
    sid => "s-8b\x01\t",
    Display => { Name => "\x{7f}Eve\rX-Injected: display\t" },
    roles => ["a\x{7f}", "b\r\nX-Injected: role"],
    plain => "50% off \\ \"q\" %0D%0A caf\x{e9}",
 })]
--- error_code eval
[200, 200]
--- response_body eval
["injected=[]
user=[Alice%0D%0AX-Injected: admin=true]
sub=[bob%0D%0AX-Injected: sub]
sid=[s-8%0D%0AX-Injected: sid]
session=[s-8%0D%0AX-Injected: sid]
display=[Eve%0D%0AX-Injected: display]
roles=[[\"a\",\"b\"]]
plain=[plain]
",
"injected=[]
user=[Al%7Fice%0A]
sub=[bob%0AX-Injected: sub]
sid=[s-8b%01%09]
session=[s-8b%01%09]
display=[%7FEve%0DX-Injected: display%09]
roles=[[\"a%7F\",\"b\\r\\nX-Injected: role\"]]
plain=[50% off \\ \"q\" %0D%0A caf\xc3\xa9]
"]



=== TEST 9: the token's cnf.jkt, any string, is escaped too
--- config
    location /t {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Cnf "[$session_guard_cnf_jkt]" always;
    }
--- more_headers eval
"Authorization: Bearer "
. sg_token(claims => { cnf => { jkt => "k\r\nX-Injected: cnf" } })
--- error_code: 401
--- response_headers
X-Cnf: [k%0D%0AX-Injected: cnf]
!X-Injected
