import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { USERS } from '../helpers/oauth.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  const deny = fileURLToPath(new URL('../fixtures/actions/deny-domain.mjs', import.meta.url));
  stack = await startStack({
    tenant: (draft) => {
      draft.actions = { postLogin: [deny], secrets: { DENIED_DOMAIN: 'example.com' } };
    },
  });
});
afterAll(() => stack.close());

it('shows sample-app an error page and leaves no session when a post-login Action denies the user', async () => {
  const browser = new HeadlessBrowser();
  const loginPage = await browser.navigate(`${stack.app.url}/profile`);
  const result = await browser.submit(loginPage, '/login', USERS.alice);
  const callback = result.hops.find((url) => url.startsWith(`${stack.app.url}/callback`));
  expect(new URL(callback!).searchParams.get('error')).toBe('access_denied');
  expect(result.response.status).toBe(400);
  expect((await browser.jar.getCookies(stack.app.url)).some((c) => c.key.startsWith('appSession'))).toBe(false);
  expect((await browser.navigate(`${stack.app.url}/profile`)).url).toContain('/interaction/');
});
