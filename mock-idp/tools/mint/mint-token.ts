import { SignJWT } from 'jose';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import { findFault, forgeToken, signingKeyFromJwk, FaultInputError, UnknownFaultError, type FaultPreset, type SigningKey } from '../faults/index.js';
import { profileClaims } from '../../oidc/accounts.js';
import type { IdpRuntime } from '../../core/state.js';
import { MintError } from './mint-error.js';
import { mintRequestSchema, type MintRequest, type ParsedMintRequest } from './mint-request.js';
import { issueField, issuesMessage } from '../../core/issues.js';

export interface MintedToken {
  token: string;
  kind: 'access' | 'id';
  /** The fault preset applied, if any: what it is and what a correct API does with it. */
  fault?: Pick<FaultPreset, 'id' | 'caseId' | 'title' | 'explanation' | 'expect' | 'level' | 'reference'>;
}

const signingKeys = new WeakMap<object, Promise<SigningKey>>();
/** The active key as the forge wants it, imported once per key. */
function activeKey(runtime: IdpRuntime): Promise<SigningKey> {
  const jwk = runtime.keys.active;
  let key = signingKeys.get(jwk);
  if (!key) signingKeys.set(jwk, (key = signingKeyFromJwk(jwk)));
  return key;
}

export function parseMintRequest(input: unknown): ParsedMintRequest {
  const result = mintRequestSchema.safeParse(input);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  throw new MintError(400, 'invalid_request', issuesMessage(result.error), first ? issueField(first) : '');
}

/** The first interactive application: the default `azp` / ID-token audience. */
function defaultClientId(runtime: IdpRuntime): string {
  return runtime.directory.tenant.applications.find((a) => a.appType !== 'm2m')?.clientId ?? 'mock-idp';
}

function subjectOf(runtime: IdpRuntime, req: ParsedMintRequest) {
  const { directory } = runtime;
  if (req.client !== undefined) {
    if (!directory.application(req.client)) throw new MintError(404, 'not_found', `no application with clientId "${req.client}"`, 'client');
    return undefined;
  }
  const person = directory.person(req.user!) ?? directory.people().find((p) => p.email.toLowerCase() === req.user!.toLowerCase());
  if (!person) throw new MintError(404, 'not_found', `no user "${req.user}" (give an email or a sub)`, 'user');
  return person;
}

async function mintIdToken(runtime: IdpRuntime, req: ParsedMintRequest): Promise<MintedToken> {
  const person = subjectOf(runtime, req)!;
  const clientId = req.clientId ?? defaultClientId(runtime);
  const lifetime = req.expiresIn ?? runtime.directory.application(clientId)?.idTokenLifetime ?? DEFAULTS.idTokenLifetime;
  const key = await activeKey(runtime);
  const token = await new SignJWT({ ...profileClaims(person), ...req.claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(runtime.issuer)
    .setAudience(clientId)
    .setIssuedAt()
    .setExpirationTime(`${lifetime}s`)
    .sign(key.privateKey);
  return { token, kind: 'id' };
}

/**
 * Mints a token signed with the IdP's active key, shaped as the provider's
 * own (Auth0's claims), optionally with a fault preset applied. The token
 * verifies against the served JWKS unless the fault says otherwise.
 */
export async function mintToken(runtime: IdpRuntime, input: MintRequest | unknown): Promise<MintedToken> {
  const req = parseMintRequest(input);
  if (req.kind === 'id') return mintIdToken(runtime, req);
  const { directory } = runtime;
  const audience = req.audience!;
  const api = directory.api(audience);
  const person = subjectOf(runtime, req);
  const preset = req.fault === undefined ? undefined : findFault(req.fault);
  if (req.fault !== undefined && !preset) throw new MintError(400, 'invalid_request', `unknown fault "${req.fault}" (list them with \`mock-idp faults\` or GET /_mock/faults)`, 'fault');

  const permissions = req.permissions ?? (person ? directory.permissionsOf(person.sub, audience) : (directory.clientGrantOf(req.client!, audience) ?? []));
  const claims: Record<string, unknown> = person
    ? { azp: req.clientId ?? defaultClientId(runtime), scope: req.scope ?? permissions.join(' '), permissions, ...person.claims }
    : { azp: req.client, scope: req.scope ?? permissions.join(' '), gty: 'client-credentials', permissions };
  const key = await activeKey(runtime);
  try {
    const token = await forgeToken(
      preset?.id,
      {
        issuer: runtime.issuer,
        audience,
        subject: person ? person.sub : `${req.client}@clients`,
        claims: { ...claims, ...req.claims },
        expiresIn: req.expiresIn ?? api?.tokenLifetime ?? DEFAULTS.accessTokenLifetime,
      },
      { key, ...(req.canaryUrl ? { canaryUrl: req.canaryUrl } : {}), ...(req.clockTolerance !== undefined ? { clockTolerance: req.clockTolerance } : {}) },
    );
    runtime.events.add({ type: 'token.minted', ...(person ? { sub: person.sub } : { clientId: req.client! }), detail: { audience, ...(preset ? { fault: preset.id } : {}) } });
    if (!preset) return { token, kind: 'access' };
    const { id, caseId, title, explanation, expect, level, reference } = preset;
    return { token, kind: 'access', fault: { id, caseId, title, explanation, expect, level, reference } };
  } catch (err) {
    if (err instanceof FaultInputError || err instanceof UnknownFaultError) throw new MintError(400, 'invalid_request', err.message, 'fault');
    throw err;
  }
}
