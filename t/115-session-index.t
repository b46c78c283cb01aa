# The zone's session index (issue 21.3): records found by id through a
# keyed hash index, in a zone small enough that many of them share a
# bucket.  Every session must be found again after the others were
# created, revoked or freed around it; a revocation must be met by its
# id after a restart (the state file loaded into the index).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();

our $state = "$ENV{TEST_NGINX_STATE_DIR}/115-index-$$.state";
unlink $state;
END { unlink $state if defined $state }

our $N = 120;

sub app {
    my ($cookie, $ip, $ua) = @_;
    return "Cookie: SID=$cookie\r\nX-Forwarded-For: $ip\r\n"
           . "User-Agent: " . ($ua || 'agent-a');
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<_EOC_);
    session_guard_zone zone=sg:64k state=$::state unauthenticated=100%;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    $block->set_value('config', <<'_EOC_');
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_SID;
        session_guard_bind ua;
        session_guard_on_change ua=revoke;
        add_header X-Status $session_guard_status always;
        add_header X-Initial $session_guard_session_initial_ip always;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: many sessions sharing 256 buckets: each is found again (its
first address kept), the odd ones revoked by a user-agent change stay so
--- request eval
[("GET /t") x ($::N * 3)]
--- more_headers eval
[(map { main::app("s$_", "10.0." . int($_ / 200) . "." . ($_ % 200 + 1)) }
      1 .. $::N),
 (map { main::app("s$_", "192.0.2.1", $_ % 2 ? 'agent-b' : 'agent-a') }
      1 .. $::N),
 (map { main::app("s$_", "192.0.2.2") } 1 .. $::N)]
--- error_code eval
[(200) x $::N,
 (map { $_ % 2 ? 401 : 200 } 1 .. $::N),
 (map { $_ % 2 ? 401 : 200 } 1 .. $::N)]
--- response_headers eval
[(map { "X-Status: ALLOW\nX-Initial: 10.0." . int($_ / 200) . "."
        . ($_ % 200 + 1) } 1 .. $::N),
 (map { $_ % 2 ? "X-Status: REVOKED"
               : "X-Status: ALLOW\nX-Initial: 10.0." . int($_ / 200) . "."
                 . ($_ % 200 + 1) } 1 .. $::N),
 (map { $_ % 2 ? "X-Status: REVOKED"
               : "X-Status: ALLOW\nX-Initial: 10.0." . int($_ / 200) . "."
                 . ($_ % 200 + 1) } 1 .. $::N)]



=== TEST 2: after a restart (the state file loaded into a new index),
every session is found again: the revoked ones refused, the others with
their first address
--- request eval
[("GET /t") x $::N]
--- more_headers eval
[map { main::app("s$_", "192.0.2.3") } 1 .. $::N]
--- error_code eval
[map { $_ % 2 ? 401 : 200 } 1 .. $::N]
--- response_headers eval
[map { $_ % 2 ? "X-Status: REVOKED"
              : "X-Status: ALLOW\nX-Initial: 10.0." . int($_ / 200) . "."
                . ($_ % 200 + 1) } 1 .. $::N]
