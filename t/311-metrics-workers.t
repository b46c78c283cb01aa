# The decision counters live in the zone: with several worker processes
# (reuseport spreads the connections over them), the metrics add up what
# every worker counted, whichever worker answers.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

BEGIN { $ENV{TEST_NGINX_REUSE_PORT} = 1; }

master_on();
workers(2);
no_shuffle();

sub req {
    return "Authorization: Bearer "
           . sg_token(claims => { sid => $_[0] }) . "\r\n";
}

run_tests();

__DATA__

=== TEST 1: 40 decisions over two workers, counted once each
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    }
    location = /metrics {
        session_guard_metrics zone=sg;
    }
--- user_files
>>> t
protected
--- request eval
[("GET /t") x 40, ("GET /metrics?format=prometheus") x 4]
--- more_headers eval
[(map { main::req("s$_") } 1 .. 30), ("") x 10, ("") x 4]
--- error_code eval
[(200) x 30, (401) x 10, (200) x 4]
--- response_body_like eval
[("protected\n") x 30, (".*") x 10,
 (qr/\nsession_guard_decisions_total\{zone="sg",mode="enforce",status="allow"\} 30\nsession_guard_decisions_total\{zone="sg",mode="enforce",status="missing"\} 10\n.*\nsession_guard_tokens_rejected_total\{zone="sg",reason="missing"\} 10\n/s) x 4]
