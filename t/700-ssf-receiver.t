# Receiving Shared Signals (OpenID SSF 1.0) by push (RFC 8935):
# session_guard_ssf_receiver.  Security Event Tokens (RFC 8417) with CAEP
# session events revoke sessions by session id or by user; every rule of
# the SET profile refuses with 400 and RFC 8935's {"err","description"};
# the transmitter's bearer secret is checked first (401); an identical
# retransmission is acknowledged and not applied again.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Digest::SHA ();

no_shuffle();
check_accum_error_log();

our $CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
our $SSF = 'https://schemas.openid.net/secevent/ssf/event-type/';
our $SECRET = 'ssf-test-secret-0123456789';
my $seq = 0;

# set(event => short name or URI, subject => {...}, event_body => {...},
#     claims => {...}, header => {...}, ...): a SET; defaults iss
# "https://tx.test/", aud "https://edge.test/", iat now, a fresh jti, no
# exp, no sub, typ "secevent+jwt", the subject in "sub_id".
sub set {
    my (%o) = @_;
    my $type = $o{event} // 'session-revoked';
    $type = $CAEP . $type unless $type =~ /^https?:/;
    my %ev = (event_timestamp => time, %{ $o{event_body} || {} });
    my %claims = (
        iss    => 'https://tx.test/',
        aud    => 'https://edge.test/',
        iat    => time,
        exp    => undef,
        sub    => undef,
        sid    => undef,
        jti    => "set-$$-" . time . '-' . ++$seq,
        events => { $type => \%ev },
        sub_id => exists $o{subject} ? $o{subject}
            : { format => 'complex',
                session => { format => 'opaque', id => 's1' } },
        %{ $o{claims} || {} },
    );
    delete $claims{sub_id} unless defined $claims{sub_id};
    my %header = (typ => 'secevent+jwt', %{ $o{header} || {} });
    delete $header{typ} unless defined $header{typ};
    return sg_token(%o, claims => \%claims, header => \%header);
}

sub user { { format => 'iss_sub', iss => 'https://idp.test/', sub => $_[0] } }

# access to /t with a session
sub at {
    my ($sid, $sub, $auth_time) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $sub || 'alice',
                                   auth_time => $auth_time });
    return "Authorization: Bearer $tok";
}

sub post { "POST /ssf\n$_[0]" }

our $H = "Content-Type: application/secevent+jwt\n"
       . "Authorization: Bearer $SECRET";

sub bad { qq({"err":"$_[0]","description":"$_[1]"}) }

# the state file of the blocks that restart nginx with their sessions
our $STATE = "$ENV{TEST_NGINX_STATE_DIR}/700-$$.state";
our $STATE1 = "$ENV{TEST_NGINX_STATE_DIR}/700-$$-format1.state";
unlink $STATE, $STATE1;

# $STATE1: the state file as format 1 would have written it, records of
# 200 bytes (the assurance level left out), no blocked subjects (format 3),
# with a new digest
sub to_format1 {
    open my $in, '<:raw', $STATE or die "$STATE: $!";
    my $d = do { local $/; <$in> };
    close $in;
    my ($ver, $order, $rsize, $nlen, $ns, $nj) = unpack('x8 L6', $d);
    die "format $ver, record $rsize"
        unless ($ver >= 3 && $ver <= 6) && $rsize >= 216;
    my $p = 8 + 6 * 4 + 8 + $nlen;
    my $out = substr($d, 0, $p);
    substr($out, 8, 4) = pack('L', 1);
    substr($out, 16, 4) = pack('L', 200);
    for (1 .. $ns) {
        my ($il, $sl) = unpack('S2', substr($d, $p, 4));
        $out .= substr($d, $p, 4 + 200)
              . substr($d, $p + 4 + $rsize, $il + $sl);
        $p += 4 + $rsize + $il + $sl;
    }
    # the jti entries as they are; the blocked subjects (format 3) and the
    # users' memories (format 4) left out
    my $j = $p;
    for (1 .. $nj) {
        my ($len) = unpack('S', substr($d, $j, 2));
        $j += 2 + 8 + ($len & 0x7fff);
    }
    $out .= substr($d, $p, $j - $p);
    $out .= Digest::SHA::sha256($out);
    open my $o, '>:raw', $STATE1 or die "$STATE1: $!";
    print $o $out;
    close $o;
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pay\nprotected\n>>> ssf.secret\n$main::SECRET\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''))
    session_guard_zone zone=sg:1m max_lifetime=1h;
_EOC_
        unless ($block->http_config // '') =~ /session_guard_zone/;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        # a sign-in dated ahead (60 s, within this leeway): later than any
        # step-up the block asks for, however slow the run
        session_guard_leeway 120s;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /ssf {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret;
    }
    location /ssf-log {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret algorithms=ES256
            on=credential-change:log on=session-revoked:log
            on=token-claims-change:log;
    }
    location /ssf-step {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret on=credential-change:step_up
            on=assurance-level-change:step_up;
    }
    location /pay {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        session_guard_require_assurance NIST-AAL nist-aal2;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /api {
        session_guard_api zone=sg;
    }
    location = /error.log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
_EOC_
    if (!defined $block->more_headers && !ref $block->request) {
        $block->set_value('more_headers', $main::H);
    }
});

run_tests();

