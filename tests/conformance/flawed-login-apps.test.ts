/**
 * The login-app harness against hand-written apps (tests/fixtures/flawed-login-apps),
 * each with exactly one realistic flaw: every flaw is flagged with exactly its own
 * cases, and no other MUST case fails. One mock for all; every app on port 0.
 *
 * The correct app and one flawed app (the one that trusts any logout token) go through the whole
 * catalogue (that one without the new-key cases, RP-13 and RP-14): that shows that one flaw fails its own cases and nothing else. The other flawed apps
 * run a targeted subset: the baseline, their own cases and a few MUST controls (state, iss, alg none,
 * expiry, error=) that a second flaw would trip; the rest is reported SKIP. Each app is its own
 * run, one after another (RP-13 publishes a key on the shared mock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { runAppConformance, type AppConformanceReport } from '../../mock-idp/conformance/index.js';
import { RP_CATALOGUE_CASES } from '../../mock-idp/tools/faults/index.js';
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
  'accepts-any-logout-token': ['RP-24'],
  'imports-every-jwk': ['RP-14'],
  'accepts-any-refreshed-id-token': ['RP-21'],
  'ignores-session-limits': ['RP-25'],
};
/** The apps with a refresh page (RP-21), and with stated session limits (RP-25: seconds; the fixture counts milliseconds, so a short margin does). */
const REFRESHES = new Set<LoginFlaw | 'correct'>(['correct', 'accepts-any-refreshed-id-token']);
const LIMITED = new Set<LoginFlaw | 'correct'>(['correct', 'ignores-session-limits']);
const LIMITS = { sessionIdle: 0.3, sessionAbsolute: 0.6 };
/** The flawed apps run through every case. */
const FULL_RUNS = new Set<LoginFlaw | 'correct'>(['correct', 'accepts-any-logout-token']);
/** The flawed full run leaves out the new-key cases (each waits for a JWKS refetch): the correct app and their own flawed apps cover them. */
const FULL_RUN_SKIP: readonly string[] = ['RP-13', 'RP-14'];
/** MUST cases every targeted run also goes through: each catches a different second flaw (RP-24 is a SKIP there: no back-channel URI). */
const CONTROLS = ['RP-00', 'RP-01', 'RP-04', 'RP-09', 'RP-11', 'RP-17', 'RP-24'];
/**
 * The apps whose flaw is in code no other case reaches (the key set's import, the refresh page, the
 * session's clock): fewer controls, each under its own client id (a run reads the mock's events of
 * its client). The refresh and session-limit ones run in the background from the start: they publish
 * no key, and the keys other runs publish do not disturb them (the mock keeps signing with its active
 * key; jose ignores the unparseable one). The app that imports every key runs alone: another run's
 * unparseable key would break its baseline.
 */
const LIGHT: readonly LoginFlaw[] = ['imports-every-jwk', 'accepts-any-refreshed-id-token', 'ignores-session-limits'];
const BACKGROUND: readonly LoginFlaw[] = ['accepts-any-refreshed-id-token', 'ignores-session-limits'];
const LIGHT_CONTROLS = ['RP-00', 'RP-04', 'RP-11'];
/** The apps registered with a back-channel logout URI (each its own application: one URI per client). */
const BACKCHANNEL: Partial<Record<LoginFlaw | 'correct', string>> = { correct: 'bcl-correct', 'accepts-any-logout-token': 'bcl-flawed' };
const OWN_CLIENT: Partial<Record<LoginFlaw | 'correct', string>> = { ...BACKCHANNEL, ...Object.fromEntries(LIGHT.map((flaw) => [flaw, `flawed-${flaw}`])) };

let idp: MockIdp;
const apps = new Map<LoginFlaw | 'correct', RunningLoginApp>();
const clientOf = (flaw: LoginFlaw | 'correct') => OWN_CLIENT[flaw] ?? APP.clientId;

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  for (const flaw of ['correct', ...Object.keys(FLAWS)] as Array<LoginFlaw | 'correct'>) {
    apps.set(flaw, await startLoginApp({ issuer: idp.issuer, clientId: clientOf(flaw), clientSecret: APP.secret, ...(flaw === 'correct' ? {} : { flaw }), ...(LIMITED.has(flaw) ? LIMITS : {}) }));
  }
  const callbacks = [...apps].filter(([flaw]) => OWN_CLIENT[flaw] === undefined).map(([, a]) => `${a.url}/callback`);
  await idp.updateTenant((t) => {
    const sampleApp = (t.applications ?? []).find((a) => a.clientId === APP.clientId)!;
    t.applications = (t.applications ?? []).map((a) => (a.clientId === APP.clientId ? { ...a, callbacks } : a));
    for (const [flaw, clientId] of Object.entries(OWN_CLIENT) as Array<[LoginFlaw | 'correct', string]>) {
      const app = apps.get(flaw)!;
      t.applications.push({ ...sampleApp, clientId, name: clientId, callbacks: [`${app.url}/callback`], ...(BACKCHANNEL[flaw] ? { backchannelLogoutUri: `${app.url}/backchannel-logout` } : {}) });
    }
  });
  for (const flaw of BACKGROUND) void run(flaw).catch(() => undefined); // awaited (and its error seen) by its own test
});
afterAll(async () => {
  await Promise.all([...apps.values()].map((a) => a.close()));
  await idp.close();
});

