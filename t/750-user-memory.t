# Users' memory (session_guard_zone memory=): the devices (user agent and
# JA4), networks (ASN) and countries each user's accepted sessions came
# from; the conditions new_device, new_network and new_country hold for a
# session whose context is new to its user, with the usual actions.
#
# Client addresses come from X-Forwarded-For through the realip module;
# MaxMind's test databases (t/data/mmdb) place them:
#   216.160.83.56    US, AS209
#   89.160.20.112    SE, AS29518
#   175.16.199.0     CN, no ASN
#   1.128.0.0        AS1221, no country
#   81.2.69.142      GB, no ASN, a VPN, Tor exit, proxy, residential proxy
#
# GET /pause takes about 2.5 s (a 2,500-byte file at 1,000 bytes/s).

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;
use Digest::SHA ();

no_shuffle();
check_accum_error_log();

our $STATE = "$ENV{TEST_NGINX_STATE_DIR}/750-$$.state";
our $STATE3 = "$ENV{TEST_NGINX_STATE_DIR}/750-$$-format3.state";
unlink $STATE, $STATE3;

# $STATE3: $STATE as format 3 would have written it: records of 216 bytes
# (without the risk service's answer of format 5), no memories section
# (after the sessions, the jti entries and the blocked subjects), a new
# digest
sub to_format3 {
    open my $in, '<:raw', $STATE or die "$STATE: $!";
    my $d = do { local $/; <$in> };
    close $in;
    my ($ver, $order, $rsize, $nlen, $ns, $nj) = unpack('x8 L6', $d);
    die "format $ver" unless $ver == 6;
    my $p = 8 + 6 * 4 + 8 + $nlen;
    my $out = substr($d, 0, $p);
    substr($out, 8, 4) = pack('L', 3);
    substr($out, 16, 4) = pack('L', 216);
    for (1 .. $ns) {
        my ($il, $sl) = unpack('S2', substr($d, $p, 4));
        $out .= substr($d, $p, 4 + 216)
              . substr($d, $p + 4 + $rsize, $il + $sl);
        $p += 4 + $rsize + $il + $sl;
    }
    my $q = $p;
    for (1 .. $nj) {
        my ($len) = unpack('S', substr($d, $q, 2));
        $q += 2 + 8 + ($len & 0x7fff);
    }
    my ($nb) = unpack('L', substr($d, $q, 4));
    $q += 4;
    for (1 .. $nb) {
        my ($len) = unpack('S', substr($d, $q, 2));
        $q += 2 + 8 + $len;
    }
    $out .= substr($d, $p, $q - $p);
    $out .= Digest::SHA::sha256($out);
    open my $o, '>:raw', $STATE3 or die "$STATE3: $!";
    print $o $out;
    close $o;
}

# a request of "sub"'s session "sid" from "ip" with the user agent "ua"
sub from {
    my ($sub, $sid, $ip, $ua, %claims) = @_;
    my $tok = sg_token(claims => { sub => $sub, sid => $sid, %claims });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip\n"
           . "User-Agent: " . ($ua // 'laptop');
}

our $US = '216.160.83.56';
our $SE = '89.160.20.112';
our $CN = '175.16.199.0';

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files',
                      ">>> t\nprotected\n>>> pause\n" . ('.' x 2499) . "\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_')
    session_guard_zone zone=sg:1m max_lifetime=1h memory=30d;
_EOC_
        unless defined $block->http_config;
    $block->set_value('http_config', <<'_EOC_' . $block->http_config);
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb
        anonymous=$TEST_NGINX_DATA/mmdb/GeoIP2-Anonymous-IP-Test.mmdb
        proxy=$TEST_NGINX_DATA/mmdb/GeoIP-Residential-Proxy-Test.mmdb;
    set_real_ip_from  127.0.0.1;
    real_ip_header    X-Forwarded-For;
_EOC_
    my $on = $block->on // '';
    $block->set_value('config', <<"_EOC_") unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks \$TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        $on
        add_header X-Risk "[\$session_guard_risk]" always;
        add_header X-Status \$session_guard_status always;
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
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a user's first session is new to nothing; later sessions from a new network, country or device are
--- request eval
[("GET /t") x 6, "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::US),
 main::from('alice', 's3', $::SE), main::from('alice', 's4', $::SE),
 main::from('alice', 's5', $::US, 'phone'),
 main::from('alice', 's6', $::CN, 'phone'), ""]
--- error_code eval
[(200) x 7]
--- response_headers eval
["X-Risk: []\nX-Status: ALLOW", "X-Risk: []",
 "X-Risk: [new_network,new_country]\nX-Status: ALLOW", "X-Risk: []",
 "X-Risk: [new_device]", "X-Risk: [new_country]", ""]
--- response_body_like eval
[("protected") x 6,
 qr/\[info\] [^\n]*session "s3" of "alice": signals new_network,new_country, allowed.*session "s5" of "alice": signals new_device, allowed/s]
--- no_error_log
[error]
[warn]



=== TEST 2: memories are per user: another user's first session from anywhere is new to nothing
--- request eval
[("GET /t") x 4]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('bob', 'b1', $::SE, 'phone'),
 main::from('bob', 'b2', $::SE, 'phone'), main::from('alice', 's2', $::SE)]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: []",
 "X-Risk: [new_network,new_country]"]



