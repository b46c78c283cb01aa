
/*
 * Copyright (C) ngx_session_guard authors
 */


#include "sg_test.h"

#include "ngx_sg_text.h"


static ngx_int_t
parse(const char *text, size_t len, json_t **out, const char **reason)
{
    *reason = "";

    return ngx_sg_json_parse_object(sg_pool, (u_char *) text, len,
                                    NGX_SG_JSON_MAX_DEPTH, out, reason);
}


static void
expect_declined(const char *text, size_t len, const char *why)
{
    json_t      *out;
    const char  *reason;

    out = (json_t *) 1;

    assert_int_equal(parse(text, len, &out, &reason), NGX_DECLINED);
    assert_string_equal(reason, why);
    assert_null(out);
}


static char *
nested(ngx_uint_t depth, ngx_uint_t array)
{
    char        *s, *p;
    ngx_uint_t   i;

    /* {"a":{"a":...{}...}} or {"a":[[...]]} */

    s = ngx_palloc(sg_pool, 8 * depth + 16);
    assert_non_null(s);

    p = s;

    for (i = 0; i < depth; i++) {
        if (i == 0 || !array) {
            p = stpcpy(p, (i + 1 < depth) ? "{\"a\":" : "{");

        } else {
            p = stpcpy(p, "[");
        }
    }

    for (i = depth; i > 0; i--) {
        p = stpcpy(p, (i == 1 || !array) ? "}" : "]");
    }

    return s;
}


static void
test_object(void **state)
{
    json_t      *out;
    const char  *reason;
    static const char  text[] = " {\"a\": 1, \"b\": [true, null, \"x\"]} \n";

    assert_int_equal(parse(text, sizeof(text) - 1, &out, &reason), NGX_OK);
    assert_true(json_is_object(out));
    assert_int_equal(json_integer_value(json_object_get(out, "a")), 1);

    /* pool values: decref is harmless, the pool owns the memory */
    json_decref(out);
}