const reports = new Map<LoginFlaw | 'correct', Promise<AppConformanceReport>>();
/**
 * Each app's one run (made at the first test that asks for it). A full run gives RP-13 the 2.5 s a
 * correct app here needs (its JWKS cooldown is 250 ms; RP-14 right after RP-13 needs a second refetch); of the targeted runs only the app that fetched
 * the JWKS once runs RP-13, and it never refetches, so one attempt decides it.
 */
function run(flaw: LoginFlaw | 'correct'): Promise<AppConformanceReport> {
  const app = apps.get(flaw)!;
  const wanted = new Set([...(LIGHT.includes(flaw as LoginFlaw) ? LIGHT_CONTROLS : CONTROLS), ...(flaw === 'correct' ? [] : FLAWS[flaw])]);
  const skip = FULL_RUNS.has(flaw) ? (flaw === 'correct' ? [] : FULL_RUN_SKIP) : RP_CATALOGUE_CASES.map((c) => c.id).filter((id) => !wanted.has(id));
  const stated = { ...(REFRESHES.has(flaw) ? { refreshUrl: `${app.url}/refresh` } : {}), ...(LIMITED.has(flaw) ? { ...LIMITS, sessionMargin: 0.1 } : {}) };
  if (!reports.has(flaw)) reports.set(flaw, runAppConformance({ idp, loginUrl: `${app.url}/login`, protectedUrl: `${app.url}/profile`, clientId: clientOf(flaw), rotationWait: FULL_RUNS.has(flaw) ? 2_500 : 500, skip, ...stated }));
  return reports.get(flaw)!;
}

const failedCases = (report: AppConformanceReport) => [...new Set(report.results.filter((r) => r.verdict === 'FAIL').map((r) => r.caseId))].sort();

describe('login-app conformance against flawed apps', () => {
  it('passes every case with the correct app (no FAIL, no WARN), SKIPping only what does not apply', async () => {
    const report = await run('correct');
    expect(report.misconfigured).toBeUndefined();
    expect(report.results.filter((r) => r.verdict === 'FAIL' || r.verdict === 'WARN').map((r) => `${r.checkId}: ${r.got}`)).toEqual([]);
    expect(report.results.filter((r) => r.verdict === 'SKIP').map((r) => r.caseId)).toEqual(['RP-16']);
    // RP-14: a new key and an unparseable one published; this app (jose) refetched and ignored the bad key.
    expect(report.results.find((r) => r.caseId === 'RP-14')).toMatchObject({ verdict: 'PASS', got: expect.stringMatching(/JWKS fetch/) });
    // RP-21: the refresh answered an ID token for another user; the app ended the session.
    expect(report.results.find((r) => r.caseId === 'RP-21')).toMatchObject({ verdict: 'PASS', sent: expect.stringMatching(/another user \(bob@example.com\)/) });
    expect(report.results.filter((r) => r.caseId === 'RP-25').map((r) => `${r.checkId} ${r.verdict}`)).toEqual(['RP-25-idle PASS', 'RP-25-absolute PASS']);
    // RP-24: five forged logout tokens refused with 400 and the session kept, then a valid one ends it.
    expect(report.results.filter((r) => r.caseId === 'RP-24').map((r) => `${r.checkId} ${r.verdict}: ${r.got}`)).toEqual([
      ...['alg-none', 'wrong-iss', 'wrong-aud', 'no-events', 'with-nonce'].map((f) => `RP-24-${f} PASS: back-channel 400; session kept`),
      'RP-24-valid PASS: back-channel 200; session ended',
    ]);
    // RP-12 with a second key published and no kid: this app (jose) finds the key; refusing would pass too.
    expect(report.results.find((r) => r.checkId === 'RP-12-several-keys')).toMatchObject({ verdict: 'PASS', sent: 'ID token without kid, 2 keys in the JWKS' });
    expect(report.exitCode).toBe(0);
  });

  for (const [flaw, cases] of Object.entries(FLAWS) as Array<[LoginFlaw, string[]]>) {
    it(`flags an app that ${flaw.replace(/-/g, ' ')} with ${cases.join(', ')} and nothing else (${FULL_RUNS.has(flaw) ? 'every case but RP-13, RP-14' : 'its cases and the controls'})`, async () => {
      const report = await run(flaw);
      expect(report.misconfigured).toBeUndefined();
      expect(failedCases(report)).toEqual(cases);
      expect(report.exitCode).toBe(1);
    });
  }

  it('fails each forged logout token the flawed app obeyed, logging in again before the next, and passes the valid one for the new session', async () => {
    const report = await run('accepts-any-logout-token');
    expect(report.results.filter((r) => r.caseId === 'RP-24').map((r) => `${r.checkId} ${r.verdict}`)).toEqual([
      ...['alg-none', 'wrong-iss', 'wrong-aud', 'no-events', 'with-nonce'].map((f) => `RP-24-${f} FAIL`),
      'RP-24-valid PASS',
    ]);
  });

  it('SKIPs RP-24 with the reason when the application registered no back-channel logout URI', async () => {
    const report = await run('no-state-check');
    expect(report.results.find((r) => r.caseId === 'RP-24')).toMatchObject({ verdict: 'SKIP', reason: expect.stringMatching(/registered no back-channel logout URI/) });
  });

  it('carries what the app answered each login: its status and where it sent the browser', async () => {
    const report = await run('error-is-success');
    expect(report.results.find((r) => r.caseId === 'RP-17')?.answer).toMatchObject({ kind: 'response', status: 200, location: `${apps.get('error-is-success')!.url}/profile` });
  });
});
