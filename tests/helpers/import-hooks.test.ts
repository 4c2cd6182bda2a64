/**
 * The files of a vitest worker share one module graph (`isolate: false`): a module other than a test file is
 * evaluated once per worker, so a hook it registers at its top level would serve only the first test file of
 * the worker that imports it. Child processes and other per-file clean-up go through tests/setup.ts instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const TESTS = join(process.cwd(), 'tests');
/** Suites that run in a vitest of their own (a consumer project, the globalSetup example), not in this one. */
const OWN_VITEST = ['package/consumer/', 'fixture/global-setup-example/'];

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : modules(path);
    return /\.(c|m)?[jt]s$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

it('no shared test module registers a vitest hook when it is imported (only test files and tests/setup.ts do)', () => {
  const offenders = modules(TESTS)
    .map((path) => relative(TESTS, path).split('\\').join('/'))
    .filter((path) => path !== 'setup.ts' && !OWN_VITEST.some((dir) => path.startsWith(dir)))
    .flatMap((path) =>
      readFileSync(join(TESTS, path), 'utf8')
        .split('\n')
        .flatMap((line, i) => (/^(before|after)(All|Each)\s*\(/.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
    );
  expect(offenders).toEqual([]);
});
