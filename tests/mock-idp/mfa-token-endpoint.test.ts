/** MFA through the token endpoint: the password grant's 403 mfa_required, Auth0's /mfa API and the mfa-otp, mfa-oob and mfa-recovery-code grants. */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS, startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, tokenRequest, USERS, verify } from '../helpers/oauth.js';
import { app, tenantWith } from './tenants.js';

const ALICE_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const GRANT = {
  otp: 'http://auth0.com/oauth/grant-type/mfa-otp',
  oob: 'http://auth0.com/oauth/grant-type/mfa-oob',
  recovery: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
} as const;

let idp: MockIdp;
beforeAll(async () => {
  const tenant = tenantWith((apps) => {
    const sample = app(apps, APP.clientId);
    sample.grantTypes = ['authorization_code', 'refresh_token', 'password', ...Object.values(GRANT)];
  });
  tenant.mfa = { policy: 'always' };
  tenant.users = tenant.users!.map((u) => (u.email === USERS.alice.username ? { ...u, mfa: { otp: { secret: ALICE_SECRET } } } : u));
  idp = await startMockIdp({ port: 0, tenant });
});
beforeEach(() => idp.reset());
afterAll(() => idp.close());

const client = { client_id: APP.clientId, client_secret: APP.secret };

async function mfaToken(user: { username: string; password: string }): Promise<string> {
  const { status, body } = await tokenRequest(idp, { grant_type: 'password', ...client, ...user, audience: API, scope: 'openid profile offline_access read:orders' });
  expect(status).toBe(403);
  expect(body).toMatchObject({ error: 'mfa_required', error_description: 'Multifactor authentication required' });
  const token = (body as { mfa_token?: string }).mfa_token;
  expect(typeof token).toBe('string');
  return token!;
}

async function mfaApi(path: string, init: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${idp.issuer}mfa/${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & Record<number, Record<string, unknown>> };
}

