# session_guard_zone: the directive, and the state file as far as it goes
# without sessions (loading, refusing bad files, saving on exit and on a
# timer).  Sessions surviving a restart are tested with the engine.
#
# The blocks run in order: TEST 1 writes a state file on exit, which
# TEST 2 loads and turns into damaged copies for the blocks after it.
# State files that must outlive a block live in the state directory
# (t/lib/SGTest.pm): Test::Nginx empties the server root before each block.
# The must_die blocks and TEST 11, which write no file, keep relative
# paths, so a path relative to the prefix is still tested.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Digest::SHA qw(sha256);

our $STATE = "$ENV{TEST_NGINX_STATE_DIR}/sg100.state";

# a previous run's files would be loaded by TEST 1
unlink glob("$ENV{TEST_NGINX_STATE_DIR}/sg100*.state*");

# Copies of a good state file, each damaged one way: the header is magic
# (8 bytes), version, byte order, record size, zone name length, sessions,
# jti (u32 each), time (i64), then the zone name; SHA-256 at the end.
sub damage {
    my ($good) = @_;
    my $dir = $ENV{TEST_NGINX_STATE_DIR};

    open my $in, '<:raw', $good or die "$good: $!";
    my $data = do { local $/; <$in> };
    close $in;

    my $body = substr($data, 0, -32);
    my $seal = sub { $_[0] . sha256($_[0]) };
    my %files;

    $files{truncated} = substr($data, 0, length($data) - 7);
    $files{corrupt} = $data;
    substr($files{corrupt}, 33, 1) ^= "\x01";        # in the time

    my $foreign = $body;
    substr($foreign, 40, 2) = 'xx';                 # zone "sg" -> "xx"
    $files{foreign} = $seal->($foreign);

    my $version = $body;
    substr($version, 8, 4) = pack('L', 99);
    $files{version} = $seal->($version);

    my $size = $body;
    substr($size, 16, 4) = pack('L', unpack('L', substr($size, 16, 4)) + 8);
    $files{recsize} = $seal->($size);

    my $count = $body;
    substr($count, 24, 4) = pack('L', 1000);         # 1000 sessions, none
    $files{count} = $seal->($count);

    $files{garbage} = "this is not a state file at all\n" x 8;
    $files{empty} = '';

    for my $name (keys %files) {
        open my $out, '>:raw', "$dir/sg100-$name.state" or die "$name: $!";
        print $out $files{$name};
        close $out;
    }
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a zone is declared; on exit, its state file is written
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log
session_guard: no state file
--- no_error_log
ignored
--- shutdown_error_log eval
qr/session_guard: zone "sg" saved to "\S+sg100\.state"/



=== TEST 2: the state file is loaded (and damaged copies made of it)
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100.state max_lifetime=1h
                       save=30s;
--- config
    location /t {
        return 200 "ok\n";
    }
--- init
main::damage($main::STATE);
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[notice\].*session_guard: loaded 0 sessions from state file "\S+sg100\.state" into zone "sg" \(0 revoked, 0 jti, 0 blocked subjects, 0 expired, 0 evicted\)/
--- no_error_log
ignored



=== TEST 3: garbage is reported and ignored, nginx starts
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-garbage.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-garbage\.state" ignored: not a session_guard state file/



=== TEST 4: a truncated file is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-truncated.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-truncated\.state" ignored: (truncated|checksum mismatch)/



=== TEST 5: an empty file is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-empty.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-empty\.state" ignored: truncated/



=== TEST 6: a corrupt file (one bit flipped) is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-corrupt.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-corrupt\.state" ignored: checksum mismatch/



=== TEST 7: the file of another zone is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-foreign.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-foreign\.state" ignored: written for another zone/



=== TEST 8: another format version is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-version.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-version\.state" ignored: unknown format version/



=== TEST 9: another record layout is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-recsize.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-recsize\.state" ignored: written by another version of the module/



=== TEST 10: a header promising more than the file holds is ignored
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-count.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[error\].*session_guard: state file "\S+sg100-count\.state" ignored: truncated session/



=== TEST 11: a missing state file is fine
--- http_config
    session_guard_zone zone=sg:1m state=sg100-none/missing.state;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- error_log eval
qr/\[notice\].*session_guard: no state file "\S+missing\.state" yet, zone "sg" starts empty/
--- no_error_log
ignored
--- shutdown_error_log eval
qr/\[error\].*session_guard: cannot save zone "sg": open\(\) "\S+sg100-none\/" failed/



=== TEST 12: worker 0 saves every "save" interval
--- http_config
    session_guard_zone zone=sg:1m state=$TEST_NGINX_STATE_DIR/sg100-timer.state save=1s;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- wait: 3
--- error_log eval
qr/\[info\].*session_guard: zone "sg" saved to "\S+sg100-timer\.state"/



=== TEST 13: several zones, one without a state file
--- http_config
    session_guard_zone zone=a:1m;
    session_guard_zone zone=b:64k state=$TEST_NGINX_STATE_DIR/sg100-b.state max_lifetime=30d;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- no_error_log
[error]



=== TEST 14: a zone used before it is declared
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;
        location / {
            session_guard zone=late;
            session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        }
    }
    session_guard_zone zone=late:1m;
--- config
    location /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok



=== TEST 15: no zone= parameter
--- http_config
    session_guard_zone state=sg100.state;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_zone" must have "zone" parameter/



=== TEST 16: no size
--- http_config
    session_guard_zone zone=sg;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid zone "zone=sg", it must be "zone=name:size"/



=== TEST 17: a bad size
--- http_config
    session_guard_zone zone=sg:lots;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid zone size "zone=sg:lots"/



=== TEST 18: a zone too small
--- http_config
    session_guard_zone zone=sg:16k;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*zone "zone=sg:16k" is too small/



=== TEST 19: a zone declared twice
--- http_config
    session_guard_zone zone=sg:1m;
    session_guard_zone zone=sg:2m;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*duplicate zone "sg" in \S+nginx\.conf:\d+/



=== TEST 20: an unknown parameter
--- http_config
    session_guard_zone zone=sg:1m colour=blue;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "colour=blue"/



=== TEST 21: a bad max_lifetime
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=forever;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid max_lifetime "max_lifetime=forever"/



=== TEST 22: a bad save interval
--- http_config
    session_guard_zone zone=sg:1m state=sg100.state save=10ms;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid save interval "save=10ms"/



=== TEST 23: two zones cannot share a state file
--- http_config
    session_guard_zone zone=a:1m state=sg100.state;
    session_guard_zone zone=b:1m state=sg100.state;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*state file "\S+sg100\.state" is already used by zone "a"/



=== TEST 24: the directive belongs to the http block
--- config
    location /t {
        session_guard_zone zone=sg:1m;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_zone" directive is not allowed here/



=== TEST 25: a name already used by another module's zone
--- http_config
    limit_req_zone $binary_remote_addr zone=sg:1m rate=1r/s;
    session_guard_zone zone=sg:1m;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*the shared memory zone "sg" is already declared for a different use/
