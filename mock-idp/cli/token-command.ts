import { DEFAULTS } from '../core/tenant/defaults.js';
import type { MintRequest } from '../tools/mint/mint-request.js';
import type { MintedToken } from '../tools/mint/mint-token.js';
import { parseHttpUrl, parsePort, parseSeconds, UsageError } from './args.js';
import { askRunningMock } from './ask-mock.js';

export interface TokenFlags {
  user?: string | undefined;
  client?: string | undefined;
  audience?: string | undefined;
  permissions?: string | undefined;
  scope?: string | undefined;
  'expires-in'?: string | undefined;
  fault?: string | undefined;
  'clock-tolerance'?: string | undefined;
  'canary-url'?: string | undefined;
  claims?: string | undefined;
  'id-token'?: boolean | undefined;
  'client-id'?: string | undefined;
  json?: boolean | undefined;
  issuer?: string | undefined;
  'admin-token'?: string | undefined;
  config?: string | undefined;
  port?: string | undefined;
}

/** The mint request the flags describe; argument mistakes are usage errors (exit 2). */
export function mintRequestFromFlags(flags: TokenFlags): MintRequest {
  if ((flags.user === undefined) === (flags.client === undefined)) throw new UsageError('give exactly one of --user or --client');
  const kind = flags['id-token'] ? 'id' : 'access';
  if (kind === 'access' && !flags.audience) throw new UsageError('--audience is required for an access token (the API identifier)');
  if (kind === 'id' && flags.client !== undefined) throw new UsageError('--id-token is for users (--user), not clients');
  if (kind === 'id' && flags.fault !== undefined) throw new UsageError('--fault applies to access tokens, not to --id-token');
  let claims: Record<string, unknown> | undefined;
  if (flags.claims !== undefined) {
    try {
      claims = JSON.parse(flags.claims) as Record<string, unknown>;
    } catch {
      throw new UsageError('--claims must be a JSON object');
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new UsageError('--claims must be a JSON object');
  }
  if (flags['canary-url'] !== undefined) parseHttpUrl('canary-url', flags['canary-url']);
  for (const [flag, value] of [['user', flags.user], ['client', flags.client], ['audience', flags.audience], ['fault', flags.fault], ['client-id', flags['client-id']]] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`--${flag} must not be empty`);
  }
  return {
    kind,
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.client !== undefined ? { client: flags.client } : {}),
    ...(flags.audience !== undefined ? { audience: flags.audience } : {}),
    ...(flags['client-id'] !== undefined ? { clientId: flags['client-id'] } : {}),
    ...(flags.permissions !== undefined ? { permissions: flags.permissions.split(',').map((p) => p.trim()).filter(Boolean) } : {}),
    ...(flags.scope !== undefined ? { scope: flags.scope } : {}),
    ...(flags['expires-in'] !== undefined ? { expiresIn: parseSeconds('expires-in', flags['expires-in'], 1) } : {}),
    ...(flags.fault !== undefined ? { fault: flags.fault } : {}),
    ...(flags['clock-tolerance'] !== undefined ? { clockTolerance: parseSeconds('clock-tolerance', flags['clock-tolerance'], 0, 3600) } : {}),
    ...(flags['canary-url'] !== undefined ? { canaryUrl: flags['canary-url'] } : {}),
    ...(claims ? { claims } : {}),
  };
}

/** Asks a running mock-idp (POST <issuer>_mock/tokens): the token verifies against that mock's JWKS. */
async function mintRemotely(issuer: URL, request: MintRequest, adminToken: string | undefined): Promise<MintedToken> {
  const answer = await askRunningMock(issuer, 'tokens', request, adminToken);
  if (typeof (answer as MintedToken | undefined)?.token !== 'string') throw new Error(`${issuer.href} answered without a token: is this a mock-idp?`);
  return answer as MintedToken;
}

/** Signs here with the tenant's keys, as the mock at http://localhost:<port>/ would. */
async function mintLocally(flags: TokenFlags, request: MintRequest): Promise<MintedToken> {
  const port = parsePort(flags.port, DEFAULTS.port);
  const [{ loadTenantFile }, { readKeyFile }, { PACKAGE_PATHS }, { IdpRuntime }, { mintToken }] = await Promise.all([
    import('../core/tenant/load.js'),
    import('../core/keys.js'),
    import('../core/package-paths.js'),
    import('../core/state.js'),
    import('../tools/mint/mint-token.js'),
  ]);
  const tenant = loadTenantFile(flags.config ?? PACKAGE_PATHS.defaultTenant);
  const runtime = new IdpRuntime(`http://localhost:${port}/`, tenant, readKeyFile(PACKAGE_PATHS.devKeys));
  return mintToken(runtime, request);
}

/** `mock-idp token ...`: prints the token (or the whole answer with --json) to stdout. */
export async function runToken(flags: TokenFlags): Promise<number> {
  const request = mintRequestFromFlags(flags);
  let minted: MintedToken;
  if (flags.issuer !== undefined) {
    const issuer = parseHttpUrl('issuer', flags.issuer);
    const local = (['config', 'port'] as const).find((flag) => flags[flag] !== undefined);
    if (local) throw new UsageError(`--${local} applies to local signing; with --issuer the running mock's tenant and keys are used`);
    minted = await mintRemotely(issuer, request, flags['admin-token']);
  } else {
    if (flags['admin-token'] !== undefined) throw new UsageError('--admin-token goes with --issuer (the running mock to ask)');
    minted = await mintLocally(flags, request);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(minted, null, 2)}\n`);
  } else {
    process.stdout.write(`${minted.token}\n`);
    if (minted.fault) process.stderr.write(`mock-idp: ${minted.fault.id} (${minted.fault.title}): a correct API should ${minted.fault.expect} it [${minted.fault.level}]\n`);
  }
  return 0;
}
