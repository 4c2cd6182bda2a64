/** Auth0's device authorization flow: POST /oauth/device/code, the user at /activate, the device polling /oauth/token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, SPA, USERS, verify } from '../helpers/oauth.js';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
}

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  await idp.updateTenant((draft) => {
    draft.applications!.find((a) => a.clientId === SPA.clientId)!.grantTypes = ['authorization_code', 'refresh_token', DEVICE_CODE];
  });
});
afterAll(() => idp.close());

async function post(path: string, form: Record<string, string>) {
  const response = await fetch(`${idp.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function startDevice(form: Record<string, string> = {}): Promise<DeviceAuthorization> {
  const { status, body } = await post('oauth/device/code', { client_id: SPA.clientId, scope: 'openid profile offline_access read:orders write:orders', audience: API, ...form });
  expect(status).toBe(200);
  return body as unknown as DeviceAuthorization;
}

const poll = (device: DeviceAuthorization) => post('oauth/token', { grant_type: DEVICE_CODE, device_code: device.device_code, client_id: SPA.clientId });

/** The user's side: open the verification URI with the code, confirm it, then log in (or cancel). */
async function activate(device: DeviceAuthorization, user: { username: string; password: string }, cancel = false): Promise<Page> {
  const browser = new HeadlessBrowser();
  const entered = await browser.navigate(device.verification_uri_complete);
  const confirm = await browser.submit(entered, '/activate');
  expect(confirm.body).toContain(device.user_code);
  if (cancel) return browser.submit(confirm, '/activate', { abort: 'yes' });
  const login = await browser.submit(confirm, '/activate');
  return browser.submit(login, '/login', user);
}

describe('device authorization flow', () => {
  it('answers POST /oauth/device/code with a user code and /activate as verification URI, valid 15 minutes', async () => {
    const device = await startDevice();
    expect(device.verification_uri).toBe(`${idp.issuer}activate`);
    expect(device.verification_uri_complete).toBe(`${idp.issuer}activate?user_code=${device.user_code}`);
    expect(device.expires_in).toBe(900);
    const discovery = (await (await fetch(`${idp.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.device_authorization_endpoint).toBe(`${idp.issuer}oauth/device/code`);
  });

  it('answers polling with 400 authorization_pending until the user confirms and logs in, then with RBAC tokens for the audience', async () => {
    const device = await startDevice();
    expect(await poll(device)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    const done = await activate(device, USERS.bob);
    expect(done.body).toContain('Device activated');

    const { status, body } = await poll(device);
    expect(status).toBe(200);
    const access = await verify(idp, body.access_token!, API, 'JWT');
    expect(access.payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2', azp: SPA.clientId, permissions: ['read:orders'] });
    expect(body.id_token).toBeTruthy();
    expect(body.refresh_token).toBeTruthy();
    // The device code is spent.
    expect(await poll(device)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers polling with 400 access_denied once the user cancels at /activate', async () => {
    const device = await startDevice();
    await activate(device, USERS.alice, true);
    expect(await poll(device)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it("answers polling with 400 expired_token once the device code's 15 minutes have passed (time travel, no sleep)", async () => {
    const device = await startDevice();
    idp.clock.advance(device.expires_in - 60);
    expect(await poll(device)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    idp.clock.advance(61);
    expect(await poll(device)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
  });

  it('says so on the page for a user code that does not exist, and signs nobody in', async () => {
    const browser = new HeadlessBrowser();
    const page = await browser.navigate(`${idp.issuer}activate?user_code=BBBB-BBBB`);
    const answer = await browser.submit(page, '/activate');
    expect(answer.body).toContain('not valid');
    expect(answer.body).not.toContain('name="password"');
  });

  it('refuses an application without the grant with 403 unauthorized_client, and an unknown API with 403 access_denied', async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      const refused = await fetch(`${own.issuer}oauth/device/code`, { method: 'POST', body: new URLSearchParams({ client_id: SPA.clientId, scope: 'openid' }) });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: 'unauthorized_client' });
    } finally {
      await own.close();
    }
    expect(await post('oauth/device/code', { client_id: SPA.clientId, scope: 'openid', audience: 'https://nope.example.com' })).toMatchObject({ status: 403, body: { error: 'access_denied' } });
  });
});
