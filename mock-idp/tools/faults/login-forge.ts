/**
 * The faults the relying-party conformance harness plants into one login
 * (RP cases): each is a LoginTamper (core/login-faults.ts) that the mock applies
 * to that authorization's answers. ID tokens are re-signed here with jose (or
 * assembled by hand for the shapes jose refuses), from the token the mock issued.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Directory } from '../../core/directory.js';
import { InvalidInput, UnknownClient } from '../../core/errors.js';
import type { KeyRing } from '../../core/keys.js';
import type { LoginFaults, LoginTamper } from '../../core/login-faults.js';
import { FaultInputError } from './errors.js';
import { decodeSegment, flipSignature, signHs256, signJws, splitCompact, withSignature, type Claims, type Header } from './compact.js';
import { asKeyObject, cachedSigningKey, publicKeyPem } from './signing-key.js';
import { WRONG_ISSUER } from './recipes.js';

/** The audience a forged ID token names instead of (or besides) the app. */
export const STRANGER_CLIENT = 'stranger-client';
/** The `sub` of the other user in a forged userinfo answer. */
export const OTHER_SUBJECT = 'auth0|someone-else';

/** Every fault the mock can plant into a login; `none` is an unfaulted login the mock still watches. */
export const LOGIN_FAULT_IDS = [
  'none',
  'RP-03-wrong', 'RP-03-missing', 'RP-04', 'RP-05-wrong', 'RP-05-missing', 'RP-06-stranger', 'RP-06-azp', 'RP-07',
  'RP-08-sub', 'RP-08-iat', 'RP-08-iat-week', 'RP-09-past', 'RP-09-missing',
  'RP-10-rs256', 'RP-10-hs256', 'RP-11-none', 'RP-11-rs512', 'RP-12-no-kid', 'RP-13', 'RP-14', 'RP-15', 'RP-17', 'RP-21',
] as const;
export type LoginFaultId = (typeof LOGIN_FAULT_IDS)[number];

export const isLoginFaultId = (value: unknown): value is LoginFaultId => (LOGIN_FAULT_IDS as readonly unknown[]).includes(value);

/** RP-21: the `expires_in` of the planted login's token answer, seconds, so that the app refreshes at its next use. */
export const SHORT_EXPIRES_IN = 1;

type ClaimChange = (claims: Claims, clientId: string, now: number) => void;

/** The claim changes of the faults that keep a good RS256 signature by the active key. */
const CLAIM_CHANGES: Partial<Record<LoginFaultId, ClaimChange>> = {
  'RP-03-wrong': (c) => {
    c.nonce = `not-the-nonce-${randomBytes(6).toString('hex')}`;
  },
  'RP-03-missing': (c) => {
    delete c.nonce;
  },
  'RP-04': (c) => {
    c.iss = WRONG_ISSUER;
  },
  'RP-05-wrong': (c) => {
    c.aud = STRANGER_CLIENT;
    delete c.azp;
  },
  'RP-05-missing': (c) => {
    delete c.aud;
    delete c.azp;
  },
  'RP-06-stranger': (c, clientId) => {
    c.aud = [clientId, STRANGER_CLIENT];
    delete c.azp;
  },
  'RP-06-azp': (c, clientId) => {
    c.aud = clientId;
    c.azp = STRANGER_CLIENT;
  },
  'RP-07': (c, clientId) => {
    c.aud = [clientId];
  },
  'RP-08-sub': (c) => {
    delete c.sub;
  },
  'RP-08-iat': (c) => {
    delete c.iat;
  },
  'RP-08-iat-week': (c, _clientId, now) => {
    c.iat = now - 7 * 86_400;
  },
  'RP-09-past': (c, _clientId, now) => {
    c.iat = now - 7_200;
    c.exp = now - 3_600;
  },
  'RP-09-missing': (c) => {
    delete c.exp;
  },
};


/** Another user of the tenant, whose identity a forged refresh answer carries (RP-21). */
export interface OtherUser {
  sub: string;
  email: string;
  name: string;
}

/** What forging needs besides the fault: the mock's key ring (read when the token is forged: RP-13 signs with the next key), the app, the mock's clock, the tenant's users. */
export interface TamperContext {
  keys: KeyRing;
  clientId: string;
  clock: Pick<Clock, 'nowSeconds'>;
  /** The first tenant user who is not `sub` (RP-21). */
  otherUser(sub: unknown): OtherUser | undefined;
}

