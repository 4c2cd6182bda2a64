/**
 * 5. Login throughput: logins per second through the headless helper (`loginForTokens`, what a
 * test's `idp.loginForTokens()` does) straight against a `mock-idp start` child; then complete headless logins per second through
 * sample-app (/profile → /authorize → login form → callback → /profile), each
 * with a fresh HeadlessBrowser, at 1 and 8 concurrent logins. The stack
 * (mock-idp, sample-api, sample-app in one process) runs on SERVER_CORE, the
 * browsers in the bench process.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Directory } from '../../mock-idp/core/directory.js';
import { loadTenantFile } from '../../mock-idp/core/tenant/load.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { loginForTokens } from '../../mock-idp/tools/headless/login.js';
import { atLeast, figure, type Figure, type SectionResult } from '../lib/figures.js';
import { dist, ROOT } from '../lib/paths.js';
import { profileArgs } from '../lib/profile.js';
import { AUDIENCE, startMockIdpChild } from './issuance.js';
import { cpuMeter, selfCpuMeter } from '../lib/proc.js';
import { spawnNode, type Child } from '../lib/spawn.js';
import { percentile, round3 } from '../lib/stats.js';
import type { BenchConfig } from '../lib/config.js';

const USER = { username: 'alice@example.com', password: 'alice-pass' };

/** One login with a fresh browser; throws unless it lands on /profile with 200. Returns the browser's request count. */
export async function loginOnce(appUrl: string): Promise<number> {
  const browser = new HeadlessBrowser();
  const loginPage = await browser.navigate(`${appUrl}/profile`);
  if (!loginPage.url.includes('/interaction/')) throw new Error(`bench: expected the login page, got ${loginPage.url} (${loginPage.response.status})`);
  const page = await browser.submit(loginPage, '/login', USER);
  if (page.response.status !== 200 || page.url !== `${appUrl}/profile`) throw new Error(`bench: login ended on ${page.url} (${page.response.status})`);
  return loginPage.hops.length + page.hops.length;
}

export interface Window {
  logins: number;
  seconds: number;
  latencies: number[];
}

/** `concurrency` loops of `login` until `seconds` have passed; counts logins that completed. */
export async function loginLoops(concurrency: number, seconds: number, login: () => Promise<unknown>): Promise<Window> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await login();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { logins: latencies.length, seconds: (performance.now() - start) / 1000, latencies };
}

/** `concurrency` loops logging in through the app until `seconds` have passed. */
export const loginsFor = (appUrl: string, concurrency: number, seconds: number): Promise<Window> => loginLoops(concurrency, seconds, () => loginOnce(appUrl));

interface Run {
  concurrency: number;
  round: number;
  loginsPerSec: number;
  logins: number;
  seconds: number;
  p50: number;
  p99: number;
  serverCpu: number;
  clientCpu: number;
}

/** `concurrency` loops of `idp.loginForTokens` (the headless helper: authorize, login form, PKCE code exchange) for `seconds`. */
export const helperLoginsFor = (issuer: string, directory: Directory, concurrency: number, seconds: number): Promise<Window> =>
  loginLoops(concurrency, seconds, () => loginForTokens(issuer, directory, { user: USER.username, audience: AUDIENCE }));

interface HelperRun {
  concurrency: number;
  round: number;
  loginsPerSec: number;
  p50: number;
  serverCpu: number;
}

