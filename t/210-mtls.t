# Certificate-bound access tokens (RFC 8705): real TLS with client
# certificates made here with openssl.  The runner speaks plain HTTP, so
# "--- init" (run once nginx is up) drives curl against the TLS servers
# and writes what it saw to html/mtls.txt, which the block then fetches
# and compares.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGDPoP;
use Digest::SHA qw(sha256);
use File::Path qw(make_path remove_tree);
use MIME::Base64 qw(encode_base64url);

# certificates for this run only
our $DIR = "$SGTest::SG_ROOT/t/tmp/mtls-$$";
$ENV{TEST_NGINX_MTLS} = $DIR;
END { remove_tree($DIR) if $DIR && -d $DIR }

sub openssl {
    my $cmd = join ' ', 'openssl', @_, '2>/dev/null';
    system($cmd) == 0 or die "openssl failed: $cmd\n";
}

my @EC = ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes');

make_path($DIR);

for my $name (qw(server c1 c2)) {
    openssl('req', '-x509', @EC, '-days', 1, '-subj', "/CN=$name",
            '-keyout', "$DIR/$name.key", '-out', "$DIR/$name.crt");
}

openssl('req', '-x509', @EC, '-days', 1, '-subj', '/CN=test-ca',
        '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign',
        '-keyout', "$DIR/ca.key", '-out', "$DIR/ca.crt");
openssl('req', @EC, '-subj', '/CN=c3', '-keyout', "$DIR/c3.key",
        '-out', "$DIR/c3.csr");
openssl('x509', '-req', '-in', "$DIR/c3.csr", '-CA', "$DIR/ca.crt",
        '-CAkey', "$DIR/ca.key", '-CAcreateserial', '-days', 1,
        '-out', "$DIR/c3.crt");

# RFC 8705 3.1: base64url(SHA-256(DER))
our %X5T;
for my $name (qw(c1 c2 c3)) {
    my $der = `openssl x509 -in $DIR/$name.crt -outform DER`;
    $X5T{$name} = encode_base64url(sha256($der));
}

sub bound {
    my ($name, %cnf) = @_;
    return sg_token(claims => { sid => undef,
                                cnf => { 'x5t#S256' => $X5T{$name}, %cnf } });
}

# the TLS ports, in the order of the listen directives
sub tls_ports {
    open my $fh, '<', "$Test::Nginx::Util::ServRoot/conf/nginx.conf"
        or die "nginx.conf: $!";
    local $/;
    my $conf = <$fh>;
    return $conf =~ /listen\s+127\.0\.0\.1:(\d+)\s+ssl/g;
}

# one request with curl: "<status> <X-Reason> | <WWW-Authenticate>"
sub curl {
    my ($port, $path, %o) = @_;
    my @args = ('-sk', '--max-time', 5, '-o', '/dev/null', '-D', '-',
                '--resolve', "localhost:$port:127.0.0.1");
    push @args, '--cert', "$DIR/$o{cert}.crt", '--key', "$DIR/$o{cert}.key"
        if $o{cert};
    push @args, '-H', "'$_'" for @{ $o{headers} || [] };
    my $out = `curl @args https://localhost:$port$path`;
    my ($status) = $out =~ m{^HTTP/\S+ (\d+)}m;
    my ($reason) = $out =~ /^X-Reason: ([^\r\n]*)/mi;
    my ($www) = $out =~ /^WWW-Authenticate: ([^\r\n]*)/mi;
    return join ' ', $status // 'none', $reason // '-',
                     $www ? "| $www" : ();
}

sub run_cases {
    my @cases = @_;
    my $text = '';
    while (my ($name, $args) = splice @cases, 0, 2) {
        $text .= "$name: " . curl(@$args) . "\n";
    }
    open my $fh, '>', Test::Nginx::Util::html_dir() . '/mtls.txt' or die;
    print $fh $text;
    close $fh;
}

our $ALGS = "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA";

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      join '', map { ">>> $_\nprotected\n" } qw(t req opt off both))
        unless defined $block->user_files;
});

run_tests();

__DATA__

=== TEST 1: session_guard_mtls required, optional, off
--- http_config
    session_guard_zone zone=sg:1m;

    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1 ssl;
        server_name localhost;

        ssl_certificate $TEST_NGINX_MTLS/server.crt;
        ssl_certificate_key $TEST_NGINX_MTLS/server.key;
        ssl_verify_client optional_no_ca;

        root html;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Reason $session_guard_reason always;

        location /req {
            session_guard zone=sg;
            session_guard_mtls required;
        }

        location /opt {
            session_guard zone=sg;
            session_guard_mtls optional;
        }

        location /off {
            session_guard zone=sg;
        }
    }
--- config
    location = /mtls.txt {
        root html;
    }
