/**
 * 8. A full login-app conformance run (`mock-idp conformance app`) against
 * sample-app: every RP case, one headless login each, RP-13 included (sample-app
 * uses the code flow, whose ID token openid-client does not verify, so it passes
 * at once). The mock, sample-app and the harness share the bench process, as in
 * a test suite's in-process run. Tiny scale runs the baseline and two cases only.
 */
import { startMockIdp } from '../../mock-idp/index.js';
import { runAppConformance } from '../../mock-idp/conformance/index.js';
import { startSampleApp } from '../../sample-app/server.js';
import { atMost, figure, type SectionResult } from '../lib/figures.js';
import type { BenchConfig } from '../lib/config.js';

const TINY_ONLY = new Set(['RP-00', 'RP-01', 'RP-04']);

export async function measureAppConformance(config: BenchConfig): Promise<SectionResult> {
  const idp = await startMockIdp({ port: 0 });
  const app = await startSampleApp({
    issuerBaseURL: idp.issuer, clientID: 'sample-app', clientSecret: 'sample-app-secret', sessionSecret: 'bench-only session secret, long enough',
    audience: 'https://api.example.com', apiUrl: 'http://localhost:9', port: 0, host: 'localhost', sessionRollingDuration: 86_400, sessionAbsoluteDuration: 604_800,
  });
  try {
    await idp.updateTenant((t) => {
      t.applications = (t.applications ?? []).map((a) => (a.clientId === 'sample-app' ? { ...a, callbacks: [`${app.url}/callback`], allowedLogoutUrls: [app.url] } : a));
    });
    const skip = config.scale === 'tiny' ? ['RP-02', 'RP-03', 'RP-05', 'RP-06', 'RP-07', 'RP-08', 'RP-09', 'RP-10', 'RP-11', 'RP-12', 'RP-13', 'RP-15', 'RP-17'].filter((id) => !TINY_ONLY.has(id)) : [];
    const seconds: number[] = [];
    const checks: number[] = [];
    let failed = 0;
    for (let round = 0; round < config.rounds; round++) {
      const report = await runAppConformance({ idp, loginUrl: `${app.url}/login`, protectedUrl: `${app.url}/profile`, clientId: 'sample-app', skip });
      seconds.push(report.durationMs / 1000);
      checks.push(report.results.filter((r) => r.verdict !== 'SKIP').length);
      failed += report.summary.failed;
    }
    if (failed > 0) throw new Error(`bench: sample-app failed ${failed} MUST checks of the app conformance run`);
    return {
      figures: {
        appRun: figure(`App conformance: full run against sample-app${config.scale === 'tiny' ? ' (tiny: 3 cases)' : ''}`, 's', seconds, atMost(30, 's')),
      },
      details: { checksRun: checks },
    };
  } finally {
    await app.close();
    await idp.close();
  }
}