__DATA__

=== TEST 1: session-revoked naming a session: 202, that session refused, another works
--- request eval
["GET /t", "GET /t", main::post(main::set()), "GET /t", "GET /t",
 "GET /api/sessions/s1"]
--- more_headers eval
[main::at('s1'), main::at('s2'), $main::H, main::at('s1'), main::at('s2'), ""]
--- error_code eval
[200, 200, 202, 401, 200, 200]
--- response_body eval
["protected\n", "protected\n", "", qr/./, "protected\n",
 qr/"source":"ssf","at":\d+,"reason":"session-revoked"/]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "Cache-Control: no-store",
 "X-Status: REVOKED\nX-Reason: session revoked", "X-Status: ALLOW", ""]
--- no_error_log
[error]



=== TEST 2: session-revoked naming a user (iss_sub): every session of that subject
--- request eval
["GET /t", "GET /t", "GET /t",
 main::post(main::set(subject => main::user('alice'))),
 "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1'), main::at('s2'), main::at('s3', 'bob'), $main::H,
 main::at('s1'), main::at('s2'), main::at('s3', 'bob')]
--- error_code eval
[200, 200, 200, 202, 401, 401, 200]
--- no_error_log
[error]



=== TEST 3: credential-change by email, opaque and complex user; log-only mapping
--- request eval
["GET /t", "GET /t", "GET /t",
 main::post(main::set(event => 'credential-change',
     subject => { format => 'email', email => 'a@example.com' })),
 main::post(main::set(event => 'credential-change',
     subject => { format => 'opaque', id => 'bob' })),
 "POST /ssf-log\n" . main::set(event => 'credential-change', alg => 'ES256',
     subject => { format => 'complex', user => main::user('carol') }),
 "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1', 'a@example.com'), main::at('s2', 'bob'),
 main::at('s3', 'carol'), $main::H, $main::H, $main::H,
 main::at('s1', 'a@example.com'), main::at('s2', 'bob'),
 main::at('s3', 'carol')]
--- error_code eval
[200, 200, 200, 202, 202, 202, 401, 401, 200]
--- no_error_log
[error]



=== TEST 4: assurance-level-change records the level: step-up only where a location needs more, until a newer authentication; token-claims-change mapped to log is logged
--- request eval
["GET /pay", "GET /pay",
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal1',
                     previous_level => 'nist-aal2', change_direction => 'decrease' })),
 main::post(main::set(event => 'assurance-level-change',
     subject => main::user('bob'),
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal3',
                     previous_level => 'nist-aal1', change_direction => 'increase' })),
 "POST /ssf-log\n" . main::set(event => 'token-claims-change',
     subject => main::user('bob'), alg => 'ES256',
     event_body => { claims => { role => 'user' } }),
 "GET /t", "GET /pay", "GET /pay", "GET /pay", "GET /api/sessions/s1",
 "GET /api/sessions/s2"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), main::at('s2', 'bob', time - 60),
 $main::H, $main::H, $main::H,
 main::at('s1', 'alice', time - 60), main::at('s1', 'alice', time - 60),
 main::at('s1', 'alice', time + 60), main::at('s2', 'bob', time - 60), "", ""]
--- error_code eval
[200, 200, 202, 202, 202, 200, 401, 200, 200, 200, 200]
--- response_headers_like eval
["", "", "", "", "", "X-Status: ALLOW",
 "X-Status: STEP_UP\nX-Reason: assurance level too low\nWWW-Authenticate: Bearer error=\"insufficient_user_authentication\".*",
 "X-Status: ALLOW", "X-Status: ALLOW", "", ""]
--- response_body_like eval
[qr/protected/, qr/protected/, qr/^$/, qr/^$/, qr/^$/, qr/protected/, qr/./,
 qr/protected/, qr/protected/,
 qr/"step_up_since":null,"claims_since":null,"assurance":\{"namespace":"NIST-AAL","level":"nist-aal1","since":\d+\}/,
 qr/"assurance":\{"namespace":"NIST-AAL","level":"nist-aal3","since":\d+\}/]
--- no_error_log
[error]



=== TEST 5: credential-change mapped to step_up: every session of the user must authenticate again
--- request eval
["GET /t", "GET /t",
 "POST /ssf-step\n" . main::set(event => 'credential-change',
     subject => main::user('alice')),
 "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), main::at('s2', 'alice', time - 60),
 $main::H,
 main::at('s1', 'alice', time - 60), main::at('s2', 'alice', time - 60),
 main::at('s2', 'alice', time + 60)]
--- error_code eval
[200, 200, 202, 401, 401, 200]
--- response_headers_like eval
["", "", "", "X-Status: STEP_UP", "X-Status: STEP_UP", "X-Status: ALLOW"]
--- no_error_log
[error]



