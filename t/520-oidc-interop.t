# OpenID Connect end to end with a real provider: panva's certified
# "oidc-provider", started on loopback by t/interop/oidc-e2e.mjs, which
# also drives the relying party ("openid-client") and a scripted browser.
# Users log in, the edge accepts the JWT access tokens the provider issued
# (RFC 9068, signed with keys the edge reads from a JWKS file), the user
# signs out at the provider, the provider POSTs its own back-channel logout
# token to the edge, and the edge then refuses the still-unexpired access
# token of that session.  "--- init" runs the script once nginx is up and
# calls the edge itself afterwards, writing everything to html/oidc.txt,
# which the block fetches and compares.
#
# Skipped when there is no node, or t/interop/node_modules lacks the
# packages ("make deps" installs them from t/interop/package-lock.json).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket;
use SGTest;
use SGDPoP ();
use File::Path qw(remove_tree);
use IO::Socket::INET;
use JSON::PP ();

our $INTEROP = "$SGTest::SG_ROOT/t/interop";

if (my $why = SGTest::interop_skip_reason(20, 'oidc-provider 9',
        qw(oidc-provider openid-client jose))) {
    plan(skip_all => $why);
}
plan('no_plan');

# the provider's keys, made by "jose", for this run only
our $DIR = "$SGTest::SG_ROOT/t/tmp/oidc-$$";
END { remove_tree($DIR) if $DIR && -d $DIR }
system('node', "$INTEROP/oidc-e2e.mjs", 'keygen', $DIR) == 0
    or die "oidc-e2e.mjs keygen failed: $?\n";
$ENV{TEST_NGINX_OIDC} = $DIR;

# the provider's port: its issuer URL is in the configuration, so it is
# chosen before nginx starts
sub free_port {
    for (1 .. 20) {
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                      LocalPort => 0, Listen => 1)
            or next;
        my $port = $s->sockport;
        close $s;
        return $port if $port != Test::Nginx::Util::server_port();
    }
    die "no free port for the provider\n";
}
$ENV{TEST_NGINX_OP_PORT} = free_port();

sub decision {
    my ($r) = @_;
    return "$r->{status} " . ($r->{decision} // '-');
}

# Runs the whole flow against this block's nginx; writes html/oidc.txt.
# $required: "yes" when the provider puts "sid" in its logout tokens
# (backchannel_logout_session_required), "no" for "sub" alone.
sub e2e {
    my ($required) = @_;
    my $port = Test::Nginx::Util::server_port();
    my $cmd = join ' ', 'node', "'$INTEROP/oidc-e2e.mjs'", 'run',
                        '--dir', "'$DIR'",
                        '--op-port', $ENV{TEST_NGINX_OP_PORT},
                        '--edge-port', $port,
                        '--session-required', $required;
    my $logs = Test::Nginx::Util::html_dir() . '/../logs';
    system("$cmd --out '$logs/oidc-e2e.json' >'$logs/oidc-e2e.log' 2>&1");
    if ($?) {
        open my $fh, '<', "$logs/oidc-e2e.log";
        Test::More::diag(join '', <$fh>) if $fh;
        die "oidc-e2e.mjs failed ($?)\n";
    }
    my $r = JSON::PP::decode_json(SGTest::read_file("$logs/oidc-e2e.json"));

    my $at = $r->{access_token};
    my @out = (
        sprintf('access token: %s %s aud %s, sid of the ID token: %s',
                $at->{typ}, $at->{alg}, $at->{aud},
                $at->{sid_is_id_token_sid} ? 'yes' : 'no'),
        'before: ' . join(', ', map { "$_ " . decision($r->{before}{$_}) }
                                    qw(A B C)),
    );
    for my $s (@{ $r->{sent} }) {
        push @out, "logout token to $s->{path}: typ $s->{typ}, alg $s->{alg}",
            "logout token claims: @{ $s->{claims} }",
            "logout token names: sub $s->{sub}, sid "
            . (!defined $s->{sid} ? 'none'
               : $s->{sid} eq ($r->{sids}{A} // '') ? 'of A' : 'other');
        push @out, "edge answered the provider: $s->{status}";
    }
    push @out, 'provider events: '
        . join(', ', map { $_->{ok} ? 'success' : "error $_->{error}" }
                         @{ $r->{events} });
    push @out, "provider sent the browser to: "
        . ($r->{logged_out_to} // 'nowhere');
    push @out, "replayed logout token: " . ($r->{replay} // 'not sent');

    # the edge again, from here, after the provider has gone
    my @after;
    for my $who (qw(A B C)) {
        my $res = SGDPoP::http_get($port, '/api',
            { Authorization => "Bearer $r->{tokens}{$who}",
              'User-Agent' => 'oidc-e2e' });
        push @after, "$who $res->[0] " . ($res->[1]{'x-status'} // '-');
    }
    push @out, 'after: ' . join(', ', @after);
    push @out, 'A\'s access token expires in more than a minute: '
        . ($at->{exp} - time > 60 ? 'yes' : 'no');

    open my $fh, '>', Test::Nginx::Util::html_dir() . '/oidc.txt' or die;
    print $fh map { "$_\n" } @out;
    close $fh;
}

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config',
                      "    session_guard_zone zone=sg:1m max_lifetime=1h;\n")
        unless defined $block->http_config;
    $block->set_value('user_files', ">>> api\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('request', "GET /oidc.txt\n")
        unless defined $block->request;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /api {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_OIDC/op.jwks;
        session_guard_issuer http://127.0.0.1:$TEST_NGINX_OP_PORT;
        session_guard_audience https://edge.test;
        session_guard_type at+jwt;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location = /bc-logout {
        session_guard_backchannel_logout zone=sg
            issuer=http://127.0.0.1:$TEST_NGINX_OP_PORT
            audience=edge-client jwks=$TEST_NGINX_OIDC/op.jwks
            typ=required;
    }
    location = /oidc.txt {
        root html;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: logout by sid: the provider's logout token ends that session only
--- init
main::e2e('yes');
--- response_body
access token: at+jwt PS256 aud https://edge.test, sid of the ID token: yes
before: A 200 ALLOW, B 200 ALLOW, C 200 ALLOW
logout token to /bc-logout: typ logout+jwt, alg ES256
logout token claims: aud events exp iat iss jti sid sub
logout token names: sub alice, sid of A
edge answered the provider: 200
provider events: success
provider sent the browser to: /cb/logged-out
replayed logout token: 400
after: A 401 REVOKED, B 200 ALLOW, C 200 ALLOW
A's access token expires in more than a minute: yes
--- error_log eval
[qr/session_guard: zone "sg": session "[^"]+" revoked by a back-channel logout/,
 'session_guard: back-channel logout refused: replayed jti']
--- no_error_log
[error]



=== TEST 2: logout by sub: every session of that user ends, others stay
--- init
main::e2e('no');
--- response_body
access token: at+jwt PS256 aud https://edge.test, sid of the ID token: yes
before: A 200 ALLOW, B 200 ALLOW, C 200 ALLOW
logout token to /bc-logout: typ logout+jwt, alg ES256
logout token claims: aud events exp iat iss jti sub
logout token names: sub alice, sid none
edge answered the provider: 200
provider events: success
provider sent the browser to: /cb/logged-out
replayed logout token: 400
after: A 401 REVOKED, B 401 REVOKED, C 200 ALLOW
A's access token expires in more than a minute: yes
--- error_log
session_guard: zone "sg": 2 session(s) of "alice" revoked by a back-channel logout
session_guard: back-channel logout refused: replayed jti
--- no_error_log
[error]
