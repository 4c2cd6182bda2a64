import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { pkce, SPA } from '../helpers/oauth.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';

/**
 * The pages' security headers in a real browser. Clickjacking: a page of
 * another origin (same site, so that the mock's cookies would work in the
 * frame) puts the mock's pages in an iframe. And the pages that need their
 * inline script (form_post, logout) still work under the CSP.
 */
describe.skipIf(!chromiumAvailable)('page security headers in Debian Chromium (playwright-core)', () => {
  let idp: MockIdp;
  let browser: Browser;
  let other: Server;
  let otherOrigin: string;
  /** Bodies POSTed to the other origin's /callback (form_post answers). */
  const posted: string[] = [];
  /** The framing page: `?src=` is the iframe's URL; it records the messages the frame posts. */
  const framingPage = `<!doctype html><title>other origin</title><iframe id="f" width="600" height="600"></iframe>
<script>window.messages=[];addEventListener('message',function(e){window.messages.push(e.data)});document.getElementById('f').src=new URLSearchParams(location.search).get('src');</script>`;

  beforeAll(async () => {
    idp = await startMockIdp({ port: 0 });
    other = createServer((req, res) => {
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          posted.push(body);
          res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>callback</title><h1>callback received</h1>');
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(framingPage);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://localhost:${(other.address() as AddressInfo).port}`;
    // The other origin is the SPA's web origin too: the web_message page must load in its frame (the control).
    await idp.updateTenant((draft) => {
      const spa = draft.applications!.find((a) => a.clientId === SPA.clientId)!;
      spa.callbacks = [...(spa.callbacks ?? []), otherOrigin, `${otherOrigin}/callback`];
      spa.webOrigins = [...(spa.webOrigins ?? []), otherOrigin];
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.close(resolve));
    await idp?.close();
  });

  /** Opens the framing page with `src` in its iframe; returns the page, the frame and the CSP refusals Chromium logged. */
  async function frame(src: string): Promise<{ page: Page; child: Frame | undefined; refusals: string[] }> {
    const page = await browser.newPage();
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (/frame-ancestors|X-Frame-Options/i.test(message.text())) refusals.push(message.text());
    });
    await page.goto(`${otherOrigin}/?src=${encodeURIComponent(src)}`);
    await page.waitForTimeout(1500);
    return { page, child: page.frames().find((f) => f !== page.mainFrame()), refusals };
  }

  const has = async (child: Frame | undefined, selector: string) => {
    try {
      return (await child?.locator(selector).count()) ?? 0;
    } catch {
      return 0;
    }
  };

  it('the login page does not render in a frame of another origin (frame-ancestors none)', async () => {
    const { challenge } = pkce();
    const params = new URLSearchParams({ client_id: 'sample-app', redirect_uri: 'http://localhost:3000/callback', response_type: 'code', scope: 'openid', state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
    const { page, child, refusals } = await frame(`${idp.issuer}authorize?${params}`);
    expect(child).toBeDefined();
    expect(await has(child, 'input#password')).toBe(0);
    expect(refusals.join('\n')).toMatch(/frame-ancestors 'none'/);
    // The same URL at the top level is the login page.
    const top = await browser.newPage();
    await top.goto(`${idp.issuer}authorize?${params}`);
    expect(await top.locator('input#password').count()).toBe(1);
    await top.close();
    await page.close();
  }, 30_000);

  it("the web_message page loads in a frame of the application's web origin and posts its answer (the control)", async () => {
    const params = new URLSearchParams({
      client_id: SPA.clientId, redirect_uri: otherOrigin, response_type: 'code', response_mode: 'web_message', prompt: 'none', scope: 'openid',
      state: 'framed', nonce: 'n', code_challenge: pkce().challenge, code_challenge_method: 'S256',
    });
    const { page, refusals } = await frame(`${idp.issuer}authorize?${params}`);
    expect(refusals).toEqual([]);
    const messages = (await page.evaluate('window.messages')) as { type?: string; response?: Record<string, string> }[];
    expect(messages).toEqual([{ type: 'authorization_response', response: expect.objectContaining({ error: 'login_required', state: 'framed' }) }]);
    await page.close();
  }, 30_000);

  it('the login, form_post and logout pages run under the CSP with no violation: form_post posts the code, logout submits itself', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const params = new URLSearchParams({
      client_id: SPA.clientId, redirect_uri: `${otherOrigin}/callback`, response_type: 'code', response_mode: 'form_post', scope: 'openid',
      state: 'posted', nonce: 'n', code_challenge: pkce().challenge, code_challenge_method: 'S256',
    });
    await page.goto(`${idp.issuer}authorize?${params}`);
    await page.fill('#username', 'alice@example.com');
    await page.fill('#password', 'alice-pass');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${otherOrigin}/callback`);
    expect(await page.locator('h1').innerText()).toBe('callback received');
    const answer = new URLSearchParams(posted.at(-1));
    expect(answer.get('state')).toBe('posted');
    expect(answer.get('code')).toBeTruthy();

    await page.goto(`${idp.issuer}oidc/logout?client_id=${SPA.clientId}`);
    await expect.poll(async () => page.locator('h1').innerText()).toBe('Logged out');
    expect(violations).toEqual([]);
    await context.close();
  }, 30_000);
});
