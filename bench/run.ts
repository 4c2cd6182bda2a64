/**
 * `npm run bench` (= build, then `node dist/bench/run.js [flags]`): runs the
 * measurements (lib/config.ts SECTIONS), prints a markdown table and writes JSON to bench/results/.
 * Flags and environment: see lib/config.ts (`BENCH_SCALE=tiny` for a quick run).
 *
 * Run as a program it re-executes itself under `taskset -c 0` (when available)
 * so that the load generator and poller stay on core 0 and the measured
 * servers, spawned with `taskset -c 1`, have core 1 to themselves.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type BenchConfig, type SectionName } from './lib/config.js';
import { verdict, type SectionResult } from './lib/figures.js';
import { figuresTable } from './lib/markdown.js';
import { RESULTS_DIR } from './lib/paths.js';
import { profilesMarkdown, summarizeProfiles, type ProfileSummary } from './lib/profile.js';
import { canPin, cores, SERVER_CORE, setPinning } from './lib/spawn.js';
import { measureColdStart } from './measure/cold-start.js';
import { measureInProcess } from './measure/in-process.js';
import { measureIssuance } from './measure/issuance.js';
import { measureLogins } from './measure/logins.js';
import { measureAppConformance } from './measure/app-conformance.js';
import { measureBoundedCost } from './measure/bounded-cost.js';
import { measureConcurrency } from './measure/concurrency.js';
import { measureMemory } from './measure/memory.js';
import { measureMint } from './measure/mint.js';
import { measurePersistence } from './measure/persistence.js';
import { measureRedis } from './measure/redis.js';
import { measureValidation } from './measure/validation.js';

const MEASURES: Record<SectionName, (config: BenchConfig) => Promise<SectionResult>> = {
  coldStart: measureColdStart,
  inProcess: measureInProcess,
  issuance: measureIssuance,
  mint: measureMint,
  validation: measureValidation,
  logins: measureLogins,
  memory: measureMemory,
  boundedCost: measureBoundedCost,
  persistence: measurePersistence,
  redis: measureRedis,
  concurrency: measureConcurrency,
  appConformance: measureAppConformance,
};

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  config: BenchConfig;
  environment: Record<string, unknown>;
  sections: Partial<Record<SectionName, SectionResult>>;
  /** With --cpu-prof: each measured server's profile, summarised (self time by component and function). */
  profiles?: ProfileSummary[];
  markdown: string;
  file: string;
}

export interface RunOptions {
  argv?: string[];
  env?: Record<string, string | undefined>;
  overrides?: Partial<BenchConfig>;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** Runs the bench in this process (the smoke test calls this directly); children always run from dist/. */
export async function runBench(options: RunOptions = {}): Promise<BenchReport> {
  const config = loadConfig(options.argv ?? [], options.env ?? process.env, options.overrides);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = new Date();
  const t0 = performance.now();
  const loadBefore = loadavg();
  const sections: BenchReport['sections'] = {};
  setPinning(config.pin);
  const queue = [...config.sections];
  const lane = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const s0 = performance.now();
      log(`bench: ${name}...`);
      try {
        sections[name] = await MEASURES[name](config);
      } catch (err) {
        sections[name] = { figures: {}, details: {}, error: (err as Error).stack ?? String(err) };
        log(`bench: ${name} failed: ${(err as Error).message}`);
      }
      log(`bench: ${name} done in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.lanes) }, lane));
  setPinning(true);
  // In the configured order, whichever lane finished first.
  for (const name of config.sections) {
    const result = sections[name];
    delete sections[name];
    if (result) sections[name] = result;
  }
  const figures = Object.values(sections).flatMap((s) => Object.values(s.figures));
  const errors = Object.entries(sections).filter(([, s]) => s.error).map(([name, s]) => `- ${name} failed: ${s.error?.split('\n')[0] ?? ''}`);
  if (config.cpuProfDir) mkdirSync(config.cpuProfDir, { recursive: true });
  // Only this run's: a DIR reused across runs keeps the profiles of sections this run did not measure.
  const profiles = config.cpuProfDir ? summarizeProfiles(config.cpuProfDir, started.getTime()) : undefined;
  const markdown = [figuresTable(figures), ...(errors.length ? ['', ...errors] : []), ...(profiles?.length ? ['', `## CPU profiles (${config.cpuProfDir})`, '', profilesMarkdown(profiles)] : [])].join('\n');
  const environment = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cores().all,
    benchProcessPinnedToCore0: process.env.BENCH_PINNED === '1',
    serverCore: canPin() ? SERVER_CORE : 'not pinned (no taskset or a single core)',
    // The machine is shared: a load average well above 0 means other work competed with the run.
    loadAverage1mBefore: loadBefore[0],
    loadAverage1mAfter: loadavg()[0],
  };
  const dir = config.outDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const report: BenchReport = { startedAt: started.toISOString(), durationSeconds: (performance.now() - t0) / 1000, config, environment, sections, ...(profiles ? { profiles } : {}), markdown, file };
  const json = `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  return report;
}

async function main(): Promise<void> {
  // Re-execute on core 0 (the servers get core 1); children inherit that, so the bench passes the full list on.
  if (process.env.BENCH_PINNED !== '1' && canPin()) {
    const result = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PINNED: '1', BENCH_ALL_CORES: cores().all },
    });
    process.exitCode = result.status ?? 1;
    return;
  }
  const report = await runBench({ argv: process.argv.slice(2) });
  const f = Object.values(report.sections).flatMap((s) => Object.values(s.figures));
  process.stdout.write(`\n${report.markdown}\n\n${f.filter((x) => verdict(x) === 'MISS').length} of ${f.filter((x) => x.target).length} targets missed (targets are printed, not asserted). JSON: ${report.file} (${report.durationSeconds.toFixed(0)} s)\n`);
  if (Object.values(report.sections).some((s) => s.error)) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
