/**
 * One running mock for a fuzz group, with the real values a request may name
 * (tokens, a device code, a logged-in session, interaction uids and their cookies),
 * all obtained through the public API and plain HTTP.
 */
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { send, type RawAnswer, type RawRequest } from './raw-http.js';

const API = 'https://api.example.com';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Cookies by name, as a browser that ignores paths would keep them. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(answer: RawAnswer): void {
    const set = answer.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

export interface Interaction {
  uid: string;
  jar: Jar;
}

export class World {
  /** Values of the placeholders; `$UID` and `$CONSENT_UID` are made fresh for each request that names them. */
  readonly values = new Map<string, string>();
  /** The session of a logged-in browser (alice), used as `$JAR`. */
  readonly browser = new Jar();
  private uids: string[] = [];

  private constructor(readonly idp: MockIdp) {}

  static async start(): Promise<World> {
    const idp = await startMockIdp({ port: 0 });
    // The device flow for the SPA, and a consent page for it (a third-party app).
    await idp.updateTenant((draft) => {
      const spa = draft.applications!.find((a) => a.clientId === 'sample-spa')!;
      spa.grantTypes = ['authorization_code', 'refresh_token', DEVICE_CODE];
      spa.firstParty = false;
      // A Management API client, so the fuzz reaches past its token check.
      const worker = draft.applications!.find((a) => a.clientId === 'orders-worker')!;
      worker.clientGrants = [...(worker.clientGrants ?? []), { audience: '/api/v2/', permissions: ['read:users', 'update:users', 'create:users', 'delete:users', 'read:roles', 'create:roles', 'update:roles', 'delete:roles', 'read:role_members', 'create:role_members', 'read:resource_servers', 'read:clients', 'create:user_tickets'] }];
    });
    const world = new World(idp);
    await world.prepare();
    return world;
  }

  get port(): number {
    return this.idp.port;
  }

  close(): Promise<void> {
    return this.idp.close();
  }

  private async prepare(): Promise<void> {
    const v = this.values;
    const user = await this.idp.loginForTokens({ user: 'alice@example.com', clientId: 'sample-app', audience: API });
    v.set('$ACCESS_TOKEN', user.access_token);
    v.set('$ID_TOKEN', user.id_token ?? '');
    v.set('$REFRESH_TOKEN', user.refresh_token ?? '');
    const opaque = await this.idp.loginForTokens({ user: 'bob@example.com', clientId: 'sample-app', scope: 'openid profile email offline_access' });
    v.set('$OPAQUE_TOKEN', opaque.access_token);
    v.set('$REFRESH_TOKEN_2', opaque.refresh_token ?? '');
    v.set('$M2M_TOKEN', (await this.idp.mintToken({ client: 'orders-worker', audience: API })).token);
    v.set('$MGMT_TOKEN', (await this.idp.mintToken({ client: 'orders-worker', audience: `${this.idp.issuer}api/v2/` })).token);
    v.set('$FORGED_TOKEN', (await this.idp.mintToken({ user: 'alice@example.com', audience: API, fault: 'RS-13' })).token);
    v.set('$KID', this.idp.keys()[0]?.kid ?? 'none');

    const device = await this.request({ method: 'POST', path: '/oauth/device/code', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(`client_id=sample-spa&scope=openid%20offline_access&audience=${encodeURIComponent(API)}`) });
    const codes = JSON.parse(device.preview) as { device_code?: string; user_code?: string };
    v.set('$DEVICE_CODE', codes.device_code ?? 'none');
    v.set('$USER_CODE', codes.user_code ?? 'none');

    // A logged-in browser: its session cookie, and the code it was given.
    const first = await this.interaction('login', this.browser);
    const { code } = await this.login(first);
    v.set('$AUTH_CODE', code ?? 'none');
    this.refreshCookies();
    v.set('$STALE_UID', first.uid);
  }

  private refreshCookies(): void {
    const c = this.browser.cookies;
    this.values.set('$SESSION', c.get('mockidp_session') ?? '');
    this.values.set('$SESSION_SIG', c.get('mockidp_session.sig') ?? '');
    this.values.set('$JAR', this.browser.header());
  }

  async request(req: RawRequest): Promise<RawAnswer> {
    return send(this.port, req);
  }

  /** Starts a login at /authorize (sample-app, or the SPA with PKCE for a consent page) and follows it to its interaction. */
  async interaction(kind: 'login' | 'consent', jar = new Jar()): Promise<Interaction> {
    // Carol consents: forget her grants first, or the SPA would not ask again; and lift a brute-force block the fuzzing may have caused.
    if (kind === 'consent') {
      this.idp.revokeUser('carol@example.com');
      this.idp.unblockUser('carol@example.com');
    }
    const query =
      kind === 'login'
        ? 'client_id=sample-app&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid'
        : `client_id=sample-spa&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A5173&scope=openid%20read%3Aorders&audience=${encodeURIComponent(API)}&code_challenge=${'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'}&code_challenge_method=S256`;
    const answer = await this.request({ method: 'GET', path: `/authorize?${query}`, headers: { Cookie: jar.header() } });
    jar.take(answer);
    const uid = /^\/interaction\/([^/?#]+)/.exec(String(answer.headers.location ?? ''))?.[1];
    if (!uid) throw new Error(`fuzz setup: /authorize did not lead to an interaction (${answer.status} ${String(answer.headers.location)})`);
    const interaction = { uid, jar };
    if (kind === 'consent') {
      const next = await this.login(interaction, 'carol@example.com', 'carol-pass');
      if (!next.uid) throw new Error('fuzz setup: no consent interaction after the login');
      return { uid: next.uid, jar };
    }
    return interaction;
  }

  /** Logs in at an interaction and follows the redirects: to a next interaction (consent) or to the callback's code. */
  async login(at: Interaction, username = 'alice@example.com', password = 'alice-pass'): Promise<{ uid?: string; code?: string }> {
    this.idp.unblockUser(username);
    const posted = await this.request({
      method: 'POST',
      path: `/interaction/${at.uid}/login`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: at.jar.header() },
      body: Buffer.from(new URLSearchParams({ username, password, _csrf: await this.csrfToken(at) }).toString()),
    });
    at.jar.take(posted);
    // The mock's own redirects are absolute (built from Host): follow those, stop at the app's callback.
    const local = (answer: RawAnswer) => String(answer.headers.location ?? '').replace(/^http:\/\/(127\.0\.0\.1|localhost):(\d+)(?=\/)/, (m, _h, port: string) => (Number(port) === this.port ? '' : m));
    let location = local(posted);
    for (let hops = 0; hops < 6 && location.startsWith('/'); hops++) {
      const uid = /^\/interaction\/([^/?#]+)/.exec(location)?.[1];
      if (uid) {
        // A first-party app's consent is granted by opening its page.
        const page = await this.request({ method: 'GET', path: location, headers: { Cookie: at.jar.header() } });
        at.jar.take(page);
        if (page.status !== 303) return { uid };
        location = local(page);
        continue;
      }
      const next = await this.request({ method: 'GET', path: location, headers: { Cookie: at.jar.header() } });
      at.jar.take(next);
      location = local(next);
    }
    const code = /[?&]code=([^&]+)/.exec(location)?.[1];
    return code ? { code: decodeURIComponent(code) } : {};
  }

  /** The CSRF token of an interaction's forms (the hidden `_csrf` field of its page). */
  async csrfToken(at: Interaction): Promise<string> {
    // The whole page (a raw answer keeps only the start of its body).
    const page = await fetch(`http://127.0.0.1:${this.port}/interaction/${at.uid}`, { headers: { Cookie: at.jar.header() }, redirect: 'manual' });
    const token = /name="_csrf" value="([^"]*)"/.exec(await page.text())?.[1];
    if (!token) throw new Error(`fuzz setup: no CSRF token on the page of interaction ${at.uid} (${page.status})`);
    return token;
  }

  /** Fills the placeholders a request names; `$UID` / `$CONSENT_UID` start a new login for it. */
  async resolverFor(text: string): Promise<(s: string) => string> {
    const values = new Map(this.values);
    const fresh = async (name: string, kind: 'login' | 'consent') => {
      if (!text.includes(name)) return;
      const found = await this.interaction(kind);
      values.set(name, found.uid);
      // `$CSRF` / `$CONSENT_CSRF`: the token of that interaction's forms.
      const csrfName = name === '$UID' ? '$CSRF' : '$CONSENT_CSRF';
      if (text.includes(csrfName)) values.set(csrfName, await this.csrfToken(found));
      values.set('$INTERACTION', found.jar.cookies.get('mockidp_interaction') ?? '');
      values.set('$INTERACTION_SIG', found.jar.cookies.get('mockidp_interaction.sig') ?? '');
      values.set('$JAR', [this.browser.header(), found.jar.header()].filter(Boolean).join('; '));
      this.uids.push(found.uid);
      if (this.uids.length > 50) this.uids.shift();
    };
    await fresh('$UID', 'login');
    await fresh('$CONSENT_UID', 'consent');
    if (this.uids.length && text.includes('$STALE_UID')) values.set('$STALE_UID', this.uids[text.length % this.uids.length]!);
    if (!values.has('$INTERACTION')) {
      values.set('$INTERACTION', 'none');
      values.set('$INTERACTION_SIG', 'none');
    }
    const names = [...values.keys()].sort((a, b) => b.length - a.length);
    const pattern = new RegExp(names.map((n) => n.replace(/\$/g, '\\$')).join('|'), 'g');
    return (s) => (s.includes('$') ? s.replace(pattern, (name) => values.get(name) ?? name) : s);
  }
}
