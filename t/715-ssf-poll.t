# Receiving Shared Signals by poll (RFC 8936): session_guard_ssf_poll.
# The edge POSTs {"returnImmediately":true,"maxEvents":N,"ack":[..],
# "setErrs":{..}} through a location of its own to the transmitter's poll
# endpoint, applies the SETs of the answer as the push receiver does, and
# acknowledges them (or reports them refused) in the next poll.
#
# The transmitter here is a second server block (on $TEST_NGINX_APP_PORT):
# its /poll logs each request body to logs/poll.log and answers with a
# fixed document (poll.json, written by the block with SETs signed for
# this run), so every poll gets the same SETs: the first applied, then
# acknowledged again as duplicates.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
check_accum_error_log();

our $CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
my $seq = 0;

# a SET from https://tx.test/ for https://edge.test/ (as in t/700)
sub set {
    my (%o) = @_;
    my $type = $CAEP . ($o{event} // 'session-revoked');
    my %claims = (
        iss    => 'https://tx.test/',
        aud    => 'https://edge.test/',
        iat    => time,
        exp    => undef,
        sub    => undef,
        sid    => undef,
        jti    => $o{jti},
        events => { $type => { event_timestamp => time } },
        sub_id => $o{subject} // { format => 'complex',
                                   session => { format => 'opaque',
                                                id => 's1' } },
        %{ $o{claims} || {} },
    );
    return sg_token(claims => \%claims, header => { typ => 'secevent+jwt' });
}

sub at {
    my ($sid, $sub) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $sub || 'alice' });
    return "Authorization: Bearer $tok";
}

# the transmitter's answer, as JSON text
sub answer {
    my (%sets) = @_;
    my $more = delete $sets{_more} ? 'true' : 'false';
    return '{"sets":{' . join(',', map { qq("$_":"$sets{$_}") } sort keys %sets)
           . qq(},"moreAvailable":$more}\n);
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;
    log_format polls escape=none '$http_authorization|$request_body';

    # the transmitter
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;
        location = /poll {
            client_body_in_single_buffer on;
            access_log $TEST_NGINX_SERVER_ROOT/logs/poll.log polls;
            proxy_method GET;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/poll.json;
        }
        location = /poll.json {
            default_type application/json;
            alias $TEST_NGINX_SERVER_ROOT/html/poll.json;
        }
        location = /fail {
            return 503;
        }
        location = /garbage {
            default_type application/json;
            return 200 '{"sets":[]}';
        }
    }
_EOC_
    $block->set_value('config', <<'_EOC_' . ($block->config // ''));
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /metrics {
        session_guard_metrics zone=sg;
    }
    location = /poll-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/poll.log;
    }
    location = /to-tx {
        internal;
        proxy_set_header Authorization "Bearer poll-secret";
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/poll;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: polled SETs are applied, acknowledged, refused ones reported; a retransmission is acknowledged, not applied again
--- config
    session_guard_ssf_poll /to-tx zone=sg issuer=https://tx.test/
        audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
        interval=1s max_events=10;
--- user_files eval
">>> t\nprotected\n>>> poll.json\n" . main::answer(
    'j1' => main::set(jti => 'j1'),
    'j2' => main::set(jti => 'j2', claims => { aud => 'https://other.test/' }),
    'j3' => main::set(jti => 'j3', event => 'credential-change',
                      subject => { format => 'complex',
                                   session => { format => 'opaque', id => 's2' },
                                   user => { format => 'opaque', id => 'bob' } }))
--- request eval
["GET /metrics", "GET /t", "GET /t", "GET /t", "GET /metrics", "GET /poll-log"]
--- more_headers eval
["", main::at('s1'), main::at('s2', 'bob'), main::at('s9', 'carol'), "", ""]
--- wait: 1.5
--- error_code eval
[200, 401, 401, 200, 200, 200]
--- response_headers eval
["", "X-Status: REVOKED", "X-Status: REVOKED", "X-Status: ALLOW", "", ""]
--- response_body_like eval
[".*", ".*", ".*", "protected",
 qr/"revocations":\{"policy":0,"api":0,"logout":0,"limit":0,"ssf":2,"failed":0\}.*"security_events":\{"accepted":2,"refused":[1-9]\d*,"duplicate":[1-9]\d*,"revoked":2,"step_up":0\},"security_events_refused":\{"invalid_request":0,"invalid_key":0,"invalid_issuer":0,"invalid_audience":[1-9]\d*,"authentication_failed":0,"access_denied":0\}.*"security_event_polls":\{"ok":[2-9]\d*,"failed":0\}/,
 qr{^Bearer poll-secret\|\{"returnImmediately":true,"maxEvents":10\}
Bearer poll-secret\|\{"returnImmediately":true,"maxEvents":10,"ack":\["j1","j3"\],"setErrs":\{"j2":\{"err":"invalid_audience","description":"audience mismatch"\}\}\}
}]
--- no_error_log
[error]
[alert]



=== TEST 2: a transmitter that fails (503) or answers what is not a poll response: logged, counted, polled again later
--- config
    session_guard_ssf_poll /fail-out zone=sg issuer=https://tx.test/
        audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
        interval=1s;
    session_guard_ssf_poll /garbage-out zone=sg issuer=https://tx.test/
        audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
        interval=1s;
    location = /fail-out {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/fail;
    }
    location = /garbage-out {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/garbage;
    }
--- request eval
["GET /metrics", "GET /metrics"]
--- wait: 1.5
--- response_body_like eval
[".*", qr/"security_event_polls":\{"ok":0,"failed":[2-9]\d*\}/]
--- error_log eval
[qr/polling "\/fail-out" for security events failed: status 503/,
 qr/polling "\/garbage-out" for security events: no "sets" object in the answer/]
--- no_error_log
[alert]



=== TEST 3: more events than asked for: the answer is refused whole
--- config
    session_guard_ssf_poll /to-tx zone=sg issuer=https://tx.test/
        audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
        interval=1s max_events=1;
--- user_files eval
">>> t\nprotected\n>>> poll.json\n" . main::answer(
    'j1' => main::set(jti => 'j1'), 'j2' => main::set(jti => 'j2'))
--- request eval
["GET /metrics", "GET /t", "GET /metrics"]
--- more_headers eval
["", main::at('s1'), ""]
--- wait: 1.5
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[".*", "protected", qr/"security_events":\{"accepted":0,.*"security_event_polls":\{"ok":0,"failed":[1-9]\d*\}/]
--- error_log eval
[qr/polling "\/to-tx" for security events: 2 events, more than the 1 asked for/]



=== TEST 4: nginx -t: a poll stream takes no bearer secret, and checks its interval
--- config
    session_guard_ssf_poll /to-tx zone=sg issuer=https://tx.test/
        audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
        interval=100ms;
--- must_die
--- error_log
invalid or duplicate parameter "interval=100ms" (interval= from 1s to 1h, max_events= from 1 to 1000)



=== TEST 5: nginx -t: auth= belongs to the push receiver
--- user_files
>>> s.secret
0123456789abcdef0123
--- config
    session_guard_ssf_poll /to-tx zone=sg issuer=https://tx.test/
        audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
        auth=../html/s.secret;
--- must_die
--- error_log
invalid parameter "auth=../html/s.secret"
