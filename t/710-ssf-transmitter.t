# Transmitting Shared Signals (OpenID SSF 1.0, CAEP):
# session_guard_ssf_transmitter.  When edge A ends a session, or asks it
# for step-up, it signs a SET and pushes it (RFC 8935) through a location
# of its own to edge B, whose session_guard_ssf_receiver ends the session
# there too, or asks it for step-up.
#
# Edge A is the test server (zone "a"); edge B is a second server block
# (zone "b", on $TEST_NGINX_APP_PORT) with sessions, a receiver, an API
# and a transmitter back to A: the two share nothing but HTTP.  A's SETs
# pass through B's /sink, which logs each body to logs/sets.log before
# handing it to the receiver; a filter checks every one with Crypt::JWT
# and the public key (as CryptX reads it), independently of the module.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Crypt::JWT qw(decode_jwt);
use Crypt::PK::ECC;
use File::Path qw(make_path);
use IO::Socket::INET;
use JSON::PP ();

no_shuffle();
check_accum_error_log();

our $CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
our $SECRET = 'ssf-edge-secret-0123456789';

# The edges' keys: private JWKs for this run, their public key sets.
our $EK = "$SG_ROOT/t/tmp/ssf-keys-$$";
make_path($EK);
$ENV{TEST_NGINX_EDGE_KEYS} = $EK;

our (%PUB);

sub put {
    my ($name, $text) = @_;
    open my $fh, '>', "$EK/$name" or die "$EK/$name: $!";
    print $fh $text;
    close $fh;
}

for my $name (qw(a b)) {
    my $k = Crypt::PK::ECC->new;
    $k->generate_key('secp256r1');
    put("$name.jwk", $k->export_key_jwk('private'));
    put("$name.jwks", '{"keys":[' . $k->export_key_jwk('public') . ']}');
    $PUB{$name} = Crypt::PK::ECC->new(\$k->export_key_jwk('public'));
}

put('bad.jwk', '{"kty":"EC","crv":"P-256"}');

END { system('rm', '-rf', $EK) if $EK && -d $EK }

# A port where nothing listens: a receiver that is down.
{
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp');
    $ENV{TEST_NGINX_DOWN_PORT} = $s->sockport;
    close $s;
}

# A port that accepts connections and never answers: a slow receiver.
our $BLACKHOLE = IO::Socket::INET->new(Listen => 128, Proto => 'tcp',
                                       LocalAddr => '127.0.0.1',
                                       LocalPort => 0, ReuseAddr => 1)
    or die "blackhole: $!";
$ENV{TEST_NGINX_BLACKHOLE_PORT} = $BLACKHOLE->sockport;

# a token for session $sid of $sub, authenticated at $auth_time
sub at {
    my ($sid, $sub, $ua, $auth_time) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $sub || 'alice',
                                   auth_time => $auth_time });
    return "Authorization: Bearer $tok\r\nUser-Agent: " . ($ua || 'ua-1');
}