--- init
my ($p) = main::tls_ports();
my $bound = 'Authorization: Bearer ' . main::bound('c1');
my $plain = 'Authorization: Bearer ' . SGTest::sg_token(claims => { sid => undef });
main::run_cases(
    'required, its certificate' =>
        [$p, '/req', cert => 'c1', headers => [$bound]],
    'required, another certificate' =>
        [$p, '/req', cert => 'c2', headers => [$bound]],
    'required, no certificate' => [$p, '/req', headers => [$bound]],
    'required, an unbound token' =>
        [$p, '/req', cert => 'c1', headers => [$plain]],
    'optional, an unbound token' => [$p, '/opt', headers => [$plain]],
    'optional, its certificate' =>
        [$p, '/opt', cert => 'c1', headers => [$bound]],
    'optional, another certificate' =>
        [$p, '/opt', cert => 'c2', headers => [$bound]],
    'optional, no certificate' => [$p, '/opt', headers => [$bound]],
    'off, its certificate' => [$p, '/off', cert => 'c1', headers => [$bound]],
    'off, an unbound token' =>
        [$p, '/off', cert => 'c1', headers => [$plain]],
);
--- request
GET /mtls.txt
--- response_body
required, its certificate: 200 -
required, another certificate: 401 client certificate mismatch | Bearer error="invalid_token"
required, no certificate: 401 no client certificate | Bearer error="invalid_token"
required, an unbound token: 401 token not certificate-bound | Bearer error="invalid_token"
optional, an unbound token: 200 -
optional, its certificate: 200 -
optional, another certificate: 401 client certificate mismatch | Bearer error="invalid_token"
optional, no certificate: 401 no client certificate | Bearer error="invalid_token"
off, its certificate: 401 certificate-bound token, mtls off | Bearer error="invalid_token"
off, an unbound token: 200 -



=== TEST 2: "ssl_verify_client on" with a CA-issued certificate
--- http_config
    session_guard_zone zone=sg:1m;

    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1 ssl;
        server_name localhost;

        ssl_certificate $TEST_NGINX_MTLS/server.crt;
        ssl_certificate_key $TEST_NGINX_MTLS/server.key;
        ssl_verify_client on;
        ssl_client_certificate $TEST_NGINX_MTLS/ca.crt;

        root html;
        add_header X-Reason $session_guard_reason always;

        location /req {
            session_guard zone=sg;
            session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
            session_guard_mtls required;
        }
    }
--- config
    location = /mtls.txt {
        root html;
    }
--- init
my ($p) = main::tls_ports();
main::run_cases(
    'issued, bound to it' => [$p, '/req', cert => 'c3',
        headers => ['Authorization: Bearer ' . main::bound('c3')]],
    'issued, bound to another' => [$p, '/req', cert => 'c3',
        headers => ['Authorization: Bearer ' . main::bound('c1')]],
    'self-signed, refused by nginx' => [$p, '/req', cert => 'c1',
        headers => ['Authorization: Bearer ' . main::bound('c1')]],
);
--- request
GET /mtls.txt
--- response_body
issued, bound to it: 200 -
issued, bound to another: 401 client certificate mismatch | Bearer error="invalid_token"
self-signed, refused by nginx: 400 -
--- error_log
client SSL certificate verify error



=== TEST 3: DPoP and a certificate together
--- http_config
    session_guard_zone zone=sg:1m;

    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1 ssl;
        server_name localhost;

        ssl_certificate $TEST_NGINX_MTLS/server.crt;
        ssl_certificate_key $TEST_NGINX_MTLS/server.key;
        ssl_verify_client optional_no_ca;

        root html;
        add_header X-Reason $session_guard_reason always;

        location /both {
            session_guard zone=sg;
            session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
            session_guard_mtls required;
            session_guard_dpop required;
        }
    }
--- config
    location = /mtls.txt {
        root html;
    }
--- init
my ($p) = main::tls_ports();
my $at = main::bound('c1', jkt => dpop_jkt('p256'));
my $htu = "https://localhost:$p/both";
main::run_cases(
    'proof and certificate' => [$p, '/both', cert => 'c1', headers =>
        ["Authorization: DPoP $at", 'DPoP: ' . dpop_proof(htu => $htu,
                                                        token => $at)]],
    'proof, no certificate' => [$p, '/both', headers =>
        ["Authorization: DPoP $at", 'DPoP: ' . dpop_proof(htu => $htu,
                                                        token => $at)]],
    'certificate, no proof' => [$p, '/both', cert => 'c1',
        headers => ["Authorization: Bearer $at"]],
    'proof for http' => [$p, '/both', cert => 'c1', headers =>
        ["Authorization: DPoP $at", 'DPoP: ' . dpop_proof(
            htu => "http://localhost:$p/both", token => $at)]],
);
--- request
GET /mtls.txt
--- response_body eval
'proof and certificate: 200 -
proof, no certificate: 401 no client certificate | DPoP error="invalid_token", algs="' . $::ALGS . '"
certificate, no proof: 401 dpop-bound token without proof | DPoP error="invalid_token", algs="' . $::ALGS . '"
proof for http: 401 dpop htu mismatch | DPoP error="invalid_dpop_proof", algs="' . $::ALGS . '"
'



=== TEST 4: plain HTTP has no client certificate
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /req {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_mtls required;
        add_header X-Reason $session_guard_reason always;
    }
--- request
GET /req
--- more_headers eval
'Authorization: Bearer ' . main::bound('c1')
--- error_code: 401
--- response_headers
X-Reason: no client certificate
WWW-Authenticate: Bearer error="invalid_token"



=== TEST 5: config: bad mode
--- config
    location /req {
        session_guard on;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_mtls yes;
    }
--- must_die
--- error_log
invalid value "yes", it must be "off", "optional" or "required"
