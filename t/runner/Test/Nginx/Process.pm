package Test::Nginx::Process;

# nginx process control for the local Test::Nginx replacement.
#
# nginx always runs with "daemon off" as a direct child of the test script
# (fork + setpgid + exec), so it can never become an orphan that has to be
# reaped by PID 1.  As a second line of defence the test script makes itself
# a "child subreaper" (prctl PR_SET_CHILD_SUBREAPER), so worker processes
# whose master got SIGKILLed are re-parented to us and reaped here too.
#
# Startup is detected by polling (every few ms) the kernel's socket table
# (netlink sock_diag, or /proc/net/tcp{,6}) for a LISTEN socket on the server
# port -- no probe connections are made, so the error/access logs stay
# clean.  Shutdown is SIGQUIT (graceful), then SIGKILL to the whole process
# group after a timeout.
#
# HUP mode (use_hup / TEST_NGINX_USE_HUP): reload_nginx() sends SIGHUP to the
# running master and waits until the reload has taken effect, by watching
# the master's child processes (/proc): new workers present and all of the
# old ones gone.

use strict;
use warnings;

use Config ();
use POSIX qw(:sys_wait_h SIGQUIT SIGKILL SIGTERM SIGHUP);
use Time::HiRes qw(sleep time);
use IO::Socket::INET ();
use List::Util ();
use Socket ();

our $NginxPid;           # pid (== process group id) of the running nginx
our $NginxExitStatus;    # wait status, if it exited before we stopped it
our $BlockErrLogPos = 0; # error.log offset at the start of the current block
our $BlockAccLogPos = 0; # access.log offset at the start of the current block
my $Initialized;

# prctl(PR_SET_CHILD_SUBREAPER, 1); syscall numbers per architecture.
my %PRCTL_SYSCALL = (
    'x86_64'  => 157,
    'aarch64' => 167,
    'i386'    => 172,
    'i686'    => 172,
);

sub init {
    return if $Initialized++;
    my ($arch) = $Config::Config{archname} =~ /^([^-]+)/;
    if (my $nr = $PRCTL_SYSCALL{$arch // ''}) {
        # PR_SET_CHILD_SUBREAPER == 36; failure is harmless
        syscall($nr, 36, 1, 0, 0, 0);
    }
}

sub nginx_pid { $NginxPid }

# Is the nginx we started still running?  Reaps it (keeping its wait
# status for stop_nginx) if it has exited.
sub nginx_alive {
    return 0 unless $NginxPid;
    return 0 if defined $NginxExitStatus;
    if (waitpid($NginxPid, WNOHANG) == $NginxPid) {
        $NginxExitStatus = $?;
        return 0;
    }
    return 1;
}

# ---------------------------------------------------------------------------
# Port probing
# ---------------------------------------------------------------------------

# Is something LISTENing on the given TCP port (any local address)?
sub port_listening {
    my $port = shift;
    my $res = netlink_port_listening($port);
    return $res if defined $res;
    return proc_port_listening($port);
}

# Asks the kernel via NETLINK_SOCK_DIAG for the listening TCP sockets (this
# is what "ss -ltn" does).  Takes ~0.1 ms, versus ~5 ms for reading
# /proc/net/tcp.  Returns undef if netlink is unavailable.
my $NetlinkBroken;
sub netlink_port_listening {
    my $port = shift;
    return undef if $NetlinkBroken;
    my $ok = eval {
        # AF_NETLINK = 16, NETLINK_SOCK_DIAG = 4
        socket(my $sock, 16, Socket::SOCK_DGRAM(), 4) or die "socket: $!";
        my $dest = pack('S S L L', 16, 0, 0, 0);    # struct sockaddr_nl
        for my $family (2, 10) {                     # AF_INET, AF_INET6
            # struct inet_diag_req_v2: family, IPPROTO_TCP, ext, pad,
            # states (1 << TCP_LISTEN), zeroed struct inet_diag_sockid
            my $req = pack('C C C C L', $family, 6, 0, 0, 1 << 10)
                      . ("\0" x 48);
            # struct nlmsghdr: len, SOCK_DIAG_BY_FAMILY,
            # NLM_F_REQUEST | NLM_F_DUMP, seq, pid
            my $msg = pack('L S S L L', 16 + length $req, 20, 0x301, 1, 0)
                      . $req;
            send($sock, $msg, 0, $dest) or die "send: $!";
            while (1) {
                defined recv($sock, my $buf, 65536, 0) or die "recv: $!";
                my $off = 0;
                my $done;
                while ($off + 16 <= length $buf) {
                    my ($len, $type) = unpack('L S', substr($buf, $off, 6));
                    if ($type == 3) {                # NLMSG_DONE
                        $done = 1;
                        last;
                    }
                    die "netlink error\n" if $type == 2;   # NLMSG_ERROR
                    # struct inet_diag_msg: 4 bytes, then id.sport (be16)
                    return 1 if unpack('n', substr($buf, $off + 20, 2))
                                == $port;
                    last if $len < 16;
                    $off += ($len + 3) & ~3;
                }
                last if $done;
            }
        }
        0;
    };
    return $ok if defined $ok;
    $NetlinkBroken = 1;
    warn "netlink sock_diag unavailable ($@), using /proc/net/tcp\n"
        if $Test::Nginx::Util::Verbose;
    return undef;
}

sub proc_port_listening {
    my $port = shift;
    my $hex = sprintf '%04X', $port;
    my $have_proc;
    for my $file ('/proc/net/tcp', '/proc/net/tcp6') {
        open my $in, '<', $file or next;
        $have_proc = 1;
        while (<$in>) {
            # "  sl  local_address rem_address   st ..."
            return 1 if /^\s*\d+:\s+[0-9A-F]+:$hex\s+[0-9A-F]+:[0-9A-F]+\s+0A\s/;
        }
    }
    return 0 if $have_proc;

    # No /proc: fall back to a probe connection.
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Proto => 'tcp',
                                     Timeout => 0.1);
    return $sock ? 1 : 0;
}

