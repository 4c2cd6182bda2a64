/** The three-way merge a replica on Redis applies its unwritten changes with (core/redis/merge.ts). */
import { describe, expect, it } from 'vitest';
import { mergeChanges } from '../../mock-idp/core/redis/merge.js';

const user = (sub: string, name = sub) => ({ sub, email: `${sub}@example.com`, name });

describe('mergeChanges', () => {
  it('keeps the users both sides added, ours after the element it follows', () => {
    const base = { users: [user('a'), user('b')] };
    const merged = mergeChanges(base, { users: [user('a'), user('ours'), user('b')] }, { users: [user('a'), user('b'), user('theirs')] });
    expect(merged.users.map((u) => u.sub)).toEqual(['a', 'ours', 'b', 'theirs']);
  });

  it('removes what one side removed, and keeps the other side\'s change of another field of one user', () => {
    const base = { users: [user('a'), user('b')] };
    const ours = { users: [{ ...user('a'), name: 'Ann' }] };
    const theirs = { users: [{ ...user('a'), email: 'ann@example.com' }, user('b')] };
    expect(mergeChanges(base, ours, theirs)).toEqual({ users: [{ sub: 'a', email: 'ann@example.com', name: 'Ann' }] });
  });

  it('takes ours when both changed one value, and theirs where only they did', () => {
    expect(mergeChanges({ clock: 0, savedAt: 'x' }, { clock: 10, savedAt: 'y' }, { clock: 20, savedAt: 'x' })).toEqual({ clock: 10, savedAt: 'y' });
    expect(mergeChanges({ n: 1, m: 1 }, { n: 1, m: 2 }, { n: 3, m: 1 })).toEqual({ n: 3, m: 2 });
  });

  it('tells brute-force counts apart by user and address: one pair counted on both sides stays one entry', () => {
    const count = (ip: string, n: number) => ({ sub: 'a', ip, count: n, last: n });
    const merged = mergeChanges({ bruteForce: [count('1', 1), count('2', 1)] }, { bruteForce: [count('1', 2), count('2', 1)] }, { bruteForce: [count('1', 3), count('2', 3)] });
    expect(merged.bruteForce).toEqual([count('1', 2), count('2', 3)]);
  });

  it('tells [key, value] entries by their key and plain values by their JSON', () => {
    const base = { links: [['t1', { sub: 'a' }]], codes: ['x'] };
    const merged = mergeChanges(base, { links: [['t1', { sub: 'a' }], ['t2', { sub: 'b' }]], codes: [] }, { links: [['t3', { sub: 'c' }]], codes: ['x', 'y'] });
    expect(merged).toEqual({ links: [['t2', { sub: 'b' }], ['t3', { sub: 'c' }]], codes: ['y'] });
  });
});
