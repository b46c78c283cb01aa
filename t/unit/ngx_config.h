
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * Unit-test stand-in for nginx's ngx_config.h: only what the ngx_sg_* core
 * uses.  The real build compiles the same core against nginx's headers.
 */


#ifndef _NGX_CONFIG_H_INCLUDED_
#define _NGX_CONFIG_H_INCLUDED_


#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


typedef intptr_t        ngx_int_t;
typedef uintptr_t       ngx_uint_t;
typedef intptr_t        ngx_flag_t;


#define ngx_inline      inline

#define NGX_MAX_SIZE_T_VALUE  SIZE_MAX
#define NGX_MAX_INT_T_VALUE   INTPTR_MAX

#define NGX_ALIGNMENT   sizeof(unsigned long)

#define ngx_align(d, a)     (((d) + (a - 1)) & ~(a - 1))


#endif /* _NGX_CONFIG_H_INCLUDED_ */