=== TEST 3: deny: the session from a new country is refused, and never learned
--- on
session_guard_on_change new_country=deny;
--- request eval
[("GET /t") x 6]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::SE),
 main::from('alice', 's2', $::SE), main::from('alice', 's3', $::SE),
 main::from('alice', 's1', $::US), main::from('bob', 'b1', $::SE)]
--- error_code eval
[200, 403, 403, 403, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Risk: [new_network,new_country]\nX-Status: DENY",
 "X-Status: DENY", "X-Status: DENY", "X-Status: ALLOW", "X-Status: ALLOW"]



=== TEST 4: revoke: the session is revoked with the condition as its reason
--- on
session_guard_on_change new_device=revoke;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /api/sessions/s2"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::US, 'curl'),
 main::from('alice', 's2', $::US, 'curl'), ""]
--- error_code eval
[200, 401, 401, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: REVOKED", "X-Status: REVOKED", ""]
--- response_body_like eval
["protected", ".", ".",
 qr/"revocation":\{"source":"policy","at":\d+,"reason":"new_device"\}/]



=== TEST 5: step_up: asked until the user signs in again; then the country is learned
--- on
session_guard_on_change new_country=step_up;
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::from('alice', 's1', $::US, undef, auth_time => time - 60),
 main::from('alice', 's2', $::SE, undef, auth_time => time - 60),
 main::from('alice', 's2', $::SE, undef, auth_time => time - 60),
 main::from('alice', 's2', $::SE, undef, auth_time => time + 60),
 main::from('alice', 's3', $::SE, undef, auth_time => time - 60)]
--- error_code eval
[200, 401, 401, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Status: STEP_UP", "X-Status: STEP_UP",
 "X-Status: ALLOW", "X-Risk: []\nX-Status: ALLOW"]



=== TEST 6: a session that moves to a new country: its own change signals and the user's both fire
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's1', $::SE),
 main::from('alice', 's2', $::SE)]
--- response_headers eval
["X-Risk: []", "X-Risk: [ip,asn,country,travel,new_network,new_country]",
 "X-Risk: []"]



=== TEST 7: monitor mode reports and lets through, but learns nothing it would have refused
--- config
    location /t {
        session_guard zone=sg mode=monitor;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_on_change new_country=deny;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::SE),
 main::from('alice', 's3', $::SE)]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Risk: []",
 "X-Risk: [new_network,new_country]\nX-Status: DENY_MONITOR",
 "X-Risk: [new_network,new_country]\nX-Status: DENY_MONITOR"]



=== TEST 8: weights: the memory's conditions count in the score
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h memory=30d;
    session_guard_risk_weight new_device=20 new_country=50;
    session_guard_risk_threshold 60 deny;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Score $session_guard_risk_score always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 4]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::SE),
 main::from('alice', 's3', $::US, 'phone'),
 main::from('alice', 's4', $::CN, 'tablet')]
--- error_code eval
[200, 200, 200, 403]
--- response_headers eval
["X-Score: 0", "X-Score: 50", "X-Score: 20", "X-Score: 70\nX-Status: DENY"]



=== TEST 9: memory_users: the least recently learned user is forgotten first
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h memory=30d memory_users=2;
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('bob', 'b1', $::US),
 main::from('carol', 'c1', $::US), main::from('bob', 'b2', $::SE),
 main::from('alice', 's2', $::SE)]
--- response_headers eval
["X-Risk: []", "X-Risk: []", "X-Risk: []",
 "X-Risk: [new_network,new_country]", "X-Risk: []"]



