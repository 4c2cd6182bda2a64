import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { startMockIdp, type MockIdp, type TimelineEntry } from '../../mock-idp/index.js';
import { API, APP, codeFlow, refreshRequest, revokeRequest, USERS } from '../helpers/oauth.js';
import { app, tenantWith } from './tenants.js';

let idp: MockIdp;
beforeAll(async () => {
  // sample-app: its own ID token lifetime and refresh idle lifetime; the API: its own access token lifetime.
  const tenant = tenantWith((apps) => {
    const sample = app(apps, APP.clientId);
    sample.idTokenLifetime = 600;
    sample.refreshToken = { idleLifetime: 7200 };
  });
  tenant.apis = tenant.apis!.map((api) => (api.identifier === API ? { ...api, tokenLifetime: 300 } : api));
  idp = await startMockIdp({ port: 0, tenant });
});
afterAll(() => idp.close());
beforeEach(() => idp.reset());

type Timeline = { now: string; clockOffset: number; entries: TimelineEntry[] };
async function timeline(query = ''): Promise<{ status: number; body: Timeline }> {
  const response = await fetch(`${idp.issuer}_mock/timeline${query}`);
  return { status: response.status, body: (await response.json()) as Timeline };
}

const issued = (entries: TimelineEntry[], token: TimelineEntry['token']) => entries.filter((e) => e.kind === 'issued' && e.token === token);
const seconds = (iso: string | undefined) => Date.parse(iso ?? '') / 1000;

describe('GET /_mock/timeline', () => {
  it('shows a login: ID, access and refresh tokens of one family and session, each expiring by the setting it came from', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    expect(tokens.status).toBe(200);
    const { status, body } = await timeline();
    expect(status).toBe(200);
    expect(body.entries[0]).toMatchObject({ kind: 'login', clientId: APP.clientId, user: USERS.alice.username });
    const [id] = issued(body.entries, 'id_token');
    const [access] = issued(body.entries, 'access_token');
    const [refresh] = issued(body.entries, 'refresh_token');
    expect(id).toMatchObject({ clientId: APP.clientId, user: USERS.alice.username, lifetime: { seconds: 600, source: 'application', setting: 'applications["sample-app"].idTokenLifetime' } });
    expect(access).toMatchObject({ audience: API, lifetime: { seconds: 300, source: 'api', setting: `apis["${API}"].tokenLifetime` } });
    expect(refresh).toMatchObject({ lifetime: { seconds: 7200, source: 'application' }, refresh: { rotations: 0, absolute: { seconds: 2_592_000, source: 'default' } } });
    // One family, one session (the ID token's sid), and expiries that are iat + lifetime.
    expect(new Set([id!.family, access!.family, refresh!.family]).size).toBe(1);
    expect(id!.session).toBeTruthy();
    expect(access!.session).toBe(id!.session);
    for (const e of [id!, access!, refresh!]) expect(seconds(e.expiresAt) - seconds(e.issuedAt)).toBe(e.lifetime!.seconds);
    // The kid of the ID token's header.
    expect(id!.kid).toBe(decodeProtectedHeader(tokens.body.id_token!).kid);
  });

  it('shows a refresh rotation in the same family, then a reuse detection and the family it revoked', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    const first = tokens.body.refresh_token!;
    const rotated = await refreshRequest(idp, first);
    expect(rotated.status).toBe(200);
    const reused = await refreshRequest(idp, first);
    expect(reused.status).toBe(403);
    const { entries } = (await timeline()).body;
    const family = issued(entries, 'refresh_token')[0]!.family;
    expect(issued(entries, 'refresh_token').map((e) => [e.family, e.refresh?.rotations])).toEqual([[family, 0], [family, 1]]);
    const kinds = entries.filter((e) => e.family === family && e.kind !== 'issued').map((e) => e.kind);
    expect(kinds).toEqual(['rotated', 'reuse_detected', 'family_revoked']);
    expect(entries.find((e) => e.kind === 'family_revoked')).toMatchObject({ clientId: APP.clientId, sub: expect.stringMatching(/^auth0\|/) });
    // The refresh token's absolute end is the family's first issue + the absolute lifetime, not moved by rotation.
    const [r0, r1] = issued(entries, 'refresh_token');
    expect(r1!.refresh!.absoluteExpiresAt).toBe(r0!.refresh!.absoluteExpiresAt);
  });

  it('shows a revocation at /oauth/revoke as the family revoked, with what revoked it', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    expect((await revokeRequest(idp, tokens.body.refresh_token!)).status).toBe(200);
    const { entries } = (await timeline()).body;
    expect(entries.at(-1)).toMatchObject({ kind: 'family_revoked', family: issued(entries, 'refresh_token')[0]!.family, note: expect.stringContaining('/oauth/revoke') });
  });

  it('shows a logout at /v2/logout with the user it signed out', async () => {
    const { browser } = await codeFlow(idp, USERS.bob);
    const done = await browser.navigate(`${idp.issuer}v2/logout?client_id=${APP.clientId}&returnTo=${encodeURIComponent('http://localhost:3000')}`, { stopAt: 'http://localhost:3000' });
    expect(done.url.startsWith('http://localhost:3000')).toBe(true);
    const { entries } = (await timeline()).body;
    expect(entries.at(-1)).toMatchObject({ kind: 'logout', clientId: APP.clientId, user: USERS.bob.username, note: '/v2/logout' });
  });

  it('shows a key rotation, and tokens issued after it name the new kid', async () => {
    const before = idp.keys()[0]!.kid;
    await idp.rotateKeys();
    const { tokens } = await codeFlow(idp, USERS.bob);
    const { entries } = (await timeline()).body;
    const keys = entries.find((e) => e.kind === 'keys');
    expect(keys?.kid).toBeDefined();
    expect(keys!.kid).not.toBe(before);
    expect(issued(entries, 'access_token')[0]!.kid).toBe(keys!.kid);
    expect(decodeProtectedHeader(tokens.body.access_token!).kid).toBe(keys!.kid);
  });

  it('filters by user, client and session, and refuses a malformed since with 400', async () => {
    await codeFlow(idp, USERS.alice);
    await codeFlow(idp, USERS.bob);
    const bob = (await timeline(`?user=${encodeURIComponent(USERS.bob.username)}`)).body.entries;
    expect(bob.length).toBeGreaterThan(0);
    expect(bob.every((e) => e.user === USERS.bob.username)).toBe(true);
    const session = issued(bob, 'id_token')[0]!.session!;
    const ofSession = (await timeline(`?session=${encodeURIComponent(session)}`)).body.entries;
    expect(ofSession.map((e) => e.token).sort()).toEqual(['access_token', 'id_token', 'refresh_token']);
    expect((await timeline('?client=nobody')).body.entries).toEqual([]);
    expect(idp.timeline({ user: USERS.alice.username }).every((e) => e.user === USERS.alice.username)).toBe(true);
    const bad = await timeline('?since=-1');
    expect([bad.status, (bad.body as unknown as { error: string }).error]).toEqual([400, 'invalid_request']);
  });

  it('reports the mock clock, and a time jump, so that a reader can tell what has expired', async () => {
    idp.clock.advance('1h');
    const { body } = await timeline();
    expect(body.clockOffset).toBe(3600);
    expect(Date.parse(body.now) - Date.now()).toBeGreaterThan(3_500_000);
    expect(body.entries.map((e) => e.kind)).toEqual(['clock']);
  });
});
