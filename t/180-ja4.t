# JA4 TLS client fingerprints: $session_guard_ja4 and $session_guard_ja4_r
# over real TLS on loopback, and the session's JA4-change signal.
#
# nginx listens with TLS on two extra ports; "--- init" (run once nginx is
# up) drives openssl s_client and curl against them, the TLS servers write
# the variables into logs/ja4.log, and the block's plain-HTTP request
# reads that log back.  The expected values are derived independently of
# the module: each client command is first run against a Perl listener
# that records the ClientHello it sends and answers nothing, and a small
# Perl implementation of the JA4 rules (checked below against the worked
# example of the specification) computes the fingerprint from those
# bytes.  Each expectation also states, by hand, the parts of JA4 the
# client's options decide (version, SNI, ALPN), so that a client that
# ignored an option would fail the block rather than pass it unnoticed.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

use Digest::SHA qw(sha256_hex);
use Fcntl qw(:flock);
use File::Path qw(make_path);
use IO::Select;
use IO::Socket::INET;
use List::Util qw(max min);
use POSIX qw(WNOHANG);
use Crypt::PK::ECC;

no_shuffle();


# --- ports and certificate --------------------------------------------------

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1)
        or die "free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

$ENV{TEST_NGINX_TLS_PORT} ||= free_port();
$ENV{TEST_NGINX_TLS2_PORT} ||= free_port();
$ENV{TEST_NGINX_TLS_DIR} ||= "$SG_ROOT/t/tmp/tls";

sub ensure_cert {
    my $dir = $ENV{TEST_NGINX_TLS_DIR};
    return if -e "$dir/cert.pem";
    make_path($dir);
    open my $lock, '>', "$dir/.lock" or die "lock: $!";
    flock($lock, LOCK_EX) or die "flock: $!";
    if (!-e "$dir/cert.pem") {
        system('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
               'ec_paramgen_curve:P-256', '-nodes', '-days', '3650',
               '-subj', '/CN=localhost', '-keyout', "$dir/key.pem",
               '-out', "$dir/cert.tmp") == 0
            or die "openssl req failed";
        rename "$dir/cert.tmp", "$dir/cert.pem" or die "rename: $!";
    }
    close $lock;
}

ensure_cert();


# --- an independent JA4 ------------------------------------------------------

sub grease { my $v = shift; ($v & 0x0f0f) == 0x0a0a && $v >> 8 == ($v & 0xff) }
sub hexlist { join ',', map { sprintf '%04x', $_ } @_ }

# (JA4, JA4_r) from the fields of a ClientHello, by FoxIO's JA4.md
sub ja4_fields {
    my (%h) = @_;
    my %names = (0x0304 => '13', 0x0303 => '12', 0x0302 => '11',
                 0x0301 => '10', 0x0300 => 's3', 0x0002 => 's2');

    my @versions = grep { !grease($_) } @{ $h{versions} };
    my $version = @versions ? max(@versions) : $h{legacy};
    my @ciphers = grep { !grease($_) } @{ $h{ciphers} };
    my @exts = grep { !grease($_) } @{ $h{extensions} };
    my @sigalgs = grep { !grease($_) } @{ $h{sigalgs} };

    my $alpn = '00';
    if (defined $h{alpn} && length $h{alpn}) {
        my ($f, $l) = (substr($h{alpn}, 0, 1), substr($h{alpn}, -1));
        $alpn = "$f$l" =~ /^[0-9A-Za-z]{2}$/ ? "$f$l"
              : sprintf('%x%x', ord($f) >> 4, ord($l) & 0x0f);
    }

    my $pa = sprintf 't%s%s%02d%02d%s', $names{$version} // '00',
                    (grep { $_ == 0 } @exts) ? 'd' : 'i',
                    min(99, scalar @ciphers), min(99, scalar @exts), $alpn;

    my @c = sort { $a <=> $b } @ciphers;
    my @e = sort { $a <=> $b } grep { $_ != 0x0000 && $_ != 0x0010 } @exts;

    my $b_raw = hexlist(@c);
    my $c_raw = hexlist(@e) . (@sigalgs ? '_' . hexlist(@sigalgs) : '');

    my $b = @c ? substr(sha256_hex($b_raw), 0, 12) : '0' x 12;
    my $c = @e ? substr(sha256_hex($c_raw), 0, 12) : '0' x 12;

    return ("${pa}_${b}_${c}", "${pa}_${b_raw}_${c_raw}");
}

