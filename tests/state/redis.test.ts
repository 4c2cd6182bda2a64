/**
 * `--redis` (issue 18, item 2): two mocks on one redis-server answer as one tenant. Both run in this
 * process and share nothing but Redis (each has its own MockState, clock and oidc-provider).
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp, type TenantInput } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { API, codeFlow, refreshRequest, startAuthorize, submitLogin, tokenRequest, USERS, verify, APP } from '../helpers/oauth.js';
import { redisServerAvailable, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { tenantWith } from '../mock-idp/tenants.js';

/** Polls a condition another replica makes true (a pub/sub message away) for up to 5 s. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5_000; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error('the other replica never caught up');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!redisServerAvailable)('two mocks on one redis-server', () => {
  let server: RedisServer;
  let a: MockIdp;
  let b: MockIdp;
  /** B as the helpers see it: its own address (both advertise A's issuer, as replicas behind one name would). */
  let atB: MockIdp;
  let redis: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await startRedisServer();
    a = await startMockIdp({ port: 0, redis: server.url });
    b = await startMockIdp({ port: 0, issuer: a.issuer, redis: server.url });
    atB = { ...b, issuer: `http://localhost:${b.port}/`, jwksUri: `http://localhost:${b.port}/.well-known/jwks.json` } as MockIdp;
    redis = createClient({ url: server.url });
    await redis.connect();
  }, 30_000);

  afterAll(async () => {
    await redis?.close();
    await Promise.all([a?.close(), b?.close()]);
    await server?.stop();
  });

  it('refreshes on B a refresh token issued by a login on A, and B validates the result', async () => {
    const { tokens } = await codeFlow(a, USERS.alice);
    expect(tokens.status).toBe(200);
    const refreshed = await refreshRequest(atB, tokens.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const { payload } = await verify({ ...atB, issuer: a.issuer } as MockIdp, refreshed.body.access_token!, API);
    expect(payload.sub).toBe(a.tenant.users.find((u) => u.email === USERS.alice.username)!.sub);
  });

  it('gives exactly one success to 20 simultaneous uses of one refresh token across A and B', async () => {
    const { tokens } = await codeFlow(a, USERS.bob);
    const uses = await Promise.all(Array.from({ length: 20 }, (_, i) => refreshRequest(i % 2 ? atB : a, tokens.body.refresh_token!)));
    const statuses = uses.map((u) => u.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(uses.filter((u) => u.body.error === 'invalid_grant')).toHaveLength(19);
  });

  it("lets B exchange the token A just rotated again within the application's reuse interval, and only that one", async () => {
    const withInterval = (seconds: number) => (t: TenantInput) => {
      t.applications!.find((app) => app.clientId === APP.clientId)!.refreshToken = { ...t.applications!.find((app) => app.clientId === APP.clientId)!.refreshToken, reuseInterval: seconds };
    };
    await a.updateTenant(withInterval(60));
    try {
      await until(() => b.tenant.applications.find((app) => app.clientId === APP.clientId)!.refreshToken.reuseInterval === 60);
      const { tokens } = await codeFlow(a, USERS.alice);
      const first = tokens.body.refresh_token!;
      const second = await refreshRequest(a, first);
      expect((await refreshRequest(atB, first)).status).toBe(200);
      expect((await refreshRequest(atB, second.body.refresh_token!)).status).toBe(200);
      expect((await refreshRequest(atB, first)).status).toBe(403);
    } finally {
      await a.updateTenant(withInterval(0));
    }
  });

  it('revokes the family on B when A sees a rotated refresh token again', async () => {
    const { tokens } = await codeFlow(a, USERS.carol);
    const first = tokens.body.refresh_token!;
    const rotated = await refreshRequest(atB, first);
    expect(rotated.status).toBe(200);
    const reuse = await refreshRequest(a, first);
    expect([reuse.status, reuse.body.error]).toEqual([403, 'invalid_grant']);
    const newest = await refreshRequest(atB, rotated.body.refresh_token!);
    expect([newest.status, newest.body.error]).toEqual([403, 'invalid_grant']);
  });

  it('completes on B a login whose page A served (no sticky sessions needed: the form token is the same on both)', async () => {
    const browser = new HeadlessBrowser();
    const { page, verifier, redirectUri } = await startAuthorize(a, browser);
    const onB = { ...page, url: page.url.replace(a.baseUrl, atB.issuer.replace(/\/$/, '')) };
    const callback = await submitLogin(browser, onB, USERS.alice, redirectUri);
    const code = new URL(callback.url).searchParams.get('code');
    expect(code).toBeTruthy();
    const tokens = await tokenRequest(a, { grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
    expect(tokens.status).toBe(200);
  });

  it('logs a user created on B (admin API) in on A', async () => {
    const email = `dora-${randomBytes(3).toString('hex')}@example.com`;
    const created = await fetch(`${atB.issuer}_mock/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, name: 'Dora', password: 'Dora-pass-1234' }) });
    expect(created.status).toBe(201);
    await until(() => a.tenant.users.some((u) => u.email === email));
    const { tokens } = await codeFlow(a, { username: email, password: 'Dora-pass-1234' });
    expect(tokens.status).toBe(200);
  });

  it('keeps both edits when A and B create users at the same moment (the loser of the write merges and retries)', async () => {
    const tag = randomBytes(3).toString('hex');
    const create = (idp: MockIdp, i: number) =>
      fetch(`${idp.issuer}_mock/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `race-${tag}-${i}@example.com`, name: `Racer ${i}`, password: 'Race-pass-1234' }) });
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => create(i % 2 ? atB : a, i)));
    expect(answers.map((r) => r.status)).toEqual(Array(16).fill(201));
    const made = (idp: MockIdp) => idp.tenant.users.filter((u) => u.email.startsWith(`race-${tag}-`)).length;
    await until(() => made(a) === 16 && made(b) === 16);
  });

  it('answers one of two simultaneous creations of one email on A and B 409, and both keep the other', async () => {
    const email = `twin-${randomBytes(3).toString('hex')}@example.com`;
    const create = (idp: MockIdp) =>
      fetch(`${idp.issuer}_mock/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, name: 'Twin', password: 'Twin-pass-1234' }) });
    const answers = await Promise.all([create(a), create(atB)]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    // Refused by the merge (concurrent_change), or by the duplicate check when the other's user arrived first (conflict).
    const refused = (await answers.find((r) => r.status === 409)!.json()) as { error: string };
    expect(['concurrent_change', 'conflict']).toContain(refused.error);
    const kept = (idp: MockIdp) => idp.tenant.users.filter((u) => u.email === email).map((u) => u.sub);
    await until(() => kept(a).length === 1 && kept(b).length === 1 && kept(a)[0] === kept(b)[0]);
  });

  it('has a revocation made in process (idp.revokeUser) in Redis once idp.settled() resolves', async () => {
    const { tokens } = await codeFlow(a, USERS.bob);
    const family = `mock-idp:${a.issuer}:o:account:${a.tenant.users.find((u) => u.email === USERS.bob.username)!.sub}:grants`;
    expect(await redis.exists(family)).toBe(1);
    a.revokeUser(USERS.bob.username);
    await a.settled();
    expect(await redis.exists(family)).toBe(0);
    const refused = await refreshRequest(atB, tokens.body.refresh_token!);
    expect([refused.status, refused.body.error]).toEqual([403, 'invalid_grant']);
  });

  it("serves A's rotated signing key in B's JWKS, and B's tokens are signed with it", async () => {
    const keys = await a.rotateKeys();
    const active = keys.find((k) => k.status === 'active')!.kid;
    await until(async () => {
      const jwks = (await (await fetch(atB.jwksUri)).json()) as { keys: { kid: string }[] };
      return jwks.keys.some((k) => k.kid === active);
    });
    const { tokens } = await codeFlow(a, USERS.alice);
    const refreshed = await refreshRequest(atB, tokens.body.refresh_token!);
    const header = JSON.parse(Buffer.from(refreshed.body.access_token!.split('.')[0]!, 'base64url').toString()) as { kid: string };
    expect(header.kid).toBe(active);
  });

  it('gives every stored entry and index a TTL no longer than its lifetime', async () => {
    await codeFlow(a, USERS.alice);
    const prefix = `mock-idp:${a.issuer}:o:`;
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.some((k) => k.startsWith(`${prefix}RefreshToken:`))).toBe(true);
    const ttls = await Promise.all(keys.map(async (k) => [k, await redis.pTTL(k)] as const));
    expect(ttls.filter(([, ttl]) => ttl <= 0)).toEqual([]);
    const idle = a.tenant.applications.find((app) => app.clientId === 'sample-app')!.refreshToken.idleLifetime;
    for (const [key, ttl] of ttls) if (key.startsWith(`${prefix}RefreshToken:`)) expect(ttl).toBeLessThanOrEqual(idle * 1000);
  });

  it('answers 409 ERR_STATE_SHARED to a state export: the store is not one process', async () => {
    const response = await fetch(`${atB.issuer}_mock/state`);
    expect(response.status).toBe(409);
    expect(() => a.exportState()).toThrow(expect.objectContaining({ code: 'ERR_STATE_SHARED' }));
  });

  it('keeps tenants with other prefixes apart on the same server', async () => {
    const other = await startMockIdp({ port: 0, issuer: a.issuer, redis: server.url, redisPrefix: 'other-tenant:' });
    try {
      const { tokens } = await codeFlow(a, USERS.bob);
      const elsewhere = await refreshRequest({ ...other, issuer: `http://localhost:${other.port}/` } as MockIdp, tokens.body.refresh_token!);
      expect([elsewhere.status, elsewhere.body.error]).toEqual([403, 'invalid_grant']);
    } finally {
      await other.close();
    }
  });

  it('refuses to start, at once, when nothing answers at the redis URL', async () => {
    const started = Date.now();
    await expect(startMockIdp({ port: 0, redis: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ code: 'ERR_REDIS' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses redis together with a data directory', async () => {
    await expect(startMockIdp({ port: 0, redis: server.url, dataDir: '/nonexistent' })).rejects.toMatchObject({ code: 'ERR_REDIS_WITH_DATA_DIR' });
  });

  // Last: it moves the shared clock.
  it("expires on B a refresh token idle past its lifetime on A's advanced clock (the offset is shared)", async () => {
    const { tokens } = await codeFlow(a, USERS.alice);
    const idle = a.tenant.applications.find((app) => app.clientId === 'sample-app')!.refreshToken.idleLifetime;
    a.clock.advance(idle + 60);
    await until(() => b.clock.offset === a.clock.offset);
    const late = await refreshRequest(atB, tokens.body.refresh_token!);
    expect([late.status, late.body.error]).toEqual([403, 'invalid_grant']);
  });

  describe('organizations across replicas', () => {
    const ORG = 'org_acme1';
    let orgA: MockIdp;
    let orgB: MockIdp;
    let orgAtB: MockIdp;
    beforeAll(async () => {
      const tenant = tenantWith(() => undefined);
      const sampleApp = tenant.applications!.find((app) => app.clientId === APP.clientId)!;
      sampleApp.organizationUsage = 'allow';
      sampleApp.initiateLoginUri = 'https://app.example.test/login';
      tenant.organizations = [{ id: ORG, name: 'acme', members: [{ user: USERS.bob.username }] }];
      orgA = await startMockIdp({ port: 0, tenant, redis: server.url, redisPrefix: 'orgs:' });
      orgB = await startMockIdp({ port: 0, tenant, issuer: orgA.issuer, redis: server.url, redisPrefix: 'orgs:' });
      orgAtB = { ...orgB, issuer: `http://localhost:${orgB.port}/`, jwksUri: `http://localhost:${orgB.port}/.well-known/jwks.json` } as MockIdp;
    }, 30_000);
    afterAll(async () => {
      await Promise.all([orgA?.close(), orgB?.close()]);
    });

    it("keeps a login's organization for its refresh on B, and an invitation made on B works in a login on A", async () => {
      const { tokens } = await codeFlow(orgA, USERS.bob, { extra: { organization: ORG } });
      const refreshed = await refreshRequest(orgAtB, tokens.body.refresh_token!);
      expect(refreshed.status).toBe(200);
      expect((await verify(orgA, refreshed.body.access_token!, API)).payload.org_id).toBe(ORG);

      const invited = await fetch(`${orgAtB.issuer}_mock/organizations/${ORG}/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inviter: { name: 'Bob' }, invitee: { email: USERS.carol.username }, client_id: APP.clientId, send_invitation_email: false }),
      });
      expect(invited.status).toBe(201);
      const { ticket_id: ticket } = (await invited.json()) as { ticket_id: string };
      const { tokens: carol } = await codeFlow(orgA, USERS.carol, { extra: { organization: ORG, invitation: ticket } });
      expect(carol.status).toBe(200);
      expect((await verify(orgA, carol.body.access_token!, API)).payload.org_id).toBe(ORG);
    });
  });
});
