import { AsyncLocalStorage } from 'node:async_hooks';
import { UNWRAPPED_NOW, type Clock } from '../core/clock.js';

/**
 * oidc-provider has no clock hook: it reads the time only as `Date.now()`
 * (its epochTime() helper, its LRU caches), for token `iat` / `exp`, session,
 * interaction and code expiry and refresh-token lifetimes. So that a mock's
 * time travel reaches it without touching its internals, `Date.now` is
 * wrapped once per process: inside a request of a mock (run through
 * `onClock`), it answers that mock's clock; everywhere else (the test itself,
 * an app under test in the same process, other libraries, another mock's
 * requests) it answers the process's own time, unchanged.
 */
// One scope per process, kept on globalThis: two copies of mock-idp in one process (two versions installed)
// then share it as they share the one wrapper, and each one's mocks still get their own time.
const SCOPE = Symbol.for('mock-idp.clock.request-scope');
const holder = globalThis as { [SCOPE]?: AsyncLocalStorage<Pick<Clock, 'now'>> };
holder[SCOPE] ??= new AsyncLocalStorage<Pick<Clock, 'now'>>();
const requestClock = holder[SCOPE];

type WrappedNow = (() => number) & { [UNWRAPPED_NOW]?: () => number };

/**
 * Wraps the `Date.now` of the current global `Date` unless it is wrapped already. Checked on every
 * request, not only once: a test's fake timers (vitest's `useFakeTimers({ toFake: ['Date'] })`)
 * swap the global `Date` in and out, and the one they leave behind must be wrapped too.
 */
function ensureWrapped(): void {
  const current = Date.now as WrappedNow;
  if (current[UNWRAPPED_NOW]) return;
  const original = current;
  const wrapped: WrappedNow = () => {
    const clock = requestClock.getStore();
    return clock ? clock.now() : original.call(Date);
  };
  wrapped[UNWRAPPED_NOW] = original;
  Date.now = wrapped;
}

/** Runs `fn` (a request of one mock) on `clock`: `Date.now()` inside it, and in everything it awaits, is the mock's now. */
export function onClock<T>(clock: Pick<Clock, 'now'>, fn: () => T): T {
  ensureWrapped();
  return requestClock.run(clock, fn);
}
