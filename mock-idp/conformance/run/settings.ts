/** The run's settings, checked from the options (apiConformanceOptionsSchema), and the IdP driver they open. */
import { ListenError } from '../../core/errors.js';
import { startMockIdp } from '../../start.js';
import { CONFORMANCE_DEFAULTS } from '../defaults.js';
import { httpDriver, inProcessDriver, isIdpDriver, type IdpDriver } from '../driver.js';
import { ConformanceSetupError } from '../errors.js';
import { apiConformanceOptionsSchema, optionsMessage } from '../options.js';
import type { ApiConformanceOptions, CheckResult } from '../types.js';
import type { TokenDialect } from '../../tools/mint/index.js';

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
  jwksCooldown: number;
  requestTimeout: number;
  onResult: ((result: CheckResult) => void) | undefined;
}

/** The options checked with apiConformanceOptionsSchema (ConformanceSetupError ERR_OPTIONS naming every wrong field), with the defaults filled in. */
export function settingsOf(options: ApiConformanceOptions): Settings {
  const result = apiConformanceOptionsSchema.safeParse(options);
  if (!result.success) throw new ConformanceSetupError('ERR_OPTIONS', optionsMessage(result.error, options));
  const checked = result.data;
  return {
    url: new URL(checked.url),
    method: (checked.method ?? CONFORMANCE_DEFAULTS.method).toUpperCase(),
    body: checked.body,
    audience: checked.audience,
    permissions: checked.permission,
    user: checked.user,
    tokenDialect: checked.tokenDialect,
    clockTolerance: checked.clockTolerance ?? CONFORMANCE_DEFAULTS.clockTolerance,
    rotationWait: checked.rotationWait ?? CONFORMANCE_DEFAULTS.rotationWait,
    jwksCooldown: checked.jwksCooldown ?? CONFORMANCE_DEFAULTS.jwksCooldown,
    requestTimeout: checked.requestTimeout ?? CONFORMANCE_DEFAULTS.requestTimeout,
    onResult: options.onResult,
  };
}

export async function openDriver(options: Pick<ApiConformanceOptions, 'idp' | 'issuer' | 'adminToken' | 'port'>, requestTimeout: number): Promise<IdpDriver> {
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
