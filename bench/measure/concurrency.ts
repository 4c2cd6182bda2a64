/**
 * 8. Load and concurrency, against a `mock-idp start` child seeded with many users:
 * - logins: that many headless logins, 100 in flight (each a whole login with its own
 *   cookie jar: /authorize, the login page, the form, the callback, the PKCE code
 *   exchange), logins/s, and how many token sets name another user than the one
 *   who logged in (must be 0);
 * - refresh race: 20 simultaneous uses of one refresh token, with rotation and no
 *   reuse interval (Auth0: one success) and within a reuse interval (all succeed);
 * - soak: rounds of client-credentials and refresh-token requests, the child's RSS
 *   after each round (flat once warmed up).
 * tests/load/ asserts the same workloads (these functions) without the timings.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Directory } from '../../mock-idp/core/directory.js';
import { parseTenant } from '../../mock-idp/core/tenant/load.js';
import type { TenantInput } from '../../mock-idp/core/tenant/schema.js';
import { loginForTokens, type TokenSet } from '../../mock-idp/tools/headless/login.js';
import { atMost, figure, type SectionResult } from '../lib/figures.js';
import { ROOT } from '../lib/paths.js';
import { readRssMiB } from '../lib/proc.js';
import { round3 } from '../lib/stats.js';
import type { BenchConfig } from '../lib/config.js';
import { AUDIENCE, M2M_FORM, startMockIdpChild } from './issuance.js';

export const RACERS = 20;
/** The fixture's confidential login application (rotation on, no reuse interval). */
export const APP = { client_id: 'sample-app', client_secret: 'sample-app-secret' } as const;
/** A copy of it with a reuse interval, added by `loadTenant`. */
export const LEEWAY_APP = { client_id: 'sample-app-leeway', client_secret: 'sample-app-secret' } as const;

export interface LoadUser {
  sub: string;
  email: string;
  password: string;
  name: string;
}

export const loadUsers = (count: number): LoadUser[] =>
  Array.from({ length: count }, (_, i) => ({ sub: `auth0|load-${i}`, email: `load-${i}@example.com`, password: `load-pass-${i}`, name: `Load User ${i}` }));

/** The fixture tenant plus `users`, and sample-app's copy with a 30 s reuse interval. */
export function loadTenant(users: readonly LoadUser[]): TenantInput {
  const tenant = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'tenant.json'), 'utf8')) as TenantInput;
  const sampleApp = tenant.applications?.find((a) => a.clientId === APP.client_id);
  if (!sampleApp) throw new Error('bench: the fixture tenant has no sample-app');
  tenant.applications = [...(tenant.applications ?? []), { ...structuredClone(sampleApp), clientId: LEEWAY_APP.client_id, name: 'sample-app (reuse interval)', refreshToken: { rotation: true, reuseInterval: 30 } }];
  tenant.users = [...(tenant.users ?? []), ...users];
  return tenant;
}

/** The users whose tokens name someone else (ID token sub or email, access token sub): must be none. */
export function mixUps(users: readonly LoadUser[], results: readonly TokenSet[]): string[] {
  return users.flatMap((user, i) => {
    const tokens = results[i];
    const id = tokens?.id_token ? decodeJwt(tokens.id_token) : {};
    const access = tokens ? decodeJwt(tokens.access_token) : {};
    return id.sub === user.sub && id.email === user.email && access.sub === user.sub ? [] : [user.email];
  });
}

export interface TokenAnswer {
  status: number;
  body: { refresh_token?: string; access_token?: string; error?: string };
}

