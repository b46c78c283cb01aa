# session_guard_jwks_fetch: keys fetched through a subrequest to a
# location that proxies to a loopback "identity provider" (a second
# server of the same nginx that serves html/idp/jwks and logs every
# request to logs/idp.log, so the fetches are counted outside the module).
#
# Scenarios with steps over time (rotation, floods, concurrent requests,
# max-age) run in "--- init" with HTTP::Tiny against the running nginx:
# the IdP's file is rewritten between requests, and what each request got
# goes to html/result.txt, which the block then fetches and compares.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGIdP;
use HTTP::Tiny;
use IO::Socket::INET;
use IO::Select;
use POSIX ();

no_shuffle();

# a provider that never answers: a listening socket nobody accepts on (the
# kernel completes the handshake, the request is never read)
our $BLACKHOLE = IO::Socket::INET->new(Listen => 8, LocalAddr => '127.0.0.1',
                                       LocalPort => 0, Proto => 'tcp')
    or die "listen: $!";
$ENV{TEST_NGINX_BLACKHOLE_PORT} = $BLACKHOLE->sockport;

# a slow provider served by this process (serve_slow() in "--- init")
our $SLOW = IO::Socket::INET->new(Listen => 16, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
    or die "listen: $!";
$ENV{TEST_NGINX_SLOW_PORT} = $SLOW->sockport;

# answers every connection with body, the first one after delay seconds;
# returns the number of connections (fetches) seen until none came for 1 s
sub serve_slow {
    my ($body, $delay, $no_length) = @_;
    my $sel = IO::Select->new($SLOW);
    my $n = 0;
    while ($sel->can_read($n ? 1 : 10)) {
        my $c = $SLOW->accept or last;
        $n++;
        { local $/ = "\r\n\r\n"; my $req = <$c>; }
        sleep $delay if $n == 1;
        print $c "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                 . ($no_length ? '' : "Content-Length: " . length($body)
                                      . "\r\n")
                 . "\r\n$body";
        close $c;
    }
    return $n;
}

our $T1 = sg_token(key => 'rsa');                     # kid rsa1
our $T2 = sg_token(key => 'rsa2');                    # kid rsa2
our $T1b = sg_token(key => 'rsa', claims => { sub => 'bob' });

# n requests at the same time (one process each): "status xN" summary
sub burst {
    my ($n, $parent, @toks) = @_;
    my @pids;
    my $dir = Test::Nginx::Util::html_dir();
    for my $i (1 .. $n) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if ($pid == 0) {
            my $st = get('/t', $toks[($i - 1) % @toks]);
            SGTest::write_file("$dir/burst.$i", $st);
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    my $extra = $parent ? $parent->() : undef;
    waitpid $_, 0 for @pids;
    my %count;
    for my $i (1 .. $n) {
        $count{ SGTest::read_file("$dir/burst.$i") }++;
        unlink "$dir/burst.$i";
    }
    return (join(' ', map { "$_ x$count{$_}" } sort keys %count), $extra);
}

add_block_preprocessor(sub {
    my $block = shift;

    my $http = <<'EOF';
    log_format idp '$request_uri auth=[$http_authorization] cookie=[$http_cookie]';

    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        access_log logs/idp.log idp;

        location / {
            root html/idp;
            default_type application/json;
        }
    }
EOF
    $block->set_value('http_config', $http . ($block->http_config // ''));

    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> idp/jwks\n" . jwks('rsa') . "\n"
                      . ($block->user_files // ''));
});

run_tests();

__DATA__

=== TEST 1: keys are fetched once and serve every request
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        subrequest_output_buffer_size 64k;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
        add_header X-Cache $session_guard_token_cache always;
    }
--- init
main::result(map({ main::get('/t', $_) } $::T1, $::T1, $::T1b, undef),
             'fetches ' . main::fetches());
--- request
GET /result.txt
--- response_body
200
200
200
401
fetches 1
--- error_log eval
qr/\[info\].*session_guard: jwks "\/jwks-fetch" fetched: 1 keys, next refresh in 600 s/



=== TEST 2: rotation: a new kid triggers a refresh, the cache forgets old verdicts
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
        proxy_pass_request_headers off;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch cooldown=0;
    }
--- init
my @r;
push @r, main::get('/t', $::T1), main::get('/t', $::T1);   # fetch 1
main::idp_write(main::jwks('rsa', 'rsa2'));
push @r, main::get('/t', $::T1);               # known kid: no fetch
push @r, main::get('/t', $::T2);               # fetch 2: rsa1 + rsa2
push @r, main::get('/t', $::T1), 'fetches ' . main::fetches();
main::idp_write(main::jwks('rsa2'));
push @r, main::get('/t', $::T1);               # stale but valid: no fetch
push @r, main::get('/t', main::stray(1));      # fetch 3: rsa2 only
push @r, main::get('/t', $::T1);               # cached verdict is gone
push @r, main::get('/t', $::T2), 'fetches ' . main::fetches();
main::result(@r);
--- request
GET /result.txt
--- response_body
200
200
200
200
200
fetches 2
200
401
401
200
fetches 4



=== TEST 3: a flood of unknown kids costs one fetch per cooldown
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
        proxy_pass_request_headers off;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch cooldown=30s;
    }
