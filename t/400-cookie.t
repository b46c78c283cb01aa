# session_guard_cookie: the application's Set-Cookie rewritten at the edge.
# Non-persistent: Expires and Max-Age removed; persistent: capped to what
# is left of the session's absolute lifetime; the non_persistent action
# kept in the session record; hardening flags; hostile Set-Cookie values;
# every other cookie and attribute byte for byte.
#
# "The application" sets its cookies with add_header in the same location
# (the filter runs after add_header and userid), or is an upstream on a
# unix socket.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

# a legacy application's request: its session cookie, an address, a UA
sub app {
    my ($cookie, %o) = @_;
    return ($cookie ? "Cookie: PHPSESSID=$cookie\r\n" : '')
           . "X-Forwarded-For: " . ($o{ip} || '1.128.0.0') . "\r\n"
           . "User-Agent: " . ($o{ua} || 'Mozilla/5.0 (a)');
}

# an IMF-fixdate
our $DATE = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d '
            . '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) '
            . '\d{4} \d\d:\d\d:\d\d GMT';

# the raw header line, exactly
sub line { "\r\nSet-Cookie: \Q$_[0]\E\r\n" }

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

=== TEST 1: non-persistent: Expires and Max-Age of that cookie removed,
every other cookie untouched
--- config
    location /t {
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID=abc; Max-Age=86400; Path=/; HttpOnly";
        add_header Set-Cookie "OTHER=1;  Max-Age=99 ; path=/x";
        add_header Set-Cookie "PHPSESSIDX=2; Max-Age=5";
        add_header Set-Cookie "phpsessid=3; Max-Age=5";
    }
--- request
GET /t
--- response_headers
Set-Cookie: PHPSESSID=abc; Path=/; HttpOnly, OTHER=1;  Max-Age=99 ; path=/x, PHPSESSIDX=2; Max-Age=5, phpsessid=3; Max-Age=5



=== TEST 2: any case and spacing of the attributes, both of them, every
occurrence; the other attributes keep their bytes
--- config
    location /t {
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID=v;expires=Wed, 09 Jun 2100 10:18:14 GMT;PATH=/a ;  max-AGE = 60;Domain=.example.test;MAX-AGE=7;SameSite=Lax";
        add_header Set-Cookie " PHPSESSID  =  \"q;uoted\" ; Max-Age=5";
    }
--- request
GET /t
--- raw_response_headers_like eval
main::line('PHPSESSID=v;PATH=/a ;Domain=.example.test;SameSite=Lax')
. "Set-Cookie: \Q PHPSESSID  =  \"q;uoted\" \E\r\n"



=== TEST 3: persistent: capped to what is left of the session's absolute
lifetime, Max-Age and Expires together
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_lifetime absolute=1h;
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=abc; Max-Age=86400; Path=/; HttpOnly";
        add_header Set-Cookie "OTHER=1; Max-Age=86400";
    }
--- request
GET /t
--- more_headers eval
main::app('abc')
--- raw_response_headers_like eval
"\r\nSet-Cookie: PHPSESSID=abc; Path=/; HttpOnly; Max-Age=(3600|3599); Expires=$main::DATE\r\nSet-Cookie: OTHER=1; Max-Age=86400\r\n"



=== TEST 4: persistent, within the session's lifetime: untouched
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_lifetime absolute=1h;
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=abc; Max-Age=600; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
        add_header Set-Cookie "PHPSESSID=abc; Path=/";
    }
--- request
GET /t
--- more_headers eval
main::app('abc')
--- response_headers
Set-Cookie: PHPSESSID=abc; Max-Age=600; Expires=Thu, 01 Jan 1970 00:00:00 GMT, PHPSESSID=abc; Path=/



=== TEST 5: the session the cookie names: its own remaining lifetime (never
extended), or a new session's full one when the application sets a new id
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_lifetime absolute=$arg_life;
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=$arg_set; Max-Age=86400";
    }
--- request eval
["GET /t?life=1h&set=old", "GET /t?life=3h&set=old",
 "GET /t?life=3h&set=new"]
--- more_headers eval
[main::app('old'), main::app('old'), main::app('old')]
--- raw_response_headers_like eval
["Set-Cookie: PHPSESSID=old; Max-Age=(3600|3599); Expires=$main::DATE\r\n",
 "Set-Cookie: PHPSESSID=old; Max-Age=(3600|3599); Expires=$main::DATE\r\n",
 "Set-Cookie: PHPSESSID=new; Max-Age=10800; Expires=$main::DATE\r\n"]



=== TEST 6: a cookie set before any session: the lifetime a new session
gets, within the zone's max_lifetime
--- http_config
    session_guard_zone zone=short:1m max_lifetime=2h;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=n; Max-Age=86400";
    }
    location /short {
        alias html/t;
        session_guard zone=short;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_lifetime absolute=24h;
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=n; Max-Age=86400";
    }
