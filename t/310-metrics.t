# session_guard_metrics: the counters after known traffic, as JSON
# (decoded by JSON::PP, its shape checked) and in the Prometheus formats
# (validated by an independent parser, Debian's python3-prometheus-client,
# through t/tools/prom-check: a body it rejects fails the block).
#
# Client addresses come from X-Forwarded-For through the realip module
# (1.128.0.0 and 1.128.0.1: AS1221, 149.101.100.0: AS6167).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use JSON::PP ();
use File::Temp ();

no_shuffle();

sub req {
    my ($ip, %o) = @_;
    my $tok = $o{token} || sg_token(claims => { sid => $o{sid} || 's1' });
    return "Authorization: Bearer $tok\r\nX-Forwarded-For: $ip";
}

# The traffic of several blocks: ip and asn signals, a policy revocation,
# an api revocation, and tokens rejected for four reasons.
sub traffic {
    return [
        main::req('1.128.0.0'),
        main::req('1.128.0.1'),
        main::req('1.128.0.0', sid => 's2'),
        main::req('149.101.100.0', sid => 's2'),
        "X-Forwarded-For: 1.128.0.0",
        main::req('1.128.0.0', token => sg_token(ttl => -3600)),
        main::req('1.128.0.0', token => sg_token(key => 'attacker')),
        main::req('1.128.0.0', token => raw_token({ alg => 'none' },
                                                  { sid => 's1' }, undef)),
        "", "",
    ];
}

sub traffic_codes { [200, 200, 200, 401, 401, 401, 401, 401, 204, 200] }

sub traffic_requests {
    my $metrics = shift;
    return [("GET /t") x 8, "DELETE /sg/sessions/s1", $metrics];
}

# Leaves of the JSON, flattened to "a.b.c=value": the shape (how many
# leaves, all numbers) and every non-zero one but the memory's and time.
sub json_sum {
    my $d = eval { JSON::PP->new->utf8->decode($_[0]) };
    return "BAD JSON: $@ $_[0]" unless ref $d eq 'HASH';
    my (@out, $n);
    my $walk;
    $walk = sub {
        my ($v, $path) = @_;
        if (ref $v eq 'HASH') {
            $walk->($v->{$_}, $path eq '' ? $_ : "$path.$_") for keys %$v;
            return;
        }
        $n++;
        push @out, "NOT A NUMBER $path" unless $v =~ /^\d+$/;
        return if $path =~ /\.memory\./ || $path eq 'time' || $v == 0;
        push @out, "$path=$v";
    };
    $walk->($d, '');
    return join '', "leaves=$n\n", map { "$_\n" } sort @out;
}

sub prom {
    my ($mode, $body) = @_;
    my $tmp = File::Temp->new;
    binmode $tmp;
    print $tmp $body;
    close $tmp;
    my $out = `$SG_ROOT/t/tools/prom-check $mode < $tmp 2>&1`;
    $out .= "exit status $?\n" if $?;
    return $out;
}

sub prom_text { main::prom('text', $_[0]) }
sub prom_om { main::prom('om', $_[0]) }

sub flt {
    my $last = shift;
    return [ ([]) x 3, ([sub { '' }]) x 5, [], [\&{"main::$last"}] ];
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''))
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
        ;
    $block->set_value('config', <<'_EOC_' . ($block->config // ''))
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
_EOC_
        ;
});

run_tests();

__DATA__

