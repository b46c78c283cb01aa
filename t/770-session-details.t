# Sessions' details (session_guard_zone ... details=on): the user agent a
# session began with and the last one accepted, its client (azp or
# client_id), the city of its last accepted request and its last accepted
# contexts, shown by the API, the events and variables, saved with the
# state file and copied when a zone is resized.
#
# Client addresses come from X-Forwarded-For through the realip module;
# MaxMind's test databases place them:
#   216.160.83.56    Milton, US, AS209
#   89.160.20.112    Linköping, SE, AS29518
#   175.16.199.0     Changchun, CN, no ASN
#   2.125.160.216    Boxford, GB, no ASN

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

no_shuffle();
check_accum_error_log();
eval_at_block_start('more_headers');

our $STATE = "$ENV{TEST_NGINX_STATE_DIR}/770-$$.state";
unlink $STATE;
END { unlink $STATE if $STATE }

our $US = '216.160.83.56';
our $SE = '89.160.20.112';
our $CN = '175.16.199.0';
our $GB = '2.125.160.216';

# a request of "sub"'s session "sid" from "ip" with the user agent "ua"
sub from {
    my ($sub, $sid, $ip, $ua, %claims) = @_;
    my $tok = sg_token(claims => { sub => $sub, sid => $sid, %claims });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip"
           . (defined $ua ? "\nUser-Agent: $ua" : '');
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_')
    session_guard_zone zone=sg:1m max_lifetime=1h details=on;
_EOC_
        unless defined $block->http_config;
    $block->set_value('http_config', <<'_EOC_' . $block->http_config);
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb;
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
        add_header X-UA "[\$session_guard_session_user_agent]" always;
        add_header X-Client "[\$session_guard_session_client]" always;
        add_header X-City "[\$session_guard_session_last_city]" always;
        add_header X-Status \$session_guard_status always;
    }
    location /api {
        session_guard_api zone=sg;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: a session's first request: its user agent, client, city and context
--- request eval
["GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'laptop/1.0', azp => 'web-app'), ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-UA: [laptop/1.0]\nX-Client: [web-app]\nX-City: [Link\xc3\xb6ping]", ""]
--- response_body_like eval
["protected",
 qr/"details":\{"user_agent":\{"initial":"laptop\/1\.0","last":"laptop\/1\.0"\},"client":"web-app","last_city":"Link\xc3\xb6ping","history":\[\{"at":\d+,"ip":"89\.160\.20\.112","asn":29518,"country":"SE"\}\]\}/]
--- no_error_log
[error]



=== TEST 2: accepted requests from elsewhere: the last user agent and city follow, the contexts pile up newest first
--- request eval
[("GET /t") x 4, "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'laptop/1.0', client_id => 'cli'),
 main::from('alice', 's1', $::US, 'phone/2.0'),
 main::from('alice', 's1', $::US, 'phone/2.0'),
 main::from('alice', 's1', $::CN, 'phone/2.0'), ""]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_headers eval
["X-City: [Link\xc3\xb6ping]\nX-Client: [cli]", "X-City: [Milton]\nX-UA: [laptop/1.0]",
 "X-City: [Milton]", "X-City: [Changchun]", ""]
--- response_body_like eval
[("protected") x 4,
 qr/"user_agent":\{"initial":"laptop\/1\.0","last":"phone\/2\.0"\},"client":"cli","last_city":"Changchun","history":\[\{"at":\d+,"ip":"175\.16\.199\.0","asn":209,"country":"CN"\},\{"at":\d+,"ip":"216\.160\.83\.56","asn":209,"country":"US"\},\{"at":\d+,"ip":"89\.160\.20\.112","asn":29518,"country":"SE"\}\]/]



=== TEST 3: a refused request leaves the details as they were
--- on
session_guard_on_change country=deny;
--- request eval
["GET /t", "GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'laptop'),
 main::from('alice', 's1', $::US, 'thief'), ""]
--- error_code eval
[200, 403, 200]
--- response_headers eval
["X-City: [Link\xc3\xb6ping]", "X-City: [Link\xc3\xb6ping]\nX-Status: DENY", ""]
--- response_body_like eval
["protected", "",
 qr/"user_agent":\{"initial":"laptop","last":"laptop"\},"client":null,"last_city":"Link\xc3\xb6ping","history":\[\{"at":\d+,"ip":"89\.160\.20\.112","asn":29518,"country":"SE"\}\]\}/]



