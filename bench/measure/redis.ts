/**
 * 11. The cost of `--redis`: headless code-flow logins/s against the mock alone (the logins section's
 * headless helper: authorize, login form, code exchange with PKCE: a session, an interaction, a code, a grant and tokens in the store) and
 * refresh-token rotations/s (each a find, an atomic consume and a new token), with the state in memory
 * and in a redis-server started here (Debian's /usr/bin/redis-server, no persistence), the two mocks
 * (`mock-idp start`, on SERVER_CORE) interleaved round by round. At tiny scale (the smoke test) only
 * the Redis mock runs: the smoke checks the path works, the memory figures are the other sections'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Directory } from '../../mock-idp/core/directory.js';
import { loadTenantFile } from '../../mock-idp/core/tenant/load.js';
import { loginForTokens } from '../../mock-idp/tools/headless/login.js';
import { figure, type Figure, type SectionResult } from '../lib/figures.js';
import { postForm } from '../lib/http.js';
import { ROOT } from '../lib/paths.js';
import { freePort, type Child } from '../lib/spawn.js';
import { percentile, round3 } from '../lib/stats.js';
import type { BenchConfig } from '../lib/config.js';
import { AUDIENCE, startMockIdpChild } from './issuance.js';
import { helperLoginsFor } from './logins.js';

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const MODES = ['memory', 'redis'] as const;
const PASSWORD_LOGIN = { grant_type: 'password', username: 'bob@example.com', password: 'bob-pass', client_id: 'sample-app', client_secret: 'sample-app-secret', scope: 'openid offline_access', audience: AUDIENCE };

async function startRedisServer(): Promise<{ url: string; proc: ChildProcess }> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`bench: redis-server not found at ${REDIS_SERVER}: apt-get install -y redis-server (or set REDIS_SERVER_PATH)`);
  const port = await freePort();
  const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.once('exit', () => reject(new Error(`bench: redis-server exited: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, proc };
}

/** `concurrency` chains of refresh-token rotations (one password login each) until `seconds` have passed. */
async function rotationsFor(idp: string, concurrency: number, seconds: number): Promise<{ rotations: number; seconds: number; latencies: number[] }> {
  const token = `${idp}oauth/token`;
  const latencies: number[] = [];
  // The logins first: the window counts rotations only.
  const chains = await Promise.all(Array.from({ length: concurrency }, () => postForm(token, PASSWORD_LOGIN)));
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    chains.map(async ({ json: first }) => {
      let json = first;
      while (performance.now() < deadline) {
        const t = performance.now();
        const answer = await postForm(token, { grant_type: 'refresh_token', refresh_token: String(json.refresh_token), client_id: PASSWORD_LOGIN.client_id, client_secret: PASSWORD_LOGIN.client_secret });
        if (answer.status !== 200) throw new Error(`bench: refresh answered ${answer.status}: ${JSON.stringify(answer.json)}`);
        latencies.push(performance.now() - t);
        json = answer.json;
      }
    }),
  );
  return { rotations: latencies.length, seconds: (performance.now() - start) / 1000, latencies };
}

export async function measureRedis(config: BenchConfig): Promise<SectionResult> {
  // The smoke test (tiny) checks the Redis path runs; the memory stack beside it would double its cost.
  const modes = config.scale === 'tiny' ? (['redis'] as const) : MODES;
  const redis = await startRedisServer();
  const stacks: Partial<Record<(typeof MODES)[number], { child: Child; idp: string }>> = {};
  try {
    const directory = new Directory(loadTenantFile(join(ROOT, 'fixtures', 'tenant.json')));
    for (const mode of modes) {
      const { child, base } = await startMockIdpChild([], mode === 'redis' ? ['--redis', redis.url] : []);
      const idp = `${base}/`;
      // The headless helper's login (authorize, login form, PKCE code exchange), as the logins section's.
      await loginForTokens(idp, directory, { user: 'alice@example.com', audience: AUDIENCE });
      stacks[mode] = { child, idp };
    }
    const concurrency = Math.max(...config.loginConcurrency);
    const runs: Array<{ mode: string; round: number; loginsPerSec: number; loginP50: number; rotationsPerSec: number; rotationP50: number }> = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const mode of modes) {
        const { idp } = stacks[mode]!;
        if (config.warmupSeconds > 0) await helperLoginsFor(idp, directory, concurrency, config.warmupSeconds);
        const logins = await helperLoginsFor(idp, directory, concurrency, config.measureSeconds);
        const rotations = await rotationsFor(idp, concurrency, config.measureSeconds);
        runs.push({
          mode,
          round,
          loginsPerSec: round3(logins.logins / logins.seconds),
          loginP50: round3(percentile(logins.latencies, 50)),
          rotationsPerSec: round3(rotations.rotations / rotations.seconds),
          rotationP50: round3(percentile(rotations.latencies, 50)),
        });
      }
    }
    const figures: Record<string, Figure> = {};
    for (const mode of modes) {
      const set = runs.filter((r) => r.mode === mode);
      const where = mode === 'memory' ? 'state in memory' : 'state in Redis';
      figures[`logins_${mode}`] = figure(`Redis: headless code-flow logins/s (mock alone), ${concurrency} concurrent, ${where}`, 'logins/s', set.map((r) => r.loginsPerSec));
      figures[`rotations_${mode}`] = figure(`Redis: refresh-token rotations/s, ${concurrency} chains, ${where}`, 'tokens/s', set.map((r) => r.rotationsPerSec));
      figures[`rotationP50_${mode}`] = figure(`Redis: one rotation's duration p50, ${concurrency} chains, ${where}`, 'ms', set.map((r) => r.rotationP50));
    }
    return { figures, details: { runs } };
  } finally {
    await Promise.all(Object.values(stacks).map((s) => s.child.stop()));
    redis.proc.kill('SIGTERM');
    await once(redis.proc, 'exit');
  }
}
