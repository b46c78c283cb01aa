package Test::Nginx::Socket;

# Local, self-contained replacement for upstream Test::Nginx::Socket
# (openresty/test-nginx), written for this project's test suite.
#
# Test files written in the upstream block format run unchanged:
#
#     use Test::Nginx::Socket 'no_plan';
#     run_tests();
#     __DATA__
#     === TEST 1: ...
#     --- config
#     ...
#
# Like upstream, this class inherits from Test::Base (block parsing, filters,
# ONLY/SKIP/LAST) via Spiffy's "-Base".  NOTE: Spiffy source-filters this
# file and adds "my $self = shift;" to every top-level "sub name {" without
# a prototype, so every sub below carries an explicit prototype.
#
# This file holds the HTTP client side and the response/log checks; the
# driver loop, nginx.conf generation and process control are in
# Test::Nginx::Util and Test::Nginx::Process.

use v5.10.1;
use Test::Base -Base;

our $VERSION = '0.29';

use Encode ();
use Digest::MD5 ();
use Digest::SHA ();
use HTTP::Response ();
use IO::Select ();
use IO::Socket::INET ();
use List::Util qw(min);
use POSIX qw(EAGAIN EINTR EWOULDBLOCK);
use Time::HiRes qw(sleep time);

use Test::Nginx::Util;

our @EXPORT = qw(
    env_to_nginx is_str plan run_tests run_test
    repeat_each config_preamble worker_connections
    master_process_enabled
    no_long_string workers master_on master_off
    log_level no_shuffle no_root_location use_hup
    server_name
    server_addr server_root html_dir server_port server_port_for_client
    timeout no_nginx_manager check_accum_error_log
    add_block_preprocessor bail_out add_cleanup_handler
    add_response_body_check
);

*run_test = \&Test::Nginx::Util::run_test;

our @ResponseBodyChecks;

$RunTestHelper         = \&run_test_helper;
$CheckErrorLog         = \&check_error_log;
$CheckShutdownErrorLog = \&check_shutdown_error_log;

sub set_http_config_filter ($) {
    $FilterHttpConfig = shift;
}

sub add_response_body_check ($) {
    push @ResponseBodyChecks, shift;
}

# ---------------------------------------------------------------------------
# Building requests
# ---------------------------------------------------------------------------

# "--- more_headers" text -> ("Key: val\r\n..." , $is_chunked)
sub parse_more_headers ($) {
    my ($in) = @_;
    my ($out, $is_chunked) = ('');
    for my $header (split /\n+/, $in // '') {
        next if $header =~ /^\s*#/;
        my ($key, $val) = split /:\s*/, $header, 2;
        $val = '' unless defined $val;
        $is_chunked = 1
            if lc($key) eq 'transfer-encoding' && $val eq 'chunked';
        $out .= "$key: $val\r\n";
    }
    return ($out, $is_chunked);
}

