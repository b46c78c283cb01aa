
/*
 * Copyright (C) ngx_session_guard authors
 */


/*
 * SipHash-2-4 of ngx_sg_siphash.h: two compression rounds a 64-bit word,
 * four finalization rounds; words and key are read little-endian.
 */


#include <ngx_sg_siphash.h>


#define ngx_sg_rotl(x, b)  (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

#define ngx_sg_sipround(v0, v1, v2, v3)                                      \
    v0 += v1; v1 = ngx_sg_rotl(v1, 13); v1 ^= v0; v0 = ngx_sg_rotl(v0, 32);  \
    v2 += v3; v3 = ngx_sg_rotl(v3, 16); v3 ^= v2;                            \
    v0 += v3; v3 = ngx_sg_rotl(v3, 21); v3 ^= v0;                            \
    v2 += v1; v1 = ngx_sg_rotl(v1, 17); v1 ^= v2; v2 = ngx_sg_rotl(v2, 32)


static uint64_t ngx_sg_siphash_le64(const u_char *p);


static uint64_t
ngx_sg_siphash_le64(const u_char *p)
{
    return (uint64_t) p[0]
           | (uint64_t) p[1] << 8
           | (uint64_t) p[2] << 16
           | (uint64_t) p[3] << 24
           | (uint64_t) p[4] << 32
           | (uint64_t) p[5] << 40
           | (uint64_t) p[6] << 48
           | (uint64_t) p[7] << 56;
}


uint64_t
ngx_sg_siphash(const u_char key[NGX_SG_SIPHASH_KEY_LEN], const u_char *data,
    size_t len)
{
    size_t       i, left;
    uint64_t     k0, k1, v0, v1, v2, v3, m;
    const u_char  *end;

    k0 = ngx_sg_siphash_le64(key);
    k1 = ngx_sg_siphash_le64(key + 8);

    v0 = k0 ^ 0x736f6d6570736575ULL;
    v1 = k1 ^ 0x646f72616e646f6dULL;
    v2 = k0 ^ 0x6c7967656e657261ULL;
    v3 = k1 ^ 0x7465646279746573ULL;

    end = data + (len & ~(size_t) 7);

    for ( /* void */ ; data != end; data += 8) {
        m = ngx_sg_siphash_le64(data);

        v3 ^= m;
        ngx_sg_sipround(v0, v1, v2, v3);
        ngx_sg_sipround(v0, v1, v2, v3);
        v0 ^= m;
    }

    /* the last 0..7 bytes, with the length's low byte on top */

    m = (uint64_t) (len & 0xff) << 56;
    left = len & 7;

    for (i = 0; i < left; i++) {
        m |= (uint64_t) data[i] << (8 * i);
    }

    v3 ^= m;
    ngx_sg_sipround(v0, v1, v2, v3);
    ngx_sg_sipround(v0, v1, v2, v3);
    v0 ^= m;

    v2 ^= 0xff;
    ngx_sg_sipround(v0, v1, v2, v3);
    ngx_sg_sipround(v0, v1, v2, v3);
    ngx_sg_sipround(v0, v1, v2, v3);
    ngx_sg_sipround(v0, v1, v2, v3);

    return v0 ^ v1 ^ v2 ^ v3;
}