=== TEST 6: device-compliance-change: not-compliant revokes, compliant does not, a device alone is unknown
--- request eval
["GET /t", "GET /t",
 main::post(main::set(event => 'device-compliance-change',
     event_body => { previous_status => 'not-compliant',
                     current_status => 'compliant' },
     subject => { format => 'complex', user => main::user('bob'),
                  device => { format => 'opaque', id => 'd1' } })),
 main::post(main::set(event => 'device-compliance-change',
     event_body => { previous_status => 'compliant',
                     current_status => 'not-compliant' },
     subject => { format => 'complex',
                  device => { format => 'opaque', id => 'd9' } })),
 "GET /t",
 main::post(main::set(event => 'device-compliance-change',
     event_body => { previous_status => 'compliant',
                     current_status => 'not-compliant' },
     subject => { format => 'complex', user => main::user('alice'),
                  device => { format => 'opaque', id => 'd1' } })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1'), main::at('s2', 'bob'), $main::H, $main::H, main::at('s2', 'bob'),
 $main::H, main::at('s1'), main::at('s2', 'bob')]
--- error_code eval
[200, 200, 202, 202, 200, 202, 401, 200]
--- no_error_log
[error]



=== TEST 7: unknown event types, verification and stream-updated: 202, logged
--- request eval
[main::post(main::set(event => 'https://example.com/event/new-thing',
                      subject => undef)),
 main::post(main::set(event => $main::SSF . 'verification',
                      event_body => { state => 'VGhpcyBpcyBhIHRlc3Q' },
                      subject => undef)),
 main::post(main::set(event => $main::SSF . 'stream-updated',
                      event_body => { status => 'paused' },
                      subject => undef))]
--- more_headers eval
[$main::H, $main::H, $main::H]
--- error_code eval
[202, 202, 202]
--- no_error_log
[error]



=== TEST 8: an identical retransmission is acknowledged, not applied again; a different SET reusing the jti is refused
--- request eval
my $a = main::set(subject => main::user('alice'), claims => { jti => "j-$$" });
my $b = main::set(subject => main::user('bob'), claims => { jti => "j-$$" });
[main::post($a), "GET /t", main::post($a), "GET /t", main::post($b),
 main::post($b), "GET /t"]
--- more_headers eval
[$main::H, main::at('s1'), $main::H, main::at('s1'), $main::H, $main::H,
 main::at('s2', 'bob')]
--- error_code eval
[202, 200, 202, 200, 400, 400, 200]
--- response_body eval
["", "protected\n", "", "protected\n",
 main::bad('invalid_request', 'jti reused by a different event'),
 main::bad('invalid_request', 'jti reused by a different event'),
 "protected\n"]
--- no_error_log
[error]



=== TEST 9: the bearer secret: missing, wrong, another scheme, shorter: 401 before anything else
--- request eval
[main::post("not-a-set"), main::post(main::set()), main::post(main::set()),
 main::post(main::set())]
--- more_headers eval
["Content-Type: application/secevent+jwt",
 "Content-Type: application/secevent+jwt\nAuthorization: Bearer $main::SECRET" . "x",
 "Content-Type: application/secevent+jwt\nAuthorization: Basic $main::SECRET",
 "Content-Type: application/secevent+jwt\nAuthorization: Bearer " . substr($main::SECRET, 1)]
--- error_code eval
[401, 401, 401, 401]
--- response_body eval
[(main::bad('authentication_failed', 'bearer secret missing or wrong')) x 4]
--- response_headers eval
[("WWW-Authenticate: Bearer\nCache-Control: no-store") x 4]
--- no_error_log
[error]



=== TEST 10: wrong content type, another method, empty and oversized bodies
--- request eval
[main::post(main::set()), "GET /ssf", "POST /ssf\n",
 "POST /ssf\n" . ('x' x 70000)]
--- more_headers eval
["Content-Type: application/jwt\nAuthorization: Bearer $main::SECRET",
 $main::H, $main::H, $main::H]
--- error_code eval
[400, 405, 400, 400]
--- response_body eval
[main::bad('invalid_request', 'wrong content type'), "",
 main::bad('invalid_request', 'empty body'),
 main::bad('invalid_request', 'body too large')]
--- response_headers eval
["", "Allow: POST", "", ""]
--- no_error_log
[error]



=== TEST 11: signature, issuer and audience refusals carry their RFC 8935 codes
--- request eval
[main::post(main::set(kid => 'no-such-key')),
 main::post(main::set() . 'AA'),
 main::post(main::set(claims => { iss => 'https://evil.test/' })),
 main::post(main::set(claims => { aud => 'https://other.test/' })),
 main::post(main::set(claims => { aud => ['https://other.test/', 'https://edge.test/'] })),
 main::post(main::set(alg => 'HS256')),
 "POST /ssf-log\n" . main::set()]
--- more_headers eval
[($main::H) x 7]
--- error_code eval
[400, 400, 400, 400, 202, 400, 400]
--- response_body eval
[qr/^\{"err":"invalid_key",/, qr/^\{"err":"invalid_(key|request)",/,
 main::bad('invalid_issuer', 'issuer mismatch'),
 main::bad('invalid_audience', 'audience mismatch'), "",
 qr/^\{"err":"invalid_key",/, qr/^\{"err":"invalid_key",/]
--- no_error_log
[error]



=== TEST 12: what the SET profile forbids or needs
--- request eval
[main::post(main::set(header => { typ => 'JWT' })),
 main::post(main::set(header => { typ => undef })),
 main::post(main::set(header => { typ => 'logout+jwt' })),
 main::post(main::set(claims => { exp => time + 60 })),
 main::post(main::set(claims => { sub => 'alice' })),
 main::post(main::set(claims => { iat => time + 3600 })),
 main::post(main::set(claims => { iat => time - 2 * 86400 })),
 main::post(main::set(claims => { iat => undef })),
 main::post(main::set(claims => { jti => undef })),
 main::post(main::set(claims => { jti => 'x' x 300 })),
 main::post(main::set(claims => { events => undef })),
 main::post(main::set(claims => { events => {} })),
 main::post(main::set(claims => { events => { $main::CAEP . 'session-revoked' => 'x' } })),
 main::post(main::set(subject => { format => 'opaque' })),
 main::post(main::set(subject => { format => 'nope', id => 'x' })),
 main::post(main::set(subject => undef)),
 main::post(main::set(claims => { txn => 5 })),
 main::post(main::set(claims => { toe => 'yesterday' })),
 main::post(main::set(header => { typ => 'application/secevent+jwt' }))]
--- more_headers eval
[($main::H) x 19]
--- error_code eval
[(400) x 18, 202]
--- response_body eval
[main::bad('invalid_request', 'typ mismatch'),
 main::bad('invalid_request', 'missing typ'),
 main::bad('invalid_request', 'typ mismatch'),
 main::bad('invalid_request', 'exp present'),
 main::bad('invalid_request', 'sub claim present'),
 main::bad('invalid_request', 'iat in the future'),
 main::bad('invalid_request', 'iat too old'),
 main::bad('invalid_request', 'missing iat'),
 main::bad('invalid_request', 'missing jti'),
 main::bad('invalid_request', 'jti too long'),
 main::bad('invalid_request', 'missing events'),
 main::bad('invalid_request', 'missing events'),
 main::bad('invalid_request', 'event not an object'),
 main::bad('invalid_request', 'malformed subject'),
 main::bad('invalid_request', 'malformed subject'),
 main::bad('invalid_request', 'no subject'),
 main::bad('invalid_request', 'malformed txn'),
 main::bad('invalid_request', 'malformed toe'),
 ""]
--- no_error_log
[error]



=== TEST 13: garbage bodies: 400, never a crash
--- request eval
[main::post("...."), main::post("a.b.c"), main::post("\x00\xff\x01"),
 main::post(SGTest::raw_token({ alg => 'RS256', typ => 'secevent+jwt' },
                              '[1,2,3]', 'sig')),
 main::post(SGTest::raw_token({ alg => 'none', typ => 'secevent+jwt' },
                              { iss => 'https://tx.test/' }, undef))]
--- more_headers eval
[($main::H) x 5]
--- error_code eval
[400, 400, 400, 400, 400]
--- response_body eval
[(qr/^\{"err":"invalid_request","description":"[^"]+"\}$/) x 5]
--- no_error_log
[error]
[alert]



=== TEST 14: the counters of session_guard_metrics
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
    location /ssf {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret;
    }
    location /ssf-step {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret on=assurance-level-change:step_up;
    }
    location /metrics { session_guard_metrics format=json; }
--- request eval
my $a = main::set(subject => main::user('alice'));
[main::post($a), main::post($a), main::post(main::set(claims => { exp => time })),
 "POST /ssf-step\n" . main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal1',
                     change_direction => 'decrease' }),
 "GET /metrics"]
--- more_headers eval
[($main::H) x 4, ""]
--- error_code eval
[202, 202, 400, 202, 200]
--- response_body_like eval
[qr/^$/, qr/^$/, qr/./, qr/^$/,
 qr/"security_events":\{"accepted":2,"refused":1,"duplicate":1,"revoked":1,"step_up":1\},"security_events_refused":\{"invalid_request":1,"invalid_key":0,"invalid_issuer":0,"invalid_audience":0,"authentication_failed":0,"access_denied":0\}/]



=== TEST 15: a session revoked is logged at notice
--- request eval
main::post(main::set())
--- error_code: 202
--- error_log
session "s1" revoked by a session-revoked event from "https://tx.test/"
--- no_error_log
[error]



=== TEST 16: the sessions of a user revoked are logged with their count
--- request eval
main::post(main::set(subject => main::user("nobody")))
--- error_code: 202
--- error_log
0 session(s) of "nobody" revoked by a session-revoked event
--- no_error_log
[error]



=== TEST 17: a log-only mapping logs the event
--- request eval
"POST /ssf-log\n" . main::set(event => "credential-change", alg => "ES256", subject => { format => "complex", user => main::user("carol") })
--- error_code: 202
--- error_log
credential-change event from "https://tx.test/" for "carol" logged, nothing done
--- no_error_log
[error]



=== TEST 18: an assurance level recorded is logged
--- request eval
main::post(main::set(event => "assurance-level-change", event_body => { namespace => "NIST-IAL", current_level => "nist-ial2", change_direction => "increase" }))
--- error_code: 202
--- error_log
zone "sg": assurance level "nist-ial2" of "NIST-IAL" (increase) recorded for 0 session(s) of "s1" by an event from "https://tx.test/"
--- no_error_log
[error]



=== TEST 19: a step-up asked is logged with its count (on=assurance-level-change:step_up)
--- request eval
"POST /ssf-step\n" . main::set(event => "assurance-level-change", event_body => { namespace => "NIST-AAL", current_level => "nist-aal1", change_direction => "decrease" })
--- error_code: 202
--- error_log
step-up asked of 0 session(s) of "s1" by event assurance-level-change from "https://tx.test/"
--- no_error_log
[error]



=== TEST 20: a device alone is unknown to the edge
--- request eval
main::post(main::set(event => "device-compliance-change", event_body => { current_status => "not-compliant" }, subject => { format => "complex", device => { format => "opaque", id => "d9" } }))
--- error_code: 202
--- error_log
names neither a session nor a user (device "d9" is unknown to the edge)
--- no_error_log
[error]



=== TEST 21: an unknown event type is logged
--- request eval
main::post(main::set(event => "https://example.com/event/new-thing", subject => undef))
--- error_code: 202
--- error_log
of unknown type "https://example.com/event/new-thing" accepted, nothing done
--- no_error_log
[error]



=== TEST 22: a verification event is logged with its state
--- request eval
main::post(main::set(event => $main::SSF . "verification", event_body => { state => "VGhpcyBpcyBhIHRlc3Q" }, subject => undef))
--- error_code: 202
--- error_log
verification event from "https://tx.test/", state "VGhpcyBpcyBhIHRlc3Q"
--- no_error_log
[error]



=== TEST 23: a stream-updated event is logged with its status
--- request eval
main::post(main::set(event => $main::SSF . "stream-updated", event_body => { status => "paused" }, subject => undef))
--- error_code: 202
--- error_log
stream from "https://tx.test/" is now "paused"
--- no_error_log
[error]



=== TEST 24: nginx -t refuses a receiver without its bearer secret
--- config
    location /ssf {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks;
    }
--- must_die
--- error_log
needs "auth=file": the bearer secret the transmitter presents



=== TEST 25: nginx -t refuses a short secret, an unknown mapping, revoke for assurance-level-change
--- user_files
>>> short.secret
abc
--- config
    location /a {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/short.secret;
    }
--- must_die
--- error_log
must be at least 16 printable characters on one line



=== TEST 26: nginx -t refuses an unknown event in on=
--- config
    location /a {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret on=session-ended:revoke;
    }
--- must_die
--- error_log
unknown event "session-ended" in "on=session-ended:revoke"



=== TEST 27: nginx -t refuses revoke for assurance-level-change
--- config
    location /a {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret on=assurance-level-change:revoke;
    }
--- must_die
--- error_log
invalid parameter "on=assurance-level-change:revoke"



=== TEST 28: token-claims-change refuses the user's tokens issued before it; a newer token passes; others are unaffected
--- request eval
["GET /t", "GET /t", "GET /t",
 main::post(main::set(event => 'token-claims-change',
     subject => main::user('bob'),
     event_body => { claims => { role => 'user' },
                     # ahead: the change is dated "now" when it arrives,
                     # after every token of the block was made
                     event_timestamp => time + 60 })),
 "GET /t", "GET /t", "GET /t", "GET /t", "GET /api/sessions/s2",
 "GET /api/sessions/s3"]
--- more_headers eval
[main::at('s2', 'bob'), main::at('s4', 'bob'), main::at('s3', 'carol'),
 $main::H,
 main::at('s2', 'bob'), main::at('s4', 'bob'),
 # made when the request is sent: newer than the change, dated when
 # it arrived, with either runner
 sg_at_request(sub { "Authorization: Bearer "
     . sg_token(claims => { sid => 's2', sub => 'bob', iat => time + 30 }) }),
 main::at('s3', 'carol'), "", ""]
--- error_code eval
[200, 200, 200, 202, 401, 401, 200, 200, 200, 200]
--- response_headers_like eval
["", "", "", "",
 "X-Status: INVALID\nX-Reason: token issued before a claims change\nWWW-Authenticate: Bearer error=\"invalid_token\".*",
 "X-Status: INVALID", "X-Status: ALLOW", "X-Status: ALLOW", "", ""]
--- response_body_like eval
["", "", "", "", ".*", ".*", "protected", "protected",
 qr/"claims_since":\d+/, qr/"claims_since":null/]
--- no_error_log
[error]



=== TEST 29: token-claims-change naming a session refuses its older tokens only
--- request eval
["GET /t", "GET /t",
 main::post(main::set(event => 'token-claims-change',
     event_body => { claims => { role => 'user' },
                     # ahead: the change is dated "now" when it arrives,
                     # after every token of the block was made
                     event_timestamp => time + 60 })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1', 'alice'), main::at('s9', 'alice'), $main::H,
 main::at('s1', 'alice'), main::at('s9', 'alice')]
--- error_code eval
[200, 200, 202, 401, 200]
--- no_error_log
[error]



=== TEST 30: token-claims-change is logged at notice
--- request eval
main::post(main::set(event => 'token-claims-change',
     event_body => { claims => { role => 'user' } }))
--- error_code: 202
--- error_log eval
qr/\[notice\].*tokens issued up to \d+ refused for 0 session\(s\) of "s1" by event token-claims-change from "https:\/\/tx.test\/"/




=== TEST 31: keys fetched through a location (jwks_fetch=on): the first SET waits for the fetch, the next uses the worker's keys
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys.jwks;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        subrequest_output_buffer_size 64k;
    }
    location = /keys.jwks {
        default_type application/json;
        alias $TEST_NGINX_KEYS/all.jwks;
    }
    location /ssf {
        session_guard_jwks_fetch /jwks-fetch;
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks_fetch=on auth=../html/ssf.secret;
    }
    location /metrics { session_guard_metrics format=json; }
--- request eval
["GET /t", "GET /t", main::post(main::set()),
 main::post(main::set(subject => { format => 'complex',
                                   session => { format => 'opaque', id => 's2' } })),
 main::post(main::set(claims => { aud => 'https://other.test/' })),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1'), main::at('s2'), $main::H, $main::H, $main::H,
 main::at('s1'), main::at('s2')]
--- error_code eval
[200, 200, 202, 202, 400, 401, 401]
--- response_body_like eval
["", "", "^\$", "^\$", main::bad('invalid_audience', 'audience mismatch'), ".*", ".*"]
--- no_error_log
[error]



=== TEST 32: keys fetched once for many SETs: logged once
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys.jwks;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        subrequest_output_buffer_size 64k;
    }
    location = /keys.jwks {
        default_type application/json;
        alias $TEST_NGINX_KEYS/all.jwks;
    }
    location /ssf {
        session_guard_jwks_fetch /jwks-fetch;
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks_fetch=on auth=../html/ssf.secret;
    }
--- request eval
main::post(main::set())
--- error_code: 202
--- error_log eval
qr/\[info\].*session_guard: jwks "\/jwks-fetch" fetched: \d+ keys/



=== TEST 33: the key set cannot be fetched: 500, fail closed (the transmitter sends it again)
--- config
    location = /jwks-fetch {
        internal;
        return 503;
    }
    location /ssf {
        session_guard_jwks_fetch /jwks-fetch;
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks_fetch=on auth=../html/ssf.secret;
    }
--- request eval
main::post(main::set())
--- error_code: 500
--- response_body chomp
{"err":"server_error"}



=== TEST 34: nginx -t: jwks_fetch=on needs a session_guard_jwks_fetch in the location
--- config
    location /ssf2 {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks_fetch=on auth=../html/ssf.secret;
    }
--- must_die
--- error_log
"jwks_fetch=on" needs a "session_guard_jwks_fetch" in effect in the location



=== TEST 35: nginx -t: keys from files or fetched, not both
--- config
    location /ssf2 {
        session_guard_jwks_fetch /jwks-fetch;
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            jwks_fetch=on auth=../html/ssf.secret;
    }
--- must_die
--- error_log
takes keys from files or from "jwks_fetch=on", not both



=== TEST 36: keys discovered from the transmitter's /.well-known/ssf-configuration (its issuer and jwks_uri), then fetched
--- user_files eval
">>> ssf.secret\n$main::SECRET\n>>> t\nprotected\n>>> ssf-configuration\n"
. qq({"spec_version":"1_0","issuer":"https://tx.test/","jwks_uri":"https://tx.test/jwks","delivery_methods_supported":["urn:ietf:rfc:8935"]}\n)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /tx-config {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/static/ssf-configuration;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
    }
    location = /jwks-fetch {
        internal;
        # the key set at the jwks_uri the transmitter's metadata names
        add_header X-Jwks-Uri $session_guard_jwks_uri;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys.jwks;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        subrequest_output_buffer_size 64k;
    }
    location = /static/ssf-configuration {
        default_type application/json;
        alias $TEST_NGINX_SERVER_ROOT/html/ssf-configuration;
    }
    location = /keys.jwks {
        default_type application/json;
        alias $TEST_NGINX_KEYS/all.jwks;
    }
    location /ssf {
        session_guard_jwks_fetch /jwks-fetch discover=/tx-config;
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks_fetch=on auth=../html/ssf.secret;
    }
--- request eval
["GET /t", main::post(main::set()), "GET /t"]
--- more_headers eval
[main::at('s1'), $main::H, main::at('s1')]
--- error_code eval
[200, 202, 401]
--- no_error_log
[error]



=== TEST 37: a discovery document naming another issuer is refused: no keys, 500, nothing applied
--- user_files eval
">>> ssf.secret\n$main::SECRET\n>>> t\nprotected\n>>> ssf-configuration\n"
. qq({"spec_version":"1_0","issuer":"https://evil.test/","jwks_uri":"https://tx.test/jwks","delivery_methods_supported":["urn:ietf:rfc:8935"]}\n)
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /tx-config {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/static/ssf-configuration;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
    }
    location = /jwks-fetch {
        internal;
        # the key set at the jwks_uri the transmitter's metadata names
        add_header X-Jwks-Uri $session_guard_jwks_uri;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/keys.jwks;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        subrequest_output_buffer_size 64k;
    }
    location = /static/ssf-configuration {
        default_type application/json;
        alias $TEST_NGINX_SERVER_ROOT/html/ssf-configuration;
    }
    location = /keys.jwks {
        default_type application/json;
        alias $TEST_NGINX_KEYS/all.jwks;
    }
    location /api {
        session_guard_api zone=sg;
    }
    location /ssf {
        session_guard_jwks_fetch /jwks-fetch discover=/tx-config;
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks_fetch=on auth=../html/ssf.secret;
    }
--- request eval
[main::post(main::set()), "GET /api/sessions/s1"]
--- more_headers eval
[$main::H, ""]
--- error_code eval
[500, 404]
--- error_log
discovery from "/tx-config" failed: "issuer is not session_guard_issuer"



=== TEST 38: a user's sessions all record the level; an event that says the level changed earlier than the one recorded changes nothing
--- request eval
["GET /pay", "GET /pay",
 main::post(main::set(event => 'assurance-level-change',
     subject => main::user('alice'),
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal1',
                     change_direction => 'decrease' })),
 main::post(main::set(event => 'assurance-level-change',
     subject => main::user('alice'),
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal3',
                     change_direction => 'increase',
                     event_timestamp => time - 30 })),
 "GET /pay", "GET /pay", "GET /api/sessions/s2", "GET /error.log"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), main::at('s2', 'alice', time - 60),
 $main::H, $main::H,
 main::at('s1', 'alice', time - 60), main::at('s2', 'alice', time - 60), "",
 ""]
--- error_code eval
[200, 200, 202, 202, 401, 401, 200, 200]
--- response_body_like eval
[qr/protected/, qr/protected/, qr/^$/, qr/^$/, qr/./, qr/./,
 qr/"assurance":\{"namespace":"NIST-AAL","level":"nist-aal1",/,
 qr/assurance level "nist-aal1" of "NIST-AAL" \(decrease\) recorded for 2 session\(s\) of "alice".*assurance level "nist-aal3" of "NIST-AAL" \(increase\) recorded for 0 session\(s\) of "alice"/s]
--- no_error_log
[error]



=== TEST 39: a level that is not one of its namespace's is recorded as weaker than any; a namespace not declared records nothing
--- request eval
["GET /pay",
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => "nist-aal9\nforged" })),
 "GET /pay", "GET /api/sessions/s1",
 "GET /pay",
 main::post(main::set(event => 'assurance-level-change',
     subject => { format => 'complex', session => { format => 'opaque', id => 's2' } },
     event_body => { namespace => 'Retinal Scan', current_level => 'low-res' })),
 "GET /pay", "GET /api/sessions/s2", "GET /error.log"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), $main::H,
 main::at('s1', 'alice', time - 60), "",
 main::at('s2', 'bob', time - 60), $main::H,
 main::at('s2', 'bob', time - 60), "", ""]
