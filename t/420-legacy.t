# Legacy applications: the session is the application's own cookie, no
# token at all.  A revoked or expired session: browsers are sent to the
# login URL, API clients get 401, and the edge deletes the cookie.  A
# logout location revokes the session at the edge too.  Hostile Cookie
# headers (duplicates, many cookies, very long values, no '=').
#
# Client addresses come from X-Forwarded-For through the realip module.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

# a request of the legacy application's client
sub app {
    my ($cookie, %o) = @_;
    my $h = (defined $cookie ? "Cookie: PHPSESSID=$cookie\r\n" : '')
            . "X-Forwarded-For: " . ($o{ip} || '1.128.0.0') . "\r\n"
            . "User-Agent: " . ($o{ua} || 'Mozilla/5.0 (a)');
    $h .= "\r\nAccept: text/html,application/xhtml+xml" if $o{browser};
    $h .= "\r\n$o{h}" if $o{h};
    return $h;
}

our $DEL = 'PHPSESSID=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; '
           . 'Path=/';

our $LEGACY = <<'_EOC_';
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_cookie name=PHPSESSID;
        session_guard_login /login;
        add_header X-Status $session_guard_status always;
_EOC_

# GET /pause takes about 2.5 s (2,500 bytes at 1,000 bytes/s)
add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pause\n" . ('.' x 2499) . "\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    my $config = $block->config;
    $config =~ s/\@LEGACY\@/$main::LEGACY/g;
    $block->set_value('config', <<'_EOC_' . $config);
    location = /pause {
        limit_rate_after 0;
        limit_rate 1000;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a revoked session: a browser goes to the login page, an API
client gets 401 (no bearer challenge), and both lose the cookie
--- config
    location /t {
        @LEGACY@
        session_guard_on_change ua=revoke;
    }
--- request eval
["GET /t", "GET /t?a=1", "GET /t"]
--- more_headers eval
[main::app('k1'), main::app('k1', ua => 'curl/8', browser => 1),
 main::app('k1')]
--- error_code eval
[200, 302, 401]
--- response_headers_like eval
["X-Status: ALLOW",
 "Location: http://localhost(:\\d+)?/login\\?return_to=%2Ft%3Fa%3D1\nSet-Cookie: \Q$main::DEL\E\nX-Status: REVOKED",
 "Set-Cookie: \Q$main::DEL\E\nX-Status: REVOKED"]
--- response_headers eval
["", "", "!WWW-Authenticate"]



=== TEST 2: the same cookie replayed from another address is revoked; the
session stays refused from the first one too
--- config
    location /t {
        @LEGACY@
        session_guard_on_change ip=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::app('k2', ip => '1.128.0.0'),
 main::app('k2', ip => '149.101.100.0', browser => 1),
 main::app('k2', ip => '1.128.0.0', browser => 1)]
--- error_code eval
[200, 302, 302]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip]\nX-Status: REVOKED",
 "X-Status: REVOKED"]



=== TEST 3: an expired session (idle): the login page, the cookie deleted
--- config
    location /t {
        @LEGACY@
        session_guard_lifetime idle=1s;
    }
--- request eval
["GET /t", "GET /pause", "GET /t"]
--- more_headers eval
[main::app('k3'), "", main::app('k3', browser => 1)]
--- error_code eval
[200, 200, 302]
--- response_headers_like eval
["X-Status: ALLOW", "",
 "Location: http://localhost(:\\d+)?/login\\?return_to=%2Ft\nSet-Cookie: \Q$main::DEL\E\nX-Status: EXPIRED"]
--- timeout: 10



=== TEST 4: no session cookie where one is required: the login page for
browsers (nothing to delete), 401 for API clients
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID missing=deny;
        session_guard_cookie name=PHPSESSID;
        session_guard_login /login;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::app(undef, browser => 1), main::app(undef)]
--- error_code eval
[302, 401]
--- response_headers_like eval
["Location: http://localhost(:\\d+)?/login\\?return_to=%2Ft", ""]
--- response_headers eval
["!Set-Cookie", "!Set-Cookie\n!WWW-Authenticate\n!Location"]



