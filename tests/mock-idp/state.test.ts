/**
 * MockState swaps in a new tenant only when every registered rebuild (the
 * oidc-provider instance, anything else built from the tenant) succeeded for it:
 * a refused rebuild changes nothing, neither the tenant nor the live builds.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../mock-idp/core/directory.js';
import { readKeyFile } from '../../mock-idp/core/keys.js';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';
import { MockState, type Rebuild } from '../../mock-idp/core/state.js';
import { parseTenant, TenantConfigError } from '../../mock-idp/core/tenant/load.js';
import { createUser, passwordlessSignIn, signInSocialIdentity } from '../../mock-idp/core/tenant/edits.js';
import type { TenantInput, User } from '../../mock-idp/core/tenant/schema.js';
import { createApp } from '../../mock-idp/http/app.js';
import type { AdminTools } from '../../mock-idp/http/admin/routes.js';
import { listen, type Listening } from '../../mock-idp/http/listen.js';
import { oidcViews } from '../../mock-idp/http/views/index.js';
import { OidcHost } from '../../mock-idp/oidc/host.js';
import { loginForTokens } from '../../mock-idp/tools/headless/index.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { fixtureTenant } from './tenants.js';

/** A tenant with this name is refused by the `refusing` rebuild below. */
const REFUSED_NAME = 'refused at rebuild';

class RefusedBuild extends Error {}

/** A rebuild that records what it built and which build is live (its commit ran). */
function recordingRebuild() {
  const record = { built: [] as Directory[], live: undefined as Directory | undefined };
  const rebuild: Rebuild = (directory) => {
    record.built.push(directory);
    return () => {
      record.live = directory;
    };
  };
  return { rebuild, record };
}

const refusing: Rebuild = (directory) => {
  if (directory.tenant.name === REFUSED_NAME) throw new RefusedBuild();
  return () => {};
};

function newState(): MockState {
  return new MockState('http://localhost:4000/', parseTenant(fixtureTenant()), readKeyFile(PACKAGE_PATHS.devKeys));
}

describe('MockState.replaceTenant when a rebuild throws', () => {
  it('throws, and keeps the tenant, the directory and the earlier build of every builder live', () => {
    const state = newState();
    const first = recordingRebuild();
    const last = recordingRebuild();
    // The refusing builder sits between two others: the first has already built for the new tenant when it throws.
    state.onRebuild(first.rebuild);
    state.onRebuild(refusing);
    state.onRebuild(last.rebuild);
    const directory = state.directory;
    const tenant = state.tenant;
    expect(first.record.live).toBe(directory);

    expect(() => state.replaceTenant({ ...fixtureTenant(), name: REFUSED_NAME })).toThrow(RefusedBuild);

    expect(state.directory).toBe(directory);
    expect(state.tenant).toBe(tenant);
    expect(first.record.built).toHaveLength(2);
    expect(first.record.built[1]!.tenant.name).toBe(REFUSED_NAME);
    expect(first.record.live).toBe(directory);
    expect(last.record.built).toHaveLength(1);
    expect(last.record.live).toBe(directory);
    expect(state.events.list().filter((e) => e.type === 'tenant.updated')).toEqual([]);
  });

  it('applies the next tenant every builder accepts, in every builder', () => {
    const state = newState();
    const builder = recordingRebuild();
    state.onRebuild(builder.rebuild);
    state.onRebuild(refusing);
    expect(() => state.replaceTenant({ ...fixtureTenant(), name: REFUSED_NAME })).toThrow(RefusedBuild);

    const tenant = state.replaceTenant({ ...fixtureTenant(), name: 'accepted' });
    expect(state.tenant).toBe(tenant);
    expect(tenant.name).toBe('accepted');
    expect(builder.record.live).toBe(state.directory);
    expect(state.events.list().filter((e) => e.type === 'tenant.updated')).toHaveLength(1);
  });
});

const NEW_USER = { sub: 'auth0|frank', email: 'frank@example.com', password: 'frank-pass', name: 'Frank', roles: ['viewer'] };

interface AdminAnswer<T> {
  status: number;
  body: T;
}

async function admin<T = Record<string, unknown>>(issuer: string, method: string, path: string, body?: unknown): Promise<AdminAnswer<T>> {
  const response = await fetch(new URL(`_mock/${path}`, issuer), {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('POST /_mock/users with a user the tenant update refuses', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0 });
  });
  afterAll(() => idp.close());

  it('answers 400 invalid_request to an invalid user and leaves the user list unchanged', async () => {
    const before = await admin<{ users: User[] }>(idp.issuer, 'GET', 'users');
    for (const invalid of [{ ...NEW_USER, email: 'not-an-email' }, { ...NEW_USER, roles: ['no-such-role'] }, { ...NEW_USER, password: 42 }]) {
      const answer = await admin<{ error: string }>(idp.issuer, 'POST', 'users', invalid);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_request');
    }
    expect(await admin(idp.issuer, 'GET', 'users')).toEqual(before);
    expect((await admin(idp.issuer, 'GET', `users/${encodeURIComponent(NEW_USER.email)}`)).status).toBe(404);
  });
});

