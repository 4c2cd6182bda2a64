/**
 * runApiConformance: the RS catalogue against one JWT-protected endpoint.
 *
 * Order of a run (each step bounded in time):
 *   1. the IdP publishes a next key (so an API that fetches the JWKS during the run already knows it);
 *   2. RS-40, the good-token baseline; if refused, diagnose and stop;
 *   3. the request-shape cases (RS-01..07, RS-39);
 *   4. the token cases signed by the active key (fault presets);
 *   5. rotation: RS-34 (the IdP signs with the next key), RS-35 (the old key leaves the JWKS);
 *   6. the unknown-key cases (RS-29..32) and the RS-33 flood, after the rotation so
 *      that rate-limited key fetches cannot starve it;
 *   7. RS-34 / RS-35 are retried until `rotationWait` has passed since the rotation.
 */
import { randomBytes } from 'node:crypto';
import { attackerRsaKey } from '../faults/attacker-keys.js';
import { FAULTS } from '../faults/catalogue.js';
import { signJws } from '../faults/compact.js';
import type { FaultPreset } from '../faults/types.js';
import type { MintRequest } from '../mint/mint-request.js';
import { ListenError } from '../server/listen.js';
import { startMockIdp } from '../start.js';
import { startCanary, type Canary } from './canary.js';
import { CONFORMANCE_CASES, conformanceCase } from './cases.js';
import { bearerChallenge } from './challenge.js';
import { ConformanceSetupError, MintRefusedError } from './errors.js';
import { httpDriver, inProcessDriver, isIdpDriver, type IdpDriver } from './driver.js';
import { send, shorten } from './http.js';
import { broken, describeAnswer, is2xx, is5xx, judgeAccept, judgeEither, judgeReject, unanswered, unansweredJudgement, type Judgement } from './judge.js';
import { CONFORMANCE_DEFAULTS } from './defaults.js';
import type { Answer, ApiConformanceOptions, CheckResult, ConformanceReport, Diagnosis, Level, SentRequest } from './types.js';


interface Settings {
  url: URL;
  method: string;
  body: string | undefined;
  audience: string;
  permissions: string[];
  user: string | undefined;
  clockTolerance: number;
  rotationWait: number;
  requestTimeout: number;
  onResult: ((result: CheckResult) => void) | undefined;
}

const optionsError = (message: string) => new ConformanceSetupError('ERR_OPTIONS', message);

function settingsOf(options: ApiConformanceOptions): Settings {
  if (!URL.canParse(options.url)) throw optionsError(`url must be an absolute http(s) URL, got "${options.url}"`);
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw optionsError(`url must be an http(s) URL, got "${options.url}"`);
  if (!options.audience?.trim()) throw optionsError('audience (the API identifier) is required');
  const permissions = (typeof options.permission === 'string' ? options.permission.split(',') : [...options.permission]).map((p) => p.trim()).filter(Boolean);
  if (permissions.length === 0) throw optionsError('permission (what the endpoint requires) is required');
  const method = (options.method ?? CONFORMANCE_DEFAULTS.method).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw optionsError(`method must be an HTTP method, got "${options.method}"`);
  const whole = (name: string, value: number | undefined, fallback: number, min: number) => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || n < min) throw optionsError(`${name} must be a whole number from ${min}, got ${value}`);
    return n;
  };
  return {
    url,
    method,
    body: options.body,
    audience: options.audience,
    permissions,
    user: options.user,
    clockTolerance: whole('clockTolerance', options.clockTolerance, CONFORMANCE_DEFAULTS.clockTolerance, 0),
    rotationWait: whole('rotationWait', options.rotationWait, CONFORMANCE_DEFAULTS.rotationWait, 0),
    requestTimeout: whole('requestTimeout', options.requestTimeout, CONFORMANCE_DEFAULTS.requestTimeout, 1),
    onResult: options.onResult,
  };
}

