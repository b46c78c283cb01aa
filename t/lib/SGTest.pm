package SGTest;

# Shared helpers for the ngx_session_guard test suite.
#
# Works under upstream Test::Nginx and under the bundled runner alike: it
# only uses add_block_preprocessor() and environment variables.
#
#  - every block gets "load_module <module>" prepended to its main_config;
#  - test keys are generated on first use into t/tmp/keys (never committed)
#    and published as JWKS/PEM files there; $TEST_NGINX_KEYS points at it
#    and $TEST_NGINX_DATA at t/data;
#  - sg_token() mints signed JWTs with those keys (Crypt::JWT), raw_token()
#    assembles arbitrary (malformed) ones;
#  - eval_at_block_start() makes a file's time-bound values (a short-lived
#    token, a DPoP proof's iat) as old as the block, not as the file, and
#    sg_at_request() makes one when the block's requests are built.

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter ();
use Fcntl qw(:flock);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use JSON::PP ();
use MIME::Base64 qw(encode_base64url);
use Digest::SHA qw(sha256);
use Crypt::JWT qw(encode_jwt);
use Crypt::PK::RSA;
use Crypt::PK::ECC;
use Crypt::PK::Ed25519;

our @EXPORT = qw(sg_token raw_token b64u sg_key sg_jwk json_c sg_id
                 eval_at_block_start sg_at_request sg_sketch_exact
                 $SG_ROOT $SG_KEYS $SG_DATA);

# Test::Base evaluates "--- section eval" code in package
# Test::Base::Filter, so the helpers are exported there as well.
sub import {
    my $class = shift;
    my @names = @_ ? @_ : @EXPORT;
    Exporter::export($class, scalar caller, @names);
    Exporter::export($class, 'Test::Base::Filter', @names);
}

our $SG_ROOT = abs_path(dirname(__FILE__) . '/../..');
our $SG_DATA = "$SG_ROOT/t/data";
our $SG_KEYS = $ENV{TEST_NGINX_KEYS} || "$SG_ROOT/t/tmp/keys";

$ENV{TEST_NGINX_SG_MODULE} ||=
    "$SG_ROOT/build/ngx_http_session_guard_module.so";
$ENV{TEST_NGINX_DATA} = $SG_DATA;
$ENV{TEST_NGINX_SG_CONF} = "$SG_ROOT/t/conf";
# state files that must outlive a block (the runner resets logs/ and conf/)
$ENV{TEST_NGINX_STATE_DIR} ||= "$SG_ROOT/t/tmp/state";
make_path($ENV{TEST_NGINX_STATE_DIR});
# a second listener for a loopback upstream ("the application")
# (a free one when ports are randomized, so parallel runs do not collide)
$ENV{TEST_NGINX_APP_PORT} ||= $ENV{TEST_NGINX_RANDOMIZE}
    ? do {
        require IO::Socket::INET;
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                      LocalPort => 0, Proto => 'tcp')
            or die "listen: $!";
        $s->sockport;
    }
    : ($ENV{TEST_NGINX_PORT} || 1984) + 100;
$ENV{TEST_NGINX_KEYS} = $SG_KEYS;

my $JSON = JSON::PP->new->canonical(1);

sub json_c { $JSON->encode($_[0]) }
sub b64u { encode_base64url($_[0]) }

# the session id the zone keeps for a session key given as a value
sub sg_id { 'sha256:' . encode_base64url(sha256($_[0])) }

# name => [type, parameter, kid]
my %KEYS = (
    rsa      => ['rsa', 2048, 'rsa1'],
    rsa2     => ['rsa', 2048, 'rsa2'],
    rsa1024  => ['rsa', 1024, 'weak'],
    ec256    => ['ec', 'secp256r1', 'ec256'],
    ec256b   => ['ec', 'secp256r1', 'ec256'],   # same kid as ec256
    ec384    => ['ec', 'secp384r1', 'ec384'],
    ec521    => ['ec', 'secp521r1', 'ec521'],
    ed25519  => ['ed', undef, 'ed1'],
    attacker => ['rsa', 2048, 'rsa1'],   # same kid as "rsa": a forger
);