# The SETs B's sink logged: each verified with A's public key and summed
# up on one line, in the order they came.
sub sets {
    my ($body) = @_;
    my @out;

    for my $line (split /\n/, $body) {
        my ($ct, $auth, $tok) = split /\|/, $line, 3;
        my ($h, $c) = eval {
            decode_jwt(token => $tok, key => $PUB{a}, decode_header => 1,
                       accepted_alg => qr/^ES256$/, verify_iat => 1)
        };
        if (!$c) {
            push @out, "BAD $@";
            next;
        }

        my ($uri) = keys %{ $c->{events} };
        my $ev = $c->{events}{$uri};
        (my $type = $uri) =~ s/^\Q$CAEP\E//;
        my $s = $c->{sub_id} || {};
        my $subject = $s->{format} eq 'complex'
            ? "session=$s->{session}{format}:$s->{session}{id}"
              . ($s->{user} ? " user=" . subj($s->{user}) : '')
            : subj($s);
        my $age = time - $c->{iat};
        my %rest = %$ev;
        delete @rest{qw(event_timestamp initiating_entity reason_admin)};

        push @out, join ' ',
            "ct=$ct", "auth=" . ($auth eq "Bearer $SECRET" ? 'ok' : $auth),
            "typ=$h->{typ}", "alg=$h->{alg}", "kid=" . ($h->{kid} ? 'yes' : 'no'),
            "iss=$c->{iss}", "aud=$c->{aud}",
            "iat=" . ($age >= 0 && $age < 60 ? 'now' : $age),
            "jti=" . (length($c->{jti} // '') >= 20 ? 'ok' : 'short'),
            "exp=" . (exists $c->{exp} ? 'yes' : 'no'),
            "sub=" . (exists $c->{sub} ? 'yes' : 'no'),
            "event=$type", $subject,
            "by=$ev->{initiating_entity}",
            "reason=" . ($ev->{reason_admin}{en} // '-'),
            "ts=" . ($ev->{event_timestamp} == $c->{iat} ? 'iat' : 'other'),
            map { "$_=$rest{$_}" } sort keys %rest;
    }

    return join '', map { "$_\n" } @out;
}

# the key set served: its one key, public, named by its RFC 7638 thumbprint
sub jwks_summary {
    my ($body) = @_;
    my $set = JSON::PP::decode_json($body);
    my @keys = @{ $set->{keys} };
    my $k = $keys[0];
    my $pub = Crypt::PK::ECC->new(\JSON::PP::encode_json($k));
    my $same = $pub->export_key_jwk('public') eq $PUB{a}->export_key_jwk('public')
        ? 'yes' : 'no';
    my $kid = $k->{kid} eq $PUB{a}->export_key_jwk_thumbprint('SHA256')
        ? 'thumbprint' : $k->{kid};
    return "keys=" . @keys . " kty=$k->{kty} crv=$k->{crv} alg=$k->{alg}"
        . " use=$k->{use} kid=$kid d=" . (exists $k->{d} ? 'present' : 'absent')
        . " same=$same\n";
}

sub subj {
    my ($s) = @_;
    return "$s->{format}:$s->{iss}:$s->{sub}" if $s->{format} eq 'iss_sub';
    return "$s->{format}:$s->{id}";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=a:1m max_lifetime=1h;
    session_guard_zone zone=b:1m max_lifetime=1h;
    log_format sets escape=none
        '$content_type|$http_authorization|$request_body';

    # edge B
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;

        session_guard_ssf_transmitter /ssf-to-a zone=b
            key=$TEST_NGINX_EDGE_KEYS/b.jwk issuer=https://edge-b.test/
            audience=https://edge-a.test/;

        location /t {
            session_guard zone=b;
            session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
            session_guard_leeway 120s;
            include $TEST_NGINX_SG_CONF/decision-headers.conf;
            alias $TEST_NGINX_SERVER_ROOT/html/b;
        }
        location /sink {
            client_body_in_single_buffer on;
            access_log $TEST_NGINX_SERVER_ROOT/logs/sets.log sets;
            proxy_set_header Authorization $http_authorization;
            proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/ssf/events;
        }
        # another edge's step-up is one here too, in every location
        location = /ssf/events {
            session_guard_ssf_receiver zone=b issuer=https://edge-a.test/
                audience=https://edge-b.test/
                jwks=$TEST_NGINX_EDGE_KEYS/a.jwks auth=../html/ssf.secret
                on=assurance-level-change:step_up;
        }
        location = /ssf/other {
            session_guard_ssf_receiver zone=b issuer=https://edge-a.test/
                audience=https://other.test/
                jwks=$TEST_NGINX_EDGE_KEYS/a.jwks auth=../html/ssf.secret;
        }
        location /api/ {
            session_guard_api zone=b;
        }
        location = /metrics {
            session_guard_metrics zone=b;
        }
        location = /ssf-to-a {
            internal;
            proxy_set_header Authorization "Bearer $TEST_NGINX_SSF_SECRET";
            proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ssf/events;
        }
    }
_EOC_
    $block->set_value('user_files', ">>> ssf.secret\n$main::SECRET\n"
                                    . ">>> a\na\n>>> b\nb\n")
        unless defined $block->user_files;
    $block->set_value('config', <<'_EOC_' . ($block->config // ''));
    location /t {
        session_guard zone=a;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=revoke ip=step_up;
        session_guard_leeway 120s;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        alias $TEST_NGINX_SERVER_ROOT/html/a;
    }
    location /b/ {
        proxy_set_header Authorization $http_authorization;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/;
    }
    location /api/ {
        session_guard_api zone=a;
    }
    location = /metrics {
        session_guard_metrics zone=a;
    }
    location = /ssf/events {
        session_guard_ssf_receiver zone=a issuer=https://edge-b.test/
            audience=https://edge-a.test/
            jwks=$TEST_NGINX_EDGE_KEYS/b.jwks auth=../html/ssf.secret;
    }
    location = /sets-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/sets.log;
    }
    location = /error-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
    location = /ssf-out {
        internal;
        proxy_set_header Authorization "Bearer $TEST_NGINX_SSF_SECRET";
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/sink;
    }
_EOC_
});

$ENV{TEST_NGINX_SSF_SECRET} = $SECRET;

run_tests();

__DATA__

=== TEST 1: an API revocation on A ends the session on B; B does not send it back
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
--- request eval
["GET /t", "GET /b/t", "GET /b/t", "DELETE /api/sessions/s1?reason=fraud",
 "GET /b/t", "GET /b/t", "GET /b/api/sessions/s1", "GET /sets-log",
 "GET /metrics", "GET /b/metrics"]
--- more_headers eval
[main::at('s1'), main::at('s1'), main::at('s2'), "", main::at('s1'),
 main::at('s2'), "", "", "", ""]
--- wait: 0.3
--- error_code eval
[200, 200, 200, 204, 401, 200, 200, 200, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "X-Status: ALLOW", "",
 "X-Status: REVOKED", "X-Status: ALLOW", "", "", "", ""]
--- response_body_filters eval
[[], [], [], [], [], [], [], [\&main::sets], [], []]
--- response_body_like eval
["a", "b", "b", "", ".*", "b",
 qr/"source":"ssf","at":\d+,"reason":"session-revoked"/,
 qr{^ct=application/secevent\+jwt auth=ok typ=secevent\+jwt alg=ES256 kid=yes iss=https://edge-a.test/ aud=https://edge-b.test/ iat=now jti=ok exp=no sub=no event=session-revoked session=opaque:s1 user=opaque:alice by=admin reason=fraud ts=iat\n$},
 qr/"security_events_sent":\{"sent":1,"retried":0,"given_up":0,"dropped":0\},"security_events_queued":0/,
 qr/"security_events":\{"accepted":1,"refused":0,"duplicate":0,"revoked":1,"step_up":0\},"security_events_refused":\{[^}]*\},"security_events_sent":\{"sent":0,"retried":0,"given_up":0,"dropped":0\}/]
--- no_error_log
[error]
[alert]



=== TEST 2: a policy revocation (the user agent changed) and a step-up (the address changed) reach B
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/ subject_issuer=https://idp.test/;
    location /t2 {
        session_guard zone=a;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=step_up;
        session_guard_leeway 120s;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        alias $TEST_NGINX_SERVER_ROOT/html/a;
    }
--- request eval
["GET /t", "GET /b/t", "GET /t", "GET /b/t",
 "GET /t2", "GET /b/t", "GET /t2", "GET /t2", "GET /b/t", "GET /b/t",
 "GET /sets-log"]
--- more_headers eval
[main::at('s1', 'alice', 'ua-1'), main::at('s1', 'alice', 'ua-1'),
 main::at('s1', 'alice', 'ua-2'), main::at('s1', 'alice', 'ua-1'),
 main::at('s2', 'bob', 'ua-1', time - 60),
 main::at('s2', 'bob', 'ua-1', time - 60),
 main::at('s2', 'bob', 'ua-2', time - 60),
 main::at('s2', 'bob', 'ua-3', time - 60),
 main::at('s2', 'bob', 'ua-1', time - 60),
 main::at('s2', 'bob', 'ua-1', time + 60), ""]
--- wait: 0.3
--- error_code eval
[200, 200, 401, 401, 200, 200, 401, 401, 401, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "X-Status: REVOKED",
 "X-Status: REVOKED", "X-Status: ALLOW", "X-Status: ALLOW",
 "X-Status: STEP_UP", "X-Status: STEP_UP", "X-Status: STEP_UP",
 "X-Status: ALLOW", ""]
--- response_body_filters eval
[[], [], [], [], [], [], [], [], [], [], [\&main::sets]]
--- response_body_like eval
["a", "b", ".*", ".*", "a", "b", ".*", ".*", ".*", "b",
 qr{^ct=application/secevent\+jwt auth=ok typ=secevent\+jwt alg=ES256 kid=yes iss=https://edge-a.test/ aud=https://edge-b.test/ iat=now jti=ok exp=no sub=no event=session-revoked session=opaque:s1 user=iss_sub:https://idp.test/:alice by=policy reason=ua ts=iat
ct=application/secevent\+jwt auth=ok typ=secevent\+jwt alg=ES256 kid=yes iss=https://edge-a.test/ aud=https://edge-b.test/ iat=now jti=ok exp=no sub=no event=assurance-level-change session=opaque:s2 user=iss_sub:https://idp.test/:bob by=policy reason=ua ts=iat change_direction=decrease current_level=step-up-required namespace=session_guard
$}]
--- no_error_log
[error]
[alert]



=== TEST 3: the receiver refuses the SET (400): given up at once, with its reason
--- config
    session_guard_ssf_transmitter /ssf-other zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /ssf-other {
        internal;
        proxy_set_header Authorization "Bearer $TEST_NGINX_SSF_SECRET";
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/ssf/other;
    }
--- request eval
["DELETE /api/sessions/s1", "GET /metrics"]
--- wait: 0.3
--- error_code eval
[204, 200]
--- response_body_like eval
["",
 qr/"security_events_sent":\{"sent":0,"retried":0,"given_up":1,"dropped":0\},"security_events_queued":0/]
--- error_log eval
[qr/security event to "\/ssf-other" given up after 1 attempts: status 400 \{\\"err\\":\\"invalid_audience\\",\\"description\\":\\"audience mismatch\\"\}/]
--- no_error_log
[alert]



=== TEST 4: a receiver that is down: retried after a backoff, then given up (retries=2)
--- config
    session_guard_ssf_transmitter /ssf-down zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/ retries=2;
    location = /ssf-down {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_DOWN_PORT/;
    }
--- request eval
["DELETE /api/sessions/s1", "GET /metrics"]
--- wait: 8
--- error_code eval
[204, 200]
--- response_body_like eval
["",
 qr/"security_events_sent":\{"sent":0,"retried":2,"given_up":1,"dropped":0\},"security_events_queued":0/]
--- error_log eval
[qr/security event to "\/ssf-down" not delivered \(status 502\), retry 1 of 2 in [12] s/,
 qr/security event to "\/ssf-down" not delivered \(status 502\), retry 2 of 2 in [23] s/,
 qr/security event to "\/ssf-down" given up after 3 attempts: status 502/]
--- no_error_log
[alert]



=== TEST 5: refused for a while (503), then delivered: the same SET is sent again and applied once
--- http_config
    limit_req_zone "all" zone=slow:1m rate=20r/m;
--- config
    session_guard_ssf_transmitter /ssf-limited zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /ssf-limited {
        internal;
        proxy_set_header Authorization "Bearer $TEST_NGINX_SSF_SECRET";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/limited;
    }
    # one request in 3 s: the probe takes the first, the SET's first
    # attempts are refused, a later retry passes
    location = /limited {
        limit_req zone=slow;
        proxy_set_header Authorization $http_authorization;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/sink;
    }
    location = /probe {
        limit_req zone=slow;
        alias $TEST_NGINX_SERVER_ROOT/html/a;
    }
    # a pause of 2 s: nothing answers there
    location = /pause {
        proxy_read_timeout 2s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT/;
    }
--- request eval
["GET /b/t", "GET /probe", "DELETE /api/sessions/s1", ("GET /pause") x 4,
 "GET /b/t", "GET /metrics", "GET /b/metrics", "GET /sets-log"]
--- more_headers eval
[main::at('s1'), ("") x 6, main::at('s1'), "", "", ""]
--- wait: 0.3
--- error_code eval
[200, 200, 204, 504, 504, 504, 504, 401, 200, 200, 200]
--- response_body_filters eval
[[], [], [], [], [], [], [], [], [], [], [\&main::sets]]
--- response_body_like eval
["b", "a", "", ".*", ".*", ".*", ".*", ".*",
 qr/"security_events_sent":\{"sent":1,"retried":[1-3],"given_up":0,"dropped":0\},"security_events_queued":0/,
 qr/"security_events":\{"accepted":1,"refused":0,"duplicate":0,"revoked":1,"step_up":0\}/,
 qr{^ct=application/secevent\+jwt auth=ok [^\n]* event=session-revoked session=opaque:s1 by=admin reason=api ts=iat\n$}]
--- no_error_log
[alert]



=== TEST 6: a full outbox drops the event, logged and counted; each stream has its own bound
--- config
    session_guard_ssf_transmitter /ssf-slow zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/ queue=1;
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /ssf-slow {
        internal;
        proxy_read_timeout 2s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT/;
    }
--- request eval
["DELETE /api/sessions/s1", "DELETE /api/sessions/s2", "GET /metrics",
 "GET /error-log"]
--- wait: 0.3
--- error_code eval
[204, 204, 200, 200]
--- response_body_like eval
["", "",
 qr/"security_events_sent":\{"sent":2,"retried":0,"given_up":0,"dropped":1\},"security_events_queued":1/,
 qr/security event for "\/ssf-slow" dropped: the queue is full/]
--- no_error_log
[alert]



=== TEST 7: B revokes by subject through its API: A ends every session of the user
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
--- request eval
["GET /t", "GET /t", "GET /b/t", "DELETE /b/api/subjects/alice/sessions",
 "GET /t", "GET /t", "GET /t", "GET /metrics", "GET /b/metrics"]
--- more_headers eval
[main::at('s1', 'alice'), main::at('s2', 'alice'), main::at('s3', 'alice'),
 "", main::at('s1', 'alice'), main::at('s2', 'alice'),
 main::at('s4', 'bob'), "", ""]
--- wait: 0.3
--- error_code eval
[200, 200, 200, 200, 401, 401, 200, 200, 200]
--- response_body_like eval
["a", "a", "b", "revoked", ".*", ".*", "a",
 qr/"revocations":\{"policy":0,"api":0,"logout":0,"limit":0,"ssf":2,"failed":0\}.*"security_events":\{"accepted":1,"refused":0,"duplicate":0,"revoked":1,"step_up":0\},"security_events_refused":\{[^}]*\},"security_events_sent":\{"sent":0,/,
 qr/"security_events_sent":\{"sent":1,"retried":0,"given_up":0,"dropped":0\}/]
--- no_error_log
[error]
[alert]



=== TEST 8: the transmitter's metadata and key set
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /.well-known/ssf-configuration {
        session_guard_ssf_configuration jwks_uri=https://edge-a.test/jwks;
    }
    location = /jwks {
        session_guard_ssf_jwks;
    }
--- request eval
["GET /.well-known/ssf-configuration", "GET /jwks",
 "POST /.well-known/ssf-configuration\nx", "HEAD /jwks"]
--- error_code eval
[200, 200, 405, 200]
--- response_headers eval
["Content-Type: application/json\nCache-Control: max-age=300",
 "Content-Type: application/jwk-set+json", "", ""]
--- response_body_filters eval
[[], [\&main::jwks_summary], [], []]
--- response_body eval
[qq({"spec_version":"1_0","issuer":"https://edge-a.test/","jwks_uri":"https://edge-a.test/jwks","delivery_methods_supported":["urn:ietf:rfc:8935"]}\n),
 "keys=1 kty=EC crv=P-256 alg=ES256 use=sig kid=thumbprint d=absent same=yes\n",
 qr/405/, ""]
--- no_error_log
[error]



=== TEST 9: nginx -t: the required parameters
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/;
--- must_die
--- error_log
session_guard_ssf_transmitter: "zone=", "key=", "issuer=" and "audience=" are required



=== TEST 10: nginx -t: an unknown event, a queue of 0, too many retries
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/ events=session-revoked,session-ended;
--- must_die
--- error_log
unknown or duplicate event "session-ended" (session-revoked, assurance-level-change)



=== TEST 11: nginx -t: a queue of 0
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/ queue=0;
--- must_die
--- error_log
session_guard_ssf_transmitter: invalid "queue=0" (1 to 65536)



=== TEST 12: nginx -t: a key file that is not a private key
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/bad.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
--- must_die
--- error_log eval
qr/session_guard_ssf_transmitter: key file ".*bad.jwk": .* \(a private JWK: EC P-256, Ed25519, or RSA of 2048 bits or more\)/



=== TEST 13: nginx -t: a transmitter is declared in a server, not a location
--- config
    location /x {
        session_guard_ssf_transmitter /ssf-out zone=a
            key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
            audience=https://edge-b.test/;
    }
--- must_die
--- error_log
"session_guard_ssf_transmitter" directive is not allowed here



=== TEST 14: nginx -t: metadata in a server without a transmitter
--- config
    location = /.well-known/ssf-configuration {
        session_guard_ssf_configuration;
    }
--- must_die
--- error_log
session_guard_ssf_configuration: no "session_guard_ssf_transmitter" in this server



=== TEST 15: nginx -t: a quote in an issuer
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk 'issuer=https://edge-a.test/"'
        audience=https://edge-b.test/;
--- must_die
--- error_log
take printable ASCII without quotes or backslashes



=== TEST 16: a session replaced by max_sessions is sent as session-revoked
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location /t3 {
        session_guard zone=a;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_max_sessions 1;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        alias $TEST_NGINX_SERVER_ROOT/html/a;
    }
--- request eval
["GET /b/t", "GET /t3", "GET /t3", "GET /b/t", "GET /t3", "GET /sets-log"]
--- more_headers eval
[main::at('s1'), main::at('s1'), main::at('s2'), main::at('s1'),
 main::at('s1'), ""]
--- wait: 0.3
--- error_code eval
[200, 200, 200, 401, 401, 200]
--- response_body_filters eval
[[], [], [], [], [], [\&main::sets]]
--- response_body_like eval
["b", "a", "a", ".*", ".*",
 qr{^ct=application/secevent\+jwt auth=ok [^\n]* event=session-revoked session=opaque:s1 user=opaque:alice by=policy reason=replaced ts=iat\n$}]
--- no_error_log
[error]
[alert]



=== TEST 17: a logout at the edge is sent as session-revoked, initiated by the user
--- config
    session_guard_ssf_transmitter /ssf-out zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /logout {
        session_guard zone=a;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_logout on;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        alias $TEST_NGINX_SERVER_ROOT/html/a;
    }
--- request eval
["GET /b/t", "GET /t", "GET /logout", "GET /t", "GET /b/t", "GET /sets-log"]
--- more_headers eval
[main::at('s1'), main::at('s1'), main::at('s1'), main::at('s1'),
 main::at('s1'), ""]
--- wait: 0.3
--- error_code eval
[200, 200, 200, 401, 401, 200]
--- response_body_filters eval
[[], [], [], [], [], [\&main::sets]]
--- response_body_like eval
["b", "a", "a", ".*", ".*",
 qr{^ct=application/secevent\+jwt auth=ok [^\n]* event=session-revoked session=opaque:s1 user=opaque:alice by=user reason=logout ts=iat\n$}]
--- no_error_log
[error]
[alert]



=== TEST 18: an answer larger than subrequest_output_buffer_size: a failed attempt, never a crash
--- user_files eval
">>> ssf.secret\n$main::SECRET\n>>> a\na\n>>> b\nb\n>>> big\n" . ("x" x 10000) . "\n"
--- config
    session_guard_ssf_transmitter /ssf-big zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/ retries=0;
    location = /ssf-big {
        internal;
        subrequest_output_buffer_size 4k;
        proxy_method GET;
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/big;
    }
    location = /big {
        alias $TEST_NGINX_SERVER_ROOT/html/big;
    }
--- request eval
["DELETE /api/sessions/s1", "GET /metrics"]
--- wait: 0.5
--- error_code eval
[204, 200]
--- response_body_like eval
["", qr/"security_events_sent":\{"sent":0,"retried":0,"given_up":1,"dropped":0\},"security_events_queued":0/]
--- error_log eval
[qr/too big subrequest response/,
 qr/security event to "\/ssf-big" given up after 1 attempts: status 0/]
--- no_error_log
[alert]



=== TEST 19: a location with proxy_buffering off delivers like any other
--- config
    session_guard_ssf_transmitter /ssf-nobuf zone=a
        key=$TEST_NGINX_EDGE_KEYS/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /ssf-nobuf {
        internal;
        proxy_buffering off;
        proxy_set_header Authorization "Bearer $TEST_NGINX_SSF_SECRET";
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/sink;
    }
--- request eval
["GET /b/t", "DELETE /api/sessions/s1", "GET /b/t", "GET /metrics"]
--- more_headers eval
[main::at('s1'), "", main::at('s1'), ""]
--- wait: 0.3
--- error_code eval
[200, 204, 401, 200]
--- response_body_like eval
["b", "", ".*", qr/"security_events_sent":\{"sent":1,"retried":0,"given_up":0,"dropped":0\}/]
--- no_error_log
[alert]
[error]

