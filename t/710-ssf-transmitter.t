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
        location = /ssf/events {
            session_guard_ssf_receiver zone=b issuer=https://edge-a.test/
                audience=https://edge-b.test/
                jwks=$TEST_NGINX_EDGE_KEYS/a.jwks auth=../html/ssf.secret;
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
--- wait: 0.5
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
 qr/"security_events":\{"accepted":1,"refused":0,"duplicate":0,"revoked":1,"step_up":0\},"security_events_sent":\{"sent":0,"retried":0,"given_up":0,"dropped":0\}/]
--- no_error_log
[error]
[alert]
