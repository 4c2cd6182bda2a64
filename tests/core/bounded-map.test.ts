/** The bounded, expiring map of what anyone can fill (core/bounded-map.ts): pending MFA, codes, links, invitations, plans. */
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../mock-idp/core/bounded-map.js';
import { Clock } from '../../mock-idp/core/clock.js';

describe('BoundedMap', () => {
  it('evicts the oldest entry past its capacity, and a re-set entry counts as the newest', () => {
    const map = new BoundedMap<string, number>(2, new Clock());
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.entries()].map(([key, value]) => [key, value])).toEqual([['a', 3], ['c', 4]]);
    expect(map.has('b')).toBe(false);
    expect(map.size).toBe(2);
  });

  it('expires an entry on the mock clock (time travel), and tells an expired one from an unknown one', () => {
    const clock = new Clock();
    const map = new BoundedMap<string, string>(10, clock);
    const expiresAt = map.setFor('code', 'x', 60);
    map.set('forever', 'y');
    expect(map.expiresAt('code')).toBe(expiresAt);
    clock.advance(59);
    expect(map.get('code')).toBe('x');
    clock.advance(1);
    expect(map.lookup('code')).toEqual({ value: 'x', expired: true });
    expect(map.lookup('nothing')).toBeUndefined();
    expect([...map.values()]).toEqual(['y']);
    expect(map.get('code')).toBeUndefined();
    expect(map.size).toBe(1);
  });
});