--- init
my %st;
$st{ main::get('/t', main::stray($_)) }++ for 1 .. 50;
main::result(join(' ', map { "$_ x$st{$_}" } sort keys %st),
             main::get('/t', $::T1), 'fetches ' . main::fetches());
--- request
GET /result.txt
--- response_body
401 x50
200
fetches 1



=== TEST 4: concurrent requests wait for one fetch (no thundering herd)
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SLOW_PORT/jwks;
        proxy_pass_request_headers off;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- init
my ($st, $n) = main::burst(12, sub { main::serve_slow(main::jwks('rsa'), 1) },
                           $::T1, $::T1b);
main::result($st, "fetches $n");
--- request
GET /result.txt
--- response_body
200 x12
fetches 1
--- grep_error_log eval
qr/session_guard: fetching jwks/
--- grep_error_log_out
session_guard: fetching jwks
--- error_log eval
qr/session_guard: waits for jwks "\/jwks-fetch"/



=== TEST 5: provider down after a good fetch: the last good keys serve
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
        proxy_pass_request_headers off;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch cooldown=0;
    }
--- init
# cooldown=0: every request after a failure tries again (5 fetches)
my @r = (main::get('/t', $::T1));
main::idp_remove();
push @r, main::get('/t', main::stray(1)), main::get('/t', $::T1b);
main::idp_write('<html><body>Service Unavailable</body></html>');
push @r, main::get('/t', main::stray(2)), main::get('/t', $::T1b);
main::result(@r, 'fetches ' . main::fetches());
--- request
GET /result.txt
--- response_body
200
401
200
401
200
fetches 5
--- error_log eval
[qr/\[error\].*session_guard: jwks fetch from "\/jwks-fetch" failed: "status 404", keeping 1 keys fetched \d+ s ago \(1 failed, 1 ok\)/,
 qr/\[error\].*session_guard: jwks fetch from "\/jwks-fetch" failed: "bad json", keeping 1 keys/]



=== TEST 6: provider down from the start: 500, and one attempt per cooldown
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_3/jwks;
        proxy_pass_request_headers off;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- init
