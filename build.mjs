// The build: TypeScript to dist/, the CLI bundled into dist/bin/ (so `mock-idp start` loads a few files
// instead of ~400 ES modules: start-up is dominated by module loading), and sample-spa's page.
// Quiet unless something fails. `node build.mjs --if-stale` builds only when a source is newer than
// the last build, so a second `npm start` starts at once; `--then FILE` runs FILE in this same process
// afterwards (npm start: one process, so Ctrl-C and SIGTERM reach the stack itself).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const STAMP = 'dist/.build-stamp';
const SOURCES = ['mock-idp', 'sample-app', 'sample-api', 'sample-spa', 'stack', 'bench', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'build.mjs'];

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) if (entry !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function fail(step, output) {
  process.stderr.write(`build: ${step} failed\n${output}\n`);
  process.exit(1);
}

async function build() {
  rmSync('dist', { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (tsc.status !== 0) fail('tsc -p tsconfig.build.json', `${tsc.stdout}${tsc.stderr}`);

  const { build: bundle } = await import('rolldown');
  try {
    await bundle({
      input: { 'mock-idp': 'dist/mock-idp/cli/main.js' },
      platform: 'node',
      logLevel: 'warn',
      // depd (under koa's http-assert) calls eval on purpose; nothing a user of mock-idp can act on.
      onLog(level, log, handler) {
        if (log.code === 'EVAL' && String(log.id ?? log.message).includes('node_modules')) return;
        handler(level, log);
      },
      output: { dir: 'dist/bin', format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    });
  } catch (err) {
    fail('bundling the CLI (rolldown)', err?.stack ?? String(err));
  }

  // The shipped fixture validated now, beside each build of the tenant loader: a start with it runs no zod.
  const { prevalidate, PREVALIDATED_FILE } = await import(pathToFileURL('dist/mock-idp/core/tenant/load.js').href);
  const prevalidated = prevalidate(['fixtures/tenant.json']);
  for (const dir of ['dist/mock-idp/core/tenant', 'dist/bin', 'dist/bin/chunks']) if (existsSync(dir)) writeFileSync(join(dir, PREVALIDATED_FILE), prevalidated);

  const { build: vite } = await import('vite');
  try {
    await vite({ configFile: 'sample-spa/vite.config.ts', logLevel: 'warn' });
  } catch (err) {
    fail("building sample-spa's page (vite)", err?.stack ?? String(err));
  }

  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

const thenIndex = process.argv.indexOf('--then');
const then = thenIndex === -1 ? undefined : process.argv[thenIndex + 1];
const fresh = process.argv.includes('--if-stale') && existsSync(STAMP) && statSync(STAMP).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
if (!fresh) await build();
if (then) await import(pathToFileURL(then).href);
