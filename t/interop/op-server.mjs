// A long-running OpenID provider for the browser tests
// (t/790-oidc-browser.t): panva's certified "oidc-provider" on loopback,
// with one confidential client, the edge (nginx with the module), which
// logs users in with the authorization code flow and PKCE, receives the
// provider's back-channel logout tokens and sends users to the provider's
// end_session endpoint to sign out.
//
//   node op-server.mjs --dir DIR --port N --edge http://127.0.0.1:M
//                      [--ready FILE] [--client-secret FILE]
//                      [--redirect PATH] [--post-logout PATH]
//                      [--backchannel PATH]
//
// DIR/op-private.json holds the provider's signing keys (made by
// "oidc-e2e.mjs keygen DIR", or here when it is missing, with DIR/op.jwks,
// the public keys for nginx).  The issuer is http://127.0.0.1:N.  When it
// listens, the server prints the event "ready" and writes the issuer to
// FILE.  It runs until SIGTERM or SIGINT.  Each line it prints to stdout
// is an event as JSON: the start, logins, tokens issued, logouts, and the
// result of every back-channel logout it sends (backchannel.sent with
// the edge's answer, then backchannel.success or backchannel.error).  The
// provider's own warnings go to stderr, a few notices of it (its default
// logout pages used) to stdout, as plain text.
//
// The provider's own development login and consent pages are used
// (devInteractions): any login name and password are accepted, the login
// name becomes the subject.  Every login is recorded with the
// authentication context ACR and the method "pwd", so that the ID token
// carries sub, sid, auth_time, acr and amr.
//
// The client's secret is a fixed one for tests unless --client-secret
// names a file holding it (one line).  The client's addresses at the
// edge are --redirect (/session_guard/callback), --post-logout (/bye) and
// --backchannel (/bc-logout), paths of the --edge URL ("make demo" uses
// its own, under /sso/).

import { existsSync, readFileSync, renameSync, writeFileSync }
    from 'node:fs';
import { parseArgs } from 'node:util';
import { keygen } from './op-keys.mjs';
import Provider from 'oidc-provider';

const CLIENT_ID = 'edge-client';
const CLIENT_SECRET = 'edge-client-secret-for-tests-only';
const ACR = 'urn:sg:test:pwd';

function usage(msg) {
    process.stderr.write(`op-server.mjs: ${msg}\nusage: node op-server.mjs `
        + '--dir DIR --port N --edge http://127.0.0.1:M [--ready FILE]\n'
        + '    [--client-secret FILE] [--redirect PATH] [--post-logout PATH]'
        + ' [--backchannel PATH]\n');
    process.exit(2);
}

function log(event, fields = {}) {
    process.stdout.write(JSON.stringify({
        t: new Date().toISOString(), event, ...fields,
    }) + '\n');
}

const { values: opt } = parseArgs({
    options: {
        dir: { type: 'string' },
        port: { type: 'string' },
        edge: { type: 'string' },
        ready: { type: 'string' },
        'client-secret': { type: 'string' },
        redirect: { type: 'string', default: '/session_guard/callback' },
        'post-logout': { type: 'string', default: '/bye' },
        backchannel: { type: 'string', default: '/bc-logout' },
    },
});
if (!opt.dir || !opt.port || !opt.edge) {
    usage('--dir, --port and --edge are required');
}
if (!/^\d+$/.test(opt.port)) {
    usage(`bad port "${opt.port}"`);
}
const edge = opt.edge.replace(/\/+$/, '');
if (!URL.canParse(edge)) {
    usage(`bad edge URL "${opt.edge}"`);
}
for (const name of ['redirect', 'post-logout', 'backchannel']) {
    if (!/^\/[!-~]*$/.test(opt[name])) {
        usage(`bad --${name} path "${opt[name]}"`);
    }
}
let clientSecret = CLIENT_SECRET;
if (opt['client-secret']) {
    clientSecret = readFileSync(opt['client-secret'], 'utf8')
        .replace(/[\r\n]+$/, '');
    if (!/^[ -~]+$/.test(clientSecret)) {
        usage(`the client secret in "${opt['client-secret']}" must be one `
              + 'line of printable ASCII');
    }
}
const issuer = `http://127.0.0.1:${opt.port}`;

if (!existsSync(`${opt.dir}/op-private.json`)) {
    await keygen(opt.dir);
}
const jwks = JSON.parse(readFileSync(`${opt.dir}/op-private.json`, 'utf8'));

