/**
 * Verdicts: what an answer means for a check. A hang or a dropped connection is
 * always a FAIL; otherwise a broken requirement is a FAIL at MUST level and a
 * WARN at SHOULD level.
 */
import { bearerChallenge } from './challenge.js';
import type { Answer, Level, Verdict } from './types.js';

export interface Judgement {
  verdict: Verdict;
  got: string;
  reason?: string;
}

const is2xx = (status: number) => status >= 200 && status < 300;
const is5xx = (status: number) => status >= 500;
export const broken = (level: Level): Verdict => (level === 'MUST' ? 'FAIL' : 'WARN');

/** `401 invalid_token`, `401 (bare Bearer challenge)`, `403 insufficient_scope`, `200`, `no answer within 5 s`. */
export function describeAnswer(answer: Answer): string {
  if (answer.kind === 'timeout') return `no answer within ${Math.round(answer.ms / 100) / 10} s`;
  if (answer.kind === 'dropped') return `connection dropped (${answer.message})`;
  const { status } = answer;
  if (status !== 400 && status !== 401 && status !== 403) return String(status);
  const bearer = bearerChallenge(answer.wwwAuthenticate);
  if (bearer === undefined) return `${status} (${answer.wwwAuthenticate.length > 0 ? 'no Bearer challenge' : 'no WWW-Authenticate'})`;
  const error = bearer.params.error;
  return error === undefined ? `${status} (bare Bearer challenge)` : `${status} ${error}`;
}

type NoAnswer = Exclude<Answer, { kind: 'response' }>;

/** A hang or a dropped connection: always a FAIL. */
export function unansweredJudgement(answer: NoAnswer): Judgement {
  return {
    verdict: 'FAIL',
    got: describeAnswer(answer),
    reason: answer.kind === 'timeout' ? 'the API did not answer in time: a bad request must get a quick refusal, not a hang' : 'the API dropped the connection instead of answering',
  };
}

/** Whether the API hung or dropped the connection. */
export const unanswered = (answer: Answer): answer is NoAnswer => answer.kind !== 'response';

export function challengeError(answer: Answer): string | undefined {
  return answer.kind === 'response' ? bearerChallenge(answer.wwwAuthenticate)?.params.error : undefined;
}

/** The token must be refused: 401 with `error="invalid_token"`. */
export function judgeReject(answer: Answer, level: Level): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  const { status } = answer;
  if (is2xx(status)) return { verdict: broken(level), got, reason: `the API accepted a token it ${level === 'MUST' ? 'must' : 'should'} refuse` };
  if (is5xx(status)) return { verdict: broken(level), got, reason: `a bad token is the client's error: answer 401 invalid_token, not ${status}` };
  if (status === 401) {
    if (challengeError(answer) === 'invalid_token') return { verdict: 'PASS', got };
    return { verdict: 'WARN', got, reason: 'refused, but without `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1)' };
  }
  return { verdict: 'WARN', got, reason: `refused with ${status}; RFC 6750 §3.1 answers an invalid token with 401 error="invalid_token"` };
}

/** The token must be accepted. */
export function judgeAccept(answer: Answer, level: Level): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (is2xx(answer.status)) return { verdict: 'PASS', got };
  return { verdict: broken(level), got, reason: 'a correct API accepts this token' };
}

/** Either refusing or accepting is conformant; a crash is not. */
export function judgeEither(answer: Answer, level: Level): Judgement {
  if (answer.kind !== 'response') return unansweredJudgement(answer);
  const got = describeAnswer(answer);
  if (is5xx(answer.status)) return { verdict: broken(level), got, reason: 'refuse (401) or accept, but never crash' };
  return { verdict: 'PASS', got };
}

export { is2xx, is5xx };
