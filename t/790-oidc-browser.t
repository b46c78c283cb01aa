# OpenID Connect login at the edge, in a real browser: Debian's chromium,
# headless, driven by puppeteer-core (t/interop/browser-login.mjs) against
# nginx with the module as the relying party (session_guard_oidc) and a
# real provider, panva's certified "oidc-provider"
# (t/interop/op-server.mjs), with its own development login and consent
# pages.  The browser opens a guarded page and is sent to the provider, logs
# in and comes back (code flow with PKCE, the token exchange through an
# internal location); its cookies are read from the browser; an /admin/
# location that wants an authentication younger than 3 s (15 s under
# valgrind) sends it back to the provider with prompt=login; the user signs
# out at the provider, whose back-channel logout token ends the session at
# the edge; a new login, then a sign-out from the edge (RP-initiated
# logout) that ends on /bye.
#
# "--- init" starts the provider on a free loopback port (chosen before
# nginx starts: the issuer is in the configuration), runs the browser,
# stops the provider and writes what the browser saw to html/browser.txt,
# which the block fetches and compares.  Screenshots of every step, the
# browser's JSON record and the provider's log are left in
# build/browser-shots/ (emptied at the start of each run).
#
# Skipped when there is no node, t/interop/node_modules lacks the packages
# or there is no chromium ("make deps" installs them all); SG_CHROMIUM
# names another browser binary.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket;
use SGTest;
use File::Copy qw(copy);
use File::Path qw(make_path remove_tree);
use IO::Socket::INET;
use JSON::PP ();
use POSIX ();
use Time::HiRes ();

our $INTEROP = "$SGTest::SG_ROOT/t/interop";
our $CHROMIUM = $ENV{SG_CHROMIUM} || '/usr/bin/chromium';
our $SHOTS = "$SGTest::SG_ROOT/build/browser-shots";
# /admin/ wants an authentication younger than this (seconds); the browser
# waits two seconds more after its login before it goes there.  Under
# valgrind the edge is slow enough for a login to take seconds.
our $MAX_AGE = $ENV{TEST_NGINX_USE_VALGRIND} ? 15 : 3;
$ENV{TEST_NGINX_OIDC_MAX_AGE} = $MAX_AGE;
our $STEP_TIMEOUT = $ENV{TEST_NGINX_USE_VALGRIND} ? 90 : 20;

if (my $why = SGTest::interop_skip_reason(20, 'oidc-provider 9',
        qw(oidc-provider jose puppeteer-core))) {
    plan(skip_all => $why);
}
if (!-x $CHROMIUM || -d _) {
    plan(skip_all => "no browser at $CHROMIUM: run \"make deps\" "
                     . "(Debian's chromium), or set SG_CHROMIUM");
}
plan('no_plan');

# the provider's keys, made by "jose", the client's secret and the key of
# the edge's cookies, for this run only
our $DIR = "$SGTest::SG_ROOT/t/tmp/oidc-browser-$$";
our $OP_PID;
END {
    stop_provider();
    remove_tree($DIR) if $DIR && -d $DIR;
}
system('node', "$INTEROP/oidc-e2e.mjs", 'keygen', $DIR) == 0
    or die "oidc-e2e.mjs keygen failed: $?\n";
SGTest::write_file("$DIR/client-secret", 'edge-client-secret-for-tests-only');
{
    open my $rnd, '<:raw', '/dev/urandom' or die "/dev/urandom: $!";
    read($rnd, my $key, 32) == 32 or die "/dev/urandom: short read";
    SGTest::write_file("$DIR/cookie-key", $key);
}
chmod 0600, "$DIR/client-secret", "$DIR/cookie-key";
$ENV{TEST_NGINX_OIDC} = $DIR;

sub free_port {
    for (1 .. 20) {
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                      LocalPort => 0, Listen => 1)
            or next;
        my $port = $s->sockport;
        close $s;
        return $port if $port != Test::Nginx::Util::server_port()
                        && $port != ($ENV{TEST_NGINX_APP_PORT} // 0);
    }
    die "no free port for the provider\n";
}
$ENV{TEST_NGINX_OP_PORT} = free_port();

