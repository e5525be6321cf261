// A person's login through headless Chromium: spotauth's pages, the stand-in Spotify's consent
// page, cookies as the browser keeps them. run.sh starts `spotauth demo` (consent page on) and
// passes its address in SPOTAUTH_BASE_URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.SPOTAUTH_BASE_URL;
if (!base) throw new Error('SPOTAUTH_BASE_URL is not set; run this test through run.sh');
const home = `${base}/`;
// The stand-in's origin, when run.sh could read it from the demo's banner.
const spotifyOrigin = process.env.SPOTAUTH_SPOTIFY_URL || '';
const shots = process.env.SPOTAUTH_SCREENSHOT_DIR || path.resolve('build/browser');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const kTestTimeout = 20_000;
const kStepTimeout = 8_000;

mkdirSync(shots, { recursive: true });

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
});

function isLoopback(url) {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

// A fresh browser profile (no cookies) per test; on failure, a screenshot of where it stopped.
async function withPage(name, body) {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  context.setDefaultTimeout(kStepTimeout);
  context.setDefaultNavigationTimeout(kStepTimeout);
  // Hermetic: only loopback is reached, whatever a page links to.
  await context.route((url) => !isLoopback(url), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  const cspViolations = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  try {
    await body(page, context);
    assert.deepEqual(cspViolations, [], 'our pages live within their own CSP');
  } catch (e) {
    await page.screenshot({ path: path.join(shots, `failed-${name}.png`) }).catch(() => {});
    e.message += `\n  (page was ${page.url()}; screenshot: ${shots}/failed-${name}.png)`;
    throw e;
  } finally {
    await context.close();
  }
}

async function expectSignedOut(page) {
  assert.equal(page.url(), home);
  const login = page.locator('#login');
  await login.waitFor({ state: 'visible' });
  assert.equal(await login.getAttribute('href'), '/login');
  assert.equal(await page.locator('#display-name').count(), 0, 'no name on the signed-out page');
  assert.equal(await page.locator('#logout').count(), 0, 'no logout button when signed out');
}

// From the signed-out home page, click "Log in" and arrive at the stand-in's consent page.
async function openConsentPage(page) {
  const response = await page.goto(home);
  assert.equal(response.status(), 200);
  await expectSignedOut(page);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/authorize' && url.origin !== base),
    page.locator('#login').click(),
  ]);
  const url = new URL(page.url());
  if (spotifyOrigin) assert.equal(url.origin, spotifyOrigin, 'the login goes to the stand-in');
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('redirect_uri'), `${base}/callback`);
  assert.equal(url.searchParams.get('scope'), 'user-read-currently-playing');
  assert.ok((url.searchParams.get('state') || '').length >= 22, 'a state of at least 128 bits');
  await page.locator('form[action="/authorize"]').waitFor();
}

async function sessionCookies(context) {
  return (await context.cookies(base)).filter((c) => c.name === 'spotauth');
}

