package SGDPoP;

# DPoP (RFC 9449) helpers for the test suite: proof keys made at run time
# (never committed), proofs built by hand so that any part of them can be
# left out or broken, access tokens bound to a proof key (cnf.jkt), and a
# small HTTP client for the blocks that talk to nginx from "--- init"
# (after it started), e.g. to follow a DPoP-Nonce.
#
#   dpop_proof(key => 'p256', alg => 'ES256', htm => 'GET',
#              htu => 'http://localhost/t', iat => time, jti => random,
#              token => $at (ath), nonce => $n,
#              claims => {name => value | undef (removed)},
#              header => {name => value | undef (removed)})
#   dpop_token(key => 'p256', claims => {...})   a token with cnf.jkt
#   dpop_jkt('p256')                              RFC 7638, by hand
#   dpop_headers(%proof_options)                  "Authorization: DPoP
#                                                 ...\nDPoP: ..." for
#                                                 --- more_headers
#   http_get($port, $path, \%headers)             [status, {headers}]

use strict;
use warnings;

use Exporter ();
use Digest::SHA qw(sha256);
use IO::Socket::INET;
use JSON::PP ();
use MIME::Base64 qw(encode_base64url);
use Crypt::PK::ECC;
use Crypt::PK::RSA;
use Crypt::PK::Ed25519;

use SGTest ();

our @EXPORT = qw(dpop_proof dpop_token dpop_jkt dpop_headers dpop_jwk
                 dpop_ath http_get);

sub import {
    my $class = shift;
    Exporter::export($class, scalar caller, @EXPORT);
    Exporter::export($class, 'Test::Base::Filter', @EXPORT);
    Exporter::export($class, 'Test::Nginx::Util', @EXPORT);
}

my $JSON = JSON::PP->new->canonical(1);

# name => [type, parameter]; generated once per test process
my %TYPES = (
    p256  => ['ec', 'secp256r1'],
    p256b => ['ec', 'secp256r1'],
    p384  => ['ec', 'secp384r1'],
    rsa   => ['rsa', 2048],
    ed    => ['ed'],
);

my %KEYS;

sub key {
    my ($name) = @_;
    return $KEYS{$name} if $KEYS{$name};
    my $t = $TYPES{$name} or die "no dpop key $name";
    my $pk;
    if ($t->[0] eq 'ec') {
        $pk = Crypt::PK::ECC->new;
        $pk->generate_key($t->[1]);
    } elsif ($t->[0] eq 'rsa') {
        $pk = Crypt::PK::RSA->new;
        $pk->generate_key($t->[1] / 8, 65537);
    } else {
        $pk = Crypt::PK::Ed25519->new;
        $pk->generate_key;
    }
    return $KEYS{$name} = $pk;
}

# the public JWK, members as CryptX makes them
sub dpop_jwk {
    my ($name) = @_;
    return key($name)->export_key_jwk('public', 1);
}

# RFC 7638, computed here without the library's own helper
sub dpop_jkt {
    my ($name) = @_;
    my $jwk = dpop_jwk($name);
    my @members = $jwk->{kty} eq 'RSA' ? qw(e kty n)
                : $jwk->{kty} eq 'EC'  ? qw(crv kty x y) : qw(crv kty x);
    my $json = '{' . join(',', map { qq("$_":"$jwk->{$_}") } @members) . '}';
    return encode_base64url(sha256($json));
}

sub dpop_ath { encode_base64url(sha256($_[0])) }

my $jti_seq = 0;

sub dpop_proof {
    my (%o) = @_;
    my $name = $o{key} || 'p256';
    my $alg = $o{alg} || ($TYPES{$name}[0] eq 'rsa' ? 'RS256'
                          : $TYPES{$name}[0] eq 'ed' ? 'EdDSA'
                          : $name eq 'p384' ? 'ES384' : 'ES256');

    my %header = (typ => 'dpop+jwt', alg => $alg, jwk => dpop_jwk($name));
    my %claims = (
        jti => $o{jti} // sprintf('jti-%d-%d-%d', $$, time, ++$jti_seq),
        htm => $o{htm} // 'GET',
        htu => $o{htu} // 'http://localhost/t',
        iat => $o{iat} // time,
    );
    $claims{ath} = dpop_ath($o{token}) if defined $o{token};
    $claims{nonce} = $o{nonce} if defined $o{nonce};

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

    my $signer = $o{signer} || $name;
    return "$input." . encode_base64url(sign($signer, $alg, $input));
}

sub sign {
    my ($name, $alg, $input) = @_;
    my $pk = key($name);
    my $type = $TYPES{$name}[0];
    my ($bits) = $alg =~ /(\d+)$/;
    my $hash = 'SHA' . ($bits || 256);

    return $pk->sign_message_rfc7518($input, $hash) if $type eq 'ec';
    return $pk->sign_message($input) if $type eq 'ed';
    return $pk->sign_message($input, $hash, $alg =~ /^PS/ ? 'pss' : 'v1.5',
                             $alg =~ /^PS/ ? ($bits / 8) : ());
}

# an access token bound to a proof key (undef key: not bound)
sub dpop_token {
    my (%o) = @_;
    my $name = exists $o{key} ? $o{key} : 'p256';
    my %claims = (sid => undef, %{ $o{claims} || {} });
    $claims{cnf} = { jkt => dpop_jkt($name) }
        if defined $name && !exists $claims{cnf};
    return SGTest::sg_token(%o, key => undef, claims => \%claims);
}

# both headers; "token" is made bound to the proof key unless given
sub dpop_headers {
    my (%o) = @_;
    my $at = $o{token} // dpop_token(key => $o{key} || 'p256');
    my $proof = dpop_proof(%o, token => $o{ath_token} // $at);
    return "Authorization: DPoP $at\r\nDPoP: $proof";
}

# a plain HTTP/1.0 request (the runner's own requests cannot be made
# after a response was seen); "Host: localhost", as the runner sends
sub http_get {
    my ($port, $path, $headers) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port, Timeout => 5)
        or return [599, {}];
    my $req = "GET $path HTTP/1.0\r\nHost: localhost\r\n";
    $req .= "$_: $headers->{$_}\r\n" for sort keys %{ $headers || {} };
    print $sock "$req\r\n";
    local $/;
    my $res = <$sock> // '';
    close $sock;
    my ($head) = split /\r\n\r\n/, $res, 2;
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($status) = ($status_line // '') =~ m{^HTTP/\S+ (\d+)};
    my %h;
    for (@lines) {
        my ($k, $v) = split /:\s*/, $_, 2;
        $h{lc $k} = defined $h{lc $k} ? "$h{lc $k}, $v" : $v;
    }
    return [$status // 599, \%h];
}

1;
