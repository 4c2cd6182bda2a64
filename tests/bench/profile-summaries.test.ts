/**
 * `--cpu-prof DIR` summarises only the profiles the run wrote (bench/lib/profile.ts): a DIR reused
 * across runs keeps the profiles of sections the later run did not measure, which must not reach its report.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeProfiles } from '../../bench/lib/profile.js';

const dir = mkdtempSync(join(tmpdir(), 'mock-idp-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A profile of one sampled function, 10 samples a second apart (the first 1.5 s count as start-up). */
const profile = (fn: string) =>
  JSON.stringify({
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
      { id: 2, callFrame: { functionName: fn, url: 'file:///x/dist/mock-idp/core/a.js', lineNumber: 0 } },
    ],
    startTime: 0,
    endTime: 10_000_000,
    samples: Array(10).fill(2),
    timeDeltas: Array(10).fill(1_000_000),
  });

describe('summarizeProfiles', () => {
  it('leaves out the profiles written before the run began', () => {
    const runStarted = Date.now() - 1_000;
    writeFileSync(join(dir, 'earlier-run.cpuprofile'), profile('old'));
    const past = new Date(runStarted - 60_000);
    utimesSync(join(dir, 'earlier-run.cpuprofile'), past, past);
    writeFileSync(join(dir, 'this-run.cpuprofile'), profile('fresh'));
    const summaries = summarizeProfiles(dir, runStarted);
    expect(summaries.map((s) => s.file.replace(/.*\//, ''))).toEqual(['this-run.cpuprofile']);
    expect(summaries[0]?.functions[0]?.[0]).toMatch(/^fresh /);
    expect(summarizeProfiles(dir)).toHaveLength(2);
  });
});
