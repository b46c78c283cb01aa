// The OpenID provider's signing keys for the interop tests, made with
// "jose": an RSA key (PS256, access tokens) and a P-256 key (ES256, ID and
// logout tokens), so that the edge has to pick the key by "kid".  Writes
// DIR/op-private.json (the provider's, 0600) and DIR/op.jwks (the public
// keys, for nginx).  Used by oidc-e2e.mjs and op-server.mjs.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as jose from 'jose';

export async function keygen(dir) {
    mkdirSync(dir, { recursive: true });
    const priv = [];
    const pub = [];
    for (const alg of ['PS256', 'ES256']) {
        const { publicKey, privateKey } =
            await jose.generateKeyPair(alg, { extractable: true });
        const jwk = await jose.exportJWK(privateKey);
        const kid = await jose.calculateJwkThumbprint(jwk);
        priv.push({ ...jwk, kid, alg, use: 'sig' });
        pub.push({ ...(await jose.exportJWK(publicKey)), kid, alg,
                   use: 'sig' });
    }
    writeFileSync(`${dir}/op-private.json`,
                  JSON.stringify({ keys: priv }), { mode: 0o600 });
    writeFileSync(`${dir}/op.jwks`, JSON.stringify({ keys: pub }));
}