--- request eval
["GET /t", "GET /short"]
--- more_headers eval
[main::app(), main::app()]
--- raw_response_headers_like eval
["Set-Cookie: PHPSESSID=n; Max-Age=43200; Expires=$main::DATE\r\n",
 "Set-Cookie: PHPSESSID=n; Max-Age=7200; Expires=$main::DATE\r\n"]



=== TEST 7: persistent with no zone and no lifetime: nothing to cap to
--- config
    location /t {
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=abc; Max-Age=86400; Path=/";
    }
--- request
GET /t
--- response_headers
Set-Cookie: PHPSESSID=abc; Max-Age=86400; Path=/



=== TEST 8: the non_persistent action switches the session's cookie mode;
it is kept in the record and applied to every later Set-Cookie of that
session, and to a cookie that replaces it
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID;
        session_guard_lifetime absolute=1h;
        session_guard_on_change ua=non_persistent;
        session_guard_cookie name=PHPSESSID;
        add_header Set-Cookie "PHPSESSID=$arg_set; Max-Age=86400; Path=/";
        add_header X-Mode $session_guard_session_cookie_mode;
        add_header X-Actions "[$session_guard_actions]";
    }
--- request eval
["GET /t?set=s1", "GET /t?set=s1", "GET /t?set=s1", "GET /t?set=s2"]
--- more_headers eval
[main::app('s1'), main::app('s1', ua => 'Mozilla/5.0 (b)'),
 main::app('s1', ua => 'Mozilla/5.0 (b)'),
 main::app('s1', ua => 'Mozilla/5.0 (b)')]
--- raw_response_headers_like eval
["Set-Cookie: PHPSESSID=s1; Path=/; Max-Age=(3600|3599); Expires=$main::DATE\r\n.*X-Mode: persistent\r\n",
 "Set-Cookie: PHPSESSID=s1; Path=/\r\n.*X-Mode: non-persistent\r\nX-Actions: \\[non_persistent\\]",
 "Set-Cookie: PHPSESSID=s1; Path=/\r\n.*X-Mode: non-persistent\r\nX-Actions: \\[\\]",
 "Set-Cookie: PHPSESSID=s2; Path=/\r\n"]



=== TEST 9: hardening flags, added only when missing, in whatever form the
application wrote them; other cookies get none
--- config
    location /t {
        session_guard_cookie name=SID secure httponly samesite=strict;
        add_header Set-Cookie "SID=1; Path=/";
        add_header Set-Cookie "SID=2; secure; HTTPONLY; samesite=None";
        add_header Set-Cookie "SID=3;SameSite=Lax";
        add_header Set-Cookie "OTHER=1; Path=/";
    }
--- request
GET /t
--- response_headers
Set-Cookie: SID=1; Path=/; Secure; HttpOnly; SameSite=Strict, SID=2; secure; HTTPONLY; samesite=None, SID=3;SameSite=Lax; Secure; HttpOnly, OTHER=1; Path=/



=== TEST 10: hostile Set-Cookie values: no '=', an empty name, a name that
only looks like it; duplicates are each rewritten
--- config
    location /t {
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID";
        add_header Set-Cookie "PHPSESSID; Max-Age=5";
        add_header Set-Cookie "=PHPSESSID; Max-Age=5";
        add_header Set-Cookie "X=1; PHPSESSID=2; Max-Age=5";
        add_header Set-Cookie "PHPSESSID=a; Max-Age=5";
        add_header Set-Cookie "PHPSESSID=b; Max-Age=6";
        add_header Set-Cookie ";;;";
        add_header Set-Cookie "";
    }
--- request
GET /t
--- raw_response_headers_like eval
main::line("PHPSESSID") . "Set-Cookie: PHPSESSID; Max-Age=5\r\n"
. "Set-Cookie: =PHPSESSID; Max-Age=5\r\n"
. "Set-Cookie: X=1; PHPSESSID=2; Max-Age=5\r\n"
. "Set-Cookie: PHPSESSID=a\r\nSet-Cookie: PHPSESSID=b\r\n"
. "Set-Cookie: ;;;\r\n"



=== TEST 11: many cookies: only that one changes
--- config eval
"location /t {\n    session_guard_cookie name=PHPSESSID mode=non-persistent;\n"
. CORE::join('', map { "    add_header Set-Cookie \"c$_=v$_; Max-Age=$_; Path=/$_\";\n" } 1 .. 60)
. "    add_header Set-Cookie \"PHPSESSID=z; Max-Age=9\";\n}\n"
--- request
GET /t
--- raw_response_headers_like eval
CORE::join('', map { "Set-Cookie: c$_=v$_; Max-Age=$_; Path=/$_\r\n" } 1 .. 60)
. "Set-Cookie: PHPSESSID=z\r\n"



=== TEST 12: a very long Set-Cookie of that name cannot be enforced: it is
removed and logged; a very long other cookie passes untouched
--- config
    location /t {
        set $k "kkkkkkkkkk";
        set $k $k$k$k$k$k$k$k$k$k$k;
        set $k $k$k$k$k$k$k$k$k$k$k;
        set $k $k$k$k$k$k$k$k$k$k;
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID=$k; Max-Age=5";
        add_header Set-Cookie "OTHER=$k; Max-Age=5";
        add_header Set-Cookie "PHPSESSID=short; Max-Age=5";
    }
