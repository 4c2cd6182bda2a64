/**
 * One login through the app under test, step by step, with a fresh cookie jar:
 * the app's login URL up to its authorization request (read, not yet sent), the
 * mock's login page (the user's one-click form), the mock's answer (a redirect
 * or an auto-submitting form_post page) held back as the callback, then the
 * callback delivered to the app and its protected page asked for.
 */
import { findForms, HeadlessBrowser, type Page } from '../../tools/headless/index.js';
import type { Answer } from '../types.js';

export interface Callback {
  url: string;
  method: 'GET' | 'POST';
  /** The form_post fields, or the query of a GET callback. */
  params: Record<string, string>;
}

export interface Authorization {
  url: URL;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  responseType: string;
  codeChallengeMethod: string | undefined;
}

export class LoginError extends Error {
  constructor(
    message: string,
    readonly page?: Page,
  ) {
    super(message);
  }
}

export interface LoginTarget {
  loginUrl: string;
  protectedUrl: string;
  issuer: string;
  user: string;
  ca?: string;
}

const param = (url: URL, name: string) => url.searchParams.get(name) ?? undefined;

/** The message of the mock's error page (http/views/message-page.ts shows the error code). */
function pageError(page: Page): string | undefined {
  return /\b(invalid_[a-z_]+|unauthorized_client|access_denied|unsupported_response_type|login_required)\b/.exec(page.body)?.[1];
}

/** What the app answered: its status, the first place it redirected the browser to, the start of its page. */
export function appAnswer(landed: Page, ms: number): Answer {
  const location = landed.hops[1];
  return { kind: 'response', status: landed.response.status, wwwAuthenticate: [], body: landed.body.slice(0, 500), ...(location !== undefined ? { location } : {}), ms };
}

export class AppLogin {
  readonly browser: HeadlessBrowser;

  constructor(readonly target: LoginTarget) {
    this.browser = new HeadlessBrowser(target.ca !== undefined ? { ca: target.ca } : {});
  }

  get authorizeUrl(): string {
    return `${this.target.issuer}authorize`;
  }

  /** Opens the login URL and stops at the authorization request the app sends the browser to. */
  async start(): Promise<Authorization> {
    const page = await this.browser.navigate(this.target.loginUrl, { stopAt: this.authorizeUrl });
    if (!page.url.startsWith(this.authorizeUrl)) {
      const elsewhere = page.hops.find((h) => h.includes('/authorize'));
      throw new LoginError(
        elsewhere
          ? `the login URL sent the browser to ${elsewhere.split('?')[0]}, not to this mock's ${this.authorizeUrl}: point the app's issuer at ${this.target.issuer}`
          : `the login URL did not lead to an authorization request (it answered ${page.response.status} at ${page.url}): check --login-url`,
        page,
      );
    }
    const url = new URL(page.url);
    return {
      url,
      clientId: param(url, 'client_id') ?? '',
      redirectUri: param(url, 'redirect_uri') ?? '',
      state: param(url, 'state'),
      nonce: param(url, 'nonce'),
      codeChallenge: param(url, 'code_challenge'),
      responseType: param(url, 'response_type') ?? '',
      codeChallengeMethod: param(url, 'code_challenge_method'),
    };
  }

  /** Signs the user in at the mock and returns its answer to the app, without delivering it. */
  async authorize(authorization: Authorization): Promise<Callback> {
    const stopAt = authorization.redirectUri;
    let page = await this.browser.navigate(authorization.url.href, { stopAt });
    for (let step = 0; step < 3 && page.url.includes('/interaction/'); step++) {
      const forms = findForms(page.body);
      const login = forms.find((f) => f.action.endsWith('/login') && f.fields.username?.toLowerCase() === this.target.user.toLowerCase());
      const consent = forms.find((f) => f.action.endsWith('/consent'));
      const form = login ?? consent;
      if (!form) {
        const fresh = forms.some((f) => f.action.endsWith('/login'));
        throw new LoginError(fresh ? `the mock's login page offers no one-click sign-in for "${this.target.user}": pass --user with the email of a tenant user` : `unexpected page at ${page.url}`, page);
      }
      page = await this.browser.navigate(new URL(form.action, page.url).href, { method: 'POST', form: form.fields, stopAt });
    }
    if (page.url.startsWith(stopAt)) {
      return { url: page.url, method: 'GET', params: Object.fromEntries(new URL(page.url).searchParams) };
    }
    const post = findForms(page.body).find((f) => f.action.startsWith(stopAt));
    if (post) return { url: post.action, method: 'POST', params: post.fields };
    const error = pageError(page);
    throw new LoginError(`the mock refused the authorization request (${page.response.status}${error ? ` ${error}` : ''} at ${page.url.split('?')[0]})`, page);
  }

  /** Delivers a callback (possibly altered) to the app, as the browser would, and follows the app's redirects. */
  deliver(callback: Callback, browser: HeadlessBrowser = this.browser): Promise<Page> {
    if (callback.method === 'POST') return browser.navigate(callback.url, { method: 'POST', form: callback.params, stopAt: this.authorizeUrl });
    const url = new URL(callback.url);
    url.search = new URLSearchParams(callback.params).toString();
    return browser.navigate(url.href, { stopAt: this.authorizeUrl });
  }

  /** Asks for the protected page: a 2xx there (not a redirect to the mock) means the app holds a session. */
  async protectedPage(browser: HeadlessBrowser = this.browser): Promise<{ page: Page; accepted: boolean }> {
    const page = await browser.navigate(this.target.protectedUrl, { stopAt: this.authorizeUrl });
    const accepted = page.response.status >= 200 && page.response.status < 300 && !page.url.startsWith(this.target.issuer);
    return { page, accepted };
  }
}
