# An external risk service (session_guard_risk_service): before the zone
# judges a session, the edge POSTs what it knows to a location of the
# operator's and applies the answer (actions, score, reasons) as the
# built-in condition "risk_service"; the answer is kept per session for
# cache=, asked again when the context changes; a failure refuses with 503
# (failure=closed) or is decided without (failure=open).  The location of
# the service bounds its own wait (proxy_read_timeout 1s): past timeout=,
# the request goes on, but nginx keeps its connection until the subrequest
# ends.
#
# The service is SGRisk.pm's (t/lib): it answers by the user agent the
# edge reports ("risk=revoke"...); nginx logs what the edge sent it
# (log_subrequest, logs/risk.log, read back through GET /risk.log).
#
# Client addresses come from X-Forwarded-For through the realip module;
# GET /pause takes about 2.5 s (a 2,500-byte file at 1,000 bytes/s).
#
# MaxMind's test databases place them:
#   216.160.83.56    US, AS209
#   89.160.20.112    SE, AS29518

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use SGRisk;
use SGDPoP;

no_shuffle();
check_accum_error_log();
eval_at_block_start('more_headers');

$ENV{TEST_NGINX_RISK_PORT} = SGRisk::start();

# a port where nothing listens: a service that is down
{
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Listen => 1, Proto => 'tcp');
    $ENV{TEST_NGINX_DOWN_PORT} = $s->sockport;
    close $s;
}

our $STATE = "$ENV{TEST_NGINX_STATE_DIR}/760-$$.state";
unlink $STATE;
END { unlink $STATE if $STATE }

our $US = '216.160.83.56';
our $SE = '89.160.20.112';

# a request of "sub"'s session "sid" from "ip" with the user agent "ua"
sub from {
    my ($sub, $sid, $ip, $ua, %claims) = @_;
    my $tok = sg_token(claims => { sub => $sub, sid => $sid, %claims });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip\n"
           . "User-Agent: " . ($ua // 'laptop');
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pause\n" . ('.' x 2499) . "\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_')
    session_guard_zone zone=sg:1m max_lifetime=1h;
_EOC_
        unless defined $block->http_config;
    $block->set_value('http_config', <<'_EOC_' . $block->http_config);
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb;
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;
    log_format        risk escape=none '$request_body';
_EOC_
    my $service = $block->service
                  // 'session_guard_risk_service /risk failure=closed;';
    my $on = $block->on // '';
    my $guard = $block->guard // 'session_guard zone=sg;';
    my $port = $block->service_port // '$TEST_NGINX_RISK_PORT';
    $block->set_value('config', <<"_EOC_") unless defined $block->config;
    location /t {
        $guard
        session_guard_jwks \$TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        $service
        $on
        add_header X-Service "\$session_guard_risk_service/\$session_guard_risk_service_action/\$session_guard_risk_service_score" always;
        add_header X-Reasons "[\$session_guard_risk_service_reasons]" always;
        add_header X-Risk "[\$session_guard_risk]" always;
        add_header X-Status \$session_guard_status always;
    }
    location = /risk {
        internal;
        log_subrequest on;
        access_log logs/risk.log risk;
        proxy_read_timeout 1s;
        proxy_pass http://127.0.0.1:$port/judge;
    }
    location = /pause {
        limit_rate_after 0;
        limit_rate 1000;
    }
    location /api {
        session_guard_api zone=sg;
    }
    location = /error.log {
        default_type text/plain;
        alias \$TEST_NGINX_SERVER_ROOT/logs/error.log;
    }
    location = /risk.log {
        default_type text/plain;
        alias \$TEST_NGINX_SERVER_ROOT/logs/risk.log;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: "allow": the session goes on; its answer is kept and used, not asked again
--- request eval
[("GET /t") x 3, "GET /risk.log"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's1', $::US),
 main::from('alice', 's1', $::US), ""]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Service: answered/allow/0\nX-Status: ALLOW\nX-Risk: []",
 "X-Service: cached/allow/0", "X-Service: cached/allow/0", ""]
--- response_body_like eval
[("protected") x 3, qr/\A[^\n]*\n\z/]
--- no_error_log
[error]
[warn]



=== TEST 2: what the edge tells the service: the session, its user and client, that it is new, the context, the request
--- request eval
["GET /t?x=1", "GET /risk.log"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'Mozilla/5.0 "quoted"', azp => 'app-1',
            auth_time => 1700000000), ""]
