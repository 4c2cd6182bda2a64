/**
 * A strict consumer's use of mock-idp's public types, type-checked (not run) in a
 * temporary consumer project with `tsc --strict --skipLibCheck false --noEmit`.
 */
import {
  CONFORMANCE_CASES,
  runApiConformance,
  startMockIdp,
  type ApiConformanceOptions,
  type CheckResult,
  type ConformanceReport,
  type IdpDriver,
  type MintedToken,
  type MockIdp,
  type MockIdpOptions,
} from 'mock-idp';
import { describeApiConformance, type DescribeConformanceSettings } from 'mock-idp/conformance/vitest';

export async function mintFor(options: MockIdpOptions = { port: 0 }): Promise<string> {
  const idp: MockIdp = await startMockIdp(options);
  try {
    const minted: MintedToken = await idp.mintToken({ user: 'alice@example.com', audience: 'https://api.example.com' });
    const issuer: string = idp.issuer;
    return `${issuer} ${minted.kind} ${minted.token}`;
  } finally {
    await idp.close();
  }
}

export async function failedChecks(idp: MockIdp | IdpDriver, url: string): Promise<CheckResult[]> {
  const options: ApiConformanceOptions = { idp, url, audience: 'https://api.example.com', permission: 'read:orders' };
  const report: ConformanceReport = await runApiConformance(options);
  return report.results.filter((r) => r.verdict === 'FAIL');
}

export function declareSuite(idp: MockIdp, url: string): number {
  const settings: DescribeConformanceSettings = {
    name: 'orders API',
    failOnWarnings: true,
    onReport: (report: ConformanceReport) => {
      if (report.exitCode !== 0) console.error(report.summary.failed);
    },
  };
  describeApiConformance(() => ({ idp, url, audience: 'https://api.example.com', permission: 'read:orders' }), settings);
  return CONFORMANCE_CASES.length;
}
