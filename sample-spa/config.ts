/**
 * Configuration of sample-spa, read from environment variables by the
 * server that serves the built SPA. The browser half of it (everything but
 * PORT and HOST) is served as /config.json, so one build runs against any
 * mock, API or port.
 *
 * | variable            | default                                        |
 * | ------------------- | ---------------------------------------------- |
 * | AUTH0_DOMAIN        | http://localhost:4000 (auth0-spa-js adds the `/` when it checks `iss`) |
 * | CLIENT_ID           | sample-spa                                     |
 * | AUDIENCE            | https://api.example.com                        |
 * | SCOPE               | openid profile email read:orders write:orders  |
 * | API_URL             | http://localhost:3001                          |
 * | USE_REFRESH_TOKENS  | true (false: silent login through a hidden iframe, `prompt=none`) |
 * | PORT                | 5173                                           |
 * | HOST                | localhost                                      |
 */
import type { SpaBrowserConfig } from './src/runtime-config.js';

export interface SpaConfig extends SpaBrowserConfig {
  port: number;
  host: string;
}

type Env = Record<string, string | undefined>;

export const SPA_DEFAULTS: SpaConfig = {
  domain: 'http://localhost:4000',
  clientId: 'sample-spa',
  audience: 'https://api.example.com',
  scope: 'openid profile email read:orders write:orders',
  apiUrl: 'http://localhost:3001',
  useRefreshTokens: true,
  port: 5173,
  host: 'localhost',
};

/** Auth0Provider's `domain` for an issuer: Auth0's issuer is the domain plus `/`. */
export function domainOf(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

export function loadSpaConfig(env: Env = process.env): SpaConfig {
  const text = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const url = (name: string, fallback: string) => {
    const value = text(name, fallback);
    if (!/^https?:\/\/[^/]/.test(value)) throw new Error(`sample-spa: ${name} must be an http(s) URL, got "${value}"`);
    return value.replace(/\/+$/, '');
  };
  const flag = (name: string, fallback: boolean) => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new Error(`sample-spa: ${name} must be true or false, got "${env[name]}"`);
  };
  const rawPort = text('PORT', String(SPA_DEFAULTS.port));
  const port = /^\d+$/.test(rawPort) ? Number(rawPort) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new Error(`sample-spa: PORT must be an integer from 0 to 65535, got "${rawPort}"`);
  return {
    domain: url('AUTH0_DOMAIN', SPA_DEFAULTS.domain),
    clientId: text('CLIENT_ID', SPA_DEFAULTS.clientId),
    audience: text('AUDIENCE', SPA_DEFAULTS.audience),
    scope: text('SCOPE', SPA_DEFAULTS.scope),
    apiUrl: url('API_URL', SPA_DEFAULTS.apiUrl),
    useRefreshTokens: flag('USE_REFRESH_TOKENS', SPA_DEFAULTS.useRefreshTokens),
    port,
    host: text('HOST', SPA_DEFAULTS.host),
  };
}

export function browserConfig({ port: _port, host: _host, ...browser }: SpaConfig): SpaBrowserConfig {
  return browser;
}
