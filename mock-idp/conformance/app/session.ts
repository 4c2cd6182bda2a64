/**
 * The cases about what an app does with a session after the login: RP-21 (a refresh answers an ID
 * token for another user) and RP-25 (the app's own idle and absolute limits, where it states them).
 * Both need the app's cooperation (a page that refreshes, stated limits) and SKIP with the reason
 * without it; RP-25 waits out the app's clocks, bounded by the limits stated.
 */
import { SHORT_EXPIRES_IN, type RpCaseId } from '../../tools/faults/index.js';
import { APP_CONFORMANCE_DEFAULTS } from '../defaults.js';
import type { Answer, Verdict } from '../types.js';
import { appAnswer, LoginError, type AppLogin } from './login.js';
import type { AppConformanceOptions, Spec } from './types.js';


/** What these cases use of the run (runner.ts's AppRun). */
export interface SessionRun {
  readonly options: AppConformanceOptions;
  attempt(fault: 'none' | 'RP-21'): Promise<{ accepted: boolean; login: AppLogin }>;
  mark(): Promise<void>;
  watch(): Promise<{ refreshed: boolean; refreshedAs?: { sub: string; email?: string } }>;
  record(spec: Spec, verdict: Verdict, got: string, reason?: string, answer?: Answer): void;
  skipped(caseId: RpCaseId): boolean;
  skip(caseId: RpCaseId, reason: string, checkId?: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A login that reached the protected page, or why not (the case is then a SKIP: nothing to judge). */
async function logIn(run: SessionRun, fault: 'none' | 'RP-21'): Promise<AppLogin | string> {
  try {
    const attempt = await run.attempt(fault);
    return attempt.accepted ? attempt.login : 'the login did not reach the protected page';
  } catch (err) {
    if (!(err instanceof LoginError)) throw err;
    return `the login did not complete: ${err.message}`;
  }
}

/**
 * RP-21: a login whose token answer expires at once (`expires_in: 1`); the app's refresh URL then makes
 * it refresh, and the mock answers that one refresh with a correctly signed ID token for another user.
 * The session must end, never go on as that user.
 */
export async function runRefresh(run: SessionRun): Promise<void> {
  const { refreshUrl } = run.options;
  if (run.skipped('RP-21')) return run.skip('RP-21', 'skipped by the options');
  if (refreshUrl === undefined) return run.skip('RP-21', 'no refresh URL was given (--refresh-url, a page where the app refreshes its tokens): the harness cannot make the app refresh');
  const login = await logIn(run, 'RP-21');
  if (typeof login === 'string') return run.skip('RP-21', `${login} (with a short-lived access token)`);
  const loggedInAt = Date.now();
  const ask = async () => {
    await run.mark();
    const started = performance.now();
    const page = await login.browser.navigate(refreshUrl, { stopAt: login.authorizeUrl });
    return { page, answer: appAnswer(page, Math.round(performance.now() - started)), watched: await run.watch() };
  };
  let asked = await ask();
  // An app that refreshes only an expired token (express-openid-connect's isExpired(), in whole seconds): ask again every
  // quarter second until the planted expiry has surely passed. The asks also keep the session active (a short idle limit).
  const expired = loggedInAt + SHORT_EXPIRES_IN * 1000 + APP_CONFORMANCE_DEFAULTS.expiryMarginMs;
  while (!asked.watched.refreshed && Date.now() < expired) {
    await sleep(Math.min(APP_CONFORMANCE_DEFAULTS.refreshPollMs, Math.max(0, expired - Date.now())));
    asked = await ask();
  }
  const status = asked.page.response.status;
  if (!asked.watched.refreshed) return run.skip('RP-21', `the app did not refresh its tokens at ${refreshUrl} (it answered ${status}; the mock saw no refresh-token request), even once its access token had expired`);
  const other = asked.watched.refreshedAs;
  if (other === undefined) return run.skip('RP-21', 'the tenant has no other user with an email to forge the refreshed ID token for');
  const who = other.email ?? other.sub;
  const shows = (body: string) => body.includes(other.sub) || (other.email !== undefined && body.includes(other.email));
  const { page, accepted } = await login.protectedPage();
  const spec: Spec = { caseId: 'RP-21', checkId: 'RP-21', sent: `a refresh answered with a correctly signed ID token for another user (${who})`, expect: 'reject', expected: 'the session ends (back to login), never another user\'s' };
  if (!accepted) return run.record(spec, 'PASS', `refresh URL ${status}; protected page → login: session ended`, undefined, asked.answer);
  if (shows(page.body) || shows(asked.page.body)) {
    return run.record(spec, 'FAIL', `refresh URL ${status}; protected page ${page.response.status} as ${who}`, `the app took a refreshed ID token for another user: its session now belongs to ${who} (OIDC Core 12.2: a refreshed ID token's sub must be the session's)`, asked.answer);
  }
  run.record(spec, 'WARN', `refresh URL ${status}; protected page ${page.response.status} as the user who logged in`, `the session went on after a refresh whose ID token names ${who}: end it instead (OIDC Core 12.2)`, asked.answer);
}

/**
 * RP-25: one login left unused past the idle limit, another kept active (every quarter of the idle
 * limit) past the absolute limit; both at once, so the case lasts about the longer limit plus the margin.
 */
export async function runSessionLimits(run: SessionRun): Promise<void> {
  const { sessionIdle: idle, sessionAbsolute: absolute } = run.options;
  if (run.skipped('RP-25')) return run.skip('RP-25', 'skipped by the options');
  if (idle === undefined && absolute === undefined) return run.skip('RP-25', 'the app\'s session limits were not stated (--session-idle, --session-absolute)');
  const margin = (run.options.sessionMargin ?? APP_CONFORMANCE_DEFAULTS.sessionMargin / 1000) * 1000;
  const checks: Array<Promise<() => void>> = [];

  if (idle !== undefined) {
    const login = await logIn(run, 'none');
    if (typeof login === 'string') run.skip('RP-25', `for the idle limit, ${login}`, 'RP-25-idle');
    else checks.push((async () => {
      const start = Date.now();
      await sleep(idle * 1000 + margin);
      const { page, accepted } = await login.protectedPage();
      const after = seconds(Date.now() - start);
      const spec: Spec = { caseId: 'RP-25', checkId: 'RP-25-idle', variant: 'idle', sent: `the protected page after ${after} unused (idle limit ${idle} s)`, expect: 'reject', expected: 'back to login' };
      return () => (accepted ? run.record(spec, 'FAIL', `protected page ${page.response.status} after ${after} unused`, `the session outlived the app's stated idle limit of ${idle} s`) : run.record(spec, 'PASS', `protected page → login after ${after} unused`));
    })());
  }
  if (absolute !== undefined) {
    const login = await logIn(run, 'none');
    if (typeof login === 'string') run.skip('RP-25', `for the absolute limit, ${login}`, 'RP-25-absolute');
    else checks.push((async () => {
      const start = Date.now();
      const end = start + absolute * 1000 + margin;
      const every = Math.max(100, ((idle ?? absolute) * 1000) / 4);
      let endedAfter: number | undefined;
      while (Date.now() + every < end) {
        await sleep(every);
        if (!(await login.protectedPage()).accepted) {
          endedAfter = Date.now() - start;
          break;
        }
      }
      const spec: Spec = { caseId: 'RP-25', checkId: 'RP-25-absolute', variant: 'absolute', sent: `the protected page, asked every ${seconds(every)}, past the absolute limit of ${absolute} s`, expect: 'reject', expected: 'back to login once the absolute limit passed' };
      if (endedAfter !== undefined) return () => run.record(spec, 'PASS', `session ended after ${seconds(endedAfter)} of activity (limit ${absolute} s)`);
      await sleep(Math.max(0, end - Date.now()));
      const { page, accepted } = await login.protectedPage();
      const after = seconds(Date.now() - start);
      return () => (accepted ? run.record(spec, 'FAIL', `protected page ${page.response.status} after ${after}, active every ${seconds(every)}`, `the session outlived the app's stated absolute limit of ${absolute} s`) : run.record(spec, 'PASS', `protected page → login after ${after}, active every ${seconds(every)}`));
    })());
  }
  for (const record of await Promise.all(checks)) record();
}
