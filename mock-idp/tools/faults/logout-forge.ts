/**
 * Logout tokens for the relying-party harness's RP-24 (OpenID Connect Back-Channel Logout 1.0 §2.4):
 * a valid one, signed by the mock's active key for the application's session (`sub` and `sid`), and
 * forgeries that differ from it in one way each. The harness POSTs them to the application's
 * back-channel logout URI itself, as the mock would.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Directory } from '../../core/directory.js';
import { InvalidInput, UnknownClient } from '../../core/errors.js';
import type { KeyRing } from '../../core/keys.js';
import { signJws, withSignature, type Claims } from './compact.js';
import { WRONG_ISSUER } from './recipes.js';
import { cachedSigningKey } from './signing-key.js';
import { STRANGER_CLIENT } from './login-forge.js';

/** The back-channel logout event a logout token carries (§2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** `valid`, then one fault each: §2.6 says the application must refuse all of these. */
export const LOGOUT_TOKEN_FAULTS = ['valid', 'alg-none', 'wrong-iss', 'wrong-aud', 'no-events', 'with-nonce'] as const;
export type LogoutTokenFault = (typeof LOGOUT_TOKEN_FAULTS)[number];

const isLogoutTokenFault = (value: unknown): value is LogoutTokenFault => (LOGOUT_TOKEN_FAULTS as readonly unknown[]).includes(value);

export interface LogoutTokenContext {
  issuer: string;
  keys: KeyRing;
  directory: Directory;
  /** The mock's clock: a logout token is issued at the mock's now, as its other tokens are. */
  clock: Pick<Clock, 'nowSeconds'>;
}


export interface ForgedLogoutToken {
  fault: LogoutTokenFault;
  logoutToken: string;
  /** Where the application takes logout tokens; null when it registered no back-channel logout URI. */
  backchannelLogoutUri: string | null;
}

/**
 * A logout token for the session of `sub` (and `sid`) at `clientId` with one `fault`
 * (`POST /_mock/logout-tokens`, `idp.forgeLogoutToken`). InvalidInput for a bad body,
 * UnknownClient for an application the tenant lacks.
 */
export async function forgeLogoutToken(context: LogoutTokenContext, input: unknown): Promise<ForgedLogoutToken> {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const { clientId, sub, sid, fault } = body;
  if (typeof clientId !== 'string' || clientId === '') throw new InvalidInput('clientId: the application the logout token is for, a non-empty string', 'clientId');
  if (!isLogoutTokenFault(fault)) throw new InvalidInput(`fault: one of ${LOGOUT_TOKEN_FAULTS.join(', ')}`, 'fault');
  for (const [name, value] of [['sub', sub], ['sid', sid]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.length > 2048)) throw new InvalidInput(`${name}: a non-empty string`, name);
  }
  if (sub === undefined && sid === undefined) throw new InvalidInput('sub or sid: the session to log out (a logout token carries at least one)', 'sub');
  const application = context.directory.application(clientId);
  if (!application) throw new UnknownClient(clientId, 'clientId');
  const now = context.clock.nowSeconds();
  const claims: Claims = {
    iss: fault === 'wrong-iss' ? WRONG_ISSUER : context.issuer,
    aud: fault === 'wrong-aud' ? STRANGER_CLIENT : clientId,
    iat: now,
    exp: now + 120,
    jti: randomBytes(16).toString('base64url'),
    ...(sub !== undefined ? { sub } : {}),
    ...(sid !== undefined ? { sid } : {}),
    ...(fault === 'no-events' ? {} : { events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } }),
    ...(fault === 'with-nonce' ? { nonce: randomBytes(8).toString('hex') } : {}),
  };
  let logoutToken: string;
  if (fault === 'alg-none') {
    logoutToken = withSignature({ alg: 'none', typ: 'logout+jwt' }, claims, '');
  } else {
    const key = await cachedSigningKey(context.keys.active);
    logoutToken = await signJws({ alg: 'RS256', typ: 'logout+jwt', kid: key.kid }, claims, key.privateKey);
  }
  return { fault, logoutToken, backchannelLogoutUri: application.backchannelLogoutUri ?? null };
}
