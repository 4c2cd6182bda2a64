/**
 * Faults planted into one login (the relying-party conformance harness): a plan
 * is keyed by the authorization's `state` and client, never global. The oidc
 * layer (oidc/middleware/login-faults.ts) applies it to the answers of that one
 * authorization: its authorization response, the token response that redeems
 * its code (and later refreshes), the userinfo answer for its access token.
 * What to change is given by the layer that plants it (the forges live in tools/).
 */
import { randomBytes } from 'node:crypto';
import { BoundedMap } from './bounded-map.js';
import { Clock } from './clock.js';

/** Where an ID token is being answered. */
export type IdTokenChannel = 'authorization' | 'token' | 'refresh';

export interface LoginTamper {
  /** Rewrites the ID token of this authorization (forged claims, header or signature). */
  idToken?(token: string, channel: IdTokenChannel): Promise<string>;
  /** Rewrites the userinfo answer for this authorization's access token. */
  userinfo?(claims: Record<string, unknown>): Record<string, unknown>;
  /** Rewrites the rest of a token answer of this authorization (e.g. a short `expires_in`, RP-21). */
  tokenResponse?(body: Record<string, unknown>, channel: Exclude<IdTokenChannel, 'authorization'>): Record<string, unknown>;
  /** Replaces the authorization response with this error (e.g. `access_denied`); no code is issued to the app. */
  authorizationError?: { error: string; error_description: string };
}

/**
 * Which authorization a plan is for: its client and `state`, and its `nonce` and
 * `code_challenge` when it carries them (some apps' states are not unique: express-openid-connect's
 * encodes only the return URL, so two browsers logging in at once send the same state).
 */
export interface AuthorizationKey {
  clientId: string;
  state: string;
  nonce?: string | undefined;
  codeChallenge?: string | undefined;
}

export interface LoginFaultPlan extends AuthorizationKey {
  /** The fault's id, e.g. `RP-04`, or `none` for an unfaulted (watched) login. */
  fault: string;
  tamper: LoginTamper;
}

/** How long a plan waits for its login, s; its codes and tokens find it as long. */
const PLAN_LIFETIME = 10 * 60;
const MAX_PLANS = 1_000;
/** Codes and tokens of planted logins remembered (a login leads to a few). */
const MAX_ARTIFACTS = 10 * MAX_PLANS;
/** Unparseable keys published at once (RP-14), at most. */
const MAX_UNPARSEABLE_KEYS = 10;

/** A key the JWKS carries beside the real ones that no client can import (RP-14): an RSA key without its modulus `n`. */
export type UnparseableJwk = { kty: 'RSA'; kid: string; use: 'sig'; alg: 'RS256'; e: string };

/** The planted logins of one mock, with the codes and tokens each led to. */
export class LoginFaults {
  readonly #byState: BoundedMap<string, LoginFaultPlan>;
  readonly #byArtifact: BoundedMap<string, LoginFaultPlan>;

  readonly #unparseable: BoundedMap<string, UnparseableJwk>;

  constructor(clock: Pick<Clock, 'now'> = new Clock()) {
    this.#byState = new BoundedMap(MAX_PLANS, clock);
    this.#byArtifact = new BoundedMap(MAX_ARTIFACTS, clock);
    this.#unparseable = new BoundedMap(MAX_UNPARSEABLE_KEYS, clock);
  }

  #key({ clientId, state, nonce, codeChallenge }: AuthorizationKey): string {
    return [clientId, state, nonce ?? '', codeChallenge ?? ''].join('\u0000');
  }

  /** Plants a fault for the authorization with this key (replacing an earlier plan for it). */
  plan(plan: LoginFaultPlan): void {
    this.#byState.setFor(this.#key(plan), { ...plan }, PLAN_LIFETIME);
  }

  /** The plan of an authorization request, if one was planted. */
  forAuthorization(key: { [K in keyof AuthorizationKey]?: string | undefined }): LoginFaultPlan | undefined {
    const { clientId, state } = key;
    if (clientId === undefined || state === undefined) return undefined;
    return this.#byState.get(this.#key({ ...key, clientId, state }));
  }

  /** The plan an authorization code, access token or refresh token came from. */
  forArtifact(value: string | undefined): LoginFaultPlan | undefined {
    if (value === undefined) return undefined;
    return this.#byArtifact.get(value);
  }

  /** Notes a code (or a token) issued in a planted login, so that later requests with it find the plan. */
  bind(plan: LoginFaultPlan, artifact: string): void {
    const key = this.#key(plan);
    const entry = this.#byState.get(key);
    if (entry) this.#byArtifact.set(artifact, entry, this.#byState.expiresAt(key));
  }

  /** Publishes a key no client can parse beside the real ones (RP-14), until `withdrawKey` (the oldest goes past 10). */
  publishUnparseableKey(): UnparseableJwk {
    const key: UnparseableJwk = { kty: 'RSA', kid: `unparseable-${randomBytes(6).toString('hex')}`, use: 'sig', alg: 'RS256', e: 'AQAB' };
    this.#unparseable.set(key.kid, key);
    return key;
  }

  /** Removes an unparseable key; false when `kid` is not one. */
  withdrawKey(kid: string): boolean {
    return this.#unparseable.delete(kid);
  }

  /** The keys the JWKS answer carries besides the key ring's (oidc/middleware/jwks-additions.ts). */
  jwksAdditions(): UnparseableJwk[] {
    return [...this.#unparseable.values()];
  }

  clear(): void {
    this.#byState.clear();
    this.#byArtifact.clear();
    this.#unparseable.clear();
  }
}