async function openDriver(options: ApiConformanceOptions, requestTimeout: number): Promise<IdpDriver> {
  if (options.idp !== undefined) return isIdpDriver(options.idp) ? options.idp : inProcessDriver(options.idp);
  if (options.issuer !== undefined) {
    return httpDriver(options.issuer, { timeoutMs: Math.max(requestTimeout, 10_000), ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}) });
  }
  const port = options.port ?? CONFORMANCE_DEFAULTS.port;
  try {
    return inProcessDriver(await startMockIdp({ port }), { closeOnEnd: true });
  } catch (err) {
    const hint = err instanceof ListenError && err.code === 'ERR_PORT_IN_USE' ? ': pass the issuer of the mock-idp already running there, or another port' : '';
    throw new ConformanceSetupError('ERR_IDP_START', `cannot start a mock-idp on port ${port}: ${(err as Error).message}${hint}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Math.floor(Date.now() / 1000);
const bearer = (token: string): Array<[string, string]> => [['authorization', `Bearer ${token}`]];

function readable(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

interface CheckSpec {
  caseId: string;
  checkId?: string;
  variant?: string;
  title?: string;
  level?: Level;
  sent: string;
  expected?: string;
  reference?: string;
}

interface Exchange {
  request: SentRequest;
  answer: Answer;
}

/** A check retried until a deadline (the rotation cases). */
interface Pending {
  spec: CheckSpec;
  deadline: number;
  attempt: () => Promise<Exchange>;
  judge: (answer: Answer) => Judgement;
  done: (answer: Answer) => boolean;
  giveUp: (answer: Answer) => Judgement;
}

class Run {
  readonly results: CheckResult[] = [];
  readonly pending: Pending[] = [];
  user = '';

  constructor(
    readonly settings: Settings,
    readonly driver: IdpDriver,
    readonly canary: Canary,
  ) {}

  async call(headers: Array<[string, string]>, query: Record<string, string> = {}): Promise<Exchange> {
    const url = new URL(this.settings.url);
    for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
    const answer = await send({
      method: this.settings.method,
      url: url.href,
      headers,
      ...(this.settings.body !== undefined ? { body: this.settings.body } : {}),
      timeoutMs: this.settings.requestTimeout,
    });
    const shownUrl = new URL(url);
    for (const name of Object.keys(query)) shownUrl.searchParams.set(name, shorten(shownUrl.searchParams.get(name) ?? ''));
    return {
      request: { method: this.settings.method, url: readable(shownUrl.href), headers: headers.map(([name, value]) => [name, shorten(value, 32)]) },
      answer,
    };
  }

  mint(extra: Partial<MintRequest> = {}): Promise<string> {
    return this.driver.mint({
      user: this.user,
      audience: this.settings.audience,
      permissions: this.settings.permissions,
      expiresIn: CONFORMANCE_DEFAULTS.tokenLifetime,
      ...extra,
    });
  }

  record(spec: CheckSpec, judgement: Judgement, exchange?: Exchange): CheckResult {
    const known = conformanceCase(spec.caseId);
    const result: CheckResult = {
      caseId: spec.caseId,
      checkId: spec.checkId ?? spec.caseId,
      ...(spec.variant !== undefined ? { variant: spec.variant } : {}),
      title: spec.title ?? known.title,
      level: spec.level ?? known.level,
      sent: spec.sent,
      expected: spec.expected ?? known.expected.replace(/`/g, ''),
      got: judgement.got,
      verdict: judgement.verdict,
      ...(judgement.reason !== undefined ? { reason: judgement.reason } : {}),
      reference: spec.reference ?? known.reference,
      ...(exchange ? { request: exchange.request, answer: exchange.answer } : {}),
    };
    this.results.push(result);
    this.settings.onResult?.(result);
    return result;
  }

  /** Runs a retried check once now; if not yet satisfied it is retried at the end of the run. */
  async eventually(p: Pending): Promise<void> {
    const first = await p.attempt();
    if (p.done(first.answer) || unanswered(first.answer)) {
      this.record(p.spec, p.judge(first.answer), first);
      return;
    }
    this.pending.push(p);
  }

  async finishPending(): Promise<void> {
    await Promise.all(
      this.pending.map(async (p) => {
        let last: Exchange;
        do {
          await sleep(Math.min(CONFORMANCE_DEFAULTS.retryEveryMs, Math.max(0, p.deadline - Date.now())));
          last = await p.attempt();
          if (p.done(last.answer) || unanswered(last.answer)) break;
        } while (Date.now() < p.deadline);
        const judgement = p.done(last.answer) || unanswered(last.answer) ? p.judge(last.answer) : p.giveUp(last.answer);
        this.record(p.spec, judgement, last);
      }),
    );
  }
}

