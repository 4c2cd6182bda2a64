/**
 * How the harness drives the IdP the API trusts: mint tokens (good or faulty)
 * and change the published keys. Two implementations share one interface, so
 * the runner is the same in-process and against a running mock over HTTP.
 */
import { MockIdpError } from '../core/errors.js';
import type { KeyInfo, MintRequest, MockEvent, MockIdp, PrivateJwk, StateSnapshot } from '../start.js';
import type { ForgedLogoutToken, LogoutTokenFault } from '../tools/faults/index.js';
import type { LoginFaultId } from '../tools/faults/index.js';
import { ConformanceSetupError, MintRefusedError } from './errors.js';

export interface IdpDriver {
  /** The issuer, exactly as tokens carry it. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** A signed token for the request (a fault preset with `fault`); MintRefusedError when the IdP refuses the request. */
  mint(request: MintRequest): Promise<string>;
  /** The user tokens are minted for when none is given: the tenant's first user. */
  defaultUser(): Promise<string>;
  keys(): Promise<KeyInfo[]>;
  /** Publishes a next key without signing with it (kept when one is pending). */
  publishNextKey(): Promise<KeyInfo[]>;
  /** Signs with `key` from now on (published with it), else with the next key, else a new one. */
  rotateKeys(key?: PrivateJwk): Promise<KeyInfo[]>;
  /** Removes a published key, or an unparseable one, from the JWKS. */
  retireKey(kid: string): Promise<KeyInfo[]>;
  /** Publishes a key no client can parse beside the real ones, until `retireKey(kid)` (RP-14); absent when the IdP cannot. */
  publishUnparseableKey?(): Promise<{ kid: string }>;
  /** The key ring with its private keys, to put back with `restoreKeys` after a run rotated it; absent when the IdP cannot. */
  snapshotKeys?(): Promise<KeyRingSnapshot>;
  restoreKeys?(snapshot: KeyRingSnapshot): Promise<KeyInfo[]>;
  /** How often the JWKS was fetched so far; undefined when the IdP cannot tell. */
  jwksFetches(): Promise<number | undefined>;
  /** Plants a fault into the one login of `clientId` whose authorization carries `state` (the login-app harness). */
  planLoginFault(plan: { state: string; clientId: string; nonce?: string; codeChallenge?: string; fault: LoginFaultId }): Promise<void>;
  /** A back-channel logout token (valid or with one fault) for a session at `clientId`, and where to POST it (RP-24); absent when the IdP cannot forge them. */
  forgeLogoutToken?(request: { clientId: string; sub?: string; sid?: string; fault: LogoutTokenFault }): Promise<ForgedLogoutToken>;
  /** The mock's events after `since` (their `seq`). */
  events(since?: number): Promise<MockEvent[]>;
  /** Stops what the driver started (a mock-idp started for the run); a no-op otherwise. */
  close(): Promise<void>;
}

/** A mock-idp's key ring as its state export holds it. */
export type KeyRingSnapshot = StateSnapshot['keys'];

const unreachable = (message: string) => new ConformanceSetupError('ERR_IDP_UNREACHABLE', message);

function firstUser(users: ReadonlyArray<{ email: string }>): string {
  const user = users[0];
  if (!user) throw new ConformanceSetupError('ERR_OPTIONS', 'the tenant has no users to mint tokens for: add one, or pass a user');
  return user.email;
}

/** Drives a mock-idp of this process through its handle. */
export function inProcessDriver(idp: MockIdp, options: { closeOnEnd?: boolean } = {}): IdpDriver {
  return {
    issuer: idp.issuer,
    jwksUri: idp.jwksUri,
    mint: async (request) => {
      try {
        return (await idp.mintToken(request)).token;
      } catch (err) {
        if (err instanceof MockIdpError) throw new MintRefusedError(err.message);
        throw err;
      }
    },
    defaultUser: async () => firstUser(idp.tenant.users),
    keys: async () => idp.keys(),
    publishNextKey: () => idp.publishNextKey(),
    rotateKeys: (key) => idp.rotateKeys(key),
    retireKey: async (kid) => idp.retireKey(kid),
    publishUnparseableKey: async () => idp.publishUnparseableKey(),
    snapshotKeys: async () => idp.exportKeys(),
    restoreKeys: async (snapshot) => idp.restoreKeys(snapshot),
    jwksFetches: async () => idp.jwksFetches(),
    planLoginFault: async (plan) => {
      await idp.planLoginFault(plan);
    },
    forgeLogoutToken: (request) => idp.forgeLogoutToken(request),
    events: async (since) => idp.events(since),
    close: async () => {
      if (options.closeOnEnd) await idp.close();
    },
  };
}