describe('login through the browser', () => {
  test('a person approves at Spotify, sees their name and track, then logs out',
    { timeout: kTestTimeout }, () => withPage('approve', async (page, context) => {
      await openConsentPage(page);
      // The consent page shows the requested scope, in words and by name.
      const consent = page.locator('body');
      assert.match(await consent.innerText(), /Read your currently playing content/);
      assert.match(await consent.innerText(), /user-read-currently-playing/);
      assert.match(await consent.innerText(), /Demo User/);
      await page.screenshot({ path: path.join(shots, 'consent.png'), fullPage: true });

      await page.locator('input[name="user"][value="demo-user"]').check();
      const [landing] = await Promise.all([
        page.waitForResponse((r) => r.url() === home && r.request().method() === 'GET'),
        page.locator('button[value="approve"]').click(),
      ]);
      await page.waitForURL(home);
      assert.equal(landing.status(), 200);

      // The signed-in page.
      await page.locator('#display-name').waitFor();
      assert.equal(await page.locator('#display-name').innerText(), 'Demo User');
      assert.equal(await page.locator('#user-id').innerText(), 'demo-user');
      await page.locator('#now-playing').waitFor();
      assert.equal(await page.locator('#track').innerText(), 'Windowlicker');
      // The subtitle is the artists, then the album ("Aphex Twin · Windowlicker").
      assert.match(await page.locator('#artists').innerText(), /^Aphex Twin(?: · .+)?$/);
      assert.equal(await page.locator('#login').count(), 0, 'no login link when signed in');
      await page.screenshot({ path: path.join(shots, 'signed-in.png'), fullPage: true });

      // Page headers: no caching of a personal page, a CSP, and the rest of the set.
      const headers = await landing.allHeaders();
      assert.ok(headers['content-security-policy'], 'a Content-Security-Policy header');
      assert.match(headers['content-security-policy'], /default-src 'none'/);
      assert.match(headers['cache-control'] || '', /no-store/);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['referrer-policy'], 'same-origin');

      // Cookies are HttpOnly: scripts see none; the browser holds exactly one session cookie.
      assert.equal(await page.evaluate(() => document.cookie), '');
      const cookies = await sessionCookies(context);
      assert.equal(cookies.length, 1, 'one session cookie');
      assert.equal(cookies[0].httpOnly, true);
      assert.equal(cookies[0].sameSite, 'Lax');
      assert.equal(cookies[0].path, '/');
      assert.ok(!(await context.cookies(base)).some((c) => c.name === 'spotauth_login'),
        'the login cookie is cleared after the callback');
      // Nothing secret shows on the page.
      assert.ok(!(await page.content()).includes(cookies[0].value),
        'the session id is not on the page');

      // Log out: back to the signed-out page, and it stays that way.
      const [logout] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/logout` && r.request().method() === 'POST'),
        page.locator('#logout').click(),
      ]);
      // Under Referrer-Policy: same-origin a same-origin form POST carries its real Origin
      // (Fetch: "serializing a request origin"), which logout requires ("null" is refused).
      const origin = await logout.request().headerValue('origin');
      assert.equal(origin, base, 'the logout form sends the page\'s own origin');
      assert.equal(logout.status(), 303,
        `POST /logout from the logout button answered ${logout.status()} (Origin: ${origin})`);
      await page.waitForURL(home);
      await expectSignedOut(page);
      assert.equal((await sessionCookies(context)).length, 0, 'the session cookie is cleared');
      const reloaded = await page.reload();
      assert.equal(reloaded.status(), 200);
      await expectSignedOut(page);
    }));

  test('a person who cancels at Spotify gets a "Login cancelled" page and no session',
    { timeout: kTestTimeout }, () => withPage('deny', async (page, context) => {
      await openConsentPage(page);
      const [callback] = await Promise.all([
        page.waitForResponse((r) => r.url().startsWith(`${base}/callback?`)),
        page.locator('button[value="deny"]').click(),
      ]);
      await page.waitForURL((url) => url.origin === base && url.pathname === '/callback');
      assert.equal(callback.status(), 403);
      assert.equal(new URL(callback.url()).searchParams.get('error'), 'access_denied');
      assert.equal(await page.locator('h1').innerText(), 'Login cancelled');
      assert.match(await page.title(), /Login cancelled/);
      await page.screenshot({ path: path.join(shots, 'cancelled.png'), fullPage: true });
      assert.equal((await sessionCookies(context)).length, 0, 'no session cookie');

      // Home is still signed out.
      await page.goto(home);
      await expectSignedOut(page);
    }));

  test('opening the site on localhost lands on the configured 127.0.0.1 origin',
    { timeout: kTestTimeout }, () => withPage('host', async (page) => {
      const other = new URL(base);
      other.hostname = 'localhost';
      const response = await page.goto(`${other.origin}/`);
      assert.equal(response.status(), 200);
      assert.equal(page.url(), home);
      const first = response.request().redirectedFrom();
      assert.ok(first, 'the page was reached by a redirect');
      assert.equal(first.url(), `${other.origin}/`);
      const redirect = await first.response();
      assert.equal(redirect.status(), 308);
      await expectSignedOut(page);
    }));
});

// Gateway mode: run.sh's second demo stands in front of the echo app (which answers with what
// reached it, as JSON).
const gateway = process.env.SPOTAUTH_GATEWAY_URL;

describe('spotauth in front of an app (gateway mode)', { skip: !gateway && 'no gateway demo' }, () => {
  test('a person opening a page of the app logs in at Spotify and lands on that page',
    { timeout: kTestTimeout }, () => withPage('gateway', async (page, context) => {
      const target = `${gateway}/reports/2026?month=11&q=caf%C3%A9`;
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/authorize' && url.origin !== gateway),
        page.goto(target),
      ]);
      await page.locator('input[name="user"][value="demo-user"]').check();
      await Promise.all([
        page.waitForURL(target),
        page.locator('button[value="approve"]').click(),
      ]);
      // The app's answer: what reached it.
      const echo = JSON.parse(await page.locator('body').innerText());
      assert.equal(echo.target, '/reports/2026?month=11&q=caf%C3%A9');
      const headers = Object.fromEntries(echo.headers.map(([k, v]) => [k.toLowerCase(), v]));
      assert.equal(headers['x-spotify-user-id'], 'demo-user');
      assert.equal(decodeURIComponent(headers['x-spotify-display-name']), 'Demo User');
      assert.ok(!(headers.cookie || '').includes('spotauth'), 'spotauth cookies stay out');
      await page.screenshot({ path: path.join(shots, 'gateway-app.png'), fullPage: true });

      // spotauth's own page lives under /spotauth/, and logging out lands there.
      await page.goto(`${gateway}/spotauth/`);
      assert.equal(await page.locator('#user-id').innerText(), 'demo-user');
      await Promise.all([
        page.waitForURL(`${gateway}/spotauth/`),
        page.locator('#logout').click(),
      ]);
      await page.locator('#login').waitFor();
      assert.equal(await page.locator('#login').getAttribute('href'), '/spotauth/login');
      assert.equal((await context.cookies(gateway)).filter((c) => c.name === 'spotauth').length, 0);

      // Signed out again: the app's pages send the browser to Spotify once more.
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/authorize' && url.origin !== gateway),
        page.goto(`${gateway}/reports`),
      ]);
    }));
});
