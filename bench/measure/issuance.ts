/**
 * 3. Token issuance: client-credentials tokens/s and p50/p99 at each connection count (1, 10, 50),
 * mock-idp (POST /oauth/token) against bare oidc-provider configured alike (children/bare-oidc-provider.ts)
 * and oauth2-mock-server (POST /token), each server alone on SERVER_CORE, autocannon in the bench
 * process, the three interleaved at each count; each as a ratio to the raw RS256 sign rate on that
 * same core, same run. The targets apply at the connection count where mock-idp's throughput peaks.
 */
import { atLeast, atMost, figure, withPeer, type Figure, type SectionResult } from '../lib/figures.js';
import { fmt } from '../lib/markdown.js';
import { profileArgs } from '../lib/profile.js';
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
  // Profiled: the unbundled CLI, whose frames name their package and folder (the bundle's name its chunk).
  const entry = nodeArgs.includes('--cpu-prof') ? dist('mock-idp/cli/main.js') : dist('bin/mock-idp.mjs');
  const child = spawnNode({ args: [...nodeArgs, entry, 'start', '--port', String(port), ...startArgs] });
  await child.waitFor(/^Ready\./m);
  return { child, base: `http://127.0.0.1:${port}` };
}

/** RS256 signatures per second and per CPU-second with node:crypto on SERVER_CORE (one child per round). */
export async function signRate(seconds: number): Promise<{ opsPerSec: number; opsPerCpuSec: number }> {
  const child = spawnNode({ args: [dist('bench/children/sign-rate.js'), String(seconds)] });
  try {
    const [line] = await child.waitFor(/^\{.*\}$/m, 30_000 + seconds * 1000);
    return JSON.parse(line) as { opsPerSec: number; opsPerCpuSec: number };
  } finally {
    await child.stop();
  }
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
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

const LABELS: Record<string, string> = { mockIdp: 'mock-idp', bareOidcProvider: 'bare oidc-provider', oauth2MockServer: 'oauth2-mock-server' };

export async function measureIssuance(config: BenchConfig): Promise<SectionResult> {
  const signs: number[] = [];
  const signsPerCpu: number[] = [];
  for (let r = 0; r < config.rounds; r++) {
    const rate = await signRate(config.signSeconds);
    signs.push(rate.opsPerSec);
    signsPerCpu.push(rate.opsPerCpuSec);
  }

  const children: Child[] = [];
  try {
    const started = await startMockIdpChild(profileArgs(config, 'issuance-mock-idp'));
    children.push(started.child);
    const barePort = await freePort();
    const bare = spawnNode({ args: [...profileArgs(config, 'issuance-bare-oidc-provider'), dist('bench/children/bare-oidc-provider.js'), String(barePort)] });
    children.push(bare);
    await bare.waitFor(/^Ready\./m);
    const oauth2Port = await freePort();
    const oauth2 = spawnNode({ args: [dist('bench/children/oauth2-mock-server.js'), String(oauth2Port)] });
    children.push(oauth2);
    await oauth2.waitFor(/^Ready\./m);

    const bareFields = { grant_type: 'client_credentials', client_id: 'orders-worker', client_secret: 'orders-worker-secret', resource: AUDIENCE };
    const oauth2Fields = { grant_type: 'client_credentials', scope: 'read:orders', aud: AUDIENCE };
    const post = (url: string, fields: Record<string, string>): LoadTarget => ({ url, method: 'POST', headers: FORM_HEADERS, body: form(fields) });
    const servers = [
      { name: 'mockIdp', child: started.child, target: post(`${started.base}/oauth/token`, M2M_FORM), fields: M2M_FORM },
      { name: 'bareOidcProvider', child: bare, target: post(`http://127.0.0.1:${barePort}/oauth/token`, bareFields), fields: bareFields },
      { name: 'oauth2MockServer', child: oauth2, target: post(`http://localhost:${oauth2Port}/token`, oauth2Fields), fields: oauth2Fields },
    ];
    for (const s of servers) await checkToken(s.target.url ?? '', s.fields);

    const runs: Run[] = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const connections of config.connections) {
        for (const s of servers) {
          const cpu = cpuMeter(s.child.pid);
          const result = await runLoad(s.target, connections, config.warmupSeconds, config.measureSeconds);
          runs.push({ ...result, server: s.name, round, serverCpu: cpu() });
        }
      }
    }

    const pick = (server: string, connections: number) => runs.filter((r) => r.server === server && r.connections === connections);
    const median = (values: number[]) => summarize(values).median;
    const sign = median(signs);
    const signCpu = median(signsPerCpu);
    /** Tokens per CPU-second of the server ÷ signatures per CPU-second: the per-core ratio, which other work on the shared core does not move. */
    const perCore = (r: Run) => r.rps / r.serverCpu / signCpu;
    /** The connection count where a server's median throughput peaks. */
    const peakOf = (server: string) => config.connections.reduce((best, c) => (median(pick(server, c).map((r) => r.rps)) > median(pick(server, best).map((r) => r.rps)) ? c : best));
    const peak = peakOf('mockIdp');
    const ratioText = (server: string, c: number) => `${LABELS[server]} ${fmt(median(pick(server, c).map((r) => r.rps / sign)))}×`;
    const peers = (c: number, show: (server: string, c: number) => string) => ['bareOidcProvider', 'oauth2MockServer'].map((p) => show(p, c)).join(', ');
    const figures: Record<string, Figure> = {
      signRate: figure('Raw RS256 sign rate, node:crypto, one core', 'ops/s', signs),
      signPerCpu: figure('Raw RS256 signatures per CPU-second, node:crypto', 'ops/s', signsPerCpu),
    };
    for (const c of config.connections) {
      for (const s of servers) {
        const set = pick(s.name, c);
        const label = LABELS[s.name];
        const mine = s.name === 'mockIdp';
        const rps = figure(`Issuance: ${label} tokens/s, ${c} conn`, 'tokens/s', set.map((r) => r.rps));
        figures[`${s.name}Rps${c}`] = mine ? withPeer(rps, peers(c, (p, n) => `${LABELS[p]} ${fmt(median(pick(p, n).map((r) => r.rps)))}`)) : rps;
        figures[`${s.name}Ratio${c}`] = figure(`Issuance: ${label} tokens/s ÷ raw RS256 sign rate (wall clock), ${c} conn`, '×', set.map((r) => r.rps / sign));
        if (mine) figures[`${s.name}Ratio${c}`] = withPeer(figures[`${s.name}Ratio${c}`]!, peers(c, ratioText));
        const core = figure(`Issuance: ${label} tokens per CPU-second ÷ signatures per CPU-second (per core), ${c} conn`, '×', set.map(perCore), mine && c === peak ? atLeast(0.75, '×', '≥ 0.75× (at the peak)') : undefined);
        figures[`${s.name}PerCore${c}`] = mine ? withPeer(core, peers(c, (p, n) => `${LABELS[p]} ${fmt(median(pick(p, n).map(perCore)))}×`)) : core;
        figures[`${s.name}P50_${c}`] = figure(`Issuance: ${label} p50, ${c} conn`, 'ms', set.map((r) => r.p50));
        const p99 = figure(`Issuance: ${label} p99, ${c} conn`, 'ms', set.map((r) => r.p99), mine && c === peak ? atMost(5, 'ms', '≤ 5 ms (at the peak)') : undefined);
        figures[`${s.name}P99_${c}`] = mine ? withPeer(p99, peers(c, (p, n) => `${LABELS[p]} ${fmt(median(pick(p, n).map((r) => r.p99)))} ms`)) : p99;
      }
    }
    figures.peakConnections = figure('Issuance: mock-idp connection count of peak throughput', 'conn', [peak]);
    figures.serverCpu = figure(`Issuance: mock-idp server CPU at ${peak} conn`, 'cores', pick('mockIdp', peak).map((r) => r.serverCpu));
    figures.cpuPerToken = withPeer(
      figure(`Issuance: mock-idp CPU per token at ${peak} conn (one RS256 sign = ${(1e6 / sign).toFixed(0)} µs)`, 'µs', pick('mockIdp', peak).map((r) => (r.serverCpu / r.rps) * 1e6)),
      peers(peak, (p, n) => `${LABELS[p]} ${fmt(median(pick(p, n).map((r) => (r.serverCpu / r.rps) * 1e6)))} µs`),
    );
    return { figures, details: { signRates: signs, signsPerCpuSecond: signsPerCpu, runs, peakConnections: peak, serverCores: started.child.cores } };
  } finally {
    await stopAll(children);
  }
}
