/**
 * runApiConformance: the RS catalogue against one JWT-protected endpoint.
 *
 * Order of a run (each step bounded in time):
 *   1. the IdP publishes a next key (so an API that fetches the JWKS during the run already knows it);
 *   2. RS-40, the good-token baseline; if refused, diagnose and stop;
 *   3. the request-shape cases (RS-01..07, RS-39);
 *   4. the token cases signed by the active key (fault presets);
 *   5. rotation: RS-34 (the IdP signs with the next key), RS-35 (the old key leaves the JWKS);
 *   6. the unknown-key cases (RS-29..32) and the RS-33 flood, after the rotation so
 *      that rate-limited key fetches cannot starve it;
 *   7. RS-34 / RS-35 are retried until `rotationWait` has passed since the rotation.
 */
import { FAULTS, generateSigningKey } from '../tools/faults/index.js';
import { startCanary, type Canary } from './canary.js';
import { CONFORMANCE_CASES } from './cases.js';
import { ConformanceSetupError, MintRefusedError } from './errors.js';
import type { IdpDriver, KeyRingSnapshot } from './driver.js';
import { describeAnswer, judgeAccept } from './judge.js';
import type { ApiConformanceOptions, CheckResult, ConformanceReport, Diagnosis } from './types.js';
import { diagnose } from './run/diagnose.js';
import { runPreset, SPECIAL_PRESETS, UNKNOWN_KID_CASES } from './run/presets.js';
import { runRequestShapes } from './run/request-shapes.js';
import { runFlood, runRotation } from './run/rotation.js';
import { bearer, Run } from './run/run.js';
import { openDriver, settingsOf, type Settings } from './run/settings.js';

function caseOrder(caseId: string): number {
  if (caseId === 'RS-40') return -1;
  return CONFORMANCE_CASES.findIndex((c) => c.id === caseId);
}

/**
 * Runs the RS catalogue against a JWT-protected endpoint and returns every
 * check's verdict. Throws ConformanceSetupError (bad options, the endpoint or
 * the IdP unreachable) before any case runs; never for what the API answers.
 */
export async function runApiConformance(options: ApiConformanceOptions): Promise<ConformanceReport> {
  const settings = settingsOf(options);
  const startedAt = new Date();
  const started = performance.now();
  const driver = await openDriver(options, settings.requestTimeout);
  let canary: Canary | undefined;
  // The key ring as found: the run rotates and retires keys (RS-34, RS-35) and puts them back at the end.
  let savedKeys: KeyRingSnapshot | undefined;
  let keysRestored: boolean | undefined;
  const report = async (results: CheckResult[], misconfigured?: Diagnosis) => {
    keysRestored = await restoreKeys(driver, savedKeys);
    return finish(settings, driver, startedAt, started, results, misconfigured, keysRestored);
  };
  try {
    canary = await startCanary();
    const run = new Run(settings, driver, canary);

    const probe = await run.call([]);
    if (probe.answer.kind !== 'response') {
      throw new ConformanceSetupError('ERR_TARGET_UNREACHABLE', `the API at ${settings.url.href} is unreachable: ${describeAnswer(probe.answer)}`);
    }

    run.user = settings.user ?? (await driver.defaultUser());
    let good: string;
    let unprivileged: string;
    try {
      good = await run.mint();
      unprivileged = await run.mint({ permissions: [] });
    } catch (err) {
      if (err instanceof MintRefusedError) throw new ConformanceSetupError('ERR_OPTIONS', `cannot mint the good token: ${err.message}`);
      throw err;
    }
    savedKeys = await driver.snapshotKeys?.();
    // RS-34's key: new, so the API cannot have fetched it; made now (RSA keygen is slow), published only at the rotation.
    const rotationKey = await generateSigningKey();
    const oldKid = (await driver.keys()).find((k) => k.status === 'active')?.kid;
    const fetchesBefore = await run.noteJwksFetches();

    const baseline = await run.call(bearer(good));
    await run.noteJwksFetches();
    const baselineJudgement = judgeAccept(baseline.answer, 'MUST');
    if (baselineJudgement.verdict !== 'PASS') {
      const misconfigured = await diagnose(run, baseline.answer, fetchesBefore);
      run.record({ caseId: 'RS-40', sent: 'good token with the permission', expected: '200' }, { ...baselineJudgement, reason: `misconfigured target: ${misconfigured.causes[0] ?? 'see the diagnosis'}` }, baseline);
      return report(run.results, misconfigured);
    }
    run.record({ caseId: 'RS-40', sent: 'good token with the permission', expected: '200' }, baselineJudgement, baseline);

    await runRequestShapes(run, good, unprivileged);
    for (const preset of FAULTS) {
      if (!UNKNOWN_KID_CASES.has(preset.caseId) && !SPECIAL_PRESETS.has(preset.id)) await runPreset(run, preset);
    }
    if (oldKid !== undefined) await runRotation(run, rotationKey, oldKid, good);
    for (const preset of FAULTS) {
      if (UNKNOWN_KID_CASES.has(preset.caseId)) await runPreset(run, preset);
    }
    await runFlood(run);
    await run.finishPending();

    // A late fetch of the canary (after the answer) still counts against RS-30.
    for (const r of run.results.filter((result) => result.caseId === 'RS-30' && result.verdict !== 'FAIL')) {
      const late = canary.hitsFor(r.checkId);
      if (late.length > 0) Object.assign(r, { verdict: 'FAIL', got: `${r.got}; fetched later (${late.join(', ')})`, reason: `the API fetched the URL the token's ${r.variant ?? 'jku'} header names` });
    }
    return report(run.results);
  } finally {
    await canary?.close();
    if (keysRestored === undefined) await restoreKeys(driver, savedKeys);
    await driver.close();
  }
}

/** Puts the key ring back as it was found; whether the IdP now publishes exactly those keys again (false when it could not). */
async function restoreKeys(driver: IdpDriver, saved: KeyRingSnapshot | undefined): Promise<boolean> {
  if (saved === undefined || driver.restoreKeys === undefined) return false;
  try {
    const keys = await driver.restoreKeys(saved);
    return keys.map((k) => k.kid).join() === saved.keys.map((k) => k.kid).join() && keys[0]?.kid === saved.keys[0]?.kid;
  } catch {
    return false;
  }
}

function finish(settings: Settings, driver: IdpDriver, startedAt: Date, started: number, results: CheckResult[], misconfigured?: Diagnosis, keysRestored?: boolean): ConformanceReport {
  const ordered = results.map((r, i) => ({ r, i })).sort((a, b) => caseOrder(a.r.caseId) - caseOrder(b.r.caseId) || a.i - b.i).map(({ r }) => r);
  const count = (verdict: CheckResult['verdict']) => ordered.filter((r) => r.verdict === verdict).length;
  const summary = { passed: count('PASS'), failed: count('FAIL'), warnings: count('WARN'), skipped: count('SKIP') };
  return {
    target: { url: settings.url.href, method: settings.method, audience: settings.audience, permissions: settings.permissions, issuer: driver.issuer, jwksUri: driver.jwksUri },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    ...(misconfigured ? { misconfigured } : {}),
    keysRestored: keysRestored === true,
    results: ordered,
    summary,
    exitCode: summary.failed > 0 ? 1 : 0,
  };
}