=== TEST 5: with tokens: no token, or a bad one, sends a browser to the
login page; an API client gets its bearer challenge
--- config
    location /t {
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard on;
        session_guard_login https://login.test/start?app=1;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
["Accept: text/html",
 "Accept: text/html\r\nAuthorization: Bearer " . sg_token(key => 'attacker'),
 ""]
--- error_code eval
[302, 302, 401]
--- response_headers eval
["Location: https://login.test/start?app=1&return_to=%2Ft",
 "Location: https://login.test/start?app=1&return_to=%2Ft",
 "WWW-Authenticate: Bearer\n!Location"]



=== TEST 6: a logout location revokes the session at the edge (source
"logout") and deletes the cookie; the application's logout still runs
--- config
    location /t {
        @LEGACY@
    }
    location = /logout {
        alias html/t;
        @LEGACY@
        session_guard_logout on;
        add_header X-Revoked $session_guard_session_revoked always;
    }
--- request eval
["GET /t", "GET /logout", "GET /t", "GET /t"]
--- more_headers eval
[main::app('k6'), main::app('k6'), main::app('k6', browser => 1),
 main::app('k6')]
--- error_code eval
[200, 200, 302, 401]
--- response_headers_like eval
["X-Status: ALLOW",
 "Set-Cookie: \Q$main::DEL\E\nX-Status: ALLOW\nX-Revoked: logout",
 "Set-Cookie: \Q$main::DEL\E\nX-Status: REVOKED", "X-Status: REVOKED"]



=== TEST 7: the application's own cookie in the logout response comes after
the edge's deletion, so that a new session cookie wins
--- config
    location = /logout {
        alias html/t;
        @LEGACY@
        session_guard_logout on;
        add_header Set-Cookie "PHPSESSID=fresh; Path=/; HttpOnly";
    }
--- request
GET /logout
--- more_headers eval
main::app('k7')
--- raw_response_headers_like eval
"\r\nSet-Cookie: \Q$main::DEL\E\r\n.*\r\nSet-Cookie: PHPSESSID=fresh; Path=/; HttpOnly\r\n"
--- error_log eval
'session_guard: session "' . sg_id('k7') . '" of "" logged out'



=== TEST 8: an application whose logout sets the same session id again:
that Set-Cookie is made a deletion (the id is dead at the edge)
--- config
    location = /logout {
        alias html/t;
        @LEGACY@
        session_guard_logout on;
        add_header Set-Cookie "PHPSESSID=$cookie_PHPSESSID; Path=/";
        add_header Set-Cookie "PHPSESSID=other; Path=/";
    }
--- request
GET /logout
--- more_headers eval
main::app('k8')
--- raw_response_headers_like eval
"\r\nSet-Cookie: \Q$main::DEL\E\r\n.*\r\nSet-Cookie: PHPSESSID=k8; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT\r\nSet-Cookie: PHPSESSID=other; Path=/\r\n"



=== TEST 9: logout without a session: nothing to revoke or delete
--- config
    location = /logout {
        alias html/t;
        @LEGACY@
        session_guard_logout on;
    }
--- request
GET /logout
--- more_headers eval
main::app(undef)
--- response_headers
!Set-Cookie
--- no_error_log
logged out



=== TEST 10: logout is honoured in monitor mode, and whatever the verdict
--- config
    location = /logout {
        alias html/t;
        session_guard zone=sg mode=monitor;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_cookie name=PHPSESSID;
        session_guard_logout on;
    }
    location = /logout2 {
        alias html/t;
        @LEGACY@
        session_guard_on_change ua=deny;
        session_guard_logout on;
    }
    location /t {
        @LEGACY@
    }
--- request eval
["GET /logout", "GET /t", "GET /t?second", "GET /logout2", "GET /t"]
--- more_headers eval
[main::app('k9'), main::app('k9'), main::app('k9b'),
 main::app('k9b', ua => 'other'), main::app('k9b', ua => 'other')]
--- error_code eval
[200, 401, 200, 403, 401]



=== TEST 11: session_guard_logout needs the guard and a zone there
--- config
    location = /logout {
        session_guard_logout on;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_logout" needs "session_guard zone=\.\.\." in the same location/



=== TEST 12: hostile Cookie headers: a duplicated session cookie is refused
(an application may read another one than $cookie_ does), the one among
many, a later Cookie header, no '=', an empty value
--- config
    location /t {
        @LEGACY@
        add_header X-Id "[$session_guard_session_id]" always;
        add_header X-Reason "[$session_guard_reason]" always;
    }
--- request eval
[("GET /t") x 6]
--- more_headers eval
["Cookie: PHPSESSID=first; PHPSESSID=second",
 "Cookie: " . CORE::join('; ', map { "c$_=v$_" } 1 .. 150) . "; PHPSESSID=last",
 "Cookie: a=1\r\nCookie: PHPSESSID=later",
 "Cookie: PHPSESSID",
 "Cookie: PHPSESSID=",
 "Cookie: PHPSESSIDX=1; XPHPSESSID=2"]
--- error_code eval
[401, 200, 200, 200, 200, 200]
--- response_headers eval
["X-Id: []\nX-Reason: [duplicate session cookie]",
 "X-Id: [" . sg_id('last') . "]", "X-Id: [" . sg_id('later') . "]",
 "X-Id: []", "X-Id: []", "X-Id: []"]



=== TEST 13: other cookies in the request change nothing about the session
--- config
    location /t {
        @LEGACY@
        session_guard_on_change ua=revoke ip=revoke;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::app('k12'),
 "Cookie: theme=dark; PHPSESSID=k12; tracking=\"a;b\"\r\nX-Forwarded-For: 1.128.0.0\r\nUser-Agent: Mozilla/5.0 (a)",
 "Cookie: PHPSESSID=k12\r\nCookie: other=" . ('x' x 3000) . "\r\nX-Forwarded-For: 1.128.0.0\r\nUser-Agent: Mozilla/5.0 (a)"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: []"]



=== TEST 14: a very long session cookie: the key is its digest, and a
Set-Cookie of the same value still names that session
--- config
    location /t {
        @LEGACY@
        session_guard_lifetime absolute=$arg_life;
        add_header X-Id $session_guard_session_id always;
        add_header Set-Cookie "PHPSESSID=$cookie_PHPSESSID; Max-Age=86400";
    }
--- request eval
["GET /t?life=1h", "GET /t?life=3h"]
--- more_headers eval
[main::app('L' x 3000), main::app('L' x 3000)]
--- error_code eval
[200, 200]
--- response_headers_like eval
["X-Id: sha256:[A-Za-z0-9_-]{43}", "X-Id: sha256:[A-Za-z0-9_-]{43}"]
--- raw_response_headers_like eval
["Set-Cookie: PHPSESSID=L{3000}; Max-Age=(3600|3599); Expires=",
 "Set-Cookie: PHPSESSID=L{3000}; Max-Age=(3600|3599); Expires="]



=== TEST 15: the deletion carries the cookie's path, domain and flags; the
login URL may use variables, and another return parameter
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_cookie name=PHPSESSID path=/app domain=example.test secure httponly samesite=lax;
        session_guard_login https://$host/login return=next;
        session_guard_on_change ua=revoke;
    }
--- request eval
["GET /t", "GET /t/x"]
--- more_headers eval
[main::app('k14'), main::app('k14', ua => 'b', browser => 1)]
--- error_code eval
[200, 302]
--- response_headers eval
["",
 "Location: https://localhost/login?next=%2Ft%2Fx\nSet-Cookie: PHPSESSID=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/app; Domain=example.test; Secure; HttpOnly; SameSite=Lax"]



=== TEST 16: "session_guard_login off": no redirect there
--- config
    session_guard_login /login;
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID missing=deny;
        session_guard_login off;
    }
--- request
GET /t
--- more_headers eval
main::app(undef, browser => 1)
--- error_code: 401
--- response_headers
!Location



=== TEST 17: without session_guard_cookie there is no cookie to delete
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_on_change ua=revoke;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::app('k16'), main::app('k16', ua => 'b')]
--- error_code eval
[200, 401]
--- response_headers eval
["", "!Set-Cookie"]



