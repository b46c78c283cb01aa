# error_log / no_error_log / grep_error_log / must_die / shutdown_error_log.
use Test::Nginx::Socket 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: error_log with strings and regexes (eval)
--- config
    location /files/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
    }
--- request
GET /files/missing.txt
--- error_code: 404
--- error_log eval
[qr/open\(\) "[^"]+missing\.txt" failed/, "No such file or directory"]
--- no_error_log eval
["[alert]", qr/\[emerg\]/]



=== TEST 2: no_error_log with several lines
--- config
    location = /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- no_error_log
[error]
[warn]
[crit]



=== TEST 3: an expected [crit] line does not fail the block
--- config
    location /dav/ {
        root $TEST_NGINX_SERVER_ROOT/html;
        dav_methods PUT;
    }
--- request
PUT /dav/no/such/dir.txt
data
--- error_code: 500
--- response_body_like: 500 Internal Server Error
--- error_log
[crit]
failed (2: No such file or directory)



=== TEST 4: a [crit] line matched by an error_log regex is expected too
--- config
    location /dav/ {
        root $TEST_NGINX_SERVER_ROOT/html;
        dav_methods PUT;
    }
--- request
PUT /dav/no/such/dir.txt
data
--- error_code: 500
--- error_log eval
qr/rename\(\) "[^"]+" to "[^"]+dir\.txt" failed/



=== TEST 5: grep_error_log
--- config
    location = /t {
        return 200 "ok\n";
    }
--- request
GET /t?a=1
--- grep_error_log eval
qr/http request line: "[^"]+"/
--- grep_error_log_out
http request line: "GET /t?a=1 HTTP/1.1"
--- response_body
ok



=== TEST 6: per-block log_level
--- log_level: warn
--- config
    location = /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- no_error_log
[debug]
[notice]



=== TEST 7: must_die: unknown directive
--- config
    location = /t {
        no_such_directive_here on;
    }
--- must_die
--- error_log
unknown directive "no_such_directive_here"
[emerg]



=== TEST 8: must_die with an exit code and a bad http_config
--- http_config
    upstream foo {
        bogus_param;
    }
--- config
    location = /t { return 200; }
--- must_die: 1
--- error_log eval
qr/\[emerg\] .*unknown directive "bogus_param"/



=== TEST 9: shutdown_error_log (checked after nginx has been stopped)
--- config
    location = /t {
        return 200 "ok\n";
    }
--- request
GET /t
--- response_body
ok
--- shutdown_error_log eval
qr/signal 3 \(SIGQUIT\) received/
--- no_shutdown_error_log
[alert]



=== TEST 10: --- wait before the log checks
--- config
    location = /t {
        return 200 "waited\n";
    }
--- request
GET /t
--- wait: 0.05
--- response_body
waited
--- error_log
http finalize request



=== TEST 11: skipped block
--- SKIP
--- config
    location = /t { return 500; }
--- request
GET /t
--- response_body
never run
