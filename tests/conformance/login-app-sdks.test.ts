/**
 * The login-app harness against real SDK apps: sample-app (express-openid-connect,
 * code flow), Auth0's Express quickstart (express-openid-connect defaults: id_token
 * + form_post) and an openid-client 6 app. Each passes every MUST case.
 */
import type { Server } from 'node:http';
import express from 'express';
import eoc from 'express-openid-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { runAppConformance, type AppConformanceReport } from '../../mock-idp/conformance/index.js';
import { startSampleApp } from '../../sample-app/server.js';
import { APP } from '../helpers/oauth.js';
import { freePort } from './helpers.js';
import { startOpenidClientApp } from './apps/openid-client-app.js';

const { auth, requiresAuth } = eoc;
const SAMPLE_LIMITS = { sessionRollingDuration: 2, sessionAbsoluteDuration: 3 };

let idp: MockIdp;
const closers: Array<() => Promise<void>> = [];
const urls: Record<'sample' | 'quickstart' | 'openidClient', string> = { sample: '', quickstart: '', openidClient: '' };

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  // Short session limits, stated to the harness (RP-25): express-openid-connect counts whole seconds, so 2 s idle is the least that survives activity every half second.
  const sample = await startSampleApp({ issuerBaseURL: idp.issuer, clientID: APP.clientId, clientSecret: APP.secret, sessionSecret: 'a test-only session secret, long enough', audience: 'https://api.example.com', apiUrl: 'http://localhost:9', port: 0, host: 'localhost', ...SAMPLE_LIMITS });
  closers.push(sample.close);
  urls.sample = sample.url;

  // Auth0's Express quickstart, its settings only.
  const port = await freePort();
  urls.quickstart = `http://localhost:${port}`;
  const app = express();
  app.use(auth({ issuerBaseURL: idp.issuer.replace(/\/$/, ''), baseURL: urls.quickstart, clientID: APP.clientId, secret: 'a long, randomly-generated string stored in env', authRequired: false, auth0Logout: true }));
  app.get('/profile', requiresAuth(), (req, res) => {
    res.json(req.oidc.user);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, 'localhost', () => resolve(s));
  });
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));

  const oc = await startOpenidClientApp({ issuer: idp.issuer, clientId: APP.clientId, clientSecret: APP.secret });
  closers.push(oc.close);
  urls.openidClient = oc.url;

  await idp.updateTenant((t) => {
    t.applications = (t.applications ?? []).map((a) => (a.clientId === APP.clientId ? { ...a, callbacks: Object.values(urls).map((u) => `${u}/callback`), allowedLogoutUrls: Object.values(urls) } : a));
  });
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await idp.close();
});

const mustFailures = (report: AppConformanceReport) => report.results.filter((r) => r.verdict === 'FAIL').map((r) => `${r.checkId}: ${r.got}${r.reason ? ` (${r.reason})` : ''}`);

describe('login-app conformance of real SDK apps', () => {
  it('sample-app (express-openid-connect, code flow) passes every MUST case, its refresh and its stated session limits included', async () => {
    const report = await runAppConformance({
      idp, loginUrl: `${urls.sample}/login`, protectedUrl: `${urls.sample}/profile`, clientId: APP.clientId, rotationWait: 2_500,
      // /orders refreshes an expired access token (RP-21); an app counting whole seconds ends a session within the second, so a short margin does.
      refreshUrl: `${urls.sample}/orders`, sessionIdle: SAMPLE_LIMITS.sessionRollingDuration, sessionAbsolute: SAMPLE_LIMITS.sessionAbsoluteDuration, sessionMargin: 0.3,
    });
    expect(mustFailures(report)).toEqual([]);
    expect(report.target.responseType).toBe('code');
    // The refreshed ID token for another user ends the session (sample-app compares the sub; the SDK does not).
    expect(report.results.find((r) => r.caseId === 'RP-21')).toMatchObject({ verdict: 'PASS', got: expect.stringMatching(/session ended/) });
    expect(report.results.filter((r) => r.caseId === 'RP-25').map((r) => `${r.checkId} ${r.verdict}`)).toEqual(['RP-25-idle PASS', 'RP-25-absolute PASS']);
    // Code flow: openid-client 6 does not verify the token endpoint's ID token signature, so the app never fetches the JWKS.
    expect(report.results.filter((r) => r.caseId === 'RP-13' || r.caseId === 'RP-14').map((r) => r.verdict)).toEqual(['SKIP', 'SKIP']);
    expect(report.exitCode).toBe(0);
  });

  // RP-13 and RP-14 are left out here: openid-client (under express-openid-connect) refetches the JWKS for an
  // unknown kid only once its copy is 60 s old, so each case needs the default rotationWait (65 s) to pass.
  it("Auth0's Express quickstart (id_token + form_post) passes every MUST case but RP-13 and RP-14 (see above)", async () => {
    const report = await runAppConformance({ idp, loginUrl: `${urls.quickstart}/login`, protectedUrl: `${urls.quickstart}/profile`, clientId: APP.clientId, skip: ['RP-13', 'RP-14'] });
    expect(mustFailures(report)).toEqual([]);
    expect(report.results.find((r) => r.checkId === 'RP-10-rs256')).toMatchObject({ level: 'MUST', verdict: 'PASS' });
    expect(report.target.responseType).toBe('id_token');
  });

  it('an openid-client 6 app passes every MUST case', async () => {
    const report = await runAppConformance({ idp, loginUrl: `${urls.openidClient}/login`, protectedUrl: `${urls.openidClient}/profile`, clientId: APP.clientId, rotationWait: 2_500 });
    expect(mustFailures(report)).toEqual([]);
    // It calls userinfo with the ID token's sub expected, so RP-15 applies and passes.
    expect(report.results.find((r) => r.checkId === 'RP-15')?.verdict).toBe('PASS');
  });
});
