# DPoP interoperability: proofs and bound tokens made by an independent
# implementation, panva's "dpop" and "jose" npm packages, through
# t/interop/dpop-proof.mjs ("make deps" installs them from
# t/interop/package-lock.json).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket;
use SGTest;
use SGDPoP;
use JSON::PP ();

our $INTEROP = "$SGTest::SG_ROOT/t/interop";

if (my $why = SGTest::interop_skip_reason(0, 'it', qw(dpop jose))) {
    plan(skip_all => $why);
}
plan('no_plan');

my %made;

# {authorization, dpop, jkt} from node; "name" caches one result
sub interop {
    my (%o) = @_;
    return $made{$o{name}} if $o{name} && $made{$o{name}};
    my @args = ('--htu', $o{htu} // 'http://localhost/t',
                '--htm', $o{htm} // 'GET', '--alg', $o{alg} // 'ES256',
                '--issuer-key', "$SGTest::SG_KEYS/ec256.key",
                '--kid', 'ec256');
    push @args, '--nonce', $o{nonce} if defined $o{nonce};
    my $cmd = join ' ', 'node', "$INTEROP/dpop-proof.mjs",
                        map { "'$_'" } @args;
    my $out = `$cmd`;
    die "dpop-proof.mjs failed: $?\n" if $? || !$out;
    my $r = JSON::PP::decode_json($out);
    $made{$o{name}} = $r if $o{name};
    return $r;
}

sub headers {
    my $r = interop(@_);
    return "Authorization: $r->{authorization}\r\nDPoP: $r->{dpop}";
}

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', "    session_guard_zone zone=sg:1m;\n")
        unless defined $block->http_config;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('request', "GET /t\n") unless defined $block->request;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        add_header X-Dpop-Jkt $session_guard_dpop_jkt always;
        add_header X-Cnf-Jkt $session_guard_cnf_jkt always;
    }
    location = /ok {
        return 200 "ok\n";
    }
    location = /p {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required;
        proxy_pass http://127.0.0.1:$server_port/ok;
    }
    location = /result.txt {
        root html;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: an ES256 proof and a bound token from "dpop" and "jose"
--- more_headers eval
main::headers(name => 'es256')
--- response_body
protected
--- response_headers eval
"X-Status: ALLOW\nX-Dpop-Jkt: " . main::interop(name => 'es256')->{jkt}
. "\nX-Cnf-Jkt: " . main::interop(name => 'es256')->{jkt}



=== TEST 2: RS256, PS256 (dpop) and EdDSA (jose) proofs
--- request eval
[("GET /t") x 3]
--- more_headers eval
[map { main::headers(alg => $_) } qw(RS256 PS256 EdDSA)]
--- response_body eval
[("protected\n") x 3]
--- response_headers eval
[("X-Status: ALLOW") x 3]



=== TEST 3: a POST
--- request
POST /p
data
--- more_headers eval
main::headers(htm => 'POST', htu => 'http://localhost/p')
--- response_body
ok



=== TEST 4: their proof, replayed, and one for another URI
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::headers(name => 'replayed'), main::headers(name => 'replayed'),
 main::headers(htu => 'http://localhost/other')]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Reason: dpop proof replayed",
 "X-Reason: dpop htu mismatch"]



=== TEST 5: their client follows our DPoP-Nonce
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_dpop required nonce;
    }
    location = /result.txt {
        root html;
    }
--- init
my $port = Test::Nginx::Util::server_port();
my %h = map { split /: /, $_, 2 } split /\r\n/, main::headers();
my $r1 = http_get($port, '/t', \%h);
my $nonce = $r1->[1]{'dpop-nonce'} // '';
%h = map { split /: /, $_, 2 } split /\r\n/, main::headers(nonce => $nonce);
my $r2 = http_get($port, '/t', \%h);
open my $out, '>', Test::Nginx::Util::html_dir() . '/result.txt' or die;
print $out "without $r1->[0] $r1->[1]{'www-authenticate'}\n",
           "with $r2->[0] ", length($r2->[1]{'dpop-nonce'} // ''), "\n";
close $out;
--- request
GET /result.txt
--- response_body
without 401 DPoP error="use_dpop_nonce", algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"
with 200 32
