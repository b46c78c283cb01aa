# HUP mode (use_hup / TEST_NGINX_USE_HUP): nginx is kept running between
# the blocks of a file and reloaded with SIGHUP; shared memory (here a
# limit_req zone) survives the reload, the master pid stays the same, the
# worker pids change, and each block's log checks only see that block's
# lines.  A --- must_die block stops nginx, after which it starts afresh.
use Test::Nginx::Socket;

use_hup();
log_level('notice');    # "reconfiguring" is a [notice] of the master

# The blocks send several requests and the error log is checked after each
# one; make every check see all of the block's lines (but only the block's).
check_accum_error_log();

# --- pid_checks: one "KIND REQ_IDX ACTION" line per check, where KIND is
# "master" (contents of logs/nginx.pid) or "worker" ($pid), REQ_IDX the
# index of the request that returned it, and ACTION "record", "same" (as
# recorded before) or "changed" (differs, then recorded).
my %pid_of;
add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;
    my $spec = $block->pid_checks or return;
    my $name = $block->name;
    for my $line (split /\n/, $spec) {
        my ($kind, $idx, $action) = split ' ', $line;
        next unless $idx == $req_idx;
        my $pid = defined $body && $body =~ /^(\d+)\n?\z/ ? $1 : undef;
        SKIP: {
            Test::More::skip("$name - $kind pid - skipped due to $dry_run",
                             1) if $dry_run;
            if ($action eq 'record') {
                Test::More::ok(defined $pid, "$name - $kind pid recorded");
            } elsif ($action eq 'same') {
                Test::More::is($pid, $pid_of{$kind},
                               "$name - $kind pid unchanged");
            } else {
                Test::More::ok(defined $pid && $pid ne ($pid_of{$kind} // ''),
                               "$name - $kind pid changed ("
                               . ($pid_of{$kind} // 'none') . ' -> '
                               . ($pid // 'none') . ')');
            }
        }
        $pid_of{$kind} = $pid;
    }
});

plan tests => 116;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: first block: nginx is started (master_process on)
--- http_config
    limit_req_zone $binary_remote_addr zone=hup_one:1m rate=1r/m;
--- config
    location = /limited {
        limit_req zone=hup_one;    # not applied to "return": serve a file
        alias $TEST_NGINX_SERVER_ROOT/html/index.html;
    }
    location = /worker { return 200 "$pid\n"; }
    location = /pid { alias $TEST_NGINX_SERVER_ROOT/logs/nginx.pid; }
--- request eval
["GET /block1-marker.txt", "GET /limited", "GET /worker", "GET /pid"]
--- error_code eval
[404, 200, 200, 200]
--- response_body_like eval
["404 Not Found", "It works!", "^\\d+\n\\z", "^\\d+\n\\z"]
--- pid_checks
worker 2 record
master 3 record
--- error_log
block1-marker.txt
--- no_error_log
reconfiguring



=== TEST 2: new config after HUP: new location, same master, shm kept
--- http_config
    limit_req_zone $binary_remote_addr zone=hup_one:1m rate=1r/m;
--- config
    location = /limited {
        limit_req zone=hup_one;    # not applied to "return": serve a file
        alias $TEST_NGINX_SERVER_ROOT/html/index.html;
    }
    location = /new { return 200 "added by the reload\n"; }
    location = /worker { return 200 "$pid\n"; }
    location = /pid { alias $TEST_NGINX_SERVER_ROOT/logs/nginx.pid; }
--- request eval
["GET /limited", "GET /new", "GET /worker", "GET /pid"]
--- error_code eval
[503, 200, 200, 200]
--- response_body_like eval
["503 Service", "^added by the reload\n\\z", "^\\d+\n\\z", "^\\d+\n\\z"]
--- pid_checks
worker 2 changed
master 3 same
--- error_log eval
[qr/\[notice\] \d+#\d+: signal 1 \(SIGHUP\) received/,
 qr/\[notice\] \d+#\d+: reconfiguring/,
 qr/\[notice\] \d+#\d+: gracefully shutting down/,
 qr/limiting requests, excess: [\d.]+ by zone "hup_one"/]
--- no_error_log
block1-marker
[emerg]
--- shutdown_error_log
skipped: nginx is not stopped in HUP mode



=== TEST 3: --- reload_fails: nginx keeps the previous configuration
--- config
    location = /new { no_such_directive_hup on; }
--- reload_fails
--- request eval
["GET /new", "GET /worker", "GET /pid"]
--- response_body_like eval
["^added by the reload\n\\z", "^\\d+\n\\z", "^\\d+\n\\z"]
--- pid_checks
worker 1 same
master 2 same
--- error_log eval
qr/\[emerg\] .*unknown directive "no_such_directive_hup"/



=== TEST 4: HUP after a failed reload; user_files are rewritten
--- http_config
    limit_req_zone $binary_remote_addr zone=hup_one:1m rate=1r/m;
--- config
    location = /limited {
        limit_req zone=hup_one;    # not applied to "return": serve a file
        alias $TEST_NGINX_SERVER_ROOT/html/index.html;
    }
    location /files/ { alias $TEST_NGINX_SERVER_ROOT/html/; }
    location = /worker { return 200 "$pid\n"; }
    location = /pid { alias $TEST_NGINX_SERVER_ROOT/logs/nginx.pid; }
--- user_files
>>> hup.txt
written for block 4
--- request eval
["GET /files/hup.txt", "GET /limited", "GET /new", "GET /worker", "GET /pid"]
--- error_code eval
[200, 503, 404, 200, 200]
--- response_body_like eval
["^written for block 4\n\\z", "503 Service", "404 Not Found", "^\\d+\n\\z",
 "^\\d+\n\\z"]
--- pid_checks
worker 3 changed
master 4 same
--- error_log
reconfiguring
--- no_error_log
no_such_directive_hup
[emerg]



=== TEST 5: no --- config: previous configuration, reloaded anyway
--- user_files
>>> hup5.txt
block 5
--- request eval
["GET /files/hup5.txt", "GET /files/hup.txt", "GET /worker", "GET /pid"]
--- response_body_like eval
["^block 5\n\\z", "^written for block 4\n\\z", "^\\d+\n\\z", "^\\d+\n\\z"]
--- pid_checks
worker 2 changed
master 3 same
--- error_log
reconfiguring



=== TEST 6: must_die stops the kept nginx first
--- config
    location = /t { no_such_directive_hup on; }
--- must_die
--- error_log
unknown directive "no_such_directive_hup"
--- no_error_log
reconfiguring



=== TEST 7: after must_die: a fresh nginx (new master, empty shm zone)
--- http_config
    limit_req_zone $binary_remote_addr zone=hup_one:1m rate=1r/m;
--- config
    location = /limited {
        limit_req zone=hup_one;    # not applied to "return": serve a file
        alias $TEST_NGINX_SERVER_ROOT/html/index.html;
    }
    location = /pid { alias $TEST_NGINX_SERVER_ROOT/logs/nginx.pid; }
--- request eval
["GET /limited", "GET /pid"]
--- response_body_like eval
["It works!", "^\\d+\n\\z"]
--- pid_checks
master 1 changed
--- no_error_log
reconfiguring
--- shutdown_error_log eval
qr/signal 3 \(SIGQUIT\) received/
