# The state file on disk: the master reads it as root at start and writes
# it as root on exit, the worker processes write it every "save" interval,
# in a directory that their user can write.  Nothing planted there may make
# nginx write through it, hang, or load it: a symbolic link at the
# temporary name or at the state path, a FIFO, a directory, a file that
# others can write, a second link to the file, a directory that others can
# write.  A regular file still loads.
#
# The blocks run in order: TEST 1 writes good.state, TEST 2 loads it and
# makes the copies the blocks after it refuse.  The checks of what is left
# on disk run after the last block.  Files of another user's: see
# t/136-state-owner.t.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use File::Path qw(make_path remove_tree);
use POSIX qw(mkfifo);

master_on();
no_shuffle();

our $DIR = "$ENV{TEST_NGINX_STATE_DIR}/135";
our $GOOD = "$DIR/good.state";
our $VICTIM = "$DIR/victim/passwd";
our $VICTIM_DATA = "root:x:0:0:a file nginx must not write:/root:/bin/sh\n";
our %SEEN;     # what the blocks' init found or planted

remove_tree($DIR);
make_path("$DIR/victim", "$DIR/open");
chmod 0755, $DIR;
SGTest::write_file($VICTIM, $VICTIM_DATA);
chmod 0644, $VICTIM;

# planted before nginx starts: the link points to good.state, which TEST 1
# writes; "open" is a directory like /tmp
symlink($GOOD, "$DIR/link.state") or die "symlink: $!";
mkfifo("$DIR/fifo.state", 0600) or die "mkfifo: $!";
mkdir("$DIR/dir.state") or die "mkdir: $!";
chmod 01777, "$DIR/open";

# the pids of the running master and of its worker, which name their
# temporary files
sub nginx_pids {
    my $pidfile = server_root() . '/logs/nginx.pid';
    my $master;

    # the listening socket exists before the pid file is written and the
    # worker forked (10 s: nginx may run under valgrind)
    for (1 .. 1000) {
        if (open my $fh, '<', $pidfile) {
            $master = <$fh>;
            close $fh;
        }
        last if defined $master && $master =~ s/\s+\z// && $master;
        undef $master;
        select(undef, undef, undef, 0.01);
    }

    die "no pid in $pidfile" unless $master;

    for (1 .. 1000) {
        my $f = "/proc/$master/task/$master/children";
        if (open my $c, '<', $f) {
            my @kids = split ' ', (<$c> // '');
            close $c;
            return ($master, @kids) if @kids;
        }
        select(undef, undef, undef, 0.01);
    }

    die "no worker process of $master";
}

# symbolic links to a file of root's at the temporary names of the master
# (which saves on exit) and of the worker (which saves every second)
sub plant {
    my ($state) = @_;
    my @pids = nginx_pids();
    for my $pid (@pids) {
        symlink($VICTIM, "$state.$pid.tmp") or die "symlink: $!";
    }
    $SEEN{planted} = scalar @pids;
}

# copies of good.state that a save never leaves
sub copies {
    my $data = SGTest::read_file($GOOD);

    SGTest::write_file("$DIR/writable.state", $data);
    chmod 0620, "$DIR/writable.state";

    SGTest::write_file("$DIR/linked.state", $data);
    chmod 0600, "$DIR/linked.state";
    link("$DIR/linked.state", "$DIR/victim/linked") or die "link: $!";

    SGTest::write_file("$DIR/open/good.state", $data);
    chmod 0600, "$DIR/open/good.state";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Status $session_guard_status always;
    }
_EOC_
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('request', 'GET /t') unless defined $block->request;
    $block->set_value('more_headers', 'Authorization: Bearer '
                      . sg_token(claims => { sid => 'kept' }))
        unless defined $block->more_headers;
});

run_tests();

# what the blocks left on disk

is(SGTest::read_file($VICTIM), $VICTIM_DATA,
   'the victim of the links at the temporary names is untouched');
ok(-f $GOOD && !-l $GOOD, 'good.state is a regular file');
is($SEEN{planted}, 2, 'links were planted for the master and the worker');
is(scalar(() = glob("$DIR/*.tmp $DIR/open/*.tmp")), 0,
   'no temporary file is left behind');

ok(-f "$DIR/link.state" && !-l "$DIR/link.state",
   'the save replaced the link at the state path, not its target');
is($SEEN{good_after_link}, SGTest::read_file($GOOD),
   'the target of the link at the state path is untouched');

ok(-f "$DIR/fifo.state" && !-p "$DIR/fifo.state",
   'the save replaced the FIFO at the state path');
ok(-d "$DIR/dir.state", 'a directory at the state path is left alone');

is((stat "$DIR/victim/linked")[3], 1,
   'the save replaced the file with two links, not the other link');

__DATA__

=== TEST 1: links planted at the temporary names are replaced, not followed
--- http_config eval
"session_guard_zone zone=sg:1m state=$::GOOD save=1s;"
--- init
main::plant($main::GOOD);
--- wait: 2.5
--- error_code: 200
--- error_log eval
qr/\[info\].*session_guard: zone "sg" saved to "\S+good\.state"/
--- no_error_log
cannot save
--- shutdown_error_log eval
qr/\[info\].*session_guard: zone "sg" saved to "\S+good\.state"/
--- no_shutdown_error_log
cannot save



=== TEST 2: a regular file still loads
--- http_config eval
"session_guard_zone zone=sg:1m state=$::GOOD;"
--- init
main::copies();
--- error_code: 200
--- response_headers
X-Status: ALLOW
--- error_log eval
qr/\[notice\].*session_guard: loaded 1 sessions? from state file "\S+good\.state"/
--- no_error_log
ignored



=== TEST 3: a symbolic link at the state path is refused; the save replaces it
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/link.state;"
--- init
$main::SEEN{good_after_link} = SGTest::read_file($main::GOOD);
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+link\.state" ignored: it is a symbolic link/
--- no_error_log
loaded
--- shutdown_error_log eval
qr/session_guard: zone "sg" saved to "\S+link\.state"/



=== TEST 4: a FIFO at the state path does not hang the start
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/fifo.state;"
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+fifo\.state" ignored: not a regular file/
--- shutdown_error_log eval
qr/session_guard: zone "sg" saved to "\S+fifo\.state"/



=== TEST 5: a directory at the state path is refused, and not saved over
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/dir.state;"
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+dir\.state" ignored: not a regular file/
--- shutdown_error_log eval
qr/\[error\].*session_guard: cannot save zone "sg": rename\(\) "\S+dir\.state\.\d+\.tmp" failed/



=== TEST 6: a state file that others can write is refused
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/writable.state;"
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+writable\.state" ignored: writable by group or others/
--- no_error_log
loaded



=== TEST 7: a state file with a second link is refused
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/linked.state;"
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+linked\.state" ignored: it has other links/
--- no_error_log
loaded



=== TEST 8: a directory that others can write is refused, for loading and saving
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/open/good.state;"
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+open\/good\.state" ignored: its directory is writable by others/
--- no_error_log
loaded
--- shutdown_error_log eval
qr/\[error\].*session_guard: cannot save zone "sg": directory "\S+open\/" is writable by others/