=== TEST 1: JSON by default: every counter of the traffic
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- request eval
main::traffic_requests("GET /metrics")
--- more_headers eval
main::traffic()
--- error_code eval
main::traffic_codes()
--- response_body_filters eval
main::flt('json_sum')
--- response_body eval
[("protected\n") x 3, ("") x 5, "", <<'_EOS_']
leaves=98
zones.sg.actions.enforce.log=2
zones.sg.actions.enforce.revoke=1
zones.sg.decisions.enforce.allow=3
zones.sg.decisions.enforce.invalid=3
zones.sg.decisions.enforce.missing=1
zones.sg.decisions.enforce.revoked=1
zones.sg.revocations.api=1
zones.sg.revocations.policy=1
zones.sg.sessions.created=2
zones.sg.sessions.revoked=2
zones.sg.signals.asn=1
zones.sg.signals.ip=2
zones.sg.tokens_rejected.algorithm=1
zones.sg.tokens_rejected.expired=1
zones.sg.tokens_rejected.missing=1
zones.sg.tokens_rejected.signature=1
_EOS_
--- response_headers eval
[("") x 9, "Content-Type: application/json\nCache-Control: no-store\nVary: Accept"]



=== TEST 2: the Prometheus text format, by parameter
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- request eval
main::traffic_requests("GET /metrics?format=prometheus")
--- more_headers eval
main::traffic()
--- error_code eval
main::traffic_codes()
--- response_body_filters eval
main::flt('prom_text')
--- response_body eval
[("protected\n") x 3, ("") x 5, "", <<'_EOS_']
families=25
counter session_guard_actions_total{action=log,mode=enforce,zone=sg} 2
counter session_guard_actions_total{action=revoke,mode=enforce,zone=sg} 1
counter session_guard_decisions_total{mode=enforce,status=allow,zone=sg} 3
counter session_guard_decisions_total{mode=enforce,status=invalid,zone=sg} 3
counter session_guard_decisions_total{mode=enforce,status=missing,zone=sg} 1
counter session_guard_decisions_total{mode=enforce,status=revoked,zone=sg} 1
counter session_guard_revocations_total{source=api,zone=sg} 1
counter session_guard_revocations_total{source=policy,zone=sg} 1
counter session_guard_sessions_created_total{zone=sg} 2
counter session_guard_signals_total{signal=asn,zone=sg} 1
counter session_guard_signals_total{signal=ip,zone=sg} 2
counter session_guard_tokens_rejected_total{reason=algorithm,zone=sg} 1
counter session_guard_tokens_rejected_total{reason=expired,zone=sg} 1
counter session_guard_tokens_rejected_total{reason=missing,zone=sg} 1
counter session_guard_tokens_rejected_total{reason=signature,zone=sg} 1
gauge session_guard_revoked_sessions{zone=sg} 2
gauge session_guard_zone_free_bytes{zone=sg} N
gauge session_guard_zone_size_bytes{zone=sg} N
gauge session_guard_zone_used_bytes{zone=sg} N
_EOS_
--- response_headers eval
[("") x 9, "Content-Type: text/plain; version=0.0.4; charset=utf-8"]



=== TEST 3: OpenMetrics, by Accept (as Prometheus asks), strictly parsed
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- request eval
main::traffic_requests("GET /metrics")
--- more_headers eval
[@{ main::traffic() }[0 .. 8], "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"]
--- error_code eval
main::traffic_codes()
--- response_body_filters eval
main::flt('prom_om')
--- response_body eval
[("protected\n") x 3, ("") x 5, "", <<'_EOS_']
families=25
counter session_guard_actions_total{action=log,mode=enforce,zone=sg} 2
counter session_guard_actions_total{action=revoke,mode=enforce,zone=sg} 1
counter session_guard_decisions_total{mode=enforce,status=allow,zone=sg} 3
counter session_guard_decisions_total{mode=enforce,status=invalid,zone=sg} 3
counter session_guard_decisions_total{mode=enforce,status=missing,zone=sg} 1
counter session_guard_decisions_total{mode=enforce,status=revoked,zone=sg} 1
counter session_guard_revocations_total{source=api,zone=sg} 1
counter session_guard_revocations_total{source=policy,zone=sg} 1
counter session_guard_sessions_created_total{zone=sg} 2
counter session_guard_signals_total{signal=asn,zone=sg} 1
counter session_guard_signals_total{signal=ip,zone=sg} 2
counter session_guard_tokens_rejected_total{reason=algorithm,zone=sg} 1
counter session_guard_tokens_rejected_total{reason=expired,zone=sg} 1
counter session_guard_tokens_rejected_total{reason=missing,zone=sg} 1
counter session_guard_tokens_rejected_total{reason=signature,zone=sg} 1
gauge session_guard_revoked_sessions{zone=sg} 2
gauge session_guard_zone_free_bytes{zone=sg} N
gauge session_guard_zone_size_bytes{zone=sg} N
gauge session_guard_zone_used_bytes{zone=sg} N
_EOS_
--- response_headers eval
[("") x 9, "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8"]



