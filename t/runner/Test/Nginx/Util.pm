package Test::Nginx::Util;

# Local, self-contained re-implementation of the parts of upstream
# Test::Nginx::Util (openresty/test-nginx) that this project needs.
#
# This module owns the global settings (ports, server root, log level, ...),
# the generated nginx.conf, the server root directory layout and the test
# driver loop (run_tests/run_test).  The HTTP client side and all the
# response/log checks live in Test::Nginx::Socket, which registers its
# callbacks through $RunTestHelper, $CheckErrorLog and $CheckShutdownErrorLog
# exactly like upstream does.  Process control for the nginx server lives in
# Test::Nginx::Process.

use strict;
use warnings;

use base 'Exporter';

use Carp qw(croak);
use Cwd qw(cwd);
use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Socket::INET ();
use List::Util qw(shuffle);
use Scalar::Util qw(looks_like_number);
use Time::HiRes qw(sleep time);
use Time::Local qw(timegm);
use Test::More ();

use Test::Nginx::Process ();
use Test::Nginx::TcpServer ();

our $VERSION = '0.29';

# ---------------------------------------------------------------------------
# Settings (same names and defaults as upstream)
# ---------------------------------------------------------------------------

our $Verbose              = $ENV{TEST_NGINX_VERBOSE};
our $Timeout              = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $RepeatEach           = 1;
our $NoShuffle            = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $UseValgrind          = $ENV{TEST_NGINX_USE_VALGRIND};
our $NoNginxManager       = $ENV{TEST_NGINX_NO_NGINX_MANAGER} || 0;
our $CheckAccumErrLog     = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG};
our $LoadModules          = $ENV{TEST_NGINX_LOAD_MODULES};
our $EventType            = $ENV{TEST_NGINX_EVENT_TYPE};
our $PostponeOutput       = $ENV{TEST_NGINX_POSTPONE_OUTPUT};
our $ReusePort            = $ENV{TEST_NGINX_REUSE_PORT};
our $Randomize            = $ENV{TEST_NGINX_RANDOMIZE};
our $WorkerUser           = $ENV{TEST_NGINX_WORKER_USER};
our $NginxBinary          = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $Workers              = 1;
our $WorkerConnections    = 64;
our $LogLevel             = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $MasterProcessEnabled = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
our $ServerPort           = $ENV{TEST_NGINX_SERVER_PORT}
                            || $ENV{TEST_NGINX_PORT} || 1984;
our $ServerPortForClient  = $ENV{TEST_NGINX_CLIENT_PORT} || $ServerPort;
our $ServerAddr           = '127.0.0.1';
our $ServerName           = 'localhost';
our $NoRootLocation       = 0;
our $TestNginxSleep       = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $NoLongString;
our $ConfigPreamble       = '';
our $FilterHttpConfig;

# Local extension: unexpected [alert]/[crit]/[emerg] lines (and crashes)
# fail the test block.  Upstream only warns; set this env to get that.
our $LenientErrLog        = $ENV{TEST_NGINX_LENIENT_ERRLOG};

# HUP mode (upstream): keep nginx running between the blocks of a test file
# and reload it with SIGHUP instead of restarting it (see run_test).
our $UseHup               = $ENV{TEST_NGINX_USE_HUP};

# Callbacks installed by Test::Nginx::Socket.
our ($RunTestHelper, $CheckErrorLog, $CheckShutdownErrorLog);

our (@EnvToNginx, @BlockPreprocessors, @CleanupHandlers);
our ($NginxVersion, $NginxRawVersion, $NginxConfigureArgs);
our $ErrLogFilePos = 0;
our $PrevConfig;
our $InSubprocess;
# HUP mode, or a next block without --- config: the block whose nginx is
# still running, and the error.log offset up to which its log has been
# checked.
our ($KeptBlock, $KeptLogPos);
# set by run_tests for run_test: does the block after this one reuse the
# running nginx (no --- config, like upstream)?
our $NextBlockReuses;
our $MainPid = $$;

# forward declarations (subs with prototypes used before their definition)
sub gen_rand_port (;$$);
sub value_contains ($$);

srand $$;

if ($Randomize) {
    $ServerPort = gen_rand_port(1000)
        or die "Cannot find an available listening port number\n";
    $ServerPortForClient = $ServerPort;
}

our $ServRoot = $Randomize
    ? File::Spec->rel2abs("t/servroot_$ServerPort")
    : ($ENV{TEST_NGINX_SERVROOT}
       ? File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT})
       : File::Spec->rel2abs('t/servroot'));
$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;

our $LogDir     = File::Spec->catfile($ServRoot, 'logs');
our $ErrLogFile = File::Spec->catfile($LogDir, 'error.log');
our $AccLogFile = File::Spec->catfile($LogDir, 'access.log');
our $HtmlDir    = File::Spec->catfile($ServRoot, 'html');
our $ConfDir    = File::Spec->catfile($ServRoot, 'conf');
our $ConfFile   = File::Spec->catfile($ConfDir, 'nginx.conf');
our $PidFile    = File::Spec->catfile($LogDir, 'nginx.pid');
our $StderrFile = File::Spec->catfile($LogDir, 'nginx.stderr');

