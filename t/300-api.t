# The management API (session_guard_api): list, show, revoke one, revoke
# all, then the refused sessions; status codes, error bodies, hostile paths
# and bodies; access control by nginx's own modules.
#
# Sessions are created through /t with tokens carrying a "sid"; client
# addresses come from X-Forwarded-For through the realip module (see
# t/110-session.t).  Every JSON reply is decoded by JSON::PP (strict,
# UTF-8) and summarized by the filters below, so that an invalid body
# fails the block.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use JSON::PP ();
use Encode ();

no_shuffle();
# error_log: every line of the block, whichever request wrote it
check_accum_error_log();

sub req {
    my ($sid, %o) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $o{sub} || 'alice' });
    my $ip = $o{ip} || '1.128.0.0';
    return "Authorization: Bearer $tok\r\nX-Forwarded-For: $ip";
}

sub decode {
    my $d = eval { JSON::PP->new->utf8->decode($_[0]) };
    return $d if ref $d eq 'HASH';
    return undef;
}

sub num_or_null { !defined $_[0] || $_[0] =~ /^\d+$/ }

# one session: its fields checked, a line of the interesting ones
sub session_line {
    my ($s) = @_;
    for my $k (qw(created updated last_interacted)) {
        return "bad $k" unless defined $s->{$k} && $s->{$k} =~ /^\d+$/;
    }
    for my $k (qw(expires idle_timeout idle_expires auth_time step_up_since
                  claims_since)) {
        return "bad $k" unless exists $s->{$k} && num_or_null($s->{$k});
    }
    for my $b (qw(initial last)) {
        return "no $b" unless ref $s->{$b} eq 'HASH';
        for my $k (qw(ip asn country location)) {
            return "no $b.$k" unless exists $s->{$b}{$k};
        }
    }
    return "bad revoked" unless JSON::PP::is_bool($s->{revoked});
    my $rv = 'no';
    if ($s->{revoked}) {
        my $r = $s->{revocation};
        return "bad revocation" unless ref $r eq 'HASH' && $r->{at} =~ /^\d+$/;
        $rv = $r->{source} . (defined $r->{reason} ? "/$r->{reason}" : '');
    } elsif (defined $s->{revocation}) {
        return "revocation without revoked";
    }
    return sprintf "%s sub=%s ip=%s asn=%s country=%s cookie=%s revoked=%s",
        $s->{id}, $s->{subject} // 'null', $s->{initial}{ip} // 'null',
        $s->{initial}{asn} // 'null', $s->{initial}{country} // 'null',
        $s->{cookie_mode}, $rv;
}

# filters return bytes: ids are shown as UTF-8
sub show {
    my $d = decode($_[0]) or return "BAD JSON: $_[0]";
    return Encode::encode_utf8(session_line($d) . "\n");
}

sub list {
    my $d = decode($_[0]) or return "BAD JSON: $_[0]";
    my @s = sort { $a->{id} cmp $b->{id} } @{ $d->{sessions} || [] };
    return "bad count" unless $d->{count} == @s;
    return Encode::encode_utf8(join '',
        "subject=$d->{subject} count=$d->{count}\n",
        map { session_line($_) . "\n" } @s);
}

sub err {
    my $d = decode($_[0]) or return "BAD JSON: $_[0]";
    return "bad error body" unless defined $d->{message}
                                   && keys %$d == 2;
    return "error=$d->{error}\n";
}

sub revoked {
    my $d = decode($_[0]) or return "BAD JSON: $_[0]";
    return "revoked=$d->{revoked}\n";
}

# --- response_body_filters for a list of requests: 't' leaves the body
# alone, 'x' drops it (nginx's own error pages)
sub flt {
    return [ map { $_ eq 't' ? [] : $_ eq 'x' ? [sub { '' }]
                                  : [\&{"main::$_"}] } @_ ];
}


add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m;
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoIP2-City-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: list a subject's sessions, show one
--- request eval
["GET /t", "GET /t", "GET /t",
 "GET /sg/subjects/alice/sessions", "GET /sg/sessions/s3",
 "GET /sg/subjects/nobody/sessions"]
--- more_headers eval
[main::req('s1'), main::req('s2', ip => '81.2.69.142'),
 main::req('s3', sub => 'bob', ip => '149.101.100.0'), "", "", ""]
--- response_body_filters eval
main::flt(qw(t t t list show list))
--- response_body eval
["protected\n", "protected\n", "protected\n",
 "subject=alice count=2
s1 sub=alice ip=1.128.0.0 asn=1221 country=null cookie=persistent revoked=no
s2 sub=alice ip=81.2.69.142 asn=null country=GB cookie=persistent revoked=no
",
 "s3 sub=bob ip=149.101.100.0 asn=6167 country=US cookie=persistent revoked=no\n",
 "subject=nobody count=0\n"]
