# session_guard_notify: when the edge revokes a session (policy, API,
# back-channel logout token), each configured location gets a logout token
# signed with the edge's key, POSTed as a form by a background subrequest.
#
# "The application" is a second server block of the same nginx (on
# $TEST_NGINX_APP_PORT): its /recv* locations read the body (proxying it
# on to /ok) and log what they got to logs/notify.log; a block then fetches
# that file, and a filter verifies every token with Crypt::JWT and the
# public key (as CryptX computes it, independently of the module), checks
# its claims, and prints one summary line per notification.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Crypt::JWT qw(decode_jwt);
use Crypt::PK::ECC;
use Crypt::PK::Ed25519;
use Crypt::PK::RSA;
use Digest::SHA ();
use File::Path qw(make_path);
use IO::Socket::INET;
use JSON::PP ();

no_shuffle();
check_accum_error_log();

our $EVENT = 'http://schemas.openid.net/event/backchannel-logout';

# The edge's keys, private JWKs made for this run, and bad ones.
our $NK = "$SG_ROOT/t/tmp/notify-keys-$$";
make_path($NK);
$ENV{TEST_NGINX_NOTIFY_KEYS} = $NK;

our (%PUB, %KID);

sub put {
    my ($name, $text) = @_;
    open my $fh, '>', "$NK/$name" or die "$NK/$name: $!";
    print $fh $text;
    close $fh;
}

# RFC 7638: SHA-256 of the required members, sorted, without spaces
sub thumbprint {
    my ($jwk) = @_;
    my @req = $jwk->{kty} eq 'RSA' ? qw(e kty n)
            : $jwk->{kty} eq 'EC'  ? qw(crv kty x y) : qw(crv kty x);
    my $json = '{' . join(',', map { "\"$_\":\"$jwk->{$_}\"" } @req) . '}';
    return b64u(Digest::SHA::sha256($json));
}

{
    my %gen = (
        ec      => sub { my $k = Crypt::PK::ECC->new;
                         $k->generate_key('secp256r1'); $k },
        ed      => sub { my $k = Crypt::PK::Ed25519->new;
                         $k->generate_key; $k },
        rsa     => sub { my $k = Crypt::PK::RSA->new;
                         $k->generate_key(256, 65537); $k },
        rsa1024 => sub { my $k = Crypt::PK::RSA->new;
                         $k->generate_key(128, 65537); $k },
        ec384   => sub { my $k = Crypt::PK::ECC->new;
                         $k->generate_key('secp384r1'); $k },
    );

    for my $name (keys %gen) {
        my $k = $gen{$name}->();
        put("$name.jwk", $k->export_key_jwk('private'));
        put("$name.pub.jwk", $k->export_key_jwk('public'));
        $PUB{$name} = ref($k)->new(\$k->export_key_jwk('public'));
        $KID{thumbprint($k->export_key_jwk('public', 1))} = $name;
    }

    put('bad.jwk', '{"kty":"EC",');
}

END { system('rm', '-rf', $NK) if $NK && -d $NK }

# A port that accepts connections and never answers: a slow application.
our $BLACKHOLE = IO::Socket::INET->new(Listen => 128, Proto => 'tcp',
                                       LocalAddr => '127.0.0.1',
                                       LocalPort => 0, ReuseAddr => 1)
    or die "blackhole: $!";
$ENV{TEST_NGINX_BLACKHOLE_PORT} = $BLACKHOLE->sockport;

# A port where nothing listens: an application that is down.
{
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp');
    $ENV{TEST_NGINX_DOWN_PORT} = $s->sockport;
    close $s;
}

my $seq = 0;

# a back-channel logout token from the IdP (as in t/500-logout.t)
sub lt {
    my (%c) = @_;
    my %claims = (aud => 'client-1', sub => undef, sid => undef,
                  jti => "jti-$$-" . time . '-' . ++$seq,
                  events => { $EVENT => {} }, %c);
    return sg_token(claims => \%claims, header => { typ => 'logout+jwt' });
}