/** Logins/s through the headless helper straight against a `mock-idp start` child (no app in between). */
async function measureHelperLogins(config: BenchConfig): Promise<{ figures: Record<string, Figure>; runs: HelperRun[] }> {
  const { child, base } = await startMockIdpChild(profileArgs(config, 'logins-headless-mock-idp'));
  try {
    const issuer = `${base}/`;
    const directory = new Directory(loadTenantFile(join(ROOT, 'fixtures', 'tenant.json')));
    await loginForTokens(issuer, directory, { user: USER.username, audience: AUDIENCE });
    const runs: HelperRun[] = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const concurrency of config.loginConcurrency) {
        if (config.warmupSeconds > 0) await helperLoginsFor(issuer, directory, concurrency, config.warmupSeconds);
        const cpu = cpuMeter(child.pid);
        const w = await helperLoginsFor(issuer, directory, concurrency, config.measureSeconds);
        runs.push({ concurrency, round, loginsPerSec: round3(w.logins / w.seconds), p50: round3(percentile(w.latencies, 50)), serverCpu: round3(cpu()) });
      }
    }
    const top = Math.max(...config.loginConcurrency);
    const figures: Record<string, Figure> = {};
    for (const c of config.loginConcurrency) {
      const set = runs.filter((r) => r.concurrency === c);
      figures[`helperRate${c}`] = figure(`Logins: idp.loginForTokens (headless helper) logins/s, ${c} concurrent`, 'logins/s', set.map((r) => r.loginsPerSec), c === top ? atLeast(200, 'logins/s') : undefined);
    }
    const topRuns = runs.filter((r) => r.concurrency === top);
    figures.helperCpuPerLogin = figure(`Logins: mock-idp CPU per headless-helper login, ${top} concurrent`, 'ms', topRuns.map((r) => (r.serverCpu / r.loginsPerSec) * 1000));
    figures.helperServerCpu = figure(`Logins: mock-idp process CPU under headless-helper logins, ${top} concurrent`, 'cores', topRuns.map((r) => r.serverCpu));
    return { figures, runs };
  } finally {
    await child.stop();
  }
}

export async function measureLogins(config: BenchConfig): Promise<SectionResult> {
  const helper = await measureHelperLogins(config);
  let stack: Child | undefined;
  try {
    stack = spawnNode({ args: [...profileArgs(config, 'logins-sample-app-stack'), dist('bench/children/stack.js')] });
    const [, appUrl = ''] = await stack.waitFor(/^Ready\. app=(\S+)/m);
    const requestsPerLogin = await loginOnce(appUrl);
    const runs: Run[] = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const concurrency of config.loginConcurrency) {
        if (config.warmupSeconds > 0) await loginsFor(appUrl, concurrency, config.warmupSeconds);
        const server = cpuMeter(stack.pid);
        const client = selfCpuMeter();
        const w = await loginsFor(appUrl, concurrency, config.measureSeconds);
        runs.push({
          concurrency,
          round,
          loginsPerSec: round3(w.logins / w.seconds),
          logins: w.logins,
          seconds: round3(w.seconds),
          p50: round3(percentile(w.latencies, 50)),
          p99: round3(percentile(w.latencies, 99)),
          serverCpu: round3(server()),
          clientCpu: round3(client()),
        });
      }
    }
    const top = Math.max(...config.loginConcurrency);
    const figures: Record<string, Figure> = { ...helper.figures };
    for (const c of config.loginConcurrency) {
      const set = runs.filter((r) => r.concurrency === c);
      figures[`rate${c}`] = figure(`Logins: headless logins/s through sample-app, ${c} concurrent`, 'logins/s', set.map((r) => r.loginsPerSec), undefined);
      figures[`p50_${c}`] = figure(`Logins: one login's duration p50, ${c} concurrent`, 'ms', set.map((r) => r.p50));
    }
    const topRuns = runs.filter((r) => r.concurrency === top);
    figures.serverCpu = figure(`Logins: stack process CPU, ${top} concurrent`, 'cores', topRuns.map((r) => r.serverCpu));
    figures.clientCpu = figure(`Logins: bench (headless browsers) CPU, ${top} concurrent`, 'cores', topRuns.map((r) => r.clientCpu));
    figures.cpuPerLogin = figure(`Logins: stack CPU per login (${requestsPerLogin} browser requests + the code exchange), ${top} concurrent`, 'ms', topRuns.map((r) => (r.serverCpu / r.loginsPerSec) * 1000));
    return { figures, details: { runs, helperRuns: helper.runs, requestsPerLogin, stackCores: stack.cores } };
  } finally {
    await stack?.stop();
  }
}