static void
test_depth(void **state)
{
    char        *s;
    json_t      *out;
    const char  *reason;

    s = nested(NGX_SG_JSON_MAX_DEPTH, 0);
    assert_int_equal(parse(s, strlen(s), &out, &reason), NGX_OK);

    s = nested(NGX_SG_JSON_MAX_DEPTH, 1);
    assert_int_equal(parse(s, strlen(s), &out, &reason), NGX_OK);

    s = nested(NGX_SG_JSON_MAX_DEPTH + 1, 0);
    expect_declined(s, strlen(s), "json too deep");

    s = nested(NGX_SG_JSON_MAX_DEPTH + 1, 1);
    expect_declined(s, strlen(s), "json too deep");

    /* far deeper than jansson's own limit: refused before jansson */
    s = nested(100000, 1);
    expect_declined(s, strlen(s), "json too deep");

    /* brackets inside strings, also after escaped quotes, do not count */

    s = sg_printf("{\"a\":\"%s\\\"%s\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                  "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{");
    assert_int_equal(parse(s, strlen(s), &out, &reason), NGX_OK);

    s = sg_printf("{\"a\\\\\":%s}", nested(NGX_SG_JSON_MAX_DEPTH, 1));
    expect_declined(s, strlen(s), "json too deep");
}


static void
test_duplicates(void **state)
{
    expect_declined("{\"a\":1,\"a\":2}", 13, "bad json");
    expect_declined("{\"alg\":\"RS256\",\"b\":{},\"alg\":\"none\"}", 35,
                    "bad json");
}


static void
test_trailing(void **state)
{
    expect_declined("{} x", 4, "bad json");
    expect_declined("{}{}", 4, "bad json");
    expect_declined("{},", 3, "bad json");
    expect_declined("{\"a\":1", 6, "bad json");
    expect_declined("", 0, "bad json");
    expect_declined("   ", 3, "bad json");
}


static void
test_not_object(void **state)
{
    expect_declined("[1,2]", 5, "json not object");
    expect_declined("[]", 2, "json not object");
    expect_declined("1", 1, "bad json");
    expect_declined("\"s\"", 3, "bad json");
    expect_declined("null", 4, "bad json");
    expect_declined("true", 4, "bad json");
}


static void
test_nul(void **state)
{
    expect_declined("{\"a\":\"x\0y\"}", 11, "json nul byte");
    expect_declined("{\"a\":1}\0", 8, "json nul byte");
    expect_declined("{\"a\":\"\\\0\"}", 10, "json nul byte");
    expect_declined("{\"a\":\"\\u0000\"}", 14, "bad json");
    expect_declined("{\"a\\u0000b\":1}", 14, "bad json");
}


static void
test_bad_input(void **state)
{
    expect_declined("{\"a\":\"\xff\"}", 9, "bad json");
    expect_declined("{\"a\":\"\xc0\xaf\"}", 10, "bad json");
    expect_declined("{\"a\":\"\\ud800\"}", 14, "bad json");
    expect_declined("{\"a\":123456789012345678901234567890}", 36,
                    "bad json");
    expect_declined("{\"a\":1e999}", 11, "bad json");
    expect_declined("{a:1}", 5, "bad json");
    expect_declined("{\"a\":'x'}", 9, "bad json");
    expect_declined("{\"a\":\"\\", 7, "bad json");
    expect_declined("}}}}", 4, "bad json");
}


static void
test_nomem(void **state)
{
    json_t      *out;
    ngx_int_t    rc;
    ngx_uint_t   i;
    const char  *reason;
    static const char  text[] =
        "{\"a\":[1,2,3,{\"b\":\"ccccccccccccccccccccccccccccccccc\"}],"
        "\"d\":{\"e\":1.5,\"f\":\"g\"}}";

    for (i = 1; i < 1000; i++) {
        ngx_stub_fail_after = i;

        rc = parse(text, sizeof(text) - 1, &out, &reason);

        if (ngx_stub_fail_after == 0) {
            /* the i-th allocation failed */
            assert_int_equal(rc, NGX_ERROR);
            continue;
        }

        ngx_stub_fail_after = 0;
        assert_int_equal(rc, NGX_OK);
        return;
    }

    fail();
}


static void
test_dump(void **state)
{
    json_t     *out;
    ngx_str_t   s;
    const char *reason;
    static const char  text[] =
        "{ \"a\" : 1, \"b\" : [ true, null, \"x\\\"y\" ], \"c\" : {} }";

    assert_int_equal(parse(text, sizeof(text) - 1, &out, &reason), NGX_OK);
    assert_int_equal(ngx_sg_json_dump(sg_pool, out, &s), NGX_OK);

    assert_int_equal(s.len, strlen("{\"a\":1,\"b\":[true,null,\"x\\\"y\"],"
                                   "\"c\":{}}"));
    assert_memory_equal(s.data, "{\"a\":1,\"b\":[true,null,\"x\\\"y\"],"
                        "\"c\":{}}", s.len);

    assert_int_equal(ngx_sg_json_dump(sg_pool, NULL, &s), NGX_DECLINED);
}


static void
expect_text(json_t *obj, const char *name, const char *text)
{
    ngx_str_t  s;

    assert_int_equal(ngx_sg_json_to_text(sg_pool, json_object_get(obj, name),
                                         &s),
                     NGX_OK);
    assert_int_equal(s.len, strlen(text));
    assert_memory_equal(s.data, text, s.len);
}


static void
test_to_text(void **state)
{
    json_t      *out;
    ngx_str_t    s;
    const char  *reason;
    static const char  text[] =
        "{\"s\":\"h\\u00e9llo\",\"t\":true,\"f\":false,\"n\":null,"
        "\"i\":-42,\"r\":1.5,\"a\":[\"x\",1],\"o\":{\"k\":\"v\"},\"e\":\"\"}";

    assert_int_equal(parse(text, sizeof(text) - 1, &out, &reason), NGX_OK);

    expect_text(out, "s", "h\xc3\xa9llo");
    expect_text(out, "t", "true");
    expect_text(out, "f", "false");
    expect_text(out, "n", "null");
    expect_text(out, "i", "-42");
    expect_text(out, "r", "1.5");
    expect_text(out, "a", "[\"x\",1]");
    expect_text(out, "o", "{\"k\":\"v\"}");
    expect_text(out, "e", "");

    assert_int_equal(ngx_sg_json_to_text(sg_pool, NULL, &s), NGX_DECLINED);
}


/*
 * Claims reach headers through variables: no control character may pass
 * (issue 14, finding 6), while every other byte is kept.
 */

static void
test_to_text_controls(void **state)
{
    json_t      *out;
    const char  *reason;
    static const char  text[] =
        "{\"name\":\"Alice\\r\\nX-Injected: admin=true\","
        "\"d\":\"a\\u007fb\\tc\\u0001\\u001f \","
        "\"p\":\"50% off %0D%0A \\\\ \\\"q\\\" \\u00e9\","
        "\"a\":[\"x\\r\\n\",\"\\u007f\"],"
        "\"o\":{\"k\\u007f\":\"\\n\"}}";

    assert_int_equal(parse(text, sizeof(text) - 1, &out, &reason), NGX_OK);

    expect_text(out, "name", "Alice%0D%0AX-Injected: admin=true");
    expect_text(out, "d", "a%7Fb%09c%01%1F ");
    expect_text(out, "p", "50% off %0D%0A \\ \"q\" \xc3\xa9");

    /* compact JSON: jansson escapes \r \n, but not DEL */
    expect_text(out, "a", "[\"x\\r\\n\",\"%7F\"]");
    expect_text(out, "o", "{\"k%7F\":\"\\n\"}");
}


static void
test_text_escape(void **state)
{
    size_t      i;
    ngx_str_t   in, out;
    u_char      all[256];

    /* nothing to escape: the very same bytes, no copy */
    in = sg_str("plain % text \xff\xfe \\ \"");
    assert_int_equal(ngx_sg_text_escape(sg_pool, &in, &out), NGX_OK);
    assert_ptr_equal(out.data, in.data);
    assert_int_equal(out.len, in.len);

    in = sg_str("");
    assert_int_equal(ngx_sg_text_escape(sg_pool, &in, &out), NGX_OK);
    assert_int_equal(out.len, 0);

    in = sg_str("\r\n");
    assert_int_equal(ngx_sg_text_escape(sg_pool, &in, &out), NGX_OK);
    assert_int_equal(out.len, 6);
    assert_memory_equal(out.data, "%0D%0A", 6);

    /* every byte: 33 escaped to 3 bytes, the 223 others kept */
    for (i = 0; i < 256; i++) {
        all[i] = (u_char) i;
    }

    in.data = all;
    in.len = sizeof(all);
    assert_int_equal(ngx_sg_text_escape(sg_pool, &in, &out), NGX_OK);
    assert_int_equal(out.len, 223 + 33 * 3);

    for (i = 0; i < out.len; i++) {
        assert_true(out.data[i] >= 0x20 && out.data[i] != 0x7f);
    }

    assert_memory_equal(out.data, "%00%01", 6);
    assert_memory_equal(out.data + 32 * 3, " !", 2);
    assert_memory_equal(out.data + 32 * 3 + 0x5e, "~%7F\x80", 5);
}


static void
test_path(void **state)
{
    json_t      *out, *v;
    ngx_str_t    path[3];
    const char  *reason;
    static const char  text[] =
        "{\"a\":{\"b\":{\"c\":7},\"s\":\"x\"},\"ab\":1}";

    assert_int_equal(parse(text, sizeof(text) - 1, &out, &reason), NGX_OK);

    path[0] = sg_str("a");
    path[1] = sg_str("b");
    path[2] = sg_str("c");

    v = ngx_sg_json_path(out, path, 3);
    assert_non_null(v);
    assert_int_equal(json_integer_value(v), 7);

    assert_ptr_equal(ngx_sg_json_path(out, path, 0), out);

    /* names are length-delimited: "ab" is not "a" */
    path[0] = sg_str("ab");
    v = ngx_sg_json_path(out, path, 1);
    assert_int_equal(json_integer_value(v), 1);

    path[0] = sg_str("abc");
    path[0].len = 1;
    v = ngx_sg_json_path(out, path, 1);
    assert_true(json_is_object(v));

    path[0] = sg_str("a");
    path[1] = sg_str("s");
    assert_null(ngx_sg_json_path(out, path, 3));

    path[1] = sg_str("x");
    assert_null(ngx_sg_json_path(out, path, 2));

    assert_null(ngx_sg_json_path(NULL, path, 1));
}


static void
test_time(void **state)
{
    time_t   t;
    json_t  *v;

    v = sg_json("[1300819380, 1.9, -1, \"1\", 253402300799, 253402300800,"
                " 1e300, null, -0.5, 0]");

    assert_int_equal(ngx_sg_json_time(json_array_get(v, 0), &t), NGX_OK);
    assert_int_equal(t, 1300819380);

    assert_int_equal(ngx_sg_json_time(json_array_get(v, 1), &t), NGX_OK);
    assert_int_equal(t, 1);

    assert_int_equal(ngx_sg_json_time(json_array_get(v, 2), &t),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_json_time(json_array_get(v, 3), &t),
                     NGX_DECLINED);

    assert_int_equal(ngx_sg_json_time(json_array_get(v, 4), &t), NGX_OK);
    assert_int_equal(t, NGX_SG_TIME_MAX);

    assert_int_equal(ngx_sg_json_time(json_array_get(v, 5), &t),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_json_time(json_array_get(v, 6), &t),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_json_time(json_array_get(v, 7), &t),
                     NGX_DECLINED);
    assert_int_equal(ngx_sg_json_time(json_array_get(v, 8), &t),
                     NGX_DECLINED);

    assert_int_equal(ngx_sg_json_time(json_array_get(v, 9), &t), NGX_OK);
    assert_int_equal(t, 0);

    assert_int_equal(ngx_sg_json_time(NULL, &t), NGX_DECLINED);
}


/* values made outside the helpers are malloc()ed and really freed */

static void
test_heap_values(void **state)
{
    char            *s;
    json_t          *obj;
    json_free_t      free_fn;
    json_malloc_t    malloc_fn;

    obj = json_pack("{s:s, s:[i,i,i]}", "a", "b", "c", 1, 2, 3);
    assert_non_null(obj);

    s = json_dumps(obj, JSON_COMPACT);
    assert_string_equal(s, "{\"a\":\"b\",\"c\":[1,2,3]}");

    /* jansson's own strings are freed with the installed free() */
    json_get_alloc_funcs(&malloc_fn, &free_fn);
    free_fn(s);

    json_decref(obj);
}


/*
 * ngx_sg_json_copy(): blocks come from the allocator and all go back to
 * it on json_decref(); a failed allocation gives NULL, nothing kept.
 */

typedef struct {
    ngx_int_t   live;       /* blocks out */
    ngx_int_t   budget;     /* allocations left; < 0: unlimited */
} copy_arena_t;


static void *
copy_alloc(void *data, size_t size)
{
    copy_arena_t  *a = data;

    if (a->budget == 0) {
        return NULL;
    }

    if (a->budget > 0) {
        a->budget--;
    }

    a->live++;

    return malloc(size);
}


static void
copy_free(void *data, void *p)
{
    copy_arena_t  *a = data;

    a->live--;
    free(p);
}


static void
test_copy(void **state)
{
    json_t                   *obj, *copy;
    ngx_str_t                 path[2], out;
    const char               *reason;
    copy_arena_t              arena;
    ngx_sg_json_allocator_t   allocator;
    static const char         text[] =
        "{\"sub\":\"alice\",\"exp\":1700000000,\"r\":{\"roles\":[\"a\",2]},"
        "\"f\":1.5,\"t\":true,\"n\":null}";

    assert_int_equal(parse(text, sizeof(text) - 1, &obj, &reason), NGX_OK);

    allocator.alloc = copy_alloc;
    allocator.free = copy_free;
    allocator.data = &arena;

    arena.live = 0;
    arena.budget = -1;

    copy = ngx_sg_json_copy(&allocator, obj);
    assert_non_null(copy);
    assert_true(arena.live > 0);
    assert_true(json_equal(copy, obj));

    ngx_str_set(&path[0], "r");
    ngx_str_set(&path[1], "roles");
    assert_int_equal(ngx_sg_json_dump(sg_pool, ngx_sg_json_path(copy, path, 2),
                                      &out), NGX_OK);
    assert_int_equal(out.len, sizeof("[\"a\",2]") - 1);
    assert_memory_equal(out.data, "[\"a\",2]", out.len);

    /* a reference held elsewhere keeps every block */
    json_incref(copy);
    json_decref(copy);
    assert_true(arena.live > 0);

    json_decref(copy);
    assert_int_equal(arena.live, 0);

    /* every possible point of failure: NULL, and nothing left out */

    for (arena.budget = 0; ; arena.budget++) {
        ngx_int_t  budget = arena.budget;

        arena.live = 0;
        copy = ngx_sg_json_copy(&allocator, obj);

        if (copy != NULL) {
            assert_true(json_equal(copy, obj));
            json_decref(copy);
            assert_int_equal(arena.live, 0);
            assert_true(budget > 0);
            break;
        }

        assert_int_equal(arena.live, 0);
        arena.budget = budget;
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup_teardown(test_object, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_depth, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_trailing, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_not_object, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_nul, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_nomem, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_dump, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_to_text, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_path, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_time, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_heap_values, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_copy, sg_setup, sg_teardown),
        cmocka_unit_test_setup_teardown(test_to_text_controls, sg_setup,
                                        sg_teardown),
        cmocka_unit_test_setup_teardown(test_text_escape, sg_setup,
                                        sg_teardown),
    };

    sg_init();

    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
