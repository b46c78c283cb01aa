// End-to-end OpenID Connect interop for t/520-oidc-interop.t: a real
// OpenID provider (panva's certified "oidc-provider") on loopback, a
// relying party driven with "openid-client" and a scripted browser,
// and the edge (nginx with the module) as the resource server and the
// client's back-channel logout receiver.
//
//   node oidc-e2e.mjs keygen DIR
//       makes the provider's signing keys with "jose": DIR/op-private.json
//       (for the provider) and DIR/op.jwks (public keys, for nginx).
//
//   node oidc-e2e.mjs run --dir DIR --op-port N --edge-port N
//                         --out FILE [--session-required yes|no]
//       starts the provider on http://127.0.0.1:N, logs in three
//       browsers (A and B as "alice", C as "bob"), calls the edge with
//       each access token, logs browser A out at the provider (RP-initiated
//       logout), which makes the provider POST its logout token to the edge,
//       then replays that logout token to the edge; writes a JSON summary
//       (tokens included: the test calls the edge again itself, once the
//       provider has stopped) to FILE.  The provider's own notices and
//       warnings go to stdout and stderr.
//
// Edge locations used: /api (guarded) and /bc-logout (the receiver).

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as jose from 'jose';
import { keygen } from './op-keys.mjs';

const EDGE_AUD = 'https://edge.test';
const CLIENT_ID = 'edge-client';
const CLIENT_SECRET = 'edge-client-secret-for-tests-only';
const REDIRECT_URI = 'http://127.0.0.1/cb';

// A cookie jar per browser: names and values only, sent on every request
// to the provider (all its cookies are for that one origin).
class Browser {
    constructor() {
        this.jar = new Map();
    }

    async fetch(url, init = {}) {
        const headers = new Headers(init.headers);
        if (this.jar.size) {
            headers.set('cookie', [...this.jar]
                .map(([k, v]) => `${k}=${v}`).join('; '));
        }
        const res = await fetch(url, { ...init, headers,
                                       redirect: 'manual' });
        for (const line of res.headers.getSetCookie()) {
            const [pair, ...attrs] = line.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            const gone = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i
                                               .test(a))
                || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
            if (gone || value === '') {
                this.jar.delete(name);
            } else {
                this.jar.set(name, value);
            }
        }
        return res;
    }

    // follows redirects while they stay on the provider; returns the last
    // response (a page) or the first Location that leaves it
    async navigate(url, origin, init) {
        let res = await this.fetch(url, init);
        for (let hops = 0; hops < 10; hops++) {
            if (res.status < 300 || res.status > 399) {
                return { res, url };
            }
            const next = new URL(res.headers.get('location'), url);
            if (next.origin !== origin) {
                return { left: next };
            }
            url = next.href;
            res = await this.fetch(url);
        }
        throw new Error(`too many redirects at ${url}`);
    }
}

// the one form of a page: its action and hidden fields
function parseForm(html, base) {
    const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i
        .exec(html);
    if (!form) {
        throw new Error(`no form in page: ${html.slice(0, 200)}`);
    }
    const fields = new URLSearchParams();
    for (const m of form[2].matchAll(/<input\b([^>]*)>/gi)) {
        const name = /\bname="([^"]*)"/.exec(m[1]);
        const value = /\bvalue="([^"]*)"/.exec(m[1]);
        if (/\btype="hidden"/i.test(m[1]) && name) {
            fields.set(name[1], value ? value[1] : '');
        }
    }
    return { action: new URL(form[1].replace(/&amp;/g, '&'), base).href,
             fields };
}

async function submit(browser, origin, page, extra) {
    const html = await page.res.text();
    const form = parseForm(html, page.url);
    for (const [k, v] of Object.entries(extra)) {
        form.fields.set(k, v);
    }
    return browser.navigate(form.action, origin, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.fields.toString(),
    });
}

