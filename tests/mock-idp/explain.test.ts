/** The token explainer: every check an API should make, each on its own, with jose's error code. */
import { decodeJwt, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainToken, type TokenExplanation } from '../../mock-idp/tools/explain/explain-token.js';
import { FAULTS } from '../../mock-idp/tools/faults/index.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, codeFlow, USERS } from '../helpers/oauth.js';

const ALICE = 'alice@example.com';
const TOLERANCE = 5;

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const statusOf = (explanation: TokenExplanation) => Object.fromEntries(explanation.checks.map((c) => [c.check, c.status]));
const failed = (explanation: TokenExplanation) => explanation.checks.filter((c) => c.status === 'fail').map((c) => ({ check: c.check, code: c.code }));

/** The explainer as a client would run it: against the JWKS the mock serves. */
async function explainServed(token: string, options: { audience?: string; now?: number; clockTolerance?: number } = {}) {
  const { keys } = (await (await fetch(idp.jwksUri)).json()) as { keys: JWK[] };
  return explainToken({ issuer: idp.issuer, publicKeys: keys }, token, options);
}

describe('explainToken', () => {
  it('passes every check of a good access token for its API', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API });
    const explanation = await idp.explainToken(token, { audience: API });
    expect(explanation.valid).toBe(true);
    expect(failed(explanation)).toEqual([]);
    expect(statusOf(explanation)).toMatchObject({ format: 'pass', algorithm: 'pass', key: 'pass', signature: 'pass', type: 'pass', issuer: 'pass', audience: 'pass', expiry: 'pass', issued_at: 'pass', subject: 'pass' });
    expect(explanation.payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', aud: API });
  });

  it('reports an expired token as ERR_JWT_EXPIRED with an injected clock, and nothing else', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API, expiresIn: 60 });
    const exp = decodeJwt(token).exp!;
    expect((await explainServed(token, { audience: API, now: exp - 1 })).valid).toBe(true);
    const later = await explainServed(token, { audience: API, now: exp + 30 });
    expect(failed(later)).toEqual([{ check: 'expiry', code: 'ERR_JWT_EXPIRED' }]);
    expect((await explainServed(token, { audience: API, now: exp + 3, clockTolerance: TOLERANCE })).valid).toBe(true);
  });

  it('gives iat and exp as ISO times, with "expires in" before and "expired … ago" after', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API, expiresIn: 600 });
    const { iat, exp } = decodeJwt(token);
    const times = (now: number) => explainServed(token, { audience: API, now }).then((e) => Object.fromEntries((e.times ?? []).map((t) => [t.claim, t])));
    const before = await times(iat! + 30);
    expect(before.iat).toMatchObject({ epoch: iat, iso: new Date(iat! * 1000).toISOString(), relative: '30s ago' });
    expect(before.exp).toMatchObject({ epoch: exp, iso: new Date(exp! * 1000).toISOString(), relative: 'expires in 9m30s' });
    expect(before.exp?.onMockClock).toBeUndefined();
    expect((await times(exp! + 3700)).exp?.relative).toBe('expired 1h1m ago');
  });

  it('reports each failure on its own: an expired token for another API fails both expiry and audience', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API, expiresIn: 60 });
    const explanation = await explainServed(token, { audience: 'https://billing.example.com', now: decodeJwt(token).exp! + 60 });
    expect(failed(explanation)).toEqual([
      { check: 'audience', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
      { check: 'expiry', code: 'ERR_JWT_EXPIRED' },
    ]);
  });

  it('describes the audience without judging it when no API identifier is given', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API });
    const audience = (await idp.explainToken(token)).checks.find((c) => c.check === 'audience');
    expect(audience).toMatchObject({ status: 'skip' });
    expect(audience?.detail).toContain(API);
  });

  it('refuses an ID token sent to an API on its type, and says it is an ID token', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    const explanation = await idp.explainToken(tokens.body.id_token!, { audience: API });
    expect(failed(explanation)).toEqual(expect.arrayContaining([{ check: 'type', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }, { check: 'audience', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }]));
    expect(explanation.checks.find((c) => c.check === 'type')?.detail).toContain('ID token');
  });

  it('points at the trailing slash when the issuer differs only by it', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API, fault: 'RS-22' });
    const issuer = (await idp.explainToken(token, { audience: API })).checks.find((c) => c.check === 'issuer');
    expect(issuer).toMatchObject({ status: 'fail', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(issuer?.detail).toContain('trailing slash');
  });

  it("reports a token of a retired key as ERR_JWKS_NO_MATCHING_KEY once the key leaves the JWKS", async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      const { token } = await own.mintToken({ user: ALICE, audience: API });
      await own.rotateKeys();
      expect((await own.explainToken(token, { audience: API })).valid).toBe(true);
      own.retireKey();
      expect(failed(await own.explainToken(token, { audience: API }))).toEqual([{ check: 'key', code: 'ERR_JWKS_NO_MATCHING_KEY' }]);
    } finally {
      await own.close();
    }
  });

  it('fails only the format check for something that is not a JWT', async () => {
    for (const garbage of ['not-a-token', 'a.b', 'eyJ.eyJ.sig']) {
      const explanation = await idp.explainToken(garbage);
      expect(explanation.valid).toBe(false);
      expect(failed(explanation)).toEqual([{ check: 'format', code: 'ERR_JWS_INVALID' }]);
    }
  });

  it('refuses a request without a token, or with unknown fields, with 400 naming them', async () => {
    await expect(idp.explainToken('')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'token' });
    await expect(idp.explainToken('x', { audence: API } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', field: 'audence' });
  });
});

