#!/usr/bin/env node
// bench-mint.js: keys, tokens and DPoP proofs for t/tools/bench.
//
//   node bench-mint.js DIR N_TOKENS N_PROOFS HTU [N_CHURN]
//
// Node's own crypto (OpenSSL) only, no npm package: minting 10^5 ES256
// proofs takes a few seconds here, against minutes with CryptX.  Writes,
// into DIR: keys.jwks (the public keys, kid rsa/ec/ed), spki.json (the
// same keys as base64 SPKI, for the njs peer), tok_<alg>.txt (N_TOKENS
// distinct valid tokens each, one a line), tok_same.txt (one ES256 token),
// dpop_at.txt (an ES256 token bound to the proof key by cnf.jkt) and
// dpop_proofs.txt (N_PROOFS ES256 proofs for GET HTU, each with its own
// jti, iat now) and, with N_CHURN, tok_churn.txt (N_CHURN distinct ES256
// tokens, for the token cache under churn).
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const [dir, nTok, nProof, htu, nChurn] = process.argv.slice(2);
if (!dir || !htu) {
    console.error('usage: bench-mint.js DIR N_TOKENS N_PROOFS HTU');
    process.exit(2);
}
const N = parseInt(nTok, 10), M = parseInt(nProof, 10);
const b64u = (b) => Buffer.from(b).toString('base64url');
const now = Math.floor(Date.now() / 1000);

const keys = {
    rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ec: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    ed: crypto.generateKeyPairSync('ed25519'),
};
const algs = { RS256: 'rsa', ES256: 'ec', EdDSA: 'ed' };

const jwks = { keys: [] };
const spki = {};
for (const [kid, kp] of Object.entries(keys)) {
    const jwk = kp.publicKey.export({ format: 'jwk' });
    jwk.kid = kid;
    jwk.use = 'sig';
    jwks.keys.push(jwk);
    spki[kid] = kp.publicKey.export({ format: 'der', type: 'spki' })
        .toString('base64');
}
fs.writeFileSync(`${dir}/keys.jwks`, JSON.stringify(jwks));
fs.writeFileSync(`${dir}/spki.json`, JSON.stringify(spki));

function sign(alg, key, input) {
    if (alg === 'RS256') return crypto.sign('sha256', Buffer.from(input), key);
    if (alg === 'ES256')
        return crypto.sign('sha256', Buffer.from(input),
                           { key, dsaEncoding: 'ieee-p1363' });
    return crypto.sign(null, Buffer.from(input), key);
}

function jwt(alg, header, claims) {
    const kid = algs[alg];
    const h = Object.assign({ alg, typ: 'JWT', kid }, header);
    const input = b64u(JSON.stringify(h)) + '.' + b64u(JSON.stringify(claims));
    return input + '.' + b64u(sign(alg, keys[kid].privateKey, input));
}

function claims(i, extra) {
    return Object.assign({ iss: 'https://idp.bench/', aud: 'https://app.bench',
                           sub: `user-${i}`, iat: now, exp: now + 7200,
                           jti: `t-${i}-${crypto.randomBytes(6).toString('hex')}` },
                         extra || {});
}

for (const alg of Object.keys(algs)) {
    const out = [];
    for (let i = 0; i < N; i++) out.push(jwt(alg, {}, claims(i)));
    fs.writeFileSync(`${dir}/tok_${alg}.txt`, out.join('\n') + '\n');
}
fs.writeFileSync(`${dir}/tok_same.txt`, jwt('ES256', {}, claims(0)) + '\n');
if (nChurn) {
    const out = [];
    for (let i = 0; i < parseInt(nChurn, 10); i++)
        out.push(jwt('ES256', {}, claims(`c${i}`)));
    fs.writeFileSync(`${dir}/tok_churn.txt`, out.join('\n') + '\n');
}

// DPoP: one proof key, one bound access token, M proofs
const pk = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pjwk = pk.publicKey.export({ format: 'jwk' });
const jkt = b64u(crypto.createHash('sha256').update(JSON.stringify(
    { crv: pjwk.crv, kty: pjwk.kty, x: pjwk.x, y: pjwk.y })).digest());
const at = jwt('ES256', {}, claims('dpop', { cnf: { jkt } }));
const ath = b64u(crypto.createHash('sha256').update(at).digest());
fs.writeFileSync(`${dir}/dpop_at.txt`, at + '\n');
const ph = b64u(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256',
                                 jwk: { kty: pjwk.kty, crv: pjwk.crv,
                                        x: pjwk.x, y: pjwk.y } }));
const proofs = [];
const salt = crypto.randomBytes(4).toString('hex');
for (let i = 0; i < M; i++) {
    const input = ph + '.' + b64u(JSON.stringify(
        { jti: `p-${salt}-${i}`, htm: 'GET', htu, iat: now, ath }));
    proofs.push(input + '.' + b64u(sign('ES256', pk.privateKey, input)));
}
fs.writeFileSync(`${dir}/dpop_proofs.txt`, proofs.join('\n') + '\n');