--- error_code eval
[200, 202, 401, 200, 200, 202, 200, 200, 200]
--- response_body_like eval
[qr/protected/, qr/^$/, qr/./,
 qr/"assurance":\{"namespace":"NIST-AAL","level":null,"since":\d+\}/,
 qr/protected/, qr/^$/, qr/protected/, qr/"assurance":null/,
 qr/\[warn\] [^\n]*"nist-aal9\\nforged" is not a level of "NIST-AAL", recorded as weaker than any.*\[info\] [^\n]*session "s1": assurance level "\(not one of its levels\)" of "NIST-AAL" reported at \d+, "nist-aal2" needed here.*in namespace "Retinal Scan", which "session_guard_assurance_levels" does not declare: nothing recorded/s]
--- no_error_log
[error]



=== TEST 40: namespaces declared by the operator, NIST-AAL declared again; monitor mode only reports
--- http_config
    session_guard_assurance_levels "Retinal Scan" low-res hi-res;
    session_guard_assurance_levels NIST-AAL aal1 aal2 aal3;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require_assurance "Retinal Scan" hi-res;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        location /t/monitor {
            session_guard zone=sg mode=monitor;
            alias $TEST_NGINX_SERVER_ROOT/html/t;
        }
        location /t/aal {
            session_guard_require_assurance NIST-AAL aal2;
            alias $TEST_NGINX_SERVER_ROOT/html/t;
        }
        location /t/off {
            session_guard_require_assurance off;
            alias $TEST_NGINX_SERVER_ROOT/html/t;
        }
    }
    location /ssf {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t",
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'Retinal Scan', current_level => 'low-res' })),
 "GET /t", "GET /t/monitor", "GET /t/aal", "GET /t/off",
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 'aal1' })),
 "GET /t", "GET /t/aal", "GET /api/sessions/s1"]