/** What a correct API answers to a fault preset. */
function presetExpected(preset: FaultPreset): string {
  if (preset.expect === 'accept') return '200';
  if (preset.expect === 'either') return '401 invalid_token or 200, never 5xx';
  return '401 invalid_token';
}

function presetSpec(preset: FaultPreset): CheckSpec {
  return {
    caseId: preset.caseId,
    checkId: preset.id,
    ...(preset.variant !== undefined ? { variant: preset.variant } : {}),
    title: preset.title,
    level: preset.level,
    sent: preset.title,
    expected: presetExpected(preset),
    reference: preset.reference,
  };
}

function judgePreset(preset: FaultPreset, answer: Answer): Judgement {
  if (preset.expect === 'accept') return judgeAccept(answer, preset.level);
  if (preset.expect === 'either') return judgeEither(answer, preset.level);
  return judgeReject(answer, preset.level);
}

/** The presets of step 4 (signed by the active key) and of step 6 (unknown kids). */
const UNKNOWN_KID_CASES = new Set(['RS-29', 'RS-30', 'RS-31', 'RS-32']);
const SPECIAL_PRESETS = new Set(['RS-07']);

async function runPreset(run: Run, preset: FaultPreset): Promise<void> {
  const spec = presetSpec(preset);
  let token: string;
  try {
    token = await run.mint({
      fault: preset.id,
      clockTolerance: run.settings.clockTolerance,
      ...(preset.uses?.includes('canaryUrl') ? { canaryUrl: run.canary.urlFor(preset.id) } : {}),
    });
  } catch (err) {
    if (!(err instanceof MintRefusedError)) throw err;
    run.record(spec, { verdict: 'SKIP', got: 'not sent', reason: err.message });
    return;
  }
  const fetchesBefore = preset.caseId === 'RS-32' ? await run.driver.jwksFetches() : undefined;
  const exchange = await run.call(bearer(token));
  let judgement = judgePreset(preset, exchange.answer);
  if (preset.caseId === 'RS-30') {
    const hits = run.canary.hitsFor(preset.id);
    if (hits.length > 0) {
      judgement = { verdict: 'FAIL', got: `${judgement.got}; the canary was fetched (${hits.join(', ')})`, reason: `the API fetched the URL the token's ${preset.variant ?? 'jku'} header names: the attacker chooses the key, and the API makes requests for them (SSRF)` };
    } else {
      judgement = { ...judgement, got: `${judgement.got}; canary not fetched` };
    }
  }
  if (fetchesBefore !== undefined) {
    const fetchesAfter = await run.driver.jwksFetches();
    if (fetchesAfter !== undefined) {
      const refetches = fetchesAfter - fetchesBefore;
      judgement = { ...judgement, got: `${judgement.got}; JWKS ${refetches === 0 ? 'not refetched' : `refetched ${refetches}×`}` };
    }
  }
  run.record(spec, judgement, exchange);
}

