# Shared Signals between two nginx processes: the test's nginx (edge A)
# transmits to a second nginx (edge B) that this file starts itself, with
# its own configuration, zone and error log, as a direct child of the test
# process.  A revocation on A ends the session on B; B's refusal of a SET
# meant for someone else is logged on A.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Crypt::PK::ECC;
use File::Path qw(make_path);
use IO::Socket::INET;
use POSIX ();

no_shuffle();
check_accum_error_log();

our $SECRET = 'two-nodes-secret-0123456789';
our $DIR = "$SG_ROOT/t/tmp/ssf-node-b-$$";
make_path("$DIR/logs", "$DIR/conf");
$ENV{TEST_NGINX_NODE_B_DIR} = $DIR;

sub put {
    my ($name, $text) = @_;
    open my $fh, '>', "$DIR/$name" or die "$DIR/$name: $!";
    print $fh $text;
    close $fh;
}

# each edge's key: private for itself, public for the other
for my $edge (qw(a b)) {
    my $k = Crypt::PK::ECC->new;
    $k->generate_key('secp256r1');
    put("$edge.jwk", $k->export_key_jwk('private'));
    put("conf/$edge.jwks", '{"keys":[' . $k->export_key_jwk('public') . ']}');
}

put('conf/secret', "$SECRET\n");
put('b', "b\n");

my $port = do {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "listen: $!";
    $s->sockport;
};
$ENV{TEST_NGINX_NODE_B_PORT} = $port;

my $module = $ENV{TEST_NGINX_SG_MODULE};
my $keys = $ENV{TEST_NGINX_KEYS};

# A port where nothing listens: B's first view of A's receiver.
my $down = do {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp');
    my $p = $s->sockport;
    close $s;
    $p;
};

# B's configuration, its SETs to A going to "$to_a"
# as the runners do: as root, the workers stay root (they read files in
# the test's directory, which may be private to root)
my $user = $> == 0 ? 'user root;' : '';

sub node_b_conf {
    my ($to_a) = @_;
    put('conf/nginx.conf', <<"_EOC_");
daemon off;
master_process on;
worker_processes 1;
$user
pid $DIR/logs/nginx.pid;
error_log $DIR/logs/error.log info;
load_module $module;
events { worker_connections 64; }
http {
    access_log off;
    session_guard_zone zone=b:1m max_lifetime=1h;
    server {
        listen 127.0.0.1:$port;
        session_guard_ssf_transmitter /to-a zone=b key=$DIR/b.jwk
            issuer=https://edge-b.test/ audience=https://edge-a.test/
            retries=30;
        location = /to-a {
            internal;
            proxy_set_header Authorization "Bearer $SECRET";
            proxy_pass $to_a;
        }
        location /t {
            session_guard zone=b;
            session_guard_jwks $keys/all.jwks;
            add_header X-Status \$session_guard_status always;
            alias $DIR/b;
        }
        location = /ssf/events {
            session_guard_ssf_receiver zone=b issuer=https://edge-a.test/
                audience=https://edge-b.test/ jwks=a.jwks auth=secret;
        }
        location /api/ {
            session_guard_api zone=b;
        }
        location = /error-log {
            default_type text/plain;
            alias $DIR/logs/error.log;
        }
    }
}
_EOC_
}

node_b_conf("http://127.0.0.1:$down/");

# edge B: a child of this process (its master; the master reaps its
# workers), stopped and reaped at the end
our $NODE_B = fork // die "fork: $!";

if ($NODE_B == 0) {
    open STDOUT, '>', "$DIR/logs/stdout";
    open STDERR, '>', "$DIR/logs/stderr";
    my $bin = $ENV{TEST_NGINX_BINARY} || 'nginx';
    exec($bin, '-p', "$DIR/", '-c', 'conf/nginx.conf') or POSIX::_exit(127);
}

{
    my $up;
    for (1 .. 200) {
        $up = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port");
        last if $up;
        select undef, undef, undef, 0.05;
    }
    die "edge B did not start: " . `cat $DIR/logs/stderr` unless $up;
}

END {
    if ($NODE_B) {
        kill 'QUIT', $NODE_B;
        waitpid $NODE_B, 0;
    }
    system('rm', '-rf', $DIR) if $DIR && -d $DIR;
}