sub at {
    my ($sid, $sub, $ua) = @_;
    my $tok = sg_token(claims => { sid => $sid, sub => $sub || 'alice' });
    return "Authorization: Bearer $tok\r\nUser-Agent: " . ($ua || 'ua-1')
           . "\r\nCookie: app=secret";
}

our $FORM = "Content-Type: application/x-www-form-urlencoded";

# The notifications in logs/notify.log, checked and summed up, sorted.
sub notes {
    my ($body) = @_;
    my (@out, %jti);

    for my $line (split /\n/, $body) {
        my ($uri, $method, $ct, $auth, $cookie, $rb) = split /\|/, $line, 6;
        my $o = "$uri $method ct=$ct auth=$auth cookie=$cookie";

        my ($tok) = $rb =~ /^logout_token=([A-Za-z0-9_.-]+)$/;
        if (!defined $tok) {
            push @out, "$o BAD BODY $rb";
            next;
        }

        my $h = eval {
            JSON::PP::decode_json(MIME::Base64::decode_base64url(
                (split /\./, $tok)[0]))
        } || {};
        my $name = $KID{ $h->{kid} // '' } // 'unknown-kid';

        my ($hdr, $p) = eval {
            decode_jwt(token => $tok, key => $PUB{$name}, decode_header => 1,
                       accepted_alg => qr/^(ES256|EdDSA|RS256)$/,
                       verify_exp => 1, verify_iat => 1)
        };
        if (!$p) {
            push @out, "$o key=$name NOT VERIFIED: $@";
            next;
        }

        my $ev = $p->{events} && $p->{events}{$EVENT};
        my $jti = $p->{jti} // '';
        push @out, join ' ', $o, "key=$name", "alg=$hdr->{alg}",
            "typ=$hdr->{typ}",
            (map { "$_=" . ($p->{$_} // '-') }
                 qw(iss aud sid sub sg_reason sg_source)),
            'ttl=' . ($p->{exp} - $p->{iat}),
            'iat=' . (abs($p->{iat} - time) < 30 ? 'now' : $p->{iat}),
            'event=' . (ref $ev eq 'HASH' && !%$ev ? 'ok' : 'BAD'),
            'jti=' . (length($jti) >= 16 && !$jti{$jti}++ ? 'new' : 'REUSED'),
            'nonce=' . (exists $p->{nonce} ? 'PRESENT' : 'none');
    }

    return join '', map { "$_\n" } sort @out;
}

# the notification lines of an error log
sub notify_lines {
    join '', map { /(notification to "[^"]+" \w+: status \d+)/ ? "$1\n" : () }
        split /\n/, $_[0];
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_zone zone=sg:1m max_lifetime=1h;

    log_format notify escape=json
        '$uri|$request_method|$http_content_type|$http_x_seen_auth|'
        '$http_cookie|$request_body';

    # the application
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;
        location /recv {
            set $ok /ok;
            client_body_in_single_buffer on;
            access_log $TEST_NGINX_SERVER_ROOT/logs/notify.log notify;
            proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT$ok;
        }
        location = /ok { return 200 "ok\n"; }
        location = /fail {
            access_log $TEST_NGINX_SERVER_ROOT/logs/notify.log notify;
            return 500;
        }
    }
_EOC_
    $block->set_value('config', <<'_EOC_' . ($block->config // ''));
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=revoke;
        include $TEST_NGINX_SG_CONF/decision-headers.conf;
        add_header X-Auth-Length $http_authorization always;
    }
    location /sg/ {
        session_guard_api zone=sg;
    }
    location /logout {
        session_guard_backchannel_logout zone=sg issuer=https://idp.test/
            audience=client-1 jwks=$TEST_NGINX_KEYS/all.jwks;
    }
    location = /metrics {
        session_guard_metrics zone=sg;
    }
    location = /notify-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/notify.log;
    }
    location = /error-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
    location = /internal/notify {
        internal;
        # the client's headers, if the notification had them: it has not
        proxy_set_header X-Seen-Auth $http_authorization$http_cookie;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/recv;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a policy revocation: a signed logout token for the session, the request unaffected
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        issuer=https://edge.test/ audience=legacy-app;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /notify-log", "GET /metrics",
 "GET /error-log"]
--- more_headers eval
[main::at('s1', 'alice', 'ua-1'), main::at('s1', 'alice', 'ua-2'),
 main::at('s1', 'alice', 'ua-1'), "", "", ""]
--- wait: 0.2
--- error_code eval
[200, 401, 401, 200, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: REVOKED", "X-Status: REVOKED", "", "", ""]
--- response_body_filters eval
[[], [], [], [\&main::notes], [], [\&main::notify_lines]]
--- response_body eval
["protected\n", qr/./, qr/./,
 "/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=https://edge.test/ aud=legacy-app sid=s1 sub=alice sg_reason=ua sg_source=policy ttl=120 iat=now event=ok jti=new nonce=none\n",
 qr/"notifications":\{"sent":1,"failed":0\}/,
 "notification to \"/internal/notify\" sent: status 200\n"]
--- no_error_log
[error]



=== TEST 2: API revocations: one session (with its subject), all of a subject (by "sub")
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
--- request eval
["GET /t", "DELETE /sg/sessions/s1?reason=fraud%20suspected",
 "DELETE /sg/sessions/s1", "DELETE /sg/subjects/bob/sessions",
 "DELETE /sg/sessions/never-seen", "GET /notify-log"]
--- more_headers eval
[main::at('s1', 'alice'), ("") x 5]
--- wait: 0.2
--- error_code eval
[200, 204, 204, 200, 204, 200]
--- response_body_filters eval
[[], [], [], [], [], [\&main::notes]]
--- response_body eval
["protected\n", "", "", qr/revoked/, "", <<'_EOS_']
/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=- sub=bob sg_reason=api sg_source=api ttl=120 iat=now event=ok jti=new nonce=none
/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=never-seen sub=- sg_reason=api sg_source=api ttl=120 iat=now event=ok jti=new nonce=none
/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=s1 sub=alice sg_reason=fraud suspected sg_source=api ttl=120 iat=now event=ok jti=new nonce=none
_EOS_
--- no_error_log
[error]



=== TEST 3: back-channel logout tokens: by sid (and sub), by sub alone; a refused one notifies nothing
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        ttl=30s;
--- request eval
["POST /logout\nlogout_token=" . main::lt(sid => 's9', sub => 'carol'),
 "POST /logout\nlogout_token=" . main::lt(sub => 'dave'),
 "POST /logout\nlogout_token=" . main::lt(sid => 's10', events => undef),
 "GET /notify-log"]
--- more_headers eval
[$main::FORM, $main::FORM, $main::FORM, ""]
--- wait: 0.2
--- error_code eval
[200, 200, 400, 200]
--- response_body_filters eval
[[], [], [], [\&main::notes]]
--- response_body eval
["{}", "{}", qr/invalid_request/, <<'_EOS_']
/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=- sub=dave sg_reason=backchannel_logout sg_source=logout ttl=30 iat=now event=ok jti=new nonce=none
/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=s9 sub=carol sg_reason=backchannel_logout sg_source=logout ttl=30 iat=now event=ok jti=new nonce=none
_EOS_
--- no_error_log
[error]



=== TEST 4: several endpoints, EdDSA and RS256 keys, fresh jti each; "off" in a location
--- config
    session_guard_notify /internal/ed key=$TEST_NGINX_NOTIFY_KEYS/ed.jwk;
    session_guard_notify /internal/rsa key=$TEST_NGINX_NOTIFY_KEYS/rsa.jwk
        audience=app-2;
    location /quiet {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=revoke;
        session_guard_notify off;
        alias html/t;
    }
    location = /internal/ed {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/recv-ed;
    }
    location = /internal/rsa {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/recv-rsa;
    }
--- request eval
["GET /t", "GET /t", "DELETE /sg/sessions/x2", "GET /quiet", "GET /quiet",
 "GET /notify-log"]
--- more_headers eval
[main::at('s1', 'alice', 'ua-1'), main::at('s1', 'alice', 'ua-2'), "",
 main::at('q1', 'erin', 'ua-1'), main::at('q1', 'erin', 'ua-2'), ""]
--- wait: 0.2
--- error_code eval
[200, 401, 204, 200, 401, 200]
--- response_body_filters eval
[[], [], [], [], [], [\&main::notes]]
--- response_body eval
["protected\n", qr/./, "", "protected\n", qr/./, <<'_EOS_']
/recv-ed POST ct=application/x-www-form-urlencoded auth= cookie= key=ed alg=EdDSA typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=s1 sub=alice sg_reason=ua sg_source=policy ttl=120 iat=now event=ok jti=new nonce=none
/recv-ed POST ct=application/x-www-form-urlencoded auth= cookie= key=ed alg=EdDSA typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=x2 sub=- sg_reason=api sg_source=api ttl=120 iat=now event=ok jti=new nonce=none
/recv-rsa POST ct=application/x-www-form-urlencoded auth= cookie= key=rsa alg=RS256 typ=logout+jwt iss=urn:ngx_session_guard aud=app-2 sid=s1 sub=alice sg_reason=ua sg_source=policy ttl=120 iat=now event=ok jti=new nonce=none
/recv-rsa POST ct=application/x-www-form-urlencoded auth= cookie= key=rsa alg=RS256 typ=logout+jwt iss=urn:ngx_session_guard aud=app-2 sid=x2 sub=- sg_reason=api sg_source=api ttl=120 iat=now event=ok jti=new nonce=none
_EOS_
--- no_error_log
[error]



=== TEST 5: the application is down (502) or answers 500: counted and logged, the responses unaffected
--- config
    session_guard_notify /internal/down key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
    session_guard_notify /internal/fail key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
    location = /internal/down {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_DOWN_PORT;
    }
    location = /internal/fail {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT/fail;
    }
--- request eval
["GET /t", "GET /t", "DELETE /sg/subjects/alice/sessions", "GET /metrics",
 "GET /metrics?format=prometheus", "GET /error-log"]
--- more_headers eval
[main::at('s1', 'alice', 'ua-1'), main::at('s1', 'alice', 'ua-2'), "", "",
 "", ""]
--- wait: 0.2
--- error_code eval
[200, 401, 200, 200, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: REVOKED\nX-Reason: session revoked", "", "",
 "", ""]
--- response_body_filters eval
[[], [], [], [], [], [\&main::notify_lines]]
--- response_body_like eval
["protected", qr/./, qr/^\{"revoked":0\}$/,
 qr/"notifications":\{"sent":0,"failed":4\}/,
 qr/\nsession_guard_notifications_total\{zone="sg",result="sent"\} 0\nsession_guard_notifications_total\{zone="sg",result="failed"\} 4\n/,
 qr/\A(notification to "\/internal\/(down" failed: status 502|fail" failed: status 500)\n){4}\z/]
--- no_error_log
[alert]



=== TEST 6: a slow application: the response comes at once, the timeout is counted later
--- config
    session_guard_notify /internal/slow key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
    location = /internal/slow {
        internal;
        proxy_read_timeout 1s;
        proxy_connect_timeout 1s;
        proxy_send_timeout 1s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT;
    }
--- request eval
["GET /t", "GET /t", "GET /metrics", "GET /error-log"]
--- more_headers eval
[main::at('s1', 'alice', 'ua-1'), main::at('s1', 'alice', 'ua-2'), "", ""]
--- timeout: 0.5
--- abort
--- wait: 1.5
--- error_code eval
[200, 401, 200, 200]
--- response_body_filters eval
[[], [], [], [\&main::notify_lines]]
--- response_body_like eval
["protected", qr/./, qr/"notifications":\{"sent":0,"failed":1\}/,
 qr/\Anotification to "\/internal\/slow" failed: status 504\n\z/]
--- no_error_log
[alert]



=== TEST 7: session_guard_notify_jwks publishes the public keys in effect, each once
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
    session_guard_notify /internal/other key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
    location = /jwks {
        session_guard_notify /internal/notify
            key=$TEST_NGINX_NOTIFY_KEYS/ed.jwk;
        session_guard_notify /internal/notify
            key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
        session_guard_notify /internal/other
            key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
        session_guard_notify_jwks;
    }
--- request eval
["GET /jwks", "POST /jwks"]
--- error_code eval
[200, 405]
--- response_headers eval
["Content-Type: application/jwk-set+json\nCache-Control: max-age=300", ""]
--- response_body_filters eval
[[sub {
    my $d = JSON::PP::decode_json($_[0]);
    CORE::join '', map {
        my $k = $_;
        my $name = $main::KID{ $k->{kid} } // 'unknown';
        "$name kty=$k->{kty} crv=$k->{crv} alg=$k->{alg} use=$k->{use} "
        . "private=" . (exists $k->{d} ? 'yes' : 'no') . "\n"
    } @{ $d->{keys} };
}], []]
--- response_body eval
["ed kty=OKP crv=Ed25519 alg=EdDSA use=sig private=no\nec kty=EC crv=P-256 alg=ES256 use=sig private=no\n",
 qr/405/]



=== TEST 8: monitor mode revokes nothing, notifies nothing
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
    location /m {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change ua=revoke;
        alias html/t;
    }
--- request eval
["GET /m", "GET /m", "GET /metrics"]
--- more_headers eval
[main::at('m1', 'alice', 'ua-1'), main::at('m1', 'alice', 'ua-2'), ""]
--- wait: 0.2
--- error_code eval
[200, 200, 200]
--- response_body_like eval
["protected", "protected", qr/"notifications":\{"sent":0,"failed":0\}/]
--- no_error_log
notification to



=== TEST 9: configuration: no key
--- config
    session_guard_notify /internal/notify;
--- must_die
--- error_log
session_guard_notify: "key=" is required



=== TEST 10: configuration: a key file that is not JSON
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/bad.jwk;
--- must_die
--- error_log eval
qr/session_guard_notify: key file ".*bad\.jwk": bad json/



=== TEST 11: configuration: a public key only
--- config
    session_guard_notify /internal/notify
        key=$TEST_NGINX_NOTIFY_KEYS/ec.pub.jwk;
--- must_die
--- error_log eval
qr/session_guard_notify: key file ".*ec\.pub\.jwk": not a private key/



=== TEST 12: configuration: an RSA key under 2048 bits
--- config
    session_guard_notify /internal/notify
        key=$TEST_NGINX_NOTIFY_KEYS/rsa1024.jwk;
--- must_die
--- error_log eval
qr/session_guard_notify: key file ".*rsa1024\.jwk": rsa key too small/



=== TEST 13: configuration: a P-384 key
--- config
    session_guard_notify /internal/notify
        key=$TEST_NGINX_NOTIFY_KEYS/ec384.jwk;
--- must_die
--- error_log eval
qr/session_guard_notify: key file ".*ec384\.jwk": unsupported curve/



=== TEST 14: configuration: a missing key file
--- config
    session_guard_notify /internal/notify
        key=$TEST_NGINX_NOTIFY_KEYS/none.jwk;
--- must_die
--- error_log eval
qr/session_guard_notify: cannot open key file ".*none\.jwk"/



=== TEST 15: configuration: bad ttl
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        ttl=0s;
--- must_die
--- error_log
session_guard_notify: invalid ttl "0s"



=== TEST 16: configuration: a ttl over a day
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        ttl=2d;
--- must_die
--- error_log
session_guard_notify: invalid ttl "2d"



=== TEST 17: configuration: an unknown parameter
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        retries=3;
--- must_die
--- error_log
session_guard_notify: invalid or duplicate parameter "retries=3"



=== TEST 18: configuration: not a uri
--- config
    session_guard_notify internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
--- must_die
--- error_log
session_guard_notify: "internal/notify" is not a location uri



=== TEST 19: configuration: "off" and an endpoint at one level
--- config
    session_guard_notify off;
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk;
--- must_die
--- error_log
"session_guard_notify" directive cannot be used with "session_guard_notify off" at the same level



=== TEST 20: configuration: session_guard_notify_jwks without session_guard_notify
--- config
    location = /jwks {
        session_guard_notify_jwks;
    }
--- must_die
--- error_log
session_guard_notify_jwks: no "session_guard_notify" in effect here



=== TEST 21: configuration: a quote in issuer=
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        'issuer=a"b';
--- must_die
--- error_log
take printable ASCII without quotes or backslashes



=== TEST 22: $session_guard_event: one object per revocation, with who and why
--- http_config
    log_format sg_events escape=none '$session_guard_event';
--- config
    access_log $TEST_NGINX_SERVER_ROOT/logs/events.log sg_events
        if=$session_guard_event;
    location = /events-log {
        default_type text/plain;
        alias $TEST_NGINX_SERVER_ROOT/logs/events.log;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "DELETE /sg/sessions/s2?reason=stolen",
 "DELETE /sg/sessions/s2", "GET /sg/subjects/bob/sessions",
 "DELETE /sg/subjects/bob/sessions",
 "POST /logout\nlogout_token=" . main::lt(sid => 's7', sub => 'carol'),
 "POST /logout\nlogout_token=" . main::lt(sub => 'dave'),
 "GET /events-log"]
--- more_headers eval
[main::at('s1', 'alice', 'ua-1'), main::at('s1', 'alice', 'ua-2'),
 main::at('s3', 'bob', 'ua-1'), "", "", "", "", $main::FORM, $main::FORM,
 ""]
--- wait: 0.1
--- error_code eval
[200, 401, 200, 204, 204, 200, 200, 200, 200, 200]
--- response_body_filters eval
[([sub { "" }]) x 9, [sub {
    CORE::join '', map {
        my $e = JSON::PP::decode_json($_);
        my $rv = $e->{session_guard}{revocation} || {};
        CORE::join(' ', $e->{event}{action},
            map { $_ // '-' } $rv->{source}, $rv->{reason}, $rv->{scope},
            $rv->{sessions}, $e->{session}{id}, $e->{user}{id},
            $e->{http}{request}{method}) . "\n"
    } split /\n/, $_[0];
}]]
--- response_body eval
[("") x 9, <<'_EOS_']
session-checked - - - - s1 alice GET
session-revoked policy ua - - s1 alice GET
session-checked - - - - s3 bob GET
session-revoked api stolen session 1 s2 - DELETE
session-revoked api api session 0 s2 - DELETE
session-revoked api api subject 1 - bob DELETE
session-revoked logout backchannel_logout session 1 s7 carol POST
session-revoked logout backchannel_logout subject 0 - dave POST
_EOS_



=== TEST 23: a back-channel logout for identifiers longer than a record holds
notifies the applications with the identifiers the provider sent, never with
the digests the zone keeps them by
--- config
    session_guard_notify /internal/notify key=$TEST_NGINX_NOTIFY_KEYS/ec.jwk
        ttl=30s;
--- request eval
["POST /logout\nlogout_token=" . main::lt(sid => 'L' x 300, sub => 'U' x 257),
 "GET /notify-log"]
--- more_headers eval
[$main::FORM, ""]
--- wait: 0.2
--- error_code eval
[200, 200]
--- response_body_filters eval
[[], [\&main::notes]]
--- response_body eval
["{}", "/recv POST ct=application/x-www-form-urlencoded auth= cookie= key=ec alg=ES256 typ=logout+jwt iss=urn:ngx_session_guard aud=- sid=" . ('L' x 300) . " sub=" . ('U' x 257) . " sg_reason=backchannel_logout sg_source=logout ttl=30 iat=now event=ok jti=new nonce=none\n"]
--- no_error_log
[error]
