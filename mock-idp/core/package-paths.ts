import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where `fixtures/` lives), found from this module whether it runs from source or from dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'fixtures', 'dev-keys.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mock-idp: cannot find its fixtures/ folder');
    dir = parent;
  }
  return dir;
}

const root = findRoot();

export const PACKAGE_PATHS = {
  root,
  defaultTenant: join(root, 'fixtures', 'tenant.json'),
  devKeys: join(root, 'fixtures', 'dev-keys.json'),
} as const;
