/**
 * `npm start`: the local stack in one process. mock-idp on 4000, sample-api on
 * 3001, sample-app on 3000 and the built sample-spa on 5173, wired to each
 * other; Ctrl-C stops them all. MOCK_IDP_PORT, SAMPLE_API_PORT,
 * SAMPLE_APP_PORT and SAMPLE_SPA_PORT move them (0 picks a free port).
 * MOCK_IDP_HTTPS=1 serves the mock over HTTPS (the samples trust its CA in-process);
 * MOCK_IDP_REDIS=redis://HOST:PORT keeps the mock's state in Redis;
 * MOCK_IDP_ADMIN_TOKEN gives the mock's admin API (/_mock/) a token; MOCK_IDP_ALLOWED_HOSTS
 * (comma-separated) adds host names its pages answer to, as `mock-idp start --allowed-host`.
 */
import { describe, shellWord } from '../mock-idp/cli/start-command.js';
import type { MockIdp } from '../mock-idp/index.js';
import { startLocalStack, STACK_PORTS } from './local-stack.js';

function curlCommand(idp: MockIdp, apiUrl: string): string {
  return [
    `TOKEN=$(curl -s ${idp.ca ? `--cacert ${shellWord(idp.ca.certPath)} ` : ''}${idp.issuer}oauth/token -d grant_type=client_credentials -d client_id=orders-worker \\`,
    `  -d client_secret=orders-worker-secret -d audience=https://api.example.com \\`,
    `  | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token') \\`,
    `  && curl -s ${apiUrl}/orders -H "Authorization: Bearer $TOKEN"`,
  ].join('\n');
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new Error(`${name} must be a port from 0 to 65535, got "${raw}"`);
  return port;
}

function flagFromEnv(name: string): boolean {
  const raw = process.env[name]?.trim().toLowerCase() ?? '';
  if (raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got "${process.env[name]}"`);
}

async function main(): Promise<void> {
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    const ports = {
      idp: portFromEnv('MOCK_IDP_PORT', STACK_PORTS.idp),
      api: portFromEnv('SAMPLE_API_PORT', STACK_PORTS.api),
      app: portFromEnv('SAMPLE_APP_PORT', STACK_PORTS.app),
      spa: portFromEnv('SAMPLE_SPA_PORT', STACK_PORTS.spa),
    };
    // Empty counts as unset, as for the port variables.
    const adminToken = process.env.MOCK_IDP_ADMIN_TOKEN || undefined;
    const allowedHosts = (process.env.MOCK_IDP_ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    const redis = process.env.MOCK_IDP_REDIS || undefined;
    stack = await startLocalStack({ ports, https: flagFromEnv('MOCK_IDP_HTTPS'), ...(adminToken !== undefined ? { adminToken } : {}), allowedHosts, ...(redis !== undefined ? { redis } : {}) });
  } catch (err) {
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const { idp, api, app, spa } = stack;
  const browserTrust = idp.ca
    ? `sample-spa's page calls the mock from the browser: make the browser trust the CA first (README, "HTTPS").\n\n`
    : '';
  process.stdout.write(`${describe(idp.issuer, idp.tenant, idp.addresses, idp.ca)}
Local stack:
  mock-idp    ${idp.issuer}   (test identity provider)
  sample-api  ${api.url}    (GET /orders needs read:orders, POST /orders needs write:orders)
  sample-app  ${app.url}    <- open this in a browser and log in as alice@example.com / alice-pass
  sample-spa  ${spa.url}    (React + @auth0/auth0-react: the same login from a single-page app)

${browserTrust}${process.env.MOCK_IDP_ADMIN_TOKEN ? 'Admin API (/_mock/): needs Authorization: Bearer $MOCK_IDP_ADMIN_TOKEN\n\n' : ''}Get a machine-to-machine token and call the API:
${curlCommand(idp, api.url)}

Ctrl-C stops them all.
`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping mock-idp, sample-api, sample-app and sample-spa...\n');
    void stack.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // `npm start` runs this through `sh -c`; a SIGTERM sent to npm itself (a process manager, `kill <npm pid>`)
  // ends that shell and never reaches us. Our parent going away is the same request to stop.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

void main();
