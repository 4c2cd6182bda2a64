/**
 * `npm start`: the local stack in one process. mock-idp on 4000, sample-api on
 * 3001, sample-app on 3000, wired to each other; Ctrl-C stops all three.
 */
import { describe } from '../mock-idp/cli/start-command.js';
import { startMockIdp, type MockIdp } from '../mock-idp/index.js';
import { API_DEFAULTS, loadApiConfig } from '../sample-api/config.js';
import { startApi } from '../sample-api/server.js';
import { APP_DEFAULTS, loadAppConfig } from '../sample-app/config.js';
import { startSampleApp } from '../sample-app/server.js';

interface Closable {
  close(): Promise<void>;
}

export const STACK_PORTS = { idp: 4000, api: API_DEFAULTS.port, app: APP_DEFAULTS.port } as const;

function curlCommand(idp: MockIdp, apiUrl: string): string {
  return [
    `TOKEN=$(curl -s ${idp.issuer}oauth/token -d grant_type=client_credentials -d client_id=orders-worker \\`,
    `  -d client_secret=orders-worker-secret -d audience=https://api.example.com \\`,
    `  | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token') \\`,
    `  && curl -s ${apiUrl}/orders -H "Authorization: Bearer $TOKEN"`,
  ].join('\n');
}

async function main(): Promise<void> {
  const running: Closable[] = [];
  const stopAll = () => Promise.all(running.map((s) => s.close()));
  try {
    const idp = await startMockIdp({ port: STACK_PORTS.idp });
    running.push(idp);
    const apiConfig = { ...loadApiConfig({}), issuer: idp.issuer, jwksUri: idp.jwksUri, port: STACK_PORTS.api };
    const api = await startApi(apiConfig);
    running.push(api);
    const app = await startSampleApp({ ...loadAppConfig({}), issuerBaseURL: idp.issuer, apiUrl: api.url, port: STACK_PORTS.app });
    running.push(app);

    process.stdout.write(`${describe(idp.issuer, idp.tenant, idp.addresses)}
Local stack:
  mock-idp    ${idp.issuer}   (test identity provider)
  sample-api  ${api.url}    (GET /orders needs read:orders, POST /orders needs write:orders)
  sample-app  ${app.url}    <- open this in a browser and log in as alice@example.com / alice-pass

Get a machine-to-machine token and call the API:
${curlCommand(idp, api.url)}

Ctrl-C stops all three.
`);
  } catch (err) {
    await stopAll();
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = () => {
    process.stdout.write('\nstopping mock-idp, sample-api and sample-app...\n');
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
