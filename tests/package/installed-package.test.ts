/**
 * The package as a user gets it: `npm pack` of the built repo (dist/ from `pretest`),
 * installed into a fresh consumer project with only the consumer's own tools, then
 * used there the documented ways: the bin (`mock-idp start`, `npx mock-idp token`),
 * `import { startMockIdp } from 'mock-idp'`, `mock-idp/conformance/vitest` in the
 * consumer's own vitest, and the public types under a strict tsc without skipLibCheck.
 * The consumer's files are in ./consumer/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./consumer/', import.meta.url));
const API = 'https://api.example.com';

/** The consumer's own needs, at the versions this repo installed (so the npm cache of its `npm ci` has them). */
const CONSUMER_DEPS = ['typescript', '@types/node', 'vitest', 'jose'].map((name) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${version}`;
});

/**
 * The environment of the consumer's commands: without `npm run`'s own variables
 * (npm_package_*, npm_lifecycle_*, npm_config_local_prefix, ... would point npm at
 * this repo), without this repo's node_modules/.bin on PATH (npx would fall back to
 * this repo's tsc and vitest), and without vitest's markers of a worker.
 */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|registry|userconfig)$/i.test(key)) continue;
    if (/^(VITEST|TINYPOOL|FORCE_COLOR)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !/node_modules[\\/]\.bin|node-gyp-bin/.test(dir))
    .join(delimiter);
  env.NO_COLOR = '1';
  return env;
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Kills a detached child's whole process group (npx runs its command under `sh -c`). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Runs a command to its end (or kills it after `timeout` ms); never rejects. */
function run(command: string, args: string[], cwd: string, timeout: number): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: consumerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeout} ms]`;
      killGroup(child, 'SIGKILL');
    }, timeout);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}\n${err.message}`, ms: performance.now() - started });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function describeRun(what: string, ran: Ran): string {
  return `${what}: exit ${ran.code ?? ran.signal} after ${Math.round(ran.ms)} ms\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: Array<{ path: string; size: number }>;
}

let work: string;
let consumer: string;
let packed: PackResult;
let server: ChildProcess | undefined;
/** The strict tsc, started as soon as the consumer is installed (see beforeAll). */
let typecheck: Promise<Ran> | undefined;
const timings: Record<string, number> = {};

const STRICT_TSC = ['--no-install', 'tsc', '--strict', '--skipLibCheck', 'false', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'typed-use.ts', 'conformance.spec.ts'];

beforeAll(async () => {
  for (const built of ['dist/bin/mock-idp.mjs', 'dist/mock-idp/index.js', 'dist/mock-idp/conformance/vitest.js']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
  }
  work = mkdtempSync(join(tmpdir(), 'mock-idp-package-'));
  consumer = join(work, 'consumer');
  mkdirSync(consumer);

  // --ignore-scripts: `prepare` would rebuild; dist/ is already built.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT, 30_000);
  if (pack.code !== 0) throw new Error(describeRun('npm pack', pack));
  timings['npm pack'] = pack.ms;
  [packed] = JSON.parse(pack.stdout) as [PackResult];

  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'mock-idp-consumer', private: true, type: 'module' }, null, 2)}\n`);
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(consumer, file));

  const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename), ...CONSUMER_DEPS], consumer, 60_000);
  if (install.code !== 0) throw new Error(describeRun('npm install', install));
  timings['npm install'] = install.ms;
  // The longest case by far (one single-threaded tsc over ~400 declaration files) reads only the installed
  // files: it runs beside the other cases, which mostly wait on their child processes, and its test awaits it.
  typecheck = run('npx', STRICT_TSC, consumer, 100_000);
}, 180_000);

afterAll(async () => {
  if (server) killGroup(server, 'SIGKILL');
  await typecheck;
  if (work) rmSync(work, { recursive: true, force: true });
  console.info(`installed-package: ${Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
});