=== TEST 10: the TTL: what was not seen for it is forgotten, and with it the baseline
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h memory=3s;
--- request eval
["GET /t", "GET /t", "GET /pause", "GET /pause", "GET /pause", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::SE), "", "",
 "", main::from('alice', 's3', $::CN, 'phone')]
--- response_headers eval
["X-Risk: []", "X-Risk: [new_network,new_country]", "", "", "",
 "X-Risk: []"]
--- timeout: 30



=== TEST 11: without a subject (an application's cookie) there is no memory
--- config
    location /t {
        session_guard zone=sg;
        session_guard_token off;
        session_guard_session_key $cookie_app;
        add_header X-Risk "[$session_guard_risk]" always;
    }
--- request eval
[("GET /t") x 2]
--- more_headers eval
["Cookie: app=one\nX-Forwarded-For: $::US",
 "Cookie: app=two\nX-Forwarded-For: $::SE"]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Risk: []", "X-Risk: []"]



=== TEST 12: a zone without memory= has no such signals
--- http_config
    session_guard_zone zone=sg:1m;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_on_change new_device=deny;
    }
--- must_die
--- error_log eval
qr/\[emerg\].*"session_guard_on_change": unknown signal "new_device" \(.*"new_device" and the like a zone with "memory="\)/



=== TEST 13: the memory's signals cannot be declared as conditions
--- http_config
    session_guard_zone zone=sg:1m memory=1d;
    session_guard_condition new_country $http_x_c;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*"new_country" is a signal of the users' memory \(session_guard_zone memory=\), not a condition/



=== TEST 14: bad parameters
--- http_config
    session_guard_zone zone=sg:1m memory=forever;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid memory "memory=forever", it must be "off" or a time between 1s and 3650d/



=== TEST 15: bad parameters: memory_users
--- http_config
    session_guard_zone zone=sg:1m memory=1d memory_users=0;
--- config
--- must_die
--- error_log eval
qr/\[emerg\].*invalid "memory_users=0", it must be a number of users between 1 and 100000000/



=== TEST 16: a subject too long for the small memory node (200 bytes) is remembered too
--- request eval
[("GET /t") x 3]
--- more_headers eval
[main::from('u' x 200, 's1', $::US), main::from('u' x 200, 's2', $::SE),
 main::from('u' x 199, 's3', $::SE)]
--- response_headers eval
["X-Risk: []", "X-Risk: [new_network,new_country]", "X-Risk: []"]



=== TEST 17: the API shows a user's memory, and forgets it: what the next session teaches is the new baseline
--- request eval
["GET /t", "GET /t", "GET /t", "GET /api/subjects/alice/memory",
 "GET /api/subjects/nobody/memory", "DELETE /api/subjects/alice/memory",
 "GET /api/subjects/alice/memory", "GET /t", "GET /t",
 "DELETE /api/subjects/nobody/memory", "PUT /api/subjects/alice/memory",
 "GET /error.log"]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('alice', 's2', $::SE),
 main::from('alice', 's3', $::CN, 'phone'), "", "", "", "",
 main::from('alice', 's4', $::CN, 'phone'),
 main::from('alice', 's5', $::US), "", "", ""]
--- error_code eval
[200, 200, 200, 200, 200, 204, 200, 200, 200, 204, 405, 200]
--- response_headers eval
["", "X-Risk: [new_network,new_country]", "X-Risk: [new_device,new_country]",
 "", "", "", "", "X-Risk: []", "X-Risk: [new_device,new_country]",
 "", "Allow: GET, HEAD, DELETE", ""]
--- response_body_like eval
["protected", "protected", "protected",
 qr/^\{"subject":"alice","seen":\d+,"devices":\[\{"seen":\d+\},\{"seen":\d+\}\],"networks":\[\{"asn":209,"seen":\d+\},\{"asn":29518,"seen":\d+\}\],"countries":\[\{"country":"US","seen":\d+\},\{"country":"SE","seen":\d+\},\{"country":"CN","seen":\d+\}\]\}$/,
 qr/^\{"subject":"nobody","seen":null,"devices":\[\],"networks":\[\],"countries":\[\]\}$/,
 "",
 qr/^\{"subject":"alice","seen":null,"devices":\[\],"networks":\[\],"countries":\[\]\}$/,
 "protected", "protected", "", qr/"error":"method_not_allowed"/,
 qr/\[notice\][^\n]*session_guard: zone "sg": the memory of "alice" forgotten through the api, reason ""[^\n]*\n.*\[notice\][^\n]*session_guard: zone "sg": the memory of "nobody" forgotten through the api \(there was none\)/s]



