# Users' memory across configuration reloads (SIGHUP, one nginx for the
# whole file): kept with a zone that is adopted, copied into a zone whose
# size changed.  (Saved in the state file too: t/750-user-memory.t.)
#
# Client addresses come from X-Forwarded-For through the realip module:
# 216.160.83.56 US, AS209; 89.160.20.112 SE, AS29518; 175.16.199.0 CN.

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::Nginx::Socket 'no_plan';
use SGTest;

use_hup();
no_shuffle();
check_accum_error_log();

sub from {
    my ($sid, $ip) = @_;
    my $tok = sg_token(claims => { sub => 'alice', sid => $sid });
    return "Authorization: Bearer $tok\nX-Forwarded-For: $ip";
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> t\nprotected\n")
        unless defined $block->user_files;
    $block->set_value('http_config', <<'_EOC_' . ($block->http_config // ''));
    session_guard_geoip asn=$TEST_NGINX_DATA/mmdb/GeoLite2-ASN-Test.mmdb
                        city=$TEST_NGINX_DATA/mmdb/GeoLite2-City-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
_EOC_
    $block->set_value('config', <<'_EOC_') unless defined $block->config;
    location /t {
        session_guard zone=sg;
        session_guard_jwks $TEST_NGINX_KEYS/all.jwks;
        add_header X-Risk "[$session_guard_risk]" always;
    }
_EOC_
});

run_tests();

__DATA__

=== TEST 1: alice is seen from the US
--- http_config
    session_guard_zone zone=sg:1m memory=30d;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('s1', '216.160.83.56'), main::from('s2', '216.160.83.56')]
--- response_headers eval
["X-Risk: []", "X-Risk: []"]



=== TEST 2: after a reload that keeps the zone, Sweden is new to her
--- http_config
    session_guard_zone zone=sg:1m memory=30d;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('s3', '89.160.20.112'), main::from('s4', '89.160.20.112')]
--- response_headers eval
["X-Risk: [new_network,new_country]", "X-Risk: []"]



=== TEST 3: a resized zone: the memory is copied, China is new, Sweden and the US are not
--- http_config
    session_guard_zone zone=sg:2m memory=30d;
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[main::from('s5', '175.16.199.0'), main::from('s6', '89.160.20.112'),
 main::from('s7', '216.160.83.56')]
--- response_headers eval
["X-Risk: [new_country]", "X-Risk: []", "X-Risk: []"]
--- error_log eval
qr/\[notice\].*session_guard: zone "sg" resized, copied 1 user memories$/m



=== TEST 4: memory=off: no such signal any more
--- http_config
    session_guard_zone zone=sg:2m;
--- request eval
["GET /t"]
--- more_headers eval
[main::from('s8', '1.128.0.0')]
--- response_headers eval
["X-Risk: []"]



=== TEST 5: memory= again, the zone kept: what it remembered before memory=off is gone (no country to compare with)
--- http_config
    session_guard_zone zone=sg:2m memory=30d;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[main::from('s9', '1.128.0.0'), main::from('s10', '89.160.20.112')]
--- response_headers eval
["X-Risk: []", "X-Risk: [new_network]"]