--- more_headers eval
[main::at('s1'), $main::H, main::at('s1'), main::at('s1'), main::at('s1'),
 main::at('s1'), $main::H, main::at('s1'), main::at('s1'), ""]
--- error_code eval
[200, 202, 401, 200, 200, 200, 202, 200, 401, 200]
--- response_headers_like eval
["X-Status: ALLOW", "", "X-Status: STEP_UP\nX-Reason: assurance level too low",
 "X-Status: STEP_UP_MONITOR\nX-Reason: assurance level too low",
 "X-Status: ALLOW", "X-Status: ALLOW", "", "X-Status: ALLOW",
 "X-Status: STEP_UP\nX-Reason: assurance level too low", ""]
--- response_body_like eval
[qr/protected/, qr/^$/, qr/./, qr/protected/, qr/protected/, qr/protected/,
 qr/^$/, qr/protected/, qr/./,
 qr/"assurance":\{"namespace":"NIST-AAL","level":"aal1","since":\d+\}/]
--- no_error_log
[error]



=== TEST 41: on=assurance-level-change:step_up records the level and, for a decrease, asks every location for step-up; :log records nothing
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /ssf-step {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret on=assurance-level-change:step_up;
    }
    location /ssf-log {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret on=assurance-level-change:log;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
["GET /t", "GET /t",
 "POST /ssf-step\n" . main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal2',
                     change_direction => 'increase' }),
 "GET /t",
 "POST /ssf-step\n" . main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal1',
                     change_direction => 'decrease' }),
 "GET /t", "GET /api/sessions/s1",
 "POST /ssf-log\n" . main::set(event => 'assurance-level-change',
     subject => { format => 'complex', session => { format => 'opaque', id => 's2' } },
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal1',
                     change_direction => 'decrease' }),
 "GET /t", "GET /api/sessions/s2"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), main::at('s2', 'bob', time - 60),
 $main::H, main::at('s1', 'alice', time - 60), $main::H,
 main::at('s1', 'alice', time - 60), "", $main::H,
 main::at('s2', 'bob', time - 60), ""]