/** RS-01..RS-07 and RS-39: what the request looks like rather than what the token says. */
async function runRequestShapes(run: Run, good: string, unprivileged: string): Promise<void> {
  const rs01 = await run.call([]);
  run.record({ caseId: 'RS-01', sent: 'no Authorization header' }, judgeMissingToken(rs01.answer), rs01);

  const rs02 = await run.call([['authorization', 'Basic dXNlcjpwYXNz']]);
  run.record({ caseId: 'RS-02', sent: 'Authorization: Basic dXNlcjpwYXNz' }, judgeStatus(rs02.answer, [401], 'MUST', 'a request without a bearer token is unauthenticated: 401 with a bare Bearer challenge (RFC 6750 §3.1)'), rs02);

  for (const [checkId, scheme] of [['RS-03-lowercase', 'bearer'], ['RS-03-uppercase', 'BEARER']] as const) {
    const exchange = await run.call([['authorization', `${scheme} ${good}`]]);
    run.record({ caseId: 'RS-03', checkId, variant: scheme, sent: `Authorization: ${scheme} <good token>`, expected: '200' }, judgeAccept(exchange.answer, 'SHOULD'), exchange);
  }

  const rs04 = await run.call([], { access_token: good });
  run.record({ caseId: 'RS-04', sent: 'no header; ?access_token=<good token>' }, judgeQueryOnly(rs04.answer), rs04);

  const rs05 = await run.call(bearer(unprivileged), { access_token: good });
  run.record({ caseId: 'RS-05', sent: 'header: token without the permission; ?access_token=<good token>' }, judgeTwoMethods(rs05.answer), rs05);

  for (const [checkId, first, second, secondHasPermission] of [
    ['RS-06-second-has-permission', unprivileged, good, true],
    ['RS-06-first-has-permission', good, unprivileged, false],
  ] as const) {
    const exchange = await run.call([...bearer(first), ...bearer(second)]);
    run.record(
      {
        caseId: 'RS-06',
        checkId,
        variant: secondHasPermission ? 'second header has the permission' : 'first header has the permission',
        sent: `two Authorization headers: ${secondHasPermission ? 'token without the permission, then good token' : 'good token, then token without the permission'}`,
        expected: '400 or 401',
      },
      judgeDuplicateHeaders(exchange.answer, secondHasPermission),
      exchange,
    );
  }

  const rs39 = await run.call(bearer(unprivileged));
  run.record({ caseId: 'RS-39', sent: 'good token without the permission', expected: '403 insufficient_scope' }, judgeInsufficientScope(rs39.answer), rs39);

  const oversize = FAULTS.find((f) => f.id === 'RS-07')!;
  const rs07token = await run.mint({ fault: oversize.id });
  const rs07 = await run.call(bearer(rs07token));
  let judgement = judgeStatus(rs07.answer, [431, 401], 'MUST', 'refuse an oversized header with 431 (or the token with 401)');
  const after = await run.call(bearer(good));
  if (unanswered(after.answer)) {
    judgement = { verdict: 'FAIL', got: `${judgement.got}; then ${describeAnswer(after.answer)}`, reason: 'the API stopped answering after the oversized header' };
  } else if (rs07.answer.kind === 'dropped') {
    // The connection was closed on the oversized request (a reset can swallow the 431), and the server lives on.
    judgement = { verdict: 'WARN', got: `${judgement.got}; still answers (${describeAnswer(after.answer)})`, reason: 'the API closed the connection without a readable answer; send 431 Request Header Fields Too Large before closing (RFC 6585 §5)' };
  } else {
    judgement = { ...judgement, got: `${judgement.got}; still answers (${describeAnswer(after.answer)})` };
  }
  run.record({ caseId: 'RS-07', sent: `Authorization: Bearer <${Math.round(rs07token.length / 1024)} KiB validly signed token>`, expected: '431 or 401, then still answering' }, judgement, rs07);
}

function judgeMissingToken(answer: Answer): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (answer.status !== 401) return { verdict: 'FAIL', got, reason: is2xx(answer.status) ? 'the endpoint answers without credentials: it is not protected' : 'a request without credentials gets 401' };
  const challenge = bearerChallenge(answer.wwwAuthenticate);
  if (challenge === undefined) return { verdict: 'WARN', got, reason: 'a 401 carries `WWW-Authenticate: Bearer realm="..."` telling the client how to authenticate (RFC 6750 §3, RFC 9110 §11.6.1)' };
  if (challenge.params['error'] !== undefined) return { verdict: 'WARN', got, reason: 'no error code when the request carried no token: the client did nothing wrong (RFC 6750 §3.1)' };
  return { verdict: 'PASS', got };
}

function judgeStatus(answer: Answer, statuses: readonly number[], level: Level, reason: string): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (statuses.includes(answer.status)) return { verdict: 'PASS', got };
  if (is2xx(answer.status) || is5xx(answer.status)) return { verdict: broken(level), got, reason };
  return { verdict: level === 'MUST' && statuses.length === 1 ? 'FAIL' : 'WARN', got, reason };
}

