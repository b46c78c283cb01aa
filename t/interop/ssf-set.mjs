// Security Event Tokens made by an independent implementation (panva's
// "jose" package), for t/705-ssf-interop.t.  Prints the compact SET.
//
// usage: node ssf-set.mjs --key PEM --kid KID [--alg ES256]
//        --claims JSON
//
// The claims are the SET's payload as given (iss, aud, iat, jti, sub_id,
// events ...); the header is {"alg", "kid", "typ": "secevent+jwt"}, as
// the Shared Signals Framework 1.0 asks.

import { readFileSync } from 'node:fs';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { parseArgs } from 'node:util';

if (!globalThis.crypto) {
    globalThis.crypto = webcrypto;      // Node 18
}

const jose = await import('jose');

const { values: opt } = parseArgs({
    options: {
        key: { type: 'string' },
        kid: { type: 'string' },
        alg: { type: 'string', default: 'ES256' },
        claims: { type: 'string' },
    },
});

if (!opt.key || !opt.kid || !opt.claims) {
    console.error('usage: ssf-set.mjs --key PEM --kid KID --claims JSON');
    process.exit(2);
}

const key = createPrivateKey(readFileSync(opt.key));
const claims = JSON.parse(opt.claims);

const set = await new jose.CompactSign(
    new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: opt.alg, kid: opt.kid, typ: 'secevent+jwt' })
    .sign(key);

process.stdout.write(set);