# Generates every key once (under a lock, so parallel test files do not
# race), then writes the files the configurations refer to:
#   <name>.key        private key, PEM (tests only)
#   <name>.pub.pem    public key, PEM
#   <name>.jwk        public JWK with kid
#   all.jwks          rsa, rsa2, ec256, ec384, ec521, ed25519
#   hs.jwks           an oct key (kid "hs1") for HS256/384/512
sub ensure_keys {
    return if -e "$SG_KEYS/.complete";

    make_path($SG_KEYS);
    open my $lock, '>', "$SG_KEYS/.lock" or die "lock: $!";
    flock($lock, LOCK_EX) or die "flock: $!";

    if (!-e "$SG_KEYS/.complete") {
        my @all;

        for my $name (sort keys %KEYS) {
            my ($type, $param, $kid) = @{ $KEYS{$name} };
            my $pk;

            if ($type eq 'rsa') {
                $pk = Crypt::PK::RSA->new;
                $pk->generate_key($param / 8, 65537);
            } elsif ($type eq 'ec') {
                $pk = Crypt::PK::ECC->new;
                $pk->generate_key($param);
            } else {
                $pk = Crypt::PK::Ed25519->new;
                $pk->generate_key;
            }

            write_file("$SG_KEYS/$name.key", $pk->export_key_pem('private'));
            write_file("$SG_KEYS/$name.pub.pem",
                       $pk->export_key_pem('public'));

            my $jwk = $pk->export_key_jwk('public', 1);
            $jwk->{kid} = $kid;
            write_file("$SG_KEYS/$name.jwk", json_c($jwk));
            write_file("$SG_KEYS/$name.jwks", json_c({ keys => [$jwk] }));

            push @all, $jwk if $name =~ /^(rsa|rsa2|ec256|ec384|ec521|ed25519)$/;
        }

        write_file("$SG_KEYS/all.jwks", json_c({ keys => \@all }));

        my $secret = join '', map { chr(int(rand(256))) } 1 .. 64;
        write_file("$SG_KEYS/hs.secret", $secret);
        write_file("$SG_KEYS/hs.jwks", json_c({ keys => [{
            kty => 'oct', kid => 'hs1', k => b64u($secret) }] }));

        write_file("$SG_KEYS/.complete", "");
    }

    close $lock;
}

sub write_file {
    my ($path, $data) = @_;
    open my $fh, '>', "$path.tmp" or die "$path: $!";
    binmode $fh;
    print $fh $data;
    close $fh or die "$path: $!";
    rename "$path.tmp", $path or die "$path: $!";
}

sub read_file {
    my ($path) = @_;
    open my $fh, '<', $path or die "$path: $!";
    binmode $fh;
    local $/;
    return scalar <$fh>;
}

my %pk_cache;

# The private key object of a named test key.
sub sg_key {
    my ($name) = @_;
    ensure_keys();
    return $pk_cache{$name} if $pk_cache{$name};

    my $type = $KEYS{$name}[0] or die "no test key $name";
    my $class = $type eq 'rsa' ? 'Crypt::PK::RSA'
              : $type eq 'ec'  ? 'Crypt::PK::ECC' : 'Crypt::PK::Ed25519';

    return $pk_cache{$name} = $class->new("$SG_KEYS/$name.key");
}

sub sg_jwk {
    my ($name) = @_;
    ensure_keys();
    return JSON::PP::decode_json(read_file("$SG_KEYS/$name.jwk"));
}

my %DEFAULT_KEY = (
    RS => 'rsa', PS => 'rsa', ES256 => 'ec256', ES384 => 'ec384',
    ES512 => 'ec521', EdDSA => 'ed25519',
);