# the fields of a ClientHello handshake message (type, length, body)
sub hello_fields {
    my ($m) = @_;
    my %h = (versions => [], sigalgs => [], extensions => []);
    my ($type, $len) = (ord $m, unpack('N', "\0" . substr($m, 1, 3)));
    die "not a ClientHello" unless $type == 1 && $len == length($m) - 4;

    my $p = 4;
    $h{legacy} = unpack 'n', substr($m, $p, 2);
    $p += 2 + 32;
    $p += 1 + ord substr($m, $p, 1);                       # session id
    my $n = unpack 'n', substr($m, $p, 2);
    $h{ciphers} = [unpack 'n*', substr($m, $p + 2, $n)];
    $p += 2 + $n;
    $p += 1 + ord substr($m, $p, 1);                       # compression

    return %h if $p >= length $m;

    my $end = $p + 2 + unpack 'n', substr($m, $p, 2);
    $p += 2;
    while ($p < $end) {
        my ($t, $l) = unpack 'n n', substr($m, $p, 4);
        my $d = substr($m, $p + 4, $l);
        push @{ $h{extensions} }, $t;
        $h{versions} = [unpack 'n*', substr($d, 1)] if $t == 0x002b;
        $h{sigalgs} = [unpack 'n*', substr($d, 2)] if $t == 0x000d;
        $h{alpn} = substr($d, 3, ord substr($d, 2, 1)) if $t == 0x0010;
        $p += 4 + $l;
    }
    return %h;
}

# the worked example of JA4.md: the implementation above must give it
{
    my ($ja4, $raw) = ja4_fields(
        legacy => 0x0303, versions => [0x0304, 0x0303], alpn => 'h2',
        ciphers => [map hex, qw(1301 1302 1303 c02b c02f c02c c030 cca9 cca8
                                c013 c014 009c 009d 002f 0035)],
        extensions => [map hex, qw(001b 0000 0033 0010 4469 0017 002d 000d
                                   0005 0023 0012 002b ff01 000b 000a
                                   0015)],
        sigalgs => [map hex, qw(0403 0804 0401 0503 0805 0501 0806 0601)]);
    die "the test's own JA4 is wrong: $ja4"
        unless $ja4 eq 't13d1516h2_8daaf6152771_e5627efa2ab1';
}


# --- clients -----------------------------------------------------------------

# A client is "s_client OPTIONS" or "curl OPTIONS"; for curl the bare word
# "sni" makes it connect to "localhost" (sending SNI) instead of 127.0.0.1.
sub client_argv {
    my ($spec, $port, $path, @headers) = @_;
    my ($tool, @opts) = split ' ', $spec;

    if ($tool eq 's_client') {
        return ('openssl', 's_client', '-connect', "127.0.0.1:$port",
                '-quiet', @opts);
    }

    my $host = (grep { $_ eq 'sni' } @opts) ? 'localhost' : '127.0.0.1';
    return ('curl', '-sk', '--max-time', '10', '-o', '/dev/null',
            (map { ('-H', $_) } @headers),
            '--resolve', "localhost:$port:127.0.0.1",
            (grep { $_ ne 'sni' } @opts),
            map { "https://$host:$port$_" } split /\s+/, $path);
}

# runs argv with stdin from a string, stdout and stderr into a file
sub spawn {
    my ($argv, $stdin, $out) = @_;
    pipe(my $r, my $w) or die "pipe: $!";

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        close $w;
        open STDIN, '<&', $r;
        open STDOUT, '>', $out // '/dev/null';
        open STDERR, '>&', \*STDOUT;
        { exec @$argv }
        POSIX::_exit(127);
    }

    # a request is far smaller than a pipe's buffer: this never blocks
    close $r;
    print $w $stdin // '';
    close $w;
    return $pid;
}