--- response_headers eval
["", "", "",
 "Content-Type: application/json\nCache-Control: no-store",
 "Content-Type: application/json\nCache-Control: no-store",
 "Content-Type: application/json"]
--- no_error_log
[error]



=== TEST 2: revoke one session: 204, logged with its reason, then refused
--- request eval
["GET /t", "GET /t",
 "DELETE /sg/sessions/s1?reason=laptop+stolen%21",
 "GET /t", "GET /t", "GET /sg/sessions/s1", "GET /sg/sessions/s2"]
--- more_headers eval
[main::req('s1'), main::req('s2'), "", main::req('s1'), main::req('s2'),
 "", ""]
--- error_code eval
[200, 200, 204, 401, 200, 200, 200]
--- response_body_filters eval
main::flt(qw(t t t x t show show))
--- response_body eval
["protected\n", "protected\n", "", "", "protected\n",
 "s1 sub=alice ip=1.128.0.0 asn=1221 country=null cookie=persistent revoked=api\n",
 "s2 sub=alice ip=1.128.0.0 asn=1221 country=null cookie=persistent revoked=no\n"]
--- response_headers eval
["", "", "Cache-Control: no-store\nContent-Type:", "X-Reason: session revoked",
 "X-Status: ALLOW", "", ""]
--- no_error_log
[error]



=== TEST 3: revoke all of a subject's sessions; others are untouched
--- request eval
["GET /t", "GET /t", "GET /t",
 "DELETE /sg/subjects/alice/sessions",
 "GET /t", "GET /t", "GET /t",
 "DELETE /sg/subjects/alice/sessions?reason=offboarded",
 "GET /sg/subjects/alice/sessions"]
--- more_headers eval
[main::req('s1'), main::req('s2'), main::req('s3', sub => 'bob'), "",
 main::req('s1'), main::req('s2'), main::req('s3', sub => 'bob'), "", ""]