--- error_code eval
[200, 200, 202, 200, 202, 401, 200, 202, 200, 200]
--- response_body_like eval
[qr/protected/, qr/protected/, qr/^$/, qr/protected/, qr/^$/, qr/./,
 qr/"step_up_since":\d+,"claims_since":null,"assurance":\{"namespace":"NIST-AAL","level":"nist-aal1",/,
 qr/^$/, qr/protected/, qr/"step_up_since":null,"claims_since":null,"assurance":null/]
--- no_error_log
[error]



=== TEST 42: an assurance-level-change without namespace or current_level is refused (CAEP requires both)
--- request eval
[main::post(main::set(event => 'assurance-level-change',
     event_body => { current_level => 'nist-aal1' })),
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', change_direction => 'decrease' })),
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 2 })),
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => ['NIST-AAL'], current_level => 'nist-aal1' }))]
--- error_code eval
[400, 400, 400, 400]
--- response_body eval
[(main::bad('invalid_request', 'malformed event')) x 4]
--- more_headers eval
[($main::H) x 4]
--- no_error_log
[error]



=== TEST 43: nginx -t refuses a requirement in a namespace not declared
--- config
    location /a {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require_assurance eIDAS substantial;
    }
--- must_die
--- error_log eval
qr/"session_guard_require_assurance": unknown assurance namespace "eIDAS" \(declare it with "session_guard_assurance_levels"\) in \S+nginx.conf:\d+/