sub reap {
    my ($pid, $timeout) = @_;
    for (1 .. $timeout * 50) {
        return if waitpid($pid, WNOHANG) == $pid;
        select undef, undef, undef, 0.02;
    }
    kill 'KILL', $pid;
    waitpid $pid, 0;
}

sub read_n {
    my ($sock, $n) = @_;
    my $buf = '';
    my $sel = IO::Select->new($sock);
    while (length $buf < $n) {
        return undef unless $sel->can_read(10);
        my $got = sysread $sock, $buf, $n - length $buf, length $buf;
        return undef unless $got;
    }
    return $buf;
}

# the first handshake message on a connection, from its TLS records
sub read_hello {
    my ($sock) = @_;
    my $hs = '';
    while (1) {
        my $hdr = read_n($sock, 5) // return undef;
        my ($type, $ver, $len) = unpack 'C n n', $hdr;
        return undef unless $type == 22;
        $hs .= read_n($sock, $len) // return undef;
        next if length $hs < 4;
        my $need = 4 + unpack 'N', "\0" . substr($hs, 1, 3);
        return substr($hs, 0, $need) if length $hs >= $need;
    }
}

# The ClientHello a client command sends, from a listener that answers
# nothing: what nginx gets from the same command.
sub capture_hello {
    my ($spec) = @_;
    my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "listen: $!";
    my $pid = spawn([client_argv($spec, $l->sockport, '/')]);
    my $hello;
    if (IO::Select->new($l)->can_read(10)) {
        my $c = $l->accept;
        $hello = read_hello($c);
        close $c;
    }
    close $l;
    reap($pid, 5);
    die "no ClientHello from \"$spec\"" unless defined $hello;
    return $hello;
}

# expect([spec, a-part pattern], ...): the lines "JA4 JA4_r" nginx must log
sub expect {
    my $out = '';
    for my $e (@_) {
        my ($spec, $want) = @$e;
        my ($ja4, $raw) = ja4_fields(hello_fields(capture_hello($spec)));
        die "\"$spec\" sends $ja4, not $want" unless $ja4 =~ /^$want/;
        $out .= "$ja4 $raw\n";
    }
    return $out;
}

# run_clients({port => ..., path => ..., headers => [...], out => file},
#             spec, ...): each one after the other against nginx
sub run_clients {
    my $o = ref $_[0] eq 'HASH' ? shift : {};
    my $port = $o->{port} || $ENV{TEST_NGINX_TLS_PORT};
    my $path = $o->{path} || '/';
    my @headers = @{ $o->{headers} || [] };

    for my $spec (@_) {
        my $req = "GET $path HTTP/1.0\r\nHost: localhost\r\n"
                  . join('', map { "$_\r\n" } @headers) . "\r\n";
        my $pid = spawn([client_argv($spec, $port, $path, @headers)], $req,
                        $o->{out});
        reap($pid, 15);
    }
}


# --- a raw client, for hellos no real client sends --------------------------

sub client_hello {
    my (%o) = @_;
    my $body = pack('n', 0x0303) . ("\x42" x 32) . "\0"
               . pack('n n*', 2 * @{ $o{ciphers} }, @{ $o{ciphers} })
               . "\x01\x00";
    my $exts = join '', map { pack('n n', $_->[0], length $_->[1]) . $_->[1] }
                        @{ $o{extensions} };
    $body .= pack('n', length $exts) . $exts;
    return "\x01" . substr(pack('N', length $body), 1) . $body;
}

sub record { my $m = shift; "\x16\x03\x01" . pack('n', length $m) . $m }

sub tls_connect {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $ENV{TEST_NGINX_TLS_PORT},
                                  Proto => 'tcp');
    die "connect: $!" unless $s;
    return $s;
}

