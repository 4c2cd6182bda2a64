import { InvalidInput } from './errors.js';

/**
 * The property under which a wrapped `Date.now` (oidc/request-clock.ts) keeps the function it wraps,
 * so that a Clock reads the process's own time and never adds an offset twice.
 */
export const UNWRAPPED_NOW: unique symbol = Symbol.for('mock-idp.clock.unwrapped-now');

type WrappableNow = (() => number) & { [UNWRAPPED_NOW]?: () => number };

/** The process's time in ms (real, or a test's fake `Date`), without any mock's offset. */
export function processNow(): number {
  const now = Date.now as WrappableNow;
  return (now[UNWRAPPED_NOW] ?? now).call(Date);
}

/** The furthest a clock may be moved: 100 years (a Date past it overflows long before anything useful happens). */
export const MAX_CLOCK_OFFSET = 100 * 365 * 86_400;

const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;

/**
 * Seconds as `parseDuration` takes them: `2592000` → `30d`, `93784` → `1d2h3m4s` (its sign dropped, rounded);
 * `parts` keeps only the largest units (2: `1d2h`), for a compact reading.
 */
export function formatDuration(seconds: number, parts = Number.POSITIVE_INFINITY): string {
  let rest = Math.abs(Math.round(seconds));
  const out: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) out.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return out.slice(0, parts).join('') || '0s';
}

/**
 * Seconds from a number of seconds or a duration such as `30d`, `12h`, `90m`, `1d12h`, `2w`
 * (units s, m, h, d, w; a bare number is seconds). A negative, fractional or malformed
 * amount is InvalidInput naming `field`.
 */
export function parseDuration(input: unknown, field = 'advance'): number {
  let seconds: number;
  if (typeof input === 'number') seconds = input;
  else if (typeof input === 'string' && /^\d+$/.test(input.trim())) seconds = Number(input.trim());
  else if (typeof input === 'string' && DURATION.test(input.trim())) {
    seconds = 0;
    for (const [, amount, unit] of input.trim().matchAll(/(\d+)([smhdw])/g)) seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  } else {
    throw new InvalidInput(`${field}: expected whole seconds or a duration such as 30d, 12h, 90m, 1d12h (units s, m, h, d, w), got ${JSON.stringify(input) ?? String(input)}`, field);
  }
  if (!Number.isSafeInteger(seconds)) throw new InvalidInput(`${field}: expected whole seconds, got ${seconds}`, field);
  if (seconds < 0) throw new InvalidInput(`${field}: the clock only moves forward (got ${seconds} s); reset the mock to go back to the real time`, field);
  return seconds;
}

/** What GET /_mock/clock and `idp.clock.now()`-style callers see. */
export interface ClockReading {
  /** Seconds the mock is ahead of the process's time. */
  offset: number;
  /** The mock's now, ISO 8601. */
  now: string;
  /** The mock's now, epoch seconds (what `iat` of a token issued now says). */
  epoch: number;
}

/**
 * One mock's notion of now: the process's time plus an offset that only grows
 * (time travel for tests: `advance(30 * 86_400)` makes a 30-day refresh token
 * expire). Everything the mock stores and checks reads the time here: the
 * store's expiry, brute-force blocks, events, minted tokens, and, through the
 * request-scoped `Date.now` of oidc/request-clock.ts, oidc-provider itself.
 */
export class Clock {
  #offsetMs = 0;

  /** The mock's now, epoch ms. */
  now(): number {
    return processNow() + this.#offsetMs;
  }

  /** The mock's now, whole epoch seconds (as `iat`, `exp`). */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The mock's now as a Date (for jose's `currentDate`). */
  date(): Date {
    return new Date(this.now());
  }

  /** Seconds ahead of the process's time. */
  get offset(): number {
    return this.#offsetMs / 1000;
  }

  /** Moves now forward by `seconds` (whole, ≥ 0); returns the new offset. InvalidInput for a negative or absurd amount. */
  advance(seconds: number): number {
    const amount = parseDuration(seconds);
    if (this.offset + amount > MAX_CLOCK_OFFSET) throw new InvalidInput(`advance: at most ${MAX_CLOCK_OFFSET} s (100 years) ahead in all, got ${this.offset + amount} s`, 'advance');
    this.#offsetMs += amount * 1000;
    return this.offset;
  }

  /** Puts back an offset read from a saved state (core/persistence): the times stored there are on that clock. */
  restore(offsetSeconds: number): void {
    if (!Number.isFinite(offsetSeconds) || offsetSeconds < 0 || offsetSeconds > MAX_CLOCK_OFFSET) throw new InvalidInput(`clockOffset: expected 0 to ${MAX_CLOCK_OFFSET} seconds, got ${offsetSeconds}`, 'clockOffset');
    this.#offsetMs = offsetSeconds * 1000;
  }

  /** Back to the process's time: only with a state reset (MockState.reset), since nothing stored may outlive its moment. */
  reset(): void {
    this.#offsetMs = 0;
  }

  read(): ClockReading {
    const now = this.now();
    return { offset: this.offset, now: new Date(now).toISOString(), epoch: Math.floor(now / 1000) };
  }
}