=== TEST 4: four contexts at most, the oldest falls off
--- request eval
[("GET /t") x 6, "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE), main::from('alice', 's1', $::US),
 main::from('alice', 's1', $::CN), main::from('alice', 's1', $::GB),
 main::from('alice', 's1', $::US), main::from('alice', 's1', '1.128.0.0'), ""]
--- error_code eval
[(200) x 7]
--- response_body_like eval
[("protected") x 6,
 qr/"history":\[\{"at":\d+,"ip":"1\.128\.0\.0","asn":1221,"country":"US"\},\{"at":\d+,"ip":"216\.160\.83\.56","asn":209,"country":"US"\},\{"at":\d+,"ip":"2\.125\.160\.216","asn":209,"country":"GB"\},\{"at":\d+,"ip":"175\.16\.199\.0","asn":209,"country":"CN"\}\]\}/]



=== TEST 5: a long user agent is cut to 128 bytes; control characters are escaped in the API and in a header
--- request eval
["GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE, ("a" x 127) . "bcdef"), ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-UA: [" . ("a" x 127) . "b]", ""]
--- response_body_like eval
["protected", qr/"initial":"a{127}b","last":"a{127}b"/]



=== TEST 6: a client value with a quote and a tab reaches the API as JSON, a header escaped
--- request eval
["GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'x', azp => "ev\"il\tapp"), ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Client: [ev\"il%09app]", ""]
--- response_body_like eval
["protected", qr/"client":"ev\\"il\\tapp"/]



=== TEST 7: a zone without details=on keeps none: no variables, nothing in the API
--- http_config
    session_guard_zone zone=sg:1m max_lifetime=1h;
--- request eval
["GET /t", "GET /api/sessions/s1"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'laptop', azp => 'web-app'), ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-UA: []\nX-Client: []\nX-City: []", ""]
--- response_body_unlike eval
["^\$", qr/"details"/]



=== TEST 8: the event of a decision carries them, as they were before the request
--- on
add_header X-Event $session_guard_event always;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'laptop', azp => 'web-app'),
 main::from('alice', 's1', $::US, 'laptop')]
--- error_code eval
[200, 200]
--- response_headers_like eval
['X-Event: .*"session":\{"id":"s1".*"details":\{"user_agent":\{"initial":"laptop","last":null\},"client":"web-app","last_city":null,"history":\[\]\}\}.*',
 'X-Event: .*"details":\{"user_agent":\{"initial":"laptop","last":"laptop"\},"client":"web-app","last_city":"Link\xc3\xb6ping".*"history":\[\{"at":\d+,"ip":"89\.160\.20\.112".*']



=== TEST 9: saved with the state file
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h details=on state=$::STATE;"
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('alice', 's1', $::SE, 'laptop', azp => 'web-app'),
 main::from('alice', 's1', $::US, 'phone')]
--- error_code eval
[200, 200]



=== TEST 10: and loaded after a restart
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h details=on state=$::STATE;"
--- request eval
["GET /api/sessions/s1"]
--- error_code: 200
--- response_body_like eval
qr/"user_agent":\{"initial":"laptop","last":"phone"\},"client":"web-app","last_city":"Milton","history":\[\{"at":\d+,"ip":"216\.160\.83\.56","asn":209,"country":"US"\},\{"at":\d+,"ip":"89\.160\.20\.112","asn":29518,"country":"SE"\}\]/



=== TEST 11: loaded into a zone without details=on: the sessions without them
--- http_config eval
"session_guard_zone zone=sg:1m max_lifetime=1h state=$::STATE;"
--- request eval
["GET /api/sessions/s1"]
--- error_code: 200
--- response_body_like eval
qr/^\{"id":"s1"(?!.*"details").*\}$/
