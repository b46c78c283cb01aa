# session_guard_jwks_fetch with two worker processes: each worker has its
# own key cache and fetches on its own, so a flood of tokens with made-up
# kids costs the provider at most one fetch per worker and cooldown.  The
# provider is a second server of the same nginx that logs its requests to
# logs/idp.log.  With reuseport, the kernel spreads the connections over
# the workers.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGIdP;
use HTTP::Tiny;
use POSIX ();

BEGIN { $ENV{TEST_NGINX_REUSE_PORT} = 1; }

master_on();
workers(2);
no_shuffle();

our $T1 = sg_token(key => 'rsa');

# n requests from n processes at once, tokens taken in turn; "status xN"
sub burst {
    my ($n, @toks) = @_;
    my $port = Test::Nginx::Util::server_port_for_client();
    my $dir = Test::Nginx::Util::html_dir();
    my @pids;
    for my $i (1 .. $n) {
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if ($pid == 0) {
            my $res = HTTP::Tiny->new(timeout => 20)->get(
                "http://127.0.0.1:$port/t",
                { headers => { Authorization =>
                                   "Bearer " . $toks[($i - 1) % @toks] } });
            SGTest::write_file("$dir/burst.$i",
                               "$res->{status} $res->{headers}{'x-pid'}");
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    waitpid $_, 0 for @pids;
    my (%count, %pids);
    for my $i (1 .. $n) {
        my ($st, $pid) = split ' ', SGTest::read_file("$dir/burst.$i");
        $count{$st}++;
        $pids{$pid}++;
        unlink "$dir/burst.$i";
    }
    return (join(' ', map { "$_ x$count{$_}" } sort keys %count),
            scalar keys %pids);
}

run_tests();

__DATA__

=== TEST 1: a flood of unknown kids over two workers: at most one fetch each
--- http_config
    log_format idp $request_uri;

    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        access_log logs/idp.log idp;
        location / {
            root html/idp;
        }
    }
--- config
    location = /jwks-fetch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/jwks;
        proxy_pass_request_headers off;
    }
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch cooldown=30s;
        add_header X-Pid $pid always;
    }
--- user_files eval
">>> t\nprotected\n>>> idp/jwks\n" . json_c({ keys => [ sg_jwk('rsa') ] })
--- init
my @toks = ($::T1, map { SGTest::sg_token(key => 'rsa', kid => "stray-$_") } 1 .. 47);
my ($st, $workers) = main::burst(48, @toks);
my $n = main::fetches();
SGTest::write_file(Test::Nginx::Util::html_dir() . '/result.txt',
                   "$st\n" . ($n >= 1 && $n <= $workers ? 'fetches ok'
                                           : "fetches $n, workers $workers")
                   . "\n");
--- request
GET /result.txt
--- response_body
200 x1 401 x47
fetches ok
