# When things happen in a test file, as upstream Test::Nginx (with
# Test::Base) does them; the suite depends on each (docs/testing.md).
# Runs unchanged under upstream: PERL5LIB=<test-nginx>/lib prove THIS.
#
#  - every block's "eval" sections run when the file is read, before the
#    first block runs;
#  - block preprocessors run when their block starts, in file order;
#  - nginx is started afresh for every block with a config: the previous
#    block's nginx is gone by the time the next block's --- init runs;
#  - the server root is emptied before each block: a file a block leaves
#    in html/ or logs/ is gone in the next one;
#  - a block without --- config goes on with the previous block's nginx
#    (not restarted, its files kept); the next block with one restarts it.
use Test::Nginx::Socket 'no_plan';

our (@EVALED, @ORDER, $PID);

no_shuffle();
add_block_preprocessor(sub {
    my $block = shift;
    push @ORDER, 'pre:' . ($block->name =~ /(TEST \d+)/)[0];
});
run_tests();

sub pid_now {
    return Test::Nginx::Util::get_pid_from_pidfile('selftest');
}

__DATA__

=== TEST 1: eval ran for all blocks when the file was read
--- config
    location = /t {
        return 200 "ok\n";
    }
--- init
Test::More::is(join(',', @main::EVALED),
               'TEST 1,TEST 2,TEST 3,TEST 4,TEST 5',
               'every eval section ran before the first block');
Test::More::is(join(',', @main::ORDER), 'pre:TEST 1',
               'the preprocessor runs when its block starts');
push @main::ORDER, 'init:TEST 1';
$main::PID = main::pid_now();
Test::More::ok(kill(0, $main::PID), 'nginx runs during the block');
open my $fh, '>', Test::Nginx::Util::html_dir() . '/left.txt' or die $!;
print $fh "left\n";
close $fh;
--- request eval
push @main::EVALED, 'TEST 1';
"GET /left.txt"
--- response_body
left



=== TEST 2: a fresh nginx and server root for the next block
--- config
    location = /t {
        return 200 "ok\n";
    }
--- init
Test::More::is(join(',', @main::ORDER), 'pre:TEST 1,init:TEST 1,pre:TEST 2',
               'the next preprocessor runs after the previous block');
push @main::ORDER, 'init:TEST 2';
Test::More::ok(!kill(0, $main::PID), "the previous block's nginx is gone");
my $pid = main::pid_now();
Test::More::isnt($pid, $main::PID, 'a new nginx');
Test::More::ok(kill(0, $pid), 'it runs');
Test::More::ok(!-e Test::Nginx::Util::html_dir() . '/left.txt',
               "the previous block's html file is gone");
$main::PID = $pid;
--- request eval
push @main::EVALED, 'TEST 2';
"GET /left.txt"
--- error_code: 404



=== TEST 3: the same config as before: still a fresh nginx
--- config
    location = /t {
        return 200 "ok\n";
    }
--- init
Test::More::ok(!kill(0, $main::PID), "TEST 2's nginx is gone");
my $pid = main::pid_now();
Test::More::isnt($pid, $main::PID, 'another new nginx');
$main::PID = $pid;
open my $fh, '>', Test::Nginx::Util::html_dir() . '/kept.txt' or die $!;
print $fh "kept\n";
close $fh;
--- request eval
push @main::EVALED, 'TEST 3';
"GET /t"
--- response_body
ok



=== TEST 4: no config: the previous block's nginx goes on
--- init
Test::More::is(main::pid_now(), $main::PID, "TEST 3's nginx still runs");
--- request eval
push @main::EVALED, 'TEST 4';
["GET /t", "GET /kept.txt"]
--- response_body eval
["ok\n", "kept\n"]



=== TEST 5: a config again: a fresh nginx
--- config
    location = /t {
        return 200 "ok\n";
    }
--- init
Test::More::ok(!kill(0, $main::PID), "TEST 3's nginx is gone");
Test::More::isnt(main::pid_now(), $main::PID, 'a new nginx');
--- request eval
push @main::EVALED, 'TEST 5';
"GET /kept.txt"
--- error_code: 404