function judgeQueryOnly(answer: Answer): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (answer.status === 401) return { verdict: 'PASS', got };
  if (is2xx(answer.status)) return { verdict: 'WARN', got, reason: 'the API accepts access tokens in the query string, where logs, history and Referer headers leak them (RFC 6750 §2.3, RFC 9700 §4.3.2)' };
  return { verdict: 'WARN', got, reason: 'a request whose only token is in the query string carries no accepted credentials: 401' };
}

function judgeTwoMethods(answer: Answer): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (answer.status === 400 || answer.status === 401) return { verdict: 'PASS', got };
  if (is2xx(answer.status)) return { verdict: 'WARN', got, reason: 'the API acted as the query token\'s identity while the header named another: more than one method is an invalid_request (RFC 6750 §3.1)' };
  if (answer.status === 403) return { verdict: 'WARN', got, reason: 'the API used the header token and ignored the query one: more than one method is an invalid_request, 400 (RFC 6750 §3.1)' };
  return { verdict: 'WARN', got, reason: 'two tokens in one request: 400 invalid_request (RFC 6750 §3.1)' };
}

function judgeDuplicateHeaders(answer: Answer, secondHasPermission: boolean): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  const { status } = answer;
  if (status === 400 || status === 401) return { verdict: 'PASS', got };
  if (is5xx(status)) return { verdict: 'FAIL', got, reason: 'a duplicated header is the client\'s error: 400 invalid_request, not a crash' };
  const usedSecond = secondHasPermission ? is2xx(status) : status === 403;
  const usedFirst = secondHasPermission ? status === 403 : is2xx(status);
  if (usedSecond) return { verdict: 'FAIL', got, reason: 'the API acted as the SECOND Authorization header\'s identity: a proxy that checks the first one is bypassed' };
  if (usedFirst) return { verdict: 'WARN', got, reason: 'the API silently used the first Authorization header; repeated credentials are an invalid_request, 400 (RFC 6750 §3.1, RFC 9110 §5.3)' };
  return { verdict: 'WARN', got, reason: 'two Authorization headers: answer 400 invalid_request' };
}

function judgeInsufficientScope(answer: Answer): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (answer.status === 403) {
    const error = bearerChallenge(answer.wwwAuthenticate)?.params['error'];
    if (error === 'insufficient_scope') return { verdict: 'PASS', got };
    return { verdict: 'WARN', got, reason: 'add `WWW-Authenticate: Bearer error="insufficient_scope", scope="<permission>"` (RFC 6750 §3.1)' };
  }
  if (is2xx(answer.status)) return { verdict: 'FAIL', got, reason: 'the API granted access without the required permission' };
  if (answer.status === 401) return { verdict: 'FAIL', got, reason: '401 where 403 is due: the token is valid, only the permission is missing (RFC 6750 §3.1 insufficient_scope); a 401 sends clients into re-login loops' };
  return { verdict: 'FAIL', got, reason: 'a valid token without the permission gets 403 insufficient_scope' };
}

/** Step 5: rotate to the next key (RS-34), then retire the old one (RS-35). */
async function runRotation(run: Run, oldKid: string, oldToken: string): Promise<void> {
  const keys = await run.driver.rotateKeys();
  const active = keys.find((k) => k.status === 'active')?.kid;
  const rotatedAt = Date.now();
  const newToken = await run.mint();
  const { rotationWait } = run.settings;
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  await run.eventually({
    spec: { caseId: 'RS-34', sent: `token signed by the new key${active ? ` ${active}` : ''} right after the IdP rotated to it` },
    deadline: rotatedAt + rotationWait,
    attempt: () => run.call(bearer(newToken)),
    done: (answer) => answer.kind === 'response' && is2xx(answer.status),
    judge: (answer) => {
      const judgement = judgeAccept(answer, 'MUST');
      const after = Date.now() - rotatedAt;
      return judgement.verdict === 'PASS' && after > CONFORMANCE_DEFAULTS.retryEveryMs ? { ...judgement, got: `${judgement.got} after ${seconds(after)}` } : judgement;
    },
    giveUp: (answer) => ({
      verdict: 'FAIL',
      got: `${describeAnswer(answer)} for ${seconds(Date.now() - rotatedAt)}`,
      reason: `a token signed by the newly published key was still refused ${seconds(Date.now() - rotatedAt)} after the rotation: the API does not refetch the JWKS for a new kid (keys loaded once or pinned). Raise --rotation-wait if its refetch cooldown is longer.`,
    }),
  });

  await run.driver.retireKey(oldKid);
  const retiredAt = Date.now();
  await run.eventually({
    spec: { caseId: 'RS-35', sent: `token signed by the old key ${oldKid}, after it left the JWKS` },
    deadline: retiredAt + rotationWait,
    attempt: () => run.call(bearer(oldToken)),
    done: (answer) => answer.kind === 'response' && !is2xx(answer.status),
    judge: (answer) => {
      const judgement = judgeReject(answer, 'SHOULD');
      const after = Date.now() - retiredAt;
      return after > CONFORMANCE_DEFAULTS.retryEveryMs ? { ...judgement, got: `${judgement.got} after ${seconds(after)}` } : judgement;
    },
    giveUp: (answer) => ({
      verdict: 'WARN',
      got: `${describeAnswer(answer)} for ${seconds(Date.now() - retiredAt)}`,
      reason: `still accepted ${seconds(Date.now() - retiredAt)} after the key left the JWKS; a correct API refuses it once its key cache expires (jwks-rsa, express-oauth2-jwt-bearer and jose keep keys up to 10 min by default). Run with a longer --rotation-wait to check the bound.`,
    }),
  });
}