function claims(jwt) {
    return { header: jose.decodeProtectedHeader(jwt),
             payload: jose.decodeJwt(jwt) };
}

async function callEdge(edge, token) {
    const res = await fetch(`${edge}/api`, {
        signal: AbortSignal.timeout(5000),
        // the test calls again with this user agent (a change is a signal)
        headers: { authorization: `Bearer ${token}`,
                   'user-agent': 'oidc-e2e' },
    });
    await res.arrayBuffer();
    return { status: res.status, decision: res.headers.get('x-status') };
}

async function run(opt) {
    const { default: Provider, errors } = await import('oidc-provider');
    const client = await import('openid-client');

    const issuer = `http://127.0.0.1:${opt['op-port']}`;
    const edge = `http://127.0.0.1:${opt['edge-port']}`;
    const jwks = JSON.parse(readFileSync(`${opt.dir}/op-private.json`));
    const sent = [];
    const events = [];

    const provider = new Provider(issuer, {
        jwks,
        clients: [{
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            redirect_uris: [REDIRECT_URI],
            post_logout_redirect_uris: [`${REDIRECT_URI}/logged-out`],
            application_type: 'native',
            grant_types: ['authorization_code'],
            response_types: ['code'],
            id_token_signed_response_alg: 'ES256',
            backchannel_logout_uri: `${edge}/bc-logout`,
            backchannel_logout_session_required:
                opt['session-required'] === 'yes',
        }],
        cookies: { keys: ['cookie-key-for-tests-only'] },
        features: {
            devInteractions: { enabled: true },
            claimsParameter: { enabled: true },
            backchannelLogout: { enabled: true },
            rpInitiatedLogout: { enabled: true },
            resourceIndicators: {
                enabled: true,
                defaultResource: () => EDGE_AUD,
                useGrantedResource: () => true,
                getResourceServerInfo: (ctx, resource) => {
                    if (resource !== EDGE_AUD) {
                        throw new errors.InvalidTarget();
                    }
                    return {
                        scope: 'api',
                        audience: EDGE_AUD,
                        accessTokenTTL: 600,
                        accessTokenFormat: 'jwt',
                        jwt: { sign: { alg: 'PS256' } },
                    };
                },
            },
        },
        // RFC 9068 access tokens do not name the session; the edge keys
        // sessions by "sid", the one the logout token carries
        extraTokenClaims: (ctx, token) => (
            token.kind === 'AccessToken' && token.sid
                ? { sid: token.sid } : undefined),
        // The provider refuses to send to special-use addresses (SSRF
        // protection) and the edge is on loopback: drop that dispatcher.
        // Also keep what was sent and what the edge answered.
        fetch: async (url, options) => {
            delete options.dispatcher;
            const res = await globalThis.fetch(url, options);
            sent.push({ url, body: String(options.body),
                        status: res.status });
            return res;
        },
    });
    provider.on('backchannel.success', (ctx, c, sub, sid) => {
        events.push({ ok: true, sub, sid });
    });
    provider.on('backchannel.error', (ctx, err, c, sub, sid) => {
        events.push({ ok: false, error: err.message, sub, sid });
    });
    provider.on('server_error', (ctx, err) => {
        process.stderr.write(`provider server_error: ${err.stack}\n`);
    });

    const server = await new Promise((resolve, reject) => {
        const s = provider.listen(Number(opt['op-port']), '127.0.0.1',
                                  () => resolve(s));
        s.on('error', reject);
    });

    try {
        return await flow(client, issuer, edge, sent, events,
                          opt['session-required'] === 'yes');
    } finally {
        server.closeAllConnections();
        server.close();
    }
}

