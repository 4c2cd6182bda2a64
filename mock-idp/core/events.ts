import { Clock } from './clock.js';
import { DEFAULTS } from './tenant/defaults.js';

export interface MockEvent {
  /** Increasing number, to read only what is new (`?since=`). */
  seq: number;
  at: string;
  /** oidc-provider's event name (`grant.success`, `grant.revoked`, ...) or mock-idp's own (`login.failed`, `keys.rotated`). */
  type: string;
  clientId?: string;
  sub?: string;
  error?: string;
  detail?: Record<string, unknown>;
}

/** A bounded in-memory log of what happened, for tests to assert on and learners to read. */
export class EventLog {
  #events: MockEvent[] = [];
  #seq = 0;
  readonly #listeners: Array<(event: MockEvent) => void> = [];

  constructor(
    private readonly size: number = DEFAULTS.eventLogSize,
    /** `at` is the mock's time, so that events line up with the `iat` of the tokens they speak of after time travel. */
    private readonly clock: Pick<Clock, 'now'> = new Clock(),
  ) {}

  add(event: Omit<MockEvent, 'seq' | 'at'>): MockEvent {
    const full: MockEvent = { seq: ++this.#seq, at: new Date(this.clock.now()).toISOString(), ...event };
    this.#events.push(full);
    if (this.#events.length > this.size) this.#events.shift();
    for (const listener of this.#listeners) listener(full);
    return full;
  }

  /** Called with every event added (the timeline reads logins, logouts and key changes from here); it must not throw. */
  onAdd(listener: (event: MockEvent) => void): void {
    this.#listeners.push(listener);
  }

  list(since = 0): MockEvent[] {
    return this.#events.filter((e) => e.seq > since);
  }

  clear(): void {
    this.#events = [];
  }
}
