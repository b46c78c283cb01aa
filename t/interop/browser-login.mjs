// A real browser against the edge's OpenID Connect login, for
// t/790-oidc-browser.t: Debian's chromium, headless, driven with
// puppeteer-core, logs in at the provider (t/interop/op-server.mjs, with
// its own development login and consent pages) through the edge (nginx
// with the module, the relying party), and signs out both ways.
//
//   node browser-login.mjs --edge http://127.0.0.1:N --op http://127.0.0.1:M
//                          --shots DIR --out FILE
//                          [--chromium PATH] [--user NAME]
//                          [--step-timeout SECONDS] [--step-up-wait SECONDS]
//
// Steps (each in FILE's "steps", in this order; the first that fails ends
// the run and the later ones are marked skipped):
//   login     EDGE/app/page?x=1, sent to the provider's authorization
//             endpoint (its parameters recorded), logged in there, back on
//             the page (final URL and the page's text recorded)
//   cookies   the cookies the browser keeps, with their attributes (never
//             their values); the provider's are named op_* (see
//             op-server.mjs) and marked "op", the others "edge"
//   step_up   after --step-up-wait seconds, EDGE/admin/: sent to the
//             provider again (prompt, max_age, acr_values recorded), logged
//             in again, back on EDGE/admin/
//   op_logout the user signs out at the provider (OP/session/end, "Yes"),
//             which sends its back-channel logout token to the edge; then
//             EDGE/app/page must lead to the provider's login page
//   rp_logout logged in again from there (a new session), then EDGE/logout:
//             sent to the provider's end_session endpoint (parameters
//             recorded), "Yes", back on EDGE/bye; then EDGE/app/page must
//             lead to the provider's login page again
//
// FILE is written after every step, with the reason of a failure, the URL
// and text of the page at that moment; each step's screenshots are
// DIR/NN-name.png.  URLs are recorded with the edge's origin written as
// "EDGE", the provider's as "OP", and the provider's interaction ids as
// "<uid>".  Exit status 0 when every step passed, 1 otherwise, 2 on bad
// arguments.

import { mkdirSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
    options: {
        edge: { type: 'string' },
        op: { type: 'string' },
        shots: { type: 'string' },
        out: { type: 'string' },
        chromium: { type: 'string',
                    default: process.env.SG_CHROMIUM || '/usr/bin/chromium' },
        user: { type: 'string', default: 'alice' },
        'step-timeout': { type: 'string', default: '20' },
        'step-up-wait': { type: 'string', default: '5' },
    },
});

if (!opt.edge || !opt.op || !opt.shots || !opt.out) {
    process.stderr.write('usage: node browser-login.mjs --edge URL --op URL '
                         + '--shots DIR --out FILE\n');
    process.exit(2);
}

const EDGE = new URL(opt.edge).origin;
const OP = new URL(opt.op).origin;
const STEP_MS = Number(opt['step-timeout']) * 1000;
const STEP_UP_WAIT_MS = Number(opt['step-up-wait']) * 1000;
const PASSWORD = 'any-password';

// the provider's development pages (oidc-provider 9, lib/views)
const SEL = {
    loginForm: 'input[name="prompt"][value="login"]',
    loginName: 'input[name="login"]',
    loginPassword: 'input[name="password"]',
    consentForm: 'input[name="prompt"][value="consent"]',
    submit: 'button[type="submit"]',
    logoutYes: 'button[name="logout"][value="yes"]',
};

const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri',
                          'scope', 'state', 'nonce', 'code_challenge',
                          'code_challenge_method'];

const result = {
    edge: EDGE,
    op: OP,
    chromium: opt.chromium,
    browser_version: null,
    ok: false,
    failed: null,
    error: null,
    steps: {},
    shots: [],
};

function save() {
    writeFileSync(`${opt.out}.tmp`, JSON.stringify(result, null, 1) + '\n');
    renameSync(`${opt.out}.tmp`, opt.out);
}

// a URL with the two origins named, and the provider's interaction ids
// (random) left out
function label(href) {
    let u;
    try {
        u = new URL(href);
    } catch {
        return String(href);
    }
    if (!/^https?:$/.test(u.protocol)) {
        return href;
    }
    let s = u.origin === EDGE ? 'EDGE' : u.origin === OP ? 'OP' : u.origin;
    s += u.pathname.replace(/^\/(interaction|auth)\/[^/]+/, '/$1/<uid>');
    if (u.origin === EDGE) {
        s += u.search;
    }
    return s;
}