describe('the packed package, installed in a fresh consumer project', () => {
  it('ships the bin with its chunks, the entry points, fixtures and LICENSE; no source maps, sources, samples or tests', () => {
    const paths = packed.files.map((f) => f.path);
    const chunks = readdirSync(join(ROOT, 'dist', 'bin', 'chunks')).map((name) => `dist/bin/chunks/${name}`);
    expect(chunks.length).toBeGreaterThan(0);
    const needed = [
      'LICENSE',
      'README.md',
      'package.json',
      'fixtures/tenant.json',
      'fixtures/dev-keys.json',
      'tenant.schema.json',
      'dist/bin/mock-idp.mjs',
      ...chunks,
      'dist/mock-idp/index.js',
      'dist/mock-idp/index.d.ts',
      'dist/mock-idp/conformance/vitest.js',
      'dist/mock-idp/conformance/vitest.d.ts',
    ];
    expect.soft(needed.filter((p) => !paths.includes(p)), 'files missing from the tarball').toEqual([]);
    const outside = paths.filter((p) => !/^(dist\/bin\/|dist\/mock-idp\/|fixtures\/)/.test(p) && !['LICENSE', 'README.md', 'package.json', 'tenant.schema.json'].includes(p));
    expect.soft(outside, 'files outside dist/bin, dist/mock-idp and fixtures').toEqual([]);
    const maps = paths.filter((p) => p.endsWith('.map'));
    expect.soft(maps.length, `source maps (they point at .ts files the package does not ship), e.g. ${maps.slice(0, 3).join(', ')}`).toBe(0);
    expect.soft(paths.filter((p) => /\.[cm]?tsx?$/.test(p) && !/\.d\.[cm]?ts$/.test(p)), 'TypeScript sources').toEqual([]);
    expect.soft(paths.filter((p) => /\.test\.|\/tests?\//.test(p)), 'tests').toEqual([]);

    const installed = JSON.parse(readFileSync(join(consumer, 'node_modules', 'mock-idp', 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    expect.soft(installed.peerDependencies?.vitest, 'vitest as a peer dependency (mock-idp/conformance/vitest imports it)').toEqual(expect.stringMatching(/^\^4/));
    expect.soft(installed.peerDependenciesMeta?.vitest?.optional, 'vitest an optional peer').toBe(true);
  });

  it('`mock-idp start --port 0` serves discovery for the issuer it prints, and exits 0 on SIGTERM', async () => {
    const started = performance.now();
    // The bin npx would run. Not through npx here: npm exec runs it under `sh -c`, which
    // does not pass SIGTERM on, so npx's own exit code cannot tell how the server stopped.
    server = spawn(join(consumer, 'node_modules', '.bin', 'mock-idp'), ['start', '--port', '0'], {
      cwd: consumer,
      env: consumerEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const proc = server;
    let stdout = '';
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d));
    const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Ready." within 15 s\n--- stdout\n${stdout}\n--- stderr\n${stderr}`)), 15_000);
      proc.stdout!.on('data', (d: Buffer) => {
        stdout += d;
        if (stdout.includes('Ready.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(([code, signal]) => {
        clearTimeout(timer);
        reject(new Error(`mock-idp start exited (${code ?? signal}) before "Ready."\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      });
    });
    const issuer = /^\s*issuer\s+(\S+)/m.exec(stdout)?.[1];
    expect(issuer, stdout).toMatch(/^http:\/\/localhost:\d+\/$/);

    const response = await fetch(`${issuer}.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { issuer?: string }).issuer).toBe(issuer);

    proc.kill('SIGTERM');
    const [code, signal] = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still running 10 s after SIGTERM')), 10_000))]);
    server = undefined;
    expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('mock-idp stopped');
    timings.start = performance.now() - started;
  }, 30_000);

  it('`npx mock-idp token --user ... --audience ...` prints one JWT line and nothing else on stdout', async () => {
    const ran = await run('npx', ['--no-install', 'mock-idp', 'token', '--user', 'alice@example.com', '--audience', API], consumer, 20_000);
    timings['npx token'] = ran.ms;
    expect(ran.code, describeRun('npx mock-idp token', ran)).toBe(0);
    expect(ran.stdout, describeRun('npx mock-idp token', ran)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = JSON.parse(Buffer.from(ran.stdout.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: 'http://localhost:4000/', aud: API });
  }, 30_000);

  it("a consumer's ESM script imports startMockIdp, mints a token and verifies it with its own jose against the JWKS", async () => {
    const ran = await run(process.execPath, ['check-lib.mjs'], consumer, 20_000);
    timings['ESM script'] = ran.ms;
    expect(ran.code, describeRun('node check-lib.mjs', ran)).toBe(0);
    expect(ran.stdout.trim(), describeRun('node check-lib.mjs', ran)).toBe('OK');
  }, 30_000);

  it("the consumer's own vitest runs describeApiConformance (mock-idp/conformance/vitest) against its jose API", async () => {
    const ran = await run('npx', ['--no-install', 'vitest', 'run', '--reporter=json', '--outputFile=vitest-report.json', 'conformance.spec.ts'], consumer, 100_000);
    timings['consumer vitest'] = ran.ms;
    const reportFile = join(consumer, 'vitest-report.json');
    expect(existsSync(reportFile), describeRun('npx vitest run', ran)).toBe(true);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      numTotalTests: number;
      numFailedTests: number;
      testResults: Array<{ message?: string; assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>;
    };
    const tests = report.testResults.flatMap((file) => file.assertionResults);
    const failures = [
      ...report.testResults.map((file) => file.message).filter(Boolean),
      ...tests.filter((t) => t.status !== 'passed').map((t) => `${t.status} ${t.title}\n${t.failureMessages.join('\n')}`),
    ].join('\n\n');
    expect(failures, describeRun('npx vitest run', ran)).toBe('');
    expect(ran.code).toBe(0);
    // One test per catalogue case, RS-01 .. RS-40.
    const ids = tests.map((t) => /^(RS-\d+) /.exec(t.title)?.[1]);
    expect(ids).toContain('RS-01');
    expect(ids).toContain('RS-40');
    expect(new Set(ids).size).toBe(report.numTotalTests);
  }, 120_000);

  it('the public types check under tsc --strict --skipLibCheck false (module NodeNext)', async () => {
    const ran = await typecheck!;
    timings['strict tsc'] = ran.ms;
    expect(`${ran.stdout}${ran.stderr}`.trim(), 'tsc errors').toBe('');
    expect(ran.code).toBe(0);
  }, 120_000);
});