const provider = new Provider(issuer, {
    jwks,
    clients: [{
        client_id: CLIENT_ID,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        application_type: 'web',
        redirect_uris: [`${edge}${opt.redirect}`],
        post_logout_redirect_uris: [`${edge}${opt['post-logout']}`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        id_token_signed_response_alg: 'ES256',
        // auth_time in every ID token, not only when max_age or
        // prompt=login is asked for
        require_auth_time: true,
        backchannel_logout_uri: `${edge}${opt.backchannel}`,
        // "sid" in the ID token and in the logout tokens
        backchannel_logout_session_required: true,
    }],
    // the ID token of the "openid" scope carries acr and amr too (the
    // provider only gives "acr" when it knows some acr values)
    acrValues: [ACR],
    claims: {
        openid: ['sub', 'acr', 'amr'],
        acr: null,
        amr: null,
        sid: null,
        auth_time: null,
        iss: null,
    },
    // (the defaults are functions that print a notice when first used)
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600,
           IdToken: 600 },
    // version 9 requires PKCE only for public clients by default
    pkce: { required: () => true },
    // The provider and the edge are both on 127.0.0.1, where a browser
    // shares cookies across ports: the provider's are named op_* so that
    // they are not taken for the edge's (browser-login.mjs sorts them so).
    cookies: {
        keys: ['op-server-cookie-key-for-tests-only'],
        names: { session: 'op_session', interaction: 'op_interaction',
                 resume: 'op_resume' },
    },
    features: {
        devInteractions: { enabled: true },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: { enabled: true },
    },
    // The provider refuses to send to special-use addresses (protection
    // against server-side request forgery), and the edge is on loopback:
    // drop that dispatcher for the back-channel logout requests.
    fetch: async (url, options) => {
        delete options.dispatcher;
        const res = await globalThis.fetch(url, options);
        const body = (await res.clone().text()).slice(0, 200);
        log('backchannel.sent', { url: String(url), status: res.status,
                                  body });
        return res;
    },
});

// The development login form records only the account: give every login
// an authentication context and method as a real one would.
const interactionResult = provider.interactionResult.bind(provider);
provider.interactionResult = (req, res, result, options) => {
    if (result && result.login && result.login.acr === undefined) {
        result = { ...result,
                   login: { acr: ACR, amr: ['pwd'], ...result.login } };
    }
    return interactionResult(req, res, result, options);
};

provider.on('backchannel.success', (ctx, client, sub, sid) => {
    log('backchannel.success', { client: client.clientId, sub, sid });
});
provider.on('backchannel.error', (ctx, err, client, sub, sid) => {
    log('backchannel.error', { client: client.clientId, sub, sid,
                               error: err.message });
});
provider.on('interaction.ended', (ctx) => {
    log('interaction.ended', { path: ctx.path });
});
provider.on('authorization.success', (ctx) => {
    const p = ctx.oidc.params || {};
    log('authorization.success', { client: p.client_id,
                                   prompt: p.prompt, max_age: p.max_age,
                                   acr_values: p.acr_values });
});
provider.on('authorization.error', (ctx, err) => {
    log('authorization.error', { error: err.message,
                                 description: err.error_description });
});
provider.on('grant.success', (ctx) => {
    log('grant.success', { client: ctx.oidc.client?.clientId });
});
provider.on('grant.error', (ctx, err) => {
    log('grant.error', { error: err.message,
                         description: err.error_description });
});
provider.on('end_session.success', () => {
    log('end_session.success');
});
provider.on('end_session.error', (ctx, err) => {
    log('end_session.error', { error: err.message,
                               description: err.error_description });
});
provider.on('server_error', (ctx, err) => {
    log('server_error', { error: err.message });
    process.stderr.write(`provider server_error: ${err.stack}\n`);
});

const server = provider.listen(Number(opt.port), '127.0.0.1');
server.on('error', (err) => {
    process.stderr.write(`op-server.mjs: ${err.message}\n`);
    process.exit(1);
});
server.on('listening', () => {
    if (opt.ready) {
        writeFileSync(`${opt.ready}.tmp`, `${issuer}\n`);
        renameSync(`${opt.ready}.tmp`, opt.ready);
    }
    log('ready', { issuer });
});

function stop(signal) {
    log('stop', { signal });
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
