/**
 * Property-based fuzzing of every endpoint of a running mock (in-process, port 0):
 * thousands of generated malformed requests (methods, content types, bodies, odd
 * Host / Origin / Authorization / Cookie headers, queries), and for each:
 *   - no 5xx answer, and an answer (not a closed connection) within 5 s;
 * after each batch of runs and each group: the mock still answers GET /_mock/health,
 * no uncaught exception; after the run: RSS grew less than 150 MiB.
 *
 * Reproducible: the seed is fixed (printed at the start), each group derives its own.
 *   FUZZ_SEED=<n>|random   base seed (default 20250611)
 *   FUZZ_RUNS=<n>          requests in all, shared among the groups (default 6000)
 *   FUZZ_BUDGET_MS=<ms>    time for all groups, shared as the runs are (default 40000; 0: none).
 *                          On a machine 3x slower than usual a group stops early (and says
 *                          so) rather than pushing the suite past a minute
 *   FUZZ_COLLECT=<file>    do not stop at the first finding: run every request, write
 *                          each distinct finding (group, route, status, server error)
 *                          to <file> as JSON, then fail listing them
 *   FUZZ_REPLAY=<file>     send only the request saved by a failure to a fresh mock
 *                          (its cookies and tokens were the old mock's) and print the answer
 *   FUZZ_MEM=1             print RSS and heap after each group
 * A failure prints the seed, the group, the exact request (method, path, headers, body
 * preview) and the mock's log, and writes the whole request (body in base64) to a JSON
 * file in the temp directory. Replay it with
 *   FUZZ_SEED=<seed> npx vitest run tests/fuzz -t '<group>'
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { materialize, preview, requestOf, type RequestRecipe } from './arbitraries.js';
import { GROUPS, HEAVY_ROUTES, type Group } from './endpoints.js';
import { NoAnswer, send, type RawAnswer, type RawRequest } from './raw-http.js';
import { World } from './world.js';

const TIMEOUT_MS = 5_000;
const HEALTH_EVERY = 200;
const RSS_GROWTH_LIMIT = 150 * 1024 * 1024;

const SEED = process.env.FUZZ_SEED === 'random' ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FUZZ_SEED ?? 20250611) | 0;
const TOTAL_RUNS = Math.max(GROUPS.length, Number(process.env.FUZZ_RUNS ?? 6000) | 0);
const COLLECT = process.env.FUZZ_COLLECT;
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 40_000);

/** Each group's seed: the base seed and the group's name, so a group replays alone with `-t`. */
function groupSeed(name: string): number {
  let h = SEED;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

function runsOf(group: Group): number {
  return Math.max(1, Math.round(TOTAL_RUNS * group.share));
}

// ---------------------------------------------------------------- what the mock logs, and crashes

/** The mock logs unexpected errors with console.error: kept (not printed) and shown with the request that caused them. */
const serverLog: string[] = [];
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => void uncaught.push(err);

function describeRequest(req: RawRequest): string {
  const lines = [`  ${req.method} ${preview(req.path, 400)}`];
  for (const [name, value] of Object.entries(req.headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`  ${name}: ${preview(v, 300)}`);
  const body = req.body;
  if (body?.length) lines.push(`  body (${body.length} bytes${req.framing === 'chunked' ? ', chunked' : ''}, shown as latin1): ${preview(body.toString('latin1'), 400)}`);
  return lines.join('\n');
}

function saveRequest(group: string, req: RawRequest): string {
  const file = join(tmpdir(), `mock-idp-fuzz-${group}-${SEED}.json`);
  writeFileSync(file, JSON.stringify({ seed: SEED, group, method: req.method, path: req.path, headers: req.headers, framing: req.framing ?? 'length', bodyBase64: req.body?.toString('base64') ?? '' }, null, 2));
  return file;
}

interface Finding {
  key: string;
  group: string;
  route: string;
  method: string;
  outcome: string;
  error: string;
  count: number;
  example: string;
  log: string;
}
const findings = new Map<string, Finding>();

/** The first line of the error the mock logged (its class and message), for telling findings apart. */
function errorLine(log: string[]): string {
  const text = log.join('\n');
  return /\b([A-Z]\w*Error|Error)\b[^\n]*/.exec(text)?.[0]?.slice(0, 200) ?? (text.split('\n')[0] ?? '').slice(0, 200);
}

// ---------------------------------------------------------------- one group

async function health(world: World, when: string): Promise<void> {
  let answer: RawAnswer;
  try {
    answer = await send(world.port, { method: 'GET', path: '/_mock/health', headers: {} }, TIMEOUT_MS);
  } catch (err) {
    throw new Error(`the mock stopped answering GET /_mock/health ${when}: ${(err as Error).message}`);
  }
  if (answer.status !== 200 || !answer.preview.includes('"status":"ok"')) throw new Error(`GET /_mock/health answered ${answer.status} ${when}: ${preview(answer.preview)}`);
  if (uncaught.length) throw new Error(`uncaught exception in the process ${when}: ${format(uncaught[0])}`);
}

/** Requests sent by the groups so far (a failed group's too). */
let requests = 0;

async function fuzzGroup(group: Group): Promise<void> {
  const world = await World.start();
  const seed = groupSeed(group.name);
  const numRuns = runsOf(group);
  const heavy = new Map<string, number>();
  let sent = 0;
  try {
    const property = fc.asyncProperty(requestOf(group), async (recipe: RequestRecipe) => {
      const cap = HEAVY_ROUTES[recipe.route];
      if (cap !== undefined && recipe.method === 'POST') {
        const n = (heavy.get(recipe.route) ?? 0) + 1;
        heavy.set(recipe.route, n);
        fc.pre(n <= cap);
      }
      const resolve = await world.resolverFor(JSON.stringify(recipe));
      const req = materialize(recipe, resolve);
      serverLog.length = 0;
      let answer: RawAnswer | undefined;
      let outcome: string | undefined;
      try {
        answer = await send(world.port, req, TIMEOUT_MS);
        if (answer.status >= 500) outcome = `answered ${answer.status}`;
      } catch (err) {
        if (!(err instanceof NoAnswer)) throw new Error(`fuzz suite: the request could not be sent (${(err as Error).message}):\n${describeRequest(req)}`);
        outcome = err.reason === 'timeout' ? `no answer within ${TIMEOUT_MS} ms (hang)` : 'closed the connection without an answer';
      }
      sent++;
      requests++;
      if (sent % HEALTH_EVERY === 0) await health(world, `after ${sent} requests of group ${group.name}`);
      if (outcome === undefined) return;

      // A finding: what was sent, what came back, what the mock logged.
      await new Promise((r) => setTimeout(r, 5));
      const log = [...serverLog];
      const alive = await health(world, 'after this request').then(() => 'the mock still answers /_mock/health', (e: Error) => e.message);
      const report = [
        `fuzz group "${group.name}": ${req.method} ${recipe.route} ${outcome}${answer ? ` after ${answer.ms} ms` : ''}; ${alive}`,
        `reproduce: FUZZ_SEED=${SEED} FUZZ_RUNS=${TOTAL_RUNS} npx vitest run tests/fuzz -t '${group.name}'   (group seed ${seed}, run ${sent} of ${numRuns}; the request is saved in ${saveRequest(group.name, req)})`,
        'request:',
        describeRequest(req),
        answer ? `answer: ${answer.status} ${preview(answer.preview, 300)}` : 'answer: none',
        `mock log:${log.length ? `\n${log.join('\n').split('\n').slice(0, 25).map((l) => `  ${l}`).join('\n')}` : ' (nothing)'}`,
      ].join('\n');
      if (!COLLECT) throw new Error(report);
      const error = errorLine(log);
      const key = `${group.name} ${req.method} ${recipe.route} ${outcome.replace(/ after.*/, '')} ${error}`;
      const known = findings.get(key);
      if (known) known.count++;
      else findings.set(key, { key, group: group.name, route: recipe.route, method: req.method, outcome, error, count: 1, example: report, log: log.join('\n') });
    });
    const timeLimit = BUDGET_MS > 0 ? Math.round(BUDGET_MS * group.share) : undefined;
    const started = performance.now();
    await fc.assert(property, { seed, numRuns, endOnFailure: true, includeErrorInReport: true, maxSkipsPerRun: 1_000, ...(timeLimit ? { interruptAfterTimeLimit: timeLimit } : {}) });
    if (timeLimit && performance.now() - started >= timeLimit) console.log(`fuzz: group ${group.name} stopped at its time budget (${timeLimit} ms) after ${sent} of ${numRuns} runs`);
    await health(world, `after the group ${group.name}`);
  } finally {
    await world.close();
  }
}

// ---------------------------------------------------------------- memory

/** V8's gc(), without --expose-gc on the command line: RSS is compared after full collections, not at a garbage peak. */
const gc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

async function settledRss(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().rss;
}

const MiB = (bytes: number) => Math.round(bytes / 2 ** 20);

// ---------------------------------------------------------------- the suite

let rssBefore = 0;
const started = performance.now();

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverLog.push(format(...args)));
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('unhandledRejection', onUncaught);
  // Warm up (module loading, the first provider) before measuring memory.
  const warm = await World.start();
  await warm.close();
  rssBefore = await settledRss();
  console.log(`fuzz: seed ${SEED} (FUZZ_SEED), ${TOTAL_RUNS} runs (FUZZ_RUNS) in ${GROUPS.length} groups${COLLECT ? `, collecting findings into ${COLLECT}` : ''}`);
});

