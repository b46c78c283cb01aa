// DPoP proofs and DPoP-bound access tokens made by an independent
// implementation (panva's "dpop" and "jose" packages), for the tests in
// t/220-dpop-interop.t.  Prints one JSON object:
//
//   {"authorization": "DPoP <token>", "dpop": "<proof>", "jkt": "..."}
//
// usage: node dpop-proof.mjs --htu URL [--htm GET] [--alg ES256|RS256|
//        PS256|EdDSA] [--nonce N] --issuer-key PEM --kid KID
//        [--issuer-alg ES256]
//
// The access token is signed with the issuer's key (a test key of
// t/lib/SGTest.pm) and bound to the proof key (cnf.jkt).  --alg EdDSA
// signs the proof with jose itself, as "dpop" names Ed25519 "Ed25519"
// (RFC 9864) rather than "EdDSA".

import { readFileSync } from 'node:fs';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { parseArgs } from 'node:util';

if (!globalThis.crypto) {
    globalThis.crypto = webcrypto;      // Node 18
}

const { generateKeyPair, generateProof, calculateThumbprint } =
    await import('dpop');
const jose = await import('jose');

const { values: opt } = parseArgs({
    options: {
        htu: { type: 'string' },
        htm: { type: 'string', default: 'GET' },
        alg: { type: 'string', default: 'ES256' },
        nonce: { type: 'string' },
        'issuer-key': { type: 'string' },
        'issuer-alg': { type: 'string', default: 'ES256' },
        kid: { type: 'string' },
    },
});

if (!opt.htu || !opt['issuer-key']) {
    console.error('usage: dpop-proof.mjs --htu URL --issuer-key PEM ...');
    process.exit(2);
}

const now = Math.floor(Date.now() / 1000);
let keypair, jkt;

if (opt.alg === 'EdDSA') {
    keypair = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' });
    jkt = await jose.calculateJwkThumbprint(
        await jose.exportJWK(keypair.publicKey), 'sha256');
} else {
    keypair = await generateKeyPair(opt.alg);
    jkt = await calculateThumbprint(keypair.publicKey);

    // the two libraries agree on the thumbprint
    const jwk = await jose.exportJWK(keypair.publicKey);
    if (await jose.calculateJwkThumbprint(jwk, 'sha256') !== jkt) {
        throw new Error('thumbprints differ');
    }
}

const issuerKey = createPrivateKey(readFileSync(opt['issuer-key']));

const token = await new jose.SignJWT({ sub: 'interop', cnf: { jkt } })
    .setProtectedHeader({ alg: opt['issuer-alg'], kid: opt.kid })
    .setIssuer('https://idp.test/')
    .setAudience('https://api.test')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(issuerKey);

let proof;

if (opt.alg === 'EdDSA') {
    const ath = jose.base64url.encode(
        new Uint8Array(await crypto.subtle.digest('SHA-256',
            new TextEncoder().encode(token))));
    const claims = { htm: opt.htm, htu: opt.htu, ath };
    if (opt.nonce) {
        claims.nonce = opt.nonce;
    }
    proof = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt',
                              jwk: await jose.exportJWK(keypair.publicKey) })
        .setJti(crypto.randomUUID())
        .setIssuedAt(now)
        .sign(keypair.privateKey);
} else {
    proof = await generateProof(keypair, opt.htu, opt.htm, opt.nonce,
                                token);
}

console.log(JSON.stringify({ authorization: `DPoP ${token}`, dpop: proof,
                             jkt }));