# sg_token(alg => 'RS256', key => 'rsa', kid => 'rsa1' | undef,
#          claims => {...}, drop => [names], header => {...}, ttl => 300)
#
# Defaults: iss "https://idp.test/", aud "https://api.test", sub "alice",
# sid "sid-1", iat now, exp now + 300; kid of the key.  A claim given as
# undef is removed.
sub sg_token {
    my (%o) = @_;
    my $alg = $o{alg} || 'RS256';
    my $now = time;

    my %claims = (
        iss => 'https://idp.test/',
        aud => 'https://api.test',
        sub => 'alice',
        sid => 'sid-1',
        iat => $now,
        exp => $now + (defined $o{ttl} ? $o{ttl} : 300),
    );

    my $extra = $o{claims} || {};
    for my $k (keys %$extra) {
        if (defined $extra->{$k}) {
            $claims{$k} = $extra->{$k};
        } else {
            delete $claims{$k};
        }
    }

    my %header = %{ $o{header} || {} };
    my ($key, $kid);

    if ($alg =~ /^HS/) {
        ensure_keys();
        $key = exists $o{secret} ? $o{secret} : read_file("$SG_KEYS/hs.secret");
        $kid = 'hs1';
    } else {
        my $name = $o{key}
            || $DEFAULT_KEY{$alg} || $DEFAULT_KEY{ substr($alg, 0, 2) };
        $key = sg_key($name);
        $kid = $KEYS{$name}[2];
    }

    # kid: from header => {...} if given there, else kid => (undef: none),
    # else the key's own
    $kid = $o{kid} if exists $o{kid};
    $header{kid} = $kid if !exists $header{kid} && defined $kid;

    return encode_jwt(payload => \%claims, alg => $alg, key => $key,
                      extra_headers => \%header);
}

# raw_token($header, $payload, $signature): each a hash (JSON-encoded), a
# plain string (used as is, then base64url) or undef (empty segment).
sub raw_token {
    my @parts = map {
        !defined $_ ? '' : ref $_ ? b64u(json_c($_)) : b64u($_)
    } @_;
    return join '.', @parts;
}

# Every block loads the module under test.
Test::Nginx::Socket::add_block_preprocessor(sub {
    my $block = shift;
    my $main = $block->main_config;
    $main = '' unless defined $main;
    $block->set_value('main_config',
        "load_module $ENV{TEST_NGINX_SG_MODULE};\n" . $main);
});

# Test::Base runs the "eval" filters of all the blocks of a file when the
# file is read, before the first block runs (with upstream Test::Nginx and
# the bundled runner alike), so a value made there ages by the time all the
# earlier blocks take: a token with "ttl => 2", a DPoP proof with "iat" now.
# eval_at_block_start('more_headers', ...) in a test file evaluates the
# named sections of every block that has them as "--- name eval" once more
# when the block starts (from a block preprocessor, which both runners call
# right before the block's nginx is started), and uses that value: what
# such a section mints is then as old as the block, whatever ran before.
# The code must not depend on state that earlier blocks leave behind.
sub eval_at_block_start {
    my @sections = @_;

    Test::Nginx::Socket::add_block_preprocessor(sub {
        my $block = shift;
        for my $sec (@sections) {
            my $map = $block->_section_map->{$sec} or next;
            my $filters = $map->{filters} // '';
            next unless $filters =~ /^\s*eval\s*$/;
            my $code = $block->original_values->{$sec};
            next unless defined $code;
            $block->set_value($sec, Test::Base::Filter->new->eval($code));
        }
    });
}

# sg_at_request(sub { ... }): a value made by the code the first time it
# is used as a string, then kept. The runners turn --- more_headers into
# text when they build the block's requests, right before sending them, so
# an entry of more_headers made this way is fresh to the second (a token
# about to expire, a DPoP proof in a window of a few seconds) however long
# the earlier blocks and the nginx start took. Only for more_headers: both
# runners take a reference in --- request for a list of requests.
sub sg_at_request {
    my ($code) = @_;
    return bless { code => $code }, 'SGTest::AtRequest';
}

