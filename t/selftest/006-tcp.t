# Embedded one-shot TCP server (--- tcp_listen) used as a proxy backend.
use Test::Nginx::Socket 'no_plan';

$ENV{TEST_NGINX_BACKEND_PORT} ||= 19113;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: proxy to the embedded TCP server
--- config
    location = /t {
        proxy_pass http://127.0.0.1:$TEST_NGINX_BACKEND_PORT/back;
    }
--- tcp_listen: 19113
--- tcp_query eval
"GET /back HTTP/1.0\r\nHost: 127.0.0.1:19113\r\nConnection: close\r\n\r\n"
--- tcp_reply eval
"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nX-Backend: yes\r\n\r\nbackend!"
--- request
GET /t
--- response_headers
X-Backend: yes
--- response_body chomp
backend!
