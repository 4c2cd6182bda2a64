/**
 * The local stack: mock-idp, sample-api, sample-app and the built sample-spa,
 * wired to each other. `npm start` runs it on the fixed ports; tests run it
 * on port 0. Whatever ports they get, the samples' URLs are registered in the
 * tenant (callbacks, logout URLs, web origins) and the API allows the SPA's
 * origin (CORS).
 *
 * With `https`, the mock serves HTTPS with a certificate from the local TEST CA and the samples,
 * which run in this same process, trust that CA through their SDKs' own hooks: sample-app's
 * express-openid-connect gets a `customFetch` that trusts it, sample-api's jwks-rsa a
 * `requestAgent`. NODE_EXTRA_CA_CERTS could not do it: Node reads it only when a process starts,
 * and the CA of a first run does not exist yet then.
 */
import type { RequestListener } from 'node:http';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { fetchTrustingCa, startMockIdp, type MockIdp, type TenantInput } from '../mock-idp/index.js';
import { listen } from '../mock-idp/http/listen.js';
import { API_DEFAULTS, loadApiConfig, type ApiConfig } from '../sample-api/config.js';
import { startApi, type RunningApi } from '../sample-api/server.js';
import { APP_DEFAULTS, loadAppConfig, type SampleAppConfig } from '../sample-app/config.js';
import { startSampleApp, type RunningApp } from '../sample-app/server.js';
import { createSpaApp } from '../sample-spa/app.js';
import { domainOf, loadSpaConfig, SPA_DEFAULTS, type SpaConfig } from '../sample-spa/config.js';
import type { RunningSpa } from '../sample-spa/server.js';

export const STACK_PORTS = { idp: 4000, api: API_DEFAULTS.port, app: APP_DEFAULTS.port, spa: SPA_DEFAULTS.port } as const;

export interface LocalStackOptions {
  /** Each defaults to STACK_PORTS; 0 picks a free port. */
  ports?: Partial<Record<keyof typeof STACK_PORTS, number>>;
  /** Serve the mock over HTTPS (`startMockIdp({ https: true })`); the samples trust its CA. */
  https?: boolean;
  /** With `https`: where the CA is kept; default MOCK_IDP_HOME, else ~/.mock-idp. */
  home?: string;
  /** The mock's admin token (`MOCK_IDP_ADMIN_TOKEN` for npm start): /_mock/ then needs `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** More host names the mock's pages answer to (`MOCK_IDP_ALLOWED_HOSTS` for npm start), e.g. a container's name. */
  allowedHosts?: string[];
  /** Keep the mock's state in Redis (`MOCK_IDP_REDIS=redis://HOST:PORT` for npm start), e.g. to run a second mock beside it as a replica. */
  redis?: string;
  /** Edits the tenant after the samples' URLs are registered in it. */
  tenant?: (draft: TenantInput) => void;
  api?: Partial<ApiConfig>;
  app?: Partial<SampleAppConfig>;
  spa?: Partial<SpaConfig>;
}

export interface LocalStack {
  idp: MockIdp;
  api: RunningApi;
  app: RunningApp;
  spa: RunningSpa;
  close(): Promise<void>;
}

interface Closable {
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const ports = { ...STACK_PORTS, ...options.ports };
  const running: Closable[] = [];
  const closeAll = async () => void (await Promise.all(running.splice(0).map((s) => s.close())));
  try {
    const idp = await startMockIdp({
      port: ports.idp,
      ...(options.https ? { https: true } : {}),
      ...(options.home ? { home: options.home } : {}),
      ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
      ...(options.allowedHosts?.length ? { allowedHosts: options.allowedHosts } : {}),
      ...(options.redis ? { redis: options.redis } : {}),
    });
    running.push(idp);
    const trust = idp.ca ? { api: { jwksRequestAgent: new Agent({ ca: [...rootCertificates, idp.ca.certPem] }) }, app: { customFetch: fetchTrustingCa(idp.ca.certPem) } } : { api: {}, app: {} };
    // The SPA's port first: the API allows its origin, and the SPA's config names the API.
    let spaHandler: RequestListener = (_req, res) => res.writeHead(503).end();
    const spaSite = await listen((req, res) => spaHandler(req, res), SPA_DEFAULTS.host, ports.spa);
    running.push(spaSite);
    const api = await startApi({ ...loadApiConfig({}), issuer: idp.issuer, jwksUri: idp.jwksUri, port: ports.api, corsOrigins: [spaSite.url], ...trust.api, ...options.api });
    running.push(api);
    const app = await startSampleApp({ ...loadAppConfig({}), issuerBaseURL: idp.issuer, apiUrl: api.url, port: ports.app, ...trust.app, ...options.app });
    running.push(app);
    spaHandler = createSpaApp({ ...loadSpaConfig({}), domain: domainOf(idp.issuer), apiUrl: api.url, port: spaSite.port, ...options.spa });

    await idp.updateTenant((draft) => {
      const sampleApp = draft.applications?.find((a) => a.clientId === 'sample-app');
      if (sampleApp) {
        sampleApp.callbacks = [`${app.url}/callback`];
        sampleApp.allowedLogoutUrls = [app.url];
      }
      const sampleSpa = draft.applications?.find((a) => a.clientId === 'sample-spa');
      if (sampleSpa) {
        sampleSpa.callbacks = [spaSite.url];
        sampleSpa.allowedLogoutUrls = [spaSite.url];
        sampleSpa.webOrigins = [spaSite.url];
      }
      options.tenant?.(draft);
    });
    const spa: RunningSpa = { url: spaSite.url, port: spaSite.port, close: spaSite.close };
    return { idp, api, app, spa, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
