# The bundled runner's local extension: a sanitizer's report in a block's
# error log fails the block.  UBSan writes its reports to the workers'
# stderr whatever its log_path says, and nginx sends that to the error
# log, so "make test-asan" would not see them in its reports directory.
# Here a line of the same shape is made to appear (a missing file whose
# name holds one), in a small test file run by a child perl.
#
# Upstream Test::Nginx has no such check: skipped under it.
use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Test::More;

if (!defined &Test::Nginx::Util::check_nginx_health) {
    require Test::Nginx::Util;
}

plan skip_all => 'the bundled runner only (a local extension)'
    unless defined &Test::Nginx::Util::check_nginx_health;

my $dir = tempdir(CLEANUP => 1);

sub run_file {
    my ($text) = @_;
    my $file = "$dir/case.t";
    open my $fh, '>', $file or die "$file: $!";
    print $fh "use Test::Nginx::Socket 'no_plan';\nno_shuffle();\n"
              . "run_tests();\n__DATA__\n$text";
    close $fh;
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0) or die "listen: $!";
    local $ENV{TEST_NGINX_PORT} = $s->sockport;
    local $ENV{TEST_NGINX_SERVER_PORT} = $s->sockport;
    close $s;
    local $ENV{TEST_NGINX_SERVROOT} = "$dir/servroot";
    delete local $ENV{TEST_NGINX_RANDOMIZE};
    my $inc = join ' ', map { "-I'$_'" } grep { !ref } @INC;
    my $out = `'$^X' $inc '$file' 2>&1`;
    return ($? >> 8, $out);
}

my $case = <<'_EOB_';
=== TEST 1: %s
--- config
    location /files/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
    }
--- request
GET /files/%s
--- error_code: 404

_EOB_

my ($rc, $out) = run_file(sprintf($case, 'a report',
                                  'x.c:3:85:%20runtime%20error:%20null'));
isnt($rc, 0, 'a "runtime error:" line in the error log fails the block');
like($out, qr/sanitizer report in error\.log: .*runtime error: null/,
     '... and says which line');

($rc, $out) = run_file(sprintf($case, 'no report', 'plain-missing.txt'));
is($rc, 0, 'a block without one passes') or diag $out;

done_testing();