=== TEST 44: nginx -t refuses a requirement that is not a level of its namespace
--- config
    location /a {
        session_guard_require_assurance NIST-AAL aal2;
    }
--- must_die
--- error_log
"session_guard_require_assurance": "aal2" is not a level of "NIST-AAL"



=== TEST 45: nginx -t refuses a namespace declared twice
--- http_config
    session_guard_assurance_levels eIDAS low substantial high;
    session_guard_assurance_levels eIDAS low high;
--- config
--- must_die
--- error_log
"session_guard_assurance_levels" directive is duplicate for this namespace



=== TEST 46: nginx -t refuses a level given twice
--- http_config
    session_guard_assurance_levels eIDAS low substantial low;
--- config
--- must_die
--- error_log
duplicate assurance level "low"



=== TEST 47: nginx -t refuses a level with a double quote
--- http_config
    session_guard_assurance_levels eIDAS 'lo"w' high;
--- config
--- must_die
--- error_log
invalid assurance level "lo"w"



=== TEST 48: nginx -t refuses namespaces declared outside http
--- config
    session_guard_assurance_levels eIDAS low high;
--- must_die
--- error_log
"session_guard_assurance_levels" directive is not allowed here



=== TEST 49: nginx -t refuses one argument other than off
--- config
    location /a {
        session_guard_require_assurance NIST-AAL;
    }
