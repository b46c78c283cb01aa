
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_ESCAPE_H_INCLUDED_
#define _NGX_SG_ESCAPE_H_INCLUDED_


/*
 * The one escaper of untrusted bytes for JSON strings and log lines.
 *
 * The output is the inside of a JSON string (no quotes) and is printable
 * UTF-8 whatever the input: '"' and '\' escaped; the C0 controls as \b \t
 * \n \f \r or \u00XX; DEL, the C1 controls (U+0080 to U+009F) and the
 * line, paragraph and bidirectional controls (U+2028 to U+202E, U+2066 to
 * U+2069) as \uXXXX; every byte that is not part of a valid UTF-8 sequence
 * (stray continuation, overlong form, surrogate, above U+10FFFF, cut
 * short) as \ufffd.  So it can neither break out of a quoted value, forge
 * a line of a log nor send a terminal escape.
 *
 * A buffer for it is sized by it: with dst NULL it writes nothing and
 * returns the length it would write.  At most 6 bytes out per byte in
 * (NGX_SG_ESCAPE_MAX), never more than len when nothing needs escaping.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_ESCAPE_MAX(len)      (6 * (len))


size_t ngx_sg_escape_json(u_char *dst, u_char *src, size_t len);


#endif /* _NGX_SG_ESCAPE_H_INCLUDED_ */
