/**
 * The static half of sample-spa: the Vite build, its runtime configuration
 * at /config.json, and index.html for every other path (client-side routes
 * and the `?code=&state=` callback).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { PACKAGE_PATHS } from '../mock-idp/core/package-paths.js';
import { browserConfig, type SpaConfig } from './config.js';

/** Where `vite build` writes the SPA (see sample-spa/vite.config.ts). */
export const SPA_BUILD_DIR = join(PACKAGE_PATHS.root, 'dist', 'sample-spa', 'www');

export function createSpaApp(config: SpaConfig, buildDir = SPA_BUILD_DIR): express.Express {
  if (!existsSync(join(buildDir, 'index.html'))) {
    throw new Error(`sample-spa is not built (no ${join(buildDir, 'index.html')}): run "npm run build"`);
  }
  const app = express();
  app.disable('x-powered-by');
  app.get('/config.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(browserConfig(config));
  });
  app.use(express.static(buildDir, { index: 'index.html', maxAge: 0 }));
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.sendFile(join(buildDir, 'index.html'));
  });
  return app;
}
