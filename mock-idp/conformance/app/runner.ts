/**
 * runAppConformance: the RP catalogue against one login app. Each check is one
 * login of the test user through the app with a fresh cookie jar; the mock plants
 * one fault into that authorization only (keyed by its state and client), or the
 * harness alters the callback it carries; then the protected page says whether
 * the app created a session. The mock's events say whether it redeemed the code
 * or called userinfo.
 */
import type { LoginFaultId, RpCaseId } from '../../tools/faults/index.js';
import { APP_CONFORMANCE_DEFAULTS } from '../defaults.js';
import { ConformanceSetupError } from '../errors.js';
import type { IdpDriver } from '../driver.js';
import { broken } from '../judge.js';
import { openDriver } from '../run/settings.js';
import type { Answer, CheckResult, Verdict } from '../types.js';
import type { KeyInfo } from '../../start.js';
import { runBackchannelLogout } from './backchannel.js';
import { runRefresh, runSessionLimits } from './session.js';
import { appConformanceCase } from './cases.js';
import { AppLogin, appAnswer, LoginError, type Authorization, type Callback } from './login.js';
import type { AppConformanceOptions, AppConformanceReport, AppDiagnosis, Spec } from './types.js';


interface Outcome {
  accepted: boolean;
  /** What the app answered the callback with (its status, where it sent the browser), and how long the login took. */
  answer?: Answer;
  /** The mock's refusal of a token request in the attempt (e.g. PKCE's invalid_grant). */
  grantError?: string;
  got: string;
  redeemed: boolean;
  userinfo: boolean;
  status?: number;
  ms: number;
}

