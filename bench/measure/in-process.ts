/**
 * 2. In-process start: in fresh child processes, the import of mock-idp
 * (dist/mock-idp/index.js) timed apart, then startMockIdp({ port: 0 }) →
 * resolved, several rounds (the first one after import reported apart), and
 * the import of each runtime dependency alone (what bounds the import), each
 * in its own fresh process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atMost, figure, type Figure, type SectionResult } from '../lib/figures.js';
import { dist, ROOT } from '../lib/paths.js';
import { spawnNode } from '../lib/spawn.js';
import type { BenchConfig } from '../lib/config.js';

async function runChild<T>(args: string[]): Promise<T> {
  const child = spawnNode({ args: [dist('bench/children/in-process.js'), ...args], pin: 'all' });
  try {
    const [line] = await child.waitFor(/^\{.*\}$/m, 30_000);
    return JSON.parse(line) as T;
  } finally {
    await child.stop();
  }
}

interface StartRun {
  bootMs: number;
  importMs: number;
  startMs: number[];
  discoveryMs: number[];
}

/** The package's runtime dependencies (full scale), or none (tiny). */
function dependencies(config: BenchConfig): string[] {
  if (config.scale === 'tiny') return [];
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

export async function measureInProcess(config: BenchConfig): Promise<SectionResult> {
  const runs: StartRun[] = [];
  const deps = dependencies(config);
  const alone: Record<string, number[]> = Object.fromEntries(deps.map((d) => [d, []]));
  for (let i = 0; i < config.repeats; i++) {
    runs.push(await runChild<StartRun>([String(config.inProcessRounds)]));
    for (const dep of deps) alone[dep]?.push((await runChild<{ importMs: number }>(['--import-only', dep])).importMs);
  }
  const depFigures: Record<string, Figure> = Object.fromEntries(
    deps.map((dep) => [`import:${dep}`, figure(`In-process: import ${dep} alone (fresh process)`, 'ms', alone[dep] ?? [])]),
  );
  const first = runs.map((r) => r.startMs[0] ?? Number.NaN);
  const later = runs.flatMap((r) => r.startMs.slice(1));
  return {
    figures: {
      importMockIdp: figure('In-process: import mock-idp (dist/mock-idp/index.js)', 'ms', runs.map((r) => r.importMs)),
      ...depFigures,
      nodeBoot: figure('In-process: node start-up before the module runs', 'ms', runs.map((r) => r.bootMs)),
      firstStart: figure('In-process: first startMockIdp() after import → resolved', 'ms', first, atMost(20, 'ms')),
      laterStart: figure('In-process: later startMockIdp() rounds → resolved', 'ms', later.length ? later : [Number.NaN], atMost(20, 'ms')),
      firstDiscovery: figure('In-process: first startMockIdp() → 200 on discovery', 'ms', runs.map((r) => r.discoveryMs[0] ?? Number.NaN)),
    },
    details: { runs, dependencyImportMs: alone, roundsPerChild: config.inProcessRounds },
  };
}