/** Drives a running mock-idp through its admin API (`<issuer>_mock/`). */
export async function httpDriver(issuer: string, options: { adminToken?: string; timeoutMs?: number } = {}): Promise<IdpDriver> {
  const base = issuer.endsWith('/') ? issuer : `${issuer}/`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(`_mock/${path}`, base).href;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.adminToken !== undefined ? { authorization: `Bearer ${options.adminToken}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw unreachable(`cannot reach the mock-idp at ${url} (${cause}): is it running with issuer ${issuer}?`);
    }
    const text = await response.text();
    const errorOf = () => {
      try {
        const { error, error_description: description } = JSON.parse(text) as { error?: string; error_description?: string };
        return description !== undefined ? `${error ? `${error}: ` : ''}${description}` : text;
      } catch {
        return text; // not JSON: keep the text
      }
    };
    if ((response.status === 400 || response.status === 404) && path === 'tokens') throw new MintRefusedError(`the mock-idp refused to mint: ${errorOf()}`);
    // The mock answered, and refused what the harness asked (a plan, a key): its error, not "unreachable".
    if (response.status === 400 || (response.status === 404 && response.headers.get('content-type')?.includes('json') === true && errorOf() !== text)) {
      throw new ConformanceSetupError('ERR_IDP_REFUSED', `the mock-idp refused ${method} ${url}: ${response.status} ${errorOf().slice(0, 300)}`);
    }
    if (!response.ok) {
      const hint = response.status === 401 ? ' (pass its admin token)' : response.status === 404 ? ' (is this a mock-idp?)' : '';
      throw unreachable(`${method} ${url} answered ${response.status}: ${text.slice(0, 200)}${hint}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw unreachable(`${method} ${url} answered something other than JSON: is this a mock-idp?`);
    }
  }

  const health = await call<{ issuer?: string }>('GET', 'health');
  const served = health.issuer;
  if (typeof served !== 'string' || served.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw unreachable(`the mock-idp at ${base} has the issuer ${JSON.stringify(served)}, not ${JSON.stringify(issuer)}`);
  }
  return {
    // tokens carry the mock's issuer exactly (Auth0's trailing slash included)
    issuer: served,
    jwksUri: `${base}.well-known/jwks.json`,
    mint: async (request) => (await call<{ token: string }>('POST', 'tokens', request)).token,
    defaultUser: async () => firstUser((await call<{ users: Array<{ email: string }> }>('GET', 'users')).users),
    keys: async () => (await call<{ keys: KeyInfo[] }>('GET', 'keys')).keys,
    publishNextKey: async () => (await call<{ keys: KeyInfo[] }>('POST', 'keys/publish', {})).keys,
    rotateKeys: async (key) => (await call<{ keys: KeyInfo[] }>('POST', 'keys/rotate', key ? { key } : {})).keys,
    retireKey: async (kid) => (await call<{ keys: KeyInfo[] }>('POST', 'keys/retire', { kid })).keys,
    publishUnparseableKey: () => call<{ kid: string }>('POST', 'keys/unparseable', {}),
    snapshotKeys: () => call<KeyRingSnapshot>('GET', 'keys/snapshot'),
    restoreKeys: async (snapshot) => (await call<{ keys: KeyInfo[] }>('POST', 'keys/restore', snapshot)).keys,
    jwksFetches: async () => (await call<{ jwksFetches?: number }>('GET', 'keys')).jwksFetches,
    planLoginFault: async (plan) => {
      await call('POST', 'login-faults', plan);
    },
    forgeLogoutToken: (request) => call<ForgedLogoutToken>('POST', 'logout-tokens', request),
    events: async (since = 0) => (await call<{ events: MockEvent[] }>('GET', `events?since=${since}`)).events,
    close: async () => undefined,
  };
}

export function isIdpDriver(value: MockIdp | IdpDriver): value is IdpDriver {
  return typeof (value as IdpDriver).mint === 'function';
}
