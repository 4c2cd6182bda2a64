/**
 * `node dist/bench/children/stack.js`: mock-idp, sample-api and sample-app in
 * one process on free ports, wired as tests/helpers/stack.ts does (sample-app's
 * callback registered for the port it got), for the login benchmark.
 * Prints `Ready. app=<url> idp=<issuer>`; stops on SIGTERM. With an argument, the mock
 * keeps its state in that data directory (`startMockIdp({ dataDir })`, the persistence section).
 */
import { startMockIdp } from '../../mock-idp/index.js';
import { loadApiConfig } from '../../sample-api/config.js';
import { startApi } from '../../sample-api/server.js';
import { loadAppConfig } from '../../sample-app/config.js';
import { startSampleApp } from '../../sample-app/server.js';

const dataDir = process.argv[2];
const idp = await startMockIdp({ port: 0, ...(dataDir ? { dataDir } : {}) });
const api = await startApi({ ...loadApiConfig({}), issuer: idp.issuer, jwksUri: idp.jwksUri, port: 0 });
const app = await startSampleApp({ ...loadAppConfig({}), issuerBaseURL: idp.issuer, apiUrl: api.url, port: 0 });
await idp.updateTenant((draft) => {
  const sampleApp = draft.applications?.find((a) => a.clientId === 'sample-app');
  if (sampleApp) {
    sampleApp.callbacks = [`${app.url}/callback`];
    sampleApp.allowedLogoutUrls = [app.url];
  }
});
process.stdout.write(`Ready. app=${app.url} idp=${idp.issuer}\n`);
process.once('SIGTERM', () => {
  void Promise.all([app.close(), api.close(), idp.close()]).then(() => process.exit(0));
});
