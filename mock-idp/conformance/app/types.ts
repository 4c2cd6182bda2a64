/** Public types of the login-app (relying-party) conformance harness. */
import type { MockIdp } from '../../start.js';
import type { IdpDriver } from '../driver.js';
import type { RpCaseId } from '../../tools/faults/index.js';
import type { CheckResult, ConformanceSummary, Level } from '../types.js';

export interface AppConformanceOptions {
  /** Where the app starts a login, e.g. `http://localhost:3000/login` (or a protected page that redirects to it). */
  loginUrl: string;
  /** A page only a logged-in user gets (2xx), e.g. `http://localhost:3000/profile`. */
  protectedUrl: string;
  /** The app's client id at the IdP. */
  clientId: string;
  /** The tenant user to log in (email); default the tenant's first user. */
  user?: string;
  /** A `startMockIdp()` handle or an IdpDriver; else `issuer`, else a mock started on `port`. */
  idp?: MockIdp | IdpDriver;
  issuer?: string;
  adminToken?: string;
  port?: number;
  /** How long a correct app may take to refetch the JWKS for a new key (RP-13), ms; default 65 000 (openid-client refetches for an unknown kid once its cache is 60 s old). */
  rotationWait?: number;
  /** RP-21: a page of the app where it refreshes its tokens once its access token has expired (sample-app: `/orders`); without it RP-21 is a SKIP. */
  refreshUrl?: string;
  /** RP-25: the app's own idle limit, seconds (a session unused this long ends); RP-25 is a SKIP when neither limit is stated. */
  sessionIdle?: number;
  /** RP-25: the app's own absolute limit, seconds (a session ends this long after the login, however active). */
  sessionAbsolute?: number;
  /** RP-25: how long past a limit the harness asks, seconds; default 1 (an app that counts whole seconds may end a session up to a second late). */
  sessionMargin?: number;
  /** Per-request timeout, ms; default 5000. */
  requestTimeout?: number;
  /** Cases not to run (reported SKIP), e.g. `['RP-13']` where a run cannot wait for the app's JWKS refetch limits. */
  skip?: readonly string[];
  /** A CA (PEM) to trust, for an app or mock served over HTTPS. */
  ca?: string;
  onResult?: (result: CheckResult) => void;
}

/** Why the unfaulted login (RP-00) did not reach the protected page. */
export interface AppDiagnosis {
  got: string;
  causes: string[];
  tried: Array<{ variant: string; got: string }>;
}

export interface AppConformanceReport {
  target: { loginUrl: string; protectedUrl: string; clientId: string; user: string; issuer: string; jwksUri: string; responseType?: string };
  startedAt: string;
  durationMs: number;
  misconfigured?: AppDiagnosis;
  results: CheckResult[];
  summary: ConformanceSummary;
  exitCode: 0 | 1;
}

/** One check of a case: what was planted and what a correct app does. */
export interface Spec {
  caseId: RpCaseId;
  checkId: string;
  variant?: string;
  sent: string;
  level?: Level;
  expect: 'reject' | 'accept';
  /** What a correct app does, when not the protected page or no session (RP-24). */
  expected?: string;
  /** The code must not be redeemed either (RP-01, RP-17). */
  noCodeRequest?: boolean;
  /** A redemption that PKCE made fail counts as refused (RFC 9700 §4.7.1). */
  pkceSuffices?: boolean;
}
