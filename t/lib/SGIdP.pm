# Helpers shared by the remote JWKS tests (t/600-602): a loopback
# "identity provider" served by a second server of the test's nginx from
# html/idp/ and logging each request to logs/idp.log, plain HTTP requests
# from "--- init" code, and a result file the block then fetches.

package SGIdP;

use strict;
use warnings;

use Exporter ();
use HTTP::Tiny;
use File::Basename ();
use File::Path ();
use SGTest ();

our @EXPORT = qw(jwks stray idp_file idp_write idp_remove idp_log fetches
                 get get_body result);

sub import {
    my $class = shift;
    Exporter::export($class, scalar caller, @_ ? @_ : @EXPORT);
}

# a key set of the named test keys
sub jwks {
    SGTest::json_c({ keys => [ map { SGTest::sg_jwk($_) } @_ ] });
}

# a token signed by rsa1 with a kid no key has
sub stray {
    SGTest::sg_token(key => 'rsa', kid => "stray-$_[0]-" . int(rand(1e9)));
}

# a file of the IdP, html/idp/<name>
sub idp_file {
    my ($name, $body) = @_;
    my $path = Test::Nginx::Util::html_dir() . "/idp/$name";
    File::Path::make_path(File::Basename::dirname($path));
    SGTest::write_file($path, $body);
}

sub idp_write { idp_file('jwks', $_[0]) }

sub idp_remove { unlink Test::Nginx::Util::html_dir() . '/idp/jwks' }

# what the IdP saw: one line per request
sub idp_log {
    my $log = Test::Nginx::Util::server_root() . '/logs/idp.log';
    return -e $log ? SGTest::read_file($log) : '';
}

# the number of requests the IdP saw
sub fetches {
    my @l = split /\n/, idp_log();
    return scalar @l;
}

# the status of a GET, with a bearer token and other headers
sub get {
    my ($path, $tok, %h) = @_;
    my $port = Test::Nginx::Util::server_port_for_client();
    $h{Authorization} = "Bearer $tok" if $tok;
    my $res = HTTP::Tiny->new(timeout => 20)->get(
        "http://127.0.0.1:$port$path", { headers => \%h });
    return $res->{status};
}

sub get_body {
    my ($path) = @_;
    my $port = Test::Nginx::Util::server_port_for_client();
    return HTTP::Tiny->new(timeout => 20)->get("http://127.0.0.1:$port$path")
        ->{content};
}

# the lines the block fetches as html/result.txt
sub result {
    SGTest::write_file(Test::Nginx::Util::html_dir() . '/result.txt',
                       join '', map { "$_\n" } @_);
}

1;
