package SGOP;

# A scripted OpenID provider for the tests of the edge's relying party
# (session_guard_oidc), and a driver of the browser's side of a login.
#
# The fake token endpoint: an HTTP/1.0 server on a free loopback port, run
# by a child of the test process (one grandchild per connection, so a slow
# answer holds up no other); killed at exit.
#
#   my $port = SGOP::start($dir);
#
#   POST /token   the body (Content-Length, or chunked) is read whole and
#                 parsed as application/x-www-form-urlencoded; what came is
#                 written to "$dir/req-<code>.json":
#                   {method, path, query, authorization (or null),
#                    content_type (or null), headers {lowercased name:
#                    value}, body (raw), form {name: value (the first)},
#                    form_pairs [[name, value], ...]}
#                 and a line of the same JSON is appended to
#                 "$dir/requests.log".  The answer is "$dir/code-<code>.json":
#                   {"status": 200, "body": "raw text" (an object or array
#                    is sent as JSON), "content_type": "application/json",
#                    "headers": {name: value}, "delay": seconds (a float),
#                    "close": true (close without answering, after delay),
#                    "raw": "whole response, sent as is"}
#                 no such file, or no code: 400 {"error":"invalid_grant"}.
#                 A refresh (grant_type=refresh_token) is answered by
#                 "$dir/refresh-<refresh token's code_key>.json" instead.
#                 <code> is the code itself when it is made of
#                 [A-Za-z0-9._~-] (at most 128), else "x-" and the hex
#                 SHA-256 of it, "_none_" without one: SGOP::code_key().
#   /token with another method: recorded likewise, answered 405.
#   any other path: 404.
#
# The browser, for "--- init" code (after nginx started):
#
#   my $res = SGOP::login(dir => $dir, path => '/app/page?x=1', ...);
#   SGOP::write_result('login.txt', SGOP::summary($res));
#
# See login() for its options and result, summary() for the stable lines,
# id_token() for the ID tokens, jwks_file() for the keys nginx must read.
#
# Keys are SGTest's (t/tmp/keys): by default ES256 with "ec256" (kid
# "ec256"), whose public key is in $TEST_NGINX_KEYS/ec256.jwks and in
# $TEST_NGINX_KEYS/all.jwks (with rsa1, rsa2, ec384, ec521, ed1).
#
# SGTest is loaded when first needed: the test file loads it (after
# Test::Nginx::Socket) anyway, and this file then compiles alone.

use strict;
use warnings;

use Digest::SHA qw(sha256 sha256_hex);
use Fcntl qw(:flock);
use IO::Select;
use IO::Socket::INET;
use JSON::PP ();
use MIME::Base64 qw(encode_base64url decode_base64);
use POSIX ();
use URI;
use URI::Escape qw(uri_escape uri_unescape);

my $JSON = JSON::PP->new->canonical(1)->allow_nonref(1);

our $TIMEOUT = 10;     # seconds a request to the edge may take

my @CHILDREN;
my $PARENT = $$;

sub _sgtest {
    require SGTest;
    return 1;
}

sub _write_file {
    my ($path, $data) = @_;
    open my $fh, '>', "$path.tmp.$$" or die "$path: $!";
    binmode $fh;
    print $fh $data;
    close $fh or die "$path: $!";
    rename "$path.tmp.$$", $path or die "$path: $!";
}

sub _read_file {
    my ($path) = @_;
    open my $fh, '<', $path or return undef;
    binmode $fh;
    local $/;
    return scalar <$fh>;
}

# the name part of the files of a code
sub code_key {
    my ($code) = @_;
    return '_none_' unless defined $code;
    return $code if $code =~ /\A[A-Za-z0-9._~-]{1,128}\z/;
    return 'x-' . sha256_hex($code);
}

# --------------------------------------------------------------------------
# the token endpoint

sub start {
    my ($dir) = @_;
    die "SGOP::start: no directory\n" unless defined $dir && -d $dir;

    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                    LocalPort => 0, Listen => 64,
                                    ReuseAddr => 1, Proto => 'tcp')
        or die "fake OP: $!";
    my $port = $srv->sockport;

    my $pid = fork;
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        $SIG{CHLD} = 'IGNORE';
        $SIG{TERM} = sub { POSIX::_exit(0) };
        _serve($srv, $dir);
        POSIX::_exit(0);
    }

    close $srv;
    push @CHILDREN, $pid;

    return $port;
}

# the server (not its clients, nor processes forked by the test)
END {
    if ($$ == $PARENT) {
        for my $pid (@CHILDREN) {
            kill 'TERM', $pid;
            waitpid $pid, 0;
        }
    }
}

