package SGRisk;

# A small risk service for the tests of session_guard_risk_service: an
# HTTP/1.0 server on a free loopback port, run by a child of the test
# process (one grandchild per connection, so a slow answer holds up no
# other).  What the edge sent is for nginx to log (log_subrequest).
#
# What it answers is chosen by the request's user agent, as the edge
# sends it in "context": a word "risk=WHAT" in it, else "allow".
#
#   allow, log, deny, step_up, revoke, shorten, non_persistent
#                   {"action": WHAT} with a score and reasons (revoke: 90,
#                   ["stolen session", "tor exit"]; others 10, [WHAT])
#   score=N         {"action": "allow", "score": N}
#   slow            sleeps 4 s, then answers "revoke"
#   late            sleeps 0.6 s, then answers "deny" (score 10, ["late"])
#   500             status 500
#   204             status 204, no body
#   garbage         "this is not json"
#   big             a valid answer padded to 20,000 bytes
#   kill            {"action": "kill"}
#   crlf            reasons with a CR LF and a forged header in them
#
#   my $port = SGRisk::start();      (the server is killed at exit)

use strict;
use warnings;

use IO::Socket::INET;
use JSON::PP ();
use POSIX ();

my @CHILDREN;

sub start {

    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                    LocalPort => 0, Listen => 64,
                                    ReuseAddr => 1, Proto => 'tcp')
        or die "risk service: $!";
    my $port = $srv->sockport;

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        $SIG{CHLD} = 'IGNORE';
        $SIG{TERM} = sub { POSIX::_exit(0) };
        serve($srv);
        POSIX::_exit(0);
    }

    close $srv;
    push @CHILDREN, $pid;

    return $port;
}

END {
    for my $pid (@CHILDREN) {
        kill 'TERM', $pid;
        waitpid $pid, 0;
    }
}

sub serve {
    my ($srv) = @_;

    while (1) {
        my $c = $srv->accept or next;
        my $pid = fork;

        if (!defined $pid || $pid) {
            close $c;
            next;
        }

        $SIG{TERM} = 'DEFAULT';
        close $srv;
        answer($c);
        close $c;
        POSIX::_exit(0);
    }
}

sub answer {
    my ($c) = @_;

    local $/ = "\r\n";
    my $line = <$c> // return;
    my $len = 0;

    while (my $h = <$c>) {
        last if $h eq "\r\n";
        $len = $1 if $h =~ /^Content-Length:\s*(\d+)/i;
    }

    my $body = '';
    read($c, $body, $len) if $len;

    my $req = eval { JSON::PP->new->decode($body) } // {};
    my $ua = $req->{context}{user_agent} // '';
    my ($what) = $ua =~ /risk=(\S+)/;
    $what //= 'allow';

    my ($status, $out) = (200, undef);

    if ($what =~ /^(allow|log|deny|step_up|revoke|shorten|non_persistent)$/) {
        $out = $what eq 'revoke'
             ? { action => 'revoke', score => 90,
                 reasons => ['stolen session', 'tor exit'] }
             : { action => $what, score => ($what eq 'allow' ? 0 : 10),
                 reasons => [$what] };

    } elsif ($what =~ /^score=(\d+)$/) {
        $out = { action => 'allow', score => $1 + 0 };

    } elsif ($what eq 'slow') {
        sleep 4;
        $out = { action => 'revoke' };

    } elsif ($what eq 'late') {
        select(undef, undef, undef, 0.6);
        $out = { action => 'deny', score => 10, reasons => ['late'] };

    } elsif ($what eq '500') {
        ($status, $out) = (500, 'oops');

    } elsif ($what eq '204') {
        ($status, $out) = (204, '');

    } elsif ($what eq 'garbage') {
        $out = 'this is not json';

    } elsif ($what eq 'big') {
        $out = { action => 'allow', pad => 'x' x 20000 };

    } elsif ($what eq 'kill') {
        $out = { action => 'kill' };

    } elsif ($what eq 'crlf') {
        $out = { action => 'log',
                 reasons => ["a\r\nX-Injected: 1", 'b"c'] };
    }

    $out = JSON::PP->new->canonical(1)->encode($out) if ref $out;

    my $text = $status == 200 ? 'OK' : $status == 204 ? 'No Content'
                                                      : 'Error';
    print $c "HTTP/1.0 $status $text\r\n"
           . "Content-Type: application/json\r\n"
           . "Content-Length: " . length($out) . "\r\n"
           . "Connection: close\r\n\r\n$out";
}

1;