--- request
GET /t
--- raw_response_headers_like eval
"\r\nSet-Cookie: OTHER=k{9000}; Max-Age=5\r\nSet-Cookie: PHPSESSID=short\r\n"
--- raw_response_headers_unlike
Set-Cookie: PHPSESSID=kkk
--- error_log eval
qr/\[error\].*session_guard: a Set-Cookie "PHPSESSID" of 9021 bytes is too long to enforce, removed/



=== TEST 13: a value just under the limit is rewritten
--- config
    location /t {
        set $k "kkkkkkkkkk";
        set $k $k$k$k$k$k$k$k$k$k$k;
        set $k $k$k$k$k$k$k$k$k$k$k;
        set $k $k$k$k$k$k$k$k$k;
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID=$k; Max-Age=5";
    }
--- request
GET /t
--- raw_response_headers_like eval
"\r\nSet-Cookie: PHPSESSID=k{8000}\r\n"
--- no_error_log
too long



=== TEST 14: an upstream's Set-Cookie headers, like add_header's
--- http_config
    server {
        listen unix:$TEST_NGINX_SERVER_ROOT/app.sock;
        location / {
            add_header Set-Cookie "JSESSIONID=x1; Max-Age=3600; Path=/app; Secure";
            add_header Set-Cookie "pref=dark; Max-Age=31536000";
            return 200 "app\n";
        }
    }
--- config
    location /app {
        session_guard_cookie name=JSESSIONID mode=non-persistent;
        proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/app.sock;
    }
--- request
GET /app
--- response_headers
Set-Cookie: JSESSIONID=x1; Path=/app; Secure, pref=dark; Max-Age=31536000
--- response_body
app



=== TEST 15: the filter comes after userid's: its cookie is seen
(rewritten when named, untouched otherwise)
--- config
    location /t {
        userid on;
        userid_name uid;
        userid_expires 365d;
        session_guard_cookie name=uid mode=non-persistent;
    }
    location /other {
        alias html/t;
        userid on;
        userid_name uid;
        userid_expires 365d;
        session_guard_cookie name=SID mode=non-persistent;
    }
--- request eval
["GET /t", "GET /other"]
--- raw_response_headers_like eval
["\r\nSet-Cookie: uid=[A-Za-z0-9+/=]+; path=/\r\n",
 "\r\nSet-Cookie: uid=[A-Za-z0-9+/=]+; expires=\\w{3}, \\d\\d-\\w{3}-\\d\\d \\d\\d:\\d\\d:\\d\\d GMT; path=/\r\n"]



=== TEST 16: an application's deletion stays a deletion
--- config
    location /t {
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/";
        add_header Set-Cookie "PHPSESSID=; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT";
    }
--- request
GET /t
--- response_headers
Set-Cookie: PHPSESSID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/, PHPSESSID=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT



=== TEST 17: inherited from the server, "off" in a location
--- config
    session_guard_cookie name=PHPSESSID mode=non-persistent;
    location /t {
        add_header Set-Cookie "PHPSESSID=a; Max-Age=5";
    }
    location /off {
        alias html/t;
        session_guard_cookie off;
        add_header Set-Cookie "PHPSESSID=a; Max-Age=5";
    }
--- request eval
["GET /t", "GET /off"]
--- response_headers eval
["Set-Cookie: PHPSESSID=a", "Set-Cookie: PHPSESSID=a; Max-Age=5"]



=== TEST 18: the cookies of a response the guard refused are rewritten too
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_PHPSESSID missing=deny;
        session_guard_cookie name=PHPSESSID mode=non-persistent;
        add_header Set-Cookie "PHPSESSID=a; Max-Age=5" always;
    }
--- request
GET /t
--- error_code: 401
--- response_headers
Set-Cookie: PHPSESSID=a



=== TEST 19: samesite=none needs secure
--- config
    location /t {
        session_guard_cookie name=SID samesite=none;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_cookie" directive with "samesite=none" needs "secure"/



=== TEST 20: the name must be a cookie name
--- config
    location /t {
        session_guard_cookie "name=a b";
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid cookie name "a b"/



=== TEST 21: no name
--- config
    location /t {
        session_guard_cookie mode=non-persistent;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_cookie" directive needs "name="/



=== TEST 22: an unknown parameter
--- config
    location /t {
        session_guard_cookie name=SID mode=forever;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "mode=forever"/



=== TEST 23: duplicate
--- config
    location /t {
        session_guard_cookie name=SID;
        session_guard_cookie name=SID;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_cookie" directive is duplicate/



=== TEST 24: no session_guard_cookie anywhere: no filter, cookies as they are
--- config
    location /t {
        add_header Set-Cookie "PHPSESSID=a; Max-Age=5";
    }
--- request
GET /t
--- response_headers
Set-Cookie: PHPSESSID=a; Max-Age=5
