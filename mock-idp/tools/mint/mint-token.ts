import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { profileClaims } from '../../core/claims.js';
import type { Clock } from '../../core/clock.js';
import type { Directory } from '../../core/directory.js';
import { InvalidInput, UnknownClient, UnknownUser } from '../../core/errors.js';
import type { EventLog } from '../../core/events.js';
import { issueField, issuesMessage } from '../../core/issues.js';
import type { KeyRing } from '../../core/keys.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import { applyDialect, dialectShape, shapeOfApi } from '../../core/token-dialect.js';
import { cachedSigningKey, findFault, forgeToken, type FaultPreset } from '../faults/index.js';
import { mintRequestSchema, type MintRequest, type ParsedMintRequest } from './mint-request.js';

export interface MintedToken {
  token: string;
  kind: 'access' | 'id';
  /** The fault preset applied, if any: what it is and what a correct API does with it. */
  fault?: Pick<FaultPreset, 'id' | 'caseId' | 'title' | 'explanation' | 'expect' | 'level' | 'reference'>;
}

/** What minting needs: the issuer, its keys and tenant; events are logged when given. No oidc-provider. */
export interface MintContext {
  issuer: string;
  keys: KeyRing;
  directory: Directory;
  events?: EventLog;
  /** The mock's clock (time travel): `iat` / `exp` count from its now; default the process's time. */
  clock?: Pick<Clock, 'nowSeconds'>;
}

/** Now in epoch seconds, on the mock's clock when there is one (jose's own default would be the process's `new Date()`). */
const nowOf = ({ clock }: MintContext) => clock?.nowSeconds() ?? Math.floor(Date.now() / 1000);

/**
 * Requests validated lately, by their JSON text: a load test that mints the same request over and over
 * validates it once (the schema was a third of a mint's cost beyond its signature). Each caller gets its
 * own copy. The text decides: the token is that JSON, and what the schema accepts survives it.
 */
const validatedRequests = new Map<string, ParsedMintRequest>();
const MAX_VALIDATED_REQUESTS = 64;

/** The request's JSON text, when that text is all of it (JSON drops an `undefined` or a function the schema would refuse). */
function textOf(input: unknown): string | undefined {
  if (typeof input === 'object' && input !== null && Object.values(input).some((v) => v === undefined || typeof v === 'function')) return undefined;
  try {
    return JSON.stringify(input);
  } catch {
    return undefined;
  }
}

function remember(text: string, request: ParsedMintRequest): void {
  try {
    validatedRequests.set(text, structuredClone(request));
  } catch {
    return; // Not cloneable (a function among the claims): validated each time.
  }
  if (validatedRequests.size > MAX_VALIDATED_REQUESTS) validatedRequests.delete(validatedRequests.keys().next().value!);
}

/** Validates a mint request: InvalidInput naming every wrong field. */
export function parseMintRequest(input: unknown): ParsedMintRequest {
  const text = textOf(input);
  const known = text === undefined ? undefined : validatedRequests.get(text);
  if (known) return structuredClone(known);
  const result = mintRequestSchema.safeParse(input);
  if (result.success) {
    if (text !== undefined) remember(text, result.data);
    return result.data;
  }
  const [first] = result.error.issues;
  throw new InvalidInput(issuesMessage(result.error), first ? issueField(first) : undefined);
}

function subjectOf(directory: Directory, req: ParsedMintRequest) {
  if (req.client !== undefined) {
    if (!directory.application(req.client)) throw new UnknownClient(req.client);
    return undefined;
  }
  const person = directory.findPerson(req.user!);
  if (!person) throw new UnknownUser(req.user!);
  return person;
}

const defaultClientId = (directory: Directory) => directory.defaultApplication()?.clientId ?? 'mock-idp';

async function mintIdToken(context: MintContext, req: ParsedMintRequest): Promise<MintedToken> {
  const { issuer, keys, directory } = context;
  const person = subjectOf(directory, req)!;
  const clientId = req.clientId ?? defaultClientId(directory);
  const lifetime = req.expiresIn ?? directory.application(clientId)?.idTokenLifetime ?? DEFAULTS.idTokenLifetime;
  const key = await cachedSigningKey(keys.active);
  const now = nowOf(context);
  const token = await new SignJWT({ ...profileClaims(person), ...req.claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(issuer)
    .setAudience(clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(key.privateKey);
  return { token, kind: 'id' };
}

/**
 * Mints a token signed with the IdP's active key, shaped as the provider's
 * own (Auth0's claims), optionally with a fault preset applied. The token
 * verifies against the served JWKS unless the fault says otherwise.
 */
export async function mintToken(context: MintContext, input: MintRequest | unknown): Promise<MintedToken> {
  const req = parseMintRequest(input);
  if (req.kind === 'id') return mintIdToken(context, req);
  const { issuer, keys, directory, events } = context;
  const audience = req.audience!;
  const api = directory.api(audience);
  const person = subjectOf(directory, req);
  const preset = req.fault === undefined ? undefined : findFault(req.fault);
  if (req.fault !== undefined && !preset) throw new InvalidInput(`unknown fault "${req.fault}" (list them with \`mock-idp faults\` or GET /_mock/faults)`, 'fault');

  // Shaped as the provider shapes its own: the API's token dialect decides typ, azp / client_id, jti, gty and permissions.
  const shape = req.tokenDialect ? dialectShape(req.tokenDialect) : shapeOfApi(api);
  const tenantPermissions = () => (person ? (api?.rbac.enabled === false ? undefined : directory.permissionsOf(person.sub, audience)) : (directory.clientGrantOf(req.client!, audience) ?? []));
  const permissions = req.permissions ?? tenantPermissions() ?? [];
  const clientId = person ? (req.clientId ?? defaultClientId(directory)) : req.client!;
  const claims: Record<string, unknown> = { scope: req.scope ?? permissions.join(' '), ...(shape.jti ? { jti: randomUUID() } : {}) };
  // Explicitly requested permissions are always written; the tenant's only in the _authz dialects.
  applyDialect(claims, req.permissions ? { ...shape, permissions: true } : shape, clientId, person ? undefined : 'client-credentials', () => permissions);
  if (person) Object.assign(claims, person.claims);
  const key = await cachedSigningKey(keys.active);
  const token = await forgeToken(
    preset?.id,
    {
      issuer,
      audience,
      subject: person ? person.sub : `${req.client}@clients`,
      claims: { ...claims, ...req.claims },
      typ: shape.typ,
      now: nowOf(context),
      expiresIn: req.expiresIn ?? api?.tokenLifetime ?? DEFAULTS.accessTokenLifetime,
    },
    { key, ...(req.canaryUrl ? { canaryUrl: req.canaryUrl } : {}), ...(req.clockTolerance !== undefined ? { clockTolerance: req.clockTolerance } : {}) },
  );
  events?.add({ type: 'token.minted', ...(person ? { sub: person.sub } : { clientId: req.client! }), detail: { audience, ...(preset ? { fault: preset.id } : {}) } });
  if (!preset) return { token, kind: 'access' };
  const { id, caseId, title, explanation, expect, level, reference } = preset;
  return { token, kind: 'access', fault: { id, caseId, title, explanation, expect, level, reference } };
}