# Sends each message on its own connection, waits for nginx's first
# record (or for it to close the connection), and closes.
sub send_raw {
    for my $msg (@_) {
        my $s = tls_connect();
        syswrite $s, $msg;
        read_n($s, 5);
        close $s;
    }
}

sub alpn_ext {
    my $list = join '', map { chr(length) . $_ } @_;
    return [0x0010, pack('n', length $list) . $list];
}

# Hellos no stock client sends, for the capture: GREASE everywhere and
# extensions OpenSSL does not implement (a browser's hello), more than 99
# cipher suites and no extensions at all, ALPN names that are one
# character or not alphanumeric.
sub crafted_hellos {
    my $share = [0x0033, pack('n n n', 36, 0x001d, 32) . ("\x09" x 32)];
    my $groups = [0x000a, pack('n n n', 4, 0x001d, 0x0017)];
    my $sigalgs = [0x000d, pack('n n*', 8, 0x0403, 0x0804, 0x0401, 0x0503)];
    my $v13 = [0x002b, "\x02\x03\x04"];

    return (
        client_hello(
            ciphers => [0x3a3a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                        0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                        0x009c, 0x009d, 0x002f, 0x0035],
            extensions => [[0x8a8a, ''],
                           [0x0000, pack('n C n', 12, 0, 9) . 'localhost'],
                           [0x0017, ''], [0xff01, "\0"],
                           [0x000a, pack('n n*', 8, 0xdada, 0x001d, 0x0017,
                                         0x0018)],
                           [0x000b, "\x01\x00"], [0x0023, ''],
                           alpn_ext('h2', 'http/1.1'),
                           [0x0005, "\x01\0\0\0\0"],
                           [0x000d, pack('n n*', 18, 0x2a2a, 0x0403, 0x0804,
                                         0x0401, 0x0503, 0x0805, 0x0501,
                                         0x0806, 0x0601)],
                           [0x0012, ''], $share, [0x002d, "\x01\x01"],
                           [0x002b, pack('C n*', 6, 0x4a4a, 0x0304, 0x0303)],
                           [0x001b, "\x02\x00\x02"],
                           [0x4469, pack('n C a*', 3, 2, 'h2')],
                           [0xfe0d, 'ech?'], [0x1a1a, "\0"]]),
        client_hello(ciphers => [0x0100 .. 0x0177, 0xc02b], extensions => []),
        client_hello(ciphers => [0x1301],
                     extensions => [$v13, $groups, $sigalgs, $share,
                                    alpn_ext("\xab", 'http/1.1')]),
        client_hello(ciphers => [0x1301],
                     extensions => [$v13, $groups, $sigalgs, $share,
                                    alpn_ext("0\xab\xcd1", 'http/1.1')]),
        client_hello(ciphers => [0x1301],
                     extensions => [$v13, $groups, $sigalgs, $share,
                                    alpn_ext('x', 'http/1.1')]));
}

# the debug log line of a captured hello, from the test's own JA4
sub hello_log {
    my ($ja4, $raw) = ja4_fields(hello_fields($_[0]));
    return qq{session_guard: client hello: ja4 "$ja4" ja4_r "$raw"};
}

# A HelloRetryRequest exchange: the first ClientHello offers an X25519 key
# share to a server that accepts only P-256, with GREASE and an unknown
# extension 0xff42; the second one has a P-256 share, other cipher suites
# and no GREASE or 0xff42.
sub retry_hellos {
    my ($p256) = @_;
    my @common = ([0x000a, pack('n n n', 4, 0x001d, 0x0017)],
                  [0x000d, pack('n n*', 6, 0x4a4a, 0x0403, 0x0804)]);

    return (client_hello(ciphers => [0x1a1a, 0x1301], extensions => [
                [0x2a2a, ''], [0x002b, pack('C n n', 4, 0x3a3a, 0x0304)],
                @common, [0x0033, pack('n n n', 36, 0x001d, 32) . "\x09" x 32],
                [0xff42, '']]),
            client_hello(ciphers => [0x1301, 0x1302, 0x1303], extensions => [
                [0x002b, "\x02\x03\x04"], @common,
                [0x0033, pack('n n n', 69, 0x0017, 65) . $p256]]));
}

