/**
 * Bench durations and repeats. `full` (default) is the real run; `tiny` is for
 * the smoke test (every section once, three at a time, unpinned). Each value can be overridden
 * by a flag or an environment variable:
 *
 * | flag          | env              | meaning                                              |
 * | ------------- | ---------------- | ---------------------------------------------------- |
 * | --scale S     | BENCH_SCALE      | full or tiny                                         |
 * | --rounds N    | BENCH_ROUNDS     | load rounds per figure (throughput, memory)          |
 * | --warmup S    | BENCH_WARMUP     | warm-up seconds before each measured load run        |
 * | --duration S  | BENCH_DURATION   | measured seconds of each load run                    |
 * | --repeats N   | BENCH_REPEATS    | cold starts per target, in-process child processes   |
 * | --settle S    | BENCH_SETTLE     | seconds after load before the memory reading         |
 * | --only LIST   | BENCH_ONLY       | comma-separated sections (default: all)              |
 * | --out DIR     | BENCH_OUT        | where the JSON goes (default bench/results)          |
 * | --cpu-prof D  | BENCH_CPU_PROF   | run the measured servers under --cpu-prof into D     |
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const SECTIONS = ['coldStart', 'inProcess', 'issuance', 'mint', 'validation', 'logins', 'memory', 'boundedCost', 'concurrency', 'appConformance', 'persistence', 'redis'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchConfig {
  scale: 'full' | 'tiny';
  /** Cold starts per target, and in-process child processes. */
  repeats: number;
  /** startMockIdp()/close() rounds inside each in-process child. */
  inProcessRounds: number;
  rounds: number;
  warmupSeconds: number;
  measureSeconds: number;
  signSeconds: number;
  connections: number[];
  loginConcurrency: number[];
  memoryIdleSeconds: number;
  memorySettleSeconds: number;
  memoryRounds: number;
  /** Sections run at once: 1 for measuring; the smoke test's tiny scale overlaps them (its figures are not read). */
  lanes: number;
  /** Servers pinned to SERVER_CORE apart from the bench (full); tiny runs them on every core, as lanes overlap. */
  pin: boolean;
  sections: SectionName[];
  outDir?: string;
  /** When set, the measured servers write CPU profiles here and the report summarises them (lib/profile.ts). */
  cpuProfDir?: string;
}

const SCALES: Record<BenchConfig['scale'], Omit<BenchConfig, 'scale' | 'sections'>> = {
  full: {
    repeats: 10,
    inProcessRounds: 5,
    rounds: 3,
    warmupSeconds: 2,
    measureSeconds: 5,
    signSeconds: 2,
    connections: [1, 10, 50],
    loginConcurrency: [1, 8],
    memoryIdleSeconds: 2,
    memorySettleSeconds: 5,
    memoryRounds: 3,
    lanes: 1,
    pin: true,
  },
  // The smoke test's: every section once, as small as still exercises its code, three at a time on every core.
  tiny: {
    repeats: 1,
    inProcessRounds: 2,
    rounds: 1,
    warmupSeconds: 0.05,
    measureSeconds: 0.3,
    signSeconds: 0.1,
    connections: [10],
    loginConcurrency: [2],
    memoryIdleSeconds: 0.1,
    memorySettleSeconds: 0.1,
    memoryRounds: 2,
    lanes: 3,
    pin: false,
  },
};

type Env = Record<string, string | undefined>;

function num(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && (!Number.isInteger(value) || value < 1))) {
    throw new Error(`bench: ${name} must be a ${integer ? 'positive integer' : 'non-negative number'}, got "${raw}"`);
  }
  return value;
}

/** The configuration from overrides (e.g. the smoke test's), flags and the environment, over the scale's defaults. */
export function loadConfig(argv: string[] = [], env: Env = process.env, overrides: Partial<BenchConfig> = {}): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      scale: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      repeats: { type: 'string' },
      settle: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const scale = overrides.scale ?? values.scale ?? env.BENCH_SCALE ?? 'full';
  if (scale !== 'full' && scale !== 'tiny') throw new Error(`bench: scale must be full or tiny, got "${scale}"`);
  const base = SCALES[scale];
  const only = (values.only ?? env.BENCH_ONLY)?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of only ?? []) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`bench: unknown section "${name}" (one of ${SECTIONS.join(', ')})`);
  }
  const rounds = num('rounds', values.rounds ?? env.BENCH_ROUNDS, base.rounds, true);
  const outDir = values.out ?? env.BENCH_OUT;
  const cpuProfDir = values['cpu-prof'] ?? env.BENCH_CPU_PROF;
  return {
    ...base,
    scale,
    rounds,
    memoryRounds: Math.max(base.memoryRounds, rounds),
    warmupSeconds: num('warmup', values.warmup ?? env.BENCH_WARMUP, base.warmupSeconds, false),
    measureSeconds: num('duration', values.duration ?? env.BENCH_DURATION, base.measureSeconds, false),
    repeats: num('repeats', values.repeats ?? env.BENCH_REPEATS, base.repeats, true),
    memorySettleSeconds: num('settle', values.settle ?? env.BENCH_SETTLE, base.memorySettleSeconds, false),
    sections: (only as SectionName[] | undefined) ?? [...SECTIONS],
    ...(outDir ? { outDir } : {}),
    ...(cpuProfDir ? { cpuProfDir: resolve(cpuProfDir) } : {}),
    ...overrides,
  };
}