our @EXPORT = qw(
    env_to_nginx is_str check_accum_error_log is_running
    $NoLongString no_long_string $ServerAddr server_addr
    $ServerName server_name parse_time verbose sleep_time
    bail_out add_cleanup_handler access_log_data error_log_data
    setup_server_root write_config_file get_canon_version
    get_nginx_version trim show_all_chars parse_headers run_tests
    get_pid_from_pidfile $ServerPortForClient $ServerPort $NginxVersion
    $PidFile $ServRoot $ConfFile $RunTestHelper $CheckErrorLog
    $CheckShutdownErrorLog $FilterHttpConfig $NoNginxManager $RepeatEach
    add_block_preprocessor timeout worker_connections workers master_on
    master_off config_preamble repeat_each master_process_enabled
    log_level no_shuffle no_root_location html_dir server_root
    server_port server_port_for_client no_nginx_manager use_hup
);

# ---------------------------------------------------------------------------
# Small setters/getters (upstream API)
# ---------------------------------------------------------------------------

sub _getset {
    my ($ref, @args) = @_;
    $$ref = $args[0] if @args;
    return $$ref;
}

sub timeout                { _getset(\$Timeout, @_) }
sub server_addr            { _getset(\$ServerAddr, @_) }
sub server_name            { _getset(\$ServerName, @_) }
sub server_port            { _getset(\$ServerPort, @_) }
sub server_port_for_client { _getset(\$ServerPortForClient, @_) }
sub worker_connections     { _getset(\$WorkerConnections, @_) }
sub workers                { _getset(\$Workers, @_) }
sub log_level              { _getset(\$LogLevel, @_) }
sub repeat_each            { _getset(\$RepeatEach, @_) }
sub no_long_string ()      { $NoLongString = 1 }
sub no_shuffle ()          { $NoShuffle = 1 }
sub no_root_location ()    { $NoRootLocation = 1 }
sub no_nginx_manager ()    { $NoNginxManager = 1 }
sub check_accum_error_log () { $CheckAccumErrLog = 1 }
sub master_on ()           { $MasterProcessEnabled = 'on' }
sub master_off ()          { $MasterProcessEnabled = 'off' }
sub config_preamble ($)    { $ConfigPreamble = shift }
sub html_dir ()            { $HtmlDir }
sub server_root ()         { $ServRoot }
sub sleep_time             { $TestNginxSleep }
sub verbose                { $Verbose }
sub is_running ($)         { kill 0, $_[0] }

sub use_hup ()             { $UseHup = 1 }

sub master_process_enabled {
    if (@_) {
        $MasterProcessEnabled = $_[0] ? 'on' : 'off';
    }
    return $MasterProcessEnabled;
}

sub add_block_preprocessor (&) { unshift @BlockPreprocessors, shift }
sub add_cleanup_handler ($)    { unshift @CleanupHandlers, shift }