=== TEST 18: the API of a zone without memory
--- http_config
    session_guard_zone zone=sg:1m;
--- request eval
["GET /api/subjects/alice/memory", "DELETE /api/subjects/alice/memory"]
--- error_code eval
[404, 404]
--- response_body_like eval
[qr/"the zone keeps no users' memory"/, qr/"the zone keeps no users' memory"/]



=== TEST 19: a memory is saved in the state file when nginx stops
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h memory=30d state=$::STATE;"
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::from('alice', 's1', $::US), main::from('bob', 'b1', $::SE)]
--- response_headers eval
["X-Risk: []", "X-Risk: []"]



=== TEST 20: after a restart it is loaded: Sweden is still new to alice, the US to bob
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h memory=30d state=$::STATE;"
--- request eval
[("GET /t") x 3, "GET /api/subjects/alice/memory"]
--- more_headers eval
[main::from('alice', 's2', $::SE), main::from('bob', 'b2', $::US),
 main::from('alice', 's1', $::US), ""]
--- response_headers eval
["X-Risk: [new_network,new_country]", "X-Risk: [new_network,new_country]",
 "X-Risk: []", ""]
--- response_body_like eval
[("protected") x 3,
 qr/"countries":\[\{"country":"US","seen":\d+\},\{"country":"SE","seen":\d+\}\]/]
--- error_log eval
qr/\[notice\].*session_guard: loaded 2 user memories from state file "\S+750-\d+\.state" into zone "sg"$/m



=== TEST 21: (a zone without a state file, while the file of the blocks before is copied as format 3)
--- init
main::to_format3();
--- request eval
["GET /t"]
--- more_headers eval
[main::from('carol', 'c1', $::US)]
--- error_code: 200



=== TEST 22: a state file of format 3 (before the memories) still loads, with its sessions: a restored session teaches the empty memory again
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h memory=30d state=$::STATE3;"
--- request eval
[("GET /t") x 2]
--- more_headers eval
[main::from('alice', 's2', $::SE), main::from('alice', 's9', $::CN, 'phone')]
--- response_headers eval
["X-Risk: []\nX-Status: ALLOW", "X-Risk: [new_device,new_country]"]
--- error_log eval
qr/\[notice\].*session_guard: loaded 4 sessions from state file "\S+750-\d+-format3\.state" into zone "sg" \(0 revoked, 0 jti, 0 blocked subjects/
--- no_error_log
user memories from state file



=== TEST 23: a zone without memory= loads a file with memories, and ignores them
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$::STATE;"
--- request eval
["GET /api/subjects/alice/memory", "GET /t"]
--- more_headers eval
["", main::from('alice', 's2', $::SE)]
--- error_code eval
[404, 200]
--- error_log eval
qr/\[notice\].*session_guard: loaded 4 sessions from state file "\S+750-\d+\.state" into zone "sg"/
--- no_error_log
user memories from state file



=== TEST 24: a request the location's authentication requirement refuses (step-up) teaches nothing
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        session_guard_require_auth max_age=10m;
        add_header X-Risk "[$session_guard_risk]" always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 4]
--- more_headers eval
[main::from('alice', 's1', $::US, undef, auth_time => time - 60),
 main::from('alice', 's2', $::SE, undef, auth_time => time - 3600),
 main::from('alice', 's3', $::SE, undef, auth_time => time - 60),
 main::from('alice', 's4', $::SE, undef, auth_time => time - 60)]
--- error_code eval
[200, 401, 200, 200]
--- response_headers eval
["X-Status: ALLOW", "X-Risk: [new_network,new_country]\nX-Status: STEP_UP",
 "X-Risk: [new_network,new_country]\nX-Status: ALLOW", "X-Risk: []"]



=== TEST 25: a step-up met for one new device does not cover the next one of the same session, and holds until met
--- on
session_guard_on_change new_device=step_up;
--- request eval
[("GET /t") x 5]
--- more_headers eval
[main::from('alice', 's1', $::US, 'laptop', auth_time => time - 60),
 main::from('alice', 's1', $::US, 'phone', auth_time => time - 60),
 main::from('alice', 's1', $::US, 'phone', auth_time => time + 60),
 main::from('alice', 's1', $::US, 'tablet', auth_time => time - 60),
 main::from('alice', 's1', $::US, 'phone', auth_time => time - 60)]
