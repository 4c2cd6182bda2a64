import { DEFAULTS } from '../core/tenant/defaults.js';
import { mintRequestSchema, type MintRequest } from '../tools/mint/mint-request.js';
import type { MintedToken } from '../tools/mint/mint-token.js';
import { flagIssues, numberFlag, parseHttpUrl, parsePort, UsageError } from './args.js';
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

/** The flag behind each field of a mint request, to name it in a usage error. */
const FLAG_OF: Record<string, string> = {
  user: 'user', client: 'client', kind: 'id-token', audience: 'audience', clientId: 'client-id', permissions: 'permissions', scope: 'scope',
  claims: 'claims', expiresIn: 'expires-in', fault: 'fault', canaryUrl: 'canary-url', clockTolerance: 'clock-tolerance',
};

/**
 * The mint request the flags describe, validated with the same schema as
 * `POST /_mock/tokens` and `idp.mintToken()`; a mistake is a usage error (exit 2) naming the flag.
 */
export function mintRequestFromFlags(flags: TokenFlags): MintRequest {
  let claims: unknown;
  if (flags.claims !== undefined) {
    try {
      claims = JSON.parse(flags.claims);
    } catch {
      throw new UsageError('--claims must be a JSON object');
    }
  }
  const raw = {
    kind: flags['id-token'] ? 'id' : 'access',
    user: flags.user,
    client: flags.client,
    audience: flags.audience,
    clientId: flags['client-id'],
    permissions: flags.permissions?.split(',').map((p) => p.trim()).filter(Boolean),
    scope: flags.scope,
    claims,
    expiresIn: numberFlag(flags['expires-in']),
    fault: flags.fault,
    canaryUrl: flags['canary-url'],
    clockTolerance: numberFlag(flags['clock-tolerance']),
  };
  const request = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as MintRequest;
  const result = mintRequestSchema.safeParse(request);
  if (!result.success) throw new UsageError(flagIssues(result.error, FLAG_OF, (issue, flag) => `${issue.path.length ? flag : '--user'}: ${issue.message}`));
  return request;
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
  const [{ loadTenantFile }, { KeyRing, readKeyFile }, { PACKAGE_PATHS }, { Directory }, { mintToken }] = await Promise.all([
    import('../core/tenant/load.js'),
    import('../core/keys.js'),
    import('../core/package-paths.js'),
    import('../core/directory.js'),
    import('../tools/mint/mint-token.js'),
  ]);
  // Only what signing needs: the tenant and the keys, no oidc-provider.
  const directory = new Directory(loadTenantFile(flags.config ?? PACKAGE_PATHS.defaultTenant));
  return mintToken({ issuer: `http://localhost:${port}/`, keys: new KeyRing(readKeyFile(PACKAGE_PATHS.devKeys)), directory }, request);
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
