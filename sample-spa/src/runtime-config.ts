/** What the SPA is told at start-up (the server side is sample-spa/config.ts). */
export interface SpaBrowserConfig {
  /** The tenant's domain, as given to Auth0Provider: the issuer without its trailing slash. */
  domain: string;
  clientId: string;
  audience: string;
  scope: string;
  apiUrl: string;
  /** Rotating refresh tokens kept in memory (a web worker), or the iframe `prompt=none` path. */
  useRefreshTokens: boolean;
}

/** The configuration the server hands out (sample-spa/config.ts), read before the SDK starts. */
export async function loadRuntimeConfig(): Promise<SpaBrowserConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /config.json answered ${response.status}`);
  return (await response.json()) as SpaBrowserConfig;
}