# Runs the exchange, and writes what happened to the file.
sub hello_retry {
    my ($file) = @_;
    my $pk = Crypt::PK::ECC->new;
    $pk->generate_key('secp256r1');
    my ($ch1, $ch2) = retry_hellos($pk->export_key_raw('public'));

    my $hrr_random = pack 'H*', 'cf21ad74e59a6111be1d8c021e65b891'
                                . 'c2a211167abb8c5e079e09e2c8a8339c';
    my $s = tls_connect();
    my $result = '';

    syswrite $s, record($ch1);
    my $hdr = read_n($s, 5) // '';
    my ($type, $ver, $len) = unpack 'C n n', $hdr . "\0" x 5;
    my $sh = $type == 22 ? read_n($s, $len) // '' : '';
    $result .= substr($sh, 6, 32) eq $hrr_random ? "hello retry request\n"
                                                 : "no hello retry request\n";
    syswrite $s, record($ch2);

    # after the HelloRetryRequest, a middlebox-compatibility ChangeCipherSpec
    do {
        $hdr = read_n($s, 5) // "\0" x 5;
        ($type, $ver, $len) = unpack 'C n n', $hdr;
    } while ($type == 20 && defined read_n($s, $len));

    $result .= $type == 22 ? "second hello accepted\n"
                           : "second hello refused\n";
    close $s;

    open my $fh, '>', $file or die "$file: $!";
    print $fh $result;
    close $fh;
}


add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    log_format ja4 '$session_guard_ja4 $session_guard_ja4_r';
    ssl_certificate $TEST_NGINX_TLS_DIR/cert.pem;
    ssl_certificate_key $TEST_NGINX_TLS_DIR/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
_EOC_

    $block->set_value('config', <<'_EOC_' . ($block->config // ''));
    location = /ja4.log {
        root logs;
    }
_EOC_

    $block->set_value('request', "GET /ja4.log\n")
        unless defined $block->request;
});

run_tests();

__DATA__

=== TEST 1: plain HTTP: both variables are not found
--- config
    location = /t {
        return 200 "[$session_guard_ja4][$session_guard_ja4_r]\n";
    }
--- request
GET /t
--- response_body
[][]



=== TEST 2: openssl s_client, no SNI, no ALPN: "t13i", "00"
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients('s_client -noservername');
--- response_body eval
main::expect(['s_client -noservername', 't13i\d{4}00_'])
--- no_error_log
session_guard: malformed



=== TEST 3: SNI and ALPN: "d", first and last characters of the first name
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients('s_client -servername localhost -alpn h2,http/1.1',
                  's_client -servername localhost -alpn http/1.1',
                  's_client -noservername -alpn http/1.1');
--- response_body eval
main::expect(['s_client -servername localhost -alpn h2,http/1.1',
              't13d\d{4}h2_'],
             ['s_client -servername localhost -alpn http/1.1',
              't13d\d{4}h1_'],
             ['s_client -noservername -alpn http/1.1', 't13i\d{4}h1_'])



=== TEST 4: cipher suites: TLS 1.3 suites, TLS 1.2 ciphers, both
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients(
    's_client -noservername -ciphersuites TLS_AES_256_GCM_SHA384',
    's_client -noservername -cipher ECDHE-ECDSA-AES128-GCM-SHA256',
    's_client -noservername -ciphersuites TLS_CHACHA20_POLY1305_SHA256'
        . ' -cipher ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA');
--- response_body eval
main::expect(
    ['s_client -noservername -ciphersuites TLS_AES_256_GCM_SHA384',
     't13i\d{4}00_'],
    ['s_client -noservername -cipher ECDHE-ECDSA-AES128-GCM-SHA256',
     't13i\d{4}00_'],
    ['s_client -noservername -ciphersuites TLS_CHACHA20_POLY1305_SHA256'
        . ' -cipher ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA',
     't13i04\d\d00_'])



