/** The run's settings, checked from the options, and the IdP driver they open. */
import { ListenError } from '../../core/errors.js';
import { startMockIdp } from '../../start.js';
import { CONFORMANCE_DEFAULTS } from '../defaults.js';
import { httpDriver, inProcessDriver, isIdpDriver, type IdpDriver } from '../driver.js';
import { ConformanceSetupError } from '../errors.js';
import type { ApiConformanceOptions, CheckResult } from '../types.js';
import { TOKEN_DIALECTS, type TokenDialect } from '../../tools/mint/index.js';

export interface Settings {
  url: URL;
  method: string;
  body: string | undefined;
  audience: string;
  permissions: string[];
  user: string | undefined;
  tokenDialect: TokenDialect | undefined;
  clockTolerance: number;
  rotationWait: number;
  requestTimeout: number;
  onResult: ((result: CheckResult) => void) | undefined;
}

const optionsError = (message: string) => new ConformanceSetupError('ERR_OPTIONS', message);

export function settingsOf(options: ApiConformanceOptions): Settings {
  if (!URL.canParse(options.url)) throw optionsError(`url must be an absolute http(s) URL, got "${options.url}"`);
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw optionsError(`url must be an http(s) URL, got "${options.url}"`);
  if (!options.audience?.trim()) throw optionsError('audience (the API identifier) is required');
  const permissions = (typeof options.permission === 'string' ? options.permission.split(',') : [...options.permission]).map((p) => p.trim()).filter(Boolean);
  if (permissions.length === 0) throw optionsError('permission (what the endpoint requires) is required');
  if (options.tokenDialect !== undefined && !TOKEN_DIALECTS.includes(options.tokenDialect)) throw optionsError(`tokenDialect must be one of ${TOKEN_DIALECTS.join(', ')}, got "${options.tokenDialect}"`);
  const method = (options.method ?? CONFORMANCE_DEFAULTS.method).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw optionsError(`method must be an HTTP method, got "${options.method}"`);
  const whole = (name: string, value: number | undefined, fallback: number, min: number) => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < min) throw optionsError(`${name} must be a whole number from ${min}, got ${value}`);
    return n;
  };
  return {
    url,
    method,
    body: options.body,
    audience: options.audience,
    permissions,
    user: options.user,
    tokenDialect: options.tokenDialect,
    clockTolerance: whole('clockTolerance', options.clockTolerance, CONFORMANCE_DEFAULTS.clockTolerance, 0),
    rotationWait: whole('rotationWait', options.rotationWait, CONFORMANCE_DEFAULTS.rotationWait, 0),
    requestTimeout: whole('requestTimeout', options.requestTimeout, CONFORMANCE_DEFAULTS.requestTimeout, 1),
    onResult: options.onResult,
  };
}

export async function openDriver(options: ApiConformanceOptions, requestTimeout: number): Promise<IdpDriver> {
  if (options.idp !== undefined) return isIdpDriver(options.idp) ? options.idp : inProcessDriver(options.idp);
  if (options.issuer !== undefined) {
    return httpDriver(options.issuer, { timeoutMs: Math.max(requestTimeout, 10_000), ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}) });
  }
  const port = options.port ?? CONFORMANCE_DEFAULTS.port;
  try {
    return inProcessDriver(await startMockIdp({ port }), { closeOnEnd: true });
  } catch (err) {
    const hint = err instanceof ListenError && err.code === 'ERR_PORT_IN_USE' ? ': pass the issuer of the mock-idp already running there, or another port' : '';
    throw new ConformanceSetupError('ERR_IDP_START', `cannot start a mock-idp on port ${port}: ${(err as Error).message}${hint}`);
  }
}
