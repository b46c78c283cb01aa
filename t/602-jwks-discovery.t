# session_guard_jwks_fetch discover=: the key set's address read from an
# OpenID Connect discovery document.  A second server of the same nginx
# is the provider: it serves html/idp/ and logs every request to
# logs/idp.log.  The discovery documents name a jwks_uri on that server;
# its port is known only at run time, so "--- init" writes them (and
# what each request got goes to html/result.txt, fetched by the block).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGIdP;
use HTTP::Tiny;
use JSON::PP ();
use File::Temp ();
use File::Path ();
use File::Basename ();

no_shuffle();

our $T1 = sg_token(key => 'rsa');                     # kid rsa1
our $T2 = sg_token(key => 'rsa2');                    # kid rsa2

sub idp_port {
    my $conf = SGTest::read_file(Test::Nginx::Util::server_root()
                                 . '/conf/nginx.conf');
    $conf =~ /listen\s+127\.0\.0\.1:(\d+);\s+access_log logs\/idp\.log/
        or die "no idp server in nginx.conf";
    return $1;
}

# a discovery document: the issuer tokens carry, a jwks_uri on the IdP
sub disc {
    my (%o) = @_;
    return json_c({ issuer => 'https://idp.test/',
                    jwks_uri => 'http://127.0.0.1:' . idp_port() . '/jwks',
                    response_types_supported => ['code'], %o });
}

# the paths the IdP saw, in order
sub idp_seen {
    my $log = Test::Nginx::Util::server_root() . '/logs/idp.log';
    open my $fh, '<', $log or return '';
    my @l = map { chomp; $_ } <$fh>;
    return join ' ', @l;
}

# the zone's fetch counters, from the JSON metrics
sub counters {
    my $body = get_body('/metrics');
    my $d = eval { JSON::PP->new->decode($body) } or return "BAD JSON";
    my $z = $d->{zones}{sg};
    return "fetches ok=$z->{jwks_fetches}{ok} failed=$z->{jwks_fetches}{failed}"
           . " discoveries ok=$z->{jwks_discoveries}{ok}"
           . " failed=$z->{jwks_discoveries}{failed}";
}

# the Prometheus text, checked by the independent parser: the jwks series
sub prom {
    my $body = get_body('/metrics?format=prometheus');
    my $tmp = File::Temp->new;
    print $tmp $body;
    close $tmp;
    my $out = `$SG_ROOT/t/tools/prom-check text < $tmp 2>&1`;
    return "prom-check failed: $out" if $?;
    return grep { /jwks|^families/ } split /\n/, $out;
}

