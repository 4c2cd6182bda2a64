/**
 * Configuration of the sample SSR app, from environment variables with
 * defaults for the local stack (mock-idp on 4000, sample-api on 3001).
 *
 * | variable          | default                                   |
 * | ----------------- | ----------------------------------------- |
 * | ISSUER_BASE_URL   | http://localhost:4000/                    |
 * | BASE_URL          | the URL it listens on (http://localhost:3000) |
 * | CLIENT_ID         | sample-app                                |
 * | CLIENT_SECRET     | sample-app-secret                         |
 * | SESSION_SECRET    | a development-only secret                 |
 * | AUDIENCE          | https://api.example.com                   |
 * | API_URL           | http://localhost:3001                     |
 * | PORT              | 3000                                      |
 * | HOST              | localhost                                 |
 * | SESSION_ROLLING_DURATION | 86400 (seconds, express-openid-connect's default) |
 * | SESSION_ABSOLUTE_DURATION | 604800 (seconds)                         |
 */
export interface SampleAppConfig {
  issuerBaseURL: string;
  /** Where users reach the app; default: the URL it listens on. */
  baseURL?: string;
  clientID: string;
  clientSecret: string;
  sessionSecret: string;
  audience: string;
  apiUrl: string;
  port: number;
  host: string;
  sessionRollingDuration: number;
  sessionAbsoluteDuration: number;
  /**
   * express-openid-connect's `customFetch`, for its calls to the IdP (discovery, token, JWKS).
   * The local stack passes one that trusts an HTTPS mock's CA (NODE_EXTRA_CA_CERTS would need a
   * new process); run on its own, the app trusts a CA through NODE_EXTRA_CA_CERTS instead.
   */
  customFetch?: typeof fetch;
}

type Env = Record<string, string | undefined>;

export const APP_DEFAULTS: SampleAppConfig = {
  issuerBaseURL: 'http://localhost:4000/',
  clientID: 'sample-app',
  clientSecret: 'sample-app-secret',
  sessionSecret: 'sample-app-development-session-secret-not-for-production',
  audience: 'https://api.example.com',
  apiUrl: 'http://localhost:3001',
  port: 3000,
  host: 'localhost',
  sessionRollingDuration: 86_400,
  sessionAbsoluteDuration: 604_800,
};

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`sample-app: ${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function loadAppConfig(env: Env = process.env): SampleAppConfig {
  const text = (name: string, fallback: string) => env[name]?.trim() || fallback;
  return {
    issuerBaseURL: text('ISSUER_BASE_URL', APP_DEFAULTS.issuerBaseURL),
    ...(env.BASE_URL?.trim() ? { baseURL: env.BASE_URL.trim() } : {}),
    clientID: text('CLIENT_ID', APP_DEFAULTS.clientID),
    clientSecret: text('CLIENT_SECRET', APP_DEFAULTS.clientSecret),
    sessionSecret: text('SESSION_SECRET', APP_DEFAULTS.sessionSecret),
    audience: text('AUDIENCE', APP_DEFAULTS.audience),
    apiUrl: text('API_URL', APP_DEFAULTS.apiUrl),
    port: positiveInt('PORT', env.PORT, APP_DEFAULTS.port, 0),
    host: text('HOST', APP_DEFAULTS.host),
    sessionRollingDuration: positiveInt('SESSION_ROLLING_DURATION', env.SESSION_ROLLING_DURATION, APP_DEFAULTS.sessionRollingDuration),
    sessionAbsoluteDuration: positiveInt('SESSION_ABSOLUTE_DURATION', env.SESSION_ABSOLUTE_DURATION, APP_DEFAULTS.sessionAbsoluteDuration),
  };
}
