
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Reading a request's or response's header lines: the next line of a
 * name, and how many cookies of a name the request's Cookie lines hold.
 */


#include "ngx_http_sg.h"

#include "ngx_sg_cookie.h"


/*
 * The next line named name (case-insensitive) of a request's or response's
 * header list, skipping deleted ones (hash 0); it starts zeroed.  NULL
 * when there is none left.
 */

ngx_table_elt_t *
ngx_http_sg_header_next(ngx_list_t *list, ngx_str_t *name,
    ngx_http_sg_header_iter_t *it)
{
    ngx_table_elt_t  *h;

    if (it->part == NULL) {
        it->part = &list->part;
        it->i = 0;
    }

    for ( ;; ) {

        if (it->i >= it->part->nelts) {
            if (it->part->next == NULL) {
                return NULL;
            }

            it->part = it->part->next;
            it->i = 0;
            continue;
        }

        h = (ngx_table_elt_t *) it->part->elts + it->i++;

        if (h->hash != 0
            && h->key.len == name->len
            && ngx_strncasecmp(h->key.data, name->data, name->len) == 0)
        {
            return h;
        }
    }
}


/*
 * How many pairs named "name" the request's Cookie header lines hold, all
 * of them (an HTTP/2 request's cookie fields are one line by then); the
 * value of the last one into *value, when value is not NULL.
 */

ngx_uint_t
ngx_http_sg_cookie_find(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    size_t                      pos;
    ngx_str_t                   v;
    ngx_uint_t                  n;
    ngx_table_elt_t            *h;
    ngx_http_sg_header_iter_t   it;

    static ngx_str_t  cookie = ngx_string("Cookie");

    n = 0;
    ngx_memzero(&it, sizeof(ngx_http_sg_header_iter_t));

    while ((h = ngx_http_sg_header_next(&r->headers_in.headers, &cookie,
                                        &it)))
    {
        pos = 0;

        while (ngx_sg_cookie_next(&h->value, name, &pos, &v) == NGX_OK) {
            if (value) {
                *value = v;
            }

            n++;
        }
    }

    return n;
}


ngx_uint_t
ngx_http_sg_cookie_count(ngx_http_request_t *r, ngx_str_t *name)
{
    return ngx_http_sg_cookie_find(r, name, NULL);
}
