# Failure throttling over a reload (session_guard_throttle_zone): the
# counts and blocks are kept when the zone keeps its size.  With a master
# process and two workers (a reload without a master process does not
# accept connections again), the workers that counted exit before the new
# ones answer.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use HTTP::Tiny;

master_on();
workers(2);
no_shuffle();
check_accum_error_log();

# a request from "ip" with a token of alice's for session "sid"
sub from {
    my ($ip, %o) = @_;
    my $tok = sg_token(claims => { sid => $o{sid} || 's1' });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip";
}

# from --- init: "n" bad tokens from 192.0.2.1, then (after "edit", a perl
# substitution applied to nginx.conf) a reload of the test
# nginx (SIGHUP); returns once the new configuration answers: with a master
# process, when every worker that counted them has exited
sub fail_then_reload {
    my ($n, $edit) = @_;
    my $port = Test::Nginx::Util::server_port();
    for (1 .. $n) {
        my $r = HTTP::Tiny->new(timeout => 10)->get(
            "http://127.0.0.1:$port/t",
            { headers => { Authorization => 'Bearer not.a.token',
                           'X-Forwarded-For' => '192.0.2.1' } });
        die "expected 401, got $r->{status}\n" unless $r->{status} == 401;
    }
    my $root = $Test::Nginx::Util::ServRoot;
    if ($edit) {
        # a change of the configuration on disk, as an operator would make
        system('perl', '-pi', '-e', $edit, "$root/conf/nginx.conf") == 0
            or die "cannot edit nginx.conf\n";
    }
    open my $fh, '<', "$root/logs/nginx.pid" or die "nginx.pid: $!";
    chomp(my $master = <$fh>);
    my @old = child_pids($master);
    die "no worker processes of $master\n" unless @old;
    kill 'HUP', $master or die "HUP $master: $!";
    for (1 .. 300) {
        last unless grep { kill 0, $_ } @old;
        select undef, undef, undef, 0.1;
    }
    die "the old workers did not exit\n" if grep { kill 0, $_ } @old;
    die "no new workers\n" unless child_pids($master);
}

sub child_pids {
    my ($master) = @_;
    my @pids;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh> // next;
        push @pids, $1 if $line =~ /^(\d+) \(.*\) \S (\d+) / && $2 == $master;
    }
    return @pids;
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;
    set_real_ip_from   127.0.0.1;
    real_ip_header     X-Forwarded-For;
_EOC_
});

run_tests();

__DATA__
=== TEST 1: a block outlives a reload that keeps the zone's size
--- http_config
    session_guard_throttle_zone zone=fail:1m address=2/1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
    }
--- init
main::fail_then_reload(2);
--- request
GET /t
--- more_headers eval
main::from('192.0.2.1')
--- error_code: 429
--- response_headers
X-Status: THROTTLED
--- error_log
reconfiguring



=== TEST 2: a new size starts the zone empty
--- http_config
    session_guard_throttle_zone zone=fail:1m address=2/1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_throttle fail;
        add_header X-Status $session_guard_status always;
    }
--- init
main::fail_then_reload(2, 's/zone=fail:1m/zone=fail:2m/');
--- request
GET /t
--- more_headers eval
main::from('192.0.2.1')
--- error_code: 200
--- response_headers
X-Status: ALLOW