=== TEST 4: content negotiation: parameter, Accept with q-values, default
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=sg;
    }
    location = /prom {
        session_guard_metrics zone=sg format=prometheus;
    }
--- request eval
["GET /metrics", "GET /metrics", "GET /metrics", "GET /metrics",
 "GET /metrics", "GET /metrics?format=json", "GET /metrics?format=openmetrics",
 "GET /prom", "GET /prom", "GET /prom", "HEAD /prom"]
--- more_headers eval
["Accept: */*", "Accept: text/plain", "Accept: TEXT/PLAIN ; q=1",
 "Accept: application/json;q=0.5, text/plain;q=0.9",
 "Accept: text/plain;q=0, application/openmetrics-text;q=0.001",
 "Accept: text/plain", "", "", "Accept: application/json",
 "Accept: text/html, image/*", ""]
--- response_headers eval
["Content-Type: application/json",
 "Content-Type: text/plain; version=0.0.4; charset=utf-8",
 "Content-Type: text/plain; version=0.0.4; charset=utf-8",
 "Content-Type: text/plain; version=0.0.4; charset=utf-8",
 "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8",
 "Content-Type: application/json",
 "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8",
 "Content-Type: text/plain; version=0.0.4; charset=utf-8",
 "Content-Type: application/json",
 "Content-Type: text/plain; version=0.0.4; charset=utf-8",
 "Content-Type: text/plain; version=0.0.4; charset=utf-8"]
