/** `node dist/sample-app/main.js`: runs sample-app until SIGINT/SIGTERM. */
import { loadAppConfig } from './config.js';
import { startSampleApp } from './server.js';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await startSampleApp(config);
  console.log(`sample-app listening on ${app.url} (issuer ${config.issuerBaseURL}, API ${config.apiUrl})`);
  const stop = () => app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