sub stop_provider {
    return unless $OP_PID;
    kill 'TERM', $OP_PID;
    for (1 .. 50) {
        last if waitpid($OP_PID, POSIX::WNOHANG()) != 0;
        Time::HiRes::sleep(0.1);
    }
    if (kill 0, $OP_PID) {
        kill 'KILL', $OP_PID;
        waitpid($OP_PID, 0);
    }
    undef $OP_PID;
}

# starts t/interop/op-server.mjs; undef when it listens, else why not
sub start_provider {
    my ($edge, $logs) = @_;
    my $ready = "$logs/op-server.ready";
    unlink $ready;
    my $pid = fork;
    return "fork: $!" unless defined $pid;
    if (!$pid) {
        open STDOUT, '>', "$logs/op-server.log";
        open STDERR, '>', "$logs/op-server.err";
        { exec 'node', "$INTEROP/op-server.mjs", '--dir', $DIR,
               '--port', $ENV{TEST_NGINX_OP_PORT}, '--edge', $edge,
               '--ready', $ready };
        POSIX::_exit(127);
    }
    $OP_PID = $pid;
    for (1 .. 150) {
        return undef if -e $ready;
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            undef $OP_PID;
            return "op-server.mjs exited ($?): "
                   . (eval { SGTest::read_file("$logs/op-server.err") }
                      // '');
        }
        Time::HiRes::sleep(0.1);
    }
    stop_provider();
    return 'op-server.mjs did not listen within 15 s';
}

sub yn { $_[0] ? 'yes' : 'no' }

sub first_line {
    my ($s) = @_;
    $s //= '';
    $s =~ s/\n.*//s;
    return $s;
}

sub page_text {
    my ($s) = @_;
    $s //= '-';
    $s =~ s/\s+/ /g;
    return $s;
}