--- error_code eval
[200, 401, 200, 401, 401]
--- response_headers eval
["X-Status: ALLOW", "X-Risk: [ua,new_device]\nX-Status: STEP_UP",
 "X-Status: ALLOW", "X-Risk: [ua,new_device]\nX-Status: STEP_UP",
 "X-Risk: []\nX-Status: STEP_UP"]



=== TEST 26: account takeover: a thief signs in with stolen credentials through a residential proxy abroad; the user then travels
The thief's session (a residential proxy in GB, a new device, a new country:
40 + 20 + 30) reaches the revoke threshold, every time, and teaches the
memory nothing; the user's own trip (a new network and country, her laptop:
10 + 30) only asks for a step-up, once.
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h memory=30d;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_leeway 120s;
        session_guard_risk_weight anonymous=40 new_country=30 new_network=10
                                  new_device=20;
        session_guard_risk_threshold 40 step_up;
        session_guard_risk_threshold 80 revoke;
        add_header X-Score $session_guard_risk_score always;
        add_header X-Status $session_guard_status always;
    }
    location /api {
        session_guard_api zone=sg;
    }
--- request eval
[("GET /t") x 7, "GET /api/subjects/alice/memory"]
--- more_headers eval
[main::from('alice', 's1', $::US, 'laptop', auth_time => time - 60),
 main::from('alice', 's666', '81.2.69.142', 'python-requests/2.31',
            auth_time => time - 60),
 main::from('alice', 's666', '81.2.69.142', 'python-requests/2.31',
            auth_time => time + 60),
 main::from('alice', 's667', '81.2.69.142', 'python-requests/2.31',
            auth_time => time + 60),
 main::from('alice', 's2', $::SE, 'laptop', auth_time => time - 60),
 main::from('alice', 's2', $::SE, 'laptop', auth_time => time + 60),
 main::from('alice', 's3', $::SE, 'laptop', auth_time => time - 60), ""]
--- error_code eval
[200, 401, 401, 401, 401, 200, 200, 200]
--- response_headers eval
["X-Score: 0\nX-Status: ALLOW", "X-Score: 90\nX-Status: REVOKED",
 "X-Status: REVOKED", "X-Score: 90\nX-Status: REVOKED",
 "X-Score: 40\nX-Status: STEP_UP", "X-Status: ALLOW",
 "X-Score: 0\nX-Status: ALLOW", ""]
--- response_body_like eval
[("") x 7,
 qr/^\{"subject":"alice","seen":\d+,"devices":\[\{"seen":\d+\}\],"networks":\[\{"asn":209,"seen":\d+\},\{"asn":29518,"seen":\d+\}\],"countries":\[\{"country":"US","seen":\d+\},\{"country":"SE","seen":\d+\}\]\}$/]



=== TEST 27: known_device: a session begun on a device its user is known to use lives longer, until it is seen on one the user is not known to use
The first session teaches the laptop (1h); a second one on it gets 7d, kept
when the network changes; a session on a new phone gets 1h; the trusted
session seen on a tablet nobody knows falls back to 1h for good.
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=30d memory=30d;
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime absolute=1h known_device=$known;
        set $known 7d;
        if ($http_x_known) {
            set $known $http_x_known;
        }
        add_header X-Life $session_guard_session_lifetime always;
        add_header X-Status $session_guard_status always;
    }
--- request eval
[("GET /t") x 7]
--- more_headers eval
[main::from('alice', 's1', $::US, 'laptop'),
 main::from('alice', 's2', $::US, 'laptop'),
 main::from('alice', 's2', $::SE, 'laptop'),
 main::from('alice', 's3', $::US, 'phone'),
 main::from('alice', 's2', $::US, 'tablet'),
 main::from('alice', 's2', $::US, 'laptop'),
 main::from('alice', 's4', $::US, 'laptop') . "\nX-Known: 90d"]
--- response_headers eval
["X-Life: 3600", "X-Life: 604800", "X-Life: 604800", "X-Life: 3600",
 "X-Life: 3600", "X-Life: 3600", "X-Life: 2592000"]



=== TEST 28: known_device= that is not a time fails the request
--- config
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        session_guard_lifetime known_device=$http_x_known;
    }
--- request eval
["GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::US) . "\nX-Known: forever"]
--- error_code eval
[500]
--- error_log
session_guard: invalid lifetime "forever"
