import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
import { PACKAGE_PATHS } from '../../core/package-paths.js';
import type { MockState } from '../../core/state.js';
import { FAVICON_SVG, frontDoorPage } from '../views/front-door-page.js';
import { ONE_CLICK_USERS } from './interaction.js';

/**
 * The issuer root: a front door that says what this is and links everything a newcomer looks for;
 * the favicon every page links (SVG, also at the path browsers ask by default); the README at /docs.
 */
export function frontDoorRoutes(state: MockState, options: { adminToken: boolean }): Router {
  const router = new Router({ sensitive: true, strict: true });
  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = frontDoorPage({ issuer: state.issuer, directory: state.directory, maxUsers: ONE_CLICK_USERS, adminToken: options.adminToken });
  });
  router.get('/favicon.ico', (ctx) => {
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = FAVICON_SVG;
  });
  // The package's README as text: the docs that ship with it (npm always packs README.md).
  router.get('/docs', async (ctx) => {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = await readFile(join(PACKAGE_PATHS.root, 'README.md'), 'utf8');
  });
  return router;
}
