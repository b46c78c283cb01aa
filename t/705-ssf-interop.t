# Shared Signals with an independent implementation: Security Event Tokens
# signed by panva's "jose" (t/interop/ssf-set.mjs), pushed to
# session_guard_ssf_receiver (RFC 8935), end the sessions they name.
#
# Skipped when there is no node, or t/interop/node_modules lacks "jose"
# ("make deps" installs it from t/interop/package-lock.json).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket;
use SGTest;
use JSON::PP ();

our $INTEROP = "$SGTest::SG_ROOT/t/interop";

if (my $why = SGTest::interop_skip_reason(0, 'it', qw(jose))) {
    plan(skip_all => $why);
}
plan('no_plan');

our $CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
our $SECRET = 'ssf-interop-secret-0123456789';
my $seq = 0;

# a SET from jose: the payload given, over defaults
sub jose_set {
    my (%c) = @_;
    my %claims = (
        iss => 'https://tx.test/', aud => 'https://edge.test/',
        iat => time, jti => "jose-$$-" . ++$seq, %c);
    my $json = JSON::PP->new->canonical->encode(\%claims);
    $json =~ s/'/'\\''/g;
    my $out = `node '$INTEROP/ssf-set.mjs' --key '$SGTest::SG_KEYS/ec256.key' --kid ec256 --claims '$json'`;
    die "ssf-set.mjs failed: $?\n" if $? || !$out;
    return $out;
}

sub at {
    my ($sid, $sub) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $sub || 'alice' });
    return "Authorization: Bearer $tok";
}

our $H = "Content-Type: application/secevent+jwt\n"
       . "Authorization: Bearer $SECRET";

no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> ssf.secret\n$main::SECRET\n");
    $block->set_value('http_config', <<'_EOC_');
    session_guard_zone zone=sg:1m max_lifetime=1h;
_EOC_
    $block->set_value('config', <<'_EOC_');
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
    }
    location /ssf {
        session_guard_ssf_receiver zone=sg issuer=https://tx.test/
            audience=https://edge.test/ jwks=$TEST_NGINX_KEYS/all.jwks
            auth=../html/ssf.secret;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: jose's session-revoked (complex subject) ends that session only
--- request eval
["GET /t", "GET /t",
 "POST /ssf\n" . main::jose_set(
     sub_id => { format => 'complex',
                 session => { format => 'opaque', id => 's1' },
                 user => { format => 'iss_sub', iss => 'https://idp.test/',
                           sub => 'alice' } },
     events => { $main::CAEP . 'session-revoked' =>
                 { event_timestamp => time, initiating_entity => 'admin' } }),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1'), main::at('s2'), $main::H, main::at('s1'), main::at('s2')]
--- error_code eval
[200, 200, 202, 401, 200]
--- no_error_log
[error]



=== TEST 2: jose's credential-change (email subject) ends every session of the user
--- request eval
["GET /t", "GET /t",
 "POST /ssf\n" . main::jose_set(
     sub_id => { format => 'email', email => 'bob@example.com' },
     events => { $main::CAEP . 'credential-change' =>
                 { credential_type => 'password', change_type => 'update' } }),
 "GET /t", "GET /t"]
--- more_headers eval
[main::at('s1', 'bob@example.com'), main::at('s2', 'bob@example.com'),
 $main::H, main::at('s1', 'bob@example.com'),
 main::at('s2', 'bob@example.com')]
--- error_code eval
[200, 200, 202, 401, 401]
--- no_error_log
[error]



=== TEST 3: jose's SET with exp (forbidden by SSF) is refused
--- request eval
"POST /ssf\n" . main::jose_set(exp => time + 300,
    sub_id => { format => 'opaque', id => 'x' },
    events => { $main::CAEP . 'session-revoked' => {} })
--- more_headers eval: $main::H
--- error_code: 400
--- response_body: {"err":"invalid_request","description":"exp present"}