# Turns the short request notation ("GET /foo\nbody") given as a list of
# packets into a complete HTTP request (request line, Host, Connection,
# Content-Length, more_headers), keeping the packet boundaries (each packet
# becomes one syswrite).  Returns the list of packet strings.
sub build_request ($$$$$) {
    my ($name, $more_headers, $is_chunked, $conn_header, $packets) = @_;

    my $orig = join '', map { $_ // '' } @$packets;
    my ($first, $body) = $orig =~ /\A([^\n]*\n?)(.*)\z/s;
    if ($first eq '') {
        bail_out("$name - Request line should be non-empty");
    }
    $first =~ /^(\s*)(\S+)( *)(?:(\S+)( *))?(?:(\S+)( *))?(\s*)$/
        or bail_out("$name - Request line is not valid. Should be "
                    . "'meth [url [version]]' but got \"$first\".");
    my ($skipped, $meth, $url, $ver) = (length $1, $2, $4, $6);
    $url = '/' unless defined $url;
    $ver = 'HTTP/1.1' unless defined $ver;

    my $len_header = '';
    my $lead_trim = 0;
    if (!$is_chunked && $body ne ''
        && $more_headers !~ /(?:^|\n)Content-Length:/)
    {
        # like upstream: the body is trimmed when we compute its length
        $lead_trim = length($1) if $body =~ s/^(\s+)//s;
        $body =~ s/\s+$//s;
        $len_header = "Content-Length: " . length($body) . "\r\n";
    }

    my $headers = '';
    $headers .= "Host: $ServerName\r\n"
        if $more_headers !~ /(?:^|\n)Host:/msi;
    $headers .= "Connection: $conn_header\r\n"
        if $more_headers !~ /(?:^|\n)Connection/msi;
    (my $mh = $more_headers) =~ s/(?<!\r)\n/\r\n/gs;

    my $line = "$meth $url $ver\r\n";
    my $prefix = "$line$headers$mh$len_header\r\n";
    my $req = $prefix . $body;
    return [$req] if @$packets <= 1;

    # Map the original packet boundaries onto the rewritten request.
    my (@cuts, $off);
    $off = 0;
    for my $i (0 .. $#$packets - 1) {
        $off += length($packets->[$i] // '');
        my $cut;
        if ($off < length $first) {
            $cut = $off - $skipped;
            $cut = 0 if $cut < 0;
            $cut = length($line) - 2 if $cut > length($line) - 2;
        } else {
            my $k = $off - length($first) - $lead_trim;
            $k = 0 if $k < 0;
            $k = length $body if $k > length $body;
            $cut = length($prefix) + $k;
        }
        $cut = $cuts[-1] if @cuts && $cut < $cuts[-1];
        push @cuts, $cut;
    }
    my @out;
    my $prev = 0;
    for my $cut (@cuts, length $req) {
        push @out, substr($req, $prev, $cut - $prev);
        $prev = $cut;
    }
    return \@out;
}

sub headers_for ($$$) {
    my ($name, $more_headers, $i) = @_;
    if (ref $more_headers eq 'ARRAY') {
        my $hdr = $more_headers->[$i];
        bail_out("$name - --- more_headers lacks data for request $i")
            unless defined $hdr;
        return parse_more_headers($hdr);
    }
    return parse_more_headers($more_headers);
}

sub is_head_request ($) {
    return $_[0] =~ /^\s*HEAD\s+/ ? 1 : 0;
}

# Returns a list of connections to make; each is a hash:
#   { packets => [ {value, delay_before}, ... ], heads => [bool, ...] }
# where "heads" says, per expected response, whether it answers a HEAD.
sub get_req_from_block ($) {
    my ($block) = @_;
    my $name = $block->name;
    my @req_list;

    if (defined(my $raw = $block->raw_request)) {
        my @bits = ref $raw eq 'ARRAY' ? @$raw : ($raw);
        my @packets = map { ref $_ ? $_ : { value => $_ } } @bits;
        my $all = join '', map { $_->{value} } @packets;
        return [ { packets => \@packets, heads => [is_head_request($all)] } ];
    }

    my $request;
    if (defined $block->request_eval) {
        diag "$name - request_eval DEPRECATED. Use request eval instead.";
        $request = eval $block->request_eval;
        warn $@ if $@;
    } else {
        $request = $block->request;
        if (defined $request && !ref $request) {
            # drop leading comment lines and whitespace
            1 while $request =~ s/^\s*\#[^\n]+\s+|^\s+//gs;
        }
    }
    my $more_headers = $block->more_headers // '';

    if (my $reqs = $block->pipelined_requests) {
        bail_out("$name - invalid entries in --- pipelined_requests")
            if ref $reqs ne 'ARRAY';
        my ($all, @heads) = ('');
        for my $i (0 .. $#$reqs) {
            my $conn = $i == $#$reqs ? 'close' : 'keep-alive';
            my ($hdr, $chunked) = headers_for($name, $more_headers, $i);
            $all .= build_request($name, $hdr, $chunked, $conn,
                                  [$reqs->[$i]])->[0];
            push @heads, is_head_request($reqs->[$i]);
        }
        return [ { packets => [{ value => $all }], heads => \@heads } ];
    }

    my @reqs;
    if (!ref $request) {
        @reqs = ($request);
    } elsif (ref $request eq 'ARRAY') {
        @reqs = @$request;
    } else {
        bail_out("$name - invalid --- request: MUST be string or array "
                 . "of requests");
    }

    for my $i (0 .. $#reqs) {
        my $one = $reqs[$i];
        my ($hdr, $chunked) = headers_for($name, $more_headers,
                                          ref $request ? $i : 0);
        my @orig;
        if (!ref $one) {
            @orig = ({ value => $one });
        } elsif (ref $one eq 'ARRAY') {
            for my $p (@$one) {
                if (!ref $p) {
                    push @orig, { value => $p };
                } elsif (ref $p eq 'HASH') {
                    push @orig, { %$p };
                } else {
                    bail_out("$name - Invalid syntax. $p should be a string "
                             . "or hash with value.");
                }
            }
        } else {
            bail_out("$name - Invalid syntax. $one should be a string or "
                     . "an array of packets.");
        }
        my $built = build_request($name, $hdr, $chunked, 'close',
                                  [map { $_->{value} } @orig]);
        for my $j (0 .. $#$built) {
            $orig[$j]{value} = $built->[$j];
        }
        push @req_list, { packets => \@orig,
                          heads => [is_head_request($built->[0])] };
    }
    return \@req_list;
}

# ---------------------------------------------------------------------------
# Talking to nginx
# ---------------------------------------------------------------------------

sub connect_server ($$$) {
    my ($block, $timeout, $name) = @_;
    my $addr = $block->server_addr_for_client // $ServerAddr;
    my $port = $ServerPortForClient;
    my $err;
    for my $try (1 .. 50) {
        my $sock = IO::Socket::INET->new(
            PeerAddr => $addr,
            PeerPort => $port,
            Proto    => 'tcp',
            Timeout  => $timeout,
        );
        return $sock if $sock;
        $err = $!;
        last unless Test::Nginx::Process::nginx_alive();
        sleep 0.02;
    }
    fail("$name - Can't connect to $addr:$port: $err (aborted)");
    return undef;
}

# Sends the packets of one request over a fresh connection and reads until
# the server closes it.  Returns the raw response bytes.  $timeout applies
# to each I/O wait (like upstream); on expiry the test fails unless
# --- abort is given.
sub send_request ($$$$) {
    my ($packets, $middle_delay, $timeout, $block) = @_;
    my $name = $block->name;
    my @bits = @$packets;

    my $sock = connect_server($block, $timeout, $name) or return undef;
    $sock->blocking(0);
    local $SIG{PIPE} = 'IGNORE';

    my $resp = '';
    my $wbuf = (shift @bits)->{value} // '';
    my $woff = 0;
    my $writing = 1;

    while (1) {
        my $rsel = IO::Select->new($sock);
        my $wsel = $writing ? IO::Select->new($sock) : undef;
        $! = 0;
        my ($r, $w) = IO::Select->select($rsel, $wsel, undef, $timeout);
        if (!$r && !$w) {
            next if $! == EINTR;
            if (!defined $block->abort) {
                fail("ERROR: client socket timed out - $name\n");
            }
            last;
        }

        if ($w && @$w && $writing) {
            while (1) {
                if ($woff >= length $wbuf) {
                    my $next = shift @bits;
                    if (!defined $next) {
                        $writing = 0;
                        if (defined(my $how = $block->shutdown)) {
                            shutdown($sock, $how =~ /^\s*$/ ? 1 : $how);
                        }
                        last;
                    }
                    my $delay = $next->{delay_before} // $middle_delay;
                    sleep $delay if $delay;
                    ($wbuf, $woff) = ($next->{value} // '', 0);
                    next;
                }
                my $n = syswrite($sock, $wbuf, length($wbuf) - $woff, $woff);
                if (!defined $n) {
                    last if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
                    # The server may have answered and closed already
                    # (e.g. 413); stop writing and read what it sent.
                    warn "WARNING: $name - write failed: $!\n"
                        if $Test::Nginx::Util::Verbose;
                    $writing = 0;
                    last;
                }
                $woff += $n;
            }
        }

        if ($r && @$r) {
            my $n = sysread($sock, my $buf, 65536);
            if (!defined $n) {
                next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
                warn "WARNING: $name - HTTP response read failure: $!\n"
                    unless $resp ne '';
                last;
            }
            last if $n == 0;
            $resp .= $buf;
        }
    }
    close $sock;
    return $resp;
}

# Parses one HTTP response off the front of $raw_resp.
# Returns ($res, $raw_headers, $left) where $left holds any bytes after the
# end of this response (pipelined requests).
sub parse_response ($$$) {
    my ($name, $raw_resp, $head_req) = @_;

    my $raw_headers = $raw_resp =~ /(.*?\r\n)\r\n/s ? $1 : '';
    my $res = HTTP::Response->parse($raw_resp);
    my $code = $res->code;
    if (defined $code && $code !~ /^\d+$/) {
        undef $code;
        $res->code(undef);
    }

    my $left;
    my $content = $res->content // '';

    # responses that never carry a body
    if ($head_req || ($code && ($code == 304 || $code == 204
                                || $code =~ /^1/)))
    {
        $left = $content if $content ne '';
        $res->content('');
        return ($res, $raw_headers, $left);
    }

    my $enc = $res->header('Transfer-Encoding');
    my $len = $res->header('Content-Length');

    if (defined $enc && $enc eq 'chunked') {
        my $decoded = '';
        pos($content) = 0;
        while (1) {
            if ($content =~ /\G0[ \t]*\r\n\r\n/gc) {
                $left = $1 if $content =~ /\G(.+)/gcs;
                last;
            }
            if ($content =~ /\G[ \t]*([A-Fa-f0-9]+)[^\r\n]*\r\n/gc) {
                my $size = hex $1;
                my $start = pos $content;
                if (length($content) - $start < $size) {
                    fail("$name - invalid chunked data received (not "
                         . "enough octets for the data section)");
                    return;
                }
                $decoded .= substr($content, $start, $size);
                pos($content) = $start + $size;
                if ($content !~ /\G\r\n/gc) {
                    fail("$name - invalid chunked data received "
                         . "(expected CRLF).");
                    return;
                }
            } elsif ($content =~ /\G(.+)/gcs) {
                fail("$name - invalid chunked body received: $1");
                return;
            } else {
                fail("$name - no last chunk found - $content");
                return;
            }
        }
        $res->content($decoded);

    } elsif (defined $len && $len =~ /^\d+$/) {
        if (length $content < $len) {
            warn "WARNING: $name - response body truncated: $len expected, "
                 . "but got " . length($content) . "\n";
        } elsif (length $content > $len) {
            $left = substr $content, $len;
            $res->content(substr $content, 0, $len);
        }
    }

    return ($res, $raw_headers, $left);
}

# ---------------------------------------------------------------------------
# The per-repetition test driver (called by Test::Nginx::Util::run_test)
# ---------------------------------------------------------------------------

sub run_test_helper ($$$) {
    my ($block, $dry_run, $repeated_req_idx) = @_;
    my $name = $block->name;

    my $req_list = get_req_from_block($block);
    bail_out("$name - request empty") unless @$req_list;

    my $timeout = parse_time($block->timeout);
    $timeout = timeout() unless defined $timeout;

    my $pipelined = $block->pipelined_requests;
    my ($res, $need_array);
    my $req_idx = 0;

    for my $one_req (@$req_list) {
        my $raw_resp = $dry_run
            ? "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
            : send_request($one_req->{packets},
                           $block->raw_request_middle_delay,
                           $timeout, $block);

        # number of responses still expected on this connection
        my $n = $pipelined ? scalar @$pipelined : 0;
        $need_array = $pipelined ? 1 : @$req_list > 1;
        my $resp_idx = 0;

        while (1) {
            $raw_resp //= '';
            my ($raw_headers, $left);
            if (!defined $block->ignore_response) {
                if (defined $block->http09) {
                    $res = HTTP::Response->new(200, "OK", [], $raw_resp);
                    $raw_headers = '';
                } else {
                    ($res, $raw_headers, $left) =
                        parse_response($name, $raw_resp,
                                       $one_req->{heads}[$resp_idx]);
                }
            }

            if (!$n) {
                if (defined $left && $left ne '') {
                    $left =~ s/([\0-\037\200-\377])/sprintf('\x{%02x}', ord $1)/eg;
                    warn "WARNING: $name - unexpected extra bytes after "
                         . "last chunk in response: \"$left\"\n";
                }
            } else {
                $raw_resp = $left;
                $n--;
            }

            if (!defined $block->ignore_response) {
                check_error_code($block, $res, $dry_run, $req_idx, $need_array);
                check_raw_response_headers($block, $raw_headers, $dry_run,
                                           $req_idx, $need_array);
                check_response_headers($block, $res, $raw_headers, $dry_run,
                                       $req_idx, $need_array);
                transform_response_body($block, $res, $req_idx);
                check_response_body($block, $res, $dry_run, $req_idx,
                                    $repeated_req_idx, $need_array);
            }

            if ($n || $req_idx < @$req_list - 1) {
                sleep $block->wait if $block->wait;
                check_error_log($block, $res, $dry_run, $repeated_req_idx,
                                $need_array);
                check_access_log($block, $dry_run, $repeated_req_idx)
                    unless defined $block->ignore_response;
            }

            $req_idx++;
            $resp_idx++;
            last unless $n;
        }
    }

    sleep $block->wait if $block->wait;

    # systemtap is not supported: skip like upstream does without
    # TEST_NGINX_USE_STAP
    if ($block->{stap}) {
        SKIP: {
            skip "$name - stap_out - tests skipped due to env "
                 . "TEST_NGINX_USE_STAP is not set", 1;
        }
    }

    check_error_log($block, $res, $dry_run, $repeated_req_idx, $need_array);
    check_access_log($block, $dry_run, $repeated_req_idx)
        unless defined $block->ignore_response;
}

# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

# For blocks with several requests the expectations must be arrays.
sub get_indexed_value ($$$$) {
    my ($name, $value, $req_idx, $need_array) = @_;
    if ($need_array) {
        return $value->[$req_idx] if ref $value eq 'ARRAY';
        bail_out("$name - You asked for many requests, the expected results "
                 . "should be arrays as well.");
    }
    if (ref $value eq 'ARRAY') {
        bail_out("$name - SHOULD NOT HAPPEN: idx != 0 and don't need array.")
            if $req_idx != 0;
        return $value->[0];
    }
    return $value;
}

sub check_error_code ($$$$$) {
    my ($block, $res, $dry_run, $req_idx, $need_array) = @_;
    my $name = $block->name;
    my $code = ($res && $res->code) || '';
    SKIP: {
        skip "$name - tests skipped due to $dry_run", 1 if $dry_run;
        if (defined $block->error_code_like) {
            my $val = get_indexed_value($name, $block->error_code_like,
                                        $req_idx, $need_array);
            like($code, qr/$val/sm, "$name - status code ok");
        } elsif (defined $block->error_code) {
            is($code, get_indexed_value($name, $block->error_code, $req_idx,
                                        $need_array),
               "$name - status code ok");
        } else {
            is($code, 200, "$name - status code ok");
        }
    }
}

sub check_raw_response_headers ($$$$$) {
    my ($block, $raw_headers, $dry_run, $req_idx, $need_array) = @_;
    my $name = $block->name;
    for my $type (qw(like unlike)) {
        my $sec = "raw_response_headers_$type";
        next unless defined $block->$sec;
        SKIP: {
            skip "$name - $sec - tests skipped due to $dry_run", 1 if $dry_run;
            my $pat = get_indexed_value($name, $block->$sec, $req_idx,
                                        $need_array);
            if ($type eq 'like') {
                like($raw_headers, qr/$pat/s, "$name - raw resp headers like");
            } else {
                unlike($raw_headers, qr/$pat/s,
                       "$name - raw resp headers unlike");
            }
        }
    }
}

sub check_response_headers ($$$$$$) {
    my ($block, $res, $raw_headers, $dry_run, $req_idx, $need_array) = @_;
    my $name = $block->name;

    if (defined $block->response_headers) {
        my $list = Test::Nginx::Util::parse_header_list(
            get_indexed_value($name, $block->response_headers, $req_idx,
                              $need_array));
        for my $pair (@$list) {
            my ($key, $val) = @$pair;
            if (!defined $val) {
                SKIP: {
                    skip "$name - response_headers - tests skipped due to "
                         . "$dry_run", 1 if $dry_run;
                    unlike($raw_headers // '', qr/^\s*\Q$key\E\s*:/ms,
                           "$name - header $key not present in the raw "
                           . "headers");
                }
                next;
            }
            $val =~ s/\$ServerPort\b/$ServerPort/g;
            $val =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
            my $actual = $res ? $res->header($key) : undef;
            $actual = '' unless defined $actual;
            SKIP: {
                skip "$name - response_headers - tests skipped due to "
                     . "$dry_run", 1 if $dry_run;
                is($actual, $val, "$name - header $key ok");
            }
        }
    } elsif (defined $block->response_headers_like) {
        my $list = Test::Nginx::Util::parse_header_list(
            get_indexed_value($name, $block->response_headers_like,
                              $req_idx, $need_array));
        for my $pair (@$list) {
            my ($key, $val) = @$pair;
            my $actual = $res ? $res->header($key) : undef;
            $actual = '' unless defined $actual;
            $val = '' unless defined $val;
            SKIP: {
                skip "$name - response_headers_like - tests skipped due to "
                     . "$dry_run", 1 if $dry_run;
                like($actual, qr/^$val$/, "$name - header $key like ok");
            }
        }
    }
}

sub run_filter_helper ($$$) {
    my ($block, $filter, $content) = @_;
    my $name = $block->name;
    return $filter->($content) if ref $filter eq 'CODE';
    bail_out("$name - the --- response_body_filters section only supports "
             . "subroutine references and string values") if ref $filter;
    my %builtin = (
        md5_hex  => \&Digest::MD5::md5_hex,
        sha1_hex => \&Digest::SHA::sha1_hex,
        uc       => sub { uc $_[0] },
        lc       => sub { lc $_[0] },
        ucfirst  => sub { ucfirst $_[0] },
        lcfirst  => sub { lcfirst $_[0] },
        length   => sub { length $_[0] },
    );
    my $f = $builtin{$filter}
        or bail_out("$name - unknown filter, \"$filter\", specified in the "
                    . "--- response_body_filters section");
    return $f->($content);
}

sub transform_response_body ($$$) {
    my ($block, $res, $req_idx) = @_;
    return unless defined $res;
    my $content = $res->content;
    return unless defined $content;
    my $filters = $block->response_body_filters;
    return unless defined $filters;

    if (!ref $filters) {
        $filters =~ s/^\s+|\s+$//gs;
        $filters = [split /\s+/, $filters];
    } elsif (ref $filters ne 'ARRAY') {
        $filters = [$filters];
    }
    my $filter = $filters;
    if (ref $filters->[0] eq 'ARRAY') {
        # two-dimensional: one filter list per request
        $filter = $filters->[$req_idx];
        bail_out($block->name . " - the --- response_body_filters "
                 . "two-dimensional array does not match request $req_idx")
            unless defined $filter;
    }
    for my $f (ref $filter eq 'ARRAY' ? @$filter : ($filter)) {
        $content = run_filter_helper($block, $f, $content);
    }
    $res->content($content);
}

sub check_response_body ($$$$$$) {
    my ($block, $res, $dry_run, $req_idx, $repeated_req_idx, $need_array) = @_;
    my $name = $block->name;
    my $content = $res ? $res->content : undef;

    if (defined $block->response_body || defined $block->response_body_eval) {
        my $expected;
        if ($block->response_body_eval) {
            diag "$name - response_body_eval is DEPRECATED. Use "
                 . "response_body eval instead.";
            $expected = eval get_indexed_value($name,
                                               $block->response_body_eval,
                                               $req_idx, $need_array);
            warn $@ if $@;
        } else {
            $expected = get_indexed_value($name, $block->response_body,
                                          $req_idx, $need_array);
        }
        Encode::from_to($expected, 'UTF-8', $block->charset)
            if $block->charset;
        if (defined $expected && !ref $expected) {
            $expected =~ s/\$ServerPort\b/$ServerPort/g;
            $expected =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        }
        SKIP: {
            skip "$name - response_body - tests skipped due to $dry_run", 1
                if $dry_run;
            my $desc = "$name - response_body - response is expected "
                       . "(repeated req $repeated_req_idx, req $req_idx)";
            if (ref $expected) {
                like($content, $expected, "$name - response_body - like "
                     . "(repeated req $repeated_req_idx, req $req_idx)");
            } else {
                is($content, $expected, $desc);
            }
        }

    } elsif (defined $block->response_body_like
             || defined $block->response_body_unlike)
    {
        my $type = defined $block->response_body_like ? 'like' : 'unlike';
        my $sec = "response_body_$type";
        my $pat = get_indexed_value($name, $block->$sec, $req_idx,
                                    $need_array);
        $pat =~ s/\$ServerPort\b/$ServerPort/g;
        $pat =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        my $summary = trim($content) // '';
        SKIP: {
            skip "$name - $sec - tests skipped due to $dry_run", 1 if $dry_run;
            my $desc = "$name - $sec - response is expected ($summary)";
            if ($type eq 'like') {
                like($content, qr/$pat/s, $desc);
            } else {
                unlike($content, qr/$pat/s, $desc);
            }
        }
    }

    for my $check (@ResponseBodyChecks) {
        $check->($block, $res ? $res->content : undef, $req_idx,
                 $repeated_req_idx, $dry_run);
    }
}

sub fmt_str ($) {
    my $str = shift;
    chomp $str;
    $str =~ s/"/\\"/g;
    $str =~ s/\r/\\r/g;
    $str =~ s/\n/\\n/g;
    return $str;
}

# Section value (string with one pattern per line, qr//, or an array of
# strings/qr//) -> array ref of patterns.
sub pattern_list ($) {
    my $pats = shift;
    if (!ref $pats) {
        chomp $pats;
        return [split /\n+/, $pats];
    }
    return [$pats] if ref $pats eq 'Regexp';
    return [@$pats];
}

sub line_matches ($$) {
    my ($line, $pat) = @_;
    return ref $pat ? $line =~ /$pat/ : $line =~ /\Q$pat\E/;
}

# --- error_log / access_log style check: every pattern must match a line.
sub check_patterns_present ($$$$$$) {
    my ($block, $pats, $lines, $what, $dry_run, $suffix) = @_;
    my $name = $block->name;
    my @pats = @{ pattern_list($pats) };
    for my $line (@$lines) {
        for my $pat (@pats) {
            next unless defined $pat;
            next unless line_matches($line, $pat);
            SKIP: {
                skip "$name - $what - tests skipped due to $dry_run", 1
                    if $dry_run;
                pass("$name - pattern \"$pat\" matches a line in "
                     . "$what$suffix");
            }
            undef $pat;
        }
    }
    for my $pat (grep { defined } @pats) {
        SKIP: {
            skip "$name - $what - tests skipped due to $dry_run", 1
                if $dry_run;
            fail("$name - pattern \"$pat\" should match a line in "
                 . "$what$suffix");
        }
    }
}

# --- no_error_log style check: no pattern may match any line.
# Emits exactly one subtest per pattern.
sub check_patterns_absent ($$$$$$) {
    my ($block, $pats, $lines, $what, $dry_run, $suffix) = @_;
    my $name = $block->name;
    for my $pat (@{ pattern_list($pats) }) {
        next unless defined $pat;
        my $p = fmt_str($pat);
        my $hit;
        for my $i (0 .. $#$lines) {
            next unless line_matches($lines->[$i], $pat);
            $hit = $i;
            last;
        }
        SKIP: {
            skip "$name - no_$what - tests skipped due to $dry_run", 1
                if $dry_run;
            if (defined $hit) {
                my $ln = fmt_str($lines->[$hit]);
                my $end = min($hit + 10, $#$lines);
                fail("$name - pattern \"$p\" should not match any line in "
                     . "$what but matches line \"$ln\"$suffix\n"
                     . join('', @$lines[$hit + 1 .. $end]));
            } else {
                pass("$name - pattern \"$p\" does not match a line in "
                     . "$what$suffix");
            }
        }
    }
}

sub check_access_log ($$$) {
    my ($block, $dry_run, $repeated_req_idx) = @_;
    my $suffix = " (req $repeated_req_idx)";
    my $lines;
    if (defined $block->access_log) {
        $lines ||= access_log_data();
        check_patterns_present($block, $block->access_log, $lines,
                               'access.log', $dry_run, $suffix);
    }
    if (defined $block->no_access_log) {
        $lines ||= access_log_data();
        check_patterns_absent($block, $block->no_access_log, $lines,
                              'access.log', $dry_run, $suffix);
    }
}

sub check_error_log ($$$$$) {
    my ($block, $res, $dry_run, $repeated_req_idx, $need_array) = @_;
    my $name = $block->name;
    my $suffix = " (req $repeated_req_idx)";
    my $lines;

    my $grep_pat = $block->grep_error_log;
    $grep_pat = $grep_pat->[$repeated_req_idx] if ref $grep_pat eq 'ARRAY';
    if (!defined $block->grep_error_log
        && defined $block->grep_error_log_out)
    {
        bail_out("$name - No --- grep_error_log defined but "
                 . "--- grep_error_log_out is defined");
    }

    if (defined $grep_pat) {
        my $expected = $block->grep_error_log_out;
        bail_out("$name - No --- grep_error_log_out defined but "
                 . "--- grep_error_log is defined") unless defined $expected;
        $expected = $expected->[$repeated_req_idx] if ref $expected eq 'ARRAY';
        SKIP: {
            skip "$name - error_log - tests skipped due to $dry_run", 1
                if $dry_run;
            $lines ||= error_log_data();
            my $matched = '';
            for my $line (@$lines) {
                if (ref $grep_pat ? $line =~ /$grep_pat/
                                  : $line =~ /\Q$grep_pat\E/)
                {
                    $matched .= "$&\n" if $& !~ /\n/;
                }
            }
            if (ref $expected eq 'Regexp') {
                like($matched, $expected, "$name - grep_error_log_out$suffix");
            } else {
                is($matched, $expected, "$name - grep_error_log_out$suffix");
            }
        }
    }

    if (defined $block->error_log) {
        $lines ||= error_log_data();
        check_patterns_present($block, $block->error_log, $lines,
                               'error.log', $dry_run, $suffix);
    }
    if (defined $block->no_error_log) {
        $lines ||= error_log_data();
        check_patterns_absent($block, $block->no_error_log, $lines,
                              'error.log', $dry_run, $suffix);
    }
}

# --- shutdown_error_log / --- no_shutdown_error_log: checked against the
# log lines written since the last check, after nginx has been stopped.
sub check_shutdown_error_log ($$) {
    my ($block, $dry_run) = @_;
    my $lines = error_log_data();
    if (defined $block->no_shutdown_error_log) {
        check_patterns_absent($block, $block->no_shutdown_error_log, $lines,
                              'error.log', $dry_run, '');
    }
    check_patterns_present($block, $block->shutdown_error_log, $lines,
                           'error.log', $dry_run, '');
}

1;
__END__

=head1 NAME

Test::Nginx::Socket - local, dependency-free replacement for upstream
Test::Nginx::Socket (openresty/test-nginx), see t/runner/README.md

=cut