add_block_preprocessor(sub {
    my $block = shift;

    my $http = <<'EOF';
    log_format idp '$request_uri';

    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        access_log logs/idp.log idp;

        location / {
            root html/idp;
            default_type application/json;
        }
    }

    session_guard_zone zone=sg:1m;
EOF
    $block->set_value('http_config', $http . ($block->http_config // ''));

    my $config = <<'EOF';
    location = /jwks-fetch {
        internal;
        proxy_pass $session_guard_jwks_uri;
        proxy_pass_request_headers off;
    }
    location /disc/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1;
    }
    location = /metrics {
        session_guard_metrics;
    }
EOF
    $block->set_value('config', $config . ($block->config // ''));

    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> idp/jwks\n" . jwks('rsa') . "\n"
                      . ($block->user_files // ''));

    $block->set_value('request', "GET /result.txt")
        unless defined $block->request;
});

run_tests();

__DATA__

=== TEST 1: the discovery document names the keys; an unknown kid within the
cooldown fetches nothing
--- config
    location /t {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/oidc allow_http;
    }
--- init
main::idp_file('disc/oidc', main::disc());
main::result(main::get('/t', $::T1), main::get('/t', $::T1),
             main::get('/t', $::T2), main::idp_seen(), main::counters(),
             main::prom());
--- response_body
200
200
401
/disc/oidc /jwks
fetches ok=1 failed=0 discoveries ok=1 failed=0
families=25
counter session_guard_jwks_discoveries_total{result=ok,zone=sg} 1
counter session_guard_jwks_fetches_total{result=ok,zone=sg} 1
--- error_log eval
[qr/\[info\].*session_guard: jwks "\/jwks-fetch" fetched: 1 keys/,
 qr/token rejected: "unknown kid"/]
--- no_error_log
failed



=== TEST 2: the provider moves its keys: a new kid follows the new jwks_uri
--- config
    location /t {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/oidc allow_http
                                 cooldown=0;
    }
--- init
main::idp_file('disc/oidc', main::disc());
my @r = (main::get('/t', $::T1));
main::idp_file('jwks2', main::jwks('rsa2'));
main::idp_file('disc/oidc', main::disc(jwks_uri => 'http://127.0.0.1:'
                                       . main::idp_port() . '/jwks2'));
push @r, main::get('/t', $::T2), main::get('/t', $::T1);
main::result(@r, main::idp_seen());
--- response_body
200
200
401
/disc/oidc /jwks /disc/oidc /jwks2 /disc/oidc /jwks2



=== TEST 3: discovery fails later: the last good jwks_uri and keys stay
--- config
    location /t {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/oidc allow_http
                                 cooldown=0;
    }
--- init
main::idp_file('disc/oidc', main::disc());
my @r = (main::get('/t', $::T1));
# the document breaks; the keys still rotate at the old address
main::idp_file('disc/oidc', '<html>maintenance</html>');
main::idp_file('jwks', main::jwks('rsa', 'rsa2'));
push @r, main::get('/t', $::T2);
# then the keys' address fails too: the last good keys serve (cooldown=0:
# the refresh is due again after a failure, so the last request tries too)
unlink Test::Nginx::Util::html_dir() . '/idp/jwks';
push @r, main::get('/t', main::stray(1)), main::get('/t', $::T1);
main::result(@r, main::counters());
--- response_body
200
200
401
200
fetches ok=2 failed=2 discoveries ok=1 failed=3
--- error_log eval
[qr/\[error\].*session_guard: discovery from "\/disc\/oidc" failed: "bad json", keeping jwks_uri "http:\/\/127\.0\.0\.1:\d+\/jwks" \(1 failed, 1 ok\)/,
 qr/\[error\].*session_guard: jwks fetch from "\/jwks-fetch" failed: "status 404", keeping 2 keys/]



=== TEST 4: hostile documents: no keys ever, 500, one line naming the reason
--- config
    location /t/ {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/z allow_http;
        location /t/a { session_guard_jwks_fetch /jwks-fetch discover=/disc/a allow_http; }
        location /t/b { session_guard_jwks_fetch /jwks-fetch discover=/disc/b allow_http; }
        location /t/c { session_guard_jwks_fetch /jwks-fetch discover=/disc/c allow_http; }
        location /t/d { session_guard_jwks_fetch /jwks-fetch discover=/disc/d allow_http; }
        location /t/e { session_guard_jwks_fetch /jwks-fetch discover=/disc/e allow_http; }
        location /t/f { session_guard_jwks_fetch /jwks-fetch discover=/disc/f allow_http; }
        location /t/g { session_guard_jwks_fetch /jwks-fetch discover=/disc/g allow_http; }
        location /t/h { session_guard_jwks_fetch /jwks-fetch discover=/disc/h allow_http; }
        location /t/i { session_guard_jwks_fetch /jwks-fetch discover=/disc/i allow_http; }
        location /t/j { session_guard_jwks_fetch /jwks-fetch discover=/disc/j allow_http; }
        location /t/k { session_guard_jwks_fetch /jwks-fetch discover=/disc/k allow_http; }
        location /t/l { session_guard_jwks_fetch /jwks-fetch discover=/disc/l; }
        location /t/m { session_guard_jwks_fetch /jwks-fetch discover=/disc/m allow_http; }
        location /t/n { session_guard_jwks_fetch /jwks-fetch discover=/disc/n allow_http; }
        location /t/o { session_guard_jwks_fetch /jwks-fetch discover=/disc/o allow_http; }
        location /t/p { session_guard_jwks_fetch /jwks-fetch discover=/disc/p allow_http max_size=4k; }
    }
--- init
my $u = 'http://127.0.0.1:' . main::idp_port();
my %doc = (
    a => 'not json at all',
    b => '["an", "array"]',
    c => main::json_c({ issuer => 'https://idp.test/' }),
    d => main::disc(jwks_uri => 42),
    e => main::disc(jwks_uri => "$u/" . ('x' x 1100)),
    f => main::disc(jwks_uri => "$u/jwks\r\nX-Injected: 1"),
    g => main::disc(jwks_uri => "$u/jw ks"),
    h => main::disc(issuer => 'https://evil.test/'),
    i => main::json_c({ jwks_uri => "$u/jwks" }),
    j => main::disc(jwks_uri => 'ftp://idp.test/jwks'),
    k => main::disc(jwks_uri => 'http://user@127.0.0.1/jwks'),
    l => main::disc(),
    m => main::disc(jwks_uri => '/jwks'),
    n => main::disc(issuer => ['https://idp.test/']),
    o => main::disc(jwks_uri => "$u/jwks#frag"),
    p => main::disc(pad => 'x' x 10000),
);
main::idp_file("disc/$_", $doc{$_}) for keys %doc;
main::result(map({ "$_ " . main::get("/t/$_", $::T1) } sort keys %doc),
             main::counters());
--- response_body
a 500
b 500
c 500
d 500
e 500
f 500
g 500
h 500
i 500
j 500
k 500
l 500
m 500
n 500
o 500
p 500
fetches ok=0 failed=16 discoveries ok=0 failed=16
--- error_log eval
[qr/discovery from "\/disc\/a" failed: "bad json", no jwks_uri \(1 failed, 0 ok\)/,
 qr/discovery from "\/disc\/b" failed: "json not object"/,
 qr/discovery from "\/disc\/c" failed: "no jwks_uri"/,
 qr/discovery from "\/disc\/d" failed: "jwks_uri not a string"/,
 qr/discovery from "\/disc\/e" failed: "jwks_uri too long"/,
 qr/discovery from "\/disc\/f" failed: "jwks_uri has a control, space or non-ascii character"/,
 qr/discovery from "\/disc\/g" failed: "jwks_uri has a control, space or non-ascii character"/,
 qr/discovery from "\/disc\/h" failed: "issuer is not session_guard_issuer"/,
 qr/discovery from "\/disc\/i" failed: "no issuer"/,
 qr/discovery from "\/disc\/j" failed: "jwks_uri not an absolute https uri"/,
 qr/discovery from "\/disc\/k" failed: "jwks_uri has userinfo"/,
 qr/discovery from "\/disc\/l" failed: "jwks_uri not https \(no allow_http\)"/,
 qr/discovery from "\/disc\/m" failed: "jwks_uri not an absolute https uri"/,
 qr/discovery from "\/disc\/n" failed: "issuer not a string"/,
 qr/discovery from "\/disc\/o" failed: "jwks_uri has a fragment"/,
 qr/discovery from "\/disc\/p" failed: "response larger than 4096 bytes/,
 qr/\[error\].*session_guard: no keys from jwks "\/jwks-fetch": "no jwks_uri, discovery from \/disc\/h failed: issuer is not session_guard_issuer"/]
--- no_error_log eval
[qr/internal error while verifying/, qr/jwks fetch from/, qr/X-Injected/]



=== TEST 5: a discovery location that fails: the location's status, 500
--- config
    location /t {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/missing allow_http;
    }
--- init
main::result(main::get('/t', $::T1), main::get('/t', $::T1),
             main::idp_seen());
--- response_body
500
500
/disc/missing
--- grep_error_log eval
qr/session_guard: (discovery from|no keys from) [^,]+/
--- grep_error_log_out
session_guard: discovery from "/disc/missing" failed: "status 404"
session_guard: no keys from jwks "/jwks-fetch": "no jwks_uri
session_guard: no keys from jwks "/jwks-fetch": "no jwks_uri



=== TEST 6: $session_guard_jwks_uri outside a fetch: the location's, or empty
--- config
    location /t {
        session_guard zone=sg;
        session_guard_issuer https://idp.test/;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/oidc allow_http;
        add_header X-Jwks-Uri "[$session_guard_jwks_uri]" always;
    }
    location /u {
        add_header X-Jwks-Uri "[$session_guard_jwks_uri]" always;
        return 204;
    }
--- init
main::idp_file('disc/oidc', main::disc());
my $port = Test::Nginx::Util::server_port_for_client();
my $ua = HTTP::Tiny->new(timeout => 20);
my $a = $ua->get("http://127.0.0.1:$port/t",
                 { headers => { Authorization => "Bearer $::T1" } });
my $b = $ua->get("http://127.0.0.1:$port/u");
my $u = 'http://127.0.0.1:' . main::idp_port() . '/jwks';
my $h = $a->{headers}{'x-jwks-uri'} // 'none';
main::result($a->{status}, $h eq "[$u]" ? 'same' : $h,
             $b->{status}, $b->{headers}{'x-jwks-uri'} // 'none');
--- response_body
200
same
204
[]



=== TEST 7: config: discover= needs session_guard_issuer
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch discover=/disc/oidc;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_jwks_fetch" with "discover=" needs "session_guard_issuer"/



=== TEST 8: config: one discovering fetch, two issuers
--- http_config
    session_guard_jwks_fetch /jwks-fetch discover=/disc/oidc;
--- config
    location /t {
        session_guard on;
        session_guard_issuer https://idp.test/;
    }
    location /u {
        session_guard on;
        session_guard_issuer https://other.test/;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*locations that share "session_guard_jwks_fetch \/jwks-fetch discover=\/disc\/oidc" need the same "session_guard_issuer"/



=== TEST 9: config: allow_http without discover=
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch allow_http;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_jwks_fetch" directive needs "discover=" for "allow_http"/



=== TEST 10: config: discover= not a path
--- config
    location /t {
        session_guard on;
        session_guard_jwks_fetch /jwks-fetch
            discover=https://idp.test/.well-known/openid-configuration;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*invalid parameter "discover=https:\/\/idp.test\/.well-known\/openid-configuration", it must be a location's path/