/** The tamper for a planted login fault. */
export function loginTamper(fault: LoginFaultId, { keys, clientId, clock, otherUser }: TamperContext): LoginTamper {
  if (fault === 'none') return {};
  if (fault === 'RP-17') return { authorizationError: { error: 'access_denied', error_description: 'The user denied access (planted by the conformance harness).' } };
  if (fault === 'RP-15') return { userinfo: (claims) => ({ ...claims, sub: OTHER_SUBJECT }) };
  if (fault === 'RP-21') {
    // The code's answer expires at once (so the app refreshes at its next use); the first refresh answers, correctly signed, an ID token for another user.
    let refreshed = false;
    return {
      tokenResponse: (body, channel) => (channel === 'token' && typeof body.expires_in === 'number' ? { ...body, expires_in: SHORT_EXPIRES_IN } : body),
      idToken: async (token, channel) => {
        if (channel !== 'refresh' || refreshed) return token;
        const { header: h, payload: p } = splitCompact(token);
        const claims = decodeSegment(p);
        const other = otherUser(claims.sub);
        if (!other) return token;
        refreshed = true;
        const active = await cachedSigningKey(keys.active);
        return signJws({ ...(decodeSegment(h) as Header), alg: 'RS256', kid: active.kid }, { ...claims, sub: other.sub, email: other.email, name: other.name, nickname: other.email.split('@')[0] }, active.privateKey);
      },
    };
  }
  const reSign = async (token: string): Promise<string> => {
    const { header: h, payload: p } = splitCompact(token);
    const header = decodeSegment(h) as Header;
    const claims = decodeSegment(p);
    CLAIM_CHANGES[fault]?.(claims, clientId, clock.nowSeconds());
    const active = await cachedSigningKey(keys.active);
    switch (fault) {
      case 'RP-10-rs256':
        return flipSignature(await signJws({ ...header, alg: 'RS256', kid: active.kid }, claims, active.privateKey));
      case 'RP-10-hs256':
        return signHs256({ alg: 'HS256', typ: header.typ ?? 'JWT', kid: active.kid }, claims, publicKeyPem(active));
      case 'RP-11-none':
        return withSignature({ alg: 'none', typ: header.typ ?? 'JWT' }, claims, '');
      case 'RP-11-rs512':
        return signJws({ ...header, alg: 'RS512', kid: active.kid }, claims, asKeyObject(active.privateKey));
      case 'RP-12-no-kid': {
        const { kid: _kid, ...rest } = header;
        return signJws({ ...rest, alg: 'RS256' }, claims, active.privateKey);
      }
      case 'RP-13':
      case 'RP-14': {
        const next = keys.list().find((k) => k.status === 'next');
        const jwk = next && keys.signingKeys.find((k) => k.kid === next.kid);
        if (!jwk) throw new FaultInputError(`${fault} needs a published next key: publish one first`);
        const key = await cachedSigningKey(jwk);
        return signJws({ ...header, alg: 'RS256', kid: key.kid }, claims, key.privateKey);
      }
      default:
        return signJws({ ...header, alg: 'RS256', kid: active.kid }, claims, active.privateKey);
    }
  };
  return { idToken: (token) => reSign(token) };
}

/** What planting a login fault needs from the mock: its plans, keys, applications and clock. */
export interface LoginFaultContext {
  loginFaults: LoginFaults;
  keys: KeyRing;
  directory: Directory;
  clock: Pick<Clock, 'nowSeconds'>;
}

/** A planted login fault, as the admin API answers it. */
export interface PlantedLoginFault {
  state: string;
  clientId: string;
  nonce?: string;
  codeChallenge?: string;
  fault: LoginFaultId;
}

/**
 * Plants `fault` into the one authorization of `clientId` whose request carries
 * `state` (and `nonce` and `code_challenge`, when given) (`POST /_mock/login-faults`, `idp.planLoginFault`). InvalidInput for
 * a bad body, UnknownClient for an application the tenant lacks.
 */
export function planLoginFault(context: LoginFaultContext, input: unknown): PlantedLoginFault {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const { state, clientId, fault, nonce, codeChallenge } = body;
  if (typeof state !== 'string' || state === '' || state.length > 2048) throw new InvalidInput('state: the state of the authorization request, a non-empty string', 'state');
  if (typeof clientId !== 'string' || clientId === '') throw new InvalidInput('clientId: the application of the authorization, a non-empty string', 'clientId');
  if (!isLoginFaultId(fault)) throw new InvalidInput(`fault: one of ${LOGIN_FAULT_IDS.join(', ')}`, 'fault');
  for (const [name, value] of [['nonce', nonce], ['codeChallenge', codeChallenge]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.length > 2048)) throw new InvalidInput(`${name}: the ${name === 'nonce' ? 'nonce' : 'code_challenge'} of the authorization request, a string`, name);
  }
  if (!context.directory.application(clientId)) throw new UnknownClient(clientId, 'clientId');
  const key = { state, clientId, ...(typeof nonce === 'string' ? { nonce } : {}), ...(typeof codeChallenge === 'string' ? { codeChallenge } : {}) };
  const otherUser = (sub: unknown) => context.directory.people().find((p) => p.sub !== sub && p.email !== '');
  context.loginFaults.plan({ ...key, fault, tamper: loginTamper(fault, { keys: context.keys, clientId, clock: context.clock, otherUser }) });
  return { ...key, fault };
}
