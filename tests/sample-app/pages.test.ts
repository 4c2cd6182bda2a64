/** sample-app's pages for browsers and its JSON for API clients; the samples' 404s. One stack, no browser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { USERS } from '../helpers/oauth.js';
import { startStack, type Stack } from '../helpers/stack.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let stack: Stack;
let alice: HeadlessBrowser;
beforeAll(async () => {
  stack = await startStack();
  ({ browser: alice } = await loginThroughApp(stack.app.url, USERS.alice, '/profile'));
});
afterAll(() => stack.close());

describe('sample-app', () => {
  it('answers /profile with the claims as JSON to an API client and with a page to a browser', async () => {
    const json = await alice.request(`${stack.app.url}/profile`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toMatchObject({ email: 'alice@example.com' });

    const page = await alice.request(`${stack.app.url}/profile`, { headers: HTML });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await page.text();
    expect(body).toContain('<h1>Alice Admin</h1>');
    expect(body).toMatch(/<details><summary>Raw ID token claims<\/summary><pre>[^<]*&#34;email&#34;: &#34;alice@example.com&#34;/);
  });

  it('shows an order item as text: markup typed into Create order is escaped on the orders page', async () => {
    const created = await alice.navigate(`${stack.app.url}/orders`, { method: 'POST', form: { item: '<img src=x onerror=alert(1)>' } });
    expect(created.response.status).toBe(201);
    expect(created.body).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(created.body).not.toContain('<img src=x');
  });

  it('answers an unknown path with a 404 page that leads home', async () => {
    const page = await alice.navigate(`${stack.app.url}/no-such-page`);
    expect(page.response.status).toBe(404);
    expect(page.body).toContain('<h1>Page not found</h1>');
    expect(page.body).toContain('href="/"');
  });
});

describe('sample-api', () => {
  it('answers an unknown path with a 404 page to a browser and JSON not_found to an API client', async () => {
    const page = await fetch(`${stack.api.url}/no-such-route`, { headers: HTML });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('GET /orders');
    const json = await fetch(`${stack.api.url}/no-such-route`);
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ error: 'not_found' });
  });
});
