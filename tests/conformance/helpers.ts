/** Shared set-up of the conformance harness tests. */
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { runApiConformance, type ApiConformanceOptions, type ConformanceReport, type Verdict } from '../../mock-idp/conformance/index.js';

export const API = 'https://api.example.com';
export const PERMISSION = 'read:orders';
/**
 * The test APIs of tests/fixtures/flawed-apis are strict RFC 9068 resource servers (`typ: at+jwt`):
 * their runs send RFC 9068 tokens. sample-api's runs use the tenant's dialect, Auth0's default profile.
 */
export const RFC9068 = { tokenDialect: 'rfc9068_profile_authz' } as const;
/** Short windows for the tests: the test APIs keep their key set 1 s (`cacheMaxAge`), so correct ones honour a rotation within about a second. */
export const FAST = { rotationWait: 2_500, jwksCooldown: 1_000, requestTimeout: 2_000 } as const;

/** Sorted, distinct case ids with this verdict. */
export function caseIds(report: ConformanceReport, verdict: Verdict): string[] {
  return [...new Set(report.results.filter((r) => r.verdict === verdict).map((r) => r.caseId))].sort();
}

export function result(report: ConformanceReport, checkId: string) {
  const found = report.results.find((r) => r.checkId === checkId);
  if (!found) throw new Error(`no result for ${checkId}`);
  return found;
}

/** A mock-idp and whatever the test starts against it, closed afterwards. */
export async function withIdp<T>(use: (idp: MockIdp) => Promise<T>): Promise<T> {
  const idp = await startMockIdp({ port: 0 });
  try {
    return await use(idp);
  } finally {
    await idp.close();
  }
}

/** Runs the whole catalogue (short windows, RFC 9068 tokens unless `extra` says otherwise) against the API `start` serves for a fresh mock-idp; closes both. */
export function conformanceOf(start: (idp: MockIdp) => Promise<{ url: string; close(): Promise<void> }>, extra: Partial<ApiConformanceOptions> = RFC9068): Promise<ConformanceReport> {
  return withIdp(async (idp) => {
    const api = await start(idp);
    try {
      return await runApiConformance({ idp, url: `${api.url}/orders`, audience: API, permission: PERMISSION, ...FAST, ...extra });
    } finally {
      await api.close();
    }
  });
}

export { freePort } from '../helpers/free-port.js';
