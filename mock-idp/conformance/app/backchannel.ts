/**
 * RP-24, back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.6, §2.8): the test user
 * logs in once; then the harness POSTs logout tokens to the application's back-channel logout URI,
 * as the mock would: five forgeries (alg none, another issuer, another audience, no `events`, a
 * `nonce`), each of which must get 400 and leave the session alone, and last a valid one for that
 * session (its `sub` and `sid`, signed by the mock's key), which must end it.
 */
import type { LogoutTokenFault, RpCaseId } from '../../tools/faults/index.js';
import type { IdpDriver } from '../driver.js';
import type { Answer, Verdict } from '../types.js';
import { appAnswer, LoginError, type AppLogin } from './login.js';
import type { AppConformanceOptions, Spec } from './types.js';


/** What RP-24 uses of the run (runner.ts's AppRun). */
export interface BackchannelRun {
  readonly driver: IdpDriver;
  readonly options: AppConformanceOptions;
  login(): AppLogin;
  attempt(fault: 'none'): Promise<{ accepted: boolean; login: AppLogin; session: { sub?: string; sid?: string } }>;
  record(spec: Spec, verdict: Verdict, got: string, reason?: string, answer?: Answer): void;
  skipped(caseId: RpCaseId): boolean;
  skip(caseId: RpCaseId, reason: string, checkId?: string): void;
}

const FORGERIES: ReadonlyArray<[Exclude<LogoutTokenFault, 'valid'>, string]> = [
  ['alg-none', 'logout_token with alg none, no signature'],
  ['wrong-iss', 'logout_token with iss https://another-tenant.example.com/'],
  ['wrong-aud', 'logout_token with aud stranger-client'],
  ['no-events', 'logout_token without the events claim'],
  ['with-nonce', 'logout_token with a nonce'],
];

const spec = (fault: LogoutTokenFault, sent: string): Spec => ({
  caseId: 'RP-24',
  checkId: `RP-24-${fault}`,
  variant: fault,
  sent,
  expect: fault === 'valid' ? 'accept' : 'reject',
  expected: fault === 'valid' ? '2xx, and the session ended' : '400, and the session kept',
});

export async function runBackchannelLogout(run: BackchannelRun): Promise<void> {
  const { driver, options } = run;
  if (run.skipped('RP-24')) return run.skip('RP-24', 'skipped by the options');
  if (driver.forgeLogoutToken === undefined) return run.skip('RP-24', 'the IdP driver cannot forge logout tokens');
  const probe = await driver.forgeLogoutToken({ clientId: options.clientId, sub: 'probe', fault: 'valid' });
  if (probe.backchannelLogoutUri === null) return run.skip('RP-24', `the application "${options.clientId}" registered no back-channel logout URI (backchannelLogoutUri in the tenant): the app does not take back-channel logouts`);
  const uri = probe.backchannelLogoutUri;

  type Login = Awaited<ReturnType<BackchannelRun['attempt']>>;
  /** A login that reached the protected page, and the session the mock saw for it (what a valid logout token names). */
  const logIn = async (): Promise<{ login: Login; session: { clientId: string; sub?: string; sid?: string } } | string> => {
    let attempt: Login;
    try {
      attempt = await run.attempt('none');
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      return `the login did not complete: ${err.message}`;
    }
    const { sub, sid } = attempt.session;
    if (!attempt.accepted || (sub === undefined && sid === undefined)) return 'the login did not reach the protected page (or the mock saw no ID token for it)';
    return { login: attempt, session: { clientId: options.clientId, ...(sub !== undefined ? { sub } : {}), ...(sid !== undefined ? { sid } : {}) } };
  };
  const first = await logIn();
  if (typeof first === 'string') return run.skip('RP-24', `before the logout tokens, ${first}`);
  let { login, session } = first;

  /** POSTs a logout token as the IdP does (a form, no cookies) and asks the protected page in the logged-in browser. */
  const deliver = async (fault: LogoutTokenFault): Promise<{ answer: Answer; status: number; kept: boolean; got: string }> => {
    const { logoutToken } = await driver.forgeLogoutToken!({ ...session, fault });
    const started = performance.now();
    const page = await run.login().browser.navigate(uri, { method: 'POST', form: { logout_token: logoutToken } });
    const answer = appAnswer(page, Math.round(performance.now() - started));
    const { accepted: kept } = await login.login.protectedPage();
    return { answer, status: page.response.status, kept, got: `back-channel ${page.response.status}; ${kept ? 'session kept' : 'session ended'}` };
  };

  for (const [fault, sent] of FORGERIES) {
    const s = spec(fault, sent);
    const { answer, status, kept, got } = await deliver(fault);
    if (!kept) run.record(s, 'FAIL', got, 'the app ended the session for a logout token it must refuse (§2.6): anyone can log its users out', answer);
    else if (status !== 400) run.record(s, 'WARN', got, 'session kept, but an invalid logout token gets 400 (Back-Channel Logout 1.0 §2.8)', answer);
    else run.record(s, 'PASS', got, undefined, answer);
    // A refused token must not have ended it; if it did, log in again (a new session, a new sid) for the next forgery.
    if (!kept) {
      const again = await logIn();
      if (typeof again === 'string') return run.skip('RP-24', `after a forgery ended the session, ${again}: the remaining logout tokens were not sent`, 'RP-24-rest');
      ({ login, session } = again);
    }
  }

  const valid = await deliver('valid');
  const s = spec('valid', 'a valid logout_token for the session (its sub and sid, signed by the mock\'s key)');
  if (valid.kept) run.record(s, 'FAIL', valid.got, 'the app kept its session after a valid back-channel logout: a user logged out at the IdP stays logged in here', valid.answer);
  else if (valid.status < 200 || valid.status >= 300) run.record(s, 'WARN', valid.got, 'session ended, but a valid logout token gets 200 (Back-Channel Logout 1.0 §2.8)', valid.answer);
  else run.record(s, 'PASS', valid.got, undefined, valid.answer);
}