/** RS-33: many unknown kids in a row; 401 each time, and the JWKS refetches capped. */
async function runFlood(run: Run): Promise<void> {
  const attacker = await attackerRsaKey();
  const nonce = randomBytes(4).toString('hex');
  const iat = now();
  const claims = { iss: run.driver.issuer, sub: 'auth0|conformance-flood', aud: run.settings.audience, iat, exp: iat + 300, permissions: run.settings.permissions, scope: run.settings.permissions.join(' ') };
  const fetchesBefore = await run.driver.jwksFetches();
  const statuses = new Map<string, number>();
  let worst: Judgement | undefined;
  let last: Exchange | undefined;
  for (let i = 0; i < CONFORMANCE_DEFAULTS.floodSize; i++) {
    const token = await signJws({ alg: 'RS256', typ: 'at+jwt', kid: `flood-${nonce}-${i}` }, claims, attacker.privateKey);
    last = await run.call(bearer(token));
    const judgement = judgeReject(last.answer, 'SHOULD');
    statuses.set(judgement.got, (statuses.get(judgement.got) ?? 0) + 1);
    if (judgement.verdict === 'FAIL' || (judgement.verdict === 'WARN' && worst?.verdict !== 'FAIL')) worst = worst?.verdict === 'FAIL' ? worst : judgement;
    if (unanswered(last.answer)) break;
  }
  const fetchesAfter = await run.driver.jwksFetches();
  const fetches = fetchesBefore === undefined || fetchesAfter === undefined ? undefined : fetchesAfter - fetchesBefore;
  const got = `${[...statuses].map(([answer, count]) => `${count}× ${answer}`).join(', ')}${fetches === undefined ? '' : `; ${fetches} JWKS fetches`}`;
  let judgement: Judgement = { verdict: 'PASS', got };
  if (worst !== undefined) judgement = { verdict: worst.verdict, got, ...(worst.reason !== undefined ? { reason: worst.reason } : {}) };
  else if (fetches !== undefined && fetches > CONFORMANCE_DEFAULTS.floodFetchCap) {
    judgement = { verdict: 'WARN', got, reason: `${fetches} JWKS fetches for ${CONFORMANCE_DEFAULTS.floodSize} unknown kids: refetches are not capped, so any client can make the API hammer the IdP (cap them: jwks-rsa rateLimit, jose cooldownDuration)` };
  }
  run.record({ caseId: 'RS-33', sent: `${CONFORMANCE_DEFAULTS.floodSize} tokens, each with a different unknown kid` }, judgement, last);
}