interface Watched {
  redeemed: boolean;
  userinfo: boolean;
  /** The app refreshed its tokens (RP-21), and the refreshed ID token named this other user. */
  refreshed: boolean;
  refreshedAs?: { sub: string; email?: string };
  grantError?: string;
  session: { sub?: string; sid?: string };
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class AppRun {
  readonly results: CheckResult[] = [];
  seq = 0;
  constructor(
    readonly options: AppConformanceOptions,
    readonly driver: IdpDriver,
    readonly target: ConstructorParameters<typeof AppLogin>[0],
  ) {}

  login(): AppLogin {
    return new AppLogin(this.target);
  }

  /** What the app did in the authorizations planted since the last mark (their `login.*` events), and the mock's last refusal of its token request. */
  async watch(): Promise<Watched> {
    const events = await this.driver.events(this.seq);
    const mine = events.filter((e) => e.type.startsWith('login.') && e.clientId === this.options.clientId);
    const grantError = events.find((e) => e.type === 'grant.error' && e.clientId === this.options.clientId)?.error;
    // The sub and sid of the ID token the mock issued in this login: the session a back-channel logout names (RP-24).
    const session: { sub?: string; sid?: string } = {};
    for (const e of mine) {
      if (typeof e.detail?.sub === 'string') session.sub = e.detail.sub;
      if (typeof e.detail?.sid === 'string') session.sid = e.detail.sid;
    }
    // RP-21: who the refreshed ID token named, when the mock made it another user.
    const refresh = mine.findLast((e) => e.type === 'login.refreshed');
    const answeredSub = refresh?.detail?.answeredSub;
    const answeredEmail = refresh?.detail?.answeredEmail;
    return {
      redeemed: mine.some((e) => e.type === 'login.code_redeemed'),
      userinfo: mine.some((e) => e.type === 'login.userinfo'),
      refreshed: refresh !== undefined,
      ...(typeof answeredSub === 'string' ? { refreshedAs: { sub: answeredSub, ...(typeof answeredEmail === 'string' ? { email: answeredEmail } : {}) } } : {}),
      ...(grantError ? { grantError } : {}),
      session,
    };
  }

  async mark(): Promise<void> {
    const events = await this.driver.events(this.seq);
    this.seq = events.at(-1)?.seq ?? this.seq;
  }

  async plant(authorization: Authorization, fault: LoginFaultId): Promise<void> {
    if (authorization.state === undefined) return;
    await this.driver.planLoginFault({
      state: authorization.state,
      clientId: authorization.clientId,
      fault,
      ...(authorization.nonce !== undefined ? { nonce: authorization.nonce } : {}),
      ...(authorization.codeChallenge !== undefined ? { codeChallenge: authorization.codeChallenge } : {}),
    });
  }

  /** One login with `fault` planted (and the callback changed by `alter`), judged by the protected page. */
  async attempt(fault: LoginFaultId | undefined, alter?: (callback: Callback, login: AppLogin) => Promise<Callback> | Callback): Promise<Outcome & { authorization: Authorization; callback: Callback; login: AppLogin; session: { sub?: string; sid?: string } }> {
    const started = performance.now();
    await this.mark();
    const login = this.login();
    const authorization = await login.start();
    if (fault !== undefined) await this.plant(authorization, fault);
    let callback = await login.authorize(authorization);
    if (alter) callback = await alter(callback, login);
    const landed = await login.deliver(callback);
    const { page, accepted } = await login.protectedPage();
    const { redeemed, userinfo, grantError, session } = await this.watch();
    const parts = [`callback ${landed.response.status}`, redeemed ? `code redeemed${grantError ? ` (the mock refused it: ${grantError})` : ''}` : undefined, userinfo ? 'userinfo called' : undefined, accepted ? `protected page ${page.response.status}: session created` : 'protected page → login'];
    const ms = Math.round(performance.now() - started);
    return { accepted, got: parts.filter(Boolean).join('; '), redeemed, userinfo, ...(grantError ? { grantError } : {}), status: landed.response.status, answer: appAnswer(landed, ms), ms, authorization, callback, login, session };
  }

  record(spec: Spec, verdict: Verdict, got: string, reason?: string, answer?: Answer): void {
    const known = appConformanceCase(spec.caseId);
    const result: CheckResult = {
      caseId: spec.caseId,
      checkId: spec.checkId,
      ...(spec.variant !== undefined ? { variant: spec.variant } : {}),
      title: known.title,
      level: spec.level ?? known.level,
      sent: spec.sent,
      expected: spec.expected ?? (spec.expect === 'accept' ? 'the protected page (2xx)' : `no session${spec.noCodeRequest ? ', code not redeemed' : ''}`),
      got,
      verdict,
      ...(reason !== undefined ? { reason } : {}),
      reference: known.reference,
      ...(answer !== undefined ? { answer } : {}),
    };
    this.results.push(result);
    this.options.onResult?.(result);
  }

  judge(spec: Spec, outcome: Outcome): void {
    const level = spec.level ?? appConformanceCase(spec.caseId).level;
    const [verdict, reason] = ((): [Verdict, string?] => {
      if (spec.expect === 'accept') return outcome.accepted ? ['PASS'] : [broken(level), 'a correct app accepts this login'];
      if (outcome.accepted) return [broken(level), `the app created a session from a login it ${level === 'MUST' ? 'must' : 'should'} refuse`];
      // RFC 9700 §4.7.1: a client using PKCE may rely on it against CSRF; the mock refused the code.
      if (spec.noCodeRequest && outcome.redeemed && !(spec.pkceSuffices === true && outcome.grantError === 'invalid_grant')) return ['WARN', 'no session, but the app redeemed the code before noticing: check the callback first'];
      return ['PASS'];
    })();
    this.record(spec, verdict, outcome.got, reason, outcome.answer);
  }

  skipped(caseId: RpCaseId): boolean {
    return this.options.skip?.includes(caseId) === true;
  }

  async check(spec: Spec, fault: LoginFaultId | undefined, alter?: Parameters<AppRun['attempt']>[1]): Promise<void> {
    if (this.skipped(spec.caseId)) {
      this.skip(spec.caseId, 'skipped by the options', spec.checkId);
      return;
    }
    try {
      this.judge(spec, await this.attempt(fault, alter));
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      this.record(spec, spec.expect === 'accept' ? broken(spec.level ?? appConformanceCase(spec.caseId).level) : 'PASS', `login did not complete: ${err.message}`);
    }
  }

  skip(caseId: RpCaseId, reason: string, checkId: string = caseId): void {
    this.record({ caseId, checkId, sent: 'not run', expect: 'reject' }, 'SKIP', 'not run', reason);
  }
}

function diagnose(run: AppRun, err: unknown, outcome: (Outcome & { authorization: Authorization }) | undefined, grantError: string | undefined): AppDiagnosis {
  const causes: string[] = [];
  const { options } = run;
  if (err instanceof LoginError) {
    const text = err.message;
    if (/invalid_redirect_uri|redirect_uri/.test(text)) causes.push(`callback not registered: add the app's redirect_uri to the application "${options.clientId}"'s callbacks in the tenant`);
    else if (/invalid_client|unauthorized_client/.test(text)) causes.push(`the mock does not know the client id the app sends, or refuses it for this flow: check the app's client id (--client-id ${options.clientId})`);
    causes.push(text);
    return { got: text, causes, tried: [] };
  }
  if (err !== undefined) return { got: String((err as Error).message ?? err), causes: [`the login failed: ${(err as Error).message}`], tried: [] };
  const got = outcome?.got ?? 'no answer';
  if (outcome && outcome.authorization.clientId !== options.clientId) causes.push(`the app sends client_id "${outcome.authorization.clientId}", not "${options.clientId}": pass --client-id ${outcome.authorization.clientId} or fix the app`);
  if (grantError) causes.push(`the mock refused the app's token request (${grantError}): wrong client secret, or a redirect_uri other than the authorization's`);
  else if (outcome && !outcome.redeemed && outcome.authorization.responseType.includes('code')) {
    causes.push(`the app never redeemed the code: it failed before the token request. Its issuer may differ from "${run.driver.issuer}" (the trailing slash counts), or it cannot reach the mock (HTTPS: trust the mock's CA with NODE_EXTRA_CA_CERTS=$(mock-idp ca))`);
  } else if (outcome && outcome.status !== undefined && outcome.status >= 400) {
    causes.push(`the app refused the unfaulted callback (${outcome.status}): check its issuer ("${run.driver.issuer}", trailing slash included), its clock, and that it trusts the mock (HTTPS: NODE_EXTRA_CA_CERTS)`);
  } else {
    causes.push(`the callback succeeded but ${options.protectedUrl} still sends the browser to log in: is it the right protected URL, and does the app keep its session cookie over http (Secure cookies need https)?`);
  }
  return { got, causes, tried: [] };
}

const flip = (value: string) => `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;

/** Runs the RP catalogue against a login app. Throws ConformanceSetupError for bad options or an unreachable IdP. */
export async function runAppConformance(options: AppConformanceOptions): Promise<AppConformanceReport> {
  for (const field of ['loginUrl', 'protectedUrl'] as const) {
    if (typeof options[field] !== 'string' || !URL.canParse(options[field])) throw new ConformanceSetupError('ERR_OPTIONS', `${field} must be an absolute http(s) URL`);
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new ConformanceSetupError('ERR_OPTIONS', 'clientId is required (the app\'s client id)');
  if (options.refreshUrl !== undefined && (typeof options.refreshUrl !== 'string' || !URL.canParse(options.refreshUrl))) throw new ConformanceSetupError('ERR_OPTIONS', 'refreshUrl must be an absolute http(s) URL');
  for (const field of ['sessionIdle', 'sessionAbsolute', 'sessionMargin'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < (field === 'sessionMargin' ? 0 : 0.1) || value > 3600)) throw new ConformanceSetupError('ERR_OPTIONS', `${field} must be a number of seconds up to 3600${field === 'sessionMargin' ? '' : ', more than 0'}`);
  }
  const startedAt = new Date();
  const started = performance.now();
  const requestTimeout = options.requestTimeout ?? APP_CONFORMANCE_DEFAULTS.requestTimeout;
  const driver = await openDriver(options, requestTimeout);
  try {
    const user = options.user ?? (await driver.defaultUser());
    const target = { loginUrl: options.loginUrl, protectedUrl: options.protectedUrl, issuer: driver.issuer, user, ...(options.ca !== undefined ? { ca: options.ca } : {}) };
    const run = new AppRun(options, driver, target);
    const report = (misconfigured?: AppDiagnosis, responseType?: string): AppConformanceReport => {
      const count = (v: Verdict) => run.results.filter((r) => r.verdict === v).length;
      const summary = { passed: count('PASS'), failed: count('FAIL'), warnings: count('WARN'), skipped: count('SKIP') };
      return {
        target: { loginUrl: options.loginUrl, protectedUrl: options.protectedUrl, clientId: options.clientId, user, issuer: driver.issuer, jwksUri: driver.jwksUri, ...(responseType ? { responseType } : {}) },
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - started),
        ...(misconfigured ? { misconfigured } : {}),
        results: run.results,
        summary,
        exitCode: summary.failed > 0 || misconfigured ? 1 : 0,
      };
    };

    // RP-00: the unfaulted login, watched by the mock.
    let baseline: (Outcome & { authorization: Authorization; callback: Callback }) | undefined;
    let failure: unknown;
    try {
      baseline = await run.attempt('none');
    } catch (err) {
      if (!(err instanceof LoginError) && !(err instanceof TypeError)) throw err;
      failure = err;
    }
    const base: Spec = { caseId: 'RP-00', checkId: 'RP-00', sent: 'an unfaulted login', expect: 'accept' };
    if (!baseline?.accepted || baseline.authorization.clientId !== options.clientId) {
      const { grantError } = await run.watch();
      const misconfigured = diagnose(run, failure, baseline, grantError);
      run.record(base, 'FAIL', misconfigured.got, `misconfigured target: ${misconfigured.causes[0] ?? 'see the diagnosis'}`);
      return report(misconfigured);
    }
    run.judge(base, baseline);
    const { responseType, codeChallengeMethod } = baseline.authorization;
    const browserToken = responseType.split(' ').includes('id_token');
    const codeFlow = responseType.split(' ').includes('code');

    if (!codeFlow) run.skip('RP-18', `response_type=${responseType}: no code is exchanged`);
    else if (codeChallengeMethod === 'S256') run.record({ caseId: 'RP-18', checkId: 'RP-18', sent: 'the app\'s authorization request', expect: 'accept' }, 'PASS', 'code_challenge_method=S256');
    else run.record({ caseId: 'RP-18', checkId: 'RP-18', sent: 'the app\'s authorization request', expect: 'accept' }, 'WARN', codeChallengeMethod ? `code_challenge_method=${codeChallengeMethod}` : 'no code_challenge', 'send PKCE with S256 (RFC 9700 §2.1.1)');

    // RP-01: the callback's state, changed by the browser.
    const withState = (callback: Callback, state: string | undefined): Callback => {
      const params = { ...callback.params };
      if (state === undefined) delete params.state;
      else params.state = state;
      return { ...callback, params };
    };
    await run.check({ caseId: 'RP-01', checkId: 'RP-01-missing', variant: 'missing', sent: 'the callback without state', expect: 'reject', noCodeRequest: true }, 'none', (c) => withState(c, undefined));
    await run.check({ caseId: 'RP-01', checkId: 'RP-01-wrong', variant: 'wrong', sent: 'the callback with a changed state', expect: 'reject', noCodeRequest: true }, 'none', (c) => withState(c, flip(c.params.state ?? 'state')));
    await run.check({ caseId: 'RP-01', checkId: 'RP-01-other-browser', variant: 'other browser', sent: 'the callback of a login started in another browser', expect: 'reject', noCodeRequest: true, pkceSuffices: codeChallengeMethod === 'S256' }, 'none', async () => {
      const other = run.login();
      const authorization = await other.start();
      await run.plant(authorization, 'none');
      return other.authorize(authorization);
    });

    // RP-02: a callback that logged one browser in, replayed by another.
    if (run.skipped('RP-02')) run.skip('RP-02', 'skipped by the options');
    else try {
      const first = baseline.callback;
      const replay = run.login();
      const landed = await replay.deliver(first, replay.browser);
      const { page, accepted } = await replay.protectedPage();
      run.judge({ caseId: 'RP-02', checkId: 'RP-02', sent: 'the baseline\'s callback, delivered again from another browser', expect: 'reject' }, { accepted, got: `callback ${landed.response.status}; ${accepted ? `protected page ${page.response.status}: session created` : 'protected page → login'}`, redeemed: false, userinfo: false, answer: appAnswer(landed, 0), ms: 0 });
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      run.record({ caseId: 'RP-02', checkId: 'RP-02', sent: 'replayed callback', expect: 'reject' }, 'PASS', err.message);
    }

    const planted: Array<[Spec, LoginFaultId]> = [
      [{ caseId: 'RP-03', checkId: 'RP-03-wrong', variant: 'wrong', sent: 'ID token with another nonce', expect: 'reject' }, 'RP-03-wrong'],
      [{ caseId: 'RP-03', checkId: 'RP-03-missing', variant: 'missing', sent: 'ID token without nonce', expect: 'reject' }, 'RP-03-missing'],
      [{ caseId: 'RP-04', checkId: 'RP-04', sent: 'ID token with iss https://another-tenant.example.com/', expect: 'reject' }, 'RP-04'],
      [{ caseId: 'RP-05', checkId: 'RP-05-wrong', variant: 'wrong', sent: 'ID token with aud stranger-client', expect: 'reject' }, 'RP-05-wrong'],
      [{ caseId: 'RP-05', checkId: 'RP-05-missing', variant: 'missing', sent: 'ID token without aud', expect: 'reject' }, 'RP-05-missing'],
      [{ caseId: 'RP-06', checkId: 'RP-06-stranger', variant: 'stranger added', sent: 'ID token with aud [app, stranger-client], no azp', expect: 'reject' }, 'RP-06-stranger'],
      [{ caseId: 'RP-06', checkId: 'RP-06-azp', variant: 'azp', sent: 'ID token with azp stranger-client', level: 'SHOULD', expect: 'reject' }, 'RP-06-azp'],
      [{ caseId: 'RP-07', checkId: 'RP-07', sent: 'ID token with aud [app]', expect: 'accept' }, 'RP-07'],
      [{ caseId: 'RP-08', checkId: 'RP-08-sub', variant: 'sub missing', sent: 'ID token without sub', expect: 'reject' }, 'RP-08-sub'],
      [{ caseId: 'RP-08', checkId: 'RP-08-iat', variant: 'iat missing', sent: 'ID token without iat', expect: 'reject' }, 'RP-08-iat'],
      [{ caseId: 'RP-08', checkId: 'RP-08-iat-week', variant: 'iat a week old', sent: 'ID token issued a week ago (still unexpired)', level: 'SHOULD', expect: 'reject' }, 'RP-08-iat-week'],
      [{ caseId: 'RP-09', checkId: 'RP-09-past', variant: 'expired', sent: 'ID token expired an hour ago', expect: 'reject' }, 'RP-09-past'],
      [{ caseId: 'RP-09', checkId: 'RP-09-missing', variant: 'exp missing', sent: 'ID token without exp', expect: 'reject' }, 'RP-09-missing'],
      [{ caseId: 'RP-10', checkId: 'RP-10-rs256', variant: 'RS256', sent: `ID token with a flipped RS256 signature (${browserToken ? 'through the browser' : 'from the token endpoint'})`, level: browserToken ? 'MUST' : 'SHOULD', expect: 'reject' }, 'RP-10-rs256'],
      [{ caseId: 'RP-10', checkId: 'RP-10-hs256', variant: 'HS256', sent: 'ID token HS256-signed with the RSA public key', expect: 'reject' }, 'RP-10-hs256'],
      [{ caseId: 'RP-11', checkId: 'RP-11-none', variant: 'none', sent: 'ID token with alg none, no signature', expect: 'reject' }, 'RP-11-none'],
      [{ caseId: 'RP-11', checkId: 'RP-11-rs512', variant: 'RS512', sent: 'ID token signed RS512 (RS256 registered)', expect: 'reject' }, 'RP-11-rs512'],
    ];
    for (const [spec, fault] of planted) await run.check(spec, fault);

    const published = await driver.keys();
    if (published.length === 1) await run.check({ caseId: 'RP-12', checkId: 'RP-12', sent: 'ID token without kid, one key in the JWKS', expect: 'accept' }, 'RP-12-no-kid');
    else run.skip('RP-12', `the JWKS holds ${published.length} keys: the one-key case needs exactly one`);
    // RP-12 with several keys: a second key published for this one login; refusing or trying each key are both right, a crash is not.
    if (run.skipped('RP-12')) run.skip('RP-12', 'skipped by the options', 'RP-12-several-keys');
    else if (published.some((k) => k.status === 'next')) run.skip('RP-12', 'the mock already publishes a next key: retire it and run again', 'RP-12-several-keys');
    else {
      const keys = await driver.publishNextKey();
      const spec: Spec = { caseId: 'RP-12', checkId: 'RP-12-several-keys', variant: 'several keys', sent: `ID token without kid, ${keys.length} keys in the JWKS`, expect: 'accept', expected: 'the protected page, or a clean refusal (4xx, back to login); never a 5xx' };
      try {
        const outcome = await run.attempt('RP-12-no-kid');
        if (outcome.status !== undefined && outcome.status >= 500) run.record(spec, 'WARN', outcome.got, 'the app crashed on an ID token without kid while the JWKS holds several keys: try each key, or refuse the login cleanly', outcome.answer);
        else run.record(spec, 'PASS', `${outcome.got}${outcome.accepted ? ' (tried the keys)' : ' (refused)'}`, undefined, outcome.answer);
      } catch (err) {
        if (!(err instanceof LoginError)) throw err;
        run.record(spec, 'PASS', `login did not complete: ${err.message}`);
      } finally {
        const next = keys.find((k) => k.status === 'next');
        if (next) await driver.retireKey(next.kid);
      }
    }

    if (baseline.userinfo) await run.check({ caseId: 'RP-15', checkId: 'RP-15', sent: 'userinfo answer with another user\'s sub', expect: 'reject' }, 'RP-15');
    else run.skip('RP-15', 'the app did not call userinfo in the baseline login');

    run.skip('RP-16', 'apps read the discovery document once, when they start: a per-login fault cannot reach it, and changing it for the whole mock would break every app that trusts it');
    await run.check({ caseId: 'RP-17', checkId: 'RP-17', sent: 'callback with error=access_denied and the right state', expect: 'reject', noCodeRequest: true }, 'RP-17');

    // RP-13: a key published now, after every JWKS fetch of the app; RP-14 the same with an unparseable key beside it. Last
    // of the key cases: the app keeps the keys it fetched (RP-12 would then see several).
    await newKeyCheck(run, published, 'RP-13');
    await newKeyCheck(run, published, 'RP-14');

    await runRefresh(run);
    await runBackchannelLogout(run);
    await runSessionLimits(run);
    return report(undefined, responseType);
  } finally {
    await driver.close();
  }
}

/**
 * RP-13 and RP-14: the login's ID token signed by a key published just now (so the app must refetch
 * the JWKS), for RP-14 with a key no client can parse published beside it; retried until
 * `rotationWait`, both keys removed afterwards. A login accepted without a JWKS fetch shows an app
 * that does not verify that token's signature: it never read the new keys (SKIP, not PASS).
 */
async function newKeyCheck(run: AppRun, published: readonly KeyInfo[], caseId: 'RP-13' | 'RP-14'): Promise<void> {
  const { driver, options } = run;
  if (run.skipped(caseId)) return run.skip(caseId, 'skipped by the options');
  if (published.some((k) => k.status === 'next')) return run.skip(caseId, 'the mock already publishes a next key, which the app may have fetched: retire it and run again');
  if (caseId === 'RP-14' && driver.publishUnparseableKey === undefined) return run.skip(caseId, 'the IdP driver cannot publish an unparseable key');
  const fetchesBefore = await driver.jwksFetches();
  const keys = await driver.publishNextKey();
  const next = keys.find((k) => k.status === 'next');
  const withdraw: string[] = next ? [next.kid] : [];
  const fetches = (n: number | undefined) => (n === undefined ? '' : `${n} JWKS fetch${n === 1 ? '' : 'es'}`);
  try {
    const unparseable = caseId === 'RP-14' ? (await driver.publishUnparseableKey!()).kid : undefined;
    if (unparseable) withdraw.push(unparseable);
    const spec: Spec = { caseId, checkId: caseId, sent: `ID token signed by a key published just now${next ? ` (${next.kid})` : ''}${unparseable ? `, the JWKS also holding the unparseable key ${unparseable}` : ''}`, expect: 'accept' };
    const wait = options.rotationWait ?? APP_CONFORMANCE_DEFAULTS.rotationWait;
    const deadline = Date.now() + wait;
    // At least five tries in a short wait (an app with a short refetch cooldown), one every 2 s in a long one.
    const every = Math.min(APP_CONFORMANCE_DEFAULTS.retryEveryMs, Math.max(250, wait / 5));
    const publishedAt = Date.now();
    let outcome = await run.attempt(caseId);
    while (!outcome.accepted && Date.now() + every < deadline) {
      await sleep(every);
      outcome = await run.attempt(caseId);
    }
    const after = `${Math.round((Date.now() - publishedAt) / 100) / 10} s`;
    const fetchesAfter = await driver.jwksFetches();
    const fetched = fetchesBefore === undefined || fetchesAfter === undefined ? undefined : fetchesAfter - fetchesBefore;
    if (outcome.accepted && fetched === 0) {
      run.skip(caseId, `the app accepted the login without fetching the JWKS: it does not verify this ID token's signature (see RP-10), so it never read the ${caseId === 'RP-14' ? 'unparseable key' : 'new key'}`);
    } else if (outcome.accepted) {
      run.record(spec, 'PASS', `${outcome.got} (after ${after}${fetched !== undefined ? `, ${fetches(fetched)}` : ''})`, undefined, outcome.answer);
    } else if (caseId === 'RP-14') {
      run.record(spec, 'FAIL', `${outcome.got} for ${after}${fetched !== undefined ? ` (${fetches(fetched)})` : ''}`, `logins signed by a new key were refused for ${after} while the JWKS also held a key the app cannot parse: it must ignore that key (RFC 7517 §5), not fail on the whole set. Raise rotationWait if its refetch cooldown is longer.`, outcome.answer);
    } else {
      run.record(spec, 'FAIL', `${outcome.got} for ${after}`, `logins signed by the new key were refused for ${after}: the app does not refetch the JWKS for an unknown kid (keys loaded once). Raise rotationWait if its refetch cooldown is longer.`, outcome.answer);
    }
  } catch (err) {
    if (!(err instanceof LoginError)) throw err;
    run.record({ caseId, checkId: caseId, sent: 'ID token signed by a key published just now', expect: 'accept' }, 'FAIL', `login did not complete: ${err.message}`);
  } finally {
    for (const kid of withdraw) await driver.retireKey(kid);
  }
}
