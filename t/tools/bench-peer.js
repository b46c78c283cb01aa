// bench-peer.js: the njs peer of t/tools/bench (js_content), the same
// JWT check as the module's bench locations, written with njs WebCrypto.
//
// njs (0.7.x) keeps no state between requests, so the key is imported
// from its SPKI on every request and there is no verified-token cache.
// Ed25519 is not in njs 0.7's WebCrypto: EdDSA tokens are refused (401).
// On success the request goes to @static, the same static file as the
// baseline.  The keys come from $bench_spki_* variables (set in nginx.conf).

const ALGS = {
    RS256: { kid: 'rsa', imp: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
             ver: { name: 'RSASSA-PKCS1-v1_5' } },
    ES256: { kid: 'ec', imp: { name: 'ECDSA', namedCurve: 'P-256' },
             ver: { name: 'ECDSA', hash: 'SHA-256' } },
};

async function check(r) {
    try {
        const auth = r.headersIn.Authorization || '';
        if (auth.slice(0, 7) !== 'Bearer ') return r.return(401);
        const parts = auth.slice(7).split('.');
        if (parts.length !== 3) return r.return(401);
        const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
        const a = ALGS[header.alg];
        if (!a || header.kid !== a.kid) return r.return(401);
        const der = Buffer.from(r.variables['bench_spki_' + a.kid], 'base64');
        const key = await crypto.subtle.importKey('spki', der, a.imp, false,
                                                  ['verify']);
        const ok = await crypto.subtle.verify(a.ver, key,
            Buffer.from(parts[2], 'base64url'),
            Buffer.from(parts[0] + '.' + parts[1]));
        if (!ok) return r.return(401);
        const c = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
        const now = Date.now() / 1000;
        if (c.iss !== 'https://idp.bench/' || c.aud !== 'https://app.bench'
            || !(c.exp > now - 30) || (c.nbf && c.nbf > now + 30))
        {
            return r.return(401);
        }
        r.internalRedirect('@static');
    } catch (e) {
        r.error('bench peer: ' + e);
        r.return(401);
    }
}

export default { check };