/** The baseline failed: find the likely misconfiguration by trying variants of the good token. */
async function diagnose(run: Run, baseline: Answer, fetchesBefore: number | undefined): Promise<Diagnosis> {
  const got = describeAnswer(baseline);
  const causes: string[] = [];
  const tried: Diagnosis['tried'] = [];
  const { issuer, jwksUri } = run.driver;
  if (baseline.kind !== 'response') {
    causes.push(`the API did not answer a request with a good token (${got}): it hangs or crashes while checking tokens; is its JWKS URL (${jwksUri}) reachable from it?`);
    return { got, causes, tried };
  }
  const { status } = baseline;
  const description = bearerChallenge(baseline.wwwAuthenticate)?.params['error_description'];
  if (status === 404 || status === 405) {
    causes.push(`the endpoint answers ${status} to a good token: check the URL (${run.settings.url.href}) and the method (${run.settings.method})`);
    return { got, causes, tried };
  }
  if (status === 403) {
    const scope = bearerChallenge(baseline.wwwAuthenticate)?.params['scope'];
    causes.push(`the API refused the permission the token carries (${run.settings.permissions.join(' ')})${scope ? `: it asks for "${scope}"` : ''}; pass the permission the endpoint requires`);
    return { got, causes, tried };
  }
  const variants: Array<{ variant: string; cause: string; extra: Partial<MintRequest> }> = [];
  const t = now();
  if (issuer.endsWith('/')) {
    variants.push({ variant: `iss "${issuer.slice(0, -1)}" (no trailing slash)`, cause: `issuer: the API expects "${issuer.slice(0, -1)}" but the IdP's issuer is "${issuer}" — configure it exactly, trailing slash included (issuers are compared character for character)`, extra: { claims: { iss: issuer.slice(0, -1) } } });
  } else {
    variants.push({ variant: `iss "${issuer}/" (with a trailing slash)`, cause: `issuer: the API expects "${issuer}/" but the IdP's issuer is "${issuer}" — configure it exactly`, extra: { claims: { iss: `${issuer}/` } } });
  }
  const audience = run.settings.audience;
  const otherAudience = audience.endsWith('/') ? audience.slice(0, -1) : `${audience}/`;
  variants.push({ variant: `aud "${otherAudience}"`, cause: `audience: the API expects "${otherAudience}", not "${audience}" — pass the API identifier it is configured with (or fix its audience)`, extra: { audience: otherAudience } });
  variants.push({ variant: `aud [${audience}, ${issuer}userinfo]`, cause: `audience: the API accepts only an aud array (as Auth0 issues with openid), not the string "${audience}" — compare aud by membership`, extra: { claims: { aud: [audience, `${issuer}userinfo`] } } });
  variants.push({ variant: 'iat 2 h ago, exp in 24 h', cause: 'clock: the API accepts a token valid from 2 h ago to 24 h ahead but not one valid for the next 10 minutes — its clock is off (or it rejects recent iat values); check its time', extra: { claims: { iat: t - 7200, exp: t + 86_400 } } });
  for (const v of variants) {
    let token: string;
    try {
      token = await run.mint(v.extra);
    } catch (err) {
      if (err instanceof MintRefusedError) continue;
      throw err;
    }
    const { answer } = await run.call(bearer(token));
    tried.push({ variant: v.variant, got: describeAnswer(answer) });
    if (answer.kind === 'response' && is2xx(answer.status)) causes.push(v.cause);
  }
  if (causes.length === 0) {
    const fetchesAfter = await run.driver.jwksFetches();
    if (fetchesBefore !== undefined && fetchesAfter !== undefined && fetchesAfter === fetchesBefore) {
      causes.push(`JWKS: the API never fetched the IdP's keys (${jwksUri}) while refusing good tokens — its JWKS URL (or the issuer it discovers it from) points elsewhere, or it cannot reach the IdP`);
    }
    if (status >= 500) causes.push(`the API failed with ${status} on a good token${status === 503 ? ': it probably cannot fetch the IdP\'s keys' : ''}; see its log`);
    causes.push(`the API refused a good token${description ? ` saying "${description}"` : ''}; check its issuer (${issuer}), JWKS URL (${jwksUri}), audience (${audience}), allowed algorithm (RS256) and clock`);
  }
  return { got, causes, tried };
}

function caseOrder(caseId: string): number {
  if (caseId === 'RS-40') return -1;
  return CONFORMANCE_CASES.findIndex((c) => c.id === caseId);
}

