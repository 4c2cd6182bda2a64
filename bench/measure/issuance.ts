/**
 * 3. Token issuance: client-credentials tokens/s and p50/p99 at 1 and 10
 * connections, mock-idp (POST /oauth/token) against oauth2-mock-server
 * (POST /token), each server alone on SERVER_CORE, autocannon in the bench
 * process; as a ratio to the raw RS256 sign rate on that same core, same run.
 */
import { atLeast, atMost, figure, type Figure, type SectionResult } from '../lib/figures.js';
import { postForm } from '../lib/http.js';
import { runLoad, type LoadResult, type LoadTarget } from '../lib/load.js';
import { dist } from '../lib/paths.js';
import { cpuMeter } from '../lib/proc.js';
import { freePort, spawnNode, stopAll, type Child } from '../lib/spawn.js';
import { summarize } from '../lib/stats.js';
import type { BenchConfig } from '../lib/config.js';

export const AUDIENCE = 'https://api.example.com';
export const M2M_FORM = { grant_type: 'client_credentials', client_id: 'orders-worker', client_secret: 'orders-worker-secret', audience: AUDIENCE };

/** Starts `mock-idp start [startArgs]` (after `nodeArgs`, e.g. a preload) on SERVER_CORE and returns it with its base URL. */
export async function startMockIdpChild(nodeArgs: string[] = [], startArgs: string[] = []): Promise<{ child: Child; base: string }> {
  const port = await freePort();
  const child = spawnNode({ args: [...nodeArgs, dist('bin/mock-idp.mjs'), 'start', '--port', String(port), ...startArgs] });
  await child.waitFor(/^Ready\./m);
  return { child, base: `http://127.0.0.1:${port}` };
}

/** RS256 signatures/s with node:crypto on SERVER_CORE (one child per round). */
export async function signRate(seconds: number): Promise<number> {
  const child = spawnNode({ args: [dist('bench/children/sign-rate.js'), String(seconds)] });
  try {
    const [line] = await child.waitFor(/^\{.*\}$/m, 30_000 + seconds * 1000);
    return (JSON.parse(line) as { opsPerSec: number }).opsPerSec;
  } finally {
    await child.stop();
  }
}

const form = (fields: Record<string, string>): LoadTarget['body'] => new URLSearchParams(fields).toString();
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

async function checkToken(url: string, fields: Record<string, string>): Promise<void> {
  const { status, json } = await postForm(url, fields);
  if (status !== 200 || typeof json.access_token !== 'string' || json.access_token.split('.').length !== 3) {
    throw new Error(`bench: ${url} did not issue a JWT access token (${status}): ${JSON.stringify(json)}`);
  }
}

interface Run extends LoadResult {
  server: string;
  round: number;
  /** Server CPU over the measured run, in cores (1 = its core saturated). */
  serverCpu: number;
}

export async function measureIssuance(config: BenchConfig): Promise<SectionResult> {
  const signs: number[] = [];
  for (let r = 0; r < config.rounds; r++) signs.push(await signRate(config.signSeconds));

  let idp: Child | undefined;
  let oauth2: Child | undefined;
  try {
    const started = await startMockIdpChild();
    idp = started.child;
    const oauth2Port = await freePort();
    oauth2 = spawnNode({ args: [dist('bench/children/oauth2-mock-server.js'), String(oauth2Port)] });
    await oauth2.waitFor(/^Ready\./m);

    const idpFields = M2M_FORM;
    const oauth2Fields = { grant_type: 'client_credentials', scope: 'read:orders', aud: AUDIENCE };
    const servers = [
      { name: 'mockIdp', child: idp, target: { url: `${started.base}/oauth/token`, method: 'POST', headers: FORM_HEADERS, body: form(idpFields) } as LoadTarget, fields: idpFields },
      { name: 'oauth2MockServer', child: oauth2, target: { url: `http://localhost:${oauth2Port}/token`, method: 'POST', headers: FORM_HEADERS, body: form(oauth2Fields) } as LoadTarget, fields: oauth2Fields },
    ];
    for (const s of servers) await checkToken(s.target.url, s.fields);

    const runs: Run[] = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const s of servers) {
        for (const connections of config.connections) {
          const cpu = cpuMeter(s.child.pid);
          const result = await runLoad(s.target, connections, config.warmupSeconds, config.measureSeconds);
          runs.push({ ...result, server: s.name, round, serverCpu: cpu() });
        }
      }
    }

    const pick = (server: string, connections: number) => runs.filter((r) => r.server === server && r.connections === connections);
    const sign = summarize(signs).median;
    const maxConn = Math.max(...config.connections);
    const figures: Record<string, Figure> = {
      signRate: figure('Raw RS256 sign rate, node:crypto, one core', 'ops/s', signs),
    };
    for (const s of servers) {
      const label = s.name === 'mockIdp' ? 'mock-idp' : 'oauth2-mock-server';
      for (const c of config.connections) {
        const set = pick(s.name, c);
        const isTarget = s.name === 'mockIdp' && c === maxConn;
        figures[`${s.name}Rps${c}`] = figure(`Issuance: ${label} tokens/s, ${c} conn`, 'tokens/s', set.map((r) => r.rps));
        figures[`${s.name}P50_${c}`] = figure(`Issuance: ${label} p50, ${c} conn`, 'ms', set.map((r) => r.p50));
        figures[`${s.name}P99_${c}`] = figure(`Issuance: ${label} p99, ${c} conn`, 'ms', set.map((r) => r.p99), isTarget ? atMost(5, 'ms') : undefined);
      }
    }
    figures.ratioToSign = figure(`Issuance: mock-idp tokens/s at ${maxConn} conn ÷ raw RS256 sign rate`, '×', pick('mockIdp', maxConn).map((r) => r.rps / sign), atLeast(0.75, '×', '≥ 0.75×'));
    figures.ratioToOauth2 = figure(
      `Issuance: mock-idp ÷ oauth2-mock-server tokens/s at ${maxConn} conn`,
      '×',
      pick('mockIdp', maxConn).map((r, i) => r.rps / (pick('oauth2MockServer', maxConn)[i]?.rps ?? Number.NaN)),
    );
    figures.serverCpu = figure(`Issuance: mock-idp server CPU at ${maxConn} conn`, 'cores', pick('mockIdp', maxConn).map((r) => r.serverCpu));
    figures.cpuPerToken = figure(`Issuance: mock-idp CPU per token at ${maxConn} conn (one RS256 sign = ${(1e6 / sign).toFixed(0)} µs)`, 'µs', pick('mockIdp', maxConn).map((r) => (r.serverCpu / r.rps) * 1e6));
    return { figures, details: { signRates: signs, runs, serverCores: idp.cores } };
  } finally {
    await stopAll([idp, oauth2]);
  }
}