// random values, recorded by their length only
const RANDOM = new Set(['state', 'nonce', 'code_challenge', 'id_token_hint',
                        'code', 'session_state']);

// the query parameters of a URL: every name, and the value (URLs
// labelled) or, for random ones, the length of those asked for
function params(href, names) {
    const u = new URL(href);
    const out = { url: label(href), names: [...new Set(u.searchParams.keys())]
                                               .sort() };
    for (const n of names) {
        const v = u.searchParams.get(n);
        out[n] = v === null ? null
            : RANDOM.has(n) ? `(${v.length} characters)`
            : /^https?:\/\//.test(v) ? label(v) : v;
    }
    return out;
}

function within(ms, what, promise) {
    let timer;
    const timeout = new Promise((resolve, reject) => {
        timer = setTimeout(
            () => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout])
        .finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let browser;
let page;
let cdp;
let shotNo = 0;
// the main frame's navigations (every hop of a redirect chain) since the
// step began
let navs = [];

async function shot(name) {
    shotNo += 1;
    const file = `${opt.shots}/${String(shotNo).padStart(2, '0')}-${name}.png`;
    try {
        await within(10000, `screenshot ${name}`,
                     page.screenshot({ path: file, fullPage: true }));
        result.shots.push(file);
    } catch (err) {
        result.shots.push(`${file}: ${err.message}`);
    }
}

async function pageText() {
    try {
        return await within(5000, 'page text', page.evaluate(
            () => (document.body ? document.body.innerText : '').trim()));
    } catch (err) {
        return `(no text: ${err.message})`;
    }
}

async function clickAndWait(selector) {
    await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.click(selector),
    ]);
}

// Goes through the provider's login and consent pages, from the page the
// browser is on, until it leaves the provider.  Returns the pages seen.
async function providerLogin(tag) {
    const seen = [];
    for (let i = 0; i < 5; i++) {
        const here = page.url();
        if (new URL(here).origin !== OP) {
            return seen;
        }
        if (await page.$(SEL.loginForm)) {
            seen.push('login');
            await shot(`${tag}-op-login`);
            await page.type(SEL.loginName, opt.user);
            await page.type(SEL.loginPassword, PASSWORD);
            await clickAndWait(`form:has(> ${SEL.loginForm}) ${SEL.submit}`);
        } else if (await page.$(SEL.consentForm)) {
            seen.push('consent');
            await shot(`${tag}-op-consent`);
            await clickAndWait(
                `form:has(> ${SEL.consentForm}) ${SEL.submit}`);
        } else {
            throw new Error(`unexpected provider page ${label(here)}: `
                            + (await pageText()).slice(0, 300));
        }
    }
    throw new Error(`still at the provider after 5 pages: ${label(page.url())}`);
}

function firstNav(origin, path) {
    return navs.find((h) => {
        const u = new URL(h);
        return u.origin === origin && (path === undefined
            || (path instanceof RegExp ? path.test(u.pathname)
                                       : u.pathname === path));
    });
}

async function isLoginPage() {
    return new URL(page.url()).origin === OP && !!(await page.$(SEL.loginForm));
}

async function step(name, fn, { timeout = STEP_MS, before } = {}) {
    const s = { ok: false };
    result.steps[name] = s;
    if (result.failed) {
        s.skipped = `after the failure of ${result.failed}`;
        save();
        return;
    }
    if (before) {
        await before(s);
    }
    navs = [];
    try {
        await within(timeout, name, fn(s));
        s.ok = true;
    } catch (err) {
        s.error = err.stack || String(err);
        result.failed = name;
        result.error = `${name}: ${err.message}`;
        try {
            s.at_failure = { url: label(page.url()),
                             text: (await pageText()).slice(0, 500),
                             navigations: navs.map(label) };
        } catch (e) {
            s.at_failure = { error: String(e) };
        }
        await shot(`${name}-failed`);
    }
    s.navigations = navs.map(label);
    save();
}

