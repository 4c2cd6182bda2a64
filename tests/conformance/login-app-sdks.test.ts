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

let idp: MockIdp;
const closers: Array<() => Promise<void>> = [];
const urls: Record<'sample' | 'quickstart' | 'openidClient', string> = { sample: '', quickstart: '', openidClient: '' };

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  const sample = await startSampleApp({ issuerBaseURL: idp.issuer, clientID: APP.clientId, clientSecret: APP.secret, sessionSecret: 'a test-only session secret, long enough', audience: 'https://api.example.com', apiUrl: 'http://localhost:9', port: 0, host: 'localhost', sessionRollingDuration: 86_400, sessionAbsoluteDuration: 604_800 });
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
  it('sample-app (express-openid-connect, code flow) passes every MUST case', async () => {
    const report = await runAppConformance({ idp, loginUrl: `${urls.sample}/login`, protectedUrl: `${urls.sample}/profile`, clientId: APP.clientId, rotationWait: 2_500 });
    expect(mustFailures(report)).toEqual([]);
    expect(report.target.responseType).toBe('code');
    expect(report.exitCode).toBe(0);
  });

  // RP-13 is left out here: openid-client (under express-openid-connect) refetches the JWKS for an unknown
  // kid only once its copy is 60 s old, so the case needs the default rotationWait (65 s) to pass.
  it("Auth0's Express quickstart (id_token + form_post) passes every MUST case but RP-13 (see above)", async () => {
    const report = await runAppConformance({ idp, loginUrl: `${urls.quickstart}/login`, protectedUrl: `${urls.quickstart}/profile`, clientId: APP.clientId, skip: ['RP-13'] });
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