sub env_to_nginx {
    croak "env_to_nginx: no arguments specified" unless @_;
    for my $v (@_) {
        croak "env_to_nginx: bad argument value: $v\n"
            if $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
}

sub is_str {
    my ($got, $expected, $desc) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    if (ref $expected && ref $expected eq 'Regexp') {
        return Test::More::like($got, $expected, $desc);
    }
    # Test::Base::is prints a Text::Diff for multi-line mismatches.
    return Test::Base::is($got, $expected, $desc);
}

sub parse_time ($) {
    my $tm = shift;
    return $tm unless defined $tm;
    if ($tm =~ s/([^_a-zA-Z])ms$/$1/) {
        $tm = $tm / 1000;
    } else {
        $tm =~ s/([^_a-zA-Z])s$/$1/;
    }
    return $tm;
}

sub trim ($) {
    my $s = shift;
    return undef unless defined $s;
    $s =~ s/^\s+|\s+$//g;
    $s =~ s/\n/ /gs;
    $s =~ s/\s{2,}/ /gs;
    return $s;
}

sub show_all_chars ($) {
    my $s = shift;
    $s =~ s/\n/\\n/gs;
    $s =~ s/\r/\\r/gs;
    $s =~ s/\t/\\t/gs;
    return $s;
}

# "Name: value" lines -> hashref; "!Name" means "must be absent" (undef).
# Keys keep their first-seen order in @{$h->{_order}} is not needed by
# callers; we return [ [key, val], ... ] via parse_header_list instead.
sub parse_header_list ($) {
    my $s = shift;
    my (@list, %pos);
    for my $line (split /\n/, $s // '') {
        $line =~ s/^\s+|\s+$//g;
        next if $line eq '';
        my ($key, $val);
        if ($line =~ s/^!\s*//) {
            ($key, $val) = ($line, undef);
        } else {
            ($key, $val) = split /\s*:\s*/, $line, 2;
            $val = '' unless defined $val;
        }
        if (exists $pos{$key}) {
            $list[$pos{$key}][1] = $val;    # hash semantics: last one wins
        } else {
            $pos{$key} = @list;
            push @list, [$key, $val];
        }
    }
    return \@list;
}

sub parse_headers ($) {
    return { map { @$_ } @{ parse_header_list(shift) } };
}

sub bail_out (@) {
    cleanup();
    Test::More::BAIL_OUT(join '', @_);
}

sub gen_rand_port (;$$) {
    my ($tries, $used) = @_;
    $tries ||= 1000;
    $used ||= {};
    for (1 .. $tries) {
        my $port = int(rand 63550) + 1985;
        next if $used->{$port};
        my $sock = IO::Socket::INET->new(
            LocalAddr => $ServerAddr,
            LocalPort => $port,
            Proto     => 'tcp',
        );
        if ($sock) {
            close $sock;
            return $port;
        }
    }
    return undef;
}

# ---------------------------------------------------------------------------
# nginx binary information
# ---------------------------------------------------------------------------

sub find_nginx_binary () {
    my $bin = $NginxBinary;
    if ($bin =~ m{/}) {
        return -x $bin ? $bin : undef;
    }
    for my $dir (split(/:/, $ENV{PATH} // ''), '/usr/sbin', '/usr/local/sbin',
                 '/usr/local/nginx/sbin')
    {
        next if $dir eq '';
        my $abs = "$dir/$bin";
        return $abs if -f $abs && -x $abs;
    }
    return undef;
}

sub get_canon_version (@) {
    sprintf "%d.%03d%03d", $_[0], $_[1], $_[2];
}

sub get_nginx_version () {
    my $bin = find_nginx_binary()
        or bail_out("Cannot find the nginx executable \"$NginxBinary\" "
                    . "(set TEST_NGINX_BINARY or PATH)");
    $NginxBinary = $bin;
    my $out = `'$bin' -V 2>&1`;
    if (!defined $out || $? != 0) {
        bail_out("Failed to get the version of $bin: " . ($out // ''));
    }
    $NginxConfigureArgs = $out =~ /configure arguments:(.*)/ ? $1 : '';
    if ($out =~ m{(?:nginx|openresty)[^/]*/(\d+)\.(\d+)\.(\d+)}s
        || $out =~ m{\w+/(\d+)\.(\d+)\.(\d+)}s)
    {
        $NginxRawVersion = "$1.$2.$3";
        return get_canon_version($1, $2, $3);
    }
    bail_out("Failed to parse the output of \"nginx -V\": $out");
}

# True unless nginx was configured --without-<module>.
sub nginx_has_module ($) {
    my $mod = shift;
    return ($NginxConfigureArgs // '') !~ /--without-\Q$mod\E\b/;
}

# ---------------------------------------------------------------------------
# Server root, user files and nginx.conf
# ---------------------------------------------------------------------------

# Before nginx is started afresh (every block, the first of a file
# included), like upstream: conf/, html/, logs/, *_temp and *_cache are
# removed, then the server root itself with rmdir, which fails (and bails
# out, as upstream does) if anything else was left in it: files that must
# outlive a block or a test file belong elsewhere.  Only what the runner
# creates is removed, so a mis-pointed TEST_NGINX_SERVROOT cannot wipe out
# real data.  With a true argument (HUP mode, nginx keeps running) only
# conf/ and html/ are reset: logs/ (error.log continuity, nginx.pid, unix
# sockets), the *_temp and *_cache directories belong to the running
# server.
sub setup_server_root (;$) {
    my $keep_state = shift;
    if (-d $ServRoot) {
        if ($keep_state) {
            remove_tree($ConfDir, $HtmlDir);
        } else {
            remove_tree($ConfDir, $HtmlDir, $LogDir, glob("$ServRoot/*_temp"),
                        glob("$ServRoot/*_cache"));
            rmdir $ServRoot
                or bail_out("Can't remove $ServRoot (not empty?): $!");
        }
    }
    for my $dir ($ServRoot, $LogDir, $HtmlDir, $ConfDir) {
        next if -d $dir;
        make_path($dir) or bail_out("Failed to mkdir $dir: $!");
    }
    my $index = "$HtmlDir/index.html";
    open my $out, '>', $index
        or bail_out("Can't open $index for writing: $!");
    print $out '<html><head><title>It works!</title></head>'
               . '<body>It works!</body></html>';
    close $out;
}

# Expand $TEST_NGINX_XXX references from %ENV (bails out if undefined).
# $TEST_NGINX_RAND_PORT_N expands to a random free port, stable per block.
sub expand_env_in_text ($$$) {
    my ($text, $name, $rand_ports) = @_;
    return undef unless defined $text;
    my %used = ($ServerPort => 1, map { $_ => 1 } values %$rand_ports);
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        my $var = $1;
        if ($var =~ /^TEST_NGINX_RAND_PORT_[0-9]+$/) {
            $rand_ports->{$var} //= do {
                my $p = gen_rand_port(1000, \%used)
                    or bail_out("$name - cannot find a free port for $var");
                $used{$p} = 1;
                $p;
            };
        } else {
            defined $ENV{$var}
                or bail_out("$name - No environment $var defined.\n");
            $ENV{$var};
        }
    }eg;
    return $text;
}

sub write_user_files ($$) {
    my ($block, $rand_ports) = @_;
    my $name = $block->name;
    my $files = $block->user_files;
    return unless $files;

    if (!ref $files) {
        # ">>> name [timestamp]" header lines followed by the file content
        my ($list, $cur) = ([], undef);
        for my $line (split /^/, $files) {
            if ($line =~ /^>>> (\S+)(?:\s+(.+))?/) {
                $cur = [$1, undef, $2];
                push @$list, $cur;
            } elsif ($cur) {
                $cur->[1] .= $line;
            }
        }
        $files = $list;
    } elsif (ref $files ne 'ARRAY') {
        bail_out("$name - wrong value type for --- user_files: ", ref $files);
    }

    for my $file (@$files) {
        my ($fname, $body, $date) = @$file;
        $body = '' unless defined $body;
        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";
        if ($path =~ m{(.*)/} && !-d $1) {
            make_path($1) or bail_out("$name - Cannot create directory $1");
        }
        $body = expand_env_in_text($body, $name, $rand_ports);
        open my $out, '>', $path
            or bail_out("$name - Cannot open $path for writing: $!");
        binmode $out;
        print $out $body;
        close $out;
        if ($date) {
            # touch -t format: [[CC]YY]MMDDhhmm[.ss], in GMT
            $date =~ /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d\d))?$/
                or bail_out("$name - bad user_files timestamp: $date");
            my $t = timegm($6 // 0, $5, $4, $3, $2 - 1, $1);
            utime $t, $t, $path;
        }
    }
}

# Emit http-level *_temp_path directives so that nginx never touches its
# compiled-in /var/lib/nginx/* paths -- unless the test sets them itself.
sub temp_path_config ($) {
    my $http_config = shift;
    my $out = '';
    my @paths = (
        [client_body_temp_path => 'client_body_temp', 'http'],
        [proxy_temp_path       => 'proxy_temp',  'http_proxy_module'],
        [fastcgi_temp_path     => 'fastcgi_temp', 'http_fastcgi_module'],
        [uwsgi_temp_path       => 'uwsgi_temp',  'http_uwsgi_module'],
        [scgi_temp_path        => 'scgi_temp',   'http_scgi_module'],
    );
    for my $p (@paths) {
        my ($directive, $dir, $module) = @$p;
        next if $http_config =~ /\b\Q$directive\E\b/;
        next unless nginx_has_module($module);
        $out .= "    $directive $ServRoot/$dir;\n";
    }
    return $out;
}

sub write_config_file ($$$) {
    my ($block, $config, $rand_ports) = @_;
    my $name = $block->name;

    my $http_config = expand_env_in_text($block->http_config, $name,
                                         $rand_ports) // '';
    $http_config = $FilterHttpConfig->($http_config) if $FilterHttpConfig;
    my $main_config = $block->main_config // '';
    if ($LoadModules) {
        $main_config .= join '', map { "load_module $_;\n" }
                                 grep { $_ } split /\s+/, $LoadModules;
    }
    $main_config = expand_env_in_text($main_config, $name, $rand_ports);
    my $post_main_config = expand_env_in_text($block->post_main_config,
                                              $name, $rand_ports) // '';
    $config //= '';
    my $err_log_file = $block->error_log_file || $ErrLogFile;
    my $server_name = $block->server_name // $ServerName;
    (my $quoted_server_name = $server_name) =~ s/(['\\])/\\$1/g;

    my $extra_http = temp_path_config($http_config);
    if (defined $PostponeOutput && $http_config !~ /\bpostpone_output\b/) {
        $PostponeOutput =~ /^\d+$/
            or bail_out("Bad TEST_NGINX_POSTPONE_OUTPUT value: $PostponeOutput");
        $extra_http .= "    postpone_output $PostponeOutput;\n";
    }

    my $env = '';
    for my $v (qw(MOCKEAGAIN_VERBOSE MOCKEAGAIN MOCKEAGAIN_WRITE_TIMEOUT_PATTERN
                  LD_PRELOAD LD_LIBRARY_PATH ASAN_OPTIONS
                  MOCKNOEAGAIN_VERBOSE MOCKNOEAGAIN), @EnvToNginx)
    {
        $env .= $v =~ /\s/ ? "env '$v';\n" : "env $v;\n";
    }

    my $listen_opts = $ReusePort ? ' reuseport' : '';
    my $root_location = $NoRootLocation ? '' : <<_EOC_;
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
_EOC_

    my $user = '';
    if (defined $WorkerUser) {
        $WorkerUser =~ /^\w+(?:\s+\w+)?$/
            or bail_out("Bad value in the env TEST_NGINX_WORKER_USER");
        $user = "user $WorkerUser;\n";
    } elsif ($> == 0) {
        $user = "user root;\n";
    }
    my $event_use = $EventType ? "    use $EventType;\n" : '';
    # like upstream: "config reload is buggy when master is off"
    my $master = $UseHup ? 'on' : $MasterProcessEnabled;

    # Note: "daemon off" always -- nginx is run as a direct child process of
    # the test script (see Test::Nginx::Process), never as a daemon.
    open my $out, '>', $ConfFile
        or bail_out("Can't open $ConfFile for writing: $!");
    print $out <<_EOC_;
worker_processes  $Workers;
daemon off;
master_process $master;
error_log $err_log_file $LogLevel;
pid       $PidFile;
$env
$main_config

http {
    access_log $AccLogFile;

    default_type text/plain;
    keepalive_timeout  68;

$extra_http
$http_config

    server {
        listen          $ServerPort$listen_opts;
        server_name     '$quoted_server_name';

        client_max_body_size 30M;

        # Begin preamble config...
$ConfigPreamble
        # End preamble config...

        # Begin test case config...
$config
        # End test case config.

$root_location    }
}

$post_main_config

events {
    accept_mutex off;

    worker_connections  $WorkerConnections;
$event_use}
$user
_EOC_
    close $out;
}

# ---------------------------------------------------------------------------
# Log access
# ---------------------------------------------------------------------------

sub file_size ($) {
    my @st = stat $_[0];
    return @st ? $st[7] : 0;
}

# Give nginx a moment to finish writing log lines produced after the client
# saw the end of the response (log phase, connection close, cleanups):
# return once the file size has been stable for a few milliseconds.
sub settle_log ($) {
    my $file = shift;
    return unless Test::Nginx::Process::nginx_pid();
    my $deadline = time + $TestNginxSleep * 3;
    my $size = file_size($file);
    while (time < $deadline) {
        sleep 0.004;
        my $new = file_size($file);
        last if $new == $size;
        $size = $new;
    }
}

sub read_lines_from ($$) {
    my ($file, $pos) = @_;
    open my $in, '<', $file or return ([], $pos);
    seek $in, $pos, 0 if $pos > 0;
    my @lines = <$in>;
    my $end = tell $in;
    close $in;
    return (\@lines, $end);
}

# Error log lines written since the last call (or since the block started);
# all lines of the block when check_accum_error_log() is in effect.
sub error_log_data () {
    settle_log($ErrLogFile);
    my $pos = $CheckAccumErrLog ? $Test::Nginx::Process::BlockErrLogPos
                                : $ErrLogFilePos;
    my ($lines, $end) = read_lines_from($ErrLogFile, $pos);
    $ErrLogFilePos = $end unless $CheckAccumErrLog;
    return $lines;
}

# The access log lines of the current block (the file is not reset between
# blocks in HUP mode).
sub access_log_data () {
    settle_log($AccLogFile);
    my ($lines) = read_lines_from($AccLogFile,
                                  $Test::Nginx::Process::BlockAccLogPos);
    return $lines;
}

sub get_pid_from_pidfile ($) {
    my $name = shift;
    open my $in, '<', $PidFile
        or bail_out("$name - Failed to open the pid file $PidFile: $!");
    my $pid = do { local $/; <$in> };
    close $in;
    chomp $pid if defined $pid;
    return $pid;
}

# ---------------------------------------------------------------------------
# Test driver
# ---------------------------------------------------------------------------

# Runs the cleanup handlers (once) and stops our child processes; nginx is
# left running when TEST_NGINX_NO_CLEAN is set.
sub cleanup () {
    return if $InSubprocess || $$ != $MainPid;
    my @handlers = @CleanupHandlers;
    @CleanupHandlers = ();
    $_->() for @handlers;
    Test::Nginx::TcpServer::stop();
    Test::Nginx::Process::stop_nginx('cleanup', $Timeout)
        unless $ENV{TEST_NGINX_NO_CLEAN};
}

sub run_tests () {
    $NginxVersion = get_nginx_version();
    $ENV{TEST_NGINX_SERVER_PORT} //= $ServerPort;
    Test::Nginx::Process::init();
    Test::Nginx::Process::kill_stale_nginx() unless $NoNginxManager;

    # Like Test::Base (and so upstream): blocks() runs the filters of
    # every block, "eval" included, now, before the first block runs.
    my @blocks = Test::Base::blocks();
    @blocks = shuffle @blocks unless $NoShuffle;
    my %prepared;
    my $prepare = sub {
        my $block = shift;
        return if $prepared{$block}++;
        $_->($block) for @BlockPreprocessors;
        $block->set_value("name", $0 . " " . $block->name);
    };
    for my $i (0 .. $#blocks) {
        my $block = $blocks[$i];
        $prepare->($block);
        # Asked at the end of the block (so the next block's preprocessors
        # run after this block's requests, as upstream runs them).
        local $NextBlockReuses = sub {
            my $next = $blocks[$i + 1] or return 0;
            $prepare->($next);
            return !defined $next->SKIP && !defined $next->config
                   && !defined $next->must_die;
        };
        run_test($block, $i == $#blocks);
    }
    # HUP mode: the last block(s) may have been skipped while nginx was
    # kept running for them.
    stop_kept_nginx() unless $NoNginxManager || $ENV{TEST_NGINX_NO_CLEAN};
    cleanup();
}

# HUP mode: stops the nginx kept running for an earlier block (because the
# current block needs a fresh one, nginx died, or the test file is done)
# and checks the error log written since that block's own check (crashes
# between the blocks, shutdown messages) on behalf of that block.
sub stop_kept_nginx () {
    return unless Test::Nginx::Process::nginx_pid();
    my $block = $KeptBlock;
    undef $KeptBlock;
    my $status = Test::Nginx::Process::stop_nginx(
        $block ? $block->name : 'HUP mode', $Timeout);
    check_nginx_health($block, $status, $KeptLogPos,
                       ' (after the block; nginx was kept running in HUP '
                       . 'mode)') if $block;
}

# Parses skip_nginx / skip_nginx2 / skip_eval / todo.
# Returns ($tests_to_skip, $should_skip, $skip_reason, $should_todo, $todo_reason).
sub parse_skip_sections ($) {
    my $block = shift;
    my $name = $block->name;
    my ($n, $skip, $reason, $todo, $todo_reason);
    my $ver_re = qr/([<>]=?)\s*(\d+)\.(\d+)\.(\d+)/;
    my $cmp = sub {
        my ($op, @v) = @_;
        my $ver = get_canon_version(@v);
        return eval "$NginxVersion $op $ver";
    };

    if (defined(my $s = $block->skip_eval)) {
        if ($s =~ /^\s*(\d+)\s*:\s*(.*)/s) {
            my $code;
            ($n, $code, $reason) = ($1, $2, 'skip_eval');
            $skip = eval $code;
            bail_out("$name - skip_eval - failed to eval \"$code\": $@") if $@;
        }
    }
    if (defined(my $s = $block->skip_nginx)) {
        $s =~ /^\s*(\d+)\s*:\s*$ver_re(?:\s*:\s*(.*))?\s*$/
            or bail_out("$name - Invalid --- skip_nginx spec: $s");
        $n = $1;
        $reason = $6 || "nginx version $2 $3.$4.$5";
        $skip = 1 if $cmp->($2, $3, $4, $5);
    } elsif (defined(my $s2 = $block->skip_nginx2)) {
        $s2 =~ /^\s*(\d+)\s*:\s*$ver_re\s*(or|and)\s*$ver_re(?:\s*:\s*(.*))?\s*$/
            or bail_out("$name - Invalid --- skip_nginx2 spec: $s2");
        $n = $1;
        my ($c1, $c2) = ($cmp->($2, $3, $4, $5), $cmp->($7, $8, $9, $10));
        $skip = 1 if $6 eq 'or' ? ($c1 || $c2) : ($c1 && $c2);
        $reason = $11 || 'nginx version';
    }
    if (defined(my $t = $block->todo)) {
        $t =~ /^\s*(\d+)\s*:\s*(.*)/s
            or bail_out("$name - Invalid --- todo spec: $t");
        ($todo, $n, $todo_reason) = (1, $1, $2);
    }
    return ($n, $skip, $reason || 'various reasons', $todo,
            $todo_reason || 'various reasons');
}

# Test::Base's "eval" filter silently turns a Perl error into the section
# value.  Note that the code runs in package Test::Base::Filter, so subs
# defined in main:: must be called fully qualified (main::foo()).
sub warn_eval_errors ($) {
    my $block = shift;
    my $map = $block->_section_map or return;
    for my $sec (sort keys %$map) {
        next unless ($map->{$sec}{filters} // '') =~ /\beval\b/;
        my $val = $block->$sec;
        next if !defined $val || ref $val;
        if ($val =~ /\bat \(eval \d+\) line \d+\b.*\z/s) {
            chomp $val;
            warn "WARNING: ", $block->name, " - the eval filter of "
                 . "--- $sec failed: $val\n";
        }
    }
}

# Look for 'unknown directive "xxx"' in the startup output.
sub missing_directive () {
    for my $file ($ErrLogFile, $StderrFile) {
        open my $in, '<', $file or next;
        while (<$in>) {
            return $1 if /\[emerg\] \S+?: unknown directive "([^"]+)"/
                         || /\[emerg\].*unknown directive "([^"]+)"/;
        }
    }
    return undef;
}

sub run_test ($;$) {
    my ($block, $is_last) = @_;
    return if defined $block->SKIP;

    my $name = $block->name;
    my $rand_ports = {};
    my $config = expand_env_in_text($block->config, $name, $rand_ports);
    local $LogLevel = $block->log_level || $LogLevel;
    my $must_die = $block->must_die;
    my $reload_fails = defined $block->reload_fails;
    my $dry_run = 0;

    warn_eval_errors($block);

    for my $sec (qw(http2 http3 udp_listen)) {
        bail_out("$name - --- $sec is not supported by this Test::Nginx "
                 . "replacement (t/runner)") if defined $block->$sec;
    }

    my ($tests_to_skip, $should_skip, $skip_reason, $should_todo,
        $todo_reason) = parse_skip_sections($block);

    if ($should_skip && defined $tests_to_skip) {
        for (1 .. $RepeatEach) {
            SKIP: { Test::More::skip("$name - $skip_reason", $tests_to_skip) }
        }
        return;
    }

    # HUP mode: reload the nginx still running from the previous block
    # instead of restarting it -- unless this block needs nginx to die or
    # the kept one has died meanwhile.  A block without --- config (and not
    # in HUP mode) goes on with the previous block's nginx, like upstream:
    # no restart, no new server root or user_files.
    my ($hup, $reuse);
    if (!$NoNginxManager && Test::Nginx::Process::nginx_pid()) {
        if ($UseHup && !defined $must_die
            && Test::Nginx::Process::nginx_alive())
        {
            $hup = 1;
        } elsif (!$UseHup && !defined $config && !defined $must_die
                 && Test::Nginx::Process::nginx_alive())
        {
            $reuse = 1;
        } else {
            stop_kept_nginx();
        }
    }

    if ($reuse) {
        # what nginx logged since the previous block's check is this
        # block's
        $Test::Nginx::Process::BlockErrLogPos = $KeptLogPos
                                                // file_size($ErrLogFile);
        $Test::Nginx::Process::BlockAccLogPos = file_size($AccLogFile);
        undef $KeptBlock;
    } elsif (!$NoNginxManager) {
        if (defined $config) {
            $PrevConfig = $config;
            setup_server_root($hup);
            write_user_files($block, $rand_ports);
            write_config_file($block, $config, $rand_ports);
        } elsif (!defined $PrevConfig) {
            bail_out("$name - No '--- config' section specified and could "
                     . "not get previous one.");
        } else {
            # Like upstream: keep serving the previous block's configuration.
            write_user_files($block, $rand_ports);
        }
        # Everything from here on (the reload in HUP mode included) is this
        # block's part of the logs.
        $Test::Nginx::Process::BlockErrLogPos = file_size($ErrLogFile);
        $Test::Nginx::Process::BlockAccLogPos = file_size($AccLogFile);
    }

    if (defined $must_die) {
        run_must_die($block, $must_die);
        return;
    }

    my $res;
    if ($hup) {
        $res = Test::Nginx::Process::reload_nginx($name, $Timeout);
        if ($res->{exited}) {
            # The kept nginx died (before or while getting the HUP): report
            # it for the block it was kept for, then start a fresh one.
            warn "WARNING: $name - $res->{reason}; starting nginx afresh\n";
            stop_kept_nginx();
            undef $hup;
        }
        undef $KeptBlock;
    }
    if ($hup) {
        if ($res->{reloaded}) {
            Test::More::fail("$name - nginx reloaded the configuration, but "
                             . "--- reload_fails says it must not")
                if $reload_fails;
        } elsif ($res->{reload_failed} && $reload_fails) {
            # expected: nginx keeps serving the previous configuration
        } else {
            Test::More::fail("$name - nginx failed to reload (HUP): "
                             . $res->{reason});
            Test::More::diag(Test::Nginx::Process::startup_output())
                unless $res->{reload_failed};    # the reason says it all
            $dry_run = "nginx failure on reload";
        }
    } elsif (!$NoNginxManager && !$reuse) {
        $res = Test::Nginx::Process::start_nginx($name);
        if (!$res->{running}) {
            my $directive = missing_directive();
            if ($ENV{TEST_NGINX_IGNORE_MISSING_DIRECTIVES} && $directive) {
                $dry_run = "the lack of directive $directive";
            } else {
                Test::More::fail("$name - nginx failed to start: "
                                 . $res->{reason});
                Test::More::diag(Test::Nginx::Process::startup_output());
                $dry_run = "nginx failure on startup";
            }
        }
    }

    if ($block->init) {
        eval $block->init;
        bail_out("$name - init failed: $@") if $@;
    }

    $ErrLogFilePos = $Test::Nginx::Process::BlockErrLogPos;
    for my $i (1 .. $RepeatEach) {
        Test::Nginx::TcpServer::start($block) unless $dry_run;
        write_user_files($block, $rand_ports) if $i > 1;

        if ($should_todo) {
            TODO: {
                Test::More::todo_skip("$name - $todo_reason", $tests_to_skip);
            }
        } else {
            $RunTestHelper->($block, $dry_run, $i - 1);
        }
        Test::Nginx::TcpServer::finish($block) unless $dry_run;
    }

    return if $NoNginxManager;

    # nginx is stopped at the end of every block (TEST_NGINX_NO_CLEAN keeps
    # the last one running), so shutdown messages can be checked right away.
    # In HUP mode, or when the next block has no --- config, it is kept
    # running for the next block (but for the last one), and
    # shutdown_error_log is skipped like upstream does.
    my $keep_hup = !$is_last && !$dry_run
                   && ($UseHup || ($NextBlockReuses && $NextBlockReuses->()))
                   && Test::Nginx::Process::nginx_alive();
    my $keep = $keep_hup || ($ENV{TEST_NGINX_NO_CLEAN} && $is_last);
    my $status = $keep ? undef
                       : Test::Nginx::Process::stop_nginx($name, $Timeout);
    my $log_end;
    $log_end = check_nginx_health($block, $status) unless $dry_run;
    if ($keep_hup) {
        $KeptBlock = $block;
        $KeptLogPos = $log_end // file_size($ErrLogFile);
    }
    if (defined $block->shutdown_error_log) {
        $CheckShutdownErrorLog->($block, $dry_run
            || ($keep_hup && ($UseHup ? 'HUP mode (nginx is not stopped)'
                              : 'the next block has no --- config '
                                . '(nginx is not stopped)'))
            || ($keep && 'TEST_NGINX_NO_CLEAN'));
    }
    dump_block_log($name);
}

# must_die: nginx has to exit (non-zero, or with the given exit code) on its
# own right after starting.  The error log (plus stderr on old nginx
# versions lacking "-e") can then be checked with --- error_log.
sub run_must_die ($$) {
    my ($block, $must_die) = @_;
    my $name = $block->name;
    $ErrLogFilePos = $Test::Nginx::Process::BlockErrLogPos;

    for my $i (0 .. $RepeatEach - 1) {
        my $res = Test::Nginx::Process::start_nginx($name, 1);
        if ($res->{running}) {
            Test::More::fail("$name - nginx must die but it does not");
            Test::Nginx::Process::stop_nginx($name, $Timeout);
        } elsif ($res->{exec_failed}) {
            Test::More::fail("$name - failed to execute the nginx command line");
        } elsif ($res->{core}) {
            Test::More::fail("$name - nginx core dumped");
        } elsif (looks_like_number($must_die)) {
            Test::More::is($must_die, $res->{exit_code},
                           "$name - die with the expected exit code");
        } else {
            Test::More::isnt($res->{status}, 0, "$name - die as expected");
        }
        Test::Nginx::Process::append_stderr_to_error_log();
        $CheckErrorLog->($block, undef, 0, $i, 0);
    }
    dump_block_log($name);
}

# Local extension: crashes, unexpected [alert]/[crit]/[emerg] lines and
# sanitizer reports in the block's error log are test failures (upstream
# merely warns about the first two).
# Checks the error log from $from (default: the start of the block) to its
# end, and returns the offset of that end.  A --- reload_fails block (HUP
# mode) expects an [emerg] line.
sub check_nginx_health ($$;$$) {
    my ($block, $status, $from, $when) = @_;
    my $name = $block->name;
    $from //= $Test::Nginx::Process::BlockErrLogPos;
    $when //= '';
    my $report = sub {
        my $msg = shift;
        if ($LenientErrLog) {
            warn "WARNING: $msg\n";
            return;
        }
        Test::More::fail($msg);
    };

    if ($status && $status->{died_early}) {
        $report->("$name - nginx exited unexpectedly ($status->{reason})"
                  . $when);
    }

    # Like upstream: mentioning "[alert" etc. in error_log/no_error_log
    # disables the check for that level.  Additionally, lines matched by
    # one of the block's positive log patterns are expected ones.
    my (%skip, @expected);
    $skip{emerg} = 1 if defined $block->reload_fails;
    for my $sec (qw(error_log no_error_log shutdown_error_log
                    no_shutdown_error_log grep_error_log))
    {
        my $val = $block->$sec;
        next unless defined $val;
        for my $level (qw(alert crit emerg)) {
            $skip{$level} = 1 if value_contains($val, "[$level");
        }
        push @expected, @{ Test::Nginx::Socket::pattern_list($val) }
            if $sec !~ /^no_/;
    }

    my ($lines, $end) = read_lines_from($ErrLogFile, $from);
    my %seen;
    for my $line (@$lines) {
        my ($level) = $line =~ /\[(alert|crit|emerg)\]/;
        if ($level && !$skip{$level} && !$seen{$level}
            && !grep { Test::Nginx::Socket::line_matches($line, $_) }
                     @expected)
        {
            $seen{$level} = 1;    # report each level once per block
            chomp(my $ln = $line);
            $report->("$name - unexpected [$level] in error.log$when: $ln");
        }
        if ($line =~ /\bAssertion .*?failed\b/) {
            chomp(my $ln = $line);
            $report->("$name - $ln$when");
        }
        # a sanitizer's report on the workers' stderr, which nginx sends
        # to the error log (UBSan writes there whatever its log_path says)
        if ($line =~ /: runtime error: |^==\d+==ERROR: \w+Sanitizer/) {
            chomp(my $ln = $line);
            $report->("$name - sanitizer report in error.log$when: $ln");
        }
    }
    return $end;
}

sub value_contains ($$) {
    my ($val, $pat) = @_;
    return $val =~ /\Q$pat\E/ if !ref $val || ref $val eq 'Regexp';
    if (ref $val eq 'ARRAY') {
        for my $v (@$val) {
            return 1 if defined $v && value_contains($v, $pat);
        }
    }
    return undef;
}

# TEST_NGINX_ERROR_LOG: accumulate every block's error log in one file.
sub dump_block_log ($) {
    my $name = shift;
    my $total = $ENV{TEST_NGINX_ERROR_LOG} or return;
    my ($lines) = read_lines_from($ErrLogFile,
                                  $Test::Nginx::Process::BlockErrLogPos);
    open my $out, '>>', $total
        or bail_out("Failed to append to $total: $!");
    print $out "\n=== $0 $name\n", @$lines;
    close $out;
}

END {
    if (!$InSubprocess && $$ == $MainPid) {
        local $?;    # do not disturb Test::Builder's exit code
        cleanup();
        if ($Randomize && -d $ServRoot && $ServRoot =~ m{/t/servroot_\d+$}) {
            remove_tree($ServRoot);
        }
    }
}

1;