# the browser's record, as lines to compare
sub summary {
    my ($r, $events) = @_;
    my @out;
    my $st = $r->{steps} || {};

    if (my $s = $st->{login}) {
        my $a = $s->{authorize} || {};
        my $p = $a->{present} || {};
        push @out,
            "login: EDGE/app/page?x=1 sent to " . ($a->{url} // '-'),
            "authorize: response_type=" . ($a->{response_type} // '-')
            . " client_id=" . ($a->{client_id} // '-')
            . " redirect_uri=" . ($a->{redirect_uri} // '-'),
            "authorize: scope has openid: "
            . yn(($a->{scope} // '') =~ /(?:^| )openid(?: |$)/)
            . ", code_challenge_method=" . ($a->{code_challenge_method} // '-'),
            'authorize: ' . join(', ', map { "$_ " . yn($p->{$_}) }
                                       qw(state nonce code_challenge)),
            'provider pages: ' . join(' ', @{ $s->{provider_pages} || [] }),
            'callback parameters: '
            . join(' ', @{ ($s->{callback} || {})->{names} || [] }),
            'landed: ' . ($s->{final_url} // '-'),
            'page: ' . page_text($s->{body});
    }

    if (my $s = $st->{cookies}) {
        my @edge = grep { $_->{owner} eq 'edge' } @{ $s->{cookies} || [] };
        push @out, 'edge cookies after the login: ' . scalar(@edge);
        for my $c (@edge) {
            push @out, sprintf('edge cookie: HttpOnly %s, Secure %s, '
                               . 'SameSite %s, %s, path %s',
                yn($c->{httpOnly}), yn($c->{secure}),
                $c->{sameSite} // 'unset',
                $c->{session} ? 'until the browser closes' : 'persistent',
                $c->{path});
        }
    }

    if (my $s = $st->{step_up}) {
        my $a = $s->{authorize} || {};
        push @out,
            'step-up: EDGE/admin/ sent to ' . ($a->{url} // '-')
            . ' prompt=' . ($a->{prompt} // '-')
            . ' max_age=' . ($a->{max_age} // '-')
            . ' acr_values=' . ($a->{acr_values} // '-'),
            'provider pages: ' . join(' ', @{ $s->{provider_pages} || [] }),
            'landed: ' . ($s->{final_url} // '-'),
            'page: ' . page_text($s->{body});
    }

    if (my $s = $st->{op_logout}) {
        my $v = $s->{revisit} || {};
        push @out,
            'sign-out at the provider: ' . ($s->{logout_page} // '-')
            . ', then ' . ($s->{after_logout} // '-'),
            'EDGE/app/page then: sent to ' . ($v->{to_provider} // '-')
            . ', landed on ' . ($v->{landed} // '-')
            . ', login form ' . yn($v->{login_page});
    }

    if (my $s = $st->{rp_logout}) {
        my $l = $s->{login} || {};
        my $e = $s->{end_session} || {};
        my @other = grep { !/^(?:client_id|post_logout_redirect_uri)$/ }
                         @{ $e->{names} || [] };
        my $v = $s->{revisit} || {};
        (my $final = $s->{final_url} // '-') =~ s/\?.*//;
        push @out,
            'new login: ' . join(' ', @{ $l->{provider_pages} || [] })
            . ', landed: ' . ($l->{final_url} // '-'),
            'page: ' . page_text($l->{body}),
            'EDGE/logout sent to ' . ($e->{url} // '-')
            . ' client_id=' . ($e->{client_id} // '-')
            . ' post_logout_redirect_uri='
            . ($e->{post_logout_redirect_uri} // '-'),
            'end_session, other parameters: ' . (join(' ', @other) || 'none'),
            'signed out: ' . $final . ', page: ' . page_text($s->{body}),
            'EDGE/app/page then: sent to ' . ($v->{to_provider} // '-')
            . ', landed on ' . ($v->{landed} // '-')
            . ', login form ' . yn($v->{login_page});
    }

    my @sent = grep { $_->{event} eq 'backchannel.sent' } @$events;
    my @done = grep { $_->{event} =~ /^backchannel\.(?:success|error)$/ }
                    @$events;
    push @out,
        'back-channel logouts sent: ' . scalar(@sent) . ', edge answered: '
        . (join(' ', map { $_->{status} } @sent) || '-'),
        'provider events: ' . (join(', ', map {
            $_->{event} eq 'backchannel.success'
                ? 'success' : "error $_->{error}" } @done) || 'none');

    push @out, "FAILED $r->{failed}: " . first_line($r->{error})
        if $r->{failed};
    return @out;
}

sub nginx_listens {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
        PeerPort => Test::Nginx::Util::server_port(), Timeout => 2);
    return !!$s;
}

# Runs the whole flow against this block's nginx; writes html/browser.txt.
sub browser {
    my $port = Test::Nginx::Util::server_port();
    my $edge = "http://127.0.0.1:$port";
    my $op = "http://127.0.0.1:$ENV{TEST_NGINX_OP_PORT}";
    my $html = Test::Nginx::Util::html_dir();
    my $logs = "$html/../logs";
    my @out;

    remove_tree($SHOTS);
    make_path($SHOTS);

    if (!nginx_listens()) {
        @out = ('nginx is not running');
    } elsif (my $why = start_provider($edge, $logs)) {
        @out = ("provider did not start: $why");
    } else {
        my $json = "$logs/browser.json";
        system("node '$INTEROP/browser-login.mjs' --edge '$edge' --op '$op'"
               . " --shots '$SHOTS' --out '$json' --chromium '$CHROMIUM'"
               . " --step-up-wait " . ($MAX_AGE + 2)
               . " --step-timeout $STEP_TIMEOUT"
               . " >'$logs/browser.log' 2>&1");
        my $rc = $?;
        stop_provider();

        my @events;
        for my $line (split /\n/, eval {
                          SGTest::read_file("$logs/op-server.log") } // '') {
            my $e = eval { JSON::PP::decode_json($line) } or next;
            push @events, $e;
        }
        my $r = eval { JSON::PP::decode_json(SGTest::read_file($json)) };
        if (!$r) {
            @out = ("browser-login.mjs wrote no record ($rc)");
        } else {
            @out = summary($r, \@events);
        }
        if ($rc || !$r || !$r->{ok}) {
            Test::More::diag("browser-login.mjs failed ($rc); its record, "
                             . "log, screenshots and the provider's log are "
                             . "in $SHOTS");
            Test::More::diag(eval { SGTest::read_file("$logs/browser.log") }
                             // '');
        }
        for my $f (qw(browser.json browser.log op-server.log op-server.err)) {
            copy("$logs/$f", "$SHOTS/$f") if -e "$logs/$f";
        }
    }

    open my $fh, '>', "$html/browser.txt" or die "$html/browser.txt: $!";
    print $fh map { "$_\n" } @out;
    close $fh;
}

no_shuffle();
no_root_location();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<'_EOC_') unless defined $block->http_config;
    session_guard_zone zone=login:1m max_lifetime=1h;

    # the application: echoes the identity the edge passes on
    server {
        listen 127.0.0.1:$TEST_NGINX_APP_PORT;
        default_type text/plain;
        location / {
            return 200 "user=$http_x_user path=$request_uri\n";
        }
    }
_EOC_
    $block->set_value('request', "GET /browser.txt\n")
        unless defined $block->request;
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location / {
        session_guard zone=login;
        session_guard_issuer http://127.0.0.1:$TEST_NGINX_OP_PORT;
        session_guard_jwks $TEST_NGINX_OIDC/op.jwks;
        session_guard_oidc client_id=edge-client
            authorize=http://127.0.0.1:$TEST_NGINX_OP_PORT/auth
            token=/_op/token
            secret=$TEST_NGINX_OIDC/client-secret
            key=$TEST_NGINX_OIDC/cookie-key
            logout=/logout
            end_session=http://127.0.0.1:$TEST_NGINX_OP_PORT/session/end
            post_logout=/bye;
        proxy_set_header X-User $session_guard_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT;
    }
    location /admin/ {
        session_guard zone=login;
        session_guard_issuer http://127.0.0.1:$TEST_NGINX_OP_PORT;
        session_guard_jwks $TEST_NGINX_OIDC/op.jwks;
        session_guard_oidc client_id=edge-client
            authorize=http://127.0.0.1:$TEST_NGINX_OP_PORT/auth
            token=/_op/token
            secret=$TEST_NGINX_OIDC/client-secret
            key=$TEST_NGINX_OIDC/cookie-key
            logout=/logout
            end_session=http://127.0.0.1:$TEST_NGINX_OP_PORT/session/end
            post_logout=/bye;
        # browser-login.mjs waits longer than that after the login before
        # it comes here
        session_guard_require_auth max_age=$TEST_NGINX_OIDC_MAX_AGE;
        proxy_set_header X-User $session_guard_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_APP_PORT;
    }
    location = /_op/token {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_OP_PORT/token;
    }
    location = /bc-logout {
        session_guard_backchannel_logout zone=login
            issuer=http://127.0.0.1:$TEST_NGINX_OP_PORT
            audience=edge-client jwks=$TEST_NGINX_OIDC/op.jwks
            typ=required;
    }
    location = /bye {
        return 200 "signed out\n";
    }
    location = /browser.txt {
        root html;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a browser logs in at the provider through the edge, steps up, and signs out both ways
--- init
main::browser();
--- response_body eval
<<"_EOB_"
login: EDGE/app/page?x=1 sent to OP/auth
authorize: response_type=code client_id=edge-client redirect_uri=EDGE/session_guard/callback
authorize: scope has openid: yes, code_challenge_method=S256
authorize: state yes, nonce yes, code_challenge yes
provider pages: login consent
callback parameters: code iss state
landed: EDGE/app/page?x=1
page: user=alice path=/app/page?x=1
edge cookies after the login: 1
edge cookie: HttpOnly yes, Secure no, SameSite Lax, until the browser closes, path /
step-up: EDGE/admin/ sent to OP/auth prompt=login max_age=$main::MAX_AGE acr_values=-
provider pages: login
landed: EDGE/admin/
page: user=alice path=/admin/
sign-out at the provider: OP/session/end, then OP/session/end/success
EDGE/app/page then: sent to OP/auth, landed on OP/interaction/<uid>, login form yes
new login: login consent, landed: EDGE/app/page
page: user=alice path=/app/page
EDGE/logout sent to OP/session/end client_id=edge-client post_logout_redirect_uri=EDGE/bye
end_session, other parameters: none
signed out: EDGE/bye, page: signed out
EDGE/app/page then: sent to OP/auth, landed on OP/interaction/<uid>, login form yes
back-channel logouts sent: 2, edge answered: 200 200
provider events: success, success
_EOB_
--- error_log eval
[qr/session_guard: .*revoked by a back-channel logout/]
--- no_error_log
[error]
[alert]
[emerg]