describe('POST /_mock/users when a rebuild refuses the new tenant (a mock assembled from its layers)', () => {
  /** A user the schema accepts; the extra rebuild below refuses any tenant holding it, as a builder refuses a tenant it cannot serve. */
  const REFUSED_USER = { ...NEW_USER, sub: 'auth0|refused-at-rebuild', email: 'refused@example.com' };
  let listening: Listening;
  let state: MockState;
  let oidc: OidcHost;
  let issuer: string;

  beforeAll(async () => {
    let handler: Parameters<typeof listen>[0] = (_req, res) => res.end();
    listening = await listen((req, res) => handler(req, res), 'localhost', 0);
    issuer = `http://localhost:${listening.port}/`;
    state = new MockState(issuer, parseTenant(fixtureTenant()), readKeyFile(PACKAGE_PATHS.devKeys));
    // Registered first, as in startMockIdp: by the time the refusing rebuild throws, the oidc layer has accepted the new directory (a user alone builds no new provider).
    oidc = new OidcHost(state, oidcViews);
    state.onRebuild((directory) => {
      if (directory.findUser(REFUSED_USER.sub)) throw new TenantConfigError('tenant update', [{ path: '$.users', message: 'refused by a rebuild' }]);
      return () => {};
    });
    const unused = async () => {
      throw new Error('not used by this test');
    };
    const tools: AdminTools = { mintToken: unused, explainToken: unused, explainTokenHtml: unused, faults: unused, planLoginFault: unused, forgeLogoutToken: unused };
    handler = createApp(state, oidc, { tools }).callback();
  });
  afterAll(() => listening.close());

  it('answers 400 invalid_request, keeps the user list and the live oidc-provider instance, and still serves', async () => {
    const users = await admin<{ users: User[] }>(issuer, 'GET', 'users');
    const provider = oidc.provider;
    const tenant = state.tenant;

    const answer = await admin<{ error: string }>(issuer, 'POST', 'users', REFUSED_USER);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');

    expect(await admin(issuer, 'GET', 'users')).toEqual(users);
    expect(state.tenant).toBe(tenant);
    expect(oidc.provider).toBe(provider);
    const discovery = await fetch(`${issuer}.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer);
  });

  it('still applies a user every rebuild accepts, with no new oidc-provider instance (a user is no provider change), who logs in', async () => {
    const provider = oidc.provider;
    const created = await admin<User>(issuer, 'POST', 'users', NEW_USER);
    expect(created.status).toBe(201);
    expect(state.directory.findUser(NEW_USER.email)?.sub).toBe(NEW_USER.sub);
    expect(oidc.provider).toBe(provider);
    const tokens = await loginForTokens(issuer, state.directory, { user: NEW_USER.email });
    expect(typeof tokens.access_token).toBe('string');
  });

  it('builds no new oidc-provider for a first social or passwordless login, and a new one for an application or a new custom claim', async () => {
    const provider = oidc.provider;
    expect(signInSocialIdentity(state, 'google-oauth2', { email: 'first.googler@gmail.example', emailVerified: true }).created).toBe(true);
    expect(passwordlessSignIn(state, 'email', 'first.code@example.com')).toMatch(/^email\|/);
    expect(oidc.provider).toBe(provider);

    createUser(state, { email: 'claimed@example.com', name: 'Claimed', password: 'claimed-pass', claims: { 'https://example.com/tier': 'gold' } });
    const withClaim = oidc.provider;
    expect(withClaim).not.toBe(provider);
    state.replaceTenant({ ...(structuredClone(state.tenant) as TenantInput), applications: [...state.tenant.applications, { clientId: 'another-app', name: 'Another', appType: 'spa', callbacks: ['http://localhost:5174'] }] });
    expect(oidc.provider).not.toBe(withClaim);
  });
});

describe('a key change whose rebuild is refused', () => {
  it('puts the keys back as they were: the same kids, the same active key', async () => {
    const state = new MockState('http://localhost:4000/', parseTenant(JSON.parse(readFileSync(PACKAGE_PATHS.defaultTenant, 'utf8'))), readKeyFile(PACKAGE_PATHS.devKeys));
    let refuse = false;
    state.onRebuild(() => {
      if (refuse) throw new Error('refused');
      return () => {};
    });
    await state.rotateKeys();
    await state.publishNextKey();
    const before = state.keys.list();
    expect(before.map((k) => k.status)).toEqual(['active', 'next', 'published']);
    refuse = true;
    await expect(state.rotateKeys()).rejects.toThrow('refused');
    expect(() => state.retireKey()).toThrow('refused');
    expect(() => state.reset()).toThrow('refused');
    expect(state.keys.list()).toEqual(before);
  });
});