--- must_die
--- error_log
invalid parameter "NIST-AAL" (a namespace and a level, or "off")



=== TEST 50: the level recorded is in the state file nginx saves when it stops
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE;"
--- request eval
["GET /pay",
 main::post(main::set(event => 'assurance-level-change',
     event_body => { namespace => 'NIST-AAL', current_level => 'nist-aal1' })),
 "GET /pay"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), $main::H, main::at('s1', 'alice', time - 60)]
--- error_code eval
[200, 202, 401]
--- no_error_log
[error]



=== TEST 51: after a restart the level is still recorded: the same step-up
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE;"
--- request eval
["GET /pay", "GET /api/sessions/s1"]
--- more_headers eval
[main::at('s1', 'alice', time - 60), ""]
--- error_code eval
[401, 200]
--- response_headers_like eval
["X-Status: STEP_UP\nX-Reason: assurance level too low", ""]
--- response_body_like eval
[qr/./, qr/"assurance":\{"namespace":"NIST-AAL","level":"nist-aal1","since":\d+\}/]
--- no_error_log
[error]



=== TEST 52: (a zone without a state file, while the file of the blocks before is copied as format 1)
--- init
main::to_format1();
--- request
GET /api/sessions/s1
--- error_code: 404
--- no_error_log
[error]



=== TEST 53: a state file of format 1 (written before the level was kept) loads: its sessions, without a level
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$main::STATE1;"
--- request eval
["GET /api/sessions/s1", "GET /pay"]
--- more_headers eval
["", main::at('s1', 'alice', time - 60)]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"id":"s1","subject":"alice",.*"assurance":null,/, qr/protected/]
--- error_log eval
qr/\[notice\].*session_guard: loaded 1 sessions from state file "\S+700-\d+-format1\.state" into zone "sg" \(0 revoked, 2 jti,/
--- no_error_log
[error]
