# Self-test of the local Test::Nginx::Socket replacement (t/runner):
# plain Debian nginx, no custom module.
use Test::Nginx::Socket;

repeat_each(1);
plan tests => repeat_each() * 39;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: return with a body
--- config
    location = /t {
        return 200 "hello, world\n";
    }
--- request
GET /t
--- response_body
hello, world
--- no_error_log
[error]



=== TEST 2: static files from user_files, including subdirectories
--- config
    location /static/ {
        alias $TEST_NGINX_SERVER_ROOT/html/files/;
    }
--- user_files
>>> files/a.txt
file a
>>> files/sub/dir/b.txt
file b
line 2
--- request
GET /static/sub/dir/b.txt
--- response_body
file b
line 2
--- response_headers
Content-Length: 14
Content-Type: text/plain



=== TEST 3: add_header, absent header, headers_like
--- config
    location = /h {
        add_header X-Foo "bar";
        add_header X-Port $server_port;
        return 204;
    }
--- request
    # comments before the request line are allowed
    GET /h
--- error_code: 204
--- response_headers
X-Foo: bar
X-Port: $ServerPort
!X-Missing
--- response_body



=== TEST 4: response_headers_like and response_body_like
--- config
    location = /h {
        add_header X-Time "t=$msec";
        return 200 "time: $msec\n";
    }
--- request
GET /h
--- response_headers_like
X-Time: t=\d+\.\d{3}
--- response_body_like: ^time: \d+\.\d+$



=== TEST 5: error_page
--- config
    location = /missing {
        error_page 404 = /fallback;
        return 404;
    }
    location = /fallback {
        return 200 "fallback for $request_uri\n";
    }
--- request
GET /missing
--- response_body
fallback for /missing



=== TEST 6: default 404 page
--- config
    location = /t { return 200; }
--- request
GET /does/not/exist.html
--- error_code: 404
--- response_body_like: 404 Not Found
--- error_log
No such file or directory



=== TEST 7: proxy_pass to another server block on the same port
--- http_config
    server {
        listen $TEST_NGINX_SERVER_PORT;
        server_name backend;
        location / {
            return 200 "backend saw $uri host=$host\n";
        }
    }
--- config
    location /proxy/ {
        proxy_set_header Host backend;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/b/;
    }
--- request
GET /proxy/x/y
--- response_body
backend saw /b/x/y host=backend
--- access_log
GET /b/x/y HTTP/1.0



=== TEST 8: request headers: Host, Connection, Content-Length, more_headers
--- config
    location = /echo {
        return 200 "host=$http_host conn=$http_connection len=$http_content_length foo=$http_x_foo\n";
    }
--- more_headers
X-Foo: some value
--- request
POST /echo
hello world
--- response_body
host=localhost conn=close len=11 foo=some value



=== TEST 9: more_headers with the eval filter, and HTTP/1.0
--- config
    location = /echo {
        return 200 "$server_protocol foo=$http_x_foo host=$http_host\n";
    }
--- more_headers eval
"X-Foo: " . ("ab" x 3) . "\nHost: example.com"
--- request
GET /echo HTTP/1.0
--- response_body
HTTP/1.0 foo=ababab host=example.com



=== TEST 10: request array (PUT a file with DAV, then GET it back)
--- config
    location /dav/ {
        alias $TEST_NGINX_SERVER_ROOT/html/dav/;
        dav_methods PUT DELETE;
        create_full_put_path on;
    }
--- request eval
["PUT /dav/sub/a.txt
the body", "GET /dav/sub/a.txt", "DELETE /dav/sub/a.txt", "GET /dav/sub/a.txt"]
--- error_code eval
[201, 200, 204, 404]
--- response_body_like eval
["^\$", "^the body\$", "^\$", "404 Not Found"]



=== TEST 11: chunked response (sub_filter drops Content-Length)
--- config
    location /sub/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sub_filter 'world' 'nginx';
        sub_filter_once off;
        sub_filter_types text/plain;
    }
--- user_files
>>> hi.txt
hello world, world
--- request
GET /sub/hi.txt
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body
hello nginx, nginx