describe('password grant with MFA on', () => {
  it('answers 403 mfa_required with an mfa_token; mfa-otp with the current code gives the tokens, amr ["mfa"], and spends the token', async () => {
    const token = await mfaToken(USERS.alice);
    const listed = await mfaApi('authenticators', { token });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ authenticator_type: 'otp', active: true, id: expect.stringMatching(/^totp\|dev_/) }),
      expect.objectContaining({ authenticator_type: 'recovery-code', active: true }),
    ]);
    expect((await mfaApi('challenge', { body: { ...client, mfa_token: token, challenge_type: 'otp' } })).body).toEqual({ challenge_type: 'otp' });

    const wrong = await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: '000000' });
    expect(wrong).toMatchObject({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid otp_code.' } });

    const ok = await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: idp.otp(USERS.alice.username) });
    expect(ok.status).toBe(200);
    expect((await verify(idp, ok.body.id_token!, APP.clientId)).payload).toMatchObject({ amr: ['mfa'], sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1' });
    expect((await verify(idp, ok.body.access_token!, API, 'JWT')).payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', scope: expect.stringContaining('read:orders') });
    expect(ok.body.refresh_token).toBeTruthy();

    const again = await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: idp.otp(USERS.alice.username) });
    expect(again).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it('expires the mfa_token after 10 minutes on the mock clock (403 expired_token)', async () => {
    const token = await mfaToken(USERS.alice);
    idp.clock.advance(DEFAULTS.mfa.mfaTokenLifetime);
    expect(await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: idp.otp(USERS.alice.username) })).toMatchObject({ status: 403, body: { error: 'expired_token' } });
    expect((await mfaApi('authenticators', { token })).status).toBe(401);
  });

  it('enrols bob with POST /mfa/associate (secret, otpauth:// barcode_uri, a recovery code), and mfa-otp with a code of that secret completes it', async () => {
    const token = await mfaToken(USERS.bob);
    expect((await mfaApi('authenticators', { token })).body).toEqual([]);
    const { status, body } = await mfaApi('associate', { token, body: { authenticator_types: ['otp'] } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ authenticator_type: 'otp', secret: expect.any(String), barcode_uri: expect.stringMatching(/^otpauth:\/\/totp\//), recovery_codes: [expect.stringMatching(/^[A-Z0-9]{24}$/)] });
    const code = new TOTP({ secret: Secret.fromBase32(String(body.secret)) }).generate();
    expect((await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: code })).status).toBe(200);
    expect((await mfaApi('associate', { token: await mfaToken(USERS.bob), body: { authenticator_types: ['otp'] } }))).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('enrols and challenges carol by email (mfa-oob): the code goes to the outbox, a wrong binding_code is refused, the right one gives tokens', async () => {
    const token = await mfaToken(USERS.carol);
    const associated = await mfaApi('associate', { token, body: { authenticator_types: ['oob'], oob_channels: ['email'] } });
    expect(associated.body).toMatchObject({ authenticator_type: 'oob', oob_channel: 'email', binding_method: 'prompt', oob_code: expect.any(String) });
    const challenge = await mfaApi('challenge', { body: { ...client, mfa_token: token, challenge_type: 'oob' } });
    expect(challenge.body).toMatchObject({ challenge_type: 'oob', binding_method: 'prompt', oob_code: expect.any(String) });
    const emails = idp.emails({ to: USERS.carol.username }).filter((e) => e.kind === 'mfa_oob_code');
    expect(emails).toHaveLength(2);
    const code = emails.at(-1)!.code!;
    expect(code).toMatch(/^\d{6}$/);
    const oobCode = String(challenge.body.oob_code);
    expect(await tokenRequest(idp, { grant_type: GRANT.oob, ...client, mfa_token: token, oob_code: oobCode, binding_code: code === '000000' ? '111111' : '000000' })).toMatchObject({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid binding_code.' } });
    const ok = await tokenRequest(idp, { grant_type: GRANT.oob, ...client, mfa_token: token, oob_code: oobCode, binding_code: code });
    expect(ok.status).toBe(200);
    expect((await verify(idp, ok.body.id_token!, APP.clientId)).payload.amr).toEqual(['mfa']);
  });

  it('accepts the recovery code once (mfa-recovery-code), returning the new one, and refuses the spent one', async () => {
    const recovery = (await (await fetch(`${idp.issuer}_mock/users/${encodeURIComponent(USERS.alice.username)}/otp`)).json() as { recovery_code: string }).recovery_code;
    const ok = await tokenRequest(idp, { grant_type: GRANT.recovery, ...client, mfa_token: await mfaToken(USERS.alice), recovery_code: recovery });
    expect(ok.status).toBe(200);
    const next = (ok.body as { recovery_code?: string }).recovery_code;
    expect(next).toMatch(/^[A-Z0-9]{24}$/);
    expect(next).not.toBe(recovery);
    expect(await tokenRequest(idp, { grant_type: GRANT.recovery, ...client, mfa_token: await mfaToken(USERS.alice), recovery_code: recovery })).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it("locks after Auth0's 10 wrong codes: 429 too_many_attempts, even for the right code", async () => {
    const token = await mfaToken(USERS.alice);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: '000000' })).status);
    expect(statuses).toEqual([...Array(9).fill(403), 429]);
    expect(await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: token, otp: idp.otp(USERS.alice.username) })).toMatchObject({ status: 429, body: { error: 'too_many_attempts' } });
  });

  it('refuses an unknown mfa_token (403 invalid_grant; 401 at the /mfa API) and a challenge without client credentials (401)', async () => {
    expect(await tokenRequest(idp, { grant_type: GRANT.otp, ...client, mfa_token: 'nope', otp: '123456' })).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    expect((await mfaApi('authenticators', { token: 'nope' })).status).toBe(401);
    expect((await mfaApi('authenticators')).status).toBe(401);
    const token = await mfaToken(USERS.alice);
    expect((await mfaApi('challenge', { body: { client_id: APP.clientId, client_secret: 'wrong', mfa_token: token } })).status).toBe(401);
  });
});
