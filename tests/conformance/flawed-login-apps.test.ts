/**
 * The login-app harness against hand-written apps (tests/fixtures/flawed-login-apps),
 * each with exactly one realistic flaw: every flaw is flagged with exactly its own
 * cases, and no other MUST case fails. One mock for all; every app on port 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { runAppConformance, type AppConformanceReport } from '../../mock-idp/conformance/index.js';
import { startLoginApp, type LoginFlaw, type RunningLoginApp } from '../fixtures/flawed-login-apps/base.js';
import { APP } from '../helpers/oauth.js';

/** Each flaw and the RP cases whose MUST checks it must fail, no more, no fewer. */
const FLAWS: Record<LoginFlaw, string[]> = {
  'decodes-without-verifying': ['RP-10', 'RP-11'],
  'no-nonce-check': ['RP-03'],
  'no-state-check': ['RP-01'],
  'no-issuer-check': ['RP-04'],
  'no-audience-check': ['RP-05', 'RP-06'],
  'accepts-expired': ['RP-09'],
  'accepts-alg-none': ['RP-11'],
  'jwks-fetched-once': ['RP-13'],
  'error-is-success': ['RP-17'],
};

let idp: MockIdp;
const apps = new Map<LoginFlaw | 'correct', RunningLoginApp>();

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  for (const flaw of ['correct', ...Object.keys(FLAWS)] as Array<LoginFlaw | 'correct'>) {
    apps.set(flaw, await startLoginApp({ issuer: idp.issuer, clientId: APP.clientId, clientSecret: APP.secret, ...(flaw === 'correct' ? {} : { flaw }) }));
  }
  const callbacks = [...apps.values()].map((a) => `${a.url}/callback`);
  await idp.updateTenant((t) => {
    t.applications = (t.applications ?? []).map((a) => (a.clientId === APP.clientId ? { ...a, callbacks } : a));
  });
});
afterAll(async () => {
  await Promise.all([...apps.values()].map((a) => a.close()));
  await idp.close();
});

function run(flaw: LoginFlaw | 'correct'): Promise<AppConformanceReport> {
  const app = apps.get(flaw)!;
  return runAppConformance({ idp, loginUrl: `${app.url}/login`, protectedUrl: `${app.url}/profile`, clientId: APP.clientId, rotationWait: 2_500 });
}

const failedCases = (report: AppConformanceReport) => [...new Set(report.results.filter((r) => r.verdict === 'FAIL').map((r) => r.caseId))].sort();

describe('login-app conformance against flawed apps', () => {
  it('passes every case with the correct app (no FAIL, no WARN), SKIPping only what does not apply', async () => {
    const report = await run('correct');
    expect(report.misconfigured).toBeUndefined();
    expect(report.results.filter((r) => r.verdict === 'FAIL' || r.verdict === 'WARN').map((r) => `${r.checkId}: ${r.got}`)).toEqual([]);
    expect(report.results.filter((r) => r.verdict === 'SKIP').map((r) => r.caseId)).toEqual(['RP-21', 'RP-24', 'RP-25']);
    expect(report.exitCode).toBe(0);
  });

  for (const [flaw, cases] of Object.entries(FLAWS) as Array<[LoginFlaw, string[]]>) {
    it(`flags an app that ${flaw.replace(/-/g, ' ')} with ${cases.join(', ')} and nothing else`, async () => {
      const report = await run(flaw);
      expect(report.misconfigured).toBeUndefined();
      expect(failedCases(report)).toEqual(cases);
      expect(report.exitCode).toBe(1);
    });
  }
});