/**
 * Runs the RS catalogue against a JWT-protected endpoint and returns every
 * check's verdict. Throws ConformanceSetupError (bad options, the endpoint or
 * the IdP unreachable) before any case runs; never for what the API answers.
 */
export async function runApiConformance(options: ApiConformanceOptions): Promise<ConformanceReport> {
  const settings = settingsOf(options);
  const startedAt = new Date();
  const started = performance.now();
  const driver = await openDriver(options, settings.requestTimeout);
  let canary: Canary | undefined;
  try {
    canary = await startCanary();
    const run = new Run(settings, driver, canary);

    const probe = await run.call([]);
    if (probe.answer.kind !== 'response') {
      throw new ConformanceSetupError('ERR_TARGET_UNREACHABLE', `the API at ${settings.url.href} is unreachable: ${describeAnswer(probe.answer)}`);
    }

    run.user = settings.user ?? (await driver.defaultUser());
    let good: string;
    let unprivileged: string;
    try {
      good = await run.mint();
      unprivileged = await run.mint({ permissions: [] });
    } catch (err) {
      if (err instanceof MintRefusedError) throw new ConformanceSetupError('ERR_OPTIONS', `cannot mint the good token: ${err.message}`);
      throw err;
    }
    // Published before the API first fetches the JWKS, as Auth0 publishes its next key ahead of a rotation (RS-34).
    const keys = await driver.publishNextKey();
    const oldKid = keys.find((k) => k.status === 'active')?.kid;
    const fetchesBefore = await driver.jwksFetches();

    const baseline = await run.call(bearer(good));
    const baselineJudgement = judgeAccept(baseline.answer, 'MUST');
    if (baselineJudgement.verdict !== 'PASS') {
      const misconfigured = await diagnose(run, baseline.answer, fetchesBefore);
      run.record({ caseId: 'RS-40', sent: 'good token with the permission', expected: '200' }, { ...baselineJudgement, reason: `misconfigured target: ${misconfigured.causes[0] ?? 'see the diagnosis'}` }, baseline);
      return finish(settings, driver, startedAt, started, run.results, misconfigured);
    }
    run.record({ caseId: 'RS-40', sent: 'good token with the permission', expected: '200' }, baselineJudgement, baseline);

    await runRequestShapes(run, good, unprivileged);
    for (const preset of FAULTS) {
      if (!UNKNOWN_KID_CASES.has(preset.caseId) && !SPECIAL_PRESETS.has(preset.id)) await runPreset(run, preset);
    }
    if (oldKid !== undefined) await runRotation(run, oldKid, good);
    for (const preset of FAULTS) {
      if (UNKNOWN_KID_CASES.has(preset.caseId)) await runPreset(run, preset);
    }
    await runFlood(run);
    await run.finishPending();

    // A late fetch of the canary (after the answer) still counts against RS-30.
    for (const r of run.results.filter((result) => result.caseId === 'RS-30' && result.verdict !== 'FAIL')) {
      const late = canary.hitsFor(r.checkId);
      if (late.length > 0) Object.assign(r, { verdict: 'FAIL', got: `${r.got}; fetched later (${late.join(', ')})`, reason: `the API fetched the URL the token's ${r.variant ?? 'jku'} header names` });
    }
    return finish(settings, driver, startedAt, started, run.results);
  } finally {
    await canary?.close();
    await driver.close();
  }
}

function finish(settings: Settings, driver: IdpDriver, startedAt: Date, started: number, results: CheckResult[], misconfigured?: Diagnosis): ConformanceReport {
  const ordered = results.map((r, i) => ({ r, i })).sort((a, b) => caseOrder(a.r.caseId) - caseOrder(b.r.caseId) || a.i - b.i).map(({ r }) => r);
  const count = (verdict: CheckResult['verdict']) => ordered.filter((r) => r.verdict === verdict).length;
  const summary = { passed: count('PASS'), failed: count('FAIL'), warnings: count('WARN'), skipped: count('SKIP') };
  return {
    target: { url: settings.url.href, method: settings.method, audience: settings.audience, permissions: settings.permissions, issuer: driver.issuer, jwksUri: driver.jwksUri },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    ...(misconfigured ? { misconfigured } : {}),
    results: ordered,
    summary,
    exitCode: summary.failed > 0 ? 1 : 0,
  };
}
