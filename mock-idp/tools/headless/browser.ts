import { CookieJar } from 'tough-cookie';
import { unesc } from '../../core/html.js';
import { fetchTrustingCa } from './trusting-fetch.js';

export interface Page {
  /** The last response (a 2xx/4xx page, or a redirect that left `allowedOrigins`). */
  response: Response;
  url: string;
  body: string;
  /** Every URL visited, in order. */
  hops: string[];
}

export interface BrowserRequest {
  method?: 'GET' | 'POST';
  /** Stop (without requesting it) at the first redirect whose URL starts with this, e.g. an app's callback. */
  stopAt?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface HeadlessBrowserOptions {
  /** Also trust this CA (PEM), e.g. an HTTPS mock's `idp.ca.certPem`. */
  ca?: string | readonly string[];
  /** The fetch to send requests with; default the global one (or one trusting `ca`). */
  fetch?: typeof fetch;
}

/**
 * A cookie jar and fetch with manual redirects: enough browser to drive
 * login flows headless (no JavaScript). Used by the flow tests and by
 * `loginHeadless`.
 */
export class HeadlessBrowser {
  readonly jar = new CookieJar();
  readonly #fetch: typeof fetch;

  constructor(options: HeadlessBrowserOptions = {}) {
    this.#fetch = options.fetch ?? (options.ca !== undefined ? fetchTrustingCa(options.ca) : (...args) => fetch(...args));
  }

  /** One request, cookies sent and stored, redirects not followed. */
  async request(url: string, init: BrowserRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.cookie = cookie;
    let body: string | null = null;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await this.#fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) await this.jar.setCookie(set, url, { ignoreError: true });
    return response;
  }

  /** Follows redirects (at most 20) and returns the page it lands on. */
  async navigate(url: string, init: BrowserRequest = {}): Promise<Page> {
    const hops: string[] = [];
    let current = url;
    let next: BrowserRequest = init;
    for (let i = 0; i < 20; i++) {
      hops.push(current);
      const response = await this.request(current, next);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || !location) {
        return { response, url: current, body: await response.text(), hops };
      }
      await response.body?.cancel();
      current = new URL(location, current).href;
      if (init.stopAt && current.startsWith(init.stopAt)) return { response, url: current, body: '', hops: [...hops, current] };
      next = response.status === 307 || response.status === 308 ? next : {};
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the first form on the page whose action contains `actionContains`, with its hidden fields plus `fields`. */
  async submit(page: Page, actionContains: string, fields: Record<string, string> = {}, stopAt?: string): Promise<Page> {
    const form = findForms(page.body).find((f) => f.action.includes(actionContains));
    if (!form) throw new Error(`no form with an action containing "${actionContains}" on ${page.url}`);
    return this.navigate(new URL(form.action, page.url).href, { method: 'POST', form: { ...form.fields, ...fields }, ...(stopAt ? { stopAt } : {}) });
  }
}

interface Form {
  action: string;
  fields: Record<string, string>;
}


/** The forms of a server-rendered page: action and hidden/prefilled input values. */
export function findForms(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const action = /action="([^"]*)"/i.exec(match[1] ?? '')?.[1] ?? '';
    const fields: Record<string, string> = {};
    for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[1] ?? '')?.[1];
      const value = /value="([^"]*)"/i.exec(input[1] ?? '')?.[1];
      if (name && value !== undefined) fields[unesc(name)] = unesc(value);
    }
    forms.push({ action: unesc(action), fields });
  }
  return forms;
}
