# The server root between blocks and between test files, as upstream
# Test::Nginx keeps it: nothing survives.  Before nginx is started afresh
# conf/, html/, logs/, *_temp and *_cache are removed and the server root
# is rmdir'ed; anything else left there makes the run bail out ("Can't
# remove ... (not empty?)"), so a suite that kept state files there would
# stop.  At the end of a file nginx is stopped.
#
# Each case runs a small test file in a child perl with the same @INC, so
# it checks whichever Test::Nginx this file runs with (the bundled runner
# with "prove -I t/runner", upstream with its lib on PERL5LIB).
use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Test::More;

my $dir = tempdir(CLEANUP => 1);
my $root = "$dir/servroot";

# runs the block file text; returns (exit status, output)
sub run_file {
    my ($text) = @_;
    my $file = "$dir/case.t";
    open my $fh, '>', $file or die "$file: $!";
    print $fh "use Test::Nginx::Socket 'no_plan';\nno_shuffle();\n"
              . "run_tests();\n__DATA__\n$text";
    close $fh;
    # a server root of our own needs TEST_NGINX_RANDOMIZE off: a free
    # port then, so that parallel runs do not collide
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0) or die "listen: $!";
    local $ENV{TEST_NGINX_PORT} = $s->sockport;
    local $ENV{TEST_NGINX_SERVER_PORT} = $s->sockport;
    close $s;
    local $ENV{TEST_NGINX_SERVROOT} = $root;
    delete local $ENV{TEST_NGINX_RANDOMIZE};
    delete local $ENV{TEST_NGINX_NO_CLEAN};
    my $inc = join ' ', map { "-I'$_'" } grep { !ref } @INC;
    my $out = `'$^X' $inc '$file' 2>&1`;
    return ($? >> 8, $out);
}

my $block = <<'_EOB_';
=== TEST 1: %s
--- config
    location = /t {
        return 200 "ok\n";
    }
--- init
%s
--- request
GET /t
--- response_body
ok

_EOB_

# 1. a file left in the server root by a block: the next block bails out
my ($rc, $out) = run_file(
    sprintf($block, 'leaves a file',
            "open my \$f, '>', Test::Nginx::Util::server_root() . '/state';")
    . sprintf($block, 'the next block', ''));
like($out, qr/Bail out!.*Can't remove \Q$root\E \(not empty\?\)/,
     'a stray file in the server root: bail out at the next block');
isnt($rc, 0, '... and a failing exit status');
unlink "$root/state";

# 2. html/ and logs/ are emptied between blocks, nothing else is needed
($rc, $out) = run_file(
    sprintf($block, 'writes into html/ and logs/',
            "open my \$f, '>', Test::Nginx::Util::html_dir() . '/x';"
            . "open my \$g, '>', Test::Nginx::Util::server_root()"
            . " . '/logs/x';")
    . sprintf($block, 'the next block',
              "Test::More::ok(!-e Test::Nginx::Util::html_dir() . '/x');"
              . "Test::More::ok(!-e Test::Nginx::Util::server_root()"
              . " . '/logs/x');"));
is($rc, 0, 'html/ and logs/ are reset between blocks') or diag $out;
unlike($out, qr/^not ok/m, '... every check passes');

# 3. between files: what a file left in html/ is gone in the next one,
# and its nginx was stopped at its end
($rc, $out) = run_file(
    sprintf($block, 'first file',
            "open my \$f, '>', Test::Nginx::Util::html_dir() . '/x';"
            . "print STDERR 'PID=', Test::Nginx::Util::get_pid_from_pidfile"
            . "('x'), qq{\\n};"));
is($rc, 0, 'the first file passes') or diag $out;
my ($pid) = $out =~ /^PID=(\d+)$/m;
ok($pid, 'nginx pid seen');
ok($pid && !kill(0, $pid), 'nginx is stopped at the end of the file');
($rc, $out) = run_file(
    sprintf($block, 'second file',
            "Test::More::ok(!-e Test::Nginx::Util::html_dir() . '/x');"));
is($rc, 0, "the previous file's html/ is gone in the next file")
    or diag $out;

# 4. a file left in the server root between files: the next file bails out
open my $fh, '>', "$root/state" or die $!;
close $fh;
($rc, $out) = run_file(sprintf($block, 'a stray file from before', ''));
like($out, qr/Bail out!.*\(not empty\?\)/,
     'a stray file from an earlier file: bail out');
unlink "$root/state";

done_testing();
