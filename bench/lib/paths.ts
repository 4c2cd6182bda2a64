import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json is), whether the bench runs from bench/ (vitest) or dist/bench/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the repository root');
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot();

/** A built file, e.g. dist('mock-idp/cli/main.js'). Children always run from dist/, also when the bench runs from sources. */
export const dist = (path: string): string => {
  const file = join(ROOT, 'dist', path);
  if (!existsSync(file)) throw new Error(`bench: ${file} is missing; run \`npm run build\` first`);
  return file;
};

export const RESULTS_DIR = join(ROOT, 'bench', 'results');