afterAll(() => {
  process.off('uncaughtExceptionMonitor', onUncaught);
  process.off('unhandledRejection', onUncaught);
  vi.restoreAllMocks();
  console.log(`fuzz: ${requests} requests in ${Math.round(performance.now() - started)} ms, RSS ${MiB(process.memoryUsage().rss)} MiB (${MiB(rssBefore)} MiB before)`);
  if (COLLECT) writeFileSync(COLLECT, JSON.stringify([...findings.values()], null, 2));
});

describe.runIf(process.env.FUZZ_REPLAY)('replay of a saved request', () => {
  it('sends it to a fresh mock', async () => {
    const saved = JSON.parse(readFileSync(process.env.FUZZ_REPLAY!, 'utf8')) as RawRequest & { bodyBase64: string };
    const world = await World.start();
    try {
      serverLog.length = 0;
      const req: RawRequest = { method: saved.method, path: saved.path, headers: saved.headers, body: Buffer.from(saved.bodyBase64, 'base64'), framing: saved.framing ?? 'length' };
      const answer = await send(world.port, req, TIMEOUT_MS);
      console.log(`replay:\n${describeRequest(req)}\nanswer: ${answer.status} ${preview(answer.preview, 300)}\nmock log:\n${serverLog.join('\n')}`);
      expect(answer.status).toBeLessThan(500);
    } finally {
      await world.close();
    }
  });
});