--- error_code eval
[200, 200, 200, 200, 401, 401, 200, 200, 200]
--- response_body_filters eval
main::flt(qw(t t t revoked x x t revoked list))
--- response_body eval
["protected\n", "protected\n", "protected\n", "revoked=2\n",
 "", "", "protected\n", "revoked=0\n",
 "subject=alice count=2
s1 sub=alice ip=1.128.0.0 asn=1221 country=null cookie=persistent revoked=api
s2 sub=alice ip=1.128.0.0 asn=1221 country=null cookie=persistent revoked=api
"]
--- no_error_log
[error]



=== TEST 4: an unknown id is revoked ahead: refused when it comes
--- request eval
["DELETE /sg/sessions/future", "GET /sg/sessions/future", "GET /t",
 "DELETE /sg/sessions/future"]
--- more_headers eval
["", "", main::req('future'), ""]
--- error_code eval
[204, 200, 401, 204]
--- response_body_filters eval
main::flt(qw(t show x t))
--- response_body eval
["", "future sub=null ip=null asn=null country=null cookie=persistent revoked=api\n",
 "", ""]
--- error_log
zone "sg": session "future" revoked through the api (unknown: a revoked record is kept), reason ""
--- no_error_log
[error]



=== TEST 5: policy revocations show their source and reason
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t", "GET /sg/sessions/s1"]
--- more_headers eval
[main::req('s1'), main::req('s1', ip => '149.101.100.0'), ""]
--- error_code eval
[200, 401, 200]
--- response_body_filters eval
main::flt(qw(t x show))
--- response_body eval
["protected\n", "",
 "s1 sub=alice ip=1.128.0.0 asn=1221 country=null cookie=persistent revoked=policy/asn\n"]



=== TEST 6: 404 for what names no resource, with a JSON error
--- request eval
["GET /sg/sessions/nope", "GET /sg/", "GET /sg/foo", "GET /sg/sessions",
 "GET /sg/sessions/a/b", "GET /sg/subjects/alice",
 "GET /sg/subjects/alice/sessions/x", "GET /sg/subjects//sessions/",
 "DELETE /sg/subjects/alice/other", "GET /sg/x/../sessions/s1"]
--- error_code eval
[404, 404, 404, 404, 404, 404, 404, 404, 404, 404]
--- response_body_filters eval
main::flt(('err') x 10)
--- response_body eval
[("error=not_found\n") x 10]
--- response_headers eval
[("Content-Type: application/json\nCache-Control: no-store") x 10]
--- no_error_log
[error]



=== TEST 7: 405 with Allow for other methods
--- request eval
["POST /sg/sessions/s1\nx=1", "PUT /sg/subjects/alice/sessions",
 "PATCH /sg/sessions/s1", "OPTIONS /sg/sessions/s1"]
--- error_code eval
[405, 405, 405, 405]
--- response_body_filters eval
main::flt(('err') x 4)
--- response_body eval
[("error=method_not_allowed\n") x 4]
--- response_headers eval
[("Allow: GET, HEAD, DELETE\nContent-Type: application/json") x 4]
--- no_error_log
[error]



=== TEST 8: HEAD answers the headers only
--- request eval
["GET /t", "HEAD /sg/subjects/alice/sessions", "HEAD /sg/sessions/nope"]
--- more_headers eval
[main::req('s1'), "", ""]
--- error_code eval
[200, 200, 404]
--- response_body eval
["protected\n", "", ""]
--- response_headers eval
["", "Content-Type: application/json", "Content-Type: application/json"]



=== TEST 9: hostile paths are refused with 400, never crash
Bad percent-escapes and %00 are refused by nginx itself (its own 400
page); the API refuses the rest with a JSON error.
--- request eval
["GET /sg/sessions/%zz", "GET /sg/sessions/%4", "GET /sg/sessions/abc%",
 "DELETE /sg/sessions/a%00b", "GET /sg/subjects/%G1/sessions",
 "GET /sg/sessions/", "GET /sg/sessions/..", "GET /sg/sessions/.",
 "GET /sg/sessions/" . ('a' x 257),
 "GET /sg/sessions/" . ('%61' x 257),
 "DELETE /sg/sessions/" . ('%C3%A9' x 129),
 "GET /sg/subjects/" . ('b' x 257) . "/sessions",
 "DELETE /sg/subjects/%2E%2E/sessions",
 "GET /sg/sessions/" . ('a' x 256),
 "GET /sg/sessions/" . ('%61' x 256)]
--- error_code eval
[(400) x 13, 404, 404]
--- response_body_filters eval
main::flt(qw(x x x x x), ('err') x 10)
--- response_body eval
[("") x 5, ("error=bad_request\n") x 8, ("error=not_found\n") x 2]
--- no_error_log
[error]



=== TEST 10: ids with any byte nginx lets through: "/", quotes, not UTF-8
--- request eval
["DELETE /sg/sessions/a%2Fb", "GET /sg/sessions/a%2Fb",
 "DELETE /sg/sessions/x%01y%22%5C%0A", "GET /sg/sessions/x%01y%22%5C%0A",
 "DELETE /sg/sessions/%FF%C3%A9%E2%82", "GET /sg/sessions/%FF%C3%A9%E2%82",
 "GET /sg/sessions/a", "GET /sg/sessions/a%2fb"]
--- error_code eval
[204, 200, 204, 200, 204, 200, 404, 200]
--- response_body_filters eval
main::flt(qw(t show t show t show err show))
--- response_body eval
["", "a/b sub=null ip=null asn=null country=null cookie=persistent revoked=api\n",
 "", "x\x01y\"\\\n sub=null ip=null asn=null country=null cookie=persistent revoked=api\n",
 "", "\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd sub=null ip=null asn=null country=null cookie=persistent revoked=api\n",
 "error=not_found\n",
 "a/b sub=null ip=null asn=null country=null cookie=persistent revoked=api\n"]
--- error_log
session "a/b" revoked through the api (unknown: a revoked record is kept), reason ""
--- no_error_log
[error]



=== TEST 11: log lines escape what they quote
--- request
DELETE /sg/sessions/x%01y%22%5C%0A?reason=%22%0D%0A%5B
--- error_code: 204
--- error_log
session "x\u0001y\"\\\n" revoked through the api (unknown: a revoked record is kept), reason "\"\r\n["



=== TEST 12: revoking a subject's sessions is logged with the reason
--- request
DELETE /sg/subjects/al%20ice/sessions?reason=offboarded
--- error_code: 200
--- response_body_filters eval
\&main::revoked
--- response_body
revoked=0
--- error_log
zone "sg": 0 sessions of "al ice" revoked through the api, reason "offboarded"



=== TEST 13: the reason in a JSON or form body; bad bodies refused
--- request eval
["DELETE /sg/sessions/s1\n{\"reason\": \"lost \\u00e9 laptop\"}",
 "DELETE /sg/sessions/s2\nfoo=1&reason=stolen+phone%0A&reason=x",
 "DELETE /sg/sessions/s3\nreason=x",
 "DELETE /sg/sessions/s4\n{\"reason\": 1}",
 "DELETE /sg/sessions/s5\n{\"reason\": ",
 "DELETE /sg/sessions/s6\n" . ('x' x 5000),
 "DELETE /sg/sessions/s7\nreason=" . ('r' x 257),
 "DELETE /sg/sessions/s8\nreason=%zz",
 "DELETE /sg/sessions/s9?reason=" . ('q' x 257),
 "DELETE /sg/sessions/s10?reason=bad%",
 "GET /sg/sessions/s3"]
--- more_headers eval
["Content-Type: application/json",
 "Content-Type: application/x-www-form-urlencoded",
 "Content-Type: text/plain",
 "Content-Type: application/json",
 "Content-Type: application/json; charset=utf-8",
 "Content-Type: application/x-www-form-urlencoded",
 "Content-Type: application/x-www-form-urlencoded",
 "Content-Type: application/x-www-form-urlencoded",
 "", "", ""]
--- error_code eval
[204, 204, 415, 400, 400, 413, 400, 400, 400, 400, 404]
--- response_body_filters eval
main::flt(qw(t t err err err err err err err err err))
--- response_body eval
["", "", "error=unsupported_media_type\n", "error=bad_request\n",
 "error=bad_request\n", "error=payload_too_large\n",
 ("error=bad_request\n") x 4, "error=not_found\n"]
--- error_log eval
qr/session "s1" revoked through the api \(unknown: a revoked record is kept\), reason "lost \xc3\xa9 laptop"/
--- no_error_log
[error]



=== TEST 14: the first "reason" of a form body, decoded
--- request
DELETE /sg/sessions/s2
foo=1&reason=stolen+phone%0A&reason=x
--- more_headers
Content-Type: application/x-www-form-urlencoded
--- error_code: 204
--- error_log
session "s2" revoked through the api (unknown: a revoked record is kept), reason "stolen phone\n"



=== TEST 15: a chunked body is read too
--- request eval
"DELETE /sg/sessions/s1\n" . "b\r\nreason=gone\r\n0\r\n\r\n"
--- more_headers
Content-Type: application/x-www-form-urlencoded
Transfer-Encoding: chunked
--- error_code: 204
--- response_body:
--- error_log
session "s1" revoked through the api (unknown: a revoked record is kept), reason "gone"



=== TEST 16: access control is nginx's: allow/deny
--- config
    location /sg/ {
        allow 127.0.0.2;
        deny all;
        session_guard_api zone=sg;
    }
--- request
DELETE /sg/subjects/alice/sessions
--- error_code: 403
--- error_log
access forbidden by rule



=== TEST 17: access control is nginx's: auth_basic
--- config
    location /sg/ {
        auth_basic "session guard";
        auth_basic_user_file htpasswd;
        session_guard_api zone=sg;
    }
--- user_files
>>> ../conf/htpasswd
admin:{PLAIN}s3cret
--- request eval
["GET /sg/subjects/alice/sessions", "GET /sg/subjects/alice/sessions",
 "GET /sg/subjects/alice/sessions"]
--- more_headers eval
["", "Authorization: Basic " . MIME::Base64::encode_base64('admin:wrong', ''),
 "Authorization: Basic " . MIME::Base64::encode_base64('admin:s3cret', '')]
--- error_code eval
[401, 401, 200]
--- response_headers eval
["WWW-Authenticate: Basic realm=\"session guard\"", "",
 "Content-Type: application/json"]



=== TEST 18: the prefix may be sent percent-encoded; a prefix without "/"
--- config
    location /sg/ {
        session_guard_api zone=sg;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /%73g/sessions/nope", "GET /api/sessions/nope",
 "GET /api/subjects/x/sessions", "GET /apix/sessions/nope"]
--- error_code eval
[404, 404, 200, 404]
--- response_body_filters eval
main::flt(qw(err err list err))
--- response_body eval
["error=not_found\n", "error=not_found\n", "subject=x count=0\n",
 "error=not_found\n"]



=== TEST 19: after a rewrite, the decoded path is used as it is
--- config
    location /old/ {
        rewrite ^/old/(.*)$ /sg/$1 last;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
--- request eval
["DELETE /old/sessions/r1", "GET /old/sessions/r1"]
--- error_code eval
[204, 200]
--- response_body_filters eval
main::flt(qw(t show))
--- response_body eval
["", "r1 sub=null ip=null asn=null country=null cookie=persistent revoked=api\n"]



=== TEST 20: configuration errors
--- config
    location ~ ^/sg/ {
        session_guard_api zone=sg;
    }
--- must_die
--- error_log
"session_guard_api" directive cannot be used in a named or regular expression location



=== TEST 21: configuration errors: the zone must be declared
--- config
    location /sg/ {
        session_guard_api zone=nosuch;
    }
--- must_die
--- error_log
unknown session_guard zone "nosuch"



=== TEST 22: configuration errors: the parameter
--- config
    location /sg/ {
        session_guard_api sg;
    }
--- must_die
--- error_log
invalid parameter "sg", it must be "zone=name"



=== TEST 23: an "if" block inside the location keeps the API working
--- config
    location /sg/ {
        session_guard_api zone=sg;
        if ($arg_x) {
            add_header X-If yes always;
        }
    }
    location = /metrics {
        session_guard_metrics zone=sg;
        if ($arg_x) {
            add_header X-If yes always;
        }
    }
--- request eval
["DELETE /sg/sessions/i1?x=1", "GET /sg/sessions/i1?x=1",
 "GET /metrics?x=1&format=prometheus"]
--- error_code eval
[204, 200, 200]
--- response_headers eval
["X-If: yes", "X-If: yes\nContent-Type: application/json",
 "X-If: yes\nContent-Type: text/plain; version=0.0.4; charset=utf-8"]



=== TEST 24: configuration errors: the api and the metrics in one location
--- config
    location /sg/ {
        session_guard_metrics zone=sg;
        session_guard_api zone=sg;
    }
--- must_die
--- error_log
"session_guard_api" directive cannot be used with "session_guard_metrics" in the same location



=== TEST 25: access control is nginx's: auth_request
--- config
    location /sg/ {
        auth_request /_authz;
        session_guard_api zone=sg;
    }
    location = /_authz {
        internal;
        if ($http_x_admin = "yes") {
            return 204;
        }
        return 403;
    }
--- request eval
["DELETE /sg/sessions/a1", "DELETE /sg/sessions/a1"]
--- more_headers eval
["", "X-Admin: yes"]
--- error_code eval
[403, 204]



=== TEST 26: access control by the module itself: an admin's token
--- config
    location /sg/ {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $session_guard_claim_sg_admin error=403;
        session_guard_api zone=sg;
    }
--- request eval
["GET /sg/subjects/alice/sessions", "GET /sg/subjects/alice/sessions",
 "GET /sg/subjects/alice/sessions"]
--- more_headers eval
["", "Authorization: Bearer " . sg_token(),
 "Authorization: Bearer " . sg_token(claims => { sg_admin => 1 })]
--- error_code eval
[401, 403, 200]
--- response_headers eval
["WWW-Authenticate: Bearer", "", "Content-Type: application/json"]



=== TEST 27: $session_guard_event of a revocation holds a reason of 256
control characters twice (each escaped to 6 bytes): a valid event, no crash
--- http_config
    log_format sg_events escape=none '$session_guard_event';
--- config
    location /sg/ {
        access_log logs/events.log sg_events if=$session_guard_event;
        session_guard_api zone=sg;
    }
    location = /events {
        default_type text/plain;
        alias logs/events.log;
    }
--- request eval
["DELETE /sg/sessions/" . ('%01' x 64) . "?reason=" . ('%01' x 256),
 "DELETE /sg/subjects/" . ('%1f' x 64) . "/sessions?reason="
 . ('%01' x 256),
 "GET /events"]
--- more_headers eval
["User-Agent: " . ("\x7f\"\\" x 100), "", ""]
--- error_code eval
[204, 200, 200]
--- response_body_filters eval
[[], [sub { "" }], [sub {
    CORE::join '', map {
        my $e = eval { JSON::PP->new->utf8->decode($_) }
            or return "BAD JSON: $_\n";
        my $rv = $e->{session_guard}{revocation};
        CORE::join(' ', $e->{event}{action}, $rv->{scope},
            $e->{event}{reason} eq "\x01" x 256 ? 'reason' : 'BAD',
            $rv->{reason} eq "\x01" x 256 ? 'reason' : 'BAD',
            ($e->{session}{id} // $e->{user}{id}) eq "\x01" x 64
            || $e->{user}{id} eq "\x1f" x 64 ? 'id' : 'BAD',
            length($e->{user_agent}{original} // '')) . "\n"
    } split /\n/, $_[0];
}]]
--- response_body eval
["", "", <<'_EOS_']
session-revoked session reason reason id 300
session-revoked subject reason reason id 0
_EOS_
--- no_error_log
exited on signal
[alert]
