/**
 * The catalogue as tests of your own vitest suite: one test per case, all fed
 * by a single conformance run in `beforeAll`. This is the only module of
 * mock-idp that imports vitest.
 *
 *   describeApiConformance(() => ({ url: `${api.url}/orders`, audience, permission: 'read:orders', idp }));
 */
import { beforeAll, describe, it } from 'vitest';
import { CONFORMANCE_CASES } from './cases.js';
import { APP_CONFORMANCE_CASES } from './app/cases.js';
import { runAppConformance } from './app/runner.js';
import type { AppConformanceOptions, AppConformanceReport } from './app/types.js';
import { runApiConformance } from './runner.js';
import type { ApiConformanceOptions, CheckResult, ConformanceReport } from './types.js';

export interface DescribeConformanceSettings {
  /** Name of the describe block; default `API conformance (RS catalogue)`. */
  name?: string;
  /** Timeout of the run in `beforeAll`, ms; default 120 000. */
  timeout?: number;
  /** Fail a case on WARN too (SHOULD requirements); default false. */
  failOnWarnings?: boolean;
  /** Called with the whole report once the run is done (e.g. to write it to a file). */
  onReport?: (report: ConformanceReport) => void;
}

function describeResult(r: CheckResult): string {
  return `${r.verdict} ${r.checkId} (${r.level}): sent ${r.sent}; expected ${r.expected}; got ${r.got}${r.reason ? ` — ${r.reason}` : ''}`;
}

/**
 * Declares `describe(name)` with one `it` per RS case. `options` may be a
 * function, called in `beforeAll` once your own set-up has started the API.
 */
export function describeApiConformance(
  options: ApiConformanceOptions | (() => ApiConformanceOptions | Promise<ApiConformanceOptions>),
  settings: DescribeConformanceSettings = {},
): void {
  const ordered = [...CONFORMANCE_CASES.filter((c) => c.id === 'RS-40'), ...CONFORMANCE_CASES.filter((c) => c.id !== 'RS-40')];
  describe(settings.name ?? 'API conformance (RS catalogue)', () => {
    let report: ConformanceReport | undefined;
    let setupError: unknown;
    beforeAll(async () => {
      try {
        report = await runApiConformance(typeof options === 'function' ? await options() : options);
        settings.onReport?.(report);
      } catch (err) {
        setupError = err;
      }
    }, settings.timeout ?? 120_000);

    for (const c of ordered) {
      it(`${c.id} ${c.title}: ${c.expected.replace(/`/g, '')}`, () => {
        if (setupError !== undefined) throw setupError;
        if (report === undefined) throw new Error('the conformance run did not complete');
        if (report.misconfigured && c.id !== 'RS-40') {
          throw new Error(`not run: the good-token baseline (RS-40) was refused — ${report.misconfigured.causes[0] ?? report.misconfigured.got}`);
        }
        const results = report.results.filter((r) => r.caseId === c.id);
        if (results.length === 0) throw new Error(`no result for ${c.id}`);
        const failed = results.filter((r) => r.verdict === 'FAIL' || (settings.failOnWarnings === true && r.verdict === 'WARN'));
        if (failed.length > 0) {
          const causes = c.id === 'RS-40' && report.misconfigured ? `\nlikely cause: ${report.misconfigured.causes.join('; ')}` : '';
          throw new Error(`${failed.map(describeResult).join('\n')}${causes}`);
        }
      });
    }
  });
}

/**
 * Declares `describe(name)` with one `it` per RP case the login-app harness runs
 * (a SKIP is a skipped test), all fed by one runAppConformance in `beforeAll`:
 *
 *   describeAppConformance(() => ({ idp, loginUrl: `${app.url}/login`, protectedUrl: `${app.url}/profile`, clientId: 'my-app' }));
 */
export function describeAppConformance(
  options: AppConformanceOptions | (() => AppConformanceOptions | Promise<AppConformanceOptions>),
  settings: Omit<DescribeConformanceSettings, 'onReport'> & { onReport?: (report: AppConformanceReport) => void } = {},
): void {
  describe(settings.name ?? 'Login-app conformance (RP catalogue)', () => {
    let report: AppConformanceReport | undefined;
    let setupError: unknown;
    beforeAll(async () => {
      try {
        report = await runAppConformance(typeof options === 'function' ? await options() : options);
        settings.onReport?.(report);
      } catch (err) {
        setupError = err;
      }
    }, settings.timeout ?? 180_000);

    for (const c of APP_CONFORMANCE_CASES) {
      it(`${c.id} ${c.title}: ${c.expected.replace(/`/g, '')}`, (context) => {
        if (setupError !== undefined) throw setupError;
        if (report === undefined) throw new Error('the conformance run did not complete');
        if (report.misconfigured && c.id !== 'RP-00') throw new Error(`not run: the unfaulted login (RP-00) failed — ${report.misconfigured.causes[0] ?? report.misconfigured.got}`);
        const results = report.results.filter((r) => r.caseId === c.id);
        if (results.length === 0) throw new Error(`no result for ${c.id}`);
        const failed = results.filter((r) => r.verdict === 'FAIL' || (settings.failOnWarnings === true && r.verdict === 'WARN'));
        if (failed.length > 0) throw new Error(`${failed.map(describeResult).join('\n')}${report.misconfigured ? `\nlikely cause: ${report.misconfigured.causes.join('; ')}` : ''}`);
        if (results.every((r) => r.verdict === 'SKIP')) context.skip(results[0]?.reason);
      });
    }
  });
}
