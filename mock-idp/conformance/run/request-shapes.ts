/** Step 3: the request-shape cases (RS-01..07, RS-39) and how each answer is judged. */
import { FAULTS, flipSignature } from '../../tools/faults/index.js';
import { bearerChallenge } from '../challenge.js';
import { broken, describeAnswer, is2xx, is5xx, judgeAccept, unanswered, unansweredJudgement, type Judgement } from '../judge.js';
import type { Answer, Level } from '../types.js';
import { bearer, type Run } from './run.js';

/** RS-01..RS-07 and RS-39: what the request looks like rather than what the token says. */
export async function runRequestShapes(run: Run, good: string, unprivileged: string): Promise<void> {
  const rs01 = await run.call([]);
  run.record({ caseId: 'RS-01', sent: 'no Authorization header' }, judgeMissingToken(rs01.answer), rs01);

  const rs02 = await run.call([['authorization', 'Basic dXNlcjpwYXNz']]);
  run.record({ caseId: 'RS-02', sent: 'Authorization: Basic dXNlcjpwYXNz' }, judgeOtherScheme(rs02.answer), rs02);

  for (const [checkId, scheme] of [['RS-03-lowercase', 'bearer'], ['RS-03-uppercase', 'BEARER']] as const) {
    const exchange = await run.call([['authorization', `${scheme} ${good}`]]);
    run.record({ caseId: 'RS-03', checkId, variant: scheme, sent: `Authorization: ${scheme} <good token>`, expected: '200' }, judgeAccept(exchange.answer, 'SHOULD'), exchange);
  }

  const rs04 = await run.call([], { access_token: good });
  run.record({ caseId: 'RS-04', sent: 'no header; ?access_token=<good token>' }, judgeQueryOnly(rs04.answer), rs04);

  const rs05 = await run.call(bearer(unprivileged), { access_token: good });
  run.record({ caseId: 'RS-05', sent: 'header: token without the permission; ?access_token=<good token>' }, judgeTwoMethods(rs05.answer), rs05);

  // Two tokens that differ by validity (one with a broken signature and no permission), so the answer shows which copy the API used even when it checks no permission.
  const invalid = flipSignature(unprivileged);
  for (const [checkId, first, second, secondValid] of [
    ['RS-06-second-valid', invalid, good, true],
    ['RS-06-first-valid', good, invalid, false],
  ] as const) {
    const exchange = await run.call([...bearer(first), ...bearer(second)]);
    run.record(
      {
        caseId: 'RS-06',
        checkId,
        variant: secondValid ? 'second header valid' : 'first header valid',
        sent: `two Authorization headers: ${secondValid ? 'an invalid token (broken signature, no permission), then the good token' : 'the good token, then an invalid token (broken signature, no permission)'}`,
        expected: '400 or 401',
      },
      judgeDuplicateHeaders(exchange.answer, secondValid),
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
  if (challenge.params.error !== undefined) return { verdict: 'WARN', got, reason: 'no error code when the request carried no token: the client did nothing wrong (RFC 6750 §3.1)' };
  return { verdict: 'PASS', got };
}

function judgeStatus(answer: Answer, statuses: readonly number[], level: Level, reason: string): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (statuses.includes(answer.status)) return { verdict: 'PASS', got };
  if (is2xx(answer.status) || is5xx(answer.status)) return { verdict: broken(level), got, reason };
  return { verdict: level === 'MUST' && statuses.length === 1 ? 'FAIL' : 'WARN', got, reason };
}

/** RS-02: a SHOULD (401 with a bare challenge), except that accepting the request is a FAIL. */
function judgeOtherScheme(answer: Answer): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (answer.status === 401) return { verdict: 'PASS', got };
  if (is2xx(answer.status)) return { verdict: 'FAIL', got, reason: 'the API accepted a request that carries no bearer token: any Authorization header lets it through' };
  if (is5xx(answer.status)) return { verdict: 'FAIL', got, reason: 'another scheme is the client\'s error: answer 401, not a crash' };
  return { verdict: 'WARN', got, reason: 'refused, but a request without a bearer token is unauthenticated: 401 with a bare Bearer challenge (RFC 6750 §3.1)' };
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


/**
 * RS-06: the valid token is first or second; the other one is invalid and carries no permission.
 * A 2xx shows the API used the valid copy, a 403 the invalid one (decoded, not verified): either way which copy it acted on.
 */
function judgeDuplicateHeaders(answer: Answer, secondValid: boolean): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  const { status } = answer;
  if (status === 400 || status === 401) return { verdict: 'PASS', got };
  if (is5xx(status)) return { verdict: 'FAIL', got, reason: 'a duplicated header is the client\'s error: 400 invalid_request, not a crash' };
  const usedSecond = secondValid ? is2xx(status) : status === 403;
  const usedFirst = secondValid ? status === 403 : is2xx(status);
  if (usedSecond) return { verdict: 'FAIL', got, reason: 'the API acted as the SECOND Authorization header\'s token: a proxy that checks the first one is bypassed' };
  if (usedFirst) return { verdict: 'WARN', got, reason: 'the API silently used the first Authorization header; repeated credentials are an invalid_request, 400 (RFC 6750 §3.1, RFC 9110 §5.3)' };
  return { verdict: 'WARN', got, reason: 'two Authorization headers: answer 400 invalid_request' };
}

function judgeInsufficientScope(answer: Answer): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (answer.status === 403) {
    const error = bearerChallenge(answer.wwwAuthenticate)?.params.error;
    if (error === 'insufficient_scope') return { verdict: 'PASS', got };
    return { verdict: 'WARN', got, reason: 'add `WWW-Authenticate: Bearer error="insufficient_scope", scope="<permission>"` (RFC 6750 §3.1)' };
  }
  if (is2xx(answer.status)) return { verdict: 'FAIL', got, reason: 'the API granted access without the required permission' };
  if (answer.status === 401) return { verdict: 'FAIL', got, reason: '401 where 403 is due: the token is valid, only the permission is missing (RFC 6750 §3.1 insufficient_scope); a 401 sends clients into re-login loops' };
  return { verdict: 'FAIL', got, reason: 'a valid token without the permission gets 403 insufficient_scope' };
}
