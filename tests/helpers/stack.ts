import type { Cookie } from 'tough-cookie';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../stack/local-stack.js';

export type Stack = LocalStack;
export type StackOptions = Omit<LocalStackOptions, 'ports'>;

/** The local stack of `npm start` in this process, every server on a free port. */
export function startStack(options: StackOptions = {}): Promise<Stack> {
  return startLocalStack({ ...options, ports: { idp: 0, api: 0, app: 0, spa: 0 } });
}

/** Copies a browser's cookies (to replay an old session later), or only those `keep` accepts. */
export async function cloneBrowser(browser: HeadlessBrowser, keep: (cookie: Cookie) => boolean = () => true): Promise<HeadlessBrowser> {
  const copy = new HeadlessBrowser();
  for (const cookie of await browser.jar.getCookies('http://localhost/', { allPaths: true })) {
    if (keep(cookie)) await copy.jar.setCookie(cookie, 'http://localhost/');
  }
  return copy;
}
