/**
 * Public types of the bad-token catalogue: the tokens an API (resource server)
 * must refuse, one preset per forgeable RS case of the failure-mode catalogue
 * (conformance-cases.md), each a minimal deviation from one good token.
 */
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** The IdP's real signing key: what signs the good token and the "real key" faults. */
export interface SigningKey {
  readonly privateKey: CryptoKey | KeyObject;
  /** The public half as published in the JWKS, with `kid` and `alg`. */
  readonly publicJwk: JWK;
  readonly kid: string;
  readonly alg: 'RS256';
}

/** What the good access token says; every fault starts from this token. */
export interface GoodTokenInput {
  /** Exactly as the API expects it; Auth0 issuers end with a slash (`https://tenant.example.com/`). */
  issuer: string;
  /** The API identifier, or an array whose first member is the API. */
  audience: string | string[];
  /** Defaults to {@link DEFAULT_SUBJECT}. */
  subject?: string;
  /** Extra claims such as `permissions`, `scope`, `azp`; spread after the registered ones. */
  claims?: Record<string, unknown>;
  /** Lifetime in seconds; default 300. */
  expiresIn?: number;
  /** Injectable clock, epoch seconds; default the current time. */
  now?: number;
  /** The header `typ`: `at+jwt` (RFC 9068, the default) or `JWT` (Auth0's default token dialect). */
  typ?: 'at+jwt' | 'JWT';
}

/** Parameters of the forge beyond the token's claims. */
export interface FaultContext {
  key: SigningKey;
  /** URL the RS-30 `jku` / `x5u` headers point at; a harness watches it for requests. */
  canaryUrl?: string;
  /** The API's clock tolerance T in seconds (RS-13, RS-14, RS-16); default 5, as express-oauth2-jwt-bearer. */
  clockTolerance?: number;
  /** `aud` of the RS-37 ID token; default the `azp` claim of the input, else `mock-idp-client`. */
  clientId?: string;
}

/** What a correct API does with the token: 200, 401, or either (both are conformant). */
export type FaultExpectation = 'accept' | 'reject' | 'either';

/** Error codes of jose's `jwtVerify` that the catalogue's tokens run into. */
export type JoseErrorCode =
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED'
  | 'ERR_JWT_INVALID'
  | 'ERR_JWS_INVALID'
  | 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';

/**
 * Which check of jose's `jwtVerify` catches the token, given the reference options
 * (`issuer`, `audience`, `algorithms: ['RS256']`, `typ: 'at+jwt'`,
 * `requiredClaims: ['exp', 'iat', 'sub']`, a local JWKS holding the one real key).
 */
export interface JoseErrorDoc {
  readonly code: JoseErrorCode;
  /** The claim (or `typ` header) named by `ERR_JWT_CLAIM_VALIDATION_FAILED` / `ERR_JWT_EXPIRED`. */
  readonly claim?: string;
  /** A jwtVerify option beyond the reference ones that jose needs to catch it. */
  readonly option?: string;
}

/** MUST: protocol or security requirement (a failure fails a conformance run); SHOULD: best practice, reported as a warning. */
export type CaseLevel = 'MUST' | 'SHOULD';

/** One RS case of the failure-mode catalogue, as the fault presets and the conformance harness share it (cases.ts). */
export interface CatalogueCase {
  /** `RS-01` to `RS-40`. */
  readonly id: `RS-${string}`;
  readonly title: string;
  /** The level of the case's main requirement. */
  readonly level: CaseLevel;
  /** The highest reference for the case, in Markdown (suite test names in backticks). */
  readonly reference: string;
}

/** A context parameter that shapes the forged token. */
export type FaultParameter = 'canaryUrl' | 'clockTolerance' | 'clientId';

/** One named bad (or deliberately good-shaped) token. */
export interface FaultPreset<Id extends string = string> {
  /** Stable, unique case-insensitively: the catalogue id, plus `-variant` where a case has several. */
  readonly id: Id;
  /** The catalogue id, e.g. `RS-23`. */
  readonly caseId: `RS-${string}`;
  /** Which variant of the case, e.g. `nOnE`; absent when the case has one preset. */
  readonly variant?: string;
  readonly title: string;
  /** One line: why an API must reject it (or, for `accept`, why it must not). */
  readonly explanation: string;
  readonly expect: FaultExpectation;
  /** The level of its case (cases.ts). */
  readonly level: CaseLevel;
  /** The reference of its case (cases.ts). */
  readonly reference: string;
  /** The jose check that catches it; null when jose's jwtVerify accepts it (the check lives elsewhere). */
  readonly joseError: JoseErrorDoc | null;
  /** Context parameters the token depends on. */
  readonly uses?: readonly FaultParameter[];
}