async function flow(client, issuer, edge, sent, events, required) {
    const config = await client.discovery(
        new URL(issuer), CLIENT_ID, CLIENT_SECRET, undefined,
        { execute: [client.allowInsecureRequests] });

    async function login(user) {
        const browser = new Browser();
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(config, {
            redirect_uri: REDIRECT_URI,
            scope: 'openid api',
            resource: EDGE_AUD,
            state,
            code_challenge:
                await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
            // without backchannel_logout_session_required the provider
            // puts "sid" in its tokens only when the client asks for it
            ...(required ? {} : {
                claims: JSON.stringify({ id_token: { sid: null } }),
            }),
        });
        let page = await browser.navigate(url.href, issuer);
        page = await submit(browser, issuer, page,
                            { login: user, password: 'any' });
        page = await submit(browser, issuer, page, {});
        if (!page.left) {
            throw new Error(`no redirect to the client: ${page.res.status} `
                            + (await page.res.text()).slice(0, 300));
        }
        const tokens = await client.authorizationCodeGrant(
            config, page.left,
            { pkceCodeVerifier: verifier, expectedState: state },
            { resource: EDGE_AUD });
        return { browser, user, tokens };
    }

    const who = { A: await login('alice'), B: await login('alice'),
                  C: await login('bob') };
    const out = { before: {}, tokens: {}, sids: {} };

    for (const [name, s] of Object.entries(who)) {
        const at = claims(s.tokens.access_token);
        const id = s.tokens.claims();
        out.tokens[name] = s.tokens.access_token;
        out.sids[name] = at.payload.sid ?? null;
        out.before[name] = await callEdge(edge, s.tokens.access_token);
        if (name === 'A') {
            out.access_token = {
                typ: at.header.typ, alg: at.header.alg,
                aud: at.payload.aud, iss: at.payload.iss,
                sid_is_id_token_sid: at.payload.sid === id.sid
                                     && typeof id.sid === 'string',
                exp: at.payload.exp,
            };
        }
    }

    // RP-initiated logout of browser A: the provider shows its "sign out?"
    // page, the user confirms, the provider sends the back-channel logout
    // to every client of that session before it answers
    const a = who.A;
    const endUrl = client.buildEndSessionUrl(config, {
        id_token_hint: a.tokens.id_token,
        post_logout_redirect_uri: `${REDIRECT_URI}/logged-out`,
    });
    const page = await a.browser.navigate(endUrl.href, issuer);
    const done = await submit(a.browser, issuer, page, { logout: 'yes' });
    out.logged_out_to = done.left ? done.left.pathname : null;
    out.events = events;

    out.sent = sent.map((s) => {
        const lt = new URLSearchParams(s.body).get('logout_token');
        const c = claims(lt);
        return {
            path: new URL(s.url).pathname, status: s.status,
            typ: c.header.typ, alg: c.header.alg,
            claims: Object.keys(c.payload).sort(),
            sid: c.payload.sid ?? null, sub: c.payload.sub,
        };
    });

    // the same logout token again: a replay, refused by its "jti"
    if (sent.length) {
        const res = await fetch(sent[0].url, {
            signal: AbortSignal.timeout(5000),
            method: 'POST',
            headers: { 'content-type':
                       'application/x-www-form-urlencoded' },
            body: sent[0].body,
        });
        out.replay = res.status;
        await res.arrayBuffer();
    }

    return out;
}

const [mode, ...rest] = process.argv.slice(2);

if (mode === 'keygen') {
    await keygen(rest[0]);
} else if (mode === 'run') {
    const { values } = parseArgs({
        args: rest,
        options: {
            dir: { type: 'string' },
            'op-port': { type: 'string' },
            'edge-port': { type: 'string' },
            'session-required': { type: 'string', default: 'yes' },
            out: { type: 'string' },
        },
    });
    // the whole run takes about a second: never let the test hang
    setTimeout(() => {
        process.stderr.write('oidc-e2e.mjs: timed out after 20 s\n');
        process.exit(3);
    }, 20000).unref();
    const out = await run(values);
    writeFileSync(values.out, JSON.stringify(out) + '\n');
    process.exit(0);
} else {
    process.stderr.write('usage: oidc-e2e.mjs keygen DIR | run ...\n');
    process.exit(2);
}
