# Several worker processes hammering the same few sessions at once: the
# same "sid" from many client processes, addresses and connections, one
# session revoked by a user-agent change and one through the API while
# the others keep using them, API reads interleaved.  Afterwards every
# record must be whole and as expected (subject, initial binding, last
# address one of those used, revocation source, times in order), every
# request must have been decided and counted exactly once (the zone's
# decision counters, summed over the workers, equal what the clients
# saw), no [alert] or [crit], and nginx still answers.
#
# The clients are forked from --- init; each writes what it saw to a
# pipe, the parent checks the records through the management API and
# writes a summary that the block fetches.  With reuseport the kernel
# spreads the connections over the workers.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use IO::Socket::INET;
use JSON::PP ();
use POSIX ();
use Time::HiRes ();

BEGIN { $ENV{TEST_NGINX_REUSE_PORT} = 1; }

master_on();
workers(2);
no_shuffle();

our $CLIENTS = 8;
our $ROUNDS = 30;

# one token per session, minted once: the same bytes from every client
our %TOK = map { $_ => sg_token(claims => { sid => $_,
                                             sub => /^b/ ? 'bob' : 'alice' }) }
           qw(k1 k2 r1 r2 b1);

# a plain HTTP/1.0 request: [status, headers, body]
sub http {
    my ($method, $path, %h) = @_;
    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => Test::Nginx::Util::server_port(),
        Timeout => 10) or return [599, {}, "connect: $!"];
    my $req = "$method $path HTTP/1.0\r\nHost: localhost\r\n";
    $req .= "$_: $h{$_}\r\n" for sort keys %h;
    print $sock "$req\r\n";
    local $/;
    my $res = <$sock> // '';
    close $sock;
    my ($head, $body) = split /\r\n\r\n/, $res, 2;
    my ($status) = ($head // '') =~ m{^HTTP/\S+ (\d+)};
    my %rh = map { lc($1) => $2 } ($head // '') =~ /^([^:\r\n]+):\s*(.*?)\r?$/mg;
    return [$status // 599, \%rh, $body // ''];
}

sub t_req {
    my ($sid, $ip, $ua) = @_;
    return http('GET', '/t', 'Authorization' => "Bearer $TOK{$sid}",
                'X-Forwarded-For' => $ip, 'User-Agent' => $ua);
}

sub api_show {
    my $res = http('GET', "/sg/sessions/$_[0]");
    return undef unless $res->[0] == 200;
    my $d = eval { JSON::PP->new->utf8->decode($res->[2]) };
    return ref $d eq 'HASH' ? $d : undef;
}

# a record as the API shows it, checked; "" if whole, else what is wrong
sub bad_record {
    my ($d, $sid, $t0, $t1) = @_;
    return "no record" unless $d;
    return "id $d->{id}" unless $d->{id} eq $sid;
    my $sub = $sid =~ /^b/ ? 'bob' : 'alice';
    return "subject " . ($d->{subject} // 'null')
        unless ($d->{subject} // '') eq $sub;
    return "initial ip " . ($d->{initial}{ip} // 'null')
        unless ($d->{initial}{ip} // '') eq '10.9.0.1';
    return "last ip " . ($d->{last}{ip} // 'null')
        unless ($d->{last}{ip} // '') =~ /^10\.(9\.0\.1|1\.\d+\.\d+)$/;
    for my $k (qw(created updated last_interacted)) {
        return "$k $d->{$k}"
            unless ($d->{$k} // 0) >= $t0 && $d->{$k} <= $t1;
    }
    return "times out of order"
        unless $d->{created} <= $d->{last_interacted}
               && $d->{created} <= $d->{updated};
    return "";
}

# session_guard_decisions_total by status
sub decisions {
    my $res = http('GET', '/metrics?format=prometheus');
    my %n;
    while ($res->[2] =~ /^session_guard_decisions_total\{zone="sg",mode="enforce",status="(\w+)"\} (\d+)$/mg) {
        $n{$1} += $2;
    }
    return \%n;
}

# the client processes: what each saw, as lines "sid status" and "api ok|bad"
sub hammer {
    my @kids;
    for my $c (1 .. $CLIENTS) {
        pipe(my $r, my $w) or die "pipe: $!";
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            close $r;
            my $out = '';
            my $revoked_r1 = 0;
            for my $i (1 .. $ROUNDS) {
                my $ip = "10.1.$c.$i";
                for my $sid (qw(k1 k2 r1 r2 b1)) {
                    # client 1 changes r1's user agent in round 10: that
                    # request, and every later one of this client, is
                    # refused
                    my $ua = ($sid eq 'r1' && $c == 1 && $i == 10)
                             ? 'Other/2' : 'Hammer/1';
                    my $res = t_req($sid, $ip, $ua);
                    $out .= "$sid $res->[0] " . ($res->[1]{'x-pid'} // '-')
                            . ($ua eq 'Other/2' ? ' ua' : '') . "\n";
                }
                if ($c == 2 && $i == 10) {
                    my $res = http('DELETE', '/sg/sessions/r2?reason=hammer');
                    $out .= "delete $res->[0]\n";
                }
                my $d = api_show($i % 2 ? 'k1' : 'b1');
                $out .= "api " . ($d && $d->{id} ? 'ok' : 'bad') . "\n";
            }
            print $w $out;
            close $w;
            POSIX::_exit(0);
        }
        close $w;
        push @kids, [$pid, $r];
    }

    my @lines;
    for my $k (@kids) {
        my $fh = $k->[1];
        push @lines, [split /\n/, do { local $/; <$fh> // '' }];
        waitpid $k->[0], 0;
    }
    return @lines;
}

sub run_hammer {
    my $t0 = time;
    my $before = decisions();
    my ($sent, $allowed) = (0, 0);

    # each session created from one address and user agent, in order
    for my $sid (qw(k1 k2 r1 r2 b1)) {
        my $res = t_req($sid, '10.9.0.1', 'Hammer/1');
        return "setup: $sid got $res->[0]\n" unless $res->[0] == 200;
        $sent++;
        $allowed++;
    }

    my @per_client = hammer();
    my (%ok, %n, %pids, @errors);
    my ($api_ok, $api_bad, $deleted) = (0, 0, '');

    for my $c (0 .. $#per_client) {
        my $after_ua;
        for (@{ $per_client[$c] }) {
            if (/^api (\w+)/) {
                $1 eq 'ok' ? $api_ok++ : $api_bad++;
                next;
            }
            if (/^delete (\d+)/) {
                $deleted = $1;
                next;
            }
            my ($sid, $status, $pid, $ua) = split ' ';
            $pids{$pid} = 1 if $pid ne '-';
            $sent++;
            $n{$sid}++;
            $ok{$sid}++ if $status == 200;
            $allowed++ if $status == 200;
            push @errors, "$sid: status $status"
                unless $status == 200 || $status == 401;
            $after_ua = 1 if $ua;
            push @errors, "r1 allowed after its user agent changed"
                if $after_ua && $sid eq 'r1' && $status == 200;
        }
    }

    my $t1 = time;
    my $out = "sent $sent, answered by " . (keys %pids) . " workers\n";
    $out .= join '', map {
        sprintf "%s: %s of %d allowed\n", $_,
            ($_ =~ /^r/ ? (($ok{$_} // 0) < $n{$_} ? 'some' : 'all')
                        : ($ok{$_} // 0) == $n{$_} ? 'all'
                                                   : ($ok{$_} // 0)),
            $n{$_}
    } sort keys %n;
    $out .= "api reads: $api_ok ok, $api_bad bad; delete $deleted\n";
    $out .= "error: $_\n" for @errors;

    for my $sid (qw(k1 k2 r1 r2 b1)) {
        my $d = api_show($sid);
        my $bad = bad_record($d, $sid, $t0, $t1);
        my $rv = !$d ? '?' : !$d->{revoked} ? 'no'
                 : $d->{revocation}{source}
                   . (defined $d->{revocation}{reason}
                      ? "/$d->{revocation}{reason}" : '');
        $out .= "$sid: " . ($bad eq '' ? 'whole' : "CORRUPT ($bad)")
                . ", revoked $rv\n";
    }

    for my $sub (qw(alice bob)) {
        my $res = http('GET', "/sg/subjects/$sub/sessions");
        my $d = eval { JSON::PP->new->utf8->decode($res->[2]) } || {};
        my @ids = sort map { $_->{id} } @{ $d->{sessions} || [] };
        $out .= "$sub: count " . ($d->{count} // '?') . " (@ids)\n";
    }

    # every request decided once, whichever worker: the counters moved by
    # exactly what the clients saw
    my $after = decisions();
    my %delta = map { $_ => ($after->{$_} // 0) - ($before->{$_} // 0) }
                keys %$after;
    my $total = 0;
    $total += $_ for values %delta;
    $out .= ($total == $sent && ($delta{allow} // 0) == $allowed)
            ? "decisions counted: as the clients saw them\n"
            : "decisions counted: $total, allowed " . ($delta{allow} // 0)
              . " (clients: $sent sent, $allowed allowed)\n";

    return $out;
}


add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n");
    $block->set_value('http_config', <<'_EOC_');
    session_guard_zone zone=sg:1m;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    $block->set_value('config', <<'_EOC_');
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=revoke;
        add_header X-Pid $pid always;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
    location = /metrics {
        session_guard_metrics zone=sg;
    }
    location = /result.txt {
        root html;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: 8 clients, 5 sessions, 2 workers: records whole, each request counted once
--- timeout: 120
--- init
my $out = main::run_hammer();
open my $fh, '>', Test::Nginx::Util::html_dir() . '/result.txt' or die;
print $fh $out;
close $fh;
--- request eval
["GET /result.txt", "GET /t", "GET /t"]
--- more_headers eval
["", "Authorization: Bearer $main::TOK{k1}\r\nX-Forwarded-For: 10.1.1.1\r\nUser-Agent: Hammer/1",
 "Authorization: Bearer $main::TOK{r1}\r\nX-Forwarded-For: 10.1.1.1\r\nUser-Agent: Hammer/1"]
--- error_code eval
[200, 200, 401]
--- response_body_like eval
[qr{^\Qsent 1205, answered by 2 workers
b1: all of 240 allowed
k1: all of 240 allowed
k2: all of 240 allowed
r1: some of 240 allowed
r2: some of 240 allowed
api reads: 240 ok, 0 bad; delete 204
k1: whole, revoked no
k2: whole, revoked no
r1: whole, revoked policy/ua
r2: whole, revoked api
b1: whole, revoked no
alice: count 4 (k1 k2 r1 r2)
bob: count 1 (b1)
decisions counted: as the clients saw them
\E\z}, qr/^protected\n\z/, qr/401 Authorization Required/]
--- no_error_log
[alert]
[crit]
[emerg]