--- error_code eval
[200, 200]
--- response_body_like eval
["protected",
 qr/^\{"session":"s1","subject":"alice","client":"app-1","new":true,"changed":\[\],"conditions":\[\],"context":\{"ip":"89\.160\.20\.112","asn":29518,"country":"SE","user_agent":"Mozilla\/5\.0 \\"quoted\\""\},"auth_time":1700000000,"request":\{"method":"GET","uri":"\/t"\}\}$/]
--- no_error_log
[error]
[warn]



=== TEST 3: a known session whose context changed is asked again, told what changed and where it was
--- request eval
[("GET /t") x 3, "GET /risk.log"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's1', $::SE),
 main::from('alice', 's1', $::SE), ""]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Service: answered/allow/0", "X-Service: answered/allow/0\nX-Risk: [ip,asn,country,travel]",
 "X-Service: cached/allow/0", ""]
--- response_body_like eval
[("protected") x 3,
 qr/"new":true.*\n.*"new":false,"changed":\["ip","asn","country"\].*"created":\d+,"initial":\{"asn":209,"country":"US"\},"last":\{"asn":209,"country":"US"\}/]
--- no_error_log
[error]



=== TEST 4: "revoke": the session is revoked for good, and says so; the API shows why
--- request eval
["GET /t", "GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=revoke'),
 main::from('alice', 's1', $::US, 'risk=allow'), ""]
--- error_code eval
[401, 401, 200]
--- response_headers eval
["X-Service: answered/revoke/90\nX-Reasons: [stolen session,tor exit]\nX-Status: REVOKED\nX-Risk: [risk_service]",
 "X-Service: //\nX-Status: REVOKED", ""]
--- response_body_like eval
["", "", qr/"revoked":true,"revocation":\{"source":"policy","at":\d+,"reason":"risk_service"\}/]
--- error_log eval
[qr/risk service "\/risk" for session "s1" answered in \d+ ms: actions 0x10, score 90, reasons "stolen session,tor exit"/,
 qr/session "s1" of "alice": signals risk_service, /]



=== TEST 5: "deny": refused while the answer is kept, without asking again
--- request eval
["GET /t", "GET /t", "GET /risk.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=deny'),
 main::from('alice', 's1', $::US, 'risk=deny'), ""]
--- error_code eval
[403, 403, 200]
--- response_headers eval
["X-Service: answered/deny/10\nX-Status: DENY", "X-Service: cached/deny/10\nX-Reasons: []\nX-Status: DENY", ""]
--- response_body_like eval
["", "", qr/\A[^\n]*\n\z/]



=== TEST 6: "step_up": asked once; met by a newer sign-in, the kept answer does not ask it again
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=step_up', auth_time => time - 600),
 main::from('alice', 's1', $::US, 'risk=step_up', auth_time => time + 10),
 main::from('alice', 's1', $::US, 'risk=step_up', auth_time => time + 10)]
--- error_code eval
[401, 200, 200]
--- response_headers eval
["X-Service: answered/step_up/10\nX-Status: STEP_UP",
 "X-Service: cached/step_up/10\nX-Status: ALLOW",
 "X-Service: cached/step_up/10\nX-Status: ALLOW"]
--- response_headers_like eval
['WWW-Authenticate: Bearer error="insufficient_user_authentication"', "", ""]



=== TEST 7: the answer's score is the weight of "risk_service" in the session's score
--- on
session_guard_risk_weight asn=30;
session_guard_risk_threshold 50 deny;
add_header X-Score $session_guard_risk_score always;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=score=40'),
 main::from('alice', 's1', $::US, 'risk=score=40'),
 main::from('alice', 's1', $::SE, 'risk=score=40'),
 main::from('bob', 's2', $::US, 'risk=score=60')]
--- error_code eval
[200, 200, 403, 403]
--- response_headers eval
["X-Service: answered/allow/40\nX-Score: 40\nX-Risk: [risk_service]",
 "X-Service: cached/allow/40\nX-Score: 40",
 "X-Service: answered/allow/40\nX-Score: 70",
 "X-Service: answered/allow/60\nX-Score: 60"]