=== TEST 5: TLS 1.2 only: no supported_versions, "t12" from the hello's
version; signature algorithms in the client's order
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients(
    's_client -noservername -no_tls1_3',
    's_client -servername localhost -no_tls1_3'
        . ' -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -alpn http/1.1',
    's_client -noservername -sigalgs ECDSA+SHA384:ECDSA+SHA256');
--- response_body eval
main::expect(
    ['s_client -noservername -no_tls1_3', 't12i\d{4}00_'],
    ['s_client -servername localhost -no_tls1_3'
        . ' -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -alpn http/1.1',
     't12d02\d\dh1_'],
    ['s_client -noservername -sigalgs ECDSA+SHA384:ECDSA+SHA256',
     't13i\d{4}00_[0-9a-f]{12}_'])



=== TEST 6: a hello pinned down by its options, derived by hand from the
bytes "openssl s_client -msg" shows (OpenSSL 3.0):
    01 00 00 51 03 03 <random 32> 00 00 04 c0 2b 00 ff 01 00 00 24
    00 0b 00 04 03 00 01 02 00 0a 00 04 00 02 00 17 00 23 00 00
    00 16 00 00 00 17 00 00 00 0d 00 04 00 02 04 03
version 0x0303 and no supported_versions: "12"; no server_name: "i";
2 suites (c02b and the 00ff SCSV); 6 extensions; no ALPN: "00";
sha256("00ff,c02b") = 6d4732649639...;
sha256("000a,000b,000d,0016,0017,0023_0403") = d0212ebfd738...
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients('s_client -noservername -no_tls1_3 -groups P-256'
                  . ' -cipher ECDHE-ECDSA-AES128-GCM-SHA256'
                  . ' -sigalgs ECDSA+SHA256');
--- response_body
t12i020600_6d4732649639_d0212ebfd738 t12i020600_00ff,c02b_000a,000b,000d,0016,0017,0023_0403



=== TEST 7: curl, without and with SNI; keep-alive: one hello, two requests
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients('curl');
main::run_clients({ path => '/a /b' }, 'curl --http1.1 sni');
--- response_body eval
my $sni = main::expect(['curl --http1.1 sni', 't13d\d{4}h1_']);
main::expect(['curl', 't13i\d{4}h2_']) . $sni . $sni



=== TEST 8: HTTP/2: streams read their connection's fingerprint
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS2_PORT ssl http2;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients({ port => $ENV{TEST_NGINX_TLS2_PORT}, path => '/a /b' },
                  'curl --http2 sni');
--- response_body eval
main::expect(['curl --http2 sni', 't13d\d{4}h2_']) x 2



=== TEST 9: a HelloRetryRequest (the server takes P-256 only, the client
offers an X25519 share first): the first ClientHello is fingerprinted
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        ssl_ecdh_curve prime256v1;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::run_clients({ out => "$Test::Nginx::Util::HtmlDir/msg.txt" },
                  's_client -noservername -groups X25519:P-256 -msg');
--- request eval
["GET /ja4.log", "GET /msg.txt"]
--- response_body_like eval
['\A' . quotemeta(main::expect(['s_client -noservername -groups X25519:P-256',
                                't13i\d{4}00_'])) . '\z',
 'ClientHello.*ServerHello.*ClientHello']



=== TEST 10: after a HelloRetryRequest, the second ClientHello (other
suites, other extensions) is never parsed; GREASE and an extension OpenSSL
does not know are part of the first one's fingerprint
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        ssl_ecdh_curve prime256v1;
        location / { return 200 "ok\n"; }
    }
--- init
main::hello_retry("$Test::Nginx::Util::HtmlDir/hrr.txt");
--- request
GET /hrr.txt
--- response_body
hello retry request
second hello accepted
--- error_log eval
my ($ch1) = main::retry_hellos("\x04" x 65);
["session_guard: client hello: 2 ciphers, 6 extensions, "
 . "3 signature algorithms", main::hello_log($ch1)]
