import { HeadlessBrowser } from '../../mock-idp/headless/browser.js';
import { startMockIdp, type MockIdp, type TenantInput } from '../../mock-idp/index.js';
import { loadApiConfig, type ApiConfig } from '../../sample-api/config.js';
import { startApi, type RunningApi } from '../../sample-api/server.js';
import { loadAppConfig, type SampleAppConfig } from '../../sample-app/config.js';
import { startSampleApp, type RunningApp } from '../../sample-app/server.js';

export interface Stack {
  idp: MockIdp;
  api: RunningApi;
  app: RunningApp;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Edits the fixture tenant before the samples are registered in it. */
  tenant?: (draft: TenantInput) => void;
  api?: Partial<ApiConfig>;
  app?: Partial<SampleAppConfig>;
}

/**
 * mock-idp, sample-api and sample-app in this process, each on a free port,
 * wired like `npm start`; sample-app's callback and logout URLs are
 * registered in the tenant for the port it got.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const idp = await startMockIdp({ port: 0 });
  const api = await startApi({ ...loadApiConfig({}), issuer: idp.issuer, jwksUri: idp.jwksUri, port: 0, ...options.api });
  const running = await startSampleApp({ ...loadAppConfig({}), issuerBaseURL: idp.issuer, apiUrl: api.url, port: 0, ...options.app });
  idp.updateTenant((draft) => {
    const sampleApp = draft.applications?.find((a) => a.clientId === 'sample-app');
    if (sampleApp) {
      sampleApp.callbacks = [`${running.url}/callback`];
      sampleApp.allowedLogoutUrls = [running.url];
    }
    options.tenant?.(draft);
  });
  return { idp, api, app: running, close: async () => void (await Promise.all([running.close(), api.close(), idp.close()])) };
}

/** Copies a browser's cookies (to replay an old session later). */
export async function cloneBrowser(browser: HeadlessBrowser): Promise<HeadlessBrowser> {
  const copy = new HeadlessBrowser();
  for (const cookie of await browser.jar.getCookies('http://localhost/', { allPaths: true })) {
    await copy.jar.setCookie(cookie, 'http://localhost/');
  }
  return copy;
}