=== TEST 8: cache=0 asks on every request
--- service
session_guard_risk_service /risk cache=0;
--- request eval
[("GET /t") x 3, "GET /risk.log"]
--- more_headers eval
[(main::from('alice', 's1', $::US)) x 3, ""]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
[("X-Service: answered/allow/0") x 3, ""]
--- response_body_like eval
[("protected") x 3, qr/\A([^\n]*"session":"s1"[^\n]*\n){3}\z/]



=== TEST 9: no answer in time, failure=closed: 503 without waiting for it; nothing is kept
--- service
session_guard_risk_service /risk timeout=300ms;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=slow'),
 main::from('alice', 's1', $::US, 'risk=allow')]
--- error_code eval
[503, 200]
--- response_headers eval
["X-Service: failed//\nX-Status: ERROR", "X-Service: answered/allow/0\nX-Status: ALLOW"]
--- error_log eval
qr/risk service "\/risk" failed for session "s1" after \d+ ms: no answer in time, refused \(failure=closed\)/
--- timeout: 3



=== TEST 10: no answer in time, failure=open: decided without it; the late answer is dropped
--- service
session_guard_risk_service /risk timeout=300ms failure=open;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=slow'),
 main::from('alice', 's1', $::US, 'risk=allow')]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Service: failed//\nX-Status: ALLOW", "X-Service: answered/allow/0\nX-Status: ALLOW"]
--- error_log eval
qr/risk service "\/risk" failed for session "s1" after \d+ ms: no answer in time, deciding without it \(failure=open\)/
--- timeout: 3



=== TEST 11: the late answer arrives after the request went on: logged, not applied
--- service
session_guard_risk_service /risk timeout=300ms failure=open;
--- request eval
["GET /t", "GET /pause", "GET /t", "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=slow'), "",
 main::from('alice', 's1', $::US, 'risk=allow'), ""]
--- error_code eval
[200, 200, 200, 200]
--- response_headers eval
["X-Service: failed//", "", "X-Service: answered/allow/0\nX-Status: ALLOW", ""]
--- response_body_like eval
["protected", "", "protected",
 qr/upstream timed out.*risk service "\/risk" ended after the request went on without it/s]
--- timeout: 10



=== TEST 12: a service that fails, each way: refused with 503 (failure=closed), the reason logged
--- request eval
[("GET /t") x 7, "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=500'),
 main::from('alice', 's2', $::US, 'risk=204'),
 main::from('alice', 's3', $::US, 'risk=garbage'),
 main::from('alice', 's4', $::US, 'risk=big'),
 main::from('alice', 's5', $::US, 'risk=kill'),
 main::from('alice', 's6', $::US, 'risk=allow'),
 main::from('alice', 's6', $::US, 'risk=allow'), ""]
--- error_code eval
[503, 503, 503, 503, 503, 200, 200, 200]
--- response_body_like eval
[("") x 5, "protected", "protected",
 qr/session "s1" after \d+ ms: status 500, refused.*session "s2" after \d+ ms: status 204, refused.*session "s3" after \d+ ms: invalid answer: bad json, refused.*session "s4" after \d+ ms: answer larger than 4096 bytes, refused.*session "s5" after \d+ ms: invalid answer: unknown "action", refused/s]



=== TEST 13: a service that is down: 503, or decided without it with failure=open
--- service_port: $TEST_NGINX_DOWN_PORT
--- service
session_guard_risk_service /risk failure=closed;
location = /t/open {
    alias $TEST_NGINX_SERVER_ROOT/html/t;
    session_guard zone=sg;
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    session_guard_risk_service /risk failure=open;
    add_header X-Service "$session_guard_risk_service" always;
}
--- request eval
["GET /t", "GET /t/open", "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::US), ""]
--- error_code eval
[503, 200, 200]
--- response_headers eval
["X-Service: failed//", "X-Service: failed", ""]
--- response_body_like eval
["", "protected",
 qr/connect\(\) failed.*risk service "\/risk" failed for session "s1" after \d+ ms: subrequest failed \(502\), refused \(failure=closed\).*connect\(\) failed.*risk service "\/risk" failed for session "s2" after \d+ ms: subrequest failed \(502\), deciding without it/s]



=== TEST 14: monitor mode: the answer is reported, never enforced
--- guard
session_guard zone=sg mode=monitor;
--- request eval
["GET /t", "GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=revoke'),
 main::from('alice', 's1', $::US, 'risk=revoke'), ""]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Service: answered/revoke/90\nX-Status: REVOKED_MONITOR",
 "X-Service: cached/revoke/90\nX-Status: REVOKED_MONITOR", ""]
