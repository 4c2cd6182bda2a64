/** `node dist/sample-spa/main.js`: serves the built sample-spa until SIGINT/SIGTERM. */
import { loadSpaConfig } from './config.js';
import { startSpa } from './server.js';

async function main(): Promise<void> {
  const config = loadSpaConfig();
  const spa = await startSpa(config);
  console.log(`sample-spa listening on ${spa.url} (domain ${config.domain}, API ${config.apiUrl}, refresh tokens ${config.useRefreshTokens ? 'on' : 'off'})`);
  const stop = () => spa.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