# ---------------------------------------------------------------------------
# Child process helpers
# ---------------------------------------------------------------------------

# Wait up to $timeout seconds for $pid to exit; returns its wait status or
# undef if it is still running.
sub wait_child {
    my ($pid, $timeout) = @_;
    my $deadline = time + $timeout;
    my $step = 0.001;
    while (1) {
        my $r = waitpid($pid, WNOHANG);
        return $? if $r == $pid;
        return 0 if $r == -1;    # not our child (any more)
        last if time >= $deadline;
        sleep $step;
        $step *= 2 if $step < 0.02;
    }
    return undef;
}

# Reap processes of the nginx process group that were re-parented to us.
sub reap_group {
    my $pgid = shift;
    if (kill 0, -$pgid) {
        kill SIGKILL, -$pgid;
        my $deadline = time + 1;
        while (time < $deadline) {
            my $r = waitpid(-$pgid, WNOHANG);
            last if $r == -1;
            sleep 0.002 if $r == 0;
        }
    }
}

sub decode_status {
    my $status = shift;
    my %res = (status => $status);
    if ($status & 127) {
        $res{signal} = $status & 127;
        $res{core} = $status & 128;
        $res{reason} = "killed by signal $res{signal}"
                       . ($res{core} ? ' (core dumped)' : '');
    } else {
        $res{exit_code} = $status >> 8;
        $res{reason} = "exit code $res{exit_code}";
    }
    return \%res;
}

# ---------------------------------------------------------------------------
# Start / stop
# ---------------------------------------------------------------------------