// the login of step "login" and of the new session of "rp_logout": from
// an edge URL, through the provider, back to it
async function loginVia(s, path, tag) {
    await page.goto(EDGE + path, { waitUntil: 'load' });
    await shot(`${tag}-at-provider`);
    const auth = firstNav(OP, '/auth');
    if (!auth) {
        throw new Error(`the edge did not send the browser to the provider's `
                        + `authorization endpoint: at ${label(page.url())}`);
    }
    s.authorize = params(auth, [...AUTHORIZE_PARAMS, 'prompt', 'max_age',
                                'acr_values']);
    s.authorize.present = Object.fromEntries(
        AUTHORIZE_PARAMS.map((n) => [n, s.authorize[n] !== null]));
    s.provider_pages = await providerLogin(tag);
    const cb = firstNav(EDGE, '/session_guard/callback');
    s.callback = cb ? params(cb, []) : null;
    s.final_url = label(page.url());
    s.body = await pageText();
    await shot(`${tag}-back`);
}

async function main() {
    mkdirSync(opt.shots, { recursive: true });
    if (!existsSync(opt.chromium)) {
        throw new Error(`no browser at ${opt.chromium}`);
    }
    const { default: puppeteer } = await import('puppeteer-core');

    browser = await within(30000, 'launching the browser', puppeteer.launch({
        executablePath: opt.chromium,
        headless: true,
        // tests may run as root, where chromium's sandbox cannot start
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu',
               '--no-first-run', '--no-default-browser-check',
               '--disable-background-networking', '--disable-sync',
               '--disable-component-update', '--disable-extensions',
               '--password-store=basic', '--use-mock-keychain',
               // the provider's pages ask for web fonts: no name resolves,
               // nothing leaves the machine
               '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
        protocolTimeout: 30000,
        timeout: 30000,
    }));
    result.browser_version = await browser.version();
    page = await browser.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.setDefaultNavigationTimeout(STEP_MS);
    await page.setViewport({ width: 900, height: 700 });
    page.on('request', (req) => {
        if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
            navs.push(req.url());
        }
    });
    cdp = await page.createCDPSession();

    await step('login', async (s) => {
        await loginVia(s, '/app/page?x=1', 'login');
        if (s.final_url !== 'EDGE/app/page?x=1') {
            throw new Error(`landed at ${s.final_url}, not EDGE/app/page?x=1`);
        }
    });

    await step('cookies', async (s) => {
        const { cookies } = await cdp.send('Storage.getCookies', {});
        s.cookies = cookies
            .filter((c) => c.domain === new URL(EDGE).hostname)
            .map((c) => ({
                name: c.name,
                owner: c.name.startsWith('op_') ? 'op' : 'edge',
                path: c.path,
                httpOnly: c.httpOnly,
                secure: c.secure,
                sameSite: c.sameSite ?? null,
                session: c.session,
                expires: c.session ? null : Math.round(c.expires),
                expires_in: c.session ? null
                    : Math.round(c.expires - Date.now() / 1000),
                size: c.size,
            }))
            .sort((a, b) => (a.owner + a.name).localeCompare(b.owner
                                                              + b.name));
    });

    await step('step_up', async (s) => {
        await page.goto(`${EDGE}/admin/`, { waitUntil: 'load' });
        await shot('step-up-at-provider');
        const auth = firstNav(OP, '/auth');
        if (!auth) {
            throw new Error('no step-up: the edge did not send the browser '
                            + `to the provider, at ${label(page.url())}: `
                            + (await pageText()).slice(0, 200));
        }
        s.authorize = params(auth, [...AUTHORIZE_PARAMS, 'prompt', 'max_age',
                                    'acr_values']);
        s.provider_pages = await providerLogin('step-up');
        s.final_url = label(page.url());
        s.body = await pageText();
        await shot('step-up-back');
        if (s.final_url !== 'EDGE/admin/') {
            throw new Error(`landed at ${s.final_url}, not EDGE/admin/`);
        }
    }, {
        timeout: STEP_MS,
        before: async (s) => {
            // the location's max_age must pass since the login
            s.waited_ms = STEP_UP_WAIT_MS;
            await sleep(STEP_UP_WAIT_MS);
        },
    });

    await step('op_logout', async (s) => {
        await page.goto(`${OP}/session/end`, { waitUntil: 'load' });
        await shot('op-logout-page');
        if (!(await page.$(SEL.logoutYes))) {
            throw new Error(`no sign-out form at ${label(page.url())}: `
                            + (await pageText()).slice(0, 200));
        }
        s.logout_page = label(page.url());
        await clickAndWait(SEL.logoutYes);
        s.after_logout = label(page.url());
        s.after_logout_text = await pageText();
        await shot('op-logout-done');

        navs = [];
        await page.goto(`${EDGE}/app/page`, { waitUntil: 'load' });
        s.revisit = {
            to_provider: firstNav(OP, '/auth') ? label(firstNav(OP, '/auth'))
                                                : null,
            landed: label(page.url()),
            login_page: await isLoginPage(),
        };
        if (!s.revisit.login_page) {
            s.revisit.text = (await pageText()).slice(0, 300);
        }
        await shot('op-logout-revisit');
        if (!s.revisit.login_page) {
            throw new Error('after the logout at the provider, EDGE/app/page '
                            + `did not lead to its login page: ${s.revisit.landed}`);
        }
    });

    await step('rp_logout', async (s) => {
        // a new session: log in from the login page op_logout ended on
        // (its authorization request is the edge's, for EDGE/app/page)
        const login = {};
        s.login = login;
        login.provider_pages = await providerLogin('relogin');
        login.final_url = label(page.url());
        login.body = await pageText();
        await shot('relogin-back');
        if (login.final_url !== 'EDGE/app/page') {
            throw new Error(`new login landed at ${login.final_url}`);
        }

        navs = [];
        await page.goto(`${EDGE}/logout`, { waitUntil: 'load' });
        await shot('rp-logout-at-provider');
        const end = firstNav(OP, '/session/end');
        if (!end) {
            throw new Error('EDGE/logout did not send the browser to the '
                            + `provider's end_session endpoint: at `
                            + `${label(page.url())}: `
                            + (await pageText()).slice(0, 200));
        }
        s.end_session = params(end, ['client_id', 'post_logout_redirect_uri',
                                     'id_token_hint', 'state']);
        if (await page.$(SEL.logoutYes)) {
            s.confirmed = true;
            await clickAndWait(SEL.logoutYes);
        } else if (new URL(page.url()).origin === OP) {
            // no session at the provider any more: it posts the logout
            // form by itself
            s.confirmed = false;
            await page.waitForNavigation({ waitUntil: 'load' });
        }
        s.final_url = label(page.url());
        s.body = await pageText();
        await shot('rp-logout-done');

        navs = [];
        await page.goto(`${EDGE}/app/page`, { waitUntil: 'load' });
        s.revisit = {
            to_provider: firstNav(OP, '/auth') ? label(firstNav(OP, '/auth'))
                                                : null,
            landed: label(page.url()),
            login_page: await isLoginPage(),
        };
        if (!s.revisit.login_page) {
            s.revisit.text = (await pageText()).slice(0, 300);
        }
        await shot('rp-logout-revisit');
        if (!s.final_url.startsWith('EDGE/bye')) {
            throw new Error(`the sign-out ended at ${s.final_url}, not EDGE/bye`);
        }
        if (!s.revisit.login_page) {
            throw new Error('after EDGE/logout, EDGE/app/page did not lead '
                            + `to the provider's login page: ${s.revisit.landed}`);
        }
    });

    result.ok = Object.values(result.steps).every((s) => s.ok);
}

// never hang the test: the whole run is bounded too
const watchdog = setTimeout(() => {
    result.failed ||= 'watchdog';
    result.error ||= 'browser-login.mjs: the whole run timed out';
    save();
    try {
        browser?.process()?.kill('SIGKILL');
    } catch { /* gone */ }
    process.exit(1);
}, 6 * STEP_MS + STEP_UP_WAIT_MS + 60000);
watchdog.unref();

try {
    await main();
} catch (err) {
    result.failed ||= 'setup';
    result.error ||= err.stack || String(err);
}
save();
if (browser) {
    const proc = browser.process();
    try {
        await within(10000, 'closing the browser', browser.close());
    } catch {
        proc?.kill('SIGKILL');
    }
}
process.stdout.write(`browser-login: ${result.ok ? 'ok' : `failed at ${
    result.failed}: ${result.error}`}\n`);
process.exit(result.ok ? 0 : 1);
