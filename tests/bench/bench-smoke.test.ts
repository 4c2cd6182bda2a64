/**
 * Smoke test of `npm run bench`: the whole bench at tiny scale completes and
 * writes a JSON with every section and numeric figures. Targets are not
 * checked (the bench prints them; it asserts nothing). The bench runs from the
 * TypeScript sources here, its child processes from dist/ (built by `npm ci`'s
 * prepare or `npm run build`): a stale dist/ measures the code it was built from.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../../bench/lib/config.js';
import { runBench } from '../../bench/run.js';

const out = mkdtempSync(join(tmpdir(), 'mock-idp-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface JsonSummary {
  median: unknown;
  min: unknown;
  max: unknown;
  n: unknown;
}

describe('npm run bench (BENCH_SCALE=tiny)', () => {
  it('runs every section and writes a JSON report with numeric figures', { timeout: 120_000 }, async () => {
    const report = await runBench({ env: {}, overrides: { scale: 'tiny', outDir: out }, log: () => undefined });
    const json = JSON.parse(readFileSync(report.file, 'utf8')) as {
      config: { scale: string };
      sections: Record<string, { error?: string; figures: Record<string, { summary: JsonSummary }> }>;
    };
    expect(json.config.scale).toBe('tiny');
    expect(Object.keys(json.sections).sort()).toEqual([...SECTIONS].sort());
    for (const name of SECTIONS) {
      const section = json.sections[name];
      expect(section?.error, `${name} failed`).toBeUndefined();
      const figures = Object.entries(section?.figures ?? {});
      expect(figures.length, `${name} has figures`).toBeGreaterThan(0);
      for (const [key, { summary }] of figures) {
        for (const field of ['median', 'min', 'max', 'n'] as const) {
          expect(typeof summary[field], `${name}.${key}.${field}`).toBe('number');
        }
      }
    }
    expect(report.markdown).toMatch(/^\| figure \| median \| min \| max \| target \| verdict \| peer \(same run\) \|/);
  });
});