sub nginx_command {
    my @cmd = ($Test::Nginx::Util::NginxBinary,
               '-p', "$Test::Nginx::Util::ServRoot/",
               '-c', $Test::Nginx::Util::ConfFile);

    # nginx >= 1.19.5: "-e" makes even the startup (pre-config) messages go
    # to our error.log instead of the compiled-in path (e.g. stderr or
    # /var/log/nginx/error.log).
    if (($Test::Nginx::Util::NginxVersion // 0) >= 1.019005) {
        push @cmd, '-e', $Test::Nginx::Util::ErrLogFile;
    }

    if (my $vg = $Test::Nginx::Util::UseValgrind) {
        my @opts;
        if ($vg =~ /^\d+$/) {
            @opts = qw(--num-callers=100 -q --tool=memcheck --leak-check=full
                       --show-possibly-lost=no --gen-suppressions=all);
            push @opts, '--suppressions=valgrind.suppress'
                if -f 'valgrind.suppress';
        } else {
            @opts = ('-q', split ' ', $vg);
        }
        unshift @cmd, 'valgrind', @opts;
    }
    return @cmd;
}

# The pid file holds a whole line: nginx has written it.
sub pid_file_written {
    open my $in, '<', $Test::Nginx::Util::PidFile or return 0;
    my $line = <$in>;
    close $in;
    return defined $line && $line =~ /^\d+\n\z/;
}

# Kill a stale nginx left over from an earlier run (e.g. with
# TEST_NGINX_NO_CLEAN) if its pid file is still around and it holds our
# port.  Must run before the server root gets wiped.
sub kill_stale_nginx {
    my $port = $Test::Nginx::Util::ServerPort;
    return if $NginxPid || !port_listening($port);
    open my $in, '<', $Test::Nginx::Util::PidFile or return;
    my $pid = <$in>;
    close $in;
    return unless $pid && $pid =~ /^(\d+)/ && kill 0, $1;
    $pid = $1;
    # make sure the pid has not been recycled by an unrelated process
    if (open my $cmd, '<', "/proc/$pid/cmdline") {
        my $cmdline = <$cmd> // '';
        close $cmd;
        return unless $cmdline =~ /nginx/;
    }
    warn "killing stale nginx process $pid (from an earlier run)\n";
    kill SIGQUIT, $pid;
    my $deadline = time + 2;
    sleep 0.01 while port_listening($port) && time < $deadline;
    kill SIGKILL, $pid if kill 0, $pid;
}

# Wait (briefly) until nobody listens on $port any more.
sub free_port {
    my ($name, $port) = @_;
    my $deadline = time + 1;
    while (port_listening($port)) {
        return 0 if time > $deadline;
        sleep 0.01;
    }
    return 1;
}

# Starts nginx and waits until it listens on the server port or exits.
# Returns a hash: { running => 1 } or { exited => 1, status, exit_code,
# signal, core, reason } or { exec_failed => 1 } / { timeout => 1 }.
sub start_nginx {
    my ($name, $expect_death) = @_;
    my $port = $Test::Nginx::Util::ServerPort;

    stop_nginx($name, 1) if $NginxPid;
    undef $NginxExitStatus;

    if (!free_port($name, $port)) {
        Test::Nginx::Util::bail_out("$name - TCP port $port is already in "
                                    . "use by another process");
    }

    my @cmd = nginx_command();
    warn "$name - starting: @cmd\n" if $Test::Nginx::Util::Verbose;

    my $stderr = $Test::Nginx::Util::StderrFile;
    my $pid = fork;
    Test::Nginx::Util::bail_out("$name - fork() failed: $!")
        unless defined $pid;

    if ($pid == 0) {
        # child
        $Test::Nginx::Util::InSubprocess = 1;
        POSIX::setpgid(0, 0);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $stderr;
        # valgrind reports belong on the console, like upstream
        open STDERR, '>&', \*STDOUT unless $Test::Nginx::Util::UseValgrind;
        { no warnings 'exec'; exec { $cmd[0] } @cmd; }
        print STDERR "exec $cmd[0] failed: $!\n";
        POSIX::_exit(127);
    }

    POSIX::setpgid($pid, $pid);    # avoid racing with the child
    $NginxPid = $pid;

    my $start_timeout = $Test::Nginx::Util::UseValgrind ? 60 : 10;
    my $deadline = time + $start_timeout;
    my $step = 0.002;
    while (1) {
        my $r = waitpid($pid, WNOHANG);
        if ($r == $pid) {
            my $res = decode_status($?);
            undef $NginxPid;
            reap_group($pid);
            return { exec_failed => 1, %$res }
                if ($res->{exit_code} // 0) == 127;
            return { exited => 1, %$res };
        }
        # A process that is expected to die gets a short grace period even
        # if it is already listening (it might die in worker init).
        # Ready once it listens and its pid file is written: nginx opens
        # the sockets before it writes the file, and a block's --- init may
        # read the file (upstream waits for it too).
        return { running => 1 }
            if !$expect_death && port_listening($port) && pid_file_written();
        if ($expect_death && port_listening($port)) {
            my $status = wait_child($pid, 0.3);
            if (defined $status) {
                undef $NginxPid;
                reap_group($pid);
                return { exited => 1, %{ decode_status($status) } };
            }
            return { running => 1 };
        }
        if (time > $deadline) {
            stop_nginx($name, 1);
            return { timeout => 1,
                     reason => "not listening on port $port after "
                               . "${start_timeout}s" };
        }
        sleep $step;
        $step = 0.01 if ($step *= 1.5) > 0.01;
    }
}

# Stops nginx: SIGQUIT, wait up to $timeout seconds, then SIGKILL the whole
# process group.  Returns undef if nothing was running, otherwise a hash
# with the decoded wait status and "died_early" if nginx had already exited
# (i.e. crashed or quit on its own) before we asked it to.
sub stop_nginx {
    my ($name, $timeout) = @_;
    my $pid = $NginxPid or return undef;
    undef $NginxPid;

    my $status = defined $NginxExitStatus ? $NginxExitStatus
                                          : wait_child($pid, 0);
    undef $NginxExitStatus;
    my $died_early = defined $status;
    if (!$died_early) {
        kill SIGQUIT, $pid;
        # under valgrind the exit (leak check of every process) takes long
        $timeout = 60 if $Test::Nginx::Util::UseValgrind;
        $status = wait_child($pid, $timeout || 3);
        if (!defined $status) {
            warn "$name - timeout when waiting for nginx $pid to exit; "
                 . "killing it\n";
            kill SIGKILL, -$pid;
            kill SIGKILL, $pid;
            waitpid($pid, 0);
            $status = $?;
        }
    }
    reap_group($pid);

    my $res = decode_status($status);
    $res->{died_early} = 1 if $died_early;
    # a clean exit after our SIGQUIT is the normal case
    return $res;
}

# ---------------------------------------------------------------------------
# HUP mode: reloading the running nginx
# ---------------------------------------------------------------------------

# The child processes of $ppid, as a hash "pid:starttime" => pid (the start
# time tells a new process from an old one that reused the pid).  Zombies
# count as children until the master has reaped them.  Returns undef if
# /proc is not available.
sub child_procs {
    my $ppid = shift;
    my @pids;
    if (open my $in, '<', "/proc/$ppid/task/$ppid/children") {
        # needs CONFIG_PROC_CHILDREN; the nginx master is single-threaded
        @pids = split ' ', do { local $/; <$in> } // '';
        close $in;
    } else {
        opendir my $dh, '/proc' or return undef;
        for my $pid (grep { /^\d+$/ } readdir $dh) {
            my $st = proc_stat($pid) or next;
            push @pids, $pid if $st->[1] == $ppid;
        }
        closedir $dh;
    }
    my %kids;
    for my $pid (@pids) {
        my $st = proc_stat($pid) or next;    # gone meanwhile
        next unless $st->[1] == $ppid;
        $kids{"$pid:$st->[19]"} = $pid;
    }
    return \%kids;
}

# Fields 3.. of /proc/PID/stat (state, ppid, ..., starttime at index 19).
sub proc_stat {
    my $pid = shift;
    open my $in, '<', "/proc/$pid/stat" or return undef;
    my $line = <$in>;
    close $in;
    return undef unless defined $line && $line =~ s/^.*\)\s+//s;
    return [split ' ', $line];
}

# Sends SIGHUP to the running master and waits until the new configuration
# is in effect: at least one new child process (worker) has been started
# and every child process of the old generation has exited (so no old
# worker can accept a connection any more).  Waiting is bounded: new
# processes have to appear within 10 s (60 s under valgrind); old ones that
# linger (e.g. on a hanging connection) are given $timeout seconds, after
# which the reload counts as done with a warning (they no longer listen).
#
# If no new process shows up and an [emerg] line appears in the error log
# after the signal, the master rejected the new configuration and keeps
# running with the old one.
#
# Returns a hash: { reloaded => 1 }, { reload_failed => 1, reason } (the
# [emerg] line), { exited => 1, reason } (the master died) or
# { timeout => 1, reason }.
sub reload_nginx {
    my ($name, $timeout) = @_;
    my $pid = $NginxPid;
    return { exited => 1, reason => 'nginx is not running' }
        unless nginx_alive();

    my $old = child_procs($pid);
    my $errlog = $Test::Nginx::Util::ErrLogFile;
    my $log_pos = Test::Nginx::Util::file_size($errlog);

    warn "$name - sending HUP to nginx master $pid\n"
        if $Test::Nginx::Util::Verbose;
    kill SIGHUP, $pid
        or return { exited => 1, reason => "kill(HUP, $pid) failed: $!" };

    if (!defined $old) {
        # no /proc: nothing to watch, just give nginx some time
        sleep $Test::Nginx::Util::TestNginxSleep * 10;
        return nginx_alive() ? { reloaded => 1 }
                             : { exited => 1, reason => 'nginx exited' };
    }

    my $start = time;
    my $spawn_deadline = $start + ($Test::Nginx::Util::UseValgrind ? 60 : 10);
    my ($exit_deadline, $emerg);
    my $step = 0.001;
    while (1) {
        if (!nginx_alive()) {
            my $res = decode_status($NginxExitStatus);
            return { exited => 1,
                     reason => "nginx exited during the reload "
                               . "($res->{reason})" };
        }
        my $kids = child_procs($pid) // {};
        my @new = grep { !$old->{$_} } keys %$kids;
        my @old_alive = map { $kids->{$_} } grep { $old->{$_} } keys %$kids;

        if (@new) {
            if (!@old_alive) {
                warn sprintf("%s - nginx reloaded in %.1f ms\n", $name,
                             (time - $start) * 1000)
                    if $Test::Nginx::Util::Verbose;
                return { reloaded => 1 };
            }
            # (at least 0.5 s: nginx waits 100 ms before it tells the old
            # workers to quit)
            $exit_deadline //= time + List::Util::max($timeout || 3, 0.5);
            if (time > $exit_deadline) {
                warn "WARNING: $name - old nginx worker processes still "
                     . "running " . sprintf('%.1f', time - $start)
                     . "s after HUP: @old_alive (continuing)\n";
                return { reloaded => 1 };
            }
        } else {
            # A rejected configuration is reported with [emerg] and no new
            # processes are started.
            my ($lines) = Test::Nginx::Util::read_lines_from($errlog,
                                                             $log_pos);
            ($emerg) = grep { /\[emerg\]/ } @$lines;
            if ($emerg) {
                chomp $emerg;
                return { reload_failed => 1, reason => $emerg };
            }
            if (time > $spawn_deadline) {
                return { timeout => 1,
                         reason => "no new nginx worker process "
                                   . sprintf('%.0f', time - $start)
                                   . "s after HUP" };
            }
        }
        sleep $step;
        $step = 0.01 if ($step *= 1.5) > 0.01;
    }
}

# For must_die with nginx versions lacking "-e": the [emerg] messages only
# went to stderr, so make them visible to --- error_log checks.
sub append_stderr_to_error_log {
    return if ($Test::Nginx::Util::NginxVersion // 0) >= 1.019005;
    my $stderr = $Test::Nginx::Util::StderrFile;
    open my $in, '<', $stderr or return;
    my $data = do { local $/; <$in> };
    close $in;
    truncate $stderr, 0;
    return unless length($data // '');
    open my $out, '>>', $Test::Nginx::Util::ErrLogFile or return;
    print $out $data;
    close $out;
}

# Startup diagnostics: nginx's stderr plus the tail of error.log.
sub startup_output {
    my $out = '';
    for my $file ($Test::Nginx::Util::StderrFile,
                  $Test::Nginx::Util::ErrLogFile)
    {
        open my $in, '<', $file or next;
        my @lines = <$in>;
        close $in;
        @lines = grep { !/\[debug\]/ } @lines;
        splice @lines, 0, @lines - 20 if @lines > 20;
        $out .= "--- $file:\n" . join('', @lines) if @lines;
    }
    return $out || "(no output from nginx)";
}

1;
