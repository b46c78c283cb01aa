# Who owns the state file: nginx started as root, its worker processes
# running as "nobody" in a state directory of nobody's, mode 0700.  The
# workers save every "save" interval; the master, as root, on exit gives
# the file to nobody, so that no root-owned file is left where the workers'
# user can write.  Loading accepts a file of nobody's or of root's (what an
# earlier version of the module wrote on exit) and refuses one of another
# user's.  Needs root (skipped otherwise).

use FindBin;
use lib "$FindBin::Bin/lib";

BEGIN {
    # read when the runner writes nginx.conf ("user nobody nogroup;")
    $ENV{TEST_NGINX_WORKER_USER} = 'nobody nogroup' if $> == 0;
}

use Test::Nginx::Socket;
use SGTest;
use File::Path qw(make_path remove_tree);

our ($NOBODY, $NOGROUP) = (getpwnam('nobody'))[2, 3];
our $OTHER = (getpwnam('daemon'))[2];

if ($> != 0) {
    plan(skip_all => 'nginx must start as root to switch to a worker user');
}
if (!defined $NOBODY || !defined $OTHER) {
    plan(skip_all => 'needs the users "nobody" and "daemon"');
}

# workers running as nobody must reach the server root and the state
# directory inside the checkout: not from a clone under a private (0700)
# directory such as root's home
for (my $d = $SGTest::SG_ROOT; $d ne '/' && $d ne ''; $d =~ s{/[^/]*$}{}) {
    my @st = stat $d;
    if (!@st || !($st[2] & 0001)) {
        plan(skip_all => "the user nobody cannot enter $d (mode "
                         . sprintf('%04o', ($st[2] // 0) & 07777)
                         . '): run from a checkout others can reach');
    }
}
plan('no_plan');

master_on();
no_shuffle();

our $DIR = "$ENV{TEST_NGINX_STATE_DIR}/136";
our $STATE = "$DIR/a.state";
our %SEEN;

remove_tree($DIR);
make_path($DIR);
chown $NOBODY, $NOGROUP, $DIR or die "chown: $!";
chmod 0700, $DIR;

# after TEST 1: the file as the master left it, and copies of it owned by
# root (as an earlier version wrote it) and by another user
sub copies {
    my @st = stat $STATE or die "$STATE: $!";
    $SEEN{uid} = $st[4];
    $SEEN{gid} = $st[5];
    $SEEN{mode} = $st[2] & 07777;

    my $data = SGTest::read_file($STATE);

    SGTest::write_file("$DIR/root.state", $data);
    chmod 0600, "$DIR/root.state";

    SGTest::write_file("$DIR/other.state", $data);
    chmod 0600, "$DIR/other.state";
    chown $OTHER, -1, "$DIR/other.state" or die "chown: $!";
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

is($SEEN{uid}, $NOBODY, 'the master saved the state file as nobody\'s');
is($SEEN{gid}, $NOGROUP, 'with nobody\'s group');
is(sprintf('%04o', $SEEN{mode} // 0), '0600', 'mode 0600');

__DATA__

=== TEST 1: the workers save as nobody, the master on exit for nobody
--- http_config eval
"session_guard_zone zone=sg:1m state=$::STATE save=1s;"
--- wait: 2.5
--- error_code: 200
--- error_log eval
qr/\[info\].*session_guard: zone "sg" saved to "\S+a\.state"/
--- no_error_log
cannot save
--- shutdown_error_log eval
qr/\[info\].*session_guard: zone "sg" saved to "\S+a\.state"/
--- no_shutdown_error_log
cannot save



=== TEST 2: a file of nobody's loads
--- http_config eval
"session_guard_zone zone=sg:1m state=$::STATE;"
--- init
main::copies();
--- error_code: 200
--- error_log eval
qr/\[notice\].*session_guard: loaded 1 sessions? from state file "\S+a\.state"/
--- no_error_log
ignored



=== TEST 3: a file of root's, as an earlier version left it, loads
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/root.state;"
--- error_code: 200
--- error_log eval
qr/\[notice\].*session_guard: loaded 1 sessions? from state file "\S+root\.state"/
--- no_error_log
ignored



=== TEST 4: a file of another user's is refused
--- http_config eval
"session_guard_zone zone=sg:1m state=$::DIR/other.state;"
--- error_code: 200
--- error_log eval
qr/\[error\].*session_guard: state file "\S+other\.state" ignored: owned by neither nginx's user nor its worker processes' user/
--- no_error_log
loaded
