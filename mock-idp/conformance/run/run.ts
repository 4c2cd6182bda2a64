/** One run's state: the requests it sends, the tokens it mints, the results it records, the checks it retries. */
import type { MintRequest } from '../../start.js';
import type { Canary } from '../canary.js';
import { conformanceCase } from '../cases.js';
import { CONFORMANCE_DEFAULTS } from '../defaults.js';
import type { IdpDriver } from '../driver.js';
import { send, shorten } from '../http.js';
import { unanswered, type Judgement } from '../judge.js';
import type { Answer, CheckResult, Level, SentRequest } from '../types.js';
import type { Settings } from './settings.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => Math.floor(Date.now() / 1000);
export const bearer = (token: string): Array<[string, string]> => [['authorization', `Bearer ${token}`]];

function readable(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

export interface CheckSpec {
  caseId: string;
  checkId?: string;
  variant?: string;
  title?: string;
  level?: Level;
  sent: string;
  expected?: string;
  reference?: string;
}

export interface Exchange {
  request: SentRequest;
  answer: Answer;
}

/** A check retried until a deadline (the rotation cases). */
export interface Pending {
  spec: CheckSpec;
  deadline: number;
  attempt: () => Promise<Exchange>;
  judge: (answer: Answer) => Judgement;
  done: (answer: Answer) => boolean;
  giveUp: (answer: Answer) => Judgement;
}

export class Run {
  readonly results: CheckResult[] = [];
  readonly pending: Pending[] = [];
  user = '';
  /** The JWKS fetches counted so far, and when the harness last saw the count grow (an upper bound of the API's last fetch). */
  #fetches: number | undefined;
  lastJwksFetchSeenAt = Date.now();

  constructor(
    readonly settings: Settings,
    readonly driver: IdpDriver,
    readonly canary: Canary,
  ) {}

  /** Reads the IdP's JWKS fetch count and notes when it grew (when the IdP cannot count, "now": the safe bound). */
  async noteJwksFetches(): Promise<number | undefined> {
    const count = await this.driver.jwksFetches();
    if (count === undefined || this.#fetches === undefined || count > this.#fetches) this.lastJwksFetchSeenAt = Date.now();
    this.#fetches = count;
    return count;
  }

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
      ...(this.settings.tokenDialect !== undefined ? { tokenDialect: this.settings.tokenDialect } : {}),
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