=== TEST 18: monitor mode: a revoked session goes on, cookie included; the
edge deletes nothing
--- config
    location /t {
        session_guard zone=sg mode=monitor;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_cookie name=PHPSESSID;
        session_guard_login /login;
        session_guard_on_change ua=revoke;
        add_header X-Status $session_guard_status always;
        add_header Set-Cookie "PHPSESSID=$cookie_PHPSESSID; Path=/";
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::app('m1'), main::app('m1', ua => 'b', browser => 1),
 main::app('m1', ua => 'b', browser => 1)]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["Set-Cookie: PHPSESSID=m1; Path=/\nX-Status: ALLOW",
 "Set-Cookie: PHPSESSID=m1; Path=/\nX-Status: REVOKED_MONITOR\n!Location",
 "Set-Cookie: PHPSESSID=m1; Path=/\nX-Status: REVOKED_MONITOR\n!Location"]



=== TEST 19: the cookie is a credential: the zone, the API and the events
know the session by the cookie's digest only
--- config
    location /t {
        @LEGACY@
        add_header X-Id $session_guard_session_id always;
        add_header X-Event $session_guard_event always;
        session_guard_on_change ua=revoke;
    }
    location /session-guard/ {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t",
 "GET /session-guard/sessions/" . sg_id('cookie-secret-19'),
 "GET /session-guard/sessions/cookie-secret-19"]