--- response_body_like eval
["protected", "protected", qr/"revoked":false/]



=== TEST 15: the reasons reach headers and logs printable, without CR LF, quotes or commas of their own
--- request eval
["GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=crlf')]
--- error_code: 200
--- response_headers eval
"X-Reasons: [a??X-Injected: 1,b?c]\nX-Injected:"
--- error_log eval
qr/risk service "\/risk" for session "s1" answered in \d+ ms: actions 0x1, score 0, reasons "a\?\?X-Injected: 1,b\?c"/



=== TEST 16: the event of the decision carries the answer
--- on
add_header X-Event $session_guard_event always;
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=log'),
 main::from('alice', 's1', $::US, 'risk=log'),
 main::from('alice', 's2', $::US, 'risk=revoke')]
--- error_code eval
[200, 200, 401]
--- response_headers_like eval
['X-Event: .*"signals":\["risk_service"\],"actions":\[\],"risk_service":\{"result":"answered","actions":\["log"\],"score":10,"reasons":\["log"\]\},"session_created":true.*',
 'X-Event: .*"signals":\["risk_service"\],"actions":\["log"\],"risk_service":\{"result":"cached","actions":\["log"\],"score":10,"reasons":\[\]\}.*',
 'X-Event: .*"risk_service":\{"result":"answered","actions":\["revoke"\],"score":90,"reasons":\["stolen session","tor exit"\]\},.*"revocation":\{"source":"policy","reason":"risk_service"\}.*']



=== TEST 17: a DPoP-bound token: its proof is checked once, before the service is asked; replayed, it is still refused
--- on
session_guard_dpop required;
--- request eval
["GET /t", "GET /t", "GET /error.log"]
--- more_headers eval
my $h = dpop_headers(token => dpop_token(key => 'p256',
                                         claims => { sid => 'd1', sub => 'alice' }));
["$h\nX-Forwarded-For: $::US\nUser-Agent: laptop",
 "$h\nX-Forwarded-For: $::US\nUser-Agent: laptop", ""]
--- error_code eval
[200, 401, 200]
--- response_headers eval
["X-Service: answered/allow/0\nX-Status: ALLOW", "X-Service: //", ""]
--- response_body_like eval
["protected", "", qr/dpop proof replayed/]



