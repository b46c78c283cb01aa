# DPoP replay across worker processes: the jti store is the shared zone,
# so a proof is accepted exactly once whichever worker sees it.  With
# reuseport the kernel spreads the connections over the workers.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGDPoP;
use POSIX ();

BEGIN { $ENV{TEST_NGINX_REUSE_PORT} = 1; }

master_on();
workers(2);
no_shuffle();

# the same request, from $n processes at once: "accepted A of N, W workers"
sub burst {
    my ($n, $headers) = @_;
    my %h = map { split /: /, $_, 2 } split /\r\n/, $headers;
    my $port = Test::Nginx::Util::server_port();
    my @kids;

    for (1 .. $n) {
        pipe(my $r, my $w) or die "pipe: $!";
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            close $r;
            my $res = http_get($port, '/t', \%h);
            print $w "$res->[0] " . ($res->[1]{'x-pid'} // '-') . "\n";
            close $w;
            POSIX::_exit(0);
        }
        close $w;
        push @kids, [$pid, $r];
    }

    my ($ok, %pids);
    for my $k (@kids) {
        my $fh = $k->[1];
        my ($status, $pid) = split ' ', (<$fh> // '0 -');
        waitpid $k->[0], 0;
        $ok++ if $status == 200;
        $pids{$pid} = 1 if $pid ne '-';
    }

    return sprintf "accepted %d of %d, %d workers\n", $ok // 0, $n,
                   scalar keys %pids;
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', "    session_guard_zone zone=sg:1m;\n");
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
});

run_tests();

__DATA__

=== TEST 1: one proof, many connections: one acceptance
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required;
        add_header X-Reason $session_guard_reason always;
    }
--- request eval
[("GET /t") x 24]
--- more_headers eval
[(dpop_headers(jti => "w1-$$")) x 24]
--- error_code eval
[200, (401) x 23]
--- response_headers eval
["!X-Reason", ("X-Reason: dpop proof replayed") x 23]



=== TEST 2: one proof from 24 processes at once: one acceptance
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required;
        add_header X-Pid $pid always;
    }
    location = /result.txt {
        root html;
    }
--- init
my $out = main::burst(24, dpop_headers(jti => "w2-$$"));
open my $fh, '>', Test::Nginx::Util::html_dir() . '/result.txt' or die;
print $fh $out;
close $fh;
--- request
GET /result.txt
--- response_body
accepted 1 of 24, 2 workers
