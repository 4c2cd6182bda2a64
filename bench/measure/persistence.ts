/**
 * 9. The cost of `--data-dir`: headless logins/s through sample-app (as the logins section) with the
 * mock keeping its state in memory and in a data directory, the two stacks interleaved round by round
 * on SERVER_CORE; and the size of the state file the logins left and the writes made.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, type Figure, type SectionResult } from '../lib/figures.js';
import { dist } from '../lib/paths.js';
import { spawnNode, type Child } from '../lib/spawn.js';
import { percentile, round3 } from '../lib/stats.js';
import type { BenchConfig } from '../lib/config.js';
import { loginOnce, loginsFor } from './logins.js';

const MODES = ['memory', 'dataDir'] as const;

export async function measurePersistence(config: BenchConfig): Promise<SectionResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mock-idp-bench-state-'));
  const stacks: Partial<Record<(typeof MODES)[number], { child: Child; appUrl: string }>> = {};
  // The smoke test (tiny) checks the data-directory path runs; the in-memory stack beside it would double its cost (as redis).
  const modes = config.scale === 'tiny' ? (['dataDir'] as const) : MODES;
  try {
    for (const mode of modes) {
      const child = spawnNode({ args: [dist('bench/children/stack.js'), ...(mode === 'dataDir' ? [dataDir] : [])] });
      const [, appUrl = ''] = await child.waitFor(/^Ready\. app=(\S+)/m);
      await loginOnce(appUrl);
      stacks[mode] = { child, appUrl };
    }
    const concurrency = Math.max(...config.loginConcurrency);
    const runs: Array<{ mode: string; round: number; loginsPerSec: number; p50: number }> = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const mode of modes) {
        const { appUrl } = stacks[mode]!;
        if (config.warmupSeconds > 0) await loginsFor(appUrl, concurrency, config.warmupSeconds);
        const w = await loginsFor(appUrl, concurrency, config.measureSeconds);
        runs.push({ mode, round, loginsPerSec: round3(w.logins / w.seconds), p50: round3(percentile(w.latencies, 50)) });
      }
    }
    const figures: Record<string, Figure> = {};
    for (const mode of modes) {
      const set = runs.filter((r) => r.mode === mode);
      const where = mode === 'memory' ? 'state in memory' : 'with --data-dir';
      figures[`rate_${mode}`] = figure(`Persistence: headless logins/s, ${concurrency} concurrent, ${where}`, 'logins/s', set.map((r) => r.loginsPerSec));
      figures[`p50_${mode}`] = figure(`Persistence: one login's duration p50, ${concurrency} concurrent, ${where}`, 'ms', set.map((r) => r.p50));
    }
    const stateBytes = statSync(join(dataDir, 'state.json')).size;
    figures.stateSize = figure('Persistence: state.json after the logins', 'KiB', [round3(stateBytes / 1024)]);
    return { figures, details: { runs, stateBytes, logins: runs.length } };
  } finally {
    await Promise.all(Object.values(stacks).map((s) => s.child.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