main::result(map { main::get('/t', $::T1) } 1 .. 3);
--- request
GET /result.txt
--- response_body
500
500
500
--- grep_error_log eval
qr/connect\(\) failed|jwks fetch from "\/jwks-fetch" failed: "subrequest failed \(502\)"/
--- grep_error_log_out
connect() failed
jwks fetch from "/jwks-fetch" failed: "subrequest failed (502)"
--- error_log eval
[qr/\[error\].*session_guard: jwks fetch from "\/jwks-fetch" failed: "subrequest failed \(502\)", no keys \(1 failed, 0 ok\)/,
 qr/\[error\].*session_guard: no keys from jwks "\/jwks-fetch": "subrequest failed/]
--- no_error_log
internal error while verifying



=== TEST 7: garbage: not JSON
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/bad;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- user_files
>>> idp/bad
this is not json
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "bad json", no keys



=== TEST 8: garbage: an HTML error page with status 200
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/bad.html;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- user_files
>>> idp/bad.html
<html><head><title>Login</title></head><body>Sign in</body></html>
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "bad json", no keys



=== TEST 9: garbage: larger than subrequest_output_buffer_size
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/huge;
        subrequest_output_buffer_size 4k;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- user_files eval
">>> idp/huge\n" . substr(main::jwks('rsa'), 0, -1) . ', "pad": "'
. ('x' x 100000) . "\"}\n"
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "response larger than 4096 bytes (max_size=65536, subrequest_output_buffer_size)", no keys
--- no_error_log
too big subrequest response



=== TEST 10: garbage: larger than max_size
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/big;
        subrequest_output_buffer_size 256k;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch max_size=2k;
    }
--- user_files eval
">>> idp/big\n" . substr(main::jwks('rsa'), 0, -1) . ', "pad": "'
. ('x' x 3000) . "\"}\n"
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "response larger than 2048 bytes (max_size=2048, subrequest_output_buffer_size)", no keys



=== TEST 10b: larger than max_size, without Content-Length: counted as it arrives
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SLOW_PORT/jwks;
        subrequest_output_buffer_size 256k;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch max_size=2k;
    }
--- init
my $big = substr(main::jwks('rsa'), 0, -1) . ', "pad": "' . ('x' x 300000) . '"}';
my ($st, $n) = main::burst(1, sub { main::serve_slow($big, 0, 1) }, $::T1);
main::result($st, "fetches $n");
--- request
GET /result.txt
--- response_body
500 x1
fetches 1
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "response larger than 2048 bytes (max_size=2048, subrequest_output_buffer_size)", no keys
--- no_error_log
too big subrequest response



=== TEST 11: garbage: 5000 keys
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/many;
        subrequest_output_buffer_size 1m;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch max_size=1m;
    }
--- user_files eval
">>> idp/many\n" . main::json_c({ keys => [ map { { kty => 'EC', crv => 'P-256', kid => "k$_", x => 'AA', y => 'AA' } } 1 .. 5000 ] }) . "\n"
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "too many keys", no keys



=== TEST 12: more usable keys than max_keys
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/two;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch max_keys=1;
    }
--- user_files eval
">>> idp/two\n" . main::jwks('rsa', 'rsa2') . "\n"
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log
session_guard: jwks fetch from "/jwks-fetch" failed: "more usable keys than max_keys", no keys



=== TEST 13: garbage: only keys of an unsupported kty
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/odd;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- user_files
>>> idp/odd
{"keys":[{"kty":"XYZ","kid":"a","x":"AA"},{"kty":"PQC","kid":"b"}]}
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log eval
[qr/\[warn\].*session_guard: jwks key #0 skipped: unsupported kty/,
 qr/session_guard: jwks fetch from "\/jwks-fetch" failed: "no usable key", no keys/]



