
/*
 * Copyright (C) ngx_session_guard authors
 */


#ifndef _NGX_SG_JA4_H_INCLUDED_
#define _NGX_SG_JA4_H_INCLUDED_


/*
 * JA4 TLS client fingerprint (FoxIO, BSD-3-Clause), computed from the
 * fields of a parsed ClientHello, and bounded parsers that fill those
 * fields from the raw bytes OpenSSL's client-hello callback hands out.
 * Specification: FoxIO-LLC/ja4, technical_details/JA4.md.
 *
 *     t13d1516h2_8daaf6152771_e5627efa2ab1
 *     a          b            c
 *
 *     a: "t" (TCP) or "q" (QUIC); 2-character version; "d" if the
 *        server_name extension is present, else "i"; number of cipher
 *        suites and of extensions (SNI and ALPN included), each without
 *        GREASE, 2 decimal digits, at most 99; 2 characters of the first
 *        ALPN protocol name ("00" if none).
 *     b: first 12 hex digits of SHA-256 over the cipher suites without
 *        GREASE, as 4-digit lower-case hex, sorted, comma-separated;
 *        "000000000000" when there are none.
 *     c: the same over the extensions without GREASE, SNI (0x0000) and
 *        ALPN (0x0010), sorted, then, if there are signature algorithms,
 *        "_" and the signature algorithms (without GREASE) in wire order;
 *        "000000000000" when that extension list is empty.
 *
 * With NGX_SG_JA4_ORIGINAL (JA4_o and JA4_ro): nothing is sorted, and SNI
 * and ALPN stay in the extension list.  The raw forms (JA4_r, JA4_ro)
 * print the lists of b and c themselves in place of their hashes; an
 * empty list prints as nothing.
 *
 * Return contract of every function that returns ngx_int_t:
 *     NGX_OK        computed (or parsed);
 *     NGX_DECLINED  the input is malformed or over a hard limit;
 *     NGX_ERROR     internal failure (memory, OpenSSL).
 *
 * Hard limits: at most NGX_SG_JA4_MAX_VALUES cipher suites, extensions,
 * supported versions and signature algorithms each (GREASE included);
 * more is NGX_DECLINED, never truncated.  No function reads outside the
 * buffers it is given, whatever their content.
 */


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_SG_JA4_LEN             36       /* the fingerprint, no NUL */
#define NGX_SG_JA4_MAX_VALUES      1024

#define NGX_SG_JA4_ORIGINAL        0x01     /* JA4_o, JA4_ro */


/*
 * Values are in wire order with GREASE included: the computation drops
 * GREASE itself.  The server_name extension is detected from extensions.
 * When no supported_versions value is left after GREASE (or the extension
 * is absent), legacy_version is used.
 */

typedef struct {
    ngx_uint_t                 quic;            /* 0: TLS over TCP */
    uint16_t                   legacy_version;  /* ClientHello.version */

    uint16_t                  *ciphers;
    ngx_uint_t                 nciphers;

    uint16_t                  *extensions;      /* extension types */
    ngx_uint_t                 nextensions;

    uint16_t                  *versions;        /* supported_versions */
    ngx_uint_t                 nversions;

    uint16_t                  *sigalgs;         /* signature_algorithms */
    ngx_uint_t                 nsigalgs;

    ngx_str_t                  alpn;            /* first protocol name */
} ngx_sg_ja4_hello_t;


/*
 * JA4 (or JA4_o with NGX_SG_JA4_ORIGINAL) into out: exactly
 * NGX_SG_JA4_LEN characters, not NUL-terminated.  Uses no pool.
 */
ngx_int_t ngx_sg_ja4(ngx_sg_ja4_hello_t *h, ngx_uint_t flags, u_char *out);

/* JA4_r (or JA4_ro with NGX_SG_JA4_ORIGINAL) into pool memory */
ngx_int_t ngx_sg_ja4_raw(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    ngx_uint_t flags, ngx_str_t *out);


/*
 * Parsers.  Each fills its fields of h (zeroed by the caller first) from
 * pool memory and never keeps a pointer into data, which may be OpenSSL's
 * and short-lived.  On NGX_DECLINED h is left as it was.
 *
 * ngx_sg_ja4_parse_client_hello(): a whole ClientHello handshake message,
 *     from its 4-byte header (type 1, uint24 length) to its end, as a
 *     message callback (SSL_CTX_set_msg_callback()) sees it: legacy
 *     version, cipher suites, extension types in wire order, and the
 *     supported_versions, signature_algorithms and ALPN payloads, all
 *     checked by RFC 8446 4.1.2 (a TLS 1.2 hello may have no extensions
 *     block; a duplicate of one of those three extensions is rejected).
 *     h->quic is kept.  This is the way to JA4 as the references compute
 *     it: SSL_client_hello_get1_extensions_present() leaves out GREASE and
 *     every extension type OpenSSL does not implement (OpenSSL issues
 *     #27580, #30867), which changes the count and the hash.
 *
 * The parsers below fill one field each, from the client-hello callback
 * (SSL_CTX_set_client_hello_cb()):
 *
 * ngx_sg_ja4_parse_ciphers(): the cipher_suites bytes, as from
 *     SSL_client_hello_get0_ciphers(): 2 bytes per suite (an odd length is
 *     NGX_DECLINED); an empty list is valid.  An SSLv2-format ClientHello
 *     (SSL_client_hello_isv2()) has 3-byte cipher specs: not supported.
 *
 * ngx_sg_ja4_parse_extension_types(): extension types in wire order, as
 *     from SSL_client_hello_get1_extensions_present() (see above for what
 *     it leaves out); a value outside 0..65535 is NGX_DECLINED.
 *
 * The following take one extension's extension_data, as from
 * SSL_client_hello_get0_ext(), and require it to be exactly one
 * well-formed list:
 *
 * ngx_sg_ja4_parse_supported_versions(): RFC 8446 4.2.1,
 *     ProtocolVersion versions<2..254>.
 *
 * ngx_sg_ja4_parse_sigalgs(): RFC 8446 4.2.3,
 *     SignatureScheme supported_signature_algorithms<2..2^16-2>.
 *
 * ngx_sg_ja4_parse_alpn(): RFC 7301 3.1, ProtocolName
 *     protocol_name_list<2..2^16-1> with ProtocolName<1..2^8-1>; every
 *     name is checked, the first one is kept in h->alpn.
 */
ngx_int_t ngx_sg_ja4_parse_client_hello(ngx_pool_t *pool,
    ngx_sg_ja4_hello_t *h, const u_char *data, size_t len);
ngx_int_t ngx_sg_ja4_parse_ciphers(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len);
ngx_int_t ngx_sg_ja4_parse_extension_types(ngx_pool_t *pool,
    ngx_sg_ja4_hello_t *h, const int *types, size_t n);
ngx_int_t ngx_sg_ja4_parse_supported_versions(ngx_pool_t *pool,
    ngx_sg_ja4_hello_t *h, const u_char *data, size_t len);
ngx_int_t ngx_sg_ja4_parse_sigalgs(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len);
ngx_int_t ngx_sg_ja4_parse_alpn(ngx_pool_t *pool, ngx_sg_ja4_hello_t *h,
    const u_char *data, size_t len);


#endif /* _NGX_SG_JA4_H_INCLUDED_ */
