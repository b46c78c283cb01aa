package Test::Nginx::TcpServer;

# Embedded one-shot TCP server for the local Test::Nginx replacement
# (sections --- tcp_listen, tcp_reply, tcp_reply_delay, tcp_query,
# tcp_query_len, tcp_shutdown, tcp_shutdown_delay, tcp_no_close), used e.g.
# as a fake upstream for proxy_pass.  Like upstream, the server runs in a
# forked child, accepts one connection, reads the query, sends the reply and
# exits; it is (re)started for every repetition of a block.  Only TCP port
# numbers are supported as the listening target (no unix sockets).

use strict;
use warnings;

use IO::Socket::INET ();
use POSIX ();
use Time::HiRes qw(sleep);
use Test::More ();

our ($Pid, $Socket, $QueryFile);

sub start {
    my $block = shift;
    my $target = $block->tcp_listen;
    return unless defined $target;
    my $name = $block->name;

    my $reply = $block->tcp_reply;
    Test::Nginx::Util::bail_out("$name - no --- tcp_reply specified but "
                                . "--- tcp_listen is")
        if !defined $reply && !defined $block->tcp_shutdown;
    $target =~ /^\d+$/
        or Test::Nginx::Util::bail_out("$name - only TCP port numbers are "
                                       . "supported in --- tcp_listen");

    my $req_len = $block->tcp_query_len;
    $req_len //= length $block->tcp_query if defined $block->tcp_query;
    $QueryFile = defined $req_len
        ? "$Test::Nginx::Util::LogDir/tcp_query.$$" : undef;
    unlink $QueryFile if $QueryFile;

    my $sock;
    for (1 .. 30) {
        $sock = IO::Socket::INET->new(
            LocalHost => '127.0.0.1', LocalPort => $target, Proto => 'tcp',
            ReuseAddr => 1, Listen => 5,
        ) and last;
        sleep 0.1;
    }
    $sock or Test::Nginx::Util::bail_out("$name - failed to listen on TCP "
                                         . "port $target: $!");
    $Socket = $sock;

    my $pid = fork;
    Test::Nginx::Util::bail_out("$name - fork() failed: $!")
        unless defined $pid;
    if ($pid) {
        $Pid = $pid;
        return;
    }

    # child: serve exactly one connection, then exit without running END
    # blocks (they belong to the test process)
    $Test::Nginx::Util::InSubprocess = 1;
    my $client = $sock->accept or POSIX::_exit(1);
    my ($no_read, $no_write);
    if (defined(my $how = $block->tcp_shutdown)) {
        if (my $delay = $block->tcp_shutdown_delay) {
            sleep Test::Nginx::Util::parse_time($delay);
        }
        $client->shutdown($how);
        if ($how == 0 || $how == 2) {
            $no_read = 1;
        } else {
            $no_write = 1;
        }
    }
    my $buf = '';
    unless ($no_read) {
        while (1) {
            my $n = sysread $client, my $chunk, 4096;
            last unless $n;
            $buf .= $chunk;
            # flush the query to the file as soon as possible
            if ($QueryFile && open my $out, '>', $QueryFile) {
                binmode $out;
                print $out $buf;
                close $out;
            }
            last if !$req_len || length($buf) >= $req_len;
        }
    }
    if (my $delay = Test::Nginx::Util::parse_time($block->tcp_reply_delay)) {
        sleep $delay;
    }
    if (!$no_write && defined $reply) {
        $reply = $reply->($buf) if ref $reply eq 'CODE';
        for my $r (ref $reply eq 'ARRAY' ? @$reply : ($reply)) {
            syswrite $client, $r;
        }
    }
    sleep 3600 if defined $block->tcp_no_close;
    close $client;
    POSIX::_exit(0);
}

# Kills the server child (if still running) and closes the listen socket.
sub stop {
    if ($Pid) {
        kill 'KILL', $Pid;
        waitpid $Pid, 0;
        undef $Pid;
    }
    if ($Socket) {
        close $Socket;
        undef $Socket;
    }
}

# End of one repetition: stop the server and run the tcp_query checks.
sub finish {
    my $block = shift;
    return unless defined $block->tcp_listen;
    my $name = $block->name;

    # give the one-shot server a moment to finish on its own
    if ($Pid && defined Test::Nginx::Process::wait_child($Pid, 0.2)) {
        undef $Pid;    # already reaped
    }
    stop();

    my $buf = '';
    if ($QueryFile && open my $in, '<', $QueryFile) {
        binmode $in;
        $buf = do { local $/; <$in> };
        close $in;
        unlink $QueryFile;
    }
    if (defined $block->tcp_query) {
        Test::Nginx::Util::is_str($buf, $block->tcp_query,
                                  "$name - tcp_query ok");
    }
    if (defined $block->tcp_query_len) {
        Test::More::is(length($buf), $block->tcp_query_len,
                       "$name - TCP query length ok");
    }
}

1;
