// `vite build --config sample-spa/vite.config.ts` (part of `npm run build`):
// the SPA goes to dist/sample-spa/www, served with its /config.json by sample-spa/server.ts.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/sample-spa/www', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
});