--- more_headers eval
[main::app('cookie-secret-19'), main::app('cookie-secret-19', ua => 'b'),
 "", ""]
--- error_code eval
[200, 401, 200, 404]
--- response_headers_like eval
["X-Id: sha256:[A-Za-z0-9_-]{43}",
 "X-Event: (?!.*cookie-secret).*\"session-revoked\".*\"id\":\""
   . sg_id('cookie-secret-19') . "\".*",
 "", ""]
--- response_body_like eval
["protected", "", "\"id\":\"" . sg_id('cookie-secret-19') . "\"", ""]



=== TEST 20: a duplicated session cookie in every spelling a reader takes
(issue 14, finding 3): a space before '=', pairs split on ',', a header
split over several Cookie lines, another letter case, a percent-encoded
name, a pair without '='; each refused whichever one the application
would read
--- config
    location /t {
        @LEGACY@
        add_header X-Id "[$session_guard_session_id]" always;
        add_header X-Reason "[$session_guard_reason]" always;
    }
--- request eval
[("GET /t") x 9]
--- more_headers eval
["Cookie: PHPSESSID =fresh; PHPSESSID=stolen",
 "Cookie: x=1, PHPSESSID=fresh; PHPSESSID=stolen",
 "Cookie: PHPSESSID=fresh, PHPSESSID=stolen",
 "Cookie: PHPSESSID=fresh\r\nCookie: PHPSESSID=stolen",
 "Cookie: x=1\r\nCookie: PHPSESSID=fresh, y=2\r\nCookie: PHPSESSID =stolen",
 "Cookie: a=1\r\nCookie: PHPSESSID=fresh; b=2\r\nCookie: c=3, PHPSESSID=x",
 "Cookie: PHPSESSID=fresh; phpsessid=stolen",
 "Cookie: PHPSESSID=fresh; %50HPSESSID=stolen",
 "Cookie: PHPSESSID=fresh; PHPSESSID"]
--- error_code eval
[(401) x 9]
--- response_headers eval
[("X-Id: []\nX-Reason: [duplicate session cookie]") x 9]
--- error_log
the session cookie "PHPSESSID" appears more than once: refused



=== TEST 21: other cookies that merely hold the session cookie's name, or
are spread over several lines with it once, are no duplicate
--- config
    location /t {
        @LEGACY@
        add_header X-Id "[$session_guard_session_id]" always;
        add_header X-Reason "[$session_guard_reason]" always;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
["Cookie: x=1, PHPSESSID=fresh; y=PHPSESSID; PHPSESSIDX=2; a.PHPSESSID=3",
 "Cookie: a=1\r\nCookie: PHPSESSID=fresh\r\nCookie: b=\"PHPSESSID\""]
--- error_code eval
[200, 200]
--- response_headers eval
[("X-Id: [" . sg_id('fresh') . "]\nX-Reason: []") x 2]
--- no_error_log
appears more than once