describe('explainToken agrees with the bad-token catalogue', () => {
  for (const preset of FAULTS.filter((p) => p.joseError !== null)) {
    const { code } = preset.joseError!;
    const verdict = preset.expect === 'accept' ? 'accepts' : `refuses with ${code}`;
    it(`${verdict}: ${preset.id} (${preset.title})`, async () => {
      const { token } = await idp.mintToken({
        user: ALICE,
        audience: API,
        fault: preset.id,
        ...(preset.uses?.includes('canaryUrl') ? { canaryUrl: 'http://127.0.0.1:9/never-fetched' } : {}),
        ...(preset.uses?.includes('clockTolerance') ? { clockTolerance: TOLERANCE } : {}),
      });
      const explanation = await idp.explainToken(token, { audience: API, clockTolerance: TOLERANCE });
      if (preset.expect === 'accept') {
        expect(failed(explanation)).toEqual([]);
      } else {
        expect(explanation.valid).toBe(false);
        expect(failed(explanation).map((f) => f.code)).toContain(code);
      }
    });
  }
});

/** The CSRF token of the debugger page's form (its hidden field), as a browser that loaded GET /_mock/ sends it. */
async function debuggerCsrf(): Promise<string> {
  const html = await (await fetch(`${idp.issuer}_mock/`)).text();
  const csrf = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(html)?.[1];
  if (!csrf) throw new Error('no CSRF field in the debugger page');
  return csrf;
}

describe('the admin API and the debugger page', () => {
  it('answers POST /_mock/explain with the explanation, and 400 naming a missing token', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API, fault: 'RS-13' });
    const ok = await fetch(`${idp.issuer}_mock/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, audience: API }) });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as TokenExplanation;
    expect(failed(body)).toEqual([{ check: 'expiry', code: 'ERR_JWT_EXPIRED' }]);

    const bad = await fetch(`${idp.issuer}_mock/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ audience: API }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('token') });
  });

  it('shows keys, applications, users and recent events at GET /_mock/, under the test-IdP banner', async () => {
    await codeFlow(idp, USERS.bob);
    const response = await fetch(`${idp.issuer}_mock/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('TEST identity provider');
    expect(html).toContain(idp.keys()[0]!.kid);
    expect(html).toContain('sample-spa');
    expect(html).toContain('bob@example.com');
    expect(html).toMatch(/<table id="events">.*grant\.success/s);
  });

  it('explains a pasted token in the page: an expired one is Refused with ERR_JWT_EXPIRED', async () => {
    const { token } = await idp.mintToken({ user: ALICE, audience: API, fault: 'RS-13' });
    const response = await fetch(`${idp.issuer}_mock/`, { method: 'POST', body: new URLSearchParams({ token, audience: API, _csrf: await debuggerCsrf() }) });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<h2 id="verdict">Refused</h2>');
    expect(html).toMatch(/<td>expiry<\/td><td class="fail">fail<\/td><td><code>ERR_JWT_EXPIRED<\/code>/);
    expect(html).toMatch(/<table id="times">.*<td><code>exp<\/code><\/td><td>\d{4}-\d\d-\d\dT[\d:.]+Z<\/td><td>expired 1h\w* ago<\/td>/s);
  });

  it('answers an empty pasted token with 400 and the page saying why', async () => {
    const response = await fetch(`${idp.issuer}_mock/`, { method: 'POST', body: new URLSearchParams({ token: '  ', _csrf: await debuggerCsrf() }) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('class="error">token:');
  });
});

describe("the explainer's times after time travel", () => {
  it("gives each time on the mock's clock too when it is ahead, while judging on the real time as an API does", async () => {
    try {
      const { token } = await idp.mintToken({ user: ALICE, audience: API, expiresIn: 600 });
      idp.clock.advance('1h');
      const explanation = await idp.explainToken(token, { audience: API });
      expect(explanation.valid).toBe(true);
      const exp = explanation.times?.find((t) => t.claim === 'exp');
      expect(exp?.relative).toMatch(/^expires in (9m\d+s|10m)$/);
      expect(exp?.onMockClock).toMatch(/^expired 5\dm\d*s? ago$/);
    } finally {
      idp.reset();
    }
  });
});
