# master process + several workers: nginx must be started and stopped
# cleanly (no leftover or zombie processes).
use Test::Nginx::Socket 'no_plan';

master_on();
workers(2);
worker_connections(128);
log_level('info');

no_shuffle();
run_tests();

__DATA__

=== TEST 1: served by a worker process
--- config
    location = /t {
        return 200 "pid ok\n";
    }
--- request
GET /t
--- response_body
pid ok
--- error_log
start worker process
--- no_error_log
[error]



=== TEST 2: next block restarts cleanly on the same port
--- main_config
    worker_rlimit_nofile 512;
--- config
    location = /t {
        return 200 "again\n";
    }
--- request eval
["GET /t", "GET /t"]
--- response_body eval
["again\n", "again\n"]