async function postToken(issuer: string, fields: Record<string, string>): Promise<TokenAnswer> {
  const response = await fetch(`${issuer}oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  return { status: response.status, body: (await response.json()) as TokenAnswer['body'] };
}

export const refresh = (issuer: string, refreshToken: string, client: { client_id: string; client_secret: string } = APP) =>
  postToken(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken, ...client });

/** `racers` refresh requests with one token, all sent at once. */
export const refreshRace = (issuer: string, refreshToken: string, client: { client_id: string; client_secret: string } = APP, racers = RACERS) =>
  Promise.all(Array.from({ length: racers }, () => refresh(issuer, refreshToken, client)));

/**
 * One soak round: `perChain` client-credentials requests and as many rotations of each refresh
 * token chain (updated in place), the chains in parallel. Returns the answers that were not 200.
 */
export async function soakRound(issuer: string, chains: string[], perChain: number): Promise<number> {
  let failed = 0;
  await Promise.all(
    chains.map(async (_, c) => {
      for (let i = 0; i < perChain; i++) {
        const m2m = await postToken(issuer, M2M_FORM);
        const refreshed = await refresh(issuer, chains[c]!);
        if (m2m.status !== 200) failed++;
        if (refreshed.status !== 200 || !refreshed.body.refresh_token) failed++;
        else chains[c] = refreshed.body.refresh_token;
      }
    }),
  );
  return failed;
}

/**
 * Logins in flight at once against the child. With all 500 at once the bench process (every browser
 * on one core) lags for seconds, and some requests go out on keep-alive sockets the server has just
 * closed after its 5 s idle timeout (ECONNRESET, "other side closed"): a client artifact, which
 * tests/load/ (500 at once, in-process) does not have.
 */
const IN_FLIGHT = 100;

/** `work` for every item, at most `limit` at a time; results in the items' order. */
async function inWaves<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

export async function measureConcurrency(config: BenchConfig): Promise<SectionResult> {
  const full = config.scale === 'full';
  const users = loadUsers(full ? 500 : 10);
  const soakRounds = full ? 8 : 2;
  const chainCount = full ? 10 : 2;
  const perChain = full ? 30 : 1;
  const dir = mkdtempSync(join(tmpdir(), 'mock-idp-bench-load-'));
  const tenant = loadTenant(users);
  const tenantFile = join(dir, 'tenant.json');
  writeFileSync(tenantFile, JSON.stringify(tenant));
  const directory = new Directory(parseTenant(structuredClone(tenant), 'bench tenant'));
  const { child, base } = await startMockIdpChild([], ['--config', tenantFile]);
  const issuer = `${base}/`;
  const login = (user: string, clientId: string = APP.client_id) => loginForTokens(issuer, directory, { user, audience: AUDIENCE, clientId });
  try {
    const rates: number[] = [];
    const mixed: number[] = [];
    for (let round = 0; round < config.rounds; round++) {
      const t0 = performance.now();
      const results = await inWaves(users, IN_FLIGHT, (u) => login(u.email));
      rates.push(round3(users.length / ((performance.now() - t0) / 1000)));
      mixed.push(mixUps(users, results).length);
    }

    const races: { rotation: number[]; leeway: number[] } = { rotation: [], leeway: [] };
    for (let round = 0; round < config.rounds; round++) {
      for (const [kind, client] of [['rotation', APP], ['leeway', LEEWAY_APP]] as const) {
        const { refresh_token } = await login('alice@example.com', client.client_id);
        const answers = await refreshRace(issuer, refresh_token!, client);
        races[kind].push(answers.filter((a) => a.status === 200).length);
      }
    }

    const chains = await Promise.all(Array.from({ length: chainCount }, async () => (await login('bob@example.com')).refresh_token!));
    const rss: number[] = [];
    const rps: number[] = [];
    let soakFailed = 0;
    for (let round = 0; round < soakRounds; round++) {
      const t0 = performance.now();
      soakFailed += await soakRound(issuer, chains, perChain);
      rps.push(round3((chainCount * perChain * 2) / ((performance.now() - t0) / 1000)));
      rss.push(round3(readRssMiB(child.pid)));
    }
    const afterWarmup = rss.slice(1);
    const perRound = chainCount * perChain * 2;
    return {
      figures: {
        loginRate: figure(`Concurrency: ${users.length} headless logins of different users, ${Math.min(IN_FLIGHT, users.length)} in flight, logins/s`, 'logins/s', rates),
        mixUps: figure(`Concurrency: token sets naming another user, of ${users.length} logins`, 'sets', mixed, atMost(0, 'sets', '= 0')),
        raceRotation: figure(`Concurrency: successes of ${RACERS} simultaneous refreshes of one token (rotation, no reuse interval)`, 'successes', races.rotation, atMost(1, 'successes', '= 1')),
        raceLeeway: figure(`Concurrency: successes of ${RACERS} simultaneous refreshes of one token within a 30 s reuse interval`, 'successes', races.leeway),
        soakRss: figure(`Concurrency: soak RSS after each round of ${perRound} token requests (client credentials + refresh), ${soakRounds} rounds`, 'MiB', rss),
        soakGrowth: figure('Concurrency: soak RSS growth, last round vs round 2 (after warm-up)', 'MiB', [round3((afterWarmup.at(-1) ?? Number.NaN) - (afterWarmup[0] ?? Number.NaN))], atMost(10, 'MiB')),
        soakRate: figure('Concurrency: soak token requests/s', 'requests/s', rps),
      },
      details: { users: users.length, loginRates: rates, mixUps: mixed, races, soak: { rounds: soakRounds, perRound, rssMiB: rss, requestsPerSec: rps, failed: soakFailed }, cores: child.cores },
    };
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
