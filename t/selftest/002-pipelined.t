# Pipelined requests, raw requests, HEAD, packets and timeouts.
use Test::Nginx::Socket 'no_plan';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: pipelined requests over one connection
--- config
    location /p {
        return 200 "uri=$uri conn=$http_connection len=$http_content_length\n";
    }
    location = /missing {
        return 404;
    }
--- pipelined_requests eval
["GET /p/1", "POST /p/2\nabc", "GET /missing", "GET /p/4"]
--- error_code eval
[200, 200, 404, 200]
--- response_body_like eval
["^uri=/p/1 conn=keep-alive len=\n\$",
 "^uri=/p/2 conn=keep-alive len=3\n\$",
 "404 Not Found",
 "^uri=/p/4 conn=close len=\n\$"]
--- no_error_log
[error]



=== TEST 2: pipelined requests with per-request more_headers
--- config
    location = /h {
        add_header X-Got "$http_x_req";
        return 200 "body $http_x_req\n";
    }
--- pipelined_requests eval
["GET /h", "GET /h"]
--- more_headers eval
["X-Req: first", "X-Req: second"]
--- response_headers eval
["X-Got: first\nContent-Length: 11", "X-Got: second"]
--- response_body eval
["body first\n", "body second\n"]



=== TEST 3: raw_request
--- config
    location = /raw {
        return 200 "method=$request_method proto=$server_protocol\n";
    }
--- raw_request eval
"OPTIONS /raw HTTP/1.0\r\nHost: localhost\r\n\r\n"
--- response_body
method=OPTIONS proto=HTTP/1.0



=== TEST 4: request split into packets with a delay
--- config
    location = /dav/x.txt {
        root $TEST_NGINX_SERVER_ROOT/html;
        dav_methods PUT;
        create_full_put_path on;
    }
    location = /get/x.txt {
        alias $TEST_NGINX_SERVER_ROOT/html/dav/x.txt;
    }
--- request eval
[["PUT /dav/x.txt\nhel", {value => "lo packets", delay_before => 0.05}],
 "GET /get/x.txt"]
--- error_code eval
[201, 200]
--- response_body eval
["", "hello packets"]



=== TEST 5: per-block timeout with --- abort (nginx delays the response)
--- config
    location = /slow {
        limit_rate 1;
        return 200 "0123456789";
    }
--- request
GET /slow
--- timeout: 300ms
--- abort
--- ignore_response
--- no_error_log
[error]



=== TEST 6: response_body eval with binary data
--- config
    location = /bin {
        return 200 "a\tb";
    }
--- request
GET /bin
--- response_body eval
"a\tb"



=== TEST 7: HEAD request (Content-Length but no body)
--- config
    location = /h {
        return 200 "body\n";
    }
--- request
HEAD /h
--- response_headers
Content-Length: 5
--- response_body