--- response_body_like eval
[qr/^\{"time":\d+,"zones":\{"sg":\{/, qr/^# HELP /, qr/^# HELP /,
 qr/^# HELP /, qr/# EOF\n\z/, qr/^\{/, qr/# EOF\n\z/, qr/^# HELP /,
 qr/^\{/, qr/^# HELP /, qr/^\z/]



=== TEST 5: bad requests to the metrics: format, method
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- request eval
["GET /metrics?format=xml", "GET /metrics?format=", "POST /metrics\nx=1",
 "DELETE /metrics"]
--- error_code eval
[400, 400, 405, 405]
--- response_body eval
[('{"error":"bad_request","message":"format must be json, prometheus or openmetrics"}') x 2,
 ('{"error":"method_not_allowed","message":"use GET or HEAD"}') x 2]
--- response_headers eval
["Content-Type: application/json", "", "Allow: GET, HEAD", "Allow: GET, HEAD"]



=== TEST 6: every zone without zone=; names escaped in both formats
--- http_config
    session_guard_zone zone=sg:1m;
    session_guard_zone "zone=we\"ird\\:64k";
--- config
    location = /metrics {
        session_guard_metrics;
    }
--- request eval
["GET /t", "GET /t", "GET /metrics?format=prometheus",
 "GET /metrics?format=openmetrics", "GET /metrics"]
--- more_headers eval
[main::req('1.128.0.0'), "", "", "", ""]
--- error_code eval
[200, 401, 200, 200, 200]
--- response_body_filters eval
[[], [sub { '' }], [\&main::prom_text], [\&main::prom_om], [\&main::json_sum]]
--- response_body eval
["protected\n", "", <<'_EOS_', <<'_EOS_', <<'_EOS_']
families=25
counter session_guard_decisions_total{mode=enforce,status=allow,zone=sg} 1
counter session_guard_decisions_total{mode=enforce,status=missing,zone=sg} 1
counter session_guard_sessions_created_total{zone=sg} 1
counter session_guard_tokens_rejected_total{reason=missing,zone=sg} 1
gauge session_guard_active_sessions{zone=sg} 1
gauge session_guard_zone_free_bytes{zone=sg} N
gauge session_guard_zone_free_bytes{zone=we"ird\} N
gauge session_guard_zone_size_bytes{zone=sg} N
gauge session_guard_zone_size_bytes{zone=we"ird\} N
gauge session_guard_zone_used_bytes{zone=sg} N
gauge session_guard_zone_used_bytes{zone=we"ird\} N
_EOS_
families=25
counter session_guard_decisions_total{mode=enforce,status=allow,zone=sg} 1
counter session_guard_decisions_total{mode=enforce,status=missing,zone=sg} 1
counter session_guard_sessions_created_total{zone=sg} 1
counter session_guard_tokens_rejected_total{reason=missing,zone=sg} 1
gauge session_guard_active_sessions{zone=sg} 1
gauge session_guard_zone_free_bytes{zone=sg} N
gauge session_guard_zone_free_bytes{zone=we"ird\} N
gauge session_guard_zone_size_bytes{zone=sg} N
gauge session_guard_zone_size_bytes{zone=we"ird\} N
gauge session_guard_zone_used_bytes{zone=sg} N
gauge session_guard_zone_used_bytes{zone=we"ird\} N
_EOS_
leaves=195
zones.sg.decisions.enforce.allow=1
zones.sg.decisions.enforce.missing=1
zones.sg.sessions.active=1
zones.sg.sessions.created=1
zones.sg.tokens_rejected.missing=1
_EOS_



=== TEST 7: monitor mode is counted apart; requirements and other reasons
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /m {
        alias html/t;
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change asn=revoke;
    }
    location /r {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_audience https://api.test;
        session_guard_issuer https://other.test/;
        session_guard_require $session_guard_claim_admin;
    }
    location /q {
        alias html/t;
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_require $session_guard_claim_admin error=403;
    }
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- request eval
["GET /m", "GET /m", "GET /r", "GET /q", "GET /q", "GET /t",
 "GET /metrics"]
--- more_headers eval
[main::req('1.128.0.0', sid => 'm1'), main::req('149.101.100.0', sid => 'm1'),
 main::req('1.128.0.0', sid => 'r1'),
 main::req('1.128.0.0', sid => 'q1'),
 main::req('1.128.0.0', token => sg_token(claims => { sid => 'q2', admin => 1 })),
 "Authorization: Bearer not-a-jwt\r\nX-Forwarded-For: 1.128.0.0",
 ""]
--- error_code eval
[200, 200, 401, 403, 200, 401, 200]
--- response_body_filters eval
[[], [], [sub { '' }], [sub { '' }], [], [sub { '' }], [\&main::json_sum]]
--- response_body eval
["protected\n", "protected\n", "", "", "protected\n", "", <<'_EOS_']
leaves=98
zones.sg.actions.monitor.log=1
zones.sg.actions.monitor.revoke=1
zones.sg.decisions.enforce.allow=1
zones.sg.decisions.enforce.deny=1
zones.sg.decisions.enforce.invalid=2
zones.sg.decisions.monitor.allow=1
zones.sg.decisions.monitor.revoked=1
zones.sg.sessions.active=2
zones.sg.sessions.created=2
zones.sg.signals.asn=1
zones.sg.signals.ip=1
zones.sg.tokens_rejected.issuer=1
zones.sg.tokens_rejected.malformed=1
zones.sg.tokens_rejected.requirement=1
_EOS_



=== TEST 8: configuration errors
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=sg format=xml;
    }
--- must_die
--- error_log
invalid parameter "format=xml"



=== TEST 9: configuration errors: an undeclared zone
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location = /metrics {
        session_guard_metrics zone=nosuch;
    }
--- must_die
--- error_log
unknown session_guard zone "nosuch"