--- no_error_log eval
my (undef, $ch2) = main::retry_hellos("\x04" x 65);
["session_guard: client hello: 3 ciphers", main::hello_log($ch2)]



=== TEST 11: hellos no stock client sends: GREASE, unknown extensions,
over 99 suites, no extensions, odd ALPN names (debug log)
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::send_raw(map { main::record($_) } main::crafted_hellos());
--- response_body
--- error_log eval
[map { main::hello_log($_) } main::crafted_hellos()]
--- no_error_log
session_guard: malformed



=== TEST 12: hostile hellos: no fingerprint, logged at info, no harm
--- http_config
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log ja4;
        location / { return 200 "ok\n"; }
    }
--- init
main::send_raw(
    # too short for a version and a random
    main::record("\x01\x00\x00\x0a" . "\x03\x03" . "\xff" x 8),
    # an extension block that claims more bytes than there are
    main::record(main::client_hello(ciphers => [0x1301],
                                    extensions => [[0x002b, "\x02\x03\x04"]])
                 =~ s/\x00\x07\x00\x2b/\x00\x30\x00\x2b/r),
    # 1100 cipher suites: over the parser's limit of 1024
    main::record(main::client_hello(ciphers => [(0x1301) x 1100],
                                    extensions => [])),
    # an SSLv2-format ClientHello
    "\x80\x1f\x01\x03\x03\x00\x06\x00\x00\x00\x10"
        . "\x00\xc0\x2b\x00\xc0\x2f" . "\x55" x 16);
--- response_body
--- grep_error_log eval
qr/session_guard: (?:malformed client hello \(\d+ bytes\)|SSLv2-format client hello)/
--- grep_error_log_out
session_guard: malformed client hello (14 bytes)
session_guard: malformed client hello (54 bytes)
session_guard: malformed client hello (2245 bytes)
session_guard: SSLv2-format client hello



=== TEST 13: the session's JA4-change signal: the same session cookie from
another TLS client is revoked; the first client is then refused as well
--- http_config
    session_guard_zone zone=sg:1m;
    log_format guard '$status $session_guard_status [$session_guard_risk]';
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log guard;
        location /s {
            session_guard zone=sg;
            session_guard_token off;
            session_guard_session_key $cookie_sid;
            session_guard_on_change ja4=revoke;
        }
    }
--- user_files
>>> s
secret
--- init
my $o = { path => '/s', headers => ['Cookie: sid=abc', 'User-Agent: t'] };
main::run_clients($o, 'curl --http1.1', 'curl --http1.1');
main::run_clients($o, 's_client -noservername -alpn http/1.1');
main::run_clients($o, 'curl --http1.1');
--- response_body
200 ALLOW []
200 ALLOW []
401 REVOKED [ja4]
401 REVOKED []



=== TEST 14: no ja4 signal for a client that keeps its fingerprint, nor for
another session
--- http_config
    session_guard_zone zone=sg:1m;
    log_format guard '$status $session_guard_status [$session_guard_risk]';
    server {
        listen 127.0.0.1:$TEST_NGINX_TLS_PORT ssl;
        access_log logs/ja4.log guard;
        location /s {
            session_guard zone=sg;
            session_guard_token off;
            session_guard_session_key $cookie_sid;
            session_guard_on_change ja4=revoke;
        }
    }
--- user_files
>>> s
secret
--- init
my @ua = ('User-Agent: t');
main::run_clients({ path => '/s', headers => ['Cookie: sid=one', @ua] },
                  's_client -noservername -alpn http/1.1',
                  's_client -noservername -alpn http/1.1');
main::run_clients({ path => '/s', headers => ['Cookie: sid=two', @ua] },
                  'curl --http1.1');
--- response_body
200 ALLOW []
200 ALLOW []
200 ALLOW []
