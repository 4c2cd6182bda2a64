/**
 * 6. Memory: what 100,000 stored refresh tokens cost (children/refresh-tokens.ts); then RSS of a `mock-idp start` child (VmRSS every 100 ms) at idle,
 * peak under client-credentials token load, and `settle` seconds after each
 * load round; post-load readings across rounds are the leak check. RSS moves
 * with GC timing and the allocator, so after each RSS reading the child (with
 * a preload, the CLI unchanged) also runs a full GC and reports the heap left:
 * a heap that grows round after round is a leak, an RSS that does is not necessarily.
 */
import { atMost, figure, type Figure, type SectionResult } from '../lib/figures.js';
import { runLoad } from '../lib/load.js';
import { dist } from '../lib/paths.js';
import { RssSampler } from '../lib/proc.js';
import { sleep, summarize } from '../lib/stats.js';
import { spawnNode, type Child } from '../lib/spawn.js';
import type { BenchConfig } from '../lib/config.js';
import { M2M_FORM, startMockIdpChild } from './issuance.js';

interface Round {
  round: number;
  peakMiB: number;
  afterMiB: number;
  heapAfterGcMiB: number;
  tokensPerSec: number;
}

/** Asks the child for a full GC (SIGUSR2, see children/gc-on-signal.ts) and returns the heap left, in MiB. */
async function heapAfterGc(child: Child): Promise<number> {
  const reports = () => [...child.output().matchAll(/^GC (\{.*\})$/gm)];
  const before = reports().length;
  child.process.kill('SIGUSR2');
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(10)) {
    const json = reports()[before]?.[1];
    if (json) return (JSON.parse(json) as { heapUsedMiB: number }).heapUsedMiB;
  }
  throw new Error(`bench: no GC report from mock-idp:\n${child.output()}`);
}

export async function measureMemory(config: BenchConfig): Promise<SectionResult> {
  const tokens = await storedRefreshTokens(config);
  const { child, base } = await startMockIdpChild(['--expose-gc', '--import', dist('bench/children/gc-on-signal.js')]);
  const sampler = new RssSampler(child.pid, 100);
  try {
    const connections = Math.max(...config.connections);
    const target = { url: `${base}/oauth/token`, method: 'POST' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(M2M_FORM).toString() };
    const idleFrom = sampler.now();
    await sleep(config.memoryIdleSeconds * 1000);
    const idle = summarize(sampler.between(idleFrom, sampler.now())).median;
    const idleHeap = await heapAfterGc(child);

    const rounds: Round[] = [];
    for (let round = 0; round < config.memoryRounds; round++) {
      const from = sampler.now();
      const load = await runLoad(target, connections, config.warmupSeconds, config.measureSeconds);
      const peak = Math.max(...sampler.between(from, sampler.now()), sampler.current());
      await sleep(config.memorySettleSeconds * 1000);
      const after = sampler.current();
      rounds.push({ round, peakMiB: peak, afterMiB: after, heapAfterGcMiB: await heapAfterGc(child), tokensPerSec: load.rps });
    }
    const growth = (values: number[]) => {
      const d = values.slice(1).map((v) => v - (values[0] ?? Number.NaN));
      return d.length ? d : [Number.NaN];
    };
    const settle = config.memorySettleSeconds;
    return {
      figures: {
        idle: figure('Memory: mock-idp RSS at idle', 'MiB', [idle], atMost(75, 'MiB')),
        peak: figure(`Memory: mock-idp peak RSS under token load, ${connections} conn`, 'MiB', rounds.map((r) => r.peakMiB)),
        after: figure(`Memory: RSS ${settle} s after each load round`, 'MiB', rounds.map((r) => r.afterMiB), atMost(Math.round((idle + 50) * 10) / 10, 'MiB', `≤ idle + 50 = ${(idle + 50).toFixed(1)} MiB`)),
        rssGrowth: figure(`Memory: RSS ${settle} s after load, growth vs round 1 (${config.memoryRounds} rounds)`, 'MiB', growth(rounds.map((r) => r.afterMiB)), atMost(5, 'MiB', '≤ 5 MiB (no growth)')),
        heapIdle: figure('Memory: JS heap after full GC, idle', 'MiB', [idleHeap]),
        heapGrowth: figure(`Memory: JS heap after full GC, growth vs round 1 (${config.memoryRounds} rounds)`, 'MiB', growth(rounds.map((r) => r.heapAfterGcMiB)), atMost(1, 'MiB', '≤ 1 MiB (no leak)')),
        ...tokens.figures,
      },
      details: { refreshTokens: tokens.run, idleMiB: idle, idleHeapAfterGcMiB: idleHeap, rounds, samples: sampler.samples.map((s) => [Math.round(s.t), Math.round(s.mib * 10) / 10]), connections, cores: child.cores },
    };
  } finally {
    sampler.stop();
    await child.stop();
  }
}

interface RefreshTokenRun {
  count: number;
  stored: number;
  refreshStatus: number;
  refreshMs: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  bytesPerToken: number;
}

/** What `count` stored refresh tokens (each with its grant) cost: children/refresh-tokens.ts, in its own process. */
export async function storedRefreshTokens(config: BenchConfig): Promise<{ figures: Record<string, Figure>; run: RefreshTokenRun }> {
  const count = config.scale === 'full' ? 100_000 : 200;
  const child = spawnNode({ args: ['--expose-gc', dist('bench/children/refresh-tokens.js'), String(count)] });
  try {
    const [line] = await child.waitFor(/^\{.*\}$/m, 120_000);
    const run = JSON.parse(line) as RefreshTokenRun;
    if (run.stored < count || run.refreshStatus !== 200) throw new Error(`bench: ${run.stored} refresh tokens stored, the refresh answered ${run.refreshStatus}`);
    const n = count.toLocaleString('en');
    return {
      run,
      figures: {
        refreshTokensHeap: figure(`Memory: JS heap after full GC with ${n} stored refresh tokens (and their grants)`, 'MiB', [run.heapAfterMiB]),
        refreshTokensRss: figure(`Memory: RSS with ${n} stored refresh tokens`, 'MiB', [run.rssAfterMiB]),
        refreshTokenCost: figure('Memory: heap per stored refresh token (with its grant)', 'bytes', [run.bytesPerToken]),
        refreshWithMany: figure(`Memory: one refresh-token exchange with ${n} stored`, 'ms', [run.refreshMs]),
      },
    };
  } finally {
    await child.stop();
  }
}