=== TEST 18: an application's cookie session, without a token: asked with no subject
--- config
location /t {
    session_guard_token off;
    session_guard zone=sg;
    session_guard_session_key $cookie_PHPSESSID;
    session_guard_risk_service /risk;
    add_header X-Service "$session_guard_risk_service/$session_guard_risk_service_action" always;
}
location = /risk {
    internal;
    log_subrequest on;
    access_log logs/risk.log risk;
    proxy_read_timeout 1s;
    proxy_pass http://127.0.0.1:$TEST_NGINX_RISK_PORT/judge;
}
location = /risk.log {
    default_type text/plain;
    alias $TEST_NGINX_SERVER_ROOT/logs/risk.log;
}
--- request eval
["GET /t", "GET /t", "GET /risk.log"]
--- more_headers eval
["Cookie: PHPSESSID=abc\nUser-Agent: risk=deny", "Cookie: PHPSESSID=abc\nUser-Agent: risk=deny", ""]
--- error_code eval
[403, 403, 200]
--- response_headers eval
["X-Service: answered/deny", "X-Service: cached/deny", ""]
--- response_body_like eval
["", "", qr/^\{"session":"sha256:[A-Za-z0-9_-]{43}","subject":null,"client":null,"new":true,/]



=== TEST 19: "shorten" and "non_persistent" from the service act as the signals' do
--- on
session_guard_lifetime absolute=1h;
--- request eval
["GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=shorten'), ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Service: answered/shorten/10", ""]
--- response_body_like eval
["protected", qr/"shortened":true/]



=== TEST 20: "off" in a location: nothing is asked there
--- on
location = /t/off {
    alias $TEST_NGINX_SERVER_ROOT/html/t;
    session_guard zone=sg;
    session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
    session_guard_risk_service off;
    add_header X-Service "[$session_guard_risk_service]" always;
}
--- request eval
["GET /t/off", "GET /risk.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=revoke'), ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Service: []", ""]
--- response_body eval
["protected\n", ""]



=== TEST 21: nginx -t refuses "risk_service" as a declared condition
--- http_config
    session_guard_condition risk_service $http_x_risk;
--- config
--- must_die
--- error_log
"risk_service" is the answer of a risk service (session_guard_risk_service), not a condition



=== TEST 22: nginx -t refuses actions of its own for "risk_service"
--- on
session_guard_on_change risk_service=log;
--- must_die
--- error_log eval
qr/"session_guard_on_change": "risk_service" takes the actions of the risk service's answers in \S+nginx.conf:\d+/



=== TEST 23: nginx -t refuses a weight for "risk_service"
--- on
session_guard_risk_weight risk_service=10;
--- must_die
--- error_log
the weight of "risk_service" is the score of its answers



=== TEST 24: nginx -t refuses invalid parameters
--- service
session_guard_risk_service /risk timeout=0;
--- must_die
--- error_log
invalid parameter "timeout=0" (timeout= up to 60s, cache= up to 1d, max_size= from 16 to 64k, failure=open or closed)



=== TEST 25: nginx -t refuses a risk service that is not a uri
--- service
session_guard_risk_service http://risk.example/judge;
--- must_die
--- error_log
the risk service "http://risk.example/judge" must be a location's uri (starting with "/")



=== TEST 26: nginx -t refuses failure= other than open or closed, and a cache longer than a day
--- service
session_guard_risk_service /risk cache=2d failure=maybe;
--- must_die
--- error_log
invalid parameter "cache=2d"



=== TEST 27: a kept answer is saved with its session (state=)
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$::STATE;"
--- request eval
["GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=deny')]
--- error_code: 403
--- response_headers
X-Service: answered/deny/10



=== TEST 28: and loaded after a restart: not asked again while it is kept
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$::STATE;"
--- request eval
["GET /t", "GET /risk.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=deny'), ""]
--- error_code eval
[403, 200]
--- response_headers eval
["X-Service: cached/deny/10", ""]
--- response_body_like eval
["403 Forbidden", "^\\z"]
--- error_log eval
qr/loaded 1 sessions/



=== TEST 29: a question that failed (failure=open) drops the kept answer: the new context is asked about next time
--- service
session_guard_risk_service /risk timeout=300ms failure=open;
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=allow'),
 main::from('alice', 's1', $::US, 'risk=slow'),
 main::from('alice', 's1', $::US, 'risk=slow')]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Service: answered/allow/0", "X-Service: failed//\nX-Risk: [ua]",
 "X-Service: failed//\nX-Risk: []"]
--- timeout: 10



=== TEST 30: monitor mode with failure=closed: a failure is reported, the request decided without it
--- guard
session_guard zone=sg mode=monitor;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=500'), main::from('alice', 's1', $::US, 'risk=500')]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Service: failed//\nX-Status: ALLOW", "X-Service: failed//"]
--- error_log eval
qr/risk service "\/risk" failed for session "s1" after \d+ ms: status 500, deciding without it \(monitor mode\)/



=== TEST 31: a blocked subject is refused by the zone without asking the service
--- request eval
["PUT /api/subjects/mallory/block", "GET /t", "GET /risk.log"]
--- more_headers eval
["", main::from('mallory', 's9', $::US, 'risk=allow'), ""]
--- error_code eval
[200, 403, 200]
--- response_headers eval
["", "X-Service: //\nX-Status: BLOCKED", ""]
--- response_body_like eval
[qr/blocked/, "", "^\\z"]



=== TEST 32: an answer that comes after its request went on is kept for the session's next request
--- service
session_guard_risk_service /risk timeout=300ms failure=open;
--- request eval
["GET /t", "GET /t", "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=late'),
 main::from('alice', 's1', $::US, 'risk=late'), ""]
--- error_code eval
[200, 403, 200]
--- response_headers eval
["X-Service: failed//\nX-Status: ALLOW", "X-Service: cached/deny/10\nX-Status: DENY", ""]
--- response_body_like eval
["protected", "",
 qr/no answer in time, deciding without it.*risk service "\/risk" answered after the request went on: kept for the session's next request \(actions 0x20, score 10\)/s]



=== TEST 33: with cache=0 it is dropped
--- service
session_guard_risk_service /risk timeout=300ms cache=0 failure=open;
--- request eval
["GET /t", "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'risk=late'), ""]
--- error_code eval
[200, 200]
--- response_body_like eval
["protected",
 qr/risk service "\/risk" answered after the request went on: dropped/]
