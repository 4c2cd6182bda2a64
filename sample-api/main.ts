/** `node dist/sample-api/main.js`: runs the Orders API until SIGINT/SIGTERM. */
import { loadApiConfig } from './config.js';
import { startApi } from './server.js';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const api = await startApi(config);
  console.log(`sample-api listening on ${api.url} (issuer ${config.issuer}, audience ${config.audience})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`sample-api: ${signal} received, stopping`);
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('sample-api: error while stopping', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
