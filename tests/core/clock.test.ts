/** The mock's clock (core/clock.ts) and the request-scoped Date.now that carries it into oidc-provider (oidc/request-clock.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock, MAX_CLOCK_OFFSET, parseDuration, processNow } from '../../mock-idp/core/clock.js';
import { InvalidInput } from '../../mock-idp/core/errors.js';
import { onClock } from '../../mock-idp/oidc/request-clock.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the clock', () => {
  it('starts at the real time and moves forward by whole seconds', () => {
    const clock = new Clock();
    expect(clock.offset).toBe(0);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    clock.advance(2_592_000);
    clock.advance(1);
    expect(clock.offset).toBe(2_592_001);
    expect(Math.abs(clock.now() - Date.now() - 2_592_001_000)).toBeLessThan(50);
    expect(clock.nowSeconds()).toBe(Math.floor(clock.now() / 1000));
    expect(clock.read()).toMatchObject({ offset: 2_592_001, epoch: expect.any(Number), now: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('refuses to move back, by fractions or past 100 years, with InvalidInput naming advance, and stays where it was', () => {
    const clock = new Clock();
    clock.advance(60);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_CLOCK_OFFSET]) {
      expect(() => clock.advance(bad)).toThrow(InvalidInput);
    }
    expect(clock.offset).toBe(60);
    clock.reset();
    expect(clock.offset).toBe(0);
  });

  it('reads durations as the CLI takes them: seconds, s, m, h, d, w and combinations', () => {
    expect(parseDuration(2_592_000)).toBe(2_592_000);
    expect(parseDuration('2592000')).toBe(2_592_000);
    expect(parseDuration('30d')).toBe(2_592_000);
    expect(parseDuration('1d12h')).toBe(129_600);
    expect(parseDuration('90m')).toBe(5_400);
    expect(parseDuration('2w')).toBe(1_209_600);
    expect(parseDuration('45s')).toBe(45);
    for (const bad of ['-30d', '30 days', '1.5h', '', 'd', '30x', null, true, {}]) {
      try {
        parseDuration(bad);
        expect.unreachable(`parsed ${JSON.stringify(bad)}`);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInput);
        expect((err as InvalidInput).field).toBe('advance');
      }
    }
  });

  it('follows a fake Date of the process (vitest fake timers) rather than the real one', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2030, 0, 1) });
    const clock = new Clock();
    clock.advance(86_400);
    expect(clock.date().toISOString()).toBe('2030-01-02T00:00:00.000Z');
  });
});

describe('the request-scoped Date.now', () => {
  it('answers the clock of the request it runs in, through awaits and timers, and the real time everywhere else', async () => {
    const ahead = new Clock();
    ahead.advance(86_400);
    const level = new Clock();
    const seen = await Promise.all([
      onClock(ahead, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return Date.now() - processNow();
      }),
      onClock(level, async () => {
        await Promise.resolve();
        return Date.now() - processNow();
      }),
    ]);
    expect(seen[0]).toBeGreaterThanOrEqual(86_400_000 - 5);
    expect(seen[0]).toBeLessThan(86_400_000 + 50);
    expect(Math.abs(seen[1]!)).toBeLessThan(50);
    // Outside any mock's request: the process's own time.
    expect(Math.abs(Date.now() - processNow())).toBeLessThan(5);
    // The clock itself never adds its offset twice, inside its own request.
    expect(onClock(ahead, () => ahead.now() - processNow())).toBeLessThan(86_400_000 + 50);
  });
});
