# repeat_each, add_block_preprocessor, exported helpers, user_files dates.
use Test::Nginx::Socket;

repeat_each(2);

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->config) {
        $block->set_value("config", <<'_END_');
    location = /t {
        return 200 "default config, a=$arg_a\n";
    }
_END_
    }

    if (!defined $block->no_error_log && !defined $block->error_log) {
        $block->set_value("no_error_log", "[error]");
    }
});

plan tests => repeat_each() * (3 * blocks() + 3);

our $Port = server_port();
our $HtmlDir = html_dir();
our $Root = server_root();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: config supplied by the preprocessor
--- request
GET /t?a=1
--- response_body
default config, a=1



=== TEST 2: own config wins
--- config
    location = /t {
        return 200 "own config\n";
    }
--- request
GET /t
--- response_body
own config



=== TEST 3: exported helpers (server_port, html_dir, server_root)
--- config
    location = /t {
        return 200 "$server_port $document_root\n";
    }
--- request
GET /t
--- response_body eval
"$main::Port $main::HtmlDir\n"
--- response_headers eval
"X-Not-There-$main::Port:"



=== TEST 4: each repetition only sees its own error log lines
--- request
GET /t?a=rep
--- grep_error_log eval
qr/http request line: "[^"]+"/
--- grep_error_log_out eval
["http request line: \"GET /t?a=rep HTTP/1.1\"\n",
 "http request line: \"GET /t?a=rep HTTP/1.1\"\n"]
--- response_body
default config, a=rep



=== TEST 5: user_files with a timestamp (Last-Modified)
--- config
    location /f/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
    }
--- user_files
>>> dated.txt 201001021230.45
old file
--- request
GET /f/dated.txt
--- response_headers
Last-Modified: Sat, 02 Jan 2010 12:30:45 GMT
--- response_body
old file