sub _serve {
    my ($srv, $dir) = @_;

    while (1) {
        my $c = $srv->accept or next;
        my $pid = fork;

        if (!defined $pid || $pid) {
            close $c;
            next;
        }

        $SIG{TERM} = 'DEFAULT';
        $SIG{ALRM} = sub { POSIX::_exit(0) };
        alarm 60;
        close $srv;
        eval { _answer($c, $dir) };
        close $c;
        POSIX::_exit(0);
    }
}

# reads up to "\r\n\r\n"; returns (head, what was read past it)
sub _read_head {
    my ($c) = @_;
    my $buf = '';
    while ($buf !~ /\r?\n\r?\n/) {
        my $n = sysread($c, $buf, 8192, length $buf);
        return unless $n;
        return if length $buf > 65536;
    }
    my ($head, $rest) = split /\r?\n\r?\n/, $buf, 2;
    return ($head, $rest // '');
}

sub _read_more {
    my ($c, $bufref, $want) = @_;
    while (length $$bufref < $want) {
        my $n = sysread($c, $$bufref, $want - length $$bufref,
                        length $$bufref);
        return 0 unless $n;
    }
    return 1;
}

sub _read_body {
    my ($c, $h, $rest) = @_;

    if (($h->{'transfer-encoding'} // '') =~ /chunked/i) {
        my ($body, $buf) = ('', $rest);
        while (1) {
            while ($buf !~ /\r\n/) {
                sysread($c, $buf, 8192, length $buf) or return $body;
            }
            $buf =~ s/\A([0-9a-fA-F]+)[^\r\n]*\r\n// or return $body;
            my $len = hex $1;
            last if $len == 0;
            _read_more($c, \$buf, $len + 2) or return $body . $buf;
            $body .= substr($buf, 0, $len);
            substr($buf, 0, $len + 2) = '';
        }
        return $body;
    }

    my $len = $h->{'content-length'} // 0;
    $len = 0 unless $len =~ /\A\d+\z/;
    my $body = substr($rest, 0, $len);
    _read_more($c, \$body, $len);
    return $body;
}

sub _form_decode {
    my ($s) = @_;
    $s =~ tr/+/ /;
    return uri_unescape($s);
}

sub parse_form {
    my ($body) = @_;
    my (%form, @pairs);
    for my $part (split /&/, $body // '') {
        next if $part eq '';
        my ($k, $v) = split /=/, $part, 2;
        $k = _form_decode($k);
        $v = defined $v ? _form_decode($v) : '';
        push @pairs, [$k, $v];
        $form{$k} = $v unless exists $form{$k};
    }
    return (\%form, \@pairs);
}

sub _respond {
    my ($c, $status, $body, %o) = @_;
    $body = $JSON->encode($body) if ref $body;
    $body //= '';
    my %text = (200 => 'OK', 201 => 'Created', 204 => 'No Content',
                302 => 'Found', 400 => 'Bad Request',
                401 => 'Unauthorized', 403 => 'Forbidden',
                404 => 'Not Found', 405 => 'Method Not Allowed',
                500 => 'Internal Server Error', 502 => 'Bad Gateway',
                503 => 'Service Unavailable');
    my $out = "HTTP/1.0 $status " . ($text{$status} // 'Whatever') . "\r\n";
    $out .= "Content-Type: $o{content_type}\r\n"
        if defined $o{content_type} && $o{content_type} ne '';
    my $extra = $o{headers} || {};
    $out .= "$_: $extra->{$_}\r\n" for sort keys %$extra;
    $out .= "Content-Length: " . length($body) . "\r\n"
          . "Connection: close\r\n\r\n$body";
    syswrite($c, $out);
}

sub _answer {
    my ($c, $dir) = @_;

    my ($head, $rest) = _read_head($c);
    return unless defined $head;

    my ($line, @lines) = split /\r?\n/, $head;
    my ($method, $target) = $line =~ m{^(\S+)\s+(\S+)};
    return unless defined $target;

    my %h;
    for (@lines) {
        my ($k, $v) = split /:\s*/, $_, 2;
        next unless defined $v;
        $h{lc $k} = exists $h{lc $k} ? "$h{lc $k}, $v" : $v;
    }

    my $body = _read_body($c, \%h, $rest);
    my ($path, $query) = split /\?/, $target, 2;

    if ($path ne '/token') {
        _respond($c, 404, { error => 'not_found' },
                 content_type => 'application/json');
        return;
    }

    my ($form, $pairs) = parse_form($body);
    my $key = code_key($form->{code});
    my $req = {
        method => $method, path => $path, query => $query,
        authorization => $h{authorization},
        content_type => $h{'content-type'},
        headers => \%h, body => $body,
        form => $form, form_pairs => $pairs,
        code_key => $key, time => time,
    };
    my $json = $JSON->encode($req);

    _write_file("$dir/req-$key.json", $json);
    if (open my $log, '>>', "$dir/requests.log") {
        flock($log, LOCK_EX);
        syswrite($log, "$json\n");
        close $log;
    }

    if ($method ne 'POST') {
        _respond($c, 405, { error => 'invalid_request' },
                 content_type => 'application/json');
        return;
    }

    # a refresh (grant_type=refresh_token) is answered by the file of its
    # refresh token: "$dir/refresh-<code_key(refresh_token)>.json"
    my $file = defined $form->{code} ? "$dir/code-$key.json"
        : ($form->{grant_type} // '') eq 'refresh_token'
          && defined $form->{refresh_token}
        ? "$dir/refresh-" . code_key($form->{refresh_token}) . '.json'
        : undef;
    my $spec = defined $file
        ? eval { JSON::PP::decode_json(_read_file($file) // die) }
        : undef;

    if (!$spec) {
        _respond($c, 400, { error => 'invalid_grant' },
                 content_type => 'application/json');
        return;
    }

    select(undef, undef, undef, $spec->{delay}) if $spec->{delay};
    return if $spec->{close};

    if (defined $spec->{raw}) {
        syswrite($c, $spec->{raw});
        return;
    }

    _respond($c, $spec->{status} // 200, $spec->{body},
             content_type => exists $spec->{content_type}
                             ? $spec->{content_type} : 'application/json',
             headers => $spec->{headers});
}

# what the edge sent to the token endpoint with a code: the last request
# (undef: none), and all of them in order
sub token_request {
    my ($dir, $code) = @_;
    my $json = _read_file("$dir/req-" . code_key($code) . ".json");
    return defined $json ? JSON::PP::decode_json($json) : undef;
}

sub token_requests {
    my ($dir, $code) = @_;
    my $key = code_key($code);
    my $log = _read_file("$dir/requests.log") // '';
    return grep { $_->{code_key} eq $key }
           map { JSON::PP::decode_json($_) } grep { length } split /\n/, $log;
}

# --------------------------------------------------------------------------
# keys and ID tokens

my %DEFAULT_KEY = (ES256 => 'ec256', ES384 => 'ec384', ES512 => 'ec521',
                   EdDSA => 'ed25519', RS => 'rsa', PS => 'rsa');

# jwks_file(): the JWKS file of the default key (ec256), as SGTest wrote it;
# jwks_file($path, @names): writes a JWKS of those test keys (default
# "ec256") to $path and returns $path.
sub jwks_file {
    my ($path, @names) = @_;
    _sgtest();
    SGTest::ensure_keys();
    return "$SGTest::SG_KEYS/ec256.jwks" unless defined $path;
    @names = ('ec256') unless @names;
    _write_file($path, SGTest::json_c({
        keys => [ map { SGTest::sg_jwk($_) } @names ] }));
    return $path;
}

# an ID token, signed here (so that any header member can be set):
#
#   id_token(alg => 'ES256', key => 'ec256' (by alg), secret => (HS*),
#            nonce => $n, claims => {name => value | undef (removed)},
#            header => {name => value | undef (removed)}, ttl => 300)
#
# Claims: iss "https://idp.test/", aud "edge-client", sub "alice",
# sid "idp-sid-1", nonce (when given), iat and auth_time now, exp now +
# ttl, acr "1", amr ["pwd"].  Header: alg, typ "JWT", kid of the key
# (hs1 for HS*).  alg "none": no signature; the header's alg may differ
# from the one signed with (header => {alg => ...}).
sub id_token {
    my (%o) = @_;
    _sgtest();
    my $alg = $o{alg} // 'ES256';
    my $now = time;

    my %claims = (
        iss => 'https://idp.test/', aud => 'edge-client', sub => 'alice',
        sid => 'idp-sid-1', iat => $now, auth_time => $now,
        exp => $now + ($o{ttl} // 300), acr => '1', amr => ['pwd'],
    );
    $claims{nonce} = $o{nonce} if defined $o{nonce};

    my ($pk, $secret, $kid, $type);
    if ($alg =~ /^HS/) {
        SGTest::ensure_keys();
        $secret = $o{secret}
                  // SGTest::read_file("$SGTest::SG_KEYS/hs.secret");
        $kid = 'hs1';
    } elsif ($alg ne 'none') {
        my $name = $o{key} // $DEFAULT_KEY{$alg}
                   // $DEFAULT_KEY{ substr($alg, 0, 2) }
            or die "SGOP::id_token: no key for $alg\n";
        $pk = SGTest::sg_key($name);
        $kid = SGTest::sg_jwk($name)->{kid};
        $type = ref $pk;
    }

    my %header = (alg => $alg, typ => 'JWT');
    $header{kid} = $kid if defined $kid;

    for my $pair ([\%header, $o{header}], [\%claims, $o{claims}]) {
        my ($to, $from) = @$pair;
        next unless $from;
        for my $k (keys %$from) {
            if (defined $from->{$k}) { $to->{$k} = $from->{$k} }
            else { delete $to->{$k} }
        }
    }

    my $input = encode_base64url($JSON->encode(\%header)) . '.'
                . encode_base64url($JSON->encode(\%claims));
    my $sig = '';
    my ($bits) = $alg =~ /(\d+)$/;
    my $hash = 'SHA' . ($bits || 256);

    if ($alg =~ /^HS/) {
        require Crypt::Mac::HMAC;
        $sig = Crypt::Mac::HMAC::hmac($hash, $secret, $input);
    } elsif ($alg eq 'none') {
        $sig = '';
    } elsif ($type =~ /ECC/) {
        $sig = $pk->sign_message_rfc7518($input, $hash);
    } elsif ($type =~ /Ed25519/) {
        $sig = $pk->sign_message($input);
    } else {
        $sig = $alg =~ /^PS/
             ? $pk->sign_message($input, $hash, 'pss', $bits / 8)
             : $pk->sign_message($input, $hash, 'v1.5');
    }

    return "$input." . encode_base64url($sig);
}

# --------------------------------------------------------------------------
# the browser

# request($port, $method, $path, $headers, $body, %o): one HTTP/1.0
# request to the edge ("Host: localhost" unless headers give Host; undef
# value: header not sent); $headers a hash or a list of pairs.  %o: tls
# => 1 (https, no verification), timeout => seconds.  Returns (status,
# {lowercased name => value, "set-cookie" => [lines]}, body); status 599
# when the connection failed or nothing came.
sub request {
    my ($port, $method, $path, $headers, $body, %o) = @_;
    my $timeout = $o{timeout} // $TIMEOUT;

    my @pairs = ref $headers eq 'ARRAY' ? @$headers
              : map { ($_, $headers->{$_}) } sort keys %{ $headers || {} };
    unshift @pairs, Host => 'localhost'
        unless grep { $_ % 2 == 0 && lc $pairs[$_] eq 'host' } 0 .. $#pairs;

    my $sock;
    if ($o{tls}) {
        require IO::Socket::SSL;
        $sock = IO::Socket::SSL->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Timeout => $timeout,
                                     SSL_verify_mode => 0,
                                     SSL_hostname => $o{sni} // 'localhost');
    } else {
        $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port,
                                      Timeout => $timeout);
    }
    return (599, { 'set-cookie' => [] }, '') unless $sock;

    my $req = "$method $path HTTP/1.0\r\n";
    while (my ($k, $v) = splice @pairs, 0, 2) {
        $req .= "$k: $v\r\n" if defined $v;
    }
    $req .= "Content-Length: " . length($body) . "\r\n" if defined $body;
    $req .= "\r\n" . ($body // '');
    print $sock $req;

    my $res = '';
    my $deadline = time + $timeout;
    if ($o{tls}) {
        local $/;
        $res = <$sock> // '';
    } else {
        my $sel = IO::Select->new($sock);
        while (time <= $deadline) {
            last unless $sel->can_read($deadline - time + 0.1);
            my $n = sysread($sock, $res, 65536, length $res);
            last unless $n;
        }
    }
    close $sock;

    my ($head, $content) = split /\r\n\r\n/, $res, 2;
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($status) = ($status_line // '') =~ m{^HTTP/\S+ (\d+)};
    my %h = ('set-cookie' => []);
    for (@lines) {
        my ($k, $v) = split /:\s*/, $_, 2;
        next unless defined $v;
        $k = lc $k;
        if ($k eq 'set-cookie') {
            push @{ $h{$k} }, $v;
        } else {
            $h{$k} = defined $h{$k} ? "$h{$k}, $v" : $v;
        }
    }
    return ($status // 599, \%h, $content // '');
}

sub get {
    my ($port, $path, $headers, %o) = @_;
    return request($port, 'GET', $path, $headers, undef, %o);
}

# "name=value" and the name of a Set-Cookie line
sub cookie_pair {
    my ($line) = @_;
    my ($pair) = split /;/, $line // '', 2;
    $pair =~ s/^\s+|\s+$//g;
    my ($name, $value) = split /=/, $pair, 2;
    return ($pair, $name, $value // '');
}

# the first Set-Cookie line whose name matches (a non-empty value first)
sub find_cookie {
    my ($lines, $re) = @_;
    my @m = grep { (cookie_pair($_))[1] =~ $re } @{ $lines || [] };
    my ($full) = grep { (cookie_pair($_))[2] ne '' } @m;
    return $full // $m[0];
}

my %CANON = map { lc($_) => $_ }
            qw(Path Domain SameSite Max-Age Expires Secure HttpOnly
               Partitioned Priority);

# the attributes of a Set-Cookie line, sorted, without its value:
# Path, Domain, SameSite with their values; Max-Age as "Max-Age" (more
# than 0) or "Max-Age=0" (0 or less); Expires as "Expires" or
# "Expires=past"; others (Secure, HttpOnly...) by name.
sub cookie_attrs {
    my ($line) = @_;
    my (undef, @attrs) = split /;/, $line // '';
    my @out;
    for my $attr (@attrs) {
        $attr =~ s/^\s+|\s+$//g;
        next if $attr eq '';
        my ($k, $v) = split /=/, $attr, 2;
        $k =~ s/\s+$//;
        $v =~ s/^\s+// if defined $v;
        my $name = $CANON{lc $k} // $k;
        if ($name =~ /^(Path|Domain|SameSite|Priority)$/) {
            push @out, "$name=" . ($v // '');
        } elsif ($name eq 'Max-Age') {
            push @out, (defined $v && $v =~ /^-?\d+$/ && $v <= 0)
                       ? 'Max-Age=0' : 'Max-Age';
        } elsif ($name eq 'Expires') {
            require HTTP::Date;
            my $t = defined $v ? HTTP::Date::str2time($v) : undef;
            push @out, !defined $t ? 'Expires=?'
                     : $t <= time ? 'Expires=past' : 'Expires';
        } else {
            push @out, $name;
        }
    }
    return join ' ', sort { lc $a cmp lc $b } @out;
}

# "name attrs", "name (empty) attrs" for a deletion
sub cookie_desc {
    my ($line) = @_;
    my (undef, $name, $value) = cookie_pair($line);
    my $attrs = cookie_attrs($line);
    return join ' ', grep { length } $name, ($value eq '' ? '(empty)' : ''),
                                     $attrs;
}

sub _call {
    my ($port, $path, $headers, %o) = @_;
    my ($status, $h, $body) = get($port, $path, $headers, %o);
    return { url => $path, status => $status, headers => $h,
             location => $h->{location}, set_cookie => $h->{'set-cookie'},
             body => $body };
}

# the path (and query) of a Location on the edge itself, or undef
sub _local_target {
    my ($loc) = @_;
    return undef unless defined $loc;
    return $loc if $loc =~ m{^/(?!/)};
    my $u = URI->new($loc);
    return undef unless ($u->scheme // '') =~ /^https?$/
                     && ($u->host // '') =~ /^(localhost|127\.0\.0\.1)$/;
    return $u->path_query;
}

sub _b64u_ok { defined $_[0] && $_[0] =~ /\A[A-Za-z0-9_-]+\z/ }

# login(%opt): the browser's side of a login at the edge.
#
#   port        the edge's port (default: Test::Nginx's server port)
#   dir         the fake OP's directory (required)
#   path        the protected URL ('/app/page?x=1'); undef: step a is
#               skipped (give state and cookie then)
#   accept      Accept of the browser's requests ('text/html')
#   host        Host of every request ('localhost')
#   headers     more headers for every request to the edge (hash)
#   tls, timeout  see request()
#   code        the code (default random, "c-" and 24 hex digits)
#   error       the IdP sends ?error=<value>&state=... instead of a code
#   state       the state sent back (default: the authorize redirect's;
#               undef: none sent)
#   cookie      the Cookie header of the callback (default: the pre-login
#               cookie's name=value; undef: none sent)
#   callback    the callback path ('/session_guard/callback')
#   query       the whole query of the callback, instead of the one made
#   params      more callback parameters (hash; e.g. iss), after the others
#   alg, key, secret, ttl, header, claims
#               the ID token's (see id_token(); nonce: the authorize
#               redirect's unless claims => {nonce => ...} sets or removes
#               it)
#   id_token    a token to use as is, or a sub($nonce) that makes one
#   token_fields  members of the default token answer to set (undef:
#               remove), e.g. {id_token => undef, token_type => 'DPoP'}
#   token_answer  {status, body, content_type, headers, delay, close, raw}
#               instead of the default {200, {"access_token": "at-1",
#               "token_type": "Bearer", "expires_in": 300, "id_token":
#               ...}}; a body string's "{{id_token}}" is replaced by the
#               token; a hash or array body is sent as JSON
#   replay      1: the same callback request again, before following;
#               'last': after following
#   follow      0: do not follow the callback's redirect (default 1)
#   after_headers  more headers for that request (hash)
#
# Steps: a. GET path; b. the answer for the code; c. GET the callback;
# replay (1); d. what the edge sent the token endpoint; e. GET the
# callback's Location (when a redirect to the edge itself) with the
# session cookie (the Set-Cookie whose name ends in "sg_login"); replay
# ('last').
#
# Returns a hash: authorize, callback, replay, after (each {url, status,
# location, set_cookie [lines], headers, body}; the callback's, replay's
# body cut to 300 bytes); authorize->{params} (first values),
# authorize->{param_names} (sorted, repeats kept); state, nonce,
# code_challenge, code_challenge_method (sent by the edge); state_cookie
# (the Set-Cookie line), state_cookie_pair; session_cookie (line),
# session_cookie_pair; code, id_token, token_answer; token_request (what
# the edge sent, see start()), token_requests (how many with that code);
# pkce ('ok', 'mismatch', 'no verifier', 'no challenge', 'plain' when the
# method was plain and the verifier equals the challenge) and pkce_ok;
# grant_type, redirect_uri, client_id, code_sent (of the form),
# authorization (header), client_auth ('basic', 'post', 'none'),
# basic_user, basic_password; redirect_uri_same (the form's equals the
# authorize redirect's); stopped (why the flow ended early).
sub login {
    my (%o) = @_;
    my $dir = $o{dir} // die "SGOP::login: no dir\n";
    my $port = $o{port} // do {
        Test::Nginx::Util::server_port_for_client()
            || Test::Nginx::Util::server_port();
    };
    my $accept = $o{accept} // 'text/html';
    my %base = (%{ $o{headers} || {} });
    $base{Host} = $o{host} // 'localhost'
        unless grep { lc eq 'host' } keys %base;
    my %conn = (tls => $o{tls}, timeout => $o{timeout});
    my $res = { port => $port };

    # a. the protected URL
    if (defined $o{path}) {
        my $az = _call($port, $o{path}, { %base, Accept => $accept }, %conn);
        $res->{authorize} = $az;
        $az->{params} = {};
        $az->{param_names} = [];
        if (defined $az->{location}) {
            my $u = URI->new($az->{location});
            my @q = $u->query_form;
            while (my ($k, $v) = splice @q, 0, 2) {
                push @{ $az->{param_names} }, $k;
                $az->{params}{$k} = $v unless exists $az->{params}{$k};
            }
            @{ $az->{param_names} } = sort @{ $az->{param_names} };
            my $e = $u->clone;
            $e->query(undef);
            $az->{endpoint} = "$e";
        }
        $res->{$_} = $az->{params}{$_}
            for qw(state nonce code_challenge code_challenge_method);
        $res->{state_cookie} = find_cookie($az->{set_cookie},
                                           qr/sg_login_state$/);
        $res->{state_cookie_pair} = (cookie_pair($res->{state_cookie}))[0]
            if defined $res->{state_cookie};

        if (!defined $az->{location} && !exists $o{state}
            && !exists $o{cookie})
        {
            $res->{stopped} = 'no redirect to the provider';
            return $res;
        }
    }

    # b. the provider's answer for the code
    my $code = $o{code} // sprintf('c-%s', unpack('H*', join '',
                                   map { chr int rand 256 } 1 .. 12));
    $res->{code} = $code;

    if (!defined $o{error}) {
        my $claims = { %{ $o{claims} || {} } };
        my $nonce = exists $claims->{nonce} ? $claims->{nonce}
                                            : $res->{nonce};
        delete $claims->{nonce};
        my $idt = ref $o{id_token} eq 'CODE' ? $o{id_token}->($nonce)
                : defined $o{id_token} ? $o{id_token}
                : id_token(alg => $o{alg}, key => $o{key},
                           secret => $o{secret}, ttl => $o{ttl},
                           header => $o{header}, claims => $claims,
                           nonce => $nonce);
        $res->{id_token} = $idt;

        my $ans;
        if ($o{token_answer}) {
            $ans = { %{ $o{token_answer} } };
            $ans->{body} =~ s/\{\{id_token\}\}/$idt/g
                if defined $ans->{body} && !ref $ans->{body};
        } else {
            my %body = (access_token => 'at-1', token_type => 'Bearer',
                        expires_in => 300, id_token => $idt);
            my $f = $o{token_fields} || {};
            for my $k (keys %$f) {
                if (defined $f->{$k}) { $body{$k} = $f->{$k} }
                else { delete $body{$k} }
            }
            $ans = { status => 200, content_type => 'application/json',
                     body => $JSON->encode(\%body) };
        }
        $ans->{body} = $JSON->encode($ans->{body}) if ref $ans->{body};
        $res->{token_answer} = $ans;
        _write_file("$dir/code-" . code_key($code) . ".json",
                    $JSON->encode($ans));
    }

    # c. the callback
    my $query = $o{query};
    if (!defined $query) {
        my $state = exists $o{state} ? $o{state} : $res->{state};
        my @q = defined $o{error} ? (error => $o{error}) : (code => $code);
        push @q, state => $state if defined $state;
        my $p = $o{params} || {};
        push @q, map { ($_ => $p->{$_}) } sort keys %$p;
        my @parts;
        while (my ($k, $v) = splice @q, 0, 2) {
            push @parts, uri_escape($k) . '=' . uri_escape($v);
        }
        $query = join '&', @parts;
    }
    my $cb = ($o{callback} // '/session_guard/callback')
             . (length $query ? "?$query" : '');
    my $cookie = exists $o{cookie} ? $o{cookie} : $res->{state_cookie_pair};
    my %cbh = (%base, Accept => $accept);
    $cbh{Cookie} = $cookie if defined $cookie;

    my $c = _call($port, $cb, \%cbh, %conn);
    $c->{body} = substr($c->{body}, 0, 300);
    $res->{callback} = $c;
    $res->{session_cookie} = find_cookie($c->{set_cookie}, qr/sg_login$/);
    $res->{session_cookie_pair} = (cookie_pair($res->{session_cookie}))[0]
        if defined $res->{session_cookie};

    my $replay = sub {
        my $r = _call($port, $cb, \%cbh, %conn);
        $r->{body} = substr($r->{body}, 0, 300);
        $res->{replay} = $r;
    };
    $replay->() if $o{replay} && $o{replay} ne 'last';

    # d. what the edge sent the token endpoint
    _read_token_request($res, $dir, $code);

    # e. back to the application
    my $target = _local_target($c->{location});
    if (($o{follow} // 1) && $c->{status} =~ /^30[1237]$/
        && defined $target)
    {
        my %h = (%base, Accept => $accept, %{ $o{after_headers} || {} });
        $h{Cookie} = $res->{session_cookie_pair}
            if defined $res->{session_cookie_pair} && !exists $h{Cookie};
        $res->{after} = _call($port, $target, \%h, %conn);
    }

    if ($o{replay} && $o{replay} eq 'last') {
        $replay->();
        _read_token_request($res, $dir, $code);
    }

    return $res;
}

sub _read_token_request {
    my ($res, $dir, $code) = @_;
    my $t = token_request($dir, $code);
    $res->{token_request} = $t;
    $res->{token_requests} = () = token_requests($dir, $code);
    $res->{pkce_ok} = 0;
    return unless $t;

    my $f = $t->{form};
    $res->{grant_type} = $f->{grant_type};
    $res->{redirect_uri} = $f->{redirect_uri};
    $res->{client_id} = $f->{client_id};
    $res->{code_sent} = $f->{code};
    $res->{authorization} = $t->{authorization};

    my $auth = $t->{authorization} // '';
    if ($auth =~ /^Basic\s+(\S+)/i) {
        $res->{client_auth} = 'basic';
        my ($u, $p) = split /:/, decode_base64($1), 2;
        ($res->{basic_user}, $res->{basic_password}) =
            map { defined $_ ? _form_decode($_) : undef } $u, $p;
    } elsif (defined $f->{client_secret}) {
        $res->{client_auth} = 'post';
    } elsif (defined $f->{client_assertion}) {
        $res->{client_auth} = 'jwt';
    } else {
        $res->{client_auth} = 'none';
    }

    my $sent_uri = $res->{authorize} && $res->{authorize}{params}{redirect_uri};
    $res->{redirect_uri_same} = defined $sent_uri && defined $f->{redirect_uri}
                                && $sent_uri eq $f->{redirect_uri} ? 1 : 0;

    my ($v, $ch) = ($f->{code_verifier}, $res->{code_challenge});
    my $method = $res->{code_challenge_method} // 'plain';
    $res->{pkce} = !defined $v ? 'no verifier'
                 : !defined $ch ? 'no challenge'
                 : $method eq 'S256'
                   ? (encode_base64url(sha256($v)) eq $ch ? 'ok' : 'mismatch')
                 : $v eq $ch ? 'plain' : 'mismatch';
    $res->{pkce_ok} = $res->{pkce} eq 'ok' ? 1 : 0;
}

# --------------------------------------------------------------------------
# stable lines

# the edge's own origin (http(s)://localhost or 127.0.0.1, any port)
# taken off a Location; other values keep theirs with the port as PORT
sub _stable_loc {
    my ($loc, $port) = @_;
    return undef unless defined $loc;
    $loc =~ s{^https?://(?:localhost|127\.0\.0\.1)(?::\Q$port\E)?(?=/)}{};
    return $loc;
}

sub _stable_val {
    my ($v, $port) = @_;
    return '' unless defined $v;
    $v =~ s{(//(?:localhost|127\.0\.0\.1)):\Q$port\E\b}{$1:PORT}g;
    return $v;
}

sub _first_line {
    my ($s) = @_;
    return '' unless defined $s;
    my ($l) = split /\r?\n/, $s, 2;
    return $l // '';
}

my @DEFAULT_KEYS = qw(authorize callback token replay after);

# summary($res, @keys): lines without random values ("\n" after each).
#
#   authorize         authorize: 302 params: client_id ... state
#                     (names sorted, repeats kept; "no redirect" without)
#   authorize_to      authorize to: https://idp.test/authorize
#   authorize_values  authorize values: k=v ... of the params other than
#                     state, nonce, code_challenge
#   randoms           random values: code_challenge 43 b64u, nonce 43
#                     b64u, state 43 b64u ("missing" when not sent)
#   state_cookie      state cookie: <cookie_desc> | none
#   callback          callback: 302 to /app/page?x=1 (the edge's origin
#                     taken off)
#   callback_cookies  callback cookie: <cookie_desc>, one line each, sorted
#   token             token request: grant_type=... pkce=ok
#                     client_auth=basic redirect_uri=same|other|none
#                     | token request: none
#   token_count       token requests: N
#   token_form        token form: names sorted
#   client            client: id=<client_id> basic=<user>  (as sent)
#   replay            replay: 400 [to ...]  (only when replayed)
#   after             after: 200 <first line of the body> (only when
#                     followed)
#
# Default keys: authorize callback token replay after.
sub summary {
    my ($res, @keys) = @_;
    @keys = @DEFAULT_KEYS unless @keys;
    my $port = $res->{port} // 0;
    my @out;

    for my $k (@keys) {
        my $az = $res->{authorize};
        if ($k eq 'authorize') {
            next unless $az;
            push @out, "authorize: $az->{status} "
                . (defined $az->{location}
                   ? "params: @{ $az->{param_names} }" : 'no redirect');
        } elsif ($k eq 'authorize_to') {
            next unless $az;
            push @out, 'authorize to: '
                . _stable_val($az->{endpoint} // 'none', $port);
        } elsif ($k eq 'authorize_values') {
            next unless $az;
            my $p = $az->{params};
            push @out, 'authorize values: ' . join ' ',
                map { "$_=" . _stable_val($p->{$_}, $port) }
                grep { !/^(state|nonce|code_challenge)$/ } sort keys %$p;
        } elsif ($k eq 'randoms') {
            push @out, 'random values: ' . join ', ', map {
                my $v = $res->{$_};
                !defined $v ? "$_ missing"
                : "$_ " . length($v) . (_b64u_ok($v) ? ' b64u' : ' other')
            } qw(code_challenge nonce state);
        } elsif ($k eq 'state_cookie') {
            push @out, 'state cookie: ' . (defined $res->{state_cookie}
                ? cookie_desc($res->{state_cookie}) : 'none');
        } elsif ($k eq 'callback') {
            my $c = $res->{callback} or next;
            push @out, "callback: $c->{status}"
                . (defined $c->{location}
                   ? ' to ' . _stable_val(_stable_loc($c->{location}, $port),
                                          $port)
                   : '');
        } elsif ($k eq 'callback_cookies') {
            my $c = $res->{callback} or next;
            push @out, map { "callback cookie: $_" }
                sort map { cookie_desc($_) } @{ $c->{set_cookie} };
        } elsif ($k eq 'token') {
            if (!$res->{token_request}) {
                push @out, 'token request: none';
                next;
            }
            push @out, 'token request: '
                . 'grant_type=' . ($res->{grant_type} // '-')
                . ' pkce=' . ($res->{pkce} =~ s/ /_/gr)
                . ' client_auth=' . $res->{client_auth}
                . ' redirect_uri=' . (!defined $res->{redirect_uri} ? 'none'
                    : $res->{redirect_uri_same} ? 'same' : 'other');
        } elsif ($k eq 'token_count') {
            push @out, 'token requests: ' . ($res->{token_requests} // 0);
        } elsif ($k eq 'token_form') {
            my $t = $res->{token_request};
            push @out, 'token form: '
                . ($t ? join ' ', sort map { $_->[0] } @{ $t->{form_pairs} }
                      : 'none');
        } elsif ($k eq 'client') {
            push @out, 'client: id=' . ($res->{client_id} // '-')
                . ' basic=' . ($res->{basic_user} // '-');
        } elsif ($k eq 'replay') {
            my $r = $res->{replay} or next;
            push @out, "replay: $r->{status}"
                . (defined $r->{location}
                   ? ' to ' . _stable_val(_stable_loc($r->{location}, $port),
                                          $port)
                   : '');
        } elsif ($k eq 'after') {
            my $r = $res->{after} or next;
            my $l = _first_line($r->{body});
            push @out, "after: $r->{status}" . (length $l ? " $l" : '');
        } else {
            die "SGOP::summary: no key $k\n";
        }
    }

    return join '', map { "$_\n" } @out;
}

# writes html/<name> (for the block to GET); the lines are joined as given
sub write_result {
    my ($name, @text) = @_;
    my $path = Test::Nginx::Util::html_dir() . "/$name";
    _write_file($path, join '', @text);
    return $path;
}

1;