package SGTest::AtRequest;

use overload
    '""' => sub { $_[0]{value} //= $_[0]{code}->() },
    fallback => 1;

package SGTest;

ensure_keys();


# nginx's ngx_murmur_hash2() of a string: the token cache's hash
sub sg_murmur2 {
    my ($s) = @_;
    my $m = 0x5bd1e995;
    my $len = length $s;
    my $h = $len & 0xffffffff;
    my $mul = sub { my ($a, $b) = @_;
                    (((($a >> 16) * $b) & 0xffff) << 16)
                    + (($a & 0xffff) * $b) & 0xffffffff };
    my $i = 0;
    while ($len - $i >= 4) {
        my $k = unpack('V', substr($s, $i, 4));
        $k = $mul->($k, $m);
        $k ^= $k >> 24;
        $k = $mul->($k, $m);
        $h = $mul->($h, $m);
        $h ^= $k;
        $i += 4;
    }
    my $r = $len - $i;
    $h ^= ord(substr($s, $i + 2, 1)) << 16 if $r >= 3;
    $h ^= ord(substr($s, $i + 1, 1)) << 8 if $r >= 2;
    if ($r >= 1) {
        $h ^= ord(substr($s, $i, 1));
        $h = $mul->($h, $m);
    }
    $h ^= $h >> 13;
    $h = $mul->($h, $m);
    $h ^= $h >> 15;
    return $h;
}

# The counters of the token cache's frequency sketch (core/ngx_sg_sketch.c,
# four per key among $n) that a token's hash takes.
sub sg_sketch_counters {
    my ($n, $hash) = @_;
    my $mul = sub { my ($a, $b) = @_;
                    (((($a >> 16) * $b) & 0xffff) << 16)
                    + (($a & 0xffff) * $b) & 0xffffffff };
    my $h2 = $hash;
    $h2 ^= $h2 >> 16;
    $h2 = $mul->($h2, 0x85ebca6b);
    $h2 ^= $h2 >> 13;
    $h2 = $mul->($h2, 0xc2b2ae35);
    $h2 ^= $h2 >> 16;
    $h2 |= 1;
    return map { ($hash + $_ * $h2) & ($n - 1) } 0 .. 3;
}

# sg_sketch_exact($n, @tokens): true when each token has a counter of its
# own in a sketch of $n counters, so that no other token of the list can
# raise its estimate (the sketch's count is the least of its counters).
sub sg_sketch_exact {
    my ($n, @tokens) = @_;
    my (%owners, @sets);
    for my $t (@tokens) {
        my %c = map { $_ => 1 } sg_sketch_counters($n, sg_murmur2($t));
        push @sets, [keys %c];
        $owners{$_}++ for keys %c;
    }
    for my $set (@sets) {
        return 0 unless grep { $owners{$_} == 1 } @$set;
    }
    return 1;
}

# Why a file that drives t/interop's npm packages cannot run here (undef:
# it can): no node, one older than $min (with $what, what needs it), or a
# package missing; each reason names what brings it.
sub interop_skip_reason {
    my ($min, $what, @pkgs) = @_;
    my $v = `node --version 2>/dev/null` // '';
    chomp $v;
    return 'node (Node.js) is not installed: run "make deps"'
        if $? || $v !~ /^v(\d+)\./;
    return "$what needs Node.js $min or later, node is $v (see docs/testing.md)"
        if $1 < $min;
    for my $pkg (@pkgs) {
        return "t/interop/node_modules/$pkg is missing: run \"make deps\""
            unless -d "$SG_ROOT/t/interop/node_modules/$pkg";
    }
    return undef;
}

1;