describe.skipIf(process.env.FUZZ_REPLAY)('malformed requests to every endpoint', () => {
  for (const group of GROUPS) {
    it(`${group.name}: no 5xx, no hang, still healthy (${runsOf(group)} runs)`, async () => {
      await fuzzGroup(group);
      if (process.env.FUZZ_MEM) {
        const rss = await settledRss();
        const { heapUsed, external } = process.memoryUsage();
        console.log(`fuzz: after ${group.name}: RSS ${MiB(rss)} MiB, heap ${MiB(heapUsed)} MiB, external ${MiB(external)} MiB`);
      }
      if (COLLECT) {
        const mine = [...findings.values()].filter((f) => f.group === group.name);
        expect(mine.map((f) => `${f.method} ${f.route} ${f.outcome} ×${f.count}: ${f.error}`)).toEqual([]);
      }
    }, 60_000);
  }

  it('keeps RSS growth under 150 MiB over the whole run', async () => {
    const growth = (await settledRss()) - rssBefore;
    console.log(`fuzz: RSS grew by ${MiB(growth)} MiB over ${requests} requests (limit ${MiB(RSS_GROWTH_LIMIT)} MiB${gc ? ', after full GCs' : ''})`);
    expect(growth, `RSS grew by ${MiB(growth)} MiB`).toBeLessThan(RSS_GROWTH_LIMIT);
  });
});

