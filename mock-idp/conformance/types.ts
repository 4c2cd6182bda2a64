/**
 * Public types of the API conformance harness: what a run is told, what each
 * check found, and the report that the text / JSON / JUnit renderers share.
 */
import type { TokenDialect } from '../tools/mint/index.js';
import type { MockIdp } from '../start.js';
import type { CaseLevel } from '../tools/faults/index.js';
import type { IdpDriver } from './driver.js';

/** MUST or SHOULD, as the catalogue gives each case (tools/faults/cases.ts). */
export type Level = CaseLevel;

/**
 * PASS: the answer is what a correct API gives. FAIL: a MUST requirement is broken,
 * or the API hung or dropped the connection. WARN: a SHOULD requirement is not met
 * (or a MUST case answered with the wrong error details). SKIP: not applicable.
 */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'SKIP';

export interface ApiConformanceOptions {
  /** The protected endpoint, e.g. `http://localhost:3001/orders`. */
  url: string;
  /** HTTP method of the endpoint; default `GET`. */
  method?: string;
  /** A request body sent with every call (JSON), for endpoints such as `POST /orders`. */
  body?: string;
  /** The API identifier the endpoint expects in `aud`. */
  audience: string;
  /** The permission (scope) the endpoint requires; several are all granted to the good token. */
  permission: string | readonly string[];
  /**
   * The IdP to drive: a `startMockIdp()` handle or any IdpDriver. Without it, `issuer`
   * names a running mock-idp driven over its admin API; without both, a mock-idp is
   * started on `port` for the run.
   */
  idp?: MockIdp | IdpDriver;
  /** Issuer of a running mock-idp (its admin API at `<issuer>_mock/`). */
  issuer?: string;
  /** Admin token of that mock-idp, when it was started with one. */
  adminToken?: string;
  /** Port of the mock-idp started for the run (no `idp`, no `issuer`); default 4000. */
  port?: number;
  /** The tenant user the tokens are minted for (email or sub); default the tenant's first user. */
  user?: string;
  /**
   * The token dialect of the tokens sent (Auth0's `token_dialect`): `access_token_authz` is Auth0's
   * default profile (`typ: JWT`, `azp`) with `permissions`, `rfc9068_profile_authz` RFC 9068's
   * (`typ: at+jwt`, `client_id`, `jti`); default the dialect the IdP's tenant gives the API.
   */
  tokenDialect?: TokenDialect;
  /** The API's clock tolerance in seconds, for the expiry-edge cases (RS-13, RS-14, RS-16); default 5. */
  clockTolerance?: number;
  /** How long a key-rotation case may take to be honoured, in milliseconds (RS-34, RS-35); default 5000. */
  rotationWait?: number;
  /**
   * The API's minimum time between JWKS refetches, in milliseconds (jose's and express-oauth2-jwt-bearer's
   * `cooldownDuration`): RS-34 signs with a key the API cannot have fetched and gives it this long after its
   * last JWKS fetch before failing the case; default 30 000 (jose's default). An API that refetches at once
   * (jwks-rsa) passes without waiting; 0 judges RS-34 by `rotationWait` alone.
   */
  jwksCooldown?: number;
  /** Per-request timeout in milliseconds; default 5000. */
  requestTimeout?: number;
  /** Called after each check, e.g. to print progress. */
  onResult?: (result: CheckResult) => void;
}

/** What the API answered (or did not). */
export type Answer =
  | {
      kind: 'response';
      status: number;
      /** Every `WWW-Authenticate` field line. */
      wwwAuthenticate: string[];
      /** The first 500 characters of the body. */
      body: string;
      /** Where a redirect sent the client (the login-app harness: where the app sent the browser from its callback). */
      location?: string;
      ms: number;
    }
  | { kind: 'timeout'; ms: number }
  | { kind: 'dropped'; message: string; ms: number };

/** The request of a check, as a report shows it (tokens shortened). */
export interface SentRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
}

export interface CheckResult {
  /** The catalogue case, e.g. `RS-23`. */
  caseId: string;
  /** The check: a fault preset id (`RS-23-mixedcase`), or the case id when it has one check. */
  checkId: string;
  variant?: string;
  title: string;
  level: Level;
  /** What was sent, in words. */
  sent: string;
  /** What a correct API answers. */
  expected: string;
  /** What the API answered, in words. */
  got: string;
  verdict: Verdict;
  /** Why the verdict is not PASS, and what to change. */
  reason?: string;
  reference: string;
  /** The last request of the check and its answer, for the JSON report. */
  request?: SentRequest;
  answer?: Answer;
}

/** Why the good-token baseline (RS-40) failed: the target is misconfigured, not tested. */
export interface Diagnosis {
  /** What the baseline answered. */
  got: string;
  /** The likely causes, most likely first. */
  causes: string[];
  /** The variant tokens tried and what each got. */
  tried: Array<{ variant: string; got: string }>;
}

export interface ConformanceSummary {
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
}

export interface ConformanceReport {
  target: {
    url: string;
    method: string;
    audience: string;
    permissions: string[];
    issuer: string;
    jwksUri: string;
  };
  startedAt: string;
  durationMs: number;
  /** Set when the baseline failed: the other cases were not run. */
  misconfigured?: Diagnosis;
  /**
   * Whether the IdP publishes and signs with the keys it had before the run again (the run rotates and
   * retires keys for RS-34 and RS-35, then puts its key ring back); false when it could not (an IdpDriver
   * without `restoreKeys`, or the IdP refused).
   */
  keysRestored: boolean;
  /** RS-40 first, then the catalogue order. */
  results: CheckResult[];
  summary: ConformanceSummary;
  /** 1 when a MUST case failed (or the baseline did), else 0. */
  exitCode: 0 | 1;
}