# a raw HTTP/1.0 request to a loopback port: the status line's code
sub http_status {
    my ($port, $req) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 5)
        or return 0;
    print $s "$req HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my $line = <$s> // '';
    my ($code) = $line =~ m{^HTTP/1\.[01] (\d+)};
    local $/;
    my $rest = <$s>;
    return wantarray ? ($code || 0, $rest // '') : ($code || 0);
}

sub at {
    my ($sid) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => 'alice' });
    return "Authorization: Bearer $tok";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<'_EOC_');
    session_guard_zone zone=a:1m max_lifetime=1h;
_EOC_
    $block->set_value('config', <<'_EOC_' . ($block->config // ''));
    session_guard_ssf_transmitter /to-b zone=a
        key=$TEST_NGINX_NODE_B_DIR/a.jwk issuer=https://edge-a.test/
        audience=https://edge-b.test/;
    location = /to-b {
        internal;
        proxy_set_header Authorization "Bearer $TEST_NGINX_SSF_SECRET";
        proxy_pass http://127.0.0.1:$TEST_NGINX_NODE_B_PORT/ssf/events;
    }
    location /b/ {
        proxy_set_header Authorization $http_authorization;
        proxy_pass http://127.0.0.1:$TEST_NGINX_NODE_B_PORT/;
    }
    location /api/ {
        session_guard_api zone=a;
    }
_EOC_
});

$ENV{TEST_NGINX_SSF_SECRET} = $SECRET;

run_tests();

__DATA__

=== TEST 1: a session revoked on edge A is refused by edge B, another nginx
--- request eval
["GET /b/t", "GET /b/t", "DELETE /api/sessions/s1?reason=stolen",
 "GET /b/t", "GET /b/t", "GET /b/api/sessions/s1"]
--- more_headers eval
[main::at('s1'), main::at('s2'), "", main::at('s1'), main::at('s2'), ""]
--- wait: 0.3
--- error_code eval
[200, 200, 204, 401, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: ALLOW", "", "X-Status: REVOKED",
 "X-Status: ALLOW", ""]
--- response_body_like eval
["b", "b", "", ".*", "b",
 qr/"source":"ssf","at":\d+,"reason":"session-revoked"/]
--- no_error_log
[error]
[alert]



=== TEST 2: B's log says what it applied; A's says it was delivered
--- request eval
["DELETE /api/sessions/s7", "GET /b/error-log"]
--- wait: 0.3
--- error_code eval
[204, 200]
--- response_body_like eval
["", qr/session "s7" revoked by a session-revoked event from "https:\/\/edge-a.test\/"/]
--- error_log eval
[qr/security event sent to "\/to-b": status 202/]
--- no_error_log
[alert]



=== TEST 3: B's SET waits in its zone while A is unreachable, then goes out after B is reloaded with A's address
--- config
    location = /ssf/events {
        session_guard_ssf_receiver zone=a issuer=https://edge-b.test/
            audience=https://edge-a.test/
            jwks=$TEST_NGINX_NODE_B_DIR/conf/b.jwks
            auth=$TEST_NGINX_NODE_B_DIR/conf/secret;
    }
--- init
my $b = $ENV{TEST_NGINX_NODE_B_PORT};
my $a = $ENV{TEST_NGINX_SERVER_PORT};
main::http_status($b, 'DELETE /api/sessions/r1') == 204
    or die "revocation on B failed";
# B tries A at a port where nothing listens, and will try again
select undef, undef, undef, 0.5;
main::node_b_conf("http://127.0.0.1:$a/ssf/events");
open my $fh, '<', "$main::DIR/logs/nginx.pid" or die "pid: $!";
chomp(my $pid = <$fh>);
kill 'HUP', $pid;
# until A has it (the retries are 1, 2, 4 ... s apart)
for (1 .. 200) {
    my (undef, $body) = main::http_status($a, 'GET /api/sessions/r1');
    last if $body =~ /"source":"ssf"/;
    select undef, undef, undef, 0.1;
}
--- request eval
["GET /api/sessions/r1", "GET /b/error-log"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"revoked":true,"revocation":\{"source":"ssf","at":\d+,"reason":"session-revoked"\}/,
 qr/security event to "\/to-a" not delivered \(status 502\), retry 1 of 30.*reconfiguring.*security event sent to "\/to-a": status 202/s]

