/** The mock's clock (core/clock.ts) and the request-scoped Date.now that carries it into oidc-provider (oidc/request-clock.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock, MAX_CLOCK_OFFSET, parseDuration, processNow } from '../../mock-idp/core/clock.js';
import { resetPassword, sendPasswordResetEmail } from '../../mock-idp/core/database-connection.js';
import { InvalidEmailLink, InvalidInput } from '../../mock-idp/core/errors.js';
import { readKeyFile } from '../../mock-idp/core/keys.js';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';
import { MockState } from '../../mock-idp/core/state.js';
import { parseTenant } from '../../mock-idp/core/tenant/load.js';
import { onClock } from '../../mock-idp/oidc/request-clock.js';
import { fixtureTenant } from '../mock-idp/tenants.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the clock', () => {
  it('starts at the real time and moves forward by whole seconds', () => {
    const clock = new Clock();
    expect(clock.offset).toBe(0);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1_000);
    clock.advance(2_592_000);
    clock.advance(1);
    expect(clock.offset).toBe(2_592_001);
    expect(Math.abs(clock.now() - Date.now() - 2_592_001_000)).toBeLessThan(1_000);
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
    expect(seen[0]).toBeLessThan(86_400_000 + 1_000);
    expect(Math.abs(seen[1]!)).toBeLessThan(1_000);
    // Outside any mock's request: the process's own time.
    expect(Math.abs(Date.now() - processNow())).toBeLessThan(1_000);
    // The clock itself never adds its offset twice, inside its own request.
    expect(onClock(ahead, () => ahead.now() - processNow())).toBeLessThan(86_400_000 + 1_000);
  });
});

describe("the outbox's links on the mock's clock", () => {
  it('expires a password reset link once the clock passes its lifetime (5 days by default), not before', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const state = new MockState('http://localhost:4000/', parseTenant(fixtureTenant(), 'test'), readKeyFile(PACKAGE_PATHS.devKeys));
    const lifetime = state.tenant.emailTemplates.resetPassword.urlLifetime;
    const ticketOf = () => new URL(sendPasswordResetEmail(state, 'bob@example.com')!.links[0]!).searchParams.get('ticket')!;
    const late = ticketOf();
    const inTime = ticketOf();
    const email = state.outbox.list().at(-1)!;
    expect(Math.abs(Date.parse(email.expires!) - Date.parse(email.created_at) - lifetime * 1000)).toBeLessThan(1_000);

    state.advanceClock(lifetime - 1);
    expect(resetPassword(state, inTime, 'new-password-1').sub).toBe('auth0|65a1f0c2e4b0a1b2c3d4e5f2');
    state.advanceClock(1);
    expect(() => resetPassword(state, late, 'new-password-2')).toThrow(expect.objectContaining({ reason: 'expired' }));
    expect(() => resetPassword(state, late, 'new-password-2')).toThrow(InvalidEmailLink);
  });
});