=== TEST 14: garbage: 404, then a good key set with an unsupported key among them
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/missing;
    }
    location = /jwks-fetch2 {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/mixed;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
    location /u {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch2;
        alias html/t;
    }
--- user_files eval
">>> idp/mixed\n" . main::json_c({ keys => [ { kty => 'XYZ', kid => 'odd' }, main::sg_jwk('rsa') ] }) . "\n"
--- init
main::result(main::get('/t', $::T1), main::get('/u', $::T1));
--- request
GET /result.txt
--- response_body
500
200
--- error_log eval
[qr/session_guard: jwks fetch from "\/jwks-fetch" failed: "status 404", no keys/,
 qr/session_guard: jwks "\/jwks-fetch2" fetched: 1 keys/]



=== TEST 15: a slow provider: the location's proxy_read_timeout ends the fetch
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT/jwks;
        proxy_read_timeout 1s;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- request
GET /t
--- more_headers eval
"Authorization: Bearer $::T1"
--- error_code: 500
--- error_log eval
[qr/upstream timed out/,
 qr/session_guard: jwks fetch from "\/jwks-fetch" failed: "subrequest failed \(504\)/]



=== TEST 16: Cache-Control max-age is honoured within min_refresh..max_refresh
(timed to the second: too slow under valgrind)
--- skip_eval: 3: $ENV{TEST_NGINX_USE_VALGRIND}
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
        location / {
            proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1;
            add_header Cache-Control "public, max-age=0";
        }
    }
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_2/jwks;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch refresh=1h min_refresh=3s
                                 cooldown=1s;
    }
--- init
my @r = (main::get('/t', $::T1));
main::idp_write(main::jwks('rsa2'));
push @r, main::get('/t', $::T1b);       # refresh not due yet
sleep 5;
push @r, main::get('/t', $::T1b), main::get('/t', $::T2);
main::result(@r, 'fetches ' . main::fetches());
--- request
GET /result.txt
--- response_body
200
200
401
200
fetches 2
--- error_log eval
qr/session_guard: jwks "\/jwks-fetch" fetched: 1 keys, next refresh in 3 s/



=== TEST 17: inheritance: the nearer level's key source wins
--- http_config
    session_guard_jwks_fetch /jwks-fetch;
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
    }
    location /t {
        session_guard on;
    }
    location /u {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/rsa2.jwks;
        alias html/t;
    }
--- init
main::result(main::get('/t', $::T1), main::get('/u', $::T1),
             main::get('/u', $::T2), 'fetches ' . main::fetches());
--- request
GET /result.txt
--- response_body
200
401
200
fetches 1



=== TEST 18: config: fetch and key files on the same level
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
        session_guard_jwks $TEST_NGINX_KEYS/rsa.jwks;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_jwks_fetch" and key files/



=== TEST 19: config: a uri that is not a path
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch https://idp.example/jwks;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid uri "https:\/\/idp.example\/jwks", it must be a location's path/



=== TEST 20: config: bad parameters
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch cooldown=soon;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "cooldown=soon", it must be a time up to 7d/



=== TEST 21: config: max_keys out of range
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch max_keys=5000;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "max_keys=5000", it must be 1\.\.256/



=== TEST 22: config: refresh outside min_refresh..max_refresh
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch refresh=10s min_refresh=1m;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_jwks_fetch" directive needs refresh between min_refresh and max_refresh/



=== TEST 23: config: an unknown parameter, a duplicate
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
        session_guard_jwks_fetch /jwks-fetch discover;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_jwks_fetch" directive is duplicate/



=== TEST 25: the fetch never carries the client's headers, even from a
location that passes request headers on
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- init
my $st = main::get('/t', $::T1, Cookie => 'SESSION=secret-cookie');
my $log = main::idp_log();
chomp $log;
main::result($st, $log);
--- request
GET /result.txt
--- response_body
200
/jwks auth=[-] cookie=[-]



=== TEST 26: nor the client's values of variables, which the fetch does
not share with the request that started it
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
        proxy_set_header Authorization $http_authorization;
        proxy_set_header Cookie $cookie_SESSION;
    }
    location /t {
        # the request's values are cached before the fetch starts
        set $a $http_authorization;
        set $c $cookie_SESSION;
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch;
    }
--- init
my $st = main::get('/t', $::T1, Cookie => 'SESSION=secret-cookie');
my $log = main::idp_log();
chomp $log;
main::result($st, $log);
--- request
GET /result.txt
--- response_body
200
/jwks auth=[-] cookie=[-]
